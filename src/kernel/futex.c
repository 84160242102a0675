/*
 * futex.c - futex(2): threads sleeping on a word of user memory (futex.h).
 *
 * The sleepers form one FIFO queue (k->futex_head), each with its key: a
 * wake walks it from the oldest sleeper, waking those whose key matches
 * and whose bitset shares a bit with the waker's.  One queue and not
 * Linux's hash of queues: a machine of one hart runs tens of threads, and
 * the walk is as long as the number of sleepers.
 *
 * Keys (Linux get_futex_key): a word in a private mapping - anonymous or a
 * private file mapping - is (address space, virtual address), whether or
 * not the program passed FUTEX_PRIVATE_FLAG:
 * so copy-on-write cannot move a sleeper's key from under it, and after a
 * fork parent and child never wake each other.  A shared operation's key
 * carries a mark (bit 0 of the address; Linux's FUT_OFF_MMSHARED), so it
 * never matches a private one on the same word: glibc's pthread_join
 * waits with a shared key because the kernel's clear-tid wake is shared.
 * A word in a shared mapping (VMR_SHARED: a MAP_SHARED file, or
 * MAP_SHARED|MAP_ANONYMOUS memory) is keyed by what every process that
 * maps it sees: its object and its offset there (Linux: the inode and the
 * page index), so the key holds at any address and while the page is out
 * of memory and comes back in another frame.
 * FUTEX_PRIVATE_FLAG lets the kernel skip the page lookup: a private wake
 * of an unmapped word finds nobody (0), a shared one is EFAULT - as Linux.
 *
 * Time: a wait's deadline is on the host's CLOCK_MONOTONIC, the clock
 * nanosleep sleeps on (proc_sleep); the scheduler wakes a sleeper whose
 * deadline passed (sched.c), which then returns ETIMEDOUT.
 */
#include "futex.h"
#include "proc.h"
#include "uaccess.h"
#include "vm.h"

#include <errno.h>
#include <time.h>

enum {
	FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_FD = 2, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4,
	FUTEX_WAKE_OP = 5, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10,
	FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256,
	FUTEX_CMD_MASK = ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME),
};
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

/* The key of the futex word at uaddr in p's address space (see the top).
 * Returns 0, -EINVAL (not 4-byte aligned) or -EFAULT (outside the user
 * half; not private and not readable). */
static int futex_key(struct kernel *k, struct proc *p, uint64_t uaddr, bool private,
		     uint64_t key[2])
{
	if (uaddr & 3)
		return -EINVAL;
	if (!uaccess_ok(k, uaddr, 4))
		return -EFAULT;
	key[0] = (uint64_t)(uintptr_t)p->mm;
	key[1] = uaddr;
	if (private)
		return 0;
	key[1] |= 1;                                   /* shared: apart from private */
	uint32_t v;
	proc_activate(k, p);
	if (copyin(k, p, &v, uaddr, sizeof v) < 0)     /* the page in, as Linux's gup */
		return -EFAULT;
	struct vm_region *r = vm_map_lookup(&p->mm->map, uaddr);
	if (r && (r->flags & VMR_SHARED) && r->object) {
		key[0] = (uint64_t)(uintptr_t)r->object;   /* no address space: the object */
		key[1] = r->obj_offset + (uaddr - r->start);
	}
	return 0;
}

/* The wait's deadline on CLOCK_MONOTONIC from the user's timespec at
 * utime: relative for FUTEX_WAIT, absolute otherwise (on CLOCK_REALTIME
 * with the flag).  ~0 without a timeout.  Returns 0, -EFAULT or -EINVAL. */
static int futex_deadline(struct kernel *k, struct proc *p, uint64_t utime, bool relative,
			  bool realtime, uint64_t *deadline)
{
	*deadline = ~0ULL;
	if (!utime)
		return 0;
	uint64_t t;
	int rc = copyin_timespec_ns(k, p, utime, &t);
	if (rc < 0)
		return rc;
	uint64_t now = host_monotonic_ns();
	if (relative) {
		*deadline = now + t;
	} else if (realtime) {
		struct timespec rt;
		clock_gettime(CLOCK_REALTIME, &rt);
		uint64_t rnow = (uint64_t)rt.tv_sec * 1000000000ULL + (uint64_t)rt.tv_nsec;
		*deadline = t <= rnow ? now : now + (t - rnow);
	} else {
		*deadline = t;
	}
	return 0;
}

static bool key_eq(const uint64_t a[2], const uint64_t b[2])
{
	return a[0] == b[0] && a[1] == b[1];
}

static void queue_append(struct kernel *k, struct proc *p)
{
	p->futex_next = NULL;
	if (k->futex_tail)
		k->futex_tail->futex_next = p;
	else
		k->futex_head = p;
	k->futex_tail = p;
	p->futex_waiting = true;
}

void futex_cancel(struct kernel *k, struct proc *p)
{
	if (!p->futex_waiting)
		return;
	struct proc **pp = &k->futex_head, *prev = NULL;
	while (*pp && *pp != p) {
		prev = *pp;
		pp = &(*pp)->futex_next;
	}
	if (*pp) {
		*pp = p->futex_next;
		if (k->futex_tail == p)
			k->futex_tail = prev;
	}
	p->futex_waiting = false;
	p->futex_next = NULL;
}

unsigned futex_waiters(const struct kernel *k)
{
	unsigned n = 0;
	for (const struct proc *q = k->futex_head; q; q = q->futex_next)
		n++;
	return n;
}

/* Wakes up to n (at least 1) sleepers on key with a bit of bitset, oldest
 * first: each returns 0 from its wait.  Returns the number woken. */
static int64_t wake_key(struct kernel *k, const uint64_t key[2], int64_t n, uint32_t bitset)
{
	int64_t woken = 0;
	for (struct proc *q = k->futex_head, *next; q; q = next) {
		next = q->futex_next;
		if (!key_eq(q->futex_key, key) || !(q->futex_bitset & bitset))
			continue;
		futex_cancel(k, q);
		q->x[10] = 0;
		proc_make_runnable(k, q);
		if (++woken >= n)
			break;
	}
	return woken;
}

int64_t futex_wake_addr(struct kernel *k, struct proc *p, uint64_t uaddr, int n)
{
	uint64_t key[2];
	int rc = futex_key(k, p, uaddr, false, key);
	return rc < 0 ? rc : wake_key(k, key, n, FUTEX_BITSET_MATCH_ANY);
}

/* FUTEX_WAIT(_BITSET): sleeps on uaddr if it still holds val (else
 * EAGAIN), until a wake (0), the deadline (ETIMEDOUT), or a signal that is
 * handled.  As in Linux, a wait with no deadline is restarted after a
 * handler with SA_RESTART (and then finds the word changed, or sleeps
 * again), else fails with EINTR; a wait with a deadline fails with EINTR
 * (signals.h: SLEEP_REWIND, SLEEP_EINTR). */
static int64_t futex_wait(struct kernel *k, struct proc *p, uint64_t uaddr, bool private,
			  uint32_t val, uint64_t deadline, uint32_t bitset)
{
	if (!bitset)
		return -EINVAL;
	int rc = futex_key(k, p, uaddr, private, p->futex_key);
	if (rc < 0)
		return rc;
	uint32_t cur;
	proc_activate(k, p);
	if (copyin(k, p, &cur, uaddr, sizeof cur) < 0)
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	/* a0 will hold the result before the signal comes: a restart
	 * puts uaddr back (signal_frame.c) */
	p->sig.sleep_kind = deadline == ~0ULL ? SLEEP_REWIND : SLEEP_EINTR;
	p->sig.restart_a0 = uaddr;
	p->sig.undo_fd = -1;
	p->sig.undo_file = NULL;
	if (signal_deliverable(p)) {
		p->sig.interrupted = true;    /* a signal is there already: no sleep */
		return -EINTR;
	}
	p->futex_bitset = bitset;
	queue_append(k, p);
	p->state = P_SLEEPING;
	p->wake_time_ns = deadline;
	return -ETIMEDOUT;        /* unless a wake makes it 0 */
}

/* FUTEX_(CMP_)REQUEUE: wakes up to nr_wake sleepers on uaddr, then moves
 * up to nr_requeue of the others to uaddr2; with cmp, only if uaddr still
 * holds val3 (else EAGAIN).  Returns woken + requeued (Linux's count). */
static int64_t futex_requeue(struct kernel *k, struct proc *p, uint64_t uaddr, uint64_t uaddr2,
			     bool private, int32_t nr_wake, int32_t nr_requeue, bool cmp,
			     uint32_t val3)
{
	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	uint64_t key1[2], key2[2];
	int rc = futex_key(k, p, uaddr, private, key1);
	if (rc == 0)
		rc = futex_key(k, p, uaddr2, private, key2);
	if (rc < 0)
		return rc;
	if (cmp) {
		uint32_t cur;
		proc_activate(k, p);
		if (copyin(k, p, &cur, uaddr, sizeof cur) < 0)
			return -EFAULT;
		if (cur != val3)
			return -EAGAIN;
	}
	int64_t woken = 0, moved = 0;
	for (struct proc *q = k->futex_head, *next; q; q = next) {
		next = q->futex_next;
		if (!key_eq(q->futex_key, key1))
			continue;
		if (woken < nr_wake) {
			futex_cancel(k, q);
			q->x[10] = 0;
			proc_make_runnable(k, q);
			woken++;
		} else if (moved < nr_requeue) {
			q->futex_key[0] = key2[0];
			q->futex_key[1] = key2[1];
			moved++;
		} else {
			break;
		}
	}
	return woken + moved;
}

/* FUTEX_WAKE_OP: *uaddr2 = *uaddr2 OP oparg (atomically: one hart, and
 * the kernel runs between instructions), wake up to val on uaddr, and if
 * the old value CMP cmparg, also up to val2 on uaddr2. */
static int64_t futex_wake_op(struct kernel *k, struct proc *p, uint64_t uaddr, uint64_t uaddr2,
			     bool private, int32_t nr_wake, int32_t nr_wake2, uint32_t encoded)
{
	uint64_t key1[2], key2[2];
	int rc = futex_key(k, p, uaddr, private, key1);
	if (rc == 0)
		rc = futex_key(k, p, uaddr2, private, key2);
	if (rc < 0)
		return rc;
	unsigned op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
	uint32_t oparg = (uint32_t)((int32_t)(encoded << 8) >> 20);
	uint32_t cmparg = (uint32_t)((int32_t)(encoded << 20) >> 20);
	if (encoded & (8u << 28)) {                   /* FUTEX_OP_OPARG_SHIFT */
		if (oparg > 31)
			return -EINVAL;
		oparg = 1u << oparg;
	}
	uint32_t old, nw;
	proc_activate(k, p);
	if (copyin(k, p, &old, uaddr2, sizeof old) < 0)
		return -EFAULT;
	switch (op) {
	case 0: nw = oparg; break;                    /* SET */
	case 1: nw = old + oparg; break;              /* ADD */
	case 2: nw = old | oparg; break;              /* OR */
	case 3: nw = old & ~oparg; break;             /* ANDN */
	case 4: nw = old ^ oparg; break;              /* XOR */
	default: return -ENOSYS;
	}
	if (copyout(k, p, uaddr2, &nw, sizeof nw) < 0)
		return -EFAULT;
	bool hit;
	switch (cmp) {
	case 0: hit = old == cmparg; break;
	case 1: hit = old != cmparg; break;
	case 2: hit = (int32_t)old < (int32_t)cmparg; break;
	case 3: hit = (int32_t)old <= (int32_t)cmparg; break;
	case 4: hit = (int32_t)old > (int32_t)cmparg; break;
	case 5: hit = (int32_t)old >= (int32_t)cmparg; break;
	default: return -ENOSYS;
	}
	int64_t n = wake_key(k, key1, nr_wake, FUTEX_BITSET_MATCH_ANY);
	if (hit)
		n += wake_key(k, key2, nr_wake2, FUTEX_BITSET_MATCH_ANY);
	return n;
}

int64_t sys_futex(struct kernel *k, struct proc *p, uint64_t uaddr, int op, uint32_t val,
		  uint64_t utime, uint64_t uaddr2, uint32_t val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool private = op & FUTEX_PRIVATE_FLAG, realtime = op & FUTEX_CLOCK_REALTIME;
	if (realtime && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	uint64_t deadline;
	int rc;
	switch (cmd) {
	case FUTEX_WAIT:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAIT_BITSET:
		if ((rc = futex_deadline(k, p, utime, cmd == FUTEX_WAIT, realtime, &deadline)) < 0)
			return rc;
		return futex_wait(k, p, uaddr, private, val, deadline, val3);
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAKE_BITSET: {
		if (!val3)
			return -EINVAL;
		uint64_t key[2];
		if ((rc = futex_key(k, p, uaddr, private, key)) < 0)
			return rc;
		return wake_key(k, key, (int32_t)val, val3);
	}
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(k, p, uaddr, uaddr2, private, (int32_t)val, (int32_t)utime,
				     cmd == FUTEX_CMP_REQUEUE, val3);
	case FUTEX_WAKE_OP:
		return futex_wake_op(k, p, uaddr, uaddr2, private, (int32_t)val, (int32_t)utime, val3);
	default:
		return -ENOSYS;    /* FUTEX_FD (gone from Linux), the PI operations */
	}
}
