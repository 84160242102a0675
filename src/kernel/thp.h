/*
 * thp.h - transparent superpages for private anonymous memory (docs/thp.md).
 *
 * Policy (--thp, like Linux's /sys/kernel/mm/transparent_hugepage/enabled):
 *   never    4 KiB pages only (the default: nothing changes)
 *   madvise  only regions marked with madvise(MADV_HUGEPAGE)
 *   always   every eligible region but those marked MADV_NOHUGEPAGE
 * A 2 MiB-aligned range is eligible when it lies wholly inside one private,
 * anonymous, readable and writable region (heap, bss, anonymous mmap),
 * holds no page yet, and the machine uses global replacement.
 *
 * Strategies (--thp-strategy):
 *   reserve  FreeBSD's reservations (Navarro et al., OSDI 2002; vm_reserv.c):
 *            the first fault in an eligible range reserves an aligned
 *            order-9 block from the buddy allocator; each fault maps the
 *            4 KiB frame of the block at the page's own offset; when all
 *            512 are mapped (and still this space's alone, same rights)
 *            pmap_promote replaces the 512 PTEs by one level-1 leaf.
 *   eager    Linux's "always": the first fault maps a zero-filled 2 MiB
 *            leaf at once.
 * Either way each of the 512 frames stays a frame of its own (refcount,
 * reverse-map entry, replacement-policy key), so reclaim, fork and every
 * 4 KiB operation work on them unchanged once pmap has split the leaf.
 *
 * Reservations are opportunistic: a block is taken only if the buddy
 * allocator has one and memory is not short.  Under pressure
 * (frame_make_room) the oldest reservation is broken - its unmapped frames
 * go back to the allocator - before any page is swapped out.  A
 * reservation is also broken when its range is unmapped, reprotected,
 * advised DONTNEED/FREE/NOHUGEPAGE, or its address space goes.
 *
 * Copy-on-write after fork (--thp-cow):
 *   split    (the default) fork splits the parent's superpages and shares
 *            4 KiB pages; the first write copies 4 KiB (Linux since 5.8
 *            splits on the COW fault as well)
 *   copy     fork shares each superpage whole, copy-on-write in both
 *            spaces; the first write copies all 2 MiB into a new block
 *            (or, if the writer's frames are its alone again, takes them
 *            over), so the writer keeps a superpage; without a free block
 *            it falls back to splitting
 * docs/thp.md measures the two.
 */
#ifndef VMOS_KERNEL_THP_H
#define VMOS_KERNEL_THP_H

#include <stdint.h>
#include <stdbool.h>

struct kernel;
struct proc;
struct mm;
struct vm_region;

enum thp_mode { THP_NEVER = 0, THP_MADVISE, THP_ALWAYS };
enum thp_strategy { THP_RESERVE = 0, THP_EAGER };
enum thp_cow { THP_COW_SPLIT = 0, THP_COW_COPY };

#define THP_PAGES      512u            /* 4 KiB pages in a superpage */
#define THP_SIZE       (2ULL << 20)

/* One reservation: an aligned block of 512 frames for the 2 MiB range at
 * va of address space mm; the frames not yet mapped are FO_RESERVED. */
struct thp_resv {
	struct mm *mm;
	uint64_t va, pa;
	uint64_t populated[THP_PAGES / 64];   /* bit i: frame i has been mapped */
	unsigned npop;
	struct thp_resv *hnext;                /* hash chain */
	struct thp_resv *older, *newer;        /* age list, for breaking */
};

#define THP_HASH 256

/* The machine's reservations and counters (in struct kernel). */
struct thp_state {
	struct thp_resv **hash;       /* THP_HASH chains (kzalloc'd at boot unless never) */
	struct thp_resv *oldest, *newest;
	uint64_t count;               /* reservations held */
	uint64_t free_frames;         /* their frames not yet mapped (FO_RESERVED) */
	/* counters (--stats) */
	uint64_t resv_made, resv_broken, resv_failed, resv_completed;
	uint64_t frames_returned;     /* unmapped frames given back by breaking */
	uint64_t eager_maps, eager_failed;
	uint64_t promotions, promotion_failed;
	uint64_t fork_shared;         /* superpages fork shared whole (--thp-cow copy) */
	uint64_t collapse_passes, collapses;   /* --thp-collapse: passes run, ranges collapsed */
	uint64_t next_collapse;       /* instret of the next pass */
	uint32_t scan_pid;            /* where the last pass stopped: address space */
	uint64_t scan_va;             /* and 2 MiB range */
	uint64_t cow_copies, cow_reuses, cow_split;   /* COW faults on them: copied 2 MiB,
	                                                 took the frames over, split */
};

/* Parses a --thp value into *mode.  Returns 0 or -1. */
int thp_parse_mode(const char *s, enum thp_mode *mode);
int thp_parse_strategy(const char *s, enum thp_strategy *st);
int thp_parse_cow(const char *s, enum thp_cow *c);
const char *thp_cow_name(enum thp_cow c);
const char *thp_mode_name(enum thp_mode m);
const char *thp_strategy_name(enum thp_strategy s);

/* Boot: the reservation table.  Returns 0 or -ENOMEM. */
int thp_init(struct kernel *k);
void thp_shutdown(struct kernel *k);

/* The fault handler's door: an absent page at (page-aligned) va of
 * anonymous region r of p.  If va's 2 MiB range is eligible, maps the page
 * from a reservation (making one if needed, promoting when it fills) or,
 * eager, the whole range as a superpage, and returns 0; returns 1 if THP
 * does not apply (the caller maps a 4 KiB page as usual), or -ENOMEM. */
int thp_fault(struct kernel *k, struct proc *p, struct vm_region *r, uint64_t va);

/* fork: makes child's page tables share parent's superpages under
 * --thp-cow (split: splits them all in parent, child gets 4 KiB pages from
 * fork's page copy; copy: each superpage becomes copy-on-write in parent
 * and is entered whole in child, each frame gaining a reference and a
 * reverse mapping).  fork's page-by-page copy then passes over pages with
 * pg->super.  Returns 0 or -ENOMEM (what was shared stays, for the child's
 * exit to release). */
int thp_fork(struct kernel *k, struct proc *parent, struct proc *child);
/* A store to the copy-on-write superpage at va of region r of p (pmap says
 * va is in one and its leaf is COW).  Returns 0 (served: copied or taken
 * over), 1 (not served: the caller splits and copies 4 KiB) or -ENOMEM. */
int thp_cow_fault(struct kernel *k, struct proc *p, struct vm_region *r, uint64_t va);

/* khugepaged's pass (--thp-collapse N: every N instructions, sched.c): looks
 * at up to THP_COLLAPSE_SCAN non-empty 2 MiB ranges of eligible regions,
 * going on where the last pass stopped, and collapses each whose 512 pages
 * are all present, valid and this space's alone (one reference) into a
 * new superpage: the pages are copied into an aligned block, their reverse
 * mappings moved, the table replaced by one leaf (pmap_collapse).  At most
 * THP_COLLAPSE_MAX ranges a pass; none when memory is short or no free
 * block is left.  A range with absent pages is left alone (Linux's
 * max_ptes_none = 0: no memory bloat). */
#define THP_COLLAPSE_SCAN 64
#define THP_COLLAPSE_MAX  8
void thp_collapse_pass(struct kernel *k);

/* Breaks the reservations of mm that overlap [start, end) (all of them for
 * start = 0, end = UINT64_MAX). */
void thp_break_range(struct kernel *k, struct mm *mm, uint64_t start, uint64_t end);
/* Breaks the oldest reservation.  Returns false if there was none. */
bool thp_break_oldest(struct kernel *k);

/* Checks the reservations (alignment, the frames' owners, the counts)
 * and, for p, every superpage mapping (its 512 frames user frames of p's
 * space with one reference and their reverse-map entry each).  NULL if
 * all holds. */
const char *thp_check(struct kernel *k);
const char *thp_check_space(struct kernel *k, struct proc *p);

/* True if region r may hold a superpage (smaps THPeligible). */
bool thp_region_eligible(struct kernel *k, const struct vm_region *r);
/* Bytes of p's [start, end) mapped by superpages (smaps AnonHugePages). */
uint64_t thp_mapped_bytes(struct proc *p, uint64_t start, uint64_t end);

#endif
