// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stats.c - descriptive statistics and two-sample tests for boot times.
 *
 * Pure math: no I/O, no global state.  Distribution functions come from
 * GSL; only arguments inside their domains are passed, so GSL's default
 * error handler (which aborts) is never triggered.
 */
#include "common.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

int stats_cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa;
	double b = *(const double *)pb;

	/* NaN is not allowed, but keep qsort's order consistent anyway */
	if (isnan(a) || isnan(b))
		return !!isnan(a) - !!isnan(b);
	return (a > b) - (a < b);
}

static double *stats_sorted_copy(const double *x, size_t n)
{
	double *s;

	if (n > SIZE_MAX / sizeof(*s))
		return NULL;
	s = malloc(n * sizeof(*s));
	if (!s)
		return NULL;
	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), stats_cmp_double);
	return s;
}

static double stats_median_sorted(const double *s, size_t n)
{
	if (n % 2)
		return s[n / 2];
	return (s[n / 2 - 1] + s[n / 2]) / 2.0;
}

double stats_mean(const double *x, size_t n)
{
	double sum = 0.0;
	size_t i;

	if (n == 0)
		return NAN;
	/*
	 * Summing offsets from x[0] keeps the mean of constant data exact
	 * (so its variance is exactly 0, which Welch relies on) and avoids
	 * losing digits to the large common offset of boot times.
	 */
	for (i = 1; i < n; i++)
		sum += x[i] - x[0];
	return x[0] + sum / (double)n;
}

/* Sample variance; the corrected two-pass algorithm (Chan et al.). */
static double stats_var(const double *x, size_t n)
{
	double mean = stats_mean(x, n);
	double ss = 0.0, s = 0.0;
	size_t i;

	for (i = 0; i < n; i++) {
		double d = x[i] - mean;

		s += d;
		ss += d * d;
	}
	/* s would be 0 in exact arithmetic; subtracting it removes the
	 * rounding error left in the mean */
	ss -= s * s / (double)n;
	return ss > 0.0 ? ss / (double)(n - 1) : 0.0;
}

double stats_sd(const double *x, size_t n)
{
	if (n < 2)
		return NAN;
	return sqrt(stats_var(x, n));
}

int stats_median(double *out, const double *x, size_t n)
{
	double *s;

	if (n == 0)
		return -1;
	s = stats_sorted_copy(x, n);
	if (!s)
		return -1;
	*out = stats_median_sorted(s, n);
	free(s);
	return 0;
}

static double stats_trimmed_sorted(const double *s, size_t n, double mean)
{
	size_t k = n / 10;

	/* return the mean itself so "equals mean" holds bit for bit */
	if (k == 0)
		return mean;
	return stats_mean(s + k, n - 2 * k);
}

/* Destroys s: it is overwritten with the absolute deviations. */
static double stats_mad_inplace(double *s, size_t n, double median)
{
	size_t i;

	for (i = 0; i < n; i++)
		s[i] = fabs(s[i] - median);
	qsort(s, n, sizeof(*s), stats_cmp_double);
	return stats_median_sorted(s, n);
}

static void stats_ci95(struct stats_summary *r)
{
	double half;

	if (r->n < 2) {
		r->ci_low = r->ci_high = NAN;
		return;
	}
	half = gsl_cdf_tdist_Pinv(0.975, (double)(r->n - 1)) * r->sd /
	       sqrt((double)r->n);
	r->ci_low = r->mean - half;
	r->ci_high = r->mean + half;
}

int stats_summarize(struct stats_summary *out, const double *x, size_t n)
{
	struct stats_summary r;
	double *s;

	if (n == 0)
		return -1;
	s = stats_sorted_copy(x, n);
	if (!s)
		return -1;
	r.n = n;
	r.mean = stats_mean(x, n);
	r.sd = stats_sd(x, n);
	r.min = s[0];
	r.max = s[n - 1];
	r.median = stats_median_sorted(s, n);
	r.trimmed_mean = stats_trimmed_sorted(s, n, r.mean);
	stats_ci95(&r);
	r.mad = stats_mad_inplace(s, n, r.median);
	free(s);
	*out = r;
	return 0;
}

static void stats_set_test(struct stats_test *out, enum stats_method m,
			   double statistic, double df, double p)
{
	out->method = m;
	out->statistic = statistic;
	out->df = df;
	out->p = p > 1.0 ? 1.0 : p;
}

int stats_welch(struct stats_test *out, const double *a, size_t na,
		const double *b, size_t nb)
{
	double diff, sa, sb, se2, t, df;

	if (na < 2 || nb < 2)
		return -1;
	diff = stats_mean(b, nb) - stats_mean(a, na);
	sa = stats_var(a, na) / (double)na;
	sb = stats_var(b, nb) / (double)nb;
	se2 = sa + sb;
	if (se2 == 0.0) {
		/* no noise at all: any difference is real, none is none */
		t = diff == 0.0 ? 0.0 : copysign(INFINITY, diff);
		stats_set_test(out, STATS_WELCH, t, NAN,
			       diff == 0.0 ? 1.0 : 0.0);
		return 0;
	}
	t = diff / sqrt(se2);
	/* Welch-Satterthwaite in terms of variance shares: cannot underflow */
	sa /= se2;
	sb /= se2;
	df = 1.0 / (sa * sa / (double)(na - 1) + sb * sb / (double)(nb - 1));
	stats_set_test(out, STATS_WELCH, t, df,
		       2.0 * gsl_cdf_tdist_Q(fabs(t), df));
	return 0;
}

/* The pooled variance of two samples, on na + nb - 2 degrees of freedom
 * (a side of one pass adds none); 0 when there are none.
 */
double stats_pooled_var(const double *a, size_t na, const double *b, size_t nb)
{
	double ss = 0.0;

	if (na > 1)
		ss += stats_var(a, na) * (double)(na - 1);
	if (nb > 1)
		ss += stats_var(b, nb) * (double)(nb - 1);
	return na + nb > 2 ? ss / (double)(na + nb - 2) : 0.0;
}

int stats_student_p(double *p, const double *a, size_t na, const double *b,
		    size_t nb)
{
	double diff, df, se2;

	if (na == 0 || nb == 0 || na + nb < 3)
		return -1;
	diff = stats_mean(b, nb) - stats_mean(a, na);
	df = (double)(na + nb - 2);
	se2 = stats_pooled_var(a, na, b, nb) *
	      (1.0 / (double)na + 1.0 / (double)nb);
	if (se2 == 0.0)
		*p = diff == 0.0 ? 1.0 : 0.0;
	else
		*p = 2.0 * gsl_cdf_tdist_Q(fabs(diff) / sqrt(se2), df);
	return 0;
}

struct stats_obs {
	double v;
	int from_b;
};

static int stats_cmp_obs(const void *pa, const void *pb)
{
	const struct stats_obs *a = pa;
	const struct stats_obs *b = pb;

	return stats_cmp_double(&a->v, &b->v);
}

static struct stats_obs *stats_pool(const double *a, size_t na, const double *b,
				    size_t nb)
{
	struct stats_obs *o;
	size_t i;

	if (na > SIZE_MAX / sizeof(*o) - nb)
		return NULL;
	o = malloc((na + nb) * sizeof(*o));
	if (!o)
		return NULL;
	for (i = 0; i < na; i++)
		o[i] = (struct stats_obs){.v = a[i], .from_b = 0};
	for (i = 0; i < nb; i++)
		o[na + i] = (struct stats_obs){.v = b[i], .from_b = 1};
	qsort(o, na + nb, sizeof(*o), stats_cmp_obs);
	return o;
}

/*
 * Mid-ranks the sorted pool; returns the rank sum of sample b and adds
 * sum(t^3 - t) over tie groups of size t to *tie_sum.
 */
static double stats_rank_sum_b(const struct stats_obs *o, size_t n,
			       double *tie_sum)
{
	double rank_sum = 0.0;
	size_t i, j, k;

	for (i = 0; i < n; i = j) {
		double t, mid;
		size_t in_b = 0;

		for (j = i + 1; j < n && o[j].v == o[i].v; j++)
			;
		for (k = i; k < j; k++)
			in_b += (size_t)o[k].from_b;
		/* the group occupies ranks i+1 .. j */
		mid = (double)(i + 1 + j) / 2.0;
		t = (double)(j - i);
		rank_sum += (double)in_b * mid;
		*tie_sum += t * t * t - t;
	}
	return rank_sum;
}

/*
 * Exact two-sided p of the rank sum of b, given the ties: under the
 * null every choice of which nb of the n pooled observations are b's is
 * equally likely, ties staying where they are (the permutation
 * distribution conditional on the tie groups).  Doubled mid-ranks are
 * integers: a group of t tied values at ranks i+1 .. j has doubled
 * mid-rank i+1+j, and taking k of its t values for b adds k times that
 * in C(t, k) ways.  f[c * w + s] counts the ways to take c b's from the
 * groups so far with doubled rank sum s; groups are added like items of
 * a knapsack, c from the top down so that each group counts once.  Only
 * additions and products of exact binomials: counts up to C(100, 50)
 * ~ 1e29 keep full relative precision in doubles, and so do the tiny
 * tails we care about.  Without ties this is the classic distribution
 * of U.  s2 is the observed doubled rank sum.
 */
static int stats_mw_exact_p(double *p, const struct stats_obs *o, size_t n,
			    size_t nb, size_t s2)
{
	size_t w = 2 * n * nb + 1, i, j;
	double *f = calloc((nb + 1) * w, sizeof(*f)), lo = 0, hi = 0, all = 0;

	if (!f)
		return -1;
	f[0] = 1.0;
	for (i = 0; i < n; i = j) {
		size_t t, r;

		for (j = i + 1; j < n && o[j].v == o[i].v; j++)
			;
		t = j - i;
		r = i + 1 + j;
		for (size_t c = nb; c >= 1; c--) {
			double *row = f + c * w;
			/* c b's among ranks up to j: doubled sum <= 2 c j */
			size_t top = c * 2 * j < w ? c * 2 * j + 1 : w;

			for (size_t s = top; s-- > 0;) {
				double binom = 1.0, add = 0.0;

				for (size_t k = 1; k <= t && k <= c; k++) {
					binom = binom * (double)(t - k + 1) /
						(double)k;
					if (k * r > s)
						break;
					add +=
					    binom * f[(c - k) * w + s - k * r];
				}
				row[s] += add;
			}
		}
	}
	for (size_t s = 0; s < w; s++) {
		double cnt = f[nb * w + s];

		all += cnt;
		if (s <= s2)
			lo += cnt;
		if (s >= s2)
			hi += cnt;
	}
	*p = 2.0 * fmin(lo, hi) / all;
	free(f);
	return 0;
}

static double stats_mw_normal_p(double u, size_t m, size_t n, double tie_sum)
{
	double big_n = (double)(m + n);
	double mu = (double)m * (double)n / 2.0;
	double var = (double)m * (double)n / 12.0 *
		     ((big_n + 1.0) - tie_sum / (big_n * (big_n - 1.0)));
	double z;

	/* every observation tied: the data cannot favour either side */
	if (var <= 0.0)
		return 1.0;
	z = (fabs(u - mu) - 0.5) / sqrt(var);
	return 2.0 * gsl_cdf_ugaussian_Q(z > 0.0 ? z : 0.0);
}

int stats_mann_whitney(struct stats_test *out, const double *a, size_t na,
		       const double *b, size_t nb)
{
	struct stats_obs *o;
	double rank_sum, u, p = 1.0, tie_sum = 0.0;
	int r = 0;

	if (na < 1 || nb < 1)
		return -1;
	o = stats_pool(a, na, b, nb);
	if (!o)
		return -1;
	rank_sum = stats_rank_sum_b(o, na + nb, &tie_sum);
	u = rank_sum - (double)nb * (double)(nb + 1) / 2.0;
	if (na <= STATS_MW_EXACT_MAX && nb <= STATS_MW_EXACT_MAX)
		r = stats_mw_exact_p(&p, o, na + nb, nb,
				     (size_t)llround(2.0 * rank_sum));
	else
		p = stats_mw_normal_p(u, nb, na, tie_sum);
	free(o);
	if (r)
		return -1;
	stats_set_test(out, STATS_MANN_WHITNEY, u, NAN, p);
	return 0;
}

int stats_compare(struct stats_test *out, enum stats_method m, const double *a,
		  size_t na, const double *b, size_t nb)
{
	switch (m) {
	case STATS_WELCH:
		return stats_welch(out, a, na, b, nb);
	case STATS_MANN_WHITNEY:
		return stats_mann_whitney(out, a, na, b, nb);
	}
	return -1;
}

size_t stats_mw_min_runs(double alpha)
{
	double comb = 2.0; /* C(2n, n) for n = 1 */
	size_t n;

	if (!(alpha > 0.0))
		return 0;
	/*
	 * Complete separation puts U at an extreme, reached by 1 of the
	 * C(2n, n) orderings, so the two-sided p is 2 / C(2n, n).
	 * Multiplying before dividing keeps comb an exact integer while
	 * it fits in 53 bits; alpha > 0 guarantees termination.
	 */
	for (n = 1; 2.0 / comb >= alpha; n++)
		comb = comb * (double)(2 * n + 1) * (double)(2 * n + 2) /
		       ((double)(n + 1) * (double)(n + 1));
	return n;
}

double stats_percent_change(double a, double b)
{
	return 100.0 * (b - a) / a;
}

int stats_welch_ci(double *lo, double *hi, const double *a, size_t na,
		   const double *b, size_t nb, double level)
{
	double diff, sa, sb, se2, df, half;

	if (na < 2 || nb < 2 || !(level > 0.0 && level < 1.0))
		return -1;
	diff = stats_mean(b, nb) - stats_mean(a, na);
	sa = stats_var(a, na) / (double)na;
	sb = stats_var(b, nb) / (double)nb;
	se2 = sa + sb;
	if (se2 == 0.0) {
		*lo = *hi = diff;
		return 0;
	}
	sa /= se2;
	sb /= se2;
	df = 1.0 / (sa * sa / (double)(na - 1) + sb * sb / (double)(nb - 1));
	half = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, df) * sqrt(se2);
	*lo = diff - half;
	*hi = diff + half;
	return 0;
}

/* Noise far below the step adds nothing but a division by ~0: such a
 * step is told apart in one pass whatever sigma is.
 */
#define STATS_SPRT_MIN_SIGMA_SHARE 0.05

int stats_sprt_init(struct stats_sprt *out, const double *good, size_t ng,
		    const double *bad, size_t nb, double alpha, double beta)
{
	double mg, mb, floor_sd;

	if (ng == 0 || nb == 0 || !(alpha > 0.0 && alpha < 0.5) ||
	    !(beta > 0.0 && beta < 0.5))
		return -1;
	mg = stats_mean(good, ng);
	mb = stats_mean(bad, nb);
	if (mg == mb)
		return -1;
	out->good_mean = mg;
	out->bad_mean = mb;
	out->sigma = sqrt(stats_pooled_var(good, ng, bad, nb));
	floor_sd = STATS_SPRT_MIN_SIGMA_SHARE * fabs(mb - mg);
	if (!(out->sigma >= floor_sd))
		out->sigma = floor_sd;
	out->upper = log((1.0 - beta) / alpha);
	out->lower = log(beta / (1.0 - alpha));
	return 0;
}

double stats_sprt_llr(const struct stats_sprt *t, const double *x, size_t n)
{
	double step = t->bad_mean - t->good_mean;
	double mid = (t->good_mean + t->bad_mean) / 2.0;
	/* No pass weighs more than half of the nearer bound: one wild pass
	 * (a stall of the host) cannot decide alone, whatever the others
	 * say, and it takes two passes to decide even a large step.
	 */
	double cap = fmin(t->upper, -t->lower) / 2.0;
	double llr = 0.0;

	for (size_t i = 0; i < n; i++) {
		double term = step * (x[i] - mid) / (t->sigma * t->sigma);

		llr += fmax(fmin(term, cap), -cap);
	}
	return llr;
}

enum stats_verdict stats_sprt(const struct stats_sprt *t, const double *x,
			      size_t n, double *llr)
{
	double l = stats_sprt_llr(t, x, n);

	if (llr)
		*llr = l;
	if (n == 0)
		return STATS_UNDECIDED;
	if (l >= t->upper)
		return STATS_BAD;
	if (l <= t->lower)
		return STATS_GOOD;
	return STATS_UNDECIDED;
}

enum stats_verdict stats_sprt_nearer(const struct stats_sprt *t, double mean)
{
	double mid = (t->good_mean + t->bad_mean) / 2.0;

	if (isnan(mean))
		return STATS_UNDECIDED;
	if (t->bad_mean > t->good_mean)
		return mean > mid ? STATS_BAD : STATS_GOOD;
	return mean < mid ? STATS_BAD : STATS_GOOD;
}
