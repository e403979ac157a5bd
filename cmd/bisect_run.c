/* bootperf bisect-run - the helper for `git bisect run`: build the
 * checked-out commit, benchmark it, and answer with git's exit codes:
 * 0 good (fast), 1 bad (slow), 125 cannot test, 128 harness error, 129
 * usage error (both above 127, so git aborts the bisection).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bisect.h"
#include "cmd.h"
#include "reports.h"
#include "store.h"

enum {
	BISECT_GOOD = 0,
	BISECT_BAD = 1,
	BISECT_SKIP = 125,
	BISECT_HARNESS = 128,
	BISECT_USAGE = 129,
};

struct bisect_run_cli {
	struct run_cli run;
	struct build_cli build;
	struct judge_options judge;
	const char *repo;
	double threshold_ms; /* NAN: decide from --good and --bad */
	double threshold;    /* the endpoints' least difference, % */
	const char *good;
	const char *bad;
	bool in_place;
	const char *judge_option; /* an option only --good/--bad use */
};

/* clang-format off */
static const struct option bisect_run_options[] = {
	RUN_LONG_OPTIONS,
	BUILD_LONG_OPTIONS,
	{ "threshold-ms", required_argument, NULL, OPT_THRESHOLD_MS },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "good", required_argument, NULL, OPT_GOOD },
	{ "bad", required_argument, NULL, OPT_BAD },
	{ "min-runs", required_argument, NULL, OPT_MIN_RUNS },
	{ "max-runs", required_argument, NULL, OPT_MAX_RUNS },
	{ "alpha", required_argument, NULL, OPT_ALPHA },
	{ "test", required_argument, NULL, OPT_TEST },
	{ "undecided", required_argument, NULL, OPT_UNDECIDED },
	{ "in-place", no_argument, NULL, OPT_IN_PLACE },
	{ "repo", required_argument, NULL, OPT_REPO },
	COMMON_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};
/* clang-format on */

static int parse_ms(const char *arg, double *out)
{
	double v;

	if (!bp_parse_number(arg, &v) || !(v > 0) || !isfinite(v)) {
		bp_error("--threshold-ms: '%s' is not a number of milliseconds "
			 "above 0",
			 arg);
		return -1;
	}
	*out = v;
	return 1;
}

/* --min-runs, --max-runs, --alpha, --test, --undecided, --threshold; the one
 * seen is kept, since --threshold-ms takes none of them.
 */
static int judge_option(struct bisect_run_cli *cli, int c, const char *arg)
{
	static const struct {
		int c;
		const char *name;
	} names[] = {
	    {OPT_MIN_RUNS, "--min-runs"},   {OPT_MAX_RUNS, "--max-runs"},
	    {OPT_ALPHA, "--alpha"},	    {OPT_TEST, "--test"},
	    {OPT_UNDECIDED, "--undecided"}, {OPT_THRESHOLD, "--threshold"},
	};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (names[i].c == c)
			cli->judge_option = names[i].name;
	if (c == OPT_THRESHOLD)
		return cmd_parse_percent("--threshold", arg, &cli->threshold);
	return judge_option_parse(&cli->judge, c, arg);
}

static int own_option(void *arg_cli, int c, const char *arg)
{
	struct bisect_run_cli *cli = arg_cli;

	switch (c) {
	case OPT_THRESHOLD_MS:
		return parse_ms(arg, &cli->threshold_ms);
	case OPT_GOOD:
		cli->good = arg;
		return 1;
	case OPT_BAD:
		cli->bad = arg;
		return 1;
	case OPT_IN_PLACE:
		cli->in_place = true;
		return 1;
	case OPT_REPO:
		cli->repo = arg;
		return 1;
	}
	return judge_option(cli, c, arg);
}

static int check(struct bisect_run_cli *cli, int argc)
{
	if (optind < argc) {
		bp_error("bisect-run takes no arguments: git bisect has "
			 "checked out the commit to test");
		return -1;
	}
	if (!isnan(cli->threshold_ms) && (cli->good || cli->bad)) {
		bp_error("--threshold-ms does not go with --good, --bad");
		return -1;
	}
	if (isnan(cli->threshold_ms) == !(cli->good && cli->bad)) {
		bp_error("bisect-run needs either --threshold-ms MS or both "
			 "--good REV and --bad REV");
		return -1;
	}
	if (!isnan(cli->threshold_ms) && cli->judge_option) {
		bp_error("%s goes with --good and --bad: --threshold-ms "
			 "measures --runs passes",
			 cli->judge_option);
		return -1;
	}
	cli->judge.runs = cli->run.run.runs;
	if (isnan(cli->threshold_ms) && judge_check(&cli->judge) == -1)
		return -1;
	return run_cli_finish(&cli->run);
}

/* Returns -1 to go on, or the exit status to stop with now. */
static int parse(int argc, char **argv, struct bisect_run_cli *cli)
{
	const struct cmd_parser p = {.cmd = "bisect-run",
				     .options = bisect_run_options,
				     .own = own_option,
				     .cli = cli,
				     .build = &cli->build,
				     .run = &cli->run};
	int r;

	memset(cli, 0, sizeof *cli);
	run_cli_init(&cli->run);
	build_cli_init(&cli->build);
	cli->repo = ".";
	cli->threshold_ms = NAN;
	cli->threshold = 1.0;
	/* As bootperf bisect's steps; --runs stays the endpoints' start. */
	judge_options_init(&cli->judge);
	r = cmd_parse_options(&p, argc, argv);
	/* git bisect aborts on 128 and above: a usage error must, too. */
	if (r != -1)
		return r == BP_EXIT_USAGE ? BISECT_USAGE : r;
	if (check(cli, argc) == -1)
		return BISECT_USAGE;
	return -1;
}

struct bisect_run_state {
	struct bisect_run_cli *cli;
	struct walk_repo *repo;
	struct measurer m;
	struct judge judge;
	struct bisect_report ends; /* --good, --bad */
	struct bisect_step head;   /* the commit under test */
	struct bisect_run_report out;
};

static int step_of_rev(struct bisect_run_state *st, struct bisect_step *s,
		       const char *rev)
{
	struct walk_commit c = {0};

	if (walk_resolve(&c, st->repo, rev) == -1)
		return BP_EXIT_REPO;
	judge_step_init(s, &c, st->m.config_id);
	walk_commit_clear(&c);
	return BP_EXIT_OK;
}

/* The endpoints' stored results stand even with --force, which is for
 * the commit under test: else every step of git bisect would build and
 * boot both endpoints again.
 */
static int endpoints(struct bisect_run_state *st)
{
	struct bisect_report *e = &st->ends;
	int r = step_of_rev(st, &e->good, e->good_rev);

	if (r == BP_EXIT_OK)
		r = step_of_rev(st, &e->bad, e->bad_rev);
	if (r == BP_EXIT_OK &&
	    !strcmp(e->good.res.commit_id, e->bad.res.commit_id)) {
		e->why = bp_asprintf("--good '%s' and --bad '%s' are the same "
				     "commit: there is nothing to tell apart",
				     e->good_rev, e->bad_rev);
		return BP_EXIT_NO_CHANGE;
	}
	if (r == BP_EXIT_OK && (measurer_stored(&st->m, &e->good.res) == -1 ||
				measurer_stored(&st->m, &e->bad.res) == -1))
		r = BP_EXIT_STORE;
	if (r == BP_EXIT_OK)
		r = judge_endpoints(&st->judge);
	if (r == BP_EXIT_NO_CHANGE && st->judge.swapped)
		e->why = bp_asprintf(
		    "good '%s' is slower than bad '%s' (%.1fms against "
		    "%.1fms, %+.1f%%): swapped? --good takes a fast commit, "
		    "--bad a slow one",
		    e->good_rev, e->bad_rev, e->good.res.bench.summary.mean,
		    e->bad.res.bench.summary.mean, e->endpoint_percent);
	return r;
}

/* The commit under test: a stored failure stands; stored passes are
 * topped up to --runs, or until the sequential test decides.
 */
static int measure_head(struct bisect_run_state *st)
{
	struct bisect_step *s = &st->head;
	int w = st->cli->in_place ? MEASURER_IN_PLACE : 0;
	struct extend_goal goal = {.want = (size_t)st->cli->run.run.runs};
	int stored = measurer_recall(&st->m, &s->res);

	if (stored == -1)
		return BP_EXIT_STORE;
	if (stored && s->res.status != COMMIT_OK)
		return BP_EXIT_OK;
	if (!isnan(st->cli->threshold_ms))
		return judge_measure(&st->judge, s, w, &goal);
	return judge_commit(&st->judge, w, s);
}

static void decide_threshold(struct bisect_run_state *st)
{
	double mean = st->head.res.bench.summary.mean,
	       t = st->cli->threshold_ms;
	bool bad = mean > t;

	st->out.by = BISECT_RUN_THRESHOLD;
	st->out.exit_status = bad ? BISECT_BAD : BISECT_GOOD;
	st->out.reason = bp_asprintf("the mean %.1fms is %s the threshold "
				     "%.1fms",
				     mean, bad ? "above" : "not above", t);
}

static void decide_sequential(struct bisect_run_state *st)
{
	const struct bisect_step *s = &st->head;
	const struct stats_sprt *t = &st->ends.sprt;
	size_t n = s->res.bench.n_samples;

	st->out.exit_status = s->verdict == STATS_BAD	 ? BISECT_BAD
			      : s->verdict == STATS_GOOD ? BISECT_GOOD
							 : BISECT_SKIP;
	if (s->verdict == STATS_UNDECIDED) {
		st->out.by = BISECT_RUN_UNDECIDED;
		st->out.reason = bp_asprintf(
		    "undecided after %zu passes (--max-runs %ld): skipped "
		    "(--undecided midpoint would judge it by the nearer "
		    "endpoint)",
		    n, st->cli->judge.max_runs);
	} else if (s->by_midpoint) {
		st->out.by = BISECT_RUN_MIDPOINT;
		st->out.reason = bp_asprintf(
		    "undecided after %zu passes (--max-runs %ld): %.1fms is "
		    "nearer the %s endpoint (midpoint %.1fms)",
		    n, st->cli->judge.max_runs, s->res.bench.summary.mean,
		    s->verdict == STATS_BAD ? "bad" : "good",
		    (t->good_mean + t->bad_mean) / 2);
	} else {
		st->out.by = BISECT_RUN_SEQUENTIAL;
		st->out.reason = bp_asprintf(
		    "the sequential test against good %.1fms and bad %.1fms "
		    "decided after %zu passes (log ratio %.2f, bounds %.2f "
		    "and %.2f)",
		    t->good_mean, t->bad_mean, n, s->llr, t->lower, t->upper);
	}
}

/* What git bisect is told about the commit under test. */
static void decide(struct bisect_run_state *st)
{
	const struct commit_result *res = &st->head.res;

	if (res->status != COMMIT_OK) {
		st->out.by = BISECT_RUN_NONE;
		st->out.exit_status = BISECT_SKIP;
		st->out.reason =
		    bp_asprintf("%s: %s", commit_status_name(res->status),
				res->message ? res->message : "");
	} else if (!isnan(st->cli->threshold_ms))
		decide_threshold(st);
	else
		decide_sequential(st);
	if (st->out.by == BISECT_RUN_MIDPOINT)
		bp_warning("%.12s is still undecided after %zu passes "
			   "(--max-runs %ld): judged %s by the midpoint of the "
			   "endpoints (--undecided midpoint); by default it "
			   "would be skipped",
			   res->commit_id, res->bench.n_samples,
			   st->cli->judge.max_runs,
			   st->out.exit_status == BISECT_BAD ? "bad" : "good");
}

static char *toplevel(struct walk_repo *repo)
{
	char *dir = walk_repo_workdir(repo);

	if (!dir)
		bp_error("--in-place needs a repository with a work tree");
	return dir;
}

static void state_init(struct bisect_run_state *st, struct bisect_run_cli *cli,
		       struct walk_repo *repo)
{
	memset(st, 0, sizeof *st);
	st->cli = cli;
	st->repo = repo;
	st->m.build = &cli->build;
	st->m.run = &cli->run;
	st->ends.good_rev = cli->good;
	st->ends.bad_rev = cli->bad;
	st->ends.alpha = cli->judge.alpha;
	st->ends.threshold = cli->threshold;
	st->ends.method = cli->judge.method;
	st->ends.change_ms = st->ends.change_percent = NAN;
	st->judge.o = cli->judge;
	st->judge.m = &st->m;
	st->judge.rep = &st->ends;
	st->judge.midpoint = cli->judge.midpoint;
	st->out.commit = &st->head;
	st->out.ends = isnan(cli->threshold_ms) ? &st->ends : NULL;
	st->out.threshold_ms = cli->threshold_ms;
	st->out.min_runs = cli->judge.min_runs;
	st->out.max_runs = cli->judge.max_runs;
}

/* The answer, on stdout; why bisect-run gave none, on stderr. */
static void print(struct bisect_run_state *st, int r)
{
	bool judged = r == BP_EXIT_OK || r == BP_EXIT_NO_CHANGE ||
		      r == BP_EXIT_UNTESTABLE;

	st->out.builds = st->m.builds;
	st->out.boots = st->m.boots;
	if (r != BP_EXIT_OK) {
		st->out.exit_status = BISECT_HARNESS;
		st->out.by = BISECT_RUN_NONE;
		st->out.reason = bp_strdup(st->ends.why);
	}
	if (judged && st->cli->run.json)
		report_bisect_run_json(stdout, &st->out);
	else if (judged)
		report_bisect_run_text(stdout, &st->out);
	if (st->ends.why)
		bp_error("%s", st->ends.why);
	fflush(stdout);
}

static int run(struct bisect_run_cli *cli, struct walk_repo *repo)
{
	struct bisect_run_state st;
	char *top = cli->in_place ? toplevel(repo) : NULL;
	int r = cli->in_place && !top ? BP_EXIT_USAGE : BP_EXIT_OK;

	state_init(&st, cli, repo);
	st.m.in_place = top;
	if (r == BP_EXIT_OK)
		r = measurer_open(&st.m, repo, "");
	if (r == BP_EXIT_OK)
		r = step_of_rev(&st, &st.head, "HEAD");
	/* --force is for the commit under test: its copy is built again */
	st.m.force_only = st.head.res.commit_id;
	/* Before the build: --force never replaces a newer bootperf's. */
	if (r == BP_EXIT_OK && store_check_newer(st.m.store, st.m.config_id,
						 st.head.res.commit_id) == -2)
		r = BP_EXIT_STORE;
	if (r == BP_EXIT_OK && isnan(cli->threshold_ms))
		r = endpoints(&st);
	if (r == BP_EXIT_OK)
		r = measure_head(&st);
	if (r == BP_EXIT_OK)
		decide(&st);
	print(&st, r);
	if (r == BP_EXIT_OK)
		r = st.out.exit_status;
	else
		r = r == BP_EXIT_USAGE ? BISECT_USAGE : BISECT_HARNESS;
	free(st.out.reason);
	commit_result_free(&st.head.res);
	bisect_report_free(&st.ends);
	measurer_close(&st.m);
	free(top);
	return r;
}

int cmd_bisect_run(int argc, char **argv)
{
	struct bisect_run_cli cli;
	struct walk_repo *repo = NULL;
	int r = parse(argc, argv, &cli);

	if (r == -1) {
		runner_signals_init();
		if (walk_repo_open(&repo, cli.repo) == -1)
			r = BISECT_HARNESS;
		else
			r = run(&cli, repo);
	}
	walk_repo_free(repo);
	build_cli_free(&cli.build);
	return r;
}
