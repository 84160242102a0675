/*
 * inspect.c - views of the running system for people: a process's regions
 * (pmap(1)-like, with resident, swapped and shared pages per region; the
 * /proc/PID/maps format is procview.c's) and the physical
 * frame map (which frame belongs to which process, to page tables, to
 * kernel objects, or is free; which frames several processes share, and
 * who they are: the frame's reverse map, rmap.h, names every mapping).
 */
#include "inspect.h"
#include "pagecache.h"
#include "proc.h"

#include <string.h>

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

/* ---- the frame map ------------------------------------------------------------------ */

enum { SHARED_LISTED = 24, MAPPERS_LISTED = 6 };

/* The distinct processes that map frame f, from its reverse map (whose
 * entries name address-space owners, so threads count once): the max
 * lowest pids kept in out in pid order, each with the lowest VA it maps f
 * at; returns how many processes there are.  *cow: some mapping is
 * copy-on-write.  Quadratic in f's mappings (a handful). */
static unsigned frame_mappers(const struct frame *f, struct frame_mapper *out, unsigned max,
			      bool *cow)
{
	unsigned n = 0, kept = 0;
	*cow = false;
	if (f->owner != FO_USER && f->owner != FO_FILE)
		return 0;
	for (const struct rmap_entry *e = f->rmap; e; e = e->next) {
		/* copy-on-write: the COW bit in a region the process may write
		 * (in text or rodata the frame is simply shared; ptdump.c) */
		struct pmap_page pg;
		if (pmap_extract(&e->p->mm->pmap, e->va, &pg) && pg.cow) {
			const struct vm_region *r = vm_map_lookup(&e->p->mm->map, e->va);
			*cow |= r && (r->prot & VM_PROT_WRITE);
		}
		bool again = false;
		for (const struct rmap_entry *d = f->rmap; d != e && !again; d = d->next)
			again = d->p == e->p;
		uint32_t pid = e->p->pid;
		if (again) {                  /* a second mapping: keep the lower VA */
			for (unsigned i = 0; i < kept; i++)
				if (out[i].pid == pid && e->va < out[i].va)
					out[i].va = e->va;
			continue;
		}
		n++;
		unsigned i = 0;
		while (i < kept && out[i].pid < pid)
			i++;
		if (i == max)
			continue;             /* counted, not listed */
		if (kept < max)
			kept++;
		for (unsigned j = kept - 1; j > i; j--)
			out[j] = out[j - 1];
		out[i] = (struct frame_mapper){ pid, e->va };
	}
	return n;
}

const char *inspect_share_kind(struct kernel *k, uint64_t pa, bool cow)
{
	const struct frame *f = pa_frame(&k->pa, pa);
	if (f->owner == FO_USER)
		return cow ? "cow" : "shared";
	struct vm_object *o = pagecache_frame_object(k, pa, NULL);
	return o && !strcmp(o->ops->name, "shmem") ? "shmem" : "file";
}

unsigned inspect_frame_mappers(struct kernel *k, uint64_t pa, struct frame_mapper *out,
			       unsigned max, bool *cow)
{
	return frame_mappers(pa_frame(&k->pa, pa), out, max, cow);
}

/* The character of frame f in the map, mapped by nproc processes. */
static char frame_char(const struct frame *f, unsigned nproc)
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
	case FO_FILE: return nproc > 1 ? '+' : nproc ? 'F' : 'f';
	case FO_RESERVED: return 'R';
	case FO_USER:
		if (nproc > 1)
			return '*';
		return f->owner_id >= 1 && f->owner_id <= 35 ? digits[f->owner_id - 1] : '#';
	default: return '?';
	}
}

/* What the summary and the list count about shared frames. */
struct share_count {
	uint64_t user_shared, file_mapped, file_shared, file_cached;
	uint64_t nlisted, nshared;
	uint64_t listed[SHARED_LISTED];
};

/* One line of the shared-frames list: frame pa and who maps it. */
static void print_shared(struct kernel *k, uint64_t pa, FILE *out)
{
	struct frame_mapper m[MAPPERS_LISTED];
	bool cow;
	unsigned n = frame_mappers(pa_frame(&k->pa, pa), m, MAPPERS_LISTED, &cow);
	fprintf(out, "  0x%010llx %-6s %u processes:", (unsigned long long)pa,
		inspect_share_kind(k, pa, cow), n);
	for (unsigned i = 0; i < n && i < MAPPERS_LISTED; i++)
		fprintf(out, "%s pid %u at 0x%llx", i ? "," : "", m[i].pid, (unsigned long long)m[i].va);
	if (n > MAPPERS_LISTED)
		fprintf(out, ", ... %u more", n - MAPPERS_LISTED);
	uint64_t index;
	struct vm_object *o = pagecache_frame_object(k, pa, &index);
	if (o) {
		char name[160];
		vm_object_describe(k, o, name, sizeof name);
		fprintf(out, " (%s page %llu)", name, (unsigned long long)index);
	}
	fprintf(out, "\n");
}

void inspect_frame_map(struct kernel *k, FILE *out)
{
	enum { PER_LINE = 64 };
	fprintf(out, "frame map (one character per 4 KiB frame): . free  M frame metadata  P page table  "
		"S slab  K kernel  Z zero page  V vDSO  F file cache  1-9a-z user page of that pid  # other pid%s\n"
		"  shared: * user page mapped by several processes (copy-on-write after fork)  "
		"+ file or shared-memory page mapped by several  f cached page mapped by none\n",
		k->pa.by_owner[FO_RESERVED] ? "  R reserved for a superpage (--thp)" : "");
	uint32_t n = k->pa.nframes;
	uint32_t free_lines = 0;
	char line[PER_LINE + 1];
	struct share_count sc = { 0 };
	for (uint32_t base = 0; base < n; base += PER_LINE) {
		bool all_free = true;
		uint32_t i;
		for (i = 0; i < PER_LINE && base + i < n; i++) {
			const struct frame *f = &k->pa.frames[base + i];
			struct frame_mapper m[1];
			bool cow;
			unsigned np = frame_mappers(f, m, 1, &cow);
			line[i] = frame_char(f, np);
			all_free &= line[i] == '.';
			if (f->owner == FO_FILE)
				np > 1 ? sc.file_shared++ : np ? sc.file_mapped++ : sc.file_cached++;
			else if (f->owner == FO_USER && np > 1)
				sc.user_shared++;
			if (np > 1 && sc.nshared++ < SHARED_LISTED)
				sc.listed[sc.nlisted++] = frame_to_pa(&k->pa, base + i);
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
	fprintf(out, "\n  shared by several processes: user=%llu (*) file=%llu (+); "
		"file cache: mapped by one=%llu (F), by none=%llu (f)\n",
		(unsigned long long)sc.user_shared, (unsigned long long)sc.file_shared,
		(unsigned long long)sc.file_mapped, (unsigned long long)sc.file_cached);
	if (!sc.nshared)
		return;
	fprintf(out, "  shared frames (PA, kind, the processes that map it and where):\n");
	for (uint64_t i = 0; i < sc.nlisted; i++)
		print_shared(k, sc.listed[i], out);
	if (sc.nshared > sc.nlisted)
		fprintf(out, "  ... %llu more shared frames\n", (unsigned long long)(sc.nshared - sc.nlisted));
}
