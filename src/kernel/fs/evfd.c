/*
 * evfd.c - files that stand for events rather than data: eventfd2,
 * signalfd4, timerfd_create/settime/gettime (Linux semantics, the man
 * pages eventfd(2), signalfd(2), timerfd_create(2); qemu-riscv64 as the
 * reference).  Each is an anonymous inode (no mount, mode 0600; its
 * /proc/PID/fd link reads "anon_inode:[eventfd]" ...) whose file's priv is
 * its state, from kmalloc.  They can be read, polled (ppoll, pselect6,
 * epoll) and closed; fork and dup share them.
 *
 *   eventfd   a 64-bit counter: write adds (blocks at 2^64-2), read takes
 *             it whole and zeroes it (EFD_SEMAPHORE: takes 1); a read of
 *             0 blocks.  Readable when not 0, writable below the maximum.
 *   signalfd  reads the reader's pending signals of its mask as struct
 *             signalfd_siginfo records (they are then gone, not delivered);
 *             with none it blocks - woken by a signal of the mask though
 *             the mask blocks it, as the man page wants (sig.wait_set).
 *             Readable when the reading thread has one pending.
 *   timerfd   a timer on CLOCK_REALTIME, MONOTONIC or BOOTTIME (the
 *             guest's clocks, as the vDSO reads them): read returns the
 *             expirations since the last read (blocks while there are
 *             none); settime arms it (relative or TFD_TIMER_ABSTIME, with
 *             an interval) or disarms it.  A sleeper - a blocked read, a
 *             ppoll or epoll_pwait - is woken at the expiry (poll_wake).
 */
#include "vfs_impl.h"
#include "proc.h"
#include "signals.h"
#include "sys_poll.h"
#include "uaccess.h"
#include "vdso.h"

#include <errno.h>
#include <string.h>

#define LX_EFD_SEMAPHORE 1
#define LX_TFD_TIMER_ABSTIME 1
#define LX_TFD_TIMER_CANCEL_ON_SET 2
#define FLAGS_OK (LX_O_CLOEXEC | LX_O_NONBLOCK)   /* EFD_, SFD_, TFD_CLOEXEC/NONBLOCK */

/* A new anonymous file with ops and priv, installed as a descriptor of p.
 * Returns the descriptor or a negative errno (priv is then not kept). */
static int64_t anon_file(struct kernel *k, struct proc *p, const struct file_ops *ops,
			 void *priv, int flags)
{
	struct inode *ino = vfs_inode_alloc(k, NULL, 0600, NULL, ops);
	struct file *f = ino ? vfs_file_alloc(k, ops, ino, NULL,
					      LX_O_RDWR | ((uint32_t)flags & LX_O_NONBLOCK)) : NULL;
	if (ino)
		inode_put(k, ino);
	if (!f)
		return -ENOMEM;
	f->priv = priv;
	int64_t fd = fd_install(k, p, f, 0, flags & LX_O_CLOEXEC);
	if (fd < 0) {
		f->priv = NULL;              /* the caller frees priv */
		file_put(k, f);
	}
	return fd;
}

static bool nonblock(const struct file *f)
{
	return f->flags & LX_O_NONBLOCK;
}

/* Readiness changed: the sleepers of q, and every poller, look again. */
static void ev_wake(struct kernel *k, struct waitq *q)
{
	waitq_wake_all(k, q);
	poll_wake_all(k);
}

/* ---- eventfd ------------------------------------------------------------------ */

#define EVENTFD_MAX 0xfffffffffffffffeULL

struct eventfd {
	uint64_t count;
	uint64_t events;             /* reads and writes (poll_gen) */
	bool semaphore;
	struct waitq wait;           /* readers waiting for a count, writers for room */
};

static int64_t eventfd_read(struct kernel *k, struct proc *p, struct file *f, void *kbuf,
			    size_t n, uint64_t *off)
{
	struct eventfd *e = f->priv;
	if (n < 8)
		return -EINVAL;
	if (e->count == 0) {
		if (nonblock(f))
			return -EAGAIN;
		waitq_sleep(k, p, &e->wait);
		return VFS_BLOCKED;
	}
	uint64_t v = e->semaphore ? 1 : e->count;
	e->count -= v;
	e->events++;
	memcpy(kbuf, &v, 8);
	ev_wake(k, &e->wait);
	return 8;
}

static int64_t eventfd_write(struct kernel *k, struct proc *p, struct file *f, const void *kbuf,
			     size_t n, uint64_t *off)
{
	struct eventfd *e = f->priv;
	uint64_t v;
	if (n < 8)
		return -EINVAL;
	memcpy(&v, kbuf, 8);
	if (v == ~0ULL)
		return -EINVAL;
	if (v > EVENTFD_MAX - e->count) {
		if (nonblock(f))
			return -EAGAIN;
		waitq_sleep(k, p, &e->wait);
		return VFS_BLOCKED;
	}
	e->count += v;
	e->events++;
	if (v)
		ev_wake(k, &e->wait);
	return 8;
}

static unsigned eventfd_poll(struct kernel *k, struct file *f)
{
	const struct eventfd *e = f->priv;
	return (e->count ? VFS_POLL_IN : 0) | (e->count < EVENTFD_MAX ? VFS_POLL_OUT : 0);
}

static uint64_t eventfd_gen(struct kernel *k, struct file *f)
{
	return ((const struct eventfd *)f->priv)->events;
}

static void eventfd_release(struct kernel *k, struct file *f)
{
	kfree(&k->km, f->priv);
	f->priv = NULL;
}

static const struct file_ops eventfd_ops = {
	.name = "eventfd",
	.read = eventfd_read,
	.write = eventfd_write,
	.poll = eventfd_poll,
	.poll_gen = eventfd_gen,
	.release = eventfd_release,
};

int64_t sys_eventfd2(struct kernel *k, struct proc *p, uint64_t initval, int flags)
{
	if ((unsigned)flags & ~(unsigned)(FLAGS_OK | LX_EFD_SEMAPHORE))
		return -EINVAL;
	if (initval > UINT32_MAX)
		return -EINVAL;              /* the syscall takes an unsigned int */
	struct eventfd *e = kmalloc(&k->km, sizeof *e);
	if (!e)
		return -ENOMEM;
	memset(e, 0, sizeof *e);
	e->count = initval;
	e->semaphore = flags & LX_EFD_SEMAPHORE;
	waitq_init(&e->wait, "an eventfd's count (read) or room (write)");
	int64_t fd = anon_file(k, p, &eventfd_ops, e, flags);
	if (fd < 0)
		kfree(&k->km, e);
	return fd;
}

/* ---- signalfd ----------------------------------------------------------------- */

struct signalfd {
	uint64_t mask;               /* the signals it reads (never KILL or STOP) */
	struct waitq wait;           /* readers waiting for one (signal_wake wakes them) */
};

/* struct signalfd_siginfo (linux/signalfd.h): 128 bytes. */
struct lx_signalfd_siginfo {
	uint32_t ssi_signo;
	int32_t ssi_errno, ssi_code;
	uint32_t ssi_pid, ssi_uid;
	int32_t ssi_fd;
	uint32_t ssi_tid, ssi_band, ssi_overrun, ssi_trapno;
	int32_t ssi_status, ssi_int;
	uint64_t ssi_ptr, ssi_utime, ssi_stime, ssi_addr;
	uint16_t ssi_addr_lsb, pad2;
	int32_t ssi_syscall;
	uint64_t ssi_call_addr;
	uint32_t ssi_arch;
	uint8_t pad[28];
};
_Static_assert(sizeof(struct lx_signalfd_siginfo) == 128, "signalfd_siginfo is 128 bytes");

/* Linux's signalfd_copyinfo: the fields the siginfo's layout has. */
static void ssi_from(struct lx_signalfd_siginfo *s, const struct lx_siginfo *i)
{
	memset(s, 0, sizeof *s);
	s->ssi_signo = (uint32_t)i->si_signo;
	s->ssi_errno = i->si_errno;
	s->ssi_code = i->si_code;
	int sig = i->si_signo;
	if (i->si_code == LX_SI_TIMER) {
		s->ssi_tid = (uint32_t)i->u.timer.tid;
		s->ssi_overrun = (uint32_t)i->u.timer.overrun;
		s->ssi_ptr = i->u.timer.value;
		s->ssi_int = (int32_t)i->u.timer.value;
	} else if (i->si_code <= 0) {        /* sent by a process: kill, tkill, sigqueue */
		s->ssi_pid = (uint32_t)i->u.rt.pid;
		s->ssi_uid = i->u.rt.uid;
		s->ssi_ptr = i->u.rt.value;
		s->ssi_int = (int32_t)i->u.rt.value;
	} else if (sig == LX_SIGSEGV || sig == LX_SIGBUS || sig == LX_SIGILL ||
		   sig == LX_SIGFPE || sig == LX_SIGTRAP) {
		s->ssi_addr = i->u.fault.addr;
	} else if (sig == LX_SIGCHLD) {
		s->ssi_pid = (uint32_t)i->u.chld.pid;
		s->ssi_uid = i->u.chld.uid;
		s->ssi_status = i->u.chld.status;
		s->ssi_utime = (uint64_t)i->u.chld.utime;
		s->ssi_stime = (uint64_t)i->u.chld.stime;
	} else {
		s->ssi_pid = (uint32_t)i->u.kill.pid;
		s->ssi_uid = i->u.kill.uid;
	}
}

static int64_t signalfd_read(struct kernel *k, struct proc *p, struct file *f, void *kbuf,
			     size_t n, uint64_t *off)
{
	struct signalfd *s = f->priv;
	if (n < sizeof(struct lx_signalfd_siginfo))
		return -EINVAL;
	size_t got = 0;
	struct lx_siginfo info;
	while (n - got >= sizeof(struct lx_signalfd_siginfo)) {
		if (!signal_dequeue(k, p, s->mask, &info))
			break;
		struct lx_signalfd_siginfo ssi;
		ssi_from(&ssi, &info);
		memcpy((uint8_t *)kbuf + got, &ssi, sizeof ssi);
		got += sizeof ssi;
	}
	if (got)
		return (int64_t)got;
	if (nonblock(f))
		return -EAGAIN;
	waitq_sleep(k, p, &s->wait);
	if (p->state == P_SLEEPING)
		p->sig.wait_set = s->mask;   /* a signal of the mask wakes it, blocked or not */
	return VFS_BLOCKED;
}

/* Readable when the thread that polls (the one in the system call) has a
 * signal of the mask pending, as Linux's signalfd_poll looks at current. */
static unsigned signalfd_poll(struct kernel *k, struct file *f)
{
	const struct signalfd *s = f->priv;
	const struct proc *p = k->current;
	if (!p)
		return 0;
	return ((p->sig.pending.set | p->sigshared->pending.set) & s->mask) ? VFS_POLL_IN : 0;
}

/* The pending signals of the mask: a new one is an event. */
static uint64_t signalfd_gen(struct kernel *k, struct file *f)
{
	const struct signalfd *s = f->priv;
	const struct proc *p = k->current;
	return p ? (p->sig.pending.set | p->sigshared->pending.set) & s->mask : 0;
}

static void signalfd_release(struct kernel *k, struct file *f)
{
	kfree(&k->km, f->priv);
	f->priv = NULL;
}

static const struct file_ops signalfd_ops = {
	.name = "signalfd",
	.read = signalfd_read,
	.poll = signalfd_poll,
	.poll_gen = signalfd_gen,
	.release = signalfd_release,
};

int64_t sys_signalfd4(struct kernel *k, struct proc *p, int fd, uint64_t umask,
		      uint64_t sizemask, int flags)
{
	if ((unsigned)flags & ~(unsigned)FLAGS_OK)
		return -EINVAL;
	if (sizemask != 8)
		return -EINVAL;
	uint64_t mask;
	if (copyin(k, p, &mask, umask, sizeof mask) < 0)
		return -EFAULT;
	mask &= ~SIG_UNBLOCKABLE;
	if (fd != -1) {                      /* a new mask for an existing one */
		struct file *f = fd_get(p, fd);
		if (!f)
			return -EBADF;
		if (f->ops != &signalfd_ops)
			return -EINVAL;
		((struct signalfd *)f->priv)->mask = mask;
		poll_wake_all(k);
		return fd;
	}
	struct signalfd *s = kmalloc(&k->km, sizeof *s);
	if (!s)
		return -ENOMEM;
	memset(s, 0, sizeof *s);
	s->mask = mask;
	waitq_init(&s->wait, "a signal for a signalfd");
	int64_t r = anon_file(k, p, &signalfd_ops, s, flags);
	if (r < 0)
		kfree(&k->km, s);
	return r;
}

/* ---- timerfd ------------------------------------------------------------------ */

struct timerfd {
	int clock;                   /* CLOCK_REALTIME (0) or a monotonic one */
	uint64_t next;               /* the next expiry on that clock (ns); 0: disarmed */
	uint64_t interval;           /* ns between expiries; 0: once */
	uint64_t ticks;              /* expiries not read yet */
	uint64_t expired;            /* expiries in all (poll_gen) */
	struct waitq wait;           /* readers waiting for an expiry */
};

static uint64_t clock_now(struct kernel *k, const struct timerfd *t)
{
	return vdso_clock_ns(k, t->clock == 0 ? 0 : 1);
}

/* Counts the expiries up to now into t->ticks and moves t->next on. */
static void timerfd_update(struct kernel *k, struct timerfd *t)
{
	if (!t->next)
		return;
	uint64_t now = clock_now(k, t);
	if (now < t->next)
		return;
	if (t->interval) {
		uint64_t n = 1 + (now - t->next) / t->interval;
		t->ticks += n;
		t->expired += n;
		t->next += n * t->interval;
	} else {
		t->ticks++;
		t->expired++;
		t->next = 0;
	}
}

/* When t next expires, on the host's monotonic clock; ~0 if never. */
static uint64_t timerfd_host_deadline(struct kernel *k, const struct timerfd *t)
{
	if (!t->next)
		return ~0ULL;
	uint64_t now = clock_now(k, t);
	return host_monotonic_ns() + (t->next > now ? t->next - now : 0);
}

static int64_t timerfd_read(struct kernel *k, struct proc *p, struct file *f, void *kbuf,
			    size_t n, uint64_t *off)
{
	struct timerfd *t = f->priv;
	if (n < 8)
		return -EINVAL;
	timerfd_update(k, t);
	if (!t->ticks) {
		if (nonblock(f))
			return -EAGAIN;
		waitq_sleep(k, p, &t->wait);
		if (p->state == P_SLEEPING)
			p->wake_time_ns = timerfd_host_deadline(k, t);   /* ~0: disarmed, forever */
		return VFS_BLOCKED;
	}
	memcpy(kbuf, &t->ticks, 8);
	t->ticks = 0;
	return 8;
}

static unsigned timerfd_poll(struct kernel *k, struct file *f)
{
	struct timerfd *t = f->priv;
	timerfd_update(k, t);
	return t->ticks ? VFS_POLL_IN : 0;
}

static uint64_t timerfd_poll_wake(struct kernel *k, struct file *f)
{
	return timerfd_host_deadline(k, f->priv);
}

static uint64_t timerfd_gen(struct kernel *k, struct file *f)
{
	struct timerfd *t = f->priv;
	timerfd_update(k, t);
	return t->expired;
}

static void timerfd_release(struct kernel *k, struct file *f)
{
	kfree(&k->km, f->priv);
	f->priv = NULL;
}

static const struct file_ops timerfd_ops = {
	.name = "timerfd",
	.read = timerfd_read,
	.poll = timerfd_poll,
	.poll_wake = timerfd_poll_wake,
	.poll_gen = timerfd_gen,
	.release = timerfd_release,
};

int64_t sys_timerfd_create(struct kernel *k, struct proc *p, int clock, int flags)
{
	if ((unsigned)flags & ~(unsigned)FLAGS_OK)
		return -EINVAL;
	/* REALTIME, MONOTONIC, BOOTTIME and their _ALARM forms */
	if (clock != 0 && clock != 1 && clock != 7 && clock != 8 && clock != 9)
		return -EINVAL;
	struct timerfd *t = kmalloc(&k->km, sizeof *t);
	if (!t)
		return -ENOMEM;
	memset(t, 0, sizeof *t);
	t->clock = clock == 8 ? 0 : clock;
	waitq_init(&t->wait, "a timerfd's expiry");
	int64_t fd = anon_file(k, p, &timerfd_ops, t, flags);
	if (fd < 0)
		kfree(&k->km, t);
	return fd;
}

static struct timerfd *timerfd_of(struct proc *p, int fd, int64_t *err)
{
	struct file *f = fd_get(p, fd);
	*err = f ? -EINVAL : -EBADF;
	return f && f->ops == &timerfd_ops ? f->priv : NULL;
}

static struct lx_timespec ts_of(uint64_t ns)
{
	return (struct lx_timespec){ (int64_t)(ns / 1000000000ULL), (int64_t)(ns % 1000000000ULL) };
}

/* struct itimerspec as timerfd_gettime says it: { it_interval, it_value
 * (the time to the next expiry) }. */
static void timerfd_get(struct kernel *k, struct timerfd *t, struct lx_timespec out[2])
{
	timerfd_update(k, t);
	uint64_t now = clock_now(k, t);
	out[0] = ts_of(t->interval);
	out[1] = ts_of(t->next > now ? t->next - now : 0);
}

int64_t sys_timerfd_gettime(struct kernel *k, struct proc *p, int fd, uint64_t ucur)
{
	int64_t err;
	struct timerfd *t = timerfd_of(p, fd, &err);
	if (!t)
		return err;
	struct lx_timespec cur[2];
	timerfd_get(k, t, cur);
	return copyout(k, p, ucur, cur, sizeof cur) < 0 ? -EFAULT : 0;
}

int64_t sys_timerfd_settime(struct kernel *k, struct proc *p, int fd, int flags, uint64_t unew,
			    uint64_t uold)
{
	int64_t err;
	if ((unsigned)flags & ~(unsigned)(LX_TFD_TIMER_ABSTIME | LX_TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	struct timerfd *t = timerfd_of(p, fd, &err);
	if (!t)
		return err;
	struct lx_timespec nv[2];               /* { it_interval, it_value } */
	if (copyin(k, p, nv, unew, sizeof nv) < 0)
		return -EFAULT;
	for (int i = 0; i < 2; i++)
		if (nv[i].tv_sec < 0 || nv[i].tv_nsec < 0 || nv[i].tv_nsec >= 1000000000)
			return -EINVAL;
	struct lx_timespec old[2];
	timerfd_get(k, t, old);
	if (uold && copyout(k, p, uold, old, sizeof old) < 0)
		return -EFAULT;
	const uint64_t cap = 1ULL << 62;      /* far enough: never reached */
	uint64_t interval = (uint64_t)nv[0].tv_sec >= cap / 1000000000ULL ? cap :
			    (uint64_t)nv[0].tv_sec * 1000000000ULL + (uint64_t)nv[0].tv_nsec;
	uint64_t value = (uint64_t)nv[1].tv_sec >= cap / 1000000000ULL ? cap :
			 (uint64_t)nv[1].tv_sec * 1000000000ULL + (uint64_t)nv[1].tv_nsec;
	t->ticks = 0;
	t->interval = value ? interval : 0;
	if (!value)
		t->next = 0;
	else if (flags & LX_TFD_TIMER_ABSTIME)
		t->next = value ? value : 1;
	else
		t->next = clock_now(k, t) + value;
	/* a sleeping reader or poller sleeps until the new expiry */
	ev_wake(k, &t->wait);
	return 0;
}
