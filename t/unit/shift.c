// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for common/shift.c: the Hodges-Lehmann shift of log times,
 * its distribution-free interval and the three-way verdict.  Worked
 * examples by hand (arithmetic in the comments), the interval's ranks
 * against the Mann-Whitney critical values of the published tables, and
 * seeded simulations of the coverage and error rates under the noise
 * TCG boots have (trial counts and seeds in the test names).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "tap.h"

static void test_quantile(void)
{
	is_double(stats_normal_quantile(0.5), 0, 1e-9, "Phi^-1(0.5) = 0");
	is_double(stats_normal_quantile(0.975), 1.959963984540054, 1e-9,
		  "Phi^-1(0.975) = 1.95996");
	is_double(stats_normal_quantile(0.8), 0.8416212335729143, 1e-9,
		  "Phi^-1(0.8) = 0.84162");
	is_double(stats_normal_quantile(0.005), -2.5758293035489, 1e-9,
		  "Phi^-1(0.005) = -2.57583");
	ok(isnan(stats_normal_quantile(2)), "Phi^-1(2) is NaN");
}

/* Mann-Whitney critical values (two-sided 0.05; reject when U <= U*):
 * the interval's rank is C = U* + 1.  From the published tables:
 * 5,5: 2; 8,8: 13; 10,5: 8; 10,10: 23; 20,20: 127.  m = n = 3 has no
 * interval at 0.05: P(U = 0) = 1/20 > 0.025.
 */
static void test_ranks(void)
{
	is_size(stats_shift_rank(5, 5, 0.05), 3, "C(5, 5, 0.05) = 3");
	is_size(stats_shift_rank(8, 8, 0.05), 14, "C(8, 8, 0.05) = 14");
	is_size(stats_shift_rank(10, 5, 0.05), 9, "C(10, 5, 0.05) = 9");
	is_size(stats_shift_rank(5, 10, 0.05), 9, "C(5, 10, 0.05) = 9");
	is_size(stats_shift_rank(10, 10, 0.05), 24, "C(10, 10, 0.05) = 24");
	is_size(stats_shift_rank(20, 20, 0.05), 128, "C(20, 20, 0.05) = 128");
	is_size(stats_shift_rank(3, 3, 0.05), 0,
		"3 and 3 passes: no 95% interval");
	is_size(stats_shift_rank(3, 3, 0.1), 1, "3 and 3 passes: a 90% one");
	is_size(stats_shift_rank(0, 3, 0.1), 0, "an empty side: none");
	/* The normal approximation takes over past 2500 pairs.  51 x 50
	 * exactly (U's distribution counted outside this code) is 987: the
	 * approximation may be short by a few, never over.
	 */
	is_size(stats_shift_rank(50, 50, 0.05), 966,
		"C(50, 50, 0.05) = 966, exact");
	size_t approx = stats_shift_rank(51, 50, 0.05);

	ok(approx >= 984 && approx <= 987,
	   "51,50 by the normal approximation (%zu): 984-987", approx);
	is_size(stats_shift_rank(SIZE_MAX / 2, 3, 0.05), 0,
		"m * n past SIZE_MAX: none");
}

/* la = {0, 1, 2}, lb = {1.5, 2.5, 3.5}: the nine differences sorted are
 * -0.5 0.5 0.5 1.5 1.5 1.5 2.5 2.5 3.5; the median 1.5, so the estimate
 * is e^1.5 - 1 = 348.17%; at alpha 0.1, C = 1: [D(1), D(9)] = [-0.5, 3.5].
 */
static void test_worked(void)
{
	double a[] = {1, M_E, M_E * M_E};
	double b[] = {exp(1.5), exp(2.5), exp(3.5)};
	struct stats_shift s;

	ok(stats_shift(&s, a, 3, b, 3, 0.1, 5) == 0, "worked: computed");
	is_double(s.estimate, 100 * expm1(1.5), 1e-9, "worked: estimate");
	is_double(s.lo, 100 * expm1(-0.5), 1e-9, "worked: low end");
	is_double(s.hi, 100 * expm1(3.5), 1e-9, "worked: high end");
	is_double(s.level, 0.9, 1e-12, "worked: level");
	is_int(s.verdict, SHIFT_INCONCLUSIVE, "worked: 0 inside, inconclusive");
	ok(stats_shift(&s, a, 3, b, 3, 0.05, 5) == 0 && s.lo == -100 &&
	       isinf(s.hi) && s.verdict == SHIFT_INCONCLUSIVE,
	   "3 and 3 passes at 0.05: no interval, inconclusive");
	ok(isinf(s.detectable), "no interval: nothing is detectable");
	/* pooled sd of logs: each side 0, 1, 2 about its mean: ss = 2 + 2,
	 * sd = sqrt(4 / 4) = 1; at alpha 0.1 (1.64485 + 0.84162) * 1 *
	 * sqrt(2/3) = 2.03021
	 */
	ok(stats_shift(&s, a, 3, b, 3, 0.1, 5) == 0, "detectable: computed");
	is_double(s.detectable, 100 * expm1(2.486474860524386 * sqrt(2.0 / 3)),
		  1e-6, "detectable: z's times the pooled sd");
	double z[] = {0, 1};

	ok(stats_shift(&s, z, 2, b, 3, 0.05, 5) == -1,
	   "a time that is not positive: refused");
}

static void test_judge(void)
{
	is_int(stats_shift_judge(6, 2, 10, 5), SHIFT_SLOWER,
	       "6% [2, 10]: slower");
	is_int(stats_shift_judge(3, 1, 5, 5), SHIFT_SAME,
	       "3% [1, 5] at 5: the same (a real change, under the threshold)");
	is_int(stats_shift_judge(3, 1, 7, 5), SHIFT_INCONCLUSIVE,
	       "3% [1, 7] at 5: inconclusive");
	is_int(stats_shift_judge(-6, -9, -1, 5), SHIFT_FASTER,
	       "-6% [-9, -1]: faster");
	is_int(stats_shift_judge(0, -2, 2, 5), SHIFT_SAME, "0% [-2, 2]: same");
	is_int(stats_shift_judge(0, -8, 8, 5), SHIFT_INCONCLUSIVE,
	       "0% [-8, 8]: inconclusive, never 'no change'");
	is_int(stats_shift_judge(6, -1, 12, 5), SHIFT_INCONCLUSIVE,
	       "6% [-1, 12]: 0 inside, inconclusive");
	ok(!strcmp(stats_shift_verdict_name(SHIFT_INCONCLUSIVE),
		   "inconclusive") &&
	       !strcmp(stats_shift_verdict_name(SHIFT_SLOWER), "slower"),
	   "verdict names");
}

/* splitmix64: a seeded, portable stream. */
static uint64_t rng_state;

static double uniform(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	z ^= z >> 31;
	return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(void)
{
	return sqrt(-2 * log(uniform())) * cos(2 * M_PI * uniform());
}

/* A TCG-like boot: 11 s or 12 s (udev settle snaps to the RTC's second;
 * modes 9% apart, 50/50), 1% Gaussian, one pass in 50 stalled 2-10x.
 */
static double boot(double factor)
{
	double t = (uniform() < 0.5 ? 11000 : 12000) * (1 + 0.01 * gauss());

	if (uniform() < 0.02)
		t *= 2 + 8 * uniform();
	return t * factor;
}

struct sim {
	size_t covered, slower, faster, same, inconclusive;
};

static void simulate(struct sim *out, size_t trials, size_t n, double shift,
		     double alpha, double threshold)
{
	double a[64], b[64];
	struct stats_shift s;

	*out = (struct sim){0};
	for (size_t t = 0; t < trials; t++) {
		for (size_t i = 0; i < n; i++)
			a[i] = boot(1);
		for (size_t i = 0; i < n; i++)
			b[i] = boot(1 + shift / 100);
		if (stats_shift(&s, a, n, b, n, alpha, threshold) == -1)
			continue;
		out->covered += s.lo <= shift && shift <= s.hi;
		out->slower += s.verdict == SHIFT_SLOWER;
		out->faster += s.verdict == SHIFT_FASTER;
		out->same += s.verdict == SHIFT_SAME;
		out->inconclusive += s.verdict == SHIFT_INCONCLUSIVE;
	}
}

/* The interval's coverage holds under bimodal noise with stalls: the
 * shift model holds (both sides draw from one mixture), and the rank
 * interval needs nothing else.  2000 trials each, seed 20261207.
 */
static void test_simulated(void)
{
	struct sim s;

	rng_state = 20261207;
	simulate(&s, 2000, 10, 0, 0.05, 5);
	tap_diag("A/A, 10 passes a side, bimodal + stalls, 2000 trials: "
		 "covered %zu, slower %zu, faster %zu, same %zu, "
		 "inconclusive %zu",
		 s.covered, s.slower, s.faster, s.same, s.inconclusive);
	ok(s.covered >= 1880,
	   "A/A: the 95%% interval covers 0 in >= 94%% "
	   "of 2000 trials (%zu)",
	   s.covered);
	ok(s.slower + s.faster <= 100,
	   "A/A: slower or faster in <= alpha = 5%% of 2000 trials (%zu)",
	   s.slower + s.faster);
	simulate(&s, 2000, 10, 0, 0.01, 5);
	tap_diag("A/A at alpha 0.01: covered %zu, slower %zu, faster %zu",
		 s.covered, s.slower, s.faster);
	ok(s.slower + s.faster <= 20,
	   "A/A at alpha 0.01: slower or faster in <= 1%% of 2000 trials "
	   "(%zu)",
	   s.slower + s.faster);

	simulate(&s, 2000, 10, 5, 0.05, 2);
	tap_diag("+5%%, 10 passes a side, threshold 2%%, 2000 trials: "
		 "covered %zu, slower %zu, faster %zu, same %zu, "
		 "inconclusive %zu",
		 s.covered, s.slower, s.faster, s.same, s.inconclusive);
	ok(s.covered >= 1880, "+5%%: the interval covers 5%% in >= 94%% (%zu)",
	   s.covered);
	ok(s.faster == 0 && s.same == 0,
	   "+5%%: never faster, never 'the same' (%zu, %zu)", s.faster, s.same);

	simulate(&s, 2000, 30, 10, 0.05, 2);
	tap_diag("+10%%, 30 passes a side, 2000 trials: slower %zu, "
		 "inconclusive %zu",
		 s.slower, s.inconclusive);
	ok(s.slower >= 1900, "+10%%, 30 passes a side: slower in >= 95%% (%zu)",
	   s.slower);
}

int main(void)
{
	test_quantile();
	test_ranks();
	test_worked();
	test_judge();
	/* Under valgrind (make check-valgrind) the code paths are the
	 * worked examples' already; 10,000 trials would take minutes.
	 */
	const char *wrapper = getenv("BOOTPERF_WRAPPER");

	if (wrapper && *wrapper)
		tap_diag("under %s: simulations skipped", wrapper);
	else
		test_simulated();
	return tap_done();
}
