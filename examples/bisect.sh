#!/bin/bash
# Find the commit that made the boot slower with bootperf's own
# bisection, here on the demo tree (see demo-tree.sh): commit 3 of 5 adds
# an 8 s delay to every boot.  Real libguestfs boots; neither the demo
# checkout nor git's bisect state is touched.  On a real QEMU tree use
# --preset qemu instead of --build/--hv-artifact.
#
#   examples/bisect.sh [BOOTPERF [EXTRA OPTIONS...]]
set -euo pipefail
bootperf=${1:-bootperf}
here=$(cd "$(dirname "$0")" && pwd)
dir=${DEMO_DIR:-${TMPDIR:-/tmp}/bootperf-bisect-demo}

"$here/demo-tree.sh" "$dir/qemu"
echo "== bootperf bisect --build make --hv-artifact build/qemu-system-x86_64 $dir/qemu HEAD~4 HEAD~1" >&2
"$bootperf" bisect --build make --hv-artifact build/qemu-system-x86_64 \
	--timeout 300 "${@:2}" "$dir/qemu" HEAD~4 HEAD~1
