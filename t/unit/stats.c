// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for common/stats.c.  Expected values were worked out by hand
 * (arithmetic in the comments) or come from the published examples cited.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "tap.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* t_{0.975,1}: the t distribution with 1 df is Cauchy, so the quantile is
 * tan(pi * (0.975 - 0.5)) = 1 / tan(4.5 deg) = 1 / 0.0787017 = 12.7062047 */
#define T975_DF1 12.706204736174707

/* "Untouched" means bit for bit, NAN and -0.0 included.  Member by member:
 * memcmp of a whole struct would also compare its padding.
 */
static bool same_bits(double a, double b)
{
	uint64_t ua, ub;

	memcpy(&ua, &a, sizeof ua);
	memcpy(&ub, &b, sizeof ub);
	return ua == ub;
}

static bool same_array(const double *a, const double *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!same_bits(a[i], b[i]))
			return false;
	return true;
}

static bool same_summary(const struct stats_summary *a,
			 const struct stats_summary *b)
{
	return a->n == b->n && same_bits(a->mean, b->mean) &&
	       same_bits(a->sd, b->sd) && same_bits(a->median, b->median) &&
	       same_bits(a->min, b->min) && same_bits(a->max, b->max) &&
	       same_bits(a->ci_low, b->ci_low) &&
	       same_bits(a->ci_high, b->ci_high) &&
	       same_bits(a->trimmed_mean, b->trimmed_mean) &&
	       same_bits(a->mad, b->mad);
}

static bool same_test(const struct stats_test *a, const struct stats_test *b)
{
	return a->method == b->method &&
	       same_bits(a->statistic, b->statistic) &&
	       same_bits(a->df, b->df) && same_bits(a->p, b->p);
}

static void test_empty(void)
{
	const double x[1] = {1.0};
	struct stats_summary s, before;
	double med = 42.0;

	memset(&s, 0xa5, sizeof(s));
	before = s;
	is_int(stats_summarize(&s, x, 0), -1, "summarize n=0 fails");
	ok(same_summary(&s, &before), "summarize n=0 leaves out alone");
	ok(isnan(stats_mean(x, 0)), "mean n=0 is NAN");
	ok(isnan(stats_sd(x, 0)), "sd n=0 is NAN");
	is_int(stats_median(&med, x, 0), -1, "median n=0 fails");
	is_double(med, 42.0, 0.0, "median n=0 leaves out alone");
}

static void test_one(void)
{
	const double x[] = {11.2};
	struct stats_summary s;

	is_int(stats_summarize(&s, x, 1), 0, "summarize n=1");
	is_size(s.n, 1, "n=1: n");
	is_double(s.mean, 11.2, 0.0, "n=1: mean = x");
	ok(isnan(s.sd), "n=1: sd is NAN");
	ok(isnan(s.ci_low) && isnan(s.ci_high), "n=1: CI is NAN");
	ok(s.median == 11.2 && s.min == 11.2 && s.max == 11.2,
	   "n=1: median = min = max = x");
	is_double(s.trimmed_mean, 11.2, 0.0, "n=1: trimmed mean = x");
	is_double(s.mad, 0.0, 0.0, "n=1: mad = 0");
	ok(isnan(stats_sd(x, 1)), "stats_sd n=1 is NAN");
}

/*
 * {3, 1}: mean 2, deviations +-1, variance (1 + 1) / 1 = 2, sd = sqrt(2)
 * = |3 - 1| / sqrt(2).  Standard error sd / sqrt(2) = 1, so the CI is
 * 2 +- t_{0.975,1} = [-10.7062047, 14.7062047].
 */
static void test_two(void)
{
	const double x[] = {3.0, 1.0};
	struct stats_summary s;

	is_int(stats_summarize(&s, x, 2), 0, "summarize n=2");
	is_double(s.mean, 2.0, 1e-15, "n=2: mean");
	is_double(s.sd, sqrt(2.0), 1e-15, "n=2: sd = |a-b|/sqrt(2)");
	is_double(s.median, 2.0, 1e-15, "n=2: median is the midpoint");
	is_double(s.ci_low, 2.0 - T975_DF1, 1e-9, "n=2: ci_low uses t(1 df)");
	is_double(s.ci_high, 2.0 + T975_DF1, 1e-9, "n=2: ci_high uses t(1 df)");
	ok(s.min == 1.0 && s.max == 3.0, "n=2: min, max");
}

/*
 * The textbook set {2,4,4,4,5,5,7,9}: sum 40, mean 5; squared deviations
 * 9+1+1+1+0+0+4+16 = 32, variance 32/7, sd 2.1380899.  Median of the even
 * count is (4 + 5) / 2 = 4.5.  |x - 4.5| = 2.5 .5 .5 .5 .5 .5 2.5 4.5,
 * sorted .5 .5 .5 .5 .5 2.5 2.5 4.5, so mad = (.5 + .5) / 2 = 0.5.
 * sd / sqrt(8) = sqrt(4/7) = 0.7559289; t_{0.975,7} = 2.365 (table), so
 * the CI is 5 +- 1.7877 (1.7875 with the unrounded 2.3646).
 */
static void test_textbook(void)
{
	const double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
	struct stats_summary s;

	is_int(stats_summarize(&s, x, ARRAY_SIZE(x)), 0, "summarize 8");
	is_double(s.mean, 5.0, 1e-15, "{2,4,4,4,5,5,7,9}: mean 5");
	is_double(s.sd, sqrt(32.0 / 7.0), 1e-14, "sd sqrt(32/7)");
	is_double(s.sd, 2.1380899, 1e-7, "sd 2.1380899");
	is_double(stats_sd(x, ARRAY_SIZE(x)), s.sd, 0.0, "stats_sd agrees");
	is_double(s.median, 4.5, 0.0, "even median (4+5)/2");
	is_double(s.mad, 0.5, 0.0, "mad 0.5");
	ok(s.min == 2.0 && s.max == 9.0, "min 2, max 9");
	is_double(s.trimmed_mean, s.mean, 0.0, "n<10: trimmed mean = mean");
	is_double(s.ci_low, 5.0 - 1.7875, 1e-3, "ci_low 3.2125");
	is_double(s.ci_high, 5.0 + 1.7875, 1e-3, "ci_high 6.7875");
}

static void test_median(void)
{
	const double odd[] = {5, 1, 4, 2, 3};
	const double even[] = {4, 1, 3, 2};
	double m = 0.0;

	is_int(stats_median(&m, odd, ARRAY_SIZE(odd)), 0, "median odd ok");
	is_double(m, 3.0, 0.0, "median of {5,1,4,2,3} is 3");
	is_int(stats_median(&m, even, ARRAY_SIZE(even)), 0, "median even ok");
	is_double(m, 2.5, 0.0, "median of {4,1,3,2} is (2+3)/2");
}

/*
 * n = 10: floor(10/10) = 1 dropped per side, 1 and 100 go, mean of 2..9
 * is 44/8 = 5.5 while the plain mean is 145/10 = 14.5.
 * n = 20: 2 per side, -1000, 1 and 18, 1000 go; 2..17 sum to
 * (2 + 17) * 16 / 2 = 152, 152/16 = 9.5; plain mean (171 + 0) / 20 = 8.55.
 */
static void test_trimmed(void)
{
	const double x10[] = {7, 100, 3, 1, 9, 2, 8, 4, 6, 5};
	double x20[20];
	struct stats_summary s;
	int i;

	is_int(stats_summarize(&s, x10, 10), 0, "summarize 10");
	is_double(s.trimmed_mean, 5.5, 1e-12, "n=10 trimmed mean drops 1+1");
	is_double(s.mean, 14.5, 1e-12, "n=10 mean keeps the outlier");
	is_double(s.median, 5.5, 0.0, "n=10 median");
	for (i = 0; i < 18; i++)
		x20[i] = i + 1;
	x20[18] = -1000.0;
	x20[19] = 1000.0;
	is_int(stats_summarize(&s, x20, 20), 0, "summarize 20");
	is_double(s.trimmed_mean, 9.5, 1e-12, "n=20 trimmed mean drops 2+2");
	is_double(s.mean, 8.55, 1e-12, "n=20 mean");
}

/*
 * Boot times cluster near 10.8 s and 11.9 s.  8 fast, 4 slow boots:
 * sorted 10.7 10.7 10.8 10.8 10.8 10.8 10.9 10.9 | 11.8 11.9 11.9 12.0.
 * With y = x - 10.8: sum y = 0 + (1.0+1.1+1.1+1.2) = 4.4, so
 * mean = 10.8 + 4.4/12 = 11.1666667 (a time no boot actually took);
 * sum y^2 = 4 * 0.01 + (1 + 1.21 + 1.21 + 1.44) = 4.90,
 * SS = 4.90 - 4.4^2/12 = 3.2866667, var = SS/11 = 0.2987879,
 * sd = 0.5466149.  Median = (10.8 + 10.9) / 2 = 10.85, in the fast mode.
 * Trimmed (1 per side: 10.7, 12.0): (134.0 - 22.7) / 10 = 11.13.
 * |x - 10.85|: six 0.05, two 0.15, then 0.95 1.05 1.05 1.15; the 6th and
 * 7th are 0.05 and 0.15, mad = 0.10.  CI: se = 0.5466149 / sqrt(12) =
 * 0.1577941, t_{0.975,11} = 2.201 (table), 11.1666667 +- 0.3473.
 */
static const double bimodal[] = {
    10.7, 10.8, 10.8, 10.9, 10.8, 11.9, 10.8, 11.8, 10.9, 12.0, 10.7, 11.9,
};

static void test_bimodal(void)
{
	struct stats_summary s;
	struct stats_test t;
	size_t n = ARRAY_SIZE(bimodal);

	is_int(stats_summarize(&s, bimodal, n), 0, "summarize bimodal");
	is_double(s.mean, 134.0 / 12.0, 1e-12, "bimodal mean 11.1667");
	is_double(s.sd, 0.5466149, 1e-7, "bimodal sd 0.5466149");
	is_double(s.median, 10.85, 1e-12, "bimodal median 10.85");
	is_double(s.trimmed_mean, 11.13, 1e-12, "bimodal trimmed 11.13");
	is_double(s.mad, 0.10, 1e-12, "bimodal mad 0.10");
	is_double(s.ci_low, 134.0 / 12.0 - 0.3473, 1e-3, "bimodal ci_low");
	is_double(s.ci_high, 134.0 / 12.0 + 0.3473, 1e-3, "bimodal ci_high");
	ok(s.min == 10.7 && s.max == 12.0, "bimodal min, max");

	/* a sample against itself: t = 0, U = 12 * 12 / 2 = 72, p = 1 */
	is_int(stats_welch(&t, bimodal, n, bimodal, n), 0, "welch self");
	is_double(t.statistic, 0.0, 0.0, "welch self t = 0");
	is_double(t.p, 1.0, 1e-12, "welch self p = 1");
	is_int(stats_mann_whitney(&t, bimodal, n, bimodal, n), 0, "mw self");
	is_double(t.statistic, 72.0, 0.0, "mw self U = mn/2");
	is_double(t.p, 1.0, 0.0, "mw self p = 1");
}

/*
 * Wikipedia, "Welch's t-test", Examples, example 1 (A1 vs A2): the
 * article gives Welch t = -2.46 (A1 - A2), df = 24.99 (25.0 in its
 * table), p = 0.021.  MathPHP's README runs the same data and prints
 * t = -2.4553600, df = 24.988527, p2 = 0.0213778.
 * By hand: sums 312.3 and 344.8, means 20.82 and 22.986667; sample
 * variances 6884/875 = 7.867429 and 5719/1500 = 3.812667, over n = 15:
 * 0.524495 and 0.254178; t = 2.166667 / sqrt(0.778673) = 2.4553564;
 * df = 0.778673^2 / (0.524495^2/14 + 0.254178^2/14) = 0.606332 /
 * 0.0242643 = 24.98853.  Exact rational arithmetic gives t = 2.45535640
 * and df = 24.9885293, so MathPHP's t is off in the 6th digit; the test
 * uses the exact values.  With A1 as baseline t is positive (b slower).
 */
static void test_welch_wikipedia(void)
{
	const double a1[] = {27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1,
			     21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4};
	const double a2[] = {27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0,
			     24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4};
	struct stats_test t;

	is_int(stats_welch(&t, a1, 15, a2, 15), 0, "welch wikipedia ex.1");
	ok(t.method == STATS_WELCH, "method is WELCH");
	is_double(t.statistic, 2.4553564, 1e-7, "wikipedia t = 2.4554");
	is_double(t.df, 24.9885293, 1e-7, "wikipedia df = 24.99");
	is_double(t.p, 0.0213778, 1e-6, "wikipedia p = 0.021");
	is_int(stats_welch(&t, a2, 15, a1, 15), 0, "welch swapped");
	is_double(t.statistic, -2.4553564, 1e-7, "swapping sides flips t");
}

/*
 * R, t.test(ts1, ts2) as printed in a widely copied answer:
 * ts1 = 11 9 10 11 10 12 9 11 12 9, ts2 = 11 13 10 13 12 9 11 12 12 11,
 * "t = -1.8325, df = 17.9, p-value = 0.08356".  By hand: means 10.4 and
 * 11.4; SS 12.4 and 14.4, variances 1.377778 and 1.6, /10: 0.137778 and
 * 0.16; t = 1 / sqrt(0.297778) = 1.832542; df = 0.297778^2 /
 * ((0.137778^2 + 0.16^2) / 9) = 0.0886716 / 0.00495363 = 17.9003.
 */
static void test_welch_r(void)
{
	const double ts1[] = {11, 9, 10, 11, 10, 12, 9, 11, 12, 9};
	const double ts2[] = {11, 13, 10, 13, 12, 9, 11, 12, 12, 11};
	struct stats_test t;

	is_int(stats_welch(&t, ts1, 10, ts2, 10), 0, "welch R example");
	is_double(t.statistic, 1.832542, 1e-6, "R example t = 1.8325");
	is_double(t.df, 17.9003, 1e-4, "R example df = 17.9");
	is_double(t.p, 0.08356, 5e-6, "R example p = 0.08356");
}

/*
 * a = {1,1,1} has variance 0, b = {1,2,3} variance 1, so se^2 = 0 + 1/3,
 * t = (2 - 1) / sqrt(1/3) = sqrt(3) and df = 1 / (0 + 1^2 / 2) = 2.
 * With 2 df, P(T > t) = (1 - t / sqrt(t^2 + 2)) / 2 = (1 - sqrt(3/5)) / 2
 * = 0.1127017, p = 0.2254033.
 */
static void test_welch_edges(void)
{
	const double one[] = {1, 1, 1}, two[] = {2, 2}, inc[] = {1, 2, 3};
	struct stats_test t, before;

	memset(&t, 0xa5, sizeof(t));
	before = t;
	is_int(stats_welch(&t, one, 1, inc, 3), -1, "welch na=1 fails");
	is_int(stats_welch(&t, one, 3, inc, 1), -1, "welch nb=1 fails");
	ok(same_test(&t, &before), "failed welch leaves out alone");
	is_int(stats_welch(&t, one, 3, one, 2), 0, "welch zero var, equal");
	is_double(t.p, 1.0, 0.0, "zero variance, equal means: p = 1");
	is_double(t.statistic, 0.0, 0.0, "zero variance, equal means: t = 0");
	is_int(stats_welch(&t, one, 3, two, 2), 0, "welch zero var, differ");
	is_double(t.p, 0.0, 0.0, "zero variance, different means: p = 0");
	is_double(t.statistic, INFINITY, 0.0, "... t = +inf");
	is_int(stats_welch(&t, one, 3, inc, 3), 0, "welch one side flat");
	is_double(t.statistic, sqrt(3.0), 1e-12, "one side flat: t sqrt(3)");
	is_double(t.df, 2.0, 1e-12, "one side flat: df = nb - 1");
	is_double(t.p, 1.0 - sqrt(0.6), 1e-9, "one side flat: p (2 df)");
}

/*
 * Hollander & Wolfe (1973), p. 69, the example in R's ?wilcox.test:
 * x = 0.80 0.83 1.89 1.04 1.45 1.38 1.91 1.64 0.73 1.46,
 * y = 1.15 0.88 0.90 0.74 1.21; R reports W = 35, one-sided p = 0.1272,
 * and two-sided exact p = 0.2544122544123 (as quoted in SciPy's tests).
 * By hand, y sorted is .74 .88 .90 1.15 1.21 and each x beats
 * 1 1 5 3 5 5 5 5 0 5 of them: U(x) = 35 of 50.  That p is 764/3003,
 * 3003 = C(15,5) orderings.
 */
/* Student's pooled t: p from the closed form of the t distribution with
 * 3 df (1 - 2/pi (atan x + x / (1 + x^2)), x = t / sqrt 3) and by
 * numerical integration for 6 df.
 */
static void test_student(void)
{
	const double a[] = {1, 2, 3, 4}, one[] = {6};
	const double c[] = {10, 12, 11, 13, 9}, d[] = {15, 14, 16};
	const double flat[] = {5, 5, 5}, flat2[] = {5}, flat3[] = {7};
	double p = -1;

	ok(stats_student_p(&p, a, 4, one, 1) == 0, "student: one new value");
	is_double(p, 0.0937588, 1e-6, "student: t 2.4249, 3 df, p 0.09376");
	ok(stats_student_p(&p, one, 1, a, 4) == 0 && fabs(p - 0.0937588) < 1e-6,
	   "student: symmetric");
	ok(stats_student_p(&p, c, 5, d, 3) == 0, "student: 5 and 3");
	is_double(p, 0.0082373, 1e-6, "student: t 3.873, 6 df, p 0.00824");
	ok(stats_student_p(&p, one, 1, one, 1) == -1, "student: 2 values: -1");
	ok(stats_student_p(&p, a, 0, one, 1) == -1, "student: empty side: -1");
	ok(stats_student_p(&p, flat, 3, flat2, 1) == 0 && p == 1.0,
	   "student: no spread, no difference: p 1");
	ok(stats_student_p(&p, flat, 3, flat3, 1) == 0 && p == 0.0,
	   "student: no spread, a difference: p 0");
}

static void test_mw_hollander_wolfe(void)
{
	const double x[] = {0.80, 0.83, 1.89, 1.04, 1.45,
			    1.38, 1.91, 1.64, 0.73, 1.46};
	const double y[] = {1.15, 0.88, 0.90, 0.74, 1.21};
	struct stats_test t;

	is_int(stats_mann_whitney(&t, y, 5, x, 10), 0, "mw Hollander-Wolfe");
	ok(t.method == STATS_MANN_WHITNEY, "method is MANN_WHITNEY");
	is_double(t.statistic, 35.0, 0.0, "H&W U of b = 35");
	ok(isnan(t.df), "mw df is NAN");
	is_double(t.p, 764.0 / 3003.0, 1e-12, "H&W exact p = 0.25441");
	is_int(stats_mann_whitney(&t, x, 10, y, 5), 0, "mw swapped");
	is_double(t.statistic, 15.0, 0.0, "swapped U = 50 - 35");
	is_double(t.p, 764.0 / 3003.0, 1e-12, "swapped p unchanged");
}

/*
 * m = n = 2 has C(4,2) = 6 orderings, U = 0 1 2 2 3 4.  a = {1,3},
 * b = {2,4}: 2 beats 1, 4 beats both, U = 3.  P(U >= 3) = 2/6,
 * P(U <= 3) = 5/6, p = 2 * 2/6 = 2/3.
 * Complete separation, n = 5: U = 25 (or 0), p = 2 / C(10,5) = 2/252.
 * n = 4: p = 2 / C(8,4) = 2/70.
 */
static void test_mw_exact(void)
{
	const double a[] = {10.8, 10.7, 10.9, 10.6, 10.85};
	const double b[] = {11.9, 11.8, 12.0, 11.95, 11.85};
	const double s1[] = {1, 3}, s2[] = {2, 4};
	struct stats_test t;

	is_int(stats_mann_whitney(&t, s1, 2, s2, 2), 0, "mw 2 vs 2");
	is_double(t.statistic, 3.0, 0.0, "2 vs 2: U = 3");
	is_double(t.p, 2.0 / 3.0, 1e-15, "2 vs 2: p = 2/3");
	is_int(stats_mann_whitney(&t, a, 5, b, 5), 0, "mw separated 5");
	is_double(t.statistic, 25.0, 0.0, "separated: U = 25");
	is_double(t.p, 2.0 / 252.0, 1e-15, "separated n=5: p = 2/252");
	ok(t.p < 0.01, "separated n=5 is significant at 0.01");
	is_int(stats_mann_whitney(&t, b, 5, a, 5), 0, "mw separated reversed");
	is_double(t.statistic, 0.0, 0.0, "reversed: U = 0");
	is_double(t.p, 2.0 / 252.0, 1e-15, "reversed: same p");
	is_int(stats_mann_whitney(&t, a, 4, b, 4), 0, "mw separated 4");
	is_double(t.p, 2.0 / 70.0, 1e-15, "separated n=4: p = 2/70");
	ok(t.p > 0.01, "separated n=4 cannot reach 0.01");
}

/*
 * a = {1,2,3}, b = {3,4,5}: pooled ranks 1 2 3.5 | 3.5 5 6, R(b) = 14.5,
 * U = 14.5 - 3*4/2 = 8.5 (3 beats 1,2 and ties 3: 2.5; 4: 3; 5: 3).
 * Exact, given the tie: of the C(6,3) = 20 ways to pick b's ranks, a
 * sum of 14.5 or more takes 5 and 6 and one of the two 3.5s: 2 ways,
 * the largest sum there is; P(R >= 14.5) = 2/20, p = 2 * 2/20 = 0.2.
 * (The normal approximation, used before, said 0.1212.)
 * All values equal: U = 2*3/2 = 3, p = 1.
 */
static void test_mw_ties(void)
{
	const double a[] = {1, 2, 3}, b[] = {3, 4, 5};
	const double c5[] = {5, 5, 5};
	struct stats_test t;

	is_int(stats_mann_whitney(&t, a, 3, b, 3), 0, "mw with a tie");
	is_double(t.statistic, 8.5, 0.0, "tie: U = 8.5 (mid-ranks)");
	is_double(t.p, 0.2, 1e-15, "tie: exact p = 2 * 2/20");
	is_int(stats_mann_whitney(&t, c5, 2, c5, 3), 0, "mw all tied");
	is_double(t.statistic, 3.0, 0.0, "all tied: U = mn/2");
	is_double(t.p, 1.0, 0.0, "all tied: p = 1");
}

/*
 * The exact p with ties against brute force: every way of choosing
 * which of the pooled values are b's (bit masks), counting the rank
 * sums at or beyond the observed one, on samples with several tie
 * groups (timings rounded to the millisecond tie like this).
 */
static double mw_brute_p(const double *a, size_t na, const double *b, size_t nb)
{
	double v[16] = {0}, rank[16] = {0}, obs = 0, lo = 0, hi = 0, all = 0;
	size_t n = na + nb;

	if (n > 16)
		return NAN;
	for (size_t i = 0; i < n; i++)
		v[i] = i < na ? a[i] : b[i - na];
	for (size_t i = 0; i < n; i++) {
		double below = 0, same = 0;

		for (size_t j = 0; j < n; j++) {
			below += v[j] < v[i];
			same += v[j] == v[i];
		}
		rank[i] = below + (same + 1) / 2;
	}
	for (size_t i = na; i < n; i++)
		obs += rank[i];
	for (unsigned m = 0; m < 1u << n; m++) {
		double sum = 0;

		if ((size_t)__builtin_popcount(m) != nb)
			continue;
		for (size_t i = 0; i < n; i++)
			if (m & 1u << i)
				sum += rank[i];
		all++;
		lo += sum <= obs + 1e-9;
		hi += sum >= obs - 1e-9;
	}
	return fmin(1.0, 2 * fmin(lo, hi) / all);
}

static void test_mw_ties_brute(void)
{
	const double a[] = {11, 12, 12, 13, 13, 13, 15};
	const double b[] = {12, 13, 14, 14, 15, 15, 16};
	const double c[] = {10, 10, 10, 11};
	const double d[] = {10, 11, 11, 11, 11, 12};
	const struct {
		const double *x, *y;
		size_t nx, ny;
	} cases[] = {{a, b, 7, 7}, {b, a, 7, 5}, {c, d, 4, 6}, {d, c, 6, 1}};

	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct stats_test t;

		stats_mann_whitney(&t, cases[k].x, cases[k].nx, cases[k].y,
				   cases[k].ny);
		ok(fabs(t.p - mw_brute_p(cases[k].x, cases[k].nx, cases[k].y,
					 cases[k].ny)) < 1e-12,
		   "ties, %zu vs %zu: exact p = brute force (%g)", cases[k].nx,
		   cases[k].ny, t.p);
	}
}

/*
 * Above STATS_MW_EXACT_MAX the normal approximation is used even without
 * ties.  a = 0..59, b = 0.5..59.5: b_j = j + 0.5 beats a_0..a_j, so
 * U = 1 + 2 + ... + 60 = 1830; mu = 1800, var = 3600 * 121 / 12 = 36300,
 * z = 29.5 / 190.5256 = 0.154835, p = 2 * Q(z) = 0.876952.
 */
static void test_mw_large(void)
{
	double a[60], b[60];
	struct stats_test t, before;
	int i;

	for (i = 0; i < 60; i++) {
		a[i] = i;
		b[i] = i + 0.5;
	}
	is_int(stats_mann_whitney(&t, a, 60, b, 60), 0, "mw 60 vs 60");
	is_double(t.statistic, 1830.0, 0.0, "60 vs 60: U = 1830");
	is_double(t.p, 0.876952, 1e-6, "60 vs 60: normal p = 0.87695");
	memset(&t, 0xa5, sizeof(t));
	before = t;
	is_int(stats_mann_whitney(&t, a, 0, b, 3), -1, "mw na=0 fails");
	is_int(stats_mann_whitney(&t, a, 3, b, 0), -1, "mw nb=0 fails");
	ok(same_test(&t, &before), "failed mw leaves out alone");
}

static void test_compare(void)
{
	const double a[] = {1, 3}, b[] = {2, 4};
	struct stats_test t, w;

	is_int(stats_compare(&t, STATS_WELCH, a, 2, b, 2), 0, "compare welch");
	stats_welch(&w, a, 2, b, 2);
	ok(t.method == STATS_WELCH && t.p == w.p, "compare dispatches welch");
	is_int(stats_compare(&t, STATS_MANN_WHITNEY, a, 2, b, 2), 0,
	       "compare mw");
	ok(t.method == STATS_MANN_WHITNEY && t.statistic == 3.0,
	   "compare dispatches mann-whitney");
	is_int(stats_compare(&t, (enum stats_method)42, a, 2, b, 2), -1,
	       "compare rejects an unknown method");
}

/*
 * 2 / C(2n,n): n=3 2/20 = 0.1, n=4 2/70 = 0.029, n=5 2/252 = 0.0079.
 * n=6 2/924 = 0.0022, n=7 2/3432 = 0.00058.  "p < alpha" is strict,
 * so alpha = 0.1 needs 4.
 */
static void test_min_runs(void)
{
	is_size(stats_mw_min_runs(0.01), 5, "min runs for 0.01 is 5");
	is_size(stats_mw_min_runs(0.05), 4, "min runs for 0.05 is 4");
	is_size(stats_mw_min_runs(0.1), 4, "min runs for 0.1 is 4 (strict)");
	is_size(stats_mw_min_runs(0.001), 7, "min runs for 0.001 is 7");
	is_size(stats_mw_min_runs(0.0), 0, "alpha 0 is unreachable");
}

/* 10 -> 11: +10%.  11.9 -> 10.8: -1.1 / 11.9 = -9.2436975%. */
static void test_percent(void)
{
	is_double(stats_percent_change(10.0, 11.0), 10.0, 1e-12, "+10%");
	is_double(stats_percent_change(11.9, 10.8), -9.2436975, 1e-7,
		  "11.9 -> 10.8 is -9.24%");
	is_double(stats_percent_change(5.0, 5.0), 0.0, 0.0, "no change");
}

static void test_inputs_untouched(void)
{
	double a[ARRAY_SIZE(bimodal)], b[] = {11.9, 10.8, 10.8, 12.0, 10.9};
	double a0[ARRAY_SIZE(a)], b0[ARRAY_SIZE(b)], m;
	struct stats_summary s;
	struct stats_test t;
	size_t na = ARRAY_SIZE(a), nb = ARRAY_SIZE(b);

	memcpy(a, bimodal, sizeof(a));
	memcpy(a0, a, sizeof(a));
	memcpy(b0, b, sizeof(b));
	stats_summarize(&s, a, na);
	stats_median(&m, a, na);
	stats_welch(&t, a, na, b, nb);
	stats_mann_whitney(&t, a, na, b, nb);
	stats_compare(&t, STATS_MANN_WHITNEY, b, nb, a, na);
	ok(same_array(a, a0, na) && same_array(b, b0, nb),
	   "input arrays are not modified");
}

/* Boot-time-like data far from 0, where a one-pass sum of squares loses
 * most of its digits; a plain two-pass computation does not. */
static void test_sd_two_pass(void)
{
	double x[1000], mean = 0.0, ss = 0.0;
	uint64_t state = 12345;
	size_t i, n = ARRAY_SIZE(x);

	for (i = 0; i < n; i++) {
		state = state * 6364136223846793005ULL + 1442695040888963407ULL;
		x[i] = 1e6 + (double)(state >> 11) / 9007199254740992.0;
	}
	for (i = 0; i < n; i++)
		mean += x[i];
	mean /= (double)n;
	for (i = 0; i < n; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	is_double(stats_mean(x, n), mean, 1e-9, "mean matches direct");
	is_double(stats_sd(x, n), sqrt(ss / (double)(n - 1)), 1e-9,
		  "sd matches direct two-pass");
	ok(stats_sd(x, n) > 0.25 && stats_sd(x, n) < 0.33,
	   "sd near 1/sqrt(12) for uniform data");
}

/* By hand: diff 3, variances 1 and 1, se = sqrt(2/3), df = 4,
 * t(0.975, 4) = 2.776445, half width 2.266958.
 */
static void test_welch_ci(void)
{
	const double a[] = {1, 2, 3}, b[] = {4, 5, 6}, c[] = {7, 7};
	double lo = 0, hi = 0;

	ok(stats_welch_ci(&lo, &hi, a, 3, b, 3, 0.95) == 0, "welch ci");
	is_double(lo, 0.733042, 1e-5, "welch ci low");
	is_double(hi, 5.266958, 1e-5, "welch ci high");
	ok(stats_welch_ci(&lo, &hi, a, 1, b, 3, 0.95) == -1,
	   "welch ci needs two samples a side");
	ok(stats_welch_ci(&lo, &hi, a, 3, b, 3, 1.0) == -1,
	   "welch ci level must be below 1");
	ok(stats_welch_ci(&lo, &hi, c, 2, c, 2, 0.95) == 0 && lo == 0 &&
	       hi == 0,
	   "welch ci without noise is the difference itself");
}

/* good mean 100, bad mean 110, pooled sd 2: each pass adds
 * 10 (x - 105) / 4, at most half a bound; bounds +-ln(99) = +-4.59512
 * for alpha = beta = 0.01.
 */
static void test_sprt(void)
{
	const double good[] = {100, 102, 98}, bad[] = {110, 112, 108};
	const double slow[] = {109, 110}, near[] = {104.5, 104},
		     two[] = {104, 103};
	const double wild[] = {1000, 100}, same[] = {100, 100}, same2[] = {110};
	const double half = log(99) / 2;
	struct stats_sprt t;
	double llr = 0;

	ok(stats_sprt_init(&t, good, 3, bad, 3, 0.01, 0.01) == 0, "sprt");
	is_double(t.sigma, 2.0, 1e-12, "sprt pooled sd");
	is_double(t.upper, 4.59512, 1e-5, "sprt upper bound ln 99");
	is_double(t.lower, -4.59512, 1e-5, "sprt lower bound -ln 99");
	ok(stats_sprt(&t, slow, 1, &llr) == STATS_UNDECIDED,
	   "one slow pass alone: undecided");
	is_double(llr, half, 1e-12, "llr of 109 (10) is capped at ln(99)/2");
	ok(stats_sprt(&t, slow, 2, &llr) == STATS_BAD, "two slow passes: bad");
	is_double(llr, 2 * half, 1e-12, "two capped passes reach the bound");
	ok(stats_sprt(&t, near, 1, &llr) == STATS_UNDECIDED,
	   "104.5 alone: undecided");
	is_double(llr, -1.25, 1e-12, "llr of 104.5 is -1.25");
	ok(stats_sprt(&t, near, 2, &llr) == STATS_UNDECIDED,
	   "104.5, 104: still undecided");
	is_double(llr, -1.25 - half, 1e-12, "llr of 104 (-2.5) is capped");
	ok(stats_sprt(&t, two, 2, &llr) == STATS_GOOD, "104, 103: good");
	is_double(llr, -2 * half, 1e-12, "capped llrs add up");
	ok(stats_sprt(&t, wild, 1, &llr) == STATS_UNDECIDED,
	   "a wild pass alone: undecided");
	is_double(llr, half, 1e-12, "a wild pass weighs half a bound");
	ok(stats_sprt(&t, wild, 2, &llr) == STATS_UNDECIDED,
	   "a wild pass and a good one: undecided");
	is_double(llr, 0, 1e-12, "a good pass cancels a wild one");
	ok(stats_sprt(&t, wild, 0, &llr) == STATS_UNDECIDED,
	   "no pass: undecided");
	ok(stats_sprt_init(&t, good, 3, good, 3, 0.01, 0.01) == -1,
	   "equal endpoints: no test");
	ok(stats_sprt_init(&t, good, 0, bad, 3, 0.01, 0.01) == -1,
	   "an empty side: no test");
	ok(stats_sprt_init(&t, good, 3, bad, 3, 0.5, 0.01) == -1,
	   "alpha must be below 0.5");
	ok(stats_sprt_init(&t, same, 2, same2, 1, 0.05, 0.05) == 0,
	   "noiseless endpoints");
	is_double(t.sigma, 0.5, 1e-12, "sigma floored at 5%% of the step");
}

/* Undecided at --max-runs: the nearer endpoint, either way round. */
static void test_sprt_nearer(void)
{
	const double g[] = {100, 102, 98}, b[] = {110, 112, 108};
	struct stats_sprt slow, fast;

	ok(stats_sprt_init(&slow, g, 3, b, 3, 0.01, 0.01) == 0 &&
	       stats_sprt_init(&fast, b, 3, g, 3, 0.01, 0.01) == 0,
	   "nearer: two tests");
	ok(stats_sprt_nearer(&slow, 105.1) == STATS_BAD, "past 105: bad");
	ok(stats_sprt_nearer(&slow, 104.9) == STATS_GOOD, "below 105: good");
	ok(stats_sprt_nearer(&slow, 105) == STATS_GOOD, "on 105: good");
	ok(stats_sprt_nearer(&fast, 104.9) == STATS_BAD,
	   "bad faster: below 105 is bad");
	ok(stats_sprt_nearer(&fast, 105.1) == STATS_GOOD,
	   "bad faster: past 105 is good");
	ok(stats_sprt_nearer(&slow, NAN) == STATS_UNDECIDED,
	   "no mean: undecided");
}

int main(void)
{
	test_empty();
	test_one();
	test_two();
	test_textbook();
	test_median();
	test_trimmed();
	test_bimodal();
	test_welch_wikipedia();
	test_welch_r();
	test_welch_edges();
	test_mw_hollander_wolfe();
	test_mw_exact();
	test_mw_ties();
	test_mw_ties_brute();
	test_mw_large();
	test_compare();
	test_min_runs();
	test_percent();
	test_inputs_untouched();
	test_sd_two_pass();
	test_welch_ci();
	test_student();
	test_sprt();
	test_sprt_nearer();
	return tap_done();
}
