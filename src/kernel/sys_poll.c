/*
 * sys_poll.c - ppoll and pselect6: wait until one of a set of descriptors
 * is ready, a timeout passes or a signal comes (Linux semantics,
 * qemu-riscv64 as the reference; glibc's poll, select and pselect all
 * come here).
 *
 * Readiness is each file's poll hook (fs/vfs.h): a pipe's ring and its
 * other end, the host's input for the console.  Regular files, directories
 * and files without a hook are always ready to read and write (Linux's
 * DEFAULT_POLLMASK).  A call that finds nothing ready sleeps on
 * k->poll_wait, which every change of a pipe wakes (fs/pipe.c); woken, its
 * ecall re-runs and looks again (waitq.h).  Its deadline, fixed when the
 * call first runs, waits in p->sys_wait.  The host's input changes without
 * a kernel event, so a call waiting for it looks again every
 * POLL_RECHECK_NS (the file's poll_by_timer).
 *
 * A signal ends the wait with EINTR whether or not its handler has
 * SA_RESTART (SLEEP_NOHAND, Linux's -ERESTARTNOHAND); the time left is
 * written back to the timeout, on every return, as Linux does.  The
 * sigmask argument is in force during the call and, when a handler
 * interrupts it, until that handler returns (as with rt_sigsuspend).
 */
#include "sys_poll.h"
#include "fs/vfs.h"
#include "proc.h"
#include "signals.h"
#include "uaccess.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#define POLL_RECHECK_NS 10000000ULL     /* 10 ms */
#define POLL_CHUNK      256             /* pollfds copied in at a time */

/* Linux's POLLIN_SET, POLLOUT_SET and POLLEX_SET (fs/select.c). */
#define SEL_IN  (LX_POLLIN | LX_POLLRDNORM | LX_POLLRDBAND | LX_POLLHUP | LX_POLLERR)
#define SEL_OUT (LX_POLLOUT | LX_POLLWRNORM | LX_POLLWRBAND | LX_POLLERR)
#define SEL_EX  LX_POLLPRI

/* The poll bits of file f now, as Linux's values.  *wake is lowered to
 * the host time (host_monotonic_ns) at which f's readiness may change
 * with no kernel event to wake a sleeper: the next look at the host's
 * input (poll_by_timer), a timer's expiry (poll_wake). */
unsigned poll_file(struct kernel *k, struct file *f, uint64_t *wake)
{
	if (!f->ops->poll)
		return LX_POLLIN | LX_POLLRDNORM | LX_POLLOUT | LX_POLLWRNORM;
	if (f->ops->poll_by_timer) {
		uint64_t t = host_monotonic_ns() + POLL_RECHECK_NS;
		if (t < *wake)
			*wake = t;
	}
	if (f->ops->poll_wake) {
		uint64_t t = f->ops->poll_wake(k, f);
		if (t < *wake)
			*wake = t;
	}
	unsigned m = f->ops->poll(k, f);
	if (m & VFS_POLL_IN)
		m |= LX_POLLRDNORM;
	if (m & VFS_POLL_OUT)
		m |= LX_POLLWRNORM;
	return m;
}

/* The poll bits of fd now (poll_file); LX_POLLNVAL if fd is not open (or
 * is an O_PATH descriptor, which poll cannot use). */
static unsigned poll_fd(struct kernel *k, struct proc *p, int fd, uint64_t *wake)
{
	struct file *f = fd_get(p, fd);
	if (!f || (f->flags & LX_O_PATH))
		return LX_POLLNVAL;
	return poll_file(k, f, wake);
}

/* The first run of a ppoll or pselect6: reads the timeout (NULL: none) and
 * the signal mask (0: none; else sigsetsize must be 8), records the
 * deadline in p->sys_wait and puts the mask in force.  A re-run after a
 * sleep finds both done.  0 or a negative errno (nothing changed then). */
int poll_wait_begin_ns(struct kernel *k, struct proc *p, uint64_t ns, uint64_t umask,
		       uint64_t sigsetsize)
{
	if (p->sys_wait)
		return 0;
	uint64_t set = 0;
	if (umask) {
		if (sigsetsize != sizeof set)
			return -EINVAL;
		if (copyin(k, p, &set, umask, sizeof set) < 0)
			return -EFAULT;
		p->sig.saved_mask = p->sigmask;
		p->sig.restore_mask = true;
		p->sigmask = set & ~SIG_UNBLOCKABLE;
	}
	p->sys_wait = ns == ~0ULL ? ~0ULL : host_monotonic_ns() + ns;
	return 0;
}

int poll_wait_begin(struct kernel *k, struct proc *p, uint64_t utsp, uint64_t umask,
		    uint64_t sigsetsize)
{
	if (p->sys_wait)
		return 0;
	uint64_t ns = ~0ULL;
	if (utsp) {
		int rc = copyin_timespec_ns(k, p, utsp, &ns);
		if (rc < 0)
			return rc;
	}
	return poll_wait_begin_ns(k, p, ns, umask, sigsetsize);
}

/* The caller's mask back in force, if the call put its own in (umask). */
void poll_restore_mask(struct proc *p, uint64_t umask)
{
	if (umask && p->sig.restore_mask) {
		p->sigmask = p->sig.saved_mask;
		p->sig.restore_mask = false;
	}
}

/* Nothing was ready (ready == 0) and the deadline has not come: sleeps on
 * k->poll_wait (the ecall re-runs) and returns true.  Otherwise finishes
 * the call - the time left written back to utsp, the caller's mask back
 * in force - and returns false. */
bool poll_wait_or_finish(struct kernel *k, struct proc *p, int64_t ready, uint64_t wake,
			 uint64_t utsp, uint64_t umask)
{
	uint64_t deadline = p->sys_wait, now = host_monotonic_ns();
	if (ready == 0 && deadline > now) {
		waitq_sleep(k, p, &k->poll_wait);
		p->sig.sleep_kind = SLEEP_NOHAND;
		p->sig.sleep_rem = deadline == ~0ULL ? 0 : utsp;
		if (p->state == P_SLEEPING)
			p->wake_time_ns = wake < deadline ? wake : deadline;
		return true;
	}
	if (utsp && deadline != ~0ULL) {
		/* Linux writes no time back for a zero timeout, and ignores a
		 * fault here (the call has done its work) */
		uint64_t left = deadline > now ? deadline - now : 0;
		struct lx_timespec ts = { (int64_t)(left / 1000000000ULL),
					  (int64_t)(left % 1000000000ULL) }, was;
		if (copyin(k, p, &was, utsp, sizeof was) == 0 && (was.tv_sec || was.tv_nsec))
			(void)copyout(k, p, utsp, &ts, sizeof ts);
	}
	poll_restore_mask(p, umask);
	return false;
}

void poll_wake_all(struct kernel *k)
{
	if (!waitq_empty(&k->poll_wait))
		waitq_wake_all(k, &k->poll_wait);
}

/* One pass over the pollfd array: counts the entries with events; with
 * write, stores every revents.  Returns the count or -EFAULT. */
static int64_t ppoll_pass(struct kernel *k, struct proc *p, uint64_t ufds, uint64_t nfds,
			  bool write, uint64_t *wake)
{
	struct lx_pollfd buf[POLL_CHUNK];
	int64_t ready = 0;
	for (uint64_t i = 0; i < nfds; i += POLL_CHUNK) {
		size_t n = nfds - i < POLL_CHUNK ? (size_t)(nfds - i) : POLL_CHUNK;
		uint64_t at = ufds + i * sizeof buf[0];
		if (copyin(k, p, buf, at, n * sizeof buf[0]) < 0)
			return -EFAULT;
		for (size_t j = 0; j < n; j++) {
			unsigned m = 0;
			if (buf[j].fd >= 0) {
				m = poll_fd(k, p, buf[j].fd, wake);
				m &= (unsigned)(uint16_t)buf[j].events | LX_POLLERR | LX_POLLHUP |
				     LX_POLLNVAL;
			}
			buf[j].revents = (int16_t)m;
			ready += m != 0;
		}
		if (write && copyout(k, p, at, buf, n * sizeof buf[0]) < 0)
			return -EFAULT;
	}
	return ready;
}

int64_t sys_ppoll(struct kernel *k, struct proc *p, uint64_t ufds, uint64_t nfds, uint64_t utsp,
		  uint64_t umask, uint64_t sigsetsize)
{
	if (nfds > p->res.rlim[LX_RLIMIT_NOFILE].rlim_cur)
		return -EINVAL;
	int rc = poll_wait_begin(k, p, utsp, umask, sigsetsize);
	if (rc < 0)
		return rc;
	uint64_t wake = ~0ULL;
	int64_t ready = ppoll_pass(k, p, ufds, nfds, false, &wake);
	if (ready >= 0 && poll_wait_or_finish(k, p, ready, wake, utsp, umask))
		return 0;                /* asleep: the ecall re-runs */
	if (ready > 0)
		ready = ppoll_pass(k, p, ufds, nfds, true, &wake);
	if (ready < 0)
		poll_restore_mask(p, umask);
	return ready;
}

/* pselect6: the three fd_sets of nfds bits (64-bit words), each NULL or
 * read and rewritten; sigarg points at { sigset pointer, its size }. */
int64_t sys_pselect6(struct kernel *k, struct proc *p, int64_t nfds, uint64_t uin, uint64_t uout,
		     uint64_t uex, uint64_t utsp, uint64_t usigarg)
{
	if (nfds < 0 || nfds > INT32_MAX)
		return -EINVAL;
	/* Linux looks no further than the descriptor table's size */
	int64_t max = fd_table_size(p);
	if (nfds > max)
		nfds = max;
	uint64_t sigarg[2] = { 0, 0 };
	if (usigarg && copyin(k, p, sigarg, usigarg, sizeof sigarg) < 0)
		return -EFAULT;
	size_t words = (size_t)(nfds + 63) / 64, bytes = words * 8;
	uint64_t uset[3] = { uin, uout, uex };
	uint64_t *sets = NULL;
	if (words) {
		sets = kmalloc(&k->km, 6 * bytes);  /* the three asked, the three found */
		if (!sets)
			return -ENOMEM;
		memset(sets, 0, 6 * bytes);
	}
	int64_t ready = 0;
	for (int s = 0; s < 3 && words; s++)
		if (uset[s] && copyin(k, p, sets + s * words, uset[s], bytes) < 0)
			ready = -EFAULT;
	int rc = ready < 0 ? (int)ready : poll_wait_begin(k, p, utsp, sigarg[0], sigarg[1]);
	if (rc < 0) {
		kfree(&k->km, sets);
		return rc;
	}
	uint64_t wake = ~0ULL;
	static const unsigned want[3] = { SEL_IN, SEL_OUT, SEL_EX };
	for (int64_t fd = 0; fd < nfds; fd++) {
		uint64_t bit = 1ULL << (fd % 64);
		size_t w = (size_t)fd / 64;
		bool asked = false;
		for (int s = 0; s < 3; s++)
			asked |= (sets[s * words + w] & bit) != 0;
		if (!asked)
			continue;
		unsigned m = poll_fd(k, p, (int)fd, &wake);
		if (m & LX_POLLNVAL) {
			ready = -EBADF;
			break;
		}
		for (int s = 0; s < 3; s++)
			if ((sets[s * words + w] & bit) && (m & want[s])) {
				sets[(3 + s) * words + w] |= bit;
				ready++;
			}
	}
	if (ready >= 0 && poll_wait_or_finish(k, p, ready, wake, utsp, sigarg[0])) {
		kfree(&k->km, sets);
		return 0;                /* asleep: the ecall re-runs */
	}
	for (int s = 0; s < 3 && ready >= 0; s++)
		if (uset[s] && words && copyout(k, p, uset[s], sets + (3 + s) * words, bytes) < 0)
			ready = -EFAULT;
	if (ready < 0)
		poll_restore_mask(p, sigarg[0]);
	kfree(&k->km, sets);
	return ready;
}
