// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for the range --stages and bisect --stages report of
 * reports/stages.c, without a boot: two analyses of
 * t/data/boot-basic.events, one with udevadm settle planted 5 s longer,
 * compared and rendered as text and as JSON.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports.h"
#include "tap.h"

#define FAST_ID "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SLOW_ID "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define BROKEN_ID "cccccccccccccccccccccccccccccccccccccccc"

/* boot-basic.events, the events after `after` ms moved by `by` ms. */
static void report_of(struct stage_report *r, double after, double by)
{
	const char *src = getenv("BOOTPERF_SRCDIR");
	char *path =
	    bp_asprintf("%s/t/data/boot-basic.events", src && *src ? src : ".");
	FILE *fp = fopen(path, "r");
	struct boot_events ev;
	size_t bad = 0;

	if (!fp || boot_events_read(&ev, fp, &bad) == -1) {
		tap_diag("cannot read %s (line %zu)", path, bad);
		exit(1);
	}
	fclose(fp);
	free(path);
	for (size_t i = 0; i < ev.n; i++)
		if (ev.v[i].ms > after)
			ev.v[i].ms += by;
	ev.total_ms += by;
	stages_summarize(r, &ev, 1, stage_table, stage_table_len);
	boot_events_free(&ev);
}

static struct stage_delta *delta_add(struct stage_deltas *all,
				     const char *commit, const char *base,
				     const char *subject)
{
	struct stage_delta *d = &all->v[all->n++];

	memset(d, 0, sizeof *d);
	snprintf(d->commit, sizeof d->commit, "%s", commit);
	snprintf(d->short_id, sizeof d->short_id, "%.7s", commit);
	snprintf(d->base, sizeof d->base, "%s", base);
	snprintf(d->base_short, sizeof d->base_short, "%.7s", base);
	d->subject = bp_strdup(subject);
	d->runs = 1;
	d->changes.most = d->changes.most_part = SIZE_MAX;
	d->changes.total_a = d->changes.total_b = NAN;
	return d;
}

static char *render(const struct stage_deltas *d)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);

	report_stage_deltas_text(fp, d);
	fclose(fp);
	return buf;
}

/* Does text have a line that begins with head and ends with tail (the
 * two may overlap)?
 */
static bool has_line(const char *text, const char *head, const char *tail)
{
	size_t hl = strlen(head), tl = strlen(tail);

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len >= hl && len >= tl && !strncmp(p, head, hl) &&
		    !strncmp(p + len - tl, tail, tl))
			return true;
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

static const cJSON *stage_named(const cJSON *delta, const char *name)
{
	const cJSON *s;

	cJSON_ArrayForEach(s, cJSON_GetObjectItem(delta, "stages"))
	{
		const cJSON *n = cJSON_GetObjectItem(s, "name");

		if (cJSON_IsString(n) && !strcmp(n->valuestring, name))
			return s;
	}
	return NULL;
}

static const char *json_string(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	return cJSON_IsString(v) ? v->valuestring : "(not a string)";
}

static double json_num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static void check_text_growth(const char *t)
{
	ok(has_line(t, "Stages (2 warm-ups, then 1 analyzed pass each; ", "):"),
	   "text: the header says how the stages were measured");
	ok(has_line(t, "bbbbbbb Slow settle", "settle"),
	   "text: the commit and its subject");
	ok(has_line(t,
		    "\tagainst aaaaaaa: /init +5000.0ms; of the parts, udevadm "
		    "settle +5000.0ms",
		    "ms"),
	   "text: the phase and the part that grew, with the sign");
	ok(has_line(t, "\t/init ", " +5000.0ms"), "text: /init's row");
	ok(has_line(t, "\t  udevadm settle ", " +5000.0ms"),
	   "text: udevadm settle's row, indented as a part");
	ok(has_line(t, "\tkernel unpack ", " +0.0ms"),
	   "text: an unchanged phase");
	ok(has_line(t, "\t(the whole run) ", " +5000.0ms"),
	   "text: the whole run");
	ok(!strstr(t, "insmod"), "text: unchanged activities are left out");
	ok(has_line(t, "\tnot analyzed: ccccccc: build failed", "failed"),
	   "text: a commit that could not be analyzed says why");
}

static void check_json_growth(const cJSON *arr)
{
	const cJSON *d = cJSON_GetArrayItem(arr, 0);
	const cJSON *broken = cJSON_GetArrayItem(arr, 1);
	const cJSON *settle = stage_named(d, "udevadm settle");

	is_int(cJSON_GetArraySize(arr), 2, "json: one object per change");
	ok(!strcmp(json_string(d, "commit"), SLOW_ID) &&
	       !strcmp(json_string(d, "against"), FAST_ID),
	   "json: the commit and what it is compared with");
	ok(!strcmp(json_string(d, "changed_most"), "/init"),
	   "json: changed_most");
	ok(!strcmp(json_string(d, "part_changed_most"), "udevadm settle"),
	   "json: part_changed_most");
	is_double(json_num(d, "after_ms") - json_num(d, "before_ms"), 5000,
		  1e-6, "json: the whole run, 5 s longer");
	is_double(settle ? json_num(settle, "change_ms") : NAN, 5000, 1e-6,
		  "json: udevadm settle's change_ms");
	ok(settle && !strcmp(json_string(settle, "kind"), "detail"),
	   "json: its kind");
	ok(cJSON_IsNull(cJSON_GetObjectItem(d, "not_analyzed")) &&
	       !strcmp(json_string(broken, "not_analyzed"),
		       "ccccccc: build failed") &&
	       cJSON_IsNull(cJSON_GetObjectItem(broken, "changed_most")),
	   "json: not_analyzed, null where analyzed");
}

/* A slower settle: the regression is put in /init, udevadm settle. */
static void test_growth(void)
{
	struct stage_report fast, slow;
	struct stage_deltas all = {.warmup = 2, .runs = 1};
	struct stage_delta *d;
	cJSON *arr;
	char *text;

	report_of(&fast, 1e9, 0);
	report_of(&slow, 7500, 5000);
	all.v = bp_malloc(2 * sizeof *all.v);
	d = delta_add(&all, SLOW_ID, FAST_ID, "Slow settle");
	stages_compare(&d->changes, &fast, &slow);
	d = delta_add(&all, BROKEN_ID, SLOW_ID, "Broken");
	d->why_not = bp_strdup("ccccccc: build failed");
	text = render(&all);
	check_text_growth(text);
	arr = json_from_stage_deltas(&all);
	check_json_growth(arr);
	cJSON_Delete(arr);
	free(text);
	stage_deltas_free(&all);
	stage_report_free(&fast);
	stage_report_free(&slow);
}

/* The same the other way: a speedup names what shrank, with a minus. */
static void test_shrink(void)
{
	struct stage_report fast, slow;
	struct stage_deltas all = {.warmup = 0, .runs = 1};
	struct stage_delta *d;
	cJSON *arr;
	char *text;

	report_of(&fast, 1e9, 0);
	report_of(&slow, 7500, 5000);
	all.v = bp_malloc(sizeof *all.v);
	d = delta_add(&all, FAST_ID, SLOW_ID, "Fast settle");
	stages_compare(&d->changes, &slow, &fast);
	text = render(&all);
	ok(has_line(text,
		    "\tagainst bbbbbbb: /init -5000.0ms; of the parts, udevadm "
		    "settle -5000.0ms",
		    "ms"),
	   "speedup: the phase and the part that shrank, with the sign");
	ok(has_line(text, "\t(the whole run) ", " -5000.0ms"),
	   "speedup: the whole run");
	arr = json_from_stage_deltas(&all);
	is_double(json_num(stage_named(cJSON_GetArrayItem(arr, 0), "/init"),
			   "change_ms"),
		  -5000, 1e-6, "speedup: json change_ms is negative");
	cJSON_Delete(arr);
	free(text);
	stage_deltas_free(&all);
	stage_report_free(&fast);
	stage_report_free(&slow);
}

/* No phase moved the way the run did: said, not a dangling "; of". */
static void test_none(void)
{
	struct stage_deltas all = {.warmup = 0, .runs = 1};
	struct stage_delta *d;
	char *text;

	all.v = bp_malloc(sizeof *all.v);
	d = delta_add(&all, SLOW_ID, FAST_ID, "Odd");
	d->changes.v = bp_malloc(sizeof *d->changes.v);
	d->changes.v[0] = (struct stage_change){.name = bp_strdup("firmware"),
						.kind = STAGE_PHASE,
						.a_ms = 20,
						.b_ms = 10,
						.delta_ms = -10};
	d->changes.n = 1;
	d->changes.total_a = 100;
	d->changes.total_b = 110;
	text = render(&all);
	ok(has_line(text,
		    "\tagainst aaaaaaa: no phase changed the way the whole run "
		    "did",
		    "did"),
	   "no phase moved with the run: the report says so");
	free(text);
	stage_deltas_free(&all);

	text = render(NULL);
	ok(text && !*text, "no --stages: nothing");
	free(text);
	all = (struct stage_deltas){.warmup = 0, .runs = 3};
	text = render(&all);
	ok(strstr(text, "No significant changes to analyze.\n") != NULL,
	   "no changes: said");
	ok(strstr(text, "Stages (0 warm-ups, then 3 analyzed passes each; ") !=
	       NULL,
	   "the header: plurals");
	free(text);
	all = (struct stage_deltas){.warmup = 1, .runs = 1};
	text = render(&all);
	ok(strstr(text, "Stages (1 warm-up, then 1 analyzed pass each; ") !=
	       NULL,
	   "the header: one warm-up, one pass");
	free(text);
}

int main(void)
{
	test_growth();
	test_shrink();
	test_none();
	return tap_done();
}
