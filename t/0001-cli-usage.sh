#!/bin/bash
# Bad input gets one line naming the problem and a distinct exit status.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

test_expect_success '--help and --version' '
	bootperf --help >out && grep -q "bootperf bench" out &&
	bootperf --version >out && grep -qx "bootperf [0-9.]*" out &&
	bootperf bench --help >out && grep -q -- "--runs N" out &&
	bootperf help bench >out2 && cmp out out2
'

test_expect_success 'help: alone it is --help; COMMAND is COMMAND --help' '
	bootperf --help >top && bootperf help >help-top && cmp top help-top &&
	bootperf range --help >range && bootperf help range >help-range &&
	cmp range help-range
'

test_expect_success 'help with an unknown command, or too many: usage error' '
	expect_exit 2 bootperf help nope >out 2>err && test ! -s out &&
	grep -qx "bootperf: error: unknown command .nope. (.bootperf --help. lists them)" err &&
	expect_exit 2 bootperf help range extra >out 2>err && test ! -s out &&
	test "$(wc -l <err)" -eq 1 &&
	grep -qx "bootperf: error: help takes one COMMAND, e.g. .bootperf help range." err
'

test_expect_success 'no command, unknown command: usage error' '
	expect_exit 2 bootperf 2>err && grep -q "no command given" err &&
	test "$(wc -l <err)" -eq 1 &&
	expect_exit 2 bootperf frobnicate 2>err &&
	grep -qx "bootperf: error: unknown command .frobnicate. (.bootperf --help. lists them)" err &&
	test "$(wc -l <err)" -eq 1 &&
	expect_exit 2 bootperf --frobnicate 2>err &&
	test "$(wc -l <err)" -eq 1 && grep -q "unknown option .--frobnicate." err
'

test_expect_success 'unknown option and missing value' '
	expect_exit 2 bootperf bench --bogus 2>err &&
	grep -qx "bootperf: error: bench: unknown option .--bogus. (.bootperf bench --help. lists them)" err &&
	test "$(wc -l <err)" -eq 1 &&
	expect_exit 2 bootperf bench --run 3 2>err &&
	grep -q "^bootperf: error: bench: option .--run. is ambiguous: --runs, --runner$" err &&
	expect_exit 2 bootperf bench --runs 2>err &&
	grep -q "option .--runs. needs a value" err &&
	test "$(wc -l <err)" -eq 1 &&
	expect_exit 2 bootperf bench extra 2>err &&
	grep -q "takes no arguments, but got .extra." err &&
	test "$(wc -l <err)" -eq 1
'

for bad in 0 ten -1 3x "" " 5" +5; do
	test_expect_success "--runs '$bad' is refused" '
		expect_exit 2 bootperf bench --runs "'"$bad"'" 2>err &&
		test "$(wc -l <err)" -eq 1 &&
		grep -q "^bootperf: error: --runs: .'"$bad"'. is not a whole number" err
	'
done

test_expect_success 'other bad values name their option' '
	expect_exit 2 bootperf bench --warmup x 2>err && grep -q -- "--warmup" err &&
	expect_exit 2 bootperf bench --smp 0 2>err && grep -q -- "--smp" err &&
	expect_exit 2 bootperf bench --memsize big 2>err &&
	grep -q -- "--memsize" err &&
	expect_exit 2 bootperf bench --accel fast 2>err &&
	grep -q "not one of auto, kvm, tcg" err &&
	expect_exit 2 bootperf bench --timeout 0 2>err && grep -q -- "--timeout" err &&
	expect_exit 2 bootperf bench --timeout 0x10 2>err &&
	grep -q -- "--timeout: .0x10. is not a number of seconds above 0 and at most 604800 (7 days)" err &&
	expect_exit 2 bootperf range --alpha 0x0.1 . HEAD 2>err &&
	grep -q -- "--alpha: .0x0.1. is not a number above 0 and below 1" err &&
	expect_exit 2 bootperf range --threshold -5 . HEAD 2>err &&
	grep -q -- "--threshold: .-5. is not a percentage of 0 or more" err &&
	expect_exit 2 bootperf bench --runner vm 2>err && grep -q -- "--runner" err
'

test_expect_success 'options that do not go together' '
	expect_exit 2 bootperf bench --command true 2>err &&
	grep -q -- "--command needs --runner command" err &&
	expect_exit 2 bootperf bench --runner command 2>err &&
	grep -q -- "needs --command" err &&
	expect_exit 2 bootperf bench --modules /lib/modules 2>err &&
	grep -q -- "--modules needs --kernel" err
'

test_expect_success 'missing or unusable files: exit 3, nothing booted' '
	expect_exit 3 bootperf bench --hv /nonexistent/qemu 2>err &&
	grep -q "^bootperf: error: --hv ./nonexistent/qemu.: No such file" err &&
	echo x >notexec && expect_exit 3 bootperf bench --hv notexec 2>err &&
	grep -q "is not executable" err &&
	expect_exit 3 bootperf bench --hv . 2>err &&
	grep -q "is not a regular file" err &&
	expect_exit 3 bootperf bench --kernel /nonexistent/vmlinuz 2>err &&
	grep -q -- "--kernel" err &&
	head -c 100000 /dev/zero >zero-vmlinuz &&
	expect_exit 3 bootperf bench --kernel zero-vmlinuz 2>err &&
	grep -q "is not an x86 Linux kernel image" err &&
	expect_exit 3 bootperf bench --kernel notexec --modules /nonexistent 2>err &&
	grep -q -- "--modules" err &&
	expect_exit 3 bootperf bench --runner command --command true \
		--hv /nonexistent 2>err && grep -q -- "--hv" err
'

test_expect_success 'standard output that cannot be written: exit 1, results kept' '
	expect_exit 1 bootperf --version >/dev/full 2>err &&
	test "$(wc -l <err)" -eq 1 &&
	grep -q "^bootperf: error: cannot write to standard output: No space left on device$" err &&
	expect_exit 1 bootperf help range >/dev/full 2>err &&
	grep -q "cannot write to standard output" err &&
	make_tree full 2 9 &&
	expect_exit 1 bootperf range --runner command --command true \
		--build true --runs 2 --warmup 0 --store "$PWD/sfull" \
		full HEAD~1..HEAD >/dev/full 2>err &&
	grep -q "cannot write to standard output" err &&
	test "$(ls sfull/results/*/ | wc -l)" = 1 &&
	bootperf report --store "$PWD/sfull" --repo full HEAD~1..HEAD >report &&
	grep -q "commit 2" report
'

test_done
