/*
 * vm_map_test.c - tests of the region map (src/kernel/vm_map.c): every
 * operation and its edge cases, failure paths under injected allocation
 * faults, and a randomized run against a reference model (one entry per
 * page) with vm_map_check after every operation.
 */
#include "test.h"

#include <errno.h>
#include <stdlib.h>

#include "pmap.h"
#include "slab.h"
#include "vm_map.h"
#include "pagecache.h"

static struct ram ram;
static struct page_alloc pa;
static struct kmem km;
static struct vm_map map;
static struct alloc_faults faults = { .countdown = -1 };

#define P(n) ((uint64_t)(n) * PGSIZE)
#define RW (VM_PROT_READ | VM_PROT_WRITE)
#define RX (VM_PROT_READ | VM_PROT_EXEC)

/* A map over pages [1, 4096) of a fresh kernel allocator. */
static void boot(void)
{
	REQUIRE(ram_init(&ram, 8 << 20) == 0);
	REQUIRE(page_alloc_init(&pa, &ram) == 0);
	REQUIRE(kmem_init(&km, &pa, true) == 0);
	km.faults = &faults;
	REQUIRE(vm_map_init(&map, &km, P(1), P(4096)) == 0);
}

#define CHECK_MAP() do { const char *e_ = vm_map_check(&map); \
	if (!e_) e_ = kmem_check(&km); \
	if (e_) { test_fail(__FILE__, __LINE__, "invariant: %s", e_); test_abort(); } } while (0)

/* Objects of the region cache in use. */
static uint64_t live_regions(void)
{
	struct kmem_cache_stats st;
	kmem_cache_get_stats(map.cache, &st);
	return st.active;
}

static struct vm_region *ins(uint64_t s, uint64_t e, uint32_t prot)
{
	struct vm_region *r = NULL;
	int rc = vm_map_insert(&map, s, e, prot, VMK_ANON, NULL, 0, 0, &r);
	if (rc)
		test_fail(__FILE__, __LINE__, "insert [0x%llx, 0x%llx): %d",
			  (unsigned long long)s, (unsigned long long)e, rc);
	CHECK_MAP();
	return r;
}

TEST(init_and_empty_map)
{
	boot();
	CHECK(vm_map_first(&map) == NULL && vm_map_last(&map) == NULL);
	CHECK(vm_map_lookup(&map, P(5)) == NULL);
	CHECK(vm_map_next_after(&map, 0) == NULL);
	CHECK_EQ(map.nregions, 0);
	struct vm_map m2;
	CHECK_EQ(vm_map_init(&m2, &km, P(4), P(4)), -EINVAL);
	CHECK_EQ(vm_map_init(&m2, &km, 100, P(4)), -EINVAL);
	REQUIRE(vm_map_init(&m2, &km, P(1), P(10)) == 0);
	CHECK(m2.cache == map.cache);      /* one cache for all maps */
	CHECK_MAP();
}

TEST(insert_lookup_iterate)
{
	boot();
	struct vm_region *b = ins(P(20), P(30), RW);
	struct vm_region *a = ins(P(10), P(12), RX);
	struct vm_region *c = ins(P(30), P(31), VM_PROT_READ);
	CHECK_EQ(map.nregions, 3);
	CHECK(vm_map_lookup(&map, P(10)) == a);
	CHECK(vm_map_lookup(&map, P(12) - 1) == a);
	CHECK(vm_map_lookup(&map, P(12)) == NULL);
	CHECK(vm_map_lookup(&map, P(29) + 5) == b);
	CHECK(vm_map_lookup(&map, P(30)) == c);
	CHECK(vm_map_lookup(&map, P(31)) == NULL);
	CHECK(vm_map_lookup(&map, 0) == NULL);
	CHECK(vm_map_next_after(&map, P(11)) == b);
	CHECK(vm_map_next_after(&map, P(20)) == b);
	CHECK(vm_map_next_after(&map, P(10)) == a);
	CHECK(vm_map_next_after(&map, P(31)) == NULL);
	CHECK(vm_map_first(&map) == a && vm_map_last(&map) == c);
	CHECK(vm_map_next(&map, a) == b && vm_map_next(&map, b) == c && !vm_map_next(&map, c));
	CHECK(vm_map_prev(&map, c) == b && vm_map_prev(&map, b) == a && !vm_map_prev(&map, a));
	CHECK_EQ(a->maxprot, VM_PROT_ALL);
	CHECK_EQ(a->flags, 0);
	CHECK_EQ(b->file_end, P(20));      /* anonymous: file_end == start */
}

TEST(insert_rejects)
{
	boot();
	ins(P(20), P(30), RW);
	struct vm_region *r = (struct vm_region *)1;
	CHECK_EQ(vm_map_insert(&map, P(5) + 1, P(6), RW, VMK_ANON, NULL, 0, 0, &r), -EINVAL);
	CHECK_EQ(vm_map_insert(&map, P(5), P(6) - 1, RW, VMK_ANON, NULL, 0, 0, &r), -EINVAL);
	CHECK_EQ(vm_map_insert(&map, P(6), P(6), RW, VMK_ANON, NULL, 0, 0, &r), -EINVAL);
	CHECK_EQ(vm_map_insert(&map, P(7), P(6), RW, VMK_ANON, NULL, 0, 0, &r), -EINVAL);
	CHECK_EQ(vm_map_insert(&map, 0, P(2), RW, VMK_ANON, NULL, 0, 0, &r), -EINVAL);
	CHECK_EQ(vm_map_insert(&map, P(4095), P(4097), RW, VMK_ANON, NULL, 0, 0, &r), -EINVAL);
	CHECK_EQ(vm_map_insert(&map, P(5), P(6), RW, VMK_NKINDS, NULL, 0, 0, &r), -EINVAL);
	struct vm_object obj = { .refs = 1 };
	CHECK_EQ(vm_map_insert(&map, P(5), P(6), RW, VMK_DATA, &obj, 0, P(7), &r), -EINVAL);
	CHECK_EQ(vm_map_insert(&map, P(5), P(6), RW, VMK_DATA, &obj, 0, P(4), &r), -EINVAL);
	/* overlaps: inside, across either end, covering, identical */
	CHECK_EQ(vm_map_insert(&map, P(22), P(23), RW, VMK_ANON, NULL, 0, 0, &r), -EEXIST);
	CHECK_EQ(vm_map_insert(&map, P(19), P(21), RW, VMK_ANON, NULL, 0, 0, &r), -EEXIST);
	CHECK_EQ(vm_map_insert(&map, P(29), P(31), RW, VMK_ANON, NULL, 0, 0, &r), -EEXIST);
	CHECK_EQ(vm_map_insert(&map, P(10), P(40), RW, VMK_ANON, NULL, 0, 0, &r), -EEXIST);
	CHECK_EQ(vm_map_insert(&map, P(20), P(30), RW, VMK_ANON, NULL, 0, 0, &r), -EEXIST);
	CHECK(r == (struct vm_region *)1);
	CHECK_EQ(map.nregions, 1);
	/* touching at either end is fine; the extremes of the range too */
	ins(P(19), P(20), RW);
	ins(P(30), P(31), RW);
	ins(P(1), P(2), RW);
	ins(P(4095), P(4096), RW);
	CHECK_EQ(map.nregions, 5);
}

TEST(insert_enomem_leaves_map_unchanged)
{
	boot();
	ins(P(10), P(11), RW);
	uint64_t live = live_regions();
	faults.countdown = 0;
	CHECK_EQ(vm_map_insert(&map, P(20), P(21), RW, VMK_ANON, NULL, 0, 0, NULL), -ENOMEM);
	CHECK_EQ(faults.injected, 1);
	CHECK_EQ(map.nregions, 1);
	CHECK_EQ(live_regions(), live);
	CHECK(vm_map_lookup(&map, P(20)) == NULL);
	CHECK_MAP();
}

TEST(remove_region)
{
	boot();
	struct vm_region *r[8];
	for (int i = 0; i < 8; i++)
		r[i] = ins(P(10 + 2 * i), P(11 + 2 * i), RW);
	vm_map_remove_region(&map, r[3]);     /* inner node */
	CHECK_MAP();
	vm_map_remove_region(&map, r[0]);     /* first */
	CHECK_MAP();
	vm_map_remove_region(&map, r[7]);     /* last */
	CHECK_MAP();
	CHECK_EQ(map.nregions, 5);
	CHECK(vm_map_first(&map) == r[1] && vm_map_last(&map) == r[6]);
	CHECK(vm_map_next(&map, r[2]) == r[4]);
	CHECK(vm_map_lookup(&map, P(16)) == NULL);
	while (vm_map_first(&map))
		vm_map_remove_region(&map, vm_map_first(&map));
	CHECK_MAP();
	CHECK_EQ(map.nregions, 0);
	CHECK_EQ(live_regions(), 0);
}

TEST(clip_middle_copies_backing)
{
	boot();
	struct vm_object obj = { .refs = 1 };
	struct vm_region *r;
	/* file part up to 0x1c800, zero fill to 0x1e000 */
	REQUIRE(vm_map_insert(&map, P(0x10), P(0x1e), RW, VMK_DATA, &obj, 0x5000, 0x1c800, &r) == 0);
	REQUIRE(vm_map_clip(&map, P(0x12), P(0x1d)) == 0);
	CHECK_MAP();
	CHECK_EQ(map.nregions, 3);
	struct vm_region *lo = vm_map_lookup(&map, P(0x10)), *mid = vm_map_lookup(&map, P(0x12)),
			 *hi = vm_map_lookup(&map, P(0x1d));
	CHECK(lo == r);                      /* the lower part keeps its record */
	CHECK_EQ(lo->end, P(0x12));
	CHECK_EQ(lo->obj_offset, 0x5000);
	CHECK_EQ(lo->file_end, P(0x12));
	CHECK_EQ(mid->start, P(0x12)); CHECK_EQ(mid->end, P(0x1d));
	CHECK_EQ(mid->obj_offset, 0x7000);
	CHECK_EQ(mid->file_end, 0x1c800);
	CHECK_EQ(hi->start, P(0x1d)); CHECK_EQ(hi->end, P(0x1e));
	CHECK_EQ(hi->obj_offset, 0x5000 + P(0xd));
	CHECK_EQ(hi->file_end, P(0x1d));     /* all zero fill */
	CHECK(mid->object == &obj && hi->object == &obj);
	CHECK(mid->prot == RW && hi->kind == VMK_DATA);
	/* merging back gives the original */
	struct vm_region *m = vm_map_try_merge(&map, mid);
	CHECK_MAP();
	CHECK(m == r);
	CHECK_EQ(map.nregions, 1);
	CHECK_EQ(r->start, P(0x10)); CHECK_EQ(r->end, P(0x1e));
	CHECK_EQ(r->file_end, 0x1c800); CHECK_EQ(r->obj_offset, 0x5000);
}

TEST(clip_edges)
{
	boot();
	struct vm_region *a = ins(P(10), P(20), RW);
	struct vm_region *b = ins(P(20), P(30), RW);
	uint64_t live = live_regions();
	/* on existing boundaries, in holes, beyond the map: no change */
	CHECK_EQ(vm_map_clip(&map, P(10), P(20)), 0);
	CHECK_EQ(vm_map_clip(&map, P(5), P(40)), 0);
	CHECK_EQ(vm_map_clip(&map, P(30), P(4096)), 0);
	CHECK_EQ(live_regions(), live);
	CHECK_EQ(map.nregions, 2);
	/* only the start end inside a region, then only the end */
	CHECK_EQ(vm_map_clip(&map, P(15), P(20)), 0);
	CHECK_EQ(map.nregions, 3);
	CHECK_EQ(vm_map_clip(&map, P(5), P(25)), 0);
	CHECK_EQ(map.nregions, 4);
	CHECK(a->end == P(15) && b->end == P(25));
	/* start == end inside a region makes one boundary */
	CHECK_EQ(vm_map_clip(&map, P(12), P(12)), 0);
	CHECK_EQ(map.nregions, 5);
	CHECK_MAP();
	CHECK_EQ(vm_map_clip(&map, P(12) + 1, P(13)), -EINVAL);
	CHECK_EQ(vm_map_clip(&map, P(13), P(12)), -EINVAL);
}

TEST(clip_enomem_leaves_map_unchanged)
{
	boot();
	ins(P(10), P(20), RW);
	uint64_t live = live_regions();
	for (int n = 0; n < 2; n++) {       /* first and second allocation fail */
		faults.countdown = n;
		CHECK_EQ(vm_map_clip(&map, P(12), P(18)), -ENOMEM);
		CHECK_MAP();
		CHECK_EQ(map.nregions, 1);
		CHECK_EQ(live_regions(), live);
		CHECK_EQ(vm_map_first(&map)->end, P(20));
	}
	faults.countdown = -1;
	CHECK_EQ(vm_map_clip(&map, P(12), P(18)), 0);
	CHECK_EQ(map.nregions, 3);
}

TEST(merge_rules)
{
	boot();
	struct vm_object o1 = { .refs = 1 }, o2 = { .refs = 1 };
	/* anonymous neighbours with equal attributes merge, both sides at once */
	ins(P(10), P(11), RW);
	ins(P(12), P(13), RW);
	struct vm_region *mid = ins(P(11), P(12), RW);
	struct vm_region *m = vm_map_try_merge(&map, mid);
	CHECK_MAP();
	CHECK_EQ(map.nregions, 1);
	CHECK_EQ(m->start, P(10)); CHECK_EQ(m->end, P(13));
	CHECK(vm_map_try_merge(&map, NULL) == NULL);
	/* different prot, kind, flags, maxprot, a gap, anon vs object: no merge */
	struct vm_region *x = ins(P(13), P(14), RX);
	CHECK(vm_map_try_merge(&map, x) == x);
	struct vm_region *y = NULL;
	REQUIRE(vm_map_insert(&map, P(14), P(15), RX, VMK_HEAP, NULL, 0, 0, &y) == 0);
	CHECK(vm_map_try_merge(&map, y) == y);
	struct vm_region *z = ins(P(16), P(17), RX);
	CHECK(vm_map_try_merge(&map, z) == z);
	struct vm_region *w = ins(P(17), P(18), RX);
	w->flags = VMR_GROWSDOWN;
	CHECK(vm_map_try_merge(&map, w) == w);
	w->flags = 0;
	w->maxprot = RX;
	CHECK(vm_map_try_merge(&map, w) == w);
	w->maxprot = VM_PROT_ALL;
	CHECK(vm_map_try_merge(&map, w) == z);
	CHECK_EQ(map.nregions, 4);
	struct vm_region *f = NULL;
	REQUIRE(vm_map_insert(&map, P(18), P(19), RX, VMK_ANON, &o1, P(18), P(19), &f) == 0);
	CHECK(vm_map_try_merge(&map, f) == f);
	/* object-backed: same object and contiguous offsets only */
	struct vm_region *g = NULL;
	REQUIRE(vm_map_insert(&map, P(19), P(20), RX, VMK_ANON, &o2, P(19), P(20), &g) == 0);
	CHECK(vm_map_try_merge(&map, g) == g);
	vm_map_remove_region(&map, g);
	REQUIRE(vm_map_insert(&map, P(19), P(20), RX, VMK_ANON, &o1, P(30), P(20), &g) == 0);
	CHECK(vm_map_try_merge(&map, g) == g);
	vm_map_remove_region(&map, g);
	REQUIRE(vm_map_insert(&map, P(19), P(20), RX, VMK_ANON, &o1, P(19), P(20), &g) == 0);
	CHECK(vm_map_try_merge(&map, g) == f);
	CHECK_EQ(f->end, P(20)); CHECK_EQ(f->file_end, P(20));
	/* f's file part ends before its end: a following file part cannot merge */
	struct vm_region *h = NULL;
	REQUIRE(vm_map_insert(&map, P(40), P(42), RW, VMK_DATA, &o1, 0, P(41) + 8, &h) == 0);
	struct vm_region *k = NULL;
	REQUIRE(vm_map_insert(&map, P(42), P(43), RW, VMK_DATA, &o1, P(2), P(43), &k) == 0);
	CHECK(vm_map_try_merge(&map, k) == k);
	/* but a following all-zero-fill part can */
	vm_map_remove_region(&map, k);
	REQUIRE(vm_map_insert(&map, P(42), P(43), RW, VMK_DATA, &o1, P(2), P(42), &k) == 0);
	CHECK(vm_map_try_merge(&map, k) == h);
	CHECK_EQ(h->end, P(43)); CHECK_EQ(h->file_end, P(41) + 8);
	CHECK_MAP();
}

TEST(find_gap)
{
	boot();
	ins(P(10), P(20), RW);
	ins(P(22), P(30), RW);
	ins(P(33), P(40), RW);
	uint64_t a = 0;
	CHECK_EQ(vm_map_find_gap(&map, P(1), P(10), P(40), false, &a), 0);
	CHECK_EQ(a, P(20));
	CHECK_EQ(vm_map_find_gap(&map, P(3), P(10), P(40), false, &a), 0);
	CHECK_EQ(a, P(30));
	CHECK_EQ(vm_map_find_gap(&map, P(3), P(10), P(40), true, &a), 0);
	CHECK_EQ(a, P(30));
	CHECK_EQ(vm_map_find_gap(&map, P(1), P(10), P(40), true, &a), 0);
	CHECK_EQ(a, P(32));
	CHECK_EQ(vm_map_find_gap(&map, P(4), P(10), P(40), false, &a), -ENOMEM);
	CHECK_EQ(vm_map_find_gap(&map, P(4), P(10), P(40), true, &a), -ENOMEM);
	/* window edges cut gaps; lo inside a region; the map's own limits */
	CHECK_EQ(vm_map_find_gap(&map, P(1), P(15), P(22), false, &a), 0);
	CHECK_EQ(a, P(20));
	CHECK_EQ(vm_map_find_gap(&map, P(2), P(21), P(45), false, &a), 0);
	CHECK_EQ(a, P(30));
	CHECK_EQ(vm_map_find_gap(&map, P(1), P(31), P(32), true, &a), 0);
	CHECK_EQ(a, P(31));
	CHECK_EQ(vm_map_find_gap(&map, P(9), 0, P(40), false, &a), 0);
	CHECK_EQ(a, P(1));                 /* below the first region, from map->min */
	CHECK_EQ(vm_map_find_gap(&map, P(10), 0, P(40), false, &a), -ENOMEM);
	CHECK_EQ(vm_map_find_gap(&map, P(100), 0, UINT64_MAX, true, &a), 0);
	CHECK_EQ(a, P(4096 - 100));        /* top-down from map->max */
	CHECK_EQ(vm_map_find_gap(&map, P(100), 0, UINT64_MAX, false, &a), 0);
	CHECK_EQ(a, P(40));
	CHECK_EQ(vm_map_find_gap(&map, 0, 0, P(40), false, &a), -ENOMEM);
	CHECK_EQ(vm_map_find_gap(&map, P(1), P(40), P(40), false, &a), -ENOMEM);
	CHECK_EQ(vm_map_find_gap(&map, P(5000), 0, UINT64_MAX, false, &a), -ENOMEM);
}

TEST(print_like_proc_maps)
{
	boot();
	struct vm_object obj = { .refs = 1 };
	REQUIRE(vm_map_insert(&map, 0x10000, 0x12000, RX, VMK_TEXT, &obj, 0x3000, 0x11800, NULL) == 0);
	ins(0x20000, 0x21000, RW);
	char buf[512] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	REQUIRE(f);
	vm_map_print(&map, f);
	fclose(f);
	CHECK_STR(buf, "0000000000010000-0000000000012000 r-xp 00003000 text file_end=11800\n"
		       "0000000000020000-0000000000021000 rw-p 00000000 mmap\n");
}

TEST(destroy_frees_everything)
{
	boot();
	for (int i = 0; i < 200; i++)
		ins(P(10 + 3 * i), P(11 + 3 * i), RW);
	CHECK_EQ(live_regions(), 200);
	vm_map_destroy(&map);
	CHECK_EQ(live_regions(), 0);
	CHECK_EQ(map.nregions, 0);
	CHECK(vm_map_first(&map) == NULL);
	CHECK_MAP();
	ins(P(10), P(11), RW);              /* reusable */
}

TEST(tree_stays_balanced_under_sequential_inserts)
{
	boot();
	const int n = 1000;
	for (int i = 0; i < n; i++)         /* ascending: the worst case for a plain BST */
		ins(P(10 + 2 * i), P(11 + 2 * i), RW);
	CHECK(map.root->height <= 14);      /* AVL bound: 1.44 log2(n + 2) */
	for (int i = 0; i < n; i += 2)
		vm_map_remove_region(&map, vm_map_lookup(&map, P(10 + 2 * i)));
	CHECK_MAP();
	CHECK_EQ(map.nregions, n / 2);
}

/* --- randomized test against a model ------------------------------------------- */

#define NPAGES 256                      /* model pages [1, NPAGES) */

struct page_model { uint32_t id; uint32_t prot; };  /* id 0: unmapped */
static struct page_model model[NPAGES];
/* the objects regions refer to (model id 1..3); each keeps one reference of
 * the test's own, so the regions' references must balance back to 1 */
static struct vm_object model_objs[4];

static uint64_t rng = 88172645463325252ULL;
static uint64_t rnd(uint64_t n) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng % n; }

/* Compares the map with the model page by page: mapped or not, prot, the
 * backing object (its id is the pointer value) and the offset in it. */
static void compare(int step)
{
	CHECK_MAP();
	for (uint64_t p = 1; p < NPAGES; p++) {
		struct vm_region *r = vm_map_lookup(&map, P(p));
		if (!model[p].id != !r) {
			test_fail(__FILE__, __LINE__, "step %d: page %llu mapped %d in model, %d in map",
				  step, (unsigned long long)p, !!model[p].id, !!r);
			test_abort();
		}
		if (r && (r->prot != model[p].prot || r->object != &model_objs[model[p].id])) {
			test_fail(__FILE__, __LINE__, "step %d: page %llu attributes differ", step,
				  (unsigned long long)p);
			test_abort();
		}
		/* backing: object byte of page p is page p (every object maps at offset = va) */
		if (r && r->obj_offset + (P(p) - r->start) != P(p)) {
			test_fail(__FILE__, __LINE__, "step %d: page %llu wrong object offset", step,
				  (unsigned long long)p);
			test_abort();
		}
	}
}

TEST(random_against_model)
{
	boot();
	for (int i = 0; i < 4; i++)
		model_objs[i] = (struct vm_object){ .refs = 1 };
	memset(model, 0, sizeof(model));
	CHECK_EQ(vm_map_init(&map, &km, P(1), P(NPAGES)), 0);
	int injected = 0;
	for (int step = 0; step < 6000; step++) {
		uint64_t s = 1 + rnd(NPAGES - 1), len = 1 + rnd(16);
		uint64_t e = s + len > NPAGES ? NPAGES : s + len;
		uint32_t id = 1 + (uint32_t)rnd(3), prot = 1 + (uint32_t)rnd(3);
		bool fault = rnd(10) == 0;
		faults.countdown = fault ? (int64_t)rnd(2) : -1;
		switch (rnd(5)) {
		case 0: case 1: {               /* insert: objects map at offset == va */
			bool free_range = true;
			for (uint64_t p = s; p < e; p++)
				free_range &= !model[p].id;
			int rc = vm_map_insert(&map, P(s), P(e), prot, VMK_DATA, &model_objs[id],
					       P(s), P(e), NULL);
			if (!free_range)
				CHECK_EQ(rc, -EEXIST);
			else if (rc == 0)
				for (uint64_t p = s; p < e; p++)
					model[p] = (struct page_model){ id, prot };
			else
				CHECK(fault && rc == -ENOMEM);
			break;
		}
		case 2: {                       /* clip then remove everything in [s, e) */
			int rc = vm_map_clip(&map, P(s), P(e));
			if (rc) {
				CHECK(fault && rc == -ENOMEM);
				break;
			}
			for (struct vm_region *r = vm_map_next_after(&map, P(s)); r && r->start < P(e);) {
				struct vm_region *next = vm_map_next(&map, r);
				CHECK(r->end <= P(e));
				vm_map_remove_region(&map, r);
				r = next;
			}
			for (uint64_t p = s; p < e; p++)
				model[p].id = 0;
			break;
		}
		case 3: {                       /* clip then mprotect [s, e) */
			int rc = vm_map_clip(&map, P(s), P(e));
			if (rc) {
				CHECK(fault && rc == -ENOMEM);
				break;
			}
			for (struct vm_region *r = vm_map_next_after(&map, P(s)); r && r->start < P(e);
			     r = vm_map_next(&map, r))
				r->prot = prot;
			for (uint64_t p = s; p < e; p++)
				if (model[p].id)
					model[p].prot = prot;
			break;
		}
		case 4: {                       /* merge around a random page */
			vm_map_try_merge(&map, vm_map_lookup(&map, P(s)));
			break;
		}
		}
		injected += faults.countdown < 0 && fault;
		faults.countdown = -1;
		compare(step);
		if (test_failures)
			test_abort();
	}
	CHECK(injected > 50);                /* the failure paths were exercised */
	vm_map_destroy(&map);
	CHECK_EQ(live_regions(), 0);
	for (int i = 1; i < 4; i++)          /* every region's reference was dropped */
		CHECK_EQ(model_objs[i].refs, 1);
}
