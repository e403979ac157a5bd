/* Unit tests for bisect/: ranges, sampling, hashing and the build worktree,
 * against throw-away repositories made by git(1) in a temporary directory
 * with fixed dates.  Skips when git is missing.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bisect.h"
#include "tap.h"

#define GIT "git -c user.name=t -c user.email=t@t -c init.defaultBranch=main"

static char tmp[] = "/tmp/walk-t.XXXXXX";
static char lin[256];	/* linear: c1..c6 */
static char ids[7][41]; /* ids[n] = cn */
static int saved_stderr = -1;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	/* False positive: clang-tidy 14 loses va_start state in
	 * every file after the first of a run (llvm-project#40656).
	 */
	// NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return rc == 0 ? 0 : -1;
}

/* The command's output, trailing newlines removed, or NULL. */
static char *out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *out(const char *fmt, ...)
{
	char cmd[4096], buf[8192];
	size_t len;
	va_list ap;
	FILE *p;

	va_start(ap, fmt);
	/* False positive: clang-tidy 14 loses va_start state in
	 * every file after the first of a run (llvm-project#40656).
	 */
	// NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	len = fread(buf, 1, sizeof buf - 1, p);
	if (pclose(p) != 0)
		return NULL;
	while (len && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	return bp_strdup(buf);
}

/* out() compared with want; frees. */
static bool out_is(const char *want, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static bool out_is(const char *want, const char *fmt, ...)
{
	char cmd[4096];
	char *got;
	bool same;
	va_list ap;

	va_start(ap, fmt);
	/* False positive: clang-tidy 14 loses va_start state in
	 * every file after the first of a run (llvm-project#40656).
	 */
	// NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	got = out("%s", cmd);
	same = got && strcmp(got, want) == 0;
	if (!same)
		tap_diag("'%s' gave '%s', want '%s'", cmd, got ? got : "(fail)",
			 want);
	free(got);
	return same;
}

static char *slurp(const char *path)
{
	char buf[8192];
	size_t len;
	FILE *f = fopen(path, "rb");

	if (!f)
		return NULL;
	len = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[len] = '\0';
	return bp_strdup(buf);
}

static bool file_is(const char *path, const char *want)
{
	char *got = slurp(path);
	bool same = got && strcmp(got, want) == 0;

	free(got);
	return same;
}

static void set_date(int t)
{
	char date[64];

	snprintf(date, sizeof date, "@%d +0000", 1700000000 + 60 * t);
	setenv("GIT_AUTHOR_DATE", date, 1);
	setenv("GIT_COMMITTER_DATE", date, 1);
}

/* Commit "c<n>" in dir: f = "v<n>", adds f<n>; its id into id. */
static int commit(const char *dir, const char *subject, int t, char *id)
{
	char *s;

	set_date(t);
	if (sh("cd %s && echo v%d > f && echo %d > f%d && git add -A && " GIT
	       " commit -q -m '%s' -m 'body of %s'",
	       dir, t, t, t, subject, subject) < 0)
		return -1;
	s = out("git -C %s rev-parse HEAD", dir);
	if (!s)
		return -1;
	snprintf(id, 41, "%s", s);
	free(s);
	return 0;
}

static int make_linear(void)
{
	char subject[8];
	int i;

	snprintf(lin, sizeof lin, "%s/lin", tmp);
	if (sh(GIT " init -q %s && mkdir %s/sub", lin, lin) < 0)
		return -1;
	for (i = 1; i <= 6; i++) {
		snprintf(subject, sizeof subject, "c%d", i);
		if (commit(lin, subject, i, ids[i]) < 0)
			return -1;
	}
	return sh("cd %s && git tag t2 %s && git tag -a -m x at3 %s && "
		  "git branch br %s",
		  lin, ids[2], ids[3], ids[4]);
}

/* Redirect stderr to a file until err_end(), which returns its text. */
static void err_begin(void)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof path, "%s/stderr", tmp);
	fflush(stderr);
	saved_stderr = dup(2);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
}

static char *err_end(void)
{
	char path[PATH_MAX];
	char *text;

	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	snprintf(path, sizeof path, "%s/stderr", tmp);
	text = slurp(path);
	fputs(text ? text : "", stderr);
	return text;
}

struct outcome {
	int rc;
	enum walk_error kind;
};

/* libgit2 1.5.1 leaks its commit list when a walk fails inside
 * limit_list() (a missing parent in a shallow repository); run such a
 * walk in a child that leaves with _exit, so valgrind and LeakSanitizer
 * judge the parent only.
 */
static struct outcome range_isolated(struct walk_repo *repo, const char *range,
				     const struct walk_options *o)
{
	struct outcome res = {0, WALK_ERR_NONE};
	struct walk_list l;
	int fds[2];
	pid_t pid;

	fflush(stdout);
	if (pipe(fds) < 0 || (pid = fork()) < 0)
		return res;
	if (pid == 0) {
		close(fds[0]);
		res.rc = walk_range(&l, repo, range, o);
		res.kind = walk_last_error();
		if (write(fds[1], &res, sizeof res) != sizeof res)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &res, sizeof res) != sizeof res)
		res.rc = 0;
	close(fds[0]);
	waitpid(pid, NULL, 0);
	return res;
}

static void range_fails_(struct walk_repo *repo, const char *range,
			 const struct walk_options *o, enum walk_error kind,
			 const char *want, bool isolate)
{
	struct walk_list l = {NULL, 1};
	struct outcome res;
	char *msg;

	err_begin();
	if (isolate) {
		res = range_isolated(repo, range, o);
		l.n = 0;
	} else {
		res.rc = walk_range(&l, repo, range, o);
		res.kind = walk_last_error();
	}
	msg = err_end();
	ok(res.rc == -1 && l.v == NULL && l.n == 0, "'%s' fails", range);
	is_int(res.kind, kind, "  with the right kind");
	ok(msg && strstr(msg, want), "  message has \"%s\"", want);
	free(msg);
}

/* walk_range expected to fail with kind and a message containing want. */
static void range_fails(struct walk_repo *repo, const char *range,
			const struct walk_options *o, enum walk_error kind,
			const char *want)
{
	range_fails_(repo, range, o, kind, want, false);
}

/* The list's subjects joined by spaces equal want. */
static bool subjects_are(const struct walk_list *l, const char *want)
{
	char got[1024] = "";
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (i)
			strcat(got, " ");
		strncat(got, l->v[i].subject, 16);
	}
	if (strcmp(got, want) != 0)
		tap_diag("subjects '%s', want '%s'", got, want);
	return strcmp(got, want) == 0;
}

static void range_is(struct walk_repo *repo, const char *range,
		     const struct walk_options *o, const char *want)
{
	struct walk_list l;

	if (walk_range(&l, repo, range, o) < 0) {
		ok(0, "%s", range);
		return;
	}
	ok(subjects_are(&l, want), "%s -> %s", range, want);
	walk_list_free(&l);
}

/* Each commit's subject and its base's ("-" for none), "M<m3 ...". */
static void bases_are(struct walk_repo *repo, const char *range,
		      const struct walk_options *o, const char *want)
{
	struct walk_list l;
	char got[1024] = "";

	if (walk_range(&l, repo, range, o) < 0) {
		ok(0, "%s", range);
		return;
	}
	for (size_t i = 0; i < l.n; i++) {
		size_t b = l.v[i].base;

		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s<%s",
			 i ? " " : "", l.v[i].subject,
			 b ? l.v[b - 1].subject : "-");
	}
	if (strcmp(got, want) != 0)
		tap_diag("bases '%s', want '%s'", got, want);
	ok(!strcmp(got, want), "%s: bases %s", range, want);
	walk_list_free(&l);
}

static void test_open(void)
{
	static char dummy;
	struct walk_repo *repo = (struct walk_repo *)(void *)&dummy;
	char path[PATH_MAX];
	char *msg, *want;

	err_begin();
	is_int(walk_repo_open(&repo, tmp), -1, "a plain directory fails");
	msg = err_end();
	ok(repo == NULL, "  and *out is NULL");
	is_int(walk_last_error(), WALK_ERR_REPO, "  WALK_ERR_REPO");
	want = bp_asprintf("'%s' is not a git repository", tmp);
	ok(msg && strstr(msg, want), "  message: %s", want);
	free(want);
	free(msg);

	snprintf(path, sizeof path, "%s/sub", lin);
	is_int(walk_repo_open(&repo, path), 0, "opens from a subdirectory");
	want = bp_asprintf("%s/.git", lin);
	ok(repo && !strcmp(walk_repo_commondir(repo), want),
	   "commondir is .git, no trailing slash");
	free(want);
	walk_repo_free(repo);
}

static void test_resolve(struct walk_repo *repo)
{
	struct walk_commit c;

	is_int(walk_resolve(&c, repo, "t2"), 0, "resolve a tag");
	ok(!strcmp(c.id, ids[2]), "  to c2");
	ok(!strcmp(c.subject, "c2"), "  subject is the first line");
	is_size(strlen(c.short_id), 7, "  short id has 7 digits");
	ok(!strncmp(c.short_id, c.id, 7), "  and prefixes the id");
	is_size(c.n_parents, 1, "  one parent");
	walk_commit_clear(&c);
	ok(walk_resolve(&c, repo, "at3") == 0 && !strcmp(c.id, ids[3]),
	   "an annotated tag peels to its commit");
	walk_commit_clear(&c);
	ok(walk_resolve(&c, repo, ids[1]) == 0 && c.n_parents == 0,
	   "the root commit has no parents");
	walk_commit_clear(&c);
	err_begin();
	is_int(walk_resolve(&c, repo, "nosuch"), -1, "unknown revision");
	free(err_end());
	is_int(walk_last_error(), WALK_ERR_REVISION, "  WALK_ERR_REVISION");
	ok(c.subject == NULL, "  nothing allocated");
}

static void test_ranges(struct walk_repo *repo)
{
	char range[128];
	struct walk_list l;

	snprintf(range, sizeof range, "%s..%s", ids[2], ids[6]);
	is_int(walk_range(&l, repo, range, NULL), 0, "A..B by full ids");
	is_size(l.n, 4, "  4 commits");
	ok(l.n == 4 && !strcmp(l.v[0].id, ids[3]) && !strcmp(l.v[3].id, ids[6]),
	   "  oldest first: c3 .. c6");
	ok(subjects_are(&l, "c3 c4 c5 c6"), "  subjects in order");
	walk_list_free(&l);
	snprintf(range, sizeof range, "%.7s^..%.7s", ids[2], ids[6]);
	range_is(repo, range, NULL, "c2 c3 c4 c5 c6");
	range_is(repo, "HEAD~1", NULL, "c5");
	range_is(repo, "HEAD~1^!", NULL, "c5");
	range_is(repo, "t2..br", NULL, "c3 c4");
	range_is(repo, "at3..main", NULL, "c4 c5 c6");
	range_is(repo, "br..", NULL, "c5 c6");
	range_is(repo, "HEAD~2..HEAD", NULL, "c5 c6");
}

static void test_range_errors(struct walk_repo *repo)
{
	range_fails(repo, "t2...br", NULL, WALK_ERR_RANGE_FORM, "symmetric");
	range_fails(repo, "nosuch..br", NULL, WALK_ERR_REVISION,
		    "unknown revision 'nosuch' in range 'nosuch..br'");
	range_fails(repo, "t2..nosuch", NULL, WALK_ERR_REVISION,
		    "unknown revision 'nosuch' in range 't2..nosuch'");
	range_fails(repo, "nosuch", NULL, WALK_ERR_REVISION,
		    "unknown revision 'nosuch'");
	range_fails(repo, "br..t2", NULL, WALK_ERR_REVERSED,
		    "range 'br..t2' has no commits (reversed? try 't2..br')");
	range_fails(repo, "br..br", NULL, WALK_ERR_EMPTY,
		    "range 'br..br' has no commits");
	range_fails(repo, "", NULL, WALK_ERR_RANGE_FORM, "empty range");
	range_fails(repo, "HEAD^{tree}", NULL, WALK_ERR_REVISION,
		    "is not a commit");
}

static void test_sampling(struct walk_repo *repo)
{
	struct walk_options o = WALK_OPTIONS_INIT;

	o.every = 2;
	range_is(repo, "t2^..HEAD", &o, "c2 c4 c6");
	range_is(repo, "t2^..HEAD~1", &o, "c2 c4 c5");
	o.every = 3;
	range_is(repo, "t2^..HEAD", &o, "c2 c5 c6");
	o.every = 0;
	range_is(repo, "t2^..HEAD", &o, "c2 c3 c4 c5 c6");
	o.every = 1;
	o.max_commits = 3;
	range_is(repo, "t2^..HEAD", &o, "c2 c4 c6");
	range_is(repo, "t2^..HEAD~1", &o, "c2 c4 c5");
	range_is(repo, "t2..HEAD", &o, "c3 c5 c6");
	o.max_commits = 2;
	range_is(repo, "t2^..HEAD", &o, "c2 c6");
	o.max_commits = 1;
	range_is(repo, "t2^..HEAD", &o, "c6");
	o.max_commits = 10;
	range_is(repo, "t2^..HEAD", &o, "c2 c3 c4 c5 c6");
	o.every = 2;
	o.max_commits = 2;
	range_is(repo, "t2^..HEAD", &o, "c2 c6");
	bases_are(repo, "t2^..HEAD", &o, "c2<- c6<c2");
	o.max_commits = 0;
	bases_are(repo, "t2^..HEAD", &o, "c2<- c4<c2 c6<c4");
	bases_are(repo, "t2^..HEAD", NULL, "c2<- c3<c2 c4<c3 c5<c4 c6<c5");
	bases_are(repo, "t2", NULL, "c2<-");
}

/* main: m1 m2 . m3 M (merge of side: s1 s2 branched at m1). */
static int make_merge(char *dir, size_t size)
{
	char id[41];

	snprintf(dir, size, "%s/merge", tmp);
	if (sh(GIT " init -q %s", dir) < 0 || commit(dir, "m1", 1, id) < 0 ||
	    commit(dir, "m2", 2, id) < 0 ||
	    sh("git -C %s checkout -q -b side HEAD~1", dir) < 0 ||
	    commit(dir, "s1", 3, id) < 0 || commit(dir, "s2", 4, id) < 0 ||
	    sh("git -C %s checkout -q main", dir) < 0 ||
	    commit(dir, "m3", 5, id) < 0)
		return -1;
	set_date(6);
	return sh("cd %s && " GIT
		  " merge -q --no-ff -X ours -m M side >/dev/null",
		  dir);
}

static void test_first_parent(void)
{
	struct walk_options o = WALK_OPTIONS_INIT;
	struct walk_repo *repo = NULL;
	char dir[PATH_MAX];

	if (!ok(make_merge(dir, sizeof dir) == 0, "merge history made") ||
	    !ok(walk_repo_open(&repo, dir) == 0, "opened"))
		return;
	/* git rev-list --topo-order shows the side line first (m3 s1 s2 M
	 * reversed); libgit2's topological+time sort gives the side line
	 * before m3.  Both keep every parent before its children.
	 */
	range_is(repo, "main~2..main", NULL, "s1 s2 m3 M");
	range_is(repo, "main~3..main", NULL, "m2 s1 s2 m3 M");
	/* Bases follow first parents: s1's is m1, outside the range. */
	bases_are(repo, "main~3..main", NULL, "m2<- s1<- s2<s1 m3<m2 M<m3");
	o.every = 2;
	bases_are(repo, "main~3..main", &o, "m2<- s2<- M<m2");
	o.every = 1;
	o.first_parent = true;
	bases_are(repo, "main~3..main", &o, "m2<- m3<m2 M<m3");
	range_is(repo, "main~2..main", &o, "m3 M");
	range_is(repo, "main~3..main", &o, "m2 m3 M");
	o.max_commits = 2;
	range_is(repo, "main~3..main", &o, "m2 M");
	o.first_parent = false;
	o.max_commits = 0;
	range_is(repo, "side..main", NULL, "m2 m3 M");
	range_is(repo, "main^2", NULL, "s2");
	walk_repo_free(repo);
}

static void test_hash(void)
{
	static const char *const strings[] = {
	    "",
	    "hello\n",
	    "runner=guestfs smp=1 memsize=512\tappend='x y'",
	};
	char path[PATH_MAX], got[41];
	size_t i;

	snprintf(path, sizeof path, "%s/hashme", tmp);
	for (i = 0; i < sizeof strings / sizeof *strings; i++) {
		FILE *f = fopen(path, "wb");

		if (!f)
			break;
		fputs(strings[i], f);
		fclose(f);
		ok(walk_hash_string(got, strings[i]) == 0 &&
		       out_is(got, "git hash-object %s", path),
		   "hash of string %zu equals git hash-object", i);
	}
}

/* The user's checkout, as far as bootperf must leave it alone. */
static char *user_state(void)
{
	return out("cd %s && cat .git/HEAD && git rev-parse HEAD && "
		   "md5sum .git/index && git status --porcelain && cat f && "
		   "git for-each-ref --format='%%(refname) %%(objectname)'",
		   lin);
}

static bool wt_at(const char *wt, int n)
{
	char want[16], path[PATH_MAX];

	snprintf(want, sizeof want, "v%d\n", n);
	snprintf(path, sizeof path, "%s/f", wt);
	return file_is(path, want) &&
	       out_is(ids[n], "git -C %s rev-parse HEAD", wt) &&
	       sh("git -C %s symbolic-ref -q HEAD", wt) != 0 &&
	       out_is("", "git -C %s status --porcelain -uno", wt);
}

static void test_worktree_checkout(struct walk_repo *repo, const char *wt)
{
	char *before, *after;

	ok(sh("cd %s && echo dirty > f && echo new > staged && "
	      "git add staged",
	      lin) == 0,
	   "user has uncommitted changes");
	before = user_state();
	is_int(walk_worktree_checkout(repo, wt, ids[2]), 0, "check out c2");
	ok(wt_at(wt, 2), "  worktree: files, index, detached HEAD at c2");
	ok(sh("test ! -e %s/f3 && echo obj > %s/build.o && "
	      "echo 2 > %s/f2",
	      wt, wt, wt) == 0,
	   "  build writes an untracked file and changes a tracked one");
	is_int(walk_worktree_checkout(repo, wt, ids[5]), 0, "check out c5");
	ok(wt_at(wt, 5), "  worktree at c5");
	ok(sh("test -e %s/f5 && test -e %s/build.o", wt, wt) == 0,
	   "  new files appear, the build product survives");
	is_int(walk_worktree_checkout(repo, wt, "nosuch"), -1,
	       "a bad revision fails");
	is_int(walk_worktree_checkout(repo, wt, "at3"), 0, "check out at3");
	ok(wt_at(wt, 3) && sh("test ! -e %s/f4", wt) == 0,
	   "  worktree at c3, files of c4 and c5 gone");
	after = user_state();
	ok(before && after && !strcmp(before, after),
	   "user's HEAD, index, files and branches untouched");
	free(before);
	free(after);
}

static void test_worktree_reuse(struct walk_repo *repo, const char *wt)
{
	char *before = out("ls %s/.git/worktrees", lin);

	ok(before && !strcmp(before, "bootperf"), "registered as 'bootperf'");
	ok(out_is("2", "git -C %s worktree list | wc -l", lin),
	   "one worktree besides the user's");
	ok(sh("rm -rf %s && git -C %s worktree list --porcelain | "
	      "grep -q prunable",
	      wt, lin) == 0,
	   "worktree deleted from disk: git sees it prunable");
	is_int(walk_worktree_checkout(repo, wt, ids[4]), 0, "check out c4");
	ok(wt_at(wt, 4), "  recreated at c4");
	ok(out_is("bootperf", "ls %s/.git/worktrees", lin) &&
	       out_is("2", "git -C %s worktree list | wc -l", lin),
	   "  still one worktree, same name");
	ok(sh("rm -rf %s && mkdir %s", wt, wt) == 0, "empty directory there");
	is_int(walk_worktree_checkout(repo, wt, ids[6]), 0, "check out c6");
	ok(wt_at(wt, 6), "  recreated at c6");
	free(before);
}

static void test_worktree_errors(struct walk_repo *repo)
{
	char other[PATH_MAX];
	char *msg;

	snprintf(other, sizeof other, "%s/other", tmp);
	ok(sh("mkdir %s && touch %s/x", other, other) == 0,
	   "a non-empty directory");
	err_begin();
	is_int(walk_worktree_checkout(repo, other, ids[2]), -1, "  refused");
	msg = err_end();
	ok(msg && strstr(msg, "is not a worktree of this repository"),
	   "  with a clear message");
	free(msg);
	ok(sh("test -e %s/x && test ! -e %s/.git", other, other) == 0,
	   "  and left alone");
	ok(sh("echo 'gitdir: /gone/.git/worktrees/bootperf' >%s/.git", other) ==
	       0,
	   "a worktree of a repository gone since");
	err_begin();
	is_int(walk_worktree_checkout(repo, other, ids[2]), -1, "  refused");
	msg = err_end();
	ok(msg && strstr(msg, "is a worktree of another repository "
			      "('/gone/.git/worktrees/bootperf'; this one "
			      "made or cloned again?): remove it, or give "
			      "another store"),
	   "  saying what it is");
	free(msg);
	ok(out_is("", "git -C %s branch --list 'bootperf*'", lin),
	   "no temporary branch left");
}

/* From inside the worktree: same commondir, same worktree. */
static void test_worktree_open_inside(const char *wt)
{
	struct walk_repo *repo = NULL;
	char *want = bp_asprintf("%s/.git", lin);

	is_int(walk_repo_open(&repo, wt), 0, "open the linked worktree");
	ok(repo && !strcmp(walk_repo_commondir(repo), want),
	   "  commondir is the main .git");
	if (repo) {
		range_is(repo, "HEAD~1..HEAD", NULL, "c6");
		is_int(walk_worktree_checkout(repo, wt, ids[5]), 0,
		       "  reuse it from there");
		ok(wt_at(wt, 5), "  at c5");
	}
	walk_repo_free(repo);
	free(want);
}

/* A run killed while making its worktree leaves bootperf-tmp-PID in
 * the user's repository; the next one deletes it (and no live run's).
 */
static void test_worktree_stale_branches(struct walk_repo *repo)
{
	char wt[PATH_MAX];
	pid_t dead;

	/* valgrind's exit flushes stdio even after _exit: no TAP twice */
	fflush(stdout);
	dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	ok(sh("git -C %s branch bootperf-tmp-%ld %s && "
	      "git -C %s branch bootperf-tmp-1 %s",
	      lin, (long)dead, ids[1], lin, ids[1]) == 0,
	   "branches of a dead run and of a live process (pid 1)");
	snprintf(wt, sizeof wt, "%s/store/worktree-stale", tmp);
	is_int(walk_worktree_checkout(repo, wt, ids[2]), 0,
	       "a new worktree is made");
	ok(out_is("bootperf-tmp-1",
		  "git -C %s branch --list 'bootperf*' "
		  "--format='%%(refname:short)'",
		  lin),
	   "  the dead run's branch is gone, the live one's kept");
	sh("git -C %s branch -D bootperf-tmp-1", lin);
}

static void test_worktree(struct walk_repo *repo)
{
	char wt[PATH_MAX];

	snprintf(wt, sizeof wt, "%s/store", tmp);
	if (mkdir(wt, 0700) < 0)
		return;
	snprintf(wt, sizeof wt, "%s/store/worktree", tmp);
	test_worktree_checkout(repo, wt);
	test_worktree_reuse(repo, wt);
	test_worktree_errors(repo);
	test_worktree_stale_branches(repo);
	test_worktree_open_inside(wt);
}

static void test_bare(void)
{
	struct walk_repo *repo = NULL;
	char dir[PATH_MAX], wt[PATH_MAX];

	snprintf(dir, sizeof dir, "%s/bare.git", tmp);
	snprintf(wt, sizeof wt, "%s/bare-wt", tmp);
	if (!ok(sh("git clone -q --bare %s %s", lin, dir) == 0, "bare clone"))
		return;
	is_int(walk_repo_open(&repo, dir), 0, "open a bare repository");
	if (!repo)
		return;
	ok(!strcmp(walk_repo_commondir(repo), dir), "  commondir is itself");
	range_is(repo, "t2..br", NULL, "c3 c4");
	is_int(walk_worktree_checkout(repo, wt, ids[3]), 0,
	       "  worktree of a bare repository");
	ok(wt_at(wt, 3), "  at c3");
	walk_repo_free(repo);
}

/* libgit2 1.5 has no shallow support: the walk must fail cleanly. */
static void test_shallow(void)
{
	struct walk_repo *repo = NULL;
	char dir[PATH_MAX];

	snprintf(dir, sizeof dir, "%s/shallow", tmp);
	if (!ok(sh("git clone -q --depth 3 file://%s %s", lin, dir) == 0,
		"shallow clone, depth 3"))
		return;
	is_int(walk_repo_open(&repo, dir), 0, "opened");
	if (!repo)
		return;
	range_is(repo, "HEAD", NULL, "c6");
	range_fails(repo, "HEAD~4..HEAD", NULL, WALK_ERR_REVISION,
		    "unknown revision 'HEAD~4' in range 'HEAD~4..HEAD' "
		    "(shallow repository");
	range_fails_(repo, "HEAD~1..HEAD", NULL, WALK_ERR_REVISION,
		     "reaches past the boundary of this shallow repository",
		     true);
	walk_repo_free(repo);
}

/* A range well inside a deeper shallow clone works. */
static void test_shallow_deep(void)
{
	struct walk_repo *repo = NULL;
	char src[PATH_MAX], dir[PATH_MAX];

	snprintf(src, sizeof src, "%s/long", tmp);
	snprintf(dir, sizeof dir, "%s/shallow-long", tmp);
	if (!ok(sh("set -e; " GIT " init -q %s; cd %s; for i in $(seq 1 20); "
		   "do echo $i > f; git add f; "
		   "GIT_COMMITTER_DATE=\"@$((1700000000"
		   " + i * 60)) +0000\" " GIT " commit -q -m l$i; done; "
		   "git clone -q --depth 15 file://%s %s",
		   src, src, src, dir) == 0,
		"shallow clone, depth 15 of 20"))
		return;
	is_int(walk_repo_open(&repo, dir), 0, "opened");
	if (!repo)
		return;
	range_is(repo, "HEAD~3..HEAD", NULL, "l18 l19 l20");
	range_fails_(repo, "HEAD~12..HEAD", NULL, WALK_ERR_REVISION, "shallow",
		     true);
	walk_repo_free(repo);
}

/* What a commit changes (bisect/changes.c): the class of each path, and
 * each kind of commit a culprit can be.
 */
static void test_changes(void)
{
	static const struct {
		const char *path;
		enum walk_path_class want;
	} paths[] = {
	    {"hw/i386/pc.c", WALK_PATH_BUILD},
	    {"Makefile", WALK_PATH_BUILD},
	    {"meson.build", WALK_PATH_BUILD},
	    {"configs/devices/x86_64-softmmu/default.mak", WALK_PATH_BUILD},
	    {"README.rst", WALK_PATH_DOCS},
	    {"MAINTAINERS", WALK_PATH_DOCS},
	    {"docs/system/index.rst", WALK_PATH_DOCS},
	    {"Documentation/admin-guide/kernel-parameters.txt", WALK_PATH_DOCS},
	    {"net/README", WALK_PATH_DOCS},
	    {"tests/qtest/boot-serial-test.c", WALK_PATH_TESTS},
	    {"tools/testing/selftests/x86/Makefile", WALK_PATH_TESTS},
	    {".gitlab-ci.d/buildtest.yml", WALK_PATH_CI},
	    {".github/workflows/ci.yml", WALK_PATH_CI},
	    {"roms/.gitignore", WALK_PATH_CI},
	    {"testfile.c", WALK_PATH_BUILD},
	    {"drivers/gpu/drm/tests/drm_buddy_test.c", WALK_PATH_BUILD},
	    {"lib/tests/Makefile", WALK_PATH_BUILD},
	    {".gitattributes", WALK_PATH_BUILD},
	    {"docsify.c", WALK_PATH_BUILD},
	};
	char repo_dir[PATH_MAX], id[41], *s;
	struct walk_repo *repo = NULL;
	struct walk_changes ch;
	static const struct {
		const char *script; /* run in the repository, then commit */
		enum walk_change_kind want;
		size_t files;
	} commits[] = {
	    {"echo 1 >pc.c && git add pc.c", WALK_CHANGES_CODE, 1},
	    {"mkdir docs && echo a >docs/a.rst && echo b >README && "
	     "git add docs README",
	     WALK_CHANGES_NO_BUILD, 2},
	    {"mkdir -p tests .github && echo t >tests/t.c && "
	     "echo c >.github/ci.yml && git add tests .github",
	     WALK_CHANGES_NO_BUILD, 2},
	    {"echo 2 >pc.c && echo c >README && git add pc.c README",
	     WALK_CHANGES_CODE, 2},
	    {"git mv docs/a.rst a.c", WALK_CHANGES_CODE, 2},
	    {":", WALK_CHANGES_NOTHING, 0},
	    {"git checkout -q -b side HEAD~1 && echo s >side.c && "
	     "git add side.c && git commit -q -m side && "
	     "git checkout -q - && git merge -q --no-edit side && "
	     "git commit -q --amend -m merge --allow-empty",
	     WALK_CHANGES_MERGE, 0},
	};

	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
		is_int(walk_path_class(paths[i].path), paths[i].want,
		       paths[i].path);
	snprintf(repo_dir, sizeof repo_dir, "%s/changes", tmp);
	if (!ok(sh(GIT " init -q %s", repo_dir) == 0, "changes: a repository"))
		return;
	for (size_t i = 0; i < sizeof commits / sizeof *commits; i++) {
		bool merge = commits[i].want == WALK_CHANGES_MERGE;

		if (sh("cd %s && (%s) >/dev/null 2>&1%s", repo_dir,
		       commits[i].script,
		       merge ? "" : " && git commit -q --allow-empty -m c") !=
			0 ||
		    !(s = out("git -C %s rev-parse HEAD", repo_dir))) {
			ok(0, "changes: commit %zu made", i);
			continue;
		}
		snprintf(id, sizeof id, "%s", s);
		free(s);
		if (!repo && walk_repo_open(&repo, repo_dir) == -1)
			break;
		if (!ok(walk_changes(&ch, repo, id) == 0,
			"changes of commit %zu", i))
			continue;
		is_int(ch.kind, commits[i].want, commits[i].script);
		is_size(ch.files, commits[i].files, commits[i].script);
	}
	ok(!strcmp(walk_change_kind_name(WALK_CHANGES_NO_BUILD),
		   "docs-tests-ci"),
	   "the JSON's word for a commit no build reads");
	ok(repo &&
	       walk_changes(&ch, repo,
			    "0123456789012345678901234567890123456789") == -1,
	   "an unknown commit: -1");
	walk_repo_free(repo);
}

int main(void)
{
	struct walk_repo *repo = NULL;

	if (system("git --version >/dev/null 2>&1") != 0) {
		printf("1..0 # SKIP git not found\n");
		return 0;
	}
	if (!mkdtemp(tmp))
		return 1;
	setenv("HOME", tmp, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	/* A fresh machine has no git identity. */
	setenv("GIT_AUTHOR_NAME", "t", 1);
	setenv("GIT_AUTHOR_EMAIL", "t@t", 1);
	setenv("GIT_COMMITTER_NAME", "t", 1);
	setenv("GIT_COMMITTER_EMAIL", "t@t", 1);
	if (!ok(make_linear() == 0, "linear history c1..c6 made"))
		return tap_done();
	test_open();
	if (!ok(walk_repo_open(&repo, lin) == 0, "open the linear repository"))
		return tap_done();
	test_resolve(repo);
	test_ranges(repo);
	test_range_errors(repo);
	test_sampling(repo);
	test_first_parent();
	test_hash();
	test_worktree(repo);
	test_bare();
	test_shallow();
	test_shallow_deep();
	test_changes();
	walk_repo_free(repo);
	if (!getenv("WALK_T_KEEP"))
		sh("rm -rf %s", tmp);
	return tap_done();
}
