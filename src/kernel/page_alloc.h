/*
 * page_alloc.h - the buddy allocator over physical page frames.
 *
 * RAM is cut into 4 KiB frames, numbered from 0 at RAM_BASE.  Free memory is
 * kept as blocks of 2^order frames, each aligned to its own size, on one
 * doubly linked free list per order.  Allocation takes a block from the
 * smallest non-empty list of sufficient order and splits it in halves,
 * returning the unused halves to lower lists; freeing merges a block with its
 * buddy (frame number XOR 2^order) while the buddy is free and of the same
 * order.  Both are O(MAX_ORDER).  (Knowlton 1965; Knuth TAOCP vol. 1, 2.5.)
 *
 * Per-frame metadata (struct frame) is an array that lives in simulated RAM
 * itself, carved from the first frames at boot, so the RAM map shows what it
 * costs.
 */
#ifndef VMOS_KERNEL_PAGE_ALLOC_H
#define VMOS_KERNEL_PAGE_ALLOC_H

#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "ram.h"
#include "panic.h"
#include "riscv.h"

#define PA_MAX_ORDER 10            /* largest block: 2^10 frames = 4 MiB */
#define PA_NORDERS   (PA_MAX_ORDER + 1)
#define FRAME_NONE   0xffffffffu

/* Who owns an allocated frame: read by the frame map and the invariant
 * checker. */
enum frame_owner {
	FO_FREE = 0,       /* on a free list (head of a free block) or inside one */
	FO_BOOT,           /* the frame metadata array itself */
	FO_PAGE_TABLE,     /* a page-table page; owner_id = pid (0: kernel) */
	FO_SLAB,           /* a slab of a kmem cache */
	FO_KERNEL,         /* a whole-page kernel object (kmalloc > 4 KiB, ...) */
	FO_USER,           /* a user page; owner_id = pid of first owner */
	FO_ZERO,           /* the shared zero page */
	FO_VDSO,           /* vDSO code and data */
	FO_FILE,           /* cached page of an executable */
	FO_RESERVED,       /* held in a superpage reservation, not yet mapped;
	                      owner_id = pid (thp.h) */
	FO_NKINDS
};

/* frame.flags */
#define FRAME_HEAD   0x1   /* first frame of an allocated or free block */
#define FRAME_FREE   0x2   /* first frame of a free block (on a free list) */
#define FRAME_DIRTY  0x4   /* for swap: contents differ from backing store */
#define FRAME_ZEROFILL 0x8 /* user frame still all zeros unless a PTE's D bit says otherwise */
#define FRAME_REPL_GLOBAL 0x40 /* local replacement: this frame is managed by the global policy */
#define FRAME_SOFTREF 0x20 /* referenced: an A bit the working-set sampler cleared */
#define FRAME_KNOWN_ZERO 0x10 /* free frame whose contents are all zeros (PA_ZERO skips it) */
#define FRAME_HOT    0x80  /* free order-0 frame on the hot list, not in the buddy lists */

#define PA_HOT_MAX   32    /* frames the hot list holds */

struct proc;

/* One mapping of a user or file frame: process and virtual page (rmap.h). */
struct rmap_entry {
	struct proc *p;
	uint64_t va;
	struct rmap_entry *next;
};

/* 64 bytes, one cache line per frame (Linux's struct page is 64 bytes too):
 * a page fault touches one line of metadata for the frame it maps and one
 * for the frame it evicts. */
struct frame {
	uint32_t refcount;     /* mappings / users of an allocated frame */
	uint32_t owner_id;     /* pid, cache id, ... see enum frame_owner */
	uint8_t  order;        /* block order (valid on FRAME_HEAD frames) */
	uint8_t  owner;        /* enum frame_owner */
	uint16_t flags;
	uint32_t priv;         /* owner's use (slab: cache id / head frame) */
	union {
		struct {
			uint32_t next, prev; /* free list links (frame numbers) while
			                        free; slab list links for slabs */
		};
		struct rmap_entry *rmap; /* user and file frames: every mapping */
	};
	uint64_t key;          /* user and file frames: replacement-policy key
	                          while mapped (REPL_NONE otherwise) */
	uint64_t repl_handle;  /* the policy's handle for key (replace.h) */
	struct rmap_entry first; /* the first mapping's entry, kept here so a
	                            page mapped once needs no rmap object
	                            (first.p == NULL: unused) */
};
_Static_assert(sizeof(struct frame) == 64, "struct frame is one cache line");

/* Fault injection shared by the kernel's allocators: when countdown reaches
 * zero the allocation in progress fails; a negative countdown is off. */
struct alloc_faults {
	int64_t countdown;
	uint64_t injected;
};

struct page_alloc {
	struct ram *ram;
	uint64_t base;             /* ram->base, kept here for the hot paths */
	struct frame *frames;      /* nframes entries, in RAM */
	uint32_t nframes;
	uint32_t first_usable;     /* frames below this hold the metadata */
	uint32_t free_head[PA_NORDERS];
	uint64_t nfree[PA_NORDERS];    /* free blocks per order */
	uint64_t free_frames;
	uint64_t allocs, frees, failed; /* calls */
	uint64_t handed_over;      /* frames passed from one owner to the next
	                              by page_reassign, never freed between */
	uint64_t in_use_peak;
	uint64_t by_owner[FO_NKINDS];   /* frames allocated per owner kind */
	/* Hot list (Linux's per-CPU page lists): single frames freed recently,
	 * handed out again first without splitting or merging.  They count as
	 * free; the buddy lists and nfree do not include them. */
	uint32_t hot[PA_HOT_MAX];
	uint32_t nhot;
	bool debug;                /* poison freed frames, check double frees */
	struct alloc_faults *faults;
};

/* flags for page_alloc_frames */
#define PA_ZERO   0x1      /* zero the block */

/* Sets up the allocator over ram: places the frame array in the first frames
 * (tagged FO_BOOT) and frees the rest, as known to be zero: ram must be fresh
 * from ram_init (all zeros).  Returns 0, or -ENOMEM if RAM is too
 * small to hold its own metadata. */
int page_alloc_init(struct page_alloc *pa, struct ram *ram);

/* Returns the hot list's frames to the buddy lists (merging them). */
void page_alloc_drain(struct page_alloc *pa);

/* Frame number <-> physical address <-> metadata. */
static inline uint32_t pa_to_frame(const struct page_alloc *pa, uint64_t addr)
{
	return (uint32_t)((addr - pa->base) >> PGSHIFT);
}
static inline uint64_t frame_to_pa(const struct page_alloc *pa, uint32_t fn)
{
	return pa->base + ((uint64_t)fn << PGSHIFT);
}
static inline struct frame *pa_frame(const struct page_alloc *pa, uint64_t addr)
{
	return &pa->frames[pa_to_frame(pa, addr)];
}

/* ---- allocation and freeing ------------------------------------------------
 * Every page fault under memory pressure frees one frame and allocates one;
 * that pair runs inline below, through the hot list, and everything else
 * (blocks, an empty or full hot list, fault injection, debug poisoning)
 * through the general functions in page_alloc.c. */

/* The general paths of page_alloc_frames and page_free_frames_hint. */
uint64_t page_alloc_block(struct page_alloc *pa, unsigned order, unsigned flags,
			  enum frame_owner owner, uint32_t owner_id);
void page_free_block(struct page_alloc *pa, uint64_t addr, unsigned order, bool zeroed);

/* Hands out the single frame fn, just taken off the free structures: zeroes
 * it if asked and not known to be zero, sets its metadata and the counters.
 * Returns its address.  (Blocks: page_alloc.c.) */
static inline uint64_t pa_take_frame(struct page_alloc *pa, uint32_t fn, unsigned flags,
				     enum frame_owner owner, uint32_t owner_id)
{
	struct frame *f = &pa->frames[fn];
	uint64_t addr = frame_to_pa(pa, fn);
	if ((flags & PA_ZERO) && !(f->flags & FRAME_KNOWN_ZERO))
		memset(ram_ptr(pa->ram, addr), 0, PGSIZE);
	f->flags = FRAME_HEAD;
	f->order = 0;
	f->refcount = 1;
	f->next = f->prev = FRAME_NONE;
	f->priv = 0;
	f->owner = (uint8_t)owner;
	f->owner_id = owner_id;
	pa->free_frames--;
	pa->by_owner[owner]++;
	pa->allocs++;
	uint64_t in_use = pa->nframes - pa->free_frames;
	if (in_use > pa->in_use_peak)
		pa->in_use_peak = in_use;
	return addr;
}

/* Allocates 2^order contiguous frames, aligned to their size.  Returns the
 * physical address of the first, or 0 if no block is free (or a fault was
 * injected).  Every frame of the block gets owner/owner_id; the head frame
 * gets refcount 1. */
static inline uint64_t page_alloc_frames(struct page_alloc *pa, unsigned order, unsigned flags,
					 enum frame_owner owner, uint32_t owner_id)
{
	if (order == 0 && pa->nhot && (!pa->faults || pa->faults->countdown < 0))
		return pa_take_frame(pa, pa->hot[--pa->nhot], flags, owner, owner_id);
	return page_alloc_block(pa, order, flags, owner, owner_id);
}

/* Stops the kernel with the reason addr cannot be freed with order. */
void pa_bad_free(const struct page_alloc *pa, uint64_t addr, unsigned order)
	__attribute__((noreturn, cold));

/* Checks that addr is a block of order that may be freed (else kpanic),
 * returns its head frame after clearing its metadata and counting it free.
 * Contents: see page_free_frames_hint. */
static inline __attribute__((always_inline)) struct frame *
pa_release(struct page_alloc *pa, uint64_t addr, unsigned order, bool zeroed)
{
	uint64_t off = addr - pa->base;
	uint64_t fn = off >> PGSHIFT;
	/* one test for: outside RAM or unaligned, a boot frame, not the head
	 * of an allocated block, or another order */
	if (__builtin_expect((off & PGMASK) |
			     (fn - pa->first_usable >= pa->nframes - pa->first_usable), 0))
		pa_bad_free(pa, addr, order);
	struct frame *f = &pa->frames[fn];
	if (__builtin_expect(((f->flags & (FRAME_HEAD | FRAME_FREE)) != FRAME_HEAD) |
			     (f->order != order), 0))
		pa_bad_free(pa, addr, order);
	uint32_t n = 1u << order;
	pa->by_owner[f->owner] -= n;
	for (uint32_t i = 0; i < n; i++) {
		f[i].owner = FO_FREE;
		f[i].owner_id = 0;
		f[i].flags = zeroed && !pa->debug ? FRAME_KNOWN_ZERO : 0;
		f[i].refcount = 0;
	}
	pa->free_frames += n;
	pa->frees++;
	return f;
}

/* page_free_frames, telling the allocator whether the block is all zeros,
 * so that a later PA_ZERO allocation need not clear it again.  With debug
 * on, freed frames are poisoned (and never known to be zero). */
static inline __attribute__((always_inline)) void
page_free_frames_hint(struct page_alloc *pa, uint64_t addr, unsigned order, bool zeroed)
{
	if (order == 0 && pa->nhot < PA_HOT_MAX && !pa->debug) {
		struct frame *f = pa_release(pa, addr, 0, zeroed);
		f->flags |= FRAME_HEAD | FRAME_FREE | FRAME_HOT;
		f->order = 0;
		pa->hot[pa->nhot++] = (uint32_t)(f - pa->frames);
		return;
	}
	page_free_block(pa, addr, order, zeroed);
}

/* Gives the allocated single frame addr - whose contents are all zeros -
 * to a new owner as if it had been freed and allocated again: the metadata
 * of a fresh allocation, the owner counts moved, no trip through the free
 * lists.  Reclaim uses it to hand the frame it freed to the allocation that
 * needed it.  Anything but an allocated order-0 block stops the kernel. */
static inline void page_reassign(struct page_alloc *pa, uint64_t addr, enum frame_owner owner,
				 uint32_t owner_id)
{
	struct frame *f = pa_frame(pa, addr);
	if (__builtin_expect(((f->flags & (FRAME_HEAD | FRAME_FREE)) != FRAME_HEAD) | (f->order != 0) |
			     (f->owner == FO_FREE), 0))
		kpanic("page_reassign: 0x%llx is not an allocated frame", (unsigned long long)addr);
	pa->by_owner[f->owner]--;
	pa->by_owner[owner]++;
	f->flags = FRAME_HEAD;
	f->refcount = 1;
	f->next = f->prev = FRAME_NONE;
	f->priv = 0;
	f->owner = (uint8_t)owner;
	f->owner_id = owner_id;
	pa->handed_over++;
}

/* Turns the allocated block at addr of order `order` into 2^order
 * allocated single frames, each with the block's owner and one reference,
 * so that each can be freed (and retagged) on its own; they merge back in
 * the buddy lists as they are freed.  kpanics if addr is not such a block. */
static inline void page_alloc_split(struct page_alloc *pa, uint64_t addr, unsigned order)
{
	struct frame *f = pa_frame(pa, addr);
	if ((f->flags & (FRAME_HEAD | FRAME_FREE)) != FRAME_HEAD || f->order != order)
		kpanic("page_alloc_split: 0x%llx is not an allocated block of order %u",
		       (unsigned long long)addr, order);
	for (uint32_t i = 0; i < (1u << order); i++) {
		f[i].flags = FRAME_HEAD;
		f[i].order = 0;
		f[i].refcount = 1;
		f[i].next = f[i].prev = FRAME_NONE;
		f[i].priv = 0;
	}
	pa->allocs += (1u << order) - 1;     /* each frame is freed on its own */
}

/* Gives the allocated single frame addr a new owner (the owner counts
 * follow).  kpanics on anything but an allocated order-0 block. */
static inline void page_retag(struct page_alloc *pa, uint64_t addr, enum frame_owner owner,
			      uint32_t owner_id)
{
	struct frame *f = pa_frame(pa, addr);
	if ((f->flags & (FRAME_HEAD | FRAME_FREE)) != FRAME_HEAD || f->order != 0 || f->owner == FO_FREE)
		kpanic("page_retag: 0x%llx is not an allocated frame", (unsigned long long)addr);
	pa->by_owner[f->owner]--;
	pa->by_owner[owner]++;
	f->owner = (uint8_t)owner;
	f->owner_id = owner_id;
}

/* Frees a block allocated with page_alloc_frames with the same order.  A
 * double free or a bad address stops the kernel with a message. */
static inline void page_free_frames(struct page_alloc *pa, uint64_t addr, unsigned order)
{
	page_free_frames_hint(pa, addr, order, false);
}


uint64_t page_alloc_free_count(const struct page_alloc *pa);

/* Fragmentation index of an order, as Linux's extfrag_index: for a request
 * of that order, -1.0 if it would succeed; otherwise a value in [0,1] that
 * tends to 0 when failure is due to lack of memory and to 1 when it is due to
 * fragmentation. */
double page_alloc_frag_index(const struct page_alloc *pa, unsigned order);

/* Checks every invariant (see page_alloc.c).  Returns NULL if all hold,
 * otherwise a static message naming the first violation. */
const char *page_alloc_check(const struct page_alloc *pa);

/* Name of an owner kind ("page-table", "user", ...). */
const char *frame_owner_name(enum frame_owner o);

/* Prints a /proc/buddyinfo-like table. */
void page_alloc_print(const struct page_alloc *pa, FILE *out);

#endif
