#!/bin/bash
# bootperf bisect with real TCG boots on the demo tree: the commit that
# made the boot 8 s slower is named, with few boots.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires_boots
requires git make

# Welch with 3 passes tells 8 s apart in TCG's noise (~0.5 s); two passes
# a step are enough for the sequential test at that size (no pass weighs
# more than half a bound, so --min-runs 1 still takes two).
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

test_expect_success 'the change is about the planted 8 s, with few boots' '
	perl -e "exit !(\$ARGV[0] > 6000 && \$ARGV[0] < 10000)" \
		"$(json out.json "\$j->{culprit}{change_ms}")" &&
	test "$(json out.json "\$j->{boots}")" -le 18 &&
	test "$(json out.json "\$j->{endpoints}{good}{status}")" = ok
'

test_done
