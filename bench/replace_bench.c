/*
 * replace_bench - speed of the replacement policies: references per second
 * through the cache simulator of tests/kernel/replace_sim.h (hit/miss
 * decision, A bit, and the policy's operations: what the kernel pays per
 * reference in trace replay), per trace, median of 3 runs, with the ratio
 * to LRU measured in the same run.  The traces are the LIRS paper's
 * (traces/lirs in the repository, or $VMOS_TRACES); when they are missing a
 * synthetic trace with locality is used instead.
 */
#include "kernel/replace_sim.h"
#include "page_alloc.h"
#include "slab.h"

#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static const char *const policies[] = { "lru", "fifo", "clock", "random", "lirs", "opt" };
#define NPOL (sizeof policies / sizeof policies[0])

/* References per second of one policy on t (median of 3), or 0 on error. */
static double measure(struct kmem *km, const char *name, const struct sim_trace *t, uint64_t size,
		      double *hit)
{
	double rate[3];
	for (int i = 0; i < 3; i++) {
		struct sim_result res;
		double t0 = now_s();
		if (sim_run(km, repl_find(name), t, size, 1, 0, &res) != 0)
			return 0;
		rate[i] = (double)res.refs / (now_s() - t0);
		*hit = 100.0 * (double)res.hits / (double)res.refs;
	}
	qsort(rate, 3, sizeof rate[0], cmp_double);
	return rate[1];
}

static void bench_trace(struct kmem *km, const char *label, const struct sim_trace *t, uint64_t size)
{
	printf("%s (%llu refs, %llu pages), %llu frames:\n", label, (unsigned long long)t->n,
	       (unsigned long long)t->unique, (unsigned long long)size);
	double lru = 0;
	for (unsigned p = 0; p < NPOL; p++) {
		double hit = 0, r = measure(km, policies[p], t, size, &hit);
		if (p == 0)
			lru = r;
		if (r == 0) {
			printf("  %-7s failed\n", policies[p]);
			continue;
		}
		printf("  %-7s %7.1f M refs/s  %5.1f ns/ref  hit %6.2f%%  %.2fx lru\n", policies[p],
		       r / 1e6, 1e9 / r, hit, lru > 0 ? r / lru : 0);
	}
}

int main(void)
{
	static struct ram ram;
	static struct page_alloc pa;
	static struct kmem km;
	if (ram_init(&ram, 256ull << 20) || page_alloc_init(&pa, &ram) || kmem_init(&km, &pa, false)) {
		fprintf(stderr, "replace_bench: cannot boot simulated RAM\n");
		return 1;
	}
	const char *dir = getenv("VMOS_TRACES");
	static const char *const dirs[] = { "traces/lirs" };
	static const struct { const char *name; uint64_t size; } traces[] = {
		/* every trace at the first cache size of its README line */
		{ "2_pools", 500 }, { "cpp", 100 }, { "cs", 500 }, { "gli", 500 },
		{ "multi1", 500 }, { "multi2", 500 }, { "ps", 500 }, { "sprite", 500 },
		{ "loop", 500 }, { "zigzag", 1000 },
	};
	int found = 0;
	for (unsigned i = 0; i < sizeof traces / sizeof traces[0]; i++) {
		char path[512];
		struct sim_trace t;
		int rc = -ENOENT;
		for (unsigned d = 0; d < sizeof dirs / sizeof dirs[0] && rc == -ENOENT; d++) {
			snprintf(path, sizeof path, "%s/%s.trc", dir ? dir : dirs[d], traces[i].name);
			rc = sim_trace_load(&t, path);
		}
		if (rc < 0)
			continue;
		found++;
		bench_trace(&km, traces[i].name, &t, traces[i].size);
		sim_trace_free(&t);
	}
	if (!found) {
		printf("(LIRS traces not found: synthetic trace instead)\n");
		uint64_t n = 1000000, x = 1, *k = malloc(n * sizeof *k);
		for (uint64_t i = 0; i < n; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			k[i] = (x >> 33) % 16 == 0 || i == 0 ? (x >> 20) % 20000 : k[i - 1] + 1;
		}
		struct sim_trace t;
		if (sim_trace_from(&t, k, n) == 0) {
			bench_trace(&km, "synthetic", &t, 2000);
			sim_trace_free(&t);
		}
		free(k);
	}
	kmem_destroy(&km);
	ram_destroy(&ram);
	return 0;
}
