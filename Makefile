# vmos - one Makefile (plus mk/*.mk fragments, one per part of the tree).
#
#   make            build everything (optimised)
#   make test       build and run every test; ends with "N passed, N failed"
#   make check      the same tests built with ASan + UBSan and debug checks on
#   make bench      run the benchmarks (figures, never pass/fail)
#   make demo       the demonstration from the README (builds only vmos and hello)
#   make deps       check what the build and the tests need (tools/setup.sh test;
#                   as root it installs what is missing with apt-get)
#
# `make demo` and `make test` run tools/setup.sh first, so a missing program is
# named (with the apt-get line) before anything is built.
# BUILD selects the output directory; `make check` uses build/check.

BUILD    ?= build
CC       ?= cc
MODE     ?= release
CSTD      = -std=c11 -D_GNU_SOURCE
WARN      = -Wall -Wextra -Werror -Wno-unused-parameter
INC       = -Isrc -Isrc/hw -Isrc/kernel -Isrc/tools -Itests

# TIMEOUT_SCALE multiplies every test time limit (tests/run); the sanitizer
# build runs several times slower.  VMOS_TIMEOUT_SCALE in the environment wins.
ifeq ($(MODE),check)
OPT       = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -DVMOS_DEBUG=1
LDOPT     = -fsanitize=address,undefined
TIMEOUT_SCALE = 4
else
OPT       = -O2 -g -DNDEBUG
LDOPT     =
TIMEOUT_SCALE = 1
endif

CFLAGS_HOST = $(CSTD) $(WARN) $(OPT) $(INC) $(EXTRA_CFLAGS)
LDFLAGS_HOST = $(LDOPT) $(EXTRA_LDFLAGS)

# --- the simulator + kernel library, and the vmos command -------------------
LIB_SRCS  = $(wildcard src/hw/*.c) $(wildcard src/kernel/*.c) $(wildcard src/kernel/fs/*.c) \
            $(filter-out src/tools/vmos.c,$(wildcard src/tools/*.c))
LIB_OBJS  = $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LIBVMOS   = $(BUILD)/libvmos.a
VMOS      = $(BUILD)/vmos

# --- host unit tests: tests/<subsystem>/*_test.c, one binary each ------------
UNIT_SRCS = $(wildcard tests/*/*_test.c)
UNIT_BINS = $(patsubst tests/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

# --- host benchmarks: bench/*_bench.c, one binary each (run by bench/run) ---
BENCH_SRCS = $(wildcard bench/*_bench.c)
BENCH_BINS = $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))

# Fragments add to these.
ALL_TARGETS   = $(VMOS) $(UNIT_BINS)
BENCH_TARGETS = $(BENCH_BINS)

.PHONY: all all-targets test check bench demo deps clean
.SECONDARY:
all: all-targets

-include $(sort $(wildcard mk/*.mk))

all-targets: $(ALL_TARGETS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HOST) -MMD -MP -c $< -o $@

$(LIBVMOS): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(VMOS): $(BUILD)/obj/src/tools/vmos.o $(LIBVMOS)
	$(CC) $(LDFLAGS_HOST) $^ -o $@ -lm

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(BUILD)/obj/tests/main.o $(LIBVMOS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_HOST) $^ -o $@ -lm

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(LIBVMOS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_HOST) $^ -o $@ -lm

deps:
	@VMOS_BUILD=$(BUILD) tools/setup.sh test

# The dependency check runs before anything is built: recursive make keeps
# that order under -j.
test:
	@VMOS_BUILD=$(BUILD) tools/setup.sh test
	@$(MAKE) --no-print-directory all-targets
	@VMOS_BUILD=$(BUILD) VMOS_TIMEOUT_SCALE=$${VMOS_TIMEOUT_SCALE:-$(TIMEOUT_SCALE)} tests/run

check:
	@$(MAKE) --no-print-directory MODE=check BUILD=build/check test

bench: all-targets $(BENCH_TARGETS)
	@VMOS_BUILD=$(BUILD) bench/run

DEMO_TARGETS = $(VMOS) $(BUILD)/user/bin/hello
demo:
	@VMOS_BUILD=$(BUILD) tools/setup.sh demo
	@$(MAKE) --no-print-directory $(DEMO_TARGETS)
	$(VMOS) run --prefix --maps --stats $(BUILD)/user/bin/hello from vmos --- $(BUILD)/user/bin/hello a second process

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
