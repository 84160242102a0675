/*
 * inspect.c - views of the running system for people: a process's regions
 * (pmap(1)-like, with resident, swapped and shared pages per region; the
 * /proc/PID/maps format is procview.c's) and the physical
 * frame map (which frame belongs to which process, to page tables, to
 * kernel objects, or is free).
 */
#include "inspect.h"
#include "proc.h"

struct resident_ctx { uint64_t pages, zero, shared, swapped; struct kernel *k; };

static int count_resident(void *arg, const struct pmap_page *pg)
{
	struct resident_ctx *c = arg;
	if (pg->swapped)
		c->swapped++;
	if (!pg->present)
		return 0;
	c->pages++;
	struct frame *f = pa_frame(&c->k->pa, pg->pa);
	if (f->owner == FO_ZERO)
		c->zero++;
	else if (f->refcount > 1)
		c->shared++;
	return 0;
}

void inspect_pmap(struct kernel *k, struct proc *p, FILE *out)
{
	fprintf(out, "pmap of pid %u (%s)\n", p->pid, p->name);
	fprintf(out, "  %-16s %10s %10s %10s %10s %4s  %s\n", "address", "size(KiB)", "rss(KiB)",
		"swap(KiB)", "shared(KiB)", "mode", "mapping");
	struct resident_ctx tot = { 0, 0, 0, 0, k };
	uint64_t size = 0;
	for (struct vm_region *r = vm_map_first(&p->mm->map); r; r = vm_map_next(&p->mm->map, r)) {
		struct resident_ctx c = { 0, 0, 0, 0, k };
		pmap_foreach(&p->mm->pmap, r->start, r->end, count_resident, &c);
		fprintf(out, "  %016llx %10llu %10llu %10llu %10llu %c%c%c-  %s%s\n",
			(unsigned long long)r->start, (unsigned long long)((r->end - r->start) >> 10),
			(unsigned long long)c.pages * 4, (unsigned long long)c.swapped * 4,
			(unsigned long long)(c.shared + c.zero) * 4,
			(r->prot & VM_PROT_READ) ? 'r' : '-', (r->prot & VM_PROT_WRITE) ? 'w' : '-',
			(r->prot & VM_PROT_EXEC) ? 'x' : '-', vm_kind_name(r->kind),
			r->object ? " (file)" : "");
		size += r->end - r->start;
		tot.pages += c.pages, tot.swapped += c.swapped, tot.shared += c.shared + c.zero;
	}
	fprintf(out, "  %-16s %10llu %10llu %10llu %10llu        + page tables %llu KiB\n", "total",
		(unsigned long long)(size >> 10), (unsigned long long)tot.pages * 4,
		(unsigned long long)tot.swapped * 4, (unsigned long long)tot.shared * 4,
		(unsigned long long)p->mm->pmap.pt_pages * 4);
}

static char frame_char(const struct frame *f)
{
	static const char digits[] = "123456789abcdefghijklmnopqrstuvwxyz";
	switch (f->owner) {
	case FO_FREE: return '.';
	case FO_BOOT: return 'M';
	case FO_PAGE_TABLE: return 'P';
	case FO_SLAB: return 'S';
	case FO_KERNEL: return 'K';
	case FO_ZERO: return 'Z';
	case FO_VDSO: return 'V';
	case FO_FILE: return 'F';
	case FO_RESERVED: return 'R';
	case FO_USER: return f->owner_id >= 1 && f->owner_id <= 35 ? digits[f->owner_id - 1] : '#';
	default: return '?';
	}
}

void inspect_frame_map(struct kernel *k, FILE *out)
{
	enum { PER_LINE = 64 };
	fprintf(out, "frame map (one character per 4 KiB frame): . free  M frame metadata  P page table  "
		"S slab  K kernel  Z zero page  F file cache  1-9a-z user page of that pid  # other pid%s\n",
		k->pa.by_owner[FO_RESERVED] ? "  R reserved for a superpage (--thp)" : "");
	uint32_t n = k->pa.nframes;
	uint32_t free_lines = 0;
	char line[PER_LINE + 1];
	for (uint32_t base = 0; base < n; base += PER_LINE) {
		bool all_free = true;
		uint32_t i;
		for (i = 0; i < PER_LINE && base + i < n; i++) {
			line[i] = frame_char(&k->pa.frames[base + i]);
			all_free &= line[i] == '.';
		}
		line[i] = 0;
		if (all_free) {
			free_lines++;
			continue;
		}
		if (free_lines)
			fprintf(out, "  ... %u free lines (%u frames)\n", free_lines, free_lines * PER_LINE);
		free_lines = 0;
		fprintf(out, "  %010llx %s\n", (unsigned long long)frame_to_pa(&k->pa, base), line);
	}
	if (free_lines)
		fprintf(out, "  ... %u free lines (%u frames)\n", free_lines, free_lines * PER_LINE);
	fprintf(out, "  frames by owner:");
	for (unsigned o = 0; o < FO_NKINDS; o++)
		if (o == FO_FREE ? k->pa.free_frames : k->pa.by_owner[o])
			fprintf(out, " %s=%llu", frame_owner_name(o),
				(unsigned long long)(o == FO_FREE ? k->pa.free_frames : k->pa.by_owner[o]));
	fprintf(out, "\n");
}
