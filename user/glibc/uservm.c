/*
 * uservm.c - virtual memory primitives for user programs (Appel and Li,
 * ASPLOS 1991) on mprotect and a SIGSEGV handler (docs/user-vm.md):
 *
 *   barrier   a write barrier as a generational or incremental collector
 *             keeps one: the heap is write-protected, the first store to
 *             each page traps, the handler records the page as dirty and
 *             unprotects it, the store is retried
 *   paging    user-level demand paging: a region mapped PROT_NONE, each
 *             first touch traps, the handler makes the page readable and
 *             writable and fills it (here: a computed pattern)
 *   overflow  unbounded recursion runs into the guard gap below the stack;
 *             the SIGSEGV handler runs on an alternate signal stack and
 *             jumps back
 *
 * Prints what each found; the same output under qemu-riscv64 and vmos.
 * With an argument N, the barrier runs N rounds (for bench/signals.sh).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096
#define NPAGES 64

static char *heap, *lazy;
static unsigned char dirty[NPAGES];
static volatile int barrier_faults, paging_faults, other_faults;
static sigjmp_buf overflow_jb;
static volatile int overflowed;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	char *a = si->si_addr;
	if (heap && a >= heap && a < heap + NPAGES * PAGE) {
		size_t pg = (size_t)(a - heap) / PAGE;
		dirty[pg] = 1;
		barrier_faults++;
		mprotect(heap + pg * PAGE, PAGE, PROT_READ | PROT_WRITE);
		return;
	}
	if (lazy && a >= lazy && a < lazy + NPAGES * PAGE) {
		size_t pg = (size_t)(a - lazy) / PAGE;
		char *p = lazy + pg * PAGE;
		mprotect(p, PAGE, PROT_READ | PROT_WRITE);
		for (int i = 0; i < PAGE; i += 8)
			*(uint64_t *)(p + i) = pg * 1000003u + (unsigned)i;
		paging_faults++;
		return;
	}
	/* anything else: the stack ran into its guard gap */
	overflowed = 1;
	siglongjmp(overflow_jb, 1);
}

static int depth;
static int recurse(int n)
{
	volatile char frame[512];
	frame[0] = (char)n;
	depth = n;
	if (n < 0)                  /* never: keeps the compiler from calling it infinite */
		return 0;
	return recurse(n + 1) + frame[0];
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 1;
	static char altstack[65536];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
	sigaltstack(&ss, NULL);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);

	/* the write barrier */
	heap = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned ndirty = 0;
	for (int r = 0; r < rounds; r++) {
		memset(dirty, 0, sizeof dirty);
		mprotect(heap, NPAGES * PAGE, PROT_READ);      /* a collection starts */
		for (int i = 0; i < NPAGES; i += 3)            /* the mutator writes */
			heap[i * PAGE + (i * 37) % PAGE] = (char)i;
		heap[5 * PAGE + 1] = 1;                        /* a second store, same page */
		ndirty = 0;
		for (int i = 0; i < NPAGES; i++)
			ndirty += dirty[i];
	}
	printf("barrier: %d rounds, %d faults, %u dirty pages of %d (last round)\n", rounds,
	       barrier_faults, ndirty, NPAGES);

	/* user-level demand paging */
	lazy = mmap(NULL, NPAGES * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t sum = 0;
	for (int i = 0; i < NPAGES; i += 2)
		sum += *(uint64_t *)(lazy + i * PAGE + 64);
	sum += *(uint64_t *)(lazy + 2 * PAGE + 128);           /* already filled */
	printf("paging: %d faults for %d pages touched, checksum %llu\n", paging_faults,
	       NPAGES / 2, (unsigned long long)sum);

	/* a stack overflow caught on the alternate stack */
	if (sigsetjmp(overflow_jb, 1) == 0)
		recurse(0);
	printf("overflow: caught %d, deep %d\n", overflowed, depth > 1000);
	return 0;
}
