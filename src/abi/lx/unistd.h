/*
 * lx/unistd.h - Linux riscv64 system-call numbers as LX_SYS_<name>
 * (LX_SYS_read == 63), made from the one list, lx/syscall_list.h.  They
 * are enumerators, not macros: usable in C expressions and case labels,
 * not in #if or assembly.  Freestanding: no includes.
 */
#ifndef VMOS_ABI_LINUX_UNISTD_H
#define VMOS_ABI_LINUX_UNISTD_H

enum lx_syscall_nr {
#define LX_SYSCALL(nr, name) LX_SYS_##name = nr,
#include "syscall_list.h"
#undef LX_SYSCALL
};

#endif
