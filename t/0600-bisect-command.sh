#!/bin/bash
# bootperf bisect: the built-in performance bisection names the planted
# slow commit, at a random position of 16- and 64-commit trees, across
# merges, around unbuildable commits, and says so when there is nothing
# to find.  Command runner: fast.
# timed: bisect must name and size the planted slow commit
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016,SC2034,SC2154,SC2317 # SC2154: pick sets them; SC2317: koalaman/shellcheck#3183
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires git

# Every build appends to builds.log, every pass (warm-ups too) to
# boots.log; the "boot" sleeps what the commit's delay files add up to.
opts=(--runner command
	--command 'echo x >>"$TEST_DIR/boots.log"; sleep $(cat {worktree}/built)'
	--build 'echo x >>../../builds.log; test ! -e BROKEN && cat delay* | awk "{s += \$1} END {print s}" >built')

count() { if [ -e "$1" ]; then wc -l <"$1"; else echo 0; fi; }

# commit_of DIR N: the id of "commit N".
commit_of() {
	git -C "$1" log --all --format=%h --grep="^commit $2\$"
}

pick c16 2 16
test_expect_success "16 commits, the slowdown planted at commit $c16" '
	make_tree t16 17 "$c16" &&
	git -C t16 rev-parse HEAD >head.before &&
	bootperf bisect "${opts[@]}" --verify-runs 0 --store "$PWD/s16" \
		t16 HEAD~16 HEAD >out16 2>err16 &&
	cat out16 &&
	grep -q "^First slow commit: $(commit_of t16 "$c16") commit $c16\$" out16 &&
	test "$(grep -c "^step " out16)" -le 4 &&
	test "$(count builds.log)" -le 6
'

test_expect_success 'the change is sized against the commit before, with a CI' '
	grep -A1 "^First slow commit" out16 |
		grep -q "+1[0-9][0-9]\.[0-9]ms (+[0-9.]*%) against .*, 95% CI [-+][0-9.]* to +[0-9.]*ms ([-+][0-9.]* to +[0-9.]*%), [0-9]* passes against [0-9]*\$" &&
	! grep -q "Verif" out16
'

test_expect_success 'the user checkout and git bisect state are untouched' '
	test ! -e t16/built && test -z "$(git -C t16 status --porcelain)" &&
	test ! -e t16/.git/BISECT_LOG && git -C t16 symbolic-ref -q HEAD &&
	git -C t16 rev-parse HEAD | cmp - head.before
'

test_expect_success 'a second bisection reads the store: no build, no boot' '
	b=$(count builds.log) && p=$(count boots.log) &&
	bootperf bisect "${opts[@]}" --verify-runs 0 --store "$PWD/s16" \
		t16 HEAD~16 HEAD >again &&
	test "$(count builds.log)" = "$b" && test "$(count boots.log)" = "$p" &&
	grep -q "0 builds and 0 boots" again &&
	diff <(grep "^First" out16) <(grep "^First" again)
'

test_expect_success 'range reuses what bisect measured and built, topping up to --runs' '
	step1=$(sed -n "s/^step 1: \([0-9a-f]*\) .*/\1/p" out16) &&
	test -n "$step1" &&
	b=$(count builds.log) && p=$(count boots.log) &&
	bootperf range "${opts[@]}" --runs 5 --warmup 1 --store "$PWD/s16" \
		--json t16 HEAD >head.json &&
	test "$(count builds.log)" = "$b" && test "$(count boots.log)" = "$p" &&
	test "$(json head.json "\$j->{commits}[0]{from_store}")" = 1 &&
	bootperf range "${opts[@]}" --runs 5 --warmup 1 --store "$PWD/s16" \
		--json t16 "$step1" >step.json &&
	test "$(count builds.log)" = "$b" &&
	test "$(count boots.log)" = $((p + 1 + 3)) &&
	test "$(json step.json "scalar @{\$j->{commits}[0]{samples_ms}}")" = 5
'

pick c64 2 64
test_expect_success "64 commits, slowdown of 30% at commit $c64: few builds and boots" '
	rm -f builds.log boots.log &&
	TREE_FAST=0.20 TREE_SLOW=0.26 make_tree t64 65 "$c64" &&
	bootperf bisect "${opts[@]}" --verify-runs 0 --store "$PWD/s64" --json \
		t64 HEAD~64 HEAD >out64.json &&
	json out64.json "join \" \", \$j->{outcome}, \$j->{culprit}{subject}, \$j->{builds}, \$j->{boots}" &&
	test "$(json out64.json "\$j->{outcome}")" = found &&
	test "$(json out64.json "\$j->{culprit}{subject}")" = "commit $c64" &&
	test "$(json out64.json "\$j->{builds}")" -le 8 &&
	test "$(count builds.log)" -le 8 &&
	test "$(json out64.json "scalar @{\$j->{steps}}")" -le 6 &&
	test "$(json out64.json "\$j->{boots}")" = "$(count boots.log)" &&
	{ [ -n "${BOOTPERF_WRAPPER:-}" ] || test "$(count boots.log)" -le 39; }
'

pick cb 3 16
test_expect_success "an unbuildable commit right before the culprit (commit $cb)" '
	make_tree tb 17 "$cb" $((cb - 1)) &&
	expect_exit 12 bootperf bisect "${opts[@]}" --store "$PWD/sb" tb HEAD~16 HEAD \
		>outb 2>errb &&
	cat outb &&
	grep -q "build-failed: .*: skipped" outb &&
	grep -A3 "hide the first slow commit" outb >cands &&
	grep -q "$(commit_of tb $((cb - 1))) commit $((cb - 1)) (build-failed\|skipped)" cands &&
	grep -q "$(commit_of tb "$cb") commit $cb (slow)" cands &&
	test "$(grep -c "^	" cands)" = 2
'

test_expect_success 'endpoints that do not differ: nothing to bisect (exit 11)' '
	make_tree te 9 99 &&
	expect_exit 11 bootperf bisect "${opts[@]}" --store "$PWD/se" \
		--max-runs 6 te HEAD~8 HEAD >oute 2>erre &&
	grep -q "the endpoints do not differ" erre &&
	grep -q "No answer" oute && test "$(grep -c "^step" oute)" = 0 &&
	test "$(grep -c "^	.*ms ±.*ms (6 passes)\$" oute)" = 2
'

# Looks after 2, 4 and 6 passes: the endpoints are warmed up once, not
# again at each look (2 warm-ups and 12 passes, not 6 and 12).  What is
# counted here is passes, not a verdict: --threshold 50 keeps the
# endpoints (the same commit's time) from being called different on a
# jittery machine (under valgrind, Welch on 2 passes each once found
# them apart).
test_expect_success 'later looks at the endpoints take no new warm-up' '
	rm -f boots.log builds.log &&
	expect_exit 11 bootperf bisect "${opts[@]}" --store "$PWD/sw" \
		--test welch --runs 2 --max-runs 6 --warmup 1 --threshold 50 --json \
		te HEAD~8 HEAD >outw.json 2>errw &&
	grep -q "the endpoints do not differ" errw &&
	test "$(json outw.json "scalar @{\$j->{endpoints}{good}{samples_ms}}")" = 6 &&
	test "$(json outw.json "scalar @{\$j->{endpoints}{bad}{samples_ms}}")" = 6 &&
	test "$(count builds.log)" = 2 &&
	test "$(count boots.log)" = 14 &&
	test "$(json outw.json "\$j->{boots}")" = 14
'

# A machine that slows down steadily: every pass takes 20 ms longer than
# the one before, whatever the commit, and logs the worktree it ran in.
# Endpoint after endpoint, the bad one would look 50% slower; in turns,
# they do not differ.
# shellcheck disable=SC2034 # read by the test bodies
drift='basename "$BOOTPERF_WORKTREE" >>"$TEST_DIR/order"; n=$(wc -l <"$TEST_DIR/order"); sleep $(awk -v n=$n "BEGIN { print n * 0.02 }")'

test_expect_success 'the endpoints take turns: a drifting machine is no change' '
	make_tree tdr 9 99 &&
	: >order &&
	expect_exit 11 bootperf bisect --runner command --command "$drift" \
		--build true --runs 6 --max-runs 6 --warmup 1 \
		--store "$PWD/sdr" tdr HEAD~8 HEAD >outdr 2>errdr &&
	grep -q "the endpoints do not differ" errdr &&
	paste -d" " - - <order | sort | uniq -c >pairs &&
	cat pairs &&
	test "$(wc -l <pairs)" = 1 && grep -q "^ *7 \([^ ]*\) \(.*\)$" pairs &&
	! grep -q "^ *7 \([^ ]*\) \1$" pairs
'

# The third pass is good's second: SIGINT then.  Bad's first pass is
# measured and kept; good's is not (an interrupted commit's passes never
# are), and no result says "ok" with no passes.
test_expect_success 'SIGINT while the endpoints take turns: exit 130, what was measured kept' '
	make_tree tint 5 3
	: >order
	(exec ${BOOTPERF_WRAPPER:-} "$BOOTPERF" bisect --runner command \
		--command "basename \"\$BOOTPERF_WORKTREE\" >>\"\$TEST_DIR/order\"; test \$(wc -l <\"\$TEST_DIR/order\") != 3 || sleep $(mark 719)" \
		--build true --runs 6 --max-runs 6 --warmup 0 \
		--store "$PWD/sint" tint HEAD~4 HEAD >int.out 2>int.err) &
	pid=$! &&
	started "sleep $(mark 719)" &&
	kill -INT $pid && rc=0 && wait $pid || rc=$? &&
	test "$rc" = 130 && no_process "sleep $(mark 719)" &&
	test "$(ls sint/results/*/ | wc -l)" = 1 &&
	bad=$(echo sint/results/*/"$(git -C tint rev-parse HEAD)".json) &&
	test "$(json "$bad" "\$j->{status}")" = ok &&
	test "$(json "$bad" "scalar @{\$j->{bench}{samples_ms}}")" = 1
'

test_expect_success 'an endpoint that cannot be built: exit 13' '
	make_tree tu 5 3 1 &&
	expect_exit 13 bootperf bisect "${opts[@]}" --store "$PWD/su" tu HEAD~4 HEAD \
		>outu 2>erru &&
	grep -q "^bootperf: error: the good endpoint .HEAD~4. cannot be measured: build-failed" erru &&
	make_tree tv 5 3 5 &&
	expect_exit 13 bootperf bisect "${opts[@]}" --store "$PWD/sv" tv HEAD~4 HEAD \
		>outv 2>errv &&
	grep -q "^bootperf: error: the bad endpoint .HEAD. cannot be measured: build-failed" errv
'

# Bisected once; again with --runs 8, the good endpoint's (fast, 0.02 s)
# added passes fail: exit 13, and the store keeps what it had.
test_expect_success 'an endpoint that fails while topped up: exit 13, its passes kept' '
	make_tree ttop 5 3 &&
	w=(--runner command --build "cp delay built" --store "$PWD/stop"
		--command "if test -e \"$TEST_DIR/fail-w\" && test \"\$(cat {worktree}/built)\" = 0.02; then exit 3; fi; sleep \$(cat {worktree}/built)") &&
	bootperf bisect "${w[@]}" ttop HEAD~4 HEAD >outtop &&
	good=$(echo stop/results/*/"$(git -C ttop rev-parse HEAD~4)".json) &&
	n=$(json "$good" "scalar @{\$j->{bench}{samples_ms}}") &&
	test "$n" -ge 2 && test "$n" -lt 8 &&
	touch fail-w &&
	expect_exit 13 bootperf bisect "${w[@]}" --runs 8 ttop HEAD~4 HEAD \
		>outtop2 2>errtop2 &&
	cat errtop2 &&
	grep -q "^bootperf: error: the good endpoint .HEAD~4. cannot be measured: boot-failed" errtop2 &&
	grep -q "^bootperf: warning: [0-9a-f]\{12\} keeps the $n passes it has in the store" errtop2 &&
	test "$(json "$good" "\$j->{status}")" = ok &&
	test "$(json "$good" "scalar @{\$j->{bench}{samples_ms}}")" = "$n" &&
	rm fail-w &&
	bootperf bisect "${w[@]}" --runs 8 ttop HEAD~4 HEAD >outtop3 &&
	grep -q "^First slow commit: $(commit_of ttop 3) commit 3\$" outtop3 &&
	test "$(json "$good" "scalar @{\$j->{bench}{samples_ms}}")" -ge 8
'

test_expect_success 'one step, one build: the counts read right' '
	make_tree tp 3 2 &&
	bootperf bisect "${opts[@]}" --verify-runs 0 --store "$PWD/sp" \
		tp HEAD~2 HEAD~1 >outp1 &&
	grep -q "^Bisecting 1 commit after HEAD~2 up to HEAD~1: about 0 steps\$" outp1 &&
	grep -q "^0 steps, 2 builds and 14 boots (warm-ups too)" outp1 &&
	bootperf bisect "${opts[@]}" --verify-runs 0 --store "$PWD/sp" \
		tp HEAD~2 HEAD >outp2 &&
	grep -q "^Bisecting 2 commits after HEAD~2 up to HEAD: about 1 step\$" outp2 &&
	grep -q "^step 1: $(commit_of tp 2) commit 2\$" outp2 &&
	grep -q ": slow  \[1 left, about 0 steps\]\$" outp2 &&
	grep -q "^1 step, 1 build and 7 boots (warm-ups too)" outp2 &&
	grep -q "^First slow commit: $(commit_of tp 2) commit 2" outp2
'

# The passes alternate between the two delays of a commit (from its
# build on), so that a commit has a large, known spread.
alt=(--runner command --warmup 0 --build 'cp delay built && rm -f pass'
	--command 'set -- $(cat {worktree}/built); n=$(cat {worktree}/pass 2>/dev/null || echo 0); echo $((n + 1)) >{worktree}/pass; if [ $((n % 2)) = 1 ] && [ -n "${2:-}" ]; then sleep "$2"; else sleep "$1"; fi')
# make_alt_tree DIR DELAYS...: "commit 1" ... with those delays.
make_alt_tree() {
	local dir=$1 i=1
	shift
	git init -q "$dir" &&
	for d in "$@"; do
		echo "$d" >"$dir/delay" && git -C "$dir" add delay &&
		git -C "$dir" commit -q -m "commit $i" && i=$((i + 1)) || return 1
	done
}

# 200/300 ms against 255/355 ms, 5 passes each: Welch t ~1.6 (p ~0.15,
# below --alpha 0.4 from t > 0.89 on), a 95% CI of 55 +- 80 ms (it
# includes 0 while t < 2.31): anything from 31 to 80 ms passes.
test_expect_success 'a change whose CI includes 0 is said to be uncertain' '
	make_alt_tree tc "0.2 0.3" "0.255 0.355" &&
	bootperf bisect "${alt[@]}" --test welch --alpha 0.4 --verify-runs 0 \
		--store "$PWD/sc" tc HEAD~1 HEAD >outc &&
	cat outc &&
	grep -q "^First slow commit: $(commit_of tc 2) commit 2" outc &&
	grep -q "95% CI -[0-9.]* to +[0-9.]*ms (-[0-9.]* to +[0-9.]*%), [0-9]* passes against [0-9]*\$" outc &&
	grep -q "^	Caution: the 95% CI includes 0, so the size of the change is not certain" outc &&
	! grep -q Caution out16
'

# The endpoints alternate 0/400 and 1200/1600 ms (pooled sd ~230 ms);
# commit 2 takes 800 ms, their midpoint: the log ratio moves 0.023 a ms
# off it, 300 ms in all would decide it.  (At half these times, 150 ms
# did: under ASan on a busy machine the step's passes took 45 ms more
# than the endpoints' and it was decided in a CI run.)
# By default it is skipped, never judged by a coin flip: the answer is
# the candidates it hides the culprit among (exit 12).
test_expect_success 'a step halfway between the endpoints: undecided at --max-runs, skipped' '
	make_alt_tree ta "0 0.4" 0.8 "1.2 1.6" &&
	expect_exit 12 bootperf bisect "${alt[@]}" --runs 4 --max-runs 4 --test welch \
		--alpha 0.001 --store "$PWD/sa" ta HEAD~2 HEAD >outa &&
	cat outa &&
	grep -q "^	[89][0-9][0-9]\.[0-9]ms ±[0-9.]*ms (4 passes): undecided at --max-runs, skipped  \[" outa &&
	grep -A3 "hide the first slow commit" outa >candsa &&
	grep -q "^	$(commit_of ta 2) commit 2 (undecided)\$" candsa &&
	grep -q "^	$(commit_of ta 3) commit 3 (slow)\$" candsa &&
	expect_exit 12 bootperf bisect "${alt[@]}" --runs 4 --max-runs 4 --test welch \
		--alpha 0.001 --store "$PWD/sa" --json ta HEAD~2 HEAD >a.json &&
	test "$(json a.json "\$j->{steps}[0]{verdict}")" = undecided &&
	test "$(json a.json "\$j->{candidates}[0]{status}")" = undecided
'

test_expect_success 'a step halfway, --undecided midpoint: by the midpoint, said so' '
	bootperf bisect "${alt[@]}" --runs 4 --max-runs 4 --test welch --alpha 0.001 \
		--undecided midpoint --verify-runs 0 --store "$PWD/sa" \
		ta HEAD~2 HEAD >outam &&
	cat outam &&
	grep -q "^	[89][0-9][0-9]\.[0-9]ms ±[0-9.]*ms (4 passes): \(slow\|fast\) (undecided at --max-runs, by the midpoint)" outam &&
	expect_exit 2 bootperf bisect --undecided maybe ta HEAD~1 HEAD 2>err &&
	grep -q -- "--undecided: .maybe. is not one of skip, midpoint" err
'

test_expect_success 'good slower than bad: a clear message; --improvement finds it' '
	git init -q ti &&
	for i in $(seq 1 9); do
		if [ "$i" -ge 6 ]; then echo 0.02; else echo 0.20; fi >ti/delay &&
		git -C ti add -A && git -C ti commit -q --allow-empty -m "commit $i" ||
		exit 1
	done &&
	expect_exit 11 bootperf bisect "${opts[@]}" --store "$PWD/si" ti HEAD~8 HEAD \
		2>erri >/dev/null &&
	grep -q "boots slower than bad .*use --improvement" erri &&
	bootperf bisect "${opts[@]}" --store "$PWD/si" --improvement ti HEAD~8 HEAD >outi &&
	grep -q "^First fast commit: $(commit_of ti 6) commit 6" outi
'

test_expect_success 'across a merge: the side commit, or the merge with --first-parent' '
	make_merge_tree tm &&
	bootperf bisect "${opts[@]}" --store "$PWD/sm" tm main~7 main >outm &&
	grep -q "^First slow commit: $(commit_of tm s2) commit s2" outm &&
	bootperf bisect "${opts[@]}" --store "$PWD/sm" --first-parent tm main~7 main \
		>outf &&
	grep -q "^Bisecting 7 commits .*(first parent only)" outf &&
	grep -q "^First slow commit: $(commit_of tm M) commit M" outf &&
	! grep -q "commit s[123]" outf
'

test_expect_success 'bad input: usage, revisions, not an ancestor' '
	expect_exit 2 bootperf bisect t16 HEAD 2>err &&
	grep -q "bisect needs REPO GOOD BAD" err &&
	expect_exit 2 bootperf bisect --min-runs 5 --max-runs 3 t16 HEAD~1 HEAD 2>err &&
	grep -q -- "--min-runs 5 is more than --max-runs 3" err &&
	expect_exit 2 bootperf bisect --alpha 0.7 t16 HEAD~1 HEAD 2>err &&
	grep -q -- "--alpha: .0.7. is not a number above 0 and below 0.5" err &&
	expect_exit 17 bootperf bisect "${opts[@]}" t16 nosuch HEAD 2>err &&
	grep -q "unknown revision .nosuch." err &&
	expect_exit 19 bootperf bisect "${opts[@]}" t16 HEAD HEAD~3 2>err &&
	grep -q "good .HEAD. is not an ancestor of bad .HEAD~3. (swapped?)" err &&
	expect_exit 7 bootperf bisect "${opts[@]}" "$TEST_DIR" HEAD~1 HEAD 2>err &&
	grep -q "is not a git repository" err
'

test_expect_success 'verification: culprit and baseline take N balanced pairs, confirmed on them' '
	bootperf bisect "${opts[@]}" --store "$PWD/ssz" --verify-runs 6 \
		t16 HEAD~16 HEAD >outsz &&
	cat outsz &&
	grep -q "^First slow commit: $(commit_of t16 "$c16") commit $c16\$" outsz &&
	grep -q "^Verifying: [0-9]* more passes each of $(commit_of t16 "$c16")[0-9a-f]* and [0-9a-f]*, in balanced pairs\$" outsz &&
	line=$(grep -A1 "^First slow commit" outsz | tail -n 1) &&
	echo "$line" | grep -q "95% CI .*, [0-9]* passes against [0-9]*\$" &&
	n=$(echo "$line" | sed "s/.*, \([0-9]*\) passes against \([0-9]*\)\$/\1 \2/") &&
	for k in $n; do test "$k" -ge 6 || exit 1; done &&
	grep -q "^	Verified on 6 passes against 6 (--verify-runs 6, balanced pairs): slower, +[0-9.]*% by Hodges-Lehmann, 99% interval +[0-9.]*% to +[0-9.]*%\$" outsz &&
	bootperf bisect "${opts[@]}" --store "$PWD/ssz" --size-runs 6 --json \
		t16 HEAD~16 HEAD >sz.json &&
	test "$(json sz.json "\$j->{outcome}")" = found &&
	test "$(json sz.json "\$j->{culprit}{passes} >= 6 && \$j->{culprit}{against_passes} >= 6")" = 1 &&
	test "$(json sz.json "my \$v = \$j->{culprit}{verification}; join q( ), \$v->{runs}, \$v->{confirmed} ? 1 : 0, \$v->{shift}{verdict}")" = "6 1 slower" &&
	test "$(json sz.json "\$j->{culprit}{shift}{verdict}")" = slower &&
	test "$(json sz.json "my \$s = \$j->{culprit}{shift}; \$s->{ci_percent}[0] > 0 && \$s->{ci_percent}[0] <= \$s->{estimate_percent} && \$s->{estimate_percent} <= \$s->{ci_percent}[1] && \$s->{level} == 1 - \$j->{alpha}")" = 1 &&
	test "$(json sz.json "\$j->{endpoints}{shift}{verdict}")" = slower &&
	test "$(json sz.json "\$j->{builds} + \$j->{boots}")" = 0 &&
	bootperf bisect "${opts[@]}" --store "$PWD/ssz" --verify-runs 6 \
		t16 HEAD~16 HEAD >outsz2 &&
	! grep -q "^Verifying" outsz2 &&
	grep -q "^	Verified on" outsz2 &&
	expect_exit 2 bootperf bisect --size-runs x t16 HEAD~1 HEAD 2>err &&
	grep -q -- "--size-runs" err &&
	expect_exit 2 bootperf bisect --verify-runs -1 t16 HEAD~1 HEAD 2>err &&
	grep -q -- "--verify-runs" err &&
	expect_exit 2 bootperf bisect --verify-runs 4 t16 HEAD~1 HEAD 2>err &&
	grep -q -- "--verify-runs 4: the ratio test needs at least 5 passes each to confirm anything at --alpha 0.01" err
'

# Commit 2 changes nothing, but every pass of it before its result is
# stored (its warm-up and the two or more the search takes) stalls at
# the slow commit 3's time: the search names it.  Its verification
# passes, taken once the search has stored its result, do not stall, so
# the culprit is not confirmed: exit 22, never "found".  (--threshold
# 20: its 6 pairs with the good endpoint could by chance alone call it
# slower, but never by 20%.)  {worktree} is the
# commit's captured copy, STORE/artifacts/BUILD-ID/COMMIT: the result
# is STORE/results/CONFIG/COMMIT.json.
test_expect_success 'verification: a culprit the search was misled into is not confirmed (exit 22)' '
	git init -q tst &&
	echo 0.03 >tst/delay && git -C tst add delay &&
	git -C tst commit -q -m "commit 1" &&
	touch tst/stall && git -C tst add stall &&
	git -C tst commit -q -m "commit 2" &&
	echo 0.3 >tst/delay && git -C tst rm -q stall && git -C tst add delay &&
	git -C tst commit -q -m "commit 3" &&
	st=(--runner command --build "cp delay built" --warmup 1
		--command "if test -e {worktree}/stall && ! test -e {worktree}/../../../results/*/\${BOOTPERF_WORKTREE##*/}.json; then echo x >>\"$TEST_DIR/stalls\"; sleep 0.3; else sleep \$(cat {worktree}/built); fi") &&
	expect_exit 22 bootperf bisect "${st[@]}" --store "$PWD/sst" \
		--verify-runs 6 --threshold 20 tst HEAD~2 HEAD >outst 2>errst &&
	cat outst errst &&
	test "$(wc -l <stalls)" -ge 3 &&
	grep -q "^step 1: $(commit_of tst 2) commit 2\$" outst &&
	grep -q "^The search named, unconfirmed: $(commit_of tst 2) commit 2\$" outst &&
	grep -q "^	Not confirmed on [0-9]* passes against [0-9]* (--verify-runs 6, balanced pairs): [a-z]*, [-+][0-9.]*% by Hodges-Lehmann, .*; the smallest change these passes could show: [0-9.]*%\$" outst &&
	! grep -q "^First slow commit" outst &&
	grep -q "^bootperf: error: the search named $(commit_of tst 2), but [0-9]* passes of it and [0-9]* of .* do not confirm it: " errst &&
	rm stalls &&
	expect_exit 22 bootperf bisect "${st[@]}" --store "$PWD/sst2" \
		--verify-runs 6 --threshold 20 --json tst HEAD~2 HEAD >st.json \
		2>/dev/null &&
	test "$(json st.json "\$j->{outcome}")" = unverified &&
	test "$(json st.json "\$j->{culprit}{subject}")" = "commit 2" &&
	test "$(json st.json "\$j->{culprit}{verification}{confirmed} ? 1 : 0")" = 0 &&
	test "$(json st.json "\$j->{culprit}{verification}{shift}{verdict} ne q(slower) ? 1 : 0")" = 1
'

# Every pass fails once "Verifying" is on stdout (until ok-now): the
# culprit and its baseline keep the passes the search gave them, but
# those are never what a verification judges, and no pair was taken
# (exit 22); the next run takes the pairs and confirms it.
test_expect_success 'verification: passes that fail keep what was measured; the next run confirms' '
	fl=(--runner command
		--command "grep -q ^Verifying \"$TEST_DIR/outfl\" && test ! -e \"$TEST_DIR/ok-now\" && echo x >>\"$TEST_DIR/failed\" && exit 3; sleep \$(cat {worktree}/built)"
		--build "${opts[5]}") &&
	expect_exit 22 bootperf bisect "${fl[@]}" --store "$PWD/sfl" --verify-runs 6 \
		t16 HEAD~16 HEAD >outfl 2>errfl &&
	cat outfl errfl &&
	test -s failed &&
	grep -q "^Verifying" outfl &&
	grep -q "^bootperf: error: the search named $(commit_of t16 "$c16"), but it and .* could not be measured in pairs to confirm it\$" errfl &&
	grep -q "^The search named, unconfirmed: $(commit_of t16 "$c16") commit $c16\$" outfl &&
	grep -q "^	Not confirmed: it and .* could not be measured in balanced pairs (--verify-runs 6)\$" outfl &&
	for f in sfl/results/*/*.json; do
		test "$(json "$f" "\$j->{status}")" = ok || exit 1
	done &&
	touch ok-now &&
	bootperf bisect "${fl[@]}" --store "$PWD/sfl" --verify-runs 6 \
		t16 HEAD~16 HEAD >outfl2 &&
	grep -q "^First slow commit: $(commit_of t16 "$c16") commit $c16\$" outfl2 &&
	grep -q "^	Verified on 6 passes against 6 " outfl2
'

# Only the culprit fails while verifying, on its third boot there: a
# failed pass stops its baseline's too, and the pairs recorded are as
# many of each (1 or 2: the culprit may take a warm-up), the first the
# two took.  The next run takes the pairs still missing and judges 6
# passes against 6, never the baseline's passes taken alone.
test_expect_success 'verification: passes one commit took alone are never pairs' '
	cid=$(git -C t16 log --all --format=%H --grep="^commit $c16\$") &&
	f1=(--runner command
		--command "case {worktree} in */$cid) if grep -q ^Verifying \"$TEST_DIR/out1\" && test ! -e \"$TEST_DIR/ok-one\"; then echo x >>\"$TEST_DIR/boots1\"; test \"\$(wc -l <\"$TEST_DIR/boots1\")\" != 3 || exit 3; fi;; esac; sleep \$(cat {worktree}/built)"
		--build "${opts[5]}") &&
	expect_exit 22 bootperf bisect "${f1[@]}" --store "$PWD/s1" --verify-runs 6 \
		t16 HEAD~16 HEAD >out1 2>err1 &&
	cat out1 err1 &&
	f=$(echo s1/results/*/"$cid".json) &&
	n=$(json "$f" "scalar @{\$j->{pairs}{samples_ms}}") &&
	test "$(json "$f" "scalar @{\$j->{pairs}{partner_ms}}")" = "$n" &&
	test "$n" -ge 1 && test "$n" -le 2 &&
	grep -q "^	Not confirmed on $n passes against $n (--verify-runs 6, balanced pairs): inconclusive" out1 &&
	touch ok-one &&
	bootperf bisect "${f1[@]}" --store "$PWD/s1" --verify-runs 6 \
		t16 HEAD~16 HEAD >out1b &&
	cat out1b &&
	grep -q "^Verifying: $((6 - n)) more passes each of " out1b &&
	grep -q "^	Verified on 6 passes against 6 " out1b
'

test_expect_success 'progress on a terminal: each endpoint build named, then both' '
	{
		declare -p opts
		echo "cd $TEST_DIR && $BOOTPERF bisect \"\${opts[@]}\" --store $TEST_DIR/stty t16 HEAD~16 HEAD"
	} >tty-bisect.sh &&
	{ script -qec "bash tty-bisect.sh" /dev/null | tr -d "\r" >prog.txt || true; } &&
	good=$(git -C t16 rev-parse --short=7 HEAD~16) &&
	bad=$(git -C t16 rev-parse --short=7 HEAD) &&
	grep -q "^bootperf: $good[0-9a-f]*: building\$" prog.txt &&
	grep -q "^bootperf: $bad[0-9a-f]*: building\$" prog.txt &&
	grep -q "^bootperf: $good[0-9a-f]* and $bad[0-9a-f]*: measuring, in turns\$" prog.txt &&
	! grep -q " and [0-9a-f]*: building" prog.txt &&
	grep -q "^First slow commit: " prog.txt
'

test_done
