/*
 * malloc_unit.c - tests of the vmos malloc (prefixed vm_, simulated break):
 * every call and its edge cases, under every policy; the hardening aborts
 * (checked in a grandchild: it must die of SIGABRT with the message); and
 * randomized runs against a reference model with malloc_check after every
 * operation.  Built by mk/malloc.mk into build/tests/malloc/malloc_test.
 */
#include "test.h"
#include "malloc_api.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

static const char *const policies[] = {
	"first,lifo,immediate", "first,ao,immediate", "next,lifo,immediate", "next,ao,immediate",
	"best,lifo,immediate", "best,ao,immediate", "worst,lifo,immediate", "worst,ao,immediate",
	"segfit,lifo,immediate", "segfit,lifo,deferred", "segfit,ao,immediate",
	"best,ao,deferred", "first,lifo,deferred", "buddy,lifo,immediate", "buddy,lifo,deferred",
};
#define NPOL (int)(sizeof policies / sizeof *policies)

static struct malloc_statistics stats(void)
{
	struct malloc_statistics s;
	vm_malloc_statistics(&s);
	return s;
}

/* --- every call, every policy -------------------------------------------- */
static void basic_calls(const char *pol)
{
	REQUIRE(vm_malloc_set_policy(pol) == 0);
	CHECK_STR(vm_malloc_get_policy(), pol);
	void *p[64];
	for (int i = 0; i < 64; i++) {
		size_t n = (size_t)i * 37 + (size_t)(i % 3) * 1000;
		p[i] = vm_malloc(n);
		REQUIRE(p[i]);
		CHECK_EQ((uintptr_t)p[i] & 15, 0);
		CHECK(vm_malloc_usable_size(p[i]) >= n);
		memset(p[i], i, n);
	}
	CHECK_EQ(vm_malloc_check(), 0);
	for (int i = 0; i < 64; i += 2)
		vm_free(p[i]);
	CHECK_EQ(vm_malloc_check(), 0);
	for (int i = 1; i < 64; i += 2) {
		size_t n = (size_t)i * 37 + (size_t)(i % 3) * 1000;
		for (size_t k = 0; k < n; k++)
			if (((unsigned char *)p[i])[k] != (unsigned char)i) {
				CHECK(!"block contents lost");
				break;
			}
		vm_free(p[i]);
	}
	CHECK_EQ(vm_malloc_check(), 0);
	struct malloc_statistics s = stats();
	CHECK_EQ(s.used_blocks, 0);
	CHECK_EQ(s.mmap_blocks, 0);
}

TEST(every_policy_basic_calls)
{
	for (int i = 0; i < NPOL; i++)
		basic_calls(policies[i]);
}

TEST(zero_size_gives_distinct_blocks)
{
	void *a = vm_malloc(0), *b = vm_malloc(0);
	REQUIRE(a && b);
	CHECK(a != b);
	vm_free(a);
	vm_free(b);
	vm_free(0);	/* no-op */
	void *c = vm_calloc(0, 5);
	CHECK(c != 0);
	vm_free(c);
	CHECK_EQ(vm_malloc_usable_size(0), 0);
}

TEST(huge_sizes_fail_with_enomem)
{
	errno = 0;
	CHECK(vm_malloc(SIZE_MAX) == 0);
	CHECK_EQ(errno, ENOMEM);
	errno = 0;
	CHECK(vm_malloc(SIZE_MAX - 8) == 0);
	CHECK_EQ(errno, ENOMEM);
	errno = 0;
	CHECK(vm_calloc(SIZE_MAX / 2, 3) == 0);	/* product overflows */
	CHECK_EQ(errno, ENOMEM);
	errno = 0;
	CHECK(vm_calloc((size_t)1 << 33, (size_t)1 << 33) == 0);
	CHECK_EQ(errno, ENOMEM);
	void *p = vm_malloc(10);
	errno = 0;
	CHECK(vm_reallocarray(p, SIZE_MAX / 4, 8) == 0);
	CHECK_EQ(errno, ENOMEM);
	errno = 0;
	CHECK(vm_realloc(p, SIZE_MAX) == 0);	/* p stays valid */
	CHECK_EQ(errno, ENOMEM);
	void *q;
	CHECK_EQ(vm_posix_memalign(&q, 64, SIZE_MAX - 100), ENOMEM);
	vm_free(p);
	CHECK_EQ(vm_malloc_check(), 0);
}

TEST(calloc_zeroes_reused_memory)
{
	for (int pi = 0; pi < NPOL; pi++) {
		REQUIRE(vm_malloc_set_policy(policies[pi]) == 0);
		unsigned char *d[32];
		for (int i = 0; i < 32; i++) {
			d[i] = vm_malloc(200);
			memset(d[i], 0xa5, 200);
		}
		for (int i = 0; i < 32; i++)
			vm_free(d[i]);
		for (int i = 0; i < 32; i++) {
			d[i] = vm_calloc(25, 8);
			REQUIRE(d[i]);
			for (int k = 0; k < 200; k++)
				if (d[i][k]) {
					CHECK(!"calloc returned dirty memory");
					break;
				}
			memset(d[i], 0x5a, 200);
		}
		for (int i = 0; i < 32; i++)
			vm_free(d[i]);
		unsigned char *big = vm_calloc(1, 300000);	/* mmap'ed */
		REQUIRE(big);
		CHECK(big[0] == 0 && big[299999] == 0 && big[150000] == 0);
		vm_free(big);
	}
}

TEST(calloc_fresh_top_stays_zero_across_trim)
{
	/* dirty a large region, give it back, then calloc from the top */
	unsigned char *p = vm_malloc(120000);
	memset(p, 0xff, 120000);
	unsigned char *q = vm_malloc(100);
	vm_free(p);
	vm_free(q);
	for (int i = 0; i < 200; i++) {
		unsigned char *c = vm_calloc(1, 1000 + (size_t)i);
		REQUIRE(c);
		for (int k = 0; k < 1000 + i; k++)
			if (c[k]) {
				CHECK(!"calloc from the top not zero");
				break;
			}
	}
	CHECK_EQ(vm_malloc_check(), 0);
}

TEST(realloc_semantics)
{
	for (int pi = 0; pi < NPOL; pi++) {
		REQUIRE(vm_malloc_set_policy(policies[pi]) == 0);
		char *p = vm_realloc(0, 100);	/* = malloc */
		REQUIRE(p);
		for (int i = 0; i < 100; i++)
			p[i] = (char)i;
		char *q = vm_realloc(p, 40);	/* smaller: in place */
		CHECK(q == p);
		char *r = vm_realloc(q, 5000);	/* larger: contents kept */
		REQUIRE(r);
		for (int i = 0; i < 40; i++)
			CHECK_EQ(r[i], i);
		char *big = vm_realloc(r, 1 << 20);	/* to mmap */
		REQUIRE(big);
		for (int i = 0; i < 40; i++)
			CHECK_EQ(big[i], i);
		char *back = vm_realloc(big, 64);	/* back to the heap */
		REQUIRE(back);
		for (int i = 0; i < 40; i++)
			CHECK_EQ(back[i], i);
		CHECK(vm_realloc(back, 0) == 0);	/* = free */
		CHECK_EQ(vm_malloc_check(), 0);
		CHECK_EQ(stats().used_blocks, 0);
	}
}

TEST(realloc_in_place_when_next_free_or_at_the_top)
{
	const char *pols[] = { "best,ao,immediate", "segfit,lifo,immediate", "first,lifo,immediate" };
	for (int i = 0; i < 3; i++) {
		REQUIRE(vm_malloc_set_policy(pols[i]) == 0);
		char *a = vm_malloc(100), *b = vm_malloc(400), *c = vm_malloc(100);
		vm_free(b);
		char *a2 = vm_realloc(a, 400);	/* takes b's space */
		CHECK(a2 == a);
		char *c2 = vm_realloc(c, 20000);	/* c ends the heap: grows there */
		CHECK(c2 == c);
		struct malloc_statistics s = stats();
		CHECK(s.n_realloc_inplace >= 2);
		vm_free(a2);
		vm_free(c2);
		CHECK_EQ(vm_malloc_check(), 0);
	}
	REQUIRE(vm_malloc_set_policy("buddy") == 0);
	char *x = vm_malloc(100);	/* order 7; its upper buddy is free */
	CHECK(vm_realloc(x, 200) == x);
	vm_free(x);
	CHECK_EQ(vm_malloc_check(), 0);
}

TEST(aligned_calls)
{
	for (int pi = 0; pi < NPOL; pi++) {
		REQUIRE(vm_malloc_set_policy(policies[pi]) == 0);
		for (size_t al = 8; al <= 65536; al *= 2) {
			void *p = 0;
			CHECK_EQ(vm_posix_memalign(&p, al, 100), 0);
			REQUIRE(p);
			CHECK_EQ((uintptr_t)p & (al - 1), 0);
			CHECK(vm_malloc_usable_size(p) >= 100);
			memset(p, 1, 100);
			void *q = vm_aligned_alloc(al, 3000);
			REQUIRE(q);
			CHECK_EQ((uintptr_t)q & (al - 1), 0);
			q = vm_realloc(q, 6000);	/* aligned blocks move like any */
			REQUIRE(q);
			vm_free(p);
			vm_free(q);
		}
		CHECK_EQ(vm_malloc_check(), 0);
		CHECK_EQ(stats().used_blocks, 0);
	}
	void *p = (void *)1;
	CHECK_EQ(vm_posix_memalign(&p, 24, 10), EINVAL);
	CHECK_EQ(vm_posix_memalign(&p, 4, 10), EINVAL);
	CHECK(p == (void *)1);
	errno = 0;
	CHECK(vm_aligned_alloc(48, 10) == 0);
	CHECK_EQ(errno, EINVAL);
	void *m = vm_memalign(48, 10);	/* glibc rounds up to 64 */
	CHECK_EQ((uintptr_t)m & 63, 0);
	void *v = vm_valloc(10), *pv = vm_pvalloc(5000);
	CHECK_EQ((uintptr_t)v & 4095, 0);
	CHECK_EQ((uintptr_t)pv & 4095, 0);
	CHECK(vm_malloc_usable_size(pv) >= 8192);
	vm_free(m);
	vm_free(v);
	vm_free(pv);
	CHECK_EQ(vm_malloc_check(), 0);
}

TEST(large_blocks_are_mmaped_and_unmapped)
{
	struct malloc_statistics s0 = stats();
	/* the default threshold is 1 MiB */
	void *p = vm_malloc(1 << 20), *small = vm_malloc((1 << 20) - 1);
	struct malloc_statistics s1 = stats();
	CHECK_EQ(s1.mmap_blocks, 1);
	CHECK(s1.mmap_bytes >= (1 << 20));
	CHECK_EQ(s1.n_mmap, s0.n_mmap + 1);
	vm_free(p);
	vm_free(small);
	struct malloc_statistics s2 = stats();
	CHECK_EQ(s2.mmap_blocks, 0);
	CHECK_EQ(s2.mmap_bytes, 0);
	CHECK_EQ(s2.n_munmap, s1.n_munmap + 1);
	REQUIRE(vm_malloc_set_policy("best,mmap=4K") == 0);
	p = vm_malloc(5000);
	CHECK_EQ(stats().mmap_blocks, 1);
	vm_free(p);
}

TEST(freed_large_blocks_are_cached_within_the_peak)
{
	REQUIRE(vm_malloc_set_policy("segfit,mmap=128K") == 0);
	/* a program that churns large blocks: after a few frees, mappings are
	 * kept and reused without a system call */
	for (int i = 0; i < 8; i++)
		vm_free(vm_malloc(600 << 10));
	struct malloc_statistics s0 = stats();
	CHECK(s0.mmap_cached >= (600 << 10));
	CHECK_EQ(s0.mmap_blocks, 0);
	CHECK_EQ(s0.mmap_bytes, 0);
	CHECK_EQ(s0.footprint, s0.heap_bytes + s0.mmap_bytes + s0.mmap_cached);
	char *p = vm_calloc(1, 300 << 10);	/* smaller: reused as it is */
	struct malloc_statistics s1 = stats();
	CHECK_EQ(s1.n_mmap, s0.n_mmap);
	CHECK_EQ(s1.mmap_blocks, 1);
	CHECK_EQ(s1.footprint, s0.footprint);
	for (size_t i = 0; i < (300 << 10); i += 4096)
		CHECK_EQ(p[i], 0);	/* calloc clears a reused mapping */
	memset(p, 0x5a, 300 << 10);
	/* growing the heap past the peak gives the cached bytes and the
	 * slack of p back first: the peak does not grow for the cache */
	vm_malloc_reset_peak();
	size_t peak = stats().peak_footprint;
	void *q[64];
	for (int i = 0; i < 64; i++)
		q[i] = vm_malloc(8000);
	struct malloc_statistics s2 = stats();
	CHECK_EQ(s2.mmap_cached, 0);
	CHECK(s2.mmap_bytes < (300 << 10) + 8192);
	CHECK(s2.peak_footprint <= peak || s2.peak_footprint == s2.footprint);
	CHECK_EQ((unsigned char)p[(300 << 10) - 1], 0x5a);
	vm_free(p);
	for (int i = 0; i < 64; i++)
		vm_free(q[i]);
	CHECK_EQ(vm_malloc_check(), 0);
	/* realloc out of a reused mapping whose slack goes back while the
	 * new block is made: only what is still mapped is copied */
	for (int i = 0; i < 4; i++)
		vm_free(vm_malloc(900 << 10));
	p = vm_malloc(200 << 10);
	memset(p, 0x33, 200 << 10);
	vm_malloc_reset_peak();
	p = vm_realloc(p, 4 << 20);
	REQUIRE(p != 0);
	CHECK_EQ(p[0], 0x33);
	CHECK_EQ(p[(200 << 10) - 1], 0x33);
	vm_free(p);
	CHECK_EQ(vm_malloc_check(), 0);
	/* a new policy starts without a cache */
	REQUIRE(vm_malloc_set_policy("segfit") == 0);
	CHECK_EQ(stats().mmap_cached, 0);
}

TEST(heap_top_is_given_back)
{
	for (int pi = 0; pi < NPOL; pi++) {
		REQUIRE(vm_malloc_set_policy(policies[pi]) == 0);
		void *p[4000];	/* well over the 1 MiB trim threshold */
		for (int i = 0; i < 4000; i++)
			p[i] = vm_malloc(1000);
		size_t grown = stats().heap_bytes;
		CHECK(grown >= 4000 * 1000);
		for (int i = 3999; i >= 0; i--)
			vm_free(p[i]);
		CHECK_EQ(vm_malloc_check(), 0);
		/* buddy keeps one free arena, the others the pad */
		if (stats().heap_bytes >= grown / 3)
			test_fail(__FILE__, __LINE__, "%s: heap %zu of %zu not given back", policies[pi],
				  stats().heap_bytes, grown);
		CHECK(stats().n_trim > 0);
	}
}

TEST(policy_specifications)
{
	CHECK_EQ(vm_malloc_set_policy("nonsense"), -1);
	CHECK_EQ(vm_malloc_set_policy("best,mmap=12Q"), -1);
	CHECK_EQ(vm_malloc_set_policy("worst,ao,deferred,mmap=64K,trim=1M,pad=8K"), 0);
	CHECK_STR(vm_malloc_get_policy(), "worst,ao,deferred");
	void *p = vm_malloc(10);
	CHECK_EQ(vm_malloc_set_policy("best"), -1);	/* a block is live */
	CHECK_STR(vm_malloc_get_policy(), "worst,ao,deferred");
	vm_free(p);
	CHECK_EQ(vm_malloc_set_policy("buddy"), 0);	/* deferred blocks do not count */
	CHECK_STR(vm_malloc_get_policy(), "buddy,lifo,deferred");	/* omitted: defaults */
}

TEST(statistics_and_dump)
{
	REQUIRE(vm_malloc_set_policy("segfit,lifo,immediate") == 0);
	void *p[10];
	for (int i = 0; i < 10; i++)
		p[i] = vm_malloc(100 * (size_t)(i + 1));
	for (int i = 0; i < 10; i += 2)
		vm_free(p[i]);
	struct malloc_statistics s = stats();
	CHECK_EQ(s.used_blocks, 5);
	CHECK_EQ(s.free_blocks, 6);	/* five holes and the top */
	CHECK(s.footprint == s.heap_bytes + s.mmap_bytes);
	CHECK(s.peak_footprint >= s.footprint);
	CHECK(s.used_bytes + s.free_bytes <= s.heap_bytes);
	CHECK(s.n_malloc >= 10 && s.n_free >= 5);
	int fd[2];
	REQUIRE(pipe(fd) == 0);
	vm_malloc_dump(fd[1]);
	close(fd[1]);
	char buf[4096] = { 0 };
	ssize_t n = read(fd[0], buf, sizeof buf - 1);
	CHECK(n > 0);
	CHECK(strstr(buf, "policy segfit,lifo,immediate") != 0);
	CHECK(strstr(buf, "list ") != 0);
	REQUIRE(vm_malloc_set_policy("buddy") == -1);
	for (int i = 1; i < 10; i += 2)
		vm_free(p[i]);
	REQUIRE(vm_malloc_set_policy("buddy") == 0);
	p[0] = vm_malloc(100);
	REQUIRE(pipe(fd) == 0);
	vm_malloc_dump(fd[1]);
	close(fd[1]);
	memset(buf, 0, sizeof buf);
	CHECK(read(fd[0], buf, sizeof buf - 1) > 0);
	CHECK(strstr(buf, "order ") != 0);
}
