/* bootperf - opening a repository, resolving revisions, libgit2 errors.
 *
 * Every libgit2 failure in bisect/ goes through walk_fail or
 * walk_git_fail, so the user sees one "bootperf: error:" line and cmd/
 * can ask walk_last_error() which exit status fits.
 */
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <git2.h>

#include "bisect.h"

struct walk_repo {
	git_repository *git;
	char *commondir; /* no trailing slash */
};

static enum walk_error last_error;
static char last_message[768 + 512 + 4];

enum walk_error walk_last_error(void)
{
	return last_error;
}

const char *walk_last_message(void)
{
	return last_message;
}

static void walk_vfail(enum walk_error kind, const char *detail,
		       const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
static void walk_vfail(enum walk_error kind, const char *detail,
		       const char *fmt, va_list ap)
{
	char msg[768];

	/* False positive: clang-tidy 14 loses va_start state in
	 * every file after the first of a run (llvm-project#40656).
	 */
	// NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
	vsnprintf(msg, sizeof msg, fmt, ap);
	last_error = kind;
	if (detail)
		snprintf(last_message, sizeof last_message, "%s: %s", msg,
			 detail);
	else
		snprintf(last_message, sizeof last_message, "%s", msg);
	bp_error("%s", last_message);
}

int walk_fail(enum walk_error kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	walk_vfail(kind, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int walk_git_fail(enum walk_error kind, const char *fmt, ...)
{
	const git_error *e = git_error_last();
	char detail[512];
	va_list ap;

	snprintf(detail, sizeof detail, "%s",
		 e && e->message ? e->message : "unknown libgit2 error");
	/* A missing object in a repository that is not shallow: damage. */
	if (e && e->klass == GIT_ERROR_ODB && kind == WALK_ERR_OTHER) {
		kind = WALK_ERR_DAMAGED;
		snprintf(detail, sizeof detail,
			 "%s; the repository is damaged (try git fsck)",
			 e->message ? e->message : "object not found");
	}
	va_start(ap, fmt);
	walk_vfail(kind, detail, fmt, ap);
	va_end(ap);
	return -1;
}

static char *walk_strip_slash(const char *dir)
{
	char *s = bp_strdup(dir);
	size_t len = strlen(s);

	while (len > 1 && s[len - 1] == '/')
		s[--len] = '\0';
	return s;
}

/* libgit2 1.5 refuses extensions.objectformat (SHA-256 repositories)
 * as an unknown extension.
 */
static bool walk_is_object_format_error(void)
{
	const git_error *e = git_error_last();

	return e && e->message &&
	       strcasestr(e->message, "extensions.objectformat");
}

static int walk_open_git(git_repository **out, const char *path)
{
	int rc = git_repository_open_ext(out, path, 0, NULL);

	if (rc == GIT_ENOTFOUND)
		return walk_fail(WALK_ERR_REPO, "'%s' is not a git repository",
				 path);
	if (rc < 0 && walk_is_object_format_error())
		return walk_fail(WALK_ERR_FORMAT,
				 "'%s' uses an object format bootperf cannot "
				 "read (extensions.objectformat, such as "
				 "sha256): benchmark a sha1 clone of the "
				 "project instead",
				 path);
	if (rc < 0)
		return walk_git_fail(WALK_ERR_REPO,
				     "cannot open repository '%s'", path);
	return 0;
}

int walk_repo_open(struct walk_repo **out, const char *path)
{
	struct walk_repo *repo = NULL;
	int err = -1;

	*out = NULL;
	if (git_libgit2_init() < 0)
		return walk_git_fail(WALK_ERR_OTHER,
				     "cannot initialise libgit2");
	repo = bp_malloc(sizeof *repo);
	if (walk_open_git(&repo->git, path) < 0)
		goto out;
	repo->commondir = walk_strip_slash(git_repository_commondir(repo->git));
	*out = repo;
	repo = NULL;
	err = 0;
out:
	if (repo) {
		free(repo);
		git_libgit2_shutdown();
	}
	return err;
}

bool walk_repo_none(const char *path)
{
	git_repository *git = NULL;
	int rc;

	if (git_libgit2_init() < 0)
		return false;
	rc = git_repository_open_ext(&git, path, 0, NULL);
	git_repository_free(git);
	git_libgit2_shutdown();
	return rc == GIT_ENOTFOUND;
}

void walk_repo_free(struct walk_repo *repo)
{
	if (!repo)
		return;
	git_repository_free(repo->git);
	free(repo->commondir);
	free(repo);
	git_libgit2_shutdown();
}

const char *walk_repo_commondir(struct walk_repo *repo)
{
	return repo->commondir;
}

char *walk_repo_workdir(struct walk_repo *repo)
{
	const char *dir = git_repository_workdir(repo->git);

	return dir ? bp_strdup(dir) : NULL;
}

git_repository *walk_repo_git(struct walk_repo *repo)
{
	return repo->git;
}

void walk_commit_clear(struct walk_commit *c)
{
	free(c->subject);
	c->subject = NULL;
}

/* s converted from the commit's encoding header to UTF-8, as git log
 * shows it; NULL when there is no header, it says UTF-8, or iconv does
 * not know it or fails (the bytes are then kept, and every output shows
 * what is not UTF-8 in its own way).
 */
static char *walk_to_utf8(const char *s, const char *encoding)
{
	size_t in_left = strlen(s), out_left = in_left * 4 + 1;
	char *out = NULL, *in = (char *)(uintptr_t)s, *to;
	iconv_t cd;

	if (!encoding || !strcasecmp(encoding, "utf-8") ||
	    !strcasecmp(encoding, "utf8"))
		return NULL;
	cd = iconv_open("UTF-8", encoding);
	if (cd == (iconv_t)-1)
		return NULL;
	out = bp_malloc(out_left);
	to = out;
	if (iconv(cd, &in, &in_left, &to, &out_left) == (size_t)-1 ||
	    out_left == 0) {
		free(out);
		out = NULL;
	} else
		*to = '\0';
	iconv_close(cd);
	return out;
}

int walk_commit_fill(struct walk_commit *out, git_commit *c)
{
	git_buf buf = GIT_BUF_INIT;
	const char *subject = git_commit_summary(c);

	memset(out, 0, sizeof *out);
	git_oid_tostr(out->id, sizeof out->id, git_commit_id(c));
	if (git_object_short_id(&buf, (const git_object *)c) < 0)
		return walk_git_fail(WALK_ERR_OTHER, "cannot abbreviate %s",
				     out->id);
	/* More than 12 digits only in a giant repository: 12 still
	 * identify the commit for a human reader.
	 */
	snprintf(out->short_id, sizeof out->short_id, "%s", buf.ptr);
	git_buf_dispose(&buf);
	out->subject = walk_to_utf8(subject ? subject : "",
				    git_commit_message_encoding(c));
	if (!out->subject)
		out->subject = bp_strdup(subject ? subject : "");
	out->n_parents = git_commit_parentcount(c);
	if (out->n_parents > 0)
		git_oid_tostr(out->parent, sizeof out->parent,
			      git_commit_parent_id(c, 0));
	return 0;
}

/* Why rev did not resolve, in words a user can act on. */
static int walk_rev_fail(git_repository *git, int rc, const char *rev,
			 const char *range)
{
	const char *what = rc == GIT_EAMBIGUOUS ? "ambiguous" : "unknown";
	const char *hint = "";
	bool missing =
	    git_error_last() && git_error_last()->klass == GIT_ERROR_ODB;
	enum walk_error kind = WALK_ERR_REVISION;

	if (rc != GIT_ENOTFOUND && rc != GIT_EINVALIDSPEC &&
	    rc != GIT_EAMBIGUOUS)
		return walk_git_fail(WALK_ERR_OTHER,
				     "cannot resolve revision '%s'", rev);
	if (rc == GIT_ENOTFOUND && git_repository_is_shallow(git) == 1)
		hint = " (shallow repository: it may lie past the boundary)";
	else if (rc == GIT_ENOTFOUND && missing) {
		hint = " (an object it needs is missing: the repository is "
		       "damaged, try git fsck)";
		kind = WALK_ERR_DAMAGED;
	}
	if (range)
		return walk_fail(kind, "%s revision '%s' in range '%s'%s", what,
				 rev, range, hint);
	return walk_fail(kind, "%s revision '%s'%s", what, rev, hint);
}

/* git_revparse_single, with git's "@" alone for HEAD ("@", "@~2",
 * "@^"), which libgit2 1.5 does not know; "@{...}" is left to it.
 */
int walk_revparse(git_object **out, git_repository *git, const char *rev)
{
	char *head;
	int rc;

	if (rev[0] != '@' || (rev[1] && rev[1] != '~' && rev[1] != '^'))
		return git_revparse_single(out, git, rev);
	head = bp_asprintf("HEAD%s", rev + 1);
	rc = git_revparse_single(out, git, head);
	free(head);
	return rc;
}

int walk_lookup(git_commit **out, git_repository *git, const char *rev,
		const char *range)
{
	git_object *obj = NULL;
	git_object *peeled = NULL;
	int err = -1, rc;

	*out = NULL;
	rc = walk_revparse(&obj, git, rev);
	if (rc < 0) {
		walk_rev_fail(git, rc, rev, range);
		goto out;
	}
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
		walk_fail(WALK_ERR_REVISION, "revision '%s' is not a commit",
			  rev);
		goto out;
	}
	*out = (git_commit *)peeled;
	err = 0;
out:
	git_object_free(obj);
	return err;
}

int walk_resolve(struct walk_commit *out, struct walk_repo *repo,
		 const char *rev)
{
	git_commit *c = NULL;
	int err = -1;

	memset(out, 0, sizeof *out);
	if (walk_lookup(&c, repo->git, rev, NULL) < 0)
		goto out;
	err = walk_commit_fill(out, c);
out:
	git_commit_free(c);
	return err;
}

/* The blob id of s, or of the file at path when that is not NULL. */
static int hash_blob(char out[41], const char *s, const char *path)
{
	git_oid oid;
	int err = -1, r;

	if (git_libgit2_init() < 0)
		return walk_git_fail(WALK_ERR_OTHER,
				     "cannot initialise libgit2");
	r = path ? git_odb_hashfile(&oid, path, GIT_OBJECT_BLOB)
		 : git_odb_hash(&oid, s, strlen(s), GIT_OBJECT_BLOB);
	if (r < 0) {
		if (path)
			walk_git_fail(WALK_ERR_OTHER, "cannot hash '%s'", path);
		else
			walk_git_fail(WALK_ERR_OTHER,
				      "cannot hash configuration");
		goto out;
	}
	git_oid_tostr(out, 41, &oid);
	err = 0;
out:
	git_libgit2_shutdown();
	return err;
}

int walk_hash_string(char out[41], const char *s)
{
	return hash_blob(out, s, NULL);
}

int walk_hash_file(char out[41], const char *path)
{
	return hash_blob(out, "", path);
}
