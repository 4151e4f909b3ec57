# oomlab: one non-recursive Makefile. Objects under build/, -MMD -MP
# dependency files, V=1 for full commands, a flags stamp so that a change of
# CFLAGS rebuilds everything, SAN=1 for ASan+UBSan, WERROR=1 (CI) for -Werror.
#
#   make            build build/oomlab and build/oomlab-worker
#   make run        install what is missing, build, run profiles/quickstart.ini
#   make check      install what is missing, build, unit + integration tests
#   make unit       unit tests only (no root, no OOM)
#   make bench      benchmarks (ratios against the raw fault loop / stress-ng)

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
ifeq ($(SAN),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE -Iinclude $(WARN) $(CFLAGS) -MMD -MP
LDLIBS_H   := -lcgroup -lcap -linih -ljansson -lm
LDLIBS_W   := -lm

ifeq ($(V),1)
Q :=
else
Q := @
endif

HARNESS_SRC := $(filter-out harness/main.c,$(wildcard harness/*.c))
WORKER_SRC  := $(wildcard stressors/*.c)
# stressors/patterns.c is the pattern table both binaries read
HARNESS_OBJ := $(HARNESS_SRC:%.c=$(B)/%.o) $(B)/stressors/patterns.o
WORKER_OBJ  := $(WORKER_SRC:%.c=$(B)/%.o) $(B)/harness/util.o $(B)/harness/hist.o
UNIT_SRC    := $(wildcard tests/unit/test-*.c)
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

all: $(B)/oomlab $(B)/oomlab-worker

# Rebuild everything when the flags change.
FLAGS_STAMP := $(B)/.flags
FLAGS_NOW   := $(CC) $(ALL_CFLAGS) $(LDFLAGS)
$(shell mkdir -p $(B); echo '$(FLAGS_NOW)' | cmp -s - $(FLAGS_STAMP) || echo '$(FLAGS_NOW)' > $(FLAGS_STAMP))

$(B)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC      $<')
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libharness.a: $(HARNESS_OBJ)
	@$(if $(Q),echo '  AR      $@')
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/oomlab: $(B)/harness/main.o $(B)/libharness.a
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_H)

$(B)/oomlab-worker: $(WORKER_OBJ)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_W)

# A unit test links its own module (tests/unit/test-X.c -> harness/X.c),
# util.o and the modules named in TEST_DEPS_X, so one module's test does not
# depend on every other module building.
TEST_DEPS_verdict := badness run
TEST_DEPS_results := run badness taskjson
TEST_DEPS_trace := hist
TEST_DEPS_profile := badness
TEST_DEPS_judge := badness taskjson run profile
.SECONDEXPANSION:
$(B)/tests/test-%: $(B)/tests/unit/test-%.o $(B)/harness/%.o $(B)/harness/util.o \
		$(B)/stressors/patterns.o \
		$$(addprefix $(B)/harness/,$$(addsuffix .o,$$(filter-out $$*,$$(TEST_DEPS_$$*))))
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS_H) -lcmocka

# C integration tests: tests/integration/test-X-live.c -> $(B)/tests/integration/X-live,
# linked like a unit test with harness/X.c; root only, exit 77 (SKIP) otherwise.
$(B)/tests/integration/%-live: $(B)/tests/integration/test-%-live.o $(B)/harness/%.o \
		$(B)/harness/util.o
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS_H) -lcmocka

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

check: deps all
	$(Q)$(MAKE) --no-print-directory unit
	$(Q)$(MAKE) --no-print-directory integration

# bench helpers: bench/X.c + util.o -> build/bench/X
BENCH_BIN := $(patsubst bench/%.c,$(B)/bench/%,$(wildcard bench/*.c))
$(BENCH_BIN): $(B)/bench/%: $(B)/bench/%.o $(B)/harness/util.o
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_W)

bench: all $(BENCH_BIN)
	$(Q)./bench/run.sh

format:
	clang-format -i $(wildcard */*.c */*.h tests/unit/*.c)

clean:
	rm -rf $(B)

.PHONY: all deps run unit integration check bench format clean
.SECONDARY:

-include $(shell find $(B) -name '*.d' 2>/dev/null)
