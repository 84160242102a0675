/*
 * bench_stream - memory streaming in the style of McCalpin's STREAM: copy,
 * triad (scale and add) and sum over two 4 MiB arrays (bigger than any cache the
 * simulator models per page: every pass touches 2048 pages sequentially).
 * Prints the sum as a checksum.
 * Usage: bench_stream [PASSES]   (default 600)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define WORDS (4 * 1024 * 1024 / 8)

static uint64_t x[WORDS], y[WORDS];

int main(int argc, char **argv)
{
	int passes = argc > 1 ? atoi(argv[1]) : 600;
	uint64_t sum = 0;

	for (long i = 0; i < WORDS; i++)
		x[i] = (uint64_t)i * 2654435761u;
	for (int p = 0; p < passes; p++) {
		switch (p % 3) {
		case 0:		/* copy */
			for (long i = 0; i < WORDS; i++)
				y[i] = x[i];
			break;
		case 1:		/* triad: x = 3 * y + (x >> 1), never degenerates to 0 */
			for (long i = 0; i < WORDS; i++)
				x[i] = 3 * y[i] + (x[i] >> 1);
			break;
		default:	/* sum */
			for (long i = 0; i < WORDS; i++)
				sum += x[i] ^ y[i];
			break;
		}
	}
	printf("bench_stream: %d passes over 2 x 4 MiB, checksum 0x%016llx\n", passes,
	       (unsigned long long)sum);
	return 0;
}
