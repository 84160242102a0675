/*
 * explain_notation.h - the notation every printout of a translation uses
 * (vmos explain, the page-table dump, the event log, the quiz): a PTE's
 * flags as the letters vrwxugad, an access as "load", "store" or "fetch".
 * A leaf of src/tools: it depends on the MMU's header alone, so the
 * printers below vmos run can share it without depending on each other.
 */
#ifndef VMOS_TOOLS_EXPLAIN_NOTATION_H
#define VMOS_TOOLS_EXPLAIN_NOTATION_H

#include <stdint.h>
#include "mmu.h"

/* Writes "vrwxugad" into buf (9 bytes): each letter if the PTE bit is set,
 * '-' if not (QEMU's `info mem` order, with V first). */
void explain_pte_flags(uint64_t pte, char buf[9]);

/* "load", "store" or "fetch". */
const char *explain_access_name(enum mmu_access acc);
/* Parses "load", "store" or "fetch" (also r, w, x).  Returns 0 or -1. */
int explain_parse_access(const char *s, enum mmu_access *acc);

/* The name of a page-fault or access-fault cause ("load page fault"), or
 * "fault" for another cause. */
const char *explain_cause_name(uint64_t cause);

#endif
