/*
 * replace_lru.c - exact LRU: evict the resident page whose last reference
 * is oldest.  The list is kept in recency order (head = least recent): a hit
 * moves the page to the tail in O(1).  Exact only if every reference is
 * reported (trace replay); on a running CPU the kernel only sees A bits, and
 * clock is the approximation to use.
 */
#include "replace_impl.h"

static void lru_access(struct repl *r, uint64_t key, uint64_t handle)
{
	struct rqueue *q = r->state;
	struct rq_node *n = rq_node_of(key, handle);
	if (n)
		rlist_move_tail(&q->list, &n->link);
}

const struct repl_ops repl_lru_ops = {
	.name = "lru",
	.needs_every_access = true,
	.init = rq_init,
	.destroy = rq_destroy,
	.insert = rq_insert,
	.access = lru_access,
	.victim = rq_victim_head,
	.remove = rq_remove,
	.check = rq_check,
};
