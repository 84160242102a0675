/*
 * bench_pages - page striding: one word per 4 KiB page over a 64 MiB bss
 * array (16384 pages), several passes with a different stride order each
 * time.  The first pass demand-zeroes every page; later passes measure TLB
 * reach and page-table walks, as almost every access misses a TLB of a few
 * hundred entries.  Prints a checksum of what was read.
 * Usage: bench_pages [PASSES]   (default 2000)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define PAGE 4096
#define SIZE (64L * 1024 * 1024)
#define PAGES (SIZE / PAGE)

static unsigned char area[SIZE] __attribute__((aligned(PAGE)));

int main(int argc, char **argv)
{
	int passes = argc > 1 ? atoi(argv[1]) : 2000;
	uint64_t sum = 0;

	for (long pg = 0; pg < PAGES; pg++)
		*(uint64_t *)(area + pg * PAGE) = (uint64_t)pg;
	for (int p = 0; p < passes; p++) {
		/* an odd step visits every page once per pass, in a new order */
		long step = 1 + 2 * (p % 64), pg = p;
		for (long k = 0; k < PAGES; k++) {
			uint64_t *w = (uint64_t *)(area + (pg & (PAGES - 1)) * PAGE + (p % 8) * 8);
			sum += *w;
			*w += 1;
			pg += step;
		}
	}
	printf("bench_pages: %d passes over %ld pages, checksum 0x%016llx\n", passes, PAGES,
	       (unsigned long long)sum);
	return 0;
}
