/* bootperf track - what a nightly job runs: fetch the followed branch,
 * measure commits that are not in the store yet (inside a change point
 * first, then the newest, then the gaps), find the change points of the
 * whole measured history, and exit 1 while a regression is not
 * acknowledged.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bisect.h"
#include "cmd.h"
#include "reports.h"
#include "store.h"

/* Where other commands say 1 for an internal error, track says 16. */
#define TRACK_EXIT_REGRESSION 1

struct track_cli {
	struct run_cli run;
	struct build_cli build;
	const char *remote;
	const char *branch; /* NULL: the one tracked before, or HEAD's */
	const char *since;
	size_t max_commits;
	bool first_parent;
	bool color;
	double alpha, threshold;
	const char *repo;
};

/* All BUILD OPTIONS, as --help shows them; --force is refused (see
 * track_option).
 */
/* clang-format off */
static const struct option track_options[] = {
	RUN_LONG_OPTIONS,
	BUILD_LONG_OPTIONS,
	{ "remote", required_argument, NULL, OPT_REMOTE },
	{ "branch", required_argument, NULL, OPT_BRANCH },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "max-commits", required_argument, NULL, OPT_MAX_COMMITS },
	{ "all-parents", no_argument, NULL, OPT_ALL_PARENTS },
	{ "alpha", required_argument, NULL, OPT_ALPHA },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	COMMON_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};
/* clang-format on */

static int track_option(void *arg_cli, int c, const char *arg)
{
	struct track_cli *cli = arg_cli;

	long v;

	switch (c) {
	case OPT_REMOTE:
		cli->remote = arg;
		return 1;
	case OPT_BRANCH:
		cli->branch = arg;
		return 1;
	case OPT_SINCE:
		cli->since = arg;
		return 1;
	case OPT_MAX_COMMITS:
		if (parse_count("--max-commits", arg, 1, 1000000, &v) == -1)
			return -1;
		cli->max_commits = (size_t)v;
		return 1;
	case OPT_ALL_PARENTS:
		cli->first_parent = false;
		return 1;
	case OPT_NO_COLOR:
		cli->color = false;
		return 1;
	case OPT_FORCE:
		bp_error("track: '--force' is not a track option: track "
			 "measures each commit once (bootperf range --force "
			 "measures commits again)");
		return -1;
	case OPT_ALPHA:
		return cmd_history_alpha(arg, &cli->alpha);
	case OPT_THRESHOLD:
		return cmd_parse_percent("--threshold", arg, &cli->threshold);
	}
	return 0;
}

static void track_cli_init(struct track_cli *cli)
{
	memset(cli, 0, sizeof *cli);
	run_cli_init(&cli->run);
	build_cli_init(&cli->build);
	cli->remote = "origin";
	cli->max_commits = 10;
	cli->first_parent = true;
	cli->alpha = 0.01;
	cli->threshold = 1.0;
	cli->color = cmd_color_default();
}

/* Returns -1 to go on, or the exit status to stop with now. */
static int parse(int argc, char **argv, struct track_cli *cli)
{
	const struct cmd_parser p = {.cmd = "track",
				     .options = track_options,
				     .own = track_option,
				     .cli = cli,
				     .build = &cli->build,
				     .run = &cli->run};
	int r;

	track_cli_init(cli);
	r = cmd_parse_options(&p, argc, argv);
	if (r != -1)
		return r;
	if (argc - optind > 1)
		return cmd_extra_operand("track", argv[optind + 1], "one REPO");
	if (argc - optind != 1) {
		bp_error("track needs REPO, e.g. 'bootperf track --preset qemu "
			 "~/src/qemu'");
		return BP_EXIT_USAGE;
	}
	cli->repo = argv[optind];
	if (cli->run.json)
		cli->run.run.progress = false;
	if (run_cli_finish(&cli->run) == -1)
		return BP_EXIT_USAGE;
	return -1;
}

/* Everything one night needs, owned here. */
struct track_run {
	struct track_cli *cli;
	struct walk_repo *repo;
	struct measurer m;
	struct track_state old; /* the previous run's, when it applies */
	bool have_old;
	bool switched; /* old is of another remote or branch */
	struct walk_fetch_result fetched;
	char *fetch_error; /* this run's fetch failure, or NULL */
	struct walk_list list;
	struct history h;
	size_t newest_old; /* the newest commit measured before this run */
	size_t measured;   /* commits measured by this run */
	size_t planned;	   /* at most: --max-commits, or fewer missing */
	size_t current;
	double started;
	bool searched; /* h's change points are of its results as they are */
};

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* The previous run's state, unless it followed another branch. */
static int load_state(struct track_run *tr)
{
	const struct track_cli *cli = tr->cli;
	int r = store_get_track(tr->m.store, tr->m.config_id, &tr->old);

	if (r == -1)
		bp_warning("starting the tracked history afresh (results are "
			   "kept)");
	if (r != 0)
		return BP_EXIT_OK;
	if (!same(tr->old.remote, cli->remote) ||
	    (cli->branch && !same(tr->old.branch, cli->branch))) {
		/* Said once the new branch is fetched (see fetch). */
		tr->switched = true;
		return BP_EXIT_OK;
	}
	if (tr->old.first_parent != cli->first_parent)
		bp_warning("store '%s' tracked %s before; the history now "
			   "follows %s, and its change points may move (%s "
			   "to go back)",
			   store_dir(tr->m.store),
			   tr->old.first_parent ? "first parents only"
						: "all parents",
			   cli->first_parent ? "first parents only"
					     : "merged side branches too",
			   cli->first_parent ? "--all-parents"
					     : "run without --all-parents");
	tr->have_old = true;
	return BP_EXIT_OK;
}

/* A failed fetch is survived with what an earlier fetch left. */
static int fetch(struct track_run *tr)
{
	const struct track_cli *cli = tr->cli;
	const char *branch = cli->branch    ? cli->branch
			     : tr->have_old ? tr->old.branch
					    : NULL;

	enum walk_error kind;

	if (walk_fetch(&tr->fetched, tr->repo, cli->remote, branch) == 0)
		return BP_EXIT_OK;
	kind = walk_last_error();
	if (kind != WALK_ERR_FETCH && kind != WALK_ERR_REVISION)
		return cmd_walk_exit();
	/* An unknown remote or branch (17), or a failed fetch (15), when
	 * no earlier fetch left a tip: the message said it all.
	 */
	walk_fetch_result_free(&tr->fetched);
	if (walk_fetched_tip(&tr->fetched, tr->repo, cli->remote, branch) == -1)
		return cmd_walk_exit();
	tr->fetch_error = bp_strdup(walk_last_message());
	bp_warning("tracking what was fetched before: %s at %.12s",
		   tr->fetched.ref, tr->fetched.tip);
	if (!tr->fetched.url && tr->have_old && tr->old.url)
		tr->fetched.url = bp_strdup(tr->old.url);
	return BP_EXIT_OK;
}

static int walk(struct track_run *tr)
{
	const struct track_cli *cli = tr->cli;
	const char *start = cli->since	   ? cli->since
			    : tr->have_old ? tr->old.start
					   : NULL;
	bool rewritten = false;
	struct walk_commit since;

	/* --since must name a commit; a start of the last run's may have
	 * gone with a force-push.
	 */
	if (cli->since) {
		if (walk_resolve(&since, tr->repo, cli->since) == -1)
			return cmd_walk_exit();
		walk_commit_clear(&since);
	}
	if (walk_history(&tr->list, tr->repo, tr->fetched.tip, start,
			 cli->max_commits, cli->first_parent, &rewritten) == -1)
		return cmd_walk_exit();
	if (rewritten && cli->since)
		bp_warning("--since '%s' is not in the history of %s; "
			   "tracking from %.12s, where they meet",
			   cli->since, tr->fetched.branch,
			   tr->list.n ? tr->list.v[0].id : "?");
	else if (rewritten && start)
		bp_warning("the history of %s was rewritten (force-pushed?): "
			   "'%.12s' is no longer in it; tracking from %.12s "
			   "(results of the old commits are kept)",
			   tr->fetched.branch, start,
			   tr->list.n ? tr->list.v[0].id : "?");
	memcpy(tr->h.r.config_id, tr->m.config_id, sizeof tr->h.r.config_id);
	cmd_history_from_walk(&tr->h, &tr->list);
	if (cmd_history_load_checked(&tr->h, tr->m.store) == -2)
		return BP_EXIT_STORE;
	tr->newest_old = history_newest_measured(&tr->h);
	return BP_EXIT_OK;
}

static void progress(void *arg, const struct commit_result *res,
		     const char *what)
{
	const struct track_run *tr = arg;
	const struct range_entry *e = &tr->h.r.v[tr->current];

	(void)res; /* the commit under way is tr->current */
	if (tr->cli->run.run.progress)
		bp_note("[%zu/%zu] %s: %s (%.0fs elapsed)", tr->measured + 1,
			tr->planned, e->short_id, what,
			now_monotonic() - tr->started);
}

static const char *why_text(enum history_why why)
{
	switch (why) {
	case HISTORY_NARROW:
		return "inside a change point";
	case HISTORY_NEW:
		return "new";
	case HISTORY_GAP:
		break;
	}
	return "filling a gap";
}

static int measure_one(struct track_run *tr, size_t i, enum history_why why)
{
	struct range_entry *e = &tr->h.r.v[i];
	int r;

	tr->current = i;
	if (tr->cli->run.run.progress)
		bp_note("measuring %s %s (%s)", e->short_id, e->res.subject,
			why_text(why));
	r = measurer_measure(&tr->m, &e->res);
	if (r != BP_EXIT_OK)
		return r;
	e->missing = false;
	tr->measured++;
	/* The commits after it are annotated again at the end (finish). */
	range_annotate_one(&tr->h.r, i);
	if (!tr->cli->run.json) {
		report_range_entry_text(stdout, &tr->h.r, i, tr->cli->color);
		fflush(stdout);
	}
	return BP_EXIT_OK;
}

/* The change points are searched for again after each commit measured
 * while the history is no longer than one window of the search (a
 * step found tonight is narrowed tonight, and the search is cheap).
 * A longer one is searched once before the first commit and once at
 * the end (finish): in between, each commit measured only narrows its
 * change point (history_measured).
 */
static bool search_each_commit(const struct track_run *tr)
{
	size_t ok, failed, missing;

	history_counts(&tr->h, &ok, &failed, &missing);
	return ok <= tr->h.cpo.window;
}

/* Up to --max-commits. */
static int measure_all(struct track_run *tr)
{
	enum history_why why;
	size_t ok, failed, missing;
	int r = BP_EXIT_OK;
	bool first = true;

	history_counts(&tr->h, &ok, &failed, &missing);
	tr->planned =
	    missing < tr->cli->max_commits ? missing : tr->cli->max_commits;
	while (r == BP_EXIT_OK && tr->measured < tr->cli->max_commits) {
		size_t i;

		if (first || search_each_commit(tr)) {
			if (history_detect(&tr->h) == -1)
				return BP_EXIT_FAILURE;
			tr->searched = true;
			first = false;
		}
		i = history_next(&tr->h, tr->newest_old, &why);
		if (i == SIZE_MAX)
			break;
		r = measure_one(tr, i, why);
		if (r == BP_EXIT_OK)
			history_measured(&tr->h, i);
		tr->searched = false;
	}
	return r;
}

static void header(const struct track_run *tr)
{
	const struct walk_fetch_result *f = &tr->fetched;
	size_t ok, failed, missing;

	if (tr->cli->run.json)
		return;
	char *branch = bp_printable(f->branch);
	char *remote = bp_printable(tr->cli->remote);
	char *url = f->url ? bp_printable(f->url) : NULL;

	history_counts(&tr->h, &ok, &failed, &missing);
	printf("Tracking %s of %s%s%s%s: %zu commits up to %.12s, %zu not "
	       "measured yet\n",
	       branch, remote, url ? " (" : "", url ? url : "", url ? ")" : "",
	       tr->h.r.n, f->tip, missing);
	free(branch);
	free(remote);
	free(url);
	if (missing && tr->cli->max_commits < missing)
		printf("Measuring %zu of them tonight\n", tr->cli->max_commits);
	putchar('\n');
	fflush(stdout);
}

/* A state that cannot be written is an error (exit 16, so that cron
 * mails it): the next run would start afresh and forget what it saw.
 */
static int save_state(struct track_run *tr, double now)
{
	int r = BP_EXIT_OK;
	struct track_state s = {0};
	char *workdir = walk_repo_workdir(tr->repo);

	memcpy(s.config_id, tr->m.config_id, sizeof s.config_id);
	s.repo = workdir ? workdir : bp_strdup(walk_repo_commondir(tr->repo));
	s.remote = bp_strdup(tr->cli->remote);
	s.url = bp_strdup(tr->fetched.url);
	s.branch = bp_strdup(tr->fetched.branch);
	s.start = bp_strdup(tr->list.n ? tr->list.v[0].id : NULL);
	s.tip = bp_strdup(tr->fetched.tip);
	s.fetch_error = bp_strdup(tr->fetch_error);
	s.first_parent = tr->cli->first_parent;
	s.alpha = tr->cli->alpha;
	s.threshold = tr->cli->threshold;
	s.updated = now;
	s.history = bp_malloc((tr->list.n + 1) * sizeof *s.history);
	for (size_t i = 0; i < tr->list.n; i++, s.n_history++) {
		memcpy(s.history[i].id, tr->list.v[i].id, 41);
		s.history[i].subject = bp_strdup(tr->list.v[i].subject);
		s.history[i].has_base = true;
		if (tr->list.v[i].base)
			memcpy(s.history[i].base,
			       tr->list.v[tr->list.v[i].base - 1].id, 41);
	}
	s.changes = bp_malloc((tr->h.n_cp + 1) * sizeof *s.changes);
	for (size_t i = 0; i < tr->h.n_cp; i++, s.n_changes++) {
		const struct change_point *c = &tr->h.cp[i];
		struct known_change *k = &s.changes[i];

		memcpy(k->before, tr->h.r.v[c->before].res.commit_id, 41);
		memcpy(k->after, tr->h.r.v[c->after].res.commit_id, 41);
		k->regression = c->percent > 0;
		k->first_seen = c->first_seen;
		k->ack = bp_strdup(c->ack);
		k->ack_commit = bp_strdup(c->ack_commit);
	}
	if (store_put_track(tr->m.store, &s) == -1) {
		bp_warning("the track state was not saved: the next run "
			   "starts afresh (results are kept)");
		r = BP_EXIT_FAILURE;
	}
	track_state_free(&s);
	return r;
}

static void footer(const struct track_run *tr, bool unsaved)
{
	struct report_meta m = {0};
	size_t ok, failed, missing;

	m.remote = tr->cli->remote;
	m.url = tr->fetched.url;
	m.branch = tr->fetched.branch;
	m.fetch_error = tr->fetch_error;
	m.updated = now_realtime();
	if (tr->cli->run.json) {
		if (report_history_json(stdout, &tr->h, &m) == -1)
			bp_error("out of memory writing JSON");
		return;
	}
	history_counts(&tr->h, &ok, &failed, &missing);
	printf("\n%zu commits: %zu measured, %zu failed, %zu not measured; "
	       "this run measured %zu (%zu builds, %zu passes)\n",
	       tr->h.r.n, ok, failed, missing, tr->measured, tr->m.builds,
	       tr->m.boots);
	report_change_points_text(stdout, &tr->h, tr->cli->color);
	if (tr->fetch_error) {
		fputs("The fetch failed (", stdout);
		bp_put_printable(stdout, tr->fetch_error);
		fputs("); what was fetched before was tracked\n", stdout);
	}
	if (history_alert(&tr->h))
		printf("A regression is not acknowledged (bootperf ack "
		       "COMMIT --note TEXT)%s\n",
		       unsaved ? "" : ": exit status 1");
	else
		printf("No unacknowledged regression.\n");
}

/* track's own exit statuses: 1 is a regression, never a failure. */
static int exit_status(const struct track_run *tr, int r)
{
	if (r == BP_EXIT_FAILURE)
		return BP_EXIT_TRACK_FAILURE;
	if (r != BP_EXIT_OK)
		return r;
	if (history_alert(&tr->h))
		return TRACK_EXIT_REGRESSION;
	return tr->fetch_error ? BP_EXIT_FETCH : BP_EXIT_OK;
}

static int finish(struct track_run *tr, int r)
{
	double now = now_realtime();
	int saved;

	range_annotate(&tr->h.r);
	if (!tr->searched && history_detect(&tr->h) == -1)
		return BP_EXIT_FAILURE;
	cmd_history_mark(&tr->h, tr->m.store, tr->have_old ? &tr->old : NULL,
			 now);
	saved = save_state(tr, now);
	footer(tr, saved != BP_EXIT_OK);
	return r == BP_EXIT_OK ? saved : r;
}

static int track(struct track_run *tr)
{
	int r;

	if (walk_repo_open(&tr->repo, tr->cli->repo) == -1)
		return BP_EXIT_REPO;
	tr->m.build = &tr->cli->build;
	tr->m.run = &tr->cli->run;
	tr->m.progress = progress;
	tr->m.progress_arg = tr;
	r = measurer_open(&tr->m, tr->repo, "");
	if (r == BP_EXIT_OK)
		r = load_state(tr);
	if (r == BP_EXIT_OK)
		r = fetch(tr);
	if (r == BP_EXIT_OK && tr->switched)
		bp_warning("store '%s' tracked %s of %s before; now %s of %s, "
			   "from scratch (results are kept)",
			   store_dir(tr->m.store), tr->old.branch,
			   tr->old.remote, tr->fetched.branch, tr->cli->remote);
	if (r == BP_EXIT_OK)
		r = walk(tr);
	if (r != BP_EXIT_OK)
		return r;
	header(tr);
	r = measure_all(tr);
	if (r == BP_EXIT_OK || r == BP_EXIT_INTERRUPTED)
		r = finish(tr, r);
	return r;
}

int cmd_track(int argc, char **argv)
{
	struct track_cli cli;
	struct track_run tr = {.cli = &cli};
	int r = parse(argc, argv, &cli);

	if (r != -1) {
		build_cli_free(&cli.build);
		return r;
	}
	runner_signals_init();
	tr.started = now_monotonic();
	cmd_history_init(&tr.h, cli.alpha, cli.threshold);
	cmd_history_warn_runs(&tr.h, cli.run.run.runs);
	r = track(&tr);
	r = exit_status(&tr, r);
	history_free(&tr.h);
	walk_list_free(&tr.list);
	walk_fetch_result_free(&tr.fetched);
	free(tr.fetch_error);
	track_state_free(&tr.old);
	measurer_close(&tr.m);
	walk_repo_free(tr.repo);
	build_cli_free(&cli.build);
	return r;
}
