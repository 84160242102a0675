/*
 * thp - memory that may be mapped by 2 MiB superpages (vmos --thp), put
 * through every operation that needs 4 KiB granularity: mprotect, munmap
 * and madvise(MADV_DONTNEED) of one page in the middle of a 2 MiB range,
 * copy-on-write after fork, the break moving down through a range, and
 * (with `thp pressure N`) enough memory to be swapped out.  After each the
 * contents of every page are checked, so a split that lost a page, its
 * rights or its data shows.  The output does not depend on whether
 * superpages were used (tests/user/thp.sh runs it with --thp never,
 * always and madvise, eager or not, and compares; the superpage counters
 * are checked there from --stats).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define MB (1UL << 20)
#define HUGE (2 * MB)
#define PAGE 4096UL

/* The byte that offset i of range `tag` holds. */
static unsigned char pattern(unsigned tag, uintptr_t i)
{
	return (unsigned char)((i >> 12) * 7 + (i & 0xfff) * 3 + tag * 31 + 1);
}

static void fill(unsigned char *p, size_t n, unsigned tag)
{
	for (size_t i = 0; i < n; i += 8)
		for (int j = 0; j < 8; j++)
			p[i + j] = pattern(tag, i + j);
}

/* Offset of the first byte of [p, p+n) that differs from the pattern,
 * skipping [skip, skip + skiplen); n if none. */
static size_t first_bad(const unsigned char *p, size_t n, unsigned tag, size_t skip, size_t skiplen)
{
	for (size_t i = 0; i < n; i++) {
		if (i >= skip && i < skip + skiplen)
			continue;
		if (p[i] != pattern(tag, i))
			return i;
	}
	return n;
}

/* A 2 MiB-aligned anonymous range of n bytes (n a multiple of 2 MiB). */
static unsigned char *aligned_anon(size_t n)
{
	unsigned char *raw = mmap(NULL, n + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	uintptr_t a = ((uintptr_t)raw + HUGE - 1) & ~(HUGE - 1);
	if (a > (uintptr_t)raw)
		munmap(raw, a - (uintptr_t)raw);
	if ((uintptr_t)raw + n + HUGE > a + n)
		munmap((void *)(a + n), (uintptr_t)raw + n + HUGE - (a + n));
	return (unsigned char *)a;
}

static void test_mprotect(void)
{
	unsigned char *p = aligned_anon(HUGE);
	check_true("mprotect: mapped", p != NULL);
	check_u64("mprotect: madvise(MADV_HUGEPAGE)", (uint64_t)madvise(p, HUGE, MADV_HUGEPAGE), 0);
	fill(p, HUGE, 1);
	check_u64("mprotect: filled", first_bad(p, HUGE, 1, 0, 0), HUGE);
	check_u64("mprotect: one page read-only", (uint64_t)mprotect(p + 5 * PAGE, PAGE, PROT_READ), 0);
	check_u64("mprotect: contents after the split", first_bad(p, HUGE, 1, 0, 0), HUGE);
	p[4 * PAGE] = 0x55;              /* its neighbours stay writable */
	p[6 * PAGE + 17] = 0x66;
	check_u64("mprotect: neighbours written", (uint64_t)p[4 * PAGE] << 8 | p[6 * PAGE + 17], 0x5566);
	p[4 * PAGE] = pattern(1, 4 * PAGE);
	p[6 * PAGE + 17] = pattern(1, 6 * PAGE + 17);
	check_u64("mprotect: whole range read-only", (uint64_t)mprotect(p, HUGE, PROT_READ), 0);
	check_u64("mprotect: whole range writable", (uint64_t)mprotect(p, HUGE, PROT_READ | PROT_WRITE), 0);
	p[5 * PAGE + 9] = 0x77;
	check_u64("mprotect: page writable again", p[5 * PAGE + 9], 0x77);
	check_u64("mprotect: rest intact", first_bad(p, HUGE, 1, 5 * PAGE + 9, 1), HUGE);
	munmap(p, HUGE);
}

static void test_munmap(void)
{
	unsigned char *p = aligned_anon(2 * HUGE);
	check_true("munmap: mapped", p != NULL);
	fill(p, 2 * HUGE, 2);
	check_u64("munmap: one page in the middle", (uint64_t)munmap(p + HUGE + 100 * PAGE, PAGE), 0);
	check_u64("munmap: before the hole", first_bad(p, HUGE + 100 * PAGE, 2, 0, 0), HUGE + 100 * PAGE);
	size_t after = HUGE + 101 * PAGE;
	size_t bad;
	for (bad = 0; bad < 2 * HUGE - after && p[after + bad] == pattern(2, after + bad); bad++)
		;
	check_u64("munmap: after the hole", bad, 2 * HUGE - after);
	check_u64("munmap: the first 2 MiB whole", (uint64_t)munmap(p, HUGE), 0);
	munmap(p + HUGE, 2 * HUGE);
}

static void test_dontneed(void)
{
	unsigned char *p = aligned_anon(HUGE);
	check_true("dontneed: mapped", p != NULL);
	fill(p, HUGE, 3);
	check_u64("dontneed: one page", (uint64_t)madvise(p + 300 * PAGE, PAGE, MADV_DONTNEED), 0);
	size_t zeros = 0;
	for (size_t i = 0; i < PAGE; i++)
		zeros += p[300 * PAGE + i] == 0;
	check_u64("dontneed: the page reads zeros", zeros, PAGE);
	check_u64("dontneed: the rest intact", first_bad(p, HUGE, 3, 300 * PAGE, PAGE), HUGE);
	fill(p, HUGE, 4);
	check_u64("dontneed: refilled", first_bad(p, HUGE, 4, 0, 0), HUGE);
	check_u64("dontneed: the whole range", (uint64_t)madvise(p, HUGE, MADV_DONTNEED), 0);
	zeros = 0;
	for (size_t i = 0; i < HUGE; i += 64)
		zeros += p[i] == 0;
	check_u64("dontneed: all zeros", zeros, HUGE / 64);
	check_u64("dontneed: MADV_NOHUGEPAGE", (uint64_t)madvise(p, HUGE, MADV_NOHUGEPAGE), 0);
	munmap(p, HUGE);
}

static void test_fork(void)
{
	unsigned char *p = aligned_anon(2 * HUGE);
	check_true("fork: mapped", p != NULL);
	fill(p, 2 * HUGE, 5);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		int ok = first_bad(p, 2 * HUGE, 5, 0, 0) == 2 * HUGE;
		p[7 * PAGE + 3] = 0xaa;          /* copy on write in the child */
		p[HUGE + 511 * PAGE] = 0xbb;
		ok &= p[7 * PAGE + 3] == 0xaa && p[HUGE + 511 * PAGE] == 0xbb;
		ok &= first_bad(p, HUGE, 5, 7 * PAGE + 3, 1) == HUGE;
		_exit(ok ? 0 : 1);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	check_u64("fork: child saw the contents and its own writes", (uint64_t)status, 0);
	check_u64("fork: parent's memory unchanged", first_bad(p, 2 * HUGE, 5, 0, 0), 2 * HUGE);
	p[7 * PAGE + 3] = 0xcc;                  /* copy on write in the parent */
	check_u64("fork: parent writes after the child is gone", p[7 * PAGE + 3], 0xcc);
	check_u64("fork: parent's rest intact", first_bad(p, 2 * HUGE, 5, 7 * PAGE + 3, 1), 2 * HUGE);
	munmap(p, 2 * HUGE);
}

static void test_brk(void)
{
	unsigned char *b = sbrk(0);
	uintptr_t start = ((uintptr_t)b + HUGE - 1) & ~(HUGE - 1);
	size_t n = start - (uintptr_t)b + 2 * HUGE;
	check_true("brk: grown", sbrk((intptr_t)n) == b);
	unsigned char *h = (unsigned char *)start;
	fill(h, 2 * HUGE, 6);
	check_u64("brk: filled", first_bad(h, 2 * HUGE, 6, 0, 0), 2 * HUGE);
	/* the break comes down into the second 2 MiB range, then the first */
	check_true("brk: down 1 MiB", sbrk(-(intptr_t)MB) != (void *)-1);
	check_u64("brk: left intact", first_bad(h, HUGE + MB, 6, 0, 0), HUGE + MB);
	check_true("brk: down 1.5 MiB more", sbrk(-(intptr_t)(3 * MB / 2)) != (void *)-1);
	check_u64("brk: first range intact", first_bad(h, HUGE / 4 * 3, 6, 0, 0), HUGE / 4 * 3);
	check_true("brk: up again", sbrk((intptr_t)(5 * MB / 2)) != (void *)-1);
	size_t zeros = 0;
	for (size_t i = HUGE / 4 * 3; i < 2 * HUGE; i += 64)
		zeros += h[i] == 0;
	check_u64("brk: regrown memory reads zeros", zeros, (2 * HUGE - HUGE / 4 * 3) / 64);
	sbrk(-(intptr_t)n);
}

/* Touches n MiB twice over, checking what comes back (with a small
 * --frames and --swap, pages go to swap and return). */
static void test_pressure(size_t mib)
{
	/* first one page in each of four 2 MiB ranges (with --thp, four
	 * reservations that pressure must break before it swaps) */
	unsigned char *sparse = aligned_anon(4 * HUGE);
	check_true("pressure: sparse mapped", sparse != NULL);
	for (int i = 0; i < 4; i++)
		sparse[i * HUGE + 4 * PAGE + i] = (unsigned char)(0x40 + i);
	unsigned char *p = aligned_anon(mib * MB);
	check_true("pressure: mapped", p != NULL);
	for (int round = 0; round < 2; round++) {
		fill(p, mib * MB, 7 + round);
		check_u64("pressure: contents", first_bad(p, mib * MB, 7 + round, 0, 0), mib * MB);
	}
	unsigned sum = 0;
	for (int i = 0; i < 4; i++)
		sum += sparse[i * HUGE + 4 * PAGE + i] == 0x40 + i;
	check_u64("pressure: sparse pages kept", sum, 4);
	munmap(p, mib * MB);
	munmap(sparse, 4 * HUGE);
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "pressure")) {
		test_pressure((size_t)atoi(argv[2]));
		return check_done("thp");
	}
	test_mprotect();
	test_munmap();
	test_dontneed();
	test_fork();
	test_brk();
	return check_done("thp");
}
