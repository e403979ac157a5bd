#!/bin/bash
# The bench core through the command runner: fast, no VM.  Every RUN
# OPTION that is not specific to libguestfs shows its effect here.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

test_expect_success '--runs and --warmup: counts, warm-ups kept apart' '
	bootperf bench --runner command --command "sleep 0.01" \
		--runs 4 --warmup 2 --json >out.json &&
	test "$(json out.json "scalar @{\$j->{samples_ms}}")" = 4 &&
	test "$(json out.json "scalar @{\$j->{warmup_ms}}")" = 2 &&
	test "$(json out.json "\$j->{statistics}{n}")" = 4 &&
	test "$(json out.json "\$j->{status}")" = ok
'

test_expect_success 'the deviation is the sample sd of the listed samples' '
	sd_matches out.json
'

# A warm-up that takes 1.5 s (first call only) must not reach the mean.
test_expect_success 'warm-up passes are not counted' '
	cat >slow-first.sh <<-\EOS &&
	if [ ! -e first-done ]; then touch first-done; sleep 1.5; fi
	sleep 0.02
	EOS
	bootperf bench --runner command --command "sh ./slow-first.sh" \
		--runs 3 --warmup 1 --json >w.json &&
	perl -e "exit !(\$ARGV[0] > 1400 && \$ARGV[1] < 1000)" \
		"$(json w.json "\$j->{warmup_ms}[0]")" \
		"$(json w.json "\$j->{statistics}{max_ms}")"
'

test_expect_success 'text report: the header, the Result line and the spread' '
	bootperf bench --runner command --command "sleep 0.01" \
		--runs 3 --warmup 0 >out.txt &&
	grep -q "^ *test passes: 3 (and 0 warm-up)" out.txt &&
	grep -q "^ *command: sleep 0.01 " out.txt &&
	grep -q "^Result: [0-9.]*ms ±[0-9.]*ms$" out.txt &&
	grep -q "^ *median [0-9.]*ms, min [0-9.]*ms, max [0-9.]*ms, 95% CI -\?[0-9.]*–[0-9.]*ms (n=3)$" out.txt
'

test_expect_success 'one pass: no deviation, said plainly' '
	bootperf bench --runner command --command true --runs 1 --warmup 0 \
		>one.txt &&
	grep -q "^Result: [0-9.]*ms ±n/a (one pass)$" one.txt &&
	bootperf bench --runner command --command true --runs 1 --warmup 0 \
		--json >one.json &&
	test "$(json one.json "\$j->{statistics}{sd_ms}")" = null
'

test_expect_success 'a failing command: exit 4, the pass named' '
	expect_exit 4 bootperf bench --runner command --command "exit 3" \
		--runs 2 --warmup 0 2>err &&
	grep -q "^bootperf: error: pass 1 of 2: boot-failed: command exited with status 3$" err
'

test_expect_success '--timeout kills the pass and all it started' '
	start=$(date +%s) &&
	expect_exit 5 bootperf bench --runner command \
		--command "sleep $(mark 737) & sleep $(mark 737); wait" \
		--timeout 1 --runs 1 --warmup 0 2>err &&
	test $(($(date +%s) - start)) -lt 30 &&
	grep -q "timeout: no result within 1 s; killed" err &&
	no_process "sleep $(mark 737)"
'

test_expect_success '--json on failure still says what happened' '
	expect_exit 5 bootperf bench --runner command --command "sleep 60" \
		--timeout 1 --runs 1 --warmup 0 --json >t.json 2>/dev/null &&
	test "$(json t.json "\$j->{status}")" = timeout &&
	json t.json "\$j->{message}" | grep -q "no result within 1 s" &&
	expect_exit 5 bootperf bench --runner command --command "sleep 60" \
		--timeout 0.5 --runs 1 --warmup 0 2>err &&
	grep -q "no result within 0.5 s; killed" err
'

test_expect_success '--json when it stops before the first pass' '
	expect_exit 3 bootperf bench --hv "$PWD/nothere" --json >n.json 2>err &&
	test "$(json n.json "\$j->{status}")" = error &&
	json n.json "\$j->{message}" | grep -q "^--hv .*/nothere.: No such file" &&
	test "$(json n.json "scalar @{\$j->{samples_ms}}")" = 0
'

test_expect_success 'the defaults: 10 passes after 3 warm-ups' '
	bootperf bench --runner command --command true --json >d.json &&
	test "$(json d.json "scalar @{\$j->{samples_ms}}")" = 10 &&
	test "$(json d.json "scalar @{\$j->{warmup_ms}}")" = 3
'

for sig in INT TERM; do
	test_expect_success "SIG$sig mid-pass: exit 130, nothing left running" '
		(exec ${BOOTPERF_WRAPPER:-} "$BOOTPERF" bench --runner command \
			--command "sleep $(mark 828)" --runs 1 --warmup 0 2>err) &
		pid=$! &&
		started "sleep $(mark 828)" && kill -'"$sig"' $pid &&
		rc=0 && wait $pid || rc=$? &&
		test "$rc" = 130 &&
		grep -q "interrupted during pass 1 of 1" err &&
		no_process "sleep $(mark 828)"
	'
done

test_expect_success '{hv} is one quoted word, never shell code' '
	mkdir "dir with \$(touch pwned) space" &&
	hv="dir with \$(touch pwned) space/qemu" &&
	printf "#!/bin/sh\necho fake qemu 9.9\n" >"$hv" && chmod +x "$hv" &&
	bootperf bench --runner command --command "{hv} -version >hv.out" \
		--hv "$hv" --runs 1 --warmup 0 --json >hv.json &&
	grep -q "fake qemu 9.9" hv.out && test ! -e pwned &&
	test "$(json hv.json "\$j->{environment}{hv_version}")" = "fake qemu 9.9"
'

test_expect_success '--verbose lets the command output through, on stderr' '
	bootperf bench --runner command --command "echo marker-out" \
		--runs 1 --warmup 0 >quiet.txt 2>quiet.err &&
	! grep -qx marker-out quiet.txt && ! grep -qx marker-out quiet.err &&
	bootperf bench --runner command --command "echo marker-out" \
		--runs 1 --warmup 0 --verbose >loud.txt 2>loud.err &&
	grep -qx marker-out loud.err && ! grep -qx marker-out loud.txt
'

test_expect_success '--verbose --json: stdout is one JSON document (bench, range)' '
	bootperf bench --runner command --command "echo marker-out" \
		--runs 2 --warmup 1 --verbose --json >b.json 2>b.err &&
	grep -qx marker-out b.err &&
	json b.json "\$j->{type}" >type && test -s type &&
	git init -q vrepo && git -C vrepo commit -q --allow-empty -m one &&
	git -C vrepo commit -q --allow-empty -m two &&
	bootperf range --runner command --command "echo marker-out" \
		--build "echo build-out" --runs 2 --warmup 0 --verbose --json \
		--store "$PWD/vs" vrepo HEAD~1..HEAD >r.json 2>r.err &&
	grep -qx marker-out r.err && ! grep -q marker-out r.json &&
	test "$(json r.json "scalar @{\$j->{commits}}")" = 1
'

test_expect_success 'options only an appliance uses: one warning, no effect' '
	bootperf bench --runner command --command true --runs 1 --warmup 0 \
		--smp 2 --memsize 512 --accel tcg >opt.out 2>opt.err &&
	test "$(cat opt.err)" = "bootperf: warning: --runner command boots no appliance: --smp, --memsize, --accel have no effect" &&
	grep -q "^Result: " opt.out &&
	bootperf bench --runner command --command true --runs 1 --warmup 0 \
		--append x 2>opt2.err >/dev/null &&
	test "$(cat opt2.err)" = "bootperf: warning: --runner command boots no appliance: --append has no effect" &&
	bootperf bench --runner command --command true --runs 1 --warmup 0 \
		--timeout 5 2>opt3.err >/dev/null &&
	test ! -s opt3.err
'

test_done
