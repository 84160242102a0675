#!/usr/bin/env bash
# tests/user/warn_syscalls.sh - `vmos run --warn-syscalls` names each system
# call vmos does not implement once per number (sysabi vmos calls acct (89)
# twice and number 500 once), with its Linux name or "unknown"; without the
# flag vmos says nothing; the program's output is the same either way.
# Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
VMOS_BUILD=${VMOS_BUILD:-build}
VMOS=$VMOS_BUILD/vmos
PROG=$VMOS_BUILD/user/bin/sysabi
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() {   # check WHAT COND...
	local what=$1; shift
	if "$@"; then echo "ok $what"; pass=$((pass + 1)); else echo "FAIL $what"; fail=$((fail + 1)); fi
}
"$VMOS" run --warn-syscalls "$PROG" vmos </dev/null >"$tmp/w.out" 2>"$tmp/w.err"
rc_w=$?
"$VMOS" run "$PROG" vmos </dev/null >"$tmp/n.out" 2>"$tmp/n.err"
rc_n=$?
check "exit status 0 with and without the flag" test "$rc_w$rc_n" = 00
check "same stdout with and without the flag" cmp -s "$tmp/w.out" "$tmp/n.out"
check "acct named once" test "$(grep -c 'syscall 89 (acct) is not implemented: ENOSYS' "$tmp/w.err")" = 1
check "number 500 named once, as unknown" test "$(grep -c 'syscall 500 (unknown) is not implemented' "$tmp/w.err")" = 1
check "the line names the process" grep -q '^vmos: pid 1 (sysabi): syscall 89 (acct)' "$tmp/w.err"
check "nothing else is named (every other call is implemented)" test "$(grep -c 'is not implemented' "$tmp/w.err")" = 2
check "no warnings without the flag" test "$(grep -c 'is not implemented' "$tmp/n.err")" = 0
"$VMOS" run --warn-syscalls "$VMOS_BUILD/user/bin/hello" </dev/null >/dev/null 2>"$tmp/h.err"
check "hello makes no unimplemented call" test ! -s "$tmp/h.err"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
