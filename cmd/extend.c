/* bootperf - measure commits until they have the passes they want,
 * several in turns (the pass scheduler's A B A B), adding to what the
 * store has when it was measured alike (the top-up policy), and keep
 * what was measured whatever fails after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* One commit's part in a round of passes: its session, what the session
 * measured (now) and how it ended (st, r).
 */
struct turn {
	int w;
	struct commit_result *res;
	struct extend_goal *goal;
	struct prepared p;
	struct bench_result now;
	struct runner_session *s;
	enum sample_status st;
	bool tried;    /* built and opened, to be measured */
	bool measured; /* measured and stored already: a failure keeps it */
	bool fresh;
	bool stopped; /* by another's failed pass, before one of its own */
	int r;
};

static bool wants_more(const struct turn *t)
{
	const struct extend_goal *g = t->goal;

	return topup_wants_more(t->res, g->want, g->enough, g->arg);
}

/* A commit measured and stored already that fails while passes are
 * added to it (a pass, its rebuild, its artifacts): res says so, for the
 * caller to judge this run by (bisect skips the commit, an endpoint
 * stops it), but the store keeps it measured, so that no result is lost
 * to a failure once.  The next run that wants more passes tries again.
 */
static void warn_kept(const struct commit_result *res)
{
	bp_warning("%.12s keeps the %zu passes it has in the store; more "
		   "are tried on the next run that asks for them",
		   res->commit_id, res->bench.n_samples);
}

/* A failed pass after others were added: the store gets those too. */
static int save_kept(struct measurer *m, struct commit_result *res)
{
	struct commit_result kept = topup_kept(res);
	int r;

	warn_kept(res);
	r = measurer_save(m, &kept);
	res->measured_at = kept.measured_at;
	return r;
}

static void turn_open(struct measurer *m, struct turn *t)
{
	bool ready;

	t->r = measurer_prepare(m, t->w, t->res, &t->p, &ready);
	if (t->r == BP_EXIT_OK && !ready) {
		/* Its artifacts are missing (recorded): saved at once, as a
		 * failed build is, whatever happens to the others.
		 */
		t->tried = false;
		if (t->measured)
			warn_kept(t->res);
		else
			t->r = measurer_save(m, t->res);
	}
	if (t->r != BP_EXIT_OK || !ready)
		return;
	t->r = runner_session_open(&t->s, m->run->runner, &t->p.o, &t->now);
	t->fresh = !topup_can_add(t->res, &t->now.env);
	if (t->fresh)
		topup_drop(t->res);
}

/* One pass of t's session; every pass goes into res at once, so that
 * the goal's enough sees it.
 */
static int turn_pass(void *arg, bool warmup, long i, long n, double *ms,
		     enum sample_status *st)
{
	struct turn *t = arg;
	struct bench_result *b = &t->res->bench;

	if (runner_session_sample(t->s, warmup, i, n, ms, st) == -1)
		return -1;
	if (!warmup &&
	    bench_result_push(&b->sample_ms, &b->n_samples, *ms) == -1) {
		*st = SAMPLE_ERROR;
		return -1;
	}
	return 0;
}

static bool turn_more(void *arg)
{
	return wants_more(arg);
}

/* A session whose pass failed (not interrupted). */
static bool failed(const struct turn *t, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (t[k].s && t[k].st != SAMPLE_OK &&
		    t[k].st != SAMPLE_INTERRUPTED)
			return true;
	return false;
}

static bool interrupted(const struct turn *t, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (t[k].st == SAMPLE_INTERRUPTED)
			return true;
	return false;
}

/* The sessions' warm-ups, then their passes, one of each in turn (the
 * scheduler's A B A B, or A B B A blocks when m->balanced), each until
 * its commit has the passes it wants.  Several sessions take turns so
 * that a drift of the machine affects them alike rather than one block
 * of passes more than the other.  A commit topped up right after its
 * own passes (bisect's next look at its endpoints) is warm: no warm-ups.
 * A failed pass ends its commit's part only, or every part when
 * m->balanced (a pass of one alone pairs with nothing).
 */
static void take_turns(struct measurer *m, struct turn *t, size_t n)
{
	struct sched_session s[MEASURER_TURNS];
	struct turn *of[MEASURER_TURNS];
	/* Balanced pairs: a failed pass stops both, since a pass of one
	 * alone pairs with nothing.
	 */
	struct schedule sch = {.order = m->balanced ? SCHED_BALANCED
						    : SCHED_ALTERNATE,
			       .stop_on_failure = m->balanced};
	size_t j = 0;

	/* Every turn still tried was opened: take_turns runs only when
	 * all opened.
	 */
	for (size_t k = 0; k < n; k++) {
		bool warm = !strcmp(m->warm[t[k].w], t[k].res->commit_id);

		if (!t[k].tried)
			continue;
		of[j] = &t[k];
		s[j++] = (struct sched_session){
		    .warmups = warm ? 0 : m->run->run.warmup,
		    .passes =
			(long)(t[k].goal->want - t[k].res->bench.n_samples),
		    .pass = turn_pass,
		    .more = turn_more,
		    .arg = &t[k]};
	}
	schedule_run(&sch, s, j);
	for (size_t k = 0; k < j; k++)
		if (s[k].failed) {
			of[k]->st = s[k].st;
			of[k]->r = sample_status_exit(s[k].st);
		}
}

static void turn_close(struct measurer *m, struct turn *t)
{
	if (t->s) {
		runner_session_close(t->s, t->st);
		m->boots += t->now.n_warmup + t->now.n_samples;
		if (t->st == SAMPLE_OK && t->now.n_samples > 0)
			snprintf(m->warm[t->w], sizeof m->warm[t->w], "%s",
				 t->res->commit_id);
		else
			m->warm[t->w][0] = '\0';
		t->goal->measured += t->now.n_samples;
		if (!t->stopped) {
			topup_merge(t->res, &t->now, t->fresh);
			t->r = measurer_record(t->res, t->r, t->st);
		}
	}
	bench_result_free(&t->now);
	prepared_free(&t->p);
}

int measurer_extend_turns(struct measurer *m, const int *w,
			  struct commit_result **res, struct extend_goal **goal,
			  size_t n)
{
	struct turn t[MEASURER_TURNS] = {0};
	size_t todo = 0;
	int r = BP_EXIT_OK, before;

	if (n > MEASURER_TURNS)
		return BP_EXIT_FAILURE;
	for (size_t k = 0; k < n && r == BP_EXIT_OK; k++) {
		bool built = !strcmp(m->built[w[k]], res[k]->commit_id);
		bool measured =
		    res[k]->status == COMMIT_OK && res[k]->bench.n_samples > 0;

		t[k] = (struct turn){.w = w[k],
				     .res = res[k],
				     .goal = goal[k],
				     .measured = measured};
		if (!wants_more(&t[k]))
			continue;
		if (!built)
			r = measurer_build(m, w[k], res[k], &built);
		if (r == BP_EXIT_OK && !built && measured)
			warn_kept(res[k]);
		else if (r == BP_EXIT_OK && !built)
			r = measurer_save(m, res[k]);
		else if (r == BP_EXIT_OK) {
			t[k].tried = true;
			todo++;
		}
	}
	for (size_t k = 0; todo == 1 && k < n; k++)
		if (t[k].tried)
			measurer_progress(m, res[k], "measuring");
	if (todo > 1)
		measurer_progress(m, NULL, "measuring, in turns");
	for (size_t k = 0; k < n && r == BP_EXIT_OK; k++)
		if (t[k].tried) {
			turn_open(m, &t[k]);
			r = t[k].r;
		}
	if (r == BP_EXIT_OK)
		take_turns(m, t, n);
	before = r;
	for (size_t k = 0; k < n; k++) {
		/* Not measured as asked (a build or session of another
		 * failed first; no pass before an interruption): nothing to
		 * record.  What one measured is kept whatever the other's
		 * passes came to.
		 */
		if (t[k].r == BP_EXIT_OK &&
		    (before != BP_EXIT_OK ||
		     (t[k].s && !t[k].now.n_samples && interrupted(t, n))))
			t[k].r =
			    before != BP_EXIT_OK ? before : BP_EXIT_INTERRUPTED;
		/* Stopped by another's failure (balanced) before a pass of
		 * its own: nothing measured, nothing to record or save (the
		 * store keeps what it had).
		 */
		t[k].stopped = t[k].r == BP_EXIT_OK && t[k].s &&
			       !t[k].now.n_samples && t[k].st == SAMPLE_OK &&
			       m->balanced && failed(t, n);
		turn_close(m, &t[k]);
		if (t[k].tried && t[k].r == BP_EXIT_OK && !t[k].stopped)
			t[k].r = !t[k].fresh && t[k].res->status != COMMIT_OK
				     ? save_kept(m, t[k].res)
				     : measurer_save(m, t[k].res);
		if (r == BP_EXIT_OK)
			r = t[k].r;
	}
	return r;
}

int measurer_extend(struct measurer *m, int w, struct commit_result *res,
		    struct extend_goal *goal)
{
	return measurer_extend_turns(m, &w, &res, &goal, 1);
}

int measurer_measure(struct measurer *m, struct commit_result *res)
{
	struct extend_goal goal = {.want = (size_t)m->run->run.runs};

	return measurer_extend(m, 0, res, &goal);
}
