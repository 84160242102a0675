#ifndef VMOS_TOOLS_RUN_H
#define VMOS_TOOLS_RUN_H
/* `vmos run`: parses its options, boots a machine, runs the programs and
 * returns the exit status (see run.c). */
int run_main(int argc, char **argv);
/* True if `vmos run` option o takes a value (the next argument). */
#include <stdbool.h>
bool run_option_takes_value(const char *o);
#endif
