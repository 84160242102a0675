/*
 * trap.c - the one door from the hardware into the kernel (trap.h has the
 * table of causes and where each goes).
 *
 * The scheduler (kernel_run, proc.c) runs a process with cpu_run until it
 * traps, saves its registers, and calls trap_handle; everything the kernel
 * does for a process happens below that call.  A trap the kernel serves (a
 * system call, a page fault) does not end the time slice.
 *
 * Liveness of the fault path lives here, with the fault handling, because
 * it judges the outcome of vm_fault rather than how a fault is served: vm
 * resolves one fault and reports -ENOMEM when no frame can be had; the
 * decision to kill, and whom, is the trap handler's, as Linux's
 * out_of_memory() is called from the fault path and not from the
 * allocator.  While a page fault is served, reclaim leaves the pages the
 * faulting instruction needs (k->fault_pin, see swap.c): if nothing else
 * can go, the fault is out of memory and the OOM killer takes the process
 * with the largest footprint, page tables included.  As a net under every
 * other livelock, the progress guard (struct fault_guard, proc.h) counts
 * the faults of one instruction - same pc, same retired count - and kills
 * the process with SIGKILL and a diagnosis past FAULT_GUARD_MAX.
 */
#include "trap.h"
#include "proc.h"
#include "signals.h"
#include "syscall.h"
#include "vm.h"

#include "abi/lx/signal.h"

#include <errno.h>
#include <string.h>

/* The privileged spec's name of an exception cause, for reports. */
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

/* The kind of p's region holding addr ("heap", "stack" ...), or "none". */
static const char *region_name(struct proc *p, uint64_t addr)
{
	static const char *const names[] = {
		[VMK_TEXT] = "text", [VMK_RODATA] = "rodata", [VMK_DATA] = "data",
		[VMK_BSS] = "bss", [VMK_HEAP] = "heap", [VMK_STACK] = "stack",
		[VMK_ANON] = "mmap", [VMK_VDSO] = "vdso", [VMK_VVAR] = "vvar",
	};
	struct vm_region *r = vm_map_lookup(&p->mm->map, addr);
	return r ? names[r->kind] : "none";
}

/* " (main+0x1c)" for pc if the front end can name it (cfg.describe_pc,
 * from the program's symbols), else "". */
static const char *pc_name(struct kernel *k, struct proc *p, uint64_t pc, char *buf, size_t n)
{
	buf[0] = 0;
	if (k->cfg.describe_pc)
		k->cfg.describe_pc(k, p, pc, buf, n);
	return buf;
}

/* " thread T" for a thread other than its group's leader (the report
 * names the process, pid = tgid, as Linux's signal does), else "". */
static const char *thread_of(const struct proc *p, char *buf, size_t n)
{
	buf[0] = 0;
	if (p->pid != p->tgid)
		snprintf(buf, n, " thread %u", p->pid);
	return buf;
}

/* trap_kill_segv's body, for SIGSEGV or SIGBUS (a mapped file's page
 * beyond its end, or a pager's read error). */
static void trap_kill_fault(struct kernel *k, struct proc *p, uint64_t addr, uint64_t cause,
			    const char *why, int sig)
{
	char sym[256], th[24];
	fflush(k->cfg.out);
	fprintf(k->cfg.err,
		"vmos: pid %u (%s)%s killed by %s: %s at 0x%llx, pc 0x%llx%s, region %s%s%s\n",
		p->tgid, p->name, thread_of(p, th, sizeof th), sig == LX_SIGBUS ? "SIGBUS" : "SIGSEGV",
		cause_name(cause), (unsigned long long)addr, (unsigned long long)p->pc,
		pc_name(k, p, p->pc, sym, sizeof sym), region_name(p, addr), why ? ": " : "",
		why ? why : "");
	if (sig == LX_SIGSEGV)
		k->stats.faults_segv++;
	proc_exit(k, p, 0, sig);
}

void trap_kill_segv(struct kernel *k, struct proc *p, uint64_t addr, uint64_t cause,
		    const char *why)
{
	trap_kill_fault(k, p, addr, cause, why, LX_SIGSEGV);
}

/* Kills p with sig (SIGILL, SIGTRAP or SIGBUS) for a trap no handler
 * serves - the default action of a signal the program cannot catch yet -
 * with a one-line report naming the cause, pc and tval. */
static void trap_kill_signal(struct kernel *k, struct proc *p, int sig, const struct trap *t)
{
	char sym[256], th[24];
	fflush(k->cfg.out);
	fprintf(k->cfg.err, "vmos: pid %u (%s)%s killed by %s: %s at pc 0x%llx%s (tval 0x%llx)\n",
		p->tgid, p->name, thread_of(p, th, sizeof th), sig == LX_SIGILL ? "SIGILL" : sig == LX_SIGTRAP ? "SIGTRAP" : "SIGBUS",
		cause_name(t->cause), (unsigned long long)t->pc, pc_name(k, p, t->pc, sym, sizeof sym),
		(unsigned long long)t->tval);
	proc_exit(k, p, 0, sig);
}

/* A process's memory footprint for the OOM killer, in pages: its resident
 * pages and its page-table pages, which it cannot give back while it lives
 * (Linux's oom_badness counts rss, page tables and swap entries; swap is
 * not counted here, since killing frees no RAM from it). */
static uint64_t oom_badness(const struct proc *q)
{
	return q->mm->pmap.resident + q->mm->pmap.pt_pages;
}

/* The OOM killer's choice: the live process with the largest footprint,
 * or NULL if none holds a page beyond its root page table. */
static struct proc *oom_select(struct kernel *k)
{
	struct proc *best = NULL;
	for (struct proc *q = k->procs; q; q = q->next)
		if (proc_space_live(q) && (!best || oom_badness(q) > oom_badness(best)))
			best = q;
	return best && oom_badness(best) > 1 ? best : NULL;
}

/* Out of memory serving p's fault at va: kills the process with the
 * largest footprint (p itself if no other holds a page beyond its root
 * page table) with SIGKILL and a one-line report, and lets the faulting
 * instruction run again - it faults anew if memory is still short, and the
 * next largest goes.  Reclaim has left the pages this instruction needs,
 * so this is also where an instruction that cannot have all its pages
 * resident at once ends: page tables fill RAM, or a frame limit below its
 * need. */
static void oom_kill(struct kernel *k, struct proc *p, uint64_t va)
{
	struct proc *victim = oom_select(k);
	if (!victim)
		victim = p;
	fflush(k->cfg.out);
	char th[24];
	fprintf(k->cfg.err, "vmos: out of memory serving a fault of pid %u%s at 0x%llx: killed pid %u (%s) with %llu resident pages, %llu page-table pages\n",
		p->tgid, thread_of(p, th, sizeof th), (unsigned long long)va, victim->pid, victim->name,
		(unsigned long long)victim->mm->pmap.resident,
		(unsigned long long)victim->mm->pmap.pt_pages);
	k->stats.oom_kills++;
	proc_exit(k, victim, 0, LX_SIGKILL);
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
	char th[24];
	fprintf(k->cfg.err, "vmos: pid %u (%s)%s killed by SIGKILL: no progress: the instruction at pc 0x%llx faulted %u times without retiring, now on %s at 0x%llx; the kernel did: %s\n",
		p->tgid, p->name, thread_of(p, th, sizeof th), (unsigned long long)p->pc, FAULT_GUARD_MAX + 1, cause_name(cause),
		(unsigned long long)va, did);
	k->stats.progress_kills++;
	proc_exit(k, p, 0, LX_SIGKILL);
}

/* Serves a page fault of p (cause CAUSE_*_PAGE_FAULT, address t->tval)
 * through vm_fault.  On success p is left on the faulting instruction, to
 * run it again.  An unresolvable fault kills p with SIGSEGV; out of memory
 * kills the largest process (p itself if it is the only candidate); an
 * instruction that faults past FAULT_GUARD_MAX without retiring kills p
 * with SIGKILL.  Each outcome is a KEV_FAULT event. */
static void trap_page_fault(struct kernel *k, struct proc *p, const struct trap *t)
{
	enum mmu_access acc = t->cause == CAUSE_FETCH_PAGE_FAULT ? ACC_FETCH :
			      t->cause == CAUSE_LOAD_PAGE_FAULT ? ACC_LOAD : ACC_STORE;
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
		g->count = 0;            /* a kill is progress, memory was released:
					  * count this instruction's faults afresh */
		oom_kill(k, p, t->tval);
	} else if (rc == -EIO) {
		/* past the end of a file mapping: SIGBUS (BUS_ADRERR) */
		if (!signal_fault(k, p, LX_SIGBUS, LX_BUS_ADRERR, t->tval))
			trap_kill_fault(k, p, t->tval, t->cause, why, LX_SIGBUS);
	} else if (rc < 0) {
		/* no region there (or a kernel address): SEGV_MAPERR; a region
		 * that forbids the access: SEGV_ACCERR */
		bool mapped = t->tval < user_top(k->cfg.levels) &&
			      vm_map_lookup(&p->mm->map, t->tval) != NULL;
		if (!signal_fault(k, p, LX_SIGSEGV, mapped ? LX_SEGV_ACCERR : LX_SEGV_MAPERR, t->tval))
			trap_kill_segv(k, p, t->tval, t->cause, why);
	}
}

/* A system call: the ecall is done (pc moves past it, so a call that
 * blocks and restarts moves pc back itself) and the call runs with p's
 * registers, its result in p's a0. */
static inline void trap_syscall(struct kernel *k, struct proc *p)
{
	p->pc += 4;
	syscall_dispatch(k, p);
}

enum trap_next trap_handle(struct kernel *k, struct proc *p, const struct trap *t)
{
	switch (t->cause) {
	case CAUSE_S_TIMER_INTERRUPT:
		return TRAP_PREEMPT;
	case CAUSE_USER_ECALL:
		trap_syscall(k, p);
		break;
	case CAUSE_FETCH_PAGE_FAULT:
	case CAUSE_LOAD_PAGE_FAULT:
	case CAUSE_STORE_PAGE_FAULT:
		trap_page_fault(k, p, t);
		break;
	case CAUSE_FETCH_ACCESS:
	case CAUSE_LOAD_ACCESS:
	case CAUSE_STORE_ACCESS:
		/* the MMU translated, but the frame is not RAM */
		if (!signal_fault(k, p, LX_SIGSEGV, LX_SEGV_ACCERR, t->tval))
			trap_kill_segv(k, p, t->tval, t->cause, "outside physical memory");
		break;
	case CAUSE_ILLEGAL_INSN:
		if (!signal_fault(k, p, LX_SIGILL, LX_ILL_ILLOPC, t->pc))
			trap_kill_signal(k, p, LX_SIGILL, t);
		break;
	case CAUSE_BREAKPOINT:
		if (!signal_fault(k, p, LX_SIGTRAP, LX_TRAP_BRKPT, t->pc))
			trap_kill_signal(k, p, LX_SIGTRAP, t);
		break;
	default:
		if (!signal_fault(k, p, LX_SIGBUS, LX_BUS_ADRALN, t->tval))
			trap_kill_signal(k, p, LX_SIGBUS, t);
		break;
	}
	return TRAP_RESUME;
}
