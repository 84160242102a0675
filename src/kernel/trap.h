/*
 * trap.h - the one door from the hardware into the kernel.
 *
 * cpu_run (src/hw/cpu.h) runs a process's instructions until something the
 * CPU cannot finish alone: an ecall, a fault, or the end of its budget (the
 * timer).  It returns a struct trap {cause, tval, pc}; the scheduler
 * (kernel_run in proc.c) saves the registers into the process and hands the
 * trap to trap_handle, which sends it by cause to the room that serves it
 * (the xv6 usertrap split):
 *
 *   CAUSE_USER_ECALL                  -> trap_syscall  -> syscall_dispatch
 *   CAUSE_{FETCH,LOAD,STORE}_PAGE_FAULT -> trap_page_fault -> vm_fault, then
 *                                        the progress guard and the OOM killer
 *   CAUSE_{FETCH,LOAD,STORE}_ACCESS   -> SIGSEGV (outside physical memory)
 *   CAUSE_ILLEGAL_INSN                -> SIGILL; CAUSE_BREAKPOINT -> SIGTRAP;
 *   anything else (misaligned ...)    -> SIGBUS    (trap_kill_signal)
 *   CAUSE_S_TIMER_INTERRUPT           -> TRAP_PREEMPT: the scheduler's own
 */
#ifndef VMOS_KERNEL_TRAP_H
#define VMOS_KERNEL_TRAP_H

#include "kernel.h"

/* What the scheduler does with the process after trap_handle. */
enum trap_next {
	TRAP_RESUME,    /* served: resume p if it is still runnable and did not yield */
	TRAP_PREEMPT,   /* the time slice is over: put p back on the run queue */
};

/* Serves trap t that process p (the current process, its registers saved
 * in p, p->pc == t->pc) took.  Afterwards p may be runnable (pc advanced
 * past an ecall, or left on a faulting instruction to run it again),
 * sleeping, or a zombie (killed, with a one-line report on k->cfg.err).
 * Other processes may have died too (the OOM killer's victim).  Returns
 * TRAP_PREEMPT for the timer, else TRAP_RESUME. */
enum trap_next trap_handle(struct kernel *k, struct proc *p, const struct trap *t);

/* Kills p with SIGSEGV after an unresolvable fault at addr (cause CAUSE_*),
 * printing the one-line report (address, pc, cause, region, why if not
 * NULL) and counting it in k->stats.faults_segv. */
void trap_kill_segv(struct kernel *k, struct proc *p, uint64_t addr, uint64_t cause,
		    const char *why);

#endif
