#!/bin/bash
# What goes wrong with real QEMU and Linux trees, on fake trees: missing
# build dependencies named with their Debian packages (before the build
# and from its log), a kernel config without virtio, --config, the
# modules artifact, the qemu preset's firmware directories, a wrong
# artifact path, and the per-kernel cache that notices new modules.
# Fast: nothing boots.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires git

git init -q repo
echo one >repo/file && git -C repo add file && git -C repo commit -qm "one"
echo two >repo/file && git -C repo commit -qam "two"
touch repo/needs-pixman && git -C repo add needs-pixman &&
	git -C repo commit -qm "three"
# A kernel image with a release in its header, for the kernel preset.
# shellcheck disable=SC2034 # read by the test bodies
kernel=$(find /boot -maxdepth 1 -name 'vmlinuz-*' 2>/dev/null | head -n1)

# shellcheck disable=SC2317 # called only from the eval'd test bodies
range() {
	bootperf range --runner command --command true --runs 1 --warmup 0 \
		--store "$PWD/store" "$@"
}

test_expect_success 'qemu preset: every missing package named before building (not for --build)' '
	mkdir bin && for c in cc make python3; do
		printf "#!/bin/sh\nexit 0\n" >bin/$c && chmod +x bin/$c; done &&
	printf "#!/bin/sh\n[ \"\$2\" != pixman-1 ]\n" >bin/pkg-config &&
	chmod +x bin/pkg-config &&
	PATH=$PWD/bin expect_exit 20 "$BOOTPERF" range --preset qemu \
		--runner command --command true --store "$PWD/s1" \
		repo HEAD 2>err &&
	cat err &&
	grep -q "^bootperf: error: --preset qemu needs Debian packages that are not installed (for ninja pixman-1): apt-get install ninja-build libpixman-1-dev (or apt-get build-dep qemu)$" err &&
	! ls s1/logs/*.log 2>/dev/null &&
	PATH=$PWD/bin expect_exit 14 "$BOOTPERF" range --preset qemu \
		--build true --runner command --command true \
		--store "$PWD/s1" repo HEAD &&
	ls s1/logs/*.log
'

test_expect_success 'a failed configure in the first build: its package, exit 20' '
	expect_exit 20 range --build "echo \"ERROR: Meson not found.  Use --meson=/path/to/meson\"; exit 1" \
		repo HEAD 2>err &&
	cat err &&
	grep -q "^bootperf: error: the build of [0-9a-f]\{12\} needs Debian packages that are not installed: apt-get install meson; see the log .*/store/logs/[0-9a-f]\{40\}\.[0-9a-f]\{12\}\.build\.log.$" err
'

test_expect_success 'later, a commit missing one is recorded and the walk goes on' '
	range --build "test ! -e needs-pixman || { echo \"../meson.build:553:2: ERROR: Dependency \\\"pixman-1\\\" not found, tried pkgconfig\"; exit 1; }" \
		--json repo HEAD~2..HEAD >out.json &&
	test "$(json out.json "\$j->{commits}[0]{status}")" = ok &&
	test "$(json out.json "\$j->{commits}[1]{status}")" = build-failed &&
	json out.json "\$j->{commits}[1]{message}" >msg &&
	grep -q "^build exited with status 1; missing build dependencies: apt-get install libpixman-1-dev$" msg
'

test_expect_success 'kernel preset: a config without virtio stops at the first build' '
	test -n "$kernel" &&
	printf "CONFIG_EXT4_FS=y\nCONFIG_BLK_DEV_SD=y\nCONFIG_BLK_DEV_INITRD=y\nCONFIG_DEVTMPFS=y\nCONFIG_UNIX=y\n# CONFIG_VIRTIO_PCI is not set\n" >novirtio &&
	printf "CONFIG_VIRTIO_PCI=y\nCONFIG_SCSI_VIRTIO=m\nCONFIG_VIRTIO_CONSOLE=y\n" >virtio &&
	cat novirtio virtio >full &&
	build="cp \"\$BOOTPERF_KERNEL_CONFIG\" .config && mkdir -p arch/x86/boot .bootperf/modules && cp \"$kernel\" arch/x86/boot/bzImage" &&
	expect_exit 21 range --preset kernel --build "$build" --config novirtio \
		repo HEAD 2>err &&
	cat err &&
	grep -q "^bootperf: error: the kernel config of [0-9a-f]\{12\} lacks what the appliance needs: CONFIG_VIRTIO_PCI (the virtio devices), CONFIG_SCSI_VIRTIO (its disk (virtio-scsi)), CONFIG_VIRTIO_CONSOLE (guestfsd.s channel (virtio-serial)); set them in the --config file$" err &&
	range --preset kernel --build "$build" --config full --json repo HEAD >out.json &&
	test "$(json out.json "\$j->{commits}[0]{status}")" = ok
'

test_expect_success '--config: the build sees its path, its text is in the config id' '
	echo "CONFIG_A=y" >a.config && echo "CONFIG_B=y" >b.config &&
	range --build "cp \"\$BOOTPERF_KERNEL_CONFIG\" ../seen" \
		--config a.config --store "$PWD/s2" repo HEAD &&
	test "$(cat s2/seen)" = "CONFIG_A=y" &&
	range --build "cp \"\$BOOTPERF_KERNEL_CONFIG\" ../seen" \
		--config b.config --store "$PWD/s2" repo HEAD &&
	test "$(cat s2/seen)" = "CONFIG_B=y" &&
	test "$(ls s2/results | wc -l)" = 2 &&
	expect_exit 3 range --build true --config nothere repo HEAD 2>err &&
	grep -q "^bootperf: error: --config: cannot read .nothere.: No such file or directory$" err
'

test_expect_success '--modules-artifact: a build without it failed, named' '
	expect_exit 14 range --build true --modules-artifact mods --json \
		repo HEAD >out.json &&
	test "$(json out.json "\$j->{commits}[0]{status}")" = build-failed &&
	test "$(json out.json "\$j->{commits}[0]{message}")" = "the build did not produce '\''mods'\'' (see --modules-artifact)" &&
	range --build "mkdir -p mods" --modules-artifact mods --force --json \
		repo HEAD >out.json &&
	test "$(json out.json "\$j->{commits}[0]{status}")" = ok
'

test_expect_success 'an artifact elsewhere in the tree is pointed at' '
	expect_exit 14 range --build "mkdir -p x86_64-softmmu && cp /bin/true x86_64-softmmu/qemu-system-x86_64" \
		--hv-artifact build/qemu-system-x86_64 --force --json \
		repo HEAD >out.json &&
	test "$(json out.json "\$j->{commits}[0]{message}")" = "the build did not produce '\''build/qemu-system-x86_64'\'', but there is '\''x86_64-softmmu/qemu-system-x86_64'\'': --hv-artifact x86_64-softmmu/qemu-system-x86_64?"
'

test_expect_success 'qemu preset: firmware directories after --qemu-arg' '
	test -r /usr/share/seabios/bios-256k.bin &&
	printf "#!/bin/sh\necho \"\$@\" >>\"\$TEST_DIR/args\"\n" >fakeqemu && chmod +x fakeqemu &&
	range --preset qemu --build "mkdir -p build && cp ../../fakeqemu build/qemu-system-x86_64" \
		--qemu-arg -L --qemu-arg /mine --store "$PWD/s3" \
		--command "{hv} one" repo HEAD &&
	cat args &&
	grep -qx -- "-L /mine -L $PWD/s3/artifacts/[0-9a-f]\{12\}/$(git -C repo rev-parse HEAD)/pc-bios -L /usr/share/qemu -L /usr/share/seabios -L /usr/lib/ipxe/qemu one" args
'

# A stand-in QEMU tree: configure records its arguments (and mentions
# --with-git-submodules, as QEMU 7's does), make "builds" qemu.
# shellcheck disable=SC2317 # called only from the eval'd test bodies
fake_qemu_tree() {
	git init -q "$1" &&
	printf "#!/bin/sh\n# --with-git-submodules=update|validate|ignore\necho \"\$@\" >../configure.args\ntouch config.status\n" >"$1/configure" &&
	chmod +x "$1/configure" && git -C "$1" add configure &&
	git -C "$1" commit -qm "a qemu tree"
}

test_expect_success 'qemu preset: submodules and subprojects come from the user checkout' '
	test -r /usr/share/seabios/bios-256k.bin &&
	mkdir -p fake && for c in cc python3 ninja pkg-config; do
		printf "#!/bin/sh\nexit 0\n" >fake/$c && chmod +x fake/$c; done &&
	printf "#!/bin/sh\nprintf \"#!/bin/sh\\n\" >qemu-system-x86_64 && chmod +x qemu-system-x86_64\n" >fake/make &&
	chmod +x fake/make &&
	git init -q dtc && echo v1 >dtc/file && git -C dtc add file &&
	git -C dtc commit -qm v1 &&
	git init -q kc && echo k1 >kc/meson.build && git -C kc add meson.build &&
	git -C kc commit -qm k1 && k1=$(git -C kc rev-parse HEAD) &&
	echo k2 >kc/meson.build && git -C kc commit -qam k2 &&
	k2=$(git -C kc rev-parse HEAD) &&
	fake_qemu_tree q && mkdir q/subprojects &&
	printf "[wrap-git]\nrevision = %s\n" "$k1" >q/subprojects/keycodemapdb.wrap &&
	git -C q add subprojects &&
	git -C q -c protocol.file.allow=always submodule -q add "$PWD/dtc" dtc &&
	git -C q commit -qm "with a submodule and a subproject" &&
	v1=$(git -C dtc rev-parse HEAD) &&
	echo v2 >dtc/file && git -C dtc commit -qam v2 &&
	git -C q/dtc pull -q && git -C q add dtc &&
	printf "[wrap-git]\nrevision = %s\n" "$k2" >q/subprojects/keycodemapdb.wrap &&
	git -C q add subprojects && git -C q commit -qm "dtc v2, keycodemapdb k2" &&
	git clone -q kc q/subprojects/keycodemapdb &&
	PATH=$PWD/fake:$PATH range --preset qemu --store "$PWD/sq" --json q HEAD~2..HEAD~1 >q1.json &&
	test "$(json q1.json "\$j->{commits}[0]{status}")" = ok &&
	grep -q "^bootperf: submodule dtc at $v1 from " "$(json q1.json "\$j->{commits}[0]{log}")" &&
	grep -q "^bootperf: subproject keycodemapdb from " "$(json q1.json "\$j->{commits}[0]{log}")" &&
	test "$(cat sq/worktree/subprojects/keycodemapdb/meson.build)" = k1 &&
	PATH=$PWD/fake:$PATH range --preset qemu --store "$PWD/sq" --json q HEAD~1..HEAD >q.json &&
	test "$(json q.json "\$j->{commits}[0]{status}")" = ok &&
	grep -q "^bootperf: subproject keycodemapdb from " "$(json q.json "\$j->{commits}[0]{log}")" &&
	test "$(cat sq/worktree/dtc/file)" = v2 &&
	test "$(cat sq/worktree/subprojects/keycodemapdb/meson.build)" = k2 &&
	! grep -q with-git-submodules=ignore sq/worktree/configure.args &&
	grep -q -- "--target-list=x86_64-softmmu --disable-docs --disable-tools --disable-werror" sq/worktree/configure.args
'

test_expect_success 'qemu preset: a tree without .gitmodules tells configure to ignore them' '
	fake_qemu_tree nosub &&
	PATH=$PWD/fake:$PATH range --preset qemu --store "$PWD/sn" --json nosub HEAD >n.json &&
	test "$(json n.json "\$j->{commits}[0]{status}")" = ok &&
	grep -q -- "--with-git-submodules=ignore" sn/worktree/configure.args
'

test_expect_success 'the kernel cache changes with new modules (modules.dep)' '
	test -n "$kernel" && mkdir -p mods && echo a >mods/modules.dep &&
	cachedir() {
		bootperf bench --accel tcg --runs 1 --warmup 0 --hv /bin/false \
			--kernel "$kernel" --modules mods --cache-dir "$PWD/cache" \
			--json >b.json 2>/dev/null
		json b.json "\$j->{environment}{cachedir}"
	} &&
	touch -d @0 mods && before=$(cachedir) && after=$(cachedir) &&
	test "$before" = "$after" &&
	echo b >>mods/modules.dep && touch -d @0 mods && changed=$(cachedir) &&
	test -n "$before" && test "$before" != "$changed"
'

test_done
