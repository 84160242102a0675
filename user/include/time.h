/* time.h - clocks and sleeping (Linux clock ids). */
#ifndef _TIME_H
#define _TIME_H

#include <sys/types.h>

#define CLOCK_REALTIME           0
#define CLOCK_MONOTONIC          1
#define CLOCK_PROCESS_CPUTIME_ID 2

struct timespec {
	time_t tv_sec;
	long   tv_nsec;
};

int    clock_gettime(clockid_t clk, struct timespec *ts);
int    nanosleep(const struct timespec *req, struct timespec *rem);
time_t time(time_t *t);

#endif
