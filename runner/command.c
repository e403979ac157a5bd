/* bootperf - the command runner: time any command the way boots are
 * timed (warm-up, passes, the same statistics).  {hv} and {worktree}
 * become quoted references to environment variables, so a path with
 * shell metacharacters stays one word and is never parsed as code.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

struct placeholder {
	const char *key, *var;
};

static const struct placeholder placeholders[] = {
    {"{hv}", "\"$BOOTPERF_HV\""},
    {"{worktree}", "\"$BOOTPERF_WORKTREE\""},
};

static const struct placeholder *placeholder_at(const char *p)
{
	for (size_t i = 0; i < sizeof placeholders / sizeof placeholders[0];
	     i++)
		if (!strncmp(p, placeholders[i].key,
			     strlen(placeholders[i].key)))
			return &placeholders[i];
	return NULL;
}

/* Replace {hv} and {worktree}; other text is the user's own shell code. */
char *command_expand(const char *cmd)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (!fp) {
		bp_error("out of memory");
		abort();
	}
	while (*cmd) {
		const struct placeholder *ph = placeholder_at(cmd);

		if (ph) {
			fputs(ph->var, fp);
			cmd += strlen(ph->key);
		} else
			fputc(*cmd++, fp);
	}
	if (fclose(fp) != 0) {
		bp_error("out of memory");
		abort();
	}
	return buf;
}

static int command_sample(struct runner_ctx *ctx, double *ms, char *msg,
			  size_t msglen)
{
	const struct run_options *o = ctx->opts;
	char *script = command_expand(o->command);
	double t0 = now_monotonic();
	int wstatus = 0;
	pid_t pid;

	if (ctx->env->hv)
		setenv("BOOTPERF_HV", ctx->env->hv, 1);
	setenv("BOOTPERF_WORKTREE", o->worktree ? o->worktree : ".", 1);
	pid = fork();
	if (pid == 0) {
		/* Standard output is bootperf's report (one JSON document
		 * with --json): what the command prints goes to stderr, as
		 * the appliance's console does, or nowhere.
		 */
		if (o->verbose ? dup2(STDERR_FILENO, STDOUT_FILENO) < 0
			       : !freopen("/dev/null", "w", stdout))
			_exit(126);
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	free(script);
	if (pid == -1 || waitpid(pid, &wstatus, 0) == -1) {
		snprintf(msg, msglen, "cannot run command: %s",
			 strerror(errno));
		return -1;
	}
	*ms = (now_monotonic() - t0) * 1000.0;
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
		return 0;
	describe_exit(msg, msglen, "command", wstatus);
	return -1;
}

/* Builtins and keywords of POSIX sh (and dash): never on PATH. */
static bool command_is_shell_word(const char *w)
{
	static const char *const words[] = {
	    ".",	":",	   "[",	       "alias",	 "bg",	    "break",
	    "cd",	"command", "continue", "echo",	 "eval",    "exec",
	    "exit",	"export",  "false",    "fg",	 "getopts", "hash",
	    "jobs",	"kill",	   "local",    "printf", "pwd",	    "read",
	    "readonly", "return",  "set",      "shift",	 "test",    "times",
	    "trap",	"true",	   "type",     "ulimit", "umask",   "unalias",
	    "unset",	"wait",	   "!",	       "{",	 "}",	    "case",
	    "for",	"if",	   "until",    "while",	 "time",    "function",
	};

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (!strcmp(w, words[i]))
			return true;
	return false;
}

/* As sh looks a command up: PATH, or /usr/bin:/bin when it is unset. */
static bool on_path(const char *name)
{
	const char *path = getenv("PATH");

	return runner_in_path(name, path && *path ? path : "/usr/bin:/bin");
}

int command_check_program(const char *command)
{
	size_t skip = strspn(command, " \t\n");
	size_t len = strcspn(command + skip, " \t\n;&|<>()");
	char *word = bp_asprintf("%.*s", (int)len, command + skip);
	int r = BP_EXIT_OK;

	/* Quotes, expansions, globs, assignments and paths ({worktree}/x)
	 * are the shell's to resolve: only a plain word is looked up.
	 */
	if (*word && !strpbrk(word, "\"'`$\\{}*?[]~=/%#") &&
	    !command_is_shell_word(word) && !on_path(word)) {
		bp_error("--command: '%s' was not found on PATH: install it or "
			 "correct the command (one of the tree's own is "
			 "'{worktree}/PATH')",
			 word);
		r = BP_EXIT_BUILD_CMD;
	}
	free(word);
	return r;
}

static int command_prepare(struct runner_ctx *ctx)
{
	const struct run_options *o = ctx->opts;
	struct bench_env *env = ctx->env;

	if (!o->command) {
		bp_error("--runner command needs --command CMD");
		return BP_EXIT_USAGE;
	}
	if (o->hv && env_check_executable("--hv", o->hv) == -1)
		return BP_EXIT_NOFILE;
	env->runner = bp_strdup("command");
	env->command = bp_strdup(o->command);
	env->hv = o->hv ? realpath(o->hv, NULL) : NULL;
	if (env->hv)
		env->hv_version = env_hv_version(env->hv, 30);
	env->accel = bp_strdup("none");
	ctx->accel = ACCEL_TCG;
	return BP_EXIT_OK;
}

const struct runner runner_command = {
    .name = "command",
    .prepare = command_prepare,
    .sample = command_sample,
};

const struct runner *runner_find(const char *name)
{
	static const struct runner *const all[] = {
	    &runner_guestfs,
	    &runner_command,
	};

	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (!strcmp(all[i]->name, name))
			return all[i];
	return NULL;
}
