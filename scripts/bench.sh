#!/bin/bash
# make bench: bootperf's own overhead.  Interleaves `bootperf bench` (one
# pass each) with plain `guestfish -a /dev/null run` on the same
# settings (direct backend, TCG, the same appliance cache) and prints the
# ratio of their means, and bootperf's peak memory.  Not a test: the
# numbers depend on the machine.
set -euo pipefail
bootperf=${1:-./bootperf}
rounds=${BENCH_ROUNDS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

echo "bench: warming up (one bootperf pass, one guestfish run) ..." >&2
"$bootperf" bench --accel tcg --runs 1 --warmup 1 --json >"$tmp/warm.json"
cachedir=$(perl -MJSON::PP -0777 -ne \
	'print decode_json($_)->{environment}{cachedir}' "$tmp/warm.json")
export LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg
export LIBGUESTFS_CACHEDIR="$cachedir"
guestfish -a /dev/null run

: >"$tmp/bootperf.ms"
: >"$tmp/guestfish.ms"
: >"$tmp/rss.kb"
for i in $(seq 1 "$rounds"); do
	"$bootperf" bench --accel tcg --runs 1 --warmup 0 --json >"$tmp/r.json"
	perl -MJSON::PP -0777 -ne '$j = decode_json($_);
		print "$j->{samples_ms}[0]\n";
		print STDERR "$j->{harness}{maxrss_kb}\n"' \
		"$tmp/r.json" >>"$tmp/bootperf.ms" 2>>"$tmp/rss.kb"
	t0=$(now_ms)
	guestfish -a /dev/null run
	echo $(( $(now_ms) - t0 )) >>"$tmp/guestfish.ms"
	echo "bench: round $i/$rounds: bootperf $(tail -n1 "$tmp/bootperf.ms" | cut -c1-8) ms," \
		"guestfish $(tail -n1 "$tmp/guestfish.ms") ms" >&2
done

perl -e '
	sub mean { my @x = @_; my $s = 0; $s += $_ for @x; $s / @x }
	sub slurp { open my $f, "<", $_[0] or die; map { chomp; $_ } <$f> }
	my @b = slurp($ARGV[0]); my @g = slurp($ARGV[1]); my @r = slurp($ARGV[2]);
	my ($mb, $mg) = (mean(@b), mean(@g));
	my $rss = 0; $_ > $rss and $rss = $_ for @r;
	printf "bootperf bench mean:   %.1f ms (%d passes)\n", $mb, scalar @b;
	printf "guestfish run mean:    %.1f ms (%d runs, wall clock)\n", $mg, scalar @g;
	printf "ratio bootperf/guestfish: %.3f (goal: within 1.02 of 1)\n", $mb / $mg;
	printf "bootperf peak RSS:     %.1f MB (goal: under 50 MB)\n", $rss / 1024;
' "$tmp/bootperf.ms" "$tmp/guestfish.ms" "$tmp/rss.kb"
