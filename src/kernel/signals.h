/*
 * signals.h - POSIX signals as Linux implements them (kernel/signal.c,
 * arch/riscv/kernel/signal.c), split the way Linux splits them so that
 * threads fit:
 *
 *   per thread (struct proc)     the blocked mask (p->sigmask), a private
 *                                pending set (p->sig.pending: tkill, tgkill,
 *                                faults), the alternate stack, the mask
 *                                saved by rt_sigsuspend
 *   per thread group             struct sigshared (Linux's signal_struct):
 *     (p->sigshared)             the shared pending set (kill), ITIMER_REAL;
 *                                shared under CLONE_THREAD
 *   per handler table            struct sighand: the 64 actions, shared
 *     (p->sighand)               under CLONE_SIGHAND, refcounted
 *
 * clone with CLONE_SIGHAND or CLONE_THREAD shares the structures through
 * signal_clone (thread.c, fork.c).
 *
 * A signal is generated (signal_send*: queued in a pending set, with its
 * siginfo; a standard signal already pending is not queued twice, a
 * real-time one is queued up to SIG_QUEUE_MAX), then delivered when the
 * thread next returns to user mode (signal_deliver, called by the
 * scheduler before it loads the registers): the lowest-numbered unblocked
 * pending signal, synchronous ones (SEGV BUS ILL TRAP FPE SYS) first, is
 * ignored, takes its default action (terminate, terminate with "core",
 * ignore; stop and continue are approximated, docs/signals.md) or runs its
 * handler on a frame pushed on the user stack (signal_frame.c).  Signals a
 * thread ignores are discarded when sent, as Linux does, so they never
 * wake it.
 *
 * Blocking system calls are interruptible.  A thread asleep in one is
 * woken by a signal it will handle (or die of), and what its call returns
 * depends on how it slept:
 *   SLEEP_RESTART  (proc_block_restart: wait4, pipes, futexes) the ecall
 *                  re-runs after the handler if it has SA_RESTART, else the
 *                  call fails with EINTR (Linux's -ERESTARTSYS)
 *   SLEEP_NOHAND   (ppoll, pselect6: the pc is still on its ecall) the call
 *                  fails with EINTR whenever a handler runs, SA_RESTART or not
 *                  (Linux's -ERESTARTNOHAND), and re-runs otherwise
 *   SLEEP_EINTR    (nanosleep, pause, rt_sigsuspend, rt_sigtimedwait) the
 *                  call fails with EINTR, SA_RESTART or not (-ERESTARTNOHAND)
 *   SLEEP_REWIND   (FUTEX_WAIT without a timeout, a FIFO's blocking open:
 *                  a0 already holds a result) like SLEEP_RESTART, but a
 *                  restart puts the pc back on the ecall and a0 back to
 *                  sig.restart_a0 first; a descriptor the call installed
 *                  (sig.undo_fd: the FIFO's) is closed first, EINTR or re-run
 *   SLEEP_KILLABLE (a vfork parent: waitq_sleep_done) only a
 *                  signal that will end the process wakes it (SIGKILL, or
 *                  one left to a default action that terminates), as
 *                  Linux's killable waits
 * A timed FUTEX_WAIT sleeps SLEEP_EINTR: Linux restarts it through
 * restart_syscall only when no handler runs (-ERESTART_RESTARTBLOCK), which
 * here is never: a signal that runs no handler does not wake a sleeper.
 */
#ifndef VMOS_KERNEL_SIGNALS_H
#define VMOS_KERNEL_SIGNALS_H

#include "kernel.h"
#include "abi/linux_abi.h"
#include "abi/lx/signal.h"

#define SIG_QUEUE_MAX 64           /* queued real-time signals per pending set */

/* The bit of signal sig (1..64) in a mask. */
static inline uint64_t sig_bit(int sig) { return 1ULL << (sig - 1); }

/* Signals that can be neither caught, blocked nor ignored. */
#define SIG_UNBLOCKABLE (sig_bit(LX_SIGKILL) | sig_bit(LX_SIGSTOP))

/* One queued signal (slab cache "sigqueue"). */
struct sigqueue {
	struct sigqueue *next;
	struct lx_siginfo info;
};

/* A set of pending signals with their siginfo, in arrival order. */
struct sigpending {
	uint64_t set;
	struct sigqueue *head;
};

/* The handler table (slab cache "sighand"). */
struct sighand {
	int refs;                      /* threads sharing it (CLONE_SIGHAND) */
	struct lx_sigaction action[LX_NSIG];   /* action[sig - 1] */
};

/* What a thread group shares (slab cache "sigshared"; Linux's
 * signal_struct). */
struct sigshared {
	int refs;                      /* threads in the group */
	struct sigpending pending;     /* kill(): for any thread of the group */
	uint64_t real_deadline_ns;     /* ITIMER_REAL: next expiry (host monotonic ns), 0 = disarmed */
	uint64_t real_interval_ns;     /* ITIMER_REAL: reload value, 0 = one shot */
};

/* How a blocked thread's system call ends when a signal wakes it. */
enum sleep_kind { SLEEP_NONE, SLEEP_RESTART, SLEEP_NOHAND, SLEEP_EINTR, SLEEP_REWIND,
		  SLEEP_KILLABLE };

/* A thread's own signal state (struct proc, field sig).  The blocked mask
 * is p->sigmask. */
struct sigthread {
	struct sigpending pending;     /* tkill/tgkill, faults: for this thread only */
	struct lx_stack altstack;      /* sigaltstack; ss_flags holds SS_DISABLE or SS_AUTODISARM */
	uint64_t saved_mask;           /* the mask to restore after rt_sigsuspend's handler */
	bool restore_mask;             /* saved_mask is valid */
	uint8_t sleep_kind;            /* enum sleep_kind of the call it is blocked in */
	bool interrupted;              /* a signal woke it: signal_deliver ends the call */
	uint64_t sleep_rem;            /* nanosleep, ppoll, pselect6: where to write the time
	                                  left when a signal ends the call, or 0 */
	uint64_t restart_a0;           /* SLEEP_REWIND: a0 for the ecall's re-run */
	uint64_t wait_set;             /* rt_sigtimedwait: the signals it waits for (0: none) */
	int32_t undo_fd;               /* SLEEP_REWIND: a descriptor the call installed */
	const void *undo_file;         /* (its struct file) to close before the EINTR or
	                                  re-run, or -1 and NULL */
};

/* Sets up p's signal state at creation: its own handler table (all
 * SIG_DFL) and thread group.  Returns 0 or -ENOMEM. */
int signal_proc_init(struct kernel *k, struct proc *p);
/* At p's exit (proc_exit): frees its own pending signals; if it was the
 * last live thread of its group, disarms the group's timer and frees the
 * group's pending signals. */
void signal_proc_exit(struct kernel *k, struct proc *p);
/* Drops p's references to its handler table and group and frees its
 * pending signals (at reap). */
void signal_proc_free(struct kernel *k, struct proc *p);
/* clone/fork: child c gets parent p's actions (shared under CLONE_SIGHAND,
 * copied otherwise), blocked mask and alternate stack, and joins p's
 * thread group under CLONE_THREAD.  Pending signals are not inherited.
 * c must come from proc_create (its own fresh state, which this replaces
 * when sharing).  Returns 0. */
int signal_clone(struct kernel *k, struct proc *p, struct proc *c, uint64_t clone_flags);
/* execve: caught signals go back to SIG_DFL (ignored ones stay ignored),
 * the alternate stack is dropped; the mask and pending signals stay.  A
 * shared handler table is unshared first.  Returns 0 or -ENOMEM. */
int signal_exec(struct kernel *k, struct proc *p);

/* Sends sig with info to p's thread group (kill): queued on the shared
 * pending set and a thread that does not block it is woken.  info may be
 * NULL (SI_KERNEL).  Ignored signals are discarded.  SIGKILL ends the
 * group at once.  Returns 0 or -EAGAIN (real-time queue full). */
int signal_send_group(struct kernel *k, struct proc *p, int sig, const struct lx_siginfo *info);
/* The same for one thread (tkill, tgkill, a fault): its private set. */
int signal_send_thread(struct kernel *k, struct proc *p, int sig, const struct lx_siginfo *info);
/* A siginfo for a signal sent by process `from` (kill: SI_USER, tkill:
 * SI_TKILL). */
void signal_info_user(struct lx_siginfo *info, int sig, int code, const struct proc *from);

/* A synchronous fault of p (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE) with
 * si_code and si_addr.  If p has a handler for sig and does not block it,
 * the signal is queued for p and true is returned: the handler runs at the
 * faulting instruction (counted in stats as a user-handled fault).
 * Otherwise false: the caller kills p with its one-line report (Linux's
 * force_sig_fault resets a blocked or ignored fault signal to its default
 * action, which kills). */
bool signal_fault(struct kernel *k, struct proc *p, int sig, int code, uint64_t addr);

/* A child c of p's ended: SIGCHLD to its parent (CLD_EXITED or CLD_KILLED).
 * Returns true if the parent asked not to keep zombies (SIGCHLD set to
 * SIG_IGN, or SA_NOCLDWAIT): c is then to be reaped by the kernel. */
bool signal_child_exit(struct kernel *k, struct proc *parent, struct proc *c);

/* signal_deliverable(p), inline in proc.h: the signals pending for p (its
 * own or its group's) that it does not block; the scheduler asks before
 * every return to user mode. */

/* Ends p's group with sig as its default action would (terminate): the
 * exit status says "killed by sig". */
void signal_kill_group(struct kernel *k, struct proc *p, int sig);

/* Takes the next signal deliverable to p off its pending sets into *info
 * (the lowest-numbered, synchronous ones first).  Returns the signal, or
 * 0 if none is deliverable.  mask: the signals to consider. */
int signal_dequeue(struct kernel *k, struct proc *p, uint64_t mask, struct lx_siginfo *info);

/* The default action of sig: 'T' terminate, 'C' terminate with core,
 * 'I' ignore, 'S' stop, 'K' continue. */
char signal_default_action(int sig);

/* The name of sig ("SIGSEGV"), or "SIG?" */
const char *signal_abbrev(int sig);

/* ITIMER_REAL: fires every expired timer (SIGALRM) at host monotonic time
 * now_ns, and returns the earliest deadline still armed (~0 if none).
 * k->sig_timers counts the armed timers (0: nothing to do). */
uint64_t signal_timers_run(struct kernel *k, uint64_t now_ns);

/* The alternate stack: sigaltstack's ss_flags for a thread at sp
 * (SS_DISABLE, SS_ONSTACK, with SS_AUTODISARM kept); whether sp is on it;
 * setting it as sigaltstack does (0, -EPERM on it, -EINVAL bad mode,
 * -ENOMEM too small). */
int32_t signal_altstack_flags(const struct proc *p, uint64_t sp);
bool signal_on_altstack(const struct proc *p, uint64_t sp);
int signal_set_altstack(struct proc *p, const struct lx_stack *ss, uint64_t sp);


/* System calls (signal.c). */
int64_t sys_kill(struct kernel *k, struct proc *p, int64_t pid, int sig);
int64_t sys_tkill(struct kernel *k, struct proc *p, int64_t tid, int sig);
int64_t sys_tgkill(struct kernel *k, struct proc *p, int64_t tgid, int64_t tid, int sig);
int64_t sys_rt_sigaction(struct kernel *k, struct proc *p, int sig, uint64_t act,
			 uint64_t oact, uint64_t sigsetsize);
int64_t sys_rt_sigprocmask(struct kernel *k, struct proc *p, int how, uint64_t set,
			   uint64_t oldset, uint64_t sigsetsize);
int64_t sys_rt_sigpending(struct kernel *k, struct proc *p, uint64_t set, uint64_t sigsetsize);
int64_t sys_rt_sigsuspend(struct kernel *k, struct proc *p, uint64_t set, uint64_t sigsetsize);
int64_t sys_rt_sigtimedwait(struct kernel *k, struct proc *p, uint64_t set, uint64_t info,
			    uint64_t timeout, uint64_t sigsetsize);
int64_t sys_sigaltstack(struct kernel *k, struct proc *p, uint64_t ss, uint64_t oss);
int64_t sys_setitimer(struct kernel *k, struct proc *p, int which, uint64_t value, uint64_t ovalue);
int64_t sys_getitimer(struct kernel *k, struct proc *p, int which, uint64_t value);
/* nanosleep, interruptible (SLEEP_EINTR, the time left written to rem). */
int64_t sys_nanosleep(struct kernel *k, struct proc *p, uint64_t req, uint64_t rem);
int64_t sys_clock_nanosleep(struct kernel *k, struct proc *p, int clk, int flags, uint64_t req,
			    uint64_t rem);

/* signal_frame.c: delivery and return. */

/* Delivers p's deliverable signals: default actions, ignored ones, and a
 * frame per handled one (nested: the last one's handler runs first), and
 * ends an interrupted system call (EINTR or restart).  Called with p's
 * registers in p (not yet loaded into the CPU).  p may end (a default
 * action, or a frame that cannot be written: SIGSEGV). */
void signal_deliver(struct kernel *k, struct proc *p);
/* rt_sigreturn: restores the registers, FP state, mask and alternate stack
 * from the frame at sp.  A frame that cannot be read or is malformed kills
 * p with SIGSEGV.  Returns p's restored a0 (so the dispatcher's store of
 * the result changes nothing). */
int64_t sys_rt_sigreturn(struct kernel *k, struct proc *p);

#endif
