/* bootperf - the one pass scheduler: sessions (built commits, or
 * configurations) run their warm-ups, then their passes, in an order
 * that keeps a drift of the machine from weighing on one of them more
 * than on another.
 *
 * It knows nothing of boots, git or the store: each session brings its
 * own pass function, so a test can drive thousands of simulated passes
 * with a fake one, an injected clock and injected randomness.
 */
#include <stdint.h>
#include <stdlib.h>

#include "runner.h"

/* splitmix64: the default generator, from the schedule's seed. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct run {
	const struct schedule *sch;
	struct sched_session *s;
	size_t n;
	size_t *order;
	uint64_t state;
	bool stop; /* interrupted, or a failure under stop_on_failure */
};

static uint64_t draw(struct run *r)
{
	return r->sch->random ? r->sch->random(r->sch->arg)
			      : next_random(&r->state);
}

static double clock_now(const struct run *r)
{
	return r->sch->clock ? r->sch->clock(r->sch->arg) : now_monotonic();
}

/* Whether session s is still to run a pass (asked before each one). */
static bool wants(const struct sched_session *s)
{
	return !s->failed && s->done < s->passes &&
	       (!s->more || s->more(s->arg));
}

static void one(struct run *r, size_t k, bool warmup)
{
	struct sched_session *s = &r->s[k];
	long i = warmup ? s->warmed + 1 : s->done + 1;
	long n = warmup ? s->warmups : s->passes;
	struct sched_sample smp = {.session = k, .warmup = warmup, .i = i};

	smp.t = clock_now(r);
	if (s->pass(s->arg, warmup, i, n, &smp.ms, &s->st) == -1) {
		s->failed = true;
		if (s->st == SAMPLE_OK)
			s->st = SAMPLE_ERROR;
		if (s->st == SAMPLE_INTERRUPTED || r->sch->stop_on_failure)
			r->stop = true;
		return;
	}
	if (warmup)
		s->warmed++;
	else
		s->done++;
	if (r->sch->on_sample)
		r->sch->on_sample(r->sch->arg, &smp);
}

/* The order of round number round: forward, backward on odd rounds of
 * a balanced schedule (A B B A), shuffled afresh for rounds: position k
 * takes one of those from k on (a forward Fisher-Yates shuffle), so
 * that two sessions draw once a round and swap on an odd draw.
 */
static void round_order(struct run *r, long round)
{
	for (size_t k = 0; k < r->n; k++)
		r->order[k] = k;
	if (r->sch->order == SCHED_BALANCED && (round & 1))
		for (size_t k = 0; k < r->n; k++)
			r->order[k] = r->n - 1 - k;
	if (r->sch->order != SCHED_ROUNDS)
		return;
	for (size_t k = 0; k + 1 < r->n; k++) {
		size_t j = k + (size_t)(draw(r) % (r->n - k)), t = r->order[k];

		r->order[k] = r->order[j];
		r->order[j] = t;
	}
}

static bool any_wants(const struct run *r)
{
	for (size_t k = 0; k < r->n; k++)
		if (wants(&r->s[k]))
			return true;
	return false;
}

/* Each session's warm-ups, then all its passes, one after another. */
static void sequential(struct run *r)
{
	for (size_t k = 0; k < r->n && !r->stop; k++) {
		struct sched_session *s = &r->s[k];

		while (!r->stop && !s->failed && s->warmed < s->warmups &&
		       wants(s))
			one(r, k, true);
		while (!r->stop && wants(s))
			one(r, k, false);
	}
}

/* Warm-ups one of each in turn, in the sessions' order whatever the
 * schedule, then passes in rounds; a round that would have nothing to
 * run draws no order.
 */
static void in_turns(struct run *r)
{
	bool more = true;

	while (more && !r->stop) {
		more = false;
		for (size_t k = 0; k < r->n && !r->stop; k++) {
			struct sched_session *s = &r->s[k];

			if (s->failed || s->warmed >= s->warmups || !wants(s))
				continue;
			one(r, k, true);
			more = true;
		}
	}
	for (long round = 0; !r->stop && any_wants(r); round++) {
		round_order(r, round);
		for (size_t j = 0; j < r->n && !r->stop; j++)
			if (wants(&r->s[r->order[j]]))
				one(r, r->order[j], false);
	}
}

int schedule_run(const struct schedule *sch, struct sched_session *s, size_t n)
{
	struct run r = {.sch = sch, .s = s, .n = n, .state = sch->seed};

	for (size_t k = 0; k < n; k++) {
		s[k].warmed = s[k].done = 0;
		s[k].st = SAMPLE_OK;
		s[k].failed = false;
	}
	if (n == 0)
		return 0;
	r.order = bp_malloc(n * sizeof *r.order);
	if (sch->order == SCHED_SEQUENTIAL)
		sequential(&r);
	else
		in_turns(&r);
	free(r.order);
	return r.stop ? -1 : 0;
}

int sched_runner_pass(void *arg, bool warmup, long i, long n, double *ms,
		      enum sample_status *st)
{
	return runner_session_sample(arg, warmup, i, n, ms, st);
}
