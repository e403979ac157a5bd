#!/usr/bin/perl
# Generate help.c from the man page source, so --help and bootperf(1)
# cannot drift apart.  help_text(NULL) is NAME + SYNOPSIS; help_text(CMD)
# is the "=head2 bootperf CMD" section plus every =head1 section it names
# with "=for bootperf-help include TITLE".
use strict;
use warnings;
use Pod::Text;

my $pod = do { local $/; <> };
my (%head1, %cmds, @cmd_order);

while ($pod =~ /^=head1 (.+?)\n(.*?)(?=^=head1 |^=cut|\z)/msg) {
    $head1{$1} = $2;
}
die "pod2help: no COMMANDS section\n" unless $head1{COMMANDS};
while ($head1{COMMANDS} =~ /^=head2 bootperf (\S+)\n(.*?)(?=^=head2 |\z)/msg) {
    $cmds{$1} = $2;
    push @cmd_order, $1;
}

sub render {
    my ($src) = @_;
    my $out = '';
    my $parser = Pod::Text->new(width => 78, indent => 4, sentence => 0,
                                errors => 'die',
                                utf8 => 1);
    $parser->output_string(\$out);
    $parser->parse_string_document("=encoding utf8\n\n$src\n\n=cut\n");
    return $out;
}

sub c_string {
    my ($text) = @_;
    my @lines = split /\n/, $text, -1;
    pop @lines if @lines && $lines[-1] eq '';
    return join("", map {
        (my $l = $_) =~ s/(["\\])/\\$1/g;
        $l =~ s/\t/\\t/g;
        "\t\"$l\\n\",\n";
    } @lines) . "\tNULL,\n";
}

print "/* Generated from docs/bootperf.pod by scripts/pod2help.pl. */\n";
print "#include <stdio.h>\n#include <string.h>\n\n#include \"cmd.h\"\n\n";
print "static const char *const help_main[] = {\n",
    c_string(render("=head1 NAME\n\n$head1{NAME}=head1 SYNOPSIS\n\n$head1{SYNOPSIS}")),
    "};\n\n";
for my $name (@cmd_order) {
    my $body = $cmds{$name};
    my $src = "=head1 bootperf $name\n\n$body";
    for my $inc ($body =~ /^=for bootperf-help include (.+?)\s*$/mg) {
        die "pod2help: bootperf $name includes unknown section '$inc'\n"
            unless defined $head1{$inc};
        $src .= "=head1 $inc\n\n$head1{$inc}";
    }
    (my $c = $name) =~ s/-/_/g;
    print "static const char *const help_$c\[\] = {\n", c_string(render($src)), "};\n\n";
}
print "/* Print the help of cmd, or the top-level help when cmd is NULL or\n";
print " * unknown.  Lines, not one string: C11 caps string literals at 4095.\n */\n";
print "void help_print(FILE *fp, const char *cmd)\n{\n";
print "\tstatic const struct {\n\t\tconst char *name;\n\t\tconst char *const *text;\n\t} all[] = {\n";
for my $name (@cmd_order) {
    (my $c = $name) =~ s/-/_/g;
    print "\t\t{ \"$name\", help_$c },\n";
}
print "\t};\n\tconst char *const *text = help_main;\n\n";
print "\tfor (size_t i = 0; cmd && i < sizeof all / sizeof all[0]; i++)\n";
print "\t\tif (!strcmp(all[i].name, cmd))\n\t\t\ttext = all[i].text;\n";
print "\tfor (; *text; text++)\n\t\tfputs(*text, fp);\n}\n";
