/* bootperf - the bisection search: which commit to test next, as git's
 * bisect.c chooses it, over a plain graph of indices (no git here).
 *
 * The candidates for the first bad commit are the ancestors of the
 * newest bad commit (itself included) that are not ancestors of a good
 * one.  The next commit to test is the candidate whose own ancestors
 * among the candidates come closest to half of them, so that either
 * answer removes about half.  On a linear history that is plain
 * halving; across merges it is git's rule.  A skipped commit is passed
 * over for the next best split, which on a line is a neighbour.
 */
#include <stdlib.h>
#include <string.h>

#include "bisect.h"

struct search {
	size_t n;
	size_t *parent_off; /* n + 1 */
	size_t *parents;
	enum search_mark *mark;
	size_t bad;		  /* the newest bad commit */
	unsigned char *candidate; /* n flags, valid after search_refresh */
	size_t n_candidates;
	size_t *stack;	 /* n, for the walks */
	unsigned *stamp; /* n, visit stamps */
	unsigned epoch;
};

static void *search_alloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		bp_error("out of memory");
		abort();
	}
	return p;
}

int search_new(struct search **out, size_t n, const size_t *parent_off,
	       const size_t *parents)
{
	struct search *s;

	*out = NULL;
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		for (size_t k = parent_off[i]; k < parent_off[i + 1]; k++)
			if (parents[k] >= i)
				return -1; /* parents come first */
	s = search_alloc(1, sizeof *s);
	s->n = n;
	s->parent_off = search_alloc(n + 1, sizeof *s->parent_off);
	memcpy(s->parent_off, parent_off, (n + 1) * sizeof *parent_off);
	s->parents = search_alloc(parent_off[n], sizeof *s->parents);
	if (parent_off[n] > 0) /* a lone commit has no parents array */
		memcpy(s->parents, parents, parent_off[n] * sizeof *parents);
	s->mark = search_alloc(n, sizeof *s->mark);
	s->candidate = search_alloc(n, 1);
	s->stack = search_alloc(n, sizeof *s->stack);
	s->stamp = search_alloc(n, sizeof *s->stamp);
	s->bad = n - 1;
	s->mark[s->bad] = SEARCH_BAD;
	*out = s;
	return 0;
}

void search_free(struct search *s)
{
	if (!s)
		return;
	free(s->parent_off);
	free(s->parents);
	free(s->mark);
	free(s->candidate);
	free(s->stack);
	free(s->stamp);
	free(s);
}

/* Visit from and its ancestors once each; visit returns the count. */
static size_t search_walk(struct search *s, size_t from,
			  void (*visit)(struct search *s, size_t i),
			  bool only_candidates)
{
	size_t top = 0, count = 0;

	if (++s->epoch == 0) {
		memset(s->stamp, 0, s->n * sizeof *s->stamp);
		s->epoch = 1;
	}
	s->stack[top++] = from;
	s->stamp[from] = s->epoch;
	while (top > 0) {
		size_t i = s->stack[--top];

		count++;
		if (visit)
			visit(s, i);
		for (size_t k = s->parent_off[i]; k < s->parent_off[i + 1];
		     k++) {
			size_t p = s->parents[k];

			if (s->stamp[p] == s->epoch ||
			    (only_candidates && !s->candidate[p]))
				continue;
			s->stamp[p] = s->epoch;
			s->stack[top++] = p;
		}
	}
	return count;
}

static void set_candidate(struct search *s, size_t i)
{
	s->candidate[i] = 1;
}

static void clear_candidate(struct search *s, size_t i)
{
	s->candidate[i] = 0;
}

/* Ancestors of the newest bad, minus ancestors of every good. */
static void search_refresh(struct search *s)
{
	memset(s->candidate, 0, s->n);
	search_walk(s, s->bad, set_candidate, false);
	for (size_t i = 0; i < s->n; i++)
		if (s->mark[i] == SEARCH_GOOD)
			search_walk(s, i, clear_candidate, false);
	s->n_candidates = 0;
	for (size_t i = 0; i < s->n; i++)
		s->n_candidates += s->candidate[i];
}

int search_mark(struct search *s, size_t i, enum search_mark m)
{
	if (i >= s->n)
		return -1;
	search_refresh(s);
	if (m != SEARCH_UNKNOWN && !s->candidate[i])
		return -1; /* already decided by an earlier answer */
	s->mark[i] = m;
	if (m == SEARCH_BAD)
		s->bad = i;
	return 0;
}

enum search_mark search_get_mark(const struct search *s, size_t i)
{
	return i < s->n ? s->mark[i] : SEARCH_UNKNOWN;
}

/* min(a, N - a): how much either answer about i would remove. */
static size_t search_split(struct search *s, size_t i)
{
	size_t a = search_walk(s, i, NULL, true);

	return a < s->n_candidates - a ? a : s->n_candidates - a;
}

enum search_state search_next(struct search *s, size_t *next)
{
	size_t best = SIZE_MAX, best_split = 0;

	search_refresh(s);
	*next = s->bad;
	if (s->n_candidates == 1)
		return SEARCH_FOUND;
	for (size_t i = 0; i < s->n; i++) {
		size_t split;

		if (!s->candidate[i] || i == s->bad ||
		    s->mark[i] == SEARCH_SKIP)
			continue;
		split = search_split(s, i);
		/* Ties go to the newer commit, as a later one halves the
		 * remaining line from above as often as from below.
		 */
		if (best == SIZE_MAX || split >= best_split) {
			best = i;
			best_split = split;
		}
	}
	if (best == SIZE_MAX)
		return SEARCH_AMBIGUOUS;
	*next = best;
	return SEARCH_TEST;
}

size_t search_candidates(struct search *s, size_t **out)
{
	size_t k = 0;

	search_refresh(s);
	if (out) {
		*out = search_alloc(s->n_candidates, sizeof **out);
		for (size_t i = 0; i < s->n; i++)
			if (s->candidate[i])
				(*out)[k++] = i;
	}
	return s->n_candidates;
}

size_t search_steps_left(struct search *s)
{
	size_t n = search_candidates(s, NULL), steps = 0;

	/* ceil(log2(n)): each answer halves the candidates. */
	while (n > 1) {
		n = (n + 1) / 2;
		steps++;
	}
	return steps;
}
