#!/bin/bash
# bootperf report --format html in a real browser: headless Chromium
# (Debian's chromium, scripts/install-deps browser) loads the page from
# the fixture store with no network; there must be no console message
# at all (the page has no script), one chart point per measured commit,
# one shaded stretch per reported change point, hover titles with the
# subjects, nothing loaded from outside the file, and --commit-url links
# with the URL escaped.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016,SC2317 # SC2317: koalaman/shellcheck#3183
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=lib/report-fixture.sh
. "$srcdir/t/lib/report-fixture.sh"
requires git perl chromium

make_report_fixture

# browse PAGE OUT: load PAGE in a fresh headless Chromium; its DOM after
# loading goes to OUT.dom, the browser's log to OUT.log and the page's
# console messages to OUT.console.
browse() {
	rm -rf "$TEST_DIR/profile" &&
		timeout 120 chromium --headless --no-sandbox --disable-gpu \
			--disable-quic --no-first-run --disable-background-networking \
			--disable-component-update --disable-sync \
			--user-data-dir="$TEST_DIR/profile" \
			--enable-logging=stderr --v=0 \
			--dump-dom "file://$1" >"$2.dom" 2>"$2.log" &&
		{ grep ":CONSOLE" "$2.log" >"$2.console" || true; }
}

test_expect_success 'the browser check catches a console error' '
	printf "<!DOCTYPE html><p>x</p><script>nosuch()</script>\n" >broken.html &&
	browse "$TEST_DIR/broken.html" broken &&
	grep -q "nosuch is not defined" broken.console
'

test_expect_success 'the report loads with no console message' '
	bootperf report --repo repo --store store --format html \
		-o report.html initial..main &&
	bootperf report --repo repo --store store --format json \
		initial..main >report.json &&
	browse "$TEST_DIR/report.html" page &&
	test ! -s page.console &&
	grep -q "</svg>" page.dom && grep -q "</table>" page.dom
'

test_expect_success 'one chart point per measured commit' '
	measured=$(json report.json "\$j->{counts}{measured}") &&
	test "$measured" = 18 &&
	test "$(grep -o "<circle class=\"point" page.dom | wc -l)" = "$measured"
'

test_expect_success 'regressions and improvements marked, linked to their rows' '
	grep -o "<a href=\"#c-[0-9a-f]*\"><g><path class=\"bar regression\"" page.dom >reg &&
	test "$(wc -l <reg)" = 1 &&
	grep -q "href=\"#c-$(git -C repo rev-parse --short "$(fixture_id 9)")\"" reg &&
	grep -q "<tr id=\"c-$(git -C repo rev-parse --short "$(fixture_id 9)")\" class=\"regression\"" page.dom &&
	grep -q "<circle class=\"point improvement\"" page.dom &&
	grep -q "<path class=\"failed\"" page.dom
'

test_expect_success 'change points shaded, one per reported change point' '
	test "$(json report.json "scalar grep { \$_->{reported} } @{\$j->{change_points}}")" = 2 &&
	test "$(grep -o "<rect class=\"cp " page.dom | wc -l)" = 2 &&
	grep -q "<rect class=\"cp regression\"" page.dom &&
	grep -q "<rect class=\"cp improvement\"" page.dom
'

test_expect_success 'hover text names each commit with its subject' '
	grep -q "<title>$(git -C repo rev-parse --short "$(fixture_id 12)") commit 12: change 12" page.dom &&
	test "$(grep -o "<title>" page.dom | wc -l)" -ge 21
'

test_expect_success 'self-contained: nothing to fetch, no script' '
	! grep -Eiq "<(script|link|img|iframe|object|embed)|src=|@import|url\(" report.html &&
	test "$(grep -o "https\?://[^\"]*" report.html | sort -u)" = "http://www.w3.org/2000/svg"
'

test_expect_success '--commit-url: ids link to a web view, the URL escaped' '
	bootperf report --repo repo --store store --format html \
		--commit-url "https://example.org/v?a=1&b=\"x\"/{commit}#<y>" \
		-o url.html initial..main &&
	id9=$(fixture_id 9) &&
	grep -q "<a href=\"https://example.org/v?a=1&amp;b=&quot;x&quot;/$id9#&lt;y&gt;\"><code>" url.html &&
	! grep -q "b=\"x" url.html &&
	test "$(grep -o "<a href=\"https://example.org/" url.html | wc -l)" -ge 20 &&
	browse "$TEST_DIR/url.html" url &&
	test ! -s url.console &&
	grep -q "<a href=\"https://example.org/v?a=1&amp;b=&quot;x&quot;/$id9#&lt;y&gt;\"><code>" url.dom
'

test_expect_success 'a screenshot can be taken (what the README shows)' '
	rm -rf profile &&
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$TEST_DIR/profile" --hide-scrollbars \
		--window-size=1200,1400 --screenshot="$TEST_DIR/shot.png" \
		"file://$TEST_DIR/report.html" 2>/dev/null &&
	test "$(head -c 8 shot.png | od -An -tx1 | tr -d " ")" = 89504e470d0a1a0a &&
	test "$(wc -c <shot.png)" -gt 20000
'

test_done
