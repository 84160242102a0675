#!/usr/bin/env bash
# bench/glibc.sh - start-up time of a static glibc program: the same ELF
# ($VMOS_BUILD/glibc/hello, riscv64-linux-gnu-gcc -static -O2) run to the
# end under `vmos run` and under qemu-riscv64 (the peer), alternating
# vmos, qemu, vmos, qemu, ... $BENCH_RUNS times each (default 21); prints
# the median wall time of each, in milliseconds, and the ratio vmos/qemu.
# Wall time includes starting the host process (vmos boots a machine: RAM,
# page tables, allocators; qemu sets up its translator).  A benchmark: it
# never fails; it says why when it cannot measure (no cross compiler, no
# qemu, or a vmos that cannot run hard-float programs yet).
#   BENCH_RUNS=N      runs per engine (median reported)
set -u
cd "$(dirname "$0")/.."
VMOS_BUILD=${VMOS_BUILD:-build}
VMOS=$VMOS_BUILD/vmos
PROG=$VMOS_BUILD/glibc/hello
RUNS=${BENCH_RUNS:-21}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$PROG" ]; then
	echo "skipped: $PROG not built (riscv64-linux-gnu-gcc not installed?)"
	exit 0
fi
if ! command -v qemu-riscv64 >/dev/null 2>&1; then
	echo "skipped: qemu-riscv64 not installed (the peer)"
	exit 0
fi
if ! "$VMOS" run "$PROG" </dev/null >"$tmp/out" 2>"$tmp/err"; then
	echo "skipped: vmos cannot run glibc hello yet: $(head -n 1 "$tmp/err")"
	exit 0
fi
qemu-riscv64 "$PROG" </dev/null >"$tmp/qout" 2>/dev/null
if ! cmp -s "$tmp/out" "$tmp/qout"; then
	echo "note: vmos and qemu print different output for $PROG"
fi

ms() {    # ms CMD...: wall milliseconds of one run
	local s e
	s=$(date +%s%N)
	"$@" </dev/null >/dev/null 2>&1
	e=$(date +%s%N)
	awk -v n=$((e - s)) 'BEGIN { printf "%.3f\n", n / 1e6 }'
}

for ((i = 0; i < RUNS; i++)); do
	ms "$VMOS" run "$PROG" >>"$tmp/vmos"
	ms qemu-riscv64 "$PROG" >>"$tmp/qemu"
done
median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
v=$(median "$tmp/vmos")
q=$(median "$tmp/qemu")
insns=$("$VMOS" run --stats "$PROG" 2>&1 >/dev/null </dev/null | sed -n 's/^instructions: //p')
printf 'glibc hello start-up (static, %s runs each, alternating, median wall time)\n' "$RUNS"
printf '  vmos run      %8.2f ms   (%s instructions)\n' "$v" "${insns:-?}"
printf '  qemu-riscv64  %8.2f ms\n' "$q"
awk -v v="$v" -v q="$q" 'BEGIN { printf "  vmos/qemu     %8.2fx\n", v / q }'
