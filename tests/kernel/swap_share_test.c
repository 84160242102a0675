/*
 * swap_share_test.c - a swap slot's share count (the page-table entries
 * that record one swapped page) never passes its limit: with a small limit
 * (kernel_config.swap_share_max), the fork that would pass it fails with
 * ENOMEM and leaves nothing behind, and reclaim keeps a page mapped by more
 * processes than a slot may be shared by.  No panic; kernel_check passes;
 * every process still reads its data.
 */
#include "test.h"
#include "fork.h"
#include "kernel.h"
#include "proc.h"
#include "swap.h"
#include "uaccess.h"
#include "vm.h"

#include <errno.h>
#include <stdlib.h>

#define VA      0x40000000ULL
#define SIGCHLD 17

static struct kernel k;

static const char *prog(const char *name)
{
	static char path[512];
	const char *b = getenv("VMOS_BUILD");
	snprintf(path, sizeof path, "%s/user/bin/%s", b ? b : "build", name);
	return path;
}

#define CHECK_KERNEL() do {                                                        \
		const char *e_ = kernel_check(&k);                                 \
		if (e_)                                                            \
			test_fail(__FILE__, __LINE__, "kernel_check: %s", e_);     \
	} while (0)

/* Boots with swap and share_max, and loads hello (not run) with one page
 * of anonymous memory at VA holding 0x5eed. */
static struct proc *boot(uint32_t share_max)
{
	struct kernel_config cfg;
	kernel_config_default(&cfg);
	cfg.ram_size = 16ull << 20;
	cfg.swap_size = 1 << 20;
	cfg.swap_share_max = share_max;
	cfg.policy = "fifo";
	cfg.check_invariants = true;     /* after every exit */
	cfg.out = fopen("/dev/null", "w");
	cfg.err = fopen("/dev/null", "w");
	REQUIRE(kernel_boot(&k, &cfg) == 0);
	CHECK_EQ(k.swap.share_max, share_max ? share_max : UINT32_MAX);
	int err = 0;
	char *argv[] = { "hello", NULL }, *envp[] = { NULL };
	struct proc *p = proc_spawn(&k, prog("hello"), argv, envp, &err);
	REQUIRE(p);
	REQUIRE(vm_map_insert(&p->mm->map, VA, VA + PGSIZE, VM_PROT_READ | VM_PROT_WRITE, VMK_ANON,
			      NULL, 0, 0, NULL) == 0);
	uint64_t v = 0x5eed;
	proc_activate(&k, p);
	REQUIRE(copyout(&k, p, VA, &v, sizeof v) == 0);
	return p;
}

static void halt(void)
{
	FILE *out = k.cfg.out, *err = k.cfg.err;
	kernel_shutdown(&k);
	fclose(out);
	fclose(err);
}

/* The swap slot of p's page at VA, or -1 if it is not swapped. */
static int64_t slot_of(struct proc *p)
{
	struct pmap_page pg;
	return pmap_extract(&p->mm->pmap, VA, &pg) && pg.swapped ? (int64_t)pg.swap_slot : -1;
}

/* Evicts pages (FIFO: oldest first) until p's page at VA is in swap. */
static int64_t swap_out(struct proc *p)
{
	for (int i = 0; i < 200 && slot_of(p) < 0; i++)
		if (vm_reclaim_one(&k, &k.repl) < 0)
			break;
	return slot_of(p);
}

static uint64_t read_va(struct proc *p)
{
	uint64_t v = 0;
	proc_activate(&k, p);
	CHECK_EQ(copyin(&k, p, &v, VA, sizeof v), 0);
	return v;
}

TEST(fork_fails_cleanly_at_the_swap_share_limit)
{
	struct proc *p = boot(3);
	int64_t slot = swap_out(p);
	REQUIRE(slot >= 0);
	CHECK_EQ(k.swap.refs[slot], 1);
	int64_t c1 = sys_clone(&k, p, SIGCHLD, 0), c2 = sys_clone(&k, p, SIGCHLD, 0);
	CHECK(c1 > 0 && c2 > 0);
	CHECK_EQ(k.swap.refs[slot], 3);              /* at the limit */
	CHECK_KERNEL();

	/* the next fork would make a fourth sharer: refused, nothing left over */
	int nlive = k.nlive;
	uint64_t objs = kmem_objects_in_use(&k.km), pt = k.pa.by_owner[FO_PAGE_TABLE];
	uint64_t user = k.pa.by_owner[FO_USER], free_slots = k.swap.nfree;
	for (int i = 0; i < 3; i++)
		CHECK_EQ(sys_clone(&k, p, SIGCHLD, 0), (uint64_t)-ENOMEM);
	CHECK_EQ(k.swap.refs[slot], 3);
	CHECK_EQ(k.nlive, nlive);
	CHECK_EQ(kmem_objects_in_use(&k.km), objs);
	CHECK_EQ(k.pa.by_owner[FO_PAGE_TABLE], pt);
	CHECK_EQ(k.pa.by_owner[FO_USER], user);
	CHECK_EQ(k.swap.nfree, free_slots);
	CHECK_KERNEL();

	/* a sharer swaps the page in: one reference fewer */
	struct proc *child1 = proc_find(&k, (uint32_t)c1);
	REQUIRE(child1);
	CHECK_EQ(read_va(child1), 0x5eed);
	CHECK_EQ(k.swap.refs[slot], 2);
	/* and exits (its other swapped pages go too): fork works again */
	proc_exit(&k, child1, 0, 9);
	proc_reap(&k, child1);
	int64_t c3 = sys_clone(&k, p, SIGCHLD, 0);
	CHECK(c3 > 0);
	CHECK_EQ(k.swap.refs[slot], 3);
	CHECK_EQ(read_va(p), 0x5eed);
	CHECK_EQ(read_va(proc_find(&k, (uint32_t)c2)), 0x5eed);
	CHECK_EQ(read_va(proc_find(&k, (uint32_t)c3)), 0x5eed);
	CHECK_EQ(k.swap.refs[slot], 0);              /* every sharer has its copy */
	CHECK_KERNEL();
	halt();
}

TEST(reclaim_keeps_a_page_with_more_sharers_than_a_slot_allows)
{
	struct proc *p = boot(2);
	proc_activate(&k, p);
	int64_t c1 = sys_clone(&k, p, SIGCHLD, 0), c2 = sys_clone(&k, p, SIGCHLD, 0);
	REQUIRE(c1 > 0 && c2 > 0);
	struct proc *a = proc_find(&k, (uint32_t)c1), *b = proc_find(&k, (uint32_t)c2);
	/* three processes map the frame (copy-on-write): it cannot be swapped */
	int refused = 0;
	for (int i = 0; i < 200; i++) {
		if (vm_reclaim_one(&k, &k.repl) < 0)
			refused++;
		if (slot_of(p) >= 0 || slot_of(a) >= 0 || slot_of(b) >= 0)
			break;
	}
	CHECK(refused > 0);
	CHECK(slot_of(p) < 0 && slot_of(a) < 0 && slot_of(b) < 0);
	CHECK_KERNEL();

	/* with one sharer gone, two may share a slot: it goes out */
	proc_exit(&k, b, 0, 9);
	proc_reap(&k, b);
	int64_t slot = swap_out(p);
	REQUIRE(slot >= 0);
	CHECK_EQ(slot_of(a), slot);
	CHECK_EQ(k.swap.refs[slot], 2);
	CHECK_EQ(read_va(a), 0x5eed);
	CHECK_EQ(read_va(p), 0x5eed);
	CHECK_KERNEL();
	halt();
}

TEST(default_share_limit_is_the_32_bit_maximum)
{
	struct proc *p = boot(0);
	(void)p;
	CHECK_EQ(k.swap.share_max, UINT32_MAX);
	halt();
}
