/*
 * vmbench_mmap - the cost of a whole anonymous-mapping life cycle:
 * mmap(MAP_PRIVATE|MAP_ANONYMOUS) of SIZE, one write to every page (a
 * demand-zero fault each), munmap (unmapping and freeing every frame).
 * One untimed cycle first warms up page-table pages and allocator caches;
 * then REPS cycles are timed with clock_gettime(CLOCK_MONOTONIC).
 * The same source is built for riscv64 (vmos, qemu-riscv64) and natively
 * (bench/native/).  Output, one line of key=value figures for bench/vm.sh:
 *   vmbench_mmap: size_kib=K reps=R total_ns=T cycle_ns=T/R
 * Usage: vmbench_mmap [SIZE_KIB [REPS]]   (default 1024 KiB, 50 reps)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#define PAGE 4096L

/* now_ns returns CLOCK_MONOTONIC in nanoseconds. */
static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* cycle maps len bytes, writes every page, unmaps; returns 0 or -1. */
static int cycle(size_t len)
{
	volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	                        -1, 0);
	if (p == MAP_FAILED)
		return -1;
#ifdef MADV_NOHUGEPAGE
	/* native Linux only: 4 KiB faults, not transparent huge pages */
	madvise((void *)p, len, MADV_NOHUGEPAGE);
#endif
	for (size_t off = 0; off < len; off += PAGE)
		p[off] = 1;
	return munmap((void *)p, len);
}

int main(int argc, char **argv)
{
	long kib = argc > 1 ? atol(argv[1]) : 1024;
	long reps = argc > 2 ? atol(argv[2]) : 50;
	if (kib <= 0 || kib % 4 != 0 || reps <= 0) {
		fprintf(stderr, "vmbench_mmap: SIZE_KIB must be a positive multiple of 4, REPS positive\n");
		return 2;
	}
	size_t len = (size_t)kib * 1024;
	if (cycle(len) != 0) {
		fprintf(stderr, "vmbench_mmap: mmap/munmap of %ld KiB failed\n", kib);
		return 1;
	}
	uint64_t t0 = now_ns();
	for (long r = 0; r < reps; r++) {
		if (cycle(len) != 0) {
			fprintf(stderr, "vmbench_mmap: cycle %ld of %ld KiB failed\n", r, kib);
			return 1;
		}
	}
	uint64_t total = now_ns() - t0;
	printf("vmbench_mmap: size_kib=%ld reps=%ld total_ns=%llu cycle_ns=%llu\n", kib, reps,
	       (unsigned long long)total, (unsigned long long)(total / (uint64_t)reps));
	return 0;
}
