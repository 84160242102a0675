#!/usr/bin/env bash
# tests/malloc/rv.sh - the allocator as built into the user library
# (riscv64) and its in-vmos programs: under qemu-riscv64 (malloc_stress under
# every policy, malloc_trace over the trace set, VMOS_MALLOC, a bad trace
# rejected) and inside vmos itself (brk and mmap counted by --stats).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
B=$VMOS_BUILD
U=$B/user/bin
pass=0; fail=0; skip=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL $*"; }
if [ ! -x "$U/malloc_trace" ] || [ ! -x "$U/malloc_stress" ]; then
	echo "the riscv64 user programs were not built"; echo "0 passed, 1 failed"; exit 1
fi
if command -v qemu-riscv64 >/dev/null; then
	out=$(run_limited 120 qemu-riscv64 "$U/malloc_stress" 2>&1)
	if [ $? -eq 0 ] && grep -q '^9 passed, 0 failed' <<<"$out"; then ok; else ko "malloc_stress: $out"; fi
	for t in tests/malloc/traces/*.rep; do
		for pol in segfit,deferred best,ao buddy; do
			out=$(run_limited 60 qemu-riscv64 "$U/malloc_trace" "$pol" < "$t" 2>&1)
			if [ $? -eq 0 ] && grep -q "utilization [0-9.]*%" <<<"$out"; then ok; else ko "$t $pol: $out"; fi
		done
	done
	out=$(VMOS_MALLOC=worst,ao run_limited 60 qemu-riscv64 "$U/malloc_trace" < tests/malloc/traces/coalesce.rep 2>&1)
	if grep -q "^policy worst,ao,deferred:" <<<"$out"; then ok; else ko "VMOS_MALLOC not seen: $out"; fi
	out=$(printf '10 1 1 1\nq 0 5\n' | run_limited 60 qemu-riscv64 "$U/malloc_trace" 2>&1)
	if [ $? -ne 0 ] && grep -q "line 2: expected" <<<"$out"; then ok; else ko "bad trace accepted: $out"; fi
else
	skip=$((skip + 1)); echo "SKIP malloc under qemu-riscv64: qemu-riscv64 not installed (apt-get install qemu-user)"
fi
# inside vmos: the program's brk/mmap reach the kernel
out=$(run_vmos run --stats --env VMOS_MALLOC=best,ao "$U/malloc_trace" < tests/malloc/traces/realloc-strings.rep 2>&1)
if [ $? -eq 0 ] && grep -q "^policy best,ao,deferred:.*utilization" <<<"$out" &&
   grep -qE "syscalls [0-9]+ \(brk [1-9][0-9]*" <<<"$out"; then ok; else ko "vmos malloc_trace: $out"; fi
out=$(run_vmos -t 120 run --stats "$U/malloc_stress" segfit,deferred buddy 2>&1)
if [ $? -eq 0 ] && grep -q "^2 passed, 0 failed" <<<"$out" &&
   grep -qE "mmap [1-9][0-9]*, munmap [1-9]" <<<"$out"; then ok; else ko "vmos malloc_stress: $(tail -5 <<<"$out")"; fi
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
