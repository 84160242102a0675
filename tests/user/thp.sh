#!/usr/bin/env bash
# tests/user/thp.sh - transparent superpages (--thp, docs/thp.md).
#
#  1. user/bin/tests/thp (every demotion path: mprotect, munmap and
#     MADV_DONTNEED of one page, fork copy-on-write, brk coming down, each
#     followed by a check of every byte) under --check with --thp never,
#     madvise and always, reserve and eager: the same output every time,
#     and the counters say superpages were made and split.
#  2. The same program's pressure mode in a small --frames with swap:
#     reservations are broken before pages are swapped out, contents kept.
#  3. A 4 KiB-stride sweep (thpbench): at least 100x fewer TLB misses per
#     pass with superpages, the same checksum; smaps AnonHugePages and
#     --explain show the 2 MiB leaf at level 1.
#  4. Trace replay with superpages: fewer TLB misses on a sweep trace.
#  5. --thp bogus is refused with a clear message and status 2.
#  6. Every program case of tests/user/expected again with --thp always
#     (reserve with --thp-cow split, eager with --thp-cow copy) under
#     --check: the same output as without.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
BIN=$VMOS_BUILD/user/bin
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
# stat TEXT FILE: the number right after TEXT in a --stats report.
stat() { grep -o -m1 -E "$1 [0-9]+" "$2" | grep -o -E '[0-9]+$' || echo -1; }

# 1. every demotion path, every mode
run_vmos run --check build/user/bin/thp >"$tmp/ref.out" 2>"$tmp/ref.err"
rc=$?
[ $rc = 0 ] && ok "thp with --thp never: status 0" || bad "thp with --thp never: status $rc: $(tail -2 "$tmp/ref.err")"
for mode in madvise always; do
	for s in reserve eager; do
		name="thp --thp $mode --thp-strategy $s"
		run_vmos run --check --stats --thp $mode --thp-strategy $s "$BIN/thp" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		if [ $rc = 0 ] && cmp -s "$tmp/out" "$tmp/ref.out" && ! grep -q 'invariant' "$tmp/err"; then
			ok "$name: same output as --thp never, invariants hold"
		else
			bad "$name: status $rc, $(diff "$tmp/ref.out" "$tmp/out" | head -3 | tr '\n' ' ') $(grep -m1 invariant "$tmp/err")"
		fi
		made=$(( $(stat 'promotions' "$tmp/err") + $(stat 'eager 2 MiB maps' "$tmp/err") ))
		split=$(stat 'demotions \(splits\)' "$tmp/err")
		if [ $mode = always ]; then want_made=8; want_split=5; else want_made=1; want_split=1; fi
		[ "$made" -ge $want_made ] && ok "$name: $made superpages made (>= $want_made)" \
			|| bad "$name: $made superpages made, want >= $want_made"
		[ "$split" -ge $want_split ] && ok "$name: $split splits (>= $want_split)" \
			|| bad "$name: $split splits, want >= $want_split"
	done
done
run_vmos run --stats "$BIN/thp" >/dev/null 2>"$tmp/err"
! grep -q '^thp:' "$tmp/err" && ok "--thp never: no superpage counters" || bad "--thp never printed thp counters"
# --thp-cow copy: fork shares superpages whole, the first write copies 2 MiB
for s in reserve eager; do
	run_vmos run --check --stats --thp always --thp-strategy $s --thp-cow copy "$BIN/thp" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	copies=$(stat '2 MiB copies' "$tmp/err")
	if [ $rc = 0 ] && cmp -s "$tmp/out" "$tmp/ref.out" && ! grep -q invariant "$tmp/err" && [ "$copies" -ge 1 ]; then
		ok "thp --thp-cow copy ($s): same output, $copies superpages copied whole after fork"
	else
		bad "thp --thp-cow copy ($s): status $rc, $copies 2 MiB copies: $(diff "$tmp/ref.out" "$tmp/out" | head -3 | tr '\n' ' ')"
	fi
done

# --thp-collapse: after fork split the parent's superpages, the pass puts
# them back once the child is gone: fewer TLB misses, the same bytes
for col in 0 100000; do
	opt=(); [ $col != 0 ] && opt=(--thp-collapse $col)
	run_vmos run --check --stats --thp always --thp-strategy eager "${opt[@]}" "$BIN/thpfork" 16 2048 40 \
		>"$tmp/fork.$col" 2>"$tmp/fork.$col.err"
	echo $? >"$tmp/fork.$col.rc"
done
c=$(stat 'ranges collapsed' "$tmp/fork.100000.err")
m0=$(stat 'tlb misses:' "$tmp/fork.0.err"); m1=$(stat 'tlb misses:' "$tmp/fork.100000.err")
sums0=$(grep -o 'sum=[0-9]*' "$tmp/fork.0"); sums1=$(grep -o 'sum=[0-9]*' "$tmp/fork.100000")
if [ "$(cat "$tmp/fork.0.rc")" = 0 ] && [ "$(cat "$tmp/fork.100000.rc")" = 0 ] && [ "$c" -ge 8 ] &&
   [ "$m1" -lt "$m0" ] && [ -n "$sums0" ] && [ "$sums0" = "$sums1" ] && ! grep -q invariant "$tmp/fork.100000.err"; then
	ok "--thp-collapse: $c ranges collapsed after fork's split, TLB misses $m0 -> $m1, same sums"
else
	bad "--thp-collapse: status $(cat "$tmp/fork.100000.rc"), $c collapsed, TLB misses $m0 -> $m1: $(grep -m1 invariant "$tmp/fork.100000.err")"
fi

# 2. pressure: reservations go back before anything is swapped
for s in reserve eager; do
	run_vmos -t 120 run --check --stats --thp always --thp-strategy $s --ram 64M --frames 3000 --swap 64M \
		"$BIN/thp" pressure 24 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(stat 'swapped out' "$tmp/err")
	if [ $rc = 0 ] && grep -q 'ok pressure: sparse pages kept' "$tmp/out" && ! grep -q FAIL "$tmp/out" &&
	   ! grep -q invariant "$tmp/err" && [ "$out" -gt 0 ]; then
		ok "pressure ($s): $out pages swapped out, contents kept, invariants hold"
	else
		bad "pressure ($s): status $rc, swapped out $out: $(grep -m2 -E 'FAIL|invariant' "$tmp/out" "$tmp/err")"
	fi
	if [ $s = reserve ]; then
		broken=$(stat 'broken' "$tmp/err")
		returned=$(grep -o -E '\([0-9]+ frames returned' "$tmp/err" | grep -o -E '[0-9]+')
		[ "$broken" -ge 1 ] && [ "${returned:-0}" -gt 0 ] && ok "pressure: $broken reservations broken, $returned frames returned" \
			|| bad "pressure: $broken reservations broken, ${returned:-0} frames returned"
	else
		split=$(stat 'demotions \(splits\)' "$tmp/err")
		[ "$split" -ge 1 ] && ok "pressure (eager): $split superpages split to be swapped" \
			|| bad "pressure (eager): no superpage split before swap-out"
	fi
done

# 3. the sweep: TLB misses per pass, checksum, smaps, explain
misses() {   # MODE PASSES: TLB misses of a 32 MiB sweep
	run_vmos run --stats --thp "$1" --thp-strategy eager "$BIN/thpbench" sweep 32 "$2" >"$tmp/b.$1.$2" 2>"$tmp/e.$1.$2"
	stat 'tlb misses:' "$tmp/e.$1.$2"
}
n0=$(misses never 0); n8=$(misses never 8); a0=$(misses always 0); a8=$(misses always 8)
per_never=$(( (n8 - n0) / 8 )); per_always=$(( (a8 - a0) / 8 ))
[ "$per_never" -gt 0 ] && [ $(( per_always * 100 )) -le "$per_never" ] \
	&& ok "sweep: $per_never TLB misses per pass without superpages, $per_always with (>= 100x fewer)" \
	|| bad "sweep: $per_never TLB misses per pass without superpages, $per_always with"
s1=$(grep -o 'sum=[0-9]*' "$tmp/b.never.8"); s2=$(grep -o 'sum=[0-9]*' "$tmp/b.always.8")
[ -n "$s1" ] && [ "$s1" = "$s2" ] && ok "sweep: the same checksum ($s1)" || bad "sweep: checksums '$s1' and '$s2'"
hits=$(stat 'TLB hits on superpage entries' "$tmp/e.always.8")
[ "$hits" -gt 0 ] && ok "sweep: $hits TLB hits on superpage entries" || bad "sweep: no TLB hits on superpage entries"
run_vmos run --thp always --smaps "$BIN/thpbench" sweep 32 1 >/dev/null 2>"$tmp/smaps"
grep -q '^AnonHugePages: *32768 kB' "$tmp/smaps" && ok "smaps: AnonHugePages 32768 kB" \
	|| bad "smaps: no AnonHugePages 32768 kB line: $(grep AnonHuge "$tmp/smaps" | sort -u | tr '\n' ' ')"
run_vmos run --thp always --thp-strategy eager --maps "$BIN/thpbench" sweep 32 1 >/dev/null 2>"$tmp/maps"
start=
while read -r range perm _; do
	lo=${range%-*} hi=${range#*-}
	[ "$perm" = rw-p ] && [ $(( 0x$hi - 0x$lo )) -ge 33554432 ] && { start=$lo; break; }
done < <(grep -E '^[0-9a-f]+-[0-9a-f]+ ' "$tmp/maps")
if [ -n "$start" ]; then
	va=$(printf '0x%x' $(( (0x$start + 0x1fffff) & ~0x1fffff )))
	run_vmos run --thp always --thp-strategy eager --explain "$va" "$BIN/thpbench" sweep 32 1 >/dev/null 2>"$tmp/explain"
	grep -q 'level 1: .*leaf: 2 MiB superpage' "$tmp/explain" && ok "explain $va: a 2 MiB leaf at level 1" \
		|| bad "explain $va: no level-1 leaf: $(grep -m2 'level' "$tmp/explain" | tr '\n' ' ')"
else
	bad "maps: the 32 MiB region not found"
fi

# 4. trace replay: a 4 KiB-stride sweep of 16 MiB, four times
awk 'BEGIN { for (p = 0; p < 4; p++) for (a = 0; a < 16 * 1048576; a += 4096) printf "%d %x\n", p == 0, 268435456 + a }' >"$tmp/sweep.din"
tm() { grep -o -m1 -E 'misses: [0-9]+' "$1" | grep -o -E '[0-9]+' || echo -1; }
run_vmos trace --check --stats --thp never "$tmp/sweep.din" >"$tmp/t.never" 2>&1
run_vmos trace --check --stats --thp always "$tmp/sweep.din" >"$tmp/t.always" 2>&1
tn=$(tm "$tmp/t.never"); ta=$(tm "$tmp/t.always")
[ "$tn" -gt 0 ] && [ "$ta" -ge 0 ] && [ $(( ta * 2 )) -lt "$tn" ] && ! grep -q invariant "$tmp/t.always" \
	&& ok "trace replay: $tn TLB misses without superpages, $ta with" \
	|| bad "trace replay: $tn TLB misses without superpages, $ta with"

# 5. bad input
run_vmos run --thp bogus "$BIN/exit0" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q "bad --thp 'bogus'" "$tmp/err" && ok "--thp bogus: status 2, $(head -1 "$tmp/err")" \
	|| bad "--thp bogus: status $rc: $(head -1 "$tmp/err")"
run_vmos run --thp-strategy lazy "$BIN/exit0" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q "bad --thp-strategy 'lazy'" "$tmp/err" && ok "--thp-strategy lazy: status 2" \
	|| bad "--thp-strategy lazy: status $rc: $(head -1 "$tmp/err")"

# 6. every program, again with superpages: a case counts against --thp
#    only if it passes without (a case failing in both is programs.sh's
#    to report, once)
USER_TEST_QEMU=0 bash tests/user/programs.sh >"$tmp/progs.base" 2>&1
base_fail=$(grep -o -E '^FAIL vmos [^:]+' "$tmp/progs.base" | sed 's/^FAIL vmos //')
skip=0
for s in reserve eager; do
	cow=split; [ $s = eager ] && cow=copy
	USER_TEST_QEMU=0 USER_TEST_VMOS_FLAGS="--thp always --thp-strategy $s --thp-cow $cow" bash tests/user/programs.sh >"$tmp/progs" 2>&1
	p=$(grep -c '^ok vmos' "$tmp/progs")
	f=0
	while read -r case; do
		[ -z "$case" ] && continue
		if grep -qx -- "$case" <<<"$base_fail"; then
			echo "SKIP programs --thp always ($s) $case: fails without --thp too"
			skip=$((skip + 1))
		else
			echo "FAIL programs --thp always ($s) $case: passes without --thp"
			grep -A6 "^FAIL vmos $case:" "$tmp/progs" | tail -n +2
			f=$((f + 1))
		fi
	done < <(grep -o -E '^FAIL vmos [^:]+' "$tmp/progs" | sed 's/^FAIL vmos //')
	if [ "$p" -eq 0 ]; then
		bad "programs with --thp always ($s): none ran"
	else
		echo "ok   programs with --thp always --thp-strategy $s --thp-cow $cow: $p passed, $f failed"
		pass=$((pass + p)); fail=$((fail + f))
	fi
done

# /proc/meminfo's AnonHugePages: another process reads it while holdmem
# holds 8 MiB (three aligned 2 MiB ranges inside it are superpages); 0
# without --thp
for mode in always never; do
	want=6144; [ $mode = never ] && want=0
	got=$(run_vmos run --thp $mode "$BIN/holdmem" 8 50 --- "$BIN/procfs" cat /proc/meminfo 2>&1 |
	      awk '/^AnonHugePages:/ { print $2 }')
	[ "$got" = "$want" ] && ok "meminfo AnonHugePages with --thp $mode: $got kB" ||
		bad "meminfo AnonHugePages with --thp $mode: '$got', want $want"
done

if [ $skip -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ $fail -eq 0 ]
