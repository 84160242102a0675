/*
 * sigbad_garbage.c - a hostile rt_sigreturn: sp points at a "frame" of
 * garbage bytes.  The process must die of SIGSEGV (status 139), and
 * nothing else may happen (tests/glibc/glibc.sh compares with qemu).
 */
#include <stdio.h>
#include <string.h>

int main(void)
{
	static unsigned char junk[4096] __attribute__((aligned(16)));
	memset(junk, 0xaa, sizeof junk);
	printf("before\n");
	fflush(stdout);
	__asm__ volatile("mv sp, %0\n li a7, 139\n ecall" : : "r"(junk + 1024) : "a7", "memory");
	printf("after (must not print)\n");
	return 0;
}
