# t/real/lib/real.sh - sourced by the t/real/*.sh tests (make check-real):
# real QEMU and Linux trees, made once and kept under $BOOTPERF_REAL_DIR
# (default /var/tmp/bootperf-real) with their stores, so a second run
# builds incrementally.  ccache's cache is kept there too, unless
# CCACHE_DIR says otherwise (t/lib.sh gives each test its own HOME).
# shellcheck shell=bash
# Perl expressions are in single quotes on purpose:
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR source=../../lib.sh
. "$(dirname "$0")/../lib.sh"

requires git guestfish supermin
[ -z "${BOOTPERF_WRAPPER:-}" ] || skip_all "builds and boots under a wrapper"
real=${BOOTPERF_REAL_DIR:-/var/tmp/bootperf-real}
mkdir -p "$real" || skip_all "cannot create '$real' (BOOTPERF_REAL_DIR)"
export CCACHE_DIR=${CCACHE_DIR:-$real/ccache}

# real_tree NAME: $real/NAME made by t/real/lib/NAME-tree.sh, again when
# the script changed since (its checksum is kept in the repository); the
# store goes with the old repository, its worktree belonged to it.
real_tree() {
	local script="$srcdir/t/real/lib/$1-tree.sh" dir="$real/$1" sum
	sum=$(sha1sum <"$script")
	if [ "$(cat "$dir/.git/bootperf-tree-script" 2>/dev/null)" != "$sum" ]; then
		rm -rf "$real/$1.store" &&
			"$script" "$dir" >/dev/null &&
			echo "$sum" >"$dir/.git/bootperf-tree-script"
	fi
}

# real_range NAME RANGE [OPTIONS]: bootperf range --preset NAME on the
# tree, every commit measured again (--force) in the kept worktree;
# range.json and range.err in the test directory.
real_range() {
	local name=$1 range=$2
	shift 2
	nice -n "${BOOTPERF_REAL_NICE:-10}" "$BOOTPERF" range --preset "$name" \
		--accel tcg --runs 5 --warmup 1 --force \
		--store "$real/$name.store" --json "$@" "$real/$name" "$range" \
		>range.json 2>range.err
}

# summary FILE: the timings, one TAP comment line per commit.
summary() {
	perl -MJSON::PP -e '
		local $/; open my $f, "<", $ARGV[0] or die;
		my $j = JSON::PP->new->decode(<$f>);
		printf "# %-7s %9s %10s %10s %8s  %s\n", "commit", "build",
			"mean", "median", "change", "subject";
		for my $c (@{$j->{commits}}) {
			my $s = $c->{statistics} || {};
			my $ch = $c->{change};
			printf "# %-7s %8.1fs %8.1fms %8.1fms %8s  %s%s\n",
				$c->{short_id}, $c->{build_s} // 0,
				$s->{mean_ms} // 0, $s->{median_ms} // 0,
				$ch ? sprintf("%+.1f%%", $ch->{percent}) : "",
				$c->{subject},
				$ch && $ch->{significant} ? "  (flagged)" : "";
		}' "$1"
}

# flagged FILE: the short ids of the commits flagged, one a line.
flagged() {
	json "$1" 'join "\n", map { $_->{short_id} } grep {
		$_->{change} && $_->{change}{significant} } @{$j->{commits}}'
}

# largest FILE: the short id of the commit with the largest change.
largest() {
	json "$1" 'my ($c) = sort { abs($b->{change}{percent}) <=>
		abs($a->{change}{percent}) } grep { $_->{change} }
		@{$j->{commits}}; $c->{short_id}'
}

# percent FILE ID: the change of commit ID against the previous one.
percent() {
	json "$1" 'my ($c) = grep { $_->{short_id} eq "'"$2"'" }
		@{$j->{commits}}; $c->{change} ? $c->{change}{percent} : "none"'
}
