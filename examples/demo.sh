#!/bin/bash
# The bundled example: benchmark the libguestfs appliance boot on this
# machine with a few passes (warm-up first), the way boot-benchmark did.
# On a host where KVM cannot boot the appliance (nested virtualisation),
# the default --accel auto falls back to TCG with one warning line.
set -euo pipefail
bootperf=${1:-bootperf}
runs=${DEMO_RUNS:-3}
warmup=${DEMO_WARMUP:-1}

echo "== bootperf bench --runs $runs --warmup $warmup"
echo "   (each TCG boot takes about 12 s; KVM boots far faster)"
"$bootperf" bench --runs "$runs" --warmup "$warmup" "${@:2}"
