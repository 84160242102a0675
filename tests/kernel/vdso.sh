#!/usr/bin/env bash
# tests/kernel/vdso.sh - the vDSO: a shared object with glibc's LINUX_4.15
# symbols, mapped as [vvar] and [vdso] in every process, and used by
# static glibc: clock_gettime through it does not enter the kernel (the
# program user/glibc/vdsoclock makes 401 clock_gettime system calls of its
# own and 800 more through glibc, which must not be seen).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
pass=0 fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
SO=$VMOS_BUILD/vdso/vdso.so
RE=$(command -v llvm-readelf || command -v llvm-readelf-14 || echo llvm-readelf)
if "$RE" -h --dyn-syms "$SO" >"$tmp/re" 2>&1; then
	grep -q 'DYN (Shared object file)' "$tmp/re" && ok "vdso.so is a shared object" || bad "vdso.so type: $(grep Type "$tmp/re")"
	for s in rt_sigreturn clock_gettime gettimeofday clock_getres getcpu; do
		grep -q "__vdso_$s@@LINUX_4.15" "$tmp/re" && ok "symbol __vdso_$s@@LINUX_4.15" || bad "no __vdso_$s@@LINUX_4.15"
	done
	[ "$(stat -c %s "$SO")" -le 4096 ] && ok "vdso.so fits one page" || bad "vdso.so over a page"
else
	bad "llvm-readelf $SO: $(head -2 "$tmp/re")"
fi
run_vmos run --maps "$VMOS_BUILD/user/bin/hello" >/dev/null 2>"$tmp/maps"
grep -q ' r--p .* \[vvar\]$' "$tmp/maps" && grep -q ' r-xp .* \[vdso\]$' "$tmp/maps" &&
	ok "--maps shows [vvar] r-- and [vdso] r-x" || bad "--maps: $(grep -E 'vdso|vvar' "$tmp/maps")"
if [ -x "$VMOS_BUILD/glibc/vdsoclock" ]; then
	run_vmos run --events - --events-filter syscall "$VMOS_BUILD/glibc/vdsoclock" >"$tmp/out" 2>&1; rc=$?
	n=$(grep -c ' clock_gettime(' "$tmp/out")
	[ "$rc" = 0 ] && [ "$n" = 401 ] && ok "glibc's clock_gettime goes through the vDSO (401 syscalls, not 1202)" ||
		bad "vdsoclock: status $rc, $n clock_gettime syscalls (want 401)"
	grep -q 'ordered: 1' "$tmp/out" && ok "vDSO and syscall clocks agree" || bad "clocks disagree"
	# --stats counts the clock reads the vDSO answered: 800 clock_gettime
	# and 1 gettimeofday, each one rdtime, under every engine
	for eng in interp fast jit; do
		run_vmos run --engine "$eng" --stats "$VMOS_BUILD/glibc/vdsoclock" >/dev/null 2>"$tmp/st"
		if grep -q '^  vDSO clock reads 801:' "$tmp/st" && grep -q '^vDSO: 801 clock reads' "$tmp/st"; then
			ok "--stats --engine $eng: 801 vDSO clock reads (system calls saved)"
		elif grep -q 'engine.*not available\|unknown engine' "$tmp/st"; then
			echo "SKIP --engine $eng: not on this host"
		else
			bad "--stats --engine $eng: $(grep -i vdso "$tmp/st")"
		fi
	done
else
	echo "SKIP vdsoclock: not built (riscv64-linux-gnu-gcc missing)"
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
