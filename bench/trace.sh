#!/usr/bin/env bash
# Trace replay speed through the kernel: references per second of the
# replay loop (MMU + TLB + page tables + faults + reclaim; parsing excluded),
# median of $BENCH_RUNS runs (default 3), per policy, on every reference
# block trace at the cache size of its README line, and on a synthetic trace
# whose working set fits in RAM (the hit path).  The peer in the same run is
# the policy alone: the cache simulator of bench/replace_bench (same policy
# code, no MMU, no page tables, no fault path), so "kernel/sim" is the price
# of replaying through the real kernel.  Last, the slowdown of a swapping
# program against the same program with ample RAM.
set -u
cd "$(dirname "$0")/.."
B=${VMOS_BUILD:-build}
VMOS=$B/vmos
RUNS=${BENCH_RUNS:-3}
T=${VMOS_TRACES:-traces/lirs}
[ -f "$T/sprite.trc" ] || T=""
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# 2M references over 400 pages, with locality: nearly all hits at 500 frames
python3 - "$tmp/hot.trc" <<'PY'
import random, sys
r = random.Random(7)
with open(sys.argv[1], "w") as f:
    p = 0
    for _ in range(2000000):
        p = (p + r.choice((0, 0, 1, 1, 2, -1, 37))) % 400
        f.write("%d\n" % p)
PY

# replay POLICY FRAMES FILE TLB -> "Mrefs/s hit% ns/ref refs seconds" (median run by rate)
replay() {
	for run in $(seq "$RUNS"); do
		"$VMOS" trace --window 0 --tlb "$4" --policy "$1" --frames "$2" --stats-json "$tmp/j.json" "$3" \
			>/dev/null 2>&1 || { echo "fail"; return; }
		python3 -c "
import json; d = json.load(open('$tmp/j.json')); p = d['processes'][0]
r, s = p['references'], d['seconds']
print('%.2f %.2f %.1f %d %.6f' % (r / s / 1e6, 100.0 * p['hits'] / r, s * 1e9 / r, r, s))"
	done | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}

# the policy-only simulator's M refs/s for trace NAME and POLICY (one run of replace_bench)
"$B/bench/replace_bench" > "$tmp/sim.txt" 2>/dev/null || : > "$tmp/sim.txt"
sim_rate() {
	awk -v t="$1" -v p="$2" '$1 == t { cur = 1; next } /^[^ ]/ { cur = 0 } cur && $1 == p { print $2 }' "$tmp/sim.txt"
}

specs="hot:500"
[ -n "$T" ] && specs="$specs 2_pools:500 cpp:100 cs:500 gli:500 multi1:500 multi2:500 ps:500 sprite:500 loop:500 zigzag:1000"
printf '%-9s %6s %-6s %7s %9s %7s %8s %10s %9s\n' trace frames policy tlb "M refs/s" "hit %" "ns/ref" "sim M/s" kernel/sim
for pol in lru clock fifo lirs opt; do
	tot_r=0; tot_s=0
	for spec in $specs; do
		name=${spec%%:*}; frames=${spec##*:}
		f=$tmp/hot.trc; [ "$name" != hot ] && f=$T/$name.trc
		tlbs="64:4"; [ "$pol" = lru ] || [ "$pol" = clock ] && tlbs="64:4 1024:8"
		for tlb in $tlbs; do
			read -r rate hit nsm refs secs < <(replay "$pol" "$frames" "$f" "$tlb")
			sim=""; ratio=""
			if [ "$name" != hot ]; then
				sim=$(sim_rate "$name" "$pol")
				[ -n "$sim" ] && [ "$rate" != fail ] && ratio=$(awk -v a="$rate" -v b="$sim" 'BEGIN { printf "%.2fx", a / b }')
				if [ "$tlb" = 64:4 ] && [ "$rate" != fail ]; then
					tot_r=$((tot_r + refs)); tot_s=$(awk -v a="$tot_s" -v b="$secs" 'BEGIN { print a + b }')
				fi
			fi
			printf '%-9s %6s %-6s %7s %9s %7s %8s %10s %9s\n' "$name" "$frames" "$pol" "$tlb" "$rate" "$hit" "$nsm" "${sim:--}" "${ratio:--}"
		done
	done
	[ -n "$T" ] && awk -v r="$tot_r" -v s="$tot_s" -v p="$pol" \
		'BEGIN { if (s > 0) printf "  %s, all reference traces together (TLB 64:4): %.2f M refs/s\n", p, r / s / 1e6 }'
done
[ -z "$T" ] && echo "(reference traces not found in traces/lirs: only the synthetic trace)"

echo
echo "swapping slowdown: bench_chase, 2M dependent loads over 8 MiB (median of 3 wall-clock runs)"
t() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
med() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
prog="$B/user/bin/bench_chase 2"
a=$(med $(t "$VMOS" run --ram 128M $prog) $(t "$VMOS" run --ram 128M $prog) $(t "$VMOS" run --ram 128M $prog))
b=$(med $(t "$VMOS" run --ram 6M --swap 64M $prog) $(t "$VMOS" run --ram 6M --swap 64M $prog) $(t "$VMOS" run --ram 6M --swap 64M $prog))
swaps=$("$VMOS" run --ram 6M --swap 64M --stats $prog 2>&1 >/dev/null | sed -n 's/.*swapped out \([0-9]*\), swapped in \([0-9]*\).*/\1 out, \2 in/p')
printf '  ample RAM (128 MiB): %d ms; 6 MiB RAM + 64 MiB swap: %d ms (%s); slowdown %s\n' "$a" "$b" "$swaps" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2fx", b / a }')"
