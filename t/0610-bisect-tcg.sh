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

# Welch with 3 passes tells 8 s apart in TCG's noise (0.5 s on a quiet
# machine, up to 1.7 s per boot on a busy one: 11 to 16 s a boot); two
# passes a step are enough for the sequential test at that size (no pass
# weighs more than half a bound, so --min-runs 1 still takes two).  Boots:
# 1 warm-up and 3 passes an endpoint, 1 and 2 a step, 2 steps: 14 boots on
# a quiet machine.  The endpoints' looks are the noise's to decide: on a
# busy one (passes spread 12-24 s) they took 7-9 passes each, 29 boots in
# all; --max-runs (10) bounds them.  The steps are where bisect must be
# frugal: an 8 s step is decided in a few passes, never by the midpoint.
test_expect_success 'bisect names the slow commit of the demo tree' '
	DEMO_DIR="$TEST_DIR/demo" "$srcdir/examples/bisect.sh" "$BOOTPERF" \
		--accel tcg --runs 3 --test welch --min-runs 1 --json \
		>out.json 2>err.txt &&
	repo="$TEST_DIR/demo/qemu" &&
	test "$(json out.json "\$j->{outcome}")" = found &&
	test "$(json out.json "\$j->{culprit}{commit}")" = \
		"$(git -C "$repo" rev-parse HEAD~2)" &&
	test "$(json out.json "\$j->{culprit}{subject}")" = \
		"Load firmware through a slow path"
'

# The culprit's change rests on 2 passes of it and 2 of its parent: at
# 1.7 s a boot its error has an sd of 1.7 s, so 8 s +- 6 s (3.5 sd); the
# endpoints' difference (3 passes or more each) +- 4 s.
test_expect_success 'the change is about the planted 8 s; the steps took few boots' '
	within() { perl -e "exit !(abs(\$ARGV[0] - 8000) < \$ARGV[1])" "$@"; } &&
	within "$(json out.json "\$j->{culprit}{change_ms}")" 6000 &&
	within "$(json out.json "\$j->{endpoints}{bad}{statistics}{mean_ms} - \$j->{endpoints}{good}{statistics}{mean_ms}")" 4000 &&
	test "$(json out.json "scalar grep { \$_->{passes_now} > 4 || \$_->{by_midpoint} } @{\$j->{steps}}")" = 0 &&
	test "$(json out.json "\$j->{boots} <= 2 * 11 + 5 * @{\$j->{steps}} ? q(ok) : \$j->{boots}")" = ok &&
	test "$(json out.json "\$j->{endpoints}{good}{status}")" = ok
'

test_done
