#!/usr/bin/env bash
# tests/kernel/threads.sh - threads as a user sees them from vmos's own
# reports (the programs' output and status against qemu-riscv64 are
# tests/glibc/glibc.sh's): a deadlock ends the run with a clear message
# and SIGKILL (never a hang); the OOM killer weighs a thread group's one
# address space and ends the whole group; --stats reports a process with
# its threads' counts in it, --maps one map per address space; --check
# holds after every thread's exit (no frame or thread leaks), through an
# exec from a thread and a fork from a thread.
set -u
cd "$(dirname "$0")/../.."
B=${VMOS_BUILD:-build}
VMOS=$B/vmos
G=$B/glibc
pass=0 fail=0 skip=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok()  { echo "ok $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
if [ ! -x "$G/threads" ]; then
	echo "skip threads.sh: $G/threads not built (riscv64-linux-gnu-gcc missing?)"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi

# 1. a deadlock: three sleepers named, the process killed, no hang
timeout 20 "$VMOS" run --check "$G/deadlock" >"$tmp/out" 2>"$tmp/err"; rc=$?
n=$(grep -c 'vmos:   pid 1 (deadlock) thread [0-9]* waits for the futex at 0x' "$tmp/err")
if [ "$rc" = 137 ] && [ "$n" = 3 ] && grep -q 'vmos: deadlock: pid 1 (deadlock) killed by SIGKILL' "$tmp/err"; then
	ok "deadlock: 3 sleepers named, SIGKILL (137)"
else
	bad "deadlock: status $rc, $n sleepers named: $(head -5 "$tmp/err")"
fi

# 2. OOM in a threaded program: the group dies together
timeout 60 "$VMOS" run --check --ram 16M "$G/thread_oom" >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ "$rc" = 137 ] && grep -q 'out of memory serving a fault of pid 1 thread [0-9]* at .*: killed pid 1 (thread_oom)' "$tmp/err" &&
   [ ! -s "$tmp/out" ]; then
	ok "OOM: the thread group is killed as one (137)"
else
	bad "OOM: status $rc: $(head -3 "$tmp/err")"
fi

# 3. --stats: one process line, the threads' instructions folded in
timeout 60 "$VMOS" run --stats "$G/threads" >"$tmp/out" 2>"$tmp/err"; rc=$?
procs=$(grep -c '^process ' "$tmp/err")
total=$(sed -n 's/^instructions: //p' "$tmp/err")
own=$(grep -A1 '^process 1 (threads)' "$tmp/err" | sed -n 's/^  instructions \([0-9]*\),.*/\1/p')
if [ "$rc" = 0 ] && [ "$procs" = 1 ] && [ -n "$own" ] && [ -n "$total" ] &&
   [ "$own" -gt $((total * 9 / 10)) ] && [ "$own" -le "$total" ]; then
	ok "--stats: one process, its threads' instructions in it ($own of $total)"
else
	bad "--stats: status $rc, $procs process lines, process $own of $total instructions"
fi

# 4. --maps: one map per address space (the process and its 3 forked children), not per thread
timeout 60 "$VMOS" run --maps "$G/threads" >"$tmp/out" 2>"$tmp/err"; rc=$?
maps=$(grep -c '^==> /proc/[0-9]*/maps' "$tmp/err")
if [ "$rc" = 0 ] && [ "$maps" = 4 ] && grep -q '^==> /proc/1/maps (threads) at exit <==' "$tmp/err"; then
	ok "--maps: one map per address space (4: the process and its children; 70 threads)"
else
	bad "--maps: status $rc, $maps maps: $(grep '^==>' "$tmp/err" | head -5)"
fi

# 5. --check after every exit: threads, exec from a thread, fork from a thread
for p in threads thread_exec thread_exit futex; do
	timeout 60 "$VMOS" run --check "$G/$p" >"$tmp/out" 2>"$tmp/err"; rc=$?
	if [ "$rc" != 134 ] && ! grep -q 'invariant broken\|panic' "$tmp/err"; then
		ok "--check holds through $p (status $rc)"
	else
		bad "--check on $p: status $rc: $(head -3 "$tmp/err")"
	fi
done

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
