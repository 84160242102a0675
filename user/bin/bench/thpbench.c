/*
 * thpbench - the access patterns that superpages are for (bench/thp.sh).
 *
 *   thpbench sweep MIB PASSES    maps MIB MiB of anonymous memory (2 MiB
 *                                aligned, madvise(MADV_HUGEPAGE)), writes one
 *                                byte per 4 KiB page (the touch pass), then
 *                                reads one byte per 4 KiB page PASSES times
 *   thpbench random MIB N        the same touch pass, then N reads at
 *                                pseudo-random offsets (a fixed LCG)
 *   thpbench sparse MIB N        writes one byte per 2 MiB (the bloat case:
 *                                a superpage per byte), then reads them N times
 * A fourth argument `nohuge` advises MADV_NOHUGEPAGE instead (the native
 * run without superpages on a host in "madvise" or "always" mode).
 *
 * Output, one line of key=value figures (integers: the vmos libc printf has
 * no %f): touch_ns and run_ns (clock_gettime(CLOCK_MONOTONIC)), a checksum
 * that must not depend on how memory was mapped, and, built natively with
 * THPBENCH_NATIVE (bench/native/thpbench.c), the process's AnonHugePages
 * from /proc/self/smaps_rollup and dTLB load misses from perf_event_open
 * when the host allows them ("-" otherwise).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#ifdef THPBENCH_NATIVE
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A dTLB read-miss counter for this process (user mode), or -1. */
static int tlb_counter(void)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof a);
	a.type = PERF_TYPE_HW_CACHE;
	a.size = sizeof a;
	a.config = PERF_COUNT_HW_CACHE_DTLB | (PERF_COUNT_HW_CACHE_OP_READ << 8) |
		   (PERF_COUNT_HW_CACHE_RESULT_MISS << 16);
	a.disabled = 1;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	return (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
}

/* AnonHugePages of this process in KiB, or -1. */
static long anon_huge_kib(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char line[256];
	long kib = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "AnonHugePages: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}
#endif

#define PAGE 4096UL
#define HUGE (2UL << 20)

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc > 5 ||
	    (strcmp(argv[1], "sweep") && strcmp(argv[1], "random") && strcmp(argv[1], "sparse")) ||
	    (argc == 5 && strcmp(argv[4], "nohuge"))) {
		fprintf(stderr, "usage: thpbench sweep|random|sparse MIB N [nohuge]\n");
		return 2;
	}
	int sweep = !strcmp(argv[1], "sweep"), sparse = !strcmp(argv[1], "sparse");
	size_t step = sparse ? HUGE : PAGE;
	size_t size = (size_t)strtoul(argv[2], NULL, 10) << 20;
	uint64_t n = strtoull(argv[3], NULL, 10);
	unsigned char *raw = mmap(NULL, size + HUGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) {
		printf("thpbench: mmap of %lu MiB failed\n", (unsigned long)(size >> 20));
		return 1;
	}
	unsigned char *p = (unsigned char *)(((uintptr_t)raw + HUGE - 1) & ~(HUGE - 1));
	int huge = argc == 4;
	int advised = madvise(p, size, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) == 0 ? huge : -1;
#ifdef THPBENCH_NATIVE
	int fd = tlb_counter();
	if (fd >= 0) {
		ioctl(fd, PERF_EVENT_IOC_RESET, 0);
		ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
	}
#endif
	uint64_t t0 = now_ns();
	for (size_t off = 0; off < size; off += step)
		p[off] = (unsigned char)(off >> 12);
	uint64_t t1 = now_ns();
#ifdef THPBENCH_NATIVE
	long long touch_misses = -1;
	if (fd >= 0 && read(fd, &touch_misses, sizeof touch_misses) != sizeof touch_misses)
		touch_misses = -1;
	if (fd >= 0)
		ioctl(fd, PERF_EVENT_IOC_RESET, 0);
#endif
	uint64_t sum = 0;
	if (sweep || sparse) {
		for (uint64_t pass = 0; pass < n; pass++)
			for (size_t off = 0; off < size; off += step)
				sum += p[off];
	} else {
		uint64_t x = 12345;
		for (uint64_t i = 0; i < n; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			size_t off = (size_t)(x >> 20) % size & ~(PAGE - 1);
			sum += p[off];
		}
	}
	uint64_t t2 = now_ns();
	printf("thpbench: mode=%s mib=%lu n=%llu advised=%d touch_ns=%llu run_ns=%llu sum=%llu",
	       argv[1], (unsigned long)(size >> 20), (unsigned long long)n, advised,
	       (unsigned long long)(t1 - t0), (unsigned long long)(t2 - t1), (unsigned long long)sum);
#ifdef THPBENCH_NATIVE
	long long run_misses = -1;
	if (fd >= 0 && read(fd, &run_misses, sizeof run_misses) != sizeof run_misses)
		run_misses = -1;
	long kib = anon_huge_kib();
	if (touch_misses >= 0)
		printf(" touch_tlb_misses=%lld run_tlb_misses=%lld", touch_misses, run_misses);
	else
		printf(" touch_tlb_misses=- run_tlb_misses=-");
	if (kib >= 0)
		printf(" anon_huge_kib=%ld", kib);
	else
		printf(" anon_huge_kib=-");
#endif
	printf("\n");
	return 0;
}
