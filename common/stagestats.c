/* bootperf - boot stages over several passes: mean, sample sd and share
 * of the whole run of every stage, and the stage by stage difference of
 * two such reports.  A stage missing from a pass is left out of that
 * stage's statistics, never counted as 0 (the original boot-analysis
 * kept 0 for it, pulling the mean down).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static struct stage_stat *stat_get(struct stage_report *r, const char *name,
				   const struct stage_def *def)
{
	struct stage_stat *s;

	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].name, name))
			return &r->v[i];
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		struct stage_stat *v = realloc(r->v, cap * sizeof *v);

		if (!v) {
			bp_error("out of memory");
			abort();
		}
		r->v = v;
		r->cap = cap;
	}
	s = &r->v[r->n];
	memset(s, 0, sizeof *s);
	s->name = bp_strdup(name);
	s->def = def;
	s->kind = def->kind;
	s->within = def->within;
	s->order = r->n++;
	s->dur_ms = bp_malloc(r->n_passes * sizeof *s->dur_ms);
	s->start_ms = bp_malloc(r->n_passes * sizeof *s->start_ms);
	for (size_t p = 0; p < r->n_passes; p++)
		s->dur_ms[p] = s->start_ms[p] = NAN;
	return s;
}

static void add_pass(struct stage_report *r, size_t p,
		     const struct boot_events *ev,
		     const struct stage_def *table, size_t n_table)
{
	struct stage_hits h;

	stages_match(&h, ev, table, n_table);
	for (size_t i = 0; i < h.n; i++) {
		struct stage_stat *s = stat_get(r, h.v[i].name, h.v[i].def);

		s->dur_ms[p] = h.v[i].end_ms - h.v[i].start_ms;
		s->start_ms[p] = h.v[i].start_ms;
		s->cut += h.v[i].cut;
	}
	stage_hits_free(&h);
}

/* Statistics over the passes in which the stage was seen. */
static void stat_finish(struct stage_stat *s, size_t n_passes, double total)
{
	double *dur = bp_malloc(n_passes * sizeof *dur);
	double start = 0;

	s->seen = 0;
	for (size_t p = 0; p < n_passes; p++)
		if (!isnan(s->dur_ms[p])) {
			dur[s->seen++] = s->dur_ms[p];
			start += s->start_ms[p];
		}
	memset(&s->dur, 0, sizeof s->dur);
	if (s->seen > 0)
		stats_summarize(&s->dur, dur, s->seen);
	s->start_mean = s->seen ? start / (double)s->seen : NAN;
	s->percent = total > 0 ? 100.0 * s->dur.mean / total : NAN;
	free(dur);
}

static int by_start(const void *pa, const void *pb)
{
	const struct stage_stat *a = pa, *b = pb;

	if (a->start_mean != b->start_mean)
		return a->start_mean < b->start_mean ? -1 : 1;
	return (a->order > b->order) - (a->order < b->order);
}

void stages_summarize(struct stage_report *out,
		      const struct boot_events *passes, size_t n,
		      const struct stage_def *table, size_t n_table)
{
	memset(out, 0, sizeof *out);
	out->n_passes = n;
	out->total_ms = bp_malloc((n ? n : 1) * sizeof *out->total_ms);
	for (size_t p = 0; p < n; p++) {
		out->total_ms[p] = boot_events_total(&passes[p]);
		add_pass(out, p, &passes[p], table, n_table);
	}
	if (n > 0)
		stats_summarize(&out->total, out->total_ms, n);
	for (size_t i = 0; i < out->n; i++)
		stat_finish(&out->v[i], n, out->total.mean);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, by_start);
}

/* Judged on the share as the reports print it ("%.1f"), so that 0.96%,
 * shown as 1.0%, is marked like every other 1.0%.
 */
bool stage_highlighted(const struct stage_stat *s)
{
	char shown[64];

	snprintf(shown, sizeof shown, "%.1f", s->percent);
	return strtod(shown, NULL) >= STAGE_HIGHLIGHT_PERCENT;
}

const struct stage_stat *stage_report_find(const struct stage_report *r,
					   const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].name, name))
			return &r->v[i];
	return NULL;
}

bool stage_report_never_seen(const struct stage_report *r,
			     const struct stage_def *def)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].def == def)
			return false;
	return true;
}

void stage_report_free(struct stage_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].dur_ms);
		free(r->v[i].start_ms);
	}
	free(r->v);
	free(r->total_ms);
	memset(r, 0, sizeof *r);
}

static void change_add(struct stage_changes *c, const char *name,
		       enum stage_kind kind, const struct stage_stat *a,
		       const struct stage_stat *b)
{
	struct stage_change *x = &c->v[c->n++];

	x->name = bp_strdup(name);
	x->kind = kind;
	x->a_ms = a ? a->dur.mean : NAN;
	x->b_ms = b ? b->dur.mean : NAN;
	x->delta_ms = x->b_ms - x->a_ms;
}

/* The entry of this kind class that changed most in the direction the
 * whole run changed: for a regression the stage that grew most, never
 * one that shrank (either way when the whole run did not move).
 */
static size_t most_changed(const struct stage_changes *c, bool phases)
{
	double run = c->total_b - c->total_a, best_by = 0;
	size_t best = SIZE_MAX;

	for (size_t i = 0; i < c->n; i++) {
		const struct stage_change *x = &c->v[i];
		double by = run > 0   ? x->delta_ms
			    : run < 0 ? -x->delta_ms
				      : fabs(x->delta_ms);

		if ((x->kind == STAGE_PHASE) != phases || isnan(by) || by <= 0)
			continue;
		if (best == SIZE_MAX || by > best_by) {
			best = i;
			best_by = by;
		}
	}
	return best;
}

void stages_compare(struct stage_changes *out, const struct stage_report *a,
		    const struct stage_report *b)
{
	memset(out, 0, sizeof *out);
	out->v = bp_malloc((a->n + b->n + 1) * sizeof *out->v);
	for (size_t i = 0; i < b->n; i++)
		change_add(out, b->v[i].name, b->v[i].kind,
			   stage_report_find(a, b->v[i].name), &b->v[i]);
	for (size_t i = 0; i < a->n; i++)
		if (!stage_report_find(b, a->v[i].name))
			change_add(out, a->v[i].name, a->v[i].kind, &a->v[i],
				   NULL);
	out->total_a = a->total.mean;
	out->total_b = b->total.mean;
	out->most = most_changed(out, true);
	out->most_part = most_changed(out, false);
}

void stage_changes_free(struct stage_changes *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].name);
	free(c->v);
	memset(c, 0, sizeof *c);
}

void analysis_free(struct analysis *a)
{
	bench_result_free(&a->verbose);
	bench_result_free(&a->quiet);
	for (size_t p = 0; p < a->n_passes; p++)
		boot_events_free(&a->passes[p]);
	free(a->passes);
	stage_report_free(&a->stages);
	memset(a, 0, sizeof *a);
}

void stage_deltas_free(struct stage_deltas *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].subject);
		free(d->v[i].why_not);
		stage_changes_free(&d->v[i].changes);
	}
	free(d->v);
	memset(d, 0, sizeof *d);
}
