/* bootperf - analyzed boots (bootperf analyze, range and bisect
 * --stages): verbose boots whose console events are kept, in turns
 * with quiet ones on the same settings, through the pass scheduler.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

/* The analyzed session's pass: a warm-up drops its events. */
struct analyzed {
	struct analysis *a;
	struct runner_session *s;
	bool progress;
};

static int analyzed_pass(void *arg, bool warmup, long i, long n, double *ms,
			 enum sample_status *st)
{
	struct analyzed *v = arg;
	struct analysis *a = v->a;
	struct boot_events ev;
	struct boot_events *grown;

	if (warmup) {
		if (runner_session_sample(v->s, true, i, n, ms, st) == -1)
			return -1;
		runner_report_pass(v->progress, "warm-up", i, n, *ms);
		return 0;
	}
	if (runner_session_events(v->s, i, n, &ev, st) == -1) {
		boot_events_free(&ev);
		return -1;
	}
	grown = realloc(a->passes, (a->n_passes + 1) * sizeof *grown);
	if (!grown) {
		bp_error("out of memory");
		abort();
	}
	a->passes = grown;
	a->passes[a->n_passes++] = ev;
	*ms = a->verbose.sample_ms[a->verbose.n_samples - 1];
	if (v->progress)
		bp_note("analyzed pass %ld/%ld: %.1fms, %zu events", i, n, *ms,
			ev.n);
	return 0;
}

static int quiet_pass(void *arg, bool warmup, long i, long n, double *ms,
		      enum sample_status *st)
{
	struct analyzed *q = arg;

	if (runner_session_sample(q->s, warmup, i, n, ms, st) == -1)
		return -1;
	runner_report_pass(q->progress, "quiet pass", i, n, *ms);
	return 0;
}

/* Warm-ups (analyzed boots, events dropped), then analyzed and quiet
 * passes in turns, so a drift of the machine affects both alike.
 */
static int passes(struct analysis *a, struct runner_session *v,
		  struct runner_session *q, const struct run_options *o,
		  long quiet_runs, bool progress, enum sample_status *st)
{
	struct analyzed av = {a, v, progress}, aq = {a, q, progress};
	struct sched_session s[2] = {
	    {.warmups = o->warmup,
	     .passes = o->runs,
	     .pass = analyzed_pass,
	     .arg = &av},
	    {.passes = quiet_runs, .pass = quiet_pass, .arg = &aq}};
	struct schedule sch = {.order = SCHED_ALTERNATE,
			       .stop_on_failure = true};
	int r = schedule_run(&sch, s, q ? 2 : 1);

	*st = s[0].failed ? s[0].st : s[1].st;
	return r;
}

int analysis_measure(struct analysis *a, const struct run_options *o,
		     long quiet_runs, bool progress)
{
	struct run_options vo = *o, qo = *o;
	struct runner_session *v = NULL, *q = NULL;
	enum sample_status st = SAMPLE_OK;
	int r;

	memset(a, 0, sizeof *a);
	vo.analyze = true;
	vo.progress = qo.progress = false;
	/* One cache for both: the analyzed session removes it, if asked. */
	qo.discard_cache = false;
	r = runner_session_open(&v, &runner_guestfs, &vo, &a->verbose);
	if (r == BP_EXIT_OK && quiet_runs > 0) {
		/* Settled already: TCG needs no second probe or warning
		 * (KVM is probed once more, by a boot of a second or two).
		 */
		qo.accel = runner_session_accel(v);
		r = runner_session_open(&q, &runner_guestfs, &qo, &a->quiet);
	}
	if (r == BP_EXIT_OK &&
	    passes(a, v, q, &vo, quiet_runs, progress, &st) == -1)
		r = sample_status_exit(st);
	if (q)
		runner_session_close(q, st);
	runner_session_close(v, st);
	stages_summarize(&a->stages, a->passes, a->n_passes, stage_table,
			 stage_table_len);
	return r;
}
