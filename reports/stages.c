/* bootperf - boot stage reports: the timeline and longest activities of
 * bootperf analyze (text, JSON, SVG), and the stage by stage changes of
 * range --stages and bisect --stages.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports.h"
#include "store.h"

#define RED "\033[1;31m"
#define RESET "\033[0m"

/* How many activities "Longest activities" lists. */
#define LONGEST_SHOWN 20

static bool in_timeline(const struct stage_stat *s)
{
	return s->kind == STAGE_PHASE || s->kind == STAGE_DETAIL ||
	       stage_highlighted(s);
}

static void sd_text(char *buf, size_t len, double sd)
{
	if (isnan(sd))
		snprintf(buf, len, "±n/a");
	else
		snprintf(buf, len, "±%.1fms", sd);
}

/* A row of a listing: the stage it shows. */
struct row {
	const struct stage_stat *s;
};

/* The name column: wide enough for every row shown (within reason). */
static int name_width(const struct row *v, size_t n)
{
	int w = 24;

	for (size_t i = 0; i < n; i++) {
		int len = (int)strlen(v[i].s->name) +
			  (v[i].s->kind == STAGE_PHASE ? 0 : 2);

		if (len > w)
			w = len < 56 ? len : 56;
	}
	return w;
}

/* name, mean ±sd, % (highlighted at 1% and above), passes seen. */
static void stage_line(FILE *fp, const struct stage_stat *s, size_t n_passes,
		       int width, bool indent, bool color)
{
	bool hi = stage_highlighted(s);
	char sd[32];

	sd_text(sd, sizeof sd, s->dur.sd);
	fprintf(fp, "%s%s%-*s%s %9.1fms %11s %5.1f%%", indent ? "  " : "",
		hi && color ? RED : "", indent ? width - 2 : width, s->name,
		hi && color ? RESET : "", s->dur.mean, sd, s->percent);
	if (s->seen < n_passes)
		fprintf(fp, "  (seen in %zu of %zu passes)", s->seen, n_passes);
	if (s->cut == s->seen && s->cut)
		fprintf(fp, "  (end inferred: no end marker)");
	else if (s->cut)
		fprintf(fp, "  (end inferred in %zu of %zu passes)", s->cut,
			s->seen);
	fputc('\n', fp);
}

/* The rows of the timeline, in time order (caller frees). */
static struct row *timeline_rows(const struct stage_report *r, size_t *n)
{
	struct row *v = bp_malloc((r->n + 1) * sizeof *v);

	*n = 0;
	for (size_t i = 0; i < r->n; i++)
		if (in_timeline(&r->v[i]))
			v[(*n)++].s = &r->v[i];
	return v;
}

static void timeline(FILE *fp, const struct stage_report *r, bool color)
{
	size_t n;
	struct row *v = timeline_rows(r, &n);
	int width = name_width(v, n);
	char sd[32];

	fprintf(fp,
		"Timeline: mean of %zu analyzed pass%s, ± the sample sd, %% of "
		"the whole run;\n* marks the stages of %.0f%% or more.\n\n",
		r->n_passes, r->n_passes == 1 ? "" : "es",
		STAGE_HIGHLIGHT_PERCENT);
	fprintf(fp, "  %11s  %-*s %11s %11s %6s\n", "start", width, "stage",
		"mean", "±sd", "%");
	for (size_t i = 0; i < n; i++) {
		fprintf(fp, "%c %9.1fms  ",
			stage_highlighted(v[i].s) ? '*' : ' ',
			v[i].s->start_mean);
		stage_line(fp, v[i].s, r->n_passes, width,
			   v[i].s->kind != STAGE_PHASE, color);
	}
	sd_text(sd, sizeof sd, r->total.sd);
	fprintf(fp, "  %9.1fms  %-*s %9.1fms %11s %5.1f%%\n", r->total.mean,
		width, "(end: the whole run)", r->total.mean, sd, 100.0);
	if (r->n > n)
		fprintf(fp,
			"(%zu more insmods and initcalls under %.0f%% each; "
			"--json lists all)\n",
			r->n - n, STAGE_HIGHLIGHT_PERCENT);
	free(v);
}

static int by_mean_desc(const void *pa, const void *pb)
{
	const struct stage_stat *a = ((const struct row *)pa)->s;
	const struct stage_stat *b = ((const struct row *)pb)->s;

	return (b->dur.mean > a->dur.mean) - (b->dur.mean < a->dur.mean);
}

static void longest(FILE *fp, const struct stage_report *r, bool color)
{
	struct row *v = bp_malloc((r->n + 1) * sizeof *v);
	size_t n = r->n < LONGEST_SHOWN ? r->n : LONGEST_SHOWN;
	int width;

	for (size_t i = 0; i < r->n; i++)
		v[i].s = &r->v[i];
	qsort(v, r->n, sizeof *v, by_mean_desc);
	width = name_width(v, n);
	fprintf(fp, "\nLongest activities:\n\n");
	for (size_t i = 0; i < n; i++) {
		fprintf(fp, "%c ", stage_highlighted(v[i].s) ? '*' : ' ');
		stage_line(fp, v[i].s, r->n_passes, width, false, color);
	}
	free(v);
}

/* Stages of the table that no pass showed: their markers are missing. */
static void not_seen(FILE *fp, const struct stage_report *r)
{
	const char *sep = "\nNot seen in any pass (no marker): ";
	bool any = false;

	for (size_t k = 0; k < stage_table_len; k++) {
		const struct stage_def *d = &stage_table[k];

		if (!stage_report_never_seen(r, d))
			continue;
		fprintf(fp, "%s%s", sep, d->name);
		sep = ", ";
		any = true;
	}
	if (any)
		fputc('\n', fp);
}

static void mean_sd(FILE *fp, const struct stats_summary *s)
{
	if (isnan(s->sd))
		fprintf(fp, "%.1fms ±n/a", s->mean);
	else
		fprintf(fp, "%.1fms ±%.1fms", s->mean, s->sd);
}

static void overhead(FILE *fp, const struct analysis *a)
{
	const struct stats_summary *v = &a->verbose.summary;
	const struct stats_summary *q = &a->quiet.summary;

	fprintf(fp,
		"\nAnalyzed boots are slower than benchmarked ones: the "
		"emulated serial\nconsole prints every line of the verbose "
		"boot (libguestfs verbose,\ninitcall_debug, "
		"ignore_loglevel).  Stage times are those of such a boot.\n");
	if (v->n == 0)
		return;
	fputs("    analyzed: ", fp);
	mean_sd(fp, v);
	fprintf(fp, " (%zu pass%s)\n", v->n, v->n == 1 ? "" : "es");
	if (q->n == 0) {
		fprintf(fp, "       quiet: not measured%s\n",
			a->replayed ? " (not in the recording)"
				    : " (--quiet-runs 0)");
		return;
	}
	fputs("       quiet: ", fp);
	mean_sd(fp, q);
	fprintf(fp,
		" (%zu pass%s, same settings: what bootperf bench "
		"measures)\n",
		q->n, q->n == 1 ? "" : "es");
	fprintf(fp, "    overhead: %+.1fms (%+.1f%%)\n", v->mean - q->mean,
		stats_percent_change(q->mean, v->mean));
}

void report_analysis_text(FILE *fp, const struct analysis *a, bool color)
{
	const struct bench_result *v = &a->verbose;
	char passes[96];

	if (a->replayed)
		fprintf(fp, "\nReplayed from '%s': %zu analyzed pass%s\n\n",
			a->replayed, a->n_passes, a->n_passes == 1 ? "" : "es");
	else {
		snprintf(passes, sizeof passes,
			 "%zu analyzed, %zu quiet (and %zu warm-up)",
			 v->n_samples, a->quiet.n_samples, v->n_warmup);
		report_header_text(
		    fp, v, passes,
		    "to change use --runs, --quiet-runs, --warmup");
	}
	if (a->n_passes > 0) {
		timeline(fp, &a->stages, color);
		longest(fp, &a->stages, color);
		not_seen(fp, &a->stages);
	}
	overhead(fp, a);
}

/* --- JSON --- */

static cJSON *stage_object(const struct stage_stat *s, size_t n_passes)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *samples = cJSON_AddArrayToObject(o, "samples_ms");

	cJSON_AddStringToObject(o, "name", s->name);
	cJSON_AddStringToObject(o, "kind", stage_kind_name(s->kind));
	cJSON_AddItemToObject(o, "within",
			      s->within ? cJSON_CreateString(s->within)
					: cJSON_CreateNull());
	cJSON_AddNumberToObject(o, "seen", (double)s->seen);
	cJSON_AddNumberToObject(o, "end_inferred", (double)s->cut);
	cJSON_AddNumberToObject(o, "start_ms", s->start_mean);
	cJSON_AddNumberToObject(o, "mean_ms", s->dur.mean);
	cJSON_AddItemToObject(o, "sd_ms", json_number_or_null(s->dur.sd));
	cJSON_AddNumberToObject(o, "min_ms", s->dur.min);
	cJSON_AddNumberToObject(o, "max_ms", s->dur.max);
	cJSON_AddItemToObject(o, "percent", json_number_or_null(s->percent));
	cJSON_AddBoolToObject(o, "highlighted", stage_highlighted(s));
	for (size_t p = 0; p < n_passes; p++)
		cJSON_AddItemToArray(samples,
				     json_number_or_null(s->dur_ms[p]));
	return o;
}

static cJSON *pass_object(const struct boot_events *ev)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *events = NULL;

	cJSON_AddItemToObject(o, "total_ms", json_number_or_null(ev->total_ms));
	events = cJSON_AddArrayToObject(o, "events");
	for (size_t i = 0; i < ev->n; i++) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddNumberToObject(e, "ms", ev->v[i].ms);
		cJSON_AddStringToObject(e, "source",
					event_source_name(ev->v[i].source));
		cJSON_AddStringToObject(e, "text", ev->v[i].text);
		cJSON_AddItemToArray(events, e);
	}
	return o;
}

static void add_overhead(cJSON *root, const struct analysis *a)
{
	const struct stats_summary *v = &a->verbose.summary;
	const struct stats_summary *q = &a->quiet.summary;
	bool both = v->n > 0 && q->n > 0;

	cJSON_AddItemToObject(root, "overhead_ms",
			      both ? cJSON_CreateNumber(v->mean - q->mean)
				   : cJSON_CreateNull());
	cJSON_AddItemToObject(
	    root, "overhead_percent",
	    both ? json_number_or_null(stats_percent_change(q->mean, v->mean))
		 : cJSON_CreateNull());
}

/* The names of the table's stages no pass saw (none without passes). */
static cJSON *not_seen_array(const struct stage_report *r)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t k = 0; r->n_passes && k < stage_table_len; k++)
		if (stage_report_never_seen(r, &stage_table[k]))
			cJSON_AddItemToArray(
			    arr, cJSON_CreateString(stage_table[k].name));
	return arr;
}

int report_analysis_json(FILE *fp, const struct analysis *a)
{
	cJSON *root = cJSON_CreateObject(), *stages, *passes;

	if (!root)
		return -1;
	cJSON_AddNumberToObject(root, "format", 1);
	cJSON_AddStringToObject(root, "type", "bootperf-analyze");
	cJSON_AddItemToObject(root, "replayed",
			      a->replayed ? cJSON_CreateString(a->replayed)
					  : cJSON_CreateNull());
	cJSON_AddItemToObject(root, "analyzed", json_from_bench(&a->verbose));
	cJSON_AddItemToObject(root, "quiet", json_from_bench(&a->quiet));
	add_overhead(root, a);
	stages = cJSON_AddArrayToObject(root, "stages");
	for (size_t i = 0; i < a->stages.n; i++)
		cJSON_AddItemToArray(
		    stages, stage_object(&a->stages.v[i], a->stages.n_passes));
	cJSON_AddItemToObject(root, "not_seen", not_seen_array(&a->stages));
	passes = cJSON_AddArrayToObject(root, "passes");
	for (size_t p = 0; p < a->n_passes; p++)
		cJSON_AddItemToArray(passes, pass_object(&a->passes[p]));
	return json_print(fp, root);
}

/* --- SVG --- */

#define SVG_WIDTH 1000
#define SVG_LABEL 260
#define SVG_ROW 18

static void xml_text(FILE *fp, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '<')
			fputs("&lt;", fp);
		else if (c == '>')
			fputs("&gt;", fp);
		else if (c == '&')
			fputs("&amp;", fp);
		else if (c == '"')
			fputs("&quot;", fp);
		else if (c >= 0x20)
			fputc(c, fp);
	}
}

static void svg_row(FILE *fp, const struct stage_stat *s, int row, double scale)
{
	int y = 30 + row * SVG_ROW;
	double x = SVG_LABEL + s->start_mean * scale;
	double w = s->dur.mean * scale;
	bool phase = s->kind == STAGE_PHASE;

	fprintf(fp, "<g class=\"%s\"><title>", phase ? "phase" : "part");
	xml_text(fp, s->name);
	fprintf(fp, ": starts at %.1fms, %.1fms (%.1f%%)</title>\n",
		s->start_mean, s->dur.mean, s->percent);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" font-size=\"12\"%s>",
		phase ? 4 : 16, y + 12, phase ? " font-weight=\"bold\"" : "");
	xml_text(fp, s->name);
	fprintf(fp,
		"</text><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
		"fill=\"%s\"/></g>\n",
		x, y + 2, w < 1 ? 1 : w, SVG_ROW - 4,
		stage_highlighted(s) ? "#c0392b" : "#27ae60");
}

static void svg_axis(FILE *fp, double total, double scale, int height)
{
	double step = total > 20000 ? 5000 : total > 5000 ? 1000 : 200;

	for (int k = 0; k * step <= total; k++) {
		double t = k * step, x = SVG_LABEL + t * scale;

		fprintf(
		    fp,
		    "<line x1=\"%.1f\" y1=\"24\" x2=\"%.1f\" y2=\"%d\" "
		    "stroke=\"#ddd\"/><text x=\"%.1f\" y=\"18\" "
		    "font-size=\"10\" text-anchor=\"middle\">%.0fs</text>\n",
		    x, x, height - 10, x, t / 1000);
	}
}

int report_stages_svg(FILE *fp, const struct stage_report *r)
{
	double total = r->total.mean > 0 ? r->total.mean : 1;
	double scale = (SVG_WIDTH - SVG_LABEL - 20) / total;
	int rows = 0, height;

	for (size_t i = 0; i < r->n; i++)
		rows += in_timeline(&r->v[i]);
	height = 50 + rows * SVG_ROW;
	fprintf(fp,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" "
		"font-family=\"sans-serif\">\n"
		"<title>bootperf analyze: boot stages, mean of %zu passes "
		"(%.1fms)</title>\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		SVG_WIDTH, height, SVG_WIDTH, height, r->n_passes,
		r->total.mean);
	svg_axis(fp, total, scale, height);
	rows = 0;
	for (size_t i = 0; i < r->n; i++)
		if (in_timeline(&r->v[i]))
			svg_row(fp, &r->v[i], rows++, scale);
	fputs("</svg>\n", fp);
	return ferror(fp) ? -1 : 0;
}

/* --- range and bisect --stages --- */

static bool delta_shown(const struct stage_changes *c,
			const struct stage_change *x)
{
	return x->kind == STAGE_PHASE || x->kind == STAGE_DETAIL ||
	       (!isnan(x->delta_ms) &&
		fabs(x->delta_ms) >=
		    c->total_a * STAGE_HIGHLIGHT_PERCENT / 100.0);
}

static void ms_or_dash(FILE *fp, double ms)
{
	if (isnan(ms))
		fprintf(fp, " %11s", "not seen");
	else
		fprintf(fp, " %9.1fms", ms);
}

static void one_delta(FILE *fp, const struct stage_delta *d)
{
	const struct stage_changes *c = &d->changes;

	fprintf(fp, "%s ", d->short_id);
	bp_put_printable(fp, d->subject);
	fputc('\n', fp);
	if (d->why_not) {
		fputs("\tnot analyzed: ", fp);
		bp_put_printable(fp, d->why_not);
		fputc('\n', fp);
		return;
	}
	fprintf(fp, "\tagainst %s: ", d->base_short);
	if (c->most != SIZE_MAX)
		fprintf(fp, "%s %+.1fms", c->v[c->most].name,
			c->v[c->most].delta_ms);
	else
		fputs("no phase changed the way the whole run did", fp);
	if (c->most_part != SIZE_MAX)
		fprintf(fp, "; of the parts, %s %+.1fms",
			c->v[c->most_part].name, c->v[c->most_part].delta_ms);
	fprintf(fp, "\n\t%-34s %11s %11s %11s\n", "stage", d->base_short,
		d->short_id, "change");
	for (size_t i = 0; i < c->n; i++) {
		const struct stage_change *x = &c->v[i];

		if (!delta_shown(c, x))
			continue;
		fprintf(fp, "\t%s%-*s", x->kind == STAGE_PHASE ? "" : "  ",
			x->kind == STAGE_PHASE ? 34 : 32, x->name);
		ms_or_dash(fp, x->a_ms);
		ms_or_dash(fp, x->b_ms);
		if (isnan(x->delta_ms))
			fputc('\n', fp);
		else
			fprintf(fp, " %+9.1fms\n", x->delta_ms);
	}
	fprintf(fp, "\t%-34s %9.1fms %9.1fms %+9.1fms\n", "(the whole run)",
		c->total_a, c->total_b, c->total_b - c->total_a);
}

void report_stage_deltas_text(FILE *fp, const struct stage_deltas *d)
{
	if (!d)
		return;
	fprintf(fp,
		"\nStages (%ld warm-up%s, then %ld analyzed pass%s each; "
		"verbose boots, slower than the times above):\n",
		d->warmup, d->warmup == 1 ? "" : "s", d->runs,
		d->runs == 1 ? "" : "es");
	if (d->n == 0)
		fprintf(fp, "No significant changes to analyze.\n");
	for (size_t i = 0; i < d->n; i++)
		one_delta(fp, &d->v[i]);
}

static cJSON *change_object(const struct stage_change *x)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "name", x->name);
	cJSON_AddStringToObject(o, "kind", stage_kind_name(x->kind));
	cJSON_AddItemToObject(o, "before_ms", json_number_or_null(x->a_ms));
	cJSON_AddItemToObject(o, "after_ms", json_number_or_null(x->b_ms));
	cJSON_AddItemToObject(o, "change_ms", json_number_or_null(x->delta_ms));
	return o;
}

static cJSON *delta_object(const struct stage_delta *d)
{
	const struct stage_changes *c = &d->changes;
	cJSON *o = cJSON_CreateObject(), *stages;

	cJSON_AddStringToObject(o, "commit", d->commit);
	cJSON_AddStringToObject(o, "against", d->base);
	cJSON_AddNumberToObject(o, "runs", (double)d->runs);
	cJSON_AddItemToObject(o, "not_analyzed",
			      d->why_not ? cJSON_CreateString(d->why_not)
					 : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "changed_most",
			      c->most != SIZE_MAX
				  ? cJSON_CreateString(c->v[c->most].name)
				  : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "part_changed_most",
			      c->most_part != SIZE_MAX
				  ? cJSON_CreateString(c->v[c->most_part].name)
				  : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "before_ms", json_number_or_null(c->total_a));
	cJSON_AddItemToObject(o, "after_ms", json_number_or_null(c->total_b));
	stages = cJSON_AddArrayToObject(o, "stages");
	for (size_t i = 0; i < c->n; i++)
		cJSON_AddItemToArray(stages, change_object(&c->v[i]));
	return o;
}

struct cJSON *json_from_stage_deltas(const struct stage_deltas *d)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; arr && i < d->n; i++)
		cJSON_AddItemToArray(arr, delta_object(&d->v[i]));
	return arr;
}
