/* bootperf - plain text reports.  What comes from repositories and the
 * store (subjects, messages, versions a built qemu printed) goes out
 * through bp_put_printable: data, never terminal escape sequences.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports.h"

/* Labels right-aligned like the original boot-benchmark header, each
 * value followed by the option that changes it.
 */
static void field(FILE *fp, const char *label, const char *value,
		  const char *how)
{
	char *shown = bp_printable(value && *value ? value : "(none)");

	if (how)
		fprintf(fp, "%16s: %-28s [%s]\n", label, shown, how);
	else
		fprintf(fp, "%16s: %s\n", label, shown);
	free(shown);
}

static void field_int(FILE *fp, const char *label, int value, const char *how)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%d", value);
	field(fp, label, buf, how);
}

static void guestfs_fields(FILE *fp, const struct bench_env *e)
{
	field(fp, "libguestfs", e->libguestfs_version, NULL);
	field(fp, "backend", e->backend, "always direct");
	field(fp, "accelerator", e->accel, "to change use --accel");
	field(fp, "qemu", e->hv, "to change use --hv");
	field(fp, "qemu version", e->hv_version, NULL);
	field(fp, "kernel", e->kernel, "to change use --kernel");
	if (e->kernel_version)
		field(fp, "kernel version", e->kernel_version, NULL);
	if (e->modules)
		field(fp, "modules", e->modules, "to change use --modules");
	field_int(fp, "smp", e->smp, "to change use --smp");
	field_int(fp, "memsize", e->memsize, "to change use --memsize");
	field(fp, "append", e->append, "to change use --append");
}

static void command_fields(FILE *fp, const struct bench_env *e)
{
	field(fp, "command", e->command, "to change use --command");
	if (e->hv) {
		field(fp, "qemu", e->hv, "to change use --hv");
		field(fp, "qemu version", e->hv_version, NULL);
	}
}

void report_result_line(FILE *fp, const struct stats_summary *s)
{
	if (s->n == 0) {
		fprintf(fp, "Result: no samples\n");
		return;
	}
	if (isnan(s->sd))
		fprintf(fp, "Result: %.1fms ±n/a (one pass)\n", s->mean);
	else
		fprintf(fp, "Result: %.1fms ±%.1fms\n", s->mean, s->sd);
	fprintf(fp, "        median %.1fms, min %.1fms, max %.1fms", s->median,
		s->min, s->max);
	if (!isnan(s->ci_low))
		fprintf(fp, ", 95%% CI %.1f–%.1fms", s->ci_low, s->ci_high);
	fprintf(fp, " (n=%zu)\n", s->n);
}

void report_header_text(FILE *fp, const struct bench_result *res,
			const char *passes, const char *passes_how)
{
	const struct bench_env *e = &res->env;
	char timeout[32];

	snprintf(timeout, sizeof timeout, "%g s per pass", e->timeout_s);
	fputc('\n', fp);
	field(fp, "bootperf version", e->bootperf_version, NULL);
	field(fp, "test passes", passes, passes_how);
	field(fp, "host version", e->host_version, NULL);
	field(fp, "host CPU", e->host_cpu, NULL);
	if (e->runner && !strcmp(e->runner, "command"))
		command_fields(fp, e);
	else
		guestfs_fields(fp, e);
	field(fp, "timeout", timeout, "to change use --timeout");
	fputc('\n', fp);
}

void report_bench_text(FILE *fp, const struct bench_result *res)
{
	char passes[64];

	snprintf(passes, sizeof passes, "%zu (and %zu warm-up)", res->n_samples,
		 res->n_warmup);
	report_header_text(fp, res, passes, "to change use --runs, --warmup");
	report_result_line(fp, &res->summary);
}

#define RED "\033[1;31m"
#define GREEN "\033[0;32m"
#define RESET "\033[0m"

/* The change against the base, named when it is not the measured
 * commit listed just before (after a merge: the mainline's).
 */
static void change_text(FILE *fp, const struct range_report *r,
			const struct commit_change *c, bool color)
{
	bool slower = c->percent > 0;
	const char *base = r->v[c->prev].short_id;

	if (c->why_not) {
		fprintf(fp, "  (not compared%s%s: ",
			c->not_previous ? " with " : "",
			c->not_previous ? base : "");
		bp_put_printable(fp, c->why_not);
		fputc(')', fp);
		return;
	}
	if (!c->compared)
		return;
	if (!c->significant) {
		if (c->not_previous)
			fprintf(fp, "  (against %s: no significant change)",
				base);
		return;
	}
	fprintf(fp, "  %s%s %s performance by %.1f%%%s%s%s  (p%s%.3g)",
		color ? (slower ? RED : GREEN) : "", slower ? "↓" : "↑",
		slower ? "degrades" : "improves", fabs(c->percent),
		color ? RESET : "", c->not_previous ? " against " : "",
		c->not_previous ? base : "", c->p < 0.001 ? "<" : "=",
		c->p < 0.001 ? 0.001 : c->p);
}

void report_commit_line(FILE *fp, const char *prefix, const char *short_id,
			const char *subject, const char *end)
{
	fprintf(fp, "%s%s ", prefix, short_id);
	bp_put_printable(fp, subject);
	fputs(end, fp);
}

/* A commit that was not measured: its status, why, and its build log.
 * A failed pass's message names the status already ("pass 1 of 5:
 * timeout: ..."): then once is enough.
 */
static void failure_text(FILE *fp, const struct commit_result *res)
{
	const char *name = commit_status_name(res->status);
	char *named = bp_asprintf(": %s: ", name);

	if (!res->message || !strstr(res->message, named))
		fprintf(fp, "%s%s", name, res->message ? ": " : "");
	if (res->message)
		bp_put_printable(fp, res->message);
	free(named);
	if (res->log_path && res->status == COMMIT_BUILD_FAILED) {
		fputs(" (log: ", fp);
		bp_put_printable(fp, res->log_path);
		fputc(')', fp);
	}
}

/* bootperf build, as range prints a commit: "<short id> <subject>",
 * then what became of its build.
 */
void report_build_entry_text(FILE *fp, const struct build_report *r, size_t i)
{
	const struct build_entry *e = &r->v[i];

	report_commit_line(fp, "", e->short_id, e->res.subject, "\n\t");
	switch (e->state) {
	case BUILD_BUILT:
		if (isnan(e->res.build_s))
			fputs("captured (no build command)\n", fp);
		else
			fprintf(fp, "built in %.1fs and captured\n",
				e->res.build_s);
		return;
	case BUILD_CAPTURED:
		fputs("captured before: nothing to build\n", fp);
		return;
	case BUILD_FAILED_BEFORE:
		fputs("stored as ", fp);
		break;
	case BUILD_FAILED:
		break;
	}
	failure_text(fp, &e->res);
	if (e->state == BUILD_FAILED_BEFORE)
		fputs(" (--force builds it again)", fp);
	fputc('\n', fp);
}

/* The paper's format: "<short id> <subject>", then the time and, only
 * when significant, the change against its base (the previous measured
 * commit along first parents, named when it is not the one above).
 */
void report_range_entry_text(FILE *fp, const struct range_report *r, size_t i,
			     bool color)
{
	const struct range_entry *e = &r->v[i];
	const struct stats_summary *s = &e->res.bench.summary;

	report_commit_line(fp, "", e->short_id, e->res.subject, "\n\t");
	if (e->res.status != COMMIT_OK) {
		failure_text(fp, &e->res);
		fputc('\n', fp);
		return;
	}
	if (isnan(s->sd))
		fprintf(fp, "%.1fms ±n/a", s->mean);
	else
		fprintf(fp, "%.1fms ±%.1fms", s->mean, s->sd);
	change_text(fp, r, &e->change, color);
	fputc('\n', fp);
}

/* "1 step", "2 steps": the word for n. */
static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* What the comparisons say as ratios with distribution-free intervals
 * (struct stats_shift): how many are slower, faster, the same within
 * the threshold, or inconclusive, and for those, the smallest change
 * their passes could have shown.  Nothing when none was compared.
 */
static void shift_summary_text(FILE *fp, const struct range_report *r)
{
	size_t count[4] = {0}, n = 0;
	double lo = INFINITY, hi = -INFINITY;

	for (size_t i = 0; i < r->n; i++) {
		const struct commit_change *c = &r->v[i].change;

		if (!c->compared || !c->has_shift)
			continue;
		n++;
		count[c->shift.verdict]++;
		if (c->shift.verdict == SHIFT_INCONCLUSIVE) {
			lo = fmin(lo, c->shift.detectable);
			hi = fmax(hi, c->shift.detectable);
		}
	}
	if (n == 0)
		return;
	fprintf(fp,
		"As ratios (Hodges-Lehmann, %g%% distribution-free "
		"intervals): %zu slower, %zu faster, %zu the same within "
		"%g%%, %zu inconclusive",
		100 * (1 - r->alpha), count[SHIFT_SLOWER], count[SHIFT_FASTER],
		count[SHIFT_SAME], r->threshold, count[SHIFT_INCONCLUSIVE]);
	if (count[SHIFT_INCONCLUSIVE] && isfinite(lo)) {
		if (isfinite(hi) && hi - lo >= 0.05)
			fprintf(fp,
				" (the smallest change their passes could "
				"show: %.1f%% to %.1f%%)",
				lo, hi);
		else
			fprintf(fp,
				" (the smallest change their passes could "
				"show: %.1f%%)",
				lo);
	}
	fputs(".\n", fp);
}

void report_range_summary_text(FILE *fp, const struct range_report *r)
{
	size_t *idx = NULL, n = range_significant(r, &idx);

	fprintf(fp,
		"\n%zu %s, %zu built and %zu %s run now; %s test, "
		"p < %g and at least %g%%; passes %s\n",
		r->n, plural(r->n, "commit", "commits"), r->builds, r->boots,
		plural(r->boots, "pass", "passes"),
		r->method == STATS_WELCH ? "Welch t" : "Mann-Whitney U",
		r->alpha, r->threshold, r->how);
	if (r->interrupted)
		fprintf(fp,
			"Interrupted after %zu of %zu %s: this report is "
			"partial (a second run resumes; results are kept)\n",
			r->n, r->total, plural(r->total, "commit", "commits"));
	if (n == 0)
		fprintf(fp, "No significant changes.\n");
	else
		fprintf(fp, "Significant changes, largest first:\n");
	for (size_t k = 0; k < n; k++) {
		const struct range_entry *e = &r->v[idx[k]];

		fprintf(fp, "  %s %+.1f%% (%s%s%s%.1fms%s -> %.1fms)  ",
			e->short_id, e->change.percent,
			e->change.not_previous ? "against " : "",
			e->change.not_previous ? r->v[e->change.prev].short_id
					       : "",
			e->change.not_previous ? ": " : "", e->change.base_mean,
			e->change.paired ? " in turns" : "",
			e->res.bench.summary.mean);
		bp_put_printable(fp, e->res.subject);
		fputc('\n', fp);
	}
	free(idx);
	shift_summary_text(fp, r);
	report_stage_deltas_text(fp, r->stages);
}

void report_build_summary_text(FILE *fp, const struct build_report *r)
{
	size_t count[4] = {0};

	for (size_t i = 0; i < r->n; i++)
		count[r->v[i].state]++;
	if (r->shards > 1)
		fprintf(fp, "\nShard %zu/%zu: %zu of the range's %zu %s",
			r->shard, r->shards, r->total, r->range_commits,
			plural(r->range_commits, "commit", "commits"));
	else
		fprintf(fp, "\n%zu %s", r->n,
			plural(r->n, "commit", "commits"));
	fprintf(fp,
		": %zu built now, %zu captured before, %zu build-failed "
		"(%zu of them before)\n",
		count[BUILD_BUILT], count[BUILD_CAPTURED],
		count[BUILD_FAILED] + count[BUILD_FAILED_BEFORE],
		count[BUILD_FAILED_BEFORE]);
	if (r->interrupted)
		fprintf(fp,
			"Interrupted after %zu of %zu %s: a second run goes on "
			"(what was captured is kept)\n",
			r->n, r->total, plural(r->total, "commit", "commits"));
	fputs("Artifacts: ", fp);
	bp_put_printable(fp, r->artifacts);
	fprintf(fp, " (build id %s; %zu captured now, %lld bytes, in %.1fs)\n",
		r->build_id, r->art.captured, r->art.bytes, r->art.capture_s);
	if (r->art.evicted)
		fprintf(fp,
			"Evicted %zu older %s to stay under --artifacts-max: "
			"%s built again when next wanted\n",
			r->art.evicted,
			plural(r->art.evicted, "copy", "copies"),
			plural(r->art.evicted, "it is", "they are"));
}

/* "slow" and "fast": what a bad and a good commit are in this search. */
static const char *side_word(const struct bisect_report *r, bool bad)
{
	return bad != r->improvement ? "slow" : "fast";
}

static void time_text(FILE *fp, const struct commit_result *res)
{
	const struct stats_summary *s = &res->bench.summary;

	if (res->status != COMMIT_OK) {
		failure_text(fp, res);
		return;
	}
	if (isnan(s->sd))
		fprintf(fp, "%.1fms ±n/a", s->mean);
	else
		fprintf(fp, "%.1fms ±%.1fms", s->mean, s->sd);
	fprintf(fp, " (%zu %s)", s->n, plural(s->n, "pass", "passes"));
}

void report_bisect_start_text(FILE *fp, const struct bisect_report *r,
			      size_t steps)
{
	char *good = bp_printable(r->good_rev), *bad = bp_printable(r->bad_rev);

	fprintf(fp, "Bisecting %zu %s after %s up to %s%s: about %zu %s\n\n",
		r->n_commits, plural(r->n_commits, "commit", "commits"), good,
		bad, r->first_parent ? " (first parent only)" : "", steps,
		plural(steps, "step", "steps"));
	free(good);
	free(bad);
}

void report_bisect_endpoints_text(FILE *fp, const struct bisect_report *r)
{
	const struct bisect_step *e[2] = {&r->good, &r->bad};

	for (int i = 0; i < 2; i++) {
		report_commit_line(fp, i ? "bad  " : "good ", e[i]->short_id,
				   e[i]->res.subject, "\n\t");
		time_text(fp, &e[i]->res);
		fputc('\n', fp);
	}
	if (r->good.res.status != COMMIT_OK || r->bad.res.status != COMMIT_OK)
		return;
	fprintf(fp, "\tbad is %+.1f%% against good (%s p%s%.3g)\n",
		r->endpoint_percent,
		r->method == STATS_WELCH ? "Welch" : "Mann-Whitney",
		r->endpoints.p < 0.001 ? "<" : "=",
		r->endpoints.p < 0.001 ? 0.001 : r->endpoints.p);
}

void report_bisect_step_text(FILE *fp, const struct bisect_report *r, size_t k,
			     size_t steps_left)
{
	const struct bisect_step *s = &r->steps[k];

	fprintf(fp, "%sstep %zu: ", k ? "" : "\n", k + 1);
	report_commit_line(fp, "", s->short_id, s->res.subject, "\n\t");
	time_text(fp, &s->res);
	if (s->verdict == STATS_UNDECIDED && s->res.status == COMMIT_OK)
		fprintf(fp, ": undecided at --max-runs, skipped");
	else if (s->verdict == STATS_UNDECIDED)
		fprintf(fp, ": skipped");
	else
		fprintf(fp, ": %s%s", side_word(r, s->verdict == STATS_BAD),
			s->by_midpoint ? " (undecided at --max-runs, by the "
					 "midpoint)"
				       : "");
	fprintf(fp, "  [%zu left, about %zu %s]\n", s->left, steps_left,
		plural(steps_left, "step", "steps"));
}

void report_shift_interval(char *buf, size_t len, const struct stats_shift *s)
{
	double level = 100 * s->level;

	if (s->lo > -100 && isfinite(s->hi))
		snprintf(buf, len, "%g%% interval %+.1f%% to %+.1f%%", level,
			 s->lo, s->hi);
	else if (isfinite(s->hi))
		snprintf(buf, len, "%g%% interval below %+.1f%%", level, s->hi);
	else if (s->lo > -100)
		snprintf(buf, len, "%g%% interval above %+.1f%%", level, s->lo);
	else
		snprintf(buf, len, "too few passes for a %g%% interval", level);
}

/* The verification's line: what the culprit's and its baseline's
 * passes say of it, by the shift test.
 */
static void verification_text(FILE *fp, const struct bisect_report *r)
{
	const struct stats_shift *v = &r->verification;
	char interval[96];

	if (!r->verify_runs)
		return;
	if (v->na == 0 || v->nb == 0) {
		fprintf(fp,
			"\tNot confirmed: it and %s could not be measured in "
			"balanced pairs (--verify-runs %zu)\n",
			bisect_report_step(r, r->baseline)->short_id,
			r->verify_runs);
		return;
	}
	report_shift_interval(interval, sizeof interval, v);
	fprintf(fp,
		"\t%s on %zu passes against %zu (--verify-runs %zu, balanced "
		"pairs): %s, %+.1f%% by Hodges-Lehmann, %s",
		r->verified ? "Verified" : "Not confirmed", v->nb, v->na,
		r->verify_runs, stats_shift_verdict_name(v->verdict),
		v->estimate, interval);
	if (!r->verified && isfinite(v->detectable))
		fprintf(fp,
			"; the smallest change these passes could show: "
			"%.1f%%",
			v->detectable);
	else if (!r->verified)
		fprintf(fp, "; these passes are too few to show any change");
	fputc('\n', fp);
}

/* --verify-revert's line: the tip with the culprit reverted, against
 * the tip.
 */
static void revert_text(FILE *fp, const struct bisect_report *r)
{
	const struct stats_shift *v = &r->revert_shift;
	char interval[96];

	if (r->revert == REVERT_NONE)
		return;
	if (r->revert == REVERT_CANNOT) {
		fputs("\tCannot verify by revert: ", fp);
		bp_put_printable(fp, r->revert_why ? r->revert_why : "?");
		fputc('\n', fp);
		return;
	}
	report_shift_interval(interval, sizeof interval, v);
	fprintf(fp,
		"\t%s: the tip with it reverted (%s) against the tip, on %zu "
		"passes against %zu: %s, %+.1f%% by Hodges-Lehmann, %s; "
		"undoing the culprit's %+.1f%% gives %+.1f%%\n",
		r->revert == REVERT_CONFIRMED ? "Verified by revert"
					      : "Not confirmed by revert",
		r->revert_step.short_id, v->nb, v->na,
		stats_shift_verdict_name(v->verdict), v->estimate, interval,
		r->verification.estimate, r->revert_expected);
}

/* A culprit that is a merge, or that changes nothing a build reads:
 * said beside it, since its change most likely came from elsewhere.
 */
static void changes_text(FILE *fp, const struct bisect_report *r,
			 const char *id)
{
	const char *k = r->changes.kind;

	if (!k || !strcmp(k, "code"))
		return;
	if (!strcmp(k, "merge") && r->first_parent)
		fprintf(fp,
			"\tCaution: a merge: the change came in with a commit "
			"it merged; bisect %s^1 to %s without --first-parent "
			"to find which\n",
			id, id);
	else if (!strcmp(k, "merge"))
		fprintf(fp, "\tCaution: a merge whose parents are each on the "
			    "good side: the change comes from how they "
			    "combine, or from the noise\n");
	else if (!strcmp(k, "empty"))
		fprintf(fp, "\tCaution: it changes no file: the change must "
			    "come from the machine, the noise or a build that "
			    "is not reproducible\n");
	else
		fprintf(fp,
			"\tCaution: it changes only documentation, tests or CI "
			"configuration (%zu %s), which builds do not usually "
			"read: unless this boot reads them, suspect the "
			"machine or the noise\n",
			r->changes.files,
			plural(r->changes.files, "file", "files"));
}

static void culprit_text(FILE *fp, const struct bisect_report *r)
{
	const struct bisect_step *c = bisect_report_step(r, r->culprit);
	const struct bisect_step *a = bisect_report_step(r, r->baseline);

	if (r->outcome == BISECT_UNVERIFIED)
		fprintf(fp, "The search named, unconfirmed: ");
	else
		fprintf(fp, "First %s commit: ", side_word(r, true));
	report_commit_line(fp, "", c->short_id, c->res.subject, "\n");
	fprintf(fp, "\t%+.1fms (%+.1f%%) against %s%s", r->change_ms,
		r->change_percent, a->short_id,
		r->baseline == BISECT_GOOD_ENDPOINT ? " (good)" : "");
	if (!isnan(r->ci_low))
		fprintf(fp, ", 95%% CI %+.1f to %+.1fms (%+.1f to %+.1f%%)",
			r->ci_low, r->ci_high, r->ci_low_percent,
			r->ci_high_percent);
	fprintf(fp, ", %zu passes against %zu\n", r->passes, r->against_passes);
	if (!isnan(r->ci_low) && r->ci_low <= 0 && r->ci_high >= 0)
		fprintf(fp, "\tCaution: the 95%% CI includes 0, so the size "
			    "of the change is not certain; more passes "
			    "(--verify-runs) narrow it\n");
	changes_text(fp, r, c->short_id);
	verification_text(fp, r);
	revert_text(fp, r);
}

void report_bisect_result_text(FILE *fp, const struct bisect_report *r)
{
	fputc('\n', fp);
	if (r->outcome == BISECT_FOUND || r->outcome == BISECT_UNVERIFIED)
		culprit_text(fp, r);
	else if (r->outcome == BISECT_AMBIGUOUS) {
		fprintf(fp,
			"Commits that could not be measured or decided hide "
			"the first "
			"%s commit; it is one of:\n",
			side_word(r, true));
		for (size_t i = 0; i < r->n_candidates; i++) {
			report_commit_line(fp, "\t", r->candidates[i].short_id,
					   r->candidates[i].subject, " (");
			fprintf(fp, "%s)\n",
				strcmp(r->candidates[i].status, "bad")
				    ? r->candidates[i].status
				    : side_word(r, true));
		}
	} else if (r->why) {
		fputs("No answer: ", fp);
		bp_put_printable(fp, r->why);
		fputc('\n', fp);
	}
	fprintf(fp,
		"%zu %s, %zu %s and %zu %s (warm-ups too) run now; "
		"sequential test at nominal error rates %g\n",
		r->n_steps, plural(r->n_steps, "step", "steps"), r->builds,
		plural(r->builds, "build", "builds"), r->boots,
		plural(r->boots, "boot", "boots"), r->alpha);
	report_stage_deltas_text(fp, r->stages);
}

/* bisect-run: the endpoints, once both are measured. */
static void bisect_run_endpoints_text(FILE *fp, const struct bisect_report *e)
{
	const struct bisect_step *side[2] = {&e->good, &e->bad};

	for (int i = 0; i < 2; i++)
		if (side[i]->res.status != COMMIT_OK ||
		    side[i]->res.bench.n_samples == 0)
			return;
	fprintf(fp, "bootperf: endpoints:");
	for (int i = 0; i < 2; i++) {
		fprintf(fp, "%s %s ", i ? "," : "", i ? "bad" : "good");
		fprintf(fp, "%.12s ", side[i]->res.commit_id);
		time_text(fp, &side[i]->res);
	}
	fprintf(fp, ": bad is %+.1f%% (%s p%s%.3g)\n", e->endpoint_percent,
		e->method == STATS_WELCH ? "Welch" : "Mann-Whitney",
		e->endpoints.p < 0.001 ? "<" : "=",
		e->endpoints.p < 0.001 ? 0.001 : e->endpoints.p);
}

/* How the verdict was reached, in brackets after it. */
static void bisect_run_how_text(FILE *fp, const struct bisect_run_report *r)
{
	const struct stats_sprt *t = r->ends ? &r->ends->sprt : NULL;

	if (!t && r->by != BISECT_RUN_THRESHOLD)
		return;
	switch (r->by) {
	case BISECT_RUN_THRESHOLD:
		fprintf(fp, "threshold %.1fms", r->threshold_ms);
		break;
	case BISECT_RUN_SEQUENTIAL:
		fprintf(fp,
			"sequential test against good %.1fms and bad "
			"%.1fms",
			t->good_mean, t->bad_mean);
		break;
	case BISECT_RUN_MIDPOINT:
		fprintf(fp,
			"undecided at --max-runs %ld, by the midpoint %.1fms",
			r->max_runs, (t->good_mean + t->bad_mean) / 2);
		break;
	case BISECT_RUN_UNDECIDED:
		fprintf(fp, "undecided at --max-runs %ld", r->max_runs);
		break;
	case BISECT_RUN_NONE:
		break;
	}
}

void report_bisect_run_text(FILE *fp, const struct bisect_run_report *r)
{
	const struct commit_result *res = &r->commit->res;
	const struct stats_summary *s = &res->bench.summary;

	if (r->ends)
		bisect_run_endpoints_text(fp, r->ends);
	if (r->exit_status != 0 && r->exit_status != 1 && r->exit_status != 125)
		return;
	fprintf(fp, "bootperf: %.12s ", res->commit_id);
	bp_put_printable(fp, res->subject ? res->subject : "");
	fputs(": ", fp);
	if (res->status != COMMIT_OK) {
		fprintf(fp, "%s, skip\n", commit_status_name(res->status));
		return;
	}
	fprintf(fp, "%.1fms ±%.1fms over %zu %s: %s (", s->mean,
		isnan(s->sd) ? 0.0 : s->sd, s->n,
		plural(s->n, "pass", "passes"),
		r->exit_status == 1   ? "bad (slow)"
		: r->exit_status == 0 ? "good"
				      : "skip");
	bisect_run_how_text(fp, r);
	fprintf(fp, ")\n");
}
