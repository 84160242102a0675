/*
 * vmbench_fault - the cost of one demand-zero page fault, end to end.
 *
 * Maps PAGES fresh anonymous pages (mmap MAP_PRIVATE|MAP_ANONYMOUS) and
 * writes one byte to each: every write takes a page fault that allocates and
 * zeroes a frame and maps it (in vmos also a TLB miss and page-table walk).
 * A second pass writes the same bytes again over the now-resident pages; its
 * time is the loop's own cost (including TLB misses), so
 *     per-fault = (first pass - second pass) / PAGES.
 * This is done twice.  "cold": the process's first use of that much memory,
 * so the frames may be fresh to the host too (vmos's simulated RAM and a
 * virtual machine's guest RAM are backed lazily by their host, and the
 * first touch of a frame costs a host page fault as well).  "warm": the
 * first mapping is unmapped and a second one of the same size is measured
 * the same way, so the kernel recycles frames that the host already backs.
 * Times come from clock_gettime(CLOCK_MONOTONIC).  The same source is built
 * for riscv64 (vmos, qemu-riscv64) and natively (bench/native/), so it uses
 * only POSIX calls and prints integers (the vmos libc printf has no %f).
 * Output, one line, key=value figures parsed by bench/vm.sh:
 *   vmbench_fault: pages=N cold_first_ns=T1 cold_second_ns=T2 cold_fault_ns=(T1-T2)/N
 *                  warm_first_ns=.. warm_second_ns=.. warm_fault_ns=..
 * Usage: vmbench_fault [PAGES]   (default 4096 = 16 MiB)
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

/* touch writes one byte to each of pages pages at p; returns elapsed ns. */
static uint64_t touch(volatile char *p, long pages)
{
	uint64_t t0 = now_ns();
	for (long i = 0; i < pages; i++)
		p[i * PAGE] = (char)i;
	return now_ns() - t0;
}

/* measure maps pages fresh pages, times a faulting pass and a resident
 * pass, unmaps them; stores the two times; returns 0 or -1 if mmap failed. */
static int measure(long pages, uint64_t *first, uint64_t *second)
{
	size_t len = (size_t)(pages * PAGE);
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
#ifdef MADV_NOHUGEPAGE
	/* native Linux only: measure 4 KiB faults, not transparent huge pages */
	madvise(p, len, MADV_NOHUGEPAGE);
#endif
	*first = touch(p, pages);
	*second = touch(p, pages);
	munmap(p, len);
	return 0;
}

/* per returns (first - second) / pages, or 0 if the second pass was slower. */
static unsigned long long per(uint64_t first, uint64_t second, long pages)
{
	return first > second ? (unsigned long long)((first - second) / (uint64_t)pages) : 0;
}

int main(int argc, char **argv)
{
	long pages = argc > 1 ? atol(argv[1]) : 4096;
	if (pages <= 0) {
		fprintf(stderr, "vmbench_fault: PAGES must be positive\n");
		return 2;
	}
	uint64_t c1, c2, w1, w2;
	if (measure(pages, &c1, &c2) != 0 || measure(pages, &w1, &w2) != 0) {
		fprintf(stderr, "vmbench_fault: mmap of %ld pages failed\n", pages);
		return 1;
	}
	printf("vmbench_fault: pages=%ld cold_first_ns=%llu cold_second_ns=%llu cold_fault_ns=%llu "
	       "warm_first_ns=%llu warm_second_ns=%llu warm_fault_ns=%llu\n",
	       pages, (unsigned long long)c1, (unsigned long long)c2, per(c1, c2, pages),
	       (unsigned long long)w1, (unsigned long long)w2, per(w1, w2, pages));
	return 0;
}
