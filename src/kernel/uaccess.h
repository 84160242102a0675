/*
 * uaccess.h - the kernel reading and writing user memory.  Every byte goes
 * through the MMU with the process's page table, as a user access would (so
 * a kernel pointer, an unmapped page or a read-only page is refused exactly
 * as it would be for the program), and a page fault on the way is served
 * like one taken by the program (demand paging) before giving up.
 * The process must be the one whose satp is loaded.
 */
#ifndef VMOS_KERNEL_UACCESS_H
#define VMOS_KERNEL_UACCESS_H

#include "kernel.h"

/* Linux's access_ok: true if [uva, uva + n) lies below the top of the user
 * half without wrapping.  System calls that take a buffer and a length
 * check it first, so a kernel pointer or a length near 2^64 is EFAULT at
 * once, before anything is read, written or consumed - even for n = 0. */
static inline bool uaccess_ok(const struct kernel *k, uint64_t uva, uint64_t n)
{
	uint64_t top = user_top(k->cfg.levels);
	return n <= top && uva <= top - n;
}

/* Copy n bytes to/from user address uva.  Return 0 or -EFAULT. */
int copyout(struct kernel *k, struct proc *p, uint64_t uva, const void *src, size_t n);
int copyin(struct kernel *k, struct proc *p, void *dst, uint64_t uva, size_t n);
/* How many bytes from uva on (at most n) the kernel can store to: the
 * pages are made ready as copyout would (faults served, copy-on-write
 * broken) but nothing is written.  For calls that must know where a buffer
 * ends before they consume input (read: the bytes that do not fit stay
 * unread, as on Linux). */
size_t uaccess_writable_prefix(struct kernel *k, struct proc *p, uint64_t uva, size_t n);
/* Copies a NUL-terminated string of at most max bytes (NUL included).
 * Returns its length, -EFAULT, or -ENAMETOOLONG. */
long copyinstr(struct kernel *k, struct proc *p, char *dst, uint64_t uva, size_t max);

/* A struct timespec at uva as nanoseconds in *ns, capped at 2^62 (146
 * years: later arithmetic cannot wrap).  0, -EFAULT, or -EINVAL for a
 * negative field or tv_nsec of a second or more (nanosleep, ppoll, futex). */
int copyin_timespec_ns(struct kernel *k, struct proc *p, uint64_t uva, uint64_t *ns);

#endif
