/* bootperf - where a result was measured: host, CPU, qemu version. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "runner.h"

static char *cpu_model(void)
{
	FILE *fp = fopen("/proc/cpuinfo", "r");
	char line[512];
	char *model = NULL;

	if (!fp)
		return bp_strdup("unknown");
	while (!model && fgets(line, sizeof line, fp)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) != 0 || !colon)
			continue;
		colon += 1 + strspn(colon + 1, " \t");
		colon[strcspn(colon, "\n")] = '\0';
		model = bp_strdup(colon);
	}
	fclose(fp);
	return model ? model : bp_strdup("unknown");
}

void env_fill_host(struct bench_env *env)
{
	struct utsname u;

	env->bootperf_version = bp_strdup(BOOTPERF_VERSION);
	if (uname(&u) == 0) {
		env->host_name = bp_strdup(u.nodename);
		env->host_version = bp_asprintf(
		    "%s %s %s %s", u.sysname, u.release, u.version, u.machine);
	} else {
		env->host_name = bp_strdup("unknown");
		env->host_version = bp_strdup("unknown");
	}
	env->host_cpu = cpu_model();
}

char *env_hv_version(const char *hv, double timeout_s)
{
	char out[512], version_flag[] = "-version";
	char *argv[] = {bp_strdup(hv), version_flag, NULL};
	int r = run_argv_capture(argv, timeout_s, out, sizeof out);

	free(argv[0]);
	return bp_strdup(r == -1 || !out[0] ? "unknown" : out);
}

/* An x86 bzImage names its release in the setup header: a 16-bit
 * pointer at 0x20e to a string at that offset + 0x200.  Returns the
 * first word ("6.1.0-56-amd64"), or NULL for anything else.
 */
char *env_kernel_version(const char *path)
{
	FILE *fp = fopen(path, "rb");
	unsigned char ptr[2];
	char buf[128] = "";
	long off;

	if (!fp)
		return NULL;
	if (fseek(fp, 0x20e, SEEK_SET) == 0 && fread(ptr, 1, 2, fp) == 2) {
		off = (long)(ptr[0] | ptr[1] << 8) + 0x200;
		if (fseek(fp, off, SEEK_SET) == 0 &&
		    !fgets(buf, sizeof buf, fp))
			buf[0] = '\0';
	}
	fclose(fp);
	buf[strcspn(buf, " \n")] = '\0';
	if (!buf[0] || buf[0] < '0' || buf[0] > '9')
		return NULL;
	return bp_strdup(buf);
}

static int mkdir_private(const char *path)
{
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		bp_error("cannot create directory '%s': %s", path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* The directory under which each configuration gets its own libguestfs
 * cache: $BOOTPERF_CACHE_DIR, else $XDG_CACHE_HOME/bootperf, else
 * ~/.cache/bootperf.  Returns NULL (message printed) when it cannot be
 * created.
 */
char *env_cache_root(const char *override)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char *root, *parent = NULL;

	if (!override)
		override = getenv("BOOTPERF_CACHE_DIR");
	if (override && *override)
		root = bp_strdup(override);
	else if (xdg && *xdg)
		root = bp_asprintf("%s/bootperf", xdg);
	else if (home && *home) {
		parent = bp_asprintf("%s/.cache", home);
		root = bp_asprintf("%s/bootperf", parent);
	} else
		root = bp_asprintf("/var/tmp/bootperf-%d", (int)getuid());
	if ((parent && mkdir_private(parent) == -1) ||
	    mkdir_private(root) == -1) {
		free(root);
		root = NULL;
	}
	free(parent);
	return root;
}

int env_check_file(const char *what, const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		bp_error("%s '%s': %s", what, path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		bp_error("%s '%s' is not a regular file", what, path);
		return -1;
	}
	return 0;
}

int env_check_executable(const char *what, const char *path)
{
	if (env_check_file(what, path) == -1)
		return -1;
	if (access(path, X_OK) == -1) {
		bp_error("%s '%s' is not executable", what, path);
		return -1;
	}
	return 0;
}
