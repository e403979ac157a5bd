#!/bin/bash
# Find the commit that made the boot slower with git's own bisection and
# bootperf bisect-run as the test, here on the demo tree (see
# demo-tree.sh): commit 3 of 5 adds an 8 s delay.  git bisect runs with
# the terms fast and slow; bisect-run measures the two endpoints first
# (--good, --bad: 3 passes each, Welch's test tells 8 s apart) and then
# each commit git checks out, pass by pass, until the sequential test
# says which endpoint it boots like.  On a real QEMU tree use --preset
# qemu instead of --build/--hv-artifact.
#
#   examples/git-bisect-run.sh [BOOTPERF [EXTRA OPTIONS...]]
#
# EXTRA OPTIONS go to bisect-run after these, e.g. a fast runner instead
# of real boots (what t/0501-bisect-run-example.sh does):
#   --runner command --command 'sleep ...{hv}...'
set -euo pipefail
bootperf=${1:-bootperf}
here=$(cd "$(dirname "$0")" && pwd)
dir=${DEMO_DIR:-${TMPDIR:-/tmp}/bootperf-bisect-demo}

"$here/demo-tree.sh" "$dir/qemu"
cd "$dir/qemu"
fast=$(git rev-parse HEAD~4) slow=$(git rev-parse HEAD~1)
git bisect start --term-old fast --term-new slow "$slow" "$fast"
git bisect run "$bootperf" bisect-run --build make \
	--hv-artifact build/qemu-system-x86_64 --runs 3 --warmup 1 \
	--test welch --good "$fast" --bad "$slow" "${@:2}"
git bisect log | tail -n 2
git bisect reset
