/*
 * replace_lirs.c - LIRS, the Low Inter-reference Recency Set policy (Jiang &
 * Zhang, "LIRS: an efficient low inter-reference recency set replacement
 * policy to improve buffer cache performance", SIGMETRICS 2002).
 *
 * LRU judges a page by its recency (time since its last reference); LIRS
 * judges it by its inter-reference recency (IRR: the number of other
 * distinct pages referenced between its last two references), which a
 * one-time scan cannot fake.  Pages with low IRR are LIR, the rest HIR.
 * The frames are split: Llirs for LIR pages (always resident) and Lhirs =
 * 1% of capacity (at least one) for resident HIR pages.
 *
 *   stack S   recency order of LIR pages and of HIR pages (resident or not)
 *             more recent than the least recent LIR page; the bottom of S
 *             is always an LIR page ("stack pruning" removes HIR pages
 *             that sink below it, their IRR can no longer beat any LIR)
 *   queue Q   the resident HIR pages, in the order they became HIR-resident;
 *             the victim is Q's front
 *
 * A referenced HIR page still in S has an IRR lower than the bottom LIR
 * page's recency: it becomes LIR, and the bottom LIR page is demoted to the
 * end of Q.  Evicted HIR pages that are still in S stay as non-resident
 * entries (the history that lets a re-referenced page come back as LIR).
 * The paper lets S grow without bound; a kernel cannot, so the number of
 * non-resident entries is capped at LIRS_GHOSTS_PER_FRAME x capacity and
 * the oldest of them is forgotten first.  With 5, every figure of the
 * reference table (docs/replacement.md) equals that of an unbounded stack;
 * with 2, ps at 500 frames drops from 57.39% to 56.77%.  All nodes
 * (capacity + cap, 56 bytes each) are reserved at init.
 */
#include "replace_impl.h"

#include <errno.h>

#define LIRS_GHOSTS_PER_FRAME 5

enum lirs_kind { LIR, HIR_RES, HIR_NONRES };

struct lirs_node {
	struct ph_node h;
	struct rlist s;      /* in S (s.next == &s when not) */
	struct rlist q;      /* in Q if HIR_RES, in the ghost list if HIR_NONRES */
	uint8_t kind;
	bool in_s;
};
struct lirs_state {
	struct pagehash hash;
	struct ph_pool pool;
	struct rlist S, Q, ghosts;   /* S: head = bottom (least recent) */
	uint64_t nlir, llirs, nghost, max_ghost;
};

static inline struct lirs_node *s_bottom(struct lirs_state *st)
{
	return rlist_entry(st->S.next, struct lirs_node, s);
}

static int lirs_init(struct repl *r)
{
	struct lirs_state *st = kzalloc(r->km, sizeof *st);
	if (!st)
		return -ENOMEM;
	/* 1% HIR, at least one frame; one frame alone is LIR (Q stays empty
	 * and the victim is the LIR page), so Llirs >= 1 always. */
	uint64_t lhirs = r->capacity / 100 ? r->capacity / 100 : 1;
	if (lhirs >= r->capacity)
		lhirs = r->capacity - 1;
	st->llirs = r->capacity - lhirs;
	st->max_ghost = LIRS_GHOSTS_PER_FRAME * r->capacity;
	uint64_t nodes = r->capacity + st->max_ghost;
	if (ph_init(&st->hash, r->km, nodes) < 0)
		goto fail0;
	if (ph_pool_init(&st->pool, r->km, sizeof(struct lirs_node), nodes) < 0)
		goto fail1;
	rlist_init(&st->S);
	rlist_init(&st->Q);
	rlist_init(&st->ghosts);
	r->state = st;
	return 0;
fail1:
	ph_destroy(&st->hash, r->km);
fail0:
	kfree(r->km, st);
	return -ENOMEM;
}

static void lirs_destroy(struct repl *r)
{
	struct lirs_state *st = r->state;
	ph_pool_destroy(&st->pool, r->km);
	ph_destroy(&st->hash, r->km);
	kfree(r->km, st);
	r->state = NULL;
}

static void s_push_top(struct lirs_state *st, struct lirs_node *n)
{
	if (n->in_s)
		rlist_del(&n->s);
	rlist_add_tail(&st->S, &n->s);
	n->in_s = true;
}

static void s_unlink(struct lirs_node *n)
{
	rlist_del(&n->s);
	n->in_s = false;
}

static void forget(struct lirs_state *st, struct lirs_node *n)
{
	ph_del(&st->hash, &n->h);
	ph_pool_put(&st->pool, n);
}

/* Stack pruning: pops HIR entries off the bottom of S until an LIR page is
 * there (or S is empty).  Popped non-resident entries are forgotten. */
static void prune(struct lirs_state *st)
{
	while (!rlist_empty(&st->S)) {
		struct lirs_node *b = s_bottom(st);
		if (b->kind == LIR)
			return;
		s_unlink(b);
		if (b->kind == HIR_NONRES) {
			rlist_del(&b->q);
			st->nghost--;
			forget(st, b);
		}
	}
}

/* Demotes bottom LIR pages to resident HIR (end of Q) while there are more
 * LIR pages than Llirs. */
static void rebalance(struct lirs_state *st)
{
	while (st->nlir > st->llirs) {
		struct lirs_node *b = s_bottom(st);
		b->kind = HIR_RES;
		st->nlir--;
		s_unlink(b);
		rlist_add_tail(&st->Q, &b->q);
		prune(st);
	}
}

static void make_lir(struct lirs_state *st, struct lirs_node *n)
{
	n->kind = LIR;
	st->nlir++;
	s_push_top(st, n);
	rebalance(st);
}

static uint64_t lirs_insert(struct repl *r, uint64_t key)
{
	struct lirs_state *st = r->state;
	if (r->resident >= r->capacity)
		kpanic("repl lirs: insert beyond capacity %llu", (unsigned long long)r->capacity);
	struct ph_node *h = ph_find(&st->hash, key);
	struct lirs_node *n;
	if (h) {
		n = rlist_entry(h, struct lirs_node, h);
		if (n->kind != HIR_NONRES)
			kpanic("repl lirs: insert of resident key 0x%llx",
			       (unsigned long long)key);
		rlist_del(&n->q);            /* off the ghost list */
		st->nghost--;
		r->resident++;
		make_lir(st, n);             /* in S: its IRR beats the bottom LIR */
		return REPL_NO_HANDLE;
	}
	n = ph_pool_get(&st->pool);
	if (!n)
		kpanic("repl lirs: node pool exhausted");
	n->h.key = key;
	ph_add(&st->hash, &n->h);
	rlist_init(&n->s);
	rlist_init(&n->q);
	n->in_s = false;
	r->resident++;
	if (st->nlir < st->llirs) {          /* LIR space not yet full */
		make_lir(st, n);
		return REPL_NO_HANDLE;
	}
	n->kind = HIR_RES;
	s_push_top(st, n);
	rlist_add_tail(&st->Q, &n->q);
	return REPL_NO_HANDLE;
}

static void lirs_access(struct repl *r, uint64_t key, uint64_t handle)
{
	struct lirs_state *st = r->state;
	struct ph_node *h = ph_find(&st->hash, key);
	if (!h)
		return;
	struct lirs_node *n = rlist_entry(h, struct lirs_node, h);
	switch (n->kind) {
	case LIR: {
		bool was_bottom = st->S.next == &n->s;
		s_push_top(st, n);
		if (was_bottom)
			prune(st);
		break;
	}
	case HIR_RES:
		/* In S: its IRR beats the bottom LIR page's recency.  Or LIR
		 * space is free (pages were removed): fill it. */
		if (n->in_s || st->nlir < st->llirs) {
			rlist_del(&n->q);
			make_lir(st, n);
		} else {
			s_push_top(st, n);
			rlist_move_tail(&st->Q, &n->q);
		}
		break;
	default:                                  /* not resident: not a hit */
		break;
	}
}

/* Keeps n as a non-resident entry of S, forgetting the oldest entry when
 * over the cap. */
static void make_ghost(struct lirs_state *st, struct lirs_node *n)
{
	n->kind = HIR_NONRES;
	rlist_add_tail(&st->ghosts, &n->q);
	if (++st->nghost > st->max_ghost) {
		struct lirs_node *old = rlist_entry(st->ghosts.next, struct lirs_node, q);
		rlist_del(&old->q);
		s_unlink(old);                /* never S's bottom: that is LIR */
		st->nghost--;
		forget(st, old);
	}
}

static uint64_t lirs_victim(struct repl *r)
{
	struct lirs_state *st = r->state;
	if (r->resident == 0)
		return REPL_NONE;
	struct lirs_node *n;
	uint64_t key;
	r->resident--;
	if (!rlist_empty(&st->Q)) {
		n = rlist_entry(st->Q.next, struct lirs_node, q);
		key = n->h.key;
		rlist_del(&n->q);
		if (n->in_s)
			make_ghost(st, n);
		else
			forget(st, n);
		return key;
	}
	/* Only LIR pages are resident (after removals): evict the bottom one. */
	n = s_bottom(st);
	key = n->h.key;
	s_unlink(n);
	st->nlir--;
	forget(st, n);
	prune(st);
	return key;
}

static void lirs_remove(struct repl *r, uint64_t key, uint64_t handle)
{
	struct lirs_state *st = r->state;
	struct ph_node *h = ph_find(&st->hash, key);
	if (!h)
		return;
	struct lirs_node *n = rlist_entry(h, struct lirs_node, h);
	if (n->kind == HIR_NONRES)
		return;
	if (n->kind == LIR)
		st->nlir--;
	else
		rlist_del(&n->q);
	if (n->in_s)
		s_unlink(n);
	forget(st, n);
	r->resident--;
	prune(st);
}

static const char *lirs_check(struct repl *r)
{
	struct lirs_state *st = r->state;
	const char *e = ph_check(&st->hash);
	if (e)
		return e;
	uint64_t limit = st->pool.total;
	uint64_t ns = rlist_count(&st->S, limit), nq = rlist_count(&st->Q, limit);
	uint64_t ng = rlist_count(&st->ghosts, limit);
	if (ns == UINT64_MAX || nq == UINT64_MAX || ng == UINT64_MAX)
		return "repl lirs: broken list";
	if (!rlist_empty(&st->S) && s_bottom(st)->kind != LIR)
		return "repl lirs: bottom of S is not an LIR page (pruning missed)";
	uint64_t lir = 0, ghosts_in_s = 0;
	for (struct rlist *p = st->S.next; p != &st->S; p = p->next) {
		struct lirs_node *n = rlist_entry(p, struct lirs_node, s);
		if (!n->in_s || ph_find(&st->hash, n->h.key) != &n->h)
			return "repl lirs: S entry not flagged or not found by its key";
		lir += n->kind == LIR;
		ghosts_in_s += n->kind == HIR_NONRES;
	}
	for (struct rlist *p = st->Q.next; p != &st->Q; p = p->next)
		if (rlist_entry(p, struct lirs_node, q)->kind != HIR_RES)
			return "repl lirs: Q holds a page that is not resident HIR";
	for (struct rlist *p = st->ghosts.next; p != &st->ghosts; p = p->next) {
		struct lirs_node *n = rlist_entry(p, struct lirs_node, q);
		if (n->kind != HIR_NONRES || !n->in_s)
			return "repl lirs: ghost list holds a resident page or one out of S";
	}
	if (lir != st->nlir || st->nlir > st->llirs)
		return "repl lirs: LIR count wrong or above Llirs";
	if (ng != st->nghost || ghosts_in_s != ng || ng > st->max_ghost)
		return "repl lirs: non-resident entries miscounted";
	if (lir + nq != r->resident)
		return "repl lirs: LIR + resident HIR differs from resident count";
	if (st->hash.count != r->resident + ng ||
	    st->pool.nfree + st->hash.count != st->pool.total)
		return "repl lirs: hash or pool count wrong (leak)";
	return NULL;
}

const struct repl_ops repl_lirs_ops = {
	.name = "lirs",
	.needs_every_access = true,
	.init = lirs_init,
	.destroy = lirs_destroy,
	.insert = lirs_insert,
	.access = lirs_access,
	.victim = lirs_victim,
	.remove = lirs_remove,
	.check = lirs_check,
};
