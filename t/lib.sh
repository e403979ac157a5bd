# t/lib.sh - sourced by every t/NNNN-area-detail.sh test: TAP output, a
# throw-away directory per script, git-style test_expect_success blocks.
# shellcheck shell=bash

srcdir=${BOOTPERF_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
BOOTPERF=${BOOTPERF:-$srcdir/bootperf}
BOOTPERF_MAN=${BOOTPERF_MAN:-$srcdir/build/bootperf.1}
test_count=0
test_failed=0

TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/bootperf-t.XXXXXX") || exit 1
hog_pid=
test_cleanup() {
	[ -z "$hog_pid" ] || kill "$hog_pid" 2>/dev/null
	cd / && rm -rf "$TEST_DIR"
}
trap test_cleanup EXIT
cd "$TEST_DIR" || exit 1
# Commands of the command runner boot in a commit's captured copy of its
# artifacts, deep in a store: they write their logs here.
export TEST_DIR
# Deterministic commits and no user configuration leaking in.
export GIT_AUTHOR_DATE="2020-01-01T00:00:00Z"
export GIT_COMMITTER_DATE="2020-01-01T00:00:00Z"
export GIT_CONFIG_NOSYSTEM=1 HOME="$TEST_DIR/home"
# A fresh machine has no git identity.
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t
export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
export BOOTPERF_CACHE_DIR="${BOOTPERF_TEST_CACHE:-$TEST_DIR/cache}"
mkdir -p "$HOME"
# Directories a test makes for a store must not be group-writable
# (bootperf refuses those), whatever the caller's umask.
umask 022

# mark N: a number unique to this test run, for sleep commands that
# no_process looks for (other runs on the machine use other numbers).
tag=$((10000 + $$ % 80000))
mark() {
	echo "$1$tag"
}

# The binary under test, under valgrind when the Makefile says so.
bootperf() {
	# shellcheck disable=SC2086 # the wrapper is a command line
	${BOOTPERF_WRAPPER:-} "$BOOTPERF" "$@"
}

skip_all() {
	echo "1..0 # SKIP $*"
	trap - EXIT
	test_cleanup
	exit 0
}

requires() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_all "needs $c"
	done
}

# Tests that boot real appliances (about 12 s each under TCG).  With
# BOOTPERF_HOG set (make check-loaded) those that judge by time (a line
# "# timed: WHY") run with a CPU hog beside them for the whole script,
# as another job on a busy machine would: their verdicts must hold on a
# loaded machine.
requires_boots() {
	[ -z "${BOOTPERF_FAST:-}" ] || skip_all "boots appliances (FAST=1)"
	requires guestfish qemu-system-x86_64 supermin
	[ -z "${BOOTPERF_WRAPPER:-}" ] || skip_all "boots under a wrapper"
	if [ -n "${BOOTPERF_HOG:-}" ] &&
		grep -q '^# timed:' "$srcdir/t/${0##*/}"; then
		# It spins while this script lives (not a zombie either: a
		# script killed -9 and not yet reaped), with no descriptor of
		# the harness's, so that nothing waits on it.
		# shellcheck disable=SC2016 # $1 is the inner shell's
		bash -c 'while read -r l <"/proc/$1/stat" && s=${l##*) } &&
			[ "${s%% *}" != Z ]; do :; done' hog $$ \
			</dev/null >/dev/null 2>&1 &
		hog_pid=$!
		echo "# with a CPU hog beside it (pid $hog_pid)"
	fi
}

# test_expect_success DESCRIPTION BODY: BODY runs in a subshell with
# set -e; its output is shown only when it fails, on stderr, so that
# prove shows it without -v (CI logs say why a test failed), with the
# end of err.txt when the body wrote one; the last 40 lines of that are
# added to $BOOTPERF_FAIL_LOG, which scripts/prove-report prints again
# just before prove's summary.
test_expect_success() {
	local desc=$1 body=$2 log rc
	test_count=$((test_count + 1))
	log="$TEST_DIR/.log.$test_count"
	: >"$TEST_DIR/.start"
	(
		set -e
		exec 9>&2 # the log, for expect_exit's word under 2>FILE
		eval "$body"
	) >"$log" 2>&1 </dev/null
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "ok $test_count - $desc"
	else
		echo "not ok $test_count - $desc"
		# The tests' habit is to send bootperf's stderr to err.txt: what
		# it said is most often why the test failed.
		if [ -s err.txt ] && [ err.txt -nt "$TEST_DIR/.start" ]; then
			echo "err.txt (the last 15 lines):"
			tail -n 15 err.txt
		fi >>"$log" 2>/dev/null
		sed 's/^/#   /' "$log" >&2
		if [ -n "${BOOTPERF_FAIL_LOG:-}" ]; then
			{
				echo "# ${BOOTPERF_VARIANT:+$BOOTPERF_VARIANT:}${0##*/} $test_count - $desc"
				tail -n 40 "$log" | sed 's/^/#   /'
			} >>"$BOOTPERF_FAIL_LOG"
		fi
		test_failed=$((test_failed + 1))
	fi
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
	exit $?
}

# expect_exit CODE COMMAND...: run COMMAND, fail unless it exits CODE
# (said in the test's log, not in the file 2>FILE sends the call's
# stderr to).
expect_exit() {
	local want=$1 rc=0
	shift
	"$@" || rc=$?
	if [ "$rc" -ne "$want" ]; then
		# To the test's log even when the call's stderr goes to a file.
		{ echo "expected exit $want, got $rc from: $*" >&9; } 2>/dev/null ||
			echo "expected exit $want, got $rc from: $*" >&2
		return 1
	fi
}

# json FILE EXPR: print the Perl expression EXPR over the decoded $j.
json() {
	perl -MJSON::PP -e '
		local $/; open my $f, "<", $ARGV[0] or die "$ARGV[0]: $!";
		my $j = JSON::PP->new->decode(<$f>);
		my $v = eval $ARGV[1]; die $@ if $@;
		print defined $v ? "$v\n" : "null\n";' "$1" "$2"
}

# sd_matches FILE: the JSON's sd_ms equals the sample standard deviation
# of its own samples_ms, computed here independently.
sd_matches() {
	perl -MJSON::PP -e '
		local $/; open my $f, "<", $ARGV[0] or die;
		my $j = JSON::PP->new->decode(<$f>);
		my @x = @{$j->{samples_ms}}; my $n = @x;
		my $m = 0; $m += $_ / $n for @x;
		my $ss = 0; $ss += ($_ - $m) ** 2 for @x;
		my $sd = sqrt($ss / ($n - 1));
		my $got = $j->{statistics}{sd_ms};
		exit(abs($got - $sd) <= 1e-9 * ($sd + 1) ? 0 : 1)' "$1"
}

# make_tree DIR N CULPRIT [BROKEN]: a repository of commits 1..N ("commit
# I"); from CULPRIT on the "boot" takes $TREE_SLOW (0.20) s instead of $TREE_FAST
# (0.02) s (the file delay); commit BROKEN does not build (it has a file
# BROKEN).
make_tree() {
	git init -q "$1" &&
		for i in $(seq 1 "$2"); do
			if [ "$i" -ge "$3" ]; then
				echo "${TREE_SLOW:-0.20}"
			else
				echo "${TREE_FAST:-0.02}"
			fi >"$1/delay"
			if [ "$i" = "${4:-0}" ]; then touch "$1/BROKEN"; else rm -f "$1/BROKEN"; fi
			git -C "$1" add -A &&
				git -C "$1" commit -q --allow-empty -m "commit $i" || return 1
		done
}

# make_merge_tree DIR: main 1 2 3 4 5 6 M 7 8, a side line s1 s2 s3 from 2 merged at
# M; s2 adds the delay, in a file of its own so the merge is clean.
make_merge_tree() {
	git init -q -b main "$1" && cd "$1" &&
	echo 0.02 >delay && git add delay &&
	git commit -q -m "commit 1" && git commit -q --allow-empty -m "commit 2" &&
	git checkout -q -b side &&
	git commit -q --allow-empty -m "commit s1" &&
	echo 0.18 >delay-side && git add delay-side && git commit -q -m "commit s2" &&
	git commit -q --allow-empty -m "commit s3" &&
	git checkout -q main &&
	for i in 3 4 5 6; do git commit -q --allow-empty -m "commit $i"; done &&
	git merge -q --no-ff -m "commit M" side &&
	git commit -q --allow-empty -m "commit 7" &&
	git commit -q --allow-empty -m "commit 8" && cd ..
}

# pick VAR LOW HIGH: VAR becomes a random whole number in LOW..HIGH; the
# same ones again when BOOTPERF_TEST_SEED is set (tests name what they
# picked, so a failure can be replayed).
if [ -n "${BOOTPERF_TEST_SEED:-}" ]; then
	RANDOM=$BOOTPERF_TEST_SEED
fi
pick() {
	printf -v "$1" %d $(($2 + RANDOM % ($3 - $2 + 1)))
}

# started MARKER: wait up to 30 s for the measured command whose command
# line starts with MARKER (bare, or under sh -c), so that a signal sent
# next finds bootperf measuring with its handlers installed, however long
# it took to start (valgrind, a loaded machine).
started() {
	for _ in $(seq 300); do
		pgrep -f -- "^(sh -c )?$1" >/dev/null && return 0
		sleep 0.1
	done
	echo "never started: $1" >&2
	return 1
}

# no_process MARKER: nothing left running whose command line matches
# MARKER (a pgrep -f pattern).  A check that cannot look fails: pgrep
# missing (procps) or failing is an error, never "nothing found".
no_process() {
	local rc
	command -v pgrep >/dev/null || {
		echo "no_process: pgrep is missing (apt-get install procps)" >&2
		return 1
	}
	for _ in 1 2 3 4 5; do
		rc=0 && pgrep -f -- "$1" >/dev/null || rc=$?
		[ "$rc" -ne 1 ] || return 0
		[ "$rc" -eq 0 ] || {
			echo "no_process: pgrep -f '$1' failed (exit $rc)" >&2
			return 1
		}
		sleep 1
	done
	echo "still running:" >&2
	pgrep -af -- "$1" >&2
	return 1
}
