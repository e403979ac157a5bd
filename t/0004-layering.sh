#!/bin/bash
# The folders depend on each other in one order (README, "How it is
# built"):
#
#	main -> cmd -> { bisect, runner, store, reports } -> common
#	                                  reports -> store (the codec only)
#
# Every #include and every call of a function declared in a folder's
# header must follow it: a module never includes or calls a sibling's
# header, common/ none at all, and reports/ reads the store's codec
# (json_*) but never opens, reads or writes a store (store_*).
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016,SC2317 # SC2317: koalaman/shellcheck#3183
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires perl

# layering SRCDIR: one line per edge against the order; nothing when
# there is none.  Edges: include (a header of a folder it may not use)
# and call (a function such a header declares, named in code).
layering() {
	perl -e '
		my $src = shift;
		my %allow = (
			common  => [qw(common)],
			bisect  => [qw(bisect common)],
			runner  => [qw(runner common)],
			store   => [qw(store common)],
			reports => [qw(reports store common)],
			cmd     => [qw(cmd bisect runner store reports common)],
			"."     => [qw(cmd bisect runner store reports common)],
		);
		my %header = (common => "common.h", bisect => "bisect.h",
			runner => "runner.h", store => "store.h",
			reports => "reports.h", cmd => "cmd.h");
		my %owner = map { $header{$_} => $_ } keys %header;
		# The functions each header declares: "name(" after a type.
		my %declared;
		for my $dir (keys %header) {
			open my $h, "<", "$src/$dir/$header{$dir}" or die "$dir: $!";
			local $/; my $t = <$h>;
			$t =~ s{/\*.*?\*/}{}gs;
			while ($t =~ /^[a-z][\w \*]*?\b(\w+)\(/mg) {
				$declared{$1} = $dir;
			}
		}
		my @files = (glob("$src/main.c"),
			map { glob("$src/$_/*.[ch]") } keys %header);
		my $bad = 0;
		for my $f (@files) {
			(my $rel = $f) =~ s{^\Q$src\E/}{};
			my $dir = $rel =~ m{^(\w+)/} ? $1 : ".";
			my %ok = map { $_ => 1 } @{$allow{$dir}};
			open my $fh, "<", $f or die "$f: $!";
			local $/; my $t = <$fh>;
			while ($t =~ /^#include "([^"]+)"/mg) {
				my $o = $owner{$1} or next;
				next if $ok{$o};
				print "include $rel -> $o ($1)\n"; $bad++;
			}
			$t =~ s{/\*.*?\*/}{}gs;
			$t =~ s{"(?:[^"\\\n]|\\.)*"}{""}g;
			my %seen;
			while ($t =~ /\b(\w+)\s*\(/g) {
				my $o = $declared{$1} or next;
				next if $ok{$o} || $seen{$1}++;
				print "call $rel -> $o ($1)\n"; $bad++;
			}
			next unless $dir eq "reports";
			%seen = ();
			while ($t =~ /\b(store_\w+)\s*\(/g) {
				next if $seen{$1}++;
				print "call $rel -> store ($1: reports only read the codec)\n";
				$bad++;
			}
		}
		exit($bad ? 1 : 0);' "$1"
}

test_expect_success 'the tree follows the order: no include or call against it' '
	layering "$srcdir" >edges || { cat edges; false; }
'

# The check itself: each kind of edge it must catch, planted in a copy.
copy_tree() {
	mkdir "$1" &&
		for d in common bisect runner store reports cmd; do
			mkdir "$1/$d" && cp "$srcdir/$d"/*.[ch] "$1/$d/" || return 1
		done && cp "$srcdir/main.c" "$1/"
}

test_expect_success 'a module that includes a sibling'"'"'s header is caught' '
	copy_tree inc &&
	sed -i "0,/#include \"runner.h\"/s//#include \"runner.h\"\n#include \"bisect.h\"/" inc/runner/bench.c &&
	! layering inc >edges &&
	grep -qx "include runner/bench.c -> bisect (bisect.h)" edges
'

test_expect_success 'common/ calling up into a module is caught' '
	copy_tree up &&
	printf "void layering_probe(void);\nvoid layering_probe(void) { store_close(0); }\n" >>up/common/util.c &&
	! layering up >edges &&
	grep -qx "call common/util.c -> store (store_close)" edges
'

test_expect_success 'reports/ using the store itself, not its codec, is caught' '
	copy_tree rep &&
	printf "void layering_probe(void);\nvoid layering_probe(void) { store_close(0); }\n" >>rep/reports/text.c &&
	! layering rep >edges &&
	grep -qx "call reports/text.c -> store (store_close: reports only read the codec)" edges
'

test_expect_success 'a module calling cmd/ is caught' '
	copy_tree cmdcall &&
	printf "void layering_probe(void);\nvoid layering_probe(void) { cmd_color_default(); }\n" >>cmdcall/runner/env.c &&
	! layering cmdcall >edges &&
	grep -qx "call runner/env.c -> cmd (cmd_color_default)" edges
'

test_done
