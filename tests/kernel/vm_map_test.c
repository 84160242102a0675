/*
 * vm_map_test.c - the region map (src/kernel/vm_map.h): insert, lookup,
 * clip, remove, find_gap (bottom-up and top-down) and try_merge, their error
 * paths, and a randomized run against a reference model.
 *
 * The model is an array with one entry per page of a small address range:
 * which region holds the page (an id), and the page's attributes (prot,
 * kind, object, the object offset of that very page, file_end).  Every map
 * operation is mirrored on the array; after each one vm_map_check must hold
 * and every page must look the same through vm_map_lookup as in the model
 * (same attributes; same region exactly where the model has the same id).
 * find_gap is compared with a brute-force search of the array.
 */
#include "test.h"
#include "vm_map.h"
#include "pmap.h"

#include <errno.h>

#define MAP_MIN 0x10000ULL
#define NPAGES  96
#define MAP_MAX (MAP_MIN + NPAGES * PGSIZE)

static struct ram ram;
static struct page_alloc pa;
static struct kmem km;
static uint64_t free_boot;

static void boot(void)
{
	REQUIRE(ram_init(&ram, 4ULL << 20) == 0);
	REQUIRE(page_alloc_init(&pa, &ram) == 0);
	REQUIRE(kmem_init(&km, &pa, true) == 0);
	free_boot = page_alloc_free_count(&pa);
}

static void halt(void)
{
	CHECK(kmem_check(&km) == NULL);
	kmem_destroy(&km);
	CHECK(page_alloc_check(&pa) == NULL);
	ram_destroy(&ram);
}

#define MCHECK(map) do { const char *w_ = vm_map_check(map);                 \
	if (w_) test_fail(__FILE__, __LINE__, "vm_map_check: %s", w_); } while (0)

#define P(n) (MAP_MIN + (uint64_t)(n) * PGSIZE)

static char obj_a, obj_b;

static struct vm_region *ins(struct vm_map *m, uint64_t s, uint64_t e, uint32_t prot,
			     enum vm_kind k, void *obj, uint64_t off)
{
	struct vm_region *r = NULL;
	CHECK_EQ(vm_map_insert(m, s, e, prot, k, obj, off, e, &r), 0);
	REQUIRE(r != NULL);
	MCHECK(m);
	return r;
}

static int count(const struct vm_map *m)
{
	int n = 0;
	for (struct vm_region *r = vm_map_first(m); r; r = vm_map_next(m, r))
		n++;
	return n;
}

TEST(vm_map_insert_lookup_errors)
{
	boot();
	struct vm_map m;
	REQUIRE(vm_map_init(&m, &km, MAP_MIN, MAP_MAX) == 0);
	CHECK(vm_map_first(&m) == NULL);
	CHECK(vm_map_lookup(&m, P(0)) == NULL);
	struct vm_region *r = ins(&m, P(4), P(8), VM_PROT_READ, VMK_DATA, NULL, 0);
	CHECK(vm_map_lookup(&m, P(4)) == r);
	CHECK(vm_map_lookup(&m, P(8) - 1) == r);
	CHECK(vm_map_lookup(&m, P(8)) == NULL);
	CHECK(vm_map_lookup(&m, P(4) - 1) == NULL);
	CHECK(vm_map_next_after(&m, P(0)) == r);
	CHECK(vm_map_next_after(&m, P(4)) == r);
	CHECK(vm_map_next_after(&m, P(5)) == NULL);

	/* -EINVAL: misaligned, empty, reversed, out of range; map unchanged. */
	CHECK_EQ(vm_map_insert(&m, P(10) + 1, P(12), 1, VMK_ANON, NULL, 0, 0, NULL), -EINVAL);
	CHECK_EQ(vm_map_insert(&m, P(10), P(12) - 8, 1, VMK_ANON, NULL, 0, 0, NULL), -EINVAL);
	CHECK_EQ(vm_map_insert(&m, P(10), P(10), 1, VMK_ANON, NULL, 0, 0, NULL), -EINVAL);
	CHECK_EQ(vm_map_insert(&m, P(12), P(10), 1, VMK_ANON, NULL, 0, 0, NULL), -EINVAL);
	CHECK_EQ(vm_map_insert(&m, MAP_MIN - PGSIZE, P(1), 1, VMK_ANON, NULL, 0, 0, NULL), -EINVAL);
	CHECK_EQ(vm_map_insert(&m, P(NPAGES - 1), MAP_MAX + PGSIZE, 1, VMK_ANON, NULL, 0, 0, NULL), -EINVAL);
	/* -EEXIST: every kind of overlap. */
	CHECK_EQ(vm_map_insert(&m, P(4), P(8), 1, VMK_ANON, NULL, 0, 0, NULL), -EEXIST);
	CHECK_EQ(vm_map_insert(&m, P(3), P(5), 1, VMK_ANON, NULL, 0, 0, NULL), -EEXIST);
	CHECK_EQ(vm_map_insert(&m, P(7), P(9), 1, VMK_ANON, NULL, 0, 0, NULL), -EEXIST);
	CHECK_EQ(vm_map_insert(&m, P(5), P(6), 1, VMK_ANON, NULL, 0, 0, NULL), -EEXIST);
	CHECK_EQ(vm_map_insert(&m, P(0), P(20), 1, VMK_ANON, NULL, 0, 0, NULL), -EEXIST);
	CHECK_EQ(count(&m), 1);
	MCHECK(&m);
	/* Touching on both sides is fine; whole range at the edges too. */
	struct vm_region *lo = ins(&m, P(0), P(4), VM_PROT_READ, VMK_TEXT, NULL, 0);
	struct vm_region *hi = ins(&m, P(8), MAP_MAX, VM_PROT_READ, VMK_STACK, NULL, 0);
	CHECK_EQ(count(&m), 3);
	CHECK(vm_map_first(&m) == lo);
	CHECK(vm_map_next(&m, lo) == r);
	CHECK(vm_map_next(&m, r) == hi);
	CHECK(vm_map_next(&m, hi) == NULL);
	CHECK(vm_map_lookup(&m, MAP_MAX - 1) == hi);
	CHECK(vm_map_lookup(&m, MAP_MIN) == lo);
	uint64_t a;
	CHECK_EQ(vm_map_find_gap(&m, PGSIZE, MAP_MIN, MAP_MAX, false, &a), -ENOMEM);
	CHECK_EQ(vm_map_find_gap(&m, PGSIZE, MAP_MIN, MAP_MAX, true, &a), -ENOMEM);
	vm_map_remove_region(&m, r);
	MCHECK(&m);
	CHECK_EQ(count(&m), 2);
	CHECK(vm_map_lookup(&m, P(5)) == NULL);
	CHECK_EQ(vm_map_find_gap(&m, PGSIZE, MAP_MIN, MAP_MAX, false, &a), 0);
	CHECK_EQ(a, P(4));
	CHECK_EQ(vm_map_find_gap(&m, 4 * PGSIZE, MAP_MIN, MAP_MAX, true, &a), 0);
	CHECK_EQ(a, P(4));
	CHECK_EQ(vm_map_find_gap(&m, 5 * PGSIZE, MAP_MIN, MAP_MAX, true, &a), -ENOMEM);
	vm_map_destroy(&m);
	halt();
}

TEST(vm_map_clip_splits_and_keeps_offsets)
{
	boot();
	struct vm_map m;
	REQUIRE(vm_map_init(&m, &km, MAP_MIN, MAP_MAX) == 0);
	struct vm_region *r = ins(&m, P(10), P(20), VM_PROT_READ | VM_PROT_EXEC, VMK_TEXT, &obj_a, 0x3000);
	/* Clip inside: three regions with offsets following the addresses. */
	CHECK_EQ(vm_map_clip(&m, P(12), P(15)), 0);
	MCHECK(&m);
	CHECK_EQ(count(&m), 3);
	struct vm_region *a = vm_map_lookup(&m, P(10)), *b = vm_map_lookup(&m, P(12)),
			 *c = vm_map_lookup(&m, P(15));
	REQUIRE(a && b && c);
	CHECK_EQ(a->start, P(10)); CHECK_EQ(a->end, P(12));
	CHECK_EQ(b->start, P(12)); CHECK_EQ(b->end, P(15));
	CHECK_EQ(c->start, P(15)); CHECK_EQ(c->end, P(20));
	CHECK_EQ(a->obj_offset, 0x3000);
	CHECK_EQ(b->obj_offset, 0x3000 + 2 * PGSIZE);
	CHECK_EQ(c->obj_offset, 0x3000 + 5 * PGSIZE);
	CHECK(b->object == &obj_a && c->kind == VMK_TEXT && c->prot == (VM_PROT_READ | VM_PROT_EXEC));
	/* Clipping at existing boundaries, in holes, or past the end: nothing. */
	CHECK_EQ(vm_map_clip(&m, P(12), P(15)), 0);
	CHECK_EQ(vm_map_clip(&m, P(0), P(5)), 0);
	CHECK_EQ(vm_map_clip(&m, P(10), P(20)), 0);
	CHECK_EQ(vm_map_clip(&m, P(30), MAP_MAX), 0);
	CHECK_EQ(count(&m), 3);
	MCHECK(&m);
	/* Merging the middle piece rejoins all three. */
	vm_map_try_merge(&m, b);
	MCHECK(&m);
	CHECK_EQ(count(&m), 1);
	r = vm_map_first(&m);
	CHECK_EQ(r->start, P(10));
	CHECK_EQ(r->end, P(20));
	CHECK_EQ(r->obj_offset, 0x3000);
	vm_map_try_merge(&m, NULL);
	/* A region ending at max clips at its start only. */
	struct vm_region *top = ins(&m, P(80), MAP_MAX, VM_PROT_READ, VMK_STACK, NULL, 0);
	CHECK_EQ(vm_map_clip(&m, P(90), MAP_MAX), 0);
	MCHECK(&m);
	CHECK_EQ(top->end, P(90));
	CHECK_EQ(vm_map_lookup(&m, MAP_MAX - 1)->start, P(90));
	vm_map_destroy(&m);
	halt();
}

TEST(vm_map_try_merge_rules)
{
	boot();
	struct vm_map m;
	REQUIRE(vm_map_init(&m, &km, MAP_MIN, MAP_MAX) == 0);
	/* Anonymous, same attributes, touching: merge. */
	ins(&m, P(0), P(2), 3, VMK_ANON, NULL, 0);
	struct vm_region *r = ins(&m, P(2), P(4), 3, VMK_ANON, NULL, 0);
	vm_map_try_merge(&m, r);
	MCHECK(&m);
	CHECK_EQ(count(&m), 1);
	/* Different prot / kind / not touching / different object: no merge. */
	r = ins(&m, P(4), P(5), 1, VMK_ANON, NULL, 0);
	vm_map_try_merge(&m, r);
	r = ins(&m, P(5), P(6), 1, VMK_HEAP, NULL, 0);
	vm_map_try_merge(&m, r);
	r = ins(&m, P(7), P(8), 1, VMK_HEAP, NULL, 0);
	vm_map_try_merge(&m, r);
	r = ins(&m, P(8), P(9), 1, VMK_HEAP, &obj_a, 0);
	vm_map_try_merge(&m, r);
	r = ins(&m, P(9), P(10), 1, VMK_HEAP, &obj_b, PGSIZE);
	vm_map_try_merge(&m, r);
	MCHECK(&m);
	CHECK_EQ(count(&m), 6);
	/* Same object, offsets not contiguous: no merge; contiguous: merge. */
	r = ins(&m, P(10), P(11), 1, VMK_HEAP, &obj_b, 5 * PGSIZE);
	vm_map_try_merge(&m, r);
	CHECK_EQ(count(&m), 7);
	/* Contiguous offsets but a different file_end: no merge. */
	r = ins(&m, P(11), P(12), 1, VMK_HEAP, &obj_b, 6 * PGSIZE);
	vm_map_try_merge(&m, r);
	CHECK_EQ(count(&m), 8);
	vm_map_remove_region(&m, r);
	struct vm_region *r10 = vm_map_lookup(&m, P(10));
	REQUIRE(r10 != NULL);
	CHECK_EQ(vm_map_insert(&m, P(11), P(13), 1, VMK_HEAP, &obj_b, 6 * PGSIZE, r10->file_end, &r), 0);
	vm_map_try_merge(&m, r);
	MCHECK(&m);
	CHECK_EQ(count(&m), 7);
	r = vm_map_lookup(&m, P(12));
	CHECK_EQ(r->start, P(10));
	CHECK_EQ(r->obj_offset, 5 * PGSIZE);
	vm_map_destroy(&m);
	halt();
}

TEST(vm_map_find_gap_edges)
{
	boot();
	struct vm_map m;
	REQUIRE(vm_map_init(&m, &km, MAP_MIN, MAP_MAX) == 0);
	uint64_t a;
	/* Empty map: the ends of the window; lo/hi clamped to the map. */
	CHECK_EQ(vm_map_find_gap(&m, PGSIZE, 0, ~0ULL, false, &a), 0);
	CHECK_EQ(a, MAP_MIN);
	CHECK_EQ(vm_map_find_gap(&m, PGSIZE, 0, ~0ULL, true, &a), 0);
	CHECK_EQ(a, MAP_MAX - PGSIZE);
	CHECK_EQ(vm_map_find_gap(&m, NPAGES * PGSIZE, 0, ~0ULL, true, &a), 0);
	CHECK_EQ(a, MAP_MIN);
	CHECK_EQ(vm_map_find_gap(&m, (NPAGES + 1) * PGSIZE, 0, ~0ULL, false, &a), -ENOMEM);
	CHECK_EQ(vm_map_find_gap(&m, 0, MAP_MIN, MAP_MAX, false, &a), -ENOMEM);
	CHECK_EQ(vm_map_find_gap(&m, PGSIZE, P(5), P(5), false, &a), -ENOMEM);
	/* Regions at 10..20 and 30..40: windows that start or end inside them. */
	ins(&m, P(10), P(20), 1, VMK_ANON, NULL, 0);
	ins(&m, P(30), P(40), 1, VMK_ANON, NULL, 0);
	CHECK_EQ(vm_map_find_gap(&m, PGSIZE, P(15), MAP_MAX, false, &a), 0);
	CHECK_EQ(a, P(20));
	CHECK_EQ(vm_map_find_gap(&m, 10 * PGSIZE, P(15), MAP_MAX, false, &a), 0);
	CHECK_EQ(a, P(20));
	CHECK_EQ(vm_map_find_gap(&m, 11 * PGSIZE, P(15), MAP_MAX, false, &a), 0);
	CHECK_EQ(a, P(40));
	CHECK_EQ(vm_map_find_gap(&m, PGSIZE, MAP_MIN, P(35), true, &a), 0);
	CHECK_EQ(a, P(29));
	CHECK_EQ(vm_map_find_gap(&m, 10 * PGSIZE, MAP_MIN, P(35), true, &a), 0);
	CHECK_EQ(a, P(20));
	CHECK_EQ(vm_map_find_gap(&m, 11 * PGSIZE, MAP_MIN, P(35), true, &a), -ENOMEM);
	CHECK_EQ(vm_map_find_gap(&m, 10 * PGSIZE, MAP_MIN, P(12), true, &a), 0);
	CHECK_EQ(a, P(0));
	CHECK_EQ(vm_map_find_gap(&m, 11 * PGSIZE, MAP_MIN, P(12), false, &a), -ENOMEM);
	CHECK_EQ(vm_map_find_gap(&m, PGSIZE, P(12), P(18), false, &a), -ENOMEM);
	CHECK_EQ(vm_map_find_gap(&m, PGSIZE, P(12), P(18), true, &a), -ENOMEM);
	vm_map_destroy(&m);
	halt();
}

/* ---- randomized, against the page array ------------------------------ */

struct mpage {
	int id;                 /* 0 = free */
	uint32_t prot;
	enum vm_kind kind;
	void *obj;
	uint64_t off;           /* object offset of this page (objects only) */
	uint64_t file_end;
};
static struct mpage model[NPAGES];
static int next_id = 1;
static uint64_t rng = 88172645463325252ULL;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
	return rng % n;
}

static bool m_mergeable(int p)   /* pages p-1 and p: regions may merge */
{
	const struct mpage *a = &model[p - 1], *b = &model[p];
	if (!a->id || !b->id || a->id == b->id || a->prot != b->prot || a->kind != b->kind ||
	    a->obj != b->obj)
		return false;
	return !a->obj || (b->off == a->off + PGSIZE && a->file_end == b->file_end);
}

static void m_relabel(int from, int to)
{
	for (int i = 0; i < NPAGES; i++)
		if (model[i].id == from)
			model[i].id = to;
}

/* The whole map equals the model. */
static void compare(const struct vm_map *m, int line)
{
	const char *w = vm_map_check(m);
	if (w)
		test_fail(__FILE__, line, "vm_map_check: %s", w);
	struct vm_region *by_id[NPAGES * 4 + 8] = { 0 };
	for (int i = 0; i < NPAGES; i++) {
		struct vm_region *r = vm_map_lookup(m, P(i));
		const struct mpage *p = &model[i];
		if (!p->id) {
			if (r)
				test_fail(__FILE__, line, "page %d: mapped, model free", i);
			continue;
		}
		if (!r) {
			test_fail(__FILE__, line, "page %d: free, model has id %d", i, p->id);
			continue;
		}
		if (r->prot != p->prot || r->kind != p->kind || r->object != p->obj ||
		    (p->obj && (r->obj_offset + (P(i) - r->start) != p->off || r->file_end != p->file_end)))
			test_fail(__FILE__, line, "page %d: attributes differ", i);
		bool first = i == 0 || model[i - 1].id != p->id;
		if (first != (r->start == P(i)))
			test_fail(__FILE__, line, "page %d: region start differs", i);
		if (p->id < (int)(sizeof by_id / sizeof by_id[0])) {
			if (first && by_id[p->id] == NULL)
				by_id[p->id] = r;
			else if (by_id[p->id] != r)
				test_fail(__FILE__, line, "page %d: split where the model has one region", i);
		}
	}
}

TEST(vm_map_random_against_model)
{
	boot();
	struct vm_map m;
	REQUIRE(vm_map_init(&m, &km, MAP_MIN, MAP_MAX) == 0);
	void *objs[3] = { NULL, &obj_a, &obj_b };
	for (int step = 0; step < 4000; step++) {
		int op = (int)rnd(6);
		int s = (int)rnd(NPAGES), len = 1 + (int)rnd(12);
		int e = s + len > NPAGES ? NPAGES : s + len;
		if (next_id >= NPAGES * 4) {     /* renumber to keep ids small */
			int map_ids[NPAGES * 4 + 8] = { 0 }, n = 1;
			for (int i = 0; i < NPAGES; i++)
				if (model[i].id) {
					if (!map_ids[model[i].id])
						map_ids[model[i].id] = n++;
					model[i].id = map_ids[model[i].id];
				}
			next_id = n;
		}
		if (op <= 1) {                    /* insert */
			uint32_t prot = (uint32_t)rnd(2) + 1;
			enum vm_kind kind = rnd(2) ? VMK_ANON : VMK_DATA;
			void *obj = objs[rnd(3)];
			uint64_t off = rnd(4) * PGSIZE;
			bool busy = false;
			for (int i = s; i < e; i++)
				busy |= model[i].id != 0;
			int rc = vm_map_insert(&m, P(s), P(e), prot, kind, obj, off, P(e), NULL);
			if (rc != (busy ? -EEXIST : 0))
				test_fail(__FILE__, __LINE__, "step %d: insert [%d,%d) rc %d busy %d",
					  step, s, e, rc, busy);
			if (!busy) {
				int id = next_id++;
				for (int i = s; i < e; i++)
					model[i] = (struct mpage){ id, prot, kind, obj,
						obj ? off + (uint64_t)(i - s) * PGSIZE : 0, P(e) };
			}
		} else if (op == 2) {             /* clip */
			CHECK_EQ(vm_map_clip(&m, P(s), P(e)), 0);
			int cuts[2] = { s, e };
			for (int c = 0; c < 2; c++) {
				int at = cuts[c];
				if (at <= 0 || at >= NPAGES || !model[at].id || model[at].id != model[at - 1].id)
					continue;
				int old = model[at].id, id = next_id++;
				for (int i = at; i < NPAGES && model[i].id == old; i++)
					model[i].id = id;
			}
		} else if (op == 3) {             /* remove the region at s */
			struct vm_region *r = vm_map_lookup(&m, P(s));
			if (r) {
				vm_map_remove_region(&m, r);
				if (model[s].id)
					m_relabel(model[s].id, 0);
			} else if (model[s].id) {
				test_fail(__FILE__, __LINE__, "step %d: page %d missing", step, s);
			}
		} else if (op == 4) {             /* try_merge at s */
			struct vm_region *r = vm_map_lookup(&m, P(s));
			if (r && model[s].id) {
				int first = s, last = s;
				while (first > 0 && model[first - 1].id == model[s].id)
					first--;
				while (last + 1 < NPAGES && model[last + 1].id == model[s].id)
					last++;
				int id = model[s].id;
				bool next = last + 1 < NPAGES && m_mergeable(last + 1);
				int nid = next ? model[last + 1].id : 0;
				bool prev = first > 0 && m_mergeable(first);
				int pid = prev ? model[first - 1].id : 0;
				vm_map_try_merge(&m, r);
				if (next)
					m_relabel(nid, id);
				if (prev)
					m_relabel(id, pid);
			}
		} else {                          /* find_gap both ways */
			int lo = (int)rnd(NPAGES), hi = lo + (int)rnd(NPAGES - lo + 1);
			int want_lo = -1, want_hi = -1;
			for (int a = lo; a + len <= hi; a++) {
				bool free_ = true;
				for (int i = a; i < a + len; i++)
					free_ &= model[i].id == 0;
				if (free_) {
					if (want_lo < 0)
						want_lo = a;
					want_hi = a;
				}
			}
			uint64_t got = 0;
			int rc = vm_map_find_gap(&m, (uint64_t)len * PGSIZE, P(lo), P(hi), false, &got);
			if (want_lo < 0 ? rc != -ENOMEM : (rc != 0 || got != P(want_lo)))
				test_fail(__FILE__, __LINE__, "step %d: gap %d pages in [%d,%d) bottom-up: rc %d page %d, want %d",
					  step, len, lo, hi, rc, (int)((got - MAP_MIN) / PGSIZE), want_lo);
			rc = vm_map_find_gap(&m, (uint64_t)len * PGSIZE, P(lo), P(hi), true, &got);
			if (want_hi < 0 ? rc != -ENOMEM : (rc != 0 || got != P(want_hi)))
				test_fail(__FILE__, __LINE__, "step %d: gap %d pages in [%d,%d) top-down: rc %d page %d, want %d",
					  step, len, lo, hi, rc, (int)((got - MAP_MIN) / PGSIZE), want_hi);
		}
		int before = test_failures;
		compare(&m, __LINE__);
		if (test_failures != before) {
			test_fail(__FILE__, __LINE__, "stopped at step %d (op %d, [%d,%d))", step, op, s, e);
			break;
		}
	}
	vm_map_destroy(&m);
	halt();
}

TEST(vm_map_destroy_frees_everything)
{
	boot();
	uint64_t before = page_alloc_free_count(&pa);
	struct vm_map m;
	REQUIRE(vm_map_init(&m, &km, MAP_MIN, MAP_MAX) == 0);
	for (int i = 0; i < NPAGES; i += 2)
		ins(&m, P(i), P(i + 1), 1, VMK_ANON, NULL, 0);
	CHECK_EQ(count(&m), NPAGES / 2);
	vm_map_destroy(&m);
	CHECK(kmem_check(&km) == NULL);
	/* slab pages may be cached by kmem; destroying kmem gives all back */
	kmem_destroy(&km);
	CHECK(page_alloc_free_count(&pa) >= before);
	CHECK(page_alloc_check(&pa) == NULL);
	ram_destroy(&ram);
}
