/*
 * proc.c - processes: creation, the run queue, sleeping, exit and reaping.
 * The scheduler loop that runs them, kernel_run, is in sched.c, above the
 * trap door (trap.c), which is above everything a trap can lead to - so
 * proc.c, which they all use, sits below them all.
 *
 * A switch loads the next process's registers and satp.  With ASIDs the TLB
 * keeps every process's entries apart and nothing is flushed (asid.h: the
 * allocator gives each live address space its own ASID, flushing only when
 * a new generation of ASIDs starts); without (--no-asid) every process has
 * ASID 0 and each switch flushes the TLB.
 */
#include "proc.h"
#include "exec.h"
#include "futex.h"
#include "uaccess.h"
#include "fs/vfs.h"
#include "vm.h"

#include <errno.h>
#include <string.h>
#include <time.h>

struct proc *proc_create(struct kernel *k, const char *name)
{
	struct proc *p = kmem_cache_zalloc(k->proc_cache);
	if (!p)
		return NULL;
	p->mm = kmem_cache_zalloc(k->mm_cache);
	if (!p->mm) {
		kmem_cache_free(k->proc_cache, p);
		return NULL;
	}
	p->mm->refs = 1;
	p->mm->users = 1;
	p->mm->owner = p;
	p->pid = k->next_pid++;
	p->tgid = p->pid;
	p->kernel = k;
	const char *base = strrchr(name, '/');
	strncpy(p->name, base ? base + 1 : name, sizeof p->name - 1);
	p->line_start = true;
	waitq_init(&p->child_exit, "a child to exit (wait4)");
	waitq_init(&p->vfork_done, "its vfork child to exec or exit");
	res_init(k, p);
	if (signal_proc_init(k, p) < 0) {
		kmem_cache_free(k->mm_cache, p->mm);
		kmem_cache_free(k->proc_cache, p);
		return NULL;
	}
	if (vm_space_init(k, p) < 0) {
		signal_proc_free(k, p);
		kmem_cache_free(k->mm_cache, p->mm);
		kmem_cache_free(k->proc_cache, p);
		return NULL;
	}
	if (k->cfg.local_frames) {
		/* room above the share for shared frames that change hands */
		if (repl_init(&p->repl, k->repl.ops, &k->km, 2 * k->cfg.local_frames + 16) < 0) {
			vm_space_destroy(k, p);
			signal_proc_free(k, p);
			kmem_cache_free(k->mm_cache, p->mm);
			kmem_cache_free(k->proc_cache, p);
			return NULL;
		}
		p->repl.test_and_clear_ref = k->repl.test_and_clear_ref;
		p->repl.ctx = k->repl.ctx;
		p->repl.next_use = k->repl.next_use;
	}
	p->next = k->procs;
	k->procs = p;
	k->nlive++;
	return p;
}

struct proc *proc_create_thread(struct kernel *k, struct proc *p)
{
	struct proc *t = kmem_cache_zalloc(k->proc_cache);
	if (!t)
		return NULL;
	t->mm = p->mm;
	t->mm->refs++;
	t->mm->users++;
	t->pid = k->next_pid++;
	t->tgid = p->tgid;
	t->ppid = p->ppid;
	t->tree = p->tree;
	t->pgid = p->pgid;
	t->sid = p->sid;
	t->execed = p->execed;
	t->kernel = k;
	memcpy(t->name, p->name, sizeof t->name);
	t->line_start = true;
	t->res = p->res;                   /* limits; its own usage starts at 0 */
	t->res.utime_ns = t->res.stime_ns = 0;
	t->res.clear_child_tid = t->res.robust_list = t->res.robust_len = 0;
	waitq_init(&t->child_exit, "a child to exit (wait4)");
	waitq_init(&t->vfork_done, "its vfork child to exec or exit");
	if (signal_proc_init(k, t) < 0) {  /* signal_clone shares the group's */
		t->mm->refs--;
		t->mm->users--;
		kmem_cache_free(k->proc_cache, t);
		return NULL;
	}
	t->image = p->image;
	t->image->refs++;
	t->interp = p->interp;             /* the dynamic loader's image, if any */
	if (t->interp)
		t->interp->refs++;
	t->next = k->procs;
	k->procs = t;
	k->nlive++;
	return t;
}

static void proc_unlink(struct kernel *k, struct proc *p)
{
	struct proc **pp = &k->procs;
	while (*pp && *pp != p)
		pp = &(*pp)->next;
	if (*pp)
		*pp = p->next;
}

void proc_block_restart(struct kernel *k, struct proc *p)
{
	waitq_sleep(k, p, &p->child_exit);   /* a signal: EINTR, or a restart (waitq.c) */
}

/* Takes p off the run queue if it is there. */
static void runq_remove(struct kernel *k, struct proc *p)
{
	struct proc **pp = &k->runq_head, *prevq = NULL;
	while (*pp && *pp != p) {
		prevq = *pp;
		pp = &(*pp)->run_next;
	}
	if (*pp) {
		*pp = p->run_next;
		if (k->runq_tail == p)
			k->runq_tail = prevq;
	}
}

/* The address space's last thread has gone: every page and page table
 * goes, with the owner's local replacement instance. */
static void space_release(struct kernel *k, struct mm *mm)
{
	struct proc *o = mm->owner;
	vm_space_destroy(k, o);
	if (o->repl.ops) {
		repl_destroy(&o->repl);    /* empty now: every page went with the space */
		o->repl.ops = NULL;
	}
}

/* Adds what thread t counted to its leader's record, where the process's
 * totals are reported (--stats, getrusage, wait4's rusage), and zeroes t's
 * so no sum counts it twice.  Event counters add up; peaks take the
 * larger; the resident peak and working set are the address space's and
 * are kept on the leader already (vm.c counts them there). */
static void fold_counts(struct proc *leader, struct proc *t)
{
	if (leader == t)
		return;
	struct proc_stats *a = &leader->st, *b = &t->st;
	a->instret += b->instret;
	a->tlb_hits += b->tlb_hits, a->tlb_misses += b->tlb_misses, a->walks += b->walks;
	a->faults_zero += b->faults_zero, a->faults_file += b->faults_file;
	a->faults_cow += b->faults_cow, a->faults_stack += b->faults_stack;
	a->pages_zeroed += b->pages_zeroed, a->pages_copied += b->pages_copied;
	a->syscalls += b->syscalls, a->brk_calls += b->brk_calls, a->mmap_calls += b->mmap_calls;
	a->munmap_calls += b->munmap_calls, a->mprotect_calls += b->mprotect_calls;
	a->faults_swapin += b->faults_swapin, a->pages_swapped_out += b->pages_swapped_out;
	if (b->resident_peak > a->resident_peak)
		a->resident_peak = b->resident_peak;
	memset(b, 0, sizeof *b);
	leader->res.utime_ns += t->res.utime_ns, leader->res.stime_ns += t->res.stime_ns;
	t->res.utime_ns = t->res.stime_ns = 0;
}

/* True while some thread of group tgid runs (or sleeps). */
static bool group_live(struct kernel *k, uint32_t tgid)
{
	for (struct proc *q = k->procs; q; q = q->next)
		if (q->tgid == tgid && q->state != P_ZOMBIE)
			return true;
	return false;
}

/* Ends thread p: off the run queue and any futex, a zombie.  A thread
 * other than the leader is reaped by the kernel (it is no child anyone
 * waits for); the leader stays a zombie for its parent.  The last thread
 * out releases the address space and makes the group's end visible: its
 * children go to the kernel, its waiting parent wakes. */
static void end_thread(struct kernel *k, struct proc *p)
{
	struct proc *leader = proc_leader(k, p);
	if (p->mm->users == 1 && k->cfg.on_exit)
		k->cfg.on_exit(k, p->mm->owner);   /* the last thread: --maps etc. see the space */
	runq_remove(k, p);
	futex_cancel(k, p);
	waitq_remove(p);                       /* killed while asleep on a pipe or wait4 */
	waitq_wake_all(k, &p->vfork_done);     /* a vfork parent goes on */
	int sig = leader->term_signal, code = p == leader || !leader->group_exit ?
		p->exit_code : leader->exit_code;
	kernel_event(k, p, KEV_EXIT, 0, (uint64_t)sig, code & 0xff, sig ? "signal" : "exit");
	p->state = P_ZOMBIE;
	fold_counts(leader, p);
	vfs_proc_exit(k, p);                   /* its reference to the fd table and cwd */
	signal_proc_exit(k, p);                /* its pending signals; the group's if last */
	image_put(k, p->image);
	p->image = NULL;
	image_put(k, p->interp);
	p->interp = NULL;
	if (k->current == p)
		k->current = NULL;
	if (--p->mm->users == 0)
		space_release(k, p->mm);
	bool ended = !group_live(k, p->tgid);
	if (ended) {
		/* the group has ended: children go to the kernel; a waiting parent wakes */
		for (struct proc *c = k->procs; c; c = c->next)
			if (c->ppid == p->tgid && c->tgid != p->tgid)
				c->ppid = 0;
		/* the parent gets SIGCHLD (and if it asked for no zombies, the
		 * kernel reaps this one); its threads waiting in wait4 wake */
		struct proc *parent = leader->ppid ? proc_find(k, leader->ppid) : NULL;
		if (parent && signal_child_exit(k, parent, leader) && !leader->top_level)
			leader->ppid = 0;
		for (struct proc *q = k->procs; parent && q; q = q->next)   /* any of its threads */
			if (q->tgid == parent->tgid)
				waitq_wake_all(k, &q->child_exit);
	}
	if (k->cfg.check_invariants) {
		const char *e = kernel_check(k);
		if (e)
			kpanic("invariant broken after %s %u exited: %s", ended ? "pid" : "thread",
			       p->pid, e);
	}
}

void proc_exit(struct kernel *k, struct proc *p, int code, int sig)
{
	struct proc *leader = proc_leader(k, p);
	if (!group_live(k, p->tgid))
		return;
	leader->exit_code = code & 0xff;
	leader->term_signal = sig;
	leader->group_exit = true;
	for (struct proc *q = k->procs; q; q = q->next)   /* the others first, p last */
		if (q->tgid == p->tgid && q != p && q->state != P_ZOMBIE)
			end_thread(k, q);
	if (p->state != P_ZOMBIE)
		end_thread(k, p);
}

struct proc *proc_exec_takeover(struct kernel *k, struct proc *p)
{
	struct proc *leader = proc_leader(k, p);
	for (struct proc *q = k->procs; q; q = q->next)
		if (q->tgid == p->tgid && q != p && q->state != P_ZOMBIE)
			end_thread(k, q);
	if (leader == p)
		return p;
	/* the leader's record takes p's place (and keeps the address space's
	 * keys); p's record ends without a trace, as de_thread's old thread */
	memcpy(leader->x, p->x, sizeof p->x);
	memcpy(leader->f, p->f, sizeof p->f);
	leader->fcsr = p->fcsr;
	leader->fp_used = p->fp_used;
	leader->pc = p->pc;
	leader->sigmask = p->sigmask;
	leader->res.clear_child_tid = 0;
	leader->exit_code = leader->term_signal = 0;
	leader->group_exit = false;
	leader->image = p->image;
	p->image = NULL;
	leader->interp = p->interp;
	p->interp = NULL;
	leader->files = p->files;          /* the descriptor table and cwd go along */
	leader->cwd = p->cwd;
	leader->umask = p->umask;
	p->files = NULL;
	p->cwd = NULL;
	leader->state = P_RUNNABLE;        /* not queued: the caller queues it */
	leader->mm->users++;
	fold_counts(leader, p);
	p->mm->users--;
	p->state = P_ZOMBIE;
	if (k->current == p)
		k->current = NULL;
	return leader;
}

/* Linux's exit_robust_list: the robust futexes p still holds (glibc's
 * robust mutexes, on the list at p's set_robust_list head) are marked
 * FUTEX_OWNER_DIED and one waiter of each woken, so the next locker gets
 * EOWNERDEAD instead of waiting forever.  struct robust_list_head is
 * { list, futex_offset, list_op_pending }; each entry points at the next
 * and the futex word is at entry + futex_offset.  At most 2048 entries
 * (ROBUST_LIST_LIMIT: a circular list cannot hang the kernel); an
 * unreadable list ends the walk quietly, as Linux. */
static void robust_death(struct kernel *k, struct proc *p, uint64_t uaddr, bool pi)
{
	const uint32_t TID_MASK = 0x3fffffff, OWNER_DIED = 0x40000000, WAITERS = 0x80000000u;
	uint32_t v;
	if ((uaddr & 3) || copyin(k, p, &v, uaddr, sizeof v) < 0 || (v & TID_MASK) != p->pid)
		return;
	uint32_t nv = (v & WAITERS) | OWNER_DIED;
	if (copyout(k, p, uaddr, &nv, sizeof nv) == 0 && (v & WAITERS) && !pi)
		futex_wake_addr(k, p, uaddr, 1);
}

static void robust_list_release(struct kernel *k, struct proc *p)
{
	uint64_t head[3];              /* list, futex_offset, list_op_pending */
	if (!p->res.robust_list || copyin(k, p, head, p->res.robust_list, sizeof head) < 0)
		return;
	int64_t off = (int64_t)head[1];
	uint64_t entry = head[0], pending = head[2];
	for (int limit = 2048; (entry & ~1ULL) != p->res.robust_list && limit > 0; limit--) {
		uint64_t next;
		int rc = copyin(k, p, &next, entry & ~1ULL, sizeof next);
		if (entry != pending)
			robust_death(k, p, (entry & ~1ULL) + (uint64_t)off, entry & 1);
		if (rc < 0)
			return;
		entry = next;
	}
	if (pending)
		robust_death(k, p, (pending & ~1ULL) + (uint64_t)off, pending & 1);
}

void proc_exit_thread(struct kernel *k, struct proc *p, int code)
{
	if (p->state == P_ZOMBIE)
		return;
	p->exit_code = code & 0xff;
	proc_activate(k, p);
	robust_list_release(k, p);
	/* the clear-tid wake (Linux mm_release): while other threads share the
	 * space, 0 goes to *clear_child_tid and one waiter there wakes -
	 * pthread_join's wait.  A fault writing it is ignored, as on Linux. */
	if (p->res.clear_child_tid && p->mm->users > 1) {
		uint32_t zero = 0;
		proc_activate(k, p);
		if (copyout(k, p, p->res.clear_child_tid, &zero, sizeof zero) == 0)
			futex_wake_addr(k, p, p->res.clear_child_tid, 1);
	}
	end_thread(k, p);
}

void proc_reap(struct kernel *k, struct proc *p)
{
	/* the owner's record outlives every other of its address space (the
	 * keys name it): the group's other zombies go first */
	for (struct proc *q = k->procs; p->mm->owner == p && p->mm->refs > 1 && q; ) {
		struct proc *next = q->next;
		if (q != p && q->mm == p->mm) {
			if (q->state != P_ZOMBIE)
				kpanic("proc_reap: pid %u reaped while its thread %u runs", p->pid, q->pid);
			proc_reap(k, q);
			next = k->procs;         /* the list changed */
		}
		q = next;
	}
	proc_unlink(k, p);
	k->nlive--;
	signal_proc_free(k, p);
	if (--p->mm->refs == 0)
		kmem_cache_free(k->mm_cache, p->mm);
	kmem_cache_free(k->proc_cache, p);
}
