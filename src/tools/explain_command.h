/*
 * explain_command.h - the `vmos explain` command (explain_command.c): vmos run
 * with its --explain options under short names.
 */
#ifndef VMOS_TOOLS_EXPLAIN_COMMAND_H
#define VMOS_TOOLS_EXPLAIN_COMMAND_H

#include "options.h"

/* `vmos explain [RUN OPTIONS] [--va VA,..] [--at WHEN] [--access A,..]
 * [--pid P] PROGRAM [ARGS]`: vmos run with --explain options under short
 * names; without --va, the addresses marked by the program are explained. */
int explain_main(int argc, char **argv);

/* Its option table (short names for the vmos run options). */
extern const struct opt_command explain_command;

#endif
