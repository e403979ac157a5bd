/* bootperf - a revision range as an ordered, sampled list of commits.
 *
 * The range is split by hand rather than with git_revparse() so that an
 * unknown side can be named in the error message, and so that "A...B"
 * can be refused: a symmetric difference has no meaning on a timeline.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "bisect.h"

/* The two sides of "FROM..TO"; from is NULL for a single revision. */
struct walk_spec {
	char *from;
	char *to;
};

static void walk_spec_free(struct walk_spec *spec)
{
	free(spec->from);
	free(spec->to);
	spec->from = spec->to = NULL;
}

/* An empty side means HEAD, as in git. */
static char *walk_side(const char *s, size_t len)
{
	return len ? strndup(s, len) : bp_strdup("HEAD");
}

static int walk_parse(struct walk_spec *out, const char *range)
{
	const char *dots = strstr(range, "..");

	out->from = out->to = NULL;
	if (!*range)
		return walk_fail(WALK_ERR_RANGE_FORM, "empty range");
	if (strstr(range, "..."))
		return walk_fail(WALK_ERR_RANGE_FORM,
				 "symmetric range '%s' is not supported: "
				 "use 'A..B' for the commits after A up to B",
				 range);
	if (!dots) {
		size_t len = strlen(range);

		/* git's A^! is A without its parents: just that commit */
		if (len > 2 && !strcmp(range + len - 2, "^!"))
			len -= 2;
		out->to = bp_asprintf("%.*s", (int)len, range);
		return 0;
	}
	out->from = walk_side(range, (size_t)(dots - range));
	out->to = walk_side(dots + 2, strlen(dots + 2));
	if (!out->from || !out->to) {
		bp_error("out of memory");
		abort();
	}
	return 0;
}

static void walk_list_append(struct walk_list *list, size_t *cap,
			     const struct walk_commit *c)
{
	if (list->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		void *v = reallocarray(list->v, ncap, sizeof *list->v);

		if (!v) {
			bp_error("out of memory");
			abort();
		}
		list->v = v;
		*cap = ncap;
	}
	list->v[list->n++] = *c;
}

int walk_add_oid(struct walk_list *list, size_t *cap, git_repository *git,
		 const git_oid *oid)
{
	git_commit *c = NULL;
	struct walk_commit wc;
	int err = -1;

	if (git_commit_lookup(&c, git, oid) < 0) {
		walk_git_fail(WALK_ERR_OTHER, "cannot read commit %s",
			      git_oid_tostr_s(oid));
		goto out;
	}
	if (walk_commit_fill(&wc, c) < 0)
		goto out;
	walk_list_append(list, cap, &wc);
	err = 0;
out:
	git_commit_free(c);
	return err;
}

static int walk_next_fail(git_repository *git, const char *range)
{
	if (git_repository_is_shallow(git) == 1)
		return walk_git_fail(
		    WALK_ERR_REVISION,
		    "range '%s' reaches past the boundary of "
		    "this shallow repository (libgit2 needs a "
		    "few commits below the range; deepen it "
		    "with git fetch --deepen=N or --unshallow)",
		    range);
	return walk_git_fail(WALK_ERR_OTHER, "cannot walk range '%s'", range);
}

/* A revwalk over from..to in rev-list --reverse --topo-order order;
 * every ancestor of to when from is NULL.
 */
static int walk_start(git_revwalk **out, git_repository *git,
		      const git_oid *from, const git_oid *to, bool first_parent)
{
	git_revwalk *rw = NULL;
	int err = -1;

	*out = NULL;
	if (git_revwalk_new(&rw, git) < 0 ||
	    git_revwalk_sorting(rw, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME |
					GIT_SORT_REVERSE) < 0 ||
	    (first_parent && git_revwalk_simplify_first_parent(rw) < 0) ||
	    git_revwalk_push(rw, to) < 0 ||
	    (from && git_revwalk_hide(rw, from) < 0)) {
		walk_git_fail(WALK_ERR_OTHER, "cannot start a revision walk");
		goto out;
	}
	*out = rw;
	rw = NULL;
	err = 0;
out:
	git_revwalk_free(rw);
	return err;
}

/* Append from..to to out (empty when only ranging over nothing); from
 * NULL: every ancestor of to.
 */
static int walk_collect(struct walk_list *out, git_repository *git,
			const git_oid *from, const git_oid *to,
			bool first_parent, const char *range)
{
	git_revwalk *rw = NULL;
	git_oid oid;
	size_t cap = 0;
	int err = -1, rc;

	if (walk_start(&rw, git, from, to, first_parent) < 0)
		goto out;
	while ((rc = git_revwalk_next(&oid, rw)) == 0)
		if (walk_add_oid(out, &cap, git, &oid) < 0)
			goto out;
	if (rc != GIT_ITEROVER) {
		walk_next_fail(git, range);
		goto out;
	}
	err = 0;
out:
	git_revwalk_free(rw);
	return err;
}

/* Does to..from have commits?  -1 when that cannot be told. */
static int walk_reversed_nonempty(git_repository *git, const git_oid *from,
				  const git_oid *to, bool first_parent)
{
	git_revwalk *rw = NULL;
	git_oid oid;
	int found = -1;

	if (walk_start(&rw, git, to, from, first_parent) < 0)
		goto out;
	found = git_revwalk_next(&oid, rw) == 0;
out:
	git_revwalk_free(rw);
	return found;
}

static int walk_empty_fail(git_repository *git, const struct walk_spec *spec,
			   const git_oid *ids, bool first_parent,
			   const char *range)
{
	if (walk_reversed_nonempty(git, &ids[0], &ids[1], first_parent) == 1)
		return walk_fail(WALK_ERR_REVERSED,
				 "range '%s' has no commits (reversed? try "
				 "'%s..%s')",
				 range, spec->to, spec->from);
	return walk_fail(WALK_ERR_EMPTY, "range '%s' has no commits", range);
}

/* Commit ids sorted (struct bp_id_index), to find a parent's index in
 * the list.
 */
static size_t walk_index_find(const struct bp_id_index *ix, size_t n,
			      const git_oid *oid)
{
	char id[GIT_OID_HEXSZ + 1];
	struct bp_id_index key = {.id = id};
	const struct bp_id_index *hit;

	git_oid_tostr(id, sizeof id, oid);
	hit = bsearch(&key, ix, n, sizeof *ix, bp_id_index_cmp);
	return hit ? hit->i : SIZE_MAX;
}

void walk_link_bases(struct walk_list *list)
{
	size_t n = list->n;
	struct bp_id_index *ix = bp_malloc((n + 1) * sizeof *ix);

	for (size_t i = 0; i < n; i++)
		ix[i] = (struct bp_id_index){.id = list->v[i].id, .i = i};
	qsort(ix, n, sizeof *ix, bp_id_index_cmp);
	for (size_t i = 0; i < n; i++) {
		struct bp_id_index key = {.id = list->v[i].parent};
		const struct bp_id_index *hit =
		    *key.id ? bsearch(&key, ix, n, sizeof *ix, bp_id_index_cmp)
			    : NULL;

		/* Parents come first: anything else is no base at all. */
		list->v[i].base = hit && hit->i < i ? hit->i + 1 : 0;
	}
	free(ix);
}

/* Keep the commits marked in keep, in order.  A kept commit's base
 * becomes its nearest kept ancestor along first parents.
 */
static void walk_keep(struct walk_list *list, const bool *keep)
{
	size_t n = list->n, j = 0;
	size_t *to = bp_malloc((n + 1) * sizeof *to);
	size_t *near = bp_malloc((n + 1) * sizeof *near);

	for (size_t i = 0; i < n; i++) {
		size_t b = list->v[i].base;

		to[i] = keep[i] ? j++ : SIZE_MAX;
		/* b - 1 < i: its nearest kept ancestor is known */
		near[i] = b == 0		  ? 0
			  : to[b - 1] != SIZE_MAX ? to[b - 1] + 1
						  : near[b - 1];
	}
	j = 0;
	for (size_t i = 0; i < n; i++) {
		if (!keep[i]) {
			walk_commit_clear(&list->v[i]);
			continue;
		}
		list->v[j] = list->v[i];
		list->v[j++].base = near[i];
	}
	list->n = j;
	free(to);
	free(near);
}

/* Keep every every-th commit from the oldest, and the newest. */
static void walk_sample_every(struct walk_list *list, size_t every)
{
	bool *keep = bp_malloc(list->n + 1);

	for (size_t i = 0; i < list->n; i++)
		keep[i] = i % every == 0 || i == list->n - 1;
	walk_keep(list, keep);
	free(keep);
}

/* Pick j of max, spread evenly over 0..n-1 with both ends included.  As
 * n > max the step exceeds 1, so successive picks are distinct.
 */
static size_t walk_spread_index(size_t j, size_t n, size_t max)
{
	if (max == 1)
		return n - 1;
	return (j * (n - 1) + (max - 1) / 2) / (max - 1);
}

static void walk_sample_max(struct walk_list *list, size_t max)
{
	bool *keep = bp_malloc(list->n + 1);
	size_t j = 0;

	for (size_t i = 0; i < list->n; i++) {
		keep[i] = j < max && i == walk_spread_index(j, list->n, max);
		if (keep[i])
			j++;
	}
	walk_keep(list, keep);
	free(keep);
}

static void walk_sample(struct walk_list *list, const struct walk_options *o)
{
	walk_link_bases(list);
	if (o->every > 1)
		walk_sample_every(list, o->every);
	if (o->max_commits && list->n > o->max_commits)
		walk_sample_max(list, o->max_commits);
}

/* Is rev "X^" with X a root commit?  Then "X^..B" (X included) leaves
 * out nothing: git refuses X^, but the range it would mean is every
 * ancestor of B, X and its children with it.
 */
static bool walk_root_parent(git_oid *root_id, git_repository *git,
			     const char *rev)
{
	size_t len = strlen(rev);
	git_object *obj = NULL;
	git_object *peeled = NULL;
	char *x;
	bool root = false;

	if (len < 2 || rev[len - 1] != '^')
		return false;
	x = bp_asprintf("%.*s", (int)(len - 1), rev);
	if (walk_revparse(&obj, git, x) == 0 &&
	    git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0)
		root = git_commit_parentcount((git_commit *)peeled) == 0;
	if (root)
		git_oid_cpy(root_id, git_object_id(peeled));
	git_object_free(peeled);
	git_object_free(obj);
	free(x);
	return root;
}

/* Resolve both sides of spec to ids[0] (from) and ids[1] (to); *no_from
 * when from is a root commit's parent, which leaves nothing out.
 */
static int walk_resolve_spec(git_oid ids[2], bool *no_from, git_repository *git,
			     const struct walk_spec *spec, const char *range)
{
	git_commit *from = NULL;
	git_commit *to = NULL;
	int err = -1;

	*no_from = walk_root_parent(&ids[0], git, spec->from);
	if ((!*no_from && walk_lookup(&from, git, spec->from, range) < 0) ||
	    walk_lookup(&to, git, spec->to, range) < 0)
		goto out;
	if (from)
		git_oid_cpy(&ids[0], git_commit_id(from));
	git_oid_cpy(&ids[1], git_commit_id(to));
	/* "X^..B" takes X: a root B does not descend from would be left
	 * out of a range that says it is in.
	 */
	if (*no_from && !git_oid_equal(&ids[0], &ids[1]) &&
	    git_graph_descendant_of(git, &ids[1], &ids[0]) != 1) {
		walk_fail(WALK_ERR_RANGE_FORM,
			  "range '%s': '%.*s' is not an ancestor of '%s' (an "
			  "unrelated history's root); name a root of '%s'",
			  range, (int)strlen(spec->from) - 1, spec->from,
			  spec->to, spec->to);
		goto out;
	}
	err = 0;
out:
	git_commit_free(from);
	git_commit_free(to);
	return err;
}

static int walk_single(struct walk_list *out, git_repository *git,
		       const char *rev)
{
	git_commit *c = NULL;
	int err = -1;

	if (walk_lookup(&c, git, rev, NULL) < 0)
		goto out;
	out->v = bp_malloc(sizeof *out->v);
	if (walk_commit_fill(&out->v[0], c) < 0)
		goto out;
	out->n = 1;
	err = 0;
out:
	git_commit_free(c);
	return err;
}

static int walk_between(struct walk_list *out, git_repository *git,
			const struct walk_spec *spec, const char *range,
			const struct walk_options *opts)
{
	git_oid ids[2];
	bool no_from;

	if (walk_resolve_spec(ids, &no_from, git, spec, range) < 0 ||
	    walk_collect(out, git, no_from ? NULL : &ids[0], &ids[1],
			 opts->first_parent, range) < 0)
		return -1;
	if (out->n == 0)
		return walk_empty_fail(git, spec, ids, opts->first_parent,
				       range);
	walk_sample(out, opts);
	return 0;
}

int walk_range(struct walk_list *out, struct walk_repo *repo, const char *range,
	       const struct walk_options *opts)
{
	static const struct walk_options defaults = WALK_OPTIONS_INIT;
	struct walk_spec spec = {NULL, NULL};
	git_repository *git = walk_repo_git(repo);
	int err = -1;

	out->v = NULL;
	out->n = 0;
	if (walk_parse(&spec, range) < 0)
		goto out;
	if (spec.from)
		err = walk_between(out, git, &spec, range,
				   opts ? opts : &defaults);
	else
		err = walk_single(out, git, spec.to);
out:
	if (err)
		walk_list_free(out);
	walk_spec_free(&spec);
	return err;
}

void walk_list_free(struct walk_list *list)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		walk_commit_clear(&list->v[i]);
	free(list->v);
	list->v = NULL;
	list->n = 0;
}

/* The parents of commit i inside the list, appended to g->parents. */
static int walk_graph_parents(struct walk_graph *g, git_repository *git,
			      const struct bp_id_index *ix, size_t i,
			      bool first_parent, size_t *len)
{
	git_commit *c = NULL;
	git_oid oid;
	unsigned np;

	if (git_oid_fromstr(&oid, g->list.v[i].id) < 0 ||
	    git_commit_lookup(&c, git, &oid) < 0)
		return walk_git_fail(WALK_ERR_OTHER, "cannot read commit %s",
				     g->list.v[i].id);
	np = git_commit_parentcount(c);
	if (first_parent && np > 1)
		np = 1;
	g->parent_off[i] = *len;
	g->parent_outside[i] = true;
	for (unsigned k = 0; k < np; k++) {
		size_t p =
		    walk_index_find(ix, g->list.n, git_commit_parent_id(c, k));

		if (p == SIZE_MAX)
			continue;
		if (k == 0)
			g->parent_outside[i] = false;
		g->parents =
		    reallocarray(g->parents, *len + 1, sizeof *g->parents);
		if (!g->parents) {
			bp_error("out of memory");
			abort();
		}
		g->parents[(*len)++] = p;
	}
	git_commit_free(c);
	return 0;
}

static int walk_graph_link(struct walk_graph *g, git_repository *git,
			   bool first_parent)
{
	size_t n = g->list.n, len = 0;
	struct bp_id_index *ix = bp_malloc(n * sizeof *ix);
	int err = 0;

	for (size_t i = 0; i < n; i++)
		ix[i] = (struct bp_id_index){.id = g->list.v[i].id, .i = i};
	qsort(ix, n, sizeof *ix, bp_id_index_cmp);
	g->parent_off = bp_malloc((n + 1) * sizeof *g->parent_off);
	g->parent_outside = bp_malloc(n * sizeof *g->parent_outside);
	for (size_t i = 0; i < n && !err; i++)
		err = walk_graph_parents(g, git, ix, i, first_parent, &len);
	g->parent_off[n] = len;
	free(ix);
	return err;
}

static int walk_graph_check(git_repository *git, const git_oid *good,
			    const git_oid *bad, const char *good_rev,
			    const char *bad_rev)
{
	int r;

	if (git_oid_equal(good, bad))
		return walk_fail(WALK_ERR_EMPTY,
				 "good '%s' and bad '%s' are the same commit",
				 good_rev, bad_rev);
	r = git_graph_descendant_of(git, bad, good);
	if (r < 0)
		return walk_git_fail(WALK_ERR_OTHER,
				     "cannot compare '%s' and '%s'", good_rev,
				     bad_rev);
	if (r == 0 && git_graph_descendant_of(git, good, bad) == 1)
		return walk_fail(WALK_ERR_REVERSED,
				 "good '%s' is not an ancestor of bad '%s' "
				 "(swapped?)",
				 good_rev, bad_rev);
	if (r == 0)
		return walk_fail(WALK_ERR_EMPTY,
				 "good '%s' is not an ancestor of bad '%s'",
				 good_rev, bad_rev);
	return 0;
}

int walk_graph(struct walk_graph *out, struct walk_repo *repo, const char *good,
	       const char *bad, bool first_parent)
{
	git_repository *git = walk_repo_git(repo);
	git_commit *g = NULL, *b = NULL;
	char *range = bp_asprintf("%s..%s", good, bad);
	int err = -1;

	memset(out, 0, sizeof *out);
	if (walk_lookup(&g, git, good, NULL) < 0 ||
	    walk_lookup(&b, git, bad, NULL) < 0 ||
	    walk_graph_check(git, git_commit_id(g), git_commit_id(b), good,
			     bad) < 0 ||
	    walk_collect(&out->list, git, git_commit_id(g), git_commit_id(b),
			 first_parent, range) < 0)
		goto out;
	if (out->list.n == 0 ||
	    git_oid_streq(git_commit_id(b), out->list.v[out->list.n - 1].id)) {
		walk_fail(WALK_ERR_OTHER, "cannot order the commits of '%s'",
			  range);
		goto out;
	}
	err = walk_graph_link(out, git, first_parent);
out:
	if (err)
		walk_graph_free(out);
	git_commit_free(g);
	git_commit_free(b);
	free(range);
	return err;
}

void walk_graph_free(struct walk_graph *g)
{
	walk_list_free(&g->list);
	free(g->parent_off);
	free(g->parents);
	free(g->parent_outside);
	g->parent_off = g->parents = NULL;
	g->parent_outside = NULL;
}
