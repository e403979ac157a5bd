/* bootperf - common/: plain data types, error reporting and pure math.
 *
 * Everything here is shared by bisect/, runner/, reports/ and cmd/, and
 * includes none of them.  No libgit2, libguestfs or cJSON in this folder.
 */
#ifndef BOOTPERF_COMMON_H
#define BOOTPERF_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifndef BOOTPERF_VERSION
#define BOOTPERF_VERSION "0.1.0"
#endif

/* stats.c: descriptive statistics and two-sample tests for boot times.
 * Pure math, no I/O.  Inputs are never modified; functions that need
 * sorted data work on private copies.  Inputs must not contain NaN.
 */
struct stats_summary {
	size_t n;
	double mean;
	double sd; /* sample sd (n-1 denominator); NAN if n < 2 */
	double median;
	double min, max;
	double ci_low, ci_high; /* 95% CI of the mean, Student t, n-1 df;
				 * NAN if n < 2 */
	double trimmed_mean;	/* drops floor(n/10) lowest and highest;
				 * equals mean for n < 10 */
	double mad;		/* median absolute deviation from the median,
				 * unscaled (no 1.4826 factor) */
};

/* Returns 0, or -1 when n == 0 or allocation fails (*out untouched). */
int stats_summarize(struct stats_summary *out, const double *x, size_t n);
double stats_mean(const double *x, size_t n); /* NAN if n == 0 */
double stats_sd(const double *x, size_t n);   /* sample sd; NAN if n < 2 */
/* qsort's comparison of doubles, ascending (NaN last). */
int stats_cmp_double(const void *pa, const void *pb);
/* The pooled variance of two samples, on na + nb - 2 degrees of freedom
 * (a side of one value adds none); 0 when there are none.
 */
double stats_pooled_var(const double *a, size_t na, const double *b, size_t nb);
/* Median (mean of the middle two for even n); -1 if n == 0 or ENOMEM. */
int stats_median(double *out, const double *x, size_t n);

enum stats_method {
	STATS_WELCH,
	STATS_MANN_WHITNEY,
};

struct stats_test {
	enum stats_method method;
	double statistic; /* Welch: t, > 0 when mean(b) > mean(a);
			   * M-W: U of sample b, i.e. the number of
			   * (a, b) pairs with b > a, ties count 1/2 */
	double df;	  /* Welch-Satterthwaite df; NAN for M-W and
			   * for Welch when both variances are 0 */
	double p;	  /* two-sided p-value */
};

/*
 * a = baseline samples, b = new samples.  Return 0, or -1 if the test is
 * impossible (Welch: fewer than 2 samples on a side; M-W: an empty side)
 * or allocation fails; *out is untouched on error.
 *
 * Welch with both variances zero has no t distribution to refer to: the
 * difference is then treated as deterministic, p = 1 if the means are
 * equal (t = 0) and p = 0 otherwise (t = +-INFINITY).
 *
 * Mann-Whitney uses the exact permutation distribution of U (given the
 * ties, if any) when both sides have at most STATS_MW_EXACT_MAX samples,
 * else the normal approximation with tie and continuity correction.
 */
#define STATS_MW_EXACT_MAX 50
int stats_welch(struct stats_test *out, const double *a, size_t na,
		const double *b, size_t nb);
/* Student's two-sided t-test with the variance pooled over both sides:
 * a side of one value adds nothing to the variance, so one new value
 * is tested against the spread of the others (df = na + nb - 2).
 * -1 when a side is empty or there are fewer than 3 values; p 1 or 0
 * when neither side varies.
 */
int stats_student_p(double *p, const double *a, size_t na, const double *b,
		    size_t nb);
int stats_mann_whitney(struct stats_test *out, const double *a, size_t na,
		       const double *b, size_t nb);
int stats_compare(struct stats_test *out, enum stats_method m, const double *a,
		  size_t na, const double *b, size_t nb);

/*
 * Smallest n (n runs on each side) for which an exact two-sided
 * Mann-Whitney test can give p < alpha at all, i.e. 2 / C(2n, n) < alpha.
 * 0.01 -> 5, 0.05 -> 4.  Returns 0 if alpha <= 0 (never reachable).
 */
size_t stats_mw_min_runs(double alpha);

/* The level (e.g. 0.95) confidence interval of mean(b) - mean(a),
 * Welch-Satterthwaite degrees of freedom.  -1 when a side has fewer
 * than 2 samples or level is not in (0, 1).
 */
int stats_welch_ci(double *lo, double *hi, const double *a, size_t na,
		   const double *b, size_t nb, double level);

/*
 * The shift of b against a as a ratio (common/shift.c): the
 * Hodges-Lehmann estimate of log b - log a and its distribution-free
 * interval (Hollander and Wolfe: order statistics of the m * n
 * differences; U's exact null distribution up to 2500 pairs, its normal
 * approximation beyond), valid for bimodal samples and stalls, with a
 * three-way verdict at a threshold:
 *	slower/faster: the interval excludes 0 and the estimate is at
 *		least threshold percent;
 *	same: the whole interval lies within +-threshold percent;
 *	inconclusive: anything else.
 * All in percent: 100 * (exp(shift) - 1).
 */
enum stats_shift_verdict {
	SHIFT_INCONCLUSIVE,
	SHIFT_SAME,
	SHIFT_SLOWER,
	SHIFT_FASTER,
};

struct stats_shift {
	double estimate;   /* percent */
	double lo, hi;	   /* the level interval, percent; -100 and
			    * INFINITY when too few passes give none */
	double level;	   /* 1 - alpha */
	double detectable; /* the smallest change a two-sided test at
			    * alpha finds with 80% power, on the pooled
			    * sd of these log times (percent) */
	size_t na, nb;
	enum stats_shift_verdict verdict;
};

/* -1 when a side is empty, a time is not positive, or memory runs out. */
int stats_shift(struct stats_shift *out, const double *a, size_t na,
		const double *b, size_t nb, double alpha, double threshold);
enum stats_shift_verdict stats_shift_judge(double estimate, double lo,
					   double hi, double threshold);
const char *stats_shift_verdict_name(enum stats_shift_verdict v);
/* Hollander and Wolfe's C for m and n passes at alpha (two-sided): the
 * interval's ends are the C-th smallest and largest differences; 0 when
 * none exists (too few passes), SIZE_MAX when memory runs out.
 */
size_t stats_shift_rank(size_t m, size_t n, double alpha);
/* The standard normal quantile Phi^-1(p) (GSL's); +-INFINITY at 0 and
 * 1, NaN outside.
 */
double stats_normal_quantile(double p);

/*
 * Wald's sequential probability ratio test: does a commit boot like the
 * good endpoint or like the bad one?  Both hypotheses are normal with
 * the endpoints' means and their pooled sd (at least 5% of the step).
 * After each pass, the log likelihood ratio of "bad" over "good" is
 *	sum (bad_mean - good_mean) (x - midpoint) / sigma^2
 * (each term clamped to half of the nearer bound, so one wild pass
 * cannot decide alone), and the verdict is bad once it reaches
 * log((1 - beta) / alpha), good once it falls to log(beta / (1 - alpha)):
 * alpha bounds the chance of calling a good commit bad, beta the
 * reverse.  A large step is decided in one or two passes, a small one
 * takes more, which is the point.
 */
struct stats_sprt {
	double good_mean, bad_mean;
	double sigma;
	double upper, lower; /* decision bounds on the log ratio */
};

enum stats_verdict { STATS_UNDECIDED = 0, STATS_GOOD, STATS_BAD };

/* -1 when a side is empty, the means are equal, or alpha or beta is
 * not in (0, 0.5).
 */
int stats_sprt_init(struct stats_sprt *out, const double *good, size_t ng,
		    const double *bad, size_t nb, double alpha, double beta);
double stats_sprt_llr(const struct stats_sprt *t, const double *x, size_t n);
/* The verdict on samples x (undecided when n == 0); *llr, when not
 * NULL, receives the log ratio.
 */
enum stats_verdict stats_sprt(const struct stats_sprt *t, const double *x,
			      size_t n, double *llr);
/* Out of passes and still undecided: the endpoint whose mean is nearer
 * mean (bad past the midpoint, either way round); a mean on the
 * midpoint itself goes to good, as git's "first bad commit" asks for
 * evidence.  Undecided when mean is NaN.
 */
enum stats_verdict stats_sprt_nearer(const struct stats_sprt *t, double mean);

/* 100 * (b - a) / a; +-inf or NaN if a == 0. */
double stats_percent_change(double a, double b);

/* events.c: what one boot said, line by line, with arrival times. */
enum event_source {
	EVENT_BOOTPERF,	 /* bootperf's own marks: "launch" at 0, "end" */
	EVENT_APPLIANCE, /* the console: qemu, firmware, kernel, /init,
			  * daemon (and supermin's build output) */
	EVENT_LIBRARY,	 /* libguestfs's debug messages */
	EVENT_TRACE,	 /* libguestfs API calls and what they returned */
	EVENT_CLOSE,	 /* the handle's close callback */
};

struct boot_event {
	double ms;		  /* since guestfs_launch was called */
	enum event_source source; /* from libguestfs's event, or ours */
	char *text;		  /* one line: no \n, no trailing \r */
};

/* A console line whose output pauses this long is cut where it stands. */
#define CONSOLE_SPLIT_MS 10.0

/* The events of one boot, in arrival order.  Owned: boot_events_free. */
struct boot_events {
	struct boot_event *v;
	size_t n, cap;
	double total_ms; /* the sample (launch + shutdown + close): the time
			  * of the "end" event; NAN before it */
	char *partial;	 /* a console line not ended yet */
	size_t partial_len, partial_cap;
	double partial_ms;	/* when its first byte arrived */
	double partial_last_ms; /* when its last byte arrived */
};

#define BOOT_EVENTS_INIT                                                       \
	{                                                                      \
		.total_ms = NAN                                                \
	}

const char *event_source_name(enum event_source s);
/* 0, or -1 when s[0..len) names no source. */
int event_source_parse(const char *s, size_t len, enum event_source *out);
/* One complete message; trailing \r and \n are dropped. */
void boot_events_add(struct boot_events *ev, double ms,
		     enum event_source source, const char *text, size_t len);
/* A chunk of console output as it arrived: split on \n, partial lines
 * joined, each line timed by its first byte (see CONSOLE_SPLIT_MS).
 */
void boot_events_console(struct boot_events *ev, double ms, const char *buf,
			 size_t len);
/* Flush a partial line and add the "end" event at total_ms. */
void boot_events_finish(struct boot_events *ev, double total_ms);
/* total_ms; for a recording cut short (no "end"), its last event's time. */
double boot_events_total(const struct boot_events *ev);
void boot_events_free(struct boot_events *ev);
/* The text form: one event a line, "MS SOURCE TEXT", bytes below 0x20,
 * DEL and backslash in TEXT written as \xNN; '#' lines are comments.
 */
int boot_events_write(FILE *fp, const struct boot_events *ev);
/* One line of the text form (modified in place); -1 if malformed. */
int boot_event_parse(struct boot_events *ev, char *line);
/* A whole file; *ev is initialised first.  -1 names the malformed line
 * in *bad_line (ev holds the events before it).
 */
int boot_events_read(struct boot_events *ev, FILE *fp, size_t *bad_line);
/* Several passes: "# pass N" before each, "# quiet MS" for the quiet
 * passes' times.  A file with no "# pass" line is one pass.  On error
 * the caller still frees what was read.
 */
int boot_events_write_passes(FILE *fp, const struct boot_events *passes,
			     size_t n, const double *quiet_ms, size_t n_quiet);
int boot_events_read_passes(FILE *fp, struct boot_events **passes, size_t *n,
			    double **quiet, size_t *n_quiet, size_t *bad_line);

/* stages.c: the boot stages and the matcher (bootperf(1), "STAGES"). */
enum stage_kind {
	STAGE_PHASE,	/* the boot's phases, in order: each is looked for
			 * after the beginning of the last one found, and
			 * ends at the latest where the next one begins */
	STAGE_DETAIL,	/* a part of a phase (within), or of the boot */
	STAGE_EACH,	/* every line with begin is one activity named
			 * after the word that follows the marker, up to
			 * the next such line or end */
	STAGE_INITCALL, /* initcall_debug: "calling  FN+... [MOD] @ PID" to
			 * "initcall FN+... returned", named "initcall
			 * MOD.FN" ("initcall kernel.FN" when built in) */
};

/* Patterns are substrings, '*' matching any run of characters and '|'
 * separating alternatives.  A stage runs from the first event of
 * begin_source matching begin to the first later event of end_source
 * matching end; without one, a phase ends where the next phase found
 * begins (or with the last event), a part of a phase with its phase.
 */
struct stage_def {
	const char *name;
	enum stage_kind kind;
	const char *within; /* DETAIL, EACH: the phase searched; NULL: all */
	enum event_source begin_source;
	const char *begin;
	enum event_source end_source;
	const char *end;
};

extern const struct stage_def stage_table[];
extern const size_t stage_table_len;

const char *stage_kind_name(enum stage_kind k);
bool stage_pattern_match(const char *text, const char *pattern);
/* Just past the first match of pattern in text, or NULL: where the
 * name of an each or initcall activity begins.
 */
const char *stage_pattern_end(const char *text, const char *pattern);

struct stage_hit {
	const struct stage_def *def;
	char *name; /* owned; the def's, or derived (insmod, initcall) */
	size_t begin_event, end_event;
	double start_ms, end_ms;
	bool cut; /* no end marker: ends where the next phase begins, or
		   * (a part) with its phase */
};

struct stage_hits {
	struct stage_hit *v;
	size_t n, cap;
};

/* Every stage of table found in ev, in table order.  Never fails: what
 * is not found is not there.
 */
void stages_match(struct stage_hits *out, const struct boot_events *ev,
		  const struct stage_def *table, size_t n_table);
void stage_hits_free(struct stage_hits *h);

/* stagestats.c: stages over passes. */
#define STAGE_HIGHLIGHT_PERCENT 1.0

struct stage_stat {
	char *name;
	const struct stage_def *def; /* the table's */
	enum stage_kind kind;
	const char *within;	  /* the table's */
	size_t order;		  /* first seen: pass, then time */
	double *dur_ms;		  /* per pass; NAN where not seen */
	double *start_ms;	  /* per pass; NAN where not seen */
	size_t seen;		  /* passes in which it was seen */
	size_t cut;		  /* of those, its end inferred (hit's cut) */
	struct stats_summary dur; /* over those passes only */
	double start_mean;
	double percent; /* 100 * dur.mean / total.mean */
};

struct stage_report {
	size_t n_passes;
	double *total_ms; /* per pass */
	struct stats_summary total;
	struct stage_stat *v; /* by mean start time */
	size_t n, cap;
};

void stages_summarize(struct stage_report *out,
		      const struct boot_events *passes, size_t n,
		      const struct stage_def *table, size_t n_table);
bool stage_highlighted(const struct stage_stat *s);
const struct stage_stat *stage_report_find(const struct stage_report *r,
					   const char *name);
/* Did no pass show def (any of its activities, for each and initcall)? */
bool stage_report_never_seen(const struct stage_report *r,
			     const struct stage_def *def);
void stage_report_free(struct stage_report *r);

/* b against a, stage by stage (means over the passes seen). */
struct stage_change {
	char *name;
	enum stage_kind kind;
	double a_ms, b_ms; /* NAN: not seen on that side */
	double delta_ms;   /* b_ms - a_ms; NAN unless seen on both */
};

struct stage_changes {
	struct stage_change *v; /* b's stages by time, then a's others */
	size_t n;
	/* The phase, and the other stage, that changed most the way the
	 * whole run did (grew most in a regression), or SIZE_MAX.
	 */
	size_t most;
	size_t most_part;
	double total_a, total_b;
};

void stages_compare(struct stage_changes *out, const struct stage_report *a,
		    const struct stage_report *b);
void stage_changes_free(struct stage_changes *c);
/* changepoint.c: change points in a series (one value per commit),
 * E-divisive means (Matteson and James 2014) as MongoDB's performance CI
 * runs it.  Pure math, no I/O.
 */
/* Energy statistics of samples x and y with exponent 1, V-statistic form
 * (as MongoDB's signal-processing-algorithms): e = 2 mean|x - y| -
 * mean|x - x'| - mean|y - y'| over all pairs, t = nm / (n + m) e, and
 * h = e / (2 mean|x - y|) (0 when that mean is 0).
 */
struct cp_energy {
	double e, t, h;
};
/* -1 when a side is empty. */
int cp_energy(struct cp_energy *out, const double *x, size_t n, const double *y,
	      size_t m);
/* q[tau] = t of x[0..tau) against x[tau..n), for tau = 0 .. n-1. */
void cp_qhat(double *q, const double *x, size_t n);
/* The largest t of x[0..tau) against x[tau..kappa) over all tau and
 * kappa <= n with both parts at least min long (Matteson and James's
 * statistic), in O(n^2); -INFINITY when there is no such split.
 */
double cp_split(const double *x, size_t n, size_t min, size_t *tau,
		size_t *kappa);

struct cp_options {
	double alpha;	     /* significance level of each change point */
	size_t permutations; /* of the permutation test */
	size_t min_size;     /* fewest values a segment may have */
	uint64_t seed;	     /* of the shuffles: results are reproducible */
	size_t window;	     /* values searched at a time; 0: all at once */
};

/* The permutation p-value cannot go below 1 / (permutations + 1): a
 * level alpha needs at least 2 / alpha - 1 of them (the smallest p is
 * then alpha / 2), never fewer than the default 199 and at most
 * CP_MAX_PERMUTATIONS.  0 when alpha is out of that reach.
 */
#define CP_MAX_PERMUTATIONS 19999
size_t cp_permutations(double alpha);

/* The search costs about window * n * permutations per change point
 * (all at once: n^2 * permutations); a series no longer than the window
 * is searched whole.
 */
#define CP_WINDOW 128

#define CP_OPTIONS_INIT                                                        \
	{                                                                      \
		.alpha = 0.01, .permutations = 199, .min_size = 2, .seed = 1,  \
		.window = CP_WINDOW                                            \
	}

struct cp_point {
	size_t index; /* the change lies between x[index - 1] and x[index] */
	double q;     /* its statistic when it was found */
	double p;     /* the permutation p-value of that round */
	size_t round; /* 1 for the first one found, ... */
};

/*
 * Each round takes the split with the largest t over all segments
 * between the change points found so far (cp_split: the part before
 * tau against the part from tau to the best kappa, both at least
 * min_size long), and keeps it when its permutation p-value, (b + 1) / (R + 1)
 * with b the shuffles (each segment shuffled within itself) whose best
 * split is as strong, is at most alpha; the first round that is not
 * ends the search.  With no change at all, a change point is reported
 * with probability at most alpha.
 *
 * A series longer than o->window is searched a window at a time (Apache
 * Otava's windowed E-divisive): each window of o->window values is
 * searched as above, alone, and the next one starts half a window on,
 * or at the last change point found when that lies further.  The search
 * then costs O(n * window) a round instead of O(n^2), but a change too
 * small to show within a window is not found, and each window is a
 * test of its own.  *out is sorted by index (the caller frees it).  -1
 * when an option is out of range (a window shorter than two segments).
 */
int cp_edivisive(struct cp_point **out, size_t *n_out, const double *x,
		 size_t n, const struct cp_options *o);
/* A window's change points depend on its values and the options alone:
 * a memo keeps those of every window searched, so that a search of a
 * series that changed in a few places (a night's commits inserted)
 * searches again only the windows that changed.  The same answers as
 * cp_edivisive; memo NULL: none.  Options other than the memo's clear
 * it.  The memo is the caller's (cp_memo_free; NULL is fine).
 */
struct cp_memo;
struct cp_memo *cp_memo_new(void);
void cp_memo_free(struct cp_memo *m);
int cp_edivisive_memo(struct cp_point **out, size_t *n_out, const double *x,
		      size_t n, const struct cp_options *o,
		      struct cp_memo *memo);
void cp_sort(struct cp_point *v, size_t n);

/* The sum of squares of x[0..n) around its mean (0 when n is 0). */
double cp_sse(const double *x, size_t n);
/* Where a ramp may start and end: s in [s_min, s_max], e in [e_min,
 * e_max] < n, e - s >= min_len.
 */
struct cp_ramp_bounds {
	size_t s_min, s_max, e_min, e_max, min_len;
};
/* A drift fitted to x[0..n): level a (the mean of x[0..s]), then a
 * straight line from (s, a) to (e, b), then level b (the mean of
 * x[e..n)).  Returns the smallest sum of squares of such a ramp within
 * bd, with its s and e; INFINITY when bd allows none.
 */
double cp_ramp(const double *x, size_t n, const struct cp_ramp_bounds *bd,
	       size_t *s, size_t *e);

/* Exit statuses of the bootperf command (documented in the man page,
 * section EXIT STATUS).  Keep them distinct: scripts dispatch on them.
 */
enum bp_exit {
	BP_EXIT_OK = 0,
	BP_EXIT_FAILURE = 1,	 /* internal or I/O error */
	BP_EXIT_USAGE = 2,	 /* bad option or option value */
	BP_EXIT_NOFILE = 3,	 /* a named input file is missing or unusable */
	BP_EXIT_BOOT_FAILED = 4, /* the appliance or command failed */
	BP_EXIT_TIMEOUT = 5,	 /* a boot exceeded --timeout */
	BP_EXIT_NO_ACCEL = 6,	 /* --accel kvm, but KVM cannot boot here */
	BP_EXIT_REPO = 7,	 /* not a repository, or a damaged one */
	BP_EXIT_EMPTY_RANGE = 8, /* a range with no commits */
	BP_EXIT_STORE = 9,	 /* store unusable, in use or unwritable */
	BP_EXIT_BUILD_CMD = 10,	 /* the build command does not exist */
	BP_EXIT_NO_CHANGE = 11,	 /* bisect: the endpoints do not differ */
	BP_EXIT_AMBIGUOUS = 12,	 /* bisect: skipped commits hide the culprit */
	BP_EXIT_UNTESTABLE = 13, /* bisect: an endpoint cannot be measured */
	BP_EXIT_NONE_MEASURED = 14, /* range: no commit could be measured */
	BP_EXIT_FETCH = 15,	    /* track: the fetch failed (what was
				     * fetched before was tracked) */
	BP_EXIT_TRACK_FAILURE = 16, /* track: internal or I/O error (track
				     * exits 1 for a regression) */
	BP_EXIT_REVISION = 17,	    /* an unknown revision, or not a commit */
	BP_EXIT_RANGE_FORM = 18,    /* A...B or another form not supported */
	BP_EXIT_REVERSED = 19,	    /* a reversed range (B..A has commits) */
	BP_EXIT_BUILD_DEPS = 20,    /* the build needs packages not installed */
	BP_EXIT_KERNEL_CONFIG = 21, /* the kernel lacks what the appliance
				     * needs (virtio, ext4, ...) */
	BP_EXIT_UNVERIFIED = 22,    /* bisect: its culprit not confirmed */
	BP_EXIT_OBJECT_FORMAT = 23, /* a repository format bootperf cannot
				     * read (SHA-256) */
	BP_EXIT_INTERRUPTED = 130   /* SIGINT or SIGTERM */
};

/* What one sample (one boot or one command run) came to. */
enum sample_status {
	SAMPLE_OK = 0,
	SAMPLE_FAILED,	    /* launch or command failed */
	SAMPLE_TIMEOUT,	    /* killed at --timeout */
	SAMPLE_CRASHED,	    /* the measuring child died of a signal */
	SAMPLE_INTERRUPTED, /* bootperf was asked to stop */
	SAMPLE_ERROR	    /* bootperf could not run the sample at all */
};

enum accel { ACCEL_AUTO = 0, ACCEL_KVM, ACCEL_TCG };

/* Where a result was measured: every field that can change the number.
 * Strings are owned by the struct (bench_env_free).
 */
struct bench_env {
	char *bootperf_version;
	char *runner; /* "guestfs" or "command" */
	char *host_name;
	char *host_version; /* uname -srvm */
	char *host_cpu;
	char *libguestfs_version;
	char *backend;
	char *accel; /* accelerator actually used: kvm or tcg */
	char *hv;    /* qemu binary */
	char *hv_version;
	char *kernel;	      /* kernel image booted */
	char *kernel_version; /* from the image's header, or NULL */
	char *modules;	      /* kernel modules directory, or NULL */
	char *append;	      /* extra kernel command line, or NULL */
	char *command;	      /* command runner's command, or NULL */
	char *cachedir;	      /* libguestfs cache directory used */
	char *appliance;      /* the supermin appliance booted: shared
			       * by several qemus, or built in cachedir */
	int smp;
	int memsize;
	double timeout_s;
};

/* All samples of one benchmark: warm-ups are kept but never counted. */
struct bench_result {
	struct bench_env env;
	double *warmup_ms;
	size_t n_warmup;
	double *sample_ms;
	size_t n_samples;
	struct stats_summary summary;
	enum sample_status status; /* SAMPLE_OK, or what stopped the run */
	char *message;		   /* why it stopped, or NULL */
	double started;		   /* wall-clock seconds since the epoch */
	double elapsed_s;	   /* the whole benchmark, monotonic */
	long maxrss_kb;		   /* bootperf's own peak memory */
};

/* What happened to one commit of a range (stored per commit and
 * configuration).  Strings and bench are owned (commit_result_free).
 */
enum commit_status {
	COMMIT_OK = 0,
	COMMIT_BUILD_FAILED,
	COMMIT_BOOT_FAILED,
	COMMIT_TIMEOUT,
};

struct commit_result {
	char *commit_id; /* full hex id */
	char *subject;	 /* first line of the message */
	char *config_id; /* hash of everything that changes the number */
	enum commit_status status;
	double build_s;	    /* build wall time; NAN when no build ran */
	char *log_path;	    /* build log, or NULL */
	char *message;	    /* why it failed, or NULL */
	double measured_at; /* seconds since the epoch */
	/* --interleave: the previous commit, measured in turns with this
	 * one; the change is judged on these pairs.  NULL / 0 otherwise.
	 */
	char *baseline_commit;
	double *baseline_ms;
	size_t n_baseline;
	bool baseline_random;	/* each pair in random order (else A B) */
	bool has_seed;		/* baseline_seed is known */
	unsigned baseline_seed; /* the random order's seed */
	/* bisect's culprit checks: the commit this one was last measured
	 * against in balanced pairs (A B B A), and the passes each took in
	 * those pairs.  The check judges these alone, never passes either
	 * took before under another load; a second check finds them here
	 * and boots nothing.  NULL / 0 otherwise.
	 */
	char *pair_commit;
	double *pair_own_ms; /* this commit's passes in the pairs */
	size_t n_pair_own;
	double *pair_ms; /* pair_commit's */
	size_t n_pair;
	struct bench_result bench;
};

struct stage_deltas;

/* One commit of a range report and how it compares with its base: its
 * nearest successfully measured ancestor along first parents.
 */
struct commit_change {
	bool compared;		  /* there was a base */
	size_t prev;		  /* its index in the report */
	bool not_previous;	  /* the base is not the measured commit listed
				   * just before this one: reports name it */
	double percent;		  /* 100 * (mean - base mean) / base mean */
	double base_mean;	  /* the mean compared against: prev's, or of
				   * the passes taken in turns with this one */
	bool paired;		  /* base_mean is of the passes in turns */
	double p;		  /* two-sided p-value of the test */
	bool significant;	  /* p < alpha and |percent| >= threshold */
	bool has_shift;		  /* shift below was computed */
	struct stats_shift shift; /* the ratio, its interval, the verdict */
	const char *why_not;	  /* not compared: why (static), or NULL */
};

struct range_entry {
	char short_id[13];
	bool from_store; /* read back, not measured by this run */
	bool missing;	 /* nothing stored: not measured (yet) */
	size_t base;	 /* 1 + the index in the report of its nearest
			  * ancestor along first parents that the report
			  * holds (measured or not); 0: none */
	struct commit_result res;
	struct commit_change change;
};

/* What a run did with the artifact store: copies made (their time and
 * bytes), copies booted instead of a build, copies evicted.
 */
struct artifact_counts {
	size_t captured, reused, evicted;
	double capture_s;
	long long bytes;
};

struct range_report {
	const char *repo;
	const char *range;
	char config_id[41];
	const char *how;  /* how passes were run, e.g. "sequential" */
	double alpha;	  /* significance level */
	double threshold; /* minimum |percent| to flag */
	enum stats_method method;
	struct range_entry *v;
	size_t n;
	size_t total;	  /* commits in the walk (n is fewer if stopped) */
	bool interrupted; /* stopped by a signal: what is shown is partial */
	size_t builds;	  /* builds this run did */
	size_t boots;	  /* samples this run measured (warm-ups too) */
	struct artifact_counts artifacts;
	struct stage_deltas *stages; /* --stages: owned, or NULL */
};

/* bootperf build: one shard of a range, built and captured. */
enum build_state {
	BUILD_BUILT,	     /* built and captured by this run */
	BUILD_CAPTURED,	     /* its copy was in the store, intact */
	BUILD_FAILED,	     /* its build failed now (recorded) */
	BUILD_FAILED_BEFORE, /* a stored result says its build failed */
};
struct build_entry {
	char short_id[13];
	struct commit_result res; /* owned: the id, subject, build_s, log */
	enum build_state state;
	char *dir; /* its captured copy (owned), or NULL */
};
struct build_report {
	const char *repo;
	const char *range;
	size_t shard, shards;  /* --shard K/N (1/1 without it) */
	size_t range_commits;  /* in the walk, every shard's */
	char build_id[13];     /* its first 12 hex digits */
	const char *artifacts; /* STORE/artifacts/BUILD-ID */
	struct build_entry *v; /* this shard's commits, in walk order */
	size_t n;	       /* done (fewer than total if stopped) */
	size_t total;	       /* this shard's commits */
	bool interrupted;      /* stopped by a signal */
	size_t builds;	       /* builds this run did */
	struct artifact_counts art;
};
void build_report_free(struct build_report *r);

/* A commit the bisection measured: an endpoint or a step. */
struct bisect_step {
	char short_id[13];
	struct commit_result res;   /* owned */
	enum stats_verdict verdict; /* STATS_UNDECIDED: skipped (could not
				     * be built or booted) */
	bool by_midpoint;	    /* --max-runs reached undecided: judged
				     * by its mean against the midpoint */
	double llr;		    /* the SPRT's log ratio, bad over good */
	size_t passes_now;	    /* passes measured by this run */
	size_t left;		    /* candidates left after this step */
};

enum bisect_outcome {
	BISECT_FOUND,	  /* the first bad commit is known */
	BISECT_AMBIGUOUS, /* skipped commits hide it among candidates */
	BISECT_NO_CHANGE, /* the endpoints do not differ as asked */
	BISECT_STOPPED,	  /* interrupted or failed half-way */
	BISECT_UNVERIFIED /* found, but its verification did not confirm it */
};

/* In struct bisect_report, a step is named by its index in steps, or: */
#define BISECT_GOOD_ENDPOINT ((size_t)-1)
#define BISECT_BAD_ENDPOINT ((size_t)-2)

struct bisect_candidate {
	char id[41];
	char short_id[13];
	char *subject;	    /* owned */
	const char *status; /* "skipped" or "bad" */
};

struct bisect_report {
	const char *repo;
	const char *good_rev, *bad_rev;
	char config_id[41];
	bool first_parent;
	bool improvement; /* looking for the commit that made it faster */
	double alpha, threshold;
	enum stats_method method;
	size_t n_commits; /* in GOOD..BAD */
	struct bisect_step good, bad;
	struct stats_test endpoints; /* good (a) against bad (b) */
	double endpoint_percent;
	double endpoint_level; /* p below it: they differ (each look's) */
	struct stats_sprt sprt;
	struct bisect_step *steps;
	size_t n_steps;
	enum bisect_outcome outcome;
	char *why;	   /* NO_CHANGE, STOPPED: the reason (owned) */
	size_t culprit;	   /* FOUND: the first bad commit */
	size_t baseline;   /* FOUND: what its change is measured against */
	size_t culprit_at; /* FOUND: the culprit's index in the walk */
	/* --verify-runs: 0, or the passes each of the culprit and its
	 * baseline were topped up to (in balanced pairs) and judged on.
	 */
	size_t verify_runs;
	size_t verify_measured; /* passes the verification took in this run */
	bool verified;		/* FOUND, not UNVERIFIED */
	struct stats_shift verification; /* valid when verify_runs */
	size_t passes, against_passes;	 /* FOUND: what it is sized on */
	struct stats_shift shift;	 /* on those passes, when has_shift */
	bool has_shift;
	double change_ms, change_percent, ci_low, ci_high; /* NAN: n/a */
	double ci_low_percent, ci_high_percent; /* the CI, % of baseline */
	/* FOUND, UNVERIFIED: what the culprit changes against its first
	 * parent (bisect/changes.c).  kind: "code", "merge", "empty",
	 * "docs-tests-ci", or NULL when it could not be read.
	 */
	struct {
		const char *kind;
		size_t files, docs, tests, ci;
	} changes;
	/* --verify-revert: the tip with the culprit reverted, booted in
	 * balanced pairs with the tip; the change must go away, by about
	 * the culprit's size.
	 */
	enum bisect_revert {
		REVERT_NONE,	  /* not asked, or no culprit verified */
		REVERT_CONFIRMED, /* the revert undoes the change */
		REVERT_REFUTED,	  /* it does not (UNVERIFIED) */
		REVERT_CANNOT	  /* conflicts, or cannot be built or booted */
	} revert;
	struct bisect_step revert_step;	 /* CONFIRMED, REFUTED: the revert */
	struct stats_shift revert_shift; /* the revert against the tip */
	double revert_expected;		 /* the percent the culprit predicts */
	size_t revert_measured;		 /* passes it took in this run */
	char *revert_why;		 /* CANNOT: why (owned) */
	struct bisect_candidate *candidates; /* AMBIGUOUS */
	size_t n_candidates;
	size_t builds, boots;
	struct artifact_counts artifacts;
	struct stage_deltas *stages; /* --stages: owned, or NULL */
};

/* How bisect-run judged the commit git bisect checked out. */
enum bisect_run_by {
	BISECT_RUN_NONE,       /* it failed (skip), or bisect-run did */
	BISECT_RUN_THRESHOLD,  /* its mean against --threshold-ms */
	BISECT_RUN_SEQUENTIAL, /* the SPRT against the endpoints decided */
	BISECT_RUN_MIDPOINT,   /* undecided at --max-runs: nearer endpoint */
	BISECT_RUN_UNDECIDED   /* undecided at --max-runs: skipped */
};

/* bisect-run's answer (one line of text, or one JSON document). */
struct bisect_run_report {
	const struct bisect_step *commit; /* the commit tested */
	/* --good, --bad: the endpoints, their test and the SPRT; NULL
	 * with --threshold-ms.
	 */
	const struct bisect_report *ends;
	double threshold_ms; /* NAN without --threshold-ms */
	long min_runs, max_runs;
	int exit_status; /* 0 good, 1 bad, 125 skip, 128 aborted */
	enum bisect_run_by by;
	char *reason; /* owned */
	size_t builds, boots;
};

/* One analysis (bootperf analyze): the analyzed passes and their
 * events, the quiet passes on the same settings, the stages.  Owned:
 * analysis_free.
 */
struct analysis {
	struct bench_result verbose; /* analyzed passes: times, warm-ups, env */
	struct bench_result quiet;   /* quiet passes (may be none) */
	struct boot_events *passes;  /* the events of each analyzed pass */
	size_t n_passes;
	struct stage_report stages;
	const char *replayed; /* --replay FILE, or NULL: booted now */
};

void analysis_free(struct analysis *a);

/* A change of a range, or bisect's culprit, stage by stage. */
struct stage_delta {
	char commit[41], short_id[13]; /* the commit */
	char base[41], base_short[13]; /* what it is compared with */
	char *subject;
	size_t runs; /* analyzed passes of each */
	struct stage_changes changes;
	char *why_not; /* could not be analyzed: why; or NULL */
};

struct stage_deltas {
	struct stage_delta *v;
	size_t n;
	long warmup; /* warm-ups before each side's passes */
	long runs;   /* analyzed passes of each side */
};

void stage_deltas_free(struct stage_deltas *d);

/* compare.c */
/* steps[k], or an endpoint for BISECT_GOOD_ENDPOINT, BISECT_BAD_ENDPOINT. */
const struct bisect_step *bisect_report_step(const struct bisect_report *r,
					     size_t k);
void bisect_report_free(struct bisect_report *r);

/* compare.c: annotations, pure. */
/* Fill v[i].change for every entry: each ok commit against its nearest
 * ok ancestor along first parents (following the bases), when both
 * have samples and were measured alike.  On a line of history, and
 * with --first-parent, that is the previous ok commit; after a merge it
 * is the mainline commit before it, not the last one of the side branch.
 */
void range_annotate(struct range_report *r);
/* The same for v[i] alone, against the entries before it as they are
 * (an entry depends on none after it): a range that grows commit by
 * commit is annotated in O(n), not O(n^2).  Entries after i that now
 * compare with it are left as they were.
 */
void range_annotate_one(struct range_report *r, size_t i);
/* The index of the base v[i] is compared with, or SIZE_MAX. */
size_t range_base(const struct range_report *r, size_t i);
/* Why results measured under a and b cannot be compared, or NULL. */
const char *range_incomparable(const struct bench_env *a,
			       const struct bench_env *b);
/* Indices of the significant changes, largest |percent| first; returns
 * how many (caller frees *idx).
 */
size_t range_significant(const struct range_report *r, size_t **idx);
void range_report_free(struct range_report *r);

/* history.c: a followed branch (bootperf track, bootperf report) */

/* A change point placed in the history. */
struct change_point {
	size_t at;	    /* its place among the measured commits: the
			     * first of them after it */
	size_t before;	    /* the last measured commit before it (index) */
	size_t after;	    /* the first measured commit after it */
	double before_ms;   /* mean of the commit medians, segment before
			     * (a median per commit: one odd pass does
			     * not move a commit) */
	double after_ms;    /* ... and after (up to the next change) */
	double delta_ms;    /* after_ms - before_ms */
	double percent;	    /* 100 * delta_ms / before_ms */
	double p;	    /* permutation p-value */
	size_t candidates;  /* commits in (before, after]: one made it */
	size_t unmeasured;  /* of those, not measured yet */
	size_t run_first;   /* the first of its run: change points one
			     * after another in the same direction, fewer
			     * than HISTORY_RUN_GAP measured commits
			     * apart */
	size_t run_len;	    /* how many in the run (1: a step alone) */
	double run_percent; /* the whole run's change, compounded */
	size_t drift_from;  /* SIZE_MAX, or it is part of a drift (a run of
			     * several change points that no one of them
			     * dominates, or one whose
			     * neighbouring segments show a trend): the
			     * level moved over the commits (drift_from,
			     * drift_to] (indices) */
	size_t drift_to;
	double drift_pct;  /* the drift's change in all, percent */
	bool reported;	   /* |percent| >= threshold, or the run's steps
			    * below it compound to it, or |drift_pct| */
	bool at_tip;	   /* the newest measured commit alone, not yet
			    * confirmed by a later one (p: the test's) */
	bool is_new;	   /* no earlier run saw it */
	double first_seen; /* when a run first saw it (epoch seconds) */
	char *ack;	   /* the acknowledgement's note, or NULL (owned) */
	char *ack_commit;  /* the commit acknowledged (owned) */
};

/* A change point an earlier run saw (the track state). */
struct known_change {
	char before[41], after[41];
	bool regression;
	double first_seen;
	char *ack, *ack_commit; /* owned, or NULL */
};

/* "bootperf ack": a commit (full id, or 7 or more of its first hex
 * digits) whose change is known and should not alert.
 */
struct ack {
	char *commit, *note; /* owned */
};

struct history {
	struct range_report r;	 /* every commit, oldest first; v[i].missing
				  * for those not measured */
	struct change_point *cp; /* sorted by position (owned) */
	size_t n_cp;
	struct cp_options cpo;
	struct cp_memo *memo; /* of history_detect's searches (owned) */
};

enum history_why { HISTORY_NARROW, HISTORY_NEW, HISTORY_GAP };

/* Change points this many measured commits apart or more are separate
 * changes, not one drift: a stable stretch lies between them.
 */
#define HISTORY_RUN_GAP 20
/* A drift moves the level over at least this many commits. */
#define HISTORY_DRIFT_MIN 3
/* A step that makes more than this share of its run's change (in log
 * terms) stands alone: the run is no drift (300% then 2%: 98%).
 */
#define HISTORY_DOMINANT 0.8

/* Change points of the measured commits' medians (r.threshold decides
 * which are reported), then the tip: when the newest measured commit is
 * slower or faster than the stretch since the last change point (its
 * samples against theirs, r.method, p < r.alpha and at least
 * r.threshold) and at least r.threshold from the commit before it, it
 * is one more change point, at_tip.  -1 when cpo is out of range.
 */
int history_detect(struct history *h);
/* Which change points earlier runs saw (they keep their first_seen and
 * acknowledgement) and which an ack names: a commit in (before, after].
 */
void history_mark(struct history *h, const struct known_change *known,
		  size_t n_known, const struct ack *acks, size_t n_acks,
		  double now);
/* A reported regression that nobody acknowledged. */
bool history_alert(const struct history *h);
/* The next commit to measure, SIZE_MAX when every one is: inside the
 * largest reported change point that has unmeasured commits (its
 * middle, as a bisection would); else the newest one after newest_old
 * (the newest measured before this run; SIZE_MAX: none); else the
 * middle of the longest stretch not measured.
 */
size_t history_next(const struct history *h, size_t newest_old,
		    enum history_why *why);
/* Commit i was just measured: the change point whose commits it lies
 * between narrows to the side its median is nearer to (the level
 * before or after the change), so that history_next halves it next,
 * as a bisection would, without searching the whole history again.
 */
void history_measured(struct history *h, size_t i);
size_t history_newest_measured(const struct history *h);
size_t history_find(const struct history *h, const char *id);
void history_counts(const struct history *h, size_t *ok, size_t *failed,
		    size_t *missing);
void history_free(struct history *h);

/* util.c */
void bp_set_program_name(const char *name);
void bp_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The text of the last bp_error ("" before the first). */
const char *bp_last_error(void);
void bp_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bp_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *bp_malloc(size_t n);
char *bp_strdup(const char *s);
/* rm -rf path (a link itself, not what it names); 0, or -1 with errno
 * set.
 */
int bp_remove_tree(const char *path);
char *bp_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* s (NULL: "") with what a terminal would act on as \xNN: C0 controls
 * but tab, DEL, C1 controls and bytes that are not UTF-8.  Repository
 * text (subjects, ref names) and what the store holds are data, never
 * escape sequences for the user's terminal; messages (bp_error ...) are
 * escaped so already.  bp_printable's copy is the caller's.
 */
char *bp_printable(const char *s);
/* A copy of s (NULL: "") that is valid UTF-8: each byte that does not
 * start a well-formed character becomes U+FFFD.  Controls are kept (JSON
 * escapes them).  The copy is the caller's.
 */
char *bp_utf8_valid(const char *s);
void bp_put_printable(FILE *fp, const char *s);
int parse_count(const char *opt, const char *s, long min, long max, long *out);
/* A commit id and its place in a list: a sorted array of these finds
 * an id with bsearch (ids are not copied).
 */
struct bp_id_index {
	const char *id;
	size_t i;
};
/* The qsort and bsearch order of struct bp_id_index: by id. */
int bp_id_index_cmp(const void *a, const void *b);
/* s is a whole decimal number (no hex, nothing after it): *v set, errno
 * as strtod left it (ERANGE).
 */
bool bp_parse_number(const char *s, double *v);
int parse_seconds(const char *opt, const char *s, double *out);
double now_monotonic(void);
double now_realtime(void);
const char *accel_name(enum accel a);
const char *sample_status_name(enum sample_status s);
enum bp_exit sample_status_exit(enum sample_status s);
/* The status that stops a run with exit status e (its inverse). */
enum sample_status sample_status_of_exit(int e);

/* builddeps.c: what a build lacks, from its output or its .config. */
/* Append word to the space-separated list out (len bytes in all)
 * unless it is there or does not fit; true when appended.
 */
bool words_add(char *out, size_t len, const char *word);
/* The Debian packages a failed build's output says are missing,
 * space-separated and each once, into out; returns how many.
 */
size_t builddeps_from_log(const char *log, char *out, size_t len);
/* The command the shell last said was not found ("sh: 1: NAME: not
 * found", "NAME: command not found") into out; false when none.
 */
bool builddeps_missing_command(const char *log, char *out, size_t len);

/* A kernel option the appliance needs: "SYM" or "SYM|OTHER" (any of
 * them), set to y or m; why says what for.  Arrays end with symbols
 * NULL.
 */
struct kconfig_need {
	const char *symbols;
	const char *why;
};
/* The needs a .config (its text) does not meet, as "CONFIG_X (why),
 * ..." in out; returns how many.
 */
size_t kconfig_missing(const char *text, const struct kconfig_need *needs,
		       char *out, size_t len);

/* result.c */
void bench_env_free(struct bench_env *env);
void commit_result_free(struct commit_result *r);
/* The pairs r took with partner: how many pairs (the fewer of the two
 * sides' passes), 0 when its pairs are with another commit or none.
 */
size_t commit_pairs_with(const struct commit_result *r, const char *partner);
void commit_pairs_clear(struct commit_result *r);
/* Add n pairs to r's: its passes from own_from on, partner's from
 * with_from on.  They start again when they were with another commit.
 * -1 when memory runs out (r's pairs are then cleared).
 */
int commit_pairs_add(struct commit_result *r,
		     const struct commit_result *partner, size_t own_from,
		     size_t with_from, size_t n);
const char *commit_status_name(enum commit_status s);
/* 0, or -1 when s names no status. */
int commit_status_parse(const char *s, enum commit_status *out);
void bench_result_free(struct bench_result *res);
int bench_result_push(double **arr, size_t *n, double ms);

/* topup.c: the top-up policy (pure) */
/* Stored passes may be added to when res is measured and was measured
 * alike (accelerator, qemu version, host) as a session's env now: the
 * config id covers what was asked for, not what auto settled on.
 */
bool topup_can_add(const struct commit_result *res,
		   const struct bench_env *now);
/* Start over: res's samples and message dropped. */
void topup_drop(struct commit_result *res);
/* What a session measured (now: its warm-ups, status, message, time)
 * joins res, whose samples already hold its passes; fresh: res started
 * over, so now's environment and start become res's.  The summary is
 * recomputed.
 */
void topup_merge(struct commit_result *res, struct bench_result *now,
		 bool fresh);
/* Whether res wants another pass: fewer than want, and enough (NULL:
 * none) does not say it has enough once it has one.
 */
bool topup_wants_more(const struct commit_result *res, size_t want,
		      bool (*enough)(void *arg,
				     const struct commit_result *res),
		      void *arg);
/* What the store keeps of res when passes added to a measured result
 * failed: the same passes, measured (status ok, no message).  A shallow
 * copy: res still owns everything.
 */
struct commit_result topup_kept(const struct commit_result *res);

#endif
