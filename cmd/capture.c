/* bootperf - the artifact store: what a commit's boots need, captured
 * from its worktree right after its build, so that every later look at
 * the commit (a top-up, turns, bisect's endpoints, verification, a
 * re-check) boots the copy and builds nothing.
 *
 *	STORE/artifacts/BUILD-ID/COMMIT/PATH...	   the worktree's PATHs
 *	STORE/artifacts/BUILD-ID/COMMIT/.bootperf-manifest
 *
 * BUILD-ID hashes what changes a build or what is captured: the build
 * command, the artifact options, the --config text and the captured
 * paths.  The manifest lists each file's content id (its git blob id,
 * as git hash-object), size and mtime.  A copy is made in a temporary
 * directory and renamed into place once whole, so that a run killed at
 * any instant leaves the old copy, the new one or none, never a part.
 * Before each use the files' sizes and mtimes are checked against the
 * manifest (no harness time: no file is read); a file whose size or
 * mtime changed is hashed (the same content: the manifest takes its
 * new mtime), and a commit whose files are missing or altered is built
 * again after a warning.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bisect.h"
#include "cmd.h"
#include "store.h"

#define MANIFEST ".bootperf-manifest"
#define MANIFEST_HEAD "bootperf-artifacts 1\n"

/* A relative path inside the worktree: no leading '/', no ".."
 * component, not empty; "./" and trailing slashes dropped.  Owned, or
 * NULL when path is not one.
 */
static char *clean_rel(const char *path, size_t len)
{
	char *rel, *p;

	while (len >= 2 && path[0] == '.' && path[1] == '/') {
		path += 2;
		len -= 2;
		while (len && *path == '/')
			path++, len--;
	}
	while (len && path[len - 1] == '/')
		len--;
	if (!len || path[0] == '/' || (len == 1 && path[0] == '.') ||
	    memchr(path, '\n', len))
		return NULL;
	rel = bp_asprintf("%.*s", (int)len, path);
	for (p = rel; p; p = strchr(p, '/')) {
		if (*p == '/')
			p++;
		if (!strncmp(p, "..", 2) && (p[2] == '/' || !p[2])) {
			free(rel);
			return NULL;
		}
	}
	return rel;
}

bool artifact_path_ok(const char *path)
{
	char *rel = clean_rel(path, strlen(path));

	free(rel);
	return rel != NULL;
}

static void add_path(struct measurer *m, char *rel)
{
	if (!rel)
		return;
	m->art_paths =
	    realloc(m->art_paths, (m->n_art_paths + 1) * sizeof *m->art_paths);
	if (!m->art_paths)
		abort();
	m->art_paths[m->n_art_paths++] = rel;
}

/* Every {worktree}/PATH named in text: in a shell command a path ends
 * at a blank or a shell character; a --qemu-arg is one word.
 */
static void add_named(struct measurer *m, const char *text, bool shell)
{
	const char *p = text;

	while (p && (p = strstr(p, "{worktree}/"))) {
		size_t len;

		p += strlen("{worktree}/");
		/* qemu's option values end at ',' (",," is a comma) */
		len = shell ? strcspn(p, " \t\n\"'`;|&<>()$\\{}*?[,:")
			    : strcspn(p, ",");
		if (shell && p[len] && strchr("$`\\{}*?[", p[len])) {
			bp_warning("--command: '{worktree}/%.*s%c...' is not "
				   "one path: it is not captured; name what "
				   "the boot reads with --artifact",
				   (int)len, p, p[len]);
			p += len;
			continue;
		}
		add_path(m, clean_rel(p, len));
		p += len;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, without duplicates or paths inside another one. */
static void tidy_paths(struct measurer *m)
{
	size_t n = 0;

	if (m->n_art_paths)
		qsort(m->art_paths, m->n_art_paths, sizeof *m->art_paths,
		      cmp_str);
	for (size_t i = 0; i < m->n_art_paths; i++) {
		const char *p = m->art_paths[i];
		bool inside = false;

		/* "a" before "a-b" before "a/c": compare with every one kept */
		for (size_t k = 0; k < n && !inside; k++) {
			size_t l = strlen(m->art_paths[k]);

			inside = !strncmp(p, m->art_paths[k], l) &&
				 (p[l] == '/' || !p[l]);
		}
		if (inside)
			free(m->art_paths[i]);
		else
			m->art_paths[n++] = m->art_paths[i];
	}
	m->n_art_paths = n;
}

/* What the boots of a commit read from its worktree. */
static void collect_paths(struct measurer *m)
{
	const struct build_cli *b = m->build;
	const char *cmd = m->run->run.command;

	if (b->hv_artifact) {
		const char *slash = strrchr(b->hv_artifact, '/');
		/* qemu run from a build tree reads its own pc-bios/ */
		char *dir = bp_asprintf(
		    "%.*s%spc-bios", slash ? (int)(slash - b->hv_artifact) : 0,
		    b->hv_artifact, slash ? "/" : "");

		add_path(m, clean_rel(b->hv_artifact, strlen(b->hv_artifact)));
		add_path(m, clean_rel(dir, strlen(dir)));
		free(dir);
	}
	if (b->kernel_artifact)
		add_path(m, clean_rel(b->kernel_artifact,
				      strlen(b->kernel_artifact)));
	if (b->modules_artifact)
		add_path(m, clean_rel(b->modules_artifact,
				      strlen(b->modules_artifact)));
	for (size_t i = 0; i < b->n_artifacts; i++)
		add_path(m,
			 clean_rel(b->artifacts[i], strlen(b->artifacts[i])));
	if (cmd)
		add_named(m, cmd, true);
	for (size_t i = 0; i < b->n_qemu_args; i++)
		add_named(m, b->qemu_args[i], false);
	for (size_t i = 0;
	     b->preset && b->preset->qemu_args && b->preset->qemu_args[i]; i++)
		add_named(m, b->preset->qemu_args[i], false);
	tidy_paths(m);
}

static bool is_commit_name(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n >= 4 && n <= 64 && !s[n];
}

/* Temporary copies a killed run left (".COMMIT.tmp") go. */
static void sweep(const char *root)
{
	DIR *d = opendir(root);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.' && l > 5 &&
		    !strcmp(e->d_name + l - 4, ".tmp")) {
			char *p = bp_asprintf("%s/%s", root, e->d_name);

			bp_remove_tree(p);
			free(p);
		}
	}
	closedir(d);
}

static void sweep_all(const char *top)
{
	DIR *d = opendir(top);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			char *p = bp_asprintf("%s/%s", top, e->d_name);

			sweep(p);
			free(p);
		}
	if (d)
		closedir(d);
}

int artifacts_open(struct measurer *m, const char *kernel_config)
{
	const struct build_cli *b = m->build;
	char *text, *paths = NULL;
	size_t len = 0;
	FILE *fp;
	int r;

	collect_paths(m);
	fp = open_memstream(&paths, &len);
	if (!fp)
		abort();
	for (size_t i = 0; i < m->n_art_paths; i++)
		fprintf(fp, "path %s\n", m->art_paths[i]);
	fclose(fp);
	text = bp_asprintf("bootperf-artifacts 1\nbuild %s\nhv-artifact %s\n"
			   "kernel-artifact %s\nmodules-artifact %s\n"
			   "kernel-config %s\n%s",
			   b->build ? b->build : "",
			   b->hv_artifact ? b->hv_artifact : "",
			   b->kernel_artifact ? b->kernel_artifact : "",
			   b->modules_artifact ? b->modules_artifact : "",
			   kernel_config ? kernel_config : "", paths);
	r = walk_hash_string(m->build_id, text);
	free(text);
	free(paths);
	if (r != 0)
		return BP_EXIT_FAILURE;
	m->art_top = bp_asprintf("%s/artifacts", store_dir(m->store));
	m->art_root = bp_asprintf("%s/%.12s", m->art_top, m->build_id);
	sweep_all(m->art_top);
	return BP_EXIT_OK;
}

void artifacts_close(struct measurer *m)
{
	for (size_t i = 0; i < m->n_art_paths; i++)
		free(m->art_paths[i]);
	free(m->art_paths);
	for (size_t i = 0; i < m->n_used; i++)
		free(m->used[i]);
	free(m->used);
	free(m->art_root);
	free(m->art_top);
	for (int w = 0; w < 3; w++)
		free(m->dir[w]);
	m->art_paths = NULL;
	m->used = NULL;
	m->art_root = m->art_top = NULL;
	m->n_art_paths = m->n_used = 0;
	memset(m->dir, 0, sizeof m->dir);
}

static bool used_now(const struct measurer *m, const char *commit)
{
	for (size_t i = 0; i < m->n_used; i++)
		if (!strcmp(m->used[i], commit))
			return true;
	return false;
}

static void mark_used(struct measurer *m, const char *commit, const char *dir)
{
	/* the least recently used go first (--artifacts-max) */
	utimensat(AT_FDCWD, dir, NULL, 0);
	if (used_now(m, commit))
		return;
	m->used = realloc(m->used, (m->n_used + 1) * sizeof *m->used);
	if (!m->used)
		abort();
	m->used[m->n_used++] = bp_strdup(commit);
}

/* "f OID SIZE SEC.NSEC PATH" of a file, or "l PATH" of a link. */
struct entry {
	char kind;
	char oid[41];
	long long size, sec, nsec;
	const char *path;
};

static bool parse_entry(char *line, struct entry *e)
{
	int n = 0;

	memset(e, 0, sizeof *e);
	line[strcspn(line, "\n")] = '\0';
	if (line[0] == 'l' && line[1] == ' ') {
		e->kind = 'l';
		e->path = line + 2;
		return true;
	}
	if (sscanf(line, "f %40[0-9a-f] %lld %lld.%lld %n", e->oid, &e->size,
		   &e->sec, &e->nsec, &n) != 4 ||
	    !n)
		return false;
	e->kind = 'f';
	e->path = line + n;
	return *e->path != '\0';
}

static int write_file(const char *path, const char *text, size_t len);

/* The manifest of dir replaced by text (a temporary file renamed over
 * it, so that a run killed half-way leaves the old one or the new).  A
 * failure costs only a hash of the same files next time: no message.
 */
static void rewrite_manifest(const char *dir, const char *text, size_t len)
{
	char *tmp = bp_asprintf("%s/%s.tmp", dir, MANIFEST);
	char *path = bp_asprintf("%s/%s", dir, MANIFEST);

	unlink(tmp); /* left by a killed run */
	if (write_file(tmp, text, len) == -1 || rename(tmp, path) == -1)
		unlink(tmp);
	free(tmp);
	free(path);
}

/* NULL when the copy at dir is as its manifest says, else why not
 * (owned).  *bytes: the size of its files.  A file whose size or mtime
 * differs from the manifest's is hashed; when its content is the same
 * (a copy that did not keep mtimes, a touch), the manifest takes its
 * new mtime, so that the next use reads no file again.
 */
static char *check_copy(const char *dir, long long *bytes)
{
	char *mpath = bp_asprintf("%s/%s", dir, MANIFEST);
	FILE *fp = fopen(mpath, "re"), *out;
	char *line = NULL, *why = NULL, *text = NULL;
	size_t cap = 0, len = 0;
	bool stale = false;

	*bytes = 0;
	out = open_memstream(&text, &len);
	if (!out)
		abort();
	if (!fp || getline(&line, &cap, fp) == -1 ||
	    strcmp(line, MANIFEST_HEAD) != 0)
		why = bp_strdup("its manifest is missing or unreadable");
	fputs(MANIFEST_HEAD, out);
	while (!why && getline(&line, &cap, fp) != -1) {
		struct entry e;
		struct stat st;
		char *path, oid[41];

		if (!parse_entry(line, &e)) {
			why = bp_strdup("its manifest is damaged");
			break;
		}
		path = bp_asprintf("%s/%s", dir, e.path);
		if (lstat(path, &st) == -1)
			why = bp_asprintf("'%s' is missing", e.path);
		else if (e.kind == 'l' && !S_ISLNK(st.st_mode))
			why = bp_asprintf("'%s' was altered", e.path);
		else if (e.kind == 'f' && !S_ISREG(st.st_mode))
			why = bp_asprintf("'%s' was altered", e.path);
		else if (e.kind == 'f' &&
			 (st.st_size != e.size || st.st_mtim.tv_sec != e.sec ||
			  st.st_mtim.tv_nsec != e.nsec)) {
			if (walk_hash_file(oid, path) == -1 ||
			    strcmp(oid, e.oid) != 0)
				why = bp_asprintf("'%s' was altered", e.path);
			stale = true;
		}
		if (e.kind == 'l')
			fprintf(out, "l %s\n", e.path);
		else if (!why)
			fprintf(out, "f %s %lld %lld.%09ld %s\n", e.oid, e.size,
				(long long)st.st_mtim.tv_sec,
				(long)st.st_mtim.tv_nsec, e.path);
		*bytes += e.size;
		free(path);
	}
	if (fclose(out) != 0)
		abort();
	if (!why && stale)
		rewrite_manifest(dir, text, len);
	free(text);
	free(line);
	if (fp)
		fclose(fp);
	free(mpath);
	return why;
}

int artifacts_reuse(struct measurer *m, const char *commit, char **dir)
{
	char *d = bp_asprintf("%s/%s", m->art_root, commit), *why;
	struct stat st;
	long long bytes;

	*dir = NULL;
	if (m->build->force && !used_now(m, commit) &&
	    (!m->force_only || !strcmp(m->force_only, commit))) {
		free(d);
		return 0;
	}
	if (lstat(d, &st) == -1 || !S_ISDIR(st.st_mode)) {
		free(d);
		return 2;
	}
	why = check_copy(d, &bytes);
	if (why) {
		bp_warning("the artifacts of %.12s in '%s': %s; building it "
			   "again",
			   commit, d, why);
		free(why);
		free(d);
		return 0;
	}
	mark_used(m, commit, d);
	*dir = d;
	return 1;
}

/* Copy a regular file: a reflink where the filesystem has them, else
 * its bytes (copy_file_range, then read/write).  Never a hard link:
 * builds rewrite their outputs in place.
 */
static int copy_file(const char *src, const char *dst, mode_t mode)
{
	int in = open(src, O_RDONLY | O_CLOEXEC), out;
	char buf[65536];
	ssize_t n = 0;
	bool plain = false;

	if (in == -1)
		return -1;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		   (mode & 0755) | 0600);
	if (out == -1) {
		close(in);
		return -1;
	}
	if (ioctl(out, FICLONE, in) == -1) {
		while ((n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0)) >
		       0)
			;
		plain = n == -1 && (errno == EXDEV || errno == ENOSYS ||
				    errno == EINVAL || errno == EOPNOTSUPP);
	}
	while (plain && (n = read(in, buf, sizeof buf)) > 0) {
		ssize_t w = write(out, buf, (size_t)n);

		if (w != n) {
			if (w >= 0)
				errno = EIO; /* short, with no error */
			n = -1;
			break;
		}
	}
	close(in);
	if (close(out) == -1 || n == -1)
		return -1;
	return 0;
}

struct capture {
	FILE *manifest;
	const char *to;	  /* the copy's top */
	const char *root; /* the worktree, all links resolved */
	long long bytes;
	size_t files;
	int depth; /* directories followed through links */
};

/* Whether path (resolved) is root or below it. */
static bool below(const char *root, const char *path)
{
	size_t l = strlen(root);

	return !strncmp(path, root, l) && (path[l] == '/' || !path[l]);
}

static int capture_one(struct capture *c, const char *src, const char *rel);

static int capture_dir(struct capture *c, const char *src, const char *rel)
{
	char *dst = bp_asprintf("%s/%s", c->to, rel);
	DIR *d;
	struct dirent *e;
	int r = 0;

	if (mkdir(dst, 0700) == -1 && errno != EEXIST) {
		free(dst);
		return -1;
	}
	free(dst);
	d = opendir(src);
	if (!d)
		return -1;
	while (r == 0 && (e = readdir(d))) {
		char *s, *sub;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, ".git"))
			continue;
		s = bp_asprintf("%s/%s", src, e->d_name);
		sub = bp_asprintf("%s/%s", rel, e->d_name);
		if (!strchr(e->d_name, '\n'))
			r = capture_one(c, s, sub);
		free(s);
		free(sub);
	}
	closedir(d);
	return r;
}

/* Whether a link to a directory is copied as that directory: when it
 * leads into the worktree, but not to a directory it is in (a kernel's
 * modules/build names the whole tree), which stays a link.
 */
static bool link_to_copy(const struct capture *c, const char *src)
{
	char *to = realpath(src, NULL), *from = bp_strdup(src);
	char *slash = strrchr(from, '/'), *parent;
	bool copy;

	if (slash)
		*slash = '\0';
	parent = realpath(slash ? from : ".", NULL);
	copy = to && parent && below(c->root, to) && !below(to, parent);
	free(to);
	free(from);
	free(parent);
	return copy;
}

/* src into the copy as rel: a file (a link to a file is followed:
 * the copy must not read the worktree), a directory, or a link to
 * anything else kept as a link (a kernel's modules/build names its
 * source tree).
 */
static int capture_one(struct capture *c, const char *src, const char *rel)
{
	struct stat lst, st;
	char *dst;
	int r = 0;

	if (lstat(src, &lst) == -1)
		return errno == ENOENT ? 0 : -1;
	if (S_ISDIR(lst.st_mode))
		return capture_dir(c, src, rel);
	dst = bp_asprintf("%s/%s", c->to, rel);
	if (S_ISREG(lst.st_mode) ||
	    (S_ISLNK(lst.st_mode) && stat(src, &st) == 0 &&
	     S_ISREG(st.st_mode))) {
		char oid[41];
		struct stat got;

		if (copy_file(src, dst,
			      S_ISREG(lst.st_mode) ? lst.st_mode
						   : st.st_mode) == -1 ||
		    stat(dst, &got) == -1 || walk_hash_file(oid, dst) == -1)
			r = -1;
		else {
			fprintf(c->manifest, "f %s %lld %lld.%09ld %s\n", oid,
				(long long)got.st_size,
				(long long)got.st_mtim.tv_sec,
				got.st_mtim.tv_nsec, rel);
			c->bytes += got.st_size;
			c->files++;
		}
	} else if (S_ISLNK(lst.st_mode) && stat(src, &st) == 0 &&
		   S_ISDIR(st.st_mode) && link_to_copy(c, src)) {
		/* a directory of the worktree: copied, else a boot would
		 * read what the worktree holds then
		 */
		if (++c->depth > 32) {
			errno = ELOOP;
			r = -1;
		} else
			r = capture_dir(c, src, rel);
		c->depth--;
	} else if (S_ISLNK(lst.st_mode)) {
		char target[4096];
		ssize_t n = readlink(src, target, sizeof target - 1);

		if (n >= 0) {
			target[n] = '\0';
			r = symlink(target, dst);
			if (r == 0)
				fprintf(c->manifest, "l %s\n", rel);
		}
	}
	free(dst);
	return r;
}

/* Remove the copy at dir (commit's, in root): renamed first to a name
 * the sweep removes, so that no half copy is ever under its own name.
 * 0 also when there is none; -1 with errno.
 */
static int retire(const char *dir, const char *root, const char *commit)
{
	char *old = bp_asprintf("%s/.%s.old.tmp", root, commit);
	int r = bp_remove_tree(old);

	if (r == 0 && rename(dir, old) == -1)
		r = errno == ENOENT ? 0 : -1;
	else if (r == 0)
		r = bp_remove_tree(old);
	free(old);
	return r;
}

/* A new file at path with len bytes of text: 0, or -1 with errno. */
static int write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int err;

	if (fd == -1)
		return -1;
	while (len > 0) {
		ssize_t n = write(fd, text, len);

		if (n <= 0) {
			err = n == 0 ? EIO : errno;
			close(fd);
			errno = err;
			return -1;
		}
		text += n;
		len -= (size_t)n;
	}
	return close(fd);
}

/* The parent directories of rel in the copy. */
static int make_parents(const char *to, const char *rel)
{
	char *p = bp_asprintf("%s/%s", to, rel), *s = p + strlen(to) + 1;
	int r = 0;

	while (r == 0 && (s = strchr(s, '/'))) {
		*s = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST)
			r = -1;
		*s++ = '/';
	}
	free(p);
	return r;
}

int artifacts_capture(struct measurer *m, const char *wt, const char *commit,
		      char **dir)
{
	char *tmp = bp_asprintf("%s/.%s.tmp", m->art_root, commit);
	char *d = bp_asprintf("%s/%s", m->art_root, commit);
	char *mpath = bp_asprintf("%s/%s", tmp, MANIFEST);
	struct capture c = {.to = tmp};
	double t0 = now_monotonic();
	char *text = NULL, *root;
	size_t len = 0;
	int r = 0;

	*dir = NULL;
	if ((mkdir(m->art_top, 0700) == -1 && errno != EEXIST) ||
	    (mkdir(m->art_root, 0700) == -1 && errno != EEXIST) ||
	    bp_remove_tree(tmp) == -1 || mkdir(tmp, 0700) == -1)
		r = -1;
	c.manifest = open_memstream(&text, &len);
	if (!c.manifest)
		abort();
	fputs(MANIFEST_HEAD, c.manifest);
	c.root = root = realpath(wt, NULL);
	if (!root)
		r = -1;
	for (size_t i = 0; r == 0 && i < m->n_art_paths; i++) {
		char *src = bp_asprintf("%s/%s", wt, m->art_paths[i]);
		char *up = bp_strdup(src), *real;

		/* a link on the way must not lead out of the worktree */
		*strrchr(up, '/') = '\0';
		real = realpath(up, NULL);
		if (real && !below(root, real))
			bp_warning("'%s' of %.12s leads out of its worktree "
				   "(to '%s'): not captured",
				   m->art_paths[i], commit, real);
		else if (real)
			r = make_parents(tmp, m->art_paths[i]);
		if (real && below(root, real) && r == 0)
			r = capture_one(&c, src, m->art_paths[i]);
		free(real);
		free(up);
		free(src);
	}
	free(root);
	if (fclose(c.manifest) != 0)
		abort();
	if (r == 0)
		r = write_file(mpath, text, len);
	free(text);
	/* the old copy out of the way first, whole: a kill -9 leaves the
	 * old copy, the new one or none, and the sweep the rest
	 */
	if (r == 0 &&
	    (retire(d, m->art_root, commit) == -1 || rename(tmp, d) == -1))
		r = -1;
	if (r == -1) {
		int err = errno;

		bp_error("cannot keep the artifacts of %.12s in '%s': %s%s",
			 commit, m->art_root, strerror(err),
			 err == ENOSPC || err == EDQUOT
			     ? "; free space there, or lower --artifacts-max"
			     : "");
		bp_remove_tree(tmp);
	} else {
		m->art.captured++;
		m->art.capture_s += now_monotonic() - t0;
		m->art.bytes += c.bytes;
		mark_used(m, commit, d);
		*dir = d;
		d = NULL;
	}
	free(mpath);
	free(tmp);
	free(d);
	if (r == 0)
		artifacts_evict(m);
	return r == 0 ? BP_EXIT_OK : BP_EXIT_STORE;
}

/* 1.5 GiB, 300 MiB, 12 KiB, 20 bytes */
static const char *format_bytes(char *buf, size_t len, long long n)
{
	static const char *const unit[] = {"KiB", "MiB", "GiB", "TiB"};
	double v = (double)n;
	int u = -1;

	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%lld bytes", n);
	else
		snprintf(buf, len, v < 10 ? "%.1f %s" : "%.0f %s", v, unit[u]);
	return buf;
}

struct copy_info {
	char *dir;
	char *root; /* its build id's directory */
	char *commit;
	bool ours; /* of this build id */
	long long bytes;
	struct timespec used;
};

static int by_use(const void *a, const void *b)
{
	const struct copy_info *x = a, *y = b;

	if (x->used.tv_sec != y->used.tv_sec)
		return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
	if (x->used.tv_nsec != y->used.tv_nsec)
		return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
	return strcmp(x->dir, y->dir);
}

/* The bytes of a copy's files, as its manifest gives them. */
static long long copy_bytes(const char *dir)
{
	char *mpath = bp_asprintf("%s/%s", dir, MANIFEST);
	FILE *fp = fopen(mpath, "re");
	char *line = NULL;
	size_t cap = 0;
	long long bytes = 0;
	struct entry e;

	while (fp && getline(&line, &cap, fp) != -1)
		if (parse_entry(line, &e))
			bytes += e.size;
	free(line);
	if (fp)
		fclose(fp);
	free(mpath);
	return bytes;
}

/* Every copy in the store, any build id. */
static size_t list_copies(const struct measurer *m, struct copy_info **out)
{
	DIR *top = opendir(m->art_top);
	struct dirent *b;
	struct copy_info *v = NULL;
	size_t n = 0;

	while (top && (b = readdir(top))) {
		char *bdir;
		DIR *d;
		struct dirent *e;

		if (b->d_name[0] == '.')
			continue;
		bdir = bp_asprintf("%s/%s", m->art_top, b->d_name);
		d = opendir(bdir);
		while (d && (e = readdir(d))) {
			struct copy_info ci = {0};
			struct stat st;

			if (!is_commit_name(e->d_name))
				continue;
			ci.dir = bp_asprintf("%s/%s", bdir, e->d_name);
			if (lstat(ci.dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
				free(ci.dir);
				continue;
			}
			ci.commit = bp_strdup(e->d_name);
			ci.root = bp_strdup(bdir);
			ci.ours = !strcmp(bdir + strlen(m->art_top) + 1,
					  m->art_root + strlen(m->art_top) + 1);
			ci.used = st.st_mtim;
			ci.bytes = copy_bytes(ci.dir);
			v = realloc(v, (n + 1) * sizeof *v);
			if (!v)
				abort();
			v[n++] = ci;
		}
		if (d)
			closedir(d);
		free(bdir);
	}
	if (top)
		closedir(top);
	if (n)
		qsort(v, n, sizeof *v, by_use);
	*out = v;
	return n;
}

void artifacts_evict(struct measurer *m)
{
	struct copy_info *v;
	size_t n = list_copies(m, &v);
	long long total = 0, max = m->build->artifacts_max;

	for (size_t i = 0; i < n; i++)
		total += v[i].bytes;
	for (size_t i = 0; i < n && total > max; i++) {
		/* never what this run has used: it may come back to it */
		if (v[i].ours && used_now(m, v[i].commit))
			continue;
		if (retire(v[i].dir, v[i].root, v[i].commit) == 0) {
			total -= v[i].bytes;
			m->art.evicted++;
		}
	}
	if (total > max && !m->over_max_said) {
		char t[32], x[32];

		bp_warning("the artifact store holds %s, more than "
			   "--artifacts-max %s: the copies this run uses are "
			   "kept until another run needs the room",
			   format_bytes(t, sizeof t, total),
			   format_bytes(x, sizeof x, max));
		m->over_max_said = true;
	}
	for (size_t i = 0; i < n; i++) {
		free(v[i].dir);
		free(v[i].root);
		free(v[i].commit);
	}
	free(v);
}
