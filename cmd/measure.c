/* bootperf - build and measure one commit in bootperf's own worktree,
 * and keep the result: what range, bisect-run and (later) bisect and
 * track share.  BUILD OPTIONS are parsed here too.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
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

void build_cli_init(struct build_cli *b)
{
	memset(b, 0, sizeof *b);
	b->build_timeout_s = 7200;
}

void build_cli_free(struct build_cli *b)
{
	free(b->qemu_args);
	b->qemu_args = NULL;
	b->n_qemu_args = 0;
}

static int apply_preset(struct build_cli *b, const char *name)
{
	for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
		if (strcmp(presets[i].name, name) != 0)
			continue;
		b->build = presets[i].build;
		b->hv_artifact = presets[i].hv_artifact;
		b->kernel_artifact = presets[i].kernel_artifact;
		return 1;
	}
	bp_error("--preset: '%s' is not one of qemu, kernel", name);
	return -1;
}

static int add_qemu_arg(struct build_cli *b, const char *arg)
{
	const char **v =
	    realloc(b->qemu_args, (b->n_qemu_args + 1) * sizeof *v);

	if (!v) {
		bp_error("out of memory");
		return -1;
	}
	v[b->n_qemu_args++] = arg;
	b->qemu_args = v;
	return 1;
}

int build_cli_parse(struct build_cli *b, int c, const char *arg)
{
	switch (c) {
	case OPT_PRESET:
		return apply_preset(b, arg);
	case OPT_BUILD:
		b->build = arg;
		return 1;
	case OPT_HV_ARTIFACT:
		b->hv_artifact = arg;
		return 1;
	case OPT_KERNEL_ARTIFACT:
		b->kernel_artifact = arg;
		return 1;
	case OPT_QEMU_ARG:
		return add_qemu_arg(b, arg);
	case OPT_BUILD_TIMEOUT:
		return parse_seconds("--build-timeout", arg,
				     &b->build_timeout_s)
			   ? -1
			   : 1;
	case OPT_STORE:
		b->store_dir = arg;
		return 1;
	case OPT_FORCE:
		b->force = true;
		return 1;
	}
	return 0;
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
static void put_qemu_args(FILE *fp, const struct build_cli *b,
			  const char *worktree)
{
	for (size_t i = 0; i < b->n_qemu_args; i++) {
		const char *a = b->qemu_args[i], *p;
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

static char *join_qemu_args(const struct build_cli *b)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (!fp)
		abort();
	put_qemu_args(fp, b, NULL);
	fclose(fp);
	return buf;
}

/* Everything that changes the number, in a fixed order: results under
 * another configuration are kept apart, never compared.  Runs and
 * warm-ups change how precisely it is known, not what it is, so they
 * are left out: a result with fewer passes than asked is topped up, and
 * range, bisect and bisect-run share what any of them measured.
 */
static int config_id(struct measurer *m, const char *extra)
{
	const struct build_cli *b = m->build;
	const struct run_options *o = &m->run->run;
	char *args = join_qemu_args(b);
	char *text = bp_asprintf(
	    "bootperf-config 2\nrunner %s\ncommand %s\nbuild %s\n"
	    "hv-artifact %s\nkernel-artifact %s\nhv %s\nkernel %s\n"
	    "modules %s\nsmp %d\nmemsize %d\n"
	    "append %s\naccel %s\nqemu-args %s\n%s",
	    m->run->runner->name, o->command ? o->command : "",
	    b->build ? b->build : "", b->hv_artifact ? b->hv_artifact : "",
	    b->kernel_artifact ? b->kernel_artifact : "", o->hv ? o->hv : "",
	    o->kernel ? o->kernel : "", o->modules ? o->modules : "", o->smp,
	    o->memsize, o->append ? o->append : "", accel_name(o->accel), args,
	    extra);
	int r = walk_hash_string(m->config_id, text);

	free(args);
	free(text);
	return r == 0 ? BP_EXIT_OK : BP_EXIT_FAILURE;
}

int measurer_open(struct measurer *m, struct walk_repo *repo,
		  const char *config_extra)
{
	const char *dir = m->build->store_dir;
	char *dflt = bp_asprintf("%s/bootperf", walk_repo_commondir(repo));
	int r = store_open(&m->store, dir ? dir : dflt);

	free(dflt);
	m->repo = repo;
	if (r == 0)
		r = store_lock(m->store, false);
	if (r != 0)
		return BP_EXIT_STORE;
	m->worktree[0] = store_worktree_path(m->store);
	m->worktree[1] = bp_asprintf("%s-2", m->worktree[0]);
	if (m->in_place) {
		free(m->worktree[0]);
		m->worktree[0] = bp_strdup(m->in_place);
	}
	return config_id(m, config_extra);
}

void measurer_close(struct measurer *m)
{
	store_close(m->store);
	free(m->worktree[0]);
	free(m->worktree[1]);
	m->store = NULL;
	m->worktree[0] = m->worktree[1] = NULL;
}

static void progress(const struct measurer *m, const char *what)
{
	if (m->progress)
		m->progress(m->progress_arg, what);
}

static char *artifact(const char *wt, const char *rel)
{
	return rel ? bp_asprintf("%s/%s", wt, rel) : NULL;
}

/* A build command that is not there fails every commit alike: stop. */
static int build_failed(struct measurer *m, struct commit_result *res,
			const char *msg)
{
	if (strstr(msg, "command not found (exit 127)") && m->builds == 1) {
		bp_error("--build: the build command was not found in the "
			 "first commit: %s; see the log '%s'",
			 m->build->build, res->log_path);
		return BP_EXIT_BUILD_CMD;
	}
	res->status = COMMIT_BUILD_FAILED;
	free(res->message);
	res->message = bp_strdup(msg);
	return BP_EXIT_OK;
}

int measurer_build(struct measurer *m, int w, struct commit_result *res,
		   bool *built)
{
	struct build_options b = {
	    .command = m->build->build,
	    .worktree = m->worktree[w],
	    .timeout_s = m->build->build_timeout_s,
	};
	enum sample_status st = SAMPLE_OK;
	char msg[600];

	res->build_s = NAN;
	*built = false;
	m->built[w][0] = '\0';
	/* --in-place: git bisect has checked the commit out already. */
	if (!(m->in_place && w == 0) &&
	    walk_worktree_checkout(m->repo, m->worktree[w], res->commit_id) ==
		-1)
		return walk_last_error() == WALK_ERR_DAMAGED ? BP_EXIT_REPO
							     : BP_EXIT_FAILURE;
	if (b.command) {
		free(res->log_path);
		res->log_path = store_log_path(m->store, res->commit_id);
		b.log_path = res->log_path;
		progress(m, "building");
		m->builds++;
		st = runner_build(&b, &res->build_s, msg, sizeof msg);
	}
	if (st == SAMPLE_INTERRUPTED)
		return BP_EXIT_INTERRUPTED;
	if (st != SAMPLE_OK)
		return build_failed(m, res, msg);
	*built = true;
	snprintf(m->built[w], sizeof m->built[w], "%s", res->commit_id);
	return BP_EXIT_OK;
}

/* Artifacts the build should have produced. */
static int check_artifacts(const struct measurer *m, struct commit_result *res,
			   char *hv, char *kernel)
{
	const char *missing = NULL;

	if (hv && access(hv, X_OK) == -1)
		missing = m->build->hv_artifact;
	else if (kernel && access(kernel, R_OK) == -1)
		missing = m->build->kernel_artifact;
	if (!missing)
		return 0;
	res->status = COMMIT_BUILD_FAILED;
	free(res->message);
	res->message = bp_asprintf("the build did not produce '%s' (see "
				   "--hv-artifact, --kernel-artifact)",
				   missing);
	return 1;
}

/* --qemu-arg: a wrapper script in the store that runs the commit's qemu
 * with the extra arguments.  It names the commit, so it changes with
 * every commit and libguestfs never reuses another qemu's probes.
 */
static char *write_wrapper(const struct measurer *m, const char *wt,
			   const char *commit_id, const char *hv)
{
	char *path = bp_asprintf("%s/qemu-wrapper-%.12s", store_dir(m->store),
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
	put_qemu_args(fp, m->build, wt);
	fputs(" \"$@\"\n", fp);
	if (fclose(fp) != 0) {
		bp_error("cannot write '%s': %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	return path;
}

int measurer_prepare(struct measurer *m, int w, struct commit_result *res,
		     struct prepared *p, bool *ready)
{
	const char *wt = m->worktree[w];

	p->o = m->run->run;
	p->hv = artifact(wt, m->build->hv_artifact);
	p->kernel = artifact(wt, m->build->kernel_artifact);
	*ready = !check_artifacts(m, res, p->hv, p->kernel);
	if (!*ready)
		return BP_EXIT_OK;
	p->o.hv = p->hv ? p->hv : p->o.hv;
	if (m->build->n_qemu_args) {
		char *wrapper = write_wrapper(m, wt, res->commit_id, p->o.hv);

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

void prepared_free(struct prepared *p)
{
	free(p->hv);
	free(p->kernel);
}

int measurer_record(struct commit_result *res, int r, enum sample_status st)
{
	if (st == SAMPLE_INTERRUPTED || (r != BP_EXIT_OK && st == SAMPLE_OK))
		return r;
	if (st == SAMPLE_OK)
		res->status = COMMIT_OK;
	else {
		res->status =
		    st == SAMPLE_TIMEOUT ? COMMIT_TIMEOUT : COMMIT_BOOT_FAILED;
		free(res->message);
		res->message = bp_strdup(res->bench.message);
	}
	return BP_EXIT_OK;
}

int measurer_recall(struct measurer *m, struct commit_result *res)
{
	struct commit_result stored;
	int r;

	if (m->build->force)
		return 0;
	r = store_get(m->store, m->config_id, res->commit_id, &stored);
	if (r == -1)
		bp_warning("measuring %.12s again; the new result replaces "
			   "that file",
			   res->commit_id);
	if (r == -2)
		return -1; /* never overwrite a newer bootperf's result */
	if (r != 0) {
		commit_result_free(&stored);
		return 0;
	}
	commit_result_free(res);
	*res = stored;
	return 1;
}

int measurer_save(struct measurer *m, struct commit_result *res)
{
	res->measured_at = now_realtime();
	return store_put(m->store, res) == -1 ? BP_EXIT_STORE : BP_EXIT_OK;
}

/* Stored samples are topped up only when they were measured alike: the
 * config id covers what was asked for, not what auto settled on.
 */
static bool same_setting(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool can_top_up(const struct commit_result *res,
		       const struct bench_env *now)
{
	const struct bench_env *was = &res->bench.env;

	return res->status == COMMIT_OK && res->bench.n_samples > 0 &&
	       same_setting(was->accel, now->accel) &&
	       same_setting(was->hv_version, now->hv_version) &&
	       same_setting(was->host_name, now->host_name);
}

/* Start over: the stored samples cannot be added to. */
static void drop_samples(struct commit_result *res)
{
	bench_result_free(&res->bench);
	memset(&res->bench, 0, sizeof res->bench);
	free(res->message);
	res->message = NULL;
}

/* Warm-ups, then passes until res has want samples or enough says so;
 * every pass goes into res at once, so enough sees it.
 */
static int extend_passes(struct measurer *m, struct runner_session *s,
			 struct bench_result *now, struct commit_result *res,
			 const struct extend_goal *goal, enum sample_status *st)
{
	const struct run_options *o = &m->run->run;
	struct bench_result *b = &res->bench;
	long most = (long)(goal->want - b->n_samples);

	for (long i = 1; i <= o->warmup; i++)
		if (runner_session_pass(s, true, i, o->warmup, st) == -1)
			return -1;
	for (long i = 1; i <= most; i++) {
		if (goal->enough && goal->enough(goal->arg, res))
			break;
		if (runner_session_pass(s, false, i, most, st) == -1)
			return -1;
		if (bench_result_push(&b->sample_ms, &b->n_samples,
				      now->sample_ms[now->n_samples - 1]) ==
		    -1) {
			*st = SAMPLE_ERROR;
			return -1;
		}
	}
	return 0;
}

/* What this session adds to the result kept in res. */
static void extend_merge(struct commit_result *res, struct bench_result *now,
			 bool fresh)
{
	struct bench_result *b = &res->bench;

	for (size_t i = 0; i < now->n_warmup; i++)
		bench_result_push(&b->warmup_ms, &b->n_warmup,
				  now->warmup_ms[i]);
	if (fresh) {
		b->env = now->env;
		memset(&now->env, 0, sizeof now->env);
		b->started = now->started;
	}
	b->status = now->status;
	free(b->message);
	b->message = now->message;
	now->message = NULL;
	b->elapsed_s += now->elapsed_s;
	if (now->maxrss_kb > b->maxrss_kb)
		b->maxrss_kb = now->maxrss_kb;
	if (b->n_samples > 0)
		stats_summarize(&b->summary, b->sample_ms, b->n_samples);
}

static int extend_bench(struct measurer *m, int w, struct commit_result *res,
			struct extend_goal *goal)
{
	struct prepared p = {0};
	struct bench_result now = {0};
	struct runner_session *s = NULL;
	enum sample_status st = SAMPLE_OK;
	bool ready, fresh = true;
	int r = measurer_prepare(m, w, res, &p, &ready);

	if (r != BP_EXIT_OK || !ready)
		goto out;
	progress(m, "measuring");
	r = runner_session_open(&s, m->run->runner, &p.o, &now);
	fresh = !can_top_up(res, &now.env);
	if (fresh)
		drop_samples(res);
	if (r == BP_EXIT_OK && extend_passes(m, s, &now, res, goal, &st) == -1)
		r = sample_status_exit(st);
	runner_session_close(s, st);
	m->boots += now.n_warmup + now.n_samples;
	goal->measured += now.n_samples;
	extend_merge(res, &now, fresh);
	r = measurer_record(res, r, st);
out:
	bench_result_free(&now);
	prepared_free(&p);
	return r;
}

int measurer_extend(struct measurer *m, int w, struct commit_result *res,
		    struct extend_goal *goal)
{
	bool built = !strcmp(m->built[w], res->commit_id);
	int r = BP_EXIT_OK;

	if (res->bench.n_samples >= goal->want ||
	    (goal->enough && res->bench.n_samples > 0 &&
	     goal->enough(goal->arg, res)))
		return BP_EXIT_OK;
	if (!built)
		r = measurer_build(m, w, res, &built);
	if (r == BP_EXIT_OK && built)
		r = extend_bench(m, w, res, goal);
	return r == BP_EXIT_OK ? measurer_save(m, res) : r;
}

int measurer_measure(struct measurer *m, struct commit_result *res)
{
	struct extend_goal goal = {.want = (size_t)m->run->run.runs};

	return measurer_extend(m, 0, res, &goal);
}
