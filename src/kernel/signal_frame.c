/*
 * signal_frame.c - delivering signals: the frame on the user stack, the
 * handler's start, and rt_sigreturn (signals.h has the model).
 *
 * The frame is Linux riscv64's struct rt_sigframe (arch/riscv/kernel/
 * signal.c; drawn in src/abi/linux_abi.h): a siginfo, then a ucontext
 * whose mcontext holds pc, x1..x31, f0..f31 and fcsr.  It goes below the
 * thread's sp - or at the top of the alternate stack for an SA_ONSTACK
 * handler not already on it - rounded down to 16 bytes, the psABI's stack
 * alignment; the RISC-V psABI has no red zone, so nothing below sp is the
 * program's.  The handler starts with a0 = signal, a1 = &info, a2 = &uc,
 * sp = the frame, and ra = __vdso_rt_sigreturn, two instructions in the
 * vDSO (li a7, 139; ecall): riscv64 has no sa_restorer, and unwinders
 * (libgcc's) recognise the frame by that code.
 *
 * rt_sigreturn reads the frame back from sp.  Nothing in it is trusted
 * beyond what a program could do itself: any register value is one the
 * program could have set, the FP control register is masked to its 8
 * defined bits, SIGKILL and SIGSTOP stay unblockable, and the reserved
 * words must be zero.  A frame that cannot be read or is malformed ends
 * the process with SIGSEGV (a SIGSEGV handler runs instead if the program
 * has one and does not block it, as Linux's force_sig does).
 */
#include "signals.h"
#include "proc.h"
#include "uaccess.h"
#include "vdso.h"
#include "fs/vfs.h"

#include <errno.h>
#include <string.h>

void signal_kill_group(struct kernel *k, struct proc *p, int sig)
{
	for (struct proc *q = k->procs; q; q = q->next)
		if (q != p && q->sigshared == p->sigshared && q->state != P_ZOMBIE)
			proc_exit(k, q, 0, sig);
	proc_exit(k, p, 0, sig);
}

/* Writes the time left before p's deadline to the timespec at
 * p->sig.sleep_rem, if there is one.  False if that write faulted. */
static bool write_time_left(struct kernel *k, struct proc *p)
{
	uint64_t at = p->sig.sleep_rem, now = vdso_monotonic_ns();
	p->sig.sleep_rem = 0;
	if (!at || p->wake_time_ns == ~0ULL)
		return true;
	uint64_t left = p->wake_time_ns > now ? p->wake_time_ns - now : 0;
	struct lx_timespec ts = { (int64_t)(left / 1000000000ULL), (int64_t)(left % 1000000000ULL) };
	return copyout(k, p, at, &ts, sizeof ts) == 0;
}

/* Ends a system call that a signal interrupted, by how it slept
 * (signals.h): SLEEP_RESTART re-runs after a handler with SA_RESTART and
 * otherwise fails with EINTR (or returns the part already done);
 * SLEEP_NOHAND fails with EINTR when a handler runs, writing the time left
 * (a fault there is ignored, as Linux's poll_select_finish does);
 * SLEEP_REWIND re-runs unless a handler without SA_RESTART runs (EINTR);
 * SLEEP_EINTR fails with EINTR, nanosleep writing the time
 * left.  handler: a handler is about to run (else the call just goes on:
 * a restart re-runs the ecall). */
static void end_interrupted_call(struct kernel *k, struct proc *p, bool handler, bool restart)
{
	if (!p->sig.interrupted)
		return;
	p->sig.interrupted = false;
	p->sig.wait_set = 0;
	uint8_t kind = p->sig.sleep_kind;
	p->sig.sleep_kind = SLEEP_NONE;
	switch (kind) {
	case SLEEP_RESTART:
		if (handler && !restart) {
			p->pc += 4;
			/* a call that did part of its work before it slept (a pipe
			 * write larger than the room) returns that part */
			p->x[10] = p->sys_done ? p->sys_done : (uint64_t)-EINTR;
			p->sys_done = 0;
		}
		break;
	case SLEEP_NOHAND:
		if (handler) {
			write_time_left(k, p);
			p->pc += 4;
			p->x[10] = (uint64_t)-EINTR;
			p->sys_wait = 0;
		}
		break;
	case SLEEP_REWIND:
		if (p->sig.undo_fd >= 0 && fd_get(p, p->sig.undo_fd) == p->sig.undo_file)
			fd_close(k, p, p->sig.undo_fd);    /* a FIFO's open: its end goes */
		p->sig.undo_fd = -1;
		p->sig.undo_file = NULL;
		if (!handler || restart) {
			p->pc -= 4;
			p->x[10] = p->sig.restart_a0;
		} else {
			p->x[10] = (uint64_t)-EINTR;
		}
		break;
	case SLEEP_EINTR:
		p->x[10] = write_time_left(k, p) ? (uint64_t)-EINTR : (uint64_t)-EFAULT;
		break;
	}
}

/* Pushes the frame for sig and points p at its handler.  Returns 0, or
 * -EFAULT if the frame cannot be written (an unmapped or full stack, an
 * alternate stack too small) or the process has no vDSO to return
 * through. */
static int setup_frame(struct kernel *k, struct proc *p, int sig, const struct lx_siginfo *info,
		       struct lx_sigaction *act)
{
	uint64_t sp = p->x[2];
	if (!p->mm->vdso_base)
		return -EFAULT;
	if ((act->flags & LX_SA_ONSTACK) && p->sig.altstack.ss_size && !signal_on_altstack(p, sp))
		sp = p->sig.altstack.ss_sp + p->sig.altstack.ss_size;
	uint64_t frame = (sp - sizeof(struct lx_rt_sigframe)) & ~15ULL;
	if (signal_on_altstack(p, sp) && !signal_on_altstack(p, frame))
		return -EFAULT;          /* would overflow the alternate stack */
	if (frame > sp)
		return -EFAULT;          /* wrapped below 0 */
	struct lx_rt_sigframe *f = kmalloc(&k->km, sizeof *f);
	if (!f)
		return -EFAULT;
	memset(f, 0, sizeof *f);
	f->info = *info;
	f->uc.uc_stack.ss_sp = p->sig.altstack.ss_sp;
	f->uc.uc_stack.ss_size = p->sig.altstack.ss_size;
	f->uc.uc_stack.ss_flags = signal_altstack_flags(p, p->x[2]);
	f->uc.uc_sigmask = p->sig.restore_mask ? p->sig.saved_mask : p->sigmask;
	struct lx_sigcontext *sc = &f->uc.uc_mcontext;
	sc->regs[0] = p->pc;
	for (int i = 1; i < 32; i++)
		sc->regs[i] = p->x[i];
	if (p->fp_used) {
		memcpy(sc->f, p->f, sizeof sc->f);
		sc->fcsr = p->fcsr;
	}
	int rc = copyout(k, p, frame, f, sizeof *f);
	kfree(&k->km, f);
	if (rc < 0)
		return -EFAULT;
	if ((uint32_t)p->sig.altstack.ss_flags & LX_SS_AUTODISARM)
		p->sig.altstack = (struct lx_stack){ 0, LX_SS_DISABLE, 0, 0 };
	p->x[1] = p->mm->vdso_base + vdso_sigreturn_offset();
	p->x[2] = frame;
	p->x[10] = (uint64_t)sig;
	p->x[11] = frame + __builtin_offsetof(struct lx_rt_sigframe, info);
	p->x[12] = frame + __builtin_offsetof(struct lx_rt_sigframe, uc);
	p->pc = act->handler;
	/* the handler runs with its mask added, and sig itself unless
	 * SA_NODEFER; SA_RESETHAND makes this delivery the last */
	p->sigmask |= act->mask;
	if (!(act->flags & LX_SA_NODEFER))
		p->sigmask |= sig_bit(sig);
	p->sigmask &= ~SIG_UNBLOCKABLE;
	p->sig.restore_mask = false;
	if (act->flags & LX_SA_RESETHAND)
		act->handler = LX_SIG_DFL;
	return 0;
}

void signal_deliver(struct kernel *k, struct proc *p)
{
	proc_activate(k, p);           /* frames are written through p's page table */
	for (int n = 0; n < LX_NSIG && p->state != P_ZOMBIE; n++) {
		struct lx_siginfo info;
		int sig = signal_dequeue(k, p, ~p->sigmask, &info);
		if (!sig)
			break;
		struct lx_sigaction *act = &p->sighand->action[sig - 1];
		if (act->handler == LX_SIG_IGN)
			continue;
		if (act->handler == LX_SIG_DFL) {
			char d = signal_default_action(sig);
			if (d == 'T' || d == 'C') {
				k->stats.signals_delivered[sig]++;
				signal_kill_group(k, p, sig);
				return;
			}
			continue;            /* ignore, and stop/continue (no job control) */
		}
		end_interrupted_call(k, p, true, act->flags & LX_SA_RESTART);
		if (setup_frame(k, p, sig, &info, act) < 0) {
			fflush(k->cfg.out);
			fprintf(k->cfg.err, "vmos: pid %u (%s) killed by SIGSEGV: cannot write the frame for %s below sp 0x%llx (pc 0x%llx)\n",
				p->pid, p->name, signal_abbrev(sig), (unsigned long long)p->x[2],
				(unsigned long long)p->pc);
			k->stats.faults_segv++;
			signal_kill_group(k, p, LX_SIGSEGV);
			return;
		}
		k->stats.signals_delivered[sig]++;
		p->st.signals_handled++;
	}
	end_interrupted_call(k, p, false, false);
	if (p->sig.restore_mask && !p->sys_wait) {
		/* (a ppoll or pselect6 about to run again keeps its mask) */
		p->sigmask = p->sig.saved_mask;
		p->sig.restore_mask = false;
	}
}

/* A frame rt_sigreturn cannot use: SIGSEGV, through the program's handler
 * if it has one that is not blocked, else the end with a one-line report. */
static int64_t bad_frame(struct kernel *k, struct proc *p, uint64_t frame, const char *why)
{
	if (signal_fault(k, p, LX_SIGSEGV, LX_SI_KERNEL, 0))
		return (int64_t)p->x[10];
	fflush(k->cfg.out);
	fprintf(k->cfg.err, "vmos: pid %u (%s) killed by SIGSEGV: rt_sigreturn: %s at 0x%llx (pc 0x%llx)\n",
		p->pid, p->name, why, (unsigned long long)frame, (unsigned long long)p->pc);
	k->stats.faults_segv++;
	signal_kill_group(k, p, LX_SIGSEGV);
	return 0;
}

int64_t sys_rt_sigreturn(struct kernel *k, struct proc *p)
{
	uint64_t frame = p->x[2];
	struct lx_rt_sigframe *f = kmalloc(&k->km, sizeof *f);
	if (!f)
		return bad_frame(k, p, frame, "out of kernel memory");
	if (copyin(k, p, f, frame, sizeof *f) < 0) {
		kfree(&k->km, f);
		return bad_frame(k, p, frame, "no readable signal frame");
	}
	const struct lx_sigcontext *sc = &f->uc.uc_mcontext;
	if (sc->reserved[0] | sc->reserved[1] | sc->reserved[2]) {
		kfree(&k->km, f);
		return bad_frame(k, p, frame, "malformed signal frame (reserved words not zero)");
	}
	p->sigmask = f->uc.uc_sigmask & ~SIG_UNBLOCKABLE;
	p->pc = sc->regs[0];
	for (int i = 1; i < 32; i++)
		p->x[i] = sc->regs[i];
	bool fp_nonzero = (sc->fcsr & 0xff) != 0;
	for (int i = 0; i < 32; i++)
		fp_nonzero |= sc->f[i] != 0;
	if (fp_nonzero || p->fp_used) {
		memcpy(p->f, sc->f, sizeof p->f);
		p->fcsr = sc->fcsr & 0xff;
		p->fp_used = true;
	}
	/* the alternate stack as the frame says, if it can be set (Linux's
	 * restore_altstack: errors other than a fault are ignored) */
	struct lx_stack ss = f->uc.uc_stack;
	signal_set_altstack(p, &ss, p->x[2]);
	kfree(&k->km, f);
	/* the progress guard (trap.c) keeps counting an instruction that
	 * faults again at once after its handler returned: a handler that
	 * fixes nothing ends after FAULT_GUARD_MAX rounds */
	if (p->guard.pc == p->pc)
		p->guard.instret = p->st.instret;
	p->sig.sleep_kind = SLEEP_NONE;
	p->sig.interrupted = false;
	k->stats.sigreturns++;
	return (int64_t)p->x[10];
}
