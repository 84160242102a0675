/*
 * replace.h - pluggable page-replacement policies.
 *
 * The kernel keeps one policy instance (struct repl) per set of frames it
 * manages: one global instance, or one per process for local replacement.
 * Pages are named by a 64-bit key the kernel chooses (e.g. pid<<40 | vpn);
 * REPL_NONE (all ones) is reserved.  The kernel tells the instance when a
 * page becomes resident (insert, after a miss), when a resident page is
 * referenced (access, a hit), and asks it for a victim when memory is full.
 *
 *   kernel                         policy instance
 *   ------                         ---------------
 *   miss on key:   if resident == capacity: v = victim()  (v is forgotten)
 *                  h = insert(key)
 *   hit on key:    access(key, h)  (only needed when ops->needs_every_access)
 *   unmap / exit:  remove(key, h)
 *
 * The handle h: insert returns an opaque word naming the policy's record of
 * the key, which the caller keeps beside the page while it is resident and
 * passes back with every access and remove (the kernel keeps it in the
 * frame's metadata, as Linux keeps its LRU links in struct page).  With it,
 * fifo, lru and clock find a page's record without a hash lookup; a policy
 * that returns REPL_NO_HANDLE finds keys by itself and ignores the handle.
 * A handle is valid from its insert until the key stops being resident
 * (victim or remove); passing a stale or foreign handle is a caller bug.
 *
 * Policies (see docs/replacement.md and each replace_*.c):
 *   fifo     first in, first out
 *   clock    second chance on the hardware A bit (test_and_clear_ref)
 *   lru      exact least recently used            (needs every access)
 *   random   uniform, seeded, deterministic
 *   lirs     LIRS, Jiang & Zhang 2002, 1% HIR     (needs every access)
 *   opt      Belady's MIN, needs next_use         (needs every access)
 *
 * Every instance reserves at init all the memory it will ever use
 * (capacity nodes, plus a bounded history for LIRS), so insert, access,
 * victim and remove never allocate and cannot fail.  Each is O(1) except
 * opt (O(log n)) and clock's victim (amortised O(1): each sweep step clears
 * an A bit).
 */
#ifndef VMOS_KERNEL_REPLACE_H
#define VMOS_KERNEL_REPLACE_H

#include <stdint.h>
#include <stdbool.h>
#include "slab.h"

#define REPL_NONE UINT64_MAX   /* "no key": victim() of an empty instance */
#define REPL_NO_HANDLE 0       /* insert's result for policies that look keys up */

struct repl;

struct repl_ops {
	const char *name;          /* "fifo", "clock", "lru", "random", "lirs", "opt" */
	bool needs_every_access;   /* exact only when every reference is reported */
	/* Sets up r->state for r->capacity frames.  Returns 0 or -ENOMEM
	 * (nothing left allocated). */
	int  (*init)(struct repl *r);
	/* Frees everything init and the operations allocated. */
	void (*destroy)(struct repl *r);
	/* key became resident (after a miss); returns its handle.  Contract:
	 * key not resident and resident < capacity; a violation is a kernel
	 * bug (kpanic). */
	uint64_t (*insert)(struct repl *r, uint64_t key);
	/* A reference to key (a hit), with the handle insert returned for it.
	 * A key that is not resident is ignored; so is one whose handle names
	 * another key (a shared frame resident under another mapping's key). */
	void (*access)(struct repl *r, uint64_t key, uint64_t handle);
	/* Chooses a resident key to evict, forgets it as resident and returns
	 * it; REPL_NONE if nothing is resident. */
	uint64_t (*victim)(struct repl *r);
	/* key, with its handle, stopped being resident for another reason
	 * (unmap, exit); a key that is not resident is ignored. */
	void (*remove)(struct repl *r, uint64_t key, uint64_t handle);
	/* Walks the policy's structures: NULL if consistent, else a message. */
	const char *(*check)(struct repl *r);
};

struct repl {
	const struct repl_ops *ops;
	struct kmem *km;
	uint64_t capacity;         /* frames this instance manages (>= 1) */
	uint64_t now;              /* reference counter, advanced by the caller per reference */
	/* Hardware reference bit, for clock: returns the A bit of the page and
	 * clears it.  Required by clock; NULL means "never referenced".  aux
	 * points at a word the policy keeps with the page, 0 when the page
	 * became resident, that the callback may use as it likes while the page
	 * stays resident (the kernel keeps an opaque pmap cookie there: pmap.h). */
	bool (*test_and_clear_ref)(void *ctx, uint64_t key, uint64_t *aux);
	void *ctx;
	/* OPT only (required): the position of the next reference of key
	 * after now, UINT64_MAX if never.  Called from insert and access with
	 * key being the key referenced at now. */
	uint64_t (*next_use)(void *ctx, uint64_t key);
	uint64_t seed;             /* random: PRNG seed (0 picks a fixed default) */
	void *state;               /* policy private */
	uint64_t resident;         /* count, maintained by the policy */
};

/* The policy named name, or NULL if unknown. */
const struct repl_ops *repl_find(const char *name);
/* "fifo, clock, lru, random, lirs, opt", for --help. */
const char *repl_names(void);
/* The n-th registered policy (0-based), NULL past the end. */
const struct repl_ops *repl_policy(unsigned n);

/* Sets up r (callbacks, ctx and seed must be set by the caller before or
 * after, as long as before the first operation: repl_init keeps what is
 * already in r for them).  Returns 0, -EINVAL for capacity 0 or a NULL
 * ops/km, or -ENOMEM (nothing left allocated). */
int  repl_init(struct repl *r, const struct repl_ops *ops, struct kmem *km, uint64_t capacity);
/* Frees all the instance's memory; r may be initialised again. */
void repl_destroy(struct repl *r);
/* Invariant checker: NULL if consistent, else a message naming the policy
 * and the first violation. */
const char *repl_check(struct repl *r);

/* Calls through the ops table (what the kernel should use). */
static inline uint64_t repl_insert(struct repl *r, uint64_t key) { return r->ops->insert(r, key); }
static inline void repl_access(struct repl *r, uint64_t key, uint64_t handle)
{
	r->ops->access(r, key, handle);
}
static inline uint64_t repl_victim(struct repl *r) { return r->ops->victim(r); }
static inline void repl_remove(struct repl *r, uint64_t key, uint64_t handle)
{
	r->ops->remove(r, key, handle);
}

#endif
