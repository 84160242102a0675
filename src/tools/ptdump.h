/*
 * ptdump.h - a process's page table as a person reads it: contiguous runs
 * of pages with the same flags merged into one line (QEMU's `info mem`),
 * with the page-table pages counted per level and the memory they cost; and
 * a raw dump of one table page (every non-zero entry) for the quiz.
 */
#ifndef VMOS_TOOLS_PTDUMP_H
#define VMOS_TOOLS_PTDUMP_H

#include <stdio.h>
#include "kernel.h"

struct ptdump_stats {
	uint64_t table_pages[5];   /* user-half page-table pages per level, root included */
	uint64_t tables;           /* their sum */
	uint64_t leaves;           /* valid leaf PTEs (pages or superpages) */
	uint64_t invalid_entries;  /* non-zero PTEs with V=0 (swapped, PROT_NONE) */
	uint64_t runs;             /* lines printed */
	uint64_t kernel_entries;   /* valid root entries of the kernel half (shared) */
};

/* Dumps the user half of the table rooted at satp (levels from satp) as
 * merged runs; out may be NULL to only count.  Fills *st if not NULL. */
void ptdump_satp(const struct ram *ram, uint64_t satp, FILE *out, struct ptdump_stats *st);

/* ptdump_satp for process p, with a heading line. */
void ptdump_proc(struct kernel *k, struct proc *p, FILE *out, struct ptdump_stats *st);

/* Prints every non-zero entry of the table page at table_pa (a table of
 * `level`), one per line: index, PTE address, value, flags, target.
 * Entries from skip_from on are summarised in one line (the kernel half of
 * a root); pass 512 to print all. */
void ptdump_table(const struct ram *ram, uint64_t table_pa, int level, unsigned skip_from,
		  const char *indent, FILE *out);

#endif
