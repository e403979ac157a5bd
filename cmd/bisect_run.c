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
	const char *repo;
	double threshold_ms; /* NAN: decide from --good and --bad */
	const char *good;
	const char *bad;
	bool in_place;
};

/* clang-format off */
static const struct option bisect_run_options[] = {
	RUN_LONG_OPTIONS,
	BUILD_LONG_OPTIONS,
	{ "threshold-ms", required_argument, NULL, OPT_THRESHOLD_MS },
	{ "good", required_argument, NULL, OPT_GOOD },
	{ "bad", required_argument, NULL, OPT_BAD },
	{ "in-place", no_argument, NULL, OPT_IN_PLACE },
	{ "repo", required_argument, NULL, OPT_REPO },
	COMMON_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};
/* clang-format on */

static int parse_ms(const char *arg, double *out)
{
	char *end = NULL;
	double v = strtod(arg, &end);

	if (end == arg || *end || !(v > 0) || !isfinite(v)) {
		bp_error("--threshold-ms: '%s' is not a number of milliseconds "
			 "above 0",
			 arg);
		return -1;
	}
	*out = v;
	return 1;
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
	return 0;
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
	r = cmd_parse_options(&p, argc, argv);
	/* git bisect aborts on 128 and above: a usage error must, too. */
	if (r != -1)
		return r == BP_EXIT_USAGE ? BISECT_USAGE : r;
	if (check(cli, argc) == -1) {
		cmd_usage_error("bisect-run");
		return BISECT_USAGE;
	}
	return -1;
}

/* The stored result of rev, or a fresh measurement.  Returns a bp_exit
 * code; res->status says whether the commit could be measured.
 */
static int result_of(struct measurer *m, struct walk_repo *repo,
		     const char *rev, struct commit_result *res)
{
	struct walk_commit c = {0};
	int stored;

	memset(res, 0, sizeof *res);
	if (walk_resolve(&c, repo, rev) == -1)
		return BP_EXIT_REPO;
	res->commit_id = bp_strdup(c.id);
	res->subject = bp_strdup(c.subject);
	res->config_id = bp_strdup(m->config_id);
	walk_commit_clear(&c);
	/* A stored failure stands; stored passes are topped up to --runs. */
	stored = measurer_recall(m, res);
	if (stored == -1)
		return BP_EXIT_STORE;
	if (stored && res->status != COMMIT_OK)
		return BP_EXIT_OK;
	return measurer_measure(m, res);
}

/* An endpoint measured in bootperf's own worktree, never in place. */
static int endpoint(struct measurer *m, struct walk_repo *repo,
		    const char *which, const char *rev, double *mean,
		    struct commit_result *res)
{
	const char *in_place = m->in_place;
	char *wt0 = m->worktree[0];
	int r;

	m->in_place = NULL;
	m->worktree[0] = m->worktree[1];
	r = result_of(m, repo, rev, res);
	m->worktree[0] = wt0;
	m->in_place = in_place;
	if (r == BP_EXIT_OK && res->status != COMMIT_OK) {
		bp_error("the %s endpoint '%s' cannot be measured: %s: %s",
			 which, rev, commit_status_name(res->status),
			 res->message ? res->message : "");
		r = BP_EXIT_FAILURE;
	}
	*mean = res->bench.summary.mean;
	return r;
}

/* With --good and --bad: the commit is bad when its mean lies nearer the
 * bad endpoint's, i.e. past the midpoint; the endpoints must differ
 * significantly first, or there is nothing to find.
 */
static int threshold_from_endpoints(struct measurer *m, struct walk_repo *repo,
				    const struct bisect_run_cli *cli,
				    double *threshold)
{
	struct commit_result g, b;
	struct stats_test t = {0};
	double mg = NAN, mb = NAN;
	int r = endpoint(m, repo, "good", cli->good, &mg, &g);

	if (r == BP_EXIT_OK)
		r = endpoint(m, repo, "bad", cli->bad, &mb, &b);
	else
		memset(&b, 0, sizeof b);
	if (r == BP_EXIT_OK &&
	    (stats_compare(&t, STATS_WELCH, g.bench.sample_ms,
			   g.bench.n_samples, b.bench.sample_ms,
			   b.bench.n_samples) == -1 ||
	     t.p >= 0.01 || mb <= mg)) {
		bp_error("the endpoints do not differ: good %s %.1fms, bad %s "
			 "%.1fms (Welch p=%.3g); nothing to bisect",
			 cli->good, mg, cli->bad, mb, t.p);
		r = BP_EXIT_FAILURE;
	}
	*threshold = (mg + mb) / 2;
	commit_result_free(&g);
	commit_result_free(&b);
	return r;
}

static int verdict(const struct commit_result *res, double threshold)
{
	const struct stats_summary *s = &res->bench.summary;
	bool bad;

	if (res->status != COMMIT_OK) {
		printf("bootperf: %.12s %s: %s, skip\n", res->commit_id,
		       res->subject ? res->subject : "",
		       commit_status_name(res->status));
		return BISECT_SKIP;
	}
	bad = s->mean > threshold;
	printf("bootperf: %.12s %s: %.1fms ±%.1fms over %zu passes: %s "
	       "(threshold %.1fms)\n",
	       res->commit_id, res->subject ? res->subject : "", s->mean,
	       isnan(s->sd) ? 0.0 : s->sd, s->n, bad ? "bad (slow)" : "good",
	       threshold);
	return bad ? BISECT_BAD : BISECT_GOOD;
}

static char *toplevel(struct walk_repo *repo)
{
	char *dir = walk_repo_workdir(repo);

	if (!dir)
		bp_error("--in-place needs a repository with a work tree");
	return dir;
}

static int run(struct bisect_run_cli *cli, struct walk_repo *repo)
{
	struct measurer m = {.build = &cli->build, .run = &cli->run};
	struct commit_result res = {0};
	double threshold = cli->threshold_ms;
	char *top = cli->in_place ? toplevel(repo) : NULL;
	int r = cli->in_place && !top ? BP_EXIT_USAGE : BP_EXIT_OK;

	m.in_place = top;
	if (r == BP_EXIT_OK)
		r = measurer_open(&m, repo, "");
	if (r == BP_EXIT_OK && isnan(threshold))
		r = threshold_from_endpoints(&m, repo, cli, &threshold);
	if (r == BP_EXIT_OK)
		r = result_of(&m, repo, "HEAD", &res);
	if (r == BP_EXIT_OK)
		r = verdict(&res, threshold);
	else if (r != BP_EXIT_USAGE)
		r = BISECT_HARNESS;
	else
		r = BISECT_USAGE;
	fflush(stdout);
	commit_result_free(&res);
	measurer_close(&m);
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
