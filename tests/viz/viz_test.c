/*
 * viz_test.c - the inspection tools on page tables built by hand: the
 * page-table dump merges runs exactly where flags or contiguity change and
 * counts table pages per level; explain_walk_print names every step, the
 * leaf, the PA or the fault level and reason; the quiz is deterministic per
 * seed and its answers agree with the MMU; option parsers reject bad input.
 */
#include "test.h"
#include "kernel.h"
#include "explain.h"
#include "ptdump.h"
#include "quiz.h"
#include "eventlog.h"
#include "picture.h"

#include <stdlib.h>

struct rig { struct kernel *k; struct pmap pm; };

static void rig_boot(struct rig *r, int levels)
{
	struct kernel_config cfg;
	kernel_config_default(&cfg);
	cfg.ram_size = 4ULL << 20;
	cfg.levels = levels;
	r->k = calloc(1, sizeof *r->k);
	REQUIRE(r->k && kernel_boot(r->k, &cfg) == 0);
	REQUIRE(pmap_create(&r->pm, &r->k->pk, 1, 1) == 0);
}

static int free_page(void *ctx, const struct pmap_page *pg)
{
	struct kernel *k = ctx;
	if (pg->present)
		page_free_frames(&k->pa, pg->pa, 0);
	return 0;
}

static void rig_down(struct rig *r)
{
	pmap_remove(&r->pm, 0, user_top(r->k->cfg.levels), free_page, r->k);
	pmap_destroy(&r->pm);
	kernel_shutdown(r->k);
	free(r->k);
}

/* Maps n pages from va onto n consecutive frames of one block. */
static uint64_t map_block(struct rig *r, uint64_t va, unsigned order, unsigned prot)
{
	uint64_t pa = page_alloc_frames(&r->k->pa, order, PA_ZERO, FO_USER, 1);
	REQUIRE(pa);
	for (unsigned i = 0; i < (1u << order); i++)
		REQUIRE(pmap_enter(&r->pm, va + i * PGSIZE, pa + i * PGSIZE, prot, false) == 0);
	return pa;
}

static char *capture(void (*fn)(struct rig *, FILE *), struct rig *r)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	REQUIRE(f);
	fn(r, f);
	fclose(f);
	return buf;
}

static struct ptdump_stats last_stats;
static void dump_fn(struct rig *r, FILE *f) { ptdump_satp(&r->k->ram, pmap_satp(&r->pm), f, &last_stats); }

TEST(ptdump_merges_runs_by_flags_and_va)
{
	struct rig r;
	rig_boot(&r, 3);
	uint64_t pa = map_block(&r, 0x10000, 2, VM_PROT_READ | VM_PROT_WRITE);   /* 4 pages */
	uint64_t pb = page_alloc_frames(&r.k->pa, 0, PA_ZERO, FO_USER, 1);
	REQUIRE(pmap_enter(&r.pm, 0x14000, pb, VM_PROT_READ, false) == 0);       /* new flags */
	uint64_t pc = page_alloc_frames(&r.k->pa, 0, PA_ZERO, FO_USER, 1);
	REQUIRE(pmap_enter(&r.pm, 0x16000, pc, VM_PROT_READ, false) == 0);       /* VA gap */
	uint64_t pd = page_alloc_frames(&r.k->pa, 0, PA_ZERO, FO_USER, 1);
	REQUIRE(pmap_enter(&r.pm, 0x17000, pd, VM_PROT_NONE, false) == 0);       /* V=0 */
	uint64_t pe = page_alloc_frames(&r.k->pa, 0, PA_ZERO, FO_USER, 1);
	REQUIRE(pmap_enter(&r.pm, 0x3fffffe000ULL, pe, VM_PROT_READ | VM_PROT_WRITE, false) == 0);
	char *out = capture(dump_fn, &r);
	char want[160];
	snprintf(want, sizeof want, "0000000000010000-0000000000014000      16K       4  vrw-u---         %010llx-%010llx\n",
		 (unsigned long long)pa, (unsigned long long)(pa + 4 * PGSIZE));
	CHECK(strstr(out, want));
	CHECK(strstr(out, "0000000000014000-0000000000015000       4K       1  vr--u---"));
	CHECK(strstr(out, "0000000000016000-0000000000017000       4K       1  vr--u---"));
	CHECK(strstr(out, "0000000000017000-0000000000018000       4K       1  --------  PROT_NONE"));
	CHECK(strstr(out, "0000003fffffe000-0000003ffffff000"));
	CHECK_EQ(last_stats.leaves, 7);
	CHECK_EQ(last_stats.invalid_entries, 1);
	CHECK_EQ(last_stats.runs, 5);
	CHECK_EQ(last_stats.table_pages[2], 1);
	CHECK_EQ(last_stats.table_pages[1], 2);
	CHECK_EQ(last_stats.table_pages[0], 2);
	CHECK_EQ(last_stats.tables, r.pm.pt_pages);
	CHECK(last_stats.kernel_entries >= 1);
	free(out);
	pmap_remove(&r.pm, 0x10000, 0x14000, NULL, NULL);   /* the block goes back whole */
	page_free_frames(&r.k->pa, pa, 2);
	rig_down(&r);
}

static uint64_t walk_va;
static enum mmu_access walk_acc;
static uint64_t walk_cause;
static void walk_fn(struct rig *r, FILE *f)
{
	walk_cause = explain_walk_print(&r->k->mmu, pmap_satp(&r->pm), walk_va, walk_acc, "", f);
}

TEST(explain_names_every_step_sv39_and_sv48)
{
	for (int levels = 3; levels <= 4; levels++) {
		struct rig r;
		rig_boot(&r, levels);
		uint64_t pa = map_block(&r, 0x11000, 0, VM_PROT_READ | VM_PROT_EXEC);
		walk_va = 0x11234, walk_acc = ACC_FETCH;
		char *out = capture(walk_fn, &r);
		CHECK_EQ(walk_cause, 0);
		CHECK(strstr(out, "VPN[0] 0x011 (17)"));
		CHECK(strstr(out, "offset 0x234"));
		CHECK(strstr(out, levels == 4 ? "VPN[3] 0x000" : "VPN[2] 0x000"));
		int steps = 0;
		for (char *s = out; (s = strstr(s, "\nlevel ")); s++)
			steps++;
		CHECK_EQ(steps, levels);
		CHECK(strstr(out, "vr-xu---  leaf: 4 KiB page"));
		char want[96];
		snprintf(want, sizeof want, "-> PA 0x%llx (page 0x%llx + offset 0x234)",
			 (unsigned long long)(pa + 0x234), (unsigned long long)pa);
		CHECK(strstr(out, want));
		free(out);
		/* a store to the same page: W=0 at level 0 */
		walk_acc = ACC_STORE;
		out = capture(walk_fn, &r);
		CHECK_EQ(walk_cause, CAUSE_STORE_PAGE_FAULT);
		CHECK(strstr(out, "FAULTS: store/AMO page fault (cause 15) at level 0: W=0: page not writable"));
		free(out);
		/* an address in an empty part of the top table */
		walk_va = 0x4000000000ULL >> 1, walk_acc = ACC_LOAD;
		out = capture(walk_fn, &r);
		char lv[64];
		snprintf(lv, sizeof lv, "at level %d: PTE V=0 at level %d", levels - 1, levels - 1);
		if (levels == 3)
			CHECK(strstr(out, lv));
		else   /* Sv48: VPN[3] 0 is the program's entry; the hole is one level down */
			CHECK(strstr(out, "at level 2: PTE V=0 at level 2"));
		free(out);
		/* the direct map: a 2 MiB supervisor leaf */
		walk_va = kernel_base(levels) + r.k->ram.base + 0x3008;
		out = capture(walk_fn, &r);
		CHECK_EQ(walk_cause, CAUSE_LOAD_PAGE_FAULT);
		CHECK(strstr(out, "leaf: 2 MiB superpage"));
		CHECK(strstr(out, "at level 1: U=0: supervisor page"));
		free(out);
		/* non-canonical */
		walk_va = 1ULL << (PGSHIFT + VPN_BITS * levels);
		out = capture(walk_fn, &r);
		CHECK(strstr(out, "non-canonical address"));
		free(out);
		rig_down(&r);
	}
}

static char *quiz_text(uint64_t seed, int levels, bool answers)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct quiz_opts o = { seed, levels, 12, answers };
	CHECK_EQ(quiz_run(&o, f), 0);
	fclose(f);
	return buf;
}

TEST(quiz_is_deterministic_and_answers_agree)
{
	char *a = quiz_text(5, 3, true), *b = quiz_text(5, 3, true), *c = quiz_text(6, 3, true);
	CHECK_STR(a, b);
	CHECK(strcmp(a, c) != 0);
	int q = 0, res = 0, faults = 0;
	for (char *s = a; (s = strstr(s, "\nQ")); s++)
		q++;
	for (char *s = a; (s = strstr(s, "result: ")); s++) {
		char *eol = strchr(s, '\n'), *f = strstr(s, "FAULTS");
		res++;
		faults += f && eol && f < eol;
	}
	CHECK_EQ(q, 12);
	CHECK_EQ(res, 12);
	CHECK(faults > 0 && faults < 12);
	CHECK(strstr(a, "U=0: supervisor page"));
	char *noans = quiz_text(5, 3, false);
	CHECK(!strstr(noans, "result: "));
	CHECK(strstr(noans, "--answers"));
	char *s48 = quiz_text(5, 4, true);
	CHECK(strstr(s48, "Sv48") && strstr(s48, "VPN[3]"));
	free(a), free(b), free(c), free(noans), free(s48);
}

TEST(option_parsers_reject_bad_input)
{
	struct explain_opts o;
	memset(&o, 0, sizeof o);
	CHECK_EQ(explain_parse_vas(&o, "0x11000,4096"), 0);
	CHECK_EQ(o.nva, 2);
	CHECK_EQ(o.va[1], 4096);
	CHECK_EQ(o.at, EXPLAIN_AT_EXIT);
	CHECK(explain_parse_vas(&o, "zz") < 0);
	CHECK(explain_parse_vas(&o, "-5") < 0);
	CHECK_EQ(explain_parse_at(&o, "marker,instret:100"), 0);
	CHECK_EQ(o.at, EXPLAIN_AT_MARKER | EXPLAIN_AT_INSTRET);
	CHECK_EQ(o.instret, 100);
	CHECK(explain_parse_at(&o, "instret:0") < 0);
	CHECK(explain_parse_at(&o, "later") < 0);
	CHECK_EQ(explain_parse_accesses(&o, "store,fetch"), 0);
	CHECK_EQ(o.accesses, (1u << ACC_STORE) | (1u << ACC_FETCH));
	CHECK(explain_parse_accesses(&o, "jump") < 0);
	CHECK_EQ(eventlog_parse_filter("fault,tlb-miss"), (1u << KEV_FAULT) | (1u << KEV_TLB_MISS));
	CHECK_EQ(eventlog_parse_filter("all"), (1u << KEV_NKINDS) - 1);
	CHECK_EQ(eventlog_parse_filter("faults,bogus"), 0);
	CHECK(!(eventlog_default_mask() & (1u << KEV_TLB_MISS)));
	CHECK_STR(eventlog_syscall_name(222), "mmap");
	CHECK(eventlog_syscall_name(9999) == NULL);
	char fl[9];
	explain_pte_flags(PTE_V | PTE_R | PTE_X | PTE_U | PTE_A, fl);
	CHECK_STR(fl, "vr-xu-a-");
}

TEST(picture_byte_budget_thins_keeping_first_and_last)
{
	struct rig r;
	rig_boot(&r, 3);
	struct picture pic;
	picture_init(&pic);
	CHECK_EQ(picture_snapshot(&pic, r.k, "s0"), 0);
	size_t one = pic.snaps[0].svg_len;
	pic.max_bytes = one * 3;
	char label[16];
	for (int i = 1; i < 12; i++) {
		snprintf(label, sizeof label, "s%d", i);
		CHECK_EQ(picture_snapshot(&pic, r.k, label), 0);
		size_t sum = 0;
		for (size_t j = 0; j < pic.n; j++)
			sum += pic.snaps[j].svg_len;
		CHECK_EQ(sum, pic.bytes);
		CHECK(pic.bytes <= pic.max_bytes + one + one / 8);
	}
	CHECK(pic.dropped > 0);
	CHECK_EQ(pic.n + pic.dropped, 12);
	CHECK_STR(pic.snaps[0].label, "s0");
	CHECK_STR(pic.snaps[pic.n - 1].label, "s11");
	picture_free(&pic);
	rig_down(&r);
}

TEST(picture_thins_snapshots_keeping_first_and_last)
{
	struct rig r;
	rig_boot(&r, 3);
	struct picture pic;
	picture_init(&pic);
	pic.max_snaps = 4;
	char label[16];
	for (int i = 0; i < 10; i++) {
		snprintf(label, sizeof label, "s%d", i);
		CHECK_EQ(picture_snapshot(&pic, r.k, label), 0);
	}
	CHECK(pic.n <= 4 && pic.n >= 2);
	CHECK_EQ(pic.n + pic.dropped, 10);
	CHECK_STR(pic.snaps[0].label, "s0");
	CHECK_STR(pic.snaps[pic.n - 1].label, "s9");
	for (size_t i = 1; i < pic.n; i++)
		CHECK(atoi(pic.snaps[i].label + 1) > atoi(pic.snaps[i - 1].label + 1));
	CHECK(strstr(pic.snaps[0].svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	CHECK(strstr(pic.snaps[0].svg, "frame map: 1024 frames of 4 KiB at 0x80000000"));
	/* a process name with markup is escaped */
	CHECK_EQ(picture_snapshot(&pic, r.k, "a<b & \"c\""), 0);
	CHECK(strstr(pic.snaps[pic.n - 1].svg, "a&lt;b &amp; &quot;c&quot;"));
	picture_free(&pic);
	rig_down(&r);
}
