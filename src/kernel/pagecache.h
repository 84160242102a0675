/*
 * pagecache.h - the page cache: the pages of files and of shared memory, as
 * frames in simulated RAM shared by every process that maps them and by
 * read()/write().
 *
 * A vm_object is one file's (or one shared-memory segment's) pages.  Its
 * pager (struct pager_ops) says where the bytes come from and go to: an
 * executable image's bytes read at open ("image"), a host file ("hostfs"),
 * nothing at all for tmpfs and MAP_SHARED|MAP_ANONYMOUS memory ("tmpfs",
 * "shmem": swap-backed, their written pages go to swap under pressure).
 * The object's page table maps a page index to where the page is now:
 *
 *     index -> absent | frame PA (+ dirty) | swap slot (swap-backed pages)
 *
 * kept as a radix tree of 512-entry nodes (it grows with the file; a
 * sparse tmpfs file costs only the nodes it touches).
 *
 * Frames.  A cached page is an FO_FILE frame (owner_id = the object's id,
 * priv = the page index) holding one reference for the cache plus one per
 * PTE that maps it (shared mappings, and private mappings until their first
 * write copies the page).  Every cached frame is resident for the
 * replacement policy from the moment it enters the cache, mapped or not,
 * under its own key (pagecache_key: object id and index, bit 63 set, never
 * a (pid, va) key), so the policy sees file and anonymous pages alike and
 * the frame limit (--frames) bounds both.  Evicting a cache page takes it
 * out of every mapping (the reverse map), then drops it if clean, writes it
 * back if the pager can, or writes it to swap (swap-backed objects).
 *
 * Lifetime: an object is reference counted (open files, mapped regions -
 * one reference per vm_region -, exec images); at zero its pages are freed
 * and the pager's release is called.
 */
#ifndef VMOS_KERNEL_PAGECACHE_H
#define VMOS_KERNEL_PAGECACHE_H

#include "kernel.h"

#include <stddef.h>
#include <stdint.h>

struct proc;
struct vm_object;                 /* a file's (or shared memory's) pages */

struct pager_ops {
	const char *name;         /* "hostfs", "tmpfs", "shmem", "image", ... (stats, /proc) */
	/* Fills dst (PGSIZE bytes: the host pointer of a frame) with bytes
	 * [index*PGSIZE, (index+1)*PGSIZE) of the object, zero past o->size.
	 * 0 or -errno.  NULL: a page not yet in the cache starts as zeros (tmpfs, shmem). */
	int (*read_page)(struct kernel *k, struct vm_object *o, uint64_t index, uint8_t *dst);
	/* Optional (NULL: no read-ahead): read_page for the n (1..PAGECACHE_RA_MAX)
	 * consecutive pages from index into dst[0..n-1], at once (one host
	 * request).  0 or -errno. */
	int (*read_pages)(struct kernel *k, struct vm_object *o, uint64_t index, unsigned n,
			  uint8_t *const *dst);
	/* Writes a dirty page back.  NULL: the object is swap-backed (tmpfs,
	 * shmem): under memory pressure its dirty pages go to swap, never lost. */
	int (*write_page)(struct kernel *k, struct vm_object *o, uint64_t index, const uint8_t *src);
	/* The last reference went: free priv's side (may be NULL). */
	void (*release)(struct kernel *k, struct vm_object *o);
	/* Optional (may be NULL): writes a name for the object into buf (n
	 * bytes), for --maps and /proc/PID/maps: a path such as "/bin/ls",
	 * "/dev/zero (deleted)".  Without it the maps show "[<name>]". */
	void (*describe)(struct kernel *k, struct vm_object *o, char *buf, size_t n);
};

struct vm_object {
	const struct pager_ops *ops;
	void *priv;               /* the inode, the exec image, ... */
	uint64_t size;            /* bytes */
	int refs;                 /* open files, mappings, images */
	uint64_t dev, ino;        /* the file's identity as stat() gives it, for
	                             /proc/PID/maps (its creator sets them; 0:
	                             anonymous memory) */
	/* the rest is pagecache.c's */
	struct kernel *kernel;    /* the machine (vm_map drops region references) */
	uint32_t id;              /* index in the kernel's object table (frame owner_id) */
	int height;               /* levels of the radix tree (0: empty) */
	void *root;               /* radix tree node (uint64_t[512] leaf or void*[512]) */
	uint64_t nframes;         /* pages in frames */
	uint64_t nswapped;        /* pages in swap slots */
	uint64_t ndirty;          /* frames marked dirty (PTE D bits not counted until folded) */
	uint32_t ra_next;         /* read-ahead: the page a sequential reader misses next */
	uint32_t ra_win;          /* read-ahead: the last window, in pages (0: none yet) */
};

/* Read-ahead (objects whose pager has read_pages: host files).  A miss
 * reads a window of pages that starts at the missing one, in one host
 * request: PAGECACHE_RA_INIT pages, doubled by every miss that continues
 * where the last window ended (a sequential reader, through read() or a
 * mapping), up to cfg.readahead (default PAGECACHE_RA_MAX: 128 KiB, Linux's
 * read_ahead_kb).  The window stops at the file's end, at a page already
 * cached or in swap, and where memory would have to be reclaimed: read-ahead
 * only ever takes free frames, never evicts.  The pages read ahead count as
 * read in (file_pages_read) and as read ahead (file_pages_readahead); an
 * access that finds one is a hit. */
#define PAGECACHE_RA_INIT 4
#define PAGECACHE_RA_MAX 32

/* The largest object: page indexes fit in 32 bits (frame.priv, policy keys). */
#define VM_OBJECT_MAX_BYTES (1ULL << 44)

struct vm_object *vm_object_create(struct kernel *k, const struct pager_ops *ops, void *priv,
				   uint64_t size);                 /* NULL if out of memory */
void vm_object_ref(struct vm_object *o);
void vm_object_put(struct kernel *k, struct vm_object *o);
/* The frame that holds page `index` of o, read in on a miss (on behalf of p, which may be
 * NULL); the cache keeps its own reference.  0 with *err (-ENOMEM, -EIO, ...) on failure. */
uint64_t pagecache_get(struct kernel *k, struct proc *p, struct vm_object *o, uint64_t index,
		       int *err);
/* read()/write() through the cache: copy n bytes at offset off to/from a kernel buffer.
 * Reads stop at o->size (return bytes copied); writes extend o->size and mark pages dirty. */
int64_t pagecache_read(struct kernel *k, struct proc *p, struct vm_object *o, uint64_t off,
		       void *kbuf, size_t n);
int64_t pagecache_write(struct kernel *k, struct proc *p, struct vm_object *o, uint64_t off,
			const void *kbuf, size_t n);
/* ftruncate: new size; pages wholly past it leave the cache and every mapping (a later touch
 * of them through a MAP_SHARED mapping is past EOF); the partial last page is zeroed past it. */
int vm_object_truncate(struct kernel *k, struct vm_object *o, uint64_t size);
/* fsync/msync: write back dirty pages (no-op for swap-backed objects).  0 or -errno. */
int vm_object_sync(struct kernel *k, struct vm_object *o);

/* ---- additions beyond the contract ------------------------------------------ */

/* A new swap-backed object of size bytes whose pages start as zeros (MAP_SHARED|
 * MAP_ANONYMOUS memory, pager "shmem").  NULL if out of memory. */
struct vm_object *vm_object_shmem(struct kernel *k, uint64_t size);
/* vm_object_sync for the byte range [off, off + len) only. */
int vm_object_sync_range(struct kernel *k, struct vm_object *o, uint64_t off, uint64_t len);
/* Drops the clean, unmapped cached pages of [off, off + len) (msync
 * MS_INVALIDATE, posix_fadvise DONTNEED): the next access reads them again. */
void vm_object_invalidate(struct kernel *k, struct vm_object *o, uint64_t off, uint64_t len);
/* Writes o's name (pager describe, else "[name]") into buf. */
void vm_object_describe(struct kernel *k, struct vm_object *o, char *buf, size_t n);

/* The frame caching page index of o if it is in a frame now, else 0 (no
 * read-in, no swap-in). */
uint64_t pagecache_lookup(struct kernel *k, struct vm_object *o, uint64_t index);
/* The object and page index a page-cache (FO_FILE) frame caches; NULL if
 * pa is not a cached frame. */
struct vm_object *pagecache_frame_object(struct kernel *k, uint64_t pa, uint64_t *index);
/* A mapping that wrote page-cache frame pa (its PTE's D bit) is going
 * away: the cached page is dirty from now on. */
void pagecache_frame_dirty(struct kernel *k, uint64_t pa);

/* Gauges of the whole cache, computed by a walk (for --stats, /proc/meminfo). */
struct pagecache_info {
	uint64_t objects;         /* live vm_objects */
	uint64_t cached;          /* pages in frames */
	uint64_t mapped;          /* ... of them mapped by at least one PTE */
	uint64_t shared;          /* ... mapped by more than one PTE */
	uint64_t dirty;           /* ... dirty (written, not yet written back or swapped) */
	uint64_t swapped;         /* pages of swap-backed objects in swap */
	uint64_t shmem;           /* pages (cached) of swap-backed objects */
};
void pagecache_info(struct kernel *k, struct pagecache_info *info);

/* ---- for the kernel's own rooms (boot, frame, swap, checker) ---------------- */

/* The replacement-policy key of page index of object id: bit 63 set, so it
 * never equals a (pid, va) key of rmap.h. */
#define PAGECACHE_KEY_BIT (1ULL << 63)
static inline uint64_t pagecache_key(uint32_t id, uint64_t index)
{
	return PAGECACHE_KEY_BIT | ((uint64_t)id << 32) | (index & 0xffffffffULL);
}
static inline bool pagecache_is_key(uint64_t key) { return (key & PAGECACHE_KEY_BIT) != 0; }

/* Boot and shutdown: the object cache and table.  0 or -ENOMEM. */
int pagecache_init(struct kernel *k);
void pagecache_shutdown(struct kernel *k);
/* The frame of the cached page under policy key (kpanics if none). */
uint64_t pagecache_key_frame(struct kernel *k, uint64_t key);
/* Evicts the cached page under key, which the policy chose (the key is
 * already out of the policy; frame.c has checked that the faulting
 * instruction does not need it): out of every mapping, then dropped if
 * clean, written back by the pager, or written to swap (swap-backed).
 * Returns 0, or -ENOMEM (swap full, or the write-back failed) with the page
 * left as it was (the caller gives it back to the policy). */
int pagecache_evict(struct kernel *k, uint64_t key);
/* CLOCK's reference test for a page-cache key: any mapping's A bit, or a
 * read()/write() since the last test; clears them. */
bool pagecache_test_clear_ref(struct kernel *k, uint64_t key);
/* The checker: adds the cache's reference to refs[frame number] for every
 * cached frame, and checks that each cached frame is an FO_FILE frame of
 * its object and index, listed once, with its policy key; that swap slots
 * held by objects are in use (adds them to swap_refs[slot] if not NULL).
 * NULL if consistent. */
const char *pagecache_check(struct kernel *k, uint32_t *refs, uint32_t *swap_refs);
/* pagecache_check(k, NULL, seen): for swap_check. */
const char *pagecache_check_swap(struct kernel *k, uint32_t *seen);

#endif
