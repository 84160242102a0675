/*
 * malloc_api.h - the vmos allocator's interface beyond the C standard.
 *
 * The standard calls (malloc, free, calloc, realloc, reallocarray,
 * posix_memalign, aligned_alloc, memalign, valloc, pvalloc,
 * malloc_usable_size) have their usual meaning.  Built with
 * -DMALLOC_PREFIX=vm_ every public name gets that prefix (vm_malloc,
 * vm_malloc_set_policy, ...), so one test or benchmark program can hold the
 * vmos allocator next to the host's malloc.
 *
 * Policy specification (VMOS_MALLOC or malloc_set_policy), comma separated:
 *   first | next | best | worst | segfit | buddy    the free-space policy
 *   ao | lifo                  order of the explicit free lists
 *   immediate | deferred       coalescing: at free, or delayed (quick lists)
 *   mmap=BYTES  trim=BYTES  pad=BYTES     thresholds (K and M suffixes)
 * Words left out take their defaults (segfit,lifo,deferred, mmap=1M,
 * trim=1M, pad=128K).  Example: VMOS_MALLOC=best,ao   or   VMOS_MALLOC=buddy
 */
#ifndef MALLOC_API_H
#define MALLOC_API_H

#include <stddef.h>

#ifdef MALLOC_PREFIX
#define MALLOC_CAT2_(a, b) a##b
#define MALLOC_CAT_(a, b) MALLOC_CAT2_(a, b)
#define MALLOC_API(name) MALLOC_CAT_(MALLOC_PREFIX, name)
#else
#define MALLOC_API(name) name
#endif

/* A mallinfo-like snapshot; every size in bytes. */
struct malloc_statistics {
	const char *policy;	/* e.g. "segfit,lifo,deferred" */
	size_t heap_bytes;	/* the brk extent the allocator holds now */
	size_t heap_segments;	/* contiguous pieces of it */
	size_t mmap_bytes;	/* live mmap'ed large blocks */
	size_t mmap_blocks;
	size_t mmap_cached;	/* freed large blocks kept mapped for reuse */
	size_t footprint;	/* heap_bytes + mmap_bytes + mmap_cached */
	size_t peak_footprint;	/* maximum of footprint since the last reset */
	size_t used_bytes;	/* heap blocks in use, headers included */
	size_t used_blocks;
	size_t free_bytes;	/* free heap blocks, top included */
	size_t free_blocks;
	size_t top_bytes;	/* the free block at the end of the heap */
	size_t quick_blocks;	/* freed, waiting for deferred coalescing */
	size_t n_malloc, n_free, n_realloc, n_realloc_inplace;
	size_t n_sbrk, n_trim, n_mmap, n_munmap;
};

/* Applies a policy specification (above).  Returns 0, or -1 if the text is
 * not a valid specification or heap blocks are still allocated (the heap is
 * rebuilt empty for the new policy, so it can only change while empty). */
int MALLOC_API(malloc_set_policy)(const char *spec);
/* The current specification, normalised, e.g. "best,ao,immediate". */
const char *MALLOC_API(malloc_get_policy)(void);
/* Fills *st (walks the free structures: O(free blocks)). */
void MALLOC_API(malloc_statistics)(struct malloc_statistics *st);
/* Restarts the peak footprint at the current footprint. */
void MALLOC_API(malloc_reset_peak)(void);
/* Writes a readable dump of the heap and its free lists to fd. */
void MALLOC_API(malloc_dump)(int fd);
/* Walks the whole heap checking every invariant (headers, boundary tags,
 * free lists against blocks, no missed coalescing).  Returns 0 when
 * consistent, else the number of problems (each reported on stderr). */
int MALLOC_API(malloc_check)(void);

void *MALLOC_API(malloc)(size_t n);
void MALLOC_API(free)(void *p);
void *MALLOC_API(calloc)(size_t n, size_t size);
void *MALLOC_API(realloc)(void *p, size_t n);
void *MALLOC_API(reallocarray)(void *p, size_t n, size_t size);
int MALLOC_API(posix_memalign)(void **out, size_t align, size_t n);
void *MALLOC_API(aligned_alloc)(size_t align, size_t n);
void *MALLOC_API(memalign)(size_t align, size_t n);
void *MALLOC_API(valloc)(size_t n);
void *MALLOC_API(pvalloc)(size_t n);
size_t MALLOC_API(malloc_usable_size)(void *p);

#endif
