#!/bin/bash
# bootperf report from stored results only: golden files for text,
# Markdown and JSON on a fixed store (t/lib/report-fixture.sh), and the
# effect of every option.  The only machine-dependent part, the test
# directory, is replaced by @TEST_DIR@.  After a deliberate change of
# the output, BOOTPERF_UPDATE_GOLDEN=1 rewrites t/golden/ (review the
# diff before committing it).
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016,SC2317 # SC2317: koalaman/shellcheck#3183
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=lib/report-fixture.sh
. "$srcdir/t/lib/report-fixture.sh"
requires git perl script

make_report_fixture

# golden NAME FILE: FILE, normalised, is t/golden/NAME.
golden() {
	sed "s|$TEST_DIR|@TEST_DIR@|g" "$2" >"$2.norm"
	if [ -n "${BOOTPERF_UPDATE_GOLDEN:-}" ]; then
		cp "$2.norm" "$srcdir/t/golden/$1"
	fi
	diff -u "$srcdir/t/golden/$1" "$2.norm"
}
report() {
	bootperf report --repo repo --store store "$@"
}

test_expect_success 'text: the range report, then the change points' '
	report initial..main >report.txt &&
	golden report.txt report.txt
'

test_expect_success 'text: what the fixture plants is found' '
	grep -A1 "^$(git -C repo rev-parse --short "$(fixture_id 9)") commit 9" report.txt |
		grep -q "↓ degrades performance by 20.0%" &&
	grep -q "^20 commits: 18 measured, 1 failed, 1 not measured" report.txt &&
	grep -q "in one of the 3 commits after .* (1 not measured yet)" report.txt &&
	grep -q "acknowledged (.*): expected: the cache is back" report.txt
'

test_expect_success 'md: tables for a mailing list' '
	report --format md initial..main >report.md &&
	golden report.md report.md
'

test_expect_success 'json: the documented schema' '
	report --format json initial..main >report.json &&
	golden report.json report.json &&
	test "$(json report.json "\$j->{type}")" = bootperf-report &&
	test "$(json report.json "\$j->{source}")" = range &&
	test "$(json report.json "scalar @{\$j->{commits}}")" = 20 &&
	test "$(json report.json "\$j->{commits}[6]{status}")" = not-measured &&
	test "$(json report.json "\$j->{commits}[7]{status}")" = build-failed &&
	test "$(json report.json "\$j->{change_points}[0]{direction}")" = regression &&
	test "$(json report.json "\$j->{change_points}[0]{not_measured}")" = 1 &&
	test "$(json report.json "\$j->{change_points}[1]{acknowledged}{note}")" = "expected: the cache is back" &&
	test "$(json report.json "\$j->{alert}")" = 1
'

test_expect_success 'nothing was built or booted, nothing written' '
	find store -newer report.json -type f >changed &&
	test ! -s changed && test ! -e store/worktree
'

test_expect_success '--threshold: smaller changes are not reported' '
	report --threshold 10 initial..main >t10.txt &&
	grep -q "degrades performance by 20.0% at" t10.txt &&
	! grep -q "improves performance" t10.txt &&
	grep -q "(1 more below 10%)" t10.txt
'

test_expect_success '--alpha: beyond the neighbours'"'"' reach, a warning' '
	report --alpha 0.001 initial..main >a.txt 2>a.err &&
	grep -q "^No significant changes between neighbours" a.txt &&
	grep -q "warning: commits measured with as few passes as 5: the Mann-Whitney test needs at least 7 passes a side to reach p < 0.001" a.err &&
	grep -q "^Change points (E-divisive means, 1999 permutations, p <= 0.001" a.txt &&
	grep -q "degrades performance by [0-9.]*% at $(git -C repo rev-parse --short "$(fixture_id 9)") " a.txt &&
	report initial..main 2>default.err >/dev/null && test ! -s default.err
'

test_expect_success '--config: needed when the store has several' '
	mkdir -p store/results/abcdef0123456789abcdef0123456789abcdef01 &&
	cp "store/results/$FIXTURE_CONFIG/$(fixture_id 1).json" \
		store/results/abcdef0123456789abcdef0123456789abcdef01/ &&
	expect_exit 2 report initial..main 2>config.err &&
	grep -q "has results of 2 configurations; choose one with --config" config.err &&
	report --config c0ffee initial..main >c.txt && cmp c.txt report.txt &&
	expect_exit 2 report --config ff initial..main &&
	expect_exit 2 report --config "" initial..main
'

test_expect_success '--first-parent: the mainline of a range with a merge' '
	make_merge_tree m >/dev/null &&
	report --config c0ffee --repo "$TEST_DIR/m" --format json main~3..main >all.json &&
	report --config c0ffee --repo "$TEST_DIR/m" --first-parent --format json main~3..main >fp.json &&
	test "$(json all.json "\$j->{counts}{commits}")" = 6 &&
	test "$(json fp.json "\$j->{counts}{commits}")" = 3
'

test_expect_success '--commit-url: ids link to a web view' '
	report --config c0ffee --format md --commit-url "https://example.org/c/{commit}?x" initial..main >url.md &&
	grep -q "\[\`[0-9a-f]*\`\](https://example.org/c/$(fixture_id 9)?x)" url.md
'

test_expect_success '--output: the file is written whole, stdout stays empty' '
	report --config c0ffee --format json -o out.json initial..main >stdout.txt &&
	test ! -s stdout.txt && cmp out.json report.json &&
	report --config c0ffee --output out2.json --format json initial..main &&
	cmp out2.json report.json && test -z "$(ls out*.tmp.* 2>/dev/null)" &&
	expect_exit 3 report --config c0ffee -o "$TEST_DIR/no/such/dir/r" initial..main 2>err &&
	grep -qx "bootperf: error: cannot write --output .$TEST_DIR/no/such/dir/r.: No such file or directory" err &&
	mkdir -p adir && expect_exit 3 report --config c0ffee -o adir initial..main 2>err &&
	test "$(wc -l <err)" = 1 && grep -q "adir.: it is a directory" err
'

test_expect_success '--output through a symbolic link: its target is written, the link stays' '
	echo old >target.json && ln -s target.json link.json &&
	report --config c0ffee --format json -o link.json initial..main &&
	test -L link.json && test "$(readlink link.json)" = target.json &&
	cmp target.json report.json &&
	mkdir -p pub www && ln -s ../pub/page.json www/page.json &&
	report --config c0ffee --format json -o www/page.json initial..main &&
	test -L www/page.json && cmp pub/page.json report.json &&
	test -z "$(ls pub www | grep tmp)" &&
	ln -s loop1 loop2 && ln -s loop2 loop1 &&
	expect_exit 3 report --config c0ffee -o loop1 initial..main 2>err &&
	grep -qx "bootperf: error: cannot write --output .loop1.: Too many levels of symbolic links" err &&
	test -L loop1 && test -L loop2
'

test_expect_success '--output to a FIFO: written into it, not replaced' '
	mkfifo fifo &&
	timeout 20 cat fifo >from-fifo &
	report --config c0ffee --format json -o fifo initial..main &&
	wait $! && test -p fifo && cmp from-fifo report.json
'

test_expect_success '--output over a 0600 file: it keeps its mode' '
	echo secret >private.json && chmod 600 private.json &&
	report --config c0ffee --format json -o private.json initial..main &&
	test "$(stat -c %a private.json)" = 600 && cmp private.json report.json &&
	report --config c0ffee --format json -o new.json initial..main &&
	test "$(stat -c %a new.json)" = 644
'

test_expect_success '--no-color: no colours on a terminal' '
	script -qec "$BOOTPERF report --config c0ffee --repo repo --store store initial..main" /dev/null >tty.txt &&
	grep -q "$(printf "\033")\[" tty.txt &&
	script -qec "$BOOTPERF report --no-color --config c0ffee --repo repo --store store initial..main" /dev/null >tty2.txt &&
	! grep -q "$(printf "\033")\[" tty2.txt
'

test_expect_success 'errors: usage 2, no store 9, unknown revision 17' '
	expect_exit 2 report --format pdf initial..main &&
	expect_exit 2 report a b &&
	expect_exit 9 bootperf report --store "$TEST_DIR/nostore" --repo repo initial..main &&
	expect_exit 17 report --config c0ffee nosuch..main &&
	expect_exit 2 report --config c0ffee 2>none.err &&
	grep -q "nothing tracked in store" none.err
'

# track_state: what a track run of the fixture's branch would have kept
# (its commits 1..20, last run 2020-01-02, the regression seen on
# 2020-01-01), for the report of the tracked branch.
track_state() {
	printf '{"type": "bootperf-track-state", "format": 1,\n'
	printf ' "config_id": "%s", "repo": "%s/repo",\n' "$FIXTURE_CONFIG" "$TEST_DIR"
	printf ' "remote": "origin", "url": "https://example.org/qemu.git",\n'
	printf ' "branch": "main", "first_parent": true, "alpha": 0.01,\n'
	printf ' "threshold_percent": 1, "start": "%s", "tip": "%s",\n' \
		"$(fixture_id 1)" "$(fixture_id 20)"
	printf ' "updated": 1577923200, "fetch_error": null, "history": [\n'
	for i in $(seq 1 20); do
		printf '  {"commit": "%s", "subject": "commit %s: change %s"}%s\n' \
			"$(fixture_id "$i")" "$i" "$i" "$([ "$i" = 20 ] || echo ,)"
	done
	printf ' ], "change_points": [{"before": "%s", "after": "%s",\n' \
		"$(fixture_id 6)" "$(fixture_id 9)"
	printf '  "direction": "regression", "first_seen": 1577836800,\n'
	printf '  "ack_commit": null, "ack": null}]}\n'
}

test_expect_success 'the tracked branch: text, md and json from the state' '
	mkdir -p store/track && track_state >"store/track/$FIXTURE_CONFIG.json" &&
	bootperf report --store store >track.txt &&
	golden report-track.txt track.txt &&
	bootperf report --store store --format md >track.md &&
	golden report-track.md track.md &&
	bootperf report --store store --format json >track.json &&
	golden report-track.json track.json &&
	grep -q "^Branch main of origin (https://example.org/qemu.git), tracked 2020-01-02 00:00 UTC" track.txt &&
	test "$(json track.json "\$j->{source}")" = track &&
	test "$(json track.json "\$j->{change_points}[0]{new}")" = 0 &&
	test "$(json track.json "\$j->{change_points}[0]{first_seen}")" = 2020-01-01T00:00:00Z &&
	test "$(json track.json "\$j->{change_points}[1]{new}")" = 1 &&
	test "$(json track.json "\$j->{alert}")" = 1
'

test_expect_success 'text: commits not measured, alone or in a run on one line' '
	make_tree gaps 5 9 &&
	bootperf range --runner command --command true --build true \
		--runs 2 --warmup 0 --store "$PWD/sgaps" gaps HEAD >/dev/null 2>&1 &&
	bootperf report --store "$PWD/sgaps" --repo gaps HEAD~4..HEAD \
		>gaps.txt 2>/dev/null &&
	cat gaps.txt &&
	grep -qx "(3 commits not measured: $(git -C gaps rev-parse --short=7 HEAD~3) to $(git -C gaps rev-parse --short=7 HEAD~1))" gaps.txt &&
	bootperf report --store "$PWD/sgaps" --repo gaps HEAD~2^..HEAD~2 \
		>gap1.txt 2>/dev/null &&
	grep -A1 "^$(git -C gaps rev-parse --short=7 HEAD~2) commit 3$" gap1.txt |
		grep -qx "	not measured"
'

test_done
