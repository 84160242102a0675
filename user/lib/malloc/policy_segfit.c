/*
 * policy_segfit.c - segregated fits: one free list per size class and a
 * bitmap of the non-empty classes (Wilson et al. 1995, §3.6; the class
 * layout is TLSF's, Masmano et al. 2004, with exact classes for small sizes
 * as in dlmalloc's small bins).
 *
 *   classes  0..61   exact sizes 32, 48, ..., 1008 (step 16)
 *   classes 62..     four per power of two from 1 KiB on:
 *                    [2^k, 1.25*2^k), [1.25, 1.5), [1.5, 1.75), [1.75, 2)
 *
 * A search takes the best fit within the request's own class (the lists
 * are short: the classes are narrow), else the first block of the next
 * non-empty class, every one of whose blocks is large enough: a good fit
 * in O(1) plus one short list.  Within a class the order is LIFO (or
 * address order with the "ao" option).
 */
#include "malloc_internal.h"

#define NEXACT 62

/* Returns the class of a block size (a multiple of 16, >= 32). */
static int class_of(size_t size)
{
	if (size < 1024)
		return (int)(size >> 4) - 2;
	int k = 63 - __builtin_clzll((unsigned long long)size);
	return NEXACT + (k - 10) * 4 + (int)((size >> (k - 2)) & 3);
}

static void seg_insert(struct mal_free *b)
{
	int c = class_of(mal_size(b->hdr));
	mal_list_insert(&mal.bin[c], b, mal.ao);
	mal.binmap[c >> 6] |= 1ull << (c & 63);
}

static void seg_remove(struct mal_free *b)
{
	int c = class_of(mal_size(b->hdr));
	mal_list_unlink(&mal.bin[c], b);
	if (!mal.bin[c])
		mal.binmap[c >> 6] &= ~(1ull << (c & 63));
}

/* The first non-empty class above c, or -1. */
static int next_class(int c)
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

static struct mal_free *seg_find(size_t size)
{
	int c = class_of(size);
	struct mal_free *b = mal.bin[c], *pick = 0;
	if (c < NEXACT && b)
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
	c = next_class(c);
	return c < 0 ? 0 : mal.bin[c];
}

static void seg_reset(void)
{
	for (int i = 0; i < MAL_NBINS; i++)
		mal.bin[i] = 0;
	for (int i = 0; i < (MAL_NBINS + 63) / 64; i++)
		mal.binmap[i] = 0;
}

static void seg_walk(void (*fn)(struct mal_free *, int, void *), void *arg)
{
	for (int i = 0; i < MAL_NBINS; i++)
		for (struct mal_free *b = mal.bin[i]; b; b = b->next)
			fn(b, i, arg);
}

const struct mal_index mal_index_segfit = {
	"segfit", seg_insert, seg_remove, seg_find, seg_reset, seg_walk,
};
