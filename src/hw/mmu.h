/*
 * mmu.h - the memory-management unit: Sv39 / Sv48 translation of user-mode
 * accesses (RISC-V privileged spec, 4.3-4.5), through the modeled TLB
 * (tlb.h), with a host-side fast cache in front of it.
 *
 *   access(va) --fast cache hit--> host pointer                 (counts a TLB hit)
 *        |  miss
 *        v
 *   modeled TLB --hit--> refill fast cache                       (counts a TLB hit)
 *        |  miss
 *        v
 *   page-table walk in RAM, A/D set in the PTE --> TLB + fast cache
 *                                                  (counts a miss and a walk)
 *
 * The fast cache (after QEMU's softmmu and TinyEMU): three direct-mapped
 * arrays - read, write, fetch - of { tag, host addend }.  The tag is the 4 KiB
 * page's VA; the hit test is one compare of the tag with va masked to keep the
 * page number and the access's low alignment bits, so a misaligned access
 * never hits and takes the out-of-line path, which emulates it.
 *
 * The fast cache is a strict subset of the modeled TLB: an entry is filled
 * only from a valid model entry that permits the access (for writes, one with
 * D set), and every model eviction, every sfence.vma and every satp change
 * invalidates the fast entries derived from what left the model.  So counting
 * a fast hit as a TLB hit gives exactly the counts of a TLB consulted on every
 * access.  In Bare mode there is no TLB: nothing is cached or counted.
 */
#ifndef VMOS_HW_MMU_H
#define VMOS_HW_MMU_H

#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include "riscv.h"
#include "ram.h"
#include "tlb.h"

enum mmu_access { ACC_FETCH = 0, ACC_LOAD = 1, ACC_STORE = 2 };

struct mmu_stats {
	uint64_t tlb_hits;    /* lookups a TLB entry satisfied */
	uint64_t tlb_misses;  /* lookups that needed a walk */
	uint64_t walks;       /* page-table walks started (== misses) */
	uint64_t pte_reads;   /* PTEs read by walks */
	uint64_t ad_updates;  /* PTE writes that set A and/or D */
	uint64_t flushes;     /* sfence.vma operations */
	uint64_t tlb_super_hits;  /* TLB lookups (past the host fast cache, which
	                             holds 4 KiB pages only) that a superpage
	                             entry (level >= 1) satisfied */
};

#define MMU_FAST_ENTRIES 1024         /* per access type; power of two */
#define MMU_FAST_INVALID (~0ULL)      /* never equals a masked va */

struct mmu_fast {
	uint64_t tag;        /* page VA, or MMU_FAST_INVALID */
	uintptr_t addend;    /* host address = va + addend */
};

/* Host-side walk cache (not part of the modeled machine): for a 2 MiB
 * region of an address space, the level-0 table a full walk reached and the
 * OR of the PTEs above it.  A walk that hits starts at level 0 and still
 * counts every level in pte_reads, so no statistic can tell it is there.
 * Only valid non-leaf PTEs lead to an entry; the kernel's pmap, the only
 * writer of non-leaf PTEs, calls mmu_pwc_flush whenever it clears one
 * (a table freed).  Making an invalid non-leaf PTE valid needs no flush: no
 * entry can go through it. */
#define MMU_PWC_ENTRIES 64             /* power of two */
struct mmu_pwc {
	uint64_t region;     /* va >> 21, or UINT64_MAX when empty */
	uint64_t root;       /* satp MODE and PPN the entry was walked from */
	uint64_t table;      /* PA of the level-0 table */
	uint64_t seen;       /* OR of the non-leaf PTEs above it (their G bits) */
};

struct mmu {
	struct ram *ram;
	uint64_t satp;
	/* satp decoded once per write (mmu_set_satp), not on every translation */
	unsigned levels;     /* 3 (Sv39), 4 (Sv48), 0 (Bare) */
	uint16_t asid;
	uint64_t root;       /* PA of the root table */
	uint64_t pwc_key;    /* MODE and PPN: what walk-cache entries are tagged with */
	struct tlb tlb;
	struct mmu_pwc pwc[MMU_PWC_ENTRIES];
	struct mmu_fast fast[3][MMU_FAST_ENTRIES]; /* indexed by enum mmu_access */
	bool fast_used;      /* an entry was filled since the last full flush */
	uint64_t *last_super;  /* tlb.fast_mask word of the level-1 entry the last
	                          mmu_translate used, else NULL: the fast-cache
	                          fill after it marks it */
	/* The slots filled since the last flush (fast_filled of them, each
	 * acc * MMU_FAST_ENTRIES + index), so that a flush - every address-space
	 * switch - clears those rather than all 3 x MMU_FAST_ENTRIES; more than
	 * MMU_FAST_LOG fills and the flush clears everything. */
#define MMU_FAST_LOG 64
	uint16_t fast_log[MMU_FAST_LOG];
	unsigned fast_filled;
	struct mmu_stats stats;
	/* Called on every TLB miss (before the walk), for event logs; NULL: off. */
	void (*miss_hook)(void *ctx, uint64_t va, enum mmu_access acc);
	void *miss_ctx;
};

/* Sets up an MMU in Bare mode with an empty TLB of tlb_entries entries,
 * tlb_ways-way set associative. Returns 0, or -EINVAL unless both are powers
 * of two with ways <= entries, or -ENOMEM. */
int  mmu_init(struct mmu *m, struct ram *ram, unsigned tlb_entries, unsigned tlb_ways);
void mmu_destroy(struct mmu *m);

/* Like `csrw satp`: switches address space without flushing the TLB (it is
 * ASID-tagged; only the host-side fast cache is dropped).  satp is WARL: a
 * write whose MODE is not Bare, Sv39 or Sv48 has no effect at all, as the
 * privileged spec (4.1.11) requires. */
void mmu_set_satp(struct mmu *m, uint64_t satp);

/* sfence.vma rs1, rs2 with has_va = (rs1 != x0), has_asid = (rs2 != x0);
 * see tlb_flush() for the four cases. */
void mmu_sfence_vma(struct mmu *m, bool has_va, uint64_t va, bool has_asid, uint16_t asid);

/* The flush half of mmu_sfence_page (out of line). */
void mmu_sfence_page_slow(struct mmu *m, uint64_t va, uint16_t asid);

/* sfence.vma va, asid: exactly mmu_sfence_vma(m, true, va, true, asid),
 * same count, same entries removed, for the kernel's shootdown after it
 * changes one PTE.  The probe of va's sets is inline; the flush runs only
 * when a set holds an entry for va's page (of any ASID). */
static inline void mmu_sfence_page(struct mmu *m, uint64_t va, uint16_t asid)
{
	m->stats.flushes++;
	if (tlb_maybe_holds(&m->tlb, va))
		mmu_sfence_page_slow(m, va, asid);
}

/* Translates va for a user-mode access of type acc exactly as the CPU does:
 * through the TLB, counting, setting A/D in RAM.  Returns 0 and *pa, or the
 * exception cause: CAUSE_{FETCH,LOAD,STORE}_PAGE_FAULT, or
 * CAUSE_{FETCH,LOAD,STORE}_ACCESS if a PTE or the final page lies outside RAM. */
int  mmu_translate(struct mmu *m, uint64_t va, enum mmu_access acc, uint64_t *pa);

/* Like mmu_translate, but returns the host address of va in *host and fills
 * the fast cache; the CPU's out-of-line path. */
int  mmu_translate_host(struct mmu *m, uint64_t va, enum mmu_access acc, uint8_t **host);

/* One side-effect-free walk, step by step, for `vmos explain`. */
struct mmu_walk_step { int level; uint64_t pte_pa; uint64_t pte; };
struct mmu_walk {
	int nsteps;
	struct mmu_walk_step step[5];
	int leaf_level;      /* -1 if no leaf was reached */
	uint64_t pa;
	uint64_t cause;      /* 0 = success */
	const char *why;     /* human reason for a fault, NULL on success */
};

/* Walks the table of `satp` for va as a user access of type acc, without the
 * TLB, counters or A/D updates, recording every PTE read. */
void mmu_walk_explain(const struct mmu *m, uint64_t satp, uint64_t va,
		      enum mmu_access acc, struct mmu_walk *out);

/* The whole tree under satp, side-effect free, for dumps and quizzes (the
 * one table walker outside the translation path: src/tools use it rather
 * than reading tables themselves).  Depth first in address order: table()
 * for each table page in RAM as it is reached (before its entries), entry()
 * for each non-zero entry in it, with the canonical (sign-extended) VA it
 * maps; then the walk descends into a valid non-leaf entry above level 0.
 * At the root only entries below root_limit are visited (PT_ENTRIES / 2:
 * the user half).  Either callback may be NULL; a nonzero return stops the
 * walk and is returned.  0 for a bare satp. */
struct mmu_tables_visitor {
	void *ctx;
	int (*table)(void *ctx, int level, uint64_t table_pa);
	int (*entry)(void *ctx, int level, uint64_t table_pa, unsigned index, uint64_t va,
		     uint64_t pte);
};
int mmu_tables_visit(const struct ram *ram, uint64_t satp, unsigned root_limit,
		     const struct mmu_tables_visitor *v);

/* Page-fault and access-fault causes for an access type. */
static inline uint64_t mmu_page_fault_cause(enum mmu_access acc)
{
	/* one byte per access type, indexed without a branch */
	uint64_t c = (((uint64_t)CAUSE_STORE_PAGE_FAULT << 16 | CAUSE_LOAD_PAGE_FAULT << 8 |
		       CAUSE_FETCH_PAGE_FAULT) >> (8 * acc)) & 0xff;
	if (c == 0)
		__builtin_unreachable();    /* tells the compiler a fault is never "success" */
	return c;
}

static inline uint64_t mmu_access_fault_cause(enum mmu_access acc)
{
	uint64_t c = (((uint64_t)CAUSE_STORE_ACCESS << 16 | CAUSE_LOAD_ACCESS << 8 |
		       CAUSE_FETCH_ACCESS) >> (8 * acc)) & 0xff;
	if (c == 0)
		__builtin_unreachable();
	return c;
}

/* Fast-cache slot of a virtual page number: its low bits, one AND on the
 * hit path.  The cache spans MMU_FAST_ENTRIES pages (4 MiB), so only pages
 * a multiple of 4 MiB apart compete for a slot (measured on CoreMark-like
 * code: folding higher bits in cost 6 host instructions per access and
 * saved no misses). */
static inline unsigned mmu_fast_index(uint64_t vpn)
{
	return (unsigned)(vpn & (MMU_FAST_ENTRIES - 1));
}

/* The inline hit path: the host address of an aligned access of `size`
 * bytes (a power of two <= 8) at va, or NULL if the fast cache misses or the
 * access is misaligned.  Counts nothing: the caller must add one to
 * stats.tlb_hits per non-NULL result (the CPU sums them in a register and
 * adds them when cpu_run returns). */
static inline uint8_t *mmu_fast_lookup(const struct mmu *m, enum mmu_access acc,
				       uint64_t va, unsigned size)
{
	const struct mmu_fast *f = &m->fast[acc][mmu_fast_index(va >> PGSHIFT)];
	if (__builtin_expect(f->tag == (va & (~PGMASK | (size - 1))), 1))
		return (uint8_t *)(uintptr_t)(va + f->addend);
	return NULL;
}

/* mmu_fast_lookup() that counts its hit. */
static inline uint8_t *mmu_fast_host(struct mmu *m, enum mmu_access acc,
				     uint64_t va, unsigned size)
{
	uint8_t *h = mmu_fast_lookup(m, acc, va, size);
	if (h)
		m->stats.tlb_hits++;
	return h;
}

/* Invalidates the whole fast cache (not the model). */
void mmu_fast_flush(struct mmu *m);

/* Empties the host-side walk cache (struct mmu_pwc): after a non-leaf PTE
 * was cleared or a page-table page freed. */
void mmu_pwc_flush(struct mmu *m);

#endif
