#!/bin/bash
# make bench, part 2: the economy of bootperf bisect.  A 64-commit
# synthetic tree (command runner: a 200 ms "boot" with +-3% noise, 10%
# slower from a commit picked at random) is bisected twice: by `bootperf
# bisect` (its search alone, --verify-runs 0, then again on the same
# store with its defaults: what the culprit's verification adds), and by
# `git bisect run bootperf bisect-run` with fixed runs (warm-up 3, runs
# 10).  Prints the builds and boots each used against the goals for the
# search: at most ceil(log2 N) + 2 builds, and at most half the boots of
# the fixed-runs approach.  Not a test.
set -euo pipefail
bootperf=$(realpath "${1:-./bootperf}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GIT_AUTHOR_DATE="2020-01-01T00:00:00Z" GIT_COMMITTER_DATE="2020-01-01T00:00:00Z"
export GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@b GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@b
n=64
culprit=${BENCH_CULPRIT:-$((2 + RANDOM % (n - 1)))}

git init -q "$tmp/repo"
for i in $(seq 0 "$n"); do
	if [ "$i" -ge "$culprit" ]; then echo 0.220; else echo 0.200; fi >"$tmp/repo/delay"
	git -C "$tmp/repo" add delay
	git -C "$tmp/repo" commit -q --allow-empty -m "commit $i"
done

# Each pass sleeps the delay times 1 +- 3% (uniform), and logs itself in
# BENCH_DIR (the commit's copy in the artifact store is deep in a store).
# shellcheck disable=SC2016 # expanded by the command runner's shell
noisy='echo x >>"$BENCH_DIR/boots.log"; sleep $(awk -v d="$(cat {worktree}/built)" -v r="$(od -An -N2 -tu2 /dev/urandom)" "BEGIN { printf \"%.4f\", d * (0.97 + 0.06 * r / 65535) }")'
build='echo x >>../../builds.log; cp delay built'
count() { if [ -e "$1" ]; then wc -l <"$1"; else echo 0; fi; }

echo "bench: bootperf bisect on $n commits, culprit commit $culprit ..." >&2
mkdir "$tmp/a"
(cd "$tmp/a" && BENCH_DIR=$tmp/a "$bootperf" bisect --runner command --command "$noisy" \
	--build "$build" --store "$tmp/a/s" --verify-runs 0 --json \
	"$tmp/repo" HEAD~$n HEAD >"$tmp/a/out.json")
ab=$(count "$tmp/a/builds.log") ap=$(count "$tmp/a/boots.log")
echo "bench: the same, verified (--verify-runs 10, the default) ..." >&2
(cd "$tmp/a" && BENCH_DIR=$tmp/a "$bootperf" bisect --runner command --command "$noisy" \
	--build "$build" --store "$tmp/a/s" --json "$tmp/repo" HEAD~$n HEAD \
	>"$tmp/a/verified.json") || true
vb=$(($(count "$tmp/a/builds.log") - ab)) vp=$(($(count "$tmp/a/boots.log") - ap))
# The fixed-runs bisection gets the midpoint of the endpoints as its
# threshold for free (it measures no endpoint itself).
mid=$(perl -MJSON::PP -0777 -ne '$e = decode_json($_)->{endpoints};
	printf "%.1f", ($e->{good}{statistics}{mean_ms} + $e->{bad}{statistics}{mean_ms}) / 2' \
	"$tmp/a/out.json")
mkdir "$tmp/b"
echo "bench: git bisect run bootperf bisect-run (warm-up 3, runs 10, threshold $mid ms) ..." >&2
git -C "$tmp/repo" bisect start HEAD HEAD~$n >/dev/null
(cd "$tmp/b" && BENCH_DIR=$tmp/b git -C "$tmp/repo" bisect run "$bootperf" bisect-run \
	--runner command --command "$noisy" --build "$build" --warmup 3 \
	--runs 10 --store "$tmp/b/s" --threshold-ms "$mid" >"$tmp/b/run.log" 2>&1)
fixed_named=$(git -C "$tmp/repo" log -1 --format=%s refs/bisect/bad)
git -C "$tmp/repo" bisect reset >/dev/null 2>&1

perl -MJSON::PP -e '
	my ($json, $vjson, $n, $culprit, $fixed_named, $ab, $ap, $vb, $vp,
	    $bb, $bp) = @ARGV;
	open my $f, "<", $json or die; local $/;
	my $j = decode_json(<$f>);
	open my $g, "<", $vjson or die;
	my $v = decode_json(<$g>);
	my $steps = 0; $steps++ while (1 << $steps) < $n;
	my $named = $j->{culprit} ? $j->{culprit}{subject} : $j->{outcome};
	printf "planted: commit %d of %d (a 10%% slower boot)\n", $culprit, $n;
	printf "%-48s %6s %6s  %s\n", "", "builds", "boots", "named";
	printf "%-48s %6d %6d  %s\n", "bootperf bisect: the search (sequential test)",
		$ab, $ap, $named;
	printf "%-48s %6d %6d  %s\n", "  + the culprit verified (--verify-runs 10)",
		$vb, $vp, $v->{outcome} . ($v->{culprit} ? ", " . $v->{culprit}{subject} : "");
	printf "%-48s %6d %6d  %s\n",
		"git bisect run bisect-run (warm-up 3, runs 10)", $bb, $bp,
		$fixed_named;
	printf "builds: %d, goal at most ceil(log2 %d) + 2 = %d: %s\n", $ab,
		$n, $steps + 2, $ab <= $steps + 2 ? "met" : "MISSED";
	printf "boots: %d, %.0f%% of the fixed-runs %d, goal at most half: %s\n",
		$ap, 100 * $ap / $bp, $bp, $ap <= $bp / 2 ? "met" : "MISSED";
	printf "verified: %d boots in all, %.0f%% of the fixed-runs %d\n",
		$ap + $vp, 100 * ($ap + $vp) / $bp, $bp;
' "$tmp/a/out.json" "$tmp/a/verified.json" "$n" "$culprit" "$fixed_named" \
	"$ab" "$ap" "$vb" "$vp" \
	"$(count "$tmp/b/builds.log")" "$(count "$tmp/b/boots.log")"
