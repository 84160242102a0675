/*
 * picture.h - pictures of memory, taken as snapshots over time and written
 * as one SVG (the fullest snapshot) or a self-contained HTML page that steps
 * through all of them (slider, buttons, keyboard).  A snapshot draws the
 * figures of figure.h (pages to frames, the walk of one address, the TLB)
 * and, here, the physical frame map coloured by owner (each process, page
 * tables, kernel objects, free; zoomed to the used range) and each
 * process's address space (regions, resident and swapped pages).
 */
#ifndef VMOS_TOOLS_PICTURE_H
#define VMOS_TOOLS_PICTURE_H

#include <stdio.h>
#include <stdbool.h>
#include "kernel.h"

struct picture_snapshot {
	char label[96];
	uint64_t instret;
	uint64_t by_owner[FO_NKINDS]; /* frames per owner kind (FO_FREE: free frames) */
	char *svg;                    /* frame map + address spaces, one <svg> element */
	size_t svg_len;
};

struct picture {
	struct picture_snapshot *snaps;
	size_t n, cap;
	size_t max_snaps;             /* at this many, every second one is dropped (counted) */
	size_t dropped;
	size_t bytes, max_bytes;      /* SVG text kept; over max_bytes, thinned as above */
	uint64_t nframes;
	unsigned figures;             /* PICTURE_FIG_* drawn in each snapshot */
};

/* The figures of a snapshot, top to bottom (figure.h draws the first three). */
#define PICTURE_FIG_SPACES  0x01  /* pages to frames */
#define PICTURE_FIG_WALK    0x02  /* the page-table walk of one address */
#define PICTURE_FIG_TLB     0x04  /* the TLB's entries */
#define PICTURE_FIG_FRAMES  0x08  /* the frame map by owner */
#define PICTURE_FIG_REGIONS 0x10  /* each process's regions as bars */
#define PICTURE_FIG_ALL     0x1f
/* Parses a comma-separated list of figure names (spaces, walk, tlb,
 * frames, regions, all).  Returns the mask, or 0 for an unknown name. */
unsigned picture_parse_figures(const char *s);

void picture_init(struct picture *pic);
void picture_free(struct picture *pic);

/* Takes a snapshot of k now, labelled `label` (every process not yet a
 * zombie is drawn, an exiting one included: on_exit runs before its memory
 * goes).  Returns 0 or -1 if out of host memory. */
int picture_snapshot(struct picture *pic, struct kernel *k, const char *label);

/* What a snapshot's page-table walk figure shows: pid's walk of va
 * (pid 0: the lowest pid; has_va false: its pc). */
struct picture_focus {
	uint32_t pid;
	uint64_t va;
	bool has_va;
};
/* picture_snapshot with the walk figure on focus (NULL: the lowest pid's
 * pc). */
int picture_snapshot_at(struct picture *pic, struct kernel *k, const char *label,
			const struct picture_focus *focus);

/* Renders the current state of k as one SVG document on out. */
void picture_svg(struct kernel *k, const char *label, FILE *out);

/* Writes the fullest snapshot (fewest free frames; the latest of equals) as an SVG document / every snapshot as a
 * self-contained HTML page with a slider and a chart of memory use over
 * time.  Returns 0, or -1 if the file cannot be written or there is no
 * snapshot. */
int picture_write_svg(const struct picture *pic, const char *path);
int picture_write_html(const struct picture *pic, const char *path);

#endif
