/*
 * vm_map.h - the regions of an address space (machine independent).
 *
 * An address space is an ordered set of non-overlapping, page-aligned
 * regions [start, end), each with a protection, a kind and a backing: an
 * object (an executable image) at an offset, or anonymous zero-fill memory.
 * It knows nothing of page tables: the VM layer keeps pmap in step (the
 * Mach / FreeBSD vm_map over pmap split).
 *
 * Representation: an AVL tree of region records ordered by start (Adelson-
 * Velsky and Landis 1962; Knuth TAOCP vol. 3, 6.2.3), each node with a
 * parent pointer, and threaded through the same records a doubly linked
 * list in address order.  The tree gives lookup, insert and remove in
 * O(log n) worst case; the list gives first/last/next/prev in O(1), which is
 * what munmap, mprotect, fork and the fault path iterate with.  AVL rather
 * than red-black: the height bound is tighter (1.44 log2 n against 2 log2 n)
 * and maps are read (every page fault) far more often than changed, and the
 * height field makes the balance check of vm_map_check direct.  A record
 * never moves once allocated, so a region pointer stays valid until that
 * region is removed, merged away or the map destroyed - clip never frees.
 *
 * Region records come from one slab cache, "vm_region", shared by every map
 * of a kernel.  The same backing rule holds everywhere: for a region with an
 * object, the byte at va (start <= va < file_end) is byte
 * obj_offset + (va - start) of the object and [file_end, end) is zero fill;
 * for an anonymous region (object == NULL) file_end == start and obj_offset
 * is 0.
 */
#ifndef VMOS_KERNEL_VM_MAP_H
#define VMOS_KERNEL_VM_MAP_H

#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include "slab.h"
#include "vm_prot.h"

enum vm_kind { VMK_TEXT, VMK_RODATA, VMK_DATA, VMK_BSS, VMK_HEAP, VMK_STACK, VMK_ANON, VMK_VDSO, VMK_VVAR,
	       VMK_NKINDS };

/* vm_region.flags: free for the VM layer; regions merge only when equal. */
#define VMR_GROWSDOWN 0x1        /* a stack that grows on faults below it */
#define VMR_SHARED    0x2        /* MAP_SHARED: writes go to the object's pages */
#define VMR_HUGEPAGE  0x4        /* madvise(MADV_HUGEPAGE): superpages wanted (thp.h) */
#define VMR_NOHUGEPAGE 0x8       /* madvise(MADV_NOHUGEPAGE): never superpages */

struct vm_object;                /* pagecache.h */

struct vm_region {
	uint64_t start, end;      /* page aligned, start < end */
	uint32_t prot;            /* VM_PROT_* (vm_prot.h) */
	uint32_t maxprot;         /* the most mprotect may grant: VM_PROT_ALL by default */
	enum vm_kind kind;
	uint32_t flags;           /* VMR_* */
	struct vm_object *object; /* backing object (one reference per region), NULL = anonymous */
	uint64_t obj_offset;      /* offset in object of `start` */
	uint64_t file_end;        /* VA below which bytes come from the object */
	/* private: the AVL tree and the address-ordered list */
	struct vm_region *left, *right, *parent;
	struct vm_region *prev, *next;
	int height;               /* of the subtree rooted here; a leaf is 1 */
};

struct vm_map {
	struct kmem *km;
	struct kmem_cache *cache; /* "vm_region", shared by all maps */
	struct vm_region *root;
	struct vm_region *first, *last;
	uint64_t nregions;
	uint64_t size, size_peak; /* bytes the regions cover, now and at most (VmSize, VmPeak) */
	uint64_t min, max;        /* the user range regions may occupy */
};

/* Creates the cache of region records that every map of this kmem shares
 * (at boot, so it is not mistaken for a leak later).  Returns 0 or -ENOMEM. */
int vm_map_bootstrap(struct kmem *km);

/* Sets up an empty map for [min, max) (page aligned, min < max), finding or
 * creating the kernel's "vm_region" cache.  Returns 0, -EINVAL for a bad
 * range, or -ENOMEM. */
int vm_map_init(struct vm_map *map, struct kmem *km, uint64_t min, uint64_t max);
/* Frees every region record; the map is empty (and may be reused) after. */
void vm_map_destroy(struct vm_map *map);

/* The region containing va, or NULL.  O(log n). */
static inline struct vm_region *vm_map_lookup(const struct vm_map *map, uint64_t va)
{
	struct vm_region *n = map->root;       /* inline: every page fault asks */
	while (n) {
		if (va < n->start)
			n = n->left;
		else if (va >= n->end)
			n = n->right;
		else
			return n;
	}
	return NULL;
}
/* The first region starting at or above va, or NULL.  O(log n). */
struct vm_region *vm_map_next_after(const struct vm_map *map, uint64_t va);
/* In-order iteration, O(1) each: the lowest / highest region, the region
 * after / before r (NULL at the ends). */
struct vm_region *vm_map_first(const struct vm_map *map);
struct vm_region *vm_map_last(const struct vm_map *map);
struct vm_region *vm_map_next(const struct vm_map *map, const struct vm_region *r);
struct vm_region *vm_map_prev(const struct vm_map *map, const struct vm_region *r);

/* Inserts [start, end) with the given attributes (maxprot VM_PROT_ALL,
 * flags 0: set them on the result).  For an object-backed region file_end
 * must lie in [start, end]; for an anonymous one it is ignored.  Returns 0
 * (and *out if out != NULL), -EINVAL for a misaligned, empty or out-of-range
 * request or a bad file_end, -EEXIST if it overlaps a region, -ENOMEM if
 * out of memory; the map is unchanged on failure.  The region takes a
 * reference to object; every record that holds it later (split halves)
 * does too, and removing, merging away or destroying drops it.  O(log n). */
int vm_map_insert(struct vm_map *map, uint64_t start, uint64_t end, uint32_t prot,
		  enum vm_kind kind, struct vm_object *object, uint64_t obj_offset, uint64_t file_end,
		  struct vm_region **out);

/* Splits regions so that start and end (page aligned) are region
 * boundaries wherever a region spans them (FreeBSD vm_map_clip_start/end).
 * The upper part of a split is a new record with the backing fields
 * carried over (obj_offset advanced, file_end divided); the lower part keeps
 * its record, so pointers to it stay valid.  Returns 0, -EINVAL for an
 * unaligned or reversed range, or -ENOMEM with the map unchanged (both
 * records are allocated before anything is split). */
int vm_map_clip(struct vm_map *map, uint64_t start, uint64_t end);

/* Removes region r from the map and frees its record.  O(log n). */
void vm_map_remove_region(struct vm_map *map, struct vm_region *r);

/* Finds a free range of len bytes (len > 0) inside [lo, hi) intersected with
 * the map's range: the lowest, or with topdown the highest.  Returns 0 and
 * *addr (page aligned if lo, hi and len are), or -ENOMEM if there is none.
 * O(log n + gaps visited): a linear walk of the gaps in the window. */
int vm_map_find_gap(const struct vm_map *map, uint64_t len, uint64_t lo, uint64_t hi,
		    bool topdown, uint64_t *addr);

/* Merges r with its neighbours where they touch and have the same prot,
 * maxprot, kind and flags and compatible backing: both anonymous, or the
 * same object at contiguous offsets with no zero fill between the two file
 * parts.  Returns the region now holding r's range (r itself or its
 * predecessor, r being freed); NULL is ignored and returned. */
struct vm_region *vm_map_try_merge(struct vm_map *map, struct vm_region *r);

/* NULL if the map is consistent, else a message naming the first broken
 * rule: order, disjointness, alignment, range, backing fields, tree links,
 * heights and AVL balance, list links, first/last and the count. */
const char *vm_map_check(const struct vm_map *map);

/* Prints one line per region, like /proc/PID/maps:
 *   0000000000010000-0000000000011000 r-xp 00000000 text
 * (start-end, permissions, offset in the object, kind; "file_end" for a
 * region whose file part ends before its end). */
void vm_map_print(const struct vm_map *map, FILE *out);

/* Short name of a kind ("text", "heap", ...). */
const char *vm_kind_name(enum vm_kind kind);

#endif
