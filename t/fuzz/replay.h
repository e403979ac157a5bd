/* replay.h - a harness for libFuzzer that is also a unit test.
 *
 * A harness file defines LLVMFuzzerTestOneInput and includes this file.
 * Built by `make fuzz` (clang -fsanitize=fuzzer, BOOTPERF_LIBFUZZER set),
 * libFuzzer drives it.  Built as a unit test (build/t/fuzz-NAME.t), main()
 * below replays every file in t/fuzz/NAME/ (the seed corpus and the
 * inputs that once crashed, kept as regression tests) and says "ok" for
 * each one that returns.
 */
#ifndef BOOTPERF_FUZZ_REPLAY_H
#define BOOTPERF_FUZZ_REPLAY_H

#include <dirent.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The harness's scratch directory, removed at exit, so that neither a
 * replay in make check nor make fuzz leaves /tmp/bootperf-fuzz-* behind
 * (a crash under libFuzzer does: it is worth a look).
 */
static char fuzz_dir[64];

static int fuzz_remove(const char *path, const struct stat *sb, int type,
		       struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

static void fuzz_cleanup(void)
{
	nftw(fuzz_dir, fuzz_remove, 16, FTW_DEPTH | FTW_PHYS);
}

static inline const char *fuzz_tmpdir(const char *name)
{
	snprintf(fuzz_dir, sizeof fuzz_dir, "/tmp/bootperf-fuzz-%s.XXXXXX",
		 name);
	if (!mkdtemp(fuzz_dir) || atexit(fuzz_cleanup) != 0)
		abort();
	return fuzz_dir;
}

/* Every rejected input prints its one error line: not worth reading in
 * a replay.  Under libFuzzer, -close_fd_mask=2 does it, and the
 * sanitizers' reports must still get through.
 */
static inline void quiet_stderr(void)
{
#ifndef BOOTPERF_LIBFUZZER
	if (!freopen("/dev/null", "w", stderr))
		abort();
#endif
}

#ifndef BOOTPERF_LIBFUZZER
static int replay_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_one(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;
	int ok = 0;

	if (fp && fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, fp) == (size_t)n) {
			LLVMFuzzerTestOneInput(buf, (size_t)n);
			ok = 1;
		}
	}
	free(buf);
	if (fp)
		fclose(fp);
	return ok;
}

/* names[*n] becomes a copy of name; out of memory aborts the test.  A
 * new array rather than realloc: gcc -fanalyzer (12) loses what an
 * array reallocated in place holds and reports it leaked.
 */
static void replay_push(char ***names, size_t *n, const char *name)
{
	char **grown = malloc((*n + 1) * sizeof *grown);
	char *copy = strdup(name);

	if (!grown || !copy)
		abort();
	if (*n)
		memcpy(grown, *names, *n * sizeof *grown);
	free(*names);
	*names = grown;
	grown[(*n)++] = copy;
}

/* Every file of dir, in name order, as one TAP test each. */
static int replay_dir(const char *dir)
{
	char **names = NULL, path[8192];
	size_t n = 0, failed = 0;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d) {
		printf("1..0 # SKIP no corpus '%s'\n", dir);
		return 0;
	}
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			replay_push(&names, &n, e->d_name);
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, replay_cmp);
	printf("1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		int ok;

		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		ok = replay_one(path);
		failed += !ok;
		printf("%sok %zu - %s\n", ok ? "" : "not ", i + 1, names[i]);
		free(names[i]);
	}
	free(names);
	return failed ? 1 : 0;
}

int main(void)
{
	const char *src = getenv("BOOTPERF_SRCDIR");
	char dir[4096];

	snprintf(dir, sizeof dir, "%s/t/fuzz/%s", src ? src : ".", FUZZ_CORPUS);
	return replay_dir(dir);
}
#endif

#endif
