/*
 * tlb.c - the modeled set-associative, ASID-tagged TLB (see tlb.h for the
 * organisation and the reasons for round-robin replacement).  sfence.vma
 * semantics follow the RISC-V privileged spec, section 4.2.1.
 */
#include "tlb.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool is_pow2(unsigned v)
{
	return v && !(v & (v - 1));
}

/* Host memory aligned to a cache line, zeroed; NULL if out of memory. */
static void *zalloc_lines(size_t n, size_t size)
{
	void *p;
	size_t bytes = n * size;
	if (posix_memalign(&p, 64, bytes ? bytes : 1))
		return NULL;
	memset(p, 0, bytes);
	return p;
}

int tlb_init(struct tlb *t, unsigned entries, unsigned ways)
{
	if (!is_pow2(entries) || !is_pow2(ways) || ways > entries)
		return -EINVAL;
	memset(t, 0, sizeof *t);
	t->nentries = entries;
	t->nways = ways;
	t->nsets = entries / ways;
	t->tag = zalloc_lines(entries, sizeof *t->tag);
	t->e = zalloc_lines(entries, sizeof *t->e);
	t->fast_mask = calloc(entries, sizeof *t->fast_mask);
	t->way_shift = (unsigned)__builtin_ctz(ways);
	t->set = calloc(t->nsets, sizeof *t->set);
	t->filt_mask = (entries < 4096 ? 16ull * entries : 65536) - 1;   /* <= 256 KiB */
	t->filt_shift = 64 - (unsigned)__builtin_ctzll(t->filt_mask + 1);
	t->filt = calloc(t->filt_mask + 1, sizeof *t->filt);
	if (!t->tag || !t->e || !t->fast_mask || !t->set || !t->filt) {
		tlb_destroy(t);
		return -ENOMEM;
	}
	return 0;
}

void tlb_destroy(struct tlb *t)
{
	free(t->tag);
	free(t->e);
	free(t->fast_mask);
	free(t->set);
	free(t->filt);
	t->tag = NULL;
	t->e = NULL;
	t->set = NULL;
	t->filt = NULL;
}

/* Takes the valid entry at index i out of the counts and the filter and
 * marks its way invalid. */
static inline __attribute__((always_inline)) void remove_at(struct tlb *t, size_t i)
{
	uint64_t tag = t->tag[i];
	int level = tlb_tag_level(tag);
	t->filt[tlb_filt_index(t, tag)]--;
	t->tag[i] = 0;
	t->set[i >> t->way_shift].nused--;
	if (--t->level_count[level] == 0)
		t->level_mask &= ~(1u << level);
}

void tlb_remove(struct tlb *t, struct tlb_entry *e)
{
	size_t i = (size_t)(e - t->e);
	if (tlb_tag_valid(t->tag[i]))
		remove_at(t, i);
}

struct tlb_entry *tlb_insert(struct tlb *t, uint64_t va, int level, uint16_t asid,
			     bool global, uint64_t pte,
			     tlb_removed_fn *removed, void *ctx)
{
	return tlb_fill(t, va, level, asid, global, pte, removed, ctx, true);
}

/* Reports and removes the valid entry at index i. */
static inline void flush_at(struct tlb *t, size_t i, tlb_removed_fn *removed, void *ctx)
{
	if (removed) {
		t->removed_mask = t->fast_mask[i];
		removed(ctx, tlb_tag_vpn(t->tag[i]), tlb_tag_level(t->tag[i]));
	}
	remove_at(t, i);
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
		if (!t->filt[tlb_filt_index(t, tag)])
			continue;              /* no entry has this tag */
		size_t base = tlb_set_base(t, vpn);
		const uint64_t *tg = &t->tag[base];
		for (unsigned w = 0, nw = t->nways; w < nw; w++) {
			if (tg[w] != tag)
				continue;
			const struct tlb_entry *e = &t->e[base + w];
			if (!(has_asid && (e->global || e->asid != asid))) {
				flush_at(t, base + w, removed, ctx);
				n++;
			}
		}
	}
	return n;
}

unsigned tlb_flush_page(struct tlb *t, uint64_t va, uint16_t asid, tlb_removed_fn *removed,
			void *ctx)
{
	if (t->level_mask != 1)
		return flush_va(t, va, true, asid, removed, ctx);
	/* 4 KiB entries only (the usual case): one set, one tag */
	uint64_t vpn = tlb_vpn(va, 0), tag = tlb_tag(vpn, 0);
	size_t base = tlb_set_base(t, vpn);
	unsigned n = 0;
	for (unsigned w = 0, nw = t->nways; w < nw; w++) {
		const struct tlb_entry *e = &t->e[base + w];
		if (t->tag[base + w] == tag && !e->global && e->asid == asid) {
			flush_at(t, base + w, removed, ctx);
			n++;
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
	for (size_t i = 0; i < t->nentries; i++) {
		if (!tlb_tag_valid(t->tag[i]))
			continue;
		if (has_asid && (t->e[i].global || t->e[i].asid != asid))
			continue;
		flush_at(t, i, removed, ctx);
		n++;
	}
	return n;
}

unsigned tlb_count(const struct tlb *t)
{
	unsigned n = 0;
	for (int l = 0; l < TLB_LEVELS; l++)
		n += t->level_count[l];
	return n;
}
