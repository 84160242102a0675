/*
 * trace_sweep.c - sweep results as CSV and SVG, and --merge of cells run
 * as separate processes.  A cell's row is a pure function of the traces,
 * the options and the cell, except its `seconds` column (wall time), so the
 * merged CSV holds the same rows as one sweep process writes (seconds
 * aside) and the chart, drawn from the references and hits columns, is the
 * same bytes.
 */
#include "trace_sweep.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char csv_header[] =
	"traces,policy,frames,references,hits,misses,hit_ratio,swapped_out,swapped_in,dropped,seconds";

void sweep_csv_header(FILE *f)
{
	fprintf(f, "%s\n", csv_header);
}

static double hit_ratio(uint64_t refs, uint64_t hits)
{
	return refs ? 100.0 * (double)hits / (double)refs : 0;
}

void sweep_csv_row(FILE *f, const char *traces, const char *policy, uint64_t frames,
		   const struct replay_result *res)
{
	fprintf(f, "%s,%s,%llu,%llu,%llu,%llu,%.4f,%llu,%llu,%llu,%.3f\n", traces, policy,
		(unsigned long long)frames, (unsigned long long)res->refs,
		(unsigned long long)res->hits, (unsigned long long)res->misses,
		hit_ratio(res->refs, res->hits), (unsigned long long)res->swap_out,
		(unsigned long long)res->swap_in, (unsigned long long)res->dropped, res->seconds);
}

void sweep_svg(FILE *f, const char *title, const struct sweep *s)
{
	static const char *const colors[] = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd",
					      "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f" };
	const int W = 720, H = 440, L = 70, R = 150, T = 40, B = 60;
	const uint64_t *frames = s->frames;
	int nfr = s->nfr;
	uint64_t fmin = frames[0], fmax = frames[0];
	for (int j = 0; j < nfr; j++) {
		if (frames[j] < fmin)
			fmin = frames[j];
		if (frames[j] > fmax)
			fmax = frames[j];
	}
	if (fmax == fmin)
		fmax = fmin + 1;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", W, H, W, H);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H);
	fprintf(f, "<text x=\"%d\" y=\"24\" font-size=\"15\">hit ratio vs frames: ", L);
	for (const char *c = title; *c; c++)
		fputs(*c == '<' ? "&lt;" : *c == '&' ? "&amp;" : (char[2]){ *c, 0 }, f);
	fprintf(f, "</text>\n");
	int pw = W - L - R, ph = H - T - B;
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>\n",
		L, T, pw, ph);
	for (int y = 0; y <= 100; y += 20) {
		int py = T + ph - ph * y / 100;
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>"
			"<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d%%</text>\n",
			L, py, L + pw, py, L - 6, py + 4, y);
	}
	for (int j = 0; j < nfr; j++) {
		double x = L + (double)pw * (double)(frames[j] - fmin) / (double)(fmax - fmin);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%llu</text>\n", x,
			T + ph + 18, (unsigned long long)frames[j]);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">frames of RAM</text>\n",
		L + pw / 2, H - 16);
	for (int i = 0; i < s->npol; i++) {
		const char *c = colors[i % 8];
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", c);
		for (int j = 0; j < nfr; j++)
			fprintf(f, "%.1f,%.1f ", L + (double)pw * (double)(frames[j] - fmin) / (double)(fmax - fmin),
				T + ph - (double)ph * s->ratio[i][j] / 100.0);
		fprintf(f, "\"/>\n");
		for (int j = 0; j < nfr; j++)
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s, %llu frames: %.2f%%</title></circle>\n",
				L + (double)pw * (double)(frames[j] - fmin) / (double)(fmax - fmin),
				T + ph - (double)ph * s->ratio[i][j] / 100.0, c, s->policies[i],
				(unsigned long long)frames[j], s->ratio[i][j]);
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>"
			"<text x=\"%d\" y=\"%d\">%s</text>\n", L + pw + 16, T + 10 + 20 * i, c,
			L + pw + 36, T + 15 + 20 * i, s->policies[i]);
	}
	fprintf(f, "</svg>\n");
}

int sweep_write_svg(const char *path, const char *title, const struct sweep *s)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "vmos trace: cannot write %s: %s\n", path, strerror(errno));
		return 1;
	}
	sweep_svg(f, title, s);
	if (fclose(f) != 0) {
		fprintf(stderr, "vmos trace: cannot write %s\n", path);
		return 1;
	}
	return 0;
}

/* ---- --merge --------------------------------------------------------------- */

/* One parsed row of a cell CSV. */
struct cell {
	char *line;              /* the row as read, without its newline */
	char *traces;            /* its first field */
	int pol, fr;             /* its place in the grid */
	uint64_t refs, hits;
};

/* Index of name in the list, appending it when add; -1 if absent or full. */
static int policy_index(struct sweep *s, const char *name, bool add)
{
	for (int i = 0; i < s->npol; i++)
		if (!strcmp(s->policies[i], name))
			return i;
	if (!add || s->npol == MAX_SWEEP || strlen(name) >= sizeof s->policies[0])
		return -1;
	strcpy(s->policies[s->npol], name);
	return s->npol++;
}

static int frames_index(struct sweep *s, uint64_t f, bool add)
{
	for (int i = 0; i < s->nfr; i++)
		if (s->frames[i] == f)
			return i;
	if (!add || s->nfr == MAX_SWEEP)
		return -1;
	s->frames[s->nfr] = f;
	return s->nfr++;
}

/* Splits a row into its 11 fields (in place).  Returns 0 or -1. */
static int split_row(char *row, char *field[11])
{
	int n = 0;
	field[n++] = row;
	for (char *p = row; *p; p++)
		if (*p == ',') {
			if (n == 11)
				return -1;
			*p = 0;
			field[n++] = p + 1;
		}
	return n == 11 ? 0 : -1;
}

static int parse_count(const char *s, uint64_t *v)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-')
		return -1;
	*v = x;
	return 0;
}

/* Reads the rows of one cell CSV into cells[*n...].  Returns 0, or 1 after a
 * message. */
static int read_cells(struct sweep *s, bool fixed, const char *path, struct cell *cells, int *n, int max)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "vmos trace: --merge: %s: %s\n", path, strerror(errno));
		return 1;
	}
	char buf[8192];
	int lineno = 0, rc = 0;
	while (rc == 0 && fgets(buf, sizeof buf, f)) {
		lineno++;
		size_t len = strlen(buf);
		if (len && buf[len - 1] == '\n')
			buf[--len] = 0;
		if (lineno == 1) {
			if (strcmp(buf, csv_header)) {
				fprintf(stderr, "vmos trace: --merge: %s: not a sweep CSV (its first line is not the header of vmos trace --sweep)\n", path);
				rc = 1;
			}
			continue;
		}
		if (*n == max) {
			fprintf(stderr, "vmos trace: --merge: more than %d rows\n", max);
			rc = 1;
			break;
		}
		struct cell *c = &cells[*n];
		char *field[11], *copy = strdup(buf);
		c->line = strdup(buf);
		uint64_t fr = 0;
		if (!copy || !c->line || split_row(copy, field) < 0 || parse_count(field[2], &fr) < 0 ||
		    parse_count(field[3], &c->refs) < 0 || parse_count(field[4], &c->hits) < 0) {
			fprintf(stderr, "vmos trace: --merge: %s:%d: not a sweep row\n", path, lineno);
			free(copy);
			free(c->line);
			rc = 1;
			break;
		}
		c->traces = strdup(field[0]);
		c->pol = policy_index(s, field[1], !fixed);
		c->fr = frames_index(s, fr, !fixed);
		if (c->pol < 0 || c->fr < 0) {
			fprintf(stderr, "vmos trace: --merge: %s:%d: cell %s/%llu is not in the sweep (--policy, --frames)\n",
				path, lineno, field[1], (unsigned long long)fr);
			rc = 1;
		}
		free(copy);
		if (!c->traces) {
			free(c->line);
			rc = 1;
			break;
		}
		(*n)++;
	}
	if (rc == 0 && ferror(f)) {
		fprintf(stderr, "vmos trace: --merge: cannot read %s\n", path);
		rc = 1;
	}
	if (rc == 0 && lineno == 0) {
		fprintf(stderr, "vmos trace: --merge: %s is empty\n", path);
		rc = 1;
	}
	fclose(f);
	return rc;
}

int sweep_merge(struct sweep *s, char **files, int nfiles, const char *csv, const char *svg)
{
	const int max = MAX_SWEEP * MAX_SWEEP;
	bool fixed = s->npol > 0 && s->nfr > 0;
	if (!fixed)
		s->npol = s->nfr = 0;
	struct cell *cells = calloc((size_t)max, sizeof *cells);
	static int where[MAX_SWEEP][MAX_SWEEP];   /* cell index + 1; 0 = missing */
	memset(where, 0, sizeof where);
	int n = 0, rc = cells ? 0 : 1;
	for (int i = 0; rc == 0 && i < nfiles; i++)
		rc = read_cells(s, fixed, files[i], cells, &n, max);
	for (int i = 0; rc == 0 && i < n; i++) {
		struct cell *c = &cells[i];
		if (strcmp(c->traces, cells[0].traces)) {
			fprintf(stderr, "vmos trace: --merge: rows of different traces (%s and %s)\n",
				cells[0].traces, c->traces);
			rc = 1;
		} else if (where[c->pol][c->fr]) {
			fprintf(stderr, "vmos trace: --merge: cell %s/%llu given twice\n", s->policies[c->pol],
				(unsigned long long)s->frames[c->fr]);
			rc = 1;
		}
		where[c->pol][c->fr] = i + 1;
		s->ratio[c->pol][c->fr] = hit_ratio(c->refs, c->hits);
	}
	if (rc == 0 && n == 0) {
		fprintf(stderr, "vmos trace: --merge: no rows\n");
		rc = 1;
	}
	for (int a = 0; rc == 0 && a < s->npol; a++)
		for (int b = 0; rc == 0 && b < s->nfr; b++)
			if (!where[a][b]) {
				fprintf(stderr, "vmos trace: --merge: cell %s/%llu missing (did its job fail?)\n",
					s->policies[a], (unsigned long long)s->frames[b]);
				rc = 1;
			}
	FILE *cf = NULL;
	if (rc == 0) {
		cf = csv ? fopen(csv, "w") : stdout;
		if (!cf) {
			fprintf(stderr, "vmos trace: cannot write %s: %s\n", csv, strerror(errno));
			rc = 1;
		}
	}
	if (rc == 0) {
		sweep_csv_header(cf);
		for (int a = 0; a < s->npol; a++)
			for (int b = 0; b < s->nfr; b++)
				fprintf(cf, "%s\n", cells[where[a][b] - 1].line);
		if (cf != stdout ? fclose(cf) != 0 : fflush(cf) != 0) {
			fprintf(stderr, "vmos trace: cannot write %s\n", csv ? csv : "stdout");
			rc = 1;
		}
	}
	if (rc == 0 && svg) {
		/* the chart's title is the first trace, as the sweep draws it */
		char title[4096];
		snprintf(title, sizeof title, "%s", cells[0].traces);
		char *plus = strchr(title, '+');
		if (plus)
			*plus = 0;
		rc = sweep_write_svg(svg, title, s);
	}
	for (int i = 0; cells && i < n; i++) {
		free(cells[i].line);
		free(cells[i].traces);
	}
	free(cells);
	return rc;
}
