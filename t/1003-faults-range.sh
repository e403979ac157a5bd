#!/bin/bash
# Faults in the middle of a range, with a store, through the command
# runner: a pass that crashes, exits non-zero or hangs past --timeout,
# SIGINT and SIGTERM mid-pass and mid-build, and builds and passes that
# leave a process behind in a session of its own (setsid), which the
# process group kill cannot reach.  Each: the exit status, the message,
# nothing left running (the process started, by its pid file, and is
# gone), no temp file in the store, every earlier result readable.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016,SC2317 # SC2317: koalaman/shellcheck#3183
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires git

# Commits 1 to 6; commit 4 (HEAD~2) has a file "fault": the fault is
# planted there, so commits 2 and 3 are measured before it.
git init -q repo
for i in 1 2 3 4 5 6; do
	echo 0.01 >repo/delay
	if [ "$i" = 4 ]; then echo x >repo/fault; else rm -f repo/fault; fi
	git -C repo add -A && git -C repo commit -q --allow-empty -m "commit $i"
done

# linger N [setsid]: shell text that starts "sleep <mark N>" in the
# background (in a session of its own with setsid) and goes on once the
# sleeper has added its pid to started-N: proof that it ran, so that
# checking it is gone cannot pass by mistake.
linger() {
	local f="$TEST_DIR/started-$1"
	printf '%s' "c=\$(cat $f 2>/dev/null | wc -l); " \
		"${2:-} sh -c 'echo \$\$ >>$f; exec sleep $(mark "$1")' & " \
		"until [ \$(cat $f 2>/dev/null | wc -l) -gt \$c ]; do sleep 0.01; done; "
}

# gone N: the sleeper of linger N ran and nothing of it is left.
gone() {
	test -s "$TEST_DIR/started-$1" || { echo "never started: $1" >&2; return 1; }
	no_process "^sleep $(mark "$1")\$"
}

# range STORE COMMAND [OPTIONS]: commits 2 to 6, COMMAND as every pass.
range() {
	local store=$1 cmd=$2
	shift 2
	bootperf range --runner command --runs 2 --warmup 0 --test welch \
		--build "cp delay built" --command "$cmd" --store "$PWD/$store" \
		"$@" repo HEAD~5..HEAD
}

# at_fault TEXT: TEXT for the commit with the fault, else a quick pass.
at_fault() {
	echo "if test -e {worktree}/fault; then $1; fi; sleep 0.01"
}

# no_litter STORE: no temp file anywhere in the store (its worktrees
# aside, which hold the repository's files).
no_litter() {
	test -z "$(find "$1" -path "$1/worktree*" -prune -o -name "*.tmp" -print)"
}

# earlier STORE N: the store holds exactly N results, each one readable,
# measured (status ok), and for one of commits 2 and 3.
earlier() {
	local f n=0
	for f in "$1"/results/*/*.json; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		test "$(json "$f" "\$j->{type}")" = bootperf-commit-result &&
			test "$(json "$f" "\$j->{status}")" = ok || return 1
		case $(json "$f" "\$j->{subject}") in
		"commit 2" | "commit 3") ;;
		*) return 1 ;;
		esac
	done
	test "$n" = "$2" || { echo "$n results, not $2" >&2; return 1; }
}

test_expect_success 'a pass that crashes: boot-failed, the walk goes on' '
	expect_exit 0 range s1 "$(at_fault "$(linger 1) kill -SEGV \$\$")" \
		>out 2>err &&
	grep -A1 "^$(git -C repo rev-parse --short=7 HEAD~2) commit 4" out |
		grep -q "^	pass 1 of 2: boot-failed: command killed by signal 11$" &&
	grep -q "^bootperf: warning: pass 1 of 2: boot-failed: command killed by signal 11$" err &&
	! grep -q "^bootperf: error:" err &&
	test "$(json s1/results/*/"$(git -C repo rev-parse HEAD~2)".json "\$j->{status}")" = boot-failed &&
	test "$(ls s1/results/*/ | wc -l)" = 5 && gone 1 && no_litter s1
'

test_expect_success 'a pass that exits non-zero: boot-failed, the walk goes on' '
	expect_exit 0 range s2 "$(at_fault "$(linger 2 setsid) exit 3")" \
		>out 2>err &&
	grep -q "^bootperf: warning: pass 1 of 2: boot-failed: command exited with status 3$" err &&
	test "$(json s2/results/*/"$(git -C repo rev-parse HEAD~2)".json "\$j->{message}")" = \
		"pass 1 of 2: boot-failed: command exited with status 3" &&
	test "$(ls s2/results/*/ | wc -l)" = 5 && gone 2 && no_litter s2
'

test_expect_success 'a pass that hangs: killed at --timeout, the walk goes on' '
	expect_exit 0 range s3 "$(at_fault "$(linger 3 setsid) sleep $(mark 4)")" \
		--timeout 2 >out 2>err &&
	grep -q "^bootperf: warning: pass 1 of 2: timeout: no result within 2 s; killed$" err &&
	test "$(json s3/results/*/"$(git -C repo rev-parse HEAD~2)".json "\$j->{status}")" = timeout &&
	test "$(ls s3/results/*/ | wc -l)" = 5 && gone 3 && no_process "sleep $(mark 4)" &&
	no_litter s3
'

# stop SIG STORE N WHAT OPTIONS...: a range whose commit 4 hangs in WHAT
# (sleep <mark N+1>, with linger N beside it in its own session) gets SIG
# there: exit 130, the message, nothing left, commits 2 and 3 kept.
stop() {
	local sig=$1 store=$2 n=$3 what=$4 pid rc=0
	shift 4
	(exec ${BOOTPERF_WRAPPER:-} "$BOOTPERF" range --runner command \
		--runs 2 --warmup 0 --test welch --store "$PWD/$store" "$@" \
		repo HEAD~5..HEAD >"$store.out" 2>"$store.err") &
	pid=$!
	started "sleep $(mark $((n + 1)))" || { kill -KILL "$pid"; return 1; }
	kill -"$sig" "$pid" && wait "$pid" || rc=$?
	test "$rc" = 130 || { echo "exit $rc, not 130" >&2; cat "$store.err" >&2; return 1; }
	case $what in
	pass) grep -q "^bootperf: error: interrupted during pass 1 of 2$" "$store.err" ;;
	build) ! grep -q "error:" "$store.err" ;;
	esac &&
		grep -q "^2 commits, 3 built" "$store.out" &&
		gone "$n" && no_process "sleep $(mark $((n + 1)))" &&
		no_litter "$store" && earlier "$store" 2
}

n=10
for sig in INT TERM; do
	n=$((n + 10))
	test_expect_success "SIG$sig mid-pass: exit 130, nothing left, results kept" '
		stop '$sig' p'$sig' '$n' pass --build "cp delay built" \
			--command "$(at_fault "$(linger '$n' setsid) sleep $(mark '$((n + 1))')")"
	'
	test_expect_success "SIG$sig mid-build: exit 130, nothing left, results kept" '
		stop '$sig' b'$sig' '$((n + 2))' build --command "sleep 0.01" \
			--build "cp delay built; if test -e fault; then $(linger '$((n + 2))' setsid) sleep $(mark '$((n + 3))'); fi"
	'
done

test_expect_success 'a build that leaves a process in its own session: killed when it ends' '
	expect_exit 0 range s4 "sleep 0.01" \
		--build "$(linger 5 setsid) cp delay built" >out &&
	test "$(wc -l <started-5)" = 5 && gone 5 && no_litter s4
'

test_expect_success 'a build that hangs with one in its own session: killed at --build-timeout' '
	expect_exit 0 range s5 "sleep 0.01" --build-timeout 2 \
		--build "cp delay built; if test -e fault; then $(linger 6 setsid) sleep $(mark 7); fi" \
		>out &&
	grep -A1 "commit 4$" out |
		grep -q "build-failed: build did not finish within 2 s; killed" &&
	gone 6 && no_process "sleep $(mark 7)" && no_litter s5
'

test_expect_success 'a pass that leaves a process in its own session: killed when it ends' '
	expect_exit 0 range s6 "$(linger 8 setsid) sleep 0.01" >out &&
	test "$(wc -l <started-8)" = 10 && gone 8 && no_litter s6
'

# stored_passes STORE N: every result of STORE measured, with N passes.
stored_passes() {
	local f n=0
	for f in "$1"/results/*/*.json; do
		n=$((n + 1))
		if test "$(json "$f" "\$j->{status}")" != ok ||
			test "$(json "$f" "scalar @{\$j->{bench}{samples_ms}}")" != "$2"; then
			echo "$f:" >&2
			cat "$f" >&2
			return 1
		fi
	done
	test "$n" = 5
}

# A range asks for more passes than the store has (bisect measured
# fewer): a pass that fails on the way does not undo what was measured.
test_expect_success 'a pass that fails while stored passes are topped up: they are kept' '
	cmd="if test -e $TEST_DIR/fail-9; then exit 3; fi; sleep 0.01" &&
	expect_exit 0 range s7 "$cmd" >out &&
	touch fail-9 &&
	expect_exit 0 range s7 "$cmd" --runs 4 >out 2>err &&
	cat out err &&
	test "$(grep -c "^bootperf: warning: [0-9a-f]\{12\} keeps the 2 passes it has in the store; more are tried on the next run that asks for them$" err)" = 5 &&
	! grep -q "boot-failed" out &&
	stored_passes s7 2 && test "$(grep -c "ms ±" out)" = 5 &&
	rm fail-9 &&
	expect_exit 0 range s7 "$cmd" --runs 4 >out 2>err &&
	! grep -q "warning" err && stored_passes s7 4 && no_litter s7
'

test_expect_success 'the second pass of a top-up fails: the first is kept too' '
	cmd="if test -e $TEST_DIR/fail-10; then if test -e {worktree}/once; then rm {worktree}/once; exit 3; fi; touch {worktree}/once; fi; sleep 0.01" &&
	expect_exit 0 range s8 "$cmd" >out &&
	touch fail-10 &&
	expect_exit 0 range s8 "$cmd" --runs 4 >out 2>err &&
	test "$(grep -c "^bootperf: warning: [0-9a-f]\{12\} keeps the 3 passes it has in the store" err)" = 5 &&
	stored_passes s8 3 && test "$(grep -c "ms ±" out)" = 5 && no_litter s8
'

# A top-up boots the commits' copies in the artifact store; with the
# copies removed, it must build them again, and those builds fail.
test_expect_success 'the rebuild for a top-up fails: the stored passes are kept' '
	b=(--build "test ! -e $TEST_DIR/fail-11 && cp delay built") &&
	expect_exit 0 range s9 "sleep 0.01" "${b[@]}" >out &&
	touch fail-11 && rm -r s9/artifacts &&
	expect_exit 0 range s9 "sleep 0.01" "${b[@]}" --runs 4 >out 2>err &&
	cat out err &&
	test "$(grep -c "^bootperf: warning: [0-9a-f]\{12\} keeps the 2 passes it has in the store" err)" = 5 &&
	test "$(grep -c "^bootperf: warning: the artifacts of [0-9a-f]\{12\} are not in the store" err)" = 5 &&
	! grep -q "build-failed" out &&
	stored_passes s9 2 && test "$(grep -c "ms ±" out)" = 5 &&
	rm fail-11 &&
	expect_exit 0 range s9 "sleep 0.01" "${b[@]}" --runs 4 >out 2>err &&
	! grep -v "warning: the artifacts of [0-9a-f]* are not in the store" err | grep -q warning &&
	stored_passes s9 4 && no_litter s9 &&
	expect_exit 0 range s9 "sleep 0.01" "${b[@]}" --runs 5 --json >out 2>err &&
	! grep -q warning err && test "$(json out "\$j->{builds}")" = 0
'

test_done
