/*
 * slab.h - the kernel's small-object allocator: object caches in the style of
 * Bonwick's slab allocator (USENIX 1994), and kmalloc size classes over them.
 *
 * A cache hands out objects of one size.  It owns slabs - blocks of one or
 * more page frames from page_alloc - each cut into objects, with its free
 * objects on a list threaded through the free objects themselves.  Slabs are
 * on one of three lists: partial (some objects free), full, empty.  Alloc
 * takes from a partial slab (else an empty one, else a new slab); free puts
 * the object back on its slab's list, found in O(1) from the frame metadata.
 * Empty slabs beyond a small reserve go back to page_alloc.
 */
#ifndef VMOS_KERNEL_SLAB_H
#define VMOS_KERNEL_SLAB_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include "page_alloc.h"

struct kmem_cache;
struct kmem;

/* Creates a cache of objects of size bytes aligned to align (a power of two,
 * 0 for the default of 8).  Returns NULL if out of memory or the size is
 * larger than a slab can hold.  The name is copied. */
struct kmem_cache *kmem_cache_create(struct kmem *km, const char *name, size_t size,
				     size_t align);
/* Returns an object, or NULL if out of memory (or a fault was injected). */
void *kmem_cache_alloc(struct kmem_cache *c);
/* Same, zero-filled. */
void *kmem_cache_zalloc(struct kmem_cache *c);
/* Frees an object of this cache; NULL is ignored.  Debug builds detect a
 * pointer that is not an allocated object of this cache. */
void kmem_cache_free(struct kmem_cache *c, void *obj);
/* The cache named name, or NULL. */
struct kmem_cache *kmem_cache_find(struct kmem *km, const char *name);
/* Destroys a cache: all its objects must have been freed. */
void kmem_cache_destroy(struct kmem_cache *c);
/* Gives back what the cache holds for speed: the objects in its magazine
 * go back to their slabs and empty slabs go back to the page allocator. */
void kmem_cache_shrink(struct kmem_cache *c);
/* kmem_cache_shrink of every cache (what a kernel does under memory pressure). */
void kmem_shrink(struct kmem *km);

/* kmalloc: size classes 8..4096 bytes, whole pages above that.
 * kmalloc(0) returns a unique pointer that may be passed to kfree; kfree(NULL)
 * does nothing.  Returns NULL if out of memory. */
void *kmalloc(struct kmem *km, size_t size);
void *kzalloc(struct kmem *km, size_t size);
void kfree(struct kmem *km, void *p);
/* Usable size of a kmalloc'd block. */
size_t ksize(struct kmem *km, const void *p);

/* The allocator state. Lives in host memory only until kmem_init has carved
 * its own storage from RAM; the struct itself belongs to the caller. */
#define KMALLOC_NCLASSES 10       /* 8, 16, 32, ... 4096 */
struct kmem {
	struct page_alloc *pa;
	struct kmem_cache *caches;      /* list of all caches */
	struct kmem_cache *cache_cache; /* the cache of struct kmem_cache */
	struct kmem_cache *kmalloc_caches[KMALLOC_NCLASSES];
	uint64_t large_allocs, large_frees; /* kmalloc blocks of whole pages */
	uint32_t next_cache_id;
	bool debug;                     /* poison + redzones + free checks */
	struct alloc_faults *faults;
};

/* Sets up kmem over pa.  debug turns on poisoning, redzones and free
 * checks.  Returns 0 or -ENOMEM. */
int kmem_init(struct kmem *km, struct page_alloc *pa, bool debug);
/* Frees every cache (leaked objects included).  For tests and shutdown. */
void kmem_destroy(struct kmem *km);

/* Objects allocated and not freed, over every cache, plus whole-page
 * kmalloc blocks: the leak check at test boundaries compares it. */
uint64_t kmem_objects_in_use(const struct kmem *km);

/* Checks every cache's invariants.  NULL if all hold, else a message. */
const char *kmem_check(const struct kmem *km);
/* Prints a /proc/slabinfo-like table. */
void kmem_print(const struct kmem *km, FILE *out);

/* Per-cache statistics (for the table and for tests). */
struct kmem_cache_stats {
	const char *name;
	size_t obj_size;        /* requested */
	size_t stride;          /* bytes per object in the slab, redzones included */
	uint64_t active, total; /* objects */
	uint64_t slabs, pages_per_slab;
	uint64_t frag_bytes;    /* lost to padding and unused slab tails */
};
void kmem_cache_get_stats(const struct kmem_cache *c, struct kmem_cache_stats *st);
/* Iterates over every cache of km in kmem_print's order: the first when c
 * is NULL, else the one after c; NULL at the end. */
const struct kmem_cache *kmem_cache_next(const struct kmem *km, const struct kmem_cache *c);

#endif
