#ifndef VMOS_TOOLS_INSPECT_H
#define VMOS_TOOLS_INSPECT_H
#include <stdio.h>
#include "kernel.h"
/* A pmap(1)-like summary of p: per region its size, resident, swapped and
 * shared pages (KiB), and totals. */
void inspect_pmap(struct kernel *k, struct proc *p, FILE *out);
/* The physical frame map: one character per frame, 64 per line, a frame
 * mapped by several processes marked shared (* user, + page cache); then
 * the counts by owner and of shared frames, and the first shared frames
 * with the processes that map each (at most 24 listed, then "... N more"). */
void inspect_frame_map(struct kernel *k, FILE *out);

/* One process mapping a frame: its pid and the (lowest) VA it maps it at. */
struct frame_mapper {
	uint32_t pid;
	uint64_t va;
};
/* The distinct processes that map frame pa (a user or page-cache frame;
 * 0 for any other): the max lowest pids in out, in pid order; returns how
 * many there are.  *cow: some mapping of it is copy-on-write. */
unsigned inspect_frame_mappers(struct kernel *k, uint64_t pa, struct frame_mapper *out,
			       unsigned max, bool *cow);
/* How a shared frame is shared, one word: "cow" or "shared" (a user page,
 * by cow), "shmem" (MAP_SHARED|MAP_ANONYMOUS memory) or "file". */
const char *inspect_share_kind(struct kernel *k, uint64_t pa, bool cow);
#endif
