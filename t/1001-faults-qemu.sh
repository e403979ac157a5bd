#!/bin/bash
# Faults of the hypervisor, through the libguestfs runner and a fake qemu
# (t/lib/fake-qemu.sh): qemu exits at once, crashes mid-boot, hangs, the
# appliance never answers, SIGINT and SIGTERM mid-boot.  Each: the exit
# status, one clear message, nothing left running: every boot leaves a
# sleeper behind (fake-qemu's linger, in qemu's process group or in a
# session of its own), which must have started and must be gone.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016,SC2317 # SC2317: koalaman/shellcheck#3183
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires_boots

mkdir qemu && cp "$srcdir/t/lib/fake-qemu.sh" qemu/qemu && mark 1001 >qemu/marker

bench() {
	bootperf bench --accel tcg --hv "$PWD/qemu/qemu" --runs 1 --warmup 0 "$@"
}

# linger HOW: the next boots leave "sleep MARKER.5" behind (HOW: group or
# setsid); lingered: one did, and nothing of qemu or of it is left.
linger() {
	echo "$1" >qemu/linger && rm -f qemu/lingered
}
lingered() {
	test -s qemu/lingered || { echo "no boot left a sleeper" >&2; return 1; }
	no_process "^sleep $(mark 1001)\.5\$" && no_process "fakeqemu-$(mark 1001)"
}

test_expect_success 'qemu exits at once: exit 4, one line, nothing left' '
	echo exit >qemu/mode && linger setsid &&
	expect_exit 4 bench --timeout 120 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "^bootperf: error: pass 1 of 1: boot-failed: " err &&
	lingered
'

test_expect_success 'a failed boot says why: the console and qemu output end' '
	echo exit >qemu/mode && rm -f qemu/linger &&
	expect_exit 4 bench --timeout 120 --json >fail.json 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "^bootperf: error: pass 1 of 1: boot-failed: .* (console: fake qemu: exiting at once)" err &&
	json fail.json "\$j->{message}" | grep -q "(console: fake qemu: exiting at once)"
'

test_expect_success 'qemu crashes mid-boot: exit 4, nothing left' '
	echo crash:4000 >qemu/mode && linger group &&
	expect_exit 4 bench --timeout 120 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "^bootperf: error: pass 1 of 1: boot-failed: " err &&
	lingered
'

test_expect_success 'the appliance never answers: killed at --timeout, exit 5' '
	echo paused >qemu/mode && linger setsid &&
	expect_exit 5 bench --timeout 25 2>err &&
	grep -q "^bootperf: error: pass 1 of 1: timeout: no result within 25 s; killed$" err &&
	lingered
'

# signal SIG: bootperf is stopped with SIG while the guest is up (and
# never answering): exit 130, qemu killed with everything it started.
for sig in INT TERM; do
	test_expect_success "SIG$sig mid-boot: exit 130, nothing left" '
		echo paused >qemu/mode && linger setsid
		# (not joined with &&: "a && (b) &" would put both in the
		# background, and $! would not be bootperf)
		(exec ${BOOTPERF_WRAPPER:-} "$BOOTPERF" bench --accel tcg \
			--hv "$PWD/qemu/qemu" --runs 1 --warmup 0 --timeout 300 \
			>out 2>err) &
		pid=$! &&
		for _ in $(seq 300); do
			pgrep -f -- "-name fakeqemu-$(mark 1001)" >/dev/null && break
			sleep 0.2
		done &&
		{ pgrep -f -- "-name fakeqemu-$(mark 1001)" >/dev/null ||
		  { echo "qemu never started"; cat err; false; }; } &&
		kill -'"$sig"' $pid && rc=0 && wait $pid || rc=$? &&
		test "$rc" = 130 &&
		grep -q "interrupted during pass 1 of 1" err &&
		lingered
	'
done

test_done
