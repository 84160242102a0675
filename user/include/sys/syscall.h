/*
 * sys/syscall.h - Linux riscv64 system-call numbers (the asm-generic table,
 * include/uapi/asm-generic/unistd.h) and the raw syscall() entry point.
 * The numbers come from src/abi/lx/, the header set the kernel uses.
 * vmos implements these numbers with Linux semantics (shared/DESIGN.md), so a
 * program built against this header runs under vmos and qemu-riscv64 alike.
 */
#ifndef _SYS_SYSCALL_H
#define _SYS_SYSCALL_H

/* SYS_<name> for every number of the one list both worlds share
 * (src/abi/lx/syscall_list.h).  Enumerators, not macros: fine in C
 * expressions and case labels, not in #if or assembly. */
enum {
#define LX_SYSCALL(nr, name) SYS_##name = nr,
#include <lx/syscall_list.h>
#undef LX_SYSCALL
};

/* syscall - issue system call n with up to six arguments.  Returns the
 * kernel's result; a negative errno result sets errno and returns -1. */
long syscall(long n, ...);

#endif
