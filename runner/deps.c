/* bootperf - does this machine have what a build needs?  Commands on
 * PATH (and /usr/sbin, /sbin, where depmod lives), pkg-config modules,
 * headers; and what a failed build's log says is missing.
 */
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner.h"

static bool executable_in(const char *dir, size_t dlen, const char *name)
{
	char *path = bp_asprintf("%.*s/%s", (int)dlen, dlen ? dir : ".", name);
	struct stat st;
	bool found = stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		     access(path, X_OK) == 0;

	free(path);
	return found;
}

bool runner_in_path(const char *name, const char *path)
{
	const char *p = path;
	bool found = false;

	while (!found && *p) {
		size_t n = strcspn(p, ":");

		found = executable_in(p, n, name);
		p += n + (p[n] == ':');
	}
	return found;
}

static bool have_command(const char *name)
{
	const char *env = getenv("PATH");
	char *path = bp_asprintf("%s:/usr/sbin:/sbin", env ? env : "/usr/bin");
	bool found = runner_in_path(name, path);

	free(path);
	return found;
}

static bool have_pkgconfig(const char *module)
{
	char out[64], pc[] = "pkg-config", exists[] = "--exists";
	char *argv[] = {pc, exists, bp_strdup(module), NULL};
	int r = run_argv_capture(argv, 30, out, sizeof out);

	free(argv[2]);
	return r == 0;
}

/* In /usr/include, or a multiarch directory such as
 * /usr/include/x86_64-linux-gnu.
 */
static bool have_header(const char *name)
{
	char *plain = bp_asprintf("/usr/include/%s", name);
	char *pattern = bp_asprintf("/usr/include/*-linux-gnu*/%s", name);
	glob_t g = {0};
	bool found = access(plain, R_OK) == 0 ||
		     glob(pattern, GLOB_NOSORT, NULL, &g) == 0;

	globfree(&g);
	free(plain);
	free(pattern);
	return found;
}

static bool need_met(const struct build_need *n)
{
	switch (n->kind) {
	case NEED_COMMAND:
		return have_command(n->name);
	case NEED_PKGCONFIG:
		/* without pkg-config, its own need names the package */
		return !have_command("pkg-config") || have_pkgconfig(n->name);
	case NEED_HEADER:
		return have_header(n->name);
	}
	return true;
}

size_t runner_missing_needs(const struct build_need *needs, char *packages,
			    size_t plen, char *what, size_t wlen)
{
	size_t n = 0;

	packages[0] = what[0] = '\0';
	for (; needs->name; needs++) {
		if (need_met(needs))
			continue;
		words_add(packages, plen, needs->package);
		words_add(what, wlen, needs->name);
		n++;
	}
	return n;
}

char *runner_build_log_tail(const char *log_path)
{
	enum { TAIL = 256 * 1024 };
	char *buf = bp_malloc(TAIL + 1);
	int fd = open(log_path, O_RDONLY | O_CLOEXEC);
	ssize_t got = 0;
	off_t size;

	if (fd != -1) {
		size = lseek(fd, 0, SEEK_END);
		if (size > TAIL)
			lseek(fd, size - TAIL, SEEK_SET);
		else
			lseek(fd, 0, SEEK_SET);
		got = read(fd, buf, TAIL);
		close(fd);
	}
	buf[got > 0 ? got : 0] = '\0';
	return buf;
}
