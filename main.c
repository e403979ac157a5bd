/* bootperf - subcommand dispatch. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

/* clang-format off */
static const struct command commands[] = {
    {"bench", cmd_bench},
    {"range", cmd_range},
    {"build", cmd_build},
    {"bisect", cmd_bisect},
    {"bisect-run", cmd_bisect_run},
    {"analyze", cmd_analyze},
    {"track", cmd_track},
    {"ack", cmd_ack},
    {"report", cmd_report},
};
/* clang-format on */

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int top_level(int argc, char **argv)
{
	const char *arg = argv[1];

	if (argc > 2 && (!strcmp(arg, "--help") || !strcmp(arg, "-h") ||
			 !strcmp(arg, "--version") || !strcmp(arg, "-V") ||
			 !strcmp(arg, "--list-commands"))) {
		bp_error("unexpected argument '%s' (%s takes none)", argv[2],
			 arg);
		return BP_EXIT_USAGE;
	}
	if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
		help_print(stdout, NULL);
		return BP_EXIT_OK;
	}
	if (!strcmp(arg, "--version") || !strcmp(arg, "-V")) {
		printf("bootperf %s\n", BOOTPERF_VERSION);
		return BP_EXIT_OK;
	}
	if (!strcmp(arg, "--list-commands")) {
		for (size_t i = 0; i < sizeof commands / sizeof commands[0];
		     i++)
			printf("%s\n", commands[i].name);
		return BP_EXIT_OK;
	}
	bp_error("unknown option '%s' ('bootperf --help' lists them)", arg);
	return BP_EXIT_USAGE;
}

/* bootperf help [COMMAND]: what --help and COMMAND --help print. */
static int help_command(int argc, char **argv)
{
	if (argc == 2) {
		help_print(stdout, NULL);
		return BP_EXIT_OK;
	}
	if (argc > 3) {
		bp_error("help takes one COMMAND, e.g. 'bootperf help range'");
		return BP_EXIT_USAGE;
	}
	if (!find_command(argv[2])) {
		bp_error("unknown command '%s' ('bootperf --help' lists them)",
			 argv[2]);
		return BP_EXIT_USAGE;
	}
	help_print(stdout, argv[2]);
	return BP_EXIT_OK;
}

/* Output that did not reach standard output (a full disk, a closed
 * file) makes a failure of a run that would exit 0, never a silent
 * success.  Not for bisect-run, whose exit status is git bisect's
 * verdict on the commit; track's I/O errors have their own status.
 */
static int check_stdout(const char *name, int r)
{
	int e = fflush(stdout) == EOF ? errno : 0;

	if (r != BP_EXIT_OK || !strcmp(name, "bisect-run") ||
	    (!e && !ferror(stdout)))
		return r;
	bp_error("cannot write to standard output: %s",
		 e ? strerror(e) : "write error");
	return strcmp(name, "track") ? BP_EXIT_FAILURE : BP_EXIT_TRACK_FAILURE;
}

int main(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2) {
		bp_error(
		    "no command given ('bootperf --help' lists the commands)");
		return BP_EXIT_USAGE;
	}
	if (argv[1][0] == '-')
		return check_stdout(argv[1], top_level(argc, argv));
	if (!strcmp(argv[1], "help"))
		return check_stdout("help", help_command(argc, argv));
	cmd = find_command(argv[1]);
	if (!cmd) {
		bp_error("unknown command '%s' ('bootperf --help' lists them)",
			 argv[1]);
		return BP_EXIT_USAGE;
	}
	return check_stdout(cmd->name, cmd->run(argc - 1, argv + 1));
}
