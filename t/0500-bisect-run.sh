#!/bin/bash
# git bisect run bootperf bisect-run names the planted slow commit, on
# 16- and 64-commit trees with the command runner (fast): against
# --threshold-ms, or against --good and --bad with the sequential test.
# timed: git bisect run must name the planted slow commit
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016,SC2034,SC2154,SC2317 # SC2154: pick sets them; SC2317: koalaman/shellcheck#3183
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires git
# Under valgrind this test would take over 2 minutes alone; the paths
# only it reaches there (bisect-run's sequential verdict and its JSON:
# about 110 lines) run under ASan and UBSan.
[ -z "${BOOTPERF_WRAPPER:-}" ] || skip_all "timed, 2 min alone under valgrind; run under ASan and UBSan"

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

# verdicts LOG: bisect-run's verdict lines (one per commit tested).
verdicts() {
	grep -c "^bootperf: [0-9a-f]\{12\} commit " "$1"
}

# passes LOG: the passes of all verdict lines, added up.
passes() {
	sed -n "s/^bootperf: [0-9a-f]\{12\} commit .* over \([0-9]*\) pass.*/\1/p" "$1" |
		awk "{s += \$1} END {print s + 0}"
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

pick cg 2 16
test_expect_success "--good and --bad: the sequential test names commit $cg" '
	make_tree g16 17 "$cg" &&
	git -C g16 tag good HEAD~16 && git -C g16 tag bad HEAD &&
	git -C g16 bisect start bad good >/dev/null &&
	git -C g16 bisect run "$BOOTPERF" bisect-run "${bisect_run_opts[@]}" \
		--store "$PWD/sg" --good good --bad bad >run.log 2>&1 &&
	test "$(first_bad g16)" = "commit $cg" &&
	test "$(grep -c ": \(good\|bad (slow)\) (sequential test against good [0-9.]*ms and bad [0-9.]*ms)\$" run.log)" = "$(verdicts run.log)" &&
	! grep -q threshold run.log
'

# Each look at the endpoints (7, 9 and 10 passes) is held to 0.01 / 3, which
# Mann-Whitney reaches with 7 passes a side: --runs 3 is topped up to 7.
test_expect_success 'the endpoints are topped up while they do not differ' '
	grep -q "^bootperf: endpoints: good [0-9a-f]* .*(7 passes), bad [0-9a-f]* .*(7 passes): bad is +[0-9.]*% (Mann-Whitney p<0.001)" run.log
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
	--command 'echo x >>"$TEST_DIR/boots.log"; sleep $(cat {worktree}/built)'
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

pick cq 2 16
test_expect_success "--in-place with --good/--bad: endpoints built in bootperf's worktree (commit $cq)" '
	make_tree q17 17 "$cq" && git -C q17 tag good HEAD~16 && git -C q17 tag bad HEAD &&
	git -C q17 bisect start bad good >/dev/null &&
	git -C q17 bisect run "$BOOTPERF" bisect-run --runner command --runs 5 \
		--warmup 0 --command "sleep \$(cat {worktree}/built)" \
		--build "pwd -P >>$PWD/where.log; cp delay built" --store "$PWD/sq" \
		--good good --bad bad --in-place >run.log 2>&1 &&
	test "$(first_bad q17)" = "commit $cq" &&
	store=$(cd sq && pwd -P) && tree=$(cd q17 && pwd -P) &&
	test "$(grep -c -x "$store/worktree" where.log)" = 1 &&
	test "$(grep -c -x "$store/worktree-2" where.log)" = 1 &&
	test "$(grep -c -x "$tree" where.log)" = "$(verdicts run.log)" &&
	test "$(wc -l <where.log)" = $(($(verdicts run.log) + 2))
'

# Builds and passes counted in builds.log and boots.log (count_opts).
pick cn 2 16
test_expect_success "--good/--bad: each endpoint built and booted once (commit $cn)" '
	rm -f builds.log boots.log &&
	make_tree n17 17 "$cn" && git -C n17 tag good HEAD~16 && git -C n17 tag bad HEAD &&
	git -C n17 bisect start bad good >/dev/null &&
	git -C n17 bisect run "$BOOTPERF" bisect-run "${count_opts[@]}" --runs 5 \
		--store "$PWD/sn" --good good --bad bad >run1.log 2>&1 &&
	test "$(first_bad n17)" = "commit $cn" &&
	git -C n17 bisect reset >/dev/null 2>&1 &&
	test "$(wc -l <builds.log)" = $(($(verdicts run1.log) + 2)) &&
	test "$(wc -l <boots.log)" = $(($(passes run1.log) + 12))
'

test_expect_success '--force measures the commit under test again, not the endpoints' '
	b=$(wc -l <builds.log) && p=$(wc -l <boots.log) &&
	git -C n17 bisect start bad good >/dev/null &&
	git -C n17 bisect run "$BOOTPERF" bisect-run "${count_opts[@]}" --runs 5 \
		--store "$PWD/sn" --good good --bad bad --force >run2.log 2>&1 &&
	test "$(first_bad n17)" = "commit $cn" &&
	git -C n17 bisect reset >/dev/null 2>&1 &&
	test "$(verdicts run2.log)" -ge 1 &&
	test "$(wc -l <builds.log)" = $((b + $(verdicts run2.log))) &&
	test "$(wc -l <boots.log)" = $((p + $(passes run2.log)))
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
	expect_exit 129 bootperf bisect-run --threshold-ms 0x10 2>err &&
	grep -q -- "--threshold-ms: .0x10. is not a number" err &&
	expect_exit 128 bootperf bisect-run --repo "$TEST_DIR" --threshold-ms 5 2>err &&
	grep -q "is not a git repository" err &&
	expect_exit 129 bootperf bisect-run --threshold-ms 5 --min-runs 3 2>err &&
	grep -q -- "--min-runs goes with --good and --bad" err &&
	expect_exit 129 bootperf bisect-run --good a --bad b --undecided maybe 2>err &&
	grep -q -- "--undecided: .maybe. is not one of skip, midpoint" err &&
	expect_exit 129 bootperf bisect-run --good a --bad b --max-runs 4 --runs 4 2>err &&
	grep -q -- "--max-runs 4: the Mann-Whitney test needs at least 5 passes" err &&
	expect_exit 129 bootperf bisect-run --good a --bad b --max-runs 4 2>err &&
	grep -q -- "--runs 10 is more than --max-runs 4" err &&
	expect_exit 129 bootperf bisect-run --good a --bad b --test t 2>err &&
	grep -q -- "--test: .t. is not one of mann-whitney, welch" err
'

test_expect_success 'good slower than bad: swapped? (exit 128 aborts git bisect)' '
	make_tree w5 5 3 &&
	expect_exit 128 bootperf bisect-run "${bisect_run_opts[@]}" --repo w5 \
		--store "$PWD/sw" --good HEAD --bad HEAD~4 >out 2>err &&
	grep -q "^bootperf: error: good .HEAD. is slower than bad .HEAD~4. (.*ms against .*ms, -[0-9.]*%): swapped?" err &&
	! grep -q "do not differ" err &&
	test "$(grep -c "^bootperf: error" err)" = 1 &&
	expect_exit 128 bootperf bisect-run "${bisect_run_opts[@]}" --repo w5 \
		--store "$PWD/sw" --good HEAD --bad HEAD~4 --json >out.json 2>/dev/null &&
	test "$(json out.json "\$j->{verdict}")" = abort &&
	test "$(json out.json "\$j->{exit_status}")" = 128 &&
	json out.json "\$j->{reason}" | grep -q "swapped?"
'

# Commit 4 fails to boot (NOBOOT), commit 5 boots for 30 s.
test_expect_success 'a boot that fails or times out: skip (exit 125)' '
	make_tree k3 3 3 &&
	touch k3/NOBOOT && git -C k3 add NOBOOT && git -C k3 commit -q -m "commit 4" &&
	git -C k3 rm -q NOBOOT && echo 30 >k3/delay &&
	git -C k3 commit -q -am "commit 5" &&
	k=(--runner command --runs 3 --warmup 0 --build "cp delay built"
		--command "test ! -e {worktree}/NOBOOT && sleep \$(cat {worktree}/built)"
		--store "$PWD/sk" --repo k3) &&
	git -C k3 checkout -q HEAD~1 &&
	expect_exit 125 bootperf bisect-run "${k[@]}" --threshold-ms 100 >out &&
	grep -q "^bootperf: [0-9a-f]* commit 4: boot-failed, skip\$" out &&
	expect_exit 125 bootperf bisect-run "${k[@]}" --good HEAD~3 \
		--bad HEAD~1 --json >out.json &&
	test "$(json out.json "\$j->{verdict}")" = skip &&
	test "$(json out.json "\$j->{status}")" = boot-failed &&
	git -C k3 checkout -q master &&
	expect_exit 125 bootperf bisect-run "${k[@]}" --timeout 0.5 \
		--threshold-ms 100 >out &&
	grep -q "^bootperf: [0-9a-f]* commit 5: timeout, skip\$" out
'

# The commit under test was measured with 3 passes; asked for 5, its
# 4th fails: skip, and the store keeps the 3.
test_expect_success 'a pass that fails while stored passes are topped up: skip, kept' '
	make_tree t3 3 4 &&
	t=(--runner command --warmup 0 --build "cp delay built"
		--command "test ! -e \"$TEST_DIR/fail-t3\" && sleep \$(cat {worktree}/built)"
		--store "$PWD/s-topup" --repo t3 --threshold-ms 100) &&
	expect_exit 0 bootperf bisect-run "${t[@]}" --runs 3 >out &&
	f=$(echo s-topup/results/*/"$(git -C t3 rev-parse HEAD)".json) &&
	test "$(json "$f" "scalar @{\$j->{bench}{samples_ms}}")" = 3 &&
	touch fail-t3 &&
	expect_exit 125 bootperf bisect-run "${t[@]}" --runs 5 >out 2>err &&
	cat out err &&
	grep -q "^bootperf: [0-9a-f]* commit 3: boot-failed, skip\$" out &&
	grep -q "warning: [0-9a-f]\{12\} keeps the 3 passes it has in the store" err &&
	test "$(json "$f" "\$j->{status}")" = ok &&
	test "$(json "$f" "scalar @{\$j->{bench}{samples_ms}}")" = 3 &&
	rm fail-t3 &&
	expect_exit 0 bootperf bisect-run "${t[@]}" --runs 5 >out &&
	test "$(json "$f" "scalar @{\$j->{bench}{samples_ms}}")" = 5
'

test_expect_success '--json: one verdict document on stdout' '
	make_tree j5 5 3 &&
	git -C j5 checkout -q HEAD~3 &&
	bootperf bisect-run "${bisect_run_opts[@]}" --repo j5 --store "$PWD/sj" \
		--threshold-ms 100 --json >t.json 2>err &&
	test ! -s err &&
	test "$(json t.json "\$j->{type}")" = bootperf-bisect-run &&
	test "$(json t.json "\$j->{commit}")" = "$(git -C j5 rev-parse HEAD)" &&
	test "$(json t.json "\$j->{verdict}")" = good &&
	test "$(json t.json "\$j->{exit_status}")" = 0 &&
	test "$(json t.json "\$j->{decided_by}")" = threshold &&
	test "$(json t.json "\$j->{threshold_ms}")" = 100 &&
	test "$(json t.json "\$j->{runs}")" = 3 &&
	test "$(json t.json "\$j->{statistics}{n}")" = 3 &&
	test "$(json t.json "\$j->{endpoints}")" = null &&
	json t.json "\$j->{reason}" | grep -q "is not above the threshold 100.0ms" &&
	git -C j5 checkout -q master &&
	expect_exit 1 bootperf bisect-run "${bisect_run_opts[@]}" --repo j5 \
		--store "$PWD/sj" --good HEAD~4 --bad HEAD~1 --json >e.json &&
	test "$(json e.json "\$j->{verdict}")" = bad &&
	test "$(json e.json "\$j->{decided_by}")" = sequential &&
	test "$(json e.json "\$j->{endpoints}{good}{commit}")" = "$(git -C j5 rev-parse HEAD~4)" &&
	test "$(json e.json "\$j->{endpoints}{bad}{statistics}{n}")" = 7 &&
	test "$(json e.json "\$j->{endpoints}{level} == 0.01 / 3 ? 1 : 0")" = 1 &&
	test "$(json e.json "\$j->{endpoints}{test}")" = mann-whitney &&
	test "$(json e.json "\$j->{endpoints}{p} < 0.01 ? 1 : 0")" = 1 &&
	test "$(json e.json "\$j->{runs} >= 2 && \$j->{runs} <= 10 ? 1 : 0")" = 1 &&
	test "$(json e.json "\$j->{llr} >= \$j->{endpoints}{sprt}{upper} ? 1 : 0")" = 1 &&
	test "$(json e.json "\$j->{min_runs} . \" \" . \$j->{max_runs}")" = "2 10"
'

test_expect_success '--test welch and --alpha change the endpoint test' '
	bootperf bisect-run "${bisect_run_opts[@]}" --repo j5 --store "$PWD/sj2" \
		--good HEAD~4 --bad HEAD~1 --test welch --json >w.json || test $? = 1 &&
	test "$(json w.json "\$j->{endpoints}{test}")" = welch &&
	test "$(json w.json "\$j->{endpoints}{good}{statistics}{n}")" = 3 &&
	bootperf bisect-run "${bisect_run_opts[@]}" --repo j5 --store "$PWD/sj3" \
		--good HEAD~4 --bad HEAD~1 --alpha 0.001 --json >a.json || test $? = 1 &&
	test "$(json a.json "\$j->{endpoints}{alpha}")" = 0.001 &&
	test "$(json a.json "\$j->{endpoints}{good}{statistics}{n}")" = 8
'

test_expect_success '--threshold: endpoints closer than that do not differ' '
	expect_exit 128 bootperf bisect-run "${bisect_run_opts[@]}" --repo j5 \
		--store "$PWD/sj4" --good HEAD~4 --bad HEAD~1 --threshold 5000 \
		>th.out 2>th.err &&
	grep -q "the endpoints do not differ: +[0-9.]*% with p=.*at least 5000% were asked" th.err &&
	expect_exit 129 bootperf bisect-run --good a --bad b --threshold -5 2>err &&
	grep -q -- "^bootperf: error: --threshold: .-5. is not a percentage of 0 or more" err &&
	expect_exit 129 bootperf bisect-run --threshold-ms 5 --threshold 3 2>err &&
	grep -q -- "--threshold goes with --good and --bad" err &&
	expect_exit 128 bootperf bisect-run "${bisect_run_opts[@]}" --repo j5 \
		--store "$PWD/sj5" --good HEAD~1 --bad "$(git -C j5 rev-parse HEAD~1)" 2>err &&
	grep -q "^bootperf: error: --good .HEAD~1. and --bad .[0-9a-f]*. are the same commit: there is nothing to tell apart$" err &&
	test ! -e sj5/logs || test "$(ls sj5/logs | wc -l)" = 0
'

# Planted so that noise cannot decide it: the endpoints alternate 0 and
# 200 ms, 600 and 800 ms (pooled sd ~115 ms), and commit 2 always takes
# 400 ms, their midpoint.  Each pass moves the log ratio by 0.045 per ms
# off the midpoint: 150 ms in all would be needed to decide it.
alt_opts=(--runner command --runs 4 --warmup 0 --test welch --alpha 0.001
	--max-runs 4 --build 'cp delay built && rm -f pass'
	--command 'set -- $(cat {worktree}/built); n=$(cat {worktree}/pass 2>/dev/null || echo 0); echo $((n + 1)) >{worktree}/pass; if [ $((n % 2)) = 1 ] && [ -n "${2:-}" ]; then sleep "$2"; else sleep "$1"; fi')
make_alt_tree() {
	git init -q "$1" && i=1 &&
	for d in "0 0.2" 0.4 "0.6 0.8"; do
		echo "$d" >"$1/delay" && git -C "$1" add delay &&
		git -C "$1" commit -q -m "commit $i" && i=$((i + 1)) || return 1
	done
}

# By default it is skipped (125), never judged by a coin flip; with
# --undecided midpoint, by the nearer endpoint, said so.
test_expect_success 'a commit halfway: undecided at --max-runs, skipped; or by the midpoint' '
	make_alt_tree h3 && git -C h3 checkout -q HEAD~1 &&
	expect_exit 125 bootperf bisect-run "${alt_opts[@]}" --repo h3 \
		--store "$PWD/sh" --good HEAD~1 --bad master >out0 2>err0 &&
	cat out0 err0 &&
	grep -q "^bootperf: [0-9a-f]* commit 2: [0-9.]*ms ±[0-9.]*ms over 4 passes: skip (undecided at --max-runs 4)\$" out0 &&
	rc=0 && bootperf bisect-run "${alt_opts[@]}" --repo h3 --store "$PWD/sh" \
		--good HEAD~1 --bad master --undecided midpoint >out 2>err || rc=$? &&
	{ test "$rc" = 0 || test "$rc" = 1; } &&
	cat out err &&
	grep -q "^bootperf: [0-9a-f]* commit 2: [0-9.]*ms ±[0-9.]*ms over 4 passes: \(good\|bad (slow)\) (undecided at --max-runs 4, by the midpoint 4[0-9][0-9]\.[0-9]ms)\$" out &&
	grep -q "^bootperf: warning: [0-9a-f]* is still undecided after 4 passes (--max-runs 4): judged \(good\|bad\) by the midpoint of the endpoints (--undecided midpoint); by default it would be skipped" err &&
	expect_exit 125 bootperf bisect-run "${alt_opts[@]}" --repo h3 --store "$PWD/sh" \
		--good HEAD~1 --bad master --undecided skip --json >skip.json 2>err &&
	test "$(json skip.json "\$j->{decided_by}")" = undecided &&
	test "$(json skip.json "\$j->{runs}")" = 4 &&
	test "$(json skip.json "\$j->{passes_now}")" = 0 &&
	test ! -s err
'

test_expect_success 'a clear commit takes --min-runs passes, no more' '
	make_tree m5 5 3 && git -C m5 checkout -q HEAD~2 &&
	expect_exit 1 bootperf bisect-run "${bisect_run_opts[@]}" --repo m5 \
		--store "$PWD/sm5" --good HEAD~2 --bad master --min-runs 3 \
		--json >m.json &&
	test "$(json m.json "\$j->{runs}")" = 3 &&
	test "$(json m.json "\$j->{decided_by}")" = sequential
'

test_done
