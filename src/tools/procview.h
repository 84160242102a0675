/*
 * procview.h - the kernel's state in the formats of Linux's /proc files, so
 * that what a newcomer learned reading a Linux box reads the same here:
 *
 *   maps       /proc/PID/maps     one line per region (proc(5))
 *   smaps      /proc/PID/smaps    maps plus per-region memory accounting
 *   pagemap    /proc/PID/pagemap  the 64-bit entry of every page, as text
 *   buddyinfo  /proc/buddyinfo    free blocks per order
 *   slabinfo   /proc/slabinfo     slab caches (format version 2.1)
 *   vmstat     /proc/vmstat       machine-wide counters, Linux names
 *
 * `vmos run --proc FILE,..` (and --maps, --smaps, --pagemap) prints them on
 * stderr at each exit, at markers or at an instruction count (--proc-at).
 * Every figure is computed from the kernel's structures at that moment;
 * docs/running.md lists the Linux fields vmos cannot have and prints as 0.
 */
#ifndef VMOS_TOOLS_PROCVIEW_H
#define VMOS_TOOLS_PROCVIEW_H

#include <stdio.h>
#include "kernel.h"

/* Files (a bit each) */
#define PV_MAPS      0x01
#define PV_SMAPS     0x02
#define PV_PAGEMAP   0x04
#define PV_BUDDYINFO 0x08
#define PV_SLABINFO  0x10
#define PV_VMSTAT    0x20
#define PV_PER_PROC  (PV_MAPS | PV_SMAPS | PV_PAGEMAP)

/* Parses "maps,smaps,pagemap,buddyinfo,slabinfo,vmstat" (or "all") into a
 * PV_* mask.  Returns the mask, or 0 after a message on stderr. */
unsigned procview_parse(const char *s);

/* Pagemap entry bits (Documentation/admin-guide/mm/pagemap.rst). */
#define PM_PRESENT   (1ULL << 63)
#define PM_SWAP      (1ULL << 62)
#define PM_FILE      (1ULL << 61)   /* file page or shared anonymous */
#define PM_EXCLUSIVE (1ULL << 56)   /* mapped exactly once */
#define PM_SOFTDIRTY (1ULL << 55)   /* vmos: the PTE's D bit (see procview.c) */
#define PM_PFN_MASK  ((1ULL << 55) - 1)

/* The files for process p (/proc/PID/...), each with a heading line
 * "==> /proc/PID/FILE (NAME) WHEN <==" (when: e.g. "at exit"). */
void procview_maps(struct kernel *k, struct proc *p, FILE *out);
void procview_smaps(struct kernel *k, struct proc *p, FILE *out);
void procview_pagemap(struct kernel *k, struct proc *p, FILE *out);
/* The machine-wide files, without heading. */
void procview_buddyinfo(struct kernel *k, FILE *out);
void procview_slabinfo(struct kernel *k, FILE *out);
void procview_vmstat(struct kernel *k, FILE *out);

/* Prints every file of mask: the per-process ones for p (if not NULL),
 * then the machine-wide ones, each after a heading naming it and when. */
void procview_print(struct kernel *k, struct proc *p, unsigned mask, const char *when, FILE *out);

/* The pagemap entry of va in p (0: neither present nor swapped). */
uint64_t procview_pagemap_entry(struct kernel *k, struct proc *p, uint64_t va);

#endif
