/*
 * figure.h - the course's figures drawn from a live kernel, as SVG
 * fragments (one <g> each, drawn from (0, 0), returning their height):
 *
 *   figure_spaces  every process's virtual pages beside physical memory,
 *                  a line from each page to its frame ("paging: pages to
 *                  frames", "three processes sharing memory"), holes drawn
 *                  as a broken axis labelled with their size, shared frames
 *                  (copy-on-write, zero page, file/text, vDSO) marked shared
 *   figure_walk    one process's page-table tree along the walk of one
 *                  address: the `--explain` steps as a picture
 *   figure_tlb     the TLB's contents: sets x ways, ASID, VPN -> PPN, flags
 *
 * picture.c puts them into every snapshot.  Output depends only on the
 * kernel's state (deterministic for a given run).
 */
#ifndef VMOS_TOOLS_FIGURE_H
#define VMOS_TOOLS_FIGURE_H

#include <stdio.h>
#include "kernel.h"

/* Width in pixels every figure fits in. */
#define FIGURE_W 1100

/* Copies s into buf (n bytes) with XML's special characters escaped;
 * returns buf. */
const char *fig_esc(const char *s, char *buf, size_t n);
/* The colour of a pid (hues spread by the golden angle), "hsl(...)". */
void fig_pid_colour(uint32_t pid, char buf[24]);

/* How a frame is shared, for figure_spaces (a class per row of the
 * table in figure.c: add page cache / shared mappings there). */
enum fig_share {
	SH_PRIVATE,    /* one mapping */
	SH_COW,        /* anonymous, several mappings, copy-on-write */
	SH_SHARED,     /* anonymous, several mappings, writable (shared mapping) */
	SH_ZERO,       /* the zero page */
	SH_FILE,       /* a file's page (program text and data, page cache) */
	SH_VDSO,       /* the vDSO */
	SH_SHMEM,      /* shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS) */
	SH_NCLASSES
};
const char *fig_share_name(enum fig_share s);

/* The page of pid fpid holding fva (if drawn) is outlined, its line bold. */
int figure_spaces(struct kernel *k, uint32_t fpid, uint64_t fva, FILE *o);
/* p's walk of va (a load); p NULL: says there is no process. */
int figure_walk(struct kernel *k, struct proc *p, uint64_t va, FILE *o);
int figure_tlb(struct kernel *k, FILE *o);

/* The frame map aggregated by owner group (figure_owners.c): a row per
 * group with its count, and per group a hidden block listing its frames
 * (the HTML page's drill-down).  Returns its height. */
int figure_owners(struct kernel *k, FILE *o);
/* A frame-map cell's group key ("user-3", "pt-3", "slab", "free", ...):
 * data-g of the cells and of the group rows.  id: the pid for FO_USER and
 * FO_PAGE_TABLE, else 0. */
void fig_owner_key(uint8_t owner, uint32_t id, char buf[32]);
/* Colours by owner kind (FO_*); user pages take their pid's colour. */
extern const char *const fig_owner_colours[FO_NKINDS];
void fig_owner_colour(uint8_t owner, uint32_t id, char buf[24]);

#endif
