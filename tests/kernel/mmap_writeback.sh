#!/usr/bin/env bash
# MAP_SHARED mappings of a --rw host file reach the host file
# (user/bin/tests/mmap_share), under the invariant checker (--check):
#   - bytes written through the mapping are in the host file after the
#     run, whether the program msyncs, munmaps, or just exits (the mapping
#     ending with the process: vm.c writeback_shared), and with 8 frames of
#     RAM and swap too;
#   - write()/pread() and the mapping see each other's bytes; ftruncate to
#     one page makes a touch of the second SIGBUS, and growing the file back
#     reads zeros there, on the host as well;
#   - a child's write through the mapping, after fork, reaches the parent,
#     read() and the host file;
#   - where qemu-riscv64 is installed, coherent and fork print the same and
#     leave the same file as under it.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
BIN=$VMOS_BUILD/user/bin
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
# (the guest's /tmp is a tmpfs: --rw mounts $tmp itself at its path)
mkdir "$tmp/rw"

# write_case HOW [VMOS-ARGS...]: TEXT written through the mapping is in the file
write_case() {
	local how=$1; shift
	local f=$tmp/rw/w_$how text="written-through-the-mapping-$how"
	head -c 8192 /dev/zero | tr '\0' '.' >"$f"
	run_vmos run --check --rw "$tmp" "$@" "$BIN/mmap_share" write "$f" "$text" "$how" \
		>"$tmp/out" 2>"$tmp/err"
	local rc=$?
	local got; got=$(head -c ${#text} "$f")
	local rest; rest=$(tail -c +$(( ${#text} + 1 )) "$f" | tr -d '.' | wc -c)
	if [ "$rc" = 0 ] && [ "$got" = "$text" ] && [ "$rest" = 0 ] && [ "$(stat -c %s "$f")" = 8192 ]; then
		ok "MAP_SHARED write, then $how${*:+ ($*)}: the host file holds it, nothing else changed"
	else
		bad "MAP_SHARED write, then $how${*:+ ($*)}: status $rc, file starts '$(head -c 40 "$f")'; $(grep -m2 'FAIL\|vmos' "$tmp/out" "$tmp/err" | tr '\n' ' ')"
	fi
}
for how in sync exit munmap; do
	write_case "$how"
done
write_case exit --frames 8 --swap 1M

# coherence of write() and the mapping, and ftruncate
f=$tmp/rw/coherent
run_vmos run --check --rw "$tmp" "$BIN/mmap_share" coherent "$f" >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ "$rc" = 0 ] && grep -q "mmap_share: 12 checks, 0 failed" "$tmp/out" &&
   [ "$(stat -c %s "$f")" = 8192 ] && [ "$(head -c 13 "$f" | tail -c 3 | tr '\0' 0)" = abc ] &&
   [ "$(head -c 22 "$f" | tail -c 2 | tr '\0' 0)" = MN ] && [ "$(tail -c 4096 "$f" | tr -d '\0' | wc -c)" = 0 ]; then
	ok "write() and the mapping coherent; ftruncate shrink: SIGBUS past the end, zeros after growing back (host file too)"
else
	bad "coherent: status $rc; $(grep -m3 FAIL "$tmp/out" | tr '\n' ' ') size $(stat -c %s "$f")"
fi

# fork: the child's write through the shared file mapping
f=$tmp/rw/forked
run_vmos run --check --rw "$tmp" "$BIN/mmap_share" fork "$f" >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ "$rc" = 0 ] && grep -q "mmap_share: 8 checks, 0 failed" "$tmp/out" &&
   [ "$(head -c 2 "$f" | tr '\0' 0)" = pc ] && [ "$(tail -c 4096 "$f" | head -c 1 | tr '\0' 0)" = p ]; then
	ok "fork: the child's write through the shared mapping reaches the parent, read() and the host file"
else
	bad "fork: status $rc; $(grep -m3 FAIL "$tmp/out" | tr '\n' ' ') file '$(head -c 2 "$f" | tr '\0' 0)'"
fi

# the same runs under qemu-riscv64 (Linux's semantics): same output, same files
skip=0
if command -v qemu-riscv64 >/dev/null; then
	mkdir "$tmp/q"
	for mode in coherent fork; do
		run_limited "$VMOS_RUN_TIMEOUT" qemu-riscv64 "$BIN/mmap_share" $mode "$tmp/q/$mode" >"$tmp/q.out" 2>/dev/null
		run_vmos run --rw "$tmp" "$BIN/mmap_share" $mode "$tmp/rw/v_$mode" >"$tmp/v.out" 2>/dev/null
		if cmp -s "$tmp/q.out" "$tmp/v.out" && cmp -s "$tmp/q/$mode" "$tmp/rw/v_$mode"; then
			ok "$mode: output and file as under qemu-riscv64"
		else
			bad "$mode against qemu-riscv64: $(diff "$tmp/q.out" "$tmp/v.out" | head -4 | tr '\n' ' ')"
		fi
	done
else
	echo "SKIP mmap_writeback: qemu-riscv64 not installed (the comparison with Linux's semantics)"
	skip=1
fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
