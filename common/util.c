/* bootperf - error reporting, option values and clocks shared by all. */
#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static const char *program_name = "bootperf";
/* The last error's text, without the program name: for results that
 * must say why a run stopped.
 */
static char last_error[2048];

void bp_set_program_name(const char *name)
{
	program_name = name;
}

/* The length of the character at s (1 to 4 bytes) when a terminal only
 * shows it, else 0: a C0 control but tab, DEL, a C1 control (U+0080 to
 * U+009F), or a byte that does not start well-formed UTF-8.
 */
static size_t printable_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;

	if (c == '\t' || (c >= 0x20 && c < 0x7f))
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* C1, overlong forms, surrogates, past U+10FFFF */
	if ((c == 0xc2 && s[1] < 0xa0) || (c == 0xe0 && s[1] < 0xa0) ||
	    (c == 0xed && s[1] > 0x9f) || (c == 0xf0 && s[1] < 0x90) ||
	    (c == 0xf4 && s[1] > 0x8f))
		return 0;
	return n;
}

/* Like snprintf: s with what printable_len refuses as \xNN, at most len
 * bytes with the NUL; returns the whole length.
 */
static size_t printable(char *buf, size_t len, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t out = 0;

	while (*p) {
		size_t n = printable_len(p);
		char esc[5];
		const char *from = (const char *)p;

		if (n == 0) {
			snprintf(esc, sizeof esc, "\\x%02x", *p);
			from = esc;
			n = 4;
			p++;
		} else
			p += n;
		for (size_t i = 0; i < n; i++, out++)
			if (out + 1 < len)
				buf[out] = from[i];
	}
	if (len > 0)
		buf[out < len ? out : len - 1] = '\0';
	return out;
}

/* The length of the well-formed UTF-8 character at s (1 to 4 bytes, a
 * control included), else 0.
 */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] == 0xc2 && (s[1] & 0xc0) == 0x80)
		return 2; /* C1 controls: printable_len refuses them */
	return printable_len(s);
}

char *bp_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	char *buf = bp_malloc(strlen((const char *)p) * 3 + 1);
	size_t out = 0;

	while (*p) {
		size_t n = utf8_len(p);

		if (n == 0) {
			memcpy(buf + out, "\xef\xbf\xbd", 3); /* U+FFFD */
			out += 3;
			p++;
			continue;
		}
		memcpy(buf + out, p, n);
		out += n;
		p += n;
	}
	buf[out] = '\0';
	return buf;
}

char *bp_printable(const char *s)
{
	size_t n = printable(NULL, 0, s ? s : "");
	char *buf = bp_malloc(n + 1);

	printable(buf, n + 1, s ? s : "");
	return buf;
}

void bp_put_printable(FILE *fp, const char *s)
{
	char *p = bp_printable(s);

	fputs(p, fp);
	free(p);
}

static void vmessage(const char *kind, const char *fmt, va_list ap)
{
	/* One write per message, so lines from parallel processes do not
	 * interleave mid-line.  Messages quote repository data (subjects,
	 * ref names, a build's output): no escape sequence gets through.
	 */
	char msg[1024], buf[2048];
	int off = snprintf(buf, sizeof buf, "%s: %s", program_name, kind);

	if (off < 0 || (size_t)off >= sizeof buf)
		off = 0;
	/* False positive: clang-tidy 14 loses va_start state in
	 * every file after the first of a run (llvm-project#40656).
	 */
	// NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
	vsnprintf(msg, sizeof msg, fmt, ap);
	printable(buf + off, sizeof buf - (size_t)off - 1, msg);
	if (!strcmp(kind, "error: "))
		snprintf(last_error, sizeof last_error, "%s", buf + off);
	strcat(buf, "\n");
	fputs(buf, stderr);
	fflush(stderr);
}

void bp_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("error: ", fmt, ap);
	va_end(ap);
}

const char *bp_last_error(void)
{
	return last_error;
}

void bp_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("warning: ", fmt, ap);
	va_end(ap);
}

void bp_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
}

void *bp_malloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p) {
		bp_error("out of memory");
		abort();
	}
	return p;
}

char *bp_strdup(const char *s)
{
	char *p;

	if (!s)
		return NULL;
	p = strdup(s);
	if (!p) {
		bp_error("out of memory");
		abort();
	}
	return p;
}

char *bp_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *p = NULL;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (r < 0) {
		bp_error("out of memory");
		abort();
	}
	return p;
}

int parse_count(const char *opt, const char *s, long min, long max, long *out)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	/* strtol takes leading blanks and a sign: " 5" and "+5" are typos */
	if (errno || end == s || *end != '\0' || v < min || v > max ||
	    !(isdigit((unsigned char)*s) || (*s == '-' && min < 0))) {
		bp_error("%s: '%s' is not a whole number from %ld to %ld", opt,
			 s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int bp_id_index_cmp(const void *a, const void *b)
{
	return strcmp(((const struct bp_id_index *)a)->id,
		      ((const struct bp_id_index *)b)->id);
}

bool bp_parse_number(const char *s, double *v)
{
	char *end = NULL;

	errno = 0;
	*v = strtod(s, &end);
	return end != s && *end == '\0' && !strpbrk(s, "xX");
}

int parse_seconds(const char *opt, const char *s, double *out)
{
	double v;

	if (!bp_parse_number(s, &v) || errno || !isfinite(v) || v <= 0 ||
	    v > 86400.0 * 7) {
		bp_error("%s: '%s' is not a number of seconds above 0 and at "
			 "most 604800 (7 days)",
			 opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

static double clock_seconds(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double now_monotonic(void)
{
	return clock_seconds(CLOCK_MONOTONIC);
}

double now_realtime(void)
{
	return clock_seconds(CLOCK_REALTIME);
}

const char *accel_name(enum accel a)
{
	switch (a) {
	case ACCEL_KVM:
		return "kvm";
	case ACCEL_TCG:
		return "tcg";
	case ACCEL_AUTO:
		break;
	}
	return "auto";
}

const char *sample_status_name(enum sample_status s)
{
	static const char *const names[] = {
	    [SAMPLE_OK] = "ok",
	    [SAMPLE_FAILED] = "boot-failed",
	    [SAMPLE_TIMEOUT] = "timeout",
	    [SAMPLE_CRASHED] = "crashed",
	    [SAMPLE_INTERRUPTED] = "interrupted",
	    [SAMPLE_ERROR] = "error",
	};

	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

enum sample_status sample_status_of_exit(int e)
{
	switch (e) {
	case BP_EXIT_OK:
		return SAMPLE_OK;
	case BP_EXIT_BOOT_FAILED:
		return SAMPLE_FAILED;
	case BP_EXIT_TIMEOUT:
		return SAMPLE_TIMEOUT;
	case BP_EXIT_INTERRUPTED:
		return SAMPLE_INTERRUPTED;
	default:
		return SAMPLE_ERROR;
	}
}

enum bp_exit sample_status_exit(enum sample_status s)
{
	switch (s) {
	case SAMPLE_OK:
		return BP_EXIT_OK;
	case SAMPLE_FAILED:
	case SAMPLE_CRASHED:
		return BP_EXIT_BOOT_FAILED;
	case SAMPLE_TIMEOUT:
		return BP_EXIT_TIMEOUT;
	case SAMPLE_INTERRUPTED:
		return BP_EXIT_INTERRUPTED;
	case SAMPLE_ERROR:
		break;
	}
	return BP_EXIT_FAILURE;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	/* Read-only directories (a copied tree's) must be emptied too. */
	if (flag == FTW_DP)
		chmod(path, 0700);
	return remove(path) == -1 && errno != ENOENT ? -1 : 0;
}

int bp_remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	chmod(path, 0700);
	return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
