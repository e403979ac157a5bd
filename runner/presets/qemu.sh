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
# A subproject is copied again when its .wrap changed (the copy keeps
# the .wrap it was made for), and a git one is checked out at the
# wrap's revision where the user's copy has it.  Directories the tree
# itself tracks are left alone.
if [ -n "$src" ] && [ -d "$src/subprojects" ] && [ -d subprojects ]; then
	for d in "$src"/subprojects/*/; do
		[ -d "$d" ] || continue
		n=$(basename "$d")
		t=subprojects/$n
		if [ -e "$t" ]; then
			if ! [ -e "$t/.bootperf-wrap" ] || ! [ -e "$t.wrap" ] ||
				cmp -s "$t.wrap" "$t/.bootperf-wrap"; then
				continue
			fi
		fi
		echo "bootperf: subproject $n from $src"
		rm -rf "$t"
		cp -a "$d" "$t"
		rev=$(sed -n 's/^revision *= *//p' "$t.wrap" 2>/dev/null || :)
		if [ -n "$rev" ] && [ -e "$t/.git" ]; then
			git -C "$t" checkout -q --detach "$rev" 2>/dev/null ||
				echo "bootperf: subproject $n: $rev is not in $d"
		fi
		cp "$t.wrap" "$t/.bootperf-wrap" 2>/dev/null || : >"$t/.bootperf-wrap"
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
