# mk/elf.mk - build rules of the ELF parser's tests and fuzz target.
#
#   $(BUILD)/tests/data/tiny.elf     a RISC-V program built here with clang/lld
#   $(BUILD)/tests/data/tiny.expect  its entry and PT_LOADs as llvm-readelf sees them
#   $(BUILD)/fuzz/elf_replay         the fuzz target with a plain main(), run by
#                                    tests/fuzz/elf_corpus.sh over the corpus
#   make fuzz-elf                    the libFuzzer build, $(BUILD)/fuzz/elf_fuzz
#                                    (not part of make / make test)
#   make fuzz-elf-run                runs it for FUZZ_TIME seconds (default 180)

RV_CC       ?= clang
RV_CFLAGS    = --target=riscv64 -march=rv64imac -mabi=lp64 -nostdlib -ffreestanding \
               -fuse-ld=lld -static -O2
READELF     ?= $(shell command -v llvm-readelf || command -v llvm-readelf-14)

ELF_TEST_DATA = $(BUILD)/tests/data/tiny.elf $(BUILD)/tests/data/tiny.expect
ALL_TARGETS  += $(ELF_TEST_DATA) $(BUILD)/fuzz/elf_replay

$(BUILD)/tests/data/tiny.elf: tests/kernel/data/tiny.c
	@mkdir -p $(dir $@)
	$(RV_CC) $(RV_CFLAGS) -Wl,-e,_start $< -o $@

# One line "entry 0x..." then one "load OFFSET VADDR FILESZ MEMSZ FLAGS" per
# PT_LOAD (flags as llvm-readelf prints them, blanks removed: R, RE, RW).
$(BUILD)/tests/data/tiny.expect: $(BUILD)/tests/data/tiny.elf
	@test -n "$(READELF)" || { echo "mk/elf.mk: llvm-readelf not found (Debian package llvm; tools/setup.sh test checks everything)" >&2; exit 1; }
	$(READELF) -lW $< | awk '/^Entry point/ { print "entry", $$3 } \
		$$1 == "LOAD" { f = ""; for (i = 7; i < NF; i++) f = f $$i; \
		print "load", $$2, $$3, $$5, $$6, f }' > $@.tmp && mv $@.tmp $@

$(BUILD)/fuzz/elf_replay: $(BUILD)/obj/tests/fuzz/elf_fuzz.o \
		$(BUILD)/obj/tests/fuzz/fuzz_main.o $(LIBVMOS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_HOST) $^ -o $@ -lm

FUZZ_CC   ?= clang
FUZZ_TIME ?= 180
.PHONY: fuzz-elf fuzz-elf-run
fuzz-elf: $(BUILD)/fuzz/elf_fuzz
$(BUILD)/fuzz/elf_fuzz: tests/fuzz/elf_fuzz.c src/kernel/elf.c src/kernel/elf.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined $(INC) tests/fuzz/elf_fuzz.c src/kernel/elf.c -o $@

fuzz-elf-run: $(BUILD)/fuzz/elf_fuzz
	@mkdir -p $(BUILD)/fuzz/corpus-elf
	$(BUILD)/fuzz/elf_fuzz -max_total_time=$(FUZZ_TIME) -max_len=16384 \
		$(BUILD)/fuzz/corpus-elf tests/fuzz/corpus/elf
