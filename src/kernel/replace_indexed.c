/*
 * replace_indexed.c - the resident-key index shared by random and opt
 * (rindexed_init, rindexed_destroy in replace_impl.h): a hash of nodes from
 * a pool, and an array of node pointers beside it.
 */
#include "replace_impl.h"

#include <errno.h>

int rindexed_init(struct kmem *km, uint64_t capacity, size_t node_size, struct pagehash *hash,
		  struct ph_pool *pool, struct ph_array *arr)
{
	if (ph_init(hash, km, capacity) < 0)
		return -ENOMEM;
	if (ph_pool_init(pool, km, node_size, capacity) < 0) {
		ph_destroy(hash, km);
		return -ENOMEM;
	}
	if (ph_array_init(arr, km, capacity) < 0) {
		ph_pool_destroy(pool, km);
		ph_destroy(hash, km);
		return -ENOMEM;
	}
	return 0;
}

void rindexed_destroy(struct kmem *km, struct pagehash *hash, struct ph_pool *pool,
		      struct ph_array *arr)
{
	ph_array_destroy(arr, km);
	ph_pool_destroy(pool, km);
	ph_destroy(hash, km);
}
