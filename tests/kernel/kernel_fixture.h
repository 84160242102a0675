/*
 * kernel_fixture.h - a booted kernel for the unit tests of the VM code
 * (fork_cow_test.c, vm_fault_test.c): processes made from a real program
 * (so fork has an image to share), user accesses done as the CPU does them
 * (translate through the MMU; on a page fault call vm_fault as the trap
 * handler does, then retry), and leak accounting at the end of each test:
 * after every process is gone no user, file or page-table frame, kernel
 * object or swap slot may remain of what the test made.
 *
 * Tests use the one machine `k`; each test boots it (kf_boot) and ends with
 * kf_halt, which checks the invariants and the leaks and shuts it down.
 */
#ifndef VMOS_TESTS_KERNEL_FIXTURE_H
#define VMOS_TESTS_KERNEL_FIXTURE_H

#include "test.h"
#include "kernel.h"
#include "fork.h"
#include "proc.h"
#include "swap.h"
#include "uaccess.h"
#include "vm.h"

#include <errno.h>
#include <stdlib.h>

#define KF_SIGCHLD 17

static struct kernel k;
static uint64_t kf_objs0, kf_pt0;     /* kernel objects and page-table frames after boot */
static const char *kf_why;            /* vm_fault's reason for the last refusal */

/* Boots a machine of ram bytes with swap bytes of swap (0: none) and the
 * replacement policy (NULL: the default). */
static inline void kf_boot(uint64_t ram, uint64_t swap, const char *policy)
{
	struct kernel_config cfg;
	kernel_config_default(&cfg);
	cfg.ram_size = ram;
	cfg.swap_size = swap;
	cfg.policy = policy;
	cfg.debug = true;                 /* poison freed memory */
	cfg.out = fopen("/dev/null", "w");
	cfg.err = stderr;                 /* a kernel panic says why */
	REQUIRE(cfg.out);
	REQUIRE(kernel_boot(&k, &cfg) == 0);
	kf_objs0 = kmem_objects_in_use(&k.km);
	kf_pt0 = k.pa.by_owner[FO_PAGE_TABLE];
}

/* kernel_check, failing the test at the caller's line with what broke. */
#define KF_CHECK_KERNEL() do {                                                  \
		const char *e_ = kernel_check(&k);                              \
		if (e_)                                                         \
			test_fail(__FILE__, __LINE__, "kernel_check: %s", e_);  \
	} while (0)

/* Ends p (exit status 0) and frees its record. */
static inline void kf_exit(struct proc *p)
{
	proc_exit(&k, p, 0, 0);
	proc_reap(&k, p);
}

/* Ends every process, checks the invariants and that nothing leaked, and
 * shuts the machine down. */
static inline void kf_halt(void)
{
	KF_CHECK_KERNEL();
	while (k.procs)
		kf_exit(k.procs);
	KF_CHECK_KERNEL();
	CHECK_MSG(k.pa.by_owner[FO_USER] == 0 && k.user_frames == 0,
		  "leak: %llu user frames (counter %llu) remain after every process exited",
		  (unsigned long long)k.pa.by_owner[FO_USER], (unsigned long long)k.user_frames);
	CHECK_MSG(k.pa.by_owner[FO_FILE] == 0 && !k.images,
		  "leak: %llu page-cache frames remain after every process exited",
		  (unsigned long long)k.pa.by_owner[FO_FILE]);
	CHECK_MSG(k.pa.by_owner[FO_PAGE_TABLE] == kf_pt0,
		  "leak: %llu page-table frames after every process exited, %llu at boot",
		  (unsigned long long)k.pa.by_owner[FO_PAGE_TABLE], (unsigned long long)kf_pt0);
	CHECK_MSG(kmem_objects_in_use(&k.km) == kf_objs0,
		  "leak: %llu kernel objects after every process exited, %llu at boot",
		  (unsigned long long)kmem_objects_in_use(&k.km), (unsigned long long)kf_objs0);
	CHECK_MSG(k.swap.nfree == k.swap.nslots,
		  "leak: %llu swap slots still in use after every process exited",
		  (unsigned long long)(k.swap.nslots - k.swap.nfree));
	FILE *out = k.cfg.out;
	kernel_shutdown(&k);
	fclose(out);
}

/* $VMOS_BUILD/user/bin/name. */
static inline const char *kf_prog(const char *name)
{
	static char path[512];
	const char *b = getenv("VMOS_BUILD");
	snprintf(path, sizeof path, "%s/user/bin/%s", b ? b : "build", name);
	return path;
}

/* A process running hello (user/bin/demos/hello.c), set up but never run: a real address
 * space and exec image, so fork works on it. */
static inline struct proc *kf_spawn(void)
{
	static char *argv[] = { "hello", NULL }, *envp[] = { NULL };
	int err = 0;
	struct proc *p = proc_spawn(&k, kf_prog("hello"), argv, envp, &err);
	if (!p)
		test_fail(__FILE__, __LINE__, "cannot spawn %s: %d (is it built?)",
			  kf_prog("hello"), err);
	REQUIRE(p);
	return p;
}

/* fork of p, through the system call; the child. */
static inline struct proc *kf_fork(struct proc *p)
{
	int64_t pid = sys_clone(&k, p, KF_SIGCHLD, 0);
	REQUIRE(pid > 0);
	struct proc *c = proc_find(&k, (uint32_t)pid);
	REQUIRE(c);
	return c;
}

/* Private anonymous memory of npages at the fixed address va with Linux
 * prot (LX_PROT_*). */
static inline void kf_map(struct proc *p, uint64_t va, uint64_t npages, int prot)
{
	int64_t got = vm_mmap(&k, p, va, npages * PGSIZE, prot,
			      LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED, -1, 0);
	REQUIRE(got == (int64_t)va);
}

/* One user access of p at va, as the CPU and the trap handler do it:
 * translate; on a page fault let vm_fault serve it and try again.
 * Returns 0 with *pa, vm_fault's error (kf_why says why), -EIO for an
 * access fault, or -EAGAIN if the fault was served but the access still
 * faults (a fault handler that lies). */
static inline int kf_access(struct proc *p, uint64_t va, enum mmu_access acc, uint64_t *pa)
{
	proc_activate(&k, p);
	kf_why = NULL;
	for (int i = 0; i < 4; i++) {
		int cause = mmu_translate(&k.mmu, va, acc, pa);
		if (cause == 0)
			return 0;
		if (cause != (int)mmu_page_fault_cause(acc))
			return -EIO;
		int rc = vm_fault(&k, p, va, acc, &kf_why);
		if (rc < 0)
			return rc;
	}
	return -EAGAIN;
}

/* User stores / loads of n bytes at va by p, page by page.  0 or as
 * kf_access. */
static inline int kf_store(struct proc *p, uint64_t va, const void *buf, size_t n)
{
	const uint8_t *b = buf;
	while (n) {
		size_t chunk = PGSIZE - (va & PGMASK);
		if (chunk > n)
			chunk = n;
		uint64_t pa;
		int rc = kf_access(p, va, ACC_STORE, &pa);
		if (rc)
			return rc;
		memcpy(ram_ptr(&k.ram, pa), b, chunk);
		b += chunk, va += chunk, n -= chunk;
	}
	return 0;
}

static inline int kf_load(struct proc *p, uint64_t va, void *buf, size_t n)
{
	uint8_t *b = buf;
	while (n) {
		size_t chunk = PGSIZE - (va & PGMASK);
		if (chunk > n)
			chunk = n;
		uint64_t pa;
		int rc = kf_access(p, va, ACC_LOAD, &pa);
		if (rc)
			return rc;
		memcpy(b, ram_ptr(&k.ram, pa), chunk);
		b += chunk, va += chunk, n -= chunk;
	}
	return 0;
}

/* The byte at offset i of the test pattern of page va with seed s: differs
 * from byte to byte, page to page and seed to seed, and is never 0. */
static inline uint8_t kf_pat(uint64_t va, unsigned s, unsigned i)
{
	return (uint8_t)(1 + (((va >> PGSHIFT) * 31 + s * 101 + i * 7 + (i >> 8) * 13) % 255));
}

/* Fills page va of p with pattern s through user stores.  0 or as kf_store. */
static inline int kf_fill(struct proc *p, uint64_t va, unsigned s)
{
	uint8_t buf[PGSIZE];
	for (unsigned i = 0; i < PGSIZE; i++)
		buf[i] = kf_pat(va, s, i);
	return kf_store(p, va, buf, PGSIZE);
}

/* How page va of p compares with pattern s, through user loads: -1 if it
 * holds the pattern in every byte, else the first byte that differs;
 * -2 if the load failed. */
static inline int kf_differs(struct proc *p, uint64_t va, unsigned s)
{
	uint8_t buf[PGSIZE];
	if (kf_load(p, va, buf, PGSIZE))
		return -2;
	for (unsigned i = 0; i < PGSIZE; i++)
		if (buf[i] != kf_pat(va, s, i))
			return (int)i;
	return -1;
}

/* The first non-zero byte of page va of p (through user loads), -1 if all
 * zeros, -2 if the load failed. */
static inline int kf_nonzero(struct proc *p, uint64_t va)
{
	uint8_t buf[PGSIZE];
	if (kf_load(p, va, buf, PGSIZE))
		return -2;
	for (unsigned i = 0; i < PGSIZE; i++)
		if (buf[i])
			return (int)i;
	return -1;
}

/* True if frame pa holds only zeros (looked at directly in RAM). */
static inline bool kf_frame_zero(uint64_t pa)
{
	const uint8_t *b = ram_ptr(&k.ram, pa);
	for (unsigned i = 0; i < PGSIZE; i++)
		if (b[i])
			return false;
	return true;
}

/* What p's page table records for va; pg->present etc. all false if
 * nothing. */
static inline struct pmap_page kf_page(struct proc *p, uint64_t va)
{
	struct pmap_page pg;
	if (!pmap_extract(&p->mm->pmap, va, &pg))
		memset(&pg, 0, sizeof pg);
	return pg;
}

static inline unsigned kf_refs(uint64_t pa)
{
	return pa_frame(&k.pa, pa)->refcount;
}

/* The MMU's answer to a user access of p at va, without serving a fault:
 * 0 if allowed, else the cause. */
static inline int kf_mmu(struct proc *p, uint64_t va, enum mmu_access acc)
{
	uint64_t pa;
	proc_activate(&k, p);
	return mmu_translate(&k.mmu, va, acc, &pa);
}

#endif
