#!/bin/bash
# bootperf bisect's checks of its culprit.  What kind of commit it is:
# one that changes only documentation (here the "boot" reads it, so it
# is the culprit all the same) gets a caution, and so does a merge named
# with --first-parent, with the bisection that finds the merged commit.
# --verify-revert: the tip with the culprit reverted must boot faster by
# about the culprit's size; a revert that conflicts verifies nothing; one
# that does not undo the change makes the answer unconfirmed (exit 22).
# Command runner: fast.
# timed: bisect must name the planted slow commit
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016,SC2034 # SC2034: opts is read by the test bodies
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires git
[ -z "${BOOTPERF_WRAPPER:-}" ] || skip_all "timed, alone under valgrind; run under ASan and UBSan"

# The "boot" sleeps what doc/delay says: 50 ms, then 400 ms.  The
# culprit is verified on 8 passes each: its 99% interval allows a few
# crossed pairs, so a stalled pass on a busy machine does not undo it.
opts=(--runner command --build true
	--command 'sleep $(cat {worktree}/doc/delay)'
	--runs 3 --warmup 0 --verify-runs 8)

git init -q repo && mkdir repo/doc && echo 0.05 >repo/doc/delay &&
	echo 'int main(void) { return 0; }' >repo/main.c &&
	git -C repo add . && git -C repo commit -q -m "Start" &&
	echo 'int x;' >>repo/main.c &&
	git -C repo commit -q -am "Change the code" &&
	echo 0.4 >repo/doc/delay &&
	git -C repo commit -q -am "Document a longer delay" &&
	mkdir repo/tests && echo t >repo/tests/t.sh && git -C repo add tests &&
	git -C repo commit -q -m "Add a test"

test_expect_success 'a culprit that changes only docs: named, with a caution' '
	bootperf bisect "${opts[@]}" --verify-revert --store "$PWD/s1" \
		repo HEAD~3 HEAD >out.txt 2>err.txt &&
	cat out.txt &&
	grep -q "^First slow commit: $(git -C repo rev-parse --short=7 HEAD~1) Document a longer delay$" out.txt &&
	grep -q "^	Caution: it changes only documentation, tests or CI configuration (1 file), which builds do not usually read: unless this boot reads them, suspect the machine or the noise$" out.txt
'

test_expect_success '--verify-revert: the tip without it boots as fast as before it' '
	grep -q "^Verifying by revert: 8 more passes each of [0-9a-f]* and $(git -C repo rev-parse --short=7 HEAD), in balanced pairs$" out.txt &&
	grep -q "^	Verified by revert: the tip with it reverted ([0-9a-f]*) against the tip, on 8 passes against [0-9]*: faster, -[0-9.]*% by Hodges-Lehmann, 99% interval -[0-9.]*% to -[0-9.]*%; undoing the culprit.s +[0-9.]*% gives -[0-9.]*%$" out.txt &&
	test -z "$(git -C repo status --porcelain)" &&
	test "$(git -C repo for-each-ref | wc -l)" = 1
'

test_expect_success 'its JSON says what it changes and what its revert did' '
	bootperf bisect "${opts[@]}" --verify-revert --store "$PWD/s1" \
		--json repo HEAD~3 HEAD >out.json &&
	test "$(json out.json "\$j->{boots}")" = 0 &&
	test "$(json out.json "\$j->{culprit}{changes}{kind}")" = docs-tests-ci &&
	test "$(json out.json "join q( ), map { \$j->{culprit}{changes}{\$_} } qw(files docs tests ci)")" = "1 1 0 0" &&
	test "$(json out.json "\$j->{culprit}{revert}{state}")" = confirmed &&
	json out.json "\$j->{culprit}{revert}{shift}{estimate_percent} < -50 ? q(ok) : die" &&
	git -C repo cat-file -e "$(json out.json "\$j->{culprit}{revert}{commit}")"
'

test_expect_success 'a revert that conflicts verifies nothing, and says why' '
	echo 0.41 >repo/doc/delay && git -C repo commit -q -am "Tune the delay" &&
	bootperf bisect "${opts[@]}" --verify-revert --store "$PWD/s1" \
		repo HEAD~4 HEAD >conflict.txt 2>err.txt &&
	cat conflict.txt &&
	grep -q "^	Cannot verify by revert: reverting $(git -C repo rev-parse --short=7 HEAD~2) on $(git -C repo rev-parse --short=7 HEAD) conflicts in doc/delay$" conflict.txt
'

# The boot sleeps the longer of doc/delay and extra: a later commit
# makes extra as slow, so the culprit's revert changes nothing.
test_expect_success 'a revert that does not undo the change: unconfirmed, exit 22' '
	git init -q r2 && mkdir r2/doc && echo 0.05 >r2/doc/delay &&
	echo 0 >r2/extra && git -C r2 add . && git -C r2 commit -q -m Start &&
	echo 0.4 >r2/doc/delay && git -C r2 commit -q -am Slow &&
	echo 0.4 >r2/extra && git -C r2 commit -q -am "Slow again" &&
	expect_exit 22 bootperf bisect "${opts[@]}" --verify-revert \
		--command "sleep \$(sort -n {worktree}/doc/delay {worktree}/extra | tail -n 1)" \
		--store "$PWD/s3" r2 HEAD~2 HEAD >refuted.txt 2>err.txt &&
	cat refuted.txt err.txt &&
	grep -q "^The search named, unconfirmed: $(git -C r2 rev-parse --short=7 HEAD~1) Slow$" refuted.txt &&
	grep -q "^	Not confirmed by revert: " refuted.txt &&
	grep -q "^bootperf: error: reverting [0-9a-f]* on [0-9a-f]* does not undo its change: the revert is " err.txt
'

# The build fails when a and b are both 1: BAD (a 0, b 1) builds, the
# culprit's revert on it (a 1 again) does not.  BAD keeps the passes of
# the endpoints' test (--max-runs 10 at most): none paired with a revert
# that never built.
test_expect_success 'a revert that does not build: said, and no boot spent on it' '
	git init -q r3 && mkdir r3/doc && echo 0.05 >r3/doc/delay &&
	echo 1 >r3/a && echo 0 >r3/b && git -C r3 add . &&
	git -C r3 commit -q -m Start &&
	echo 0.4 >r3/doc/delay && echo 0 >r3/a && git -C r3 commit -q -am Slow &&
	echo 1 >r3/b && git -C r3 commit -q -am "Set b" &&
	bootperf bisect "${opts[@]}" --verify-revert --json \
		--build "test \"\$(cat a)\$(cat b)\" != 11" \
		--store "$PWD/s4" r3 HEAD~2 HEAD >nobuild.json 2>err.txt &&
	json nobuild.json "\$j->{culprit}{revert}{why}" &&
	test "$(json nobuild.json "\$j->{outcome}")" = found &&
	test "$(json nobuild.json "\$j->{culprit}{revert}{state}")" = cannot &&
	json nobuild.json "\$j->{culprit}{revert}{why}" |
		grep -q "^the revert of [0-9a-f]* on [0-9a-f]* ([0-9a-f]*) could not be measured: build exited with status 1$" &&
	test "$(json nobuild.json "\$j->{endpoints}{bad}{statistics}{n}")" -le 10
'

test_expect_success '--verify-revert without verification: refused' '
	expect_exit 2 bootperf bisect "${opts[@]}" --verify-revert \
		--verify-runs 0 repo HEAD~3 HEAD 2>err.txt &&
	test "$(cat err.txt)" = "bootperf: error: --verify-revert needs --verify-runs above 0: the revert is judged on as many passes, against what the verification measured"
'

# main: Start, Other; side: Slow (doc/delay 0.4); then the merge.
git init -q m && mkdir m/doc && echo 0.05 >m/doc/delay &&
	git -C m add . && git -C m commit -q -m "Start" &&
	git -C m checkout -q -b side &&
	echo 0.4 >m/doc/delay && echo 'int y;' >m/slow.c && git -C m add . &&
	git -C m commit -q -m "Slow" &&
	git -C m checkout -q - && echo 'int z;' >m/other.c &&
	git -C m add . && git -C m commit -q -m "Other" &&
	git -C m merge -q --no-edit -m "Merge side" side

test_expect_success 'a merge named with --first-parent: how to find the merged commit' '
	bootperf bisect "${opts[@]}" --first-parent --store "$PWD/s2" \
		m HEAD~1 HEAD >merge.txt 2>err.txt &&
	cat merge.txt &&
	id=$(git -C m rev-parse --short=7 HEAD) &&
	grep -q "^First slow commit: $id Merge side$" merge.txt &&
	grep -q "^	Caution: a merge: the change came in with a commit it merged; bisect $id^1 to $id without --first-parent to find which$" merge.txt
'

test_expect_success 'which that bisection names, a code change, without a caution' '
	bootperf bisect "${opts[@]}" --store "$PWD/s2" --json \
		m HEAD~1 HEAD >side.json &&
	test "$(json side.json "\$j->{culprit}{subject}")" = Slow &&
	test "$(json side.json "\$j->{culprit}{changes}{kind}")" = code &&
	bootperf bisect "${opts[@]}" --store "$PWD/s2" m HEAD~1 HEAD >side.txt &&
	! grep -q Caution side.txt
'

# The machine gets busy (every boot 100 ms slower) from the first boot of
# commit 1 on, after the endpoints were measured idle: commit 1 boots
# like the slow tip, and the search names it.  Its good parent's passes
# taken idle must not count against commit 1's, taken busy: the
# verification's pairs, both taken busy, show no change, so commit 1 is
# not confirmed (exit 22).  The pairs are in commit 1's stored result,
# and a second bisection boots nothing.  (Judged on all their passes,
# the good parent's 20 idle ones among them, commit 1 was "verified".)
git init -q busy && echo 0.01 >busy/delay && echo 0 >busy/n &&
	git -C busy add . && git -C busy commit -q -m "Start" &&
	echo 1 >busy/n && git -C busy commit -q -am "Nothing" &&
	echo 0.12 >busy/delay && echo 2 >busy/n &&
	git -C busy commit -q -am "Slow"

test_expect_success 'a culprit named on a busy machine is judged on pairs taken alike: not confirmed' '
	bz=(--runner command --build "cp delay built; cp n num" --runs 20
		--max-runs 20 --warmup 0 --verify-runs 10 --threshold 20
		--command "test \"\$(cat {worktree}/num)\" != 1 || : >\"$TEST_DIR/busy-now\"; test ! -e \"$TEST_DIR/busy-now\" || sleep 0.1; sleep \$(cat {worktree}/built)") &&
	expect_exit 22 bootperf bisect "${bz[@]}" --store "$PWD/sb" \
		busy HEAD~2 HEAD >busy.txt 2>busy.err &&
	cat busy.txt busy.err &&
	id=$(git -C busy rev-parse --short=7 HEAD~1) &&
	grep -q "^The search named, unconfirmed: $id Nothing$" busy.txt &&
	grep -q "^	Not confirmed on 10 passes against 10 (--verify-runs 10, balanced pairs): " busy.txt &&
	f=$(echo sb/results/*/"$(git -C busy rev-parse HEAD~1)".json) &&
	test "$(json "$f" "\$j->{pairs}{commit_id}")" = "$(git -C busy rev-parse HEAD~2)" &&
	test "$(json "$f" "scalar @{\$j->{pairs}{samples_ms}} . q( ) . scalar @{\$j->{pairs}{partner_ms}}")" = "10 10" &&
	expect_exit 22 bootperf bisect "${bz[@]}" --store "$PWD/sb" --json \
		busy HEAD~2 HEAD >busy.json 2>/dev/null &&
	test "$(json busy.json "\$j->{builds} + \$j->{boots}")" = 0 &&
	test "$(json busy.json "\$j->{culprit}{verification}{passes}")" = 10
'

test_done
