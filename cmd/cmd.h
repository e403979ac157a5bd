/* bootperf - cmd/: one file per subcommand; the only place that ties
 * walking, building, measuring and storing together.
 */
#ifndef BOOTPERF_CMD_H
#define BOOTPERF_CMD_H

#include <getopt.h>
#include <stdio.h>

#include "common.h"
#include "runner.h"

enum {
	OPT_RUNS = 256,
	OPT_WARMUP,
	OPT_SMP,
	OPT_MEMSIZE,
	OPT_APPEND,
	OPT_ACCEL,
	OPT_TIMEOUT,
	OPT_KVM_PROBE_TIMEOUT,
	OPT_HV,
	OPT_KERNEL,
	OPT_MODULES,
	OPT_RUNNER,
	OPT_COMMAND,
	OPT_CACHE_DIR,
	OPT_VERBOSE,
	OPT_JSON,
	OPT_HELP,
	OPT_VERSION,
	OPT_LONG_OPTIONS,
	OPT_PRESET,
	OPT_BUILD,
	OPT_HV_ARTIFACT,
	OPT_KERNEL_ARTIFACT,
	OPT_BUILD_TIMEOUT,
	OPT_FIRST_PARENT,
	OPT_STORE,
	OPT_FORCE,
	OPT_MAX_COMMITS,
	OPT_EVERY,
	OPT_ALPHA,
	OPT_THRESHOLD,
	OPT_TEST,
	OPT_NO_COLOR,
	OPT_QEMU_ARG,
	OPT_INTERLEAVE,
};

/* The RUN OPTIONS every runner honours (man page, RUN OPTIONS). */
/* clang-format off */
#define RUN_LONG_OPTIONS                                                     \
	{ "runs", required_argument, NULL, OPT_RUNS },                       \
	{ "warmup", required_argument, NULL, OPT_WARMUP },                   \
	{ "smp", required_argument, NULL, OPT_SMP },                     \
	{ "memsize", required_argument, NULL, OPT_MEMSIZE },             \
	{ "append", required_argument, NULL, OPT_APPEND },               \
	{ "accel", required_argument, NULL, OPT_ACCEL },                 \
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },             \
	{ "kvm-probe-timeout", required_argument, NULL,                  \
	  OPT_KVM_PROBE_TIMEOUT },                                       \
	{ "hv", required_argument, NULL, OPT_HV },                       \
	{ "kernel", required_argument, NULL, OPT_KERNEL },               \
	{ "modules", required_argument, NULL, OPT_MODULES },             \
	{ "runner", required_argument, NULL, OPT_RUNNER },               \
	{ "command", required_argument, NULL, OPT_COMMAND },             \
	{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },         \
	{ "verbose", no_argument, NULL, OPT_VERBOSE },                   \
	{ "json", no_argument, NULL, OPT_JSON }

#define COMMON_LONG_OPTIONS                                                  \
	{ "help", no_argument, NULL, OPT_HELP },                             \
	{ "version", no_argument, NULL, OPT_VERSION },                   \
	{ "long-options", no_argument, NULL, OPT_LONG_OPTIONS }
/* clang-format on */

/* Parsed RUN OPTIONS plus what the runner table needs. */
struct run_cli {
	struct run_options run;
	const struct runner *runner;
	int json;
};

/* runopts.c */
void run_cli_init(struct run_cli *cli);
/* 1: c was a run option and is stored; 0: not a run option; -1: bad
 * value (message printed).
 */
int run_cli_parse(struct run_cli *cli, int c, const char *arg);
int run_cli_finish(struct run_cli *cli);
int cmd_common_option(const char *cmd, int c, const struct option *opts);
int cmd_usage_error(const char *cmd);
int cmd_bad_option(const char *cmd, int c, char **argv);

/* help.c (generated from docs/bootperf.pod) */
void help_print(FILE *fp, const char *cmd);

/* one per subcommand */
int cmd_bench(int argc, char **argv);
int cmd_range(int argc, char **argv);

#endif
