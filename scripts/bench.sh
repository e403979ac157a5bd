#!/bin/bash
# make bench, part 3 (part 1: range, part 2: bisect): does bootperf add
# anything to what it measures?
#
# One bootperf sample is guestfs_launch + shutdown + close, timed inside
# bootperf.  The same work without bootperf is a plain
# `guestfish -a /dev/null run`, timed from outside, less what guestfish
# costs when it does not boot (`guestfish -a /dev/null`: start, handle,
# drive, exit; its median over the rounds).  Rounds interleave one
# bootperf pass, one guestfish run and one guestfish start, on the same
# settings (direct backend, TCG, the same appliance cache).  Prints the
# ratio of the means with a 95% confidence interval (paired rounds, t
# distribution), a verdict against the goal (within 1.02 of 1) and
# bootperf's peak memory (goal: under 50 MB).  Not a test: the numbers
# depend on the machine.  A TCG boot here is bimodal about 1 s apart,
# so the interval is wide unless BENCH_ROUNDS is large.
set -euo pipefail
bootperf=${1:-./bootperf}
rounds=${BENCH_ROUNDS:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# wall_ms CMD...: CMD's wall-clock time in ms on stdout, its output gone.
wall_ms() {
	local t0
	t0=$(now_ms)
	"$@" >/dev/null
	echo $(($(now_ms) - t0))
}

echo "bench: warming up (one bootperf pass, one guestfish run) ..." >&2
"$bootperf" bench --accel tcg --runs 1 --warmup 1 --json >"$tmp/warm.json"
cachedir=$(perl -MJSON::PP -0777 -ne \
	'print decode_json($_)->{environment}{cachedir}' "$tmp/warm.json")
export LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg
export LIBGUESTFS_CACHEDIR="$cachedir"
guestfish -a /dev/null run

: >"$tmp/rounds"
for i in $(seq 1 "$rounds"); do
	"$bootperf" bench --accel tcg --runs 1 --warmup 0 --json >"$tmp/r.json"
	b=$(perl -MJSON::PP -0777 -ne '$j = decode_json($_);
		print "$j->{samples_ms}[0] $j->{harness}{maxrss_kb}"' "$tmp/r.json")
	g=$(wall_ms guestfish -a /dev/null run)
	s=$(wall_ms guestfish -a /dev/null)
	echo "$b $g $s" >>"$tmp/rounds"
	echo "bench: round $i/$rounds: bootperf ${b%% *} ms, guestfish $g ms" \
		"(of which $s ms without a boot)" >&2
done

perl -MList::Util=sum,max -e '
	open my $f, "<", $ARGV[0] or die;
	my (@b, @rss, @g, @s);
	while (<$f>) {
		my ($b, $rss, $g, $s) = split;
		push @b, $b; push @rss, $rss; push @g, $g; push @s, $s;
	}
	my $n = @b;
	my @sorted = sort { $a <=> $b } @s;
	my $start = $sorted[int($n / 2)];
	my @plain = map { $_ - $start } @g;
	my @d = map { $b[$_] - $plain[$_] } 0 .. $n - 1;
	my ($mb, $mp, $md) = (sum(@b) / $n, sum(@plain) / $n, sum(@d) / $n);
	my $sd = $n > 1 ? sqrt(sum(map { ($_ - $md) ** 2 } @d) / ($n - 1)) : 0;
	# two-sided 95% t quantiles, then the normal one
	my @t = (0, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
		2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110,
		2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
		2.052, 2.048, 2.045, 2.042);
	my $q = $n - 1 < @t ? $t[$n - 1] : 1.96;
	my $half = $n > 1 ? $q * $sd / sqrt($n) : 0;
	my ($lo, $hi) = (($mp + $md - $half) / $mp, ($mp + $md + $half) / $mp);
	my $verdict = $n < 2 ? "not shown (one round)"
		: $lo >= 0.98 && $hi <= 1.02 ? "met"
		: $lo > 1.02 || $hi < 0.98 ? "NOT met"
		: "not shown: the interval is wider than the goal (more BENCH_ROUNDS)";
	printf "bootperf bench mean:      %.1f ms (%d passes, timed inside bootperf)\n",
		$mb, $n;
	printf "plain guestfish mean:     %.1f ms (wall clock of guestfish -a /dev/null run, " .
		"less %d ms for guestfish without a boot)\n", $mp, $start;
	printf "ratio bootperf/guestfish: %.3f, 95%% CI %.3f to %.3f; goal within 1.02 of 1: %s\n",
		$mb / $mp, $lo, $hi, $verdict;
	my $rss = max(@rss) / 1024;
	printf "bootperf peak RSS:        %.1f MB; goal under 50 MB: %s\n", $rss,
		$rss < 50 ? "met" : "NOT met";
' "$tmp/rounds"
