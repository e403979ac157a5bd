#!/bin/bash
# make demo: the main job on the bundled example.  Builds the demo tree
# (examples/demo-tree.sh) and walks it with real libguestfs boots:
# bootperf range flags the commit that made the boot 8 s slower and the
# one that made it fast again.  Under TCG (no usable KVM) each boot takes
# about 12 s; the whole demo about 7 minutes on 2 cores.  Mann-Whitney
# needs 5 passes a side for p < 0.01; it shrugs off the odd slow pass of
# a busy machine, where Welch's t-test with 3 passes may not.  The 8 s
# delay is a 60% change; --threshold 25 keeps a machine whose load
# drifts between commits (seen: 12% with four jobs on two cores) from
# flagging the commits that change nothing (--interleave would too, at
# twice the boots).
set -euo pipefail
bootperf=${1:-bootperf}
here=$(cd "$(dirname "$0")" && pwd)
dir=${DEMO_DIR:-${TMPDIR:-/tmp}/bootperf-demo}

"$here/demo-tree.sh" "$dir/qemu"
echo "== demo tree: $dir/qemu"
git -C "$dir/qemu" log --oneline --reverse
echo
echo "== bootperf range --build make --hv-artifact build/qemu-system-x86_64 --runs 5 --warmup 1 --threshold 25 $dir/qemu HEAD~4..HEAD"
"$bootperf" range --build make --hv-artifact build/qemu-system-x86_64 \
	--runs "${DEMO_RUNS:-5}" --warmup 1 --threshold 25 \
	--timeout 300 "${@:2}" "$dir/qemu" HEAD~4..HEAD
