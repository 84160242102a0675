# mk/malloc.mk - the C library's malloc (user/lib/malloc) built for the host:
#
#   $(BUILD)/libvmosmalloc.so      drop-in malloc for LD_PRELOAD (real break);
#                                  always built without sanitizers
#   $(BUILD)/libvmosmalloc_vm.a    the same sources with every public name
#                                  prefixed vm_ and a simulated break, so tests
#                                  and benchmarks hold it next to glibc malloc
#   $(BUILD)/mtrace                the trace driver (src/tools/mtrace/mtrace.c)
#   $(BUILD)/tests/malloc/malloc_test   unit + randomized tests
#   $(BUILD)/bench/malloc_bench    policies vs glibc over tests/malloc/traces
# The riscv64 build (user/lib/malloc into libc.a, user/bin/tests/malloc_trace.c and
# malloc_stress) is mk/user.mk's; tests/malloc/rv.sh runs those programs
# under qemu-riscv64 and inside vmos.

MALLOC_DIR   = user/lib/malloc
MALLOC_SRCS  = $(wildcard $(MALLOC_DIR)/*.c)
MALLOC_HDRS  = $(wildcard $(MALLOC_DIR)/*.h)
MALLOC_FLAGS = -fno-builtin -I$(MALLOC_DIR)

# --- the LD_PRELOAD library: release flags whatever the mode -------------
MALLOC_SO      = $(BUILD)/libvmosmalloc.so
MALLOC_SO_OBJS = $(MALLOC_SRCS:$(MALLOC_DIR)/%.c=$(BUILD)/malloc/so/%.o)
$(BUILD)/malloc/so/%.o: $(MALLOC_DIR)/%.c $(MALLOC_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O2 -g -DNDEBUG -fPIC -fno-semantic-interposition \
		$(MALLOC_FLAGS) -c $< -o $@
$(MALLOC_SO): $(MALLOC_SO_OBJS) $(MALLOC_DIR)/libvmosmalloc.map
	$(CC) -shared -Wl,--version-script=$(MALLOC_DIR)/libvmosmalloc.map \
		$(MALLOC_SO_OBJS) -o $@

# --- the prefixed archive --------------------------------------------------
MALLOC_VM_A    = $(BUILD)/libvmosmalloc_vm.a
MALLOC_VM_OBJS = $(MALLOC_SRCS:$(MALLOC_DIR)/%.c=$(BUILD)/malloc/vm/%.o)
$(BUILD)/malloc/vm/%.o: $(MALLOC_DIR)/%.c $(MALLOC_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HOST) $(MALLOC_FLAGS) -DMALLOC_PREFIX=vm_ -DMALLOC_SIM_BRK -c $< -o $@
$(MALLOC_VM_A): $(MALLOC_VM_OBJS)
	rm -f $@ && ar rcs $@ $^

MTRACE_DIR   = src/tools/mtrace
MALLOC_TOOL_CFLAGS = $(CFLAGS_HOST) -I$(MALLOC_DIR) -I$(MTRACE_DIR) -DMALLOC_PREFIX=vm_

$(BUILD)/malloc/tools/%.o: $(MTRACE_DIR)/%.c $(MALLOC_HDRS) $(wildcard $(MTRACE_DIR)/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(MALLOC_TOOL_CFLAGS) -c $< -o $@

$(BUILD)/mtrace: $(BUILD)/malloc/tools/mtrace.o $(BUILD)/malloc/tools/mtrace_replay.o $(MALLOC_VM_A)
	$(CC) $(LDFLAGS_HOST) $^ -o $@ -lm

# --- tests -------------------------------------------------------------------
$(BUILD)/malloc/tests/%.o: tests/malloc/%.c $(MALLOC_HDRS) tests/test.h
	@mkdir -p $(dir $@)
	$(CC) $(MALLOC_TOOL_CFLAGS) -c $< -o $@

MALLOC_TEST_OBJS = $(patsubst tests/malloc/%.c,$(BUILD)/malloc/tests/%.o,$(wildcard tests/malloc/malloc_*.c))
$(BUILD)/tests/malloc/malloc_test: $(MALLOC_TEST_OBJS) $(BUILD)/obj/tests/main.o $(MALLOC_VM_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_HOST) $^ -o $@ -lm

# --- benchmark ---------------------------------------------------------------
$(BUILD)/bench/malloc_bench: $(BUILD)/malloc/bench/malloc_bench.o $(BUILD)/malloc/tools/mtrace_replay.o $(MALLOC_VM_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_HOST) $^ -o $@ -lm
$(BUILD)/malloc/bench/%.o: bench/%.c $(MALLOC_HDRS) $(wildcard $(MTRACE_DIR)/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(MALLOC_TOOL_CFLAGS) -c $< -o $@

ALL_TARGETS   += $(MALLOC_SO) $(MALLOC_VM_A) $(BUILD)/mtrace $(BUILD)/tests/malloc/malloc_test
BENCH_TARGETS += $(BUILD)/bench/malloc_bench

