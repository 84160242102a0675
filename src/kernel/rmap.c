/*
 * rmap.c - reverse mappings (see rmap.h).  Each user or file frame carries
 * a singly linked list of rmap_entry records headed in its frame metadata.
 * Lists are short: one entry, or a few after fork.  The frame metadata has
 * room for one entry (frame.first), used whenever it is free; further
 * entries come from the slab cache "rmap".  So a page mapped once - nearly
 * every page, and every page of a trace replay - costs no allocation.
 */
#include "rmap.h"
#include "proc.h"
#include "replace.h"

#include <errno.h>

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

void rmap_del(struct kernel *k, uint64_t pa, struct proc *p, uint64_t va)
{
	rmap_entry_free(k, pa_frame(&k->pa, pa), unlink_entry(k, pa, p, va));
}

void rmap_move(struct kernel *k, uint64_t old_pa, uint64_t new_pa, struct proc *p, uint64_t va)
{
	struct frame *old = pa_frame(&k->pa, old_pa), *f = pa_frame(&k->pa, new_pa);
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

unsigned rmap_count(struct kernel *k, uint64_t pa)
{
	unsigned n = 0;
	for (struct rmap_entry *e = pa_frame(&k->pa, pa)->rmap; e; e = e->next)
		n++;
	return n;
}
