/*
 * swap.h - the swap device and page reclaim.
 *
 * The device is an in-memory area of 4 KiB slots (host memory standing for
 * a disk: it is not RAM of the machine).  Each slot has a reference count:
 * the number of PTEs that record the page as being in that slot (more than
 * one after fork).  The count never passes swap.share_max (at most
 * SWAP_SHARE_MAX): an operation that would pass it is refused - fork fails
 * with ENOMEM (as Linux's fork does when swap_duplicate cannot count one
 * more sharer), reclaim keeps a page mapped by more than that.
 *
 * Reclaim (vm_reclaim_one, in frame.c) asks the replacement policy for a victim page and
 * takes its frame away from every process that maps it (via the rmap):
 *   - a page-cache page of an executable is clean: dropped, and read again
 *     from the file on the next fault;
 *   - an anonymous page that was never written since it was zero-filled is
 *     still all zeros: dropped, zero-filled again on the next fault;
 *   - any other user page is written to a swap slot and every PTE that
 *     mapped it now records the slot.
 */
#ifndef VMOS_KERNEL_SWAP_H
#define VMOS_KERNEL_SWAP_H

#include "kernel.h"
#include "frame.h"

#define SWAP_MAX_BYTES (4ULL << 30)
#define SWAP_SHARE_MAX UINT32_MAX  /* the most PTEs sharing one slot */

/* Creates a swap area of bytes (0: none).  Returns 0, -EINVAL, -ENOMEM. */
int swap_init(struct kernel *k, uint64_t bytes);
void swap_destroy(struct kernel *k);

/* A free slot with one reference, or -ENOSPC. */
int64_t swap_alloc(struct kernel *k);
/* One more reference to a slot in use (a PTE about to record it).  Returns
 * 0, or -ENOMEM (nothing changed) if the slot already has share_max. */
int swap_dup(struct kernel *k, uint64_t slot);
/* Drops a reference; the slot is free at zero. */
void swap_put(struct kernel *k, uint64_t slot);
void swap_write(struct kernel *k, uint64_t slot, uint64_t pa);
void swap_read(struct kernel *k, uint64_t slot, uint64_t pa);

/* Reclaim itself (vm_reclaim, vm_reclaim_one) is frame.h's. */

/* Checks slot reference counts against the swap entries in every page
 * table plus what count_more (may be NULL) adds to seen[slot] - the slots
 * the page cache holds for swap-backed objects.  NULL if consistent. */
const char *swap_check(struct kernel *k, const char *(*count_more)(struct kernel *k, uint32_t *seen));

#endif
