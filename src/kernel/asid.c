/*
 * asid.c - the ASID allocator (see asid.h for the generation scheme).
 *
 * The map is a bitmap of count = 2^bits bits (8 KiB at 16 bits) from
 * kmalloc.  A search for a free ASID starts where the last one ended and
 * goes round once, a word at a time; it runs only when an address space
 * first gets an ASID or comes back after a rollover, never on a switch
 * between address spaces that hold current ASIDs.
 */
#include "asid.h"
#include "panic.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int asid_space_init(struct asid_space *a, struct kmem *km, struct mmu *mmu, unsigned bits)
{
	memset(a, 0, sizeof *a);
	if (bits < 1 || bits > ASID_BITS_MAX)
		return -EINVAL;
	a->count = 1u << bits;
	a->map = kzalloc(km, (size_t)asid_check_words(a) * sizeof(uint64_t));
	if (!a->map) {
		a->count = 0;
		return -ENOMEM;
	}
	a->km = km;
	a->mmu = mmu;
	a->bits = bits;
	a->gen = 1;
	a->next = 1;
	return 0;
}

void asid_space_destroy(struct asid_space *a)
{
	if (a->map)
		kfree(a->km, a->map);
	memset(a, 0, sizeof *a);
}

static inline bool map_test(const uint64_t *map, uint32_t id)
{
	return (map[id / 64] >> (id % 64)) & 1;
}

static inline void map_set(uint64_t *map, uint32_t id)
{
	map[id / 64] |= 1ULL << (id % 64);
}

static inline void map_clear(uint64_t *map, uint32_t id)
{
	map[id / 64] &= ~(1ULL << (id % 64));
}

/* A free ASID (not 0) at or after a->next, going round once; 0 if every
 * one is held. */
static uint32_t find_free(const struct asid_space *a)
{
	uint32_t words = asid_check_words(a);
	uint32_t start = a->next < a->count ? a->next : 1;
	for (uint32_t n = 0; n <= words; n++) {
		uint32_t w = (start / 64 + n) % words;
		uint64_t free = ~a->map[w];
		if (n == 0)
			free &= ~0ULL << (start % 64);      /* from start on */
		if (w == 0)
			free &= ~1ULL;                      /* ASID 0 is never handed out */
		if (a->count < 64)
			free &= (1ULL << a->count) - 1;     /* past the last ASID */
		if (free)
			return w * 64 + (uint32_t)__builtin_ctzll(free);
	}
	return 0;
}

/* Starts a new generation: flushes every ASID held in the old one except
 * keep's, clears the map, and carries keep's ASID over - unless there is
 * only one ASID (1 bit), which the caller needs. */
static void rollover(struct asid_space *a, struct asid_tag *keep)
{
	bool carry = keep && keep->gen == a->gen && keep->id && a->count > 2;
	uint32_t words = asid_check_words(a);
	for (uint32_t w = 0; w < words; w++)
		for (uint64_t bits = a->map[w]; bits; bits &= bits - 1) {
			uint32_t id = w * 64 + (uint32_t)__builtin_ctzll(bits);
			if (carry && id == keep->id)
				continue;
			mmu_sfence_vma(a->mmu, false, 0, true, (uint16_t)id);
			a->rollover_flushes++;
		}
	memset(a->map, 0, (size_t)words * sizeof(uint64_t));
	a->gen++;
	a->held = 0;
	a->next = 1;
	a->rollovers++;
	if (carry) {
		map_set(a->map, keep->id);
		a->held = 1;
		keep->gen = a->gen;
	}
}

static void take(struct asid_space *a, struct asid_tag *t, uint32_t id)
{
	map_set(a->map, id);
	a->held++;
	a->next = id + 1;
	a->assigned++;
	t->id = (uint16_t)id;
	t->gen = a->gen;
}

bool asid_try_assign(struct asid_space *a, struct asid_tag *t)
{
	if (!a->gen || t->gen == a->gen)
		return true;
	uint32_t id = find_free(a);
	if (id)
		take(a, t, id);
	return id != 0;
}

void asid_assign(struct asid_space *a, struct asid_tag *t, struct asid_tag *keep)
{
	if (asid_try_assign(a, t))
		return;
	rollover(a, keep);
	uint32_t id = find_free(a);
	if (!id)
		kpanic("asid_assign: no free ASID right after a rollover (%u bits)", a->bits);
	take(a, t, id);
}

void asid_release(struct asid_space *a, struct asid_tag *t)
{
	if (a->gen && t->gen == a->gen && t->id) {
		if (!map_test(a->map, t->id))
			kpanic("asid_release: ASID %u is not held", t->id);
		map_clear(a->map, t->id);
		a->held--;
	}
	t->gen = 0;
}

const char *asid_check_one(const struct asid_space *a, uint64_t *seen, uint32_t pid,
			   const struct asid_tag *t)
{
	static char msg[160];
	if (!a->gen || t->gen != a->gen)
		return NULL;              /* off, or stale: holds nothing */
	if (t->id == 0 || t->id >= a->count) {
		snprintf(msg, sizeof msg, "asid: pid %u holds ASID %u, outside 1..%u", pid, t->id,
			 a->count - 1);
		return msg;
	}
	if (map_test(seen, t->id)) {
		snprintf(msg, sizeof msg, "asid: pid %u holds ASID %u, which another live address space holds in generation %llu",
			 pid, t->id, (unsigned long long)a->gen);
		return msg;
	}
	map_set(seen, t->id);
	if (!map_test(a->map, t->id)) {
		snprintf(msg, sizeof msg, "asid: pid %u holds ASID %u, free in the map", pid, t->id);
		return msg;
	}
	return NULL;
}

const char *asid_check_end(const struct asid_space *a, const uint64_t *seen)
{
	static char msg[160];
	if (!a->gen)
		return NULL;
	uint32_t held = 0;
	for (uint32_t w = 0; w < asid_check_words(a); w++) {
		if (a->map[w] != seen[w]) {
			uint32_t id = w * 64 + (uint32_t)__builtin_ctzll(a->map[w] ^ seen[w]);
			snprintf(msg, sizeof msg, "asid: ASID %u is %s in the map but %s by a live address space",
				 id, map_test(a->map, id) ? "set" : "clear",
				 map_test(seen, id) ? "held" : "not held");
			return msg;
		}
		held += (uint32_t)__builtin_popcountll(a->map[w]);
	}
	if (held != a->held) {
		snprintf(msg, sizeof msg, "asid: %u ASIDs in the map, counter says %u", held, a->held);
		return msg;
	}
	const struct tlb *tlb = &a->mmu->tlb;
	for (size_t i = 0; i < tlb->nentries; i++)
		if (tlb_tag_valid(tlb->tag[i]) && !tlb->e[i].global &&
		    (tlb->e[i].asid >= a->count || !map_test(a->map, tlb->e[i].asid))) {
			snprintf(msg, sizeof msg, "asid: the TLB holds an entry for va 0x%llx of ASID %u, which no address space holds",
				 (unsigned long long)(tlb_tag_vpn(tlb->tag[i]) << (12 + 9 * tlb_tag_level(tlb->tag[i]))),
				 tlb->e[i].asid);
			return msg;
		}
	return NULL;
}
