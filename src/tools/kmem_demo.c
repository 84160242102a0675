/*
 * kmem_demo.c - `vmos kmem`: a scripted workload of kernel allocations that
 * shows what the page-frame and slab allocators hold, as buddyinfo- and
 * slabinfo-style tables.  It boots the allocators over simulated RAM, builds
 * the kernel objects a small system would have (process records, region
 * records, page-table pages, buffers), frees part of them, and prints the
 * state after each phase.
 */
#include "kmem_demo.h"
#include "page_alloc.h"
#include "slab.h"
#include "options.h"
#include "ram.h"

#include <stdio.h>
#include <string.h>

struct demo_proc { uint64_t pid, regs[32], pc; void *regions; };
struct demo_region { uint64_t start, end, prot, kind; struct demo_region *next; };

/* Frees one demo process: its regions, page-table pages and record. */
static void demo_proc_free(struct page_alloc *pa, struct kmem_cache *procs,
			   struct kmem_cache *regions, struct demo_proc *p, uint64_t *pt, int npt)
{
	struct demo_region *reg = p->regions;
	while (reg) {
		struct demo_region *next = reg->next;
		kmem_cache_free(regions, reg);
		reg = next;
	}
	for (int k = 0; k < npt; k++)
		if (pt[k])
			page_free_frames(pa, pt[k], 0);
	kmem_cache_free(procs, p);
}

static void phase(const char *title, struct page_alloc *pa, struct kmem *km)
{
	printf("\n=== %s ===\n", title);
	page_alloc_print(pa, stdout);
	kmem_print(km, stdout);
	const char *e = page_alloc_check(pa);
	if (!e)
		e = kmem_check(km);
	printf("  invariant checker: %s\n", e ? e : "all invariants hold");
}

int kmem_demo_main(uint64_t ram_size)
{
	struct ram ram;
	struct page_alloc pa;
	struct kmem km;
	if (ram_init(&ram, ram_size) < 0) {
		fprintf(stderr, "vmos kmem: cannot create %llu bytes of RAM\n",
			(unsigned long long)ram_size);
		return 1;
	}
	if (page_alloc_init(&pa, &ram) < 0 || kmem_init(&km, &pa, false) < 0) {
		fprintf(stderr, "vmos kmem: RAM too small for the allocators' own metadata\n");
		ram_destroy(&ram);
		return 1;
	}
	printf("vmos kmem: the kernel's allocators over %llu MiB of simulated RAM at PA 0x%llx\n",
	       (unsigned long long)(ram_size >> 20), (unsigned long long)ram.base);
	phase("after boot", &pa, &km);

	struct kmem_cache *procs = kmem_cache_create(&km, "proc", sizeof(struct demo_proc), 8);
	struct kmem_cache *regions = kmem_cache_create(&km, "vm_region", sizeof(struct demo_region), 8);
	if (!procs || !regions) {
		fprintf(stderr, "vmos kmem: out of memory creating caches\n");
		return 1;
	}
	enum { NPROC = 64, NREG = 8, NPT = 4, NBUF = 200 };
	static struct demo_proc *p[NPROC];
	static uint64_t pt[NPROC][NPT];
	static void *buf[NBUF];
	int made = 0;
	for (int i = 0; i < NPROC; i++) {
		p[i] = kmem_cache_zalloc(procs);
		if (!p[i])
			break;
		p[i]->pid = (uint64_t)i + 1;
		for (int r = 0; r < NREG; r++) {
			struct demo_region *reg = kmem_cache_zalloc(regions);
			if (!reg)
				break;
			reg->next = p[i]->regions;
			p[i]->regions = reg;
		}
		for (int k = 0; k < NPT; k++)
			pt[i][k] = page_alloc_frames(&pa, 0, PA_ZERO, FO_PAGE_TABLE, (uint32_t)i + 1);
		made++;
	}
	for (int i = 0; i < NBUF; i++)
		buf[i] = kmalloc(&km, (size_t)(16 + (i * 37) % 6000));
	printf("\nworkload: %d processes x (1 proc + %d regions + %d page-table pages), %d kmalloc buffers of 16..6000 bytes\n",
	       made, NREG, NPT, NBUF);
	phase("after building the objects", &pa, &km);

	for (int i = 0; i < made; i += 2) {         /* every other process exits */
		demo_proc_free(&pa, procs, regions, p[i], pt[i], NPT);
		p[i] = NULL;
	}
	for (int i = 0; i < NBUF; i += 3)
		kfree(&km, buf[i]), buf[i] = NULL;
	phase("after half of the processes exit and a third of the buffers are freed", &pa, &km);

	for (int i = 0; i < made; i++)
		if (p[i])
			demo_proc_free(&pa, procs, regions, p[i], pt[i], NPT);
	for (int i = 0; i < NBUF; i++)
		kfree(&km, buf[i]);
	kmem_cache_destroy(procs);
	kmem_cache_destroy(regions);
	phase("after everything is freed (magazines and one empty slab per cache kept for reuse)",
	      &pa, &km);
	kmem_shrink(&km);
	phase("after kmem_shrink: magazines drained, empty slabs given back", &pa, &km);
	kmem_destroy(&km);
	ram_destroy(&ram);
	return 0;
}

/* ---- `vmos kmem [--ram SIZE]` ------------------------------------------------ */

static uint64_t kmem_ram;

static int opt_ram(const struct opt *o, char **v)
{
	if (parse_size(v[0], &kmem_ram) < 0) {
		fprintf(stderr, "vmos kmem: bad size '%s' for --ram\n", v[0]);
		return 2;
	}
	return 0;
}

static const struct opt kmem_opts_table[] = {
	{ .name = "--ram", .arg = "SIZE", .help = "simulated RAM (default 64M; 1M..64G, multiple of 4K)", .set = opt_ram },
	OPT_HELP_ROW,
	{ 0 }
};

const struct opt_command kmem_command = {
	.name = "vmos kmem",
	.intro =
"usage: vmos kmem [--ram SIZE]\n"
"Boots the kernel's allocators over SIZE bytes of simulated RAM (default 64M),\n"
"builds and frees kernel objects in phases, and prints buddyinfo- and\n"
"slabinfo-style tables plus the invariant checker's verdict after each phase.\n"
"\n",
	.opts = kmem_opts_table,
};

int kmem_main(int argc, char **argv)
{
	kmem_ram = 64ULL << 20;
	int i;
	int rc = options_parse(&kmem_command, argc, argv, &i);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (i < argc) {
		fprintf(stderr, "vmos kmem: unexpected argument '%s' (try --help)\n", argv[i]);
		return 2;
	}
	if (kmem_ram < RAM_MIN_SIZE || kmem_ram > RAM_MAX_SIZE || (kmem_ram & 4095)) {
		fprintf(stderr, "vmos kmem: --ram must be a multiple of 4K between 1M and 64G\n");
		return 2;
	}
	return kmem_demo_main(kmem_ram);
}
