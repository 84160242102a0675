/*
 * swap.c - the swap device and page reclaim (see swap.h).
 */
#include "swap.h"
#include "exec.h"
#include "proc.h"
#include "rmap.h"
#include "vm.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

int swap_init(struct kernel *k, uint64_t bytes)
{
	if (bytes == 0)
		return 0;
	if (bytes > SWAP_MAX_BYTES || (bytes & PGMASK))
		return -EINVAL;
	uint64_t n = bytes >> PGSHIFT;
	void *data = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
			  MAP_NORESERVE, -1, 0);
	if (data == MAP_FAILED)
		return -ENOMEM;
	k->swap.refs = kzalloc(&k->km, n * sizeof(uint32_t));
	k->swap.free = kmalloc(&k->km, n * sizeof(uint32_t));
	if (!k->swap.refs || !k->swap.free) {
		kfree(&k->km, k->swap.refs);
		kfree(&k->km, k->swap.free);
		munmap(data, bytes);
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < n; i++)         /* slot 0 on top: handed out first */
		k->swap.free[i] = (uint32_t)(n - 1 - i);
	k->swap.data = data;
	k->swap.nslots = n;
	k->swap.nfree = n;
	k->swap.share_max = k->cfg.swap_share_max ? k->cfg.swap_share_max : SWAP_SHARE_MAX;
	return 0;
}

void swap_destroy(struct kernel *k)
{
	if (!k->swap.data)
		return;
	munmap(k->swap.data, k->swap.nslots << PGSHIFT);
	kfree(&k->km, k->swap.refs);
	kfree(&k->km, k->swap.free);
	memset(&k->swap, 0, sizeof k->swap);
}

int64_t swap_alloc(struct kernel *k)
{
	if (k->swap.nfree == 0)
		return -ENOSPC;
	uint32_t slot = k->swap.free[--k->swap.nfree];
	k->swap.refs[slot] = 1;
	uint64_t used = k->swap.nslots - k->swap.nfree;
	if (used > k->swap.used_peak)
		k->swap.used_peak = used;
	return slot;
}

int swap_dup(struct kernel *k, uint64_t slot)
{
	if (slot >= k->swap.nslots || k->swap.refs[slot] == 0)
		kpanic("swap_dup: slot %llu not in use", (unsigned long long)slot);
	if (k->swap.refs[slot] >= k->swap.share_max)
		return -ENOMEM;
	k->swap.refs[slot]++;
	return 0;
}

void swap_put(struct kernel *k, uint64_t slot)
{
	if (slot >= k->swap.nslots || k->swap.refs[slot] == 0)
		kpanic("swap_put: slot %llu not in use", (unsigned long long)slot);
	if (--k->swap.refs[slot] == 0)
		k->swap.free[k->swap.nfree++] = (uint32_t)slot;
}

void swap_write(struct kernel *k, uint64_t slot, uint64_t pa)
{
	memcpy(k->swap.data + (slot << PGSHIFT), ram_ptr(&k->ram, pa), PGSIZE);
	k->swap.writes++;
}

void swap_read(struct kernel *k, uint64_t slot, uint64_t pa)
{
	memcpy(ram_ptr(&k->ram, pa), k->swap.data + (slot << PGSHIFT), PGSIZE);
	k->swap.reads++;
}

/* ---- reclaim ----------------------------------------------------------- */

/* Reports every hardware reference since the last sweep to a policy that
 * wants each access (LRU, LIRS), clearing the A bits: when programs run on
 * the CPU this A-bit sampling at each eviction is all the kernel can see. */
struct sweep_ctx { struct kernel *k; struct proc *p; };

static int sweep_page(void *arg, const struct pmap_page *pg)
{
	struct sweep_ctx *c = arg;
	if (!pg->present || !pg->referenced)
		return 0;
	struct frame *f = pa_frame(&c->k->pa, pg->pa);
	if (frame_tracked(f) && f->key != REPL_NONE)
		repl_access(kernel_repl_of_frame(c->k, f), f->key, f->repl_handle);
	pmap_clear_referenced(&c->p->pmap, pg->va);
	return 0;
}

static void sample_references(struct kernel *k)
{
	for (struct proc *p = k->procs; p; p = p->next)
		if (p->state != P_ZOMBIE) {
			struct sweep_ctx c = { k, p };
			pmap_foreach(&p->pmap, 0, user_top(k->cfg.levels), sweep_page, &c);
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
		    pmap_extract(&e->p->pmap, e->va, &other) && other.modified)
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
			pmap_set_swapped(&e->p->pmap, e->va, (uint64_t)slot);  /* existing slot: no allocation */
			e->p->st.pages_swapped_out++;
		} else if (e->p != taken || e->va != va) {
			pmap_remove(&e->p->pmap, e->va, e->va + PGSIZE, NULL, NULL);
		}
		rmap_entry_free(k, f, e);
		f->refcount--;
		e = next;
	}
}

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
		if (e->p == p && (p->guard.pin_mask & guard_pin_bit(e->va)) && guard_needs(p, e->va))
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
	/* the owner's mapping is cleared at once when that takes one walk
	 * (pmap_take); otherwise it is only looked up here */
	struct proc *owner = proc_find(k, key_pid(key));
	uint64_t va = key_va(key), old = 0;
	bool modified = false;
	uint64_t pa = owner ? pmap_take(&owner->pmap, va, &modified, &old) : 0;
	const struct proc *taken = pa ? owner : NULL;
	if (!pa && owner)
		pa = pmap_frame(&owner->pmap, va, &modified);
	if (!pa)
		kpanic("reclaim: victim key 0x%llx maps no frame", (unsigned long long)key);
	struct frame *f = pa_frame(&k->pa, pa);
	if (f->key != key)
		kpanic("reclaim: frame 0x%llx has key 0x%llx, policy chose 0x%llx",
		       (unsigned long long)pa, (unsigned long long)f->key, (unsigned long long)key);
	if (k->fault_pin && !k->test_no_pin && fault_pinned(k, f)) {
		if (taken)
			pmap_untake(&owner->pmap, va, old);
		k->stats.pinned_skips++;
		*pinned = f;
		return EVICT_PINNED;
	}
	f->key = REPL_NONE;        /* the policy has already forgotten it */
	f->flags &= (uint16_t)~FRAME_REPL_GLOBAL;
	if (f->owner == FO_FILE) {
		/* clean executable page: drop it from every process and the cache */
		struct vm_region *r = vm_map_lookup(&owner->map, va);
		struct exec_image *im = r ? r->object : NULL;
		uint64_t index = r ? (r->obj_offset + (va - r->start)) >> PGSHIFT : 0;
		/* repl_remove is a no-op for the key already chosen */
		unmap_everywhere(k, pa, -1, taken, va);
		if (im && index < im->npages && im->cache[index] == pa) {
			im->cache[index] = 0;
			vm_frame_release(k, pa);          /* the cache's reference */
		}
		k->stats.pages_dropped++;
		kernel_event(k, owner, KEV_EVICT, va, 0, -1, "drop-file");
		return 0;
	}
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
			pmap_untake(&owner->pmap, va, old);
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

/* ---- checking ------------------------------------------------------------- */

struct swap_count_ctx { uint32_t *seen; uint64_t n; };

static int count_slot(void *arg, const struct pmap_page *pg)
{
	struct swap_count_ctx *c = arg;
	if (pg->swapped && pg->swap_slot < c->n)
		c->seen[pg->swap_slot]++;
	return 0;
}

const char *swap_check(struct kernel *k)
{
	static char msg[160];
	if (!k->swap.data)
		return NULL;
	uint32_t *seen = kzalloc(&k->km, k->swap.nslots * sizeof(uint32_t));
	if (!seen)
		return NULL;
	struct swap_count_ctx c = { seen, k->swap.nslots };
	for (struct proc *p = k->procs; p; p = p->next)
		if (p->state != P_ZOMBIE)
			pmap_foreach(&p->pmap, 0, user_top(k->cfg.levels), count_slot, &c);
	const char *e = NULL;
	uint64_t used = 0;
	for (uint64_t s = 0; s < k->swap.nslots && !e; s++) {
		used += k->swap.refs[s] != 0;
		if (seen[s] != k->swap.refs[s]) {
			snprintf(msg, sizeof msg, "swap slot %llu: refcount %u, %u page-table entries",
				 (unsigned long long)s, k->swap.refs[s], seen[s]);
			e = msg;
		}
	}
	for (uint64_t s = 0; s < k->swap.nslots && !e; s++)
		if (k->swap.refs[s] > k->swap.share_max) {
			snprintf(msg, sizeof msg, "swap slot %llu: %u sharers, more than %u",
				 (unsigned long long)s, k->swap.refs[s], k->swap.share_max);
			e = msg;
		}
	if (!e && used != k->swap.nslots - k->swap.nfree) {
		snprintf(msg, sizeof msg, "swap: %llu slots in use, free list says %llu",
			 (unsigned long long)used, (unsigned long long)(k->swap.nslots - k->swap.nfree));
		e = msg;
	}
	kfree(&k->km, seen);
	return e;
}
