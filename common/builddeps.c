/* bootperf - what a failed build's output says is missing, as the
 * Debian packages to install.  Pure text matching, unit-tested on the
 * messages of real QEMU and Linux builds (t/unit/builddeps.c).
 */
#include <string.h>

#include "common.h"

/* A line that has both needles (the second may be NULL) means package
 * is missing.  Messages are quoted from the tools that print them.
 */
struct log_hint {
	const char *needle, *also;
	const char *package;
};

static const struct log_hint log_hints[] = {
    /* QEMU's configure and meson */
    {"Meson not found", NULL, "meson"},
    {"Cannot find Ninja", NULL, "ninja-build"},
    {"ninja: not found", NULL, "ninja-build"},
    {"ERROR: glib-2.", "is required", "libglib2.0-dev"},
    {"fdt not available but required", NULL, "libfdt-dev"},
    {"Cannot use '", "Python", "python3"},
    {"python3: not found", NULL, "python3"},
    {"pkg-config: not found", NULL, "pkg-config"},
    {"pkg-config binary", "not found", "pkg-config"},
    /* Kbuild and its tools */
    {"flex: not found", NULL, "flex"},
    {"flex: command not found", NULL, "flex"},
    {"bison: not found", NULL, "bison"},
    {"bison: command not found", NULL, "bison"},
    {"bc: not found", NULL, "bc"},
    {"bc: command not found", NULL, "bc"},
    {"cpio: not found", NULL, "cpio"},
    {"cpio: command not found", NULL, "cpio"},
    {"zstd: not found", NULL, "zstd"},
    {"lz4: not found", NULL, "lz4"},
    {"lzop: not found", NULL, "lzop"},
    {"pahole", "not found", "dwarves"},
    {"please install libelf-dev", NULL, "libelf-dev"},
    {"libelf.h: No such file", NULL, "libelf-dev"},
    {"gelf.h: No such file", NULL, "libelf-dev"},
    {"openssl/", ".h: No such file", "libssl-dev"},
    /* Any build */
    {"cc: not found", NULL, "gcc"},
    {"gcc: not found", NULL, "gcc"},
    {"gcc: command not found", NULL, "gcc"},
    {"make: not found", NULL, "make"},
    {"zlib.h: No such file", NULL, "zlib1g-dev"},
};

/* pkg-config names in meson's 'Dependency "NAME" not found' and
 * pkg-config's "Package NAME was not found".
 */
struct pc_package {
	const char *module, *package;
};

static const struct pc_package pc_packages[] = {
    {"glib-2.0", "libglib2.0-dev"},    {"gthread-2.0", "libglib2.0-dev"},
    {"gmodule-2.0", "libglib2.0-dev"}, {"gio-2.0", "libglib2.0-dev"},
    {"pixman-1", "libpixman-1-dev"},   {"zlib", "zlib1g-dev"},
    {"slirp", "libslirp-dev"},	       {"libfdt", "libfdt-dev"},
    {"libelf", "libelf-dev"},	       {"libssl", "libssl-dev"},
    {"libcrypto", "libssl-dev"},       {"openssl", "libssl-dev"},
    {"libzstd", "libzstd-dev"},	       {"capstone", "libcapstone-dev"},
    {"libseccomp", "libseccomp-dev"},  {"libcap-ng", "libcap-ng-dev"},
};

bool words_add(char *out, size_t len, const char *word)
{
	size_t have = strlen(out), wlen = strlen(word);

	for (const char *p = out; (p = strstr(p, word)); p += wlen)
		if ((p == out || p[-1] == ' ') &&
		    (p[wlen] == '\0' || p[wlen] == ' '))
			return false;
	if (have + (have > 0) + wlen + 1 > len)
		return false;
	if (have > 0)
		out[have++] = ' ';
	memcpy(out + have, word, wlen + 1);
	return true;
}

/* Append package to the space-separated list out, once, counting it. */
static void add_package(char *out, size_t len, const char *package, size_t *n)
{
	if (words_add(out, len, package))
		(*n)++;
}

/* The pkg-config module quoted after prefix on this line, up to quote. */
static const char *quoted_module(const char *line, size_t n, const char *prefix,
				 char quote, size_t *mlen)
{
	const char *p = memmem(line, n, prefix, strlen(prefix));
	const char *end;

	if (!p)
		return NULL;
	p += strlen(prefix);
	end = memchr(p, quote, n - (size_t)(p - line));
	if (!end)
		return NULL;
	*mlen = (size_t)(end - p);
	return p;
}

static void match_pc_module(const char *line, size_t n, char *out, size_t len,
			    size_t *count)
{
	static const char search_path[] = "was not found in the pkg-config";
	size_t mlen = 0;
	const char *m = NULL;

	if (memmem(line, n, "not found", 9))
		m = quoted_module(line, n, "Dependency \"", '"', &mlen);
	if (!m && memmem(line, n, search_path, sizeof search_path - 1))
		m = quoted_module(line, n, "Package ", ' ', &mlen);
	for (size_t i = 0; m && i < sizeof pc_packages / sizeof *pc_packages;
	     i++)
		if (strlen(pc_packages[i].module) == mlen &&
		    !strncmp(m, pc_packages[i].module, mlen))
			add_package(out, len, pc_packages[i].package, count);
}

static void match_line(const char *line, size_t n, char *out, size_t len,
		       size_t *count)
{
	for (size_t i = 0; i < sizeof log_hints / sizeof *log_hints; i++) {
		const struct log_hint *h = &log_hints[i];
		const char *at = memmem(line, n, h->needle, strlen(h->needle));

		if (at && (!h->also || memmem(at, n - (size_t)(at - line),
					      h->also, strlen(h->also))))
			add_package(out, len, h->package, count);
	}
	match_pc_module(line, n, out, len, count);
}

size_t builddeps_from_log(const char *log, char *out, size_t len)
{
	size_t count = 0;

	if (len == 0)
		return 0;
	out[0] = '\0';
	while (log && *log) {
		size_t n = strcspn(log, "\n");

		match_line(log, n, out, len, &count);
		log += n + (log[n] == '\n');
	}
	return count;
}

/* "sh: 1: NAME: not found" (dash) or "...: NAME: command not found"
 * (bash): NAME, n bytes long, or NULL.
 */
static const char *not_found_name(const char *line, size_t n, size_t *len)
{
	static const char *const tails[] = {": command not found",
					    ": not found"};

	for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
		size_t tl = strlen(tails[i]);
		const char *end, *start;

		if (n < tl || memcmp(line + n - tl, tails[i], tl) != 0)
			continue;
		end = start = line + n - tl;
		while (start > line && !(start[-1] == ' ' && start - 1 > line &&
					 start[-2] == ':'))
			start--;
		if (start == line || start == end)
			return NULL;
		*len = (size_t)(end - start);
		return start;
	}
	return NULL;
}

bool builddeps_missing_command(const char *log, char *out, size_t len)
{
	bool found = false;

	while (log && *log) {
		size_t n = strcspn(log, "\n"), nl = 0;
		const char *name = not_found_name(log, n, &nl);

		if (name && len > 0) {
			snprintf(out, len, "%.*s", (int)nl, name);
			found = true;
		}
		log += n + (log[n] == '\n');
	}
	return found;
}

/* y or m for CONFIG_sym in text (lines "CONFIG_X=y"). */
static bool kconfig_set(const char *text, const char *sym, size_t slen)
{
	const char *p = text;

	while ((p = strstr(p, "CONFIG_"))) {
		const char *name = p + 7;

		p = name;
		if (name - 7 != text && name[-8] != '\n')
			continue;
		if (strncmp(name, sym, slen) != 0 || name[slen] != '=')
			continue;
		return name[slen + 1] == 'y' || name[slen + 1] == 'm';
	}
	return false;
}

/* Any of the |-separated symbols of need set. */
static bool kconfig_need_met(const char *text, const char *symbols)
{
	while (*symbols) {
		size_t n = strcspn(symbols, "|");

		if (kconfig_set(text, symbols, n))
			return true;
		symbols += n + (symbols[n] == '|');
	}
	return false;
}

size_t kconfig_missing(const char *text, const struct kconfig_need *needs,
		       char *out, size_t len)
{
	size_t count = 0, have = 0;

	if (len > 0)
		out[0] = '\0';
	for (; needs->symbols; needs++) {
		int w;

		if (kconfig_need_met(text, needs->symbols))
			continue;
		w = snprintf(out + have, len - have, "%sCONFIG_%s (%s)",
			     count ? ", " : "", needs->symbols, needs->why);
		count++;
		if (w > 0 && have + (size_t)w < len)
			have += (size_t)w;
	}
	return count;
}
