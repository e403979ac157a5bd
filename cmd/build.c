/* bootperf build - build the commits of a range (or one shard of it) in
 * bootperf's own worktree and capture their artifacts into the store,
 * booting nothing: what range, bisect and track then boot, with no
 * build of their own.  A shard is the unit a CI matrix or a cluster runs.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bisect.h"
#include "cmd.h"
#include "reports.h"

struct build_cmd_cli {
	struct run_cli run;
	struct build_cli build;
	struct walk_options walk;
	size_t shard, shards;
	const char *repo;
	const char *range;
};

/* clang-format off */
static const struct option build_cmd_options[] = {
	RUN_LONG_OPTIONS,
	BUILD_LONG_OPTIONS,
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "first-parent", no_argument, NULL, OPT_FIRST_PARENT },
	{ "max-commits", required_argument, NULL, OPT_MAX_COMMITS },
	{ "every", required_argument, NULL, OPT_EVERY },
	COMMON_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};
/* clang-format on */

/* The most shards: far more than any cluster has build nodes. */
#define SHARDS_MAX 100000

/* --shard K/N: 1 <= K <= N. */
static int parse_shard(struct build_cmd_cli *cli, const char *arg)
{
	const char *slash = strchr(arg, '/');
	char *end;
	unsigned long k, n;

	errno = 0;
	k = slash && slash > arg && arg[0] >= '0' && arg[0] <= '9'
		? strtoul(arg, &end, 10)
		: 0;
	if (k && end == slash && slash[1] >= '0' && slash[1] <= '9') {
		n = strtoul(slash + 1, &end, 10);
		if (!errno && !*end && n >= 1 && n <= SHARDS_MAX && k <= n) {
			cli->shard = k;
			cli->shards = n;
			return 1;
		}
	}
	bp_error("--shard '%s': give K/N, shard K of N with 1 <= K <= N <= %d "
		 "(e.g. --shard 2/4)",
		 arg, SHARDS_MAX);
	return -1;
}

static int build_cmd_option(void *arg_cli, int c, const char *arg)
{
	struct build_cmd_cli *cli = arg_cli;

	if (c == OPT_SHARD)
		return parse_shard(cli, arg);
	return cmd_walk_option(&cli->walk, c, arg);
}

static int parse(int argc, char **argv, struct build_cmd_cli *cli)
{
	const struct cmd_parser p = {.cmd = "build",
				     .options = build_cmd_options,
				     .own = build_cmd_option,
				     .cli = cli,
				     .build = &cli->build,
				     .run = &cli->run};
	struct walk_options walk = WALK_OPTIONS_INIT;
	int r;

	memset(cli, 0, sizeof *cli);
	run_cli_init(&cli->run);
	build_cli_init(&cli->build);
	cli->walk = walk;
	cli->shard = cli->shards = 1;
	r = cmd_parse_options(&p, argc, argv);
	if (r != -1)
		return r;
	if (argc - optind > 2)
		return cmd_extra_operand("build", argv[optind + 2],
					 "REPO and RANGE");
	if (argc - optind != 2) {
		bp_error("build needs REPO and RANGE, e.g. 'bootperf build "
			 "--preset qemu ~/src/qemu v8.0.0..v8.1.0'");
		return BP_EXIT_USAGE;
	}
	cli->repo = argv[optind];
	cli->range = argv[optind + 1];
	return run_cli_finish(&cli->run) == -1 ? BP_EXIT_USAGE : -1;
}

struct build_run {
	struct build_cmd_cli *cli;
	struct walk_repo *repo;
	struct walk_list commits;
	struct measurer m;
	struct build_report report;
	size_t current; /* index in report.v of the commit under way */
};

static void progress(void *arg, const struct commit_result *res,
		     const char *what)
{
	const struct build_run *br = arg;

	(void)res;
	if (br->cli->run.run.progress)
		bp_note("[%zu/%zu] %s: %s", br->current + 1, br->report.total,
			br->report.v[br->current].short_id, what);
}

/* Whether the store holds a result of commit c with passes (read even
 * with --force): 1 or 0, or -1 when a newer bootperf's is in the way.
 */
static int stored_passes(struct measurer *m, const struct walk_commit *c)
{
	struct commit_result probe = {0};
	int r;

	probe.commit_id = bp_strdup(c->id);
	r = measurer_stored(m, &probe);
	if (r == 1)
		r = probe.status == COMMIT_OK && probe.bench.n_samples > 0;
	commit_result_free(&probe);
	return r;
}

/* Build (or find captured) the commit of entry e: BP_EXIT_OK with its
 * state, or the exit status to stop with.
 */
static int one_commit(struct build_run *br, const struct walk_commit *c,
		      struct build_entry *e)
{
	struct measurer *m = &br->m;
	size_t reused = m->art.reused;
	bool built = false;
	int stored, has_passes, r;

	snprintf(e->short_id, sizeof e->short_id, "%s", c->short_id);
	e->res.commit_id = bp_strdup(c->id);
	e->res.subject = bp_strdup(c->subject);
	e->res.config_id = bp_strdup(m->config_id);
	e->res.build_s = NAN;
	stored = measurer_recall(m, &e->res);
	if (stored == -1)
		return BP_EXIT_STORE;
	if (stored && e->res.status == COMMIT_BUILD_FAILED) {
		e->state = BUILD_FAILED_BEFORE;
		return BP_EXIT_OK;
	}
	/* --force recalls nothing, but a result with passes must stay. */
	has_passes = stored	       ? e->res.bench.n_samples > 0
		     : m->build->force ? stored_passes(m, c)
				       : 0;
	if (has_passes < 0)
		return BP_EXIT_STORE;
	r = measurer_build(m, 0, &e->res, &built);
	if (r != BP_EXIT_OK)
		return r;
	if (built) {
		e->state =
		    m->art.reused > reused ? BUILD_CAPTURED : BUILD_BUILT;
		e->dir = m->dir[0] ? bp_strdup(m->dir[0]) : NULL;
		return BP_EXIT_OK;
	}
	e->state = BUILD_FAILED;
	/* Recorded as range records it, so that range, bisect and a
	 * second build do not build it again (--force does).  A result
	 * with passes is never replaced by a build failure.
	 */
	return has_passes ? BP_EXIT_OK : measurer_save(m, &e->res);
}

static int build_all(struct build_run *br)
{
	struct build_report *rep = &br->report;
	size_t k = 0;
	int r = BP_EXIT_OK;

	rep->range_commits = br->commits.n;
	for (size_t i = 0; i < br->commits.n; i++)
		if (i % br->cli->shards + 1 == br->cli->shard)
			rep->total++;
	rep->v = bp_malloc((rep->total ? rep->total : 1) * sizeof *rep->v);
	memset(rep->v, 0, (rep->total ? rep->total : 1) * sizeof *rep->v);
	for (size_t i = 0; i < br->commits.n && r == BP_EXIT_OK; i++) {
		if (i % br->cli->shards + 1 != br->cli->shard)
			continue;
		/* Signals are blocked but in a build's wait: look here too,
		 * or a run of captured commits would not hear them.
		 */
		if (runner_interrupted()) {
			r = BP_EXIT_INTERRUPTED;
			break;
		}
		br->current = k;
		r = one_commit(br, &br->commits.v[i], &rep->v[k]);
		if (r != BP_EXIT_OK)
			break;
		rep->n = ++k;
		if (!br->cli->run.json) {
			report_build_entry_text(stdout, rep, k - 1);
			fflush(stdout);
		}
	}
	/* A commit stopped half-way is freed, never reported. */
	if (r != BP_EXIT_OK && rep->n < rep->total) {
		commit_result_free(&rep->v[rep->n].res);
		free(rep->v[rep->n].dir);
	}
	return r;
}

/* A shard none of whose commits could be built must not look like a
 * success to the job that ran it.
 */
static int none_built(const struct build_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].state == BUILD_BUILT ||
		    r->v[i].state == BUILD_CAPTURED)
			return BP_EXIT_OK;
	if (r->n == 0) {
		if (r->shards > 1)
			bp_note("shard %zu/%zu of a range of %zu %s has none",
				r->shard, r->shards, r->range_commits,
				r->range_commits == 1 ? "commit" : "commits");
		return BP_EXIT_OK;
	}
	bp_error("no commit of the %s could be built (%zu build-failed)",
		 r->shards > 1 ? "shard" : "range", r->n);
	return BP_EXIT_NONE_MEASURED;
}

static void finish(struct build_run *br)
{
	struct build_report *rep = &br->report;

	rep->builds = br->m.builds;
	rep->art = br->m.art;
	if (br->cli->run.json) {
		if (report_build_json(stdout, rep) == -1)
			bp_error("out of memory writing JSON");
		return;
	}
	report_build_summary_text(stdout, rep);
}

int cmd_build(int argc, char **argv)
{
	struct build_cmd_cli cli;
	struct build_run br = {.cli = &cli};
	int r = parse(argc, argv, &cli);

	if (r != -1) {
		build_cli_free(&cli.build);
		return r;
	}
	runner_signals_init();
	br.report.repo = cli.repo;
	br.report.range = cli.range;
	br.report.shard = cli.shard;
	br.report.shards = cli.shards;
	br.m.build = &cli.build;
	br.m.run = &cli.run;
	br.m.progress = progress;
	br.m.progress_arg = &br;
	if (walk_repo_open(&br.repo, cli.repo) != 0 ||
	    walk_range(&br.commits, br.repo, cli.range, &cli.walk) != 0)
		r = cmd_walk_exit();
	else
		r = measurer_open(&br.m, br.repo, "");
	if (r == BP_EXIT_OK)
		r = measurer_check_newer(&br.m, &br.commits);
	snprintf(br.report.build_id, sizeof br.report.build_id, "%.12s",
		 br.m.build_id);
	br.report.artifacts = br.m.art_root ? br.m.art_root : "";
	if (r == BP_EXIT_OK)
		r = build_all(&br);
	br.report.interrupted = r == BP_EXIT_INTERRUPTED;
	if (r == BP_EXIT_OK || r == BP_EXIT_INTERRUPTED)
		finish(&br);
	if (r == BP_EXIT_OK)
		r = none_built(&br.report);
	build_report_free(&br.report);
	build_cli_free(&cli.build);
	measurer_close(&br.m);
	walk_list_free(&br.commits);
	walk_repo_free(br.repo);
	return r;
}
