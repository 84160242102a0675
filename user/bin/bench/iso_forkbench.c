/*
 * iso_forkbench - the cost of fork, measured by the process itself.
 *   iso_forkbench cycle MIB REPS  maps MIB MiB, writes one byte per page,
 *                                 then REPS times: fork, the child _exits at
 *                                 once, the parent waitpids; prints
 *                                 "cycle_ns=T" (mean ns per fork+exit+wait)
 *   iso_forkbench cow MIB         maps MIB MiB and touches it, forks; the
 *                                 child writes one byte per page (each a
 *                                 copy-on-write fault), then again (resident:
 *                                 the loop's own cost); prints
 *                                 "cow_page_ns=(T1-T2)/pages"
 * Same source for riscv64 (vmos, qemu-riscv64) and native Linux
 * (bench/native/fork_bench.c); integers only (the vmos printf has no %f);
 * times from clock_gettime(CLOCK_MONOTONIC).  Used by bench/fork.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096L

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* region maps mib MiB and writes one byte per page; NULL if mmap failed. */
static volatile char *region(long mib)
{
	size_t len = (size_t)mib << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_NOHUGEPAGE
	madvise(p, len, MADV_NOHUGEPAGE);	/* native Linux only: 4 KiB pages */
#endif
	for (size_t i = 0; i < len; i += PAGE)
		p[i] = (char)i;
	return p;
}

int main(int argc, char **argv)
{
	const char *m = argc > 2 ? argv[1] : "";
	long mib = argc > 2 ? atol(argv[2]) : 0;
	long pages = (mib << 20) / PAGE;
	if (mib <= 0 || (strcmp(m, "cycle") && strcmp(m, "cow"))) {
		printf("usage: iso_forkbench cycle MIB REPS | cow MIB\n");
		return 2;
	}
	volatile char *p = region(mib);
	if (!p) {
		printf("iso_forkbench: mmap of %ld MiB failed\n", mib);
		return 1;
	}
	int st;
	if (!strcmp(m, "cycle")) {
		long reps = argc > 3 ? atol(argv[3]) : 10;
		uint64_t t0 = now_ns();
		for (long r = 0; r < reps; r++) {
			pid_t pid = fork();
			if (pid == 0)
				_exit(0);
			if (pid < 0 || waitpid(pid, &st, 0) != pid)
				return 1;
		}
		printf("iso_forkbench: mib=%ld reps=%ld cycle_ns=%llu\n", mib, reps,
		       (unsigned long long)((now_ns() - t0) / (uint64_t)reps));
		return 0;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		uint64_t t0 = now_ns();
		for (long i = 0; i < pages; i++)
			p[i * PAGE] = 1;
		uint64_t t1 = now_ns();
		for (long i = 0; i < pages; i++)
			p[i * PAGE] = 2;
		uint64_t t2 = now_ns();
		int64_t d = (int64_t)(t1 - t0) - (int64_t)(t2 - t1);
		printf("iso_forkbench: mib=%ld pages=%ld cow_page_ns=%lld\n", mib, pages,
		       (long long)(d > 0 ? d / pages : 0));
		fflush(stdout);
		_exit(0);
	}
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}
