/*
 * lx/errno.h - error numbers of Linux riscv64 (include/uapi/asm-generic/
 * errno-base.h and errno.h), as LX_E<name>.  User programs get the standard
 * names from user/include/errno.h.  The kernel, compiled against the host's
 * <errno.h>, returns the host's E* values (negated) and checks at compile
 * time that each one it uses equals the value here (src/kernel/abi_check.c).
 * Freestanding: no includes.
 */
#ifndef VMOS_ABI_LINUX_ERRNO_H
#define VMOS_ABI_LINUX_ERRNO_H

#define LX_EPERM         1
#define LX_ENOENT        2
#define LX_ESRCH         3
#define LX_EINTR         4
#define LX_EIO           5
#define LX_ENXIO         6
#define LX_E2BIG         7
#define LX_ENOEXEC       8
#define LX_EBADF         9
#define LX_ECHILD       10
#define LX_EAGAIN       11
#define LX_ENOMEM       12
#define LX_EACCES       13
#define LX_EFAULT       14
#define LX_ENOTBLK      15
#define LX_EBUSY        16
#define LX_EEXIST       17
#define LX_EXDEV        18
#define LX_ENODEV       19
#define LX_ENOTDIR      20
#define LX_EISDIR       21
#define LX_EINVAL       22
#define LX_ENFILE       23
#define LX_EMFILE       24
#define LX_ENOTTY       25
#define LX_ETXTBSY      26
#define LX_EFBIG        27
#define LX_ENOSPC       28
#define LX_ESPIPE       29
#define LX_EROFS        30
#define LX_EMLINK       31
#define LX_EPIPE        32
#define LX_EDOM         33
#define LX_ERANGE       34
#define LX_EDEADLK      35
#define LX_ENAMETOOLONG 36
#define LX_ENOLCK       37
#define LX_ENOSYS       38
#define LX_ENOTEMPTY    39
#define LX_ELOOP        40
#define LX_EOVERFLOW    75

#endif
