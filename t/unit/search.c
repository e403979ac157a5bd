/* Unit tests of the bisection search (bisect/search.c): no git, plain
 * graphs of indices with an oracle that knows the first bad commit.
 */
#include <stdlib.h>
#include <string.h>

#include "bisect.h"
#include "tap.h"

struct graph {
	size_t n;
	size_t off[80];
	size_t par[160];
};

static void linear(struct graph *g, size_t n)
{
	g->n = n;
	g->off[0] = 0;
	for (size_t i = 0; i < n; i++) {
		g->off[i + 1] = g->off[i];
		if (i > 0)
			g->par[g->off[i + 1]++] = i - 1;
	}
}

/* Is a an ancestor of b (or b itself)? */
static bool ancestor(const struct graph *g, size_t a, size_t b)
{
	if (a == b)
		return true;
	for (size_t k = g->off[b]; k < g->off[b + 1]; k++)
		if (ancestor(g, a, g->par[k]))
			return true;
	return false;
}

/* Run the search against the oracle "bad iff culprit is an ancestor";
 * commits in skip[] cannot be tested.  Returns the final state; *steps
 * counts the tests, *answer the commit named.
 */
static enum search_state run(const struct graph *g, size_t culprit,
			     const bool *skip, size_t *answer, size_t *steps)
{
	struct search *s;
	enum search_state st;
	size_t next = 0;

	*steps = 0;
	*answer = SIZE_MAX;
	if (search_new(&s, g->n, g->off, g->par) == -1)
		return SEARCH_AMBIGUOUS;
	while ((st = search_next(s, &next)) == SEARCH_TEST && *steps < 200) {
		enum search_mark m = skip && skip[next]		  ? SEARCH_SKIP
				     : ancestor(g, culprit, next) ? SEARCH_BAD
								  : SEARCH_GOOD;

		(*steps)++;
		if (search_mark(s, next, m) == -1)
			break;
	}
	*answer = next;
	search_free(s);
	return st;
}

static size_t ceil_log2(size_t n)
{
	size_t k = 0;

	while (((size_t)1 << k) < n)
		k++;
	return k;
}

static void test_linear(size_t n)
{
	struct graph g;
	bool all_found = true, all_short = true;

	linear(&g, n);
	for (size_t c = 0; c < n; c++) {
		size_t answer, steps;
		enum search_state st = run(&g, c, NULL, &answer, &steps);

		if (st != SEARCH_FOUND || answer != c) {
			all_found = false;
			tap_diag("n=%zu culprit %zu: state %d answer %zu", n, c,
				 (int)st, answer);
		}
		if (steps > ceil_log2(n))
			all_short = false;
	}
	ok(all_found, "linear %zu: every culprit position is found", n);
	ok(all_short, "linear %zu: at most %zu tests each", n, ceil_log2(n));
}

static void test_linear_skip(void)
{
	struct graph g;
	bool ambiguous_ok = true, exact_ok = true;

	linear(&g, 16);
	for (size_t c = 1; c < 16; c++) {
		bool skip[16] = {false};
		size_t answer, steps, *cand = NULL, n_cand = 0;
		struct search *s;
		enum search_state st;

		/* The commit right before the culprit does not build. */
		skip[c - 1] = true;
		st = run(&g, c, skip, &answer, &steps);
		/* Whether c - 1 is good cannot be told: like git, the
		 * answer is both.
		 */
		if (st != SEARCH_AMBIGUOUS) {
			ambiguous_ok = false;
			continue;
		}
		/* Replay to read the candidates left. */
		search_new(&s, g.n, g.off, g.par);
		for (size_t i = 0; i < 16; i++)
			if (i < c - 1)
				search_mark(s, i, SEARCH_GOOD);
		search_mark(s, c - 1, SEARCH_SKIP);
		search_mark(s, c, SEARCH_BAD);
		n_cand = search_candidates(s, &cand);
		if (n_cand != 2 || cand[0] != c - 1 || cand[1] != c)
			ambiguous_ok = false;
		free(cand);
		search_free(s);
	}
	ok(ambiguous_ok, "an unbuildable commit right before the culprit "
			 "leaves exactly it and the culprit as candidates");
	/* A skipped commit elsewhere does not stop an exact answer. */
	for (size_t c = 0; c < 16; c++) {
		bool skip[16] = {false};
		size_t answer, steps;

		skip[(c + 8) % 15] = (c + 8) % 15 != c && (c + 8) % 15 + 1 != c;
		if (run(&g, c, skip, &answer, &steps) != SEARCH_FOUND ||
		    answer != c)
			exact_ok = false;
	}
	ok(exact_ok, "a skipped commit away from the culprit: still exact");
}

/* a0 a1 a2 a3 . M t0 t1, with a side line s0 s1 s2 from a1 into M:
 *   0 a0, 1 a1, 2 a2, 3 s0, 4 s1, 5 a3, 6 s2, 7 M, 8 t0, 9 t1
 */
static void merge_graph(struct graph *g)
{
	static const size_t p[][2] = {{99, 99}, {0, 99}, {1, 99}, {1, 99},
				      {3, 99},	{2, 99}, {4, 99}, {5, 6},
				      {7, 99},	{8, 99}};

	g->n = 10;
	g->off[0] = 0;
	for (size_t i = 0; i < g->n; i++) {
		g->off[i + 1] = g->off[i];
		for (size_t k = 0; k < 2; k++)
			if (p[i][k] != 99)
				g->par[g->off[i + 1]++] = p[i][k];
	}
}

static void test_merges(void)
{
	struct graph g;
	bool found = true;

	merge_graph(&g);
	for (size_t c = 0; c < g.n; c++) {
		size_t answer, steps;

		if (run(&g, c, NULL, &answer, &steps) != SEARCH_FOUND ||
		    answer != c) {
			found = false;
			tap_diag("merge graph culprit %zu: answer %zu", c,
				 answer);
		}
	}
	ok(found, "across a merge: a culprit on either line is found");
}

static void test_errors(void)
{
	struct search *s = NULL;
	size_t off[3] = {0, 1, 1}, par[1] = {1}, next;

	ok(search_new(&s, 2, off, par) == -1 && !s,
	   "a parent newer than its child is refused");
	ok(search_new(&s, 0, off, par) == -1, "an empty graph is refused");
	{
		size_t lone[2] = {0, 0};

		ok(search_new(&s, 1, lone, NULL) == 0 && s,
		   "one commit, no parents array");
		search_free(s);
		s = NULL;
	}
	off[1] = 0;
	off[2] = 1;
	par[0] = 0;
	ok(search_new(&s, 2, off, par) == 0, "two commits");
	is_size(search_steps_left(s), 1, "one step left for two candidates");
	ok(search_next(s, &next) == SEARCH_TEST && next == 0,
	   "the older one is tested");
	ok(search_mark(s, 0, SEARCH_GOOD) == 0, "marked good");
	ok(search_mark(s, 0, SEARCH_BAD) == -1,
	   "a commit already decided cannot be marked again");
	ok(search_next(s, &next) == SEARCH_FOUND && next == 1,
	   "the bad endpoint is the answer");
	is_size(search_steps_left(s), 0, "no step left");
	ok(search_mark(s, 7, SEARCH_GOOD) == -1, "out of range");
	search_free(s);
	search_free(NULL);
}

int main(void)
{
	test_linear(1);
	test_linear(2);
	test_linear(16);
	test_linear(64);
	test_linear(63);
	test_linear_skip();
	test_merges();
	test_errors();
	return tap_done();
}
