/*
 * tlb.c - the modeled set-associative, ASID-tagged TLB (see tlb.h for the
 * organisation and the reasons for round-robin replacement).  sfence.vma
 * semantics follow the RISC-V privileged spec, section 4.2.1.
 */
#include "tlb.h"

#include <errno.h>
#include <stdlib.h>

static bool is_pow2(unsigned v)
{
	return v && !(v & (v - 1));
}

int tlb_init(struct tlb *t, unsigned entries, unsigned ways)
{
	if (!is_pow2(entries) || !is_pow2(ways) || ways > entries)
		return -EINVAL;
	t->nentries = entries;
	t->nways = ways;
	t->nsets = entries / ways;
	t->e = calloc(entries, sizeof *t->e);
	t->victim = calloc(t->nsets, sizeof *t->victim);
	t->nused = calloc(t->nsets, sizeof *t->nused);
	t->filt_mask = (entries < 4096 ? 16ull * entries : 65536) - 1;   /* <= 256 KiB */
	t->filt_shift = 64 - (unsigned)__builtin_ctzll(t->filt_mask + 1);
	t->filt = calloc(t->filt_mask + 1, sizeof *t->filt);
	if (!t->e || !t->victim || !t->nused || !t->filt) {
		tlb_destroy(t);
		return -ENOMEM;
	}
	for (int l = 0; l < TLB_LEVELS; l++)
		t->level_count[l] = 0;
	t->level_mask = 0;
	return 0;
}

void tlb_destroy(struct tlb *t)
{
	free(t->e);
	free(t->victim);
	free(t->nused);
	free(t->filt);
	t->filt = NULL;
	t->e = NULL;
	t->victim = NULL;
	t->nused = NULL;
}

/* tlb_remove, inline in this file's hot paths. */
static inline __attribute__((always_inline)) void remove_entry(struct tlb *t, struct tlb_entry *e)
{
	if (e->valid) {
		e->valid = false;
		t->filt[tlb_filt_index(t, e->tag)]--;
		e->tag = 0;
		t->nused[e->vpn & (t->nsets - 1)]--;
		if (--t->level_count[e->level] == 0)
			t->level_mask &= ~(1u << e->level);
	}
}

void tlb_remove(struct tlb *t, struct tlb_entry *e)
{
	remove_entry(t, e);
}

/* Fills a way of va's set: the first invalid one, else the round-robin
 * victim.  `present` says whether an entry for the same page and address
 * space may be there already (to be refreshed in place, e.g. D set); a
 * caller whose lookup just missed knows it is not. */
static inline __attribute__((always_inline)) struct tlb_entry *
fill(struct tlb *t, uint64_t va, int level, uint16_t asid, bool global, uint64_t pte,
     tlb_removed_fn *removed, void *ctx, bool present)
{
	uint64_t vpn = tlb_vpn(va, level), tag = tlb_tag(vpn, level);
	struct tlb_entry *s = tlb_set(t, vpn);
	struct tlb_entry *slot = NULL;
	unsigned set = (unsigned)(vpn & (t->nsets - 1));
	if (present || t->nused[set] < t->nways) {
		for (unsigned w = 0; w < t->nways; w++) {
			struct tlb_entry *e = &s[w];
			if (present && e->tag == tag && e->global == global &&
			    (global || e->asid == asid)) {
				e->pte = pte;           /* refresh in place (e.g. D set) */
				return e;
			}
			if (!e->tag && !slot) {
				slot = e;
				if (!present)
					break;
			}
		}
	}
	if (!slot) {
		unsigned *v = &t->victim[set];
		slot = &s[*v];
		*v = (*v + 1) & (t->nways - 1);
		if (removed)
			removed(ctx, slot);
		remove_entry(t, slot);
	}
	slot->tag = tag;
	t->filt[tlb_filt_index(t, tag)]++;
	slot->vpn = vpn;
	slot->pte = pte;
	slot->asid = asid;
	slot->level = (uint8_t)level;
	slot->global = global;
	slot->valid = true;
	t->nused[set]++;
	t->level_count[level]++;
	t->level_mask |= 1u << level;
	return slot;
}

struct tlb_entry *tlb_insert(struct tlb *t, uint64_t va, int level, uint16_t asid,
			     bool global, uint64_t pte,
			     tlb_removed_fn *removed, void *ctx)
{
	return fill(t, va, level, asid, global, pte, removed, ctx, true);
}

struct tlb_entry *tlb_insert_new(struct tlb *t, uint64_t va, int level, uint16_t asid,
				 bool global, uint64_t pte,
				 tlb_removed_fn *removed, void *ctx)
{
	return fill(t, va, level, asid, global, pte, removed, ctx, false);
}

/* Removes e if the flush selects it; returns 1 if it did. */
static inline unsigned flush_one(struct tlb *t, struct tlb_entry *e, bool has_va,
				 uint64_t va, bool has_asid, uint16_t asid,
				 tlb_removed_fn *removed, void *ctx)
{
	if (!e->valid)
		return 0;
	if (has_asid && (e->global || e->asid != asid))
		return 0;
	if (has_va && e->vpn != tlb_vpn(va, e->level))
		return 0;
	if (removed)
		removed(ctx, e);
	tlb_remove(t, e);
	return 1;
}

/* The by-address flush: only the set of va at each level can hold a
 * match.  Inlined with has_asid constant, for each of the two cases. */
static inline __attribute__((always_inline)) unsigned
flush_va(struct tlb *t, uint64_t va, bool has_asid, uint16_t asid, tlb_removed_fn *removed,
	 void *ctx)
{
	unsigned n = 0;
	for (unsigned m = t->level_mask; m; m &= m - 1) {
		int level = __builtin_ctz(m);
		uint64_t vpn = tlb_vpn(va, level), tag = tlb_tag(vpn, level);
		struct tlb_entry *s = tlb_set(t, vpn);
		for (unsigned w = 0; w < t->nways; w++) {
			struct tlb_entry *e = &s[w];
			if (e->tag == tag && !(has_asid && (e->global || e->asid != asid))) {
				if (removed)
					removed(ctx, e);
				tlb_remove(t, e);
				n++;
			}
		}
	}
	return n;
}

unsigned tlb_flush(struct tlb *t, bool has_va, uint64_t va, bool has_asid,
		   uint16_t asid, tlb_removed_fn *removed, void *ctx)
{
	if (has_va)
		return has_asid ? flush_va(t, va, true, asid, removed, ctx) :
				  flush_va(t, va, false, 0, removed, ctx);
	unsigned n = 0;
	for (unsigned i = 0; i < t->nentries; i++)
		n += flush_one(t, &t->e[i], false, 0, has_asid, asid, removed, ctx);
	return n;
}

unsigned tlb_count(const struct tlb *t)
{
	unsigned n = 0;
	for (int l = 0; l < TLB_LEVELS; l++)
		n += t->level_count[l];
	return n;
}
