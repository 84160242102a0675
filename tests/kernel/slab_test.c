/* Tests for the slab caches and kmalloc (src/kernel/slab.c). */
#include "test.h"
#include "slab.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static struct ram ram;
static struct page_alloc pa;
static struct kmem km;
static uint64_t free_at_boot;

static void boot(uint64_t size, bool debug)
{
	REQUIRE(ram_init(&ram, size) == 0);
	REQUIRE(page_alloc_init(&pa, &ram) == 0);
	free_at_boot = page_alloc_free_count(&pa);
	REQUIRE(kmem_init(&km, &pa, debug) == 0);
}

#define CHECK_INVARIANTS() do { const char *e_ = kmem_check(&km); \
	if (!e_) e_ = page_alloc_check(&pa); \
	if (e_) test_fail(__FILE__, __LINE__, "invariant: %s", e_); } while (0)


struct thing { uint64_t a, b, c; };

TEST(cache_alloc_free)
{
	boot(4 << 20, false);
	struct kmem_cache *c = kmem_cache_create(&km, "thing", sizeof(struct thing), 8);
	REQUIRE(c);
	struct thing *t[300];
	for (int i = 0; i < 300; i++) {
		t[i] = kmem_cache_alloc(c);
		REQUIRE(t[i]);
		CHECK(((uintptr_t)t[i] & 7) == 0);
		t[i]->a = (uint64_t)i;
		t[i]->c = ~(uint64_t)i;
	}
	for (int i = 0; i < 300; i++)            /* no two objects overlap */
		CHECK(t[i]->a == (uint64_t)i && t[i]->c == ~(uint64_t)i);
	struct kmem_cache_stats st;
	kmem_cache_get_stats(c, &st);
	CHECK_EQ(st.active, 300);
	CHECK(st.total >= 300);
	CHECK_EQ(st.total, st.slabs * (4096 / 24));
	CHECK_INVARIANTS();
	for (int i = 0; i < 300; i += 2)
		kmem_cache_free(c, t[i]);
	CHECK_INVARIANTS();
	for (int i = 1; i < 300; i += 2)
		kmem_cache_free(c, t[i]);
	kmem_cache_get_stats(c, &st);
	CHECK_EQ(st.active, 0);
	CHECK(st.slabs <= 2);   /* one kept empty, one held by the magazine */
	CHECK_INVARIANTS();
	kmem_cache_shrink(c);
	kmem_cache_get_stats(c, &st);
	CHECK_EQ(st.slabs, 0);                   /* empty slabs went back */
	CHECK_INVARIANTS();
	kmem_cache_destroy(c);
	CHECK_INVARIANTS();
	kmem_destroy(&km);
	CHECK_EQ(page_alloc_free_count(&pa), free_at_boot);
}

/* The magazine: a freed object is the next one handed out (LIFO), the
 * counters treat magazine objects as free, and the checker accepts them. */
TEST(magazine_reuses_last_freed)
{
	boot(4 << 20, false);
	struct kmem_cache *c = kmem_cache_create(&km, "mag", 40, 8);
	REQUIRE(c);
	void *a[40];
	for (int i = 0; i < 40; i++)
		REQUIRE((a[i] = kmem_cache_alloc(c)));
	for (int i = 0; i < 40; i += 3)
		kmem_cache_free(c, a[i]);
	CHECK_INVARIANTS();
	struct kmem_cache_stats st;
	kmem_cache_get_stats(c, &st);
	CHECK_EQ(st.active, 40 - 14);
	/* handed out again newest first */
	CHECK(kmem_cache_alloc(c) == a[39]);
	CHECK(kmem_cache_alloc(c) == a[36]);
	kmem_cache_free(c, a[1]);
	CHECK(kmem_cache_alloc(c) == a[1]);
	CHECK_INVARIANTS();
	kmem_cache_shrink(c);
	CHECK_INVARIANTS();
	kmem_cache_get_stats(c, &st);
	CHECK_EQ(st.active, 40 - 12);
	/* after a drain, objects come from the slabs again, none twice */
	void *b[12];
	for (int i = 0; i < 12; i++) {
		REQUIRE((b[i] = kmem_cache_alloc(c)));
		for (int j = 0; j < i; j++)
			CHECK(b[i] != b[j]);
	}
	CHECK_INVARIANTS();
	for (int i = 0; i < 40; i++)
		if (i % 3 || i == 39 || i == 36)
			kmem_cache_free(c, a[i]);
	for (int i = 0; i < 12; i++)
		kmem_cache_free(c, b[i]);
	kmem_cache_get_stats(c, &st);
	CHECK_EQ(st.active, 0);
	kmem_cache_destroy(c);
	kmem_destroy(&km);
	CHECK_EQ(page_alloc_free_count(&pa), free_at_boot);
}

TEST(alignment)
{
	boot(4 << 20, false);
	size_t aligns[] = { 8, 16, 64, 256, 4096 };
	for (unsigned i = 0; i < sizeof aligns / sizeof aligns[0]; i++) {
		struct kmem_cache *c = kmem_cache_create(&km, "aligned", 40, aligns[i]);
		REQUIRE(c);
		for (int k = 0; k < 20; k++) {
			void *p = kmem_cache_alloc(c);
			REQUIRE(p);
			CHECK(((uintptr_t)p & (aligns[i] - 1)) == 0);
		}
	}
	CHECK(kmem_cache_create(&km, "bad", 40, 24) == NULL);      /* not a power of two */
	CHECK(kmem_cache_create(&km, "huge", 1 << 20, 8) == NULL); /* exceeds a slab */
	CHECK_INVARIANTS();
}

TEST(zalloc_zeroes)
{
	boot(4 << 20, true);
	struct kmem_cache *c = kmem_cache_create(&km, "z", 100, 8);
	uint8_t *p = kmem_cache_zalloc(c);
	REQUIRE(p);
	int nz = 0;
	for (int i = 0; i < 100; i++)
		nz |= p[i];
	CHECK(!nz);
	uint8_t *q = kzalloc(&km, 6000);
	REQUIRE(q);
	for (int i = 0; i < 6000; i++)
		nz |= q[i];
	CHECK(!nz);
}

TEST(kmalloc_classes)
{
	boot(8 << 20, false);
	size_t sizes[] = { 1, 7, 8, 9, 16, 17, 100, 1000, 2048, 2049, 4095, 4096 };
	for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		uint8_t *p = kmalloc(&km, sizes[i]);
		REQUIRE(p);
		size_t us = ksize(&km, p);
		CHECK(us >= sizes[i] && us < 2 * sizes[i] + 8);
		memset(p, 0x11, sizes[i]);
		if (sizes[i] >= 16)
			CHECK(((uintptr_t)p & 15) == 0);
		kfree(&km, p);
	}
	/* whole pages above 4 KiB */
	uint8_t *big = kmalloc(&km, 4097);
	REQUIRE(big);
	CHECK(((uintptr_t)big & PGMASK) == 0);
	CHECK_EQ(ksize(&km, big), 8192);
	CHECK_EQ(pa_frame(&pa, ram_pa(&ram, big))->owner, FO_KERNEL);
	kfree(&km, big);
	/* kmalloc(0) is a unique pointer; kfree(NULL) does nothing */
	void *z1 = kmalloc(&km, 0), *z2 = kmalloc(&km, 0);
	CHECK(z1 && z2 && z1 != z2);
	kfree(&km, z1);
	kfree(&km, z2);
	kfree(&km, NULL);
	CHECK(kmalloc(&km, 64ULL << 20) == NULL);      /* beyond the largest block */
	CHECK_INVARIANTS();
	kmem_destroy(&km);
	CHECK_EQ(page_alloc_free_count(&pa), free_at_boot);
}

TEST(exhaustion_then_recovery)
{
	boot(1 << 20, false);
	struct kmem_cache *c = kmem_cache_create(&km, "fill", 512, 8);
	static void *p[4096];
	int n = 0;
	while ((p[n] = kmem_cache_alloc(c)) != NULL)
		n++;
	CHECK(n > 100);
	CHECK_EQ(page_alloc_free_count(&pa), 0);
	CHECK(kmalloc(&km, 5000) == NULL);
	CHECK_INVARIANTS();
	for (int i = 0; i < n; i++)
		kmem_cache_free(c, p[i]);
	CHECK_INVARIANTS();
	kmem_cache_destroy(c);
	kmem_destroy(&km);
	CHECK_EQ(page_alloc_free_count(&pa), free_at_boot);
}

TEST(fault_injection)
{
	boot(4 << 20, false);
	struct alloc_faults f = { .countdown = -1 };
	km.faults = &f;
	pa.faults = &f;
	struct kmem_cache *c = kmem_cache_create(&km, "fi", 64, 8);
	REQUIRE(c);
	void *a = kmem_cache_alloc(c);
	CHECK(a);
	f.countdown = 0;
	CHECK(kmem_cache_alloc(c) == NULL);
	CHECK(kmem_cache_alloc(c) != NULL);
	f.countdown = 0;
	CHECK(kmalloc(&km, 10000) == NULL);
	CHECK_EQ(f.injected, 2);
	CHECK_INVARIANTS();
}

static struct kmem_cache *dc;
static void do_double_free(void) { void *p = kmem_cache_alloc(dc); kmem_cache_free(dc, p); kmem_cache_free(dc, p); }
static void do_wrong_cache(void)
{
	struct kmem_cache *o = kmem_cache_create(&km, "other", 48, 8);
	kmem_cache_free(o, kmem_cache_alloc(dc));
}
static void do_interior(void) { char *p = kmem_cache_alloc(dc); kmem_cache_free(dc, p + 8); }
static void do_overflow(void) { char *p = kmem_cache_alloc(dc); p[48] = 1; kmem_cache_free(dc, p); }
static void do_use_after_free(void)
{
	char *p = kmem_cache_alloc(dc);
	kmem_cache_free(dc, p);
	p[20] = 1;
	for (int i = 0; i < 100; i++)
		kmem_cache_alloc(dc);
}
static void do_kfree_host(void) { static char buf[64]; kfree(&km, buf); }
static void do_kfree_page(void)
{
	uint64_t a = page_alloc_frames(&pa, 0, 0, FO_USER, 1);
	kfree(&km, ram_ptr(&ram, a));
}
static void do_kfree_cache_obj(void) { kfree(&km, kmem_cache_alloc(dc)); }
static void do_destroy_busy(void) { kmem_cache_alloc(dc); kmem_cache_destroy(dc); }

TEST(debug_detects_misuse)
{
	boot(4 << 20, true);
	dc = kmem_cache_create(&km, "victim", 48, 8);
	REQUIRE(dc);
	CHECK(test_dies(do_double_free));
	CHECK(test_dies(do_wrong_cache));
	CHECK(test_dies(do_interior));
	CHECK(test_dies(do_overflow));
	CHECK(test_dies(do_use_after_free));
	CHECK(test_dies(do_kfree_host));
	CHECK(test_dies(do_kfree_page));
	CHECK(test_dies(do_kfree_cache_obj));
	CHECK(test_dies(do_destroy_busy));
	/* and correct use does not die */
	void *p = kmem_cache_alloc(dc);
	((char *)p)[47] = 1;
	kmem_cache_free(dc, p);
	CHECK_INVARIANTS();
}

TEST(debug_poison_and_redzone_layout)
{
	boot(4 << 20, true);
	struct kmem_cache *c = kmem_cache_create(&km, "layout", 40, 8);
	struct kmem_cache_stats st;
	kmem_cache_get_stats(c, &st);
	CHECK(st.stride >= 40 + 16);            /* state word + redzone */
	uint8_t *p = kmem_cache_alloc(c);
	CHECK_EQ(p[40], 0xbb);                  /* redzone right after the object */
	kmem_cache_free(c, p);
	CHECK_EQ(p[10], 0x6b);                  /* poisoned when free */
}

/* Random mixed cache and kmalloc traffic with a reference of what each
 * object must still contain. */
TEST(random_stress)
{
	boot(64 << 20, false);
	enum { SLOTS = 8192 };
	static uint8_t *obj[SLOTS];
	static uint32_t len[SLOTS];
	struct kmem_cache *caches[4];
	size_t csz[4] = { 24, 72, 200, 1000 };
	for (int i = 0; i < 4; i++)
		caches[i] = kmem_cache_create(&km, "stress", csz[i], 8);
	uint64_t seed = 99;
	for (long i = 0; i < 2000000; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		unsigned s = (unsigned)(seed >> 35) % SLOTS;
		if (obj[s]) {
			uint8_t tag = (uint8_t)s;
			if (obj[s][0] != tag || obj[s][len[s] - 1] != tag)
				test_fail(__FILE__, __LINE__, "object %u corrupted", s);
			if (s & 1)
				kfree(&km, obj[s]);
			else
				kmem_cache_free(caches[(s >> 1) & 3], obj[s]);
			obj[s] = NULL;
		} else {
			if (s & 1) {
				len[s] = 1 + (uint32_t)(seed >> 13) % ((seed >> 50) & 1 ? 2048 : 9000);
				obj[s] = kmalloc(&km, len[s]);
			} else {
				len[s] = (uint32_t)csz[(s >> 1) & 3];
				obj[s] = kmem_cache_alloc(caches[(s >> 1) & 3]);
			}
			if (!obj[s])
				continue;
			obj[s][0] = obj[s][len[s] - 1] = (uint8_t)s;
		}
		if (i % 250000 == 0)
			CHECK_INVARIANTS();
	}
	CHECK_INVARIANTS();
	for (unsigned s = 0; s < SLOTS; s++)
		if (obj[s]) {
			if (s & 1)
				kfree(&km, obj[s]);
			else
				kmem_cache_free(caches[(s >> 1) & 3], obj[s]);
		}
	for (int i = 0; i < 4; i++)
		kmem_cache_destroy(caches[i]);
	CHECK_INVARIANTS();
	kmem_destroy(&km);
	CHECK_EQ(page_alloc_free_count(&pa), free_at_boot);
}

/* Without debug mode a double free lands in the magazine: it is still
 * caught, at once while the first free is in the magazine, and by the
 * checker when the first one already went back to its slab. */
static void do_mag_double_free(void)
{
	void *p = kmem_cache_alloc(dc);
	kmem_cache_free(dc, p);
	kmem_cache_free(dc, p);
}

TEST(magazine_double_free_detected)
{
	boot(4 << 20, false);
	dc = kmem_cache_create(&km, "victim", 48, 8);
	REQUIRE(dc);
	void *keep = kmem_cache_alloc(dc);
	CHECK(test_dies(do_mag_double_free));
	/* the first free drained to the slab, the second in the magazine */
	void *p = kmem_cache_alloc(dc);
	kmem_cache_free(dc, p);
	kmem_cache_shrink(dc);
	CHECK_INVARIANTS();
	kmem_cache_free(dc, p);
	CHECK(kmem_check(&km) != NULL);
	kmem_cache_free(dc, keep);
}
