/*
 * fork_cow_test.c - fork's copy-on-write and the reference counts behind
 * it, checked directly on the kernel (fork.c, vm.c fault_cow and
 * fault_swapin, swap.c), each failure naming the property that broke:
 *
 *   - after fork both PTEs of a private writable page lose write
 *     permission and map one frame whose reference count is 2; a write on
 *     either side gets a private copy and the other side keeps the original
 *     bytes; the counts return to 1;
 *   - a page swapped out before fork is recorded in both page tables with
 *     one swap slot whose share count is 2, going down by one per swap-in
 *     or exit;
 *   - a swapped page comes back with every byte it had, in parent and child.
 *
 * Every test ends with kernel_check and leak accounting (kf_halt).
 */
#include "kernel_fixture.h"

#define A 0x40000000ULL          /* a private anonymous read-write region */

/* Fork's marking of a private writable page, seen from both sides. */
static void check_cow_pair(struct proc *p, struct proc *c, uint64_t va, const char *when)
{
	struct pmap_page pp = kf_page(p, va), cp = kf_page(c, va);
	CHECK_MSG(pp.present && cp.present, "%s: page 0x%llx not present in parent (%d) or child (%d)",
		  when, (unsigned long long)va, pp.present, cp.present);
	CHECK_MSG(pp.pa == cp.pa, "%s: parent and child map different frames (0x%llx, 0x%llx): fork copied instead of sharing",
		  when, (unsigned long long)pp.pa, (unsigned long long)cp.pa);
	CHECK_MSG(pp.cow && !(pp.prot & VM_PROT_WRITE),
		  "%s: parent's PTE of a shared private page keeps write permission (cow %d, prot %u): COW marking lost",
		  when, pp.cow, pp.prot);
	CHECK_MSG(cp.cow && !(cp.prot & VM_PROT_WRITE),
		  "%s: child's PTE of a shared private page keeps write permission (cow %d, prot %u): COW marking lost",
		  when, cp.cow, cp.prot);
	CHECK_MSG(kf_mmu(p, va, ACC_STORE) == CAUSE_STORE_PAGE_FAULT,
		  "%s: the MMU lets the parent store into a frame shared with its child", when);
	CHECK_MSG(kf_mmu(c, va, ACC_STORE) == CAUSE_STORE_PAGE_FAULT,
		  "%s: the MMU lets the child store into a frame shared with its parent", when);
	CHECK_MSG(kf_mmu(p, va, ACC_LOAD) == 0 && kf_mmu(c, va, ACC_LOAD) == 0,
		  "%s: a shared COW page lost read permission", when);
	CHECK_MSG(kf_refs(pp.pa) == 2, "%s: shared frame 0x%llx has reference count %u, want 2 (one per PTE)",
		  when, (unsigned long long)pp.pa, kf_refs(pp.pa));
}

/* A private writable page written before fork, then written by the child:
 * the child gets a copy, the parent keeps its bytes; then the parent's
 * write takes the frame over without a copy. */
TEST(cow_child_writes_first)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	kf_map(p, A, 1, LX_PROT_READ | LX_PROT_WRITE);
	REQUIRE(kf_fill(p, A, 1) == 0);
	uint64_t orig = kf_page(p, A).pa;
	CHECK_MSG(kf_refs(orig) == 1, "a private page before fork has reference count %u, want 1",
		  kf_refs(orig));
	uint64_t user0 = k.pa.by_owner[FO_USER];

	struct proc *c = kf_fork(p);
	check_cow_pair(p, c, A, "after fork");
	CHECK_MSG(k.pa.by_owner[FO_USER] == user0, "fork allocated %lld user frames for a shared page, want 0",
		  (long long)(k.pa.by_owner[FO_USER] - user0));
	CHECK_MSG(kf_differs(c, A, 1) == -1, "the child does not read the parent's bytes after fork");
	KF_CHECK_KERNEL();

	/* the child writes one byte: a private copy of the whole page */
	uint8_t x = 0;
	REQUIRE(kf_store(c, A + 100, &x, 1) == 0);
	struct pmap_page pp = kf_page(p, A), cp = kf_page(c, A);
	CHECK_MSG(cp.pa != orig, "child's write went into the frame it shares with its parent (no COW copy)");
	CHECK_MSG(pp.pa == orig, "the parent's page moved when the child wrote");
	CHECK_MSG(!cp.cow && (cp.prot & VM_PROT_WRITE) && kf_mmu(c, A, ACC_STORE) == 0,
		  "child's copy is not writable after its COW fault");
	CHECK_MSG(kf_differs(p, A, 1) == -1, "parent's bytes changed by the child's write (byte %d)",
		  kf_differs(p, A, 1));
	uint8_t got[PGSIZE];
	REQUIRE(kf_load(c, A, got, PGSIZE) == 0);
	bool same = true;
	for (unsigned i = 0; i < PGSIZE; i++)
		same &= got[i] == (i == 100 ? 0 : kf_pat(A, 1, i));
	CHECK_MSG(same, "child's COW copy does not hold the original bytes plus its own write");
	CHECK_MSG(kf_refs(orig) == 1, "the original frame has reference count %u after the child's copy, want 1",
		  kf_refs(orig));
	CHECK_MSG(kf_refs(cp.pa) == 1, "the child's copy has reference count %u, want 1", kf_refs(cp.pa));

	/* the parent is the last user: its write takes the frame over */
	REQUIRE(kf_fill(p, A, 2) == 0);
	pp = kf_page(p, A);
	CHECK_MSG(pp.pa == orig, "the last user of a COW frame got a copy instead of taking it over");
	CHECK_MSG(!pp.cow && kf_mmu(p, A, ACC_STORE) == 0, "parent's page not writable after its COW fault");
	CHECK_MSG(kf_refs(orig) == 1, "reference count %u after the take-over, want 1", kf_refs(orig));
	CHECK_MSG(kf_differs(c, A + 0, 1) == 100, "the parent's write reached the child's copy");
	KF_CHECK_KERNEL();

	kf_exit(c);
	CHECK_MSG(k.pa.by_owner[FO_USER] == user0, "%lld user frames leaked by a child that exited",
		  (long long)(k.pa.by_owner[FO_USER] - user0));
	kf_halt();
}

/* The same, the parent writing first (the other side of the marking), for
 * several pages at once, with a grandchild sharing too. */
TEST(cow_parent_writes_first)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	enum { N = 4 };
	kf_map(p, A, N, LX_PROT_READ | LX_PROT_WRITE);
	for (unsigned i = 0; i < N; i++)
		REQUIRE(kf_fill(p, A + i * PGSIZE, 1) == 0);
	uint64_t user0 = k.pa.by_owner[FO_USER];
	uint64_t orig[N];
	for (unsigned i = 0; i < N; i++)
		orig[i] = kf_page(p, A + i * PGSIZE).pa;

	struct proc *c = kf_fork(p);
	for (unsigned i = 0; i < N; i++)
		check_cow_pair(p, c, A + i * PGSIZE, "after fork");
	struct proc *g = kf_fork(c);                 /* a third sharer */
	for (unsigned i = 0; i < N; i++) {
		struct pmap_page gp = kf_page(g, A + i * PGSIZE);
		CHECK_MSG(gp.present && gp.pa == orig[i] && gp.cow, "grandchild does not share page %u COW", i);
		CHECK_MSG(kf_refs(orig[i]) == 3, "frame shared by three processes has reference count %u, want 3",
			  kf_refs(orig[i]));
	}

	for (unsigned i = 0; i < N; i++)
		REQUIRE(kf_fill(p, A + i * PGSIZE, 2) == 0);
	for (unsigned i = 0; i < N; i++) {
		uint64_t va = A + i * PGSIZE;
		CHECK_MSG(kf_page(p, va).pa != orig[i], "parent's write went into a frame shared with its children");
		CHECK_MSG(kf_differs(p, va, 2) == -1, "parent does not read its own write");
		CHECK_MSG(kf_differs(c, va, 1) == -1, "child's page changed by the parent's write (byte %d)",
			  kf_differs(c, va, 1));
		CHECK_MSG(kf_differs(g, va, 1) == -1, "grandchild's page changed by the parent's write");
		CHECK_MSG(kf_refs(orig[i]) == 2, "after the parent's copy the shared frame has count %u, want 2",
			  kf_refs(orig[i]));
		CHECK_MSG(kf_page(c, va).cow && kf_mmu(c, va, ACC_STORE) == CAUSE_STORE_PAGE_FAULT,
			  "child's page became writable while still shared with the grandchild");
	}
	KF_CHECK_KERNEL();
	kf_exit(g);
	for (unsigned i = 0; i < N; i++)
		CHECK_MSG(kf_refs(orig[i]) == 1, "after the grandchild's exit the frame has count %u, want 1",
			  kf_refs(orig[i]));
	kf_exit(c);
	/* the originals went with the child; the parent holds its copies */
	CHECK_MSG(k.pa.by_owner[FO_USER] == user0, "%lld user frames leaked after the children exited",
		  (long long)(k.pa.by_owner[FO_USER] - user0));
	KF_CHECK_KERNEL();
	kf_halt();
}

/* A read-only private page and a page never touched: fork shares the
 * first copy-on-write too (mprotect may make it writable in either
 * process: found by this test, fork once shared it plainly), and nothing
 * is allocated for the second. */
TEST(fork_read_only_and_absent_pages)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	kf_map(p, A, 2, LX_PROT_READ | LX_PROT_WRITE);
	REQUIRE(kf_fill(p, A, 3) == 0);
	REQUIRE(vm_mprotect(&k, p, A, PGSIZE, LX_PROT_READ) == 0);
	uint64_t orig = kf_page(p, A).pa;
	struct proc *c = kf_fork(p);
	CHECK_MSG(kf_page(c, A).pa == orig && kf_refs(orig) == 2,
		  "read-only page after fork: count %u, want 2 on one frame", kf_refs(orig));
	CHECK_MSG(!kf_page(c, A + PGSIZE).present && !kf_page(c, A + PGSIZE).swapped,
		  "fork made a page for an address the parent never touched");
	CHECK_MSG(kf_mmu(c, A, ACC_STORE) == CAUSE_STORE_PAGE_FAULT, "child can store into a read-only page");
	/* making it writable again in the child must not open the shared frame */
	REQUIRE(vm_mprotect(&k, c, A, PGSIZE, LX_PROT_READ | LX_PROT_WRITE) == 0);
	REQUIRE(kf_fill(c, A, 4) == 0);
	CHECK_MSG(kf_page(c, A).pa != orig, "mprotect(RW) then a store wrote into the frame shared with the parent");
	CHECK_MSG(kf_differs(p, A, 3) == -1, "parent's read-only page changed by the child");
	CHECK_MSG(kf_refs(orig) == 1, "after the child's copy the read-only frame has count %u, want 1",
		  kf_refs(orig));
	/* the other side: a second child, and the parent makes it writable */
	struct proc *c2 = kf_fork(p);
	REQUIRE(vm_mprotect(&k, p, A, PGSIZE, LX_PROT_READ | LX_PROT_WRITE) == 0);
	CHECK_MSG(kf_mmu(p, A, ACC_STORE) == CAUSE_STORE_PAGE_FAULT,
		  "mprotect(RW) gave the parent write access to a frame shared with its child");
	REQUIRE(kf_fill(p, A, 6) == 0);
	CHECK_MSG(kf_differs(c2, A, 3) == -1, "child's read-only page changed by the parent's write");
	KF_CHECK_KERNEL();
	kf_halt();
}

/* ---- swap and fork --------------------------------------------------------- */

/* Evicts pages through the replacement policy (FIFO: oldest first) until
 * page va of p is swapped out.  Returns its slot. */
static uint64_t evict_until_swapped(struct proc *p, uint64_t va)
{
	for (int i = 0; i < 4096; i++) {
		struct pmap_page pg = kf_page(p, va);
		if (pg.swapped)
			return pg.swap_slot;
		REQUIRE(vm_reclaim_one(&k, &k.repl) == 0);
	}
	test_fail(__FILE__, __LINE__, "page 0x%llx never swapped out", (unsigned long long)va);
	test_abort();
}

TEST(swap_slot_shared_by_fork)
{
	kf_boot(16 << 20, 1 << 20, "fifo");
	struct proc *p = kf_spawn();
	enum { N = 3 };
	kf_map(p, A, N, LX_PROT_READ | LX_PROT_WRITE);
	for (unsigned i = 0; i < N; i++)
		REQUIRE(kf_fill(p, A + i * PGSIZE, 5) == 0);
	uint64_t slot[N];
	for (unsigned i = 0; i < N; i++)
		slot[i] = evict_until_swapped(p, A + i * PGSIZE);
	for (unsigned i = 0; i < N; i++)
		CHECK_MSG(k.swap.refs[slot[i]] == 1, "a swapped page mapped once: slot share count %u, want 1",
			  k.swap.refs[slot[i]]);
	uint64_t nfree0 = k.swap.nfree, user0 = k.pa.by_owner[FO_USER];

	struct proc *c = kf_fork(p);
	for (unsigned i = 0; i < N; i++) {
		uint64_t va = A + i * PGSIZE;
		struct pmap_page cp = kf_page(c, va), pp = kf_page(p, va);
		CHECK_MSG(pp.swapped && pp.swap_slot == slot[i], "fork changed the parent's swap entry");
		CHECK_MSG(cp.swapped && cp.swap_slot == slot[i],
			  "child's PTE of a page swapped before fork does not record the parent's slot");
		CHECK_MSG(k.swap.refs[slot[i]] == 2, "swap slot shared by parent and child: share count %u, want 2",
			  k.swap.refs[slot[i]]);
	}
	CHECK_MSG(k.swap.nfree == nfree0, "fork allocated swap slots for pages already swapped");
	CHECK_MSG(k.pa.by_owner[FO_USER] == user0, "fork brought swapped pages into memory");
	KF_CHECK_KERNEL();

	/* page 0: the child swaps it in, then the parent */
	REQUIRE(kf_differs(c, A, 5) == -1);
	CHECK_MSG(k.swap.refs[slot[0]] == 1, "after the child's swap-in the slot's share count is %u, want 1",
		  k.swap.refs[slot[0]]);
	CHECK_MSG(kf_page(p, A).swapped && kf_page(p, A).swap_slot == slot[0],
		  "the child's swap-in changed the parent's swap entry");
	REQUIRE(kf_differs(p, A, 5) == -1);
	CHECK_MSG(k.swap.refs[slot[0]] == 0, "after both swapped the page in its slot's share count is %u, want 0",
		  k.swap.refs[slot[0]]);
	CHECK_MSG(k.swap.nfree == nfree0 + 1, "a slot nobody records is not free again (%lld slots off)",
		  (long long)(k.swap.nfree - (nfree0 + 1)));
	KF_CHECK_KERNEL();

	/* page 1: the parent swaps it in; the child exits still recording it */
	REQUIRE(kf_differs(p, A + PGSIZE, 5) == -1);
	CHECK_MSG(k.swap.refs[slot[1]] == 1, "after the parent's swap-in the slot's share count is %u, want 1",
		  k.swap.refs[slot[1]]);
	/* page 2 stays swapped in both */
	kf_exit(c);
	CHECK_MSG(k.swap.refs[slot[1]] == 0, "the child exited, the slot only it recorded still counts %u",
		  k.swap.refs[slot[1]]);
	CHECK_MSG(k.swap.refs[slot[2]] == 1, "the child exited, the slot both recorded counts %u, want 1",
		  k.swap.refs[slot[2]]);
	CHECK_MSG(k.swap.nfree == nfree0 + 2, "swap slots leaked by the child's exit (%lld)",
		  (long long)(nfree0 + 2) - (long long)k.swap.nfree);
	CHECK_MSG(k.pa.by_owner[FO_USER] == user0 + 2, "user frames: %lld more than the parent's two swap-ins",
		  (long long)(k.pa.by_owner[FO_USER] - user0) - 2);
	KF_CHECK_KERNEL();
	kf_halt();
}

/* A page swapped out and faulted back in holds exactly its bytes, every
 * one of them, in parent and child, whoever swaps it in first, through
 * loads and stores. */
TEST(swap_in_returns_every_byte)
{
	kf_boot(16 << 20, 1 << 20, "fifo");
	struct proc *p = kf_spawn();
	enum { N = 8 };
	kf_map(p, A, N, LX_PROT_READ | LX_PROT_WRITE);
	for (unsigned i = 0; i < N; i++)
		REQUIRE(kf_fill(p, A + i * PGSIZE, 7 + i) == 0);
	for (unsigned i = 0; i < N; i++)
		evict_until_swapped(p, A + i * PGSIZE);
	/* alone: a load brings back every byte */
	int d = kf_differs(p, A, 7);
	CHECK_MSG(d == -1, "swap-in (load) lost data: byte %d of the page differs", d);
	struct proc *c = kf_fork(p);
	for (unsigned i = 1; i < N; i++) {
		uint64_t va = A + i * PGSIZE;
		struct proc *first = i & 1 ? c : p, *second = i & 1 ? p : c;
		if (i % 3 == 0) {
			/* a store brings it in too: the rest of the page must be there */
			uint8_t b = kf_pat(va, 7 + i, 0);
			REQUIRE(kf_store(first, va, &b, 1) == 0);
		}
		d = kf_differs(first, va, 7 + i);
		CHECK_MSG(d == -1, "swap-in after fork (%s first, page %u) lost data: byte %d differs",
			  first == c ? "child" : "parent", i, d);
		d = kf_differs(second, va, 7 + i);
		CHECK_MSG(d == -1, "swap-in after fork (%s second, page %u) lost data: byte %d differs",
			  second == c ? "child" : "parent", i, d);
	}
	/* out and in again, now that both have it */
	for (unsigned i = 1; i < N; i++)
		evict_until_swapped(c, A + i * PGSIZE);
	for (unsigned i = 1; i < N; i++) {
		d = kf_differs(c, A + i * PGSIZE, 7 + i);
		CHECK_MSG(d == -1, "second swap-in lost data: page %u byte %d differs", i, d);
	}
	KF_CHECK_KERNEL();
	kf_halt();
}

/* copyout into a page whose copy-on-write break must evict that very page
 * to get a frame: the fault handler breaks COW, reclaim takes the page at
 * the address being written (it is the only user page resident), and the
 * store needs one more fault to bring it back.  copyout once served a
 * single fault and returned EFAULT here (found by tests/kernel/squeeze.sh:
 * read() into a PROT_WRITE|PROT_EXEC page of a forked child, 10 frames,
 * random replacement). */
TEST(copyout_when_the_cow_break_evicts_the_page)
{
	kf_boot(16 << 20, 1 << 20, "fifo");
	struct proc *p = kf_spawn();
	kf_map(p, A, 1, LX_PROT_READ | LX_PROT_WRITE);
	REQUIRE(kf_fill(p, A, 7) == 0);
	while (k.repl.resident > 1)                    /* A, the newest, stays */
		REQUIRE(vm_reclaim_one(&k, &k.repl) == 0);
	REQUIRE(kf_page(p, A).present);
	struct proc *c = kf_fork(p);
	CHECK_MSG(kf_refs(kf_page(c, A).pa) == 2, "parent and child share A's frame after fork");
	uint64_t cap = k.repl.capacity;
	k.repl.capacity = k.repl.resident;             /* the next frame needs a reclaim */
	static const char msg[] = "written by the kernel";
	proc_activate(&k, c);
	CHECK_MSG(copyout(&k, c, A + 100, msg, sizeof msg) == 0,
		  "copyout failed when serving its store took two faults");
	k.repl.capacity = cap;
	char back[sizeof msg];
	CHECK_MSG(copyin(&k, c, back, A + 100, sizeof back) == 0 && !memcmp(back, msg, sizeof msg),
		  "the child does not read back what copyout wrote");
	proc_activate(&k, p);
	CHECK_MSG(kf_differs(p, A, 7) == -1, "the kernel's store into the child's page reached the parent");
	kf_halt();
}
