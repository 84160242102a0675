/*
 * pagecache.c - the page cache (see pagecache.h): vm_objects, their page
 * tables, reading and writing through them, truncation, write-back, and
 * the eviction of cached pages that the replacement policy chooses.
 *
 * An object's page table is a radix tree (Linux's page-cache radix tree,
 * now the XArray; FreeBSD's vm_radix): nodes of 512 slots, one page of
 * simulated RAM each (kmalloc), the lowest level holding entries
 *
 *     63                      12 11     3   2    1     0
 *     +-------------------------+--------+----+-----+-------+
 *     | frame PA / swap slot    |   0    |SWAP|DIRTY| FRAME |
 *     +-------------------------+--------+----+-----+-------+
 *
 * and the tree growing a level on top whenever an index beyond its reach
 * is stored (height h covers indexes below 512^h).
 *
 * Objects live in a table indexed by their id, so that a frame (owner_id =
 * id, priv = index) and a policy key (pagecache_key) lead back to them.
 */
#include "pagecache.h"
#include "frame.h"
#include "proc.h"
#include "swap.h"

#include <errno.h>
#include <string.h>
#include <sys/sysmacros.h>

#define PC_SHIFT   6                      /* 64 slots: 512-byte nodes (kmalloc) */
#define PC_FANOUT  (1u << PC_SHIFT)
#define PC_MAXH    6                      /* 64^6 = 2^36 > 2^32 indexes */

#define PCE_FRAME  0x1ULL
#define PCE_DIRTY  0x2ULL
#define PCE_SWAP   0x4ULL

struct pagecache {
	struct kmem_cache *cache;         /* "vm_object" */
	struct vm_object **tab;           /* by id; NULL: free */
	uint32_t cap, hint, live;
};

static inline uint64_t pce_pa(uint64_t e) { return e & ~(uint64_t)PGMASK; }
static inline uint64_t pce_slot(uint64_t e) { return e >> PGSHIFT; }

/* ---- the radix tree ------------------------------------------------------ */

/* The slot of page index in o's tree; with create, missing nodes (and
 * levels) are allocated.  NULL if absent (or, with create, out of memory). */
static uint64_t *pc_slot(struct kernel *k, struct vm_object *o, uint64_t index, bool create)
{
	int need = 1;
	while (need < PC_MAXH && (index >> (PC_SHIFT * need)))
		need++;
	if (o->height < need) {
		if (!create)
			return NULL;
		if (!o->root) {
			o->height = need;
		} else {
			while (o->height < need) {
				void **top = kzalloc(&k->km, PC_FANOUT * sizeof(void *));
				if (!top)
					return NULL;
				top[0] = o->root;
				o->root = top;
				o->height++;
			}
		}
	}
	void **node = &o->root;
	for (int lvl = o->height; lvl >= 1; lvl--) {
		if (!*node) {
			if (!create || !(*node = kzalloc(&k->km, PC_FANOUT * sizeof(uint64_t))))
				return NULL;
		}
		unsigned i = (unsigned)(index >> (PC_SHIFT * (lvl - 1))) & (PC_FANOUT - 1);
		if (lvl == 1)
			return &((uint64_t *)*node)[i];
		node = &((void **)*node)[i];
	}
	return NULL;
}

typedef int (*pc_entry_fn)(struct kernel *k, struct vm_object *o, uint64_t index, uint64_t *slot,
			   void *ctx);

/* Calls fn for every non-empty entry of node (level lvl, first index base)
 * with an index in [lo, hi), in order.  Stops at fn's first nonzero return. */
static int pc_walk_node(struct kernel *k, struct vm_object *o, void *node, int lvl, uint64_t base,
			uint64_t lo, uint64_t hi, pc_entry_fn fn, void *ctx)
{
	uint64_t span = 1ULL << (PC_SHIFT * (lvl - 1));
	for (unsigned i = 0; i < PC_FANOUT; i++) {
		uint64_t first = base + i * span;
		if (first >= hi)
			break;
		if (first + span <= lo)
			continue;
		if (lvl == 1) {
			uint64_t *e = &((uint64_t *)node)[i];
			int rc;
			if (*e && (rc = fn(k, o, first, e, ctx)))
				return rc;
		} else if (((void **)node)[i]) {
			int rc = pc_walk_node(k, o, ((void **)node)[i], lvl - 1, first, lo, hi, fn, ctx);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int pc_walk(struct kernel *k, struct vm_object *o, uint64_t lo, uint64_t hi,
		   pc_entry_fn fn, void *ctx)
{
	if (!o->root || lo >= hi)
		return 0;
	return pc_walk_node(k, o, o->root, o->height, 0, lo, hi, fn, ctx);
}

static void pc_free_node(struct kernel *k, void *node, int lvl)
{
	if (lvl > 1)
		for (unsigned i = 0; i < PC_FANOUT; i++)
			if (((void **)node)[i])
				pc_free_node(k, ((void **)node)[i], lvl - 1);
	kfree(&k->km, node);
}

/* ---- objects --------------------------------------------------------------- */

static const struct file_frame_ops pagecache_frame_ops = {
	.key_frame = pagecache_key_frame, .evict = pagecache_evict,
	.test_clear_ref = pagecache_test_clear_ref, .dirty = pagecache_frame_dirty,
};

int pagecache_init(struct kernel *k)
{
	struct pagecache *pc = kzalloc(&k->km, sizeof *pc);
	if (!pc)
		return -ENOMEM;
	pc->cache = kmem_cache_create(&k->km, "vm_object", sizeof(struct vm_object), 8);
	pc->cap = 64;
	pc->tab = kzalloc(&k->km, pc->cap * sizeof *pc->tab);
	if (!pc->cache || !pc->tab) {
		kfree(&k->km, pc->tab);
		kfree(&k->km, pc);
		return -ENOMEM;
	}
	pc->hint = 1;                     /* id 0 stays unused: owner_id 0 means "none" */
	k->pc = pc;
	k->file_frames = &pagecache_frame_ops;
	return 0;
}

void pagecache_shutdown(struct kernel *k)
{
	if (!k->pc)
		return;
	kfree(&k->km, k->pc->tab);
	kfree(&k->km, k->pc);
	k->pc = NULL;
}

/* A free id in the table, growing it if full; 0 if out of memory. */
static uint32_t pc_new_id(struct kernel *k)
{
	struct pagecache *pc = k->pc;
	for (uint32_t n = 0; n < pc->cap; n++) {
		uint32_t id = (pc->hint + n) % pc->cap;
		if (id && !pc->tab[id]) {
			pc->hint = id + 1;
			return id;
		}
	}
	if (pc->cap >= (1u << 30))
		return 0;
	struct vm_object **t = kzalloc(&k->km, 2 * pc->cap * sizeof *t);
	if (!t)
		return 0;
	memcpy(t, pc->tab, pc->cap * sizeof *t);
	kfree(&k->km, pc->tab);
	pc->tab = t;
	uint32_t id = pc->cap;
	pc->cap *= 2;
	pc->hint = id + 1;
	return id;
}

struct vm_object *vm_object_create(struct kernel *k, const struct pager_ops *ops, void *priv,
				   uint64_t size)
{
	if (size > VM_OBJECT_MAX_BYTES)
		return NULL;
	uint32_t id = pc_new_id(k);
	if (!id)
		return NULL;
	struct vm_object *o = kmem_cache_alloc(k->pc->cache);
	if (!o)
		return NULL;
	*o = (struct vm_object){ .ops = ops, .priv = priv, .size = size, .refs = 1, .kernel = k,
				 .id = id };
	k->pc->tab[id] = o;
	k->pc->live++;
	return o;
}

static void shmem_describe(struct kernel *k, struct vm_object *o, char *buf, size_t n)
{
	(void)k, (void)o;
	snprintf(buf, n, "/dev/zero (deleted)");     /* as Linux names shared anonymous memory */
}

static const struct pager_ops shmem_pager = { .name = "shmem", .describe = shmem_describe };

struct vm_object *vm_object_shmem(struct kernel *k, uint64_t size)
{
	struct vm_object *o = vm_object_create(k, &shmem_pager, NULL, size);
	if (o) {
		/* maps shows Linux's shmem identity: device 00:01, an inode
		 * number of its own (here the object's, unique while it lives) */
		o->dev = makedev(0, 1);
		o->ino = (uint64_t)o->id + 1;
	}
	return o;
}

void vm_object_ref(struct vm_object *o)
{
	o->refs++;
}

/* Takes cached frame pa (page index of o, mapped by no one) out of the
 * cache: out of the policy if keyed, the cache's reference dropped. */
static void pc_forget_frame(struct kernel *k, struct vm_object *o, uint64_t *slot)
{
	uint64_t pa = pce_pa(*slot);
	struct frame *f = pa_frame(&k->pa, pa);
	if (f->rmap)
		kpanic("pagecache: frame 0x%llx of object %u leaves the cache still mapped",
		       (unsigned long long)pa, o->id);
	if (f->key != REPL_NONE) {
		repl_remove(kernel_repl_of_frame(k, f), f->key, f->repl_handle);
		f->key = REPL_NONE;
		f->flags &= (uint16_t)~FRAME_REPL_GLOBAL;
	}
	if (*slot & PCE_DIRTY)
		o->ndirty--;
	o->nframes--;
	*slot = 0;
	frame_release(k, pa);
}

/* pc_walk callback: frees whatever the entry holds. */
static int pc_free_entry(struct kernel *k, struct vm_object *o, uint64_t index, uint64_t *slot,
			 void *ctx)
{
	(void)index, (void)ctx;
	if (*slot & PCE_FRAME) {
		pc_forget_frame(k, o, slot);
	} else if (*slot & PCE_SWAP) {
		swap_put(k, pce_slot(*slot));
		o->nswapped--;
		*slot = 0;
	}
	return 0;
}

void vm_object_put(struct kernel *k, struct vm_object *o)
{
	if (!o || --o->refs > 0)
		return;
	if (o->refs < 0)
		kpanic("vm_object_put: object %u has no references", o->id);
	/* dirty pages no mapping's end wrote back (a failed write, a page
	 * dropped by madvise): the file gets them before the cache goes */
	if (o->ndirty)
		(void)vm_object_sync(k, o);
	pc_walk(k, o, 0, UINT64_MAX, pc_free_entry, NULL);
	if (o->root)
		pc_free_node(k, o->root, o->height);
	if (o->ops->release)
		o->ops->release(k, o);
	k->pc->tab[o->id] = NULL;
	k->pc->live--;
	kmem_cache_free(k->pc->cache, o);
}

void vm_object_describe(struct kernel *k, struct vm_object *o, char *buf, size_t n)
{
	if (n == 0)
		return;
	buf[0] = 0;
	if (o->ops->describe)
		o->ops->describe(k, o, buf, n);
	if (!buf[0])
		snprintf(buf, n, "[%s]", o->ops->name);
}

/* ---- pages ----------------------------------------------------------------------- */

/* Makes frame pa the cached page index of o in slot (dirty: PCE_DIRTY
 * or 0), resident for the policy from now on, mapped or not. */
static void pc_install(struct kernel *k, struct vm_object *o, uint64_t *slot, uint64_t index,
		       uint64_t pa, uint64_t dirty)
{
	struct frame *f = pa_frame(&k->pa, pa);
	f->priv = (uint32_t)index;
	f->flags &= (uint16_t)~FRAME_ZEROFILL;
	*slot = pa | PCE_FRAME | dirty;
	o->nframes++;
	f->key = pagecache_key(o->id, index);
	f->flags &= (uint16_t)~FRAME_REPL_GLOBAL;
	if (k->cfg.local_frames)
		f->flags |= FRAME_REPL_GLOBAL;
	f->repl_handle = repl_insert(&k->repl, f->key);
}

/* The read-ahead window for a miss at index (pagecache.h): 1 when there
 * is none. */
static unsigned ra_window(struct kernel *k, struct vm_object *o, uint64_t index)
{
	unsigned max = k->cfg.readahead < PAGECACHE_RA_MAX ? k->cfg.readahead : PAGECACHE_RA_MAX;
	if (max <= 1 || !o->ops->read_pages)
		return 1;
	unsigned w = index == o->ra_next && o->ra_win ? o->ra_win * 2 : PAGECACHE_RA_INIT;
	if (w > max)
		w = max;
	uint64_t pages = (o->size + PGSIZE - 1) >> PGSHIFT;
	if (index + w > pages)
		w = pages > index ? (unsigned)(pages - index) : 1;
	return w;
}

/* One more frame for read-ahead without reclaiming anything: under the
 * frame limit with the `taken` frames of this window (not yet resident
 * for the policy) and it, and above the physical reserve; or 0. */
static uint64_t ra_frame(struct kernel *k, struct vm_object *o, unsigned taken)
{
	if (k->repl.resident + k->thp.free_frames + taken + 1 > k->repl.capacity ||
	    k->pa.free_frames <= k->reserve_frames + 1)
		return 0;
	return frame_alloc(k, NULL, FO_FILE, o->id, false);
}

/* Puts a fresh frame for page index of o into the cache, read in (or
 * swapped in, or zero); the cache's reference is the frame's first.  A
 * read in brings the read-ahead window's pages along (ra_window).
 * Returns its PA or 0 with *err. */
static uint64_t pc_fill(struct kernel *k, struct proc *p, struct vm_object *o, uint64_t index,
			int *err)
{
	bool zero = !o->ops->read_page;
	uint64_t pa = frame_alloc(k, p, FO_FILE, o->id, zero);
	if (!pa) {
		*err = -ENOMEM;
		return 0;
	}
	/* reclaim may have run: find the slot only now */
	uint64_t *slot = pc_slot(k, o, index, true);
	if (!slot) {
		frame_release(k, pa);
		*err = -ENOMEM;
		return 0;
	}
	if (*slot & PCE_SWAP) {
		uint64_t s = pce_slot(*slot);
		swap_read(k, s, pa);
		swap_put(k, s);
		o->nswapped--;
		o->ndirty++;              /* the only copy now: swap it again, never drop */
		k->stats.pages_swapped_in++;
		k->stats.file_pages_swapped_in++;
		pc_install(k, o, slot, index, pa, PCE_DIRTY);
		return pa;
	}
	if (zero) {
		k->stats.pages_zeroed++;
		pc_install(k, o, slot, index, pa, 0);
		return pa;
	}
	/* the window: free frames for the pages after index that are in
	 * neither the cache nor swap */
	uint64_t pas[PAGECACHE_RA_MAX];
	uint8_t *dst[PAGECACHE_RA_MAX];
	unsigned want = ra_window(k, o, index), n = 1;
	pas[0] = pa;
	dst[0] = ram_ptr(&k->ram, pa);
	for (; n < want; n++) {
		uint64_t *s = pc_slot(k, o, index + n, false);
		if ((s && *s) || !(pas[n] = ra_frame(k, o, n)))
			break;
		dst[n] = ram_ptr(&k->ram, pas[n]);
	}
	int rc = n > 1 ? o->ops->read_pages(k, o, index, n, dst) :
			 o->ops->read_page(k, o, index, dst[0]);
	if (rc < 0) {
		for (unsigned i = 0; i < n; i++)
			frame_release(k, pas[i]);
		*err = rc;
		return 0;
	}
	pc_install(k, o, slot, index, pa, 0);
	unsigned done = 1;
	for (; done < n; done++) {
		uint64_t *s = pc_slot(k, o, index + done, true);
		if (!s)
			break;                /* no memory for the tree: the rest is not kept */
		pc_install(k, o, s, index + done, pas[done], 0);
	}
	for (unsigned i = done; i < n; i++)
		frame_release(k, pas[i]);
	k->stats.file_pages_read += done;
	k->stats.file_pages_readahead += done - 1;
	o->ra_next = (uint32_t)(index + done);
	o->ra_win = want;
	return pa;
}

uint64_t pagecache_get(struct kernel *k, struct proc *p, struct vm_object *o, uint64_t index,
		       int *err)
{
	if (index > 0xffffffffULL) {
		*err = -EFBIG;
		return 0;
	}
	uint64_t *slot = pc_slot(k, o, index, false);
	if (slot && (*slot & PCE_FRAME)) {
		k->stats.file_page_hits++;
		return pce_pa(*slot);
	}
	k->stats.file_page_misses++;
	return pc_fill(k, p, o, index, err);
}

uint64_t pagecache_lookup(struct kernel *k, struct vm_object *o, uint64_t index)
{
	uint64_t *slot = pc_slot(k, o, index, false);
	return slot && (*slot & PCE_FRAME) ? pce_pa(*slot) : 0;
}

/* A read()/write() touched cached frame pa: referenced for the policy. */
static void pc_touch(struct kernel *k, uint64_t pa)
{
	struct frame *f = pa_frame(&k->pa, pa);
	f->flags |= FRAME_SOFTREF;
	if (f->key != REPL_NONE)
		repl_access(kernel_repl_of_frame(k, f), f->key, f->repl_handle);
}

/* Marks cached page index (in a frame) of o dirty. */
static void pc_set_dirty(struct vm_object *o, uint64_t *slot)
{
	if (!(*slot & PCE_DIRTY)) {
		*slot |= PCE_DIRTY;
		o->ndirty++;
	}
}

int64_t pagecache_read(struct kernel *k, struct proc *p, struct vm_object *o, uint64_t off,
		       void *kbuf, size_t n)
{
	if (off >= o->size)
		return 0;
	if (n > o->size - off)
		n = (size_t)(o->size - off);
	size_t done = 0;
	while (done < n) {
		uint64_t pos = off + done, in = pos & PGMASK;
		size_t chunk = PGSIZE - in < n - done ? (size_t)(PGSIZE - in) : n - done;
		int err = 0;
		uint64_t pa = pagecache_get(k, p, o, pos >> PGSHIFT, &err);
		if (!pa)
			return done ? (int64_t)done : err;
		memcpy((uint8_t *)kbuf + done, ram_ptr(&k->ram, pa) + in, chunk);
		pc_touch(k, pa);
		done += chunk;
	}
	return (int64_t)done;
}

int64_t pagecache_write(struct kernel *k, struct proc *p, struct vm_object *o, uint64_t off,
			const void *kbuf, size_t n)
{
	if (n == 0)
		return 0;
	if (off >= VM_OBJECT_MAX_BYTES || n > VM_OBJECT_MAX_BYTES - off)
		return -EFBIG;
	size_t done = 0;
	while (done < n) {
		uint64_t pos = off + done, in = pos & PGMASK;
		size_t chunk = PGSIZE - in < n - done ? (size_t)(PGSIZE - in) : n - done;
		int err = 0;
		uint64_t pa = pagecache_get(k, p, o, pos >> PGSHIFT, &err);
		if (!pa)
			return done ? (int64_t)done : err;
		memcpy(ram_ptr(&k->ram, pa) + in, (const uint8_t *)kbuf + done, chunk);
		pc_set_dirty(o, pc_slot(k, o, pos >> PGSHIFT, false));
		pc_touch(k, pa);
		done += chunk;
		if (pos + chunk > o->size)
			o->size = pos + chunk;
	}
	return (int64_t)done;
}

/* ---- dirty pages, write-back, invalidation --------------------------------------- */

/* Folds the D bits of every mapping of cached frame pa into the entry
 * (clearing them if clear).  True if the page is dirty. */
static bool pc_fold_dirty(struct kernel *k, struct vm_object *o, uint64_t *slot, bool clear)
{
	struct frame *f = pa_frame(&k->pa, pce_pa(*slot));
	for (struct rmap_entry *e = f->rmap; e; e = e->next)
		if (pmap_is_modified(&e->p->mm->pmap, e->va)) {
			pc_set_dirty(o, slot);
			if (clear)
				pmap_clear_modified(&e->p->mm->pmap, e->va);
		}
	return (*slot & PCE_DIRTY) != 0;
}

struct vm_object *pagecache_frame_object(struct kernel *k, uint64_t pa, uint64_t *index)
{
	struct frame *f = pa_frame(&k->pa, pa);
	if (f->owner != FO_FILE || !k->pc || f->owner_id >= k->pc->cap)
		return NULL;
	struct vm_object *o = k->pc->tab[f->owner_id];
	if (!o)
		return NULL;
	uint64_t *slot = pc_slot(k, o, f->priv, false);
	if (!slot || !(*slot & PCE_FRAME) || pce_pa(*slot) != pa)
		return NULL;
	if (index)
		*index = f->priv;
	return o;
}

void pagecache_frame_dirty(struct kernel *k, uint64_t pa)
{
	uint64_t index;
	struct vm_object *o = pagecache_frame_object(k, pa, &index);
	if (o)
		pc_set_dirty(o, pc_slot(k, o, index, false));
}

/* pc_walk callback of sync: writes a dirty frame back. */
static int pc_sync_entry(struct kernel *k, struct vm_object *o, uint64_t index, uint64_t *slot,
			 void *ctx)
{
	int *rc = ctx;
	if (!(*slot & PCE_FRAME) || !pc_fold_dirty(k, o, slot, true))
		return 0;
	int r = o->ops->write_page(k, o, index, ram_ptr(&k->ram, pce_pa(*slot)));
	if (r < 0) {
		*rc = r;
		return 0;                 /* stays dirty; try the others */
	}
	*slot &= ~PCE_DIRTY;
	o->ndirty--;
	k->stats.file_pages_written++;
	return 0;
}

int vm_object_sync_range(struct kernel *k, struct vm_object *o, uint64_t off, uint64_t len)
{
	if (!o->ops->write_page)
		return 0;                 /* swap-backed, or read-only */
	int rc = 0;
	uint64_t hi = len > UINT64_MAX - off ? UINT64_MAX : PGROUNDUP(off + len);
	pc_walk(k, o, off >> PGSHIFT, hi == 0 ? UINT64_MAX : hi >> PGSHIFT, pc_sync_entry, &rc);
	return rc;
}

int vm_object_sync(struct kernel *k, struct vm_object *o)
{
	return vm_object_sync_range(k, o, 0, UINT64_MAX);
}

/* pc_walk callback of invalidate: drops a clean, unmapped frame. */
static int pc_invalidate_entry(struct kernel *k, struct vm_object *o, uint64_t index,
			       uint64_t *slot, void *ctx)
{
	(void)index, (void)ctx;
	if (!(*slot & PCE_FRAME) || (*slot & PCE_DIRTY) || !o->ops->read_page)
		return 0;             /* swap-backed pages have no other copy */
	if (pa_frame(&k->pa, pce_pa(*slot))->rmap)
		return 0;
	pc_forget_frame(k, o, slot);
	k->stats.file_pages_dropped++;
	return 0;
}

void vm_object_invalidate(struct kernel *k, struct vm_object *o, uint64_t off, uint64_t len)
{
	uint64_t hi = len > UINT64_MAX - off ? UINT64_MAX : PGROUNDUP(off + len);
	pc_walk(k, o, off >> PGSHIFT, hi == 0 ? UINT64_MAX : hi >> PGSHIFT, pc_invalidate_entry,
		NULL);
}

/* ---- truncation --------------------------------------------------------------------- */

/* Removes from every address space the pages of o's mappings that lie at
 * object offsets >= from (page aligned): shared page-cache frames and
 * private copies alike, as Linux's unmap_mapping_range(even_cows). */
static void pc_unmap_from(struct kernel *k, struct vm_object *o, uint64_t from)
{
	for (struct proc *p = k->procs; p; p = p->next) {
		if (p->state == P_ZOMBIE || !p->mm)
			continue;
		/* (the map's list, as vm_map_first/next give it) */
		for (struct vm_region *r = p->mm->map.first; r; r = r->next) {
			if (r->object != o)
				continue;
			uint64_t len = r->end - r->start;
			if (r->obj_offset + len <= from)
				continue;
			uint64_t va = from > r->obj_offset ? r->start + (from - r->obj_offset) : r->start;
			uint64_t end = r->file_end < r->end ? r->file_end : r->end;
			end = PGROUNDUP(end);
			if (va < end)
				pmap_remove(&p->mm->pmap, va, end, frame_release_pte, p);
		}
	}
}

int vm_object_truncate(struct kernel *k, struct vm_object *o, uint64_t size)
{
	if (size > VM_OBJECT_MAX_BYTES)
		return -EFBIG;
	uint64_t old = o->size;
	if (size < old) {
		uint64_t first = PGROUNDUP(size) >> PGSHIFT;
		pc_unmap_from(k, o, first << PGSHIFT);
		pc_walk(k, o, first, UINT64_MAX, pc_free_entry, NULL);
		if (first == 0 && o->root) {
			pc_free_node(k, o->root, o->height);
			o->root = NULL;
			o->height = 0;
		}
	}
	/* the partial last page holds zeros past the end, whichever way it moved */
	uint64_t edge = size < old ? size : old;
	if (edge & PGMASK) {
		uint64_t *slot = pc_slot(k, o, edge >> PGSHIFT, false);
		if (slot && (*slot & PCE_SWAP)) {
			int err = 0;
			if (!pagecache_get(k, NULL, o, edge >> PGSHIFT, &err))
				return err;
			slot = pc_slot(k, o, edge >> PGSHIFT, false);
		}
		if (slot && (*slot & PCE_FRAME)) {
			memset(ram_ptr(&k->ram, pce_pa(*slot)) + (edge & PGMASK), 0,
			       PGSIZE - (edge & PGMASK));
			if (size < old)
				pc_set_dirty(o, slot);
		}
	}
	o->size = size;
	return 0;
}

/* ---- eviction (the policy chose a cached page) -------------------------------------- */

/* The slot of the cached page under policy key; kpanics if there is none. */
static uint64_t *pc_key_slot(struct kernel *k, uint64_t key, struct vm_object **out)
{
	uint32_t id = (uint32_t)((key & ~PAGECACHE_KEY_BIT) >> 32);
	struct vm_object *o = id < k->pc->cap ? k->pc->tab[id] : NULL;
	uint64_t *slot = o ? pc_slot(k, o, key & 0xffffffffULL, false) : NULL;
	if (!slot || !(*slot & PCE_FRAME))
		kpanic("pagecache: policy key 0x%llx names no cached page", (unsigned long long)key);
	*out = o;
	return slot;
}

uint64_t pagecache_key_frame(struct kernel *k, uint64_t key)
{
	struct vm_object *o;
	return pce_pa(*pc_key_slot(k, key, &o));
}

int pagecache_evict(struct kernel *k, uint64_t key)
{
	struct vm_object *o;
	uint64_t *slot = pc_key_slot(k, key, &o);
	uint64_t pa = pce_pa(*slot), index = key & 0xffffffffULL;
	struct frame *f = pa_frame(&k->pa, pa);
	bool dirty = pc_fold_dirty(k, o, slot, false);
	int64_t sw = -1;
	if (dirty && o->ops->write_page) {
		if (o->ops->write_page(k, o, index, ram_ptr(&k->ram, pa)) < 0)
			return -ENOMEM;       /* cannot be written: keep it */
		k->stats.file_pages_written++;
	} else if (dirty) {
		sw = swap_alloc(k);
		if (sw < 0)
			return -ENOMEM;       /* swap full (or none): keep it */
		swap_write(k, (uint64_t)sw, pa);
	}
	/* out of every mapping: the next touch faults and finds it again */
	frame_unmap_all(k, pa);
	f->key = REPL_NONE;                    /* the policy has forgotten it already */
	f->flags &= (uint16_t)~(FRAME_REPL_GLOBAL | FRAME_SOFTREF);
	if (*slot & PCE_DIRTY)
		o->ndirty--;
	o->nframes--;
	if (sw >= 0) {
		*slot = ((uint64_t)sw << PGSHIFT) | PCE_SWAP;
		o->nswapped++;
		k->stats.pages_swapped_out++;
		k->stats.file_pages_swapped_out++;
	} else {
		*slot = 0;
		k->stats.pages_dropped++;
		k->stats.file_pages_dropped++;
	}
	if (f->refcount != 1)
		kpanic("pagecache: evicted frame 0x%llx has %u references besides the cache",
		       (unsigned long long)pa, f->refcount - 1);
	frame_release(k, pa);
	kernel_event(k, NULL, KEV_EVICT, index << PGSHIFT, 0, sw, sw >= 0 ? "swap-out-file" :
		     "drop-file");
	return 0;
}

bool pagecache_test_clear_ref(struct kernel *k, uint64_t key)
{
	struct vm_object *o;
	uint64_t pa = pce_pa(*pc_key_slot(k, key, &o));
	struct frame *f = pa_frame(&k->pa, pa);
	bool ref = f->flags & FRAME_SOFTREF;
	f->flags &= (uint16_t)~FRAME_SOFTREF;
	for (struct rmap_entry *e = f->rmap; e; e = e->next) {
		uint64_t other;
		if (pmap_test_clear_referenced(&e->p->mm->pmap, e->va, &other) > 0)
			ref = true;
	}
	return ref;
}

/* ---- gauges and the checker ----------------------------------------------------------- */

static int pc_info_entry(struct kernel *k, struct vm_object *o, uint64_t index, uint64_t *slot,
			 void *ctx)
{
	(void)index;
	struct pagecache_info *in = ctx;
	if (*slot & PCE_SWAP) {
		in->swapped++;
		return 0;
	}
	struct frame *f = pa_frame(&k->pa, pce_pa(*slot));
	in->cached++;
	if (!o->ops->read_page && !o->ops->write_page)
		in->shmem++;
	if (f->rmap) {
		in->mapped++;
		if (f->rmap->next)
			in->shared++;
	}
	bool dirty = *slot & PCE_DIRTY;
	for (struct rmap_entry *e = f->rmap; e && !dirty; e = e->next)
		dirty = pmap_is_modified(&e->p->mm->pmap, e->va);
	in->dirty += dirty;
	return 0;
}

void pagecache_info(struct kernel *k, struct pagecache_info *info)
{
	memset(info, 0, sizeof *info);
	if (!k->pc)
		return;
	for (uint32_t id = 0; id < k->pc->cap; id++)
		if (k->pc->tab[id]) {
			info->objects++;
			pc_walk(k, k->pc->tab[id], 0, UINT64_MAX, pc_info_entry, info);
		}
}

struct pc_check_ctx {
	uint32_t *refs, *swap_refs;
	char *msg;
	uint64_t frames, dirty, swapped;
};

static int pc_check_entry(struct kernel *k, struct vm_object *o, uint64_t index, uint64_t *slot,
			  void *ctx)
{
	struct pc_check_ctx *c = ctx;
	if (*slot & PCE_SWAP) {
		uint64_t s = pce_slot(*slot);
		c->swapped++;
		if (s >= k->swap.nslots || !k->swap.refs[s]) {
			snprintf(c->msg, 200, "pagecache: object %u page %llu in free swap slot %llu",
				 o->id, (unsigned long long)index, (unsigned long long)s);
			return 1;
		}
		if (c->swap_refs)
			c->swap_refs[s]++;
		return 0;
	}
	if (!(*slot & PCE_FRAME)) {
		snprintf(c->msg, 200, "pagecache: object %u page %llu: bad entry 0x%llx", o->id,
			 (unsigned long long)index, (unsigned long long)*slot);
		return 1;
	}
	uint64_t pa = pce_pa(*slot);
	struct frame *f = pa_frame(&k->pa, pa);
	c->frames++;
	c->dirty += (*slot & PCE_DIRTY) != 0;
	if (f->owner != FO_FILE || f->owner_id != o->id || f->priv != (uint32_t)index ||
	    !(f->flags & FRAME_HEAD)) {
		snprintf(c->msg, 200, "pagecache: object %u page %llu: frame 0x%llx is %s %u page %u",
			 o->id, (unsigned long long)index, (unsigned long long)pa,
			 frame_owner_name(f->owner), f->owner_id, f->priv);
		return 1;
	}
	if (f->key != pagecache_key(o->id, index)) {
		snprintf(c->msg, 200, "pagecache: object %u page %llu: frame 0x%llx has policy key 0x%llx",
			 o->id, (unsigned long long)index, (unsigned long long)pa,
			 (unsigned long long)f->key);
		return 1;
	}
	if (c->refs) {
		uint32_t fn = pa_to_frame(&k->pa, pa);
		if (c->refs[fn] & 0x80000000u) {
			snprintf(c->msg, 200, "pagecache: frame 0x%llx cached twice (object %u page %llu)",
				 (unsigned long long)pa, o->id, (unsigned long long)index);
			return 1;
		}
		c->refs[fn] = (c->refs[fn] + 1) | 0x80000000u;
	}
	return 0;
}

const char *pagecache_check(struct kernel *k, uint32_t *refs, uint32_t *swap_refs)
{
	static char msg[200];
	if (!k->pc)
		return NULL;
	uint32_t live = 0;
	for (uint32_t id = 0; id < k->pc->cap; id++) {
		struct vm_object *o = k->pc->tab[id];
		if (!o)
			continue;
		live++;
		struct pc_check_ctx c = { refs, swap_refs, msg, 0, 0, 0 };
		if (o->id != id || o->refs <= 0) {
			snprintf(msg, sizeof msg, "pagecache: object in slot %u has id %u, %d references",
				 id, o->id, o->refs);
			return msg;
		}
		if (pc_walk(k, o, 0, UINT64_MAX, pc_check_entry, &c)) {
			if (refs)
				for (uint32_t fn = 0; fn < k->pa.nframes; fn++)
					refs[fn] &= 0x7fffffffu;
			return msg;
		}
		if (c.frames != o->nframes || c.dirty != o->ndirty || c.swapped != o->nswapped) {
			snprintf(msg, sizeof msg, "pagecache: object %u counts %llu frames, %llu dirty, "
				 "%llu swapped; its table holds %llu, %llu, %llu", o->id,
				 (unsigned long long)o->nframes, (unsigned long long)o->ndirty,
				 (unsigned long long)o->nswapped, (unsigned long long)c.frames,
				 (unsigned long long)c.dirty, (unsigned long long)c.swapped);
			return msg;
		}
	}
	if (refs)             /* clear the "seen" marks */
		for (uint32_t fn = 0; fn < k->pa.nframes; fn++)
			refs[fn] &= 0x7fffffffu;
	if (live != k->pc->live) {
		snprintf(msg, sizeof msg, "pagecache: %u objects in the table, counter says %u", live,
			 k->pc->live);
		return msg;
	}
	return NULL;
}

const char *pagecache_check_swap(struct kernel *k, uint32_t *seen)
{
	return pagecache_check(k, NULL, seen);
}
