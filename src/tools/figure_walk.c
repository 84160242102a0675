/*
 * figure_walk.c - the page-table walk of one address as a picture, and the
 * TLB's contents.
 *
 * Walk: the VA cut into its VPN fields and offset (one colour per level),
 * then one box per table the walk reads, root first, left to right: the
 * table's non-zero entries near the one indexed (the user half only), the
 * indexed entry filled in its level's colour (class "pte walk"), an arrow
 * from it to the next table or, from the leaf, to the frame and the PA; a
 * walk that faults ends in a red box with the level and reason.  The steps
 * are mmu_walk_explain's (no side effects), the very ones `--explain`
 * prints.  Under each table: how many tables the process has at that level
 * (ptdump_satp), so the tree's width shows too.
 *
 * TLB: a grid of sets (rows) by ways (columns) as tlb.h lays it out, each
 * valid entry with its ASID, VPN -> PPN, page size and flags, in the colour
 * of the process whose ASID it carries (global entries grey).
 */
#include "figure.h"
#include "explain.h"
#include "ptdump.h"
#include "proc.h"

#include <string.h>

static const char *const level_colour[4] = { "#a6dba0", "#9ecae1", "#fdd0a2", "#dadaeb" };

enum { TBOX_W = 250, TBOX_GAP = 40, ROW_H = 15, MAX_ROWS = 9 };

/* The entries of the table at tpa to show: the indexed one and the nearest
 * non-zero ones around it (user half only at the root).  Returns how many
 * indices went into idx[] (sorted). */
static int pick_entries(const uint64_t *t, unsigned limit, unsigned want, unsigned idx[MAX_ROWS],
			unsigned *nonzero)
{
	*nonzero = 0;
	for (unsigned i = 0; i < limit; i++)
		*nonzero += t[i] != 0;
	int n = 0;
	idx[n++] = want;
	/* alternate below and above the wanted index */
	int lo = (int)want - 1, hi = (int)want + 1;
	while (n < MAX_ROWS && (lo >= 0 || hi < (int)limit)) {
		while (lo >= 0 && !t[lo])
			lo--;
		if (lo >= 0 && n < MAX_ROWS)
			idx[n++] = (unsigned)lo--;
		while (hi < (int)limit && !t[hi])
			hi++;
		if (hi < (int)limit && n < MAX_ROWS)
			idx[n++] = (unsigned)hi++;
	}
	for (int a = 1; a < n; a++)     /* insertion sort: at most 9 */
		for (int b = a; b > 0 && idx[b - 1] > idx[b]; b--) {
			unsigned x = idx[b];
			idx[b] = idx[b - 1];
			idx[b - 1] = x;
		}
	return n;
}

/* A curved arrow from (x1, y1) to (x2, y2), its head drawn (no <marker>:
 * ids would repeat across the snapshots of one HTML page). */
static void arrow(FILE *o, int x1, int y1, int x2, int y2)
{
	fprintf(o, "<path class=\"arrow\" d=\"M%d %d C%d %d %d %d %d %d\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.5\"/>"
		"<path d=\"M%d %d l-8 -4 l0 8 z\" fill=\"#222\"/>\n",
		x1, y1, x1 + 20, y1, x2 - 24, y2, x2 - 6, y2, x2, y2);
}

int figure_walk(struct kernel *k, struct proc *p, uint64_t va, FILE *o)
{
	if (!p) {
		fprintf(o, "<g class=\"fig-walk\"><text x=\"0\" y=\"14\" class=\"t\">page-table walk: no process</text></g>\n");
		return 24;
	}
	uint64_t satp = pmap_satp(&p->mm->pmap);
	int levels = k->cfg.levels;
	struct mmu_walk w;
	mmu_walk_explain(&k->mmu, satp, va, ACC_LOAD, &w);
	struct ptdump_stats st;
	ptdump_satp(&k->ram, satp, NULL, &st);
	char nm[100];
	fprintf(o, "<g class=\"fig-walk\" data-pid=\"%u\" data-va=\"0x%llx\" data-levels=\"%d\"><text x=\"0\" y=\"14\" class=\"t\">page-table walk: pid %u (%s), load of VA 0x%llx, %s, satp 0x%016llx</text>\n",
		p->pid, (unsigned long long)va, levels, p->pid, fig_esc(p->name, nm, sizeof nm),
		(unsigned long long)va, levels == 3 ? "Sv39" : "Sv48", (unsigned long long)satp);
	/* the VA's fields: VPN[levels-1] .. VPN[0], offset */
	int fx = 0, fw = 150;
	for (int l = levels - 1; l >= 0; l--, fx += fw + 6) {
		unsigned v = (unsigned)((va >> (PGSHIFT + VPN_BITS * l)) & (PT_ENTRIES - 1));
		fprintf(o, "<rect x=\"%d\" y=\"24\" width=\"%d\" height=\"20\" fill=\"%s\" stroke=\"#666\"/><text x=\"%d\" y=\"38\" class=\"m\">VPN[%d] = %u (0x%03x)</text>\n",
			fx, fw, level_colour[l], fx + 6, l, v, v);
	}
	fprintf(o, "<rect x=\"%d\" y=\"24\" width=\"%d\" height=\"20\" fill=\"#eee\" stroke=\"#666\"/><text x=\"%d\" y=\"38\" class=\"m\">offset 0x%03llx</text>\n",
		fx, fw, fx + 6, (unsigned long long)(va & PGMASK));
	fprintf(o, "<text x=\"%d\" y=\"38\" class=\"s\">bits: 9 per level, 12 of offset</text>\n", fx + fw + 8);
	int y0 = 60, bottom = y0;
	int x = 0;
	/* satp -> root */
	fprintf(o, "<text x=\"0\" y=\"%d\" class=\"s\">satp.PPN = root table 0x%llx</text>\n", y0 + 10,
		(unsigned long long)(SATP_PPN(satp) << PGSHIFT));
	y0 += 18;
	int prev_x = -1, prev_y = 0;
	for (int s = 0; s < w.nsteps; s++) {
		const struct mmu_walk_step *ws = &w.step[s];
		int l = ws->level;
		uint64_t tpa = ws->pte_pa & ~(uint64_t)PGMASK;
		unsigned want = (unsigned)((ws->pte_pa & PGMASK) / 8);
		if (!ram_contains(&k->ram, tpa, PGSIZE))
			break;
		const uint64_t *t = (const uint64_t *)ram_ptr(&k->ram, tpa);
		unsigned idx[MAX_ROWS], nonzero;
		unsigned limit = l == levels - 1 ? PT_ENTRIES / 2 : PT_ENTRIES;
		int n = pick_entries(t, limit, want, idx, &nonzero);
		int h = 20 + n * ROW_H + 6;
		fprintf(o, "<g class=\"table\" data-level=\"%d\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fff\" stroke=\"#666\"/>"
			"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" class=\"m\">level %d table%s at 0x%llx</text>\n",
			l, x, y0, TBOX_W, h, x, y0, TBOX_W, level_colour[l], x + 4, y0 + 13, l,
			l == levels - 1 ? " (root)" : "", (unsigned long long)tpa);
		int want_y = y0;
		for (int r = 0; r < n; r++) {
			uint64_t pte = t[idx[r]];
			int ry = y0 + 20 + r * ROW_H;
			char fl[9], what[48];
			explain_pte_flags(pte, fl);
			if (!pte)
				snprintf(what, sizeof what, "empty");
			else if (!(pte & PTE_V) && (pte & PTE_SW_NONE))
				snprintf(what, sizeof what, "PROT_NONE, frame 0x%llx", (unsigned long long)PTE_PA(pte));
			else if (!(pte & PTE_V))
				snprintf(what, sizeof what, "swapped, slot %llu", (unsigned long long)PTE_PPN(pte));
			else if (PTE_IS_LEAF(pte))
				snprintf(what, sizeof what, "frame 0x%llx", (unsigned long long)PTE_PA(pte));
			else
				snprintf(what, sizeof what, "table 0x%llx", (unsigned long long)PTE_PA(pte));
			bool on = idx[r] == want;
			if (on) {
				want_y = ry;
				fprintf(o, "<rect class=\"pte walk\" data-level=\"%d\" data-index=\"%u\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" stroke=\"#222\" stroke-width=\"1.5\"><title>PTE at 0x%llx = 0x%016llx</title></rect>\n",
					l, idx[r], x + 2, ry, TBOX_W - 4, ROW_H - 1, level_colour[l],
					(unsigned long long)ws->pte_pa, (unsigned long long)pte);
			} else {
				fprintf(o, "<rect class=\"pte\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\"><title>PTE at 0x%llx = 0x%016llx</title></rect>\n",
					x + 2, ry, TBOX_W - 4, ROW_H - 1,
					(unsigned long long)(tpa + idx[r] * 8), (unsigned long long)pte);
			}
			fprintf(o, "<text x=\"%d\" y=\"%d\" class=\"m%s\">[%3u] %s %s</text>\n", x + 6, ry + 11,
				on ? " b" : "", idx[r], fl, what);
		}
		fprintf(o, "<text x=\"%d\" y=\"%d\" class=\"s\">%u non-zero entries%s; %llu level-%d table%s in all</text></g>\n",
			x, y0 + h + 12, nonzero, l == levels - 1 ? " (user half)" : "",
			(unsigned long long)st.table_pages[l], l,
			st.table_pages[l] == 1 ? "" : "s");
		if (prev_x >= 0)
			arrow(o, prev_x, prev_y, x, y0 + 9);
		prev_x = x + TBOX_W - 2;
		prev_y = want_y + ROW_H / 2;
		if (y0 + h + 16 > bottom)
			bottom = y0 + h + 16;
		x += TBOX_W + TBOX_GAP;
	}
	/* the end: the frame, or the fault */
	int ey = y0;
	if (w.cause == 0) {
		uint64_t size = LEVEL_SIZE(w.leaf_level);
		uint64_t frame = w.pa & ~(size - 1);
		fprintf(o, "<g class=\"end ok\"><rect x=\"%d\" y=\"%d\" width=\"170\" height=\"52\" fill=\"#e5f5e0\" stroke=\"#31a354\" stroke-width=\"1.5\"/>"
			"<text x=\"%d\" y=\"%d\" class=\"m b\">frame 0x%llx</text><text x=\"%d\" y=\"%d\" class=\"m\">+ offset 0x%llx</text><text x=\"%d\" y=\"%d\" class=\"m b\">= PA 0x%llx</text></g>\n",
			x, ey, x + 6, ey + 14, (unsigned long long)frame, x + 6, ey + 30,
			(unsigned long long)(w.pa - frame), x + 6, ey + 46, (unsigned long long)w.pa);
	} else {
		fprintf(o, "<g class=\"end fault\"><rect x=\"%d\" y=\"%d\" width=\"200\" height=\"52\" fill=\"#fee0d2\" stroke=\"#de2d26\" stroke-width=\"1.5\"/>"
			"<text x=\"%d\" y=\"%d\" class=\"m b\">page fault (cause %llu)</text><text x=\"%d\" y=\"%d\" class=\"s\">%s</text></g>\n",
			x, ey, x + 6, ey + 16, (unsigned long long)w.cause, x + 6, ey + 34,
			w.why ? w.why : "");
	}
	if (prev_x >= 0)
		arrow(o, prev_x, prev_y, x, ey + 26);
	if (ey + 60 > bottom)
		bottom = ey + 60;
	fprintf(o, "</g>\n");
	return bottom + 8;
}

/* The pid whose address space holds ASID asid now, or 0. */
static uint32_t pid_of_asid(struct kernel *k, uint16_t asid)
{
	for (struct proc *p = k->procs; p; p = p->next)
		if (proc_space_live(p) && SATP_ASID(pmap_satp(&p->mm->pmap)) == asid)
			return p->pid;
	return 0;
}

int figure_tlb(struct kernel *k, FILE *o)
{
	const struct tlb *t = &k->mmu.tlb;
	unsigned sets = t->nsets, ways = t->nways;
	unsigned shown = sets > 256 ? 256 : sets;
	int cw = (int)((FIGURE_W - 60) / ways);
	if (cw > 240)
		cw = 240;
	int fs = cw >= 200 ? 11 : cw >= 120 ? 9 : 7;
	enum { CH = 28, Y0 = 62 };
	fprintf(o, "<g class=\"fig-tlb\" data-sets=\"%u\" data-ways=\"%u\"><text x=\"0\" y=\"14\" class=\"t\">TLB: %u entries, %u sets x %u ways, %u valid; current ASID %u</text>\n",
		sets, ways, t->nentries, sets, ways, tlb_count(t), (unsigned)k->mmu.asid);
	fprintf(o, "<text x=\"0\" y=\"30\" class=\"s\">set = VPN mod %u; each entry: ASID, VPN -&gt; PPN, page size, flags (vrwxugad); coloured by the process holding the ASID, grey = global%s</text>\n",
		sets, shown < sets ? "; the first 256 sets are drawn" : "");
	/* which process holds which ASID (the cells say "A<asid>") */
	fprintf(o, "<text x=\"0\" y=\"44\" class=\"s\">");
	for (struct proc *p = k->procs; p; p = p->next)
		if (proc_space_live(p)) {
			char fill[24];
			fig_pid_colour(p->pid, fill);
			fprintf(o, "<tspan fill=\"%s\" font-weight=\"bold\">&#9632;</tspan> A%u = pid %u   ", fill,
				(unsigned)SATP_ASID(pmap_satp(&p->mm->pmap)), p->pid);
		}
	fprintf(o, "</text>\n");
	for (unsigned w = 0; w < ways; w++)
		fprintf(o, "<text x=\"%d\" y=\"%d\" class=\"s\">way %u</text>\n", 50 + (int)w * cw, Y0 - 4, w);
	for (unsigned s = 0; s < shown; s++) {
		int y = Y0 + (int)s * CH;
		fprintf(o, "<text x=\"0\" y=\"%d\" class=\"s\">set %u</text>\n", y + 17, s);
		for (unsigned w = 0; w < ways; w++) {
			size_t i = (size_t)s * ways + w;
			uint64_t tag = t->tag[i];
			int x = 50 + (int)w * cw;
			if (!tlb_tag_valid(tag)) {
				fprintf(o, "<rect class=\"tlbe\" data-set=\"%u\" data-way=\"%u\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f4f4f4\" stroke=\"#ccc\"><title>set %u way %u: invalid</title></rect>\n",
					s, w, x, y, cw - 2, CH - 2, s, w);
				continue;
			}
			const struct tlb_entry *e = &t->e[i];
			int lv = tlb_tag_level(tag);
			uint64_t vpn = tlb_tag_vpn(tag);
			char fill[24], fl[9];
			uint32_t pid = e->global ? 0 : pid_of_asid(k, e->asid);
			if (e->global || !pid)
				snprintf(fill, sizeof fill, "#cccccc");
			else
				fig_pid_colour(pid, fill);
			explain_pte_flags(e->pte, fl);
			const char *sz = lv == 0 ? "4K" : lv == 1 ? "2M" : lv == 2 ? "1G" : "512G";
			fprintf(o, "<rect class=\"tlbe v\" data-set=\"%u\" data-way=\"%u\" data-asid=\"%u\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" fill-opacity=\"0.45\" stroke=\"#888\"><title>set %u way %u: ASID %u%s (pid %u), VA page 0x%llx -&gt; PA 0x%llx, %s, %s</title></rect>\n",
				s, w, (unsigned)e->asid, x, y, cw - 2, CH - 2, fill, s, w, (unsigned)e->asid,
				e->global ? " global" : "", pid,
				(unsigned long long)(vpn << (PGSHIFT + VPN_BITS * lv)),
				(unsigned long long)PTE_PA(e->pte), sz, fl);
			fprintf(o, "<text x=\"%d\" y=\"%d\" style=\"font-size:%dpx\" class=\"m\">%s%u 0x%llx-&gt;0x%llx</text><text x=\"%d\" y=\"%d\" style=\"font-size:%dpx\" class=\"m\">%s %s</text>\n",
				x + 3, y + 11, fs, e->global ? "G " : "A", (unsigned)e->asid,
				(unsigned long long)vpn, (unsigned long long)PTE_PPN(e->pte), x + 3, y + 23, fs,
				sz, fl);
		}
	}
	fprintf(o, "</g>\n");
	return Y0 + (int)shown * CH + 10;
}
