/*
 * thpfork - copy-on-write after fork over superpage memory (bench/thp.sh,
 * docs/thp.md: --thp-cow split against copy).
 *
 *   thpfork MIB STEP_KIB PASSES
 *
 * Maps MIB MiB of anonymous memory (2 MiB aligned, MADV_HUGEPAGE) and
 * writes every 4 KiB page; forks; the child writes one byte every STEP_KIB
 * KiB (4: every page; 2048: one per 2 MiB), then reads one byte per 4 KiB
 * page PASSES times, and exits; the parent waits, then reads one byte per
 * 4 KiB page PASSES times too (with --thp-cow split its pages are 4 KiB
 * now, unless --thp-collapse put superpages back).  Prints one line of
 * key=value figures: the child's write and read times and the parent's
 * read time (ns, from clock_gettime), and a checksum that must not depend
 * on the mapping.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
	if (argc != 4) {
		fprintf(stderr, "usage: thpfork MIB STEP_KIB PASSES\n");
		return 2;
	}
	size_t size = (size_t)strtoul(argv[1], NULL, 10) << 20;
	size_t step = (size_t)strtoul(argv[2], NULL, 10) << 10;
	unsigned long passes = strtoul(argv[3], NULL, 10);
	if (!step)
		step = PAGE;
	unsigned char *raw = mmap(NULL, size + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return 1;
	unsigned char *p = (unsigned char *)(((uintptr_t)raw + HUGE - 1) & ~(HUGE - 1));
	madvise(p, size, MADV_HUGEPAGE);
	for (size_t off = 0; off < size; off += PAGE)
		p[off] = (unsigned char)(off >> 12);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		uint64_t t0 = now_ns();
		for (size_t off = 0; off < size; off += step)
			p[off + 1] = 1;
		uint64_t t1 = now_ns(), sum = 0;
		for (unsigned long i = 0; i < passes; i++)
			for (size_t off = 0; off < size; off += PAGE)
				sum += p[off] + p[off + 1];
		uint64_t t2 = now_ns();
		printf("thpfork: mib=%lu step_kib=%lu passes=%lu child_write_ns=%llu child_read_ns=%llu sum=%llu\n",
		       (unsigned long)(size >> 20), (unsigned long)(step >> 10), passes,
		       (unsigned long long)(t1 - t0), (unsigned long long)(t2 - t1), (unsigned long long)sum);
		fflush(stdout);
		_exit(0);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	uint64_t t0 = now_ns(), sum = 0;
	for (unsigned long i = 0; i < passes; i++)
		for (size_t off = 0; off < size; off += PAGE)
			sum += p[off] + p[off + 1];
	printf("thpfork: parent_read_ns=%llu parent_sum=%llu\n", (unsigned long long)(now_ns() - t0),
	       (unsigned long long)sum);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
