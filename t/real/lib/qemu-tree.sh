#!/bin/bash
# t/real/lib/qemu-tree.sh DIR: make DIR a git repository of Debian's
# qemu source package, as real as it gets without the network beyond apt:
#
#   1. the upstream tarball (qemu_*.orig.tar.xz), one commit;
#   2. Debian's patch series (debian/patches/series), one commit per
#      patch, with the patch's own author, date and subject;
#   3. one planted commit: x86_load_linux sleeps 8 s, a boot delay the
#      way a real patch could add one (in firmware loading).
#
# 8 s, not less: on a shared 2-core machine the boots of one commit
# drifted by 4 s within its five passes, and a 4 s delay went unflagged.
# The source comes from `apt-get source qemu` (it needs a deb-src entry,
# see scripts/install-deps real) into DIR.src, kept for the next time.
# Dates and identities are fixed, so the same source gives the same
# commit ids.  Prints the planted commit's id on the last line.
set -euo pipefail

dir=$1
src="$dir.src"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C TZ=UTC

die() {
	echo "qemu-tree: $*" >&2
	exit 1
}

fetch_source() {
	mkdir -p "$src"
	compgen -G "$src/qemu_*.dsc" >/dev/null && return 0
	(cd "$src" && apt-get source --download-only qemu) >&2 ||
		die "apt-get source qemu failed: add a deb-src entry for" \
			"bookworm main (scripts/install-deps real does)"
}

# commit_as NAME-AND-EMAIL DATE SUBJECT [BODY]: commit everything.
commit_as() {
	local who=$1 date=$2 subject=$3 body=${4:-}
	local name=${who% <*} email=${who##*<}
	email=${email%>}
	git add -A -f . &&
		GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email \
			GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email \
			GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
			git commit -q --allow-empty -m "$subject" \
			${body:+-m "$body"}
}

# header FILE REGEX: the first DEP-3 / mail header line matching REGEX,
# without its name, from the part before the first diff.
header() {
	sed -n '/^\(diff \|--- \|Index: \)/q; p' "$1" |
		grep -m1 -E "^($2):" | sed -E "s/^($2):[[:space:]]*//" || true
}

# iso_date DATE: RFC 2822, git's "Wed Apr 5 14:37:42 2023 +0300" or
# YYYY-MM-DD as UTC ISO 8601; empty when it is none of them.
iso_date() {
	local d
	d=$(sed -E 's/^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +([0-9]+) ([0-9:]+) ([0-9]{4}) ([-+][0-9]{4})$/\1 \2 \4 \3 \5/' <<<"$1")
	if [ -n "$d" ]; then
		date -u -d "$d" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || true
	fi
}

apply_series() {
	local debian=$1 maint date=2022-12-14T12:00:00Z p who subj d
	maint=$(sed -n 's/^Maintainer: //p' "$debian/control")
	grep -v '^[[:space:]]*\(#\|$\)' "$debian/patches/series" |
		while read -r p _; do
			who=$(header "$debian/patches/$p" 'From|Author')
			subj=$(header "$debian/patches/$p" 'Subject|Description')
			d=$(header "$debian/patches/$p" 'Date|Last-Update')
			subj=$(sed -E 's/^\[PATCH[^]]*\]:?[[:space:]]*//' <<<"$subj")
			d=$(iso_date "$d")
			# Some patches are older than the release they apply to;
			# keep the history in order.
			if [ -z "$d" ] || [[ "$d" < "$date" ]]; then
				d=$(date -u -d "$date + 1 hour" +%Y-%m-%dT%H:%M:%SZ)
			fi
			date=$d
			patch -p1 -s -f --no-backup-if-mismatch \
				<"$debian/patches/$p" >&2 ||
				die "debian/patches/$p does not apply"
			commit_as "${who:-$maint}" "$date" "${subj:-$p}" \
				"Debian patch debian/patches/$p (qemu $version)." ||
				return 1
			echo "$date" >"$dir/.git/last-date"
		done
}

plant() {
	local f=hw/i386/x86.c date
	grep -q 'fw_cfg_add_bytes(fw_cfg, FW_CFG_KERNEL_DATA' "$f" ||
		die "$f: no FW_CFG_KERNEL_DATA to plant the delay before"
	perl -0pi -e 's/(\n(\s*)fw_cfg_add_bytes\(fw_cfg, FW_CFG_KERNEL_DATA)/\n$2\/*\n$2 * Give slow kernel storage time to settle before the\n$2 * firmware reads the image (bootperf: a planted 8 s delay).\n$2 *\/\n$2g_usleep(8 * G_USEC_PER_SEC);$1/' "$f"
	date=$(date -u -d "$(cat .git/last-date) + 1 day" +%Y-%m-%dT%H:%M:%SZ)
	commit_as "bootperf test <bootperf@example.invalid>" "$date" \
		"x86: let the kernel image settle before fw_cfg loads it" \
		"Planted by bootperf's t/real tests: every direct kernel boot
waits 8 s in x86_load_linux, a boot delay the way a real patch in
firmware loading could add one.  bootperf range must flag this commit."
}

fetch_source
dsc=$(compgen -G "$src/qemu_*.dsc" | head -n1)
version=$(sed -n 's/^Version: //p' "$dsc")
upstream=${version#*:}
upstream=${upstream%%+*}
work="$src/unpacked"
rm -rf "$work" "$dir"
dpkg-source --skip-patches -x "$dsc" "$work" >&2
mkdir -p "$dir"
# The upstream tree: everything but debian/.
tar -C "$work" --exclude=./debian -cf - . | tar -C "$dir" -xf -
cd "$dir"
git init -q -b master .
commit_as "QEMU upstream <qemu-devel@nongnu.org>" 2022-12-14T12:00:00Z \
	"QEMU $upstream upstream source (Debian orig tarball)" \
	"Debian's upstream tarball of qemu $version (files removed for DFSG)."
echo 2022-12-14T12:00:00Z >.git/last-date
apply_series "$work/debian"
plant
rm -rf "$work"
git rev-parse HEAD
