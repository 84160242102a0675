#ifndef VMOS_TOOLS_INSPECT_H
#define VMOS_TOOLS_INSPECT_H
#include <stdio.h>
#include "kernel.h"
/* A /proc/PID/maps-like listing of p, with resident pages per region. */
void inspect_maps(struct kernel *k, struct proc *p, FILE *out);
/* The physical frame map: one character per frame, 64 per line. */
void inspect_frame_map(struct kernel *k, FILE *out);
#endif
