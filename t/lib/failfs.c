/* failfs.so - an LD_PRELOAD shim for the fault-injection tests: it makes
 * file operations on paths that contain a given string fail the way a
 * full disk, a read-only file system or a kill -9 in mid-write would.
 *
 *	FAILFS=enospc:STRING	write() to such a file fails with ENOSPC
 *	FAILFS=erofs:STRING	creating, writing, renaming, removing or
 *				asking for write access there fails with EROFS
 *	FAILFS=kill:STRING	the first write() to such a file writes half
 *				its buffer, then the process gets SIGKILL
 *	FAILFS=race:STRING	the first mkdir() of such a directory finds
 *				it made just before, as by another process
 *				that won a race for the name (EEXIST)
 *	FAILFS=eio:STRING	read() from such a file fails with EIO, as
 *				on a failing disk (root reads past any mode)
 *
 * Test code only: it is never linked into bootperf.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum mode { NONE, ENOSPC_MODE, EROFS_MODE, KILL_MODE, RACE_MODE, EIO_MODE };

static enum mode mode(const char **match)
{
	const char *spec = getenv("FAILFS");

	*match = NULL;
	if (!spec)
		return NONE;
	if (!strncmp(spec, "enospc:", 7))
		*match = spec + 7;
	else if (!strncmp(spec, "erofs:", 6))
		*match = spec + 6;
	else if (!strncmp(spec, "kill:", 5))
		*match = spec + 5;
	else if (!strncmp(spec, "race:", 5))
		*match = spec + 5;
	else if (!strncmp(spec, "eio:", 4))
		*match = spec + 4;
	else
		return NONE;
	if (spec[0] == 'r')
		return RACE_MODE;
	if (!strncmp(spec, "eio:", 4))
		return EIO_MODE;
	return spec[0] == 'e' ? (spec[1] == 'n' ? ENOSPC_MODE : EROFS_MODE)
			      : KILL_MODE;
}

static void fd_path(int fd, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	if (fd == AT_FDCWD) {
		if (!getcwd(buf, len))
			buf[0] = '\0';
		return;
	}
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
}

static bool hit_at(enum mode want, int dirfd, const char *name)
{
	const char *match;
	char path[PATH_MAX * 2];

	if (mode(&match) != want || !name)
		return false;
	if (name[0] == '/')
		snprintf(path, sizeof path, "%s", name);
	else {
		fd_path(dirfd, path, PATH_MAX);
		strncat(path, "/", sizeof path - strlen(path) - 1);
		strncat(path, name, sizeof path - strlen(path) - 1);
	}
	return strstr(path, match) != NULL;
}

static bool hit_fd(int fd, enum mode *m)
{
	const char *match;
	char path[PATH_MAX];

	*m = mode(&match);
	if (*m == NONE || fd < 0)
		return false;
	fd_path(fd, path, sizeof path);
	return strstr(path, match) != NULL;
}

#define NEXT(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

ssize_t write(int fd, const void *buf, size_t count)
{
	enum mode m;

	if (hit_fd(fd, &m) && m != RACE_MODE && m != EIO_MODE) {
		if (m == KILL_MODE) {
			NEXT(write)(fd, buf, count / 2);
			kill(getpid(), SIGKILL);
		}
		errno = m == ENOSPC_MODE ? ENOSPC : EROFS;
		return -1;
	}
	return NEXT(write)(fd, buf, count);
}

ssize_t read(int fd, void *buf, size_t count)
{
	const char *match;
	enum mode m;

	/* No readlink for every read unless reads are to fail. */
	if (mode(&match) == EIO_MODE && hit_fd(fd, &m)) {
		errno = EIO;
		return -1;
	}
	return NEXT(read)(fd, buf, count);
}

static bool writes(int flags)
{
	return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
}

int openat(int dirfd, const char *name, int flags, ...)
{
	mode_t m = 0;
	va_list ap;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		m = va_arg(ap, mode_t);
	va_end(ap);
	if (writes(flags) && hit_at(EROFS_MODE, dirfd, name)) {
		errno = EROFS;
		return -1;
	}
	return NEXT(openat)(dirfd, name, flags, m);
}

int open(const char *name, int flags, ...)
{
	mode_t m = 0;
	va_list ap;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		m = va_arg(ap, mode_t);
	va_end(ap);
	return openat(AT_FDCWD, name, flags, m);
}

/* Like Linux, an existing name is EEXIST even on a read-only mount. */
int mkdirat(int dirfd, const char *name, mode_t m)
{
	static bool raced;
	struct stat st;

	if (!raced && hit_at(RACE_MODE, dirfd, name)) {
		raced = true;
		NEXT(mkdirat)(dirfd, name, m);
	}

	if (hit_at(EROFS_MODE, dirfd, name)) {
		errno = fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0
			    ? EEXIST
			    : EROFS;
		return -1;
	}
	return NEXT(mkdirat)(dirfd, name, m);
}

int mkdir(const char *name, mode_t m)
{
	return mkdirat(AT_FDCWD, name, m);
}

int renameat(int olddirfd, const char *oldname, int newdirfd,
	     const char *newname)
{
	if (hit_at(EROFS_MODE, newdirfd, newname)) {
		errno = EROFS;
		return -1;
	}
	return NEXT(renameat)(olddirfd, oldname, newdirfd, newname);
}

int unlinkat(int dirfd, const char *name, int flags)
{
	if (hit_at(EROFS_MODE, dirfd, name)) {
		errno = EROFS;
		return -1;
	}
	return NEXT(unlinkat)(dirfd, name, flags);
}

int faccessat(int dirfd, const char *name, int how, int flags)
{
	if ((how & W_OK) && hit_at(EROFS_MODE, dirfd, name)) {
		errno = EROFS;
		return -1;
	}
	return NEXT(faccessat)(dirfd, name, how, flags);
}
