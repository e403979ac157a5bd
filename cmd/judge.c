/* bootperf - the verdict bisect and bisect-run give a commit against the
 * two endpoints of the search: the endpoints measured until they differ
 * (or it is clear they do not), then the commit pass by pass until the
 * sequential test (SPRT) says which endpoint it boots like.  One
 * judgement for both commands, so that they agree on a commit.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bisect.h"
#include "cmd.h"

void judge_options_init(struct judge_options *o)
{
	o->min_runs = 2;
	o->max_runs = 10;
	o->alpha = 0.01;
	o->method = STATS_MANN_WHITNEY;
	o->midpoint = false;
}

int judge_option_parse(struct judge_options *o, int c, const char *arg)
{
	switch (c) {
	case OPT_MIN_RUNS:
		return parse_count("--min-runs", arg, 1, 100000, &o->min_runs)
			   ? -1
			   : 1;
	case OPT_MAX_RUNS:
		return parse_count("--max-runs", arg, 1, 100000, &o->max_runs)
			   ? -1
			   : 1;
	case OPT_ALPHA:
		return cmd_parse_fraction("--alpha", arg, 0, 0.5, &o->alpha);
	case OPT_TEST:
		return cmd_parse_test(arg, &o->method);
	case OPT_UNDECIDED:
		if (strcmp(arg, "midpoint") != 0 && strcmp(arg, "skip") != 0) {
			bp_error("--undecided: '%s' is not one of skip, "
				 "midpoint",
				 arg);
			return -1;
		}
		o->midpoint = !strcmp(arg, "midpoint");
		return 1;
	}
	return 0;
}

int judge_check(const struct judge_options *o)
{
	if (o->min_runs > o->max_runs) {
		bp_error("--min-runs %ld is more than --max-runs %ld",
			 o->min_runs, o->max_runs);
		return -1;
	}
	if (o->runs > o->max_runs) {
		bp_error("--runs %ld is more than --max-runs %ld", o->runs,
			 o->max_runs);
		return -1;
	}
	if (o->method == STATS_MANN_WHITNEY &&
	    (size_t)o->max_runs < stats_mw_min_runs(o->alpha)) {
		bp_error("--max-runs %ld: the Mann-Whitney test needs at "
			 "least %zu passes an endpoint to reach p < %g",
			 o->max_runs, stats_mw_min_runs(o->alpha), o->alpha);
		return -1;
	}
	return 0;
}

void judge_step_init(struct bisect_step *s, const struct walk_commit *c,
		     const char *config_id)
{
	memset(s, 0, sizeof *s);
	snprintf(s->short_id, sizeof s->short_id, "%s", c->short_id);
	s->res.commit_id = bp_strdup(c->id);
	s->res.subject = bp_strdup(c->subject);
	s->res.config_id = bp_strdup(config_id);
	s->llr = NAN;
}

int judge_measure(struct judge *j, struct bisect_step *s, int w,
		  struct extend_goal *goal)
{
	int r;

	if (s->res.status != COMMIT_OK)
		return BP_EXIT_OK;
	j->what = s->short_id;
	r = measurer_extend(j->m, w, &s->res, goal);
	s->passes_now += goal->measured;
	return r;
}

/* Good in worktree 0, bad in worktree 1, so that both stay built while
 * passes are added to tell them apart; their passes in turns, so that
 * the machine's drift does not pass for a difference between them.
 */
static int endpoints_measure(struct judge *j, size_t want)
{
	struct bisect_step *ends[2] = {&j->rep->good, &j->rep->bad};
	struct extend_goal goals[2] = {{.want = want}, {.want = want}};
	struct extend_goal *goal[2];
	struct commit_result *res[2];
	int w[2] = {0, 0};
	size_t n = 0;
	int r;

	for (int k = 0; k < 2; k++)
		if (ends[k]->res.status == COMMIT_OK) { /* a failure stands */
			w[n] = k;
			goal[n] = &goals[k];
			res[n++] = &ends[k]->res;
		}
	snprintf(j->what_buf, sizeof j->what_buf, "%s and %s",
		 ends[0]->short_id, ends[1]->short_id);
	j->what = n == 2 ? j->what_buf : n ? ends[w[0]]->short_id : NULL;
	r = measurer_extend_turns(j->m, w, res, goal, n);
	for (int k = 0; k < 2; k++)
		ends[k]->passes_now += goals[k].measured;
	return r;
}

static bool endpoint_usable(struct bisect_report *rep, struct bisect_step *s,
			    const char *which, const char *rev)
{
	if (s->res.status == COMMIT_OK)
		return true;
	rep->why =
	    bp_asprintf("the %s endpoint '%s' cannot be measured: %s: %s",
			which, rev, commit_status_name(s->res.status),
			s->res.message ? s->res.message : "");
	return false;
}

static void endpoints_compare(struct bisect_report *r)
{
	const struct bench_result *g = &r->good.res.bench,
				  *d = &r->bad.res.bench;

	memset(&r->endpoints, 0, sizeof r->endpoints);
	r->endpoints.p = 1.0;
	stats_compare(&r->endpoints, r->method, g->sample_ms, g->n_samples,
		      d->sample_ms, d->n_samples);
	r->endpoint_percent =
	    stats_percent_change(g->summary.mean, d->summary.mean);
}

static bool endpoints_differ(const struct bisect_report *r)
{
	return r->endpoints.p < r->endpoint_level &&
	       fabs(r->endpoint_percent) >= r->threshold;
}

/* The endpoints are tested after --runs passes and again after every two
 * more up to --max-runs: each look is a chance of a false difference, so
 * each is held to --alpha over the number of looks (Bonferroni), and a
 * look the Mann-Whitney test could not pass at that level is not taken
 * (the first look waits for enough passes).  *first: the passes of the
 * first look; the level of each.
 */
static double endpoint_plan(const struct judge_options *o, size_t *first)
{
	size_t start = (size_t)o->runs, most = (size_t)o->max_runs;
	double level;

	for (;;) {
		size_t looks = start >= most ? 1 : 1 + (most - start + 1) / 2;
		size_t need;

		level = o->alpha / (double)looks;
		need = o->method == STATS_MANN_WHITNEY
			   ? stats_mw_min_runs(level)
			   : 0;
		if (need <= start || start >= most)
			break;
		start = need < most ? need : most;
	}
	*first = start;
	return level;
}

int judge_endpoints(struct judge *j)
{
	struct bisect_report *rep = j->rep;
	size_t want, most = (size_t)j->o.max_runs;
	int r;

	j->swapped = false;
	rep->endpoint_level = endpoint_plan(&j->o, &want);
	for (;;) {
		r = endpoints_measure(j, want);
		if (r != BP_EXIT_OK)
			return r;
		if (!endpoint_usable(rep, &rep->good, "good", rep->good_rev) ||
		    !endpoint_usable(rep, &rep->bad, "bad", rep->bad_rev))
			return BP_EXIT_UNTESTABLE;
		endpoints_compare(rep);
		if (endpoints_differ(rep) || want >= most)
			break;
		want = want + 2 < most ? want + 2 : most;
	}
	if (!endpoints_differ(rep)) {
		rep->why = bp_asprintf(
		    "the endpoints do not differ: %+.1f%% with p=%.3g, where "
		    "p < %.3g (--alpha over the looks at them) and at least "
		    "%g%% were asked; nothing to bisect",
		    rep->endpoint_percent, rep->endpoints.p,
		    rep->endpoint_level, rep->threshold);
		return BP_EXIT_NO_CHANGE;
	}
	if ((rep->endpoint_percent > 0) == rep->improvement) {
		j->swapped = true;
		return BP_EXIT_NO_CHANGE;
	}
	if (stats_sprt_init(
		&rep->sprt, rep->good.res.bench.sample_ms,
		rep->good.res.bench.n_samples, rep->bad.res.bench.sample_ms,
		rep->bad.res.bench.n_samples, rep->alpha, rep->alpha) == -1) {
		bp_error("cannot set up the sequential test of the endpoints");
		return BP_EXIT_FAILURE;
	}
	return BP_EXIT_OK;
}

struct sprt_goal {
	const struct stats_sprt *t;
	size_t min_runs;
};

static bool sprt_decided(void *arg, const struct commit_result *res)
{
	const struct sprt_goal *g = arg;

	return res->bench.n_samples >= g->min_runs &&
	       stats_sprt(g->t, res->bench.sample_ms, res->bench.n_samples,
			  NULL) != STATS_UNDECIDED;
}

static void verdict(const struct judge *j, struct bisect_step *s)
{
	const struct bench_result *bench = &s->res.bench;

	s->verdict = STATS_UNDECIDED;
	s->by_midpoint = false;
	if (s->res.status != COMMIT_OK || bench->n_samples == 0)
		return;
	s->verdict = stats_sprt(&j->rep->sprt, bench->sample_ms,
				bench->n_samples, &s->llr);
	if (s->verdict != STATS_UNDECIDED || !j->midpoint)
		return;
	/* Out of passes: the nearer endpoint, and the caller says so. */
	s->by_midpoint = true;
	s->verdict = stats_sprt_nearer(&j->rep->sprt, bench->summary.mean);
}

int judge_commit(struct judge *j, int w, struct bisect_step *s)
{
	struct sprt_goal sg = {.t = &j->rep->sprt,
			       .min_runs = (size_t)j->o.min_runs};
	struct extend_goal goal = {
	    .want = (size_t)j->o.max_runs, .enough = sprt_decided, .arg = &sg};
	int r = judge_measure(j, s, w, &goal);

	if (r == BP_EXIT_OK)
		verdict(j, s);
	return r;
}
