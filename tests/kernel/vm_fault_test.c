/*
 * vm_fault_test.c - the fault handler's region checks, copyout's write
 * check, brk shrinking and MADV_DONTNEED, checked directly on the kernel
 * (vm.c, uaccess.c), each failure naming the property that broke:
 *
 *   - vm_fault refuses, with -EFAULT and its reason, a store to a read-only
 *     region, a fetch from a non-executable one, any access to PROT_NONE,
 *     and any access outside every region; it serves the legal ones; a
 *     refused access leaves no page behind;
 *   - copyout never writes into the shared zero page or into a frame
 *     shared copy-on-write with another process (it breaks the sharing
 *     first), and fails with -EFAULT on a read-only, PROT_NONE or unmapped
 *     destination;
 *   - shrinking the break unmaps the pages above it and frees their
 *     frames; growing it again gives zero-filled pages, not the old bytes;
 *   - MADV_DONTNEED frees the frames of anonymous private memory, which
 *     reads back as zeros, and leaves the region in place.
 *
 * Every test ends with kernel_check and leak accounting (kf_halt).
 */
#include "kernel_fixture.h"

#define A 0x40000000ULL
#define MADV_DONTNEED 4

/* ---- the fault handler's region checks -------------------------------------- */

struct fault_case {
	const char *what;
	uint64_t va;
	enum mmu_access acc;
	int want;                 /* 0 or -EFAULT */
	const char *why;          /* vm_fault's reason when refused */
};

static const char *acc_name(enum mmu_access acc)
{
	return acc == ACC_FETCH ? "fetch" : acc == ACC_LOAD ? "load" : "store";
}

/* Each case once on an absent page and once more (the legal ones) on the
 * page now present, so the check cannot lean on the PTE alone. */
TEST(fault_region_checks)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	const uint64_t RO = A, RW = A + 0x10000, RX = A + 0x20000, NONE = A + 0x30000,
		       WO = A + 0x40000, HOLE = A + 0x50000;
	kf_map(p, RO, 2, LX_PROT_READ);
	kf_map(p, RW, 2, LX_PROT_READ | LX_PROT_WRITE);
	kf_map(p, RX, 2, LX_PROT_READ | LX_PROT_EXEC);
	kf_map(p, NONE, 2, 0);
	kf_map(p, WO, 2, LX_PROT_WRITE);
	uint64_t kva = kernel_base(k.cfg.levels) + 0x1000;
	const struct fault_case cases[] = {
		{ "store to a read-only region", RO, ACC_STORE, -EFAULT, "region not writable" },
		{ "fetch from a read-only region", RO, ACC_FETCH, -EFAULT, "region not executable" },
		{ "load from a read-only region", RO, ACC_LOAD, 0, NULL },
		{ "fetch from a read-write region", RW, ACC_FETCH, -EFAULT, "region not executable" },
		{ "load from a read-write region", RW, ACC_LOAD, 0, NULL },
		{ "store to a read-write region", RW, ACC_STORE, 0, NULL },
		{ "store to a read-exec region", RX, ACC_STORE, -EFAULT, "region not writable" },
		{ "fetch from a read-exec region", RX, ACC_FETCH, 0, NULL },
		{ "load from a read-exec region", RX, ACC_LOAD, 0, NULL },
		{ "load from PROT_NONE", NONE, ACC_LOAD, -EFAULT, "region not readable" },
		{ "store to PROT_NONE", NONE, ACC_STORE, -EFAULT, "region not writable" },
		{ "fetch from PROT_NONE", NONE, ACC_FETCH, -EFAULT, "region not executable" },
		/* W implies R on RISC-V (and on Linux/riscv64).  Found by this
		 * test: a load from a PROT_WRITE page not yet written mapped the
		 * zero page with no permission at all, and faulted for ever */
		{ "load from a write-only region", WO, ACC_LOAD, 0, NULL },
		{ "fetch from a write-only region", WO, ACC_FETCH, -EFAULT, "region not executable" },
		{ "load outside every region", HOLE, ACC_LOAD, -EFAULT, "no region" },
		{ "store outside every region", HOLE, ACC_STORE, -EFAULT, "no region" },
		{ "fetch outside every region", HOLE, ACC_FETCH, -EFAULT, "no region" },
		{ "load just above the stack", 0, ACC_LOAD, -EFAULT, NULL },   /* va set below */
		{ "load from a kernel address", kva, ACC_LOAD, -EFAULT, "kernel or non-canonical address" },
	};
	enum { NC = sizeof cases / sizeof cases[0] };
	for (int round = 0; round < 2; round++) {
		for (unsigned i = 0; i < NC; i++) {
			struct fault_case c = cases[i];
			if (!c.va)
				c.va = p->mm->stack_top;
			uint64_t va = c.va + 0x123;  /* round 1: legal pages present now */
			bool had = kf_page(p, va).present;
			const char *why = NULL;
			int rc = vm_fault(&k, p, va, c.acc, &why);
			CHECK_MSG(rc == c.want, "vm_fault, %s (%s page): %d, want %d (%s)", c.what,
				  had ? "present" : "absent", rc, c.want, c.want ? "refused" : "served");
			if (c.want && c.why)
				CHECK_MSG(why && !strcmp(why, c.why), "vm_fault, %s: reason \"%s\", want \"%s\"",
					  c.what, why ? why : "(none)", c.why);
			if (c.want && !had)
				CHECK_MSG(!kf_page(p, va).present,
					  "vm_fault, %s: refused but left a page mapped", c.what);
			/* what the hardware then says, through the same page table */
			int cause = kf_mmu(p, va, c.acc);
			if (c.want == 0)
				CHECK_MSG(cause == 0, "after vm_fault served a %s (%s) the MMU still faults (cause %d)",
					  acc_name(c.acc), c.what, cause);
			else
				CHECK_MSG(cause != 0, "the MMU allows the %s refused by vm_fault (%s)",
					  acc_name(c.acc), c.what);
		}
		KF_CHECK_KERNEL();
	}
	/* a page present in a region made read-only afterwards: the store is
	 * still refused (the region decides, not what the PTE once allowed) */
	REQUIRE(kf_fill(p, RW + PGSIZE, 1) == 0);
	REQUIRE(vm_mprotect(&k, p, RW + PGSIZE, PGSIZE, LX_PROT_READ) == 0);
	const char *why = NULL;
	CHECK_MSG(vm_fault(&k, p, RW + PGSIZE, ACC_STORE, &why) == -EFAULT,
		  "store to a present page of a region made read-only is served");
	CHECK_MSG(kf_mmu(p, RW + PGSIZE, ACC_STORE) == CAUSE_STORE_PAGE_FAULT,
		  "mprotect(PROT_READ) left a present page writable in the MMU");
	REQUIRE(vm_mprotect(&k, p, RW + PGSIZE, PGSIZE, 0) == 0);
	CHECK_MSG(vm_fault(&k, p, RW + PGSIZE, ACC_LOAD, &why) == -EFAULT,
		  "load from a present page made PROT_NONE is served");
	CHECK_MSG(kf_mmu(p, RW + PGSIZE, ACC_LOAD) == CAUSE_LOAD_PAGE_FAULT,
		  "mprotect(PROT_NONE) left a present page readable in the MMU");
	REQUIRE(vm_mprotect(&k, p, RW + PGSIZE, PGSIZE, LX_PROT_READ) == 0);
	CHECK_MSG(kf_differs(p, RW + PGSIZE, 1) == -1, "PROT_NONE and back lost the page's bytes");
	kf_halt();
}

/* ---- copyout ----------------------------------------------------------------- */

/* A read fault of anonymous memory maps the shared zero page; copyout there
 * must give the process a frame of its own first. */
TEST(copyout_never_writes_the_zero_page)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *p = kf_spawn(), *q = kf_spawn();
	kf_map(p, A, 3, LX_PROT_READ | LX_PROT_WRITE);
	kf_map(q, A, 1, LX_PROT_READ | LX_PROT_WRITE);
	for (unsigned i = 0; i < 3; i++)
		REQUIRE(kf_nonzero(p, A + i * PGSIZE) == -1);
	REQUIRE(kf_nonzero(q, A) == -1);
	REQUIRE(kf_page(p, A).pa == k.zero_page && kf_page(q, A).pa == k.zero_page);
	unsigned zrefs = kf_refs(k.zero_page);
	static const char msg[] = "written by copyout";
	proc_activate(&k, p);
	CHECK_MSG(copyout(&k, p, A + 10, msg, sizeof msg) == 0, "copyout to a zero-page mapping of RW memory fails");
	CHECK_MSG(kf_frame_zero(k.zero_page), "copyout wrote into the shared zero page");
	struct pmap_page pg = kf_page(p, A);
	CHECK_MSG(pg.present && pg.pa != k.zero_page, "copyout left the page mapped to the zero page");
	CHECK_MSG(kf_refs(k.zero_page) == zrefs - 1, "zero page count %u after copyout broke one sharing, want %u",
		  kf_refs(k.zero_page), zrefs - 1);
	char got[sizeof msg];
	REQUIRE(kf_load(p, A + 10, got, sizeof msg) == 0);
	CHECK_MSG(!memcmp(got, msg, sizeof msg), "the process does not read what copyout wrote");
	CHECK_MSG(kf_nonzero(p, A + PGSIZE) == -1, "copyout's bytes show in p's other zero-page mapping");
	CHECK_MSG(kf_nonzero(q, A) == -1, "copyout's bytes show in another process's zero-page mapping");
	/* a copy over a page boundary, both pages zero-page mappings */
	proc_activate(&k, p);
	CHECK_MSG(copyout(&k, p, A + 2 * PGSIZE - 5, msg, sizeof msg) == 0,
		  "copyout across two zero-page mappings fails");
	CHECK_MSG(kf_frame_zero(k.zero_page), "copyout across a page boundary wrote into the shared zero page");
	CHECK_MSG(kf_page(p, A + PGSIZE).pa != k.zero_page && kf_page(p, A + 2 * PGSIZE).pa != k.zero_page,
		  "copyout across a page boundary left a page on the zero page");
	REQUIRE(kf_load(p, A + 2 * PGSIZE - 5, got, sizeof msg) == 0);
	CHECK_MSG(!memcmp(got, msg, sizeof msg), "the process does not read what copyout wrote across pages");
	CHECK_MSG(kf_nonzero(q, A) == -1, "copyout's bytes show in another process's zero-page mapping");
	KF_CHECK_KERNEL();
	kf_halt();
}

/* A frame shared copy-on-write after fork: copyout into either process
 * must copy it first; the other keeps its bytes. */
TEST(copyout_breaks_cow_sharing)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	kf_map(p, A, 2, LX_PROT_READ | LX_PROT_WRITE);
	REQUIRE(kf_fill(p, A, 1) == 0 && kf_fill(p, A + PGSIZE, 2) == 0);
	uint64_t f0 = kf_page(p, A).pa, f1 = kf_page(p, A + PGSIZE).pa;
	struct proc *c = kf_fork(p);
	REQUIRE(kf_page(c, A).pa == f0 && kf_refs(f0) == 2);

	uint8_t buf[64];
	memset(buf, 0xc5, sizeof buf);
	proc_activate(&k, c);
	CHECK_MSG(copyout(&k, c, A + 32, buf, sizeof buf) == 0, "copyout into a COW page of the child fails");
	CHECK_MSG(kf_page(p, A).pa == f0 && kf_differs(p, A, 1) == -1,
		  "copyout into the child's COW page changed the parent's memory (byte %d)", kf_differs(p, A, 1));
	CHECK_MSG(kf_page(c, A).pa != f0, "copyout wrote into a frame shared copy-on-write");
	CHECK_MSG(kf_refs(f0) == 1, "after copyout broke the sharing the frame's count is %u, want 1", kf_refs(f0));
	uint8_t got[PGSIZE];
	REQUIRE(kf_load(c, A, got, PGSIZE) == 0);
	bool ok = true;
	for (unsigned i = 0; i < PGSIZE; i++)
		ok &= got[i] == (i >= 32 && i < 96 ? 0xc5 : kf_pat(A, 1, i));
	CHECK_MSG(ok, "the child's copy does not hold the old bytes plus what copyout wrote");

	/* the parent's side, across a page boundary into the second shared page */
	proc_activate(&k, p);
	CHECK_MSG(copyout(&k, p, A + PGSIZE - 16, buf, 32) == 0, "copyout across two COW pages fails");
	CHECK_MSG(kf_page(p, A + PGSIZE).pa != f1, "copyout wrote into the second shared frame");
	CHECK_MSG(kf_differs(c, A + PGSIZE, 2) == -1, "copyout into the parent changed the child's memory");
	KF_CHECK_KERNEL();
	kf_halt();
}

/* Destinations copyout must refuse with -EFAULT, writing nothing there. */
TEST(copyout_refuses_what_the_user_cannot_write)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	kf_map(p, A, 1, LX_PROT_READ);
	kf_map(p, A + PGSIZE, 1, 0);
	kf_map(p, A + 2 * PGSIZE, 1, LX_PROT_READ | LX_PROT_WRITE);
	uint8_t buf[16] = { 1, 2, 3 };
	proc_activate(&k, p);
	CHECK_MSG(copyout(&k, p, A, buf, sizeof buf) == -EFAULT, "copyout to a read-only region does not fail with EFAULT");
	CHECK_MSG(kf_nonzero(p, A) == -1, "copyout wrote into a read-only region");
	CHECK_MSG(kf_frame_zero(k.zero_page), "copyout to read-only memory wrote the zero page");
	CHECK_MSG(copyout(&k, p, A + PGSIZE, buf, sizeof buf) == -EFAULT, "copyout to PROT_NONE does not fail with EFAULT");
	CHECK_MSG(copyout(&k, p, A + 4 * PGSIZE, buf, sizeof buf) == -EFAULT,
		  "copyout outside every region does not fail with EFAULT");
	CHECK_MSG(copyout(&k, p, kernel_base(k.cfg.levels) + 0x2000, buf, sizeof buf) == -EFAULT,
		  "copyout to a kernel address does not fail with EFAULT");
	CHECK_MSG(copyout(&k, p, A + 3 * PGSIZE - 8, buf, sizeof buf) == -EFAULT,
		  "copyout running off writable memory into a hole does not fail with EFAULT");
	/* a read-only page present with data from before an mprotect */
	REQUIRE(kf_fill(p, A + 2 * PGSIZE, 3) == 0);
	REQUIRE(vm_mprotect(&k, p, A + 2 * PGSIZE, PGSIZE, LX_PROT_READ) == 0);
	CHECK_MSG(copyout(&k, p, A + 2 * PGSIZE, buf, sizeof buf) == -EFAULT,
		  "copyout to a present page made read-only does not fail with EFAULT");
	CHECK_MSG(kf_differs(p, A + 2 * PGSIZE, 3) == -1, "copyout wrote into a page made read-only");
	/* copyin of what the user can read still works there */
	uint8_t in[16];
	CHECK_MSG(copyin(&k, p, in, A + 2 * PGSIZE, sizeof in) == 0 && in[0] == kf_pat(A + 2 * PGSIZE, 3, 0),
		  "copyin from a read-only page fails");
	KF_CHECK_KERNEL();
	kf_halt();
}

/* ---- brk ---------------------------------------------------------------------- */

TEST(brk_shrink_frees_and_regrows_zeroed)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	uint64_t base = PGROUNDUP(p->mm->brk);
	enum { N = 8, KEEP = 3 };
	REQUIRE(vm_brk(&k, p, base + N * PGSIZE) == base + N * PGSIZE);
	for (unsigned i = 0; i < N; i++)
		REQUIRE(kf_fill(p, base + i * PGSIZE, 1) == 0);
	uint64_t user0 = k.pa.by_owner[FO_USER], free0 = k.pa.free_frames;

	/* shrink to a break inside page KEEP - 1: pages KEEP.. go */
	uint64_t brk = base + (KEEP - 1) * PGSIZE + 100;
	CHECK_MSG(vm_brk(&k, p, brk) == brk, "brk shrink refused");
	for (unsigned i = 0; i < N; i++) {
		uint64_t va = base + i * PGSIZE;
		struct pmap_page pg = kf_page(p, va);
		if (i < KEEP) {
			CHECK_MSG(pg.present, "brk shrink unmapped page %u below the new break", i);
			CHECK_MSG(kf_differs(p, va, 1) == -1, "brk shrink changed page %u below the new break", i);
		} else {
			CHECK_MSG(!pg.present, "brk shrink left page %u above the new break mapped", i);
			const char *why = NULL;
			CHECK_MSG(vm_fault(&k, p, va, ACC_LOAD, &why) == -EFAULT,
				  "page %u above the shrunk break still faults in", i);
		}
	}
	CHECK_MSG(user0 - k.pa.by_owner[FO_USER] == N - KEEP,
		  "brk shrink freed %lld user frames, want %d (the pages above the new break)",
		  (long long)(user0 - k.pa.by_owner[FO_USER]), N - KEEP);
	CHECK_MSG(k.pa.free_frames >= free0 + (N - KEEP), "brk shrink: %lld frames free again, want at least %d",
		  (long long)(k.pa.free_frames - free0), N - KEEP);
	KF_CHECK_KERNEL();

	/* grow again: the pages come back zero-filled, not with the old bytes,
	 * whether first touched by a store (a fresh frame: the allocator may
	 * hand back one just freed, which the debug build fills with junk) */
	CHECK_MSG(vm_brk(&k, p, base + N * PGSIZE) == base + N * PGSIZE, "brk regrow refused");
	uint8_t one = 0x77, page[PGSIZE];
	REQUIRE(kf_store(p, base + (N - 1) * PGSIZE + 9, &one, 1) == 0);
	REQUIRE(kf_load(p, base + (N - 1) * PGSIZE, page, PGSIZE) == 0);
	bool zeros = true;
	for (unsigned i = 0; i < PGSIZE; i++)
		zeros &= page[i] == (i == 9 ? 0x77 : 0);
	CHECK_MSG(zeros, "brk regrow: a page first touched by a store is not zero-filled around the store");
	/* or by a load */
	for (unsigned i = KEEP; i < N - 1; i++) {
		uint64_t va = base + i * PGSIZE;
		int nz = kf_nonzero(p, va);
		CHECK_MSG(nz == -1, "brk regrow: page %u reads old data (byte %d non-zero), want zeros", i, nz);
	}
	uint8_t b = 0x5a;
	REQUIRE(kf_store(p, base + KEEP * PGSIZE + 7, &b, 1) == 0);
	uint8_t got[PGSIZE];
	REQUIRE(kf_load(p, base + KEEP * PGSIZE, got, PGSIZE) == 0);
	bool ok = true;
	for (unsigned i = 0; i < PGSIZE; i++)
		ok &= got[i] == (i == 7 ? 0x5a : 0);
	CHECK_MSG(ok, "brk regrow: a store to a regrown page shows old bytes around it");
	CHECK_MSG(kf_differs(p, base, 1) == -1, "brk regrow changed a page that stayed");
	KF_CHECK_KERNEL();

	/* shrinking to exactly a page boundary keeps nothing of that page */
	CHECK_MSG(vm_brk(&k, p, base + PGSIZE) == base + PGSIZE, "brk shrink to a page boundary refused");
	CHECK_MSG(!kf_page(p, base + PGSIZE).present && kf_page(p, base).present,
		  "brk shrink to a page boundary: wrong pages kept (page 1 %d, page 0 %d)",
		  kf_page(p, base + PGSIZE).present, kf_page(p, base).present);
	kf_halt();
}

/* ---- madvise(MADV_DONTNEED) --------------------------------------------------- */

TEST(madvise_dontneed_frees_and_zero_fills)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	enum { N = 6 };
	kf_map(p, A, N, LX_PROT_READ | LX_PROT_WRITE);
	for (unsigned i = 0; i < N; i++)
		REQUIRE(kf_fill(p, A + i * PGSIZE, 1) == 0);
	uint64_t user0 = k.pa.by_owner[FO_USER];
	struct vm_region before = *vm_map_lookup(&p->mm->map, A);

	/* pages 1..3 */
	CHECK_MSG(vm_madvise(&k, p, A + PGSIZE, 3 * PGSIZE, MADV_DONTNEED) == 0, "MADV_DONTNEED refused");
	CHECK_MSG(user0 - k.pa.by_owner[FO_USER] == 3, "MADV_DONTNEED of 3 pages freed %lld frames, want 3",
		  (long long)(user0 - k.pa.by_owner[FO_USER]));
	for (unsigned i = 1; i <= 3; i++)
		CHECK_MSG(!kf_page(p, A + i * PGSIZE).present, "MADV_DONTNEED left page %u mapped", i);
	struct vm_region *r = vm_map_lookup(&p->mm->map, A + 2 * PGSIZE);
	CHECK_MSG(r && r->start == before.start && r->end == before.end && r->prot == before.prot,
		  "MADV_DONTNEED changed or removed the region");
	KF_CHECK_KERNEL();
	/* page 3 first touched by a store (a fresh frame), 1 and 2 by loads */
	uint8_t one = 0x77, page[PGSIZE];
	REQUIRE(kf_store(p, A + 3 * PGSIZE + 9, &one, 1) == 0);
	REQUIRE(kf_load(p, A + 3 * PGSIZE, page, PGSIZE) == 0);
	bool zeros = true;
	for (unsigned i = 0; i < PGSIZE; i++)
		zeros &= page[i] == (i == 9 ? 0x77 : 0);
	CHECK_MSG(zeros, "after MADV_DONTNEED a page first touched by a store is not zero-filled around it");
	for (unsigned i = 0; i < N; i++) {
		uint64_t va = A + i * PGSIZE;
		if (i == 3)
			continue;
		if (i >= 1 && i <= 2) {
			int nz = kf_nonzero(p, va);
			CHECK_MSG(nz == -1, "after MADV_DONTNEED page %u reads old data (byte %d), want zeros", i, nz);
		} else {
			CHECK_MSG(kf_differs(p, va, 1) == -1, "MADV_DONTNEED changed page %u outside its range", i);
		}
	}
	uint8_t b = 9;
	CHECK_MSG(kf_store(p, A + 2 * PGSIZE, &b, 1) == 0, "store after MADV_DONTNEED fails");

	/* shared with a child: dropping it in the child leaves the parent's */
	struct proc *c = kf_fork(p);
	uint64_t f5 = kf_page(p, A + 5 * PGSIZE).pa;
	REQUIRE(kf_refs(f5) == 2);
	CHECK_MSG(vm_madvise(&k, c, A + 5 * PGSIZE, PGSIZE, MADV_DONTNEED) == 0, "MADV_DONTNEED in a child refused");
	CHECK_MSG(kf_refs(f5) == 1, "MADV_DONTNEED of a shared page: count %u, want 1", kf_refs(f5));
	CHECK_MSG(kf_nonzero(c, A + 5 * PGSIZE) == -1, "after MADV_DONTNEED the child reads the shared bytes");
	CHECK_MSG(kf_differs(p, A + 5 * PGSIZE, 1) == -1, "MADV_DONTNEED in the child changed the parent's page");

	/* errors as Linux gives them */
	CHECK_MSG(vm_madvise(&k, p, A + 1, PGSIZE, MADV_DONTNEED) == -EINVAL, "unaligned MADV_DONTNEED not EINVAL");
	/* over a hole: as Linux, the mapped pages are dropped, then ENOMEM */
	CHECK_MSG(kf_differs(p, A + (N - 1) * PGSIZE, 1) == -1, "the last page lost its bytes early");
	CHECK_MSG(vm_madvise(&k, p, A + (N - 1) * PGSIZE, 2 * PGSIZE, MADV_DONTNEED) == -ENOMEM,
		  "MADV_DONTNEED over a hole not ENOMEM");
	CHECK_MSG(kf_nonzero(p, A + (N - 1) * PGSIZE) == -1,
		  "MADV_DONTNEED over a hole did not drop the mapped page before it (Linux does)");
	KF_CHECK_KERNEL();
	kf_halt();
}
