/*
 * abi_check.c - compile-time proof that the host's values the kernel
 * returns to the guest are Linux riscv64's.
 *
 * The kernel is host C compiled against the host's glibc headers, and its
 * internal errors are negative host E* values (<errno.h>) that go to the
 * guest unchanged in a0.  On every Linux host architecture vmos builds on
 * (x86-64, aarch64, riscv64) these generic errno values equal asm-generic's,
 * which are riscv64's; this file makes a host where one differs fail to
 * build instead of lying to programs.  Guest ABI constants that are not
 * errors (syscall numbers, AT_*, PROT_/MAP_/MADV_, clone and wait flags)
 * the kernel takes from src/abi/lx/ only, with LX_ names that cannot
 * meet the host's <sys/mman.h> or <sys/syscall.h>.
 */
#include "abi/lx/errno.h"

#include <errno.h>

#define SAME(e) _Static_assert(e == LX_##e, #e " of the host differs from Linux riscv64's")

SAME(EPERM);
SAME(ENOENT);
SAME(ESRCH);
SAME(EINTR);
SAME(EIO);
SAME(ENXIO);
SAME(E2BIG);
SAME(ENOEXEC);
SAME(EBADF);
SAME(ECHILD);
SAME(EAGAIN);
SAME(ENOMEM);
SAME(EACCES);
SAME(EFAULT);
SAME(EEXIST);
SAME(ENODEV);
SAME(ENOTDIR);
SAME(EINVAL);
SAME(ENOTTY);
SAME(ENOSPC);
SAME(ENAMETOOLONG);
SAME(ENOSYS);
SAME(EOVERFLOW);
