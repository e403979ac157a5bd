/* bootperf - build one commit in bootperf's own worktree, make its
 * run options, and keep its result: what range, bisect, bisect-run and
 * track share.  Its passes are taken in extend.c.
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
#include "store.h"

/* --qemu-arg's, then the preset's. */
static struct qemu_args qemu_args_of(const struct build_cli *b)
{
	return (struct qemu_args){.user = b->qemu_args,
				  .n_user = b->n_qemu_args,
				  .preset =
				      b->preset ? b->preset->qemu_args : NULL};
}

/* STORE/configs/ID.txt: the text the configuration id hashes, for
 * report to say what sets configurations apart (the --config file's
 * contents are left out: only that one was given).  Written once.
 */
static void config_describe(struct measurer *m, const char *text,
			    const char *kernel_config)
{
	char *name = bp_asprintf("%s.txt", m->config_id);
	char *old = NULL, *path = NULL, *desc;
	const char *kc = kernel_config ? strstr(text, "kernel-config\n") : NULL;

	/* "kernel-config\n", the file, then the extra lines */
	if (kc)
		desc = bp_asprintf("%.*skernel-config %s\n%s", (int)(kc - text),
				   text, m->build->kernel_config,
				   kc + strlen("kernel-config\n") +
				       strlen(kernel_config));
	else
		desc = bp_strdup(text);
	if (store_read_text(m->store, "configs", name, &old, &path) == 1)
		store_write_text(m->store, "configs", name, desc);
	free(old);
	free(path);
	free(desc);
	free(name);
}

/* Everything that changes the number, in a fixed order: results under
 * another configuration are kept apart, never compared.  Runs and
 * warm-ups change how precisely it is known, not what it is, so they
 * are left out: a result with fewer passes than asked is topped up, and
 * range, bisect and bisect-run share what any of them measured.
 */
static int config_id(struct measurer *m, const char *extra,
		     const char *kernel_config)
{
	const struct build_cli *b = m->build;
	const struct run_options *o = &m->run->run;
	struct qemu_args qa = qemu_args_of(b);
	char *args = qemu_args_join(&qa);
	/* Lines added later come only when used: older ids stay valid. */
	char *later = bp_asprintf(
	    "%s%s%s%s%s", b->modules_artifact ? "modules-artifact " : "",
	    b->modules_artifact ? b->modules_artifact : "",
	    b->modules_artifact ? "\n" : "",
	    kernel_config ? "kernel-config\n" : "",
	    kernel_config ? kernel_config : "");
	char *text = bp_asprintf(
	    "bootperf-config 2\nrunner %s\ncommand %s\nbuild %s\n"
	    "hv-artifact %s\nkernel-artifact %s\nhv %s\nkernel %s\n"
	    "modules %s\nsmp %d\nmemsize %d\n"
	    "append %s\naccel %s\nqemu-args %s\n%s%s",
	    m->run->runner->name, o->command ? o->command : "",
	    b->build ? b->build : "", b->hv_artifact ? b->hv_artifact : "",
	    b->kernel_artifact ? b->kernel_artifact : "", o->hv ? o->hv : "",
	    o->kernel ? o->kernel : "", o->modules ? o->modules : "", o->smp,
	    o->memsize, o->append ? o->append : "", accel_name(o->accel), args,
	    later, extra);
	int r = walk_hash_string(m->config_id, text);

	if (r == 0)
		config_describe(m, text, kernel_config);
	free(args);
	free(later);
	free(text);
	return r == 0 ? BP_EXIT_OK : BP_EXIT_FAILURE;
}

/* Add "NAME=value" (owned) to what the builds get. */
static void build_env_add(struct measurer *m, char *entry)
{
	size_t i = 0, cap = sizeof m->build_env / sizeof *m->build_env - 1;

	while (i < cap && m->build_env[i])
		i++;
	if (i == cap)
		abort(); /* build_env must grow with what is added */
	m->build_env[i] = entry;
}

/* --config: its absolute path goes to the build, its text to the
 * configuration id.
 */
static int kernel_config_open(struct measurer *m, char **text)
{
	const char *path = m->build->kernel_config;
	char *abs;

	*text = NULL;
	if (!path)
		return BP_EXIT_OK;
	abs = realpath(path, NULL);
	*text = abs ? runner_read_file(abs, 16 << 20) : NULL;
	if (!*text && abs && errno == EINVAL)
		bp_error("--config: '%s' is not a regular file (a pipe or "
			 "device cannot be read again for each build): give "
			 "a file",
			 path);
	else if (!*text)
		bp_error("--config: cannot read '%s': %s", path,
			 strerror(errno));
	if (!*text) {
		free(abs);
		return BP_EXIT_NOFILE;
	}
	build_env_add(m, bp_asprintf("BOOTPERF_KERNEL_CONFIG=%s", abs));
	free(abs);
	return BP_EXIT_OK;
}

int measurer_open(struct measurer *m, struct walk_repo *repo,
		  const char *config_extra)
{
	const char *dir = m->build->store_dir;
	char *dflt = bp_asprintf("%s/bootperf", walk_repo_commondir(repo));
	char *config_text = NULL, *source;
	int r = store_open(&m->store, dir ? dir : dflt);

	free(dflt);
	m->repo = repo;
	if (r == 0)
		r = store_lock(m->store, false);
	if (r != 0)
		return BP_EXIT_STORE;
	m->worktree[0] = store_worktree_path(m->store);
	m->worktree[1] = bp_asprintf("%s-2", m->worktree[0]);
	m->worktree[MEASURER_IN_PLACE] =
	    m->in_place ? bp_strdup(m->in_place) : NULL;
	source = walk_repo_workdir(repo);
	if (source)
		build_env_add(m, bp_asprintf("BOOTPERF_SOURCE=%s", source));
	free(source);
	if (m->run->runner == &runner_command && m->run->run.command &&
	    command_check_program(m->run->run.command) != BP_EXIT_OK)
		return BP_EXIT_BUILD_CMD;
	r = kernel_config_open(m, &config_text);
	if (r == BP_EXIT_OK)
		r = config_id(m, config_extra, config_text);
	if (r == BP_EXIT_OK)
		r = artifacts_open(m, config_text);
	free(config_text);
	return r;
}

void measurer_close(struct measurer *m)
{
	artifacts_close(m);
	store_close(m->store);
	free(m->worktree[0]);
	free(m->worktree[1]);
	free(m->worktree[MEASURER_IN_PLACE]);
	for (size_t i = 0; m->build_env[i]; i++) {
		free(m->build_env[i]);
		m->build_env[i] = NULL;
	}
	m->store = NULL;
	m->worktree[0] = m->worktree[1] = m->worktree[MEASURER_IN_PLACE] = NULL;
}

void measurer_progress(const struct measurer *m,
		       const struct commit_result *res, const char *what)
{
	if (m->progress)
		m->progress(m->progress_arg, res, what);
}

static char *artifact(const char *wt, const char *rel)
{
	return rel ? bp_asprintf("%s/%s", wt, rel) : NULL;
}

/* The build command for messages (a preset's script is long), owned. */
static char *build_cmd_name(const struct build_cli *b)
{
	if (b->preset && b->build == b->preset->build)
		return bp_asprintf("--preset %s's build", b->preset->name);
	return bp_strdup(b->build);
}

/* A build command that is not there, or packages the build needs,
 * fail every commit alike: stop at the first build.
 */
static int build_failed(struct measurer *m, struct commit_result *res,
			const char *msg)
{
	struct build_diagnosis d;
	const char *name = d.command, *packages = d.packages;

	runner_build_diagnose(&d, res->log_path, msg);
	if (d.command_missing && m->builds == 1) {
		char *cmd = build_cmd_name(m->build);

		if (name[0])
			bp_error("--build: '%s' was not found in the first "
				 "commit: %s; see the log '%s'",
				 name, cmd, res->log_path);
		else
			bp_error("--build: the build command was not found in "
				 "the first commit: %s; see the log '%s'",
				 cmd, res->log_path);
		free(cmd);
		return BP_EXIT_BUILD_CMD;
	}
	if (packages[0] && m->builds == 1) {
		bp_error("the build of %.12s needs Debian packages that are "
			 "not installed: apt-get install %s; see the log '%s'",
			 res->commit_id, packages, res->log_path);
		return BP_EXIT_BUILD_DEPS;
	}
	res->status = COMMIT_BUILD_FAILED;
	free(res->message);
	if (packages[0])
		res->message = bp_asprintf("%s; missing build dependencies: "
					   "apt-get install %s",
					   msg, packages);
	else if (name[0])
		res->message = bp_asprintf("build: '%s' not found in this "
					   "commit (exit 127)",
					   name);
	else
		res->message = bp_strdup(msg);
	return BP_EXIT_OK;
}

/* Before the first build: what the preset's build needs from this
 * machine, all of it named at once (configure would name one at a
 * time).  A --build of the user's own needs what it needs.
 */
static int check_needs(const struct measurer *m)
{
	const struct preset *p = m->build->preset;

	if (m->builds > 0 || !p || m->build->build != p->build)
		return BP_EXIT_OK;
	return preset_check_needs(p);
}

/* The kernel's .config must have what the appliance needs, or it
 * boots and cannot find its disk.  A config that lacks it fails every
 * commit alike: stop at the first build.
 */
static int check_kernel_config(struct measurer *m, int w,
			       struct commit_result *res, bool *built)
{
	const struct preset *p = m->build->preset;
	char missing[600];

	if (!p || !m->build->kernel_artifact ||
	    preset_kconfig_missing(p, m->worktree[w], missing,
				   sizeof missing) == 0)
		return BP_EXIT_OK;
	if (m->builds == 1) {
		bp_error("the kernel config of %.12s lacks what the appliance "
			 "needs: %s; set them in the --config file",
			 res->commit_id, missing);
		return BP_EXIT_KERNEL_CONFIG;
	}
	*built = false;
	res->status = COMMIT_BUILD_FAILED;
	free(res->message);
	res->message = bp_asprintf("the kernel config lacks what the "
				   "appliance needs: %s",
				   missing);
	return BP_EXIT_OK;
}

static void check_artifacts(const struct measurer *m, const char *wt,
			    struct commit_result *res, const struct prepared *p,
			    bool *ready);

/* Artifacts the build should have produced, checked in the worktree
 * (where a near miss can be named): a commit without them is
 * build-failed (recorded in res).
 */
static bool produced(const struct measurer *m, const char *wt,
		     struct commit_result *res)
{
	const struct build_cli *b = m->build;
	struct prepared p = {0};
	bool ready;

	p.hv = artifact(wt, b->hv_artifact);
	p.kernel = artifact(wt, b->kernel_artifact);
	p.modules = artifact(wt, b->modules_artifact);
	check_artifacts(m, wt, res, &p, &ready);
	prepared_free(&p);
	return ready;
}

int measurer_build(struct measurer *m, int w, struct commit_result *res,
		   bool *built)
{
	struct build_options b = {
	    .command = m->build->build,
	    .worktree = m->worktree[w],
	    .timeout_s = m->build->build_timeout_s,
	    .env = (const char *const *)m->build_env,
	};
	enum sample_status st = SAMPLE_OK;
	char msg[600];
	int r;

	*built = false;
	m->built[w][0] = '\0';
	free(m->dir[w]);
	m->dir[w] = NULL;
	/* Built before, by this run or another: boot its copy.  The
	 * user's checkout (--in-place) is built as it is, and booted there:
	 * what it holds may not be the commit alone.
	 */
	r = w == MEASURER_IN_PLACE
		? 0
		: artifacts_reuse(m, res->commit_id, &m->dir[w]);
	if (r == 2 && res->measured_at != 0)
		bp_warning("the artifacts of %.12s are not in the store "
			   "(removed, evicted, or measured before bootperf "
			   "kept them): building it again",
			   res->commit_id);
	if (r == 1) {
		/* a new result of a copy built by an earlier run: no time */
		if (res->measured_at == 0)
			res->build_s = NAN;
		m->art.reused++;
		*built = true;
		snprintf(m->built[w], sizeof m->built[w], "%s", res->commit_id);
		return BP_EXIT_OK;
	}
	res->build_s = NAN;
	/* A build evicts caches and heats the machine: warm up again. */
	for (size_t k = 0; k < sizeof m->warm / sizeof m->warm[0]; k++)
		m->warm[k][0] = '\0';
	/* --in-place: git bisect has checked the commit out already. */
	if (w != MEASURER_IN_PLACE &&
	    walk_worktree_checkout(m->repo, m->worktree[w], res->commit_id) ==
		-1)
		return walk_last_error() == WALK_ERR_DAMAGED ? BP_EXIT_REPO
							     : BP_EXIT_FAILURE;
	if (b.command && (r = check_needs(m)) != BP_EXIT_OK)
		return r;
	if (b.command) {
		free(res->log_path);
		res->log_path =
		    store_log_path(m->store, res->commit_id, m->config_id);
		b.log_path = res->log_path;
		measurer_progress(m, res, "building");
		m->builds++;
		st = runner_build(&b, &res->build_s, msg, sizeof msg);
	}
	if (st == SAMPLE_INTERRUPTED)
		return BP_EXIT_INTERRUPTED;
	if (st != SAMPLE_OK)
		return build_failed(m, res, msg);
	*built = true;
	r = check_kernel_config(m, w, res, built);
	if (r == BP_EXIT_OK && *built)
		*built = produced(m, m->worktree[w], res);
	if (r == BP_EXIT_OK && *built && w != MEASURER_IN_PLACE)
		r = artifacts_capture(m, m->worktree[w], res->commit_id,
				      &m->dir[w]);
	if (r == BP_EXIT_OK && *built)
		snprintf(m->built[w], sizeof m->built[w], "%s", res->commit_id);
	return r;
}

/* --qemu-arg: a wrapper script in the store that runs the commit's qemu
 * with the extra arguments.  It names the commit, so it changes with
 * every commit and libguestfs never reuses another qemu's probes.  It
 * lives while the commit is measured (prepared_free removes it); one
 * that a killed run left goes when the store is next locked.
 */
static char *write_wrapper(const struct measurer *m, const char *wt,
			   const char *commit_id, const char *hv)
{
	struct qemu_args qa = qemu_args_of(m->build);
	char *name = bp_asprintf("qemu-%.12s", commit_id), *path = NULL;
	int fd = store_create_file(m->store, "wrappers", name, 0700, &path);
	FILE *fp = fd == -1 ? NULL : fdopen(fd, "w");
	int werr;

	free(name);
	if (!fp) {
		if (fd != -1) {
			bp_error("cannot write '%s': %s", path,
				 strerror(errno));
			close(fd);
		}
		free(path);
		return NULL;
	}
	werr = runner_write_wrapper(fp, commit_id, hv, &qa, wt);
	if (fclose(fp) != 0 || werr == -1) {
		bp_error("cannot write '%s': %s", path, strerror(errno));
		unlink(path);
		free(path);
		return NULL;
	}
	return path;
}

/* Artifacts the build should have produced: a commit without them is
 * build-failed (recorded in res), and *ready false.
 */
static void check_artifacts(const struct measurer *m, const char *wt,
			    struct commit_result *res, const struct prepared *p,
			    bool *ready)
{
	const struct build_cli *b = m->build;
	struct artifacts a = {
	    p->hv,	    p->kernel,		p->modules,
	    b->hv_artifact, b->kernel_artifact, b->modules_artifact};
	char *why = runner_artifacts_missing(wt, &a);

	*ready = !why;
	if (!why)
		return;
	res->status = COMMIT_BUILD_FAILED;
	free(res->message);
	res->message = why;
}

int measurer_prepare(struct measurer *m, int w, struct commit_result *res,
		     struct prepared *p, bool *ready)
{
	/* the commit's captured copy, which mirrors its worktree */
	const char *wt = m->dir[w] ? m->dir[w] : m->worktree[w];
	const struct preset *preset = m->build->preset;
	struct qemu_args qa = qemu_args_of(m->build);

	p->o = m->run->run;
	/* A commit that fails is recorded, and the walk goes on. */
	p->o.keep_going = true;
	p->hv = artifact(wt, m->build->hv_artifact);
	p->kernel = artifact(wt, m->build->kernel_artifact);
	p->modules = artifact(wt, m->build->modules_artifact);
	check_artifacts(m, wt, res, p, ready);
	if (!*ready)
		return BP_EXIT_OK;
	if (preset && preset->firmware && m->build->hv_artifact &&
	    runner_check_firmware(preset, &qa, wt) != BP_EXIT_OK)
		return BP_EXIT_NOFILE;
	p->o.hv = p->hv ? p->hv : p->o.hv;
	/* A qemu in the artifact store goes through a wrapper too: its
	 * path there is long, and libguestfs 1.48 overflows a buffer
	 * (heap-buffer-overflow in guestfs_launch) on a long qemu path.
	 */
	if (qemu_args_at(&qa, 0) ||
	    (p->hv && m->dir[w] && m->run->runner == &runner_guestfs)) {
		char *wrapper = write_wrapper(m, wt, res->commit_id, p->o.hv);

		if (!wrapper)
			return BP_EXIT_STORE;
		free(p->hv);
		p->o.hv = p->hv = wrapper;
		p->hv_wrapper = true;
	}
	p->o.kernel = p->kernel ? p->kernel : p->o.kernel;
	p->o.modules = p->modules ? p->modules : p->o.modules;
	p->o.worktree = wt;
	p->o.progress = false;
	p->o.discard_cache = p->hv || p->kernel;
	/* Only the qemu changes: its appliance serves the next commit's. */
	p->o.share_appliance = p->hv && !p->kernel;
	return BP_EXIT_OK;
}

void prepared_free(struct prepared *p)
{
	if (p->hv_wrapper)
		unlink(p->hv);
	free(p->hv);
	free(p->kernel);
	free(p->modules);
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
	return m->build->force ? 0 : measurer_stored(m, res);
}

int measurer_check_newer(struct measurer *m, const struct walk_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (store_check_newer(m->store, m->config_id, l->v[i].id) == -2)
			return BP_EXIT_STORE;
	return BP_EXIT_OK;
}

int measurer_stored(struct measurer *m, struct commit_result *res)
{
	struct commit_result stored;
	int r = store_get(m->store, m->config_id, res->commit_id, &stored);

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
