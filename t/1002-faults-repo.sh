#!/bin/bash
# Faults of the repository and the builds, and hostile input: shallow
# and damaged histories, a range where nothing builds, SIGTERM in the
# middle of a build, commit messages and names full of shell syntax, and
# symlinks planted in the store.  Command runner: fast.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016,SC2034,SC2317 # SC2317: koalaman/shellcheck#3183
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires git

make_tree repo 6 4

range() {
	bootperf range --runner command --runs 2 --warmup 0 --test welch \
		--command 'sleep $(cat {worktree}/built)' "$@"
}

readable() {
	for f in "$1"/results/*/*.json; do
		test "$(json "$f" "\$j->{type}")" = bootperf-commit-result || return 1
	done
}

test_expect_success 'a shallow clone: the boundary is named, exit 17' '
	git clone -q --depth 2 "file://$PWD/repo" shallow &&
	expect_exit 17 range --build "cp delay built" --store "$PWD/ssh" \
		shallow HEAD~4..HEAD 2>err &&
	grep -qF "(shallow repository: it may lie past the boundary)" err &&
	test "$(grep -c error: err)" = 1
'

test_expect_success 'a missing commit object: the repository is damaged, exit 7' '
	cp -r repo damaged && c=$(git -C repo rev-parse HEAD~2) &&
	rm "damaged/.git/objects/${c:0:2}/${c:2}" &&
	expect_exit 7 range --build "cp delay built" --store "$PWD/sd" \
		damaged HEAD~4..HEAD 2>err &&
	grep -q "the repository is damaged, try git fsck" err
'

test_expect_success 'a missing file object: stops with exit 7, results kept' '
	cp -r repo blobless &&
	b=$(git -C blobless rev-parse HEAD~1:delay) &&
	test "$b" != "$(git -C blobless rev-parse HEAD~3:delay)" &&
	rm -f "blobless/.git/objects/${b:0:2}/${b:2}" &&
	expect_exit 7 range --build "cp delay built" --store "$PWD/sb" \
		blobless HEAD~4..HEAD >out 2>err || { cat out err; false; } &&
	grep -q "cannot check out .* the repository is damaged (try git fsck)" err &&
	test "$(ls sb/results/*/ | wc -l)" = 1 && readable sb
'

test_expect_success 'nothing builds: every commit listed, exit 14' '
	expect_exit 14 range --build false --store "$PWD/sn" repo HEAD~3..HEAD \
		>out 2>err &&
	test "$(grep -c "build-failed: build exited with status 1" out)" = 3 &&
	grep -q "no commit of the range could be measured (3 build-failed, 0 boot-failed, 0 timeout)" err &&
	expect_exit 14 range --build false --store "$PWD/sn" repo HEAD~3..HEAD \
		>again 2>&1 && grep -q "^3 commits, 0 built" again
'

test_expect_success 'SIGTERM mid-build: exit 130, the build killed, results kept' '
	(exec ${BOOTPERF_WRAPPER:-} "$BOOTPERF" range --runner command --runs 1 \
		--warmup 0 --store "$PWD/st" --command true \
		--build "test \$(cat delay) != 0.20 || sleep \$(( $(mark 1002) - 1 + 1 ))" \
		repo HEAD~5..HEAD >out 2>err) &
	pid=$! &&
	for _ in $(seq 100); do
		pgrep -fx "sleep $(mark 1002)" >/dev/null && break
		sleep 0.1
	done &&
	kill -TERM $pid && rc=0 && wait $pid || rc=$? &&
	test "$rc" = 130 && no_process "sleep $(mark 1002)" &&
	test -z "$(find st -path st/worktree -prune -o -name "*.tmp" -print)" &&
	test "$(ls st/results/*/ | grep -c "\.json$")" = 2 && readable st &&
	git -C st/worktree status --porcelain >wt && ! grep -v "^??" wt
'

test_expect_success 'shell syntax in messages, branch and file names is data' '
	git init -q evil && cd evil &&
	echo 0.01 >delay && echo x >"\$(touch pwned1);x" &&
	git add -A && git commit -q -m "\$(touch ../pwned2) \`touch ../pwned3\`; touch ../pwned4" &&
	echo 0.01 >>delay && git commit -qam "second; touch ../pwned5" &&
	git branch "x\$(touch)" && cd .. &&
	range --build "cp delay built" --store "$PWD/se" --json evil \
		"HEAD~1..x\$(touch)" >evil.json &&
	test "$(json evil.json "\$j->{commits}[0]{subject}")" = "second; touch ../pwned5" &&
	range --build "cp delay built" --store "$PWD/se" evil HEAD~1..HEAD >evil.txt &&
	grep -q "second; touch ../pwned5" evil.txt &&
	test -z "$(find . -name "pwned*")"
'

# shellcheck disable=SC2034 # read by the test bodies
esc=$(printf "\033")

test_expect_success 'terminal escapes in a subject are shown, never sent' '
	git init -q esc && cd esc && echo 0.01 >delay && git add -A &&
	git commit -q -m "$(printf "a \033]0;title\007 b \033[2J c \302\233 é↓ \$(touch ../pwned6)")" &&
	cd .. && shown="a \\x1b]0;title\\x07 b \\x1b[2J c \\xc2\\x9b é↓" &&
	range --build "cp delay built" --store "$PWD/sx" esc HEAD >esc.txt &&
	! grep -q "$esc" esc.txt && grep -qF "$shown" esc.txt &&
	bootperf report --store "$PWD/sx" --repo esc HEAD >report.txt &&
	! grep -q "$esc" report.txt && grep -qF "$shown" report.txt &&
	bootperf report --store "$PWD/sx" --repo esc --format md HEAD >report.md &&
	! grep -q "$esc" report.md && grep -qF "\\x1b" report.md &&
	bootperf ack --repo esc --store "$PWD/sx" HEAD --note "n $esc[2J" >ack.txt &&
	! grep -q "$esc" ack.txt && grep -qF "$shown" ack.txt &&
	grep -qF "n \\x1b[2J" ack.txt &&
	expect_exit 17 range --build true --store "$PWD/sx" esc "HEAD$esc[2J" 2>err &&
	! grep -q "$esc" err && grep -qF "HEAD\\x1b[2J" err &&
	test -z "$(find . -name "pwned*")"
'

test_expect_success 'a store others may write is refused before anything runs, exit 9' '
	mkdir sw && chmod 777 sw &&
	expect_exit 9 range --build "cp delay built" --store "$PWD/sw" repo HEAD 2>err &&
	grep -q "^bootperf: error: store .$PWD/sw. is writable by others (mode 0777): chmod 700 .$PWD/sw.$" err &&
	test "$(wc -l <err)" = 1 && test -z "$(ls -A sw)" &&
	chmod 770 sw &&
	expect_exit 9 range --build "cp delay built" --store "$PWD/sw" repo HEAD 2>err &&
	grep -q "^bootperf: error: store .$PWD/sw. is writable by its group (mode 0770): chmod 700 .$PWD/sw.$" err &&
	chmod 700 sw && range --build "cp delay built" --store "$PWD/sw" repo HEAD >/dev/null &&
	test "$(ls sw/results/*/ | wc -l)" = 1
'

test_expect_success 'a store of another user is refused, exit 9' '
	if [ "$(id -u)" != 0 ]; then echo "# not root: no other user to give it to"; exit 0; fi
	mkdir so && chown 65534 so &&
	expect_exit 9 range --build "cp delay built" --store "$PWD/so" repo HEAD 2>err &&
	grep -q "^bootperf: error: store .$PWD/so. belongs to uid 65534, not to you (uid 0): chown 0 .$PWD/so., or use a store of your own$" err &&
	test -z "$(ls -A so)"
'

test_expect_success 'a symlinked build log cannot make bootperf write outside' '
	mkdir outside && echo secret >outside/file &&
	range --build "echo pwned; cp delay built" --store "$PWD/sl" --json \
		repo HEAD~1..HEAD >cfg.json &&
	cfg=$(json cfg.json "\$j->{config_id}") &&
	ln -s "$PWD/outside/file" "sl/logs/$(git -C repo rev-parse HEAD~1).${cfg:0:12}.build.log" &&
	expect_exit 14 range --build "echo pwned; cp delay built" --store "$PWD/sl" \
		--force repo HEAD~2..HEAD~1 >out 2>err &&
	grep -q "cannot write build log .*: Too many levels of symbolic links" out &&
	test "$(cat outside/file)" = secret
'

test_expect_success 'a symlinked worktree is refused, nothing written outside' '
	rm -rf sl/worktree && mkdir outside2 && ln -s "$PWD/outside2" sl/worktree &&
	expect_exit 1 range --build "cp delay built" --store "$PWD/sl" --force \
		repo HEAD~1..HEAD 2>err &&
	grep -q "sl/worktree. exists and is not a worktree of this repository" err &&
	test -z "$(ls -A outside2)"
'

test_expect_success 'symlinked results: the store is refused, exit 9' '
	mkdir outside3 && mkdir s3 && ln -s "$PWD/outside3" s3/results &&
	expect_exit 9 range --build "cp delay built" --store "$PWD/s3" \
		repo HEAD~1..HEAD 2>err &&
	grep -q "is a symlink or not a directory" err && test -z "$(ls -A outside3)"
'

test_expect_success 'the store and its files are private (0700, 0600)' '
	test "$(stat -c %a se)" = 700 && test "$(stat -c %a se/results)" = 700 &&
	test "$(stat -c %a se/logs)" = 700 &&
	for f in se/results/*/*.json se/logs/*; do
		test "$(stat -c %a "$f")" = 600 || exit 1
	done
'

test_done
