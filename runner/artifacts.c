/* bootperf - what a build leaves for its boots: the artifacts it must
 * have produced, the firmware its qemu must find, and the --qemu-arg
 * wrapper that runs that qemu with the extra arguments.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner.h"

const char *qemu_args_at(const struct qemu_args *a, size_t i)
{
	if (i < a->n_user)
		return a->user[i];
	i -= a->n_user;
	return a->preset ? a->preset[i] : NULL;
}

/* One shell word: 'it'\''s' - the wrapper must pass each argument as is. */
static void put_quoted(FILE *fp, const char *s)
{
	fputc('\'', fp);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", fp);
		else
			fputc(*s, fp);
	fputc('\'', fp);
}

char *runner_expand_worktree(const char *a, const char *worktree)
{
	char *expanded = bp_strdup(a);
	const char *p;

	while (worktree && (p = strstr(expanded, "{worktree}"))) {
		char *next = bp_asprintf("%.*s%s%s", (int)(p - expanded),
					 expanded, worktree, p + 10);

		free(expanded);
		expanded = next;
	}
	return expanded;
}

void qemu_args_put(FILE *fp, const struct qemu_args *a, const char *worktree)
{
	const char *arg;

	for (size_t i = 0; (arg = qemu_args_at(a, i)); i++) {
		char *expanded = runner_expand_worktree(arg, worktree);

		fputc(' ', fp);
		put_quoted(fp, expanded);
		free(expanded);
	}
}

char *qemu_args_join(const struct qemu_args *a)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (!fp)
		abort();
	qemu_args_put(fp, a, NULL);
	fclose(fp);
	return buf;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The first regular file called base below dir (dir itself at level
 * level), depth first in directory order, four levels down at most,
 * not into .git and not through symbolic links: its path relative to
 * the root (root_len long), owned; or NULL.
 */
static char *search(const char *dir, size_t root_len, const char *base,
		    int level)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *found = NULL;

	if (!d)
		return NULL;
	while (!found && (e = readdir(d))) {
		char *path;
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		path = bp_asprintf("%s/%s", dir, e->d_name);
		if (lstat(path, &st) == -1)
			st.st_mode = 0;
		if (S_ISREG(st.st_mode) && !strcmp(e->d_name, base))
			found = bp_strdup(path + root_len + 1);
		else if (S_ISDIR(st.st_mode) && level + 1 < 4 &&
			 strcmp(e->d_name, ".git") != 0)
			found = search(path, root_len, base, level + 1);
		free(path);
	}
	closedir(d);
	return found;
}

/* A file named like the missing artifact elsewhere in the worktree (a
 * few levels down): an older tree's layout, a typo in the path.
 */
static char *find_artifact(const char *wt, const char *rel)
{
	const char *slash = strrchr(rel, '/');

	return search(wt, strlen(wt), slash ? slash + 1 : rel, 0);
}

char *runner_artifacts_missing(const char *wt, const struct artifacts *a)
{
	const char *missing = NULL, *opt = NULL;
	char *there, *msg;

	if (a->hv && access(a->hv, X_OK) == -1)
		missing = a->hv_rel, opt = "--hv-artifact";
	else if (a->kernel && access(a->kernel, R_OK) == -1)
		missing = a->kernel_rel, opt = "--kernel-artifact";
	else if (a->modules && !is_dir(a->modules))
		missing = a->modules_rel, opt = "--modules-artifact";
	if (!missing)
		return NULL;
	there = find_artifact(wt, missing);
	if (there && !strcmp(there, missing))
		msg = bp_asprintf("the build produced '%s', but it is not "
				  "executable",
				  missing);
	else if (there)
		msg = bp_asprintf("the build did not produce '%s', but there "
				  "is '%s': %s %s?",
				  missing, there, opt, there);
	else
		msg = bp_asprintf("the build did not produce '%s' (see %s)",
				  missing, opt);
	free(there);
	return msg;
}

int runner_check_firmware(const struct preset *p, const struct qemu_args *a,
			  const char *wt)
{
	const char *arg, *next;
	bool found = false;
	char *dirs = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&dirs, &len);

	if (!fp)
		abort();
	for (size_t i = 0; !found && (arg = qemu_args_at(a, i)); i++) {
		char *dir, *path;

		next = qemu_args_at(a, i + 1);
		if (strcmp(arg, "-L") != 0 || !next)
			continue;
		dir = runner_expand_worktree(next, wt);
		path = bp_asprintf("%s/%s", dir, p->firmware);
		found = access(path, R_OK) == 0;
		fprintf(fp, "%s'%s'", ftell(fp) > 0 ? ", " : "", dir);
		free(path);
		free(dir);
	}
	fclose(fp);
	if (!found)
		bp_error("--preset %s: the built qemu finds no firmware: '%s' "
			 "is in none of %s; install seabios and "
			 "qemu-system-data, or give --qemu-arg -L "
			 "--qemu-arg DIR",
			 p->name, p->firmware, dirs);
	free(dirs);
	return found ? BP_EXIT_OK : BP_EXIT_NOFILE;
}

int runner_write_wrapper(FILE *fp, const char *commit_id, const char *hv,
			 const struct qemu_args *a, const char *wt)
{
	fprintf(fp, "#!/bin/sh\n# bootperf --qemu-arg wrapper for %s\nexec ",
		commit_id);
	put_quoted(fp, hv ? hv : "qemu-system-x86_64");
	qemu_args_put(fp, a, wt);
	fputs(" \"$@\"\n", fp);
	return ferror(fp) ? -1 : 0;
}
