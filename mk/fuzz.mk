# mk/fuzz.mk - the differential fuzzer and `make fuzz` (docs/fuzzing.md).
#
#   $(BUILD)/fuzz/diff_gen   host program: seed -> RISC-V ELF (tests/fuzz/diff_gen.c)
#   make fuzz                every fuzzer for FUZZ_TIME seconds in all (default
#                            300), one after the other: half to the
#                            differential fuzzer (tests/fuzz/diff_run time),
#                            a quarter to the ELF parser (libFuzzer, fuzz-elf-run),
#                            a quarter to iso_sysfuzz inside vmos (new seeds)
#   make fuzz-diff           the differential fuzzer alone for FUZZ_TIME seconds
# `make test` replays tests/fuzz/corpus/diff and a smoke run (tests/fuzz/diff.sh).
ALL_TARGETS += $(BUILD)/fuzz/diff_gen

$(BUILD)/fuzz/diff_gen: tests/fuzz/diff_gen.c src/hw/cpu_encode.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HOST) $< -o $@ $(LDFLAGS_HOST)

# elf.mk's FUZZ_TIME default (180) is for fuzz-elf-run alone.
ifeq ($(origin FUZZ_TIME),file)
FUZZ_TOTAL = 300
else
FUZZ_TOTAL = $(FUZZ_TIME)
endif

.PHONY: fuzz fuzz-diff fuzz-sys
fuzz-diff: all-targets
	VMOS_BUILD=$(BUILD) tests/fuzz/diff_run time $(FUZZ_TOTAL)

fuzz-sys: all-targets
	VMOS_BUILD=$(BUILD) tests/fuzz/sys_run $(FUZZ_TOTAL)

fuzz: all-targets $(BUILD)/fuzz/elf_fuzz
	VMOS_BUILD=$(BUILD) tests/fuzz/diff_run time $$(( $(FUZZ_TOTAL) / 2 ))
	$(MAKE) --no-print-directory fuzz-elf-run FUZZ_TIME=$$(( $(FUZZ_TOTAL) / 4 ))
	VMOS_BUILD=$(BUILD) tests/fuzz/sys_run $$(( $(FUZZ_TOTAL) / 4 ))
