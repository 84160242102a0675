/* fcntl.h - open flags of the Linux asm-generic ABI and open()/openat(). */
#ifndef _FCNTL_H
#define _FCNTL_H

#include <sys/types.h>
#include "linux_abi.h"        /* LX_AT_*: the values, shared with the kernel */

#define O_RDONLY    00
#define O_WRONLY    01
#define O_RDWR      02
#define O_CREAT     0100
#define O_EXCL      0200
#define O_NOCTTY    0400
#define O_TRUNC     01000
#define O_APPEND    02000
#define O_NONBLOCK  04000
#define O_DIRECTORY 0200000
#define O_CLOEXEC   02000000

#define AT_FDCWD            LX_AT_FDCWD
#define AT_SYMLINK_NOFOLLOW LX_AT_SYMLINK_NOFOLLOW
#define AT_EMPTY_PATH       LX_AT_EMPTY_PATH

int open(const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...);

#endif
