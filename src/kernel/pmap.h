/*
 * pmap.h - the machine-dependent layer: one process's RISC-V page tables
 * (Sv39 or Sv48) in simulated RAM.  The only kernel code that knows the PTE
 * format (the Mach/BSD pmap split, shared/STYLE.md).  Callers speak in
 * virtual pages, frames and VM_PROT_* protections.
 *
 * Every change takes effect at once: each function that edits or removes a
 * valid PTE issues the matching sfence.vma itself, so no caller can forget.
 *
 * Page-table pages come from page_alloc, tagged FO_PAGE_TABLE with the pid;
 * each one's frame refcount counts its valid entries, and a table whose
 * count drops to zero is freed (so page-table memory shrinks with use).
 *
 * The upper half of every address space is the kernel's direct map of all of
 * RAM: 2 MiB leaves (4 KiB at a ragged end) with U=0, G=1, in tables built
 * once at boot and shared by every process through copied top-level entries.
 *
 * Software PTE state, in the two RSW bits and in invalid PTEs (V=0), so the
 * VM layer can keep per-page state in the table as Linux does:
 *   PTE_SW_COW   a valid leaf shared copy-on-write (write permission withheld)
 *   PTE_SW_NONE  V=0, but the page is present: PROT_NONE; PPN kept
 *   swap entry   V=0, bit 1 set: bits 10.. hold a swap slot
 *
 * Transparent superpages (docs/thp.md): a user 2 MiB range may be mapped by
 * one level-1 leaf over an aligned block of 512 frames, each still its own
 * frame (refcount, reverse-map entry, policy key), made by pmap_promote or
 * pmap_enter_super.  A superpage leaf is always valid (V=1) and never
 * PROT_NONE; it is copy-on-write only when fork shares it whole (--thp-cow
 * copy).  Every operation that needs one 4 KiB
 * page of it (enter, take, set_swapped, untake, clear_modified, a remove or
 * protect of part of it, PROT_NONE) first splits it into 512 level-0 PTEs
 * with the same rights and A/D bits (a demotion), shooting the 2 MiB TLB
 * entry down; lookups (extract, frame, the reference bits, cookies) read
 * the superpage leaf itself and split nothing.
 */
#ifndef VMOS_KERNEL_PMAP_H
#define VMOS_KERNEL_PMAP_H

#include <stdint.h>
#include <stdbool.h>
#include "asid.h"
#include "mmu.h"
#include "page_alloc.h"
#include "vm_prot.h"

#define PTE_SW_COW    (1ULL << 8)
#define PTE_SW_NONE   (1ULL << 9)

/* Layout of the two halves (ASCII map in docs/address-space.md). */
static inline uint64_t user_top(int levels)        /* first VA above the user half */
{
	return 1ULL << (PGSHIFT + VPN_BITS * levels - 1);
}
static inline uint64_t kernel_base(int levels)     /* the direct map of PA 0 */
{
	return ~0ULL << (PGSHIFT + VPN_BITS * levels - 1);
}

/* Machine-wide state the pmaps share: the kernel half's tables and the
 * ASID allocator. */
struct pmap_kernel {
	struct page_alloc *pa;
	struct mmu *mmu;
	int levels;
	uint64_t kroot;           /* a root table holding only the kernel half */
	uint64_t kpt_pages;       /* page-table pages of the kernel half */
	struct asid_space asids;  /* off (zeroed) unless asid_space_init is called */
	uint64_t demotions;       /* superpages split, in every address space */
};

#define PMAP_WALK_CACHE 64       /* entries; power of two */

struct pmap {
	struct pmap_kernel *pk;
	uint64_t root;            /* PA of the top-level table */
	struct asid_tag asid;     /* its ASID and generation (asid.h) */
	uint32_t pid;
	uint64_t pt_pages;        /* page-table pages of the user half, root included */
	uint64_t pt_pages_peak;
	uint64_t resident;        /* user pages present (a superpage counts 512) */
	uint64_t nsuper;          /* superpage leaves */
	uint64_t top;             /* user_top(levels): the end of the user half */
	/* software walk cache: the last-level tables of recently walked 2 MiB
	 * ranges (like a hardware paging-structure cache, but for the kernel's
	 * own walks).  wc_tag holds va >> 21 (at most 2^43), PMAP_WC_EMPTY when
	 * empty; an entry is dropped when its table is freed. */
#define PMAP_WC_EMPTY UINT64_MAX
	uint64_t wc_tag[PMAP_WALK_CACHE];
	uint64_t *wc_table[PMAP_WALK_CACHE];
	struct frame *wc_frame[PMAP_WALK_CACHE];   /* each table's frame */
};

/* Builds the direct map of all RAM.  Returns 0 or -ENOMEM. */
int pmap_kernel_init(struct pmap_kernel *pk, struct page_alloc *pa, struct mmu *mmu,
		     int levels);
void pmap_kernel_destroy(struct pmap_kernel *pk);

/* Creates an empty user address space sharing the kernel half, with ASID
 * asid if pk's ASID allocator is off, else with a free ASID if there is
 * one (never starting a new generation: another address space may be
 * running) or none yet (pmap_asid_refresh gives it one).  Returns 0 or
 * -ENOMEM. */
int pmap_create(struct pmap *pm, struct pmap_kernel *pk, uint16_t asid, uint32_t pid);
/* Frees the user half's page-table pages (its leaves must have been
 * removed) and the root; flushes the ASID and gives it back. */
void pmap_destroy(struct pmap *pm);
/* The satp value that selects this address space (with its ASID: call
 * pmap_asid_refresh first when the allocator is on). */
uint64_t pmap_satp(const struct pmap *pm);

/* Before pm is loaded in satp: makes pm hold an ASID of the current
 * generation, so that pmap_satp carries one no live address space shares.
 * A no-op (one compare) unless pm has none yet or a rollover made its ASID
 * stale; else asid_assign, which may start a new generation.  active: the
 * address space loaded in satp now (see asid_assign), or NULL. */
static inline void pmap_asid_refresh(struct pmap *pm, struct pmap *active)
{
	struct asid_space *a = &pm->pk->asids;
	if (__builtin_expect(!asid_is_current(a, &pm->asid), 0))
		asid_assign(a, &pm->asid, active ? &active->asid : NULL);
}

/* Maps the 4 KiB page at va to frame pa with prot (VM_PROT_*; NONE keeps the
 * frame but makes every access fault).  cow marks the page copy-on-write
 * (write permission withheld).  Replaces a previous mapping at va.  Returns
 * 0, -ENOMEM (a table could not be allocated; no mapping was made - tables
 * created on the way stay, empty, until a range operation reclaims them) or -EINVAL
 * (va not a page-aligned user address). */
static inline int pmap_enter(struct pmap *pm, uint64_t va, uint64_t pa, unsigned prot, bool cow);

/* What a user page holds. */
struct pmap_page {
	uint64_t va;
	uint64_t pa;              /* frame, if present */
	unsigned prot;            /* VM_PROT_* as mapped (write not shown while cow) */
	bool present;             /* maps a frame (valid, or PROT_NONE) */
	bool cow;
	bool referenced, modified; /* hardware A and D */
	bool swapped;
	uint64_t swap_slot;
	bool super;               /* one of the 512 pages of a superpage leaf */
};

/* Looks up va.  Returns true and fills *pg if the page is present or
 * swapped, false if nothing is recorded for it. */
static inline bool pmap_extract(struct pmap *pm, uint64_t va, struct pmap_page *pg);
/* The frame va maps if the page is present (valid or PROT_NONE), with
 * *modified = its D bit; 0 if it is absent or swapped.  pmap_extract's
 * answer to those two questions, for reclaim. */
uint64_t pmap_frame(struct pmap *pm, uint64_t va, bool *modified);
/* Eviction's first step, in one walk: if va maps a frame (valid or
 * PROT_NONE) and its page table holds other entries too, clears the PTE
 * (flushing va from the TLB), saves it in *old and returns the frame with
 * *modified = its D bit.  Otherwise changes nothing and returns 0 (the
 * caller uses pmap_frame and pmap_remove).  pmap_untake puts *old back. */
static inline uint64_t pmap_take(struct pmap *pm, uint64_t va, bool *modified, uint64_t *old);
/* Undoes pmap_take(pm, va, .., &old) when the eviction cannot go on. */
void pmap_untake(struct pmap *pm, uint64_t va, uint64_t old);

/* Calls fn for each page recorded in [sva, eva) (present or swapped), in
 * address order. fn returns 0 to go on or nonzero to stop (returned). */
typedef int (*pmap_page_fn)(void *ctx, const struct pmap_page *pg);
int pmap_foreach(struct pmap *pm, uint64_t sva, uint64_t eva, pmap_page_fn fn, void *ctx);

/* Removes every page recorded in [sva, eva): clears the PTEs, flushes the
 * TLB, then calls fn (may be NULL) for each removed page so the caller can
 * release what it pointed at.  Frees page-table pages that become empty. */
void pmap_remove(struct pmap *pm, uint64_t sva, uint64_t eva, pmap_page_fn fn, void *ctx);

/* Changes the protection of every present page in [sva, eva) to prot
 * (copy-on-write pages stay without write permission).  Takes effect at
 * once, TLB included. */
void pmap_protect(struct pmap *pm, uint64_t sva, uint64_t eva, unsigned prot);

/* Records that the page at va is in swap slot `slot` (replacing a mapping).
 * Returns 0 or -ENOMEM. */
int pmap_set_swapped(struct pmap *pm, uint64_t va, uint64_t slot);

/* Hardware referenced / modified bits of a mapped page. */
bool pmap_is_referenced(struct pmap *pm, uint64_t va);
void pmap_clear_referenced(struct pmap *pm, uint64_t va);
/* Clears the A bit of va's valid leaf (shooting down its TLB entry) and
 * returns whether it was set, in one walk; *pa gets the frame.  Returns -1
 * if va has no valid leaf. */
static inline int pmap_test_clear_referenced(struct pmap *pm, uint64_t va, uint64_t *pa);
bool pmap_is_modified(struct pmap *pm, uint64_t va);
void pmap_clear_modified(struct pmap *pm, uint64_t va);

/* Checks the tables: every table page is FO_PAGE_TABLE of this pid with a
 * refcount equal to its valid entries, no leaf points outside RAM or at a
 * free frame, the kernel half matches the shared tables.  NULL if fine. */
const char *pmap_check(struct pmap *pm);

/* ---- superpages ----------------------------------------------------------- */

/* Replaces the 512 level-0 PTEs of the 2 MiB-aligned range at va by one
 * level-1 leaf, if they all map, in order, the frames of one 2 MiB-aligned
 * block, with the same rights, valid and not copy-on-write (the caller
 * has checked that the frames are this space's alone).  The leaf gets the
 * OR of their A and D bits; the level-0 table is freed and the 512 pages
 * shot down from the TLB.  Returns 0, or -EINVAL (not promotable; nothing
 * changed). */
int pmap_promote(struct pmap *pm, uint64_t va);
/* Replaces the 512 level-0 PTEs of the 2 MiB-aligned range at va - all
 * valid, whatever frames they map - by one level-1 leaf over the aligned
 * block at pa with prot (not copy-on-write), A and D the OR of theirs; the
 * table is freed and the 512 pages shot down.  The caller has copied the
 * pages into the block and moved their reverse mappings (khugepaged's
 * collapse).  Returns 0 or -EINVAL (not 512 valid PTEs; nothing changed). */
int pmap_collapse(struct pmap *pm, uint64_t va, uint64_t pa, unsigned prot);
/* Maps the 2 MiB-aligned block at pa as one leaf at 2 MiB-aligned va with
 * prot (at least readable).  The range must hold no page (an empty table
 * left there is freed).  Returns 0, -EEXIST (a page is mapped in the range),
 * -EINVAL or -ENOMEM. */
int pmap_enter_super(struct pmap *pm, uint64_t va, uint64_t pa, unsigned prot, bool cow);
/* Rewrites the superpage leaf at 2 MiB-aligned va to map the aligned block
 * at pa with prot, write withheld while cow (A and D kept if pa is the
 * same block), and shoots the old translation down.  Returns 0, or -EINVAL
 * if va is not mapped by a superpage. */
int pmap_super_set(struct pmap *pm, uint64_t va, uint64_t pa, unsigned prot, bool cow);
/* Splits every superpage that overlaps [sva, eva).  Returns 0 or -ENOMEM
 * (a table could not be allocated; the superpages split so far stay split). */
int pmap_demote_range(struct pmap *pm, uint64_t sva, uint64_t eva);
/* True if va lies in a superpage of pm. */
bool pmap_is_super(struct pmap *pm, uint64_t va);
/* True if the 2 MiB-aligned range at va holds no page (present or
 * swapped) and no superpage. */
bool pmap_range_empty(struct pmap *pm, uint64_t va);
/* Calls fn(ctx, va, pa) for each superpage leaf in [sva, eva), in address
 * order; fn returns nonzero to stop (returned). */
typedef int (*pmap_super_fn)(void *ctx, uint64_t va, uint64_t pa);
int pmap_foreach_super(struct pmap *pm, uint64_t sva, uint64_t eva, pmap_super_fn fn, void *ctx);

/* ---- inline paths ----------------------------------------------------------
 * A page fault maps one page and evicts one; when the walk cache holds the
 * page's table (nearly always), both run inline, below; anything else
 * takes the out-of-line code in pmap.c. */

static inline unsigned pmap_wc_index(uint64_t va)
{
	return (unsigned)((va >> 21) & (PMAP_WALK_CACHE - 1));
}

/* The level-0 PTE slot of va if the walk cache holds its table, else NULL. */
static inline uint64_t *pmap_cached_slot(const struct pmap *pm, uint64_t va)
{
	unsigned ci = pmap_wc_index(va);
	return pm->wc_tag[ci] == va >> 21 ? pm->wc_table[ci] + VA_VPN(va, 0) : NULL;
}

/* The frame of the table of a slot just found for va (its cache entry). */
static inline struct frame *pmap_slot_frame(const struct pmap *pm, uint64_t va)
{
	return pm->wc_frame[pmap_wc_index(va)];
}

/* The walk below the cache: from the root down, creating tables if create,
 * and filling the cache.  The slot, or NULL (no table and !create, or no
 * memory). */
uint64_t *pmap_walk_tables(struct pmap *pm, uint64_t va, bool create);

/* The level-0 PTE slot of page-aligned va: from the walk cache, else by a
 * walk (creating tables if create).  NULL as pmap_walk_tables. */
static inline uint64_t *pmap_walk(struct pmap *pm, uint64_t va, bool create)
{
	uint64_t *slot = pmap_cached_slot(pm, va);
	return __builtin_expect(slot != NULL, 1) ? slot : pmap_walk_tables(pm, va, create);
}

/* The level-0 PTE slot of user va, or NULL if its table does not exist.
 * pmap's own: no PTE pointer leaves pmap (callers get cookies, below). */
static inline uint64_t *pmap_user_slot_(struct pmap *pm, uint64_t va)
{
	return va < pm->top ? pmap_walk(pm, va & ~PGMASK, false) : NULL;
}

/* The PTE slot that maps user va without splitting anything: the level-0
 * slot, or the level-1 leaf of a superpage (*super set); NULL if no table.
 * Out of line past the walk cache. */
uint64_t *pmap_peek_slow(struct pmap *pm, uint64_t va, bool *super);
static inline uint64_t *pmap_peek_slot_(struct pmap *pm, uint64_t va, bool *super)
{
	*super = false;
	if (va >= pm->top)
		return NULL;
	uint64_t *slot = pmap_cached_slot(pm, va & ~PGMASK);
	return slot ? slot : pmap_peek_slow(pm, va & ~PGMASK, super);
}

/* The frame a leaf (4 KiB, or a superpage leaf when super) maps for va. */
static inline uint64_t pmap_leaf_pa(uint64_t pte, uint64_t va, bool super)
{
	return PTE_PA(pte) + (super ? (va & (LEVEL_SIZE(1) - 1) & ~PGMASK) : 0);
}

/* True if the PTE maps a frame: valid, or PROT_NONE. */
static inline bool pmap_pte_present(uint64_t pte)
{
	return (pte & PTE_V) || (pte & PTE_SW_NONE);
}

/* What a protection grants on this machine.  RISC-V cannot encode write
 * without read (W=1, R=0 is a reserved PTE encoding), so write permission
 * implies read, as Linux/riscv64 maps PROT_WRITE (and PROT_WRITE|PROT_EXEC)
 * readable.  Execute alone stays execute-only (X=1, R=0 is legal).  The one
 * place a region's protection becomes rights: the leaf encoder below and the
 * fault handler's permission check both use it, so a page the handler lets
 * an access through always gets a PTE that allows that access. */
static inline unsigned pmap_effective_prot(unsigned prot)
{
	return (prot & VM_PROT_WRITE) ? prot | VM_PROT_READ : prot;
}

/* The leaf PTE mapping pa with prot, write withheld while cow.  The rights
 * are pmap_effective_prot(prot) in every case: a copy-on-write page of a
 * writable region (the zero page, a page shared after fork) stays readable
 * although its W bit is withheld. */
static inline uint64_t pmap_make_leaf(uint64_t pa, unsigned prot, bool cow)
{
	unsigned eff = pmap_effective_prot(prot);
	uint64_t b = 0;
	if (eff & VM_PROT_READ)
		b |= PTE_R;
	if ((eff & VM_PROT_WRITE) && !cow)
		b |= PTE_W;
	if (eff & VM_PROT_EXEC)
		b |= PTE_X;
	uint64_t pte = PA_TO_PTE(pa) | (cow ? PTE_SW_COW : 0);
	if (b == 0)                     /* PROT_NONE: present, inaccessible */
		return pte | PTE_SW_NONE;
	return pte | PTE_V | PTE_U | b;
}

/* The TLB shootdown of one page of address space pm: every change to a
 * valid leaf goes through here, so it is the one place that would grow
 * into a cross-hart shootdown (docs/threads.md): the threads sharing pm
 * share its ASID, and on one hart an sfence.vma by that ASID reaches what
 * any of them cached; with several harts this would also send an IPI to
 * each hart that runs pm (a cpumask in pm) and wait for their fences. */
static inline void pmap_flush_va(struct pmap *pm, uint64_t va)
{
	mmu_sfence_page(pm->pk->mmu, va, pm->asid.id);
}

/* Clears the leaf slot *slot of va, in a table whose frame is tf. */
static inline void pmap_clear_leaf(struct pmap *pm, uint64_t va, uint64_t *slot, struct frame *tf)
{
	uint64_t pte = *slot;
	*slot = 0;
	tf->refcount--;
	if (pte & PTE_V)
		pmap_flush_va(pm, va);
	if (pmap_pte_present(pte))
		pm->resident--;
}

int pmap_enter_slow(struct pmap *pm, uint64_t va, uint64_t pa, unsigned prot, bool cow);

static inline int pmap_enter(struct pmap *pm, uint64_t va, uint64_t pa, unsigned prot, bool cow)
{
	uint64_t *slot = va < pm->top && !(va & PGMASK) ? pmap_cached_slot(pm, va) : NULL;
	if (slot && !*slot) {            /* a new page in a known table */
		*slot = pmap_make_leaf(pa, prot, cow);
		pmap_slot_frame(pm, va)->refcount++;
		pm->resident++;
		return 0;
	}
	return pmap_enter_slow(pm, va, pa, prot, cow);
}

static inline uint64_t pmap_take(struct pmap *pm, uint64_t va, bool *modified, uint64_t *old)
{
	uint64_t *slot = pmap_user_slot_(pm, va);
	va &= ~PGMASK;
	if (!slot || !pmap_pte_present(*slot))
		return 0;
	struct frame *tf = pmap_slot_frame(pm, va);
	if (tf->refcount <= 1)
		return 0;                /* the table would be left empty */
	*old = *slot;
	*modified = (*old & PTE_D) != 0;
	pmap_clear_leaf(pm, va, slot, tf);
	return PTE_PA(*old);
}

bool pmap_extract_slow(struct pmap *pm, uint64_t va, struct pmap_page *pg);

static inline bool pmap_extract(struct pmap *pm, uint64_t va, struct pmap_page *pg)
{
	uint64_t *slot = va < pm->top ? pmap_cached_slot(pm, va & ~PGMASK) : NULL;
	if (slot && !*slot)
		return false;            /* a known table, nothing in the slot (a fault's usual case) */
	return pmap_extract_slow(pm, va, pg);
}

/* pmap_test_clear_referenced on the slot of va (NULL: no valid leaf). */
static inline __attribute__((always_inline)) int
pmap_test_clear_slot_(struct pmap *pm, uint64_t va, uint64_t *slot, uint64_t *pa, bool super_)
{
	if (!slot || !(*slot & PTE_V))
		return -1;
	*pa = PTE_PA(*slot);
	if (super_)
		*pa = pmap_leaf_pa(*slot, va, true);
	if (!(*slot & PTE_A))
		return 0;
	*slot &= ~PTE_A;
	pmap_flush_va(pm, va & ~PGMASK);
	return 1;
}

static inline __attribute__((always_inline)) int
pmap_test_clear_slot(struct pmap *pm, uint64_t va, uint64_t *slot, uint64_t *pa)
{
	return pmap_test_clear_slot_(pm, va, slot, pa, false);
}

static inline int pmap_test_clear_referenced(struct pmap *pm, uint64_t va, uint64_t *pa)
{
	bool super;
	uint64_t *slot = pmap_peek_slot_(pm, va, &super);
	return pmap_test_clear_slot_(pm, va, slot, pa, super);
}

/* ---- reference cookies -------------------------------------------------------
 * CLOCK tests the A bit of one page at every step of its hand.  So that the
 * test need not find the process and walk the tables each time, pmap hands
 * out a cookie for a mapped user page: an opaque nonzero word that only the
 * functions below interpret (it is where pmap keeps the page's leaf).  A
 * cookie stays valid while the page stays mapped at va in pm, because a
 * table page is freed only when it holds no entry; the holder (the
 * replacement policy's per-page aux word, see rmap.h) forgets it when the
 * page stops being resident, which is before it can be unmapped.
 * pmap_ref_cookie_check verifies one against a fresh walk (debug builds). */

/* The cookie of user page va in pm, or 0 if va has no page table (so no
 * valid leaf either). */
static inline uint64_t pmap_ref_cookie(struct pmap *pm, uint64_t va)
{
	bool super;
	return (uint64_t)(uintptr_t)pmap_peek_slot_(pm, va, &super);
}

/* True if the page of cookie c has a valid leaf with the A bit set. */
static inline bool pmap_ref_cookie_referenced(uint64_t c)
{
	uint64_t pte = *(const uint64_t *)(uintptr_t)c;
	return (pte & (PTE_V | PTE_A)) == (PTE_V | PTE_A);
}

/* Clears the A bit of the page of cookie c, mapped at va in pm, and shoots
 * down its TLB entry (a PTE change: the one place for "referenced cleared
 * through a cookie"). */
static inline void pmap_ref_cookie_clear(struct pmap *pm, uint64_t va, uint64_t c)
{
	*(uint64_t *)(uintptr_t)c &= ~PTE_A;
	pmap_flush_va(pm, va & ~PGMASK);
}

/* True if c is still the cookie of va in pm. */
static inline bool pmap_ref_cookie_check(struct pmap *pm, uint64_t va, uint64_t c)
{
	return pmap_ref_cookie(pm, va) == c;
}

#endif

