/*
 * stale_code - code that changes under a running program, to catch an
 * execution engine that keeps running a translation of code that is no
 * longer there.  Every mode writes small RISC-V functions into mmap'd pages,
 * calls each version many times (so a translating engine has translated it
 * before it changes), changes the code or the mapping, and calls again.
 * The output is deterministic: the values the calls returned and how child
 * processes ended; vmos's engines and qemu-riscv64 must print the same.
 *
 *   stale_code rwx        rewrite code in an RWX page, fence.i, call again
 *   stale_code mprotect   RW -> write -> RX -> call; back to RW, rewrite, RX
 *   stale_code self       a function that patches its own next instruction
 *                         (same page, same block), fence.i, runs it
 *   stale_code cow        fork; the child patches its copy of a code page,
 *                         the parent must keep running the old code
 *   stale_code munmap     unmap code, map zeroes at the same address: calling
 *                         it must fault (SIGILL), not run the old code
 *   stale_code remap      unmap code, map new code at the same address
 *   stale_code dontneed   madvise(MADV_DONTNEED) drops a code page: the
 *                         next call finds zeroes (SIGILL); new code written
 *                         there afterwards runs
 *   stale_code noexec     mprotect removes X: a call must fault (SIGSEGV);
 *                         X given back: the call works again
 *   stale_code swap [N]   code pages pushed out by N pages (default 512) of
 *                         other data and faulted back (run with --frames
 *                         small and --swap), new code written meanwhile
 *   stale_code exec PATH  run a hot loop, then exec PATH = stale_code_b: the
 *                         same program built with one constant changed, so
 *                         its function sits at the same address with other
 *                         code; it runs the loop again (mode exec-end)
 *   stale_code nofence    rewrite code WITHOUT fence.i and report which
 *                         version ran (not compared: RISC-V lets a hart run
 *                         either until fence.i; see docs/hardware.md)
 *
 * Instruction encodings (RV64I, RISC-V unprivileged spec, chapter 2):
 *   addi a0, zero, imm   imm << 20 | 10 << 7 | 0x13
 *   ret (jalr x0, 0(ra)) 0x00008067
 *   fence.i              0x0000100f
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096
#define CALLS 300        /* calls per version: enough to become "hot" */

#define INSN_RET    0x00008067u
#define INSN_FENCEI 0x0000100fu
#define INSN_NOP    0x00000013u

typedef long (*fn_t)(long);

static uint32_t insn_li_a0(int imm)
{
	return ((uint32_t)imm & 0xfff) << 20 | 10u << 7 | 0x13u;
}

static void fence_i(void)
{
	__asm__ volatile("fence.i" ::: "memory");
}

static void die(const char *what)
{
	printf("stale_code: %s failed\n", what);
	fflush(stdout);
	exit(1);
}

static uint32_t *map_code(void *at, int prot)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | (at ? MAP_FIXED : 0);
	void *p = mmap(at, PAGE, prot, flags, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

/* Writes "li a0, VALUE; ret" at code[off], padded with a few nops in front
 * so the function is more than one instruction long. */
static void write_fn(uint32_t *code, int off, int value)
{
	code[off + 0] = INSN_NOP;
	code[off + 1] = INSN_NOP;
	code[off + 2] = insn_li_a0(value);
	code[off + 3] = INSN_RET;
}

static fn_t fn_at(uint32_t *code, int off)
{
	return (fn_t)(uintptr_t)(code + off);
}

/* Calls f CALLS times; returns the value if every call returned the same,
 * or -1 if they disagreed (that would be a bug too). */
static long call_hot(fn_t f)
{
	long first = f(0);
	for (int i = 1; i < CALLS; i++)
		if (f(0) != first)
			return -1;
	return first;
}

/* Runs f once in a child; returns a description of how the child ended. */
static const char *call_in_child(fn_t f, char *buf)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		_exit((int)f(0) & 0x7f);
	int st;
	if (waitpid(pid, &st, 0) != pid)
		die("waitpid");
	if (WIFSIGNALED(st))
		sprintf(buf, "killed by signal %d", WTERMSIG(st));
	else
		sprintf(buf, "exited %d", WEXITSTATUS(st));
	return buf;
}

static int mode_rwx(void)
{
	uint32_t *code = map_code(0, PROT_READ | PROT_WRITE | PROT_EXEC);
	for (int v = 1; v <= 5; v++) {
		write_fn(code, 0, v * 11);
		fence_i();
		printf("rwx: version %d returns %ld\n", v, call_hot(fn_at(code, 0)));
	}
	/* Two functions in one page: changing one must not disturb the other. */
	write_fn(code, 64, 500);
	fence_i();
	long a = call_hot(fn_at(code, 0)), b = call_hot(fn_at(code, 64));
	write_fn(code, 64, 501);
	fence_i();
	printf("rwx: neighbours %ld %ld, after patching the second %ld %ld\n",
	       a, b, call_hot(fn_at(code, 0)), call_hot(fn_at(code, 64)));
	return 0;
}

static int mode_mprotect(void)
{
	uint32_t *code = map_code(0, PROT_READ | PROT_WRITE);
	for (int v = 1; v <= 4; v++) {
		if (v > 1 && mprotect(code, PAGE, PROT_READ | PROT_WRITE))
			die("mprotect RW");
		write_fn(code, 0, 100 + v);
		if (mprotect(code, PAGE, PROT_READ | PROT_EXEC))
			die("mprotect RX");
		fence_i();
		printf("mprotect: version %d returns %ld\n", v, call_hot(fn_at(code, 0)));
	}
	return 0;
}

/*
 * A function that patches its own instruction at offset 16 with the word
 * in a0, then runs it:
 *   0  auipc t0, 0          0x00000297
 *   4  sw    a0, 16(t0)     0x00a2a823
 *   8  fence.i              0x0000100f
 *   12 nop                  0x00000013
 *   16 addi  a0, zero, 1    (patched)
 *   20 ret                  0x00008067
 */
static int mode_self(void)
{
	uint32_t *code = map_code(0, PROT_READ | PROT_WRITE | PROT_EXEC);
	static const uint32_t body[] = { 0x00000297u, 0x00a2a823u, INSN_FENCEI,
					 INSN_NOP, 0 /* patched */, INSN_RET };
	memcpy(code, body, sizeof body);
	code[4] = insn_li_a0(1);
	fence_i();
	fn_t f = fn_at(code, 0);
	long sum = 0, bad = 0;
	for (int i = 0; i < 1000; i++) {
		long r = f((long)insn_li_a0(i % 300));
		sum += r;
		if (r != i % 300)
			bad++;
	}
	printf("self: 1000 self-patching calls, sum %ld, wrong %ld\n", sum, bad);
	return bad != 0;
}

static int mode_cow(void)
{
	uint32_t *code = map_code(0, PROT_READ | PROT_WRITE | PROT_EXEC);
	write_fn(code, 0, 1);
	fence_i();
	printf("cow: parent before fork %ld\n", call_hot(fn_at(code, 0)));
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		printf("cow: child before patching %ld\n", call_hot(fn_at(code, 0)));
		write_fn(code, 0, 2);
		fence_i();
		long r = call_hot(fn_at(code, 0));
		printf("cow: child after patching its copy %ld\n", r);
		fflush(stdout);
		_exit((int)r);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid)
		die("waitpid");
	printf("cow: child exited %d\n", WEXITSTATUS(st));
	printf("cow: parent after the child patched %ld\n", call_hot(fn_at(code, 0)));
	write_fn(code, 0, 3);
	fence_i();
	printf("cow: parent after patching its own %ld\n", call_hot(fn_at(code, 0)));
	return 0;
}

static int mode_munmap(void)
{
	char buf[64];
	uint32_t *code = map_code(0, PROT_READ | PROT_WRITE | PROT_EXEC);
	write_fn(code, 0, 7);
	fence_i();
	printf("munmap: mapped code returns %ld\n", call_hot(fn_at(code, 0)));
	if (munmap(code, PAGE))
		die("munmap");
	/* Zero-filled again: an all-zero instruction is illegal (SIGILL). */
	map_code(code, PROT_READ | PROT_EXEC);
	printf("munmap: same address, zero page: %s\n", call_in_child(fn_at(code, 0), buf));
	if (munmap(code, PAGE))
		die("munmap");
	printf("munmap: same address, unmapped: %s\n", call_in_child(fn_at(code, 0), buf));
	return 0;
}

static int mode_remap(void)
{
	uint32_t *code = map_code(0, PROT_READ | PROT_WRITE | PROT_EXEC);
	for (int v = 1; v <= 4; v++) {
		write_fn(code, 0, 20 + v);
		fence_i();
		printf("remap: mapping %d returns %ld\n", v, call_hot(fn_at(code, 0)));
		if (munmap(code, PAGE))
			die("munmap");
		map_code(code, PROT_READ | PROT_WRITE | PROT_EXEC);
	}
	return 0;
}

static int mode_dontneed(void)
{
	char buf[64];
	uint32_t *code = map_code(0, PROT_READ | PROT_WRITE | PROT_EXEC);
	write_fn(code, 0, 13);
	fence_i();
	printf("dontneed: code returns %ld\n", call_hot(fn_at(code, 0)));
	if (madvise(code, PAGE, MADV_DONTNEED))
		die("madvise");
	printf("dontneed: after MADV_DONTNEED: %s\n", call_in_child(fn_at(code, 0), buf));
	write_fn(code, 0, 14);
	fence_i();
	printf("dontneed: rewritten returns %ld\n", call_hot(fn_at(code, 0)));
	return 0;
}

static int mode_noexec(void)
{
	char buf[64];
	uint32_t *code = map_code(0, PROT_READ | PROT_WRITE | PROT_EXEC);
	write_fn(code, 0, 9);
	fence_i();
	printf("noexec: RWX returns %ld\n", call_hot(fn_at(code, 0)));
	if (mprotect(code, PAGE, PROT_READ | PROT_WRITE))
		die("mprotect RW");
	printf("noexec: after removing X: %s\n", call_in_child(fn_at(code, 0), buf));
	if (mprotect(code, PAGE, PROT_NONE))
		die("mprotect NONE");
	printf("noexec: PROT_NONE: %s\n", call_in_child(fn_at(code, 0), buf));
	if (mprotect(code, PAGE, PROT_READ | PROT_EXEC))
		die("mprotect RX");
	printf("noexec: X given back returns %ld\n", call_hot(fn_at(code, 0)));
	return 0;
}

static int mode_swap(long npages)
{
	uint32_t *c1 = map_code(0, PROT_READ | PROT_WRITE | PROT_EXEC);
	uint32_t *c2 = map_code(0, PROT_READ | PROT_WRITE | PROT_EXEC);
	write_fn(c1, 0, 31);
	write_fn(c2, 0, 32);
	fence_i();
	printf("swap: before %ld %ld\n", call_hot(fn_at(c1, 0)), call_hot(fn_at(c2, 0)));
	char *data = mmap(0, (size_t)npages * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (data == MAP_FAILED)
		die("mmap data");
	for (int round = 0; round < 3; round++) {
		/* Touch every data page: under --frames small the code pages
		 * are evicted and their frames reused for data. */
		for (long i = 0; i < npages; i++)
			data[i * PAGE] = (char)(i + round);
		if (round == 1) {
			write_fn(c2, 0, 33);
			fence_i();
		}
		printf("swap: round %d: %ld %ld\n", round, call_hot(fn_at(c1, 0)),
		       call_hot(fn_at(c2, 0)));
	}
	long sum = 0;
	for (long i = 0; i < npages; i++)
		sum += data[i * PAGE];
	printf("swap: data sum %ld\n", sum);
	return 0;
}

/* stale_code_b.c defines STALE_VARIANT 2 and includes this file: the same
 * layout, one immediate different in text_fn. */
#ifndef STALE_VARIANT
#define STALE_VARIANT 1
#endif

/* A function in the program's own text, made hot before the exec. */
static __attribute__((noinline)) long text_fn(long x)
{
	return x * 3 + STALE_VARIANT;
}

static long hot_loop(void)
{
	long sum = 0;
	for (long i = 0; i < 5000; i++)
		sum += text_fn(i);
	return sum;
}

static int mode_exec(const char *path)
{
	char addr[32];
	printf("exec: variant %d, hot loop sum %ld, now exec %s\n", STALE_VARIANT,
	       hot_loop(), strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	fflush(stdout);
	sprintf(addr, "%lx", (unsigned long)(uintptr_t)text_fn);
	char *argv[] = { "stale_code_b", "exec-end", addr, NULL };
	execve(path, argv, environ);
	die("execve");
	return 1;
}

/* After the exec: the loop again, and whether text_fn sits where the
 * previous program's did (argv[2]). */
static int mode_exec_end(const char *prev_addr)
{
	unsigned long prev = strtoul(prev_addr, 0, 16);
	printf("exec-end: variant %d, hot loop sum %ld, text_fn at the same address: %s\n",
	       STALE_VARIANT, hot_loop(),
	       prev == (unsigned long)(uintptr_t)text_fn ? "yes" : "no");
	return 0;
}

static int mode_nofence(void)
{
	uint32_t *code = map_code(0, PROT_READ | PROT_WRITE | PROT_EXEC);
	write_fn(code, 0, 41);
	fence_i();
	long before = call_hot(fn_at(code, 0));
	write_fn(code, 0, 42);           /* no fence.i */
	long after = fn_at(code, 0)(0);
	fence_i();
	long fenced = fn_at(code, 0)(0);
	printf("nofence: before %ld, rewritten without fence.i %ld (%s), after fence.i %ld\n",
	       before, after, after == 42 ? "new code" : "old code", fenced);
	return fenced != 42;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	int rc;
	if (!strcmp(m, "rwx"))
		rc = mode_rwx();
	else if (!strcmp(m, "mprotect"))
		rc = mode_mprotect();
	else if (!strcmp(m, "self"))
		rc = mode_self();
	else if (!strcmp(m, "cow"))
		rc = mode_cow();
	else if (!strcmp(m, "munmap"))
		rc = mode_munmap();
	else if (!strcmp(m, "remap"))
		rc = mode_remap();
	else if (!strcmp(m, "dontneed"))
		rc = mode_dontneed();
	else if (!strcmp(m, "noexec"))
		rc = mode_noexec();
	else if (!strcmp(m, "swap"))
		rc = mode_swap(argc > 2 ? atol(argv[2]) : 512);
	else if (!strcmp(m, "exec") && argc > 2)
		rc = mode_exec(argv[2]);
	else if (!strcmp(m, "exec-end") && argc > 2)
		rc = mode_exec_end(argv[2]);
	else if (!strcmp(m, "nofence"))
		rc = mode_nofence();
	else {
		printf("usage: stale_code rwx|mprotect|self|cow|munmap|remap|noexec|"
		       "swap [N]|exec PATH|nofence|dontneed\n");
		return 2;
	}
	return rc;
}
