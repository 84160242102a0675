/* fcntl.h - open flags of the Linux asm-generic ABI and open()/openat(). */
#ifndef _FCNTL_H
#define _FCNTL_H

#include <sys/types.h>
#include "linux_abi.h"        /* LX_AT_*: the values, shared with the kernel */
#include "lx/fcntl.h"        /* LX_O_*, LX_F_*: likewise */

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
#define O_NOFOLLOW  LX_O_NOFOLLOW
#define O_PATH      LX_O_PATH
#define O_ACCMODE   LX_O_ACCMODE

#define F_DUPFD         LX_F_DUPFD
#define F_GETFD         LX_F_GETFD
#define F_SETFD         LX_F_SETFD
#define F_GETFL         LX_F_GETFL
#define F_SETFL         LX_F_SETFL
#define F_DUPFD_CLOEXEC LX_F_DUPFD_CLOEXEC
#define FD_CLOEXEC      LX_FD_CLOEXEC
#define AT_REMOVEDIR    LX_AT_REMOVEDIR
#define AT_EACCESS      LX_AT_EACCESS
#define RENAME_NOREPLACE LX_RENAME_NOREPLACE
#define RENAME_EXCHANGE  LX_RENAME_EXCHANGE

#define AT_FDCWD            LX_AT_FDCWD
#define AT_SYMLINK_NOFOLLOW LX_AT_SYMLINK_NOFOLLOW
#define AT_EMPTY_PATH       LX_AT_EMPTY_PATH

int open(const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...);
int fcntl(int fd, int cmd, ...);
int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
              unsigned flags);

#endif
