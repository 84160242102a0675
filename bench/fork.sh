#!/usr/bin/env bash
# bench/fork.sh - the cost of fork: user/bin/bench/iso_forkbench.c under
# `$VMOS_BUILD/vmos run --ram 1G`, under qemu-riscv64 (same ELF) and natively
# on this Linux machine (the same C source built with the host cc -O2,
# MADV_NOHUGEPAGE: $VMOS_BUILD/bench/native/fork_bench, see mk/iso.mk).
# Figures (median of $BENCH_FORK_RUNS runs, default 5):
#   fork + child _exit + waitpid of a process with 1, 16 and 256 MiB touched
#   (time per cycle: copying the page tables, sharing every page COW, then
#   tearing the child down), and one copy-on-write fault (the child writes
#   one byte per page of a 16 MiB region touched by the parent; minus a
#   second, resident pass).  Prints figure, unit, vmos, native, qemu and
#   the ratios.  qemu-user's fork is a host fork (its JIT maps guest memory
#   with the host MMU), so its figures measure the host plus qemu's own
#   state, not a simulated MMU.  Never fails; "-" = engine missing.
set -u
cd "$(dirname "$0")/.."
VMOS_BUILD=${VMOS_BUILD:-build}
BIN=$VMOS_BUILD/user/bin
NAT=$VMOS_BUILD/bench/native
VMOS=$VMOS_BUILD/vmos
RUNS=${BENCH_FORK_RUNS:-5}
TMO=120
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

have_vmos=0
[ -x "$VMOS" ] && [ -x "$BIN/iso_forkbench" ] && have_vmos=1
have_qemu=0
command -v qemu-riscv64 >/dev/null 2>&1 && [ -x "$BIN/iso_forkbench" ] && have_qemu=1
have_native=0
[ -x "$NAT/fork_bench" ] && have_native=1
[ $have_native -eq 0 ] && echo "native program missing (build with 'make bench'): no native figures"

# collect ENGINE KEY ARGS...: $RUNS runs, the value of KEY=N from each into
# $tmp/ENGINE ("fail" for a failed run).
collect() {
	local eng=$1 key=$2 i cmd
	shift 2
	case $eng in
	vmos)   [ $have_vmos -eq 1 ] || return 0; cmd=("$VMOS" run --ram 1G "$BIN/iso_forkbench") ;;
	qemu)   [ $have_qemu -eq 1 ] || return 0; cmd=(qemu-riscv64 "$BIN/iso_forkbench") ;;
	native) [ $have_native -eq 1 ] || return 0; cmd=("$NAT/fork_bench") ;;
	esac
	for i in $(seq "$RUNS"); do
		if timeout "$TMO" "${cmd[@]}" "$@" </dev/null >"$tmp/out" 2>/dev/null; then
			v=$(grep -o -m1 -E "$key=[0-9]+" "$tmp/out" | sed 's/.*=//')
			echo "${v:-fail}" >>"$tmp/$eng"
		else
			echo fail >>"$tmp/$eng"
		fi
	done
}

# med ENGINE DIV: the median divided by DIV, 3 significant digits, or "-".
med() {
	[ -s "$tmp/$1" ] || { echo -; return; }
	grep -q fail "$tmp/$1" && { echo fail; return; }
	sort -g "$tmp/$1" | awk -v d="$2" '{ a[NR] = $1 } END { v = a[int((NR + 1) / 2)] / d;
		printf (v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f"), v }'
}

ratio() {
	case "$1$2" in *-*|*fail*) echo -; return ;; esac
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'
}

# bench LABEL UNIT DIV KEY ARGS...: one table row.
bench() {
	local label=$1 unit=$2 div=$3 key=$4 v n q
	shift 4
	rm -f "$tmp"/vmos "$tmp"/qemu "$tmp"/native
	collect vmos "$key" "$@"
	collect native "$key" "$@"
	collect qemu "$key" "$@"
	v=$(med vmos "$div"); n=$(med native "$div"); q=$(med qemu "$div")
	printf '%-40s %-9s %10s %10s %10s %11s %10s\n' "$label" "$unit" "$v" "$n" "$q" "$(ratio "$v" "$n")" "$(ratio "$v" "$q")"
}

printf '%-40s %-9s %10s %10s %10s %11s %10s\n' figure unit vmos native qemu vmos/native vmos/qemu
bench "fork+exit+wait, 1 MiB touched" "us/cycle" 1000 cycle_ns cycle 1 50
bench "fork+exit+wait, 16 MiB touched" "us/cycle" 1000 cycle_ns cycle 16 20
bench "fork+exit+wait, 256 MiB touched" "ms/cycle" 1000000 cycle_ns cycle 256 5
bench "copy-on-write fault (16 MiB, per page)" "ns/page" 1 cow_page_ns cow 16
echo "(median of $RUNS runs; vmos --ram 1G; native = same C code, host cc -O2, MADV_NOHUGEPAGE)"
