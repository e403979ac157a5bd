/* bootperf - the JSON report of a history ("type": "bootperf-report"):
 * every commit, the change points and their drifts, and where the
 * history came from.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "reports.h"
#include "store.h"

#define REPORT_TYPE "bootperf-report"
#define REPORT_FORMAT 1

static const char *direction(const struct change_point *c)
{
	return c->percent > 0 ? "regression" : "improvement";
}

static void put_drift(cJSON *o, const struct history *h,
		      const struct change_point *c)
{
	const struct range_entry *b, *a;
	cJSON *d;

	if (c->drift_from == SIZE_MAX) {
		json_add_string(o, "drift", NULL);
		return;
	}
	b = &h->r.v[c->drift_from];
	a = &h->r.v[c->drift_to];
	d = cJSON_AddObjectToObject(o, "drift");
	json_add_string(d, "before", b->res.commit_id);
	json_add_string(d, "before_short", b->short_id);
	json_add_string(d, "after", a->res.commit_id);
	json_add_string(d, "after_short", a->short_id);
	json_add_string(d, "after_subject", a->res.subject);
	cJSON_AddNumberToObject(d, "commits",
				(double)(c->drift_to - c->drift_from));
	json_add_number(d, "change_percent", c->drift_pct);
}

static cJSON *change_point_object(const struct history *h,
				  const struct change_point *c)
{
	const struct range_entry *b = &h->r.v[c->before],
				 *a = &h->r.v[c->after];
	cJSON *o = cJSON_CreateObject();
	char when[32];

	json_add_string(o, "before", b->res.commit_id);
	json_add_string(o, "before_short", b->short_id);
	json_add_string(o, "after", a->res.commit_id);
	json_add_string(o, "after_short", a->short_id);
	json_add_string(o, "after_subject", a->res.subject);
	cJSON_AddNumberToObject(o, "commits", (double)c->candidates);
	cJSON_AddNumberToObject(o, "not_measured", (double)c->unmeasured);
	json_add_number(o, "before_ms", c->before_ms);
	json_add_number(o, "after_ms", c->after_ms);
	json_add_number(o, "change_ms", c->delta_ms);
	json_add_number(o, "change_percent", c->percent);
	json_add_number(o, "p", c->p);
	json_add_string(o, "direction", direction(c));
	put_drift(o, h, c);
	cJSON_AddBoolToObject(o, "at_tip", c->at_tip);
	cJSON_AddBoolToObject(o, "reported", c->reported);
	cJSON_AddBoolToObject(o, "new", c->is_new);
	if (c->first_seen > 0) {
		json_iso_time(when, sizeof when, c->first_seen);
		json_add_string(o, "first_seen", when);
	} else
		json_add_string(o, "first_seen", NULL);
	if (c->ack) {
		cJSON *ack = cJSON_AddObjectToObject(o, "acknowledged");

		json_add_string(ack, "commit", c->ack_commit);
		json_add_string(ack, "note", c->ack);
	} else
		json_add_string(o, "acknowledged", NULL);
	return o;
}

static cJSON *commit_object(const struct history *h, size_t i)
{
	cJSON *o = json_range_entry(&h->r, i);

	cJSON_DeleteItemFromObjectCaseSensitive(o, "from_store");
	if (h->r.v[i].missing)
		cJSON_ReplaceItemInObjectCaseSensitive(
		    o, "status", cJSON_CreateString("not-measured"));
	return o;
}

static cJSON *method_object(const struct history *h)
{
	cJSON *o = cJSON_CreateObject();

	json_add_string(o, "name", "e-divisive means");
	cJSON_AddNumberToObject(o, "alpha", h->cpo.alpha);
	cJSON_AddNumberToObject(o, "permutations", (double)h->cpo.permutations);
	cJSON_AddNumberToObject(o, "min_segment", (double)h->cpo.min_size);
	cJSON_AddNumberToObject(o, "seed", (double)h->cpo.seed);
	cJSON_AddNumberToObject(o, "threshold_percent", h->r.threshold);
	return o;
}

static void meta_fields(cJSON *root, const struct report_meta *m)
{
	char when[32];

	json_add_string(root, "source", m->range ? "range" : "track");
	json_add_string(root, "repo", m->repo);
	json_add_string(root, "range", m->range);
	json_add_string(root, "remote", m->remote);
	json_add_string(root, "url", m->url);
	json_add_string(root, "branch", m->branch);
	if (m->updated > 0) {
		json_iso_time(when, sizeof when, m->updated);
		json_add_string(root, "updated", when);
	} else
		json_add_string(root, "updated", NULL);
	json_add_string(root, "fetch_error", m->fetch_error);
}

static cJSON *counts_object(const struct history *h)
{
	cJSON *o = cJSON_CreateObject();
	size_t ok, failed, missing;

	history_counts(h, &ok, &failed, &missing);
	cJSON_AddNumberToObject(o, "commits", (double)h->r.n);
	cJSON_AddNumberToObject(o, "measured", (double)ok);
	cJSON_AddNumberToObject(o, "failed", (double)failed);
	cJSON_AddNumberToObject(o, "not_measured", (double)missing);
	return o;
}

int report_history_json(FILE *fp, const struct history *h,
			const struct report_meta *m)
{
	cJSON *root = cJSON_CreateObject(), *arr;
	size_t *idx = NULL, n;

	if (!root)
		return -1;
	json_add_string(root, "type", REPORT_TYPE);
	cJSON_AddNumberToObject(root, "format", REPORT_FORMAT);
	meta_fields(root, m);
	json_add_string(root, "config_id", h->r.config_id);
	json_add_string(root, "test",
			h->r.method == STATS_WELCH ? "welch" : "mann-whitney");
	cJSON_AddNumberToObject(root, "alpha", h->r.alpha);
	cJSON_AddNumberToObject(root, "threshold_percent", h->r.threshold);
	cJSON_AddItemToObject(root, "change_point_method", method_object(h));
	cJSON_AddItemToObject(root, "counts", counts_object(h));
	arr = cJSON_AddArrayToObject(root, "commits");
	for (size_t i = 0; i < h->r.n; i++)
		cJSON_AddItemToArray(arr, commit_object(h, i));
	arr = cJSON_AddArrayToObject(root, "significant");
	n = range_significant(&h->r, &idx);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(
		    arr, cJSON_CreateString(h->r.v[idx[i]].res.commit_id));
	free(idx);
	arr = cJSON_AddArrayToObject(root, "change_points");
	for (size_t i = 0; i < h->n_cp; i++)
		cJSON_AddItemToArray(arr, change_point_object(h, &h->cp[i]));
	cJSON_AddBoolToObject(root, "alert", history_alert(h));
	return json_print(fp, root);
}
