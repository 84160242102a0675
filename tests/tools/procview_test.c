/*
 * procview_test.c - the machine-wide /proc views agree with the allocators'
 * own tables (the ones `vmos kmem` prints): /proc/buddyinfo's free blocks
 * per order equal page_alloc_print's "free" row, and every cache of
 * /proc/slabinfo has kmem_print's active and total objects and slabs; both
 * parse in Linux's formats, after allocations that change every figure.
 * And procview_parse accepts the file names and refuses others.
 */
#include "test.h"
#include "kernel.h"
#include "procview.h"

#include <stdlib.h>
#include <string.h>

/* What fn printed, in a malloc'd string. */
static __attribute__((noinline)) char *capture_k(void (*fn)(struct kernel *, FILE *), struct kernel *k)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	REQUIRE(f);
	fn(k, f);
	fclose(f);
	return buf;
}

static void print_buddy(struct kernel *k, FILE *f) { page_alloc_print(&k->pa, f); }
static void print_slab(struct kernel *k, FILE *f) { kmem_print(&k->km, f); }

static void check_agree(struct kernel *k, int min_caches)
{
	/* buddyinfo: "Node 0, zone   Normal " then PA_NORDERS counts */
	char *bi = capture_k(procview_buddyinfo, k);
	char *pb = capture_k(print_buddy, k);
	CHECK(!strncmp(bi, "Node 0, zone   Normal ", 22));
	const char *free_row = strstr(pb, "\n  free");
	REQUIRE(free_row);
	char *a = bi + 22, *b = (char *)free_row + 7;
	for (unsigned o = 0; o < PA_NORDERS; o++) {
		unsigned long x = strtoul(a, &a, 10), y = strtoul(b, &b, 10);
		CHECK_EQ(x, y);
		CHECK_EQ(x, k->pa.nfree[o]);
	}
	CHECK(!strcmp(a, " \n"));
	/* slabinfo: every cache of kmem_print's table, same active/total/slabs */
	char *si = capture_k(procview_slabinfo, k);
	char *ps = capture_k(print_slab, k);
	CHECK(!strncmp(si, "slabinfo - version: 2.1\n# name ", 31));
	int matched = 0;
	for (char *save = NULL, *l = strtok_r(ps, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char name[64];
		unsigned long act, tot, osz, slabs, pages, frag;
		if (sscanf(l, " %63s %lu %lu %lu %lu %lu %lu", name, &act, &tot, &osz, &slabs, &pages,
			   &frag) != 7)
			continue;
		char *line = strstr(si, name);
		while (line && line[-1] != '\n')
			line = strstr(line + 1, name);
		REQUIRE(line);
		char n2[64];
		unsigned long a2, t2, sz2, per2, pg2, as2, ns2, sh2, l1, l2, l3;
		CHECK_EQ(sscanf(line, "%63s %lu %lu %lu %lu %lu : tunables %lu %lu %lu : slabdata %lu %lu %lu",
				n2, &a2, &t2, &sz2, &per2, &pg2, &l1, &l2, &l3, &as2, &ns2, &sh2), 12);
		CHECK_STR(n2, name);
		CHECK_EQ(a2, act);
		CHECK_EQ(t2, tot);
		CHECK_EQ(ns2, slabs);
		CHECK_EQ(pg2, pages);
		CHECK(sz2 >= osz);                 /* the stride: object plus its padding */
		CHECK(ns2 == 0 || per2 * ns2 == t2);
		matched++;
	}
	CHECK(matched >= min_caches);
	free(bi), free(pb), free(si), free(ps);
}

TEST(buddyinfo_and_slabinfo_agree_with_the_allocator_tables)
{
	struct kernel_config cfg;
	kernel_config_default(&cfg);
	cfg.ram_size = 8ULL << 20;
	struct kernel *k = calloc(1, sizeof *k);
	REQUIRE(k && kernel_boot(k, &cfg) == 0);
	check_agree(k, 1);
	/* change every figure: blocks of several orders, objects of several sizes */
	uint64_t blocks[6];
	void *objs[40];
	for (int i = 0; i < 6; i++)
		blocks[i] = page_alloc_frames(&k->pa, (unsigned)i % 4, 0, FO_KERNEL, 0);
	for (int i = 0; i < 40; i++)
		objs[i] = kmalloc(&k->km, (size_t)(16 + i * 97));
	check_agree(k, 5);
	for (int i = 0; i < 6; i += 2)
		page_free_frames(&k->pa, blocks[i], (unsigned)i % 4);
	for (int i = 0; i < 40; i += 3)
		kfree(&k->km, objs[i]), objs[i] = NULL;
	check_agree(k, 5);
	for (int i = 1; i < 6; i += 2)
		page_free_frames(&k->pa, blocks[i], (unsigned)i % 4);
	for (int i = 0; i < 40; i++)
		kfree(&k->km, objs[i]);
	/* vmstat: nr_free_pages is the allocator's free count */
	char *vs = capture_k(procview_vmstat, k);
	unsigned long nfree = 0;
	CHECK_EQ(sscanf(vs, "nr_free_pages %lu", &nfree), 1);
	CHECK_EQ(nfree, k->pa.free_frames);
	free(vs);
	kernel_shutdown(k);
	free(k);
}

TEST(procview_parse_names_files)
{
	CHECK_EQ(procview_parse("maps"), PV_MAPS);
	CHECK_EQ(procview_parse("smaps,pagemap,vmstat"), PV_SMAPS | PV_PAGEMAP | PV_VMSTAT);
	CHECK_EQ(procview_parse("all"), 0x3fu);
	CHECK_EQ(procview_parse("buddyinfo,slabinfo"), PV_BUDDYINFO | PV_SLABINFO);
	CHECK_EQ(procview_parse("mapz"), 0u);
	CHECK_EQ(procview_parse(""), 0u);
	CHECK_EQ(procview_parse("maps,,status"), 0u);
}
