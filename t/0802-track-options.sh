#!/bin/bash
# bootperf track's own options, each shown by its effect on a small
# upstream: 6 fast commits then 6 slow ones (100 ms, then 400 ms) on main,
# and a side branch "stable" merged into main at its tip's parent.
# --threshold 20: a busy machine may shift a later run by a few ms.
# timed: each option's effect is shown on planted steps
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016,SC2317 # SC2317: koalaman/shellcheck#3183
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires git script
# Under valgrind this test would take 3 minutes alone; the paths only it
# reaches there (track's remote and branch options: about 85 lines) run
# under ASan and UBSan.  track itself is t/0800's, under valgrind too.
[ -z "${BOOTPERF_WRAPPER:-}" ] || skip_all "timed, 3 min alone under valgrind; run under ASan and UBSan"

git init -q --bare -b main upstream.git
git clone -q upstream.git dev 2>/dev/null
git -C dev checkout -q -b main
commit() { # commit DELAY SUBJECT
	echo "$1" >dev/delay && git -C dev add delay &&
		git -C dev commit -q --allow-empty -m "$2"
}
for i in 1 2 3 4 5 6; do commit 0.10 "fast $i"; done
git -C dev checkout -q -b stable
commit 0.10 "stable fix 1"
commit 0.10 "stable fix 2"
git -C dev checkout -q main
for i in 1 2 3 4 5; do commit 0.40 "slow $i"; done
git -C dev merge -q --no-ff -m "merge stable" stable
git -C dev push -q origin main stable
git clone -q upstream.git repo

# track STORE [OPTIONS]: the command runner sleeps the planted delay.
track() {
	local store=$1
	shift
	bootperf track --runner command --runs 3 --warmup 0 \
		--command 'sleep $(cat {worktree}/built)' --build 'cp delay built' \
		--threshold 20 --max-commits 20 --store "$TEST_DIR/$store" "$@" "$TEST_DIR/repo"
}

test_expect_success 'defaults: first parents, a regression, exit 1' '
	rc=0 && track s0 >s0.out || rc=$? &&
	cat s0.out && test "$rc" = 1 &&
	grep -q "^12 commits: 12 measured" s0.out &&
	! grep -q "stable fix" s0.out
'

test_expect_success '--all-parents: the merged side branch too' '
	{ track s1 --all-parents >s1.out || test $? = 1; } &&
	grep -q "^14 commits: 14 measured" s1.out &&
	grep -q "^[0-9a-f]* stable fix 2" s1.out
'

# shellcheck disable=SC2317 # called only from the eval'd test bodies
against() { # against JSON SUBJECT: the subject of the commit it is against
	json "$1" "my %s = map { (\$_->{commit}, \$_->{subject}) } @{\$j->{commits}}; join q(), map { \$_->{change} && \$_->{change}{against} ? \$s{\$_->{change}{against}} : q(-) } grep { \$_->{subject} eq q($2) } @{\$j->{commits}}"
}

test_expect_success '--all-parents: each commit against its first parent, report too' '
	bootperf report --store "$TEST_DIR/s1" --format json >s1.json &&
	test "$(against s1.json "stable fix 1")" = "fast 6" &&
	test "$(against s1.json "stable fix 2")" = "stable fix 1" &&
	test "$(against s1.json "slow 1")" = "fast 6" &&
	test "$(against s1.json "merge stable")" = "slow 5" &&
	test "$(json s1/track/*.json "\$j->{history}[-1]{base}")" = "$(git -C repo rev-parse "origin/main^1")" &&
	{ track s1 --all-parents --json >s1t.json || test $? = 1; } &&
	test "$(against s1t.json "merge stable")" = "slow 5" &&
	test "$(against s1t.json "slow 1")" = "fast 6"
'

test_expect_success 'a track state saved without bases: compared in its order' '
	cp -r s1 s1-old &&
	perl -MJSON::PP -0777 -i -pe "my \$j = decode_json(\$_); delete \$_->{base} for @{\$j->{history}}; \$_ = JSON::PP->new->pretty->encode(\$j)" s1-old/track/*.json &&
	bootperf report --store "$TEST_DIR/s1-old" --format json >s1old.json &&
	test "$(json s1old.json "scalar @{\$j->{commits}}")" = 14 &&
	test "$(json s1old.json "\$j->{commits}[1]{change}{against}")" = "$(json s1old.json "\$j->{commits}[0]{commit}")"
'

test_expect_success '--branch: another branch of the remote' '
	expect_exit 0 track s2 --branch stable >s2.out &&
	grep -q "^Tracking stable of origin" s2.out &&
	grep -q "^8 commits: 8 measured" s2.out
'

test_expect_success '--all-parents after first parents (and back): said once a run' '
	expect_exit 0 track s2 --all-parents >/dev/null 2>ap.err &&
	grep -q "warning: store .*/s2. tracked first parents only before; the history now follows merged side branches too" ap.err &&
	expect_exit 0 track s2 >/dev/null 2>fp.err &&
	grep -q "warning: store .*/s2. tracked all parents before; the history now follows first parents only.*(--all-parents to go back)" fp.err &&
	expect_exit 0 track s2 >/dev/null 2>again.err &&
	! grep -q "tracked .* before" again.err
'

test_expect_success '--remote URL: fetched into a ref of bootperf'"'"'s own' '
	expect_exit 1 track s3 --remote "$TEST_DIR/upstream.git" --branch main >s3.out &&
	grep -q "^Tracking main of $TEST_DIR/upstream.git" s3.out &&
	git -C repo rev-parse -q --verify refs/bootperf/track/main >/dev/null
'

test_expect_success '--remote: url.<base>.insteadOf is honoured' '
	git -C repo config "url.$TEST_DIR/upstream.git.insteadOf" "$TEST_DIR/alias.git" &&
	expect_exit 1 track s3 --remote "$TEST_DIR/alias.git" --branch main >s3b.out &&
	grep -q "^Tracking main of $TEST_DIR/alias.git ($TEST_DIR/upstream.git)" s3b.out
'

test_expect_success '--since: the history starts there' '
	expect_exit 0 track s4 --since "origin/main~6" >s4.out &&
	grep -q "^7 commits: 7 measured" s4.out &&
	! grep -q "fast 4" s4.out
'

# errors ERR: ERR without the warning every run with --runs 3 gets.
errors() {
	grep -v "^bootperf: warning: --runs 3: " "$1"
}

test_expect_success '--since an unknown revision: exit 17 and one line, nothing else' '
	expect_exit 17 track s5 --since nosuch >s5.out 2>s5.err &&
	test ! -s s5.out && test "$(errors s5.err)" = "bootperf: error: unknown revision '"'nosuch'"'" &&
	test -z "$(ls s5/results 2>/dev/null)" && test ! -e s5/track
'

test_expect_success '--since a commit off the branch: tracked from where they meet' '
	expect_exit 0 track s2 --since "origin/main~3" >off.out 2>off.err &&
	grep -q "warning: --since .origin/main~3. is not in the history of stable; tracking from [0-9a-f]*, where they meet$" off.err &&
	! grep -q "rewritten" off.err
'

test_expect_success '--branch unknown: one line naming the branches, exit 17, the state kept' '
	cp s2/track/*.json s2-state.before &&
	expect_exit 17 track s2 --branch nosuch >b.out 2>b.err &&
	test ! -s b.out &&
	test "$(errors b.err)" = "bootperf: error: remote '"'origin'"' has no branch '"'nosuch'"' (its branches: main, stable)" &&
	cmp s2-state.before s2/track/*.json
'

test_expect_success '--remote a path that does not exist: says so, exit 17' '
	expect_exit 17 track s2 --remote "$TEST_DIR/nowhere.git" >p.out 2>p.err &&
	test ! -s p.out &&
	test "$(errors p.err)" = "bootperf: error: remote path '"'$TEST_DIR/nowhere.git'"' does not exist (give --remote a repository'"'"'s path or URL)" &&
	cmp s2-state.before s2/track/*.json
'

test_expect_success 'a remote whose HEAD names a missing branch: one line, exit 17' '
	git init -q --bare -b main up2.git &&
	git -C dev push -q "$TEST_DIR/up2.git" main stable &&
	git -C up2.git symbolic-ref HEAD refs/heads/gone &&
	expect_exit 17 track s6 --remote "$TEST_DIR/up2.git" >h.out 2>h.err &&
	test ! -s h.out &&
	test "$(errors h.err)" = "bootperf: error: the HEAD of '"'$TEST_DIR/up2.git'"' names no branch it has: choose one with --branch (its branches: main, stable)"
'

test_expect_success 'a branch deleted upstream: what was fetched before, exit 15' '
	expect_exit 0 track s6 --remote "$TEST_DIR/up2.git" --branch stable >/dev/null &&
	git -C up2.git branch -q -D stable &&
	expect_exit 15 track s6 --remote "$TEST_DIR/up2.git" --branch stable >d.out 2>d.err &&
	grep -q "^bootperf: error: remote .$TEST_DIR/up2.git. no longer has branch .stable.$" d.err &&
	grep -q "^bootperf: warning: tracking what was fetched before: refs/bootperf/track/stable" d.err &&
	grep -q "^8 commits: 8 measured" d.out
'

test_expect_success '--threshold: a step below it is not reported' '
	expect_exit 0 track s0 --threshold 1000 >s5.out &&
	grep -q "^No unacknowledged regression" s5.out &&
	grep -q "(1 more below 1000%)" s5.out
'

test_expect_success 'report: the levels of the last track run, unless given' '
	bootperf report --store s0 --format json >s5.json &&
	test "$(json s5.json "\$j->{threshold_percent}")" = 1000 &&
	test "$(json s5.json "\$j->{alpha}")" = 0.01 &&
	test "$(json s5.json "\$j->{alert}")" = 0 &&
	bootperf report --store s0 --format json --threshold 20 >s5b.json &&
	test "$(json s5b.json "\$j->{alert}")" = 1 &&
	expect_exit 1 track s0 --threshold 20 --alpha 0.02 >/dev/null &&
	bootperf report --store s0 --format json >s5c.json &&
	test "$(json s5c.json "\$j->{threshold_percent}")" = 20 &&
	test "$(json s5c.json "\$j->{change_point_method}{alpha}")" = 0.02 &&
	test "$(json s5c.json "\$j->{alert}")" = 1
'

test_expect_success '--alpha: the permutations follow it, within reach' '
	expect_exit 1 track s0 --alpha 0.002 >s6.out 2>s6.err &&
	grep -q "^Change points (E-divisive means, 999 permutations, p <= 0.002," s6.out &&
	grep -q "degrades performance by" s6.out &&
	expect_exit 2 track s0 --alpha 0.00001 2>s6b.err &&
	grep -q "error: --alpha: .0.00001. is below 0.0001, the smallest level" s6b.err
'

test_expect_success 'too few --runs for the neighbours: a warning, as range' '
	grep -q "warning: --runs 3: the Mann-Whitney test needs at least 7 passes a side to reach p < 0.002" s6.err &&
	expect_exit 1 track s0 --runs 5 2>s6c.err &&
	! grep -q "needs at least" s6c.err
'

test_expect_success 'BUILD OPTIONS --config FILE and --modules-artifact' '
	echo "CONFIG_PLANTED=y" >kconf &&
	expect_exit 3 track s8 --config "$TEST_DIR/nosuch.config" 2>s8.err &&
	grep -q "error: --config: cannot read" s8.err &&
	expect_exit 0 track s8 --max-commits 1 --config kconf \
		--modules-artifact no/modules \
		--build "cp delay built && cp \"\$BOOTPERF_KERNEL_CONFIG\" \"$TEST_DIR/seen.config\"" >s8.out &&
	cmp kconf seen.config &&
	grep -q "the build did not produce .no/modules. (see --modules-artifact)" s8.out
'

test_expect_success '--force: refused, with what to do instead' '
	expect_exit 2 track s0 --force 2>force.err &&
	grep -q "error: track: .--force. is not a track option" force.err
'

test_expect_success '--json: the report document instead of text' '
	expect_exit 1 track s0 --json >s7.json &&
	test "$(json s7.json "\$j->{type}")" = bootperf-report &&
	test "$(json s7.json "\$j->{source}")" = track &&
	test "$(json s7.json "\$j->{branch}")" = main &&
	test "$(json s7.json "\$j->{alert}")" = 1
'

test_expect_success '--no-color: no colours on a terminal' '
	declare -f track >tty.sh &&
	echo "BOOTPERF=$BOOTPERF TEST_DIR=$TEST_DIR; bootperf() { \"\$BOOTPERF\" \"\$@\"; }; track s0 \"\$@\"" >>tty.sh &&
	{ script -qec "bash tty.sh" /dev/null >tty.txt || true; } &&
	grep -q "$(printf "\033")\[" tty.txt &&
	{ script -qec "bash tty.sh --no-color" /dev/null >tty2.txt || true; } &&
	grep -q "degrades performance" tty2.txt &&
	! grep -q "$(printf "\033")\[" tty2.txt
'

test_expect_success 'progress on a terminal counts the commits to measure, not --max-commits' '
	declare -f track >tty-prog.sh &&
	echo "BOOTPERF=$BOOTPERF TEST_DIR=$TEST_DIR; bootperf() { \"\$BOOTPERF\" \"\$@\"; }; track sprog" >>tty-prog.sh &&
	{ script -qec "bash tty-prog.sh" /dev/null | tr -d "\r" >prog.txt || true; } &&
	grep -q "^bootperf: \[1/12\] [0-9a-f]*: building" prog.txt &&
	grep -q "^bootperf: \[12/12\] [0-9a-f]*: measuring" prog.txt &&
	! grep -q "/20\]" prog.txt
'

# A second upstream, for a regression in its newest commit alone.
git init -q --bare -b main tip.git
git clone -q tip.git tipdev 2>/dev/null
git -C tipdev checkout -q -b main
tip_commit() { # tip_commit DELAY SUBJECT
	echo "$1" >tipdev/delay && git -C tipdev add delay &&
		git -C tipdev commit -q --allow-empty -m "$2" &&
		git -C tipdev push -q origin main
}
for i in 1 2 3 4 5 6 7 8 9 10; do tip_commit 0.10 "even $i"; done
git clone -q tip.git tiprepo
track_tip() {
	bootperf track --runner command --runs 3 --warmup 0 \
		--command 'sleep $(cat {worktree}/built)' --build 'cp delay built' \
		--threshold 20 --store "$TEST_DIR/st" "$@" "$TEST_DIR/tiprepo"
}

test_expect_success 'the newest commit alone 5x slower: a change at the tip, exit 1' '
	expect_exit 0 track_tip >tip1.out &&
	grep -q "^No unacknowledged regression" tip1.out &&
	tip_commit 0.50 "slow tip" &&
	expect_exit 1 track_tip >tip2.out &&
	cat tip2.out &&
	grep -A4 "degrades performance by [0-9.]*% at [0-9a-f]* slow tip" tip2.out >tip.cp &&
	grep -q "at the tip: the newest measured commit, not yet confirmed by a later commit" tip.cp &&
	grep -q "A regression is not acknowledged" tip2.out &&
	bootperf report --store st --format json >tip.json &&
	test "$(json tip.json "\$j->{change_points}[-1]{at_tip}")" = 1 &&
	test "$(json tip.json "\$j->{alert}")" = 1
'

test_expect_success 'ack silences it, and it stays known as more slow commits come' '
	bootperf ack --repo tiprepo --store st origin/main --note "known" >/dev/null &&
	expect_exit 0 track_tip >tip3.out &&
	tip_commit 0.50 "slow again" &&
	expect_exit 0 track_tip >tip4.out &&
	cat tip4.out &&
	grep -q "degrades performance by [0-9.]*% at [0-9a-f]* slow tip" tip4.out &&
	grep -q "at the tip: the newest 2 measured commits" tip4.out &&
	grep -q "acknowledged" tip4.out
'

test_done
