/*
 * epoll.c - epoll_create1, epoll_ctl, epoll_pwait, epoll_pwait2 (Linux
 * semantics, epoll(7); qemu-riscv64 as the reference).
 *
 * An epoll instance is an anonymous file ("anon_inode:[eventpoll]") whose
 * priv holds its interest list: one item per (file, descriptor number)
 * added, with the events asked for and the user's data word.  An item does
 * not keep its file open: when the file's last descriptor goes (its
 * struct file is released), its items leave every instance, as in Linux;
 * each file lists its items (file->ep_items) for that.
 *
 * There is no ready list kept up to date by wake-up callbacks, as Linux
 * has: epoll_pwait asks each item's file for its readiness (the same poll
 * hooks as ppoll, sys_poll.h) and sleeps on k->poll_wait, which every
 * change that can make a file ready wakes (pipes, eventfds, signals,
 * timers through their expiry time).  The cost is a pass over the
 * interest list per wait - fine for the tens of descriptors programs here
 * watch.  What follows from it:
 *   - level-triggered items are reported while ready;
 *   - EPOLLET items are reported when a readiness bit appears that was
 *     not there at the last report, or when the file has had an event
 *     since (its poll_gen moved: data written into or read from a pipe or
 *     an eventfd, a timer's expiry, a new signal for a signalfd) - as
 *     Linux reports an edge at every wake-up of the file's queue;
 *   - EPOLLONESHOT items are disabled after one report until EPOLL_CTL_MOD;
 *   - EPOLLEXCLUSIVE and EPOLLWAKEUP are accepted and change nothing (one
 *     hart, no suspend);
 *   - items are reported in the order of Linux's ready list (the order
 *     they became ready; a level-triggered item reported goes back to
 *     its tail), so that a small maxevents reaches every ready item in
 *     turn.
 * An epoll file can be watched by another (readable when it has an item
 * to report); a chain deeper than EP_MAX_NESTS or a loop is ELOOP.
 */
#include "vfs_impl.h"
#include "proc.h"
#include "signals.h"
#include "sys_poll.h"
#include "uaccess.h"

#include <errno.h>
#include <string.h>

#define LX_EPOLL_CTL_ADD 1
#define LX_EPOLL_CTL_DEL 2
#define LX_EPOLL_CTL_MOD 3
#define LX_EPOLLERR       0x008u
#define LX_EPOLLHUP       0x010u
#define LX_EPOLLEXCLUSIVE (1u << 28)
#define LX_EPOLLWAKEUP    (1u << 29)
#define LX_EPOLLONESHOT   (1u << 30)
#define LX_EPOLLET        (1u << 31)
#define EP_MAX_NESTS 4                /* Linux's EP_MAX_NESTS */
#define EP_MAX_EVENTS (INT32_MAX / 16)

/* struct epoll_event as riscv64 lays it out (not packed: 16 bytes). */
struct lx_epoll_event {
	uint32_t events;
	uint32_t pad;
	uint64_t data;
};

struct epitem {
	struct epitem *next;          /* the instance's interest list */
	struct epitem *fnext;         /* the watched file's items (file->ep_items) */
	struct eventpoll *ep;
	struct file *file;            /* watched, not held: the item goes with it */
	int fd;
	uint32_t events;              /* asked for, with EPOLLERR | EPOLLHUP */
	uint64_t data;
	uint32_t last;                /* EPOLLET: the bits at the last report */
	uint64_t gen;                 /* EPOLLET: the file's poll_gen at the last report */
	bool disabled;                /* EPOLLONESHOT: reported, not re-armed */
	bool queued;                  /* on the (modelled) ready list, at position seq */
	uint64_t seq;
};

struct eventpoll {
	struct epitem *items;
	unsigned n;
	uint64_t clock;               /* ready-list positions handed out */
};

static const struct file_ops epoll_ops;

static bool is_epoll(const struct file *f)
{
	return f->ops == &epoll_ops;
}

/* Takes it off its file's list. */
static void file_unlink(struct epitem *it)
{
	for (struct epitem **pp = &it->file->ep_items; *pp; pp = &(*pp)->fnext)
		if (*pp == it) {
			*pp = it->fnext;
			return;
		}
}

/* Takes it off its instance's list. */
static void ep_unlink(struct epitem *it)
{
	struct eventpoll *ep = it->ep;
	for (struct epitem **pp = &ep->items; *pp; pp = &(*pp)->next)
		if (*pp == it) {
			*pp = it->next;
			ep->n--;
			return;
		}
}

void epoll_file_gone(struct kernel *k, struct file *f)
{
	while (f->ep_items) {
		struct epitem *it = f->ep_items;
		f->ep_items = it->fnext;
		ep_unlink(it);
		kfree(&k->km, it);
	}
}

/* The events item it reports now (0: none): its file's readiness among
 * what it asked for, the EPOLLET edge rule applied; consume: this is a
 * report (the edge is used up). */
static uint32_t item_ready(struct kernel *k, struct epitem *it, uint64_t *wake, bool consume,
			   int depth)
{
	if (it->disabled)
		return 0;
	uint32_t m;
	uint64_t gen = it->file->ops->poll_gen ? it->file->ops->poll_gen(k, it->file) : 0;
	if (is_epoll(it->file)) {
		m = 0;
		if (depth < EP_MAX_NESTS) {   /* readable when it has something to report */
			struct eventpoll *inner = it->file->priv;
			for (struct epitem *j = inner->items; j && !m; j = j->next)
				if (item_ready(k, j, wake, false, depth + 1))
					m = LX_POLLIN | LX_POLLRDNORM;
		}
	} else {
		m = poll_file(k, it->file, wake);
	}
	uint32_t r = m & it->events & ~(LX_EPOLLET | LX_EPOLLONESHOT | LX_EPOLLWAKEUP |
					LX_EPOLLEXCLUSIVE);
	if (it->events & LX_EPOLLET) {
		uint32_t fresh = r & ~it->last;
		it->last &= r;                /* a bit that went away may come again */
		if (!fresh && gen == it->gen)
			return 0;                 /* no new bit and no new event */
		if (consume) {
			it->last = r;
			it->gen = gen;
		}
	}
	return r;
}

static unsigned epoll_poll(struct kernel *k, struct file *f)
{
	struct eventpoll *ep = f->priv;
	uint64_t wake = ~0ULL;
	for (struct epitem *it = ep->items; it; it = it->next)
		if (item_ready(k, it, &wake, false, 1))
			return VFS_POLL_IN;
	return 0;
}

static uint64_t epoll_poll_wake(struct kernel *k, struct file *f)
{
	struct eventpoll *ep = f->priv;
	uint64_t wake = ~0ULL;
	for (struct epitem *it = ep->items; it; it = it->next)
		(void)item_ready(k, it, &wake, false, 1);
	return wake;
}

static void epoll_release(struct kernel *k, struct file *f)
{
	struct eventpoll *ep = f->priv;
	if (!ep)
		return;
	while (ep->items) {
		struct epitem *it = ep->items;
		ep->items = it->next;
		file_unlink(it);
		kfree(&k->km, it);
	}
	kfree(&k->km, ep);
	f->priv = NULL;
}

static const struct file_ops epoll_ops = {
	.name = "[eventpoll]",
	.poll = epoll_poll,
	.poll_wake = epoll_poll_wake,
	.release = epoll_release,
};

int64_t sys_epoll_create1(struct kernel *k, struct proc *p, int flags)
{
	if ((unsigned)flags & ~(unsigned)LX_O_CLOEXEC)
		return -EINVAL;
	struct eventpoll *ep = kmalloc(&k->km, sizeof *ep);
	if (!ep)
		return -ENOMEM;
	memset(ep, 0, sizeof *ep);
	struct inode *ino = vfs_inode_alloc(k, NULL, 0600, NULL, &epoll_ops);
	struct file *f = ino ? vfs_file_alloc(k, &epoll_ops, ino, NULL, LX_O_RDWR) : NULL;
	if (ino)
		inode_put(k, ino);
	if (!f) {
		kfree(&k->km, ep);
		return -ENOMEM;
	}
	f->priv = ep;
	int fd = fd_install(k, p, f, 0, flags & LX_O_CLOEXEC);
	if (fd < 0)
		file_put(k, f);                /* its release frees ep */
	return fd;
}

/* Would watching `target` from instance `self` make a loop or a chain
 * deeper than EP_MAX_NESTS?  (target is an epoll file.) */
static bool too_deep(struct file *self, struct file *target, int depth)
{
	if (target == self || depth >= EP_MAX_NESTS)
		return true;
	struct eventpoll *ep = target->priv;
	for (struct epitem *it = ep->items; it; it = it->next)
		if (is_epoll(it->file) && too_deep(self, it->file, depth + 1))
			return true;
	return false;
}

int64_t sys_epoll_ctl(struct kernel *k, struct proc *p, int epfd, int op, int fd, uint64_t uevent)
{
	struct file *ef = fd_get(p, epfd), *f = fd_get(p, fd);
	if (!ef || !f)
		return -EBADF;
	struct lx_epoll_event ev = { 0, 0, 0 };
	if (op != LX_EPOLL_CTL_DEL && copyin(k, p, &ev, uevent, sizeof ev) < 0)
		return -EFAULT;
	if (f == ef || !is_epoll(ef))
		return -EINVAL;
	/* regular files and directories are always ready: Linux refuses them */
	if (!f->ops->poll && !is_epoll(f))
		return -EPERM;
	if (f->inode && ((f->inode->mode & LX_S_IFMT) == LX_S_IFREG ||
			 (f->inode->mode & LX_S_IFMT) == LX_S_IFDIR))
		return -EPERM;
	struct eventpoll *ep = ef->priv;
	struct epitem *it = ep->items;
	while (it && !(it->file == f && it->fd == fd))
		it = it->next;
	switch (op) {
	case LX_EPOLL_CTL_ADD:
		if (it)
			return -EEXIST;
		if ((ev.events & LX_EPOLLEXCLUSIVE) && (ev.events & LX_EPOLLONESHOT))
			return -EINVAL;
		if (is_epoll(f) && too_deep(ef, f, 1))
			return -ELOOP;
		it = kmalloc(&k->km, sizeof *it);
		if (!it)
			return -ENOMEM;
		memset(it, 0, sizeof *it);
		it->ep = ep;
		it->file = f;
		it->fd = fd;
		it->events = ev.events | LX_EPOLLERR | LX_EPOLLHUP;
		it->data = ev.data;
		struct epitem **end = &ep->items;   /* reported in the order added */
		while (*end)
			end = &(*end)->next;
		*end = it;
		ep->n++;
		it->fnext = f->ep_items;
		f->ep_items = it;
		break;
	case LX_EPOLL_CTL_MOD:
		if (!it)
			return -ENOENT;
		if ((ev.events & LX_EPOLLEXCLUSIVE) || (it->events & LX_EPOLLEXCLUSIVE))
			return -EINVAL;
		it->events = ev.events | LX_EPOLLERR | LX_EPOLLHUP;
		it->data = ev.data;
		it->last = 0;
		it->disabled = false;
		break;
	case LX_EPOLL_CTL_DEL:
		if (!it)
			return -ENOENT;
		ep_unlink(it);
		file_unlink(it);
		kfree(&k->km, it);
		break;
	default:
		return -EINVAL;
	}
	poll_wake_all(k);                      /* a waiter looks at the new list */
	return 0;
}

/* One pass over the interest list: the ready items, in ready-list order,
 * up to max of them into out (with report false, only whether any is
 * ready).  Linux keeps a ready list that an item joins at its tail when
 * an event makes it ready, and a level-triggered item reported rejoins at
 * the tail while still ready: that order is modelled with positions
 * (seq).  Returns the count, or -ENOMEM. */
static int ep_pass(struct kernel *k, struct eventpoll *ep, struct lx_epoll_event *out, int max,
		   bool report, uint64_t *wake)
{
	int n = 0;
	for (struct epitem *it = ep->items; it; it = it->next) {
		bool ready = item_ready(k, it, wake, false, 1) != 0;
		if (ready && !it->queued) {
			it->queued = true;
			it->seq = ++ep->clock;
		} else if (!ready) {
			it->queued = false;
		}
		n += ready;
	}
	if (!report || !n)
		return n;
	struct epitem **r = kmalloc(&k->km, (size_t)n * sizeof *r);
	if (!r)
		return -ENOMEM;
	int m = 0;
	for (struct epitem *it = ep->items; it; it = it->next)
		if (it->queued)
			r[m++] = it;
	for (int i = 1; i < m; i++)              /* by position: a few items, insertion sort */
		for (int j = i; j > 0 && r[j - 1]->seq > r[j]->seq; j--) {
			struct epitem *x = r[j];
			r[j] = r[j - 1];
			r[j - 1] = x;
		}
	int got = 0;
	for (int i = 0; i < m && got < max; i++) {
		struct epitem *it = r[i];
		uint32_t ev = item_ready(k, it, wake, true, 1);
		if (!ev)
			continue;
		out[got++] = (struct lx_epoll_event){ ev, 0, it->data };
		if (it->events & LX_EPOLLONESHOT)
			it->disabled = true;
		/* a level-triggered item goes back to the tail; the others
		 * wait for their next event */
		if (it->events & (LX_EPOLLET | LX_EPOLLONESHOT))
			it->queued = false;
		else
			it->seq = ++ep->clock;
	}
	kfree(&k->km, r);
	return got;
}

/* epoll_pwait and epoll_pwait2 once the timeout is known (ns, ~0: none). */
static int64_t ep_wait(struct kernel *k, struct proc *p, int epfd, uint64_t uevents, int max,
		       uint64_t ns, bool has_ts, uint64_t uts, uint64_t umask, uint64_t sigsetsize)
{
	struct file *ef = fd_get(p, epfd);
	if (!ef)
		return -EBADF;
	if (!is_epoll(ef) || max <= 0 || max > EP_MAX_EVENTS)
		return -EINVAL;
	if (!uaccess_ok(k, uevents, (uint64_t)max * sizeof(struct lx_epoll_event)))
		return -EFAULT;
	int rc = has_ts ? poll_wait_begin(k, p, uts, umask, sigsetsize) :
			  poll_wait_begin_ns(k, p, ns, umask, sigsetsize);
	if (rc < 0)
		return rc;
	struct eventpoll *ep = ef->priv;
	uint64_t wake = ~0ULL;
	int ready = ep_pass(k, ep, NULL, 1, false, &wake);
	if (ready < 0) {
		poll_restore_mask(p, umask);
		return ready;
	}
	if (poll_wait_or_finish(k, p, ready, wake, 0, umask))
		return 0;                      /* asleep: the ecall re-runs */
	if (!ready)
		return 0;
	int want = max < (int)ep->n ? max : (int)ep->n;
	struct lx_epoll_event *out = kmalloc(&k->km, (size_t)want * sizeof *out);
	if (!out)
		return -ENOMEM;
	int n = ep_pass(k, ep, out, want, true, &wake);
	int64_t r = n;
	if (n > 0 && copyout(k, p, uevents, out, (size_t)n * sizeof *out) < 0)
		r = -EFAULT;
	kfree(&k->km, out);
	return r;
}

int64_t sys_epoll_pwait(struct kernel *k, struct proc *p, int epfd, uint64_t uevents, int max,
			int timeout_ms, uint64_t umask, uint64_t sigsetsize)
{
	uint64_t ns = timeout_ms < 0 ? ~0ULL : (uint64_t)timeout_ms * 1000000ULL;
	return ep_wait(k, p, epfd, uevents, max, ns, false, 0, umask, sigsetsize);
}

int64_t sys_epoll_pwait2(struct kernel *k, struct proc *p, int epfd, uint64_t uevents, int max,
			 uint64_t uts, uint64_t umask, uint64_t sigsetsize)
{
	if (!uts)
		return ep_wait(k, p, epfd, uevents, max, ~0ULL, false, 0, umask, sigsetsize);
	return ep_wait(k, p, epfd, uevents, max, 0, true, uts, umask, sigsetsize);
}
