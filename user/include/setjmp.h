/*
 * setjmp.h - non-local jumps (C11 7.13).  A jmp_buf holds what the RISC-V
 * psABI says a callee must preserve: ra, sp, s0-s11 and, with the hard-float
 * ABI (lp64d), fs0-fs11 (user/lib/setjmp.S).  Signal masks are not saved:
 * vmos has no signal handlers yet, so sigsetjmp is setjmp.
 */
#ifndef _SETJMP_H
#define _SETJMP_H

typedef unsigned long jmp_buf[26];
typedef jmp_buf sigjmp_buf;

int setjmp(jmp_buf env) __attribute__((returns_twice));
_Noreturn void longjmp(jmp_buf env, int val);
#define sigsetjmp(env, savemask) setjmp(env)
#define siglongjmp(env, val) longjmp(env, val)

#endif
