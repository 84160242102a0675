# mk/user.mk - the user-space world: programs compiled for riscv64 that run
# inside vmos (and, for differential testing, under qemu-riscv64).
#
#   $(BUILD)/user/libc.a       user/lib/*.c *.S and user/lib/*/*.c (malloc)
#   $(BUILD)/user/crt0.o       process entry (_start)
#   $(BUILD)/user/bin/NAME     one static ELF64 per user/bin/NAME.c, text at 0x10000
#
# The same ELFs serve release and check builds (no host sanitizers apply to
# riscv code); they live under $(BUILD) so both build trees are complete.

USER_CC      ?= clang
USER_ARCH     = --target=riscv64 -march=rv64imac -mabi=lp64 -mcmodel=medany
USER_CFLAGS   = $(USER_ARCH) -nostdlib -ffreestanding -fno-stack-protector -fno-pic \
                -O2 -g -Wall -Wextra -Werror -Iuser/include -Isrc/abi
USER_LDFLAGS  = $(USER_ARCH) -nostdlib -ffreestanding -fuse-ld=lld -static \
                -Wl,--image-base=0x10000 -Wl,-e,_start -Wl,--build-id=none

USER_OBJ      = $(BUILD)/user/obj
USER_LIB_SRCS = $(filter-out user/lib/crt0.S,\
                  $(wildcard user/lib/*.c user/lib/*.S user/lib/*/*.c))
USER_LIB_OBJS = $(patsubst %,$(USER_OBJ)/%.o,$(USER_LIB_SRCS))
USER_LIBC     = $(BUILD)/user/libc.a
USER_CRT0     = $(BUILD)/user/crt0.o

# Programs that call malloc link only once user/lib/malloc/ exists.
USER_MALLOC_PROGS = $(patsubst user/bin/%.c,%,$(shell grep -l '^// needs: malloc' user/bin/*.c 2>/dev/null))
ifeq ($(wildcard user/lib/malloc/*.c),)
USER_PROG_SRCS = $(filter-out $(USER_MALLOC_PROGS:%=user/bin/%.c),$(wildcard user/bin/*.c))
else
USER_PROG_SRCS = $(wildcard user/bin/*.c)
endif
USER_PROGS    = $(patsubst user/bin/%.c,$(BUILD)/user/bin/%,$(USER_PROG_SRCS))

ALL_TARGETS  += $(USER_LIBC) $(USER_CRT0) $(USER_PROGS)

# Keep the objects of programs (make would delete them as intermediates).
.SECONDARY: $(patsubst %,$(USER_OBJ)/%.o,$(USER_PROG_SRCS))

.PHONY: user
user: $(USER_LIBC) $(USER_CRT0) $(USER_PROGS)

$(USER_OBJ)/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(USER_OBJ)/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(USER_CRT0): $(USER_OBJ)/user/lib/crt0.S.o
	cp $< $@

$(USER_LIBC): $(USER_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && llvm-ar rcs $@ $^

$(BUILD)/user/bin/%: $(USER_OBJ)/user/bin/%.c.o $(USER_CRT0) $(USER_LIBC)
	@mkdir -p $(dir $@)
	$(USER_CC) $(USER_LDFLAGS) $(USER_CRT0) $< $(USER_LIBC) -o $@

-include $(shell find $(USER_OBJ) -name '*.d' 2>/dev/null)
