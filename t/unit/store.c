// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for reports/store.c and the JSON readers in reports/json.c.
 * Everything happens in a mkdtemp directory, removed at the end.
 */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports.h"
#include "store.h"
#include "tap.h"

#define CFG "0123abcd0123abcd"
#define C1 "1111111111111111111111111111111111111111"
#define C2 "2222222222222222222222222222222222222222"
#define C3 "0000000000000000000000000000000000000003"

static char base[] = "/tmp/bootperf-store-t.XXXXXX";
static char *store_path; /* <base>/store */

/* <base>/<head><mid><tail> */
static char *tpath(const char *head, const char *mid, const char *tail)
{
	return bp_asprintf("%s/%s%s%s", base, head, mid, tail);
}

static int write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int ret = 0;

	if (fd == -1)
		return -1;
	if (write(fd, data, len) != (ssize_t)len)
		ret = -1;
	close(fd);
	return ret;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = bp_malloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, fp);
	buf[*len] = '\0';
	fclose(fp);
	return buf;
}

/* --- stderr capture, to check the one message a failure prints --- */

static int saved_stderr = -1;
static char capture_path[256];

static void capture_begin(void)
{
	int fd;

	snprintf(capture_path, sizeof capture_path, "%s/stderr", base);
	fflush(stderr);
	saved_stderr = dup(2);
	fd = open(capture_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
}

/* What was printed since capture_begin (caller frees). */
static char *capture_end(void)
{
	size_t len;

	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	return read_file(capture_path, &len);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

/* --- a result with every field set --- */

static const double warmups[] = {2500.5, 1900.25};
static const double samples[] = {1234.5678901234567, 0.1, 1000.0 / 3.0, 1e-9,
				 999999.999999,	     0.0, 1300.0};

static void fill_env(struct bench_env *e)
{
	e->bootperf_version = bp_strdup("0.1.0");
	e->runner = bp_strdup("guestfs");
	e->host_name = bp_strdup("build-host");
	e->host_version = bp_strdup("Linux 6.1.0 #1 SMP x86_64");
	e->host_cpu = bp_strdup("Intel(R) Xeon(R) \"quoted\"");
	e->libguestfs_version = bp_strdup("1.48.6");
	e->backend = bp_strdup("direct");
	e->accel = bp_strdup("kvm");
	e->hv = bp_strdup("/usr/bin/qemu-system-x86_64");
	e->hv_version = bp_strdup("QEMU emulator version 7.2.0");
	e->kernel = bp_strdup("/boot/vmlinuz-6.1.0");
	e->kernel_version = bp_strdup("6.1.0-13-amd64");
	e->modules = bp_strdup("/lib/modules/6.1.0");
	e->append = bp_strdup("quiet console=ttyS0\tx=\xc3\xa9");
	e->command = bp_strdup("true\nfalse");
	e->cachedir = bp_strdup("/var/tmp/.guestfs-0");
	e->smp = 4;
	e->memsize = -2048; /* any int survives */
	e->timeout_s = 600.125;
}

static void fill_result(struct commit_result *r, const char *commit)
{
	struct bench_result *b = &r->bench;

	memset(r, 0, sizeof *r);
	r->commit_id = bp_strdup(commit);
	r->subject =
	    bp_strdup("virtio: speed up \"probe\" \\ tab\t\xe2\x9c\x93");
	r->config_id = bp_strdup(CFG);
	r->status = COMMIT_BOOT_FAILED;
	r->build_s = 123.456789012345;
	r->log_path = bp_strdup("/store/logs/x.build.log");
	r->message = bp_strdup("pass 3 of 7: timeout");
	r->measured_at = 1700000000.123456;
	fill_env(&b->env);
	for (size_t i = 0; i < sizeof warmups / sizeof warmups[0]; i++)
		bench_result_push(&b->warmup_ms, &b->n_warmup, warmups[i]);
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
		bench_result_push(&b->sample_ms, &b->n_samples, samples[i]);
	stats_summarize(&b->summary, b->sample_ms, b->n_samples);
	b->status = SAMPLE_TIMEOUT;
	b->message = bp_strdup("timed out");
	b->started = 1699999000; /* stored in whole seconds */
	b->elapsed_s = 42.4242;
	b->maxrss_kb = 98765;
	r->pair_commit = bp_strdup(C2);
	for (size_t i = 0; i < 2; i++) {
		bench_result_push(&r->pair_own_ms, &r->n_pair_own, samples[i]);
		bench_result_push(&r->pair_ms, &r->n_pair, warmups[0] + i);
	}
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void check_env(const struct bench_env *g, const struct bench_env *w)
{
	int all = 1;

#define SAME(field) (all &= same_str(g->field, w->field))
	SAME(bootperf_version);
	SAME(runner);
	SAME(host_name);
	SAME(host_version);
	SAME(host_cpu);
	SAME(libguestfs_version);
	SAME(backend);
	SAME(accel);
	SAME(hv);
	SAME(hv_version);
	SAME(kernel);
	SAME(kernel_version);
	SAME(modules);
	SAME(append);
	SAME(command);
	SAME(cachedir);
#undef SAME
	ok(all, "env: all 16 strings survive");
	is_int(g->smp, w->smp, "env: smp");
	is_int(g->memsize, w->memsize, "env: memsize");
	is_double(g->timeout_s, w->timeout_s, 0, "env: timeout_s");
}

static void check_summary(const struct stats_summary *g,
			  const struct stats_summary *w)
{
	is_size(g->n, w->n, "summary: n");
	is_double(g->mean, w->mean, 0, "summary: mean recomputed");
	is_double(g->sd, w->sd, 0, "summary: sd recomputed");
	is_double(g->median, w->median, 0, "summary: median");
	is_double(g->ci_low, w->ci_low, 0, "summary: ci_low");
	is_double(g->mad, w->mad, 0, "summary: mad");
}

static void check_bench(const struct bench_result *g,
			const struct bench_result *w)
{
	check_env(&g->env, &w->env);
	is_size(g->n_warmup, w->n_warmup, "bench: warm-up count");
	ok(g->n_warmup == w->n_warmup &&
	       (!g->n_warmup || !memcmp(g->warmup_ms, w->warmup_ms,
					g->n_warmup * sizeof(double))),
	   "bench: warm-up samples bit-exact");
	is_size(g->n_samples, w->n_samples, "bench: sample count");
	ok(g->n_samples == w->n_samples &&
	       (!g->n_samples || !memcmp(g->sample_ms, w->sample_ms,
					 g->n_samples * sizeof(double))),
	   "bench: samples bit-exact");
	check_summary(&g->summary, &w->summary);
	is_int(g->status, w->status, "bench: status");
	ok(same_str(g->message, w->message), "bench: message");
	is_double(g->started, w->started, 0, "bench: started");
	is_double(g->elapsed_s, w->elapsed_s, 0, "bench: elapsed_s");
	is_int(g->maxrss_kb, w->maxrss_kb, "bench: maxrss_kb");
}

static void check_result(const struct commit_result *g,
			 const struct commit_result *w)
{
	ok(same_str(g->commit_id, w->commit_id), "commit_id");
	ok(same_str(g->subject, w->subject), "subject (escapes, UTF-8)");
	ok(same_str(g->config_id, w->config_id), "config_id");
	is_int(g->status, w->status, "status");
	is_double(g->build_s, w->build_s, 0, "build_s");
	ok(same_str(g->log_path, w->log_path), "log_path");
	ok(same_str(g->message, w->message), "message");
	is_double(g->measured_at, w->measured_at, 0, "measured_at");
	ok(same_str(g->pair_commit, w->pair_commit), "pairs: commit_id");
	ok(g->n_pair_own == w->n_pair_own && g->n_pair == w->n_pair &&
	       (!g->n_pair ||
		!memcmp(g->pair_ms, w->pair_ms, g->n_pair * sizeof(double))) &&
	       (!g->n_pair_own || !memcmp(g->pair_own_ms, w->pair_own_ms,
					  g->n_pair_own * sizeof(double))),
	   "pairs: samples bit-exact");
	check_bench(&g->bench, &w->bench);
}

static int mode_of(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0 ? (int)(sb.st_mode & 07777) : -1;
}

/* --- tests --- */

static void test_open(struct store **st)
{
	char *dir = bp_asprintf("%s///", store_path);
	char *p;

	is_int(store_open(st, dir), 0, "store_open creates the store");
	free(dir);
	if (!*st)
		exit(tap_done() | 1);
	ok(!strcmp(store_dir(*st), store_path), "store_dir drops slashes");
	is_int(mode_of(store_path), 0700, "store dir is 0700");
	p = tpath("store/", "results", "");
	is_int(mode_of(p), 0700, "results/ is 0700");
	free(p);
	p = tpath("store/", "logs", "");
	is_int(mode_of(p), 0700, "logs/ is 0700");
	free(p);
	p = store_log_path(*st, C1, CFG);
	ok(p && !strncmp(p + strlen(store_path), "/logs/" C1 ".", 47) &&
	       !strncmp(p + strlen(store_path) + 47, CFG, 12) &&
	       !strcmp(p + strlen(store_path) + 59, ".build.log"),
	   "store_log_path: logs/COMMIT.CONFIG12.build.log");
	free(p);
	p = store_worktree_path(*st);
	ok(p && !strcmp(p + strlen(store_path), "/worktree"),
	   "store_worktree_path");
	free(p);
}

static void test_round_trip(struct store *st)
{
	struct commit_result want, got;

	fill_result(&want, C1);
	is_int(store_put(st, &want), 0, "store_put");
	is_int(store_get(st, CFG, C1, &got), 0, "store_get finds it");
	check_result(&got, &want);
	commit_result_free(&got);
	commit_result_free(&want);
}

/* NULL strings, NAN build time, no samples: the other branches. */
static void test_round_trip_empty(struct store *st)
{
	struct commit_result want, got;

	memset(&want, 0, sizeof want);
	want.commit_id = bp_strdup(C2);
	want.config_id = bp_strdup(CFG);
	want.status = COMMIT_BUILD_FAILED;
	want.build_s = NAN;
	want.measured_at = 1.5;
	is_int(store_put(st, &want), 0, "store_put a bare build failure");
	is_int(store_get(st, CFG, C2, &got), 0, "store_get reads it back");
	check_result(&got, &want);
	ok(!got.bench.sample_ms && !got.bench.warmup_ms,
	   "no samples stay NULL");
	commit_result_free(&got);
	commit_result_free(&want);
}

static void test_overwrite(struct store *st)
{
	struct commit_result r, got;

	fill_result(&r, C1);
	r.status = COMMIT_OK;
	r.bench.sample_ms[0] = 777.0;
	is_int(store_put(st, &r), 0, "store_put replaces a result");
	is_int(store_get(st, CFG, C1, &got), 0, "store_get after replace");
	is_int(got.status, COMMIT_OK, "the new status is read");
	is_double(got.bench.sample_ms[0], 777.0, 0, "the new sample is read");
	commit_result_free(&got);
	commit_result_free(&r);
}

static void test_not_stored(struct store *st)
{
	struct commit_result got;

	is_int(store_get(st, CFG, C3, &got), 1, "unknown commit: 1");
	ok(!got.commit_id, "out is zeroed when not stored");
	is_int(store_get(st, "ffff0000", C1, &got), 1, "unknown config: 1");
}

/* Nothing but <id>.json in the config dir, and 0600 files. */
static void test_no_temp_files(void)
{
	char *dir = tpath("store/results/", CFG, "");
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t others = 0, results = 0;

	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (len == 45 && !strcmp(e->d_name + 40, ".json"))
			results++;
		else
			others++;
	}
	if (d)
		closedir(d);
	is_size(results, 2, "two result files");
	is_size(others, 0, "no temp files left behind");
	is_int(mode_of(dir), 0700, "config dir is 0700");
	free(dir);
	dir = tpath("store/results/" CFG "/", C1, ".json");
	is_int(mode_of(dir), 0600, "result file is 0600");
	free(dir);
}

/* Plants bytes at results/CFG/C3.json; expects -1 (-2 for a newer
 * bootperf's file) and one message that contains want.
 */
static void bad_file(struct store *st, const char *data, size_t len,
		     const char *want, const char *name)
{
	char *path = tpath("store/results/" CFG "/", C3, ".json");
	struct commit_result got;
	char *msg;
	int ret;

	write_file(path, data, len);
	capture_begin();
	ret = store_get(st, CFG, C3, &got);
	msg = capture_end();
	is_int(ret, strstr(want, "newer bootperf") ? -2 : -1, name);
	ok(msg && strstr(msg, path) && strstr(msg, want) &&
	       count_lines(msg) == 1,
	   "  one message naming the file: %s", want);
	if (!msg || !strstr(msg, want))
		tap_diag("message: %s", msg ? msg : "(none)");
	ok(!got.commit_id && !got.bench.sample_ms, "  out stays empty");
	commit_result_free(&got);
	free(msg);
	free(path);
}

#define BAD(st, s, want, name) bad_file(st, s, sizeof(s) - 1, want, name)
#define DEL "corrupt result"

/* A valid C3 file's text, for variations. */
static char *valid_text(size_t *len)
{
	struct commit_result r;
	cJSON *root;
	char *text, *copy;

	fill_result(&r, C3);
	root = json_from_commit(&r);
	text = cJSON_Print(root);
	copy = bp_strdup(text);
	*len = strlen(copy);
	cJSON_free(text);
	cJSON_Delete(root);
	commit_result_free(&r);
	return copy;
}

/* text with the first `from` replaced by `to` (caller frees). */
static char *replace(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);

	if (!at)
		return bp_strdup(text);
	return bp_asprintf("%.*s%s%s", (int)(at - text), text, to,
			   at + strlen(from));
}

static void bad_variant(struct store *st, const char *from, const char *to,
			const char *want, const char *name)
{
	size_t len;
	char *text = valid_text(&len);
	char *bad = replace(text, from, to);

	if (!strcmp(bad, text))
		tap_diag("replace found no '%s'", from);
	bad_file(st, bad, strlen(bad), want, name);
	free(bad);
	free(text);
}

static void test_corrupt(struct store *st)
{
	size_t len;
	char *text = valid_text(&len);

	BAD(st, "", "the file is empty", "empty file");
	BAD(st, " \n\t", "the file is empty", "whitespace-only file");
	bad_file(st, text, len / 2, "truncated", "truncated file");
	bad_file(st, text, len - 1, "truncated", "last byte missing");
	BAD(st, "{garbage}", "not valid JSON", "garbage");
	BAD(st, "{\"a\": [1, 2", "truncated", "unclosed array");
	BAD(st, "{} trailing", "not valid JSON", "trailing garbage");
	BAD(st, "{\0}", "NUL byte", "NUL byte");
	BAD(st, "[]", "not a bootperf result", "foreign: []");
	BAD(st, "{\"hello\":1}", "not a bootperf result", "foreign: object");
	BAD(st, "null", "not a bootperf result", "foreign: null");
	BAD(st, "\"bootperf-commit-result\"", "not a bootperf result",
	    "foreign: string");
	BAD(st, "{\"type\":\"bootperf-commit-result\",\"format\":3}",
	    "written by a newer bootperf (format 3, this one reads 1)",
	    "newer format");
	BAD(st, "{\"type\":\"bootperf-commit-result\",\"format\":\"1\"}",
	    "\"format\" is not a number", "format is a string");
	BAD(st, "{\"type\":\"bootperf-commit-result\",\"format\":0.5}",
	    "\"format\" is not a whole number", "format is a fraction");
	BAD(st, "{\"type\":\"bootperf-commit-result\",\"format\":1}",
	    "missing \"commit_id\"", "our type, nothing else");
	bad_file(st, "\xff\xfe\x00\x01\x80", 5, DEL, "binary bytes");
	free(text);
}

static void test_wrong_types(struct store *st)
{
	bad_variant(st, "\"samples_ms\":\t[", "\"samples_ms\":\t[\"x\", ",
		    "\"samples_ms\"[0] is not 0 to", "string sample");
	bad_variant(st, "\"samples_ms\":\t[", "\"samples_ms\":\t[1e999, ",
		    "\"samples_ms\"[0]", "infinite sample");
	bad_variant(st, "\"samples_ms\":\t[", "\"samples_ms\":\t[-5, ",
		    "\"samples_ms\"[0]", "negative sample");
	bad_variant(st, "\"samples_ms\":\t[", "\"samples_ms\":\t{}, \"x\":[",
		    "\"samples_ms\" is missing or not an array",
		    "samples is an object");
	bad_variant(st, "\"smp\":\t4", "\"smp\":\t4.5",
		    "\"smp\" is not a whole number", "fractional smp");
	bad_variant(st, "\"smp\":\t4", "\"smp\":\t1e10",
		    "\"smp\" is not a whole number", "smp beyond int");
	bad_variant(st, "\"subject\":\t\"", "\"subject\":\t7, \"x\":\"",
		    "\"subject\" is not a string or null", "numeric subject");
	bad_variant(st, "\"boot-failed\"", "\"exploded\"",
		    "unknown status \"exploded\"", "unknown status");
	bad_variant(st, "\"started\":\t\"2023", "\"started\":\t\"x2023",
		    "\"started\" is not YYYY-MM-DDTHH:MM:SSZ", "bad started");
	bad_variant(st, "\"environment\":\t{", "\"environment\":\t7, \"x\":{",
		    "\"environment\" is missing or not an object",
		    "environment is a number");
	bad_variant(st, "\"bench\":\t{", "\"bench\":\tnull, \"x\":{",
		    "\"bench\": not a JSON object", "bench is null");
	bad_variant(st, "\"format\":\t1,\n\t\t\"status\"",
		    "\"format\":\t2,\n\t\t\"status\"",
		    "\"bench\": format 2, this one reads 1", "newer bench");
	bad_variant(st, "\"commit_id\":\t\"0", "\"commit_id\":\t\"f",
		    "it holds commit 'f", "file for another commit");
	bad_variant(st, "\"config_id\":\t\"0", "\"config_id\":\t\"f",
		    "it holds config 'f", "file for another config");
}

static char *repeat(const char *head, const char *unit, size_t n,
		    const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *s = bp_malloc(hl + ul * n + tl + 1);
	char *end = stpcpy(s, head);

	for (size_t i = 0; i < n; i++)
		end = stpcpy(end, unit);
	strcpy(end, tail);
	return s;
}

static void test_hostile_sizes(struct store *st)
{
	size_t len;
	char *text = valid_text(&len);
	char *arr =
	    repeat("\"samples_ms\":\t[", "1,", JSON_MAX_SAMPLES + 1, "");
	char *bad = replace(text, "\"samples_ms\":\t[", arr);
	char *deep = repeat("", "[", 100000, "");

	bad_file(st, bad, strlen(bad), "has over 100000 samples",
		 "too many samples");
	bad_file(st, deep, strlen(deep), DEL, "100000 nested arrays");
	free(deep);
	free(bad);
	free(arr);
	free(text);
}

static void test_special_files(struct store *st)
{
	char *path = tpath("store/results/" CFG "/", C3, ".json");
	char *target = tpath("", "target.json", "");
	struct commit_result got;
	size_t len;
	char *text = valid_text(&len);

	unlink(path);
	mkfifo(path, 0600);
	capture_begin();
	is_int(store_get(st, CFG, C3, &got), -1, "a FIFO is refused");
	free(capture_end());
	unlink(path);
	mkdir(path, 0700);
	capture_begin();
	is_int(store_get(st, CFG, C3, &got), -1, "a directory is refused");
	free(capture_end());
	rmdir(path);
	write_file(target, text, len);
	symlink(target, path);
	capture_begin();
	is_int(store_get(st, CFG, C3, &got), -1,
	       "a symlinked result is refused");
	free(capture_end());
	unlink(path);
	free(text);
	free(target);
	free(path);
}

/* Random damage to a valid file: never a crash, never a half result. */
static void test_fuzz(struct store *st)
{
	char *path = tpath("store/results/" CFG "/", C3, ".json");
	size_t len, bad = 0;
	char *text = valid_text(&len);
	char *buf = bp_malloc(len);

	srand(12345);
	capture_begin();
	for (int i = 0; i < 3000; i++) {
		struct commit_result got;
		size_t n = i % 3 ? len : (size_t)rand() % len;
		int ret;

		memcpy(buf, text, len);
		for (int k = 0; k < 1 + i % 4; k++)
			buf[(size_t)rand() % len] = (char)(rand() % 256);
		write_file(path, buf, n);
		ret = store_get(st, CFG, C3, &got);
		if (ret == 0 ? !got.commit_id : ret != -1 || got.commit_id)
			bad++;
		commit_result_free(&got);
	}
	free(capture_end());
	is_size(bad, 0, "3000 damaged files: 0 or -1, never garbage");
	unlink(path);
	free(buf);
	free(text);
	free(path);
}

static void expect_invalid(struct store *st, const char *cfg,
			   const char *commit, const char *name)
{
	struct commit_result r, got;
	char **ids = NULL;
	size_t n = 0;
	char *msg;

	fill_result(&r, C1);
	free(r.config_id);
	free(r.commit_id);
	r.config_id = cfg ? bp_strdup(cfg) : NULL;
	r.commit_id = commit ? bp_strdup(commit) : NULL;
	capture_begin();
	ok(store_put(st, &r) == -1, "%s: put refused", name);
	ok(store_get(st, cfg, commit, &got) == -1, "%s: get refused", name);
	msg = capture_end();
	ok(msg && strstr(msg, "invalid ") && count_lines(msg) == 2,
	   "%s: one 'invalid' message each", name);
	if (strcmp(cfg ? cfg : "", CFG) != 0) {
		capture_begin();
		ok(store_list(st, cfg, &ids, &n) == -1, "%s: list refused",
		   name);
		free(capture_end());
	}
	free(msg);
	commit_result_free(&r);
}

static void test_invalid_ids(struct store *st)
{
	char *p;

	expect_invalid(st, CFG, "ABCDEF01", "uppercase commit");
	expect_invalid(st, CFG, "abc", "3-digit commit");
	expect_invalid(st, CFG, C1 C1 "0", "81-digit commit");
	expect_invalid(st, CFG, "../../../../tmp/x", "commit with ..");
	expect_invalid(st, CFG, "", "empty commit");
	expect_invalid(st, CFG, NULL, "NULL commit");
	expect_invalid(st, "..", C1, "config ..");
	expect_invalid(st, "abcd/ef01", C1, "config with a slash");
	expect_invalid(st, "0123abcg", C1, "config with a g");
	capture_begin();
	p = store_log_path(st, "../x", CFG);
	free(capture_end());
	ok(!p, "store_log_path refuses an invalid id");
	p = tpath("", "tmp", "");
	ok(access(p, F_OK) == -1, "nothing escaped to <base>/tmp");
	free(p);
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	size_t n = 0;

	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n - 2;
}

static void test_symlinks(struct store *st)
{
	char *outside = tpath("", "outside", "");
	char *link = tpath("store/results/", "deadbeef", "");
	struct commit_result r, got;
	struct store *st2 = NULL;
	char **ids = NULL;
	size_t n = 0;
	char *msg;

	mkdir(outside, 0700);
	symlink(outside, link);
	fill_result(&r, C1);
	free(r.config_id);
	r.config_id = bp_strdup("deadbeef");
	capture_begin();
	is_int(store_put(st, &r), -1, "put through a symlinked config dir");
	is_int(store_get(st, "deadbeef", C1, &got), -1,
	       "get through a symlinked config dir");
	is_int(store_list(st, "deadbeef", &ids, &n), -1,
	       "list through a symlinked config dir");
	msg = capture_end();
	ok(msg && strstr(msg, "is a symlink or not a directory"),
	   "the message says why");
	is_size(count_entries(outside), 0, "nothing written outside");
	free(msg);
	free(link);
	link = tpath("", "store2", "");
	mkdir(link, 0700);
	free(link);
	link = tpath("", "store2/results", "");
	symlink(outside, link);
	free(link);
	link = tpath("", "store2", "");
	capture_begin();
	is_int(store_open(&st2, link), -1, "symlinked results/ refused");
	free(capture_end());
	ok(!st2, "no store handle");
	is_size(count_entries(outside), 0, "still nothing outside");
	commit_result_free(&r);
	free(link);
	free(outside);
}

static void test_lock(void)
{
	struct store *a = NULL, *b = NULL;
	char *msg, *want;

	store_open(&a, store_path);
	store_open(&b, store_path);
	is_int(store_lock(a, false), 0, "first handle locks");
	is_int(store_lock(a, false), 0, "locking again is a no-op");
	capture_begin();
	is_int(store_lock(b, false), 1, "second handle gets 1");
	msg = capture_end();
	want = bp_asprintf("store '%s' is in use by another bootperf (pid %ld)",
			   store_path, (long)getpid());
	ok(msg && strstr(msg, want), "message names the holder's pid");
	if (!msg || !strstr(msg, want))
		tap_diag("message: %s", msg ? msg : "(none)");
	free(msg);
	free(want);
	want = tpath("store/", "lock", "");
	is_int(mode_of(want), 0600, "lock file is 0600");
	free(want);
	store_close(a);
	is_int(store_lock(b, false), 0, "free after the holder closes");
	store_close(b);
}

static void test_unwritable(void)
{
	char *dir = tpath("", "readonly", "");
	struct store *st = NULL;
	char *msg;

	mkdir(dir, 0500);
	if (geteuid() == 0) {
		tap_diag("running as root: chmod cannot make '%s' unwritable",
			 dir);
		ok(1, "unwritable store refused # SKIP running as root");
		rmdir(dir);
		free(dir);
		return;
	}
	capture_begin();
	is_int(store_open(&st, dir), -1, "an unwritable store is refused");
	msg = capture_end();
	ok(msg && strstr(msg, "is not writable"), "message says not writable");
	free(msg);
	chmod(dir, 0700);
	rmdir(dir);
	free(dir);
}

static void test_open_errors(void)
{
	char *file = tpath("", "plainfile", "");
	char *deep = tpath("", "no/such/parent", "");
	struct store *st = NULL;

	write_file(file, "x", 1);
	capture_begin();
	is_int(store_open(&st, file), -1, "a plain file is not a store");
	is_int(store_open(&st, deep), -1, "missing parents are not created");
	is_int(store_open(&st, ""), -1, "empty name refused");
	free(capture_end());
	free(deep);
	free(file);
}

static void test_list(struct store *st)
{
	struct commit_result r;
	char **ids = NULL;
	size_t n = 0;
	char *junk;

	fill_result(&r, C3);
	store_put(st, &r);
	commit_result_free(&r);
	junk = tpath("store/results/" CFG "/", ".abcd.json.1.0.tmp", "");
	write_file(junk, "{", 1);
	free(junk);
	junk = tpath("store/results/" CFG "/", "ABCD.json", "");
	write_file(junk, "{", 1);
	free(junk);
	is_int(store_list(st, CFG, &ids, &n), 0, "store_list");
	is_size(n, 3, "three ids, junk ignored");
	ok(n == 3 && !strcmp(ids[0], C3) && !strcmp(ids[1], C1) &&
	       !strcmp(ids[2], C2),
	   "ids sorted");
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	is_int(store_list(st, "abcdef", &ids, &n), 0, "unknown config: 0");
	ok(n == 0 && !ids, "  and no ids");
}

/* json_to_bench reads what report_bench_json prints. */
static void test_bench_json(void)
{
	struct commit_result r;
	struct bench_result got;
	char *path = tpath("", "bench.json", "");
	FILE *fp = fopen(path, "w");
	char why[256] = "";
	cJSON *root;
	size_t len;
	char *text;

	fill_result(&r, C1);
	report_bench_json(fp, &r.bench);
	fclose(fp);
	text = read_file(path, &len);
	root = cJSON_Parse(text);
	is_int(json_to_bench(&got, root, why, sizeof why), 0,
	       "json_to_bench reads report_bench_json output");
	if (*why)
		tap_diag("why: %s", why);
	check_bench(&got, &r.bench);
	bench_result_free(&got);
	is_int(json_to_bench(&got, NULL, why, sizeof why), -1,
	       "json_to_bench(NULL) fails");
	cJSON_Delete(root);
	commit_result_free(&r);
	free(text);
	free(path);
}

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	struct store *st = NULL;

	if (!mkdtemp(base)) {
		printf("1..0 # SKIP mkdtemp failed\n");
		return 0;
	}
	store_path = bp_asprintf("%s/store", base);
	test_open(&st);
	test_round_trip(st);
	test_round_trip_empty(st);
	test_overwrite(st);
	test_not_stored(st);
	test_no_temp_files();
	test_corrupt(st);
	test_wrong_types(st);
	test_hostile_sizes(st);
	test_special_files(st);
	test_fuzz(st);
	test_invalid_ids(st);
	test_symlinks(st);
	test_list(st);
	store_close(st);
	test_lock();
	test_unwritable();
	test_open_errors();
	test_bench_json();
	nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(store_path);
	return tap_done();
}
