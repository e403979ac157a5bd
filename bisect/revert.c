/* bootperf - the tip with one commit reverted, as a commit of its own
 * (bisect --verify-revert).
 *
 * The revert is made in memory (git_revert_commit gives an index), its
 * tree and commit written to the object database, and no reference is
 * created or moved: the commit is reachable from nothing, so the user's
 * branches, HEAD and index are as they were, and git gc prunes it in
 * time.  Its author, committer and date are fixed (bootperf, the tip's
 * commit time), so the same revert is the same commit id on every run:
 * the store and the artifact store keep what it measured and built.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "bisect.h"

/* The first conflicting path of idx, copied into buf. */
static void first_conflict(char *buf, size_t len, git_index *idx)
{
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *anc, *ours, *theirs;

	snprintf(buf, len, "?");
	if (git_index_conflict_iterator_new(&it, idx) < 0)
		return;
	if (git_index_conflict_next(&anc, &ours, &theirs, it) == 0) {
		const git_index_entry *e = ours ? ours : theirs ? theirs : anc;

		if (e)
			snprintf(buf, len, "%s", e->path);
	}
	git_index_conflict_iterator_free(it);
}

/* why: what failed, with libgit2's last message. */
static void fail(char *why, size_t len, const char *what)
{
	const git_error *e = git_error_last();

	snprintf(why, len, "%s: %s", what, e && e->message ? e->message : "?");
}

int walk_revert(struct walk_commit *out, char *why, size_t len,
		struct walk_repo *repo, const char *tip_id,
		const char *commit_id)
{
	git_repository *git = walk_repo_git(repo);
	git_oid tip_oid, oid, tree_oid, new_oid;
	git_commit *tip = NULL, *c = NULL, *made = NULL;
	const git_commit *parents[1];
	git_index *idx = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_merge_options opts;
	char *msg = NULL;
	int r = -1;

	memset(out, 0, sizeof *out);
	why[0] = '\0';
	git_merge_options_init(&opts, GIT_MERGE_OPTIONS_VERSION);
	if (git_oid_fromstr(&tip_oid, tip_id) < 0 ||
	    git_oid_fromstr(&oid, commit_id) < 0 ||
	    git_commit_lookup(&tip, git, &tip_oid) < 0 ||
	    git_commit_lookup(&c, git, &oid) < 0) {
		fail(why, len, "cannot read the commits");
		goto out;
	}
	/* A merge is reverted against its first parent, as git revert -m 1. */
	if (git_revert_commit(&idx, git, c, tip,
			      git_commit_parentcount(c) > 1 ? 1 : 0,
			      &opts) < 0) {
		fail(why, len, "cannot revert it");
		goto out;
	}
	if (git_index_has_conflicts(idx)) {
		first_conflict(why, len, idx);
		r = 1;
		goto out;
	}
	msg = bp_asprintf("Revert \"%s\"\n\nThis reverts commit %s.\n",
			  git_commit_summary(c) ? git_commit_summary(c) : "",
			  commit_id);
	parents[0] = tip;
	if (git_index_write_tree_to(&tree_oid, idx, git) < 0 ||
	    git_tree_lookup(&tree, git, &tree_oid) < 0 ||
	    git_signature_new(&sig, "bootperf", "bootperf@localhost",
			      git_commit_time(tip), 0) < 0 ||
	    git_commit_create(&new_oid, git, NULL, sig, sig, NULL, msg, tree, 1,
			      parents) < 0 ||
	    git_commit_lookup(&made, git, &new_oid) < 0) {
		fail(why, len, "cannot write the revert into the repository");
		goto out;
	}
	if (walk_commit_fill(out, made) == -1)
		fail(why, len, "cannot read the revert back");
	else
		r = 0;
out:
	free(msg);
	git_commit_free(made);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(idx);
	git_commit_free(c);
	git_commit_free(tip);
	return r;
}
