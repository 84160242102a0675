/*
 * replace_queue.c - the structure FIFO, LRU and CLOCK share: every resident
 * page is a node on one doubly linked list (unlink and move in O(1)).  The
 * policies differ only in the order they keep: FIFO by arrival, LRU by last
 * reference (access moves a node to the tail), CLOCK in a circle with the
 * hand at the head.  Nodes come from a pool of capacity nodes reserved at
 * init; a node's address is the handle of its page (replace.h), so a page is
 * found in O(1) without hashing its key.
 */
#include "replace_impl.h"

#include <errno.h>

int rq_init(struct repl *r)
{
	struct rqueue *q = kzalloc(r->km, sizeof *q);
	if (!q)
		return -ENOMEM;
	if (ph_pool_init(&q->pool, r->km, sizeof(struct rq_node), r->capacity) < 0) {
		kfree(r->km, q);
		return -ENOMEM;
	}
	for (void *o = q->pool.free; o; o = *(void **)o)   /* free nodes: no key */
		((struct rq_node *)o)->key = REPL_NONE;
	rlist_init(&q->list);
	r->state = q;
	return 0;
}

void rq_destroy(struct repl *r)
{
	struct rqueue *q = r->state;
	ph_pool_destroy(&q->pool, r->km);
	kfree(r->km, q);
	r->state = NULL;
}

uint64_t rq_insert(struct repl *r, uint64_t key)
{
	return rq_insert_inline(r, key);
}

void rq_insert_panic(struct repl *r, uint64_t key)
{
	kpanic("repl %s: insert of key 0x%llx beyond capacity %llu", r->ops->name,
	       (unsigned long long)key, (unsigned long long)r->capacity);
}

uint64_t rq_victim_head(struct repl *r)
{
	struct rqueue *q = r->state;
	if (rlist_empty(&q->list))
		return REPL_NONE;
	return rq_evict(r, rlist_entry(q->list.next, struct rq_node, link));
}

void rq_remove(struct repl *r, uint64_t key, uint64_t handle)
{
	struct rq_node *n = rq_node_of(key, handle);
	if (n)
		rq_evict(r, n);
}

const char *rq_check(struct repl *r)
{
	struct rqueue *q = r->state;
	if (rlist_count(&q->list, r->capacity) != r->resident)
		return "repl queue: list length differs from resident count";
	if (q->pool.nfree + r->resident != q->pool.total)
		return "repl queue: pool leaks nodes";
	for (struct rlist *p = q->list.next; p != &q->list; p = p->next)
		if (rlist_entry(p, struct rq_node, link)->key == REPL_NONE)
			return "repl queue: a listed node has no key";
	uint64_t nfree = 0;
	for (void *o = q->pool.free; o && nfree <= q->pool.total; o = *(void **)o, nfree++)
		if (((struct rq_node *)o)->key != REPL_NONE)
			return "repl queue: a free node still has a key";
	return nfree == q->pool.nfree ? NULL : "repl queue: free list length differs from its count";
}
