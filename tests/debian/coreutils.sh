#!/usr/bin/env bash
# tests/debian/coreutils.sh - Debian's dynamically linked coreutils (riscv64,
# trixie) run unchanged under vmos from the extracted root: the kernel maps
# the program (a PIE) and its PT_INTERP, /lib/ld-linux-riscv64-lp64d.so.1,
# and the dynamic loader maps libc.so.6 (and libacl, libattr, libselinux,
# libpcre2, libgmp, libcrypto ... as each program needs) with openat + mmap
# of files.  sort, ls -l (numeric ids), wc, md5sum, cat, head, od.
#
# Reference: qemu-riscv64 -L ROOT, on output and status, with the same
# environment (LC_ALL=C TZ=UTC) and the working directory at the root, so
# that relative paths name the same files for both.  qemu-user's -L does not
# redirect every path newer glibc opens (coreutils' `sort /abs/path` fails
# under it), so the absolute-path cases are compared with the HOST's own
# coreutils on the same files instead (marked "vs the host's").
# The input files are written into ROOT/vmos-data by this script.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/debian/debian.bash
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
debian_root_or_skip coreutils
: >"$tmp/empty"

# input data, deterministic
data=$DEB_ROOT/vmos-data
mkdir -p "$data"
awk 'BEGIN { x = 12345; for (i = 0; i < 2000; i++) { x = (x * 1103515245 + 12345) % 2147483648; print x % 100000 } }' >"$data/numbers"
awk 'BEGIN { split("pear apple fig kiwi plum lime date", w, " "); x = 7
	for (i = 0; i < 300; i++) { x = (x * 69069 + 1) % 4294967296; print w[x % 7 + 1], int(x / 65536) % 1000 } }' >"$data/words"

feature_or_skip "coreutils (all cases)" root dynamic || finish
cd "$DEB_ROOT"

compare "echo (the smallest dynamic program)" "$tmp/empty" /usr/bin/echo hello from coreutils
compare "sort -n of stdin" "$data/numbers" /usr/bin/sort -n
compare "sort -k1,1 -k2,2nr of a file (relative path)" "$tmp/empty" /usr/bin/sort -k1,1 -k2,2nr vmos-data/words
compare "sort -u | of a file" "$tmp/empty" /usr/bin/sort -u -t ' ' -k1,1 vmos-data/words
compare "ls -ln (numeric ids)" "$tmp/empty" /usr/bin/ls -ln --time-style=+%Y-%m-%dT%H:%M:%S usr/share/doc/coreutils
compare "ls -la of a directory with links" "$tmp/empty" /usr/bin/ls -lan --time-style=+%s bb
compare "wc of files" "$tmp/empty" /usr/bin/wc vmos-data/numbers vmos-data/words
compare "md5sum of files" "$tmp/empty" /usr/bin/md5sum vmos-data/numbers usr/bin/busybox
compare "cat of two files" "$tmp/empty" /usr/bin/cat vmos-data/words vmos-data/numbers
compare "head -n / -c" "$tmp/empty" /usr/bin/head -n 7 vmos-data/words
compare "od -A x -t x1z of a binary" "$tmp/empty" /usr/bin/od -A x -t x1z -N 256 usr/bin/ls
compare "exit status of a failure (ls of a missing file: 2)" "$tmp/empty" /usr/bin/ls no-such-file

# the auxiliary vector as glibc's loader shows it (LD_SHOW_AUXV=1): the same
# entries as under qemu-riscv64, and the same values where they are not
# addresses (AT_SYSINFO_EHDR / AT_MINSIGSTKSZ, which qemu-user 7.2 omits for
# riscv64, are left out)
auxv_of() {    # auxv_of FILE: "NAME value" with addresses replaced by "addr"
	sed -n 's/^AT_\([A-Z0-9_]*\): *\(.*\)/\1 \2/p' "$1" | grep -v -E '^(SYSINFO_EHDR|MINSIGSTKSZ) ' |
		awk '$1 ~ /^(PHDR|BASE|ENTRY|RANDOM)$/ { $2 = "addr" } $1 == "EXECFN" { $2 = "path" } { print }' | sort
}
run_vmos -t 120 run --env LD_SHOW_AUXV=1 --root "$DEB_ROOT" "$DEB_ROOT/usr/bin/true" >"$tmp/va" 2>&1; vr=$?
run_limited 120 env -i qemu-riscv64 -E LD_SHOW_AUXV=1 -L "$DEB_ROOT" "$DEB_ROOT/usr/bin/true" >"$tmp/qa" 2>&1; qr=$?
if [ $vr = 0 ] && [ $qr = 0 ] && [ "$(auxv_of "$tmp/va")" = "$(auxv_of "$tmp/qa")" ] && [ -n "$(auxv_of "$tmp/va")" ]; then
	ok "LD_SHOW_AUXV=1: the same auxv entries as qemu ($(auxv_of "$tmp/va" | wc -l))"
else
	bad "LD_SHOW_AUXV=1: vmos status $vr, qemu $qr"; diff <(auxv_of "$tmp/qa") <(auxv_of "$tmp/va")
fi

# absolute paths: the host's coreutils on the same files are the reference
host_ref() {    # host_ref NAME GUEST-ARGS -- HOST-ARGS
	local name=$1; shift
	local g=() h=()
	while [ "$1" != -- ]; do g+=("$1"); shift; done; shift
	h=("$@")
	vm_guest "${g[@]}" </dev/null >"$tmp/v.out" 2>"$tmp/v.err"; local vr=$?
	env -i LC_ALL=C TZ=UTC "${h[@]}" </dev/null >"$tmp/h.out" 2>/dev/null; local hr=$?
	sed -i "s|$DEB_ROOT||g" "$tmp/h.out"
	if [ "$vr" = "$hr" ] && cmp -s "$tmp/v.out" "$tmp/h.out"; then
		ok "$name vs the host's (status $vr, $(wc -c <"$tmp/v.out") bytes)"
	else
		bad "$name vs the host's: vmos status $vr, host $hr"
		diff "$tmp/h.out" "$tmp/v.out" | head -n 10; head -n 5 "$tmp/v.err"
	fi
}
host_ref "sort -n /vmos-data/numbers" /usr/bin/sort -n /vmos-data/numbers -- sort -n "$data/numbers"
host_ref "md5sum /usr/bin/busybox /vmos-data/words" /usr/bin/md5sum /usr/bin/busybox /vmos-data/words \
	-- md5sum "$DEB_ROOT/usr/bin/busybox" "$data/words"
host_ref "wc -l /vmos-data/numbers" /usr/bin/wc -l /vmos-data/numbers -- wc -l "$data/numbers"
finish
