/*
 * replace.c - the registry of page-replacement policies and the calls
 * common to all of them (see replace.h for the protocol).
 */
#include "replace_impl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct repl_ops *const policies[] = {
	&repl_fifo_ops, &repl_clock_ops, &repl_lru_ops,
	&repl_random_ops, &repl_lirs_ops, &repl_opt_ops,
};
#define NPOLICIES (sizeof policies / sizeof policies[0])

const struct repl_ops *repl_find(const char *name)
{
	if (!name)
		return NULL;
	for (unsigned i = 0; i < NPOLICIES; i++)
		if (!strcmp(policies[i]->name, name))
			return policies[i];
	return NULL;
}

const struct repl_ops *repl_policy(unsigned n)
{
	return n < NPOLICIES ? policies[n] : NULL;
}

const char *repl_names(void)
{
	static char buf[128];
	if (!buf[0]) {
		size_t len = 0;
		for (unsigned i = 0; i < NPOLICIES; i++)
			len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
						i ? ", " : "", policies[i]->name);
	}
	return buf;
}

int repl_init(struct repl *r, const struct repl_ops *ops, struct kmem *km, uint64_t capacity)
{
	if (!ops || !km || capacity == 0)
		return -EINVAL;
	r->ops = ops;
	r->km = km;
	r->capacity = capacity;
	r->now = 0;
	r->state = NULL;
	r->resident = 0;
	int rc = ops->init(r);
	if (rc < 0) {
		r->ops = NULL;
		r->state = NULL;
	}
	return rc;
}

void repl_destroy(struct repl *r)
{
	if (r->ops && r->state)
		r->ops->destroy(r);
	r->state = NULL;
	r->resident = 0;
}

const char *repl_check(struct repl *r)
{
	if (!r->ops || !r->state)
		return "repl_check: instance not initialised";
	if (r->resident > r->capacity)
		return "repl_check: more resident pages than capacity";
	return r->ops->check(r);
}

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
