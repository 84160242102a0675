/*
 * mmu_test.c - the Sv39 / Sv48 walker against hand-built page tables in RAM:
 * permissions, every fault cause, superpages, A/D updates, canonical
 * addresses, PTEs outside RAM, and mmu_walk_explain.
 */
#include "hw_fixture.h"

#include <errno.h>

static uint64_t sv39(struct hw *h, uint64_t *root)
{
	*root = hw_frame(h);
	return MAKE_SATP(SATP_MODE_SV39, 1, *root);
}

TEST(init_rejects_bad_geometry)
{
	struct ram ram;
	struct mmu m;
	REQUIRE(ram_init(&ram, HW_RAM_SIZE) == 0);
	CHECK_EQ(mmu_init(&m, &ram, 0, 1), -EINVAL);
	CHECK_EQ(mmu_init(&m, &ram, 48, 4), -EINVAL);
	CHECK_EQ(mmu_init(&m, &ram, 64, 3), -EINVAL);
	CHECK_EQ(mmu_init(&m, &ram, 4, 8), -EINVAL);
	REQUIRE(mmu_init(&m, &ram, 64, 64) == 0);  /* fully associative */
	mmu_destroy(&m);
	REQUIRE(mmu_init(&m, &ram, 64, 1) == 0);   /* direct mapped */
	mmu_destroy(&m);
	ram_destroy(&ram);
}

TEST(bare_is_identity_and_checks_ram)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t pa = 0;
	CHECK_EQ(mmu_translate(&h.mmu, RAM_BASE + 0x1234, ACC_LOAD, &pa), 0);
	CHECK_EQ(pa, RAM_BASE + 0x1234);
	CHECK_EQ(mmu_translate(&h.mmu, 0x1000, ACC_LOAD, &pa), CAUSE_LOAD_ACCESS);
	CHECK_EQ(mmu_translate(&h.mmu, 0x1000, ACC_STORE, &pa), CAUSE_STORE_ACCESS);
	CHECK_EQ(mmu_translate(&h.mmu, RAM_BASE + HW_RAM_SIZE, ACC_FETCH, &pa), CAUSE_FETCH_ACCESS);
	CHECK_EQ(h.mmu.stats.tlb_hits + h.mmu.stats.tlb_misses, 0);  /* no TLB in Bare */
	hw_teardown(&h);
}

TEST(satp_write_of_unsupported_mode_has_no_effect)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t root;
	uint64_t s = sv39(&h, &root);
	mmu_set_satp(&h.mmu, s);
	mmu_set_satp(&h.mmu, MAKE_SATP(10ULL, 1, root));   /* Sv57: not implemented */
	CHECK_EQ(h.mmu.satp, s);
	mmu_set_satp(&h.mmu, MAKE_SATP(1ULL, 1, root));    /* reserved mode */
	CHECK_EQ(h.mmu.satp, s);
	hw_teardown(&h);
}

/* Every R/W/X combination (U=1) against every access type. */
TEST(permission_matrix)
{
	static const struct { uint64_t rwx; bool f, l, s; } rows[] = {
		{ PTE_R,                 false, true,  false },
		{ PTE_R | PTE_W,         false, true,  true  },
		{ PTE_X,                 true,  false, false },
		{ PTE_R | PTE_X,         true,  true,  false },
		{ PTE_R | PTE_W | PTE_X, true,  true,  true  },
		{ PTE_W,                 false, false, false },  /* reserved */
		{ PTE_W | PTE_X,         false, false, false },  /* reserved */
	};
	for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct hw h;
		hw_setup(&h, 64, 4);
		uint64_t root, s = sv39(&h, &root);
		uint64_t data = hw_frame(&h);
		hw_map(&h, root, 3, 0x10000, data, rows[i].rwx | PTE_U | PTE_A | PTE_D, 0);
		mmu_set_satp(&h.mmu, s);
		bool want[3] = { rows[i].f, rows[i].l, rows[i].s };
		for (int acc = 0; acc < 3; acc++) {
			uint64_t pa = 0;
			int r = mmu_translate(&h.mmu, 0x10abc, (enum mmu_access)acc, &pa);
			if (want[acc]) {
				CHECK_EQ(r, 0);
				CHECK_EQ(pa, data + 0xabc);
			} else {
				CHECK_EQ(r, mmu_page_fault_cause((enum mmu_access)acc));
			}
		}
		hw_teardown(&h);
	}
}

TEST(supervisor_page_faults_for_user)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t root, s = sv39(&h, &root), pa;
	hw_map(&h, root, 3, 0x10000, hw_frame(&h), PTE_R | PTE_W | PTE_X | PTE_A | PTE_D, 0);
	mmu_set_satp(&h.mmu, s);
	CHECK_EQ(mmu_translate(&h.mmu, 0x10000, ACC_FETCH, &pa), CAUSE_FETCH_PAGE_FAULT);
	CHECK_EQ(mmu_translate(&h.mmu, 0x10000, ACC_LOAD, &pa), CAUSE_LOAD_PAGE_FAULT);
	CHECK_EQ(mmu_translate(&h.mmu, 0x10000, ACC_STORE, &pa), CAUSE_STORE_PAGE_FAULT);
	struct mmu_walk w;
	mmu_walk_explain(&h.mmu, s, 0x10000, ACC_LOAD, &w);
	CHECK_EQ(w.cause, CAUSE_LOAD_PAGE_FAULT);
	CHECK_STR(w.why, "U=0: supervisor page");
	CHECK_EQ(w.leaf_level, 0);
	hw_teardown(&h);
}

TEST(invalid_pte_at_each_level)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t root, s = sv39(&h, &root), pa;
	uint64_t va = 0x40201000;     /* VPN[2]=1 VPN[1]=1 VPN[0]=1 */
	mmu_set_satp(&h.mmu, s);
	struct mmu_walk w;
	mmu_walk_explain(&h.mmu, s, va, ACC_LOAD, &w);
	CHECK_EQ(w.nsteps, 1);
	CHECK_STR(w.why, "PTE V=0 at level 2");
	CHECK_EQ(mmu_translate(&h.mmu, va, ACC_LOAD, &pa), CAUSE_LOAD_PAGE_FAULT);

	hw_pte_pa(&h, root, 3, va, 1);                /* creates level 2 -> table */
	mmu_walk_explain(&h.mmu, s, va, ACC_STORE, &w);
	CHECK_EQ(w.nsteps, 2);
	CHECK_STR(w.why, "PTE V=0 at level 1");
	CHECK_EQ(w.cause, CAUSE_STORE_PAGE_FAULT);

	hw_pte_pa(&h, root, 3, va, 0);
	mmu_walk_explain(&h.mmu, s, va, ACC_FETCH, &w);
	CHECK_EQ(w.nsteps, 3);
	CHECK_STR(w.why, "PTE V=0 at level 0");
	CHECK_EQ(w.cause, CAUSE_FETCH_PAGE_FAULT);
	CHECK_EQ(mmu_translate(&h.mmu, va, ACC_FETCH, &pa), CAUSE_FETCH_PAGE_FAULT);
	hw_teardown(&h);
}

TEST(reserved_encodings_fault)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t root, s = sv39(&h, &root), pa;
	uint64_t frame = hw_frame(&h);
	uint64_t pte_pa = hw_pte_pa(&h, root, 3, 0x10000, 0);
	uint64_t *pte = hw_pte(&h, pte_pa);
	mmu_set_satp(&h.mmu, s);
	struct mmu_walk w;

	*pte = PA_TO_PTE(frame) | PTE_V | PTE_U | PTE_W | PTE_A | PTE_D;
	mmu_walk_explain(&h.mmu, s, 0x10000, ACC_STORE, &w);
	CHECK_STR(w.why, "W without R (reserved)");
	CHECK_EQ(mmu_translate(&h.mmu, 0x10000, ACC_STORE, &pa), CAUSE_STORE_PAGE_FAULT);

	for (int bit = 54; bit <= 63; bit++) {       /* reserved, PBMT, N */
		*pte = PA_TO_PTE(frame) | PTE_V | PTE_U | PTE_R | PTE_A | (1ULL << bit);
		CHECK_EQ(mmu_translate(&h.mmu, 0x10000, ACC_LOAD, &pa), CAUSE_LOAD_PAGE_FAULT);
		mmu_walk_explain(&h.mmu, s, 0x10000, ACC_LOAD, &w);
		CHECK_STR(w.why, "reserved PTE bits 63:54 set");
	}
	/* RSW bits are the software's: no fault */
	*pte = PA_TO_PTE(frame) | PTE_V | PTE_U | PTE_R | PTE_A | (3ULL << PTE_RSW_SHIFT);
	CHECK_EQ(mmu_translate(&h.mmu, 0x10000, ACC_LOAD, &pa), 0);

	/* a non-leaf with A, D or U set */
	uint64_t *top = hw_pte(&h, root + VA_VPN(0x10000, 2) * 8);
	uint64_t good = *top;
	uint64_t bad[] = { PTE_A, PTE_D, PTE_U };
	for (int i = 0; i < 3; i++) {
		*top = good | bad[i];
		mmu_sfence_vma(&h.mmu, false, 0, false, 0);
		CHECK_EQ(mmu_translate(&h.mmu, 0x10000, ACC_LOAD, &pa), CAUSE_LOAD_PAGE_FAULT);
		mmu_walk_explain(&h.mmu, s, 0x10000, ACC_LOAD, &w);
		CHECK_STR(w.why, "non-leaf PTE with A, D or U set (reserved)");
	}
	/* a non-leaf at level 0 is not a leaf */
	*top = good;
	*pte = PA_TO_PTE(frame) | PTE_V;
	mmu_sfence_vma(&h.mmu, false, 0, false, 0);
	CHECK_EQ(mmu_translate(&h.mmu, 0x10000, ACC_LOAD, &pa), CAUSE_LOAD_PAGE_FAULT);
	mmu_walk_explain(&h.mmu, s, 0x10000, ACC_LOAD, &w);
	CHECK_STR(w.why, "no leaf PTE by level 0");
	hw_teardown(&h);
}

TEST(superpages_sv39)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t root, s = sv39(&h, &root), pa;
	/* 2 MiB page at VA 0x200000 -> PA RAM_BASE + 0x400000 */
	hw_map(&h, root, 3, 0x200000, RAM_BASE + 0x400000, URW, 1);
	/* 1 GiB page at VA 0x40000000 -> PA RAM_BASE (only 16 MiB is RAM) */
	hw_map(&h, root, 3, 0x40000000, RAM_BASE, URWX, 2);
	mmu_set_satp(&h.mmu, s);
	CHECK_EQ(mmu_translate(&h.mmu, 0x200000 + 0x12345, ACC_LOAD, &pa), 0);
	CHECK_EQ(pa, RAM_BASE + 0x400000 + 0x12345);
	CHECK_EQ(mmu_translate(&h.mmu, 0x40000000 + 0xabcdef, ACC_STORE, &pa), 0);
	CHECK_EQ(pa, RAM_BASE + 0xabcdef);
	/* beyond RAM inside the 1 GiB page: access fault, not page fault */
	CHECK_EQ(mmu_translate(&h.mmu, 0x40000000 + HW_RAM_SIZE, ACC_LOAD, &pa), CAUSE_LOAD_ACCESS);
	CHECK_EQ(mmu_translate(&h.mmu, 0x40000000 + HW_RAM_SIZE, ACC_FETCH, &pa), CAUSE_FETCH_ACCESS);
	CHECK_EQ(mmu_translate(&h.mmu, 0x40000000 + HW_RAM_SIZE, ACC_STORE, &pa), CAUSE_STORE_ACCESS);
	struct mmu_walk w;
	mmu_walk_explain(&h.mmu, s, 0x40000000 + 8, ACC_LOAD, &w);
	CHECK_EQ(w.cause, 0);
	CHECK_EQ(w.nsteps, 1);
	CHECK_EQ(w.leaf_level, 2);
	CHECK_EQ(w.pa, RAM_BASE + 8);
	hw_teardown(&h);
}

TEST(misaligned_superpages_fault)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t root, s = sv39(&h, &root), pa;
	hw_map(&h, root, 3, 0x200000, RAM_BASE + 0x401000, URW, 1);   /* 2M leaf, 4K-aligned PA */
	hw_map(&h, root, 3, 0x40000000, RAM_BASE + 0x200000, URW, 2); /* 1G leaf, 2M-aligned PA */
	mmu_set_satp(&h.mmu, s);
	CHECK_EQ(mmu_translate(&h.mmu, 0x200000, ACC_LOAD, &pa), CAUSE_LOAD_PAGE_FAULT);
	CHECK_EQ(mmu_translate(&h.mmu, 0x40000000, ACC_FETCH, &pa), CAUSE_FETCH_PAGE_FAULT);
	struct mmu_walk w;
	mmu_walk_explain(&h.mmu, s, 0x200000, ACC_LOAD, &w);
	CHECK_STR(w.why, "misaligned superpage");
	CHECK_EQ(w.leaf_level, 1);
	hw_teardown(&h);
}

TEST(sv48_four_levels_and_512g_pages)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t root = hw_frame(&h), pa;
	uint64_t s = MAKE_SATP(SATP_MODE_SV48, 3, root);
	uint64_t data = hw_frame(&h);
	uint64_t va = (5ULL << 39) | (7ULL << 30) | 0x1000;   /* needs VPN[3] */
	hw_map(&h, root, 4, va, data, URW, 0);
	/* a 512 GiB leaf at VPN[3] = 1 mapping PA 0 (aligned) -> RAM_BASE is at +2G */
	hw_map(&h, root, 4, 1ULL << 39, 0, URW, 3);
	/* a misaligned 512 GiB leaf */
	hw_map(&h, root, 4, 2ULL << 39, RAM_BASE, URW, 3);
	mmu_set_satp(&h.mmu, s);
	CHECK_EQ(mmu_translate(&h.mmu, va + 0x10, ACC_STORE, &pa), 0);
	CHECK_EQ(pa, data + 0x10);
	CHECK_EQ(h.mmu.stats.pte_reads, 4);
	CHECK_EQ(mmu_translate(&h.mmu, (1ULL << 39) + RAM_BASE + 0x40, ACC_LOAD, &pa), 0);
	CHECK_EQ(pa, RAM_BASE + 0x40);
	CHECK_EQ(mmu_translate(&h.mmu, (1ULL << 39) + 0x40, ACC_LOAD, &pa), CAUSE_LOAD_ACCESS);
	CHECK_EQ(mmu_translate(&h.mmu, 2ULL << 39, ACC_LOAD, &pa), CAUSE_LOAD_PAGE_FAULT);
	struct mmu_walk w;
	mmu_walk_explain(&h.mmu, s, va, ACC_LOAD, &w);
	CHECK_EQ(w.nsteps, 4);
	CHECK_EQ(w.step[0].level, 3);
	CHECK_EQ(w.step[3].level, 0);
	CHECK_EQ(w.pa, data);
	hw_teardown(&h);
}

TEST(non_canonical_addresses)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t root = hw_frame(&h), pa;
	/* map the top of the Sv39 space: canonical with bits 63:39 all ones */
	uint64_t high39 = 0xffffffffc0000000ULL;
	hw_map(&h, root, 3, high39, RAM_BASE, URW, 2);
	mmu_set_satp(&h.mmu, MAKE_SATP(SATP_MODE_SV39, 0, root));
	CHECK_EQ(mmu_translate(&h.mmu, high39 + 0x10, ACC_LOAD, &pa), 0);
	CHECK_EQ(pa, RAM_BASE + 0x10);
	CHECK_EQ(mmu_translate(&h.mmu, 1ULL << 38, ACC_LOAD, &pa), CAUSE_LOAD_PAGE_FAULT);
	CHECK_EQ(mmu_translate(&h.mmu, 0x00ffffffc0000000ULL, ACC_STORE, &pa), CAUSE_STORE_PAGE_FAULT);
	CHECK_EQ(mmu_translate(&h.mmu, 1ULL << 63, ACC_FETCH, &pa), CAUSE_FETCH_PAGE_FAULT);
	struct mmu_walk w;
	mmu_walk_explain(&h.mmu, h.mmu.satp, 1ULL << 38, ACC_LOAD, &w);
	CHECK_STR(w.why, "non-canonical address");
	CHECK_EQ(w.nsteps, 0);

	/* Sv48: 1<<38 is canonical now (and unmapped: V=0), 1<<47 is not */
	uint64_t root48 = hw_frame(&h);
	uint64_t s48 = MAKE_SATP(SATP_MODE_SV48, 0, root48);
	mmu_walk_explain(&h.mmu, s48, 1ULL << 38, ACC_LOAD, &w);
	CHECK_STR(w.why, "PTE V=0 at level 3");
	mmu_walk_explain(&h.mmu, s48, 1ULL << 47, ACC_LOAD, &w);
	CHECK_STR(w.why, "non-canonical address");
	mmu_walk_explain(&h.mmu, s48, 0xffff800000000000ULL, ACC_LOAD, &w);
	CHECK_STR(w.why, "PTE V=0 at level 3");
	hw_teardown(&h);
}

TEST(accessed_and_dirty_bits_written_to_ram)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t root, s = sv39(&h, &root), pa;
	uint64_t pte_pa = hw_pte_pa(&h, root, 3, 0x10000, 0);
	*hw_pte(&h, pte_pa) = PA_TO_PTE(hw_frame(&h)) | PTE_V | PTE_U | PTE_R | PTE_W;
	mmu_set_satp(&h.mmu, s);
	CHECK_EQ(mmu_translate(&h.mmu, 0x10000, ACC_LOAD, &pa), 0);
	CHECK((*hw_pte(&h, pte_pa) & PTE_A) != 0);
	CHECK((*hw_pte(&h, pte_pa) & PTE_D) == 0);
	CHECK_EQ(h.mmu.stats.ad_updates, 1);
	CHECK_EQ(h.mmu.stats.pte_reads, 3);
	/* the cached entry has D=0: a store must walk again and set D */
	CHECK_EQ(mmu_translate(&h.mmu, 0x10008, ACC_STORE, &pa), 0);
	CHECK((*hw_pte(&h, pte_pa) & PTE_D) != 0);
	CHECK_EQ(h.mmu.stats.ad_updates, 2);
	CHECK_EQ(h.mmu.stats.walks, 2);
	CHECK_EQ(mmu_translate(&h.mmu, 0x10010, ACC_STORE, &pa), 0);
	CHECK_EQ(h.mmu.stats.walks, 2);
	CHECK_EQ(h.mmu.stats.ad_updates, 2);

	/* a faulting access sets nothing */
	uint64_t ro_pa = hw_pte_pa(&h, root, 3, 0x20000, 0);
	*hw_pte(&h, ro_pa) = PA_TO_PTE(hw_frame(&h)) | PTE_V | PTE_U | PTE_R;
	CHECK_EQ(mmu_translate(&h.mmu, 0x20000, ACC_STORE, &pa), CAUSE_STORE_PAGE_FAULT);
	CHECK_EQ(*hw_pte(&h, ro_pa) & (PTE_A | PTE_D), 0);
	/* explain never writes */
	struct mmu_walk w;
	mmu_walk_explain(&h.mmu, s, 0x20000, ACC_LOAD, &w);
	CHECK_EQ(w.cause, 0);
	CHECK_EQ(*hw_pte(&h, ro_pa) & PTE_A, 0);
	hw_teardown(&h);
}

TEST(ptes_outside_ram_give_access_faults)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t pa;
	/* root table outside RAM */
	mmu_set_satp(&h.mmu, MAKE_SATP(SATP_MODE_SV39, 0, 0x1000));
	CHECK_EQ(mmu_translate(&h.mmu, 0x10000, ACC_LOAD, &pa), CAUSE_LOAD_ACCESS);
	CHECK_EQ(mmu_translate(&h.mmu, 0x10000, ACC_STORE, &pa), CAUSE_STORE_ACCESS);
	CHECK_EQ(mmu_translate(&h.mmu, 0x10000, ACC_FETCH, &pa), CAUSE_FETCH_ACCESS);
	/* a non-leaf pointing past the end of RAM */
	uint64_t root = hw_frame(&h);
	*hw_pte(&h, root) = PA_TO_PTE(RAM_BASE + HW_RAM_SIZE) | PTE_V;
	uint64_t s = MAKE_SATP(SATP_MODE_SV39, 0, root);
	mmu_set_satp(&h.mmu, s);
	CHECK_EQ(mmu_translate(&h.mmu, 0x10000, ACC_LOAD, &pa), CAUSE_LOAD_ACCESS);
	struct mmu_walk w;
	mmu_walk_explain(&h.mmu, s, 0x10000, ACC_LOAD, &w);
	CHECK_STR(w.why, "page-table entry outside RAM");
	CHECK_EQ(w.nsteps, 1);
	/* a leaf whose page is outside RAM */
	uint64_t root2 = hw_frame(&h);
	hw_map(&h, root2, 3, 0x10000, 0x2000, URW, 0);
	uint64_t s2 = MAKE_SATP(SATP_MODE_SV39, 0, root2);
	mmu_set_satp(&h.mmu, s2);
	CHECK_EQ(mmu_translate(&h.mmu, 0x10000, ACC_STORE, &pa), CAUSE_STORE_ACCESS);
	mmu_walk_explain(&h.mmu, s2, 0x10000, ACC_LOAD, &w);
	CHECK_STR(w.why, "physical page outside RAM");
	hw_teardown(&h);
}

TEST(explain_records_each_step_without_side_effects)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t root, s = sv39(&h, &root);
	uint64_t data = hw_frame(&h);
	uint64_t va = 0x7fff5000 + 0x123;
	hw_map(&h, root, 3, va, data, PTE_U | PTE_R | PTE_W, 0);
	struct mmu_stats before = h.mmu.stats;
	struct mmu_walk w;
	mmu_walk_explain(&h.mmu, s, va, ACC_STORE, &w);
	CHECK_EQ(w.cause, 0);
	CHECK(w.why == NULL);
	CHECK_EQ(w.nsteps, 3);
	CHECK_EQ(w.leaf_level, 0);
	CHECK_EQ(w.pa, data + 0x123);
	CHECK_EQ(w.step[0].level, 2);
	CHECK_EQ(w.step[0].pte_pa, root + VA_VPN(va, 2) * 8);
	uint64_t l1 = PTE_PA(w.step[0].pte);
	CHECK_EQ(w.step[1].pte_pa, l1 + VA_VPN(va, 1) * 8);
	uint64_t l0 = PTE_PA(w.step[1].pte);
	CHECK_EQ(w.step[2].pte_pa, l0 + VA_VPN(va, 0) * 8);
	CHECK_EQ(PTE_PA(w.step[2].pte), data);
	CHECK_EQ(w.step[2].pte & (PTE_A | PTE_D), 0);
	CHECK_EQ(*hw_pte(&h, w.step[2].pte_pa) & (PTE_A | PTE_D), 0);
	CHECK(memcmp(&before, &h.mmu.stats, sizeof before) == 0);
	CHECK_EQ(tlb_count(&h.mmu.tlb), 0);
	/* Bare */
	mmu_walk_explain(&h.mmu, 0, RAM_BASE + 8, ACC_LOAD, &w);
	CHECK_EQ(w.cause, 0);
	CHECK_EQ(w.pa, RAM_BASE + 8);
	CHECK_EQ(w.nsteps, 0);
	mmu_walk_explain(&h.mmu, 0, 8, ACC_LOAD, &w);
	CHECK_EQ(w.cause, CAUSE_LOAD_ACCESS);
	hw_teardown(&h);
}

TEST(global_bit_inherited_from_nonleaf)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t root, pa;
	sv39(&h, &root);
	hw_map(&h, root, 3, 0x10000, hw_frame(&h), URW, 0);
	*hw_pte(&h, root) |= PTE_G;                     /* G in the level-2 non-leaf */
	mmu_set_satp(&h.mmu, MAKE_SATP(SATP_MODE_SV39, 7, root));
	CHECK_EQ(mmu_translate(&h.mmu, 0x10000, ACC_LOAD, &pa), 0);
	struct tlb_entry *e = tlb_lookup(&h.mmu.tlb, 0x10000, 7);
	REQUIRE(e != NULL);
	CHECK(e->global);
	hw_teardown(&h);
}

/* The translating walk (unrolled per mode, no record) and the explaining
 * walk (any levels, every PTE recorded) agree on random tables: the same
 * cause and PA, and pte_reads grows by exactly the PTEs explain saw read;
 * an A/D update is counted exactly when the PTE in RAM changed.  Random
 * PTEs reach every path: V = 0, W without R, reserved high bits, non-leaf
 * A/D/U, leaves at every level with any permissions, misaligned
 * superpages, tables and pages outside RAM, no leaf by level 0. */
static uint64_t random_pte(uint64_t *rng, uint64_t next_table, bool last)
{
	*rng = *rng * 6364136223846793005ULL + 1442695040888963407ULL;
	uint64_t r = *rng >> 16;
	if ((r >> 44) % 4)                    /* mostly a good PTE: walks get deep */
		return PA_TO_PTE(next_table) | PTE_V |
		       (last ? PTE_U | PTE_R | PTE_W | PTE_X | ((r >> 24) & (PTE_A | PTE_D | PTE_G)) :
			       (r >> 24) & PTE_G);
	uint64_t ppn_pa;
	switch (r % 8) {
	case 0: ppn_pa = RAM_BASE + HW_RAM_SIZE + ((r >> 8) & 0xff) * PGSIZE; break;  /* outside */
	case 1: ppn_pa = RAM_BASE + ((r >> 8) & 0x3ff) * PGSIZE; break;   /* 4 KiB aligned only */
	case 2: ppn_pa = RAM_BASE; break;                                 /* aligned at every level */
	default: ppn_pa = next_table;
	}
	uint64_t flags;
	switch ((r >> 20) % 8) {
	case 0: flags = 0; break;                                        /* V = 0 */
	case 1: case 2: case 3: case 4:
		flags = PTE_V | ((r >> 24) & PTE_G); break;              /* clean non-leaf */
	case 5: flags = PTE_V | PTE_U | PTE_R | PTE_W | PTE_X | ((r >> 24) & (PTE_A | PTE_D | PTE_G));
		break;                                                   /* a usable leaf */
	default: flags = PTE_V | ((r >> 24) & 0xfe); break;              /* anything */
	}
	if (((r >> 32) & 31) == 0)
		flags |= 1ULL << (54 + (r >> 40) % 10);                  /* reserved bit */
	return PA_TO_PTE(ppn_pa) | flags;
}

TEST(translating_walk_agrees_with_explain_on_random_tables)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t tables[4];
	for (int i = 0; i < 4; i++)
		tables[i] = hw_frame(&h);
	uint64_t rng = 99;
	int leaves = 0, faults = 0;
	for (int trial = 0; trial < 4000; trial++) {
		int levels = trial & 1 ? 4 : 3;
		for (int i = 0; i < 4; i++)
			memset(hw_pte(&h, tables[i]), 0, PGSIZE);
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		uint64_t va = (rng >> 11) & ((1ULL << (12 + 9 * levels)) - 1);
		if ((rng >> 5) & 1)                   /* the upper half, canonical */
			va |= ~0ULL << (12 + 9 * levels - 1);
		if (((rng >> 7) & 15) == 0)
			va ^= 1ULL << 62;               /* sometimes not canonical */
		/* one PTE per level on va's path, each table the next frame */
		for (int l = levels - 1, t = 0; l >= 0; l--, t++) {
			uint64_t next = l > 0 ? tables[t + 1] : RAM_BASE + 0x1000 * (uint64_t)t;
			*hw_pte(&h, tables[t] + VA_VPN(va, l) * 8) = random_pte(&rng, next, l == 0);
		}
		uint64_t satp = MAKE_SATP(levels == 4 ? SATP_MODE_SV48 : SATP_MODE_SV39, 1, tables[0]);
		enum mmu_access acc = (enum mmu_access)((rng >> 3) % 3);
		struct mmu_walk w;
		mmu_walk_explain(&h.mmu, satp, va, acc, &w);
		mmu_set_satp(&h.mmu, satp);
		mmu_sfence_vma(&h.mmu, false, 0, false, 0);
		struct mmu_stats before = h.mmu.stats;
		uint64_t leaf_before = w.nsteps ? *hw_pte(&h, w.step[w.nsteps - 1].pte_pa) : 0;
		uint64_t pa = 0;
		int cause = mmu_translate(&h.mmu, va, acc, &pa);
		bool ok = (uint64_t)cause == w.cause &&
			  h.mmu.stats.pte_reads - before.pte_reads == (uint64_t)w.nsteps &&
			  h.mmu.stats.walks - before.walks == 1 &&
			  (cause || pa == w.pa);
		uint64_t leaf_after = w.nsteps ? *hw_pte(&h, w.step[w.nsteps - 1].pte_pa) : 0;
		ok &= h.mmu.stats.ad_updates - before.ad_updates == (leaf_after != leaf_before);
		ok &= cause == 0 || leaf_after == leaf_before;       /* no A/D on a fault */
		if (!ok) {
			fprintf(stderr, "trial %d: va 0x%llx levels %d acc %d: cause %d (explain %llu, %s), "
				"reads %llu (explain %d)\n", trial, (unsigned long long)va, levels, acc,
				cause, (unsigned long long)w.cause, w.why ? w.why : "-",
				(unsigned long long)(h.mmu.stats.pte_reads - before.pte_reads), w.nsteps);
			CHECK(ok);
			break;
		}
		cause ? faults++ : leaves++;
	}
	CHECK(leaves > 1000);                 /* both outcomes well exercised */
	CHECK(faults > 1000);
	hw_teardown(&h);
}

/* The host-side fast cache (mmu_fast_lookup) is flushed on every satp
 * switch; the flush clears only the slots filled since the last one while
 * they fit its log (MMU_FAST_LOG) and everything past that.  Either way no
 * entry of one address space may serve another: two spaces map the same
 * VAs to different frames, and after each switch every VA must come from
 * the new space's frames - with fewer fills than the log holds and with
 * more. */
TEST(fast_cache_never_serves_another_address_space)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t root_a, root_b;
	uint64_t sa = sv39(&h, &root_a);
	root_b = hw_frame(&h);
	uint64_t sb = MAKE_SATP(SATP_MODE_SV39, 2, root_b);
	enum { N = MMU_FAST_LOG + 40 };
	uint64_t fa[N], fb[N];
	for (int i = 0; i < N; i++) {
		fa[i] = hw_frame(&h);
		fb[i] = hw_frame(&h);
		hw_map(&h, root_a, 3, 0x400000 + (uint64_t)i * PGSIZE, fa[i], URW, 0);
		hw_map(&h, root_b, 3, 0x400000 + (uint64_t)i * PGSIZE, fb[i], URW, 0);
	}
	for (int n = 1; n <= N; n += N - 1) {   /* n fills: within the log, then past it */
		for (int round = 0; round < 3; round++) {
			mmu_set_satp(&h.mmu, round % 2 ? sb : sa);
			const uint64_t *want = round % 2 ? fb : fa;
			for (int i = 0; i < n; i++) {
				uint64_t va = 0x400000 + (uint64_t)i * PGSIZE + 8;
				uint8_t *host = NULL;
				REQUIRE(mmu_translate_host(&h.mmu, va, ACC_STORE, &host) == 0);
				CHECK(host == ram_ptr(&h.ram, want[i] + 8));
				uint8_t *fast = mmu_fast_lookup(&h.mmu, ACC_STORE, va, 8);
				CHECK(fast == NULL || fast == ram_ptr(&h.ram, want[i] + 8));
			}
		}
		/* after a switch, none of the previous space's entries answers */
		mmu_set_satp(&h.mmu, sb);
		for (int i = 0; i < n; i++) {
			uint8_t *fast = mmu_fast_lookup(&h.mmu, ACC_STORE, 0x400000 + (uint64_t)i * PGSIZE, 8);
			CHECK(fast == NULL);
		}
	}
	hw_teardown(&h);
}
