#!/bin/bash
# The nightly examples are ready to install: the systemd units parse
# (and pass systemd-analyze verify where it is installed; skipped
# otherwise), and the cron line, run as cron would (with the
# command runner instead of a QEMU build), is silent on a quiet night,
# prints the track output when a regression appears, and rewrites the
# HTML report either way.
# timed: the cron line must report a planted regression
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016,SC2317 # SC2317: koalaman/shellcheck#3183
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires git

ex="$srcdir/examples"

# sections FILE: the [Section] lines of a unit file, after checking that
# every other line is blank, a comment or Key=Value.
sections() {
	awk '/^[ \t]*([#;]|$)/ { next }
		/^\[[A-Za-z]+\]$/ { print; next }
		/^[A-Za-z][A-Za-z0-9]*=/ { next }
		{ print "line " NR " is not a unit file line: " $0; exit 1 }' "$1" |
		tr "\n" " "
}

test_expect_success 'the systemd units parse; the service has no [Install]' '
	test "$(sections "$ex/bootperf-track.service")" = "[Unit] [Service] " &&
	test "$(sections "$ex/bootperf-track.timer")" = "[Unit] [Timer] [Install] " &&
	grep -q "^Type=oneshot$" "$ex/bootperf-track.service" &&
	grep -q "^ExecStart=/usr/local/bin/bootperf track " "$ex/bootperf-track.service" &&
	grep -q "^OnCalendar=\*-\*-\* 02:30:00$" "$ex/bootperf-track.timer" &&
	grep -q "^Persistent=true$" "$ex/bootperf-track.timer" &&
	grep -q "^WantedBy=timers.target$" "$ex/bootperf-track.timer"
'

if ! command -v systemd-analyze >/dev/null; then
	test_count=$((test_count + 1))
	echo "ok $test_count # skip the systemd units verify: no systemd-analyze"
else
	test_expect_success 'the systemd units verify' '
		mkdir units &&
		for f in bootperf-track.service bootperf-track.timer; do
			sed "s|/usr/local/bin/bootperf|$BOOTPERF|g" "$ex/$f" >"units/$f" || exit 1
		done &&
		systemd-analyze verify --man=no units/bootperf-track.service \
			units/bootperf-track.timer >verify.out 2>&1 || true &&
		cat verify.out &&
		! grep -v "bootperf-track.service: Command .* is not executable" verify.out | grep -q . &&
		grep -q "^OnCalendar=\*-\*-\* 02:30:00" units/bootperf-track.timer
	'
fi

# The cron line's command, for /srv/bootperf = $TEST_DIR/srv, measuring
# with the command runner: the "boot" sleeps the commit's delay.
sed -n 's/^[0-9*, ]* [0-9*, ]* \* \* \* bootperf //p' "$ex/bootperf-track.cron" |
	sed -e "s|/srv/bootperf|$TEST_DIR/srv|g" \
		-e "s|--preset qemu --runs 10 --warmup 1|--runner command --runs 3 --warmup 0 --threshold 20 --command 'sleep \$(cat {worktree}/built)' --build 'cp delay built'|" \
		>cron.sh
git init -q --bare -b main upstream.git
git clone -q upstream.git dev 2>/dev/null
git -C dev checkout -q -b main
for i in 1 2 3 4 5 6; do
	echo 0.10 >dev/delay && git -C dev add delay &&
		git -C dev commit -q --allow-empty -m "commit $i"
done
git -C dev push -q origin main
mkdir srv && git clone -q upstream.git srv/qemu

test_expect_success 'the cron line has one command and installs as is' '
	test "$(wc -l <cron.sh)" = 1 && grep -q "bootperf track" cron.sh &&
	grep -q "^MAILTO=" "$ex/bootperf-track.cron" &&
	! grep -q "%" "$ex/bootperf-track.cron"
'

test_expect_success 'a quiet night: no output (no mail), a report' '
	PATH="$(dirname "$BOOTPERF"):$PATH" sh cron.sh >night1.mail &&
	test ! -s night1.mail &&
	grep -q "<svg" srv/report.html && grep -q "^Tracking main of origin" srv/track.log
'

test_expect_success 'a regression: the track output is mailed' '
	for i in 7 8 9 10 11 12; do
		echo 0.40 >dev/delay && git -C dev add delay &&
			git -C dev commit -q --allow-empty -m "commit $i" || exit 1
	done &&
	git -C dev push -q origin main &&
	PATH="$(dirname "$BOOTPERF"):$PATH" sh cron.sh >night2.mail &&
	cat night2.mail &&
	grep -q "^bootperf track exited 1" night2.mail &&
	grep -q "degrades performance by" night2.mail &&
	grep -q "class=\"cp regression\"" srv/report.html
'

test_done
