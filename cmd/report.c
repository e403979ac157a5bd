/* bootperf report - a report of stored results only: no build, no boot.
 * The history is a tracked branch as bootperf track last saw it, or a
 * RANGE of a repository; the output text, Markdown, JSON or one HTML
 * page.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bisect.h"
#include "cmd.h"
#include "reports.h"
#include "store.h"

enum report_format { FORMAT_TEXT, FORMAT_MD, FORMAT_JSON, FORMAT_HTML };

struct report_cli {
	const char *store_dir;
	const char *repo;
	const char *config;
	const char *output;
	const char *commit_url;
	const char *range;
	enum report_format format;
	bool first_parent;
	bool color;
	double alpha, threshold; /* NAN: the tracked ones, or the default */
};

/* clang-format off */
static const struct option report_options[] = {
	{ "store", required_argument, NULL, OPT_STORE },
	{ "repo", required_argument, NULL, OPT_REPO },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "first-parent", no_argument, NULL, OPT_FIRST_PARENT },
	{ "alpha", required_argument, NULL, OPT_ALPHA },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "commit-url", required_argument, NULL, OPT_COMMIT_URL },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	COMMON_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};
/* clang-format on */

static int parse_format(struct report_cli *cli, const char *arg)
{
	static const char *const names[] = {"text", "md", "json", "html"};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(arg, names[i])) {
			cli->format = (enum report_format)i;
			return 1;
		}
	bp_error("--format: '%s' is not one of text, md, json, html", arg);
	return -1;
}

static int report_option(void *arg_cli, int c, const char *arg)
{
	struct report_cli *cli = arg_cli;

	switch (c) {
	case OPT_STORE:
		cli->store_dir = arg;
		return 1;
	case OPT_REPO:
		cli->repo = arg;
		return 1;
	case OPT_CONFIG:
		cli->config = arg;
		return 1;
	case 'o':
	case OPT_OUTPUT:
		cli->output = arg;
		return 1;
	case OPT_FORMAT:
		return parse_format(cli, arg);
	case OPT_FIRST_PARENT:
		cli->first_parent = true;
		return 1;
	case OPT_NO_COLOR:
		cli->color = false;
		return 1;
	case OPT_COMMIT_URL:
		cli->commit_url = arg;
		return 1;
	case OPT_ALPHA:
		return cmd_history_alpha(arg, &cli->alpha);
	case OPT_THRESHOLD:
		return cmd_parse_percent("--threshold", arg, &cli->threshold);
	}
	return 0;
}

/* Returns -1 to go on, or the exit status to stop with now. */
static int parse(int argc, char **argv, struct report_cli *cli)
{
	const struct cmd_parser p = {.cmd = "report",
				     .options = report_options,
				     .shortopts = ":o:",
				     .own = report_option,
				     .cli = cli};
	int r;

	memset(cli, 0, sizeof *cli);
	cli->alpha = cli->threshold = NAN;
	cli->color = cmd_color_default();
	r = cmd_parse_options(&p, argc, argv);
	if (r != -1)
		return r;
	if (argc - optind > 1)
		return cmd_extra_operand("report", argv[optind + 1],
					 "at most one RANGE");
	cli->range = optind < argc ? argv[optind] : NULL;
	if (cli->output || cli->format != FORMAT_TEXT)
		cli->color = false;
	return -1;
}

/* Everything one report needs, owned here. */
struct report_run {
	struct report_cli *cli;
	struct walk_repo *repo;
	struct store *store;
	struct track_state state;
	bool have_state;
	char *repo_dir; /* the repository shown in the header */
	struct history h;
};

/* The store must exist already: a report never creates one. */
static int open_store(struct report_run *rr)
{
	const struct report_cli *cli = rr->cli;
	char *dflt = NULL;
	struct stat sb;
	int r = BP_EXIT_OK;

	if (!cli->store_dir) {
		if (walk_repo_open(&rr->repo, cli->repo ? cli->repo : ".") ==
		    -1)
			return cmd_walk_exit();
		dflt =
		    bp_asprintf("%s/bootperf", walk_repo_commondir(rr->repo));
	}
	if (stat(cli->store_dir ? cli->store_dir : dflt, &sb) == -1 ||
	    !S_ISDIR(sb.st_mode)) {
		bp_error("no results store at '%s' (see --store)",
			 cli->store_dir ? cli->store_dir : dflt);
		r = BP_EXIT_STORE;
	} else if (store_open_readonly(&rr->store, cli->store_dir
						       ? cli->store_dir
						       : dflt) == -1)
		r = BP_EXIT_STORE;
	free(dflt);
	return r;
}

/* A configuration named by a unique prefix. */
static int pick_prefix(char *out, char **ids, size_t n, const char *prefix)
{
	size_t hits = 0;

	for (size_t i = 0; i < n; i++)
		if (!strncmp(ids[i], prefix, strlen(prefix))) {
			snprintf(out, 41, "%s", ids[i]);
			hits++;
		}
	if (hits == 1)
		return BP_EXIT_OK;
	bp_error("--config '%s' %s", prefix,
		 hits ? "is ambiguous" : "names no configuration in the store");
	return BP_EXIT_USAGE;
}

/* Does text hold line (a whole line)? */
static bool has_line(const char *text, const char *line, size_t len)
{
	for (const char *p = text; p && *p;
	     p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, line, len) && (p[len] == '\n' || !p[len]))
			return true;
	return false;
}

/* Does text have a line starting with the first word of line? */
static bool has_key(const char *text, const char *line)
{
	size_t k = strcspn(line, " \n");

	for (const char *p = text; p && *p;
	     p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, line, k) && (p[k] == ' ' || p[k] == '\n'))
			return true;
	return false;
}

/* A line of a description as the option that sets it. */
static void put_setting(FILE *fp, const char *line, size_t len)
{
	size_t k = strcspn(line, " \n");
	const char *v = line + k + (k < len);
	int vlen = (int)(len - (size_t)(v - line));

	fputs(ftell(fp) ? ", " : "", fp);
	if (k == 10 && !strncmp(line, "interleave", k) && vlen == 1 &&
	    *v == '1')
		fputs("--interleave alternate", fp);
	else if (vlen <= 0)
		fprintf(fp, "no --%.*s", (int)k, line);
	else
		fprintf(fp,
			memchr(v, ' ', (size_t)vlen) ? "--%.*s '%.*s'"
						     : "--%.*s %.*s",
			(int)k, line, vlen, v);
}

/* Has a description before j (not i's) the key of line? */
static bool key_seen_before(char **desc, size_t i, size_t j, const char *line)
{
	for (size_t k = 0; k < j; k++)
		if (k != i && desc[k] && has_key(desc[k], line))
			return true;
	return false;
}

/* What sets config i apart: its lines the others do not all share, and
 * "no KEY" for what the others set and it does not.  The descriptions
 * are STORE/configs/ID.txt (NULL: a configuration measured by a bootperf
 * that did not write one).
 */
static char *config_difference(char **desc, size_t n, size_t i)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (!fp)
		abort();
	for (const char *p = desc[i]; p && *p;) {
		size_t l = strcspn(p, "\n");
		bool shared = true;

		for (size_t j = 0; j < n && shared; j++)
			shared = !desc[j] || has_line(desc[j], p, l);
		if (!shared)
			put_setting(fp, p, l);
		p += l + (p[l] == '\n');
	}
	for (size_t j = 0; j < n; j++)
		for (const char *p = desc[j]; desc[i] && p && *p;) {
			size_t l = strcspn(p, "\n");

			if (j != i && !has_key(desc[i], p) &&
			    !key_seen_before(desc, i, j, p))
				fprintf(fp, "%sno --%.*s",
					ftell(fp) ? ", " : "",
					(int)strcspn(p, " \n"), p);
			p += l + (p[l] == '\n');
		}
	fclose(fp);
	return buf;
}

/* Each configuration: its id, its commit count, what sets it apart. */
static void list_configs(struct report_run *rr, char **ids, size_t n)
{
	char **desc = calloc(n, sizeof *desc);

	if (!desc)
		abort();
	for (size_t i = 0; i < n; i++) {
		char *name = bp_asprintf("%s.txt", ids[i]), *path = NULL;

		if (store_read_text(rr->store, "configs", name, &desc[i],
				    &path) != 0)
			desc[i] = NULL;
		free(path);
		free(name);
	}
	for (size_t i = 0; i < n; i++) {
		char **commits = NULL, *diff = config_difference(desc, n, i);
		size_t count = 0;

		if (store_list(rr->store, ids[i], &commits, &count) == -1)
			count = 0;
		bp_note("  %.12s: %zu commit%s; %s", ids[i], count,
			count == 1 ? "" : "s",
			!desc[i] ? "settings not recorded (an older bootperf "
				   "measured it)"
			: *diff	 ? diff
				 : "the settings all share");
		for (size_t k = 0; k < count; k++)
			free(commits[k]);
		free(commits);
		free(diff);
	}
	for (size_t i = 0; i < n; i++)
		free(desc[i]);
	free(desc);
}

/* The newest track state, when RANGE is not given: its config. */
static int newest_state(struct report_run *rr, char *out)
{
	char **names = NULL;
	size_t n = 0;
	double newest = -1;

	if (store_list_dir(rr->store, "track", &names, &n) == -1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct track_state s;
		size_t len = strlen(names[i]);

		if (len != 45 || strcmp(names[i] + 40, ".json") != 0)
			continue;
		names[i][40] = '\0';
		if (store_get_track(rr->store, names[i], &s) == 0 &&
		    !(s.updated < newest)) {
			newest = s.updated;
			snprintf(out, 41, "%s", names[i]);
		}
		track_state_free(&s);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return newest >= 0 ? 0 : -1;
}

static int pick_config(struct report_run *rr, char *out)
{
	char **ids = NULL;
	size_t n = 0;
	int r = BP_EXIT_OK;

	if (store_list_dir(rr->store, "results", &ids, &n) == -1)
		return BP_EXIT_STORE;
	if (rr->cli->config)
		r = pick_prefix(out, ids, n, rr->cli->config);
	else if (!rr->cli->range && newest_state(rr, out) == 0)
		r = BP_EXIT_OK;
	else if (n == 1)
		snprintf(out, 41, "%s", ids[0]);
	else if (n == 0) {
		bp_error("no results in store '%s'", store_dir(rr->store));
		r = BP_EXIT_STORE;
	} else {
		bp_error("store '%s' has results of %zu configurations; "
			 "choose one with --config:",
			 store_dir(rr->store), n);
		list_configs(rr, ids, n);
		r = BP_EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return r;
}

static int load_history(struct report_run *rr)
{
	const struct report_cli *cli = rr->cli;
	struct walk_options wo = WALK_OPTIONS_INIT;
	struct walk_list list = {0};
	int r;

	r = store_get_track(rr->store, rr->h.r.config_id, &rr->state);
	if (r == -1)
		return BP_EXIT_STORE;
	rr->have_state = r == 0;
	if (!cli->range && !rr->have_state) {
		bp_error("nothing tracked in store '%s' for configuration "
			 "%.12s: give a RANGE",
			 store_dir(rr->store), rr->h.r.config_id);
		return BP_EXIT_USAGE;
	}
	if (!cli->range) {
		cmd_history_from_state(&rr->h, &rr->state);
		return BP_EXIT_OK;
	}
	if (!rr->repo &&
	    walk_repo_open(&rr->repo, cli->repo ? cli->repo : ".") == -1)
		return cmd_walk_exit();
	wo.first_parent = cli->first_parent;
	if (walk_range(&list, rr->repo, cli->range, &wo) == -1)
		return cmd_walk_exit();
	cmd_history_from_walk(&rr->h, &list);
	walk_list_free(&list);
	rr->repo_dir = walk_repo_workdir(rr->repo);
	if (rr->repo_dir && strlen(rr->repo_dir) > 1 &&
	    rr->repo_dir[strlen(rr->repo_dir) - 1] == '/')
		rr->repo_dir[strlen(rr->repo_dir) - 1] = '\0';
	return BP_EXIT_OK;
}

static void fill_meta(const struct report_run *rr, struct report_meta *m)
{
	const struct track_state *s = &rr->state;

	memset(m, 0, sizeof *m);
	m->commit_url = rr->cli->commit_url;
	if (rr->cli->range) {
		m->range = rr->cli->range;
		m->repo =
		    rr->repo_dir ? rr->repo_dir : walk_repo_commondir(rr->repo);
		return;
	}
	m->repo = s->repo;
	m->remote = s->remote;
	m->url = s->url;
	m->branch = s->branch;
	m->updated = s->updated;
	m->fetch_error = s->fetch_error;
}

static int write_report(const struct report_run *rr, FILE *fp)
{
	struct report_meta m;

	fill_meta(rr, &m);
	switch (rr->cli->format) {
	case FORMAT_TEXT:
		report_history_text(fp, &rr->h, &m, rr->cli->color);
		break;
	case FORMAT_MD:
		report_history_md(fp, &rr->h, &m);
		break;
	case FORMAT_JSON:
		if (report_history_json(fp, &rr->h, &m) == -1) {
			bp_error("out of memory writing JSON");
			return BP_EXIT_FAILURE;
		}
		break;
	case FORMAT_HTML:
		report_history_html(fp, &rr->h, &m);
		break;
	}
	return BP_EXIT_OK;
}

/* The report to fp, which is closed; what names it in a message. */
static int write_to(const struct report_run *rr, FILE *fp, const char *what)
{
	int r = write_report(rr, fp);

	if ((fp == stdout ? fflush(fp) : fclose(fp)) != 0 && r == BP_EXIT_OK) {
		bp_error("cannot write '%s': %s", what, strerror(errno));
		r = BP_EXIT_FAILURE;
	}
	return r;
}

/* A FIFO or a character device (a terminal, /dev/stdout): written as it
 * is, never replaced.
 */
static int output_direct(const struct report_run *rr, const char *path)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	FILE *fp;

	if (fd == -1 || !(fp = fdopen(fd, "w"))) {
		bp_error("cannot write '%s': %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return BP_EXIT_NOFILE;
	}
	return write_to(rr, fp, path);
}

/* A regular file, or a new one: written next to itself, then renamed
 * over it, so a reader (a web server publishing the page) never sees
 * half a report.  An existing file (old) keeps its mode, and its owner
 * when bootperf may give it.
 */
static int output_atomic(const struct report_run *rr, const char *path,
			 const struct stat *old)
{
	char *tmp = bp_asprintf("%s.tmp.%ld", path, (long)getpid());
	int fd, r = BP_EXIT_NOFILE;
	FILE *fp = NULL;

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		  old ? 0600 : 0666);
	if (fd == -1) {
		bp_error("cannot write '%s': %s", path, strerror(errno));
		free(tmp);
		return BP_EXIT_NOFILE;
	}
	if (old && (old->st_uid != geteuid() || old->st_gid != getegid()) &&
	    fchown(fd, old->st_uid, old->st_gid) == -1 && errno != EPERM)
		bp_error("cannot give '%s' the owner of '%s': %s", tmp, path,
			 strerror(errno));
	else if (old && fchmod(fd, old->st_mode & 07777) == -1)
		bp_error("cannot give '%s' the mode of '%s': %s", tmp, path,
			 strerror(errno));
	else if (!(fp = fdopen(fd, "w")))
		bp_error("cannot write '%s': %s", tmp, strerror(errno));
	if (!fp)
		close(fd);
	else if ((r = write_to(rr, fp, path)) == BP_EXIT_OK &&
		 rename(tmp, path) == -1) {
		bp_error("cannot write '%s': %s", path, strerror(errno));
		r = BP_EXIT_FAILURE;
	}
	if (r != BP_EXIT_OK)
		unlink(tmp);
	free(tmp);
	return r;
}

/* -o FILE, written the way a shell's '>' would write it, but atomically
 * where it can be: a symbolic link is followed (the rename goes over
 * its target, in the target's directory), a FIFO or character device
 * is written directly, and anything else is refused.
 */
static int output(const struct report_run *rr)
{
	const char *path = rr->cli->output;
	struct stat sb;
	char *target;
	bool exists;
	int r;

	if (!path)
		return write_to(rr, stdout, "standard output");
	if ((r = cmd_output_check("--output", path)) != BP_EXIT_OK)
		return r;
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return output_direct(rr, path);
	target = cmd_follow_links(path);
	if (!target) {
		bp_error("cannot write '%s': %s", path, strerror(errno));
		return BP_EXIT_NOFILE;
	}
	exists = stat(target, &sb) == 0 && S_ISREG(sb.st_mode);
	r = output_atomic(rr, target, exists ? &sb : NULL);
	free(target);
	return r;
}

/* --alpha and --threshold: as given, else (the tracked branch) as the
 * last track run had them, so that both see the same alert; else the
 * defaults.
 */
static double level(double given, const struct report_run *rr, double saved,
		    double dflt)
{
	if (!isnan(given))
		return given;
	return !rr->cli->range && rr->have_state && isfinite(saved) ? saved
								    : dflt;
}

static int report(struct report_run *rr)
{
	const struct report_cli *cli = rr->cli;
	int r = open_store(rr);

	if (r == BP_EXIT_OK)
		r = pick_config(rr, rr->h.r.config_id);
	if (r == BP_EXIT_OK)
		r = load_history(rr);
	if (r != BP_EXIT_OK)
		return r;
	cmd_history_levels(&rr->h, level(cli->alpha, rr, rr->state.alpha, 0.01),
			   level(cli->threshold, rr, rr->state.threshold, 1.0));
	cmd_history_load(&rr->h, rr->store);
	cmd_history_warn_samples(&rr->h);
	range_annotate(&rr->h.r);
	if (history_detect(&rr->h) == -1)
		return BP_EXIT_FAILURE;
	cmd_history_mark(&rr->h, rr->store, rr->have_state ? &rr->state : NULL,
			 0);
	return output(rr);
}

int cmd_report(int argc, char **argv)
{
	struct report_cli cli;
	struct report_run rr = {.cli = &cli};
	int r = parse(argc, argv, &cli);

	if (r != -1)
		return r;
	cmd_history_init(&rr.h, 0.01, 1.0); /* the levels are set by report() */
	r = report(&rr);
	history_free(&rr.h);
	track_state_free(&rr.state);
	store_close(rr.store);
	walk_repo_free(rr.repo);
	free(rr.repo_dir);
	return r;
}
