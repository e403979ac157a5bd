#!/bin/bash
# --kernel boots the given kernel image through supermin, with a
# libguestfs cache directory of its own.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires_boots

kernel=$(printf '%s\n' /boot/vmlinuz-* | sort -V | head -n 1)
if [ ! -r "$kernel" ]; then
	skip_all "no readable /boot/vmlinuz-*"
fi
release=${kernel#/boot/vmlinuz-}
[ -d "/lib/modules/$release" ] || skip_all "no modules for $release"

test_expect_success '--kernel boots that kernel' '
	bootperf bench --accel tcg --kernel "$kernel" --runs 1 --warmup 0 \
		--timeout 300 --verbose --json >k.json 2>console.txt &&
	test "$(json k.json "\$j->{environment}{kernel}")" = "$kernel" &&
	test "$(json k.json "\$j->{environment}{kernel_version}")" = "$release" &&
	grep -q "Linux version $release " console.txt
'

test_expect_success 'each kernel gets its own libguestfs cache directory' '
	bootperf bench --runner command --command true --runs 1 --warmup 0 \
		>/dev/null &&
	cachedir=$(json k.json "\$j->{environment}{cachedir}") &&
	test -d "$cachedir/.guestfs-$(id -u)/appliance.d" &&
	cp "$kernel" copy-vmlinuz &&
	expect_exit 5 bootperf bench --accel tcg --kernel "$PWD/copy-vmlinuz" \
		--timeout 1 --runs 1 --warmup 0 --json >k2.json 2>/dev/null &&
	other=$(json k2.json "\$j->{environment}{cachedir}") &&
	test "$other" != "$cachedir" &&
	test "$(dirname "$other")" = "$(dirname "$cachedir")"
'

test_done
