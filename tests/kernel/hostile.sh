#!/usr/bin/env bash
# Hostile guests against the kernel's own limits: what a program may do
# to the file systems and to the other guests of one vmos run must never
# crash or hang vmos, nor reach a process of another program tree.
#
# 1. A tmpfs directory tree 100000 levels deep (renames make any depth):
#    rename's "into itself" check and the tmpfs teardown at exit once
#    recursed one host stack frame per level and overflowed the host stack
#    (SIGSEGV).  vmos runs with a 1 MiB host stack here, so a recursion
#    that remains fails at once; --check accounts for every inode after.
# 2. Two programs of one run (`A --- B`) are two guests: A's kill, tkill,
#    tgkill (signal 0 and SIGKILL), kill of B's group, prlimit64 and
#    sched_getaffinity of B's pid are ESRCH, as for a pid that does not
#    exist (they once reached B: A killed B).  B waits on a FIFO that A
#    writes last, and must say it survived.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
BIN=$VMOS_BUILD/user/bin
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

( ulimit -s 1024 && run_vmos run --check "$BIN/hostile" deep 100000 ) >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 0 ] && ok "a tmpfs tree 100000 levels deep: built, renamed, torn down (status 0)" \
	|| bad "deep tmpfs tree: status $rc: $(tail -2 "$tmp/err")"
grep -q '^ok a tree 100001 levels deep$' "$tmp/out" && ! grep -q FAIL "$tmp/out" \
	&& ok "renames into a deep tree or a moved directory stay EINVAL" \
	|| bad "deep tree checks: $(grep -m2 FAIL "$tmp/out")"
grep -q 'invariant broken\|panic' "$tmp/err" && bad "kernel check: $(grep -m1 'invariant broken\|panic' "$tmp/err")" \
	|| ok "no invariant broken after the deep tree"

run_vmos run --check "$BIN/hostile" other 2 --- "$BIN/hostile" wait >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 0 ] && ok "another guest's pid: the attacker and its target exit 0" \
	|| bad "another guest's pid: status $rc: $(tail -2 "$tmp/err")"
n=$(grep -c '^ok .*another guest' "$tmp/out")
[ "$n" = 8 ] && ! grep -q '^FAIL' "$tmp/out" && ok "kill/tkill/tgkill/prlimit64/affinity of another guest: ESRCH (8 calls)" \
	|| bad "calls on another guest's pid: $(grep -m3 '^FAIL' "$tmp/out")"
grep -q '^wait: survived$' "$tmp/out" && ok "the other guest survived" || bad "the other guest did not survive"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
