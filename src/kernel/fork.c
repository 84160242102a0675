/*
 * fork.c - process creation and ending as the program sees it: fork (clone
 * with SIGCHLD) with copy-on-write, wait4 (execve is in exec.c; kill is in
 * signal.c).
 *
 * fork copies the region map and, page by page, the page tables: each
 * present page of a private region (any: mprotect may make a read-only one
 * writable) is entered in both address spaces without write permission and
 * marked copy-on-write - a page of a MAP_SHARED region is entered as it is,
 * the same page-cache frame for both - and its frame gains a
 * reference; the first write on either side copies it (vm.c, fault_cow), and
 * a frame whose other users have gone is taken over without a copy.
 *
 * A process whose parent exits is handed to the kernel (ppid 0), which
 * reaps it when it ends - the role init plays on Linux.  The processes that
 * `vmos run` starts are children of the kernel too, but stay zombies until
 * the run reports their status.
 */
#include "fork.h"
#include "exec.h"
#include "fs/vfs.h"
#include "proc.h"
#include "swap.h"
#include "uaccess.h"
#include "vm.h"

#include "abi/lx/sched.h"
#include "abi/lx/signal.h"

#include <errno.h>
#include <string.h>

struct fork_ctx {
	struct kernel *k;
	struct proc *parent, *child;
	int rc;
};

static int copy_page(void *arg, const struct pmap_page *pg)
{
	struct fork_ctx *c = arg;
	if (pg->swapped) {
		/* the slot's count first: at its limit the fork fails (ENOMEM) */
		int rc = swap_dup(c->k, pg->swap_slot);
		if (rc == 0 && (rc = pmap_set_swapped(&c->child->mm->pmap, pg->va, pg->swap_slot)) < 0)
			swap_put(c->k, pg->swap_slot);
		if (rc < 0) {
			c->rc = rc;
			return 1;
		}
		return 0;
	}
	if (!pg->present || pg->super)
		return 0;                /* superpages: thp_fork shared them */
	struct vm_region *r = vm_map_lookup(&c->parent->mm->map, pg->va);
	/* Every mapping is private, so every page fork shares is
	 * copy-on-write, read-only ones too: mprotect may make the region
	 * writable later in either process (Linux marks a private mapping
	 * COW by VM_MAYWRITE, not by its protection of the moment). */
	bool cow = !(r && (r->flags & VMR_SHARED));   /* MAP_SHARED stays shared */
	unsigned prot = r ? r->prot : pg->prot;
	pa_frame(&c->k->pa, pg->pa)->refcount++;
	int rc = vm_enter(c->k, c->child, pg->va, pg->pa, prot, cow);
	if (rc < 0) {
		c->rc = rc;
		return 1;
	}
	if (cow && !pg->cow)
		pmap_enter(&c->parent->mm->pmap, pg->va, pg->pa, prot, true);  /* same table slot: cannot fail */
	return 0;
}

bool fork_limit_reached(struct kernel *k, struct proc *p)
{
	unsigned live = 0;               /* threads count, as Linux's nr_threads */
	for (struct proc *q = k->procs; q; q = q->next)
		live += q->tree == p->tree && q->state != P_ZOMBIE;
	if (live < p->res.rlim[LX_RLIMIT_NPROC].rlim_cur)   /* at most --max-procs */
		return false;
	k->stats.fork_refused++;
	return true;
}

int64_t sys_clone(struct kernel *k, struct proc *p, uint64_t flags, uint64_t stack)
{
	if (flags & (LX_CLONE_VM | LX_CLONE_THREAD | LX_CLONE_SIGHAND))
		return -EINVAL;          /* threads: thread.c; CLONE_VM alone: not supported */
	if (fork_limit_reached(k, p))
		return -EAGAIN;          /* as Linux does at RLIMIT_NPROC */
	struct proc *c = proc_create(k, p->name);
	if (!c)
		return -ENOMEM;
	c->ppid = p->tgid;               /* the parent is the process, not the thread */
	c->tree = p->tree;
	c->pgid = p->pgid;
	c->sid = p->sid;
	for (struct vm_region *r = vm_map_first(&p->mm->map); r; r = vm_map_next(&p->mm->map, r)) {
		struct vm_region *cr;
		if (vm_map_insert(&c->mm->map, r->start, r->end, r->prot, r->kind, r->object,
				  r->obj_offset, r->file_end, &cr) < 0)
			goto fail;
		cr->maxprot = r->maxprot;
		cr->flags = r->flags;
	}
	/* superpages: split, or shared whole (--thp-cow; thp.h, docs/thp.md) */
	if (thp_fork(k, p, c) < 0)
		goto fail;
	struct fork_ctx ctx = { k, p, c, 0 };
	pmap_foreach(&p->mm->pmap, 0, user_top(k->cfg.levels), copy_page, &ctx);
	if (ctx.rc < 0)
		goto fail;
	memcpy(c->x, p->x, sizeof c->x);
	memcpy(c->f, p->f, sizeof c->f);
	c->fcsr = p->fcsr;
	c->fp_used = p->fp_used;
	c->x[10] = 0;                 /* the child sees 0 */
	if (stack)
		c->x[2] = stack;
	c->pc = p->pc;
	c->image = p->image;
	p->image->refs++;
	c->interp = p->interp;
	if (p->interp)
		p->interp->refs++;
	c->load_bias = p->load_bias;
	c->mm->brk_start = p->mm->brk_start;
	c->mm->brk = p->mm->brk;
	c->mm->stack_top = p->mm->stack_top;
	c->mm->mmap_base = p->mm->mmap_base;
	c->mm->arg_start = p->mm->arg_start;
	c->mm->arg_end = p->mm->arg_end;
	c->mm->vdso_base = p->mm->vdso_base;
	signal_clone(k, p, c, flags);         /* actions, mask, altstack (signal.c) */
	res_fork(c, p);
	if (vfs_proc_fork(k, p, c) < 0)
		goto fail;
	proc_make_runnable(k, c);
	return c->pid;
fail:
	proc_exit(k, c, 0, LX_SIGKILL);
	proc_reap(k, c);
	return -ENOMEM;
}

/* True if child c is one that wait4(pid, .., options) of p waits for:
 * pid > 0 that child, -1 any, 0 or < -1 those of the process group (every
 * process of a program tree is in the group of its top-level process). */
static bool wait_match(const struct proc *p, const struct proc *c, int64_t pid)
{
	if (c->ppid != p->tgid || c->pid != c->tgid)   /* any thread waits; threads are no children */
		return false;
	if (pid > 0)
		return (int64_t)c->pid == pid;
	if (pid == 0)
		return c->pgid == p->pgid;
	return pid == -1 || (int64_t)c->pgid == -pid;
}

/* Linux's wait4 (kernel_wait4, sys_wait4): a zombie child is reaped first,
 * then its status and resource usage are written; if either pointer
 * faults the call returns EFAULT, but the child is gone all the same (a
 * second wait4 gets ECHILD).  The rusage is the child's and its waited-for
 * children's (res_child_rusage): CPU times, peak resident size, minor and
 * major faults; the parent's RUSAGE_CHILDREN grows by it (res_collect). */
int64_t sys_wait4(struct kernel *k, struct proc *p, int64_t pid, uint64_t ustatus, int options,
		  uint64_t urusage)
{
	if ((unsigned)options & ~(LX_WNOHANG | LX_WUNTRACED | LX_WCONTINUED | LX___WNOTHREAD |
				  LX___WALL | LX___WCLONE))
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;           /* -INT_MIN is no process group */
	/* every child here exits with LX_SIGCHLD: none is a "clone" child */
	bool clone_only = ((unsigned)options & LX___WCLONE) && !((unsigned)options & LX___WALL);
	bool have_child = false;
	for (struct proc *c = k->procs; c; c = c->next) {
		if (!wait_match(p, c, pid) || clone_only)
			continue;
		have_child = true;
		if (c->state != P_ZOMBIE || c->mm->users > 0)
			continue;            /* a leader waits for its group to end (Linux) */
		int status = c->term_signal ? c->term_signal : (c->exit_code & 0xff) << 8;
		/* what rusage needs, kept across the reap */
		struct proc snap = *c;
		res_collect(p, c);
		int64_t cpid = c->pid;
		proc_reap(k, c);
		if (ustatus && copyout(k, p, ustatus, &status, sizeof status) < 0)
			return -EFAULT;
		if (urusage && res_child_rusage(k, p, &snap, urusage) < 0)
			return -EFAULT;
		return cpid;
	}
	if (!have_child)
		return -ECHILD;
	if (options & LX_WNOHANG)
		return 0;
	proc_block_restart(k, p);      /* woken by a child's exit; re-runs wait4 */
	return 0;
}
