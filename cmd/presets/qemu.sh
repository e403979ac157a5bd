#!/bin/sh
# --preset qemu: the build command, run by sh in the worktree.
set -e
# bootperf: include common.sh

# QEMU's git submodules (before 8.1: dtc, meson, ui/keycodemapdb ...)
# and meson subprojects (8.1 on) are not in a fresh worktree: take them
# from the user's checkout (BOOTPERF_SOURCE) where it has them, at the
# commit each gitlink names, so that configure need not fetch them.
src=${BOOTPERF_SOURCE-}
if [ -n "$src" ] && [ -e .gitmodules ]; then
	git config -f .gitmodules --get-regexp '^submodule\..*\.path$' |
		while read -r _ p; do
			sha=$(git ls-tree HEAD -- "$p" |
				awk '$2 == "commit" { print $3 }')
			if [ -z "$sha" ] || ! [ -e "$src/$p/.git" ]; then
				continue
			fi
			have=$(git -C "$p" rev-parse -q --verify HEAD 2>/dev/null || :)
			[ "$have" != "$sha" ] || continue
			git -C "$src/$p" cat-file -e "$sha^{commit}" 2>/dev/null ||
				continue
			echo "bootperf: submodule $p at $sha from $src"
			if ! [ -e "$p/.git" ]; then
				rm -rf "$p"
				git clone -q --no-checkout "$src/$p" "$p"
			else
				git -C "$p" fetch -q "$src/$p" "$sha"
			fi
			git -C "$p" checkout -q --detach "$sha"
		done
fi
if [ -n "$src" ] && [ -d "$src/subprojects" ] && [ -d subprojects ]; then
	for d in "$src"/subprojects/*/; do
		n=$(basename "$d")
		[ -e "subprojects/$n" ] || cp -a "$d" "subprojects/$n"
	done
fi

# Configure once per worktree.  Submodules are left alone by configure
# only in a tree without .gitmodules (a source package made into git:
# configure would try to update submodules it has not got).
mkdir -p build
cd build
if ! [ -e config.status ]; then
	sub=
	if grep -q with-git-submodules ../configure && ! [ -e ../.gitmodules ]; then
		sub=--with-git-submodules=ignore
	fi
	../configure --target-list=x86_64-softmmu --disable-docs \
		--disable-tools --disable-werror $sub
fi
make -j"$(nproc)"
