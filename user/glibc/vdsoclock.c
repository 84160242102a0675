/*
 * vdsoclock.c - clock_gettime through glibc (the vDSO where there is one)
 * and through the system call must be one clock: readings alternating
 * between the two never go backwards.  tests/kernel/vdso.sh also checks
 * on vmos that glibc's calls do not enter the kernel.
 */
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long ns(const struct timespec *t) { return t->tv_sec * 1000000000LL + t->tv_nsec; }

int main(void)
{
	int ordered = 1;
	for (int clk = 0; clk < 2; clk++) {
		struct timespec a, b, c;
		for (int i = 0; i < 200; i++) {
			clock_gettime(clk, &a);
			syscall(SYS_clock_gettime, clk, &b);
			clock_gettime(clk, &c);
			if (ns(&a) > ns(&b) || ns(&b) > ns(&c))
				ordered = 0;
		}
	}
	struct timeval tv;
	struct timespec r;
	gettimeofday(&tv, NULL);
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &r);
	long long d = r.tv_sec * 1000000LL + r.tv_nsec / 1000 - (tv.tv_sec * 1000000LL + tv.tv_usec);
	struct timespec res;
	clock_getres(CLOCK_MONOTONIC, &res);
	printf("vdso and syscall clocks ordered: %d\n", ordered);
	printf("gettimeofday within 100 ms of the syscall: %d\n", d >= 0 && d < 100000);
	printf("clock_getres monotonic: %lld ns\n", (long long)res.tv_nsec);
	return 0;
}
