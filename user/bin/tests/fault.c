/*
 * fault - one deliberate fatal fault per run, chosen by argv[1]; the process
 * must die with the signal Linux sends (shell status 128 + signal) after its
 * first line of output reached stdout:
 *   null-write null-read unmapped kernel-read rodata-write text-write
 *   exec-data stack                               -> SIGSEGV (139)
 *   illegal                                       -> SIGILL  (132)
 *   ebreak                                        -> SIGTRAP (133)
 *   amo-misaligned                                -> SIGBUS  (135)
 *   abort assert                                  -> SIGABRT (134)
 * An unknown mode prints usage and exits 2.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

static const char rodata[] = "read-only";
static uint32_t data_code[4] = { 0x00008067 /* ret */ };
static uint64_t words[2];

static volatile int sink;

static __attribute__((noinline)) int overflow(int n)
{
	volatile char frame[512];
	frame[0] = (char)n;
	if (n < 0)	/* never: keeps the recursion unbounded without a warning */
		return 0;
	return overflow(n + 1) + frame[0];
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";

	printf("fault: %s\n", m);
	fflush(stdout);
	if (!strcmp(m, "null-write"))
		*(volatile int *)0 = 1;
	else if (!strcmp(m, "null-read"))
		sink = *(volatile int *)0;
	else if (!strcmp(m, "unmapped"))
		sink = *(volatile int *)0x3000000000ULL;	/* 192 GiB: nothing mapped there */
	else if (!strcmp(m, "kernel-read"))
		sink = *(volatile int *)0xffffffc000000000ULL;	/* the kernel half (U=0) */
	else if (!strcmp(m, "rodata-write"))
		*(volatile char *)rodata = 'R';
	else if (!strcmp(m, "text-write"))
		*(volatile uint32_t *)(uintptr_t)main = 0;
	else if (!strcmp(m, "exec-data"))
		((void (*)(void))(uintptr_t)data_code)();
	else if (!strcmp(m, "stack"))
		sink = overflow(0);
	else if (!strcmp(m, "illegal"))
		__asm__ volatile(".word 0x00000000");	/* all zeros is defined illegal */
	else if (!strcmp(m, "ebreak"))
		__asm__ volatile("ebreak");
	else if (!strcmp(m, "amo-misaligned"))
		__asm__ volatile("amoadd.d zero, zero, (%0)" : : "r"((char *)words + 4) : "memory");
	else if (!strcmp(m, "abort"))
		abort();
	else if (!strcmp(m, "assert"))
		assert(m[0] == 'x');
	else {
		printf("usage: fault MODE (see the source for modes)\n");
		return 2;
	}
	printf("fault: survived %s\n", m);
	return 1;
}
