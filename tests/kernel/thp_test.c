/*
 * thp_test.c - transparent superpages checked directly on the kernel
 * (thp.c, pmap.c's promote/split, vm.c's hooks), each failure naming the
 * property that broke:
 *
 *   - 512 faults in a reserved range land on the block's frames in order
 *     and end in one level-1 leaf, the level-0 table freed; the TLB then
 *     caches one 2 MiB entry;
 *   - an eager fault maps the whole range at once, zero-filled;
 *   - a split (mprotect of one page) gives 512 PTEs with the leaf's frames,
 *     rights and A/D bits, the changed page its new rights, and no stale
 *     2 MiB translation survives in the TLB;
 *   - munmap and MADV_DONTNEED of one page, and fork, split and keep every
 *     other byte; fork's copy-on-write copies 4 KiB;
 *   - a reservation holds its unmapped frames as FO_RESERVED and gives them
 *     back when its range is unmapped or memory runs short.
 *
 * Every test ends with kernel_check (which includes the superpage and
 * reservation checks) and leak accounting (kf_halt).
 */
#include "kernel_fixture.h"
#include "thp.h"

#define A   0x40000000ULL          /* 2 MiB aligned */
#define SP  (2ULL << 20)
#define NP  512u

/* kf_boot with --thp always, a strategy and a copy-on-write choice. */
static void thp_boot_cow(enum thp_strategy s, uint64_t ram, enum thp_cow cow)
{
	struct kernel_config cfg;
	kernel_config_default(&cfg);
	cfg.ram_size = ram;
	cfg.debug = true;
	cfg.thp = THP_ALWAYS;
	cfg.thp_strategy = s;
	cfg.thp_cow = cow;
	cfg.out = fopen("/dev/null", "w");
	cfg.err = stderr;
	REQUIRE(cfg.out);
	REQUIRE(kernel_boot(&k, &cfg) == 0);
	kf_objs0 = kmem_objects_in_use(&k.km);
	kf_pt0 = k.pa.by_owner[FO_PAGE_TABLE];
}

static void thp_boot(enum thp_strategy s, uint64_t ram)
{
	thp_boot_cow(s, ram, THP_COW_SPLIT);
}

/* The level of the TLB entry that translates va for p now, -1 if none. */
static int tlb_level(struct proc *p, uint64_t va)
{
	struct tlb_entry *e = tlb_lookup(&k.mmu.tlb, va, p->mm->pmap.asid.id);
	return e ? tlb_tag_level(tlb_entry_tag(&k.mmu.tlb, e)) : -1;
}

/* Fills the 512 pages of the range at va with pattern s (512 faults). */
static void fill_range(struct proc *p, uint64_t va, unsigned s)
{
	for (unsigned i = 0; i < NP; i++)
		REQUIRE(kf_fill(p, va + (uint64_t)i * PGSIZE, s) == 0);
}

/* The first page of the range at va that does not hold pattern s (a page
 * in [skip, skip + nskip) is not looked at), or NP. */
static unsigned first_bad_page(struct proc *p, uint64_t va, unsigned s, unsigned skip, unsigned nskip)
{
	for (unsigned i = 0; i < NP; i++)
		if ((i < skip || i >= skip + nskip) && kf_differs(p, va + (uint64_t)i * PGSIZE, s) != -1)
			return i;
	return NP;
}

TEST(thp_reservation_fills_then_promotes)
{
	thp_boot(THP_RESERVE, 32 << 20);
	struct proc *p = kf_spawn();
	kf_map(p, A, 2 * NP, LX_PROT_READ | LX_PROT_WRITE);
	REQUIRE(kf_fill(p, A + 7 * PGSIZE, 1) == 0);
	uint64_t base = kf_page(p, A + 7 * PGSIZE).pa - 7 * PGSIZE;
	CHECK_MSG(!(base & (SP - 1)), "the first fault's frame 0x%llx is not at offset 7 of an aligned block",
		  (unsigned long long)(base + 7 * PGSIZE));
	CHECK_MSG(k.thp.count == 1 && k.pa.by_owner[FO_RESERVED] == NP - 1,
		  "after one fault: %llu reservations, %llu reserved frames (want 1 and 511)",
		  (unsigned long long)k.thp.count, (unsigned long long)k.pa.by_owner[FO_RESERVED]);
	KF_CHECK_KERNEL();
	fill_range(p, A, 1);
	for (unsigned i = 0; i < NP; i += 97)
		CHECK_MSG(kf_page(p, A + (uint64_t)i * PGSIZE).pa == base + (uint64_t)i * PGSIZE,
			  "page %u maps frame 0x%llx, not the block's frame %u", i,
			  (unsigned long long)kf_page(p, A + (uint64_t)i * PGSIZE).pa, i);
	CHECK_MSG(pmap_is_super(&p->mm->pmap, A) && k.thp.promotions == 1,
		  "512 pages mapped from one reservation were not promoted (promotions %llu)",
		  (unsigned long long)k.thp.promotions);
	CHECK_MSG(k.thp.count == 0 && k.pa.by_owner[FO_RESERVED] == 0,
		  "a full reservation is still held (%llu) or frames still reserved (%llu)",
		  (unsigned long long)k.thp.count, (unsigned long long)k.pa.by_owner[FO_RESERVED]);
	CHECK_MSG(pmap_range_empty(&p->mm->pmap, A + SP), "the next range is not empty");
	/* one TLB entry for the whole range */
	CHECK(kf_mmu(p, A + 3 * PGSIZE, ACC_LOAD) == 0);
	CHECK_MSG(tlb_level(p, A + 300 * PGSIZE) == 1,
		  "after one access the TLB does not translate another page of the range through a "
		  "level-1 entry (level %d)", tlb_level(p, A + 300 * PGSIZE));
	CHECK_MSG(first_bad_page(p, A, 1, 0, 0) == NP, "contents changed by the promotion");
	kf_halt();
}

TEST(thp_split_keeps_frames_rights_and_ad_bits_and_shoots_down_the_tlb)
{
	thp_boot(THP_EAGER, 32 << 20);
	struct proc *p = kf_spawn();
	kf_map(p, A, NP, LX_PROT_READ | LX_PROT_WRITE);
	uint64_t pa;
	REQUIRE(kf_access(p, A + 9 * PGSIZE, ACC_LOAD, &pa) == 0);     /* an eager fault, a read */
	CHECK_MSG(pmap_is_super(&p->mm->pmap, A) && k.thp.eager_maps == 1, "no eager superpage");
	struct pmap_page pg = kf_page(p, A + 100 * PGSIZE);
	uint64_t base = pg.pa - 100 * PGSIZE;
	CHECK_MSG(pg.referenced && !pg.modified, "the leaf after a read: A %d D %d, want 1 0",
		  pg.referenced, pg.modified);
	CHECK_MSG(kf_frame_zero(base) && kf_frame_zero(base + 511 * PGSIZE), "an eager superpage is not zero-filled");
	/* the 2 MiB entry is in the TLB with write permission (W=1, D=0) */
	CHECK(kf_mmu(p, A + 20 * PGSIZE, ACC_LOAD) == 0 && tlb_level(p, A + 20 * PGSIZE) == 1);
	REQUIRE(vm_mprotect(&k, p, A + 5 * PGSIZE, PGSIZE, LX_PROT_READ) == 0);
	CHECK_MSG(!pmap_is_super(&p->mm->pmap, A), "mprotect of one page left the superpage whole");
	CHECK_MSG(tlb_level(p, A + 5 * PGSIZE) != 1 && tlb_level(p, A + 20 * PGSIZE) != 1,
		  "a 2 MiB TLB entry survived the split");
	for (unsigned i = 0; i < NP; i++) {
		struct pmap_page q = kf_page(p, A + (uint64_t)i * PGSIZE);
		unsigned want = i == 5 ? VM_PROT_READ : VM_PROT_READ | VM_PROT_WRITE;
		if (!q.present || q.pa != base + (uint64_t)i * PGSIZE || q.prot != want || q.cow ||
		    !q.referenced || q.modified) {
			CHECK_MSG(0, "after the split page %u: present %d frame 0x%llx (want 0x%llx) prot %u "
				  "(want %u) cow %d A %d D %d (want A 1 D 0)", i, q.present,
				  (unsigned long long)q.pa, (unsigned long long)(base + (uint64_t)i * PGSIZE),
				  q.prot, want, q.cow, q.referenced, q.modified);
			break;
		}
	}
	CHECK_MSG(kf_mmu(p, A + 5 * PGSIZE, ACC_STORE) == CAUSE_STORE_PAGE_FAULT,
		  "the MMU lets a store into the page made read-only (a stale 2 MiB translation)");
	CHECK_MSG(kf_mmu(p, A + 6 * PGSIZE, ACC_STORE) == 0, "its neighbour lost write permission");
	CHECK_MSG(kf_page(p, A + 6 * PGSIZE).modified && !kf_page(p, A + 7 * PGSIZE).modified,
		  "a store after the split set D on other pages than its own");
	CHECK_MSG(k.pk.demotions == 1, "%llu demotions counted, want 1", (unsigned long long)k.pk.demotions);
	kf_halt();
}

TEST(thp_split_a_dirty_superpage_marks_every_page_dirty)
{
	thp_boot(THP_EAGER, 32 << 20);
	struct proc *p = kf_spawn();
	kf_map(p, A, NP, LX_PROT_READ | LX_PROT_WRITE);
	REQUIRE(kf_fill(p, A + 3 * PGSIZE, 2) == 0);      /* D on the 2 MiB leaf */
	REQUIRE(vm_munmap(&k, p, A + 400 * PGSIZE, PGSIZE) == 0);
	unsigned clean = 0, present = 0;
	for (unsigned i = 0; i < NP; i++) {
		struct pmap_page q = kf_page(p, A + (uint64_t)i * PGSIZE);
		present += q.present;
		clean += q.present && !q.modified;
	}
	/* one D bit stood for all 512: the split cannot tell which were written */
	CHECK_MSG(present == NP - 1 && clean == 0, "after munmap of one page: %u present (want 511), %u clean (want 0)",
		  present, clean);
	CHECK_MSG(kf_differs(p, A + 3 * PGSIZE, 2) == -1, "the written page lost its bytes");
	CHECK_MSG(kf_nonzero(p, A + 400 * PGSIZE) == -2, "the unmapped page is still accessible");
	kf_halt();
}

TEST(thp_dontneed_and_fork_split_and_keep_contents)
{
	thp_boot(THP_RESERVE, 32 << 20);
	struct proc *p = kf_spawn();
	kf_map(p, A, 2 * NP, LX_PROT_READ | LX_PROT_WRITE);
	fill_range(p, A, 3);
	fill_range(p, A + SP, 4);
	REQUIRE(pmap_is_super(&p->mm->pmap, A) && pmap_is_super(&p->mm->pmap, A + SP));
	REQUIRE(vm_madvise(&k, p, A + 17 * PGSIZE, PGSIZE, LX_MADV_DONTNEED) == 0);
	CHECK_MSG(!pmap_is_super(&p->mm->pmap, A), "MADV_DONTNEED of one page left the superpage whole");
	CHECK_MSG(kf_nonzero(p, A + 17 * PGSIZE) == -1, "the dropped page does not read back zeros");
	CHECK_MSG(first_bad_page(p, A, 3, 17, 1) == NP, "MADV_DONTNEED of one page changed others");
	uint64_t copied0 = k.stats.pages_copied;
	struct proc *c = kf_fork(p);
	CHECK_MSG(!pmap_is_super(&p->mm->pmap, A + SP), "fork left the parent's superpage whole");
	struct pmap_page pp = kf_page(p, A + SP + 8 * PGSIZE), cp = kf_page(c, A + SP + 8 * PGSIZE);
	CHECK_MSG(pp.pa == cp.pa && pp.cow && cp.cow && kf_refs(pp.pa) == 2,
		  "after fork a page of the split superpage is not shared copy-on-write (refs %u)", kf_refs(pp.pa));
	REQUIRE(kf_fill(c, A + SP + 8 * PGSIZE, 9) == 0);
	CHECK_MSG(k.stats.pages_copied == copied0 + 1, "a child's write copied %llu pages, want 1 (4 KiB, not 2 MiB)",
		  (unsigned long long)(k.stats.pages_copied - copied0));
	CHECK_MSG(first_bad_page(p, A + SP, 4, 0, 0) == NP, "the parent's range changed after the child's write");
	CHECK_MSG(first_bad_page(c, A + SP, 4, 8, 1) == NP, "the child's other pages changed");
	kf_halt();
}

TEST(thp_reservations_go_back_on_munmap_and_under_pressure)
{
	thp_boot(THP_RESERVE, 32 << 20);
	struct proc *p = kf_spawn();
	kf_map(p, A, 8 * NP, LX_PROT_READ | LX_PROT_WRITE);
	for (unsigned r = 0; r < 4; r++)
		REQUIRE(kf_fill(p, A + r * SP, 5) == 0);
	CHECK_MSG(k.thp.count == 4 && k.pa.by_owner[FO_RESERVED] == 4 * (NP - 1),
		  "4 touched ranges: %llu reservations, %llu reserved frames",
		  (unsigned long long)k.thp.count, (unsigned long long)k.pa.by_owner[FO_RESERVED]);
	KF_CHECK_KERNEL();
	REQUIRE(vm_munmap(&k, p, A + 2 * SP + 100 * PGSIZE, PGSIZE) == 0);
	CHECK_MSG(k.thp.count == 3 && k.thp.resv_broken == 1, "munmap inside a reserved range did not break it");
	uint64_t free0 = k.pa.free_frames;
	REQUIRE(k.thp_break(&k));                         /* what frame_make_room does first */
	CHECK_MSG(k.thp.count == 2 && k.pa.free_frames == free0 + NP - 1,
		  "breaking a reservation gave back %llu frames, want 511",
		  (unsigned long long)(k.pa.free_frames - free0));
	CHECK_MSG(kf_differs(p, A, 5) == -1, "the mapped page of a broken reservation lost its bytes");
	KF_CHECK_KERNEL();
	kf_halt();
}

TEST(thp_cow_copy_shares_whole_then_copies_2mib)
{
	thp_boot_cow(THP_EAGER, 32 << 20, THP_COW_COPY);
	struct proc *p = kf_spawn();
	kf_map(p, A, NP, LX_PROT_READ | LX_PROT_WRITE);
	fill_range(p, A, 6);
	REQUIRE(pmap_is_super(&p->mm->pmap, A));
	uint64_t base = kf_page(p, A).pa;
	struct proc *c = kf_fork(p);
	CHECK_MSG(pmap_is_super(&p->mm->pmap, A) && pmap_is_super(&c->mm->pmap, A),
		  "--thp-cow copy: fork did not keep the superpage whole on both sides");
	struct pmap_page pp = kf_page(p, A + 33 * PGSIZE), cp = kf_page(c, A + 33 * PGSIZE);
	CHECK_MSG(pp.cow && cp.cow && pp.pa == cp.pa && kf_refs(pp.pa) == 2,
		  "a shared superpage page: cow %d/%d, same frame %d, refs %u (want COW, one frame, 2)",
		  pp.cow, cp.cow, pp.pa == cp.pa, kf_refs(pp.pa));
	CHECK_MSG(kf_mmu(p, A, ACC_STORE) == CAUSE_STORE_PAGE_FAULT && kf_mmu(c, A + SP - 1, ACC_STORE) == CAUSE_STORE_PAGE_FAULT,
		  "a shared superpage is writable through the MMU");
	KF_CHECK_KERNEL();
	uint64_t copied0 = k.stats.pages_copied;
	REQUIRE(kf_fill(c, A + 40 * PGSIZE, 7) == 0);
	CHECK_MSG(k.stats.pages_copied == copied0 + NP && k.thp.cow_copies == 1,
		  "the child's write copied %llu pages, want 512 (the whole superpage)",
		  (unsigned long long)(k.stats.pages_copied - copied0));
	CHECK_MSG(pmap_is_super(&c->mm->pmap, A) && kf_page(c, A).pa != base && !kf_page(c, A).cow,
		  "the child's copy is not a writable superpage of its own");
	CHECK_MSG(first_bad_page(c, A, 6, 40, 1) == NP && kf_differs(c, A + 40 * PGSIZE, 7) == -1,
		  "the child's copy lost bytes");
	CHECK_MSG(first_bad_page(p, A, 6, 0, 0) == NP, "the parent's superpage changed");
	KF_CHECK_KERNEL();
	kf_exit(c);
	uint64_t copied1 = k.stats.pages_copied;
	REQUIRE(kf_fill(p, A + 2 * PGSIZE, 8) == 0);
	CHECK_MSG(k.stats.pages_copied == copied1 && k.thp.cow_reuses == 1 && kf_page(p, A).pa == base &&
		  !kf_page(p, A).cow && pmap_is_super(&p->mm->pmap, A),
		  "the parent's write after the child exited copied %llu pages (want 0: its frames again)",
		  (unsigned long long)(k.stats.pages_copied - copied1));
	kf_halt();
}

/* No free aligned 2 MiB block (fragmented memory): the fault maps a plain
 * 4 KiB page and counts the reservation not made; when a block is free
 * again the next range gets one. */
TEST(thp_fragmented_memory_falls_back_to_4k_pages)
{
	thp_boot(THP_RESERVE, 32 << 20);
	struct proc *p = kf_spawn();
	kf_map(p, A, 4 * NP, LX_PROT_READ | LX_PROT_WRITE);
	/* take every block of order 9 or more, then give back one frame of
	 * each: plenty of free memory, no free aligned 2 MiB */
	static uint64_t held[64];
	unsigned n = 0;
	while (n < 64 && (held[n] = page_alloc_frames(&k.pa, 9, 0, FO_KERNEL, 0)) != 0)
		n++;
	REQUIRE(n > 0 && n < 64);
	for (unsigned i = 0; i < n; i++) {
		page_alloc_split(&k.pa, held[i], 9);
		page_free_frames(&k.pa, held[i] + 7 * PGSIZE, 0);
	}
	uint64_t failed0 = k.thp.resv_failed;
	REQUIRE(kf_fill(p, A, 1) == 0);
	CHECK_MSG(k.thp.count == 0 && k.thp.resv_failed == failed0 + 1 && kf_page(p, A).present,
		  "with no free 2 MiB block: %llu reservations, %llu not made (want 0 and 1 more), page present %d",
		  (unsigned long long)k.thp.count, (unsigned long long)(k.thp.resv_failed - failed0),
		  kf_page(p, A).present);
	KF_CHECK_KERNEL();
	/* one block whole again: the next range reserves it */
	for (unsigned j = 0; j < NP; j++)
		if (j != 7)
			page_free_frames(&k.pa, held[0] + (uint64_t)j * PGSIZE, 0);
	page_alloc_drain(&k.pa);
	REQUIRE(kf_fill(p, A + SP, 2) == 0);
	CHECK_MSG(k.thp.count == 1, "a free block again, but no reservation (%llu)", (unsigned long long)k.thp.count);
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = 0; j < NP; j++)
			if (j != 7)
				page_free_frames(&k.pa, held[i] + (uint64_t)j * PGSIZE, 0);
	kf_halt();
}
