/*
 * waitq.h - wait queues: a process sleeps on an event (data in a pipe,
 * room in a pipe, a child's exit) and is woken when it happens, while the
 * others run.
 *
 * A sleep here is the "restart" kind of Linux's ERESTARTSYS, without the
 * signal: the system call that found it must wait rewinds the process's pc
 * to its ecall (a0..a7 are intact) and leaves it P_SLEEPING on the queue,
 * off the run queue.  A wake-up makes it runnable; when it runs again the
 * ecall executes again and the call finds its event (or sleeps again: a
 * wake-up is a hint, every sleeper re-checks its condition, as with
 * condition variables).  A call that had done part of its work before it
 * slept (a pipe write larger than the pipe) records the part in
 * p->sys_done, which the re-run reads and which the dispatcher clears when
 * the call completes.
 *
 * Every queue has a name for the deadlock report: when no process can run
 * and none sleeps with a deadline, kernel_run (sched.c) names each sleeper
 * and its queue or futex (waitq_report_deadlock) and ends them with
 * SIGKILL.
 *
 * A process sleeps on at most one queue; the queue is a FIFO through
 * p->wq_next, so wake-ups are in arrival order.  A queue lives inside the
 * object it guards (a pipe, a process) and must be empty when that object
 * is freed: waitq_wake_all first.
 */
#ifndef VMOS_KERNEL_WAITQ_H
#define VMOS_KERNEL_WAITQ_H

#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

struct kernel;
struct proc;

struct waitq {
	struct proc *head, *tail;      /* sleepers in arrival order */
	const char *what;              /* what they wait for, for reports: "data in a pipe" */
};

/* An empty queue; what names the event (a string that outlives it). */
void waitq_init(struct waitq *q, const char *what);

static inline bool waitq_empty(const struct waitq *q) { return !q->head; }

/* Puts p, which is in a system call, to sleep on q: the ecall re-runs when
 * p is woken.  p must be the process whose call is being served and must
 * not already sleep. */
void waitq_sleep(struct kernel *k, struct proc *p, struct waitq *q);

/* Puts p to sleep on q with its system call complete (the dispatcher
 * stores the result; nothing re-runs), woken early only by a signal that
 * ends the process (SLEEP_KILLABLE, signals.h): a vfork parent waiting for
 * its child, as Linux's killable wait. */
void waitq_sleep_done(struct kernel *k, struct proc *p, struct waitq *q);

/* Puts p to sleep on q with its system call complete, the result being
 * descriptor fd (file) that the call installed: a FIFO's blocking open.
 * Woken by the event, the call returns fd; a signal p handles ends the
 * sleep as SLEEP_REWIND (signals.h): fd is closed, and the call re-runs
 * with a0 restored to a0 (SA_RESTART) or fails with EINTR, as Linux's
 * interruptible wait in fifo_open (-ERESTARTSYS).  A signal already
 * deliverable ends it before it sleeps. */
void waitq_sleep_undo(struct kernel *k, struct proc *p, struct waitq *q, uint64_t a0, int fd,
		      const void *file);

/* Wakes every sleeper of q (makes it runnable, in arrival order).
 * Returns how many. */
unsigned waitq_wake_all(struct kernel *k, struct waitq *q);

/* Takes p off the queue it sleeps on, if any, without waking it (p exits,
 * or its deadline came). */
void waitq_remove(struct proc *p);

/* Called when nothing can run and nothing sleeps with a deadline: writes
 * "vmos: deadlock: ..." naming every sleeper and its queue to err.
 * Returns the number of sleepers (0: no deadlock, nothing printed). */
unsigned waitq_report_deadlock(struct kernel *k, FILE *err);

#endif
