/*
 * sys_poll.h - waiting for descriptors: ppoll and pselect6 (sys_poll.c),
 * and the pieces epoll (fs/epoll.c) shares with them: a file's readiness
 * and the sleep on k->poll_wait with a deadline and a signal mask.
 */
#ifndef VMOS_KERNEL_SYS_POLL_H
#define VMOS_KERNEL_SYS_POLL_H

#include <stdbool.h>
#include <stdint.h>

struct kernel;
struct proc;
struct file;

/* The poll bits of file f now, as Linux's POLL* values (a file without a
 * poll hook is always ready to read and write).  *wake is lowered to the
 * host time (host_monotonic_ns) at which f's readiness may change with no
 * kernel event to wake a sleeper (the host's input, a timer's expiry). */
unsigned poll_file(struct kernel *k, struct file *f, uint64_t *wake);

/* The first run of a waiting call: reads the timeout (a struct timespec
 * at utsp; 0: none) and the signal mask (umask, 0: none; sigsetsize must
 * be 8), records the deadline in p->sys_wait and puts the mask in force.
 * A re-run after a sleep finds both done.  0 or a negative errno. */
int poll_wait_begin(struct kernel *k, struct proc *p, uint64_t utsp, uint64_t umask,
		    uint64_t sigsetsize);
/* poll_wait_begin with the timeout in ns (~0: none) rather than a
 * struct timespec (epoll_pwait's milliseconds). */
int poll_wait_begin_ns(struct kernel *k, struct proc *p, uint64_t ns, uint64_t umask,
		       uint64_t sigsetsize);
/* Nothing ready (ready == 0) and the deadline not come: sleeps on
 * k->poll_wait until an event, the deadline or wake (the ecall re-runs;
 * a handled signal ends it with EINTR) and returns true.  Otherwise
 * finishes: the time left written back to utsp (if not 0), the caller's
 * mask back in force; returns false. */
bool poll_wait_or_finish(struct kernel *k, struct proc *p, int64_t ready, uint64_t wake,
			 uint64_t utsp, uint64_t umask);
/* The caller's mask back in force, if the call put its own in (umask). */
void poll_restore_mask(struct proc *p, uint64_t umask);
/* Wakes every ppoll, pselect6 and epoll_pwait asleep: readiness may have
 * changed (a pipe, an eventfd, a signal for a signalfd). */
void poll_wake_all(struct kernel *k);

#endif
