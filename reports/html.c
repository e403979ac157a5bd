/* bootperf - a history as one self-contained HTML page: an SVG chart of
 * the boot time per commit (mean and standard deviation), changes
 * between neighbours marked and linked to their rows, change points
 * shaded, the segment means between them, and a table of every commit.
 * No script, no external file, font or request: it opens anywhere,
 * offline, and the hover text is SVG's own <title>.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports.h"

#define W 960.0
#define H 420.0
#define LEFT 76.0
#define RIGHT 16.0
#define TOP 16.0
#define BOTTOM 84.0
#define PLOT_W (W - LEFT - RIGHT)
#define PLOT_H (H - TOP - BOTTOM)

static const char style[] =
    "body{font-family:sans-serif;margin:1.5em;color:#222;background:#fff}"
    "h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.5em}"
    "p.meta{color:#555}"
    "svg.chart{width:100%;max-width:1100px;height:auto;"
    "border:1px solid #ddd;background:#fff}"
    ".grid line{stroke:#eee}.axis text{font-size:11px;fill:#555}"
    ".axis line,.axis path{stroke:#999}"
    ".point{fill:#1f5fa8}.point.regression{fill:#c62828}"
    ".point.improvement{fill:#2e7d32}"
    ".bar{stroke:#1f5fa8;stroke-width:1.2}"
    ".bar.regression{stroke:#c62828}.bar.improvement{stroke:#2e7d32}"
    ".cp.regression{fill:#c62828;fill-opacity:.13}"
    ".cp.improvement{fill:#2e7d32;fill-opacity:.13}"
    ".seg{stroke:#777;stroke-dasharray:5 3;stroke-width:1.2}"
    ".failed{stroke:#c62828;stroke-width:1.5}"
    ".legend{font-size:.85em;color:#555}"
    "table{border-collapse:collapse;font-size:.9em;margin-top:.5em}"
    "th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:left}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "tr.regression td{background:#fdecea}"
    "tr.improvement td{background:#e8f5e9}"
    "tr.missing td{color:#999}"
    "tr:target td{outline:2px solid #f9a825}"
    "code{font-size:1.05em}";

/* The first n bytes of s as HTML text: markup escaped, and (as in the
 * text report) controls and bytes that are not UTF-8 shown as \xNN, so
 * the page is valid UTF-8 with no C0 control.
 */
static void esc_n(FILE *fp, const char *s, size_t n)
{
	char *cut = s ? strndup(s, n) : NULL;
	char *shown = cut ? bp_printable(cut) : NULL;

	for (s = shown; s && *s; s++)
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			fputc(*s, fp);
		}
	free(shown);
	free(cut);
}

static void esc(FILE *fp, const char *s)
{
	esc_n(fp, s, SIZE_MAX);
}

/* The chart's scales. */
struct chart {
	const struct history *h;
	double lo, hi; /* y range, ms */
	double step;   /* between y ticks */
	bool any;      /* a measured commit at all */
};

static bool ok_entry(const struct range_entry *e)
{
	return !e->missing && e->res.status == COMMIT_OK &&
	       e->res.bench.n_samples > 0;
}

static double x_of(const struct chart *c, size_t i)
{
	return LEFT + ((double)i + 0.5) * PLOT_W / (double)c->h->r.n;
}

static double y_of(const struct chart *c, double ms)
{
	return TOP + PLOT_H * (c->hi - ms) / (c->hi - c->lo);
}

static double sd_or_0(const struct stats_summary *s)
{
	return isnan(s->sd) ? 0 : s->sd;
}

/* 1, 2 or 5 times a power of ten, about a fifth of the span. */
static double nice_step(double span)
{
	double raw = span / 5, mag = pow(10, floor(log10(raw)));
	double f = raw / mag;

	return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

static void chart_scale(struct chart *c)
{
	double lo = INFINITY, hi = -INFINITY;

	for (size_t i = 0; i < c->h->r.n; i++) {
		const struct stats_summary *s = &c->h->r.v[i].res.bench.summary;

		if (!ok_entry(&c->h->r.v[i]))
			continue;
		lo = fmin(lo, s->mean - sd_or_0(s));
		hi = fmax(hi, s->mean + sd_or_0(s));
		c->any = true;
	}
	if (!c->any) {
		lo = 0;
		hi = 1;
	}
	if (hi - lo < 1e-9 * fmax(1, fabs(hi)))
		hi = lo + fmax(1, fabs(lo) * 0.01);
	c->step = nice_step(hi - lo);
	c->lo = floor(lo / c->step) * c->step;
	c->hi = ceil(hi / c->step) * c->step;
	if (c->hi - c->lo < 2 * c->step)
		c->hi = c->lo + 2 * c->step;
}

static void chart_axes(FILE *fp, const struct chart *c)
{
	int decimals = c->step >= 1 ? 0 : (int)ceil(-log10(c->step));
	long ticks = lround((c->hi - c->lo) / c->step);

	fputs("<g class=\"grid\">", fp);
	for (long k = 0; k <= ticks; k++) {
		double y = y_of(c, c->lo + (double)k * c->step);

		fprintf(fp,
			"<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
			"y2=\"%.1f\"/>",
			LEFT, W - RIGHT, y, y);
	}
	fputs("</g>\n<g class=\"axis\">", fp);
	for (long k = 0; k <= ticks; k++) {
		double v = c->lo + (double)k * c->step;

		fprintf(fp,
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">"
			"%.*f ms</text>",
			LEFT - 6, y_of(c, v) + 4, decimals, v);
	}
	fprintf(fp,
		"<path d=\"M%.1f %.1fV%.1fH%.1f\" fill=\"none\"/>"
		"<text transform=\"translate(14 %.1f) rotate(-90)\" "
		"text-anchor=\"middle\">boot time</text>",
		LEFT, TOP, TOP + PLOT_H, W - RIGHT, TOP + PLOT_H / 2);
	fputs("</g>\n", fp);
}

/* Short ids under the axis: at most about 24 of them. */
static void chart_labels(FILE *fp, const struct chart *c)
{
	size_t n = c->h->r.n, every = n > 24 ? (n + 23) / 24 : 1;

	fputs("<g class=\"axis\">", fp);
	for (size_t i = 0; i < n; i++) {
		if (i % every && i != n - 1)
			continue;
		fprintf(fp,
			"<text transform=\"translate(%.1f %.1f) "
			"rotate(-45)\" text-anchor=\"end\">%s</text>",
			x_of(c, i) + 3, TOP + PLOT_H + 14,
			c->h->r.v[i].short_id);
	}
	fputs("</g>\n", fp);
}

static void cp_title(FILE *fp, const struct history *h,
		     const struct change_point *cp)
{
	const struct range_entry *a = &h->r.v[cp->after];

	fprintf(fp,
		"<title>change point: %s %+.1f%% (%+.1f ms, %.1f → %.1f ms), "
		"p=%.3g\n",
		cp->percent > 0 ? "slower" : "faster", cp->percent,
		cp->delta_ms, cp->before_ms, cp->after_ms, cp->p);
	if (cp->candidates == 1)
		fprintf(fp, "at %s ", a->short_id);
	else
		fprintf(fp, "in one of %zu commits up to %s ", cp->candidates,
			a->short_id);
	esc(fp, a->res.subject);
	if (cp->at_tip)
		fputs("\nat the tip, not yet confirmed by a later commit", fp);
	if (cp->drift_from != SIZE_MAX)
		fprintf(fp,
			"\npart of a drift of %+.1f%% over the %zu commits "
			"after %s up to %s",
			cp->drift_pct, cp->drift_to - cp->drift_from,
			h->r.v[cp->drift_from].short_id,
			h->r.v[cp->drift_to].short_id);
	if (cp->ack) {
		fputs("\nacknowledged: ", fp);
		esc(fp, cp->ack);
	}
	fputs("</title>", fp);
}

static void chart_change_points(FILE *fp, const struct chart *c)
{
	const struct history *h = c->h;

	for (size_t k = 0; k < h->n_cp; k++) {
		const struct change_point *cp = &h->cp[k];
		double x0 = x_of(c, cp->before), x1 = x_of(c, cp->after);

		if (!cp->reported)
			continue;
		fprintf(fp,
			"<a href=\"#cp-%zu\"><rect class=\"cp %s\" "
			"x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\">",
			k + 1, cp->percent > 0 ? "regression" : "improvement",
			x0, TOP, fmax(x1 - x0, 3), PLOT_H);
		cp_title(fp, h, cp);
		fputs("</rect></a>\n", fp);
	}
}

/* The mean of each stretch between change points, dashed. */
static void chart_segments(FILE *fp, const struct chart *c)
{
	const struct history *h = c->h;
	size_t first = SIZE_MAX, last = 0;

	for (size_t i = 0; i < h->r.n; i++)
		if (ok_entry(&h->r.v[i])) {
			first = first == SIZE_MAX ? i : first;
			last = i;
		}
	if (first == SIZE_MAX || h->n_cp == 0)
		return;
	for (size_t k = 0; k <= h->n_cp; k++) {
		size_t from = k ? h->cp[k - 1].after : first;
		size_t to = k < h->n_cp ? h->cp[k].before : last;
		double ms =
		    k < h->n_cp ? h->cp[k].before_ms : h->cp[k - 1].after_ms;

		fprintf(fp,
			"<line class=\"seg\" x1=\"%.1f\" x2=\"%.1f\" "
			"y1=\"%.1f\" y2=\"%.1f\"><title>mean %.1f ms</title>"
			"</line>\n",
			x_of(c, from) - 3, x_of(c, to) + 3, y_of(c, ms),
			y_of(c, ms), ms);
	}
}

static const char *change_class(const struct commit_change *ch)
{
	if (!ch->significant)
		return "";
	return ch->percent > 0 ? " regression" : " improvement";
}

static void point_title(FILE *fp, const struct history *h,
			const struct range_entry *e)
{
	const struct stats_summary *s = &e->res.bench.summary;

	fprintf(fp, "<title>%s ", e->short_id);
	esc(fp, e->res.subject);
	if (isnan(s->sd))
		fprintf(fp, "\n%.1f ms (1 pass)", s->mean);
	else
		fprintf(fp, "\n%.1f ms ± %.1f ms (%zu passes)", s->mean, s->sd,
			s->n);
	if (e->change.compared)
		fprintf(fp, "\n%+.1f%% against %s, p=%.3g%s", e->change.percent,
			e->change.not_previous ? h->r.v[e->change.prev].short_id
					       : "the previous",
			e->change.p,
			e->change.significant ? " (significant)" : "");
	fputs("</title>", fp);
}

static void chart_point(FILE *fp, const struct chart *c, size_t i)
{
	const struct range_entry *e = &c->h->r.v[i];
	const struct stats_summary *s = &e->res.bench.summary;
	const char *cls = change_class(&e->change);
	double x = x_of(c, i), sd = sd_or_0(s);

	if (*cls)
		fprintf(fp, "<a href=\"#c-%s\">", e->short_id);
	fprintf(fp, "<g>");
	if (sd > 0)
		fprintf(fp,
			"<path class=\"bar%s\" d=\"M%.1f %.1fV%.1fM%.1f "
			"%.1fh6M%.1f %.1fh6\"/>",
			cls, x, y_of(c, s->mean + sd), y_of(c, s->mean - sd),
			x - 3, y_of(c, s->mean + sd), x - 3,
			y_of(c, s->mean - sd));
	fprintf(fp,
		"<circle class=\"point%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%s\">",
		cls, x, y_of(c, s->mean), *cls ? "5" : "3.5");
	point_title(fp, c->h, e);
	fputs("</circle></g>", fp);
	fputs(*cls ? "</a>\n" : "\n", fp);
}

/* A commit that was tried and failed: a cross on the axis. */
static void chart_failed(FILE *fp, const struct chart *c, size_t i)
{
	const struct range_entry *e = &c->h->r.v[i];
	double x = x_of(c, i), y = TOP + PLOT_H - 6;

	fprintf(fp,
		"<a href=\"#c-%s\"><path class=\"failed\" d=\"M%.1f %.1fl6 "
		"6m0 -6l-6 6\"><title>%s ",
		e->short_id, x - 3, y - 3, e->short_id);
	esc(fp, e->res.subject);
	fprintf(fp, "\n%s", commit_status_name(e->res.status));
	if (e->res.message) {
		fputs(": ", fp);
		esc(fp, e->res.message);
	}
	fputs("</title></path></a>\n", fp);
}

static void chart(FILE *fp, const struct history *h)
{
	struct chart c = {.h = h};

	chart_scale(&c);
	fprintf(fp,
		"<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
		"viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
		"aria-label=\"boot time per commit\">\n",
		W, H);
	chart_axes(fp, &c);
	if (h->r.n > 0) {
		chart_change_points(fp, &c);
		chart_segments(fp, &c);
		for (size_t i = 0; i < h->r.n; i++)
			if (ok_entry(&h->r.v[i]))
				chart_point(fp, &c, i);
			else if (!h->r.v[i].missing)
				chart_failed(fp, &c, i);
		chart_labels(fp, &c);
	}
	if (!c.any)
		fprintf(fp,
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
			"no measured commits</text>\n",
			LEFT + PLOT_W / 2, TOP + PLOT_H / 2);
	fputs("</svg>\n", fp);
}

static void commit_link(FILE *fp, const struct report_meta *m,
			const struct range_entry *e)
{
	const char *at =
	    m->commit_url ? strstr(m->commit_url, "{commit}") : NULL;

	if (!at || !e->res.commit_id) {
		fprintf(fp, "<code>%s</code>", e->short_id);
		return;
	}
	fputs("<a href=\"", fp);
	esc_n(fp, m->commit_url, (size_t)(at - m->commit_url));
	esc(fp, e->res.commit_id);
	esc(fp, at + 8);
	fprintf(fp, "\"><code>%s</code></a>", e->short_id);
}

static void change_points_table(FILE *fp, const struct history *h,
				const struct report_meta *m)
{
	size_t shown = 0;

	fputs("<h2>Change points</h2>\n", fp);
	for (size_t k = 0; k < h->n_cp; k++) {
		const struct change_point *cp = &h->cp[k];
		const struct range_entry *a = &h->r.v[cp->after];

		if (!cp->reported)
			continue;
		if (shown++ == 0)
			fputs("<table><tr><th>Where</th><th>Subject</th>"
			      "<th>Change</th><th>Means</th><th>p</th>"
			      "<th>Commits</th><th>Status</th></tr>\n",
			      fp);
		fprintf(fp, "<tr id=\"cp-%zu\" class=\"%s\"><td>", k + 1,
			cp->percent > 0 ? "regression" : "improvement");
		commit_link(fp, m, a);
		fputs("</td><td>", fp);
		esc(fp, a->res.subject);
		fprintf(fp,
			"</td><td class=\"num\">%+.1f%% (%+.1f ms)</td>"
			"<td class=\"num\">%.1f → %.1f ms</td>"
			"<td class=\"num\">%.3g</td><td class=\"num\">%zu "
			"after <code>%s</code>%s",
			cp->percent, cp->delta_ms, cp->before_ms, cp->after_ms,
			cp->p, cp->candidates, h->r.v[cp->before].short_id,
			cp->unmeasured ? " (some not measured)" : "");
		if (cp->at_tip)
			fputs("; at the tip, not yet confirmed", fp);
		if (cp->drift_from != SIZE_MAX)
			fprintf(fp,
				"; a drift of %+.1f%% over %zu after "
				"<code>%s</code> up to <code>%s</code>",
				cp->drift_pct, cp->drift_to - cp->drift_from,
				h->r.v[cp->drift_from].short_id,
				h->r.v[cp->drift_to].short_id);
		fputs("</td><td>", fp);
		if (cp->ack) {
			fputs("acknowledged: ", fp);
			esc(fp, cp->ack);
		} else
			fputs(cp->is_new ? "new" : "not acknowledged", fp);
		fputs("</td></tr>\n", fp);
	}
	fputs(shown ? "</table>\n" : "<p>None.</p>\n", fp);
}

static void commit_row(FILE *fp, const struct history *h, size_t i,
		       const struct report_meta *m)
{
	const struct range_entry *e = &h->r.v[i];
	const struct stats_summary *s = &e->res.bench.summary;
	const char *cls = e->missing ? "missing" : change_class(&e->change);

	fprintf(fp, "<tr id=\"c-%s\" class=\"%s\"><td>", e->short_id,
		*cls == ' ' ? cls + 1 : cls);
	commit_link(fp, m, e);
	fputs("</td><td>", fp);
	esc(fp, e->res.subject);
	fputs("</td><td class=\"num\">", fp);
	if (e->missing)
		fputs("not measured", fp);
	else if (!ok_entry(e)) {
		fputs(commit_status_name(e->res.status), fp);
	} else if (isnan(s->sd))
		fprintf(fp, "%.1f ms", s->mean);
	else
		fprintf(fp, "%.1f ± %.1f ms", s->mean, s->sd);
	fputs("</td><td class=\"num\">", fp);
	if (e->change.compared)
		fprintf(fp, "%s%+.1f%%%s%s%s</td><td class=\"num\">%.3g",
			e->change.significant ? "<b>" : "", e->change.percent,
			e->change.significant ? "</b>" : "",
			e->change.not_previous ? " against " : "",
			e->change.not_previous ? h->r.v[e->change.prev].short_id
					       : "",
			e->change.p);
	else
		fputs("</td><td>", fp);
	fprintf(fp, "</td><td class=\"num\">%zu</td></tr>\n", s->n);
}

static void header(FILE *fp, const struct history *h,
		   const struct report_meta *m)
{
	size_t ok, failed, missing;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	      "charset=\"utf-8\">\n<meta name=\"viewport\" "
	      "content=\"width=device-width, initial-scale=1\">\n<title>"
	      "bootperf: boot time of ",
	      fp);
	esc(fp, m->range ? m->range : m->branch);
	fprintf(fp, "</title>\n<style>%s</style></head>\n<body>\n", style);
	fputs("<h1>Boot time per commit: ", fp);
	if (m->range)
		esc(fp, m->range);
	else {
		esc(fp, m->branch);
		fputs(" of ", fp);
		esc(fp, m->remote);
	}
	history_counts(h, &ok, &failed, &missing);
	fprintf(fp,
		"</h1>\n<p class=\"meta\">%zu commits: %zu measured, %zu "
		"failed, %zu not measured.",
		h->r.n, ok, failed, missing);
	if (m->fetch_error) {
		fputs(" The last fetch failed: ", fp);
		esc(fp, m->fetch_error);
	}
	fputs("</p>\n", fp);
}

void report_history_html(FILE *fp, const struct history *h,
			 const struct report_meta *m)
{
	header(fp, h, m);
	chart(fp, h);
	fprintf(
	    fp,
	    "<p class=\"legend\">Each dot is the mean boot time of one "
	    "measured commit, the bar its standard deviation; red and "
	    "green mark a change from the previous measured commit "
	    "(along first parents; named when it is not the row above) with "
	    "%s p &lt; %g and at least %g%% (linked to its row); shaded "
	    "stretches are change points over the whole history "
	    "(E-divisive means, %zu permutations, p &#8804; %g) and the "
	    "dashed lines the mean between them; &#215; did not build or "
	    "boot. Hover for details.</p>\n",
	    h->r.method == STATS_WELCH ? "Welch" : "Mann-Whitney", h->r.alpha,
	    h->r.threshold, h->cpo.permutations, h->cpo.alpha);
	change_points_table(fp, h, m);
	fputs("<h2>Commits</h2>\n<table><tr><th>Commit</th><th>Subject</th>"
	      "<th>Boot time</th><th>Change</th><th>p</th><th>Passes</th>"
	      "</tr>\n",
	      fp);
	for (size_t i = 0; i < h->r.n; i++)
		commit_row(fp, h, i, m);
	fprintf(fp,
		"</table>\n<p class=\"legend\">Generated by bootperf "
		"%s.</p>\n</body></html>\n",
		BOOTPERF_VERSION);
}
