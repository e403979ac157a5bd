/* bootperf - a history (every commit of a followed branch or a range,
 * oldest first) filled from the store: what track and report share.
 */
#include <stdlib.h>
#include <string.h>

#include "bisect.h"
#include "cmd.h"
#include "reports.h"
#include "store.h"

int cmd_history_alpha(const char *arg, double *alpha)
{
	if (cmd_parse_fraction("--alpha", arg, 0, 0.5, alpha) == -1)
		return -1;
	if (cp_permutations(*alpha) > 0)
		return 1;
	bp_error("--alpha: '%s' is below %g, the smallest level the "
		 "change-point test reaches (with %d permutations)",
		 arg, 2.0 / (CP_MAX_PERMUTATIONS + 1), CP_MAX_PERMUTATIONS);
	return -1;
}

void cmd_history_levels(struct history *h, double alpha, double threshold)
{
	size_t perms = cp_permutations(alpha);

	h->cpo.permutations = perms ? perms : CP_MAX_PERMUTATIONS;
	h->cpo.alpha = alpha;
	h->r.alpha = alpha;
	h->r.threshold = threshold;
}

/* A rank test has a smallest possible p-value: with fewer passes than
 * this a side, no change between neighbours can ever be flagged.
 */
static size_t history_need_runs(const struct history *h)
{
	return h->r.method == STATS_MANN_WHITNEY ? stats_mw_min_runs(h->r.alpha)
						 : 2;
}

static void history_warn_runs(const struct history *h, const char *what,
			      size_t runs)
{
	bp_warning("%s %zu: the %s test needs at least %zu passes a side to "
		   "reach p < %g; no change between neighbours can be "
		   "flagged (change points still can)",
		   what, runs,
		   h->r.method == STATS_WELCH ? "Welch" : "Mann-Whitney",
		   history_need_runs(h), h->r.alpha);
}

void cmd_history_warn_runs(const struct history *h, long runs)
{
	if (runs >= 0 && (size_t)runs < history_need_runs(h))
		history_warn_runs(h, "--runs", (size_t)runs);
}

void cmd_history_warn_samples(const struct history *h)
{
	size_t fewest = SIZE_MAX;

	for (size_t i = 0; i < h->r.n; i++) {
		const struct range_entry *e = &h->r.v[i];

		if (!e->missing && e->res.status == COMMIT_OK &&
		    e->res.bench.n_samples > 0 &&
		    e->res.bench.n_samples < fewest)
			fewest = e->res.bench.n_samples;
	}
	if (fewest != SIZE_MAX && fewest < history_need_runs(h))
		history_warn_runs(h, "commits measured with as few passes as",
				  fewest);
}

void cmd_history_init(struct history *h, double alpha, double threshold)
{
	const struct cp_options cpo = CP_OPTIONS_INIT;

	memset(h, 0, sizeof *h);
	h->cpo = cpo;
	cmd_history_levels(h, alpha, threshold);
	h->r.method = STATS_MANN_WHITNEY;
	h->r.how = "run commit by commit";
}

static void history_add(struct history *h, const char *id, const char *abbrev,
			const char *subject, size_t base)
{
	struct range_entry *e = &h->r.v[h->r.n++];

	memset(e, 0, sizeof *e);
	e->base = base;
	snprintf(e->short_id, sizeof e->short_id, "%s", abbrev);
	e->missing = true;
	e->res.commit_id = bp_strdup(id);
	e->res.subject = bp_strdup(subject ? subject : "");
	e->res.config_id = bp_strdup(h->r.config_id);
}

void cmd_history_from_walk(struct history *h, const struct walk_list *l)
{
	h->r.v = bp_malloc((l->n + 1) * sizeof *h->r.v);
	for (size_t i = 0; i < l->n; i++)
		history_add(h, l->v[i].id, l->v[i].short_id, l->v[i].subject,
			    l->v[i].base);
}

static size_t common_prefix(const char *a, const char *b)
{
	size_t n = 0;

	while (a[n] && a[n] == b[n])
		n++;
	return n;
}

/* Without a repository: abbreviations unique within the history, at
 * least 7 digits, as git would make them.
 */
static void abbreviate(struct history *h)
{
	size_t n = h->r.n;
	struct bp_id_index *ix = bp_malloc((n + 1) * sizeof *ix);

	for (size_t i = 0; i < n; i++)
		ix[i] = (struct bp_id_index){h->r.v[i].res.commit_id, i};
	qsort(ix, n, sizeof *ix, bp_id_index_cmp);
	for (size_t k = 0; k < n; k++) {
		size_t len = 7, common;

		if (k > 0 &&
		    (common = common_prefix(ix[k].id, ix[k - 1].id)) >= len)
			len = common + 1;
		if (k + 1 < n &&
		    (common = common_prefix(ix[k].id, ix[k + 1].id)) >= len)
			len = common + 1;
		snprintf(h->r.v[ix[k].i].short_id,
			 sizeof h->r.v[ix[k].i].short_id, "%.*s", (int)len,
			 ix[k].id);
	}
	free(ix);
}

/* The base of history[i] as saved: the entry with its id, before it.  A
 * state saved before bases were (no "base" at all) goes by the order,
 * right for first parents, which track follows by default.
 */
static size_t state_base(const struct track_state *s, size_t i)
{
	const struct track_commit *c = &s->history[i];

	if (!c->has_base)
		return i; /* 1 + (i - 1) */
	for (size_t j = i; c->base[0] && j-- > 0;)
		if (!strcmp(s->history[j].id, c->base))
			return j + 1;
	return 0;
}

void cmd_history_from_state(struct history *h, const struct track_state *s)
{
	h->r.v = bp_malloc((s->n_history + 1) * sizeof *h->r.v);
	for (size_t i = 0; i < s->n_history; i++)
		history_add(h, s->history[i].id, "", s->history[i].subject,
			    state_base(s, i));
	abbreviate(h);
}

int cmd_history_load_one(struct history *h, struct store *st, size_t i)
{
	struct range_entry *e = &h->r.v[i];
	struct commit_result res;
	int r = store_get(st, h->r.config_id, e->res.commit_id, &res);

	if (r != 0) {
		commit_result_free(&res);
		return r;
	}
	if (!res.subject) {
		res.subject = e->res.subject;
		e->res.subject = NULL;
	}
	commit_result_free(&e->res);
	e->res = res;
	e->missing = false;
	e->from_store = true;
	return 0;
}

void cmd_history_load(struct history *h, struct store *st)
{
	for (size_t i = 0; i < h->r.n; i++)
		cmd_history_load_one(h, st, i);
}

int cmd_history_load_checked(struct history *h, struct store *st)
{
	for (size_t i = 0; i < h->r.n; i++)
		if (cmd_history_load_one(h, st, i) == -2)
			return -2;
	return 0;
}

/* Mark the change points from the state and the acks in the store. */
void cmd_history_mark(struct history *h, struct store *st,
		      const struct track_state *s, double now)
{
	struct ack *acks = NULL;
	size_t n_acks = 0;

	store_get_acks(st, &acks, &n_acks);
	history_mark(h, s ? s->changes : NULL, s ? s->n_changes : 0, acks,
		     n_acks, now);
	acks_free(acks, n_acks);
}
