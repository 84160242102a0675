# mk/user.mk - the user-space world: programs compiled for riscv64 that run
# inside vmos (and, for differential testing, under qemu-riscv64).
#
#   $(BUILD)/user/libc.a       user/lib/*.c *.S and user/lib/*/*.c (malloc)
#   $(BUILD)/user/crt0.o       process entry (_start)
#   $(BUILD)/user/bin/NAME     one static ELF64 per user/bin/FOLDER/NAME.c, text
#                              at 0x10000 (the outputs stay flat: FOLDER is only
#                              where the source lives)
#   $(BUILD)/user/sf/libc.a    the same library for the soft-float ABI (no math.c)
#
# The programs' sources are in folders by purpose (user/bin/README.md):
#   user/bin/demos/   programs to run by hand and in the docs (hello, ...)
#   user/bin/tests/   self-checking and differential tests, isolation tests
#   user/bin/bench/   benchmarks (bench/cpu.sh, bench/vm.sh, bench/fork.sh)
# A new program goes into one of these folders.  A flat user/bin/NAME.c still
# builds (branches written before the folders keep building after a merge),
# but move it into a folder.  Two sources with the same NAME are an error:
# the outputs share one directory.
#
# Programs build for RV64GC with the lp64d ABI, the one Linux distributions
# ship.  A program whose source has the line `// abi: lp64` builds for
# rv64imac/lp64 (soft float) against user/sf/libc.a instead, so the
# soft-float ABI keeps working.
#
# The same ELFs serve release and check builds (no host sanitizers apply to
# riscv code); they live under $(BUILD) so both build trees are complete.

USER_CC      ?= clang
USER_AR      ?= $(or $(shell command -v llvm-ar || command -v llvm-ar-14),llvm-ar)
USER_ARCH     = --target=riscv64 -march=rv64gc -mabi=lp64d -mcmodel=medany
USER_ARCH_SF  = --target=riscv64 -march=rv64imac -mabi=lp64 -mcmodel=medany
USER_CFLAGS_C = -nostdlib -ffreestanding -fno-stack-protector -fno-pic \
                -O2 -g -Wall -Wextra -Werror -Iuser/include -Isrc/abi
USER_CFLAGS   = $(USER_ARCH) $(USER_CFLAGS_C)
USER_LDFLAGS_C = -nostdlib -ffreestanding -fuse-ld=lld -static \
                -Wl,--image-base=0x10000 -Wl,-e,_start -Wl,--build-id=none
USER_LDFLAGS  = $(USER_ARCH) $(USER_LDFLAGS_C)

USER_OBJ      = $(BUILD)/user/obj
USER_LIB_SRCS = $(filter-out user/lib/crt0.S,\
                  $(wildcard user/lib/*.c user/lib/*.S user/lib/*/*.c))
USER_LIB_OBJS = $(patsubst %,$(USER_OBJ)/%.o,$(USER_LIB_SRCS))
USER_LIBC     = $(BUILD)/user/libc.a
USER_CRT0     = $(BUILD)/user/crt0.o
USER_OBJ_SF   = $(BUILD)/user/obj-sf
USER_LIB_OBJS_SF = $(patsubst %,$(USER_OBJ_SF)/%.o,$(filter-out user/lib/math.c,$(USER_LIB_SRCS)))
USER_LIBC_SF  = $(BUILD)/user/sf/libc.a
USER_CRT0_SF  = $(BUILD)/user/sf/crt0.o

USER_BIN_SRCS := $(wildcard user/bin/*/*.c user/bin/*.c)

# Programs that call malloc (the line `// needs: malloc`) link only once
# user/lib/malloc/ exists.
USER_MALLOC_SRCS := $(shell grep -l '^// needs: malloc' $(USER_BIN_SRCS) /dev/null 2>/dev/null)
ifeq ($(wildcard user/lib/malloc/*.c),)
USER_PROG_SRCS = $(filter-out $(USER_MALLOC_SRCS),$(USER_BIN_SRCS))
else
USER_PROG_SRCS = $(USER_BIN_SRCS)
endif
USER_SF_SRCS  := $(filter $(USER_PROG_SRCS),$(shell grep -l '^// abi: lp64$$' $(USER_BIN_SRCS) /dev/null 2>/dev/null))
USER_PROG_NAMES = $(notdir $(USER_PROG_SRCS:.c=))
USER_PROGS    = $(USER_PROG_NAMES:%=$(BUILD)/user/bin/%)

USER_DUP_NAMES = $(strip $(foreach n,$(sort $(USER_PROG_NAMES)),\
                   $(if $(word 2,$(filter $(n),$(USER_PROG_NAMES))),$(n))))
ifneq ($(USER_DUP_NAMES),)
$(error mk/user.mk: two user/bin sources build $(BUILD)/user/bin/$(firstword $(USER_DUP_NAMES)): \
  $(filter %/$(firstword $(USER_DUP_NAMES)).c,$(USER_PROG_SRCS)); rename one)
endif

ALL_TARGETS  += $(USER_LIBC) $(USER_CRT0) $(USER_LIBC_SF) $(USER_CRT0_SF) $(USER_PROGS)

# Keep the objects of programs (make would delete them as intermediates).
.SECONDARY: $(patsubst %,$(USER_OBJ)/%.o,$(USER_PROG_SRCS)) \
            $(patsubst %,$(USER_OBJ_SF)/%.o,$(USER_SF_SRCS))

.PHONY: user
user: $(USER_LIBC) $(USER_CRT0) $(USER_LIBC_SF) $(USER_CRT0_SF) $(USER_PROGS)

# Objects are rebuilt when the flags change (the ABI moved from lp64 to
# lp64d once; stale objects would not link): a stamp holds the flags.
USER_FLAGS_STAMP = $(USER_OBJ)/flags.stamp
$(USER_FLAGS_STAMP): FORCE
	@mkdir -p $(dir $@)
	@echo '$(USER_CFLAGS)' | cmp -s - $@ || echo '$(USER_CFLAGS)' > $@
.PHONY: FORCE
FORCE:

$(USER_OBJ)/%.c.o: %.c $(USER_FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(USER_OBJ)/%.S.o: %.S $(USER_FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(USER_OBJ_SF)/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_ARCH_SF) $(USER_CFLAGS_C) -MMD -MP -c $< -o $@

$(USER_OBJ_SF)/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_ARCH_SF) $(USER_CFLAGS_C) -MMD -MP -c $< -o $@

$(USER_CRT0): $(USER_OBJ)/user/lib/crt0.S.o
	cp $< $@

$(USER_CRT0_SF): $(USER_OBJ_SF)/user/lib/crt0.S.o
	@mkdir -p $(dir $@)
	cp $< $@

$(USER_LIBC_SF): $(USER_LIB_OBJS_SF)
	@mkdir -p $(dir $@)
	rm -f $@ && $(USER_AR) rcs $@ $^

$(USER_LIBC): $(USER_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(USER_AR) rcs $@ $^

# One link rule per program, NAME from SOURCE: the soft-float ABI's library
# for the programs marked `// abi: lp64`, the lp64d one for the others.  A
# fragment that links a program its own way (mk/prot.mk) names it in
# USER_OWN_RULE and gives the rule itself.
define USER_PROG_RULE
$(BUILD)/user/bin/$(1): $(USER_OBJ)/$(2).o $(USER_CRT0) $(USER_LIBC)
	@mkdir -p $$(dir $$@)
	$(USER_CC) $(USER_LDFLAGS) $(USER_CRT0) $$< $(USER_LIBC) -o $$@
endef
define USER_SF_RULE
$(BUILD)/user/bin/$(1): $(USER_OBJ_SF)/$(2).o $(USER_CRT0_SF) $(USER_LIBC_SF)
	@mkdir -p $$(dir $$@)
	$(USER_CC) $(USER_ARCH_SF) $(USER_LDFLAGS_C) $(USER_CRT0_SF) $$< $(USER_LIBC_SF) -o $$@
endef
$(foreach s,$(filter-out $(USER_SF_SRCS),$(USER_PROG_SRCS)),\
  $(if $(filter $(notdir $(s:.c=)),$(USER_OWN_RULE)),,\
    $(eval $(call USER_PROG_RULE,$(notdir $(s:.c=)),$(s)))))
$(foreach s,$(USER_SF_SRCS),$(eval $(call USER_SF_RULE,$(notdir $(s:.c=)),$(s))))

-include $(shell find $(USER_OBJ) $(USER_OBJ_SF) -name '*.d' 2>/dev/null)
