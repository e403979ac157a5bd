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

/* The first line of file path, without its newline ("" when empty), or
 * NULL when it cannot be read.
 */
static char *walk_read_line(const char *path)
{
	FILE *fp = fopen(path, "re");
	char buf[4096];
	char *line = NULL;

	if (!fp)
		return NULL;
	if (!fgets(buf, sizeof buf, fp))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!ferror(fp))
		line = bp_strdup(buf);
	fclose(fp);
	return line;
}

/* A .git link that is empty or not "gitdir: ...": a creation that failed
 * (a full disk) or was killed while writing it.  It links to nothing, so
 * it is removed, and the directory with it when nothing else is there.
 */
static int walk_clear_broken_link(const char *abs, const char *link)
{
	if (unlink(link) < 0)
		return walk_fail(WALK_ERR_OTHER, "cannot remove '%s': %s", link,
				 strerror(errno));
	bp_warning("removed '%s', left by a worktree creation that failed",
		   link);
	if (rmdir(abs) == 0)
		return 0;
	return walk_fail(WALK_ERR_OTHER,
			 "'%s' holds what a failed worktree creation left: "
			 "remove it (rm -r '%s'), bootperf makes it again",
			 abs, abs);
}

/* Why the worktree at abs, whose .git links to gitdir, is not this
 * store's: another repository's, a copy of another worktree of this one
 * (a store copied with cp -a), or one git has pruned.
 */
static int walk_foreign_worktree(const char *abs, const char *gitdir,
				 const char *commondir)
{
	char *back = bp_asprintf("%s/gitdir", gitdir);
	char *prefix = bp_asprintf("%s/worktrees/", commondir);
	char *owner = walk_read_line(back);
	char *dot = bp_asprintf("%s/.git", abs);

	if (strncmp(gitdir, prefix, strlen(prefix)) != 0)
		walk_fail(WALK_ERR_OTHER,
			  "'%s' is a worktree of another repository ('%s'; "
			  "this one made or cloned again?): remove it, or "
			  "give another store",
			  abs, gitdir);
	else if (owner && *owner && strcmp(owner, dot) != 0)
		walk_fail(WALK_ERR_OTHER,
			  "'%s' is a copy of the worktree '%.*s' of another "
			  "store (copied with cp -a?): remove it (rm -r "
			  "'%s'), bootperf makes this store its own",
			  abs, (int)(strlen(owner) - 5), owner, abs);
	else
		walk_fail(WALK_ERR_OTHER,
			  "'%s' is a worktree this repository no longer "
			  "knows (pruned?): remove it (rm -r '%s'), bootperf "
			  "makes it again",
			  abs, abs);
	free(dot);
	free(owner);
	free(prefix);
	free(back);
	return -1;
}

/* abs must not exist for git_worktree_add; an empty directory is taken,
 * and so is one holding only a broken .git link.
 */
static int walk_clear_dir(const char *abs, const char *commondir)
{
	char *link = bp_asprintf("%s/.git", abs);
	char *line = NULL;
	struct stat st;
	int err = -1;

	if (lstat(abs, &st) < 0) {
		if (errno == ENOENT)
			err = 0;
		else
			walk_fail(WALK_ERR_OTHER, "cannot read '%s': %s", abs,
				  strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode) && rmdir(abs) == 0) {
		err = 0;
		goto out;
	}
	if (!S_ISDIR(st.st_mode) || !walk_has_git_link(abs)) {
		walk_fail(WALK_ERR_OTHER,
			  "'%s' exists and is not a worktree of this "
			  "repository",
			  abs);
		goto out;
	}
	line = walk_read_line(link);
	if (line && strncmp(line, "gitdir: ", 8) != 0)
		err = walk_clear_broken_link(abs, link);
	else
		err = walk_foreign_worktree(abs, line ? line + 8 : "?",
					    commondir);
out:
	free(line);
	free(link);
	return err;
}

/* "bootperf", or "bootperf-N" when that is taken in <commondir>/worktrees
 * (also by leftovers git_worktree_list would not show), from the *next-th
 * name on; *next is set past the name returned.
 */
static char *walk_worktree_name(const char *commondir, int *next)
{
	struct stat st;
	int i;

	for (i = *next; i < 1000; i++) {
		char *name = i == 1 ? bp_strdup("bootperf")
				    : bp_asprintf("bootperf-%d", i);
		char *dir = bp_asprintf("%s/worktrees/%s", commondir, name);
		bool taken = lstat(dir, &st) == 0;

		free(dir);
		*next = i + 1;
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

/* libgit2 makes <commondir>/worktrees only when it sees none, and fails
 * when another store on this repository made it in between.
 */
static int walk_worktrees_dir(const char *commondir)
{
	char *dir = bp_asprintf("%s/worktrees", commondir);
	int err = 0;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		err =
		    walk_fail(WALK_ERR_OTHER, "cannot make directory '%s': %s",
			      dir, strerror(errno));
	free(dir);
	return err;
}

/* Did git_worktree_add fail because <commondir>/worktrees/<name> was
 * made since walk_worktree_name found it free (another store on the same
 * repository, taking the same name)?  Nothing of this run's is there.
 */
static bool walk_worktree_name_raced(int rc, const char *commondir,
				     const char *name)
{
	const git_error *e = git_error_last();
	char *dir = bp_asprintf("%s/worktrees/%s'", commondir, name);
	bool raced =
	    rc == GIT_EEXISTS && e && e->message && strstr(e->message, dir);

	free(dir);
	return raced;
}

/* git_worktree_add under the first free name, the next one whenever
 * another process takes it first.
 */
static int walk_worktree_add_named(git_worktree **wt, struct walk_repo *repo,
				   const char *abs,
				   const git_worktree_add_options *opts)
{
	const char *commondir = walk_repo_commondir(repo);
	char *name = NULL;
	int next = 1, rc = -1;

	while ((name = walk_worktree_name(commondir, &next))) {
		rc = git_worktree_add(wt, walk_repo_git(repo), name, abs, opts);
		if (rc == 0 || !walk_worktree_name_raced(rc, commondir, name))
			break;
		free(name);
	}
	if (!name)
		return -1;
	free(name);
	if (rc < 0)
		return walk_git_fail(WALK_ERR_OTHER,
				     "cannot create worktree '%s'", abs);
	return 0;
}

static int walk_worktree_add(struct walk_repo *repo, const char *abs,
			     const git_commit *c)
{
	git_worktree_add_options opts;
	git_repository *git = walk_repo_git(repo);
	git_reference *branch = NULL;
	git_worktree *wt = NULL;
	int err = -1;

	/* The _INIT macros leave fields out: -Wmissing-field-initializers. */
	git_worktree_add_options_init(&opts, GIT_WORKTREE_ADD_OPTIONS_VERSION);
	if (walk_worktrees_dir(walk_repo_commondir(repo)) < 0 ||
	    walk_temp_branch(&branch, git, c) < 0)
		goto out;
	opts.ref = branch;
	opts.checkout_options.checkout_strategy = GIT_CHECKOUT_FORCE;
	if (walk_worktree_add_named(&wt, repo, abs, &opts) < 0)
		goto out;
	err = walk_detach(wt, git_commit_id(c));
out:
	if (branch && git_reference_delete(branch) < 0 && !err)
		err = walk_git_fail(WALK_ERR_OTHER,
				    "cannot delete temporary branch '%s'",
				    git_reference_name(branch));
	git_reference_free(branch);
	git_worktree_free(wt);
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
	if (walk_clear_dir(abs, walk_repo_commondir(repo)) < 0)
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

/* The lock files a checkout takes in the worktree's own git directory
 * (<commondir>/worktrees/<name>).  Only bootperf uses its worktree, and
 * it holds the store lock: one left behind is a killed run's.
 */
static const char *const walk_worktree_locks[] = {"index.lock", "HEAD.lock"};

#define N_WALK_WORKTREE_LOCKS                                                  \
	(sizeof walk_worktree_locks / sizeof walk_worktree_locks[0])

/* Lock file i's path, owned. */
static char *walk_worktree_lock(git_repository *wtgit, size_t i)
{
	return bp_asprintf("%s%s", git_repository_path(wtgit),
			   walk_worktree_locks[i]);
}

static void walk_worktree_unlock(git_repository *wtgit)
{
	for (size_t i = 0; i < N_WALK_WORKTREE_LOCKS; i++) {
		char *lock = walk_worktree_lock(wtgit, i);

		if (unlink(lock) == 0)
			bp_warning("removed '%s', left by a run that was "
				   "killed",
				   lock);
		free(lock);
	}
}

/* Which lock file is still in the way after a failed checkout, if any. */
static char *walk_worktree_held_lock(git_repository *wtgit)
{
	struct stat st;

	for (size_t i = 0; i < N_WALK_WORKTREE_LOCKS; i++) {
		char *lock = walk_worktree_lock(wtgit, i);

		if (lstat(lock, &st) == 0)
			return lock;
		free(lock);
	}
	return NULL;
}

/* Force index and tracked files to id, leave untracked ones, detach. */
static int walk_worktree_switch(git_repository *wtgit, const git_oid *id,
				const char *abs)
{
	git_checkout_options co;
	git_commit *c = NULL;
	char *lock = NULL;
	int err = -1;

	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_FORCE;
	walk_worktree_unlock(wtgit);
	if (git_commit_lookup(&c, wtgit, id) < 0 ||
	    git_checkout_tree(wtgit, (const git_object *)c, &co) < 0 ||
	    git_repository_set_head_detached(wtgit, id) < 0) {
		lock = walk_worktree_held_lock(wtgit);
		if (lock)
			walk_git_fail(WALK_ERR_OTHER,
				      "cannot check out %s in '%s' (lock file "
				      "'%s': remove it if no git command "
				      "runs there)",
				      git_oid_tostr_s(id), abs, lock);
		else
			walk_git_fail(WALK_ERR_OTHER,
				      "cannot check out %s in '%s'",
				      git_oid_tostr_s(id), abs);
		goto out;
	}
	err = 0;
out:
	free(lock);
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
