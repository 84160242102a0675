/*
 * lx/auxvec.h - the types of the ELF auxiliary vector the kernel puts
 * above envp on a new stack (include/uapi/linux/auxvec.h, arch/riscv's
 * AT_SYSINFO_EHDR).  Freestanding: no includes.
 */
#ifndef VMOS_ABI_LINUX_AUXVEC_H
#define VMOS_ABI_LINUX_AUXVEC_H

#define LX_AT_NULL          0   /* end of the vector */
#define LX_AT_IGNORE        1
#define LX_AT_EXECFD        2
#define LX_AT_PHDR          3   /* program headers of the program */
#define LX_AT_PHENT         4
#define LX_AT_PHNUM         5
#define LX_AT_PAGESZ        6
#define LX_AT_BASE          7   /* load address of the interpreter */
#define LX_AT_FLAGS         8
#define LX_AT_ENTRY         9   /* the program's entry point */
#define LX_AT_UID          11
#define LX_AT_EUID         12
#define LX_AT_GID          13
#define LX_AT_EGID         14
#define LX_AT_PLATFORM     15
#define LX_AT_HWCAP        16
#define LX_AT_CLKTCK       17
#define LX_AT_SECURE       23
#define LX_AT_RANDOM       25   /* address of 16 random bytes */
#define LX_AT_EXECFN       31   /* the path execve was given */
#define LX_AT_SYSINFO_EHDR 33   /* the vDSO */

#endif
