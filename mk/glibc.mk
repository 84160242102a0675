# mk/glibc.mk - programs built with Debian's riscv64-linux-gnu-gcc against
# glibc, static (-static -O2), lp64d: real-world ELFs for vmos to run and
# compare with qemu-riscv64 (tests/glibc/glibc.sh, bench/glibc.sh).
#
#   $(BUILD)/glibc/NAME     one static ELF per user/glibc/NAME.c
#
# Built only when the cross compiler is installed (apt-get install
# gcc-riscv64-linux-gnu); without it the tests say why they skip.

GLIBC_CC     ?= riscv64-linux-gnu-gcc
GLIBC_CFLAGS  = -static -O2 -g -Wall -Wextra -Werror
GLIBC_SRCS    = $(wildcard user/glibc/*.c)
GLIBC_PROGS   = $(patsubst user/glibc/%.c,$(BUILD)/glibc/%,$(GLIBC_SRCS))

ifneq ($(shell command -v $(GLIBC_CC) 2>/dev/null),)
ALL_TARGETS  += $(GLIBC_PROGS)
endif

.PHONY: glibc
glibc: $(GLIBC_PROGS)

$(BUILD)/glibc/%: user/glibc/%.c
	@mkdir -p $(dir $@)
	$(GLIBC_CC) $(GLIBC_CFLAGS) $< -o $@ -lm
