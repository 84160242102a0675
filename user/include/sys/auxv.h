/* sys/auxv.h - the ELF auxiliary vector the kernel passes above envp
 * (System V ABI, Linux include/uapi/linux/auxvec.h for the AT_ numbers). */
#ifndef _SYS_AUXV_H
#define _SYS_AUXV_H

#include <lx/auxvec.h>   /* the values, shared with the kernel */

#define AT_NULL         LX_AT_NULL
#define AT_IGNORE       LX_AT_IGNORE
#define AT_EXECFD       LX_AT_EXECFD
#define AT_PHDR         LX_AT_PHDR
#define AT_PHENT        LX_AT_PHENT
#define AT_PHNUM        LX_AT_PHNUM
#define AT_PAGESZ       LX_AT_PAGESZ
#define AT_BASE         LX_AT_BASE
#define AT_FLAGS        LX_AT_FLAGS
#define AT_ENTRY        LX_AT_ENTRY
#define AT_UID          LX_AT_UID
#define AT_EUID         LX_AT_EUID
#define AT_GID          LX_AT_GID
#define AT_EGID         LX_AT_EGID
#define AT_PLATFORM     LX_AT_PLATFORM
#define AT_HWCAP        LX_AT_HWCAP
#define AT_CLKTCK       LX_AT_CLKTCK
#define AT_SECURE       LX_AT_SECURE
#define AT_RANDOM       LX_AT_RANDOM
#define AT_EXECFN       LX_AT_EXECFN
#define AT_SYSINFO_EHDR LX_AT_SYSINFO_EHDR

/* getauxval returns the value of auxv entry `type`, or 0 (errno ENOENT). */
unsigned long getauxval(unsigned long type);

#endif
