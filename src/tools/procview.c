/*
 * procview.c - Linux /proc files computed from the kernel's structures.
 *
 * The formats follow the kernel's own printers (fs/proc/task_mmu.c for maps,
 * smaps and pagemap; mm/vmstat.c for buddyinfo and vmstat; mm/slab_common.c
 * for slabinfo 2.1) and proc(5):
 *
 *   maps     the kernel's formatter (src/kernel/vm_maps_fmt.c), the one
 *            the guest's /proc/PID/maps is made by.
 *   smaps    the maps line, then "Name:" padded to 16 columns, "%8lu kB".
 *            A page mapped by n page-table entries (rmap_count) counts
 *            4 KiB / n in Pss and is Shared_* if n > 1, Private_* if not;
 *            dirty = the PTE's D bit.  The shared zero page is not counted,
 *            as Linux counts only "normal" pages.  Swap: swapped pages;
 *            SwapPss: 4 KiB / (entries sharing the swap slot).
 *   pagemap  one 64-bit entry per page (bit 63 present, 62 swapped, 61
 *            file page, 56 exclusively mapped, 55 soft-dirty, 0-54 PFN;
 *            when swapped, 0-4 swap type and 5-54 swap offset), printed as
 *            text with the bits decoded.  vmos keeps no soft-dirty bit
 *            (clear_refs is not implemented): bit 55 shows the D bit, which
 *            is set by the first write since the page was mapped.
 *
 * Fields vmos cannot have - it has no huge user pages, KSM, MADV_FREE,
 * mlock, shmem or hugetlb - are printed as 0, as Linux prints them for a
 * process that uses none of those (docs/running.md lists them).
 */
#include "procview.h"
#include "proc.h"
#include "image.h"
#include "pagecache.h"
#include "rmap.h"
#include "vm_maps_fmt.h"
#include "options.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

static const char *const pv_names[] = { "maps", "smaps", "pagemap", "buddyinfo", "slabinfo",
					"vmstat" };
#define PV_NFILES (sizeof pv_names / sizeof pv_names[0])

unsigned procview_parse(const char *s)
{
	unsigned mask = options_name_mask(s, pv_names, PV_NFILES);
	if (!mask)
		fprintf(stderr, "vmos run: bad --proc '%s' (maps, smaps, pagemap, buddyinfo, "
			"slabinfo, vmstat, all; comma separated)\n", s);
	return mask;
}

/* ---- maps ---------------------------------------------------------------- */

/* One /proc/PID/maps line for r: the kernel's own formatter (vm_maps_fmt.h),
 * which the guest's /proc/PID/maps uses too. */
static void maps_line(const struct proc *p, const struct vm_region *r, FILE *out)
{
	char line[VM_MAPS_LINE_MAX];
	vm_maps_line(p->kernel, r, line, sizeof line);
	fputs(line, out);
}

void procview_maps(struct kernel *k, struct proc *p, FILE *out)
{
	for (struct vm_region *r = vm_map_first(&p->mm->map); r; r = vm_map_next(&p->mm->map, r))
		maps_line(p, r, out);
}

/* ---- smaps --------------------------------------------------------------- */

#define PSS_SHIFT 12            /* Pss in 1/4096 bytes, as Linux keeps it */

struct smaps_acc {
	struct kernel *k;
	uint64_t rss, pss, pss_dirty, shared_clean, shared_dirty, private_clean, private_dirty;
	uint64_t referenced, anonymous, swap, swap_pss;
};

static int smaps_page(void *arg, const struct pmap_page *pg)
{
	struct smaps_acc *a = arg;
	struct kernel *k = a->k;
	if (pg->swapped) {
		uint32_t refs = pg->swap_slot < k->swap.nslots ? k->swap.refs[pg->swap_slot] : 1;
		a->swap += PGSIZE;
		a->swap_pss += ((uint64_t)PGSIZE << PSS_SHIFT) / (refs ? refs : 1);
	}
	if (!pg->present)
		return 0;
	struct frame *f = pa_frame(&k->pa, pg->pa);
	if (f->owner == FO_ZERO)
		return 0;       /* not a "normal" page: Linux counts it nowhere */
	unsigned n = rmap_count(k, pg->pa);
	if (n == 0)
		n = 1;
	uint64_t share = ((uint64_t)PGSIZE << PSS_SHIFT) / n;
	a->rss += PGSIZE;
	a->pss += share;
	if (pg->modified)
		a->pss_dirty += share;
	if (n > 1)
		*(pg->modified ? &a->shared_dirty : &a->shared_clean) += PGSIZE;
	else
		*(pg->modified ? &a->private_dirty : &a->private_clean) += PGSIZE;
	if (pg->referenced)
		a->referenced += PGSIZE;
	if (f->owner == FO_USER)
		a->anonymous += PGSIZE;
	return 0;
}

static void smaps_field(FILE *out, const char *name, uint64_t bytes)
{
	fprintf(out, "%-16s%8llu kB\n", name, (unsigned long long)(bytes >> 10));
}

void procview_smaps(struct kernel *k, struct proc *p, FILE *out)
{
	for (struct vm_region *r = vm_map_first(&p->mm->map); r; r = vm_map_next(&p->mm->map, r)) {
		struct smaps_acc a;
		memset(&a, 0, sizeof a);
		a.k = k;
		pmap_foreach(&p->mm->pmap, r->start, r->end, smaps_page, &a);
		maps_line(p, r, out);
		smaps_field(out, "Size:", r->end - r->start);
		smaps_field(out, "KernelPageSize:", PGSIZE);
		smaps_field(out, "MMUPageSize:", PGSIZE);
		smaps_field(out, "Rss:", a.rss);
		smaps_field(out, "Pss:", a.pss >> PSS_SHIFT);
		smaps_field(out, "Pss_Dirty:", a.pss_dirty >> PSS_SHIFT);
		smaps_field(out, "Shared_Clean:", a.shared_clean);
		smaps_field(out, "Shared_Dirty:", a.shared_dirty);
		smaps_field(out, "Private_Clean:", a.private_clean);
		smaps_field(out, "Private_Dirty:", a.private_dirty);
		smaps_field(out, "Referenced:", a.referenced);
		smaps_field(out, "Anonymous:", a.anonymous);
		smaps_field(out, "KSM:", 0);
		smaps_field(out, "LazyFree:", 0);
		smaps_field(out, "AnonHugePages:", thp_mapped_bytes(p, r->start, r->end));
		smaps_field(out, "ShmemPmdMapped:", 0);
		smaps_field(out, "FilePmdMapped:", 0);
		smaps_field(out, "Shared_Hugetlb:", 0);
		smaps_field(out, "Private_Hugetlb:", 0);
		smaps_field(out, "Swap:", a.swap);
		smaps_field(out, "SwapPss:", a.swap_pss >> PSS_SHIFT);
		smaps_field(out, "Locked:", 0);
		fprintf(out, "THPeligible:    %8d\n", thp_region_eligible(k, r) ? 1 : 0);
		/* VmFlags (proc(5)): rd wr ex = current protection; mr mw me =
		 * what mprotect may grant; gd = grows down; ac = accountable
		 * (a private writable mapping). */
		fprintf(out, "VmFlags:%s%s%s%s%s%s%s%s%s%s \n", (r->prot & VM_PROT_READ) ? " rd" : "",
			(r->prot & VM_PROT_WRITE) ? " wr" : "", (r->prot & VM_PROT_EXEC) ? " ex" : "",
			(r->maxprot & VM_PROT_READ) ? " mr" : "", (r->maxprot & VM_PROT_WRITE) ? " mw" : "",
			(r->maxprot & VM_PROT_EXEC) ? " me" : "", (r->flags & VMR_GROWSDOWN) ? " gd" : "",
			(r->prot & VM_PROT_WRITE) ? " ac" : "", (r->flags & VMR_HUGEPAGE) ? " hg" : "",
			(r->flags & VMR_NOHUGEPAGE) ? " nh" : "");
	}
}

/* ---- pagemap ------------------------------------------------------------- */

/* The entry for a page pmap knows about. */
static uint64_t pagemap_of(struct kernel *k, const struct pmap_page *pg)
{
	if (pg->swapped)      /* type 0 in bits 0-4, offset in bits 5-54 */
		return PM_SWAP | ((pg->swap_slot << 5) & PM_PFN_MASK) |
		       (pg->modified ? PM_SOFTDIRTY : 0);
	if (!pg->present)
		return 0;
	uint64_t e = PM_PRESENT | ((pg->pa >> PGSHIFT) & PM_PFN_MASK);
	struct frame *f = pa_frame(&k->pa, pg->pa);
	if (pg->modified)
		e |= PM_SOFTDIRTY;
	if (f->owner == FO_ZERO)          /* Linux: no struct page to judge: present only */
		return e;
	if (f->owner != FO_USER)
		e |= PM_FILE;
	if (rmap_count(k, pg->pa) <= 1)
		e |= PM_EXCLUSIVE;
	return e;
}

uint64_t procview_pagemap_entry(struct kernel *k, struct proc *p, uint64_t va)
{
	struct pmap_page pg;
	if (va >= user_top(k->cfg.levels) || !pmap_extract(&p->mm->pmap, va & ~PGMASK, &pg))
		return 0;
	return pagemap_of(k, &pg);
}

struct pagemap_ctx { struct kernel *k; FILE *out; uint64_t present, swapped; };

static int pagemap_page(void *arg, const struct pmap_page *pg)
{
	struct pagemap_ctx *c = arg;
	uint64_t e = pagemap_of(c->k, pg);
	if (!e)
		return 0;
	char flags[96];
	snprintf(flags, sizeof flags, "%s%s%s%s%s", (e & PM_PRESENT) ? "present" : "",
		 (e & PM_SWAP) ? "swapped" : "", (e & PM_FILE) ? ",file" : "",
		 (e & PM_EXCLUSIVE) ? ",exclusive" : "", (e & PM_SOFTDIRTY) ? ",soft-dirty" : "");
	if (e & PM_PRESENT) {
		c->present++;
		fprintf(c->out, "%016llx %016llx %-36s pfn 0x%llx\n", (unsigned long long)pg->va,
			(unsigned long long)e, flags, (unsigned long long)(e & PM_PFN_MASK));
	} else {
		c->swapped++;
		fprintf(c->out, "%016llx %016llx %-36s swap type %llu offset %llu\n",
			(unsigned long long)pg->va, (unsigned long long)e, flags,
			(unsigned long long)(e & 0x1f), (unsigned long long)((e & PM_PFN_MASK) >> 5));
	}
	return 0;
}

void procview_pagemap(struct kernel *k, struct proc *p, FILE *out)
{
	struct pagemap_ctx c = { k, out, 0, 0 };
	fprintf(out, "# va              entry            flags (bits 63 present, 62 swapped, 61 file, "
		"56 exclusive, 55 soft-dirty)\n");
	for (struct vm_region *r = vm_map_first(&p->mm->map); r; r = vm_map_next(&p->mm->map, r))
		pmap_foreach(&p->mm->pmap, r->start, r->end, pagemap_page, &c);
	fprintf(out, "# %llu present, %llu swapped; every other page of the regions reads as 0\n",
		(unsigned long long)c.present, (unsigned long long)c.swapped);
}

/* ---- machine-wide files --------------------------------------------------- */

void procview_buddyinfo(struct kernel *k, FILE *out)
{
	fprintf(out, "Node 0, zone %8s ", "Normal");
	for (unsigned o = 0; o < PA_NORDERS; o++)
		fprintf(out, "%6llu ", (unsigned long long)k->pa.nfree[o]);
	fprintf(out, "\n");
}

void procview_slabinfo(struct kernel *k, FILE *out)
{
	fprintf(out, "slabinfo - version: 2.1\n");
	fprintf(out, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
		" : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs>"
		" <num_slabs> <sharedavail>\n");
	for (const struct kmem_cache *c = kmem_cache_next(&k->km, NULL); c;
	     c = kmem_cache_next(&k->km, c)) {
		struct kmem_cache_stats st;
		kmem_cache_get_stats(c, &st);
		uint64_t per_slab = st.stride ? st.pages_per_slab * PGSIZE / st.stride : 0;
		if (st.slabs)
			per_slab = st.total / st.slabs;
		/* SLUB's line: objsize is the stride, tunables are 0, every
		 * slab counts as active. */
		fprintf(out, "%-17s %6llu %6llu %6zu %4llu %4llu : tunables %4u %4u %4u : slabdata %6llu %6llu %6u\n",
			st.name, (unsigned long long)st.active, (unsigned long long)st.total, st.stride,
			(unsigned long long)per_slab, (unsigned long long)st.pages_per_slab, 0, 0, 0,
			(unsigned long long)st.slabs, (unsigned long long)st.slabs, 0);
	}
}

void procview_vmstat(struct kernel *k, FILE *out)
{
	const struct kernel_stats *s = &k->stats;
	struct { const char *name; uint64_t v; } rows[] = {
		{ "nr_free_pages", k->pa.free_frames },
		{ "nr_anon_pages", k->pa.by_owner[FO_USER] },
		{ "nr_file_pages", k->pa.by_owner[FO_FILE] },
		{ "nr_slab_unreclaimable", k->pa.by_owner[FO_SLAB] },
		{ "nr_page_table_pages", k->pa.by_owner[FO_PAGE_TABLE] },
		{ "pgfault", s->faults_zero + s->faults_file + s->faults_cow + s->faults_stack +
			     s->pages_swapped_in },
		{ "pgmajfault", s->pages_swapped_in },
		{ "pswpin", s->pages_swapped_in },
		{ "pswpout", s->pages_swapped_out },
		{ "pgsteal_direct", s->pages_swapped_out + s->pages_dropped },
		{ "oom_kill", s->oom_kills },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		fprintf(out, "%s %llu\n", rows[i].name, (unsigned long long)rows[i].v);
}

void procview_print(struct kernel *k, struct proc *p, unsigned mask, const char *when, FILE *out)
{
	for (unsigned i = 0; i < PV_NFILES; i++) {
		unsigned bit = 1u << i;
		if (!(mask & bit) || (!p && (bit & PV_PER_PROC)))
			continue;
		if (bit & PV_PER_PROC)
			fprintf(out, "==> /proc/%u/%s (%s) %s <==\n", p->pid, pv_names[i], p->name, when);
		else
			fprintf(out, "==> /proc/%s %s <==\n", pv_names[i], when);
		switch (bit) {
		case PV_MAPS: procview_maps(k, p, out); break;
		case PV_SMAPS: procview_smaps(k, p, out); break;
		case PV_PAGEMAP: procview_pagemap(k, p, out); break;
		case PV_BUDDYINFO: procview_buddyinfo(k, out); break;
		case PV_SLABINFO: procview_slabinfo(k, out); break;
		case PV_VMSTAT: procview_vmstat(k, out); break;
		}
	}
}
