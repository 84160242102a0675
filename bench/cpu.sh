#!/usr/bin/env bash
# bench/cpu.sh - CPU benchmarks: each user/bin/bench/bench_* program run under
# `$VMOS_BUILD/vmos run --stats` and under qemu-riscv64 (the peer: a JIT
# translator running the same ELF).  For each program it prints the median
# wall time of $BENCH_RUNS runs (default 3) on both, the ratio vmos/qemu,
# and from vmos's --stats output the instructions retired (hence MIPS) and
# the TLB hit rate.  The programs print checksums; vmos and qemu must agree,
# and a mismatch is reported (this is a benchmark: it never fails).
#   BENCH_RUNS=N      runs per engine (median reported)
#   BENCH_ONLY=name   run only programs whose name contains this
#   BENCH_TIMEOUT=s   give up on one run after s seconds (default 300)
set -u
cd "$(dirname "$0")/.."
VMOS_BUILD=${VMOS_BUILD:-build}
BIN=$VMOS_BUILD/user/bin
VMOS=$VMOS_BUILD/vmos
RUNS=${BENCH_RUNS:-3}
ONLY=${BENCH_ONLY:-}
TMO=${BENCH_TIMEOUT:-300}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

have_vmos=0
if [ -x "$VMOS" ]; then
	"$VMOS" run "$BIN/exit0" >/dev/null 2>&1 && have_vmos=1
fi
have_qemu=0
command -v qemu-riscv64 >/dev/null 2>&1 && have_qemu=1
[ $have_vmos -eq 0 ] && echo "vmos: $VMOS missing or 'vmos run' not working: qemu figures only"
[ $have_qemu -eq 0 ] && echo "qemu-riscv64 not installed: vmos figures only"

# timed_run OUT ERR CMD...: run once; print elapsed seconds, or "fail".
timed_run() {
	local out=$1 err=$2; shift 2
	local s e rc
	s=$(date +%s%N)
	( timeout "$TMO" "$@" </dev/null >"$out" 2>"$err" ) 2>/dev/null
	rc=$?
	e=$(date +%s%N)
	if [ $rc -ne 0 ]; then echo fail; return; fi
	awk -v n=$((e - s)) 'BEGIN { printf "%.3f", n / 1e9 }'
}

# median of the numbers on stdin ("fail" if any run failed).
median() {
	local v
	v=$(cat)
	if grep -q fail <<<"$v"; then echo fail; return; fi
	sort -n <<<"$v" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

# stat_value NAME FILE: the number after "NAME:" in vmos's --stats output
# (commas and thousands separators tolerated), or empty.
stat_value() {
	grep -i -m1 -E "^[[:space:]]*$1[[:space:]]*[:=]" "$2" 2>/dev/null |
		sed -E 's/^[^:=]*[:=][[:space:]]*//; s/[,_]//g; s/^([0-9.]+).*/\1/'
}

printf '%-14s %9s %9s %10s %9s %9s  %s\n' program "vmos s" "qemu s" "vmos/qemu" MIPS "TLB hit" checksum
for prog in $(ls "$BIN"/bench_* 2>/dev/null | sort); do
	name=$(basename "$prog")
	[ -n "$ONLY" ] && [[ $name != *"$ONLY"* ]] && continue
	vt=- qt=- ratio=- mips=- tlb=- sum_note=
	if [ $have_qemu -eq 1 ]; then
		qt=$(for i in $(seq "$RUNS"); do timed_run "$tmp/q.out" "$tmp/q.err" qemu-riscv64 "$prog"; echo; done | median)
	fi
	if [ $have_vmos -eq 1 ]; then
		vt=$(for i in $(seq "$RUNS"); do timed_run "$tmp/v.out" "$tmp/v.err" "$VMOS" run --stats "$prog"; echo; done | median)
		cat "$tmp/v.out" "$tmp/v.err" >"$tmp/v.all"
		insns=$(stat_value 'instructions( retired)?' "$tmp/v.all")
		tlb=$(stat_value 'tlb hit rate' "$tmp/v.all")
		[ -n "$tlb" ] && tlb="$tlb%" || tlb=-
		if [ -n "$insns" ] && [ "$vt" != fail ]; then
			mips=$(awk -v i="$insns" -v t="$vt" 'BEGIN { if (t > 0) printf "%.0f", i / t / 1e6; else print "-" }')
		fi
	fi
	if [ "$vt" != - ] && [ "$vt" != fail ] && [ "$qt" != - ] && [ "$qt" != fail ]; then
		ratio=$(awk -v v="$vt" -v q="$qt" 'BEGIN { if (q > 0) printf "%.1fx", v / q; else print "-" }')
	fi
	# The checksum line is the program's own "bench_..." line.
	qsum=$(grep -m1 '^bench_' "$tmp/q.out" 2>/dev/null | sed -E 's/.*(checksum|=) *//')
	vsum=$(grep -m1 '^bench_' "$tmp/v.out" 2>/dev/null | sed -E 's/.*(checksum|=) *//')
	if [ $have_vmos -eq 1 ] && [ $have_qemu -eq 1 ] && [ "$qsum" != "$vsum" ]; then
		sum_note="MISMATCH: vmos ${vsum:-none} qemu ${qsum:-none}"
	else
		sum_note=${qsum:-$vsum}
	fi
	printf '%-14s %9s %9s %10s %9s %9s  %s\n' "$name" "$vt" "$qt" "$ratio" "$mips" "$tlb" "$sum_note"
	rm -f "$tmp"/*.out "$tmp"/*.err
done
echo "(median of $RUNS runs; wall-clock seconds; MIPS = vmos instructions retired / vmos seconds)"
