/*
 * bench_chase - pointer chasing: a single random cycle through 1M slots of
 * 8 bytes (8 MiB, Sattolo's algorithm makes the permutation one cycle), so
 * each load depends on the previous one and lands on an unpredictable page:
 * the worst case for a TLB.  Prints the final index and a sum as checksum.
 * Usage: bench_chase [MILLIONS-OF-STEPS]   (default 20)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define SLOTS (1 << 20)

static uint64_t next[SLOTS];

int main(int argc, char **argv)
{
	long steps = (argc > 1 ? atol(argv[1]) : 20) * 1000000L;
	uint64_t rng = 88172645463325252ULL;

	for (uint64_t i = 0; i < SLOTS; i++)
		next[i] = i;
	for (uint64_t i = SLOTS - 1; i > 0; i--) {	/* Sattolo: j < i */
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		uint64_t j = rng % i, t = next[i];
		next[i] = next[j];
		next[j] = t;
	}
	uint64_t p = 0, sum = 0;
	for (long s = 0; s < steps; s++) {
		p = next[p];
		sum += p;
	}
	printf("bench_chase: %ld steps over 8 MiB, end %llu, checksum 0x%016llx\n", steps,
	       (unsigned long long)p, (unsigned long long)sum);
	return 0;
}
