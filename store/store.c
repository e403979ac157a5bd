/* bootperf - the results store: one JSON file per commit and
 * configuration, written atomically, read back without trusting a byte.
 *
 * Below the store directory everything goes through directory
 * descriptors and O_NOFOLLOW, so a symlink planted in the store (a config
 * directory pointing at /etc, say) is refused instead of followed.
 */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

#define STORE_ID_MIN 4
#define STORE_ID_MAX 64
#define STORE_DIR_MODE 0700
#define STORE_FILE_MODE 0600
/* Far above JSON_MAX_SAMPLES twice over; bounds what a corrupt file can
 * make cJSON allocate.
 */
#define STORE_MAX_FILE (16 << 20)
#define STORE_TEMP_TRIES 100
/* Scripts a run writes and runs (qemu wrappers), removed at lock time. */
#define STORE_WRAPPERS "wrappers"

struct store {
	char *dir;
	int dirfd;  /* the store directory */
	int resfd;  /* results/ */
	int lockfd; /* lock, -1 until store_lock succeeds */
};

static bool store_valid_id(const char *s)
{
	size_t n;

	if (!s)
		return false;
	for (n = 0; s[n]; n++)
		if (n >= STORE_ID_MAX || !((s[n] >= '0' && s[n] <= '9') ||
					   (s[n] >= 'a' && s[n] <= 'f')))
			return false;
	return n >= STORE_ID_MIN;
}

static int store_check_id(const char *what, const char *id)
{
	if (store_valid_id(id))
		return 0;
	bp_error("invalid %s '%.80s': expected %d to %d lowercase hex digits",
		 what, id ? id : "(null)", STORE_ID_MIN, STORE_ID_MAX);
	return -1;
}

static int store_check_ids(const char *config_id, const char *commit_id)
{
	if (store_check_id("config id", config_id) == -1 ||
	    store_check_id("commit id", commit_id) == -1)
		return -1;
	return 0;
}

static char *store_result_path(const struct store *st, const char *config_id,
			       const char *commit_id)
{
	return bp_asprintf("%s/results/%s/%s.json", st->dir, config_id,
			   commit_id);
}

/*
 * Opens parent/name as a directory, never through a symlink, creating it
 * first when create is set.  0 with *fd, 1 when it is missing and create
 * is not set, -1 after a message naming shown.
 */
static int store_subdir(int parent, const char *name, bool create,
			const char *shown, int *fd)
{
	if (create) {
		if (mkdirat(parent, name, STORE_DIR_MODE) == 0)
			fsync(parent); /* make the new entry durable */
		else if (errno != EEXIST)
			goto fail;
	}
	*fd = openat(parent, name,
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd >= 0)
		return 0;
	if (errno == ENOENT && !create)
		return 1;
	if (errno == ELOOP || errno == ENOTDIR) {
		bp_error("'%s' is a symlink or not a directory", shown);
		return -1;
	}
fail:
	bp_error("cannot %s '%s': %s", create ? "create" : "open", shown,
		 strerror(errno));
	return -1;
}

/* A store's own subdirectory, created when missing. */
static int store_child(struct store *st, const char *name, int *fd)
{
	char *shown = bp_asprintf("%s/%s", st->dir, name);
	int ret = store_subdir(st->dirfd, name, true, shown, fd);

	free(shown);
	return ret;
}

/* Whoever else may write the store could plant a result, a link for a
 * build log or a qemu wrapper that bootperf then runs: refuse a store
 * root that is someone else's or writable by others (the ones bootperf
 * creates are 0700).
 */
static int store_check_private(const struct store *st)
{
	struct stat sb;

	if (fstat(st->dirfd, &sb) == -1) {
		bp_error("cannot open store '%s': %s", st->dir,
			 strerror(errno));
		return -1;
	}
	if (sb.st_uid != geteuid()) {
		bp_error("store '%s' belongs to uid %ld, not to you (uid %ld): "
			 "chown %ld '%s', or use a store of your own",
			 st->dir, (long)sb.st_uid, (long)geteuid(),
			 (long)geteuid(), st->dir);
		return -1;
	}
	if (sb.st_mode & (S_IWGRP | S_IWOTH)) {
		bp_error("store '%s' is writable by %s (mode %04o): chmod 700 "
			 "'%s'",
			 st->dir, sb.st_mode & S_IWOTH ? "others" : "its group",
			 (unsigned)(sb.st_mode & 07777), st->dir);
		return -1;
	}
	return 0;
}

static int store_open_root(struct store *st, bool readonly)
{
	if (!readonly && mkdir(st->dir, STORE_DIR_MODE) == -1 &&
	    errno != EEXIST) {
		bp_error("cannot create store '%s': %s", st->dir,
			 strerror(errno));
		return -1;
	}
	st->dirfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->dirfd == -1) {
		bp_error("cannot open store '%s': %s", st->dir,
			 strerror(errno));
		return -1;
	}
	if (store_check_private(st) == -1)
		return -1;
	if (!readonly &&
	    faccessat(st->dirfd, ".", W_OK | X_OK, AT_EACCESS) == -1) {
		bp_error("store '%s' is not writable: %s", st->dir,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* results/ of a store only read: missing is no result (resfd -1). */
static int store_open_results(struct store *st)
{
	char *shown = bp_asprintf("%s/results", st->dir);
	int ret = store_subdir(st->dirfd, "results", false, shown, &st->resfd);

	free(shown);
	return ret == -1 ? -1 : 0;
}

static int store_open_mode(struct store **out, const char *dir, bool readonly)
{
	struct store *st = NULL;
	size_t len = dir ? strlen(dir) : 0;
	int logsfd = -1;
	int ret = -1;

	*out = NULL;
	if (len == 0) {
		bp_error("store directory name is empty");
		return -1;
	}
	st = bp_malloc(sizeof *st);
	st->dirfd = st->resfd = st->lockfd = -1;
	while (len > 1 && dir[len - 1] == '/')
		len--;
	st->dir = bp_asprintf("%.*s", (int)len, dir);
	if (store_open_root(st, readonly) == -1)
		goto out;
	if (readonly ? store_open_results(st) == -1
		     : store_child(st, "results", &st->resfd) == -1 ||
			   store_child(st, "logs", &logsfd) == -1)
		goto out;
	*out = st;
	st = NULL;
	ret = 0;
out:
	if (logsfd >= 0)
		close(logsfd);
	store_close(st);
	return ret;
}

int store_open(struct store **out, const char *dir)
{
	return store_open_mode(out, dir, false);
}

int store_open_readonly(struct store **out, const char *dir)
{
	return store_open_mode(out, dir, true);
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->lockfd >= 0) {
		/* Still ours: the pid must not outlive the lock. */
		if (ftruncate(st->lockfd, 0) == -1) {
			/* harmless: the next holder rewrites it */
		}
		close(st->lockfd);
	}
	if (st->resfd >= 0)
		close(st->resfd);
	if (st->dirfd >= 0)
		close(st->dirfd);
	free(st->dir);
	free(st);
}

const char *store_dir(const struct store *st)
{
	return st->dir;
}

/* One log per commit and configuration: a build-failed result of one
 * configuration must still point at its own build's output after
 * another configuration built the commit.
 */
char *store_log_path(const struct store *st, const char *commit_id,
		     const char *config_id)
{
	if (store_check_id("commit id", commit_id) == -1 ||
	    store_check_id("config id", config_id) == -1)
		return NULL;
	return bp_asprintf("%s/logs/%s.%.12s.build.log", st->dir, commit_id,
			   config_id);
}

char *store_worktree_path(const struct store *st)
{
	return bp_asprintf("%s/worktree", st->dir);
}

/* --- lock --- */

/* The pid the holder wrote, or 0 if there is none yet. */
static long store_lock_owner(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	long pid;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, NULL, 10);
	return pid > 0 ? pid : 0;
}

/* Only informative (for the "in use" message), so failures are ignored. */
static void store_lock_write_pid(int fd)
{
	char buf[32];
	int len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, (size_t)len, 0) != len) {
		/* nothing to do: the lock itself is held */
	}
}

static void store_busy(const struct store *st, int fd, bool wait)
{
	long pid = store_lock_owner(fd);
	char who[32] = "";

	if (pid > 0)
		snprintf(who, sizeof who, " (pid %ld)", pid);
	if (wait)
		bp_note("waiting for store '%s' (in use by another bootperf%s)",
			st->dir, who);
	else
		bp_error("store '%s' is in use by another bootperf%s", st->dir,
			 who);
}

static int store_flock(const struct store *st, int fd, bool wait)
{
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno == EWOULDBLOCK) {
		store_busy(st, fd, wait);
		if (!wait)
			return 1;
		if (flock(fd, LOCK_EX) == 0)
			return 0;
	}
	bp_error("cannot lock store '%s': %s", st->dir,
		 errno == EINTR ? "interrupted while waiting"
				: strerror(errno));
	return -1;
}

/* The pid in a temp file's name (".NAME.PID.N.tmp"), or -1. */
static long store_temp_pid(const char *name, size_t len)
{
	size_t i = len - 4, end;

	while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9')
		i--;
	if (i == 0 || name[i - 1] != '.')
		return -1;
	end = --i;
	while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9')
		i--;
	if (i == 0 || i == end || name[i - 1] != '.')
		return -1;
	return strtol(name + i, NULL, 10);
}

/* A temp file whose writer is gone.  Results, the track state and the
 * wrappers are written by the lock holder only, but an acknowledgement
 * is written without the lock: a live writer's file is left alone.
 */
static bool store_is_litter(const char *name)
{
	size_t len = strlen(name);
	long pid;

	if (name[0] != '.' || len <= 5 || strcmp(name + len - 4, ".tmp") != 0)
		return false;
	pid = store_temp_pid(name, len);
	return pid <= 0 || (kill((pid_t)pid, 0) == -1 && errno == ESRCH);
}

/* Removes from the directory fd (closed here) the temp files of killed
 * writers, or with all set every file (what only this run may use).
 */
/* A descriptor of its own for a directory that fd has open: dup()
 * would share fd's read offset, and a listing through it would leave
 * the next one nothing to read.
 */
static int store_reopen_dir(int fd)
{
	return openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void store_sweep_dir(int fd, bool all)
{
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)))
		if (all ? e->d_name[0] != '.' : store_is_litter(e->d_name))
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

static int store_open_below(int parent, const char *name)
{
	return openat(parent, name,
		      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Only the lock holder writes results, so once it holds the lock any
 * temp file is litter of a writer that was killed (kill -9, power cut):
 * never a result, but not worth keeping either.  The same goes for the
 * store's own directory, the track state and acknowledgements, and for
 * qemu wrappers a killed run left.
 */
static void store_sweep(struct store *st)
{
	int fd = store_reopen_dir(st->resfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	store_sweep_dir(store_reopen_dir(st->dirfd), false);
	store_sweep_dir(store_open_below(st->dirfd, "track"), false);
	store_sweep_dir(store_open_below(st->dirfd, "acks"), false);
	store_sweep_dir(store_open_below(st->dirfd, STORE_WRAPPERS), true);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)))
		if (store_valid_id(e->d_name))
			store_sweep_dir(store_open_below(dirfd(d), e->d_name),
					false);
	closedir(d);
}

int store_lock(struct store *st, bool wait)
{
	int fd;
	int ret;

	if (st->lockfd >= 0)
		return 0;
	fd = openat(st->dirfd, "lock",
		    O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, STORE_FILE_MODE);
	if (fd == -1) {
		bp_error("cannot open lock file '%s/lock': %s", st->dir,
			 strerror(errno));
		return -1;
	}
	ret = store_flock(st, fd, wait);
	if (ret != 0) {
		close(fd);
		return ret;
	}
	store_lock_write_pid(fd);
	st->lockfd = fd;
	store_sweep(st);
	return 0;
}

/* --- writing --- */

static int store_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A fresh temp file next to name; its name goes to tmp.  Dot names are
 * never listed, so a crash leaves litter but never a result.
 */
static int store_create_temp(int dirfd, const char *name, char *tmp, size_t len)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;

	for (int i = 0; i < STORE_TEMP_TRIES; i++) {
		int fd;

		snprintf(tmp, len, ".%s.%ld.%d.tmp", name, (long)getpid(), i);
		fd = openat(dirfd, tmp, flags, STORE_FILE_MODE);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

static int store_write_temp(int fd, const char *text)
{
	if (store_write_all(fd, text, strlen(text)) == -1 ||
	    store_write_all(fd, "\n", 1) == -1 || fsync(fd) == -1) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return close(fd);
}

static int store_write_atomic(int dirfd, const char *name, const char *text,
			      const char *path)
{
	char tmp[128];
	int fd = store_create_temp(dirfd, name, tmp, sizeof tmp);
	int err;

	if (fd == -1) {
		bp_error("cannot write result '%s': %s", path, strerror(errno));
		return -1;
	}
	if (store_write_temp(fd, text) == -1 ||
	    renameat(dirfd, tmp, dirfd, name) == -1) {
		err = errno;
		unlinkat(dirfd, tmp, 0);
		bp_error("cannot write result '%s': %s", path, strerror(err));
		return -1;
	}
	if (fsync(dirfd) == -1) {
		bp_error("cannot write result '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Encodes r and reads the tree back, so nothing unreadable is written. */
static char *store_encode(const struct commit_result *r)
{
	struct commit_result check;
	cJSON *root = json_from_commit(r);
	char why[256] = "out of memory";
	char *text = NULL;

	if (root && json_to_commit(&check, root, why, sizeof why) == 0) {
		commit_result_free(&check);
		text = cJSON_Print(root);
	}
	if (!text)
		bp_error("refusing to store the result for commit %s: %s",
			 r->commit_id, why);
	else if (strlen(text) >= STORE_MAX_FILE) {
		bp_error("result for commit %s is over %d bytes; not stored",
			 r->commit_id, STORE_MAX_FILE);
		cJSON_free(text);
		text = NULL;
	}
	cJSON_Delete(root);
	return text;
}

int store_put(struct store *st, const struct commit_result *r)
{
	char *text = NULL, *path = NULL, *name = NULL, *shown = NULL;
	int cfgfd = -1;
	int ret = -1;

	if (store_check_ids(r->config_id, r->commit_id) == -1)
		return -1;
	/* Whatever asked for it (--force, a top-up), a newer bootperf's
	 * result is never replaced.
	 */
	if (store_check_newer(st, r->config_id, r->commit_id) == -2)
		return -1;
	text = store_encode(r);
	if (!text)
		goto out;
	path = store_result_path(st, r->config_id, r->commit_id);
	shown = bp_asprintf("%s/results/%s", st->dir, r->config_id);
	name = bp_asprintf("%s.json", r->commit_id);
	if (store_subdir(st->resfd, r->config_id, true, shown, &cfgfd) == -1)
		goto out;
	ret = store_write_atomic(cfgfd, name, text, path);
out:
	if (cfgfd >= 0)
		close(cfgfd);
	cJSON_free(text);
	free(path);
	free(name);
	free(shown);
	return ret;
}

/* --- reading --- */

/* A warning: the run goes on (the commit is measured again, or shown as
 * not measured), and may exit 0.
 */
static void store_corrupt(const char *path, const char *why)
{
	bp_warning("corrupt result '%s': %s", path, why);
}

static int store_read_all(int fd, char *buf, size_t size, size_t *got)
{
	*got = 0;
	while (*got < size) {
		ssize_t n = read(fd, buf + *got, size - *got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

/* How a file that cannot be read is reported: an error where the caller
 * fails, a warning where it goes on without it (a result it measures
 * again, a report that shows the commit as not measured).
 */
typedef void store_say_fn(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Checks what fd is before reading it: only a regular file of sane size
 * (a FIFO would block, /dev/zero would never end).
 */
static int store_slurp(int fd, const char *path, char **text, size_t *len,
		       store_say_fn *say)
{
	struct stat sb;

	if (fstat(fd, &sb) == -1) {
		say("cannot read result '%s': %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size >= STORE_MAX_FILE) {
		store_corrupt(path, S_ISREG(sb.st_mode)
					? "too large to be a result"
					: "not a regular file");
		return -1;
	}
	*text = bp_malloc((size_t)sb.st_size + 1);
	if (store_read_all(fd, *text, (size_t)sb.st_size, len) == -1) {
		say("cannot read result '%s': %s", path, strerror(errno));
		free(*text);
		*text = NULL;
		return -1;
	}
	(*text)[*len] = '\0';
	return 0;
}

/* 0 with the file's bytes (NUL-terminated), 1 when missing, -1. */
static int store_read(int dirfd, const char *name, const char *path,
		      char **text, size_t *len, store_say_fn *say)
{
	const int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	int fd = openat(dirfd, name, flags);
	int ret;

	if (fd == -1) {
		if (errno == ENOENT)
			return 1;
		if (errno == ELOOP)
			store_corrupt(path, "it is a symlink");
		else
			say("cannot read result '%s': %s", path,
			    strerror(errno));
		return -1;
	}
	ret = store_slurp(fd, path, text, len, say);
	close(fd);
	return ret;
}

/* Whether text stops inside a string or an open array or object: the
 * signature of a file cut short, worth telling apart from garbage.
 */
static bool store_unfinished(const char *text, size_t len)
{
	bool in_string = false, escaped = false;
	size_t depth = 0;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (escaped) {
			escaped = false;
		} else if (in_string) {
			escaped = c == '\\';
			in_string = c != '"';
		} else if (c == '"') {
			in_string = true;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		}
	}
	return in_string || depth > 0;
}

static cJSON *store_parse(const char *text, size_t len, char *why,
			  size_t whylen)
{
	const char *end = NULL;
	cJSON *root;
	size_t at;

	if (len == 0 || strspn(text, " \t\r\n") == len) {
		snprintf(why, whylen, "the file is empty");
		return NULL;
	}
	if (memchr(text, '\0', len)) {
		snprintf(why, whylen, "it contains a NUL byte");
		return NULL;
	}
	/* len + 1 takes in the NUL, which require_null_terminated wants. */
	root = cJSON_ParseWithLengthOpts(text, len + 1, &end, true);
	if (root)
		return root;
	at = end && end >= text && end <= text + len ? (size_t)(end - text)
						     : len;
	if (at >= len || store_unfinished(text, len))
		snprintf(why, whylen, "truncated JSON (%zu bytes)", len);
	else
		snprintf(why, whylen, "not valid JSON (at byte %zu of %zu)",
			 at + 1, len);
	return NULL;
}

/* The file's own ids must be the ones its path claims. */
static int store_check_owner(const struct commit_result *r,
			     const char *config_id, const char *commit_id,
			     char *why, size_t whylen)
{
	if (strcmp(r->commit_id, commit_id) != 0) {
		snprintf(why, whylen, "it holds commit '%.80s'", r->commit_id);
		return -1;
	}
	if (strcmp(r->config_id, config_id) != 0) {
		snprintf(why, whylen, "it holds config '%.80s'", r->config_id);
		return -1;
	}
	return 0;
}

static void store_newer(const char *path, const char *why)
{
	bp_error("result '%s' was written by a newer bootperf (%s); "
		 "use that bootperf or another store",
		 path, why);
}

static int store_decode(const char *text, size_t len, const char *path,
			const char *config_id, const char *commit_id,
			struct commit_result *out)
{
	char why[320];
	cJSON *root = store_parse(text, len, why, sizeof why);
	int ret = -1;

	if (root)
		ret = json_to_commit(out, root, why, sizeof why);
	if (ret == 0 &&
	    store_check_owner(out, config_id, commit_id, why, sizeof why)) {
		commit_result_free(out);
		ret = -1;
	}
	if (ret == -2)
		store_newer(path, why);
	else if (ret == -1)
		store_corrupt(path, why);
	cJSON_Delete(root);
	return ret;
}

int store_get(struct store *st, const char *config_id, const char *commit_id,
	      struct commit_result *out)
{
	char *path = NULL, *name = NULL, *shown = NULL, *text = NULL;
	size_t len = 0;
	int cfgfd = -1;
	int ret = -1;

	memset(out, 0, sizeof *out);
	if (store_check_ids(config_id, commit_id) == -1)
		return -1;
	path = store_result_path(st, config_id, commit_id);
	shown = bp_asprintf("%s/results/%s", st->dir, config_id);
	name = bp_asprintf("%s.json", commit_id);
	ret = store_subdir(st->resfd, config_id, false, shown, &cfgfd);
	if (ret != 0)
		goto out;
	/* Every caller goes on without it: measures it again, or shows
	 * the commit as not measured.
	 */
	ret = store_read(cfgfd, name, path, &text, &len, bp_warning);
	if (ret != 0)
		goto out;
	ret = store_decode(text, len, path, config_id, commit_id, out);
out:
	if (cfgfd >= 0)
		close(cfgfd);
	free(path);
	free(name);
	free(shown);
	free(text);
	return ret;
}

/* The bytes of a regular file of sane size, NULL for anything else: a
 * look ahead that leaves every complaint to store_get.
 */
static char *store_peek(int dirfd, const char *name, size_t *len)
{
	int fd =
	    openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat sb;
	char *text = NULL;

	if (fd == -1)
		return NULL;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_size < STORE_MAX_FILE) {
		text = bp_malloc((size_t)sb.st_size + 1);
		if (store_read_all(fd, text, (size_t)sb.st_size, len) == -1) {
			free(text);
			text = NULL;
		}
	}
	close(fd);
	return text;
}

int store_check_newer(struct store *st, const char *config_id,
		      const char *commit_id)
{
	char why[320], *name = NULL, *text = NULL, *path = NULL;
	cJSON *root = NULL;
	size_t len = 0;
	int cfgfd = -1, ret = 0;

	if (!store_valid_id(config_id) || !store_valid_id(commit_id))
		return 0;
	cfgfd = store_open_below(st->resfd, config_id);
	if (cfgfd == -1)
		return 0;
	name = bp_asprintf("%s.json", commit_id);
	text = store_peek(cfgfd, name, &len);
	root = text ? cJSON_ParseWithLength(text, len) : NULL;
	/* Only the format matters here: the whole result is read (and
	 * complained about) when it is used.
	 */
	ret = root ? json_commit_kind(root, why, sizeof why) : -1;
	if (ret == -2) {
		path = store_result_path(st, config_id, commit_id);
		store_newer(path, why);
	}
	cJSON_Delete(root);
	close(cfgfd);
	free(name);
	free(text);
	free(path);
	return ret == -2 ? -2 : 0;
}

/* --- listing --- */

/* "<id>.json" -> a copy of the id, else NULL (temp files, litter). */
static char *store_entry_id(const char *name)
{
	size_t len = strlen(name);
	char *id;

	if (len <= 5 || strcmp(name + len - 5, ".json") != 0)
		return NULL;
	id = bp_asprintf("%.*s", (int)(len - 5), name);
	if (store_valid_id(id))
		return id;
	free(id);
	return NULL;
}

static void store_push_id(char ***ids, size_t *n, size_t *cap, char *id)
{
	if (*n == *cap) {
		char **grown;

		*cap = *cap ? *cap * 2 : 16;
		grown = bp_malloc(*cap * sizeof *grown);
		if (*n)
			memcpy(grown, *ids, *n * sizeof *grown);
		free(*ids);
		*ids = grown;
	}
	(*ids)[(*n)++] = id;
}

static int store_cmp_ids(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int store_read_ids(DIR *d, const char *shown, char ***ids, size_t *n)
{
	size_t cap = 0;
	struct dirent *e;

	errno = 0;
	while ((e = readdir(d))) {
		char *id = store_entry_id(e->d_name);

		if (id)
			store_push_id(ids, n, &cap, id);
		errno = 0;
	}
	if (errno) {
		bp_error("cannot read '%s': %s", shown, strerror(errno));
		return -1;
	}
	if (*n > 1)
		qsort(*ids, *n, sizeof **ids, store_cmp_ids);
	return 0;
}

static void store_free_ids(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

int store_list(struct store *st, const char *config_id, char ***ids, size_t *n)
{
	char *shown = NULL;
	DIR *d = NULL;
	int fd = -1;
	int ret = -1;

	*ids = NULL;
	*n = 0;
	if (store_check_id("config id", config_id) == -1)
		return -1;
	shown = bp_asprintf("%s/results/%s", st->dir, config_id);
	ret = store_subdir(st->resfd, config_id, false, shown, &fd);
	if (ret != 0) {
		ret = ret == 1 ? 0 : -1;
		goto out;
	}
	d = fdopendir(fd);
	if (!d) {
		bp_error("cannot read '%s': %s", shown, strerror(errno));
		close(fd);
		ret = -1;
		goto out;
	}
	ret = store_read_ids(d, shown, ids, n);
	if (ret == -1) {
		store_free_ids(*ids, *n);
		*ids = NULL;
		*n = 0;
	}
out:
	if (d)
		closedir(d);
	free(shown);
	return ret;
}

/* --- other files: the track state, acknowledgements --- */

/* A name directly below the store or one of its own directories. */
static bool store_valid_name(const char *s)
{
	if (!s || !*s || *s == '.' || strlen(s) > 128)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      *s == '.' || *s == '-' || *s == '_'))
			return false;
	return true;
}

/* The directory sub/ of the store (the store itself for NULL). */
static int store_text_dir(struct store *st, const char *sub, bool create,
			  int *fd)
{
	char *shown;
	int ret;

	if (!sub) {
		*fd = store_reopen_dir(st->dirfd);
		return *fd == -1 ? -1 : 0;
	}
	shown = bp_asprintf("%s/%s", st->dir, sub);
	ret = store_subdir(st->dirfd, sub, create, shown, fd);
	free(shown);
	return ret;
}

int store_write_text(struct store *st, const char *sub, const char *name,
		     const char *text)
{
	char *path = NULL;
	int fd = -1, ret = -1;

	if ((sub && !store_valid_name(sub)) || !store_valid_name(name)) {
		bp_error("invalid store file name '%s'", name);
		return -1;
	}
	path = sub ? bp_asprintf("%s/%s/%s", st->dir, sub, name)
		   : bp_asprintf("%s/%s", st->dir, name);
	if (store_text_dir(st, sub, true, &fd) == -1)
		goto out;
	ret = store_write_atomic(fd, name, text, path);
out:
	if (fd >= 0)
		close(fd);
	free(path);
	return ret;
}

int store_read_text(struct store *st, const char *sub, const char *name,
		    char **text, char **path)
{
	size_t len = 0;
	int fd = -1, ret;

	*text = NULL;
	*path = sub ? bp_asprintf("%s/%s/%s", st->dir, sub, name)
		    : bp_asprintf("%s/%s", st->dir, name);
	if ((sub && !store_valid_name(sub)) || !store_valid_name(name)) {
		bp_error("invalid store file name '%s'", name);
		return -1;
	}
	ret = store_text_dir(st, sub, false, &fd);
	if (ret == 0)
		ret = store_read(fd, name, *path, text, &len, bp_error);
	if (fd >= 0)
		close(fd);
	return ret;
}

int store_create_file(struct store *st, const char *sub, const char *name,
		      mode_t mode, char **path)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	int dfd = -1, fd = -1;

	*path = NULL;
	if ((sub && !store_valid_name(sub)) || !store_valid_name(name)) {
		bp_error("invalid store file name '%s'", name);
		return -1;
	}
	*path = sub ? bp_asprintf("%s/%s/%s", st->dir, sub, name)
		    : bp_asprintf("%s/%s", st->dir, name);
	if (store_text_dir(st, sub, true, &dfd) == -1)
		return -1;
	unlinkat(dfd, name, 0);
	fd = openat(dfd, name, flags, mode);
	if (fd == -1)
		bp_error("cannot write '%s': %s", *path, strerror(errno));
	close(dfd);
	return fd;
}

int store_list_dir(struct store *st, const char *sub, char ***names, size_t *n)
{
	size_t cap = 0;
	struct dirent *e;
	DIR *d = NULL;
	int fd = -1, ret;

	*names = NULL;
	*n = 0;
	ret = store_text_dir(st, sub, false, &fd);
	if (ret != 0)
		return ret == 1 ? 0 : -1;
	d = fdopendir(fd);
	if (!d) {
		bp_error("cannot read '%s/%s': %s", st->dir, sub,
			 strerror(errno));
		close(fd);
		return -1;
	}
	while ((e = readdir(d)))
		if (store_valid_name(e->d_name))
			store_push_id(names, n, &cap, bp_strdup(e->d_name));
	closedir(d);
	if (*n > 1)
		qsort(*names, *n, sizeof **names, store_cmp_ids);
	return 0;
}
