/*
 * asid.h - the ASID allocator: hands every live address space an
 * address-space identifier (RISC-V satp.ASID, privileged spec 4.1.11) that
 * no other live address space holds, so the TLB can keep several
 * processes' entries at once and a process never hits another's.
 *
 * Generations, after Linux's arm64 and riscv allocators
 * (arch/riscv/mm/context.c): ASIDs 1 .. 2^bits - 1 are handed out from a
 * bitmap of the ones held in the current generation (0 is never handed out:
 * it is the ASID of --no-asid and of address spaces not yet given one).
 * Each address space records the ASID and the generation it got it in.
 *
 *   holds a current ASID      asid_gen == gen: its bit is set in the map
 *   stale                     asid_gen != gen: holds nothing; gets a new
 *                             ASID when it is next activated (lazily)
 *
 * When the map is full, a rollover starts a new generation: every ASID
 * held in the old one is flushed from the TLB (sfence.vma x0, asid: its
 * non-global entries; the kernel's global entries stay), the map is
 * cleared, and every address space becomes stale except the active one
 * (loaded in satp), which keeps its ASID and its TLB entries into the new
 * generation, as Linux keeps each hart's active ASID.  An ASID is also
 * given back when its address space is destroyed (pmap_destroy flushes
 * it first), so rollovers come only when more address spaces are in use
 * at once than there are ASIDs.
 *
 * Invariant (asid_check, run by kernel_check): no two live address spaces
 * hold the same ASID in the current generation, the map's bits are exactly
 * the ASIDs held, and every non-global TLB entry carries a held ASID.
 */
#ifndef VMOS_KERNEL_ASID_H
#define VMOS_KERNEL_ASID_H

#include <stdint.h>
#include <stdbool.h>
#include "mmu.h"
#include "slab.h"

#define ASID_BITS_MAX 16          /* satp.ASID is 16 bits wide in Sv39/Sv48 */

/* What an address space holds: its ASID and the generation it got it in. */
struct asid_tag {
	uint16_t id;              /* the ASID (0: none) */
	uint64_t gen;             /* 0: never given one (or the allocator is off) */
};

struct asid_space {
	struct mmu *mmu;
	struct kmem *km;
	unsigned bits;            /* ASID width 1..16; 0: allocator off (all ASID 0) */
	uint32_t count;           /* 2^bits; ASIDs 1 .. count-1 are handed out */
	uint64_t gen;             /* current generation: >= 1 when on, 0 when off */
	uint64_t *map;            /* bit a set: ASID a is held in this generation */
	uint32_t held;            /* bits set in map */
	uint32_t next;            /* where the search for a free ASID starts */
	/* counters (vmos run --stats) */
	uint64_t assigned;        /* ASIDs handed out */
	uint64_t rollovers;       /* new generations started */
	uint64_t rollover_flushes; /* sfence.vma issued by rollovers */
};

/* Turns the allocator on with ASIDs of `bits` bits (1..16).  Returns 0,
 * -EINVAL (bits out of range) or -ENOMEM.  A zeroed asid_space is off:
 * every address space keeps ASID 0 and generation 0, always current. */
int asid_space_init(struct asid_space *a, struct kmem *km, struct mmu *mmu, unsigned bits);
void asid_space_destroy(struct asid_space *a);

/* True if t holds a current ASID (always when the allocator is off). */
static inline bool asid_is_current(const struct asid_space *a, const struct asid_tag *t)
{
	return t->gen == a->gen;
}

/* Gives t a free ASID of the current generation if it has none, starting
 * a new generation (rollover) if none is free.  For the address space about
 * to be loaded in satp: keep is the one loaded now (or NULL), which keeps
 * its ASID across a rollover when there is more than one ASID; with one
 * ASID (1 bit) keep loses it and must not run again before it is
 * re-activated. */
void asid_assign(struct asid_space *a, struct asid_tag *t, struct asid_tag *keep);
/* Like asid_assign but never starts a new generation: true if t holds a
 * current ASID afterwards, false (t unchanged) if every ASID is held.  For
 * an address space created while another runs. */
bool asid_try_assign(struct asid_space *a, struct asid_tag *t);

/* Gives back t's ASID, whose TLB entries the caller has flushed, if it is
 * current (a stale one holds nothing); t becomes stale. */
void asid_release(struct asid_space *a, struct asid_tag *t);

/* Checking: asid_check_one for each live address space, then
 * asid_check_end; each returns NULL or what is wrong.  seen: scratch of
 * asid_check_words(a) words, zeroed by the caller. */
static inline uint32_t asid_check_words(const struct asid_space *a)
{
	return (a->count + 63) / 64;
}
const char *asid_check_one(const struct asid_space *a, uint64_t *seen, uint32_t pid,
			   const struct asid_tag *t);
const char *asid_check_end(const struct asid_space *a, const uint64_t *seen);

#endif
