#!/bin/bash
# What a hostile first week found in the command line and the runs around
# it: a FIFO given as --config, a --command that does not exist, a
# read-only store for report, and the nits of issue 20.  Command runner:
# fast.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016,SC2034,SC2317 # SC2317: koalaman/shellcheck#3183
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires git timeout

make_tree repo 4 1

range() {
	bootperf range --runner command --runs 2 --warmup 0 --test welch \
		"$@"
}

test_expect_success '--config from a FIFO: refused at once, exit 3' '
	mkfifo F && rc=0 &&
	timeout -s KILL 5 "$BOOTPERF" range --runner command --command true \
		--build true --config F --store "$PWD/sf" repo HEAD~1..HEAD \
		2>err || rc=$? &&
	test "$rc" = 3 &&
	test "$(wc -l <err)" = 1 &&
	grep -q "error: --config: .F. is not a regular file" err
'

test_expect_success 'report on a read-only store: it only reads' '
	test -n "${BOOTPERF_FAILFS:-}" || { echo "no failfs"; exit 0; }
	range --command true --build true --store "$PWD/sro" repo HEAD~2..HEAD \
		>out 2>err &&
	LD_PRELOAD=$BOOTPERF_FAILFS FAILFS=erofs:$PWD/sro \
		bootperf report --store "$PWD/sro" --repo repo HEAD~2..HEAD \
		--format json >r.json 2>err || { cat err; false; } &&
	test "$(json r.json "scalar @{\$j->{commits}}")" = 2 &&
	! grep -q error: err
'

test_expect_success 'a --command that does not exist: exit 10 before the first build' '
	expect_exit 10 range --command "no-such-prog$tag --x {worktree}" \
		--build "touch built-marker" --store "$PWD/sc" repo HEAD~2..HEAD \
		>out 2>err &&
	test "$(grep -c error: err)" = 1 &&
	grep -q "error: --command: .no-such-prog$tag. was not found on PATH" err &&
	! test -e sc/worktree/built-marker && ! ls sc/results/*/*.json
'

test_expect_success '--command: builtins, paths, expansions are left to the shell' '
	for c in "true" "VAR=1 true" "{worktree}/run.sh" "test -e {worktree}" \
		"\"true\"" "exec true" "sleep 0"; do
		range --command "$c" --build "printf \"#!/bin/sh\n\" >run.sh; chmod +x run.sh" \
			--store "$PWD/sb" repo HEAD~1..HEAD --force >out 2>err ||
			{ echo "$c: $(cat err)"; exit 1; }
	done
'

test_expect_success '--version and --help take no argument' '
	expect_exit 2 bootperf --version extra 2>err &&
	grep -qx "bootperf: error: unexpected argument .extra. (--version takes none)" err &&
	expect_exit 2 bootperf --help extra 2>err && test "$(wc -l <err)" = 1
'

test_expect_success 'an argument too many is named, not blamed on one missing' '
	expect_exit 2 bootperf range repo HEAD~1..HEAD extra 2>err &&
	grep -qx "bootperf: error: range: unexpected argument .extra. (range takes REPO and RANGE)" err &&
	expect_exit 2 bootperf bisect repo HEAD~2 HEAD extra 2>err &&
	grep -q "unexpected argument .extra." err &&
	expect_exit 2 bootperf track repo extra 2>err &&
	grep -q "unexpected argument .extra." err &&
	expect_exit 2 bootperf report a..b extra 2>err &&
	grep -q "unexpected argument .extra." err &&
	expect_exit 2 bootperf range repo 2>err &&
	grep -q "range needs REPO and RANGE" err
'

test_expect_success 'a short-option cluster: the bad option is the one named' '
	expect_exit 2 bootperf range -rx repo HEAD 2>err &&
	grep -qx "bootperf: error: range: unknown option .-r. (.bootperf range --help. lists them)" err &&
	expect_exit 2 bootperf range --verbose -qx repo HEAD 2>err &&
	grep -q "unknown option .-q." err &&
	expect_exit 2 bootperf range --bogus repo HEAD 2>err &&
	grep -q "unknown option .--bogus." err &&
	expect_exit 2 bootperf range repo HEAD --runs 2>err &&
	grep -q "option .--runs. needs a value" err
'

test_expect_success '@ is HEAD, as git takes it: @~2..@, @^!' '
	range --command true --build true --store "$PWD/sat" repo @~2..@ \
		>out 2>err || { cat err; false; } &&
	test "$(ls sat/results/*/ | wc -l)" = 2 &&
	range --command true --build true --store "$PWD/sat" --json repo @^! \
		>one.json 2>err &&
	test "$(json one.json "\$j->{commits}[0]{commit}")" = "$(git -C repo rev-parse HEAD)"
'

test_expect_success 'ROOT^..B: the root commit with its children, as git would mean it' '
	root=$(git -C repo rev-list --max-parents=0 HEAD) &&
	range --command true --build true --store "$PWD/sroot" --json \
		repo "$root^..HEAD~1" >root.json 2>err || { cat err; false; } &&
	test "$(json root.json "scalar @{\$j->{commits}}")" = 3 &&
	test "$(json root.json "\$j->{commits}[0]{commit}")" = "$root" &&
	test "$(json root.json "\$j->{commits}[0]{change}")" = null &&
	test "$(json root.json "\$j->{commits}[1]{change}{against}")" = "$root" &&
	expect_exit 17 bootperf range --command true --store "$PWD/sroot" \
		--runner command repo "HEAD~3^^..HEAD" 2>err &&
	grep -q "unknown revision .HEAD~3^^. in range" err &&
	bootperf report --store "$PWD/sroot" --repo repo "$root^..HEAD~1" >r.txt &&
	test "$(grep -c "^[0-9a-f]\{7,\} commit " r.txt)" = 3 &&
	orphan=$(git -C repo commit-tree "HEAD^{tree}" -m orphan) &&
	expect_exit 18 bootperf range --runner command --command true \
		--store "$PWD/sroot" repo "$orphan^..HEAD" 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "error: range .$orphan^..HEAD.: .$orphan. is not an ancestor of .HEAD." err
'

test_expect_success 'a build that prints without end: its log keeps the last 8 MiB' '
	range --command true --store "$PWD/slog" \
		--build "yes build-output-line | head -c 30000000; echo; echo LAST-LINE" \
		repo HEAD >out 2>err || { cat err; false; } &&
	log=$(echo slog/logs/*.build.log) && test -f "$log" &&
	size=$(wc -c <"$log") && test "$size" -le $((8 * 1048576 + 200)) &&
	test "$size" -ge $((8 * 1048576)) &&
	head -n 1 "$log" | grep -q "^\[bootperf: [0-9]* bytes of build output cut here; the log keeps the last 8388608\]" &&
	test "$(tail -n 1 "$log")" = LAST-LINE
'

test_expect_success 'report with two configurations lists what sets each apart' '
	range --command true --build true --store "$PWD/s2c" repo HEAD~2..HEAD \
		>out 2>err &&
	range --command true --build true --store "$PWD/s2c" \
		--interleave alternate repo HEAD~1..HEAD >out 2>err &&
	expect_exit 2 bootperf report --store "$PWD/s2c" --repo repo \
		HEAD~2..HEAD 2>err &&
	grep -q "^bootperf: error: store .* has results of 2 configurations; choose one with --config:" err &&
	grep -q "^bootperf:   [0-9a-f]\{12\}: 1 commit; --interleave alternate\$" err &&
	grep -q "^bootperf:   [0-9a-f]\{12\}: 2 commits; no --interleave\$" err
'

test_done
