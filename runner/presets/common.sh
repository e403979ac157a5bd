# shellcheck shell=sh
# Part of every preset's build (scripts/embed-presets.pl puts it where a
# preset says "# bootperf: include common.sh").  ccache goes first when
# Debian's is installed (its compiler links in /usr/lib/ccache), with
# paths made relative to the worktree, so that bootperf's second
# worktree and a new store hit the same cache.
if command -v ccache >/dev/null && [ -d /usr/lib/ccache ]; then
	PATH=/usr/lib/ccache:$PATH
	export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
fi
