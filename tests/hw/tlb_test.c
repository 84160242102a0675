/*
 * tlb_test.c - the modeled TLB through the MMU: exact hit/miss counts, ASID
 * isolation, global entries, the four sfence.vma cases, eviction by
 * capacity and associativity, and the fast cache staying a subset of the
 * model.
 */
#include "hw_fixture.h"

#include <errno.h>

#define ST(h) ((h)->mmu.stats)

/* Translates and returns the PA (or ~0 on a fault). */
static uint64_t tr(struct hw *h, uint64_t va, enum mmu_access acc)
{
	uint64_t pa;
	return mmu_translate(&h->mmu, va, acc, &pa) ? ~0ULL : pa;
}

TEST(tlb_init_geometry)
{
	struct tlb t;
	CHECK_EQ(tlb_init(&t, 6, 2), -EINVAL);
	CHECK_EQ(tlb_init(&t, 8, 16), -EINVAL);
	CHECK_EQ(tlb_init(&t, 8, 0), -EINVAL);
	REQUIRE(tlb_init(&t, 8, 2) == 0);
	CHECK_EQ(t.nsets, 4);
	CHECK_EQ(tlb_count(&t), 0);
	tlb_destroy(&t);
}

TEST(hits_and_misses_are_counted_exactly)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t root = hw_frame(&h);
	uint64_t f1 = hw_frame(&h), f2 = hw_frame(&h);
	hw_map(&h, root, 3, 0x10000, f1, URWX, 0);
	hw_map(&h, root, 3, 0x11000, f2, URW, 0);
	mmu_set_satp(&h.mmu, MAKE_SATP(SATP_MODE_SV39, 1, root));
	CHECK_EQ(tr(&h, 0x10000, ACC_LOAD), f1);
	CHECK_EQ(ST(&h).tlb_misses, 1);
	CHECK_EQ(ST(&h).walks, 1);
	CHECK_EQ(ST(&h).tlb_hits, 0);
	CHECK_EQ(tr(&h, 0x10ff8, ACC_LOAD), f1 + 0xff8);
	CHECK_EQ(tr(&h, 0x10004, ACC_FETCH), f1 + 4);   /* unified: same entry */
	CHECK_EQ(tr(&h, 0x10008, ACC_STORE), f1 + 8);
	CHECK_EQ(ST(&h).tlb_hits, 3);
	CHECK_EQ(ST(&h).tlb_misses, 1);
	CHECK_EQ(tr(&h, 0x11000, ACC_STORE), f2);
	CHECK_EQ(ST(&h).tlb_misses, 2);
	/* the fast path counts too, once filled by the CPU's slow path */
	CHECK(mmu_fast_host(&h.mmu, ACC_LOAD, 0x10010, 8) == NULL);
	uint8_t *host;
	CHECK_EQ(mmu_translate_host(&h.mmu, 0x10000, ACC_LOAD, &host), 0);
	CHECK_EQ(ST(&h).tlb_hits, 4);
	uint8_t *p = mmu_fast_host(&h.mmu, ACC_LOAD, 0x10010, 8);
	CHECK(p == ram_ptr(&h.ram, f1 + 0x10));
	CHECK_EQ(ST(&h).tlb_hits, 5);
	CHECK_EQ(ST(&h).tlb_misses, 2);
	/* a fault on an unmapped page is a miss and a walk, not a hit */
	CHECK_EQ(tr(&h, 0x12000, ACC_LOAD), ~0ULL);
	CHECK_EQ(ST(&h).tlb_misses, 3);
	CHECK_EQ(ST(&h).walks, 3);
	CHECK_EQ(ST(&h).pte_reads, 9);
	hw_teardown(&h);
}

/* Two address spaces with the same VA mapped to different frames. */
struct two_spaces { uint64_t s1, s2, f1, f2, root1, root2; };

static void two_spaces(struct hw *h, struct two_spaces *t)
{
	t->root1 = hw_frame(h);
	t->root2 = hw_frame(h);
	t->f1 = hw_frame(h);
	t->f2 = hw_frame(h);
	hw_map(h, t->root1, 3, 0x10000, t->f1, URW, 0);
	hw_map(h, t->root2, 3, 0x10000, t->f2, URW, 0);
	t->s1 = MAKE_SATP(SATP_MODE_SV39, 1, t->root1);
	t->s2 = MAKE_SATP(SATP_MODE_SV39, 2, t->root2);
}

TEST(asids_isolate_address_spaces)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	struct two_spaces t;
	two_spaces(&h, &t);
	mmu_set_satp(&h.mmu, t.s1);
	CHECK_EQ(tr(&h, 0x10000, ACC_LOAD), t.f1);
	mmu_set_satp(&h.mmu, t.s2);
	CHECK_EQ(tr(&h, 0x10000, ACC_LOAD), t.f2);
	CHECK_EQ(ST(&h).tlb_misses, 2);
	/* both stay cached across switches: no flush on satp writes */
	mmu_set_satp(&h.mmu, t.s1);
	CHECK_EQ(tr(&h, 0x10000, ACC_LOAD), t.f1);
	mmu_set_satp(&h.mmu, t.s2);
	CHECK_EQ(tr(&h, 0x10000, ACC_STORE), t.f2);
	CHECK_EQ(ST(&h).tlb_misses, 2);
	CHECK_EQ(ST(&h).tlb_hits, 2);
	CHECK_EQ(tlb_count(&h.mmu.tlb), 2);
	hw_teardown(&h);
}

TEST(global_entries_match_every_asid)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	struct two_spaces t;
	two_spaces(&h, &t);
	uint64_t g = hw_frame(&h);
	hw_map(&h, t.root1, 3, 0x20000, g, URW | PTE_G, 0);
	mmu_set_satp(&h.mmu, t.s1);
	CHECK_EQ(tr(&h, 0x20000, ACC_LOAD), g);
	/* ASID 2's table does not map 0x20000, but the global entry does */
	mmu_set_satp(&h.mmu, t.s2);
	CHECK_EQ(tr(&h, 0x20000, ACC_LOAD), g);
	CHECK_EQ(ST(&h).tlb_hits, 1);
	CHECK_EQ(ST(&h).tlb_misses, 1);
	hw_teardown(&h);
}

/* Fills: ASID 1 and 2 entries at 0x10000, a global at 0x20000, ASID 1 at 0x30000. */
static void fill_for_sfence(struct hw *h, struct two_spaces *t)
{
	two_spaces(h, t);
	hw_map(h, t->root1, 3, 0x20000, hw_frame(h), URW | PTE_G, 0);
	hw_map(h, t->root1, 3, 0x30000, hw_frame(h), URW, 0);
	mmu_set_satp(&h->mmu, t->s2);
	tr(h, 0x10000, ACC_LOAD);
	mmu_set_satp(&h->mmu, t->s1);
	tr(h, 0x10000, ACC_LOAD);
	tr(h, 0x20000, ACC_LOAD);
	tr(h, 0x30000, ACC_LOAD);
	REQUIRE(tlb_count(&h->mmu.tlb) == 4);
}

static bool cached(struct hw *h, uint64_t va, uint16_t asid)
{
	return tlb_lookup(&h->mmu.tlb, va, asid) != NULL;
}

TEST(sfence_all)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	struct two_spaces t;
	fill_for_sfence(&h, &t);
	mmu_sfence_vma(&h.mmu, false, 0, false, 0);
	CHECK_EQ(tlb_count(&h.mmu.tlb), 0);
	CHECK_EQ(ST(&h).flushes, 1);
	uint64_t m0 = ST(&h).tlb_misses;
	tr(&h, 0x10000, ACC_LOAD);
	CHECK_EQ(ST(&h).tlb_misses, m0 + 1);
	CHECK(mmu_fast_host(&h.mmu, ACC_LOAD, 0x30000, 8) == NULL);  /* fast cache flushed */
	hw_teardown(&h);
}

TEST(sfence_by_asid_keeps_globals_and_other_asids)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	struct two_spaces t;
	fill_for_sfence(&h, &t);
	mmu_sfence_vma(&h.mmu, false, 0, true, 1);
	CHECK(!cached(&h, 0x10000, 1));
	CHECK(!cached(&h, 0x30000, 1));
	CHECK(cached(&h, 0x20000, 1));              /* global kept */
	CHECK(cached(&h, 0x10000, 2));              /* other ASID kept */
	CHECK_EQ(tlb_count(&h.mmu.tlb), 2);
	CHECK(mmu_fast_host(&h.mmu, ACC_LOAD, 0x30000, 8) == NULL);
	hw_teardown(&h);
}

TEST(sfence_by_address_hits_every_asid_and_globals)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	struct two_spaces t;
	fill_for_sfence(&h, &t);
	mmu_sfence_vma(&h.mmu, true, 0x10abc, false, 0);
	CHECK(!cached(&h, 0x10000, 1));
	CHECK(!cached(&h, 0x10000, 2));
	CHECK(cached(&h, 0x30000, 1));
	CHECK_EQ(tlb_count(&h.mmu.tlb), 2);
	mmu_sfence_vma(&h.mmu, true, 0x20000, false, 0);
	CHECK(!cached(&h, 0x20000, 1));             /* the global too */
	CHECK_EQ(tlb_count(&h.mmu.tlb), 1);
	hw_teardown(&h);
}

TEST(sfence_by_address_and_asid_keeps_globals)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	struct two_spaces t;
	fill_for_sfence(&h, &t);
	mmu_sfence_vma(&h.mmu, true, 0x10000, true, 2);
	CHECK(!cached(&h, 0x10000, 2));
	CHECK(cached(&h, 0x10000, 1));
	mmu_sfence_vma(&h.mmu, true, 0x20000, true, 1);
	CHECK(cached(&h, 0x20000, 1));              /* global: not ordered, kept */
	CHECK_EQ(tlb_count(&h.mmu.tlb), 3);
	hw_teardown(&h);
}

TEST(stale_entry_until_sfence)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t root = hw_frame(&h), f1 = hw_frame(&h), f2 = hw_frame(&h);
	uint64_t pte_pa = hw_pte_pa(&h, root, 3, 0x10000, 0);
	*hw_pte(&h, pte_pa) = PA_TO_PTE(f1) | PTE_V | URW;
	mmu_set_satp(&h.mmu, MAKE_SATP(SATP_MODE_SV39, 1, root));
	CHECK_EQ(tr(&h, 0x10000, ACC_LOAD), f1);
	/* fill the fast cache too */
	uint8_t *host;
	CHECK_EQ(mmu_translate_host(&h.mmu, 0x10000, ACC_LOAD, &host), 0);
	*hw_pte(&h, pte_pa) = PA_TO_PTE(f2) | PTE_V | URW;
	CHECK_EQ(tr(&h, 0x10000, ACC_LOAD), f1);            /* the TLB is a cache */
	mmu_sfence_vma(&h.mmu, true, 0x10000, true, 1);
	CHECK(mmu_fast_host(&h.mmu, ACC_LOAD, 0x10000, 8) == NULL);
	CHECK_EQ(tr(&h, 0x10000, ACC_LOAD), f2);
	/* unmap + sfence: now a fault */
	*hw_pte(&h, pte_pa) = 0;
	mmu_sfence_vma(&h.mmu, true, 0x10000, false, 0);
	CHECK_EQ(tr(&h, 0x10000, ACC_LOAD), ~0ULL);
	hw_teardown(&h);
}

TEST(capacity_eviction_round_robin)
{
	struct hw h;
	hw_setup(&h, 4, 4);     /* one set, four ways */
	uint64_t root = hw_frame(&h);
	for (int i = 0; i < 5; i++)
		hw_map(&h, root, 3, 0x10000 + i * PGSIZE, hw_frame(&h), URW, 0);
	mmu_set_satp(&h.mmu, MAKE_SATP(SATP_MODE_SV39, 1, root));
	uint8_t *host;
	for (int i = 0; i < 4; i++)
		CHECK_EQ(mmu_translate_host(&h.mmu, 0x10000 + i * PGSIZE, ACC_LOAD, &host), 0);
	CHECK_EQ(ST(&h).tlb_misses, 4);
	CHECK(mmu_fast_host(&h.mmu, ACC_LOAD, 0x10000, 8) != NULL);
	CHECK_EQ(mmu_translate_host(&h.mmu, 0x14000, ACC_LOAD, &host), 0);  /* evicts page 0 */
	CHECK_EQ(tlb_count(&h.mmu.tlb), 4);
	CHECK(!cached(&h, 0x10000, 1));
	CHECK(mmu_fast_host(&h.mmu, ACC_LOAD, 0x10000, 8) == NULL);     /* subset kept */
	CHECK(mmu_fast_host(&h.mmu, ACC_LOAD, 0x11000, 8) != NULL);
	uint64_t m0 = ST(&h).tlb_misses;
	tr(&h, 0x10000, ACC_LOAD);                     /* evicts page 1 */
	CHECK_EQ(ST(&h).tlb_misses, m0 + 1);
	CHECK(!cached(&h, 0x11000, 1));
	CHECK(cached(&h, 0x12000, 1));
	hw_teardown(&h);
}

TEST(associativity_conflicts_within_a_set)
{
	struct hw h;
	hw_setup(&h, 8, 2);     /* four sets of two ways: set = vpn & 3 */
	uint64_t root = hw_frame(&h);
	for (int i = 0; i < 16; i++)
		hw_map(&h, root, 3, (uint64_t)i * PGSIZE + 0x100000, hw_frame(&h), URW, 0);
	mmu_set_satp(&h.mmu, MAKE_SATP(SATP_MODE_SV39, 1, root));
	/* vpns 0x100, 0x104, 0x108 share set 0: the third evicts the first */
	tr(&h, 0x100000, ACC_LOAD);
	tr(&h, 0x104000, ACC_LOAD);
	tr(&h, 0x101000, ACC_LOAD);   /* other sets: no effect on set 0 */
	tr(&h, 0x102000, ACC_LOAD);
	CHECK(cached(&h, 0x100000, 1));
	tr(&h, 0x108000, ACC_LOAD);
	CHECK(!cached(&h, 0x100000, 1));
	CHECK(cached(&h, 0x104000, 1));
	CHECK(cached(&h, 0x101000, 1));
	CHECK(cached(&h, 0x102000, 1));
	CHECK_EQ(tlb_count(&h.mmu.tlb), 4);
	hw_teardown(&h);
}

TEST(superpage_entry_covers_its_range)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t root = hw_frame(&h);
	hw_map(&h, root, 3, 0x200000, RAM_BASE + 0x200000, URW, 1);
	mmu_set_satp(&h.mmu, MAKE_SATP(SATP_MODE_SV39, 1, root));
	uint8_t *host;
	CHECK_EQ(mmu_translate_host(&h.mmu, 0x200000, ACC_LOAD, &host), 0);
	CHECK_EQ(mmu_translate_host(&h.mmu, 0x3ff000, ACC_LOAD, &host), 0);
	CHECK(host == ram_ptr(&h.ram, RAM_BASE + 0x3ff000));
	CHECK_EQ(ST(&h).tlb_misses, 1);
	CHECK_EQ(ST(&h).tlb_hits, 1);
	CHECK_EQ(tlb_count(&h.mmu.tlb), 1);
	/* sfence of any address inside drops the whole entry, fast cache too */
	mmu_sfence_vma(&h.mmu, true, 0x2abcde, false, 0);
	CHECK_EQ(tlb_count(&h.mmu.tlb), 0);
	CHECK(mmu_fast_host(&h.mmu, ACC_LOAD, 0x200000, 8) == NULL);
	CHECK(mmu_fast_host(&h.mmu, ACC_LOAD, 0x3ff000, 8) == NULL);
	hw_teardown(&h);
}

TEST(fast_write_entry_needs_dirty_and_write)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t root = hw_frame(&h), f = hw_frame(&h);
	hw_map(&h, root, 3, 0x10000, f, PTE_U | PTE_R | PTE_W, 0);
	hw_map(&h, root, 3, 0x11000, hw_frame(&h), PTE_U | PTE_R, 0);
	mmu_set_satp(&h.mmu, MAKE_SATP(SATP_MODE_SV39, 1, root));
	uint8_t *host;
	CHECK_EQ(mmu_translate_host(&h.mmu, 0x10000, ACC_LOAD, &host), 0);
	CHECK(mmu_fast_host(&h.mmu, ACC_STORE, 0x10000, 8) == NULL);
	CHECK_EQ(mmu_translate_host(&h.mmu, 0x10000, ACC_STORE, &host), 0);
	CHECK_EQ(ST(&h).walks, 2);                 /* D was clear: walked again */
	CHECK(mmu_fast_host(&h.mmu, ACC_STORE, 0x10000, 8) != NULL);
	CHECK(mmu_fast_host(&h.mmu, ACC_STORE, 0x10004, 8) == NULL);   /* misaligned */
	CHECK_EQ(mmu_translate_host(&h.mmu, 0x11000, ACC_STORE, &host), CAUSE_STORE_PAGE_FAULT);
	CHECK(mmu_fast_host(&h.mmu, ACC_STORE, 0x11000, 1) == NULL);
	hw_teardown(&h);
}

TEST(satp_switch_drops_fast_cache_not_tlb)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	struct two_spaces t;
	two_spaces(&h, &t);
	mmu_set_satp(&h.mmu, t.s1);
	uint8_t *host;
	CHECK_EQ(mmu_translate_host(&h.mmu, 0x10000, ACC_LOAD, &host), 0);
	mmu_set_satp(&h.mmu, t.s2);
	CHECK(mmu_fast_host(&h.mmu, ACC_LOAD, 0x10000, 8) == NULL);
	CHECK_EQ(mmu_translate_host(&h.mmu, 0x10000, ACC_LOAD, &host), 0);
	CHECK(host == ram_ptr(&h.ram, t.f2));
	CHECK(cached(&h, 0x10000, 1));
	hw_teardown(&h);
}

/* tlb_insert_new (a fill after a missed lookup) chooses ways exactly as
 * tlb_insert does: free ways first, then round robin; and a refresh of an
 * entry that is there stays in place with tlb_insert. */
TEST(insert_after_miss_matches_insert)
{
	struct tlb a, b;
	REQUIRE(tlb_init(&a, 8, 4) == 0);
	REQUIRE(tlb_init(&b, 8, 4) == 0);
	for (uint64_t i = 0; i < 11; i++) {
		uint64_t va = (i * 2) << 12;            /* all in set 0 */
		struct tlb_entry *ea = tlb_insert(&a, va, 0, 1, false, i << 10, NULL, NULL);
		struct tlb_entry *eb = tlb_insert_new(&b, va, 0, 1, false, i << 10, NULL, NULL);
		CHECK_EQ(ea - a.e, eb - b.e);
		CHECK(tlb_lookup(&b, va, 1) == eb);
	}
	CHECK_EQ(tlb_count(&a), 4);
	CHECK_EQ(tlb_count(&b), 4);
	uint64_t va = 20 << 12;                          /* the newest: still there */
	struct tlb_entry *e = tlb_lookup(&b, va, 1);
	REQUIRE(e);
	CHECK(tlb_insert(&b, va, 0, 1, false, 0x55 << 10, NULL, NULL) == e);
	CHECK_EQ(e->pte, 0x55ULL << 10);
	CHECK_EQ(tlb_count(&b), 4);
	tlb_destroy(&a);
	tlb_destroy(&b);
}

/* The TLB's derived state equals a recount after any mix of inserts (with
 * evictions), flushes of every kind and removals: each set's count of
 * valid ways, the per-level counts and mask, and the presence filter; and tlb_maybe_holds is never false for a page the
 * TLB holds.  A narrow address range so sets overflow and filter counters
 * collide; levels 0-2 so the multi-level probes are exercised. */
static void churn_and_recount(unsigned entries, unsigned ways)
{
	struct tlb t;
	REQUIRE(tlb_init(&t, entries, ways) == 0);
	uint64_t rng = 12345;
	for (int step = 0; step < 20000; step++) {
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		uint64_t r = rng >> 24;
		int level = (r & 7) == 0 ? (int)((r >> 3) % 3) : 0;
		uint64_t va = ((r >> 8) % 700) << 12;       /* 700 pages: collisions */
		uint16_t asid = (uint16_t)((r >> 20) % 3);
		switch ((r >> 30) % 8) {
		case 0:
			tlb_flush(&t, true, va, (r >> 40) & 1, asid, NULL, NULL);
			break;
		case 1:
			if (((r >> 40) & 63) == 0)
				tlb_flush(&t, false, 0, (r >> 46) & 1, asid, NULL, NULL);
			break;
		case 2: {
			struct tlb_entry *e = tlb_lookup(&t, va, asid);
			if (e)
				tlb_remove(&t, e);
			break;
		}
		case 3:
			tlb_insert(&t, va, level, asid, (r >> 40) % 5 == 0, 0x1234, NULL, NULL);
			break;
		default:
			if (!tlb_lookup(&t, va, asid))
				tlb_insert_new(&t, va, level, asid, false, 0x1234, NULL, NULL);
		}
		/* recount */
		uint32_t counts[1024] = { 0 };
		unsigned levels[TLB_LEVELS] = { 0 }, mask = 0;
		REQUIRE(t.filt_mask < 1024);
		bool ok = true;
		for (unsigned s = 0; s < t.nsets; s++) {
			unsigned used = 0;
			for (unsigned w = 0; w < t.nways; w++) {
				uint64_t tag = t.tag[s * t.nways + w];
				if (!tlb_tag_valid(tag)) {
					ok &= tag == 0;
					continue;
				}
				used++;
				int l = tlb_tag_level(tag);
				levels[l]++;
				mask |= 1u << l;
				ok &= (tlb_tag_vpn(tag) & (t.nsets - 1)) == s;   /* in its own set */
				counts[tlb_filt_index(&t, tag)]++;
				/* every held page is reported as possibly held */
				ok &= tlb_maybe_holds(&t, tlb_tag_vpn(tag) << (12 + 9 * l));
			}
			ok &= used == t.set[s].nused;
		}
		for (int l = 0; l < TLB_LEVELS; l++)
			ok &= levels[l] == t.level_count[l];
		ok &= mask == t.level_mask;
		for (uint64_t i = 0; i <= t.filt_mask; i++)
			ok &= counts[i] == t.filt[i];
		if (!ok) {
			CHECK(ok);
			break;
		}
	}
	/* empty after a full flush: nothing may be held */
	tlb_flush(&t, false, 0, false, 0, NULL, NULL);
	CHECK_EQ(tlb_count(&t), 0);
	for (uint64_t p = 0; p < 700; p++)
		CHECK(!tlb_maybe_holds(&t, p << 12));
	tlb_destroy(&t);
}

TEST(derived_state_matches_recount_2_way)
{
	churn_and_recount(16, 2);
}

TEST(derived_state_matches_recount_16_way)
{
	churn_and_recount(32, 16);
}

/* The kernel's one-page shootdown (tlb_flush_page) removes exactly what
 * sfence.vma va, asid (tlb_flush) removes, and reports as many: two TLBs
 * fed the same inserts stay identical.  The first half holds 4 KiB entries
 * only (the short path); the second half adds superpages and globals. */
TEST(flush_page_matches_flush_by_address_and_asid)
{
	struct tlb a, b;
	REQUIRE(tlb_init(&a, 32, 4) == 0);
	REQUIRE(tlb_init(&b, 32, 4) == 0);
	uint64_t rng = 777;
	unsigned removed = 0;
	for (int step = 0; step < 20000; step++) {
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		uint64_t r = rng >> 24;
		bool mixed = step >= 10000;
		int level = mixed && (r & 7) == 0 ? (int)((r >> 3) % 3) : 0;
		bool global = mixed && (r >> 40) % 5 == 0;
		uint64_t va = ((r >> 8) % 40) << 12;      /* 80 pages x ASIDs, 32 entries */
		uint16_t asid = (uint16_t)((r >> 20) % 2);
		if ((r >> 30) % 3 == 0) {
			unsigned na = tlb_flush(&a, true, va, true, asid, NULL, NULL);
			unsigned nb = tlb_flush_page(&b, va, asid, NULL, NULL);
			CHECK_EQ(na, nb);
			removed += na;
		} else {
			tlb_insert(&a, va, level, asid, global, r << 10, NULL, NULL);
			tlb_insert(&b, va, level, asid, global, r << 10, NULL, NULL);
		}
		bool same = a.level_mask == b.level_mask;
		for (unsigned i = 0; i < a.nentries; i++)
			same &= a.tag[i] == b.tag[i] && (!a.tag[i] || (a.e[i].pte == b.e[i].pte &&
								       a.e[i].asid == b.e[i].asid &&
								       a.e[i].global == b.e[i].global));
		if (!same) {
			CHECK(same);
			break;
		}
	}
	CHECK(removed > 500);          /* the flushes did remove entries */
	tlb_destroy(&a);
	tlb_destroy(&b);
}
