# t/lib/report-fixture.sh - sourced by the report tests after lib.sh: a
# repository "repo" of an initial commit and commits 1..20 (deterministic
# ids: lib.sh fixes names and dates), and a store "store" with fixed
# results: 100 ms up to commit 6, commit 7 not measured, commit 8 did
# not build, 120 ms for 9-14 (a regression), 110 ms from 15 on (an
# improvement, acknowledged).
# shellcheck shell=bash

FIXTURE_CONFIG=c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00
: "${srcdir:?source t/lib.sh first}"

make_report_fixture() {
	git init -q -b main repo &&
		git -C repo commit -q --allow-empty -m "initial" &&
		git -C repo tag initial &&
		for i in $(seq 1 20); do
			git -C repo commit -q --allow-empty -m "commit $i: change $i" ||
				return 1
		done &&
		{
			for i in 1 2 3 4 5 6; do
				echo "$(fixture_id "$i") ok 100.1,99.8,100.$i,100.0,99.9"
			done
			echo "$(fixture_id 8) build-failed -"
			for i in 9 10 11 12 13 14; do
				echo "$(fixture_id "$i") ok 120.2,119.9,120.$i,120.0,119.7"
			done
			for i in 15 16 17 18 19 20; do
				echo "$(fixture_id "$i") ok 110.0,110.3,109.$i,110.1,110.2"
			done
		} | perl "$srcdir/t/lib/report-fixture.pl" store "$FIXTURE_CONFIG" &&
		mkdir -p store/acks &&
		echo "expected: the cache is back" >"store/acks/$(fixture_id 15)"
}

# fixture_id N: the full id of "commit N".
fixture_id() {
	git -C repo log --format=%H --grep="^commit $1:" main
}
