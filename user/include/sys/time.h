/* sys/time.h - struct timeval and gettimeofday (over clock_gettime). */
#ifndef _SYS_TIME_H
#define _SYS_TIME_H

#include <sys/types.h>
#include <time.h>

struct timeval {
	time_t      tv_sec;
	suseconds_t tv_usec;
};

struct timezone {
	int tz_minuteswest;
	int tz_dsttime;
};

/* The time of day; tz, if not NULL, is set to UTC (vmos has no time zones). */
int gettimeofday(struct timeval *tv, void *tz);

#endif
