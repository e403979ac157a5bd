/* bootperf - the BUILD OPTIONS of range, bisect, bisect-run and track.
 * Apart from runopts.c's parsing loop: gcc -fanalyzer loses the
 * --qemu-arg array stored in the caller's struct when both are in one
 * file, and reports a leak that is not there.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

void build_cli_init(struct build_cli *b)
{
	memset(b, 0, sizeof *b);
	b->build_timeout_s = 7200;
	b->artifacts_max = ARTIFACTS_MAX_DEFAULT;
}

void build_cli_free(struct build_cli *b)
{
	free(b->qemu_args);
	b->qemu_args = NULL;
	b->n_qemu_args = 0;
	free(b->artifacts);
	b->artifacts = NULL;
	b->n_artifacts = 0;
}

static int apply_preset(struct build_cli *b, const char *name)
{
	const struct preset *p = preset_find(name);

	if (!p)
		return -1;
	b->preset = p;
	b->build = p->build;
	b->hv_artifact = p->hv_artifact;
	b->kernel_artifact = p->kernel_artifact;
	b->modules_artifact = p->modules_artifact;
	return 1;
}

static int add_qemu_arg(struct build_cli *b, const char *arg)
{
	const char **v =
	    realloc(b->qemu_args, (b->n_qemu_args + 1) * sizeof *v);

	if (!v) {
		bp_error("out of memory");
		return -1;
	}
	v[b->n_qemu_args++] = arg;
	b->qemu_args = v;
	return 1;
}

static int add_artifact(struct build_cli *b, const char *arg)
{
	const char **v;

	if (!artifact_path_ok(arg)) {
		bp_error("--artifact: '%s' is not a path inside the worktree: "
			 "give one relative to it, without '..'",
			 arg);
		return -1;
	}
	v = realloc(b->artifacts, (b->n_artifacts + 1) * sizeof *v);
	if (!v) {
		bp_error("out of memory");
		return -1;
	}
	v[b->n_artifacts++] = arg;
	b->artifacts = v;
	return 1;
}

/* 500M, 10G, 1.5T, 4096 (bytes): binary units. */
static int parse_size(const char *opt, const char *s, long long *out)
{
	char *end;
	double v;
	int shift = 0;

	errno = 0;
	v = strtod(s, &end);
	if (end != s && *end && !end[1]) {
		const char *u = strchr("KMGT", *end == 'k' ? 'K' : *end);

		shift = u && *end ? 10 * (int)(u - "KMGT" + 1) : -1;
		end++;
	}
	if (end == s || *end || errno || shift < 0 || !(v >= 0) ||
	    v * (double)(1LL << shift) > 9e18) {
		bp_error("%s: '%s' is not a size: give bytes, or a number "
			 "with K, M, G or T (e.g. 20G)",
			 opt, s);
		return -1;
	}
	*out = (long long)(v * (double)(1LL << shift));
	return 0;
}

int build_cli_parse(struct build_cli *b, int c, const char *arg)
{
	switch (c) {
	case OPT_PRESET:
		return apply_preset(b, arg);
	case OPT_BUILD:
		b->build = arg;
		return 1;
	case OPT_HV_ARTIFACT:
		b->hv_artifact = arg;
		return 1;
	case OPT_KERNEL_ARTIFACT:
		b->kernel_artifact = arg;
		return 1;
	case OPT_MODULES_ARTIFACT:
		b->modules_artifact = arg;
		return 1;
	case OPT_CONFIG:
		b->kernel_config = arg;
		return 1;
	case OPT_QEMU_ARG:
		return add_qemu_arg(b, arg);
	case OPT_BUILD_TIMEOUT:
		return parse_seconds("--build-timeout", arg,
				     &b->build_timeout_s)
			   ? -1
			   : 1;
	case OPT_STORE:
		b->store_dir = arg;
		return 1;
	case OPT_FORCE:
		b->force = true;
		return 1;
	case OPT_ARTIFACT:
		return add_artifact(b, arg);
	case OPT_ARTIFACTS_MAX:
		return parse_size("--artifacts-max", arg, &b->artifacts_max)
			   ? -1
			   : 1;
	}
	return 0;
}
