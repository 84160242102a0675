#ifndef VMOS_TOOLS_TRACE_H
#define VMOS_TOOLS_TRACE_H
/* `vmos trace`: replays memory-reference traces through the kernel. */
int trace_main(int argc, char **argv);
#endif
