#!/bin/bash
# Configuration ids are the names of the store's results directories:
# a change of the text they hash would orphan every stored result.  The
# ids below were made by bootperf at e98b9ee (before the engine moved
# below cmd/); each option set must give the same id today.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016,SC2317 # SC2317: koalaman/shellcheck#3183
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires git

git init -q repo && echo 1 >repo/f && mkdir repo/m && echo 1 >repo/m/x &&
	git -C repo add f m && git -C repo commit -q -m one
printf 'CONFIG_VIRTIO=y\n' >kconfig

# id NAME OPTIONS...: the config id range stores one commit under (a
# failed build or boot is stored under it too).
id() {
	local name=$1
	shift
	bootperf range --runner command --runs 1 --warmup 0 \
		--store "$TEST_DIR/s-$name" "$@" repo HEAD >/dev/null 2>&1
	ls "$TEST_DIR/s-$name/results"
}

# name, expected id, options
cases=(
	"plain|ce7d929c6fac56166c4af4991a2cb605e68be9ad|--command true --build true"
	"qemu-args|d442db70718a64e9133ea02460c10fc08eea64a5|--command true --build true --qemu-arg -L --qemu-arg {worktree}/pc-bios"
	"settings|74d0713ecc89e87c6d71977f03b6ab4674946089|--command true --build true --smp 2 --memsize 700 --append quiet --accel tcg"
	"artifacts|e62d51470e2cbe367532a1cee09d0e8ca75099af|--command true --build true --hv-artifact f --kernel-artifact f --modules-artifact m"
	"kconfig|76bd139243157ecd4b809358fae931bc881d9d9e|--command true --build true --config $TEST_DIR/kconfig"
	"alternate|0db5339ae622cf18e20902be959d6fadf69a9fc0|--command true --build true --interleave alternate"
)

for c in "${cases[@]}"; do
	IFS='|' read -r name want opts <<<"$c"
	test_expect_success "config id unchanged: $name" '
		# shellcheck disable=SC2086 # opts are words
		got=$(id "'"$name"'" '"$opts"') &&
		echo "got $got" &&
		test "$got" = "'"$want"'"
	'
done

test_done
