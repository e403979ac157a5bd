/* bootperf - build one commit in its worktree, output to a log file,
 * killed with everything it started at --build-timeout or on SIGINT.
 * The build command is the user's (--build or a preset), never text
 * taken from the repository.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

/* The most of a build's output its log keeps (the end of it). */
#define BUILD_LOG_CAP (8 << 20)

static void build_exec(const struct build_options *o, int log_fd)
{
	int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (chdir(o->worktree) == -1 || null_fd == -1)
		_exit(126);
	dup2(null_fd, STDIN_FILENO);
	dup2(log_fd, STDOUT_FILENO);
	dup2(log_fd, STDERR_FILENO);
	for (const char *const *e = o->env; e && *e; e++) {
		size_t n = strcspn(*e, "=");
		char *name = bp_asprintf("%.*s", (int)n, *e);

		if ((*e)[n] != '=' || setenv(name, *e + n + 1, 1) == -1)
			_exit(126);
		free(name);
	}
	execl("/bin/sh", "sh", "-c", o->command, (char *)NULL);
	_exit(127);
}

/* The build's output goes through a pipe into its log, which keeps the
 * tail: a build that prints without end fills no disk.  Past twice the
 * cap the log is cut to its last BUILD_LOG_CAP bytes, after one line
 * that says how much was cut.
 */
struct build_log {
	int fd;
	size_t size;   /* bytes in the file, the line about the cut included */
	size_t cut;    /* bytes of output cut so far */
	size_t marker; /* length of that line */
};

static void build_log_compact(struct build_log *l)
{
	size_t keep = BUILD_LOG_CAP, have = l->size - l->marker;
	char *tail = malloc(keep);
	char line[128];
	int n;

	if (!tail || pread(l->fd, tail, keep, (off_t)(l->size - keep)) !=
			 (ssize_t)keep) {
		free(tail);
		return; /* the log just grows: what it says is kept */
	}
	l->cut += have - keep;
	n = snprintf(line, sizeof line,
		     "[bootperf: %zu bytes of build output cut here; the log "
		     "keeps the last %zu]\n",
		     l->cut, keep);
	if (ftruncate(l->fd, 0) == 0 &&
	    pwrite(l->fd, line, (size_t)n, 0) == n &&
	    pwrite(l->fd, tail, keep, n) == (ssize_t)keep) {
		l->marker = (size_t)n;
		l->size = (size_t)n + keep;
	}
	free(tail);
}

static void build_log_add(struct build_log *l, const char *buf, size_t n)
{
	if (pwrite(l->fd, buf, n, (off_t)l->size) != (ssize_t)n)
		return; /* a full disk: the build goes on, its log ends */
	l->size += n;
	if (l->size - l->marker > 2 * (size_t)BUILD_LOG_CAP)
		build_log_compact(l);
}

/* Copy what the pipe holds into the log: 0 at its end, 1 when more may
 * come, -1 when nothing is there now (non-blocking).
 */
static int build_log_pump(struct build_log *l, int in)
{
	char buf[65536];
	ssize_t n = read(in, buf, sizeof buf);

	if (n > 0)
		build_log_add(l, buf, (size_t)n);
	if (n < 0 && errno == EINTR)
		return 1;
	return n > 0 ? 1 : n == 0 ? 0 : -1;
}

/* Until the build exits (what it left running may hold the pipe open):
 * then what is in the pipe, without waiting for more.
 */
static int build_wait(pid_t pid, int in, struct build_log *l, int *wstatus)
{
	struct pollfd p = {.fd = in, .events = POLLIN};
	bool open_end = true;
	pid_t done = 0;

	while (done == 0) {
		if (open_end && poll(&p, 1, 100) > 0)
			open_end = build_log_pump(l, in) != 0;
		else if (!open_end)
			done = waitpid(pid, wstatus, 0);
		if (open_end)
			done = waitpid(pid, wstatus, WNOHANG);
		if (done == -1 && errno == EINTR)
			done = 0;
	}
	if (fcntl(in, F_SETFL, O_NONBLOCK) == 0)
		for (int i = 0; open_end && i < 1024; i++)
			open_end = build_log_pump(l, in) > 0;
	if (l->size - l->marker > (size_t)BUILD_LOG_CAP)
		build_log_compact(l);
	return done == -1 ? -1 : 0;
}

static int build_in_child(void *arg, double *seconds, char *msg, size_t len)
{
	const struct build_options *o = arg;
	struct build_log log = {.fd = -1};
	double t0 = now_monotonic();
	int wstatus = 0, p[2] = {-1, -1}, r;
	pid_t pid;

	log.fd =
	    open(o->log_path,
		 O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (log.fd == -1) {
		snprintf(msg, len, "cannot write build log '%s': %s",
			 o->log_path, strerror(errno));
		return -1;
	}
	pid = pipe2(p, O_CLOEXEC) == 0 ? fork() : -1;
	if (pid == 0)
		build_exec(o, p[1]);
	if (p[1] >= 0)
		close(p[1]);
	r = pid == -1 ? -1 : build_wait(pid, p[0], &log, &wstatus);
	if (p[0] >= 0)
		close(p[0]);
	close(log.fd);
	if (r == -1) {
		snprintf(msg, len, "cannot run the build: %s", strerror(errno));
		return -1;
	}
	*seconds = now_monotonic() - t0;
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
		return 0;
	describe_exit(msg, len, "build", wstatus);
	return -1;
}

enum sample_status runner_build(const struct build_options *o, double *seconds,
				char *msg, size_t len)
{
	struct build_options copy = *o;
	enum sample_status st;

	st = child_measure(build_in_child, &copy, o->timeout_s, seconds, msg,
			   len);
	if (st == SAMPLE_TIMEOUT)
		snprintf(msg, len, "build did not finish within %g s; killed",
			 o->timeout_s);
	return st;
}

void runner_build_diagnose(struct build_diagnosis *d, const char *log_path,
			   const char *msg)
{
	char *log = runner_build_log_tail(log_path);

	d->command[0] = '\0';
	/* A command on PATH that is not there fails every commit alike; a
	 * script of the tree's own ("./build.sh") may come in a later
	 * commit.
	 */
	d->command_missing =
	    strstr(msg, "command not found (exit 127)") &&
	    (!builddeps_missing_command(log, d->command, sizeof d->command) ||
	     !strchr(d->command, '/'));
	builddeps_from_log(log, d->packages, sizeof d->packages);
	free(log);
}
