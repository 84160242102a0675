#!/usr/bin/env bash
# tests/kernel/multiproc.sh - three processes time-share the machine.
#
# Runs three copies of user/bin/tests/vmt_multi.c at once under
# `vmos run --check --prefix A --- A --- A` (and again with Sv48, with
# --no-asid, and with a tiny quantum).  Each copy fills the same global
# array with pid-derived data while yielding between slices, then checks it.
# This script checks, for each configuration:
#   - vmos exits 0 and every copy reports "vmt_multi: ok";
#   - there are three distinct pids;
#   - the three copies report the same address for the global (one virtual
#     address, three different frames);
#   - the three data digests differ (each copy kept its own data);
#   - they really ran interleaved: every copy printed "start" before any
#     copy printed its result.
# Prints one line per check and, last, "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
A=$VMOS_BUILD/user/bin/vmt_multi
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok()  { echo "ok $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

run_case() {
	local name=$1; shift
	local out=$tmp/$name.out rc
	if [ ! -x "$VMOS" ] || [ ! -x "$A" ]; then
		bad "$name: $VMOS or $A not built"; return
	fi
	rc=$( (run_vmos run --check --prefix "$@" "$A" --- "$A" --- "$A" \
		</dev/null >"$out" 2>"$tmp/$name.err"; echo $?) 2>/dev/null)
	[ "$rc" = 0 ] && ok "$name: vmos exits 0" || { bad "$name: vmos exit $rc"; head -n 5 "$tmp/$name.err" | sed 's/^/    /'; }

	local pids addrs datas oks
	pids=$(sed -n 's/^\[\([0-9]*\)\] .*/\1/p' "$out" | sort -u | wc -l)
	[ "$pids" = 3 ] && ok "$name: three processes" || bad "$name: $pids distinct pids in the output"

	oks=$(grep -c '^\[[0-9]*\] vmt_multi: ok$' "$out")
	[ "$oks" = 3 ] && ok "$name: each process kept its data" || {
		bad "$name: $oks of 3 processes report ok"; grep 'vmt_multi:' "$out" | sed 's/^/    /'; }

	addrs=$(sed -n 's/^\[[0-9]*\] addr \(.*\)/\1/p' "$out")
	if [ "$(echo "$addrs" | wc -l)" = 3 ] && [ "$(echo "$addrs" | sort -u | wc -l)" = 1 ]; then
		ok "$name: the global is at the same address in all three ($(echo "$addrs" | head -n 1))"
	else
		bad "$name: addresses differ or missing: $(echo $addrs)"
	fi

	datas=$(sed -n 's/^\[[0-9]*\] data \(.*\)/\1/p' "$out")
	if [ "$(echo "$datas" | wc -l)" = 3 ] && [ "$(echo "$datas" | sort -u | wc -l)" = 3 ]; then
		ok "$name: the three data digests differ"
	else
		bad "$name: data digests not three distinct values: $(echo $datas)"
	fi

	# interleaving: the last "start" line comes before the first "addr" line
	local last_start first_addr
	last_start=$(grep -n '\] start$' "$out" | tail -n 1 | cut -d: -f1)
	first_addr=$(grep -n '\] addr ' "$out" | head -n 1 | cut -d: -f1)
	if [ -n "$last_start" ] && [ -n "$first_addr" ] && [ "$last_start" -lt "$first_addr" ]; then
		ok "$name: the processes ran interleaved"
	else
		bad "$name: no interleaving (all starts by line ${last_start:-?}, first result at line ${first_addr:-?})"
	fi
}

run_case sv39
run_case sv48 --paging sv48
run_case no-asid --no-asid
run_case small-quantum --quantum 997 --tlb 16:2

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
