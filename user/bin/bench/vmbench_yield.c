/*
 * vmbench_yield - context-switch cost: the program forks itself, and parent
 * and child each loop ITERS times doing { write one word in each of PAGES
 * private pages; sched_yield(); }.  On one CPU every yield hands the CPU to
 * the other process, so the parent's wall time from before the fork until
 * the child is reaped covers about 2*ITERS switches:
 *     per-switch = elapsed / (2 * ITERS)   (includes the loop body).
 * Touching PAGES pages per turn gives each process a working set in the
 * TLB, so running vmos with and without ASIDs (--no-asid flushes the TLB on
 * every switch) shows the TLB refill cost in `--stats` tlb misses.
 * Native Linux and qemu-riscv64 must be pinned to one CPU (taskset) for the
 * yields to switch; bench/vm.sh does that.
 * The same source is built for riscv64 and natively (bench/native/).
 * Output, one line of key=value figures for bench/vm.sh:
 *   vmbench_yield: iters=N pages=P elapsed_ns=T switch_ns=T/(2N)
 * Usage: vmbench_yield [ITERS [PAGES]]   (default 20000 iterations, 8 pages)
 */
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE      4096L
#define MAX_PAGES 64

static char area[MAX_PAGES * PAGE] __attribute__((aligned(4096)));

/* now_ns returns CLOCK_MONOTONIC in nanoseconds. */
static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* run does iters turns of touching pages pages and yielding. */
static void run(long iters, long pages)
{
	volatile char *a = area;
	for (long i = 0; i < iters; i++) {
		for (long pg = 0; pg < pages; pg++)
			a[pg * PAGE] = (char)i;
		sched_yield();
	}
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 20000;
	long pages = argc > 2 ? atol(argv[2]) : 8;
	if (iters <= 0 || pages < 0 || pages > MAX_PAGES) {
		fprintf(stderr, "vmbench_yield: ITERS must be positive, PAGES 0..%d\n", MAX_PAGES);
		return 2;
	}
	/* make the pages resident before the fork: both then share them COW */
	run(1, pages);
	uint64_t t0 = now_ns();
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "vmbench_yield: fork failed\n");
		return 1;
	}
	run(iters, pages);
	if (pid == 0)
		_exit(0);
	int status = 0;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "vmbench_yield: child did not exit cleanly\n");
		return 1;
	}
	uint64_t el = now_ns() - t0;
	printf("vmbench_yield: iters=%ld pages=%ld elapsed_ns=%llu switch_ns=%llu\n", iters, pages,
	       (unsigned long long)el, (unsigned long long)(el / (uint64_t)(2 * iters)));
	return 0;
}
