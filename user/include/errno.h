/*
 * errno.h - error numbers of the Linux asm-generic ABI
 * (include/uapi/asm-generic/errno-base.h and errno.h).  errno is a plain
 * global: vmos processes are single-threaded.
 */
#ifndef _ERRNO_H
#define _ERRNO_H

#include <lx/errno.h>     /* the values, shared with the kernel */

extern int errno;

#define EPERM        LX_EPERM
#define ENOENT       LX_ENOENT
#define ESRCH        LX_ESRCH
#define EINTR        LX_EINTR
#define EIO          LX_EIO
#define ENXIO        LX_ENXIO
#define E2BIG        LX_E2BIG
#define ENOEXEC      LX_ENOEXEC
#define EBADF        LX_EBADF
#define ECHILD       LX_ECHILD
#define EAGAIN       LX_EAGAIN
#define ENOMEM       LX_ENOMEM
#define EACCES       LX_EACCES
#define EFAULT       LX_EFAULT
#define ENOTBLK      LX_ENOTBLK
#define EBUSY        LX_EBUSY
#define EEXIST       LX_EEXIST
#define EXDEV        LX_EXDEV
#define ENODEV       LX_ENODEV
#define ENOTDIR      LX_ENOTDIR
#define EISDIR       LX_EISDIR
#define EINVAL       LX_EINVAL
#define ENFILE       LX_ENFILE
#define EMFILE       LX_EMFILE
#define ENOTTY       LX_ENOTTY
#define ETXTBSY      LX_ETXTBSY
#define EFBIG        LX_EFBIG
#define ENOSPC       LX_ENOSPC
#define ESPIPE       LX_ESPIPE
#define EROFS        LX_EROFS
#define EMLINK       LX_EMLINK
#define EPIPE        LX_EPIPE
#define EDOM         LX_EDOM
#define ERANGE       LX_ERANGE
#define EDEADLK      LX_EDEADLK
#define ENAMETOOLONG LX_ENAMETOOLONG
#define ENOLCK       LX_ENOLCK
#define ENOSYS       LX_ENOSYS
#define ENOTEMPTY    LX_ENOTEMPTY
#define ELOOP        LX_ELOOP
#define EWOULDBLOCK EAGAIN
#define EOVERFLOW    LX_EOVERFLOW

#endif
