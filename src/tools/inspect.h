#ifndef VMOS_TOOLS_INSPECT_H
#define VMOS_TOOLS_INSPECT_H
#include <stdio.h>
#include "kernel.h"
/* A pmap(1)-like summary of p: per region its size, resident, swapped and
 * shared pages (KiB), and totals. */
void inspect_pmap(struct kernel *k, struct proc *p, FILE *out);
/* The physical frame map: one character per frame, 64 per line. */
void inspect_frame_map(struct kernel *k, FILE *out);
#endif
