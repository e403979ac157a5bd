/* bootperf - warm-up passes, then measured passes, each in a child. */
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

static int sample_trampoline(void *arg, double *ms, char *msg, size_t len)
{
	struct runner_ctx *ctx = arg;

	return ctx->runner->sample(ctx, ms, msg, len);
}

int runner_one(struct runner_ctx *ctx, double timeout_s, double *ms,
	       enum sample_status *status, char *msg, size_t msglen)
{
	*status =
	    child_measure(sample_trampoline, ctx, timeout_s, ms, msg, msglen);
	return *status == SAMPLE_OK ? 0 : -1;
}

static void report_pass(const struct run_options *o, const char *kind, long i,
			long n, double ms)
{
	if (o->progress)
		bp_note("%s %ld/%ld: %.1fms", kind, i, n, ms);
}

/* One pass of either kind; a failure names the pass in its message. */
static int pass(struct runner_ctx *ctx, struct bench_result *res,
		const char *kind, long i, long n, double **arr, size_t *len,
		enum sample_status *failed)
{
	char msg[600];
	double ms;

	if (runner_one(ctx, ctx->opts->timeout_s, &ms, failed, msg,
		       sizeof msg) == -1) {
		if (*failed == SAMPLE_INTERRUPTED)
			res->message = bp_asprintf(
			    "interrupted during %s %ld of %ld", kind, i, n);
		else
			res->message =
			    bp_asprintf("%s %ld of %ld: %s: %s", kind, i, n,
					sample_status_name(*failed), msg);
		bp_error("%s", res->message);
		return -1;
	}
	if (bench_result_push(arr, len, ms) == -1) {
		bp_error("out of memory");
		*failed = SAMPLE_ERROR;
		return -1;
	}
	report_pass(ctx->opts, kind, i, n, ms);
	return 0;
}

static int all_passes(struct runner_ctx *ctx, const struct runner *r,
		      struct bench_result *res, enum sample_status *failed)
{
	const struct run_options *o = ctx->opts;

	for (long i = 1; i <= o->warmup; i++) {
		if (pass(ctx, res, "warm-up", i, o->warmup, &res->warmup_ms,
			 &res->n_warmup, failed) == -1)
			return -1;
		if (i == 1 && r->observe)
			r->observe(ctx);
	}
	for (long i = 1; i <= o->runs; i++) {
		if (pass(ctx, res, "pass", i, o->runs, &res->sample_ms,
			 &res->n_samples, failed) == -1)
			return -1;
		if (i == 1 && o->warmup == 0 && r->observe)
			r->observe(ctx);
	}
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	if (remove(path) == -1)
		bp_warning("cannot remove '%s' from the cache", path);
	return 0;
}

/* An appliance cache is ~700 MB: a range must not keep one per commit. */
static void discard_cache(const char *dir)
{
	if (dir && nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == -1)
		bp_warning("cannot remove the cache '%s'", dir);
}

int runner_bench(const struct runner *r, const struct run_options *opts,
		 struct bench_result *res, enum sample_status *failed)
{
	struct runner_ctx ctx = {
	    .opts = opts,
	    .env = &res->env,
	    .runner = r,
	};
	double t0 = now_monotonic();
	int ret;

	*failed = SAMPLE_OK;
	res->started = now_realtime();
	env_fill_host(&res->env);
	res->env.timeout_s = opts->timeout_s;
	ret = r->prepare(&ctx);
	if (ret == BP_EXIT_OK && all_passes(&ctx, r, res, failed) == -1)
		ret = sample_status_exit(*failed);
	res->status = *failed;
	if (res->n_samples > 0)
		stats_summarize(&res->summary, res->sample_ms, res->n_samples);
	res->elapsed_s = now_monotonic() - t0;
	res->maxrss_kb = runner_maxrss_kb();
	if (opts->discard_cache)
		discard_cache(ctx.cachedir);
	free(ctx.cachedir);
	return ret;
}
