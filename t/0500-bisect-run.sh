#!/bin/bash
# git bisect run bootperf bisect-run names the planted slow commit, on
# 16-commit trees with the command runner (fast).
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016,SC2034,SC2154,SC2317 # SC2154: pick sets them; SC2317: koalaman/shellcheck#3183
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires git

bisect_run_opts=(--runner command --runs 3 --warmup 0
	--command 'sleep $(cat {worktree}/built)'
	--build 'test ! -e BROKEN && cp delay built')

# first_bad DIR: the commit git bisect named, as "commit N".
first_bad() {
	git -C "$1" log -1 --format=%s refs/bisect/bad
}

# commit_of DIR N: the full id of "commit N".
commit_of() {
	git -C "$1" log --all --format=%H --grep="^commit $2\$"
}

pick c16 2 16
test_expect_success "--threshold-ms, 16 commits, the slowdown at commit $c16" '
	make_tree t16 17 "$c16" &&
	git -C t16 bisect start HEAD HEAD~16 >/dev/null &&
	git -C t16 bisect run "$BOOTPERF" bisect-run "${bisect_run_opts[@]}" \
		--store "$PWD/s16" --threshold-ms 100 >run.log 2>&1 &&
	grep -q "is the first bad commit" run.log &&
	test "$(first_bad t16)" = "commit $c16" &&
	grep -q "bad (slow) (threshold 100.0ms)" run.log &&
	{ grep -q ": good (threshold 100.0ms)" run.log || [ "$c16" = 2 ]; }
'

pick c64 2 64
test_expect_success "64 commits, the slowdown planted at commit $c64" '
	make_tree t64 65 "$c64" &&
	git -C t64 bisect start HEAD HEAD~64 >/dev/null &&
	git -C t64 bisect run "$BOOTPERF" bisect-run "${bisect_run_opts[@]}" \
		--store "$PWD/s64" --threshold-ms 100 >run.log 2>&1 &&
	test "$(first_bad t64)" = "commit $c64"
'

test_expect_success 'across a merge: git names the side commit' '
	make_merge_tree tm &&
	git -C tm bisect start main main~7 >/dev/null &&
	git -C tm bisect run "$BOOTPERF" bisect-run --runner command --runs 3 \
		--warmup 0 --command "sleep \$(cat {worktree}/built)" \
		--build "cat delay* | awk \"{s += \\\$1} END {print s}\" >built" \
		--store "$PWD/sm" --threshold-ms 100 >run.log 2>&1 &&
	test "$(first_bad tm)" = "commit s2"
'

test_expect_success 'the user checkout is git bisect'"'"'s own: untouched' '
	test ! -e t16/built && git -C t16 status --porcelain >st &&
	test ! -s st
'

test_expect_success '--good and --bad: endpoints measured, midpoint decides' '
	make_tree g16 16 6 &&
	git -C g16 tag good HEAD~15 && git -C g16 tag bad HEAD &&
	git -C g16 bisect start bad good >/dev/null &&
	git -C g16 bisect run "$BOOTPERF" bisect-run "${bisect_run_opts[@]}" \
		--store "$PWD/sg" --good good --bad bad >run.log 2>&1 &&
	test "$(first_bad g16)" = "commit 6"
'

pick cb 3 16
test_expect_success "an unbuildable commit right before the culprit (commit $cb)" '
	make_tree b17 17 "$cb" $((cb - 1)) &&
	git -C b17 bisect start HEAD HEAD~16 >/dev/null &&
	! git -C b17 bisect run "$BOOTPERF" bisect-run "${bisect_run_opts[@]}" \
		--store "$PWD/sb" --threshold-ms 100 >run.log 2>&1 &&
	grep -q "^bootperf: [0-9a-f]* commit $((cb - 1)): build-failed, skip\$" run.log &&
	grep -q "^There are only .skip.ped commits left to test" run.log &&
	sed -n "/^The first bad commit could be any of:\$/,/^We cannot bisect more/p" run.log |
		sed "1d;\$d" | sort >cands &&
	{ commit_of b17 $((cb - 1)) && commit_of b17 "$cb"; } | sort >want &&
	test "$(wc -l <want)" = 2 && cmp want cands
'

test_expect_success 'custom terms: --term-old fast --term-new slow' '
	make_tree f16 16 4 &&
	git -C f16 bisect start --term-old fast --term-new slow HEAD HEAD~15 \
		>/dev/null &&
	git -C f16 bisect run "$BOOTPERF" bisect-run "${bisect_run_opts[@]}" \
		--store "$PWD/sf" --threshold-ms 100 >run.log 2>&1 &&
	test "$(git -C f16 log -1 --format=%s refs/bisect/slow)" = "commit 4"
'

test_expect_success '--in-place builds in the checked-out tree' '
	make_tree p16 16 13 &&
	git -C p16 bisect start HEAD HEAD~15 >/dev/null &&
	git -C p16 bisect run "$BOOTPERF" bisect-run "${bisect_run_opts[@]}" \
		--store "$PWD/sp" --threshold-ms 100 --in-place >run.log 2>&1 &&
	test "$(first_bad p16)" = "commit 13" && test -e p16/built
'

count_opts=(--runner command --runs 3 --warmup 0
	--command 'echo x >>"$BOOTPERF_WORKTREE/../../boots.log"; sleep $(cat {worktree}/built)'
	--build 'echo x >>../../builds.log; cp delay built')

test_expect_success 'stored results are reused: a second bisection boots nothing' '
	make_tree r16 16 7 &&
	for round in 1 2; do
		git -C r16 bisect start HEAD HEAD~15 >/dev/null &&
		git -C r16 bisect run "$BOOTPERF" bisect-run "${count_opts[@]}" \
			--store "$PWD/sr" --threshold-ms 100 >run$round.log 2>&1 &&
		test "$(first_bad r16)" = "commit 7" &&
		git -C r16 bisect reset >/dev/null 2>&1 &&
		wc -l <builds.log >builds.$round && wc -l <boots.log >boots.$round ||
		exit 1
	done &&
	test "$(cat builds.1)" -ge 4 && cmp builds.1 builds.2 && cmp boots.1 boots.2
'

test_expect_success 'exit codes: endpoints that do not differ, usage' '
	make_tree e3 3 99 &&
	expect_exit 128 bootperf bisect-run "${bisect_run_opts[@]}" \
		--repo e3 --store "$PWD/sx" --good HEAD~2 --bad HEAD~1 2>err &&
	grep -q "the endpoints do not differ" err &&
	expect_exit 129 bootperf bisect-run --repo e3 2>err &&
	grep -q "needs either --threshold-ms MS or both --good REV and --bad REV" err &&
	expect_exit 129 bootperf bisect-run --threshold-ms 10 --good a --bad b 2>err &&
	grep -q "does not go with" err &&
	expect_exit 129 bootperf bisect-run --threshold-ms x 2>err &&
	grep -q -- "--threshold-ms: .x. is not a number" err &&
	expect_exit 128 bootperf bisect-run --repo "$TEST_DIR" --threshold-ms 5 2>err &&
	grep -q "is not a git repository" err
'

test_done
