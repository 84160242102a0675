/* fork.h - the process system calls: fork/clone, wait4, kill (fork.c) and
 * execve (exec.c). */
#ifndef VMOS_KERNEL_FORK_H
#define VMOS_KERNEL_FORK_H
#include "kernel.h"
int64_t sys_clone(struct kernel *k, struct proc *p, uint64_t flags, uint64_t stack);
/* True (and counted as a refused fork) if p's program tree already has
 * RLIMIT_NPROC live threads (--max-procs): clone must fail with EAGAIN. */
bool fork_limit_reached(struct kernel *k, struct proc *p);
int64_t sys_wait4(struct kernel *k, struct proc *p, int64_t pid, uint64_t ustatus, int options,
		  uint64_t urusage);
int64_t sys_execve(struct kernel *k, struct proc *p, uint64_t upath, uint64_t uargv, uint64_t uenvp);
#endif
