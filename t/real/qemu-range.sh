#!/bin/bash
# make check-real: bootperf range --preset qemu on Debian's qemu source
# (upstream tarball, then Debian's patch series one commit each, then a
# planted commit whose x86_load_linux sleeps 8 s).  The built qemu boots
# the appliance with the system's firmware; the planted commit is
# flagged, the largest change; the incremental build of the planted
# commit compiles the one file it changed.  The first run builds QEMU in full (20-40
# minutes on 2 cores); later runs build incrementally.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR source=lib/real.sh
. "$(dirname "$0")/lib/real.sh"
requires apt-get dpkg-source patch

test_expect_success 'the qemu tree (apt-get source qemu, made once)' '
	real_tree qemu &&
	git -C "$real/qemu" log -1 --format=%s HEAD |
		grep -q "^x86: let the kernel image settle" &&
	test "$(git -C "$real/qemu" rev-list --count HEAD)" -gt 30
'
# shellcheck disable=SC2034 # read by the test bodies
planted=$(git -C "$real/qemu" rev-parse --short=7 HEAD 2>/dev/null)

test_expect_success 'range --preset qemu: three commits built and booted' '
	real_range qemu HEAD~3..HEAD || { cat range.err; false; }
	summary range.json &&
	test "$(json range.json "scalar @{\$j->{commits}}")" = 3 &&
	test "$(json range.json "join q( ), map { \$_->{status} } @{\$j->{commits}}")" = "ok ok ok"
'
summary range.json 2>/dev/null

test_expect_success 'the planted commit is flagged, the largest change' '
	flagged range.json | grep -qx "$planted" &&
	perl -e "exit !(\$ARGV[0] > 20)" "$(percent range.json "$planted")" &&
	test "$(largest range.json)" = "$planted"
'

test_expect_success 'the boots used the built qemu, not the system one' '
	result=$real/qemu.store/results/$(json range.json "\$j->{config_id}")/$(git -C "$real/qemu" rev-parse HEAD).json &&
	json "$result" "\$j->{bench}{environment}{hv}" | grep -q "/qemu-wrapper-" &&
	json "$result" "\$j->{bench}{environment}{hv_version}" >version &&
	grep -q "^QEMU emulator version 7\.2\." version && ! grep -q Debian version
'

test_expect_success 'the planted commit rebuilt only the file it changed' '
	log=$(json range.json "\$j->{commits}[2]{log}") &&
	grep "Compiling C object" "$log" >compiled &&
	cat compiled &&
	test "$(wc -l <compiled)" -le 2 && grep -q "hw_i386_x86\.c\.o" compiled
'

test_done
