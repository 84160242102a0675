#!/usr/bin/env bash
# Swap: programs whose memory exceeds --ram finish with the same output as
# with ample RAM, under every replacement policy, with forked children
# sharing swapped pages, and with the invariant checker (frames, reverse
# maps, policy residency, swap slot counts) after every exit.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
B=$VMOS_BUILD
BIN=$B/user/bin; EXP=tests/user/expected
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

ref=$(run_vmos run "$BIN/bench_sort" 512 2>/dev/null)
for pol in clock fifo lru random lirs; do
	out=$(run_vmos run --check --stats --ram 2M --swap 64M --policy "$pol" "$BIN/bench_sort" 512 2>"$tmp/err")
	rc=$?
	swapped=$(sed -n 's/.*swapped out \([0-9]*\).*/\1/p' "$tmp/err" | head -1)
	if [ "$rc" = 0 ] && [ "$out" = "$ref" ] && [ "${swapped:-0}" -gt 100 ]; then
		ok "sort of 2 MiB in 2 MiB RAM with $pol: same checksum, $swapped pages swapped out"
	else
		bad "sort with $pol: status $rc, swapped ${swapped:-?}, output '$out' vs '$ref' $(grep -m1 'broken\|panic' "$tmp/err")"
	fi
done

# Programs with their expected outputs, squeezed.
for case in fork heap mmap vmt_mem; do
	args=()
	want=$(cat "$EXP/$case.status")
	run_vmos run --check --ram 1M --swap 32M "$BIN/$case" "${args[@]}" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = "$want" ] && cmp -s "$tmp/out" "$EXP/$case.out"; then
		ok "$case in 1 MiB RAM with swap: expected output and status"
	else
		bad "$case in 1 MiB with swap: status $rc (want $want) $(diff "$tmp/out" "$EXP/$case.out" | head -3) $(grep -m1 'broken\|panic' "$tmp/err")"
	fi
done

# Copy-on-write and protection changes under reclaim: with only 10 frames
# for user pages every page of these programs is evicted and brought back
# again and again; shared, written, PROT_NONE and read-only pages must all
# keep their contents (reclaim may drop a page only if it is still zero).
for case in iso_cow-child-writes iso_cow-parent-writes iso_cow-grandchild iso_mprotect_merge vmt_mem; do
	prog=$case; args=()
	if [ -f "$EXP/$case.cmd" ]; then
		mapfile -t cmd <"$EXP/$case.cmd"; prog=${cmd[0]}; args=("${cmd[@]:1}")
	fi
	for pol in clock random; do
		run_vmos run --check --frames 10 --swap 16M --policy $pol "$BIN/$prog" "${args[@]}" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		if [ "$rc" = "$(cat "$EXP/$case.status")" ] && cmp -s "$tmp/out" "$EXP/$case.out"; then
			ok "$case in 10 frames with swap ($pol): expected output"
		else
			bad "$case in 10 frames ($pol): status $rc $(diff "$tmp/out" "$EXP/$case.out" | head -3) $(grep -m1 'broken\|panic' "$tmp/err")"
		fi
	done
done

# Three processes at once, each bigger than its share of RAM.
run_vmos run --check --ram 3M --swap 64M "$BIN/bench_sort" 300 --- "$BIN/bench_sort" 301 --- "$BIN/bench_sort" 302 >"$tmp/out" 2>"$tmp/err"
rc=$?
for n in 300 301 302; do
	run_vmos run "$BIN/bench_sort" $n 2>/dev/null
done >"$tmp/ref"
if [ "$rc" = 0 ] && [ "$(sort "$tmp/out")" = "$(sort "$tmp/ref")" ]; then
	ok "three sorts time-sharing 3 MiB with swap: all checksums right"
else
	bad "three sorts with swap: status $rc $(grep -m1 'broken\|panic\|killed' "$tmp/err")"
fi

# Local replacement: each process pages against its own 100 frames.
run_vmos run --check --stats --local 100 --swap 64M "$BIN/bench_sort" 300 --- "$BIN/bench_sort" 301 >"$tmp/out" 2>"$tmp/err"
rc=$?
n=$(grep -c 'swap: in [1-9]' "$tmp/err")
[ "$rc" = 0 ] && [ "$(sort "$tmp/out")" = "$(sed -n '1,2p' "$tmp/ref" | sort)" ] && [ "$n" = 2 ] \
	&& ok "local replacement (--local 100): both sorts right, each swapped its own pages" || bad "local: status $rc, $n swapping $(grep -m1 'broken\|panic' "$tmp/err")"

# Swap full: out of memory only when RAM and swap are both full.
run_vmos run --check --ram 2M --swap 256K "$BIN/memhog" 8 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 137 ] && grep -q 'out of memory' "$tmp/err" && ok "RAM and swap both full: the hog is killed" \
	|| bad "swap full: status $rc $(head -2 "$tmp/err")"
run_vmos run --check --ram 2M --swap 16M "$BIN/memhog" 8 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 0 ] && grep -q 'touched 8 MiB' "$tmp/out" && ok "8 MiB hog fits in 2 MiB RAM + 16 MiB swap" \
	|| bad "hog with enough swap: status $rc $(head -2 "$tmp/err")"

# Working sets and thrashing are visible: a pointer chase over 8 MiB in
# 6 MiB of RAM thrashes, the same in ample RAM does not.
run_vmos run --check --stats --wss 1000000 --ram 6M --swap 64M "$BIN/bench_chase" 1 >/dev/null 2>"$tmp/err"
ws=$(sed -n 's/.*working set: \([0-9.]*\) pages on average, \([0-9]*\) at most.*/\2/p' "$tmp/err")
grep -q "thrashing" "$tmp/err" && [ "${ws:-0}" -gt 500 ] && ok "thrashing visible: chase over 8 MiB in 6 MiB (working set up to $ws pages)" || bad "thrashing not visible: $(grep -E 'swap:|working' "$tmp/err")"
run_vmos run --stats --wss 1000000 "$BIN/bench_chase" 1 >/dev/null 2>"$tmp/err"; rc=$?
if [ "$rc" != 0 ]; then bad "chase with ample RAM: status $rc"
elif grep -q "thrashing" "$tmp/err"; then bad "thrashing reported with ample RAM"
else ok "no thrashing with ample RAM"; fi
# A short run with a few dozen swap-ins is not thrashing: too little evidence
# (the criterion in src/tools/thrash.h needs 100,000 instructions and 1000
# swap-ins, and a swap-in every < 10,000 instructions on average).
run_vmos run --stats --frames 3 --swap 1M "$BIN/hello" >/dev/null 2>"$tmp/err"
grep -q "swap: in [1-9]" "$tmp/err" && ! grep -q "thrashing" "$tmp/err" && ok "hello with 3 frames: swap-ins but not thrashing" \
	|| bad "hello with 3 frames: $(grep 'swap:' "$tmp/err")"
run_vmos run --wss 10 "$BIN/hello" >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] && ok "--wss 10 refused" || bad "--wss 10: $rc"

# Bad options are refused with a message.
run_vmos run --swap 3K "$BIN/hello" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && grep -q "bad --swap" "$tmp/err" && ok "--swap 3K refused" || bad "--swap 3K: status $rc"
run_vmos run --policy nosuch "$BIN/hello" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && grep -q "bad --policy" "$tmp/err" && ok "--policy nosuch refused" || bad "--policy nosuch: status $rc"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
