/* bootperf - cmd/: one file per subcommand; the only place that ties
 * walking, building, measuring and storing together.
 */
#ifndef BOOTPERF_CMD_H
#define BOOTPERF_CMD_H

#include <getopt.h>
#include <stdio.h>

#include "common.h"
#include "runner.h"

enum {
	OPT_RUNS = 256,
	OPT_WARMUP,
	OPT_SMP,
	OPT_MEMSIZE,
	OPT_APPEND,
	OPT_ACCEL,
	OPT_TIMEOUT,
	OPT_KVM_PROBE_TIMEOUT,
	OPT_HV,
	OPT_KERNEL,
	OPT_MODULES,
	OPT_RUNNER,
	OPT_COMMAND,
	OPT_CACHE_DIR,
	OPT_VERBOSE,
	OPT_JSON,
	OPT_HELP,
	OPT_VERSION,
	OPT_LONG_OPTIONS,
	OPT_PRESET,
	OPT_BUILD,
	OPT_HV_ARTIFACT,
	OPT_KERNEL_ARTIFACT,
	OPT_BUILD_TIMEOUT,
	OPT_FIRST_PARENT,
	OPT_STORE,
	OPT_FORCE,
	OPT_MAX_COMMITS,
	OPT_EVERY,
	OPT_ALPHA,
	OPT_THRESHOLD,
	OPT_TEST,
	OPT_NO_COLOR,
	OPT_QEMU_ARG,
	OPT_INTERLEAVE,
	OPT_THRESHOLD_MS,
	OPT_GOOD,
	OPT_BAD,
	OPT_IN_PLACE,
	OPT_REPO,
	OPT_MIN_RUNS,
	OPT_MAX_RUNS,
	OPT_SIZE_RUNS,
	OPT_VERIFY_RUNS,
	OPT_VERIFY_REVERT,
	OPT_IMPROVEMENT,
	OPT_QUIET_RUNS,
	OPT_SVG,
	OPT_RECORD,
	OPT_REPLAY,
	OPT_LIST_STAGES,
	OPT_STAGES,
	OPT_STAGE_RUNS,
	OPT_REMOTE,
	OPT_BRANCH,
	OPT_SINCE,
	OPT_ALL_PARENTS,
	OPT_NOTE,
	OPT_FORMAT,
	OPT_OUTPUT,
	OPT_CONFIG,
	OPT_COMMIT_URL,
	OPT_MODULES_ARTIFACT,
	OPT_UNDECIDED,
	OPT_ARTIFACT,
	OPT_ARTIFACTS_MAX,
	OPT_SHARD,
};

/* The RUN OPTIONS every runner honours (man page, RUN OPTIONS). */
/* clang-format off */
#define RUN_LONG_OPTIONS                                                     \
	{ "runs", required_argument, NULL, OPT_RUNS },                       \
	{ "warmup", required_argument, NULL, OPT_WARMUP },                   \
	{ "smp", required_argument, NULL, OPT_SMP },                     \
	{ "memsize", required_argument, NULL, OPT_MEMSIZE },             \
	{ "append", required_argument, NULL, OPT_APPEND },               \
	{ "accel", required_argument, NULL, OPT_ACCEL },                 \
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },             \
	{ "kvm-probe-timeout", required_argument, NULL,                  \
	  OPT_KVM_PROBE_TIMEOUT },                                       \
	{ "hv", required_argument, NULL, OPT_HV },                       \
	{ "kernel", required_argument, NULL, OPT_KERNEL },               \
	{ "modules", required_argument, NULL, OPT_MODULES },             \
	{ "runner", required_argument, NULL, OPT_RUNNER },               \
	{ "command", required_argument, NULL, OPT_COMMAND },             \
	{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },         \
	{ "verbose", no_argument, NULL, OPT_VERBOSE },                   \
	{ "json", no_argument, NULL, OPT_JSON }

#define COMMON_LONG_OPTIONS                                                  \
	{ "help", no_argument, NULL, OPT_HELP },                             \
	{ "version", no_argument, NULL, OPT_VERSION },                   \
	{ "long-options", no_argument, NULL, OPT_LONG_OPTIONS }
/* clang-format on */

/* The BUILD OPTIONS of range, bisect-run, ... (measure.c). */
/* clang-format off */
#define BUILD_LONG_OPTIONS                                                   \
	{ "preset", required_argument, NULL, OPT_PRESET },                   \
	{ "build", required_argument, NULL, OPT_BUILD },                     \
	{ "hv-artifact", required_argument, NULL, OPT_HV_ARTIFACT },         \
	{ "kernel-artifact", required_argument, NULL, OPT_KERNEL_ARTIFACT }, \
	{ "modules-artifact", required_argument, NULL,                       \
	  OPT_MODULES_ARTIFACT },                                            \
	{ "config", required_argument, NULL, OPT_CONFIG },                   \
	{ "qemu-arg", required_argument, NULL, OPT_QEMU_ARG },               \
	{ "build-timeout", required_argument, NULL, OPT_BUILD_TIMEOUT },     \
	{ "store", required_argument, NULL, OPT_STORE },                     \
	{ "force", no_argument, NULL, OPT_FORCE },                           \
	{ "artifact", required_argument, NULL, OPT_ARTIFACT },               \
	{ "artifacts-max", required_argument, NULL, OPT_ARTIFACTS_MAX }
/* clang-format on */

/* Parsed RUN OPTIONS plus what the runner table needs. */
struct run_cli {
	struct run_options run;
	const struct runner *runner;
	int json;
};

/* runopts.c */
void run_cli_init(struct run_cli *cli);
/* 1: c was a run option and is stored; 0: not a run option; -1: bad
 * value (message printed).
 */
int run_cli_parse(struct run_cli *cli, int c, const char *arg);
int run_cli_finish(struct run_cli *cli);
int cmd_common_option(const char *cmd, int c, const struct option *opts);
/* One subcommand's options: its table, its own options (own returns 1
 * taken, 0 not its own, -1 bad value after a message), then BUILD and
 * RUN options when build and run are set.
 */
struct build_cli;
struct cmd_parser {
	const char *cmd;
	const struct option *options;
	const char *shortopts; /* NULL: none (":"); must start with ':' */
	int (*own)(void *cli, int c, const char *arg);
	void *cli;
	struct build_cli *build;
	struct run_cli *run;
};
/* The getopt_long loop: -1 to go on with the operands at argv[optind],
 * or the exit status to stop with now (--help, a usage error).
 */
int cmd_parse_options(const struct cmd_parser *p, int argc, char **argv);
/* Colour by default: only on a terminal, never with NO_COLOR. */
bool cmd_color_default(void);
/* 1 with *out set, or -1 after a message: a number in (min, max). */
int cmd_parse_fraction(const char *opt, const char *arg, double min, double max,
		       double *out);
/* --first-parent, --max-commits, --every (range and build): 1 taken,
 * 0 not one of them, -1 bad value (message printed).
 */
struct walk_options;
int cmd_walk_option(struct walk_options *w, int c, const char *arg);
/* 1 with *out set, or -1 after a message: a percentage, 0 or more. */
int cmd_parse_percent(const char *opt, const char *arg, double *out);
/* 1 with *out set, or -1: mann-whitney or welch (--test). */
int cmd_parse_test(const char *arg, enum stats_method *out);
/* A bad option in argv[optind - 1]: one message, the usage hint. */
/* BP_EXIT_USAGE after "CMD: unexpected argument 'ARG' (CMD takes
 * TAKES)": an operand too many is named, not blamed on one missing.
 */
int cmd_extra_operand(const char *cmd, const char *arg, const char *takes);
int cmd_bad_option(const struct cmd_parser *p, int c, char **argv);
/* The exit status for the last failed walk_* call (its kind). */
int cmd_walk_exit(void);

/* output.c: output files named on the command line. */

/* path with every symbolic link in its last component followed to what
 * it names, which need not exist (a dangling link is written through,
 * as a shell's '>' would); allocated.  NULL with errno set (ELOOP).
 */
char *cmd_follow_links(const char *path);
/* Whether what (an option, e.g. "--svg") may write path, asked before
 * the work that fills it, creating nothing: an existing regular file,
 * FIFO or character device that is writable, or a new file in a
 * directory that is.  BP_EXIT_OK, or BP_EXIT_NOFILE after a message.
 */
int cmd_output_check(const char *what, const char *path);

/* measure.c: build and measure one commit, keep the result */
struct build_cli {
	const struct preset *preset; /* --preset, or NULL */
	const char *build;
	const char *hv_artifact;
	const char *kernel_artifact;
	const char *modules_artifact;
	const char *kernel_config; /* --config FILE, or NULL */
	const char **qemu_args;	   /* --qemu-arg, in order (owned array) */
	size_t n_qemu_args;
	double build_timeout_s;
	const char *store_dir; /* NULL: GITDIR/bootperf */
	bool force;
	const char **artifacts; /* --artifact, in order (owned array) */
	size_t n_artifacts;
	long long artifacts_max; /* --artifacts-max, bytes */
};
/* The default --artifacts-max: 10 GiB. */
#define ARTIFACTS_MAX_DEFAULT (10LL << 30)
void build_cli_init(struct build_cli *b);
/* 1 taken, 0 not a build option, -1 bad value (message printed). */
int build_cli_parse(struct build_cli *b, int c, const char *arg);
void build_cli_free(struct build_cli *b);

struct walk_repo;
struct store;
struct walk_list;

/* Builds commits in bootperf's worktrees (two, for interleaving; and
 * --in-place's tree, MEASURER_IN_PLACE) and measures them under one
 * configuration.  Functions return a bp_exit
 * code; a failure that belongs to the commit (build, boot) is recorded
 * in its result instead.
 */
struct measurer {
	const struct build_cli *build;
	const struct run_cli *run;
	struct walk_repo *repo; /* borrowed */
	struct store *store;	/* owned, locked */
	char *worktree[3];	/* [MEASURER_IN_PLACE]: NULL without in_place */
	char built[3][41];	/* the commit built in each, "" if unknown */
	/* The commit whose passes ran last in each, with no build since in
	 * any worktree: its caches are warm, a top-up needs no warm-up.
	 */
	char warm[3][41];
	char config_id[41];
	size_t builds, boots; /* done by this run */
	/* measurer_extend_turns in balanced blocks (A B B A), not A B A B,
	 * and a failed pass stops every commit's passes
	 */
	bool balanced;
	/* what is under way, for res (NULL: several commits in turns) */
	void (*progress)(void *arg, const struct commit_result *res,
			 const char *what);
	void *progress_arg;
	const char *in_place; /* worktree MEASURER_IN_PLACE: no checkout */
	/* For builds: BOOTPERF_KERNEL_CONFIG, BOOTPERF_SOURCE; NULL-ended */
	char *build_env[3];
	/* The artifact store (capture.c): what is captured, where, and the
	 * captured directory of the commit each worktree holds (built[w]),
	 * which its boots read.
	 */
	char build_id[41];
	char *art_top;	/* STORE/artifacts */
	char *art_root; /* STORE/artifacts/BUILD-ID (12 digits) */
	char **art_paths;
	size_t n_art_paths;
	char *dir[3];
	char **used; /* commits whose artifacts this run used: kept */
	/* --force builds only this commit again (bisect-run's under test;
	 * NULL: every commit)
	 */
	const char *force_only;
	size_t n_used;
	struct artifact_counts art;
	bool over_max_said;
};

/* The worktree index of the user's checkout (bisect-run --in-place):
 * built as git bisect checked it out.
 */
#define MEASURER_IN_PLACE 2

/* The run options of a commit built in a worktree.  Owns hv, kernel,
 * modules; hv_wrapper: hv is a --qemu-arg wrapper in the store, removed
 * by prepared_free.
 */
struct prepared {
	struct run_options o;
	char *hv;
	char *kernel;
	char *modules;
	bool hv_wrapper;
};

/* What is under way, for the command's progress line (res NULL: several
 * commits in turns).
 */
void measurer_progress(const struct measurer *m,
		       const struct commit_result *res, const char *what);
/* Open and lock the store; config_extra joins the configuration id. */
int measurer_open(struct measurer *m, struct walk_repo *repo,
		  const char *config_extra);
void measurer_close(struct measurer *m);
/* Check res->commit_id out in worktree w and build it; *built false when
 * the build failed (recorded in res).
 */
int measurer_build(struct measurer *m, int w, struct commit_result *res,
		   bool *built);
/* *ready false when the build's artifacts are missing (recorded). */
int measurer_prepare(struct measurer *m, int w, struct commit_result *res,
		     struct prepared *p, bool *ready);
void prepared_free(struct prepared *p);
/* How the passes ended, from runner_bench's return and status. */
int measurer_record(struct commit_result *res, int r, enum sample_status st);
/* 1 when a stored result replaced *res (not with --force), 0 when there
 * is none (or it is unreadable: it will be measured again), -1 when a
 * newer bootperf's result is in the way (message printed; BP_EXIT_STORE).
 */
int measurer_recall(struct measurer *m, struct commit_result *res);
/* BP_EXIT_STORE (message printed) when a result of a newer bootperf is
 * stored for a commit of l, else BP_EXIT_OK: a run that would stop there
 * hours later stops before its first build.
 */
int measurer_check_newer(struct measurer *m, const struct walk_list *l);
/* measurer_recall, with --force or not: bisect-run's endpoints. */
int measurer_stored(struct measurer *m, struct commit_result *res);
int measurer_save(struct measurer *m, struct commit_result *res);
/* How many passes a commit needs: want in all (stored ones count), or
 * fewer once enough(arg, res), asked before each pass, says so.
 */
struct extend_goal {
	size_t want;
	bool (*enough)(void *arg, const struct commit_result *res);
	void *arg;
	size_t measured; /* out: the passes measured (warm-ups aside) */
};
/* Measure res until goal is met, in worktree w (built there first when
 * another commit is), adding to the samples already in res when they
 * were measured alike (same accelerator, qemu version and host), and
 * save it.  A build or boot failure is recorded in res; one while passes
 * are added to a measured result leaves it measured in the store.
 */
int measurer_extend(struct measurer *m, int w, struct commit_result *res,
		    struct extend_goal *goal);
/* The most commits measurer_extend_turns takes. */
#define MEASURER_TURNS 2
/* measurer_extend of n commits at once, res[k] in worktree w[k] to
 * goal[k]: all built first, then their warm-ups and passes in turns (A B
 * A B, a commit that has what it wants drops out), so that a drift of
 * the machine weighs on each alike.  The first error's exit code.
 */
int measurer_extend_turns(struct measurer *m, const int *w,
			  struct commit_result **res, struct extend_goal **goal,
			  size_t n);
/* measurer_extend in worktree 0 up to --runs passes. */
int measurer_measure(struct measurer *m, struct commit_result *res);

/* capture.c: the artifact store (STORE/artifacts/BUILD-ID/COMMIT/). */

/* Whether path may be an --artifact: relative, inside the worktree. */
bool artifact_path_ok(const char *path);
/* What is captured and the build id, from the options (measurer_open). */
int artifacts_open(struct measurer *m, const char *kernel_config);
void artifacts_close(struct measurer *m);
/* 1 with *dir (owned) when commit's copy is there and intact; else it
 * must be built: 2 when the store has no copy, 0 with --force (before
 * this run captured it) or when a file of the copy is missing or
 * altered (after a warning).
 */
int artifacts_reuse(struct measurer *m, const char *commit, char **dir);
/* Copy what is captured from worktree wt; BP_EXIT_OK with *dir, or
 * BP_EXIT_STORE after a message.  Then the least recently used copies
 * go while the store holds more than --artifacts-max, never one this
 * run used.
 */
int artifacts_capture(struct measurer *m, const char *wt, const char *commit,
		      char **dir);
void artifacts_evict(struct measurer *m);

/* judge.c: the verdict of bisect and bisect-run on a commit, against
 * the endpoints of the search.
 */
struct judge_options {
	long runs;		  /* endpoint passes at first (--runs) */
	long min_runs;		  /* a commit's passes: at least ... */
	long max_runs;		  /* ... and at most (endpoints too) */
	double alpha;		  /* endpoint test level, SPRT error rates */
	enum stats_method method; /* the endpoint test */
	/* --undecided midpoint: a commit still undecided at max_runs goes
	 * to the nearer endpoint (default: skipped, as one that does not
	 * build)
	 */
	bool midpoint;
};
/* The defaults of bisect and bisect-run: 2 to 10 passes, 0.01,
 * Mann-Whitney, undecided skipped (runs is theirs to set).
 */
void judge_options_init(struct judge_options *o);
/* --min-runs, --max-runs, --alpha, --test: 1 taken, 0 not one of them,
 * -1 bad value (message printed).
 */
int judge_option_parse(struct judge_options *o, int c, const char *arg);
/* -1 (message printed) when the options cannot work together. */
int judge_check(const struct judge_options *o);

struct judge {
	struct judge_options o;
	struct measurer *m;
	/* good, bad (their results recalled or empty), good_rev, bad_rev,
	 * alpha, threshold, method, improvement; judge_endpoints fills
	 * endpoints, endpoint_percent, sprt and why.
	 */
	struct bisect_report *rep;
	bool midpoint;	  /* undecided at max_runs: the nearer endpoint */
	bool swapped;	  /* out: good is the slower (with improvement,
			   * the faster); rep->why is the caller's */
	const char *what; /* the commit being measured, for progress */
	char what_buf[64];
};
struct walk_commit;
/* s empty, for commit c under config_id (NUL-ended, copied). */
void judge_step_init(struct bisect_step *s, const struct walk_commit *c,
		     const char *config_id);
/* measurer_extend of s in worktree w (nothing when s failed before),
 * counted in s->passes_now.
 */
int judge_measure(struct judge *j, struct bisect_step *s, int w,
		  struct extend_goal *goal);
/* Both endpoints, good in worktree 0 and bad in 1, from o.runs passes
 * with two more each while they do not differ, up to o.max_runs.
 * BP_EXIT_OK with rep->sprt set; BP_EXIT_UNTESTABLE (an endpoint failed)
 * or BP_EXIT_NO_CHANGE (no difference, or j->swapped) with rep->why set
 * except when swapped; or another bp_exit code.
 */
int judge_endpoints(struct judge *j);
/* s measured in worktree w until the SPRT decides, after o.min_runs and
 * at most o.max_runs passes (stored ones count), then s->verdict,
 * s->llr and s->by_midpoint: STATS_UNDECIDED when s failed, or when
 * still undecided and not j->midpoint.
 */
int judge_commit(struct judge *j, int w, struct bisect_step *s);

/* stages.c: analyzed boots (bootperf analyze, range/bisect --stages) */
/* clang-format off */
#define STAGES_LONG_OPTIONS                                                  \
	{ "stages", no_argument, NULL, OPT_STAGES },                         \
	{ "stage-runs", required_argument, NULL, OPT_STAGE_RUNS }
/* clang-format on */

#define STAGES_DEFAULT_RUNS 3

/* --stages, --stage-runs; zeroed means off. */
struct stages_cli {
	bool on;
	long runs; /* analyzed passes of each side */
};
/* 1 taken, 0 not a stages option, -1 bad value (message printed). */
int stages_cli_parse(struct stages_cli *s, int c, const char *arg);
/* After all options: -1 (message printed) when they do not fit. */
int stages_cli_finish(struct stages_cli *s, const struct run_cli *run);
/* --stages: analyze each significant change of the range and its
 * previous commit, or bisect's culprit and its baseline, and keep the
 * stage by stage changes in r->stages.  A commit that cannot be built
 * or booted is noted there; only an interruption stops them.
 */
int stages_range(struct measurer *m, struct range_report *r,
		 const struct stages_cli *s);
int stages_bisect(struct measurer *m, struct bisect_report *r,
		  const struct stages_cli *s);
/* history.c: a history (every commit oldest first) from the store */
struct track_state;
void cmd_history_init(struct history *h, double alpha, double threshold);
/* --alpha and --threshold of the neighbours and the change points; the
 * permutations follow alpha (cp_permutations).
 */
void cmd_history_levels(struct history *h, double alpha, double threshold);
/* 1 with *alpha set, or -1 after a message: --alpha of track and
 * report, in (0, 0.5) and within the permutation test's reach.
 */
int cmd_history_alpha(const char *arg, double *alpha);
/* Warn when --runs (track) or the fewest passes of the measured commits
 * (report) cannot reach p < alpha between neighbours, as range does.
 */
void cmd_history_warn_runs(const struct history *h, long runs);
void cmd_history_warn_samples(const struct history *h);
/* h->r.config_id must be set first. */
void cmd_history_from_walk(struct history *h, const struct walk_list *l);
void cmd_history_from_state(struct history *h, const struct track_state *s);
/* Each commit's stored result, or missing (a corrupt file is named). */
void cmd_history_load(struct history *h, struct store *st);
/* The same, but the first result of a newer bootperf stops it: -2 (the
 * error said which), else 0.  One read of each file, where a check of
 * the store first (measurer_check_newer) and the load read each twice.
 */
int cmd_history_load_checked(struct history *h, struct store *st);
/* store_get's answer. */
int cmd_history_load_one(struct history *h, struct store *st, size_t i);
/* Change points the state knows, and the store's acknowledgements. */
void cmd_history_mark(struct history *h, struct store *st,
		      const struct track_state *s, double now);

/* help.c (generated from docs/bootperf.pod) */
void help_print(FILE *fp, const char *cmd);

/* one per subcommand */
int cmd_bench(int argc, char **argv);
int cmd_range(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_bisect_run(int argc, char **argv);
int cmd_bisect(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_track(int argc, char **argv);
int cmd_ack(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
