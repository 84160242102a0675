#!/usr/bin/env bash
# Out of memory and runaway processes under a small --ram: the offender is
# refused or killed, everyone else finishes with the right output, and the
# invariant checker (--check) finds every frame accounted for at the end.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
B=$VMOS_BUILD
BIN=$B/user/bin
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
# Every run under a timeout: a hang fails the check that ran it, by name.
T=${VMOS_TEST_TIMEOUT:-120}
vmos() { timeout "$T" "$VMOS" "$@"; }
st() { [ "$1" = 124 ] && echo "timed out after ${T}s" || echo "status $1"; }

# 1. A memory hog next to a sorting program in 12 MiB: the hog is killed by
#    the OOM killer (SIGKILL: 137), sort finishes with its normal output.
run_vmos run --check --ram 12M "$BIN/memhog" --- "$BIN/sort" >"$tmp/out" 2>"$tmp/err"
rc=$?
run_vmos run "$BIN/sort" >"$tmp/sort.ref" 2>/dev/null
grep -v '^memhog' "$tmp/out" >"$tmp/sort.got"
[ "$rc" = 137 ] && ok "memhog killed with SIGKILL (status 137)" || bad "memhog status $rc, want 137: $(tail -2 "$tmp/err")"
! timed_out $rc && cmp -s "$tmp/sort.got" "$tmp/sort.ref" && ok "sort finished with the right output beside the hog" || bad "sort output differs beside the hog"
grep -q 'out of memory.*killed pid 1 (memhog)' "$tmp/err" && ok "the OOM report names the hog" || bad "no OOM report naming memhog: $(head -3 "$tmp/err")"
if timed_out $rc; then bad "memhog beside sort timed out: invariants not checked"
elif grep -q 'invariant broken' "$tmp/err"; then bad "invariant broken after OOM"
else ok "invariants hold after OOM, every frame free at the end"; fi

# 1b. A frame limit (--frames) with swap too small for the working set: when
#     nothing is left to evict the limit holds and the process is killed,
#     the kernel does not overrun its policy (it once panicked here).  The
#     102 resident pages are the 100 user frames and the vDSO's two shared
#     kernel frames ([vvar], [vdso]), which are mapped but not user frames.
run_vmos run --check --frames 100 --swap 32M --policy fifo "$BIN/bench_pages" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 137 ] && grep -q 'out of memory.*killed pid 1 (bench_pages) with 102 resident pages' "$tmp/err" \
	&& ! grep -q 'panic\|invariant broken' "$tmp/err" \
	&& ok "--frames 100 with swap full: OOM kill at 100 user + 2 vDSO resident pages, no panic" \
	|| bad "--frames limit with full swap: $(st $rc): $(tail -2 "$tmp/err")"

sortref=$(vmos run "$BIN/bench_sort" 300 2>/dev/null)

# 2. A fork bomb beside hello: refused at --max-procs, hello unaffected.
run_vmos run --check --max-procs 16 "$BIN/forkbomb" --- "$BIN/hello" x >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 0 ] && ok "fork bomb and hello exit 0" || bad "fork bomb run $(st $rc): $(tail -2 "$tmp/err")"
grep -q 'forkbomb: fork refused: EAGAIN' "$tmp/out" && ok "fork bomb refused with EAGAIN at --max-procs" || bad "fork bomb not refused: $(head -3 "$tmp/out")"
grep -q '^hello, world' "$tmp/out" && ok "hello finished beside the fork bomb" || bad "hello missing"

# 3. A fork bomb in too little memory for --max-procs: fork fails with
#    ENOMEM or the OOM killer acts; the machine survives and accounts for
#    every frame.
run_vmos run --check --ram 2M --max-procs 100000 "$BIN/forkbomb" --- "$BIN/hello" y >"$tmp/out" 2>"$tmp/err"
rc=$?
if timed_out $rc; then bad "2M fork bomb: timed out: invariants not checked"
elif grep -q 'invariant broken\|panic' "$tmp/err"; then bad "kernel broke under a fork bomb in 2M: $(grep -m1 'invariant\|panic' "$tmp/err")"
else ok "2M fork bomb: no invariant broken"; fi
if ! timed_out $rc && { [ "$rc" -lt 128 ] || [ "$rc" = 137 ]; }; then ok "2M fork bomb: vmos itself survived (status $rc)"
else bad "2M fork bomb: vmos died or hung: status $rc"; fi

# 4. Page tables fill RAM: ptfill writes one byte every 2 MiB, so each write
#    costs a page-table page, which cannot be evicted.  In 4 MiB the store's
#    data page and its code page once took each other's frame forever (no
#    OOM: eviction always "succeeded").  Reclaim now keeps the pages the
#    faulting instruction needs, so the fault runs out of memory and the
#    OOM killer, counting page-table pages, picks ptfill - not the sort
#    running beside it, which has more resident pages.
for pol in clock fifo lru random lirs; do
	vmos run --check --ram 4M --swap 16M --policy $pol "$BIN/bench_sort" 300 --- "$BIN/ptfill" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = 137 ] && [ "$(cat "$tmp/out")" = "$sortref" ] &&
	   grep -q 'out of memory.*killed pid 2 (ptfill) with [0-9]* resident pages, [0-9][0-9][0-9] page-table pages' "$tmp/err" &&
	   ! grep -q 'broken\|panic\|no progress' "$tmp/err"; then
		ok "ptfill ($pol): page tables fill 4M, the OOM killer picks ptfill, bench_sort finishes"
	else
		bad "ptfill beside bench_sort ($pol): $(st $rc), output '$(head -c 200 "$tmp/out")' $(head -c 300 "$tmp/err")"
	fi
done

# 4b. The counters: --stats shows the largest run of faults of one
#     instruction (ptfill's store faults once, or twice when its code page
#     went in the meantime) and the victims reclaim kept back; --stats-json too.
vmos run --stats --stats-json "$tmp/st.json" --ram 4M --swap 16M "$BIN/ptfill" >/dev/null 2>"$tmp/err"
rc=$?
line=$(grep '^progress guard:' "$tmp/err")
if [ "$rc" = 137 ] && [[ $line =~ most\ faults\ of\ one\ instruction\ [12]\ \(bound\ 8\),\ victims\ kept\ for\ the\ faulting\ instruction\ [1-9][0-9]*,\ no-progress\ kills\ 0 ]] &&
   grep -q '"fault_run_max": [12],' "$tmp/st.json" && grep -q '"progress_kills": 0' "$tmp/st.json"; then
	ok "--stats and --stats-json: most faults of one instruction, victims kept, no-progress kills"
else
	bad "progress guard counters: $(st $rc), '$line' $(grep -o '"fault_run_max[^,]*' "$tmp/st.json")"
fi

# 5. Whom the OOM killer picks: holdmem holds 3 MiB resident; ptfill, paging
#    against its own frames (--local), holds few resident pages but more
#    than a thousand page-table pages.  Counting resident pages alone would
#    kill holdmem; its footprint with page tables makes ptfill the choice.
vmos run --check --ram 8M --swap 5M --local 900 "$BIN/holdmem" 3 --- "$BIN/ptfill" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 137 ] && grep -q '^holdmem: 3 MiB intact$' "$tmp/out" &&
	grep -q 'out of memory.*killed pid 2 (ptfill) with [0-9]* resident pages, [0-9]* page-table pages' "$tmp/err" &&
	! grep -q 'killed pid 1\|broken\|panic' "$tmp/err" \
	&& ok "the OOM killer counts page tables: ptfill killed, holdmem keeps its 3 MiB" \
	|| bad "OOM choice with page tables: $(st $rc), $(head -c 200 "$tmp/out") $(head -c 300 "$tmp/err")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
