#!/bin/bash
# Faults of bootperf's own worktree and of odd repositories: a stale
# index.lock left by a kill -9, two stores racing for a worktree name, a
# worktree creation that failed half-way, a copied store, a SHA-256
# repository.  Command runner: fast.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016,SC2034,SC2317 # SC2317: koalaman/shellcheck#3183
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires git

make_tree repo 4 1

range() {
	bootperf range --runner command --runs 2 --warmup 0 --test welch \
		--command true --build true "$@"
}

# gitdir STORE: the worktree's own git directory, in the repository.
gitdir() {
	sed -n 's/^gitdir: //p' "$1/worktree/.git"
}

test_expect_success 'a stale index.lock of a killed run: removed, one warning' '
	range --store "$PWD/sl" repo HEAD~1..HEAD >out 2>err &&
	d=$(gitdir sl) && test -d "$d" && : >"$d/index.lock" &&
	range --store "$PWD/sl" repo HEAD~3..HEAD >out 2>err ||
		{ cat err; false; } &&
	grep -q "^bootperf: warning: removed .*/index.lock., left by a run that was killed" err &&
	! grep -q error: err && ! test -e "$d/index.lock" &&
	test "$(ls sl/results/*/ | wc -l)" = 3
'

test_expect_success 'another store takes the worktree name first: the next is used' '
	test -n "${BOOTPERF_FAILFS:-}" || { echo "no failfs"; exit 0; }
	git clone -q repo racy &&
	LD_PRELOAD=$BOOTPERF_FAILFS FAILFS=race:worktrees/bootperf \
		range --store "$PWD/sr" racy HEAD~1..HEAD >out 2>err ||
		{ cat err; false; } &&
	test "$(gitdir sr)" = "$PWD/racy/.git/worktrees/bootperf-2/" &&
	test -d racy/.git/worktrees/bootperf
'

test_expect_success 'a worktree creation that hit a full disk is recovered' '
	test -n "${BOOTPERF_FAILFS:-}" || { echo "no failfs"; exit 0; }
	git clone -q repo full &&
	{ LD_PRELOAD=$BOOTPERF_FAILFS FAILFS=enospc:sf/worktree \
		range --store "$PWD/sf" full HEAD~1..HEAD 2>err; test $? = 1; } &&
	grep -q "No space left on device" err &&
	test -f sf/worktree/.git && ! test -s sf/worktree/.git &&
	range --store "$PWD/sf" full HEAD~1..HEAD >out 2>err ||
		{ cat err; false; } &&
	grep -q "^bootperf: warning: removed .*sf/worktree/.git., left by a worktree creation that failed" err &&
	test -s sf/worktree/.git
'

test_expect_success 'an empty worktree/.git with files beside it: named, what to do' '
	mkdir -p se/worktree && chmod 700 se && : >se/worktree/.git &&
	: >se/worktree/half-checked-out &&
	expect_exit 1 range --store "$PWD/se" repo HEAD~1..HEAD 2>err &&
	grep -q "error: .*se/worktree. holds what a failed worktree creation left: remove it (rm -r" err &&
	test "$(grep -c error: err)" = 1
'

test_expect_success 'a copied store: its worktree is named as a copy of the other' '
	range --store "$PWD/so" repo HEAD~1..HEAD >out 2>err &&
	cp -a so sc &&
	expect_exit 1 range --store "$PWD/sc" repo HEAD~2..HEAD 2>err &&
	grep -q "error: .*sc/worktree. is a copy of the worktree .*so/worktree. of another store (copied with cp -a?): remove it" err &&
	rm -r sc/worktree && range --store "$PWD/sc" repo HEAD~2..HEAD >out 2>err &&
	test "$(ls sc/results/*/ | wc -l)" = 2 &&
	test "$(gitdir so)" != "$(gitdir sc)"
'

test_expect_success 'a SHA-256 repository: unsupported, what to do, exit 23' '
	git init -q --object-format=sha256 sha 2>/dev/null ||
		{ echo "git without sha256"; exit 0; }
	git -C sha commit -q --allow-empty -m one &&
	expect_exit 23 range --store "$PWD/s256" sha HEAD 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "^bootperf: error: .*sha. uses an object format bootperf cannot read (extensions.objectformat, such as sha256): benchmark a sha1 clone" err
'

test_done
