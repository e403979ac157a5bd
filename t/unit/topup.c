/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the top-up policy (common/topup.c): when stored passes
 * may be added to, how a session's passes join them, and what the
 * store keeps when added passes fail.  No store, no runner.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "tap.h"

static void measured(struct commit_result *r, const double *ms, size_t n)
{
	memset(r, 0, sizeof *r);
	r->status = COMMIT_OK;
	for (size_t i = 0; i < n; i++)
		bench_result_push(&r->bench.sample_ms, &r->bench.n_samples,
				  ms[i]);
	r->bench.env.accel = bp_strdup("tcg");
	r->bench.env.hv_version = bp_strdup("QEMU 7.2");
	r->bench.env.host_name = bp_strdup("a");
	stats_summarize(&r->bench.summary, r->bench.sample_ms,
			r->bench.n_samples);
}

static void test_can_add(void)
{
	static const double ms[] = {100, 110, 120};
	struct commit_result r;
	char tcg[] = "tcg", kvm[] = "kvm", q72[] = "QEMU 7.2",
	     q80[] = "QEMU 8.0", a[] = "a";
	struct bench_env now = {
	    .accel = tcg, .hv_version = q72, .host_name = a};

	measured(&r, ms, 3);
	ok(topup_can_add(&r, &now), "measured alike: passes may be added");
	now.accel = kvm;
	ok(!topup_can_add(&r, &now), "another accelerator: start over");
	now.accel = tcg;
	now.hv_version = q80;
	ok(!topup_can_add(&r, &now), "another qemu version: start over");
	now.hv_version = q72;
	now.host_name = NULL;
	ok(!topup_can_add(&r, &now), "another host (or none): start over");
	now.host_name = a;
	r.status = COMMIT_BOOT_FAILED;
	ok(!topup_can_add(&r, &now), "a failed result: start over");
	r.status = COMMIT_OK;
	r.bench.n_samples = 0;
	ok(!topup_can_add(&r, &now), "no passes: start over");
	r.bench.n_samples = 3;
	commit_result_free(&r);
}

static void test_merge(void)
{
	static const double ms[] = {100, 110, 120, 130};
	struct commit_result r;
	struct bench_result now = {0};

	measured(&r, ms, 4);
	bench_result_push(&now.warmup_ms, &now.n_warmup, 500);
	now.env.accel = bp_strdup("kvm");
	now.message = bp_strdup("pass 2 of 3: boot-failed");
	now.status = SAMPLE_FAILED;
	now.elapsed_s = 2;
	r.bench.elapsed_s = 3;
	topup_merge(&r, &now, false);
	is_size(r.bench.n_warmup, 1, "merge: the session's warm-ups join");
	ok(!strcmp(r.bench.env.accel, "tcg"),
	   "merge, not fresh: the stored environment stays");
	ok(r.bench.status == SAMPLE_FAILED && now.message == NULL &&
	       !strcmp(r.bench.message, "pass 2 of 3: boot-failed"),
	   "merge: how the session ended, its message moved");
	is_double(r.bench.elapsed_s, 5, 1e-9, "merge: the time adds up");
	is_double(r.bench.summary.mean, 115, 1e-9,
		  "merge: the summary is of every pass");
	bench_result_free(&now);

	memset(&now, 0, sizeof now);
	now.env.accel = bp_strdup("kvm");
	now.started = 42;
	topup_drop(&r);
	is_size(r.bench.n_samples, 0, "drop: no passes left");
	ok(r.message == NULL, "drop: no message");
	topup_merge(&r, &now, true);
	ok(!strcmp(r.bench.env.accel, "kvm") && now.env.accel == NULL,
	   "merge, fresh: the session's environment moves over");
	is_double(r.bench.started, 42, 0, "merge, fresh: its start too");
	bench_result_free(&now);
	commit_result_free(&r);
}

static bool two_are_enough(void *arg, const struct commit_result *res)
{
	(*(int *)arg)++;
	return res->bench.n_samples >= 2;
}

static void test_wants_more(void)
{
	static const double ms[] = {100, 110, 120};
	struct commit_result r;
	int asked = 0;

	measured(&r, ms, 1);
	ok(topup_wants_more(&r, 3, NULL, NULL), "1 of 3: more");
	r.bench.n_samples = 3;
	ok(!topup_wants_more(&r, 3, NULL, NULL), "3 of 3: enough");
	r.bench.n_samples = 2;
	ok(!topup_wants_more(&r, 5, two_are_enough, &asked),
	   "the goal says enough before want");
	r.bench.n_samples = 0;
	asked = 0;
	ok(topup_wants_more(&r, 5, two_are_enough, &asked) && asked == 0,
	   "no pass yet: the goal is not asked");
	r.bench.n_samples = 1;
	commit_result_free(&r);
}

static void test_kept(void)
{
	static const double ms[] = {100, 110};
	struct commit_result r, kept;

	measured(&r, ms, 2);
	r.status = COMMIT_BOOT_FAILED;
	r.message = bp_strdup("pass 3 of 4: boot-failed");
	r.bench.status = SAMPLE_FAILED;
	r.bench.message = bp_strdup("boot-failed");
	kept = topup_kept(&r);
	ok(kept.status == COMMIT_OK && kept.message == NULL &&
	       kept.bench.status == SAMPLE_OK && kept.bench.message == NULL,
	   "kept: stored as measured, with no message");
	is_size(kept.bench.n_samples, 2, "kept: with the passes it has");
	ok(r.status == COMMIT_BOOT_FAILED && r.bench.status == SAMPLE_FAILED &&
	       r.message && r.bench.message,
	   "kept: the result itself still says it failed");
	commit_result_free(&r);
}

/* bisect's pairs: the passes of each from where they start, kept with
 * the partner's id; another partner starts them again; dropped passes
 * take them along.
 */
static void test_pairs(void)
{
	static const double a_ms[] = {100, 110, 120, 130};
	static const double b_ms[] = {200, 210, 220};
	struct commit_result a, b;

	measured(&a, a_ms, 4);
	measured(&b, b_ms, 3);
	b.commit_id = bp_strdup("bbbb");
	is_size(commit_pairs_with(&a, "bbbb"), 0, "pairs: none at first");
	ok(commit_pairs_add(&a, &b, 2, 1, 2) == 0, "pairs: add 2");
	ok(a.n_pair_own == 2 && a.pair_own_ms[0] == 120 &&
	       a.pair_own_ms[1] == 130 && a.n_pair == 2 &&
	       a.pair_ms[0] == 210 && a.pair_ms[1] == 220,
	   "pairs: the passes of each from where they start");
	is_size(commit_pairs_with(&a, "bbbb"), 2, "pairs: 2 with bbbb");
	is_size(commit_pairs_with(&a, "cccc"), 0, "pairs: none with another");
	ok(commit_pairs_add(&a, &b, 0, 0, 1) == 0 && a.n_pair_own == 3 &&
	       a.n_pair == 3 && a.pair_own_ms[2] == 100 && a.pair_ms[2] == 200,
	   "pairs: more are added to them");
	ok(commit_pairs_add(&a, &b, 3, 2, 5) == 0 && a.n_pair_own == 3 &&
	       a.n_pair == 3,
	   "pairs: none past the passes there are");
	a.n_pair_own = 2;
	is_size(commit_pairs_with(&a, "bbbb"), 2, "pairs: the fewer side");
	ok(commit_pairs_add(&a, &b, 3, 2, 1) == 0 && a.n_pair_own == 3 &&
	       a.n_pair == 3 && a.pair_own_ms[2] == 130 && a.pair_ms[2] == 220,
	   "pairs: a side with more loses them, so that new ones line up");
	free(b.commit_id);
	b.commit_id = bp_strdup("cccc");
	ok(commit_pairs_add(&a, &b, 3, 2, 1) == 0 && a.n_pair_own == 1 &&
	       a.pair_own_ms[0] == 130 && a.pair_ms[0] == 220 &&
	       !strcmp(a.pair_commit, "cccc"),
	   "pairs: another partner starts them again");
	topup_drop(&a);
	ok(a.pair_commit == NULL && a.n_pair == 0 && a.n_pair_own == 0,
	   "pairs: dropped with the passes");
	commit_result_free(&a);
	commit_result_free(&b);
}

int main(void)
{
	test_can_add();
	test_merge();
	test_wants_more();
	test_kept();
	test_pairs();
	return tap_done();
}
