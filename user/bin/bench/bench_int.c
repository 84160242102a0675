/*
 * bench_int - integer ALU throughput: a loop of multiply, xor-shift and
 * rotate steps (a splitmix64-style mixer, Steele et al., "Fast splittable
 * pseudorandom number generators", OOPSLA 2014) over a 4-entry state, no
 * memory traffic beyond the stack.  Prints a checksum of the final state.
 * Usage: bench_int [MILLIONS-OF-ITERATIONS]   (default 100)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	long n = (argc > 1 ? atol(argv[1]) : 100) * 1000000L;
	uint64_t a = 1, b = 2, c = 3, d = 4;

	for (long i = 0; i < n; i++) {
		a += 0x9e3779b97f4a7c15ULL;
		uint64_t z = a;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		b ^= z ^ (z >> 31);
		c = (c << 7 | c >> 57) + b;
		d += (uint32_t)c * (uint64_t)(uint32_t)(b >> 32);
	}
	printf("bench_int: %ld iterations, checksum 0x%016llx\n", n,
	       (unsigned long long)(a ^ b ^ c ^ d));
	return 0;
}
