#!/usr/bin/env bash
# ASID reuse must not break isolation.  With a narrow ASID width
# (--asid-bits 1 or 2: one or three ASIDs) the allocator runs out again and
# again while user/bin/tests/iso_asid.c keeps seven processes alive (a parent and
# six children at a time, 40 children in all), each writing its own values
# into the same private virtual pages and reading them back after every
# switch.  A kernel that let two live processes share an ASID lets one hit
# the other's TLB entries: the program reports "LEAK" (and --check's
# invariant checker reports the shared ASID).  Also: --stats and
# --stats-json count the rollovers, --no-asid still works, bad widths are
# refused.
set -u
cd "$(dirname "$0")/../.."
B=${VMOS_BUILD:-build}
VMOS=$B/vmos; BIN=$B/user/bin
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

want='iso_asid: ok children=40 at_once=6 rounds=30'

# run_iso NAME OPTIONS...: iso_asid under OPTIONS must print only $want,
# exit 0, and break no invariant (with --check); the stats must show many
# rollovers when $ROLL is "yes".
run_iso() {
	local name=$1; shift
	timeout 60 "$VMOS" run --stats "$@" "$BIN/iso_asid" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ "$rc" = 0 ] && [ "$(cat "$tmp/out")" = "$want" ]; then
		ok "$name: every process read back its own values"
	else
		bad "$name: status $rc, output: $(head -3 "$tmp/out" | tr '\n' '|') $(grep -m2 'panic\|invariant' "$tmp/err")"
	fi
	grep -q 'invariant broken\|panic' "$tmp/err" && bad "$name: $(grep -m1 'invariant broken\|panic' "$tmp/err")" \
		|| ok "$name: the invariant checker passed after every exit"
	if [ "$ROLL" = yes ]; then
		local r
		r=$(sed -n 's/^asids: [0-9]* assigned, \([0-9]*\) rollovers.*/\1/p' "$tmp/err")
		[ -n "$r" ] && [ "$r" -gt 10 ] && ok "$name: $r rollovers" || bad "$name: rollovers '${r}', want many"
	fi
}

# without the checker first: the program itself must see no leak
ROLL=yes run_iso "--asid-bits 2, no --check" --asid-bits 2
ROLL=yes run_iso "--asid-bits 2" --check --asid-bits 2
ROLL=yes run_iso "--asid-bits 1" --check --asid-bits 1
ROLL=yes run_iso "--asid-bits 2, tiny quantum, 16-entry TLB" --check --asid-bits 2 --quantum 301 --tlb 16:4
ROLL=yes run_iso "--asid-bits 2, Sv48" --check --asid-bits 2 --paging sv48
ROLL=no run_iso "default 16 bits" --check
ROLL=no run_iso "--no-asid" --check --no-asid
grep -q '^asids:' "$tmp/err" && bad "--no-asid prints an asids line" || ok "--no-asid: no allocator, no asids line"

# The reference machine agrees on what the program prints.
if command -v qemu-riscv64 >/dev/null; then
	[ "$(timeout 60 qemu-riscv64 "$BIN/iso_asid")" = "$want" ] && ok "qemu-riscv64 prints the same" \
		|| bad "qemu-riscv64 output differs"
fi

# Several programs started at once (---) share one ASID.
timeout 60 "$VMOS" run --check --prefix --asid-bits 1 "$BIN/vmt_multi" --- "$BIN/vmt_multi" --- "$BIN/vmt_multi" \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 0 ] && [ "$(grep -c 'vmt_multi: ok$' "$tmp/out")" = 3 ] \
	&& ok "three vmt_multi with one ASID: each kept its data" \
	|| bad "three vmt_multi with one ASID: status $rc, $(grep -c 'vmt_multi: ok$' "$tmp/out") ok"

# JSON stats carry the counters.
"$VMOS" run --asid-bits 2 --stats-json "$tmp/s.json" "$BIN/iso_asid" 10 5 3 >/dev/null 2>&1
if python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["machine"]; sys.exit(not (m["asid_bits"]==2 and m["asid_rollovers"]>0 and m["asid_rollover_flushes"]>0 and m["asids_assigned"]>10))' "$tmp/s.json" 2>/dev/null; then
	ok "--stats-json: asid_bits, asids_assigned, asid_rollovers, asid_rollover_flushes"
else
	bad "--stats-json lacks the ASID counters: $(grep -o '"asid[a-z_]*": [0-9]*' "$tmp/s.json" | tr '\n' ' ')"
fi

# Bad widths: a clear message and status 2.
for v in 0 17 -1 x 2.5 ""; do
	"$VMOS" run --asid-bits "$v" "$BIN/hello" >/dev/null 2>"$tmp/err"
	rc=$?
	[ "$rc" = 2 ] && grep -q "bad --asid-bits '$v' (1..16)" "$tmp/err" \
		&& ok "--asid-bits '$v' refused (status 2)" || bad "--asid-bits '$v': status $rc, $(head -1 "$tmp/err")"
done
"$VMOS" run --help | grep -q -- '--asid-bits N' && ok "--help documents --asid-bits" || bad "--help lacks --asid-bits"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
