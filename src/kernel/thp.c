/*
 * thp.c - transparent superpages (see thp.h and docs/thp.md): eligibility,
 * reservations (FreeBSD's vm_reserv: Navarro, Iyer, Druschel and Cox,
 * "Practical, transparent operating system support for superpages", OSDI
 * 2002), eager 2 MiB mappings, promotion, and the checks.
 *
 * A reservation is found by (address space, 2 MiB range) in a small hash;
 * all of them are also on an age list, oldest first, which is the order
 * pressure breaks them in (FreeBSD breaks the least recently populated
 * reservation; here the least recently made one).
 */
#include "thp.h"
#include "frame.h"
#include "proc.h"
#include "rmap.h"

#include <errno.h>
#include <string.h>

static const char *const mode_names[] = { "never", "madvise", "always" };
static const char *const strategy_names[] = { "reserve", "eager" };
static const char *const cow_names[] = { "split", "copy" };

/* thp.h. */
int thp_parse_cow(const char *s, enum thp_cow *c)
{
	for (int i = 0; i < 2; i++)
		if (!strcmp(s, cow_names[i])) {
			*c = (enum thp_cow)i;
			return 0;
		}
	return -1;
}

const char *thp_cow_name(enum thp_cow c) { return cow_names[c]; }

/* thp.h. */
int thp_parse_mode(const char *s, enum thp_mode *mode)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, mode_names[i])) {
			*mode = (enum thp_mode)i;
			return 0;
		}
	return -1;
}

/* thp.h. */
int thp_parse_strategy(const char *s, enum thp_strategy *st)
{
	for (int i = 0; i < 2; i++)
		if (!strcmp(s, strategy_names[i])) {
			*st = (enum thp_strategy)i;
			return 0;
		}
	return -1;
}

const char *thp_mode_name(enum thp_mode m) { return mode_names[m]; }
const char *thp_strategy_name(enum thp_strategy s) { return strategy_names[s]; }

/* thp.h: the reservation table, unless THP is off. */
int thp_init(struct kernel *k)
{
	memset(&k->thp, 0, sizeof k->thp);
	k->thp_break = thp_break_oldest;
	k->thp.next_collapse = k->cfg.thp_collapse;
	if (k->cfg.thp == THP_NEVER)
		return 0;
	k->thp.hash = kzalloc(&k->km, THP_HASH * sizeof *k->thp.hash);
	return k->thp.hash ? 0 : -ENOMEM;
}

/* thp.h. */
void thp_shutdown(struct kernel *k)
{
	while (thp_break_oldest(k))
		;
	kfree(&k->km, k->thp.hash);
	k->thp.hash = NULL;
}

/* ---- reservations --------------------------------------------------------- */

static unsigned resv_hash(const struct mm *mm, uint64_t va)
{
	uint64_t h = ((uint64_t)(uintptr_t)mm >> 6) ^ (va >> 21);
	return (unsigned)((h * 0x9e3779b97f4a7c15ull) >> 56) & (THP_HASH - 1);
}

/* The reservation of mm for the 2 MiB range at va, or NULL. */
static struct thp_resv *resv_find(struct kernel *k, const struct mm *mm, uint64_t va)
{
	if (!k->thp.count)
		return NULL;
	for (struct thp_resv *r = k->thp.hash[resv_hash(mm, va)]; r; r = r->hnext)
		if (r->mm == mm && r->va == va)
			return r;
	return NULL;
}

static bool resv_bit(const struct thp_resv *r, unsigned i)
{
	return (r->populated[i / 64] >> (i % 64)) & 1;
}

/* Takes r off the hash and the age list and frees it; its frames must be
 * accounted for already. */
static void resv_free(struct kernel *k, struct thp_resv *r)
{
	struct thp_resv **pp = &k->thp.hash[resv_hash(r->mm, r->va)];
	while (*pp != r)
		pp = &(*pp)->hnext;
	*pp = r->hnext;
	if (r->older)
		r->older->newer = r->newer;
	else
		k->thp.oldest = r->newer;
	if (r->newer)
		r->newer->older = r->older;
	else
		k->thp.newest = r->older;
	k->thp.count--;
	kfree(&k->km, r);
}

/* Breaks r: its frames not mapped yet go back to the buddy allocator. */
static void resv_break(struct kernel *k, struct thp_resv *r)
{
	for (unsigned i = 0; i < THP_PAGES; i++)
		if (!resv_bit(r, i)) {
			page_free_frames(&k->pa, r->pa + ((uint64_t)i << PGSHIFT), 0);
			k->thp.frames_returned++;
		}
	k->thp.free_frames -= THP_PAGES - r->npop;
	k->thp.resv_broken++;
	resv_free(k, r);
}

/* thp.h. */
bool thp_break_oldest(struct kernel *k)
{
	if (!k->thp.oldest)
		return false;
	resv_break(k, k->thp.oldest);
	return true;
}

/* thp.h. */
void thp_break_range(struct kernel *k, struct mm *mm, uint64_t start, uint64_t end)
{
	for (struct thp_resv *r = k->thp.oldest, *next; r; r = next) {
		next = r->newer;
		if (r->mm == mm && r->va < end && start < r->va + THP_SIZE)
			resv_break(k, r);
	}
}

/* True if the machine can spare an order-9 block now: the frame limit and
 * the physical reserve both leave room for 512 more frames.  An eager
 * superpage cannot be given back under pressure the way a reservation can
 * (its 512 pages are mapped, and after a write all of them look dirty), so
 * eager mapping also leaves an eighth of memory for 4 KiB pages: a program
 * that touches one byte per 2 MiB does not run out of memory where 4 KiB
 * pages would have sufficed. */
static bool room_for_block(struct kernel *k, bool eager)
{
	uint64_t cap_slack = eager ? k->repl.capacity / 8 : 0;
	uint64_t phys_slack = eager ? k->pa.nframes / 8 : 64;
	return k->repl.resident + k->thp.free_frames + THP_PAGES + cap_slack <= k->repl.capacity &&
	       k->pa.free_frames >= k->reserve_frames + THP_PAGES + phys_slack;
}

/* Makes reserved frame pa a user frame of p with one reference, as
 * frame_alloc would hand it out: zeroed here if zero, counted as zeroed if
 * zeroed (zero, or zeroed already by the allocator). */
static void take_frame(struct kernel *k, struct proc *p, uint64_t pa, bool zero, bool zeroed)
{
	page_retag(&k->pa, pa, FO_USER, p->tgid);
	struct frame *f = pa_frame(&k->pa, pa);
	f->refcount = 1;
	f->flags = FRAME_HEAD | FRAME_ZEROFILL;
	f->rmap = NULL;
	f->first.p = NULL;
	f->key = REPL_NONE;
	if (zero)
		memset(ram_ptr(&k->ram, pa), 0, PGSIZE);
	if (zeroed) {
		k->stats.pages_zeroed++;
		p->st.pages_zeroed++;
	}
	if (++k->user_frames > k->stats.user_frames_peak)
		k->stats.user_frames_peak = k->user_frames;
}

/* True if region r may hold superpages under the --thp mode, wherever a
 * 2 MiB-aligned range fits in it. */
static bool region_ok(struct kernel *k, const struct vm_region *r)
{
	if (k->cfg.thp == THP_NEVER || k->cfg.local_frames || r->object || (r->flags & VMR_SHARED))
		return false;
	if (r->kind != VMK_HEAP && r->kind != VMK_ANON && r->kind != VMK_BSS)
		return false;
	if ((r->prot & (VM_PROT_READ | VM_PROT_WRITE)) != (VM_PROT_READ | VM_PROT_WRITE))
		return false;
	if (k->cfg.thp == THP_MADVISE)
		return r->flags & VMR_HUGEPAGE;
	return !(r->flags & VMR_NOHUGEPAGE);
}

/* True if the 2 MiB range of va in region r may be mapped by a superpage. */
static bool eligible(struct kernel *k, const struct vm_region *r, uint64_t va)
{
	uint64_t va2 = va & ~(THP_SIZE - 1);
	return va2 >= r->start && va2 + THP_SIZE <= r->end && region_ok(k, r);
}

/* thp.h. */
bool thp_region_eligible(struct kernel *k, const struct vm_region *r)
{
	uint64_t first = (r->start + THP_SIZE - 1) & ~(THP_SIZE - 1);
	return first >= r->start && first + THP_SIZE <= r->end && region_ok(k, r);
}

/* Promotes the full reservation rv of p if its 512 frames are still p's
 * alone (one reference, one reverse mapping each, at their own address). */
static void try_promote(struct kernel *k, struct proc *p, struct thp_resv *rv)
{
	for (unsigned i = 0; i < THP_PAGES; i++) {
		struct frame *f = pa_frame(&k->pa, rv->pa + ((uint64_t)i << PGSHIFT));
		if (f->owner != FO_USER || f->refcount != 1 || !f->rmap || f->rmap->next ||
		    f->rmap->p != p->mm->owner || f->rmap->va != rv->va + ((uint64_t)i << PGSHIFT)) {
			k->thp.promotion_failed++;
			return;
		}
	}
	k->ever_super = true;            /* CLOCK: kept pmap cookies may go stale */
	if (pmap_promote(&p->mm->pmap, rv->va) == 0)
		k->thp.promotions++;
	else
		k->thp.promotion_failed++;
}

/* Eager: maps the zeroed, split block at pa as one superpage at va2 in p
 * with region r's rights.  Returns 0, 1 (could not: the block is freed and
 * the fault goes on with 4 KiB pages) or -ENOMEM. */
static int map_eager(struct kernel *k, struct proc *p, struct vm_region *r, uint64_t va2,
		     uint64_t pa)
{
	for (unsigned i = 0; i < THP_PAGES; i++) {
		uint64_t fpa = pa + ((uint64_t)i << PGSHIFT);
		take_frame(k, p, fpa, false, true);
		rmap_add(k, fpa, p, va2 + ((uint64_t)i << PGSHIFT));   /* its own entry: no allocation */
	}
	k->ever_super = true;
	int rc = pmap_enter_super(&p->mm->pmap, va2, pa, r->prot, false);
	if (rc < 0) {
		for (unsigned i = 0; i < THP_PAGES; i++) {
			uint64_t fpa = pa + ((uint64_t)i << PGSHIFT);
			rmap_del(k, fpa, p, va2 + ((uint64_t)i << PGSHIFT));
			frame_release(k, fpa);
		}
		k->thp.eager_failed++;
		return rc == -ENOMEM ? -ENOMEM : 1;
	}
	k->thp.eager_maps++;
	struct proc *o = p->mm->owner;
	if (o->mm->pmap.resident > o->st.resident_peak)
		o->st.resident_peak = o->mm->pmap.resident;
	return 0;
}

/* thp.h: the fault handler's door. */
int thp_fault(struct kernel *k, struct proc *p, struct vm_region *r, uint64_t va)
{
	if (k->cfg.thp == THP_NEVER || !eligible(k, r, va))
		return 1;
	uint64_t va2 = va & ~(THP_SIZE - 1);
	struct mm *mm = p->mm;
	struct thp_resv *rv = resv_find(k, mm, va2);
	if (!rv) {
		if (!pmap_range_empty(&mm->pmap, va2))
			return 1;            /* pages there already: they cannot join */
		bool eager = k->cfg.thp_strategy == THP_EAGER;
		if (!room_for_block(k, eager)) {
			k->thp.resv_failed++;
			return 1;
		}
		uint64_t pa = page_alloc_frames(&k->pa, 9, eager ? PA_ZERO : 0, FO_RESERVED, p->tgid);
		if (!pa) {
			k->thp.resv_failed++;    /* fragmented: no free aligned block */
			return 1;
		}
		page_alloc_split(&k->pa, pa, 9);
		if (eager) {
			k->fault_kind = "thp-eager";
			return map_eager(k, p, r, va2, pa);
		}
		if (!(rv = kzalloc(&k->km, sizeof *rv))) {
			for (unsigned i = 0; i < THP_PAGES; i++)
				page_free_frames(&k->pa, pa + ((uint64_t)i << PGSHIFT), 0);
			return 1;
		}
		rv->mm = mm;
		rv->va = va2;
		rv->pa = pa;
		unsigned h = resv_hash(mm, va2);
		rv->hnext = k->thp.hash[h];
		k->thp.hash[h] = rv;
		rv->older = k->thp.newest;
		if (k->thp.newest)
			k->thp.newest->newer = rv;
		else
			k->thp.oldest = rv;
		k->thp.newest = rv;
		k->thp.count++;
		k->thp.free_frames += THP_PAGES;
		k->thp.resv_made++;
	}
	unsigned i = (unsigned)((va - va2) >> PGSHIFT);
	if (resv_bit(rv, i))
		return 1;                    /* mapped once, then removed: a plain page now */
	uint64_t fpa = rv->pa + ((uint64_t)i << PGSHIFT);
	rv->populated[i / 64] |= 1ULL << (i % 64);
	rv->npop++;
	k->thp.free_frames--;
	take_frame(k, p, fpa, true, true);
	k->fault_kind = "thp-reserve";
	/* as vm_enter: the reverse map first, then the PTE; on failure the
	 * frame goes (its bit stays set: a plain page next time) */
	int rc = rmap_add(k, fpa, p, va);
	if (rc == 0 && (rc = pmap_enter(&p->mm->pmap, va, fpa, r->prot, false)) < 0)
		rmap_del(k, fpa, p, va);
	if (rc < 0) {
		frame_release(k, fpa);
		return rc;
	}
	struct proc *o = p->mm->owner;
	if (o->mm->pmap.resident > o->st.resident_peak)
		o->st.resident_peak = o->mm->pmap.resident;
	if (rv->npop == THP_PAGES) {
		try_promote(k, p, rv);
		k->thp.resv_completed++;
		resv_free(k, rv);
	}
	return 0;
}

/* ---- copy-on-write ---------------------------------------------------------- */

struct fork_share {
	struct kernel *k;
	struct proc *parent, *child;
	int rc;
};

/* pmap_foreach_super callback: shares the parent's superpage at va, over
 * the block at pa, whole with the child, copy-on-write on both sides. */
static int share_super(void *arg, uint64_t va, uint64_t pa)
{
	struct fork_share *s = arg;
	struct kernel *k = s->k;
	struct vm_region *r = vm_map_lookup(&s->parent->mm->map, va);
	unsigned i;
	for (i = 0; i < THP_PAGES; i++) {
		uint64_t fpa = pa + ((uint64_t)i << PGSHIFT);
		if (rmap_add(k, fpa, s->child, va + ((uint64_t)i << PGSHIFT)) < 0)
			break;
		frame_ref(k, fpa);
	}
	int rc = i < THP_PAGES ? -ENOMEM : pmap_enter_super(&s->child->mm->pmap, va, pa, r->prot, true);
	if (rc < 0) {
		while (i-- > 0) {
			uint64_t fpa = pa + ((uint64_t)i << PGSHIFT);
			rmap_del(k, fpa, s->child, va + ((uint64_t)i << PGSHIFT));
			frame_release(k, fpa);
		}
		s->rc = rc;
		return 1;
	}
	pmap_super_set(&s->parent->mm->pmap, va, pa, r->prot, true);   /* cannot fail: it is one */
	k->thp.fork_shared++;
	return 0;
}

/* thp.h. */
int thp_fork(struct kernel *k, struct proc *parent, struct proc *child)
{
	struct pmap *pm = &parent->mm->pmap;
	if (!pm->nsuper)
		return 0;
	if (k->cfg.thp_cow == THP_COW_SPLIT)
		return pmap_demote_range(pm, 0, user_top(k->cfg.levels));
	struct fork_share s = { k, parent, child, 0 };
	pmap_foreach_super(pm, 0, user_top(k->cfg.levels), share_super, &s);
	return s.rc;
}

/* thp.h: a store to a copy-on-write superpage. */
int thp_cow_fault(struct kernel *k, struct proc *p, struct vm_region *r, uint64_t va)
{
	if (k->cfg.thp_cow != THP_COW_COPY) {
		k->thp.cow_split++;
		return 1;
	}
	uint64_t va2 = va & ~(THP_SIZE - 1);
	struct pmap_page pg;
	if (!pmap_extract(&p->mm->pmap, va2, &pg) || !pg.super || !pg.cow)
		return 1;
	uint64_t old = pg.pa;
	bool alone = true;
	for (unsigned i = 0; i < THP_PAGES && alone; i++)
		alone = pa_frame(&k->pa, old + ((uint64_t)i << PGSHIFT))->refcount == 1;
	k->stats.faults_cow++;
	p->st.faults_cow++;
	if (alone) {                     /* the other side has gone: no copy */
		k->fault_kind = "thp-cow-reuse";
		k->stats.faults_copy_avoided++;
		k->thp.cow_reuses++;
		return pmap_super_set(&p->mm->pmap, va2, old, r->prot, false);
	}
	uint64_t pa = room_for_block(k, false) ? page_alloc_frames(&k->pa, 9, 0, FO_RESERVED, p->tgid) : 0;
	if (!pa) {
		k->thp.cow_split++;
		k->stats.faults_cow--;       /* fault_cow counts it */
		p->st.faults_cow--;
		return 1;
	}
	page_alloc_split(&k->pa, pa, 9);
	memcpy(ram_ptr(&k->ram, pa), ram_ptr(&k->ram, old), THP_SIZE);
	for (unsigned i = 0; i < THP_PAGES; i++) {
		uint64_t fva = va2 + ((uint64_t)i << PGSHIFT), opa = old + ((uint64_t)i << PGSHIFT);
		uint64_t npa = pa + ((uint64_t)i << PGSHIFT);
		take_frame(k, p, npa, false, false);
		pa_frame(&k->pa, npa)->flags &= (uint16_t)~FRAME_ZEROFILL;
		rmap_move(k, opa, npa, p, fva);
	}
	pmap_super_set(&p->mm->pmap, va2, pa, r->prot, false);
	for (unsigned i = 0; i < THP_PAGES; i++)   /* after the PTE no longer points at them */
		frame_release(k, old + ((uint64_t)i << PGSHIFT));
	k->stats.pages_copied += THP_PAGES;
	p->st.pages_copied += THP_PAGES;
	k->thp.cow_copies++;
	k->fault_kind = "thp-cow-copy";
	return 0;
}

/* ---- collapse (khugepaged) ------------------------------------------------ */

struct collapse_scan {
	struct kernel *k;
	uint64_t va;                      /* the range */
	unsigned n;                       /* pages found */
	bool ok;
	uint64_t pa[THP_PAGES];
};

/* pmap_foreach callback: records page pg's frame if it may be collapsed
 * (present, accessible, a user frame of this space alone). */
static int collect_page(void *arg, const struct pmap_page *pg)
{
	struct collapse_scan *c = arg;
	const struct frame *f = pg->present ? pa_frame(&c->k->pa, pg->pa) : NULL;
	if (!f || !pg->prot || pg->super || f->owner != FO_USER || f->refcount != 1) {
		c->ok = false;
		return 1;
	}
	c->pa[(pg->va - c->va) >> PGSHIFT] = pg->pa;
	c->n++;
	return 0;
}

/* Collapses the range at va2 of p's region r if it can be.  Returns 1 if
 * it was, 0 if it cannot be, -1 if no block can be had (the pass stops). */
static int collapse_range(struct kernel *k, struct proc *p, struct vm_region *r, uint64_t va2)
{
	static struct collapse_scan c;      /* 4 KiB of frame addresses: not on the stack */
	c.k = k;
	c.va = va2;
	c.n = 0;
	c.ok = true;
	pmap_foreach(&p->mm->pmap, va2, va2 + THP_SIZE, collect_page, &c);
	if (!c.ok || c.n != THP_PAGES || resv_find(k, p->mm, va2))
		return 0;                    /* a reservation will promote it itself */
	if (!room_for_block(k, false))
		return -1;
	uint64_t pa = page_alloc_frames(&k->pa, 9, 0, FO_RESERVED, p->tgid);
	if (!pa)
		return -1;
	page_alloc_split(&k->pa, pa, 9);
	for (unsigned i = 0; i < THP_PAGES; i++) {
		uint64_t npa = pa + ((uint64_t)i << PGSHIFT);
		memcpy(ram_ptr(&k->ram, npa), ram_ptr(&k->ram, c.pa[i]), PGSIZE);
		take_frame(k, p, npa, false, false);
		struct frame *nf = pa_frame(&k->pa, npa);
		nf->flags = (uint16_t)((nf->flags & ~FRAME_ZEROFILL) |
				       (pa_frame(&k->pa, c.pa[i])->flags & FRAME_ZEROFILL));
		rmap_move(k, c.pa[i], npa, p, va2 + ((uint64_t)i << PGSHIFT));
	}
	k->ever_super = true;
	if (pmap_collapse(&p->mm->pmap, va2, pa, r->prot) < 0)
		kpanic("thp collapse: the PTEs of 0x%llx changed under the copy", (unsigned long long)va2);
	for (unsigned i = 0; i < THP_PAGES; i++)   /* after the PTEs no longer point at them */
		frame_release(k, c.pa[i]);
	k->stats.pages_copied += THP_PAGES;
	p->st.pages_copied += THP_PAGES;
	k->thp.collapses++;
	return 1;
}

/* thp.h: one khugepaged pass. */
void thp_collapse_pass(struct kernel *k)
{
	unsigned scanned = 0, done = 0;
	k->thp.collapse_passes++;
	for (struct proc *p = k->procs; p; p = p->next) {
		if (!proc_space_live(p) || p->mm->owner != p || p->pid < k->thp.scan_pid)
			continue;
		uint64_t from = p->pid == k->thp.scan_pid ? k->thp.scan_va : 0;
		for (struct vm_region *r = vm_map_first(&p->mm->map); r; r = vm_map_next(&p->mm->map, r)) {
			if (r->end <= from || !region_ok(k, r))
				continue;
			uint64_t va2 = (r->start + THP_SIZE - 1) & ~(THP_SIZE - 1);
			if (va2 < from)
				va2 = from;
			for (; va2 + THP_SIZE <= r->end; va2 += THP_SIZE) {
				if (pmap_range_empty(&p->mm->pmap, va2) || pmap_is_super(&p->mm->pmap, va2))
					continue;
				int rc = scanned++ < THP_COLLAPSE_SCAN ? collapse_range(k, p, r, va2) : -1;
				done += rc > 0;
				if (rc < 0 || done == THP_COLLAPSE_MAX) {
					k->thp.scan_pid = p->pid;
					k->thp.scan_va = va2 + (rc > 0 ? THP_SIZE : 0);
					return;
				}
			}
		}
	}
	k->thp.scan_pid = 0;                 /* every space seen: start again */
	k->thp.scan_va = 0;
}

/* ---- looking and checking ------------------------------------------------- */

struct super_ctx {
	struct kernel *k;
	struct proc *p;
	uint64_t start, end, bytes;
	char *msg;
};

static int count_super(void *arg, uint64_t va, uint64_t pa)
{
	struct super_ctx *c = arg;
	uint64_t lo = va > c->start ? va : c->start;
	uint64_t hi = va + THP_SIZE < c->end ? va + THP_SIZE : c->end;
	if (lo < hi)
		c->bytes += hi - lo;
	return 0;
}

/* thp.h. */
uint64_t thp_mapped_bytes(struct proc *p, uint64_t start, uint64_t end)
{
	struct super_ctx c = { NULL, p, start, end, 0, NULL };
	pmap_foreach_super(&p->mm->pmap, start, end, count_super, &c);
	return c.bytes;
}

static int check_super(void *arg, uint64_t va, uint64_t pa)
{
	struct super_ctx *c = arg;
	struct proc *owner = c->p->mm->owner;
	struct pmap_page pg;
	bool cow = pmap_extract(&c->p->mm->pmap, va, &pg) && pg.cow;
	for (unsigned i = 0; i < THP_PAGES; i++) {
		uint64_t fpa = pa + ((uint64_t)i << PGSHIFT), fva = va + ((uint64_t)i << PGSHIFT);
		const struct frame *f = pa_frame(&c->k->pa, fpa);
		unsigned n = 0;
		bool mine = false;
		for (const struct rmap_entry *e = f->rmap; e; e = e->next) {
			n++;
			mine |= e->p == owner && e->va == fva;
		}
		/* its own frames; shared (copy-on-write) only if the leaf is COW */
		if (f->owner != FO_USER || f->refcount != n || !mine || (n > 1 && !cow)) {
			snprintf(c->msg, 200, "pid %u: superpage 0x%llx: frame 0x%llx of page 0x%llx is "
				 "%s with %u references and %u reverse mappings%s%s", c->p->pid,
				 (unsigned long long)va, (unsigned long long)fpa, (unsigned long long)fva,
				 frame_owner_name(f->owner), f->refcount, n, mine ? "" : ", none of them this page",
				 n > 1 && !cow ? ", shared under a writable leaf" : "");
			return 1;
		}
	}
	struct vm_region *r = vm_map_lookup(&c->p->mm->map, va);
	if (!r || r->start > va || r->end < va + THP_SIZE || r->object) {
		snprintf(c->msg, 200, "pid %u: superpage 0x%llx is not inside one anonymous region",
			 c->p->pid, (unsigned long long)va);
		return 1;
	}
	return 0;
}

/* thp.h. */
const char *thp_check_space(struct kernel *k, struct proc *p)
{
	static char msg[200];
	struct super_ctx c = { k, p, 0, 0, 0, msg };
	if (pmap_foreach_super(&p->mm->pmap, 0, user_top(k->cfg.levels), check_super, &c))
		return msg;
	return NULL;
}

/* thp.h. */
const char *thp_check(struct kernel *k)
{
	static char msg[200];
	uint64_t count = 0, free = 0;
	for (struct thp_resv *r = k->thp.oldest; r; r = r->newer) {
		count++;
		if (resv_find(k, r->mm, r->va) != r || (r->va & (THP_SIZE - 1)) || (r->pa & (THP_SIZE - 1)) ||
		    !ram_contains(&k->ram, r->pa, THP_SIZE)) {
			snprintf(msg, sizeof msg, "reservation 0x%llx -> 0x%llx: misaligned, outside RAM "
				 "or not in the table", (unsigned long long)r->va, (unsigned long long)r->pa);
			return msg;
		}
		bool live = false;
		for (struct proc *p = k->procs; p; p = p->next)
			live |= p->mm == r->mm && proc_space_live(p);
		unsigned pop = 0;
		for (unsigned i = 0; i < THP_PAGES; i++) {
			if (resv_bit(r, i)) {
				pop++;
				continue;
			}
			const struct frame *f = pa_frame(&k->pa, r->pa + ((uint64_t)i << PGSHIFT));
			if (f->owner != FO_RESERVED || f->refcount != 1 || f->order != 0 ||
			    (f->flags & (FRAME_HEAD | FRAME_FREE)) != FRAME_HEAD) {
				snprintf(msg, sizeof msg, "reservation 0x%llx: unmapped frame %u is %s, "
					 "refcount %u", (unsigned long long)r->va, i,
					 frame_owner_name(f->owner), f->refcount);
				return msg;
			}
			free++;
		}
		if (pop != r->npop || !live) {
			snprintf(msg, sizeof msg, "reservation 0x%llx: %u frames mapped, counter %u%s",
				 (unsigned long long)r->va, pop, r->npop, live ? "" : "; its space is gone");
			return msg;
		}
	}
	if (count != k->thp.count || free != k->thp.free_frames ||
	    free != k->pa.by_owner[FO_RESERVED]) {
		snprintf(msg, sizeof msg, "reservations: %llu held holding %llu unmapped frames; counters "
			 "say %llu and %llu, the allocator %llu", (unsigned long long)count,
			 (unsigned long long)free, (unsigned long long)k->thp.count,
			 (unsigned long long)k->thp.free_frames,
			 (unsigned long long)k->pa.by_owner[FO_RESERVED]);
		return msg;
	}
	return NULL;
}
