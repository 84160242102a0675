#!/usr/bin/env bash
# bench/fp.sh - floating point (issue 16's figures):
#  1. a double-precision kernel (user/bin/bench_matmul: C = A x B) under
#     vmos and qemu-riscv64 on the same ELF, runs alternating, medians:
#     seconds, vmos MIPS (instructions retired from --stats / seconds), the
#     ratio, and the checksums, which must agree;
#  2. what the FP registers cost a context switch: vmbench_fpyield's
#     sched_yield ping-pong with every turn dirtying the FP state, against
#     the same ping-pong without FP: ns per switch (medians, alternating),
#     and, steadier on a shared machine, host instructions per switch from
#     callgrind (the difference is the save/restore of 32 f registers and
#     fcsr plus the turn's one fadd.d).
#   BENCH_RUNS=N (default 5), BENCH_MATMUL="N REPS" (default "160 6")
set -u
cd "$(dirname "$0")/.."
VMOS_BUILD=${VMOS_BUILD:-build}
BIN=$VMOS_BUILD/user/bin
VMOS=$VMOS_BUILD/vmos
RUNS=${BENCH_RUNS:-5}
read -r -a MM <<<"${BENCH_MATMUL:-160 6}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$VMOS" ] || [ ! -x "$BIN/bench_matmul" ] || [ ! -x "$BIN/vmbench_fpyield" ]; then
	echo "bench/fp.sh: build first (make): $VMOS, $BIN/bench_matmul, $BIN/vmbench_fpyield"
	exit 0
fi
have_qemu=0
command -v qemu-riscv64 >/dev/null 2>&1 && have_qemu=1

secs() { awk -v n="$1" 'BEGIN { printf "%.3f", n / 1e9 }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "-" }'; }

# --- 1. matrix multiply --------------------------------------------------------
: >"$tmp/v.t"; : >"$tmp/q.t"
for i in $(seq "$RUNS"); do
	s=$(date +%s%N); "$VMOS" run --stats "$BIN/bench_matmul" "${MM[@]}" >"$tmp/v.out" 2>"$tmp/v.err"; e=$(date +%s%N)
	secs $((e - s)) >>"$tmp/v.t"; echo >>"$tmp/v.t"
	if [ $have_qemu = 1 ]; then
		s=$(date +%s%N); qemu-riscv64 "$BIN/bench_matmul" "${MM[@]}" >"$tmp/q.out" 2>/dev/null; e=$(date +%s%N)
		secs $((e - s)) >>"$tmp/q.t"; echo >>"$tmp/q.t"
	fi
done
vt=$(grep . "$tmp/v.t" | median)
qt=$(grep . "$tmp/q.t" | median)
insns=$(sed -nE 's/^instructions: ([0-9]+).*/\1/p' "$tmp/v.err" | head -1)
vsum=$(sed -nE 's/.*checksum (.*)/\1/p' "$tmp/v.out")
qsum=$(sed -nE 's/.*checksum (.*)/\1/p' "$tmp/q.out" 2>/dev/null)
echo "double-precision matrix multiply (bench_matmul ${MM[*]}, ${insns:-?} instructions; median of $RUNS, alternating):"
printf '  %-10s %8s s   %s MIPS\n' vmos "$vt" "$(awk -v i="${insns:-0}" -v t="$vt" 'BEGIN { if (t > 0) printf "%.0f", i / t / 1e6; else print "-" }')"
if [ $have_qemu = 1 ]; then
	printf '  %-10s %8s s   %s MIPS (same instruction count)\n' qemu "$qt" "$(awk -v i="${insns:-0}" -v t="$qt" 'BEGIN { if (t > 0) printf "%.0f", i / t / 1e6; else print "-" }')"
	printf '  vmos/qemu  %8s x the time\n' "$(awk -v v="$vt" -v q="$qt" 'BEGIN { if (q > 0) printf "%.2f", v / q; else print "-" }')"
	[ "$vsum" = "$qsum" ] && echo "  checksums agree: $vsum" || echo "  CHECKSUM MISMATCH: vmos $vsum, qemu $qsum"
else
	echo "  qemu-riscv64 not installed: no peer figure"
fi

# --- 2. FP state per switch ----------------------------------------------------
N=20000
: >"$tmp/fp"; : >"$tmp/int"
for i in $(seq "$RUNS"); do
	"$VMOS" run "$BIN/vmbench_fpyield" $N fp | sed -nE 's/.*switch_ns=([0-9]+).*/\1/p' >>"$tmp/fp"
	"$VMOS" run "$BIN/vmbench_fpyield" $N int | sed -nE 's/.*switch_ns=([0-9]+).*/\1/p' >>"$tmp/int"
done
f=$(median <"$tmp/fp"); n=$(median <"$tmp/int")
echo "context switch with and without FP state (vmbench_fpyield, 2 x $N yields; median of $RUNS, alternating):"
echo "  with the FP state dirty every turn: $f ns/switch; integer only: $n ns/switch; difference $((f - n)) ns"
if command -v valgrind >/dev/null 2>&1; then
	M=2000
	for m in fp int; do
		valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$m" "$VMOS" run "$BIN/vmbench_fpyield" $M $m \
			>/dev/null 2>"$tmp/cg.$m.err"
		sed -nE 's/.*I[[:space:]]+refs:[[:space:]]+([0-9,]+).*/\1/p' "$tmp/cg.$m.err" | tr -d , >"$tmp/ir.$m"
	done
	awk -v a="$(cat "$tmp/ir.fp")" -v b="$(cat "$tmp/ir.int")" -v s=$((2 * M)) \
		'BEGIN { printf "  host instructions (callgrind): %.0f more per switch with FP (save/restore of f0-f31 and fcsr, plus the turn'"'"'s fadd.d)\n", (a - b) / s }'
else
	echo "  valgrind not installed: no instruction count"
fi
