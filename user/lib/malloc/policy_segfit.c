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
#include "policy_segfit.h"

static void seg_insert(struct mal_free *b) { mal_seg_insert(b); }
static void seg_remove(struct mal_free *b) { mal_seg_remove(b); }
static struct mal_free *seg_find(size_t size) { return mal_seg_find(size); }

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
