/* bootperf - what a commit changes, as far as a build can tell.
 *
 * A culprit that is a merge, that changes no file, or that changes only
 * files no build reads (documentation, tests, CI configuration) is
 * suspect: the change its boots show came from elsewhere (the machine,
 * the noise, a merged commit), unless the boot itself reads those files.
 * bisect says so beside the culprit.  The rule for paths is
 * walk_path_class's, below; it is the man page's (bisect, CULPRIT).
 */
#include <string.h>

#include <git2.h>

#include "bisect.h"

/* Whether one path component, or a whole basename, names documentation. */
static bool docs_dir(const char *c, size_t n)
{
	static const char *const dirs[] = {"doc", "docs", "Documentation",
					   "man"};

	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
		if (strlen(dirs[i]) == n && !strncmp(c, dirs[i], n))
			return true;
	return false;
}

/* Tests at the top of the tree (QEMU's tests/, git's t/) and Linux's
 * selftests, which are user-space programs.  A tests directory deeper
 * down is not one: Linux's KUnit suites (drivers/.../tests/, lib/tests/)
 * are built into the kernel and run at boot when configured.
 */
static bool tests_path(const char *path)
{
	static const char *const top[] = {"test/",	"tests/",
					  "testing/",	"t/",
					  "testsuite/", "tools/testing/"};

	for (size_t i = 0; i < sizeof top / sizeof *top; i++)
		if (!strncmp(path, top[i], strlen(top[i])))
			return true;
	return false;
}

static bool has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static bool has_suffix(const char *s, const char *x)
{
	size_t n = strlen(s), m = strlen(x);

	return n >= m && !strcmp(s + n - m, x);
}

static bool docs_file(const char *base)
{
	static const char *const names[] = {
	    "README",	   "COPYING",	"LICENSE", "LICENCE",
	    "MAINTAINERS", "CREDITS",	"AUTHORS", "NEWS",
	    "ChangeLog",   "CHANGELOG", "HACKING", "CONTRIBUTING"};
	static const char *const exts[] = {".md", ".rst", ".adoc", ".texi",
					   ".pod"};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (has_prefix(base, names[i]))
			return true;
	for (size_t i = 0; i < sizeof exts / sizeof *exts; i++)
		if (has_suffix(base, exts[i]))
			return true;
	return false;
}

/* Files and directories at the top of a tree that only CI services and
 * editors read.
 */
static bool ci_path(const char *path)
{
	static const char *const top[] = {
	    ".gitlab-ci.yml",  ".gitlab-ci.d/", ".github/",   ".travis.yml",
	    ".cirrus.yml",     ".circleci/",	".gitignore", ".mailmap",
	    ".editorconfig",   ".patchew.yml",	".b4-config", ".clang-format",
	    ".checkpatch.conf"};

	for (size_t i = 0; i < sizeof top / sizeof *top; i++)
		if (has_suffix(top[i], "/") ? has_prefix(path, top[i])
					    : !strcmp(path, top[i]))
			return true;
	return has_suffix(path, "/.gitignore") || !strcmp(path, ".gitignore");
}

enum walk_path_class walk_path_class(const char *path)
{
	const char *base = strrchr(path, '/');
	const char *c = path;

	base = base ? base + 1 : path;
	if (ci_path(path))
		return WALK_PATH_CI;
	if (tests_path(path))
		return WALK_PATH_TESTS;
	/* A directory of documentation anywhere above the file. */
	for (const char *slash; (slash = strchr(c, '/')); c = slash + 1)
		if (docs_dir(c, (size_t)(slash - c)))
			return WALK_PATH_DOCS;
	if (docs_file(base))
		return WALK_PATH_DOCS;
	return WALK_PATH_BUILD;
}

const char *walk_change_kind_name(enum walk_change_kind k)
{
	switch (k) {
	case WALK_CHANGES_MERGE:
		return "merge";
	case WALK_CHANGES_NOTHING:
		return "empty";
	case WALK_CHANGES_NO_BUILD:
		return "docs-tests-ci";
	case WALK_CHANGES_CODE:
		break;
	}
	return "code";
}

int walk_changes(struct walk_changes *out, struct walk_repo *repo,
		 const char *id)
{
	git_repository *git = walk_repo_git(repo);
	git_oid oid;
	git_commit *c = NULL, *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	git_diff *diff = NULL;
	int r = -1;

	memset(out, 0, sizeof *out);
	if (git_oid_fromstr(&oid, id) < 0 ||
	    git_commit_lookup(&c, git, &oid) < 0)
		goto out;
	if (git_commit_parentcount(c) > 1) {
		out->kind = WALK_CHANGES_MERGE;
		r = 0;
		goto out;
	}
	/* A root commit against the empty tree. */
	if ((git_commit_parentcount(c) == 1 &&
	     (git_commit_parent(&parent, c, 0) < 0 ||
	      git_commit_tree(&ptree, parent) < 0)) ||
	    git_commit_tree(&tree, c) < 0 ||
	    git_diff_tree_to_tree(&diff, git, ptree, tree, NULL) < 0)
		goto out;
	out->files = git_diff_num_deltas(diff);
	for (size_t i = 0; i < out->files; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path[2] = {d->old_file.path, d->new_file.path};

		/* Without rename detection a delta is one path (an added,
		 * changed or removed file); a type change has both.
		 */
		for (int k = 0; k < 2; k++) {
			if (!path[k] ||
			    (k == 1 && path[0] && !strcmp(path[0], path[1])))
				continue;
			out->by_class[walk_path_class(path[k])]++;
		}
	}
	out->kind = out->files == 0 ? WALK_CHANGES_NOTHING
		    : out->by_class[WALK_PATH_BUILD] > 0
			? WALK_CHANGES_CODE
			: WALK_CHANGES_NO_BUILD;
	r = 0;
out:
	git_diff_free(diff);
	git_tree_free(ptree);
	git_tree_free(tree);
	git_commit_free(parent);
	git_commit_free(c);
	return r;
}
