/*
 * figure_owners.c - the frame map aggregated by owner, with a drill-down
 * (figure.h: figure_owners).
 *
 * At the default 128 MiB a program uses a few hundred of 32768 frames, so
 * a grid of cells shows mostly free space.  This figure answers "who holds
 * the memory" first: one row per owner group - each process's user pages
 * (anonymous, copy-on-write and private file copies, counted for the pid
 * that first owned the frame), each process's page tables, the page cache
 * (files and shared memory), the zero page, the vDSO, the kernel's slab
 * caches, its whole-page allocations from the buddy allocator, the frame
 * metadata, and the free frames - with its frame count, how many of them
 * several processes map (the reverse map, inspect_frame_mappers), and a
 * bar.  Each group also has a
 * detail block (hidden, display="none"): its frames as runs of frame
 * numbers and physical addresses.  The HTML page's script (picture.c)
 * shows a group's block and fades the other groups' cells in the frame map
 * when the group is clicked or its number key (1-9) is pressed, and goes
 * back on Esc or a click on "back"; in a standalone SVG only the counts
 * show.  Every cell of the frame map carries its group's key (data-g), the
 * same key as the group's row.
 */
#include "figure.h"
#include "inspect.h"
#include "proc.h"

#include <stdlib.h>
#include <string.h>

#define RUNS_SHOWN 24          /* runs listed in a group's detail */
#define RUNS_PER_LINE 3

const char *const fig_owner_colours[FO_NKINDS] = {
	[FO_FREE] = "#f2f2f2", [FO_BOOT] = "#555555", [FO_PAGE_TABLE] = "#b2182b",
	[FO_SLAB] = "#ef8a62", [FO_KERNEL] = "#8c510a", [FO_USER] = "#4575b4",
	[FO_ZERO] = "#ffffbf", [FO_VDSO] = "#762a83", [FO_FILE] = "#1a9850",
	[FO_RESERVED] = "#a6d96a",
};

void fig_owner_colour(uint8_t owner, uint32_t id, char buf[24])
{
	if (owner == FO_USER)
		fig_pid_colour(id, buf);
	else
		snprintf(buf, 24, "%s", fig_owner_colours[owner < FO_NKINDS ? owner : FO_FREE]);
}

struct run { uint32_t first, n; };

struct owner_group {
	uint8_t owner;
	uint32_t id;                    /* pid for user pages and page tables */
	uint64_t count, nruns;
	uint64_t shared;                /* frames mapped by several processes */
	struct run runs[RUNS_SHOWN];
};

void fig_owner_key(uint8_t owner, uint32_t id, char buf[32])
{
	switch (owner) {
	case FO_USER: snprintf(buf, 32, "user-%u", id); break;
	case FO_PAGE_TABLE: snprintf(buf, 32, "pt-%u", id); break;
	default: snprintf(buf, 32, "%s", frame_owner_name((enum frame_owner)owner)); break;
	}
	for (char *c = buf; *c; c++)
		if (*c == ' ')
			*c = '-';
}

/* The group order: processes by pid (user pages, then page tables), then
 * the kernel's and the free frames. */
static int group_rank(const struct owner_group *g)
{
	static const int rank[FO_NKINDS] = {
		[FO_USER] = 0, [FO_PAGE_TABLE] = 1, [FO_FILE] = 2, [FO_ZERO] = 3, [FO_VDSO] = 4,
		[FO_SLAB] = 5, [FO_KERNEL] = 6, [FO_BOOT] = 7, [FO_FREE] = 8, [FO_RESERVED] = 2,
	};
	return g->owner < FO_NKINDS ? rank[g->owner] : 9;
}

static int group_cmp(const void *a, const void *b)
{
	const struct owner_group *x = a, *y = b;
	bool xp = (x->owner == FO_USER || x->owner == FO_PAGE_TABLE) && x->id;
	bool yp = (y->owner == FO_USER || y->owner == FO_PAGE_TABLE) && y->id;
	if (xp != yp)
		return xp ? -1 : 1;              /* processes first */
	if (xp && x->id != y->id)
		return x->id < y->id ? -1 : 1;
	int rx = group_rank(x), ry = group_rank(y);
	return rx != ry ? (rx < ry ? -1 : 1) : 0;
}

static void group_name(struct kernel *k, const struct owner_group *g, char *buf, size_t n)
{
	char nm[64] = "";
	if (g->owner == FO_USER || g->owner == FO_PAGE_TABLE) {
		struct proc *p = g->id ? proc_find(k, g->id) : NULL;
		if (p)
			fig_esc(p->name, nm, sizeof nm);
	}
	switch (g->owner) {
	case FO_USER:
		snprintf(buf, n, "pid %u%s%s%s: user pages", g->id, *nm ? " (" : "", nm, *nm ? ")" : "");
		break;
	case FO_PAGE_TABLE:
		if (g->id)
			snprintf(buf, n, "pid %u%s%s%s: page tables", g->id, *nm ? " (" : "", nm, *nm ? ")" : "");
		else
			snprintf(buf, n, "kernel page tables (shared upper half)");
		break;
	case FO_FILE: snprintf(buf, n, "page cache (files, shared memory)"); break;
	case FO_ZERO: snprintf(buf, n, "the zero page"); break;
	case FO_VDSO: snprintf(buf, n, "vDSO"); break;
	case FO_SLAB: snprintf(buf, n, "kernel slab caches"); break;
	case FO_KERNEL: snprintf(buf, n, "kernel pages (buddy allocator)"); break;
	case FO_BOOT: snprintf(buf, n, "frame metadata"); break;
	case FO_FREE: snprintf(buf, n, "free"); break;
	default: snprintf(buf, n, "%s", frame_owner_name((enum frame_owner)g->owner)); break;
	}
}

/* Every frame's group, in one pass over the frame array: counts and the
 * first RUNS_SHOWN runs of each.  Returns the groups (malloc'd, host
 * memory: a front end's scratch), sorted, and their number in *n; NULL if
 * out of memory. */
static struct owner_group *collect(struct kernel *k, size_t *n)
{
	const struct page_alloc *pa = &k->pa;
	size_t cap = 16, ng = 0;
	struct owner_group *g = malloc(cap * sizeof *g);
	if (!g)
		return NULL;
	long cur = -1;                       /* the previous frame's group */
	for (uint32_t i = 0; i < pa->nframes; i++) {
		const struct frame *f = &pa->frames[i];
		uint32_t id = f->owner == FO_USER || f->owner == FO_PAGE_TABLE ? f->owner_id : 0;
		if (cur < 0 || g[cur].owner != f->owner || g[cur].id != id) {
			size_t j = 0;
			while (j < ng && (g[j].owner != f->owner || g[j].id != id))
				j++;
			if (j == ng) {
				if (ng == cap) {
					struct owner_group *m = realloc(g, 2 * cap * sizeof *g);
					if (!m) {
						free(g);
						return NULL;
					}
					g = m;
					cap *= 2;
				}
				g[ng++] = (struct owner_group){ .owner = f->owner, .id = id };
			}
			struct owner_group *o = &g[j];
			if (o->nruns < RUNS_SHOWN)
				o->runs[o->nruns] = (struct run){ i, 0 };
			o->nruns++;
			cur = (long)j;
		}
		struct owner_group *o = &g[cur];
		o->count++;
		bool cow;
		if ((f->owner == FO_USER || f->owner == FO_FILE) &&
		    inspect_frame_mappers(k, frame_to_pa(&k->pa, i), NULL, 0, &cow) > 1)
			o->shared++;
		if (o->nruns <= RUNS_SHOWN)
			o->runs[o->nruns - 1].n++;
	}
	qsort(g, ng, sizeof *g, group_cmp);
	*n = ng;
	return g;
}

int figure_owners(struct kernel *k, FILE *o)
{
	const struct page_alloc *pa = &k->pa;
	size_t ng = 0;
	struct owner_group *g = collect(k, &ng);
	if (!g)
		return 0;
	enum { COLS = 3, COL_W = 360, ROW_H = 16, Y0 = 34, DETAIL_LINES = RUNS_SHOWN / RUNS_PER_LINE + 2 };
	size_t rows = (ng + COLS - 1) / COLS;
	uint64_t most = 1;
	for (size_t i = 0; i < ng; i++)
		if (g[i].owner != FO_FREE && g[i].count > most)
			most = g[i].count;
	fprintf(o, "<g class=\"owners\" data-total=\"%u\" data-groups=\"%zu\">"
		"<text x=\"0\" y=\"14\" class=\"h\">frames by owner: %u frames of 4 KiB in %zu groups</text>\n"
		"<text x=\"0\" y=\"28\" class=\"s\">click a group (or press its number, 1-9) to see its frames and fade the others in the frame map below; Esc or \"back\" returns</text>\n",
		pa->nframes, ng, pa->nframes, ng);
	fprintf(o, "<g class=\"og-list\">\n");
	for (size_t i = 0; i < ng; i++) {
		int x = (int)(i / rows) * COL_W, y = Y0 + (int)(i % rows) * ROW_H;
		char key[32], name[160], fill[24];
		fig_owner_key(g[i].owner, g[i].id, key);
		group_name(k, &g[i], name, sizeof name);
		fig_owner_colour(g[i].owner, g[i].id, fill);
		int bar = g[i].owner == FO_FREE ? 60 : (int)(1 + 59 * g[i].count / most);
		char shared[48] = "", sharedt[80] = "";
		if (g[i].shared) {
			snprintf(shared, sizeof shared, " (%llu shared)", (unsigned long long)g[i].shared);
			snprintf(sharedt, sizeof sharedt, ", %llu of them mapped by several processes",
				 (unsigned long long)g[i].shared);
		}
		fprintf(o, "<g class=\"og\" data-g=\"%s\" data-count=\"%llu\" data-shared=\"%llu\" data-n=\"%zu\" style=\"cursor:pointer\">"
			"<title>%s: %llu frames (%llu KiB) in %llu runs%s; click for the frames</title>"
			"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"11\" fill=\"%s\" stroke=\"#999\"/>"
			"<text x=\"%d\" y=\"%d\" class=\"s\">%zu. %s: %llu%s</text></g>\n",
			key, (unsigned long long)g[i].count, (unsigned long long)g[i].shared, i + 1, name,
			(unsigned long long)g[i].count, (unsigned long long)g[i].count * 4,
			(unsigned long long)g[i].nruns, sharedt, x, y, bar, fill,
			x + 64, y + 10, i + 1, name, (unsigned long long)g[i].count, shared);
	}
	fprintf(o, "</g>\n");
	for (size_t i = 0; i < ng; i++) {
		char key[32], name[160];
		fig_owner_key(g[i].owner, g[i].id, key);
		group_name(k, &g[i], name, sizeof name);
		fprintf(o, "<g class=\"od\" data-g=\"%s\" display=\"none\">"
			"<text x=\"0\" y=\"%d\" class=\"h\">%zu. %s: %llu frames (%llu KiB) in %llu runs</text>"
			"<text x=\"700\" y=\"%d\" class=\"oback\" style=\"cursor:pointer;text-decoration:underline\">&#8592; back to all owners (Esc)</text>\n",
			key, Y0 + 10, i + 1, name, (unsigned long long)g[i].count,
			(unsigned long long)g[i].count * 4, (unsigned long long)g[i].nruns, Y0 + 10);
		size_t shown = g[i].nruns < RUNS_SHOWN ? g[i].nruns : RUNS_SHOWN;
		for (size_t r = 0; r < shown; r += RUNS_PER_LINE) {
			fprintf(o, "<text x=\"0\" y=\"%d\" class=\"m\">", Y0 + 10 + (int)(r / RUNS_PER_LINE + 1) * ROW_H);
			for (size_t j = r; j < r + RUNS_PER_LINE && j < shown; j++) {
				const struct run *u = &g[i].runs[j];
				uint64_t a = pa->ram->base + ((uint64_t)u->first << PGSHIFT);
				fprintf(o, "<tspan class=\"orun\" data-first=\"%u\" data-n=\"%u\">%sframes %u-%u (PA 0x%llx-0x%llx)</tspan>",
					u->first, u->n, j > r ? "   " : "", u->first, u->first + u->n - 1,
					(unsigned long long)a, (unsigned long long)(a + ((uint64_t)u->n << PGSHIFT) - 1));
			}
			fprintf(o, "</text>\n");
		}
		if (g[i].nruns > RUNS_SHOWN)
			fprintf(o, "<text x=\"0\" y=\"%d\" class=\"s\">... and %llu more runs (the frame map below shows them all)</text>\n",
				Y0 + 10 + (int)(RUNS_SHOWN / RUNS_PER_LINE + 1) * ROW_H,
				(unsigned long long)(g[i].nruns - RUNS_SHOWN));
		fprintf(o, "</g>\n");
	}
	fprintf(o, "</g>\n");
	free(g);
	size_t lines = rows > DETAIL_LINES ? rows : DETAIL_LINES;
	return Y0 + (int)lines * ROW_H + 8;
}
