#!/bin/bash
# t/real/lib/kernel-tree.sh DIR: make DIR a git repository of Debian's
# Linux 6.1 source (package linux-source-6.1, the tarball in /usr/src)
# with three commits on top:
#
#   1. virtio_pci: a comment reworded: rebuilds one file, boots alike;
#   2. planted: a late initcall that sleeps 8 s, the way a driver that
#      waits for its device slows every boot (what initcall_debug finds);
#   3. Documentation: a sentence on initcall_debug: rebuilds nothing.
#
# 8 s, not less: on a shared 2-core machine the boots of one commit
# drifted by 4 s within its five passes, and a 4 s delay went unflagged.
# Dates and identities are fixed, so the same source package gives the
# same commit ids.  Prints the planted commit's id on the last line.
set -euo pipefail

dir=$1
tarball=${KERNEL_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C TZ=UTC

die() {
	echo "kernel-tree: $*" >&2
	exit 1
}

[ -r "$tarball" ] ||
	die "no '$tarball': apt-get install linux-source-6.1 (scripts/install-deps real)"

# commit_as NAME-AND-EMAIL DATE SUBJECT BODY: commit everything.
commit_as() {
	local who=$1 date=$2 subject=$3 body=$4
	local name=${who% <*} email=${who##*<}
	email=${email%>}
	git add -A -f . &&
		GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email \
			GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email \
			GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
			git commit -q -m "$subject" -m "$body"
}

tester="bootperf test <bootperf@example.invalid>"
date=$(date -u -r "$tarball" +%Y-%m-%dT%H:%M:%SZ)
later() {
	date -u -d "$date + $1 hours" +%Y-%m-%dT%H:%M:%SZ
}

rm -rf "$dir"
mkdir -p "$dir"
tar -C "$dir" --strip-components=1 -xJf "$tarball"
cd "$dir"
git init -q -b master .
release=$(make -s kernelversion)
package=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo unknown)
commit_as "Debian Kernel Team <debian-kernel@lists.debian.org>" "$date" \
	"Linux $release (Debian linux-source-6.1 $package)" \
	"The source of Debian's linux-source-6.1 package, Debian's patches applied."

f=drivers/virtio/virtio_pci_common.c
grep -q 'This can be used with QEMU based VMMs like KVM or Xen.' "$f" ||
	die "$f: the comment to reword is not there"
sed -i 's/This can be used with QEMU based VMMs like KVM or Xen\./QEMU based VMMs such as KVM or Xen provide these devices./' "$f"
commit_as "$tester" "$(later 1)" "virtio_pci: reword the header comment" \
	"No functional change: one file is rebuilt and the boot is alike."

cat >init/settle.c <<'EOC'
// SPDX-License-Identifier: GPL-2.0-only
/*
 * Give slow boot devices time to settle before user space starts.
 *
 * Planted by bootperf's t/real tests: every boot waits 8 s here, the
 * way an initcall that waits for its device slows every boot (what
 * initcall_debug shows).  bootperf range must flag this commit.
 */
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/printk.h>

static int __init settle_devices(void)
{
	pr_info("settle: waiting 8 s for slow devices\n");
	msleep(8000);
	return 0;
}
late_initcall(settle_devices);
EOC
echo 'obj-y                          += settle.o' >>init/Makefile
commit_as "$tester" "$(later 2)" "init: give slow boot devices time to settle" \
	"A late initcall sleeps 8 s on every boot (planted: bootperf must flag it)."

f=Documentation/admin-guide/kernel-parameters.txt
perl -0pi -e 's/(\tinitcall_debug\t\[KNL\] Trace initcalls as they are executed\.  Useful\n)/$1\t\t\tto find an initcall that slows the boot down.\n/' "$f"
grep -q 'to find an initcall that slows the boot down' "$f" ||
	die "$f: initcall_debug not found"
commit_as "$tester" "$(later 3)" "Documentation: initcall_debug finds slow initcalls" \
	"Documentation only: nothing is rebuilt and the boot is alike."

git rev-parse HEAD~1
