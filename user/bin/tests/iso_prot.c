/*
 * iso_prot - the protection matrix from user space: every protection a
 * private anonymous mapping can have (---, r--, -w-, rw-, --x, r-x, -wx,
 * rwx) x the state of its page x five kinds of access, each case in a
 * child of its own, its outcome read from the wait status (signal
 * handlers do not exist yet).
 *
 * Usage: iso_prot [user|kernel|exec-only]
 *   user       loads, stores and fetches by the program (the default), but
 *              not loads from an execute-only page
 *   kernel     the kernel's reads and writes of the page in system calls
 *              (kread, kwrite), but not reads of an execute-only page.
 *              qemu-user differs: its system calls check its own page
 *              flags, in which write does not imply read, so it refuses
 *              them on -w- and -wx pages that Linux/riscv64 reads and writes
 *   exec-only  loads by the program or the kernel from an execute-only (--x)
 *              page: SIGSEGV / EFAULT on Linux/riscv64 and vmos, where --x
 *              is execute-only in the page table; qemu-user maps the page
 *              readable on its host and lets them through
 *
 * What is allowed (Linux/riscv64: W without R cannot be encoded in a PTE,
 * so PROT_WRITE alone and PROT_WRITE|PROT_EXEC are readable too):
 *   load    a load by the program            R or W, else SIGSEGV
 *   store   a store by the program           W, else SIGSEGV
 *   fetch   a call into the page             X, else SIGSEGV (a page of
 *                                            zeros then dies of SIGILL)
 *   kread   the kernel reads it (writev's iovec)           R or W, else EFAULT
 *   kwrite  the kernel writes it (clock_gettime's result)  W, else EFAULT
 * States of the page before the access:
 *   fresh         nothing mapped yet: mmap(prot)
 *   zero-page     mmap(PROT_READ), one load (the shared zero page is
 *                 mapped), mprotect(prot)
 *   written       mmap(RW), a `ret` instruction and a byte pattern
 *                 written, mprotect(prot)
 *   fork-child    written, fork; the child accesses
 *   fork-parent   written, fork; the parent accesses
 *   zero-fork     zero-page, fork; the child accesses
 *   churned       written, then 64 other pages written (run with
 *                 `vmos run --frames 16 --swap ...` this swaps the page out)
 *   fork-churned  written, fork; the child churns, then accesses
 * After fork the process that did not access checks that its copy is
 * unchanged (copy-on-write, for the kernel's stores too).
 * Each case prints "ok PROT STATE ACCESS: OUTCOME" or "FAIL ...: got X, want
 * Y"; the last line counts them.  Exit status 0 if all are as expected.
 * Every case must end: a livelock (an access that faults forever) hangs
 * the program, which its test's timeout turns into a failure.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define PAT 0x5a
#define CHURN_PAGES 64

enum { LOAD, STORE, FETCH, KREAD, KWRITE, NACC };
enum { FRESH, ZERO, WRITTEN, FORK_CHILD, FORK_PARENT, ZERO_FORK, CHURNED, FORK_CHURNED, NSTATE };
static const char *const prot_name[8] = { "---", "r--", "-w-", "rw-", "--x", "r-x", "-wx", "rwx" };
static const char *const acc_name[NACC] = { "load", "store", "fetch", "kread", "kwrite" };
static const char *const state_name[NSTATE] = { "fresh", "zero-page", "written", "fork-child",
						 "fork-parent", "zero-fork", "churned", "fork-churned" };

/* Outcomes: 0 allowed (and the bytes were right), 128+N killed by signal
 * N, EFAULT_OUT a system call failed with EFAULT, others a failed check. */
#define EFAULT_OUT 14
#define SIGILL_OUT (128 + 4)
#define SIGSEGV_OUT (128 + 11)

static unsigned char *churn;

static int expected(int prot, int acc, int state)
{
	int readable = prot & (PROT_READ | PROT_WRITE), has_code = state != FRESH && state != ZERO &&
								  state != ZERO_FORK;
	switch (acc) {
	case LOAD: return readable ? 0 : SIGSEGV_OUT;
	case STORE: return prot & PROT_WRITE ? 0 : SIGSEGV_OUT;
	case FETCH: return !(prot & PROT_EXEC) ? SIGSEGV_OUT : has_code ? 0 : SIGILL_OUT;
	case KREAD: return readable ? 0 : EFAULT_OUT;
	default: return prot & PROT_WRITE ? 0 : EFAULT_OUT;
	}
}

static const char *outcome_name(int o, char *buf)
{
	if (o == 0)
		return "allowed";
	if (o == SIGSEGV_OUT)
		return "SIGSEGV";
	if (o == SIGILL_OUT)
		return "SIGILL";
	if (o == EFAULT_OUT)
		return "EFAULT";
	sprintf(buf, "status %d", o);
	return buf;
}

static int status_outcome(int st)
{
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

/* Makes the access; returns 0 if it went through and found (or left) the
 * right bytes, EFAULT_OUT if a system call refused the address, or a check
 * number; a forbidden load, store or fetch kills the process. */
static int access_page(unsigned char *p, int acc, int want)
{
	volatile unsigned char *v = p;
	switch (acc) {
	case LOAD:
		return v[2] == want ? 0 : 20;
	case STORE:
		v[3] = 0x77;
		return v[3] == 0x77 ? 0 : 21;
	case FETCH:
		((void (*)(void))p)();
		return 0;
	case KREAD: {	/* a zero iovec at offset 16: writes nothing */
		long r = syscall(SYS_writev, 1, p + 16, 1);
		if (r == 0)
			return 0;
		return r < 0 && errno == EFAULT ? EFAULT_OUT : 22;
	}
	default:
		if (clock_gettime(CLOCK_MONOTONIC, (struct timespec *)(p + 16)) == 0)
			return v[16] | v[17] | v[18] | v[19] | v[24] | v[25] ? 0 : 23;
		return errno == EFAULT ? EFAULT_OUT : 24;
	}
}

/* True if the page (of a process that did not access it) still holds what
 * it held before fork: made readable first, whatever its protection. */
static int unchanged(unsigned char *p, int want)
{
	if (mprotect(p, PAGE, PROT_READ) != 0)
		return 0;
	volatile unsigned char *v = p;
	int zero = 1;
	for (int i = 16; i < 32; i++)
		zero &= v[i] == 0;
	return v[2] == want && v[3] == 0 && zero;
}

static void churn_pages(void)
{
	for (unsigned long i = 0; i < CHURN_PAGES; i++)
		churn[i * PAGE] = (unsigned char)(i + 1);
}

/* Runs one case in the calling process (a fresh child of main) and exits
 * with its outcome. */
static _Noreturn void run_case(int prot, int state, int acc)
{
	unsigned char *p;
	int want = 0;
	if (state == FRESH) {
		p = mmap(NULL, PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	} else if (state == ZERO || state == ZERO_FORK) {
		p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED && *(volatile unsigned char *)p != 0)
			_exit(30);
	} else {
		p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED) {
			p[0] = 0x82, p[1] = 0x80;	/* c.ret */
			p[2] = PAT;
			__asm__ volatile("fence.i" ::: "memory");
		}
		want = PAT;
	}
	if (p == MAP_FAILED)
		_exit(31);
	if (state != FRESH && mprotect(p, PAGE, prot) != 0)
		_exit(32);
	if (state == CHURNED)
		churn_pages();
	if (state == FORK_CHILD || state == ZERO_FORK || state == FORK_CHURNED) {
		pid_t c = fork();
		if (c < 0)
			_exit(33);
		if (c == 0) {
			if (state == FORK_CHURNED)
				churn_pages();
			_exit(access_page(p, acc, want));
		}
		int st;
		if (waitpid(c, &st, 0) != c)
			_exit(34);
		if (!unchanged(p, want))
			_exit(35);	/* the child's access reached the parent */
		_exit(status_outcome(st));
	}
	if (state == FORK_PARENT) {
		pid_t c = fork();
		if (c < 0)
			_exit(33);
		if (c == 0) {
			sched_yield();
			_exit(unchanged(p, want) ? 0 : 1);
		}
		int r = access_page(p, acc, want), st;
		if (waitpid(c, &st, 0) != c)
			_exit(34);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			_exit(36);	/* the parent's access reached the child */
		_exit(r);
	}
	_exit(access_page(p, acc, want));
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "user";
	if (strcmp(mode, "user") && strcmp(mode, "kernel") && strcmp(mode, "exec-only")) {
		printf("usage: iso_prot [user|kernel|exec-only]\n");
		return 2;
	}
	churn = mmap(NULL, CHURN_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (churn == MAP_FAILED)
		return 3;
	int cases = 0, failed = 0;
	for (int prot = 0; prot < 8; prot++)
		for (int state = 0; state < NSTATE; state++)
			for (int acc = 0; acc < NACC; acc++) {
				int xload = prot == PROT_EXEC && (acc == LOAD || acc == KREAD);
				const char *m = xload ? "exec-only" : acc >= KREAD ? "kernel" : "user";
				if (strcmp(m, mode))
					continue;
				fflush(stdout);
				pid_t pid = fork();
				if (pid < 0) {
					printf("FAIL fork: errno %d\n", errno);
					return 1;
				}
				if (pid == 0)
					run_case(prot, state, acc);
				int st;
				if (waitpid(pid, &st, 0) != pid) {
					printf("FAIL waitpid: errno %d\n", errno);
					return 1;
				}
				int got = status_outcome(st), want = expected(prot, acc, state);
				char b1[32], b2[32];
				cases++;
				if (got == want) {
					printf("ok %s %-12s %-6s: %s\n", prot_name[prot], state_name[state],
					       acc_name[acc], outcome_name(got, b1));
				} else {
					failed++;
					printf("FAIL %s %-12s %-6s: got %s, want %s\n", prot_name[prot],
					       state_name[state], acc_name[acc], outcome_name(got, b1),
					       outcome_name(want, b2));
				}
			}
	printf("iso_prot: %d cases, %d failed\n", cases, failed);
	return failed ? 1 : 0;
}
