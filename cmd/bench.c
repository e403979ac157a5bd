/* bootperf bench - the boot-benchmark core as a command. */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "reports.h"

static const struct option bench_options[] = {
    RUN_LONG_OPTIONS,
    COMMON_LONG_OPTIONS,
    {NULL, 0, NULL, 0},
};

/* Returns -1 to go on, or the exit status to stop with now. */
static int parse(int argc, char **argv, struct run_cli *cli)
{
	const struct cmd_parser p = {
	    .cmd = "bench", .options = bench_options, .run = cli};
	int r;

	run_cli_init(cli);
	r = cmd_parse_options(&p, argc, argv);
	if (r != -1)
		return r;
	if (optind < argc) {
		bp_error("bench takes no arguments, but got '%s'",
			 argv[optind]);
		return BP_EXIT_USAGE;
	}
	return run_cli_finish(cli) == -1 ? BP_EXIT_USAGE : -1;
}

int cmd_bench(int argc, char **argv)
{
	struct run_cli cli;
	struct bench_result res = {0};
	enum sample_status failed;
	int r = parse(argc, argv, &cli);

	if (r != -1)
		return r;
	runner_signals_init();
	r = runner_bench(cli.runner, &cli.run, &res, &failed);
	if (cli.json) {
		if (!res.env.runner)
			res.env.runner = bp_strdup(cli.runner->name);
		if (report_bench_json(stdout, &res) == -1) {
			bp_error("out of memory writing JSON");
			r = BP_EXIT_FAILURE;
		}
	} else if (res.n_samples > 0 || r == BP_EXIT_OK)
		report_bench_text(stdout, &res);
	bench_result_free(&res);
	return r; /* main() checks that standard output took it */
}
