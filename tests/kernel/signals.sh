#!/usr/bin/env bash
# tests/kernel/signals.sh - signal behaviour that has no qemu-riscv64 peer
# to compare with (tests/glibc/glibc.sh compares the rest):
#   - a SIGSEGV handler that returns without fixing anything: Linux loops
#     forever; vmos's progress guard ends it with SIGKILL (137) and a
#     diagnosis after FAULT_GUARD_MAX rounds
#   - --stats counts the signals delivered and the user-handled faults
#   - --check (the invariant checker after every exit) holds for the
#     signal programs, the vDSO frames included
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
pass=0 fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
if ! command -v riscv64-linux-gnu-gcc >/dev/null; then
	echo "SKIP signals: riscv64-linux-gnu-gcc missing"; echo "0 passed, 0 failed, 1 skipped"; exit 0
fi
cat >"$tmp/forever.c" <<'C'
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
static volatile int n;
static void h(int s) { (void)s; n++; }
int main(void)
{
	signal(SIGSEGV, h);
	char *p = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 1;
	printf("not reached %d\n", n);
	return 0;
}
C
riscv64-linux-gnu-gcc -static -O2 "$tmp/forever.c" -o "$tmp/forever"
run_vmos run "$tmp/forever" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ "$rc" = 137 ] && grep -q 'killed by SIGKILL: no progress' "$tmp/err" && [ ! -s "$tmp/out" ] &&
	ok "a handler that fixes nothing: killed by the progress guard (137)" ||
	bad "forever: status $rc, $(head -2 "$tmp/err")"
B=$VMOS_BUILD/glibc
if [ -x "$B/uservm" ]; then
	run_vmos run --check --stats "$B/uservm" >"$tmp/out" 2>"$tmp/err"; rc=$?
	[ "$rc" = 0 ] && grep -q '^signals: delivered 56 (SIGSEGV 56), user-handled faults 56, sigreturns 55$' "$tmp/err" &&
		ok "--stats: signals by signal, user-handled faults (uservm)" ||
		bad "uservm --stats: status $rc, $(grep '^signals' "$tmp/err")"
	run_vmos run --check "$B/signals" >"$tmp/out" 2>"$tmp/err"; rc=$?
	[ "$rc" = 0 ] && ! grep -q invariant "$tmp/err" && ok "signals under --check" || bad "signals --check: $rc $(head -2 "$tmp/err")"
else
	bad "$B/uservm not built"
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
