/*
 * proc.c - processes and the scheduler.
 *
 * The scheduler is round-robin: a FIFO queue of runnable processes, each run
 * for a time slice of cfg.quantum instructions (the hart's timer interrupt,
 * CAUSE_S_TIMER_INTERRUPT, ends it).  A trap that the kernel serves (a
 * system call, a page fault) does not end the slice: the process resumes
 * with what is left of it.
 *
 * A switch loads the next process's registers and satp.  With ASIDs the TLB
 * keeps every process's entries apart and nothing is flushed (asid.h: the
 * allocator gives each live address space its own ASID, flushing only when
 * a new generation of ASIDs starts); without (--no-asid) every process has
 * ASID 0 and each switch flushes the TLB.
 *
 * Liveness of the fault path.  While a page fault is served, reclaim leaves
 * the pages the faulting instruction needs (k->fault_pin, see swap.c): if
 * nothing else can go, the fault is out of memory and the OOM killer takes
 * the process with the largest footprint, page tables included.  As a net
 * under every other livelock, the progress guard (struct fault_guard)
 * counts the faults of one instruction - same pc, same retired count - and
 * kills the process with SIGKILL and a diagnosis past FAULT_GUARD_MAX.
 */
#include "proc.h"
#include "exec.h"
#include "syscall.h"
#include "vm.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#define SIGILL  4
#define SIGTRAP 5
#define SIGBUS  7
#define SIGKILL 9
#define SIGSEGV 11

static void runq_push(struct kernel *k, struct proc *p)
{
	p->run_next = NULL;
	if (k->runq_tail)
		k->runq_tail->run_next = p;
	else
		k->runq_head = p;
	k->runq_tail = p;
}

static struct proc *runq_pop(struct kernel *k)
{
	struct proc *p = k->runq_head;
	if (p) {
		k->runq_head = p->run_next;
		if (!k->runq_head)
			k->runq_tail = NULL;
	}
	return p;
}

struct proc *proc_create(struct kernel *k, const char *name)
{
	struct proc *p = kmem_cache_zalloc(k->proc_cache);
	if (!p)
		return NULL;
	p->pid = k->next_pid++;
	p->kernel = k;
	const char *base = strrchr(name, '/');
	strncpy(p->name, base ? base + 1 : name, sizeof p->name - 1);
	p->line_start = true;
	res_init(k, p);
	if (vm_space_init(k, p) < 0) {
		kmem_cache_free(k->proc_cache, p);
		return NULL;
	}
	if (k->cfg.local_frames) {
		/* room above the share for shared frames that change hands */
		if (repl_init(&p->repl, k->repl.ops, &k->km, 2 * k->cfg.local_frames + 16) < 0) {
			vm_space_destroy(k, p);
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

void proc_make_runnable(struct kernel *k, struct proc *p)
{
	p->state = P_RUNNABLE;
	runq_push(k, p);
}

void proc_block_restart(struct kernel *k, struct proc *p)
{
	p->pc -= 4;                    /* re-run the ecall when woken */
	p->state = P_SLEEPING;
	p->wake_time_ns = ~0ULL;       /* no timeout: woken by an event */
}

/* Reaps zombies nobody will wait for: orphans handed to the kernel. */
static void reap_orphans(struct kernel *k)
{
	for (struct proc *p = k->procs, *next; p; p = next) {
		next = p->next;
		if (p->state == P_ZOMBIE && p->ppid == 0 && !p->top_level && p != k->current)
			proc_reap(k, p);
	}
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
	/* children go to the kernel; a waiting parent wakes */
	for (struct proc *c = k->procs; c; c = c->next)
		if (c->ppid == p->pid && c != p)
			c->ppid = 0;
	struct proc *parent = p->ppid ? proc_find(k, p->ppid) : NULL;
	if (parent && parent->state == P_SLEEPING && parent->wake_time_ns == ~0ULL)
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
	kmem_cache_free(k->proc_cache, p);
}

static const char *cause_name(uint64_t cause)
{
	switch (cause) {
	case CAUSE_FETCH_PAGE_FAULT: return "instruction page fault";
	case CAUSE_LOAD_PAGE_FAULT: return "load page fault";
	case CAUSE_STORE_PAGE_FAULT: return "store page fault";
	case CAUSE_FETCH_ACCESS: return "instruction access fault";
	case CAUSE_LOAD_ACCESS: return "load access fault";
	case CAUSE_STORE_ACCESS: return "store access fault";
	case CAUSE_MISALIGNED_FETCH: return "misaligned fetch";
	case CAUSE_MISALIGNED_LOAD: return "misaligned load";
	case CAUSE_MISALIGNED_STORE: return "misaligned store/AMO";
	case CAUSE_ILLEGAL_INSN: return "illegal instruction";
	case CAUSE_BREAKPOINT: return "breakpoint";
	default: return "exception";
	}
}

static const char *region_name(struct proc *p, uint64_t addr)
{
	static const char *const names[] = {
		[VMK_TEXT] = "text", [VMK_RODATA] = "rodata", [VMK_DATA] = "data",
		[VMK_BSS] = "bss", [VMK_HEAP] = "heap", [VMK_STACK] = "stack",
		[VMK_ANON] = "mmap", [VMK_VDSO] = "vdso",
	};
	struct vm_region *r = vm_map_lookup(&p->map, addr);
	return r ? names[r->kind] : "none";
}

void proc_segv(struct kernel *k, struct proc *p, uint64_t addr, uint64_t cause, const char *why)
{
	fflush(k->cfg.out);
	fprintf(k->cfg.err,
		"vmos: pid %u (%s) killed by SIGSEGV: %s at 0x%llx, pc 0x%llx, region %s%s%s\n",
		p->pid, p->name, cause_name(cause), (unsigned long long)addr,
		(unsigned long long)p->pc, region_name(p, addr), why ? ": " : "", why ? why : "");
	k->stats.faults_segv++;
	proc_exit(k, p, 0, SIGSEGV);
}

static void proc_kill_signal(struct kernel *k, struct proc *p, int sig, const struct trap *t)
{
	fflush(k->cfg.out);
	fprintf(k->cfg.err, "vmos: pid %u (%s) killed by %s: %s at pc 0x%llx (tval 0x%llx)\n",
		p->pid, p->name, sig == SIGILL ? "SIGILL" : sig == SIGTRAP ? "SIGTRAP" : "SIGBUS",
		cause_name(t->cause), (unsigned long long)t->pc, (unsigned long long)t->tval);
	proc_exit(k, p, 0, sig);
}

static void account(struct kernel *k, struct proc *p, const struct mmu_stats *before,
		    uint64_t instret_before)
{
	p->st.instret += k->cpu.instret - instret_before;
	p->st.tlb_hits += k->mmu.stats.tlb_hits - before->tlb_hits;
	p->st.tlb_misses += k->mmu.stats.tlb_misses - before->tlb_misses;
	p->st.walks += k->mmu.stats.walks - before->walks;
}

/* A process's memory footprint for the OOM killer, in pages: its resident
 * pages and its page-table pages, which it cannot give back while it lives
 * (Linux's oom_badness counts rss, page tables and swap entries; swap is
 * not counted here, since killing frees no RAM from it). */
static uint64_t oom_badness(const struct proc *q)
{
	return q->pmap.resident + q->pmap.pt_pages;
}

/* The OOM killer's choice: the live process with the largest footprint,
 * or NULL if none holds a page beyond its root page table. */
static struct proc *oom_select(struct kernel *k)
{
	struct proc *best = NULL;
	for (struct proc *q = k->procs; q; q = q->next)
		if (q->state != P_ZOMBIE && (!best || oom_badness(q) > oom_badness(best)))
			best = q;
	return best && oom_badness(best) > 1 ? best : NULL;
}

static const char *const step_access[3] = { "fetch", "load", "store" };

static unsigned cause_access(uint64_t cause)
{
	return cause == CAUSE_FETCH_PAGE_FAULT ? 0 : cause == CAUSE_LOAD_PAGE_FAULT ? 1 : 2;
}

/* The progress guard's verdict on p, whose instruction at p->pc has
 * faulted FAULT_GUARD_MAX times without retiring and faults again at va:
 * the kernel served every fault and the instruction still cannot run (a
 * livelock: a handler that maps nothing, pages taking each other's frame).
 * Prints the diagnosis - the faults and what the kernel did for each - and
 * kills p with SIGKILL: the program did nothing wrong, the kernel cannot
 * serve it, as with the OOM killer. */
static void guard_kill(struct kernel *k, struct proc *p, uint64_t va, uint64_t cause)
{
	char did[FAULT_GUARD_MAX * 64];
	size_t n = 0;
	did[0] = 0;
	for (unsigned i = 0; i < FAULT_GUARD_MAX && n < sizeof did; i++) {
		const struct fault_step *s = &p->guard.step[i];
		n += (size_t)snprintf(did + n, sizeof did - n, "%s%s 0x%llx %s", i ? ", " : "",
				      step_access[cause_access(s->cause)], (unsigned long long)s->va,
				      s->kind);
		if (s->evicted && n < sizeof did)
			n += (size_t)snprintf(did + n, sizeof did - n, " +%u evicted", s->evicted);
	}
	fflush(k->cfg.out);
	fprintf(k->cfg.err, "vmos: pid %u (%s) killed by SIGKILL: no progress: the instruction at pc 0x%llx faulted %u times without retiring, now on %s at 0x%llx; the kernel did: %s\n",
		p->pid, p->name, (unsigned long long)p->pc, FAULT_GUARD_MAX + 1, cause_name(cause),
		(unsigned long long)va, did);
	k->stats.progress_kills++;
	proc_exit(k, p, 0, SIGKILL);
}

/* Handles a page or access fault of p; kills p if it cannot be served. */
static void handle_fault(struct kernel *k, struct proc *p, const struct trap *t)
{
	enum mmu_access acc = t->cause == CAUSE_FETCH_PAGE_FAULT ? ACC_FETCH :
			      t->cause == CAUSE_LOAD_PAGE_FAULT ? ACC_LOAD : ACC_STORE;
	if (t->cause != CAUSE_FETCH_PAGE_FAULT && t->cause != CAUSE_LOAD_PAGE_FAULT &&
	    t->cause != CAUSE_STORE_PAGE_FAULT) {
		proc_segv(k, p, t->tval, t->cause, "outside physical memory");
		return;
	}
	/* the progress guard: count the faults of this instruction (it has
	 * not retired while pc and the retired count stay the same) */
	struct fault_guard *g = &p->guard;
	if (g->pc != p->pc || g->instret != p->st.instret) {
		g->pc = p->pc;
		g->instret = p->st.instret;
		g->count = 0;
		g->pin_mask = guard_pin_bit(p->pc) | guard_pin_bit(guard_pc_next_page(p->pc));
	}
	if (g->count == FAULT_GUARD_MAX) {
		guard_kill(k, p, t->tval, t->cause);
		return;
	}
	struct fault_step *step = &g->step[g->count++];
	if (g->count > k->stats.fault_run_max)
		k->stats.fault_run_max = g->count;
	step->va = PGROUNDDOWN(t->tval);
	g->pin_mask |= guard_pin_bit(step->va);
	step->cause = (uint8_t)t->cause;
	uint64_t evicted = k->stats.pages_swapped_out + k->stats.pages_dropped;
	const char *why = NULL;
	int rc = 0;
	k->fault_pin = p;                /* reclaim leaves this instruction's pages */
	if (__builtin_expect(p->pid != k->test_stuck_pid, 1))
		rc = vm_fault(k, p, t->tval, acc, &why);
	else
		k->fault_kind = "nothing";
	k->fault_pin = NULL;
	step->kind = rc == -ENOMEM ? "oom" : k->fault_kind;
	step->evicted = (uint32_t)(k->stats.pages_swapped_out + k->stats.pages_dropped - evicted);
	kernel_event(k, p, KEV_FAULT, t->tval, t->cause, rc, rc == -ENOMEM ? "oom" :
		     rc < 0 ? "segv" : k->fault_kind);
	if (rc == -ENOMEM) {
		/* Out of memory: kill the process with the largest footprint and
		 * let the faulting instruction run again (it faults anew if memory
		 * is still short, and the next largest goes).  Reclaim has left
		 * the pages this instruction needs, so this is also where an
		 * instruction that cannot have all its pages resident at once
		 * ends: page tables fill RAM, or a frame limit below its need. */
		struct proc *victim = oom_select(k);
		if (!victim)
			victim = p;
		fflush(k->cfg.out);
		fprintf(k->cfg.err, "vmos: out of memory serving a fault of pid %u at 0x%llx: killed pid %u (%s) with %llu resident pages, %llu page-table pages\n",
			p->pid, (unsigned long long)t->tval, victim->pid, victim->name,
			(unsigned long long)victim->pmap.resident,
			(unsigned long long)victim->pmap.pt_pages);
		k->stats.oom_kills++;
		g->count = 0;            /* a kill is progress, memory was released:
					  * count this instruction's faults afresh */
		proc_exit(k, victim, 0, SIGKILL);
	} else if (rc < 0) {
		proc_segv(k, p, t->tval, t->cause, why);
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Wakes sleepers whose time has come; if nothing is runnable, sleeps the
 * host until the first deadline.  Returns false if no process can ever run
 * again. */
static bool wake_sleepers(struct kernel *k)
{
	uint64_t now = now_ns(), first = ~0ULL;
	bool any = false;
	for (struct proc *p = k->procs; p; p = p->next) {
		if (p->state != P_SLEEPING)
			continue;
		any = true;
		if (p->wake_time_ns <= now) {
			p->state = P_RUNNABLE;
			runq_push(k, p);
		} else if (p->wake_time_ns < first) {
			first = p->wake_time_ns;
		}
	}
	if (!k->runq_head && any && first != ~0ULL) {
		struct timespec ts = { (time_t)((first - now) / 1000000000ULL),
				       (long)((first - now) % 1000000000ULL) };
		nanosleep(&ts, NULL);
		return wake_sleepers(k);
	}
	return k->runq_head != NULL;
}

/* The clock user and system time are charged by: the host's coarse
 * monotonic clock (a few ns to read, where CLOCK_MONOTONIC costs tens on
 * every trap), which advances in ticks of 1-4 ms.  Each tick is charged to
 * whatever ran when it came - the statistical accounting of Linux's
 * tick-based cputime: exact on average, 0 for a process shorter than a
 * tick. */
static inline uint64_t usage_clock_ns(void)
{
#ifdef CLOCK_MONOTONIC_COARSE
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
#else
	return now_ns();
#endif
}

void proc_sleep(struct kernel *k, struct proc *p, uint64_t ns)
{
	p->state = P_SLEEPING;
	p->wake_time_ns = now_ns() + ns;
}

/* The FP registers follow the process lazily, as Linux does with
 * sstatus.FS: the CPU marks its FP state dirty when an instruction writes
 * it, and only then is it saved (fp_save, after every cpu_run).  A process
 * that never wrote FP state (fp_used false) runs with the reset state (all
 * zero, CPU_FS_INITIAL), so switching between such processes copies
 * nothing; one that did gets its 33 words loaded whenever it is resumed. */
static inline void fp_load(struct kernel *k, struct proc *p)
{
	if (p->fp_used) {
		memcpy(k->cpu.f, p->f, sizeof p->f);
		k->cpu.fcsr = p->fcsr;
		k->cpu.fs = CPU_FS_CLEAN;
	} else if (k->cpu.fs != CPU_FS_INITIAL) {
		memset(k->cpu.f, 0, sizeof k->cpu.f);
		k->cpu.fcsr = 0;
		k->cpu.fs = CPU_FS_INITIAL;
	}
}

static inline void fp_save(struct kernel *k, struct proc *p)
{
	if (k->cpu.fs == CPU_FS_DIRTY) {
		memcpy(p->f, k->cpu.f, sizeof p->f);
		p->fcsr = k->cpu.fcsr;
		p->fp_used = true;
		k->cpu.fs = CPU_FS_CLEAN;
	}
}

int kernel_run(struct kernel *k)
{
	for (;;) {
		if (!k->runq_head && !wake_sleepers(k))
			break;
		struct proc *p = runq_pop(k);
		if (k->current != p)
			k->stats.context_switches++;
		proc_activate(k, p);
		memcpy(k->cpu.x, p->x, sizeof p->x);
		fp_load(k, p);
		k->cpu.pc = p->pc;
		k->cpu.res_valid = false;
		uint64_t slice = k->cfg.quantum;
		bool requeue = true;
		uint64_t mark = usage_clock_ns();    /* user time, then system time, from here */
		while (slice > 0) {
			struct mmu_stats before = k->mmu.stats;
			uint64_t i0 = k->cpu.instret;
			uint64_t budget = slice;
			if (k->cfg.tick_interval && k->next_tick - i0 < budget)
				budget = k->next_tick - i0;
			struct trap t = budget ? cpu_run(&k->cpu, budget) :
				(struct trap){ CAUSE_S_TIMER_INTERRUPT, 0, k->cpu.pc };
			account(k, p, &before, i0);
			uint64_t ran_until = usage_clock_ns();
			p->res.utime_ns += ran_until - mark;
			mark = ran_until;
			uint64_t ran = k->cpu.instret - i0;
			slice = ran >= slice ? 0 : slice - ran;
			memcpy(p->x, k->cpu.x, sizeof p->x);
			fp_save(k, p);
			p->pc = k->cpu.pc;
			if (k->cfg.tick_interval && k->cpu.instret >= k->next_tick) {
				k->next_tick += k->cfg.tick_interval;
				kernel_event(k, p, KEV_TICK, 0, 0, 0, "tick");
				if (k->cfg.wss_interval && k->cpu.instret >= k->next_wss) {
					k->next_wss += k->cfg.wss_interval;
					kernel_sample_wss(k);
				}
				if (t.cause == CAUSE_S_TIMER_INTERRUPT && slice > 0) {
					memcpy(k->cpu.x, p->x, sizeof p->x);
					fp_load(k, p);
					k->cpu.pc = p->pc;
					continue;        /* the tick, not the slice, ended this run */
				}
			}
			if (t.cause == CAUSE_S_TIMER_INTERRUPT)
				break;
			if (t.cause == CAUSE_USER_ECALL) {
				p->pc += 4;
				syscall_dispatch(k, p);
			} else if (t.cause == CAUSE_FETCH_PAGE_FAULT || t.cause == CAUSE_LOAD_PAGE_FAULT ||
				   t.cause == CAUSE_STORE_PAGE_FAULT || t.cause == CAUSE_FETCH_ACCESS ||
				   t.cause == CAUSE_LOAD_ACCESS || t.cause == CAUSE_STORE_ACCESS) {
				handle_fault(k, p, &t);
			} else if (t.cause == CAUSE_ILLEGAL_INSN) {
				proc_kill_signal(k, p, SIGILL, &t);
			} else if (t.cause == CAUSE_BREAKPOINT) {
				proc_kill_signal(k, p, SIGTRAP, &t);
			} else {
				proc_kill_signal(k, p, SIGBUS, &t);
			}
			uint64_t done = usage_clock_ns();
			p->res.stime_ns += done - mark;
			mark = done;
			if (p->state != P_RUNNABLE) {
				requeue = false;
				break;
			}
			if (p->yielded) {
				p->yielded = false;
				break;
			}
			memcpy(k->cpu.x, p->x, sizeof p->x);
			fp_load(k, p);
			k->cpu.pc = p->pc;
		}
		if (requeue && p->state == P_RUNNABLE)
			runq_push(k, p);
		if (p->state == P_ZOMBIE && k->current == p)
			k->current = NULL;
		reap_orphans(k);
	}
	return 0;
}
