/*
 * replace_random.c - random replacement: evict a resident page chosen
 * uniformly, with a seeded PRNG so runs are reproducible.
 *
 * The resident pages sit in a dense array slot[0..resident); each node keeps
 * its index, so victim (pick slot[rand % resident], move the last slot into
 * its place) and remove are O(1).  The PRNG is SplitMix64 (Steele, Lea &
 * Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014);
 * the modulo bias is below 2^-40 for any realistic number of frames.
 */
#include "replace_impl.h"

#include <errno.h>

struct rnd_node {
	struct ph_node h;
	uint64_t index;
};
struct rnd_state {
	struct pagehash hash;
	struct ph_pool pool;
	struct ph_array slot;
	uint64_t x;      /* PRNG state */
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int rnd_init(struct repl *r)
{
	struct rnd_state *s = kzalloc(r->km, sizeof *s);
	if (!s)
		return -ENOMEM;
	if (rindexed_init(r->km, r->capacity, sizeof(struct rnd_node), &s->hash, &s->pool, &s->slot) < 0) {
		kfree(r->km, s);
		return -ENOMEM;
	}
	s->x = r->seed ? r->seed : 0x76d6f73ull;
	r->state = s;
	return 0;
}

static void rnd_destroy(struct repl *r)
{
	struct rnd_state *s = r->state;
	rindexed_destroy(r->km, &s->hash, &s->pool, &s->slot);
	kfree(r->km, s);
	r->state = NULL;
}

static uint64_t rnd_insert(struct repl *r, uint64_t key)
{
	struct rnd_state *s = r->state;
	if (ph_find(&s->hash, key))
		kpanic("repl random: insert of resident key 0x%llx", (unsigned long long)key);
	struct rnd_node *n = ph_pool_get(&s->pool);
	if (!n)
		kpanic("repl random: insert beyond capacity %llu",
		       (unsigned long long)r->capacity);
	n->h.key = key;
	n->index = r->resident;
	*ph_slot(&s->slot, n->index) = n;
	ph_add(&s->hash, &n->h);
	r->resident++;
	return REPL_NO_HANDLE;
}

static void rnd_access(struct repl *r, uint64_t key, uint64_t handle) { }

/* Forgets n: the last slot fills its place. */
static uint64_t rnd_evict(struct repl *r, struct rnd_node *n)
{
	struct rnd_state *s = r->state;
	uint64_t key = n->h.key;
	struct rnd_node *last = *ph_slot(&s->slot, r->resident - 1);
	last->index = n->index;
	*ph_slot(&s->slot, n->index) = last;
	*ph_slot(&s->slot, r->resident - 1) = NULL;
	ph_del(&s->hash, &n->h);
	ph_pool_put(&s->pool, n);
	r->resident--;
	return key;
}

static uint64_t rnd_victim(struct repl *r)
{
	struct rnd_state *s = r->state;
	if (r->resident == 0)
		return REPL_NONE;
	return rnd_evict(r, *ph_slot(&s->slot, splitmix64(&s->x) % r->resident));
}

static void rnd_remove(struct repl *r, uint64_t key, uint64_t handle)
{
	struct rnd_state *s = r->state;
	struct ph_node *h = ph_find(&s->hash, key);
	if (h)
		rnd_evict(r, rlist_entry(h, struct rnd_node, h));
}

static const char *rnd_check(struct repl *r)
{
	struct rnd_state *s = r->state;
	const char *e = ph_check(&s->hash);
	if (e)
		return e;
	if (s->hash.count != r->resident)
		return "repl random: hash count differs from resident count";
	if (s->pool.nfree + r->resident != s->pool.total)
		return "repl random: pool leaks nodes";
	for (uint64_t i = 0; i < r->capacity; i++) {
		struct rnd_node *n = *ph_slot(&s->slot, i);
		if (i >= r->resident) {
			if (n)
				return "repl random: slot beyond resident count in use";
			continue;
		}
		if (!n || n->index != i)
			return "repl random: slot and node index disagree";
		if (ph_find(&s->hash, n->h.key) != &n->h)
			return "repl random: slot node not found by its key";
	}
	return NULL;
}

const struct repl_ops repl_random_ops = {
	.name = "random",
	.needs_every_access = false,
	.init = rnd_init,
	.destroy = rnd_destroy,
	.insert = rnd_insert,
	.access = rnd_access,
	.victim = rnd_victim,
	.remove = rnd_remove,
	.check = rnd_check,
};
