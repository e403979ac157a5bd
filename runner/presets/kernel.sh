#!/bin/sh
# --preset kernel: the build command, run by sh in the worktree.
set -e
# bootperf: include common.sh
PATH=$PATH:/usr/sbin:/sbin # depmod

# A .config made once per worktree from the recipe (defconfig, the
# kvm_guest fragment, the virtio RNG, and no LOCALVERSION_AUTO: its
# -gCOMMIT in the release would rebuild every file that has the
# release and relink every module, for each commit), made again after
# a --config was used; or --config FILE copied in whenever it changed.
mkdir -p .bootperf
recipe='defconfig kvm_guest.config +HW_RANDOM_VIRTIO -LOCALVERSION_AUTO'
if [ -n "${BOOTPERF_KERNEL_CONFIG-}" ]; then
	if ! cmp -s "$BOOTPERF_KERNEL_CONFIG" .bootperf/config; then
		rm -f .bootperf/recipe
		cp "$BOOTPERF_KERNEL_CONFIG" .config
		make olddefconfig
		cp "$BOOTPERF_KERNEL_CONFIG" .bootperf/config
	fi
elif [ "$(cat .bootperf/recipe 2>/dev/null)" != "$recipe" ]; then
	rm -f .bootperf/config
	make defconfig
	make kvm_guest.config || make kvmconfig
	scripts/config -e HW_RANDOM_VIRTIO -d LOCALVERSION_AUTO
	make olddefconfig
	echo "$recipe" >.bootperf/recipe
fi

# bzImage and modules, installed under .bootperf/modules for supermin.
make -j"$(nproc)" bzImage modules
rm -rf .bootperf/modules .bootperf/install
make modules_install INSTALL_MOD_STRIP=1 \
	INSTALL_MOD_PATH="$PWD/.bootperf/install"
mv ".bootperf/install/lib/modules/$(make -s kernelrelease)" .bootperf/modules
