/* bootperf - the libguestfs runner: one sample is launch + shutdown +
 * close of a handle with one read-only /dev/null drive, as
 * `guestfish -a /dev/null run` does.  Handle creation is not timed.
 */
#include <errno.h>
#include <fcntl.h>
#include <guestfs.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner.h"

static void forward_console(guestfs_h *g, void *opaque, uint64_t event, int eh,
			    int flags, const char *buf, size_t len,
			    const uint64_t *array, size_t array_len)
{
	(void)g, (void)opaque, (void)event, (void)eh, (void)flags;
	(void)array, (void)array_len;
	if (len > 0 && fwrite(buf, 1, len, stderr) == len)
		fflush(stderr);
}

static void discard_event(guestfs_h *g, void *opaque, uint64_t event, int eh,
			  int flags, const char *buf, size_t len,
			  const uint64_t *array, size_t array_len)
{
	(void)g, (void)opaque, (void)event, (void)eh, (void)flags;
	(void)buf, (void)len, (void)array, (void)array_len;
}

/* An analyzed boot's kernel command line: ours, then the user's. */
static int set_append(guestfs_h *g, const struct run_options *o)
{
	char *both;
	int r;

	if (!o->analyze)
		return o->append ? guestfs_set_append(g, o->append) : 0;
	both = bp_asprintf("%s%s%s", RUNNER_ANALYZE_APPEND,
			   o->append ? " " : "", o->append ? o->append : "");
	r = guestfs_set_append(g, both);
	free(both);
	return r;
}

/* Settings shared by the handle that describes the configuration and
 * the handles that boot, so the header always says what was booted.
 */
static int configure_handle(guestfs_h *g, const struct runner_ctx *ctx)
{
	const struct run_options *o = ctx->opts;
	char force_tcg[] = "force_tcg", force_kvm[] = "force_kvm";
	char *tcg[] = {force_tcg, NULL}, *kvm[] = {force_kvm, NULL};

	guestfs_set_error_handler(g, NULL, NULL);
	if (guestfs_set_backend(g, "direct") == -1 ||
	    guestfs_set_backend_settings(
		g, ctx->accel == ACCEL_KVM ? kvm : tcg) == -1 ||
	    guestfs_set_cachedir(g, ctx->cachedir) == -1)
		return -1;
	if (o->hv && guestfs_set_hv(g, o->hv) == -1)
		return -1;
	if (o->smp > 0 && guestfs_set_smp(g, o->smp) == -1)
		return -1;
	if (o->memsize > 0 && guestfs_set_memsize(g, o->memsize) == -1)
		return -1;
	return set_append(g, o);
}

static void set_kernel_environment(const struct run_options *o)
{
	/* supermin reads these; the cache directory is per kernel, since
	 * supermin does not rebuild when only the kernel changes.
	 */
	if (o->kernel)
		setenv("SUPERMIN_KERNEL", o->kernel, 1);
	if (o->modules)
		setenv("SUPERMIN_MODULES", o->modules, 1);
}

/* The end of what qemu and the appliance wrote to the console (qemu's
 * own stderr goes there too, with the direct backend): why a boot
 * failed, such as "qemu: could not load PC BIOS".
 */
#define CONSOLE_TAIL 2048
struct console_tail {
	char buf[CONSOLE_TAIL];
	size_t len;
};

static void tail_event(guestfs_h *g, void *opaque, uint64_t event, int eh,
		       int flags, const char *buf, size_t len,
		       const uint64_t *array, size_t array_len)
{
	struct console_tail *t = opaque;

	(void)g, (void)event, (void)eh, (void)flags, (void)array;
	(void)array_len;
	if (len >= CONSOLE_TAIL) {
		buf += len - CONSOLE_TAIL;
		len = CONSOLE_TAIL;
	}
	if (t->len + len > CONSOLE_TAIL) {
		size_t drop = t->len + len - CONSOLE_TAIL;

		memmove(t->buf, t->buf + drop, t->len - drop);
		t->len -= drop;
	}
	memcpy(t->buf + t->len, buf, len);
	t->len += len;
}

/* The last lines (at most lines, about room bytes) of the tail, joined
 * with " | ", into out.  Control characters and bad bytes are left for
 * the message helper to show as \xNN.
 */
static void console_last_lines(char *out, size_t outlen,
			       const struct console_tail *t, int lines)
{
	size_t end = t->len, start;
	int n = 0;

	out[0] = '\0';
	while (end > 0 && (t->buf[end - 1] == '\n' || t->buf[end - 1] == '\r'))
		end--;
	for (start = end; start > 0 && n < lines; start--)
		if (t->buf[start - 1] == '\n' && ++n == lines)
			break;
	for (size_t i = start, o = 0; i < end && o + 4 < outlen; i++) {
		if (t->buf[i] == '\r')
			continue;
		if (t->buf[i] == '\n') {
			if (o > 0 && out[o - 1] != ' ')
				o += (size_t)snprintf(out + o, outlen - o,
						      " | ");
			continue;
		}
		out[o++] = t->buf[i] ? t->buf[i] : ' ';
		out[o] = '\0';
	}
}

/* libguestfs's launch errors run to ten lines of advice; keep the one
 * line that says what failed, and add the last lines of the console.
 */
static void first_line(char *msg, size_t msglen, const char *err, bool verbose,
		       const struct console_tail *t)
{
	int n = (int)strcspn(err ? err : "", "\n");
	char last[256];

	console_last_lines(last, sizeof last, t, 3);
	snprintf(msg, msglen, "%.*s%s%s%s", n, err ? err : "unknown error",
		 last[0] ? " (console: " : "", last, last[0] ? ")" : "");
	if (!verbose && strlen(msg) + 45 < msglen)
		strcat(msg, " (--verbose shows the appliance console)");
}

/* An analyzed boot: every event, timed on arrival from the start of
 * guestfs_launch.  Lives in the measuring child.
 */
struct capture {
	struct boot_events ev;
	double t0;
	bool recording;
	bool forward; /* --verbose: the console to stderr as well */
};

static void capture_event(guestfs_h *g, void *opaque, uint64_t event, int eh,
			  int flags, const char *buf, size_t len,
			  const uint64_t *array, size_t array_len)
{
	struct capture *c = opaque;
	double ms = (now_monotonic() - c->t0) * 1000.0;

	(void)g, (void)eh, (void)flags, (void)array, (void)array_len;
	if (event == GUESTFS_EVENT_APPLIANCE && c->forward && len > 0 &&
	    fwrite(buf, 1, len, stderr) == len)
		fflush(stderr);
	if (!c->recording)
		return;
	if (event == GUESTFS_EVENT_APPLIANCE)
		boot_events_console(&c->ev, ms, buf, len);
	else if (event == GUESTFS_EVENT_LIBRARY)
		boot_events_add(&c->ev, ms, EVENT_LIBRARY, buf, len);
	else if (event == GUESTFS_EVENT_TRACE)
		boot_events_add(&c->ev, ms, EVENT_TRACE, buf, len);
	else if (event == GUESTFS_EVENT_CLOSE)
		boot_events_add(&c->ev, ms, EVENT_CLOSE, "close", 5);
}

/* Without callbacks of its own, a verbose handle prints to stderr. */
static void set_up_events(guestfs_h *g, const struct run_options *o,
			  struct capture *c)
{
	if (o->analyze) {
		guestfs_set_event_callback(
		    g, capture_event,
		    GUESTFS_EVENT_APPLIANCE | GUESTFS_EVENT_LIBRARY |
			GUESTFS_EVENT_TRACE | GUESTFS_EVENT_CLOSE,
		    0, c);
		guestfs_set_verbose(g, 1);
		guestfs_set_trace(g, 1);
	} else if (o->verbose) {
		guestfs_set_verbose(g, 1);
		guestfs_set_event_callback(g, forward_console,
					   GUESTFS_EVENT_APPLIANCE, 0, NULL);
		guestfs_set_event_callback(
		    g, discard_event,
		    GUESTFS_EVENT_LIBRARY | GUESTFS_EVENT_TRACE, 0, NULL);
	}
}

/* Outside the timed interval: the events go to the parent's file. */
static void hand_over(struct runner_ctx *ctx, struct capture *c, double ms)
{
	if (ctx->opts->analyze && ctx->events) {
		boot_events_finish(&c->ev, ms);
		boot_events_write(ctx->events, &c->ev);
		fflush(ctx->events);
	}
	boot_events_free(&c->ev);
}

static int launch_timed(guestfs_h *g, struct runner_ctx *ctx, double *ms,
			char *msg, size_t msglen)
{
	const struct run_options *o = ctx->opts;
	struct capture c = {.ev = BOOT_EVENTS_INIT, .forward = o->verbose};
	struct console_tail *tail = bp_malloc(sizeof *tail);
	double t1;

	tail->len = 0;
	set_up_events(g, o, &c);
	guestfs_set_event_callback(g, tail_event, GUESTFS_EVENT_APPLIANCE, 0,
				   tail);
	if (guestfs_add_drive_opts(
		g, "/dev/null", GUESTFS_ADD_DRIVE_OPTS_FORMAT, "raw",
		GUESTFS_ADD_DRIVE_OPTS_READONLY, 1, -1) == -1)
		goto fail;
	c.t0 = now_monotonic();
	c.recording = o->analyze;
	if (c.recording)
		boot_events_add(&c.ev, 0, EVENT_BOOTPERF, "launch", 6);
	if (guestfs_launch(g) == -1 || guestfs_shutdown(g) == -1)
		goto fail;
	guestfs_close(g);
	t1 = now_monotonic();
	c.recording = false;
	*ms = (t1 - c.t0) * 1000.0;
	hand_over(ctx, &c, *ms);
	free(tail);
	return 0;
fail:
	first_line(msg, msglen, guestfs_last_error(g), o->verbose, tail);
	guestfs_close(g);
	boot_events_free(&c.ev);
	free(tail);
	return -1;
}

static int guestfs_sample(struct runner_ctx *ctx, double *ms, char *msg,
			  size_t msglen)
{
	guestfs_h *g;

	set_kernel_environment(ctx->opts);
	g = guestfs_create_flags(GUESTFS_CREATE_NO_CLOSE_ON_EXIT);
	if (!g) {
		snprintf(msg, msglen, "cannot create libguestfs handle: %s",
			 strerror(errno));
		return -1;
	}
	if (configure_handle(g, ctx) == -1) {
		snprintf(msg, msglen, "%s", guestfs_last_error(g));
		guestfs_close(g);
		return -1;
	}
	return launch_timed(g, ctx, ms, msg, msglen);
}

/* FNV-1a: only names a cache directory, never compared across hosts. */
static uint64_t hash_add(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static uint64_t hash_file(uint64_t h, const char *path)
{
	struct stat st;

	if (!path)
		return hash_add(h, "-", 1);
	h = hash_add(h, path, strlen(path) + 1);
	if (stat(path, &st) == 0) {
		h = hash_add(h, &st.st_size, sizeof st.st_size);
		h = hash_add(h, &st.st_mtim, sizeof st.st_mtim);
		h = hash_add(h, &st.st_ino, sizeof st.st_ino);
	}
	return h;
}

/* The cache's own appliance directory (caller frees). */
static char *own_appliance(const struct runner_ctx *ctx)
{
	return bp_asprintf("%s/.guestfs-%d/appliance.d", ctx->cachedir,
			   (int)geteuid());
}

/* The supermin appliance depends on the kernel, its modules and the
 * host's packages, never on qemu: when only the hypervisor changes from
 * commit to commit (share_appliance), they all boot one appliance, kept
 * in <cache root>/supermin-<hash of the kernel and modules>/appliance.d.
 * Each qemu's own cache links its appliance.d there; supermin, finding
 * it newer than its inputs (it checks with --if-newer), builds nothing,
 * and only libguestfs's probes of the qemu stay per qemu.  The first
 * qemu's session builds the appliance in its own cache, and its close
 * moves it there (runner_keep_appliance); so does a rebuild (the host's
 * packages changed), which replaces the link with a directory.
 */
static void link_shared_appliance(struct runner_ctx *ctx, const char *root,
				  uint64_t k)
{
	char *dir =
	    bp_asprintf("%s/supermin-%016llx", root, (unsigned long long)k);
	char *own_dir =
	    bp_asprintf("%s/.guestfs-%d", ctx->cachedir, (int)geteuid());
	char *own = own_appliance(ctx);
	char *built = NULL;
	struct stat st;

	ctx->shared_appliance = bp_asprintf("%s/appliance.d", dir);
	built = bp_asprintf("%s/root", ctx->shared_appliance);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		bp_warning("cannot create '%s': %s; each qemu builds its own "
			   "appliance",
			   dir, strerror(errno));
	else if (stat(built, &st) == 0 && lstat(own, &st) == -1 &&
		 errno == ENOENT) {
		if ((mkdir(own_dir, 0755) == -1 && errno != EEXIST) ||
		    symlink(ctx->shared_appliance, own) == -1)
			bp_warning("cannot link '%s' to the shared appliance: "
				   "%s",
				   own, strerror(errno));
		else
			ctx->shared_linked = true;
	} else if (lstat(own, &st) == 0 && S_ISLNK(st.st_mode))
		ctx->shared_linked = true;
	free(built);
	free(own);
	free(own_dir);
	free(dir);
}

/* One libguestfs cache per qemu binary and kernel: libguestfs keys its
 * qemu probes on the binary's size and mtime, and supermin does not
 * notice a new kernel, nor new modules: a modules directory rebuilt in
 * place (modules_install over the old one) keeps its own stat, but
 * depmod writes modules.dep anew.
 */
static int make_cachedir(struct runner_ctx *ctx)
{
	const struct run_options *o = ctx->opts;
	uint64_t h = 14695981039346656037ULL;
	char *root = env_cache_root(o->cache_root);

	if (!root)
		return -1;
	h = hash_file(h, o->kernel);
	h = hash_file(h, o->modules);
	if (o->modules) {
		char *dep = bp_asprintf("%s/modules.dep", o->modules);

		h = hash_file(h, dep);
		free(dep);
	}
	ctx->cachedir = bp_asprintf("%s/appliance-%016llx", root,
				    (unsigned long long)hash_file(h, o->hv));
	if (mkdir(ctx->cachedir, 0700) == -1 && errno != EEXIST) {
		bp_error("cannot create cache directory '%s': %s",
			 ctx->cachedir, strerror(errno));
		free(root);
		return -1;
	}
	if (o->share_appliance)
		link_shared_appliance(ctx, root, h);
	free(root);
	return 0;
}

void runner_keep_appliance(struct runner_ctx *ctx)
{
	char *own, *root, *old;
	struct stat st;

	if (!ctx->shared_appliance || !ctx->cachedir)
		return;
	own = own_appliance(ctx);
	root = bp_asprintf("%s/root", own);
	old = bp_asprintf("%s.old.%d", ctx->shared_appliance, (int)getpid());
	/* A link is the shared one already; a directory with a root is
	 * one supermin built here: it replaces the shared one, which a
	 * qemu still running elsewhere keeps open if it uses it.
	 */
	if (lstat(own, &st) == 0 && S_ISDIR(st.st_mode) &&
	    stat(root, &st) == 0) {
		if (rename(ctx->shared_appliance, old) == -1 && errno != ENOENT)
			bp_warning("cannot replace the shared appliance '%s': "
				   "%s",
				   ctx->shared_appliance, strerror(errno));
		else if (rename(own, ctx->shared_appliance) == -1)
			bp_warning("cannot keep the appliance '%s' as '%s': %s",
				   own, ctx->shared_appliance, strerror(errno));
		if (bp_remove_tree(old) == -1)
			bp_warning("cannot remove '%s': %s", old,
				   strerror(errno));
	}
	free(old);
	free(root);
	free(own);
}

/* supermin silently picks a host kernel when it cannot read the release
 * of SUPERMIN_KERNEL, so a wrong file would be measured as the host's.
 */
static int check_kernel(const char *path)
{
	char *version;

	if (env_check_file("--kernel", path) == -1)
		return -1;
	version = env_kernel_version(path);
	if (!version && !getenv("SUPERMIN_KERNEL_VERSION")) {
		bp_error("--kernel '%s' is not an x86 Linux kernel image (no "
			 "release in its header); for another format set "
			 "SUPERMIN_KERNEL_VERSION",
			 path);
		return -1;
	}
	free(version);
	return 0;
}

static int check_inputs(const struct run_options *o)
{
	struct stat st;

	if (o->hv && env_check_executable("--hv", o->hv) == -1)
		return BP_EXIT_NOFILE;
	if (o->modules &&
	    (stat(o->modules, &st) == -1 || !S_ISDIR(st.st_mode))) {
		bp_error("--modules '%s' is not a directory", o->modules);
		return BP_EXIT_NOFILE;
	}
	if (o->kernel && check_kernel(o->kernel) == -1)
		return BP_EXIT_NOFILE;
	return BP_EXIT_OK;
}

static int kvm_usable(char *why, size_t len)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd == -1) {
		snprintf(why, len, "/dev/kvm: %s", strerror(errno));
		return 0;
	}
	close(fd);
	return 1;
}

/* The host's boot id: a KVM verdict holds until the host reboots. */
static void host_boot_id(char *buf, size_t len)
{
	FILE *fp = fopen("/proc/sys/kernel/random/boot_id", "r");

	buf[0] = '\0';
	if (fp) {
		if (!fgets(buf, (int)len, fp))
			buf[0] = '\0';
		fclose(fp);
	}
	buf[strcspn(buf, "\n")] = '\0';
}

/* <cache root>/kvm-unusable: whether KVM can boot is the host's
 * property, not one qemu's, and a range must not probe once per commit.
 */
static char *verdict_path(const struct runner_ctx *ctx)
{
	const char *slash = strrchr(ctx->cachedir, '/');
	int root = slash ? (int)(slash - ctx->cachedir) : 1;

	return bp_asprintf("%.*s/kvm-unusable", root,
			   slash ? ctx->cachedir : ".");
}

/* A failed probe is remembered in the cache root, so --accel auto on a
 * nested host pays the probe once per host boot, not once per run.
 * Returns 1 and the reason when one is on record.
 */
static int kvm_verdict_recalled(const struct runner_ctx *ctx, char *why,
				size_t len)
{
	char *path = verdict_path(ctx);
	char boot_id[64], line[700] = "";
	FILE *fp = fopen(path, "r");
	size_t n;

	free(path);
	if (!fp)
		return 0;
	if (!fgets(line, sizeof line, fp))
		line[0] = '\0';
	fclose(fp);
	host_boot_id(boot_id, sizeof boot_id);
	n = strlen(boot_id);
	if (!n || strncmp(line, boot_id, n) != 0 || line[n] != ' ')
		return 0;
	line[strcspn(line, "\n")] = '\0';
	snprintf(why, len, "%s; probed earlier since this host booted",
		 line + n + 1);
	return 1;
}

static void kvm_verdict_record(const struct runner_ctx *ctx, const char *why)
{
	char *path = verdict_path(ctx);
	char boot_id[64];
	FILE *fp;

	host_boot_id(boot_id, sizeof boot_id);
	fp = boot_id[0] ? fopen(path, "w") : NULL;
	if (fp) {
		fprintf(fp, "%s %s\n", boot_id, why);
		fclose(fp);
	}
	free(path);
}

/* Boot once under KVM with a short timeout, since on nested hosts
 * /dev/kvm opens but the guest hangs after the kernel starts.  Returns
 * a bp_exit code; ctx->accel says KVM when the probe booted.
 */
static int probe_kvm(struct runner_ctx *ctx, char *why, size_t len)
{
	const struct run_options *o = ctx->opts;
	double probe = o->kvm_probe_timeout_s < o->timeout_s
			   ? o->kvm_probe_timeout_s
			   : o->timeout_s;
	enum sample_status st;
	double ms;

	ctx->accel = ACCEL_KVM;
	if (runner_one(ctx, probe, &ms, &st, why, len) == 0)
		return BP_EXIT_OK;
	ctx->accel = ACCEL_TCG;
	if (st == SAMPLE_INTERRUPTED)
		return BP_EXIT_INTERRUPTED;
	if (st == SAMPLE_TIMEOUT)
		snprintf(why, len, "a KVM boot did not finish within %g s",
			 probe);
	/* Only a boot under TCG shows that KVM was at fault, and not the
	 * qemu, kernel or options (which fail under TCG too): the verdict
	 * is recorded after the first pass that boots (guestfs_observe).
	 */
	free(ctx->kvm_verdict);
	ctx->kvm_verdict = bp_strdup(why);
	return BP_EXIT_OK;
}

static bool warned_tcg;

/* --accel auto falls back to TCG with one warning; kvm stops. */
static int settle_accel(struct runner_ctx *ctx)
{
	const struct run_options *o = ctx->opts;
	bool want_kvm = o->accel == ACCEL_KVM;
	char why[700];
	int r;

	ctx->accel = ACCEL_TCG;
	if (o->accel == ACCEL_TCG)
		return BP_EXIT_OK;
	if (kvm_usable(why, sizeof why) &&
	    (want_kvm || !kvm_verdict_recalled(ctx, why, sizeof why))) {
		r = probe_kvm(ctx, why, sizeof why);
		if (r != BP_EXIT_OK || ctx->accel == ACCEL_KVM)
			return r;
	}
	if (want_kvm) {
		bp_error("--accel kvm: KVM cannot boot the appliance here "
			 "(%s); use --accel tcg or --accel auto",
			 why);
		return BP_EXIT_NO_ACCEL;
	}
	/* Once per run: a range settles the accelerator for every commit. */
	if (!warned_tcg)
		bp_warning("KVM unusable (%s); falling back to TCG", why);
	warned_tcg = true;
	return BP_EXIT_OK;
}

static int describe(struct runner_ctx *ctx)
{
	struct bench_env *env = ctx->env;
	guestfs_h *g = guestfs_create_flags(GUESTFS_CREATE_NO_CLOSE_ON_EXIT);
	struct guestfs_version *v;
	const char *append;

	if (!g || configure_handle(g, ctx) == -1) {
		bp_error("cannot set up libguestfs: %s",
			 g ? guestfs_last_error(g) : strerror(errno));
		if (g)
			guestfs_close(g);
		return -1;
	}
	v = guestfs_version(g);
	if (v)
		env->libguestfs_version = bp_asprintf(
		    "%lld.%lld.%lld%s", (long long)v->major,
		    (long long)v->minor, (long long)v->release, v->extra);
	guestfs_free_version(v);
	env->backend = guestfs_get_backend(g);
	env->hv = guestfs_get_hv(g);
	env->smp = guestfs_get_smp(g);
	env->memsize = guestfs_get_memsize(g);
	append = guestfs_get_append(g);
	env->append = bp_strdup(append ? append : "");
	guestfs_close(g);
	return 0;
}

static int guestfs_prepare(struct runner_ctx *ctx)
{
	const struct run_options *o = ctx->opts;
	struct bench_env *env = ctx->env;
	int r = check_inputs(o);

	if (r != BP_EXIT_OK)
		return r;
	if (make_cachedir(ctx) == -1)
		return BP_EXIT_FAILURE;
	env->runner = bp_strdup("guestfs");
	env->cachedir = bp_strdup(ctx->cachedir);
	env->appliance = ctx->shared_linked ? bp_strdup(ctx->shared_appliance)
					    : own_appliance(ctx);
	env->kernel = o->kernel ? realpath(o->kernel, NULL) : NULL;
	if (env->kernel)
		env->kernel_version = env_kernel_version(env->kernel);
	env->modules = bp_strdup(o->modules);
	ctx->accel = ACCEL_TCG;
	if (describe(ctx) == -1)
		return BP_EXIT_FAILURE;
	env->hv_version = env_hv_version(env->hv, 30);
	r = settle_accel(ctx);
	env->accel = bp_strdup(accel_name(ctx->accel));
	return r;
}

/* supermin copies the kernel it picked into the appliance; its header
 * names the release, and /boot/vmlinuz-RELEASE the file it came from.
 */
static void guestfs_observe(struct runner_ctx *ctx)
{
	struct bench_env *env = ctx->env;
	char *copy, *boot = NULL;

	if (ctx->kvm_verdict)
		kvm_verdict_record(ctx, ctx->kvm_verdict);
	free(ctx->kvm_verdict);
	ctx->kvm_verdict = NULL;
	if (env->kernel)
		return;
	copy = bp_asprintf("%s/.guestfs-%d/appliance.d/kernel", ctx->cachedir,
			   (int)geteuid());
	env->kernel_version = env_kernel_version(copy);
	if (env->kernel_version)
		boot = bp_asprintf("/boot/vmlinuz-%s", env->kernel_version);
	if (boot && access(boot, F_OK) == 0) {
		env->kernel = boot;
		boot = NULL;
	} else
		env->kernel = realpath(copy, NULL);
	free(boot);
	free(copy);
}

const struct runner runner_guestfs = {
    .name = "guestfs",
    .prepare = guestfs_prepare,
    .sample = guestfs_sample,
    .observe = guestfs_observe,
};
