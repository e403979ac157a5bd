/* bootperf - build and measure one commit in bootperf's own worktree,
 * and keep the result: what range, bisect-run and (later) bisect and
 * track share.  BUILD OPTIONS are parsed here too.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bisect.h"
#include "cmd.h"
#include "reports.h"

/* Default build commands and artifacts for the trees bootperf knows.
 * The build commands are the shell scripts in cmd/presets/ (presets.c
 * is made from them): the submodules and subprojects of the user's
 * checkout, configure once per worktree and make for QEMU; a .config
 * made once per worktree, bzImage, modules and modules_install for
 * Linux; ccache for both when it is installed.
 */

/* The firmware of a built QEMU comes from the tree's pc-bios, else
 * from where Debian's qemu looks (its --firmwarepath: SeaBIOS, option
 * ROMs, iPXE), for trees without it such as Debian's own source.
 * These -L come after the user's --qemu-arg, and qemu takes the first
 * directory with the file.
 */
static const char *const qemu_firmware_args[] = {
    "-L", "{worktree}/pc-bios", "-L", "/usr/share/qemu",
    "-L", "/usr/share/seabios", "-L", "/usr/lib/ipxe/qemu",
    NULL};

/* What the qemu preset's build runs. */
static const struct build_need qemu_needs[] = {
    {NEED_COMMAND, "cc", "gcc"},
    {NEED_COMMAND, "make", "make"},
    {NEED_COMMAND, "python3", "python3"},
    {NEED_COMMAND, "ninja", "ninja-build"},
    {NEED_COMMAND, "pkg-config", "pkg-config"},
    {NEED_PKGCONFIG, "glib-2.0", "libglib2.0-dev"},
    {NEED_PKGCONFIG, "pixman-1", "libpixman-1-dev"},
    {NEED_PKGCONFIG, "zlib", "zlib1g-dev"},
    {0, NULL, NULL},
};

/* What the kernel preset's build runs (depmod lives in /sbin). */
static const struct build_need kernel_needs[] = {
    {NEED_COMMAND, "cc", "gcc"},
    {NEED_COMMAND, "make", "make"},
    {NEED_COMMAND, "flex", "flex"},
    {NEED_COMMAND, "bison", "bison"},
    {NEED_COMMAND, "bc", "bc"},
    {NEED_COMMAND, "perl", "perl"},
    {NEED_COMMAND, "depmod", "kmod"},
    {NEED_HEADER, "libelf.h", "libelf-dev"},
    {NEED_HEADER, "openssl/opensslv.h", "libssl-dev"},
    {0, NULL, NULL},
};

/* What the appliance cannot boot without, built in or as a module
 * (supermin loads them from the modules directory).
 */
static const struct kconfig_need kernel_kconfig_needs[] = {
    {"VIRTIO_PCI", "the virtio devices"},
    {"SCSI_VIRTIO", "its disk (virtio-scsi)"},
    {"BLK_DEV_SD", "its disk (SCSI disk)"},
    {"VIRTIO_CONSOLE", "guestfsd's channel (virtio-serial)"},
    {"EXT4_FS|EXT2_FS", "its ext2 root file system"},
    {"BLK_DEV_INITRD", "supermin's initrd"},
    {"DEVTMPFS", "/dev"},
    {"UNIX", "udev"},
    {NULL, NULL},
};

struct preset {
	const char *name;
	const char *build;
	const char *hv_artifact;
	const char *kernel_artifact;
	const char *modules_artifact;
	const char *const *qemu_args; /* after --qemu-arg's, NULL-ended */
	const char *firmware;	      /* a file the qemu must find */
	const struct build_need *needs;
	const struct kconfig_need *kconfig_needs;
};

static const struct preset presets[] = {
    {
	.name = "qemu",
	.build = preset_build_qemu,
	.hv_artifact = "build/qemu-system-x86_64",
	.qemu_args = qemu_firmware_args,
	.firmware = "bios-256k.bin",
	.needs = qemu_needs,
    },
    {
	.name = "kernel",
	.build = preset_build_kernel,
	.kernel_artifact = "arch/x86/boot/bzImage",
	.modules_artifact = ".bootperf/modules",
	.needs = kernel_needs,
	.kconfig_needs = kernel_kconfig_needs,
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
		b->preset = &presets[i];
		b->build = presets[i].build;
		b->hv_artifact = presets[i].hv_artifact;
		b->kernel_artifact = presets[i].kernel_artifact;
		b->modules_artifact = presets[i].modules_artifact;
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
	case OPT_MODULES_ARTIFACT:
		b->modules_artifact = arg;
		return 1;
	case OPT_CONFIG:
		b->kernel_config = arg;
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

/* Argument i of --qemu-arg's and then the preset's (firmware). */
static const char *qemu_arg(const struct build_cli *b, size_t i)
{
	if (i < b->n_qemu_args)
		return b->qemu_args[i];
	i -= b->n_qemu_args;
	return b->preset && b->preset->qemu_args ? b->preset->qemu_args[i]
						 : NULL;
}

/* a with {worktree} replaced by worktree (when not NULL); owned. */
static char *expand_worktree(const char *a, const char *worktree)
{
	char *expanded = bp_strdup(a);
	const char *p;

	while (worktree && (p = strstr(expanded, "{worktree}"))) {
		char *next = bp_asprintf("%.*s%s%s", (int)(p - expanded),
					 expanded, worktree, p + 10);

		free(expanded);
		expanded = next;
	}
	return expanded;
}

/* --qemu-arg values, then the preset's, with {worktree} expanded, each
 * quoted, in order.
 */
static void put_qemu_args(FILE *fp, const struct build_cli *b,
			  const char *worktree)
{
	const char *a;

	for (size_t i = 0; (a = qemu_arg(b, i)); i++) {
		char *expanded = expand_worktree(a, worktree);

		fputc(' ', fp);
		put_quoted(fp, expanded);
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
	char *args = join_qemu_args(b);
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

/* The whole of a small regular text file, or NULL with errno set (EINVAL:
 * not a regular file).  A FIFO is opened without blocking and refused, so
 * that a run never waits, with its signals blocked, for a writer.
 */
static char *read_text_file(const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	FILE *fp;
	char *buf;
	size_t got;
	int err = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0)
		err = errno;
	else if (!S_ISREG(st.st_mode))
		err = EINVAL;
	if (err) {
		close(fd);
		errno = err;
		return NULL;
	}
	fp = fdopen(fd, "r");
	if (!fp) {
		err = errno;
		close(fd);
		errno = err;
		return NULL;
	}
	buf = bp_malloc(max + 1);
	got = fread(buf, 1, max, fp);
	buf[got] = '\0';
	if (ferror(fp) || !feof(fp)) {
		err = ferror(fp) ? errno : EFBIG;
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	if (err)
		errno = err;
	return buf;
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
	*text = abs ? read_text_file(abs, 16 << 20) : NULL;
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
	free(config_text);
	return r;
}

void measurer_close(struct measurer *m)
{
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

static void progress(const struct measurer *m, const struct commit_result *res,
		     const char *what)
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

/* A command on PATH that is not there fails every commit alike; a
 * script of the tree's own ("./build.sh") may come in a later commit.
 */
static bool build_cmd_missing(const char *msg, const char *log, char *name,
			      size_t len)
{
	name[0] = '\0';
	if (!strstr(msg, "command not found (exit 127)"))
		return false;
	return !builddeps_missing_command(log, name, len) || !strchr(name, '/');
}

/* A build command that is not there, or packages the build needs,
 * fail every commit alike: stop at the first build.
 */
static int build_failed(struct measurer *m, struct commit_result *res,
			const char *msg)
{
	char packages[256], name[256];
	char *log = runner_build_log_tail(res->log_path);
	bool missing = build_cmd_missing(msg, log, name, sizeof name);

	builddeps_from_log(log, packages, sizeof packages);
	free(log);
	if (missing && m->builds == 1) {
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
	char packages[256], what[256];

	if (m->builds > 0 || !p || !p->needs || m->build->build != p->build ||
	    runner_missing_needs(p->needs, packages, sizeof packages, what,
				 sizeof what) == 0)
		return BP_EXIT_OK;
	bp_error("--preset %s needs Debian packages that are not installed "
		 "(for %s): apt-get install %s%s",
		 p->name, what, packages,
		 strcmp(p->name, "qemu") ? "" : " (or apt-get build-dep qemu)");
	return BP_EXIT_BUILD_DEPS;
}

/* The kernel's .config must have what the appliance needs, or it
 * boots and cannot find its disk.  A config that lacks it fails every
 * commit alike: stop at the first build.
 */
static int check_kernel_config(struct measurer *m, int w,
			       struct commit_result *res, bool *built)
{
	const struct preset *p = m->build->preset;
	char *path, *text, missing[600];
	size_t n;

	if (!p || !p->kconfig_needs || !m->build->kernel_artifact)
		return BP_EXIT_OK;
	path = bp_asprintf("%s/.config", m->worktree[w]);
	text = read_text_file(path, 16 << 20);
	free(path);
	if (!text)
		return BP_EXIT_OK;
	n = kconfig_missing(text, p->kconfig_needs, missing, sizeof missing);
	free(text);
	if (n == 0)
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

	res->build_s = NAN;
	*built = false;
	m->built[w][0] = '\0';
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
		progress(m, res, "building");
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
		snprintf(m->built[w], sizeof m->built[w], "%s", res->commit_id);
	return r;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* nftw has no argument for its callback: the search in progress. */
static struct {
	const char *base;
	size_t root_len;
	char *found;
} artifact_search;

static int artifact_visit(const char *path, const struct stat *st, int type,
			  struct FTW *ftw)
{
	(void)st;
	if (type == FTW_D &&
	    (ftw->level >= 4 || !strcmp(path + ftw->base, ".git")))
		return FTW_SKIP_SUBTREE;
	if (type != FTW_F ||
	    strcmp(path + ftw->base, artifact_search.base) != 0)
		return FTW_CONTINUE;
	artifact_search.found = bp_strdup(path + artifact_search.root_len + 1);
	return FTW_STOP;
}

/* A file named like the missing artifact elsewhere in the worktree (a
 * few levels down): an older tree's layout, a typo in the path.
 */
static char *find_artifact(const char *wt, const char *rel)
{
	const char *slash = strrchr(rel, '/');

	artifact_search.base = slash ? slash + 1 : rel;
	artifact_search.root_len = strlen(wt);
	artifact_search.found = NULL;
	nftw(wt, artifact_visit, 16, FTW_PHYS | FTW_ACTIONRETVAL);
	return artifact_search.found;
}

/* Artifacts the build should have produced. */
static int check_artifacts(const struct measurer *m, const char *wt,
			   struct commit_result *res, const struct prepared *p)
{
	const char *missing = NULL, *opt = NULL;
	char *there;

	if (p->hv && access(p->hv, X_OK) == -1)
		missing = m->build->hv_artifact, opt = "--hv-artifact";
	else if (p->kernel && access(p->kernel, R_OK) == -1)
		missing = m->build->kernel_artifact, opt = "--kernel-artifact";
	else if (p->modules && !is_dir(p->modules))
		missing = m->build->modules_artifact,
		opt = "--modules-artifact";
	if (!missing)
		return 0;
	there = find_artifact(wt, missing);
	res->status = COMMIT_BUILD_FAILED;
	free(res->message);
	if (there && !strcmp(there, missing))
		res->message = bp_asprintf("the build produced '%s', but it is "
					   "not executable",
					   missing);
	else if (there)
		res->message = bp_asprintf("the build did not produce '%s', "
					   "but there is '%s': %s %s?",
					   missing, there, opt, there);
	else
		res->message = bp_asprintf("the build did not produce '%s' "
					   "(see %s)",
					   missing, opt);
	free(there);
	return 1;
}

/* The preset's qemu must find its firmware in one of the -L
 * directories (--qemu-arg's and the preset's), or every boot fails
 * with "could not load PC BIOS".
 */
static int check_firmware(const struct measurer *m, const char *wt)
{
	const struct build_cli *b = m->build;
	const char *file = b->preset ? b->preset->firmware : NULL;
	const char *a, *next;
	bool found = false;
	char *dirs = NULL;
	size_t len = 0;
	FILE *fp;

	if (!file || !b->hv_artifact)
		return BP_EXIT_OK;
	fp = open_memstream(&dirs, &len);
	if (!fp)
		abort();
	for (size_t i = 0; !found && (a = qemu_arg(b, i)); i++) {
		char *dir, *path;

		next = qemu_arg(b, i + 1);
		if (strcmp(a, "-L") != 0 || !next)
			continue;
		dir = expand_worktree(next, wt);
		path = bp_asprintf("%s/%s", dir, file);
		found = access(path, R_OK) == 0;
		fprintf(fp, "%s'%s'", ftell(fp) > 0 ? ", " : "", dir);
		free(path);
		free(dir);
	}
	fclose(fp);
	if (!found)
		bp_error("--preset %s: the built qemu finds no firmware: '%s' "
			 "is in none of %s; install seabios and "
			 "qemu-system-data, or give --qemu-arg -L "
			 "--qemu-arg DIR",
			 b->preset->name, file, dirs);
	free(dirs);
	return found ? BP_EXIT_OK : BP_EXIT_NOFILE;
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
	char *name = bp_asprintf("qemu-%.12s", commit_id), *path = NULL;
	int fd = store_create_file(m->store, "wrappers", name, 0700, &path);
	FILE *fp = fd == -1 ? NULL : fdopen(fd, "w");

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
	fprintf(fp, "#!/bin/sh\n# bootperf --qemu-arg wrapper for %s\nexec ",
		commit_id);
	put_quoted(fp, hv ? hv : "qemu-system-x86_64");
	put_qemu_args(fp, m->build, wt);
	fputs(" \"$@\"\n", fp);
	if (fclose(fp) != 0) {
		bp_error("cannot write '%s': %s", path, strerror(errno));
		unlink(path);
		free(path);
		return NULL;
	}
	return path;
}

int measurer_prepare(struct measurer *m, int w, struct commit_result *res,
		     struct prepared *p, bool *ready)
{
	const char *wt = m->worktree[w];

	int r;

	p->o = m->run->run;
	/* A commit that fails is recorded, and the walk goes on. */
	p->o.keep_going = true;
	p->hv = artifact(wt, m->build->hv_artifact);
	p->kernel = artifact(wt, m->build->kernel_artifact);
	p->modules = artifact(wt, m->build->modules_artifact);
	*ready = !check_artifacts(m, wt, res, p);
	if (!*ready)
		return BP_EXIT_OK;
	r = check_firmware(m, wt);
	if (r != BP_EXIT_OK)
		return r;
	p->o.hv = p->hv ? p->hv : p->o.hv;
	if (qemu_arg(m->build, 0)) {
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
	bool tried;    /* built, to be measured */
	bool measured; /* measured and stored already: a failure keeps it */
	bool fresh, active;
	bool warm; /* its passes ran last, no build since: no warm-ups */
	long pass, passes; /* the pass under way, of how many at most */
	int r;
};

static bool wants_more(const struct turn *t)
{
	const struct extend_goal *g = t->goal;

	return t->res->bench.n_samples < g->want &&
	       !(g->enough && t->res->bench.n_samples > 0 &&
		 g->enough(g->arg, t->res));
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
	struct commit_result failed = *res;
	int r;

	warn_kept(res);
	res->status = COMMIT_OK;
	res->message = NULL;
	res->bench.status = SAMPLE_OK;
	res->bench.message = NULL;
	r = measurer_save(m, res);
	res->status = failed.status;
	res->message = failed.message;
	res->bench.status = failed.bench.status;
	res->bench.message = failed.bench.message;
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
	t->warm = !strcmp(m->warm[t->w], t->res->commit_id);
	t->fresh = !can_top_up(t->res, &t->now.env);
	if (t->fresh)
		drop_samples(t->res);
	t->passes = (long)(t->goal->want - t->res->bench.n_samples);
	t->active = t->r == BP_EXIT_OK;
}

/* One pass of t's session; a failed pass ends t's part. */
static void turn_pass(struct turn *t, bool warmup, long i, long n)
{
	struct bench_result *b = &t->res->bench;

	if (runner_session_pass(t->s, warmup, i, n, &t->st) == -1) {
		t->active = false;
		t->r = sample_status_exit(t->st);
	} else if (!warmup &&
		   bench_result_push(&b->sample_ms, &b->n_samples,
				     t->now.sample_ms[t->now.n_samples - 1]) ==
		       -1) {
		t->st = SAMPLE_ERROR;
		t->active = false;
		t->r = sample_status_exit(t->st);
	}
}

static bool interrupted(const struct turn *t, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (t[k].st == SAMPLE_INTERRUPTED)
			return true;
	return false;
}

/* The sessions' warm-ups, then their passes, one of each in turn, each
 * until its commit has the passes it wants; every pass goes into res at
 * once, so that enough sees it.  Several sessions take turns so that a
 * drift of the machine affects them alike rather than one block of
 * passes more than the other.  A commit topped up right after its own
 * passes (bisect's next look at its endpoints) is warm: no warm-ups.
 */
static void take_turns(struct measurer *m, struct turn *t, size_t n)
{
	long warmup = m->run->run.warmup;
	bool more = true;

	for (long i = 1; i <= warmup && !interrupted(t, n); i++)
		for (size_t k = 0; k < n && !interrupted(t, n); k++)
			if (t[k].active && !t[k].warm)
				turn_pass(&t[k], true, i, warmup);
	while (more && !interrupted(t, n)) {
		more = false;
		for (size_t k = 0; k < n && !interrupted(t, n); k++)
			if (t[k].active && wants_more(&t[k])) {
				turn_pass(&t[k], false, ++t[k].pass,
					  t[k].passes);
				more = true;
			}
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
		extend_merge(t->res, &t->now, t->fresh);
		t->r = measurer_record(t->res, t->r, t->st);
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
			progress(m, res[k], "measuring");
	if (todo > 1)
		progress(m, NULL, "measuring, in turns");
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
		turn_close(m, &t[k]);
		if (t[k].tried && t[k].r == BP_EXIT_OK)
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
