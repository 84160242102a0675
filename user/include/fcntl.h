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
#define O_NOFOLLOW  0400000
#define O_PATH      010000000
#define O_ACCMODE   03

#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC      1
#define AT_REMOVEDIR    0x200
#define AT_EACCESS      0x200
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE  2

#define AT_FDCWD            LX_AT_FDCWD
#define AT_SYMLINK_NOFOLLOW LX_AT_SYMLINK_NOFOLLOW
#define AT_EMPTY_PATH       LX_AT_EMPTY_PATH

int open(const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...);
int fcntl(int fd, int cmd, ...);
int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
              unsigned flags);

#endif
