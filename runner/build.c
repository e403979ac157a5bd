/* bootperf - build one commit in its worktree, output to a log file,
 * killed with everything it started at --build-timeout or on SIGINT.
 * The build command is the user's (--build or a preset), never text
 * taken from the repository.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

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

static int build_in_child(void *arg, double *seconds, char *msg, size_t len)
{
	const struct build_options *o = arg;
	double t0 = now_monotonic();
	int wstatus = 0, fd;
	pid_t pid;

	fd = open(o->log_path,
		  O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		snprintf(msg, len, "cannot write build log '%s': %s",
			 o->log_path, strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0)
		build_exec(o, fd);
	close(fd);
	if (pid == -1 || waitpid(pid, &wstatus, 0) == -1) {
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
