/* bootperf - a history as Markdown: a summary, the change points, and
 * one table row per commit, fit for a mailing list or a merge request
 * (GitHub and GitLab flavoured tables).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports.h"

/* A cell: no pipes, no newlines, no terminal controls (as \xNN);
 * Markdown's own characters escaped.
 */
static void md_cell(FILE *fp, const char *text)
{
	char *flat = bp_strdup(text ? text : ""), *shown;

	for (char *s = flat; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
	shown = bp_printable(flat);
	free(flat);
	for (const char *s = shown; *s; s++) {
		if (strchr("|\\`*_[]<>#", *s))
			fputc('\\', fp);
		fputc(*s, fp);
	}
	free(shown);
}

static void md_commit(FILE *fp, const struct report_meta *m,
		      const struct range_entry *e)
{
	if (m->commit_url && e->res.commit_id) {
		const char *at = strstr(m->commit_url, "{commit}");

		if (at) {
			fprintf(fp, "[`%s`](%.*s%s%s)", e->short_id,
				(int)(at - m->commit_url), m->commit_url,
				e->res.commit_id, at + 8);
			return;
		}
	}
	fprintf(fp, "`%s`", e->short_id);
}

static void md_time(FILE *fp, const struct range_entry *e)
{
	const struct stats_summary *s = &e->res.bench.summary;

	if (e->missing)
		fprintf(fp, "not measured");
	else if (e->res.status != COMMIT_OK)
		fprintf(fp, "%s", commit_status_name(e->res.status));
	else if (isnan(s->sd))
		fprintf(fp, "%.1f ms", s->mean);
	else
		fprintf(fp, "%.1f ms ± %.1f", s->mean, s->sd);
}

static void md_change(FILE *fp, const struct history *h,
		      const struct report_meta *m,
		      const struct commit_change *c)
{
	if (!c->compared) {
		fprintf(fp, " | |");
		return;
	}
	if (c->significant)
		fprintf(fp, " | **%s %+.1f%%**", c->percent > 0 ? "↓" : "↑",
			c->percent);
	else
		fprintf(fp, " | %+.1f%%", c->percent);
	if (c->not_previous) {
		fputs(" against ", fp);
		md_commit(fp, m, &h->r.v[c->prev]);
	}
	if (c->significant)
		fprintf(fp, " | %s%.3g", c->p < 0.001 ? "<" : "",
			c->p < 0.001 ? 0.001 : c->p);
	else
		fprintf(fp, " | %.3g", c->p);
}

static void md_commits(FILE *fp, const struct history *h,
		       const struct report_meta *m)
{
	fprintf(fp, "| Commit | Subject | Boot time | Change | p |\n"
		    "|---|---|---:|---:|---:|\n");
	for (size_t i = 0; i < h->r.n; i++) {
		const struct range_entry *e = &h->r.v[i];

		fputs("| ", fp);
		md_commit(fp, m, e);
		fputs(" | ", fp);
		md_cell(fp, e->res.subject);
		fputs(" | ", fp);
		md_time(fp, e);
		md_change(fp, h, m, &e->change);
		fputs(" |\n", fp);
	}
}

static void md_change_point(FILE *fp, const struct history *h,
			    const struct change_point *c,
			    const struct report_meta *m)
{
	const struct range_entry *b = &h->r.v[c->before],
				 *a = &h->r.v[c->after];

	fprintf(fp, "| %s | ", c->percent > 0 ? "regression" : "improvement");
	md_commit(fp, m, a);
	fputc(' ', fp);
	md_cell(fp, a->res.subject);
	if (c->candidates > 1) {
		fprintf(fp, " (one of %zu commits after ", c->candidates);
		md_commit(fp, m, b);
		if (c->unmeasured)
			fprintf(fp, ", %zu not measured", c->unmeasured);
		fputc(')', fp);
	}
	if (c->at_tip)
		fputs("; at the tip, not yet confirmed", fp);
	if (c->drift_from != SIZE_MAX) {
		fprintf(fp,
			"; part of a drift of %+.1f%% over the %zu commits "
			"after ",
			c->drift_pct, c->drift_to - c->drift_from);
		md_commit(fp, m, &h->r.v[c->drift_from]);
		fputs(" up to ", fp);
		md_commit(fp, m, &h->r.v[c->drift_to]);
	}
	fprintf(fp, " | **%+.1f%%** | %+.1f ms | %.1f → %.1f ms | %.3g | ",
		c->percent, c->delta_ms, c->before_ms, c->after_ms, c->p);
	if (c->ack) {
		fputs("acknowledged: ", fp);
		md_cell(fp, c->ack);
	} else
		fputs(c->is_new ? "new" : "not acknowledged", fp);
	fputs(" |\n", fp);
}

void report_history_md(FILE *fp, const struct history *h,
		       const struct report_meta *m)
{
	size_t ok, failed, missing, shown = 0;

	fputs("## Boot time: ", fp);
	if (m->range)
		md_cell(fp, m->range);
	else {
		md_cell(fp, m->branch ? m->branch : "?");
		fputs(" of ", fp);
		md_cell(fp, m->remote ? m->remote : "?");
	}
	history_counts(h, &ok, &failed, &missing);
	fprintf(fp,
		"\n\n%zu commits: %zu measured, %zu failed, %zu not measured. "
		"A change between neighbours is marked when the %s test gives "
		"p < %g and it is at least %g%%; change points are found over "
		"the whole history (E-divisive means, %zu permutations, "
		"p ≤ %g).\n\n",
		h->r.n, ok, failed, missing,
		h->r.method == STATS_WELCH ? "Welch t" : "Mann-Whitney U",
		h->r.alpha, h->r.threshold, h->cpo.permutations, h->cpo.alpha);
	fputs("### Change points\n\n", fp);
	for (size_t i = 0; i < h->n_cp; i++) {
		if (!h->cp[i].reported)
			continue;
		if (shown++ == 0)
			fputs("| Kind | Where | Change | ms | Means | p | "
			      "Status |\n"
			      "|---|---|---:|---:|---|---:|---|\n",
			      fp);
		md_change_point(fp, h, &h->cp[i], m);
	}
	if (shown == 0)
		fputs("None.\n", fp);
	fputs("\n### Commits\n\n", fp);
	md_commits(fp, h, m);
}
