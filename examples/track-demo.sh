#!/bin/bash
# bootperf track and report on a synthetic upstream, in a few minutes:
# a bare "upstream" repository gets 40 commits whose "boot" (the command
# runner: sleep the commit's delay, about 500 ms) slows down by 10% at
# commit 12, does not build at commit 18, speeds up by 5% at commit 24
# and drifts up by five 1% steps from commit 30.  Two nights of
# `bootperf track` (the second after an acknowledgement of the
# speed-up), then the reports; with chromium installed, a screenshot of
# the HTML report (what the README shows: docs/report-example.png).
#
#   examples/track-demo.sh [BOOTPERF] [OUTDIR]
set -euo pipefail
bootperf=${1:-bootperf}
out=${2:-${TMPDIR:-/tmp}/bootperf-track-demo}
dir=$(mktemp -d "${TMPDIR:-/tmp}/bootperf-track.XXXXXX")
trap 'rm -rf "$dir"' EXIT
export GIT_AUTHOR_NAME=demo GIT_AUTHOR_EMAIL=demo@example.org
export GIT_COMMITTER_NAME=demo GIT_COMMITTER_EMAIL=demo@example.org
mkdir -p "$out"

git init -q --bare -b main "$dir/upstream.git"
git clone -q "$dir/upstream.git" "$dir/dev" 2>/dev/null
git -C "$dir/dev" checkout -q -b main
subjects=(
	"net: tidy the virtio queue setup" "docs: fix a typo"
	"block: cache the L2 table" "tests: cover the qcow2 resize"
	"ui: drop an unused include" "hw/pci: simplify BAR sizing"
	"migration: count dirty pages once" "target/i386: decode VEX faster"
	"build: quieter configure" "hw/i386: probe the firmware"
	"util: a faster bitmap scan" "hw/i386: load firmware through a slow path"
	"tcg: reuse translation blocks" "docs: describe the new option"
	"block: retry on EINTR" "net: fix a leak on hot-unplug"
	"scripts: check the coding style" "hw/acpi: generate tables (broken)"
	"hw/acpi: fix the build" "qapi: document the new event"
	"tests: more boot tests" "ui: rework the cursor"
	"chardev: flush on close" "hw/i386: cache the firmware image"
	"hw/usb: quirk for one more device" "accel: a tidier vCPU loop"
	"monitor: shorter help" "docs: release notes"
	"block: deprecate an old option" "hw/virtio: add a feature bit"
	"hw/virtio: negotiate the feature" "hw/virtio: use it for the console"
	"hw/virtio: use it for the disk" "hw/virtio: use it for the network"
	"tests: virtio feature tests" "ui: translations"
	"net: rename a helper" "tcg: a comment" "build: bump the version"
	"docs: changelog"
)
for i in $(seq 1 40); do
	ms=500
	[ "$i" -ge 12 ] && ms=550
	[ "$i" -ge 24 ] && ms=522
	[ "$i" -ge 30 ] && ms=$((522 + 5 * (i - 29 > 5 ? 5 : i - 29)))
	printf '0.%03d\n' "$ms" >"$dir/dev/delay"
	if [ "$i" = 18 ]; then touch "$dir/dev/BROKEN"; else rm -f "$dir/dev/BROKEN"; fi
	git -C "$dir/dev" add -A
	git -C "$dir/dev" commit -q --allow-empty -m "${subjects[$((i - 1))]}"
done
git -C "$dir/dev" push -q origin main
git clone -q "$dir/upstream.git" "$dir/qemu"

# shellcheck disable=SC2016 # bootperf expands {worktree}, sh the rest
track() {
	"$bootperf" track --runner command --runs 5 --warmup 1 \
		--command 'sleep $(cat {worktree}/built)' \
		--build 'test ! -e BROKEN && cp delay built' \
		--store "$out/store" "$@" "$dir/qemu" || echo "(exit status $?)"
}
echo "== night 1: bootperf track --max-commits 30 --since HEAD~39"
track --max-commits 30 --since HEAD~39
echo
echo "== bootperf ack (the speed-up is known)"
"$bootperf" ack --repo "$dir/qemu" --store "$out/store" \
	"$(git -C "$dir/qemu" rev-parse ':/^hw/i386: cache the firmware')" \
	--note "expected: the firmware image is cached"
echo
echo "== night 2: bootperf track --max-commits 6"
track --max-commits 6
for f in text md json html; do
	"$bootperf" report --store "$out/store" --format "$f" \
		-o "$out/report.$f"
done
echo
echo "== reports: $out/report.{text,md,json,html}"
if command -v chromium >/dev/null; then
	chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$dir/profile" --hide-scrollbars \
		--window-size=1100,820 --screenshot="$out/report.png" \
		"file://$out/report.html" 2>/dev/null
	echo "== screenshot: $out/report.png"
fi
