/*
 * policy_segfit.h - the segregated-fit index's operations (policy_segfit.c
 * explains the classes and the search), inline: the boundary-tag heap
 * calls them directly under the default policy instead of through
 * struct mal_index, whose indirect calls cost a call, a return and the
 * spills around them on every split, merge and search.
 */
#ifndef POLICY_SEGFIT_H
#define POLICY_SEGFIT_H

#include "malloc_internal.h"

#define MAL_SEG_NEXACT 62

/* Returns the class of a block size (a multiple of 16, >= 32). */
static inline int mal_seg_class(size_t size)
{
	if (size < 1024)
		return (int)(size >> 4) - 2;
	int k = 63 - __builtin_clzll((unsigned long long)size);
	return MAL_SEG_NEXACT + (k - 10) * 4 + (int)((size >> (k - 2)) & 3);
}

static inline void mal_seg_insert(struct mal_free *b)
{
	int c = mal_seg_class(mal_size(b->hdr));
	mal_list_insert(&mal.bin[c], b, mal.ao);
	mal.binmap[c >> 6] |= 1ull << (c & 63);
}

static inline void mal_seg_remove(struct mal_free *b)
{
	int c = mal_seg_class(mal_size(b->hdr));
	mal_list_unlink(&mal.bin[c], b);
	if (!mal.bin[c])
		mal.binmap[c >> 6] &= ~(1ull << (c & 63));
}

/* The first non-empty class above c, or -1. */
static inline int mal_seg_next_class(int c)
{
	int w = (c + 1) >> 6;
	if (w >= (MAL_NBINS + 63) / 64)
		return -1;
	uint64_t m = mal.binmap[w] & (~0ull << ((c + 1) & 63));
	while (!m) {
		if (++w == (MAL_NBINS + 63) / 64)
			return -1;
		m = mal.binmap[w];
	}
	return w * 64 + __builtin_ctzll(m);
}

/* Returns a free block of at least size bytes (still indexed), or 0: the
 * best fit in the request's class, else the first block of the next
 * non-empty class. */
static inline struct mal_free *mal_seg_find(size_t size)
{
	int c = mal_seg_class(size);
	struct mal_free *b = mal.bin[c], *pick = 0;
	if (c < MAL_SEG_NEXACT && b)
		return b;
	for (; b; b = b->next) {
		size_t s = mal_size(b->hdr);
		if (s >= size && (!pick || s < mal_size(pick->hdr))) {
			pick = b;
			if (s == size)
				break;
		}
	}
	if (pick)
		return pick;
	c = mal_seg_next_class(c);
	return c < 0 ? 0 : mal.bin[c];
}

#endif
