/*
 * sigbad_unmapped.c - a hostile rt_sigreturn with sp at an unmapped
 * address: the frame cannot be read, the process dies of SIGSEGV (139).
 */
#include <stdio.h>

int main(void)
{
	printf("before\n");
	fflush(stdout);
	__asm__ volatile("li sp, 0x1000\n li a7, 139\n ecall" : : : "a7", "memory");
	printf("after (must not print)\n");
	return 0;
}
