/*
 * tlb.h - the modeled translation lookaside buffer: a unified (instruction +
 * data), ASID-tagged, set-associative cache of leaf PTEs, as the RISC-V
 * privileged spec (4.2.1, 4.3.2) lets an implementation keep.
 *
 *   set index = VPN at the entry's level & (nsets - 1)
 *
 *        way 0   way 1  ...  way W-1
 *      +-------+-------+-----+-------+
 *  s0  | tag   | tag   |     | tag   |   tag[]: what a lookup scans, one word a way
 *  s1  |       |       |     |       |
 *      +-------+-------+-----+-------+
 *      | pte asid G    |  ...          e[]: the rest of the entry, same index
 *
 *   tag = vpn << 3 | level << 1 | valid     (0 = an invalid way)
 *
 * An entry maps one page of its level's size (4 KiB, 2 MiB, 1 GiB or
 * 512 GiB), so a lookup probes one set per level that currently holds any
 * entries.  Global entries (G set anywhere on the walk) match every ASID.
 *
 * Tags apart from the rest (structure of arrays): a lookup that misses -
 * every page fault of a trace replay - reads one word per way, all in one
 * host cache line for up to 8 ways, and the default 64-entry TLB's tags
 * fit in 512 bytes; the page number, level and valid bit are decoded from
 * the tag, so an entry's other half is 16 bytes.
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
 * whose tag hashes there, kept by the only places that make an entry valid
 * or invalid (fill, removal).  A zero counter proves no entry has the tag,
 * so a lookup that will miss (every page fault in a trace replay) and a
 * flush of a page the TLB does not hold skip the scan of the set's ways.
 * The filter changes no result, only how fast a miss is found; it costs
 * fewer instructions than a scan of even 4 ways (measured with callgrind on
 * trace replays, 64:4 and 1024:8).
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

/* An entry's translation; its page number, level and validity are in the
 * tag of the same index (tlb_entry_tag()). */
struct tlb_entry {
	uint64_t pte;        /* the leaf PTE as stored after the walk's A/D update */
	uint16_t asid;
	bool     global;
};

struct tlb_set_state {
	unsigned victim;     /* next way to replace */
	unsigned nused;      /* valid ways (a full set needs no scan for a free one) */
};

struct tlb {
	unsigned nentries, nways, nsets;
	unsigned way_shift;            /* log2(nways) */
	uint64_t *tag;                 /* nsets * nways, set-major: tlb_tag() or 0 */
	struct tlb_entry *e;           /* the same shape */
	struct tlb_set_state *set;     /* per set */
	unsigned level_count[TLB_LEVELS]; /* valid entries per level: skips probes */
	unsigned level_mask;           /* bit l set while level_count[l] != 0 */
	uint32_t *filt;                /* presence filter (see above) */
	uint64_t filt_mask;            /* its size - 1 (a power of two) */
	unsigned filt_shift;           /* 64 - log2(its size) */
	/* Per entry (same index as e), for superpage entries (level >= 1): bit
	 * g set if a 4 KiB page in the g-th 64th of the entry may have a slot
	 * in the MMU's host fast cache derived from it (set by the MMU; 0 when
	 * a superpage entry is filled, kept when refreshed), so that evicting
	 * it drops 8 candidate slots per set bit instead of scanning the whole
	 * fast cache.  Not kept for 4 KiB entries (a separate array: the
	 * entries of the miss path stay 16 bytes). */
	uint64_t *fast_mask;
	uint64_t removed_mask;         /* fast_mask of the entry being reported
	                                  to a tlb_removed_fn, during the call */
};

/* Called for every entry a flush or an eviction removes, with the page
 * number and level it mapped (before it is cleared). */
typedef void tlb_removed_fn(void *ctx, uint64_t vpn, int level);

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

/* What a tag says: valid, its page number and level. */
static inline bool tlb_tag_valid(uint64_t tag) { return tag & 1; }
static inline uint64_t tlb_tag_vpn(uint64_t tag) { return tag >> 3; }
static inline int tlb_tag_level(uint64_t tag) { return (int)((tag >> 1) & 3); }

/* The tag of entry e of t (0 if the way is invalid). */
static inline uint64_t tlb_entry_tag(const struct tlb *t, const struct tlb_entry *e)
{
	return t->tag[e - t->e];
}

/* The filter counter of a tag: its top bits after multiplying by 2^64/phi
 * (Knuth's multiplicative hashing), so neither strides of pages nor
 * pages a power of two apart pile up in one counter. */
static inline uint64_t tlb_filt_index(const struct tlb *t, uint64_t tag)
{
	return (tag * 0x9e3779b97f4a7c15ull) >> t->filt_shift;
}

/* Index of way 0 of vpn's set. */
static inline size_t tlb_set_base(const struct tlb *t, uint64_t vpn)
{
	return (size_t)(vpn & (t->nsets - 1)) * t->nways;
}

/* Index of the way of the set at `base` whose tag is `tag` and whose ASID
 * matches asid (or that is global), or -1. */
static inline long tlb_scan_set(const struct tlb *t, size_t base, uint64_t tag, uint16_t asid)
{
	const uint64_t *tg = &t->tag[base];
	for (unsigned w = 0, n = t->nways; w < n; w++)
		if (tg[w] == tag) {
			const struct tlb_entry *e = &t->e[base + w];
			if (e->global || e->asid == asid)
				return (long)(base + w);
		}
	return -1;
}

/* Returns the entry translating va for asid (a global entry matches any
 * asid), smallest page first, or NULL. Counts nothing. */
static inline struct tlb_entry *tlb_lookup(struct tlb *t, uint64_t va, uint16_t asid)
{
	unsigned mask = t->level_mask;
	if (mask == 1) {                   /* 4 KiB pages only: the usual case */
		uint64_t vpn = tlb_vpn(va, 0), tag = tlb_tag(vpn, 0);
		if (!t->filt[tlb_filt_index(t, tag)])
			return NULL;
		long i = tlb_scan_set(t, tlb_set_base(t, vpn), tag, asid);
		return i >= 0 ? &t->e[i] : NULL;
	}
	for (unsigned m = mask; m; m &= m - 1) {
		int level = __builtin_ctz(m);
		uint64_t vpn = tlb_vpn(va, level), tag = tlb_tag(vpn, level);
		if (!t->filt[tlb_filt_index(t, tag)])
			continue;              /* no entry has this tag */
		long i = tlb_scan_set(t, tlb_set_base(t, vpn), tag, asid);
		if (i >= 0)
			return &t->e[i];
	}
	return NULL;
}

/* False if no valid entry, of any ASID and level, maps va's page: then no
 * flush by va can remove anything.  True if one may (the filter's answer).
 * Counts nothing. */
static inline bool tlb_maybe_holds(const struct tlb *t, uint64_t va)
{
	if (t->level_mask == 1)            /* 4 KiB pages only: the usual case */
		return t->filt[tlb_filt_index(t, tlb_tag(tlb_vpn(va, 0), 0))] != 0;
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

/* The body of tlb_insert and tlb_insert_new, inline so that the MMU's
 * miss path, which fills after every walk, makes no call.  Fills a way of
 * va's set: the first invalid one, else the round-robin victim.
 * `present` says whether an entry for the same page and address space may
 * be there already (to be refreshed in place, e.g. D set); a caller whose
 * lookup just missed knows it is not.
 *
 * Replacing a victim (a full set: the common case of a replay that misses
 * all the time) leaves the set's count alone, and the level counts too when
 * the victim has the new entry's level: only the net changes are made. */
static inline __attribute__((always_inline)) struct tlb_entry *
tlb_fill(struct tlb *t, uint64_t va, int level, uint16_t asid, bool global, uint64_t pte,
	 tlb_removed_fn *removed, void *ctx, bool present)
{
	uint64_t vpn = tlb_vpn(va, level), tag = tlb_tag(vpn, level);
	size_t base = tlb_set_base(t, vpn);
	struct tlb_set_state *ss = &t->set[base >> t->way_shift];
	uint64_t *tg = &t->tag[base];
	size_t i;
	if (present) {
		long same = -1, free_way = -1;
		for (unsigned w = 0; w < t->nways; w++) {
			if (tg[w] == tag) {
				struct tlb_entry *e = &t->e[base + w];
				if (e->global == global && (global || e->asid == asid)) {
					same = (long)w;
					break;
				}
			} else if (!tg[w] && free_way < 0) {
				free_way = (long)w;
			}
		}
		if (same >= 0) {
			t->e[base + (size_t)same].pte = pte;  /* refresh in place (e.g. D set) */
			return &t->e[base + (size_t)same];
		}
		if (free_way >= 0) {
			i = base + (size_t)free_way;
			goto fill_free;
		}
	} else if (ss->nused < t->nways) {
		unsigned w = 0;
		while (tg[w])
			w++;
		i = base + w;
		goto fill_free;
	}
	/* the set is full: replace the round-robin victim */
	unsigned v = ss->victim;
	ss->victim = (v + 1) & (t->nways - 1);
	i = base + v;
	uint64_t old = t->tag[i];
	int old_level = tlb_tag_level(old);
	if (removed) {
		t->removed_mask = t->fast_mask[i];
		removed(ctx, tlb_tag_vpn(old), old_level);
	}
	t->filt[tlb_filt_index(t, old)]--;
	t->filt[tlb_filt_index(t, tag)]++;
	if (old_level != level) {
		if (--t->level_count[old_level] == 0)
			t->level_mask &= ~(1u << old_level);
		t->level_count[level]++;
		t->level_mask |= 1u << level;
	}
	goto set_entry;
fill_free:
	t->filt[tlb_filt_index(t, tag)]++;
	ss->nused++;
	t->level_count[level]++;
	t->level_mask |= 1u << level;
set_entry:
	t->tag[i] = tag;
	t->e[i] = (struct tlb_entry){ .pte = pte, .asid = asid, .global = global };
	if (level)
		t->fast_mask[i] = 0;
	return &t->e[i];
}

/* tlb_insert for a page that tlb_lookup has just missed for asid: no
 * entry to refresh, so no search for one. */
static inline struct tlb_entry *tlb_insert_new(struct tlb *t, uint64_t va, int level, uint16_t asid,
					       bool global, uint64_t pte,
					       tlb_removed_fn *removed, void *ctx)
{
	return tlb_fill(t, va, level, asid, global, pte, removed, ctx, false);
}

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

/* tlb_flush(t, true, va, true, asid, ...): the kernel's shootdown of one
 * page, with a shorter path while the TLB holds 4 KiB entries only. */
unsigned tlb_flush_page(struct tlb *t, uint64_t va, uint16_t asid, tlb_removed_fn *removed,
			void *ctx);

/* Number of valid entries (for tests and reports). */
unsigned tlb_count(const struct tlb *t);

#endif
