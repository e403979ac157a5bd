/* bootperf - the build worktree: one linked worktree bootperf owns.
 *
 * libgit2 1.5 adds a worktree only on a branch (it creates one named
 * after the worktree when given none), never detached.  So a throw-away
 * branch is made at the target commit, the worktree added on it, its HEAD
 * detached, and the branch deleted again: the user's branches end as they
 * began.  Later checkouts touch only the worktree's own HEAD and index
 * (they live in <commondir>/worktrees/<name>), never the user's.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "bisect.h"

/* Absolute form of path, whose parent must exist (path itself need not). */
static char *walk_abspath(const char *path)
{
	char *dir = bp_strdup(path);
	char *base = bp_strdup(path);
	char *real = realpath(dirname(dir), NULL);
	char *abs = NULL;

	if (real)
		abs = bp_asprintf("%s/%s", strcmp(real, "/") ? real : "",
				  basename(base));
	else
		walk_fail(WALK_ERR_OTHER, "cannot resolve '%s': %s", path,
			  strerror(errno));
	free(real);
	free(dir);
	free(base);
	return abs;
}

static bool walk_same_path(const char *wt_path, const char *abs)
{
	char *real = realpath(wt_path, NULL);
	bool same = strcmp(real ? real : wt_path, abs) == 0;

	free(real);
	return same;
}

/* The registered worktree of git at abs: 1 and *out, or 0, or -1. */
static int walk_worktree_find(git_worktree **out, git_repository *git,
			      const char *abs)
{
	git_strarray names = {NULL, 0};
	git_worktree *wt = NULL;
	size_t i;
	int found = -1;

	*out = NULL;
	if (git_worktree_list(&names, git) < 0) {
		walk_git_fail(WALK_ERR_OTHER, "cannot list worktrees");
		goto out;
	}
	for (found = 0, i = 0; !found && i < names.count; i++) {
		if (git_worktree_lookup(&wt, git, names.strings[i]) < 0)
			continue;
		found = walk_same_path(git_worktree_path(wt), abs);
		if (found)
			*out = wt;
		else
			git_worktree_free(wt);
		wt = NULL;
	}
out:
	git_strarray_dispose(&names);
	return found;
}

/* Registered and still on disk with its .git link: reuse it. */
static bool walk_worktree_usable(const git_worktree *wt, const char *abs)
{
	char *link = bp_asprintf("%s/.git", abs);
	bool usable = git_worktree_validate(wt) == 0 && access(link, F_OK) == 0;

	free(link);
	return usable;
}

/* Forget a registered worktree whose directory is gone or broken.  A
 * locked one is left alone: git's lock means "on a disk not mounted now".
 */
static int walk_worktree_prune(git_worktree *wt)
{
	git_worktree_prune_options opts = GIT_WORKTREE_PRUNE_OPTIONS_INIT;

	opts.flags = GIT_WORKTREE_PRUNE_VALID;
	if (git_worktree_is_locked(NULL, wt) > 0)
		return walk_fail(WALK_ERR_OTHER,
				 "worktree '%s' at '%s' is broken but locked "
				 "(git worktree unlock %s)",
				 git_worktree_name(wt), git_worktree_path(wt),
				 git_worktree_name(wt));
	if (git_worktree_prune(wt, &opts) < 0)
		return walk_git_fail(WALK_ERR_OTHER,
				     "cannot prune worktree '%s'",
				     git_worktree_name(wt));
	return 0;
}

/* A .git file: a linked worktree, maybe of a repository gone since. */
static bool walk_has_git_link(const char *abs)
{
	char *link = bp_asprintf("%s/.git", abs);
	struct stat st;
	bool file = lstat(link, &st) == 0 && S_ISREG(st.st_mode);

	free(link);
	return file;
}

/* abs must not exist for git_worktree_add; an empty directory is taken. */
static int walk_clear_dir(const char *abs)
{
	struct stat st;

	if (lstat(abs, &st) < 0 && errno == ENOENT)
		return 0;
	if (S_ISDIR(st.st_mode) && rmdir(abs) == 0)
		return 0;
	if (S_ISDIR(st.st_mode) && walk_has_git_link(abs))
		return walk_fail(WALK_ERR_OTHER,
				 "'%s' exists and is not a worktree of this "
				 "repository, but of another (this one made "
				 "or cloned again?): remove it, or give "
				 "another store",
				 abs);
	return walk_fail(WALK_ERR_OTHER,
			 "'%s' exists and is not a worktree of this "
			 "repository",
			 abs);
}

/* "bootperf", or "bootperf-N" when that is taken in <commondir>/worktrees
 * (also by leftovers git_worktree_list would not show).
 */
static char *walk_worktree_name(const char *commondir)
{
	struct stat st;
	int i;

	for (i = 1; i < 1000; i++) {
		char *name = i == 1 ? bp_strdup("bootperf")
				    : bp_asprintf("bootperf-%d", i);
		char *dir = bp_asprintf("%s/worktrees/%s", commondir, name);
		bool taken = lstat(dir, &st) == 0;

		free(dir);
		if (!taken)
			return name;
		free(name);
	}
	walk_fail(WALK_ERR_OTHER, "no free worktree name in '%s/worktrees'",
		  commondir);
	return NULL;
}

/* bootperf-tmp-PID of a process that is gone: a run killed between
 * making its worktree's branch and deleting it.
 */
static bool walk_stale_temp_branch(const char *name)
{
	const char *prefix = "bootperf-tmp-";
	char *end;
	long pid;

	if (strncmp(name, prefix, strlen(prefix)) != 0)
		return false;
	errno = 0;
	pid = strtol(name + strlen(prefix), &end, 10);
	return !errno && *end == '\0' && pid > 0 && pid != (long)getpid() &&
	       kill((pid_t)pid, 0) == -1 && errno == ESRCH;
}

/* The user's repository must not keep what a killed run left. */
static void walk_prune_temp_branches(git_repository *git)
{
	git_branch_iterator *it = NULL;
	git_reference *ref;
	git_branch_t type;

	if (git_branch_iterator_new(&it, git, GIT_BRANCH_LOCAL) < 0)
		return;
	while (git_branch_next(&ref, &type, it) == 0) {
		const char *name = NULL;

		/* git_reference_delete, not git_branch_delete: it has no
		 * config to drop, and libgit2 1.5's regex there leaks.
		 */
		if (git_branch_name(&name, ref) == 0 &&
		    walk_stale_temp_branch(name))
			git_reference_delete(ref);
		git_reference_free(ref);
	}
	git_branch_iterator_free(it);
}

/* The throw-away branch git_worktree_add needs, at commit c. */
static int walk_temp_branch(git_reference **out, git_repository *git,
			    const git_commit *c)
{
	char name[64];

	walk_prune_temp_branches(git);
	snprintf(name, sizeof name, "bootperf-tmp-%ld", (long)getpid());
	if (git_branch_create(out, git, name, c, 0) < 0)
		return walk_git_fail(WALK_ERR_OTHER,
				     "cannot create temporary branch '%s'",
				     name);
	return 0;
}

static int walk_detach(git_worktree *wt, const git_oid *id)
{
	git_repository *wtgit = NULL;
	int err = -1;

	if (git_repository_open_from_worktree(&wtgit, wt) < 0 ||
	    git_repository_set_head_detached(wtgit, id) < 0) {
		walk_git_fail(WALK_ERR_OTHER, "cannot detach worktree '%s'",
			      git_worktree_path(wt));
		goto out;
	}
	err = 0;
out:
	git_repository_free(wtgit);
	return err;
}

static int walk_worktree_add(struct walk_repo *repo, const char *abs,
			     const git_commit *c)
{
	git_worktree_add_options opts;
	git_repository *git = walk_repo_git(repo);
	git_reference *branch = NULL;
	git_worktree *wt = NULL;
	char *name = NULL;
	int err = -1;

	/* The _INIT macros leave fields out: -Wmissing-field-initializers. */
	git_worktree_add_options_init(&opts, GIT_WORKTREE_ADD_OPTIONS_VERSION);
	name = walk_worktree_name(walk_repo_commondir(repo));
	if (!name || walk_temp_branch(&branch, git, c) < 0)
		goto out;
	opts.ref = branch;
	opts.checkout_options.checkout_strategy = GIT_CHECKOUT_FORCE;
	if (git_worktree_add(&wt, git, name, abs, &opts) < 0) {
		walk_git_fail(WALK_ERR_OTHER, "cannot create worktree '%s'",
			      abs);
		goto out;
	}
	err = walk_detach(wt, git_commit_id(c));
out:
	if (branch && git_reference_delete(branch) < 0 && !err)
		err = walk_git_fail(WALK_ERR_OTHER,
				    "cannot delete temporary branch '%s'",
				    git_reference_name(branch));
	git_reference_free(branch);
	git_worktree_free(wt);
	free(name);
	return err;
}

/* Make abs a usable worktree of repo, at c when it has to be created. */
static int walk_worktree_ensure(struct walk_repo *repo, const char *abs,
				const git_commit *c)
{
	git_worktree *wt = NULL;
	int err = -1, found;

	found = walk_worktree_find(&wt, walk_repo_git(repo), abs);
	if (found < 0)
		goto out;
	if (found && walk_worktree_usable(wt, abs)) {
		err = 0;
		goto out;
	}
	if (found && walk_worktree_prune(wt) < 0)
		goto out;
	if (walk_clear_dir(abs) < 0)
		goto out;
	err = walk_worktree_add(repo, abs, c);
out:
	git_worktree_free(wt);
	return err;
}

/* Open abs exactly (no search upwards: a missing .git link inside the
 * user's .git must not find the user's repository) and make sure it is a
 * linked worktree sharing commondir.
 */
static int walk_worktree_open(git_repository **out, const char *abs,
			      const char *commondir)
{
	git_repository *wtgit = NULL;
	char *common = NULL;
	int err = -1;

	*out = NULL;
	if (git_repository_open_ext(&wtgit, abs, GIT_REPOSITORY_OPEN_NO_SEARCH,
				    NULL) < 0) {
		walk_git_fail(WALK_ERR_OTHER, "cannot open worktree '%s'", abs);
		goto out;
	}
	common = realpath(git_repository_commondir(wtgit), NULL);
	if (!git_repository_is_worktree(wtgit) || !common ||
	    !walk_same_path(commondir, common)) {
		walk_fail(WALK_ERR_OTHER, "'%s' is not a worktree of '%s'", abs,
			  commondir);
		goto out;
	}
	*out = wtgit;
	wtgit = NULL;
	err = 0;
out:
	free(common);
	git_repository_free(wtgit);
	return err;
}

/* Force index and tracked files to id, leave untracked ones, detach. */
static int walk_worktree_switch(git_repository *wtgit, const git_oid *id,
				const char *abs)
{
	git_checkout_options co;
	git_commit *c = NULL;
	int err = -1;

	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_FORCE;
	if (git_commit_lookup(&c, wtgit, id) < 0 ||
	    git_checkout_tree(wtgit, (const git_object *)c, &co) < 0 ||
	    git_repository_set_head_detached(wtgit, id) < 0) {
		walk_git_fail(WALK_ERR_OTHER, "cannot check out %s in '%s'",
			      git_oid_tostr_s(id), abs);
		goto out;
	}
	err = 0;
out:
	git_commit_free(c);
	return err;
}

int walk_worktree_checkout(struct walk_repo *repo, const char *path,
			   const char *commit_id)
{
	git_repository *wtgit = NULL;
	git_commit *c = NULL;
	char *abs = NULL;
	int err = -1;

	if (walk_lookup(&c, walk_repo_git(repo), commit_id, NULL) < 0)
		goto out;
	abs = walk_abspath(path);
	if (!abs || walk_worktree_ensure(repo, abs, c) < 0)
		goto out;
	if (walk_worktree_open(&wtgit, abs, walk_repo_commondir(repo)) < 0)
		goto out;
	err = walk_worktree_switch(wtgit, git_commit_id(c), abs);
out:
	git_repository_free(wtgit);
	git_commit_free(c);
	free(abs);
	return err;
}
