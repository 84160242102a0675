/*
 * recursion - call-heavy code: naive Fibonacci, Ackermann, mutual recursion
 * through function pointers, and a 10000-deep recursion whose ~100-byte
 * frames span about 1 MiB of stack, so the stack must grow (on demand)
 * well past its first pages.  Results are compared with known values.
 */
#include "check.h"

static long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static long ack(long m, long n)
{
	if (m == 0)
		return n + 1;
	if (n == 0)
		return ack(m - 1, 1);
	return ack(m - 1, ack(m, n - 1));
}

static int is_odd(unsigned n);
static int (*volatile odd_fn)(unsigned) = is_odd;
static int is_even(unsigned n) { return n == 0 ? 1 : odd_fn(n - 1); }
static int (*volatile even_fn)(unsigned) = is_even;
static int is_odd(unsigned n) { return n == 0 ? 0 : even_fn(n - 1); }

/* deep: recurse n levels with a frame the compiler cannot shrink; returns
 * a sum that depends on every frame's contents surviving the calls below. */
static __attribute__((noinline)) uint64_t deep(int n)
{
	volatile uint64_t frame[10];

	for (int i = 0; i < 10; i++)
		frame[i] = (uint64_t)n * 31 + (uint64_t)i;
	uint64_t below = n > 0 ? deep(n - 1) : 0;
	uint64_t s = below;
	for (int i = 0; i < 10; i++)
		s += frame[i];
	return s;
}

int main(void)
{
	check_u64("fib(27)", (uint64_t)fib(27), 196418);
	check_u64("ack(2,500)", (uint64_t)ack(2, 500), 1003);
	check_u64("ack(3,6)", (uint64_t)ack(3, 6), 509);
	check_true("even(3001) via pointers", !is_even(3001));
	check_true("odd(3001) via pointers", is_odd(3001));
	/* sum over n=0..N of sum over i<10 of (31n + i) = 310 * N(N+1)/2 + 45 (N+1) */
	uint64_t N = 10000;
	check_u64("deep(10000)", deep((int)N), 310 * N * (N + 1) / 2 + 45 * (N + 1));
	return check_done("recursion");
}
