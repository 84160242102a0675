#!/usr/bin/env bash
# The page cache under memory pressure: user/bin/tests/mmap_file pressure
# (160 pages of MAP_SHARED|MAP_ANONYMOUS memory written by a forked child,
# the program file mapped and compared with pread) in 24 frames with swap,
# under every replacement policy, with the invariant checker after every
# exit (--check: page-cache frames owned once, refcounts = cache +
# mappings, object swap slots counted): the output must equal the run with
# ample memory, shmem pages must have gone to swap and come back, and
# clean file pages must have been dropped and read again.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
BIN=$VMOS_BUILD/user/bin; EXP=tests/user/expected
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

for pol in clock fifo lru random lirs; do
	out=$(run_vmos run --check --stats-json "$tmp/s.json" --frames 24 --swap 2M --policy "$pol" \
		"$BIN/mmap_file" pressure 2>"$tmp/err")
	rc=$?
	num() { sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p" "$tmp/s.json"; }
	so=$(num file_pages_swapped_out); si=$(num file_pages_swapped_in); dr=$(num file_pages_dropped)
	if [ "$rc" = 0 ] && [ "$out" = "$(cat "$EXP/mmap_file-pressure.out")" ] &&
	   [ "${so:-0}" -gt 50 ] && [ "${si:-0}" -gt 50 ] && [ "${dr:-0}" -gt 10 ]; then
		ok "mmap_file pressure in 24 frames with $pol: same output; shmem pages swapped out $so, in $si; file pages dropped $dr"
	else
		bad "mmap_file pressure with $pol: status $rc, swapped out ${so:-?} in ${si:-?}, dropped ${dr:-?}; $(grep -m1 'broken\|panic\|check' "$tmp/err")"
	fi
done
# the file-mapping checks squeezed too (SIGBUS child, errors, shared anon)
out=$(run_vmos run --check --frames 12 --swap 1M "$BIN/mmap_file" 2>"$tmp/err"); rc=$?
[ "$rc" = 0 ] && [ "$out" = "$(cat "$EXP/mmap_file.out")" ] &&
	ok "mmap_file in 12 frames: same output" || bad "mmap_file in 12 frames: status $rc $(head -2 "$tmp/err")"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
