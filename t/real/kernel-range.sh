#!/bin/bash
# make check-real: bootperf range --preset kernel on Debian's Linux 6.1
# source (linux-source-6.1) with three commits on top: a comment in a
# virtio driver, a planted late initcall that sleeps 8 s, a documentation
# change.  Each kernel and its modules boot the appliance through
# supermin; the planted commit is flagged, the largest change; the
# planted commit's build compiles what it added, the documentation
# commit's compiles nothing.  The first run builds Linux in full (30-60+ minutes
# on 2 cores); later runs build incrementally.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR source=lib/real.sh
. "$(dirname "$0")/lib/real.sh"
[ -r /usr/src/linux-source-6.1.tar.xz ] ||
	skip_all "needs linux-source-6.1 (scripts/install-deps real)"

test_expect_success 'the kernel tree (linux-source-6.1, made once)' '
	real_tree kernel &&
	git -C "$real/kernel" log -1 --format=%s HEAD~1 |
		grep -q "^init: give slow boot devices time to settle"
'
# shellcheck disable=SC2034 # read by the test bodies
planted=$(git -C "$real/kernel" rev-parse --short=7 HEAD~1 2>/dev/null)

test_expect_success 'range --preset kernel: three commits built and booted' '
	real_range kernel HEAD~3..HEAD || { cat range.err; false; }
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

test_expect_success 'the appliance booted the built kernel and its modules' '
	result=$real/kernel.store/results/$(json range.json "\$j->{config_id}")/$(git -C "$real/kernel" rev-parse HEAD~1).json &&
	json "$result" "\$j->{bench}{environment}{kernel}" | grep -q "/worktree/arch/x86/boot/bzImage$" &&
	json "$result" "\$j->{bench}{environment}{modules}" | grep -q "/worktree/.bootperf/modules$" &&
	test "$(json "$result" "\$j->{bench}{environment}{kernel_version}")" = \
		"$(make -s -C "$real/kernel.store/worktree" kernelrelease)"
'

test_expect_success 'incremental builds: the planted file, then nothing' '
	log=$(json range.json "\$j->{commits}[1]{log}") &&
	grep "^  CC " "$log" >compiled && cat compiled &&
	grep -q "init/settle\.o" compiled &&
	test "$(wc -l <compiled)" -le 8 &&
	log=$(json range.json "\$j->{commits}[2]{log}") &&
	! grep "^  CC\|^  LD  *vmlinux$" "$log"
'

test_done
