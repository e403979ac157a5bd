/* bootperf - the stored documents' codec (cJSON): a benchmark's and a
 * commit's result, to a tree and back.
 *
 * The writers build cJSON trees; the readers take any tree, however it
 * was produced, and either fill a struct or explain in `why` what is
 * wrong.  Readers never trust a type or a size and recompute what can be
 * recomputed (the statistics).
 */
#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store.h"

#define BENCH_JSON_FORMAT 1
#define COMMIT_JSON_TYPE "bootperf-commit-result"

/* Any finite time bootperf can measure fits (a week is 6.048e8 ms). */
#define JSON_SAMPLE_MAX_MS 1e12
#define JSON_LONG_MAX (LONG_MAX > 1e15 ? 1e15 : (double)LONG_MAX)

#define ENV_OFFSET(name) offsetof(struct bench_env, name)

/* The string members of struct bench_env, in output order. */
static const struct {
	const char *key;
	size_t offset;
} env_strings[] = {
    {"bootperf_version", ENV_OFFSET(bootperf_version)},
    {"runner", ENV_OFFSET(runner)},
    {"host_name", ENV_OFFSET(host_name)},
    {"host_version", ENV_OFFSET(host_version)},
    {"host_cpu", ENV_OFFSET(host_cpu)},
    {"libguestfs_version", ENV_OFFSET(libguestfs_version)},
    {"backend", ENV_OFFSET(backend)},
    {"accel", ENV_OFFSET(accel)},
    {"hv", ENV_OFFSET(hv)},
    {"hv_version", ENV_OFFSET(hv_version)},
    {"kernel", ENV_OFFSET(kernel)},
    {"kernel_version", ENV_OFFSET(kernel_version)},
    {"modules", ENV_OFFSET(modules)},
    {"append", ENV_OFFSET(append)},
    {"command", ENV_OFFSET(command)},
    {"cachedir", ENV_OFFSET(cachedir)},
    {"appliance", ENV_OFFSET(appliance)},
};

#define N_ENV_STRINGS (sizeof env_strings / sizeof env_strings[0])

/* NaN has no JSON spelling: an undefined statistic is null. */
void json_add_number(cJSON *obj, const char *key, double v)
{
	cJSON_AddItemToObject(
	    obj, key, isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull());
}

cJSON *json_number_or_null(double v)
{
	return isnan(v) ? cJSON_CreateNull() : cJSON_CreateNumber(v);
}

/* JSON text is UTF-8: a subject or a build's output that is not (a
 * commit in Latin-1 without an encoding header) gets U+FFFD for each bad
 * byte.
 */
void json_add_string(cJSON *obj, const char *key, const char *value)
{
	char *valid = value ? bp_utf8_valid(value) : NULL;

	cJSON_AddItemToObject(
	    obj, key, valid ? cJSON_CreateString(valid) : cJSON_CreateNull());
	free(valid);
}

cJSON *json_samples_array(const double *x, size_t n)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; arr && i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateNumber(x[i]));
	return arr;
}

cJSON *json_stats_object(const struct stats_summary *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *ci = cJSON_CreateArray();

	cJSON_AddNumberToObject(o, "n", (double)s->n);
	if (s->n == 0) {
		cJSON_Delete(ci);
		return o;
	}
	cJSON_AddItemToObject(o, "mean_ms", json_number_or_null(s->mean));
	cJSON_AddItemToObject(o, "sd_ms", json_number_or_null(s->sd));
	cJSON_AddItemToObject(o, "median_ms", json_number_or_null(s->median));
	cJSON_AddItemToObject(o, "min_ms", json_number_or_null(s->min));
	cJSON_AddItemToObject(o, "max_ms", json_number_or_null(s->max));
	cJSON_AddItemToArray(ci, json_number_or_null(s->ci_low));
	cJSON_AddItemToArray(ci, json_number_or_null(s->ci_high));
	cJSON_AddItemToObject(o, "ci95_ms", ci);
	cJSON_AddItemToObject(o, "trimmed_mean_ms",
			      json_number_or_null(s->trimmed_mean));
	cJSON_AddItemToObject(o, "mad_ms", json_number_or_null(s->mad));
	return o;
}

static const char *env_string(const struct bench_env *e, size_t i)
{
	return *(char *const *)((const char *)e + env_strings[i].offset);
}

static char **env_string_slot(struct bench_env *e, size_t i)
{
	return (char **)((char *)e + env_strings[i].offset);
}

static cJSON *env_object(const struct bench_env *e)
{
	cJSON *o = cJSON_CreateObject();

	for (size_t i = 0; i < N_ENV_STRINGS; i++)
		json_add_string(o, env_strings[i].key, env_string(e, i));
	cJSON_AddNumberToObject(o, "smp", e->smp);
	cJSON_AddNumberToObject(o, "memsize", e->memsize);
	cJSON_AddNumberToObject(o, "timeout_s", e->timeout_s);
	return o;
}

/* Whole seconds, UTC.  A time gmtime cannot express becomes the epoch
 * rather than undefined behaviour.
 */
void json_iso_time(char *buf, size_t len, double t)
{
	time_t secs = t >= -1e15 && t <= 1e15 ? (time_t)t : 0;
	struct tm tm;

	if (!gmtime_r(&secs, &tm)) {
		secs = 0;
		gmtime_r(&secs, &tm);
	}
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

cJSON *json_from_bench(const struct bench_result *res)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *harness;
	char when[32];

	if (!root)
		return NULL;
	json_iso_time(when, sizeof when, res->started);
	cJSON_AddNumberToObject(root, "format", BENCH_JSON_FORMAT);
	cJSON_AddStringToObject(root, "status",
				sample_status_name(res->status));
	json_add_string(root, "message", res->message);
	cJSON_AddStringToObject(root, "started", when);
	cJSON_AddNumberToObject(root, "elapsed_s", res->elapsed_s);
	cJSON_AddItemToObject(root, "environment", env_object(&res->env));
	harness = cJSON_AddObjectToObject(root, "harness");
	cJSON_AddNumberToObject(harness, "maxrss_kb", (double)res->maxrss_kb);
	cJSON_AddItemToObject(
	    root, "warmup_ms",
	    json_samples_array(res->warmup_ms, res->n_warmup));
	cJSON_AddItemToObject(
	    root, "samples_ms",
	    json_samples_array(res->sample_ms, res->n_samples));
	cJSON_AddItemToObject(root, "statistics",
			      json_stats_object(&res->summary));
	return root;
}

/* --- reading --- */

__attribute__((format(printf, 3, 4))) static void explain(char *why, size_t len,
							  const char *fmt, ...)
{
	va_list ap;

	if (len > 0) {
		va_start(ap, fmt);
		/* False positive: clang-tidy 14 loses va_start state in
		 * every file after the first of a run (llvm-project#40656).
		 */
		// NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
}

/* The -1 is literal so that clang-analyzer, which does not follow calls
 * into variadic functions, knows that a failed getter left *out unset.
 */
#define fail(why, len, ...) (explain((why), (len), __VA_ARGS__), -1)

static const cJSON *member(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static int get_number(const cJSON *obj, const char *key, double *out, char *why,
		      size_t len)
{
	const cJSON *it = member(obj, key);

	if (!it)
		return fail(why, len, "missing \"%s\"", key);
	if (!cJSON_IsNumber(it))
		return fail(why, len, "\"%s\" is not a number", key);
	if (!isfinite(it->valuedouble))
		return fail(why, len, "\"%s\" is out of range", key);
	*out = it->valuedouble;
	return 0;
}

/* null (or absent) reads as NAN, the value NAN was written as. */
static int get_json_number_or_null(const cJSON *obj, const char *key,
				   double *out, char *why, size_t len)
{
	const cJSON *it = member(obj, key);

	if (!it || cJSON_IsNull(it)) {
		*out = NAN;
		return 0;
	}
	return get_number(obj, key, out, why, len);
}

static int get_whole(const cJSON *obj, const char *key, double min, double max,
		     double *out, char *why, size_t len)
{
	if (get_number(obj, key, out, why, len) == -1)
		return -1;
	if (*out != floor(*out) || *out < min || *out > max)
		return fail(why, len,
			    "\"%s\" is not a whole number from %.0f to %.0f",
			    key, min, max);
	return 0;
}

/* null or absent reads as NULL. */
static int get_string(const cJSON *obj, const char *key, char **out, char *why,
		      size_t len)
{
	const cJSON *it = member(obj, key);

	*out = NULL;
	if (!it || cJSON_IsNull(it))
		return 0;
	if (!cJSON_IsString(it) || !it->valuestring)
		return fail(why, len, "\"%s\" is not a string or null", key);
	*out = bp_strdup(it->valuestring);
	return 0;
}

static int get_required_string(const cJSON *obj, const char *key, char **out,
			       char *why, size_t len)
{
	if (get_string(obj, key, out, why, len) == -1)
		return -1;
	if (!*out)
		return fail(why, len, "missing \"%s\"", key);
	return 0;
}

static int get_sample(const cJSON *it, const char *key, size_t i, double *out,
		      char *why, size_t len)
{
	if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) ||
	    it->valuedouble < 0 || it->valuedouble > JSON_SAMPLE_MAX_MS)
		return fail(why, len, "\"%s\"[%zu] is not 0 to %.0f ms", key, i,
			    JSON_SAMPLE_MAX_MS);
	*out = it->valuedouble;
	return 0;
}

static int get_samples(const cJSON *obj, const char *key, double **arr,
		       size_t *n, char *why, size_t len)
{
	const cJSON *list = member(obj, key);
	const cJSON *it;
	size_t count = 0;

	if (!cJSON_IsArray(list))
		return fail(why, len, "\"%s\" is missing or not an array", key);
	for (it = list->child; it; it = it->next)
		if (++count > JSON_MAX_SAMPLES)
			return fail(why, len, "\"%s\" has over %d samples", key,
				    JSON_MAX_SAMPLES);
	*arr = count ? bp_malloc(count * sizeof **arr) : NULL;
	*n = count;
	count = 0;
	for (it = list->child; it; it = it->next) {
		/* On failure the caller frees *arr with the rest. */
		if (get_sample(it, key, count, &(*arr)[count], why, len) == -1)
			return -1;
		count++;
	}
	return 0;
}

static int parse_sample_status(const char *s, enum sample_status *out)
{
	for (int i = SAMPLE_OK; i <= SAMPLE_ERROR; i++)
		if (!strcmp(s, sample_status_name((enum sample_status)i))) {
			*out = (enum sample_status)i;
			return 0;
		}
	return -1;
}

static int parse_iso_time(const char *s, double *out)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return -1;
	*out = (double)timegm(&tm);
	return 0;
}

static int get_format(const cJSON *obj, int newest, double *fmt, char *why,
		      size_t len)
{
	if (get_whole(obj, "format", 1, 1e9, fmt, why, len) == -1)
		return -1;
	if (*fmt > newest)
		return fail(why, len, "format %.0f, this one reads %d", *fmt,
			    newest);
	return 0;
}

static int bench_top(struct bench_result *r, const cJSON *obj, char *why,
		     size_t len)
{
	char *status = NULL, *started = NULL;
	double fmt;
	int ret = -1;

	if (get_format(obj, BENCH_JSON_FORMAT, &fmt, why, len) == -1 ||
	    get_required_string(obj, "status", &status, why, len) == -1 ||
	    get_required_string(obj, "started", &started, why, len) == -1 ||
	    get_string(obj, "message", &r->message, why, len) == -1 ||
	    get_number(obj, "elapsed_s", &r->elapsed_s, why, len) == -1)
		goto out;
	if (parse_sample_status(status, &r->status) == -1) {
		explain(why, len, "unknown status \"%.40s\"", status);
		goto out;
	}
	if (parse_iso_time(started, &r->started) == -1) {
		explain(why, len, "\"started\" is not YYYY-MM-DDTHH:MM:SSZ");
		goto out;
	}
	ret = 0;
out:
	free(status);
	free(started);
	return ret;
}

static int bench_env(struct bench_env *e, const cJSON *obj, char *why,
		     size_t len)
{
	double smp, mem;

	if (!cJSON_IsObject(obj))
		return fail(why, len,
			    "\"environment\" is missing or not an object");
	for (size_t i = 0; i < N_ENV_STRINGS; i++)
		if (get_string(obj, env_strings[i].key, env_string_slot(e, i),
			       why, len) == -1)
			return -1;
	if (get_whole(obj, "smp", INT_MIN, INT_MAX, &smp, why, len) == -1 ||
	    get_whole(obj, "memsize", INT_MIN, INT_MAX, &mem, why, len) == -1 ||
	    get_number(obj, "timeout_s", &e->timeout_s, why, len) == -1)
		return -1;
	e->smp = (int)smp;
	e->memsize = (int)mem;
	return 0;
}

static int bench_harness(struct bench_result *r, const cJSON *obj, char *why,
			 size_t len)
{
	double kb;

	if (!cJSON_IsObject(obj))
		return fail(why, len,
			    "\"harness\" is missing or not an object");
	if (get_whole(obj, "maxrss_kb", -JSON_LONG_MAX, JSON_LONG_MAX, &kb, why,
		      len) == -1)
		return -1;
	r->maxrss_kb = (long)kb;
	return 0;
}

/* The stored statistics are ignored: they are a function of the samples,
 * and a hand-edited file must not disagree with itself.
 */
static int bench_samples(struct bench_result *r, const cJSON *obj, char *why,
			 size_t len)
{
	if (get_samples(obj, "warmup_ms", &r->warmup_ms, &r->n_warmup, why,
			len) == -1 ||
	    get_samples(obj, "samples_ms", &r->sample_ms, &r->n_samples, why,
			len) == -1)
		return -1;
	memset(&r->summary, 0, sizeof r->summary);
	if (r->n_samples > 0 &&
	    stats_summarize(&r->summary, r->sample_ms, r->n_samples) == -1)
		return fail(why, len, "out of memory");
	return 0;
}

int json_to_bench(struct bench_result *out, const cJSON *obj, char *why,
		  size_t whylen)
{
	struct bench_result r;

	memset(&r, 0, sizeof r);
	if (!cJSON_IsObject(obj))
		return fail(why, whylen, "not a JSON object");
	if (bench_top(&r, obj, why, whylen) == -1 ||
	    bench_env(&r.env, member(obj, "environment"), why, whylen) == -1 ||
	    bench_harness(&r, member(obj, "harness"), why, whylen) == -1 ||
	    bench_samples(&r, obj, why, whylen) == -1) {
		bench_result_free(&r);
		return -1;
	}
	*out = r;
	return 0;
}

/* --- commit results (the store's files) --- */

cJSON *json_from_commit(const struct commit_result *r)
{
	cJSON *root = cJSON_CreateObject();

	if (!root)
		return NULL;
	cJSON_AddStringToObject(root, "type", COMMIT_JSON_TYPE);
	cJSON_AddNumberToObject(root, "format", JSON_COMMIT_FORMAT);
	cJSON_AddStringToObject(root, "written_by",
				"bootperf " BOOTPERF_VERSION);
	json_add_string(root, "commit_id", r->commit_id);
	json_add_string(root, "subject", r->subject);
	json_add_string(root, "config_id", r->config_id);
	cJSON_AddStringToObject(root, "status", commit_status_name(r->status));
	cJSON_AddItemToObject(root, "build_s", json_number_or_null(r->build_s));
	json_add_string(root, "log_path", r->log_path);
	json_add_string(root, "message", r->message);
	cJSON_AddNumberToObject(root, "measured_at", r->measured_at);
	cJSON_AddItemToObject(root, "bench", json_from_bench(&r->bench));
	if (r->baseline_commit) {
		cJSON *b = cJSON_AddObjectToObject(root, "baseline");

		json_add_string(b, "commit_id", r->baseline_commit);
		cJSON_AddItemToObject(
		    b, "samples_ms",
		    json_samples_array(r->baseline_ms, r->n_baseline));
		json_add_string(b, "order",
				r->baseline_random ? "random" : "alternate");
		if (r->has_seed)
			cJSON_AddNumberToObject(b, "seed", r->baseline_seed);
	}
	if (r->pair_commit) {
		cJSON *p = cJSON_AddObjectToObject(root, "pairs");

		json_add_string(p, "commit_id", r->pair_commit);
		cJSON_AddItemToObject(
		    p, "samples_ms",
		    json_samples_array(r->pair_own_ms, r->n_pair_own));
		cJSON_AddItemToObject(
		    p, "partner_ms", json_samples_array(r->pair_ms, r->n_pair));
	}
	return root;
}

/* How the pairs were taken: "order" "alternate" (also when absent: the
 * results of bootperf 0.1.0) or "random" with its "seed", if known.
 */
static int baseline_order(struct commit_result *r, const cJSON *b, char *why,
			  size_t len)
{
	char *order = NULL;
	double seed;
	int ret = 0;

	if (get_string(b, "order", &order, why, len) == -1)
		return -1;
	if (order && strcmp(order, "alternate") != 0 &&
	    strcmp(order, "random") != 0)
		ret = fail(why, len, "\"order\" is not alternate or random");
	r->baseline_random = order && !strcmp(order, "random");
	free(order);
	if (ret == 0 && member(b, "seed")) {
		ret = get_whole(b, "seed", 0, UINT_MAX, &seed, why, len);
		r->has_seed = ret == 0;
		r->baseline_seed = ret == 0 ? (unsigned)seed : 0;
	}
	return ret;
}

/* Optional: results of interleaved runs carry their baseline. */
static int commit_baseline(struct commit_result *r, const cJSON *obj, char *why,
			   size_t len)
{
	const cJSON *b = member(obj, "baseline");
	char sub[256];

	if (!b || cJSON_IsNull(b))
		return 0;
	if (!cJSON_IsObject(b))
		return fail(why, len, "\"baseline\" is not an object");
	if (get_required_string(b, "commit_id", &r->baseline_commit, sub,
				sizeof sub) ||
	    get_samples(b, "samples_ms", &r->baseline_ms, &r->n_baseline, sub,
			sizeof sub) ||
	    baseline_order(r, b, sub, sizeof sub))
		return fail(why, len, "\"baseline\": %s", sub);
	return 0;
}

/* Optional: a commit bisect checked as a culprit (or a revert) carries
 * the passes it took in balanced pairs with its partner.  Results
 * written before there were pairs have none: their check is taken again.
 */
static int commit_pairs(struct commit_result *r, const cJSON *obj, char *why,
			size_t len)
{
	const cJSON *p = member(obj, "pairs");
	char sub[256];

	if (!p || cJSON_IsNull(p))
		return 0;
	if (!cJSON_IsObject(p))
		return fail(why, len, "\"pairs\" is not an object");
	if (get_required_string(p, "commit_id", &r->pair_commit, sub,
				sizeof sub) ||
	    get_samples(p, "samples_ms", &r->pair_own_ms, &r->n_pair_own, sub,
			sizeof sub) ||
	    get_samples(p, "partner_ms", &r->pair_ms, &r->n_pair, sub,
			sizeof sub))
		return fail(why, len, "\"pairs\": %s", sub);
	return 0;
}

int json_commit_kind(const cJSON *obj, char *why, size_t len)
{
	const cJSON *type = member(obj, "type");
	double fmt;

	if (!cJSON_IsObject(obj) || !cJSON_IsString(type) ||
	    !type->valuestring ||
	    strcmp(type->valuestring, COMMIT_JSON_TYPE) != 0)
		return fail(why, len,
			    "not a bootperf result (no \"type\": \"%s\")",
			    COMMIT_JSON_TYPE);
	if (get_whole(obj, "format", 1, 1e9, &fmt, why, len) == -1)
		return -1;
	if (fmt > JSON_COMMIT_FORMAT) {
		explain(why, len, "format %.0f, this one reads %d", fmt,
			JSON_COMMIT_FORMAT);
		return -2;
	}
	return 0;
}

static int commit_fields(struct commit_result *r, const cJSON *obj, char *why,
			 size_t len)
{
	char *status = NULL;
	int ret = -1;

	if (get_required_string(obj, "commit_id", &r->commit_id, why, len) ||
	    get_required_string(obj, "config_id", &r->config_id, why, len) ||
	    get_string(obj, "subject", &r->subject, why, len) ||
	    get_required_string(obj, "status", &status, why, len) ||
	    get_json_number_or_null(obj, "build_s", &r->build_s, why, len) ||
	    get_string(obj, "log_path", &r->log_path, why, len) ||
	    get_string(obj, "message", &r->message, why, len) ||
	    get_number(obj, "measured_at", &r->measured_at, why, len))
		goto out;
	if (commit_status_parse(status, &r->status) == -1) {
		explain(why, len, "unknown status \"%.40s\"", status);
		goto out;
	}
	ret = 0;
out:
	free(status);
	return ret;
}

static int commit_bench(struct commit_result *r, const cJSON *obj, char *why,
			size_t len)
{
	const cJSON *bench = member(obj, "bench");
	char sub[256];

	if (json_to_bench(&r->bench, bench, sub, sizeof sub) == -1)
		return fail(why, len, "\"bench\": %s", sub);
	return 0;
}

int json_to_commit(struct commit_result *out, const cJSON *obj, char *why,
		   size_t whylen)
{
	struct commit_result r;
	int ret;

	memset(&r, 0, sizeof r);
	ret = json_commit_kind(obj, why, whylen);
	if (ret == 0 && (commit_fields(&r, obj, why, whylen) == -1 ||
			 commit_bench(&r, obj, why, whylen) == -1 ||
			 commit_baseline(&r, obj, why, whylen) == -1 ||
			 commit_pairs(&r, obj, why, whylen) == -1))
		ret = -1;
	if (ret < 0) {
		commit_result_free(&r);
		return ret;
	}
	*out = r;
	return 0;
}
