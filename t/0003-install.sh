#!/bin/bash
# make install puts the binary and the man page under DESTDIR/PREFIX;
# make check installs what its tests need.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires make

[ -z "${BOOTPERF_WRAPPER:-}" ] || skip_all "install test runs once, unwrapped"

test_expect_success 'make install DESTDIR=... PREFIX=/opt/bp' '
	make -s -C "$srcdir" install DESTDIR="$TEST_DIR/root" PREFIX=/opt/bp \
		>/dev/null &&
	test -x root/opt/bp/bin/bootperf &&
	root/opt/bp/bin/bootperf --version | grep -q "^bootperf " &&
	test -s root/opt/bp/share/man/man1/bootperf.1 &&
	grep -q "^\.TH BOOTPERF 1" root/opt/bp/share/man/man1/bootperf.1 &&
	grep -q "bootperf range" root/opt/bp/share/man/man1/bootperf.1
'

# make -n runs the recipe lines that call $(MAKE): MAKE=true keeps it
# from building or testing anything.
test_expect_success 'make check installs the browser the HTML test needs' '
	make -s -C "$srcdir" -n check MAKE=true >recipe &&
	grep -qx "scripts/install-deps" recipe &&
	grep -qx "scripts/install-deps browser" recipe
'

test_done
