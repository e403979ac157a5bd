# bootperf - plain Makefile.  `make demo` and `make check` are all a user
# needs on a fresh Debian 12 machine: both install missing packages first.

VERSION    := 0.1.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
DESTDIR    ?=
CC         ?= gcc
# Parallel jobs of make analyze and of the test runs.
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
PKGS       := libgit2 libcjson libguestfs gsl

# SANITIZE=address,undefined builds into its own directory, so switching
# variants never mixes objects.
SANITIZE   ?=
BUILDDIR   := build$(if $(SANITIZE),-san)
BIN        := $(if $(SANITIZE),$(BUILDDIR)/bootperf,bootperf)

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wvla -Wformat=2 \
	-Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition \
	-Wwrite-strings -Wpointer-arith -Wcast-qual -Wundef \
	-Wimplicit-fallthrough -fno-common
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE $(WARN) $(if $(CI),-Werror) \
	    -DBOOTPERF_VERSION='"$(VERSION)"' \
	    -Icommon -Irunner -Ireports -Istore -Ibisect -Icmd -I$(BUILDDIR)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ifneq ($(SANITIZE),)
CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
	   -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif

MODULE_SRCS := $(wildcard common/*.c runner/*.c reports/*.c store/*.c \
		 bisect/*.c \
		 cmd/*.c)
LIB_OBJS  := $(patsubst %.c,$(BUILDDIR)/%.o,$(MODULE_SRCS)) \
	     $(BUILDDIR)/help.o $(BUILDDIR)/presets.o
PRESETS   := $(wildcard runner/presets/*.sh)
HEADERS   := $(wildcard */*.h)
UNIT_SRCS := $(wildcard t/unit/*.c)
# Fuzz harnesses double as unit tests that replay their corpus.
FUZZ_SRCS := $(wildcard t/fuzz/*.c)
UNIT_BINS := $(patsubst t/unit/%.c,$(BUILDDIR)/t/%.t,$(UNIT_SRCS)) \
	     $(patsubst t/fuzz/%.c,$(BUILDDIR)/t/fuzz-%.t,$(FUZZ_SRCS))
SH_TESTS  := $(sort $(wildcard t/[0-9][0-9][0-9][0-9]-*.sh))
# The fault-injection shim (LD_PRELOAD), built without sanitizers.
FAILFS    := $(BUILDDIR)/t/failfs.so
REAL_TESTS := $(sort $(wildcard t/real/*.sh))
SCRIPTS   := $(wildcard t/*.sh t/lib/*.sh t/real/*.sh t/real/lib/*.sh \
		examples/*.sh scripts/*.sh) .ci/run scripts/install-deps \
		scripts/prove-report $(PRESETS)

.PHONY: all deps check check-fast check-loaded check-sanitize \
	check-valgrind check-real \
	demo bench fuzz \
	install uninstall analyze format format-check man clean

all: $(BIN) $(BUILDDIR)/bootperf.1 $(UNIT_BINS) $(FAILFS)

deps:
	@scripts/install-deps

$(BUILDDIR)/%.o: %.c $(HEADERS) | $(BUILDDIR)/.dirs
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILDDIR)/.dirs: Makefile
	mkdir -p $(BUILDDIR)/common $(BUILDDIR)/runner $(BUILDDIR)/reports \
		$(BUILDDIR)/store \
		$(BUILDDIR)/bisect $(BUILDDIR)/cmd $(BUILDDIR)/t
	touch $@

# --help comes from the man page source.
$(BUILDDIR)/help.c: docs/bootperf.pod scripts/pod2help.pl | $(BUILDDIR)/.dirs
	perl scripts/pod2help.pl $< > $@.tmp && mv $@.tmp $@

$(BUILDDIR)/help.o: $(BUILDDIR)/help.c cmd/cmd.h
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

# The presets' build commands are shell scripts, embedded.
$(BUILDDIR)/presets.c: $(PRESETS) scripts/embed-presets.pl | $(BUILDDIR)/.dirs
	perl scripts/embed-presets.pl $(PRESETS) > $@.tmp && mv $@.tmp $@

$(BUILDDIR)/presets.o: $(BUILDDIR)/presets.c runner/runner.h
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILDDIR)/libbootperf.a: $(LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(BUILDDIR)/main.o $(BUILDDIR)/libbootperf.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(BUILDDIR)/t/%.t: t/unit/%.c t/unit/tap.h $(BUILDDIR)/libbootperf.a
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -It/unit $(LDFLAGS) -o $@ $< \
		$(BUILDDIR)/libbootperf.a $(PKG_LIBS) -lm

$(BUILDDIR)/t/fuzz-%.t: t/fuzz/%.c t/fuzz/replay.h $(BUILDDIR)/libbootperf.a
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -It/fuzz $(LDFLAGS) -o $@ $< \
		$(BUILDDIR)/libbootperf.a $(PKG_LIBS) -lm

# make fuzz: each harness under libFuzzer (clang, ASan+UBSan) for
# FUZZ_SECONDS, its corpus grown in build-fuzz/corpus-NAME from the seeds
# in t/fuzz/NAME/.  A crash stops it and leaves crash-* here: copy the
# file into t/fuzz/NAME/ and it becomes a regression test of make check.
FUZZ_SECONDS ?= 120
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -g -O1 -std=c11 -D_GNU_SOURCE -DBOOTPERF_LIBFUZZER \
		-DBOOTPERF_VERSION='"$(VERSION)"' -fno-omit-frame-pointer \
		-Icommon -Irunner -Ireports -Istore -Ibisect -Icmd -It/fuzz \
		-Ibuild-fuzz
FUZZ_BINS    := $(patsubst t/fuzz/%.c,build-fuzz/fuzz-%,$(FUZZ_SRCS))
FUZZ_OBJS    := $(patsubst %.c,build-fuzz/%.o,$(MODULE_SRCS)) \
		build-fuzz/help.o build-fuzz/presets.o
# After FUZZ_OBJS is set: an empty .SECONDARY marks every target.
.SECONDARY: $(FUZZ_OBJS)

build-fuzz/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link,address,undefined \
		$(PKG_CFLAGS) -c $< -o $@

build-fuzz/help.c: docs/bootperf.pod scripts/pod2help.pl
	@mkdir -p build-fuzz
	perl scripts/pod2help.pl $< > $@.tmp && mv $@.tmp $@

build-fuzz/help.o: build-fuzz/help.c cmd/cmd.h
	$(FUZZ_CC) $(FUZZ_FLAGS) $(PKG_CFLAGS) -c $< -o $@

build-fuzz/presets.c: $(PRESETS) scripts/embed-presets.pl
	@mkdir -p build-fuzz
	perl scripts/embed-presets.pl $(PRESETS) > $@.tmp && mv $@.tmp $@

build-fuzz/presets.o: build-fuzz/presets.c runner/runner.h
	$(FUZZ_CC) $(FUZZ_FLAGS) $(PKG_CFLAGS) -c $< -o $@

build-fuzz/fuzz-%: t/fuzz/%.c t/fuzz/replay.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer,address,undefined \
		$(PKG_CFLAGS) -o $@ $< $(FUZZ_OBJS) $(PKG_LIBS) -lm

fuzz: deps
	@scripts/install-deps fuzz
	@$(MAKE) --no-print-directory $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do \
		n=$${f#build-fuzz/fuzz-}; mkdir -p build-fuzz/corpus-$$n; \
		echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
		rc=0; LSAN_OPTIONS=suppressions=$(CURDIR)/t/fuzz/lsan.supp \
		$$f -max_total_time=$(FUZZ_SECONDS) -close_fd_mask=2 \
			-print_final_stats=1 build-fuzz/corpus-$$n t/fuzz/$$n \
			>build-fuzz/fuzz-$$n.log 2>&1 || rc=$$?; \
		grep -E "^(stat::number_of_executed_units|stat::peak_rss|#[0-9]+ +DONE|==[0-9]+==|SUMMARY|artifact_prefix|Test unit written)" \
			build-fuzz/fuzz-$$n.log; \
		test "$$rc" = 0 || { echo "fuzz: $$n exited with status" \
			"$$rc; see build-fuzz/fuzz-$$n.log"; exit 1; }; \
		test -z "$$(ls crash-* leak-* timeout-* oom-* 2>/dev/null)" || \
			{ echo "fuzz: $$n found a problem"; exit 1; }; \
	done

# dlsym's object-to-function pointers are not ISO C: no -Wpedantic here.
$(BUILDDIR)/t/failfs.so: t/lib/failfs.c | $(BUILDDIR)/.dirs
	$(CC) -O2 -g -Wall -Wextra $(if $(CI),-Werror) -shared -fPIC -o $@ $< -ldl

$(BUILDDIR)/bootperf.1: docs/bootperf.pod | $(BUILDDIR)/.dirs
	pod2man --utf8 --errors=die -c "bootperf manual" \
		-r "bootperf $(VERSION)" -s 1 -n BOOTPERF $< > $@.tmp
	mv $@.tmp $@

man: $(BUILDDIR)/bootperf.1

# The test run: unit tests and shell tests through scripts/tap-run (the
# harness prove uses), in variants: plain (booting real appliances
# unless FAST=1), sanitize (ASan and UBSan) and valgrind, the last two
# on the tests that boot nothing.  make check runs all three in one
# schedule (tap-run says how: the timed and booting tests one at a
# time, the others beside them at nice 19), so the instrumented runs
# fill the core a TCG boot leaves idle.  VARIANTS picks some:
# make check VARIANTS=plain.  check installs Chromium too, for the HTML
# report's test (t/0811).  An empty test list is an error, never a
# silent pass.
VARIANTS ?= plain sanitize valgrind
check: deps
	@scripts/install-deps browser
	@$(if $(filter valgrind,$(VARIANTS)),scripts/install-deps valgrind)
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@$(if $(filter sanitize,$(VARIANTS)),$(MAKE) --no-print-directory \
		-j$(JOBS) all SANITIZE=address,undefined)
	@$(MAKE) --no-print-directory run-tests

check-fast: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@$(MAKE) --no-print-directory run-tests FAST=1 VARIANTS=plain

# The booting tests that judge by time with a CPU hog beside each
# (t/lib.sh requires_boots): a busy machine must not change a verdict.
check-loaded: deps
	@scripts/install-deps browser
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@$(MAKE) --no-print-directory run-tests HOG=1 VARIANTS=plain

check-sanitize: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all SANITIZE=address,undefined
	@$(MAKE) --no-print-directory run-tests VARIANTS=sanitize

check-valgrind: deps
	@scripts/install-deps valgrind
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@$(MAKE) --no-print-directory run-tests VARIANTS=valgrind

# The variants, as scripts/tap-run options.  Unit tests are named
# without their build directory's prefix.
UNIT_NAMES := $(patsubst t/unit/%.c,t/%.t,$(UNIT_SRCS)) \
	      $(patsubst t/fuzz/%.c,t/fuzz-%.t,$(FUZZ_SRCS))
TEST_ENV = --env 'BOOTPERF_SRCDIR=$(CURDIR)' --env 'BOOTPERF_HOG=$(HOG)'
VARIANT_plain = --variant plain $(TEST_ENV) --env BOOTPERF_VARIANT= \
	--env 'BOOTPERF=$(CURDIR)/bootperf' --env 'BOOTPERF_FAST=$(FAST)' \
	--env BOOTPERF_WRAPPER= --env 'BOOTPERF_MAN=$(CURDIR)/build/bootperf.1' \
	--env 'BOOTPERF_FAILFS=$(CURDIR)/build/t/failfs.so' \
	$(addprefix --unit build/,$(UNIT_NAMES))
# Leaks in libpcre2 are libgit2's (t/fuzz/lsan.supp says which), not
# bootperf's: LeakSanitizer cannot unwind past libpcre2 to tell more.
# gcc's ASan runtime is a shared library that must come first in
# LD_PRELOAD, before the fault-injection shim.
ASAN_LIB = $(filter /%,$(shell $(CC) -print-file-name=libasan.so 2>/dev/null))
# SANITIZE: t/0003's make install installs this build.
VARIANT_sanitize = --variant sanitize $(TEST_ENV) \
	--env BOOTPERF_VARIANT=sanitize --env SANITIZE=address,undefined \
	--env 'BOOTPERF=$(CURDIR)/build-san/bootperf' --env BOOTPERF_FAST=1 \
	--env BOOTPERF_WRAPPER= \
	--env 'BOOTPERF_MAN=$(CURDIR)/build-san/bootperf.1' \
	--env 'BOOTPERF_FAILFS=$(if $(ASAN_LIB),$(ASAN_LIB):)$(CURDIR)/build-san/t/failfs.so' \
	--env 'LSAN_OPTIONS=suppressions=$(CURDIR)/t/fuzz/lsan.supp:print_suppressions=0' \
	$(addprefix --unit build-san/,$(UNIT_NAMES))
# Errors and definite or indirect leaks fail, in bootperf and in its
# measuring children too: those are forks, which valgrind follows
# without --trace-children (that would also trace the commands, builds
# and qemus they exec, which are not ours).  t/valgrind.supp: libgit2's.
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect \
	--suppressions=$(CURDIR)/t/valgrind.supp
VARIANT_valgrind = --variant valgrind $(TEST_ENV) \
	--env BOOTPERF_VARIANT=valgrind \
	--env 'BOOTPERF=$(CURDIR)/bootperf' --env BOOTPERF_FAST=1 \
	--env 'BOOTPERF_WRAPPER=$(VALGRIND)' \
	--env 'BOOTPERF_MAN=$(CURDIR)/build/bootperf.1' \
	--env 'BOOTPERF_FAILFS=$(CURDIR)/build/t/failfs.so' \
	--exec '$(VALGRIND)' $(addprefix --unit build/,$(UNIT_NAMES))

# Real QEMU and Linux trees (Debian's sources), built and booted: hours
# the first time on 2 cores, not part of check.  Trees, stores and the
# ccache cache are kept in REAL_DIR, so later runs build incrementally.
REAL_DIR ?= /var/tmp/bootperf-real
check-real: deps
	@scripts/install-deps real
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@test -n "$(REAL_TESTS)" || { echo "no tests found" >&2; exit 1; }
	BOOTPERF="$(CURDIR)/$(BIN)" BOOTPERF_SRCDIR="$(CURDIR)" \
	BOOTPERF_REAL_DIR="$(REAL_DIR)" \
	prove -v $(PROVE_FLAGS) $(addprefix ./,$(REAL_TESTS))

# PROVE_FLAGS: -v for every test's output.
.PHONY: run-tests
run-tests:
	@test -n "$(UNIT_NAMES)$(SH_TESTS)" || \
		{ echo "no tests found" >&2; exit 1; }
	@test -n "$(strip $(VARIANTS))" && \
		test -z "$(filter-out plain sanitize valgrind,$(VARIANTS))" || \
		{ echo "VARIANTS='$(VARIANTS)': each of plain, sanitize or valgrind" >&2; exit 2; }
	@mkdir -p build
	scripts/prove-report "$(CURDIR)/build/test-failures.log" \
		-j$(JOBS) $(PROVE_FLAGS) \
		$(foreach v,$(VARIANTS),$(VARIANT_$(v))) \
		-- $(addprefix ./,$(SH_TESTS))

# The main job on the bundled example.
demo: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	examples/demo.sh "$(CURDIR)/$(BIN)"

# The tool's own overhead, not a test: see scripts/bench.sh.
bench: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	scripts/bench-range.sh "$(CURDIR)/$(BIN)"
	scripts/bench-history.sh "$(CURDIR)/$(BIN)"
	scripts/bench-bisect.sh "$(CURDIR)/$(BIN)"
	scripts/bench.sh "$(CURDIR)/$(BIN)"

install: $(BIN) $(BUILDDIR)/bootperf.1
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/bootperf
	install -m 0644 $(BUILDDIR)/bootperf.1 $(DESTDIR)$(MANDIR)/man1/bootperf.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/bootperf $(DESTDIR)$(MANDIR)/man1/bootperf.1

C_SRCS := main.c $(MODULE_SRCS) $(UNIT_SRCS) $(FUZZ_SRCS)
# Test shims: formatted and checked by cppcheck, built with their own flags.
SHIM_SRCS := t/lib/failfs.c

# Each tool over the files in parallel (JOBS at a time): they look at one
# file at a time anyway.  xargs exits non-zero when any file fails.
analyze: deps $(BUILDDIR)/help.c
	@scripts/install-deps analyze
	cppcheck -j$(JOBS) --quiet --error-exitcode=1 \
		--enable=warning,performance,portability \
		--inline-suppr --std=c11 -D_GNU_SOURCE -Icommon -Irunner \
		-Ireports -Istore -Ibisect -Icmd $(C_SRCS) $(SHIM_SRCS)
	printf '%s\n' $(C_SRCS) | xargs -P$(JOBS) -I{} \
		clang-tidy --quiet --warnings-as-errors='*' {} -- \
			$(CFLAGS) $(PKG_CFLAGS) -It/unit
	# One file at a time, compiled (-fsyntax-only stops before the
	# analyzer runs) and at -O0 (-O2 deletes a malloc/free pair, and
	# with it a double free, before the analyzer sees them).
	printf '%s\n' $(filter-out $(UNIT_SRCS),$(C_SRCS)) | \
		xargs -P$(JOBS) -I{} gcc $(filter-out -O%,$(CFLAGS)) -O0 \
			$(PKG_CFLAGS) -It/unit -fanalyzer -Werror -c \
			-o /dev/null {}
	shellcheck -x $(SCRIPTS)

format:
	clang-format -i $(C_SRCS) $(SHIM_SRCS) $(HEADERS)

format-check:
	@scripts/install-deps format
	clang-format --dry-run --Werror $(C_SRCS) $(SHIM_SRCS) $(HEADERS)

clean:
	rm -rf build build-san build-fuzz bootperf
