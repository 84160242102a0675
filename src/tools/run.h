#ifndef VMOS_TOOLS_RUN_H
#define VMOS_TOOLS_RUN_H
/* `vmos run`: parses its options, boots a machine, runs the programs and
 * returns the exit status (see run.c). */
int run_main(int argc, char **argv);
#endif
