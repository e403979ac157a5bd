/* bootperf - reports/: presents results as text, JSON, Markdown and
 * HTML.  Reads the store's codec (store.h) for the stored documents'
 * trees; stores nothing.
 */
#ifndef BOOTPERF_REPORTS_H
#define BOOTPERF_REPORTS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "common.h"

/* text.c */
/* The paper's boot-benchmark report: header, then Result: mean ±sd. */
void report_bench_text(FILE *fp, const struct bench_result *res);
void report_result_line(FILE *fp, const struct stats_summary *s);
/* What was measured, one field a line; passes says how many passes, and
 * passes_how which options change that.
 */
void report_header_text(FILE *fp, const struct bench_result *res,
			const char *passes, const char *passes_how);

/* text.c: range reports */
/* prefix, "<short id> <subject>" (made printable), then end. */
void report_commit_line(FILE *fp, const char *prefix, const char *short_id,
			const char *subject, const char *end);
void report_range_entry_text(FILE *fp, const struct range_report *r, size_t i,
			     bool color);
void report_range_summary_text(FILE *fp, const struct range_report *r);

/* text.c, json.c: bootperf build */
void report_build_entry_text(FILE *fp, const struct build_report *r, size_t i);
void report_build_summary_text(FILE *fp, const struct build_report *r);
int report_build_json(FILE *fp, const struct build_report *r);

/* text.c: bisect, as it goes */
void report_bisect_start_text(FILE *fp, const struct bisect_report *r,
			      size_t steps);
void report_bisect_endpoints_text(FILE *fp, const struct bisect_report *r);
void report_bisect_step_text(FILE *fp, const struct bisect_report *r, size_t k,
			     size_t steps_left);
void report_bisect_result_text(FILE *fp, const struct bisect_report *r);
/* "99% interval +1.0% to +3.0%" (or an end, or "too few passes for ...") */
void report_shift_interval(char *buf, size_t len, const struct stats_shift *s);

/* json.c: a whole bisection as one document */
int report_bisect_json(FILE *fp, const struct bisect_report *r);

/* text.c: bisect-run's endpoints (when compared) and verdict lines */
void report_bisect_run_text(FILE *fp, const struct bisect_run_report *r);
/* json.c: bisect-run's verdict as one document */
int report_bisect_run_json(FILE *fp, const struct bisect_run_report *r);

/* json.c: the whole range as one document */
int report_range_json(FILE *fp, const struct range_report *r);
struct cJSON;
/* One commit of it: the "commits" element. */
struct cJSON *json_range_entry(const struct range_report *r, size_t i);

/* json.c */
/* One JSON document with every sample, warm-ups apart, the statistics
 * and the environment.  Returns 0, or -1 on allocation failure.
 */
int report_bench_json(FILE *fp, const struct bench_result *res);

struct cJSON;
/* Print root (then free it) as one document and a newline; -1 when it
 * or its text could not be made.
 */
int json_print(FILE *fp, struct cJSON *root);

/* stages.c: bootperf analyze and --stages */
/* Header, timeline (phases and their parts, and any activity of 1% or
 * more), the longest activities, and the cost of verbose boots.
 */
void report_analysis_text(FILE *fp, const struct analysis *a, bool color);
/* Everything, every event of every pass too.  -1 on allocation failure. */
int report_analysis_json(FILE *fp, const struct analysis *a);
/* The timeline as a self-contained SVG chart. */
int report_stages_svg(FILE *fp, const struct stage_report *r);
/* range/bisect --stages: each change stage by stage (NULL: nothing). */
void report_stage_deltas_text(FILE *fp, const struct stage_deltas *d);
struct cJSON *json_from_stage_deltas(const struct stage_deltas *d);

/* Where a history report comes from, for its header. */
struct report_meta {
	const char *repo;
	const char *range; /* NULL: a tracked branch */
	const char *remote, *url, *branch;
	double updated; /* last tracked (epoch seconds), 0 if unknown */
	const char *fetch_error;
	const char *commit_url; /* "https://.../commit/{commit}" or NULL */
};

/* The history as one JSON document ("type": "bootperf-report"). */
int report_history_json(FILE *fp, const struct history *h,
			const struct report_meta *m);

/* history_text.c: the range report again, then the change points */
void report_change_points_text(FILE *fp, const struct history *h, bool color);
void report_history_text(FILE *fp, const struct history *h,
			 const struct report_meta *m, bool color);

/* markdown.c: tables fit for a mailing list or a merge request */
void report_history_md(FILE *fp, const struct history *h,
		       const struct report_meta *m);

/* html.c: one self-contained page with an SVG chart */
void report_history_html(FILE *fp, const struct history *h,
			 const struct report_meta *m);

#endif
