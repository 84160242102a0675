#ifndef VMOS_TOOLS_TRACE_H
#define VMOS_TOOLS_TRACE_H
#include "options.h"
/* `vmos trace`: replays memory-reference traces through the kernel. */
int trace_main(int argc, char **argv);
/* Its option table. */
extern const struct opt_command trace_command;
#endif
