#!/bin/bash
# A hypervisor that hangs: --timeout kills the whole boot, --accel auto
# falls back to TCG with one warning, --accel kvm refuses.  A kernel that
# does not boot is a boot failure with libguestfs's reason.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires_boots

mkdir qemu && cp "$srcdir/t/lib/fake-qemu.sh" qemu/qemu && mark 646 >qemu/marker

test_expect_success 'a hung boot is killed at --timeout: exit 5, nothing left' '
	echo hang >qemu/mode &&
	expect_exit 5 bootperf bench --accel tcg --hv "$PWD/qemu/qemu" \
		--timeout 20 --runs 1 --warmup 0 2>err &&
	grep -q "^bootperf: error: pass 1 of 1: timeout: no result within 20 s; killed$" err &&
	grep -q -- "-kernel" qemu/invocations &&
	no_process "sleep $(mark 646)"
'

# A probe that fails with the boot itself (here: every boot exits) says
# nothing about KVM: no verdict is kept for later runs.
test_expect_success '--accel auto: a qemu that fails under TCG too leaves no KVM verdict' '
	echo exit >qemu/mode &&
	expect_exit 4 bootperf bench --hv "$PWD/qemu/qemu" \
		--kvm-probe-timeout 40 --runs 1 --warmup 0 2>err &&
	grep -q "^bootperf: error: pass 1 of 1: boot-failed" err &&
	test ! -e "$BOOTPERF_CACHE_DIR/kvm-unusable"
'

test_expect_success '--accel auto: a hanging KVM falls back to TCG, warns once' '
	echo hang-kvm >qemu/mode &&
	bootperf bench --hv "$PWD/qemu/qemu" --kvm-probe-timeout 20 \
		--runs 1 --warmup 0 --json >auto.json 2>err &&
	test "$(grep -c "warning: KVM unusable" err)" = 1 &&
	grep -q "falling back to TCG" err &&
	{ ! test -c /dev/kvm || grep -q "a KVM boot did not finish within 20 s" err; } &&
	{ ! test -c /dev/kvm || grep -q "within 20 s" "$BOOTPERF_CACHE_DIR/kvm-unusable"; } &&
	test "$(json auto.json "\$j->{environment}{accel}")" = tcg &&
	test "$(json auto.json "\$j->{status}")" = ok &&
	no_process "sleep $(mark 646)"
'

test_expect_success '--accel kvm: the same hang is an error, exit 6' '
	expect_exit 6 bootperf bench --accel kvm --hv "$PWD/qemu/qemu" \
		--kvm-probe-timeout 20 --runs 1 --warmup 0 --json >kvm.json 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "^bootperf: error: --accel kvm: KVM cannot boot the appliance here" err &&
	test "$(json kvm.json "\$j->{status}")" = error &&
	json kvm.json "\$j->{message}" | grep -q "^--accel kvm: KVM cannot boot" &&
	no_process "sleep $(mark 646)"
'

# The kernel panics (no init, no root) and qemu exits: libguestfs's
# multi-line advice becomes one line.
test_expect_success 'a boot that fails: exit 4, one clear line' '
	expect_exit 4 bootperf bench --accel tcg --append rdinit=/nonexistent \
		--timeout 120 --runs 1 --warmup 0 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "^bootperf: error: pass 1 of 1: boot-failed: guestfs_launch failed" err
'

test_done
