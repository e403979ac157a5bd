#!/bin/bash
# examples/git-bisect-run.sh, git bisect run with custom terms (fast,
# slow) and bisect-run --good/--bad, names the planted commit of the demo
# tree.  Fast: the command runner sleeps 1/20 of the fake qemu's planted
# delay (0.4 s for the slow commits) instead of booting it.
# timed: the example must name the planted slow commit
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires git make

# demo-tree.sh wraps the real qemu, which this test never runs.
if ! command -v qemu-system-x86_64 >/dev/null; then
	mkdir bin && printf '#!/bin/sh\nexit 1\n' >bin/qemu-system-x86_64 &&
		chmod +x bin/qemu-system-x86_64 && PATH=$TEST_DIR/bin:$PATH
fi

# shellcheck disable=SC2034 # read by the test bodies
fast_runner=(--runner command --command 'sleep "$(sed -n "s/^DELAY=//p" {hv} | awk "{print \$1 / 20000}")"')

test_expect_success 'the example names the planted commit (fast runner)' '
	DEMO_DIR="$TEST_DIR/demo" "$srcdir/examples/git-bisect-run.sh" \
		"$BOOTPERF" "${fast_runner[@]}" >out 2>&1 &&
	cat out &&
	repo="$TEST_DIR/demo/qemu" && slow=$(git -C "$repo" rev-parse HEAD~2) &&
	test "$(git -C "$repo" log -1 --format=%s "$slow")" = \
		"Load firmware through a slow path" &&
	grep -q "^$slow is the first slow commit\$" out &&
	grep -q "^# first slow commit: \[$slow\] Load firmware through a slow path" out &&
	grep -q "^bootperf: endpoints: good .* (3 passes), bad .* (3 passes): bad is +[0-9.]*% (Welch" out &&
	grep -q "^bootperf: [0-9a-f]* Load firmware through a slow path: .*: bad (slow) (sequential test against" out
'

test_expect_success 'git bisect state is reset, the demo checkout clean' '
	repo="$TEST_DIR/demo/qemu" &&
	test ! -e "$repo/.git/BISECT_LOG" &&
	test -z "$(git -C "$repo" status --porcelain)"
'

test_done
