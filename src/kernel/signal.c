/*
 * signal.c - generating signals: the handler table, the pending sets, the
 * default actions, the system calls that send, block, wait for and time
 * signals (signals.h has the model).  Delivery - the frame on the user
 * stack and rt_sigreturn - is in signal_frame.c, above this file.
 *
 * Sources: Linux kernel/signal.c (prepare_signal, sig_ignored,
 * complete_signal, dequeue_signal, do_sigaction, do_sigaltstack),
 * kernel/time/itimer.c, signal(7) for the default actions and for which
 * calls SA_RESTART restarts.
 */
#include "signals.h"
#include "sys_poll.h"
#include "proc.h"
#include "futex.h"
#include "uaccess.h"
#include "vdso.h"

#include "abi/lx/sched.h"

#include <errno.h>
#include <string.h>

char signal_default_action(int sig)
{
	switch (sig) {
	case LX_SIGCHLD: case LX_SIGURG: case LX_SIGWINCH:
		return 'I';
	case LX_SIGCONT:
		return 'K';
	case LX_SIGSTOP: case LX_SIGTSTP: case LX_SIGTTIN: case LX_SIGTTOU:
		return 'S';
	case LX_SIGQUIT: case LX_SIGILL: case LX_SIGTRAP: case LX_SIGABRT: case LX_SIGBUS:
	case LX_SIGFPE: case LX_SIGSEGV: case LX_SIGXCPU: case LX_SIGXFSZ: case LX_SIGSYS:
		return 'C';
	default:
		return 'T';
	}
}

const char *signal_abbrev(int sig)
{
	static const char *const names[] = {
		NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
		"SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM",
		"SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN",
		"SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",
		"SIGIO", "SIGPWR", "SIGSYS",
	};
	if (sig >= 1 && sig < (int)(sizeof names / sizeof names[0]))
		return names[sig];
	return sig >= LX_SIGRTMIN && sig <= LX_NSIG ? "SIGRT" : "SIG?";
}

/* ---- pending sets -------------------------------------------------------------- */

static void pending_flush(struct kernel *k, struct sigpending *sp, uint64_t mask)
{
	for (struct sigqueue **qq = &sp->head; *qq;) {
		struct sigqueue *q = *qq;
		if (mask & sig_bit(q->info.si_signo)) {
			*qq = q->next;
			kmem_cache_free(k->sigqueue_cache, q);
		} else {
			qq = &q->next;
		}
	}
	sp->set &= ~mask;
}

/* Queues sig with info on sp: a standard signal already pending is not
 * queued twice; a real-time one is, up to SIG_QUEUE_MAX.  Without memory
 * for the record the signal is still pending, its info lost (Linux does
 * the same past RLIMIT_SIGPENDING for standard signals).  Returns 0 or
 * -EAGAIN. */
static int pending_add(struct kernel *k, struct sigpending *sp, int sig,
		       const struct lx_siginfo *info)
{
	if (sig < LX_SIGRTMIN && (sp->set & sig_bit(sig)))
		return 0;
	unsigned n = 0;
	struct sigqueue **tail = &sp->head;
	for (; *tail; tail = &(*tail)->next)
		n++;
	if (n >= SIG_QUEUE_MAX) {
		if (sig >= LX_SIGRTMIN)
			return -EAGAIN;
		sp->set |= sig_bit(sig);
		return 0;
	}
	struct sigqueue *q = kmem_cache_zalloc(k->sigqueue_cache);
	if (q) {
		if (info) {
			q->info = *info;
		} else {
			q->info.si_code = LX_SI_KERNEL;
		}
		q->info.si_signo = sig;
		*tail = q;
	}
	sp->set |= sig_bit(sig);
	return 0;
}

/* Takes the first queued instance of sig off sp into *info. */
static void pending_take(struct kernel *k, struct sigpending *sp, int sig, struct lx_siginfo *info)
{
	memset(info, 0, sizeof *info);
	info->si_signo = sig;
	info->si_code = LX_SI_USER;
	bool more = false;
	struct sigqueue **qq = &sp->head, *found = NULL;
	for (; *qq; qq = &(*qq)->next)
		if ((*qq)->info.si_signo == sig)
			break;
	if (*qq) {
		found = *qq;
		*qq = found->next;
		*info = found->info;
		kmem_cache_free(k->sigqueue_cache, found);
		for (struct sigqueue *q = *qq; q; q = q->next)
			more |= q->info.si_signo == sig;
	}
	if (!more)
		sp->set &= ~sig_bit(sig);
}

/* The signals that leave a thread at once on a fault, taken before others. */
#define SIG_SYNCHRONOUS (sig_bit(LX_SIGSEGV) | sig_bit(LX_SIGBUS) | sig_bit(LX_SIGILL) | \
			 sig_bit(LX_SIGTRAP) | sig_bit(LX_SIGFPE) | sig_bit(LX_SIGSYS))

static int pick(uint64_t set)
{
	uint64_t sync = set & SIG_SYNCHRONOUS;
	return __builtin_ctzll(sync ? sync : set) + 1;
}

int signal_dequeue(struct kernel *k, struct proc *p, uint64_t mask, struct lx_siginfo *info)
{
	uint64_t own = p->sig.pending.set & mask, shared = p->sigshared->pending.set & mask;
	if (own) {
		int sig = pick(own);
		pending_take(k, &p->sig.pending, sig, info);
		return sig;
	}
	if (shared) {
		int sig = pick(shared);
		pending_take(k, &p->sigshared->pending, sig, info);
		return sig;
	}
	return 0;
}

/* ---- life of the signal state -------------------------------------------------- */

int signal_proc_init(struct kernel *k, struct proc *p)
{
	p->sighand = kmem_cache_zalloc(k->sighand_cache);
	p->sigshared = kmem_cache_zalloc(k->sigshared_cache);
	if (!p->sighand || !p->sigshared) {
		if (p->sighand)
			kmem_cache_free(k->sighand_cache, p->sighand);
		if (p->sigshared)
			kmem_cache_free(k->sigshared_cache, p->sigshared);
		p->sighand = NULL;
		p->sigshared = NULL;
		return -ENOMEM;
	}
	p->sighand->refs = 1;
	p->sigshared->refs = 1;
	p->sig.altstack.ss_flags = LX_SS_DISABLE;
	return 0;
}

/* Disarms the group's ITIMER_REAL. */
static void timer_disarm(struct kernel *k, struct sigshared *s)
{
	if (s->real_deadline_ns) {
		s->real_deadline_ns = 0;
		k->sig_timers--;
	}
}

void signal_proc_exit(struct kernel *k, struct proc *p)
{
	pending_flush(k, &p->sig.pending, ~0ULL);
	bool last = true;
	for (struct proc *q = k->procs; q; q = q->next)
		if (q != p && q->sigshared == p->sigshared && q->state != P_ZOMBIE)
			last = false;
	if (last) {
		timer_disarm(k, p->sigshared);
		pending_flush(k, &p->sigshared->pending, ~0ULL);
	}
}

void signal_proc_free(struct kernel *k, struct proc *p)
{
	if (!p->sighand)
		return;
	pending_flush(k, &p->sig.pending, ~0ULL);
	if (--p->sighand->refs == 0)
		kmem_cache_free(k->sighand_cache, p->sighand);
	if (--p->sigshared->refs == 0) {
		timer_disarm(k, p->sigshared);
		pending_flush(k, &p->sigshared->pending, ~0ULL);
		kmem_cache_free(k->sigshared_cache, p->sigshared);
	}
	p->sighand = NULL;
	p->sigshared = NULL;
}

int signal_clone(struct kernel *k, struct proc *p, struct proc *c, uint64_t clone_flags)
{
	if (clone_flags & LX_CLONE_SIGHAND) {
		if (--c->sighand->refs == 0)
			kmem_cache_free(k->sighand_cache, c->sighand);
		c->sighand = p->sighand;
		c->sighand->refs++;
	} else {
		memcpy(c->sighand->action, p->sighand->action, sizeof c->sighand->action);
	}
	if (clone_flags & LX_CLONE_THREAD) {
		if (--c->sigshared->refs == 0)
			kmem_cache_free(k->sigshared_cache, c->sigshared);
		c->sigshared = p->sigshared;
		c->sigshared->refs++;
	}
	c->sigmask = p->sigmask;
	c->sig.altstack = p->sig.altstack;
	if ((clone_flags & (LX_CLONE_VM | 0x4000 /* CLONE_VFORK */)) == LX_CLONE_VM) {
		/* a thread on a new stack starts without the alternate stack */
		c->sig.altstack = (struct lx_stack){ 0, LX_SS_DISABLE, 0, 0 };
	}
	return 0;
}

int signal_exec(struct kernel *k, struct proc *p)
{
	if (p->sighand->refs > 1) {
		struct sighand *h = kmem_cache_zalloc(k->sighand_cache);
		if (!h)
			return -ENOMEM;
		memcpy(h->action, p->sighand->action, sizeof h->action);
		h->refs = 1;
		p->sighand->refs--;
		p->sighand = h;
	}
	for (int i = 0; i < LX_NSIG; i++) {
		struct lx_sigaction *a = &p->sighand->action[i];
		if (a->handler != LX_SIG_IGN)
			a->handler = LX_SIG_DFL;
		a->flags = 0;
		a->mask = 0;
	}
	p->sig.altstack = (struct lx_stack){ 0, LX_SS_DISABLE, 0, 0 };
	return 0;
}

/* ---- sending ------------------------------------------------------------------- */

/* Linux's sig_ignored: an unblocked signal whose action is SIG_IGN, or
 * SIG_DFL with a default of ignore (stop signals too: vmos has no job
 * control, docs/signals.md).  A blocked signal is never ignored: its
 * action may change before it is unblocked. */
static bool sig_ignored(const struct proc *p, int sig)
{
	if (p->sigmask & sig_bit(sig))
		return false;
	uint64_t h = p->sighand->action[sig - 1].handler;
	if (h == LX_SIG_IGN)
		return sig != LX_SIGKILL && sig != LX_SIGSTOP;
	if (h != LX_SIG_DFL)
		return false;
	char d = signal_default_action(sig);
	return d == 'I' || d == 'K' || d == 'S';
}

/* Will sig, delivered to t, end its process (SIGKILL, or a default action
 * that terminates, with no handler)? */
static bool sig_fatal(const struct proc *t, int sig)
{
	if (sig == LX_SIGKILL)
		return true;
	if (t->sighand->action[sig - 1].handler != LX_SIG_DFL)
		return false;
	char d = signal_default_action(sig);
	return d == 'T' || d == 'C';
}

/* Wakes t if it sleeps in an interruptible call and can take sig (in a
 * killable one, only if sig ends it). */
static void signal_wake(struct kernel *k, struct proc *t, int sig)
{
	if (t->state != P_SLEEPING)
		return;
	if (t->sig.wait_set & sig_bit(sig)) {
		/* rt_sigtimedwait or a signalfd's read: the call re-runs and
		 * takes it */
		waitq_remove(t);
		proc_make_runnable(k, t);
		return;
	}
	if (t->sigmask & sig_bit(sig))
		return;
	if (t->sig.sleep_kind == SLEEP_NONE)
		return;
	if (t->sig.sleep_kind == SLEEP_KILLABLE && !sig_fatal(t, sig))
		return;
	t->sig.interrupted = true;
	waitq_remove(t);               /* off the pipe's or wait4's queue */
	futex_cancel(k, t);            /* off the futex */
	proc_make_runnable(k, t);
}

void signal_info_user(struct lx_siginfo *info, int sig, int code, const struct proc *from)
{
	memset(info, 0, sizeof *info);
	info->si_signo = sig;
	info->si_code = code;
	info->u.kill.pid = from ? (int32_t)from->pid : 0;
	info->u.kill.uid = 0;
}

int signal_send_group(struct kernel *k, struct proc *p, int sig, const struct lx_siginfo *info)
{
	if (sig == 0 || p->state == P_ZOMBIE)
		return 0;
	if (sig_ignored(p, sig))
		return 0;
	/* SIGKILL too is queued (it cannot be blocked): the group ends when a
	 * thread next returns to user mode (signal_deliver), at once for the
	 * caller itself */
	int rc = pending_add(k, &p->sigshared->pending, sig, info);
	if (rc < 0)
		return rc;
	/* wake p if it can take it, else another thread of the group */
	if (!(p->sigmask & sig_bit(sig))) {
		signal_wake(k, p, sig);
	} else {
		for (struct proc *q = k->procs; q; q = q->next)
			if (q->sigshared == p->sigshared && q->state == P_SLEEPING &&
			    (!(q->sigmask & sig_bit(sig)) || (q->sig.wait_set & sig_bit(sig)))) {
				signal_wake(k, q, sig);
				break;
			}
	}
	/* a signalfd may be readable now; after signal_wake, so that a poller
	 * the signal interrupts is woken as interrupted (EINTR) */
	poll_wake_all(k);
	return 0;
}

int signal_send_thread(struct kernel *k, struct proc *p, int sig, const struct lx_siginfo *info)
{
	if (sig == 0 || p->state == P_ZOMBIE)
		return 0;
	if (sig_ignored(p, sig))
		return 0;
	int rc = pending_add(k, &p->sig.pending, sig, info);
	if (rc == 0) {
		signal_wake(k, p, sig);
		poll_wake_all(k);          /* a signalfd may be readable now (after: EINTR first) */
	}
	return rc;
}

bool signal_fault(struct kernel *k, struct proc *p, int sig, int code, uint64_t addr)
{
	uint64_t h = p->sighand->action[sig - 1].handler;
	if (h == LX_SIG_DFL || h == LX_SIG_IGN || (p->sigmask & sig_bit(sig)))
		return false;
	struct lx_siginfo info;
	memset(&info, 0, sizeof info);
	info.si_signo = sig;
	info.si_code = code;
	info.u.fault.addr = addr;
	if (pending_add(k, &p->sig.pending, sig, &info) < 0)
		return false;
	k->stats.faults_user_handled++;
	p->st.faults_user_handled++;
	return true;
}

bool signal_child_exit(struct kernel *k, struct proc *parent, struct proc *c)
{
	if (!parent || parent->state == P_ZOMBIE || !parent->sighand)
		return false;
	const struct lx_sigaction *a = &parent->sighand->action[LX_SIGCHLD - 1];
	bool nowait = a->handler == LX_SIG_IGN || (a->flags & LX_SA_NOCLDWAIT);
	struct lx_siginfo info;
	memset(&info, 0, sizeof info);
	info.si_signo = LX_SIGCHLD;
	info.si_code = c->term_signal ? LX_CLD_KILLED : LX_CLD_EXITED;
	info.u.chld.pid = (int32_t)c->pid;
	info.u.chld.status = c->term_signal ? c->term_signal : c->exit_code;
	info.u.chld.utime = (int64_t)(c->res.utime_ns / (1000000000ULL / LX_USER_HZ));
	info.u.chld.stime = (int64_t)(c->res.stime_ns / (1000000000ULL / LX_USER_HZ));
	signal_send_group(k, parent, LX_SIGCHLD, &info);
	return nowait;
}

/* ---- system calls: sending ------------------------------------------------------ */

int64_t sys_kill(struct kernel *k, struct proc *p, int64_t pid, int sig)
{
	if (sig < 0 || sig > LX_NSIG)
		return -EINVAL;
	struct lx_siginfo info;
	signal_info_user(&info, sig, LX_SI_USER, p);
	if (pid > 0) {
		struct proc *t = proc_find_peer(k, p, (uint32_t)pid);
		if (!t)
			return -ESRCH;
		return signal_send_group(k, t, sig, &info);
	}
	/* a process group (0: the caller's, -N: group N) or -1: every process
	 * the caller may signal, which in vmos is its own program tree, but
	 * itself; never a process of another tree (isolation) */
	if (pid == INT32_MIN)
		return -ESRCH;
	uint32_t pgid = pid == 0 ? p->pgid : (uint32_t)-pid;
	bool found = false;
	struct proc *self = NULL;
	for (struct proc *t = k->procs, *next; t; t = next) {
		next = t->next;
		if (t->tree != p->tree || t->state == P_ZOMBIE || (pid != -1 && t->pgid != pgid))
			continue;
		if (t->pid != t->tgid) {       /* a group is signalled once, through its leader */
			struct proc *l = proc_find(k, t->tgid);
			if (l && l->state != P_ZOMBIE)
				continue;
		}
		if (t == p) {
			if (pid != -1)
				self = p;      /* last: it may end */
			found = true;
			continue;
		}
		found = true;
		signal_send_group(k, t, sig, &info);
	}
	if (self)
		signal_send_group(k, self, sig, &info);
	return found ? 0 : -ESRCH;
}

int64_t sys_tkill(struct kernel *k, struct proc *p, int64_t tid, int sig)
{
	if (tid <= 0 || sig < 0 || sig > LX_NSIG)
		return -EINVAL;
	struct proc *t = proc_find_peer(k, p, (uint32_t)tid);
	if (!t || t->state == P_ZOMBIE)
		return -ESRCH;
	struct lx_siginfo info;
	signal_info_user(&info, sig, LX_SI_TKILL, p);
	return signal_send_thread(k, t, sig, &info);
}

int64_t sys_tgkill(struct kernel *k, struct proc *p, int64_t tgid, int64_t tid, int sig)
{
	if (tgid <= 0 || tid <= 0 || sig < 0 || sig > LX_NSIG)
		return -EINVAL;
	struct proc *t = proc_find_peer(k, p, (uint32_t)tid);
	if (!t || t->state == P_ZOMBIE || t->tgid != (uint64_t)tgid)
		return -ESRCH;
	struct lx_siginfo info;
	signal_info_user(&info, sig, LX_SI_TKILL, p);
	return signal_send_thread(k, t, sig, &info);
}

/* ---- system calls: actions and masks -------------------------------------------- */

#define SA_KNOWN (LX_SA_NOCLDSTOP | LX_SA_NOCLDWAIT | LX_SA_SIGINFO | LX_SA_ONSTACK | \
		  LX_SA_RESTART | LX_SA_NODEFER | LX_SA_RESETHAND)

/* rt_sigaction(2), Linux's order of checks: sigsetsize 8 (EINVAL), act
 * read (EFAULT), the signal 1..64 and not SIGKILL or SIGSTOP when act is
 * given (EINVAL), oact written (EFAULT).  Flags the kernel does not know
 * are dropped (they read back cleared, as on Linux since 5.11).  Setting
 * an action that ignores the signal discards it where it is pending. */
int64_t sys_rt_sigaction(struct kernel *k, struct proc *p, int sig, uint64_t act,
			 uint64_t oact, uint64_t sigsetsize)
{
	struct lx_sigaction sa, old;
	if (sigsetsize != 8)
		return -EINVAL;
	if (act && copyin(k, p, &sa, act, sizeof sa) < 0)
		return -EFAULT;
	if (sig < 1 || sig > LX_NSIG || (act && (sig == LX_SIGKILL || sig == LX_SIGSTOP)))
		return -EINVAL;
	old = p->sighand->action[sig - 1];
	if (act) {
		sa.flags &= SA_KNOWN;
		sa.mask &= ~SIG_UNBLOCKABLE;
		p->sighand->action[sig - 1] = sa;
		char d = signal_default_action(sig);
		if (sa.handler == LX_SIG_IGN ||
		    (sa.handler == LX_SIG_DFL && (d == 'I' || d == 'K' || d == 'S'))) {
			pending_flush(k, &p->sigshared->pending, sig_bit(sig));
			for (struct proc *q = k->procs; q; q = q->next)
				if (q->sigshared == p->sigshared)
					pending_flush(k, &q->sig.pending, sig_bit(sig));
		}
	}
	if (oact && copyout(k, p, oact, &old, sizeof old) < 0)
		return -EFAULT;
	return 0;
}

/* rt_sigprocmask(2): sigsetsize 8 (EINVAL), set read (EFAULT), how
 * SIG_BLOCK/UNBLOCK/SETMASK when set is given (EINVAL), oldset written
 * (EFAULT).  SIGKILL and SIGSTOP cannot be blocked.  Signals it unblocks
 * are delivered before the call returns to the program. */
int64_t sys_rt_sigprocmask(struct kernel *k, struct proc *p, int how, uint64_t uset,
			   uint64_t uoldset, uint64_t sigsetsize)
{
	if (sigsetsize != 8)
		return -EINVAL;
	uint64_t old = p->sigmask, set;
	if (uset) {
		if (copyin(k, p, &set, uset, sizeof set) < 0)
			return -EFAULT;
		set &= ~SIG_UNBLOCKABLE;
		switch (how) {
		case LX_SIG_BLOCK: p->sigmask |= set; break;
		case LX_SIG_UNBLOCK: p->sigmask &= ~set; break;
		case LX_SIG_SETMASK: p->sigmask = set; break;
		default: return -EINVAL;
		}
	}
	if (uoldset && copyout(k, p, uoldset, &old, sizeof old) < 0)
		return -EFAULT;
	return 0;
}

/* rt_sigpending(2): the pending signals that are blocked. */
int64_t sys_rt_sigpending(struct kernel *k, struct proc *p, uint64_t uset, uint64_t sigsetsize)
{
	if (sigsetsize > 8)
		return -EINVAL;
	uint64_t set = (p->sig.pending.set | p->sigshared->pending.set) & p->sigmask;
	return copyout(k, p, uset, &set, (size_t)sigsetsize) < 0 ? -EFAULT : 0;
}

/* Puts p to sleep in a call that a signal ends with EINTR, for ns
 * nanoseconds (~0: until a signal).  If a signal is deliverable already,
 * p does not sleep: the call ends at once. */
static void sleep_eintr(struct kernel *k, struct proc *p, uint64_t ns)
{
	if (ns == ~0ULL) {
		p->state = P_SLEEPING;
		p->wake_time_ns = ~0ULL;
	} else {
		proc_sleep(k, p, ns);
	}
	p->sig.sleep_kind = SLEEP_EINTR;
	if (signal_deliverable(p)) {
		p->sig.interrupted = true;
		p->state = P_RUNNABLE;   /* never left the CPU: the scheduler resumes it */
	}
}

/* rt_sigsuspend(2): waits with the given mask until a signal is delivered;
 * always -EINTR.  The old mask comes back when the handler returns. */
int64_t sys_rt_sigsuspend(struct kernel *k, struct proc *p, uint64_t uset, uint64_t sigsetsize)
{
	uint64_t set;
	if (sigsetsize != 8)
		return -EINVAL;
	if (copyin(k, p, &set, uset, sizeof set) < 0)
		return -EFAULT;
	p->sig.saved_mask = p->sigmask;
	p->sig.restore_mask = true;
	p->sigmask = set & ~SIG_UNBLOCKABLE;
	p->sig.sleep_rem = 0;
	sleep_eintr(k, p, ~0ULL);
	return -EINTR;
}

/* rt_sigtimedwait(2) (sigwait, sigwaitinfo, sigtimedwait): takes a
 * pending signal of set (SIGKILL and SIGSTOP left out) - the lowest,
 * synchronous ones first, as delivery picks - and returns its number, its
 * siginfo written to uinfo (if not 0).  With none pending it sleeps until
 * one comes (sig.wait_set: signal_wake wakes the thread for a signal of
 * set even while the mask blocks it, as sigwait's signals are), the
 * timeout passes (EAGAIN; a zero timeout polls) or a handler runs for
 * another signal (EINTR, SA_RESTART or not: SLEEP_NOHAND).  The deadline
 * waits in p->sys_wait across the ecall's re-runs. */
int64_t sys_rt_sigtimedwait(struct kernel *k, struct proc *p, uint64_t uset, uint64_t uinfo,
			    uint64_t utimeout, uint64_t sigsetsize)
{
	uint64_t set;
	if (sigsetsize != 8)
		return -EINVAL;
	if (copyin(k, p, &set, uset, sizeof set) < 0)
		return -EFAULT;
	set &= ~SIG_UNBLOCKABLE;
	if (!p->sys_wait) {                    /* the first run: the deadline */
		uint64_t ns = ~0ULL;
		if (utimeout) {
			int rc = copyin_timespec_ns(k, p, utimeout, &ns);
			if (rc < 0)
				return rc;
		}
		p->sys_wait = ns == ~0ULL ? ~0ULL : host_monotonic_ns() + ns;
	}
	struct lx_siginfo info;
	int sig = signal_dequeue(k, p, set, &info);
	if (sig) {
		if (uinfo && copyout(k, p, uinfo, &info, sizeof info) < 0)
			return -EFAULT;
		return sig;
	}
	uint64_t now = host_monotonic_ns();
	if (p->sys_wait <= now)
		return -EAGAIN;
	p->pc -= 4;                            /* re-run the ecall when woken */
	p->state = P_SLEEPING;
	p->wake_time_ns = p->sys_wait;
	p->sig.sleep_kind = SLEEP_NOHAND;
	p->sig.sleep_rem = 0;
	p->sig.wait_set = set;
	if (signal_deliverable(p)) {           /* a handler is due: EINTR at once */
		p->sig.interrupted = true;
		p->state = P_RUNNABLE;
	}
	return 0;
}

/* sigaltstack(2), Linux's do_sigaltstack: ss read (EFAULT); changing it
 * while running on it EPERM; a mode other than 0, SS_ONSTACK or
 * SS_DISABLE (with SS_AUTODISARM allowed) EINVAL; a size below
 * MINSIGSTKSZ ENOMEM; the old one written (EFAULT). */
static bool on_altstack(const struct proc *p, uint64_t sp)
{
	const struct lx_stack *a = &p->sig.altstack;
	if ((uint32_t)a->ss_flags & LX_SS_AUTODISARM)
		return false;
	return a->ss_size && sp > a->ss_sp && sp - a->ss_sp <= a->ss_size;
}

int32_t signal_altstack_flags(const struct proc *p, uint64_t sp)
{
	const struct lx_stack *a = &p->sig.altstack;
	if (!a->ss_size)
		return LX_SS_DISABLE;
	return (on_altstack(p, sp) ? LX_SS_ONSTACK : 0) | (int32_t)((uint32_t)a->ss_flags & LX_SS_AUTODISARM);
}

bool signal_on_altstack(const struct proc *p, uint64_t sp)
{
	return on_altstack(p, sp);
}

int signal_set_altstack(struct proc *p, const struct lx_stack *ss, uint64_t sp)
{
	if (on_altstack(p, sp))
		return -EPERM;
	uint32_t mode = (uint32_t)ss->ss_flags & ~LX_SS_AUTODISARM;
	if (mode != LX_SS_DISABLE && mode != LX_SS_ONSTACK && mode != 0)
		return -EINVAL;
	if (mode == LX_SS_DISABLE) {
		p->sig.altstack = (struct lx_stack){ 0, LX_SS_DISABLE, 0, 0 };
		return 0;
	}
	if (ss->ss_size < LX_MINSIGSTKSZ)
		return -ENOMEM;
	p->sig.altstack = (struct lx_stack){ ss->ss_sp,
		(int32_t)((uint32_t)ss->ss_flags & LX_SS_AUTODISARM), 0, ss->ss_size };
	return 0;
}

int64_t sys_sigaltstack(struct kernel *k, struct proc *p, uint64_t uss, uint64_t uoss)
{
	struct lx_stack old = p->sig.altstack, ss;
	old.ss_flags = signal_altstack_flags(p, p->x[2]);
	old.pad = 0;
	if (uss) {
		if (copyin(k, p, &ss, uss, sizeof ss) < 0)
			return -EFAULT;
		int rc = signal_set_altstack(p, &ss, p->x[2]);
		if (rc < 0)
			return rc;
	}
	if (uoss && copyout(k, p, uoss, &old, sizeof old) < 0)
		return -EFAULT;
	return 0;
}

/* ---- timers and sleeping ---------------------------------------------------------- */

uint64_t signal_timers_run(struct kernel *k, uint64_t now)
{
	uint64_t first = ~0ULL;
	for (struct proc *q = k->procs; q && k->sig_timers; q = q->next) {
		struct sigshared *s = q->sigshared;
		if (!s || !s->real_deadline_ns || q->state == P_ZOMBIE)
			continue;
		if (s->real_deadline_ns <= now) {
			if (s->real_interval_ns) {
				s->real_deadline_ns += s->real_interval_ns;
				if (s->real_deadline_ns <= now)
					s->real_deadline_ns = now + s->real_interval_ns;
			} else {
				timer_disarm(k, s);
			}
			signal_send_group(k, q, LX_SIGALRM, NULL);
		}
		if (s->real_deadline_ns && s->real_deadline_ns < first)
			first = s->real_deadline_ns;
	}
	return first;
}

static int tv_to_ns(const struct lx_timeval *tv, uint64_t *ns)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return -EINVAL;
	const uint64_t cap = 1ULL << 62;
	*ns = (uint64_t)tv->tv_sec >= cap / 1000000000ULL ? cap :
	      (uint64_t)tv->tv_sec * 1000000000ULL + (uint64_t)tv->tv_usec * 1000ULL;
	return 0;
}

static struct lx_timeval ns_to_tv_up(uint64_t ns)
{
	uint64_t us = (ns + 999) / 1000;
	return (struct lx_timeval){ (int64_t)(us / 1000000), (int64_t)(us % 1000000) };
}

/* The group's ITIMER_REAL as an itimerval: the time left (at least 1 us
 * while armed, as Linux reports it) and the interval. */
static struct lx_itimerval timer_get(struct sigshared *s)
{
	struct lx_itimerval v;
	memset(&v, 0, sizeof v);
	if (s->real_deadline_ns) {
		uint64_t now = vdso_monotonic_ns(), left = s->real_deadline_ns > now ?
			s->real_deadline_ns - now : 1000;
		v.it_value = ns_to_tv_up(left);
	}
	v.it_interval = ns_to_tv_up(s->real_interval_ns);
	return v;
}

/* setitimer(2) for ITIMER_REAL on the host's monotonic clock (the clock
 * nanosleep sleeps on); ITIMER_VIRTUAL and ITIMER_PROF are EINVAL here
 * (not implemented).  A NULL new value disarms, as Linux does. */
int64_t sys_setitimer(struct kernel *k, struct proc *p, int which, uint64_t uvalue, uint64_t uovalue)
{
	struct lx_itimerval nv, ov;
	memset(&nv, 0, sizeof nv);
	if (uvalue && copyin(k, p, &nv, uvalue, sizeof nv) < 0)
		return -EFAULT;
	if (which != LX_ITIMER_REAL)
		return -EINVAL;
	uint64_t value, interval;
	if (tv_to_ns(&nv.it_value, &value) < 0 || tv_to_ns(&nv.it_interval, &interval) < 0)
		return -EINVAL;
	struct sigshared *s = p->sigshared;
	ov = timer_get(s);
	timer_disarm(k, s);
	s->real_interval_ns = interval;
	if (value) {
		s->real_deadline_ns = vdso_monotonic_ns() + value;
		k->sig_timers++;
	}
	if (uovalue && copyout(k, p, uovalue, &ov, sizeof ov) < 0)
		return -EFAULT;
	return 0;
}

int64_t sys_getitimer(struct kernel *k, struct proc *p, int which, uint64_t uvalue)
{
	if (which != LX_ITIMER_REAL)
		return -EINVAL;
	struct lx_itimerval v = timer_get(p->sigshared);
	return copyout(k, p, uvalue, &v, sizeof v) < 0 ? -EFAULT : 0;
}

/* nanosleep(2): EFAULT, or EINVAL for a negative or out-of-range field.
 * A sleep longer than 2^62 ns (146 years) is cut to that.  A signal ends
 * it with EINTR and the time left in rem (signal_frame.c). */
int64_t sys_nanosleep(struct kernel *k, struct proc *p, uint64_t req, uint64_t rem)
{
	uint64_t ns;
	int rc = copyin_timespec_ns(k, p, req, &ns);
	if (rc < 0)
		return rc;
	p->sig.sleep_rem = rem;
	sleep_eintr(k, p, ns);
	return 0;
}

/* clock_nanosleep(2): CLOCK_REALTIME, MONOTONIC, BOOTTIME (others EINVAL;
 * the CPU-time clocks are not supported); TIMER_ABSTIME sleeps until the
 * clock reads req; the result is the error number itself, negated as the
 * raw syscall returns it. */
int64_t sys_clock_nanosleep(struct kernel *k, struct proc *p, int clk, int flags, uint64_t req,
			    uint64_t rem)
{
	if (clk != 0 && clk != 1 && clk != 7)
		return clk == 2 || clk == 3 ? -EOPNOTSUPP : -EINVAL;
	uint64_t ns;
	int rc = copyin_timespec_ns(k, p, req, &ns);
	if (rc < 0)
		return rc;
	if (flags & 1) {           /* TIMER_ABSTIME */
		uint64_t now = vdso_clock_ns(k, clk);
		ns = ns > now ? ns - now : 0;
		rem = 0;
	}
	p->sig.sleep_rem = rem;
	sleep_eintr(k, p, ns);
	return 0;
}
