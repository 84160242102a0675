/*
 * bench_fib - call-heavy code: naive recursive Fibonacci, about 1.6 * fib(n)
 * calls and returns with stack traffic on every one.  Prints fib(n).
 * Usage: bench_fib [N]   (default 35)
 */
#include <stdio.h>
#include <stdlib.h>

static __attribute__((noinline)) long fib(long n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 35;

	printf("bench_fib: fib(%ld) = %ld\n", n, fib(n));
	return 0;
}
