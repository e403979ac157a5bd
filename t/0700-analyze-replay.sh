#!/bin/bash
# bootperf analyze without booting: recorded boots (t/data) replayed
# through the whole report, text, JSON, SVG and --record; the stage
# table is documented; bad input gets one line and its own exit status.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires xmllint script

# shellcheck disable=SC2034 # read by the test bodies
{
	data="$srcdir/t/data"
	pod="$srcdir/docs/bootperf.pod"
	esc=$(printf "\033")
}

test_expect_success '--list-stages: every stage of the table is in the man page' '
	bootperf analyze --list-stages >stages.txt &&
	test "$(wc -l <stages.txt)" -gt 20 &&
	sed -n "/^=head1 STAGES/,/^=head1 ENVIRONMENT/p" "$pod" >pod-stages &&
	tail -n +2 stages.txt | cut -c1-22 | sed "s/ *$//" >names &&
	grep -qx "kernel initcalls" names && grep -qx "insmod" names &&
	while read -r name; do
		grep -qF "B<$name>" pod-stages ||
			{ echo "stage $name not in STAGES"; exit 1; }
	done <names
'

# Each stage's entry in the man page (rendered from the pod) names its
# kind, its phase, and every marker --list-stages prints for it.
test_expect_success '--list-stages: every marker is in its stage'\''s entry of the man page' '
	pod2text -w 2000 "$pod" | sed -n "/^STAGES$/,/^ENVIRONMENT$/p" >man-stages &&
	test -s man-stages &&
	perl -e '\''
		my ($list, $man) = @ARGV;
		open my $m, "<", $man or die "$man: $!";
		my @entries = split /^(?=    \S)/m, do { local $/; <$m> };
		my %kind = (phase => "phase", detail => "part",
			    each => "each", initcall => "initcall");
		my $flat = sub { join " ", split " ", $_[0] };
		open my $l, "<", $list or die "$list: $!";
		<$l>;
		my ($bad, $n) = (0, 0);
		while (<$l>) {
			chomp;
			my ($name, $k, $within) =
			    map { s/\s+$//r } unpack "A22 x A8 x A22", $_;
			my @marks = /:\x27(.*)\x27 -> [a-z]+:\x27(.*)\x27$/
			    or die "cannot read: $_\n";
			my ($entry) = grep {
				my ($head, $paren) = /^    (.*?) \((.*)\)\n/;
				defined $head &&
				    grep { $_ eq $name } split /, /, $head
			} @entries;
			if (!defined $entry) {
				print "$name: no entry\n"; $bad++; next;
			}
			my ($paren) = $entry =~ /^    .*? \((.*)\)\n/;
			if ($paren !~ /\b$kind{$k}/ ||
			    ($within ne "-" && $paren !~ /of \Q$within\E$/)) {
				print "$name: entry says ($paren), the table $k in $within\n";
				$bad++;
			}
			for my $alt (map { split /\|/ } @marks) {
				my $want = $flat->($alt);
				$n++;
				next if index($flat->($entry), $want) >= 0;
				print "$name: marker \"$want\" not in its entry\n";
				$bad++;
			}
		}
		print "$n markers checked\n";
		exit($bad || $n < 40 ? 1 : 0);
	'\'' stages.txt man-stages
'

test_expect_success 'a real TCG boot: the phases in order, highlighted, the longest' '
	bootperf analyze --replay "$data/boot-tcg-debian.events" >real.txt &&
	cat real.txt &&
	for p in "run qemu" firmware "kernel unpack" "kernel early boot" \
		"kernel initcalls" "kernel late boot" "supermin mini-initrd" \
		/init "daemon start" shutdown "qemu exit" close; do
		grep -n "ms  $p  " real.txt | head -1 | cut -d: -f1
	done >lines &&
	test "$(wc -l <lines)" = 12 && sort -n -c lines &&
	grep -q "^\* .*ms  kernel unpack  " real.txt &&
	grep -q "^  .*ms  firmware  " real.txt &&
	grep -q "^\* .*initcall virtio_pci.virtio_pci_driver_init" real.txt &&
	grep -A2 "^Longest activities:" real.txt | tail -1 | grep -q "^\* /init " &&
	grep -q "quiet: not measured (not in the recording)" real.txt &&
	! grep -q "Not seen" real.txt && ! grep -q "end inferred" real.txt
'

test_expect_success 'passes: a stage missing from a pass is not counted as 0' '
	bootperf analyze --replay "$data/boot-passes.events" >passes.txt &&
	cat passes.txt &&
	grep -q "qemu feature probes  *20.0ms  *±14.1ms .*(seen in 2 of 3 passes)" passes.txt &&
	grep -q "run qemu  *110.0ms  *±10.0ms  *50.0%" passes.txt &&
	grep -q "Not seen in any pass (no marker): supermin appliance, qemu start, kernel unpack, kernel early boot, kernel initcalls, initcall, " passes.txt &&
	grep -q "ms  firmware  *110.0ms .*(end inferred: no end marker)$" passes.txt
'

test_expect_success 'the cost of verbose boots: analyzed against quiet passes' '
	grep -q "analyzed: 220.0ms ±20.0ms (3 passes)" passes.txt &&
	grep -q "quiet: 155.5ms ±7.1ms (2 passes" passes.txt &&
	grep -q "overhead: +64.5ms (+41.5%)" passes.txt
'

test_expect_success '--json: stages with their passes, every event, the overhead' '
	bootperf analyze --replay "$data/boot-passes.events" --json >p.json &&
	test "$(json p.json "\$j->{type}")" = bootperf-analyze &&
	test "$(json p.json "scalar @{\$j->{passes}}")" = 3 &&
	test "$(json p.json "scalar @{\$j->{passes}[1]{events}}")" = 3 &&
	test "$(json p.json "\$j->{passes}[0]{events}[1]{source}")" = library &&
	test "$(json p.json "\$j->{overhead_ms}")" = 64.5 &&
	test "$(json p.json "\$j->{quiet}{statistics}{n}")" = 2 &&
	test "$(json p.json "join q(,), map { \$_ // q(null) } @{(grep { \$_->{name} eq q(qemu feature probes) } @{\$j->{stages}})[0]{samples_ms}}")" = 10,null,30 &&
	test "$(json p.json "(grep { \$_->{name} eq q(qemu feature probes) } @{\$j->{stages}})[0]{seen}")" = 2 &&
	test "$(json p.json "(grep { \$_->{name} eq q(run qemu) } @{\$j->{stages}})[0]{percent}")" = 50 &&
	test "$(json p.json "(grep { \$_->{name} eq q(run qemu) } @{\$j->{stages}})[0]{end_inferred}")" = 0 &&
	test "$(json p.json "(grep { \$_->{name} eq q(firmware) } @{\$j->{stages}})[0]{end_inferred}")" = 3 &&
	json p.json "join q(,), @{\$j->{not_seen}}" >not-seen &&
	grep -qx "supermin appliance,qemu start,kernel unpack,.*,initcall,.*,insmod,.*,close" not-seen
'

test_expect_success '--svg: a self-contained chart, one bar per stage shown' '
	bootperf analyze --replay "$data/boot-tcg-debian.events" \
		--svg chart.svg >/dev/null &&
	xmllint --noout chart.svg &&
	grep -q "<svg xmlns=\"http://www.w3.org/2000/svg\"" chart.svg &&
	! grep -v "xmlns=" chart.svg | grep -q "http" &&
	grep -c "^<g class=\"phase\"><title>" chart.svg >phases &&
	test "$(cat phases)" = 12 &&
	grep -q "<title>kernel unpack: starts at" chart.svg &&
	grep -q "fill=\"#c0392b\"" chart.svg
'

test_expect_success '--record writes what --replay reads: the same analysis' '
	bootperf analyze --replay "$data/boot-passes.events" \
		--record again.events >first.txt &&
	grep -q "^# pass 3$" again.events && grep -q "^# quiet 160.500$" again.events &&
	bootperf analyze --replay again.events >second.txt &&
	sed 1,2d first.txt >a && sed 1,2d second.txt >b && cmp a b
'

test_expect_success 'hand-made boots with missing and reordered markers' '
	bootperf analyze --replay "$data/boot-missing.events" >missing.txt &&
	cat missing.txt &&
	grep -q "Not seen in any pass (no marker): firmware, kernel unpack, kernel initcalls, initcall, kernel late boot, bash start$" missing.txt &&
	grep -q "ms  run qemu  *3000.0ms .*(end inferred: no end marker)$" missing.txt &&
	grep -q "ms  kernel early boot  *1400.0ms .*(end inferred: no end marker)$" missing.txt &&
	grep -q "ms    insmod ata_piix  *200.0ms .*%$" missing.txt &&
	grep -q "ms    mount root  *180.0ms .*(end inferred: no end marker)$" missing.txt &&
	grep -q "ms  /init  *3870.0ms .*%$" missing.txt &&
	bootperf analyze --replay "$data/boot-reordered.events" >reordered.txt &&
	grep -q "ms  firmware  *2870.0ms" reordered.txt &&
	grep -q "ms    udev start  *2200.0ms .*(end inferred: no end marker)$" reordered.txt &&
	grep -q "Not seen in any pass (no marker): kernel unpack$" reordered.txt &&
	bootperf analyze --replay "$data/boot-missing.events" --json >m.json &&
	test "$(json m.json "join q(,), @{\$j->{not_seen}}")" = \
		"firmware,kernel unpack,kernel initcalls,initcall,kernel late boot,bash start" &&
	bootperf analyze --replay "$data/boot-tcg-debian.events" --json >r.json &&
	test "$(json r.json "scalar @{\$j->{not_seen}}")" = 0
'

test_expect_success 'a recording cut short: its last event is the end' '
	bootperf analyze --replay "$data/boot-truncated.events" >cut.txt 2>err &&
	cat cut.txt err &&
	grep -q "^bootperf: warning: --replay .*boot-truncated.events.: pass 1 has no end mark (cut short): it ends with its last event, at 8700.0ms$" err &&
	grep -q "analyzed: 8700.0ms ±n/a (1 pass)" cut.txt &&
	grep -q "^Replayed from .*boot-truncated.events.: 1 analyzed pass$" cut.txt &&
	! grep -qi "nan" cut.txt &&
	grep -q "ms  /init  *3420.0ms .*(end inferred: no end marker)$" cut.txt &&
	grep -q "8700.0ms  (end: the whole run)  *8700.0ms" cut.txt &&
	bootperf analyze --replay "$data/boot-truncated.events" --json >cut.json 2>/dev/null &&
	test "$(json cut.json "\$j->{analyzed}{samples_ms}[0]")" = 8700 &&
	test "$(json cut.json "\$j->{analyzed}{statistics}{mean_ms}")" = 8700 &&
	printf "# pass 1\n# pass 2\n0.000 bootperf launch\n" >hole.events &&
	expect_exit 3 bootperf analyze --replay hole.events >out 2>err &&
	test ! -s out &&
	grep -q "^bootperf: error: --replay .hole.events.: pass 1 holds no events$" err
'

cat >tty-analyze.sh <<EOS
#!/bin/bash
exec "$BOOTPERF" analyze --replay "$srcdir/t/data/boot-basic.events" "\$@"
EOS
chmod +x tty-analyze.sh

test_expect_success 'colour only on a terminal, never with NO_COLOR' '
	script -qec ./tty-analyze.sh /dev/null >tty.txt &&
	grep -q "$esc\[1;31mkernel unpack" tty.txt &&
	NO_COLOR=1 script -qec ./tty-analyze.sh /dev/null >nc.txt &&
	grep -q "^\* .*kernel unpack" nc.txt && ! grep -q "$esc\[" nc.txt &&
	./tty-analyze.sh >pipe.txt && ! grep -q "$esc\[" pipe.txt &&
	script -qec "./tty-analyze.sh --no-color" /dev/null >flag.txt &&
	grep -q "kernel unpack" flag.txt && ! grep -q "$esc\[1;31m" flag.txt
'

test_expect_success 'bad input: one line, distinct exit status' '
	expect_exit 3 bootperf analyze --replay nosuch.events 2>err &&
	grep -q "^bootperf: error: cannot open --replay .nosuch.events.: " err &&
	printf "0.000 bootperf launch\nthis is not an event\n" >bad.events &&
	expect_exit 3 bootperf analyze --replay bad.events >out 2>err &&
	test ! -s out &&
	grep -q "^bootperf: error: --replay .bad.events.: line 2 is not an event$" err &&
	printf "# nothing\n" >empty.events &&
	expect_exit 3 bootperf analyze --replay empty.events 2>err &&
	grep -q "holds no events" err &&
	expect_exit 3 bootperf analyze --hv ./nosuch-qemu 2>err &&
	grep -q "nosuch-qemu" err &&
	expect_exit 2 bootperf analyze --runner command --command true 2>err &&
	grep -q "analyze boots the appliance" err &&
	expect_exit 2 bootperf analyze --quiet-runs -1 2>err &&
	expect_exit 2 bootperf analyze extra 2>err &&
	grep -q "analyze takes no arguments" err
'

# --hv names a qemu that does not exist: were the output files checked
# after it, or after the boots, the test would see its error instead,
# and nothing can boot either way.
test_expect_success '--svg, --record: an unwritable path fails before any boot, exit 3' '
	expect_exit 3 bootperf analyze --hv "$TEST_DIR/nosuch-qemu" \
		--svg "$TEST_DIR/no/dir/t.svg" >out 2>err &&
	test ! -s out && test "$(wc -l <err)" = 1 &&
	grep -qx "bootperf: error: cannot write --svg .$TEST_DIR/no/dir/t.svg.: No such file or directory" err &&
	mkdir -p rec.d &&
	expect_exit 3 bootperf analyze --hv "$TEST_DIR/nosuch-qemu" \
		--record rec.d >out 2>err &&
	test ! -s out && test "$(wc -l <err)" = 1 &&
	grep -qx "bootperf: error: cannot write --record .rec.d.: it is a directory (give a file name)" err &&
	expect_exit 3 bootperf analyze --replay "$data/boot-basic.events" \
		--svg "$TEST_DIR/no/dir/t.svg" >out 2>err &&
	test ! -s out && test "$(wc -l <err)" = 1 &&
	test ! -e "$TEST_DIR/no"
'

test_expect_success '--replay refuses the options that only booting uses' '
	for opt in "--runs 3" "--warmup 0" "--quiet-runs 0" "--smp 2" \
		"--memsize 1024" "--append x=1" "--accel tcg" "--timeout 9" \
		"--kvm-probe-timeout 9" "--hv /bin/true" "--kernel /bin/true" \
		"--modules /tmp" "--cache-dir ." "--verbose" "--runner guestfs"; do
		expect_exit 2 bootperf analyze --replay "$data/boot-basic.events" \
			$opt >out 2>err || exit 1
		test ! -s out && test "$(wc -l <err)" = 1 &&
		grep -q "^bootperf: error: ${opt%% *} has no effect with --replay, which analyzes the recorded passes: drop it$" err ||
			{ echo "$opt:"; cat err; exit 1; }
	done &&
	expect_exit 2 bootperf analyze --runs 2 --replay "$data/boot-basic.events" 2>err &&
	grep -q "^bootperf: error: --runs has no effect with --replay" err &&
	bootperf analyze --replay "$data/boot-basic.events" --json --no-color \
		--record again.events --svg again.svg >/dev/null
'

test_expect_success 'range and bisect --stages: usage errors before any work' '
	expect_exit 2 bootperf range --stages --runner command --command true \
		repo HEAD 2>err &&
	grep -q "^bootperf: error: --stages boots the appliance; it cannot go with --runner command$" err &&
	expect_exit 2 bootperf bisect --stage-runs 2 repo A B 2>err &&
	grep -q "^bootperf: error: --stage-runs needs --stages$" err &&
	expect_exit 2 bootperf range --stages --stage-runs 0 repo HEAD 2>err &&
	grep -q "stage-runs" err
'

test_done
