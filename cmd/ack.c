/* bootperf ack - acknowledge a known change: a change point whose
 * commits include COMMIT no longer makes bootperf track exit 1.  The
 * acknowledgement is one file, STORE/acks/COMMIT, holding the note.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bisect.h"
#include "cmd.h"
#include "reports.h"
#include "store.h"

struct ack_cli {
	const char *store_dir;
	const char *repo;
	const char *note;
	const char *commit;
};

/* clang-format off */
static const struct option ack_options[] = {
	{ "note", required_argument, NULL, OPT_NOTE },
	{ "store", required_argument, NULL, OPT_STORE },
	{ "repo", required_argument, NULL, OPT_REPO },
	COMMON_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};
/* clang-format on */

static int ack_option(void *arg_cli, int c, const char *arg)
{
	struct ack_cli *cli = arg_cli;

	switch (c) {
	case OPT_NOTE:
		cli->note = arg;
		return 1;
	case OPT_STORE:
		cli->store_dir = arg;
		return 1;
	case OPT_REPO:
		cli->repo = arg;
		return 1;
	}
	return 0;
}

static int parse(int argc, char **argv, struct ack_cli *cli)
{
	const struct cmd_parser p = {.cmd = "ack",
				     .options = ack_options,
				     .own = ack_option,
				     .cli = cli};
	int r;

	memset(cli, 0, sizeof *cli);
	r = cmd_parse_options(&p, argc, argv);
	if (r != -1)
		return r;
	if (argc - optind > 1)
		return cmd_extra_operand("ack", argv[optind + 1], "one COMMIT");
	if (argc - optind != 1 || !cli->note || !*cli->note) {
		bp_error("ack needs COMMIT and --note TEXT, e.g. 'bootperf "
			 "ack 1a2b3c4 --note \"expected: new device model\"'");
		return BP_EXIT_USAGE;
	}
	cli->commit = argv[optind];
	return -1;
}

static bool hex_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 7 && n <= 40 && strspn(s, "0123456789abcdef") == n;
}

/* The commit's full id from the repository; without one (--store
 * elsewhere) a hex id is taken as it is.
 */
static int resolve(const struct ack_cli *cli, struct walk_repo *repo,
		   struct walk_commit *c)
{
	if (repo)
		return walk_resolve(c, repo, cli->commit) == 0
			   ? BP_EXIT_OK
			   : cmd_walk_exit();
	if (!hex_id(cli->commit)) {
		bp_error("cannot resolve '%s' without a repository (see "
			 "--repo): give its hex id",
			 cli->commit);
		return BP_EXIT_REVISION;
	}
	memset(c, 0, sizeof *c);
	snprintf(c->id, sizeof c->id, "%s", cli->commit);
	snprintf(c->short_id, sizeof c->short_id, "%.12s", cli->commit);
	return BP_EXIT_OK;
}

static int open_store(const struct ack_cli *cli, struct walk_repo *repo,
		      struct store **st)
{
	char *dir = cli->store_dir
			? bp_strdup(cli->store_dir)
			: bp_asprintf("%s/bootperf", walk_repo_commondir(repo));
	struct stat sb;
	int r = BP_EXIT_OK;

	if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		bp_error("no results store at '%s' (see --store)", dir);
		r = BP_EXIT_STORE;
	} else if (store_open(st, dir) == -1)
		r = BP_EXIT_STORE;
	free(dir);
	return r;
}

int cmd_ack(int argc, char **argv)
{
	struct ack_cli cli;
	struct walk_repo *repo = NULL;
	struct walk_commit c = {0};
	struct store *st = NULL;
	int r = parse(argc, argv, &cli);

	if (r != -1)
		return r;
	/* With --store and a hex id, no repository is needed; another
	 * COMMIT is looked up in the current directory's, if it has one.
	 */
	if (cli.store_dir && !cli.repo && !hex_id(cli.commit) &&
	    walk_repo_none(".")) {
		bp_error("cannot resolve '%s': not a commit id of 7 to 40 hex "
			 "digits, and '.' is not in a git repository (give "
			 "--repo DIR, or 7 or more hex digits of the id)",
			 cli.commit);
		r = BP_EXIT_REVISION;
		goto out;
	}
	if ((cli.repo || !cli.store_dir || !hex_id(cli.commit)) &&
	    walk_repo_open(&repo, cli.repo ? cli.repo : ".") == -1) {
		r = BP_EXIT_REPO;
		goto out;
	}
	r = resolve(&cli, repo, &c);
	if (r == BP_EXIT_OK)
		r = open_store(&cli, repo, &st);
	if (r == BP_EXIT_OK && store_add_ack(st, c.id, cli.note) == -1)
		r = BP_EXIT_STORE;
	if (r == BP_EXIT_OK) {
		printf("acknowledged %s%s", c.short_id, c.subject ? " " : "");
		bp_put_printable(stdout, c.subject ? c.subject : "");
		fputs(": ", stdout);
		bp_put_printable(stdout, cli.note);
		putchar('\n');
	}
out:
	walk_commit_clear(&c);
	store_close(st);
	walk_repo_free(repo);
	return r;
}
