// needs: malloc
/*
 * malloc_demo - where malloc's blocks come from (docs/experiments.md): a
 * few requests of growing size, each printed with its address and the
 * program break after it.  Small blocks are carved from the heap that
 * malloc grows with brk; a block at or above the mmap threshold gets a
 * mapping of its own (mmap), high in the address space, and goes back to
 * the kernel at free (munmap).  Run it with --events - --events-filter
 * syscall to see the brk and mmap calls beside the addresses.  Exit 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	static const size_t sizes[] = { 16, 1000, 100000, 200000, 4 << 20 };
	void *p[5];
	printf("break at start: %p\n", sbrk(0));
	for (int i = 0; i < 5; i++) {
		p[i] = malloc(sizes[i]);
		printf("malloc(%7zu) = %p   break now %p\n", sizes[i], p[i], sbrk(0));
	}
	for (int i = 4; i >= 0; i--)
		free(p[i]);
	printf("after free: break %p\n", sbrk(0));
	return 0;
}
