/* bootperf - annotate a range: each measured commit against its nearest
 * measured ancestor along first parents, with a test that does not assume equal
 * variances and a minimum size, so noise is never reported as a change.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Results measured under different settings are never compared. */
const char *range_incomparable(const struct bench_env *a,
			       const struct bench_env *b)
{
	if (!same_str(a->accel, b->accel))
		return "measured with different accelerators";
	if (!same_str(a->host_name, b->host_name) ||
	    !same_str(a->host_cpu, b->host_cpu))
		return "measured on different hosts";
	if (!same_str(a->runner, b->runner))
		return "measured by different runners";
	return NULL;
}

/* Interleaved runs judge the change on the passes taken in turns with
 * the base, not on the base's own, older passes.
 */
static bool has_baseline(const struct range_entry *prev,
			 const struct range_entry *cur)
{
	return cur->res.n_baseline > 0 && cur->res.baseline_commit &&
	       prev->res.commit_id &&
	       !strcmp(cur->res.baseline_commit, prev->res.commit_id);
}

static void compare_pair(const struct range_report *r,
			 const struct range_entry *prev, size_t prev_i,
			 struct range_entry *cur)
{
	const struct bench_result *a = &prev->res.bench, *b = &cur->res.bench;
	const double *base = a->sample_ms;
	size_t n_base = a->n_samples;
	struct commit_change *c = &cur->change;
	struct stats_test t;

	c->prev = prev_i;
	c->why_not = range_incomparable(&a->env, &b->env);
	if (c->why_not)
		return;
	c->paired = has_baseline(prev, cur);
	if (c->paired) {
		base = cur->res.baseline_ms;
		n_base = cur->res.n_baseline;
	}
	if (stats_compare(&t, r->method, base, n_base, b->sample_ms,
			  b->n_samples) == -1) {
		c->why_not = "too few samples for the test";
		return;
	}
	c->compared = true;
	c->p = t.p;
	c->base_mean = stats_mean(base, n_base);
	c->percent = stats_percent_change(c->base_mean, b->summary.mean);
	c->significant = t.p < r->alpha && fabs(c->percent) >= r->threshold;
	c->has_shift = stats_shift(&c->shift, base, n_base, b->sample_ms,
				   b->n_samples, r->alpha, r->threshold) == 0;
}

static bool measured(const struct range_entry *e)
{
	return e->res.status == COMMIT_OK && e->res.bench.n_samples > 0;
}

size_t range_base(const struct range_report *r, size_t i)
{
	size_t b = r->v[i].base;

	/* Bases come before: b - 1 < i, so this ends. */
	while (b > 0 && b - 1 < i && !measured(&r->v[b - 1])) {
		i = b - 1;
		b = r->v[i].base;
	}
	return b > 0 && b - 1 < i ? b - 1 : SIZE_MAX;
}

/* v[i].change, last the measured commit listed before it (SIZE_MAX:
 * none).
 */
static void annotate(struct range_report *r, size_t i, size_t last)
{
	size_t base;

	memset(&r->v[i].change, 0, sizeof r->v[i].change);
	if (!measured(&r->v[i]))
		return;
	base = range_base(r, i);
	if (base != SIZE_MAX) {
		compare_pair(r, &r->v[base], base, &r->v[i]);
		r->v[i].change.not_previous = base != last;
	}
}

void range_annotate(struct range_report *r)
{
	size_t last = SIZE_MAX; /* the measured commit listed last */

	for (size_t i = 0; i < r->n; i++) {
		annotate(r, i, last);
		if (measured(&r->v[i]))
			last = i;
	}
}

void range_annotate_one(struct range_report *r, size_t i)
{
	size_t last = i;

	while (last-- > 0 && !measured(&r->v[last]))
		;
	annotate(r, i, last);
}

static const struct range_report *sort_report;

static int by_size(const void *a, const void *b)
{
	double x = fabs(sort_report->v[*(const size_t *)a].change.percent);
	double y = fabs(sort_report->v[*(const size_t *)b].change.percent);

	return (x < y) - (x > y);
}

size_t range_significant(const struct range_report *r, size_t **idx)
{
	size_t n = 0;

	*idx = bp_malloc((r->n + 1) * sizeof **idx);
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].change.significant)
			(*idx)[n++] = i;
	sort_report = r;
	qsort(*idx, n, sizeof **idx, by_size);
	sort_report = NULL;
	return n;
}

void range_report_free(struct range_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		commit_result_free(&r->v[i].res);
	free(r->v);
	r->v = NULL;
	r->n = 0;
	stage_deltas_free(r->stages);
	free(r->stages);
	r->stages = NULL;
}

void build_report_free(struct build_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		commit_result_free(&r->v[i].res);
		free(r->v[i].dir);
	}
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

const struct bisect_step *bisect_report_step(const struct bisect_report *r,
					     size_t k)
{
	if (k == BISECT_GOOD_ENDPOINT)
		return &r->good;
	if (k == BISECT_BAD_ENDPOINT)
		return &r->bad;
	return k < r->n_steps ? &r->steps[k] : NULL;
}

void bisect_report_free(struct bisect_report *r)
{
	commit_result_free(&r->good.res);
	commit_result_free(&r->bad.res);
	commit_result_free(&r->revert_step.res);
	free(r->revert_why);
	r->revert_why = NULL;
	for (size_t i = 0; i < r->n_steps; i++)
		commit_result_free(&r->steps[i].res);
	for (size_t i = 0; i < r->n_candidates; i++)
		free(r->candidates[i].subject);
	free(r->steps);
	free(r->candidates);
	free(r->why);
	stage_deltas_free(r->stages);
	free(r->stages);
	r->stages = NULL;
	r->steps = NULL;
	r->candidates = NULL;
	r->why = NULL;
	r->n_steps = r->n_candidates = 0;
}
