/* bootperf - boot events: what the console, libguestfs and bootperf said
 * during one boot, each line with the time it arrived.  Lines are kept
 * as they came (minus \r), and written one event a line with control
 * bytes escaped, so a recorded boot is a readable text file.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char *const source_names[] = {
    [EVENT_BOOTPERF] = "bootperf", [EVENT_APPLIANCE] = "appliance",
    [EVENT_LIBRARY] = "library",   [EVENT_TRACE] = "trace",
    [EVENT_CLOSE] = "close",
};

const char *event_source_name(enum event_source s)
{
	return (size_t)s < sizeof source_names / sizeof source_names[0]
		   ? source_names[s]
		   : "unknown";
}

int event_source_parse(const char *s, size_t len, enum event_source *out)
{
	for (size_t i = 0; i < sizeof source_names / sizeof source_names[0];
	     i++)
		if (strlen(source_names[i]) == len &&
		    !strncmp(source_names[i], s, len)) {
			*out = (enum event_source)i;
			return 0;
		}
	return -1;
}

void boot_events_add(struct boot_events *ev, double ms,
		     enum event_source source, const char *text, size_t len)
{
	struct boot_event *e;

	if (ev->n == ev->cap) {
		size_t cap = ev->cap ? 2 * ev->cap : 256;
		struct boot_event *v = realloc(ev->v, cap * sizeof *v);

		if (!v) {
			bp_error("out of memory");
			abort();
		}
		ev->v = v;
		ev->cap = cap;
	}
	while (len > 0 && (text[len - 1] == '\r' || text[len - 1] == '\n'))
		len--;
	e = &ev->v[ev->n++];
	e->ms = ms;
	e->source = source;
	e->text = bp_malloc(len + 1);
	memcpy(e->text, text, len);
	/* A NUL on the console would end the line early. */
	for (size_t i = 0; i < len; i++)
		if (e->text[i] == '\0')
			e->text[i] = ' ';
}

/* The console line begun so far becomes an event of its own. */
static void flush_partial(struct boot_events *ev)
{
	if (ev->partial_len > 0)
		boot_events_add(ev, ev->partial_ms, EVENT_APPLIANCE,
				ev->partial, ev->partial_len);
	ev->partial_len = 0;
}

static void append_partial(struct boot_events *ev, double ms, const char *p,
			   size_t len)
{
	if (ev->partial_len == 0)
		ev->partial_ms = ms;
	ev->partial_last_ms = ms;
	if (ev->partial_len + len > ev->partial_cap) {
		size_t cap = 2 * (ev->partial_len + len);
		char *buf = realloc(ev->partial, cap);

		if (!buf) {
			bp_error("out of memory");
			abort();
		}
		ev->partial = buf;
		ev->partial_cap = cap;
	}
	memcpy(ev->partial + ev->partial_len, p, len);
	ev->partial_len += len;
}

/* A line is timed by its first byte: a marker is printed when the stage
 * it names begins.  A line whose output paused for CONSOLE_SPLIT_MS is
 * cut there, so text printed after a long silence (the kernel's first
 * line after the decompressor, behind the firmware's screen-clearing
 * codes) gets its own time.
 */
void boot_events_console(struct boot_events *ev, double ms, const char *buf,
			 size_t len)
{
	if (len > 0 && ev->partial_len > 0 &&
	    ms - ev->partial_last_ms >= CONSOLE_SPLIT_MS)
		flush_partial(ev);
	while (len > 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t part = nl ? (size_t)(nl - buf) : len;

		append_partial(ev, ms, buf, part);
		if (!nl)
			break;
		boot_events_add(ev, ev->partial_ms, EVENT_APPLIANCE,
				ev->partial, ev->partial_len);
		ev->partial_len = 0;
		buf += part + 1;
		len -= part + 1;
	}
}

void boot_events_finish(struct boot_events *ev, double total_ms)
{
	flush_partial(ev);
	boot_events_add(ev, total_ms, EVENT_BOOTPERF, "end", 3);
	ev->total_ms = total_ms;
}

double boot_events_total(const struct boot_events *ev)
{
	if (isnan(ev->total_ms) && ev->n)
		return ev->v[ev->n - 1].ms;
	return ev->total_ms;
}

void boot_events_free(struct boot_events *ev)
{
	for (size_t i = 0; i < ev->n; i++)
		free(ev->v[i].text);
	free(ev->v);
	free(ev->partial);
	memset(ev, 0, sizeof *ev);
	ev->total_ms = NAN;
}

/* Control bytes, backslash and DEL as \xNN; everything else as is. */
static void put_escaped(FILE *fp, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			fprintf(fp, "\\x%02x", *p);
		else
			fputc(*p, fp);
}

int boot_events_write(FILE *fp, const struct boot_events *ev)
{
	for (size_t i = 0; i < ev->n; i++) {
		fprintf(fp, "%.3f %s ", ev->v[i].ms,
			event_source_name(ev->v[i].source));
		put_escaped(fp, ev->v[i].text);
		fputc('\n', fp);
	}
	return ferror(fp) ? -1 : 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* In place: \xNN back to the byte; any other backslash stays. */
static size_t unescape(char *s)
{
	char *w = s;

	for (const char *r = s; *r; r++) {
		int hi = r[0] == '\\' && r[1] == 'x' ? hex_digit(r[2]) : -1;
		int lo = hi >= 0 ? hex_digit(r[3]) : -1;

		if (lo >= 0 && (hi || lo)) {
			*w++ = (char)(hi * 16 + lo);
			r += 3;
		} else
			*w++ = *r;
	}
	*w = '\0';
	return (size_t)(w - s);
}

int boot_event_parse(struct boot_events *ev, char *line)
{
	char *end = NULL, *src, *text;
	double ms;
	enum event_source source;
	size_t len;

	line[strcspn(line, "\n")] = '\0';
	if (line[0] == '#' || line[0] == '\0')
		return 0;
	ms = strtod(line, &end);
	if (end == line || *end != ' ' || !isfinite(ms))
		return -1;
	src = end + 1;
	text = src + strcspn(src, " ");
	if (event_source_parse(src, (size_t)(text - src), &source) == -1)
		return -1;
	if (*text == ' ')
		text++;
	len = unescape(text);
	boot_events_add(ev, ms, source, text, len);
	if (source == EVENT_BOOTPERF && !strcmp(text, "end"))
		ev->total_ms = ms;
	return 0;
}

int boot_events_read(struct boot_events *ev, FILE *fp, size_t *bad_line)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	int r = 0;

	memset(ev, 0, sizeof *ev);
	ev->total_ms = NAN;
	while (getline(&line, &cap, fp) != -1) {
		lineno++;
		if (boot_event_parse(ev, line) == -1) {
			if (bad_line)
				*bad_line = lineno;
			r = -1;
			break;
		}
	}
	free(line);
	return r;
}

/* A recording: "# pass N" starts each pass, "# quiet MS" keeps a quiet
 * pass's time; a file without "# pass" lines is one pass.
 */
int boot_events_write_passes(FILE *fp, const struct boot_events *passes,
			     size_t n, const double *quiet_ms, size_t n_quiet)
{
	fprintf(fp, "# bootperf analyze events, format 1: MS SOURCE TEXT\n");
	for (size_t p = 0; p < n; p++) {
		fprintf(fp, "# pass %zu\n", p + 1);
		boot_events_write(fp, &passes[p]);
	}
	for (size_t q = 0; q < n_quiet; q++)
		fprintf(fp, "# quiet %.3f\n", quiet_ms[q]);
	return ferror(fp) ? -1 : 0;
}

/* The pass read so far (if any) joins the array, moved: *cur is left
 * empty for the next one.  A pass is parsed into a struct of its own,
 * not in place in the growing array: gcc -fanalyzer (12) loses track of
 * events added through a pointer into a reallocated array and reports
 * them leaked.
 */
static void end_pass(struct boot_events **v, size_t *n, struct boot_events *cur,
		     bool *open)
{
	struct boot_events *p;

	if (!*open)
		return;
	p = bp_malloc((*n + 1) * sizeof *p);
	if (*n)
		memcpy(p, *v, *n * sizeof *p);
	free(*v);
	p[*n] = *cur;
	*v = p;
	(*n)++;
	memset(cur, 0, sizeof *cur);
	cur->total_ms = NAN;
	*open = false;
}

/* A comment: "# pass N" opens a pass, "# quiet MS" records one. */
static int comment(const char *line, struct boot_events **passes, size_t *n,
		   double **quiet, size_t *n_quiet, struct boot_events *cur,
		   bool *open)
{
	char *end = NULL;
	double ms;

	if (!strncmp(line, "# pass ", 7)) {
		end_pass(passes, n, cur, open);
		*open = true;
		return 0;
	}
	if (strncmp(line, "# quiet ", 8) != 0)
		return 0;
	ms = strtod(line + 8, &end);
	if (end == line + 8 || !isfinite(ms) || ms < 0)
		return -1;
	return bench_result_push(quiet, n_quiet, ms);
}

int boot_events_read_passes(FILE *fp, struct boot_events **passes, size_t *n,
			    double **quiet, size_t *n_quiet, size_t *bad_line)
{
	struct boot_events cur = BOOT_EVENTS_INIT;
	bool open = false;
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	int r = 0;

	*passes = NULL;
	*n = 0;
	*quiet = NULL;
	*n_quiet = 0;
	while (r == 0 && getline(&line, &cap, fp) != -1) {
		lineno++;
		if (line[0] == '#')
			r = comment(line, passes, n, quiet, n_quiet, &cur,
				    &open);
		else {
			if (line[strspn(line, " \n")] != '\0')
				open = true;
			if (open)
				r = boot_event_parse(&cur, line);
		}
	}
	end_pass(passes, n, &cur, &open);
	if (r == -1 && bad_line)
		*bad_line = lineno;
	free(line);
	return r;
}
