/*
 * quiz.c - `vmos quiz`: the paging homework of OSTEP (chapter 20,
 * paging-multilevel-translate.py) on the page tables of vmos itself.
 *
 * A small machine is booted and one address space is built with the
 * kernel's own pmap: a few clusters of pages (a program near 0x10000, a
 * heap somewhere in the user half, a stack near its top) with random
 * protections, one page PROT_NONE.  The quiz prints satp and every
 * page-table page reachable from the root's user half, then asks for
 * translations: mapped pages with random access types, the PROT_NONE page,
 * holes inside a mapped table (fault at the last level), holes in the top
 * level, a kernel address (U=0) and a non-canonical one.  The answers come
 * from the MMU's own walker (mmu_walk_explain) and are printed step by step
 * with --answers.  A xorshift64* generator (Marsaglia 2003; Vigna 2016)
 * seeded with --seed makes it reproducible.
 */
#include "quiz.h"
#include "explain.h"
#include "ptdump.h"
#include "kernel.h"
#include "options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

struct page_rec { uint64_t va; unsigned prot; };

enum { MAX_PAGES = 32 };

struct space {
	struct page_rec page[MAX_PAGES];
	int n;
};

/* Maps npages pages from va with random protections (one in eight
 * PROT_NONE, unless none_ok is false).  Returns 0 or -ENOMEM. */
static int map_cluster(struct kernel *k, struct pmap *pm, struct space *sp, uint64_t va,
		       int npages, uint64_t *seed)
{
	static const unsigned prots[] = {
		VM_PROT_READ, VM_PROT_READ | VM_PROT_WRITE, VM_PROT_READ | VM_PROT_EXEC,
		VM_PROT_READ | VM_PROT_WRITE, VM_PROT_READ | VM_PROT_EXEC, VM_PROT_READ,
		VM_PROT_READ | VM_PROT_WRITE, VM_PROT_NONE,
	};
	for (int i = 0; i < npages && sp->n < MAX_PAGES; i++) {
		uint64_t pa = page_alloc_frames(&k->pa, 0, PA_ZERO, FO_USER, 1);
		if (!pa)
			return -ENOMEM;
		unsigned prot = prots[rnd(seed) % 8];
		int rc = pmap_enter(pm, va + (uint64_t)i * PGSIZE, pa, prot, false);
		if (rc < 0) {
			page_free_frames(&k->pa, pa, 0);
			return rc;
		}
		sp->page[sp->n++] = (struct page_rec){ va + (uint64_t)i * PGSIZE, prot };
	}
	return 0;
}

static int free_page(void *ctx, const struct pmap_page *pg)
{
	struct kernel *k = ctx;
	if (pg->present)
		page_free_frames(&k->pa, pg->pa, 0);
	return 0;
}

/* Prints every table of the user half, each before the tables below it
 * (mmu_tables_visit's order), the root without its kernel half. */
struct dump_ctx { struct kernel *k; uint64_t root; FILE *out; };

static int print_table(void *ctx, int level, uint64_t table_pa)
{
	struct dump_ctx *c = ctx;
	ptdump_table(&c->k->ram, table_pa, level, table_pa == c->root ? PT_ENTRIES / 2 : PT_ENTRIES,
		     "  ", c->out);
	return 0;
}

static void dump_tables(struct kernel *k, uint64_t satp, FILE *out)
{
	struct dump_ctx c = { k, SATP_PPN(satp) << PGSHIFT, out };
	struct mmu_tables_visitor v = { &c, print_table, NULL };
	mmu_tables_visit(&k->ram, satp, PT_ENTRIES / 2, &v);
}

/* Picks the i-th question: a VA and an access type. */
static void question(const struct space *sp, int levels, uint64_t ram_base, unsigned i, uint64_t *seed,
		     uint64_t *va, enum mmu_access *acc)
{
	*acc = (enum mmu_access)(rnd(seed) % 3);
	uint64_t off = rnd(seed) & PGMASK & ~7ULL;
	switch (i % 8) {
	case 3:    /* 40 pages past a mapped one: usually a hole in its level-0 table */
		*va = sp->page[rnd(seed) % sp->n].va + 40 * PGSIZE + off;
		break;
	case 5:    /* the kernel's direct map of RAM: a supervisor page */
		*va = kernel_base(levels) + ram_base + (rnd(seed) % 64) * PGSIZE + off;
		*acc = ACC_LOAD;
		break;
	case 6:    /* nothing at all in this part of the top-level table */
		*va = (user_top(levels) >> 2) + (rnd(seed) % 1024) * PGSIZE + off;
		break;
	case 7:    /* non-canonical, or another mapped page */
		if (i % 16 == 7)
			*va = (1ULL << (PGSHIFT + VPN_BITS * levels)) + off;
		else
			*va = sp->page[rnd(seed) % sp->n].va + off;
		break;
	default: { /* a mapped page: the protection decides */
		const struct page_rec *pr = &sp->page[rnd(seed) % sp->n];
		*va = pr->va + off;
		break;
	}
	}
}

int quiz_run(const struct quiz_opts *o, FILE *out)
{
	struct kernel_config cfg;
	kernel_config_default(&cfg);
	cfg.ram_size = 4ULL << 20;
	cfg.levels = o->levels;
	cfg.debug = false;
	struct kernel *k = calloc(1, sizeof *k);
	if (!k || kernel_boot(k, &cfg) < 0) {
		free(k);
		return 1;
	}
	uint64_t seed = o->seed * 0x9E3779B97F4A7C15ULL + 0x1234567ULL;
	if (!seed)
		seed = 1;
	struct pmap pm = { 0 };
	struct space sp = { .n = 0 };
	int rc = pmap_create(&pm, &k->pk, 1, 1);
	if (rc == 0) {
		uint64_t top = user_top(o->levels);
		uint64_t heap = 0x400000ULL + (rnd(&seed) % 4096) * LEVEL_SIZE(1);
		uint64_t stack = top - (2 + rnd(&seed) % 8) * PGSIZE - (rnd(&seed) % 4) * LEVEL_SIZE(1);
		rc = map_cluster(k, &pm, &sp, 0x10000 + (rnd(&seed) % 8) * PGSIZE, 2 + (int)(rnd(&seed) % 3), &seed);
		if (!rc)
			rc = map_cluster(k, &pm, &sp, heap, 1 + (int)(rnd(&seed) % 3), &seed);
		if (!rc)
			rc = map_cluster(k, &pm, &sp, stack, 1 + (int)(rnd(&seed) % 2), &seed);
	}
	if (rc < 0) {
		fprintf(stderr, "vmos quiz: cannot build the address space (%s)\n", strerror(-rc));
	} else {
		uint64_t satp = pmap_satp(&pm);
		fprintf(out, "vmos quiz, seed %llu: %s, %d levels of 512 entries, 4 KiB pages, RAM at 0x%llx (%llu KiB)\n",
			(unsigned long long)o->seed, o->levels == 3 ? "Sv39" : "Sv48", o->levels,
			(unsigned long long)k->ram.base, (unsigned long long)(cfg.ram_size >> 10));
		fprintf(out, "satp = 0x%016llx: MODE %llu, ASID %llu, root PPN 0x%llx (root table at PA 0x%llx)\n",
			(unsigned long long)satp, (unsigned long long)SATP_MODE(satp),
			(unsigned long long)SATP_ASID(satp), (unsigned long long)SATP_PPN(satp),
			(unsigned long long)(SATP_PPN(satp) << PGSHIFT));
		fprintf(out, "PTE flags are shown as vrwxugad (a letter if the bit is set). A user-mode access\n"
			"needs U; a load needs R, a store W, a fetch X. The page tables:\n");
		dump_tables(k, satp, out);
		fprintf(out, "\nFor each access: the physical address, or the fault (and at which level, why)?\n");
		for (unsigned i = 0; i < o->count; i++) {
			uint64_t va;
			enum mmu_access acc;
			question(&sp, o->levels, k->ram.base, i, &seed, &va, &acc);
			fprintf(out, "Q%u. %s at VA 0x%llx\n", i + 1, explain_access_name(acc),
				(unsigned long long)va);
			if (o->answers)
				explain_walk_print(&k->mmu, satp, va, acc, "    ", out);
		}
		if (!o->answers)
			fprintf(out, "\n(run again with --answers and the same --seed for the answers)\n");
	}
	if (pm.root) {
		pmap_remove(&pm, 0, user_top(o->levels), free_page, k);
		pmap_destroy(&pm);
	}
	kernel_shutdown(k);
	free(k);
	return rc < 0 ? 1 : 0;
}

/* ---- the options: one table, parsed and printed by options.c ------------- */

static struct quiz_opts Q;

static int bad_value(const struct opt *o, const char *v)
{
	fprintf(stderr, "vmos quiz: bad value '%s' for %s\n", v, o->name);
	return 2;
}

static int opt_seed(const struct opt *o, char **v)
{
	return options_parse_u64(v[0], &Q.seed) < 0 ? bad_value(o, v[0]) : 0;
}

static int opt_count(const struct opt *o, char **v)
{
	uint64_t n;
	if (options_parse_u64(v[0], &n) < 0 || n == 0 || n > 100)
		return bad_value(o, v[0]);
	Q.count = (unsigned)n;
	return 0;
}

static int opt_levels(const struct opt *o, char **v)
{
	Q.levels = !strcmp(v[0], "3") || !strcmp(v[0], "sv39") ? 3 :
		   !strcmp(v[0], "4") || !strcmp(v[0], "sv48") ? 4 : 0;
	return Q.levels ? 0 : bad_value(o, v[0]);
}

static const struct opt quiz_opts_table[] = {
	{ .name = "--seed", .arg = "N", .help = "random seed (default 1)", .set = opt_seed },
	{ .name = "--levels", .alias = "--paging", .arg = "3|4", .help = "Sv39 (default) or Sv48; also sv39|sv48", .set = opt_levels },
	{ .name = "--count", .arg = "N", .help = "number of questions (default 8, at most 100)", .set = opt_count },
	{ .name = "--answers", .help = "show the answers", .set = opt_true, .target = &Q.answers },
	OPT_HELP_ROW,
	{ 0 }
};

const struct opt_command quiz_command = {
	.name = "vmos quiz",
	.intro =
"usage: vmos quiz [--seed N] [--levels 3|4] [--count N] [--answers]\n"
"\n"
"Builds a small random address space with the kernel's own page-table code,\n"
"prints satp and every page-table page of the user half, and asks for the\n"
"translation of virtual addresses for loads, stores and fetches: a physical\n"
"address, or a fault at some level for some reason.  The same seed gives the\n"
"same quiz; --answers prints each walk step by step (as `vmos run --explain`).\n"
"\n",
	.opts = quiz_opts_table,
};

int quiz_main(int argc, char **argv)
{
	Q = (struct quiz_opts){ 1, 3, 8, false };
	int i;
	int rc = options_parse(&quiz_command, argc, argv, &i);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (i < argc) {
		fprintf(stderr, "vmos quiz: unexpected argument '%s' (try --help)\n", argv[i]);
		return 2;
	}
	return quiz_run(&Q, stdout);
}
