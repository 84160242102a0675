/*
 * iso_fault - process isolation: one forbidden access per run, chosen by
 * argv[1].  Each must be stopped; none may succeed.  What Linux does (the
 * riscv64 psABI and the Linux mm rules; qemu-riscv64 agrees where noted in
 * tests/user/expected/iso_fault-*):
 *
 *   exec-stack    jump to an instruction written on the stack: the stack
 *                 is PROT_READ|PROT_WRITE (PT_GNU_STACK without X), so the
 *                 fetch is an instruction page fault -> SIGSEGV (139)
 *   exec-heap     the same in brk memory (heap: RW, never X)      -> SIGSEGV
 *   exec-mmap     the same in an anonymous PROT_READ|PROT_WRITE mmap -> SIGSEGV
 *   jump-high     jump to 0x8000000000000000: not canonical in Sv39/Sv48
 *                 (bits 63..39/48 differ), an instruction access fault -> SIGSEGV
 *   jump-low      jump to 0x0000800000000000: above the user half (Sv39
 *                 ends at 0x40_0000_0000, Sv48 at 0x8000_0000_0000) -> SIGSEGV
 *   store-high    a store to 0x8000000000000000                    -> SIGSEGV
 *   stack-alloca  a 64 MiB stack array touched page by page downward: the
 *                 stack may grow only to RLIMIT_STACK (8 MiB) -> SIGSEGV
 *   stack-guard   grows the stack to exactly 8 MiB below its top (allowed:
 *                 prints "grew"), then touches the page just below that
 *                 limit (the guard gap)                         -> SIGSEGV.
 *                 Not compared with qemu: qemu-user maps a fixed-size guest
 *                 stack sized from the host's RLIMIT_STACK and never grows
 *                 it, so whether the page 8 MiB below the top is mapped
 *                 depends on the host (iso_fault-stack-guard.noqemu).
 *   mprotect-mid  16 RW pages, pages 6..9 made PROT_READ: writes to pages
 *                 0 and 15 and reads of 6..9 work, the write to page 7
 *                 faults                                          -> SIGSEGV
 *   child-kernel-read / child-kernel-write
 *                 a forked child reads / writes the kernel direct map
 *                 (0xffffffc080000000, U=0 in vmos; not user memory in
 *                 Linux): the child is killed by SIGSEGV, the parent
 *                 reports it and exits 0 - a child's fault ends only it.
 * Every mode prints "iso_fault: MODE" (flushed) first; a mode that is not
 * stopped prints "iso_fault: survived MODE" and exits 1.  An unknown mode
 * prints usage and exits 2.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL
#define MIB (1024UL * 1024UL)
#define RET 0x00008067u		/* jalr x0, 0(ra): "ret" */
#define KDIRECT 0xffffffc080000000ULL

static volatile int sink;

/* jump calls code at address a (returns only if the fetch is allowed). */
static void jump(uintptr_t a)
{
	((void (*)(void))a)();
}

/* exec_at writes a "ret" at p and calls it. */
static void exec_at(void *p)
{
	memcpy(p, &(uint32_t){ RET }, 4);
	__asm__ volatile("fence.i" ::: "memory");
	jump((uintptr_t)p);
}

static __attribute__((noinline)) void exec_stack(void)
{
	uint32_t code[4];
	exec_at(code);
	sink = (int)code[1];
}

/* alloca_touch touches a 64 MiB stack array from its top page downward. */
static __attribute__((noinline)) void alloca_touch(void)
{
	size_t n = 64 * MIB;
	volatile char *a = __builtin_alloca(n);
	for (size_t off = n; off >= PAGE; off -= PAGE)
		a[off - PAGE] = 1;
	sink = a[0];
}

/* stack_guard grows the stack to its 8 MiB limit, then one page past it. */
static void stack_guard(void)
{
	uintptr_t fn = (uintptr_t)getauxval(AT_EXECFN);
	uintptr_t top = (fn + PAGE - 1) & ~(PAGE - 1);	/* the execfn string is in the top page */
	volatile char *lim = (volatile char *)(top - 8 * MIB);
	lim[0] = 1;
	printf("iso_fault: grew the stack to 8 MiB\n");
	fflush(stdout);
	lim[-(long)PAGE] = 1;
}

static void mprotect_mid(void)
{
	char *p = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || mprotect(p + 6 * PAGE, 4 * PAGE, PROT_READ) != 0) {
		printf("iso_fault: mmap/mprotect failed\n");
		exit(3);
	}
	p[0] = 1;
	p[15 * PAGE] = 2;
	sink = p[6 * PAGE] + p[9 * PAGE + PAGE - 1];
	printf("iso_fault: pages 0 and 15 written, 6..9 read\n");
	fflush(stdout);
	((volatile char *)p)[7 * PAGE + 5] = 3;
}

/* child_kernel forks a child that reads or writes the direct map. */
static int child_kernel(int write)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (write)
			*(volatile uint64_t *)KDIRECT = 0x1234;
		else
			sink = *(volatile int *)KDIRECT;
		printf("iso_fault: child survived\n");
		_exit(1);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		printf("iso_fault: fork/waitpid failed\n");
		return 3;
	}
	if (WIFSIGNALED(st))
		printf("iso_fault: child killed by signal %d\n", WTERMSIG(st));
	else
		printf("iso_fault: child exited %d\n", WEXITSTATUS(st));
	printf("iso_fault: parent still running\n");
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";

	printf("iso_fault: %s\n", m);
	fflush(stdout);
	if (!strcmp(m, "exec-stack"))
		exec_stack();
	else if (!strcmp(m, "exec-heap"))
		exec_at(sbrk(PAGE));
	else if (!strcmp(m, "exec-mmap")) {
		void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 3;
		exec_at(p);
	} else if (!strcmp(m, "jump-high"))
		jump(0x8000000000000000ULL);
	else if (!strcmp(m, "jump-low"))
		jump(0x0000800000000000ULL);
	else if (!strcmp(m, "store-high"))
		*(volatile int *)0x8000000000000000ULL = 1;
	else if (!strcmp(m, "stack-alloca"))
		alloca_touch();
	else if (!strcmp(m, "stack-guard"))
		stack_guard();
	else if (!strcmp(m, "mprotect-mid"))
		mprotect_mid();
	else if (!strcmp(m, "child-kernel-read"))
		return child_kernel(0);
	else if (!strcmp(m, "child-kernel-write"))
		return child_kernel(1);
	else {
		printf("usage: iso_fault MODE (see the source for modes)\n");
		return 2;
	}
	printf("iso_fault: survived %s\n", m);
	return 1;
}
