/* mallocs - glibc malloc under load: many sizes (brk arena and mmap'd
 * chunks above the threshold), realloc growth, calloc zeroing, frees in a
 * scrambled order; prints checksums only. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

#define N 4000

int main(void)
{
	static unsigned char *p[N];
	static size_t sz[N];
	uint64_t sum = 0;
	for (int round = 0; round < 6; round++) {
		for (int i = 0; i < N; i++) {
			size_t n = next() % 100 == 0 ? 100000 + next() % 300000 : 1 + next() % 2000;
			if (p[i]) {
				for (size_t j = 0; j < sz[i]; j += 61)
					sum += p[i][j] * (j + 1) + sz[i];
				if (next() & 1) {
					free(p[i]);
					p[i] = NULL;
					continue;
				}
				unsigned char *q = realloc(p[i], n);
				if (!q)
					return 2;
				size_t keep = n < sz[i] ? n : sz[i];
				for (size_t j = 0; j < keep; j += 61)
					if (q[j] != (unsigned char)(i + j))
						return 3;
				p[i] = q;
			} else {
				p[i] = (next() & 3) ? malloc(n) : calloc(1, n);
				if (!p[i])
					return 4;
			}
			sz[i] = n;
			for (size_t j = 0; j < n; j++)
				p[i][j] = (unsigned char)(i + j);
		}
		printf("round %d: checksum %llu\n", round, (unsigned long long)sum);
	}
	char *s = calloc(1000, 1000);
	size_t nz = 0;
	for (size_t i = 0; i < 1000000; i++)
		nz += s[i] != 0;
	printf("calloc 1e6: %zu non-zero bytes\n", nz);
	free(s);
	for (int i = N - 1; i >= 0; i -= 2)
		free(p[i]);
	for (int i = 0; i < N; i += 2)
		free(p[i]);
	char *dup = strdup("the end");
	printf("%s\n", dup);
	free(dup);
	return 0;
}
