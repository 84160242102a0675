/*
 * figure.c - "pages to frames": every process's virtual address space
 * beside physical memory, one line from each virtual page to its frame (the
 * paging figure of every OS textbook, e.g. OSTEP ch. 18, and its
 * "processes sharing memory" variant), drawn from the live page tables.
 *
 * Both axes are drawn to scale - one row per 4 KiB page or frame - except
 * where that would waste the picture: a stretch of more than SMALL_GAP
 * pages with nothing mapped (a hole between regions, the untouched part of
 * a region, megabytes of free or kernel frames) is a broken axis, a zigzag
 * labelled with the stretch's size and what is in it.
 *
 *   pid 1 text  [##]--------\            [##] 0x80312000 file (2 mappers)
 *               [##]------\  `---------> [##]
 *      ~~ 255 GiB hole ~~  `-----------> [  ]
 *   pid 2 text  [##]---------------/     ~~ 3 MiB: 700 free ~~
 *
 * A frame's fill says how it is shared (share_class below: one row per
 * class, so page-cache and shared-mapping classes are one row each); a
 * frame mapped more than once has a thick outline, and each mapping is a
 * line in its process's colour (dashed while copy-on-write).  Mappings
 * come from pmap_foreach, the frame's owner from the frame table: no
 * kernel state is changed.
 */
#include "figure.h"
#include "inspect.h"
#include "proc.h"

#include <stdlib.h>
#include <string.h>

const char *fig_esc(const char *s, char *buf, size_t n)
{
	size_t j = 0;
	for (; *s && j + 7 < n; s++) {
		const char *r = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" :
				*s == '"' ? "&quot;" : NULL;
		if (r)
			j += (size_t)snprintf(buf + j, n - j, "%s", r);
		else
			buf[j++] = *s;
	}
	buf[j] = 0;
	return buf;
}

void fig_pid_colour(uint32_t pid, char buf[24])
{
	snprintf(buf, 24, "hsl(%u,65%%,55%%)", (unsigned)((200 + pid * 137) % 360));
}

static const struct {
	const char *name, *fill, *what;
} share_class[SH_NCLASSES] = {
	[SH_PRIVATE] = { "private", NULL, "one mapping (the process's colour)" },
	[SH_COW] = { "cow", "#fdae61", "copy-on-write: shared read-only until a write copies it" },
	[SH_SHARED] = { "shared", "#d7191c", "several mappings that never copy it (read-only private memory)" },
	[SH_ZERO] = { "zero", "#ffffbf", "the zero page: every untouched page read" },
	[SH_FILE] = { "file", "#1a9850", "a file's page (program text/data, page cache)" },
	[SH_VDSO] = { "vdso", "#762a83", "the vDSO, in every process" },
	[SH_SHMEM] = { "shmem", "#2c7bb6", "shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS), swap-backed" },
};

const char *fig_share_name(enum fig_share s)
{
	return (unsigned)s < SH_NCLASSES ? share_class[s].name : "?";
}

enum { SMALL_GAP = 4, BREAK_H = 20, MAX_MAPS = 65536, DENSE_ROWS = 400, VX = 190, VW = 60, PX = 700, PW = 70,
       MAPPERS_NAMED = 8 /* mappings named in a frame's tooltip */ };

struct fmap {                   /* one virtual page of one process */
	uint32_t pid;
	uint64_t va, pa;
	bool present, swapped, cow;   /* cow: the COW bit in a writable region */
	const struct vm_region *r;
	double y;                     /* its row's centre */
};

struct fcollect {
	struct fmap *m;
	size_t n, cap;
	bool truncated;
	uint32_t pid;
	const struct vm_region *r;
};

static int collect_page(void *ctx, const struct pmap_page *pg)
{
	struct fcollect *c = ctx;
	if (c->n == c->cap) {
		c->truncated = true;
		return 1;
	}
	/* copy-on-write: the COW bit in a region the process may write (in
	 * text, rodata or the vDSO the frame is simply shared; ptdump.c) */
	bool cow = pg->cow && (c->r->prot & VM_PROT_WRITE);
	c->m[c->n++] = (struct fmap){ c->pid, pg->va, pg->present ? pg->pa : 0, pg->present,
				      pg->swapped, cow, c->r, 0 };
	return 0;
}

/* The live processes in pid order (k->procs is newest first). */
static int procs_by_pid(struct kernel *k, struct proc **out, int max)
{
	int n = 0;
	uint32_t last = 0;
	while (n < max) {
		struct proc *next = NULL;
		for (struct proc *p = k->procs; p; p = p->next)
			if (proc_space_live(p) && p->pid > last && (!next || p->pid < next->pid))
				next = p;
		if (!next)
			break;
		out[n++] = next;
		last = next->pid;
	}
	return n;
}

static void size_text(uint64_t bytes, char *buf, size_t n)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	int u = 0;
	double v = (double)bytes;
	while (v >= 1024 && u < 5)
		v /= 1024, u++;
	if (v == (double)(uint64_t)v)
		snprintf(buf, n, "%llu %s", (unsigned long long)v, unit[u]);
	else
		snprintf(buf, n, "%.1f %s", v, unit[u]);
}

/* A broken axis across [x, x+w) at y: two zigzags and a label. */
static void draw_break(FILE *o, int x, int w, double y, const char *label, const char *title)
{
	fprintf(o, "<g class=\"break\"><title>%s</title><path d=\"M%d %.1f", title, x, y + 5);
	for (int i = 0; i <= w; i += 6)
		fprintf(o, " L%d %.1f", x + i, y + ((i / 6) % 2 ? 3 : 7));
	fprintf(o, " M%d %.1f", x, y + BREAK_H - 7);
	for (int i = 0; i <= w; i += 6)
		fprintf(o, " L%d %.1f", x + i, y + BREAK_H - ((i / 6) % 2 ? 3 : 7));
	fprintf(o, "\" fill=\"none\" stroke=\"#999\"/><text x=\"%d\" y=\"%.1f\" class=\"s\">%s</text></g>\n",
		x + w + 4, y + BREAK_H / 2.0 + 4, label);
}

static enum fig_share share_of(struct kernel *k, uint64_t pa, const struct frame *f,
			       unsigned mappers, bool cow)
{
	switch (f->owner) {
	case FO_ZERO: return SH_ZERO;
	case FO_FILE: return strcmp(inspect_share_kind(k, pa, cow), "shmem") ? SH_FILE : SH_SHMEM;
	case FO_VDSO: return SH_VDSO;
	default: break;
	}
	if (mappers > 1)
		return cow ? SH_COW : SH_SHARED;
	return SH_PRIVATE;
}

static int cmp_pa(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Orders mappings by frame, then pid, then VA. */
static int cmp_map_by_pa(const void *a, const void *b)
{
	const struct fmap *x = *(const struct fmap *const *)a, *y = *(const struct fmap *const *)b;
	if (x->pa != y->pa)
		return x->pa < y->pa ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->va < y->va ? -1 : x->va > y->va;
}

/* The mappings of one frame, n of them from m (byp order: pid, then VA),
 * as text: pids "1,2" (each pid once) and who "pid 1 VA 0x10000, pid 2 VA
 * 0x10000", the first MAPPERS_NAMED mappings named and the rest counted; a
 * shared frame's copy-on-write mappings are marked "(cow)". */
static void mappers_text(const struct fmap *const *m, unsigned n, char *pids, size_t np, char *who,
			 size_t nw)
{
	size_t jp = 0, jw = 0;
	pids[0] = who[0] = 0;
	for (unsigned i = 0; i < n; i++) {
		if ((i == 0 || m[i]->pid != m[i - 1]->pid) && jp + 12 < np)
			jp += (size_t)snprintf(pids + jp, np - jp, "%s%u", jp ? "," : "", m[i]->pid);
		if (i < MAPPERS_NAMED)
			jw += (size_t)snprintf(who + jw, nw - jw, "%spid %u VA 0x%llx%s", i ? ", " : "",
					       m[i]->pid, (unsigned long long)m[i]->va,
					       n > 1 && m[i]->cow ? " (cow)" : "");
	}
	if (n > MAPPERS_NAMED)
		snprintf(who + jw, nw - jw, ", ... %u more", n - MAPPERS_NAMED);
}

/* A run of consecutive frames of one fill, each mapped once (dense mode). */
struct frun {
	bool open;
	double y0;
	unsigned count;
	uint64_t pa, next_pa;
	char fill[24];
	enum fig_share sh;
};

static void frun_flush(FILE *o, struct frun *f, double rh)
{
	if (!f->open)
		return;
	f->open = false;
	fprintf(o, "<rect class=\"frame run\" data-pa=\"0x%llx\" data-frames=\"%u\" data-share=\"%s\" data-mappers=\"1\" x=\"%d\" y=\"%.2f\" width=\"%d\" height=\"%.2f\" fill=\"%s\"><title>frames PA 0x%llx-0x%llx: %u, each mapped once</title></rect>\n",
		(unsigned long long)f->pa, f->count, share_class[f->sh].name, PX, f->y0, PW, f->count * rh,
		f->fill, (unsigned long long)f->pa, (unsigned long long)f->next_pa, f->count);
}

/* Lays out and draws the virtual side; returns the bottom y. */
/* Dense mode (more than DENSE_ROWS rows): runs of like pages are one
 * rectangle, runs of pages mapping consecutive frames one band. */
struct vrun {
	bool open;
	double y0;
	unsigned pages;
	uint64_t va, next_va;
	const struct vm_region *r;
	char fill[24];
	uint32_t pid;
};

static void vrun_flush(FILE *o, struct vrun *v, double rh)
{
	if (!v->open)
		return;
	v->open = false;
	fprintf(o, "<rect class=\"vrun\" data-pages=\"%u\" x=\"%d\" y=\"%.2f\" width=\"%d\" height=\"%.2f\" fill=\"%s\"><title>pid %u VA 0x%llx-0x%llx (%s): %u pages</title></rect>\n",
		v->pages, VX, v->y0, VW, v->pages * rh, v->fill, v->pid, (unsigned long long)v->va,
		(unsigned long long)v->next_va, vm_kind_name(v->r->kind), v->pages);
}

static double draw_virtual(struct kernel *k, FILE *o, struct fmap *m, size_t n,
			   struct proc **ps, int np, double rh, double y, uint32_t fpid, uint64_t fva,
			   bool dense)
{
	size_t i = 0;
	struct vrun run = { 0 };
	for (int pi = 0; pi < np; pi++) {
		struct proc *p = ps[pi];
		char fill[24], nm[100];
		fig_pid_colour(p->pid, fill);
		fprintf(o, "<g class=\"vspace\" data-pid=\"%u\"><text x=\"0\" y=\"%.1f\" class=\"h\">pid %u (%s): virtual pages</text>\n",
			p->pid, y + 12, p->pid, fig_esc(p->name, nm, sizeof nm));
		y += 18;
		double last_label = -100;
		const struct fmap *prev = NULL;
		for (; i < n && m[i].pid == p->pid; i++) {
			struct fmap *e = &m[i];
			if (prev && (prev->va + PGSIZE != e->va || prev->r != e->r))
				vrun_flush(o, &run, rh);
			if (prev) {
				uint64_t gap = (e->va - prev->va) / PGSIZE - 1;
				if (gap > SMALL_GAP) {
					char sz[32], lb[96];
					size_text(gap * PGSIZE, sz, sizeof sz);
					bool inside = prev->r == e->r;
					snprintf(lb, sizeof lb, "%s %s", sz, inside ? "not touched" : "hole");
					draw_break(o, VX, VW, y, lb, inside ? "pages of the region never touched" :
						   "no region: an access faults");
					y += BREAK_H;
				} else {
					y += (double)gap * rh;
				}
			}
			if (!prev || prev->r != e->r) {
				if (y - last_label < 11)
					y = last_label + 11;  /* room for the region's label */
				fprintf(o, "<text x=\"%d\" y=\"%.1f\" class=\"m\" text-anchor=\"end\">%s 0x%llx</text>\n",
					VX - 6, y + 9, vm_kind_name(e->r->kind), (unsigned long long)e->va);
				last_label = y;
			}
			e->y = y + rh / 2;
			char fl[24];
			snprintf(fl, sizeof fl, "%s", e->present ? fill : e->swapped ? "#999999" : "#ffffff");
			bool focus = e->pid == fpid && e->va == (fva & ~(uint64_t)PGMASK);
			if (dense && !focus) {
				if (run.open && run.next_va == e->va && run.r == e->r && !strcmp(run.fill, fl)) {
					run.pages++;
					run.next_va += PGSIZE;
				} else {
					vrun_flush(o, &run, rh);
					run = (struct vrun){ true, y, 1, e->va, e->va + PGSIZE, e->r, "", p->pid };
					snprintf(run.fill, sizeof run.fill, "%s", fl);
				}
				y += rh;
				prev = e;
				continue;
			}
			vrun_flush(o, &run, rh);
			fprintf(o, "<rect class=\"vpage%s\" x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"><title>pid %u VA 0x%llx (%s)%s</title></rect>\n",
				focus ? " focus" : "", VX, y, VW, rh, fl, focus ? "#000" : "#fff", focus ? "2" : "0.5", p->pid, (unsigned long long)e->va, vm_kind_name(e->r->kind),
				e->present ? (e->cow ? ": copy-on-write" : "") : e->swapped ? ": swapped out" :
				": PROT_NONE");
			if (focus)
				fprintf(o, "<text x=\"%d\" y=\"%.1f\" class=\"m b\">&#9664; 0x%llx</text>\n", VX + VW + 4,
					y + rh / 2 + 4, (unsigned long long)fva);
			y += rh;
			prev = e;
		}
		vrun_flush(o, &run, rh);
		fprintf(o, "</g>\n");
		y += 14;
	}
	(void)k;
	return y;
}

/* Summary of the frames [f0, f1) that no drawn page maps: owner counts. */
static void gap_summary(const struct page_alloc *pa, uint64_t f0, uint64_t f1, char *buf, size_t n)
{
	uint64_t cnt[FO_NKINDS] = { 0 };
	for (uint64_t f = f0; f < f1; f++)
		cnt[pa->frames[f].owner < FO_NKINDS ? pa->frames[f].owner : FO_FREE]++;
	char sz[32];
	size_text((f1 - f0) * PGSIZE, sz, sizeof sz);
	size_t j = (size_t)snprintf(buf, n, "%s:", sz);
	for (unsigned ow = 0; ow < FO_NKINDS && j < n; ow++)
		if (cnt[ow])
			j += (size_t)snprintf(buf + j, n - j, " %llu %s", (unsigned long long)cnt[ow],
					      frame_owner_name((enum frame_owner)ow));
}

int figure_spaces(struct kernel *k, uint32_t fpid, uint64_t fva, FILE *o)
{
	struct proc *ps[64];
	int np = procs_by_pid(k, ps, 64);
	struct fcollect c = { calloc(MAX_MAPS, sizeof(struct fmap)), 0, MAX_MAPS, false, 0, NULL };
	uint64_t *pas = calloc(MAX_MAPS, sizeof *pas);
	if (!c.m || !pas) {
		free(c.m);
		free(pas);
		return 0;
	}
	for (int pi = 0; pi < np && !c.truncated; pi++) {
		c.pid = ps[pi]->pid;
		for (const struct vm_region *r = vm_map_first(&ps[pi]->mm->map); r && !c.truncated;
		     r = vm_map_next(&ps[pi]->mm->map, r)) {
			c.r = r;
			pmap_foreach(&ps[pi]->mm->pmap, r->start, r->end, collect_page, &c);
		}
	}
	/* the distinct frames, in PA order; the mappings by frame (lowest pid first) */
	size_t nf = 0, npresent = 0, nbyp = 0;
	const struct fmap **byp = calloc(c.n ? c.n : 1, sizeof *byp);
	for (size_t i = 0; i < c.n; i++)
		if (c.m[i].present) {
			pas[nf++] = c.m[i].pa;
			if (byp)
				byp[npresent++] = &c.m[i];
		}
	if (byp)
		qsort(byp, npresent, sizeof *byp, cmp_map_by_pa);
	qsort(pas, nf, sizeof *pas, cmp_pa);
	size_t u = 0;
	for (size_t i = 0; i < nf; i++)
		if (!u || pas[u - 1] != pas[i])
			pas[u++] = pas[i];
	nf = u;
	/* rows: the taller side sets the row height (3..12 px for ~700 px) */
	size_t rows = c.n > nf ? c.n : nf;
	bool dense = rows > DENSE_ROWS;
	double rh = rows ? 700.0 / (double)rows : 12;
	rh = rh > 12 ? 12 : rh < 3 && !dense ? 3 : rh < 0.25 ? 0.25 : rh;

	fprintf(o, "<g class=\"fig-spaces\"><text x=\"0\" y=\"14\" class=\"t\">pages to frames: %d process%s' virtual pages (left) and the frames they map (right)</text>\n",
		np, np == 1 ? "" : "es");
	fprintf(o, "<text x=\"0\" y=\"30\" class=\"s\">one row per 4 KiB page, to scale; a zigzag is a broken axis (its size is written beside it); hover a page or frame for its address%s</text>\n",
		c.truncated ? " (only the first 65536 pages are drawn)" : dense ? " (runs of like pages merged)" : "");
	double y0 = 40;
	double vy = draw_virtual(k, o, c.m, c.n, ps, np, rh, y0, fpid, fva, dense);

	/* the physical side */
	const struct page_alloc *pa = &k->pa;
	uint64_t base = pa->ram->base;
	double *fy = calloc(nf ? nf : 1, sizeof *fy);
	double y = y0;
	fprintf(o, "<g class=\"pspace\"><text x=\"%d\" y=\"%.1f\" class=\"h\">physical memory (%llu MiB at 0x%llx)</text>\n",
		PX, y + 12, (unsigned long long)(pa->nframes >> 8), (unsigned long long)base);
	y += 18;
	unsigned nshare[SH_NCLASSES] = { 0 };
	uint64_t next_frame = 0;
	struct frun frun = { 0 };
	for (size_t i = 0; i <= nf && fy; i++) {
		uint64_t fr = i < nf ? (pas[i] - base) >> PGSHIFT : pa->nframes;
		if (fr > next_frame)
			frun_flush(o, &frun, rh);
		if (fr > next_frame) {
			uint64_t gap = fr - next_frame;
			if (gap > SMALL_GAP || i == nf || i == 0) {
				char lb[200];
				gap_summary(pa, next_frame, fr, lb, sizeof lb);
				draw_break(o, PX, PW, y, lb, "frames no drawn page maps");
				y += BREAK_H;
			} else {
				for (uint64_t g = next_frame; g < fr; g++) {
					const struct frame *f = &pa->frames[g];
					fprintf(o, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"#eee\" stroke=\"#fff\" stroke-width=\"0.5\"><title>PA 0x%llx: %s</title></rect>\n",
						PX, y, PW, rh, (unsigned long long)(base + (g << PGSHIFT)),
						frame_owner_name((enum frame_owner)f->owner));
					y += rh;
				}
			}
		}
		if (i == nf)
			break;
		const struct frame *f = &pa->frames[fr];
		unsigned mappers = 0;
		bool cow = false;
		uint32_t pid0 = 0;
		size_t first_map = nbyp;
		for (; byp && nbyp < npresent && byp[nbyp]->pa == pas[i]; nbyp++) {
			if (!mappers++)
				pid0 = byp[nbyp]->pid;
			cow |= byp[nbyp]->cow;
		}
		enum fig_share sh = share_of(k, pas[i], f, mappers, cow);
		nshare[sh]++;
		char fill[24];
		if (share_class[sh].fill)
			snprintf(fill, sizeof fill, "%s", share_class[sh].fill);
		else
			fig_pid_colour(pid0, fill);
		fy[i] = y + rh / 2;
		if (dense && mappers == 1 && i > 0 && frun.open && pas[i] == frun.next_pa &&
		    !strcmp(frun.fill, fill)) {
			frun.count++;
			frun.next_pa += PGSIZE;
			y += rh;
			next_frame = fr + 1;
			continue;
		}
		frun_flush(o, &frun, rh);
		if (dense && mappers == 1) {
			frun = (struct frun){ true, y, 1, pas[i], pas[i] + PGSIZE, "", sh };
			snprintf(frun.fill, sizeof frun.fill, "%s", fill);
			y += rh;
			next_frame = fr + 1;
			continue;
		}
		char pids[MAPPERS_NAMED * 12], who[MAPPERS_NAMED * 40];
		mappers_text(byp + first_map, mappers, pids, sizeof pids, who, sizeof who);
		fprintf(o, "<rect class=\"frame\" data-pa=\"0x%llx\" data-share=\"%s\" data-mappers=\"%u\" data-pids=\"%s\" x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\" stroke=\"%s\" stroke-width=\"%s\"><title>frame PA 0x%llx: %s, %s, %u mapping%s: %s</title></rect>\n",
			(unsigned long long)pas[i], share_class[sh].name, mappers, pids, PX, y, PW, rh, fill,
			mappers > 1 ? "#222" : "#fff", mappers > 1 ? "1.2" : "0.5",
			(unsigned long long)pas[i], frame_owner_name((enum frame_owner)f->owner),
			share_class[sh].name, mappers, mappers == 1 ? "" : "s", who);
		if (rh >= 8 || (mappers > 1 && !dense))
			fprintf(o, "<text x=\"%d\" y=\"%.1f\" class=\"s\">0x%llx%s%s</text>\n", PX + PW + 4,
				y + rh / 2 + 3, (unsigned long long)pas[i], mappers > 1 ? " " : "",
				mappers > 1 ? share_class[sh].name : "");
		y += rh;
		next_frame = fr + 1;
	}
	frun_flush(o, &frun, rh);
	fprintf(o, "</g>\n");
	/* the lines, under nothing: drawn last so they cross the columns' gap only */
	fprintf(o, "<g class=\"maps\">\n");
	for (size_t j = 0; j < c.n && fy; j++) {
		const struct fmap *e = &c.m[j];
		if (!e->present)
			continue;
		size_t lo = 0, hi = nf;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (pas[mid] < e->pa)
				lo = mid + 1;
			else
				hi = mid;
		}
		char col[24];
		fig_pid_colour(e->pid, col);
		bool focus = e->pid == fpid && e->va == (fva & ~(uint64_t)PGMASK);
		size_t j2 = j + 1;   /* dense: the run of pages mapping consecutive frames */
		while (dense && !focus && j2 < c.n && c.m[j2].present && c.m[j2].pid == e->pid &&
		       c.m[j2].va == c.m[j2 - 1].va + PGSIZE && c.m[j2].pa == c.m[j2 - 1].pa + PGSIZE &&
		       c.m[j2].cow == e->cow && !(c.m[j2].pid == fpid && c.m[j2].va == (fva & ~(uint64_t)PGMASK)))
			j2++;
		if (j2 - j > 1) {
			const struct fmap *z = &c.m[j2 - 1];
			size_t zl = lo + (j2 - j) - 1;
			fprintf(o, "<path class=\"maprun\" data-pid=\"%u\" data-va=\"0x%llx\" data-pages=\"%zu\" data-pa=\"0x%llx\" d=\"M%d %.2f L%d %.2f L%d %.2f L%d %.2f Z\" fill=\"%s\" fill-opacity=\"0.35\" stroke=\"%s\" stroke-width=\"0.5\"%s><title>pid %u: %zu pages from VA 0x%llx to %zu frames from PA 0x%llx</title></path>\n",
				e->pid, (unsigned long long)e->va, j2 - j, (unsigned long long)e->pa,
				VX + VW, e->y - rh / 2, PX, fy[lo] - rh / 2, PX, fy[zl] + rh / 2, VX + VW, z->y + rh / 2,
				col, col, e->cow ? " stroke-dasharray=\"4 2\"" : "", e->pid, j2 - j,
				(unsigned long long)e->va, j2 - j, (unsigned long long)e->pa);
			j = j2 - 1;
			continue;
		}
		fprintf(o, "<line class=\"map%s\" data-pid=\"%u\" data-va=\"0x%llx\" data-pa=\"0x%llx\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%s\"%s/>\n",
			focus ? " focus" : "", e->pid, (unsigned long long)e->va, (unsigned long long)e->pa, VX + VW, e->y, PX,
			fy[lo], col, focus ? "3" : "1", e->cow ? " stroke-dasharray=\"4 2\"" : "");
	}
	fprintf(o, "</g>\n");
	if (y < vy)
		y = vy;
	/* legend: the share classes present */
	y += 8;
	int x = 0;
	fprintf(o, "<g class=\"legend\">");
	for (unsigned s = 0; s < SH_NCLASSES; s++) {
		if (!nshare[s])
			continue;
		fprintf(o, "<rect x=\"%d\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\" stroke=\"#999\"/><text x=\"%d\" y=\"%.1f\" class=\"s\">%s (%u): %s</text>\n",
			x, y, share_class[s].fill ? share_class[s].fill : "#cccccc", x + 14, y + 9,
			share_class[s].name, nshare[s], share_class[s].what);
		y += 14;
	}
	fprintf(o, "<text x=\"%d\" y=\"%.1f\" class=\"s\">lines: one per mapped page, in the process's colour; dashed while copy-on-write. "
		"Light grey rows: frames between mapped ones that no page maps (page tables, kernel, free: hover)</text></g>\n",
		x, y + 9);
	y += 18;
	fprintf(o, "</g>\n");
	free(byp);
	free(fy);
	free(pas);
	free(c.m);
	return (int)(y + 0.5);
}
