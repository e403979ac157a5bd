/* bootperf - JSON output and input (cJSON).
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

#include "reports.h"

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
};

#define N_ENV_STRINGS (sizeof env_strings / sizeof env_strings[0])

/* NaN has no JSON spelling: an undefined statistic is null. */
cJSON *json_number_or_null(double v)
{
	return isnan(v) ? cJSON_CreateNull() : cJSON_CreateNumber(v);
}

static void add_string(cJSON *obj, const char *key, const char *value)
{
	cJSON_AddItemToObject(
	    obj, key, value ? cJSON_CreateString(value) : cJSON_CreateNull());
}

static cJSON *samples_array(const double *x, size_t n)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; arr && i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateNumber(x[i]));
	return arr;
}

static cJSON *stats_object(const struct stats_summary *s)
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
		add_string(o, env_strings[i].key, env_string(e, i));
	cJSON_AddNumberToObject(o, "smp", e->smp);
	cJSON_AddNumberToObject(o, "memsize", e->memsize);
	cJSON_AddNumberToObject(o, "timeout_s", e->timeout_s);
	return o;
}

/* Whole seconds, UTC.  A time gmtime cannot express becomes the epoch
 * rather than undefined behaviour.
 */
static void iso_time(char *buf, size_t len, double t)
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
	iso_time(when, sizeof when, res->started);
	cJSON_AddNumberToObject(root, "format", BENCH_JSON_FORMAT);
	cJSON_AddStringToObject(root, "status",
				sample_status_name(res->status));
	add_string(root, "message", res->message);
	cJSON_AddStringToObject(root, "started", when);
	cJSON_AddNumberToObject(root, "elapsed_s", res->elapsed_s);
	cJSON_AddItemToObject(root, "environment", env_object(&res->env));
	harness = cJSON_AddObjectToObject(root, "harness");
	cJSON_AddNumberToObject(harness, "maxrss_kb", (double)res->maxrss_kb);
	cJSON_AddItemToObject(root, "warmup_ms",
			      samples_array(res->warmup_ms, res->n_warmup));
	cJSON_AddItemToObject(root, "samples_ms",
			      samples_array(res->sample_ms, res->n_samples));
	cJSON_AddItemToObject(root, "statistics", stats_object(&res->summary));
	return root;
}

int json_print(FILE *fp, cJSON *root)
{
	char *text = root ? cJSON_Print(root) : NULL;

	cJSON_Delete(root);
	if (!text)
		return -1;
	fprintf(fp, "%s\n", text);
	cJSON_free(text);
	return 0;
}

int report_bench_json(FILE *fp, const struct bench_result *res)
{
	return json_print(fp, json_from_bench(res));
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
	add_string(root, "commit_id", r->commit_id);
	add_string(root, "subject", r->subject);
	add_string(root, "config_id", r->config_id);
	cJSON_AddStringToObject(root, "status", commit_status_name(r->status));
	cJSON_AddItemToObject(root, "build_s", json_number_or_null(r->build_s));
	add_string(root, "log_path", r->log_path);
	add_string(root, "message", r->message);
	cJSON_AddNumberToObject(root, "measured_at", r->measured_at);
	cJSON_AddItemToObject(root, "bench", json_from_bench(&r->bench));
	if (r->baseline_commit) {
		cJSON *b = cJSON_AddObjectToObject(root, "baseline");

		add_string(b, "commit_id", r->baseline_commit);
		cJSON_AddItemToObject(
		    b, "samples_ms",
		    samples_array(r->baseline_ms, r->n_baseline));
		add_string(b, "order",
			   r->baseline_random ? "random" : "alternate");
		if (r->has_seed)
			cJSON_AddNumberToObject(b, "seed", r->baseline_seed);
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
			 commit_baseline(&r, obj, why, whylen) == -1))
		ret = -1;
	if (ret < 0) {
		commit_result_free(&r);
		return ret;
	}
	*out = r;
	return 0;
}

static cJSON *change_object(const struct range_report *r,
			    const struct range_entry *e)
{
	const struct commit_change *c = &e->change;
	cJSON *o;

	if (!c->compared && !c->why_not)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	add_string(o, "against", r->v[c->prev].res.commit_id);
	if (!c->compared) {
		add_string(o, "not_compared", c->why_not);
		return o;
	}
	cJSON_AddNumberToObject(o, "percent", c->percent);
	cJSON_AddItemToObject(o, "against_mean_ms",
			      json_number_or_null(c->base_mean));
	cJSON_AddBoolToObject(o, "paired", c->paired);
	if (c->paired)
		cJSON_AddItemToObject(
		    o, "against_samples_ms",
		    samples_array(e->res.baseline_ms, e->res.n_baseline));
	cJSON_AddNumberToObject(o, "p", c->p);
	cJSON_AddBoolToObject(o, "significant", c->significant);
	add_string(o, "verdict",
		   !c->significant  ? "none"
		   : c->percent > 0 ? "regression"
				    : "improvement");
	return o;
}

/* What every report says of a commit: which one, how it went, its
 * statistics and samples.
 */
static cJSON *commit_object(const struct commit_result *res,
			    const char *short_id)
{
	cJSON *o = cJSON_CreateObject();

	add_string(o, "commit", res->commit_id);
	add_string(o, "short_id", short_id);
	add_string(o, "subject", res->subject);
	add_string(o, "status", commit_status_name(res->status));
	add_string(o, "message", res->message);
	add_string(o, "log", res->log_path);
	cJSON_AddItemToObject(o, "build_s", json_number_or_null(res->build_s));
	cJSON_AddItemToObject(o, "statistics",
			      stats_object(&res->bench.summary));
	cJSON_AddItemToObject(
	    o, "samples_ms",
	    samples_array(res->bench.sample_ms, res->bench.n_samples));
	return o;
}

cJSON *json_range_entry(const struct range_report *r, size_t i)
{
	const struct range_entry *e = &r->v[i];
	cJSON *o = commit_object(&e->res, e->short_id);

	cJSON_AddBoolToObject(o, "from_store", e->from_store);
	cJSON_AddItemToObject(o, "change", change_object(r, e));
	return o;
}

int report_range_json(FILE *fp, const struct range_report *r)
{
	cJSON *root = cJSON_CreateObject(), *commits, *sig;
	size_t *idx = NULL, n;

	if (!root)
		return -1;
	cJSON_AddNumberToObject(root, "format", 1);
	cJSON_AddStringToObject(root, "type", "bootperf-range");
	add_string(root, "repo", r->repo);
	add_string(root, "range", r->range);
	add_string(root, "config_id", r->config_id);
	add_string(root, "status", r->interrupted ? "interrupted" : "complete");
	cJSON_AddNumberToObject(root, "range_commits", (double)r->total);
	add_string(root, "test",
		   r->method == STATS_WELCH ? "welch" : "mann-whitney");
	add_string(root, "passes", r->how);
	cJSON_AddNumberToObject(root, "alpha", r->alpha);
	cJSON_AddNumberToObject(root, "threshold_percent", r->threshold);
	cJSON_AddNumberToObject(root, "builds", (double)r->builds);
	cJSON_AddNumberToObject(root, "boots", (double)r->boots);
	commits = cJSON_AddArrayToObject(root, "commits");
	for (size_t i = 0; i < r->n; i++)
		cJSON_AddItemToArray(commits, json_range_entry(r, i));
	sig = cJSON_AddArrayToObject(root, "significant");
	n = range_significant(r, &idx);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(
		    sig, cJSON_CreateString(r->v[idx[i]].res.commit_id));
	free(idx);
	if (r->stages)
		cJSON_AddItemToObject(root, "stages",
				      json_from_stage_deltas(r->stages));
	return json_print(fp, root);
}

static const char *verdict_name(const struct bisect_step *s)
{
	if (s->verdict == STATS_BAD)
		return "bad";
	if (s->verdict == STATS_GOOD)
		return "good";
	return s->res.status == COMMIT_OK ? NULL : "skipped";
}

static cJSON *bisect_step_object(const struct bisect_step *s)
{
	cJSON *o = commit_object(&s->res, s->short_id);

	add_string(o, "verdict", verdict_name(s));
	cJSON_AddBoolToObject(o, "by_midpoint", s->by_midpoint);
	cJSON_AddItemToObject(o, "llr", json_number_or_null(s->llr));
	cJSON_AddNumberToObject(o, "passes_now", (double)s->passes_now);
	cJSON_AddNumberToObject(o, "left", (double)s->left);
	return o;
}

static cJSON *bisect_endpoints_object(const struct bisect_report *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "good", bisect_step_object(&r->good));
	cJSON_AddItemToObject(o, "bad", bisect_step_object(&r->bad));
	cJSON_AddItemToObject(o, "percent",
			      json_number_or_null(r->endpoint_percent));
	cJSON_AddItemToObject(o, "p", json_number_or_null(r->endpoints.p));
	cJSON_AddItemToObject(o, "level",
			      json_number_or_null(r->endpoint_level));
	return o;
}

static cJSON *bisect_sprt_object(const struct stats_sprt *t)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "good_mean_ms",
			      json_number_or_null(t->good_mean));
	cJSON_AddItemToObject(o, "bad_mean_ms",
			      json_number_or_null(t->bad_mean));
	cJSON_AddItemToObject(o, "sigma_ms", json_number_or_null(t->sigma));
	cJSON_AddItemToObject(o, "upper", json_number_or_null(t->upper));
	cJSON_AddItemToObject(o, "lower", json_number_or_null(t->lower));
	return o;
}

static cJSON *bisect_culprit_object(const struct bisect_report *r)
{
	const struct bisect_step *c = bisect_report_step(r, r->culprit);
	const struct bisect_step *a = bisect_report_step(r, r->baseline);
	cJSON *o, *ci;

	if (r->outcome != BISECT_FOUND || !c || !a)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	add_string(o, "commit", c->res.commit_id);
	add_string(o, "short_id", c->short_id);
	add_string(o, "subject", c->res.subject);
	add_string(o, "against", a->res.commit_id);
	cJSON_AddItemToObject(o, "change_ms",
			      json_number_or_null(r->change_ms));
	cJSON_AddItemToObject(o, "change_percent",
			      json_number_or_null(r->change_percent));
	ci = cJSON_AddArrayToObject(o, "ci95_ms");
	cJSON_AddItemToArray(ci, json_number_or_null(r->ci_low));
	cJSON_AddItemToArray(ci, json_number_or_null(r->ci_high));
	ci = cJSON_AddArrayToObject(o, "ci95_percent");
	cJSON_AddItemToArray(ci, json_number_or_null(r->ci_low_percent));
	cJSON_AddItemToArray(ci, json_number_or_null(r->ci_high_percent));
	cJSON_AddNumberToObject(o, "passes", (double)r->passes);
	cJSON_AddNumberToObject(o, "against_passes", (double)r->against_passes);
	return o;
}

static cJSON *bisect_candidates_array(const struct bisect_report *r)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < r->n_candidates; i++) {
		cJSON *o = cJSON_CreateObject();

		add_string(o, "commit", r->candidates[i].id);
		add_string(o, "short_id", r->candidates[i].short_id);
		add_string(o, "subject", r->candidates[i].subject);
		add_string(o, "status", r->candidates[i].status);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static const char *const bisect_outcome_names[] = {
    [BISECT_FOUND] = "found",
    [BISECT_AMBIGUOUS] = "ambiguous",
    [BISECT_NO_CHANGE] = "no-change",
    [BISECT_STOPPED] = "stopped",
};

int report_bisect_json(FILE *fp, const struct bisect_report *r)
{
	cJSON *root = cJSON_CreateObject(), *steps;

	if (!root)
		return -1;
	add_string(root, "type", "bootperf-bisect");
	cJSON_AddNumberToObject(root, "format", 1);
	add_string(root, "repo", r->repo);
	add_string(root, "good", r->good_rev);
	add_string(root, "bad", r->bad_rev);
	add_string(root, "config_id", r->config_id);
	cJSON_AddBoolToObject(root, "first_parent", r->first_parent);
	add_string(root, "looking_for",
		   r->improvement ? "improvement" : "regression");
	add_string(root, "test",
		   r->method == STATS_WELCH ? "welch" : "mann-whitney");
	cJSON_AddNumberToObject(root, "alpha", r->alpha);
	cJSON_AddNumberToObject(root, "threshold_percent", r->threshold);
	cJSON_AddNumberToObject(root, "commits", (double)r->n_commits);
	cJSON_AddItemToObject(root, "endpoints", bisect_endpoints_object(r));
	cJSON_AddItemToObject(root, "sprt", bisect_sprt_object(&r->sprt));
	steps = cJSON_AddArrayToObject(root, "steps");
	for (size_t i = 0; i < r->n_steps; i++)
		cJSON_AddItemToArray(steps, bisect_step_object(&r->steps[i]));
	add_string(root, "outcome", bisect_outcome_names[r->outcome]);
	add_string(root, "reason", r->why);
	cJSON_AddItemToObject(root, "culprit", bisect_culprit_object(r));
	cJSON_AddItemToObject(root, "candidates", bisect_candidates_array(r));
	cJSON_AddNumberToObject(root, "builds", (double)r->builds);
	cJSON_AddNumberToObject(root, "boots", (double)r->boots);
	if (r->stages)
		cJSON_AddItemToObject(root, "stages",
				      json_from_stage_deltas(r->stages));
	return json_print(fp, root);
}

static const char *const bisect_run_by_names[] = {
    [BISECT_RUN_NONE] = NULL,
    [BISECT_RUN_THRESHOLD] = "threshold",
    [BISECT_RUN_SEQUENTIAL] = "sequential",
    [BISECT_RUN_MIDPOINT] = "midpoint",
    [BISECT_RUN_UNDECIDED] = "undecided",
};

static const char *bisect_run_verdict(int exit_status)
{
	switch (exit_status) {
	case 0:
		return "good";
	case 1:
		return "bad";
	case 125:
		return "skip";
	}
	return "abort";
}

/* The endpoints and what they were compared with; null without. */
static cJSON *bisect_run_endpoints(const struct bisect_run_report *r)
{
	const struct bisect_report *e = r->ends;
	cJSON *o;

	if (!e)
		return cJSON_CreateNull();
	o = bisect_endpoints_object(e);
	add_string(o, "test",
		   e->method == STATS_WELCH ? "welch" : "mann-whitney");
	cJSON_AddNumberToObject(o, "alpha", e->alpha);
	cJSON_AddNumberToObject(o, "threshold_percent", e->threshold);
	cJSON_AddItemToObject(o, "sprt",
			      r->exit_status == 128
				  ? cJSON_CreateNull()
				  : bisect_sprt_object(&e->sprt));
	return o;
}

int report_bisect_run_json(FILE *fp, const struct bisect_run_report *r)
{
	const struct bisect_step *s = r->commit;
	cJSON *root = commit_object(&s->res, s->short_id);

	if (!root)
		return -1;
	add_string(root, "type", "bootperf-bisect-run");
	cJSON_AddNumberToObject(root, "format", 1);
	add_string(root, "verdict", bisect_run_verdict(r->exit_status));
	cJSON_AddNumberToObject(root, "exit_status", r->exit_status);
	add_string(root, "decided_by", bisect_run_by_names[r->by]);
	add_string(root, "reason", r->reason);
	cJSON_AddNumberToObject(root, "runs", (double)s->res.bench.n_samples);
	cJSON_AddNumberToObject(root, "passes_now", (double)s->passes_now);
	cJSON_AddItemToObject(root, "threshold_ms",
			      json_number_or_null(r->threshold_ms));
	cJSON_AddItemToObject(root, "llr", json_number_or_null(s->llr));
	if (r->ends) {
		cJSON_AddNumberToObject(root, "min_runs", (double)r->min_runs);
		cJSON_AddNumberToObject(root, "max_runs", (double)r->max_runs);
	}
	cJSON_AddItemToObject(root, "endpoints", bisect_run_endpoints(r));
	cJSON_AddNumberToObject(root, "builds", (double)r->builds);
	cJSON_AddNumberToObject(root, "boots", (double)r->boots);
	return json_print(fp, root);
}
