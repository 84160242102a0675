/*
 * procfs_test.c - the texts of the /proc files (fs/procfs_text.c) on a
 * booted kernel: maps is byte for byte what `vmos run --maps` prints
 * (tools/procview.c) for the same process; status and statm agree with
 * the regions and the page tables; cmdline is argv as the process's memory
 * holds it; meminfo's figures are the page allocator's and swap's.
 */
#include "kernel_fixture.h"
#include "fs/procfs.h"
#include "procview.h"
#include "pagecache.h"

#include <stdio.h>

static struct ptext text;

/* The value of "Field:" in a status/meminfo text, or -1. */
static long long field(const char *t, const char *name)
{
	size_t n = strlen(name);
	for (const char *l = t; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, name, n) && l[n] == ':')
			return strtoll(l + n + 1, NULL, 10);
	return -1;
}

TEST(maps_is_what_procview_prints)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	kf_map(p, 0x40000000, 3, LX_PROT_READ | LX_PROT_WRITE);
	kf_map(p, 0x50000000, 1, LX_PROT_READ);
	char *want = NULL;
	size_t wlen = 0;
	FILE *f = open_memstream(&want, &wlen);
	REQUIRE(f);
	procview_maps(&k, p, f);
	fclose(f);
	procfs_text_maps(&k, p, &text);
	REQUIRE(!text.oom && text.buf);
	CHECK_EQ(text.len, wlen);
	CHECK_STR(text.buf, want);
	CHECK(strstr(text.buf, "40000000-40003000 rw-p 00000000 00:00 0 \n") != NULL);
	CHECK(strstr(text.buf, "[stack]\n") != NULL);
	free(want);
	ptext_free(&k, &text);
	kf_halt();
}

TEST(status_agrees_with_the_address_space)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	kf_map(p, 0x40000000, 10, LX_PROT_READ | LX_PROT_WRITE);
	uint64_t pa;
	for (int i = 0; i < 4; i++)      /* 4 pages resident by writes */
		REQUIRE(kf_access(p, 0x40000000 + i * PGSIZE, ACC_STORE, &pa) == 0);
	struct proc *c = kf_fork(p);
	procfs_text_status(&k, c, &text);
	REQUIRE(!text.oom);
	CHECK_EQ(field(text.buf, "Pid"), c->pid);
	CHECK_EQ(field(text.buf, "PPid"), p->pid);
	CHECK(strstr(text.buf, "Name:\thello\n") != NULL);
	CHECK(strstr(text.buf, "State:\tR (running)\n") != NULL);
	long long size = 0;
	for (struct vm_region *r = vm_map_first(&c->mm->map); r; r = vm_map_next(&c->mm->map, r))
		size += (long long)(r->end - r->start);
	CHECK_EQ(field(text.buf, "VmSize"), size / 1024);
	CHECK(field(text.buf, "VmPeak") >= field(text.buf, "VmSize"));
	CHECK(field(text.buf, "VmData") >= 40);     /* the 10-page mapping at least */
	CHECK_EQ(field(text.buf, "VmRSS"),
		 field(text.buf, "RssAnon") + field(text.buf, "RssFile") + field(text.buf, "RssShmem"));
	CHECK(field(text.buf, "RssAnon") >= 16);    /* the 4 pages, shared with the parent */
	ptext_free(&k, &text);
	/* unmapping lowers VmSize, not VmPeak */
	REQUIRE(vm_munmap(&k, c, 0x40000000, 10 * PGSIZE) == 0);
	procfs_text_status(&k, c, &text);
	CHECK_EQ(field(text.buf, "VmSize"), size / 1024 - 40);
	CHECK_EQ(field(text.buf, "VmPeak"), size / 1024);
	ptext_free(&k, &text);
	procfs_text_statm(&k, c, &text);
	CHECK_EQ(strtoll(text.buf, NULL, 10), (size - 40 * 1024) / PGSIZE);
	ptext_free(&k, &text);
	kf_halt();
}

TEST(cmdline_is_argv_in_memory)
{
	kf_boot(16 << 20, 0, NULL);
	static char *argv[] = { "hello", "one", "two words", NULL }, *envp[] = { "A=1", NULL };
	int err = 0;
	struct proc *p = proc_spawn(&k, kf_prog("hello"), argv, envp, &err);
	REQUIRE(p);
	procfs_text_cmdline(&k, p, &text);
	CHECK_EQ(text.len, 20);
	CHECK(text.buf && !memcmp(text.buf, "hello\0one\0two words\0", 20));
	ptext_free(&k, &text);
	procfs_text_stat(&k, p, &text);
	char want[64];
	snprintf(want, sizeof want, "%u (hello) R ", p->pid);
	CHECK(text.buf && !strncmp(text.buf, want, strlen(want)));
	int fields = 0;
	for (const char *s = strchr(text.buf, ')'); s && *s; s++)
		fields += *s == ' ';
	CHECK_EQ(fields + 2, 52);           /* "pid (comm)" and 50 more */
	ptext_free(&k, &text);
	kf_halt();
}

TEST(meminfo_is_the_allocator_counters)
{
	kf_boot(16 << 20, 1 << 20, NULL);
	struct proc *p = kf_spawn();
	(void)p;
	uint64_t free0 = k.pa.free_frames;    /* the text's own buffer comes after */
	procfs_text_meminfo(&k, &text);
	REQUIRE(!text.oom);
	CHECK_EQ(field(text.buf, "MemTotal"), (long long)(k.pa.nframes - k.pa.by_owner[FO_BOOT]) * 4);
	CHECK_EQ(field(text.buf, "MemFree"), (long long)free0 * 4);
	CHECK_EQ(field(text.buf, "SwapTotal"), 1024);
	CHECK_EQ(field(text.buf, "SwapFree"), 1024);
	CHECK_EQ(field(text.buf, "AnonPages"), (long long)k.pa.by_owner[FO_USER] * 4);
	struct pagecache_info pc;
	pagecache_info(&k, &pc);
	CHECK_EQ(field(text.buf, "Cached"), (long long)pc.cached * 4);
	CHECK(strstr(text.buf, "MemTotal:          ") == text.buf);   /* Linux's columns */
	ptext_free(&k, &text);
	kf_halt();
}
