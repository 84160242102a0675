/*
 * vm_map.h - the regions of an address space (machine independent).
 *
 * An address space is an ordered set of non-overlapping, page-aligned
 * regions [start, end), each with a protection, a kind and a backing: an
 * object (an executable image) at an offset, or anonymous zero-fill memory.
 * It knows nothing of page tables: the VM layer keeps pmap in step.
 *
 * Representation: region records come from a slab cache; the map keeps an
 * array of pointers to them sorted by start address, so lookup is a binary
 * search (O(log n)) and in-order iteration is trivial; insert and remove
 * move pointers (O(n) word moves, n being the number of regions - a few
 * dozen for real programs).
 */
#ifndef VMOS_KERNEL_VM_MAP_H
#define VMOS_KERNEL_VM_MAP_H

#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include "slab.h"

enum vm_kind { VMK_TEXT, VMK_RODATA, VMK_DATA, VMK_BSS, VMK_HEAP, VMK_STACK, VMK_ANON, VMK_VDSO,
	       VMK_NKINDS };

struct vm_region {
	uint64_t start, end;      /* page aligned, start < end */
	uint32_t prot;            /* VM_PROT_* */
	enum vm_kind kind;
	void *object;             /* backing object, NULL = anonymous */
	uint64_t obj_offset;      /* offset in object of `start` */
	uint64_t file_end;        /* VA below which bytes come from the object */
	uint32_t index;           /* position in the map (private) */
};

struct vm_map {
	struct kmem *km;
	struct kmem_cache *cache;
	struct vm_region **v;     /* sorted by start */
	uint32_t n, cap;
	uint64_t min, max;        /* the user range regions may occupy */
};

/* Creates the cache of region records every map of this kmem shares (at
 * boot, so it is not mistaken for a leak later).  Returns 0 or -ENOMEM. */
int vm_map_bootstrap(struct kmem *km);

/* Sets up an empty map for [min, max).  Returns 0 or -ENOMEM. */
int vm_map_init(struct vm_map *map, struct kmem *km, uint64_t min, uint64_t max);
/* Frees every region record and the map's storage. */
void vm_map_destroy(struct vm_map *map);

/* The region containing va, or NULL. */
struct vm_region *vm_map_lookup(const struct vm_map *map, uint64_t va);
/* The first region starting at or above va, or NULL. */
struct vm_region *vm_map_next_after(const struct vm_map *map, uint64_t va);
struct vm_region *vm_map_first(const struct vm_map *map);
struct vm_region *vm_map_next(const struct vm_map *map, const struct vm_region *r);

/* Inserts [start, end) with the given attributes.  Returns 0 (and *out if
 * out != NULL), -EINVAL for a misaligned, empty or out-of-range request,
 * -EEXIST if it overlaps a region, -ENOMEM if out of memory; the map is
 * unchanged on failure. */
int vm_map_insert(struct vm_map *map, uint64_t start, uint64_t end, uint32_t prot,
		  enum vm_kind kind, void *object, uint64_t obj_offset, uint64_t file_end,
		  struct vm_region **out);

/* Splits regions so that start and end are region boundaries (where a
 * region spans them).  Returns 0 or -ENOMEM; on failure the map is
 * consistent (some splits may have happened; that changes no semantics). */
int vm_map_clip(struct vm_map *map, uint64_t start, uint64_t end);

/* Removes and frees region r. */
void vm_map_remove_region(struct vm_map *map, struct vm_region *r);

/* Finds a free range of len bytes inside [lo, hi): the lowest (or with
 * topdown the highest).  Returns 0 and *addr, or -ENOMEM. */
int vm_map_find_gap(const struct vm_map *map, uint64_t len, uint64_t lo, uint64_t hi,
		    bool topdown, uint64_t *addr);

/* Merges r with its neighbours where they touch and have the same
 * attributes and compatible backing.  r may be freed; NULL is ignored. */
void vm_map_try_merge(struct vm_map *map, struct vm_region *r);

/* NULL if the map is consistent (ordered, disjoint, aligned, indexed),
 * else a message. */
const char *vm_map_check(const struct vm_map *map);

/* Short name of a kind ("text", "heap", ...). */
const char *vm_kind_name(enum vm_kind kind);

#endif
