/*
 * pagecache_test.c - the page cache (pagecache.c) and the mappings over it
 * (vm.c), checked directly on a booted kernel with objects whose pager
 * reads and writes a host buffer standing for a file:
 *
 *   - read()/write() through the cache: reads stop at the size, writes
 *     extend it, a far index grows the radix tree, and put frees it all;
 *   - MAP_SHARED: one frame for every mapper and read(), across fork;
 *     MAP_PRIVATE: the cache frame copy-on-write, MADV_DONTNEED drops the
 *     private copy; the partial last page is zero past the end, a page
 *     wholly past it is a bus error (-EIO), also after a truncate;
 *   - msync(MS_SYNC) writes dirty pages back once; its EINVAL/ENOMEM cases;
 *     mprotect cannot pass maxprot (EACCES);
 *   - MAP_SHARED|MAP_ANONYMOUS is shared across fork;
 *   - under memory pressure (a frame limit, swap), with every policy,
 *     clean file pages are dropped and read again, shmem pages go to swap
 *     and come back, the data intact and kernel_check clean throughout.
 */
#include "kernel_fixture.h"
#include "pagecache.h"

#define A 0x40000000ULL
#define FILE_BYTES (6 * PGSIZE + 100)

static uint8_t disk[64 * PGSIZE];    /* the "file" */
static unsigned reads, writes;

static uint8_t disk_byte(uint64_t off) { return (uint8_t)(1 + (off * 7 + off / 4096) % 251); }

static void disk_reset(void)
{
	for (uint64_t i = 0; i < sizeof disk; i++)
		disk[i] = disk_byte(i);
	reads = writes = 0;
}

static int t_read(struct kernel *kk, struct vm_object *o, uint64_t index, uint8_t *dst)
{
	(void)kk;
	uint64_t off = index * PGSIZE;
	uint64_t n = off >= o->size ? 0 : o->size - off < PGSIZE ? o->size - off : PGSIZE;
	if (off >= sizeof disk)
		n = 0;                  /* a hole beyond the test's disk */
	memcpy(dst, disk + off, n);
	memset(dst + n, 0, PGSIZE - n);
	reads++;
	return 0;
}

static int t_write(struct kernel *kk, struct vm_object *o, uint64_t index, const uint8_t *src)
{
	(void)kk, (void)o;
	if (index * PGSIZE < sizeof disk)
		memcpy(disk + index * PGSIZE, src, PGSIZE);
	writes++;
	return 0;
}

static const struct pager_ops test_pager = { .name = "test", .read_page = t_read,
					     .write_page = t_write };

static struct vm_object *new_file(uint64_t size)
{
	disk_reset();
	struct vm_object *o = vm_object_create(&k, &test_pager, NULL, size);
	REQUIRE(o);
	return o;
}

static int64_t map(struct proc *p, uint64_t va, uint64_t len, int prot, int flags,
		   struct vm_object *o, uint64_t off, unsigned maxprot)
{
	return vm_mmap_object(&k, p, va, len, prot, flags | LX_MAP_FIXED, o, off, maxprot);
}

static uint8_t peek(struct proc *p, uint64_t va)
{
	uint8_t b = 0;
	REQUIRE(kf_load(p, va, &b, 1) == 0);
	return b;
}

static void poke(struct proc *p, uint64_t va, uint8_t b)
{
	REQUIRE(kf_store(p, va, &b, 1) == 0);
}

TEST(read_write_through_the_cache)
{
	kf_boot(16 << 20, 0, NULL);
	struct vm_object *o = new_file(FILE_BYTES);
	uint8_t buf[3 * PGSIZE];
	CHECK_EQ(pagecache_read(&k, NULL, o, PGSIZE - 10, buf, sizeof buf), (int64_t)sizeof buf);
	CHECK(memcmp(buf, disk + PGSIZE - 10, sizeof buf) == 0);
	CHECK_EQ(reads, 4u);
	/* hits read nothing more; a read stops at the size */
	CHECK_EQ(pagecache_read(&k, NULL, o, FILE_BYTES - 50, buf, sizeof buf), 50);
	CHECK_EQ(pagecache_read(&k, NULL, o, FILE_BYTES, buf, 1), 0);
	CHECK_EQ(pagecache_read(&k, NULL, o, PGSIZE, buf, 10), 10);
	CHECK_EQ(reads, 5u);
	/* writes extend, far away too (the tree grows); the hole reads zeros */
	CHECK_EQ(pagecache_write(&k, NULL, o, (1ULL << 30) + 5, "hello", 5), 5);
	CHECK_EQ(o->size, (1ULL << 30) + 10);
	CHECK_EQ(pagecache_read(&k, NULL, o, (1ULL << 30), buf, 10), 10);
	CHECK(memcmp(buf, "\0\0\0\0\0hello", 10) == 0);
	CHECK_EQ(pagecache_read(&k, NULL, o, 1ULL << 29, buf, 4), 4);
	CHECK(buf[0] == 0 && buf[3] == 0);
	CHECK_EQ(pagecache_write(&k, NULL, o, VM_OBJECT_MAX_BYTES, "x", 1), -EFBIG);
	KF_CHECK_KERNEL();
	struct pagecache_info in;
	pagecache_info(&k, &in);
	CHECK(in.cached >= 7 && in.dirty == 1 && in.mapped == 0);
	/* sync writes the dirty page back, once */
	CHECK_EQ(vm_object_sync(&k, o), 0);
	CHECK_EQ(writes, 1u);
	CHECK_EQ(vm_object_sync(&k, o), 0);
	CHECK_EQ(writes, 1u);
	vm_object_put(&k, o);
	CHECK_EQ(k.pa.by_owner[FO_FILE], 0);
	kf_halt();
}

TEST(shared_mapping_one_frame_for_all_and_read)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	struct vm_object *o = new_file(FILE_BYTES);
	CHECK_EQ(map(p, A, 4 * PGSIZE, LX_PROT_READ | LX_PROT_WRITE, LX_MAP_SHARED, o, PGSIZE,
		     VM_PROT_ALL), (int64_t)A);
	CHECK_EQ(peek(p, A + 3), disk_byte(PGSIZE + 3));      /* offset one page */
	poke(p, A + 8, 0xab);
	struct proc *c = kf_fork(p);
	CHECK_EQ(peek(c, A + 8), 0xab);
	poke(c, A + PGSIZE, 0xcd);
	CHECK_EQ(peek(p, A + PGSIZE), 0xcd);                  /* not copy-on-write */
	uint64_t pa1, pa2;
	REQUIRE(kf_access(p, A, ACC_LOAD, &pa1) == 0 && kf_access(c, A, ACC_LOAD, &pa2) == 0);
	CHECK_EQ(pa1, pa2);
	CHECK_EQ(PGROUNDDOWN(pa1), pagecache_lookup(&k, o, 1));
	uint8_t b;
	CHECK_EQ(pagecache_read(&k, NULL, o, PGSIZE + 8, &b, 1), 1);   /* read() sees it */
	CHECK_EQ(b, 0xab);
	CHECK_EQ(pagecache_write(&k, NULL, o, 2 * PGSIZE + 1, "\x42", 1), 1);
	CHECK_EQ(peek(c, A + PGSIZE + 1), 0x42);               /* and write() shows */
	KF_CHECK_KERNEL();
	/* msync writes the pages the mappings dirtied back */
	CHECK_EQ(vm_msync(&k, p, A, 4 * PGSIZE, LX_MS_SYNC), 0);
	CHECK_EQ(disk[PGSIZE + 8], 0xab);
	CHECK_EQ(disk[2 * PGSIZE], 0xcd);
	CHECK_EQ(writes, 2u);
	CHECK_EQ(vm_msync(&k, p, A, 4 * PGSIZE, LX_MS_SYNC), 0);
	CHECK_EQ(writes, 2u);                                   /* clean now */
	poke(c, A + 2 * PGSIZE, 0x11);
	CHECK_EQ(vm_msync(&k, c, A, PGSIZE * 4, LX_MS_ASYNC | LX_MS_INVALIDATE), 0);
	CHECK_EQ(vm_msync(&k, c, A + 2 * PGSIZE, 1, LX_MS_SYNC), 0);
	CHECK_EQ(disk[3 * PGSIZE], 0x11);
	/* msync's errors */
	CHECK_EQ(vm_msync(&k, p, A + 1, 10, LX_MS_SYNC), -EINVAL);
	CHECK_EQ(vm_msync(&k, p, A, 10, LX_MS_SYNC | LX_MS_ASYNC), -EINVAL);
	CHECK_EQ(vm_msync(&k, p, A, 10, 8), -EINVAL);
	CHECK_EQ(vm_msync(&k, p, A, 0, LX_MS_SYNC), 0);
	CHECK_EQ(vm_msync(&k, p, A, 5 * PGSIZE, LX_MS_SYNC), -ENOMEM);   /* a hole after */
	CHECK_EQ(vm_msync(&k, p, A - 2 * PGSIZE, PGSIZE, LX_MS_SYNC), -ENOMEM);
	vm_object_put(&k, o);           /* the regions keep it */
	kf_halt();
}

TEST(private_mapping_copy_on_write_and_dontneed)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	struct vm_object *o = new_file(FILE_BYTES);
	CHECK_EQ(map(p, A, 2 * PGSIZE, LX_PROT_READ | LX_PROT_WRITE, LX_MAP_PRIVATE, o, 0,
		     VM_PROT_ALL), (int64_t)A);
	uint64_t pa;
	REQUIRE(kf_access(p, A, ACC_LOAD, &pa) == 0);
	CHECK_EQ(PGROUNDDOWN(pa), pagecache_lookup(&k, o, 0));   /* the cache frame, shared */
	poke(p, A + 5, 0x99);
	REQUIRE(kf_access(p, A, ACC_LOAD, &pa) == 0);
	CHECK(PGROUNDDOWN(pa) != pagecache_lookup(&k, o, 0));    /* a private copy now */
	CHECK_EQ(peek(p, A + 5), 0x99);
	CHECK_EQ(peek(p, A + 6), disk_byte(6));
	uint8_t b;
	CHECK_EQ(pagecache_read(&k, NULL, o, 5, &b, 1), 1);
	CHECK_EQ(b, disk_byte(5));                          /* the file never saw it */
	KF_CHECK_KERNEL();
	CHECK_EQ(vm_madvise(&k, p, A, PGSIZE, LX_MADV_DONTNEED), 0);
	CHECK_EQ(peek(p, A + 5), disk_byte(5));             /* the file again */
	CHECK_EQ(vm_madvise(&k, p, A, PGSIZE, LX_MADV_FREE), -EINVAL);   /* not anonymous */
	CHECK_EQ(vm_msync(&k, p, A, PGSIZE, LX_MS_SYNC), 0);
	CHECK_EQ(writes, 0u);                               /* private: nothing written */
	vm_object_put(&k, o);
	kf_halt();
}

TEST(end_of_file_partial_page_and_bus_error)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	struct vm_object *o = new_file(FILE_BYTES);         /* 6 pages + 100 bytes */
	CHECK_EQ(map(p, A, 9 * PGSIZE, LX_PROT_READ | LX_PROT_WRITE, LX_MAP_SHARED, o, 0,
		     VM_PROT_ALL), (int64_t)A);
	CHECK_EQ(peek(p, A + 6 * PGSIZE + 99), disk_byte(6 * PGSIZE + 99));
	CHECK_EQ(peek(p, A + 6 * PGSIZE + 100), 0);          /* zero past the end */
	uint8_t b;
	CHECK_EQ(kf_load(p, A + 7 * PGSIZE, &b, 1), -EIO);   /* wholly past it: SIGBUS */
	CHECK(kf_why && strstr(kf_why, "end of the mapped file"));
	/* truncate while mapped: pages past the end leave every mapping */
	CHECK_EQ(peek(p, A + 4 * PGSIZE), disk_byte(4 * PGSIZE));
	uint64_t cached = k.pa.by_owner[FO_FILE];
	CHECK_EQ(vm_object_truncate(&k, o, 2 * PGSIZE + 10), 0);
	CHECK(k.pa.by_owner[FO_FILE] < cached);
	CHECK_EQ(kf_load(p, A + 4 * PGSIZE, &b, 1), -EIO);
	CHECK_EQ(peek(p, A + 2 * PGSIZE + 9), disk_byte(2 * PGSIZE + 9));
	CHECK_EQ(peek(p, A + 2 * PGSIZE + 10), 0);
	KF_CHECK_KERNEL();
	/* grown again: the pages come back as zeros */
	CHECK_EQ(vm_object_truncate(&k, o, 5 * PGSIZE), 0);
	CHECK_EQ(peek(p, A + 4 * PGSIZE), disk_byte(4 * PGSIZE));   /* read from the pager */
	CHECK_EQ(vm_object_truncate(&k, o, 0), 0);
	CHECK_EQ(kf_load(p, A, &b, 1), -EIO);
	CHECK_EQ(k.pa.by_owner[FO_FILE], 0);
	/* a read-only shared mapping cannot be made writable */
	CHECK_EQ(map(p, A + 16 * PGSIZE, PGSIZE, LX_PROT_READ, LX_MAP_SHARED, o, 0,
		     VM_PROT_READ | VM_PROT_EXEC), (int64_t)(A + 16 * PGSIZE));
	CHECK_EQ(vm_mprotect(&k, p, A + 16 * PGSIZE, PGSIZE, LX_PROT_READ | LX_PROT_WRITE), -EACCES);
	CHECK_EQ(vm_mprotect(&k, p, A + 16 * PGSIZE, PGSIZE, LX_PROT_NONE), 0);
	vm_object_put(&k, o);
	kf_halt();
}

TEST(shared_anonymous_memory_across_fork)
{
	kf_boot(16 << 20, 0, NULL);
	struct proc *p = kf_spawn();
	CHECK_EQ(vm_mmap(&k, p, A, 3 * PGSIZE, LX_PROT_READ | LX_PROT_WRITE,
			 LX_MAP_SHARED | LX_MAP_ANONYMOUS | LX_MAP_FIXED, -1, 0), (int64_t)A);
	poke(p, A, 1);
	struct proc *c = kf_fork(p);
	struct proc *g = kf_fork(c);
	poke(g, A + PGSIZE, 2);
	poke(c, A, 3);
	CHECK_EQ(peek(p, A + PGSIZE), 2);
	CHECK_EQ(peek(g, A), 3);
	CHECK_EQ(peek(p, A + 2 * PGSIZE), 0);
	KF_CHECK_KERNEL();
	/* a private anonymous mapping forked stays private */
	kf_map(p, A + 8 * PGSIZE, 1, LX_PROT_READ | LX_PROT_WRITE);
	poke(p, A + 8 * PGSIZE, 5);
	struct proc *d = kf_fork(p);
	poke(d, A + 8 * PGSIZE, 6);
	CHECK_EQ(peek(p, A + 8 * PGSIZE), 5);
	kf_halt();
}

/* Boots with a frame limit of `frames` and swap. */
static void boot_tight(uint64_t frames, const char *policy)
{
	struct kernel_config cfg;
	kernel_config_default(&cfg);
	cfg.ram_size = 16 << 20;
	cfg.swap_size = 4 << 20;
	cfg.frames_limit = frames;
	cfg.policy = policy;
	cfg.debug = true;
	cfg.out = fopen("/dev/null", "w");
	cfg.err = stderr;
	REQUIRE(cfg.out);
	REQUIRE(kernel_boot(&k, &cfg) == 0);
	kf_objs0 = kmem_objects_in_use(&k.km);
	kf_pt0 = k.pa.by_owner[FO_PAGE_TABLE];
}

TEST(memory_pressure_every_policy)
{
	static const char *policies[] = { "clock", "fifo", "lru", "random", "lirs" };
	for (unsigned i = 0; i < sizeof policies / sizeof *policies; i++) {
		boot_tight(24, policies[i]);
		struct proc *p = kf_spawn();
		struct vm_object *o = new_file(40 * PGSIZE);
		CHECK_EQ(map(p, A, 40 * PGSIZE, LX_PROT_READ, LX_MAP_PRIVATE, o, 0, VM_PROT_ALL),
			 (int64_t)A);
		CHECK_EQ(vm_mmap(&k, p, A + 64 * PGSIZE, 30 * PGSIZE, LX_PROT_READ | LX_PROT_WRITE,
				 LX_MAP_SHARED | LX_MAP_ANONYMOUS | LX_MAP_FIXED, -1, 0),
			 (int64_t)(A + 64 * PGSIZE));
		struct proc *c = kf_fork(p);
		for (unsigned pg = 0; pg < 30; pg++)
			CHECK_EQ(kf_fill(pg % 2 ? c : p, A + (64 + pg) * PGSIZE, 7), 0);
		for (int round = 0; round < 2; round++)
			for (unsigned pg = 0; pg < 40; pg++) {
				uint8_t b;
				REQUIRE(kf_load(p, A + pg * PGSIZE + 17, &b, 1) == 0);
				CHECK_EQ(b, disk_byte(pg * PGSIZE + 17));
			}
		uint8_t big[16 * PGSIZE];      /* read() through the cache too */
		CHECK_EQ(pagecache_read(&k, p, o, 20 * PGSIZE, big, sizeof big), (int64_t)sizeof big);
		CHECK(memcmp(big, disk + 20 * PGSIZE, sizeof big) == 0);
		KF_CHECK_KERNEL();
		for (unsigned pg = 0; pg < 30; pg++)
			CHECK_MSG(kf_differs(pg % 2 ? p : c, A + (64 + pg) * PGSIZE, 7) == -1,
				  "%s: shmem page %u lost its contents", policies[i], pg);
		CHECK_MSG(k.stats.file_pages_dropped > 0 && k.stats.file_pages_swapped_out > 0 &&
			  k.stats.file_pages_swapped_in > 0,
			  "%s: dropped %llu, swapped out %llu, in %llu", policies[i],
			  (unsigned long long)k.stats.file_pages_dropped,
			  (unsigned long long)k.stats.file_pages_swapped_out,
			  (unsigned long long)k.stats.file_pages_swapped_in);
		CHECK(reads > 40);             /* dropped pages were read again */
		vm_object_put(&k, o);
		kf_halt();
	}
}
