/* bootperf - warm-up passes, then measured passes, each in a child. */
#include <errno.h>
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

void runner_report_pass(bool progress, const char *kind, long i, long n,
			double ms)
{
	if (progress)
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
		if (ctx->opts->keep_going && *failed != SAMPLE_INTERRUPTED)
			bp_warning("%s", res->message);
		else
			bp_error("%s", res->message);
		return -1;
	}
	if (bench_result_push(arr, len, ms) == -1) {
		bp_error("out of memory");
		*failed = SAMPLE_ERROR;
		return -1;
	}
	runner_report_pass(ctx->opts->progress, kind, i, n, ms);
	return 0;
}

/* An appliance cache is ~700 MB: a range must not keep one per commit
 * (a shared appliance is kept first: runner_keep_appliance).
 */
static void discard_cache(struct runner_ctx *ctx)
{
	if (!ctx->cachedir)
		return;
	runner_keep_appliance(ctx);
	if (bp_remove_tree(ctx->cachedir) == -1)
		bp_warning("cannot remove the cache '%s': %s", ctx->cachedir,
			   strerror(errno));
}

struct runner_session {
	struct runner_ctx ctx;
	struct bench_result *res;
	double t0;
	bool observed;
};

int runner_session_open(struct runner_session **out, const struct runner *r,
			const struct run_options *opts,
			struct bench_result *res)
{
	struct runner_session *s = bp_malloc(sizeof *s);

	s->ctx.opts = opts;
	s->ctx.env = &res->env;
	s->ctx.runner = r;
	s->res = res;
	s->t0 = now_monotonic();
	res->started = now_realtime();
	env_fill_host(&res->env);
	res->env.timeout_s = opts->timeout_s;
	*out = s;
	return r->prepare(&s->ctx);
}

int runner_session_pass(struct runner_session *s, bool warmup, long i, long n,
			enum sample_status *failed)
{
	struct bench_result *res = s->res;

	if (warmup) {
		if (pass(&s->ctx, res, "warm-up", i, n, &res->warmup_ms,
			 &res->n_warmup, failed) == -1)
			return -1;
	} else if (pass(&s->ctx, res, "pass", i, n, &res->sample_ms,
			&res->n_samples, failed) == -1)
		return -1;
	if (!s->observed && s->ctx.runner->observe)
		s->ctx.runner->observe(&s->ctx);
	s->observed = true;
	return 0;
}

int runner_session_sample(struct runner_session *s, bool warmup, long i, long n,
			  double *ms, enum sample_status *failed)
{
	const struct bench_result *res = s->res;

	if (runner_session_pass(s, warmup, i, n, failed) == -1)
		return -1;
	*ms = warmup ? res->warmup_ms[res->n_warmup - 1]
		     : res->sample_ms[res->n_samples - 1];
	return 0;
}

void runner_session_close(struct runner_session *s, enum sample_status status)
{
	struct bench_result *res = s->res;

	res->status = status;
	if (res->n_samples > 0)
		stats_summarize(&res->summary, res->sample_ms, res->n_samples);
	res->elapsed_s = now_monotonic() - s->t0;
	res->maxrss_kb = runner_maxrss_kb();
	if (s->ctx.opts->discard_cache)
		discard_cache(&s->ctx);
	free(s->ctx.kvm_verdict);
	free(s->ctx.cachedir);
	free(s->ctx.shared_appliance);
	free(s);
}

int runner_bench(const struct runner *r, const struct run_options *opts,
		 struct bench_result *res, enum sample_status *failed)
{
	struct runner_session *s;
	int ret = runner_session_open(&s, r, opts, res);

	/* Stopped before the first pass (inputs, accelerator): the result
	 * still says why, for --json.
	 */
	*failed = sample_status_of_exit(ret);
	if (ret != BP_EXIT_OK && !res->message)
		res->message = bp_strdup(bp_last_error());
	if (ret == BP_EXIT_OK) {
		/* Its warm-ups, then its passes; the first failure stops. */
		struct sched_session one = {.warmups = opts->warmup,
					    .passes = opts->runs,
					    .pass = sched_runner_pass,
					    .arg = s};
		struct schedule sch = {.order = SCHED_SEQUENTIAL,
				       .stop_on_failure = true};

		schedule_run(&sch, &one, 1);
		if (one.failed) {
			*failed = one.st;
			ret = sample_status_exit(one.st);
		}
	}
	runner_session_close(s, *failed);
	return ret;
}

int runner_session_events(struct runner_session *s, long i, long n,
			  struct boot_events *ev, enum sample_status *failed)
{
	FILE *fp = tmpfile();
	size_t bad = 0;
	int r;

	memset(ev, 0, sizeof *ev);
	ev->total_ms = NAN;
	if (!fp) {
		bp_error("cannot create a temporary file for the boot's "
			 "events: %s",
			 strerror(errno));
		*failed = SAMPLE_ERROR;
		return -1;
	}
	s->ctx.events = fp;
	r = runner_session_pass(s, false, i, n, failed);
	s->ctx.events = NULL;
	if (r == 0) {
		rewind(fp);
		if (boot_events_read(ev, fp, &bad) == -1 || ev->n == 0) {
			bp_error("the events of pass %ld are unreadable (line "
				 "%zu)",
				 i, bad);
			*failed = SAMPLE_ERROR;
			r = -1;
		}
	}
	fclose(fp);
	return r;
}

enum accel runner_session_accel(const struct runner_session *s)
{
	return s->ctx.accel;
}
