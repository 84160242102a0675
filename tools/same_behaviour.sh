#!/usr/bin/env bash
# tools/same_behaviour.sh - do two vmos binaries behave identically?
#
#   tools/same_behaviour.sh OLD_VMOS NEW_VMOS [BINDIR]
#
# For restructuring work that must keep behaviour (issue 15): runs every
# test program of tests/user/expected (with its arguments) under
# `vmos run --stats`, also with swapping (--frames 24 --swap 4M) under CLOCK
# and LRU and with Sv48 and a small TLB, and every reference trace in
# traces/lirs under `vmos trace --stats` with six policies, a small TLB and
# Sv48 - with OLD and with NEW - and compares stdout, stderr and the exit
# status byte for byte.  BINDIR holds the programs (default build/user/bin).
# Prints one line per difference and, last, "N same, N different"; exits 1
# if anything differs.  Both binaries must understand the options used.
set -u
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
	sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
fi
OLD=$1 NEW=$2 BIN=${3:-build/user/bin}
for v in "$OLD" "$NEW"; do
	[ -x "$v" ] || { echo "same_behaviour: $v is not an executable" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
same=0 diff=0

# compare LABEL ARGS...: one vmos command line under both binaries
compare() {
	local label=$1; shift
	local r
	for r in old new; do
		local v=$OLD
		[ $r = new ] && v=$NEW
		timeout 120 "$v" "$@" </dev/null >"$tmp/$r.out" 2>"$tmp/$r.err"
		echo "status $?" >>"$tmp/$r.out"
	done
	if cmp -s "$tmp/old.out" "$tmp/new.out" && cmp -s "$tmp/old.err" "$tmp/new.err"; then
		same=$((same + 1))
	else
		diff=$((diff + 1))
		echo "DIFFERENT: $label: vmos $*"
		diff "$tmp/old.out" "$tmp/new.out" | head -5
		diff "$tmp/old.err" "$tmp/new.err" | head -10
	fi
}

# the programs of tests/user/expected, with their arguments
for st in tests/user/expected/*.status; do
	case=$(basename "$st" .status)
	cmdf=tests/user/expected/$case.cmd
	prog=$case args=()
	if [ -f "$cmdf" ]; then
		{ read -r prog
		  while IFS= read -r line || [ -n "$line" ]; do args+=("${line//@BIN@/$BIN}"); done
		} <"$cmdf"
	fi
	[ -x "$BIN/$prog" ] || continue
	compare "$case" run --stats "$BIN/$prog" "${args[@]}"
	compare "$case swap clock" run --stats --frames 24 --swap 4M --policy clock --check "$BIN/$prog" "${args[@]}"
	compare "$case swap lru" run --stats --frames 24 --swap 4M --policy lru "$BIN/$prog" "${args[@]}"
	compare "$case sv48 tlb 16:2" run --stats --paging sv48 --tlb 16:2 "$BIN/$prog" "${args[@]}"
done

# the reference traces
for t in traces/lirs/*.trc; do
	[ -f "$t" ] || continue
	for pol in fifo lru clock opt lirs random; do
		compare "$(basename "$t") $pol" trace --stats --window 0 --policy $pol --frames 200 "$t"
	done
	compare "$(basename "$t") tlb 1024:8" trace --stats --window 0 --policy clock --frames 200 --tlb 1024:8 "$t"
	compare "$(basename "$t") sv48" trace --stats --window 0 --policy lru --frames 200 --paging sv48 "$t"
done

echo "$same same, $diff different"
[ "$diff" -eq 0 ]
