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
	p->pid = k->next_pid++;
	p->kernel = k;
	const char *base = strrchr(name, '/');
	strncpy(p->name, base ? base + 1 : name, sizeof p->name - 1);
	p->line_start = true;
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
	p->pc -= 4;                    /* re-run the ecall when woken */
	p->state = P_SLEEPING;
	p->sig.sleep_kind = SLEEP_RESTART;   /* a signal: EINTR, or a restart (signals.h) */
	p->wake_time_ns = ~0ULL;       /* no timeout: woken by an event */
}

void proc_exit(struct kernel *k, struct proc *p, int code, int sig)
{
	if (p->state == P_ZOMBIE)
		return;
	p->exit_code = code & 0xff;
	p->term_signal = sig;
	/* drop it from the run queue if it is there */
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
	if (k->cfg.on_exit)
		k->cfg.on_exit(k, p);
	kernel_event(k, p, KEV_EXIT, 0, (uint64_t)sig, code & 0xff, sig ? "signal" : "exit");
	p->state = P_ZOMBIE;
	/* children go to the kernel; the parent gets SIGCHLD (and, if it
	 * asked for no zombies, the kernel reaps this one); a parent waiting
	 * in wait4 wakes */
	signal_proc_exit(k, p);
	for (struct proc *c = k->procs; c; c = c->next)
		if (c->ppid == p->pid && c != p)
			c->ppid = 0;
	struct proc *parent = p->ppid ? proc_find(k, p->ppid) : NULL;
	if (parent && signal_child_exit(k, parent, p) && !p->top_level)
		p->ppid = 0;
	if (parent && parent->state == P_SLEEPING && parent->wake_time_ns == ~0ULL &&
	    parent->sig.sleep_kind == SLEEP_RESTART)
		proc_make_runnable(k, parent);
	vm_space_destroy(k, p);
	if (p->repl.ops) {
		repl_destroy(&p->repl);    /* empty now: every page went with the space */
		p->repl.ops = NULL;
	}
	image_put(k, p->image);
	p->image = NULL;
	if (k->current == p)
		k->current = NULL;
	if (k->cfg.check_invariants) {
		const char *e = kernel_check(k);
		if (e)
			kpanic("invariant broken after pid %u exited: %s", p->pid, e);
	}
}

void proc_reap(struct kernel *k, struct proc *p)
{
	proc_unlink(k, p);
	k->nlive--;
	signal_proc_free(k, p);
	if (--p->mm->refs == 0)
		kmem_cache_free(k->mm_cache, p->mm);
	kmem_cache_free(k->proc_cache, p);
}
