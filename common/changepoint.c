/* bootperf - change points in a series of boot times: E-divisive means
 * (Matteson and James, "A Nonparametric Approach for Multiple Change
 * Point Analysis of Multivariate Data", JASA 2014), with the energy
 * statistic in the form MongoDB's performance CI uses
 * (signal-processing-algorithms; Daly et al., ICPE 2020): exponent 1,
 * V-statistics.  As in the paper, each split tau of a segment is
 * compared with the stretch after it up to the best end kappa (MongoDB
 * takes the segment's end), so a short dip in the middle of a segment
 * is found too; the best split
 * of all segments is kept when a permutation test says it is
 * significant, and the search is repeated on the pieces until one is
 * not.
 *
 * Pure: no I/O, no allocation failure to report (bp_malloc aborts).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* e, t and h from the sums of distances (each pair once for xy, both
 * orders for x and y, as the V-statistics count them).
 */
static struct cp_energy cp_stats(double x, double y, double xy, size_t n,
				 size_t m)
{
	double dn = (double)n, dm = (double)m;
	double xy_avg = n && m ? xy / (dn * dm) : 0;
	double x_avg = n ? x / (dn * dn) : 0;
	double y_avg = m ? y / (dm * dm) : 0;
	struct cp_energy s;

	s.e = 2 * xy_avg - x_avg - y_avg;
	s.t = n + m ? dn * dm / (dn + dm) * s.e : 0;
	s.h = xy_avg > 0 ? s.e / (2 * xy_avg) : 0;
	return s;
}

/* cp_stats(x, y, xy, n, m).t for n, m > 0, in the same operations (so
 * the same bits) without h: the innermost loop of the search.
 */
static inline double cp_t(double x, double y, double xy, size_t n, size_t m)
{
	double dn = (double)n, dm = (double)m;
	double e = 2 * (xy / (dn * dm)) - x / (dn * dn) - y / (dm * dm);

	return dn * dm / (dn + dm) * e;
}

static double cp_pairs(const double *x, size_t n, const double *y, size_t m)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < m; j++)
			sum += fabs(x[i] - y[j]);
	return sum;
}

int cp_energy(struct cp_energy *out, const double *x, size_t n, const double *y,
	      size_t m)
{
	if (n == 0 || m == 0)
		return -1;
	*out = cp_stats(cp_pairs(x, n, x, n), cp_pairs(y, m, y, m),
			cp_pairs(x, n, y, m), n, m);
	return 0;
}

/* The statistic of every split, in O(n^2): moving x[tau] from the right
 * part to the left one changes the three sums by its distances to each
 * side.
 */
void cp_qhat(double *q, const double *x, size_t n)
{
	double left = 0, right = 0, across = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			right += fabs(x[i] - x[j]);
	for (size_t tau = 0; tau < n; tau++) {
		double to_left = 0, to_right = 0;

		q[tau] = cp_stats(2 * left, 2 * right, across, tau, n - tau).t;
		for (size_t i = 0; i < tau; i++)
			to_left += fabs(x[i] - x[tau]);
		for (size_t j = tau + 1; j < n; j++)
			to_right += fabs(x[tau] - x[j]);
		across += to_right - to_left;
		left += to_left;
		right -= to_right;
	}
}

/* splitmix64: small, fast, and the same sequence everywhere. */
static uint64_t cp_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void cp_shuffle(double *x, size_t n, uint64_t *state)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(cp_random(state) % i);
		double t = x[i - 1];

		x[i - 1] = x[j];
		x[j] = t;
	}
}

/* Sums of distances for every tau while kappa grows: within x[0..tau)
 * (left, fixed), between x[0..tau) and x[tau..kappa) (across) and within
 * x[tau..kappa) (right).  Each n + 1 long.
 */
struct cp_sums {
	double *left, *across, *right;
};

/* Adding x[k] to every right part x[tau..k): its distances to the left
 * part go across, those to the rest of the right part go right.
 */
static void cp_add_point(const double *x, size_t k, struct cp_sums *s)
{
	double before = 0, all = 0;

	for (size_t i = 0; i < k; i++)
		all += fabs(x[i] - x[k]);
	for (size_t t = 0; t <= k; t++) {
		s->across[t] += before;
		s->right[t] += all - before;
		if (t < k)
			before += fabs(x[t] - x[k]);
	}
}

static void cp_sums_init(struct cp_sums *s, const double *x, size_t n)
{
	s->left = bp_malloc((n + 1) * sizeof(double));
	s->across = bp_malloc((n + 1) * sizeof(double));
	s->right = bp_malloc((n + 1) * sizeof(double));
	for (size_t t = 0; t <= n; t++) {
		double add = 0;

		for (size_t i = 0; t > 0 && i + 1 < t; i++)
			add += fabs(x[i] - x[t - 1]);
		s->left[t] = t ? s->left[t - 1] + add : 0;
		s->across[t] = s->right[t] = 0;
	}
}

static void cp_sums_free(struct cp_sums *s)
{
	free(s->left);
	free(s->across);
	free(s->right);
}

double cp_split(const double *x, size_t n, size_t min, size_t *tau,
		size_t *kappa)
{
	struct cp_sums s;
	double best = -INFINITY;

	cp_sums_init(&s, x, n);
	for (size_t k = 0; min > 0 && n >= 2 * min && k < n; k++) {
		cp_add_point(x, k, &s);
		for (size_t t = min; t + min <= k + 1; t++) {
			double q = cp_t(2 * s.left[t], 2 * s.right[t],
					s.across[t], t, k + 1 - t);

			if (q > best) {
				best = q;
				*tau = t;
				*kappa = k + 1;
			}
		}
	}
	cp_sums_free(&s);
	return best;
}

/* Whether a split of x reaches enough (cp_split's maximum >= enough,
 * the permutation test's question), sooner.  Every split's t is first
 * estimated without a division: with m = kappa - tau, t = (2 xy - x m /
 * tau - y tau / m) / kappa, and tau + m is the same for a whole row.  The
 * estimate is within a few ulps of the sum of its terms' sizes (S), so
 * a split estimated more than 1e-12 S short of enough cannot reach it;
 * any other is computed as cp_split does, and decides: the answer is
 * cp_split's, bit for bit, at a quarter of the divisions or less.
 */
static bool cp_reaches(const double *x, size_t n, size_t min, double enough)
{
	struct cp_sums s;
	double *inv = bp_malloc((n + 1) * sizeof *inv);
	bool reached = false;

	inv[0] = 0;
	for (size_t i = 1; i <= n; i++)
		inv[i] = 1 / (double)i;
	cp_sums_init(&s, x, n);
	for (size_t k = 0; min > 0 && n >= 2 * min && k < n && !reached; k++) {
		cp_add_point(x, k, &s);
		for (size_t t = min; t + min <= k + 1 && !reached; t++) {
			size_t m = k + 1 - t;
			double a = 2 * s.across[t];
			double l = 2 * s.left[t] * (double)m * inv[t];
			double r = 2 * s.right[t] * (double)t * inv[m];

			if (inv[k + 1] * (a - l - r) +
				1e-12 * inv[k + 1] * (a + l + r) <
			    enough)
				continue;
			reached = cp_t(2 * s.left[t], 2 * s.right[t],
				       s.across[t], t, m) >= enough;
		}
	}
	cp_sums_free(&s);
	free(inv);
	return reached;
}

/* Working memory and state of one detection. */
struct cp_run {
	const double *x;
	size_t n;
	const struct cp_options *o;
	size_t *bounds; /* 0, the change points found so far, n */
	size_t n_bounds;
	double *buf;
	uint64_t rng;
};

static void cp_add_bound(struct cp_run *r, size_t at)
{
	size_t k = r->n_bounds++;

	while (k > 0 && r->bounds[k - 1] > at) {
		r->bounds[k] = r->bounds[k - 1];
		k--;
	}
	r->bounds[k] = at;
}

/* The best split over every segment between the bounds. */
static double cp_candidate(struct cp_run *r, size_t *at)
{
	double best = -INFINITY;

	for (size_t k = 0; k + 1 < r->n_bounds; k++) {
		size_t a = r->bounds[k], tau = 0, kappa;
		double q = cp_split(r->x + a, r->bounds[k + 1] - a,
				    r->o->min_size, &tau, &kappa);

		if (q > best) {
			best = q;
			*at = a + tau;
		}
	}
	return best;
}

/* Whether the best split with every segment shuffled inside its bounds
 * reaches enough.  Every segment is shuffled, whatever the answer, so
 * that the next shuffles draw the same numbers.
 */
static bool cp_permuted(struct cp_run *r, double enough)
{
	bool reached = false;

	for (size_t k = 0; k + 1 < r->n_bounds; k++) {
		size_t a = r->bounds[k], len = r->bounds[k + 1] - a;

		memcpy(r->buf, r->x + a, len * sizeof *r->buf);
		cp_shuffle(r->buf, len, &r->rng);
		if (!reached && cp_reaches(r->buf, len, r->o->min_size, enough))
			reached = true;
	}
	return reached;
}

/* The permutation p-value (b + 1) / (R + 1), where b counts the
 * shuffles whose best split is at least as strong as the observed one.
 * Once b is past alpha's reach the answer is known to be "not
 * significant" and the remaining shuffles are skipped (the value
 * returned is then only a lower bound, above alpha).
 */
static double cp_p_value(struct cp_run *r, double observed)
{
	size_t perms = r->o->permutations, b = 0;
	double most = r->o->alpha * (double)(perms + 1) - 1;

	for (size_t i = 0; i < perms && (double)b <= most; i++)
		if (cp_permuted(r, observed - 1e-9 * fabs(observed)))
			b++;
	return (double)(b + 1) / (double)(perms + 1);
}

size_t cp_permutations(double alpha)
{
	const struct cp_options dflt = CP_OPTIONS_INIT;
	double need;

	if (!(alpha > 0) || !(alpha <= 1))
		return 0;
	need = ceil(2 / alpha - 1e-9) - 1; /* 2 / 0.01 may round above 200 */
	if (need > CP_MAX_PERMUTATIONS)
		return 0;
	return need > (double)dflt.permutations ? (size_t)need
						: dflt.permutations;
}

/* E-divisive on x[0..n) alone, the rounds as cp_edivisive describes
 * them: the change points found are appended to found[*n_found..], their
 * indexes offset by offset (where x lies in the whole series).
 */
static void cp_search(struct cp_point *found, size_t *n_found, const double *x,
		      size_t n, size_t offset, const struct cp_options *o)
{
	struct cp_run r = {.x = x, .n = n, .o = o, .rng = o->seed};

	r.bounds = bp_malloc((n + 2) * sizeof *r.bounds);
	r.buf = bp_malloc((n + 1) * sizeof *r.buf);
	r.bounds[r.n_bounds++] = 0;
	r.bounds[r.n_bounds++] = n;
	for (;;) {
		size_t at = 0;
		double q = cp_candidate(&r, &at), p;

		if (q == -INFINITY || !(q > 0))
			break;
		p = cp_p_value(&r, q);
		if (p > o->alpha)
			break;
		found[*n_found] = (struct cp_point){.index = offset + at,
						    .q = q,
						    .p = p,
						    .round = *n_found + 1};
		(*n_found)++;
		cp_add_bound(&r, at);
	}
	free(r.bounds);
	free(r.buf);
}

/* --- the memo of searched windows --- */

/* A window searched before: its values and what the search found there
 * (indexes from the window's start, in the order found).
 */
struct cp_memo_entry {
	uint64_t hash;
	double *x;
	size_t n;
	struct cp_point *pts;
	size_t n_pts;
};

struct cp_memo {
	struct cp_options o;	 /* the entries' (the window size aside) */
	struct cp_memo_entry *v; /* open addressing; x NULL: free */
	size_t cap, n;
};

struct cp_memo *cp_memo_new(void)
{
	struct cp_memo *m = bp_malloc(sizeof *m);

	memset(m, 0, sizeof *m);
	return m;
}

static void cp_memo_clear(struct cp_memo *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->v[i].x);
		free(m->v[i].pts);
	}
	free(m->v);
	m->v = NULL;
	m->cap = m->n = 0;
}

void cp_memo_free(struct cp_memo *m)
{
	if (!m)
		return;
	cp_memo_clear(m);
	free(m);
}

static uint64_t cp_hash(const double *x, size_t n)
{
	uint64_t h = n;

	for (size_t i = 0; i < n; i++) {
		uint64_t bits;

		memcpy(&bits, &x[i], sizeof bits);
		h = (h ^ bits) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	return h;
}

/* The slot of x[0..n): its entry, or the free slot it would take. */
static struct cp_memo_entry *
cp_memo_slot(const struct cp_memo *m, uint64_t hash, const double *x, size_t n)
{
	for (size_t i = (size_t)hash & (m->cap - 1);;
	     i = (i + 1) & (m->cap - 1)) {
		struct cp_memo_entry *e = &m->v[i];

		if (!e->x || (e->hash == hash && e->n == n &&
			      !memcmp(e->x, x, n * sizeof *x)))
			return e;
	}
}

static void cp_memo_grow(struct cp_memo *m)
{
	struct cp_memo_entry *old = m->v;
	size_t old_cap = m->cap;

	m->cap = m->cap ? 2 * m->cap : 64;
	m->v = bp_malloc(m->cap * sizeof *m->v);
	memset(m->v, 0, m->cap * sizeof *m->v);
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].x)
			*cp_memo_slot(m, old[i].hash, old[i].x, old[i].n) =
			    old[i];
	free(old);
}

static bool cp_same_options(const struct cp_options *a,
			    const struct cp_options *b)
{
	return a->alpha == b->alpha && a->permutations == b->permutations &&
	       a->min_size == b->min_size && a->seed == b->seed;
}

/* cp_search through the memo (NULL: none). */
static void cp_search_memo(struct cp_point *found, size_t *n_found,
			   const double *x, size_t n, size_t offset,
			   const struct cp_options *o, struct cp_memo *m)
{
	size_t first = *n_found;
	uint64_t hash;
	struct cp_memo_entry *e;

	if (!m) {
		cp_search(found, n_found, x, n, offset, o);
		return;
	}
	if (!cp_same_options(&m->o, o)) {
		cp_memo_clear(m);
		m->o = *o;
	}
	if (2 * (m->n + 1) > m->cap)
		cp_memo_grow(m);
	hash = cp_hash(x, n);
	e = cp_memo_slot(m, hash, x, n);
	if (e->x) {
		for (size_t k = 0; k < e->n_pts; k++) {
			found[*n_found] = e->pts[k];
			found[*n_found].index += offset;
			found[*n_found].round = *n_found + 1;
			(*n_found)++;
		}
		return;
	}
	cp_search(found, n_found, x, n, offset, o);
	e->hash = hash;
	e->n = n;
	e->x = bp_malloc((n + 1) * sizeof *e->x);
	memcpy(e->x, x, n * sizeof *x);
	e->n_pts = *n_found - first;
	e->pts = bp_malloc((e->n_pts + 1) * sizeof *e->pts);
	for (size_t k = 0; k < e->n_pts; k++) {
		e->pts[k] = found[first + k];
		e->pts[k].index -= offset;
	}
	m->n++;
}

/* Where the window after the one at start begins: half a window on, or
 * at its last change point when that lies further (as Apache Otava's
 * split() walks), so that a change at a window's edge is seen whole by
 * the next one and none is found twice.
 */
static size_t cp_next_window(const struct cp_point *found, size_t first,
			     size_t n_found, size_t start, size_t window)
{
	size_t next = start + window / 2;

	for (size_t k = first; k < n_found; k++)
		if (found[k].index > next)
			next = found[k].index;
	return next;
}

int cp_edivisive_memo(struct cp_point **out, size_t *n_out, const double *x,
		      size_t n, const struct cp_options *o,
		      struct cp_memo *memo)
{
	struct cp_point *found = NULL;
	size_t n_found = 0, start = 0, window;

	*out = NULL;
	*n_out = 0;
	if (o->min_size == 0 || o->permutations == 0 || !(o->alpha > 0) ||
	    (o->window && o->window < 2 * o->min_size))
		return -1;
	window = o->window && o->window < n ? o->window : n;
	found = bp_malloc((n + 1) * sizeof *found);
	for (;;) {
		size_t end = n - start > window ? start + window : n;
		size_t first = n_found;

		cp_search_memo(found, &n_found, x + start, end - start, start,
			       o, memo);
		if (end == n)
			break;
		start = cp_next_window(found, first, n_found, start, window);
	}
	cp_sort(found, n_found);
	*out = found;
	*n_out = n_found;
	return 0;
}

int cp_edivisive(struct cp_point **out, size_t *n_out, const double *x,
		 size_t n, const struct cp_options *o)
{
	return cp_edivisive_memo(out, n_out, x, n, o, NULL);
}

/* Sums of a series centred on its mean (so that exact data stays
 * exact), n + 1 long: of y, of y^2 and of i * y before each index.
 */
struct cp_sums2 {
	double *y, *yy, *iy;
};

static void cp_sums2_init(struct cp_sums2 *p, const double *x, size_t n)
{
	double c = 0;

	for (size_t i = 0; i < n; i++)
		c += x[i] / (double)n;
	p->y = bp_malloc((n + 1) * sizeof(double));
	p->yy = bp_malloc((n + 1) * sizeof(double));
	p->iy = bp_malloc((n + 1) * sizeof(double));
	p->y[0] = p->yy[0] = p->iy[0] = 0;
	for (size_t i = 0; i < n; i++) {
		double y = x[i] - c;

		p->y[i + 1] = p->y[i] + y;
		p->yy[i + 1] = p->yy[i] + y * y;
		p->iy[i + 1] = p->iy[i] + (double)i * y;
	}
}

static void cp_sums2_free(struct cp_sums2 *p)
{
	free(p->y);
	free(p->yy);
	free(p->iy);
}

/* Sum of squares of [a, b) around its own mean, and that mean. */
static double cp_flat(const struct cp_sums2 *p, size_t a, size_t b,
		      double *mean)
{
	double m = (double)(b - a), s = p->y[b] - p->y[a];

	*mean = s / m;
	return fmax(0, p->yy[b] - p->yy[a] - s * s / m);
}

double cp_sse(const double *x, size_t n)
{
	struct cp_sums2 p;
	double mean, sse;

	if (n == 0)
		return 0;
	cp_sums2_init(&p, x, n);
	sse = cp_flat(&p, 0, n, &mean);
	cp_sums2_free(&p);
	return sse;
}

/* The squares of the commits strictly between s and e about the line
 * from (s, a) to (e, b): j = i - s runs over 1..m.
 */
static double cp_line(const struct cp_sums2 *p, size_t s, size_t e, double a,
		      double b)
{
	double m = (double)(e - s - 1), d = (b - a) / (double)(e - s);
	double sy = p->y[e] - p->y[s + 1], syy = p->yy[e] - p->yy[s + 1];
	double sjy = p->iy[e] - p->iy[s + 1] - (double)s * sy;
	double sj = m * (m + 1) / 2, sjj = m * (m + 1) * (2 * m + 1) / 6;

	return fmax(0, syy - 2 * a * sy - 2 * d * sjy + m * a * a +
			   2 * a * d * sj + d * d * sjj);
}

double cp_ramp(const double *x, size_t n, const struct cp_ramp_bounds *bd,
	       size_t *s_out, size_t *e_out)
{
	struct cp_sums2 p;
	double best = INFINITY;

	if (n == 0 || bd->e_max >= n)
		return INFINITY;
	cp_sums2_init(&p, x, n);
	for (size_t s = bd->s_min; s <= bd->s_max; s++) {
		double a, sa = cp_flat(&p, 0, s + 1, &a);

		for (size_t e = bd->e_min; e <= bd->e_max; e++) {
			double b, sse;

			if (e < s + bd->min_len)
				continue;
			sse = sa + cp_flat(&p, e, n, &b) +
			      cp_line(&p, s, e, a, b);
			if (sse < best) {
				best = sse;
				*s_out = s;
				*e_out = e;
			}
		}
	}
	cp_sums2_free(&p);
	return best;
}

static int cp_by_index(const void *a, const void *b)
{
	size_t x = ((const struct cp_point *)a)->index;
	size_t y = ((const struct cp_point *)b)->index;

	return (x > y) - (x < y);
}

void cp_sort(struct cp_point *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof *v, cp_by_index);
}
