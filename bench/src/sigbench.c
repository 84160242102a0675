/*
 * sigbench.c - the costs of signals and the vDSO, the same C program built
 * for the host (Linux native) and for riscv64 (vmos, qemu-riscv64) by
 * bench/signals.sh.  Prints one line per figure: NAME ns-per-op.
 *
 *   signal     raise(SIGUSR1) with an empty handler: delivery and return
 *   barrier    a store to a write-protected page, whose handler
 *              unprotects it, then mprotect to protect it again: the
 *              write-barrier fault round trip (one fault, two mprotects)
 *   vdso       clock_gettime(CLOCK_MONOTONIC) through the vDSO (glibc's)
 *   syscall    the same through syscall(SYS_clock_gettime)
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static char *page;
static void on_usr1(int sig) { (void)sig; }
static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	mprotect(page, 4096, PROT_READ | PROT_WRITE);
}

static uint64_t now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10000;
	signal(SIGUSR1, on_usr1);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	uint64_t t = now();
	for (int i = 0; i < n; i++)
		raise(SIGUSR1);
	printf("signal %.1f\n", (double)(now() - t) / n);

	t = now();
	for (int i = 0; i < n; i++) {
		mprotect(page, 4096, PROT_READ);
		((volatile char *)page)[i & 4095] = 1;
	}
	printf("barrier %.1f\n", (double)(now() - t) / n);

	struct timespec ts;
	t = now();
	for (int i = 0; i < n; i++)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("vdso %.1f\n", (double)(now() - t) / n);

	t = now();
	for (int i = 0; i < n; i++)
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	printf("syscall %.1f\n", (double)(now() - t) / n);
	return 0;
}
