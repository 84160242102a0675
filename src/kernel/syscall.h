/*
 * syscall.h - system calls with the Linux riscv64 (asm-generic) numbers and
 * semantics: number in a7, arguments in a0-a5, result (or -errno) in a0.
 * Any other number returns -ENOSYS.  The numbers are LX_SYS_<name> from
 * src/abi/lx/unistd.h, the list user programs are built against too.
 */
#ifndef VMOS_KERNEL_SYSCALL_H
#define VMOS_KERNEL_SYSCALL_H

#include "kernel.h"

#include "abi/lx/unistd.h"   /* LX_SYS_<name>: the numbers, from the one list */

/* The Linux name of system-call number nr ("openat"), or NULL if the
 * number has none (syscall_names.c). */
const char *syscall_name(uint64_t nr);

/* Runs the system call p trapped into (a7 = number), storing the result in
 * p's a0. */
void syscall_dispatch(struct kernel *k, struct proc *p);

#endif
