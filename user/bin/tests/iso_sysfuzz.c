/*
 * iso_sysfuzz - a system-call fuzzer that runs as a user program inside
 * vmos (never run it on a real kernel: it makes random system calls).
 *
 * Usage: iso_sysfuzz SEED [N]   (N calls, default 20000)
 *
 * A xorshift64* generator seeded by SEED picks each call's number (0..300
 * uniformly, or one of the calls vmos implements) and its arguments, each
 * from a class: small ints, -1, huge and random 64-bit values, pointers into
 * a scratch arena (an mmap with RW, read-only, PROT_NONE and PROT_WRITE-only
 * pages and an unmapped page after it), into brk scratch, into the program's own text and
 * rodata (the kernel must never write there), into the kernel direct map,
 * unmapped and non-canonical addresses.  Pointer classes never point at the
 * program's live data or stack.  Calls that would end it, block it, flood
 * its output or destroy its own memory are rewritten or skipped:
 *   exit, exit_group, rt_sigreturn,    skipped
 *   rt_sigsuspend
 *   clone                              raw ecall; a child exits at once
 *   execve                             only a missing path, bad pointers, or
 *                                      its own path with a bad argv/envp
 *                                      (must fail with EFAULT, not exec)
 *   wait4, waitid                      WNOHANG forced
 *   nanosleep, clock_nanosleep,        only a short or invalid timespec, or
 *   ppoll, pselect6                    a bad pointer (not NULL for these)
 *   read/readv from fd 0, write/writev/pwrite to fds 0-2      skipped
 *   close of fds 0-2, dup3 onto them (its own output)           skipped
 *   kill, tkill, tgkill of pid <= 0, itself or its parent      skipped
 *   rt_sigaction of SIGPIPE (ignored from the start)            skipped
 *   mmap/munmap/mprotect/madvise/mremap/brk of a range outside the arena
 *     (unless wholly above the user half) are moved into the arena
 * Every ~400 calls it forks a child that checks a canary page it shares
 * copy-on-write with the parent while the parent overwrites the canary
 * with stores and system calls (copyout must break COW, not write the
 * shared frame): the child exits 1 if it ever sees the parent's writes.
 * Children are reaped with WNOHANG, the rest at the end.
 * At the end it checks that its read-only memory (text, rodata) did not
 * change, then prints "sysfuzz: N calls done" and exits 0; any problem
 * prints a "sysfuzz: FAIL ..." line and exits 1.  Counters go to stderr;
 * with SYSFUZZ_VERBOSE set in the environment, every call and its result too.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define ARENA_PAGES 32
#define ARENA_LEN (ARENA_PAGES * PAGE)
#define BRK_LEN (16 * PAGE)
#define USER_END 0x0000800000000000ULL	/* above every user half (Sv39, Sv48) */
#define KDIRECT 0xffffffc080000000ULL

static uint64_t rng;
static uintptr_t arena, brk_scratch;
static const unsigned char ro_data[2 * 4096] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static unsigned char canary[2 * 4096] __attribute__((aligned(4096)));
static const struct timespec short_ts = { 0, 1000 };
static const struct timespec bad_ts = { 0, 2000000000L };
static const char missing_path[] = "/nonexistent/vmos-iso-sysfuzz";
static uintptr_t bad_argv[2];
static const char *good_argv[2] = { "iso_sysfuzz", NULL };
static const char *self_path;
static int verbose;
static long calls, skipped, forks, leaks, enosys;

static uint64_t next(void)
{
	rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static uint64_t below(uint64_t n) { return next() % n; }

/* bad_ptr returns an address no user access may reach. */
static uint64_t bad_ptr(void)
{
	switch (below(5)) {
	case 0: return 0;
	case 1: return KDIRECT + below(1 << 20);
	case 2: return 0x3000000000ULL + below(1 << 20);	/* unmapped */
	case 3: return 0x8000000000000000ULL + below(4096);	/* non-canonical */
	default: return USER_END - 8 + below(16);		/* straddles the top */
	}
}

/* bad_nonnull returns a bad address that is not NULL. */
static uint64_t bad_nonnull(void)
{
	uint64_t a = bad_ptr();
	return a ? a : KDIRECT;
}

/* arg returns one random argument from a random class (see the header). */
static uint64_t arg(void)
{
	switch (below(12)) {
	case 0: return below(17);
	case 1: return (uint64_t)-1;
	case 2: return (uint64_t)-1 - below(4096);			/* -errno-like */
	case 3: return next() | 1ULL << 63;				/* huge */
	case 4: return (next() & 0x7fffffffffffffffULL) | 1ULL << 50;	/* large, positive */
	case 5: return below(0x10000);	/* a length; as a pointer: below the program, unmapped */
	case 6: case 7: return arena + below(ARENA_LEN + PAGE);	/* includes the hole after it */
	case 8: return brk_scratch + below(BRK_LEN);
	case 9: return below(2) ? (uintptr_t)ro_data + below(sizeof ro_data) : (uintptr_t)&next + below(256);
	default: return bad_ptr();
	}
}

/* clamp_range moves a memory-management range into the arena unless it
 * lies wholly above the user half; returns the new address, shortens *len. */
static uint64_t clamp_range(uint64_t addr, uint64_t *len)
{
	if (addr >= USER_END && addr + *len >= addr)
		return addr;
	uint64_t a = (arena + (addr % ARENA_LEN)) & ~(PAGE - 1);
	if (below(4) == 0)
		a |= addr & (PAGE - 1);	/* sometimes misaligned */
	if (*len > arena + ARENA_LEN - a)
		*len = arena + ARENA_LEN - a;
	return a;
}

static long raw6(long n, uint64_t *a)
{
	return syscall(n, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* raw_clone makes the clone call with an ecall whose child exits at once
 * without touching memory (its stack pointer may be anything). */
static long raw_clone(uint64_t *a)
{
	register long a0 __asm__("a0") = (long)a[0];
	register long a1 __asm__("a1") = (long)a[1];
	register long a2 __asm__("a2") = (long)a[2];
	register long a3 __asm__("a3") = (long)a[3];
	register long a4 __asm__("a4") = (long)a[4];
	register long a7 __asm__("a7") = SYS_clone;
	__asm__ volatile("ecall\n\tbnez a0, 1f\n\tli a7, 93\n\tecall\n1:"
			 : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a7) : "memory");
	return a0;
}

static uint64_t hash(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	return h;
}

/* cow_child forks a child that watches the canary while the parent
 * overwrites it with stores and copyouts. */
static void cow_child(void)
{
	for (size_t i = 0; i < sizeof canary; i++)
		canary[i] = (unsigned char)(i * 13 + 5);
	uint64_t want = hash(canary, sizeof canary);
	pid_t pid = fork();
	if (pid == 0) {
		int bad = hash(canary, sizeof canary) != want;
		for (int i = 0; i < 4 && !bad; i++) {
			sched_yield();
			bad = hash(canary, sizeof canary) != want;
		}
		_exit(bad);
	}
	if (pid < 0)
		return;
	forks++;
	syscall(278 /* getrandom */, canary + 100, 256, 0);
	syscall(160 /* uname */, canary + 4096 - 200);	/* straddles both pages */
	syscall(SYS_clock_gettime, 1, canary + 3000);
	canary[5000] ^= 0xff;
}

static void account(int st)
{
	if (WIFEXITED(st) && WEXITSTATUS(st) == 1)
		leaks++;
}

/* one makes one random system call (or skips it; see the header). */
static void one(void)
{
	uint64_t a[6];
	long n;
	for (int i = 0; i < 6; i++)
		a[i] = arg();
	static const short impl[] = { 63, 64, 66, 93, 94, 96, 101, 113, 124, 129, 134, 135, 160,
				      172, 173, 178, 214, 215, 220, 221, 222, 226, 233, 260, 278, 57, 29,
				      72, 73, 88 };
	n = below(3) ? impl[below(sizeof impl / sizeof impl[0])] : (long)below(301);
	int fd = (int)a[0];
	long r;
	switch (n) {
	case 93: case 94: case 139:			/* exit, exit_group, rt_sigreturn */
	case 133:					/* rt_sigsuspend: no signal comes */
		skipped++;
		return;
	case 63: case 65:				/* read, readv */
		if (fd == 0) { skipped++; return; }
		break;
	case 64: case 66: case 68: case 70:		/* write, writev, pwrite64, pwritev */
		if (fd >= 0 && fd <= 2) { skipped++; return; }
		break;
	case 57:					/* close */
		if (fd >= 0 && fd <= 2) { skipped++; return; }
		break;
	case 24:					/* dup3 */
		if ((int)a[1] >= 0 && (int)a[1] <= 2) { skipped++; return; }
		break;
	case 129: case 130: case 131: {			/* kill, tkill, tgkill */
		int pid = (int)a[0];
		if (pid <= 0 || pid == getpid() || pid == getppid() ||
		    (n == 131 && ((int)a[1] <= 0 || (int)a[1] == getpid() || (int)a[1] == getppid()))) {
			skipped++;
			return;
		}
		break;
	}
	case 134:					/* rt_sigaction: SIGPIPE stays ignored */
		if ((int)a[0] == 13) { skipped++; return; }
		break;
	case 260: a[2] |= WNOHANG; break;		/* wait4 */
	case 95: a[3] |= WNOHANG; break;		/* waitid */
	case 101: case 115: {				/* nanosleep, clock_nanosleep */
		int k = n == 101 ? 0 : 2;
		uint64_t c = below(3);
		a[k] = c == 0 ? (uintptr_t)&short_ts : c == 1 ? (uintptr_t)&bad_ts : bad_ptr();
		if (n == 115)
			a[1] &= ~1ULL;			/* not TIMER_ABSTIME */
		break;
	}
	case 72: case 73: {				/* pselect6, ppoll: never wait long */
		int k = n == 72 ? 4 : 2;
		uint64_t c = below(3);
		/* (NULL would be no timeout at all) */
		a[k] = c == 0 ? (uintptr_t)&short_ts : c == 1 ? (uintptr_t)&bad_ts : bad_nonnull();
		break;
	}
	case 220:					/* clone */
		calls++;
		r = raw_clone(a);
		if (r > 0)
			forks++;
		if (r == -ENOSYS)
			enosys++;
		return;
	case 221: {					/* execve */
		uint64_t c = below(3);
		if (c == 0) {
			a[0] = (uintptr_t)self_path;
			bad_argv[0] = bad_nonnull();
			uint64_t w = below(3);
			a[1] = w == 0 ? (uintptr_t)bad_argv : bad_nonnull();
			a[2] = w == 2 ? bad_nonnull() : 0;
			if (w == 2)
				a[1] = (uintptr_t)good_argv;
		} else {
			a[0] = c == 1 ? (uintptr_t)missing_path : bad_ptr();
		}
		break;
	}
	case 214:					/* brk: only inside the scratch */
		a[0] = brk_scratch + below(BRK_LEN + 1);
		break;
	case 222: case 215: case 226: case 233: case 216: {	/* mmap munmap mprotect madvise mremap */
		a[0] = clamp_range(a[0], &a[1]);
		if (n == 222 && (a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE)) == 0 && below(2))
			a[0] = 0;
		if (n == 216) {
			a[2] = a[1];			/* mremap: never grow or move */
			a[3] = 0;
		}
		break;
	}
	default:
		break;
	}
	calls++;
	if (verbose)
		fprintf(stderr, "sysfuzz: call %ld(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n", n,
			(long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4], (long)a[5]);
	r = raw6(n, a);
	if (verbose)
		fprintf(stderr, "sysfuzz:   = %ld (errno %d)\n", r, r == -1 ? errno : 0);
	if (r == -1 && errno == ENOSYS)
		enosys++;
	if (n == 221 && r != -1) {
		printf("sysfuzz: FAIL execve returned %ld\n", r);
		exit(1);
	}
	if (n == 222 && r != -1 && !(a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE)))
		syscall(SYS_munmap, r, a[1]);		/* do not accumulate mappings */
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		printf("usage: iso_sysfuzz SEED [N]\n");
		return 2;
	}
	verbose = getenv("SYSFUZZ_VERBOSE") != NULL;
	/* a write into a pipe whose reader it closed must not end it: SIGPIPE
	 * ignored (the write then fails with EPIPE), as the rewrites below
	 * keep it so */
	long ign[3] = { 1 /* SIG_IGN */, 0, 0 };
	syscall(SYS_rt_sigaction, 13 /* SIGPIPE */, ign, 0L, 8L);
	self_path = (const char *)getauxval(AT_EXECFN);	/* argv[0] may be a basename */
	rng = strtoull(argv[1], NULL, 0) * 0x9e3779b97f4a7c15ULL + 1;
	long n = argc > 2 ? strtol(argv[2], NULL, 0) : 20000;

	char *m = mmap(NULL, ARENA_LEN + PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || munmap(m + ARENA_LEN, PAGE) != 0)
		return 3;
	memset(m, 0x5a, ARENA_LEN);
	mprotect(m + 8 * PAGE, 8 * PAGE, PROT_READ);
	mprotect(m + 16 * PAGE, 8 * PAGE, PROT_NONE);
	mprotect(m + 24 * PAGE, 4 * PAGE, PROT_WRITE);	/* readable too (Linux/riscv64) */
	arena = (uintptr_t)m;
	brk_scratch = (uintptr_t)sbrk(BRK_LEN);
	uint64_t ro_before = hash(ro_data, sizeof ro_data) ^ hash((const void *)((uintptr_t)&next & ~(PAGE - 1)), PAGE);

	for (long i = 0; i < n; i++) {
		one();
		if (below(400) == 0)
			cow_child();
		int st;
		pid_t p;
		while ((p = waitpid(-1, &st, WNOHANG)) > 0)
			account(st);
	}
	int st;
	pid_t p;
	while ((p = waitpid(-1, &st, 0)) > 0)
		account(st);
	fprintf(stderr, "sysfuzz: made %ld calls (%ld ENOSYS), skipped %ld, %ld children\n",
		calls, enosys, skipped, forks);
	uint64_t ro_after = hash(ro_data, sizeof ro_data) ^ hash((const void *)((uintptr_t)&next & ~(PAGE - 1)), PAGE);
	if (ro_after != ro_before) {
		printf("sysfuzz: FAIL read-only memory changed\n");
		return 1;
	}
	if (leaks) {
		printf("sysfuzz: FAIL %ld children saw the parent's writes\n", leaks);
		return 1;
	}
	/* on a line of its own: a fuzzed call may have written bytes with no
	 * newline to stdout (a dup of fd 1, /dev/stdout), which the harness's
	 * last-line check (tests/fuzz/sys_run) took for a failure */
	printf("\nsysfuzz: %ld calls done\n", n);
	return 0;
}
