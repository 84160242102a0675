/*
 * futex.h - fast user-space locking: futex(2) (futex.c).
 *
 * A futex is a 32-bit word in user memory that threads wait on and wake
 * each other through; the kernel keeps only the sleepers.  A sleeper is
 * keyed as Linux keys it (get_futex_key): by address space and address for
 * a private mapping - with or without FUTEX_PRIVATE_FLAG - and, for a
 * shared mapping, by what is shared: here the frame's physical address
 * (Linux: the inode or vm_object and the page's offset).
 */
#ifndef VMOS_KERNEL_FUTEX_H
#define VMOS_KERNEL_FUTEX_H

#include "kernel.h"

struct proc;

/* futex(2): uaddr, op (with FUTEX_PRIVATE_FLAG, FUTEX_CLOCK_REALTIME),
 * val, the timeout pointer (or val2 for the requeue ops), uaddr2, val3.
 * Returns what Linux returns; a wait that sleeps returns -ETIMEDOUT into
 * a0 now and a wake overwrites it with 0. */
int64_t sys_futex(struct kernel *k, struct proc *p, uint64_t uaddr, int op, uint32_t val,
		  uint64_t utime, uint64_t uaddr2, uint32_t val3);

/* Wakes up to n (at least 1, as Linux) waiters on the futex word at uaddr
 * of p's address space, any bitset.  Returns the number woken, or a
 * negative errno (EFAULT, EINVAL). */
int64_t futex_wake_addr(struct kernel *k, struct proc *p, uint64_t uaddr, int n);

/* Takes p off the futex queue if it sleeps there (exit, timeout). */
void futex_cancel(struct kernel *k, struct proc *p);

/* Sleepers on the queue (for tests and reports). */
unsigned futex_waiters(const struct kernel *k);

#endif
