#!/bin/bash
# bootperf build: each commit of a range (or of one shard) built and
# captured, nothing booted; range then builds nothing.  Shards split the
# commits by index; a shard's artifacts copied into another store are
# used there (a copy that lost its mtimes is hashed once: its manifest
# takes the new ones).  Build failures are stored as range stores them.  The
# command runner; the assertions count builds and boots, never time.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016,SC2034,SC2317 # SC2317: koalaman/shellcheck#3183
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires git

git init -q repo
for i in 0 1 2 3 4 5 6; do
	echo "0.0$i" >repo/delay && echo "$i" >repo/n &&
		git -C repo add delay n && git -C repo commit -qm "commit $i"
done

# Every build and every boot is logged; the build keeps the commit's id.
opts=(--runner command --warmup 0 --runs 2 --artifact id
	--command 'sleep $(cat {worktree}/built); echo x >>"$TEST_DIR/boots.log"'
	--build 'git rev-parse HEAD | tee id >>"$TEST_DIR/builds.log"; cp delay built')
count() { if [ -e "$1" ]; then wc -l <"$1"; else echo 0; fi; }
# commit_at K: the id of the K-th commit of HEAD~6..HEAD (0 the oldest).
commit_at() { git -C repo rev-list --reverse HEAD~6..HEAD | sed -n "$(($1 + 1))p"; }

test_expect_success 'build: every commit built and captured, nothing booted; range then builds nothing' '
	bootperf build "${opts[@]}" --store "$PWD/s" repo HEAD~6..HEAD >b1 &&
	cat b1 &&
	test "$(count builds.log)" = 6 && test "$(count boots.log)" = 0 &&
	test -z "$(sort builds.log | uniq -d)" &&
	grep -q "^$(git -C repo rev-parse --short HEAD) commit 6\$" b1 &&
	test "$(grep -c "^	built in [0-9.]*s and captured\$" b1)" = 6 &&
	grep -q "^6 commits: 6 built now, 0 captured before, 0 build-failed (0 of them before)\$" b1 &&
	grep -q "^Artifacts: $PWD/s/artifacts/[0-9a-f]\{12\} (build id [0-9a-f]\{12\}; 6 captured now, " b1 &&
	for k in 0 1 2 3 4 5; do
		test "$(cat s/artifacts/*/"$(commit_at "$k")"/id)" = "$(commit_at "$k")" || return 1
	done &&
	bootperf build "${opts[@]}" --store "$PWD/s" --json repo HEAD~6..HEAD >b2.json &&
	test "$(count builds.log)" = 6 &&
	test "$(json b2.json "\$j->{type}")" = bootperf-build &&
	test "$(json b2.json "\$j->{builds}")" = 0 &&
	test "$(json b2.json "join q(,), map { \$_->{state} } @{\$j->{commits}}")" = captured,captured,captured,captured,captured,captured &&
	test "$(json b2.json "\$j->{commits}[0]{dir}")" = "$PWD/s/artifacts/$(json b2.json "\$j->{build_id}")/$(commit_at 0)" &&
	bootperf range "${opts[@]}" --store "$PWD/s" --json repo HEAD~6..HEAD >r.json 2>/dev/null &&
	test "$(count builds.log)" = 6 && test "$(count boots.log)" = 12 &&
	test "$(json r.json "\$j->{builds}")" = 0 &&
	test "$(json r.json "\$j->{artifacts}{reused}")" = 6
'

test_expect_success '--shard K/N: commit i goes to shard (i mod N) + 1; shards gathered by copying' '
	rm -f builds.log &&
	for k in 1 2 3; do
		bootperf build "${opts[@]}" --store "$PWD/sh$k" --shard "$k/3" \
			--json repo HEAD~6..HEAD >"sh$k.json" || return 1
	done &&
	test "$(count builds.log)" = 6 && test -z "$(sort builds.log | uniq -d)" &&
	test "$(json sh2.json "join q(,), map { \$_->{commit} } @{\$j->{commits}}")" = "$(commit_at 1),$(commit_at 4)" &&
	test "$(json sh3.json "join q(,), \$j->{range_commits}, @{\$j->{shard}}, scalar @{\$j->{commits}}")" = 6,3,3,2 &&
	bootperf build "${opts[@]}" --store "$PWD/sh1" --shard 1/3 repo HEAD~6..HEAD >sh1.txt &&
	grep -q "^Shard 1/3: 2 of the range.s 6 commits: 0 built now, 2 captured before, 0 build-failed (0 of them before)\$" sh1.txt &&
	id=$(json sh1.json "\$j->{build_id}") &&
	cp -a sh2/artifacts/"$id"/* sh1/artifacts/"$id"/ &&
	cp -r sh3/artifacts/"$id"/* sh1/artifacts/"$id"/ &&
	bootperf range "${opts[@]}" --store "$PWD/sh1" --json repo HEAD~6..HEAD >shr.json 2>/dev/null &&
	test "$(count builds.log)" = 6 &&
	test "$(json shr.json "\$j->{builds}")" = 0 &&
	c2=$(commit_at 2) &&
	test "$(sed -n "s/^f [0-9a-f]* [0-9]* \([0-9.]*\) built\$/\1/p" sh1/artifacts/"$id/$c2"/.bootperf-manifest)" = \
		"$(stat -c %.9Y sh1/artifacts/"$id/$c2"/built)" &&
	bootperf build "${opts[@]}" --store "$PWD/sh1" --shard 8/9 repo HEAD~6..HEAD >empty 2>err &&
	grep -q "shard 8/9 of a range of 6 commits has none" err &&
	grep -q "^Shard 8/9: 0 of the range.s 6 commits: 0 built now" empty
'

# Commits 2 and 5 do not build.
test_expect_success 'build failures: stored as range stores them, not built again but with --force' '
	rm -f builds.log &&
	fo=("${opts[@]}" --build "git rev-parse HEAD >>\"$TEST_DIR/builds.log\"; test \$(cat n) != 2 && test \$(cat n) != 5 && cp delay built") &&
	bootperf build "${fo[@]}" --store "$PWD/f" repo HEAD~6..HEAD >f1 &&
	cat f1 &&
	test "$(count builds.log)" = 6 &&
	test "$(grep -c "^	build-failed: .*(log: $PWD/f/logs/.*\.build\.log)\$" f1)" = 2 &&
	grep -q "^6 commits: 4 built now, 0 captured before, 2 build-failed (0 of them before)\$" f1 &&
	bootperf build "${fo[@]}" --store "$PWD/f" --json repo HEAD~6..HEAD >f2.json &&
	test "$(count builds.log)" = 6 &&
	test "$(json f2.json "join q(,), map { \$_->{state} } @{\$j->{commits}}")" = captured,build-failed-before,captured,captured,build-failed-before,captured &&
	bootperf range "${fo[@]}" --store "$PWD/f" --json repo HEAD~6..HEAD >f3.json 2>/dev/null &&
	test "$(count builds.log)" = 6 &&
	test "$(json f3.json "\$j->{commits}[1]{status}")" = build-failed &&
	bootperf build "${fo[@]}" --store "$PWD/f" --force repo HEAD~6..HEAD >f4 &&
	test "$(count builds.log)" = 12 &&
	expect_exit 14 bootperf build "${opts[@]}" --build false \
		--store "$PWD/f0" repo HEAD~6..HEAD >f0.out 2>f0err &&
	grep -q "^bootperf: error: no commit of the range could be built (6 build-failed)\$" f0err
'

test_expect_success '--force and a build that fails now: a result with passes is kept' '
	kb=("${opts[@]}" --build "git rev-parse HEAD >id; test ! -e \"$TEST_DIR/fail3\" || test \$(cat n) != 3 && cp delay built") &&
	bootperf range "${kb[@]}" --store "$PWD/k" repo HEAD~6..HEAD >k1 2>/dev/null &&
	c3=$(commit_at 2) &&
	test "$(json k/results/*/"$c3".json "\$j->{status}")" = ok &&
	touch fail3 &&
	bootperf build "${kb[@]}" --store "$PWD/k" --force --json repo HEAD~6..HEAD >k2.json &&
	test "$(json k2.json "\$j->{commits}[2]{state}")" = build-failed &&
	test "$(json k2.json "\$j->{commits}[0]{state}")" = built &&
	test "$(json k/results/*/"$c3".json "\$j->{status}")" = ok &&
	test "$(json k/results/*/"$c3".json "scalar @{\$j->{bench}{samples_ms}}")" = 2
'

test_expect_success 'no --build: the files checked out are captured; evictions are said' '
	nb=(--runner command --command "sleep \$(cat {worktree}/delay)") &&
	bootperf build "${nb[@]}" --store "$PWD/n" repo HEAD~6..HEAD >n1 &&
	test "$(grep -c "^	captured (no build command)\$" n1)" = 6 &&
	bootperf build "${nb[@]}" --store "$PWD/n" --json repo HEAD~6..HEAD >n2.json &&
	test "$(json n2.json "join q(,), map { \$_->{state} . q(:) . (\$_->{build_s} // q(null)) } @{\$j->{commits}}")" = \
		captured:null,captured:null,captured:null,captured:null,captured:null,captured:null &&
	bootperf build "${nb[@]}" --store "$PWD/e" --artifacts-max 1 --shard 1/2 repo HEAD~6..HEAD >e1 2>/dev/null &&
	bootperf build "${nb[@]}" --store "$PWD/e" --artifacts-max 1 --shard 2/2 repo HEAD~6..HEAD >e2 2>/dev/null &&
	grep -q "^Evicted 3 older copies to stay under --artifacts-max: they are built again when next wanted\$" e2
'

test_expect_success 'SIGINT mid-build: exit 130, what was captured kept, the next run goes on' '
	touch hang
	hb=(--build "git rev-parse HEAD >id; test ! -e \"$TEST_DIR/hang\" || test \$(cat n) != 3 || sleep \$(( $(mark 315) - 1 + 1 )); cp delay built")
	(exec ${BOOTPERF_WRAPPER:-} "$BOOTPERF" build "${opts[@]}" "${hb[@]}" \
		--store "$PWD/i" repo HEAD~6..HEAD >i1 2>i1err) &
	pid=$! &&
	started "sleep $(mark 315)" &&
	kill -INT $pid && rc=0 && wait $pid || rc=$? &&
	test "$rc" = 130 && no_process "sleep $(mark 315)" &&
	cat i1 &&
	grep -q "^2 commits: 2 built now, 0 captured before, 0 build-failed" i1 &&
	grep -q "^Interrupted after 2 of 6 commits: a second run goes on" i1 &&
	rm hang &&
	bootperf build "${opts[@]}" "${hb[@]}" --store "$PWD/i" --json \
		repo HEAD~6..HEAD >i2.json &&
	test "$(json i2.json "join q(,), map { \$_->{state} } @{\$j->{commits}}")" = captured,captured,built,built,built,built
'

test_expect_success 'bad input: a clear message and exit 2' '
	for s in 0/2 3/2 2 x/2 1/0 1/x /2 1/ -1/2 1/2x 1/100001; do
		expect_exit 2 bootperf build "${opts[@]}" --shard "$s" repo HEAD~1..HEAD 2>err &&
		grep -q "^bootperf: error: --shard .$s.: give K/N, shard K of N with 1 <= K <= N" err ||
			{ echo "--shard $s"; return 1; }
	done &&
	expect_exit 2 bootperf build "${opts[@]}" repo 2>err &&
	grep -q "build needs REPO and RANGE" err &&
	expect_exit 2 bootperf build "${opts[@]}" repo HEAD~1..HEAD extra 2>err &&
	grep -q "unexpected argument .extra." err &&
	n0=$(count builds.log) &&
	expect_exit 17 bootperf build "${opts[@]}" --store "$PWD/s" repo nosuch..HEAD 2>err &&
	test "$(count builds.log)" = "$n0"
'

test_done
