/* bootperf - how much slower or faster, with an interval that holds for
 * bimodal boots and stalls, and a three-way answer: slower or faster,
 * the same, or inconclusive.
 *
 * The shift is of log boot times, so it is a ratio: the Hodges-Lehmann
 * estimate, the median of the m * n differences log b_j - log a_i, with
 * the distribution-free interval of Hollander and Wolfe (the order
 * statistics of those differences that Mann-Whitney's U puts at the
 * interval's ends).  It assumes only that one sample is the other
 * shifted: no normality, so two modes a second apart or a stalled pass
 * do not break it; a stalled pass moves one row of the m x n
 * differences, and the median moves little.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "common.h"

/* Up to this many m * n pairs, U's exact null distribution; beyond,
 * the normal approximation without continuity correction, which errs
 * on the safe side (a few ranks short at alpha 0.01; with very
 * lopsided sides, such as 1251 and 2, it may give no interval where the
 * exact one exists).
 */
#define SHIFT_EXACT_PAIRS 2500

double stats_normal_quantile(double p)
{
	if (!(p > 0 && p < 1))
		return p == 0 ? -INFINITY : p == 1 ? INFINITY : NAN;
	return gsl_cdf_ugaussian_Pinv(p);
}

/* The number of orderings of m a's and n b's with U = u (the pairs
 * with b > a), u = 0..m*n, divided by C(m + n, m): U's null
 * distribution, from N(i, j, u) = N(i - 1, j, u) + N(i, j - 1, u - i):
 * the largest value is an a, which no b exceeds, or a b, which exceeds
 * all i a's.  The distribution is the same with m and n swapped: n is
 * made the smaller, so the table is at most (51 x 2501) doubles.
 */
static double *shift_u_distribution(size_t m, size_t n)
{
	size_t len = m * n + 1;

	if (n > m) {
		size_t t = m;

		m = n;
		n = t;
	}
	double *prev = calloc((n + 1) * len, sizeof *prev);
	double *cur = calloc((n + 1) * len, sizeof *cur);
	double *out = NULL, total = 0;

	if (!prev || !cur)
		goto out;
	/* i = 0: U = 0 whatever j */
	for (size_t j = 0; j <= n; j++)
		prev[j * len] = 1;
	for (size_t i = 1; i <= m; i++) {
		memset(cur, 0, (n + 1) * len * sizeof *cur);
		cur[0] = 1; /* j = 0 */
		for (size_t j = 1; j <= n; j++) {
			double *c = cur + j * len;
			const double *up = prev + j * len; /* (i - 1, j) */
			const double *left =
			    cur + (j - 1) * len; /* (i, j - 1) */

			/* b largest: it exceeds all i a's, U += i */
			for (size_t u = i; u <= i * j; u++)
				c[u] += left[u - i];
			/* a largest: no b exceeds it */
			for (size_t u = 0; u <= (i - 1) * j; u++)
				c[u] += up[u];
		}
		double *t = prev;
		prev = cur;
		cur = t;
	}
	out = malloc(len * sizeof *out);
	if (!out)
		goto out;
	for (size_t u = 0; u < len; u++)
		total += prev[n * len + u];
	for (size_t u = 0; u < len; u++)
		out[u] = prev[n * len + u] / total;
out:
	free(prev);
	free(cur);
	return out;
}

/* Hollander and Wolfe's C: the interval is [D(C), D(mn + 1 - C)] of the
 * m * n sorted differences, C the largest with P(U <= C - 1) <= alpha / 2,
 * so that the coverage is at least 1 - alpha.  0: no interval at that
 * level (too few passes); SIZE_MAX when memory runs out.
 */
size_t stats_shift_rank(size_t m, size_t n, double alpha)
{
	size_t pairs = m * n, c = 0;

	if (!m || !n || m > SIZE_MAX / n || !(alpha > 0 && alpha < 1))
		return 0;
	if (pairs <= SHIFT_EXACT_PAIRS) {
		/* A range asks again and again for the same pass counts:
		 * the last answer is kept (up to 50 x 50 it takes a few
		 * million additions).
		 */
		static size_t last_m, last_n, last_c;
		static double last_alpha;
		double *f, cum = 0;

		if (m == last_m && n == last_n && alpha == last_alpha)
			return last_c;
		f = shift_u_distribution(m, n);
		if (!f)
			return SIZE_MAX;
		/* Compare with a hair of slack: sums of exact fractions. */
		for (size_t u = 0; u < pairs / 2; u++) {
			cum += f[u];
			if (cum > alpha / 2 * (1 + 1e-9))
				break;
			c = u + 1;
		}
		free(f);
		last_m = m;
		last_n = n;
		last_alpha = alpha;
		last_c = c;
		return c;
	}
	double z = stats_normal_quantile(1 - alpha / 2);
	double sd = sqrt((double)pairs * (double)(m + n + 1) / 12);
	double k = floor((double)pairs / 2 - z * sd);

	return k < 1 ? 0 : (size_t)k;
}

/* The sd of log times pooled over both sides, each about its own mean. */
static double shift_pooled_sd(const double *la, size_t m, const double *lb,
			      size_t n)
{
	return m + n < 3 ? NAN : sqrt(stats_pooled_var(la, m, lb, n));
}

static double to_percent(double d)
{
	return 100 * expm1(d);
}

enum stats_shift_verdict stats_shift_judge(double estimate, double lo,
					   double hi, double threshold)
{
	if (lo > 0 && estimate >= threshold)
		return SHIFT_SLOWER;
	if (hi < 0 && estimate <= -threshold)
		return SHIFT_FASTER;
	if (lo >= -threshold && hi <= threshold)
		return SHIFT_SAME;
	return SHIFT_INCONCLUSIVE;
}

const char *stats_shift_verdict_name(enum stats_shift_verdict v)
{
	switch (v) {
	case SHIFT_SLOWER:
		return "slower";
	case SHIFT_FASTER:
		return "faster";
	case SHIFT_SAME:
		return "same";
	case SHIFT_INCONCLUSIVE:
		break;
	}
	return "inconclusive";
}

int stats_shift(struct stats_shift *out, const double *a, size_t m,
		const double *b, size_t n, double alpha, double threshold)
{
	double *la = NULL, *lb = NULL, *d = NULL;
	size_t pairs = m * n, c;
	int ret = -1;

	if (!m || !n || m > SIZE_MAX / n / sizeof *d)
		return -1;
	for (size_t i = 0; i < m; i++)
		if (!(a[i] > 0))
			return -1;
	for (size_t j = 0; j < n; j++)
		if (!(b[j] > 0))
			return -1;
	la = malloc(m * sizeof *la);
	lb = malloc(n * sizeof *lb);
	d = malloc(pairs * sizeof *d);
	c = stats_shift_rank(m, n, alpha);
	if (!la || !lb || !d || c == SIZE_MAX)
		goto out;
	for (size_t i = 0; i < m; i++)
		la[i] = log(a[i]);
	for (size_t j = 0; j < n; j++)
		lb[j] = log(b[j]);
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < n; j++)
			d[i * n + j] = lb[j] - la[i];
	qsort(d, pairs, sizeof *d, stats_cmp_double);

	memset(out, 0, sizeof *out);
	out->na = m;
	out->nb = n;
	out->level = 1 - alpha;
	out->estimate = to_percent(
	    pairs % 2 ? d[pairs / 2] : (d[pairs / 2 - 1] + d[pairs / 2]) / 2);
	out->lo = c ? to_percent(d[c - 1]) : -100;
	out->hi = c ? to_percent(d[pairs - c]) : INFINITY;
	/* The shift a two-sided test at alpha finds with about 80% power,
	 * on the spread these passes show (a stall widens it, as it
	 * should): a normal approximation, a little optimistic for few
	 * passes.  None when these passes give no interval at all.
	 */
	double sd = shift_pooled_sd(la, m, lb, n);
	double z =
	    stats_normal_quantile(1 - alpha / 2) + stats_normal_quantile(0.8);

	out->detectable =
	    isnan(sd) || !c
		? INFINITY
		: to_percent(z * sd * sqrt(1.0 / (double)m + 1.0 / (double)n));
	out->verdict =
	    stats_shift_judge(out->estimate, out->lo, out->hi, threshold);
	ret = 0;
out:
	free(la);
	free(lb);
	free(d);
	return ret;
}
