/*
 * malloc_random.c - randomized differential tests: every policy runs a
 * long random mix of malloc, calloc, realloc, aligned allocation and free
 * against a reference model (which blocks are live, their sizes, their
 * contents), with malloc_check after every operation and an overlap check
 * of all live blocks now and then.  Deterministic seeds: failures replay.
 */
#include "test.h"
#include "malloc_api.h"

#include <stdlib.h>

#define SLOTS 300

struct slot {
	unsigned char *p;
	size_t n;
	unsigned char tag;
};

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Sizes: mostly small, some medium, a few over the mmap threshold. */
static size_t rand_size(void)
{
	uint64_t r = next_rand() % 1000;
	if (r < 600)
		return next_rand() % 128;
	if (r < 950)
		return next_rand() % 4096;
	if (r < 995)
		return next_rand() % 100000;
	return 128 * 1024 + next_rand() % 300000;
}

static int holds(const struct slot *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->p[i] != (unsigned char)(s->tag + i))
			return 0;
	return 1;
}

static void fill(struct slot *s, size_t from)
{
	for (size_t i = from; i < s->n; i++)
		s->p[i] = (unsigned char)(s->tag + i);
}

static int cmp_slot(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	return x->p < y->p ? -1 : x->p > y->p;
}

/* Returns 1 if no two live blocks overlap. */
static int disjoint(const struct slot *sl)
{
	static struct slot sorted[SLOTS];
	int n = 0;
	for (int i = 0; i < SLOTS; i++)
		if (sl[i].p)
			sorted[n++] = sl[i];
	qsort(sorted, (size_t)n, sizeof *sorted, cmp_slot);
	for (int i = 1; i < n; i++)
		if (sorted[i - 1].p + vm_malloc_usable_size(sorted[i - 1].p) > sorted[i].p)
			return 0;
	return 1;
}

static void run(const char *pol, uint64_t seed, int ops)
{
	static struct slot sl[SLOTS];
	memset(sl, 0, sizeof sl);
	rng = seed;
	REQUIRE(vm_malloc_set_policy(pol) == 0);
	for (int op = 0; op < ops; op++) {
		struct slot *s = &sl[next_rand() % SLOTS];
		int kind = (int)(next_rand() % 10);
		if (s->p && !holds(s)) {
			test_fail(__FILE__, __LINE__, "%s seed %llu op %d: contents of a %zu-byte block changed",
				  pol, (unsigned long long)seed, op, s->n);
			test_abort();
		}
		if (!s->p) {
			size_t n = rand_size();
			s->tag = (unsigned char)next_rand();
			if (kind < 6) {
				s->p = vm_malloc(n);
			} else if (kind < 8) {
				s->p = vm_calloc(1, n);
				for (size_t i = 0; s->p && i < n; i++)
					if (s->p[i]) {
						test_fail(__FILE__, __LINE__, "%s: calloc not zero", pol);
						break;
					}
			} else {
				size_t al = (size_t)32 << (next_rand() % 8);
				void *q = 0;
				REQUIRE(vm_posix_memalign(&q, al, n) == 0);
				s->p = q;
				CHECK_EQ((uintptr_t)q & (al - 1), 0);
			}
			REQUIRE(s->p);
			CHECK_EQ((uintptr_t)s->p & 15, 0);
			s->n = n;
			fill(s, 0);
		} else if (kind < 4) {
			size_t n = next_rand() % 2 ? s->n / 2 : rand_size();
			unsigned char *q = vm_realloc(s->p, n);
			if (n == 0) {
				CHECK(q == 0);
				s->p = 0;
			} else {
				REQUIRE(q);
				size_t old = s->n;
				s->p = q;
				s->n = n < old ? n : old;
				if (!holds(s))
					test_fail(__FILE__, __LINE__, "%s: realloc lost contents", pol);
				s->n = n;
				fill(s, old < n ? old : n);
			}
		} else {
			vm_free(s->p);
			s->p = 0;
		}
		if (vm_malloc_check()) {
			test_fail(__FILE__, __LINE__, "%s seed %llu: heap inconsistent after op %d",
				  pol, (unsigned long long)seed, op);
			test_abort();
		}
		if (op % 500 == 0 && !disjoint(sl)) {
			test_fail(__FILE__, __LINE__, "%s: live blocks overlap (op %d)", pol, op);
			test_abort();
		}
	}
	for (int i = 0; i < SLOTS; i++)
		if (sl[i].p) {
			CHECK(holds(&sl[i]));
			vm_free(sl[i].p);
		}
	CHECK_EQ(vm_malloc_check(), 0);
	struct malloc_statistics st;
	vm_malloc_statistics(&st);
	CHECK_EQ(st.used_blocks, 0);
	CHECK_EQ(st.mmap_blocks, 0);
	CHECK_EQ(st.mmap_bytes, 0);
}

#define POLICY_TEST(name, spec) \
	TEST(random_##name) { run(spec, 1, 6000); run(spec, 12345, 6000); }

POLICY_TEST(first_lifo, "first,lifo,immediate")
POLICY_TEST(first_ao, "first,ao,immediate")
POLICY_TEST(next_lifo, "next,lifo,immediate")
POLICY_TEST(next_ao, "next,ao,immediate")
POLICY_TEST(best_lifo, "best,lifo,immediate")
POLICY_TEST(best_ao, "best,ao,immediate")
POLICY_TEST(worst_lifo, "worst,lifo,immediate")
POLICY_TEST(worst_ao_deferred, "worst,ao,deferred")
POLICY_TEST(segfit_immediate, "segfit,lifo,immediate")
POLICY_TEST(segfit_deferred, "segfit,lifo,deferred")
POLICY_TEST(segfit_ao, "segfit,ao,immediate")
POLICY_TEST(first_deferred, "first,lifo,deferred")
POLICY_TEST(buddy_immediate, "buddy,lifo,immediate")
POLICY_TEST(buddy_deferred, "buddy,lifo,deferred")
POLICY_TEST(small_thresholds, "best,ao,mmap=2K,trim=4K,pad=0")
