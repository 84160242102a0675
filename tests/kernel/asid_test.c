/*
 * asid_test.c - the ASID allocator (src/kernel/asid.h) inside a booted
 * kernel with a narrow ASID width, so that generations roll over at once:
 * live address spaces never share an ASID, a rollover flushes from the TLB
 * every ASID of the old generation except the running one's, a destroyed
 * address space gives its ASID back (flushed), stale address spaces get a
 * new ASID when activated, and each process reads back only what it wrote
 * through the MMU.  kernel_check (which checks the same invariant and the
 * TLB's ASIDs) runs after every step.
 */
#include "test.h"
#include "kernel.h"
#include "proc.h"
#include "uaccess.h"
#include "vm.h"

#include <errno.h>

#define VA     0x10000ULL
#define NPAGES 4

static struct kernel k;

static void boot_bits(unsigned bits)
{
	struct kernel_config cfg;
	kernel_config_default(&cfg);
	cfg.ram_size = 16ull << 20;
	cfg.asid_bits = bits;
	cfg.out = fopen("/dev/null", "w");
	cfg.err = fopen("/dev/null", "w");
	REQUIRE(kernel_boot(&k, &cfg) == 0);
}

static void halt(void)
{
	FILE *out = k.cfg.out, *err = k.cfg.err;
	kernel_shutdown(&k);
	fclose(out);
	fclose(err);
}

#define CHECK_KERNEL() do {                                                        \
		const char *e_ = kernel_check(&k);                                 \
		if (e_)                                                            \
			test_fail(__FILE__, __LINE__, "kernel_check: %s", e_);     \
	} while (0)

/* A process with NPAGES pages of anonymous memory at VA. */
static struct proc *space(void)
{
	struct proc *p = proc_create(&k, "p");
	REQUIRE(p);
	REQUIRE(vm_map_insert(&p->mm->map, VA, VA + NPAGES * PGSIZE, VM_PROT_READ | VM_PROT_WRITE,
			      VMK_ANON, NULL, 0, 0, NULL) == 0);
	return p;
}

static void destroy(struct proc *p)
{
	proc_exit(&k, p, 0, 9);
	proc_reap(&k, p);
}

/* Runs p (loads its satp) and stores v in each of its pages through the
 * MMU, which leaves TLB entries of p's ASID. */
static void write_all(struct proc *p, uint64_t v)
{
	proc_activate(&k, p);
	for (int i = 0; i < NPAGES; i++) {
		uint64_t x = v + (uint64_t)i;
		REQUIRE(copyout(&k, p, VA + (uint64_t)i * PGSIZE, &x, sizeof x) == 0);
	}
}

/* Runs p and checks that each page holds what write_all(p, v) stored. */
static void check_all(struct proc *p, uint64_t v, int line)
{
	proc_activate(&k, p);
	for (int i = 0; i < NPAGES; i++) {
		uint64_t x = 0;
		REQUIRE(copyin(&k, p, &x, VA + (uint64_t)i * PGSIZE, sizeof x) == 0);
		if (x != v + (uint64_t)i)
			test_fail(__FILE__, line, "pid %u page %d holds %llu, wrote %llu", p->pid, i,
				  (unsigned long long)x, (unsigned long long)(v + (uint64_t)i));
	}
}

/* Valid non-global TLB entries tagged with asid. */
static unsigned tlb_entries_of(uint16_t asid)
{
	const struct tlb *t = &k.mmu.tlb;
	unsigned n = 0;
	for (size_t i = 0; i < t->nentries; i++)
		n += tlb_tag_valid(t->tag[i]) && !t->e[i].global && t->e[i].asid == asid;
	return n;
}

static bool holds_current(const struct proc *p)
{
	return asid_is_current(&k.pk.asids, &p->mm->pmap.asid);
}

/* No two live processes hold one ASID in the current generation, and a
 * current ASID is never 0 and fits the width.  (Checked here by hand, apart
 * from kernel_check.) */
static void check_distinct(int line)
{
	for (struct proc *p = k.procs; p; p = p->next) {
		if (p->state == P_ZOMBIE || !holds_current(p))
			continue;
		if (p->mm->pmap.asid.id == 0 || p->mm->pmap.asid.id >= k.pk.asids.count)
			test_fail(__FILE__, line, "pid %u holds ASID %u", p->pid, p->mm->pmap.asid.id);
		for (struct proc *q = p->next; q; q = q->next)
			if (q->state != P_ZOMBIE && holds_current(q) && q->mm->pmap.asid.id == p->mm->pmap.asid.id)
				test_fail(__FILE__, line, "pids %u and %u share ASID %u", p->pid, q->pid,
					  p->mm->pmap.asid.id);
	}
}

TEST(rollover_flushes_the_old_generation_but_keeps_the_running_asid)
{
	boot_bits(2);                         /* ASIDs 1, 2, 3 */
	struct proc *a = space(), *b = space(), *c = space();
	CHECK_EQ(a->mm->pmap.asid.id, 1);         /* free ones at creation */
	CHECK_EQ(b->mm->pmap.asid.id, 2);
	CHECK_EQ(c->mm->pmap.asid.id, 3);
	write_all(a, 100), write_all(b, 200), write_all(c, 300);
	CHECK_EQ(tlb_entries_of(1), NPAGES);
	CHECK_EQ(tlb_entries_of(2), NPAGES);
	CHECK_EQ(tlb_entries_of(3), NPAGES);
	CHECK_KERNEL();

	/* d is created while c runs: no free ASID, and creation never rolls
	 * over (c keeps running on ASID 3) - d gets one when it first runs */
	struct proc *d = space();
	CHECK_EQ(d->mm->pmap.asid.gen, 0);
	CHECK_EQ(k.pk.asids.rollovers, 0);
	CHECK_EQ(tlb_entries_of(3), NPAGES);
	CHECK_KERNEL();

	uint64_t sfences = k.mmu.stats.flushes;
	write_all(d, 400);                    /* the rollover: c was running */
	CHECK_EQ(k.pk.asids.rollovers, 1);
	CHECK_EQ(k.pk.asids.rollover_flushes, 2);          /* ASIDs 1 and 2 */
	CHECK(k.mmu.stats.flushes >= sfences + 2);
	CHECK(!holds_current(a) && !holds_current(b));
	CHECK(holds_current(c) && c->mm->pmap.asid.id == 3);   /* carried over */
	CHECK(holds_current(d) && d->mm->pmap.asid.id != 3);
	CHECK_EQ(tlb_entries_of(3), NPAGES);               /* c's entries stay */
	/* a's and b's entries are gone: only d's (new) ASID has entries */
	CHECK_EQ(tlb_entries_of(d->mm->pmap.asid.id), NPAGES);
	CHECK_EQ(tlb_entries_of(1) + tlb_entries_of(2), NPAGES);
	check_distinct(__LINE__);
	CHECK_KERNEL();

	/* a comes back with the last free ASID, b forces the next rollover */
	check_all(a, 100, __LINE__);
	CHECK(holds_current(a));
	CHECK_EQ(k.pk.asids.rollovers, 1);
	check_all(b, 200, __LINE__);
	CHECK_EQ(k.pk.asids.rollovers, 2);
	CHECK(holds_current(a) && holds_current(b) && !holds_current(c) && !holds_current(d));
	CHECK_EQ(tlb_entries_of(a->mm->pmap.asid.id), NPAGES);
	CHECK_EQ(tlb_entries_of(b->mm->pmap.asid.id), NPAGES);
	CHECK_EQ(tlb_entries_of(a->mm->pmap.asid.id) + tlb_entries_of(b->mm->pmap.asid.id),
		 tlb_count(&k.mmu.tlb));              /* nothing else survived */
	check_all(c, 300, __LINE__);
	check_all(d, 400, __LINE__);
	check_distinct(__LINE__);
	CHECK_KERNEL();
	halt();
}

TEST(a_destroyed_address_space_gives_its_asid_back_flushed)
{
	boot_bits(2);
	struct proc *a = space(), *b = space(), *c = space();
	write_all(a, 1), write_all(b, 2), write_all(c, 3);
	uint16_t bid = b->mm->pmap.asid.id;
	destroy(b);
	CHECK_EQ(tlb_entries_of(bid), 0);     /* flushed before it is reused */
	CHECK_KERNEL();
	struct proc *d = space();             /* takes b's ASID: no rollover */
	CHECK(holds_current(d));
	CHECK_EQ(d->mm->pmap.asid.id, bid);
	CHECK_EQ(k.pk.asids.rollovers, 0);
	write_all(d, 4);
	check_all(a, 1, __LINE__), check_all(c, 3, __LINE__), check_all(d, 4, __LINE__);
	CHECK_EQ(k.pk.asids.rollovers, 0);
	CHECK_KERNEL();
	halt();
}

TEST(one_asid_every_switch_is_a_rollover)
{
	boot_bits(1);                         /* ASID 1 only */
	struct proc *a = space(), *b = space();
	CHECK(holds_current(a) && !holds_current(b));
	write_all(a, 10);
	write_all(b, 20);                     /* rollover: a cannot keep the only ASID */
	CHECK_EQ(k.pk.asids.rollovers, 1);
	CHECK(!holds_current(a) && holds_current(b) && b->mm->pmap.asid.id == 1);
	CHECK_EQ(tlb_count(&k.mmu.tlb), NPAGES);           /* b's alone */
	for (int i = 0; i < 20; i++) {
		check_all(a, 10, __LINE__);
		check_all(b, 20, __LINE__);
		check_distinct(__LINE__);
		CHECK_KERNEL();
	}
	CHECK_EQ(k.pk.asids.rollovers, 41);
	halt();
}

TEST(many_address_spaces_created_and_destroyed_never_share_an_asid)
{
	boot_bits(2);
	enum { SLOTS = 9 };
	struct proc *live[SLOTS] = { 0 };
	uint64_t val[SLOTS] = { 0 };
	uint64_t rng = 12345, created = 0;
	for (int step = 0; step < 2000; step++) {
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		unsigned s = (unsigned)(rng >> 33) % SLOTS, op = (unsigned)(rng >> 40) % 4;
		if (!live[s]) {
			live[s] = space();
			val[s] = 1000 * ++created;
			write_all(live[s], val[s]);
		} else if (op == 0) {
			destroy(live[s]);
			live[s] = NULL;
		} else if (op == 1) {
			val[s] += 7;
			write_all(live[s], val[s]);
		} else {
			check_all(live[s], val[s], __LINE__);
		}
		check_distinct(__LINE__);
		if (step % 50 == 0)
			CHECK_KERNEL();
	}
	for (int s = 0; s < SLOTS; s++)
		if (live[s])
			check_all(live[s], val[s], __LINE__);
	CHECK(created > 100);
	CHECK(k.pk.asids.rollovers > 100);
	CHECK_KERNEL();
	halt();
}

TEST(asid_width_is_checked_and_no_asid_uses_asid_0)
{
	struct kernel_config cfg;
	kernel_config_default(&cfg);
	CHECK_EQ(cfg.asid_bits, 16);
	cfg.ram_size = 16ull << 20;
	cfg.err = fopen("/dev/null", "w");
	unsigned bad[] = { 0, 17, 64 };
	for (unsigned i = 0; i < 3; i++) {
		cfg.asid_bits = bad[i];
		CHECK_EQ(kernel_boot(&k, &cfg), (uint64_t)-EINVAL);
	}
	fclose(cfg.err);

	boot_bits(16);
	struct proc *a = space(), *b = space();
	CHECK(a->mm->pmap.asid.id != b->mm->pmap.asid.id);
	CHECK_EQ(SATP_ASID(pmap_satp(&b->mm->pmap)), b->mm->pmap.asid.id);   /* satp carries it */
	halt();

	struct kernel_config off;
	kernel_config_default(&off);
	off.ram_size = 16ull << 20;
	off.use_asids = false;
	off.out = fopen("/dev/null", "w");
	off.err = fopen("/dev/null", "w");
	REQUIRE(kernel_boot(&k, &off) == 0);
	a = space(), b = space();
	CHECK_EQ(a->mm->pmap.asid.id, 0);
	CHECK_EQ(b->mm->pmap.asid.id, 0);
	write_all(a, 5), write_all(b, 6);
	CHECK_EQ(tlb_count(&k.mmu.tlb), NPAGES);           /* each switch flushed */
	check_all(a, 5, __LINE__), check_all(b, 6, __LINE__);
	CHECK_EQ(k.stats.tlb_flushes_on_switch, 4);
	CHECK_KERNEL();
	halt();
}
