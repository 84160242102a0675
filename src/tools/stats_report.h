#ifndef VMOS_TOOLS_STATS_REPORT_H
#define VMOS_TOOLS_STATS_REPORT_H
#include <stdio.h>
#include "kernel.h"
/* Prints machine and per-process counters, human-readable. */
void stats_print(struct kernel *k, struct proc **procs, int n, FILE *out);
/* Writes the same as a JSON object to path.  Returns 0 or -1. */
int stats_write_json(struct kernel *k, struct proc **procs, int n, const char *path);
#endif
