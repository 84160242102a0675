/*
 * frame.h - the life of a user frame: the frames of user pages (FO_USER),
 * page-cache pages (FO_FILE) and the frames exec holds for a new image,
 * from allocation to release.  It sits below vm (faults), exec and image
 * (the page cache), and above swap (the device), rmap (who maps a frame),
 * pmap and page_alloc:
 *
 *   frame_alloc    a frame for process p; when the frame limit or the
 *                  physical reserve is reached, it first makes room by
 *                  reclaim (vm_reclaim: the replacement policy chooses a
 *                  victim; its frame is dropped, or written to swap, and
 *                  taken away from every mapping through the rmap)
 *   frame_ref      one more reference (a PTE, the page cache)
 *   frame_release  one reference less; the frame is free at zero
 *
 * Frames of user memory are reference counted in their frame metadata: one
 * reference per PTE that maps them, plus one for the page cache (FO_FILE) or
 * forever for the shared zero page (FO_ZERO).
 *
 * It also owns the reference bit as the policies see it: CLOCK's test
 * (kernel_clock_test, inline rmap_test_clear_ref in rmap.h) and the
 * working-set sampler (kernel_sample_wss), which keeps what it clears as a
 * soft mark on the frame so that sampling does not blind CLOCK.
 */
#ifndef VMOS_KERNEL_FRAME_H
#define VMOS_KERNEL_FRAME_H

#include "kernel.h"
#include "proc.h"

#include <errno.h>

/* One more reference to a user, file or zero frame (a PTE or a cache will
 * point at it). */
static inline void frame_ref(struct kernel *k, uint64_t pa)
{
	pa_frame(&k->pa, pa)->refcount++;
}

/* Drops one reference to a user, file or zero frame, freeing it at zero
 * (kpanics if it has none: a caller bug). */
void frame_release(struct kernel *k, uint64_t pa);

/* What frame.c asks of the owner of page-cache (FO_FILE) frames - the
 * page cache registers these at boot (k->file_frames), so that reclaim,
 * below it, reaches it without calling upward (as Linux's reclaim reaches a
 * file through its address_space_operations).  Keys with bit 63 set are
 * page-cache keys (pagecache.h). */
struct file_frame_ops {
	uint64_t (*key_frame)(struct kernel *k, uint64_t key);  /* the frame under key */
	int (*evict)(struct kernel *k, uint64_t key);           /* 0 or -ENOMEM (kept) */
	bool (*test_clear_ref)(struct kernel *k, uint64_t key); /* CLOCK's reference test */
	void (*dirty)(struct kernel *k, uint64_t pa);           /* a PTE wrote frame pa */
};

/* Takes frame pa out of every mapping the reverse map knows (PTEs
 * cleared, TLBs shot down), dropping their references and rmap entries.
 * Policy keys are the caller's business. */
void frame_unmap_all(struct kernel *k, uint64_t pa);

/* A pmap_remove callback (ctx: the process whose pages go): releases what
 * a removed PTE held - its swap slot, or its frame reference and reverse
 * map entry; a page-cache frame its PTE wrote becomes dirty in the cache. */
int frame_release_pte(void *ctx, const struct pmap_page *pg);

/* Evicts one page chosen by the replacement policy instance r.  Returns 0,
 * or -ENOMEM if nothing can be evicted (no resident page, swap full, or
 * only pages that the instruction whose fault is being served needs: while
 * k->fault_pin is set, its pc page and the pages it has faulted on are
 * passed over and given back to the policy).  What eviction does with the
 * page is in swap.h. */
int vm_reclaim_one(struct kernel *k, struct repl *r);
/* vm_reclaim_one for an allocation that needs a frame: if capture is not
 * NULL and the victim's frame held only zeros (a page never written), the
 * frame is not freed but handed over in *capture, still allocated and
 * known to be zero (as Linux's compaction captures the page it frees for
 * the allocation waiting on it).  Otherwise *capture is left alone. */
int vm_reclaim(struct kernel *k, struct repl *r, uint64_t *capture);

/* ---- allocation, inline: every page fault takes this path ---------------- */

/* Makes room for one more resident page under the frame limit by
 * reclaiming.  Returns 0 or -ENOMEM.  With capture, the frame of the first
 * page reclaimed may come back in *capture (see vm_reclaim), counted here
 * as free; on failure it has been freed. */
static inline __attribute__((always_inline)) int frame_make_room_(struct kernel *k, struct proc *p,
							   uint64_t *capture)
{
	struct repl *r = kernel_repl(k, p);
	uint64_t got = 0;
	int rc = 0;
	/* over the process's own share (local replacement): it pays itself */
	while (r != &k->repl && r->resident >= k->cfg.local_frames)
		if ((rc = vm_reclaim(k, r, got ? NULL : &got)) < 0)
			goto out;
	/* machine-wide limits: reclaim from the global policy, or under local
	 * replacement from the faulting process first, then from anyone */
	while (k->repl.resident + k->thp.free_frames >= k->repl.capacity ||
	       k->pa.free_frames + (got != 0) <= k->reserve_frames) {
		/* superpage reservations hold frames no page uses yet: they
		 * go back first, before any page is evicted (thp.h) */
		if (k->thp.count && k->thp_break(k))
			continue;
		rc = vm_reclaim(k, r, got ? NULL : &got);
		for (struct proc *q = k->procs; rc < 0 && q; q = q->next)
			if (q->repl.ops && q->repl.resident)
				rc = vm_reclaim(k, &q->repl, got ? NULL : &got);
		if (rc < 0) {   /* nothing left to evict (swap full): the frame limit
				 * is hard; only the physical reserve may be dipped into */
			rc = k->repl.resident < k->repl.capacity && (k->pa.free_frames || got) ?
			     0 : -ENOMEM;
			break;
		}
	}
out:
	if (rc < 0 || !capture) {
		if (got)
			page_free_frames_hint(&k->pa, got, 0, true);
		return rc;
	}
	*capture = got;
	return 0;
}


/* frame_alloc's body: room first (frame_make_room_; a zero frame that
 * reclaim captured is taken over as is), then a frame from page_alloc,
 * reclaiming one page at a time - and last shrinking the slab caches -
 * while page_alloc has none.  The frame comes with one reference, an empty
 * reverse map, no policy key, and FRAME_ZEROFILL if zero.  0 when nothing
 * more can be freed. */
static inline __attribute__((always_inline)) uint64_t
frame_alloc_(struct kernel *k, struct proc *p, enum frame_owner owner, uint32_t id, bool zero)
{
	uint64_t pa = 0;
	if (frame_make_room_(k, p, &pa) < 0)
		return 0;
	if (pa) {                         /* reclaim's frame, zeros: take it over */
		page_reassign(&k->pa, pa, owner, id);
		goto fresh;
	}
	for (;;) {
		pa = page_alloc_frames(&k->pa, 0, zero ? PA_ZERO : 0, owner, id);
		if (pa)
			goto fresh;
		if (k->thp.count && k->thp_break(k))
			continue;
		if (vm_reclaim_one(k, kernel_repl(k, p)) < 0 && vm_reclaim_one(k, &k->repl) < 0) {
			/* last resort: what the slab caches hold for speed */
			uint64_t before = k->pa.free_frames;
			kmem_shrink(&k->km);
			if (k->pa.free_frames == before)
				return 0;
		}
	}
fresh:;
	struct frame *f = pa_frame(&k->pa, pa);
	f->rmap = NULL;
	f->first.p = NULL;
	f->key = REPL_NONE;
	if (zero)
		f->flags |= FRAME_ZEROFILL;
	return pa;
}

/* A frame for a user or file page of p (for whom reclaim happens: its own
 * policy instance first under local replacement; p may be NULL for the
 * global one), owned by (owner, id), zero-filled if zero (and then marked
 * FRAME_ZEROFILL: reclaim drops it unwritten).  Takes pages away if memory
 * is short.  Returns its physical address with one reference, or 0 if
 * nothing more can be reclaimed. */
static inline __attribute__((always_inline)) uint64_t
frame_alloc(struct kernel *k, struct proc *p, enum frame_owner owner,
				   uint32_t id, bool zero)
{
	return frame_alloc_(k, p, owner, id, zero);
}

/* Makes room for one more resident page of p (for a page-cache frame that
 * becomes mapped again) by reclaiming as frame_alloc would, without
 * allocating.  Returns 0 or -ENOMEM. */
static inline int frame_make_room(struct kernel *k, struct proc *p)
{
	return frame_make_room_(k, p, NULL);
}

/* The names these had when they lived in vm.c (the unit tests use them). */
static inline uint64_t vm_alloc_frame(struct kernel *k, struct proc *p, enum frame_owner owner,
				      uint32_t id, bool zero)
{
	return frame_alloc(k, p, owner, id, zero);
}
static inline void vm_frame_release(struct kernel *k, uint64_t pa) { frame_release(k, pa); }

/* kernel_repl_of_frame under local replacement for a frame not in the
 * global instance: the owner's instance, found by pid. */
struct repl *kernel_repl_of_frame_local(struct kernel *k, const struct frame *f);

/* The replacement-policy instance that manages frame f (mapped, with a key). */
static inline struct repl *kernel_repl_of_frame(struct kernel *k, const struct frame *f)
{
	if (!k->cfg.local_frames || (f->flags & FRAME_REPL_GLOBAL))
		return &k->repl;
	return kernel_repl_of_frame_local(k, f);
}

/* CLOCK's reference test on the page resident under key, as a function:
 * the kernel's repl.test_and_clear_ref (ctx is the kernel); see
 * rmap_test_clear_ref in rmap.h.  True if any mapping of its frame had the
 * A bit set or the sampler marked the frame; clears them all. */
bool kernel_clock_test(void *ctx, uint64_t key, uint64_t *aux);

/* Samples every live process's working set: counts the pages whose A bit
 * is set into its wss statistics, clears the bits, and leaves a soft
 * reference mark on each frame for CLOCK. */
void kernel_sample_wss(struct kernel *k);

#endif
