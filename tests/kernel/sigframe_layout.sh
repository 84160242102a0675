#!/usr/bin/env bash
# tests/kernel/sigframe_layout.sh - the signal frame's layout as vmos
# writes it (src/abi/linux_abi.h) against the Linux uapi layout as the
# riscv64 glibc headers declare it (ucontext_t, mcontext_t, siginfo_t,
# stack_t, struct sigaction's kernel form is 24 bytes: checked in
# linux_abi.h).  The riscv side is compiled with riscv64-linux-gnu-gcc and
# run under qemu-riscv64; skipped if either is missing.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
pass=0 fail=0 skip=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

cat >"$tmp/host.c" <<'C'
#include <stdio.h>
#include <stddef.h>
#include "abi/linux_abi.h"
int main(void)
{
	printf("siginfo %zu addr %zu pid %zu status %zu\n", sizeof(struct lx_siginfo),
	       offsetof(struct lx_siginfo, u.fault.addr), offsetof(struct lx_siginfo, u.kill.pid),
	       offsetof(struct lx_siginfo, u.chld.status));
	printf("stack %zu flags %zu size %zu\n", sizeof(struct lx_stack),
	       offsetof(struct lx_stack, ss_flags), offsetof(struct lx_stack, ss_size));
	printf("uc stack %zu mask %zu mcontext %zu\n", offsetof(struct lx_ucontext, uc_stack),
	       offsetof(struct lx_ucontext, uc_sigmask), offsetof(struct lx_ucontext, uc_mcontext));
	printf("mc pc %zu a0 %zu f0 %zu fcsr %zu size %zu\n", offsetof(struct lx_sigcontext, regs[0]),
	       offsetof(struct lx_sigcontext, regs[10]), offsetof(struct lx_sigcontext, f[0]),
	       offsetof(struct lx_sigcontext, fcsr), sizeof(struct lx_sigcontext));
	return 0;
}
C
cat >"$tmp/rv.c" <<'C'
#include <stdio.h>
#include <stddef.h>
#include <signal.h>
#include <ucontext.h>
int main(void)
{
	printf("siginfo %zu addr %zu pid %zu status %zu\n", sizeof(siginfo_t),
	       offsetof(siginfo_t, si_addr), offsetof(siginfo_t, si_pid), offsetof(siginfo_t, si_status));
	printf("stack %zu flags %zu size %zu\n", sizeof(stack_t), offsetof(stack_t, ss_flags),
	       offsetof(stack_t, ss_size));
	printf("uc stack %zu mask %zu mcontext %zu\n", offsetof(ucontext_t, uc_stack),
	       offsetof(ucontext_t, uc_sigmask), offsetof(ucontext_t, uc_mcontext));
	printf("mc pc %zu a0 %zu f0 %zu fcsr %zu size %zu\n", offsetof(mcontext_t, __gregs[0]),
	       offsetof(mcontext_t, __gregs[10]), offsetof(mcontext_t, __fpregs.__d.__f[0]),
	       offsetof(mcontext_t, __fpregs.__d.__fcsr), sizeof(mcontext_t));
	return 0;
}
C
if ! ${CC:-cc} -std=c11 -Isrc "$tmp/host.c" -o "$tmp/host" 2>"$tmp/err"; then
	bad "host side does not build: $(head -3 "$tmp/err")"
elif ! command -v riscv64-linux-gnu-gcc >/dev/null || ! command -v qemu-riscv64 >/dev/null; then
	echo "SKIP sigframe layout: riscv64-linux-gnu-gcc or qemu-riscv64 missing"; skip=1
elif ! riscv64-linux-gnu-gcc -static "$tmp/rv.c" -o "$tmp/rv" 2>"$tmp/err"; then
	bad "riscv side does not build: $(head -3 "$tmp/err")"
else
	"$tmp/host" >"$tmp/h.out"
	run_limited 60 qemu-riscv64 "$tmp/rv" >"$tmp/r.out"
	while IFS= read -r want && IFS= read -r got <&3; do
		[ "$want" = "$got" ] && ok "layout: $got" || bad "layout: vmos '$got', glibc riscv64 '$want'"
	done <"$tmp/r.out" 3<"$tmp/h.out"
	[ "$(wc -l <"$tmp/r.out")" = 4 ] || bad "riscv side printed $(wc -l <"$tmp/r.out") lines"
fi
if [ $skip -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
[ $fail = 0 ]
