/*
 * rmap.h - the reverse map: from a user or file frame to every (process,
 * virtual page) that maps it, so that eviction can find and rewrite every
 * PTE pointing at a frame (pages shared after fork, text shared by all the
 * processes running a program).
 *
 * The rmap also keeps the replacement policy's view in step: a frame is
 * "resident" for the policy while at least one process maps it, under the
 * key of one of its mappings (pid and virtual page number).  A mapping
 * belongs to an address space, not to a thread: the entries and keys name
 * the space's owner (mm->owner, the thread-group leader), whichever of the
 * threads sharing it took the fault or unmapped the page.  The functions
 * declared here are frame.c's (the reverse map is part of a frame's life).
 */
#ifndef VMOS_KERNEL_RMAP_H
#define VMOS_KERNEL_RMAP_H

#include "kernel.h"
#include "proc.h"
#include "frame.h"

#include <errno.h>

/* The policy key of a page: pid and virtual page number.  The pid is that
 * of the address space's owner (struct mm, proc.h): the tgid of the thread
 * group using it, so proc_find(key_pid(key)) finds the record through
 * which the space is reached, whichever thread mapped the page. */
static inline uint64_t page_key(uint32_t pid, uint64_t va)
{
	return ((uint64_t)pid << 36) | (va >> PGSHIFT);
}
static inline uint32_t key_pid(uint64_t key) { return (uint32_t)(key >> 36); }
static inline uint64_t key_va(uint64_t key) { return (key & ((1ULL << 36) - 1)) << PGSHIFT; }

bool rmap_test_clear_ref_slow(struct kernel *k, uint64_t key);
void rmap_check_ref_cookie(struct kernel *k, uint64_t key, uint64_t cookie);

/* The hardware reference bit of the page resident under key, for CLOCK
 * (ctx is the kernel): true if any mapping of its frame has A set, or the
 * working-set sampler marked the frame; clears them all.
 *
 * While no frame has ever been mapped twice and the sampler has never
 * marked one (two sticky kernel flags), the mapping (pid, va) is the whole
 * answer, inline.  The policy's word *aux for the page keeps pmap's
 * reference cookie for that mapping after the first test (pmap.h: opaque,
 * valid while the page stays mapped, and leaving residency forgets the
 * word), so later tests need no process lookup and no walk until one finds
 * A set and needs the process for the TLB shootdown.  (Debug builds check
 * the kept cookie against a walk every time.)  The rest is
 * rmap_test_clear_ref_slow in frame.c.  kernel_clock_test is the same as a
 * function, for repl.test_and_clear_ref. */
static inline bool rmap_test_clear_ref(void *ctx, uint64_t key, uint64_t *aux)
{
	struct kernel *k = ctx;
	/* page-cache keys (bit 63, pagecache.h) take the slow path too */
	if (__builtin_expect(k->ever_shared || k->ever_softref || k->ever_super || (int64_t)key < 0, 0))
		return rmap_test_clear_ref_slow(k, key);
	uint64_t c = *aux;
	if (!c) {
		struct proc *p = proc_find(k, key_pid(key));
		if (!p || !(c = pmap_ref_cookie(&p->mm->pmap, key_va(key))))
			return false;            /* no table, so no valid leaf */
		*aux = c;
	}
#ifdef VMOS_DEBUG
	rmap_check_ref_cookie(k, key, c);
#endif
	if (!pmap_ref_cookie_referenced(c))
		return false;                /* not referenced, or PROT_NONE */
	pmap_ref_cookie_clear(&proc_find(k, key_pid(key))->mm->pmap, key_va(key), c);
	return true;
}

/* True for frames that have a reverse map (user pages, page-cache pages). */
static inline bool frame_tracked(const struct frame *f)
{
	return f->owner == FO_USER || f->owner == FO_FILE;
}

/* Makes f resident under the key of mapping (p, va): in p's own policy, or
 * - when local replacement has filled p's instance, which happens only when
 * a shared frame changes hands - in the global one. */
static inline __attribute__((always_inline)) void
rmap_make_resident(struct kernel *k, struct frame *f, struct proc *p, uint64_t va)
{
	struct repl *r = kernel_repl(k, p);
	f->key = page_key(p->pid, va);
	f->flags &= (uint16_t)~FRAME_REPL_GLOBAL;
	if (r != &k->repl && r->resident >= r->capacity) {
		r = &k->repl;
		f->flags |= FRAME_REPL_GLOBAL;
	}
	f->repl_handle = repl_insert(r, f->key);
}

/* A free entry for f: its own, or one from the slab; NULL if out of memory. */
static inline struct rmap_entry *rmap_entry_alloc(struct kernel *k, struct frame *f)
{
	return f->first.p ? kmem_cache_alloc(k->rmap_cache) : &f->first;
}

/* Returns entry e of frame f to where it came from (f's own, or the slab). */
static inline void rmap_entry_free(struct kernel *k, struct frame *f, struct rmap_entry *e)
{
	if (e == &f->first)
		e->p = NULL;
	else
		kmem_cache_free(k->rmap_cache, e);
}

/* Records that p maps frame pa at va; the first mapping makes the frame
 * resident for the replacement policy.  Returns 0 or -ENOMEM. */
static inline __attribute__((always_inline)) int
rmap_add(struct kernel *k, uint64_t pa, struct proc *p, uint64_t va)
{
	struct frame *f = pa_frame(&k->pa, pa);
	struct rmap_entry *e = rmap_entry_alloc(k, f);
	if (!e)
		return -ENOMEM;
	p = p->mm->owner;                  /* threads: their address space's record */
	e->p = p;
	e->va = va;
	e->next = f->rmap;
	f->rmap = e;
	if (!e->next) {                    /* first mapping: resident for the policy */
		if (f->owner != FO_FILE)   /* (a cached page is, from the start) */
			rmap_make_resident(k, f, p, va);
	} else {
		k->ever_shared = true;
	}
	return 0;
}

/* Forgets that mapping; re-keys or retires the frame in the policy. */
void rmap_del(struct kernel *k, uint64_t pa, struct proc *p, uint64_t va);
/* Moves p's mapping at va from frame old_pa to frame new_pa (a
 * copy-on-write copy): cannot fail, allocates nothing.  new_pa must be a
 * frame no one maps yet (its own entry is free). */
void rmap_move(struct kernel *k, uint64_t old_pa, uint64_t new_pa, struct proc *p, uint64_t va);
/* Number of mappings recorded for pa. */
unsigned rmap_count(struct kernel *k, uint64_t pa);

#endif
