/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap.h - minimal header-only TAP producer for unit tests.
 *
 *	ok(cond, fmt, ...);
 *	is_int(got, want, name);
 *	is_size(got, want, name);
 *	is_double(got, want, tol, name);   NaN matches NaN, inf matches inf
 *	return tap_done();                 prints "1..N" unless tap_plan()
 *
 * Everything is static, so each test program gets its own counters.
 */
#ifndef BOOTPERF_TAP_H
#define BOOTPERF_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

static int tap_planned = -1;
static int tap_count;
static int tap_failed;

static inline void tap_plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
}

static inline void tap_diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static inline int tap_ok_(int pass, const char *file, int line,
			  const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static inline int tap_ok_(int pass, const char *file, int line,
			  const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!pass)
		tap_failed++;
	printf("%sok %d - ", pass ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!pass)
		tap_diag("  Failed test at %s line %d.", file, line);
	return pass;
}

#define ok(cond, ...) tap_ok_(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

static inline int tap_is_double_(double got, double want, double tol,
				 const char *name, const char *file, int line)
{
	int pass;

	if (isnan(want))
		pass = isnan(got);
	else if (isinf(want))
		pass = got == want;
	else
		pass = fabs(got - want) <= tol;
	tap_ok_(pass, file, line, "%s", name);
	if (!pass)
		tap_diag("         got: %.17g\n#     expected: %.17g (+- %g)",
			 got, want, tol);
	return pass;
}

#define is_double(got, want, tol, name) \
	tap_is_double_((got), (want), (tol), (name), __FILE__, __LINE__)

static inline int tap_is_size_(size_t got, size_t want, const char *name,
			       const char *file, int line)
{
	int pass = got == want;

	tap_ok_(pass, file, line, "%s", name);
	if (!pass)
		tap_diag("         got: %zu\n#     expected: %zu", got, want);
	return pass;
}

#define is_size(got, want, name) \
	tap_is_size_((got), (want), (name), __FILE__, __LINE__)

static inline int tap_is_int_(long got, long want, const char *name,
			      const char *file, int line)
{
	int pass = got == want;

	tap_ok_(pass, file, line, "%s", name);
	if (!pass)
		tap_diag("         got: %ld\n#     expected: %ld", got, want);
	return pass;
}

#define is_int(got, want, name) \
	tap_is_int_((got), (want), (name), __FILE__, __LINE__)

/* Exit status for main(): 0 only if every test passed as planned. */
static inline int tap_done(void)
{
	if (tap_planned < 0) {
		printf("1..%d\n", tap_count);
	} else if (tap_planned != tap_count) {
		tap_diag("Looks like you planned %d tests but ran %d.",
			 tap_planned, tap_count);
		return 1;
	}
	if (tap_failed)
		tap_diag("Looks like you failed %d test%s of %d.", tap_failed,
			 tap_failed == 1 ? "" : "s", tap_count);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif /* BOOTPERF_TAP_H */
