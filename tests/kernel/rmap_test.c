/*
 * rmap_test.c - the reverse map (src/kernel/rmap.h) and its entry kept in
 * the frame metadata: the first mapping of a frame uses frame.first, more
 * mappings come from the "rmap" slab cache, a freed inline entry is used
 * again, a copy-on-write move carries the entry to the new frame, and the
 * replacement policy always holds the frame under one of its mappings' keys.
 * kernel_check (reverse maps against page tables) runs where mappings are
 * real.
 */
#include "test.h"
#include "kernel.h"
#include "proc.h"
#include "rmap.h"
#include "vm.h"

static struct kernel k;

/* Boots a 16 MiB machine with policy, reclaiming beyond frames_limit user
 * frames (0: all RAM). */
static void boot_with(const char *policy, uint64_t frames_limit)
{
	struct kernel_config cfg;
	kernel_config_default(&cfg);
	cfg.ram_size = 16ull << 20;
	cfg.policy = policy;
	cfg.frames_limit = frames_limit;
	cfg.out = fopen("/dev/null", "w");
	cfg.err = fopen("/dev/null", "w");
	REQUIRE(kernel_boot(&k, &cfg) == 0);
}

static void boot(void)
{
	boot_with("lru", 0);
}

static void halt(void)
{
	kernel_shutdown(&k);
}

/* Fails the test if the kernel's invariant checker objects, then shuts down. */
#define CHECK_KERNEL_AND_HALT() do {                                               \
		const char *e_ = kernel_check(&k);                                 \
		if (e_)                                                            \
			test_fail(__FILE__, __LINE__, "kernel_check: %s", e_);     \
		halt();                                                            \
	} while (0)

/* A process whose region [start, end) is anonymous memory with prot, and
 * whose load faults get frames of their own (no shared zero page). */
static struct proc *anon_proc(const char *name, uint64_t start, uint64_t end, unsigned prot)
{
	struct proc *p = proc_create(&k, name);
	REQUIRE(p);
	p->no_zero_page = true;
	REQUIRE(vm_map_insert(&p->mm->map, start, end, prot, VMK_ANON, NULL, 0, 0, NULL) == 0);
	return p;
}

static uint64_t rmap_objects(void)
{
	struct kmem_cache_stats st;
	kmem_cache_get_stats(k.rmap_cache, &st);
	return st.active;
}

TEST(first_mapping_lives_in_the_frame)
{
	boot();
	struct proc *a = proc_create(&k, "a"), *b = proc_create(&k, "b");
	REQUIRE(a && b);
	uint64_t pa = vm_alloc_frame(&k, a, FO_USER, a->pid, true);
	REQUIRE(pa);
	struct frame *f = pa_frame(&k.pa, pa);
	uint64_t objs = rmap_objects();
	CHECK_EQ(rmap_add(&k, pa, a, 0x10000), 0);
	CHECK(f->rmap == &f->first);                 /* no object for the first */
	CHECK_EQ(rmap_objects(), objs);
	CHECK_EQ(f->key, page_key(a->pid, 0x10000));
	CHECK_EQ(k.repl.resident, 1);

	CHECK_EQ(rmap_add(&k, pa, b, 0x20000), 0);   /* the second: from the slab */
	CHECK_EQ(rmap_objects(), objs + 1);
	CHECK_EQ(rmap_count(&k, pa), 2);
	CHECK_EQ(k.repl.resident, 1);                /* one frame, one key */

	/* the inline entry goes first: the frame is re-keyed to b's mapping */
	rmap_del(&k, pa, a, 0x10000);
	CHECK_EQ(rmap_count(&k, pa), 1);
	CHECK(f->first.p == NULL);
	CHECK_EQ(f->key, page_key(b->pid, 0x20000));
	CHECK_EQ(k.repl.resident, 1);

	/* a third mapping takes the free inline entry again: no allocation */
	CHECK_EQ(rmap_add(&k, pa, a, 0x30000), 0);
	CHECK(f->first.p == a && f->first.va == 0x30000);
	CHECK_EQ(rmap_objects(), objs + 1);
	CHECK_EQ(rmap_count(&k, pa), 2);

	rmap_del(&k, pa, b, 0x20000);
	CHECK_EQ(rmap_objects(), objs);
	CHECK_EQ(f->key, page_key(a->pid, 0x30000));
	rmap_del(&k, pa, a, 0x30000);
	CHECK_EQ(rmap_count(&k, pa), 0);
	CHECK_EQ(f->key, REPL_NONE);
	CHECK_EQ(k.repl.resident, 0);
	vm_frame_release(&k, pa);
	halt();
}

TEST(copy_on_write_move_carries_the_entry)
{
	boot();
	struct proc *a = proc_create(&k, "a"), *b = proc_create(&k, "b");
	REQUIRE(a && b);
	uint64_t old = vm_alloc_frame(&k, a, FO_USER, a->pid, true);
	REQUIRE(old);
	CHECK_EQ(rmap_add(&k, old, a, 0x10000), 0);  /* inline in old */
	CHECK_EQ(rmap_add(&k, old, b, 0x10000), 0);  /* slab */
	uint64_t objs = rmap_objects();
	/* a's inline entry cannot leave its frame: it is copied into new's */
	uint64_t new1 = vm_alloc_frame(&k, a, FO_USER, a->pid, true);
	REQUIRE(new1);
	rmap_move(&k, old, new1, a, 0x10000);
	struct frame *fo = pa_frame(&k.pa, old), *f1 = pa_frame(&k.pa, new1);
	CHECK(fo->first.p == NULL);
	CHECK(f1->rmap == &f1->first && f1->first.p == a);
	CHECK_EQ(f1->key, page_key(a->pid, 0x10000));
	CHECK_EQ(fo->key, page_key(b->pid, 0x10000));
	CHECK_EQ(rmap_objects(), objs);
	CHECK_EQ(k.repl.resident, 2);
	/* b's slab entry moves into the new frame's own entry, freeing it */
	uint64_t new2 = vm_alloc_frame(&k, b, FO_USER, b->pid, true);
	REQUIRE(new2);
	rmap_move(&k, old, new2, b, 0x10000);
	struct frame *f2 = pa_frame(&k.pa, new2);
	CHECK(f2->rmap == &f2->first && f2->first.p == b);
	CHECK_EQ(rmap_objects(), objs - 1);
	CHECK_EQ(rmap_count(&k, old), 0);
	CHECK_EQ(fo->key, REPL_NONE);
	CHECK_EQ(k.repl.resident, 2);
	rmap_del(&k, new1, a, 0x10000);
	rmap_del(&k, new2, b, 0x10000);
	vm_frame_release(&k, new1);
	vm_frame_release(&k, new2);
	vm_frame_release(&k, old);
	halt();
}

static void move_into_a_mapped_frame(void)
{
	boot();
	struct proc *a = proc_create(&k, "a");
	uint64_t x = vm_alloc_frame(&k, a, FO_USER, a->pid, true);
	uint64_t y = vm_alloc_frame(&k, a, FO_USER, a->pid, true);
	rmap_add(&k, x, a, 0x10000);
	rmap_add(&k, y, a, 0x20000);
	rmap_move(&k, x, y, a, 0x10000);      /* y's own entry is taken: a bug */
}

TEST(move_into_a_frame_that_is_mapped_panics)
{
	CHECK(test_dies(move_into_a_mapped_frame));
}

/* Pages faulted in through the real fault path: every one is mapped once,
 * so no rmap object exists, and the checker agrees with the page tables. */
TEST(faulted_pages_use_no_rmap_objects)
{
	boot();
	struct proc *p = anon_proc("p", 0x100000, 0x200000, VM_PROT_READ | VM_PROT_WRITE);
	uint64_t objs = rmap_objects();
	for (uint64_t va = 0x100000; va < 0x200000; va += PGSIZE)
		CHECK_EQ(vm_fault(&k, p, va, ACC_LOAD, NULL), 0);
	CHECK_EQ(rmap_objects(), objs);
	CHECK_EQ(k.repl.resident, 256);
	CHECK_KERNEL_AND_HALT();
}

/* Under a frame limit, a page fault that evicts a page never written takes
 * over its frame, which still holds zeros: no free, no allocation. */
TEST(reclaim_hands_clean_frames_to_the_fault)
{
	boot_with("fifo", 16);
	struct proc *p = anon_proc("p", 0x100000, 0x200000, VM_PROT_READ | VM_PROT_WRITE);
	for (uint64_t va = 0x100000; va < 0x110000; va += PGSIZE)
		CHECK_EQ(vm_fault(&k, p, va, ACC_LOAD, NULL), 0);
	uint64_t allocs = k.pa.allocs, frees = k.pa.frees;
	for (uint64_t va = 0x110000; va < 0x200000; va += PGSIZE) {
		CHECK_EQ(vm_fault(&k, p, va, ACC_LOAD, NULL), 0);
		struct pmap_page pg;
		REQUIRE(pmap_extract(&p->mm->pmap, va, &pg) && pg.present);
		const uint8_t *b = ram_ptr(&k.ram, pg.pa);
		bool zero = true;
		for (uint64_t i = 0; i < PGSIZE; i++)
			zero &= b[i] == 0;
		CHECK(zero);
	}
	CHECK_EQ(k.repl.resident, 16);
	CHECK_EQ(k.stats.pages_dropped, 256 - 16);
	CHECK_EQ(k.pa.handed_over, 256 - 16);
	CHECK_EQ(k.pa.allocs, allocs);
	CHECK_EQ(k.pa.frees, frees);
	CHECK_KERNEL_AND_HALT();
}

/* CLOCK's reference test reads the A bit of every mapping of a shared
 * frame; its shortcut for frames mapped once must stop at the first share. */
TEST(clock_sees_the_a_bit_of_every_mapping)
{
	boot_with("clock", 0);
	struct proc *a = anon_proc("a", 0x100000, 0x101000, VM_PROT_READ);
	struct proc *b = anon_proc("b", 0x200000, 0x201000, VM_PROT_READ);
	CHECK_EQ(vm_fault(&k, a, 0x100000, ACC_LOAD, NULL), 0);
	struct pmap_page pg;
	REQUIRE(pmap_extract(&a->mm->pmap, 0x100000, &pg) && pg.present);
	uint64_t key = page_key(a->pid, 0x100000);
	pmap_clear_referenced(&a->mm->pmap, 0x100000);
	CHECK(!k.ever_shared);
	uint64_t aux = 0;
	CHECK(!k.repl.test_and_clear_ref(k.repl.ctx, key, &aux));      /* A clear, mapped once */
	/* b maps the same frame and references it through the MMU */
	pa_frame(&k.pa, pg.pa)->refcount++;                      /* b's reference */
	CHECK_EQ(vm_enter(&k, b, 0x200000, pg.pa, VM_PROT_READ, false), 0);
	CHECK(k.ever_shared);
	mmu_set_satp(&k.mmu, pmap_satp(&b->mm->pmap));
	uint64_t got;
	CHECK_EQ(mmu_translate(&k.mmu, 0x200000, ACC_LOAD, &got), 0);
	CHECK_EQ(got, pg.pa);
	CHECK(k.repl.test_and_clear_ref(k.repl.ctx, key, &aux));       /* b's A bit counts */
	CHECK(!k.repl.test_and_clear_ref(k.repl.ctx, key, &aux));      /* and was cleared */
	CHECK_KERNEL_AND_HALT();
}
