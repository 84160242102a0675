/*
 * sys_stat.h - fstat, newfstatat, readlinkat and terminal ioctls on the
 * standard streams, before a file system exists (see sys_stat.c).  Linux
 * riscv64 semantics and layouts (abi/linux_abi.h).
 */
#ifndef VMOS_KERNEL_SYS_STAT_H
#define VMOS_KERNEL_SYS_STAT_H

#include "kernel.h"

/* fd 0-2: the host descriptor's status; any other fd: -EBADF. */
int64_t sys_fstat(struct kernel *k, struct proc *p, int fd, uint64_t ubuf);
/* An empty path with AT_EMPTY_PATH is fstat(dirfd); any path: -ENOENT. */
int64_t sys_newfstatat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath,
		       uint64_t ubuf, int flags);
/* /proc/self/exe (and /proc/PID/exe of the caller): the program's absolute
 * host path, truncated to bufsiz; other paths -ENOENT. */
int64_t sys_readlinkat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath,
		       uint64_t ubuf, int64_t bufsiz);
/* TCGETS and TIOCGWINSZ on fd 0-2 when the host's is a terminal; else -ENOTTY. */
int64_t sys_ioctl(struct kernel *k, struct proc *p, int fd, uint64_t req, uint64_t arg);

#endif
