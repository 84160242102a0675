/*
 * ptfill [GiB [read]] - fills RAM with page-table pages: maps a large
 * anonymous region (default 8 GiB) and writes one byte every 2 MiB, so each write
 * needs a last-level page table of its own while its data page is one
 * frame that reclaim can swap out.  Page-table pages cannot be evicted;
 * under a small --ram (vmos run --ram 4M --swap 16M) RAM fills with them
 * until the instruction cannot have its code and data pages resident at
 * once.  vmos must then kill it (the OOM killer, status 137) rather than
 * evict the code page for the data page and back forever.
 *
 * With "read" it reads instead: every read maps the shared zero page, so
 * the process holds almost nothing but page tables - which the OOM killer
 * must count to see that it is the one to kill.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	long gib = argc > 1 ? atol(argv[1]) : 8;
	unsigned long len = (unsigned long)gib << 30;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (p == MAP_FAILED) {
		printf("ptfill: mmap of %ld GiB failed\n", gib);
		return 1;
	}
	int read = argc > 2 && strcmp(argv[2], "read") == 0;
	unsigned long n = 0, sum = 0;
	for (unsigned long off = 0; off < len; off += 2ul << 20, n++) {
		if (read)
			sum += (unsigned char)((volatile char *)p)[off];
		else
			p[off] = (char)(n | 1);
	}
	printf("ptfill: %s %lu pages, one every 2 MiB of %ld GiB (sum %lu)\n", read ? "read" : "wrote",
	       n, gib, sum);
	return 0;
}
