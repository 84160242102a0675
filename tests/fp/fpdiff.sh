#!/usr/bin/env bash
# tests/fp/fpdiff.sh - differential test of the F/D extensions against
# qemu-riscv64 (tests/fp/fpdiff.py): 4 programs of 150 random sequences of
# 24 F/D instructions, registers, fcsr, memory and every op's fflags
# compared.  Bounded to a few seconds; `make fuzz-fp` runs many more seeds.
# Skips (with the reason) if qemu-riscv64, clang/ld.lld or python3 is absent.
set -u
cd "$(dirname "$0")/../.."
if ! command -v python3 >/dev/null 2>&1; then
	echo "fpdiff: python3 not installed: skipped"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
exec python3 tests/fp/fpdiff.py --seeds 4 --seqs 150 --ops 24 --vmos "${VMOS_BUILD:-build}/vmos"
