/*
 * trace_replay.h - one replay of memory-reference traces through a freshly
 * booted kernel (see trace_replay.c); used by `vmos trace` and its sweeps.
 */
#ifndef VMOS_TOOLS_TRACE_REPLAY_H
#define VMOS_TOOLS_TRACE_REPLAY_H

#include <stdbool.h>
#include "kernel.h"
#include "trace_read.h"

#define MAX_TRACES 16

struct trace_opts {
	struct kernel_config cfg;
	uint64_t quantum;            /* references per time slice */
	uint64_t window;             /* working-set window, references */
	bool progress, stats;
	const char *json;
};

struct replay_result {
	uint64_t refs, hits, misses;
	uint64_t swap_out, swap_in, dropped;
	double seconds;
	int error;
};

/* Boots a machine with o->cfg, replays the n traces as n processes, fills
 * res; with print, writes the --stats text / --stats-json file.  Returns 0,
 * or -1 (a message has been printed). */
int trace_replay(struct trace *traces, int n, const struct trace_opts *o, struct replay_result *res,
		 bool print);

#endif
