#!/usr/bin/env bash
# vmos trace through the real kernel (page tables, TLB, faults, replacement,
# swap): the FIFO, LRU and OPT hit ratios of traces/README.md to
# the last digit, LIRS within a point, Belady's anomaly, every trace format,
# time-shared traces, sweeps, and errors for bad input.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
B=$VMOS_BUILD
pass=0; fail=0; skip=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
ratio() { run_vmos trace --check --policy "$1" --frames "$2" "$3" 2>&1 | sed -n 's/.*hit ratio: \([0-9.]*\)%.*/\1/p' | head -1; }

T=${VMOS_TRACES:-traces/lirs}
if [ ! -f "$T/cpp.trc" ]; then
	echo "SKIP reference traces: $T/cpp.trc not found (the traces are part of the repository: traces/lirs)"
	skip=$((skip + 1))
else
	# trace size fifo lru opt lirs  (README table)
	while read -r name size fifo lru opt lirs; do
		for pol in fifo lru opt; do
			want=${!pol}
			got=$(ratio "$pol" "$size" "$T/$name.trc")
			[ "$got" = "$want" ] && ok "$name/$size $pol $got%" || bad "$name/$size $pol: $got%, published $want%"
		done
		if [ "$lirs" != "-" ]; then
			got=$(ratio lirs "$size" "$T/$name.trc")
			if awk -v a="$got" -v b="$lirs" 'BEGIN { d = a - b; exit !(a != "" && d <= 1.0 && d >= -1.0) }'; then
				ok "$name/$size lirs $got% (published $lirs%)"
			else
				bad "$name/$size lirs: $got%, published $lirs%"
			fi
		fi
	done < <(grep -v '^#' tests/kernel/lirs_reference.txt)
fi

# Belady's anomaly: FIFO faults more with more frames.
faults() { run_vmos trace --policy "$1" --frames "$2" traces/belady.trc | sed -n 's/.*misses (page faults): \([0-9]*\).*/\1/p'; }
r="$(faults fifo 3) $(faults fifo 4) $(faults lru 3) $(faults lru 4) $(faults opt 3) $(faults opt 4)"
[ "$r" = "9 10 10 8 7 6" ] && ok "Belady's anomaly: FIFO 9 then 10 faults, LRU 10/8, OPT 7/6" || bad "Belady: got $r"

# Working sets over a small window on a trace of many more pages than the
# window holds (the page map must grow: it once filled up and spun forever).
# 3000 distinct pages, window 10: at most 10, and exactly 10 once warm.
seq 0 2999 >"$tmp/many.trc"
out=$(run_vmos -t 20 trace --stats --window 10 --frames 100 "$tmp/many.trc" 2>&1); rc=$?
[ "$rc" = 0 ] && grep -q "working set (last 10 refs) avg 10.0 max 10 pages" <<<"$out" \
	&& ok "working-set window of 10 over 3000 pages: finishes, max 10" || bad "small window: rc $rc: $out"

# Formats: din and lackey with stores under swap pressure, vmtr round trip.
{ for r in 1 2 3; do for i in $(seq 0 39); do printf '1 %x\n0 %x\n' $((0x100000 + i * 4096)) $((0x100010 + i * 4096)); done; done; echo "2 400000"; } >"$tmp/t.din"
out=$(run_vmos trace --check --stats --frames 8 --swap 1M "$tmp/t.din" 2>&1)
refs=$(sed -n 's/^references: \([0-9]*\),.*/\1/p' <<<"$out"); so=$(sed -n 's/^swapped out: \([0-9]*\),.*/\1/p' <<<"$out"); si=$(sed -n 's/.*swapped in: \([0-9]*\),.*/\1/p' <<<"$out")
[ "$refs" = 241 ] && [ "${so:-0}" -gt 0 ] && [ "${si:-0}" -gt 0 ] && ok "din trace: 241 references, stores swapped out ($so) and back in ($si)" || bad "din: refs $refs out $so in $si: $out"
{ echo "==1== Lackey"; echo "I  00400000,4"; echo " L 00600000,8"; echo " S 00600008,8"; echo " M 00601000,4"; echo "I  00400004,4"; } >"$tmp/t.lackey"
out=$(run_vmos trace --check --stats "$tmp/t.lackey" 2>&1)
grep -q "references: 6, hits: 3, misses (page faults): 3" <<<"$out" && ok "lackey: I/L/S/M lines give 6 references, 3 pages" || bad "lackey: $out"
run_vmos trace --convert traces/belady.trc "$tmp/b.vmtr" >/dev/null && a=$(run_vmos trace --policy fifo --frames 3 "$tmp/b.vmtr" | grep 'hit ratio:') && b=$(run_vmos trace --policy fifo --frames 3 traces/belady.trc | grep 'hit ratio:') && [ "$a" = "$b" ] \
	&& ok "vmtr binary round trip replays identically" || bad "vmtr round trip: '$a' vs '$b'"
printf '0\n1\n0\n2\n' >"$tmp/zero.trc"
run_vmos trace --convert "$tmp/zero.trc" "$tmp/zero.vmtr" >/dev/null && a=$(run_vmos trace --frames 2 "$tmp/zero.vmtr" 2>&1 | grep 'hit ratio:') && b=$(run_vmos trace --frames 2 "$tmp/zero.trc" | grep 'hit ratio:') && [ "$a" = "$b" ] \
	&& ok "block page 0 survives conversion to vmtr" || bad "page 0 through vmtr: '$a' vs '$b'"
if command -v valgrind >/dev/null && command -v cc >/dev/null; then
	printf '#include <stdio.h>\nstatic int a[50000];\nint main(void){long s=0;for(int i=0;i<50000;i+=5){a[i]=i;s+=a[i];}printf("%%ld\\n",s);return 0;}\n' >"$tmp/p.c"
	cc -O1 -o "$tmp/p" "$tmp/p.c" && run_limited 120 valgrind --tool=lackey --trace-mem=yes "$tmp/p" 2>"$tmp/p.lackey" >/dev/null
	want=$(grep -cE '^(I | [LS]) ' "$tmp/p.lackey"); m=$(grep -c '^ M ' "$tmp/p.lackey")
	out=$(run_vmos trace --check --paging sv48 --stats "$tmp/p.lackey" 2>&1)
	refs=$(sed -n 's/^references: \([0-9]*\),.*/\1/p' <<<"$out")
	[ "$refs" = $((want + 2 * m)) ] && ok "valgrind lackey trace of a real x86-64 program: $refs references under Sv48" || bad "real lackey trace: $refs vs $((want + 2 * m)) $(tail -2 <<<"$out")"
else
	echo "SKIP real lackey trace: valgrind not installed (apt-get install valgrind)"; skip=$((skip + 1))
fi

# Several traces time-shared, global and local replacement.
out=$(run_vmos trace --check --stats --frames 6 --quantum 3 traces/belady.trc "$tmp/t.din" 2>&1)
[ "$(grep -c '^process ' <<<"$out")" = 2 ] && ok "two traces time-shared as two processes" || bad "two traces: $out"
out=$(run_vmos trace --check --stats --policy lru --local 3 traces/belady.trc traces/belady.trc 2>&1)
[ "$(grep -c 'hit ratio 16.67%' <<<"$out")" = 2 ] && grep -q local <<<"$out" && ok "local replacement: each process keeps its own 3 frames (LRU 10 faults each)" || bad "local: $out"

# Sweep: CSV and a well-formed SVG.
run_vmos trace --sweep --policy fifo,lru,opt --frames 2,3,4,5 --csv "$tmp/s.csv" --svg "$tmp/s.svg" traces/belady.trc
rows=$(($(wc -l <"$tmp/s.csv") - 1))
[ "$rows" = 12 ] && grep -q '^traces/belady.trc,fifo,4,12,2,10,' "$tmp/s.csv" && ok "sweep: 12 CSV rows (3 policies x 4 sizes)" || bad "sweep csv: $(cat "$tmp/s.csv")"
python3 -c "import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); assert len(d.getElementsByTagName('polyline')) == 3" "$tmp/s.svg" 2>/dev/null \
	&& ok "sweep SVG parses, one curve per policy" || bad "sweep svg malformed"

# Bad input: clear message, non-zero status, no crash.
printf '12\nfoo\n' >"$tmp/bad.trc"
run_vmos trace "$tmp/bad.trc" 2>"$tmp/err"; rc=$?
[ "$rc" = 1 ] && grep -q "bad.trc:2: not a page number" "$tmp/err" && ok "corrupt block trace: line number in the message" || bad "corrupt trace: $rc $(cat "$tmp/err")"
printf 'VMTR0001abc' >"$tmp/bad.vmtr"
run_vmos trace "$tmp/bad.vmtr" 2>"$tmp/err"; rc=$?
[ "$rc" = 1 ] && grep -q "truncated vmtr" "$tmp/err" && ok "truncated vmtr refused" || bad "bad vmtr: $rc $(cat "$tmp/err")"
echo " L 7fff00000000,8" >"$tmp/high.lackey"
run_vmos trace "$tmp/high.lackey" 2>"$tmp/err"; rc=$?
[ "$rc" = 1 ] && grep -q "try --paging sv48" "$tmp/err" && ok "47-bit address under Sv39 refused with a hint" || bad "high address: $rc $(cat "$tmp/err")"
run_vmos trace --policy opt traces/belady.trc traces/belady.trc 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && ok "opt with two traces refused" || bad "opt x2: $rc"
run_vmos trace --frames 0 traces/belady.trc 2>/dev/null; rc=$?
[ "$rc" = 2 ] && ok "--frames 0 refused" || bad "--frames 0: $rc"
run_vmos trace /nonexistent.trc 2>"$tmp/err"; rc=$?
[ "$rc" = 1 ] && grep -q "No such file" "$tmp/err" && ok "missing trace file reported" || bad "missing: $rc"

# Thrashing (src/tools/thrash.h): a loop over 1011 pages in 100 frames
# re-faults on every reference; in 2000 frames it does not.  A short trace
# that faults on most references is too little evidence.
out=$("$VMOS" trace --stats --frames 100 "$T/loop.trc" 2>&1)
echo "$out" | grep -q "thrashing: 504489 re-faults" && ok "loop in 100 frames: thrashing" || bad "loop thrashing: $(echo "$out" | grep process)"
out=$("$VMOS" trace --stats --frames 2000 "$T/loop.trc" 2>&1)
echo "$out" | grep -q "thrashing" && bad "loop in 2000 frames called thrashing" || ok "loop in 2000 frames: no thrashing"
out=$("$VMOS" trace --stats --frames 3 traces/belady.trc 2>&1)
echo "$out" | grep -q "thrashing" && bad "12 references called thrashing" || ok "belady (12 references): no verdict"
# TLB lookups exceed references by the faulting references, and --stats says why.
echo "$out" | grep -q "tlb lookups: 21 = 12 references + 9 retried (a reference that faults is translated again" \
	&& ok "tlb lookups explained: 12 references + 9 retried" || bad "tlb lookups: $(echo "$out" | grep tlb)"

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
