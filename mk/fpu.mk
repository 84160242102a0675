# mk/fpu.mk - the F/D extensions' tests.
#
#   make fuzz-fp    the differential test against qemu-riscv64 at length:
#                   FP_FUZZ_SEEDS programs (default 200) of 300 random
#                   sequences each, from seed FP_FUZZ_FIRST (default 1000);
#                   `make test` runs 4 short ones (tests/fp/fpdiff.sh)
#
# tests/hw/fpu_test.c compares fpu.c with the host's SSE arithmetic after
# changing the host's rounding mode: the compiler must not assume the
# default mode there (-frounding-math).

$(BUILD)/obj/tests/hw/fpu_test.o: CFLAGS_HOST += -frounding-math

FP_FUZZ_SEEDS ?= 200
FP_FUZZ_FIRST ?= 1000

.PHONY: fuzz-fp
fuzz-fp: $(VMOS)
	python3 tests/fp/fpdiff.py --vmos $(VMOS) --first $(FP_FUZZ_FIRST) \
		--seeds $(FP_FUZZ_SEEDS) --seqs 300 --ops 32
