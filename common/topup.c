/* bootperf - the top-up policy: when passes may be added to a stored
 * result, how what a session measured joins it, and what the store
 * keeps when the added passes fail.  Pure: no store, no runner.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* Stored samples are topped up only when they were measured alike: the
 * config id covers what was asked for, not what auto settled on.
 */
static bool same_setting(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

bool topup_can_add(const struct commit_result *res, const struct bench_env *now)
{
	const struct bench_env *was = &res->bench.env;

	return res->status == COMMIT_OK && res->bench.n_samples > 0 &&
	       same_setting(was->accel, now->accel) &&
	       same_setting(was->hv_version, now->hv_version) &&
	       same_setting(was->host_name, now->host_name);
}

void topup_drop(struct commit_result *res)
{
	bench_result_free(&res->bench);
	memset(&res->bench, 0, sizeof res->bench);
	/* Pairs taken alike with the passes dropped go with them. */
	commit_pairs_clear(res);
	free(res->message);
	res->message = NULL;
}

void topup_merge(struct commit_result *res, struct bench_result *now,
		 bool fresh)
{
	struct bench_result *b = &res->bench;

	for (size_t i = 0; i < now->n_warmup; i++)
		bench_result_push(&b->warmup_ms, &b->n_warmup,
				  now->warmup_ms[i]);
	if (fresh) {
		b->env = now->env;
		memset(&now->env, 0, sizeof now->env);
		b->started = now->started;
	}
	b->status = now->status;
	free(b->message);
	b->message = now->message;
	now->message = NULL;
	b->elapsed_s += now->elapsed_s;
	if (now->maxrss_kb > b->maxrss_kb)
		b->maxrss_kb = now->maxrss_kb;
	if (b->n_samples > 0)
		stats_summarize(&b->summary, b->sample_ms, b->n_samples);
}

bool topup_wants_more(const struct commit_result *res, size_t want,
		      bool (*enough)(void *arg,
				     const struct commit_result *res),
		      void *arg)
{
	return res->bench.n_samples < want &&
	       !(enough && res->bench.n_samples > 0 && enough(arg, res));
}

struct commit_result topup_kept(const struct commit_result *res)
{
	struct commit_result kept = *res;

	kept.status = COMMIT_OK;
	kept.message = NULL;
	kept.bench.status = SAMPLE_OK;
	kept.bench.message = NULL;
	return kept;
}
