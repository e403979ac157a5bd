// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for common/changepoint.c.  Expected values are worked out
 * by hand (arithmetic in the comments) or are the published values of
 * MongoDB's signal-processing-algorithms tests (tests/test_energy_
 * statistics.py, tests/test_e_divisive.py), which compute the same
 * statistics in numpy.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "tap.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static double *range_values(double from, double to, double step, size_t *n)
{
	size_t k = 0, cap = (size_t)((to - from) / step) + 2;
	double *v = malloc(cap * sizeof *v);

	for (double x = from; x < to && k < cap; x += step)
		v[k++] = x;
	*n = k;
	return v;
}

/* x = [0, 0], y = [1, 1]: mean|x - y| = 1, within each 0, so e = 2,
 * t = 2 * 2 / 4 * 2 = 2, h = 2 / 2 = 1.  x = [0], y = [0, 1, 1]:
 * mean|x - y| = 2/3, mean|y - y'| = (0+1+1 + 1+0+0 + 1+0+0) / 9 = 4/9,
 * e = 4/3 - 4/9 = 8/9, t = 3/4 * 8/9 = 2/3, h = (8/9) / (4/3) = 2/3.
 */
static void test_energy_by_hand(void)
{
	const double a[] = {0, 0}, b[] = {1, 1}, c[] = {0}, d[] = {0, 1, 1};
	struct cp_energy s;

	ok(cp_energy(&s, a, 2, b, 2) == 0, "energy of two pairs");
	is_double(s.e, 2, 1e-12, "e of [0 0] vs [1 1]");
	is_double(s.t, 2, 1e-12, "t of [0 0] vs [1 1]");
	is_double(s.h, 1, 1e-12, "h of [0 0] vs [1 1]");
	ok(cp_energy(&s, c, 1, d, 3) == 0, "energy of 1 vs 3");
	is_double(s.e, 8.0 / 9, 1e-12, "e of [0] vs [0 1 1]");
	is_double(s.t, 2.0 / 3, 1e-12, "t of [0] vs [0 1 1]");
	is_double(s.h, 2.0 / 3, 1e-12, "h of [0] vs [0 1 1]");
	ok(cp_energy(&s, a, 0, b, 2) == -1, "an empty side is refused");
	ok(cp_energy(&s, a, 2, a, 2) == 0 && s.e == 0 && s.t == 0 && s.h == 0,
	   "identical samples: all zero");
}

/* test_energy_statistics.py: the univariate cases, to 3 decimals as
 * numpy's assert_almost_equal(decimal=3) takes it (|d| < 1.5e-3).
 */
static void test_energy_published(void)
{
	static const struct {
		double x0, x1, xs, y0, y1, ys;
		double e, t, h;
		const char *name;
	} cases[] = {
	    {1, 100, 1, 1, 105, 1, 0.160, 8.136, 0.002, "similar"},
	    {1, 100, 1, 10000, 13000, 14, 21859.691, 1481794.709, 0.954,
	     "different"},
	    {300, 500, 1, 400, 900, 11, 268.352, 10035.943, 0.532, "list"},
	    {1, 300, 1, 1000, 5000, 10, 4257.009, 728381.015, 0.748, "ndarray"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n, m;
		double *x =
		    range_values(cases[i].x0, cases[i].x1, cases[i].xs, &n);
		double *y =
		    range_values(cases[i].y0, cases[i].y1, cases[i].ys, &m);
		struct cp_energy s;
		char name[80];

		cp_energy(&s, x, n, y, m);
		snprintf(name, sizeof name, "published %s: e", cases[i].name);
		is_double(s.e, cases[i].e, 1.5e-3, name);
		snprintf(name, sizeof name, "published %s: t", cases[i].name);
		is_double(s.t, cases[i].t, 1.5e-3, name);
		snprintf(name, sizeof name, "published %s: h", cases[i].name);
		is_double(s.h, cases[i].h, 1.5e-3, name);
		free(x);
		free(y);
	}
}

/* cp_qhat must agree with cp_energy at every split. */
static void test_qhat_matches_energy(void)
{
	const double x[] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
	double q[ARRAY_SIZE(x)];
	bool same = true;

	cp_qhat(q, x, ARRAY_SIZE(x));
	ok(q[0] == 0, "no split before the first value");
	for (size_t tau = 1; tau < ARRAY_SIZE(x); tau++) {
		struct cp_energy s;

		cp_energy(&s, x, tau, x + tau, ARRAY_SIZE(x) - tau);
		if (fabs(s.t - q[tau]) > 1e-9)
			same = false;
	}
	ok(same, "qhat equals t of each split");
}

/* cp_split against every (tau, kappa) by brute force. */
static void test_split_brute_force(void)
{
	const double x[] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8};
	size_t n = ARRAY_SIZE(x), tau = 0, kappa = 0, bt = 0, bk = 0;
	double best = -INFINITY, got = cp_split(x, n, 2, &tau, &kappa);

	for (size_t t = 2; t + 2 <= n; t++)
		for (size_t k = t + 2; k <= n; k++) {
			struct cp_energy s;

			cp_energy(&s, x, t, x + t, k - t);
			if (s.t > best + 1e-12) {
				best = s.t;
				bt = t;
				bk = k;
			}
		}
	is_double(got, best, 1e-9, "cp_split: the largest t of all splits");
	ok(tau == bt && kappa == bk, "  at tau %zu, kappa %zu (%zu, %zu)", tau,
	   kappa, bt, bk);
	ok(cp_split(x, 3, 2, &tau, &kappa) == -INFINITY,
	   "  none when n < 2 min");
}

static size_t detect(const double *x, size_t n, const struct cp_options *o,
		     struct cp_point **cp)
{
	size_t k = 0;

	if (cp_edivisive(cp, &k, x, n, o) == -1)
		return SIZE_MAX;
	return k;
}

/* test_e_divisive.py: [0] * 1000 + [1] * 1000 -> [1000] (pvalue 0.05;
 * 19 permutations make 0.05 the smallest p-value and keep it quick).
 */
static void test_published_step(void)
{
	struct cp_options o = CP_OPTIONS_INIT;
	double *x = malloc(2000 * sizeof *x);
	struct cp_point *cp = NULL;
	size_t k;

	for (size_t i = 0; i < 2000; i++)
		x[i] = i < 1000 ? 0 : 1;
	o.alpha = 0.05;
	o.permutations = 19;
	k = detect(x, 2000, &o, &cp);
	is_size(k, 1, "published: one change point in 0^1000 1^1000");
	ok(k == 1 && cp[0].index == 1000, "  at 1000");
	ok(k == 1 && cp[0].p == 0.05, "  p = 1 / 20");
	free(cp);
	free(x);
}

/* A deterministic noise: sums of LCG uniforms, about normal, sd 1. */
static double noise(uint64_t *s)
{
	double sum = 0;

	for (int i = 0; i < 12; i++) {
		*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
		sum += (double)(*s >> 11) / 9007199254740992.0;
	}
	return sum - 6;
}

static void test_single_step(void)
{
	struct cp_options o = CP_OPTIONS_INIT;
	double x[30];
	struct cp_point *cp = NULL;
	uint64_t s = 42;
	size_t k;

	for (size_t i = 0; i < 30; i++)
		x[i] = (i < 17 ? 200 : 220) + noise(&s);
	k = detect(x, 30, &o, &cp);
	is_size(k, 1, "a 10% step in noise of 0.5%: one change point");
	ok(k == 1 && cp[0].index == 17, "  at the step");
	ok(k == 1 && cp[0].p <= 0.01, "  p <= alpha");
	is_double(k == 1 ? cp[0].p : 1, 1.0 / 200, 1e-12,
		  "  p = 1 / 200: no shuffle came close");
	free(cp);
}

/* Five 1% steps, three commits each, with noise of 0.05%: what a
 * neighbour-to-neighbour test sees is 1%; what the whole history shows
 * is 5% between the two plateaus.  Every change point found must lie
 * inside the drift and point up, and together they must add up to it.
 */
static void test_drift(void)
{
	struct cp_options o = CP_OPTIONS_INIT;
	double x[27], total = 0;
	struct cp_point *cp = NULL;
	uint64_t s = 7;
	size_t k, inside = 0, prev = 0;

	for (size_t i = 0; i < 27; i++) {
		size_t level = i < 6 ? 0 : i >= 21 ? 5 : (i - 6) / 3 + 1;

		x[i] = 300 * (1 + 0.01 * (double)level) + 0.15 * noise(&s);
	}
	k = detect(x, 27, &o, &cp);
	ok(k >= 1, "a drift of five 1%% steps is found (%zu change points)", k);
	for (size_t i = 0; i < k; i++) {
		size_t end = i + 1 < k ? cp[i + 1].index : 27;
		double before = 0, after = 0;

		for (size_t j = prev; j < cp[i].index; j++)
			before += x[j] / (double)(cp[i].index - prev);
		for (size_t j = cp[i].index; j < end; j++)
			after += x[j] / (double)(end - cp[i].index);
		if (cp[i].index >= 6 && cp[i].index <= 21 && after > before)
			inside++;
		total += after - before;
		prev = cp[i].index;
	}
	is_size(inside, k, "  every one inside the drift, upwards");
	ok(total > 0.04 * 300 && total < 0.06 * 300,
	   "  together about 5%% (%.1f ms of 300)", total);
	free(cp);
}

/* {1, 2, 3}: mean 2, squares 1 + 0 + 1.  0 0 0 1 2 3 3 3 is a ramp from
 * (2, 0) to (5, 3) exactly.  One that must end at 6 (b = 3, the mean of
 * 3 3): from s = 2 the line is .75 1.5 2.25 at 3 4 5 against 1 2 3,
 * .0625 + .25 + .5625 = .875; from s = 1 it is .6 1.2 1.8 2.4 at 2..5
 * against 0 1 2 3, .36 + .04 + .04 + .36 = .8, the better one.
 */
static void test_ramp(void)
{
	const double x[] = {0, 0, 0, 1, 2, 3, 3, 3}, y[] = {1, 2, 3};
	struct cp_ramp_bounds bd = {1, 2, 5, 6, 3};
	size_t s = 0, e = 0;

	is_double(cp_sse(y, 3), 2, 1e-12, "sum of squares of 1 2 3");
	is_double(cp_sse(y, 0), 0, 0, "  of nothing");
	is_double(cp_ramp(x, 8, &bd, &s, &e), 0, 1e-12, "an exact ramp");
	ok(s == 2 && e == 5, "  from 2 to 5 (%zu, %zu)", s, e);
	bd.e_min = 6;
	is_double(cp_ramp(x, 8, &bd, &s, &e), 0.8, 1e-12,
		  "one that must end at 6: 0.8");
	ok(s == 1 && e == 6, "  from 1 (%zu)", s);
	bd.min_len = 9;
	ok(isinf(cp_ramp(x, 8, &bd, &s, &e)), "none that long");
}

/* The smallest permutation p-value, 1 / (R + 1), at most alpha / 2. */
static void test_permutations(void)
{
	is_size(cp_permutations(0.01), 199, "alpha 0.01: the default 199");
	is_size(cp_permutations(0.2), 199, "  never fewer");
	is_size(cp_permutations(0.005), 399, "alpha 0.005: 399");
	is_size(cp_permutations(0.001), 1999, "alpha 0.001: 1999");
	is_size(cp_permutations(0.0001), CP_MAX_PERMUTATIONS,
		"alpha 0.0001: the most, 19999");
	is_size(cp_permutations(0.00009), 0, "below: out of reach");
	is_size(cp_permutations(0), 0, "alpha 0: out of reach");
}

static void test_two_changes(void)
{
	struct cp_options o = CP_OPTIONS_INIT;
	double x[45];
	struct cp_point *cp = NULL;
	uint64_t s = 3;
	size_t k;

	for (size_t i = 0; i < 45; i++)
		x[i] = (i < 15 ? 100 : i < 30 ? 130 : 110) + noise(&s);
	k = detect(x, 45, &o, &cp);
	is_size(k, 2, "up then partly down: two change points");
	ok(k == 2 && cp[0].index == 15 && cp[1].index == 30,
	   "  at 15 and 30, sorted");
	ok(k == 2 && cp[0].round != cp[1].round, "  found in two rounds");
	free(cp);
}

/* A dip in the middle: one split against the rest of the series sees
 * little, a split against the dip alone (kappa) sees it all.
 */
static void test_dip(void)
{
	struct cp_options o = CP_OPTIONS_INIT;
	double x[36];
	struct cp_point *cp = NULL;
	uint64_t s = 9;
	size_t k;

	for (size_t i = 0; i < 36; i++)
		x[i] = (i >= 14 && i < 20 ? 95 : 100) + 0.3 * noise(&s);
	k = detect(x, 36, &o, &cp);
	ok(k == 2 && cp[0].index == 14 && cp[1].index == 20,
	   "a dip in the middle: down at 14, up at 20 (%zu found)", k);
	free(cp);
}

/* No change: with alpha 0.1, about a tenth of the series may show one;
 * far more would mean the test does not control its errors.
 */
static void test_false_positives(void)
{
	struct cp_options o = CP_OPTIONS_INIT;
	size_t hits = 0, runs = 100;
	uint64_t s = 11;

	o.alpha = 0.1;
	o.permutations = 99;
	for (size_t r = 0; r < runs; r++) {
		double x[20];
		struct cp_point *cp = NULL;

		for (size_t i = 0; i < 20; i++)
			x[i] = 100 + noise(&s);
		o.seed = r + 1;
		if (detect(x, 20, &o, &cp) > 0)
			hits++;
		free(cp);
	}
	ok(hits >= 2 && hits <= 20,
	   "no change: %zu of %zu series flagged at alpha 0.1", hits, runs);
}

static void test_edges(void)
{
	struct cp_options o = CP_OPTIONS_INIT, bad = CP_OPTIONS_INIT;
	const double flat[] = {5, 5, 5, 5, 5, 5, 5, 5};
	const double tail[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9};
	double tail2[60];
	struct cp_point *cp = NULL;

	for (size_t i = 0; i < 60; i++)
		tail2[i] = i < 58 ? 1 : 9;
	is_size(detect(flat, 0, &o, &cp), 0, "empty series: none");
	free(cp);
	is_size(detect(flat, 3, &o, &cp), 0, "shorter than two segments");
	free(cp);
	is_size(detect(flat, 8, &o, &cp), 0, "constant series: none");
	free(cp);
	is_size(detect(tail, 12, &o, &cp), 0,
		"one odd value at the end is no segment (min_size 2)");
	free(cp);
	/* A shuffle puts both 9s at one end with chance 2 / C(60, 2) =
	 * 1/885: expect no such shuffle in 199, p = 1/200.
	 */
	ok(detect(tail2, 60, &o, &cp) == 1 && cp[0].index == 58,
	   "two odd values at the end of 60 are a segment");
	free(cp);
	bad.min_size = 0;
	ok(detect(flat, 8, &bad, &cp) == SIZE_MAX, "min_size 0 is refused");
	bad = o;
	bad.permutations = 0;
	ok(detect(flat, 8, &bad, &cp) == SIZE_MAX, "no permutations refused");
}

/* The same input and seed give the same answer; the input is not
 * touched.
 */
static void test_reproducible(void)
{
	struct cp_options o = CP_OPTIONS_INIT;
	double x[24], copy[24];
	struct cp_point *a = NULL, *b = NULL;
	uint64_t s = 5;
	size_t ka, kb;

	for (size_t i = 0; i < 24; i++)
		x[i] = (i < 12 ? 10 : 10.4) + 0.2 * noise(&s);
	memcpy(copy, x, sizeof x);
	ka = detect(x, 24, &o, &a);
	kb = detect(x, 24, &o, &b);
	ok(ka == kb && (ka == 0 || (a[0].index == b[0].index &&
				    a[0].p == b[0].p && a[0].q == b[0].q)),
	   "same series, same seed: same answer");
	ka = 0;
	for (size_t i = 0; i < 24; i++)
		if (x[i] != copy[i])
			ka++;
	is_size(ka, 0, "the series is not modified");
	free(a);
	free(b);
}

/* --- the windowed search --- */

/* Whether two detections found the same change points, p-values too. */
static bool same_points(const struct cp_point *a, size_t na,
			const struct cp_point *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t k = 0; k < na; k++)
		if (a[k].index != b[k].index || a[k].p != b[k].p ||
		    a[k].q != b[k].q)
			return false;
	return true;
}

/* Series no longer than the window are searched whole: the window
 * changes nothing, bit for bit.  Steps, a dip, two changes and noise.
 */
static void test_window_small(void)
{
	struct cp_options whole = CP_OPTIONS_INIT, win = CP_OPTIONS_INIT;
	uint64_t s = 11;

	whole.window = 0;
	for (size_t kind = 0; kind < 5; kind++) {
		size_t n = 20 + 27 * kind, na, nb;
		double *x = malloc(n * sizeof *x);
		struct cp_point *a = NULL, *b = NULL;

		for (size_t i = 0; i < n; i++)
			x[i] =
			    100 + noise(&s) +
			    (kind == 1 && i >= n / 2			? 10
			     : kind == 2 && i >= n / 3 && i < n / 3 + 5 ? -8
			     : kind == 3 && i >= n / 4 ? (i >= n / 2 ? 4 : 12)
			     : kind == 4	       ? floor((double)i / 20)
						       : 0);
		na = detect(x, n, &whole, &a);
		nb = detect(x, n, &win, &b);
		ok(n <= CP_WINDOW && na != SIZE_MAX &&
		       same_points(a, na, b, nb),
		   "window: %zu values (kind %zu) give the whole search's "
		   "%zu change points",
		   n, kind, na);
		free(a);
		free(b);
		free(x);
	}
}

/* Longer than a window, clear steps (10 sd) are found where the whole
 * search finds them: 3 steps in 400 values, one at a window's edge.
 */
static void test_window_steps(void)
{
	struct cp_options whole = CP_OPTIONS_INIT, win = CP_OPTIONS_INIT;
	const size_t at[3] = {64, 150, 311};
	double x[400];
	struct cp_point *a = NULL, *b = NULL;
	uint64_t s = 5;
	size_t na, nb;

	whole.window = 0;
	for (size_t i = 0; i < 400; i++)
		x[i] = 200 + noise(&s) + 10 * (double)(i >= at[0]) -
		       10 * (double)(i >= at[1]) + 10 * (double)(i >= at[2]);
	na = detect(x, 400, &whole, &a);
	nb = detect(x, 400, &win, &b);
	is_size(na, 3, "whole search: the 3 steps of 400 values");
	is_size(nb, 3, "windowed search: the same 3");
	for (size_t k = 0; k < 3 && na == 3 && nb == 3; k++)
		ok(a[k].index == at[k] && b[k].index == at[k] &&
		       b[k].p <= win.alpha,
		   "  both at %zu, significant", at[k]);
	free(a);
	free(b);
}

/* A step planted in 10,000 values: found exactly, significant, and
 * nothing else near it (the time goes in make bench).
 */
static void test_window_long(void)
{
	struct cp_options o = CP_OPTIONS_INIT;
	size_t n = 10000, k, hit = SIZE_MAX, near = 0;
	double *x = malloc(n * sizeof *x);
	struct cp_point *cp = NULL;
	uint64_t s = 3;

	for (size_t i = 0; i < n; i++)
		x[i] = (i < 6543 ? 1000 : 1010) + noise(&s);
	k = detect(x, n, &o, &cp);
	for (size_t i = 0; k != SIZE_MAX && i < k; i++) {
		if (cp[i].index == 6543)
			hit = i;
		else if (cp[i].index + CP_WINDOW > 6543 &&
			 cp[i].index < 6543 + CP_WINDOW)
			near++;
	}
	ok(hit != SIZE_MAX, "10,000 values: the step at 6543 is found");
	ok(hit != SIZE_MAX && cp[hit].p <= o.alpha, "  significant");
	is_size(near, 0, "  no other change point within a window of it");
	ok(k != SIZE_MAX && k <= 3,
	   "  at most 2 false alarms in 10,000 values (%zu change points)", k);
	free(cp);
	free(x);
}

/* The memo gives the answers of a search without it: of a series, of
 * the same again, and of it with a value inserted (a commit measured
 * between two others), and after other options.
 */
static void test_window_memo(void)
{
	struct cp_options o = CP_OPTIONS_INIT;
	size_t n = 3000, na, nb;
	double *x = malloc((n + 1) * sizeof *x);
	struct cp_memo *memo = cp_memo_new();
	struct cp_point *a = NULL, *b = NULL;
	uint64_t s = 9;
	bool same = true;

	for (size_t i = 0; i < n; i++)
		x[i] = 500 + 5 * (double)((i / 700) % 2) + noise(&s);
	for (int run = 0; run < 5; run++) {
		if (run == 2) { /* 500.5 inserted before x[1234] */
			memmove(x + 1235, x + 1234, (n - 1234) * sizeof *x);
			x[1234] = 500.5;
			n++;
		}
		if (run == 4)
			o.alpha = 0.05;
		cp_edivisive(&a, &na, x, n, &o);
		cp_edivisive_memo(&b, &nb, x, n, &o, memo);
		if (!same_points(a, na, b, nb) || na < 3)
			same = false;
		free(a);
		free(b);
	}
	ok(same, "memo: the same change points as without it, 5 searches");
	cp_memo_free(memo);
	cp_memo_free(NULL);
	free(x);
}

static void test_window_options(void)
{
	struct cp_options o = CP_OPTIONS_INIT;
	const double x[8] = {1, 1, 1, 1, 2, 2, 2, 2};
	struct cp_point *cp = NULL;

	o.window = 3;
	ok(detect(x, 8, &o, &cp) == SIZE_MAX,
	   "a window shorter than two segments is refused");
	o.window = 4;
	ok(detect(x, 8, &o, &cp) == 0,
	   "a window of two segments is searched (too few for p <= 0.01)");
	free(cp);
}

/* --- history.c: placing change points, acks, what to measure next --- */

/* A history of n commits "0000...i"; level[i] < 0: not measured, 0: a
 * commit that failed to build, else its boot time (3 passes 0.1% apart,
 * the median and mean exactly the level).
 */
static void make_history(struct history *h, const double *level, size_t n)
{
	const struct cp_options cpo = CP_OPTIONS_INIT;

	memset(h, 0, sizeof *h);
	h->cpo = cpo;
	h->r.alpha = 0.01;
	h->r.threshold = 1;
	h->r.n = n;
	h->r.v = calloc(n, sizeof *h->r.v);
	for (size_t i = 0; i < n; i++) {
		struct range_entry *e = &h->r.v[i];
		double x[3] = {level[i] * 0.999, level[i], level[i] * 1.001};

		e->res.commit_id = bp_asprintf("%040zx", i + 1);
		snprintf(e->short_id, sizeof e->short_id, "%07zx", i + 1);
		e->missing = level[i] < 0;
		if (level[i] == 0)
			e->res.status = COMMIT_BUILD_FAILED;
		if (level[i] > 0) {
			e->res.bench.sample_ms = malloc(sizeof x);
			memcpy(e->res.bench.sample_ms, x, sizeof x);
			e->res.bench.n_samples = 3;
			stats_summarize(&e->res.bench.summary, x, 3);
		}
	}
}

/* 0-5 at 100, 6 not measured, 7 build failed, 8 not measured, 9-14 at
 * 120: the change lies in (5, 9], two commits there not measured.
 */
static void test_history_place(void)
{
	double lv[15] = {100, 100, 100, 100, 100, 100, -1, 0,
			 -1,  120, 120, 120, 120, 120, 120};
	struct history h;
	enum history_why why;
	size_t next;

	make_history(&h, lv, 15);
	ok(history_detect(&h) == 0 && h.n_cp == 1, "history: one change");
	ok(h.n_cp == 1 && h.cp[0].before == 5 && h.cp[0].after == 9,
	   "  between the measured commits 5 and 9");
	ok(h.n_cp == 1 && h.cp[0].candidates == 4 && h.cp[0].unmeasured == 2,
	   "  4 candidates, 2 not measured");
	is_double(h.n_cp ? h.cp[0].percent : 0, 20, 1e-9, "  +20%");
	ok(h.n_cp == 1 && h.cp[0].reported, "  reported");
	next = history_next(&h, 14, &why);
	ok(why == HISTORY_NARROW && (next == 6 || next == 8),
	   "narrowing first: an unmeasured commit inside (%zu)", next);
	ok(history_alert(&h), "an unacknowledged regression alerts");
	history_free(&h);
}

static void test_history_order(void)
{
	double lv[12] = {-1, -1, -1, -1, 100, 100, -1, 100, 100, -1, -1, -1};
	struct history h;
	enum history_why why;
	size_t next;

	make_history(&h, lv, 12);
	history_detect(&h);
	next = history_next(&h, 8, &why);
	ok(why == HISTORY_NEW && next == 11, "new commits: the newest first");
	h.r.v[11].missing = h.r.v[10].missing = h.r.v[9].missing = false;
	next = history_next(&h, 8, &why);
	ok(why == HISTORY_GAP && next == 1,
	   "then the middle of the longest gap (%zu)", next);
	h.r.v[0].missing = h.r.v[1].missing = h.r.v[2].missing = false;
	h.r.v[3].missing = false;
	next = history_next(&h, 8, &why);
	ok(why == HISTORY_GAP && next == 6, "then the next gap (%zu)", next);
	h.r.v[6].missing = false;
	ok(history_next(&h, 8, &why) == SIZE_MAX, "then nothing");
	history_free(&h);
}

static void test_history_acks(void)
{
	double lv[12] = {100, 100, 100, 100, 100, 100,
			 130, 130, 130, 130, 130, 130};
	struct history h;
	struct known_change known = {.regression = true, .first_seen = 42};
	char fine[] = "fine", old_note[] = "old note", prefix[8];
	struct ack acks[1] = {{.commit = NULL, .note = fine}};

	make_history(&h, lv, 12);
	history_detect(&h);
	history_mark(&h, NULL, 0, NULL, 0, 1000);
	ok(h.n_cp == 1 && h.cp[0].is_new && h.cp[0].first_seen == 1000,
	   "a change no run saw is new");
	memcpy(known.before, h.r.v[3].res.commit_id, 41);
	memcpy(known.after, h.r.v[7].res.commit_id, 41);
	history_mark(&h, &known, 1, NULL, 0, 2000);
	ok(!h.cp[0].is_new && h.cp[0].first_seen == 42,
	   "one that overlaps a known one is not (narrowed)");
	known.regression = false;
	history_mark(&h, &known, 1, NULL, 0, 2000);
	ok(h.cp[0].is_new, "the other way round is another change");
	snprintf(prefix, sizeof prefix, "%.7s", h.r.v[6].res.commit_id);
	acks[0].commit = prefix;
	history_mark(&h, NULL, 0, acks, 1, 2000);
	ok(h.cp[0].ack && !strcmp(h.cp[0].ack, "fine") && !history_alert(&h),
	   "an ack of its commit (7 digits) silences it");
	acks[0].commit = h.r.v[4].res.commit_id;
	history_mark(&h, NULL, 0, acks, 1, 2000);
	ok(!h.cp[0].ack && history_alert(&h),
	   "an ack of a commit before it does not");
	known.regression = true;
	known.ack_commit = h.r.v[7].res.commit_id;
	known.ack = old_note;
	acks[0].commit = h.r.v[7].res.commit_id;
	history_mark(&h, &known, 1, acks, 1, 2000);
	ok(h.cp[0].ack && !strcmp(h.cp[0].ack, "fine"),
	   "narrowed past its ack: the ack follows while it exists");
	history_mark(&h, &known, 1, NULL, 0, 2000);
	ok(!h.cp[0].ack, "and not once it is deleted");
	history_free(&h);
}

/* Five steps of 0.8%, six commits each: each below the 1% threshold,
 * together 4%.
 */
static void test_history_drift_threshold(void)
{
	double lv[36];
	struct history h;
	size_t reported = 0;

	for (size_t i = 0; i < 36; i++) {
		size_t level = i / 6;

		lv[i] = 100 * pow(1.008, (double)level);
	}
	make_history(&h, lv, 36);
	history_detect(&h);
	for (size_t i = 0; i < h.n_cp; i++)
		if (h.cp[i].reported && fabs(h.cp[i].percent) < 1)
			reported++;
	ok(h.n_cp == 5, "five small steps found (%zu)", h.n_cp);
	is_size(reported, h.n_cp, "  each below 1%, reported for the run");
	is_double(h.n_cp ? h.cp[0].run_percent : 0, 100 * (pow(1.008, 5) - 1),
		  1e-6, "  the run: 4.06% in all");
	history_free(&h);
}

/* The drift of test_drift as a history: wherever its change points
 * fall, each is reported as part of a drift that spans the drift's
 * commits (the level is 300 up to 5, 315 from 21) and is about 5%; a
 * step as large in the same noise is no drift.
 */
static void test_history_drift(void)
{
	double lv[27];
	struct history h;
	uint64_t s = 7;
	size_t inside = 0, reported = 0;

	for (size_t i = 0; i < 27; i++) {
		size_t level = i < 6 ? 0 : i >= 21 ? 5 : (i - 6) / 3 + 1;

		lv[i] = 300 * (1 + 0.01 * (double)level) + 0.3 * noise(&s);
	}
	make_history(&h, lv, 27);
	history_detect(&h);
	for (size_t i = 0; i < h.n_cp; i++) {
		const struct change_point *c = &h.cp[i];

		if (!c->reported)
			continue;
		reported++;
		if (c->drift_from != SIZE_MAX && c->drift_from >= 3 &&
		    c->drift_from <= 8 && c->drift_to >= 18 &&
		    c->drift_to <= 23 && fabs(c->drift_pct - 5) < 1)
			inside++;
	}
	ok(reported > 0, "a drift in a history: reported (%zu)", reported);
	ok(h.n_cp == 0 || !h.cp[h.n_cp - 1].at_tip, "  nothing at its tip");
	is_size(inside, reported, "  each as a drift of about 5% over it");
	history_free(&h);
	for (size_t i = 0; i < 27; i++)
		lv[i] = (i < 13 ? 300 : 315) + 0.3 * noise(&s);
	make_history(&h, lv, 27);
	history_detect(&h);
	ok(h.n_cp == 1 && h.cp[0].drift_from == SIZE_MAX,
	   "a 5%% step is one change point, no drift");
	history_free(&h);
	/* A straight ramp without noise: 300 up to commit 10, 0.5% more a
	 * commit after it, 5% more from 20 on.
	 */
	{
		double ramp[30];

		for (size_t i = 0; i < 30; i++)
			ramp[i] =
			    300 * (1 + 0.005 * (double)(i < 10	  ? 0
							: i >= 20 ? 10
								  : i - 10));
		make_history(&h, ramp, 30);
	}
	history_detect(&h);
	ok(h.n_cp >= 1 && h.cp[0].drift_from == 10 && h.cp[0].drift_to == 20,
	   "a straight ramp: a drift after 10 up to 20 (%zu change points, "
	   "%zu to %zu)",
	   h.n_cp, h.n_cp ? h.cp[0].drift_from : 0,
	   h.n_cp ? h.cp[0].drift_to : 0);
	history_free(&h);
}

/* One commit 5x slower at the tip: no segment (min_size 2), but a
 * change at the tip, by range's rules; 0.5% is not; an ack silences
 * it; two slow commits are still at the tip while the shuffles cannot
 * confirm them, and an ordinary change point once they can.
 */
static void test_history_tip(void)
{
	double lv[22];
	struct history h;
	struct ack ack = {.commit = NULL, .note = (char[]){"known"}};

	for (size_t i = 0; i < 22; i++)
		lv[i] = i < 21 ? 100 : 500;
	lv[20] = -1;
	make_history(&h, lv, 22);
	h.r.method = STATS_MANN_WHITNEY;
	history_detect(&h);
	ok(h.n_cp == 1 && h.cp[0].at_tip && h.cp[0].reported,
	   "5x slower at the tip: a change at the tip (%zu)", h.n_cp);
	ok(h.n_cp == 1 && h.cp[0].before == 19 && h.cp[0].after == 21 &&
	       h.cp[0].unmeasured == 1,
	   "  after 19 up to 21, one commit not measured");
	is_double(h.n_cp ? h.cp[0].percent : 0, 400, 1e-9, "  +400%");
	ok(h.n_cp == 1 && h.cp[0].p < 0.01, "  p < alpha (%g)",
	   h.n_cp ? h.cp[0].p : 1);
	ok(history_alert(&h), "  it alerts");
	ack.commit = h.r.v[21].res.commit_id;
	history_mark(&h, NULL, 0, &ack, 1, 0);
	ok(!history_alert(&h), "  an ack of it silences it");
	ok(history_next(&h, 21, &(enum history_why){0}) == 20,
	   "  the commit between is measured next");
	history_free(&h);
	lv[21] = 100.5;
	make_history(&h, lv, 22);
	h.r.method = STATS_MANN_WHITNEY;
	history_detect(&h);
	ok(h.n_cp == 0, "0.5%% slower at the tip: below the threshold");
	history_free(&h);
	lv[20] = lv[21] = 500;
	make_history(&h, lv, 22);
	h.r.method = STATS_MANN_WHITNEY;
	history_detect(&h);
	ok(h.n_cp == 1 && h.cp[0].at_tip && h.cp[0].at == 20,
	   "two slow commits at the end of 22 (p ~ 0.09 among the "
	   "shuffles): at the tip from the first");
	history_free(&h);
	{
		double more[60];

		for (size_t i = 0; i < 60; i++)
			more[i] = i < 58 ? 100 : 500;
		make_history(&h, more, 60);
	}
	h.r.method = STATS_MANN_WHITNEY;
	history_detect(&h);
	ok(h.n_cp == 1 && !h.cp[0].at_tip && h.cp[0].at == 58,
	   "two at the end of 60: an ordinary change point");
	history_free(&h);
}

/* A regression already reverted at the tip: 50 up to 5, 100 for 6 (the
 * culprit), 102 for 7 and 8, 50 again at 9 (the revert).  The tip is
 * back where the stretch began: no change at the tip (a stretch that
 * holds the bump made the revert look like a 26% improvement), and no
 * regression is blamed on 7 or 8, which changed nothing.
 */
static void test_history_tip_reverted(void)
{
	double lv[10];
	struct history h;
	uint64_t s = 11;
	bool at_tip = false, misplaced = false;

	for (size_t i = 0; i < 10; i++)
		lv[i] = (i >= 6 && i < 9 ? 100 : 50) + 0.3 * noise(&s);
	lv[7] = lv[8] = 102; /* noise: 2% over the culprit */
	make_history(&h, lv, 10);
	history_detect(&h);
	for (size_t i = 0; i < h.n_cp; i++) {
		const struct change_point *c = &h.cp[i];

		if (c->at_tip)
			at_tip = true;
		if (c->reported && c->percent > 0 && c->after != 6)
			misplaced = true;
	}
	ok(!at_tip, "a reverted regression: nothing at the tip");
	ok(!misplaced, "  no regression blamed on a commit but 6");
	history_free(&h);
}

/* Histories of 30 commits without a change, whose commits differ a
 * little from one measuring to the next (an offset of sd 5 ms a commit,
 * passes of sd 10 ms around it, 5 passes): the tip is a false alarm in
 * at most about --alpha of them (at 0.01, 400 histories: 4 expected;
 * pooling the passes as independent made it about 10%).
 */
static void test_history_tip_false_alarms(void)
{
	uint64_t s = 2026;
	size_t alarms = 0, runs = 400;

	for (size_t r = 0; r < runs; r++) {
		double lv[30];
		struct history h;

		for (size_t i = 0; i < 30; i++)
			lv[i] = 1000;
		make_history(&h, lv, 30);
		for (size_t i = 0; i < 30; i++) {
			struct bench_result *b = &h.r.v[i].res.bench;
			double offset = 5 * noise(&s), x[5];

			for (size_t k = 0; k < 5; k++)
				x[k] = 1000 + offset + 10 * noise(&s);
			free(b->sample_ms);
			b->sample_ms = malloc(sizeof x);
			memcpy(b->sample_ms, x, sizeof x);
			b->n_samples = 5;
			stats_summarize(&b->summary, x, 5);
		}
		h.r.method = STATS_MANN_WHITNEY;
		history_detect(&h);
		for (size_t i = 0; i < h.n_cp; i++)
			if (h.cp[i].at_tip) {
				alarms++;
				break;
			}
		history_free(&h);
	}
	ok(alarms <= 10, "no change, noisy commits: %zu of %zu tips alarm",
	   alarms, runs);
}

/* Two regressions of 0.6%, 40 measured commits apart: each below the
 * 1% threshold, and a long stable stretch between them, so they are two
 * small changes, not a 1.2% drift.
 */
static void test_history_runs_apart(void)
{
	double lv[80];
	struct history h;

	for (size_t i = 0; i < 80; i++)
		lv[i] = 100 * pow(1.006, (double)(i >= 20) + (double)(i >= 60));
	make_history(&h, lv, 80);
	history_detect(&h);
	ok(h.n_cp == 2 && h.cp[0].at == 20 && h.cp[1].at == 60,
	   "two small steps 40 commits apart found (%zu)", h.n_cp);
	ok(h.n_cp == 2 && h.cp[0].run_len == 1 && h.cp[1].run_len == 1,
	   "  each a run of its own");
	ok(h.n_cp == 2 && !h.cp[0].reported && !h.cp[1].reported,
	   "  neither reported: each below 1%%");
	ok(!history_alert(&h), "  no alert");
	history_free(&h);
}

/* A 50% step, then five steps of 0.8%, six commits each (threshold
 * 1%): the big step makes nearly all of the run (91%), so the run is no
 * drift, but the small steps together are 4%: they are reported.  (The
 * first small step is too close to the big one to be told apart.)
 */
static void test_history_run_step_then_drift(void)
{
	double lv[42];
	struct history h;
	size_t small = 0, reported = 0;

	for (size_t i = 0; i < 42; i++) {
		size_t level = i < 6 ? 0 : (i - 6) / 6;

		lv[i] = i < 6 ? 100 : 150 * pow(1.008, (double)level);
	}
	make_history(&h, lv, 42);
	history_detect(&h);
	for (size_t i = 0; i < h.n_cp; i++) {
		reported += h.cp[i].reported;
		small += h.cp[i].reported && fabs(h.cp[i].percent) < 1;
	}
	ok(h.n_cp >= 4 && h.cp[0].at == 6 && h.cp[0].percent > 49,
	   "a 50%% step then five of 0.8%%: the step and more found (%zu)",
	   h.n_cp);
	ok(h.n_cp >= 4 && h.cp[0].drift_from == SIZE_MAX,
	   "  the step makes nearly all of the run: no drift");
	is_size(reported, h.n_cp, "  every one reported");
	ok(small >= 3, "  the small ones too: together over 1%% (%zu)", small);
	history_free(&h);
}

/* Two steps of about 1% (1.01% and 0.99%), ten commits each side: a 2%
 * creep, threshold 1%.  Neither makes nearly all of it: a drift, both
 * reported.
 */
static void test_history_two_like_steps(void)
{
	double lv[30];
	struct history h;

	for (size_t i = 0; i < 30; i++)
		lv[i] = i < 10 ? 100 : i < 20 ? 101.01 : 101.01 * 1.0099;
	make_history(&h, lv, 30);
	history_detect(&h);
	ok(h.n_cp == 2 && h.cp[0].at == 10 && h.cp[1].at == 20,
	   "two steps of about 1%%: both found (%zu)", h.n_cp);
	ok(h.n_cp == 2 && h.cp[0].drift_from != SIZE_MAX &&
	       h.cp[1].drift_from != SIZE_MAX,
	   "  a drift of both");
	ok(h.n_cp == 2 && h.cp[0].reported && h.cp[1].reported,
	   "  both reported, the 0.99%% one too");
	history_free(&h);
}

/* A 4x step at commit 14, then the same level 2% slower from 22 on (a
 * busier night measured those): the 2% step follows the big one in the
 * same direction, but it is far below the 20% threshold, and the big
 * step alone does not make it a drift of 20%.  Acknowledging the big
 * step leaves nothing to alert.
 */
static void test_history_run_of_big_and_small(void)
{
	double lv[30];
	struct ack ack = {.commit = NULL, .note = NULL};
	struct history h;
	size_t big = SIZE_MAX, small = SIZE_MAX;

	for (size_t i = 0; i < 30; i++)
		lv[i] = i < 14 ? 100 : i < 22 ? 400 : 408;
	make_history(&h, lv, 30);
	h.r.threshold = 20;
	history_detect(&h);
	for (size_t i = 0; i < h.n_cp; i++) {
		if (h.cp[i].at == 14)
			big = i;
		if (h.cp[i].at == 22)
			small = i;
	}
	ok(big != SIZE_MAX && small != SIZE_MAX,
	   "a big step and a small one after it: both found (%zu)", h.n_cp);
	ok(big != SIZE_MAX && h.cp[big].reported, "  the big one reported");
	ok(small != SIZE_MAX && !h.cp[small].reported,
	   "  the 2%% one not: the big one does not carry it over 20%%");
	ack.commit = bp_strdup(h.r.v[14].res.commit_id);
	ack.note = bp_strdup("known");
	history_mark(&h, NULL, 0, &ack, 1, 0);
	ok(!history_alert(&h), "  the big one acknowledged: no alert");
	free(ack.commit);
	free(ack.note);
	history_free(&h);
}

/* Commits measured inside a change point narrow it to the side each
 * one's level is nearer, without a search: 0-7 at 100, 8-14 not
 * measured, 15-22 at 200.
 */
static void test_history_measured(void)
{
	double lv[23];
	struct history h;
	enum history_why why;
	size_t next;

	for (size_t i = 0; i < 23; i++)
		lv[i] = i < 8 ? 100 : i < 15 ? -1 : 200;
	make_history(&h, lv, 23);
	ok(history_detect(&h) == 0 && h.n_cp == 1 && h.cp[0].before == 7 &&
	       h.cp[0].after == 15 && h.cp[0].unmeasured == 7,
	   "measured: a change between 7 and 15, 7 commits not measured");
	h.r.v[11].missing = false; /* measured at 200: after the change */
	h.r.v[11].res.bench = h.r.v[20].res.bench;
	history_measured(&h, 11);
	ok(h.n_cp == 1 && h.cp[0].before == 7 && h.cp[0].after == 11 &&
	       h.cp[0].unmeasured == 3,
	   "  11 at the level after: between 7 and 11, 3 not measured");
	h.r.v[9].missing = false; /* measured at 100: before it */
	h.r.v[9].res.bench = h.r.v[0].res.bench;
	history_measured(&h, 9);
	ok(h.n_cp == 1 && h.cp[0].before == 9 && h.cp[0].after == 11 &&
	       h.cp[0].unmeasured == 1,
	   "  9 at the level before: between 9 and 11, 1 not measured");
	next = history_next(&h, 22, &why);
	ok(why == HISTORY_NARROW && next == 10, "  10 is next (%zu)", next);
	h.r.v[10].missing = false; /* a build that failed */
	h.r.v[10].res.status = COMMIT_BUILD_FAILED;
	history_measured(&h, 10);
	ok(h.n_cp == 1 && h.cp[0].before == 9 && h.cp[0].after == 11 &&
	       h.cp[0].unmeasured == 0,
	   "  10 failed: the change stays, nothing left to measure in it");
	history_measured(&h, 3);
	ok(h.cp[0].before == 9 && h.cp[0].after == 11,
	   "  a commit outside it changes nothing");
	/* The copied benches are owned by 20 and 0. */
	memset(&h.r.v[11].res.bench, 0, sizeof h.r.v[11].res.bench);
	memset(&h.r.v[9].res.bench, 0, sizeof h.r.v[9].res.bench);
	history_free(&h);
}

int main(void)
{
	test_energy_by_hand();
	test_energy_published();
	test_qhat_matches_energy();
	test_split_brute_force();
	test_published_step();
	test_single_step();
	test_drift();
	test_ramp();
	test_permutations();
	test_two_changes();
	test_dip();
	test_false_positives();
	test_edges();
	test_reproducible();
	test_window_small();
	test_window_steps();
	test_window_long();
	test_window_options();
	test_window_memo();
	test_history_place();
	test_history_order();
	test_history_acks();
	test_history_drift_threshold();
	test_history_runs_apart();
	test_history_run_of_big_and_small();
	test_history_run_step_then_drift();
	test_history_two_like_steps();
	test_history_drift();
	test_history_tip();
	test_history_tip_reverted();
	test_history_tip_false_alarms();
	test_history_measured();
	return tap_done();
}
