/*
 * ptdump.c - page-table dumps.
 *
 * The walk is the MMU's side-effect-free one (mmu_tables_visit), depth
 * first in address order, like the hardware would index them (riscv.h
 * draws the PTE).  Leaves are merged into runs the way QEMU's `info mem` does: a leaf
 * extends the current run when its VA starts where the run ends and its
 * flags (V R W X U G A D and the two software bits) are the same; the
 * physical side is printed as one range when the frames are contiguous too,
 * else marked "scattered".  Non-zero entries with V=0 (the kernel's swap and
 * PROT_NONE encodings, pmap.h) form runs of their own.
 */
#include "ptdump.h"
#include "explain_notation.h"
#include "proc.h"

#include <string.h>

struct run {
	bool open;
	uint64_t va, end;        /* [va, end) */
	uint64_t flags;          /* low 10 bits of the PTEs; V=0 runs keep bit 1/9 */
	uint64_t pa, pa_next;    /* first frame, where the next one must be */
	bool pa_contig;
	uint64_t pages;          /* PTEs in the run */
	int share;               /* SHARE_*: how the frames are held */
};

/* A leaf with the software COW bit holds a frame that may be shared.  It is
 * copy-on-write only when its region lets the process write (the write bit
 * is withheld until the first store copies or takes over the frame); in a
 * region that can never be written (text, rodata) it is simply shared. */
enum { SHARE_NONE, SHARE_COW, SHARE_SHARED };

struct dump {
	const struct ram *ram;
	FILE *out;
	struct ptdump_stats st;
	struct run run;
	const struct vm_map *map;  /* the process's regions, or NULL (COW bit shown as cow) */
};

static void size_str(uint64_t bytes, char *buf, size_t n)
{
	if (bytes >= (1ULL << 30) && !(bytes & ((1ULL << 30) - 1)))
		snprintf(buf, n, "%lluG", (unsigned long long)(bytes >> 30));
	else if (bytes >= (1ULL << 20) && !(bytes & ((1ULL << 20) - 1)))
		snprintf(buf, n, "%lluM", (unsigned long long)(bytes >> 20));
	else
		snprintf(buf, n, "%lluK", (unsigned long long)(bytes >> 10));
}

static void run_flush(struct dump *d)
{
	struct run *r = &d->run;
	if (!r->open)
		return;
	r->open = false;
	d->st.runs++;
	if (!d->out)
		return;
	char fl[9], sz[24];
	explain_pte_flags(r->flags, fl);
	size_str(r->end - r->va, sz, sizeof sz);
	fprintf(d->out, "  %016llx-%016llx %8s %7llu  %s", (unsigned long long)r->va,
		(unsigned long long)r->end, sz, (unsigned long long)r->pages, fl);
	if (!(r->flags & PTE_V)) {
		if (r->flags & PTE_SW_NONE)
			fprintf(d->out, "  PROT_NONE (frames kept)\n");
		else
			fprintf(d->out, "  swapped out (first slot %llu)\n", (unsigned long long)r->pa);
		return;
	}
	fprintf(d->out, " %-6s  ", r->share == SHARE_COW ? "cow" : r->share == SHARE_SHARED ? "shared" : "");
	if (r->pages == 1 || !r->pa_contig)
		fprintf(d->out, "%010llx%s\n", (unsigned long long)r->pa, r->pages > 1 ? " (scattered)" : "");
	else
		fprintf(d->out, "%010llx-%010llx\n", (unsigned long long)r->pa,
			(unsigned long long)r->pa_next);
}

/* Adds the entry pte mapping [va, va + size) to the runs. */
static void run_add(struct dump *d, uint64_t va, uint64_t size, uint64_t pte)
{
	struct run *r = &d->run;
	uint64_t flags = PTE_FLAGS(pte);
	/* a valid leaf's frame; a swap entry's slot (for the first of a run) */
	uint64_t pa = (pte & PTE_V) ? PTE_PA(pte) : (pte & PTE_SW_NONE) ? 0 : PTE_PPN(pte);
	int share = SHARE_NONE;
	if ((pte & PTE_V) && (pte & PTE_SW_COW)) {
		const struct vm_region *reg = d->map ? vm_map_lookup(d->map, va) : NULL;
		share = reg && !(reg->prot & VM_PROT_WRITE) ? SHARE_SHARED : SHARE_COW;
	}
	if (r->open && r->end == va && r->flags == flags && r->share == share) {
		r->end = va + size;
		r->pages++;
		r->pa_contig &= pa == r->pa_next;
		r->pa_next = pa + size;
		return;
	}
	run_flush(d);
	*r = (struct run){ true, va, va + size, flags, pa, pa + size, true, 1, share };
}

/* mmu_tables_visit's callbacks: count table pages; add leaves and V=0
 * entries to the runs (valid non-leaf entries are only walked through). */
static int dump_table(void *ctx, int level, uint64_t table_pa)
{
	struct dump *d = ctx;
	d->st.table_pages[level]++;
	d->st.tables++;
	return 0;
}

static int dump_entry(void *ctx, int level, uint64_t table_pa, unsigned index, uint64_t va,
		      uint64_t pte)
{
	struct dump *d = ctx;
	if (!(pte & PTE_V)) {
		d->st.invalid_entries++;
		run_add(d, va, LEVEL_SIZE(level), pte);
	} else if (PTE_IS_LEAF(pte)) {
		d->st.leaves++;
		run_add(d, va, LEVEL_SIZE(level), pte);
	}
	return 0;
}

/* ptdump_satp with the regions that tell shared from copy-on-write pages. */
static void dump_satp(const struct ram *ram, uint64_t satp, const struct vm_map *map, FILE *out,
		      struct ptdump_stats *st)
{
	struct dump d;
	memset(&d, 0, sizeof d);
	d.ram = ram;
	d.map = map;
	d.out = out;
	if (satp_levels(SATP_MODE(satp))) {
		uint64_t root = SATP_PPN(satp) << PGSHIFT;
		if (out)
			fprintf(out, "  %-33s %8s %7s  %-8s %-6s  %s\n", "va range", "size", "pages",
				"flags", "frame", "pa");
		struct mmu_tables_visitor v = { &d, dump_table, dump_entry };
		mmu_tables_visit(ram, satp, PT_ENTRIES / 2, &v);
		run_flush(&d);
		if (ram_contains((struct ram *)ram, root, PGSIZE)) {
			const uint64_t *t = (const uint64_t *)ram_ptr((struct ram *)ram, root);
			for (unsigned i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
				d.st.kernel_entries += (t[i] & PTE_V) != 0;
		}
	}
	if (st)
		*st = d.st;
}

void ptdump_satp(const struct ram *ram, uint64_t satp, FILE *out, struct ptdump_stats *st)
{
	dump_satp(ram, satp, NULL, out, st);
}

void ptdump_proc(struct kernel *k, struct proc *p, FILE *out, struct ptdump_stats *st)
{
	struct ptdump_stats s;
	uint64_t satp = pmap_satp(&p->mm->pmap);
	fprintf(out, "page table of pid %u (%s): %s, satp 0x%016llx, root 0x%llx\n", p->pid, p->name,
		k->cfg.levels == 3 ? "Sv39" : "Sv48", (unsigned long long)satp,
		(unsigned long long)(SATP_PPN(satp) << PGSHIFT));
	dump_satp(&k->ram, satp, &p->mm->map, out, &s);
	fprintf(out, "  %llu leaves in %llu runs; %llu page-table pages (%llu KiB):",
		(unsigned long long)s.leaves, (unsigned long long)s.runs,
		(unsigned long long)s.tables, (unsigned long long)s.tables * 4);
	for (int lv = k->cfg.levels - 1; lv >= 0; lv--)
		fprintf(out, " level %d: %llu%s", lv, (unsigned long long)s.table_pages[lv], lv ? "," : "");
	fprintf(out, "; kernel half: %llu root entries shared by every process\n",
		(unsigned long long)s.kernel_entries);
	if (st)
		*st = s;
}

void ptdump_table(const struct ram *ram, uint64_t table_pa, int level, unsigned skip_from,
		  const char *indent, FILE *out)
{
	if (!ram_contains((struct ram *)ram, table_pa, PGSIZE)) {
		fprintf(out, "%stable 0x%llx: outside RAM\n", indent, (unsigned long long)table_pa);
		return;
	}
	const uint64_t *t = (const uint64_t *)ram_ptr((struct ram *)ram, table_pa);
	fprintf(out, "%stable at PA 0x%llx (level %d), non-zero entries:\n", indent,
		(unsigned long long)table_pa, level);
	unsigned skipped = 0;
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t pte = t[i];
		if (!pte)
			continue;
		if (i >= skip_from) {
			skipped++;
			continue;
		}
		char fl[9];
		explain_pte_flags(pte, fl);
		fprintf(out, "%s  [%3u] at 0x%llx: 0x%016llx %s", indent, i,
			(unsigned long long)(table_pa + i * 8), (unsigned long long)pte, fl);
		if (!(pte & PTE_V))
			fprintf(out, "  (invalid)\n");
		else if (PTE_IS_LEAF(pte))
			fprintf(out, "  leaf PPN 0x%llx\n", (unsigned long long)PTE_PPN(pte));
		else
			fprintf(out, "  -> table PPN 0x%llx\n", (unsigned long long)PTE_PPN(pte));
	}
	if (skipped)
		fprintf(out, "%s  [%u..511] %u entries of the kernel half (U=0), not shown\n", indent,
			skip_from, skipped);
}
