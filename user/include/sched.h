/* sched.h - sched_yield, and the clone flag fork() uses. */
#ifndef _SCHED_H
#define _SCHED_H

int sched_yield(void);

#endif
