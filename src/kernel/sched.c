/*
 * sched.c - the scheduler loop: kernel_run.
 *
 * The scheduler is round-robin: a FIFO queue of runnable processes, each run
 * for a time slice of cfg.quantum instructions (the hart's timer interrupt,
 * CAUSE_S_TIMER_INTERRUPT, ends it).  A trap that the kernel serves (a
 * system call, a page fault) does not end the slice: the process resumes
 * with what is left of it.  What a trap means is not the scheduler's
 * business: kernel_run saves the registers and hands every trap to
 * trap_handle (trap.c, the one door into the kernel).  Processes themselves
 * (the run queue, sleeping, exit) are proc.c's, below.
 */
#include "proc.h"
#include "trap.h"
#include "frame.h"
#include "futex.h"
#include "signals.h"
#include "vdso.h"

#include "abi/lx/signal.h"

#include <string.h>
#include <time.h>

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

/* Reaps zombies nobody will wait for: orphans handed to the kernel. */
static void reap_orphans(struct kernel *k)
{
	for (struct proc *p = k->procs, *next; p; p = next) {
		next = p->next;
		if (p->state == P_ZOMBIE && p != k->current &&
		    (p->pid != p->tgid ||                        /* a thread: no one waits */
		     (p->ppid == 0 && !p->top_level && p->mm->users == 0)))
			proc_reap(k, p);
	}
}

static void account(struct kernel *k, struct proc *p, const struct mmu_stats *before,
		    uint64_t instret_before, uint64_t time_reads_before)
{
	p->st.instret += k->cpu.instret - instret_before;
	p->st.time_reads += k->cpu.time_reads - time_reads_before;
	p->st.tlb_hits += k->mmu.stats.tlb_hits - before->tlb_hits;
	p->st.tlb_misses += k->mmu.stats.tlb_misses - before->tlb_misses;
	p->st.walks += k->mmu.stats.walks - before->walks;
}


/* Wakes sleepers whose time has come; if nothing is runnable, sleeps the
 * host until the first deadline.  Returns false if no process can ever run
 * again. */
static bool wake_sleepers(struct kernel *k)
{
	uint64_t now = host_monotonic_ns(), first = ~0ULL;
	bool any = false;
	if (k->sig_timers) {          /* alarms: SIGALRM may wake a sleeper */
		first = signal_timers_run(k, vdso_monotonic_ns());
		any = first != ~0ULL;
	}
	for (struct proc *p = k->procs; p; p = p->next) {
		if (p->state != P_SLEEPING)
			continue;
		any = true;
		if (p->wake_time_ns <= now) {
			waitq_remove(p);             /* a deadline came before the event */
			futex_cancel(k, p);          /* a futex wait timed out: ETIMEDOUT */
			proc_make_runnable(k, p);
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
	return host_monotonic_ns();
#endif
}

/* True if p has signals to take, or a system call a signal interrupted,
 * or a mask to restore after rt_sigsuspend: signal_deliver's business
 * before p returns to user mode. */
static inline bool signal_work(const struct proc *p)
{
	return signal_deliverable(p) || p->sig.interrupted || p->sig.restore_mask;
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

/* Nothing can run and no sleeper has a deadline: every thread left waits
 * for an event that only another could cause (data in a pipe whose
 * writers sleep too, a child's exit, a futex wake).  Linux would hang
 * there forever; vmos ends the run with a clear message: it names each
 * sleeper and what it waits for (waitq_report_deadlock), then kills with
 * SIGKILL the processes with a thread asleep on a futex - their parents'
 * waits then end as usual - or, if there are none, every process left
 * (all asleep on pipes and wait4s: none could go on).
 * Returns true if it killed. */
static bool end_deadlock(struct kernel *k)
{
	fflush(k->cfg.out);
	if (!waitq_report_deadlock(k, k->cfg.err))
		return false;
	k->stats.deadlocks++;
	bool futexed = k->futex_head != NULL, killed = false;
	for (struct proc *p = k->procs; p; p = p->next)
		if (futexed ? p->state == P_SLEEPING && p->futex_waiting : p->state != P_ZOMBIE) {
			fprintf(k->cfg.err, "vmos: deadlock: pid %u (%s) killed by SIGKILL\n",
				p->tgid, p->name);
			proc_exit(k, p, 0, LX_SIGKILL);
			killed = true;
			p = k->procs;            /* the list may have changed: start over */
			if (!p)
				break;
		}
	return killed;
}

int kernel_run(struct kernel *k)
{
	for (;;) {
		if (!k->runq_head && !wake_sleepers(k)) {
			if (end_deadlock(k))
				continue;
			break;
		}
		if (k->sig_timers)
			signal_timers_run(k, vdso_monotonic_ns());
		struct proc *p = runq_pop(k);
		if (!p)
			continue;
		if (k->current != p)
			k->stats.context_switches++;
		proc_activate(k, p);
		if (__builtin_expect(signal_work(p), 0)) {
			signal_deliver(k, p);
			if (p->state != P_RUNNABLE) {
				if (p->state == P_ZOMBIE && k->current == p)
					k->current = NULL;
				reap_orphans(k);
				continue;
			}
		}
		if (k->cfg.thp_collapse && k->cpu.instret >= k->thp.next_collapse) {
			/* khugepaged, on the simulated clock (thp.h) */
			k->thp.next_collapse = k->cpu.instret + k->cfg.thp_collapse;
			thp_collapse_pass(k);
		}
		memcpy(k->cpu.x, p->x, sizeof p->x);
		fp_load(k, p);
		k->cpu.pc = p->pc;
		k->cpu.res_valid = false;
		uint64_t slice = k->cfg.quantum;
		bool requeue = true;
		uint64_t mark = usage_clock_ns();    /* user time, then system time, from here */
		while (slice > 0) {
			struct mmu_stats before = k->mmu.stats;
			uint64_t i0 = k->cpu.instret, t0 = k->cpu.time_reads;
			uint64_t budget = slice;
			if (k->cfg.tick_interval && k->next_tick - i0 < budget)
				budget = k->next_tick - i0;
			bool cut = false;        /* the debugger shortened this run */
			if (k->cfg.debug_hook) {
				uint64_t b = k->cfg.debug_hook(k, p, budget);
				mark = usage_clock_ns();   /* time stopped in the debugger is no one's */
				if (p->state != P_RUNNABLE) {
					requeue = false;
					break;
				}
				if (b < budget) {
					budget = b;
					cut = true;
				}
			}
			struct trap t = budget ? cpu_run(&k->cpu, budget) :
				(struct trap){ CAUSE_S_TIMER_INTERRUPT, 0, k->cpu.pc };
			account(k, p, &before, i0, t0);
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
			if (cut && t.cause == CAUSE_S_TIMER_INTERRUPT && slice > 0) {
				memcpy(k->cpu.x, p->x, sizeof p->x);
				fp_load(k, p);
				k->cpu.pc = p->pc;
				continue;        /* the debugger, not the slice, ended this run */
			}
			if (trap_handle(k, p, &t) == TRAP_PREEMPT)
				break;
			if (__builtin_expect(signal_work(p), 0) && p->state == P_RUNNABLE)
				signal_deliver(k, p);
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
			proc_make_runnable(k, p);
		if (p->state == P_ZOMBIE && k->current == p)
			k->current = NULL;
		reap_orphans(k);
	}
	return 0;
}
