/* bootperf - bisect/: the git side, through libgit2 only.
 *
 * Open a repository, turn a revision range into an ordered list of
 * commits, hash configuration strings, and keep bootperf's own linked
 * worktree.  Functions return 0 or -1; on -1 one message has been printed
 * through bp_error and walk_last_error() says what kind of failure it
 * was, so cmd/ can choose an exit status.  No libgit2 type leaks into the
 * public part of this header.
 */
#ifndef BOOTPERF_BISECT_H
#define BOOTPERF_BISECT_H

#include "common.h"

/* repo.c: repositories, revisions, errors, hashing */

struct walk_repo; /* opaque */

struct walk_commit {
	char id[41];	   /* full hex id */
	char short_id[13]; /* unique abbreviation, at least 7 hex */
	char *subject;	   /* owned: first line (paragraph) of the
			    * message, "" when there is none */
	size_t n_parents;
	char parent[41]; /* its first parent's id, "" for a root commit */
	size_t base;	 /* 1 + the index in its walk_list of its nearest
			  * ancestor along first parents that the list
			  * holds; 0: none */
};

enum walk_error {
	WALK_ERR_NONE = 0,
	WALK_ERR_REPO,	     /* not a repository, cannot open it */
	WALK_ERR_REVISION,   /* unknown, ambiguous or malformed revision */
	WALK_ERR_EMPTY,	     /* a range with no commits */
	WALK_ERR_REVERSED,   /* a range with no commits, but B..A has some */
	WALK_ERR_RANGE_FORM, /* a range git has but bootperf does not */
	WALK_ERR_DAMAGED,    /* objects are missing (not shallow) */
	WALK_ERR_FETCH,	     /* a remote cannot be fetched */
	WALK_ERR_FORMAT,     /* an object format libgit2 cannot read */
	WALK_ERR_OTHER	     /* I/O, corrupt objects, worktree trouble */
};

/* After a failed call: what kind of failure it was. */
enum walk_error walk_last_error(void);
/* ... and its message, as printed (without "bootperf: error: "). */
const char *walk_last_message(void);

/* path: anywhere inside a work tree, a bare repository or a linked
 * worktree.  *out is owned by the caller (walk_repo_free).
 */
int walk_repo_open(struct walk_repo **out, const char *path);
void walk_repo_free(struct walk_repo *repo);
/* Whether path is in no git repository at all (walk_repo_open would
 * say "not a git repository"), asked without a message.
 */
bool walk_repo_none(const char *path);
/* The common git directory, without a trailing slash (for a linked
 * worktree: the main repository's .git); owned by repo.  The default
 * results store is <commondir>/bootperf.
 */
const char *walk_repo_commondir(struct walk_repo *repo);
/* The work tree's top directory (caller frees), NULL for a bare repo. */
char *walk_repo_workdir(struct walk_repo *repo);

/* Resolve one revision (sha, short sha, tag, branch, HEAD~3, ...) to the
 * commit it names.  On success out->subject is owned by the caller
 * (walk_commit_clear); on failure *out holds no allocation.
 */
int walk_resolve(struct walk_commit *out, struct walk_repo *repo,
		 const char *rev);
/* Free out->subject and set it to NULL; safe to call twice. */
void walk_commit_clear(struct walk_commit *c);

/* Hash s as git_odb_hash does a blob (= git hash-object --stdin): the
 * config id.  out receives 40 hex digits and a NUL.
 */
int walk_hash_string(char out[41], const char *s);
/* The git blob id of the file at path (git hash-object), as 40 hex
 * digits: the artifact store's content id.
 */
int walk_hash_file(char out[41], const char *path);

/* walk.c: ranges */

struct walk_list {
	struct walk_commit *v; /* owned (walk_list_free) */
	size_t n;
};

struct walk_options {
	bool first_parent;  /* follow only first parents */
	size_t max_commits; /* 0 = all */
	size_t every;	    /* 0 or 1 = all */
};

#define WALK_OPTIONS_INIT                                                      \
	{                                                                      \
		false, 0, 1                                                    \
	}

/*
 * range: "A..B" (reachable from B, not from A; an empty side means HEAD),
 * "A^..B" (any revision git_revparse understands on either side), or a
 * single "REV" for that one commit.  "A...B" is rejected: a symmetric
 * difference has no order on a timeline.
 *
 * out receives the commits oldest first (git rev-list --reverse
 * --topo-order).  Then every = K keeps every K-th commit counting from the
 * oldest plus the newest; then max_commits = N keeps at most N, evenly
 * spread, always the oldest and the newest (N = 1: the newest).  An empty
 * result is an error (WALK_ERR_EMPTY), with a hint when the reversed range
 * has commits.  opts may be NULL for WALK_OPTIONS_INIT.  Each commit's
 * base is set after sampling: the nearest first-parent ancestor that was
 * kept, so a sampled commit is based on the sampled one before it on its
 * own line, never on a commit of another branch.
 */
int walk_range(struct walk_list *out, struct walk_repo *repo, const char *range,
	       const struct walk_options *opts);
/* Free every subject and the array; list itself is the caller's. */
void walk_list_free(struct walk_list *list);

/* walk.c: the commit graph between two endpoints, for bisection */

struct walk_graph {
	struct walk_list list; /* GOOD..BAD oldest first, parents before
				* children; BAD is the last */
	size_t *parent_off;    /* list.n + 1 offsets into parents */
	size_t *parents;       /* indices into list.v: the parents inside
				* the range (first parent first) */
	bool *parent_outside;  /* list.n: its first parent is not in the
				* range (GOOD or an ancestor of it) */
};

/*
 * The commits reachable from bad and not from good, for a bisection.
 * good must be an ancestor of bad (WALK_ERR_EMPTY when not, or when the
 * range is empty).  first_parent keeps bad's first-parent line only.
 * *out is owned by the caller (walk_graph_free).
 */
int walk_graph(struct walk_graph *out, struct walk_repo *repo, const char *good,
	       const char *bad, bool first_parent);
void walk_graph_free(struct walk_graph *g);

/* search.c: the bisection search, pure (tested with no git at all) */

enum search_mark { SEARCH_UNKNOWN = 0, SEARCH_GOOD, SEARCH_BAD, SEARCH_SKIP };

enum search_state {
	SEARCH_TEST,	 /* test *next */
	SEARCH_FOUND,	 /* *next is the first bad commit */
	SEARCH_AMBIGUOUS /* only skipped commits are left to test */
};

struct search; /* opaque */

/*
 * Commits 0..n-1, parents before children; commit n-1 is the known bad
 * one, and the known good commit is outside (an ancestor of those whose
 * parents are not listed).  The parents of i are parents[parent_off[i]]
 * up to parents[parent_off[i + 1]], each < i.  The arrays are copied.
 * Returns -1 when n is 0 or a parent is not older than its child.
 */
int search_new(struct search **out, size_t n, const size_t *parent_off,
	       const size_t *parents);
void search_free(struct search *s);
/* The answer about commit i; -1 (nothing changed) when i is no longer a
 * candidate, i.e. an earlier answer decided it already.
 */
int search_mark(struct search *s, size_t i, enum search_mark m);
enum search_mark search_get_mark(const struct search *s, size_t i);
/* The next commit to test, or the answer. */
enum search_state search_next(struct search *s, size_t *next);
/* The candidates left, oldest first (the caller frees *out; out may be
 * NULL); returns how many.
 */
size_t search_candidates(struct search *s, size_t **out);
/* ceil(log2(candidates)): the steps left if none is skipped. */
size_t search_steps_left(struct search *s);

/* worktree.c: bootperf's own build worktree */

/*
 * Check out commit_id (any revision) at path, a linked worktree of repo
 * that bootperf owns: created when missing (its parent must exist),
 * reused when it already is a worktree of repo, pruned and recreated when
 * it is registered but gone from disk.  HEAD there is detached at the
 * commit; index and tracked files are forced to match it; untracked and
 * ignored files (build products) stay, so builds remain incremental.  The
 * user's own HEAD, index and files are never touched.  A path that exists
 * and is not a worktree of repo is an error (an empty directory is taken
 * over).
 */
int walk_worktree_checkout(struct walk_repo *repo, const char *path,
			   const char *commit_id);

/* track.c: the branch bootperf track follows */

struct walk_fetch_result {
	char tip[41]; /* the branch's tip after the fetch */
	char *branch; /* the branch followed, e.g. "main" (owned) */
	char *url;    /* the remote's URL (owned; NULL without a fetch) */
	char *ref;    /* the local ref that holds the tip (owned) */
};

/*
 * Fetch branch (NULL: the one the remote's HEAD names) of remote, a
 * configured remote's name or a URL or path (anything with '/' or ':'),
 * into refs/remotes/REMOTE/BRANCH or, for a URL,
 * refs/bootperf/track/BRANCH; a force-pushed branch replaces the old
 * tip.  -1 with WALK_ERR_FETCH when the network or the remote fails,
 * or the remote no longer has a branch an earlier fetch left;
 * WALK_ERR_REVISION when remote names no configured remote, a local
 * path that does not exist, or a remote without branch (or, branch
 * NULL, whose HEAD names no branch it has).  *out is owned by the
 * caller (walk_fetch_result_free) either way.
 */
int walk_fetch(struct walk_fetch_result *out, struct walk_repo *repo,
	       const char *remote, const char *branch);
/* The tip an earlier fetch left (branch NULL: the one refs/remotes/
 * REMOTE/HEAD names), without touching the network; -1 without a
 * message when there is none (the failed fetch has said why).
 */
int walk_fetched_tip(struct walk_fetch_result *out, struct walk_repo *repo,
		     const char *remote, const char *branch);
void walk_fetch_result_free(struct walk_fetch_result *r);

/*
 * The history of tip oldest first, from start (any revision; included)
 * while start is an ancestor of tip.  When it no longer is (a force-push
 * rewrote it), from the merge base of the two, with *rewritten set; with
 * no start, or no merge base either, the newest depth commits.
 */
int walk_history(struct walk_list *out, struct walk_repo *repo, const char *tip,
		 const char *start, size_t depth, bool first_parent,
		 bool *rewritten);

/* changes.c: what a commit changes, as far as a build can tell. */

/* What a path is, by its name: documentation (a doc, docs,
 * Documentation or man directory; README*, COPYING*, *.md, *.rst ...),
 * tests (a test, tests, testing, testsuite or t directory at the top,
 * tools/testing/), CI and editor configuration (.gitlab-ci.yml,
 * .github/, .gitignore ...), or anything else, which a build may read.
 */
enum walk_path_class {
	WALK_PATH_BUILD,
	WALK_PATH_DOCS,
	WALK_PATH_TESTS,
	WALK_PATH_CI,
	WALK_PATH_CLASSES
};
enum walk_path_class walk_path_class(const char *path);

enum walk_change_kind {
	WALK_CHANGES_CODE,    /* some file a build may read */
	WALK_CHANGES_MERGE,   /* a merge commit (not diffed) */
	WALK_CHANGES_NOTHING, /* no file (an empty commit) */
	WALK_CHANGES_NO_BUILD /* only documentation, tests, CI configuration */
};
struct walk_changes {
	enum walk_change_kind kind;
	size_t files; /* files changed against the first parent */
	size_t by_class[WALK_PATH_CLASSES]; /* paths of each class */
};
/* What commit id (40 hex) changes against its first parent (a root
 * commit: against nothing).  0, or -1 (the repository cannot be read;
 * nothing printed: it is the caller's to warn).
 */
int walk_changes(struct walk_changes *out, struct walk_repo *repo,
		 const char *id);
/* "code", "merge", "empty" or "docs-tests-ci" (the JSON's words). */
const char *walk_change_kind_name(enum walk_change_kind k);

/* revert.c: the commit tip with commit_id reverted (a merge against its
 * first parent), written to the object database with no reference
 * moved or made (bisect --verify-revert).  Same inputs, same commit id.
 * 0: *out is that commit (walk_commit_clear); 1: the revert conflicts,
 * and why holds the first conflicting path; -1: why says what failed.
 * Nothing is printed: it is the caller's to say.
 */
int walk_revert(struct walk_commit *out, char *why, size_t len,
		struct walk_repo *repo, const char *tip_id,
		const char *commit_id);

/* Internal to bisect/: shared by repo.c, walk.c and worktree.c; cmd/ has
 * no use for them.  libgit2 types are only forward-declared here.
 */
struct git_repository;
struct git_commit;

/* Print "bootperf: error: <message>", remember kind, return -1. */
int walk_fail(enum walk_error kind, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The same, with ": <libgit2's last error message>" appended. */
int walk_git_fail(enum walk_error kind, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
struct git_repository *walk_repo_git(struct walk_repo *repo);
struct git_oid;
/* Append the commit oid to list (cap: its allocated length). */
int walk_add_oid(struct walk_list *list, size_t *cap,
		 struct git_repository *git, const struct git_oid *oid);
/* Fill *out from c (out->subject allocated; base 0). */
int walk_commit_fill(struct walk_commit *out, struct git_commit *c);
/* Set each commit's base in list, oldest first, parents before children. */
void walk_link_bases(struct walk_list *list);
/* Look rev up and peel it to a commit.  range, when not NULL, is quoted
 * in the error message.  *out is owned by the caller (git_commit_free).
 */
int walk_lookup(struct git_commit **out, struct git_repository *git,
		const char *rev, const char *range);
struct git_object;
/* git_revparse_single, with git's "@" alone for HEAD; reports nothing. */
int walk_revparse(struct git_object **out, struct git_repository *git,
		  const char *rev);

#endif /* BOOTPERF_BISECT_H */
