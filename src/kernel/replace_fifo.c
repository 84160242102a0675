/*
 * replace_fifo.c - FIFO replacement: evict the page that became resident
 * first, whatever its references.  References are ignored, so FIFO needs no
 * A bit and no reported accesses; it is the policy that shows Belady's
 * anomaly (more frames, more faults: Belady, Nelson & Shedler, CACM 1969).
 */
#include "replace_impl.h"

static void fifo_access(struct repl *r, uint64_t key, uint64_t handle) { }

const struct repl_ops repl_fifo_ops = {
	.name = "fifo",
	.needs_every_access = false,
	.init = rq_init,
	.destroy = rq_destroy,
	.insert = rq_insert,
	.access = fifo_access,
	.victim = rq_victim_head,
	.remove = rq_remove,
	.check = rq_check,
};
