/* sys/mman.h - memory mapping calls and flags (Linux asm-generic values). */
#ifndef _SYS_MMAN_H
#define _SYS_MMAN_H

#include <sys/types.h>

#define PROT_NONE  0
#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4

#define MAP_SHARED          0x01
#define MAP_PRIVATE         0x02
#define MAP_FIXED           0x10
#define MAP_ANONYMOUS       0x20
#define MAP_ANON            MAP_ANONYMOUS
#define MAP_NORESERVE       0x4000
#define MAP_POPULATE        0x8000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_FAILED          ((void *)-1)

#define MADV_NORMAL   0
#define MADV_RANDOM   1
#define MADV_DONTNEED 4

#define MREMAP_MAYMOVE 1

/* mmap returns the mapped address, or MAP_FAILED with errno set. */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int   munmap(void *addr, size_t len);
int   mprotect(void *addr, size_t len, int prot);
int   madvise(void *addr, size_t len, int advice);
void *mremap(void *old, size_t oldlen, size_t newlen, int flags, ...);

#endif
