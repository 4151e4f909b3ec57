# oomlab: one non-recursive Makefile. Objects under build/, -MMD -MP
# dependency files, V=1 for full commands, a flags stamp so that a change of
# CFLAGS rebuilds everything, SAN=1 for ASan+UBSan, WERROR=1 (CI) for -Werror.
#
#   make              build build/oomlab, build/oomlab-worker, build/oomlab-fwcfg
#   make run          install what is missing, build, run profiles/quickstart.ini
#   make check        install what is missing, build, headers, unit + integration
#   make unit         unit tests only (no root, no OOM)
#   make header-check each include/*.h compiles on its own
#   make format-check clang-format --dry-run --Werror over the C sources (CI)
#   make bench        benchmarks (ratios against the raw fault loop / stress-ng)
#
# SAN=1 sanitizes the harness, its library and the tests, never
# oomlab-worker (nor the bench helpers): ASan's shadow memory and redzones
# inflate the worker's RSS past the limits a profile sets, and ASan cannot
# reserve its shadow under the RLIMIT_AS some profiles give a worker. The
# worker's objects therefore live apart, under $(B)/plain/, built without
# SAN_FLAGS whatever SAN says.

B       ?= build
CC      ?= cc
PROFILE ?= profiles/quickstart.ini
LIBS_PC := libcgroup libcap inih jansson

CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN    += -Werror
endif
SAN_FLAGS :=
ifeq ($(SAN),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer
# GCC's manual: sanitizers raise the rate of false positive warnings; with
# them GCC 12 sees a -Wrestrict overlap in runner.c's snapshot() that the
# plain build does not. Those stay warnings under SAN=1 WERROR=1.
ifeq ($(WERROR),1)
SAN_FLAGS += -Wno-error=restrict -Wno-error=maybe-uninitialized
endif
# what libraries keep by design (tests/lsan.supp) is not our leak
export LSAN_OPTIONS := suppressions=$(CURDIR)/tests/lsan.supp
endif
BASE_CFLAGS := -std=gnu11 -D_GNU_SOURCE -Iinclude $(WARN) $(CFLAGS)
ALL_CFLAGS  := $(BASE_CFLAGS) $(SAN_FLAGS) -MMD -MP
PLAIN_CFLAGS := $(BASE_CFLAGS) -MMD -MP
LDLIBS_H   := -lcgroup -lcap -linih -ljansson -ltracefs -ltraceevent -lm
LDLIBS_W   := -lm

ifeq ($(V),1)
Q :=
else
Q := @
endif

HARNESS_SRC := $(filter-out harness/main.c,$(wildcard harness/*.c))
WORKER_SRC  := $(wildcard stressors/*.c)
# stressors/patterns.c is the pattern table both binaries read (the
# harness's copy built like the harness, the worker's plain)
HARNESS_OBJ := $(HARNESS_SRC:%.c=$(B)/%.o) $(B)/stressors/patterns.o
WORKER_OBJ  := $(WORKER_SRC:%.c=$(B)/plain/%.o) $(B)/plain/harness/util.o \
	       $(B)/plain/harness/hist.o
UNIT_SRC    := $(wildcard tests/unit/test-*.c)
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

all: $(B)/oomlab $(B)/oomlab-worker $(B)/oomlab-fwcfg

# Rebuild everything when the flags change.
FLAGS_STAMP := $(B)/.flags
FLAGS_NOW   := $(CC) $(ALL_CFLAGS) $(LDFLAGS) | $(PLAIN_CFLAGS)
$(shell mkdir -p $(B); echo '$(FLAGS_NOW)' | cmp -s - $(FLAGS_STAMP) || echo '$(FLAGS_NOW)' > $(FLAGS_STAMP))

$(B)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC      $<')
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/plain/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC      $< (plain)')
	$(Q)$(CC) $(PLAIN_CFLAGS) -c -o $@ $<

# libtracefs' headers include <event-parse.h> from their own directories
$(B)/harness/ktrace.o $(B)/tests/integration/test-ktrace-live.o: \
	ALL_CFLAGS += $(shell pkg-config --cflags libtracefs 2>/dev/null)

$(B)/libharness.a: $(HARNESS_OBJ)
	@$(if $(Q),echo '  AR      $@')
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/oomlab: $(B)/harness/main.o $(B)/libharness.a
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_H)

$(B)/oomlab-worker: $(WORKER_OBJ)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_W)

# the guest's fw_cfg reader (VM mode), static: no ld.so to run under TCG
$(B)/oomlab-fwcfg: $(B)/plain/vm/fwcfg.o $(B)/plain/harness/fwcfg.o
	@$(if $(Q),echo '  LD      $@ (static)')
	$(Q)$(CC) $(LDFLAGS) -static -o $@ $^

# A unit test links against the harness library: the linker takes only the
# members it needs, so a test sees the same code the binary runs.
$(B)/tests/test-%: $(B)/tests/unit/test-%.o $(B)/libharness.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_H) -lcmocka

# C integration tests: tests/integration/test-X-live.c -> $(B)/tests/integration/X-live,
# linked like a unit test; root only, exit 77 (SKIP) otherwise.
$(B)/tests/integration/%-live: $(B)/tests/integration/test-%-live.o $(B)/libharness.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_H) -lcmocka

deps:
	$(Q)./tests/deps.sh

run: deps all
	./$(B)/oomlab run $(PROFILE)

unit: $(UNIT_BIN)
	$(Q)./tests/run-unit.sh $(UNIT_BIN)

LIVE_BIN := $(patsubst tests/integration/test-%-live.c,$(B)/tests/integration/%-live,\
		$(wildcard tests/integration/test-*-live.c))

integration: all $(LIVE_BIN)
	$(Q)./tests/integration/run.sh

# Each public header compiles as the only include of a translation unit.
HEADERS := $(wildcard include/*.h)
header-check:
	@$(if $(Q),echo '  HDRCHECK include/*.h')
	$(Q)bad=0; for h in $(HEADERS); do \
		echo "#include \"$${h#include/}\"" | \
			$(CC) $(BASE_CFLAGS) -Werror -fsyntax-only -x c - || \
			{ echo "header-check: $$h does not compile on its own" >&2; bad=1; }; \
	done; exit $$bad

# .clang-format pins the style; .ci/run fails on any difference.
FORMAT_SRC := $(wildcard harness/*.c stressors/*.c stressors/*.h include/*.h \
		tests/unit/*.c tests/integration/*.c tests/fuzz/*.c bench/*.c vm/*.c)
format-check:
	@$(if $(Q),echo '  FORMAT  --dry-run --Werror')
	$(Q)clang-format --dry-run --Werror $(FORMAT_SRC)

check: deps all
	$(Q)$(MAKE) --no-print-directory header-check
	$(Q)$(MAKE) --no-print-directory unit
	$(Q)$(MAKE) --no-print-directory fuzz-check
	$(Q)$(MAKE) --no-print-directory integration

# libFuzzer over oomlab explain's whole path (tests/fuzz/fuzz-explain.c),
# built with clang apart from the rest: make fuzz FUZZ_SECONDS=600.
# make check runs it briefly where clang has libFuzzer; CI=true makes a
# missing libFuzzer an error.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SRC     := tests/fuzz/fuzz-explain.c harness/explain-input.c harness/explain-event.c \
		harness/explain-model.c harness/explain.c harness/kmsg.c harness/badness.c \
		harness/util.c
FUZZ_CORPUS  := $(B)/fuzz/corpus
$(B)/fuzz/fuzz-explain: $(FUZZ_SRC) $(wildcard include/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  FUZZ-CC $@')
	$(Q)$(FUZZ_CC) -std=gnu11 -D_GNU_SOURCE -Iinclude -g -O1 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-o $@ $(FUZZ_SRC) -ljansson -lm

fuzz: $(B)/fuzz/fuzz-explain
	$(Q)mkdir -p $(FUZZ_CORPUS)
	$(Q)cp -n tests/fixtures/explain/*.txt tests/fixtures/explain/*.csv \
		tests/fixtures/explain/*.json tests/fixtures/explain/*.export \
		tests/fixtures/kmsg/*.txt $(FUZZ_CORPUS)/ 2>/dev/null || true
	$(Q)$(B)/fuzz/fuzz-explain tests/fuzz/regressions/* >$(B)/fuzz/regressions.log 2>&1 || \
		{ tail -n 30 $(B)/fuzz/regressions.log; exit 1; }
	$(Q)$(B)/fuzz/fuzz-explain -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		-rss_limit_mb=1024 -print_final_stats=1 -artifact_prefix=$(B)/fuzz/ \
		$(FUZZ_CORPUS) >$(B)/fuzz/fuzz.log 2>&1; rc=$$?; tail -n 12 $(B)/fuzz/fuzz.log; \
		[ $$rc = 0 ] || { grep -B5 -A25 'ERROR\|runtime error' $(B)/fuzz/fuzz.log | head -60; \
		echo "fuzz: FAILED, reproducer in $(B)/fuzz/ (add it to tests/fuzz/regressions/)"; exit 1; }

fuzz-check:
	$(Q)if echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' | \
		$(FUZZ_CC) -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then \
		$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$${FUZZ_CHECK_SECONDS:-30}; \
	elif [ "$$CI" = true ]; then \
		echo "fuzz: $(FUZZ_CC) with libFuzzer is missing (tests/deps.sh installs clang)" >&2; exit 1; \
	else \
		echo "fuzz: SKIP, no $(FUZZ_CC) with libFuzzer (apt-get install clang)"; \
	fi

# bench helpers: bench/X.c + util.o -> build/bench/X, plain like the worker
BENCH_BIN := $(patsubst bench/%.c,$(B)/bench/%,$(wildcard bench/*.c))
$(BENCH_BIN): $(B)/bench/%: $(B)/plain/bench/%.o $(B)/plain/harness/util.o
	@$(if $(Q),echo '  LD      $@')
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_W)

bench: all $(BENCH_BIN)
	$(Q)./bench/run.sh

format:
	clang-format -i $(FORMAT_SRC)

clean:
	rm -rf $(B)

.PHONY: all deps run unit integration check header-check format-check bench format clean fuzz fuzz-check
.SECONDARY:

-include $(shell find $(B) -name '*.d' 2>/dev/null)
