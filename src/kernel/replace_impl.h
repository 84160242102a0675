/*
 * replace_impl.h - what the policy files share and the kernel does not see
 * (only replace_*.c include it; the kernel speaks to policies through
 * replace.h alone): an intrusive circular doubly linked list with a
 * sentinel (O(1) insert, unlink, move), and the ops tables for the registry
 * in replace_registry.c.
 */
#ifndef VMOS_KERNEL_REPLACE_IMPL_H
#define VMOS_KERNEL_REPLACE_IMPL_H

#include "replace.h"
#include "pagehash.h"
#include "panic.h"

#include <stddef.h>

struct rlist {
	struct rlist *prev, *next;
};

#define rlist_entry(p, type, member) ((type *)((char *)(p) - offsetof(type, member)))

static inline void rlist_init(struct rlist *h) { h->prev = h->next = h; }
static inline bool rlist_empty(const struct rlist *h) { return h->next == h; }
/* Inserts n just before pos (at the tail when pos is the head). */
static inline void rlist_insert_before(struct rlist *pos, struct rlist *n)
{
	n->prev = pos->prev;
	n->next = pos;
	pos->prev->next = n;
	pos->prev = n;
}
static inline void rlist_add_tail(struct rlist *h, struct rlist *n) { rlist_insert_before(h, n); }
static inline void rlist_add_head(struct rlist *h, struct rlist *n) { rlist_insert_before(h->next, n); }
static inline void rlist_del(struct rlist *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}
static inline void rlist_move_tail(struct rlist *h, struct rlist *n)
{
	n->prev->next = n->next;      /* unlink (no self-links: relinked at once) */
	n->next->prev = n->prev;
	rlist_add_tail(h, n);
}
/* Counts the elements and checks the back links.  Returns the count, or
 * UINT64_MAX if a link is broken or more than limit elements are found. */
static inline uint64_t rlist_count(const struct rlist *h, uint64_t limit)
{
	uint64_t n = 0;
	for (const struct rlist *p = h->next; p != h; p = p->next) {
		if (p->next->prev != p || ++n > limit)
			return UINT64_MAX;
	}
	return h->next->prev == h ? n : UINT64_MAX;
}

/* The resident keys of random and opt: a hash of nodes from a pool, and an
 * array of node pointers beside it (random's dense list, opt's heap), all
 * reserved for capacity keys at init.  Returns 0 or -ENOMEM (nothing kept). */
int rindexed_init(struct kmem *km, uint64_t capacity, size_t node_size, struct pagehash *hash,
		  struct ph_pool *pool, struct ph_array *arr);
void rindexed_destroy(struct kmem *km, struct pagehash *hash, struct ph_pool *pool,
		      struct ph_array *arr);

/* The state of fifo, lru and clock (replace_queue.c): the resident pages
 * on one list, oldest (fifo), least recently used (lru) or just after the
 * hand (clock) at the head.  A page's handle is the address of its node, so
 * no table of keys is needed: the kernel (or the simulator) hands the node
 * back with each access and remove. */
struct rq_node {
	struct rlist link;
	uint64_t key;        /* REPL_NONE while the node is free */
	uint64_t aux;        /* test_and_clear_ref's word (clock), 0 at insert */
};
struct rqueue {
	struct ph_pool pool;
	struct rlist list;
};
/* Reserves capacity nodes.  Returns 0 or -ENOMEM. */
int rq_init(struct repl *r);
void rq_destroy(struct repl *r);
/* Adds key as resident at the tail of the list and returns its handle;
 * kpanics when there is no room left (a broken contract).  rq_insert is the
 * ops tables' entry; rq_insert_inline its body, for the policy files. */
uint64_t rq_insert(struct repl *r, uint64_t key);
__attribute__((noreturn, cold)) void rq_insert_panic(struct repl *r, uint64_t key);
static inline uint64_t rq_insert_inline(struct repl *r, uint64_t key)
{
	struct rqueue *q = r->state;
	struct rq_node *n = ph_pool_get(&q->pool);
	if (__builtin_expect(!n || key == REPL_NONE, 0))
		rq_insert_panic(r, key);
	n->key = key;
	n->aux = 0;
	rlist_add_tail(&q->list, &n->link);
	r->resident++;
	return (uint64_t)(uintptr_t)n;
}
/* The node of a resident key given its handle, or NULL if the handle names
 * no node or another key. */
static inline struct rq_node *rq_node_of(uint64_t key, uint64_t handle)
{
	struct rq_node *n = (struct rq_node *)(uintptr_t)handle;
	return n && n->key == key ? n : NULL;
}
/* Forgets node n; returns its key. */
static inline uint64_t rq_evict(struct repl *r, struct rq_node *n)
{
	struct rqueue *q = r->state;
	uint64_t key = n->key;
	rlist_del(&n->link);
	n->key = REPL_NONE;          /* a stale handle to it names no key */
	ph_pool_put(&q->pool, n);
	r->resident--;
	return key;
}
/* victim: the head of the list. */
uint64_t rq_victim_head(struct repl *r);
/* remove: forgets key if its handle names it. */
void rq_remove(struct repl *r, uint64_t key, uint64_t handle);
const char *rq_check(struct repl *r);

/* CLOCK's victim (replace_clock.c): the hand (the list head) gives every page
 * whose reference bit test() finds set a second chance (moves it behind the
 * hand) and stops at the first with the bit clear; after a full turn every
 * bit is clear and the first page it cleared is under the hand again.  The
 * policy's victim() passes r->test_and_clear_ref.  NULL test: no page is
 * referenced. */
static inline __attribute__((always_inline)) uint64_t
clock_victim_with(struct repl *r, bool (*test)(void *ctx, uint64_t key, uint64_t *aux), void *ctx)
{
	struct rqueue *q = r->state;
	if (rlist_empty(&q->list))
		return REPL_NONE;
	if (test) {
		for (uint64_t steps = r->resident; steps; steps--) {
			struct rlist *head = q->list.next;
			struct rq_node *n = rlist_entry(head, struct rq_node, link);
			if (!test(ctx, n->key, &n->aux))
				break;
			rlist_move_tail(&q->list, head);   /* second chance */
		}
	}
	return rq_evict(r, rlist_entry(q->list.next, struct rq_node, link));
}

extern const struct repl_ops repl_fifo_ops, repl_clock_ops, repl_lru_ops,
	repl_random_ops, repl_lirs_ops, repl_opt_ops;

#endif
