/*
 * bench_matmul - a double-precision kernel for the F/D extensions: C = A x B
 * for N x N matrices (naive i-k-j loop order, fused multiply-adds where the
 * compiler makes them), repeated REPS times, with A and B filled from a
 * fixed linear congruential sequence.  Prints a checksum (the sum of C's
 * elements, %.17g): vmos and qemu-riscv64 must print the same digits, since
 * both compute exactly the IEEE 754 results of the same instructions.
 * Usage: bench_matmul [N [REPS]]   (default 160 x 160, 6 repetitions)
 */
#include <stdio.h>
#include <stdlib.h>

#define NMAX 400

static double A[NMAX][NMAX], B[NMAX][NMAX], C[NMAX][NMAX];

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 160;
	int reps = argc > 2 ? atoi(argv[2]) : 6;
	if (n < 1 || n > NMAX || reps < 1) {
		fprintf(stderr, "bench_matmul: N must be 1..%d, REPS positive\n", NMAX);
		return 2;
	}
	unsigned long long s = 12345;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			s = s * 6364136223846793005ULL + 1442695040888963407ULL;
			A[i][j] = (double)(s >> 11) / 9007199254740992.0 - 0.5;
			s = s * 6364136223846793005ULL + 1442695040888963407ULL;
			B[i][j] = (double)(s >> 11) / 9007199254740992.0 - 0.5;
		}
	double sum = 0;
	for (int r = 0; r < reps; r++) {
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++)
				C[i][j] = 0;
		for (int i = 0; i < n; i++)
			for (int k = 0; k < n; k++) {
				double a = A[i][k];
				for (int j = 0; j < n; j++)
					C[i][j] += a * B[k][j];
			}
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++)
				sum += C[i][j];
		A[r % n][r % n] += 1.0;         /* each repetition differs */
	}
	printf("bench_matmul: n=%d reps=%d checksum %.17g\n", n, reps, sum);
	return 0;
}
