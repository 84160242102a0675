/*
 * pagehash.c - segmented pointer arrays, fixed object pools and the
 * chained hash table of pages (see pagehash.h for the layout and sources).
 */
#include "pagehash.h"

#include <errno.h>
#include <string.h>

#define PH_CHUNK_BYTES (64u << 10)

int ph_array_init(struct ph_array *a, struct kmem *km, uint64_t n)
{
	memset(a, 0, sizeof *a);
	if (n == 0)
		n = 1;
	uint64_t nseg = (n + PH_SEG_SLOTS - 1) >> PH_SEG_SHIFT;
	a->dir = kzalloc(km, nseg * sizeof(void **));
	if (!a->dir)
		return -ENOMEM;
	a->n = n;
	for (uint64_t s = 0; s < nseg; s++) {
		a->dir[s] = kzalloc(km, PH_SEG_SLOTS * sizeof(void *));
		if (!a->dir[s]) {
			ph_array_destroy(a, km);
			return -ENOMEM;
		}
		a->nseg = s + 1;
	}
	return 0;
}

void ph_array_destroy(struct ph_array *a, struct kmem *km)
{
	if (a->dir) {
		for (uint64_t s = 0; s < a->nseg; s++)
			kfree(km, a->dir[s]);
		kfree(km, a->dir);
	}
	memset(a, 0, sizeof *a);
}

/* A chunk starts with one pointer (the chunk list), then objects. */
int ph_pool_init(struct ph_pool *p, struct kmem *km, size_t size, uint64_t n)
{
	memset(p, 0, sizeof *p);
	size = (size + 7) & ~(size_t)7;
	uint64_t per_chunk = (PH_CHUNK_BYTES - sizeof(void *)) / size;
	while (p->total < n) {
		uint64_t k = n - p->total < per_chunk ? n - p->total : per_chunk;
		void **chunk = kmalloc(km, sizeof(void *) + k * size);
		if (!chunk) {
			ph_pool_destroy(p, km);
			return -ENOMEM;
		}
		*chunk = p->chunks;
		p->chunks = chunk;
		char *obj = (char *)(chunk + 1);
		for (uint64_t i = 0; i < k; i++)
			ph_pool_put(p, obj + i * size);
		p->total += k;
	}
	return 0;
}

void ph_pool_destroy(struct ph_pool *p, struct kmem *km)
{
	void **c = p->chunks;
	while (c) {
		void **next = *c;
		kfree(km, c);
		c = next;
	}
	memset(p, 0, sizeof *p);
}

int ph_init(struct pagehash *h, struct kmem *km, uint64_t expected)
{
	unsigned bits = 4;
	while (bits < 40 && (1ull << bits) < expected)
		bits++;
	h->count = 0;
	h->shift = 64 - bits;
	return ph_array_init(&h->buckets, km, 1ull << bits);
}

void ph_destroy(struct pagehash *h, struct kmem *km)
{
	ph_array_destroy(&h->buckets, km);
	h->count = 0;
}

void ph_del(struct pagehash *h, struct ph_node *n)
{
	struct ph_node **pp = ph_bucket(h, n->key);
	while (*pp != n)
		pp = &(*pp)->hnext;
	*pp = n->hnext;
	h->count--;
}

const char *ph_check(const struct pagehash *h)
{
	uint64_t seen = 0;
	for (uint64_t i = 0; i < h->buckets.n; i++) {
		for (struct ph_node *n = *ph_slot(&h->buckets, i); n; n = n->hnext) {
			if ((void *)ph_bucket(h, n->key) != (void *)ph_slot(&h->buckets, i))
				return "pagehash: node chained in the wrong bucket";
			if (++seen > h->count)
				return "pagehash: more chained nodes than count (or a cycle)";
		}
	}
	if (seen != h->count)
		return "pagehash: fewer chained nodes than count";
	return NULL;
}
