#!/usr/bin/env bash
# bench/signals.sh - signal delivery and return, the write-barrier fault
# round trip, and clock_gettime through the vDSO against the system call:
# the same C program (bench/src/sigbench.c) on Linux native, under vmos
# and under qemu-riscv64.  Medians of 5 runs, ns per operation, and the
# ratio vmos / native.  Figures only: nothing passes or fails.
set -u
cd "$(dirname "$0")/.."
B=${VMOS_BUILD:-build}
N=${SIGBENCH_N:-20000}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/native" bench/src/sigbench.c || { echo "no host compiler"; exit 0; }
if ! riscv64-linux-gnu-gcc -static -O2 -o "$tmp/rv" bench/src/sigbench.c 2>/dev/null; then
	echo "riscv64-linux-gnu-gcc missing: skipped"; exit 0
fi
runs() {   # runs LABEL CMD...: 5 runs into $tmp/LABEL.N
	for i in 1 2 3 4 5; do "${@:2}" >"$tmp/$1.$i" 2>/dev/null; done
}
median() { # median LABEL NAME
	for i in 1 2 3 4 5; do awk -v n="$2" '$1 == n { print $2 }' "$tmp/$1.$i"; done | sort -g | sed -n 3p
}
runs native "$tmp/native" "$N"
runs vmos "$B/vmos" run "$tmp/rv" "$N"
have_qemu=0
command -v qemu-riscv64 >/dev/null && { runs qemu qemu-riscv64 "$tmp/rv" "$N"; have_qemu=1; }
printf "%-10s %12s %12s %12s %10s\n" figure "native ns" "vmos ns" "qemu ns" "vmos/nat"
for f in signal barrier vdso syscall; do
	a=$(median native $f) v=$(median vmos $f) q=-
	[ $have_qemu = 1 ] && q=$(median qemu $f)
	r=$(awk -v a="$a" -v v="$v" 'BEGIN { if (a > 0) printf "%.1f", v / a; else print "-" }')
	printf "%-10s %12s %12s %12s %10s\n" "$f" "$a" "$v" "$q" "$r"
done
echo "(signal: raise + empty handler; barrier: mprotect + store fault + handler's mprotect;"
echo " vdso/syscall: clock_gettime(CLOCK_MONOTONIC); medians of 5 runs of $N each)"
