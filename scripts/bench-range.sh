#!/bin/bash
# make bench, part 1: bootperf range's own cost on a 20-commit synthetic
# range (command runner, a "boot" of BENCH_PASS_S seconds, default 1,
# and a trivial build): the time the harness spends outside builds and
# passes (in all, per commit, and as a share of the wall time), and a
# second, cached run.  The harness's cost is about constant per commit
# (20-50 ms here: a checkout, a fork per pass, two fsyncs per result),
# so its share falls as passes get longer: at 0.5 s passes it is about
# 1%, and a real TCG boot takes 11 s.
set -euo pipefail
bootperf=${1:-./bootperf}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GIT_AUTHOR_DATE="2020-01-01T00:00:00Z" GIT_COMMITTER_DATE="2020-01-01T00:00:00Z"

git init -q "$tmp/repo"
for i in $(seq 1 21); do
	echo "$i" >"$tmp/repo/file"
	git -C "$tmp/repo" add file
	git -C "$tmp/repo" -c user.name=b -c user.email=b@b commit -qm "commit $i"
done

pass_s=${BENCH_PASS_S:-1}
run() {
	"$bootperf" range --runner command --command "sleep $pass_s" \
		--build 'cp file built' --runs 5 --warmup 1 \
		--store "$tmp/store" --json "$@" "$tmp/repo" HEAD~20..HEAD
}
now() { date +%s.%N; }

t0=$(now); run >"$tmp/first.json"; t1=$(now)
run >"$tmp/second.json"; t2=$(now)
# One more pass each: booted from the artifact store, built never.
run --runs 6 >"$tmp/topup.json"

perl -MJSON::PP -e '
	my ($t0, $t1, $t2, $dir, $pass_s) = @ARGV;
	my ($wall, $cached) = ($t1 - $t0, $t2 - $t1);
	my ($build, $pass) = (0, 0);
	for my $f (glob "$dir/results/*/*.json") {
		open my $h, "<", $f or die; local $/;
		my $j = decode_json(<$h>);
		$build += $j->{build_s} // 0;
		$pass += $_ / 1000 for @{$j->{bench}{warmup_ms}}, @{$j->{bench}{samples_ms}};
	}
	my $own = $wall - $build - $pass;
	printf "range of 20 commits: %.2f s wall, %.2f s builds, %.2f s passes\n",
		$wall, $build, $pass;
	my $share = 100 * $own / $wall;
	printf "harness time outside builds and passes: %.3f s, %.1f ms a commit, " .
		"%.2f%% of the wall time with %.2f s passes; goal under 1%%: %s\n",
		$own, 1000 * $own / 20, $share, $pass_s, $share < 1 ? "met" : "NOT met";
	printf "second, cached run: %.3f s; goal under 1 s: %s\n", $cached,
		$cached < 1 ? "met" : "NOT met";
	my $read = sub {
		open my $h, "<", $_[0] or die "$_[0]: $!"; local $/;
		decode_json(<$h>);
	};
	my ($f, $u) = ($read->("$dir/../first.json"), $read->("$dir/../topup.json"));
	my $a = $f->{artifacts};
	printf "artifact store: %d copies, %.1f ms and %d bytes a commit " .
		"(of the harness time above)\n", $a->{captured},
		1000 * $a->{capture_s} / ($a->{captured} || 1),
		$a->{capture_bytes} / ($a->{captured} || 1);
	printf "one more pass for each commit: %d builds, %d copies booted; " .
		"goal 0 builds: %s\n", $u->{builds}, $u->{artifacts}{reused},
		$u->{builds} == 0 ? "met" : "NOT met";
' "$t0" "$t1" "$t2" "$tmp/store" "$pass_s"
