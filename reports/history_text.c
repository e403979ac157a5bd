/* bootperf - a history as text: the range report's lines for every
 * measured commit, a summary, and the change points.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reports.h"

#define RED "\033[1;31m"
#define GREEN "\033[0;32m"
#define RESET "\033[0m"

static void p_value_text(FILE *fp, double p)
{
	if (p < 0.001)
		fprintf(fp, "p<0.001");
	else
		fprintf(fp, "p=%.3g", p);
}

/* Where the change happened: one commit, or one of several. */
static void where_text(FILE *fp, const struct history *h,
		       const struct change_point *c)
{
	const struct range_entry *b = &h->r.v[c->before];

	if (c->candidates == 1) {
		fprintf(fp, "\tat this commit (the one after %s)\n",
			b->short_id);
		return;
	}
	fprintf(fp, "\tin one of the %zu commits after %s up to this one",
		c->candidates, b->short_id);
	if (c->unmeasured)
		fprintf(fp, " (%zu not measured yet)", c->unmeasured);
	fputc('\n', fp);
}

/* A change in the newest measured commits, too few to confirm it. */
static void tip_text(FILE *fp, const struct history *h,
		     const struct change_point *c)
{
	size_t n = 0;

	for (size_t i = c->after; i < h->r.n; i++)
		if (!h->r.v[i].missing && h->r.v[i].res.status == COMMIT_OK)
			n++;
	if (n == 1)
		fprintf(fp, "\tat the tip: the newest measured commit, not yet "
			    "confirmed by a later commit\n");
	else
		fprintf(
		    fp,
		    "\tat the tip: the newest %zu measured commits, not yet "
		    "confirmed by later ones\n",
		    n);
}

/* A drift: the level moved over several commits, not at one. */
static void drift_text(FILE *fp, const struct history *h,
		       const struct change_point *c)
{
	if (c->drift_from == SIZE_MAX)
		return;
	fprintf(fp,
		"\tpart of a drift of %+.1f%%: the level moved over the %zu "
		"commits after %s up to %s\n",
		c->drift_pct, c->drift_to - c->drift_from,
		h->r.v[c->drift_from].short_id, h->r.v[c->drift_to].short_id);
}

static void change_point_text(FILE *fp, const struct history *h,
			      const struct change_point *c, bool color)
{
	const struct range_entry *a = &h->r.v[c->after];
	bool slower = c->percent > 0;

	fprintf(fp, "  %s%s %s performance by %.1f%%%s at %s ",
		color ? (slower ? RED : GREEN) : "", slower ? "↓" : "↑",
		slower ? "degrades" : "improves", fabs(c->percent),
		color ? RESET : "", a->short_id);
	bp_put_printable(fp, a->res.subject);
	fputc('\n', fp);
	fprintf(fp, "\t%.1fms -> %.1fms (%+.1fms), ", c->before_ms, c->after_ms,
		c->delta_ms);
	p_value_text(fp, c->p);
	fprintf(fp, "%s\n", c->is_new ? ", new" : "");
	where_text(fp, h, c);
	if (c->at_tip)
		tip_text(fp, h, c);
	drift_text(fp, h, c);
	if (c->ack) {
		fprintf(fp, "\tacknowledged (%.12s): ", c->ack_commit);
		bp_put_printable(fp, c->ack);
		fputc('\n', fp);
	}
}

static void change_points_text(FILE *fp, const struct history *h, bool color)
{
	size_t shown = 0;

	fprintf(fp,
		"Change points (E-divisive means, %zu permutations, "
		"p <= %g, at least %g%%):\n",
		h->cpo.permutations, h->cpo.alpha, h->r.threshold);
	for (size_t i = 0; i < h->n_cp; i++)
		if (h->cp[i].reported) {
			change_point_text(fp, h, &h->cp[i], color);
			shown++;
		}
	if (shown == 0)
		fprintf(fp, "  none\n");
	if (shown < h->n_cp)
		fprintf(fp, "  (%zu more below %g%%)\n", h->n_cp - shown,
			h->r.threshold);
}

void report_change_points_text(FILE *fp, const struct history *h, bool color)
{
	change_points_text(fp, h, color);
}

static void neighbours_text(FILE *fp, const struct history *h)
{
	const struct range_report *r = &h->r;
	size_t *idx = NULL, n = range_significant(r, &idx);

	if (n == 0)
		fprintf(fp, "No significant changes between neighbours.\n");
	else
		fprintf(fp, "Significant changes between neighbours, largest "
			    "first:\n");
	for (size_t k = 0; k < n; k++) {
		const struct range_entry *e = &r->v[idx[k]];

		const struct range_entry *b = &r->v[e->change.prev];

		fprintf(fp, "  %s %+.1f%% (%s%s%s%.1fms -> %.1fms)  ",
			e->short_id, e->change.percent,
			e->change.not_previous ? "against " : "",
			e->change.not_previous ? b->short_id : "",
			e->change.not_previous ? ": " : "",
			b->res.bench.summary.mean, e->res.bench.summary.mean);
		bp_put_printable(fp, e->res.subject);
		fputc('\n', fp);
	}
	free(idx);
}

static void header_text(FILE *fp, const struct history *h,
			const struct report_meta *m)
{
	char when[32];
	time_t t = (time_t)m->updated;
	struct tm tm;

	if (m->range) {
		fputs("Range ", fp);
		bp_put_printable(fp, m->range);
		fputs(" of ", fp);
		bp_put_printable(fp, m->repo ? m->repo : "?");
		fputs("\n\n", fp);
		return;
	}
	fputs("Branch ", fp);
	bp_put_printable(fp, m->branch ? m->branch : "?");
	fputs(" of ", fp);
	bp_put_printable(fp, m->remote ? m->remote : "?");
	if (m->url && (!m->remote || strcmp(m->url, m->remote) != 0)) {
		fputs(" (", fp);
		bp_put_printable(fp, m->url);
		fputc(')', fp);
	}
	if (m->updated > 0 && gmtime_r(&t, &tm)) {
		strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
		fprintf(fp, ", tracked %s", when);
	}
	fprintf(fp, "\n");
	if (m->fetch_error) {
		fputs("The last fetch failed: ", fp);
		bp_put_printable(fp, m->fetch_error);
		fputc('\n', fp);
	}
	fprintf(fp, "%s\n", h->r.n ? "" : "No commits.");
}

/* Commits without a result from v[i] on: one commit as a line of its
 * own, a run of them (a long history being filled in) on one line.
 * Returns the last of the run.
 */
static size_t missing_text(FILE *fp, const struct range_report *r, size_t i)
{
	size_t j = i;

	while (j + 1 < r->n && r->v[j + 1].missing)
		j++;
	if (j == i)
		report_commit_line(fp, "", r->v[i].short_id,
				   r->v[i].res.subject, "\n\tnot measured\n");
	else
		fprintf(fp, "(%zu commits not measured: %s to %s)\n", j - i + 1,
			r->v[i].short_id, r->v[j].short_id);
	return j;
}

void report_history_text(FILE *fp, const struct history *h,
			 const struct report_meta *m, bool color)
{
	size_t ok, failed, missing;

	header_text(fp, h, m);
	for (size_t i = 0; i < h->r.n; i++)
		if (!h->r.v[i].missing)
			report_range_entry_text(fp, &h->r, i, color);
		else
			i = missing_text(fp, &h->r, i);
	history_counts(h, &ok, &failed, &missing);
	fprintf(fp,
		"\n%zu commits: %zu measured, %zu failed, %zu not measured; "
		"%s test, p < %g and at least %g%%\n",
		h->r.n, ok, failed, missing,
		h->r.method == STATS_WELCH ? "Welch t" : "Mann-Whitney U",
		h->r.alpha, h->r.threshold);
	neighbours_text(fp, h);
	change_points_text(fp, h, color);
}
