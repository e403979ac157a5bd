// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for common/events.c, common/stages.c and common/stagestats.c:
 * console lines, the recorded form, the stage matcher on the committed
 * boots in t/data (a real TCG boot and hand-made variants), statistics
 * over passes and the comparison of two reports.  No libguestfs.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "tap.h"

static char *data_path(const char *name)
{
	const char *src = getenv("BOOTPERF_SRCDIR");

	return bp_asprintf("%s/t/data/%s", src && *src ? src : ".", name);
}

/* One pass from t/data (a file without "# pass" lines). */
static void load(struct boot_events *ev, const char *name)
{
	char *path = data_path(name);
	FILE *fp = fopen(path, "r");
	size_t bad = 0;

	if (!fp) {
		tap_diag("cannot open %s", path);
		exit(1);
	}
	if (boot_events_read(ev, fp, &bad) == -1) {
		tap_diag("%s: line %zu is not an event", path, bad);
		exit(1);
	}
	fclose(fp);
	free(path);
}

static const struct stage_hit *hit(const struct stage_hits *h, const char *n)
{
	for (size_t i = 0; i < h->n; i++)
		if (!strcmp(h->v[i].name, n))
			return &h->v[i];
	return NULL;
}

/* The stage's length, or NAN when it was not seen. */
static double len(const struct stage_hits *h, const char *name)
{
	const struct stage_hit *x = hit(h, name);

	return x ? x->end_ms - x->start_ms : NAN;
}

static void test_patterns(void)
{
	ok(stage_pattern_match("supermin: chroot", "chroot"), "substring");
	ok(!stage_pattern_match("supermin: chroot", "Chroot"), "case matters");
	ok(stage_pattern_match("b", "a|b|c"), "an alternative matches");
	ok(!stage_pattern_match("d", "a|b|c"), "no alternative matches");
	ok(stage_pattern_match("calling  fn+0x0/0x1 [m] @ 1", "calling  *@ 1"),
	   "'*' spans the text between");
	ok(!stage_pattern_match("calling  fn+0x0/0x1 @ 0", "calling  *@ 1"),
	   "'*' does not make the tail optional");
	ok(!stage_pattern_match("@ 1 calling  fn", "calling  *@ 1"),
	   "the pieces must come in order");
	ok(stage_pattern_match("supermin: ext2 mini initrd starting up: 5.2",
			       "supermin:*starting up"),
	   "'*' over several words");
	ok(!stage_pattern_match("anything", ""), "an empty pattern never");
	ok(!stage_pattern_match("anything", "|"), "empty alternatives never");
}

static void feed(struct boot_events *ev, double ms, const char *s)
{
	boot_events_console(ev, ms, s, strlen(s));
}

static void test_console_lines(void)
{
	struct boot_events ev = BOOT_EVENTS_INIT;

	feed(&ev, 1, "SeaBIOS (ver");
	feed(&ev, 2, "sion 1.16)\r\nBooting from ROM...\r\n\033c");
	feed(&ev, 3000, "[    0.000000] Linux version 6.1\r\n[ 0.1] x");
	feed(&ev, 3001, "y\r\n");
	boot_events_finish(&ev, 4000);
	is_size(ev.n, 6, "chunks become lines, a pause cuts one");
	ok(!strcmp(ev.v[0].text, "SeaBIOS (version 1.16)"),
	   "partial lines joined, \\r dropped");
	is_double(ev.v[0].ms, 1, 0, "a line is timed by its first byte");
	ok(!strcmp(ev.v[1].text, "Booting from ROM..."), "second line");
	ok(!strcmp(ev.v[2].text, "\033c") && ev.v[2].ms == 2,
	   "text left waiting 3 s is a line of its own");
	ok(!strcmp(ev.v[3].text, "[    0.000000] Linux version 6.1") &&
	       ev.v[3].ms == 3000,
	   "the text after the pause has its own time");
	ok(!strcmp(ev.v[4].text, "[ 0.1] xy") && ev.v[4].ms == 3000,
	   "a line finished 1 ms later is not cut");
	ok(ev.v[5].source == EVENT_BOOTPERF && !strcmp(ev.v[5].text, "end"),
	   "finish adds the end event");
	is_double(ev.total_ms, 4000, 0, "the total is the end's time");
	boot_events_free(&ev);
}

static void test_round_trip(void)
{
	struct boot_events ev = BOOT_EVENTS_INIT, back;
	const char *odd = "tab\there, back\\slash, esc\033[0m, \\x41 kept";
	char *buf = NULL;
	size_t size = 0, bad = 0;
	FILE *fp = open_memstream(&buf, &size);

	boot_events_add(&ev, 0, EVENT_BOOTPERF, "launch", 6);
	boot_events_add(&ev, 1.5, EVENT_LIBRARY, odd, strlen(odd));
	boot_events_add(&ev, 2.25, EVENT_TRACE, "", 0);
	boot_events_finish(&ev, 3.125);
	boot_events_write(fp, &ev);
	fclose(fp);
	ok(!strchr(strchr(buf, '\n') + 1, '\t') && !strchr(buf, '\033'),
	   "control bytes are escaped in the text form");
	fp = fmemopen(buf, size, "r");
	is_int(boot_events_read(&back, fp, &bad), 0, "the text form reads");
	fclose(fp);
	is_size(back.n, 4, "every event back");
	ok(back.n == 4 && !strcmp(back.v[1].text, odd) &&
	       back.v[1].source == EVENT_LIBRARY && back.v[1].ms == 1.5,
	   "text, source and time survive");
	ok(back.n == 4 && back.v[2].text[0] == '\0', "an empty message too");
	is_double(back.total_ms, 3.125, 0, "the total survives");
	boot_events_free(&back);
	boot_events_free(&ev);
	free(buf);

	back = (struct boot_events)BOOT_EVENTS_INIT;
	buf = bp_strdup("0.000 bootperf launch\n1.0 nosuchsource x\n");
	fp = fmemopen(buf, strlen(buf), "r");
	is_int(boot_events_read(&back, fp, &bad), -1, "an unknown source");
	is_size(bad, 2, "is named by its line");
	fclose(fp);
	boot_events_free(&back);
	free(buf);
}

/* Every detail's phase exists; names are unique; patterns are there. */
static void test_table(void)
{
	bool good = true;

	for (size_t k = 0; k < stage_table_len; k++) {
		const struct stage_def *d = &stage_table[k];
		bool found = !d->within;

		for (size_t j = 0; j < stage_table_len; j++) {
			if (j != k && !strcmp(stage_table[j].name, d->name))
				good = false;
			if (d->within && stage_table[j].kind == STAGE_PHASE &&
			    !strcmp(stage_table[j].name, d->within) && j < k)
				found = true;
		}
		if (!found || !*d->begin || !*d->end ||
		    (d->kind == STAGE_PHASE && d->within)) {
			tap_diag("stage '%s' is malformed", d->name);
			good = false;
		}
	}
	ok(good, "the stage table is well formed (%zu stages)",
	   stage_table_len);
}

static const char *const phases_in_order[] = {
    "run qemu",
    "firmware",
    "kernel unpack",
    "kernel early boot",
    "kernel initcalls",
    "kernel late boot",
    "supermin mini-initrd",
    "/init",
    "daemon start",
    "shutdown",
    "qemu exit",
    "close",
};

#define N_PHASES (sizeof phases_in_order / sizeof phases_in_order[0])

static void test_real_boot(void)
{
	struct boot_events ev;
	struct stage_hits h;
	double sum = 0, last_end = 0;
	size_t insmods = 0, initcalls = 0, negative = 0;
	bool ordered = true;

	load(&ev, "boot-tcg-debian.events");
	stages_match(&h, &ev, stage_table, stage_table_len);
	for (size_t i = 0; i < N_PHASES; i++) {
		const struct stage_hit *x = hit(&h, phases_in_order[i]);

		ok(x != NULL, "real boot: '%s' seen", phases_in_order[i]);
		if (!x)
			continue;
		if (x->start_ms < last_end)
			ordered = false;
		last_end = x->end_ms;
		sum += x->end_ms - x->start_ms;
	}
	ok(ordered, "real boot: the phases follow one another");
	ok(sum <= ev.total_ms && sum > 0.99 * ev.total_ms,
	   "real boot: the phases cover the run (%.1f of %.1f ms)", sum,
	   ev.total_ms);
	for (size_t i = 0; i < h.n; i++) {
		insmods += h.v[i].def->kind == STAGE_EACH;
		initcalls += h.v[i].def->kind == STAGE_INITCALL;
		negative += h.v[i].end_ms < h.v[i].start_ms;
	}
	is_size(negative, 0, "real boot: no stage ends before it starts");
	is_size(insmods, 52, "real boot: supermin's 52 insmods");
	ok(initcalls > 500, "real boot: %zu initcalls", initcalls);
	ok(hit(&h, "initcall virtio_pci.virtio_pci_driver_init") != NULL,
	   "real boot: a module's initcall is named module.function");
	ok(hit(&h, "initcall kernel.acpi_init") != NULL,
	   "real boot: a built-in one kernel.function");
	ok(hit(&h, "insmod virtio_pci") != NULL &&
	       hit(&h, "insmod crc32-pclmul") != NULL,
	   "real boot: insmods named by module");
	ok(len(&h, "kernel unpack") > 1000,
	   "real boot: TCG unpacks the kernel for over a second (%.0f ms)",
	   len(&h, "kernel unpack"));
	ok(hit(&h, "udevadm settle") && hit(&h, "qemu start") &&
	       hit(&h, "mount root") && hit(&h, "bash start"),
	   "real boot: the details are found");
	stage_hits_free(&h);
	boot_events_free(&ev);
}

struct expect {
	const char *name;
	double start, len; /* len NAN: not seen */
	bool cut;	   /* its end inferred */
};

static void check(const struct stage_hits *h, const char *file,
		  const struct expect *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct stage_hit *x = hit(h, e[i].name);
		char what[160];

		snprintf(what, sizeof what, "%s: %s %s", file, e[i].name,
			 isnan(e[i].len) ? "not seen" : "start and length");
		if (isnan(e[i].len)) {
			ok(x == NULL, "%s", what);
			continue;
		}
		ok(x && x->start_ms == e[i].start &&
		       fabs(x->end_ms - x->start_ms - e[i].len) < 1e-9 &&
		       x->cut == e[i].cut,
		   "%s%s", what, e[i].cut ? ", end inferred" : "");
		if (x && (x->start_ms != e[i].start ||
			  fabs(x->end_ms - x->start_ms - e[i].len) >= 1e-9 ||
			  x->cut != e[i].cut))
			tap_diag("got %.3f + %.3f%s", x->start_ms,
				 x->end_ms - x->start_ms,
				 x->cut ? ", end inferred" : "");
	}
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void test_basic(void)
{
	static const struct expect e[] = {
	    {"run qemu", 0, 100, false},
	    {"supermin appliance", 1, 10, false},
	    {"qemu feature probes", 12, 2, false},
	    {"qemu start", 20, 80, false},
	    {"firmware", 100, 30, false},
	    {"kernel unpack", 130, 2870, false},
	    {"kernel early boot", 3000, 500, false},
	    {"kernel initcalls", 3500, 800, false},
	    {"initcall kernel.con_init", 3200, 1, false},
	    {"initcall kernel.init_hw_perf_events", 3500, 10, false},
	    {"initcall kernel.acpi_init", 3600, 120, false},
	    {"initcall ata_piix.piix_init", 4610, 180, false},
	    {"kernel late boot", 4300, 100, false},
	    {"supermin mini-initrd", 4400, 880, false},
	    {"insmod ata_piix", 4600, 200, false},
	    {"insmod virtio_pci", 4800, 450, false},
	    {"mount root", 5250, 30, false},
	    {"/init", 5280, 4020, false},
	    {"bash start", 5280, 150, false},
	    {"/init setup", 5430, 1000, false},
	    {"udev start", 6430, 600, false},
	    {"udevadm settle", 7030, 1600, false},
	    {"disk probes", 8700, 600, false},
	    {"daemon start", 9300, 600, false},
	    {"shutdown", 9900.02, 139.98, false},
	    {"qemu exit", 10040, 10, false},
	    {"close", 10050.01, 9.99, false},
	};
	struct boot_events ev;
	struct stage_hits h;

	load(&ev, "boot-basic.events");
	stages_match(&h, &ev, stage_table, stage_table_len);
	check(&h, "basic", e, ARRAY_SIZE(e));
	is_size(h.n, ARRAY_SIZE(e), "basic: nothing else is found");
	stage_hits_free(&h);
	boot_events_free(&ev);
}

/* A phase whose end marker is missing ends where the next one found
 * begins; its parts are found in it, and end with it if their own end
 * marker is missing too.  A phase whose begin is missing is not seen.
 */
static void test_missing(void)
{
	static const struct expect e[] = {
	    {"run qemu", 0, 3000, true},
	    {"supermin appliance", 1, 10, false},
	    {"qemu feature probes", 12, 2, false},
	    {"qemu start", 20, 2980, true},
	    {"firmware", 0, NAN, false},
	    {"kernel unpack", 0, NAN, false},
	    {"kernel early boot", 3000, 1400, true},
	    {"kernel initcalls", 0, NAN, false},
	    {"initcall kernel.acpi_init", 0, NAN, false},
	    {"kernel late boot", 0, NAN, false},
	    {"supermin mini-initrd", 4400, 1030, true},
	    {"insmod ata_piix", 4600, 200, false},
	    {"insmod virtio_pci", 4800, 450, false},
	    {"mount root", 5250, 180, true},
	    {"/init", 5430, 3870, false},
	    {"/init setup", 5430, 1000, false},
	    {"bash start", 0, NAN, false},
	    {"daemon start", 9300, 600, false},
	    {"close", 10050.01, 9.99, false},
	};
	struct boot_events ev;
	struct stage_hits h;

	load(&ev, "boot-missing.events");
	stages_match(&h, &ev, stage_table, stage_table_len);
	check(&h, "missing", e, ARRAY_SIZE(e));
	stage_hits_free(&h);
	boot_events_free(&ev);
}

static void test_reordered(void)
{
	static const struct expect e[] = {
	    {"run qemu", 0, 130, false},
	    {"qemu start", 20, 110, false},
	    {"firmware", 130, 2870, false},
	    {"kernel unpack", 0, NAN, false},
	    {"kernel early boot", 3000, 500, false},
	    {"initcall kernel.never_returns", 0, NAN, false},
	    {"initcall kernel.acpi_init", 3600, 120, false},
	    {"/init setup", 5430, 1670, false},
	    {"udev start", 7100, 2200, true},
	    {"udevadm settle", 7030, 1600, false},
	    {"daemon start", 9300, 600, false},
	};
	struct boot_events ev;
	struct stage_hits h;

	load(&ev, "boot-reordered.events");
	stages_match(&h, &ev, stage_table, stage_table_len);
	check(&h, "reordered", e, ARRAY_SIZE(e));
	stage_hits_free(&h);
	boot_events_free(&ev);
}

/* Empty the events whose text holds s: a fixture without that marker. */
static void drop(struct boot_events *ev, const char *s)
{
	for (size_t i = 0; i < ev->n; i++)
		if (strstr(ev->v[i].text, s))
			ev->v[i].text[0] = '\0';
}

/* The missing phase's parts are looked for between the phases found
 * around it; a missing banner leaves no time unattributed.
 */
static void test_missing_begin(void)
{
	static const struct expect e[] = {
	    {"kernel early boot", 3000, 2430, true},
	    {"supermin mini-initrd", 0, NAN, false},
	    {"insmod ata_piix", 4600, 200, false},
	    {"mount root", 5250, 180, true},
	};
	static const struct expect banner[] = {
	    {"run qemu", 0, 130, true},
	    {"qemu start", 20, 110, true},
	    {"firmware", 0, NAN, false},
	    {"kernel unpack", 130, 2870, false},
	};
	struct boot_events ev;
	struct stage_hits h;

	load(&ev, "boot-missing.events");
	drop(&ev, "supermin: mounting /proc");
	drop(&ev, "starting up");
	stages_match(&h, &ev, stage_table, stage_table_len);
	check(&h, "no mini-initrd", e, ARRAY_SIZE(e));
	stage_hits_free(&h);
	boot_events_free(&ev);

	load(&ev, "boot-basic.events");
	drop(&ev, "SeaBIOS");
	stages_match(&h, &ev, stage_table, stage_table_len);
	check(&h, "no banner", banner, ARRAY_SIZE(banner));
	stage_hits_free(&h);
	boot_events_free(&ev);
}

/* A phase whose end marker comes after the next phase began is cut
 * there: phases never overlap.
 */
static void test_overlap(void)
{
	static const struct {
		double ms;
		enum event_source src;
		const char *text;
	} lines[] = {
	    {0, EVENT_BOOTPERF, "launch"},
	    {10, EVENT_APPLIANCE, "guestfsd --verbose"},
	    {20, EVENT_TRACE, "shutdown"},
	    {30, EVENT_LIBRARY, "appliance is up"},
	    {40, EVENT_TRACE, "internal_autosync = 0"},
	    {50, EVENT_BOOTPERF, "end"},
	};
	static const struct expect e[] = {
	    {"run qemu", 0, 10, true},
	    {"daemon start", 10, 10, true},
	    {"shutdown", 20, 20, false},
	    {"qemu exit", 40, 10, true},
	};
	struct boot_events ev = BOOT_EVENTS_INIT;
	struct stage_hits h;

	for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
		boot_events_add(&ev, lines[i].ms, lines[i].src, lines[i].text,
				strlen(lines[i].text));
	stages_match(&h, &ev, stage_table, stage_table_len);
	check(&h, "overlap", e, ARRAY_SIZE(e));
	is_size(h.n, ARRAY_SIZE(e), "overlap: nothing else is found");
	stage_hits_free(&h);
	boot_events_free(&ev);
}

/* In every fixture (every pass) the phases follow one another and add
 * up to no more than the total.
 */
static void phases_within_total(const char *what, const struct boot_events *ev)
{
	struct stage_hits h;
	double sum = 0, last_end = -INFINITY;
	double total = ev->n ? ev->v[ev->n - 1].ms : 0;
	size_t overlaps = 0;

	stages_match(&h, ev, stage_table, stage_table_len);
	for (size_t i = 0; i < h.n; i++) {
		if (h.v[i].def->kind != STAGE_PHASE)
			continue;
		overlaps += h.v[i].start_ms < last_end;
		last_end = h.v[i].end_ms;
		sum += h.v[i].end_ms - h.v[i].start_ms;
	}
	ok(overlaps == 0 && sum <= total,
	   "%s: phases do not overlap, %.2f of %.2f ms", what, sum, total);
	stage_hits_free(&h);
}

static void test_all_fixtures(void)
{
	static const char *const files[] = {
	    "boot-basic.events",     "boot-missing.events",
	    "boot-reordered.events", "boot-tcg-debian.events",
	    "boot-passes.events",    "boot-truncated.events",
	};

	for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
		char *path = data_path(files[f]);
		FILE *fp = fopen(path, "r");
		struct boot_events *passes = NULL;
		double *quiet = NULL;
		size_t n = 0, nq = 0, bad = 0;

		if (!fp || boot_events_read_passes(fp, &passes, &n, &quiet, &nq,
						   &bad) == -1) {
			tap_diag("cannot read %s (line %zu)", path, bad);
			exit(1);
		}
		fclose(fp);
		for (size_t p = 0; p < n; p++) {
			char what[96];

			snprintf(what, sizeof what, "%s pass %zu", files[f],
				 p + 1);
			phases_within_total(what, &passes[p]);
			boot_events_free(&passes[p]);
		}
		free(passes);
		free(quiet);
		free(path);
	}
}

/* The same initcall twice in one pass: two activities. */
static void test_repeats(void)
{
	struct boot_events ev = BOOT_EVENTS_INIT;
	struct stage_hits h;
	static const char *const lines[] = {
	    "calling  f+0x0/0x1 [m] @ 1", "initcall f+0x0/0x1 [m] returned 0",
	    "calling  f+0x0/0x1 [m] @ 1", "initcall f+0x0/0x1 [m] returned 0",
	    "calling  fg+0x0/0x1 @ 1",	  "initcall f+0x0/0x1 returned 0",
	};

	for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
		boot_events_add(&ev, (double)i, EVENT_APPLIANCE, lines[i],
				strlen(lines[i]));
	stages_match(&h, &ev, stage_table, stage_table_len);
	ok(hit(&h, "initcall m.f") && hit(&h, "initcall m.f #2"),
	   "a repeated initcall is numbered");
	is_double(len(&h, "initcall m.f #2"), 1, 0, "and ends at its return");
	ok(!hit(&h, "initcall kernel.fg"),
	   "a function is not ended by another whose name it begins");
	stage_hits_free(&h);
	boot_events_free(&ev);
}

/* A name made of console text cannot carry a terminal control. */
static void test_names_printable(void)
{
	struct boot_events ev = BOOT_EVENTS_INIT;
	struct stage_hits h;
	static const char *const lines[] = {
	    "calling  f\033[2J+0x0/0x1 [m] @ 1",
	    "initcall f\033[2J+0x0/0x1 [m] returned 0",
	};

	for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
		boot_events_add(&ev, (double)i, EVENT_APPLIANCE, lines[i],
				strlen(lines[i]));
	stages_match(&h, &ev, stage_table, stage_table_len);
	ok(hit(&h, "initcall m.f\\x1b[2J"),
	   "an escape in an initcall's name is shown as \\x1b");
	stage_hits_free(&h);
	boot_events_free(&ev);
}

/* Each and initcall markers are patterns like the others: '*' and '|'
 * work, and the name is the word after the match.
 */
static void test_marker_patterns(void)
{
	static const struct stage_def table[] = {
	    {"load", STAGE_EACH, NULL, EVENT_APPLIANCE, "insmod *: |modprobe ",
	     EVENT_APPLIANCE, "loaded"},
	    {"ic", STAGE_INITCALL, NULL, EVENT_APPLIANCE, "call*ing  |start ",
	     EVENT_APPLIANCE, "initcall |done "},
	};
	static const char *const lines[] = {
	    "insmod (1): foo.ko",
	    "modprobe bar",
	    "loaded",
	    "[ 1.0] calling  f+0x0/0x1 [m] @ 1",
	    "done f+0x0/0x1 [m] returned 0",
	    "start g+0x0/0x1 @ 1",
	    "[ 1.1] initcall g+0x0/0x1 returned 0",
	};
	struct boot_events ev = BOOT_EVENTS_INIT;
	struct stage_hits h;
	const char *end;

	for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
		boot_events_add(&ev, (double)i, EVENT_APPLIANCE, lines[i],
				strlen(lines[i]));
	stages_match(&h, &ev, table, ARRAY_SIZE(table));
	ok(hit(&h, "load foo") && hit(&h, "load bar"),
	   "each: '*' and '|' in the marker, named by the word after it");
	is_double(len(&h, "load bar"), 1, 0, "each: to its end marker");
	ok(hit(&h, "ic m.f") && hit(&h, "ic kernel.g"),
	   "initcall: '*' and '|' in both markers");
	is_double(len(&h, "ic kernel.g"), 1, 0, "initcall: to its return");
	is_size(h.n, 4, "marker patterns: nothing else is found");
	end = stage_pattern_end("a: x: b", "a*: ");
	ok(end && !strcmp(end, "x: b"),
	   "the match ends after the first occurrence of each piece");
	ok(stage_pattern_end("abc", "x|") == NULL, "no match, no end");
	stage_hits_free(&h);
	boot_events_free(&ev);
}

static void load_passes(struct boot_events **passes, size_t *n, double **quiet,
			size_t *nq)
{
	char *path = data_path("boot-passes.events");
	FILE *fp = fopen(path, "r");
	size_t bad = 0;

	if (!fp || boot_events_read_passes(fp, passes, n, quiet, nq, &bad)) {
		tap_diag("cannot read %s (line %zu)", path, bad);
		exit(1);
	}
	fclose(fp);
	free(path);
}

static void test_passes(void)
{
	struct boot_events *passes;
	double *quiet;
	size_t n, nq;
	struct stage_report r;
	const struct stage_stat *probes, *run;

	load_passes(&passes, &n, &quiet, &nq);
	is_size(n, 3, "passes: three passes read");
	ok(nq == 2 && quiet[0] == 150.5 && quiet[1] == 160.5,
	   "passes: the quiet passes' times read");
	stages_summarize(&r, passes, n, stage_table, stage_table_len);
	is_double(r.total.mean, 220, 1e-9, "passes: mean of the totals");
	run = stage_report_find(&r, "run qemu");
	ok(run && run->seen == 3, "passes: run qemu seen in all three");
	is_double(run ? run->dur.mean : NAN, 110, 1e-9, "run qemu: mean");
	is_double(run ? run->dur.sd : NAN, 10, 1e-9, "run qemu: sample sd");
	is_double(run ? run->percent : NAN, 50, 1e-9, "run qemu: percent");
	ok(run && stage_highlighted(run), "run qemu: highlighted");
	probes = stage_report_find(&r, "qemu feature probes");
	ok(probes && probes->seen == 2, "probes: seen in two passes of 3");
	is_double(probes ? probes->dur.mean : NAN, 20, 1e-9,
		  "probes: the mean leaves the pass without them out");
	ok(probes && isnan(probes->dur_ms[1]),
	   "probes: the missing pass is not a 0");
	ok(r.n == 3 && !strcmp(r.v[0].name, "run qemu") &&
	       !strcmp(r.v[2].name, "firmware"),
	   "passes: stages by start time");
	ok(r.n == 3 && r.v[2].cut == 3 && r.v[0].cut == 0,
	   "passes: the last phase found ends with the last event");
	stage_report_free(&r);
	for (size_t p = 0; p < n; p++)
		boot_events_free(&passes[p]);
	free(passes);
	free(quiet);
}

/* A start delayed by 5 s: run qemu grew, the rest did not. */
static void test_compare(void)
{
	struct boot_events a, b;
	struct stage_report ra, rb;
	struct stage_changes c;

	load(&a, "boot-basic.events");
	load(&b, "boot-basic.events");
	for (size_t i = 0; i < b.n; i++)
		if (b.v[i].ms > 20)
			b.v[i].ms += 5000;
	b.total_ms += 5000;
	stages_summarize(&ra, &a, 1, stage_table, stage_table_len);
	stages_summarize(&rb, &b, 1, stage_table, stage_table_len);
	stages_compare(&c, &ra, &rb);
	ok(c.most != SIZE_MAX && !strcmp(c.v[c.most].name, "run qemu"),
	   "compare: run qemu is the phase that grew");
	is_double(c.most != SIZE_MAX ? c.v[c.most].delta_ms : NAN, 5000, 1e-6,
		  "compare: by 5 s");
	ok(c.most_part != SIZE_MAX &&
	       !strcmp(c.v[c.most_part].name, "qemu start"),
	   "compare: of its parts, qemu start");
	is_double(c.total_b - c.total_a, 5000, 1e-6, "compare: the totals");
	stage_changes_free(&c);
	stage_report_free(&ra);
	stage_report_free(&rb);
	boot_events_free(&a);
	boot_events_free(&b);
}

/* Move the events after `after` ms (and the total) by `by` ms. */
static void shift(struct boot_events *ev, double after, double by)
{
	for (size_t i = 0; i < ev->n; i++)
		if (ev->v[i].ms > after)
			ev->v[i].ms += by;
	if (ev->total_ms > after)
		ev->total_ms += by;
}

/* b is a: kernel unpack 2.5 s shorter, kernel early boot 2 s, the
 * initcalls 1 s and udev start 1.5 s longer: the run is 2 s longer.
 */
static void planted(struct stage_report *a, struct stage_report *b)
{
	struct boot_events ea, eb;

	load(&ea, "boot-basic.events");
	load(&eb, "boot-basic.events");
	shift(&eb, 6500, 1500);
	shift(&eb, 4000, 1000);
	shift(&eb, 3400, 2000);
	shift(&eb, 2000, -2500);
	stages_summarize(a, &ea, 1, stage_table, stage_table_len);
	stages_summarize(b, &eb, 1, stage_table, stage_table_len);
	boot_events_free(&ea);
	boot_events_free(&eb);
}

static const char *most_name(const struct stage_changes *c, size_t i)
{
	return i == SIZE_MAX ? "(none)" : c->v[i].name;
}

/* A regression names the stage that grew most, though another shrank
 * more; an improvement the stage that shrank most.
 */
static void test_compare_direction(void)
{
	struct stage_report a, b;
	struct stage_changes c;

	planted(&a, &b);
	stages_compare(&c, &a, &b);
	is_double(c.total_b - c.total_a, 2000, 1e-6, "direction: +2 s");
	ok(!strcmp(most_name(&c, c.most), "kernel early boot"),
	   "a regression: the phase that grew most (%s), not kernel unpack",
	   most_name(&c, c.most));
	is_double(c.most != SIZE_MAX ? c.v[c.most].delta_ms : NAN, 2000, 1e-6,
		  "a regression: by +2 s");
	ok(!strcmp(most_name(&c, c.most_part), "udev start"),
	   "a regression: of the parts, the one that grew (%s)",
	   most_name(&c, c.most_part));
	stage_changes_free(&c);

	stages_compare(&c, &b, &a);
	ok(!strcmp(most_name(&c, c.most), "kernel early boot") &&
	       c.v[c.most].delta_ms < -1999,
	   "an improvement: the phase that shrank most (%s), not kernel "
	   "unpack",
	   most_name(&c, c.most));
	stage_changes_free(&c);
	stage_report_free(&a);
	stage_report_free(&b);
}

/* The mark agrees with the share as printed, "%.1f". */
static void test_highlight(void)
{
	static const struct {
		double percent;
		bool marked;
	} v[] = {
	    {0.994, true}, {0.96, true}, {1.0, true},  {0.949, false},
	    {0.94, false}, {12.3, true}, {NAN, false}, {-1, false},
	};
	bool good = true;

	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		struct stage_stat s = {.percent = v[i].percent};

		if (stage_highlighted(&s) != v[i].marked) {
			tap_diag("%.3f%% (shown %.1f%%) marked: %d",
				 v[i].percent, v[i].percent,
				 stage_highlighted(&s));
			good = false;
		}
	}
	ok(good, "highlighted exactly when the share shown is 1.0%% or more");
}

int main(void)
{
	test_patterns();
	test_console_lines();
	test_names_printable();
	test_round_trip();
	test_table();
	test_real_boot();
	test_basic();
	test_missing();
	test_reordered();
	test_missing_begin();
	test_overlap();
	test_all_fixtures();
	test_repeats();
	test_marker_patterns();
	test_passes();
	test_highlight();
	test_compare();
	test_compare_direction();
	return tap_done();
}
