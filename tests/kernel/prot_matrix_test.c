/*
 * prot_matrix_test.c - every protection a region can have (PROT_NONE, R,
 * W, X, RW, RX, WX, RWX) against every state its page can be in, for each
 * kind of access (load, store, fetch), through the real fault path: the
 * MMU translates, a page fault goes to vm_fault, the access is retried.
 *
 * The rule (Linux/riscv64, where W without R cannot be encoded): a load is
 * allowed if the region has R or W, a store if it has W, a fetch if it has
 * X; anything else is SIGSEGV.  An allowed access must go through after at
 * most two faults (a read of a fresh page maps the zero page; a write then
 * copies it) - never fault forever, which on the machine is a livelock: no
 * instruction retires, so the time slice never ends.  Each allowed access
 * also checks the bytes it finds (zeros, the pattern written before, the
 * file's bytes) and that a store after fork or swap-in stays private.
 *
 * Page states:
 *   fresh       nothing mapped yet (demand zero)
 *   zero page   the shared zero page mapped by a first load (or fetch)
 *   fork        written, mprotect'ed to the protection, then forked: child
 *               and parent share the frame copy-on-write
 *   fork-zero   the zero page mapped, then forked
 *   swap        written, mprotect'ed, then swapped out
 *   fork-swap   written, mprotect'ed, forked, then swapped out (one slot,
 *               two page tables)
 *   elf         a page of an ELF segment with those flags: a whole file
 *               page, the partial last file page (bss tail), a bss page;
 *               fresh, after fork, after eviction
 * After each case the invariant checker runs and every frame must be free
 * once the processes are gone.
 */
#include "test.h"
#include "pagecache.h"
#include "exec.h"
#include "kernel.h"
#include "proc.h"
#include "swap.h"
#include "vm.h"
#include "fork.h"
#include "elf.h"

#include <stdlib.h>
#include <unistd.h>

#define BASE 0x20000000ULL            /* the test region, far from the program */
#define PAT  0x5a                     /* what the pages hold before the access */

static struct kernel k;
static const char *const prot_name[8] = { "---", "r--", "-w-", "rw-", "--x", "r-x", "-wx", "rwx" };
static const char *const acc_name[3] = { "fetch", "load", "store" };

static void boot(void)
{
	struct kernel_config cfg;
	kernel_config_default(&cfg);
	cfg.ram_size = 16ull << 20;
	cfg.swap_size = 4ull << 20;
	cfg.policy = "fifo";
	cfg.out = fopen("/dev/null", "w");
	cfg.err = cfg.out;
	REQUIRE(kernel_boot(&k, &cfg) == 0);
}

/* Ends every process, checks the invariants and that no user or file frame
 * is left, shuts down. */
static void halt(void)
{
	const char *e = kernel_check(&k);
	if (e)
		test_fail(__FILE__, __LINE__, "kernel_check: %s", e);
	while (k.procs) {
		struct proc *q = k.procs;
		proc_exit(&k, q, 0, 9);
		proc_reap(&k, q);
	}
	CHECK_EQ(k.pa.by_owner[FO_USER], 0);
	kernel_shutdown(&k);
}

static const char *prog_path(const char *name)
{
	static char path[512];
	const char *b = getenv("VMOS_BUILD");
	snprintf(path, sizeof path, "%s/%s", b ? b : "build", name);
	return path;
}

static struct proc *spawn(const char *path)
{
	char *argv[] = { "prot", NULL }, *envp[] = { NULL };
	int err;
	struct proc *p = proc_spawn(&k, path, argv, envp, &err);
	if (!p)
		test_fail(__FILE__, __LINE__, "cannot spawn %s: %d", path, err);
	REQUIRE(p);
	return p;
}

static bool allowed(unsigned prot, enum mmu_access a)
{
	switch (a) {
	case ACC_LOAD: return prot & (VM_PROT_READ | VM_PROT_WRITE);
	case ACC_STORE: return prot & VM_PROT_WRITE;
	default: return prot & VM_PROT_EXEC;
	}
}

enum { GOT_OK, GOT_SEGV, GOT_LOOP };

/* A user access of p at va as the CPU and trap handler make it: translate;
 * on a page fault let vm_fault serve it and try again.  GOT_OK with the
 * host address of the byte in *host, GOT_SEGV if vm_fault refused, or
 * GOT_LOOP if three faults were served and the access still faults (on
 * the machine: a livelock). */
static int touch(struct proc *p, uint64_t va, enum mmu_access a, uint8_t **host)
{
	proc_activate(&k, p);
	for (int i = 0; i < 3; i++) {
		uint64_t pa;
		int cause = mmu_translate(&k.mmu, va, a, &pa);
		if (cause == 0) {
			*host = ram_ptr(&k.ram, pa);
			return GOT_OK;
		}
		if ((uint64_t)cause != mmu_page_fault_cause(a)) {
			test_fail(__FILE__, __LINE__, "va 0x%llx: cause %d", (unsigned long long)va, cause);
			return GOT_SEGV;
		}
		if (vm_fault(&k, p, va, a, NULL) < 0)
			return GOT_SEGV;
	}
	return GOT_LOOP;
}

/* The bytes a page of p holds (through its frame, whatever its rights), or
 * -1 if it is not present. */
static int peek(struct proc *p, uint64_t va)
{
	struct pmap_page pg;
	if (!pmap_extract(&p->mm->pmap, va, &pg) || !pg.present)
		return -1;
	return *(uint8_t *)ram_ptr(&k.ram, pg.pa + (va & PGMASK));
}

/* Makes one access, checks it against the rule, and that an allowed load
 * or fetch finds `want` and a store lands.  Returns true if it went through. */
static bool access_ok(const char *state, struct proc *p, uint64_t va, unsigned prot,
		      enum mmu_access a, int want)
{
	uint8_t *host = NULL;
	int got = touch(p, va, a, &host);
	int expect = allowed(prot, a) ? GOT_OK : GOT_SEGV;
	if (got != expect) {
		test_fail(__FILE__, __LINE__, "%s, prot %s, %s at 0x%llx: %s, want %s", state,
			  prot_name[prot], acc_name[a], (unsigned long long)va,
			  got == GOT_OK ? "allowed" : got == GOT_SEGV ? "SIGSEGV" : "faults forever",
			  expect == GOT_OK ? "allowed" : "SIGSEGV");
		return false;
	}
	if (got != GOT_OK)
		return false;
	if (a == ACC_STORE) {
		*host = 0xab;
		if (peek(p, va) != 0xab)
			test_fail(__FILE__, __LINE__, "%s, prot %s: the store did not land", state,
				  prot_name[prot]);
	} else if (*host != want) {
		test_fail(__FILE__, __LINE__, "%s, prot %s, %s at 0x%llx: found 0x%x, want 0x%x",
			  state, prot_name[prot], acc_name[a], (unsigned long long)va, *host, want);
	}
	return true;
}

/* A process with the test region [BASE, BASE + 3 pages) of protection prot:
 * page i is the one accessed with access kind i. */
static struct proc *region_proc(unsigned prot)
{
	struct proc *p = spawn(prog_path("user/bin/hello"));
	REQUIRE(vm_map_insert(&p->mm->map, BASE, BASE + 3 * PGSIZE, prot, VMK_ANON, NULL, 0, 0,
			      NULL) == 0);
	return p;
}

/* Pages of p's region written with PAT (made RW for it), then given prot. */
static void fill(struct proc *p, unsigned prot)
{
	REQUIRE(vm_mprotect(&k, p, BASE, 3 * PGSIZE, LX_PROT_READ | LX_PROT_WRITE) == 0);
	for (int i = 0; i < 3; i++) {
		uint8_t *host;
		REQUIRE(touch(p, BASE + i * PGSIZE, ACC_STORE, &host) == GOT_OK);
		*host = PAT;
	}
	REQUIRE(vm_mprotect(&k, p, BASE, 3 * PGSIZE, (int)prot) == 0);
}

/* Maps the zero page under each page of p's region by a first load (or a
 * fetch, for a region that is executable but not readable). */
static void prime_zero(struct proc *p, unsigned prot)
{
	enum mmu_access a = allowed(prot, ACC_LOAD) ? ACC_LOAD : ACC_FETCH;
	for (int i = 0; i < 3; i++)
		access_ok("zero page (first access)", p, BASE + i * PGSIZE, prot, a, 0);
}

/* Evicts every resident page of the machine: written pages go to swap,
 * clean ones (file pages, untouched zero-fill) are dropped. */
static void evict_all(void)
{
	for (int n = 0; n < 4096 && k.repl.resident; n++)
		if (vm_reclaim_one(&k, &k.repl) < 0)
			break;
	CHECK_EQ(k.repl.resident, 0);
}

static struct proc *fork_of(struct proc *p)
{
	int64_t pid = sys_clone(&k, p, 17 /* SIGCHLD */, 0);
	REQUIRE(pid > 0);
	return proc_find(&k, (uint32_t)pid);
}

/* Accesses page i of the region of `who` with access kind i.  If other is
 * not NULL (who's parent or child), its pages must not change: copy-on-write
 * keeps them apart. */
static void access_all(const char *state, struct proc *who, struct proc *other, unsigned prot,
		       int want)
{
	for (int i = 0; i < 3; i++) {
		enum mmu_access a = (enum mmu_access)i;
		uint64_t va = BASE + i * PGSIZE;
		int before = other ? peek(other, va) : -1;
		access_ok(state, who, va, prot, a, want);
		if (other && peek(other, va) != before)
			test_fail(__FILE__, __LINE__, "%s, prot %s: a %s by one process changed the other's page",
				  state, prot_name[prot], acc_name[a]);
	}
	const char *e = kernel_check(&k);
	if (e)
		test_fail(__FILE__, __LINE__, "%s, prot %s: kernel_check: %s", state, prot_name[prot], e);
}

static void anon_case(const char *state)
{
	for (unsigned prot = 0; prot < 8; prot++) {
		boot();
		struct proc *p = region_proc(prot), *c = NULL;
		int want = 0;
		if (!strcmp(state, "zero page")) {
			prime_zero(p, prot);
		} else if (!strcmp(state, "fork")) {
			fill(p, prot), want = PAT;
			c = fork_of(p);
		} else if (!strcmp(state, "fork-zero")) {
			prime_zero(p, prot);
			c = fork_of(p);
		} else if (!strcmp(state, "swap")) {
			fill(p, prot), want = PAT;
			evict_all();
		} else if (!strcmp(state, "fork-swap")) {
			fill(p, prot), want = PAT;
			c = fork_of(p);
			evict_all();
		}
		if (c) {
			/* the child first, then the parent, its pages as they were */
			access_all(state, c, p, prot, want);
			access_all(state, p, NULL, prot, want);
		} else {
			access_all(state, p, NULL, prot, want);
		}
		halt();
	}
}

TEST(prot_fresh_page) { anon_case("fresh"); }
TEST(prot_zero_page_then_access) { anon_case("zero page"); }
TEST(prot_after_fork) { anon_case("fork"); }
TEST(prot_zero_page_after_fork) { anon_case("fork-zero"); }
TEST(prot_after_swap_out) { anon_case("swap"); }
TEST(prot_after_fork_and_swap_out) { anon_case("fork-swap"); }

/* ---- ELF segments ----------------------------------------------------------
 * A program with one PT_LOAD per flag combination: segment i (flags from
 * prot i) at SEG_VA(i), 0x1800 bytes from the file (byte value SEG_BYTE(i))
 * and 0x3000 in memory: page 0 a whole file page, page 1 the file's last
 * 0x800 bytes and bss, page 2 bss only.  The entry is in the R-X segment. */
#define NSEG 8
#define SEG_VA(i) (0x100000ULL + (uint64_t)(i) * 0x10000)
#define SEG_OFF(i) (0x1000ULL + (uint64_t)(i) * 0x2000)
#define SEG_BYTE(i) (0x11 * ((i) + 1))
#define ELF_LEN (0x1000 + NSEG * 0x2000)

static void wr(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static const char *write_elf(void)
{
	static char path[64];
	static uint8_t b[ELF_LEN];
	memset(b, 0, sizeof b);
	b[0] = 0x7f, b[1] = 'E', b[2] = 'L', b[3] = 'F';
	b[EI_CLASS] = ELFCLASS64, b[EI_DATA] = ELFDATA2LSB, b[EI_VERSION] = EV_CURRENT;
	wr(b + EH_TYPE, ET_EXEC, 2);
	wr(b + EH_MACHINE, EM_RISCV, 2);
	wr(b + EH_VERSION, EV_CURRENT, 4);
	wr(b + EH_ENTRY, SEG_VA(VM_PROT_READ | VM_PROT_EXEC), 8);
	wr(b + EH_PHOFF, ELF_EHDR_SIZE, 8);
	wr(b + EH_FLAGS, EF_RISCV_RVC, 4);
	wr(b + EH_EHSIZE, ELF_EHDR_SIZE, 2);
	wr(b + EH_PHENTSIZE, ELF_PHDR_SIZE, 2);
	wr(b + EH_PHNUM, NSEG, 2);
	for (int i = 0; i < NSEG; i++) {
		uint8_t *ph = b + ELF_EHDR_SIZE + i * ELF_PHDR_SIZE;
		uint32_t pf = (i & VM_PROT_READ ? PF_R : 0) | (i & VM_PROT_WRITE ? PF_W : 0) |
			      (i & VM_PROT_EXEC ? PF_X : 0);
		wr(ph + PH_TYPE, PT_LOAD, 4);
		wr(ph + PH_FLAGS, pf, 4);
		wr(ph + PH_OFFSET, SEG_OFF(i), 8);
		wr(ph + PH_VADDR, SEG_VA(i), 8);
		wr(ph + 24, SEG_VA(i), 8);
		wr(ph + PH_FILESZ, 0x1800, 8);
		wr(ph + PH_MEMSZ, 0x3000, 8);
		wr(ph + PH_ALIGN, 0x1000, 8);
		memset(b + SEG_OFF(i), SEG_BYTE(i), 0x1800);
	}
	snprintf(path, sizeof path, "/tmp/vmos-prot-%d.elf", (int)getpid());
	FILE *f = fopen(path, "wb");
	REQUIRE(f && fwrite(b, 1, sizeof b, f) == sizeof b);
	fclose(f);
	return path;
}

/* Page j of segment i, offset off (inside the file part of page 1). */
static uint64_t seg_page(int i, int j) { return SEG_VA(i) + (uint64_t)j * PGSIZE + 0x100; }
static int seg_want(int i, int j) { return j == 0 || j == 1 ? SEG_BYTE(i) : 0; }

static void elf_case(const char *state)
{
	const char *path = write_elf();
	for (int a = 0; a < 3; a++) {
		boot();
		struct proc *p = spawn(path), *who = p;
		if (strcmp(state, "fresh")) {
			/* make every page present first (the accesses that can) */
			for (unsigned i = 0; i < NSEG; i++)
				for (int j = 0; j < 3; j++) {
					enum mmu_access first = allowed(i, ACC_LOAD) ? ACC_LOAD : ACC_FETCH;
					if (allowed(i, first))
						access_ok("elf (first access)", p, seg_page((int)i, j), i,
							  first, seg_want((int)i, j));
				}
			if (strstr(state, "fork"))
				who = fork_of(p);
			if (strstr(state, "swap"))
				evict_all();
		}
		for (unsigned i = 0; i < NSEG; i++)
			for (int j = 0; j < 3; j++) {
				char st[64];
				snprintf(st, sizeof st, "elf %s, segment page %d", state, j);
				int before = who != p ? peek(p, seg_page((int)i, j)) : -1;
				access_ok(st, who, seg_page((int)i, j), i, (enum mmu_access)a,
					  seg_want((int)i, j));
				if (who != p && peek(p, seg_page((int)i, j)) != before)
					test_fail(__FILE__, __LINE__, "%s: the child's %s changed the parent's page",
						  st, acc_name[a]);
				/* and the file itself is never written */
				if (a == ACC_STORE && j == 0) {
					struct exec_image *im = p->image;
					uint64_t idx = SEG_OFF(i) >> PGSHIFT;
					uint64_t cpa = pagecache_lookup(&k, im->obj, idx);
					if (cpa && *(uint8_t *)ram_ptr(&k.ram, cpa + 0x100) != SEG_BYTE(i))
						test_fail(__FILE__, __LINE__, "%s: a store reached the page cache", st);
				}
			}
		halt();
	}
	unlink(path);
}

TEST(prot_elf_segments_fresh) { elf_case("fresh"); }
TEST(prot_elf_segments_after_fork) { elf_case("fork"); }
TEST(prot_elf_segments_after_swap_out) { elf_case("swap"); }
TEST(prot_elf_segments_after_fork_and_swap_out) { elf_case("fork-swap"); }
