/*
 * bench_sort - a real algorithm: the library qsort over 1M pseudo-random
 * ints (4 MiB, through a comparison function pointer), then a check that the
 * result is ordered.  Prints a checksum of the sorted array.
 * Usage: bench_sort [THOUSANDS-OF-INTS]   (default 1024)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define MAXN (4 * 1024 * 1024)

static int v[MAXN];

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long n = (argc > 1 ? atol(argv[1]) : 1024) * 1024L;

	if (n < 1 || n > MAXN) {
		printf("bench_sort: N must be 1..%d thousand\n", MAXN / 1024);
		return 2;
	}
	srand(2024);
	for (long i = 0; i < n; i++)
		v[i] = rand();
	qsort(v, (size_t)n, sizeof v[0], cmp_int);
	uint64_t sum = 0;
	for (long i = 0; i < n; i++) {
		if (i > 0 && v[i - 1] > v[i]) {
			printf("bench_sort: NOT SORTED at %ld\n", i);
			return 1;
		}
		sum = sum * 1000003 + (uint64_t)v[i];
	}
	printf("bench_sort: %ld ints, checksum 0x%016llx\n", n, (unsigned long long)sum);
	return 0;
}
