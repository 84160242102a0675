/*
 * pagehash.h - a hash table of pages by 64-bit key, over kmalloc, and the
 * two building blocks it and the replacement policies share:
 *
 *   ph_array  a fixed-size array of pointers cut into 32 KiB segments, so
 *             a big table never needs a big physically contiguous block:
 *                 dir ──> [seg 0: 4096 slots] [seg 1] ... [seg n-1]
 *                 slot i = dir[i >> 12][i & 4095]
 *   ph_pool   a fixed number of equal objects, carved at init from 64 KiB
 *             kmalloc chunks and kept on a free list: get/put are O(1)
 *             and cannot fail while objects remain.
 *   pagehash  separate chaining with intrusive nodes (struct ph_node inside
 *             the caller's object); the bucket count is a power of two at
 *             least the expected number of keys, fixed at init, and a key's
 *             bucket is the top bits of key * 2^64/phi (Knuth's
 *             multiplicative hashing, TAOCP vol. 3, 6.4), which spreads
 *             consecutive page numbers evenly.
 *
 * All three reserve their memory at init and never allocate afterwards.
 */
#ifndef VMOS_KERNEL_PAGEHASH_H
#define VMOS_KERNEL_PAGEHASH_H

#include <stdint.h>
#include <stddef.h>
#include "slab.h"

#define PH_SEG_SHIFT 12
#define PH_SEG_SLOTS (1u << PH_SEG_SHIFT)

struct ph_array {
	void ***dir;
	uint64_t n;       /* slots */
	uint64_t nseg;
};

/* Allocates n zeroed slots (n >= 1).  Returns 0 or -ENOMEM (nothing left
 * allocated). */
int ph_array_init(struct ph_array *a, struct kmem *km, uint64_t n);
void ph_array_destroy(struct ph_array *a, struct kmem *km);
/* Address of slot i (i < n). */
static inline void **ph_slot(const struct ph_array *a, uint64_t i)
{
	return &a->dir[i >> PH_SEG_SHIFT][i & (PH_SEG_SLOTS - 1)];
}

struct ph_pool {
	void *free;       /* free objects, linked through their first word */
	void *chunks;     /* kmalloc'd chunks, linked through their first word */
	uint64_t total, nfree;
};

/* Reserves n objects of size bytes (size >= sizeof(void *), a multiple of
 * 8).  Returns 0 or -ENOMEM (nothing left allocated). */
int ph_pool_init(struct ph_pool *p, struct kmem *km, size_t size, uint64_t n);
void ph_pool_destroy(struct ph_pool *p, struct kmem *km);
/* An object (contents undefined), or NULL if all are in use. */
static inline void *ph_pool_get(struct ph_pool *p)
{
	void *o = p->free;
	if (o) {
		p->free = *(void **)o;
		p->nfree--;
	}
	return o;
}
static inline void ph_pool_put(struct ph_pool *p, void *o)
{
	*(void **)o = p->free;
	p->free = o;
	p->nfree++;
}

struct ph_node {
	struct ph_node *hnext;
	uint64_t key;
};

struct pagehash {
	struct ph_array buckets;
	unsigned shift;   /* 64 - log2(buckets) */
	uint64_t count;
};

/* Sets up a table for about expected keys.  Returns 0 or -ENOMEM. */
int ph_init(struct pagehash *h, struct kmem *km, uint64_t expected);
void ph_destroy(struct pagehash *h, struct kmem *km);

static inline struct ph_node **ph_bucket(const struct pagehash *h, uint64_t key)
{
	return (struct ph_node **)ph_slot(&h->buckets,
					  (key * 0x9e3779b97f4a7c15ull) >> h->shift);
}
/* The node of key, or NULL. */
static inline struct ph_node *ph_find(const struct pagehash *h, uint64_t key)
{
	struct ph_node *n = *ph_bucket(h, key);
	while (n && n->key != key)
		n = n->hnext;
	return n;
}
/* Adds n (n->key set, not already in the table). */
static inline void ph_add(struct pagehash *h, struct ph_node *n)
{
	struct ph_node **b = ph_bucket(h, n->key);
	n->hnext = *b;
	*b = n;
	h->count++;
}
/* Unlinks n, which must be in the table. */
void ph_del(struct pagehash *h, struct ph_node *n);
/* Checks that every chained node hashes to its bucket and that there are
 * count of them.  NULL if so, else a message. */
const char *ph_check(const struct pagehash *h);

#endif
