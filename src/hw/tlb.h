/*
 * tlb.h - the modeled translation lookaside buffer: a unified (instruction +
 * data), ASID-tagged, set-associative cache of leaf PTEs, as the RISC-V
 * privileged spec (4.2.1, 4.3.2) lets an implementation keep.
 *
 *   set index = VPN at the entry's level & (nsets - 1)
 *
 *        way 0        way 1        ...  way W-1
 *      +------------+------------+-----+------------+
 *  s0  | vpn lvl asid G pte                          |  <- victim: round robin
 *  s1  |                                             |
 *      +---------------------------------------------+
 *
 * An entry maps one page of its level's size (4 KiB, 2 MiB, 1 GiB or
 * 512 GiB), so a lookup probes one set per level that currently holds any
 * entries.  Global entries (G set anywhere on the walk) match every ASID.
 *
 * Replacement is round robin per set (FIFO).  It deliberately ignores hits:
 * the MMU keeps a host-side fast cache in front of this model that counts
 * hits without touching the model, and a hit-insensitive policy makes the
 * model's evictions - and so every hit/miss count - identical to what a TLB
 * consulted on every access would do.
 *
 * Presence filter: a counting Bloom filter with one hash (Fan et al.,
 * "Summary cache", 2000) over the valid entries' tags, 16 counters per entry
 * up to 64 Ki counters.  filt[tlb_filt_index(tag)] counts the valid entries
 * whose tag hashes there, kept by the only two places that make an entry
 * valid or invalid (fill, tlb_remove).  A zero counter proves no entry has the tag, so a
 * lookup that will miss (every page fault in a trace replay) and a flush of a
 * page the TLB does not hold skip the scan of the set's ways.  The filter
 * changes no result, only how fast a miss is found.
 *
 * This file knows nothing of RAM or of walks; mmu.c fills and consults it.
 */
#ifndef VMOS_HW_TLB_H
#define VMOS_HW_TLB_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define TLB_DEFAULT_ENTRIES 64
#define TLB_DEFAULT_WAYS    4
#define TLB_LEVELS          4     /* Sv48: leaves at levels 0..3 */

struct tlb_entry {
	uint64_t tag;        /* tlb_tag(vpn, level) while valid, 0 when not */
	uint64_t vpn;        /* va >> (12 + 9 * level) */
	uint64_t pte;        /* the leaf PTE as stored after the walk's A/D update */
	uint16_t asid;
	uint8_t  level;      /* 0 = 4 KiB page, 1 = 2 MiB, 2 = 1 GiB, 3 = 512 GiB */
	bool     valid;
	bool     global;
};

struct tlb {
	unsigned nentries, nways, nsets;
	struct tlb_entry *e;           /* nsets * nways, set-major */
	unsigned *victim;              /* per set: next way to replace */
	unsigned *nused;               /* per set: valid ways (a full set needs no scan) */
	unsigned level_count[TLB_LEVELS]; /* valid entries per level: skips probes */
	unsigned level_mask;           /* bit l set while level_count[l] != 0 */
	uint32_t *filt;                /* presence filter: see above */
	uint64_t filt_mask;            /* its size - 1 (a power of two) */
	unsigned filt_shift;           /* 64 - log2(its size) */
};

/* Called for every entry a flush or an eviction removes. */
typedef void tlb_removed_fn(void *ctx, const struct tlb_entry *e);

/* Allocates an empty TLB. Returns 0, or -EINVAL unless entries and ways are
 * powers of two with 1 <= ways <= entries, or -ENOMEM. */
int tlb_init(struct tlb *t, unsigned entries, unsigned ways);
void tlb_destroy(struct tlb *t);

static inline uint64_t tlb_vpn(uint64_t va, int level)
{
	/* 52 significant bits: the VA's sign extension above bit 47/38 is part
	 * of the tag, so distinct canonical addresses never alias. */
	return va >> (12 + 9 * level);
}

/* One word that a lookup compares: page number, level and a valid bit. */
static inline uint64_t tlb_tag(uint64_t vpn, int level)
{
	return (vpn << 3) | ((uint64_t)level << 1) | 1;
}

/* The filter counter of a tag: its top bits after multiplying by 2^64/phi
 * (Knuth's multiplicative hashing), so neither strides of pages nor
 * pages a power of two apart pile up in one counter. */
static inline uint64_t tlb_filt_index(const struct tlb *t, uint64_t tag)
{
	return (tag * 0x9e3779b97f4a7c15ull) >> t->filt_shift;
}

static inline struct tlb_entry *tlb_set(struct tlb *t, uint64_t vpn)
{
	return &t->e[(vpn & (t->nsets - 1)) * t->nways];
}

/* Returns the entry translating va for asid (a global entry matches any
 * asid), smallest page first, or NULL. Counts nothing. */
static inline struct tlb_entry *tlb_lookup(struct tlb *t, uint64_t va, uint16_t asid)
{
	for (unsigned m = t->level_mask; m; m &= m - 1) {
		int level = __builtin_ctz(m);
		uint64_t vpn = tlb_vpn(va, level), tag = tlb_tag(vpn, level);
		if (!t->filt[tlb_filt_index(t, tag)])
			continue;              /* no entry has this tag */
		struct tlb_entry *s = tlb_set(t, vpn);
		for (unsigned w = 0; w < t->nways; w++)
			if (s[w].tag == tag && (s[w].global || s[w].asid == asid))
				return &s[w];
	}
	return NULL;
}

/* False if no valid entry, of any ASID and level, maps va's page: then no
 * flush by va can remove anything.  True if one may (the filter's answer).
 * Counts nothing. */
static inline bool tlb_maybe_holds(const struct tlb *t, uint64_t va)
{
	for (unsigned m = t->level_mask; m; m &= m - 1) {
		int level = __builtin_ctz(m);
		if (t->filt[tlb_filt_index(t, tlb_tag(tlb_vpn(va, level), level))])
			return true;
	}
	return false;
}

/* Caches a leaf found by a walk. An entry for the same page and address space
 * is updated in place; otherwise a free way of the set is used, or the
 * round-robin victim is evicted and reported through removed(). Returns the
 * entry. */
struct tlb_entry *tlb_insert(struct tlb *t, uint64_t va, int level, uint16_t asid,
			     bool global, uint64_t pte,
			     tlb_removed_fn *removed, void *ctx);

/* tlb_insert for a page that tlb_lookup has just missed for asid: no
 * entry to refresh, so no search for one. */
struct tlb_entry *tlb_insert_new(struct tlb *t, uint64_t va, int level, uint16_t asid,
				 bool global, uint64_t pte,
				 tlb_removed_fn *removed, void *ctx);

/* Removes one entry (e.g. one that failed a permission check). */
void tlb_remove(struct tlb *t, struct tlb_entry *e);

/* sfence.vma (privileged spec 4.2.1):
 *   !has_va, !has_asid: every entry;
 *   !has_va,  has_asid: every non-global entry of asid;
 *    has_va, !has_asid: every entry (any asid, global too) mapping va;
 *    has_va,  has_asid: non-global entries of asid mapping va.
 * Returns the number of entries removed, each reported through removed(). */
unsigned tlb_flush(struct tlb *t, bool has_va, uint64_t va, bool has_asid,
		   uint16_t asid, tlb_removed_fn *removed, void *ctx);

/* Number of valid entries (for tests and reports). */
unsigned tlb_count(const struct tlb *t);

#endif
