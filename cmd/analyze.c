/* bootperf analyze - the paper's boot-analysis: where the boot time
 * goes, stage by stage, from every console line timed as it arrives.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "reports.h"

#define ANALYZE_DEFAULT_RUNS 5

struct analyze_cli {
	struct run_cli run;
	long quiet_runs; /* -1: as many as --runs */
	const char *svg;
	const char *record;
	const char *replay;
	bool color;
	bool list_stages;
	const char *boot_option; /* the first option given that boots */
};

/* clang-format off */
static const struct option analyze_options[] = {
	RUN_LONG_OPTIONS,
	{ "quiet-runs", required_argument, NULL, OPT_QUIET_RUNS },
	{ "svg", required_argument, NULL, OPT_SVG },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "list-stages", no_argument, NULL, OPT_LIST_STAGES },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	COMMON_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};
/* What only booting uses: --replay refuses them. */
static const struct option boot_options[] = {
	RUN_LONG_OPTIONS,
	{ "quiet-runs", required_argument, NULL, OPT_QUIET_RUNS },
	{ NULL, 0, NULL, 0 },
};
/* clang-format on */

/* The name of c if only booting uses it, or NULL (--json is output). */
static const char *boot_option(int c)
{
	for (const struct option *o = boot_options; o->name; o++)
		if (o->val == c && c != OPT_JSON)
			return o->name;
	return NULL;
}

static int own_option(void *arg_cli, int c, const char *arg)
{
	struct analyze_cli *cli = arg_cli;

	if (!cli->boot_option)
		cli->boot_option = boot_option(c);
	switch (c) {
	case OPT_QUIET_RUNS:
		return parse_count("--quiet-runs", arg, 0, 100000,
				   &cli->quiet_runs)
			   ? -1
			   : 1;
	case OPT_SVG:
		cli->svg = arg;
		return 1;
	case OPT_RECORD:
		cli->record = arg;
		return 1;
	case OPT_REPLAY:
		cli->replay = arg;
		return 1;
	case OPT_LIST_STAGES:
		cli->list_stages = true;
		return 1;
	case OPT_NO_COLOR:
		cli->color = false;
		return 1;
	}
	return 0;
}

static void analyze_cli_init(struct analyze_cli *cli)
{
	memset(cli, 0, sizeof *cli);
	run_cli_init(&cli->run);
	cli->run.run.runs = ANALYZE_DEFAULT_RUNS;
	cli->quiet_runs = -1;
	cli->color = cmd_color_default();
}

static int check(struct analyze_cli *cli)
{
	if (cli->replay && cli->boot_option) {
		bp_error("--%s has no effect with --replay, which analyzes the "
			 "recorded passes: drop it",
			 cli->boot_option);
		return -1;
	}
	if (run_cli_finish(&cli->run) == -1)
		return -1;
	if (cli->run.runner != &runner_guestfs) {
		bp_error("analyze boots the appliance; it cannot go with "
			 "--runner %s",
			 cli->run.runner->name);
		return -1;
	}
	if (cli->quiet_runs < 0)
		cli->quiet_runs = cli->run.run.runs;
	if (cli->run.json)
		cli->run.run.progress = false;
	return 0;
}

/* Returns -1 to go on, or the exit status to stop with now. */
static int parse(int argc, char **argv, struct analyze_cli *cli)
{
	const struct cmd_parser p = {.cmd = "analyze",
				     .options = analyze_options,
				     .own = own_option,
				     .cli = cli,
				     .run = &cli->run};
	int r;

	analyze_cli_init(cli);
	r = cmd_parse_options(&p, argc, argv);
	if (r != -1)
		return r;
	if (optind < argc) {
		bp_error("analyze takes no arguments, but got '%s'",
			 argv[optind]);
		return BP_EXIT_USAGE;
	}
	return check(cli) == -1 ? BP_EXIT_USAGE : -1;
}

/* The stage table as the matcher sees it (also in bootperf(1)). */
static void list_stages(void)
{
	printf("%-22s %-8s %-22s %s\n", "STAGE", "KIND", "WITHIN",
	       "BEGIN -> END");
	for (size_t k = 0; k < stage_table_len; k++) {
		const struct stage_def *d = &stage_table[k];

		printf("%-22s %-8s %-22s %s:'%s' -> %s:'%s'\n", d->name,
		       stage_kind_name(d->kind), d->within ? d->within : "-",
		       event_source_name(d->begin_source), d->begin,
		       event_source_name(d->end_source), d->end);
	}
}

/* A pass of the recording, as a sample: a pass cut short (no "end",
 * the boot failed or bootperf was stopped) ends with its last event.
 */
static int replay_pass(struct analysis *a, const char *path, size_t p)
{
	const struct boot_events *ev = &a->passes[p];

	if (ev->n == 0) {
		bp_error("--replay '%s': pass %zu holds no events", path,
			 p + 1);
		return BP_EXIT_NOFILE;
	}
	if (isnan(ev->total_ms))
		bp_warning("--replay '%s': pass %zu has no end mark (cut "
			   "short): it ends with its last event, at %.1fms",
			   path, p + 1, ev->v[ev->n - 1].ms);
	if (bench_result_push(&a->verbose.sample_ms, &a->verbose.n_samples,
			      boot_events_total(ev)) == -1) {
		bp_error("out of memory");
		return BP_EXIT_FAILURE;
	}
	return BP_EXIT_OK;
}

/* --replay: the passes of a recording, analyzed again. */
static int replay(struct analysis *a, const char *path)
{
	FILE *fp = fopen(path, "r");
	size_t bad = 0;
	int r;

	memset(a, 0, sizeof *a);
	a->replayed = path;
	if (!fp) {
		bp_error("cannot open --replay '%s': %s", path,
			 strerror(errno));
		return BP_EXIT_NOFILE;
	}
	r = boot_events_read_passes(fp, &a->passes, &a->n_passes,
				    &a->quiet.sample_ms, &a->quiet.n_samples,
				    &bad);
	fclose(fp);
	if (r == -1 || a->n_passes == 0) {
		if (r == -1)
			bp_error("--replay '%s': line %zu is not an event",
				 path, bad);
		else
			bp_error("--replay '%s' holds no events", path);
		return BP_EXIT_NOFILE;
	}
	for (size_t p = 0; p < a->n_passes; p++)
		if ((r = replay_pass(a, path, p)) != BP_EXIT_OK)
			return r;
	stats_summarize(&a->verbose.summary, a->verbose.sample_ms,
			a->verbose.n_samples);
	if (a->quiet.n_samples)
		stats_summarize(&a->quiet.summary, a->quiet.sample_ms,
				a->quiet.n_samples);
	stages_summarize(&a->stages, a->passes, a->n_passes, stage_table,
			 stage_table_len);
	return BP_EXIT_OK;
}

static int write_file(const char *opt, const char *path,
		      const struct analysis *a)
{
	FILE *fp = fopen(path, "w");
	int r;

	if (!fp) {
		bp_error("cannot write %s '%s': %s", opt, path,
			 strerror(errno));
		return BP_EXIT_NOFILE;
	}
	if (!strcmp(opt, "--svg"))
		r = report_stages_svg(fp, &a->stages);
	else
		r = boot_events_write_passes(fp, a->passes, a->n_passes,
					     a->quiet.sample_ms,
					     a->quiet.n_samples);
	if (fclose(fp) != 0 || r == -1) {
		bp_error("cannot write %s '%s'", opt, path);
		return BP_EXIT_FAILURE;
	}
	return BP_EXIT_OK;
}

static int output(const struct analyze_cli *cli, const struct analysis *a)
{
	int r = BP_EXIT_OK;

	if (cli->record && a->n_passes)
		r = write_file("--record", cli->record, a);
	if (r == BP_EXIT_OK && cli->svg && a->n_passes)
		r = write_file("--svg", cli->svg, a);
	if (cli->run.json) {
		if (report_analysis_json(stdout, a) == -1) {
			bp_error("out of memory writing JSON");
			r = BP_EXIT_FAILURE;
		}
	} else
		report_analysis_text(stdout, a, cli->color);
	return r; /* main() checks that standard output took it */
}

int cmd_analyze(int argc, char **argv)
{
	struct analyze_cli cli;
	struct analysis a;
	int r = parse(argc, argv, &cli), w;

	if (r != -1)
		return r;
	if (cli.list_stages) {
		list_stages();
		return BP_EXIT_OK;
	}
	/* Before the first boot, not after minutes of them. */
	if (cli.record && (r = cmd_output_check("--record", cli.record)))
		return r;
	if (cli.svg && (r = cmd_output_check("--svg", cli.svg)))
		return r;
	runner_signals_init();
	if (cli.replay)
		r = replay(&a, cli.replay);
	else
		r = analysis_measure(&a, &cli.run.run, cli.quiet_runs,
				     cli.run.run.progress);
	/* A boot that failed half-way still shows the passes before it; a
	 * recording that cannot be read shows nothing.
	 */
	if (cli.replay ? r == BP_EXIT_OK : a.n_passes > 0 || cli.run.json) {
		w = output(&cli, &a);
		if (r == BP_EXIT_OK)
			r = w;
	}
	analysis_free(&a);
	return r;
}
