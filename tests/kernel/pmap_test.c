/*
 * pmap_test.c - the page-table layer (src/kernel/pmap.h) checked against the
 * simulated MMU (src/hw/mmu.h), for Sv39 and Sv48.
 *
 * Every test boots a small machine (RAM, the buddy allocator, an MMU with a
 * TLB, the kernel half), builds user mappings with pmap_*, and asks the MMU
 * what a user access would do: the translation it finds, or the fault it
 * raises.  Each change must be visible at once, TLB included (the TLB is
 * filled with a translation first, then the mapping changes, then the same
 * access must see the change - pmap issues the sfence.vma itself).
 * pmap_check runs after every operation; every test ends with a leak check
 * (free frames after teardown == before boot of the address space).
 */
#include "test.h"
#include "pmap.h"

#include <errno.h>

#define PM_RAM (16ULL << 20)
#define PID 7

struct mach {
	struct ram ram;
	struct page_alloc pa;
	struct mmu mmu;
	struct pmap_kernel pk;
	int levels;
	uint64_t free0, pt0;     /* free frames / page-table frames after kernel init */
};

static void mach_boot(struct mach *m, int levels)
{
	memset(m, 0, sizeof *m);
	m->levels = levels;
	REQUIRE(ram_init(&m->ram, PM_RAM) == 0);
	REQUIRE(page_alloc_init(&m->pa, &m->ram) == 0);
	m->pa.debug = true;
	REQUIRE(mmu_init(&m->mmu, &m->ram, 64, 4) == 0);
	REQUIRE(pmap_kernel_init(&m->pk, &m->pa, &m->mmu, levels) == 0);
	m->free0 = page_alloc_free_count(&m->pa);
	m->pt0 = m->pa.by_owner[FO_PAGE_TABLE];
}

static void mach_halt(struct mach *m)
{
	CHECK_EQ(page_alloc_free_count(&m->pa), m->free0);
	CHECK_EQ(m->pa.by_owner[FO_PAGE_TABLE], m->pt0);
	CHECK(page_alloc_check(&m->pa) == NULL);
	pmap_kernel_destroy(&m->pk);
	mmu_destroy(&m->mmu);
	ram_destroy(&m->ram);
}

/* pmap_check, reported with the line that asked. */
#define PCHECK(pm) do { const char *w_ = pmap_check(pm);                       \
	if (w_) test_fail(__FILE__, __LINE__, "pmap_check: %s", w_); } while (0)

static uint64_t user_frame(struct mach *m)
{
	uint64_t f = page_alloc_frames(&m->pa, 0, PA_ZERO, FO_USER, PID);
	REQUIRE(f != 0);
	return f;
}

static int free_cb(void *ctx, const struct pmap_page *pg)
{
	struct mach *m = ctx;
	if (pg->present)
		page_free_frames(&m->pa, pg->pa, 0);
	return 0;
}

static int count_cb(void *ctx, const struct pmap_page *pg)
{
	(*(int *)ctx)++;
	return 0;
}

/* Result of a user access through the MMU: 0 and *pa, or the cause. */
static int acc(struct mach *m, uint64_t va, enum mmu_access a, uint64_t *pa)
{
	uint64_t dummy;
	return mmu_translate(&m->mmu, va, a, pa ? pa : &dummy);
}

static void each_levels(void (*fn)(int levels))
{
	fn(3);
	fn(4);
}

/* A machine with one address space (ASID asid), current in the MMU. */
static void pm_open(struct mach *m, struct pmap *pm, int levels, uint16_t asid)
{
	mach_boot(m, levels);
	REQUIRE(pmap_create(pm, &m->pk, asid, PID) == 0);
	mmu_set_satp(&m->mmu, pmap_satp(pm));
}

/* Unmaps everything, frees frame f (the test's last one), tears down. */
static void pm_close(struct mach *m, struct pmap *pm, int levels, uint64_t f)
{
	pmap_remove(pm, 0, user_top(levels), NULL, NULL);
	page_free_frames(&m->pa, f, 0);
	pmap_destroy(pm);
	mach_halt(m);
}

/* --- enter / extract / translate ---------------------------------------- */

static void enter_extract(int levels)
{
	struct mach m;
	struct pmap pm;
	mach_boot(&m, levels);
	REQUIRE(pmap_create(&pm, &m.pk, 1, PID) == 0);
	PCHECK(&pm);
	mmu_set_satp(&m.mmu, pmap_satp(&pm));

	uint64_t f = user_frame(&m), va = 0x10000, got;
	CHECK_EQ(pmap_enter(&pm, va, f, VM_PROT_READ | VM_PROT_WRITE, false), 0);
	PCHECK(&pm);
	struct pmap_page pg;
	REQUIRE(pmap_extract(&pm, va, &pg));
	CHECK_EQ(pg.pa, f);
	CHECK(pg.present && !pg.cow && !pg.swapped);
	CHECK_EQ(pg.prot, VM_PROT_READ | VM_PROT_WRITE);
	CHECK_EQ(pm.resident, 1);
	CHECK(!pmap_extract(&pm, va + PGSIZE, &pg));
	CHECK(!pmap_extract(&pm, va - PGSIZE, &pg));

	CHECK_EQ(acc(&m, va + 0x123, ACC_LOAD, &got), 0);
	CHECK_EQ(got, f + 0x123);
	CHECK_EQ(acc(&m, va + 8, ACC_STORE, &got), 0);
	CHECK_EQ(got, f + 8);
	CHECK_EQ(acc(&m, va, ACC_FETCH, NULL), CAUSE_FETCH_PAGE_FAULT);
	CHECK_EQ(acc(&m, va + PGSIZE, ACC_LOAD, NULL), CAUSE_LOAD_PAGE_FAULT);
	CHECK(pmap_is_referenced(&pm, va));
	CHECK(pmap_is_modified(&pm, va));

	/* Replacing a mapping: the new frame is seen at once. */
	uint64_t f2 = user_frame(&m);
	CHECK_EQ(pmap_enter(&pm, va, f2, VM_PROT_READ | VM_PROT_EXEC, false), 0);
	PCHECK(&pm);
	CHECK_EQ(pm.resident, 1);
	CHECK_EQ(acc(&m, va + 4, ACC_LOAD, &got), 0);
	CHECK_EQ(got, f2 + 4);
	CHECK_EQ(acc(&m, va + 4, ACC_FETCH, &got), 0);
	CHECK_EQ(acc(&m, va + 4, ACC_STORE, NULL), CAUSE_STORE_PAGE_FAULT);
	page_free_frames(&m.pa, f, 0);

	pmap_remove(&pm, 0, user_top(levels), free_cb, &m);
	PCHECK(&pm);
	pmap_destroy(&pm);
	mach_halt(&m);
}
TEST(pmap_enter_extract_translate) { each_levels(enter_extract); }

static void bad_enter(int levels)
{
	struct mach m;
	struct pmap pm;
	mach_boot(&m, levels);
	REQUIRE(pmap_create(&pm, &m.pk, 1, PID) == 0);
	uint64_t f = user_frame(&m);
	CHECK_EQ(pmap_enter(&pm, 0x10001, f, VM_PROT_READ, false), -EINVAL);
	CHECK_EQ(pmap_enter(&pm, user_top(levels), f, VM_PROT_READ, false), -EINVAL);
	CHECK_EQ(pmap_enter(&pm, kernel_base(levels), f, VM_PROT_READ, false), -EINVAL);
	CHECK_EQ(pmap_enter(&pm, kernel_base(levels) + RAM_BASE, f, VM_PROT_READ, false), -EINVAL);
	CHECK_EQ(pm.resident, 0);
	PCHECK(&pm);
	/* The highest user page is fine. */
	CHECK_EQ(pmap_enter(&pm, user_top(levels) - PGSIZE, f, VM_PROT_READ, false), 0);
	PCHECK(&pm);
	mmu_set_satp(&m.mmu, pmap_satp(&pm));
	uint64_t got;
	CHECK_EQ(acc(&m, user_top(levels) - 1, ACC_LOAD, &got), 0);
	CHECK_EQ(got, f + PGSIZE - 1);
	pmap_remove(&pm, 0, user_top(levels), free_cb, &m);
	pmap_destroy(&pm);
	mach_halt(&m);
}
TEST(pmap_enter_rejects_bad_addresses) { each_levels(bad_enter); }

/* --- protect / remove take effect at once (TLB shootdown) --------------- */

static void protect_shootdown(int levels)
{
	struct mach m;
	struct pmap pm;
	pm_open(&m, &pm, levels, 3);
	uint64_t va = 0x4000000, f[4];
	for (int i = 0; i < 4; i++) {
		f[i] = user_frame(&m);
		CHECK_EQ(pmap_enter(&pm, va + i * PGSIZE, f[i], VM_PROT_READ | VM_PROT_WRITE, false), 0);
		/* Fill the TLB with a writable, dirty entry. */
		CHECK_EQ(acc(&m, va + i * PGSIZE, ACC_STORE, NULL), 0);
	}
	PCHECK(&pm);
	/* Remove write from pages 1..2: stores fault at once, loads work. */
	pmap_protect(&pm, va + PGSIZE, va + 3 * PGSIZE, VM_PROT_READ);
	PCHECK(&pm);
	CHECK_EQ(acc(&m, va + PGSIZE, ACC_STORE, NULL), CAUSE_STORE_PAGE_FAULT);
	CHECK_EQ(acc(&m, va + 2 * PGSIZE + 8, ACC_STORE, NULL), CAUSE_STORE_PAGE_FAULT);
	CHECK_EQ(acc(&m, va + PGSIZE, ACC_LOAD, NULL), 0);
	CHECK_EQ(acc(&m, va, ACC_STORE, NULL), 0);            /* outside the range */
	CHECK_EQ(acc(&m, va + 3 * PGSIZE, ACC_STORE, NULL), 0);
	struct pmap_page pg;
	REQUIRE(pmap_extract(&pm, va + PGSIZE, &pg));
	CHECK_EQ(pg.prot, VM_PROT_READ);

	/* PROT_NONE keeps the frame but every access faults. */
	pmap_protect(&pm, va, va + PGSIZE, VM_PROT_NONE);
	PCHECK(&pm);
	REQUIRE(pmap_extract(&pm, va, &pg));
	CHECK(pg.present);
	CHECK_EQ(pg.pa, f[0]);
	CHECK_EQ(pg.prot, VM_PROT_NONE);
	CHECK_EQ(acc(&m, va, ACC_LOAD, NULL), CAUSE_LOAD_PAGE_FAULT);
	CHECK_EQ(acc(&m, va, ACC_STORE, NULL), CAUSE_STORE_PAGE_FAULT);
	CHECK_EQ(acc(&m, va, ACC_FETCH, NULL), CAUSE_FETCH_PAGE_FAULT);
	int n = 0;
	pmap_foreach(&pm, 0, user_top(levels), count_cb, &n);
	CHECK_EQ(n, 4);
	/* ... and comes back with its frame. */
	pmap_protect(&pm, va, va + PGSIZE, VM_PROT_READ | VM_PROT_WRITE);
	PCHECK(&pm);
	uint64_t got;
	CHECK_EQ(acc(&m, va + 16, ACC_STORE, &got), 0);
	CHECK_EQ(got, f[0] + 16);

	/* Remove page 3 after a load filled the TLB: it faults at once. */
	CHECK_EQ(acc(&m, va + 3 * PGSIZE, ACC_LOAD, NULL), 0);
	int removed = 0;
	pmap_remove(&pm, va + 3 * PGSIZE, va + 4 * PGSIZE, count_cb, &removed);
	CHECK_EQ(removed, 1);
	PCHECK(&pm);
	CHECK_EQ(acc(&m, va + 3 * PGSIZE, ACC_LOAD, NULL), CAUSE_LOAD_PAGE_FAULT);
	CHECK(!pmap_extract(&pm, va + 3 * PGSIZE, &pg));
	CHECK_EQ(pm.resident, 3);             /* pages 0 (RW again), 1, 2 */
	page_free_frames(&m.pa, f[3], 0);

	pmap_remove(&pm, 0, user_top(levels), free_cb, &m);
	PCHECK(&pm);
	CHECK_EQ(acc(&m, va + PGSIZE, ACC_LOAD, NULL), CAUSE_LOAD_PAGE_FAULT);
	pmap_destroy(&pm);
	mach_halt(&m);
}
TEST(pmap_protect_remove_shoot_down_tlb) { each_levels(protect_shootdown); }

/* Clearing D must force the hardware to set it again on the next store,
 * which it can only do if the stale dirty TLB entry is gone. */
static void dirty_bits(int levels)
{
	struct mach m;
	struct pmap pm;
	pm_open(&m, &pm, levels, 2);
	uint64_t va = 0x20000, f = user_frame(&m);
	CHECK_EQ(pmap_enter(&pm, va, f, VM_PROT_READ | VM_PROT_WRITE, false), 0);
	CHECK(!pmap_is_modified(&pm, va));
	CHECK_EQ(acc(&m, va, ACC_LOAD, NULL), 0);
	CHECK(pmap_is_referenced(&pm, va));
	CHECK(!pmap_is_modified(&pm, va));
	CHECK_EQ(acc(&m, va, ACC_STORE, NULL), 0);
	CHECK(pmap_is_modified(&pm, va));
	pmap_clear_modified(&pm, va);
	CHECK(!pmap_is_modified(&pm, va));
	CHECK_EQ(acc(&m, va, ACC_STORE, NULL), 0);
	CHECK(pmap_is_modified(&pm, va));
	pmap_clear_referenced(&pm, va);
	CHECK(!pmap_is_referenced(&pm, va));
	CHECK_EQ(acc(&m, va, ACC_LOAD, NULL), 0);
	CHECK(pmap_is_referenced(&pm, va));
	PCHECK(&pm);
	pmap_remove(&pm, 0, user_top(levels), free_cb, &m);
	pmap_destroy(&pm);
	mach_halt(&m);
}
TEST(pmap_accessed_dirty_bits_and_tlb) { each_levels(dirty_bits); }

static void cow_and_swap(int levels)
{
	struct mach m;
	struct pmap pm;
	pm_open(&m, &pm, levels, 2);
	uint64_t va = 0x30000, f = user_frame(&m);
	CHECK_EQ(pmap_enter(&pm, va, f, VM_PROT_READ | VM_PROT_WRITE, true), 0);
	PCHECK(&pm);
	struct pmap_page pg;
	REQUIRE(pmap_extract(&pm, va, &pg));
	CHECK(pg.cow);
	CHECK_EQ(acc(&m, va, ACC_LOAD, NULL), 0);
	CHECK_EQ(acc(&m, va, ACC_STORE, NULL), CAUSE_STORE_PAGE_FAULT);
	/* protect keeps write withheld on a cow page */
	pmap_protect(&pm, va, va + PGSIZE, VM_PROT_READ | VM_PROT_WRITE);
	PCHECK(&pm);
	CHECK_EQ(acc(&m, va, ACC_STORE, NULL), CAUSE_STORE_PAGE_FAULT);

	/* swapped: recorded, not present, faults */
	CHECK_EQ(acc(&m, va, ACC_LOAD, NULL), 0);         /* in the TLB */
	CHECK_EQ(pmap_set_swapped(&pm, va, 1234), 0);
	PCHECK(&pm);
	page_free_frames(&m.pa, f, 0);
	REQUIRE(pmap_extract(&pm, va, &pg));
	CHECK(pg.swapped && !pg.present);
	CHECK_EQ(pg.swap_slot, 1234);
	CHECK_EQ(acc(&m, va, ACC_LOAD, NULL), CAUSE_LOAD_PAGE_FAULT);
	CHECK_EQ(pm.resident, 0);
	int n = 0;
	pmap_remove(&pm, 0, user_top(levels), count_cb, &n);
	CHECK_EQ(n, 1);
	CHECK(!pmap_extract(&pm, va, &pg));
	PCHECK(&pm);
	pmap_destroy(&pm);
	mach_halt(&m);
}
TEST(pmap_cow_and_swap_entries) { each_levels(cow_and_swap); }

/* Every protection, shared copy-on-write or not, becomes a PTE the MMU
 * accepts and that grants exactly what Linux/riscv64 grants: loads if R or
 * W (W without R is a reserved encoding: write implies read), stores if W
 * and not copy-on-write, fetches if X.  A copy-on-write page of a W or W|X
 * region must stay readable: with no R its loads would fault and the fault
 * handler would find nothing to change (the livelock of issue 14). */
static void every_prot(int levels)
{
	struct mach m;
	struct pmap pm;
	pm_open(&m, &pm, levels, 3);
	uint64_t f = user_frame(&m);
	for (unsigned prot = 0; prot < 8; prot++)
		for (int cow = 0; cow < 2; cow++) {
			uint64_t va = 0x40000 + (prot * 2 + (unsigned)cow) * PGSIZE;
			CHECK_EQ(pmap_enter(&pm, va, f, prot, cow), 0);
			PCHECK(&pm);
			bool r = prot & (VM_PROT_READ | VM_PROT_WRITE), w = (prot & VM_PROT_WRITE) && !cow,
			     x = prot & VM_PROT_EXEC;
			int got_l = acc(&m, va, ACC_LOAD, NULL), got_s = acc(&m, va, ACC_STORE, NULL),
			    got_f = acc(&m, va, ACC_FETCH, NULL);
			if (got_l != (r ? 0 : CAUSE_LOAD_PAGE_FAULT) ||
			    got_s != (w ? 0 : CAUSE_STORE_PAGE_FAULT) ||
			    got_f != (x ? 0 : CAUSE_FETCH_PAGE_FAULT))
				test_fail(__FILE__, __LINE__, "prot %u cow %d: load %d store %d fetch %d",
					  prot, cow, got_l, got_s, got_f);
			struct pmap_page pg;
			REQUIRE(pmap_extract(&pm, va, &pg));
			CHECK(pg.present && pg.cow == cow);
			CHECK_EQ(pg.prot, (r ? VM_PROT_READ : 0) | (w ? VM_PROT_WRITE : 0) |
					  (x ? VM_PROT_EXEC : 0));
			/* pmap_protect encodes the same way */
			pmap_protect(&pm, va, va + PGSIZE, VM_PROT_NONE);
			CHECK_EQ(acc(&m, va, ACC_LOAD, NULL), CAUSE_LOAD_PAGE_FAULT);
			pmap_protect(&pm, va, va + PGSIZE, prot);
			PCHECK(&pm);
			CHECK_EQ(acc(&m, va, ACC_LOAD, NULL), r ? 0 : CAUSE_LOAD_PAGE_FAULT);
			CHECK_EQ(acc(&m, va, ACC_STORE, NULL), w ? 0 : CAUSE_STORE_PAGE_FAULT);
			CHECK_EQ(acc(&m, va, ACC_FETCH, NULL), x ? 0 : CAUSE_FETCH_PAGE_FAULT);
		}
	pm_close(&m, &pm, levels, f);
}
TEST(pmap_every_prot_and_cow_encodes_what_linux_grants) { each_levels(every_prot); }

/* --- the kernel half ----------------------------------------------------- */

static void kernel_half(int levels)
{
	struct mach m;
	struct pmap pm[3];
	mach_boot(&m, levels);
	for (int i = 0; i < 3; i++) {
		REQUIRE(pmap_create(&pm[i], &m.pk, (uint16_t)(i + 1), PID + i) == 0);
		PCHECK(&pm[i]);
	}
	uint64_t probes[] = { 0, 0x1000, 0x200000 + 0x10, PM_RAM - 8 };
	for (int i = 0; i < 3; i++) {
		for (unsigned j = 0; j < sizeof probes / sizeof probes[0]; j++) {
			struct mmu_walk w;
			uint64_t va = kernel_base(levels) + RAM_BASE + probes[j];
			mmu_walk_explain(&m.mmu, pmap_satp(&pm[i]), va, ACC_LOAD, &w);
			CHECK(w.leaf_level >= 0);             /* the direct map is there */
			CHECK(w.cause != 0);                  /* ... with U=0 */
			REQUIRE(w.nsteps > 0);
			uint64_t leaf = w.step[w.nsteps - 1].pte;
			CHECK(leaf & PTE_V);
			CHECK(!(leaf & PTE_U));
			CHECK(leaf & PTE_R);
			/* PPN of the leaf plus the offset inside it is RAM_BASE+probe */
			uint64_t span = 1ULL << (PGSHIFT + VPN_BITS * w.leaf_level);
			uint64_t pa = ((leaf >> 10) << PGSHIFT) + (va & (span - 1));
			CHECK_EQ(pa, RAM_BASE + probes[j]);
		}
		mmu_set_satp(&m.mmu, pmap_satp(&pm[i]));
		CHECK_EQ(acc(&m, kernel_base(levels) + RAM_BASE, ACC_LOAD, NULL), CAUSE_LOAD_PAGE_FAULT);
		CHECK_EQ(acc(&m, kernel_base(levels) + RAM_BASE, ACC_STORE, NULL), CAUSE_STORE_PAGE_FAULT);
		CHECK_EQ(acc(&m, kernel_base(levels) + RAM_BASE, ACC_FETCH, NULL), CAUSE_FETCH_PAGE_FAULT);
	}
	/* The user half is still empty in each: no table pages but the root. */
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(pm[i].pt_pages, 1);
		pmap_destroy(&pm[i]);
	}
	mach_halt(&m);
}
TEST(pmap_kernel_half_in_every_root) { each_levels(kernel_half); }

/* --- page-table pages come and go ---------------------------------------- */

static void table_pages(int levels)
{
	struct mach m;
	struct pmap pm;
	mach_boot(&m, levels);
	REQUIRE(pmap_create(&pm, &m.pk, 1, PID) == 0);
	CHECK_EQ(m.pa.by_owner[FO_PAGE_TABLE], m.pt0 + 1);
	CHECK_EQ(pm.pt_pages, 1);
	uint64_t f = user_frame(&m);
	CHECK_EQ(pmap_enter(&pm, 0x10000, f, VM_PROT_READ, false), 0);
	CHECK_EQ(pm.pt_pages, (uint64_t)levels);        /* root + one table per lower level */
	CHECK_EQ(m.pa.by_owner[FO_PAGE_TABLE], m.pt0 + levels);
	/* A page in the same 2 MiB needs no new table. */
	uint64_t f2 = user_frame(&m);
	CHECK_EQ(pmap_enter(&pm, 0x11000, f2, VM_PROT_READ, false), 0);
	CHECK_EQ(pm.pt_pages, (uint64_t)levels);
	/* A page at the far end of the user half needs levels-1 new tables. */
	uint64_t far = user_top(levels) - PGSIZE, f3 = user_frame(&m);
	CHECK_EQ(pmap_enter(&pm, far, f3, VM_PROT_READ, false), 0);
	CHECK_EQ(pm.pt_pages, (uint64_t)(2 * levels - 1));
	CHECK_EQ(m.pa.by_owner[FO_PAGE_TABLE], m.pt0 + 2 * levels - 1);
	PCHECK(&pm);
	/* Removing one of two pages in a table frees nothing... */
	pmap_remove(&pm, 0x10000, 0x11000, free_cb, &m);
	CHECK_EQ(pm.pt_pages, (uint64_t)(2 * levels - 1));
	PCHECK(&pm);
	/* ... removing the last one frees its tables. */
	pmap_remove(&pm, 0x11000, 0x12000, free_cb, &m);
	CHECK_EQ(pm.pt_pages, (uint64_t)levels);
	CHECK_EQ(m.pa.by_owner[FO_PAGE_TABLE], m.pt0 + levels);
	PCHECK(&pm);
	/* A swap entry keeps a table alive too. */
	CHECK_EQ(pmap_set_swapped(&pm, 0x5000, 9), 0);
	CHECK_EQ(pm.pt_pages, (uint64_t)(2 * levels - 1));
	pmap_remove(&pm, far, far + PGSIZE, free_cb, &m);
	CHECK_EQ(pm.pt_pages, (uint64_t)levels);
	pmap_remove(&pm, 0, user_top(levels), NULL, NULL);
	CHECK_EQ(pm.pt_pages, 1);
	CHECK_EQ(m.pa.by_owner[FO_PAGE_TABLE], m.pt0 + 1);
	PCHECK(&pm);
	pmap_destroy(&pm);
	mach_halt(&m);
}
TEST(pmap_table_pages_freed_when_empty) { each_levels(table_pages); }

static void enomem(int levels)
{
	struct mach m;
	struct pmap pm;
	struct alloc_faults fl = { .countdown = -1 };
	mach_boot(&m, levels);
	m.pa.faults = &fl;
	REQUIRE(pmap_create(&pm, &m.pk, 1, PID) == 0);
	uint64_t f = user_frame(&m);
	/* Fail each of the table allocations in turn: no mapping appears.
	 * (pmap.c leaves the tables made before the failure in place, empty;
	 * pmap.h says "nothing changed" - they go at the next range
	 * operation over them, checked here.) */
	for (int k = 0; k < levels - 1; k++) {
		fl.countdown = k;
		CHECK_EQ(pmap_enter(&pm, 0x40000000, f, VM_PROT_READ, false), -ENOMEM);
		fl.countdown = -1;
		PCHECK(&pm);
		CHECK_EQ(pm.resident, 0);
		struct pmap_page pg;
		CHECK(!pmap_extract(&pm, 0x40000000, &pg));
		CHECK(pm.pt_pages <= (uint64_t)(1 + k));
		pmap_remove(&pm, 0x40000000, 0x40001000, NULL, NULL);
		CHECK_EQ(pm.pt_pages, 1);
		CHECK_EQ(m.pa.by_owner[FO_PAGE_TABLE], m.pt0 + 1);
	}
	fl.countdown = -1;
	CHECK_EQ(pmap_enter(&pm, 0x40000000, f, VM_PROT_READ, false), 0);
	PCHECK(&pm);
	pmap_remove(&pm, 0, user_top(levels), free_cb, &m);
	pmap_destroy(&pm);
	fl.countdown = 0;
	CHECK_EQ(pmap_create(&pm, &m.pk, 1, PID), -ENOMEM);
	m.pa.faults = NULL;
	mach_halt(&m);
}
TEST(pmap_enter_enomem_changes_nothing) { each_levels(enomem); }

/* Two address spaces with the same VA and different ASIDs: the TLB must not
 * mix them up across satp switches. */
static void asids(int levels)
{
	struct mach m;
	struct pmap a, b;
	mach_boot(&m, levels);
	REQUIRE(pmap_create(&a, &m.pk, 5, PID) == 0);
	REQUIRE(pmap_create(&b, &m.pk, 6, PID + 1) == 0);
	uint64_t fa = user_frame(&m), fb = user_frame(&m), va = 0x7000, got;
	CHECK_EQ(pmap_enter(&a, va, fa, VM_PROT_READ | VM_PROT_WRITE, false), 0);
	CHECK_EQ(pmap_enter(&b, va, fb, VM_PROT_READ, false), 0);
	for (int round = 0; round < 3; round++) {
		mmu_set_satp(&m.mmu, pmap_satp(&a));
		CHECK_EQ(acc(&m, va, ACC_STORE, &got), 0);
		CHECK_EQ(got, fa);
		mmu_set_satp(&m.mmu, pmap_satp(&b));
		CHECK_EQ(acc(&m, va, ACC_LOAD, &got), 0);
		CHECK_EQ(got, fb);
		CHECK_EQ(acc(&m, va, ACC_STORE, NULL), CAUSE_STORE_PAGE_FAULT);
	}
	/* Removing in a (not the current space) must still reach the TLB. */
	pmap_remove(&a, va, va + PGSIZE, free_cb, &m);
	mmu_set_satp(&m.mmu, pmap_satp(&a));
	CHECK_EQ(acc(&m, va, ACC_LOAD, NULL), CAUSE_LOAD_PAGE_FAULT);
	mmu_set_satp(&m.mmu, pmap_satp(&b));
	CHECK_EQ(acc(&m, va, ACC_LOAD, &got), 0);
	CHECK_EQ(got, fb);
	PCHECK(&a);
	PCHECK(&b);
	pmap_remove(&b, 0, user_top(levels), free_cb, &m);
	pmap_destroy(&a);
	pmap_destroy(&b);
	mach_halt(&m);
}
TEST(pmap_asids_are_separate) { each_levels(asids); }

/* Many pages scattered over the user half, then everything removed: the
 * count of pages seen by foreach, residency, and no leak. */
static void many(int levels)
{
	struct mach m;
	struct pmap pm;
	pm_open(&m, &pm, levels, 9);
	uint64_t seed = 12345, vas[200];
	int n = 0;
	for (int i = 0; i < 200; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		uint64_t va = (seed >> 20) % (user_top(levels) >> PGSHIFT) << PGSHIFT;
		struct pmap_page pg;
		if (pmap_extract(&pm, va, &pg))
			continue;
		uint64_t f = user_frame(&m);
		REQUIRE(pmap_enter(&pm, va, f, VM_PROT_READ | VM_PROT_WRITE, false) == 0);
		vas[n++] = va;
		uint64_t got;
		CHECK_EQ(acc(&m, va + 5, ACC_STORE, &got), 0);
		CHECK_EQ(got, f + 5);
	}
	PCHECK(&pm);
	CHECK_EQ(pm.resident, (uint64_t)n);
	int seen = 0;
	pmap_foreach(&pm, 0, user_top(levels), count_cb, &seen);
	CHECK_EQ(seen, n);
	for (int i = 0; i < n; i += 2) {
		pmap_remove(&pm, vas[i], vas[i] + PGSIZE, free_cb, &m);
		CHECK_EQ(acc(&m, vas[i], ACC_LOAD, NULL), CAUSE_LOAD_PAGE_FAULT);
	}
	PCHECK(&pm);
	CHECK_EQ(pm.resident, (uint64_t)(n / 2));
	pmap_remove(&pm, 0, user_top(levels), free_cb, &m);
	CHECK_EQ(pm.pt_pages, 1);
	PCHECK(&pm);
	pmap_destroy(&pm);
	mach_halt(&m);
}
TEST(pmap_scattered_pages_no_leak) { each_levels(many); }

/* The walk cache holds the last-level table of recently walked 2 MiB
 * ranges.  When a table is freed (its last page removed) and its frame is
 * reused as the table of another range, a stale cache entry would make the
 * old range see the new one's PTEs: check that it does not, and that the
 * one-page remove keeps the tables and counters right. */
static void walk_cache(int levels)
{
	struct mach m;
	struct pmap pm;
	mach_boot(&m, levels);
	m.pa.debug = false;            /* let freed tables go on the hot list */
	REQUIRE(pmap_create(&pm, &m.pk, 1, PID) == 0);
	const uint64_t a = 0x40000000, b = 0x40000000 + (3ULL << 21); /* same VPN[0] */
	uint64_t fa = user_frame(&m), fb = user_frame(&m), fa2 = user_frame(&m);
	REQUIRE(pmap_enter(&pm, a, fa, VM_PROT_READ, false) == 0);
	REQUIRE(pmap_enter(&pm, a + PGSIZE, fa2, VM_PROT_READ, false) == 0);
	struct pmap_page pg;
	CHECK(pmap_extract(&pm, a, &pg) && pg.pa == fa);
	/* one-page removes: the first keeps the table, the second frees it */
	uint64_t tables = pm.pt_pages;
	pmap_remove(&pm, a + PGSIZE, a + 2 * PGSIZE, free_cb, &m);
	CHECK_EQ(pm.pt_pages, tables);
	CHECK_EQ(pm.resident, 1);
	PCHECK(&pm);
	pmap_remove(&pm, a, a + PGSIZE, free_cb, &m);
	CHECK(pm.pt_pages < tables);
	CHECK_EQ(pm.resident, 0);
	PCHECK(&pm);
	/* b's table takes the frame a's table had (the allocator is LIFO) */
	REQUIRE(pmap_enter(&pm, b, fb, VM_PROT_READ | VM_PROT_WRITE, false) == 0);
	CHECK(!pmap_extract(&pm, a, &pg));              /* not b's entry */
	CHECK(pmap_extract(&pm, b, &pg) && pg.pa == fb);
	PCHECK(&pm);
	pmap_remove(&pm, 0, user_top(levels), free_cb, &m);
	PCHECK(&pm);
	pmap_destroy(&pm);
	mach_halt(&m);
}
TEST(pmap_walk_cache_never_stale) { each_levels(walk_cache); }

/* pmap_frame agrees with pmap_extract: the frame and D bit of a present
 * page (PROT_NONE included), 0 for an absent, swapped or out-of-range one. */
static void frame_lookup(int levels)
{
	struct mach m;
	struct pmap pm;
	pm_open(&m, &pm, levels, 3);
	uint64_t va = 0x40000, f = user_frame(&m), g = user_frame(&m);
	bool mod = true;
	CHECK_EQ(pmap_frame(&pm, va, &mod), 0);                 /* no table yet */
	CHECK_EQ(pmap_enter(&pm, va, f, VM_PROT_READ | VM_PROT_WRITE, false), 0);
	CHECK_EQ(pmap_frame(&pm, va + PGSIZE, &mod), 0);        /* table, no PTE */
	CHECK_EQ(pmap_frame(&pm, va + 0x123, &mod), f);         /* any offset */
	CHECK(!mod);
	CHECK_EQ(acc(&m, va, ACC_STORE, NULL), 0);              /* the MMU sets D */
	CHECK_EQ(pmap_frame(&pm, va, &mod), f);
	CHECK(mod);
	struct pmap_page pg;
	REQUIRE(pmap_extract(&pm, va, &pg));
	CHECK(pg.modified && pg.pa == f);
	pmap_protect(&pm, va, va + PGSIZE, VM_PROT_NONE);       /* present, no access */
	mod = false;
	CHECK_EQ(pmap_frame(&pm, va, &mod), f);
	CHECK(mod);
	CHECK_EQ(pmap_enter(&pm, va + PGSIZE, g, VM_PROT_READ, false), 0);
	CHECK_EQ(pmap_set_swapped(&pm, va + PGSIZE, 77), 0);    /* swapped: no frame */
	page_free_frames(&m.pa, g, 0);
	CHECK_EQ(pmap_frame(&pm, va + PGSIZE, &mod), 0);
	CHECK_EQ(pmap_frame(&pm, user_top(levels), &mod), 0);
	PCHECK(&pm);
	pm_close(&m, &pm, levels, f);
}
TEST(pmap_frame_matches_extract) { each_levels(frame_lookup); }

/* --- take / untake: eviction's one-walk unmap ----------------------------- */

static void take_untake(int levels)
{
	struct mach m;
	struct pmap pm;
	pm_open(&m, &pm, levels, 5);
	uint64_t va = 0x80000, f = user_frame(&m), g = user_frame(&m), old = 0, got;
	bool mod = true;
	CHECK_EQ(pmap_take(&pm, va, &mod, &old), 0);            /* no table: nothing */
	CHECK_EQ(pmap_enter(&pm, va, f, VM_PROT_READ | VM_PROT_WRITE, false), 0);
	/* the only entry of its table: left to pmap_remove, which frees the table */
	CHECK_EQ(pmap_take(&pm, va, &mod, &old), 0);
	CHECK_EQ(pmap_frame(&pm, va, &mod), f);
	CHECK_EQ(pmap_enter(&pm, va + PGSIZE, g, VM_PROT_READ, false), 0);
	CHECK_EQ(acc(&m, va + 8, ACC_STORE, &got), 0);           /* D set, in the TLB */
	CHECK_EQ(got, f + 8);
	CHECK_EQ(pmap_take(&pm, va + 0x10, &mod, &old), f);
	CHECK(mod);
	CHECK_EQ(pm.resident, 1);
	PCHECK(&pm);
	CHECK_EQ(acc(&m, va, ACC_LOAD, NULL), CAUSE_LOAD_PAGE_FAULT);   /* flushed */
	CHECK_EQ(pmap_take(&pm, va, &mod, &old), 0);             /* gone already */
	pmap_untake(&pm, va, old);                               /* as it was, D too */
	PCHECK(&pm);
	CHECK_EQ(pm.resident, 2);
	CHECK_EQ(acc(&m, va + 4, ACC_LOAD, &got), 0);
	CHECK_EQ(got, f + 4);
	CHECK(pmap_is_modified(&pm, va));
	/* a clean page: D clear; a swapped page is no frame to take */
	CHECK_EQ(pmap_take(&pm, va + PGSIZE, &mod, &old), g);
	CHECK(!mod);
	CHECK_EQ(pmap_set_swapped(&pm, va + PGSIZE, 9), 0);
	page_free_frames(&m.pa, g, 0);
	CHECK_EQ(pmap_take(&pm, va + PGSIZE, &mod, &old), 0);
	PCHECK(&pm);
	pm_close(&m, &pm, levels, f);
}
TEST(pmap_take_and_untake) { each_levels(take_untake); }

/* --- the MMU's host-side walk cache never outlives a table ---------------- */

static void pwc_stale(int levels)
{
	struct mach m;
	struct pmap pm;
	pm_open(&m, &pm, levels, 6);
	uint64_t va = 0x40000000, far = 0x80000000, f = user_frame(&m), g = user_frame(&m),
		 h = user_frame(&m), got;
	CHECK_EQ(pmap_enter(&pm, va, f, VM_PROT_READ, false), 0);
	CHECK_EQ(acc(&m, va, ACC_LOAD, &got), 0);           /* the walk cache learns va's table */
	CHECK_EQ(got, f);
	pmap_remove(&pm, va, va + PGSIZE, NULL, NULL);       /* frees that table (and above) */
	/* the freed table frames come back first: as the tables of another region */
	CHECK_EQ(pmap_enter(&pm, far, g, VM_PROT_READ, false), 0);
	CHECK_EQ(pmap_enter(&pm, va, h, VM_PROT_READ, false), 0);
	PCHECK(&pm);
	CHECK_EQ(acc(&m, va, ACC_LOAD, &got), 0);
	CHECK_EQ(got, h);
	CHECK_EQ(acc(&m, far, ACC_LOAD, &got), 0);
	CHECK_EQ(got, g);
	pmap_remove(&pm, 0, user_top(levels), NULL, NULL);
	pmap_destroy(&pm);
	/* a new address space on the same root frame, other tables below it */
	struct pmap pm2;
	REQUIRE(pmap_create(&pm2, &m.pk, 6, PID) == 0);
	CHECK_EQ(pmap_enter(&pm2, far + PGSIZE, f, VM_PROT_READ, false), 0);
	CHECK_EQ(pmap_enter(&pm2, va, g, VM_PROT_READ, false), 0);
	mmu_set_satp(&m.mmu, pmap_satp(&pm2));
	CHECK_EQ(acc(&m, va, ACC_LOAD, &got), 0);
	CHECK_EQ(got, g);
	CHECK_EQ(acc(&m, far, ACC_LOAD, NULL), CAUSE_LOAD_PAGE_FAULT);
	pmap_remove(&pm2, 0, user_top(levels), NULL, NULL);
	pmap_destroy(&pm2);
	page_free_frames(&m.pa, f, 0);
	page_free_frames(&m.pa, g, 0);
	page_free_frames(&m.pa, h, 0);
	mach_halt(&m);
}
TEST(pmap_freed_tables_leave_no_stale_walk) { each_levels(pwc_stale); }
