/*
 * thrash.h - when a run is called thrashing (vmos run --stats, vmos trace).
 *
 * The criterion is Denning's: a process thrashes when it spends more time
 * waiting for pages than computing, i.e. when its mean lifetime L (work done
 * between two page faults that must read a page back from swap) is shorter
 * than the time S to serve such a fault ("Thrashing: its causes and
 * prevention", AFIPS 1968; the page-fault-frequency view of Chu and
 * Opderbeck 1972 uses the same quantity).  vmos does not model time, so S is
 * fixed in instructions: THRASH_MAX_LIFETIME = 10,000 instructions, i.e.
 * 10 us at 1e9 instructions per second, a fast SSD's page read; a disk would
 * make it 100 to 1000 times longer, so the criterion is conservative.
 *
 * Only swap-ins count (a page coming back after eviction): first touches
 * (demand-zero, file pages) are compulsory and happen however much memory
 * there is.  And a verdict needs evidence: at least THRASH_MIN_WINDOW units
 * of work and THRASH_MIN_SWAPINS swap-ins, so a short program with a few
 * swap-ins (2 in 12,000 instructions) is never called thrashing.
 *
 * The unit of work is the instruction for `vmos run` and the reference
 * for `vmos trace` (a trace holds only memory references, at least one
 * instruction each, so a trace's lifetime in references is at most its
 * lifetime in instructions: the same thresholds flag traces slightly more
 * readily), and what counts is the re-fault: a miss on a page the trace
 * referenced before (its contents must come back, from swap or from the
 * file the trace's pages stand for).  docs/trace.md states the criterion.
 */
#ifndef VMOS_TOOLS_THRASH_H
#define VMOS_TOOLS_THRASH_H

#include <stdbool.h>
#include <stdint.h>

#define THRASH_MIN_WINDOW   100000ULL   /* instructions (references) observed */
#define THRASH_MIN_SWAPINS  1000ULL     /* swap-ins observed */
#define THRASH_MAX_LIFETIME 10000ULL    /* mean work between swap-ins below this: thrashing */

/* True if `work` instructions (or references) with `swapins` swap-ins meet
 * the criterion above. */
static inline bool thrash_judge(uint64_t work, uint64_t swapins)
{
	return work >= THRASH_MIN_WINDOW && swapins >= THRASH_MIN_SWAPINS &&
	       work < swapins * THRASH_MAX_LIFETIME;
}

#endif
