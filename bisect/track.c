/* bootperf - what `bootperf track` needs from git: fetch the followed
 * branch of a remote, and list its history oldest first from where
 * tracking started, surviving a rewritten (force-pushed) upstream.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <git2.h>

#include "bisect.h"

void walk_fetch_result_free(struct walk_fetch_result *r)
{
	free(r->branch);
	free(r->url);
	free(r->ref);
	memset(r, 0, sizeof *r);
}

/* A configured remote is a plain name; anything with a slash or a colon
 * is a URL or a path.
 */
static bool walk_is_url(const char *remote)
{
	return strchr(remote, '/') || strchr(remote, ':');
}

/* What git_remote_lookup and git_remote_create_anonymous would do, by
 * hand: libgit2 1.5 leaks PCRE2 match data in the regular expressions
 * it matches the configuration with (fixed upstream, libgit2#6382), so
 * the configuration is read without them.
 */

/* The longest url.<base>.insteadOf that url starts with, applied. */
static int walk_instead_of(char **url, git_config *cfg)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	size_t best = 0;
	char *rewritten = NULL;

	if (git_config_iterator_new(&it, cfg) < 0)
		return walk_git_fail(WALK_ERR_OTHER,
				     "cannot read the configuration");
	while (git_config_next(&e, it) == 0) {
		size_t len = strlen(e->name),
		       n = e->value ? strlen(e->value) : 0;

		if (len < 15 || strncmp(e->name, "url.", 4) != 0 ||
		    strcmp(e->name + len - 10, ".insteadof") != 0 ||
		    n <= best || strncmp(*url, e->value, n) != 0)
			continue;
		free(rewritten);
		rewritten = bp_asprintf("%.*s%s", (int)(len - 14), e->name + 4,
					*url + n);
		best = n;
	}
	git_config_iterator_free(it);
	if (rewritten) {
		free(*url);
		*url = rewritten;
	}
	return 0;
}

/* remote's URL: its remote.NAME.url, or itself when it is a URL. */
static int walk_remote_url(char **out, git_repository *git, const char *remote)
{
	git_config *cfg = NULL;
	git_buf buf = GIT_BUF_INIT;
	char *key = bp_asprintf("remote.%s.url", remote);
	int rc, err = -1;

	if (git_repository_config_snapshot(&cfg, git) < 0) {
		walk_git_fail(WALK_ERR_OTHER, "cannot read the configuration");
		goto out;
	}
	rc =
	    walk_is_url(remote) ? 0 : git_config_get_string_buf(&buf, cfg, key);
	if (rc == GIT_ENOTFOUND)
		walk_fail(WALK_ERR_REVISION,
			  "no remote '%s' in the repository (give --remote a "
			  "configured name or a URL)",
			  remote);
	else if (rc < 0)
		walk_git_fail(WALK_ERR_FETCH, "cannot use remote '%s'", remote);
	else {
		*out = bp_strdup(walk_is_url(remote) ? remote : buf.ptr);
		err = walk_instead_of(out, cfg);
	}
out:
	git_buf_dispose(&buf);
	git_config_free(cfg);
	free(key);
	return err;
}

static int walk_open_remote(git_remote **out, git_repository *git,
			    const char *remote)
{
	git_remote_create_options opts;
	char *url = NULL;
	int err = -1;

	git_remote_create_options_init(&opts,
				       GIT_REMOTE_CREATE_OPTIONS_VERSION);
	opts.repository = git;
	opts.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF |
		     GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	if (walk_remote_url(&url, git, remote) < 0)
		goto out;
	if (git_remote_create_with_opts(out, url, &opts) < 0)
		walk_git_fail(WALK_ERR_FETCH, "cannot use remote '%s'", remote);
	else
		err = 0;
out:
	free(url);
	return err;
}

/* Where the fetched tip is kept: git's own remote-tracking ref for a
 * configured remote (so `git log origin/main` agrees), a ref of
 * bootperf's own for a URL.
 */
static char *walk_local_ref(const char *remote, const char *branch)
{
	if (walk_is_url(remote))
		return bp_asprintf("refs/bootperf/track/%s", branch);
	return bp_asprintf("refs/remotes/%s/%s", remote, branch);
}

/* ssh remotes: the agent's keys, tried once (libgit2 asks again after
 * a refusal, which would loop).
 */
static int walk_credentials(git_credential **out, const char *url,
			    const char *user, unsigned int allowed,
			    void *payload)
{
	int *tried = payload;

	(void)url;
	if (*tried || !(allowed & GIT_CREDENTIAL_SSH_KEY))
		return GIT_PASSTHROUGH;
	*tried = 1;
	return git_credential_ssh_key_from_agent(out, user ? user : "git");
}

static const char *walk_short_branch(const char *ref)
{
	return strncmp(ref, "refs/heads/", 11) ? ref : ref + 11;
}

/* The directory a local URL names (a path, or file://PATH), else NULL:
 * "host:path" without a slash before the colon is ssh, as git says.
 */
static const char *walk_local_path(const char *url)
{
	const char *colon = strchr(url, ':'), *slash = strchr(url, '/');

	if (!strncmp(url, "file://", 7))
		return url + 7;
	if (strstr(url, "://") || (colon && (!slash || colon < slash)))
		return NULL;
	return url;
}

/* libgit2 says "unsupported URL protocol" for a path that does not
 * exist: say what is wrong instead.
 */
static int walk_check_path(const char *remote, const char *url)
{
	const char *path = walk_local_path(url);
	struct stat sb;

	if (!path || stat(path, &sb) == 0)
		return 0;
	if (!strcmp(remote, url))
		return walk_fail(WALK_ERR_REVISION,
				 "remote path '%s' does not exist (give "
				 "--remote a repository's path or URL)",
				 path);
	return walk_fail(WALK_ERR_REVISION,
			 "the path of remote '%s', '%s', does not exist",
			 remote, path);
}

/* The remote's branches, as "main, stable" (the first few), after a
 * connection; NULL when it lists none or cannot be asked.
 */
static char *walk_remote_branches(git_remote *r)
{
	const git_remote_head **heads;
	size_t n, shown = 0;
	char *list = NULL, *more;

	if (git_remote_ls(&heads, &n, r) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(heads[i]->name, "refs/heads/", 11) != 0)
			continue;
		if (shown++ == 8) {
			more = bp_asprintf("%s ...", list);
			free(list);
			return more;
		}
		more = list ? bp_asprintf("%s, %s", list, heads[i]->name + 11)
			    : bp_strdup(heads[i]->name + 11);
		free(list);
		list = more;
	}
	return list;
}

/* Whether the remote advertised refs/heads/branch; true when it cannot
 * be asked (the fetch itself then tells).
 */
static bool walk_remote_has(git_remote *r, const char *branch)
{
	const git_remote_head **heads;
	size_t n;

	if (git_remote_ls(&heads, &n, r) < 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (!strncmp(heads[i]->name, "refs/heads/", 11) &&
		    !strcmp(heads[i]->name + 11, branch))
			return true;
	return false;
}

/* The branch the remote's HEAD names: connect, list, disconnect. */
static int walk_default_branch(char **out, git_remote *r,
			       const git_remote_callbacks *cb,
			       const char *remote)
{
	git_buf buf = GIT_BUF_INIT;
	int err = -1;

	if (git_remote_connect(r, GIT_DIRECTION_FETCH, cb, NULL, NULL) < 0) {
		walk_git_fail(WALK_ERR_FETCH, "cannot fetch from '%s'", remote);
		goto out;
	}
	if (git_remote_default_branch(&buf, r) < 0) {
		char *list = walk_remote_branches(r);

		/* Most often a HEAD that names a branch it does not have. */
		walk_fail(WALK_ERR_REVISION,
			  "the HEAD of '%s' names no branch it has: choose "
			  "one with --branch%s%s%s",
			  remote, list ? " (its branches: " : "",
			  list ? list : "", list ? ")" : "");
		free(list);
		goto out;
	}
	*out = bp_strdup(walk_short_branch(buf.ptr));
	err = 0;
out:
	git_buf_dispose(&buf);
	git_remote_disconnect(r);
	return err;
}

static int walk_ref_tip(char tip[41], git_repository *git, const char *ref)
{
	git_oid oid;

	if (git_reference_name_to_id(&oid, git, ref) < 0)
		return -1;
	git_oid_tostr(tip, 41, &oid);
	return 0;
}

/* The remote has no out->branch: unknown (exit 17) unless an earlier
 * fetch has it, when it is gone (a failed fetch: the earlier tip is
 * tracked).
 */
static void walk_no_branch(git_remote *r, git_repository *git,
			   const char *remote,
			   const struct walk_fetch_result *out)
{
	char tip[41], *list;

	if (walk_ref_tip(tip, git, out->ref) == 0) {
		walk_fail(WALK_ERR_FETCH,
			  "remote '%s' no longer has branch '%s'", remote,
			  out->branch);
		return;
	}
	list = walk_remote_branches(r);
	walk_fail(WALK_ERR_REVISION, "remote '%s' has no branch '%s'%s%s%s",
		  remote, out->branch, list ? " (its branches: " : "",
		  list ? list : "", list ? ")" : "");
	free(list);
}

int walk_fetch(struct walk_fetch_result *out, struct walk_repo *repo,
	       const char *remote, const char *branch)
{
	git_repository *git = walk_repo_git(repo);
	git_fetch_options opts;
	git_remote *r = NULL;
	git_strarray specs = {NULL, 1};
	char *spec = NULL;
	int tried = 0, err = -1;

	memset(out, 0, sizeof *out);
	git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
	opts.callbacks.credentials = walk_credentials;
	opts.callbacks.payload = &tried;
	opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	if (walk_open_remote(&r, git, remote) < 0 ||
	    walk_check_path(remote, git_remote_url(r)) < 0)
		goto out;
	out->url = bp_strdup(git_remote_url(r));
	if (branch)
		out->branch = bp_strdup(branch);
	else if (walk_default_branch(&out->branch, r, &opts.callbacks, remote) <
		 0)
		goto out;
	out->ref = walk_local_ref(remote, out->branch);
	/* '+': a force-pushed branch replaces the old tip. */
	spec = bp_asprintf("+refs/heads/%s:%s", out->branch, out->ref);
	specs.strings = &spec;
	tried = 0;
	if (git_remote_fetch(r, &specs, &opts, "bootperf track") < 0) {
		walk_git_fail(WALK_ERR_FETCH, "cannot fetch '%s' from '%s'",
			      out->branch, remote);
		goto out;
	}
	if (!walk_remote_has(r, out->branch) ||
	    walk_ref_tip(out->tip, git, out->ref) < 0) {
		walk_no_branch(r, git, remote, out);
		goto out;
	}
	err = 0;
out:
	free(spec);
	git_remote_free(r);
	return err;
}

/* refs/remotes/R/HEAD -> refs/remotes/R/main -> "main". */
static char *walk_recorded_head(git_repository *git, const char *remote)
{
	char *head = bp_asprintf("refs/remotes/%s/HEAD", remote);
	char *prefix = bp_asprintf("refs/remotes/%s/", remote);
	git_reference *ref = NULL;
	char *branch = NULL;
	const char *target;

	if (git_reference_lookup(&ref, git, head) == 0 &&
	    git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC) {
		target = git_reference_symbolic_target(ref);
		if (!strncmp(target, prefix, strlen(prefix)))
			branch = bp_strdup(target + strlen(prefix));
	}
	git_reference_free(ref);
	free(head);
	free(prefix);
	return branch;
}

int walk_fetched_tip(struct walk_fetch_result *out, struct walk_repo *repo,
		     const char *remote, const char *branch)
{
	git_repository *git = walk_repo_git(repo);

	memset(out, 0, sizeof *out);
	out->branch = branch		    ? bp_strdup(branch)
		      : walk_is_url(remote) ? NULL
					    : walk_recorded_head(git, remote);
	if (!out->branch)
		return -1;
	out->ref = walk_local_ref(remote, out->branch);
	return walk_ref_tip(out->tip, git, out->ref);
}

/* --- the tracked history --- */

/* Where the history starts now: start itself while it is an ancestor
 * of tip, else their merge base (history rewritten below start), else
 * nothing (*found false: unrelated histories).
 */
static int walk_boundary(git_oid *out, bool *found, bool *rewritten,
			 git_repository *git, const git_oid *tip,
			 const char *start)
{
	git_object *obj = NULL;
	git_commit *c = NULL;
	int rc;

	*found = false;
	if (git_revparse_single(&obj, git, start) < 0 ||
	    git_object_peel((git_object **)&c, obj, GIT_OBJECT_COMMIT) < 0) {
		/* Gone from the repository: rewritten and collected. */
		git_object_free(obj);
		*rewritten = true;
		return 0;
	}
	git_object_free(obj);
	git_oid_cpy(out, git_commit_id(c));
	git_commit_free(c);
	if (git_oid_equal(out, tip)) {
		*found = true;
		return 0;
	}
	rc = git_graph_descendant_of(git, tip, out);
	if (rc < 0)
		return walk_git_fail(WALK_ERR_OTHER,
				     "cannot compare '%s' "
				     "with the tracked branch",
				     start);
	if (rc == 1) {
		*found = true;
		return 0;
	}
	*rewritten = true;
	rc = git_merge_base(out, git, tip, out);
	if (rc == 0)
		*found = true;
	else if (rc != GIT_ENOTFOUND)
		return walk_git_fail(WALK_ERR_OTHER,
				     "cannot find where the "
				     "tracked branch left '%s'",
				     start);
	return 0;
}

/* Newest first from tip, hiding the parents of boundary (when given),
 * at most max commits (0: all).
 */
static int walk_newest(struct walk_list *out, git_repository *git,
		       const git_oid *tip, const git_oid *boundary, size_t max,
		       bool first_parent)
{
	git_revwalk *rw = NULL;
	git_commit *b = NULL;
	git_oid oid;
	size_t cap = 0;
	int err = -1, rc = 0;

	if (git_revwalk_new(&rw, git) < 0 ||
	    git_revwalk_sorting(rw, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME) < 0 ||
	    (first_parent && git_revwalk_simplify_first_parent(rw) < 0) ||
	    git_revwalk_push(rw, tip) < 0 ||
	    (boundary && git_commit_lookup(&b, git, boundary) < 0)) {
		walk_git_fail(WALK_ERR_OTHER, "cannot start a revision walk");
		goto out;
	}
	for (unsigned i = 0; b && i < git_commit_parentcount(b); i++)
		if (git_revwalk_hide(rw, git_commit_parent_id(b, i)) < 0) {
			walk_git_fail(WALK_ERR_OTHER, "cannot start a walk");
			goto out;
		}
	while ((max == 0 || out->n < max) &&
	       (rc = git_revwalk_next(&oid, rw)) == 0)
		if (walk_add_oid(out, &cap, git, &oid) < 0)
			goto out;
	if (rc < 0 && rc != GIT_ITEROVER) {
		walk_git_fail(WALK_ERR_OTHER, "cannot walk the tracked branch");
		goto out;
	}
	err = 0;
out:
	git_commit_free(b);
	git_revwalk_free(rw);
	return err;
}

static void walk_reverse(struct walk_list *l)
{
	for (size_t i = 0; i < l->n / 2; i++) {
		struct walk_commit t = l->v[i];

		l->v[i] = l->v[l->n - 1 - i];
		l->v[l->n - 1 - i] = t;
	}
}

int walk_history(struct walk_list *out, struct walk_repo *repo, const char *tip,
		 const char *start, size_t depth, bool first_parent,
		 bool *rewritten)
{
	git_repository *git = walk_repo_git(repo);
	git_commit *t = NULL;
	git_oid tip_oid, boundary;
	bool found = false;
	int err = -1;

	memset(out, 0, sizeof *out);
	*rewritten = false;
	if (walk_lookup(&t, git, tip, NULL) < 0)
		goto out;
	git_oid_cpy(&tip_oid, git_commit_id(t));
	if (start && walk_boundary(&boundary, &found, rewritten, git, &tip_oid,
				   start) < 0)
		goto out;
	if (walk_newest(out, git, &tip_oid, found ? &boundary : NULL,
			found ? 0 : depth, first_parent) < 0)
		goto out;
	walk_reverse(out);
	walk_link_bases(out);
	err = 0;
out:
	if (err)
		walk_list_free(out);
	git_commit_free(t);
	return err;
}
