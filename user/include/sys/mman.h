/* sys/mman.h - memory mapping calls and flags (Linux asm-generic values). */
#ifndef _SYS_MMAN_H
#define _SYS_MMAN_H

#include <sys/types.h>
#include <lx/mman.h>     /* the values, shared with the kernel */

#define PROT_NONE           LX_PROT_NONE
#define PROT_READ           LX_PROT_READ
#define PROT_WRITE          LX_PROT_WRITE
#define PROT_EXEC           LX_PROT_EXEC

#define MAP_SHARED          LX_MAP_SHARED
#define MAP_PRIVATE         LX_MAP_PRIVATE
#define MAP_FIXED           LX_MAP_FIXED
#define MAP_ANONYMOUS       LX_MAP_ANONYMOUS
#define MAP_ANON            MAP_ANONYMOUS
#define MAP_NORESERVE       LX_MAP_NORESERVE
#define MAP_POPULATE        LX_MAP_POPULATE
#define MAP_FIXED_NOREPLACE LX_MAP_FIXED_NOREPLACE
#define MAP_FAILED          ((void *)-1)

#define MADV_NORMAL         LX_MADV_NORMAL
#define MADV_RANDOM         LX_MADV_RANDOM
#define MADV_DONTNEED       LX_MADV_DONTNEED
#define MADV_HUGEPAGE       LX_MADV_HUGEPAGE
#define MADV_NOHUGEPAGE     LX_MADV_NOHUGEPAGE

#define MREMAP_MAYMOVE      LX_MREMAP_MAYMOVE

/* mmap returns the mapped address, or MAP_FAILED with errno set. */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int   munmap(void *addr, size_t len);
int   mprotect(void *addr, size_t len, int prot);
int   madvise(void *addr, size_t len, int advice);
void *mremap(void *old, size_t oldlen, size_t newlen, int flags, ...);

#endif
