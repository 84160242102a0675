/*
 * frame.c - the life of a user frame (see frame.h): allocation, making room
 * by reclaim, release, the reverse map's hooks (rmap.h), and the
 * reference-bit tests that CLOCK and the working-set sampler make through
 * the reverse map.
 */
#include "frame.h"
#include "exec.h"
#include "proc.h"
#include "rmap.h"
#include "swap.h"

#include <errno.h>
#include <string.h>

/* ---- allocation and release ----------------------------------------------- */

/* frame.h. */
void frame_release(struct kernel *k, uint64_t pa)
{
	struct frame *f = pa_frame(&k->pa, pa);
	if (f->refcount == 0)
		kpanic("frame_release: frame 0x%llx has no references", (unsigned long long)pa);
	if (--f->refcount == 0) {
		if (f->owner == FO_USER)
			k->user_frames--;
		page_free_frames(&k->pa, pa, 0);
	}
}

/* frame.h. */
void frame_unmap_all(struct kernel *k, uint64_t pa)
{
	struct frame *f = pa_frame(&k->pa, pa);
	struct rmap_entry *e = f->rmap;
	f->rmap = NULL;
	while (e) {
		struct rmap_entry *next = e->next;
		pmap_remove(&e->p->mm->pmap, e->va, e->va + PGSIZE, NULL, NULL);
		rmap_entry_free(k, f, e);
		f->refcount--;
		e = next;
	}
}

/* frame.h: a pmap_remove callback. */
int frame_release_pte(void *ctx, const struct pmap_page *pg)
{
	struct proc *p = ctx;
	struct kernel *k = p->kernel;
	if (pg->swapped) {
		swap_put(k, pg->swap_slot);
	} else if (pg->present) {
		struct frame *f = pa_frame(&k->pa, pg->pa);
		if (pg->modified) {
			f->flags &= (uint16_t)~FRAME_ZEROFILL;   /* another mapping may stay */
			if (f->owner == FO_FILE)                 /* a shared mapping wrote it */
				k->file_frames->dirty(k, pg->pa);
		}
		if (frame_tracked(f))
			rmap_del(k, pg->pa, p, pg->va);
		frame_release(k, pg->pa);
	}
	return 0;
}

/* ---- reclaim ----------------------------------------------------------- */

/* Reports every hardware reference since the last sweep to a policy that
 * wants each access (LRU, LIRS), clearing the A bits: when programs run on
 * the CPU this A-bit sampling at each eviction is all the kernel can see. */
struct sweep_ctx { struct kernel *k; struct proc *p; };

/* pmap_foreach callback: reports a referenced page to its policy and
 * clears its A bit. */
static int sweep_page(void *arg, const struct pmap_page *pg)
{
	struct sweep_ctx *c = arg;
	if (!pg->present || !pg->referenced)
		return 0;
	struct frame *f = pa_frame(&c->k->pa, pg->pa);
	if (frame_tracked(f) && f->key != REPL_NONE)
		repl_access(kernel_repl_of_frame(c->k, f), f->key, f->repl_handle);
	pmap_clear_referenced(&c->p->mm->pmap, pg->va);
	return 0;
}

/* sweep_page over every live process. */
static void sample_references(struct kernel *k)
{
	for (struct proc *p = k->procs; p; p = p->next)
		if (proc_space_live(p)) {
			struct sweep_ctx c = { k, p };
			pmap_foreach(&p->mm->pmap, 0, user_top(k->cfg.levels), sweep_page, &c);
		}
}

/* True if any mapping of f has written it; own_modified is the D bit of
 * owner's mapping at va. */
static inline __attribute__((always_inline)) bool
any_dirty(struct frame *f, const struct proc *owner, uint64_t va, bool own_modified)
{
	for (struct rmap_entry *e = f->rmap; e; e = e->next) {
		struct pmap_page other;
		if (e->p == owner && e->va == va ? own_modified :
		    pmap_extract(&e->p->mm->pmap, e->va, &other) && other.modified)
			return true;
	}
	return false;
}

/* Takes frame pa away from every mapping: each PTE becomes a swap entry for
 * slot (slot >= 0) or is cleared (slot < 0); the PTE of (taken, va), if
 * taken is not NULL, was cleared already by pmap_take.  Frees the rmap
 * entries and the mappings' references. */
static inline __attribute__((always_inline)) void
unmap_everywhere(struct kernel *k, uint64_t pa, int64_t slot, const struct proc *taken,
		 uint64_t va)
{
	struct frame *f = pa_frame(&k->pa, pa);
	struct rmap_entry *e = f->rmap;
	f->rmap = NULL;
	f->key = REPL_NONE;
	for (bool first = true; e; first = false) {
		struct rmap_entry *next = e->next;
		if (slot >= 0) {
			if (!first && swap_dup(k, (uint64_t)slot) < 0)   /* vm_reclaim checked */
				kpanic("reclaim: swap slot %lld has too many sharers", (long long)slot);
			pmap_set_swapped(&e->p->mm->pmap, e->va, (uint64_t)slot);  /* existing slot: no allocation */
			e->p->st.pages_swapped_out++;
		} else if (e->p != taken || e->va != va) {
			pmap_remove(&e->p->mm->pmap, e->va, e->va + PGSIZE, NULL, NULL);
		}
		rmap_entry_free(k, f, e);
		f->refcount--;
		e = next;
	}
}

/* frame.h. */
int vm_reclaim_one(struct kernel *k, struct repl *r)
{
	return vm_reclaim(k, r, NULL);
}

/* True if p's instruction at p->pc needs its page at va: the page of the
 * pc, the next one when the instruction may straddle (guard_pc_next_page),
 * or a page one of its faults so far was for (its guard's steps, the
 * current fault's included). */
static bool guard_needs(const struct proc *p, uint64_t va)
{
	if (va == PGROUNDDOWN(p->pc) || va == guard_pc_next_page(p->pc))
		return true;
	unsigned n = p->guard.count < FAULT_GUARD_MAX ? p->guard.count : FAULT_GUARD_MAX;
	for (unsigned i = 0; i < n; i++)
		if (va == p->guard.step[i].va)
			return true;
	return false;
}

/* True if frame f holds a page that the instruction being served by the
 * fault handler (process k->fault_pin) needs, under any of the frame's
 * mappings.  The guard's pin_mask filters out almost every other page of
 * that process at the cost of a bit test. */
static inline bool fault_pinned(const struct kernel *k, const struct frame *f)
{
	const struct proc *p = k->fault_pin;
	for (const struct rmap_entry *e = f->rmap; e; e = e->next)
		if (e->p == p->mm->owner && (p->guard.pin_mask & guard_pin_bit(e->va)) && guard_needs(p, e->va))
			return true;
	return false;
}

/* Gives the victim (key, frame f) back to policy instance r: reclaim
 * changed its mind. */
static void keep_resident(struct kernel *k, struct repl *r, struct frame *f, uint64_t key)
{
	f->repl_handle = repl_insert(r, key);
	f->key = key;
	f->flags &= (uint16_t)~FRAME_REPL_GLOBAL;
	if (r == &k->repl && k->cfg.local_frames)
		f->flags |= FRAME_REPL_GLOBAL;
}

#define EVICT_PINNED 1

/* Evicts the page policy r chose (key, already out of the policy).
 * Returns 0, -ENOMEM if swap is full (the page stays, back in the policy),
 * or EVICT_PINNED if the faulting instruction needs it: the page stays,
 * its PTE as it was, its frame (key unchanged) in *pinned for the caller to
 * give back to the policy. */
static int evict(struct kernel *k, struct repl *r, uint64_t key, uint64_t *capture,
		 struct frame **pinned)
{
	if ((int64_t)key < 0) {
		/* a page-cache page, mapped or not: pagecache.c knows its object */
		uint64_t pa = k->file_frames->key_frame(k, key);
		struct frame *f = pa_frame(&k->pa, pa);
		/* a reference besides the cache's and the mappings': the kernel
		 * holds it for a moment (a private copy being made) */
		if (f->refcount != 1 + rmap_count(k, pa) ||
		    (k->fault_pin && !k->test_no_pin && fault_pinned(k, f))) {
			k->stats.pinned_skips++;
			*pinned = f;
			return EVICT_PINNED;
		}
		int rc = k->file_frames->evict(k, key);
		if (rc < 0)
			keep_resident(k, r, f, key);
		return rc;
	}
	/* the owner's mapping is cleared at once when that takes one walk
	 * (pmap_take); otherwise it is only looked up here */
	struct proc *owner = proc_find(k, key_pid(key));
	uint64_t va = key_va(key), old = 0;
	bool modified = false;
	uint64_t pa = owner ? pmap_take(&owner->mm->pmap, va, &modified, &old) : 0;
	const struct proc *taken = pa ? owner : NULL;
	if (!pa && owner)
		pa = pmap_frame(&owner->mm->pmap, va, &modified);
	if (!pa)
		kpanic("reclaim: victim key 0x%llx maps no frame", (unsigned long long)key);
	struct frame *f = pa_frame(&k->pa, pa);
	if (f->key != key)
		kpanic("reclaim: frame 0x%llx has key 0x%llx, policy chose 0x%llx",
		       (unsigned long long)pa, (unsigned long long)f->key, (unsigned long long)key);
	if (k->fault_pin && !k->test_no_pin && fault_pinned(k, f)) {
		if (taken)
			pmap_untake(&owner->mm->pmap, va, old);
		k->stats.pinned_skips++;
		*pinned = f;
		return EVICT_PINNED;
	}
	f->key = REPL_NONE;        /* the policy has already forgotten it */
	f->flags &= (uint16_t)~FRAME_REPL_GLOBAL;
	if ((f->flags & FRAME_ZEROFILL) && !any_dirty(f, owner, va, modified)) {
		unmap_everywhere(k, pa, -1, taken, va);   /* still zeros: refault zero-fills */
		k->user_frames--;
		if (capture && f->owner == FO_USER)
			*capture = pa;             /* zeros, for the allocation that asked */
		else
			page_free_frames_hint(&k->pa, pa, 0, true);
		k->stats.pages_dropped++;
		kernel_event(k, owner, KEV_EVICT, va, 0, -1, "drop-zero");
		return 0;
	}
	/* every mapping will share one slot: a page mapped more often than a
	 * slot may be shared stays, as when swap is full */
	int64_t slot = f->refcount <= k->swap.share_max ? swap_alloc(k) : -ENOMEM;
	if (slot < 0) {
		if (taken)
			pmap_untake(&owner->mm->pmap, va, old);
		keep_resident(k, r, f, key);            /* keep it: nowhere to put it */
		return -ENOMEM;
	}
	swap_write(k, (uint64_t)slot, pa);
	unmap_everywhere(k, pa, slot, taken, va);
	if (f->refcount != 0)
		kpanic("reclaim: frame 0x%llx still has %u references after unmapping",
		       (unsigned long long)pa, f->refcount);
	k->user_frames--;
	page_free_frames(&k->pa, pa, 0);
	k->stats.pages_swapped_out++;
	kernel_event(k, owner, KEV_EVICT, va, 0, slot, "swap-out");
	return 0;
}

/* Pages kept back for the faulting instruction are given back to the
 * policy only after the search, so that it does not offer them again; the
 * most it can meet is the instruction's pinned pages, one frame each. */
#define RECLAIM_KEPT_MAX (FAULT_GUARD_MAX + 2)

/* frame.h: asks r for victims until one is evicted, passing over (and then
 * giving back) the pages the faulting instruction needs. */
int vm_reclaim(struct kernel *k, struct repl *r, uint64_t *capture)
{
	if (r->ops->needs_every_access && !k->trace_mode)
		sample_references(k);
	struct frame *kept[RECLAIM_KEPT_MAX];
	unsigned nkept = 0;
	int rc;
	for (;;) {
		uint64_t key = repl_victim(r);
		if (key == REPL_NONE) {
			rc = -ENOMEM;      /* nothing, or only what the instruction needs */
			break;
		}
		struct frame *f = NULL;
		rc = evict(k, r, key, capture, &f);
		if (rc != EVICT_PINNED)
			break;
		kept[nkept++] = f;
		if (nkept == RECLAIM_KEPT_MAX) {
			rc = -ENOMEM;
			break;
		}
	}
	for (unsigned i = 0; i < nkept; i++)
		keep_resident(k, r, kept[i], kept[i]->key);
	return rc;
}

/* kernel_repl_of_frame (frame.h) under local replacement, for a frame not
 * in the global instance: the owner's instance, found by pid. */
struct repl *kernel_repl_of_frame_local(struct kernel *k, const struct frame *f)
{
	return kernel_repl(k, proc_find(k, key_pid(f->key)));
}

/* Debug builds: the pmap cookie CLOCK kept for key is still the one pmap
 * gives for its mapping. */
void rmap_check_ref_cookie(struct kernel *k, uint64_t key, uint64_t cookie)
{
	struct proc *p = proc_find(k, key_pid(key));
	if (!p || !pmap_ref_cookie_check(&p->mm->pmap, key_va(key), cookie))
		kpanic("clock: the pmap cookie kept for key 0x%llx is stale", (unsigned long long)key);
}

/* ---- the reverse map (rmap.h) --------------------------------------------------
 * Each user or file frame carries a singly linked list of rmap_entry
 * records headed in its frame metadata.
 * Lists are short: one entry, or a few after fork.  The frame metadata has
 * room for one entry (frame.first), used whenever it is free; further
 * entries come from the slab cache "rmap".  So a page mapped once - nearly
 * every page, and every page of a trace replay - costs no allocation.
 */

/* Unlinks p's entry for va from frame pa and updates the policy's view of
 * pa.  Returns the entry. */
static struct rmap_entry *unlink_entry(struct kernel *k, uint64_t pa, struct proc *p, uint64_t va)
{
	struct frame *f = pa_frame(&k->pa, pa);
	struct rmap_entry **pp = &f->rmap;
	while (*pp && !((*pp)->p == p && (*pp)->va == va))
		pp = &(*pp)->next;
	if (!*pp)
		kpanic("rmap: frame 0x%llx has no mapping by pid %u at 0x%llx",
		       (unsigned long long)pa, p->pid, (unsigned long long)va);
	struct rmap_entry *e = *pp;
	*pp = e->next;
	if (f->key == page_key(p->pid, va)) {
		repl_remove(kernel_repl_of_frame(k, f), f->key, f->repl_handle);
		f->key = REPL_NONE;
		f->flags &= (uint16_t)~FRAME_REPL_GLOBAL;
		if (f->rmap)                   /* still mapped elsewhere: re-key */
			rmap_make_resident(k, f, f->rmap->p, f->rmap->va);
	}
	return e;
}

/* rmap.h. */
void rmap_del(struct kernel *k, uint64_t pa, struct proc *p, uint64_t va)
{
	p = p->mm->owner;                  /* the address space's record (proc.h) */
	rmap_entry_free(k, pa_frame(&k->pa, pa), unlink_entry(k, pa, p, va));
}

/* rmap.h. */
void rmap_move(struct kernel *k, uint64_t old_pa, uint64_t new_pa, struct proc *p, uint64_t va)
{
	struct frame *old = pa_frame(&k->pa, old_pa), *f = pa_frame(&k->pa, new_pa);
	p = p->mm->owner;                  /* the address space's record (proc.h) */
	struct rmap_entry *e = unlink_entry(k, old_pa, p, va);
	if (e == &old->first || !f->first.p) {
		/* the entry cannot leave its frame, or the new frame has room:
		 * move the record into the new frame's own entry */
		if (f->first.p)
			kpanic("rmap_move: frame 0x%llx has no room for the entry of 0x%llx",
			       (unsigned long long)new_pa, (unsigned long long)va);
		rmap_entry_free(k, old, e);
		e = &f->first;
		e->p = p;
		e->va = va;
	}
	e->next = f->rmap;
	f->rmap = e;
	if (!e->next)
		rmap_make_resident(k, f, p, va);
	else
		k->ever_shared = true;
}

/* rmap.h. */
unsigned rmap_count(struct kernel *k, uint64_t pa)
{
	unsigned n = 0;
	const struct frame *f = pa_frame(&k->pa, pa);
	if (!frame_tracked(f))
		return 0;                /* zero page, vDSO: no reverse map */
	for (struct rmap_entry *e = f->rmap; e; e = e->next)
		n++;
	return n;
}

/* ---- the reference bit, for CLOCK and the working-set sampler ---------- */

/* The rest of rmap_test_clear_ref (rmap.h): a frame that may be mapped
 * more than once or carry the sampler's mark. */
bool rmap_test_clear_ref_slow(struct kernel *k, uint64_t key)
{
	if ((int64_t)key < 0)                    /* a page-cache key */
		return k->file_frames->test_clear_ref(k, key);
	struct proc *p = proc_find(k, key_pid(key));
	if (!p)
		return false;
	uint64_t va = key_va(key), pa = 0;
	int own = pmap_test_clear_referenced(&p->mm->pmap, va, &pa);
	if (own < 0) {                   /* no valid leaf: PROT_NONE keeps its frame */
		struct pmap_page pg;
		if (!pmap_extract(&p->mm->pmap, va, &pg) || !pg.present)
			return false;
		pa = pg.pa;
	}
	struct frame *f = pa_frame(&k->pa, pa);
	bool ref = own > 0 || (f->flags & FRAME_SOFTREF);
	f->flags &= (uint16_t)~FRAME_SOFTREF;
	if (f->rmap == &f->first && !f->first.next)
		return ref;                  /* mapped once: (p, va) alone */
	for (struct rmap_entry *e = f->rmap; e; e = e->next) {
		uint64_t other;
		if ((e->p != p || e->va != va) &&
		    pmap_test_clear_referenced(&e->p->mm->pmap, e->va, &other) > 0)
			ref = true;
	}
	return ref;
}

/* rmap_test_clear_ref as a function: the kernel's repl.test_and_clear_ref. */
bool kernel_clock_test(void *ctx, uint64_t key, uint64_t *aux)
{
	return rmap_test_clear_ref(ctx, key, aux);
}

/* Working-set sampling: the pages each process referenced since the last
 * sample are those whose A bit is set.  The sampler clears the A bits and
 * keeps each as a software "referenced" flag on the frame, which CLOCK's
 * test_and_clear_ref also reads, so sampling does not blind the policy. */
struct wss_ctx { struct kernel *k; struct proc *p; uint64_t n; };

/* pmap_foreach callback: counts and clears a referenced page of c->p,
 * leaving the soft mark on its frame. */
static int wss_page(void *arg, const struct pmap_page *pg)
{
	struct wss_ctx *c = arg;
	if (!pg->present || !pg->referenced)
		return 0;
	c->n++;
	pa_frame(&c->k->pa, pg->pa)->flags |= FRAME_SOFTREF;
	c->k->ever_softref = true;
	pmap_clear_referenced(&c->p->mm->pmap, pg->va);
	return 0;
}

/* Samples every live process's working set (frame.h). */
void kernel_sample_wss(struct kernel *k)
{
	for (struct proc *p = k->procs; p; p = p->next) {
		if (!proc_space_live(p))
			continue;
		struct wss_ctx c = { k, p, 0 };
		pmap_foreach(&p->mm->pmap, 0, user_top(k->cfg.levels), wss_page, &c);
		p->st.wss_last = c.n;
		p->st.wss_sum += c.n;
		p->st.wss_samples++;
		if (c.n > p->st.wss_max)
			p->st.wss_max = c.n;
	}
}
