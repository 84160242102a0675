/*
 * vmbench_fpyield - what the FP registers cost a context switch: like
 * vmbench_yield with no pages, parent and child each loop ITERS times doing
 * { one double-precision add into a register-held sum, when FP is asked
 * for; sched_yield(); }.  With FP, every turn dirties the floating-point
 * state, so the kernel saves the 32 f registers and fcsr of the process it
 * switches away from and loads those of the other; without, a switch moves
 * the integer registers only.  bench/fp.sh runs both and takes the
 * difference per switch.
 * Output: vmbench_fpyield: iters=N fp=0|1 elapsed_ns=T switch_ns=T/(2N) sum=S
 * Usage: vmbench_fpyield [ITERS [fp|int]]   (default 20000, fp)
 */
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static double run(long iters, int fp)
{
	double sum = 0;
	for (long i = 0; i < iters; i++) {
		if (fp)
			sum += 1.5;             /* fadd.d: the FP state is dirty */
		sched_yield();
	}
	return sum;
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 20000;
	int fp = !(argc > 2 && !strcmp(argv[2], "int"));
	if (iters <= 0) {
		fprintf(stderr, "vmbench_fpyield: ITERS must be positive\n");
		return 2;
	}
	uint64_t t0 = now_ns();
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	double sum = run(iters, fp);
	if (pid == 0)
		_exit(sum == 1.5 * (double)iters * fp ? 0 : 1);
	int st = 0;
	waitpid(pid, &st, 0);
	uint64_t dt = now_ns() - t0;
	printf("vmbench_fpyield: iters=%ld fp=%d elapsed_ns=%llu switch_ns=%llu sum=%g child=%d\n", iters,
	       fp, (unsigned long long)dt, (unsigned long long)(dt / (2 * (uint64_t)iters)), sum,
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}
