/* bootperf - boot stages: the table of markers, the matcher that finds
 * them in one boot's events, and the statistics over several boots.
 *
 * Everything a new qemu, firmware or kernel message format needs is in
 * stage_table: one line per stage, documented in bootperf(1), "STAGES".
 * A marker that does not appear makes its stage "not seen" in that
 * pass; nothing here ever fails on missing or reordered markers.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* The firmware's first line: SeaBIOS, or UEFI (OVMF, aarch64). */
#define FIRMWARE "SeaBIOS (version|UEFI firmware starting"
/* The kernel's first line after the decompressor. */
#define KERNEL "Linux version |Booting Linux on physical CPU"

#define A EVENT_APPLIANCE
#define L EVENT_LIBRARY
#define T EVENT_TRACE
#define B EVENT_BOOTPERF

/* clang-format off */
const struct stage_def stage_table[] = {
	/* name, kind, within, begin source, begin, end source, end */
	{ "run qemu", STAGE_PHASE, NULL, B, "launch", A, FIRMWARE },
	{ "supermin appliance", STAGE_DETAIL, NULL,
	  L, "begin building supermin appliance",
	  L, "finished building supermin appliance" },
	{ "qemu feature probes", STAGE_DETAIL, NULL,
	  L, "begin testing qemu features", L, "finished testing qemu features" },
	{ "qemu start", STAGE_DETAIL, "run qemu",
	  A, "-no-user-config|-nodefconfig", A, FIRMWARE },
	{ "firmware", STAGE_PHASE, NULL, A, FIRMWARE, A, "Booting from |" KERNEL },
	{ "kernel unpack", STAGE_PHASE, NULL, A, "Booting from ", A, KERNEL },
	{ "kernel early boot", STAGE_PHASE, NULL, A, KERNEL, A, "calling  *@ 1" },
	{ "kernel initcalls", STAGE_PHASE, NULL,
	  A, "calling  *@ 1", A, "Freeing unused kernel" },
	{ "initcall", STAGE_INITCALL, NULL, A, "calling  ", A, "initcall " },
	{ "kernel late boot", STAGE_PHASE, NULL,
	  A, "Freeing unused kernel", A, "supermin: " },
	{ "supermin mini-initrd", STAGE_PHASE, NULL,
	  A, "supermin: mounting /proc|supermin:*starting up",
	  A, "supermin: chroot" },
	{ "insmod", STAGE_EACH, "supermin mini-initrd",
	  A, "supermin: internal insmod ", A, "supermin: picked" },
	{ "mount root", STAGE_DETAIL, "supermin mini-initrd",
	  A, "supermin: picked", A, "supermin: chroot" },
	{ "/init", STAGE_PHASE, NULL,
	  A, "supermin: chroot|Starting /init script", A, "guestfsd --verbose" },
	{ "bash start", STAGE_DETAIL, "/init",
	  A, "supermin: chroot", A, "Starting /init script" },
	{ "/init setup", STAGE_DETAIL, "/init",
	  A, "Starting /init script", A, "udevd --daemon" },
	{ "udev start", STAGE_DETAIL, "/init",
	  A, "udevd --daemon", A, "+ udevadm settle" },
	{ "udevadm settle", STAGE_DETAIL, "/init",
	  A, "+ udevadm settle", A, "nullglob" },
	{ "disk probes", STAGE_DETAIL, "/init",
	  A, "+ mdadm", A, "guestfsd --verbose" },
	{ "daemon start", STAGE_PHASE, NULL,
	  A, "guestfsd --verbose", L, "appliance is up" },
	{ "shutdown", STAGE_PHASE, NULL,
	  T, "shutdown", T, "internal_autosync = " },
	{ "qemu exit", STAGE_PHASE, NULL,
	  T, "internal_autosync = ", T, "shutdown = " },
	{ "close", STAGE_PHASE, NULL, T, "close", B, "end" },
};
/* clang-format on */
const size_t stage_table_len = sizeof stage_table / sizeof stage_table[0];

#undef A
#undef L
#undef T
#undef B

const char *stage_kind_name(enum stage_kind k)
{
	switch (k) {
	case STAGE_PHASE:
		return "phase";
	case STAGE_DETAIL:
		return "detail";
	case STAGE_EACH:
		return "each";
	case STAGE_INITCALL:
		return "initcall";
	}
	return "unknown";
}

/* Where the first match of pat[0..len) in text ends, '*' standing for
 * any run of characters, or NULL.  Taking the first occurrence of each
 * piece is enough: a later one leaves less text for the pieces after it.
 */
static const char *glob_end(const char *text, const char *pat, size_t len)
{
	const char *star = memchr(pat, '*', len);
	size_t head = star ? (size_t)(star - pat) : len;
	const char *at = text;

	if (head > 0) {
		at = memmem(text, strlen(text), pat, head);
		if (!at)
			return NULL;
		at += head;
	}
	if (!star)
		return at;
	return glob_end(at, star + 1, len - head - 1);
}

const char *stage_pattern_end(const char *text, const char *pattern)
{
	while (pattern) {
		const char *bar = strchr(pattern, '|');
		size_t len = bar ? (size_t)(bar - pattern) : strlen(pattern);
		const char *end = len > 0 ? glob_end(text, pattern, len) : NULL;

		if (end)
			return end;
		pattern = bar ? bar + 1 : NULL;
	}
	return NULL;
}

bool stage_pattern_match(const char *text, const char *pattern)
{
	return stage_pattern_end(text, pattern) != NULL;
}

static bool event_matches(const struct boot_event *e, enum event_source src,
			  const char *pattern)
{
	return e->source == src && stage_pattern_match(e->text, pattern);
}

/* The first event in [from, to) with this source and pattern, or SIZE_MAX. */
static size_t find(const struct boot_events *ev, size_t from, size_t to,
		   enum event_source src, const char *pattern)
{
	for (size_t i = from; i < to && i < ev->n; i++)
		if (event_matches(&ev->v[i], src, pattern))
			return i;
	return SIZE_MAX;
}

/* One pass being matched.  Phases are found first, all of them, since
 * one whose end marker is missing ends where the next one found begins;
 * then every stage is added in table order.
 */
struct phase_span {
	size_t begin, end; /* events; begin SIZE_MAX: not found */
	size_t from, to;   /* its parts are looked for in [from, to) */
	bool cut;	   /* end is not its own end marker */
};

struct match {
	struct stage_hits *out;
	const struct boot_events *ev;
	const struct stage_def *table;
	size_t n_table;
	struct phase_span *phase; /* by table index; phases only */
};

static void hit_add(struct match *m, const struct stage_def *def, char *name,
		    size_t b, size_t e, bool cut)
{
	struct stage_hits *h = m->out;
	struct stage_hit *x;

	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 64;
		struct stage_hit *v = realloc(h->v, cap * sizeof *v);

		if (!v) {
			bp_error("out of memory");
			abort();
		}
		h->v = v;
		h->cap = cap;
	}
	x = &h->v[h->n++];
	x->def = def;
	/* Names of modules and initcalls come from the guest's console:
	 * what a report prints of them is never a terminal control.
	 */
	x->name = bp_printable(name);
	free(name);
	x->begin_event = b;
	x->end_event = e;
	x->start_ms = m->ev->v[b].ms;
	x->end_ms = m->ev->v[e].ms;
	x->cut = cut;
}

/* A phase ends at the latest where the next one begins: phases never
 * overlap, and one whose end marker is missing loses no time.
 */
static void phase_cut(struct phase_span *p, size_t next)
{
	if (p->end == SIZE_MAX || p->end > next) {
		p->end = next;
		p->cut = true;
	}
}

/* Each phase after the beginning of the last one found; the last one
 * found ends with the last event if its end marker is missing.
 */
static void phases_find(struct match *m)
{
	size_t cursor = 0, prev = SIZE_MAX;

	for (size_t k = 0; k < m->n_table; k++) {
		const struct stage_def *d = &m->table[k];
		struct phase_span *p = &m->phase[k];

		p->begin = p->end = SIZE_MAX;
		p->cut = false;
		if (d->kind != STAGE_PHASE)
			continue;
		p->begin =
		    find(m->ev, cursor, m->ev->n, d->begin_source, d->begin);
		if (p->begin == SIZE_MAX)
			continue;
		p->end =
		    find(m->ev, p->begin + 1, m->ev->n, d->end_source, d->end);
		if (prev != SIZE_MAX)
			phase_cut(&m->phase[prev], p->begin);
		prev = k;
		cursor = p->begin + 1;
	}
	if (prev != SIZE_MAX)
		phase_cut(&m->phase[prev], m->ev->n - 1);
}

/* Where each phase's parts are looked for: within the phase; for one
 * not found, from the end of the phase found before it to the beginning
 * of the one found after it (its markers may be missing, not theirs).
 */
static void phases_scope(struct match *m)
{
	size_t from = 0, to = m->ev->n;

	for (size_t k = m->n_table; k-- > 0;) {
		struct phase_span *p = &m->phase[k];

		if (m->table[k].kind != STAGE_PHASE)
			continue;
		if (p->begin != SIZE_MAX) {
			p->from = p->begin;
			p->to = p->end + 1;
			to = p->begin + 1;
		} else
			p->to = to;
	}
	for (size_t k = 0; k < m->n_table; k++) {
		struct phase_span *p = &m->phase[k];

		if (m->table[k].kind != STAGE_PHASE)
			continue;
		if (p->begin == SIZE_MAX)
			p->from = from;
		else
			from = p->cut ? p->begin + 1 : p->end;
	}
}

/* Where a part may be found: its phase's scope, or the whole boot. */
static bool scope(const struct match *m, const struct stage_def *d,
		  size_t *from, size_t *to)
{
	*from = 0;
	*to = m->ev->n;
	if (!d->within)
		return true;
	for (size_t k = 0; k < m->n_table; k++)
		if (m->table[k].kind == STAGE_PHASE &&
		    !strcmp(m->table[k].name, d->within)) {
			*from = m->phase[k].from;
			*to = m->phase[k].to;
			return true;
		}
	return false;
}

/* The word after the begin marker, without a ".ko" suffix. */
static char *each_name(const struct stage_def *d, const char *text)
{
	const char *p = stage_pattern_end(text, d->begin);
	size_t len;

	if (!p)
		p = text;
	len = strcspn(p, " \t");
	if (len > 3 && !strncmp(p + len - 3, ".ko", 3))
		len -= 3;
	return bp_asprintf("%s %.*s", d->name, (int)len, p);
}

static void match_each(struct match *m, const struct stage_def *d)
{
	const struct boot_events *ev = m->ev;
	size_t from, to, b;

	if (!scope(m, d, &from, &to))
		return;
	b = find(ev, from, to, d->begin_source, d->begin);
	while (b != SIZE_MAX) {
		size_t next = find(ev, b + 1, to, d->begin_source, d->begin);
		size_t end = find(ev, b + 1, next == SIZE_MAX ? to : next,
				  d->end_source, d->end);
		bool cut = end == SIZE_MAX && next == SIZE_MAX;

		if (end == SIZE_MAX)
			end = next != SIZE_MAX ? next : to - 1;
		if (end > b)
			hit_add(m, d, each_name(d, ev->v[b].text), b, end, cut);
		b = next;
	}
}

/* "calling  fn+0x0/0x1d [mod] @ 1": fn and mod (empty when built in). */
static int initcall_parse(const char *text, const char *marker, const char **fn,
			  size_t *fn_len, const char **mod, size_t *mod_len)
{
	const char *plus, *br;

	*fn = stage_pattern_end(text, marker);
	if (!*fn)
		return -1;
	*fn_len = strcspn(*fn, "+ ");
	plus = *fn + *fn_len;
	if (*fn_len == 0 || *plus != '+')
		return -1;
	*mod = "";
	*mod_len = 0;
	br = strchr(plus, '[');
	if (br && br < plus + strcspn(plus, "@")) {
		*mod = br + 1;
		*mod_len = strcspn(*mod, "]");
	}
	return 0;
}

/* The initcall's end: "initcall fn+0x0/0x1d [mod] returned 0 after ...". */
static size_t initcall_end(const struct boot_events *ev, size_t b,
			   const struct stage_def *d, const char *fn,
			   size_t fn_len)
{
	for (size_t i = b + 1; i < ev->n; i++) {
		const char *t = ev->v[i].text, *p;

		if (ev->v[i].source != d->end_source ||
		    !(p = stage_pattern_end(t, d->end)))
			continue;
		if (!strncmp(p, fn, fn_len) && p[fn_len] == '+' &&
		    strstr(p, " returned"))
			return i;
	}
	return SIZE_MAX;
}

static void match_initcalls(struct match *m, const struct stage_def *d)
{
	const struct boot_events *ev = m->ev;

	for (size_t b = 0; b < ev->n; b++) {
		const char *fn, *mod;
		size_t fn_len, mod_len, e;

		if (ev->v[b].source != d->begin_source ||
		    initcall_parse(ev->v[b].text, d->begin, &fn, &fn_len, &mod,
				   &mod_len) == -1)
			continue;
		e = initcall_end(ev, b, d, fn, fn_len);
		if (e == SIZE_MAX)
			continue;
		hit_add(m, d,
			bp_asprintf("%s %.*s.%.*s", d->name,
				    (int)(mod_len ? mod_len : 6),
				    mod_len ? mod : "kernel", (int)fn_len, fn),
			b, e, false);
	}
}

static void match_phase(struct match *m, const struct stage_def *d, size_t k)
{
	const struct phase_span *p = &m->phase[k];

	if (p->begin != SIZE_MAX && p->end > p->begin)
		hit_add(m, d, bp_strdup(d->name), p->begin, p->end, p->cut);
}

/* A part of a phase whose end marker does not follow its begin within
 * the phase ends with the phase.
 */
static void match_part(struct match *m, const struct stage_def *d)
{
	size_t from, to, b, e;
	bool cut = false;

	if (!scope(m, d, &from, &to))
		return;
	b = find(m->ev, from, to, d->begin_source, d->begin);
	if (b == SIZE_MAX)
		return;
	e = find(m->ev, b + 1, to, d->end_source, d->end);
	if (e == SIZE_MAX && d->within) {
		e = to - 1;
		cut = true;
	}
	if (e != SIZE_MAX && e > b)
		hit_add(m, d, bp_strdup(d->name), b, e, cut);
}

/* A name seen twice in one pass (the same initcall run again) gets
 * " #2", " #3": each occurrence is an activity of its own.
 */
static void number_repeats(struct stage_hits *h)
{
	for (size_t i = 1; i < h->n; i++) {
		size_t k = 1;

		for (size_t j = 0; j < i; j++)
			if (!strcmp(h->v[j].name, h->v[i].name))
				k++;
		if (k > 1) {
			char *name = bp_asprintf("%s #%zu", h->v[i].name, k);

			free(h->v[i].name);
			h->v[i].name = name;
		}
	}
}

void stages_match(struct stage_hits *out, const struct boot_events *ev,
		  const struct stage_def *table, size_t n_table)
{
	struct match m = {
	    .out = out, .ev = ev, .table = table, .n_table = n_table};

	memset(out, 0, sizeof *out);
	m.phase = bp_malloc((n_table ? n_table : 1) * sizeof *m.phase);
	phases_find(&m);
	phases_scope(&m);
	for (size_t k = 0; k < n_table; k++) {
		const struct stage_def *d = &table[k];

		if (d->kind == STAGE_PHASE)
			match_phase(&m, d, k);
		else if (d->kind == STAGE_EACH)
			match_each(&m, d);
		else if (d->kind == STAGE_INITCALL)
			match_initcalls(&m, d);
		else
			match_part(&m, d);
	}
	free(m.phase);
	number_repeats(out);
}

void stage_hits_free(struct stage_hits *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i].name);
	free(h->v);
	memset(h, 0, sizeof *h);
}
