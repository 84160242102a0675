/*
 * tlbview.h - the modeled TLB's contents as text: one line per valid entry
 * (set, way, ASID and the process holding it, VA page -> PA page, page
 * size, flags vrwxugad), the text twin of figure_tlb's picture.  Used by
 * the debugger's `monitor tlb` (gdbstub.c).
 */
#ifndef VMOS_TOOLS_TLBVIEW_H
#define VMOS_TOOLS_TLBVIEW_H

#include <stdio.h>
#include "kernel.h"

/* Prints a heading (entries, sets x ways, valid, current ASID) and every
 * valid entry in set and way order.  Reads the TLB only: no counter moves. */
void tlbview_print(struct kernel *k, FILE *out);

#endif
