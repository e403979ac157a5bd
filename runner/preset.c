/* bootperf - the presets: what bootperf knows of QEMU and Linux trees.
 * Each preset's build command, its artifacts, the firmware its qemu
 * must find, and what its build needs from the machine and from a
 * kernel's .config.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner.h"

/* Default build commands and artifacts for the trees bootperf knows.
 * The build commands are the shell scripts in runner/presets/ (presets.c
 * is made from them): the submodules and subprojects of the user's
 * checkout, configure once per worktree and make for QEMU; a .config
 * made once per worktree, bzImage, modules and modules_install for
 * Linux; ccache for both when it is installed.
 */

/* The firmware of a built QEMU comes from the tree's pc-bios, else
 * from where Debian's qemu looks (its --firmwarepath: SeaBIOS, option
 * ROMs, iPXE), for trees without it such as Debian's own source.
 * These -L come after the user's --qemu-arg, and qemu takes the first
 * directory with the file.
 */
static const char *const qemu_firmware_args[] = {
    "-L", "{worktree}/pc-bios", "-L", "/usr/share/qemu",
    "-L", "/usr/share/seabios", "-L", "/usr/lib/ipxe/qemu",
    NULL};

/* What the qemu preset's build runs. */
static const struct build_need qemu_needs[] = {
    {NEED_COMMAND, "cc", "gcc"},
    {NEED_COMMAND, "make", "make"},
    {NEED_COMMAND, "python3", "python3"},
    {NEED_COMMAND, "ninja", "ninja-build"},
    {NEED_COMMAND, "pkg-config", "pkg-config"},
    {NEED_PKGCONFIG, "glib-2.0", "libglib2.0-dev"},
    {NEED_PKGCONFIG, "pixman-1", "libpixman-1-dev"},
    {NEED_PKGCONFIG, "zlib", "zlib1g-dev"},
    {0, NULL, NULL},
};

/* What the kernel preset's build runs (depmod lives in /sbin). */
static const struct build_need kernel_needs[] = {
    {NEED_COMMAND, "cc", "gcc"},
    {NEED_COMMAND, "make", "make"},
    {NEED_COMMAND, "flex", "flex"},
    {NEED_COMMAND, "bison", "bison"},
    {NEED_COMMAND, "bc", "bc"},
    {NEED_COMMAND, "perl", "perl"},
    {NEED_COMMAND, "depmod", "kmod"},
    {NEED_HEADER, "libelf.h", "libelf-dev"},
    {NEED_HEADER, "openssl/opensslv.h", "libssl-dev"},
    {0, NULL, NULL},
};

/* What the appliance cannot boot without, built in or as a module
 * (supermin loads them from the modules directory).
 */
static const struct kconfig_need kernel_kconfig_needs[] = {
    {"VIRTIO_PCI", "the virtio devices"},
    {"SCSI_VIRTIO", "its disk (virtio-scsi)"},
    {"BLK_DEV_SD", "its disk (SCSI disk)"},
    {"VIRTIO_CONSOLE", "guestfsd's channel (virtio-serial)"},
    {"EXT4_FS|EXT2_FS", "its ext2 root file system"},
    {"BLK_DEV_INITRD", "supermin's initrd"},
    {"DEVTMPFS", "/dev"},
    {"UNIX", "udev"},
    {NULL, NULL},
};

static const struct preset presets[] = {
    {
	.name = "qemu",
	.build = preset_build_qemu,
	.hv_artifact = "build/qemu-system-x86_64",
	.qemu_args = qemu_firmware_args,
	.firmware = "bios-256k.bin",
	.needs = qemu_needs,
    },
    {
	.name = "kernel",
	.build = preset_build_kernel,
	.kernel_artifact = "arch/x86/boot/bzImage",
	.modules_artifact = ".bootperf/modules",
	.needs = kernel_needs,
	.kconfig_needs = kernel_kconfig_needs,
    },
};

const struct preset *preset_find(const char *name)
{
	for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
		if (!strcmp(presets[i].name, name))
			return &presets[i];
	bp_error("--preset: '%s' is not one of qemu, kernel", name);
	return NULL;
}

int preset_check_needs(const struct preset *p)
{
	char packages[256], what[256];

	if (!p->needs ||
	    runner_missing_needs(p->needs, packages, sizeof packages, what,
				 sizeof what) == 0)
		return BP_EXIT_OK;
	bp_error("--preset %s needs Debian packages that are not installed "
		 "(for %s): apt-get install %s%s",
		 p->name, what, packages,
		 strcmp(p->name, "qemu") ? "" : " (or apt-get build-dep qemu)");
	return BP_EXIT_BUILD_DEPS;
}

/* A FIFO is opened without blocking and refused (EINVAL: not a regular
 * file), so that a run never waits, with its signals blocked, for a
 * writer.
 */
char *runner_read_file(const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	FILE *fp;
	char *buf;
	size_t got;
	int err = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0)
		err = errno;
	else if (!S_ISREG(st.st_mode))
		err = EINVAL;
	if (err) {
		close(fd);
		errno = err;
		return NULL;
	}
	fp = fdopen(fd, "r");
	if (!fp) {
		err = errno;
		close(fd);
		errno = err;
		return NULL;
	}
	buf = bp_malloc(max + 1);
	got = fread(buf, 1, max, fp);
	buf[got] = '\0';
	if (ferror(fp) || !feof(fp)) {
		err = ferror(fp) ? errno : EFBIG;
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	if (err)
		errno = err;
	return buf;
}

size_t preset_kconfig_missing(const struct preset *p, const char *worktree,
			      char *missing, size_t len)
{
	char *path, *text;
	size_t n;

	if (!p->kconfig_needs)
		return 0;
	path = bp_asprintf("%s/.config", worktree);
	text = runner_read_file(path, 16 << 20);
	free(path);
	if (!text)
		return 0;
	n = kconfig_missing(text, p->kconfig_needs, missing, len);
	free(text);
	return n;
}
