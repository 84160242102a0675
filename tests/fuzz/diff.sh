#!/usr/bin/env bash
# tests/fuzz/diff.sh - the differential fuzzer's smoke run in `make test`:
# the corpus (tests/fuzz/corpus/diff/cases), then CPU programs 1..200 of
# tests/fuzz/diff_gen.c and memory sequences 1..12 of user/bin/diff_memfuzz,
# each run under vmos and qemu-riscv64 (tests/fuzz/diff_run; docs/fuzzing.md).
# Without qemu-riscv64 the comparisons are skipped, with the reason; the
# memory model checks still run under vmos.
# DIFF_SMOKE_CPU, DIFF_SMOKE_MEM override the number of seeds.
set -u
cd "$(dirname "$0")/../.."
export VMOS_BUILD=${VMOS_BUILD:-build}
command -v "${QEMU:-qemu-riscv64}" >/dev/null 2>&1 ||
	echo "skip: qemu-riscv64 not installed: vmos/qemu comparisons skipped"
p=0 f=0 s=0
for args in "corpus tests/fuzz/corpus/diff/cases" "cpu 1 ${DIFF_SMOKE_CPU:-200}" \
	    "mem 1 ${DIFF_SMOKE_MEM:-12}"; do
	out=$(tests/fuzz/diff_run $args 2>&1)
	last=$(printf '%s\n' "$out" | tail -n 1)
	printf '%s\n' "$out" | grep -v '^[0-9]* passed' | head -n 40
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)?$ ]]; then
		echo "diff_run $args: $last"
		p=$((p + BASH_REMATCH[1])); f=$((f + BASH_REMATCH[2])); s=$((s + ${BASH_REMATCH[4]:-0}))
	else
		echo "FAIL diff_run $args: no result line"; f=$((f + 1))
	fi
done
if [ $s -gt 0 ]; then echo "$p passed, $f failed, $s skipped"; else echo "$p passed, $f failed"; fi
[ $f -eq 0 ]
