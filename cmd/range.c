/* bootperf range - walk a commit range, build each commit in bootperf's
 * own worktree, benchmark it, store every result and annotate the
 * commits whose boot time changed significantly.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bisect.h"
#include "cmd.h"
#include "reports.h"

struct range_cli {
	struct run_cli run;
	struct build_cli build;
	struct walk_options walk;
	struct stages_cli stages;
	double alpha;
	double threshold;
	enum stats_method method;
	enum {
		INTERLEAVE_NONE,
		INTERLEAVE_ALTERNATE,
		INTERLEAVE_RANDOM
	} interleave;
	unsigned seed;
	bool color;
	const char *repo;
	const char *range;
};

/* clang-format off */
static const struct option range_options[] = {
	RUN_LONG_OPTIONS,
	BUILD_LONG_OPTIONS,
	STAGES_LONG_OPTIONS,
	{ "first-parent", no_argument, NULL, OPT_FIRST_PARENT },
	{ "max-commits", required_argument, NULL, OPT_MAX_COMMITS },
	{ "every", required_argument, NULL, OPT_EVERY },
	{ "alpha", required_argument, NULL, OPT_ALPHA },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "test", required_argument, NULL, OPT_TEST },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "interleave", required_argument, NULL, OPT_INTERLEAVE },
	COMMON_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};
/* clang-format on */

static int parse_interleave(struct range_cli *cli, const char *arg)
{
	if (!strcmp(arg, "alternate"))
		cli->interleave = INTERLEAVE_ALTERNATE;
	else if (!strcmp(arg, "random"))
		cli->interleave = INTERLEAVE_RANDOM;
	else {
		bp_error("--interleave: '%s' is not one of alternate, random",
			 arg);
		return -1;
	}
	return 1;
}

/* Options of range itself: 1 taken, 0 not ours, -1 bad value. */
static int range_option(void *arg_cli, int c, const char *arg)
{
	struct range_cli *cli = arg_cli;
	int r = cmd_walk_option(&cli->walk, c, arg);

	if (r != 0)
		return r;
	switch (c) {
	case OPT_NO_COLOR:
		cli->color = false;
		return 1;
	case OPT_ALPHA:
		return cmd_parse_fraction("--alpha", arg, 0, 1, &cli->alpha);
	case OPT_THRESHOLD:
		return cmd_parse_percent("--threshold", arg, &cli->threshold);
	case OPT_TEST:
		return cmd_parse_test(arg, &cli->method);
	case OPT_INTERLEAVE:
		return parse_interleave(cli, arg);
	}
	return stages_cli_parse(&cli->stages, c, arg);
}

static void range_cli_init(struct range_cli *cli)
{
	struct walk_options walk = WALK_OPTIONS_INIT;

	memset(cli, 0, sizeof *cli);
	run_cli_init(&cli->run);
	build_cli_init(&cli->build);
	cli->walk = walk;
	cli->alpha = 0.01;
	cli->threshold = 1.0;
	cli->method = STATS_MANN_WHITNEY;
	cli->color = cmd_color_default();
}

/* A rank test has a smallest possible p-value: with fewer runs than
 * this, no change can ever be flagged.
 */
static void warn_few_runs(const struct range_cli *cli)
{
	size_t need = cli->method == STATS_MANN_WHITNEY
			  ? stats_mw_min_runs(cli->alpha)
			  : 2;

	if ((size_t)cli->run.run.runs < need)
		bp_warning("--runs %ld: the %s test needs at least %zu runs a "
			   "side to reach p < %g; no change can be flagged",
			   cli->run.run.runs,
			   cli->method == STATS_WELCH ? "Welch"
						      : "Mann-Whitney",
			   need, cli->alpha);
}

/* Returns -1 to go on, or the exit status to stop with now. */
static int parse(int argc, char **argv, struct range_cli *cli)
{
	const struct cmd_parser p = {.cmd = "range",
				     .options = range_options,
				     .own = range_option,
				     .cli = cli,
				     .build = &cli->build,
				     .run = &cli->run};
	int r;

	range_cli_init(cli);
	r = cmd_parse_options(&p, argc, argv);
	if (r != -1)
		return r;
	if (argc - optind > 2)
		return cmd_extra_operand("range", argv[optind + 2],
					 "REPO and RANGE");
	if (argc - optind != 2) {
		bp_error("range needs REPO and RANGE, e.g. 'bootperf range "
			 "~/src/qemu v8.0.0..v8.1.0'");
		return BP_EXIT_USAGE;
	}
	cli->repo = argv[optind];
	cli->range = argv[optind + 1];
	if (run_cli_finish(&cli->run) == -1 ||
	    stages_cli_finish(&cli->stages, &cli->run) == -1)
		return BP_EXIT_USAGE;
	warn_few_runs(cli);
	return -1;
}

/* Everything one run of the range needs, owned here. */
struct range_run {
	struct range_cli *cli;
	struct walk_repo *repo;
	struct walk_list commits;
	struct measurer m;
	struct range_report report;
	size_t current;	    /* the commit being worked on */
	double started;	    /* the walk */
	double current_t0;  /* the commit being worked on */
	size_t measured;    /* commits measured by this run, done */
	double measuring_s; /* the time they took */
};

static int open_repo_and_walk(struct range_run *rr)
{
	struct range_cli *cli = rr->cli;

	if (walk_repo_open(&rr->repo, cli->repo) == 0 &&
	    walk_range(&rr->commits, rr->repo, cli->range, &cli->walk) == 0)
		return BP_EXIT_OK;
	return cmd_walk_exit();
}

/* Commit k of n, what is going on, elapsed time and a rough ETA: the
 * time a commit measured by this run took, for this one and each left
 * (commits read from the store take none, so it errs long).
 */
static void progress(void *arg, const struct commit_result *res,
		     const char *what)
{
	const struct range_run *rr = arg;
	size_t i = rr->current;
	double now = now_monotonic(), elapsed = now - rr->started;
	double per =
	    rr->measured ? rr->measuring_s / (double)rr->measured : NAN;
	double eta = per * (double)(rr->commits.n - i) - (now - rr->current_t0);

	(void)res; /* the commit under way is rr->current */
	if (!rr->cli->run.run.progress)
		return;
	if (eta < 0)
		eta = 0;
	if (isnan(eta))
		bp_note("[%zu/%zu] %s: %s (%.0fs elapsed)", i + 1,
			rr->commits.n, rr->commits.v[i].short_id, what,
			elapsed);
	else
		bp_note("[%zu/%zu] %s: %s (%.0fs elapsed, about %.0fs left)",
			i + 1, rr->commits.n, rr->commits.v[i].short_id, what,
			elapsed, eta);
}

static int open_measurer(struct range_run *rr)
{
	struct measurer *m = &rr->m;
	int r;

	m->build = &rr->cli->build;
	m->run = &rr->cli->run;
	m->progress = progress;
	m->progress_arg = rr;
	/* Random order has its own configuration: a cached result must
	 * be reported as it was taken.  "interleave 1" stays alternate's
	 * (its results were stored under it before).
	 */
	r = measurer_open(m, rr->repo,
			  rr->cli->interleave == INTERLEAVE_RANDOM
			      ? "interleave random\n"
			  : rr->cli->interleave ? "interleave 1\n"
						: "");
	memcpy(rr->report.config_id, m->config_id, sizeof m->config_id);
	return r;
}

static uint64_t draw(void *arg)
{
	(void)arg;
	return (uint64_t)rand();
}

/* --interleave: passes of the base (a) and this one (b) in turns, A B
 * A B or each pair in random order (rand(), seeded once a run with the
 * seed the results record), so that a slow drift of the machine affects
 * both alike.  The passes of a go with b's result.
 */
static int take_turns(struct range_run *rr, struct runner_session *a,
		      struct runner_session *b, enum sample_status *st)
{
	const struct run_options *o = &rr->cli->run.run;
	struct sched_session s[2];
	struct schedule sch = {.order = rr->cli->interleave == INTERLEAVE_RANDOM
					    ? SCHED_ROUNDS
					    : SCHED_ALTERNATE,
			       .stop_on_failure = true,
			       .random = draw};
	int r;

	for (int k = 0; k < 2; k++)
		s[k] = (struct sched_session){.warmups = o->warmup,
					      .passes = o->runs,
					      .pass = sched_runner_pass,
					      .arg = k ? b : a};
	r = schedule_run(&sch, s, 2);
	*st = s[0].failed ? s[0].st : s[1].st;
	return r;
}

static int bench_pair(struct range_run *rr, int wa, struct commit_result *a_res,
		      int wb, struct commit_result *res)
{
	struct prepared pa = {0}, pb = {0};
	struct runner_session *a = NULL, *b = NULL;
	enum sample_status st = SAMPLE_OK;
	bool ready_a = false, ready_b = false;
	int r = measurer_prepare(&rr->m, wa, a_res, &pa, &ready_a);

	if (r == BP_EXIT_OK)
		r = measurer_prepare(&rr->m, wb, res, &pb, &ready_b);
	if (r != BP_EXIT_OK || !ready_a || !ready_b)
		goto out;
	progress(rr, NULL, "measuring, in turns with its base");
	r = runner_session_open(&a, rr->cli->run.runner, &pa.o, &a_res->bench);
	if (r == BP_EXIT_OK)
		r = runner_session_open(&b, rr->cli->run.runner, &pb.o,
					&res->bench);
	if (r == BP_EXIT_OK && take_turns(rr, a, b, &st) == -1)
		r = sample_status_exit(st);
out:
	if (a)
		runner_session_close(a, st);
	if (b)
		runner_session_close(b, st);
	rr->m.boots += a_res->bench.n_warmup + a_res->bench.n_samples +
		       res->bench.n_warmup + res->bench.n_samples;
	if (b)
		r = measurer_record(res, r, st);
	prepared_free(&pa);
	prepared_free(&pb);
	return r;
}

/* Interleaved: the base (the previous measured commit along first
 * parents, range_base) must be built in the other worktree (it may come
 * from the store, built by an earlier run).
 */
static int measure_in_turns(struct range_run *rr, size_t prev,
			    struct range_entry *e, bool *done)
{
	struct commit_result base = {0};
	const char *prev_id = rr->report.v[prev].res.commit_id;
	int wa = !strcmp(rr->m.built[1], prev_id), wb = !wa;
	bool base_built = true, built = false;
	int r = BP_EXIT_OK;

	*done = false;
	base.commit_id = bp_strdup(prev_id);
	if (strcmp(rr->m.built[wa], prev_id) != 0)
		r = measurer_build(&rr->m, wa, &base, &base_built);
	/* A base that no longer builds: measure this one alone. */
	if (r != BP_EXIT_OK || !base_built)
		goto out;
	r = measurer_build(&rr->m, wb, &e->res, &built);
	*done = true;
	if (r != BP_EXIT_OK || !built)
		goto out;
	r = bench_pair(rr, wa, &base, wb, &e->res);
	e->res.baseline_commit = bp_strdup(prev_id);
	e->res.baseline_ms = base.bench.sample_ms;
	e->res.n_baseline = base.bench.n_samples;
	e->res.baseline_random = rr->cli->interleave == INTERLEAVE_RANDOM;
	e->res.has_seed = e->res.baseline_random;
	e->res.baseline_seed = rr->cli->seed;
	base.bench.sample_ms = NULL;
	base.bench.n_samples = 0;
out:
	commit_result_free(&base);
	return r;
}

static int measure(struct range_run *rr, size_t i, struct range_entry *e)
{
	size_t prev = range_base(&rr->report, i);
	bool done = false;
	int r = BP_EXIT_OK;

	if (rr->cli->interleave && prev != SIZE_MAX)
		r = measure_in_turns(rr, prev, e, &done);
	if (r != BP_EXIT_OK)
		return r;
	return done ? measurer_save(&rr->m, &e->res)
		    : measurer_measure(&rr->m, &e->res);
}

static bool fewer_passes(const struct range_run *rr,
			 const struct commit_result *res)
{
	return !rr->cli->interleave && res->status == COMMIT_OK &&
	       res->bench.n_samples < (size_t)rr->cli->run.run.runs;
}

static int one_commit(struct range_run *rr, size_t i)
{
	const struct walk_commit *c = &rr->commits.v[i];
	struct range_entry *e = &rr->report.v[i];
	int r = 0, stored;

	snprintf(e->short_id, sizeof e->short_id, "%s", c->short_id);
	e->base = c->base;
	e->res.commit_id = bp_strdup(c->id);
	e->res.subject = bp_strdup(c->subject);
	e->res.config_id = bp_strdup(rr->report.config_id);
	rr->current = i;
	rr->current_t0 = now_monotonic();
	stored = measurer_recall(&rr->m, &e->res);
	if (stored == -1)
		return BP_EXIT_STORE;
	e->from_store = stored;
	if (e->from_store && fewer_passes(rr, &e->res)) {
		/* Measured by a bisection with fewer passes: top it up.  A
		 * pass that fails on the way leaves it measured in the store
		 * (with a warning), and that is what the range reports.
		 */
		e->from_store = false;
		r = measurer_measure(&rr->m, &e->res);
		if (r == 0 && e->res.status != COMMIT_OK &&
		    measurer_stored(&rr->m, &e->res) == -1)
			r = BP_EXIT_STORE;
	} else if (!e->from_store)
		r = measure(rr, i, e);
	if (r != 0)
		return r;
	if (!e->from_store) {
		rr->measured++;
		rr->measuring_s += now_monotonic() - rr->current_t0;
	}
	rr->report.n = i + 1;
	range_annotate_one(&rr->report, i);
	if (!rr->cli->run.json) {
		report_range_entry_text(stdout, &rr->report, i, rr->cli->color);
		fflush(stdout);
	}
	return 0;
}

static int walk_all(struct range_run *rr)
{
	int r = BP_EXIT_OK;

	rr->report.v = bp_malloc(rr->commits.n * sizeof *rr->report.v);
	for (size_t i = 0; i < rr->commits.n && r == BP_EXIT_OK; i++)
		r = one_commit(rr, i);
	/* A commit stopped half-way is freed, never reported. */
	if (r != BP_EXIT_OK && rr->report.n < rr->commits.n)
		commit_result_free(&rr->report.v[rr->report.n].res);
	return r;
}

/* The seeds of the pairs in random order the report shows (this run's
 * and those read from the store), each once, into how.
 */
static void random_seeds(const struct range_report *r, char *how, size_t len)
{
	unsigned seeds[4];
	size_t n = 0, more = 0, at;

	for (size_t i = 0; i < r->n; i++) {
		const struct commit_result *res = &r->v[i].res;
		size_t k = 0;

		if (!res->baseline_commit || !res->has_seed)
			continue;
		while (k < n && seeds[k] != res->baseline_seed)
			k++;
		if (k < n)
			continue;
		if (n < sizeof seeds / sizeof seeds[0])
			seeds[n++] = res->baseline_seed;
		else
			more++;
	}
	if (n == 0)
		return;
	at = strlen(how);
	at +=
	    (size_t)snprintf(how + at, len - at, " (seed%s", n > 1 ? "s" : "");
	for (size_t k = 0; k < n && at < len; k++)
		at += (size_t)snprintf(how + at, len - at, "%s %u",
				       k ? "," : "", seeds[k]);
	if (at < len)
		snprintf(how + at, len - at, "%s)", more ? " and more" : "");
}

/* The report states how the passes it shows were run: drift looks
 * different.  Written once the commits are known, so that a report of
 * results read from the store names the seeds they were taken with,
 * not this run's.
 */
static const char *how_run(const struct range_run *rr)
{
	static char how[160];

	if (rr->cli->interleave == INTERLEAVE_NONE)
		return "run commit by commit";
	if (rr->cli->interleave == INTERLEAVE_ALTERNATE)
		return "interleaved with the previous commit's (A B A B)";
	snprintf(how, sizeof how,
		 "interleaved with the previous commit's in random order");
	random_seeds(&rr->report, how, sizeof how);
	return how;
}

static void finish(struct range_run *rr)
{
	rr->report.builds = rr->m.builds;
	rr->report.artifacts = rr->m.art;
	rr->report.boots = rr->m.boots;
	rr->report.how = how_run(rr);
	if (rr->cli->run.json) {
		if (report_range_json(stdout, &rr->report) == -1)
			bp_error("out of memory writing JSON");
		return;
	}
	report_range_summary_text(stdout, &rr->report);
}

static void range_run_free(struct range_run *rr)
{
	build_cli_free(&rr->cli->build);
	range_report_free(&rr->report);
	measurer_close(&rr->m);
	walk_list_free(&rr->commits);
	walk_repo_free(rr->repo);
}

/* A range where no commit could be measured (a broken toolchain, a
 * hypervisor that never boots) must not look like a quiet success to a
 * script or a cron job.
 */
static int none_measured(const struct range_report *r)
{
	size_t failed[4] = {0};

	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].res.status == COMMIT_OK)
			return BP_EXIT_OK;
		failed[r->v[i].res.status]++;
	}
	bp_error("no commit of the range could be measured (%zu "
		 "build-failed, %zu boot-failed, %zu timeout)",
		 failed[COMMIT_BUILD_FAILED], failed[COMMIT_BOOT_FAILED],
		 failed[COMMIT_TIMEOUT]);
	return BP_EXIT_NONE_MEASURED;
}

int cmd_range(int argc, char **argv)
{
	struct range_cli cli;
	struct range_run rr = {.cli = &cli};
	int r = parse(argc, argv, &cli);

	if (r != -1) {
		build_cli_free(&cli.build);
		return r;
	}
	runner_signals_init();
	rr.started = now_monotonic();
	rr.report.repo = cli.repo;
	rr.report.range = cli.range;
	rr.report.alpha = cli.alpha;
	rr.report.threshold = cli.threshold;
	rr.report.method = cli.method;
	if (cli.interleave == INTERLEAVE_RANDOM) {
		cli.seed = (unsigned)now_realtime();
		srand(cli.seed);
	}
	r = open_repo_and_walk(&rr);
	if (r == BP_EXIT_OK)
		r = open_measurer(&rr);
	if (r == BP_EXIT_OK)
		r = measurer_check_newer(&rr.m, &rr.commits);
	if (r == BP_EXIT_OK)
		r = walk_all(&rr);
	if (r == BP_EXIT_OK)
		r = stages_range(&rr.m, &rr.report, &cli.stages);
	rr.report.total = rr.commits.n;
	rr.report.interrupted = r == BP_EXIT_INTERRUPTED;
	if (r == BP_EXIT_OK || r == BP_EXIT_INTERRUPTED)
		finish(&rr);
	if (r == BP_EXIT_OK)
		r = none_measured(&rr.report);
	range_run_free(&rr);
	return r;
}
