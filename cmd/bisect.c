/* bootperf bisect - find the first slow commit between GOOD and BAD by
 * itself: libgit2 for the graph, bootperf's own worktrees for the
 * builds, the search of bisect/search.c for the next commit, and a
 * sequential test (SPRT) that stops measuring a commit as soon as its
 * passes say which endpoint it boots like.  The user's checkout and
 * git's own bisect state are never touched.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bisect.h"
#include "cmd.h"
#include "reports.h"

struct bisect_cli {
	struct run_cli run;
	struct build_cli build;
	struct stages_cli stages;
	struct judge_options judge;
	bool first_parent;
	bool improvement;
	double threshold;
	long verify_runs;   /* 0, or passes each of culprit and baseline */
	bool verify_revert; /* and the tip against the tip without it */
	const char *repo, *good, *bad;
};

/* clang-format off */
static const struct option bisect_options[] = {
	RUN_LONG_OPTIONS,
	BUILD_LONG_OPTIONS,
	STAGES_LONG_OPTIONS,
	{ "first-parent", no_argument, NULL, OPT_FIRST_PARENT },
	{ "min-runs", required_argument, NULL, OPT_MIN_RUNS },
	{ "max-runs", required_argument, NULL, OPT_MAX_RUNS },
	{ "verify-runs", required_argument, NULL, OPT_VERIFY_RUNS },
	{ "size-runs", required_argument, NULL, OPT_SIZE_RUNS },
	{ "verify-revert", no_argument, NULL, OPT_VERIFY_REVERT },
	{ "alpha", required_argument, NULL, OPT_ALPHA },
	{ "undecided", required_argument, NULL, OPT_UNDECIDED },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "test", required_argument, NULL, OPT_TEST },
	{ "improvement", no_argument, NULL, OPT_IMPROVEMENT },
	COMMON_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};
/* clang-format on */

static int own_option(void *arg_cli, int c, const char *arg)
{
	struct bisect_cli *cli = arg_cli;
	int r;

	switch (c) {
	case OPT_FIRST_PARENT:
		cli->first_parent = true;
		return 1;
	case OPT_IMPROVEMENT:
		cli->improvement = true;
		return 1;
	case OPT_VERIFY_REVERT:
		cli->verify_revert = true;
		return 1;
	case OPT_THRESHOLD:
		return cmd_parse_percent("--threshold", arg, &cli->threshold);
	case OPT_VERIFY_RUNS:
	case OPT_SIZE_RUNS: /* its older name */
		return parse_count(c == OPT_SIZE_RUNS ? "--size-runs"
						      : "--verify-runs",
				   arg, 0, 100000, &cli->verify_runs)
			   ? -1
			   : 1;
	}
	r = judge_option_parse(&cli->judge, c, arg);
	return r != 0 ? r : stages_cli_parse(&cli->stages, c, arg);
}

static void bisect_cli_init(struct bisect_cli *cli)
{
	memset(cli, 0, sizeof *cli);
	run_cli_init(&cli->run);
	build_cli_init(&cli->build);
	/* One warm-up absorbs a new qemu's probes and the appliance build;
	 * endpoints start at 5 passes, the fewest Mann-Whitney needs for
	 * p < 0.01.
	 */
	cli->run.run.runs = 5;
	cli->run.run.warmup = 1;
	judge_options_init(&cli->judge);
	cli->threshold = 1.0;
	cli->verify_runs = 10;
}

/* The fewest passes a side at which the ratio test has an interval at
 * alpha: fewer could never confirm a culprit.
 */
static size_t verify_least(double alpha)
{
	size_t n = 1;

	while (n < 1000 && stats_shift_rank(n, n, alpha) == 0)
		n++;
	return n;
}

static int check(struct bisect_cli *cli)
{
	cli->judge.runs = cli->run.run.runs;
	if (judge_check(&cli->judge) == -1)
		return -1;
	if (cli->verify_runs > 0 &&
	    (size_t)cli->verify_runs < verify_least(cli->judge.alpha)) {
		bp_error("--verify-runs %ld: the ratio test needs at least %zu "
			 "passes each to confirm anything at --alpha %g (0 "
			 "turns the verification off)",
			 cli->verify_runs, verify_least(cli->judge.alpha),
			 cli->judge.alpha);
		return -1;
	}
	if (cli->verify_revert && cli->verify_runs == 0) {
		bp_error("--verify-revert needs --verify-runs above 0: the "
			 "revert is judged on as many passes, against what the "
			 "verification measured");
		return -1;
	}
	if (stages_cli_finish(&cli->stages, &cli->run) == -1)
		return -1;
	return run_cli_finish(&cli->run);
}

/* Returns -1 to go on, or the exit status to stop with now. */
static int parse(int argc, char **argv, struct bisect_cli *cli)
{
	const struct cmd_parser p = {.cmd = "bisect",
				     .options = bisect_options,
				     .own = own_option,
				     .cli = cli,
				     .build = &cli->build,
				     .run = &cli->run};
	int r;

	bisect_cli_init(cli);
	r = cmd_parse_options(&p, argc, argv);
	if (r != -1)
		return r;
	if (argc - optind > 3)
		return cmd_extra_operand("bisect", argv[optind + 3],
					 "REPO GOOD BAD");
	if (argc - optind != 3) {
		bp_error("bisect needs REPO GOOD BAD, e.g. 'bootperf bisect "
			 "~/src/qemu v8.0.0 v8.1.0'");
		return BP_EXIT_USAGE;
	}
	cli->repo = argv[optind];
	cli->good = argv[optind + 1];
	cli->bad = argv[optind + 2];
	if (cli->run.json)
		cli->run.run.progress = false;
	if (check(cli) == -1)
		return BP_EXIT_USAGE;
	return -1;
}

struct bisect_state {
	struct bisect_cli *cli;
	struct walk_repo *repo;
	struct walk_graph graph;
	struct measurer m;
	struct judge judge;
	struct search *search;
	struct bisect_report report;
	size_t cap_steps;
};

/* The endpoints are built one after the other, then measured in turns:
 * a build names the one it builds.
 */
static void progress(void *arg, const struct commit_result *res,
		     const char *what)
{
	const struct bisect_state *b = arg;
	const char *name = b->judge.what ? b->judge.what : "";

	if (res == &b->report.good.res)
		name = b->report.good.short_id;
	else if (res == &b->report.bad.res)
		name = b->report.bad.short_id;
	for (size_t k = 0; res && k < b->report.n_steps; k++)
		if (res == &b->report.steps[k].res)
			name = b->report.steps[k].short_id;
	if (b->cli->run.run.progress)
		bp_note("%s: %s", name, what);
}

/* Both endpoints, with passes added while they do not differ yet.
 * Returns a bp_exit code; BP_EXIT_NO_CHANGE with report.why set when
 * there is nothing to look for.
 */
static int endpoints(struct bisect_state *b)
{
	struct bisect_report *rep = &b->report;
	int r = judge_endpoints(&b->judge);

	if (r == BP_EXIT_NO_CHANGE && b->judge.swapped)
		rep->why = bp_asprintf(
		    "good '%s' boots %s than bad '%s' (%+.1f%%)%s",
		    rep->good_rev, rep->improvement ? "faster" : "slower",
		    rep->bad_rev, rep->endpoint_percent,
		    rep->improvement
			? "; to find a regression, leave out --improvement"
			: "; to find the commit that made it faster, use "
			  "--improvement");
	return r;
}

static struct bisect_step *new_step(struct bisect_state *b, size_t i)
{
	struct bisect_report *rep = &b->report;

	if (rep->n_steps == b->cap_steps) {
		b->cap_steps = b->cap_steps ? 2 * b->cap_steps : 8;
		rep->steps =
		    reallocarray(rep->steps, b->cap_steps, sizeof *rep->steps);
		if (!rep->steps) {
			bp_error("out of memory");
			abort();
		}
	}
	judge_step_init(&rep->steps[rep->n_steps], &b->graph.list.v[i],
			b->m.config_id);
	return &rep->steps[rep->n_steps++];
}

static int one_step(struct bisect_state *b, size_t i)
{
	struct bisect_step *s = new_step(b, i);
	enum search_mark mark;
	int r;

	r = measurer_recall(&b->m, &s->res) == -1 ? BP_EXIT_STORE : BP_EXIT_OK;
	if (r == BP_EXIT_OK)
		r = judge_commit(&b->judge, 0, s);
	if (r != BP_EXIT_OK) {
		commit_result_free(&s->res);
		b->report.n_steps--;
		return r;
	}
	mark = s->verdict == STATS_BAD	  ? SEARCH_BAD
	       : s->verdict == STATS_GOOD ? SEARCH_GOOD
					  : SEARCH_SKIP;
	search_mark(b->search, i, mark);
	s->left = search_candidates(b->search, NULL);
	if (!b->cli->run.json) {
		report_bisect_step_text(stdout, &b->report,
					b->report.n_steps - 1,
					search_steps_left(b->search));
		fflush(stdout);
	}
	return BP_EXIT_OK;
}

/* The step that measured graph commit i, or SIZE_MAX. */
static size_t step_of(const struct bisect_state *b, size_t i)
{
	const char *id = b->graph.list.v[i].id;

	for (size_t k = 0; k < b->report.n_steps; k++)
		if (!strcmp(b->report.steps[k].res.commit_id, id))
			return k;
	return SIZE_MAX;
}

/* The step (or endpoint) k, to add passes to. */
static struct bisect_step *step_mut(struct bisect_report *rep, size_t k)
{
	return k == BISECT_GOOD_ENDPOINT  ? &rep->good
	       : k == BISECT_BAD_ENDPOINT ? &rep->bad
					  : &rep->steps[k];
}

/* The pairs s[0] took with s[1] (pair_up): *a, *na are s[1]'s passes in
 * them, *c, *nc s[0]'s (as many: a store written by hand may hold more
 * of one).
 */
static void pairs_of(struct bisect_step *const s[2], const double **a,
		     size_t *na, const double **c, size_t *nc)
{
	const struct commit_result *r = &s[0]->res;
	size_t n = commit_pairs_with(r, s[1]->res.commit_id);

	*a = n ? r->pair_ms : NULL;
	*c = n ? r->pair_own_ms : NULL;
	*na = *nc = n;
}

/* The culprit against its first parent when measured, else against
 * the good endpoint; a 95% interval when both have two passes.
 */
static void size_of_change(struct bisect_state *b, size_t i)
{
	struct bisect_report *rep = &b->report;
	size_t first = b->graph.parent_off[i] < b->graph.parent_off[i + 1]
			   ? b->graph.parents[b->graph.parent_off[i]]
			   : SIZE_MAX;
	size_t k = first == SIZE_MAX || b->graph.parent_outside[i]
		       ? SIZE_MAX
		       : step_of(b, first);
	struct bisect_step *s[2];
	const double *a, *c;
	double mean_a, mean_c;
	size_t na, nc;

	rep->baseline = k == SIZE_MAX ? BISECT_GOOD_ENDPOINT : k;
	s[0] = step_mut(rep, rep->culprit);
	s[1] = step_mut(rep, rep->baseline);
	/* Sized on the pairs the verification took, when it is on and
	 * there are two a side: both sides measured alike, in the same
	 * stretch of time.
	 */
	pairs_of(s, &a, &na, &c, &nc);
	if (b->cli->verify_runs == 0 || na < 2 || nc < 2) {
		a = s[1]->res.bench.sample_ms;
		na = s[1]->res.bench.n_samples;
		c = s[0]->res.bench.sample_ms;
		nc = s[0]->res.bench.n_samples;
	}
	mean_a = stats_mean(a, na);
	mean_c = stats_mean(c, nc);
	rep->passes = nc;
	rep->against_passes = na;
	rep->change_ms = mean_c - mean_a;
	rep->change_percent = stats_percent_change(mean_a, mean_c);
	if (stats_welch_ci(&rep->ci_low, &rep->ci_high, a, na, c, nc, 0.95) ==
	    -1)
		rep->ci_low = rep->ci_high = NAN;
	/* The change's own denominator: the baseline, as change_percent. */
	rep->ci_low_percent = 100.0 * rep->ci_low / mean_a;
	rep->ci_high_percent = 100.0 * rep->ci_high / mean_a;
	rep->has_shift = stats_shift(&rep->shift, a, na, c, nc, rep->alpha,
				     rep->threshold) == 0;
}

/* What the culprit changes: a merge, or a commit that changes nothing a
 * build reads, is named as such beside it (bisect/changes.c).
 */
static void culprit_changes(struct bisect_state *b, size_t i)
{
	struct bisect_report *rep = &b->report;
	const struct walk_commit *c = &b->graph.list.v[i];
	struct walk_changes ch;

	rep->changes.kind = NULL;
	if (walk_changes(&ch, b->repo, c->id) == -1) {
		bp_warning("cannot tell what %s changes: the repository "
			   "could not be read",
			   c->short_id);
		return;
	}
	rep->changes.kind = walk_change_kind_name(ch.kind);
	rep->changes.files = ch.files;
	rep->changes.docs = ch.by_class[WALK_PATH_DOCS];
	rep->changes.tests = ch.by_class[WALK_PATH_TESTS];
	rep->changes.ci = ch.by_class[WALK_PATH_CI];
}

static void found(struct bisect_state *b, size_t i)
{
	struct bisect_report *rep = &b->report;
	size_t k =
	    i == b->graph.list.n - 1 ? BISECT_BAD_ENDPOINT : step_of(b, i);

	rep->outcome = BISECT_FOUND;
	rep->culprit = k;
	rep->culprit_at = i;
	size_of_change(b, i);
	culprit_changes(b, i);
}

/* A commit that boots no more while it is sized (a flaky pass) keeps
 * the verdict and passes it had, as the store keeps them (the measurer
 * does not let a failed top-up undo a measured commit).
 */
static void keep_ok(struct commit_result *res)
{
	if (res->status == COMMIT_OK)
		return;
	res->status = COMMIT_OK;
	free(res->message);
	res->message = NULL;
	res->bench.status = SAMPLE_OK;
	free(res->bench.message);
	res->bench.message = NULL;
}

/* The worktree of each of s[0] and s[1]: the one that has it built if
 * one does.
 */
static void pair_worktrees(const struct bisect_state *b,
			   struct bisect_step *const s[2], int w[2])
{
	bool swap = !strcmp(b->m.built[1], s[0]->res.commit_id) ||
		    !strcmp(b->m.built[0], s[1]->res.commit_id);

	w[0] = swap;
	w[1] = !swap;
}

/* s[0] and s[1] in balanced pairs (A B B A) until s[0]'s pairs with s[1]
 * number want (the store's pairs count: a second check boots nothing);
 * *measured: the passes this took, both commits.  Each boots in the
 * worktree that has it built if one does.  What either measured before
 * stays in its passes, but only the pairs go into s[0]'s record of
 * them, which the check judges: passes of one taken alone, under
 * another load, would meet fresh ones of the other.  A pass that fails
 * on the way leaves both measured as they were.
 */
static int pair_up(struct bisect_state *b, struct bisect_step *s[2],
		   size_t want, const char *doing, size_t *measured)
{
	struct commit_result *res[2] = {&s[0]->res, &s[1]->res};
	size_t have = commit_pairs_with(res[0], res[1]->commit_id);
	size_t pairs = want > have ? want - have : 0;
	struct extend_goal goals[2];
	struct extend_goal *goal[2] = {&goals[0], &goals[1]};
	size_t before[2], n;
	bool had[2];
	int w[2], r, saved;

	*measured = 0;
	if (pairs == 0)
		return BP_EXIT_OK;
	pair_worktrees(b, s, w);
	for (int k = 0; k < 2; k++) {
		before[k] = res[k]->bench.n_samples;
		had[k] = res[k]->status == COMMIT_OK && before[k] > 0;
		goals[k] = (struct extend_goal){.want = before[k] + pairs};
	}
	if (!b->cli->run.json) {
		printf("\n%s: %zu more passes each of %s and %s, in balanced "
		       "pairs\n",
		       doing, pairs, s[0]->short_id, s[1]->short_id);
		fflush(stdout);
	}
	snprintf(b->judge.what_buf, sizeof b->judge.what_buf, "%s and %s",
		 s[0]->short_id, s[1]->short_id);
	b->judge.what = b->judge.what_buf;
	b->m.balanced = true;
	r = measurer_extend_turns(&b->m, w, res, goal, 2);
	b->m.balanced = false;
	*measured = goals[0].measured + goals[1].measured;
	/* A commit measured before keeps what it had; one that was not
	 * keeps why it failed.
	 */
	for (int k = 0; k < 2; k++)
		if (had[k])
			keep_ok(&s[k]->res);
	/* s[1]'s older passes were dropped (measured unlike these, on
	 * another host or qemu): so are the pairs they were in.
	 */
	if (before[1] > 0 && res[1]->bench.n_samples == goals[1].measured)
		commit_pairs_clear(res[0]);
	/* A pass that failed stopped both (the schedule's
	 * stop_on_failure when balanced): the pairs are the first n of
	 * what each took now.  None after an interruption: the
	 * interrupted commit's passes are not stored.
	 */
	n = goals[0].measured < goals[1].measured ? goals[0].measured
						  : goals[1].measured;
	if (n == 0 || r == BP_EXIT_STORE || r == BP_EXIT_INTERRUPTED ||
	    res[0]->status != COMMIT_OK)
		return r;
	if (commit_pairs_add(
		res[0], res[1], res[0]->bench.n_samples - goals[0].measured,
		res[1]->bench.n_samples - goals[1].measured, n) == -1) {
		bp_error("out of memory");
		return BP_EXIT_FAILURE;
	}
	saved = measurer_save(&b->m, res[0]);
	return r == BP_EXIT_OK ? saved : r;
}

/* Culprit verification (--verify-runs N): the search stops a commit's
 * passes as soon as its side is clear, on few passes and a test whose
 * model one stalled pass can mislead.  The first slow commit and the
 * commit it is sized against take passes in balanced pairs (A B B A,
 * so that a drift weighs on both alike) until they have N pairs, each
 * in the worktree that has it built if one does.  On those pairs alone
 * (the store keeps them: a second bisection boots nothing), the shift
 * test (Hodges-Lehmann, a distribution-free interval at --alpha) must
 * call the culprit slower (faster with --improvement) by at least
 * --threshold, or bisect says it is not confirmed (exit 22).  A pass
 * that fails on the way: judged on the pairs there are, with a warning.
 */
static int verify(struct bisect_state *b)
{
	struct bisect_report *rep = &b->report;
	struct bisect_step *s[2] = {step_mut(rep, rep->culprit),
				    step_mut(rep, rep->baseline)};
	size_t want = (size_t)b->cli->verify_runs, na, nc;
	const double *a, *c;
	enum stats_shift_verdict want_verdict =
	    rep->improvement ? SHIFT_FASTER : SHIFT_SLOWER;
	char interval[96], least[80];
	int r = pair_up(b, s, want, "Verifying", &rep->verify_measured);

	if (r != BP_EXIT_OK) {
		/* Interrupted, or an error: never "found" unverified */
		size_of_change(b, rep->culprit_at);
		rep->outcome = BISECT_UNVERIFIED;
		return r;
	}
	pairs_of(s, &a, &na, &c, &nc);
	if (nc > 0 && na > 0 && (nc < want || na < want))
		bp_warning("the culprit could not be verified on %zu passes "
			   "each in pairs: it is judged on the %zu and %zu "
			   "there are",
			   want, nc, na);
	size_of_change(b, rep->culprit_at);
	rep->verify_runs = want;
	if (na == 0 || nc == 0) {
		rep->outcome = BISECT_UNVERIFIED;
		rep->verification =
		    (struct stats_shift){.estimate = NAN,
					 .lo = -100,
					 .hi = INFINITY,
					 .level = 1.0 - rep->alpha,
					 .detectable = INFINITY,
					 .verdict = SHIFT_INCONCLUSIVE};
		rep->why = bp_asprintf(
		    "the search named %s, but it and %s could not be measured "
		    "in pairs to confirm it",
		    s[0]->short_id, s[1]->short_id);
		return BP_EXIT_UNVERIFIED;
	}
	if (stats_shift(&rep->verification, a, na, c, nc, rep->alpha,
			rep->threshold) == -1) {
		bp_error("cannot judge the culprit's passes");
		return BP_EXIT_FAILURE;
	}
	rep->verified = rep->verification.verdict == want_verdict;
	if (rep->verified)
		return BP_EXIT_OK;
	rep->outcome = BISECT_UNVERIFIED;
	report_shift_interval(interval, sizeof interval, &rep->verification);
	if (isfinite(rep->verification.detectable))
		snprintf(least, sizeof least,
			 "the smallest change these passes could show is "
			 "%.1f%%",
			 rep->verification.detectable);
	else
		snprintf(least, sizeof least,
			 "these passes are too few to show any change");
	rep->why = bp_asprintf(
	    "the search named %s, but %zu passes of it and %zu of %s in "
	    "balanced pairs do not confirm it: %s, %+.1f%% (%s); %s; more "
	    "passes (--verify-runs) may settle it",
	    s[0]->short_id, nc, na, s[1]->short_id,
	    stats_shift_verdict_name(rep->verification.verdict),
	    rep->verification.estimate, interval, least);
	return BP_EXIT_UNVERIFIED;
}

/* The percent a revert should show if it undoes a change of pct. */
static double undone(double pct)
{
	return 100.0 * (100.0 / (100.0 + pct) - 1.0);
}

/* The revert check stopped half-way (interrupted, the store): it
 * verified nothing either way.
 */
static int revert_stopped(struct bisect_report *rep, int r)
{
	rep->revert = REVERT_CANNOT;
	rep->revert_why = bp_strdup(
	    r == BP_EXIT_INTERRUPTED ? "interrupted" : "stopped by an error");
	return r;
}

/* --verify-revert: the tip with the culprit reverted (a commit no ref
 * names, bisect/revert.c), booted in balanced pairs with the tip, as
 * many passes each as --verify-runs.  Its change against the tip must
 * go the other way (the shift test's verdict faster, slower with
 * --improvement) and by about the culprit's size: its interval must
 * meet the one the culprit's verification interval predicts.  A revert
 * that conflicts, or cannot be built or booted, verifies nothing either
 * way: said, and the answer stands on the verification.
 */
static int verify_revert(struct bisect_state *b)
{
	struct bisect_report *rep = &b->report;
	struct bisect_step *c = step_mut(rep, rep->culprit);
	struct bisect_step *s[2] = {&rep->revert_step, &rep->bad};
	const struct stats_shift *v = &rep->verification;
	struct stats_shift *rs = &rep->revert_shift;
	enum stats_shift_verdict want_verdict =
	    rep->improvement ? SHIFT_SLOWER : SHIFT_FASTER;
	size_t want = (size_t)b->cli->verify_runs, na, nr;
	const double *a, *ra;
	struct walk_commit rc;
	char why[512], interval[96];
	double lo, hi;
	int w[2], r;

	r = walk_revert(&rc, why, sizeof why, b->repo, rep->bad.res.commit_id,
			c->res.commit_id);
	if (r != 0) {
		rep->revert = REVERT_CANNOT;
		rep->revert_why =
		    r == 1 ? bp_asprintf("reverting %s on %s conflicts in %s",
					 c->short_id, rep->bad.short_id, why)
			   : bp_asprintf("reverting %s on %s: %s", c->short_id,
					 rep->bad.short_id, why);
		return BP_EXIT_OK;
	}
	judge_step_init(&rep->revert_step, &rc, b->m.config_id);
	walk_commit_clear(&rc);
	if (measurer_recall(&b->m, &rep->revert_step.res) == -1)
		return BP_EXIT_STORE;
	/* Built first, so that a revert that does not build costs no boot
	 * of BAD.
	 */
	pair_worktrees(b, s, w);
	if (rep->revert_step.res.status == COMMIT_OK &&
	    commit_pairs_with(&rep->revert_step.res, rep->bad.res.commit_id) <
		want &&
	    strcmp(b->m.built[w[0]], rep->revert_step.res.commit_id) != 0) {
		bool built = false;

		r = measurer_build(&b->m, w[0], &rep->revert_step.res, &built);
		if (r == BP_EXIT_OK && !built)
			r = measurer_save(&b->m, &rep->revert_step.res);
		if (r != BP_EXIT_OK)
			return revert_stopped(rep, r);
	}
	if (rep->revert_step.res.status == COMMIT_OK) {
		r = pair_up(b, s, want, "Verifying by revert",
			    &rep->revert_measured);
		if (r != BP_EXIT_OK)
			return revert_stopped(rep, r);
	}
	pairs_of(s, &a, &na, &ra, &nr);
	if (rep->revert_step.res.status == COMMIT_OK && nr > 0 && na > 0 &&
	    (nr < want || na < want))
		bp_warning("the revert could not be measured on %zu passes "
			   "each in pairs with the tip: it is judged on the "
			   "%zu and %zu there are",
			   want, nr, na);
	/* Undoing a change of t% is a change of 100 t / (100 + t)% the
	 * other way: the revert's own threshold.
	 */
	if (rep->revert_step.res.status != COMMIT_OK || nr == 0 || na == 0 ||
	    stats_shift(rs, a, na, ra, nr, rep->alpha,
			rep->improvement
			    ? 100.0 * rep->threshold / (100.0 - rep->threshold)
			    : 100.0 * rep->threshold /
				  (100.0 + rep->threshold)) == -1) {
		rep->revert = REVERT_CANNOT;
		rep->revert_why = bp_asprintf(
		    "the revert of %s on %s (%s) could not be measured%s%s",
		    c->short_id, rep->bad.short_id, rep->revert_step.short_id,
		    rep->revert_step.res.message ? ": " : "",
		    rep->revert_step.res.message ? rep->revert_step.res.message
						 : "");
		return BP_EXIT_OK;
	}
	rep->revert_expected = undone(v->estimate);
	/* The culprit's interval, undone: where the revert's should be. */
	lo = isfinite(v->hi) ? undone(v->hi) : -100.0;
	hi = v->lo > -100 ? undone(v->lo) : INFINITY;
	if (lo > hi) {
		double t = lo;

		lo = hi;
		hi = t;
	}
	if (rs->verdict == want_verdict && rs->lo <= hi && rs->hi >= lo) {
		rep->revert = REVERT_CONFIRMED;
		return BP_EXIT_OK;
	}
	rep->revert = REVERT_REFUTED;
	rep->outcome = BISECT_UNVERIFIED;
	report_shift_interval(interval, sizeof interval, rs);
	free(rep->why);
	rep->why = bp_asprintf(
	    "reverting %s on %s does not undo its change: the revert is %s, "
	    "%+.1f%% (%s), where undoing the culprit's %+.1f%% would give "
	    "%+.1f%%",
	    c->short_id, rep->bad.short_id,
	    stats_shift_verdict_name(rs->verdict), rs->estimate, interval,
	    v->estimate, rep->revert_expected);
	return BP_EXIT_UNVERIFIED;
}

/* Graph commit i was measured, and still undecided at --max-runs. */
static bool undecided(const struct bisect_state *b, size_t i)
{
	size_t k = step_of(b, i);

	return k != SIZE_MAX && b->report.steps[k].res.status == COMMIT_OK &&
	       b->report.steps[k].verdict == STATS_UNDECIDED;
}

static void ambiguous(struct bisect_state *b)
{
	struct bisect_report *rep = &b->report;
	size_t *idx = NULL, n = search_candidates(b->search, &idx);

	rep->outcome = BISECT_AMBIGUOUS;
	rep->candidates = bp_malloc(n * sizeof *rep->candidates);
	for (size_t k = 0; k < n; k++) {
		const struct walk_commit *c = &b->graph.list.v[idx[k]];
		struct bisect_candidate *cand = &rep->candidates[k];

		snprintf(cand->id, sizeof cand->id, "%s", c->id);
		snprintf(cand->short_id, sizeof cand->short_id, "%s",
			 c->short_id);
		cand->subject = bp_strdup(c->subject);
		cand->status = search_get_mark(b->search, idx[k]) == SEARCH_BAD
				   ? "bad"
			       : undecided(b, idx[k]) ? "undecided"
						      : "skipped";
	}
	rep->n_candidates = n;
	free(idx);
}

static int search_all(struct bisect_state *b)
{
	size_t i;
	enum search_state st;
	int r = BP_EXIT_OK;

	while ((st = search_next(b->search, &i)) == SEARCH_TEST) {
		r = one_step(b, i);
		if (r != BP_EXIT_OK)
			return r;
	}
	if (st == SEARCH_FOUND) {
		found(b, i);
		return BP_EXIT_OK;
	}
	ambiguous(b);
	return BP_EXIT_AMBIGUOUS;
}

static int open_all(struct bisect_state *b)
{
	struct bisect_cli *cli = b->cli;
	struct walk_commit gc = {0}, bc = {0};
	int r = BP_EXIT_OK;

	if (walk_repo_open(&b->repo, cli->repo) == -1 ||
	    walk_graph(&b->graph, b->repo, cli->good, cli->bad,
		       cli->first_parent) == -1 ||
	    walk_resolve(&gc, b->repo, cli->good) == -1 ||
	    walk_resolve(&bc, b->repo, cli->bad) == -1) {
		r = cmd_walk_exit();
		goto out;
	}
	b->m.build = &cli->build;
	b->m.run = &cli->run;
	b->m.progress = progress;
	b->m.progress_arg = b;
	b->judge.o = cli->judge;
	b->judge.m = &b->m;
	b->judge.rep = &b->report;
	b->judge.midpoint = cli->judge.midpoint;
	r = measurer_open(&b->m, b->repo, "");
	if (r != BP_EXIT_OK)
		goto out;
	memcpy(b->report.config_id, b->m.config_id, sizeof b->m.config_id);
	judge_step_init(&b->report.good, &gc, b->m.config_id);
	judge_step_init(&b->report.bad, &bc, b->m.config_id);
	if (measurer_recall(&b->m, &b->report.good.res) == -1 ||
	    measurer_recall(&b->m, &b->report.bad.res) == -1) {
		r = BP_EXIT_STORE;
		goto out;
	}
	r = measurer_check_newer(&b->m, &b->graph.list);
	if (r != BP_EXIT_OK)
		goto out;
	b->report.n_commits = b->graph.list.n;
	if (search_new(&b->search, b->graph.list.n, b->graph.parent_off,
		       b->graph.parents) == -1) {
		bp_error("cannot order the commits between '%s' and '%s'",
			 cli->good, cli->bad);
		r = BP_EXIT_FAILURE;
	}
out:
	walk_commit_clear(&gc);
	walk_commit_clear(&bc);
	return r;
}

static void report_init(struct bisect_report *rep, const struct bisect_cli *cli)
{
	memset(rep, 0, sizeof *rep);
	rep->repo = cli->repo;
	rep->good_rev = cli->good;
	rep->bad_rev = cli->bad;
	rep->first_parent = cli->first_parent;
	rep->improvement = cli->improvement;
	rep->alpha = cli->judge.alpha;
	rep->threshold = cli->threshold;
	rep->method = cli->judge.method;
	rep->outcome = BISECT_STOPPED;
	rep->change_ms = rep->change_percent = NAN;
	rep->ci_low = rep->ci_high = NAN;
	rep->ci_low_percent = rep->ci_high_percent = NAN;
}

static int run(struct bisect_state *b)
{
	struct bisect_report *rep = &b->report;
	int r = open_all(b);

	if (r != BP_EXIT_OK)
		return r;
	if (!b->cli->run.json)
		report_bisect_start_text(stdout, rep,
					 search_steps_left(b->search));
	r = endpoints(b);
	if (!b->cli->run.json && rep->good.res.bench.n_samples &&
	    rep->bad.res.bench.n_samples)
		report_bisect_endpoints_text(stdout, rep);
	if (r == BP_EXIT_OK)
		r = search_all(b);
	if (r == BP_EXIT_OK && b->cli->verify_runs > 0)
		r = verify(b);
	if (r == BP_EXIT_OK && b->cli->verify_revert)
		r = verify_revert(b);
	if (r == BP_EXIT_OK)
		r = stages_bisect(&b->m, rep, &b->cli->stages);
	if (r == BP_EXIT_NO_CHANGE)
		rep->outcome = BISECT_NO_CHANGE;
	if (r == BP_EXIT_INTERRUPTED)
		rep->why = bp_strdup("interrupted");
	return r;
}

/* What is printed at the end: the answer, or why there is none. */
static void finish(struct bisect_state *b, int r)
{
	struct bisect_report *rep = &b->report;
	bool reported = rep->outcome != BISECT_STOPPED || rep->why;

	rep->builds = b->m.builds;
	rep->artifacts = b->m.art;
	rep->boots = b->m.boots;
	if (reported && b->cli->run.json)
		report_bisect_json(stdout, rep);
	else if (reported)
		report_bisect_result_text(stdout, rep);
	if (rep->why && r != BP_EXIT_INTERRUPTED)
		bp_error("%s", rep->why);
}

int cmd_bisect(int argc, char **argv)
{
	struct bisect_cli cli;
	struct bisect_state b = {.cli = &cli};
	int r = parse(argc, argv, &cli);

	if (r != -1) {
		build_cli_free(&cli.build);
		return r;
	}
	runner_signals_init();
	report_init(&b.report, &cli);
	r = run(&b);
	finish(&b, r);
	bisect_report_free(&b.report);
	search_free(b.search);
	measurer_close(&b.m);
	walk_graph_free(&b.graph);
	walk_repo_free(b.repo);
	build_cli_free(&cli.build);
	return r;
}
