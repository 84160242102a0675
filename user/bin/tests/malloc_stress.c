/*
 * malloc_stress.c - a malloc-heavy program for inside vmos: random
 * malloc/calloc/realloc/free with every block's contents checked and
 * malloc_check run as it goes, under each policy in turn (or the one
 * named on the command line).  Prints one line per policy and
 * "N passed, N failed"; exit status 1 on any failure.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "malloc_print.h"
#include "../../lib/malloc/malloc_api.h"

#define SLOTS 200

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned char *ptr[SLOTS];
static size_t len[SLOTS];
static unsigned char tag[SLOTS];

static size_t rsize(void)
{
	uint64_t r = rnd() % 100;
	return r < 70 ? rnd() % 200 : r < 98 ? rnd() % 8000 : 100000 + rnd() % 200000;
}

static int intact(int i)
{
	for (size_t k = 0; k < len[i]; k++)
		if (ptr[i][k] != (unsigned char)(tag[i] + k))
			return 0;
	return 1;
}

/* Runs ops random operations; returns the number of problems. */
static int stress(int ops)
{
	int bad = 0;
	for (int op = 0; op < ops; op++) {
		int i = (int)(rnd() % SLOTS);
		if (ptr[i] && !intact(i))
			bad++;
		if (!ptr[i]) {
			len[i] = rsize();
			ptr[i] = rnd() % 4 ? malloc(len[i]) : calloc(1, len[i]);
			if (!ptr[i])
				return bad + 1;
			tag[i] = (unsigned char)rnd();
			for (size_t k = 0; k < len[i]; k++)
				ptr[i][k] = (unsigned char)(tag[i] + k);
		} else if (rnd() % 3 == 0) {
			size_t n = rsize() + 1, old = len[i];
			unsigned char *q = realloc(ptr[i], n);
			if (!q)
				return bad + 1;
			ptr[i] = q;
			len[i] = n;
			for (size_t k = old; k < n; k++)
				q[k] = (unsigned char)(tag[i] + k);
		} else {
			free(ptr[i]);
			ptr[i] = 0;
		}
		if (op % 64 == 0 && malloc_check())
			bad++;
	}
	for (int i = 0; i < SLOTS; i++) {
		if (ptr[i] && !intact(i))
			bad++;
		free(ptr[i]);
		ptr[i] = 0;
	}
	return bad + (malloc_check() != 0);
}

int main(int argc, char **argv)
{
	static const char *const all[] = { "first,lifo", "first,ao", "next,lifo", "best,ao",
					   "worst,lifo", "segfit,immediate", "segfit,deferred",
					   "buddy,immediate", "buddy,deferred" };
	int n = argc > 1 ? argc - 1 : (int)(sizeof all / sizeof *all), passed = 0, failed = 0;
	for (int p = 0; p < n; p++) {
		const char *pol = argc > 1 ? argv[p + 1] : all[p];
		int bad = malloc_set_policy(pol) != 0 ? 1 : stress(4000);
		struct malloc_statistics s;
		malloc_statistics(&s);
		put_str(1, bad ? "FAIL " : "ok   ");
		put_str(1, malloc_get_policy());
		put_str(1, ": brk calls ");
		put_num(1, s.n_sbrk);
		put_str(1, ", mmap calls ");
		put_num(1, s.n_mmap);
		put_str(1, ", peak footprint ");
		put_num(1, s.peak_footprint);
		put_str(1, " B\n");
		if (bad)
			failed++;
		else
			passed++;
	}
	put_num(1, (uint64_t)passed);
	put_str(1, " passed, ");
	put_num(1, (uint64_t)failed);
	put_str(1, " failed\n");
	return failed ? 1 : 0;
}
