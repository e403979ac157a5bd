#!/bin/bash
# Real boots: every libguestfs RUN OPTION shows its effect in one
# benchmark (three boots), checked in the JSON, in the serial console
# and in the qemu command line the hypervisor was given.  The default
# --accel auto probes KVM first: where it hangs (nested hosts, as here)
# the run falls back to TCG with one warning.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires_boots

mkdir qemu && cp "$srcdir/t/lib/fake-qemu.sh" qemu/qemu && echo pass >qemu/mode

test_expect_success 'bench boots the appliance with every option applied' '
	bootperf bench --runs 2 --warmup 1 --smp 2 --memsize 700 \
		--append bootperf_mark=1 --hv "$PWD/qemu/qemu" --timeout 300 \
		--kvm-probe-timeout 30 --verbose --json >out.json 2>console.txt
'
# shellcheck disable=SC2034 # read by the test bodies
accel=$(json out.json '$j->{environment}{accel}' 2>/dev/null)

test_expect_success '--accel auto: the accelerator used is recorded, a fallback said once' '
	case "$accel" in
	kvm) ! grep -q "falling back to TCG" console.txt ;;
	tcg) test "$(grep -c "bootperf: warning: KVM unusable (.*); falling back to TCG$" console.txt)" = 1 ;;
	*) false ;;
	esac
'

test_expect_success 'JSON: two samples, one warm-up, real sd' '
	test "$(json out.json "scalar @{\$j->{samples_ms}}")" = 2 &&
	test "$(json out.json "scalar @{\$j->{warmup_ms}}")" = 1 &&
	sd_matches out.json &&
	perl -e "exit !(\$ARGV[0] > 1000)" \
		"$(json out.json "\$j->{statistics}{min_ms}")"
'

test_expect_success 'JSON: the environment says what was booted' '
	test "$(json out.json "\$j->{environment}{backend}")" = direct &&
	test "$(json out.json "\$j->{environment}{smp}")" = 2 &&
	test "$(json out.json "\$j->{environment}{memsize}")" = 700 &&
	test "$(json out.json "\$j->{environment}{append}")" = bootperf_mark=1 &&
	test "$(json out.json "\$j->{environment}{hv}")" = "$PWD/qemu/qemu" &&
	json out.json "\$j->{environment}{hv_version}" | grep -q "^QEMU emulator" &&
	json out.json "\$j->{environment}{libguestfs_version}" | grep -q "^1\." &&
	json out.json "\$j->{environment}{kernel_version}" | grep -q "^[0-9]"
'

test_expect_success '--append reaches the guest kernel (--verbose console)' '
	grep -q "Kernel command line:.* bootperf_mark=1" console.txt
'

# The three boots measured come last, after a KVM probe where KVM opens.
test_expect_success '--smp and --memsize reach qemu and the guest' '
	grep -q "smpboot: Allowing 2 CPUs" console.txt &&
	grep -- "-kernel" qemu/invocations >boots &&
	test "$(wc -l <boots)" -ge 3 &&
	! grep -v -- "-smp 2 .*-m 700 " boots
'

test_expect_success '--hv: the given binary was the one booted, with the accelerator recorded' '
	grep -- "-kernel" qemu/invocations >boots && test -s boots &&
	test "$(tail -n 3 boots | grep -c "accel=$accel\b")" = 3
'

test_done
