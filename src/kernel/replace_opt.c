/*
 * replace_opt.c - Belady's MIN (OPT): evict the resident page whose next
 * reference is farthest in the future (Belady, "A study of replacement
 * algorithms for a virtual-storage computer", IBM Systems Journal 1966;
 * optimality proved by Mattson et al. 1970).  No online policy can do better,
 * so OPT is the yardstick the others are measured against; it can only run
 * on a recorded trace, where the caller knows the future: r->next_use(ctx,
 * key) gives the position of key's next reference after r->now.
 *
 * The resident pages are a binary max-heap on next use (Williams 1964), each
 * node holding its heap index so a reference (whose next use changes) is
 * re-sifted in O(log n); the victim is the root.  Pages never used again
 * (UINT64_MAX) sort above all others; ties are broken arbitrarily, which
 * does not change the number of hits.
 */
#include "replace_impl.h"

#include <errno.h>

struct opt_node {
	struct ph_node h;
	uint64_t next;    /* position of the next reference */
	uint64_t index;   /* in the heap */
};
struct opt_state {
	struct pagehash hash;
	struct ph_pool pool;
	struct ph_array heap;
};

static inline struct opt_node *heap_at(struct opt_state *s, uint64_t i)
{
	return *ph_slot(&s->heap, i);
}
static inline void heap_put(struct opt_state *s, uint64_t i, struct opt_node *n)
{
	*ph_slot(&s->heap, i) = n;
	n->index = i;
}

/* Moves n up while its parent's next use is nearer. */
static void sift_up(struct opt_state *s, struct opt_node *n)
{
	uint64_t i = n->index;
	while (i > 0) {
		struct opt_node *p = heap_at(s, (i - 1) / 2);
		if (p->next >= n->next)
			break;
		heap_put(s, i, p);
		i = (i - 1) / 2;
	}
	heap_put(s, i, n);
}

/* Moves n down while a child's next use is farther; size = heap size. */
static void sift_down(struct opt_state *s, struct opt_node *n, uint64_t size)
{
	uint64_t i = n->index;
	for (;;) {
		uint64_t c = 2 * i + 1;
		if (c >= size)
			break;
		struct opt_node *big = heap_at(s, c);
		if (c + 1 < size && heap_at(s, c + 1)->next > big->next)
			big = heap_at(s, ++c);
		if (big->next <= n->next)
			break;
		heap_put(s, i, big);
		i = c;
	}
	heap_put(s, i, n);
}

static int opt_init(struct repl *r)
{
	struct opt_state *s = kzalloc(r->km, sizeof *s);
	if (!s)
		return -ENOMEM;
	if (rindexed_init(r->km, r->capacity, sizeof(struct opt_node), &s->hash, &s->pool, &s->heap) < 0) {
		kfree(r->km, s);
		return -ENOMEM;
	}
	r->state = s;
	return 0;
}

static void opt_destroy(struct repl *r)
{
	struct opt_state *s = r->state;
	rindexed_destroy(r->km, &s->hash, &s->pool, &s->heap);
	kfree(r->km, s);
	r->state = NULL;
}

static uint64_t next_use(struct repl *r, uint64_t key)
{
	if (!r->next_use)
		kpanic("repl opt: no next_use callback (OPT needs the future)");
	return r->next_use(r->ctx, key);
}

static uint64_t opt_insert(struct repl *r, uint64_t key)
{
	struct opt_state *s = r->state;
	if (ph_find(&s->hash, key))
		kpanic("repl opt: insert of resident key 0x%llx", (unsigned long long)key);
	struct opt_node *n = ph_pool_get(&s->pool);
	if (!n)
		kpanic("repl opt: insert beyond capacity %llu", (unsigned long long)r->capacity);
	n->h.key = key;
	n->next = next_use(r, key);
	n->index = r->resident;
	ph_add(&s->hash, &n->h);
	r->resident++;
	sift_up(s, n);
	return REPL_NO_HANDLE;
}

static void opt_access(struct repl *r, uint64_t key, uint64_t handle)
{
	struct opt_state *s = r->state;
	struct ph_node *h = ph_find(&s->hash, key);
	if (!h)
		return;
	struct opt_node *n = rlist_entry(h, struct opt_node, h);
	uint64_t old = n->next;
	n->next = next_use(r, key);
	if (n->next > old)
		sift_up(s, n);
	else
		sift_down(s, n, r->resident);
}

/* Forgets n: the last heap element takes its place and is re-sifted. */
static uint64_t opt_evict(struct repl *r, struct opt_node *n)
{
	struct opt_state *s = r->state;
	uint64_t key = n->h.key;
	uint64_t size = --r->resident;
	struct opt_node *last = heap_at(s, size);
	*ph_slot(&s->heap, size) = NULL;
	if (last != n) {
		heap_put(s, n->index, last);
		sift_up(s, last);
		sift_down(s, last, size);
	}
	ph_del(&s->hash, &n->h);
	ph_pool_put(&s->pool, n);
	return key;
}

static uint64_t opt_victim(struct repl *r)
{
	struct opt_state *s = r->state;
	return r->resident ? opt_evict(r, heap_at(s, 0)) : REPL_NONE;
}

static void opt_remove(struct repl *r, uint64_t key, uint64_t handle)
{
	struct opt_state *s = r->state;
	struct ph_node *h = ph_find(&s->hash, key);
	if (h)
		opt_evict(r, rlist_entry(h, struct opt_node, h));
}

static const char *opt_check(struct repl *r)
{
	struct opt_state *s = r->state;
	const char *e = ph_check(&s->hash);
	if (e)
		return e;
	if (s->hash.count != r->resident)
		return "repl opt: hash count differs from resident count";
	if (s->pool.nfree + r->resident != s->pool.total)
		return "repl opt: pool leaks nodes";
	for (uint64_t i = 0; i < r->resident; i++) {
		struct opt_node *n = heap_at(s, i);
		if (!n || n->index != i)
			return "repl opt: heap slot and node index disagree";
		if (i > 0 && heap_at(s, (i - 1) / 2)->next < n->next)
			return "repl opt: heap order broken (child used later than parent)";
		if (ph_find(&s->hash, n->h.key) != &n->h)
			return "repl opt: heap node not found by its key";
	}
	return NULL;
}

const struct repl_ops repl_opt_ops = {
	.name = "opt",
	.needs_every_access = true,
	.init = opt_init,
	.destroy = opt_destroy,
	.insert = opt_insert,
	.access = opt_access,
	.victim = opt_victim,
	.remove = opt_remove,
	.check = opt_check,
};
