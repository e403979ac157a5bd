#!/bin/bash
# Faults in the results store: a full disk, a read-only store, a kill -9
# in the middle of writing a result, and corrupt, truncated, empty,
# foreign and newer files.  Each: the exit status, one clear message, no
# partial result, every earlier result still readable.  The failures are
# injected with an LD_PRELOAD shim (t/lib/failfs.c), so no privileges
# are needed.  Command runner: fast.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016,SC2034,SC2317 # SC2317: koalaman/shellcheck#3183
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires git

make_tree repo 6 4

# range STORE RANGE [OPTIONS]: the whole walk, fast.
range() {
	local store=$1 revs=$2
	shift 2
	bootperf range --runner command --runs 3 --warmup 0 --test welch \
		--command 'sleep $(cat {worktree}/built)' --build 'cp delay built' \
		--store "$PWD/$store" "$@" repo "$revs"
}

# results STORE: the stored results, one line each (name and checksum).
results() {
	(cd "$1/results" && find . -name "*.json" -type f -exec md5sum {} + | sort)
}

# readable STORE: every stored result parses and is a bootperf result.
readable() {
	for f in "$1"/results/*/*.json; do
		test "$(json "$f" "\$j->{type}")" = bootperf-commit-result || return 1
	done
}

no_litter() {
	test -z "$(find "$1/results" -name ".*" -type f)"
}

with_failfs() {
	[ -n "${BOOTPERF_FAILFS:-}" ] || return 0
	FAILFS="$1" LD_PRELOAD="$BOOTPERF_FAILFS" "${@:2}"
}

test_expect_success 'a store with two results' '
	range s HEAD~5..HEAD~3 >/dev/null &&
	test "$(results s | wc -l)" = 2 && results s >before
'

if [ -z "${BOOTPERF_FAILFS:-}" ]; then
	echo "# BOOTPERF_FAILFS is not set (no failfs shim): skipping injected faults"
else
	test_expect_success 'disk full while writing a result: exit 9, nothing lost' '
		expect_exit 9 with_failfs "enospc:$PWD/s/results" \
			range s HEAD~5..HEAD >out 2>err &&
		grep -q "^bootperf: error: cannot write result .$PWD/s/results/.*\.json.: No space left on device$" err &&
		results s | cmp - before && no_litter s && readable s
	'

	test_expect_success 'after the disk is freed, the run resumes' '
		range s HEAD~5..HEAD --json >resumed.json &&
		test "$(json resumed.json "\$j->{commits}[0]{from_store}")" = 1 &&
		test "$(json resumed.json "\$j->{commits}[1]{from_store}")" = 1 &&
		test "$(json resumed.json "\$j->{commits}[2]{from_store}")" = 0 &&
		test "$(results s | wc -l)" = 5 && readable s
	'

	test_expect_success 'disk full while a build is captured: exit 9, nothing lost, no half copy' '
		results s >before &&
		head=$(git -C repo rev-parse HEAD) &&
		rm -r s/artifacts/*/"$head" &&
		expect_exit 9 with_failfs "enospc:$PWD/s/artifacts" \
			range s HEAD --runs 4 2>err &&
		grep -q "^bootperf: error: cannot keep the artifacts of ${head:0:12} in .*: No space left on device; free space there, or lower --artifacts-max$" err &&
		results s | cmp - before && no_litter s && readable s &&
		test ! -e s/artifacts/*/"$head" &&
		test -z "$(find s/artifacts -name ".*.tmp")" &&
		range s HEAD --runs 4 --json >cap.json 2>err &&
		test "$(json cap.json "\$j->{builds}")" = 1 &&
		test -f s/artifacts/*/"$head"/built
	'

	test_expect_success 'kill -9 while a build is captured: no copy under its name; the next run sweeps and builds' '
		results s >before &&
		head=$(git -C repo rev-parse HEAD) &&
		rm -r s/artifacts/*/"$head" &&
		rc=0 && with_failfs "kill:.bootperf-manifest" \
			range s HEAD --runs 5 >/dev/null 2>&1 || rc=$? &&
		test "$rc" = 137 &&
		results s | cmp - before && readable s &&
		test ! -e s/artifacts/*/"$head" &&
		test -n "$(find s/artifacts -name ".$head.tmp")" &&
		range s HEAD --runs 5 --json >k.json &&
		test "$(json k.json "\$j->{builds}")" = 1 &&
		test -f s/artifacts/*/"$head"/built &&
		test -z "$(find s/artifacts -name ".*.tmp")"
	'

	test_expect_success 'a read-only store: exit 9 before any build' '
		results s >before &&
		expect_exit 9 with_failfs "erofs:$PWD/s" \
			range s HEAD~5..HEAD --force 2>err &&
		grep -q "^bootperf: error: store .$PWD/s. is not writable: Read-only file system$" err &&
		test "$(wc -l <err)" = 1 &&
		results s | cmp - before && readable s
	'

	test_expect_success 'kill -9 in the middle of writing a result' '
		results s >before &&
		rc=0 && with_failfs "kill:$PWD/s/results" \
			range s HEAD~5..HEAD --force >/dev/null 2>&1 || rc=$? &&
		test "$rc" = 137 &&
		results s | cmp - before && readable s &&
		test -n "$(find s/results -name ".*.tmp")"
	'

	test_expect_success 'the next run sweeps the half-written temp file' '
		range s HEAD~5..HEAD >/dev/null && no_litter s && readable s
	'

	# The run goes on without the file it cannot read: a warning, never
	# "error:" in a run that exits 0 (issue 20).
	test_expect_success 'a result that cannot be read (EIO): a warning, measured again' '
		f=$(echo s/results/*/"$(git -C repo rev-parse HEAD~1)".json) &&
		test -f "$f" &&
		with_failfs "eio:$PWD/$f" range s HEAD~5..HEAD --json \
			>eio.json 2>err || { cat err; false; } &&
		grep -q "^bootperf: warning: cannot read result .$PWD/$f.: Input/output error$" err &&
		grep -q "^bootperf: warning: measuring $(git -C repo rev-parse --short=12 HEAD~1) again" err &&
		! grep -q "error:" err &&
		test "$(json eio.json "\$j->{builds}")" = 0 &&
		test "$(json eio.json "\$j->{artifacts}{reused}")" -ge 1 &&
		readable s && no_litter s &&
		with_failfs "eio:$PWD/$f" bootperf report --store "$PWD/s" \
			--repo repo HEAD~5..HEAD >r.txt 2>err &&
		grep -q "^bootperf: warning: cannot read result" err &&
		! grep -q "error:" err
	'
fi

# plant STORE N TEXT: replace the result of HEAD~N with TEXT.
plant() {
	local f
	f=$(echo "$1"/results/*/"$(git -C repo rev-parse "HEAD~$2")".json)
	printf "%s" "$3" >"$f" && echo "$PWD/$f"
}

test_expect_success 'corrupt, truncated, empty and foreign files: named, measured again' '
	range s HEAD~5..HEAD >/dev/null &&
	f=$(plant s 4 "{\"type\": \"bootperf-commit-result\", \"format\": 1, \"comm") &&
	g=$(plant s 3 "") && h=$(plant s 2 "{\"hello\": \"world\"}") &&
	range s HEAD~5..HEAD --json >again.json 2>err &&
	grep -q "^bootperf: warning: corrupt result .$f.: truncated JSON" err &&
	grep -q "^bootperf: warning: corrupt result .$g.: the file is empty" err &&
	grep -q "^bootperf: warning: corrupt result .$h.: not a bootperf result" err &&
	! grep -q "error:" err &&
	test "$(grep -c "warning: measuring .* again" err)" = 3 &&
	test "$(json again.json "\$j->{builds}")" = 0 &&
	test "$(json again.json "\$j->{artifacts}{reused}")" = 3 && readable s
'

# newer FILE ERR: ERR is the one line naming FILE as a newer bootperf's.
newer() {
	grep -q "^bootperf: error: result .$1. was written by a newer bootperf (format 99, this one reads 1); use that bootperf or another store$" "$2" &&
		test "$(wc -l <"$2")" = 1
}

test_expect_success 'a result of a newer bootperf is never overwritten: exit 9' '
	results s >before && touch before-run &&
	f=$(plant s 1 "{\"type\": \"bootperf-commit-result\", \"format\": 99}") &&
	for force in "" --force; do
		expect_exit 9 range s HEAD~5..HEAD $force 2>err >/dev/null &&
		newer "$f" err || exit 1
	done &&
	test -z "$(find s/logs -newer before-run)" && grep -q "\"format\": 99" "$f" &&
	results s | grep -v "${f##*/}" >after &&
	grep -v "${f##*/}" before | cmp - after && readable s
'

test_expect_success 'a newer result at the end of the range: exit 9 before the first build' '
	range s9 HEAD >/dev/null && test "$(ls s9/logs | wc -l)" = 1 &&
	f=$(plant s9 0 "{\"type\": \"bootperf-commit-result\", \"format\": 99}") &&
	expect_exit 9 range s9 HEAD~5..HEAD 2>err >/dev/null &&
	newer "$f" err && test "$(ls s9/logs | wc -l)" = 1 &&
	test "$(results s9 | wc -l)" = 1
'

test_expect_success 'bisect and track find a newer result before their first build too' '
	range sn HEAD~2 >/dev/null && test "$(ls sn/logs | wc -l)" = 1 &&
	f=$(plant sn 2 "{\"type\": \"bootperf-commit-result\", \"format\": 99}") &&
	expect_exit 9 bootperf bisect --runner command --runs 3 --warmup 0 \
		--command "sleep \$(cat {worktree}/built)" --build "cp delay built" \
		--store "$PWD/sn" repo HEAD~5 HEAD 2>err >/dev/null &&
	newer "$f" err && test "$(ls sn/logs | wc -l)" = 1 &&
	git clone -q repo upstream-clone &&
	expect_exit 9 bootperf track --runner command --runs 5 --warmup 0 \
		--command "sleep \$(cat {worktree}/built)" --build "cp delay built" \
		--store "$PWD/sn" upstream-clone 2>err >/dev/null &&
	newer "$f" err && test "$(ls sn/logs | wc -l)" = 1 &&
	grep -q "\"format\": 99" "$f"
'

test_expect_success 'bisect-run --force does not overwrite a newer result either' '
	git clone -q repo br && git -C br checkout -q --detach HEAD~1 &&
	sbr=$PWD/sbr &&
	(cd br && bootperf bisect-run --runner command --runs 2 --warmup 0 \
		--command true --build true --store "$sbr" \
		--threshold-ms 1000 >/dev/null 2>&1) &&
	f=$(echo sbr/results/*/"$(git -C br rev-parse HEAD)".json) &&
	printf "%s" "{\"type\": \"bootperf-commit-result\", \"format\": 99}" >"$f" &&
	touch before-br && rc=0 &&
	(cd br && bootperf bisect-run --runner command --runs 2 --warmup 0 \
		--command true --build true --force --store "$sbr" \
		--threshold-ms 1000) >/dev/null 2>err || rc=$?
	test "$rc" = 128 && newer "$PWD/$f" err &&
	grep -q "\"format\": 99" "$f" && test -z "$(find sbr/logs -newer before-br)"
'

test_expect_success 'temp files of killed writers are swept all over the store' '
	sh -c "exit 0" & dead=$! && wait $dead &&
	{ sleep "$(mark 1000)" & } && live=$! &&
	range s10 HEAD~2..HEAD~1 >/dev/null && mkdir s10/track s10/acks s10/wrappers &&
	for d in s10 s10/track s10/acks s10/results/*; do
		touch "$d/.x.json.$dead.0.tmp" || exit 1
	done &&
	touch "s10/acks/.abc1234.$live.0.tmp" s10/wrappers/qemu-0123456789ab &&
	rc=0 && range s10 HEAD~2..HEAD >/dev/null 2>&1 || rc=$?
	kill "$live" && test "$rc" = 0 &&
	test -z "$(find s10 -path s10/worktree -prune -o -name ".x.json.*" -print)" &&
	test -e "s10/acks/.abc1234.$live.0.tmp" && test -z "$(ls -A s10/wrappers)"
'

test_expect_success 'a --qemu-arg wrapper goes when its commit is measured' '
	printf "#!/bin/sh\necho fake qemu\n" >fakehv && chmod +x fakehv &&
	bootperf range --runner command --runs 1 --warmup 0 --qemu-arg -nodefaults \
		--hv "$PWD/fakehv" --command "echo {hv} >>$PWD/hvs; {hv} -version" \
		--store "$PWD/sq" repo HEAD~2..HEAD >/dev/null 2>&1 &&
	test "$(sort -u hvs | wc -l)" = 2 &&
	for w in $(sort -u hvs); do
		case $w in
		"$PWD/sq/wrappers/qemu-"*) test ! -e "$w" || exit 1 ;;
		*) echo "not a wrapper: $w"; exit 1 ;;
		esac
	done &&
	test -z "$(ls -A sq/wrappers)" && test -z "$(ls sq | grep -v "^\(artifacts\|configs\|lock\|logs\|results\|worktree\|wrappers\)$")"
'

test_done
