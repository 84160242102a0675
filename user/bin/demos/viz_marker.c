/*
 * viz_marker - marks points of interest for `vmos explain --at marker` and
 * the snapshot pictures: each call of syscall 1000 (vmos_marker) passes an
 * address in a0 and a tag in a1.  Under vmos the marker returns 0; anywhere
 * else (qemu-riscv64) it returns -ENOSYS and the program goes on the same.
 *
 *   tag 1  a bss page that was written (present, rw)
 *   tag 2  an mmap page that was written (present)
 *   tag 3  an mmap page never touched (region, no PTE: demand zero)
 *   tag 4  the first mmap page after mprotect(PROT_NONE)
 *   tag 5  a heap page (sbrk) that was written
 *   tag 6  the mmap range after munmap (no region)
 *   tag 7  the code of main (text, shared with the page cache)
 * Prints one line per step; exit 0.
 */
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define PG 4096
#define SYS_VMOS_MARKER 1000

static char bss_buf[3 * PG];

static void mark(const void *addr, long tag)
{
	long r = syscall(SYS_VMOS_MARKER, (long)(uintptr_t)addr, tag);
	(void)r;
	printf("marker %ld\n", tag);
}

int main(void)
{
	bss_buf[0] = 1;
	mark(bss_buf, 1);
	char *m = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		printf("mmap failed\n");
		return 1;
	}
	for (int i = 0; i < 8; i++)
		m[i * PG] = (char)i;
	mark(m + PG, 2);
	mark(m + 12 * PG, 3);
	if (mprotect(m, PG, PROT_NONE) != 0) {
		printf("mprotect failed\n");
		return 1;
	}
	mark(m, 4);
	char *h = sbrk(16 * PG);
	if (h == (char *)-1) {
		printf("sbrk failed\n");
		return 1;
	}
	for (int i = 0; i < 16; i++)
		h[i * PG] = 1;
	mark(h, 5);
	munmap(m, 16 * PG);
	mark(m, 6);
	mark((const void *)(uintptr_t)main, 7);
	printf("done\n");
	return 0;
}
