/*
 * slab.c - object caches and kmalloc (Bonwick, "The Slab Allocator: An
 * Object-Caching Kernel Memory Allocator", USENIX Summer 1994).
 *
 * A slab is a buddy block of 2^order frames cut into objects of one cache.
 * Its descriptor lives in the frame metadata (as in Linux's struct page):
 *
 *   head frame:  owner FO_SLAB, owner_id = cache id,
 *                next/prev = links on the cache's partial/full/empty list,
 *                refcount  = objects in use,
 *                priv      = byte offset of the first free object + 1 (0: none)
 *   other frames of the slab: owner FO_SLAB, priv = head frame number
 *
 * so a slab has no header and a 4 KiB object fits a 4 KiB slab exactly.
 * Free objects are threaded through their first 4 bytes (offset + 1 of the
 * next free object).  kfree finds an object's cache through its frame, in
 * O(1).
 *
 * In front of the slabs each cache keeps a magazine (Bonwick & Adams,
 * "Magazines and Vmem", USENIX 2001): a small LIFO of objects freed
 * recently, handed out again first.  A free followed by an alloc - the
 * rhythm of page faults under memory pressure - then touches no slab list.
 * Objects in the magazine are free to the cache's users (not counted in
 * `active`) but still in use to their slabs.  Debug mode bypasses it, so
 * every free and alloc goes through the checks below.
 *
 * Debug mode (kmem.debug) lays every object out as
 *
 *   | state word 8 | pad to align | object ... | redzone >= 8 | pad |
 *
 * The state word says allocated or free (double and invalid frees are
 * caught); the redzone holds a pattern checked on free (overflows are
 * caught); free objects are filled with a poison pattern that is verified
 * when they are handed out again (writes after free are caught).
 */
#include "slab.h"
#include "panic.h"

#include <errno.h>
#include <string.h>

#define SLAB_MAX_ORDER   3        /* slabs of at most 8 frames */
#define SLAB_KEEP_EMPTY  1        /* empty slabs a cache keeps */
#define KMEM_MAX_CACHES  256
#define KMEM_MAG_SIZE    16       /* objects a cache's magazine holds */
#define CACHE_NAME_LEN   24

#define POISON_FREE   0x6b
#define POISON_RED    0xbb
#define STATE_ALLOC   0xa110ca7ed0a110c8ULL
#define STATE_FREE    0xf4eef4eef4eef4eeULL

struct kmem_cache {
	char name[CACHE_NAME_LEN];
	struct kmem *km;
	struct kmem_cache *next;        /* on km->caches */
	uint32_t id;
	uint32_t size;                  /* requested object size */
	uint32_t align;
	uint32_t stride;                /* bytes per object slot */
	uint32_t obj_off;               /* object start within its slot */
	uint32_t per_slab;              /* objects per slab */
	uint32_t order;                 /* slab = 2^order frames */
	uint32_t partial, full, empty;  /* slab lists (head frame numbers) */
	uint64_t nslabs, nempty, active;
	uint64_t allocs, frees;
	bool debug;
	bool is_kmalloc;                /* one of km->kmalloc_caches */
	uint32_t nmag;                  /* objects in mag */
	void *mag[KMEM_MAG_SIZE];
};

/* Cache lookup by id (frame metadata stores the id, not a pointer).  This
 * table is the kernel's static data, like the allocator roots themselves. */
static struct kmem_cache *cache_by_id[KMEM_MAX_CACHES];

static inline struct frame *slab_frame(struct kmem_cache *c, uint32_t fn)
{
	return &c->km->pa->frames[fn];
}

static void slab_list_push(struct kmem_cache *c, uint32_t *head, uint32_t fn)
{
	struct frame *f = slab_frame(c, fn);
	f->prev = FRAME_NONE;
	f->next = *head;
	if (*head != FRAME_NONE)
		slab_frame(c, *head)->prev = fn;
	*head = fn;
}

static void slab_list_remove(struct kmem_cache *c, uint32_t *head, uint32_t fn)
{
	struct frame *f = slab_frame(c, fn);
	if (f->prev != FRAME_NONE)
		slab_frame(c, f->prev)->next = f->next;
	else
		*head = f->next;
	if (f->next != FRAME_NONE)
		slab_frame(c, f->next)->prev = f->prev;
	f->next = f->prev = FRAME_NONE;
}

static inline uint8_t *slab_base(struct kmem_cache *c, uint32_t fn)
{
	return ram_ptr(c->km->pa->ram, frame_to_pa(c->km->pa, fn));
}

static inline bool inject_fault(struct kmem *km)
{
	if (km->faults && km->faults->countdown >= 0 && km->faults->countdown-- == 0) {
		km->faults->injected++;
		return true;
	}
	return false;
}

/* Chooses the slab order: the smallest whose unused tail is at most 1/8 of
 * the slab, else the one that wastes least.  Returns -1 if the object does
 * not fit the largest slab. */
static int slab_choose_order(uint32_t stride)
{
	int best = -1;
	uint64_t best_waste = ~0ULL;
	for (int o = 0; o <= SLAB_MAX_ORDER; o++) {
		uint64_t bytes = PGSIZE << o;
		if (bytes < stride)
			continue;
		uint64_t waste = bytes % stride;
		if (waste * 8 <= bytes)
			return o;
		if (waste * 8 / bytes < best_waste) {
			best_waste = waste * 8 / bytes;
			best = o;
		}
	}
	return best;
}

static int cache_setup(struct kmem_cache *c, struct kmem *km, const char *name, size_t size,
		       size_t align)
{
	if (align == 0)
		align = 8;
	if ((align & (align - 1)) || align > PGSIZE || size > (PGSIZE << SLAB_MAX_ORDER))
		return -EINVAL;
	if (size == 0)
		size = 1;
	memset(c, 0, sizeof(*c));
	strncpy(c->name, name, CACHE_NAME_LEN - 1);
	c->km = km;
	c->size = (uint32_t)size;
	c->align = (uint32_t)align;
	c->debug = km->debug;
	uint64_t stride;
	if (c->debug) {
		uint64_t hdr = align > 8 ? align : 8;          /* state word, aligned */
		c->obj_off = (uint32_t)hdr;
		stride = hdr + size + 8;                       /* at least 8 redzone bytes */
	} else {
		c->obj_off = 0;
		stride = size < 4 ? 4 : size;                  /* room for the free link */
	}
	stride = (stride + align - 1) & ~(uint64_t)(align - 1);
	int order = slab_choose_order((uint32_t)stride);
	if (order < 0)
		return -EINVAL;
	c->stride = (uint32_t)stride;
	c->order = (uint32_t)order;
	c->per_slab = (uint32_t)((PGSIZE << order) / stride);
	c->partial = c->full = c->empty = FRAME_NONE;
	for (uint32_t i = 1; i < KMEM_MAX_CACHES; i++) {
		uint32_t id = (km->next_cache_id + i) % KMEM_MAX_CACHES;
		if (id && !cache_by_id[id]) {
			c->id = id;
			km->next_cache_id = id;
			cache_by_id[id] = c;
			c->next = km->caches;
			km->caches = c;
			return 0;
		}
	}
	return -ENOMEM;
}

struct kmem_cache *kmem_cache_create(struct kmem *km, const char *name, size_t size,
				     size_t align)
{
	struct kmem_cache *c = kmem_cache_alloc(km->cache_cache);
	if (!c)
		return NULL;
	if (cache_setup(c, km, name, size, align) < 0) {
		kmem_cache_free(km->cache_cache, c);
		return NULL;
	}
	return c;
}

struct kmem_cache *kmem_cache_find(struct kmem *km, const char *name)
{
	for (struct kmem_cache *c = km->caches; c; c = c->next)
		if (!strncmp(c->name, name, CACHE_NAME_LEN - 1))
			return c;
	return NULL;
}

/* Allocates and formats a new slab; puts it on the empty list.  Returns its
 * head frame number or FRAME_NONE. */
static uint32_t slab_grow(struct kmem_cache *c)
{
	struct page_alloc *pa = c->km->pa;
	uint64_t addr = page_alloc_frames(pa, c->order, 0, FO_SLAB, c->id);
	if (!addr)
		return FRAME_NONE;
	uint32_t fn = pa_to_frame(pa, addr);
	for (uint32_t i = 1; i < (1u << c->order); i++)
		pa->frames[fn + i].priv = fn;
	struct frame *h = &pa->frames[fn];
	h->refcount = 0;
	uint8_t *base = slab_base(c, fn);
	for (uint32_t i = 0; i < c->per_slab; i++) {
		uint8_t *slot = base + (uint64_t)i * c->stride;
		uint32_t next = (i + 1 < c->per_slab) ? (i + 1) * c->stride + 1 : 0;
		if (c->debug) {
			memset(slot, POISON_RED, c->stride);
			*(uint64_t *)slot = STATE_FREE;
			memset(slot + c->obj_off, POISON_FREE, c->size);
		}
		memcpy(slot + c->obj_off, &next, sizeof next);
	}
	h->priv = 1;              /* first free object at offset 0 */
	slab_list_push(c, &c->empty, fn);
	c->nslabs++;
	c->nempty++;
	return fn;
}

static void slab_release(struct kmem_cache *c, uint32_t fn)
{
	slab_list_remove(c, &c->empty, fn);
	c->nempty--;
	c->nslabs--;
	page_free_frames(c->km->pa, frame_to_pa(c->km->pa, fn), c->order);
}

static void debug_check_free_object(struct kmem_cache *c, uint8_t *slot)
{
	const uint8_t *obj = slot + c->obj_off;
	if (*(uint64_t *)slot != STATE_FREE)
		kpanic("kmem_cache_alloc(%s): free object %p has a corrupt state word", c->name,
		       (void *)obj);
	for (uint32_t i = 4; i < c->size; i++)
		if (obj[i] != POISON_FREE)
			kpanic("kmem_cache_alloc(%s): object %p was written after being freed, at byte %u", c->name,
			       (void *)obj, i);
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
	if (inject_fault(c->km))
		return NULL;
	if (c->nmag) {
		c->active++;
		c->allocs++;
		return c->mag[--c->nmag];
	}
	uint32_t fn = c->partial;
	if (fn == FRAME_NONE) {
		fn = c->empty;
		if (fn == FRAME_NONE && (fn = slab_grow(c)) == FRAME_NONE)
			return NULL;
		slab_list_remove(c, &c->empty, fn);
		c->nempty--;
		slab_list_push(c, &c->partial, fn);
	}
	struct frame *h = slab_frame(c, fn);
	uint8_t *slot = slab_base(c, fn) + (h->priv - 1);
	uint8_t *obj = slot + c->obj_off;
	uint32_t next;
	memcpy(&next, obj, sizeof next);
	if (c->debug) {
		debug_check_free_object(c, slot);
		*(uint64_t *)slot = STATE_ALLOC;
		memset(obj, 0xa5, c->size);        /* uninitialised, visibly */
	}
	h->priv = next;
	h->refcount++;
	if (next == 0) {
		slab_list_remove(c, &c->partial, fn);
		slab_list_push(c, &c->full, fn);
	}
	c->active++;
	c->allocs++;
	return obj;
}

void *kmem_cache_zalloc(struct kmem_cache *c)
{
	void *p = kmem_cache_alloc(c);
	if (p)
		memset(p, 0, c->size);
	return p;
}

/* Finds the slab head frame of a pointer into RAM, or FRAME_NONE if it does
 * not point into a slab. */
static uint32_t slab_of(struct kmem *km, const void *p)
{
	struct page_alloc *pa = km->pa;
	const uint8_t *q = p;
	if (q < pa->ram->mem || q >= pa->ram->mem + pa->ram->size)
		return FRAME_NONE;
	uint32_t fn = (uint32_t)((uint64_t)(q - pa->ram->mem) >> PGSHIFT);
	struct frame *f = &pa->frames[fn];
	if (f->owner != FO_SLAB)
		return FRAME_NONE;
	return (f->flags & FRAME_HEAD) ? fn : f->priv;
}

static void cache_free_in(struct kmem_cache *c, uint32_t fn, void *obj)
{
	struct frame *h = slab_frame(c, fn);
	uint8_t *base = slab_base(c, fn);
	uint64_t off = (uint64_t)((uint8_t *)obj - base) - c->obj_off;
	uint8_t *slot = base + off;
	if (c->debug) {
		if (off % c->stride || off / c->stride >= c->per_slab)
			kpanic("kfree(%s): %p is not the start of an object", c->name, obj);
		uint64_t state = *(uint64_t *)slot;
		if (state == STATE_FREE)
			kpanic("kfree(%s): double free of %p", c->name, obj);
		if (state != STATE_ALLOC)
			kpanic("kfree(%s): %p: state word overwritten (underflow?)", c->name, obj);
		for (uint32_t i = c->obj_off + c->size; i < c->stride; i++)
			if (slot[i] != POISON_RED)
				kpanic("kfree(%s): redzone after %p overwritten (overflow by %u bytes)",
				       c->name, obj, i - c->obj_off - c->size + 1);
		*(uint64_t *)slot = STATE_FREE;
		memset(obj, POISON_FREE, c->size);
	}
	if (h->refcount == 0)
		kpanic("kfree(%s): %p: slab has no objects in use", c->name, obj);
	uint32_t next = h->priv;
	memcpy(obj, &next, sizeof next);
	h->priv = (uint32_t)off + 1;
	if (next == 0) {                  /* was full */
		slab_list_remove(c, &c->full, fn);
		slab_list_push(c, &c->partial, fn);
	}
	if (--h->refcount == 0) {          /* now empty */
		slab_list_remove(c, &c->partial, fn);
		slab_list_push(c, &c->empty, fn);
		c->nempty++;
		if (c->nempty > SLAB_KEEP_EMPTY)
			slab_release(c, fn);
	}
	c->active--;
	c->frees++;
}

/* Frees obj of slab fn: into the magazine while it has room. */
static inline void cache_free(struct kmem_cache *c, uint32_t fn, void *obj)
{
	if (!c->debug && c->nmag < KMEM_MAG_SIZE) {
		for (uint32_t i = 0; i < c->nmag; i++)   /* at most 16: cheap */
			if (c->mag[i] == obj)
				kpanic("kfree(%s): double free of %p", c->name, obj);
		c->mag[c->nmag++] = obj;
		c->active--;
		c->frees++;
		return;
	}
	cache_free_in(c, fn, obj);
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	if (!obj)
		return;
	uint32_t fn = slab_of(c->km, obj);
	if (fn == FRAME_NONE || slab_frame(c, fn)->owner_id != c->id)
		kpanic("kmem_cache_free(%s): %p is not an object of this cache", c->name, obj);
	cache_free(c, fn, obj);
}

/* Returns the magazine's objects to their slabs. */
static void mag_drain(struct kmem_cache *c)
{
	while (c->nmag) {
		void *obj = c->mag[--c->nmag];
		c->active++;          /* cache_free_in counts the free again */
		c->frees--;
		cache_free_in(c, slab_of(c->km, obj), obj);
	}
}

void kmem_cache_shrink(struct kmem_cache *c)
{
	mag_drain(c);
	while (c->empty != FRAME_NONE)
		slab_release(c, c->empty);
}

void kmem_shrink(struct kmem *km)
{
	for (struct kmem_cache *c = km->caches; c; c = c->next)
		kmem_cache_shrink(c);
}

static void cache_release_all(struct kmem_cache *c)
{
	mag_drain(c);
	uint32_t *lists[3] = { &c->partial, &c->full, &c->empty };
	for (int i = 0; i < 3; i++)
		while (*lists[i] != FRAME_NONE) {
			uint32_t fn = *lists[i];
			slab_list_remove(c, lists[i], fn);
			page_free_frames(c->km->pa, frame_to_pa(c->km->pa, fn), c->order);
		}
	c->nslabs = c->nempty = c->active = 0;
	cache_by_id[c->id] = NULL;
	struct kmem_cache **pp = &c->km->caches;
	while (*pp && *pp != c)
		pp = &(*pp)->next;
	if (*pp)
		*pp = c->next;
}

void kmem_cache_destroy(struct kmem_cache *c)
{
	if (!c)
		return;
	if (c->active)
		kpanic("kmem_cache_destroy(%s): %llu objects still in use", c->name,
		       (unsigned long long)c->active);
	struct kmem *km = c->km;
	cache_release_all(c);
	kmem_cache_free(km->cache_cache, c);
}

/* ---- kmalloc ---------------------------------------------------------- */

/* Size class of a kmalloc request of 1..4096 bytes: 0 for 8 bytes, 1 for
 * 16, ... 9 for 4096. */
static inline int kmalloc_class(size_t size)
{
	return size <= 8 ? 0 : 61 - __builtin_clzll((unsigned long long)size - 1);
}

static unsigned pages_order(size_t size)
{
	unsigned order = 0;
	while ((PGSIZE << order) < size)
		order++;
	return order;
}

void *kmalloc(struct kmem *km, size_t size)
{
	if (size <= PGSIZE)
		return kmem_cache_alloc(km->kmalloc_caches[kmalloc_class(size)]);
	if (size > (PGSIZE << PA_MAX_ORDER))
		return NULL;
	if (inject_fault(km))
		return NULL;
	uint64_t addr = page_alloc_frames(km->pa, pages_order(size), 0, FO_KERNEL, 0);
	if (!addr)
		return NULL;
	km->large_allocs++;
	return ram_ptr(km->pa->ram, addr);
}

void *kzalloc(struct kmem *km, size_t size)
{
	void *p = kmalloc(km, size);
	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(struct kmem *km, void *p)
{
	if (!p)
		return;
	struct page_alloc *pa = km->pa;
	const uint8_t *q = p;
	if (q < pa->ram->mem || q >= pa->ram->mem + pa->ram->size)
		kpanic("kfree: %p is not in RAM", p);
	uint32_t fn = (uint32_t)((uint64_t)(q - pa->ram->mem) >> PGSHIFT);
	struct frame *f = &pa->frames[fn];
	if (f->owner == FO_KERNEL && (f->flags & FRAME_HEAD) && !((uintptr_t)q & PGMASK)) {
		km->large_frees++;
		page_free_frames(pa, frame_to_pa(pa, fn), f->order);
		return;
	}
	if (f->owner != FO_SLAB)
		kpanic("kfree: %p was not returned by kmalloc", p);
	uint32_t head = (f->flags & FRAME_HEAD) ? fn : f->priv;
	struct kmem_cache *c = cache_by_id[pa->frames[head].owner_id];
	if (!c || !c->is_kmalloc)
		kpanic("kfree: %p belongs to cache %s, not to kmalloc", p, c ? c->name : "?");
	cache_free(c, head, p);
}

size_t ksize(struct kmem *km, const void *p)
{
	struct page_alloc *pa = km->pa;
	uint32_t head = slab_of(km, p);
	if (head != FRAME_NONE)
		return cache_by_id[pa->frames[head].owner_id]->size;
	return (size_t)(PGSIZE << pa_frame(pa, ram_pa(pa->ram, p))->order);
}

/* ---- setup, checks, statistics ---------------------------------------- */

int kmem_init(struct kmem *km, struct page_alloc *pa, bool debug)
{
	memset(km, 0, sizeof(*km));
	km->pa = pa;
	km->debug = debug;
	/* Bootstrap: the cache of caches lives in a page of its own. */
	uint64_t addr = page_alloc_frames(pa, 0, PA_ZERO, FO_KERNEL, 0);
	if (!addr)
		return -ENOMEM;
	struct kmem_cache *cc = ram_ptr(pa->ram, addr);
	if (cache_setup(cc, km, "kmem_cache", sizeof(struct kmem_cache), 8) < 0) {
		page_free_frames(pa, addr, 0);
		return -ENOMEM;
	}
	km->cache_cache = cc;
	static const char *const names[KMALLOC_NCLASSES] = {
		"kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-128",
		"kmalloc-256", "kmalloc-512", "kmalloc-1k", "kmalloc-2k", "kmalloc-4k",
	};
	for (int i = 0; i < KMALLOC_NCLASSES; i++) {
		size_t sz = (size_t)8 << i;
		km->kmalloc_caches[i] = kmem_cache_create(km, names[i], sz, sz < 16 ? sz : 16);
		if (!km->kmalloc_caches[i]) {
			kmem_destroy(km);
			return -ENOMEM;
		}
		km->kmalloc_caches[i]->is_kmalloc = true;
	}
	return 0;
}

void kmem_destroy(struct kmem *km)
{
	struct kmem_cache *cc = km->cache_cache;
	if (!cc)
		return;
	while (km->caches && km->caches != cc) {
		struct kmem_cache *c = km->caches;
		cache_release_all(c);
	}
	/* also any cache behind cc on the list */
	while (cc->next) {
		struct kmem_cache *c = cc->next;
		cache_release_all(c);
	}
	cache_release_all(cc);
	page_free_frames(km->pa, ram_pa(km->pa->ram, cc), 0);
	km->cache_cache = NULL;
	km->caches = NULL;
	memset(km->kmalloc_caches, 0, sizeof km->kmalloc_caches);
}

/* Checks one slab list: membership, counts, free-chain sanity. */
static const char *check_list(const struct kmem_cache *c, uint32_t head, int kind,
			      uint64_t *slabs, uint64_t *active)
{
	static char msg[200];
	struct page_alloc *pa = c->km->pa;
	uint32_t prev = FRAME_NONE;
	uint64_t n = 0;
	for (uint32_t fn = head; fn != FRAME_NONE; fn = pa->frames[fn].next) {
		const struct frame *h = &pa->frames[fn];
		if (fn >= pa->nframes || h->owner != FO_SLAB || h->owner_id != c->id ||
		    !(h->flags & FRAME_HEAD) || h->order != c->order || h->prev != prev ||
		    ++n > pa->nframes) {
			snprintf(msg, sizeof msg, "cache %s: slab list corrupt at frame %u", c->name, fn);
			return msg;
		}
		uint32_t inuse = h->refcount, nfree = 0;
		const uint8_t *base = ram_ptr(pa->ram, frame_to_pa(pa, fn));
		for (uint32_t off = h->priv; off; nfree++) {
			if (nfree > c->per_slab || (off - 1) % c->stride ||
			    (off - 1) / c->stride >= c->per_slab) {
				snprintf(msg, sizeof msg, "cache %s: free chain of slab %u corrupt",
					 c->name, fn);
				return msg;
			}
			memcpy(&off, base + off - 1 + c->obj_off, sizeof off);
		}
		int want = inuse == 0 ? 2 : inuse == c->per_slab ? 1 : 0;
		if (inuse + nfree != c->per_slab || want != kind) {
			snprintf(msg, sizeof msg,
				 "cache %s: slab %u has %u in use + %u free of %u, on the wrong list",
				 c->name, fn, inuse, nfree, c->per_slab);
			return msg;
		}
		*active += inuse;
		prev = fn;
	}
	*slabs += n;
	return NULL;
}

uint64_t kmem_objects_in_use(const struct kmem *km)
{
	uint64_t n = km->large_allocs - km->large_frees;
	for (const struct kmem_cache *c = km->caches; c; c = c->next)
		n += c->active;
	return n;
}

/* Checks a cache's magazine: distinct objects of this cache, each at the
 * start of a slot of a slab in use and not on that slab's free chain. */
static const char *check_mag(const struct kmem_cache *c)
{
	static char msg[200];
	struct page_alloc *pa = c->km->pa;
	if (c->nmag > KMEM_MAG_SIZE || (c->debug && c->nmag)) {
		snprintf(msg, sizeof msg, "cache %s: magazine holds %u objects", c->name, c->nmag);
		return msg;
	}
	for (uint32_t i = 0; i < c->nmag; i++) {
		const uint8_t *obj = c->mag[i];
		uint32_t fn = slab_of(c->km, obj);
		const struct frame *h = fn == FRAME_NONE ? NULL : &pa->frames[fn];
		uint64_t off = 0;
		bool ok = h && h->owner_id == c->id && h->refcount > 0;
		if (ok) {
			off = (uint64_t)(obj - (const uint8_t *)ram_ptr(pa->ram, frame_to_pa(pa, fn)));
			ok = off >= c->obj_off && (off - c->obj_off) % c->stride == 0 &&
			     (off - c->obj_off) / c->stride < c->per_slab;
		}
		for (uint32_t j = 0; ok && j < i; j++)
			ok = c->mag[j] != obj;
		const uint8_t *base = ok ? ram_ptr(pa->ram, frame_to_pa(pa, fn)) : NULL;
		for (uint32_t f = ok ? h->priv : 0, n = 0; f && n <= c->per_slab; n++) {
			if (f - 1 == off - c->obj_off) {
				ok = false;
				break;
			}
			memcpy(&f, base + f - 1 + c->obj_off, sizeof f);
		}
		if (!ok) {
			snprintf(msg, sizeof msg, "cache %s: magazine entry %u (%p) is not a distinct "
				 "allocated object of the cache (double free?)", c->name, i, (const void *)obj);
			return msg;
		}
	}
	return NULL;
}

const char *kmem_check(const struct kmem *km)
{
	static char msg[200];
	for (const struct kmem_cache *c = km->caches; c; c = c->next) {
		const char *me = check_mag(c);
		if (me)
			return me;
		uint64_t slabs = 0, active = 0, empty_slabs = 0;
		const char *e;
		if ((e = check_list(c, c->partial, 0, &slabs, &active)) ||
		    (e = check_list(c, c->full, 1, &slabs, &active)))
			return e;
		if ((e = check_list(c, c->empty, 2, &empty_slabs, &active)))
			return e;
		slabs += empty_slabs;
		if (slabs != c->nslabs || active != c->active + c->nmag || empty_slabs != c->nempty ||
		    cache_by_id[c->id] != c) {
			snprintf(msg, sizeof msg,
				 "cache %s: counters (slabs %llu, active %llu) disagree with lists (%llu, %llu)",
				 c->name, (unsigned long long)c->nslabs, (unsigned long long)c->active,
				 (unsigned long long)slabs, (unsigned long long)active);
			return msg;
		}
	}
	return NULL;
}

void kmem_cache_get_stats(const struct kmem_cache *c, struct kmem_cache_stats *st)
{
	st->name = c->name;
	st->obj_size = c->size;
	st->stride = c->stride;
	st->active = c->active;
	st->total = c->nslabs * c->per_slab;
	st->slabs = c->nslabs;
	st->pages_per_slab = 1u << c->order;
	uint64_t slab_bytes = PGSIZE << c->order;
	st->frag_bytes = c->nslabs * (slab_bytes - (uint64_t)c->per_slab * c->size);
}

void kmem_print(const struct kmem *km, FILE *out)
{
	fprintf(out, "slabinfo:\n  %-16s %8s %8s %7s %6s %6s %10s\n", "cache", "active", "total",
		"objsize", "slabs", "pages", "frag-bytes");
	for (const struct kmem_cache *c = km->caches; c; c = c->next) {
		struct kmem_cache_stats st;
		kmem_cache_get_stats(c, &st);
		if (!st.slabs && !st.active)
			continue;
		fprintf(out, "  %-16s %8llu %8llu %7zu %6llu %6llu %10llu\n", st.name,
			(unsigned long long)st.active, (unsigned long long)st.total, st.obj_size,
			(unsigned long long)st.slabs, (unsigned long long)st.pages_per_slab,
			(unsigned long long)st.frag_bytes);
	}
	fprintf(out, "  kmalloc whole-page blocks: %llu allocated, %llu freed\n",
		(unsigned long long)km->large_allocs, (unsigned long long)km->large_frees);
}

const struct kmem_cache *kmem_cache_next(const struct kmem *km, const struct kmem_cache *c)
{
	return c ? c->next : km->caches;
}
