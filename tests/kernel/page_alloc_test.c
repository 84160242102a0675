/* Tests for the buddy page-frame allocator (src/kernel/page_alloc.c). */
#include "test.h"
#include "page_alloc.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static struct ram ram;
static struct page_alloc pa;

static void boot(uint64_t size)
{
	REQUIRE(ram_init(&ram, size) == 0);
	REQUIRE(page_alloc_init(&pa, &ram) == 0);
	const char *e = page_alloc_check(&pa);
	if (e)
		test_fail(__FILE__, __LINE__, "check: %s", e);
}

#define CHECK_INVARIANTS() do { const char *e_ = page_alloc_check(&pa); \
	if (e_) test_fail(__FILE__, __LINE__, "invariant: %s", e_); } while (0)


TEST(ram_sizes)
{
	struct ram r;
	CHECK(ram_init(&r, 1 << 20) == 0);
	CHECK_EQ(r.base, 0x80000000ULL);
	ram_destroy(&r);
	CHECK(ram_init(&r, (1 << 20) + 100) < 0);
	CHECK(ram_init(&r, 512 << 10) < 0);
	CHECK(ram_init(&r, 4ULL << 30) == 0);   /* 4 GiB, reserved lazily */
	struct page_alloc p;
	CHECK(page_alloc_init(&p, &r) == 0);
	CHECK(page_alloc_check(&p) == NULL);
	CHECK_EQ(p.nframes, 1u << 20);
	ram_destroy(&r);
}

TEST(parse_sizes)
{
	uint64_t v;
	CHECK(parse_size("128M", &v) == 0 && v == 128ULL << 20);
	CHECK(parse_size("4k", &v) == 0 && v == 4096);
	CHECK(parse_size("1GiB", &v) == 0 && v == 1ULL << 30);
	CHECK(parse_size("65536", &v) == 0 && v == 65536);
	CHECK(parse_size("0x1000", &v) == 0 && v == 4096);
	CHECK(parse_size("", &v) < 0);
	CHECK(parse_size("12Q", &v) < 0);
	CHECK(parse_size("-1", &v) < 0);
	CHECK(parse_size("99999999999999999999T", &v) < 0);
	CHECK(parse_size("20000000T", &v) < 0);
}

TEST(boot_layout)
{
	boot(16 << 20);
	CHECK_EQ(pa.nframes, 4096);
	/* 4096 frames * 32 bytes = 128 KiB of metadata = 32 frames */
	CHECK_EQ(pa.first_usable, (4096 * sizeof(struct frame) + 4095) / 4096);
	CHECK_EQ(page_alloc_free_count(&pa), 4096 - pa.first_usable);
	CHECK_EQ(pa.by_owner[FO_BOOT], pa.first_usable);
	CHECK(pa.nfree[PA_MAX_ORDER] >= 3);
}

TEST(alloc_free_order0)
{
	boot(4 << 20);
	uint64_t before = page_alloc_free_count(&pa);
	uint64_t a = page_alloc_frames(&pa, 0, 0, FO_USER, 7);
	REQUIRE(a != 0);
	CHECK((a & PGMASK) == 0);
	CHECK(ram_contains(&ram, a, PGSIZE));
	CHECK_EQ(page_alloc_free_count(&pa), before - 1);
	struct frame *f = pa_frame(&pa, a);
	CHECK_EQ(f->owner, FO_USER);
	CHECK_EQ(f->owner_id, 7);
	CHECK_EQ(f->refcount, 1);
	CHECK_EQ(pa.by_owner[FO_USER], 1);
	CHECK_INVARIANTS();
	page_free_frames(&pa, a, 0);
	CHECK_EQ(page_alloc_free_count(&pa), before);
	CHECK_EQ(pa.by_owner[FO_USER], 0);
	CHECK_INVARIANTS();
}

TEST(split_and_coalesce)
{
	boot(16 << 20);
	uint64_t free0 = page_alloc_free_count(&pa);
	uint64_t nmax = pa.nfree[PA_MAX_ORDER];
	uint64_t blocks[PA_NORDERS];
	for (unsigned o = 0; o < PA_NORDERS; o++) {
		blocks[o] = page_alloc_frames(&pa, o, 0, FO_KERNEL, 0);
		if (!blocks[o]) { page_alloc_print(&pa, stderr); test_fail(__FILE__, __LINE__, "order %u", o); }
		REQUIRE(blocks[o]);
		/* aligned to its own size */
		CHECK(((blocks[o] - RAM_BASE) & ((PGSIZE << o) - 1)) == 0);
		CHECK_INVARIANTS();
	}
	for (unsigned o = 0; o < PA_NORDERS; o++) {
		page_free_frames(&pa, blocks[o], o);
		CHECK_INVARIANTS();
	}
	CHECK_EQ(page_alloc_free_count(&pa), free0);
	CHECK_EQ(pa.nfree[PA_MAX_ORDER], nmax);     /* everything merged back */
}

TEST(zeroed_allocation)
{
	boot(2 << 20);
	pa.debug = true;       /* freed pages are poisoned */
	uint64_t a = page_alloc_frames(&pa, 2, 0, FO_KERNEL, 0);
	memset(ram_ptr(&ram, a), 0xee, 4 * PGSIZE);
	page_free_frames(&pa, a, 2);
	uint64_t b = page_alloc_frames(&pa, 2, PA_ZERO, FO_KERNEL, 0);
	REQUIRE(b);
	const uint8_t *p = ram_ptr(&ram, b);
	int nonzero = 0;
	for (unsigned i = 0; i < 4 * PGSIZE; i++)
		nonzero |= p[i];
	CHECK(!nonzero);
	page_free_frames(&pa, b, 2);
	CHECK_EQ(((uint8_t *)ram_ptr(&ram, b))[100], 0x5a);   /* poison visible */
}

TEST(exhaustion_and_restore)
{
	boot(1 << 20);
	uint64_t free0 = page_alloc_free_count(&pa);
	static uint64_t got[512];
	unsigned n = 0;
	uint64_t a;
	while ((a = page_alloc_frames(&pa, 0, 0, FO_USER, 1)) != 0) {
		REQUIRE(n < 512);
		got[n++] = a;
	}
	CHECK_EQ(n, free0);
	CHECK_EQ(page_alloc_free_count(&pa), 0);
	CHECK(page_alloc_frames(&pa, 0, 0, FO_USER, 1) == 0);
	CHECK(pa.failed >= 2);
	CHECK_INVARIANTS();
	for (unsigned i = 0; i < n; i++)
		page_free_frames(&pa, got[n - 1 - i], 0);
	CHECK_EQ(page_alloc_free_count(&pa), free0);
	CHECK_INVARIANTS();
	/* an order larger than any free block fails cleanly */
	CHECK(page_alloc_frames(&pa, PA_MAX_ORDER, 0, FO_USER, 1) == 0); /* 1 MiB RAM has none */
	CHECK(page_alloc_frames(&pa, PA_MAX_ORDER + 1, 0, FO_USER, 1) == 0);
	CHECK_INVARIANTS();
}

TEST(fragmentation_index)
{
	boot(1 << 20);
	/* fill with order-0 pages, free every other one: plenty free, no order-1 block */
	static uint64_t got[512];
	unsigned n = 0;
	uint64_t a;
	while ((a = page_alloc_frames(&pa, 0, 0, FO_USER, 1)) != 0)
		got[n++] = a;
	for (unsigned i = 0; i < n; i++)
		if ((pa_to_frame(&pa, got[i]) & 1) == 0)
			page_free_frames(&pa, got[i], 0);
	CHECK(page_alloc_frag_index(&pa, 0) < 0);            /* order 0 succeeds */
	double fi = page_alloc_frag_index(&pa, 1);
	CHECK(fi > 0.4 && fi <= 1.0);                        /* failure due to fragmentation */
	CHECK(page_alloc_frag_index(&pa, 4) > fi);           /* worse for larger orders */
	CHECK(page_alloc_frames(&pa, 1, 0, FO_USER, 1) == 0);
	CHECK_INVARIANTS();
}

TEST(fault_injection)
{
	boot(1 << 20);
	struct alloc_faults faults = { .countdown = 2 };
	pa.faults = &faults;
	CHECK(page_alloc_frames(&pa, 0, 0, FO_USER, 1) != 0);
	CHECK(page_alloc_frames(&pa, 0, 0, FO_USER, 1) != 0);
	CHECK(page_alloc_frames(&pa, 0, 0, FO_USER, 1) == 0);   /* the third fails */
	CHECK(page_alloc_frames(&pa, 0, 0, FO_USER, 1) != 0);   /* then it is off */
	CHECK_EQ(faults.injected, 1);
	CHECK_INVARIANTS();
}

static void do_double_free(void)
{
	uint64_t a = page_alloc_frames(&pa, 0, 0, FO_USER, 1);
	page_free_frames(&pa, a, 0);
	page_free_frames(&pa, a, 0);
}
static void do_wrong_order(void)
{
	uint64_t a = page_alloc_frames(&pa, 2, 0, FO_USER, 1);
	page_free_frames(&pa, a, 1);
}
static void do_interior_free(void)
{
	uint64_t a = page_alloc_frames(&pa, 2, 0, FO_USER, 1);
	page_free_frames(&pa, a + PGSIZE, 0);
}
static void do_outside_free(void) { page_free_frames(&pa, 0x1000, 0); }
static void do_boot_free(void) { page_free_frames(&pa, RAM_BASE, 0); }

TEST(invalid_frees_detected)
{
	boot(1 << 20);
	CHECK(test_dies(do_double_free));
	CHECK(test_dies(do_wrong_order));
	CHECK(test_dies(do_interior_free));
	CHECK(test_dies(do_outside_free));
	CHECK(test_dies(do_boot_free));
	CHECK_INVARIANTS();       /* the parent's allocator is untouched */
}

TEST(checker_detects_corruption)
{
	boot(1 << 20);
	uint64_t a = page_alloc_frames(&pa, 0, 0, FO_USER, 1);
	CHECK(page_alloc_check(&pa) == NULL);
	pa_frame(&pa, a)->flags = 0;                        /* frame in no block */
	CHECK(page_alloc_check(&pa) != NULL);
	pa_frame(&pa, a)->flags = FRAME_HEAD;
	CHECK(page_alloc_check(&pa) == NULL);
	pa.free_frames++;                                   /* counter drift */
	CHECK(page_alloc_check(&pa) != NULL);
	pa.free_frames--;
	pa.by_owner[FO_USER]++;
	CHECK(page_alloc_check(&pa) != NULL);
}

/* Millions of random operations of random orders, checked periodically. */
TEST(random_stress)
{
	boot(64 << 20);
	enum { SLOTS = 4096 };
	static uint64_t addr[SLOTS];
	static uint8_t ord[SLOTS];
	uint64_t free0 = page_alloc_free_count(&pa);
	uint64_t seed = 12345;
	uint64_t ops = 0;
	for (long i = 0; i < 2000000; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		unsigned s = (unsigned)(seed >> 33) % SLOTS;
		if (addr[s]) {
			page_free_frames(&pa, addr[s], ord[s]);
			addr[s] = 0;
		} else {
			unsigned r = (unsigned)(seed >> 20) & 1023;
			unsigned o = r < 700 ? 0 : r < 900 ? 1 + r % 3 : r % (PA_MAX_ORDER + 1);
			addr[s] = page_alloc_frames(&pa, o, 0, FO_USER, s);
			ord[s] = (uint8_t)o;
			if (addr[s])
				CHECK_EQ(pa_frame(&pa, addr[s])->owner_id, s);
		}
		ops++;
		if (i % 200000 == 0)
			CHECK_INVARIANTS();
	}
	CHECK_INVARIANTS();
	for (unsigned s = 0; s < SLOTS; s++)
		if (addr[s])
			page_free_frames(&pa, addr[s], ord[s]);
	CHECK_EQ(page_alloc_free_count(&pa), free0);
	CHECK_INVARIANTS();
	CHECK(ops == 2000000);
}

/* The hot list: a freed single frame is handed out again first (no merge,
 * no split), counts as free, and a drain merges it back into the buddy
 * lists.  An allocation the buddy lists cannot serve drains it. */
TEST(hot_list)
{
	boot(4 << 20);
	uint64_t free0 = page_alloc_free_count(&pa);
	uint64_t nfree0[PA_NORDERS];
	memcpy(nfree0, pa.nfree, sizeof nfree0);
	uint64_t a = page_alloc_frames(&pa, 0, 0, FO_KERNEL, 0);
	uint64_t b = page_alloc_frames(&pa, 0, 0, FO_KERNEL, 0);
	REQUIRE(a && b);
	page_free_frames(&pa, a, 0);
	page_free_frames(&pa, b, 0);
	CHECK_EQ(pa.nhot, 2);
	CHECK_EQ(page_alloc_free_count(&pa), free0);
	CHECK(pa_frame(&pa, a)->flags & FRAME_HOT);
	CHECK_INVARIANTS();
	CHECK_EQ(page_alloc_frames(&pa, 0, 0, FO_KERNEL, 0), b);    /* LIFO */
	CHECK_EQ(page_alloc_frames(&pa, 0, 0, FO_KERNEL, 0), a);
	CHECK_EQ(pa.nhot, 0);
	CHECK_INVARIANTS();
	page_free_frames(&pa, a, 0);
	page_free_frames(&pa, b, 0);
	page_alloc_drain(&pa);
	CHECK_EQ(pa.nhot, 0);
	CHECK_INVARIANTS();
	for (unsigned o = 0; o < PA_NORDERS; o++)
		CHECK_EQ(pa.nfree[o], nfree0[o]);                      /* merged back */

	/* a known-zero frame stays known-zero through the hot list */
	uint64_t z = page_alloc_frames(&pa, 0, PA_ZERO, FO_KERNEL, 0);
	page_free_frames_hint(&pa, z, 0, true);
	CHECK(pa_frame(&pa, z)->flags & FRAME_KNOWN_ZERO);
	memset(ram_ptr(&ram, z), 0x77, 64);   /* a lie the allocator must believe */
	CHECK_EQ(page_alloc_frames(&pa, 0, PA_ZERO, FO_KERNEL, 0), z);
	CHECK_EQ(*(uint8_t *)ram_ptr(&ram, z), 0x77);
	memset(ram_ptr(&ram, z), 0, 64);
	page_free_frames(&pa, z, 0);
	CHECK(!(pa_frame(&pa, z)->flags & FRAME_KNOWN_ZERO));
	CHECK_EQ(page_alloc_frames(&pa, 0, PA_ZERO, FO_KERNEL, 0), z);
	page_free_frames(&pa, z, 0);
	page_alloc_drain(&pa);

	/* take every frame, free them all (PA_HOT_MAX go hot), then ask for the
	 * biggest block: only a drain can make it */
	uint64_t n = page_alloc_free_count(&pa), *all = calloc(n, 8);
	REQUIRE(all);
	for (uint64_t i = 0; i < n; i++)
		REQUIRE((all[i] = page_alloc_frames(&pa, 0, 0, FO_KERNEL, 0)));
	CHECK_EQ(page_alloc_frames(&pa, 0, 0, FO_KERNEL, 0), 0);
	for (uint64_t i = 0; i < n; i++)
		page_free_frames(&pa, all[i], 0);
	free(all);
	CHECK_EQ(pa.nhot, PA_HOT_MAX);
	CHECK_INVARIANTS();
	unsigned top = PA_NORDERS - 1;
	while (top > 0 && !nfree0[top])
		top--;
	uint64_t big = page_alloc_frames(&pa, top, 0, FO_KERNEL, 0);
	CHECK(big != 0);
	CHECK_INVARIANTS();
	page_free_frames(&pa, big, top);
	page_alloc_drain(&pa);
	CHECK_EQ(page_alloc_free_count(&pa), free0);
	for (unsigned o = 0; o < PA_NORDERS; o++)
		CHECK_EQ(pa.nfree[o], nfree0[o]);

	/* the checker sees a hot frame that is not on the list */
	uint64_t c = page_alloc_frames(&pa, 0, 0, FO_KERNEL, 0);
	page_free_frames(&pa, c, 0);
	pa.nhot = 0;
	CHECK(page_alloc_check(&pa) != NULL);
	pa.nhot = 1;
	CHECK_INVARIANTS();
	/* ... and a frame listed twice while another hot frame is lost */
	uint64_t d1 = page_alloc_frames(&pa, 0, 0, FO_KERNEL, 0);   /* c again */
	uint64_t d2 = page_alloc_frames(&pa, 0, 0, FO_KERNEL, 0);
	page_free_frames(&pa, d1, 0);
	page_free_frames(&pa, d2, 0);                     /* hot: [d1, d2] */
	REQUIRE(pa.nhot == 2);
	pa.hot[1] = pa.hot[0];
	CHECK(page_alloc_check(&pa) != NULL);
	pa.hot[1] = pa_to_frame(&pa, d2);
	CHECK_INVARIANTS();
}

static void do_reassign_free_frame(void)
{
	boot(4 << 20);
	uint64_t a = page_alloc_frames(&pa, 0, 0, FO_USER, 1);
	page_free_frames(&pa, a, 0);
	page_reassign(&pa, a, FO_USER, 2);      /* free: a kernel bug */
}

static void do_reassign_block(void)
{
	boot(4 << 20);
	uint64_t a = page_alloc_frames(&pa, 2, 0, FO_KERNEL, 0);
	page_reassign(&pa, a, FO_USER, 2);      /* not a single frame */
}

TEST(reassign_hands_a_frame_over)
{
	boot(4 << 20);
	uint64_t free0 = pa.free_frames;
	uint64_t a = page_alloc_frames(&pa, 0, PA_ZERO, FO_USER, 7);
	REQUIRE(a);
	uint64_t allocs = pa.allocs, frees = pa.frees, users = pa.by_owner[FO_USER];
	pa_frame(&pa, a)->refcount = 0;          /* as reclaim leaves it */
	page_reassign(&pa, a, FO_FILE, 0);
	struct frame *f = pa_frame(&pa, a);
	CHECK_EQ(f->owner, FO_FILE);
	CHECK_EQ(f->refcount, 1);
	CHECK_EQ(f->flags, FRAME_HEAD);
	CHECK_EQ(pa.by_owner[FO_USER], users - 1);
	CHECK_EQ(pa.by_owner[FO_FILE], 1);
	CHECK_EQ(pa.allocs, allocs);             /* no trip through the free lists */
	CHECK_EQ(pa.frees, frees);
	CHECK_EQ(pa.free_frames, free0 - 1);
	CHECK_EQ(pa.handed_over, 1);
	CHECK_INVARIANTS();
	page_free_frames(&pa, a, 0);
	CHECK_EQ(pa.free_frames, free0);
	CHECK_INVARIANTS();
	CHECK(test_dies(do_reassign_free_frame));
	CHECK(test_dies(do_reassign_block));
	ram_destroy(&ram);
}
