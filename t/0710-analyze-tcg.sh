#!/bin/bash
# bootperf analyze with real TCG boots (four: a warm-up, two analyzed
# passes and a quiet one): the boot's stages are found in order, within
# the measured time, and the cost of the verbose console is measured on
# the same settings.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires_boots
requires xmllint

mkdir qemu && cp "$srcdir/t/lib/fake-qemu.sh" qemu/qemu && echo pass >qemu/mode

test_expect_success 'analyze boots, analyzes and writes every output' '
	bootperf analyze --accel tcg --runs 2 --warmup 1 --quiet-runs 1 \
		--append bootperf_mark=1 --hv "$PWD/qemu/qemu" --timeout 300 \
		--record boot.events --svg chart.svg --json >out.json 2>err.txt
'

# stage NAME FIELD: the field of that stage in out.json.
# shellcheck disable=SC2317 # called from the test bodies
stage() {
	json out.json "(grep { \$_->{name} eq q($1) } @{\$j->{stages}})[0]{$2}"
}

test_expect_success 'firmware, kernel, initcalls, initramfs, daemon: seen, in order' '
	last=-1 &&
	for s in firmware "kernel early boot" "kernel initcalls" \
		"supermin mini-initrd" /init "daemon start"; do
		test "$(stage "$s" seen)" = 2 ||
			{ echo "$s not seen in both passes"; exit 1; }
		start=$(stage "$s" start_ms) &&
		perl -e "exit !(\$ARGV[0] > \$ARGV[1])" "$start" "$last" ||
			{ echo "$s starts at $start, before $last"; exit 1; }
		last=$start
	done &&
	test "$(stage "insmod virtio_pci" seen)" = 2 &&
	test "$(stage "initcall virtio_pci.virtio_pci_driver_init" seen)" = 2
'

test_expect_success 'in every pass the phases add up to no more than the total' '
	perl -MJSON::PP -e '\''
		local $/; open my $f, "<", "out.json" or die;
		my $j = JSON::PP->new->decode(<$f>);
		my @phases = grep { $_->{kind} eq "phase" } @{$j->{stages}};
		die "only " . @phases . " phases\n" if @phases < 10;
		for my $p (0 .. $#{$j->{passes}}) {
			my $total = $j->{passes}[$p]{total_ms};
			my $sum = 0;
			$sum += $_->{samples_ms}[$p] // 0 for @phases;
			die "pass $p: $sum > $total\n" if $sum > $total + 0.01;
			die "pass $p: $sum covers too little of $total\n"
				if $sum < 0.9 * $total;
			die "pass $p: the total is not the sample\n"
				if abs($total - $j->{analyzed}{samples_ms}[$p]) > 0.01;
		}'\''
'

test_expect_success '--quiet-runs: quiet passes on the same settings, the overhead' '
	test "$(json out.json "scalar @{\$j->{analyzed}{samples_ms}}")" = 2 &&
	test "$(json out.json "scalar @{\$j->{analyzed}{warmup_ms}}")" = 1 &&
	test "$(json out.json "scalar @{\$j->{quiet}{samples_ms}}")" = 1 &&
	test "$(json out.json "\$j->{quiet}{environment}{append}")" = bootperf_mark=1 &&
	json out.json "\$j->{analyzed}{environment}{append}" |
		grep -qx "guestfs_boot_analysis=1 ignore_loglevel initcall_debug bootperf_mark=1" &&
	test "$(json out.json "defined \$j->{overhead_ms} ? 1 : 0")" = 1 &&
	grep -- "-kernel" qemu/invocations >boots &&
	test "$(wc -l <boots)" = 4 &&
	test "$(grep -c "initcall_debug bootperf_mark=1" boots)" = 3 &&
	test "$(grep -c "TERM=[^ ]* bootperf_mark=1" boots)" = 1
'

test_expect_success '--record and --svg: the events again, the chart' '
	test "$(grep -c "^# pass" boot.events)" = 2 &&
	test "$(grep -c "^# quiet" boot.events)" = 1 &&
	grep -q "^[0-9.]* appliance .*calling  " boot.events &&
	bootperf analyze --replay boot.events >replayed.txt &&
	grep -q "ms  kernel initcalls  " replayed.txt &&
	grep -q "overhead: " replayed.txt &&
	xmllint --noout chart.svg && grep -q "<title>firmware: " chart.svg
'

test_expect_success 'nothing is left running' '
	no_process "$BOOTPERF_CACHE_DIR"
'

test_done
