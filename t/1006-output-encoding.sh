#!/bin/bash
# Every output format is valid for its type whatever the commit subjects
# hold: UTF-8 JSON, UTF-8 HTML without C0 controls; a commit's encoding
# header is honoured as git log honours it.  Command runner: fast.
# Test bodies are single-quoted on purpose: test_expect_success evals them.
# shellcheck disable=SC2016,SC2034,SC2317 # SC2317: koalaman/shellcheck#3183
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
requires git perl

# valid_utf8 FILE: FILE decodes as strict UTF-8.
valid_utf8() {
	perl -MEncode -e 'local $/; open my $f, "<:raw", $ARGV[0] or die;
		my $d = <$f>; decode("UTF-8", $d, Encode::FB_CROAK)' "$1"
}

# no_c0 FILE: no C0 control but tab, newline and carriage return.
no_c0() {
	! LC_ALL=C grep -q "[$(printf '\001-\010\013\014\016-\037')]" "$1"
}

test_expect_success 'a repository of bad subjects' '
	git init -q repo && echo 1 >repo/f && git -C repo add f &&
	git -C repo commit -q -m base &&
	# git commit would take 0xff as Latin-1: write the object itself.
	c=$(printf "tree %s\nparent %s\nauthor t <t@t> 1577836800 +0000\ncommitter t <t@t> 1577836800 +0000\n\nraw \377 byte\n" \
		"$(git -C repo rev-parse HEAD^{tree})" "$(git -C repo rev-parse HEAD)" |
		git -C repo hash-object -t commit -w --stdin) &&
	git -C repo update-ref HEAD "$c" &&
	git -C repo cat-file commit HEAD | LC_ALL=C grep -q "$(printf "\377")" &&
	git -C repo commit -q --allow-empty \
		-m "$(printf "esc \033]0;title\007 bel \033[2J")" &&
	git -C repo -c i18n.commitEncoding=ISO-8859-1 commit -q --allow-empty \
		-m "$(printf "caf\351 latin1")" &&
	git -C repo cat-file commit HEAD | grep -q "^encoding ISO-8859-1"
'

test_expect_success 'range --json: valid UTF-8, the encoding header honoured' '
	bootperf range --runner command --command true --build true --runs 2 \
		--warmup 0 --test welch --store "$PWD/s" --json repo HEAD~3..HEAD \
		>r.json 2>err &&
	valid_utf8 r.json &&
	json r.json "\$j->{commits}[2]{subject}" >latin &&
	perl -MEncode -ne "print encode(q(UTF-8), \$_)" latin >/dev/null &&
	grep -q "^caf$(printf "\303\251") latin1\$" latin &&
	grep -q "raw $(printf "\357\277\275") byte" r.json
'

test_expect_success 'report --format json and html: valid UTF-8, no C0 control' '
	bootperf report --store "$PWD/s" --repo repo --format json \
		HEAD~3..HEAD >rep.json 2>err &&
	valid_utf8 rep.json &&
	bootperf report --store "$PWD/s" --repo repo --format html \
		HEAD~3..HEAD >rep.html 2>err &&
	valid_utf8 rep.html && no_c0 rep.html &&
	grep -q "esc \\\\x1b\]0;title\\\\x07 bel" rep.html &&
	grep -q "caf$(printf "\303\251") latin1" rep.html
'

test_done
