/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the pass scheduler (runner/schedule.c) against a fake
 * runner: no VM, no git, no store.  The clock is virtual (each pass
 * advances it by the pass's length) and the randomness is injected, so
 * thousands of passes take milliseconds.
 */
#include <string.h>

#include "runner.h"
#include "tap.h"

#define MAX_EVENTS 20000

/* What the fake runner saw, in order: "A" a pass of session 0, "a" a
 * warm-up of it, "B"/"b" session 1, and so on.
 */
struct trace {
	char ev[MAX_EVENTS + 1];
	size_t n;
	double now; /* the virtual clock */
	double t[MAX_EVENTS];
	size_t samples;
};

struct fake {
	struct trace *tr;
	char name;
	double ms;	       /* each pass lasts this long */
	long fail_at;	       /* the pass that fails (0: none) */
	enum sample_status st; /* how it fails */
	long enough_after;     /* more() is false after this many (0: never) */
	long passes;	       /* counted by the fake */
};

static int fake_pass(void *arg, bool warmup, long i, long n, double *ms,
		     enum sample_status *st)
{
	struct fake *f = arg;

	(void)n;
	if (!warmup && i == f->fail_at) {
		*st = f->st;
		return -1;
	}
	if (f->tr->n < MAX_EVENTS)
		f->tr->ev[f->tr->n++] = warmup ? (char)(f->name + 32) : f->name;
	f->tr->now += f->ms;
	*ms = f->ms;
	if (!warmup)
		f->passes++;
	return 0;
}

static bool fake_more(void *arg)
{
	const struct fake *f = arg;

	return !f->enough_after || f->passes < f->enough_after;
}

static double fake_clock(void *arg)
{
	return ((struct trace *)arg)->now;
}

static void on_sample(void *arg, const struct sched_sample *smp)
{
	struct trace *tr = arg;

	if (tr->samples < MAX_EVENTS)
		tr->t[tr->samples] = smp->t;
	tr->samples++;
}

/* n fake sessions of w warm-ups and p passes each. */
static void setup(struct sched_session *s, struct fake *f, size_t n,
		  struct trace *tr, long w, long p)
{
	memset(tr, 0, sizeof *tr);
	for (size_t k = 0; k < n; k++) {
		f[k] = (struct fake){
		    .tr = tr, .name = (char)('A' + k), .ms = 100 + (double)k};
		s[k] = (struct sched_session){.warmups = w,
					      .passes = p,
					      .pass = fake_pass,
					      .more = fake_more,
					      .arg = &f[k]};
	}
}

static struct schedule sched(enum sched_order order, struct trace *tr)
{
	return (struct schedule){.order = order,
				 .clock = fake_clock,
				 .on_sample = on_sample,
				 .arg = tr,
				 .seed = 1};
}

static void test_orders(void)
{
	struct sched_session s[3];
	struct fake f[3];
	struct trace tr;
	struct schedule sc;

	setup(s, f, 2, &tr, 2, 3);
	sc = sched(SCHED_SEQUENTIAL, &tr);
	is_int(schedule_run(&sc, s, 2), 0, "sequential: runs");
	ok(!strcmp(tr.ev, "aaAAAbbBBB"), "sequential: %s", tr.ev);
	is_int((int)s[0].done, 3, "sequential: A took its 3 passes");
	is_int((int)s[1].warmed, 2, "sequential: B its 2 warm-ups");

	setup(s, f, 2, &tr, 2, 3);
	sc = sched(SCHED_ALTERNATE, &tr);
	schedule_run(&sc, s, 2);
	ok(!strcmp(tr.ev, "ababABABAB"), "alternate: %s", tr.ev);

	setup(s, f, 2, &tr, 1, 4);
	sc = sched(SCHED_BALANCED, &tr);
	schedule_run(&sc, s, 2);
	ok(!strcmp(tr.ev, "abABBAABBA"), "balanced A B B A: %s", tr.ev);

	setup(s, f, 3, &tr, 0, 2);
	sc = sched(SCHED_BALANCED, &tr);
	schedule_run(&sc, s, 3);
	ok(!strcmp(tr.ev, "ABCCBA"), "balanced, three: %s", tr.ev);

	/* A session with fewer passes drops out; the others go on. */
	setup(s, f, 2, &tr, 0, 4);
	s[0].passes = 2;
	sc = sched(SCHED_ALTERNATE, &tr);
	schedule_run(&sc, s, 2);
	ok(!strcmp(tr.ev, "ABABBB"), "alternate, A wants 2: %s", tr.ev);
}

/* Each round is a permutation of the sessions; over many rounds each
 * comes first about equally often.
 */
static void test_rounds(void)
{
	static struct trace tr;
	struct sched_session s[3];
	struct fake f[3];
	struct schedule sc;
	size_t first[3] = {0}, rounds = 3000;
	bool perms = true;

	setup(s, f, 3, &tr, 0, (long)rounds);
	sc = sched(SCHED_ROUNDS, &tr);
	sc.seed = 42;
	is_int(schedule_run(&sc, s, 3), 0, "rounds: 3 sessions, 3000 rounds");
	is_size(tr.n, 3 * rounds, "rounds: every pass taken");
	for (size_t r = 0; r < rounds; r++) {
		const char *e = tr.ev + 3 * r;

		perms &= e[0] != e[1] && e[1] != e[2] && e[0] != e[2];
		first[e[0] - 'A']++;
	}
	ok(perms, "rounds: each round has every session once");
	for (int k = 0; k < 3; k++)
		ok(first[k] > 850 && first[k] < 1150,
		   "rounds: session %c first in %zu of %zu rounds (about a "
		   "third)",
		   'A' + k, first[k], rounds);
}

/* The same seed gives the same order; another seed another one. */
static void test_seed(void)
{
	static struct trace t1, t2;
	struct sched_session s[3];
	struct fake f[3];
	struct schedule sc;
	static char one[MAX_EVENTS + 1];

	setup(s, f, 3, &t1, 0, 10);
	sc = sched(SCHED_ROUNDS, &t1);
	sc.seed = 7;
	schedule_run(&sc, s, 3);
	snprintf(one, sizeof one, "%s", t1.ev);
	setup(s, f, 3, &t2, 0, 10);
	sc = sched(SCHED_ROUNDS, &t2);
	sc.seed = 7;
	schedule_run(&sc, s, 3);
	ok(!strcmp(one, t2.ev), "rounds: the same seed, the same order");
	setup(s, f, 3, &t2, 0, 10);
	sc = sched(SCHED_ROUNDS, &t2);
	sc.seed = 8;
	schedule_run(&sc, s, 3);
	ok(strcmp(one, t2.ev) != 0, "rounds: another seed, another order");
}

static uint64_t always_one(void *arg)
{
	(void)arg;
	return 1;
}

/* Injected randomness: always 1 takes, at each position, the next one
 * along (a forward Fisher-Yates shuffle), so every round is B C A.
 */
static void test_injected_random(void)
{
	struct sched_session s[3];
	struct fake f[3];
	struct trace tr;
	struct schedule sc;

	setup(s, f, 3, &tr, 0, 2);
	sc = sched(SCHED_ROUNDS, &tr);
	sc.random = always_one;
	schedule_run(&sc, s, 3);
	ok(!strcmp(tr.ev, "BCABCA"), "rounds: injected randomness: %s", tr.ev);
}

/* range --interleave random: two sessions draw once a pass round, none
 * for warm-ups (in the sessions' order) nor after the last round, and B
 * goes first on an odd draw: the order a run's seed recorded before
 * the scheduler stays the order it gives.
 */
struct draws {
	const uint64_t *v;
	size_t n, used;
};

static uint64_t next_draw(void *arg)
{
	struct draws *d = arg;

	return d->used < d->n ? d->v[d->used++] : 0;
}

static double no_clock(void *arg)
{
	(void)arg;
	return 0;
}

static void test_pair_rounds(void)
{
	static const uint64_t v[] = {1, 0, 2, 7, 5, 9, 9};
	struct draws d = {v, 7, 0};
	struct sched_session s[2];
	struct fake f[2];
	struct trace tr;
	struct schedule sc = {.order = SCHED_ROUNDS,
			      .random = next_draw,
			      .clock = no_clock,
			      .arg = &d};

	setup(s, f, 2, &tr, 2, 5);
	schedule_run(&sc, s, 2);
	ok(!strcmp(tr.ev, "ababBAABABBABA"),
	   "rounds of two: warm-ups in order, B first on an odd draw: %s",
	   tr.ev);
	is_size(d.used, 5, "rounds of two: one draw a pass round, no more");
}

static void test_goal(void)
{
	struct sched_session s[2];
	struct fake f[2];
	struct trace tr;
	struct schedule sc;

	setup(s, f, 2, &tr, 1, 10);
	f[0].enough_after = 2;
	sc = sched(SCHED_ALTERNATE, &tr);
	schedule_run(&sc, s, 2);
	is_int((int)s[0].done, 2, "goal: A stops when more() says enough");
	is_int((int)s[1].done, 10, "goal: B takes its 10 passes");
	ok(!strcmp(tr.ev, "abABABBBBBBBBB"), "goal: %s", tr.ev);

	/* Enough before it starts: no warm-up either. */
	setup(s, f, 2, &tr, 2, 3);
	f[1].enough_after = -1;
	f[1].passes = 0;
	s[1].more = NULL;
	s[1].passes = 0;
	schedule_run(&sc, s, 2);
	ok(!strcmp(tr.ev, "aaAAA"),
	   "goal: a session with nothing to do is "
	   "not warmed up: %s",
	   tr.ev);
}

static void test_failures(void)
{
	struct sched_session s[2];
	struct fake f[2];
	struct trace tr;
	struct schedule sc;

	setup(s, f, 2, &tr, 0, 4);
	f[0].fail_at = 2;
	f[0].st = SAMPLE_FAILED;
	sc = sched(SCHED_ALTERNATE, &tr);
	is_int(schedule_run(&sc, s, 2), 0, "a failed pass: the others go on");
	ok(s[0].failed && s[0].st == SAMPLE_FAILED,
	   "a failed pass: A's part ends, boot-failed");
	is_int((int)s[0].done, 1, "a failed pass: A took 1 pass");
	is_int((int)s[1].done, 4, "a failed pass: B took its 4");

	setup(s, f, 2, &tr, 0, 4);
	f[0].fail_at = 2;
	f[0].st = SAMPLE_TIMEOUT;
	sc.stop_on_failure = true;
	is_int(schedule_run(&sc, s, 2), -1, "stop_on_failure: -1");
	ok(!strcmp(tr.ev, "AB"), "stop_on_failure: nothing after it: %s",
	   tr.ev);

	setup(s, f, 2, &tr, 0, 4);
	f[1].fail_at = 1;
	f[1].st = SAMPLE_INTERRUPTED;
	sc.stop_on_failure = false;
	is_int(schedule_run(&sc, s, 2), -1, "an interruption stops all");
	ok(!strcmp(tr.ev, "A"), "an interruption: nothing after it: %s", tr.ev);
}

/* Every sample reaches on_sample stamped with the injected clock, and
 * 20,000 simulated passes are quick (the time is a diagnostic).
 */
static void test_clock(void)
{
	static struct trace tr;
	struct sched_session s[2];
	struct fake f[2];
	struct schedule sc;
	bool stamped = true;
	double t0 = now_monotonic();

	setup(s, f, 2, &tr, 0, 10000);
	sc = sched(SCHED_BALANCED, &tr);
	schedule_run(&sc, s, 2);
	is_size(tr.samples, 20000, "clock: every sample reached on_sample");
	for (size_t i = 1; i < MAX_EVENTS; i++)
		stamped &= tr.t[i] > tr.t[i - 1];
	ok(stamped && tr.t[0] == 0, "clock: samples stamped by the injected "
				    "clock, in order");
	is_double(tr.now, 10000 * 100.0 + 10000 * 101.0, 1e-6,
		  "clock: virtual time is the sum of the passes");
	tap_diag("20,000 simulated passes took %.3f s", now_monotonic() - t0);
}

int main(void)
{
	test_orders();
	test_rounds();
	test_seed();
	test_injected_random();
	test_pair_rounds();
	test_goal();
	test_failures();
	test_clock();
	return tap_done();
}
