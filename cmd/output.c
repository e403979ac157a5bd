/* bootperf - output files named on the command line (report -o,
 * analyze --svg and --record): where a path really leads, and whether
 * it can be written, asked before the work that fills it.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"

/* Symbolic links are followed at most this often, as the kernel does. */
#define MAX_LINKS 40

char *cmd_follow_links(const char *path)
{
	char *cur = bp_strdup(path);
	char target[PATH_MAX];

	for (int hops = 0; hops <= MAX_LINKS; hops++) {
		struct stat sb;
		const char *slash;
		ssize_t n;
		char *next;

		if (lstat(cur, &sb) == -1 || !S_ISLNK(sb.st_mode))
			return cur;
		n = readlink(cur, target, sizeof target - 1);
		if (n == -1) {
			int e = errno;

			free(cur);
			errno = e;
			return NULL;
		}
		target[n] = '\0';
		slash = strrchr(cur, '/');
		if (target[0] == '/' || !slash)
			next = bp_strdup(target);
		else
			next = bp_asprintf("%.*s/%s", (int)(slash - cur), cur,
					   target);
		free(cur);
		cur = next;
	}
	free(cur);
	errno = ELOOP;
	return NULL;
}

/* The directory a new file at path would be created in. */
static char *parent_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return bp_strdup(".");
	if (slash == path)
		return bp_strdup("/");
	return bp_asprintf("%.*s", (int)(slash - path), path);
}

int cmd_output_check(const char *what, const char *path)
{
	struct stat sb;
	char *target, *dir;
	int err = 0;

	if (stat(path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			bp_error("cannot write %s '%s': it is a directory "
				 "(give a file name)",
				 what, path);
			return BP_EXIT_NOFILE;
		}
		if (!S_ISREG(sb.st_mode) && !S_ISFIFO(sb.st_mode) &&
		    !S_ISCHR(sb.st_mode)) {
			bp_error("cannot write %s '%s': not a regular file, "
				 "FIFO or character device",
				 what, path);
			return BP_EXIT_NOFILE;
		}
		if (access(path, W_OK) == -1)
			err = errno;
	} else if (errno != ENOENT) {
		err = errno;
	} else if (!(target = cmd_follow_links(path))) {
		err = errno;
	} else {
		/* A new file (or a dangling link's target): its directory
		 * must let one be created.
		 */
		dir = parent_dir(target);
		if (access(dir, W_OK | X_OK) == -1)
			err = errno;
		free(dir);
		free(target);
	}
	if (!err)
		return BP_EXIT_OK;
	bp_error("cannot write %s '%s': %s", what, path, strerror(err));
	return BP_EXIT_NOFILE;
}
