/*
 * waitq.c - wait queues (see waitq.h): the sleep and wake-up of a process
 * on an event, with the system call re-run on wake-up.
 */
#include "waitq.h"
#include "proc.h"

#include <assert.h>

void waitq_init(struct waitq *q, const char *what)
{
	q->head = q->tail = NULL;
	q->what = what;
}

/* p goes to the tail of q. */
static void enqueue(struct waitq *q, struct proc *p)
{
	p->wq = q;
	p->wq_next = NULL;
	if (q->tail)
		q->tail->wq_next = p;
	else
		q->head = p;
	q->tail = p;
}

void waitq_sleep(struct kernel *k, struct proc *p, struct waitq *q)
{
	(void)k;
	assert(!p->wq && p->state == P_RUNNABLE);
	p->pc -= 4;                    /* re-run the ecall when woken */
	/* A served call is progress: the faults of the re-run ecall (its page
	 * evicted while p slept) start a fresh count for the progress guard,
	 * whose pc and retired count would otherwise still match. */
	p->guard.pc = ~0ULL;
	p->guard.count = 0;
	p->state = P_SLEEPING;
	p->wake_time_ns = ~0ULL;       /* no deadline: woken by the event */
	p->sig.sleep_kind = SLEEP_RESTART;   /* a signal: EINTR, or a restart (signals.h) */
	if (signal_deliverable(p)) {
		/* a signal is already there: no sleep, the call is interrupted
		 * at once (the dispatcher keeps a0; signal_deliver ends it) */
		p->sig.interrupted = true;
		p->state = P_RUNNABLE;     /* never left the CPU: the scheduler resumes it */
		return;
	}
	enqueue(q, p);
}

void waitq_sleep_done(struct kernel *k, struct proc *p, struct waitq *q)
{
	(void)k;
	assert(!p->wq && p->state == P_RUNNABLE);
	p->state = P_SLEEPING;
	p->wake_time_ns = ~0ULL;
	p->sig.sleep_kind = SLEEP_KILLABLE;
	enqueue(q, p);
}

void waitq_sleep_undo(struct kernel *k, struct proc *p, struct waitq *q, uint64_t a0, int fd,
		      const void *file)
{
	(void)k;
	assert(!p->wq && p->state == P_RUNNABLE);
	p->sig.sleep_kind = SLEEP_REWIND;
	p->sig.restart_a0 = a0;
	p->sig.undo_fd = fd;
	p->sig.undo_file = file;
	if (signal_deliverable(p)) {
		p->sig.interrupted = true;    /* no sleep: signal_deliver ends the call */
		return;
	}
	p->state = P_SLEEPING;
	p->wake_time_ns = ~0ULL;
	enqueue(q, p);
}

unsigned waitq_wake_all(struct kernel *k, struct waitq *q)
{
	unsigned n = 0;
	struct proc *p = q->head;
	q->head = q->tail = NULL;
	while (p) {
		struct proc *next = p->wq_next;
		p->wq = NULL;
		p->wq_next = NULL;
		if (p->state == P_SLEEPING)
			proc_make_runnable(k, p);
		n++;
		p = next;
	}
	return n;
}

void waitq_remove(struct proc *p)
{
	struct waitq *q = p->wq;
	if (!q)
		return;
	struct proc *prev = NULL;
	for (struct proc *s = q->head; s; prev = s, s = s->wq_next) {
		if (s != p)
			continue;
		if (prev)
			prev->wq_next = p->wq_next;
		else
			q->head = p->wq_next;
		if (q->tail == p)
			q->tail = prev;
		break;
	}
	p->wq = NULL;
	p->wq_next = NULL;
}

unsigned waitq_report_deadlock(struct kernel *k, FILE *err)
{
	unsigned n = 0;
	for (struct proc *p = k->procs; p; p = p->next)
		if (p->state == P_SLEEPING)
			n++;
	if (!n)
		return 0;
	fprintf(err, "vmos: deadlock: no thread can run and nothing can wake the %u asleep:\n", n);
	for (struct proc *p = k->procs; p; p = p->next) {
		if (p->state != P_SLEEPING)
			continue;
		if (p->tgid != p->pid || p->futex_waiting)   /* a thread: name it too */
			fprintf(err, "vmos:   pid %u (%s) thread %u waits for ", p->tgid, p->name, p->pid);
		else
			fprintf(err, "vmos:   pid %u (%s) waits for ", p->pid, p->name);
		if (p->futex_waiting)
			fprintf(err, "the futex at 0x%llx\n", (unsigned long long)(p->futex_key[1] & ~1ULL));
		else if (p->wq)
			fprintf(err, "%s\n", p->wq->what);
		else
			fprintf(err, "an event (pc 0x%llx, syscall %llu)\n", (unsigned long long)p->pc,
				(unsigned long long)p->x[17]);
	}
	return n;
}
