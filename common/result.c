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
	bench_result_free(&r->bench);
	memset(r, 0, sizeof *r);
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
