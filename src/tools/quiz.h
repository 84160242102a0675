/*
 * quiz.h - `vmos quiz`: translation exercises on real page tables.
 */
#ifndef VMOS_TOOLS_QUIZ_H
#define VMOS_TOOLS_QUIZ_H

#include <stdio.h>
#include <stdint.h>
#include <stdbool.h>

struct quiz_opts {
	uint64_t seed;
	int levels;          /* 3 (Sv39) or 4 (Sv48) */
	unsigned count;      /* questions */
	bool answers;        /* print the worked answers */
};

/* Builds a random address space from o->seed in a freshly booted small
 * machine, prints satp, the page-table pages and the questions (and with
 * o->answers the step-by-step answers) on out.  Deterministic for a seed.
 * Returns 0, or 1 if the machine could not be built. */
int quiz_run(const struct quiz_opts *o, FILE *out);

/* `vmos quiz [--seed N] [--levels 3|4] [--count N] [--answers]`. */
int quiz_main(int argc, char **argv);

#include "options.h"
/* Its option table. */
extern const struct opt_command quiz_command;

#endif
