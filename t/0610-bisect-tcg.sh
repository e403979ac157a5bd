#!/bin/bash
# bootperf bisect with real TCG boots on the demo tree: the commit that
# made the boot 8 s slower is named, with few boots.
# timed: bisect must name and size the planted 8 s among real boots
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires_boots
requires git make

# The defaults' tests, on fewer passes: the endpoints by Mann-Whitney
# (robust to a stalled pass, where Welch's variance is not: with a CPU
# hog beside it, Welch could not tell 12 s from 20 s on 10 passes each),
# which at --runs 3 first looks after 6 passes each (the fewest that
# reach --alpha over the 3 looks); two passes a step are enough for the
# sequential test at that size (no pass weighs more than half a bound,
# so --min-runs 1 still takes two); the culprit verified on 8 passes
# each (its 99% interval then allows 7 crossed pairs of 64: a few
# stalls).  Boots: 1 warm-up and 6 passes an endpoint, 1 and 2 a step,
# 2 steps, 8 pairs and 2 warm-ups to verify: about 38 on a quiet
# machine.  The
# endpoints' looks are the noise's to decide; --max-runs (10) bounds
# them.  The steps are where bisect must be frugal: an 8 s step is
# decided in a few passes, never by the midpoint.
test_expect_success 'bisect names the slow commit of the demo tree' '
	DEMO_DIR="$TEST_DIR/demo" "$srcdir/examples/bisect.sh" "$BOOTPERF" \
		--accel tcg --runs 3 --min-runs 1 --verify-runs 8 --json \
		>out.json 2>err.txt &&
	repo="$TEST_DIR/demo/qemu" &&
	json out.json "join q( ), q(outcome:), \$j->{outcome}, q(culprit:), \$j->{culprit}{subject} // q(-), q(boots:), \$j->{boots}, map { qq(step \$_->{subject}: \$_->{verdict} \$_->{passes_now} passes, mean \$_->{statistics}{mean_ms}) } @{\$j->{steps}}" &&
	test "$(json out.json "\$j->{outcome}")" = found &&
	test "$(json out.json "\$j->{culprit}{verification}{confirmed} ? 1 : 0")" = 1 &&
	test "$(json out.json "\$j->{culprit}{commit}")" = \
		"$(git -C "$repo" rev-parse HEAD~2)" &&
	test "$(json out.json "\$j->{culprit}{subject}")" = \
		"Load firmware through a slow path"
'

# The culprit's change rests on its 8 pairs with its baseline (the
# verification's): at 1.7 s a boot, 8 s +- 6 s is over 6 sd; the endpoints'
# difference (6 passes or more each) +- 4 s.
test_expect_success 'the change is about the planted 8 s; the steps took few boots' '
	within() { perl -e "exit !(abs(\$ARGV[0] - 8000) < \$ARGV[1])" "$@"; } &&
	within "$(json out.json "\$j->{culprit}{change_ms}")" 6000 &&
	within "$(json out.json "\$j->{endpoints}{bad}{statistics}{mean_ms} - \$j->{endpoints}{good}{statistics}{mean_ms}")" 4000 &&
	test "$(json out.json "scalar grep { \$_->{passes_now} > 4 || \$_->{by_midpoint} } @{\$j->{steps}}")" = 0 &&
	test "$(json out.json "\$j->{boots} <= 2 * 11 + 5 * @{\$j->{steps}} + 2 * 9 ? q(ok) : \$j->{boots}")" = ok &&
	test "$(json out.json "\$j->{endpoints}{good}{status}")" = ok
'

test_done
