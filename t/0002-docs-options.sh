#!/bin/bash
# Every option of every command is in its --help and in the man page,
# every option its --help shows is one it takes, and every exit status
# is documented.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# Hundreds of --help and --long-options runs: 7 minutes of CI under
# valgrind, for paths t/0001 and the options fuzzer's replay already take
# there.  make check and check-sanitize run it.
[ -z "${BOOTPERF_WRAPPER:-}" ] || skip_all "the docs are checked without valgrind"

# shellcheck disable=SC2034 # read by the test bodies
pod="$srcdir/docs/bootperf.pod"

test_expect_success 'the man page was built and is valid' '
	test -s "$BOOTPERF_MAN" && grep -q "^\.TH BOOTPERF 1" "$BOOTPERF_MAN" &&
	podchecker "$pod"
'

for cmd in $(bootperf --list-commands); do
	test_expect_success "every '$cmd' option is documented" '
		bootperf '"$cmd"' --long-options >opts &&
		test "$(wc -l <opts)" -gt 3 &&
		bootperf '"$cmd"' --help >help &&
		while read -r opt; do
			grep -q -- "^=item B<$opt>" "$pod" ||
				{ echo "$opt not in man page"; exit 1; }
			grep -q -- "^ *$opt\b" help ||
				{ echo "$opt not in --help"; exit 1; }
		done <opts
	'
done

# The other way round: every option --help shows as an item (four
# spaces in, where prose is indented further) is one the command takes.
# "--help --help" after it ends the parse whether it takes a value or
# not, so nothing is built or booted.
for cmd in $(bootperf --list-commands); do
	test_expect_success "every option '$cmd --help' shows is taken" '
		bootperf '"$cmd"' --help >help &&
		sed -n "s/^    \(--[a-z][a-z0-9-]*\).*/\1/p" help | sort -u >shown &&
		test "$(wc -l <shown)" -gt 3 &&
		while read -r opt; do
			{ bootperf '"$cmd"' "$opt" --help --help >out 2>err || true; } &&
			if grep -Eq "unknown option|unrecognized option" err; then
				echo "$opt shown by --help, but: $(cat err)"
				exit 1
			fi
		done <shown
	'
done

# POD joins lines with a space: a word broken after its hyphen would read
# "signal-processing- algorithms" in --help and the man page.
test_expect_success 'no word of the man page is broken at a hyphen' '
	! grep -nE "[A-Za-z]-$" "$pod"
'

test_expect_success 'every exit status is in the man page, as rendered' '
	sed -n "s/.*BP_EXIT_[A-Z_]* = \([0-9]*\).*/\1/p" \
		"$srcdir/common/common.h" >codes &&
	test "$(wc -l <codes)" -ge 8 &&
	pod2text "$pod" | sed -n "/^EXIT STATUS/,/^[A-Z]/p" >exit.txt &&
	while read -r code; do
		grep -q "^    $code\( \|\$\)" exit.txt ||
			{ echo "exit status $code undocumented"; exit 1; }
	done <codes
'

# A POD command that is not a paragraph of its own is printed as text.
test_expect_success 'no POD markup leaks into the man page or --help' '
	pod2text "$pod" >page.txt &&
	! grep -n "^ *=[a-z]" page.txt &&
	for cmd in $(bootperf --list-commands); do
		bootperf $cmd --help >help &&
		! grep -n "=item\|=head\|=over\|=back\|[BCFI]<" help ||
			{ echo "in $cmd --help"; exit 1; }
	done
'

test_done
