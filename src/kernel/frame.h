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

/* A frame for a user or file page of p (for whom reclaim happens: its own
 * policy instance first under local replacement; p may be NULL for the
 * global one), owned by (owner, id), zero-filled if zero (and then marked
 * FRAME_ZEROFILL: reclaim drops it unwritten).  Takes pages away if memory
 * is short.  Returns its physical address with one reference, or 0 if
 * nothing more can be reclaimed. */
uint64_t frame_alloc(struct kernel *k, struct proc *p, enum frame_owner owner, uint32_t id,
		     bool zero);

/* Makes room for one more resident page of p (for a page-cache frame that
 * becomes mapped again) by reclaiming as frame_alloc would, without
 * allocating.  Returns 0 or -ENOMEM. */
int frame_make_room(struct kernel *k, struct proc *p);

/* One more reference to a user, file or zero frame (a PTE or a cache will
 * point at it). */
static inline void frame_ref(struct kernel *k, uint64_t pa)
{
	pa_frame(&k->pa, pa)->refcount++;
}

/* Drops one reference to a user, file or zero frame, freeing it at zero
 * (kpanics if it has none: a caller bug). */
void frame_release(struct kernel *k, uint64_t pa);

/* The names these had when they lived in vm.c (the unit tests use them). */
static inline uint64_t vm_alloc_frame(struct kernel *k, struct proc *p, enum frame_owner owner,
				      uint32_t id, bool zero)
{
	return frame_alloc(k, p, owner, id, zero);
}
static inline void vm_frame_release(struct kernel *k, uint64_t pa) { frame_release(k, pa); }

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
