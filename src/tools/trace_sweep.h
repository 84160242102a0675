/*
 * trace_sweep.h - the results of a `vmos trace --sweep`: every policy x
 * frame count cell as a CSV row and the hit-ratio curves as an SVG chart,
 * and --merge, which joins cells run apart (`--jobs`: one process per cell,
 * under GNU parallel or a batch scheduler) into the same CSV and SVG.
 */
#ifndef VMOS_TOOLS_TRACE_SWEEP_H
#define VMOS_TOOLS_TRACE_SWEEP_H

#include <stdint.h>
#include <stdio.h>
#include "trace_replay.h"

#define MAX_SWEEP 64

/* The grid: policies x frame counts, and the hit ratio (percent) of each cell. */
struct sweep {
	char policies[MAX_SWEEP][16];
	int npol;
	uint64_t frames[MAX_SWEEP];
	int nfr;
	double ratio[MAX_SWEEP][MAX_SWEEP];
};

/* The CSV header line, and one row: traces is the trace paths joined by '+'. */
void sweep_csv_header(FILE *f);
void sweep_csv_row(FILE *f, const char *traces, const char *policy, uint64_t frames,
		   const struct replay_result *res);

/* The hit-ratio chart: one curve per policy over the frame counts. */
void sweep_svg(FILE *f, const char *title, const struct sweep *s);

/* Writes the SVG to path.  Returns 0, or 1 after "vmos trace: cannot write". */
int sweep_write_svg(const char *path, const char *title, const struct sweep *s);

/* `vmos trace --merge`: reads the cell CSVs (each the output of a one-cell
 * sweep, header included), and writes to csv (NULL: stdout) the header and
 * every row in grid order - the policies and frame counts of s when given
 * (npol, nfr > 0), else in order of first appearance - and the chart to svg
 * (NULL: none).  Every cell must be there exactly once and every row must
 * be of the same traces.  Returns 0, or an exit status after a message. */
int sweep_merge(struct sweep *s, char **files, int nfiles, const char *csv, const char *svg);

#endif
