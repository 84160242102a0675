/*
 * malloc_large.c - large blocks (from the mmap threshold on): one mapping
 * each, and a small cache of freed mappings.
 *
 * A large block is [offset word = 16][hdr: size = mapping length, MMAP|IU]
 * [payload] at the start of its own anonymous mapping (mmap(2)).  Mapping
 * and unmapping per block costs two system calls and a page fault, which
 * dominates programs that churn blocks of 128 KiB - 1 MiB (glibc answers
 * by raising its mmap threshold and keeping such blocks in its heap, which
 * costs it fragmentation).  Here, once a program has freed MAL_CACHE_AFTER
 * large blocks, freed mappings are kept (at most MAL_NCACHE, oldest given
 * back first) and the next large request takes the smallest one that is
 * long enough, as it is: no system call.
 *
 * The footprint (brk extent + live mappings + cached mappings) must not
 * grow because of the cache.  Two rules keep it at or under the peak the
 * program reached without it:
 *   - cached regions are counted, and before the footprint grows (heap
 *     sbrk, a new mapping) past its peak they are given back first
 *     (mal_large_reserve), oldest first;
 *   - a reused region longer than its request remembers its slack (the
 *     unneeded tail, at most MAL_NCACHE such regions; beyond that the tail
 *     is unmapped at once) and the tail is unmapped in the same way before
 *     the footprint would pass the peak.
 * So the peak never grows for the cache's sake; what it buys is memory the
 * program has already shown it uses (a bounded number of mappings).
 *
 * A cached region's header says MMAP, not in use: free() of a stale pointer
 * to it reports a double free, as for any freed block.
 */
#include "malloc_internal.h"



static size_t map_len(size_t n)
{
	return (n + 16 + GLUE_PAGE - 1) & ~(size_t)(GLUE_PAGE - 1);
}

/* Gives the tail of live region s[i] beyond its needed length back. */
static void trim_slack(int i)
{
	struct mal_region r = mal.slack[i];
	mal.slack[i] = mal.slack[--mal.nslack];
	uintptr_t b = r.base + 8;
	size_t len = mal_size(*mal_at(b));
	glue_munmap((void *)(r.base + r.len), len - r.len);
	*mal_at(b) = mal_hdr(b, r.len, MAL_MMAP_FLAGS);
	mal.mmap_bytes -= len - r.len;
	mal.n_munmap++;
}

/* Unmaps cached region i. */
static void drop_cached(int i)
{
	struct mal_region r = mal.cache[i];
	for (int j = i + 1; j < mal.ncache; j++)
		mal.cache[j - 1] = mal.cache[j];
	mal.ncache--;
	*mal_at(r.base + 8) = 0;
	glue_munmap((void *)r.base, r.len);
	mal.cache_bytes -= r.len;
	mal.n_munmap++;
}

void mal_large_reserve(size_t inc)
{
	size_t limit = mal.peak_footprint;
	while (mal.ncache && mal_footprint() + inc > limit)
		drop_cached(0);
	while (mal.nslack && mal_footprint() + inc > limit)
		trim_slack(mal.nslack - 1);
}

void mal_large_flush(void)
{
	while (mal.ncache)
		drop_cached(0);
	mal.nslack = 0;
	mal.large_freed = 0;
}

/* Takes the smallest cached region of at least len bytes; returns its
 * base, or 0. */
static uintptr_t from_cache(size_t len)
{
	int best = -1;
	for (int i = 0; i < mal.ncache; i++)
		if (mal.cache[i].len >= len && (best < 0 || mal.cache[i].len < mal.cache[best].len))
			best = i;
	if (best < 0)
		return 0;
	struct mal_region r = mal.cache[best];
	for (int j = best + 1; j < mal.ncache; j++)
		mal.cache[j - 1] = mal.cache[j];
	mal.ncache--;
	uintptr_t b = r.base + 8;
	mal_word h = *mal_at(b);
	if (!mal_hdr_ok(b, h) || h != mal_hdr(b, r.len, MAL_K_MMAP) || *mal_at(r.base) != 16)
		mal_fail("malloc", (void *)(b + 8), "corrupted cached block (write after free?)");
	mal.cache_bytes -= r.len;
	mal.mmap_bytes += r.len;
	if (r.len > len) {
		if (mal.nslack < MAL_NCACHE) {
			mal.slack[mal.nslack++] = (struct mal_region){ r.base, len };
		} else {
			glue_munmap((void *)(r.base + len), r.len - len);
			mal.mmap_bytes -= r.len - len;
			mal.n_munmap++;
			r.len = len;
		}
	}
	*mal_at(b) = mal_hdr(b, r.len, MAL_MMAP_FLAGS);
	return r.base;
}

void *mal_large_alloc(size_t n, int *clean)
{
	size_t len = map_len(n);
	*clean = 0;
	if (len < n)
		return 0;
	uintptr_t m = mal.ncache ? from_cache(len) : 0;
	if (!m) {
		mal_large_reserve(len);
		void *p = glue_mmap(len);
		if (p == GLUE_FAIL)
			return 0;
		m = (uintptr_t)p;
		*mal_at(m) = 16;
		*mal_at(m + 8) = mal_hdr(m + 8, len, MAL_MMAP_FLAGS);
		mal.mmap_bytes += len;
		mal.n_mmap++;
		*clean = 1;
	}
	mal.mmap_blocks++;
	mal_footprint_changed();
	return (void *)(m + 16);
}

/* The slack entry of the live region at base, or -1. */
static int slack_of(uintptr_t base)
{
	for (int i = 0; i < mal.nslack; i++)
		if (mal.slack[i].base == base)
			return i;
	return -1;
}

void mal_large_resized(uintptr_t b, size_t n)
{
	int i = slack_of(b - 8);
	if (i >= 0 && mal.slack[i].len < map_len(n))
		mal.slack[i].len = map_len(n);
}

void mal_large_free(uintptr_t b, mal_word h)
{
	size_t len = mal_size(h);
	uintptr_t base = b - 8;
	if (*mal_at(base) != 16 || (len & (GLUE_PAGE - 1)))
		mal_fail("free", (void *)(b + 8), "corrupted header of an mmap'ed block");
	int s = slack_of(base);
	if (s >= 0)
		mal.slack[s] = mal.slack[--mal.nslack];
	mal.mmap_bytes -= len;
	mal.mmap_blocks--;
	if (++mal.large_freed > MAL_CACHE_AFTER) {
		if (mal.ncache == MAL_NCACHE)
			drop_cached(0);
		*mal_at(b) = mal_hdr(b, len, MAL_K_MMAP);	/* not in use */
		mal.cache[mal.ncache++] = (struct mal_region){ base, len };
		mal.cache_bytes += len;
		return;
	}
	*mal_at(b) = 0;
	glue_munmap((void *)base, len);
	mal.n_munmap++;
}

int mal_large_check(int fd)
{
	int bad = 0;
	size_t bytes = 0;
	for (int i = 0; i < mal.ncache; i++) {
		struct mal_region r = mal.cache[i];
		bytes += r.len;
		if (*mal_at(r.base) != 16 || *mal_at(r.base + 8) != mal_hdr(r.base + 8, r.len, MAL_K_MMAP)) {
			mal_write_str(fd, "malloc_check: cached large region ");
			mal_write_num(fd, r.base, 1);
			mal_write_str(fd, ": bad header\n");
			bad++;
		}
	}
	if (bytes != mal.cache_bytes) {
		mal_write_str(fd, "malloc_check: cached large regions do not add up\n");
		bad++;
	}
	return bad;
}
