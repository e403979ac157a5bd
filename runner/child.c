/* bootperf - measuring children: fork, time out, kill the whole group.
 *
 * A sample runs in a child that leads its own process group; everything
 * it starts (supermin, qemu, libguestfs's recovery process, a build
 * script) inherits the group, so one kill(-pgid) removes all of it.
 * What left the group (setsid, a daemon's double fork) is caught
 * another way: bootperf is a child subreaper, so every orphan of the
 * child is reparented to bootperf, which kills and reaps its children
 * each time a measuring child has ended.
 * SIGINT and SIGTERM are blocked outside ppoll(), so a stop request is
 * never lost between the check and the wait.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

static volatile sig_atomic_t stop_signal;
static long child_maxrss_kb;

static void on_stop(int sig)
{
	stop_signal = sig;
}

void runner_signals_init(void)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

bool runner_interrupted(void)
{
	sigset_t pending;

	/* Signals are blocked outside ppoll: look at the pending set too. */
	if (!stop_signal && sigpending(&pending) == 0) {
		if (sigismember(&pending, SIGINT))
			stop_signal = SIGINT;
		else if (sigismember(&pending, SIGTERM))
			stop_signal = SIGTERM;
		else if (sigismember(&pending, SIGHUP))
			stop_signal = SIGHUP;
	}
	return stop_signal != 0;
}

int runner_interrupt_signal(void)
{
	return stop_signal;
}

/* bootperf's own peak memory: this process or a measuring child, which
 * holds the libguestfs handle; qemu and supermin are not counted.
 */
long runner_maxrss_kb(void)
{
	struct rusage ru;
	long self = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;

	return self > child_maxrss_kb ? self : child_maxrss_kb;
}

/* Orphans of a measuring child come to this process, not to init (not
 * inherited by the children, which fork their own).
 */
static void become_subreaper(void)
{
	static bool done;

	if (!done)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	done = true;
}

/* The parent of process pid (a /proc name), or -1. */
static pid_t parent_of(const char *pid)
{
	char path[64], buf[512];
	const char *p;
	ssize_t n;
	long ppid;
	int fd;

	snprintf(path, sizeof path, "/proc/%s/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* "PID (COMM) STATE PPID ...", and COMM may hold ") ". */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %ld", &ppid) != 1)
		return -1;
	return (pid_t)ppid;
}

static void kill_and_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		;
}

/* One pass over /proc: every child of this process killed and reaped.
 * Returns how many there were.
 */
static size_t reap_children_scan(void)
{
	pid_t self = getpid();
	DIR *d = opendir("/proc");
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end || pid <= 0 || parent_of(e->d_name) != self)
			continue;
		kill_and_reap((pid_t)pid);
		n++;
	}
	closedir(d);
	return n;
}

/* The same from the kernel's list of this thread's children (one small
 * read instead of a stat of every process on the host), or the scan
 * where the kernel has no such list (CONFIG_PROC_CHILDREN).
 */
static size_t reap_children(void)
{
	char path[64], buf[4096], *p, *end;
	size_t n = 0;
	ssize_t got;
	int fd;

	snprintf(path, sizeof path, "/proc/self/task/%ld/children",
		 (long)getpid());
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return reap_children_scan();
	got = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (got < 0)
		return reap_children_scan();
	buf[got] = '\0';
	/* A list longer than buf: its last pid may be cut short, so it
	 * stops at the last blank; the rest is found by the next pass.
	 */
	if ((size_t)got == sizeof buf - 1 && (p = strrchr(buf, ' ')))
		*p = '\0';
	for (p = buf;; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p || pid <= 0)
			break;
		kill_and_reap((pid_t)pid);
		n++;
	}
	return n;
}

/* After a measuring child has been reaped: whatever it started that is
 * still running has no parent left in the child's tree but this process
 * (the subreaper), directly or through processes that are.  bootperf
 * runs one child at a time and has reaped it, so any child it has now
 * is such a stray.  Reaping one reparents its own children here before
 * waitpid returns, so passes until one finds none kill the whole tree.
 */
static void reap_strays(void)
{
	for (int pass = 0; pass < 10000 && reap_children() > 0; pass++)
		;
}

static void kill_own_group(int sig)
{
	(void)sig;
	kill(0, SIGKILL);
	_exit(128 + SIGKILL);
}

/* The child: own group, default signals.  When bootperf dies, even by
 * kill -9, the child gets SIGTERM and takes its whole group with it, so
 * no build, command or qemu outlives bootperf.
 */
static void child_setup(pid_t parent)
{
	struct sigaction sa;
	sigset_t set;

	setpgid(0, 0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = kill_own_group;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		kill_own_group(SIGTERM);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
}

struct outcome {
	int ok;
	double ms;
	long maxrss_kb; /* the measuring child's own, not qemu's */
	char msg[512];
};

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t r = write(fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		p += r;
		len -= (size_t)r;
	}
}

static void child_main(int wfd, child_fn fn, void *arg)
{
	struct outcome o;
	struct rusage ru;

	memset(&o, 0, sizeof o);
	o.ok = fn(arg, &o.ms, o.msg, sizeof o.msg) == 0;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		o.maxrss_kb = ru.ru_maxrss;
	write_all(wfd, &o, sizeof o);
	close(wfd);
	_exit(0);
}

/* Wait for the child's report until the deadline or a stop signal.
 * Returns the bytes read, 0 at EOF, -1 on timeout, -2 on a stop signal.
 */
static ssize_t wait_report(int rfd, double deadline, struct outcome *o)
{
	size_t got = 0;
	sigset_t unblocked;
	struct pollfd pfd = {.fd = rfd, .events = POLLIN};

	sigemptyset(&unblocked);
	while (got < sizeof *o) {
		double left = deadline - now_monotonic();
		struct timespec ts;
		ssize_t r;

		if (runner_interrupted())
			return -2;
		if (left <= 0)
			return -1;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		r = ppoll(&pfd, 1, &ts, &unblocked);
		if (r < 0 && errno != EINTR)
			return 0;
		if (r <= 0)
			continue;
		r = read(rfd, (char *)o + got, sizeof *o - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return (ssize_t)got;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static void kill_group(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
}

static enum sample_status classify(ssize_t got, int wstatus,
				   const struct outcome *o, char *msg,
				   size_t msglen)
{
	if (got == -2) {
		snprintf(msg, msglen, "interrupted by signal %d",
			 runner_interrupt_signal());
		return SAMPLE_INTERRUPTED;
	}
	if (got == -1)
		return SAMPLE_TIMEOUT;
	/* A child exits 0 after its report; anything else is its own
	 * failure (valgrind's --error-exitcode after a leak, say).
	 */
	if (got == (ssize_t)sizeof *o && WIFEXITED(wstatus) &&
	    WEXITSTATUS(wstatus) != 0) {
		snprintf(msg, msglen,
			 "measuring process exited with status %d after its "
			 "report",
			 WEXITSTATUS(wstatus));
		return SAMPLE_CRASHED;
	}
	if (got == (ssize_t)sizeof *o) {
		snprintf(msg, msglen, "%s", o->msg);
		return o->ok ? SAMPLE_OK : SAMPLE_FAILED;
	}
	if (WIFSIGNALED(wstatus))
		snprintf(msg, msglen, "measuring process killed by signal %d",
			 WTERMSIG(wstatus));
	else
		snprintf(msg, msglen, "measuring process exited with status %d",
			 WEXITSTATUS(wstatus));
	return SAMPLE_CRASHED;
}

/* A child that has reported exits at once: let it, up to the deadline
 * or a stop signal, so that what it checks on its way out counts
 * (valgrind's leak check of the child), without reaping it, so that its
 * group id stays reserved for kill_group.
 */
static void wait_exit(pid_t pid, double deadline)
{
	const struct timespec pause = {.tv_nsec = 1000000};
	siginfo_t info;

	while (now_monotonic() < deadline && !runner_interrupted()) {
		memset(&info, 0, sizeof info);
		if (waitid(P_PID, (id_t)pid, &info,
			   WEXITED | WNOHANG | WNOWAIT) == -1 &&
		    errno != EINTR)
			return;
		if (info.si_pid == pid)
			return;
		nanosleep(&pause, NULL);
	}
}

enum sample_status child_measure(child_fn fn, void *arg, double timeout_s,
				 double *ms, char *msg, size_t msglen)
{
	int fds[2];
	pid_t parent = getpid(), pid;
	double deadline;
	struct outcome o;
	ssize_t got;
	int wstatus = 0;
	enum sample_status st;

	msg[0] = '\0';
	become_subreaper();
	if (pipe2(fds, O_CLOEXEC) == -1) {
		snprintf(msg, msglen, "pipe: %s", strerror(errno));
		return SAMPLE_ERROR;
	}
	fflush(NULL);
	pid = fork();
	if (pid == -1) {
		snprintf(msg, msglen, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return SAMPLE_ERROR;
	}
	if (pid == 0) {
		close(fds[0]);
		child_setup(parent);
		child_main(fds[1], fn, arg);
	}
	setpgid(pid, pid); /* also here: no window where a kill misses */
	close(fds[1]);
	memset(&o, 0, sizeof o);
	deadline = now_monotonic() + timeout_s;
	got = wait_report(fds[0], deadline, &o);
	close(fds[0]);
	if (got == (ssize_t)sizeof o)
		wait_exit(pid, deadline);
	/* Kill before reaping, while the group id is still reserved by the
	 * child: whatever it left behind (a recovery process, a qemu that
	 * outlived a crash) goes with the group.
	 */
	kill_group(pid);
	while (waitpid(pid, &wstatus, 0) == -1 && errno == EINTR)
		;
	reap_strays();
	st = classify(got, wstatus, &o, msg, msglen);
	if (got == (ssize_t)sizeof o && o.maxrss_kb > child_maxrss_kb)
		child_maxrss_kb = o.maxrss_kb;
	if (st == SAMPLE_TIMEOUT)
		snprintf(msg, msglen, "no result within %g s; killed",
			 timeout_s);
	*ms = st == SAMPLE_OK ? o.ms : NAN;
	return st;
}

/* Run argv (no shell) and capture the first line of its output. */
static void capture_child(char *const argv[], int wfd)
{
	dup2(wfd, STDOUT_FILENO);
	dup2(wfd, STDERR_FILENO);
	execvp(argv[0], argv);
	_exit(127);
}

int run_argv_capture(char *const argv[], double timeout_s, char *out,
		     size_t outlen)
{
	int fds[2];
	pid_t pid, parent;
	size_t got = 0;
	int wstatus = 0;
	double deadline = now_monotonic() + timeout_s;

	out[0] = '\0';
	become_subreaper();
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	parent = getpid();
	pid = fork();
	if (pid == -1) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		child_setup(parent);
		capture_child(argv, fds[1]);
	}
	setpgid(pid, pid);
	close(fds[1]);
	for (;;) {
		struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
		int left = (int)((deadline - now_monotonic()) * 1000);
		ssize_t r;

		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			break;
		r = read(fds[0], out + got, outlen - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
		if (got >= outlen - 1)
			break;
	}
	out[got] = '\0';
	out[strcspn(out, "\n")] = '\0';
	close(fds[0]);
	kill_group(pid);
	while (waitpid(pid, &wstatus, 0) == -1 && errno == EINTR)
		;
	reap_strays();
	return WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0 ? 0 : -1;
}

/* What a child's wait status says, in words: "build exited with status
 * 2", "command killed by signal 9", "build: command not found (exit 127)".
 */
void describe_exit(char *msg, size_t len, const char *what, int wstatus)
{
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 127)
		snprintf(msg, len, "%s: command not found (exit 127)", what);
	else if (WIFEXITED(wstatus))
		snprintf(msg, len, "%s exited with status %d", what,
			 WEXITSTATUS(wstatus));
	else
		snprintf(msg, len, "%s killed by signal %d", what,
			 WTERMSIG(wstatus));
}
