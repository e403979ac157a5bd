/* bootperf - analyzed boots: what bootperf analyze measures, and the
 * stage by stage comparison that range --stages and bisect --stages
 * add for the changes they found.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

int stages_cli_parse(struct stages_cli *s, int c, const char *arg)
{
	switch (c) {
	case OPT_STAGES:
		s->on = true;
		return 1;
	case OPT_STAGE_RUNS:
		return parse_count("--stage-runs", arg, 1, 1000, &s->runs) ? -1
									   : 1;
	}
	return 0;
}

int stages_cli_finish(struct stages_cli *s, const struct run_cli *run)
{
	if (s->runs && !s->on) {
		bp_error("--stage-runs needs --stages");
		return -1;
	}
	if (s->on && run->runner != &runner_guestfs) {
		bp_error("--stages boots the appliance; it cannot go with "
			 "--runner %s",
			 run->runner->name);
		return -1;
	}
	if (!s->runs)
		s->runs = STAGES_DEFAULT_RUNS;
	return 0;
}

/* The worktree that holds id built already, or -1. */
static int built_in(const struct measurer *m, const char *id)
{
	for (int w = 0; w < 2; w++)
		if (!strcmp(m->built[w], id))
			return w;
	return -1;
}

/* Build id (unless built) and analyze it: BP_EXIT_OK with *out filled,
 * or with *why set when the commit could not be built or booted.
 */
static int analyze_commit(struct measurer *m, const char *id,
			  const struct stages_cli *s, struct stage_report *out,
			  char **why)
{
	struct commit_result res = {0};
	struct prepared p = {0};
	struct analysis a;
	bool built = true, ready = false;
	int w = built_in(m, id), r = BP_EXIT_OK;

	memset(&a, 0, sizeof a);
	res.commit_id = bp_strdup(id);
	if (w < 0) {
		w = 0;
		r = measurer_build(m, 0, &res, &built);
	}
	if (r == BP_EXIT_OK && built)
		r = measurer_prepare(m, w, &res, &p, &ready);
	if (r != BP_EXIT_OK || !ready) {
		if (r == BP_EXIT_OK)
			*why = bp_asprintf("%.12s: %s", id,
					   res.message ? res.message
						       : "build failed");
		goto out;
	}
	p.o.runs = s->runs;
	if (m->run->run.progress)
		bp_note("stages: analyzing %.12s (%ld pass%s after %ld "
			"warm-ups)",
			id, p.o.runs, p.o.runs == 1 ? "" : "es", p.o.warmup);
	r = analysis_measure(&a, &p.o, 0, m->run->run.progress);
	m->boots += a.verbose.n_warmup + a.verbose.n_samples;
	if (r == BP_EXIT_OK) {
		*out = a.stages;
		memset(&a.stages, 0, sizeof a.stages);
	} else if (r != BP_EXIT_INTERRUPTED) {
		*why = bp_asprintf("%.12s: %s", id,
				   a.verbose.message ? a.verbose.message
						     : "analysis failed");
		r = BP_EXIT_OK;
	}
out:
	analysis_free(&a);
	prepared_free(&p);
	commit_result_free(&res);
	return r;
}

/* One change: both sides analyzed the same way, then compared. */
static int delta(struct measurer *m, const struct stages_cli *s,
		 struct stage_delta *d)
{
	struct stage_report a = {0}, b = {0};
	int r = analyze_commit(m, d->base, s, &a, &d->why_not);

	if (r == BP_EXIT_OK && !d->why_not)
		r = analyze_commit(m, d->commit, s, &b, &d->why_not);
	if (r == BP_EXIT_OK && !d->why_not)
		stages_compare(&d->changes, &a, &b);
	stage_report_free(&a);
	stage_report_free(&b);
	return r;
}

static struct stage_delta *delta_new(struct stage_deltas *all,
				     const struct stages_cli *s,
				     const char *commit, const char *subject,
				     const char *base)
{
	struct stage_delta *d = &all->v[all->n++];

	memset(d, 0, sizeof *d);
	snprintf(d->commit, sizeof d->commit, "%s", commit);
	snprintf(d->short_id, sizeof d->short_id, "%.7s", commit);
	snprintf(d->base, sizeof d->base, "%s", base);
	snprintf(d->base_short, sizeof d->base_short, "%.7s", base);
	d->subject = bp_strdup(subject ? subject : "");
	d->runs = (size_t)s->runs;
	d->changes.total_a = d->changes.total_b = NAN;
	d->changes.most = d->changes.most_part = SIZE_MAX;
	return d;
}

/* The measurer's progress names the range's current commit: quiet it
 * while the stages run, they say what they do themselves.
 */
static int deltas_run(struct measurer *m, const struct stages_cli *s,
		      struct stage_deltas *all)
{
	void (*saved)(void *, const struct commit_result *, const char *) =
	    m->progress;
	int r = BP_EXIT_OK;

	m->progress = NULL;
	for (size_t i = 0; i < all->n && r == BP_EXIT_OK; i++)
		r = delta(m, s, &all->v[i]);
	m->progress = saved;
	return r;
}

int stages_range(struct measurer *m, struct range_report *r,
		 const struct stages_cli *s)
{
	size_t *idx = NULL, n;

	if (!s->on)
		return BP_EXIT_OK;
	n = range_significant(r, &idx);
	r->stages = bp_malloc(sizeof *r->stages);
	r->stages->v = bp_malloc((n ? n : 1) * sizeof *r->stages->v);
	r->stages->warmup = m->run->run.warmup;
	r->stages->runs = s->runs;
	for (size_t k = 0; k < n; k++) {
		const struct range_entry *e = &r->v[idx[k]];

		delta_new(r->stages, s, e->res.commit_id, e->res.subject,
			  r->v[e->change.prev].res.commit_id);
	}
	free(idx);
	return deltas_run(m, s, r->stages);
}

int stages_bisect(struct measurer *m, struct bisect_report *r,
		  const struct stages_cli *s)
{
	const struct bisect_step *c, *a;

	if (!s->on || r->outcome != BISECT_FOUND)
		return BP_EXIT_OK;
	c = bisect_report_step(r, r->culprit);
	a = bisect_report_step(r, r->baseline);
	r->stages = bp_malloc(sizeof *r->stages);
	r->stages->v = bp_malloc(sizeof *r->stages->v);
	r->stages->warmup = m->run->run.warmup;
	r->stages->runs = s->runs;
	delta_new(r->stages, s, c->res.commit_id, c->res.subject,
		  a->res.commit_id);
	return deltas_run(m, s, r->stages);
}
