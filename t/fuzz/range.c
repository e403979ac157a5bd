/* Fuzz the range and option parsers: any string as a RANGE (with any
 * --first-parent, --every and --max-commits) on a small repository with
 * tags, branches and a merge, as GOOD and BAD of a bisection, and as the
 * value of every option that takes one.  Never a crash, a leak or a
 * hang; nothing is built or run.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bisect.h"
#include "cmd.h"

#define FUZZ_CORPUS "range"
#include "replay.h"

static struct walk_repo *repo;

static void setup(void)
{
	const char *base = fuzz_tmpdir("range");
	char *cmd;

	cmd = bp_asprintf(
	    "cd %s && git init -q r && cd r && "
	    "export GIT_AUTHOR_NAME=f GIT_AUTHOR_EMAIL=f@f "
	    "GIT_COMMITTER_NAME=f GIT_COMMITTER_EMAIL=f@f "
	    "GIT_AUTHOR_DATE=2020-01-01T00:00:00Z "
	    "GIT_COMMITTER_DATE=2020-01-01T00:00:00Z && "
	    "for i in 1 2 3 4; do git commit -q --allow-empty -m c$i; done && "
	    "git tag v1 HEAD~2 && git tag -a -m t v2 HEAD && "
	    "git checkout -q -b side HEAD~1 && "
	    "git commit -q --allow-empty -m s1 && git checkout -q - && "
	    "git merge -q --no-ff -m m side && git branch old v1",
	    base);
	if (system(cmd) != 0)
		abort();
	free(cmd);
	cmd = bp_asprintf("%s/r", base);
	if (walk_repo_open(&repo, cmd) == -1)
		abort();
	free(cmd);
	quiet_stderr();
}

static void walk(const char *range, uint8_t flags)
{
	struct walk_options o = {
	    .first_parent = flags & 1,
	    .every = (flags >> 1) & 7,
	    .max_commits = flags >> 4,
	};
	struct walk_list list;
	struct walk_graph g;
	const char *space = strchr(range, ' ');

	if (walk_range(&list, repo, range, &o) == 0)
		walk_list_free(&list);
	if (space) {
		char *good = strndup(range, (size_t)(space - range));

		if (good &&
		    walk_graph(&g, repo, good, space + 1, flags & 1) == 0)
			walk_graph_free(&g);
		free(good);
	}
}

/* The value parsers of every option that takes one. */
static void options(const char *arg)
{
	struct run_cli run;
	struct build_cli build;
	enum stats_method m;
	double d;
	long n;

	run_cli_init(&run);
	build_cli_init(&build);
	for (int c = OPT_RUNS; c <= OPT_IMPROVEMENT; c++) {
		run_cli_parse(&run, c, arg);
		build_cli_parse(&build, c, arg);
	}
	build_cli_free(&build);
	parse_count("--n", arg, 0, 1000, &n);
	parse_seconds("--s", arg, &d);
	cmd_parse_fraction("--f", arg, 0, 1, &d);
	cmd_parse_test(arg, &m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (!repo)
		setup();
	if (size == 0 || size > 4096)
		return 0;
	s = strndup((const char *)data + 1, size - 1);
	if (!s)
		return 0;
	walk(s, data[0]);
	options(s);
	free(s);
	return 0;
}
