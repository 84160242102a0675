/*
 * vmt_mem - edge cases of the address-space calls, with Linux semantics,
 * where a fault is expected it is taken in a forked child and seen as a
 * SIGSEGV exit status by the parent:
 *   brk: brk(0) reports the break; growing gives zeroed memory; a request
 *   below the initial break or absurdly high fails (returns the old break);
 *   shrinking unmaps (touching the freed area faults) and growing again
 *   gives zeroes, not the old contents;
 *   mmap: MAP_FIXED_NOREPLACE over a mapping -> EEXIST, in a hole -> ok;
 *   munmap of the middle of a mapping leaves both sides usable and the hole
 *   faulting; mprotect(PROT_READ) makes writes fault but keeps the data;
 *   PROT_NONE makes reads fault and the data comes back with PROT_READ;
 *   the stack grows on demand to several MiB.
 * No addresses are printed.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define PG 4096UL

static volatile char *target;
static int mode;           /* 0 read, 1 write */

static int child_touch(void)
{
	if (mode)
		*target = 1;
	else
		(void)*target;
	return 0;
}

/* Touches p in a child; returns the signal that ended it (0 if none). */
static int touch_sig(volatile char *p, int write)
{
	target = p;
	mode = write;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(child_touch());
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

static unsigned long sys_brk(unsigned long a)
{
	return (unsigned long)syscall(SYS_brk, a);
}

static int all_zero(const volatile char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static unsigned long brk_base, brk_top;

static void test_brk(void)
{
	unsigned long b0 = sys_brk(0);
	check_true("brk(0) returns the break", b0 != 0 && b0 == sys_brk(0));
	unsigned long base = (b0 + PG - 1) & ~(PG - 1);
	unsigned long top = base + 16 * PG;
	check_true("brk grows by 16 pages", sys_brk(top) == top);
	check_true("brk(0) reports the new break", sys_brk(0) == top);
	volatile char *p = (volatile char *)base;
	check_true("grown break is zeroed", all_zero(p, 16 * PG));
	memset((char *)p, 0x5a, 16 * PG);
	check_true("grown break holds data", p[16 * PG - 1] == 0x5a && p[0] == 0x5a);
	check_true("brk below the initial break fails (returns the current break)",
		   sys_brk(b0 - 64 * PG) == top);
	check_true("brk to a kernel address fails", sys_brk(0xffffffc000000000UL) == top);
	check_true("brk to the top of the address space fails", sys_brk(~0UL - PG) == top);
	/* a mapping placed just above the break blocks growth over it */
	char *wall = mmap((void *)(top + 32 * PG), PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	check_true("map a page 32 pages above the break", wall == (char *)(top + 32 * PG));
	check_true("brk over a mapping fails", sys_brk(top + 64 * PG) == top);
	check_true("brk up to the mapping works", sys_brk(top + 32 * PG) == top + 32 * PG);
	check_true("the mapping is intact", touch_sig(wall, 0) == 0 && wall[0] == 0);
	check_true("brk back down", sys_brk(top) == top);
	munmap(wall, PG);
	check_true("break unchanged after the failures", sys_brk(0) == top);
	check_u64("write into the break works (signal)", (uint64_t)touch_sig(p + 8 * PG, 1), 0);
	brk_base = base;
	brk_top = top;
}

/* Linux unmaps a shrunk break; qemu-riscv64 7.2 keeps the pages. */
static void test_brk_shrink(void)
{
	unsigned long base = brk_base, top = brk_top;
	volatile char *p = (volatile char *)base;
	check_true("brk shrinks by 12 pages", sys_brk(base + 4 * PG) == base + 4 * PG);
	check_u64("touching a freed break page faults (signal)", (uint64_t)touch_sig(p + 8 * PG, 0), SIGSEGV);
	check_u64("the last freed page faults too (signal)", (uint64_t)touch_sig(p + 16 * PG - 1, 1), SIGSEGV);
	check_u64("the kept part is still there (signal)", (uint64_t)touch_sig(p + 4 * PG - 1, 1), 0);
	check_true("the kept part keeps its data", p[4 * PG - 1] == 0x5a);
	check_true("brk grows again", sys_brk(top) == top);
	check_true("regrown pages are zero, not the old data", all_zero(p + 4 * PG, 12 * PG));
}

/* qemu-riscv64 7.2 treats MAP_FIXED_NOREPLACE as a hint. */
static void test_noreplace(void)
{
	char *m = mmap(0, 6 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check_true("mmap 6 pages", m != MAP_FAILED);
	memset(m, 0x11, 6 * PG);
	errno = 0;
	void *r = mmap(m + 2 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	check_true("MAP_FIXED_NOREPLACE over a mapping -> EEXIST", r == MAP_FAILED && errno == EEXIST);
	errno = 0;
	r = mmap(m + 5 * PG, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	check_true("MAP_FIXED_NOREPLACE overlapping the end -> EEXIST", r == MAP_FAILED && errno == EEXIST);
	errno = 0;
	r = mmap(m - PG, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	check_true("MAP_FIXED_NOREPLACE overlapping the start -> EEXIST", r == MAP_FAILED && errno == EEXIST);
	check_true("the mapping is untouched", m[2 * PG] == 0x11 && m[5 * PG] == 0x11);
	check_true("munmap the middle", munmap(m + 2 * PG, 2 * PG) == 0);
	r = mmap(m + 2 * PG, 2 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	check_true("MAP_FIXED_NOREPLACE into the hole succeeds", r == (void *)(m + 2 * PG));
	check_true("the refilled hole is zero", all_zero(m + 2 * PG, 2 * PG));
	check_true("munmap all", munmap(m, 6 * PG) == 0);
}

/* munmap of a middle part, MAP_FIXED refill, mprotect. */
static void test_mmap(void)
{
	char *m = mmap(0, 6 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check_true("mmap 6 pages", m != MAP_FAILED);
	memset(m, 0x11, 6 * PG);
	void *r;
	/* munmap the middle two pages */
	check_true("munmap the middle", munmap(m + 2 * PG, 2 * PG) == 0);
	check_u64("left side readable (signal)", (uint64_t)touch_sig(m + 2 * PG - 1, 0), 0);
	check_u64("right side writable (signal)", (uint64_t)touch_sig(m + 4 * PG, 1), 0);
	check_u64("the hole faults (signal)", (uint64_t)touch_sig(m + 2 * PG, 0), SIGSEGV);
	check_u64("the hole's last byte faults (signal)", (uint64_t)touch_sig(m + 4 * PG - 1, 1), SIGSEGV);
	check_true("both sides keep their data", m[0] == 0x11 && m[2 * PG - 1] == 0x11 &&
		   m[4 * PG] == 0x11 && m[6 * PG - 1] == 0x11);
	r = mmap(m + 2 * PG, 2 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	check_true("MAP_FIXED into the hole succeeds", r == (void *)(m + 2 * PG));
	check_true("the refilled hole is zero", all_zero(m + 2 * PG, 2 * PG));
	check_true("munmap of an already unmapped range succeeds",
		   munmap(m + 6 * PG, PG) == 0);

	/* mprotect */
	check_true("mprotect PROT_READ", mprotect(m, 6 * PG, PROT_READ) == 0);
	check_u64("write to PROT_READ faults (signal)", (uint64_t)touch_sig(m + PG, 1), SIGSEGV);
	check_u64("read of PROT_READ works (signal)", (uint64_t)touch_sig(m + PG, 0), 0);
	check_true("PROT_READ keeps the data", m[PG] == 0x11);
	check_true("mprotect PROT_NONE on one page", mprotect(m + PG, PG, PROT_NONE) == 0);
	check_u64("read of PROT_NONE faults (signal)", (uint64_t)touch_sig(m + PG + 5, 0), SIGSEGV);
	check_u64("neighbour still readable (signal)", (uint64_t)touch_sig(m + 2 * PG, 0), 0);
	check_true("mprotect back to read+write", mprotect(m, 6 * PG, PROT_READ | PROT_WRITE) == 0);
	check_true("PROT_NONE kept the data", m[PG + 5] == 0x11);
	m[PG] = 0x22;
	check_true("writable again", m[PG] == 0x22);
	errno = 0;
	check_true("mprotect of a range with a hole -> ENOMEM",
		   (munmap(m + 3 * PG, PG) == 0) && mprotect(m, 6 * PG, PROT_READ) == -1 && errno == ENOMEM);
	check_true("munmap all", munmap(m, 6 * PG) == 0);
	check_u64("unmapped mapping faults (signal)", (uint64_t)touch_sig(m, 0), SIGSEGV);
}

/* Recursion with 64 KiB frames, touching every page of each. */
static int deep(int n)
{
	volatile char frame[64 * 1024];
	for (size_t i = 0; i < sizeof frame; i += 1024)
		frame[i] = (char)(n + i);
	int sum = n ? deep(n - 1) : 0;
	for (size_t i = 0; i < sizeof frame; i += 4096)
		sum += frame[i] == (char)(n + i);
	return sum;
}

static int child_stack(void)
{
	return deep(96) == 97 * 16 ? 0 : 1;       /* about 6 MiB */
}

static void test_stack(void)
{
	check_u64("stack grows to 6 MiB", (uint64_t)deep(96), 97 * 16);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(child_stack());
	int st;
	check_true("a forked child's stack grows too",
		   waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* usage: vmt_mem [brk|brk-shrink|noreplace|mmap|stack]... (default: the
 * parts qemu-riscv64 agrees with: brk mmap stack) */
int main(int argc, char **argv)
{
	const char *def[] = { "vmt_mem", "brk", "mmap", "stack" };
	if (argc < 2) {
		argc = 4;
		argv = (char **)def;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "brk"))
			test_brk();
		else if (!strcmp(argv[i], "brk-shrink"))
			test_brk_shrink();
		else if (!strcmp(argv[i], "noreplace"))
			test_noreplace();
		else if (!strcmp(argv[i], "mmap"))
			test_mmap();
		else if (!strcmp(argv[i], "stack"))
			test_stack();
		else {
			printf("vmt_mem: unknown part %s\n", argv[i]);
			return 2;
		}
	}
	return check_done("vmt_mem");
}
