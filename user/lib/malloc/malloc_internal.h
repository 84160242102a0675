/*
 * malloc_internal.h - block format and allocator state shared by the
 * allocator's files (core, heap, policies, statistics).
 *
 * Every block handed out starts 8 bytes before a 16-aligned payload with one
 * header word, in the heap, in an mmap'ed region and in the buddy arenas:
 *
 *   63         48 47                                  4  3  2  1  0
 *  +-------------+--------------------------------------+-----+--+--+
 *  |   check     |  block size (multiple of 16)         | kind|PI|IU|
 *  +-------------+--------------------------------------+-----+--+--+
 *   IU  in use            PI  previous block in use (boundary-tag heap)
 *   kind 0 heap block, 1 mmap'ed block, 2 offset header of an aligned
 *        block (size = distance back to the real payload), 3 heap block
 *        parked on a quick list (deferred coalescing; still IU)
 *   check = 16 bits hashed from the header's address, its other bits (not
 *        PI, which the neighbour flips) and a per-process secret.  Any
 *        header not written by the allocator fails the check with
 *        probability 1 - 2^-16: free() aborts instead of trusting it.
 *
 * Boundary-tag heap (policies first/next/best/worst/segfit), after Knuth
 * TAOCP 1 §2.5 and dlmalloc: a free block keeps its size in its last word
 * too (the footer), so the next block can find and merge it; an allocated
 * block needs no footer (PI says whether there is a free one before it), so
 * the overhead of an allocated block is 8 bytes:
 *
 *   allocated: [hdr][payload ..........................................]
 *   free:      [hdr][next][prev][ ...unused...                  ][size]
 *   minimum block 32 bytes; payload of a block of size S is S - 8 bytes.
 *
 * A heap segment (a contiguous piece of the break) is
 *   [8 unused][block][block]...[top block][fence hdr: size 0, IU]
 * where the top block is the free space at the end, grown with sbrk and
 * given back when large; it is never on a free list.  The fence of the
 * segment that holds the top is implicit (never written, so growing the
 * break does not fault in its last page); it is written when the top
 * moves on to a new segment.
 */
#ifndef MALLOC_INTERNAL_H
#define MALLOC_INTERNAL_H

#include "malloc_glue.h"
#include "malloc_api.h"

#define MAL_ALIGN	16
#define MAL_HDR		8
#define MAL_MIN		32		/* smallest block */
#define MAL_IU		1ull
#define MAL_PI		2ull
#define MAL_KIND_SHIFT	2
#define MAL_KIND_MASK	(3ull << MAL_KIND_SHIFT)
#define MAL_K_HEAP	0ull
#define MAL_K_MMAP	(1ull << MAL_KIND_SHIFT)
#define MAL_K_OFFSET	(2ull << MAL_KIND_SHIFT)
#define MAL_K_QUICK	(3ull << MAL_KIND_SHIFT)
#define MAL_MMAP_FLAGS	(MAL_IU | MAL_K_MMAP)
#define MAL_SIZE_MASK	0x0000fffffffffff0ull
#define MAL_MAX_REQ	((size_t)1 << 46)	/* larger requests fail: ENOMEM */

#define MAL_NQUICK	32		/* quick lists for blocks 32..512 */
#define MAL_QUICK_MAX	(MAL_NQUICK * 16)
#define MAL_GROW_TOP_MAX (1 << 10)	/* realloc: appends below this size move
					 * a block to the top (malloc_core.c) */
#define MAL_NSEG	64
#define MAL_NBINS	216		/* segregated-fit size classes */
#define MAL_BUDDY_MIN	5		/* 32-byte buddy blocks */
#define MAL_BUDDY_MAX	18		/* 256 KiB arenas */
#define MAL_NCACHE	4		/* cached large regions (malloc_large.c) */
#define MAL_CACHE_AFTER	4		/* large frees before caching starts */

typedef uint64_t mal_word;

/* A free block of the boundary-tag heap or the buddy arenas. */
struct mal_free {
	mal_word hdr;
	struct mal_free *next, *prev;
};

enum mal_fit { FIT_FIRST, FIT_NEXT, FIT_BEST, FIT_WORST, FIT_SEGFIT, FIT_BUDDY };

/* One free-space policy of the boundary-tag heap: an index of free blocks. */
struct mal_index {
	const char *name;
	void (*insert)(struct mal_free *b);
	void (*remove)(struct mal_free *b);
	/* Returns a free block of at least size bytes, still indexed, or 0. */
	struct mal_free *(*find)(size_t size);
	void (*reset)(void);
	/* Calls fn on every indexed block; list is the list number (bins). */
	void (*walk)(void (*fn)(struct mal_free *b, int list, void *arg), void *arg);
};

struct mal_segment {
	uintptr_t start, end;	/* [start, end): start 16-aligned, end the break */
	int from_mmap;
};

/* The end of the part of a segment that blocks may use (16-aligned). */
static inline uintptr_t mal_seg_end(const struct mal_segment *s)
{
	return s->start + ((s->end - s->start) & ~(uintptr_t)15);
}

struct mal_state {
	int ready;
	int fit, ao, deferred;		/* the policy */
	int quick_on;			/* deferred, boundary-tag heap: quick lists */
	int mmap_fixed;			/* the mmap threshold was given (mmap=) */
	size_t mmap_threshold, trim_threshold, top_pad;
	const struct mal_index *index;
	char spec[64];
	uint64_t secret;

	/* heap segments; the last one holds the top block */
	struct mal_segment seg[MAL_NSEG];
	int nseg;
	uintptr_t lo, hi;		/* hull of all segments */
	uintptr_t top;			/* top block (boundary-tag heap), or 0 */
	uintptr_t zero_from;		/* top payload from here on is all zero */

	/* deferred coalescing */
	struct mal_free *quick[MAL_NQUICK + 1];
	size_t nquick;

	/* explicit free list (first/next/best/worst) */
	struct mal_free *list, *rover;
	/* segregated fits */
	struct mal_free *bin[MAL_NBINS];
	uint64_t binmap[(MAL_NBINS + 63) / 64];
	/* buddy */
	uintptr_t buddy_base;		/* offset 0 of arena 0 (8 mod 16) */
	size_t buddy_arenas;
	struct mal_free *bfree[MAL_BUDDY_MAX + 1];

	/* large blocks (malloc_large.c): freed regions kept mapped, and
	 * live regions larger than their request (trimmable slack) */
	struct mal_region { uintptr_t base; size_t len; } cache[MAL_NCACHE], slack[MAL_NCACHE];
	int ncache, nslack;
	size_t cache_bytes, large_freed;

	/* counters */
	size_t heap_bytes, mmap_bytes, mmap_blocks, peak_footprint;
	size_t used_bytes, used_blocks;
	size_t n_malloc, n_free, n_realloc, n_realloc_inplace;
	size_t n_sbrk, n_trim, n_mmap, n_munmap;
};

extern struct mal_state mal;

/* --- header words --------------------------------------------------- */
static inline mal_word mal_check(uintptr_t at, mal_word body)
{
	mal_word x = (at ^ (body & ~MAL_PI & 0x0000ffffffffffffull)) * 0x9e3779b97f4a7c15ull;
	return (x ^ mal.secret) >> 48;
}

/* Returns the header word for a block at address at. */
static inline mal_word mal_hdr(uintptr_t at, size_t size, mal_word flags)
{
	mal_word body = (mal_word)size | flags;
	return body | mal_check(at, body) << 48;
}

static inline int mal_hdr_ok(uintptr_t at, mal_word h)
{
	return (h >> 48) == mal_check(at, h);
}

static inline mal_word *mal_at(uintptr_t a) { return (mal_word *)a; }
static inline size_t mal_size(mal_word h) { return (size_t)(h & MAL_SIZE_MASK); }
static inline mal_word mal_kind(mal_word h) { return h & MAL_KIND_MASK; }

/* Block size for a request of n bytes (n <= MAL_MAX_REQ). */
static inline size_t mal_block_size(size_t n)
{
	size_t s = (n + MAL_HDR + 15) & ~(size_t)15;
	return s < MAL_MIN ? MAL_MIN : s;
}

/* The footprint: brk extent, live large blocks, cached large regions. */
static inline size_t mal_footprint(void)
{
	return mal.heap_bytes + mal.mmap_bytes + mal.cache_bytes;
}

static inline void mal_footprint_changed(void)
{
	size_t f = mal_footprint();
	if (f > mal.peak_footprint)
		mal.peak_footprint = f;
}

/* --- core (malloc_core.c) ------------------------------------------- */
/* Reports "vmos malloc: <what> <ptr>: <why>" on stderr and terminates. */
void mal_fail(const char *what, const void *p, const char *why) __attribute__((noreturn));
void mal_write_str(int fd, const char *s);
/* The invariant checker's report: "malloc_check: <who><why> at <a>" on
 * stderr.  Returns 1, to be added to an error count. */
int mal_check_report(const char *who, const char *why, uintptr_t a);

/* Takes the first block of the quick list for block size `size` (a multiple
 * of 16, at most MAL_QUICK_MAX) and marks it in use; returns its payload, or
 * 0 if the list is empty.  A corrupted list head aborts with a message.
 * Shared by the inline fast path of malloc and the heap's slow path. */
static inline void *mal_quick_take(size_t size)
{
	struct mal_free *q = mal.quick[size >> 4];
	if (!q)
		return 0;
	uintptr_t b = (uintptr_t)q;
	mal_word h = q->hdr;
	/* the check bits, the kind and the size in one comparison */
	if ((h & ~MAL_PI) != mal_hdr(b, size, MAL_IU | MAL_K_QUICK))
		mal_fail("malloc", (void *)(b + 8), "corrupted quick list (write after free?)");
	mal.quick[size >> 4] = q->next;
	mal.nquick--;
	q->hdr = mal_hdr(b, size, MAL_IU | (h & MAL_PI));
	mal.used_bytes += size;
	mal.used_blocks++;
	return (void *)(b + 8);
}
void mal_write_num(int fd, uint64_t v, int hex);

/* --- large blocks (malloc_large.c) ---------------------------------- */
/* Returns the payload of a new large block of n bytes, or 0; *clean: 1
 * when the payload is fresh zeroed memory. */
void *mal_large_alloc(size_t n, int *clean);
/* Frees large block b (header h, checked). */
void mal_large_free(uintptr_t b, mal_word h);
/* Large block b now holds n payload bytes (realloc in place). */
void mal_large_resized(uintptr_t b, size_t n);
/* Makes room before the footprint grows by inc bytes: gives back cached
 * regions and slack so that it stays within its peak where possible. */
void mal_large_reserve(size_t inc);
/* Unmaps every cached region. */
void mal_large_flush(void);
/* Checks the cache; returns the number of problems (printed on fd). */
int mal_large_check(int fd);

/* --- segments (malloc_heap.c) --------------------------------------- */
/* Extends the break by at least inc bytes (a multiple of the page).
 * Returns the start of the new bytes and sets *contig when they continue
 * the last segment; returns 0 when neither sbrk nor mmap give memory. */
uintptr_t mal_seg_grow(size_t inc, int *contig);
/* Gives the last inc bytes of the last segment back; returns 0 or -1. */
int mal_seg_shrink(size_t inc);
/* Gives the last segment back (used when it came out non-contiguous). */
void mal_seg_drop_last(void);
/* Gives all segments back (the heap must hold no block). */
void mal_seg_release_all(void);

/* --- boundary-tag heap (malloc_heap.c) ------------------------------ */
void *mal_bt_alloc(size_t size, uintptr_t *clean_from);
void mal_bt_free(uintptr_t b, mal_word h);
/* A block of size bytes carved from the top when the top holds it without
 * growing the break; 0 otherwise. */
void *mal_bt_alloc_top(size_t size);
int mal_bt_resize(uintptr_t b, mal_word h, size_t size);
void mal_bt_consolidate(void);

/* realloc's fast path: block b (header h, in use, checked) resized to size
 * bytes when that needs no change or only moves the top's start up inside
 * the break.  Returns 1 if done, 0 for mal_bt_resize. */
static inline int mal_bt_resize_fast(uintptr_t b, mal_word h, size_t size)
{
	size_t have = mal_size(h);
	if (size <= have)
		return have - size < MAL_MIN;
	uintptr_t n = b + have;
	if (n != mal.top)
		return 0;
	mal_word nh = *mal_at(n);
	size_t grow = size - have;
	if (!mal_hdr_ok(n, nh) || mal_size(nh) < grow + MAL_MIN)
		return 0;
	uintptr_t t = b + size;
	*mal_at(t) = mal_hdr(t, mal_size(nh) - grow, MAL_PI);
	*mal_at(b) = mal_hdr(b, size, MAL_IU | (h & MAL_PI));
	mal.top = t;
	if (mal.zero_from < t + 8)
		mal.zero_from = t + 8;
	mal.used_bytes += grow;
	return 1;
}
void mal_bt_reset(void);
int mal_bt_check(void);
void mal_bt_dump(int fd);

/* --- buddy arenas (policy_buddy.c) ----------------------------------- */
void *mal_buddy_alloc(size_t n);
void mal_buddy_free(uintptr_t b, mal_word h);
int mal_buddy_resize(uintptr_t b, mal_word h, size_t n);
void mal_buddy_consolidate(void);
void mal_buddy_reset(void);
int mal_buddy_check(void);
void mal_buddy_dump(int fd);
size_t mal_buddy_free_bytes(size_t *blocks);

/* --- free-space indexes (policy_fit.c, policy_segfit.c) -------------- */
extern const struct mal_index mal_index_list;	/* first/next/best/worst */
extern const struct mal_index mal_index_segfit;
/* Doubly linked free lists (Knuth TAOCP 1 §2.2.5) with safe unlinking: the
 * neighbours must point back at the block, else the list was overwritten
 * and the allocator aborts.  Inserts b at the head, or in address order
 * when ao is set (a walk to its place). */
static inline void mal_list_insert(struct mal_free **head, struct mal_free *b, int ao)
{
	struct mal_free *prev = 0, *next = *head;
	if (ao)
		while (next && next < b) {
			prev = next;
			next = next->next;
		}
	b->prev = prev;
	b->next = next;
	if (next)
		next->prev = b;
	if (prev)
		prev->next = b;
	else
		*head = b;
}

static inline void mal_list_unlink(struct mal_free **head, struct mal_free *b)
{
	struct mal_free *next = b->next, *prev = b->prev;
	if ((next && next->prev != b) || (prev ? prev->next != b : *head != b))
		mal_fail("malloc", (char *)b + 8, "corrupted free list (write after free?)");
	if (next)
		next->prev = prev;
	if (prev)
		prev->next = next;
	else
		*head = next;
}

#endif
