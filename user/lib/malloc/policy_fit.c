/*
 * policy_fit.c - one explicit free list, searched first fit, next fit, best
 * fit or worst fit (Knuth TAOCP 1 §2.5; Wilson et al. 1995, §3.4).
 *
 * The list is doubly linked through the free blocks themselves and kept
 * either in address order (insertion walks to the place: O(n), but first
 * fit then behaves like best fit in practice and fragments least) or LIFO
 * (insertion O(1)).  Next fit keeps a roving pointer where the last search
 * stopped (Knuth's exercise 6), which spreads allocations over the heap.
 *
 * The list primitives (safe unlinking) are malloc_internal.h's.
 */
#include "malloc_internal.h"

static void fit_insert(struct mal_free *b)
{
	mal_list_insert(&mal.list, b, mal.ao);
}

static void fit_remove(struct mal_free *b)
{
	if (mal.rover == b)
		mal.rover = b->next;
	mal_list_unlink(&mal.list, b);
}

static size_t bsize(struct mal_free *b) { return mal_size(b->hdr); }

/* First block of at least size from 'from' up to (not including) 'stop'. */
static struct mal_free *first_from(struct mal_free *from, struct mal_free *stop, size_t size)
{
	for (struct mal_free *b = from; b && b != stop; b = b->next)
		if (bsize(b) >= size)
			return b;
	return 0;
}

static struct mal_free *fit_find(size_t size)
{
	struct mal_free *b, *pick = 0;
	switch (mal.fit) {
	case FIT_FIRST:
		return first_from(mal.list, 0, size);
	case FIT_NEXT:
		b = first_from(mal.rover ? mal.rover : mal.list, 0, size);
		if (!b && mal.rover)
			b = first_from(mal.list, mal.rover, size);
		if (b)
			mal.rover = b;	/* fit_remove moves it past b */
		return b;
	case FIT_BEST:
		for (b = mal.list; b; b = b->next) {
			size_t s = bsize(b);
			if (s >= size && (!pick || s < bsize(pick))) {
				pick = b;
				if (s == size)
					break;
			}
		}
		return pick;
	default:	/* FIT_WORST */
		for (b = mal.list; b; b = b->next)
			if (!pick || bsize(b) > bsize(pick))
				pick = b;
		return pick && bsize(pick) >= size ? pick : 0;
	}
}

static void fit_reset(void)
{
	mal.list = mal.rover = 0;
}

static void fit_walk(void (*fn)(struct mal_free *, int, void *), void *arg)
{
	for (struct mal_free *b = mal.list; b; b = b->next)
		fn(b, 0, arg);
}

const struct mal_index mal_index_list = {
	"list", fit_insert, fit_remove, fit_find, fit_reset, fit_walk,
};
