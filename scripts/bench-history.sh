#!/bin/bash
# make bench, part 2: the cost of long histories.  For each size N
# (BENCH_HISTORY_SIZES, default "2000 5000 10000"): a synthetic branch
# of N commits (git fast-import) whose results are written straight
# into a store (a copy of one real result per commit, boots of 50 ms
# with a 5% step every 500 commits and 0.5% noise), then, timed:
#   - bootperf report in each format (text, json, md, html);
#   - bootperf track with nothing new to measure;
#   - bootperf track --max-commits 3 with three commits to measure (the
#     command runner's "boot" sleeps 50 ms: the CPU time is nearly all
#     bootperf's);
#   - bootperf range over all N commits, every one already in the store.
# Goals: each under 1 s at 10,000 results (of CPU time: the wall time
# shows whatever else the machine runs).
set -euo pipefail
bootperf=${1:-./bootperf}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sizes=${BENCH_HISTORY_SIZES:-2000 5000 10000}
# A 50 ms "boot", the level of the results written (so that the commits
# measured fit in with them), and a trivial build.
opts=(--runner command --command 'sleep 0.05' --build true --runs 1 --warmup 0)

# timed NAME CMD...: runs CMD quietly; prints its wall and CPU time
# (bootperf's and its children's: other load on the machine shows in
# the first, not the second), and whether it meets the goal.
timed() {
	perl -MTime::HiRes=time -e '
		my ($name, $out, $goal, @cmd) = @ARGV;
		open my $keep, ">&", \*STDOUT or die;
		open STDOUT, ">", $out or die;
		open STDERR, ">", "$out.err" or die;
		my $t0 = time;
		system @cmd;
		my $rc = $? >> 8;
		my $wall = time - $t0;
		my (undef, undef, $cu, $cs) = times;
		open STDOUT, ">&", $keep or die;
		if ($? == -1 || $? & 127 || $rc > 1) {
			print "$name failed ($rc):\n";
			open my $e, "<", "$out.err"; print <$e>;
			exit 1;
		}
		printf "  %-44s %6.2f s wall %6.2f s CPU%s\n", $name, $wall,
		    $cu + $cs, !$goal ? "" :
		    $cu + $cs < 1 ? "  goal under 1 s: met" : "  goal under 1 s: NOT met";
	' "$1" "$tmp/out" "$goal" "${@:2}"
}

# history N: the bare repository up.git of N commits, one a minute.
history() {
	perl -e '
		for my $i (1 .. $ARGV[0]) {
			my $t = 1577836800 + 60 * $i;
			print "commit refs/heads/main\nmark :$i\n",
			    "committer b <b\@b> $t +0000\n",
			    "data <<EOT\ncommit $i\nEOT\n";
			print "from :", $i - 1, "\n" if $i > 1;
			print "M 644 inline file\ndata <<EOT\n$i\nEOT\n\n";
		}' "$1" >"$tmp/import"
	git init -q --bare "$tmp/up.git"
	git -C "$tmp/up.git" fast-import --quiet <"$tmp/import"
	git -C "$tmp/up.git" symbolic-ref HEAD refs/heads/main
	git clone -q "$tmp/up.git" "$tmp/repo"
}

# fill: one result per commit, copied from the one track measured.
fill() {
	perl -e '
		my ($template, $ids) = @ARGV;
		open my $t, "<", $template or die; local $/; my $tpl = <$t>;
		close $t; $/ = "\n";
		my ($dir) = $template =~ m{^(.*)/[^/]*$};
		open my $in, "<", $ids or die;
		my ($i, $s) = (0, 7);
		while (<$in>) {
			chomp; my ($id, $subject) = split / /, $_, 2;
			# a 5% step every 500 commits, 0.5% uniform noise
			$s = ($s * 1103515245 + 12345) % 2147483648;
			my $ms = 50 * (1 + 0.05 * (int($i / 500) % 3)) *
			    (1 + 0.01 * ($s / 2147483648 - 0.5));
			my $j = $tpl;
			$j =~ s/"commit_id":\s*"\w+"/"commit_id":\t"$id"/;
			$j =~ s/"subject":\s*"[^"]*"/"subject":\t"$subject"/;
			$j =~ s/("(?:samples_ms)":\s*)\[[^]]*\]/$1\[$ms\]/;
			$j =~ s/("(?:mean|median|min|max|trimmed_mean)_ms":\s*)[-0-9.e]+/$1$ms/g;
			open my $o, ">", "$dir/$id.json" or die;
			print $o $j; close $o; $i++;
		}' "$(ls "$tmp"/store/results/*/*.json)" "$tmp/ids"
}

for n in $sizes; do
	rm -rf "$tmp/up.git" "$tmp/repo" "$tmp/store"
	history "$n"
	git -C "$tmp/repo" log --reverse --format='%H %s' origin/main >"$tmp/ids"
	first=$(head -n 1 "$tmp/ids" | cut -d' ' -f1)
	"$bootperf" track "${opts[@]}" --max-commits 1 --since "$first" \
		--store "$tmp/store" "$tmp/repo" >/dev/null 2>&1
	fill
	goal=$([ "$n" -ge 10000 ] && echo 1 || echo 0)
	echo "history of $n commits, all measured:"
	for f in text json md html; do
		timed "bootperf report --format $f" \
			"$bootperf" report --store "$tmp/store" --format "$f"
	done
	timed "bootperf track, nothing new to measure" \
		"$bootperf" track "${opts[@]}" --store "$tmp/store" "$tmp/repo"
	rm "$tmp"/store/results/*/"$(sed -n "$((n / 3))p" "$tmp/ids" | cut -d' ' -f1).json"
	rm "$tmp"/store/results/*/"$(sed -n "$((n / 2))p" "$tmp/ids" | cut -d' ' -f1).json"
	rm "$tmp"/store/results/*/"$(tail -n 1 "$tmp/ids" | cut -d' ' -f1).json"
	timed "bootperf track --max-commits 3, 3 to measure" \
		"$bootperf" track "${opts[@]}" --max-commits 3 --store "$tmp/store" "$tmp/repo"
	timed "bootperf range of $((n - 1)) commits, all cached" \
		"$bootperf" range "${opts[@]}" --store "$tmp/store" \
		"$tmp/repo" "$first..origin/main"
done
