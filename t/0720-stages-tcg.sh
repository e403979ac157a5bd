#!/bin/bash
# range --stages and bisect --stages with real TCG boots: a commit that
# makes qemu start 8 s late (fake-qemu's delay mode, before it runs the
# real qemu) is flagged, and the stage comparison puts the change in
# "run qemu", in its part "qemu start", and nowhere else.
# timed: the planted 8 s must be flagged and put in its stage
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires_boots
requires git

mkdir qemu && cp "$srcdir/t/lib/fake-qemu.sh" qemu/qemu
git init -q repo &&
	echo pass >repo/mode && git -C repo add mode &&
	git -C repo commit -q -m "Add the qemu start mode" &&
	echo docs >repo/README && git -C repo add README &&
	git -C repo commit -q -m "Document the mode" &&
	echo delay:8000 >repo/mode && git -C repo commit -q -am "Start qemu 8 s late"
# shellcheck disable=SC2034 # read by the test bodies
{
	fast=$(git -C repo rev-parse --short=7 HEAD~1)
	slow=$(git -C repo rev-parse --short=7 HEAD)
	# Each commit's "build" links the one fake qemu into its worktree;
	# the artifact store copies it with the commit's mode file
	# (--artifact), which it reads beside itself: bisect boots two
	# commits in turns, so what a commit boots must be its own (a mode
	# file shared by both would boot the good endpoint's added passes
	# as the bad one).  Each copied qemu gets a libguestfs cache of its
	# own, built in the first warm-up.  5 passes by Mann-Whitney, not 3
	# by Welch: on a VM whose boots took 29 s +- 4.7 s (2026-12-07, a
	# busy core beside), 3 passes by Welch missed the planted 8 s; rank
	# tests shrug off the odd slow pass.
	opts=(--accel tcg --build "ln -sf '$PWD/qemu/qemu' qemu"
		--hv-artifact qemu --artifact mode
		--runs 5 --warmup 1 --test mann-whitney --alpha 0.05 --timeout 300
		--stages --stage-runs 1 --store "$PWD/store")
}

test_expect_success 'range --stages: the late start is in run qemu, qemu start' '
	bootperf range "${opts[@]}" repo HEAD~2..HEAD >range.txt 2>err.txt &&
	cat range.txt &&
	grep -A1 "^$slow Start qemu 8 s late" range.txt |
		grep -q "↓ degrades performance" &&
	sed -n "/^Stages (1 warm-up, then 1 analyzed pass each/,\$p" \
		range.txt >stages.txt &&
	grep -q "^$slow Start qemu 8 s late$" stages.txt &&
	grep -q "^	against $fast: run qemu +[0-9.]*ms; of the parts, qemu start +[0-9.]*ms$" \
		stages.txt &&
	perl -ne '\''
		next unless /^\t( *)(\S.*?) +(\d+\.\d)ms +(\d+\.\d)ms +([-+]\d+\.\d)ms$/;
		$c{$2} = $5;
		END {
			my $q = $c{"qemu start"} // 0;
			die "qemu start grew by $q ms only\n" unless $q > 5000;
			# One pass a side on a busy host: the rest is noise,
			# well below the planted change.
			for (grep { !/^(run qemu|qemu start|\(the whole run\))$/ }
			     keys %c) {
				die "$_ changed by $c{$_}\n" if abs($c{$_}) > $q / 2;
			}
		}'\'' stages.txt
'

# Its culprit's verification is t/0600's and t/0610's (here it would
# boot 14 more times).
test_expect_success 'bisect --stages: the first slow commit, stage by stage (JSON)' '
	bootperf bisect "${opts[@]}" --verify-runs 0 --json repo HEAD~1 HEAD \
		>bisect.json &&
	json bisect.json "\$j->{outcome}" && json bisect.json "\$j->{reason}" &&
	test "$(json bisect.json "\$j->{outcome}")" = found &&
	test "$(json bisect.json "scalar @{\$j->{stages}}")" = 1 &&
	test "$(json bisect.json "\$j->{stages}[0]{commit}")" = \
		"$(git -C repo rev-parse HEAD)" &&
	test "$(json bisect.json "\$j->{stages}[0]{against}")" = \
		"$(git -C repo rev-parse HEAD~1)" &&
	test "$(json bisect.json "\$j->{stages}[0]{changed_most}")" = "run qemu" &&
	test "$(json bisect.json "\$j->{stages}[0]{part_changed_most}")" = "qemu start" &&
	perl -e "exit !(\$ARGV[0] > 5000)" "$(json bisect.json \
		"(grep { \$_->{name} eq q(qemu start) } @{\$j->{stages}[0]{stages}})[0]{change_ms}")"
'

test_expect_success 'nothing is left running' '
	no_process "$BOOTPERF_CACHE_DIR"
'

test_done
