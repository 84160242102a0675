# mk/dyn.mk - position-independent programs for the exec tests
# (tests/kernel/exec_dyn.sh): user/dyn/probe.c built freestanding with
# clang/lld, without relocations, in four roles (see probe.c):
#
#   $(BUILD)/dyn/pie_static    ET_DYN, no PT_INTERP (a static-pie)
#   $(BUILD)/dyn/interp        ET_DYN, used as the PT_INTERP of the next two
#   $(BUILD)/dyn/pie_interp    ET_DYN with PT_INTERP = the absolute path of interp
#   $(BUILD)/dyn/exec_interp   ET_EXEC at 0x10000 with the same PT_INTERP
#
# The PT_INTERP path is absolute, so it names the interp of this build tree.

DYN_CC       ?= clang
DYN_CFLAGS    = --target=riscv64 -march=rv64gc -mabi=lp64d -mcmodel=medany -nostdlib \
                -ffreestanding -fno-stack-protector -fPIE -O2 -Wall -Wextra -Werror \
                -fuse-ld=lld -Wl,--build-id=none -Wl,-e,_start
DYN_PIE       = -Wl,-pie -Wl,-z,notext
DYN_DIR       = $(BUILD)/dyn
DYN_PROGS     = $(DYN_DIR)/pie_static $(DYN_DIR)/interp $(DYN_DIR)/pie_interp $(DYN_DIR)/exec_interp
ALL_TARGETS  += $(DYN_PROGS)

$(DYN_DIR)/pie_static: user/dyn/probe.c
	@mkdir -p $(dir $@)
	$(DYN_CC) $(DYN_CFLAGS) $(DYN_PIE) -Wl,--no-dynamic-linker $< -o $@

$(DYN_DIR)/interp: user/dyn/probe.c
	@mkdir -p $(dir $@)
	$(DYN_CC) $(DYN_CFLAGS) -DROLE_INTERP $(DYN_PIE) -Wl,--no-dynamic-linker $< -o $@

$(DYN_DIR)/pie_interp: user/dyn/probe.c $(DYN_DIR)/interp
	$(DYN_CC) $(DYN_CFLAGS) -DROLE_WITH_INTERP $(DYN_PIE) \
		-Wl,--dynamic-linker=$(abspath $(DYN_DIR)/interp) $< -o $@

$(DYN_DIR)/exec_interp: user/dyn/probe.c $(DYN_DIR)/interp
	$(DYN_CC) $(DYN_CFLAGS) -DROLE_WITH_INTERP -static -Wl,--image-base=0x10000 \
		-Wl,--dynamic-linker=$(abspath $(DYN_DIR)/interp) $< -o $@
