#!/usr/bin/env bash
# bench/threads.sh - thread create+join and futex wake-up latency: one C
# source (bench/threads/threads_bench.c) built for vmos with
# riscv64-linux-gnu-gcc -static -O2 -pthread and for this Linux machine
# with cc -O2 -pthread (the native peer), each run $BENCH_THREADS_RUNS
# times (default 5), alternating; prints the medians (ns per operation,
# as the program measures them on CLOCK_MONOTONIC) and vmos/native.
# qemu-riscv64 is shown too when installed (its threads are host threads).
# A benchmark: never fails; "-" where an engine is missing.
set -u
cd "$(dirname "$0")/.."
VMOS_BUILD=${VMOS_BUILD:-build}
VMOS=$VMOS_BUILD/vmos
OUT=$VMOS_BUILD/bench/threads
SRC=bench/threads/threads_bench.c
RUNS=${BENCH_THREADS_RUNS:-5}
N_CREATE=${BENCH_THREADS_CREATE:-2000}
N_WAKE=${BENCH_THREADS_WAKE:-5000}
mkdir -p "$OUT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

guest=0 native=0 qemu=0
if command -v riscv64-linux-gnu-gcc >/dev/null 2>&1 &&
   riscv64-linux-gnu-gcc -static -O2 -pthread "$SRC" -o "$OUT/threads_bench.rv" 2>"$tmp/cc"; then
	[ -x "$VMOS" ] && guest=1
	command -v qemu-riscv64 >/dev/null 2>&1 && qemu=1
else
	echo "no riscv64-linux-gnu-gcc: no vmos figures"
fi
cc -O2 -pthread "$SRC" -o "$OUT/threads_bench.host" 2>>"$tmp/cc" && native=1

# one ENGINE MODE N: the figure one run prints, or "fail"
one() {
	local cmd
	case $1 in
	vmos)   cmd=("$VMOS" run "$OUT/threads_bench.rv") ;;
	qemu)   cmd=(qemu-riscv64 "$OUT/threads_bench.rv") ;;
	native) cmd=("$OUT/threads_bench.host") ;;
	esac
	timeout 300 "${cmd[@]}" "$2" "$3" 2>/dev/null | sed -n 's/^[a-z_]*=//p' | grep . || echo fail
}
median() { grep -v fail "$1" 2>/dev/null | sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "-" }'; }

for ((i = 0; i < RUNS; i++)); do
	for mode in create wake; do
		n=$N_CREATE; [ $mode = wake ] && n=$N_WAKE
		[ $guest -eq 1 ] && one vmos $mode $n >>"$tmp/vmos.$mode"
		[ $native -eq 1 ] && one native $mode $n >>"$tmp/native.$mode"
		[ $qemu -eq 1 ] && one qemu $mode $n >>"$tmp/qemu.$mode"
	done
done
printf 'threads (median of %s runs; ns per operation)\n' "$RUNS"
printf '  %-34s %12s %12s %12s %12s\n' figure vmos native qemu vmos/native
for mode in create wake; do
	v=$(median "$tmp/vmos.$mode"); nat=$(median "$tmp/native.$mode"); q=$(median "$tmp/qemu.$mode")
	label="pthread_create + join ($N_CREATE)"; [ $mode = wake ] && label="futex wake-up, ping-pong ($N_WAKE)"
	ratio=$(awk -v v="$v" -v n="$nat" 'BEGIN { if (v == "-" || n == "-" || n == 0) print "-"; else printf "%.2fx", v / n }')
	printf '  %-34s %12s %12s %12s %12s\n' "$label" "$v" "$nat" "$q" "$ratio"
done
