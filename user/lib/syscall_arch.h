/*
 * syscall_arch.h - the Linux riscv64 system-call instruction sequence.
 *
 * Convention (RISC-V Linux, arch/riscv/kernel/entry.S): number in a7,
 * arguments in a0..a5, `ecall`, result in a0.  A result in [-4095, -1] is a
 * negated errno; every other value is success.  The __sys* functions return
 * the raw result; __sys_ret turns it into the C convention (errno, -1).
 */
#ifndef USER_LIB_SYSCALL_ARCH_H
#define USER_LIB_SYSCALL_ARCH_H

static inline long __syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	register long a7 __asm__("a7") = n;
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c;
	register long a3 __asm__("a3") = d;
	register long a4 __asm__("a4") = e;
	register long a5 __asm__("a5") = f;
	__asm__ volatile("ecall"
	                 : "+r"(a0)
	                 : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5)
	                 : "memory");
	return a0;
}

#define __sys0(n)             __syscall6((n), 0, 0, 0, 0, 0, 0)
#define __sys1(n, a)          __syscall6((n), (long)(a), 0, 0, 0, 0, 0)
#define __sys2(n, a, b)       __syscall6((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define __sys3(n, a, b, c)    __syscall6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define __sys4(n, a, b, c, d) __syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

/* __sys_ret: map a raw kernel result to the C library convention. */
long __sys_ret(long r);

/* Internal: auxiliary vector and stdio flush, set up / used by start.c. */
extern unsigned long *__auxv;
void __stdio_flush_all(void);

#endif
