#!/usr/bin/env bash
# Trace replay speed through the kernel (references per second, replay loop
# only, median of 3) per policy on the reference block traces and on a
# synthetic trace whose working set fits (mostly hits: the hit path); and
# the slowdown of a swapping workload against the same with ample RAM.
set -u
cd "$(dirname "$0")/.."
B=${VMOS_BUILD:-build}
VMOS=$B/vmos
T=""
for d in ../shared/data/traces/lirs ../../shared/data/traces/lirs; do [ -f "$d/sprite.trc" ] && T=$d && break; done
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
rate() {   # policy frames trace tlb -> M refs/s (median of 3) and hit ratio
	local vals=() hr=""
	for run in 1 2 3; do
		"$VMOS" trace --window 0 --tlb "$4" --policy "$1" --frames "$2" --stats-json "$tmp/j.json" "$3" >/dev/null 2>&1 || { echo "fail"; return; }
		vals+=("$(python3 -c "import json; d=json.load(open('$tmp/j.json')); p=d['processes'][0]; print('%.2f %.2f' % (p['references']/d['seconds']/1e6, 100.0*p['hits']/p['references']))")")
	done
	printf '%s\n' "${vals[@]}" | sort -n | sed -n 2p
}
printf '%-10s %-8s %6s %7s  %12s %9s\n' trace policy frames tlb "M refs/s" "hit %"
for pol in lru clock fifo lirs opt; do
	for spec in "hot 500" ${T:+"sprite 500" "2_pools 500" "multi2 500" "loop 500"}; do
		set -- $spec
		f=$tmp/hot.trc; [ "$1" != hot ] && f=$T/$1.trc
		for tlb in 64:4 1024:8; do
			read -r r h < <(rate "$pol" "$2" "$f" "$tlb")
			printf '%-10s %-8s %6s %7s  %12s %9s\n' "$1" "$pol" "$2" "$tlb" "$r" "$h"
		done
	done
done
[ -z "$T" ] && echo "(reference traces not found beside the repository: only the synthetic trace)"

echo
echo "swapping slowdown: bench_chase, 2M dependent loads over 8 MiB (median of 3 wall-clock runs)"
t() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
med() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
prog="$B/user/bin/bench_chase 2"
a=$(med $(t "$VMOS" run --ram 128M $prog) $(t "$VMOS" run --ram 128M $prog) $(t "$VMOS" run --ram 128M $prog))
b=$(med $(t "$VMOS" run --ram 6M --swap 64M $prog) $(t "$VMOS" run --ram 6M --swap 64M $prog) $(t "$VMOS" run --ram 6M --swap 64M $prog))
swaps=$("$VMOS" run --ram 6M --swap 64M --stats $prog 2>&1 >/dev/null | sed -n 's/.*swapped out \([0-9]*\), swapped in \([0-9]*\).*/\1 out, \2 in/p')
printf '  ample RAM (128 MiB): %d ms; 6 MiB RAM + 64 MiB swap: %d ms (%s); slowdown %s\n' "$a" "$b" "$swaps" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2fx", b / a }')"
