/* bootperf - ownership of the plain result types. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

void bench_env_free(struct bench_env *env)
{
	char **strings[] = {
	    &env->bootperf_version, &env->runner,    &env->host_name,
	    &env->host_version,	    &env->host_cpu,  &env->libguestfs_version,
	    &env->backend,	    &env->accel,     &env->hv,
	    &env->hv_version,	    &env->kernel,    &env->kernel_version,
	    &env->modules,	    &env->append,    &env->command,
	    &env->cachedir,	    &env->appliance,
	};

	for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		free(*strings[i]);
		*strings[i] = NULL;
	}
}

void bench_result_free(struct bench_result *res)
{
	bench_env_free(&res->env);
	free(res->warmup_ms);
	free(res->sample_ms);
	free(res->message);
	res->message = NULL;
	res->warmup_ms = res->sample_ms = NULL;
	res->n_warmup = res->n_samples = 0;
}

int bench_result_push(double **arr, size_t *n, double ms)
{
	double *p = realloc(*arr, (*n + 1) * sizeof **arr);

	if (!p)
		return -1;
	p[(*n)++] = ms;
	*arr = p;
	return 0;
}

void commit_result_free(struct commit_result *r)
{
	free(r->commit_id);
	free(r->subject);
	free(r->config_id);
	free(r->log_path);
	free(r->message);
	free(r->baseline_commit);
	free(r->baseline_ms);
	commit_pairs_clear(r);
	bench_result_free(&r->bench);
	memset(r, 0, sizeof *r);
}

void commit_pairs_clear(struct commit_result *r)
{
	free(r->pair_commit);
	free(r->pair_own_ms);
	free(r->pair_ms);
	r->pair_commit = NULL;
	r->pair_own_ms = r->pair_ms = NULL;
	r->n_pair_own = r->n_pair = 0;
}

size_t commit_pairs_with(const struct commit_result *r, const char *partner)
{
	if (!r->pair_commit || !partner || strcmp(r->pair_commit, partner) != 0)
		return 0;
	return r->n_pair_own < r->n_pair ? r->n_pair_own : r->n_pair;
}

/* b has no passes from .. from + n. */
static bool from_beyond(const struct bench_result *b, size_t from, size_t n)
{
	return from > b->n_samples || n > b->n_samples - from;
}

/* Passes from .. from + n of b, added to *to. */
static int add_passes(double **to, size_t *n_to, const struct bench_result *b,
		      size_t from, size_t n)
{
	for (size_t i = from; i < from + n; i++)
		if (bench_result_push(to, n_to, b->sample_ms[i]) == -1)
			return -1;
	return 0;
}

int commit_pairs_add(struct commit_result *r,
		     const struct commit_result *partner, size_t own_from,
		     size_t with_from, size_t n)
{
	if (!partner->commit_id)
		return 0;
	if (!r->pair_commit ||
	    strcmp(r->pair_commit, partner->commit_id) != 0) {
		commit_pairs_clear(r);
		r->pair_commit = bp_strdup(partner->commit_id);
	}
	/* Pairs only: a side with more (a store written by hand) loses its
	 * extra passes, so that what is added lines up.
	 */
	if (r->n_pair_own > r->n_pair)
		r->n_pair_own = r->n_pair;
	else
		r->n_pair = r->n_pair_own;
	if (from_beyond(&r->bench, own_from, n) ||
	    from_beyond(&partner->bench, with_from, n))
		return 0;
	if (add_passes(&r->pair_own_ms, &r->n_pair_own, &r->bench, own_from,
		       n) == -1 ||
	    add_passes(&r->pair_ms, &r->n_pair, &partner->bench, with_from,
		       n) == -1) {
		commit_pairs_clear(r);
		return -1;
	}
	return 0;
}

static const char *const commit_status_names[] = {
    [COMMIT_OK] = "ok",
    [COMMIT_BUILD_FAILED] = "build-failed",
    [COMMIT_BOOT_FAILED] = "boot-failed",
    [COMMIT_TIMEOUT] = "timeout",
};

const char *commit_status_name(enum commit_status s)
{
	size_t n = sizeof commit_status_names / sizeof commit_status_names[0];

	return (size_t)s < n ? commit_status_names[s] : "?";
}

int commit_status_parse(const char *s, enum commit_status *out)
{
	size_t n = sizeof commit_status_names / sizeof commit_status_names[0];

	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, commit_status_names[i])) {
			*out = (enum commit_status)i;
			return 0;
		}
	return -1;
}
