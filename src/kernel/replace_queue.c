/*
 * replace_queue.c - the structure FIFO, LRU and CLOCK share: every resident
 * page is a node in a hash table (find by key in O(1)) and on one doubly
 * linked list (unlink and move in O(1)).  The policies differ only in the
 * order they keep: FIFO by arrival, LRU by last reference (access moves a
 * node to the tail), CLOCK in a circle with the hand at the head.  Nodes
 * come from a pool of capacity nodes reserved at init.
 */
#include "replace_impl.h"

#include <errno.h>

int rq_init(struct repl *r)
{
	struct rqueue *q = kzalloc(r->km, sizeof *q);
	if (!q)
		return -ENOMEM;
	if (ph_init(&q->hash, r->km, r->capacity) < 0)
		goto fail;
	if (ph_pool_init(&q->pool, r->km, sizeof(struct rq_node), r->capacity) < 0) {
		ph_destroy(&q->hash, r->km);
		goto fail;
	}
	rlist_init(&q->list);
	r->state = q;
	return 0;
fail:
	kfree(r->km, q);
	return -ENOMEM;
}

void rq_destroy(struct repl *r)
{
	struct rqueue *q = r->state;
	ph_pool_destroy(&q->pool, r->km);
	ph_destroy(&q->hash, r->km);
	kfree(r->km, q);
	r->state = NULL;
}

struct rq_node *rq_insert(struct repl *r, uint64_t key)
{
	struct rqueue *q = r->state;
	if (ph_find(&q->hash, key))
		kpanic("repl %s: insert of resident key 0x%llx", r->ops->name,
		       (unsigned long long)key);
	struct rq_node *n = ph_pool_get(&q->pool);
	if (!n)
		kpanic("repl %s: insert beyond capacity %llu", r->ops->name,
		       (unsigned long long)r->capacity);
	n->h.key = key;
	ph_add(&q->hash, &n->h);
	rlist_add_tail(&q->list, &n->link);
	r->resident++;
	return n;
}

uint64_t rq_evict(struct repl *r, struct rq_node *n)
{
	struct rqueue *q = r->state;
	uint64_t key = n->h.key;
	ph_del(&q->hash, &n->h);
	rlist_del(&n->link);
	ph_pool_put(&q->pool, n);
	r->resident--;
	return key;
}

uint64_t rq_victim_head(struct repl *r)
{
	struct rqueue *q = r->state;
	if (rlist_empty(&q->list))
		return REPL_NONE;
	return rq_evict(r, rlist_entry(q->list.next, struct rq_node, link));
}

void rq_remove(struct repl *r, uint64_t key)
{
	struct rq_node *n = rq_find(r, key);
	if (n)
		rq_evict(r, n);
}

const char *rq_check(struct repl *r)
{
	struct rqueue *q = r->state;
	const char *e = ph_check(&q->hash);
	if (e)
		return e;
	if (rlist_count(&q->list, r->capacity) != r->resident)
		return "repl queue: list length differs from resident count";
	if (q->hash.count != r->resident)
		return "repl queue: hash count differs from resident count";
	if (q->pool.nfree + r->resident != q->pool.total)
		return "repl queue: pool leaks nodes";
	for (struct rlist *p = q->list.next; p != &q->list; p = p->next) {
		struct rq_node *n = rlist_entry(p, struct rq_node, link);
		if (ph_find(&q->hash, n->h.key) != &n->h)
			return "repl queue: listed node not found by its key";
	}
	return NULL;
}
