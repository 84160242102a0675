/*
 * lx/mman.h - mmap, mprotect, madvise and mremap flags of Linux riscv64
 * (include/uapi/asm-generic/mman-common.h, linux/mman.h).  riscv64 uses the
 * generic values; the host's <sys/mman.h> must not stand in for them (on
 * another host architecture they differ).  Freestanding: no includes.
 */
#ifndef VMOS_ABI_LINUX_MMAN_H
#define VMOS_ABI_LINUX_MMAN_H

#define LX_PROT_NONE  0x0
#define LX_PROT_READ  0x1
#define LX_PROT_WRITE 0x2
#define LX_PROT_EXEC  0x4
#define LX_PROT_SEM   0x8            /* accepted, no meaning (as on Linux) */

#define LX_MAP_SHARED          0x01
#define LX_MAP_PRIVATE         0x02
#define LX_MAP_SHARED_VALIDATE 0x03
#define LX_MAP_TYPE            0x0f  /* the mask of the three above */
#define LX_MAP_FIXED           0x10
#define LX_MAP_ANONYMOUS       0x20
#define LX_MAP_NORESERVE       0x4000
#define LX_MAP_POPULATE        0x8000
#define LX_MAP_FIXED_NOREPLACE 0x100000

#define LX_MADV_NORMAL     0
#define LX_MADV_RANDOM     1
#define LX_MADV_SEQUENTIAL 2
#define LX_MADV_WILLNEED   3
#define LX_MADV_DONTNEED   4
#define LX_MADV_FREE       8
#define LX_MADV_HUGEPAGE   14
#define LX_MADV_NOHUGEPAGE 15

#define LX_MREMAP_MAYMOVE  1

#define LX_MS_ASYNC      1
#define LX_MS_INVALIDATE 2
#define LX_MS_SYNC       4

#endif
