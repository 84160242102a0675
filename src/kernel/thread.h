/*
 * thread.h - threads: clone with CLONE_THREAD, clone3, gettid, tkill and
 * tgkill, the scheduler's affinity calls (thread.c).  Exit and the thread
 * group's end are proc.c's (proc_exit_thread, proc_exit); futex is
 * futex.c's.
 */
#ifndef VMOS_KERNEL_THREAD_H
#define VMOS_KERNEL_THREAD_H

#include "kernel.h"

struct proc;

/* clone(2) on riscv64: flags, new stack, parent_tid, tls, child_tid.  A
 * new thread with CLONE_THREAD (which must come with CLONE_SIGHAND and
 * CLONE_VM: EINVAL), else a fork (fork.c).  Returns the new tid/pid or a
 * negative errno. */
int64_t sys_clone_any(struct kernel *k, struct proc *p, uint64_t flags, uint64_t stack,
		      uint64_t uptid, uint64_t tls, uint64_t uctid);
/* clone3(2): struct clone_args at uargs, size bytes. */
int64_t sys_clone3(struct kernel *k, struct proc *p, uint64_t uargs, uint64_t size);
int64_t sys_sched_getaffinity(struct kernel *k, struct proc *p, int64_t pid, uint64_t len,
			      uint64_t umask);
int64_t sys_sched_setaffinity(struct kernel *k, struct proc *p, int64_t pid, uint64_t len,
			      uint64_t umask);

#endif
