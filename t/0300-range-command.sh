#!/bin/bash
# bootperf range on a synthetic tree with the command runner: fast.  The
# "build" copies the commit's planted delay; the "boot" sleeps that long.
# timed: planted slowdowns and drifts must be found by their time
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires git
# Under valgrind this test would take 5 minutes alone (its planted
# sleeps, pass after pass); the paths only it reaches there (--interleave,
# the stored order and seed: about 170 lines) run under ASan and UBSan.
[ -z "${BOOTPERF_WRAPPER:-}" ] || skip_all "timed, 5 min alone under valgrind; run under ASan and UBSan"

git init -q repo
git -C repo config user.name t && git -C repo config user.email t@t
commit() { # commit DELAY SUBJECT
	echo "$1" >repo/delay && git -C repo add delay &&
		git -C repo commit -q --allow-empty -m "$2"
}
commit 0.10 "base"
commit 0.10 "docs only"
commit 0.10 "tidy"
commit 0.50 "slow down the boot"
commit 0.50 "unrelated"
echo x >repo/BROKEN && git -C repo add BROKEN && git -C repo commit -qm "break the build"
git -C repo rm -q BROKEN && git -C repo commit -qm "fix the build"
commit 0.10 "speed up the boot"
git -C repo tag v1
# shellcheck disable=SC2317 # called only from the eval'd test bodies
id() { git -C repo rev-parse --short=7 "$1"; }

# Every build appends to builds.log, every pass to boots.log.
# shellcheck disable=SC2317 # called only from the eval'd test bodies
range() {
	bootperf range --runner command --threshold 50 --runs 5 --warmup 1 \
		--command 'echo x >>"$TEST_DIR/boots.log"; sleep $(cat {worktree}/built)' \
		--build 'echo x >>../../builds.log; test ! -e BROKEN && cp delay built' \
		--store "$PWD/store" "$@"
}
# shellcheck disable=SC2317 # called only from the eval'd test bodies
count() { if [ -e "$1" ]; then wc -l <"$1"; else echo 0; fi; }

test_expect_success 'user checkout with uncommitted changes' '
	echo dirty >>repo/delay && echo new >repo/untracked &&
	git -C repo status --porcelain >status.before &&
	git -C repo rev-parse HEAD >head.before &&
	md5sum repo/.git/index >index.before
'

test_expect_success 'the planted slowdown and speedup are flagged, nothing else' '
	range repo v1~7..v1 >out.txt &&
	cat out.txt &&
	grep -A1 "^$(id v1~4) slow down the boot" out.txt |
		grep -q "↓ degrades performance by [0-9.]*%  (p=0.00794)" &&
	grep -A1 "^$(id v1) speed up the boot" out.txt |
		grep -q "↑ improves performance by [0-9.]*%" &&
	test "$(grep -c "performance by" out.txt)" = 2 &&
	grep -q "^Significant changes, largest first:" out.txt &&
	grep -A1 "^Significant" out.txt | grep -q "$(id v1~4) +[0-9.]*%" &&
	grep "^As ratios" out.txt >ratios.txt &&
	grep -q "^As ratios (Hodges-Lehmann, 99% distribution-free intervals): 1 slower, 1 faster, [0-3] the same within 50%, [0-3] inconclusive" ratios.txt &&
	test "$(($(sed "s/.* faster, \([0-9]*\) the same .*%, \([0-9]*\) inconclusive.*/\1 + \2/" ratios.txt)))" = 3
'

# 0.5 s to 0.1 s is -80%; a busy machine adds tens of ms to every pass,
# which pulls it towards 0 (-70% at 70 ms more): the percent must be the
# one the printed means give, and about the planted one.
test_expect_success 'percent is relative to the previous measured commit' '
	line=$(grep -A1 "^$(id v1) speed" out.txt | tail -n1) &&
	pct=$(echo "$line" | sed "s/.*by \([0-9.]*\)%.*/\1/") &&
	now=$(echo "$line" | sed "s/^.\([0-9.]*\)ms .*/\1/") &&
	was=$(grep -A1 "^$(id v1~1) fix the build" out.txt | tail -n1 |
		sed "s/^.\([0-9.]*\)ms .*/\1/") &&
	perl -e "exit !(abs(\$ARGV[0] - 100 * (\$ARGV[2] - \$ARGV[1]) / \$ARGV[2]) < 0.2)" "$pct" "$now" "$was" &&
	perl -e "exit !(\$ARGV[0] > 50 && \$ARGV[0] < 90)" "$pct"
'

# The report is judged again from the store: no build, no boot.
test_expect_success '--threshold, --alpha and --test decide what is flagged' '
	builds=$(count builds.log) && boots=$(count boots.log) &&
	range --threshold 500 --json repo v1~7..v1 >t500.json &&
	test "$(json t500.json "scalar @{\$j->{significant}}")" = 0 &&
	range --threshold 40 --json repo v1~7..v1 >t40.json &&
	test "$(json t40.json "scalar @{\$j->{significant}}")" = 2 &&
	range --alpha 0.005 --json repo v1~7..v1 >a.json 2>a.err &&
	test "$(json a.json "scalar @{\$j->{significant}}")" = 0 &&
	grep -q "needs at least 6 runs a side to reach p < 0.005" a.err &&
	range --test welch --json repo v1~7..v1 >w.json &&
	test "$(json w.json "\$j->{test}")" = welch &&
	test "$(json w.json "scalar @{\$j->{significant}}")" = 2 &&
	test "$(json w.json "\$j->{commits}[2]{change}{p}")" != 0.00793650793650794 &&
	perl -e "exit !(\$ARGV[0] < 0.01)" "$(json w.json "\$j->{commits}[2]{change}{p}")" &&
	test "$(count builds.log)" = "$builds" && test "$(count boots.log)" = "$boots"
'

# The larger change comes later in the range: the summary sorts by size.
# Sleeps of 0.1 s and more, --threshold 40: a busy machine adds tens of
# milliseconds to a pass, by turns (see the merges below).
test_expect_success 'the summary lists the significant changes largest first' '
	git init -q order &&
	for d in 0.1 0.1 0.2 0.8; do
		echo $d >order/delay && git -C order add delay &&
		git -C order commit -q --allow-empty -m "delay $d" || return 1
	done &&
	bootperf range --runner command --threshold 40 --runs 5 --warmup 0 \
		--command "sleep \$(cat {worktree}/built)" --build "cp delay built" \
		--store "$PWD/so" --json order HEAD~3..HEAD >order.json &&
	test "$(json order.json "join q( ), @{\$j->{significant}}")" = \
		"$(git -C order rev-parse HEAD HEAD~1 | tr "\n" " " | sed "s/ \$//")" &&
	bootperf range --runner command --threshold 40 --runs 5 --warmup 0 \
		--command "sleep \$(cat {worktree}/built)" --build "cp delay built" \
		--store "$PWD/so" order HEAD~3..HEAD >order.txt &&
	sed -n "/^Significant changes, largest first:/,\$p" order.txt >sig.txt &&
	test "$(sed -n 2p sig.txt | awk "{print \$1}")" = "$(git -C order rev-parse --short=7 HEAD)" &&
	test "$(sed -n 3p sig.txt | awk "{print \$1}")" = "$(git -C order rev-parse --short=7 HEAD~1)"
'

test_expect_success 'a build failure in the middle is reported, the walk goes on' '
	grep -A1 "^$(id v1~2) break the build" out.txt |
		grep -q "build-failed: build exited with status 1 (log: $PWD/store/logs/" &&
	grep -A1 "^$(id v1~1) fix the build" out.txt | grep -q "ms ±"
'

test_expect_success 'the user checkout was not touched' '
	git -C repo status --porcelain >status.after &&
	git -C repo rev-parse HEAD >head.after &&
	md5sum repo/.git/index >index.after &&
	cmp status.before status.after && cmp head.before head.after &&
	cmp index.before index.after && grep -q dirty repo/delay
'

test_expect_success 'every commit has one stored result' '
	test "$(ls store/results/*/ | grep -c "\.json$")" = 7
'

test_expect_success 'a second run builds and boots nothing, same report' '
	b=$(count builds.log) && p=$(count boots.log) &&
	range repo v1~7..v1 >again.txt &&
	test "$(count builds.log)" = "$b" && test "$(count boots.log)" = "$p" &&
	grep -q "^7 commits, 0 built and 0 passes run now" again.txt &&
	diff <(grep -v "commits, .* built" out.txt) \
		<(grep -v "commits, .* built" again.txt)
'

test_expect_success '--force measures again' '
	b=$(count builds.log) &&
	range --force repo v1~1..v1 >forced.txt &&
	test "$(count builds.log)" = $((b + 1))
'

# hl_matches JSON I: commit I's shift.estimate_percent is the median of
# log b - log a over every pass b of it and a of its base (commit I - 1
# here), computed again here.
# shellcheck disable=SC2317 # called only from the eval'd test bodies
hl_matches() {
	json "$1" "my \$i = $2; my @a = @{\$j->{commits}[\$i - 1]{samples_ms}};
		my @b = @{\$j->{commits}[\$i]{samples_ms}};
		my @d = sort { \$a <=> \$b } map { my \$x = \$_; map { log(\$_) - log(\$x) } @b } @a;
		my \$m = @d % 2 ? \$d[\$#d / 2] : (\$d[@d / 2 - 1] + \$d[@d / 2]) / 2;
		abs(100 * (exp(\$m) - 1) - \$j->{commits}[\$i]{change}{shift}{estimate_percent}) < 1e-6 ? q(ok) : q(differs)" |
		grep -qx ok
}

test_expect_success '--json: the whole range as one document' '
	range --json repo v1~7..v1 >out.json &&
	test "$(json out.json "scalar @{\$j->{commits}}")" = 7 &&
	test "$(json out.json "\$j->{status}")" = complete &&
	test "$(json out.json "\$j->{commits}[2]{change}{verdict}")" = regression &&
	test "$(json out.json "\$j->{commits}[3]{change}{verdict}")" = none &&
	test "$(json out.json "\$j->{commits}[6]{change}{verdict}")" = improvement &&
	test "$(json out.json "\$j->{commits}[4]{status}")" = build-failed &&
	test "$(json out.json "scalar @{\$j->{significant}}")" = 2 &&
	test "$(json out.json "\$j->{builds}")" = 0 &&
	test "$(json out.json "\$j->{commits}[2]{change}{shift}{verdict}")" = slower &&
	test "$(json out.json "\$j->{commits}[6]{change}{shift}{verdict}")" = faster &&
	test "$(json out.json "\$j->{commits}[2]{change}{shift}{level}")" = 0.99 &&
	hl_matches out.json 2 && hl_matches out.json 6
'

# shellcheck disable=SC2317 # called only from the eval'd test bodies
hang_range() {
	exec ${BOOTPERF_WRAPPER:-} "$BOOTPERF" range --runner command --runs 5 --warmup 0 \
		--store "$PWD/store9" --build "cp delay built" \
		--command "test ! -e $TEST_DIR/hang || test \$(cat {worktree}/built) != 0.50 || sleep $(mark 919)" \
		"$@"
}

test_expect_success 'kill -9 mid-run loses at most the commit in progress' '
	touch hang
	(hang_range repo v1~7..v1 >killed.txt 2>&1) &
	pid=$! &&
	for i in $(seq 1 100); do
		grep -q "^$(id v1~5) tidy" killed.txt 2>/dev/null && break
		sleep 0.1
	done &&
	sleep 1 && kill -9 $pid &&
	{ wait $pid || true; } && no_process "sleep $(mark 919)" &&
	test "$(ls store9/results/*/ | grep -c "\.json$")" = 2 &&
	test -z "$(find store9/results -name ".*" -type f)"
'

# The commit the killed run was booting had been built and its
# artifacts captured: the next run boots that copy, and builds four of
# the five commits it measures.
test_expect_success 'the next run resumes where the killed one stopped' '
	rm hang && (hang_range --json repo v1~7..v1 >resumed.json) &&
	test "$(json resumed.json "\$j->{commits}[0]{from_store}")" = 1 &&
	test "$(json resumed.json "\$j->{commits}[1]{from_store}")" = 1 &&
	test "$(json resumed.json "\$j->{commits}[2]{from_store}")" = 0 &&
	test "$(json resumed.json "\$j->{builds}")" = 4
'

test_expect_success 'SIGINT mid-build: exit 130, build killed, results kept' '
	(exec ${BOOTPERF_WRAPPER:-} "$BOOTPERF" range --runner command \
		--runs 1 --warmup 0 --store "$PWD/store-int" --command true \
		--build "test \$(cat delay) != 0.50 || sleep \$(( $(mark 717) - 1 + 1 ))" \
		repo v1~7..v1 >int.txt 2>interr.txt) &
	pid=$! &&
	started "sleep $(mark 717)" &&
	kill -INT $pid && rc=0 && wait $pid || rc=$? &&
	test "$rc" = 130 && no_process "sleep $(mark 717)" &&
	test -z "$(find store-int -path store-int/worktree -prune -o -name "*.tmp" -print)" &&
	test "$(ls store-int/results/*/ | grep -c "\.json$")" = 2 &&
	grep -q "^2 commits, 3 built" int.txt &&
	grep -q "^Interrupted after 2 of 7 commits: this report is partial" int.txt &&
	git -C store-int/worktree status --porcelain >wt-status &&
	! grep -v "^??" wt-status
'

test_expect_success 'SIGINT with --json: "status": "interrupted", the commits so far' '
	(exec ${BOOTPERF_WRAPPER:-} "$BOOTPERF" range --runner command \
		--runs 1 --warmup 0 --store "$PWD/store-intj" --command true --json \
		--build "test \$(cat delay) != 0.50 || sleep \$(( $(mark 718) - 1 + 1 ))" \
		repo v1~7..v1 >intj.json 2>intjerr.txt) &
	pid=$! &&
	started "sleep $(mark 718)" &&
	kill -INT $pid && rc=0 && wait $pid || rc=$? &&
	test "$rc" = 130 && no_process "sleep $(mark 718)" &&
	test "$(json intj.json "\$j->{status}")" = interrupted &&
	test "$(json intj.json "\$j->{range_commits}")" = 7 &&
	test "$(json intj.json "scalar @{\$j->{commits}}")" = 2 &&
	(exec ${BOOTPERF_WRAPPER:-} "$BOOTPERF" range --runner command \
		--runs 1 --warmup 0 --store "$PWD/store-intj" --command true --json \
		--build true repo v1~7..v1 >intj2.json 2>/dev/null) &&
	test "$(json intj2.json "\$j->{status}")" = complete &&
	test "$(json intj2.json "scalar @{\$j->{commits}}")" = 7
'

test_expect_success 'a hung build is killed at --build-timeout, the walk goes on' '
	expect_exit 14 bootperf range --runner command --command true --runs 1 --warmup 0 \
		--store "$PWD/store-bt" --build-timeout 1 \
		--build "test \$(cat delay) != 0.50 || sleep \$(( $(mark 616) - 1 + 1 ))" \
		repo v1~5..v1~3 >bt.txt &&
	grep -A1 "^$(id v1~4) slow down the boot" bt.txt |
		grep -q "build-failed: build did not finish within 1 s; killed" &&
	grep -A1 "^$(id v1~3) unrelated" bt.txt | grep -q "build-failed" &&
	no_process "sleep $(mark 616)"
'

test_expect_success '--qemu-arg: a wrapper passes each argument as one word' '
	cat >fakehv <<-\EOS &&
	#!/bin/sh
	for a in "$@"; do printf "[%s]\n" "$a"; done >"$(dirname "$0")/hv-args"
	EOS
	chmod +x fakehv &&
	bootperf range --runner command --command "{hv} -version" --runs 1 \
		--warmup 0 --store "$PWD/store-qa" --hv "$PWD/fakehv" \
		--qemu-arg -L --qemu-arg "{worktree}/pc bios" \
		--qemu-arg "it'"'"'s \$(x)" repo v1 >qa.txt &&
	grep -qx "\[-L\]" hv-args &&
	grep -qx "\[$PWD/store-qa/artifacts/[0-9a-f]\{12\}/$(git -C repo rev-parse v1)/pc bios\]" hv-args &&
	grep -qx "\[it'"'"'s \$(x)\]" hv-args &&
	grep -qx "\[-version\]" hv-args
'

# A machine that slows down steadily: every pass takes 50 ms longer than
# the one before, whatever the commit.  Commit by commit, the later
# commit looks more than twice as slow; in turns, nothing changed.  (With
# 20 ms a pass, a busy machine's noise hid the drift under ASan.)
# shellcheck disable=SC2034 # read by the test bodies
drift='n=$(wc -l <"$TEST_DIR/drift"); echo x >>"$TEST_DIR/drift"; sleep $(awk -v n=$n "BEGIN { print 0.05 + n * 0.05 }")'

test_expect_success 'commit by commit, drift looks like a regression' '
	: >drift &&
	bootperf range --runner command --command "$drift" --runs 5 \
		--warmup 0 --store "$PWD/sd" --json repo v1~6..v1~4 >seq.json &&
	test "$(json seq.json "\$j->{commits}[1]{change}{verdict}")" = regression
'

for mode in alternate random; do
	test_expect_success "--interleave $mode: drift is not a regression" '
		: >drift &&
		bootperf range --runner command --command "$drift" --runs 5 \
			--warmup 1 --store "$PWD/id-'$mode'" --interleave '$mode' \
			--json repo v1~6..v1~4 >il.json &&
		test "$(json il.json "\$j->{commits}[1]{change}{verdict}")" = none &&
		json il.json "\$j->{passes}" | grep -q "^interleaved" &&
		test "$(json il.json "\$j->{boots}")" = 18 &&
		test "$(ls id-'$mode'/results/*/ | wc -l)" = 2
	'
done

# Each pass logs the worktree it ran in: alternate keeps the order of a
# pair, random swaps some (20 pairs: all alike by chance once in 2^19).
test_expect_success '--interleave: alternate keeps the turns, random shuffles them' '
	for mode in alternate random; do
		: >order-$mode.log &&
		bootperf range --runner command --runs 20 --warmup 0 \
			--command "basename \"\$BOOTPERF_WORKTREE\" >>\"\$TEST_DIR/order-$mode.log\"" \
			--store "$PWD/io-$mode" --interleave $mode --json \
			repo v1~6..v1~4 >io.json || return 1
		tail -n 40 order-$mode.log | paste -d" " - - | sort | uniq -c >pairs-$mode &&
		cat pairs-$mode || return 1
	done &&
	test "$(wc -l <pairs-alternate)" = 1 &&
	test "$(wc -l <pairs-random)" = 2 &&
	json io.json "\$j->{passes}" | grep -q "random order (seed [0-9]*)"
'

# The seed is the time in seconds: the cached run is a second later.
test_expect_success '--interleave random: its own configuration, the seed of the passes shown' '
	irs() {
		bootperf range --runner command --command true --runs 5 \
			--warmup 0 --store "$PWD/irs" --json "$@" repo v1~6..v1~4
	} &&
	irs --interleave random >r1.json &&
	seed=$(json r1.json "\$j->{passes}" | sed -n "s/.*random order (seed \([0-9]*\))$/\1/p") &&
	test -n "$seed" &&
	test "$(json irs/results/*/"$(git -C repo rev-parse v1~4)".json "\$j->{baseline}{seed}")" = "$seed" &&
	test "$(json irs/results/*/"$(git -C repo rev-parse v1~4)".json "\$j->{baseline}{order}")" = random &&
	sleep 1.1 && irs --interleave random >r2.json &&
	test "$(json r2.json "\$j->{boots}")" = 0 &&
	test "$(json r2.json "\$j->{passes}")" = "$(json r1.json "\$j->{passes}")" &&
	irs --interleave alternate >a1.json &&
	test "$(json a1.json "\$j->{boots}")" = 15 &&
	test "$(json a1.json "\$j->{config_id}")" != "$(json r1.json "\$j->{config_id}")" &&
	json a1.json "\$j->{passes}" | grep -q "(A B A B)$"
'

test_expect_success '--interleave: the summary and JSON show the paired baseline' '
	: >drift &&
	bootperf range --runner command --command "$drift" --runs 5 --warmup 0 \
		--store "$PWD/ib" --interleave alternate --json \
		repo v1~6..v1~4 >ib.json &&
	test "$(json ib.json "\$j->{commits}[1]{change}{paired}")" = 1 &&
	test "$(json ib.json "scalar @{\$j->{commits}[1]{change}{against_samples_ms}}")" = 5 &&
	perl -e "exit !(abs(\$ARGV[0] - \$ARGV[1]) > 1)" \
		"$(json ib.json "\$j->{commits}[1]{change}{against_mean_ms}")" \
		"$(json ib.json "\$j->{commits}[0]{statistics}{mean_ms}")"
'

test_expect_success '--interleave still finds the planted changes' '
	range --interleave alternate --store "$PWD/il-store" repo v1~7..v1 >il.txt &&
	grep -A1 "^$(id v1~4) slow down the boot" il.txt |
		grep -q "↓ degrades performance by" &&
	grep -A1 "^$(id v1) speed up the boot" il.txt |
		grep -q "↑ improves performance by" &&
	test "$(grep -c "performance by" il.txt)" = 2 &&
	grep -q "passes interleaved with the previous commit.s (A B A B)" il.txt &&
	grep -q "^  $(id v1~4) +[0-9.]*% ([0-9.]*ms in turns -> [0-9.]*ms)  slow down the boot$" il.txt &&
	ls il-store/worktree-2 >/dev/null
'

test_expect_success '--first-parent stays on the mainline' '
	git -C repo checkout -q -b side v1 &&
	commit 0.05 "side one" && commit 0.05 "side two" &&
	git -C repo checkout -q master 2>/dev/null || git -C repo checkout -q main &&
	git -C repo merge -q --no-ff -m "merge side" side &&
	bootperf range --runner command --command true --runs 1 --warmup 0 \
		--store "$PWD/fp" --json --first-parent repo v1..HEAD >fp.json &&
	test "$(json fp.json "scalar @{\$j->{commits}}")" = 1 &&
	bootperf range --runner command --command true --runs 1 --warmup 0 \
		--store "$PWD/fp" --json repo v1..HEAD >all.json &&
	test "$(json all.json "scalar @{\$j->{commits}}")" = 3
'

test_expect_success '--every and --max-commits sample long ranges' '
	bootperf range --runner command --command true --runs 1 --warmup 0 \
		--store "$PWD/fp" --json --every 2 repo v1~7..v1 >every.json &&
	test "$(json every.json "scalar @{\$j->{commits}}")" = 4 &&
	test "$(json every.json "\$j->{commits}[-1]{commit}")" = "$(git -C repo rev-parse v1)" &&
	bootperf range --runner command --command true --runs 1 --warmup 0 \
		--store "$PWD/fp" --json --max-commits 3 repo v1~7..v1 >max.json &&
	test "$(json max.json "scalar @{\$j->{commits}}")" = 3
'

# A side branch with the slowdown, merged: the walk lists the commits of
# both branches in turn, and each is compared with its own first parent.
# 0.1 s against 0.5 s, --threshold 60: under ASan beside a CPU hog a pass
# took 40-70 ms more than its sleep, by turns (sleeps of 0.05 s flagged
# "main 3" as 25% faster than c2 in such a run); the planted step stays
# above +200% with 100 ms more a pass.
git init -q mg && git -C mg config user.name t && git -C mg config user.email t@t
mgc() { # mgc DELAY SUBJECT
	echo "$1" >mg/delay && git -C mg add delay &&
		git -C mg commit -q --allow-empty -m "$2"
}
mgc 0.1 c1 && mgc 0.1 c2 && git -C mg checkout -q -b side &&
	mgc 0.5 side-slow && git -C mg tag slow && mgc 0.5 side2 &&
	git -C mg checkout -q - && mgc 0.1 "main 3" && mgc 0.1 "main 4" &&
	git -C mg merge -q --no-ff -m Merge side && mgc 0.5 "after merge"
# shellcheck disable=SC2317 # called only from the eval'd test bodies
mgid() { git -C mg rev-parse "$@"; }
# shellcheck disable=SC2317 # called only from the eval'd test bodies
mg_range() {
	bootperf range --runner command --runs 5 --warmup 0 --threshold 60 \
		--command 'sleep $(cat {worktree}/built)' --build 'cp delay built' \
		--store "$PWD/smg" "$@" mg HEAD~5..HEAD
}
# shellcheck disable=SC2317 # called only from the eval'd test bodies
against() { # against JSON SUBJECT: the id its change is against
	json "$1" "join q(), map { \$_->{change} ? \$_->{change}{against} : q(-) } grep { \$_->{subject} eq q($2) } @{\$j->{commits}}"
}

test_expect_success 'across merges: each commit against its first parent, the base named' '
	mg_range >mg.txt && cat mg.txt &&
	grep -A1 "^$(mgid --short slow) side-slow" mg.txt |
		grep -q "↓ degrades performance by [0-9.]*%  (p=" &&
	grep -A1 "^$(mgid --short HEAD~1) Merge" mg.txt |
		grep -q "↓ degrades performance by [0-9.]*%  (p=" &&
	test "$(grep -c "performance by" mg.txt)" = 2 &&
	grep -A1 "^$(mgid --short HEAD~3) main 3" mg.txt |
		grep -q "(against $(mgid --short HEAD~4): no significant change)$" &&
	grep -A1 "^$(mgid --short HEAD~2) main 4" mg.txt |
		grep -q "(against $(mgid --short HEAD~3): no significant change)$" &&
	grep -q "^  $(mgid --short slow) +[0-9.]*% ([0-9.]*ms -> [0-9.]*ms)  side-slow$" mg.txt
'

test_expect_success 'across merges: JSON against, bootperf report the same way' '
	mg_range --json >mg.json &&
	test "$(against mg.json side-slow)" = "$(mgid HEAD~4)" &&
	test "$(against mg.json "main 3")" = "$(mgid HEAD~4)" &&
	test "$(against mg.json side2)" = "$(mgid slow)" &&
	test "$(against mg.json "main 4")" = "$(mgid HEAD~3)" &&
	test "$(against mg.json Merge)" = "$(mgid HEAD~2)" &&
	test "$(against mg.json "after merge")" = "$(mgid HEAD~1)" &&
	test "$(json mg.json "\$j->{commits}[0]{change}")" = null &&
	test "$(json mg.json "join q( ), sort @{\$j->{significant}}")" = "$(mgid HEAD~1 slow | sort | tr "\n" " " | sed "s/ $//")" &&
	bootperf report --store "$PWD/smg" --repo mg --threshold 60 HEAD~5..HEAD >mgr.txt &&
	grep -A1 "^$(mgid --short HEAD~3) main 3" mgr.txt |
		grep -q "(against $(mgid --short HEAD~4): no significant change)$" &&
	test "$(grep -c "^	.*performance by" mgr.txt)" = 2 &&
	bootperf report --store "$PWD/smg" --repo mg --threshold 60 --format json HEAD~5..HEAD >mgr.json &&
	test "$(against mgr.json "main 4")" = "$(mgid HEAD~3)" &&
	bootperf report --store "$PWD/smg" --repo mg --threshold 60 --format md HEAD~5..HEAD >mgr.md &&
	grep -q "^| \`$(mgid --short HEAD~2)\` | main 4 | .* against \`$(mgid --short HEAD~3)\` |" mgr.md &&
	grep -q "^| \`$(mgid --short slow)\` | side-slow | .* | \*\*↓ +[0-9.]*%\*\* | " mgr.md &&
	bootperf report --store "$PWD/smg" --repo mg --threshold 60 --format html HEAD~5..HEAD >mgr.html &&
	grep -q "against $(mgid --short HEAD~3)</td>" mgr.html
'

test_expect_success 'across merges, --interleave pairs each commit with its base' '
	mg_range --interleave alternate --json >mgi.json &&
	for s in side-slow "main 3" side2 "main 4" Merge "after merge"; do
		test "$(json mgi.json "join q(), map { \$_->{change}{paired} ? q(paired) : q(no) } grep { \$_->{subject} eq q($s) } @{\$j->{commits}}")" = paired || return 1
	done &&
	test "$(against mgi.json "main 3")" = "$(mgid HEAD~4)" &&
	test "$(against mgi.json Merge)" = "$(mgid HEAD~2)" &&
	test "$(json mgi.json "join q( ), sort @{\$j->{significant}}")" = "$(mgid HEAD~1 slow | sort | tr "\n" " " | sed "s/ $//")"
'

test_expect_success '--every: each sampled commit against the sampled one before' '
	bootperf range --runner command --command true --runs 1 --warmup 0 \
		--store "$PWD/fp" --json --every 2 repo v1~7..v1 >every2.json &&
	for k in 1 2 3; do
		test "$(json every2.json "\$j->{commits}[$k]{change}{against}")" = \
			"$(json every2.json "\$j->{commits}[$((k - 1))]{commit}")" || return 1
	done
'

test_expect_success 'bad input: one line, distinct exit status' '
	expect_exit 7 bootperf range --runner command --command true \
		"$TEST_DIR" v1 2>err && grep -q "is not a git repository" err &&
	expect_exit 17 bootperf range --runner command --command true \
		repo nope..v1 2>err && grep -q "unknown revision .nope." err &&
	expect_exit 18 bootperf range --runner command --command true \
		repo v1~2...v1 2>err && grep -q "symmetric range" err &&
	expect_exit 19 bootperf range --runner command --command true \
		repo v1..v1~2 2>err && grep -q "has no commits (reversed? try .v1~2..v1.)" err &&
	expect_exit 8 bootperf range --runner command --command true \
		repo v1..v1 2>err && grep -q "range .v1..v1. has no commits$" err &&
	expect_exit 2 bootperf range repo 2>err && grep -q "needs REPO and RANGE" err &&
	expect_exit 2 bootperf range --alpha 2 repo v1 2>err && grep -q -- "--alpha" err &&
	expect_exit 2 bootperf range --preset gcc repo v1 2>err &&
	expect_exit 10 bootperf range --runner command --command true \
		--store "$PWD/s10" --build no-such-build-tool repo v1 2>err &&
	grep -q "^bootperf: error: --build: .no-such-build-tool. was not found in the first commit: no-such-build-tool; see the log" err &&
	expect_exit 9 bootperf range --runner command --command true \
		--store /dev/null/store repo v1 2>err
'

# A script of the tree's own can come later in the range: only a
# command that is on no PATH stops the walk.
test_expect_success 'a build script the first commit lacks: that commit fails, the walk goes on' '
	git init -q scripted &&
	git -C scripted commit -q --allow-empty -m "root" &&
	echo one >scripted/f && git -C scripted add f &&
	git -C scripted commit -qm "before the script" &&
	printf "#!/bin/sh\ntrue\n" >scripted/build.sh && chmod +x scripted/build.sh &&
	git -C scripted add build.sh && git -C scripted commit -qm "add build.sh" &&
	bootperf range --runner command --command true --runs 1 --warmup 0 \
		--build ./build.sh --store "$PWD/sscript" --json \
		scripted HEAD~2..HEAD >scr.json 2>/dev/null &&
	test "$(json scr.json "join q( ), map { \$_->{status} } @{\$j->{commits}}")" = "build-failed ok" &&
	test "$(json scr.json "\$j->{commits}[0]{message}")" = "build: '\''./build.sh'\'' not found in this commit (exit 127)"
'

test_expect_success 'a store in use by another run: exit 9, nothing lost' '
	mkdir -p busy && bootperf range --runner command --command true \
		--runs 1 --warmup 0 --store "$PWD/busy" repo v1 >/dev/null &&
	flock busy/lock sleep 5 & sleep 1 &&
	expect_exit 9 bootperf range --runner command --command true \
		--runs 1 --warmup 0 --store "$PWD/busy" repo v1 2>err &&
	grep -q "in use by another bootperf" err && wait &&
	test "$(ls busy/results/*/ | grep -c "\.json$")" = 1
'

test_expect_success 'two bootperf runs on one store: the second stops, the first finishes' '
	(exec ${BOOTPERF_WRAPPER:-} "$BOOTPERF" range --runner command \
		--command "touch \"\$TEST_DIR/two/started\"; sleep 0.3" --runs 5 --warmup 0 \
		--build true --store "$PWD/two" --json repo v1~2..v1 >first.json) &
	pid=$! &&
	for _ in $(seq 100); do test -e two/started && break; sleep 0.1; done &&
	test -e two/started &&
	expect_exit 9 bootperf range --runner command --command true --runs 5 \
		--warmup 0 --build true --store "$PWD/two" repo v1~2..v1 2>err &&
	grep -q "in use by another bootperf" err &&
	wait $pid &&
	test "$(json first.json "join q( ), map { \$_->{status} } @{\$j->{commits}}")" = "ok ok" &&
	test "$(ls two/results/*/ | grep -c "\.json$")" = 2 &&
	for f in two/results/*/*.json; do json "$f" "\$j->{status}" >/dev/null || exit 1; done
'

# The same configuration as range() above, as a script for script(1).
cat >tty-range.sh <<EOS
#!/bin/bash
exec "$BOOTPERF" range --runner command --threshold 50 --runs 5 --warmup 1 \\
	--command 'echo x >>"\$TEST_DIR/boots.log"; sleep \$(cat {worktree}/built)' \\
	--build 'echo x >>../../builds.log; test ! -e BROKEN && cp delay built' \\
	--store "$PWD/store" "\$@" repo v1~7..v1
EOS
chmod +x tty-range.sh
# shellcheck disable=SC2034 # read by the test bodies
esc=$(printf "\033")

test_expect_success 'progress on a terminal only: commit k/n, phase, time left' '
	cat >tty-progress.sh <<-EOS &&
	#!/bin/bash
	exec "$BOOTPERF" range --runner command --command "sleep 0.2" \
		--build true --runs 2 --warmup 0 --store "$PWD/sp" "\$@" repo v1~3..v1
	EOS
	chmod +x tty-progress.sh &&
	script -qec "./tty-progress.sh --json" /dev/null | tr -d "\r" >prog.txt &&
	cat prog.txt &&
	grep -q "^bootperf: \[1/3\] $(id v1~2): building ([0-9]*s elapsed)$" prog.txt &&
	grep -q "^bootperf: \[2/3\] $(id v1~1): measuring ([0-9]*s elapsed, about [0-9]*s left)$" prog.txt &&
	rm -rf sp && ./tty-progress.sh >pipe.out 2>pipe.err &&
	! grep -q "\[1/3\]" pipe.err
'

test_expect_success 'colour only on a terminal, never with NO_COLOR' '
	script -qec ./tty-range.sh /dev/null >tty.txt &&
	grep -q "$esc\[1;31m↓ degrades" tty.txt &&
	NO_COLOR=1 script -qec ./tty-range.sh /dev/null >nc.txt &&
	grep -q "↓ degrades" nc.txt && ! grep -q "$esc\[" nc.txt &&
	./tty-range.sh >pipe.txt && grep -q "↓ degrades" pipe.txt &&
	! grep -q "$esc\[" pipe.txt &&
	script -qec "./tty-range.sh --no-color" /dev/null >flag.txt &&
	! grep -q "$esc\[1;31m" flag.txt
'

test_done
