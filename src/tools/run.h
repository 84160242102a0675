#ifndef VMOS_TOOLS_RUN_H
#define VMOS_TOOLS_RUN_H
#include "options.h"
/* `vmos run`: parses its options, boots a machine, runs the programs and
 * returns the exit status (see run.c). */
int run_main(int argc, char **argv);
/* The option table of `vmos run` (vmos explain passes its options on). */
extern const struct opt_command run_command;
#endif
