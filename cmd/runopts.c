/* bootperf - the RUN OPTIONS shared by every subcommand that measures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bisect.h"
#include "cmd.h"

void run_cli_init(struct run_cli *cli)
{
	const struct run_options defaults = RUN_OPTIONS_INIT;

	memset(cli, 0, sizeof *cli);
	cli->run = defaults;
	cli->runner = &runner_guestfs;
	cli->run.progress = isatty(STDERR_FILENO);
}

static int parse_int(const char *opt, const char *arg, long min, long max,
		     int *out)
{
	long v;

	if (parse_count(opt, arg, min, max, &v) == -1)
		return -1;
	*out = (int)v;
	return 1;
}

static int parse_accel(const char *arg, enum accel *out)
{
	static const enum accel all[] = {ACCEL_AUTO, ACCEL_KVM, ACCEL_TCG};

	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (!strcmp(arg, accel_name(all[i]))) {
			*out = all[i];
			return 1;
		}
	bp_error("--accel: '%s' is not one of auto, kvm, tcg", arg);
	return -1;
}

static int parse_runner(struct run_cli *cli, const char *arg)
{
	cli->runner = runner_find(arg);
	if (!cli->runner) {
		bp_error("--runner: '%s' is not one of guestfs, command", arg);
		return -1;
	}
	return 1;
}

static int parse_counts(struct run_cli *cli, int c, const char *arg)
{
	struct run_options *o = &cli->run;

	switch (c) {
	case OPT_RUNS:
		return parse_count("--runs", arg, 1, 100000, &o->runs) ? -1 : 1;
	case OPT_WARMUP:
		return parse_count("--warmup", arg, 0, 100000, &o->warmup) ? -1
									   : 1;
	case OPT_SMP:
		return parse_int("--smp", arg, 1, 1024, &o->smp);
	case OPT_MEMSIZE:
		return parse_int("--memsize", arg, 128, 1024L * 1024,
				 &o->memsize);
	case OPT_TIMEOUT:
		return parse_seconds("--timeout", arg, &o->timeout_s) ? -1 : 1;
	case OPT_KVM_PROBE_TIMEOUT:
		return parse_seconds("--kvm-probe-timeout", arg,
				     &o->kvm_probe_timeout_s)
			   ? -1
			   : 1;
	}
	return 0;
}

int run_cli_parse(struct run_cli *cli, int c, const char *arg)
{
	struct run_options *o = &cli->run;

	switch (c) {
	case OPT_APPEND:
		o->append = arg;
		return 1;
	case OPT_ACCEL:
		return parse_accel(arg, &o->accel);
	case OPT_HV:
		o->hv = arg;
		return 1;
	case OPT_KERNEL:
		o->kernel = arg;
		return 1;
	case OPT_MODULES:
		o->modules = arg;
		return 1;
	case OPT_RUNNER:
		return parse_runner(cli, arg);
	case OPT_COMMAND:
		o->command = arg;
		return 1;
	case OPT_CACHE_DIR:
		o->cache_root = arg;
		return 1;
	case OPT_VERBOSE:
		o->verbose = true;
		return 1;
	case OPT_JSON:
		cli->json = 1;
		return 1;
	}
	return parse_counts(cli, c, arg);
}

/* The command runner boots no appliance: say which options it ignores,
 * in one line.
 */
static void warn_unused(const struct run_options *o)
{
	const char *name[] = {"--smp",	 "--memsize", "--append",
			      "--accel", "--kernel",  "--modules"};
	bool given[] = {o->smp != 0,	   o->memsize != 0,
			o->append != NULL, o->accel != ACCEL_AUTO,
			o->kernel != NULL, o->modules != NULL};
	char list[128] = "";
	size_t n = 0;

	for (size_t i = 0; i < sizeof name / sizeof name[0]; i++)
		if (given[i]) {
			size_t len = strlen(list);

			snprintf(list + len, sizeof list - len, "%s%s",
				 n++ ? ", " : "", name[i]);
		}
	if (n)
		bp_warning("--runner command boots no appliance: %s %s no "
			   "effect",
			   list, n > 1 ? "have" : "has");
}

/* Checks that need every option seen. */
int run_cli_finish(struct run_cli *cli)
{
	const struct run_options *o = &cli->run;

	if (o->command && cli->runner != &runner_command) {
		bp_error("--command needs --runner command");
		return -1;
	}
	if (o->modules && !o->kernel) {
		bp_error("--modules needs --kernel");
		return -1;
	}
	if (cli->runner == &runner_command)
		warn_unused(o);
	return 0;
}

int cmd_parse_fraction(const char *opt, const char *arg, double min, double max,
		       double *out)
{
	double v;

	if (!bp_parse_number(arg, &v) || !(v > min && v < max)) {
		bp_error("%s: '%s' is not a number above %g and below %g", opt,
			 arg, min, max);
		return -1;
	}
	*out = v;
	return 1;
}

static int parse_size(const char *opt, const char *arg, size_t *out)
{
	long v;

	if (parse_count(opt, arg, 1, 1000000, &v) == -1)
		return -1;
	*out = (size_t)v;
	return 1;
}

int cmd_walk_option(struct walk_options *w, int c, const char *arg)
{
	switch (c) {
	case OPT_FIRST_PARENT:
		w->first_parent = true;
		return 1;
	case OPT_MAX_COMMITS:
		return parse_size("--max-commits", arg, &w->max_commits);
	case OPT_EVERY:
		return parse_size("--every", arg, &w->every);
	}
	return 0;
}

int cmd_parse_percent(const char *opt, const char *arg, double *out)
{
	double v;

	if (!bp_parse_number(arg, &v) || !(v >= 0 && v < 1e6)) {
		bp_error("%s: '%s' is not a percentage of 0 or more (e.g. 1 "
			 "for 1%%)",
			 opt, arg);
		return -1;
	}
	*out = v;
	return 1;
}

int cmd_parse_test(const char *arg, enum stats_method *out)
{
	if (!strcmp(arg, "mann-whitney"))
		*out = STATS_MANN_WHITNEY;
	else if (!strcmp(arg, "welch"))
		*out = STATS_WELCH;
	else {
		bp_error("--test: '%s' is not one of mann-whitney, welch", arg);
		return -1;
	}
	return 1;
}

/* --help, --version and --long-options, common to every subcommand.
 * Returns an exit code, or -1 when c is none of them.
 */
int cmd_common_option(const char *cmd, int c, const struct option *opts)
{
	switch (c) {
	case OPT_HELP:
		help_print(stdout, cmd);
		return BP_EXIT_OK;
	case OPT_VERSION:
		printf("bootperf %s\n", BOOTPERF_VERSION);
		return BP_EXIT_OK;
	case OPT_LONG_OPTIONS:
		for (; opts->name; opts++)
			if (opts->val != OPT_LONG_OPTIONS)
				printf("--%s\n", opts->name);
		return BP_EXIT_OK;
	}
	return -1;
}

int cmd_parse_options(const struct cmd_parser *p, int argc, char **argv)
{
	int c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, p->shortopts ? p->shortopts : ":",
				p->options, NULL)) != -1) {
		if (c == '?' || c == ':')
			return cmd_bad_option(p, c, argv);
		r = cmd_common_option(p->cmd, c, p->options);
		if (r >= 0)
			return r;
		r = p->own ? p->own(p->cli, c, optarg) : 0;
		if (r == 0 && p->build)
			r = build_cli_parse(p->build, c, optarg);
		if (r == 0 && p->run)
			r = run_cli_parse(p->run, c, optarg);
		if (r == -1)
			return BP_EXIT_USAGE;
	}
	return -1;
}

bool cmd_color_default(void)
{
	const char *no_color = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && !(no_color && *no_color);
}

int cmd_walk_exit(void)
{
	switch (walk_last_error()) {
	case WALK_ERR_REPO:
	case WALK_ERR_DAMAGED:
		return BP_EXIT_REPO;
	case WALK_ERR_REVISION:
		return BP_EXIT_REVISION;
	case WALK_ERR_EMPTY:
		return BP_EXIT_EMPTY_RANGE;
	case WALK_ERR_REVERSED:
		return BP_EXIT_REVERSED;
	case WALK_ERR_RANGE_FORM:
		return BP_EXIT_RANGE_FORM;
	case WALK_ERR_FETCH:
		return BP_EXIT_FETCH;
	case WALK_ERR_FORMAT:
		return BP_EXIT_OBJECT_FORMAT;
	case WALK_ERR_NONE:
	case WALK_ERR_OTHER:
		break;
	}
	return BP_EXIT_FAILURE;
}

/* The long options arg ("--ru", "--ru=3") is a prefix of, as
 * "--runs, --runner"; how many.
 */
static size_t option_matches(const struct option *opts, const char *arg,
			     char *out, size_t len)
{
	size_t n = 0, name_len, have = 0;

	if (strncmp(arg, "--", 2) != 0)
		return 0;
	arg += 2;
	name_len = strcspn(arg, "=");
	out[0] = '\0';
	for (; opts->name; opts++) {
		int w;

		if (strncmp(opts->name, arg, name_len) != 0)
			continue;
		if (strlen(opts->name) == name_len)
			return 1; /* an exact name wins, as in getopt */
		w = snprintf(out + have, len - have, "%s--%s", n ? ", " : "",
			     opts->name);
		if (w > 0 && have + (size_t)w < len)
			have += (size_t)w;
		else
			out[have] = '\0'; /* no name cut short */
		n++;
	}
	return n;
}

int cmd_extra_operand(const char *cmd, const char *arg, const char *takes)
{
	bp_error("%s: unexpected argument '%s' (%s takes %s)", cmd, arg, cmd,
		 takes);
	return BP_EXIT_USAGE;
}

/* The short option getopt stopped at, when it was one: in a cluster
 * ("-rx") whose rest getopt has not passed yet, argv[optind] is still
 * the cluster, and argv[optind - 1] the word before it.
 */
static bool bad_short_option(char **argv)
{
	const char *cur = argv[optind], *prev = argv[optind - 1];

	if (optopt <= 0 || optopt > 255)
		return false;
	if (cur && cur[0] == '-' && cur[1] && cur[1] != '-' &&
	    strchr(cur + 1, optopt))
		return true;
	return prev[0] == '-' && prev[1] != '-';
}

/* After getopt_long returned '?' or ':' (optstring starts with ':'). */
int cmd_bad_option(const struct cmd_parser *p, int c, char **argv)
{
	char shortopt[3] = {'-', (char)optopt, '\0'};
	const char *arg = bad_short_option(argv) ? shortopt : argv[optind - 1];
	char matches[512];

	if (c == ':')
		bp_error("%s: option '%s' needs a value", p->cmd, arg);
	else if (option_matches(p->options, arg, matches, sizeof matches) > 1)
		bp_error("%s: option '%s' is ambiguous: %s", p->cmd, arg,
			 matches);
	else
		bp_error("%s: unknown option '%s' ('bootperf %s --help' lists "
			 "them)",
			 p->cmd, arg, p->cmd);
	return BP_EXIT_USAGE;
}
