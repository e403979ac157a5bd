#!/bin/bash
# The artifact store: each commit is built once, whatever looks at it
# again (more passes, turns, bisect's endpoints and steps,
# verification); copies that are missing or altered are built again; an
# eviction never takes what the run uses.  The command runner: each
# build logs the commit it built, and rewrites its output in place.
# The assertions count builds, never time: planted steps are large.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016,SC2034,SC2317 # SC2317: koalaman/shellcheck#3183
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires git

git init -q repo
for i in 0 1 2 3 4 5 6; do
	if [ "$i" -ge 4 ]; then d=0.12; else d=0.01; fi
	echo "$d" >repo/delay && echo "$i" >repo/n &&
		git -C repo add delay n && git -C repo commit -qm "commit $i"
done

# The build also leaves the commit's id in "id", kept by --artifact.
opts=(--runner command --warmup 0 --artifact id
	--command 'sleep $(cat {worktree}/built); echo "$BOOTPERF_WORKTREE" >>"$TEST_DIR/boots.log"'
	--build 'git rev-parse HEAD | tee id >>"$TEST_DIR/builds.log"; cp delay built')
count() { if [ -e "$1" ]; then wc -l <"$1"; else echo 0; fi; }
# Each commit built at most once: no line of builds.log twice.
once() { test -z "$(sort builds.log | uniq -d)"; }

test_expect_success 'range, more --runs, --interleave, bisect, verification: one build per commit' '
	bootperf range "${opts[@]}" --runs 5 --store "$PWD/s" repo HEAD~6..HEAD >r1 &&
	test "$(count builds.log)" = 6 && once &&
	bootperf range "${opts[@]}" --runs 7 --store "$PWD/s" repo HEAD~6..HEAD >r2 &&
	bootperf range "${opts[@]}" --runs 7 --interleave alternate \
		--store "$PWD/s" repo HEAD~6..HEAD >r3 &&
	test "$(count builds.log)" = 6 &&
	bootperf bisect "${opts[@]}" --runs 5 --verify-runs 0 \
		--store "$PWD/s" repo HEAD~6 HEAD >b1 &&
	grep -q "^First slow commit: $(git -C repo rev-parse --short HEAD~2) commit 4" b1 &&
	bootperf bisect "${opts[@]}" --runs 5 --verify-runs 9 \
		--store "$PWD/s" repo HEAD~6 HEAD >b2 &&
	grep -q "^.Verified on 9 passes against 9" b2 &&
	cat builds.log && once &&
	test "$(count builds.log)" = 7 &&
	grep -c "" boots.log &&
	! grep -v "^$PWD/s/artifacts/[0-9a-f]\{12\}/[0-9a-f]\{40\}\$" boots.log
'

test_expect_success 'the copy is what the commit built, whatever the worktree holds now' '
	test "$(ls s/artifacts/*/ | wc -l)" = 7 &&
	for c in $(git -C repo rev-list HEAD); do
		d=$(echo s/artifacts/*/"$c") &&
		test "$(cat "$d/id")" = "$c" &&
		test "$(cat "$d/built")" = "$(git -C repo show "$c:delay")" &&
		grep -q "^f [0-9a-f]\{40\} [0-9]* [0-9]*\.[0-9]\{9\} built\$" "$d/.bootperf-manifest" || return 1
	done
'

test_expect_success 'a copy deleted, a file of it missing or altered: built again, with a warning' '
	c1=$(git -C repo rev-parse HEAD~1) c2=$(git -C repo rev-parse HEAD~2) &&
	c3=$(git -C repo rev-parse HEAD~3) &&
	rm -rf s/artifacts/*/"$c1" && rm s/artifacts/*/"$c2"/built &&
	echo 9.99 >s/artifacts/*/"$c3"/built &&
	: >builds.log &&
	bootperf range "${opts[@]}" --runs 20 --store "$PWD/s" repo HEAD~6..HEAD >r4 2>e4 &&
	cat e4 && sort builds.log >built &&
	printf "%s\n" "$c1" "$c2" "$c3" | sort | diff - built &&
	grep -q "warning: the artifacts of ${c1:0:12} are not in the store" e4 &&
	grep -q "warning: the artifacts of ${c2:0:12} in .*: .built. is missing; building it again" e4 &&
	grep -q "warning: the artifacts of ${c3:0:12} in .*: .built. was altered; building it again" e4 &&
	test "$(cat s/artifacts/*/"$c3"/built)" = 0.01
'

test_expect_success 'a file touched but not changed is hashed, not rebuilt' '
	c=$(git -C repo rev-parse HEAD) && : >builds.log &&
	touch -d "2001-01-01" s/artifacts/*/"$c"/built &&
	bootperf range "${opts[@]}" --runs 21 --store "$PWD/s" repo HEAD >r5 2>e5 &&
	test "$(count builds.log)" = 0 && ! grep -q warning e5
'

test_expect_success '--force builds again, once a run, even in turns' '
	: >builds.log &&
	bootperf range "${opts[@]}" --runs 5 --force --interleave alternate \
		--store "$PWD/s" repo HEAD~3..HEAD >r6 &&
	test "$(count builds.log)" = 3 && once
'

test_expect_success '--artifacts-max: the oldest copies go, never one this run uses' '
	: >builds.log &&
	bootperf range "${opts[@]}" --runs 5 --store "$PWD/m" repo HEAD~6..HEAD~3 >m1 &&
	test "$(ls m/artifacts/*/ | wc -l)" = 3 &&
	bootperf range "${opts[@]}" --runs 5 --artifacts-max 1 \
		--store "$PWD/m" repo HEAD~3..HEAD >m2 2>me2 &&
	test "$(count builds.log)" = 6 && once &&
	git -C repo rev-list HEAD~3..HEAD | sort >want &&
	ls m/artifacts/*/ | sort | diff - want &&
	grep -q "warning: the artifact store holds .*, more than --artifacts-max 1 bytes: the copies this run uses are kept" me2
'

test_expect_success '--artifact: a file the boot reads, not named by {worktree}' '
	cmd="cat \"\$BOOTPERF_WORKTREE/data/x\" >/dev/null" &&
	build="mkdir -p data && cp delay data/x" &&
	expect_exit 14 bootperf range --runner command --warmup 0 --runs 1 \
		--command "$cmd" --build "$build" --store "$PWD/a1" repo HEAD >a1.out 2>&1 &&
	bootperf range --runner command --warmup 0 --runs 1 --artifact data/ \
		--command "$cmd" --build "$build" --store "$PWD/a2" repo HEAD &&
	test -f a2/artifacts/*/"$(git -C repo rev-parse HEAD)"/data/x
'

test_expect_success 'links: into the worktree copied, out of it refused; globs named' '
	build="git rev-parse HEAD >id; mkdir -p real && cp delay real/x && ln -sfn real lnk && ln -sfn /etc out" &&
	bootperf range --runner command --warmup 0 --runs 1 --artifact lnk \
		--artifact out/hostname --command "cat {worktree}/lnk/x {worktree}/id >/dev/null; ls {worktree}/real/*.bin" \
		--build "$build" --store "$PWD/l" repo HEAD >l.out 2>l.err || true &&
	cat l.err &&
	d=$(echo l/artifacts/*/"$(git -C repo rev-parse HEAD)") &&
	test -d "$d/lnk" && test ! -L "$d/lnk" && test -f "$d/lnk/x" &&
	test -f "$d/id" && test ! -e "$d/out" && test ! -e "$d/real" &&
	grep -q "warning: .out/hostname. of [0-9a-f]\{12\} leads out of its worktree (to ./etc.): not captured" l.err &&
	grep -q "warning: --command: .{worktree}/real/\*\.\.\.. is not one path: it is not captured" l.err
'

test_expect_success 'a copy left by a killed capture goes when the store is next used' '
	d=$(echo s/artifacts/*/) && mkdir "$d/.0123abcd.tmp" &&
	bootperf range "${opts[@]}" --runs 5 --store "$PWD/s" repo HEAD >/dev/null &&
	test ! -e "$d/.0123abcd.tmp"
'

test_expect_success 'bad --artifact and --artifacts-max: exit 2, one line' '
	for a in /etc/passwd ../up a/../../b ""; do
		expect_exit 2 bootperf range "${opts[@]}" --artifact "$a" \
			--store "$PWD/bad" repo HEAD 2>err &&
		grep -q "^bootperf: error: --artifact: .* is not a path inside the worktree" err || return 1
	done &&
	for s in 1X -1 "" G 10GG; do
		expect_exit 2 bootperf range "${opts[@]}" --artifacts-max "$s" \
			--store "$PWD/bad" repo HEAD 2>err &&
		grep -q "^bootperf: error: --artifacts-max: .* is not a size" err || return 1
	done &&
	test ! -e bad
'

test_done
