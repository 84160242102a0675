/*
 * picture.c - SVG and HTML pictures of memory.
 *
 * Frame map: frames are cells in a grid, row after row in physical address
 * order, coloured by owner (frame_owner_name: free, frame metadata, page
 * tables, slab, kernel pages, zero page, vDSO, file cache, and user pages
 * with one hue per pid).  The grid is at most 256 cells wide and 128 rows
 * high; beyond 32768 frames one cell stands for a group of frames and takes
 * the colour of the group's first non-free frame.  Free cells are the
 * background, and consecutive cells of one colour in a row are one <rect>
 * (with a <title> tooltip), which keeps even a 128 MiB machine's picture to
 * a few hundred elements.
 *
 * Address spaces: one bar per region, its width standing for the region's
 * pages; resident pages are drawn in the process's colour and swapped ones
 * in grey, again merged into runs (via pmap_foreach).
 *
 * Above both, the figures of figure.h: pages to frames, the walk of the
 * snapshot's address (struct picture_focus), the TLB; --figures picks.
 * When the top quarter of RAM or more is free, the frame map is zoomed to
 * the frames below the highest one in use.
 *
 * The HTML page embeds every snapshot's SVG, shows one at a time under a
 * slider (and the arrow keys), and draws a stacked bar chart of frames by
 * owner per snapshot - memory filling over time.  It needs nothing outside
 * the file.
 */
#include "picture.h"
#include "figure.h"
#include "inspect.h"
#include "proc.h"
#include "options.h"

#include <stdlib.h>
#include <string.h>

#define xml_esc fig_esc

enum { MAX_COLS = 256, MAX_ROWS = 128, GRID_W = 1024 };

#define owner_colour fig_owner_colours

#define pid_colour fig_pid_colour

/* A cell's class: owner kind, and for user pages and page tables the pid
 * (page tables are drawn in the owner colour with the pid in the title). */
struct cell { uint8_t owner; uint32_t id; bool shared; };

/* The class of the cell for frames [first, first + count): its first
 * non-free frame's; shared if that frame is mapped by several processes
 * (inspect.h: its reverse map). */
static struct cell cell_of(struct kernel *k, uint64_t first, uint64_t count)
{
	const struct page_alloc *pa = &k->pa;
	for (uint64_t i = first; i < first + count && i < pa->nframes; i++) {
		const struct frame *f = &pa->frames[i];
		if (f->owner == FO_FREE)
			continue;
		bool cow;
		bool shared = inspect_frame_mappers(k, frame_to_pa(&k->pa, i), NULL, 0, &cow) > 1;
		return (struct cell){ f->owner, f->owner == FO_USER || f->owner == FO_PAGE_TABLE ?
					 f->owner_id : 0, shared };
	}
	return (struct cell){ FO_FREE, 0, false };
}

/* " mapped by several processes: pids 1,2" for the shared frames of
 * [f0, f1): every pid that maps one of them, in order, at most 8. */
static void cell_sharers(struct kernel *k, uint64_t f0, uint64_t f1, char *buf, size_t n)
{
	enum { MAXP = 8 };
	uint32_t pids[MAXP + 1];
	unsigned np = 0;
	bool more = false;
	for (uint64_t i = f0; i < f1 && i < k->pa.nframes; i++) {
		struct frame_mapper m[MAXP];
		bool cow;
		unsigned c = inspect_frame_mappers(k, frame_to_pa(&k->pa, i), m, MAXP, &cow);
		more |= c > MAXP;
		for (unsigned j = 0; c > 1 && j < c && j < MAXP; j++) {
			unsigned at = 0;
			while (at < np && pids[at] < m[j].pid)
				at++;
			if (at < np && pids[at] == m[j].pid)
				continue;
			if (np == MAXP) {
				more = true;
				if (at == np)
					continue;
				np--;
			}
			memmove(pids + at + 1, pids + at, (np - at) * sizeof *pids);
			pids[at] = m[j].pid;
			np++;
		}
	}
	size_t j = (size_t)snprintf(buf, n, ", mapped by several processes: pid%s", np > 1 ? "s" : "");
	for (unsigned i = 0; i < np && j < n; i++)
		j += (size_t)snprintf(buf + j, n - j, "%s%u", i ? "," : " ", pids[i]);
	if (more && j < n)
		snprintf(buf + j, n - j, ",...");
}

static void cell_fill(struct cell c, char buf[24])
{
	fig_owner_colour(c.owner, c.id, buf);
}

static void cell_title(struct cell c, char buf[48])
{
	if (c.owner == FO_USER || c.owner == FO_PAGE_TABLE)
		snprintf(buf, 48, "%s pid %u", frame_owner_name((enum frame_owner)c.owner), c.id);
	else
		snprintf(buf, 48, "%s", frame_owner_name((enum frame_owner)c.owner));
}

/* Draws the frame map at (x0, y0); returns its height. */
static int draw_frames(struct kernel *k, FILE *o, int y0)
{
	const struct page_alloc *pa = &k->pa;
	uint64_t nall = pa->nframes, n = nall;
	/* zoom to the used range: frames above the highest one in use are
	 * free, and at 128 MiB a program uses a few hundred of 32768 */
	uint64_t hi = nall;
	while (hi > 0 && pa->frames[hi - 1].owner == FO_FREE)
		hi--;
	if (hi * 4 < nall * 3)
		n = (hi + 63) / 64 * 64 > 64 ? (hi + 63) / 64 * 64 : 64;
	uint64_t group = (n + (uint64_t)MAX_COLS * MAX_ROWS - 1) / ((uint64_t)MAX_COLS * MAX_ROWS);
	uint64_t cells = (n + group - 1) / group;
	unsigned cols = 64;
	while (cols < MAX_COLS && (cells + cols - 1) / cols > MAX_ROWS)
		cols *= 2;
	unsigned rows = (unsigned)((cells + cols - 1) / cols);
	int cw = GRID_W / (int)cols;
	bool any_shared = false;
	fprintf(o, "<g class=\"frames\" data-drawn=\"%llu\"><text x=\"0\" y=\"%d\" class=\"h\">frame map: %llu frames of 4 KiB at 0x%llx, %u per row%s</text>\n",
		(unsigned long long)n, y0 + 14, (unsigned long long)nall, (unsigned long long)pa->ram->base, cols,
		group > 1 ? " (one cell per group of frames)" : "");
	y0 += 16;
	if (n < nall)
		fprintf(o, "<text x=\"0\" y=\"%d\" class=\"s\">zoomed to the used range: frames 0-%llu (PA 0x%llx-0x%llx) drawn; the %llu frames above (%llu MiB) are all free</text>\n",
			y0 + 12, (unsigned long long)n - 1, (unsigned long long)pa->ram->base,
			(unsigned long long)(pa->ram->base + (n << PGSHIFT)), (unsigned long long)(nall - n),
			(unsigned long long)((nall - n) >> 8));
	y0 += 16;
	fprintf(o, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%u\" fill=\"%s\" data-g=\"free\"><title>free</title></rect>\n",
		y0, cw * (int)cols, rows * (unsigned)cw, owner_colour[FO_FREE]);
	for (unsigned r = 0; r < rows; r++) {
		unsigned c = 0;
		while (c < cols && (uint64_t)r * cols + c < cells) {
			uint64_t idx = (uint64_t)r * cols + c;
			struct cell cl = cell_of(k, idx * group, group);
			unsigned e = c + 1;
			while (e < cols && (uint64_t)r * cols + e < cells) {
				struct cell d = cell_of(k, ((uint64_t)r * cols + e) * group, group);
				if (d.owner != cl.owner || d.id != cl.id || d.shared != cl.shared)
					break;
				e++;
			}
			if (cl.owner != FO_FREE) {
				char fill[24], title[48], key[32];
				cell_fill(cl, fill);
				cell_title(cl, title);
				fig_owner_key(cl.owner, cl.id, key);
				uint64_t f0 = idx * group, f1 = ((uint64_t)r * cols + e) * group;
				char who[128] = "";
				any_shared |= cl.shared;
				if (cl.shared)
					cell_sharers(k, f0, f1 > n ? n : f1, who, sizeof who);
				fprintf(o, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%d\" fill=\"%s\" data-g=\"%s\"%s><title>%s: frames %llu-%llu (PA 0x%llx)%s</title></rect>\n",
					c * (unsigned)cw, (unsigned)y0 + r * (unsigned)cw, (e - c) * (unsigned)cw, cw,
					fill, key, cl.shared ? " class=\"shared\" stroke=\"#222\" stroke-width=\"1\"" : "",
					title, (unsigned long long)f0,
					(unsigned long long)(f1 > n ? n : f1) - 1,
					(unsigned long long)(pa->ram->base + (f0 << PGSHIFT)), who);
			}
			c = e;
		}
	}
	int h = 32 + (int)rows * cw + 8;
	/* legend: every owner kind present, user pages per pid */
	int x = 0, y = y0 + (int)rows * cw + 8;
	for (unsigned ow = 0; ow < FO_NKINDS; ow++) {
		uint64_t cnt = ow == FO_FREE ? pa->free_frames : pa->by_owner[ow];
		if (!cnt || ow == FO_USER)
			continue;
		fprintf(o, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\" stroke=\"#999\"/><text x=\"%d\" y=\"%d\">%s %llu</text>\n",
			x, y, owner_colour[ow], x + 14, y + 9, frame_owner_name((enum frame_owner)ow),
			(unsigned long long)cnt);
		x += 150;
		if (x > GRID_W - 150)
			x = 0, y += 16;
	}
	for (struct proc *p = k->procs; p; p = p->next) {
		if (!proc_space_live(p))
			continue;
		if (x > GRID_W - 300)
			x = 0, y += 16;
		char fill[24];
		pid_colour(p->pid, fill);
		char nm[200];
		fprintf(o, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">pid %u %s: %llu resident</text>\n",
			x, y, fill, x + 14, y + 9, p->pid, xml_esc(p->name, nm, sizeof nm), (unsigned long long)p->mm->pmap.resident);
		x += 300;
		if (x > GRID_W - 150)
			x = 0, y += 16;
	}
	if (any_shared) {
		if (x > GRID_W - 450)
			x = 0, y += 16;
		fprintf(o, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"#fff\" stroke=\"#222\"/><text x=\"%d\" y=\"%d\">outlined: frames mapped by several processes (hover: which)</text>\n",
			x, y, x + 14, y + 9);
		x += 450;
	}
	h += (y - (y0 + (int)rows * cw + 8)) + 24;
	fprintf(o, "</g>\n");
	return h;
}

/* Runs of resident / swapped pages within one region. */
struct bar_ctx {
	FILE *o;
	uint64_t start;
	double px_per_page;
	int x0, y;
	const char *fill;
	uint64_t run_first, run_next;   /* page indices */
	int run_kind;                   /* 1 resident, 2 swapped, 0 none */
	uint64_t resident, swapped;
};

static void bar_flush(struct bar_ctx *b)
{
	if (!b->run_kind)
		return;
	double x = b->x0 + b->run_first * b->px_per_page;
	double w = (b->run_next - b->run_first) * b->px_per_page;
	if (w < 1)
		w = 1;
	fprintf(b->o, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"12\" fill=\"%s\"><title>%llu %s pages</title></rect>\n",
		x, b->y, w, b->run_kind == 1 ? b->fill : "#999999",
		(unsigned long long)(b->run_next - b->run_first),
		b->run_kind == 1 ? "resident" : "swapped");
	b->run_kind = 0;
}

static int bar_page(void *ctx, const struct pmap_page *pg)
{
	struct bar_ctx *b = ctx;
	uint64_t idx = (pg->va - b->start) >> PGSHIFT;
	int kind = pg->present ? 1 : pg->swapped ? 2 : 0;
	b->resident += kind == 1;
	b->swapped += kind == 2;
	if (b->run_kind == kind && b->run_next == idx) {
		b->run_next++;
		return 0;
	}
	bar_flush(b);
	b->run_kind = kind;
	b->run_first = idx;
	b->run_next = idx + 1;
	return 0;
}

/* Draws the address space of p from y0; returns its height. */
static int draw_space(struct proc *p, FILE *o, int y0)
{
	enum { BAR_X = 330, BAR_W = 680 };
	char fill[24], nm[200];
	pid_colour(p->pid, fill);
	xml_esc(p->name, nm, sizeof nm);
	fprintf(o, "<g class=\"space\" data-pid=\"%u\"><text x=\"0\" y=\"%d\" class=\"h\">address space of pid %u (%s): %llu regions, %llu resident pages, %llu page-table pages</text>\n",
		p->pid, y0 + 14, p->pid, nm, (unsigned long long)p->mm->map.nregions,
		(unsigned long long)p->mm->pmap.resident, (unsigned long long)p->mm->pmap.pt_pages);
	int y = y0 + 22;
	for (struct vm_region *r = vm_map_first(&p->mm->map); r; r = vm_map_next(&p->mm->map, r)) {
		uint64_t pages = (r->end - r->start) >> PGSHIFT;
		fprintf(o, "<text x=\"0\" y=\"%d\" class=\"m\">%09llx-%09llx %c%c%c %-6s</text>\n", y + 10,
			(unsigned long long)r->start, (unsigned long long)r->end,
			(r->prot & VM_PROT_READ) ? 'r' : '-', (r->prot & VM_PROT_WRITE) ? 'w' : '-',
			(r->prot & VM_PROT_EXEC) ? 'x' : '-', vm_kind_name(r->kind));
		fprintf(o, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"12\" fill=\"#ffffff\" stroke=\"#888\"/>\n",
			BAR_X, y, BAR_W);
		struct bar_ctx b = { o, r->start, (double)BAR_W / (double)pages, BAR_X, y, fill, 0, 0, 0, 0, 0 };
		pmap_foreach(&p->mm->pmap, r->start, r->end, bar_page, &b);
		bar_flush(&b);
		fprintf(o, "<text x=\"%d\" y=\"%d\" class=\"m\">%llu/%llu%s</text>\n", BAR_X + BAR_W + 6,
			y + 10, (unsigned long long)b.resident, (unsigned long long)pages,
			b.swapped ? " +swap" : "");
		y += 16;
	}
	fprintf(o, "</g>\n");
	return y - y0 + 8;
}

/* The process and address a snapshot's walk figure shows: the event's
 * (a marker's a0, a fault's address), else the given one, else the pc of
 * the lowest pid. */
static struct proc *focus_proc(struct kernel *k, const struct picture_focus *f, uint64_t *va)
{
	struct proc *best = NULL;
	for (struct proc *p = k->procs; p; p = p->next)
		if (proc_space_live(p) && ((f && f->pid && p->pid == f->pid) ||
					      (!(f && f->pid) && (!best || p->pid < best->pid))))
			best = p;
	if (!best)   /* the focus pid is gone: the lowest */
		for (struct proc *p = k->procs; p; p = p->next)
			if (proc_space_live(p) && (!best || p->pid < best->pid))
				best = p;
	*va = f && f->has_va ? f->va : best ? best->pc : 0;
	return best;
}

/* Opens a group translated to y (a figure draws from 0, 0). */
static void fig_open(FILE *o, int y)
{
	fprintf(o, "<g transform=\"translate(0,%d)\">\n", y);
}

/* Closes it; returns the figure's height h plus the space after it. */
static int fig_close(FILE *o, int h)
{
	fprintf(o, "</g>\n");
	return h + 16;
}

/* Renders the body of one snapshot's SVG; returns its total height. */
static int draw_all(struct kernel *k, const char *label, const struct picture_focus *focus,
		    unsigned figs, FILE *o)
{
	fprintf(o, "<text x=\"0\" y=\"14\" class=\"t\">%s</text>\n", label);
	int y = 24;
	uint64_t va;
	struct proc *fp = focus_proc(k, focus, &va);
	if (figs & PICTURE_FIG_SPACES) {
		fig_open(o, y);
		y += fig_close(o, figure_spaces(k, fp ? fp->pid : 0, va, o));
	}
	if (figs & PICTURE_FIG_WALK) {
		fig_open(o, y);
		y += fig_close(o, figure_walk(k, fp, va, o));
	}
	if (figs & PICTURE_FIG_TLB) {
		fig_open(o, y);
		y += fig_close(o, figure_tlb(k, o));
	}
	if (figs & PICTURE_FIG_FRAMES) {
		fig_open(o, y);
		y += fig_close(o, figure_owners(k, o));
		y += draw_frames(k, o, y);
	}
	if (!(figs & PICTURE_FIG_REGIONS))
		return y;
	/* k->procs is newest first: draw in pid order */
	uint32_t last = 0;
	for (;;) {
		struct proc *next = NULL;
		for (struct proc *p = k->procs; p; p = p->next)
			if (proc_space_live(p) && p->pid > last && (!next || p->pid < next->pid))
				next = p;
		if (!next)
			break;
		y += draw_space(next, o, y);
		last = next->pid;
	}
	return y;
}

static const char svg_style[] =
	"<style>text{font:11px monospace;fill:#222}.h{font-weight:bold}.t{font:bold 13px sans-serif}"
	".s{font:10px sans-serif;fill:#444}.m{font:11px monospace}.b{font-weight:bold}</style>\n";

/* One complete <svg> element; heap string in *buf. */
static int render(struct kernel *k, const char *label, const struct picture_focus *focus,
		  unsigned figs, char **buf, size_t *len)
{
	char *body = NULL;
	size_t blen = 0;
	FILE *b = open_memstream(&body, &blen);
	if (!b)
		return -1;
	int h = draw_all(k, label, focus, figs, b);
	fclose(b);
	FILE *o = open_memstream(buf, len);
	if (!o) {
		free(body);
		return -1;
	}
	fprintf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n"
		"<title>vmos memory: %s</title>\n<desc>Virtual pages of each process and the physical frames they map "
		"(shared frames marked), the page-table walk of one address, the TLB's entries, "
		"the physical frame map by owner and each process's regions.</desc>\n%s%s</svg>\n",
		FIGURE_W, h, FIGURE_W, h, label, svg_style, body);
	fclose(o);
	free(body);
	return 0;
}

void picture_svg(struct kernel *k, const char *label, FILE *out)
{
	char *s = NULL, lb[200];
	size_t n = 0;
	if (render(k, xml_esc(label, lb, sizeof lb), NULL, PICTURE_FIG_ALL, &s, &n) == 0) {
		fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
		fwrite(s, 1, n, out);
	}
	free(s);
}

void picture_init(struct picture *pic)
{
	memset(pic, 0, sizeof *pic);
	pic->max_snaps = 1000;
	pic->max_bytes = 64u << 20;   /* an HTML page a browser still opens quickly */
	pic->figures = PICTURE_FIG_ALL;
}

unsigned picture_parse_figures(const char *s)
{
	static const char *const names[] = { "spaces", "walk", "tlb", "frames", "regions" };
	return options_name_mask(s, names, sizeof names / sizeof names[0]);
}

void picture_free(struct picture *pic)
{
	for (size_t i = 0; i < pic->n; i++)
		free(pic->snaps[i].svg);
	free(pic->snaps);
	memset(pic, 0, sizeof *pic);
}

/* Halves the snapshots kept: drops every second one after the first, so
 * the survivors still span the whole run in time order. */
static void picture_thin(struct picture *pic)
{
	size_t j = 1;
	for (size_t i = 1; i < pic->n; i++) {
		if (i % 2) {
			pic->bytes -= pic->snaps[i].svg_len;
			free(pic->snaps[i].svg);
			pic->dropped++;
		} else {
			pic->snaps[j++] = pic->snaps[i];
		}
	}
	pic->n = j;
}

int picture_snapshot(struct picture *pic, struct kernel *k, const char *label)
{
	return picture_snapshot_at(pic, k, label, NULL);
}

int picture_snapshot_at(struct picture *pic, struct kernel *k, const char *label,
			const struct picture_focus *focus)
{
	if (pic->n >= pic->max_snaps && pic->max_snaps >= 2)
		picture_thin(pic);
	while (pic->max_bytes && pic->bytes > pic->max_bytes && pic->n >= 2)
		picture_thin(pic);    /* the page may pass max_bytes by one snapshot */
	if (pic->n == pic->cap) {
		size_t cap = pic->cap ? pic->cap * 2 : 16;
		struct picture_snapshot *s = realloc(pic->snaps, cap * sizeof *s);
		if (!s)
			return -1;
		pic->snaps = s;
		pic->cap = cap;
	}
	struct picture_snapshot *s = &pic->snaps[pic->n];
	memset(s, 0, sizeof *s);
	xml_esc(label, s->label, sizeof s->label);
	s->instret = k->cpu.instret;
	for (unsigned o = 0; o < FO_NKINDS; o++)
		s->by_owner[o] = o == FO_FREE ? k->pa.free_frames : k->pa.by_owner[o];
	if (render(k, s->label, focus, pic->figures ? pic->figures : PICTURE_FIG_ALL, &s->svg, &s->svg_len) < 0)
		return -1;
	pic->nframes = k->pa.nframes;
	pic->n++;
	pic->bytes += s->svg_len;
	return 0;
}

/* Index of the snapshot with the fewest free frames (the latest of equals). */
static size_t fullest(const struct picture *pic)
{
	size_t best = 0;
	for (size_t i = 1; i < pic->n; i++)
		if (pic->snaps[i].by_owner[FO_FREE] <= pic->snaps[best].by_owner[FO_FREE])
			best = i;
	return best;
}

int picture_write_svg(const struct picture *pic, const char *path)
{
	if (!pic->n)
		return -1;
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	const struct picture_snapshot *s = &pic->snaps[fullest(pic)];
	fwrite(s->svg, 1, s->svg_len, f);
	return fclose(f) == 0 ? 0 : -1;
}

/* The chart of frames by owner, one stacked bar per snapshot. */
static void write_chart(const struct picture *pic, FILE *f)
{
	enum { H = 160, W = 1000 };
	double bw = (double)W / (double)pic->n;
	uint64_t most = 1;           /* the chart's full height: the fullest snapshot */
	for (size_t i = 0; i < pic->n; i++)
		if (pic->nframes - pic->snaps[i].by_owner[FO_FREE] > most)
			most = pic->nframes - pic->snaps[i].by_owner[FO_FREE];
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"chart\" width=\"%d\" height=\"%d\">\n", W, H + 20);
	for (size_t i = 0; i < pic->n; i++) {
		double y = H;
		for (unsigned o = 1; o < FO_NKINDS; o++) {
			double h = (double)H * (double)pic->snaps[i].by_owner[o] / (double)most;
			if (h <= 0)
				continue;
			y -= h;
			fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\" data-snap=\"%zu\"><title>%s: %s %llu frames</title></rect>\n",
				i * bw, y, bw > 2 ? bw - 1 : bw, h, owner_colour[o], i, pic->snaps[i].label,
				frame_owner_name((enum frame_owner)o), (unsigned long long)pic->snaps[i].by_owner[o]);
		}
	}
	fprintf(f, "<text x=\"0\" y=\"%d\" style=\"font:11px monospace\">frames in use by owner at each snapshot (full height = %llu frames of %llu; click a bar)</text></svg>\n",
		H + 14, (unsigned long long)most, (unsigned long long)pic->nframes);
}

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>vmos memory snapshots</title>\n"
	"<style>body{font-family:sans-serif;margin:1em}#controls{margin:0.5em 0}"
	".snap{display:none}.snap.on{display:block}#slider{width:600px}"
	"table{border-collapse:collapse;font:12px monospace}td,th{border:1px solid #ccc;padding:1px 6px;text-align:right}"
	"tr.on{background:#ffe}.keys{color:#666;font-size:90%}#list{max-height:14em;overflow:auto;display:block}</style></head><body>\n"
	"<h1>vmos: memory over time</h1>\n";

/* The page's script: one snapshot shown at a time, chosen by the slider,
 * the buttons, a click on the chart or the list, or the keyboard (arrows,
 * j/k, Home/End).  In the frame map's owner groups (figure_owners.c) a
 * click on a group or its number key drills down to its frames; Esc or a
 * click on "back" returns.  With #selftest in the URL it drives itself through the
 * keyboard and sets document.title to "OK ..." or "ERROR ..." (the tests
 * read it with chromium --dump-dom); an uncaught error does the same. */
static const char html_script[] =
	"<script>\n"
	"window.onerror=function(m){document.title='ERROR '+m;};\n"
	"(function(){\n"
	"  var snaps=document.querySelectorAll('.snap');\n"
	"  var rows=document.querySelectorAll('#list tr.s');\n"
	"  var slider=document.getElementById('slider'), label=document.getElementById('label');\n"
	"  var cur=0;\n"
	"  function show(i){\n"
	"    i=Math.max(0,Math.min(snaps.length-1,i)); cur=i;\n"
	"    for(var j=0;j<snaps.length;j++){snaps[j].classList.toggle('on',j===i);rows[j].classList.toggle('on',j===i);}\n"
	"    slider.value=i; label.textContent=(i+1)+'/'+snaps.length+': '+snaps[i].getAttribute('data-label');\n"
	"  }\n"
	"  slider.addEventListener('input',function(){show(parseInt(slider.value,10));});\n"
	"  document.getElementById('prev').addEventListener('click',function(){show(cur-1);});\n"
	"  document.getElementById('next').addEventListener('click',function(){show(cur+1);});\n"
	"  document.querySelectorAll('#chart rect').forEach(function(r){r.addEventListener('click',function(){show(parseInt(r.getAttribute('data-snap'),10));});});\n"
	"  rows.forEach(function(r,i){r.addEventListener('click',function(){show(i);});});\n"
	"  function drill(s,g){\n"
	"    var l=s.querySelector('.og-list'); if(!l)return;\n"
	"    l.style.display=g?'none':'';\n"
	"    s.querySelectorAll('.od').forEach(function(d){d.style.display=d.getAttribute('data-g')===g?'inline':'none';});\n"
	"    s.querySelectorAll('.frames rect[data-g]').forEach(function(r){r.style.opacity=!g||r.getAttribute('data-g')===g?'':'0.12';});\n"
	"    s.setAttribute('data-drill',g||'');\n"
	"  }\n"
	"  document.querySelectorAll('.og').forEach(function(e){e.addEventListener('click',function(){drill(e.closest('.snap'),e.getAttribute('data-g'));});});\n"
	"  document.querySelectorAll('.oback').forEach(function(e){e.addEventListener('click',function(){drill(e.closest('.snap'),null);});});\n"
	"  document.addEventListener('keydown',function(e){\n"
	"    if(e.target===slider||e.altKey||e.ctrlKey||e.metaKey)return;\n"
	"    var k=e.key, to=null;\n"
	"    if(k==='Escape'){drill(snaps[cur],null);return;}\n"
	"    if(/^[1-9]$/.test(k)){var og=snaps[cur].querySelectorAll('.og')[parseInt(k,10)-1];if(og)drill(snaps[cur],og.getAttribute('data-g'));return;}\n"
	"    if(k==='ArrowRight'||k==='ArrowDown'||k==='j'||k==='n')to=cur+1;\n"
	"    else if(k==='ArrowLeft'||k==='ArrowUp'||k==='k'||k==='p')to=cur-1;\n"
	"    else if(k==='Home')to=0; else if(k==='End')to=snaps.length-1;\n"
	"    if(to!==null){e.preventDefault();show(to);}\n"
	"  });\n"
	"  show(parseInt(slider.getAttribute('value'),10));\n"
	"  var st=document.getElementById('status'); st.textContent='rendered '+snaps.length+' snapshots';\n"
	"  st.setAttribute('data-ok','yes');\n"
	"  if(location.hash!=='#selftest')return;\n"
	"  function key(k){document.body.dispatchEvent(new KeyboardEvent('keydown',{key:k,bubbles:true}));}\n"
	"  function shown(){var s=document.querySelectorAll('.snap.on');return s.length===1?s[0]:null;}\n"
	"  var errs=[];\n"
	"  function expect(c,m){if(!c)errs.push(m);}\n"
	"  key('Home'); expect(cur===0&&shown()===snaps[0],'Home');\n"
	"  var l0=label.textContent;\n"
	"  if(snaps.length>1){key('ArrowRight'); expect(cur===1&&shown()===snaps[1],'ArrowRight');\n"
	"    expect(label.textContent!==l0,'label changes'); key('ArrowLeft'); expect(cur===0,'ArrowLeft');\n"
	"    key('End'); expect(cur===snaps.length-1&&shown()===snaps[snaps.length-1],'End');\n"
	"    key('ArrowRight'); expect(cur===snaps.length-1,'stops at the end');\n"
	"    document.getElementById('prev').click(); expect(cur===snaps.length-2,'prev button');}\n"
	"  var figs=['fig-spaces','fig-walk','fig-tlb','frames'].filter(function(c){return snaps[0].querySelector('.'+c);});\n"
	"  expect(figs.length>0,'no figure');\n"
	"  snaps.forEach(function(s,i){figs.forEach(function(c){expect(s.querySelector('.'+c),'snapshot '+i+' has no '+c);});});\n"
	"  var svg=shown().querySelector('svg'); expect(svg&&svg.getBBox().width>0,'the shown SVG has a size');\n"
	"  var s=shown(), ogs=s.querySelectorAll('.og'), ow=s.querySelector('.owners');\n"
	"  if(ow){var sum=0; ogs.forEach(function(e){sum+=parseInt(e.getAttribute('data-count'),10);});\n"
	"    expect(sum===parseInt(ow.getAttribute('data-total'),10),'owner counts sum to the frames');\n"
	"    function vis(e){return getComputedStyle(e).display;}\n"
	"    function drilled(g){var d=s.querySelector('.od[data-g=\"'+g+'\"]'); if(s.getAttribute('data-drill')!==g||!d||vis(d)!=='inline'||!(d.getBBox().height>0))return false;\n"
	"      if(vis(s.querySelector('.og-list'))!=='none')return false;\n"
	"      var rs=s.querySelectorAll('.frames rect[data-g]'), okf=rs.length>0;\n"
	"      rs.forEach(function(r){if((r.getAttribute('data-g')===g)!==(r.style.opacity===''))okf=false;}); return okf;}\n"
	"    var g0=ogs[0].getAttribute('data-g'); ogs[0].dispatchEvent(new MouseEvent('click',{bubbles:true}));\n"
	"    expect(drilled(g0),'click on a group drills into '+g0);\n"
	"    key('Escape'); expect(s.getAttribute('data-drill')===''&&vis(s.querySelector('.og-list'))!=='none'&&vis(s.querySelector('.od'))==='none','Escape goes back');\n"
	"    if(ogs.length>1){var g1=ogs[1].getAttribute('data-g'); key('2'); expect(drilled(g1),'key 2 drills into '+g1);\n"
	"      s.querySelector('.od[data-g=\"'+g1+'\"] .oback').dispatchEvent(new MouseEvent('click',{bubbles:true}));\n"
	"      expect(s.getAttribute('data-drill')==='','back link goes back');}\n"
	"  }\n"
	"  document.title=errs.length?'ERROR '+errs.join('; '):'OK selftest '+snaps.length+' snapshots';\n"
	"  st.setAttribute('data-selftest',document.title);\n"
	"})();\n"
	"</script>\n";

int picture_write_html(const struct picture *pic, const char *path)
{
	if (!pic->n)
		return -1;
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(html_head, f);
	fprintf(f, "<p>%zu snapshots%s. Colours: each process its own hue; page tables red; slab orange; "
		"kernel pages brown; frame metadata dark grey; file cache green; zero page yellow; free light grey. "
		"Hover a block for its owner and frames.</p>\n", pic->n,
		pic->dropped ? " (every other one was dropped whenever the limit was reached)" : "");
	write_chart(pic, f);
	fprintf(f, "<div id=\"controls\"><button id=\"prev\" aria-label=\"previous snapshot\">&lt;</button> "
		"<input type=\"range\" id=\"slider\" aria-label=\"snapshot\" min=\"0\" max=\"%zu\" value=\"%zu\"> "
		"<button id=\"next\" aria-label=\"next snapshot\">&gt;</button> <span id=\"label\" aria-live=\"polite\"></span>"
		" <span class=\"keys\">keys: &#8592; &#8594; (or j k) step, Home End</span></div>\n",
		pic->n - 1, fullest(pic));
	fprintf(f, "<table id=\"list\"><tr><th>#</th><th>when</th><th>instret</th><th>free</th>"
		"<th>user</th><th>page tables</th><th>slab</th><th>kernel</th><th>file</th></tr>\n");
	for (size_t i = 0; i < pic->n; i++) {
		const struct picture_snapshot *s = &pic->snaps[i];
		fprintf(f, "<tr class=\"s\"><td>%zu</td><td style=\"text-align:left\">%s</td><td>%llu</td><td>%llu</td>"
			"<td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td><td>%llu</td></tr>\n",
			i + 1, s->label, (unsigned long long)s->instret,
			(unsigned long long)s->by_owner[FO_FREE], (unsigned long long)s->by_owner[FO_USER],
			(unsigned long long)s->by_owner[FO_PAGE_TABLE], (unsigned long long)s->by_owner[FO_SLAB],
			(unsigned long long)s->by_owner[FO_KERNEL], (unsigned long long)s->by_owner[FO_FILE]);
	}
	fprintf(f, "</table>\n");
	for (size_t i = 0; i < pic->n; i++) {
		fprintf(f, "<div class=\"snap\" id=\"snap%zu\" data-label=\"%s\">\n", i, pic->snaps[i].label);
		fwrite(pic->snaps[i].svg, 1, pic->snaps[i].svg_len, f);
		fprintf(f, "</div>\n");
	}
	fprintf(f, "<p id=\"status\">not rendered (JavaScript off?)</p>\n");
	fputs(html_script, f);
	fputs("</body></html>\n", f);
	return fclose(f) == 0 ? 0 : -1;
}
