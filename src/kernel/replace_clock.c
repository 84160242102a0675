/*
 * replace_clock.c - second-chance CLOCK on the hardware reference bit
 * (Corbato, "A paging experiment with the Multics system", 1968; the
 * textbook form in Tanenbaum, Modern Operating Systems, 3.4.5).
 *
 * The resident pages form a circle; the hand is the list head.  To choose a
 * victim the hand looks at the page under it: if its A bit is set
 * (test_and_clear_ref clears it) the page gets a second chance and the hand
 * moves on (the page goes to the tail, i.e. just behind the hand); the first
 * page found with A clear is evicted.  A new page is placed just behind the
 * hand, so it is examined last.  access() does nothing: CLOCK sees only what
 * the hardware records, so it works the same in trace replay (where the
 * kernel sets A on every reference) and on a running CPU.  A sweep
 * terminates: after one full turn every A bit is clear.
 */
#include "replace_impl.h"

static void clock_access(struct repl *r, uint64_t key, uint64_t handle) { }

static uint64_t clock_victim(struct repl *r)
{
	return clock_victim_with(r, r->test_and_clear_ref, r->ctx);
}

const struct repl_ops repl_clock_ops = {
	.name = "clock",
	.needs_every_access = false,
	.init = rq_init,
	.destroy = rq_destroy,
	.insert = rq_insert,
	.access = clock_access,
	.victim = clock_victim,
	.remove = rq_remove,
	.check = rq_check,
};
