/* bootperf - a followed branch as bootperf track and bootperf report see
 * it: every commit of its history, the change points of the measured
 * ones, which of them are known or acknowledged, and which commit to
 * measure next.  Pure: no I/O.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static bool history_ok(const struct range_entry *e)
{
	return !e->missing && e->res.status == COMMIT_OK &&
	       e->res.bench.n_samples > 0;
}

static void change_point_clear(struct change_point *c)
{
	free(c->ack);
	free(c->ack_commit);
	c->ack = c->ack_commit = NULL;
}

static void history_clear_cps(struct history *h)
{
	for (size_t i = 0; i < h->n_cp; i++)
		change_point_clear(&h->cp[i]);
	free(h->cp);
	h->cp = NULL;
	h->n_cp = 0;
}

void history_free(struct history *h)
{
	history_clear_cps(h);
	cp_memo_free(h->memo);
	h->memo = NULL;
	range_report_free(&h->r);
}

static double history_mean(const double *x, size_t from, size_t to)
{
	double sum = 0;

	for (size_t i = from; i < to; i++)
		sum += x[i];
	return to > from ? sum / (double)(to - from) : NAN;
}

/* The commits that may have made change c, and how many of them are
 * not measured yet.
 */
static void history_span(const struct history *h, struct change_point *c)
{
	c->candidates = c->after - c->before;
	c->unmeasured = 0;
	for (size_t i = c->before + 1; i < c->after; i++)
		if (h->r.v[i].missing)
			c->unmeasured++;
}

/* Where change point k of pts lies in the history, and its size
 * between the segments on either side.
 */
static void history_place(struct history *h, struct change_point *c,
			  const size_t *idx, const double *x,
			  const struct cp_point *pts, size_t n_pts, size_t k,
			  size_t n)
{
	size_t at = pts[k].index;
	size_t lo = k ? pts[k - 1].index : 0;
	size_t hi = k + 1 < n_pts ? pts[k + 1].index : n;

	memset(c, 0, sizeof *c);
	c->at = at;
	c->before = idx[at - 1];
	c->after = idx[at];
	c->before_ms = history_mean(x, lo, at);
	c->after_ms = history_mean(x, at, hi);
	c->delta_ms = c->after_ms - c->before_ms;
	c->percent = stats_percent_change(c->before_ms, c->after_ms);
	c->p = pts[k].p;
	c->drift_from = c->drift_to = SIZE_MAX;
	c->drift_pct = NAN;
	history_span(h, c);
}

/* Change point k + 1 continues the run of k: the same direction, and
 * no stable stretch between them (two small regressions months apart
 * are two changes, not one drift).
 */
static bool history_continues(const struct history *h, size_t k)
{
	const struct change_point *a = &h->cp[k], *b = &h->cp[k + 1];

	return (a->percent > 0) == (b->percent > 0) &&
	       b->at - a->at < HISTORY_RUN_GAP;
}

/* The Bayesian information criterion of a fit with k parameters and
 * sum of squares sse to n values (Gaussian errors): lower is better.
 * Exact data would have a sum of 0: floor it at a millionth of level.
 */
static double history_bic(double sse, size_t k, size_t n, double level)
{
	double dn = (double)n, floor = dn * pow(1e-6 * fabs(level), 2);

	return dn * log(fmax(sse, floor + 1e-300) / dn) + (double)k * log(dn);
}

/* The run of change points first .. end - 1 between the values
 * x[lo..hi) (its neighbours' segments included): is it a drift?  Its
 * levels (a staircase of end - first steps, 2 (end - first) + 1
 * parameters) are set against a ramp (level, a straight line, level: 4
 * parameters) that starts inside the segment before the run and ends
 * inside the one after it, so that steps too small to be found one by
 * one still count; the better fit by the Bayesian information
 * criterion wins.
 */
static bool history_ramp(struct history *h, const size_t *idx, const double *x,
			 size_t n, size_t first, size_t end)
{
	size_t lo = first ? h->cp[first - 1].at : 0;
	size_t hi = end < h->n_cp ? h->cp[end].at : n;
	size_t min = h->cpo.min_size, m = end - first, s = 0, e = 0;
	struct cp_ramp_bounds bd = {.s_min = min - 1,
				    .s_max = h->cp[first].at - lo - 1,
				    .e_min = h->cp[end - 1].at - lo,
				    .e_max = hi - lo - min,
				    .min_len = HISTORY_DRIFT_MIN};
	double stair = 0, ramp, a = 0, b = 0, level;
	size_t from = lo;

	for (size_t k = first; k <= end; k++) {
		size_t to = k < end ? h->cp[k].at : hi;

		stair += cp_sse(x + from, to - from);
		from = to;
	}
	ramp = cp_ramp(x + lo, hi - lo, &bd, &s, &e);
	if (!isfinite(ramp))
		return false;
	level = history_mean(x, lo, hi);
	if (history_bic(ramp, 4, hi - lo, level) >=
	    history_bic(stair, 2 * m + 1, hi - lo, level))
		return false;
	a = history_mean(x, lo, lo + s + 1);
	b = history_mean(x, lo + e, hi);
	if ((b > a) != (h->cp[first].percent > 0))
		return false;
	for (size_t k = first; k < end; k++) {
		h->cp[k].drift_from = idx[lo + s];
		h->cp[k].drift_to = idx[lo + e];
		h->cp[k].drift_pct = stats_percent_change(a, b);
	}
	return true;
}

/* One change point of the run, itself at least the threshold, makes
 * nearly all of the run's change (more than HISTORY_DOMINANT of it, in
 * log terms): the run is that step with small ones beside it (a night
 * when the machine was busier, say), not a drift.  The step stands
 * alone, and the small ones do not ride on it past the threshold.  Two
 * steps of about the same size (1.01% and 0.99%) are a drift.
 */
static bool history_dominated(const struct history *h, size_t first, size_t end,
			      double run_percent)
{
	double total = fabs(log1p(run_percent / 100));

	for (size_t k = first; k < end; k++) {
		double p = h->cp[k].percent;

		if (fabs(p) >= h->r.threshold &&
		    fabs(log1p(p / 100)) > HISTORY_DOMINANT * total)
			return true;
	}
	return false;
}

/* A drift is a ramp, else a run of several change points that no one
 * of them dominates: from the last commit before its first to the
 * first after its last.
 */
static void history_drift(struct history *h, const size_t *idx, const double *x,
			  size_t n, size_t first, size_t end,
			  double run_percent)
{
	if (history_ramp(h, idx, x, n, first, end) || end - first < 2 ||
	    history_dominated(h, first, end, run_percent))
		return;
	for (size_t k = first; k < end; k++) {
		h->cp[k].drift_from = h->cp[first].before;
		h->cp[k].drift_to = h->cp[end - 1].after;
		h->cp[k].drift_pct = run_percent;
	}
}

/* Runs of change points in the same direction, one after another: a
 * drift.  A step below the threshold is reported when the run's steps
 * below it together reach it, or its drift does: five steps of 0.9% are
 * a 4.6% change, but a 2% step after a 300% one is not part of a 308%
 * drift.
 */
static void history_runs(struct history *h, const size_t *idx, const double *x,
			 size_t n)
{
	for (size_t k = 0; k < h->n_cp;) {
		size_t end = k + 1;
		double total = 1 + h->cp[k].percent / 100;

		double small = 1; /* the steps below the threshold */

		while (end < h->n_cp && history_continues(h, end - 1))
			total *= 1 + h->cp[end++].percent / 100;
		for (size_t i = k; i < end; i++)
			if (fabs(h->cp[i].percent) < h->r.threshold)
				small *= 1 + h->cp[i].percent / 100;
		history_drift(h, idx, x, n, k, end, 100 * (total - 1));
		for (size_t i = k; i < end; i++) {
			struct change_point *c = &h->cp[i];

			c->run_first = k;
			c->run_len = end - k;
			c->run_percent = 100 * (total - 1);
			c->reported = fabs(c->percent) >= h->r.threshold ||
				      100 * fabs(small - 1) >= h->r.threshold ||
				      (c->drift_from != SIZE_MAX &&
				       fabs(c->drift_pct) >= h->r.threshold);
		}
		k = end;
	}
}

/* Where the stretch since the last change point starts among the
 * measured commits: after its drift, when it has one.
 */
static size_t history_last_stretch(const struct history *h, const size_t *idx,
				   size_t n)
{
	const struct change_point *c = h->n_cp ? &h->cp[h->n_cp - 1] : NULL;
	size_t from = c ? c->at : 0;

	while (c && c->drift_from != SIZE_MAX && from < n &&
	       idx[from] < c->drift_to)
		from++;
	return from;
}

/* The medians of the measured commits idx[from..to) measured like tip
 * (out: room for to - from).
 */
static size_t history_medians(const struct history *h, const size_t *idx,
			      const double *x, size_t from, size_t to,
			      const struct range_entry *tip, double *out)
{
	size_t n = 0;

	for (size_t k = from; k < to; k++)
		if (!range_incomparable(&h->r.v[idx[k]].res.bench.env,
					&tip->res.bench.env))
			out[n++] = x[k];
	return n;
}

/* The change at the tip: the newest measured commits from k on. */
static void history_add_tip(struct history *h, const size_t *idx,
			    const double *x, size_t n, size_t from, size_t k,
			    double p)
{
	struct change_point *c = &h->cp[h->n_cp];

	memset(c, 0, sizeof *c);
	c->at = k;
	c->before = idx[k - 1];
	c->after = idx[k];
	c->before_ms = history_mean(x, from, k);
	c->after_ms = history_mean(x, k, n);
	c->delta_ms = c->after_ms - c->before_ms;
	c->percent = stats_percent_change(c->before_ms, c->after_ms);
	c->p = p;
	c->drift_from = c->drift_to = SIZE_MAX;
	c->drift_pct = NAN;
	history_span(h, c);
	c->run_first = h->n_cp;
	c->run_len = 1;
	c->run_percent = c->percent;
	c->reported = c->at_tip = true;
	h->n_cp++;
}

/* The newest measured commits x[k..n) against the stretch x[from..k)
 * before them: a step into them of at least the threshold, all of them
 * on their side of the way from the stretch's mean to theirs (a step
 * already undone is no change at the tip), and their medians against
 * the stretch's by Student's t, the stretch's spread from commit to
 * commit the yardstick: passes of one commit share its measuring (the
 * machine's state of the moment), so they do not count as independent.
 * *p the test's.
 */
static bool history_tip_step(const struct history *h, const size_t *idx,
			     const double *x, size_t n, size_t from, size_t k,
			     double level, double *p)
{
	const struct range_entry *tip = &h->r.v[idx[n - 1]];
	double before = history_mean(x, from, k), after = history_mean(x, k, n);
	double percent = stats_percent_change(before, after);
	double step = stats_percent_change(x[k - 1], x[k]);
	double mid = (before + after) / 2, *rest, *newest;
	size_t n_rest, n_newest;
	bool found = false;

	if (fabs(percent) < h->r.threshold || fabs(step) < h->r.threshold ||
	    (step > 0) != (percent > 0))
		return false;
	for (size_t i = k; i < n; i++)
		if ((x[i] > mid) != (percent > 0))
			return false;
	rest = bp_malloc((k - from) * sizeof *rest);
	newest = bp_malloc((n - k) * sizeof *newest);
	n_rest = history_medians(h, idx, x, from, k, tip, rest);
	n_newest = history_medians(h, idx, x, k, n, tip, newest);
	if (n_rest >= h->cpo.min_size &&
	    stats_student_p(p, rest, n_rest, newest, n_newest) == 0 &&
	    *p < level)
		found = true;
	free(rest);
	free(newest);
	return found;
}

/* A change too new to be a segment (cpo.min_size) or to be significant
 * among the shuffles yet (two commits at the end of a short history
 * rarely are): a night that made the boot 5x slower must not wait for
 * more commits to alert.  The fewest newest commits after the last
 * change point (after its drift) that stepped away from the stretch
 * before them; in a drift, or in noise, there is no such step.  Each
 * number of newest commits tried is a test of its own: at --alpha over
 * their count (Bonferroni), the tip adds at most --alpha a night.
 */
static void history_tip(struct history *h, const size_t *idx, const double *x,
			size_t n)
{
	size_t from = history_last_stretch(h, idx, n);
	size_t first = from + h->cpo.min_size, tries;
	double p = 1;

	if (first < 1 || n < 1 || first > n - 1)
		return;
	tries = n - first;
	for (size_t k = n - 1; k >= first; k--)
		if (history_tip_step(h, idx, x, n, from, k,
				     h->r.alpha / (double)tries, &p)) {
			history_add_tip(h, idx, x, n, from, k, p);
			return;
		}
}

int history_detect(struct history *h)
{
	size_t *idx = bp_malloc((h->r.n + 1) * sizeof *idx);
	double *x = bp_malloc((h->r.n + 1) * sizeof *x);
	struct cp_point *pts = NULL;
	size_t n = 0, n_pts = 0;
	int err = -1;

	history_clear_cps(h);
	for (size_t i = 0; i < h->r.n; i++)
		if (history_ok(&h->r.v[i])) {
			idx[n] = i;
			x[n++] = h->r.v[i].res.bench.summary.median;
		}
	if (!h->memo)
		h->memo = cp_memo_new();
	if (cp_edivisive_memo(&pts, &n_pts, x, n, &h->cpo, h->memo) == -1)
		goto out;
	h->cp = bp_malloc((n_pts + 1) * sizeof *h->cp);
	for (size_t k = 0; k < n_pts; k++)
		history_place(h, &h->cp[k], idx, x, pts, n_pts, k, n);
	h->n_cp = n_pts;
	history_runs(h, idx, x, n);
	history_tip(h, idx, x, n);
	err = 0;
out:
	free(pts);
	free(idx);
	free(x);
	return err;
}

size_t history_find(const struct history *h, const char *id)
{
	for (size_t i = 0; id && i < h->r.n; i++)
		if (h->r.v[i].res.commit_id &&
		    !strcmp(h->r.v[i].res.commit_id, id))
			return i;
	return SIZE_MAX;
}

/* An earlier run's change point is this one when the two lie on
 * overlapping stretches of the history (narrowing only shrinks the
 * stretch) and go the same way.
 */
static bool history_same(const struct change_point *c,
			 const struct known_change *k, size_t b, size_t a)
{
	return b != SIZE_MAX && a != SIZE_MAX && b <= c->after &&
	       c->before <= a && k->regression == (c->percent > 0);
}

/* A hand-written acks file may abbreviate ids: at least 7 digits. */
static bool history_id_matches(const char *id, const char *prefix)
{
	size_t n = strlen(prefix);

	return id && n >= 7 && !strncmp(id, prefix, n);
}

static void history_ack(struct change_point *c, const char *commit,
			const char *note)
{
	change_point_clear(c);
	c->ack_commit = bp_strdup(commit);
	c->ack = bp_strdup(note ? note : "");
}

static void history_apply_acks(const struct history *h, struct change_point *c,
			       const struct ack *acks, size_t n_acks)
{
	for (size_t a = 0; a < n_acks; a++)
		for (size_t i = c->before + 1; i <= c->after; i++)
			if (history_id_matches(h->r.v[i].res.commit_id,
					       acks[a].commit)) {
				history_ack(c, h->r.v[i].res.commit_id,
					    acks[a].note);
				return;
			}
}

/* Narrowing can leave the acknowledged commit outside the change
 * point: its acknowledgement stays while it is still in the store.
 */
static void history_keep_ack(struct change_point *c,
			     const struct known_change *k,
			     const struct ack *acks, size_t n_acks)
{
	for (size_t a = 0; k->ack_commit && a < n_acks; a++)
		if (history_id_matches(k->ack_commit, acks[a].commit)) {
			history_ack(c, k->ack_commit, acks[a].note);
			return;
		}
}

void history_mark(struct history *h, const struct known_change *known,
		  size_t n_known, const struct ack *acks, size_t n_acks,
		  double now)
{
	/* Where each known change lies, found once: not once for every
	 * change point (a search of the whole history each).
	 */
	size_t *at = bp_malloc((2 * n_known + 1) * sizeof *at);

	for (size_t k = 0; k < n_known; k++) {
		at[2 * k] = history_find(h, known[k].before);
		at[2 * k + 1] = history_find(h, known[k].after);
	}
	for (size_t i = 0; i < h->n_cp; i++) {
		struct change_point *c = &h->cp[i];

		change_point_clear(c);
		c->is_new = true;
		c->first_seen = now;
		for (size_t k = 0; k < n_known && c->is_new; k++) {
			if (!history_same(c, &known[k], at[2 * k],
					  at[2 * k + 1]))
				continue;
			c->is_new = false;
			c->first_seen = known[k].first_seen;
			history_keep_ack(c, &known[k], acks, n_acks);
		}
		history_apply_acks(h, c, acks, n_acks);
	}
	free(at);
}

bool history_alert(const struct history *h)
{
	for (size_t i = 0; i < h->n_cp; i++)
		if (h->cp[i].reported && h->cp[i].percent > 0 && !h->cp[i].ack)
			return true;
	return false;
}

/* The not yet measured commit of (lo, hi) nearest their middle. */
static size_t history_middle(const struct history *h, size_t lo, size_t hi)
{
	size_t mid = lo + (hi - lo) / 2;

	for (size_t d = 0; d < hi - lo; d++) {
		if (mid + d < hi && mid + d > lo && h->r.v[mid + d].missing)
			return mid + d;
		if (d <= mid && mid - d > lo && h->r.v[mid - d].missing)
			return mid - d;
	}
	return SIZE_MAX;
}

/* A change point with commits not yet measured inside it: the largest
 * first.
 */
static size_t history_narrow(const struct history *h)
{
	const struct change_point *best = NULL;

	for (size_t i = 0; i < h->n_cp; i++) {
		const struct change_point *c = &h->cp[i];

		if (c->reported && c->unmeasured &&
		    (!best || fabs(c->percent) > fabs(best->percent)))
			best = c;
	}
	return best ? history_middle(h, best->before, best->after) : SIZE_MAX;
}

/* The longest run of commits not measured (the newer one of equal
 * runs), through its middle: gaps close coarse to fine.
 */
static size_t history_gap(const struct history *h)
{
	size_t best_len = 0, best = SIZE_MAX, run = 0;

	for (size_t i = 0; i <= h->r.n; i++) {
		if (i < h->r.n && h->r.v[i].missing) {
			run++;
			continue;
		}
		if (run > 0 && run >= best_len) {
			best_len = run;
			best = i - run + (run - 1) / 2;
		}
		run = 0;
	}
	return best;
}

size_t history_next(const struct history *h, size_t newest_old,
		    enum history_why *why)
{
	size_t i = history_narrow(h);

	if (i != SIZE_MAX) {
		*why = HISTORY_NARROW;
		return i;
	}
	for (i = h->r.n; i-- > 0;) {
		if (newest_old != SIZE_MAX && i <= newest_old)
			break;
		if (h->r.v[i].missing) {
			*why = HISTORY_NEW;
			return i;
		}
	}
	i = history_gap(h);
	*why = HISTORY_GAP;
	return i;
}

void history_measured(struct history *h, size_t i)
{
	const struct range_entry *e = &h->r.v[i];

	for (size_t k = 0; k < h->n_cp; k++) {
		struct change_point *c = &h->cp[k];
		double x = e->res.bench.summary.median;

		if (i <= c->before || i >= c->after)
			continue;
		if (history_ok(e) &&
		    fabs(x - c->before_ms) <= fabs(x - c->after_ms))
			c->before = i;
		else if (history_ok(e))
			c->after = i;
		history_span(h, c);
	}
}

size_t history_newest_measured(const struct history *h)
{
	for (size_t i = h->r.n; i-- > 0;)
		if (!h->r.v[i].missing)
			return i;
	return SIZE_MAX;
}

void history_counts(const struct history *h, size_t *ok, size_t *failed,
		    size_t *missing)
{
	*ok = *failed = *missing = 0;
	for (size_t i = 0; i < h->r.n; i++) {
		const struct range_entry *e = &h->r.v[i];

		if (e->missing)
			(*missing)++;
		else if (history_ok(e))
			(*ok)++;
		else
			(*failed)++;
	}
}
