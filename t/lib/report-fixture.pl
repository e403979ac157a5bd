#!/usr/bin/perl
# report-fixture.pl STORE CONFIG: write stored results for the report
# tests, with fixed samples and a fixed environment, so that reports are
# the same on every machine.  Standard input: one "COMMIT STATUS
# SAMPLES" line per commit, SAMPLES comma-separated milliseconds or "-".
use strict;
use warnings;
use JSON::PP;
use File::Path qw(make_path);

my ($store, $config) = @ARGV;
die "usage: report-fixture.pl STORE CONFIG\n" unless $config;
make_path("$store/results/$config", "$store/logs");
my $json = JSON::PP->new->canonical->pretty;
while (my $line = <STDIN>) {
	my ($commit, $status, $samples) = split ' ', $line;
	my @ms = $samples eq '-' ? () : split /,/, $samples;
	my $ok = $status eq 'ok';
	my $result = {
		type => 'bootperf-commit-result', format => 1,
		written_by => 'bootperf test fixture',
		commit_id => $commit, subject => undef, config_id => $config,
		status => $status, build_s => 1.5, log_path => undef,
		message => $ok ? undef : 'build exited with status 1',
		measured_at => 1577836800,
		bench => {
			format => 1, status => 'ok',
			message => undef, started => '2020-01-01T00:00:00Z',
			elapsed_s => 1,
			environment => {
				bootperf_version => '0.1.0', runner => 'command',
				host_name => 'fixture', host_version => 'Linux',
				host_cpu => 'cpu', libguestfs_version => undef,
				backend => undef, accel => 'none', hv => undef,
				hv_version => undef, kernel => undef,
				kernel_version => undef, modules => undef,
				append => undef, command => 'sleep',
				cachedir => undef, smp => 0, memsize => 0,
				timeout_s => 600,
			},
			harness => { maxrss_kb => 1000 },
			warmup_ms => [], samples_ms => [map { $_ + 0 } @ms],
			statistics => { n => scalar @ms },
		},
	};
	open my $f, '>', "$store/results/$config/$commit.json" or die "$!";
	print $f $json->encode($result);
	close $f or die "$!";
}
