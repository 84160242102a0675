/*
 * mmu.c - Sv39 / Sv48 address translation (RISC-V privileged spec 4.3.2,
 * "Virtual Address Translation Process"), the modeled TLB in front of it and
 * the host fast cache in front of that (see mmu.h).
 *
 * One walker serves both modes: it takes the number of levels as a
 * parameter (mmu_translate passes a constant per mode, so each mode gets an
 * unrolled copy; explain passes the levels of any satp) and runs the spec's
 * steps:
 *   1. the VA must be canonical (bits above the top VPN copy its top bit);
 *   2. a = satp.PPN * 4096, i = LEVELS - 1; read the PTE at a + VPN[i] * 8
 *      (outside RAM: access fault);
 *   3. V = 0, W without R, or reserved bits set (63:54; A/D/U in a non-leaf)
 *      -> page fault;
 *   4. R or X set: a leaf; otherwise descend (i < 0 -> page fault);
 *   5. leaf permissions for a U-mode access: U, and X / R / W by access type
 *      (no MXR, no SUM: U-mode only);
 *   6. a superpage leaf whose low PPN fields are not zero -> page fault;
 *   7. A/D: this MMU updates them itself (like Svadu): A on every access,
 *      D on a store, written back to the PTE in RAM;
 *   8. the PA keeps the VA's low bits below the leaf's level.
 * Finally the physical page must lie in RAM, or the access faults with the
 * access-fault cause (1 / 5 / 7).
 */
#include "mmu.h"

#include <errno.h>

/* ---- the walker -------------------------------------------------------- */

struct walk_result {
	uint64_t pte;        /* leaf PTE after the A/D update */
	int level;           /* leaf level */
	bool global;         /* G was set on the leaf or a non-leaf above it */
	uint64_t pa;
};

/* True if va sign-extends from bit (12 + 9 * levels - 1). */
static bool va_canonical(uint64_t va, int levels)
{
	int bits = PGSHIFT + VPN_BITS * levels;
	return (uint64_t)((int64_t)(va << (64 - bits)) >> (64 - bits)) == va;
}

/* The permission a U-mode access needs from a leaf, with the reason to give
 * when it is missing; NULL if allowed. */
static const char *leaf_denies(uint64_t pte, enum mmu_access acc)
{
	if (!(pte & PTE_U))
		return "U=0: supervisor page";
	switch (acc) {
	case ACC_FETCH: return (pte & PTE_X) ? NULL : "X=0: page not executable";
	case ACC_LOAD:  return (pte & PTE_R) ? NULL : "R=0: page not readable";
	default:        return (pte & PTE_W) ? NULL : "W=0: page not writable";
	}
}

static const char *const v0_why[] = {
	"PTE V=0 at level 0", "PTE V=0 at level 1", "PTE V=0 at level 2", "PTE V=0 at level 3",
};

/* The bits a valid non-leaf PTE has exactly V of: V R W X U A D and the
 * reserved 63:54.  One compare tells a clean descent from everything else
 * (a leaf, or any fault), which then gets the full checks. */
#define PTE_NONLEAF_MASK (PTE_HIGH_MASK | PTE_D | PTE_A | PTE_U | PTE_X | PTE_W | PTE_R | PTE_V)

/* Bit (pte & 15) set when V R W X make a valid leaf: V and R, or V and X
 * without W (V=bit 0, R=1, W=2, X=3: 0011 0111 1011 1111 1001). */
#define PTE_LEAF_OK ((1u << 0x3) | (1u << 0x7) | (1u << 0xb) | (1u << 0xf) | (1u << 0x9))

/* The leaf bits a U-mode access of each type needs. */
static const uint64_t leaf_needs[3] = {
	[ACC_FETCH] = PTE_U | PTE_X, [ACC_LOAD] = PTE_U | PTE_R, [ACC_STORE] = PTE_U | PTE_W,
};

/* Walks the table at root (satp.PPN * 4096) of a levels-level mode for va.
 * update_ad: write A/D back to RAM and count in st; trace: record every PTE
 * read.  Returns 0 and fills *r, or the exception cause with *why set.
 * Always inlined, so a caller that passes constant levels gets the loop
 * unrolled and one without trace or why gets no code for them.  (RAM's
 * bounds are read once into locals: the stores to st and to the PTEs would
 * otherwise force reloads.) */
static inline __attribute__((always_inline)) uint64_t
walk(const struct ram *ram, uint64_t root, int levels, uint64_t va, enum mmu_access acc,
     bool update_ad, struct mmu_stats *st, struct mmu_walk *trace, struct walk_result *r,
     const char **why, struct mmu_pwc *pwc, uint64_t pwc_root)
{
	uint64_t pf = mmu_page_fault_cause(acc);
	uint8_t *const mem = ram->mem;
	const uint64_t base = ram->base, size = ram->size;
	uint64_t a = root;
	uint64_t seen = 0;                /* OR of the PTEs on the way: G anywhere */
	uint64_t cause = pf;
	int nread;                        /* PTEs read, for st->pte_reads */
	uint64_t pte = 0, off = 0;
	int i = levels - 1;
	struct mmu_pwc *c = pwc ? &pwc[(va >> 21) & (MMU_PWC_ENTRIES - 1)] : NULL;
	if (c && c->region == va >> 21 && c->root == pwc_root) {
		/* the levels above as last time; va is canonical (the entry's
		 * region holds its bits 63:21) and the table lies in RAM (checked
		 * before the entry was made): straight to level 0 */
		a = c->table;
		seen = c->seen;
		i = 0;
		off = a - base + VA_VPN(va, 0) * 8;
		memcpy(&pte, mem + off, 8);
		if (trace && trace->nsteps < 5)
			trace->step[trace->nsteps++] = (struct mmu_walk_step){ 0, base + off, pte };
		if ((pte & PTE_NONLEAF_MASK) == PTE_V)
			i = -1;                 /* a valid non-leaf at level 0 */
	} else {
		if (!va_canonical(va, levels)) {
			*why = "non-canonical address";
			return pf;
		}
#pragma GCC unroll 4
		for (; i >= 0; i--) {
			/* a table lies in RAM as a whole or not at all: one check */
			if (a - base > size - PGSIZE) {
				nread = levels - 1 - i;
				*why = "page-table entry outside RAM";
				cause = mmu_access_fault_cause(acc);
				goto out;
			}
			if (i == 0 && c) {        /* every level above was a valid non-leaf */
				c->region = va >> 21;
				c->root = pwc_root;
				c->table = a;
				c->seen = seen;
			}
			off = a - base + ((va >> (PGSHIFT + VPN_BITS * i)) & (PT_ENTRIES - 1)) * 8;
			memcpy(&pte, mem + off, 8);
			if (trace && trace->nsteps < 5)
				trace->step[trace->nsteps++] = (struct mmu_walk_step){ i, base + off, pte };
			if ((pte & PTE_NONLEAF_MASK) != PTE_V)
				break;                  /* a leaf, or a fault */
			seen |= pte;
			a = PTE_PA(pte);
		}
	}
	if (i < 0) {
		nread = levels;
		*why = "no leaf PTE by level 0";
		goto out;
	}
	nread = levels - i;
	/* a valid leaf: V, R or X, not W without R, no reserved high bits;
	 * one test, then which fault (the loop left only dirty non-leaves) */
	if (__builtin_expect(!((PTE_LEAF_OK >> (pte & 15)) & 1) | ((pte & PTE_HIGH_MASK) != 0), 0)) {
		*why = !(pte & PTE_V) ? v0_why[i] :
		       (pte & (PTE_W | PTE_R)) == PTE_W ? "W without R (reserved)" :
		       (pte & PTE_HIGH_MASK) ? "reserved PTE bits 63:54 set" :
		       "non-leaf PTE with A, D or U set (reserved)";
		goto out;
	}
	bool global = ((seen | pte) & PTE_G) != 0;
	/* a leaf at level i */
	if (trace)
		trace->leaf_level = i;
	if ((pte & leaf_needs[acc]) != leaf_needs[acc]) {
		*why = leaf_denies(pte, acc);
		goto out;
	}
	uint64_t span = LEVEL_SIZE(i) - 1;
	if (PTE_PA(pte) & span) {
		*why = "misaligned superpage";
		goto out;
	}
	uint64_t pa = PTE_PA(pte) | (va & span);
	uint64_t page = pa & ~PGMASK;
	if (page < base || page - base > size - PGSIZE) {
		*why = "physical page outside RAM";
		cause = mmu_access_fault_cause(acc);
		goto out;
	}
	uint64_t want = pte | PTE_A | (acc == ACC_STORE ? PTE_D : 0);
	if (update_ad && want != pte) {
		memcpy(mem + off, &want, 8);
		pte = want;
		if (st)
			st->ad_updates++;
	}
	r->pte = pte;
	r->level = i;
	r->global = global;
	r->pa = pa;
	cause = 0;
out:
	if (st)
		st->pte_reads += (uint64_t)nread;
	return cause;
}

/* Sign-extends a VA built from table indices for a levels-deep tree. */
static uint64_t canonical_va(uint64_t va, int levels)
{
	int bits = PGSHIFT + VPN_BITS * levels;
	return (uint64_t)((int64_t)(va << (64 - bits)) >> (64 - bits));
}

/* mmu_tables_visit below the table at pa (level lv) covering VAs from base. */
static int visit_table(const struct ram *ram, int levels, uint64_t pa, int lv, uint64_t base,
		       unsigned limit, const struct mmu_tables_visitor *v)
{
	if (!ram_contains((struct ram *)ram, pa, PGSIZE))
		return 0;
	int rc = v->table ? v->table(v->ctx, lv, pa) : 0;
	if (rc)
		return rc;
	const uint64_t *t = (const uint64_t *)ram_ptr((struct ram *)ram, pa);
	for (unsigned i = 0; i < limit; i++) {
		uint64_t pte = t[i];
		if (!pte)
			continue;
		uint64_t va = canonical_va(base + ((uint64_t)i << (PGSHIFT + VPN_BITS * lv)), levels);
		if (v->entry && (rc = v->entry(v->ctx, lv, pa, i, va, pte)))
			return rc;
		if ((pte & PTE_V) && !PTE_IS_LEAF(pte) && lv > 0 &&
		    (rc = visit_table(ram, levels, PTE_PA(pte), lv - 1, va, PT_ENTRIES, v)))
			return rc;
	}
	return 0;
}

int mmu_tables_visit(const struct ram *ram, uint64_t satp, unsigned root_limit,
		     const struct mmu_tables_visitor *v)
{
	int levels = satp_levels(SATP_MODE(satp));
	if (!levels)
		return 0;
	return visit_table(ram, levels, SATP_PPN(satp) << PGSHIFT, levels - 1, 0,
			   root_limit < PT_ENTRIES ? root_limit : PT_ENTRIES, v);
}

void mmu_walk_explain(const struct mmu *m, uint64_t satp, uint64_t va,
		      enum mmu_access acc, struct mmu_walk *out)
{
	memset(out, 0, sizeof *out);
	out->leaf_level = -1;
	if (satp_levels(SATP_MODE(satp)) == 0) {
		out->pa = va;
		if (!ram_contains(m->ram, va & ~PGMASK, PGSIZE)) {
			out->cause = mmu_access_fault_cause(acc);
			out->why = "Bare mode: physical address outside RAM";
		}
		return;
	}
	struct walk_result r;
	const char *why = NULL;
	out->cause = walk(m->ram, SATP_PPN(satp) << PGSHIFT, satp_levels(SATP_MODE(satp)), va, acc,
			  false, NULL, out, &r, &why, NULL, 0);
	if (out->cause == 0)
		out->pa = r.pa;
	else
		out->why = why;
}

/* ---- the fast cache ---------------------------------------------------- */

void mmu_pwc_flush(struct mmu *m)
{
	for (int i = 0; i < MMU_PWC_ENTRIES; i++)
		m->pwc[i].region = UINT64_MAX;
}

void mmu_fast_flush(struct mmu *m)
{
	m->fast_used = false;
	if (m->fast_filled <= MMU_FAST_LOG) {
		/* only the slots filled since the last flush can hold an entry */
		for (unsigned n = 0; n < m->fast_filled; n++) {
			unsigned slot = m->fast_log[n];
			m->fast[slot / MMU_FAST_ENTRIES][slot % MMU_FAST_ENTRIES].tag = MMU_FAST_INVALID;
		}
	} else {
		for (int a = 0; a < 3; a++)
			for (int i = 0; i < MMU_FAST_ENTRIES; i++)
				m->fast[a][i].tag = MMU_FAST_INVALID;
	}
	m->fast_filled = 0;
}

/* tlb_removed_fn: drops every fast entry that may derive from the removed
 * entry (page vpn of level `level`), whatever its ASID (dropping too much
 * costs a model lookup, never a wrong count). */
static void fast_drop(void *ctx, uint64_t vpn, int level)
{
	struct mmu *m = ctx;
	if (!m->fast_used)             /* nothing can derive from e (trace replay) */
		return;
	if (level == 0) {
		unsigned i = mmu_fast_index(vpn);
		for (int a = 0; a < 3; a++)
			if (m->fast[a][i].tag == vpn << PGSHIFT)
				m->fast[a][i].tag = MMU_FAST_INVALID;
		return;
	}
	if (level == 1) {
		/* only the pages whose 64ths the entry's fast_mask names (the
		 * fast cache holds 4 KiB pages: one slot per page) */
		uint64_t mask = m->tlb.removed_mask, first = vpn << VPN_BITS;
		while (mask) {
			unsigned g = (unsigned)__builtin_ctzll(mask);
			mask &= mask - 1;
			for (unsigned j = 0; j < PT_ENTRIES / 64; j++) {
				uint64_t page = first + g * (PT_ENTRIES / 64) + j;
				unsigned i = mmu_fast_index(page);
				for (int a = 0; a < 3; a++)
					if (m->fast[a][i].tag == page << PGSHIFT)
						m->fast[a][i].tag = MMU_FAST_INVALID;
			}
		}
		return;
	}
	int shift = PGSHIFT + VPN_BITS * level;
	for (int a = 0; a < 3; a++)
		for (int i = 0; i < MMU_FAST_ENTRIES; i++) {
			struct mmu_fast *f = &m->fast[a][i];
			if (f->tag != MMU_FAST_INVALID && (f->tag >> shift) == vpn)
				f->tag = MMU_FAST_INVALID;
		}
}

/* ---- the MMU ----------------------------------------------------------- */

int mmu_init(struct mmu *m, struct ram *ram, unsigned tlb_entries, unsigned tlb_ways)
{
	memset(m, 0, sizeof *m);
	int err = tlb_init(&m->tlb, tlb_entries, tlb_ways);
	if (err)
		return err;
	m->ram = ram;
	m->satp = 0;
	m->fast_filled = MMU_FAST_LOG + 1;    /* every slot: the first flush clears all */
	mmu_fast_flush(m);
	mmu_pwc_flush(m);
	return 0;
}

void mmu_destroy(struct mmu *m)
{
	tlb_destroy(&m->tlb);
}

void mmu_set_satp(struct mmu *m, uint64_t satp)
{
	uint64_t mode = SATP_MODE(satp);
	if (mode != SATP_MODE_BARE && mode != SATP_MODE_SV39 && mode != SATP_MODE_SV48)
		return;                         /* WARL: the write has no effect */
	if (satp != m->satp) {
		m->satp = satp;
		m->levels = satp_levels(mode);
		m->asid = (uint16_t)SATP_ASID(satp);
		m->root = SATP_PPN(satp) << PGSHIFT;
		m->pwc_key = satp & ~(0xffffULL << 44);
		mmu_fast_flush(m);
	}
}

void mmu_sfence_vma(struct mmu *m, bool has_va, uint64_t va, bool has_asid, uint16_t asid)
{
	m->stats.flushes++;
	if (!has_va)                  /* rs1 = x0: what software runs after changing a
				       * non-leaf PTE (privileged spec 4.2.1) */
		mmu_pwc_flush(m);
	tlb_flush(&m->tlb, has_va, va, has_asid, asid, fast_drop, m);
}

void mmu_sfence_page_slow(struct mmu *m, uint64_t va, uint16_t asid)
{
	tlb_flush_page(&m->tlb, va, asid, m->fast_used ? fast_drop : NULL, m);
}

/* True if a cached leaf satisfies the access: a store also needs D = 1,
 * else it must re-walk to set D in RAM. */
static bool entry_permits(uint64_t pte, enum mmu_access acc)
{
	if (leaf_denies(pte, acc))
		return false;
	return acc != ACC_STORE || (pte & PTE_D);
}

int mmu_translate(struct mmu *m, uint64_t va, enum mmu_access acc, uint64_t *pa)
{
	if (m->levels == 0) {               /* Bare */
		if (!ram_contains(m->ram, va & ~PGMASK, PGSIZE))
			return (int)mmu_access_fault_cause(acc);
		*pa = va;
		return 0;
	}
	uint16_t asid = m->asid;
	struct tlb_entry *e = tlb_lookup(&m->tlb, va, asid);
	if (e && entry_permits(e->pte, acc)) {
		uint64_t span = LEVEL_SIZE(tlb_tag_level(tlb_entry_tag(&m->tlb, e))) - 1;
		uint64_t p = (PTE_PA(e->pte) & ~span) | (va & span);
		m->stats.tlb_hits++;
		m->stats.tlb_super_hits += span >= LEVEL_SIZE(1) - 1;
		m->last_super = span == LEVEL_SIZE(1) - 1 ? &m->tlb.fast_mask[e - m->tlb.e] : NULL;
		if (!ram_contains(m->ram, p & ~PGMASK, PGSIZE))
			return (int)mmu_access_fault_cause(acc);
		*pa = p;
		return 0;
	}
	m->stats.tlb_misses++;
	m->stats.walks++;
	if (m->miss_hook)
		m->miss_hook(m->miss_ctx, va, acc);
	struct walk_result r;
	const char *why;
	/* constant levels: each mode gets its own unrolled walk */
	uint64_t cause = m->levels == 3 ?
		walk(m->ram, m->root, 3, va, acc, true, &m->stats, NULL, &r, &why, m->pwc, m->pwc_key) :
		walk(m->ram, m->root, 4, va, acc, true, &m->stats, NULL, &r, &why, m->pwc, m->pwc_key);
	if (cause)
		return (int)cause;
	/* with the fast cache empty since its last flush, fast_drop has
	 * nothing to drop (trace replay): no call per eviction */
	tlb_removed_fn *drop = m->fast_used ? fast_drop : NULL;
	struct tlb_entry *ne;
	if (e)        /* a cached entry without the needed permission: refresh it */
		ne = tlb_insert(&m->tlb, va, r.level, asid, r.global, r.pte, drop, m);
	else
		ne = tlb_insert_new(&m->tlb, va, r.level, asid, r.global, r.pte, drop, m);
	m->last_super = r.level == 1 ? &m->tlb.fast_mask[ne - m->tlb.e] : NULL;
	*pa = r.pa;
	return 0;
}

int mmu_translate_host(struct mmu *m, uint64_t va, enum mmu_access acc, uint8_t **host)
{
	uint64_t pa;
	int cause = mmu_translate(m, va, acc, &pa);
	if (cause)
		return cause;
	*host = ram_ptr(m->ram, pa);
	/* no fast store entry for a frame holding translated code (ram.h) */
	if (acc == ACC_STORE && m->ram->code && m->ram->code[(pa - m->ram->base) >> PGSHIFT])
		return 0;
	if (SATP_MODE(m->satp) != SATP_MODE_BARE) {
		uint64_t page = va & ~PGMASK;
		unsigned i = mmu_fast_index(va >> PGSHIFT);
		struct mmu_fast *f = &m->fast[acc][i];
		m->fast_used = true;
		if (m->fast_filled < MMU_FAST_LOG)
			m->fast_log[m->fast_filled] = (uint16_t)(acc * MMU_FAST_ENTRIES + i);
		if (m->fast_filled <= MMU_FAST_LOG)
			m->fast_filled++;        /* past the log: the next flush clears all */
		f->tag = page;
		f->addend = (uintptr_t)(*host - (va & PGMASK)) - (uintptr_t)page;
		if (m->last_super)       /* derived from a 2 MiB entry: say where */
			*m->last_super |= 1ULL << (((va >> PGSHIFT) & (PT_ENTRIES - 1)) / (PT_ENTRIES / 64));
	}
	return 0;
}
