/* bootperf range - walk a commit range, build each commit in bootperf's
 * own worktree, benchmark it, store every result and annotate the
 * commits whose boot time changed significantly.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bisect.h"
#include "cmd.h"
#include "reports.h"

/* Default build command and artifacts for the trees bootperf knows. */
struct preset {
	const char *name;
	const char *build;
	const char *hv_artifact;
	const char *kernel_artifact;
};

static const struct preset presets[] = {
    {
	.name = "qemu",
	.build = "mkdir -p build && cd build && "
		 "{ test -e config.status || ../configure "
		 "--target-list=x86_64-softmmu --disable-docs "
		 "--disable-tools; } && make -j\"$(nproc)\"",
	.hv_artifact = "build/qemu-system-x86_64",
    },
    {
	.name = "kernel",
	.build = "{ test -e .config || { make defconfig && "
		 "scripts/config -e VIRTIO -e VIRTIO_PCI -e VIRTIO_BLK "
		 "-e SCSI_VIRTIO -e VIRTIO_CONSOLE -e VIRTIO_NET "
		 "-e HW_RANDOM_VIRTIO -e EXT4_FS && "
		 "make olddefconfig; }; } && "
		 "make -j\"$(nproc)\" bzImage",
	.kernel_artifact = "arch/x86/boot/bzImage",
    },
};

struct range_cli {
	struct run_cli run;
	struct walk_options walk;
	const char *build;
	const char *hv_artifact;
	const char *kernel_artifact;
	const char **qemu_args; /* --qemu-arg, in order */
	size_t n_qemu_args;
	const char *store_dir;
	double build_timeout_s;
	double alpha;
	double threshold;
	enum stats_method method;
	enum {
		INTERLEAVE_NONE,
		INTERLEAVE_ALTERNATE,
		INTERLEAVE_RANDOM
	} interleave;
	unsigned seed;
	bool force;
	bool color;
	const char *repo;
	const char *range;
};

/* clang-format off */
static const struct option range_options[] = {
	RUN_LONG_OPTIONS,
	{ "preset", required_argument, NULL, OPT_PRESET },
	{ "build", required_argument, NULL, OPT_BUILD },
	{ "hv-artifact", required_argument, NULL, OPT_HV_ARTIFACT },
	{ "kernel-artifact", required_argument, NULL, OPT_KERNEL_ARTIFACT },
	{ "qemu-arg", required_argument, NULL, OPT_QEMU_ARG },
	{ "build-timeout", required_argument, NULL, OPT_BUILD_TIMEOUT },
	{ "first-parent", no_argument, NULL, OPT_FIRST_PARENT },
	{ "store", required_argument, NULL, OPT_STORE },
	{ "force", no_argument, NULL, OPT_FORCE },
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

static int apply_preset(struct range_cli *cli, const char *name)
{
	for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
		if (strcmp(presets[i].name, name) != 0)
			continue;
		cli->build = presets[i].build;
		cli->hv_artifact = presets[i].hv_artifact;
		cli->kernel_artifact = presets[i].kernel_artifact;
		return 1;
	}
	bp_error("--preset: '%s' is not one of qemu, kernel", name);
	return -1;
}

static int parse_fraction(const char *opt, const char *arg, double min,
			  double max, double *out)
{
	char *end = NULL;
	double v = strtod(arg, &end);

	if (end == arg || *end || !(v > min && v < max)) {
		bp_error("%s: '%s' is not a number above %g and below %g", opt,
			 arg, min, max);
		return -1;
	}
	*out = v;
	return 1;
}

static int parse_test(struct range_cli *cli, const char *arg)
{
	if (!strcmp(arg, "mann-whitney"))
		cli->method = STATS_MANN_WHITNEY;
	else if (!strcmp(arg, "welch"))
		cli->method = STATS_WELCH;
	else {
		bp_error("--test: '%s' is not one of mann-whitney, welch", arg);
		return -1;
	}
	return 1;
}

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

static int parse_size(const char *opt, const char *arg, size_t *out)
{
	long v;

	if (parse_count(opt, arg, 1, 1000000, &v) == -1)
		return -1;
	*out = (size_t)v;
	return 1;
}

/* Options of range itself: 1 taken, 0 not ours, -1 bad value. */
static int range_option(struct range_cli *cli, int c, const char *arg)
{
	switch (c) {
	case OPT_PRESET:
		return apply_preset(cli, arg);
	case OPT_BUILD:
		cli->build = arg;
		return 1;
	case OPT_HV_ARTIFACT:
		cli->hv_artifact = arg;
		return 1;
	case OPT_KERNEL_ARTIFACT:
		cli->kernel_artifact = arg;
		return 1;
	case OPT_QEMU_ARG:
		cli->qemu_args =
		    realloc(cli->qemu_args,
			    (cli->n_qemu_args + 1) * sizeof *cli->qemu_args);
		if (!cli->qemu_args)
			abort();
		cli->qemu_args[cli->n_qemu_args++] = arg;
		return 1;
	case OPT_BUILD_TIMEOUT:
		return parse_seconds("--build-timeout", arg,
				     &cli->build_timeout_s)
			   ? -1
			   : 1;
	case OPT_FIRST_PARENT:
		cli->walk.first_parent = true;
		return 1;
	case OPT_STORE:
		cli->store_dir = arg;
		return 1;
	case OPT_FORCE:
		cli->force = true;
		return 1;
	case OPT_NO_COLOR:
		cli->color = false;
		return 1;
	case OPT_MAX_COMMITS:
		return parse_size("--max-commits", arg, &cli->walk.max_commits);
	case OPT_EVERY:
		return parse_size("--every", arg, &cli->walk.every);
	case OPT_ALPHA:
		return parse_fraction("--alpha", arg, 0, 1, &cli->alpha);
	case OPT_THRESHOLD:
		return parse_fraction("--threshold", arg, -1e-9, 1e6,
				      &cli->threshold);
	case OPT_TEST:
		return parse_test(cli, arg);
	case OPT_INTERLEAVE:
		return parse_interleave(cli, arg);
	}
	return 0;
}

static void range_cli_init(struct range_cli *cli)
{
	const char *no_color = getenv("NO_COLOR");
	struct walk_options walk = WALK_OPTIONS_INIT;

	memset(cli, 0, sizeof *cli);
	run_cli_init(&cli->run);
	cli->walk = walk;
	cli->build_timeout_s = 7200;
	cli->alpha = 0.01;
	cli->threshold = 1.0;
	cli->method = STATS_MANN_WHITNEY;
	cli->color = isatty(STDOUT_FILENO) && !(no_color && *no_color);
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
	int c, r;

	range_cli_init(cli);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", range_options, NULL)) != -1) {
		if (c == '?' || c == ':')
			return cmd_bad_option("range", c, argv);
		r = cmd_common_option("range", c, range_options);
		if (r >= 0)
			return r;
		r = range_option(cli, c, optarg);
		if (r == 0)
			r = run_cli_parse(&cli->run, c, optarg);
		if (r == -1)
			return BP_EXIT_USAGE;
	}
	if (argc - optind != 2) {
		bp_error("range needs REPO and RANGE, e.g. 'bootperf range "
			 "~/src/qemu v8.0.0..v8.1.0'");
		return cmd_usage_error("range");
	}
	cli->repo = argv[optind];
	cli->range = argv[optind + 1];
	if (cli->run.json)
		cli->run.run.progress = false;
	if (run_cli_finish(&cli->run) == -1)
		return BP_EXIT_USAGE;
	warn_few_runs(cli);
	return -1;
}

/* Everything one run of the range needs, owned here. */
struct range_run {
	struct range_cli *cli;
	struct walk_repo *repo;
	struct walk_list commits;
	struct store *store;
	char *worktree[2]; /* the second only with --interleave */
	char built[2][41]; /* the commit built in each, "" when unknown */
	struct range_report report;
	double started;
};

static int open_repo_and_walk(struct range_run *rr)
{
	struct range_cli *cli = rr->cli;
	enum walk_error kind;

	if (walk_repo_open(&rr->repo, cli->repo) == 0 &&
	    walk_range(&rr->commits, rr->repo, cli->range, &cli->walk) == 0)
		return BP_EXIT_OK;
	kind = walk_last_error();
	if (kind == WALK_ERR_EMPTY)
		return BP_EXIT_EMPTY_RANGE;
	if (kind == WALK_ERR_REPO || kind == WALK_ERR_REVISION)
		return BP_EXIT_REPO;
	return BP_EXIT_FAILURE;
}

static int open_store(struct range_run *rr)
{
	char *dir =
	    rr->cli->store_dir
		? bp_strdup(rr->cli->store_dir)
		: bp_asprintf("%s/bootperf", walk_repo_commondir(rr->repo));
	int r = store_open(&rr->store, dir);

	free(dir);
	if (r == 0)
		r = store_lock(rr->store, false);
	if (r != 0)
		return BP_EXIT_STORE;
	rr->worktree[0] = store_worktree_path(rr->store);
	rr->worktree[1] = bp_asprintf("%s-2", rr->worktree[0]);
	return BP_EXIT_OK;
}

/* One shell word: 'it'\''s' - the wrapper must pass each argument as is. */
static void put_quoted(FILE *fp, const char *s)
{
	fputc('\'', fp);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", fp);
		else
			fputc(*s, fp);
	fputc('\'', fp);
}

/* --qemu-arg values with {worktree} expanded, each quoted, in order. */
static void put_qemu_args(FILE *fp, const struct range_cli *cli,
			  const char *worktree)
{
	for (size_t i = 0; i < cli->n_qemu_args; i++) {
		const char *a = cli->qemu_args[i], *p;
		char *expanded = NULL;

		while (worktree && (p = strstr(a, "{worktree}"))) {
			char *next = bp_asprintf("%.*s%s%s", (int)(p - a), a,
						 worktree, p + 10);

			free(expanded);
			a = expanded = next;
		}
		fputc(' ', fp);
		put_quoted(fp, a);
		free(expanded);
	}
}

static char *join_qemu_args(const struct range_cli *cli)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (!fp)
		abort();
	put_qemu_args(fp, cli, NULL);
	fclose(fp);
	return buf;
}

/* Everything that changes the number, in a fixed order: results under
 * another configuration are kept apart, never compared.
 */
static int config_id(struct range_run *rr)
{
	const struct range_cli *cli = rr->cli;
	const struct run_options *o = &cli->run.run;
	char *args = join_qemu_args(cli);
	char *text = bp_asprintf(
	    "bootperf-config 1\nrunner %s\ncommand %s\nbuild %s\n"
	    "hv-artifact %s\nkernel-artifact %s\nhv %s\nkernel %s\n"
	    "modules %s\nruns %ld\nwarmup %ld\nsmp %d\nmemsize %d\n"
	    "append %s\naccel %s\nqemu-args %s\ninterleave %d\n",
	    cli->run.runner->name, o->command ? o->command : "",
	    cli->build ? cli->build : "",
	    cli->hv_artifact ? cli->hv_artifact : "",
	    cli->kernel_artifact ? cli->kernel_artifact : "",
	    o->hv ? o->hv : "", o->kernel ? o->kernel : "",
	    o->modules ? o->modules : "", o->runs, o->warmup, o->smp,
	    o->memsize, o->append ? o->append : "", accel_name(o->accel), args,
	    cli->interleave != INTERLEAVE_NONE);
	int r = walk_hash_string(rr->report.config_id, text);

	free(args);
	free(text);
	return r == 0 ? BP_EXIT_OK : BP_EXIT_FAILURE;
}

static void progress(const struct range_run *rr, size_t i, const char *what)
{
	double elapsed = now_monotonic() - rr->started;
	double eta =
	    i > 0 ? elapsed / (double)i * (double)(rr->commits.n - i) : NAN;

	if (!rr->cli->run.run.progress)
		return;
	if (isnan(eta))
		bp_note("[%zu/%zu] %s: %s (%.0fs elapsed)", i + 1,
			rr->commits.n, rr->commits.v[i].short_id, what,
			elapsed);
	else
		bp_note("[%zu/%zu] %s: %s (%.0fs elapsed, about %.0fs left)",
			i + 1, rr->commits.n, rr->commits.v[i].short_id, what,
			elapsed, eta);
}

static char *artifact(const char *wt, const char *rel)
{
	return rel ? bp_asprintf("%s/%s", wt, rel) : NULL;
}

/* Check out and build commit id in worktree w.  Returns BP_EXIT_OK with
 * *built false when the build failed (recorded in res), or a bp_exit
 * code to stop with.
 */
static int build_commit(struct range_run *rr, size_t i, int w,
			struct commit_result *res, bool *built)
{
	struct build_options b = {
	    .command = rr->cli->build,
	    .worktree = rr->worktree[w],
	    .timeout_s = rr->cli->build_timeout_s,
	};
	enum sample_status st;
	char msg[600];

	res->build_s = NAN;
	*built = false;
	rr->built[w][0] = '\0';
	if (walk_worktree_checkout(rr->repo, rr->worktree[w], res->commit_id) ==
	    -1)
		return BP_EXIT_FAILURE;
	*built = true;
	if (!b.command)
		goto done;
	free(res->log_path);
	res->log_path = store_log_path(rr->store, res->commit_id);
	b.log_path = res->log_path;
	progress(rr, i, "building");
	rr->report.builds++;
	st = runner_build(&b, &res->build_s, msg, sizeof msg);
	if (st == SAMPLE_OK)
		goto done;
	*built = false;
	if (st == SAMPLE_INTERRUPTED)
		return BP_EXIT_INTERRUPTED;
	if (strstr(msg, "not found (exit 127)") && rr->report.builds == 1) {
		bp_error("--build: the build command was not found in the "
			 "first commit: %s; see the log '%s'",
			 rr->cli->build, res->log_path);
		return BP_EXIT_BUILD_CMD;
	}
	res->status = COMMIT_BUILD_FAILED;
	res->message = bp_strdup(msg);
	return BP_EXIT_OK;
done:
	snprintf(rr->built[w], sizeof rr->built[w], "%s", res->commit_id);
	return BP_EXIT_OK;
}

/* Artifacts the build should have produced. */
static int check_artifacts(const struct range_run *rr,
			   struct commit_result *res, char *hv, char *kernel)
{
	const char *missing = NULL;

	if (hv && access(hv, X_OK) == -1)
		missing = rr->cli->hv_artifact;
	else if (kernel && access(kernel, R_OK) == -1)
		missing = rr->cli->kernel_artifact;
	if (!missing)
		return 0;
	res->status = COMMIT_BUILD_FAILED;
	res->message = bp_asprintf("the build did not produce '%s' (see "
				   "--hv-artifact, --kernel-artifact)",
				   missing);
	return 1;
}

/* --qemu-arg: a wrapper script in the store that runs the commit's qemu
 * with the extra arguments.  It names the commit, so it changes with
 * every commit and libguestfs never reuses another qemu's probes.
 */
static char *write_wrapper(const struct range_run *rr, const char *wt,
			   const char *commit_id, const char *hv)
{
	char *path = bp_asprintf("%s/qemu-wrapper-%.12s", store_dir(rr->store),
				 commit_id);
	FILE *fp;
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0700);
	fp = fd == -1 ? NULL : fdopen(fd, "w");
	if (!fp) {
		bp_error("cannot write '%s': %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		free(path);
		return NULL;
	}
	fprintf(fp, "#!/bin/sh\n# bootperf --qemu-arg wrapper for %s\nexec ",
		commit_id);
	put_quoted(fp, hv ? hv : "qemu-system-x86_64");
	put_qemu_args(fp, rr->cli, wt);
	fputs(" \"$@\"\n", fp);
	if (fclose(fp) != 0) {
		bp_error("cannot write '%s': %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	return path;
}

/* The run options of a commit built in worktree w.  Owns hv, kernel. */
struct prepared {
	struct run_options o;
	char *hv;
	char *kernel;
};

/* Returns BP_EXIT_OK with *ready false when the artifacts are missing
 * (recorded in res), or a bp_exit code to stop with.
 */
static int prepare(struct range_run *rr, int w, struct commit_result *res,
		   struct prepared *p, bool *ready)
{
	const char *wt = rr->worktree[w];

	p->o = rr->cli->run.run;
	p->hv = artifact(wt, rr->cli->hv_artifact);
	p->kernel = artifact(wt, rr->cli->kernel_artifact);
	*ready = !check_artifacts(rr, res, p->hv, p->kernel);
	if (!*ready)
		return BP_EXIT_OK;
	p->o.hv = p->hv ? p->hv : p->o.hv;
	if (rr->cli->n_qemu_args) {
		char *wrapper = write_wrapper(rr, wt, res->commit_id, p->o.hv);

		if (!wrapper)
			return BP_EXIT_STORE;
		free(p->hv);
		p->o.hv = p->hv = wrapper;
	}
	p->o.kernel = p->kernel ? p->kernel : p->o.kernel;
	p->o.worktree = wt;
	p->o.progress = false;
	p->o.discard_cache = p->hv || p->kernel;
	return BP_EXIT_OK;
}

static void prepared_free(struct prepared *p)
{
	free(p->hv);
	free(p->kernel);
}

/* Record how the passes ended.  Returns BP_EXIT_OK, or the bp_exit code
 * to stop with (interrupted, or a setup error every commit would hit).
 */
static int record(struct range_run *rr, struct commit_result *res, int r,
		  enum sample_status st)
{
	rr->report.boots += res->bench.n_warmup + res->bench.n_samples;
	if (st == SAMPLE_INTERRUPTED || (r != BP_EXIT_OK && st == SAMPLE_OK))
		return r;
	if (st == SAMPLE_OK)
		res->status = COMMIT_OK;
	else {
		res->status =
		    st == SAMPLE_TIMEOUT ? COMMIT_TIMEOUT : COMMIT_BOOT_FAILED;
		res->message = bp_strdup(res->bench.message);
	}
	return BP_EXIT_OK;
}

/* Benchmark the commit built in worktree w on its own. */
static int bench_commit(struct range_run *rr, size_t i, int w,
			struct commit_result *res)
{
	struct prepared p = {0};
	enum sample_status st;
	bool ready;
	int r = prepare(rr, w, res, &p, &ready);

	if (r == BP_EXIT_OK && ready) {
		progress(rr, i, "measuring");
		r = runner_bench(rr->cli->run.runner, &p.o, &res->bench, &st);
		r = record(rr, res, r, st);
	}
	prepared_free(&p);
	return r;
}

/* --interleave: passes of the previous commit (a) and this one (b) in
 * turns, A B A B or in random order, so that a slow drift of the
 * machine affects both alike.  The passes of a go with b's result.
 */
static int take_turns(struct range_run *rr, struct runner_session *a,
		      struct runner_session *b, enum sample_status *st)
{
	const struct run_options *o = &rr->cli->run.run;
	struct runner_session *first, *second;

	for (long i = 1; i <= o->warmup; i++)
		if (runner_session_pass(a, true, i, o->warmup, st) ||
		    runner_session_pass(b, true, i, o->warmup, st))
			return -1;
	for (long i = 1; i <= o->runs; i++) {
		bool swap =
		    rr->cli->interleave == INTERLEAVE_RANDOM && (rand() & 1);

		first = swap ? b : a;
		second = swap ? a : b;
		if (runner_session_pass(first, false, i, o->runs, st) ||
		    runner_session_pass(second, false, i, o->runs, st))
			return -1;
	}
	return 0;
}

static int bench_pair(struct range_run *rr, size_t i, int wa,
		      struct commit_result *a_res, int wb,
		      struct commit_result *res)
{
	struct prepared pa = {0}, pb = {0};
	struct runner_session *a = NULL, *b = NULL;
	enum sample_status st = SAMPLE_OK;
	bool ready_a = false, ready_b = false;
	int r = prepare(rr, wa, a_res, &pa, &ready_a);

	if (r == BP_EXIT_OK)
		r = prepare(rr, wb, res, &pb, &ready_b);
	if (r != BP_EXIT_OK || !ready_a || !ready_b)
		goto out;
	progress(rr, i, "measuring, in turns with the previous commit");
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
	rr->report.boots += a_res->bench.n_warmup + a_res->bench.n_samples;
	if (b)
		r = record(rr, res, r, st);
	prepared_free(&pa);
	prepared_free(&pb);
	return r;
}

/* The previous commit measured in this report, or SIZE_MAX. */
static size_t previous_ok(const struct range_run *rr, size_t i)
{
	while (i-- > 0)
		if (rr->report.v[i].res.status == COMMIT_OK)
			return i;
	return SIZE_MAX;
}

/* Interleaved: the previous commit must be built in the other worktree
 * (it may come from the store, built by an earlier run).
 */
static int measure_in_turns(struct range_run *rr, size_t i, size_t prev,
			    struct range_entry *e, bool *done)
{
	struct commit_result base = {0};
	const char *prev_id = rr->report.v[prev].res.commit_id;
	int wa = !strcmp(rr->built[1], prev_id), wb = !wa;
	bool base_built = true, built = false;
	int r = BP_EXIT_OK;

	*done = false;
	base.commit_id = bp_strdup(prev_id);
	if (strcmp(rr->built[wa], prev_id) != 0)
		r = build_commit(rr, i, wa, &base, &base_built);
	/* A previous commit that no longer builds: measure this one alone. */
	if (r != BP_EXIT_OK || !base_built)
		goto out;
	r = build_commit(rr, i, wb, &e->res, &built);
	*done = true;
	if (r != BP_EXIT_OK || !built)
		goto out;
	r = bench_pair(rr, i, wa, &base, wb, &e->res);
	e->res.baseline_commit = bp_strdup(prev_id);
	e->res.baseline_ms = base.bench.sample_ms;
	e->res.n_baseline = base.bench.n_samples;
	base.bench.sample_ms = NULL;
	base.bench.n_samples = 0;
out:
	commit_result_free(&base);
	return r;
}

static int measure(struct range_run *rr, size_t i, struct range_entry *e)
{
	size_t prev = previous_ok(rr, i);
	bool built, done = false;
	int r = BP_EXIT_OK;

	if (rr->cli->interleave && prev != SIZE_MAX)
		r = measure_in_turns(rr, i, prev, e, &done);
	if (r == BP_EXIT_OK && !done) {
		r = build_commit(rr, i, 0, &e->res, &built);
		if (r == BP_EXIT_OK && built)
			r = bench_commit(rr, i, 0, &e->res);
	}
	if (r != BP_EXIT_OK)
		return r;
	e->res.measured_at = now_realtime();
	return store_put(rr->store, &e->res) == -1 ? BP_EXIT_STORE : 0;
}

/* A result on record for this commit and configuration, unless --force.
 * 1: found, 0: measure it.
 */
static int recall(struct range_run *rr, struct range_entry *e)
{
	struct commit_result stored;
	int r;

	if (rr->cli->force)
		return 0;
	r = store_get(rr->store, rr->report.config_id, e->res.commit_id,
		      &stored);
	if (r == -1)
		bp_warning("measuring %s again", e->short_id);
	if (r != 0) {
		commit_result_free(&stored);
		return 0;
	}
	commit_result_free(&e->res);
	e->res = stored;
	e->from_store = true;
	return 1;
}

static int one_commit(struct range_run *rr, size_t i)
{
	const struct walk_commit *c = &rr->commits.v[i];
	struct range_entry *e = &rr->report.v[i];
	int r = 0;

	snprintf(e->short_id, sizeof e->short_id, "%s", c->short_id);
	e->res.commit_id = bp_strdup(c->id);
	e->res.subject = bp_strdup(c->subject);
	e->res.config_id = bp_strdup(rr->report.config_id);
	if (!recall(rr, e))
		r = measure(rr, i, e);
	if (r != 0)
		return r;
	rr->report.n = i + 1;
	range_annotate(&rr->report);
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

static void finish(struct range_run *rr)
{
	if (rr->cli->run.json) {
		if (report_range_json(stdout, &rr->report) == -1)
			bp_error("out of memory writing JSON");
		return;
	}
	report_range_summary_text(stdout, &rr->report);
}

static void range_run_free(struct range_run *rr)
{
	free(rr->cli->qemu_args);
	range_report_free(&rr->report);
	store_close(rr->store);
	walk_list_free(&rr->commits);
	walk_repo_free(rr->repo);
	free(rr->worktree[0]);
	free(rr->worktree[1]);
}

/* The report states how passes were run: drift looks different. */
static const char *how_run(struct range_cli *cli)
{
	static char how[96];

	if (cli->interleave == INTERLEAVE_NONE)
		return "run commit by commit";
	if (cli->interleave == INTERLEAVE_ALTERNATE)
		return "interleaved with the previous commit's (A B A B)";
	cli->seed = (unsigned)now_realtime();
	srand(cli->seed);
	snprintf(how, sizeof how,
		 "interleaved with the previous commit's in random order "
		 "(seed %u)",
		 cli->seed);
	return how;
}

int cmd_range(int argc, char **argv)
{
	struct range_cli cli;
	struct range_run rr = {.cli = &cli};
	int r = parse(argc, argv, &cli);

	if (r != -1) {
		free(cli.qemu_args);
		return r;
	}
	runner_signals_init();
	rr.started = now_monotonic();
	rr.report.repo = cli.repo;
	rr.report.range = cli.range;
	rr.report.alpha = cli.alpha;
	rr.report.threshold = cli.threshold;
	rr.report.method = cli.method;
	rr.report.how = how_run(&cli);
	r = open_repo_and_walk(&rr);
	if (r == BP_EXIT_OK)
		r = open_store(&rr);
	if (r == BP_EXIT_OK)
		r = config_id(&rr);
	if (r == BP_EXIT_OK)
		r = walk_all(&rr);
	if (r == BP_EXIT_OK || r == BP_EXIT_INTERRUPTED)
		finish(&rr);
	range_run_free(&rr);
	return r;
}
