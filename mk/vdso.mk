# mk/vdso.mk - the vDSO: RISC-V code written for vmos (src/vdso/vdso.c,
# laid out by src/vdso/vdso.lds), built as a real ELF shared object and
# embedded in vmos as a C array that the kernel maps into every process
# (src/kernel/vdso.c).
#
#   $(BUILD)/vdso/vdso.so         the shared object (clang --target=riscv64, ld.lld -shared)
#   $(BUILD)/gen/vdso_image.c     its bytes and symbol offsets (tools/vdso_embed.sh)

VDSO_CC      ?= clang
VDSO_LD      ?= ld.lld
VDSO_OBJCOPY ?= $(or $(shell command -v llvm-objcopy || command -v llvm-objcopy-14),llvm-objcopy)
VDSO_CFLAGS   = --target=riscv64 -march=rv64gc -mabi=lp64d -O2 -fPIC -ffreestanding \
                -fno-stack-protector -nostdlib -Wall -Wextra -Werror -Isrc/vdso
VDSO_SO       = $(BUILD)/vdso/vdso.so
VDSO_GEN      = $(BUILD)/gen/vdso_image.c
VDSO_GEN_OBJ  = $(BUILD)/obj/gen/vdso_image.o

LIB_OBJS += $(VDSO_GEN_OBJ)

$(BUILD)/vdso/vdso.o: src/vdso/vdso.c src/vdso/vvar.h
	@mkdir -p $(dir $@)
	$(VDSO_CC) $(VDSO_CFLAGS) -c $< -o $@

$(VDSO_SO): $(BUILD)/vdso/vdso.o src/vdso/vdso.lds
	$(VDSO_LD) -shared -T src/vdso/vdso.lds --hash-style=both -soname linux-vdso.so.1 \
		--build-id=none -z max-page-size=4096 -z norelro --no-undefined -o $@.full $<
	$(VDSO_OBJCOPY) --strip-all $@.full $@

$(VDSO_GEN): $(VDSO_SO) tools/vdso_embed.sh
	@mkdir -p $(dir $@)
	tools/vdso_embed.sh $< $@

$(VDSO_GEN_OBJ): $(VDSO_GEN)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HOST) -c $< -o $@
