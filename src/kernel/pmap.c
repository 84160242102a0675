/*
 * pmap.c - RISC-V Sv39/Sv48 page tables in simulated RAM (see pmap.h).
 *
 * A virtual address is cut into `levels` 9-bit VPN fields above the 12-bit
 * page offset; table walks take the number of levels as a parameter, so
 * Sv39 (3 levels) and Sv48 (4 levels) share every line.  User mappings are
 * 4 KiB leaves at level 0, or 2 MiB superpage leaves at level 1 (made by
 * pmap_promote and pmap_enter_super, split by demote_slot whenever a
 * 4 KiB operation meets one; the rules are in pmap.h).
 *
 * Range operations (foreach, remove, protect, destroy) descend the tree once
 * and skip whole subtrees that hold nothing, so they cost time in proportion
 * to what is mapped, not to the size of the range.
 */
#include "pmap.h"
#include "panic.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define PTE_SWAP_MARK   PTE_R        /* in an invalid PTE: a swap entry */

/* The host address of the table page at table_pa (in RAM: pmap made it). */
static inline uint64_t *table_of(struct page_alloc *pa, uint64_t table_pa)
{
	return ram_ptr(pa->ram, table_pa);
}

/* The frame refcount of a table page counts its non-zero entries. */
static inline struct frame *table_frame(struct page_alloc *pa, uint64_t table_pa)
{
	return pa_frame(pa, table_pa);
}

/* A zeroed table page owned by pid, with no entries counted; 0 if no frame. */
static uint64_t table_alloc(struct page_alloc *pa, uint32_t pid)
{
	uint64_t t = page_alloc_frames(pa, 0, PA_ZERO, FO_PAGE_TABLE, pid);
	if (t)
		table_frame(pa, t)->refcount = 0;
	return t;
}

/* True if pte is a swap entry (invalid, swap mark set): pmap's encoding. */
static inline bool pte_swapped(uint64_t pte)
{
	return !(pte & PTE_V) && (pte & PTE_SWAP_MARK);
}

/* Describes the non-zero leaf pte of va in *pg (present or swapped). */
static inline void fill_page(struct pmap_page *pg, uint64_t va, uint64_t pte)
{
	if (pte_swapped(pte)) {
		*pg = (struct pmap_page){ .va = va, .swapped = true, .swap_slot = pte >> PTE_PPN_SHIFT };
		return;
	}
	/* a PROT_NONE page keeps the A and D bits it had (software state) */
	*pg = (struct pmap_page){
		.va = va,
		.pa = PTE_PA(pte),
		.present = true,
		.cow = (pte & PTE_SW_COW) != 0,
		.referenced = (pte & PTE_A) != 0,
		.modified = (pte & PTE_D) != 0,
		.prot = !(pte & PTE_V) ? 0 :
			((pte & PTE_R) ? VM_PROT_READ : 0) | ((pte & PTE_W) ? VM_PROT_WRITE : 0) |
			((pte & PTE_X) ? VM_PROT_EXEC : 0),
	};
}

/* ---- the kernel half ---------------------------------------------------- */

/* Writes a kernel leaf mapping va -> pa at `level`, creating tables. */
static int kmap(struct pmap_kernel *pk, uint64_t va, uint64_t pa, int level)
{
	uint64_t table = pk->kroot;
	for (int l = pk->levels - 1; l > level; l--) {
		uint64_t *pte = table_of(pk->pa, table) + VA_VPN(va, l);
		if (!(*pte & PTE_V)) {
			uint64_t t = table_alloc(pk->pa, 0);
			if (!t)
				return -ENOMEM;
			pk->kpt_pages++;
			*pte = PA_TO_PTE(t) | PTE_V;
			table_frame(pk->pa, table)->refcount++;
		}
		table = PTE_PA(*pte);
	}
	uint64_t *pte = table_of(pk->pa, table) + VA_VPN(va, level);
	*pte = PA_TO_PTE(pa) | PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D;
	table_frame(pk->pa, table)->refcount++;
	return 0;
}

/* Frees table (at level) and every table below it, counting them in
 * *count; for the kernel half at shutdown (leaves are not frames to free). */
static void free_tables(struct page_alloc *pa, uint64_t table, int level, uint64_t *count)
{
	uint64_t *t = table_of(pa, table);
	if (level > 0)
		for (int i = 0; i < PT_ENTRIES; i++)
			if ((t[i] & PTE_V) && !PTE_IS_LEAF(t[i]))
				free_tables(pa, PTE_PA(t[i]), level - 1, count);
	page_free_frames(pa, table, 0);
	(*count)++;
}

/* pmap.h: the kernel half (direct map) every address space shares. */
int pmap_kernel_init(struct pmap_kernel *pk, struct page_alloc *pa, struct mmu *mmu, int levels)
{
	memset(pk, 0, sizeof *pk);
	pk->pa = pa;
	pk->mmu = mmu;
	pk->levels = levels;
	pk->kroot = table_alloc(pa, 0);
	if (!pk->kroot)
		return -ENOMEM;
	pk->kpt_pages = 1;
	struct ram *ram = pa->ram;
	const uint64_t big = LEVEL_SIZE(1);
	for (uint64_t p = ram->base; p < ram->base + ram->size;) {
		bool superpage = !(p & (big - 1)) && p + big <= ram->base + ram->size;
		if (kmap(pk, kernel_base(levels) + p, p, superpage ? 1 : 0) < 0) {
			pmap_kernel_destroy(pk);
			return -ENOMEM;
		}
		p += superpage ? big : PGSIZE;
	}
	return 0;
}

/* pmap.h: frees the kernel half's tables. */
void pmap_kernel_destroy(struct pmap_kernel *pk)
{
	uint64_t n = 0;
	if (pk->kroot) {
		mmu_pwc_flush(pk->mmu);
		free_tables(pk->pa, pk->kroot, pk->levels - 1, &n);
	}
	pk->kroot = 0;
	pk->kpt_pages = 0;
	asid_space_destroy(&pk->asids);
}

/* ---- user address spaces ------------------------------------------------- */

/* pmap.h: an empty user half over the shared kernel half. */
int pmap_create(struct pmap *pm, struct pmap_kernel *pk, uint16_t asid, uint32_t pid)
{
	memset(pm, 0, sizeof *pm);
	memset(pm->wc_tag, 0xff, sizeof pm->wc_tag);      /* PMAP_WC_EMPTY */
	pm->pk = pk;
	pm->asid = (struct asid_tag){ .id = pk->asids.gen ? 0 : asid, .gen = 0 };
	pm->pid = pid;
	pm->top = user_top(pk->levels);
	pm->root = table_alloc(pk->pa, pid);
	if (!pm->root)
		return -ENOMEM;
	pm->pt_pages = pm->pt_pages_peak = 1;
	/* Share the kernel half: copy the top-level entries that point at the
	 * kernel's tables.  They are not counted in the root's refcount, which
	 * counts only the user half. */
	uint64_t *root = table_of(pk->pa, pm->root), *kroot = table_of(pk->pa, pk->kroot);
	for (int i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
		root[i] = kroot[i];
	asid_try_assign(&pk->asids, &pm->asid);
	return 0;
}

/* pmap.h: the satp value that selects pm (mode, ASID, root). */
uint64_t pmap_satp(const struct pmap *pm)
{
	return MAKE_SATP(pm->pk->levels == 4 ? SATP_MODE_SV48 : SATP_MODE_SV39, pm->asid.id, pm->root);
}

/* True if va is a page-aligned user address of pm. */
static inline bool user_va_ok(const struct pmap *pm, uint64_t va)
{
	return va < pm->top && !(va & PGMASK);
}

/* Forgets the cached last-level table of the 2 MiB range at va. */
static inline void wc_drop(struct pmap *pm, uint64_t va)
{
	unsigned i = pmap_wc_index(va);
	if (pm->wc_tag[i] == va >> 21)
		pm->wc_tag[i] = PMAP_WC_EMPTY;
}

/* A superpage PTE for the 4 KiB page at offset i of its block: the leaf's
 * rights and A/D bits over that frame. */
static inline uint64_t sub_pte(uint64_t leaf, unsigned i)
{
	return PA_TO_PTE(PTE_PA(leaf) + ((uint64_t)i << PGSHIFT)) | PTE_FLAGS(leaf);
}

/* Splits the superpage leaf *slot (in a level-1 table) of the 2 MiB range
 * at va into a new level-0 table of 512 PTEs with the same rights and A/D
 * bits, and shoots the 2 MiB translation down (TLB and the host walk
 * cache).  The level-1 table's refcount is unchanged (one entry for
 * another).  Returns 0 or -ENOMEM (nothing changed). */
static int demote_slot(struct pmap *pm, uint64_t va, uint64_t *slot)
{
	struct page_alloc *pa = pm->pk->pa;
	uint64_t leaf = *slot;
	uint64_t t = table_alloc(pa, pm->pid);
	if (!t)
		return -ENOMEM;
	if (++pm->pt_pages > pm->pt_pages_peak)
		pm->pt_pages_peak = pm->pt_pages;
	uint64_t *tt = table_of(pa, t);
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		tt[i] = sub_pte(leaf, i);
	table_frame(pa, t)->refcount = PT_ENTRIES;
	*slot = PA_TO_PTE(t) | PTE_V;
	pmap_flush_va(pm, va & ~(LEVEL_SIZE(1) - 1));
	mmu_pwc_flush(pm->pk->mmu);
	pm->nsuper--;
	pm->pk->demotions++;
	return 0;
}

/* True if pte, in a level-1 table of the user half, is a superpage leaf. */
static inline bool super_leaf(uint64_t pte)
{
	return (pte & PTE_V) && PTE_IS_LEAF(pte);
}

/* An empty table below the invalid entry *pte of table (counted in the
 * table's refcount and in pm->pt_pages), if create.  False if !create or
 * no frame came. */
static inline bool table_add(struct pmap *pm, uint64_t table, uint64_t *pte, bool create)
{
	struct page_alloc *pa = pm->pk->pa;
	if (!create)
		return false;
	uint64_t t = table_alloc(pa, pm->pid);
	if (!t)
		return false;
	if (++pm->pt_pages > pm->pt_pages_peak)
		pm->pt_pages_peak = pm->pt_pages;
	*pte = PA_TO_PTE(t) | PTE_V;
	table_frame(pa, table)->refcount++;
	return true;
}

/* The level-1 slot of va (NULL if a table above it is missing). */
static uint64_t *level1_slot(struct pmap *pm, uint64_t va, bool create, struct frame **tf)
{
	struct page_alloc *pa = pm->pk->pa;
	uint64_t table = pm->root;
	for (int l = pm->pk->levels - 1; l > 1; l--) {
		uint64_t *pte = table_of(pa, table) + VA_VPN(va, l);
		if (!(*pte & PTE_V) && !table_add(pm, table, pte, create))
			return NULL;
		table = PTE_PA(*pte);
	}
	*tf = table_frame(pa, table);
	return table_of(pa, table) + VA_VPN(va, 1);
}

/* pmap.h: the walk below the walk cache.  Returns the level-0 PTE slot for
 * va, creating tables if create (each counted in its parent's refcount and
 * in pm->pt_pages); NULL if a table is missing (and !create) or cannot be
 * allocated.  Fills the walk cache entry of va's 2 MiB range.  A superpage
 * met on the way is split (demote_slot): the caller is about to work on
 * one 4 KiB page of it; kpanics if that split finds no memory. */
uint64_t *pmap_walk_tables(struct pmap *pm, uint64_t va, bool create)
{
	unsigned ci = pmap_wc_index(va);
	struct page_alloc *pa = pm->pk->pa;
	uint64_t table = pm->root;
	for (int l = pm->pk->levels - 1; l > 0; l--) {
		uint64_t *pte = table_of(pa, table) + VA_VPN(va, l);
		if (!(*pte & PTE_V)) {
			if (!table_add(pm, table, pte, create))
				return NULL;
		} else if (PTE_IS_LEAF(*pte)) {
			if (l != 1 || demote_slot(pm, va, pte) < 0)
				kpanic("pmap walk: cannot split the superpage at va 0x%llx",
				       (unsigned long long)va);
		}
		table = PTE_PA(*pte);
	}
	pm->wc_tag[ci] = va >> 21;
	pm->wc_table[ci] = table_of(pa, table);
	pm->wc_frame[ci] = table_frame(pa, table);
	return pm->wc_table[ci] + VA_VPN(va, 0);
}

/* pmap.h: the slot mapping va, splitting nothing. */
uint64_t *pmap_peek_slow(struct pmap *pm, uint64_t va, bool *super)
{
	*super = false;
	if (pm->nsuper) {
		struct frame *tf;
		uint64_t *s1 = level1_slot(pm, va, false, &tf);
		if (!s1)
			return NULL;
		if (super_leaf(*s1)) {
			*super = true;
			return s1;
		}
	}
	return pmap_walk_tables(pm, va, false);
}

/* pmap_enter (pmap.h) when the walk cache misses or the slot is in use:
 * maps pa at va with prot (write withheld while cow), replacing whatever
 * the slot held (keeping A and D when the frame is the same).  A PTE
 * change point: flushes va's TLB entry if the old PTE was valid.  Returns 0,
 * -EINVAL for a bad va, -ENOMEM if a table cannot be allocated. */
int pmap_enter_slow(struct pmap *pm, uint64_t va, uint64_t pa, unsigned prot, bool cow)
{
	if (!user_va_ok(pm, va))
		return -EINVAL;
	uint64_t *pte = pmap_walk(pm, va, true);
	if (!pte)
		return -ENOMEM;      /* tables created on the way stay, empty: harmless */
	uint64_t old = *pte;
	*pte = pmap_make_leaf(pa, prot, cow);
	/* the same frame with new rights keeps what the hardware recorded: a
	 * lost D bit would let reclaim drop data as if the page were clean */
	if (pmap_pte_present(old) && !pte_swapped(old) && PTE_PPN(old) == PTE_PPN(*pte))
		*pte |= old & (PTE_A | PTE_D);
	if (!old) {
		pmap_slot_frame(pm, va)->refcount++;
	} else {
		if (old & PTE_V)
			pmap_flush_va(pm, va);
		if (pmap_pte_present(old))
			pm->resident--;
	}
	pm->resident++;
	return 0;
}

/* pmap.h: records swap slot `slot` at va, replacing a mapping.  A PTE
 * change point: flushes va's TLB entry if the old PTE was valid. */
int pmap_set_swapped(struct pmap *pm, uint64_t va, uint64_t slot)
{
	if (!user_va_ok(pm, va))
		return -EINVAL;
	uint64_t *pte = pmap_walk(pm, va, true);
	if (!pte)
		return -ENOMEM;
	uint64_t old = *pte;
	*pte = (slot << PTE_PPN_SHIFT) | PTE_SWAP_MARK;
	if (!old)
		pmap_slot_frame(pm, va)->refcount++;
	else {
		if (old & PTE_V)
			pmap_flush_va(pm, va);
		if (pmap_pte_present(old))
			pm->resident--;
	}
	return 0;
}

/* pmap_extract (pmap.h) past the walk cache's "known table, empty slot":
 * fills *pg for a present or swapped page at va; false if none. */
bool pmap_extract_slow(struct pmap *pm, uint64_t va, struct pmap_page *pg)
{
	if (va >= pm->top)
		return false;
	va &= ~PGMASK;
	bool super;
	uint64_t *pte = pmap_peek_slot_(pm, va, &super);
	if (!pte || !*pte)
		return false;
	fill_page(pg, va, super ? sub_pte(*pte, (unsigned)VA_VPN(va, 0)) : *pte);
	pg->super = super;
	return true;
}

/* pmap.h: the frame mapped at va (valid or PROT_NONE) with its D bit in
 * *modified; 0 if none (absent or swapped).  Changes nothing. */
uint64_t pmap_frame(struct pmap *pm, uint64_t va, bool *modified)
{
	if (va >= pm->top)
		return 0;
	bool super;
	uint64_t *pte = pmap_peek_slot_(pm, va, &super);
	if (!pte || !*pte || pte_swapped(*pte))
		return 0;
	*modified = (*pte & PTE_D) != 0;
	return pmap_leaf_pa(*pte, va, super);
}

/* pmap.h: undoes pmap_take - puts old back in va's slot, which must still
 * exist and be empty (kpanic otherwise).  A PTE change point, invalid to
 * valid: nothing cached to flush. */
void pmap_untake(struct pmap *pm, uint64_t va, uint64_t old)
{
	uint64_t *slot = pmap_walk(pm, va & ~PGMASK, false);
	if (!slot || *slot)
		kpanic("pmap_untake: the slot of 0x%llx is gone or reused", (unsigned long long)va);
	*slot = old;               /* invalid -> valid: nothing cached to flush */
	pmap_slot_frame(pm, va)->refcount++;
	pm->resident++;
}

/* The range walker behind foreach/remove/protect. */
enum range_op { OP_FOREACH, OP_REMOVE, OP_PROTECT, OP_DEMOTE, OP_SUPERS };
struct range_walk {
	struct pmap *pm;
	enum range_op op;
	uint64_t sva, eva;
	unsigned prot;
	pmap_page_fn fn;
	void *ctx;
	int stop;
	pmap_super_fn sfn;       /* OP_SUPERS */
};

/* Clears the leaf slot *slot (described by pg) of the table whose frame is
 * tf, and reports it to fn. */
static inline void remove_leaf(struct pmap *pm, uint64_t *slot, struct frame *tf,
			       const struct pmap_page *pg, pmap_page_fn fn, void *ctx)
{
	pmap_clear_leaf(pm, pg->va, slot, tf);
	if (fn)
		fn(ctx, pg);
}

/* The range walker meets the superpage leaf *slot (in level-1 table
 * `table`) of the 2 MiB range at va.  Foreach reports its pages in the
 * range; a remove or protect that covers it all changes the one leaf (a
 * protect to PROT_NONE excepted: a superpage is never PROT_NONE).  Returns
 * true if done; false after splitting it for a partial remove or protect
 * (the caller descends into the new table).  kpanics if the split finds no
 * memory. */
static bool range_super(struct range_walk *w, uint64_t *slot, uint64_t table, uint64_t va)
{
	uint64_t leaf = *slot, span = LEVEL_SIZE(1);
	bool whole = va >= w->sva && va + span <= w->eva;
	struct pmap_page pg;
	if (w->op == OP_SUPERS) {
		w->stop = w->sfn(w->ctx, va, PTE_PA(leaf));
		return true;
	}
	if (w->op == OP_DEMOTE) {
		if (demote_slot(w->pm, va, slot) < 0)
			w->stop = -ENOMEM;
		return true;
	}
	if (w->op == OP_FOREACH) {
		for (unsigned j = 0; j < PT_ENTRIES && !w->stop; j++) {
			uint64_t sva = va + ((uint64_t)j << PGSHIFT);
			if (sva < w->sva || sva >= w->eva)
				continue;
			fill_page(&pg, sva, sub_pte(leaf, j));
			pg.super = true;
			w->stop = w->fn(w->ctx, &pg);
		}
		return true;
	}
	unsigned eff = pmap_effective_prot(w->prot);
	if (whole && w->op == OP_PROTECT && (eff & VM_PROT_READ)) {
		*slot = pmap_make_leaf(PTE_PA(leaf), w->prot, (leaf & PTE_SW_COW) != 0) |
			(leaf & (PTE_A | PTE_D));
		pmap_flush_va(w->pm, va);
		return true;
	}
	if (whole && w->op == OP_REMOVE) {
		*slot = 0;
		table_frame(w->pm->pk->pa, table)->refcount--;
		pmap_flush_va(w->pm, va);
		w->pm->resident -= PT_ENTRIES;
		w->pm->nsuper--;
		for (unsigned j = 0; j < PT_ENTRIES; j++) {
			fill_page(&pg, va + ((uint64_t)j << PGSHIFT), sub_pte(leaf, j));
			pg.super = true;
			if (w->fn)
				w->fn(w->ctx, &pg);
		}
		return true;
	}
	if (demote_slot(w->pm, va, slot) < 0)
		kpanic("pmap: cannot split the superpage at va 0x%llx", (unsigned long long)va);
	return false;
}

/* Visits the slots of `table` (at `level`, covering VAs from base) that
 * intersect [sva, eva).  Returns true if the table became empty. */
static bool range_table(struct range_walk *w, uint64_t table, int level, uint64_t base)
{
	struct page_alloc *pa = w->pm->pk->pa;
	uint64_t *t = table_of(pa, table);
	uint64_t span = LEVEL_SIZE(level);
	unsigned lo = base >= w->sva ? 0 : (unsigned)((w->sva - base) / span);
	for (unsigned i = lo; i < PT_ENTRIES && !w->stop; i++) {
		uint64_t va = base + (uint64_t)i * span;
		if (va >= w->eva)
			break;
		uint64_t pte = t[i];
		if (!pte)
			continue;
		if (level == 1 && super_leaf(pte)) {
			if (range_super(w, &t[i], table, va))
				continue;        /* handled whole */
			pte = t[i];              /* split: go on into its new table */
		}
		if (level == 1 && (w->op == OP_DEMOTE || w->op == OP_SUPERS))
			continue;                /* only superpage leaves matter */
		if (level > 0) {
			if (range_table(w, PTE_PA(pte), level - 1, va)) {
				if (level == 1)
					wc_drop(w->pm, va);
				mmu_pwc_flush(w->pm->pk->mmu);   /* a non-leaf PTE goes */
				page_free_frames(pa, PTE_PA(pte), 0);
				w->pm->pt_pages--;
				t[i] = 0;
				table_frame(pa, table)->refcount--;
			}
			continue;
		}
		struct pmap_page pg;
		fill_page(&pg, va, pte);
		switch (w->op) {
		case OP_FOREACH:
			w->stop = w->fn(w->ctx, &pg);
			break;
		case OP_REMOVE:
			remove_leaf(w->pm, &t[i], table_frame(pa, table), &pg, w->fn, w->ctx);
			break;
		case OP_PROTECT:
			if (!pg.present)
				break;
			/* A and D survive a change of rights, PROT_NONE included: D is
			 * what tells reclaim the page holds data */
			t[i] = pmap_make_leaf(pg.pa, w->prot, pg.cow) | (pte & (PTE_A | PTE_D));
			if (pte & PTE_V)
				pmap_flush_va(w->pm, va);
			break;
		case OP_DEMOTE:
		case OP_SUPERS:
			break;               /* not reached: stopped at level 1 */
		}
	}
	return table != w->pm->root && table_frame(pa, table)->refcount == 0;
}

/* Runs w over [w->sva, w->eva) clipped to the user half.  Returns what the
 * callback stopped with (OP_FOREACH), else 0. */
static int range_run(struct range_walk *w)
{
	uint64_t top = user_top(w->pm->pk->levels);
	if (w->eva > top)
		w->eva = top;
	if (w->sva >= w->eva)
		return 0;
	range_table(w, w->pm->root, w->pm->pk->levels - 1, 0);
	return w->stop;
}

/* pmap.h: calls fn for every page recorded in [sva, eva); changes nothing. */
int pmap_foreach(struct pmap *pm, uint64_t sva, uint64_t eva, pmap_page_fn fn, void *ctx)
{
	struct range_walk w = { pm, OP_FOREACH, sva & ~PGMASK, eva, 0, fn, ctx, 0, NULL };
	return range_run(&w);
}

/* pmap.h: clears every PTE in [sva, eva), then reports each to fn.  The one
 * PTE change point for "mapping removed" (pmap_clear_leaf flushes the TLB);
 * tables left empty are freed (page-walk cache flushed). */
void pmap_remove(struct pmap *pm, uint64_t sva, uint64_t eva, pmap_page_fn fn, void *ctx)
{
	sva &= ~PGMASK;
	if (eva - sva == PGSIZE && sva < pm->top) {
		/* one mapped page whose table stays in use (the common case of
		 * eviction and munmap of a page): no descent, no table to free;
		 * otherwise the walk below also frees tables left empty */
		uint64_t *slot = pmap_walk(pm, sva, false);
		struct frame *tf = slot ? pmap_slot_frame(pm, sva) : NULL;
		if (slot && *slot && tf->refcount > 1) {
			struct pmap_page pg = { .va = sva };
			if (fn)
				fill_page(&pg, sva, *slot);
			remove_leaf(pm, slot, tf, &pg, fn, ctx);
			return;
		}
	}
	struct range_walk w = { pm, OP_REMOVE, sva & ~PGMASK, eva, 0, fn, ctx, 0, NULL };
	range_run(&w);
}

/* pmap.h: new rights for every present page in [sva, eva).  The PTE change
 * point for "rights changed": A and D kept, valid entries flushed. */
void pmap_protect(struct pmap *pm, uint64_t sva, uint64_t eva, unsigned prot)
{
	struct range_walk w = { pm, OP_PROTECT, sva & ~PGMASK, eva, prot, NULL, NULL, 0, NULL };
	range_run(&w);
}

/* pmap.h: removes every user page (all must be released by then: kpanics
 * if pages stay resident), frees the root, flushes the ASID's TLB entries if
 * it is current and gives the ASID back. */
void pmap_destroy(struct pmap *pm)
{
	if (!pm->root)
		return;
	pmap_remove(pm, 0, pm->top, NULL, NULL);
	if (pm->resident)
		kpanic("pmap_destroy: pid %u still has %llu resident pages", pm->pid,
		       (unsigned long long)pm->resident);
	mmu_pwc_flush(pm->pk->mmu);          /* the root may come back as another's */
	page_free_frames(pm->pk->pa, pm->root, 0);
	pm->root = 0;
	memset(pm->wc_tag, 0xff, sizeof pm->wc_tag);      /* PMAP_WC_EMPTY */
	pm->pt_pages = 0;
	/* a stale ASID has no TLB entries (the rollover flushed them) and may
	 * be another address space's now: flush only a current one */
	if (asid_is_current(&pm->pk->asids, &pm->asid))
		mmu_sfence_vma(pm->pk->mmu, false, 0, true, pm->asid.id);
	asid_release(&pm->pk->asids, &pm->asid);
}

/* The valid leaf PTE of user va (a superpage's leaf too), or NULL (none,
 * or not valid). */
static inline uint64_t *leaf_pte(struct pmap *pm, uint64_t va)
{
	bool super;
	uint64_t *pte = pmap_peek_slot_(pm, va, &super);
	return pte && (*pte & PTE_V) ? pte : NULL;
}

/* pmap.h: the A bit of va's valid leaf; false without one. */
bool pmap_is_referenced(struct pmap *pm, uint64_t va)
{
	uint64_t *pte = leaf_pte(pm, va);
	return pte && (*pte & PTE_A);
}

/* pmap.h: clears va's A bit.  The PTE change point for "referenced
 * cleared" by va (TLB entry flushed so the MMU sets it again). */
void pmap_clear_referenced(struct pmap *pm, uint64_t va)
{
	uint64_t *pte = leaf_pte(pm, va);
	if (pte && (*pte & PTE_A)) {
		*pte &= ~PTE_A;
		pmap_flush_va(pm, va & ~PGMASK);
	}
}

/* pmap.h: the D bit of va's valid leaf; false without one. */
bool pmap_is_modified(struct pmap *pm, uint64_t va)
{
	uint64_t *pte = leaf_pte(pm, va);
	return pte && (*pte & PTE_D);
}

/* pmap.h: clears va's D bit (TLB entry flushed, so the next write sets
 * it again).  The PTE change point for "modified cleared". */
void pmap_clear_modified(struct pmap *pm, uint64_t va)
{
	/* one page's D bit: a superpage is split first, so that its other
	 * pages keep theirs */
	uint64_t *pte = va < pm->top ? pmap_walk(pm, va & ~PGMASK, false) : NULL;
	if (pte && !(*pte & PTE_V))
		pte = NULL;
	if (pte && (*pte & PTE_D)) {
		*pte &= ~PTE_D;
		pmap_flush_va(pm, va & ~PGMASK);
	}
}

/* ---- checking ------------------------------------------------------------ */

struct check_state {
	struct pmap *pm;
	uint64_t tables, leaves, supers;
	char *msg;
	size_t msglen;
};

/* pmap_check's walk of table (at level, covering VAs from base): false with
 * a message in cs when a rule of pmap_check (pmap.h) is broken. */
static bool check_table(struct check_state *cs, uint64_t table, int level, uint64_t base)
{
	struct page_alloc *pa = cs->pm->pk->pa;
	if (!ram_contains(pa->ram, table, PGSIZE)) {
		snprintf(cs->msg, cs->msglen, "table 0x%llx outside RAM", (unsigned long long)table);
		return false;
	}
	struct frame *f = table_frame(pa, table);
	if (f->owner != FO_PAGE_TABLE || f->owner_id != cs->pm->pid) {
		snprintf(cs->msg, cs->msglen, "table 0x%llx owned by %s/%u, not page-table/%u",
			 (unsigned long long)table, frame_owner_name(f->owner), f->owner_id,
			 cs->pm->pid);
		return false;
	}
	cs->tables++;
	const uint64_t *t = table_of(pa, table);
	unsigned n = table == cs->pm->root ? PT_ENTRIES / 2 : PT_ENTRIES, used = 0;
	for (unsigned i = 0; i < n; i++) {
		uint64_t pte = t[i], va = base + i * LEVEL_SIZE(level);
		if (!pte)
			continue;
		used++;
		if (level == 1 && super_leaf(pte)) {
			uint64_t fpa = PTE_PA(pte);
			bool ok = !(fpa & (LEVEL_SIZE(1) - 1)) && ram_contains(pa->ram, fpa, LEVEL_SIZE(1)) &&
				  (pte & PTE_U) && (pte & PTE_R) && !((pte & PTE_SW_COW) && (pte & PTE_W));
			for (unsigned j = 0; ok && j < PT_ENTRIES; j++) {
				const struct frame *sf = pa_frame(pa, fpa + ((uint64_t)j << PGSHIFT));
				ok = sf->owner == FO_USER && sf->refcount >= 1;
			}
			if (!ok) {
				snprintf(cs->msg, cs->msglen, "bad superpage leaf 0x%llx for va 0x%llx "
					 "(misaligned, outside RAM, not user, or over frames not user-owned)",
					 (unsigned long long)pte, (unsigned long long)va);
				return false;
			}
			cs->leaves += PT_ENTRIES;
			cs->supers++;
			continue;
		}
		if (level > 0) {
			if (!(pte & PTE_V) || PTE_IS_LEAF(pte) || (pte & (PTE_A | PTE_D | PTE_U))) {
				snprintf(cs->msg, cs->msglen, "bad non-leaf PTE 0x%llx for va 0x%llx",
					 (unsigned long long)pte, (unsigned long long)va);
				return false;
			}
			if (!check_table(cs, PTE_PA(pte), level - 1, va))
				return false;
			continue;
		}
		if (pte_swapped(pte))
			continue;
		uint64_t fpa = PTE_PA(pte);
		if (!ram_contains(pa->ram, fpa, PGSIZE) || pa_frame(pa, fpa)->owner == FO_FREE ||
		    ((pte & PTE_V) && !(pte & PTE_U)) || ((pte & PTE_W) && !(pte & PTE_R)) ||
		    ((pte & PTE_SW_COW) && (pte & PTE_W))) {
			snprintf(cs->msg, cs->msglen, "bad leaf PTE 0x%llx for va 0x%llx (frame %s)",
				 (unsigned long long)pte, (unsigned long long)va,
				 ram_contains(pa->ram, fpa, PGSIZE) ?
				 frame_owner_name(pa_frame(pa, fpa)->owner) : "outside RAM");
			return false;
		}
		cs->leaves++;
	}
	if (used != f->refcount) {
		snprintf(cs->msg, cs->msglen, "table 0x%llx has %u entries, refcount %u",
			 (unsigned long long)table, used, f->refcount);
		return false;
	}
	return true;
}

/* pmap.h: checks every table of pm; NULL if all holds. */
const char *pmap_check(struct pmap *pm)
{
	static char msg[200];
	struct check_state cs = { pm, 0, 0, 0, msg, sizeof msg };
	if (!check_table(&cs, pm->root, pm->pk->levels - 1, 0))
		return msg;
	if (cs.supers != pm->nsuper) {
		snprintf(msg, sizeof msg, "pid %u: %llu superpage leaves, counter says %llu", pm->pid,
			 (unsigned long long)cs.supers, (unsigned long long)pm->nsuper);
		return msg;
	}
	if (cs.tables != pm->pt_pages || cs.leaves != pm->resident) {
		snprintf(msg, sizeof msg, "pid %u: %llu tables / %llu present pages, counters say %llu / %llu",
			 pm->pid, (unsigned long long)cs.tables, (unsigned long long)cs.leaves,
			 (unsigned long long)pm->pt_pages, (unsigned long long)pm->resident);
		return msg;
	}
	const uint64_t *root = table_of(pm->pk->pa, pm->root);
	const uint64_t *kroot = table_of(pm->pk->pa, pm->pk->kroot);
	for (int i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
		if (root[i] != kroot[i]) {
			snprintf(msg, sizeof msg, "pid %u: kernel half entry %d differs", pm->pid, i);
			return msg;
		}
	return NULL;
}

/* ---- superpages (pmap.h) ------------------------------------------------- */

/* pmap.h: 512 PTEs over one aligned block become one level-1 leaf. */
int pmap_promote(struct pmap *pm, uint64_t va)
{
	struct page_alloc *pa = pm->pk->pa;
	const uint64_t span = LEVEL_SIZE(1);
	if ((va & (span - 1)) || va >= pm->top)
		return -EINVAL;
	struct frame *l1f;
	uint64_t *s1 = level1_slot(pm, va, false, &l1f);
	if (!s1 || !(*s1 & PTE_V) || PTE_IS_LEAF(*s1))
		return -EINVAL;
	uint64_t table = PTE_PA(*s1);
	if (table_frame(pa, table)->refcount != PT_ENTRIES)
		return -EINVAL;
	const uint64_t *t = table_of(pa, table);
	const uint64_t rights = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_G | PTE_SW_COW | PTE_SW_NONE;
	uint64_t base = PTE_PA(t[0]), ad = 0;
	if ((base & (span - 1)) || !(t[0] & PTE_V) || (t[0] & PTE_SW_COW))
		return -EINVAL;
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		if ((t[i] & rights) != (t[0] & rights) || PTE_PA(t[i]) != base + ((uint64_t)i << PGSHIFT))
			return -EINVAL;
		ad |= t[i] & (PTE_A | PTE_D);
	}
	*s1 = PA_TO_PTE(base) | (t[0] & rights) | ad;
	wc_drop(pm, va);
	mmu_pwc_flush(pm->pk->mmu);          /* a non-leaf PTE goes */
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		pmap_flush_va(pm, va + ((uint64_t)i << PGSHIFT));
	page_free_frames(pa, table, 0);
	pm->pt_pages--;
	pm->nsuper++;
	return 0;
}

/* pmap.h: 512 valid PTEs become one leaf over a new block. */
int pmap_collapse(struct pmap *pm, uint64_t va, uint64_t pa, unsigned prot)
{
	struct page_alloc *pga = pm->pk->pa;
	const uint64_t span = LEVEL_SIZE(1);
	if ((va & (span - 1)) || (pa & (span - 1)) || va >= pm->top ||
	    !(pmap_effective_prot(prot) & VM_PROT_READ))
		return -EINVAL;
	struct frame *l1f;
	uint64_t *s1 = level1_slot(pm, va, false, &l1f);
	if (!s1 || !(*s1 & PTE_V) || PTE_IS_LEAF(*s1))
		return -EINVAL;
	uint64_t table = PTE_PA(*s1), ad = 0;
	if (table_frame(pga, table)->refcount != PT_ENTRIES)
		return -EINVAL;
	const uint64_t *t = table_of(pga, table);
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		if (!(t[i] & PTE_V))
			return -EINVAL;
		ad |= t[i] & (PTE_A | PTE_D);
	}
	*s1 = pmap_make_leaf(pa, prot, false) | ad;
	wc_drop(pm, va);
	mmu_pwc_flush(pm->pk->mmu);
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		pmap_flush_va(pm, va + ((uint64_t)i << PGSHIFT));
	page_free_frames(pga, table, 0);
	pm->pt_pages--;
	pm->nsuper++;
	return 0;
}

/* pmap.h: one leaf over an aligned block, in an empty 2 MiB range. */
int pmap_enter_super(struct pmap *pm, uint64_t va, uint64_t pa, unsigned prot, bool cow)
{
	struct page_alloc *pga = pm->pk->pa;
	const uint64_t span = LEVEL_SIZE(1);
	if ((va & (span - 1)) || (pa & (span - 1)) || va >= pm->top ||
	    !(pmap_effective_prot(prot) & VM_PROT_READ))
		return -EINVAL;
	struct frame *l1f;
	uint64_t *s1 = level1_slot(pm, va, true, &l1f);
	if (!s1)
		return -ENOMEM;
	if (*s1) {
		if (PTE_IS_LEAF(*s1) || table_frame(pga, PTE_PA(*s1))->refcount)
			return -EEXIST;
		/* an empty table left behind: it goes */
		wc_drop(pm, va);
		mmu_pwc_flush(pm->pk->mmu);
		page_free_frames(pga, PTE_PA(*s1), 0);
		pm->pt_pages--;
		*s1 = 0;
		l1f->refcount--;
	}
	*s1 = pmap_make_leaf(pa, prot, cow);
	l1f->refcount++;
	pm->resident += PT_ENTRIES;
	pm->nsuper++;
	return 0;
}

/* pmap.h: a superpage leaf gets a new block, rights or COW state. */
int pmap_super_set(struct pmap *pm, uint64_t va, uint64_t pa, unsigned prot, bool cow)
{
	const uint64_t span = LEVEL_SIZE(1);
	struct frame *tf;
	uint64_t *s1 = (va & (span - 1)) || va >= pm->top ? NULL : level1_slot(pm, va, false, &tf);
	if (!s1 || !super_leaf(*s1) || (pa & (span - 1)) || !(pmap_effective_prot(prot) & VM_PROT_READ))
		return -EINVAL;
	uint64_t old = *s1;
	*s1 = pmap_make_leaf(pa, prot, cow) | (PTE_PA(old) == pa ? old & (PTE_A | PTE_D) : 0);
	pmap_flush_va(pm, va);
	return 0;
}

/* pmap.h: splits the superpages overlapping [sva, eva). */
int pmap_demote_range(struct pmap *pm, uint64_t sva, uint64_t eva)
{
	if (!pm->nsuper)
		return 0;
	struct range_walk w = { pm, OP_DEMOTE, sva & ~(LEVEL_SIZE(1) - 1), eva, 0, NULL, NULL, 0, NULL };
	return range_run(&w);
}

/* pmap.h: is va in a superpage? */
bool pmap_is_super(struct pmap *pm, uint64_t va)
{
	if (!pm->nsuper || va >= pm->top)
		return false;
	struct frame *tf;
	uint64_t *s1 = level1_slot(pm, va, false, &tf);
	return s1 && super_leaf(*s1);
}

/* pmap.h: does the 2 MiB range at va hold nothing? */
bool pmap_range_empty(struct pmap *pm, uint64_t va)
{
	struct frame *tf;
	uint64_t *s1 = va < pm->top ? level1_slot(pm, va, false, &tf) : NULL;
	if (!s1 || !*s1)
		return true;
	return !PTE_IS_LEAF(*s1) && table_frame(pm->pk->pa, PTE_PA(*s1))->refcount == 0;
}

/* pmap.h: each superpage leaf in [sva, eva). */
int pmap_foreach_super(struct pmap *pm, uint64_t sva, uint64_t eva, pmap_super_fn fn, void *ctx)
{
	if (!pm->nsuper)
		return 0;
	struct range_walk w = { pm, OP_SUPERS, sva & ~(LEVEL_SIZE(1) - 1), eva, 0, NULL, ctx, 0, NULL };
	w.sfn = fn;
	return range_run(&w);
}
