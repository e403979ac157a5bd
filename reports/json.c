/* bootperf - JSON reports (cJSON): a benchmark, a range, a bisection
 * and bisect-run's verdict as one document each.  The stored documents'
 * trees come from the store's codec (store/codec.c).
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports.h"
#include "store.h"

int json_print(FILE *fp, cJSON *root)
{
	char *text = root ? cJSON_Print(root) : NULL;

	cJSON_Delete(root);
	if (!text)
		return -1;
	fprintf(fp, "%s\n", text);
	cJSON_free(text);
	return 0;
}

int report_bench_json(FILE *fp, const struct bench_result *res)
{
	return json_print(fp, json_from_bench(res));
}

/* The ratio of the medians' kind (Hodges-Lehmann on log times), its
 * interval (null for an end too few passes cannot give) and the
 * three-way verdict.
 */
/* "artifacts": what the run did with the artifact store. */
static void json_add_artifacts(cJSON *root, const struct artifact_counts *a)
{
	cJSON *o = cJSON_AddObjectToObject(root, "artifacts");

	cJSON_AddNumberToObject(o, "captured", (double)a->captured);
	cJSON_AddNumberToObject(o, "reused", (double)a->reused);
	cJSON_AddNumberToObject(o, "evicted", (double)a->evicted);
	cJSON_AddNumberToObject(o, "capture_s", a->capture_s);
	cJSON_AddNumberToObject(o, "capture_bytes", (double)a->bytes);
}

static cJSON *shift_object(const struct stats_shift *s)
{
	cJSON *o = cJSON_CreateObject(), *ci;

	cJSON_AddItemToObject(o, "estimate_percent",
			      json_number_or_null(s->estimate));
	ci = cJSON_AddArrayToObject(o, "ci_percent");
	cJSON_AddItemToArray(ci, s->lo > -100 ? cJSON_CreateNumber(s->lo)
					      : cJSON_CreateNull());
	cJSON_AddItemToArray(ci, isfinite(s->hi) ? cJSON_CreateNumber(s->hi)
						 : cJSON_CreateNull());
	cJSON_AddNumberToObject(o, "level", s->level);
	json_add_number(o, "detectable_percent", s->detectable);
	json_add_string(o, "verdict", stats_shift_verdict_name(s->verdict));
	return o;
}

/* "shift" of b against a in o, when both have passes to judge. */
static void add_shift(cJSON *o, const struct bench_result *a,
		      const struct bench_result *b, double alpha,
		      double threshold)
{
	struct stats_shift s;

	if (stats_shift(&s, a->sample_ms, a->n_samples, b->sample_ms,
			b->n_samples, alpha, threshold) == 0)
		cJSON_AddItemToObject(o, "shift", shift_object(&s));
}

static cJSON *change_object(const struct range_report *r,
			    const struct range_entry *e)
{
	const struct commit_change *c = &e->change;
	cJSON *o;

	if (!c->compared && !c->why_not)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	json_add_string(o, "against", r->v[c->prev].res.commit_id);
	if (!c->compared) {
		json_add_string(o, "not_compared", c->why_not);
		return o;
	}
	cJSON_AddNumberToObject(o, "percent", c->percent);
	cJSON_AddItemToObject(o, "against_mean_ms",
			      json_number_or_null(c->base_mean));
	cJSON_AddBoolToObject(o, "paired", c->paired);
	if (c->paired)
		cJSON_AddItemToObject(
		    o, "against_samples_ms",
		    json_samples_array(e->res.baseline_ms, e->res.n_baseline));
	cJSON_AddNumberToObject(o, "p", c->p);
	cJSON_AddBoolToObject(o, "significant", c->significant);
	json_add_string(o, "verdict",
			!c->significant	 ? "none"
			: c->percent > 0 ? "regression"
					 : "improvement");
	if (c->has_shift)
		cJSON_AddItemToObject(o, "shift", shift_object(&c->shift));
	return o;
}

/* What every report says of a commit: which one, how it went, its
 * statistics and samples.
 */
static cJSON *commit_object(const struct commit_result *res,
			    const char *short_id)
{
	cJSON *o = cJSON_CreateObject();

	json_add_string(o, "commit", res->commit_id);
	json_add_string(o, "short_id", short_id);
	json_add_string(o, "subject", res->subject);
	json_add_string(o, "status", commit_status_name(res->status));
	json_add_string(o, "message", res->message);
	json_add_string(o, "log", res->log_path);
	cJSON_AddItemToObject(o, "build_s", json_number_or_null(res->build_s));
	cJSON_AddItemToObject(o, "statistics",
			      json_stats_object(&res->bench.summary));
	cJSON_AddItemToObject(
	    o, "samples_ms",
	    json_samples_array(res->bench.sample_ms, res->bench.n_samples));
	return o;
}

cJSON *json_range_entry(const struct range_report *r, size_t i)
{
	const struct range_entry *e = &r->v[i];
	cJSON *o = commit_object(&e->res, e->short_id);

	cJSON_AddBoolToObject(o, "from_store", e->from_store);
	cJSON_AddItemToObject(o, "change", change_object(r, e));
	return o;
}

int report_range_json(FILE *fp, const struct range_report *r)
{
	cJSON *root = cJSON_CreateObject(), *commits, *sig;
	size_t *idx = NULL, n;

	if (!root)
		return -1;
	cJSON_AddNumberToObject(root, "format", 1);
	cJSON_AddStringToObject(root, "type", "bootperf-range");
	json_add_string(root, "repo", r->repo);
	json_add_string(root, "range", r->range);
	json_add_string(root, "config_id", r->config_id);
	json_add_string(root, "status",
			r->interrupted ? "interrupted" : "complete");
	cJSON_AddNumberToObject(root, "range_commits", (double)r->total);
	json_add_string(root, "test",
			r->method == STATS_WELCH ? "welch" : "mann-whitney");
	json_add_string(root, "passes", r->how);
	cJSON_AddNumberToObject(root, "alpha", r->alpha);
	cJSON_AddNumberToObject(root, "threshold_percent", r->threshold);
	cJSON_AddNumberToObject(root, "builds", (double)r->builds);
	cJSON_AddNumberToObject(root, "boots", (double)r->boots);
	json_add_artifacts(root, &r->artifacts);
	commits = cJSON_AddArrayToObject(root, "commits");
	for (size_t i = 0; i < r->n; i++)
		cJSON_AddItemToArray(commits, json_range_entry(r, i));
	sig = cJSON_AddArrayToObject(root, "significant");
	n = range_significant(r, &idx);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(
		    sig, cJSON_CreateString(r->v[idx[i]].res.commit_id));
	free(idx);
	if (r->stages)
		cJSON_AddItemToObject(root, "stages",
				      json_from_stage_deltas(r->stages));
	return json_print(fp, root);
}

static const char *const build_state_names[] = {
    [BUILD_BUILT] = "built",
    [BUILD_CAPTURED] = "captured",
    [BUILD_FAILED] = "build-failed",
    [BUILD_FAILED_BEFORE] = "build-failed-before",
};

int report_build_json(FILE *fp, const struct build_report *r)
{
	cJSON *root = cJSON_CreateObject(), *shard, *commits;

	if (!root)
		return -1;
	cJSON_AddNumberToObject(root, "format", 1);
	cJSON_AddStringToObject(root, "type", "bootperf-build");
	json_add_string(root, "repo", r->repo);
	json_add_string(root, "range", r->range);
	json_add_string(root, "status",
			r->interrupted ? "interrupted" : "complete");
	cJSON_AddNumberToObject(root, "range_commits",
				(double)r->range_commits);
	shard = cJSON_AddArrayToObject(root, "shard");
	cJSON_AddItemToArray(shard, cJSON_CreateNumber((double)r->shard));
	cJSON_AddItemToArray(shard, cJSON_CreateNumber((double)r->shards));
	json_add_string(root, "build_id", r->build_id);
	json_add_string(root, "artifacts_dir", r->artifacts);
	cJSON_AddNumberToObject(root, "builds", (double)r->builds);
	json_add_artifacts(root, &r->art);
	commits = cJSON_AddArrayToObject(root, "commits");
	for (size_t i = 0; i < r->n; i++) {
		const struct build_entry *e = &r->v[i];
		cJSON *c = cJSON_CreateObject();

		json_add_string(c, "commit", e->res.commit_id);
		json_add_string(c, "subject", e->res.subject);
		json_add_string(c, "state", build_state_names[e->state]);
		/* the time of a build this run did, else null */
		json_add_number(c, "build_s",
				e->state == BUILD_BUILT ||
					e->state == BUILD_FAILED
				    ? e->res.build_s
				    : NAN);
		if (e->dir)
			json_add_string(c, "dir", e->dir);
		if (e->res.message)
			json_add_string(c, "message", e->res.message);
		if (e->res.log_path)
			json_add_string(c, "log", e->res.log_path);
		cJSON_AddItemToArray(commits, c);
	}
	return json_print(fp, root);
}

static const char *verdict_name(const struct bisect_step *s)
{
	if (s->verdict == STATS_BAD)
		return "bad";
	if (s->verdict == STATS_GOOD)
		return "good";
	return s->res.status == COMMIT_OK ? "undecided" : "skipped";
}

/* endpoint: the search's endpoints, which take no verdict (null). */
static cJSON *bisect_step_object(const struct bisect_step *s, bool endpoint)
{
	cJSON *o = commit_object(&s->res, s->short_id);

	json_add_string(o, "verdict", endpoint ? NULL : verdict_name(s));
	cJSON_AddBoolToObject(o, "by_midpoint", s->by_midpoint);
	cJSON_AddItemToObject(o, "llr", json_number_or_null(s->llr));
	cJSON_AddNumberToObject(o, "passes_now", (double)s->passes_now);
	cJSON_AddNumberToObject(o, "left", (double)s->left);
	return o;
}

static cJSON *bisect_endpoints_object(const struct bisect_report *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "good", bisect_step_object(&r->good, true));
	cJSON_AddItemToObject(o, "bad", bisect_step_object(&r->bad, true));
	cJSON_AddItemToObject(o, "percent",
			      json_number_or_null(r->endpoint_percent));
	cJSON_AddItemToObject(o, "p", json_number_or_null(r->endpoints.p));
	cJSON_AddItemToObject(o, "level",
			      json_number_or_null(r->endpoint_level));
	add_shift(o, &r->good.res.bench, &r->bad.res.bench, r->alpha,
		  r->threshold);
	return o;
}

static cJSON *bisect_sprt_object(const struct stats_sprt *t)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "good_mean_ms",
			      json_number_or_null(t->good_mean));
	cJSON_AddItemToObject(o, "bad_mean_ms",
			      json_number_or_null(t->bad_mean));
	cJSON_AddItemToObject(o, "sigma_ms", json_number_or_null(t->sigma));
	cJSON_AddItemToObject(o, "upper", json_number_or_null(t->upper));
	cJSON_AddItemToObject(o, "lower", json_number_or_null(t->lower));
	return o;
}

/* The passes a culprit check judged on, and those it took in this run. */
static void add_passes(cJSON *v, const struct stats_shift *s, size_t now)
{
	cJSON_AddNumberToObject(v, "passes", (double)s->nb);
	cJSON_AddNumberToObject(v, "against_passes", (double)s->na);
	cJSON_AddNumberToObject(v, "passes_now", (double)now);
}

static cJSON *bisect_culprit_object(const struct bisect_report *r)
{
	const struct bisect_step *c = bisect_report_step(r, r->culprit);
	const struct bisect_step *a = bisect_report_step(r, r->baseline);
	cJSON *o, *ci;

	if ((r->outcome != BISECT_FOUND && r->outcome != BISECT_UNVERIFIED) ||
	    !c || !a)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	json_add_string(o, "commit", c->res.commit_id);
	json_add_string(o, "short_id", c->short_id);
	json_add_string(o, "subject", c->res.subject);
	json_add_string(o, "against", a->res.commit_id);
	cJSON_AddItemToObject(o, "change_ms",
			      json_number_or_null(r->change_ms));
	cJSON_AddItemToObject(o, "change_percent",
			      json_number_or_null(r->change_percent));
	ci = cJSON_AddArrayToObject(o, "ci95_ms");
	cJSON_AddItemToArray(ci, json_number_or_null(r->ci_low));
	cJSON_AddItemToArray(ci, json_number_or_null(r->ci_high));
	ci = cJSON_AddArrayToObject(o, "ci95_percent");
	cJSON_AddItemToArray(ci, json_number_or_null(r->ci_low_percent));
	cJSON_AddItemToArray(ci, json_number_or_null(r->ci_high_percent));
	cJSON_AddNumberToObject(o, "passes", (double)r->passes);
	cJSON_AddNumberToObject(o, "against_passes", (double)r->against_passes);
	if (r->has_shift)
		cJSON_AddItemToObject(o, "shift", shift_object(&r->shift));
	if (r->changes.kind) {
		cJSON *ch = cJSON_AddObjectToObject(o, "changes");
		bool merge = !strcmp(r->changes.kind, "merge");

		json_add_string(ch, "kind", r->changes.kind);
		if (!merge) {
			cJSON_AddNumberToObject(ch, "files",
						(double)r->changes.files);
			cJSON_AddNumberToObject(ch, "docs",
						(double)r->changes.docs);
			cJSON_AddNumberToObject(ch, "tests",
						(double)r->changes.tests);
			cJSON_AddNumberToObject(ch, "ci",
						(double)r->changes.ci);
		}
	}
	if (r->revert != REVERT_NONE) {
		static const char *const states[] = {"", "confirmed", "refuted",
						     "cannot"};
		cJSON *v = cJSON_AddObjectToObject(o, "revert");

		json_add_string(v, "state", states[r->revert]);
		if (r->revert == REVERT_CANNOT) {
			json_add_string(v, "why", r->revert_why);
		} else {
			json_add_string(v, "commit",
					r->revert_step.res.commit_id);
			add_passes(v, &r->revert_shift, r->revert_measured);
			cJSON_AddItemToObject(
			    v, "expected_percent",
			    json_number_or_null(r->revert_expected));
			cJSON_AddItemToObject(v, "shift",
					      shift_object(&r->revert_shift));
		}
	}
	if (r->verify_runs) {
		cJSON *v = cJSON_AddObjectToObject(o, "verification");

		cJSON_AddNumberToObject(v, "runs", (double)r->verify_runs);
		cJSON_AddBoolToObject(v, "confirmed", r->verified);
		add_passes(v, &r->verification, r->verify_measured);
		cJSON_AddItemToObject(v, "shift",
				      shift_object(&r->verification));
	}
	return o;
}

static cJSON *bisect_candidates_array(const struct bisect_report *r)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < r->n_candidates; i++) {
		cJSON *o = cJSON_CreateObject();

		json_add_string(o, "commit", r->candidates[i].id);
		json_add_string(o, "short_id", r->candidates[i].short_id);
		json_add_string(o, "subject", r->candidates[i].subject);
		json_add_string(o, "status", r->candidates[i].status);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static const char *const bisect_outcome_names[] = {
    [BISECT_FOUND] = "found",		[BISECT_AMBIGUOUS] = "ambiguous",
    [BISECT_NO_CHANGE] = "no-change",	[BISECT_STOPPED] = "stopped",
    [BISECT_UNVERIFIED] = "unverified",
};

int report_bisect_json(FILE *fp, const struct bisect_report *r)
{
	cJSON *root = cJSON_CreateObject(), *steps;

	if (!root)
		return -1;
	json_add_string(root, "type", "bootperf-bisect");
	cJSON_AddNumberToObject(root, "format", 1);
	json_add_string(root, "repo", r->repo);
	json_add_string(root, "good", r->good_rev);
	json_add_string(root, "bad", r->bad_rev);
	json_add_string(root, "config_id", r->config_id);
	cJSON_AddBoolToObject(root, "first_parent", r->first_parent);
	json_add_string(root, "looking_for",
			r->improvement ? "improvement" : "regression");
	json_add_string(root, "test",
			r->method == STATS_WELCH ? "welch" : "mann-whitney");
	cJSON_AddNumberToObject(root, "alpha", r->alpha);
	cJSON_AddNumberToObject(root, "threshold_percent", r->threshold);
	cJSON_AddNumberToObject(root, "commits", (double)r->n_commits);
	cJSON_AddItemToObject(root, "endpoints", bisect_endpoints_object(r));
	cJSON_AddItemToObject(root, "sprt", bisect_sprt_object(&r->sprt));
	steps = cJSON_AddArrayToObject(root, "steps");
	for (size_t i = 0; i < r->n_steps; i++)
		cJSON_AddItemToArray(steps,
				     bisect_step_object(&r->steps[i], false));
	json_add_string(root, "outcome", bisect_outcome_names[r->outcome]);
	json_add_string(root, "reason", r->why);
	cJSON_AddItemToObject(root, "culprit", bisect_culprit_object(r));
	cJSON_AddItemToObject(root, "candidates", bisect_candidates_array(r));
	cJSON_AddNumberToObject(root, "builds", (double)r->builds);
	cJSON_AddNumberToObject(root, "boots", (double)r->boots);
	json_add_artifacts(root, &r->artifacts);
	if (r->stages)
		cJSON_AddItemToObject(root, "stages",
				      json_from_stage_deltas(r->stages));
	return json_print(fp, root);
}

static const char *const bisect_run_by_names[] = {
    [BISECT_RUN_NONE] = NULL,
    [BISECT_RUN_THRESHOLD] = "threshold",
    [BISECT_RUN_SEQUENTIAL] = "sequential",
    [BISECT_RUN_MIDPOINT] = "midpoint",
    [BISECT_RUN_UNDECIDED] = "undecided",
};

static const char *bisect_run_verdict(int exit_status)
{
	switch (exit_status) {
	case 0:
		return "good";
	case 1:
		return "bad";
	case 125:
		return "skip";
	}
	return "abort";
}

/* The endpoints and what they were compared with; null without. */
static cJSON *bisect_run_endpoints(const struct bisect_run_report *r)
{
	const struct bisect_report *e = r->ends;
	cJSON *o;

	if (!e)
		return cJSON_CreateNull();
	o = bisect_endpoints_object(e);
	json_add_string(o, "test",
			e->method == STATS_WELCH ? "welch" : "mann-whitney");
	cJSON_AddNumberToObject(o, "alpha", e->alpha);
	cJSON_AddNumberToObject(o, "threshold_percent", e->threshold);
	cJSON_AddItemToObject(o, "sprt",
			      r->exit_status == 128
				  ? cJSON_CreateNull()
				  : bisect_sprt_object(&e->sprt));
	return o;
}

int report_bisect_run_json(FILE *fp, const struct bisect_run_report *r)
{
	const struct bisect_step *s = r->commit;
	cJSON *root = commit_object(&s->res, s->short_id);

	if (!root)
		return -1;
	json_add_string(root, "type", "bootperf-bisect-run");
	cJSON_AddNumberToObject(root, "format", 1);
	json_add_string(root, "verdict", bisect_run_verdict(r->exit_status));
	cJSON_AddNumberToObject(root, "exit_status", r->exit_status);
	json_add_string(root, "decided_by", bisect_run_by_names[r->by]);
	json_add_string(root, "reason", r->reason);
	cJSON_AddNumberToObject(root, "runs", (double)s->res.bench.n_samples);
	cJSON_AddNumberToObject(root, "passes_now", (double)s->passes_now);
	cJSON_AddItemToObject(root, "threshold_ms",
			      json_number_or_null(r->threshold_ms));
	cJSON_AddItemToObject(root, "llr", json_number_or_null(s->llr));
	if (r->ends) {
		cJSON_AddNumberToObject(root, "min_runs", (double)r->min_runs);
		cJSON_AddNumberToObject(root, "max_runs", (double)r->max_runs);
	}
	cJSON_AddItemToObject(root, "endpoints", bisect_run_endpoints(r));
	cJSON_AddNumberToObject(root, "builds", (double)r->builds);
	cJSON_AddNumberToObject(root, "boots", (double)r->boots);
	return json_print(fp, root);
}
