/*
 * thread.c - threads: clone with CLONE_THREAD, clone3, and the affinity
 * calls of a one-hart machine (thread.h).
 *
 * A thread is a process record (struct proc) that shares its address space
 * (struct mm: one page table, one ASID) with the others of its thread
 * group.  Its pid is the thread id (gettid); the group's id, tgid, is the
 * leader's pid (getpid).  What the group shares and what each thread has
 * of its own, and how the group ends, is in docs/threads.md; the exits
 * themselves (exit of one thread, exit_group and every kill of all) are
 * proc.c's, futex(2) is futex.c's.
 *
 * glibc's pthread_create passes CLONE_VM | CLONE_FS | CLONE_FILES |
 * CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
 * CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID.  CLONE_FILES shares the
 * descriptor table (fs/fdtable.c; without it the thread gets a copy);
 * CLONE_FS does not share the cwd yet (each thread has a copy); vmos has
 * no System V semaphores.
 */
#include "thread.h"
#include "fork.h"
#include "fs/vfs.h"
#include "proc.h"
#include "signals.h"
#include "sys_info.h"
#include "uaccess.h"

#include "abi/lx/sched.h"
#include "abi/lx/signal.h"

#include <errno.h>
#include <string.h>

/* The new thread of p: registers copied, a0 = 0, the new stack and (with
 * CLONE_SETTLS) thread pointer, queued.  Returns its tid or -errno. */
static int64_t clone_thread(struct kernel *k, struct proc *p, uint64_t flags, uint64_t stack,
			    uint64_t tls)
{
	if (fork_limit_reached(k, p))
		return -EAGAIN;          /* RLIMIT_NPROC counts threads, as Linux */
	struct proc *t = proc_create_thread(k, p);
	if (!t)
		return -ENOMEM;
	if (vfs_proc_thread(k, p, t, flags & LX_CLONE_FILES) < 0) {
		proc_exit_thread(k, t, 0);
		return -ENOMEM;
	}
	memcpy(t->x, p->x, sizeof t->x);
	memcpy(t->f, p->f, sizeof t->f);
	t->fcsr = p->fcsr;
	t->fp_used = p->fp_used;
	t->x[10] = 0;                  /* the child sees 0 */
	if (stack)
		t->x[2] = stack;
	if (flags & LX_CLONE_SETTLS)
		t->x[4] = tls;         /* tp */
	t->pc = p->pc;
	signal_clone(k, p, t, flags);  /* the group's handlers and pending set; p's mask */
	proc_make_runnable(k, t);
	return t->pid;
}

int64_t sys_clone_any(struct kernel *k, struct proc *p, uint64_t flags, uint64_t stack,
		      uint64_t uptid, uint64_t tls, uint64_t uctid)
{
	/* Linux's copy_process checks, in its order */
	if ((flags & (LX_CLONE_NEWNS | LX_CLONE_FS)) == (LX_CLONE_NEWNS | LX_CLONE_FS) ||
	    (flags & (LX_CLONE_NEWUSER | LX_CLONE_FS)) == (LX_CLONE_NEWUSER | LX_CLONE_FS))
		return -EINVAL;
	if ((flags & LX_CLONE_THREAD) && !(flags & LX_CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & LX_CLONE_SIGHAND) && !(flags & LX_CLONE_VM))
		return -EINVAL;
	if ((flags & LX_CLONE_PIDFD) && (flags & (LX_CLONE_DETACHED | LX_CLONE_THREAD)))
		return -EINVAL;
	if (!(flags & LX_CLONE_THREAD)) {
		/* vfork (glibc's vfork and posix_spawn: CLONE_VM | CLONE_VFORK):
		 * the child gets a copy-on-write copy of the space, not the space
		 * itself, and the parent sleeps until the child execs or exits
		 * (docs/running.md).  CLONE_VM alone stays unsupported. */
		if ((flags & LX_CLONE_VM) && !(flags & LX_CLONE_VFORK))
			return -EINVAL;
		int64_t rc = sys_clone(k, p, flags & ~(uint64_t)LX_CLONE_VM, stack);   /* fork.c */
		struct proc *c = rc > 0 ? proc_find(k, (uint32_t)rc) : NULL;
		if (c)
			res_clone_tids(k, p, c, flags, uptid, uctid);
		if (c && (flags & LX_CLONE_SETTLS))
			c->x[4] = tls;
		if (c && (flags & LX_CLONE_VFORK)) {
			k->stats.vforks++;
			waitq_sleep_done(k, p, &c->vfork_done);
		}
		return rc;
	}
	int64_t tid = clone_thread(k, p, flags, stack, tls);
	if (tid > 0) {
		struct proc *t = proc_find(k, (uint32_t)tid);
		/* one address space: the tid writes land where both see them */
		res_clone_tids(k, p, t, flags, uptid, uctid);
		proc_activate(k, p);
	}
	return tid;
}

/* struct clone_args (include/uapi/linux/sched.h), 88 bytes in version 2. */
struct lx_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};
#define LX_CLONE_CLEAR_SIGHAND 0x100000000ULL

/* clone3(2), with Linux's checks (copy_clone_args_from_user,
 * clone3_args_valid): size under version 0 EINVAL, over a page E2BIG,
 * unknown trailing bytes not zero E2BIG, exit_signal not a signal EINVAL,
 * a stack without a size (or the reverse) EINVAL, an exit signal with
 * CLONE_THREAD or CLONE_PARENT EINVAL.  set_tid (needs privilege in a pid
 * namespace), CLONE_PIDFD and CLONE_INTO_CGROUP are not supported
 * (EINVAL).  The stack is given as its lowest address and size: the new
 * thread starts with sp at its top. */
int64_t sys_clone3(struct kernel *k, struct proc *p, uint64_t uargs, uint64_t size)
{
	struct lx_clone_args a;
	memset(&a, 0, sizeof a);
	if (size > PGSIZE)
		return -E2BIG;
	if (size < LX_CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	if (copyin(k, p, &a, uargs, size < sizeof a ? (size_t)size : sizeof a) < 0)
		return -EFAULT;
	for (uint64_t off = sizeof a; off < size; off += 8) {      /* unknown fields: zero */
		uint8_t tail[8];
		size_t n = size - off < 8 ? (size_t)(size - off) : 8;
		if (copyin(k, p, tail, uargs + off, n) < 0)
			return -EFAULT;
		for (size_t i = 0; i < n; i++)
			if (tail[i])
				return -E2BIG;
	}
	if (a.set_tid_size || a.set_tid)
		return -EINVAL;
	if ((a.exit_signal & ~(uint64_t)LX_CSIGNAL) || a.exit_signal > LX_NSIG)
		return -EINVAL;
	if (a.flags & ~(0xffffffffULL | LX_CLONE_CLEAR_SIGHAND) ||
	    (a.flags & (LX_CLONE_PIDFD | LX_CLONE_INTO_CGROUP)))
		return -EINVAL;
	if ((a.flags & (LX_CLONE_THREAD | LX_CLONE_PARENT)) && a.exit_signal)
		return -EINVAL;
	if ((a.flags & (LX_CLONE_SIGHAND | LX_CLONE_CLEAR_SIGHAND)) ==
	    (LX_CLONE_SIGHAND | LX_CLONE_CLEAR_SIGHAND))
		return -EINVAL;
	if (a.stack ? !a.stack_size || !uaccess_ok(k, a.stack, a.stack_size) : a.stack_size != 0)
		return -EINVAL;
	uint64_t sp = a.stack ? a.stack + a.stack_size : 0;
	uint64_t flags = (a.flags & 0xffffff00ULL) | a.exit_signal;
	return sys_clone_any(k, p, flags, sp, a.parent_tid, a.tls, a.child_tid);
}

/* The thread pid names (0: p) for the affinity calls, or NULL. */
static struct proc *affinity_target(struct kernel *k, struct proc *p, int64_t pid)
{
	if (pid == 0)
		return p;
	if (pid < 0 || pid > UINT32_MAX)
		return NULL;
	struct proc *t = proc_find_peer(k, p, (uint32_t)pid);
	return t && t->state != P_ZOMBIE ? t : NULL;
}

/* sched_getaffinity(2): one hart, CPU 0.  len under 8 or not a multiple
 * of 8 EINVAL, pid ESRCH, mask EFAULT; returns the bytes written, 8 (a
 * cpumask of up to 64 CPUs, as on a Linux with few). */
int64_t sys_sched_getaffinity(struct kernel *k, struct proc *p, int64_t pid, uint64_t len,
			      uint64_t umask)
{
	if (len < 8 || (len & 7))
		return -EINVAL;
	if (!affinity_target(k, p, pid))
		return -ESRCH;
	uint64_t mask = 1;
	return copyout(k, p, umask, &mask, sizeof mask) < 0 ? -EFAULT : 8;
}

/* sched_setaffinity(2): the mask read (at most 8 bytes; EFAULT), pid
 * (ESRCH), and it must hold CPU 0, the only one (EINVAL). */
int64_t sys_sched_setaffinity(struct kernel *k, struct proc *p, int64_t pid, uint64_t len,
			      uint64_t umask)
{
	uint64_t mask = 0;
	if (copyin(k, p, &mask, umask, len < 8 ? (size_t)len : 8) < 0)
		return -EFAULT;
	if (!affinity_target(k, p, pid))
		return -ESRCH;
	return mask & 1 ? 0 : -EINVAL;
}
