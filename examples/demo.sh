#!/bin/bash
# make demo: the main job on the bundled example.  Builds the demo tree
# (examples/demo-tree.sh) and walks it with real libguestfs boots:
# bootperf range flags the commit that made the boot 8 s slower and the
# one that made it fast again.  Under TCG (no usable KVM) each boot takes
# about 12 s; the whole demo about 4 minutes on 2 cores.
set -euo pipefail
bootperf=${1:-bootperf}
here=$(cd "$(dirname "$0")" && pwd)
dir=${DEMO_DIR:-${TMPDIR:-/tmp}/bootperf-demo}

"$here/demo-tree.sh" "$dir/qemu"
echo "== demo tree: $dir/qemu"
git -C "$dir/qemu" log --oneline --reverse
echo
echo "== bootperf range --build make --hv-artifact build/qemu-system-x86_64 --test welch --runs 3 --warmup 1 --threshold 10 $dir/qemu HEAD~4..HEAD"
"$bootperf" range --build make --hv-artifact build/qemu-system-x86_64 \
	--test welch --runs "${DEMO_RUNS:-3}" --warmup 1 --threshold 10 \
	--timeout 300 "${@:2}" "$dir/qemu" HEAD~4..HEAD
