// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for common/builddeps.c: the packages named by the output of
 * real QEMU 7.2 and Linux 6.1 builds on Debian 12 (messages copied from
 * their logs), and the kernel options the appliance needs.
 */
#include <string.h>

#include "common.h"
#include "tap.h"

static void names(const char *log, const char *want, size_t n, const char *what)
{
	char out[256];
	size_t got = builddeps_from_log(log, out, sizeof out);

	is_size(got, n, what);
	ok(!strcmp(out, want), "%s: '%s' (want '%s')", what, out, want);
}

static void test_qemu_configure(void)
{
	names("\nERROR: Meson not found.  Use --meson=/path/to/meson\n",
	      "meson", 1, "configure without meson");
	names("ERROR: glib-2.56 gthread-2.0 is required to compile QEMU\n",
	      "libglib2.0-dev", 1, "configure without glib");
	names("Run-time dependency pixman-1 found: NO (tried pkgconfig)\n\n"
	      "../meson.build:553:2: ERROR: Dependency \"pixman-1\" not "
	      "found, tried pkgconfig\n",
	      "libpixman-1-dev", 1, "meson without pixman");
	names("Library fdt found: NO\n../meson.build:2768:2: ERROR: Problem "
	      "encountered: fdt not available but required by targets "
	      "x86_64-softmmu\n",
	      "libfdt-dev", 1, "meson without libfdt");
	names("Package pixman-1 was not found in the pkg-config search "
	      "path.\nPerhaps you should add the directory containing "
	      "`pixman-1.pc'\n",
	      "libpixman-1-dev", 1, "pkg-config's own message");
}

static void test_kernel_build(void)
{
	names("  LEX     scripts/kconfig/lexer.lex.c\n/bin/sh: 1: flex: not "
	      "found\nmake[2]: *** [scripts/Makefile.host:9: "
	      "scripts/kconfig/lexer.lex.c] Error 127\n",
	      "flex", 1, "kconfig without flex");
	names("/bin/sh: 1: bison: not found\n/bin/sh: 1: bc: not found\n",
	      "bison bc", 2, "two tools, in the order met");
	names("scripts/extract-cert.c:21:10: fatal error: "
	      "openssl/bio.h: No such file or directory\n",
	      "libssl-dev", 1, "certs without openssl headers");
	names("error: Cannot generate ORC metadata for CONFIG_UNWINDER_ORC=y, "
	      "please install libelf-dev, libelf-devel or elfutils-libelf-"
	      "devel\n",
	      "libelf-dev", 1, "objtool without libelf");
	names("/bin/sh: 1: flex: not found\n/bin/sh: 1: flex: not found\n",
	      "flex", 1, "a package is named once");
}

static void test_no_false_alarms(void)
{
	names("", "", 0, "empty log");
	names(NULL, "", 0, "no log");
	names("  CC      arch/x86/kernel/setup.o\nmake: *** [Makefile:1234: "
	      "vmlinux] Error 2\nfoo.c:1:2: error: expected ';'\n",
	      "", 0, "a compile error names nothing");
	names("Run-time dependency libudev found: NO (tried pkgconfig)\n"
	      "Dependency \"frobnicate\" not found, tried pkgconfig\n",
	      "", 0, "optional and unknown dependencies name nothing");
}

static void test_small_buffer(void)
{
	char out[8];

	is_size(builddeps_from_log("/bin/sh: 1: flex: not found\n"
				   "/bin/sh: 1: bison: not found\n",
				   out, sizeof out),
		1, "what does not fit is left out");
	ok(!strcmp(out, "flex"), "the first fits: '%s'", out);
}

static void missing(const char *log, const char *want, const char *what)
{
	char name[64] = "x";
	bool found = builddeps_missing_command(log, name, sizeof name);

	ok(want ? found && !strcmp(name, want) : !found, "%s: '%s'", what,
	   found ? name : "(none)");
}

static void test_missing_command(void)
{
	missing("sh: 1: no-such-tool: not found\n", "no-such-tool", "dash");
	missing("sh: 1: ./build.sh: not found\n", "./build.sh", "dash, a path");
	missing("bash: line 1: frob: command not found\n", "frob", "bash");
	missing("/bin/sh: 1: a: not found\nsh: 1: b: not found\n", "b",
		"the last one");
	missing("make: *** No rule to make target 'x'.  Stop.\n", NULL,
		"make's own error");
	missing("", NULL, "empty log");
}

static const struct kconfig_need needs[] = {
    {"SCSI_VIRTIO", "its disk"},
    {"EXT4_FS|EXT2_FS", "its root"},
    {"VIRTIO_CONSOLE", "the channel"},
    {NULL, NULL},
};

static void test_kconfig(void)
{
	char out[256];

	is_size(kconfig_missing("CONFIG_SCSI_VIRTIO=y\nCONFIG_EXT2_FS=m\n"
				"CONFIG_VIRTIO_CONSOLE=y\n",
				needs, out, sizeof out),
		0, "y, m and either of two are enough");
	ok(!strcmp(out, ""), "nothing named");
	is_size(kconfig_missing("# CONFIG_SCSI_VIRTIO is not set\n"
				"CONFIG_EXT4_FS=y\nCONFIG_VIRTIO_CONSOLE=n\n"
				"CONFIG_SCSI_VIRTIO_X=y\n",
				needs, out, sizeof out),
		2, "unset, =n and a longer name do not count");
	ok(!strcmp(out, "CONFIG_SCSI_VIRTIO (its disk), CONFIG_VIRTIO_CONSOLE "
			"(the channel)"),
	   "named with why: '%s'", out);
	is_size(
	    kconfig_missing("XCONFIG_SCSI_VIRTIO=y\n", needs, out, sizeof out),
	    3, "only whole lines count");
	is_size(kconfig_missing("", needs, out, 20), 3,
		"all counted when out is small");
}

int main(void)
{
	test_qemu_configure();
	test_kernel_build();
	test_no_false_alarms();
	test_small_buffer();
	test_missing_command();
	test_kconfig();
	return tap_done();
}
