/* bootperf - runner/: measure one configuration, warm-up then N passes.
 *
 * Knows libguestfs and POSIX processes only.  Every sample runs in a
 * forked child in a process group of its own, so a boot that hangs is
 * killed whole (qemu, supermin, the recovery process) at its timeout.
 */
#ifndef BOOTPERF_RUNNER_H
#define BOOTPERF_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common.h"

/* What the user asked for.  Strings are borrowed from the caller. */
struct run_options {
	long runs;
	long warmup;
	int smp;     /* 0: libguestfs default */
	int memsize; /* MB, 0: libguestfs default */
	const char *append;
	enum accel accel;
	double timeout_s; /* per sample */
	double kvm_probe_timeout_s;
	const char *hv;	    /* NULL: libguestfs default */
	const char *kernel; /* NULL: what supermin picks */
	const char *modules;
	const char *command;	/* command runner only */
	const char *worktree;	/* {worktree} in --command */
	const char *cache_root; /* NULL: $XDG_CACHE_HOME/bootperf */
	bool verbose;		/* appliance console on stderr */
	bool progress;		/* one line per pass on stderr */
	bool discard_cache;	/* remove the libguestfs cache afterwards: its
				 * qemu or kernel will not come back */
	bool share_appliance;	/* the supermin appliance is kept for the
				 * next qemu with this kernel (guestfs.c) */
	bool analyze;	 /* guestfs: boot verbosely with RUNNER_ANALYZE_APPEND
			  * and record every event (runner_session_events) */
	bool keep_going; /* a failed pass is a warning: the caller records
			  * it and goes on to the next commit */
};

/* What analyzed boots add to the kernel command line: the appliance's
 * /init skips its debug dump, every printk reaches the console, and
 * the kernel times each initcall.
 */
#define RUNNER_ANALYZE_APPEND                                                  \
	"guestfs_boot_analysis=1 ignore_loglevel initcall_debug"

#define RUN_OPTIONS_INIT                                                       \
	{                                                                      \
		.runs = 10, .warmup = 3, .accel = ACCEL_AUTO,                  \
		.timeout_s = 600, .kvm_probe_timeout_s = 60,                   \
	}

struct runner_ctx;

/* A way of producing samples.  Tests and later subcommands may add
 * their own table without touching runner_bench.
 */
struct runner {
	const char *name;
	/* Parent, before any sample: check inputs, settle the accelerator,
	 * fill in what is known of ctx->env.  Returns a bp_exit code.
	 */
	int (*prepare)(struct runner_ctx *ctx);
	/* In the measuring child: produce one sample.  Returns 0 with *ms
	 * set, or -1 with a message in msg.
	 */
	int (*sample)(struct runner_ctx *ctx, double *ms, char *msg,
		      size_t msglen);
	/* Parent, after the first successful sample. */
	void (*observe)(struct runner_ctx *ctx);
};

struct runner_ctx {
	const struct run_options *opts;
	struct bench_env *env;
	enum accel accel; /* settled by prepare: KVM or TCG */
	char *cachedir;
	const struct runner *runner;
	FILE *events; /* analyze: the pass writes its events here, or NULL */
	char *kvm_verdict;	/* why KVM failed, kept once TCG has booted */
	char *shared_appliance; /* share_appliance: where it is kept */
	bool shared_linked;	/* this cache boots it (linked there) */
};

/* guestfs.c */
extern const struct runner runner_guestfs;
/* Before a cache with share_appliance is removed: its supermin
 * appliance, when it built one of its own, becomes the shared one.
 */
void runner_keep_appliance(struct runner_ctx *ctx);

/* command.c */
extern const struct runner runner_command;
/* command.c: BP_EXIT_OK, or BP_EXIT_BUILD_CMD after a message when the
 * first word of the --command line is a plain word (no quote, expansion,
 * assignment or '/') that is no shell builtin and not found on PATH: a
 * typo that would otherwise show only after the first build.
 */
int command_check_program(const char *command);
const struct runner *runner_find(const char *name);
char *command_expand(const char *cmd);

/* bench.c */
/* Run warm-ups and passes; res is filled even on failure (the samples
 * measured so far).  Returns a bp_exit code; *failed names what failed.
 */
int runner_bench(const struct runner *r, const struct run_options *opts,
		 struct bench_result *res, enum sample_status *failed);
/* The same, a pass at a time, so two configurations can take turns
 * (interleaved passes).  open returns a bp_exit code and always gives
 * a session to close; pass returns 0 or -1 with *failed set; close
 * fills the statistics and frees the session.
 */
struct runner_session;
int runner_session_open(struct runner_session **out, const struct runner *r,
			const struct run_options *opts,
			struct bench_result *res);
int runner_session_pass(struct runner_session *s, bool warmup, long i, long n,
			enum sample_status *failed);
/* runner_session_pass that also gives the sample taken in *ms. */
int runner_session_sample(struct runner_session *s, bool warmup, long i, long n,
			  double *ms, enum sample_status *failed);
/* A measured pass of an analyze session that also returns the boot's
 * events (*ev is initialised; free it even on failure).
 */
int runner_session_events(struct runner_session *s, long i, long n,
			  struct boot_events *ev, enum sample_status *failed);
/* The accelerator the session settled on. */
enum accel runner_session_accel(const struct runner_session *s);
void runner_session_close(struct runner_session *s, enum sample_status status);
/* The progress line of pass (or warm-up) i of n, when progress. */
void runner_report_pass(bool progress, const char *kind, long i, long n,
			double ms);
int runner_one(struct runner_ctx *ctx, double timeout_s, double *ms,
	       enum sample_status *status, char *msg, size_t msglen);

/* schedule.c: the one pass scheduler.  Sessions (built commits, or
 * configurations) run their warm-ups, then their passes in an order:
 */
enum sched_order {
	SCHED_SEQUENTIAL, /* each session's warm-ups and passes, in turn */
	SCHED_ALTERNATE,  /* one of each in turn: A B A B */
	SCHED_BALANCED,	  /* forward, then backward: A B B A, A B C C B A */
	SCHED_ROUNDS,	  /* each round every session once, in a fresh
			   * random order (warm-ups keep the sessions') */
};

/* One session's part.  The caller sets warmups, passes, pass, more and
 * arg; schedule_run sets the rest.
 */
struct sched_session {
	long warmups; /* warm-ups before its first pass */
	long passes;  /* passes at most */
	/* One pass (i of n): 0 with *ms set, or -1 with *st set; a failed
	 * pass ends this session's part.
	 */
	int (*pass)(void *arg, bool warmup, long i, long n, double *ms,
		    enum sample_status *st);
	/* Asked before each warm-up and pass: false once the session has
	 * enough (its goal); NULL: passes alone decide.
	 */
	bool (*more)(void *arg);
	void *arg;
	long warmed, done;     /* out: warm-ups and passes taken */
	enum sample_status st; /* out: SAMPLE_OK, or how its part ended */
	bool failed;	       /* out */
};

/* A sample as it is taken: which session, when (the schedule's clock,
 * before the pass), how long.
 */
struct sched_sample {
	size_t session;
	bool warmup;
	long i;
	double t, ms;
};

struct schedule {
	enum sched_order order;
	bool stop_on_failure; /* a failed pass ends every session's part;
			       * an interruption always does */
	void (*on_sample)(void *arg, const struct sched_sample *smp);
	/* Injectable for simulations: NULL is now_monotonic, and a
	 * generator seeded with seed.
	 */
	double (*clock)(void *arg);
	uint64_t (*random)(void *arg);
	void *arg; /* of on_sample, clock and random */
	uint64_t seed;
};

/* Run s[0..n-1]: warm-ups first (one of each in turn, or each session's
 * before its passes when SCHED_SEQUENTIAL), then passes in the order,
 * each session until its passes are taken, more says enough, or a pass
 * fails.  0, or -1 when an interruption (or a failure with
 * stop_on_failure) stopped them all.
 */
int schedule_run(const struct schedule *sch, struct sched_session *s, size_t n);
/* A pass function for a runner session: arg is the session. */
int sched_runner_pass(void *arg, bool warmup, long i, long n, double *ms,
		      enum sample_status *st);

/* analysis.c: analyzed boots (guestfs) */
/* o->warmup analyzed warm-ups, then o->runs analyzed passes in turns
 * with quiet_runs quiet ones (the same settings, not analyzed).  *a is
 * filled even on failure; returns a bp_exit code.
 */
int analysis_measure(struct analysis *a, const struct run_options *o,
		     long quiet_runs, bool progress);

/* build.c */
struct build_options {
	const char *command; /* run by /bin/sh -c in the worktree */
	const char *worktree;
	const char *log_path; /* output, truncated first */
	double timeout_s;
	const char *const *env; /* "NAME=value" for the build, NULL-ended;
				 * may be NULL */
};
/* SAMPLE_OK with *seconds set, else why in msg. */
enum sample_status runner_build(const struct build_options *o, double *seconds,
				char *msg, size_t len);

/* What a failed build's log says: a build command that is not there
 * (command_missing, and its name in command when the log says), and
 * the Debian packages it lacks (packages, space-separated, or "").
 */
struct build_diagnosis {
	bool command_missing;
	char command[256];
	char packages[256];
};
void runner_build_diagnose(struct build_diagnosis *d, const char *log_path,
			   const char *msg);

/* deps.c: what a build needs from the machine. */
enum need_kind { NEED_COMMAND = 1, NEED_PKGCONFIG, NEED_HEADER };
struct build_need {
	enum need_kind kind;
	const char *name;    /* command, pkg-config module or header */
	const char *package; /* the Debian package that provides it */
};
/* Whether name is a regular executable file in one of the directories
 * of path (colon-separated; an empty one is the current directory).
 */
bool runner_in_path(const char *name, const char *path);
/* Needs (an array ending with name NULL) not met: their packages and
 * names, space-separated and each once; returns how many.
 */
size_t runner_missing_needs(const struct build_need *needs, char *packages,
			    size_t plen, char *what, size_t wlen);
/* The last 256 KiB of a build's log, "" when it cannot be read;
 * owned by the caller.
 */
char *runner_build_log_tail(const char *log_path);

/* preset.c: what bootperf knows of QEMU and Linux trees.  The build
 * commands are runner/presets/NAME.sh, embedded as presets.c.
 */
extern const char preset_build_qemu[];
extern const char preset_build_kernel[];
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
/* The preset called name, or NULL after a message. */
const struct preset *preset_find(const char *name);
/* BP_EXIT_OK, or BP_EXIT_BUILD_DEPS after a message naming the Debian
 * packages the preset's build needs and this machine lacks.
 */
int preset_check_needs(const struct preset *p);
/* What worktree's .config lacks of what the appliance needs: how many,
 * named in missing; 0 when the preset checks none or there is no
 * .config.
 */
size_t preset_kconfig_missing(const struct preset *p, const char *worktree,
			      char *missing, size_t len);
/* The whole of a small regular file (at most max bytes), owned; NULL
 * with errno set (EINVAL: not a regular file).
 */
char *runner_read_file(const char *path, size_t max);

/* artifacts.c: what a build leaves for its boots */
/* The extra qemu arguments: --qemu-arg's (user), then the preset's
 * (NULL-ended, or NULL).
 */
struct qemu_args {
	const char *const *user;
	size_t n_user;
	const char *const *preset;
};
/* Argument i, or NULL past the last. */
const char *qemu_args_at(const struct qemu_args *a, size_t i);
/* Each argument with {worktree} replaced by worktree (NULL: kept as
 * written), quoted as one shell word, after a space.
 */
void qemu_args_put(FILE *fp, const struct qemu_args *a, const char *worktree);
/* qemu_args_put's text with {worktree} kept, owned (the config id). */
char *qemu_args_join(const struct qemu_args *a);
/* a with {worktree} replaced by worktree (when not NULL), owned. */
char *runner_expand_worktree(const char *a, const char *worktree);
/* A commit's artifacts: absolute paths (NULL: none asked) and as the
 * options gave them.
 */
struct artifacts {
	const char *hv, *kernel, *modules;
	const char *hv_rel, *kernel_rel, *modules_rel;
};
/* Why the build in wt did not leave what a asks for (naming a file of
 * that name elsewhere in wt, when there is one), owned; NULL when all
 * is there.
 */
char *runner_artifacts_missing(const char *wt, const struct artifacts *a);
/* The preset's qemu must find its firmware in one of the -L directories
 * of a, or every boot fails with "could not load PC BIOS": BP_EXIT_OK,
 * or BP_EXIT_NOFILE after a message.
 */
int runner_check_firmware(const struct preset *p, const struct qemu_args *a,
			  const char *wt);
/* A shell script that runs hv (NULL: qemu-system-x86_64) with a's
 * arguments ({worktree}: wt) and its own; -1 when fp failed.
 */
int runner_write_wrapper(FILE *fp, const char *commit_id, const char *hv,
			 const struct qemu_args *a, const char *wt);

/* child.c */
void runner_signals_init(void);
bool runner_interrupted(void);
int runner_interrupt_signal(void);
long runner_maxrss_kb(void);
typedef int (*child_fn)(void *arg, double *ms, char *msg, size_t msglen);
enum sample_status child_measure(child_fn fn, void *arg, double timeout_s,
				 double *ms, char *msg, size_t msglen);
void describe_exit(char *msg, size_t len, const char *what, int wstatus);
int run_argv_capture(char *const argv[], double timeout_s, char *out,
		     size_t outlen);

/* env.c */
void env_fill_host(struct bench_env *env);
char *env_hv_version(const char *hv, double timeout_s);
char *env_kernel_version(const char *path);
char *env_cache_root(const char *override);
int env_check_executable(const char *what, const char *path);
int env_check_file(const char *what, const char *path);

#endif
