/*
 * tlb_bench.c - what translation costs on the simulated machine.
 *
 *   1. ns per TLB-hit load through the inline fast path (mmu_fast_lookup,
 *      hits summed in a register as the CPU does),
 *      against a plain host load of the same data (the peer);
 *   2. ns per TLB hit through the out-of-line path (model lookup);
 *   3. ns per miss + Sv39 walk (A already set, so no PTE write);
 *   4. instruction rate of the interpreter on hand-assembled RV64 integer
 *      loops under Sv39, against the same loop compiled for the host.
 *
 * Each figure is the median of several runs.  Figures only: never fails.
 */
#include "cpu.h"
#include "cpu_encode.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define RUNS 5

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return v[n / 2];
}

static volatile uint64_t sink;

/* ---- machine setup ------------------------------------------------------ */

static struct ram ram;
static struct mmu mmu;
static uint64_t next_frame = RAM_BASE;

static uint64_t frame(void)
{
	uint64_t pa = next_frame;
	next_frame += PGSIZE;
	return pa;
}

static void map(uint64_t root, uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t table = root;
	for (int i = 2; i > 0; i--) {
		uint64_t *p = ram_ptr(&ram, table + VA_VPN(va, i) * 8);
		if (!(*p & PTE_V))
			*p = PA_TO_PTE(frame()) | PTE_V;
		table = PTE_PA(*p);
	}
	*(uint64_t *)ram_ptr(&ram, table + VA_VPN(va, 0) * 8) =
		PA_TO_PTE(pa) | flags | PTE_V | PTE_U | PTE_A | PTE_D;
}

#define DATA_VA   0x100000ULL
#define DATA_PAGES 4096              /* 16 MiB of data, to force misses */
#define CODE_VA   0x10000ULL

/* ---- 1-3: translation costs -------------------------------------------- */

static void bench_translation(void)
{
	enum { HOT_PAGES = 16, N = 1 << 24 };
	uint64_t data_pa = 0;
	/* warm the fast cache with HOT_PAGES pages */
	for (int i = 0; i < HOT_PAGES; i++) {
		uint8_t *h;
		mmu_translate_host(&mmu, DATA_VA + i * PGSIZE, ACC_LOAD, &h);
		if (i == 0)
			data_pa = ram_pa(&ram, h);
	}
	double fast[RUNS], host[RUNS], model[RUNS], miss[RUNS];
	for (int r = 0; r < RUNS; r++) {
		/* fast path: addresses cycle through the hot pages */
		uint64_t sum = 0, hits = 0;
		double t0 = now_ns();
		for (uint64_t i = 0; i < N; i++) {
			uint64_t va = DATA_VA + ((i * 4104) & (HOT_PAGES * PGSIZE - 1) & ~7ULL);
			uint8_t *p = mmu_fast_lookup(&mmu, ACC_LOAD, va, 8);
			hits++;
			if (!p)
				abort();
			uint64_t v;
			memcpy(&v, p, 8);
			sum += v;
		}
		fast[r] = (now_ns() - t0) / N;
		mmu.stats.tlb_hits += hits;   /* as the CPU does */
		/* peer: the same loads straight from host memory */
		uint8_t *base = ram_ptr(&ram, data_pa);
		t0 = now_ns();
		for (uint64_t i = 0; i < N; i++) {
			uint64_t off = (i * 4104) & (HOT_PAGES * PGSIZE - 1) & ~7ULL;
			uint64_t v;
			memcpy(&v, base + off, 8);
			sum += v;
			__asm__ volatile("" : "+r"(sum));
		}
		host[r] = (now_ns() - t0) / N;
		/* out-of-line hit: model lookup */
		uint64_t pa;
		t0 = now_ns();
		for (uint64_t i = 0; i < N / 8; i++)
			sum += (uint64_t)mmu_translate(&mmu, DATA_VA + (i & (HOT_PAGES - 1)) * PGSIZE,
						       ACC_LOAD, &pa) + pa;
		model[r] = (now_ns() - t0) / (N / 8);
		/* misses: round-robin over more pages than the TLB holds */
		uint64_t m0 = mmu.stats.tlb_misses;
		t0 = now_ns();
		for (uint64_t i = 0; i < N / 16; i++)
			sum += (uint64_t)mmu_translate(&mmu, DATA_VA + (i % DATA_PAGES) * PGSIZE,
						       ACC_LOAD, &pa) + pa;
		miss[r] = (now_ns() - t0) / (double)(mmu.stats.tlb_misses - m0);
		sink = sum;
		/* re-warm the hot pages the miss loop evicted */
		for (int i = 0; i < HOT_PAGES; i++) {
			uint8_t *h;
			mmu_translate_host(&mmu, DATA_VA + i * PGSIZE, ACC_LOAD, &h);
		}
	}
	double f = median(fast, RUNS), h = median(host, RUNS);
	printf("tlb hit, inline fast path:   %6.2f ns/load   (host load %.2f ns: x%.1f)\n", f, h, f / h);
	printf("tlb hit, model lookup:       %6.2f ns/translation\n", median(model, RUNS));
	printf("tlb miss + Sv39 walk:        %6.2f ns/miss\n", median(miss, RUNS));
}

/* ---- 4: instruction rate ------------------------------------------------ */

enum { A0 = 10, A1, A2, A3, A4, A5, A6, T0 = 5, T1, T2 };

/* Mixed integer loop over a 64 KiB buffer: load, ALU, store, branch. */
static int loop_mixed(uint32_t *p)
{
	int n = 0;
	p[n++] = enc_i(OPC_LOAD, T0, 3, A0, 0);              /* ld   t0, 0(a0) */
	p[n++] = enc_r(OPC_OP, A1, 0, A1, T0, 0);            /* add  a1, a1, t0 */
	p[n++] = enc_i(OPC_OP_IMM, T1, 1, A1, 3);            /* slli t1, a1, 3 */
	p[n++] = enc_r(OPC_OP, A2, 4, A2, T1, 0);            /* xor  a2, a2, t1 */
	p[n++] = enc_s(OPC_STORE, 3, A0, A2, 8);             /* sd   a2, 8(a0) */
	p[n++] = enc_i(OPC_OP_IMM, A4, 0, A4, 16);           /* addi a4, a4, 16 */
	p[n++] = enc_r(OPC_OP, A4, 7, A4, A3, 0);            /* and  a4, a4, a3 */
	p[n++] = enc_r(OPC_OP, A0, 0, A5, A4, 0);            /* add  a0, a5, a4 */
	p[n++] = enc_i(OPC_OP_IMM, A6, 0, A6, -1);           /* addi a6, a6, -1 */
	p[n++] = enc_b(1, A6, 0, -4 * 9);                    /* bnez a6, loop */
	p[n++] = RV_ECALL;
	return n;
}

/* Pure ALU loop: a multiply-xor hash. */
static int loop_alu(uint32_t *p)
{
	int n = 0;
	p[n++] = enc_r(OPC_OP, A1, 0, A1, A2, 1);            /* mul  a1, a1, a2 */
	p[n++] = enc_i(OPC_OP_IMM, T0, 5, A1, 29);           /* srli t0, a1, 29 */
	p[n++] = enc_r(OPC_OP, A1, 4, A1, T0, 0);            /* xor  a1, a1, t0 */
	p[n++] = enc_i(OPC_OP_IMM_32, T1, 0, A1, 7);         /* addiw t1, a1, 7 */
	p[n++] = enc_r(OPC_OP, A2, 0, A2, T1, 0);            /* add  a2, a2, t1 */
	p[n++] = enc_i(OPC_OP_IMM, A6, 0, A6, -1);           /* addi a6, a6, -1 */
	p[n++] = enc_b(1, A6, 0, -4 * 6);                    /* bnez a6, loop */
	p[n++] = RV_ECALL;
	return n;
}

static uint64_t host_mixed(uint64_t *buf, uint64_t iters)
{
	uint64_t a1 = 0, a2 = 0, a4 = 0;
	for (uint64_t i = 0; i < iters; i++) {
		uint64_t *a0 = (uint64_t *)((uint8_t *)buf + a4);
		a1 += a0[0];
		a2 ^= a1 << 3;
		a0[1] = a2;
		a4 = (a4 + 16) & 0xffff;
		__asm__ volatile("" : "+r"(a1), "+r"(a2), "+r"(a4));
	}
	return a1 ^ a2;
}

static void bench_mips(struct cpu *c, uint64_t code_pa, const char *name,
		       int (*gen)(uint32_t *), int body, uint64_t iters)
{
	uint32_t prog[32];
	int n = gen(prog);
	memcpy(ram_ptr(&ram, code_pa), prog, (size_t)n * 4);
	double mips[RUNS];
	for (int r = 0; r < RUNS; r++) {
		memset(c->x, 0, sizeof c->x);
		c->x[A2] = 0x9e3779b97f4a7c15ULL;
		c->x[A3] = 0xffff;
		c->x[A5] = DATA_VA;
		c->x[A0] = DATA_VA;
		c->x[A6] = iters;
		c->pc = CODE_VA;
		uint64_t i0 = c->instret;
		double t0 = now_ns();
		struct trap t;
		do
			t = cpu_run(c, 10000000);   /* 10M-instruction time slices */
		while (t.cause == CAUSE_S_TIMER_INTERRUPT);
		double dt = now_ns() - t0;
		if (t.cause != CAUSE_USER_ECALL) {
			printf("%s: unexpected trap %#llx at %#llx\n", name,
			       (unsigned long long)t.cause, (unsigned long long)t.pc);
			return;
		}
		mips[r] = (double)(c->instret - i0) / dt * 1e3;
	}
	double m = median(mips, RUNS);
	printf("interpreter, %-6s loop:    %6.0f MIPS (%d instructions per iteration)", name, m, body);
	if (gen == loop_mixed) {
		uint64_t *buf = aligned_alloc(4096, 65536 + 64);
		memset(buf, 0, 65536 + 64);
		double hv[RUNS];
		for (int r = 0; r < RUNS; r++) {
			double t0 = now_ns();
			sink = host_mixed(buf, iters);
			hv[r] = (now_ns() - t0) / iters;
		}
		double ns_iter = 1e3 * body / m;
		printf("  host C: %.2f ns/iter, x%.0f slower", median(hv, RUNS), ns_iter / median(hv, RUNS));
		free(buf);
	}
	printf("\n");
}

int main(void)
{
	if (ram_init(&ram, 64ULL << 20) || mmu_init(&mmu, &ram, TLB_DEFAULT_ENTRIES, TLB_DEFAULT_WAYS)) {
		fprintf(stderr, "tlb_bench: cannot set up the machine\n");
		return 1;
	}
	uint64_t root = frame();
	uint64_t code_pa = frame();
	map(root, CODE_VA, code_pa, PTE_R | PTE_X);
	for (uint64_t i = 0; i < DATA_PAGES; i++)
		map(root, DATA_VA + i * PGSIZE, frame(), PTE_R | PTE_W);
	mmu_set_satp(&mmu, MAKE_SATP(SATP_MODE_SV39, 1, root));
	printf("machine: Sv39, TLB %u entries %u-way, fast cache %u entries per access type\n",
	       TLB_DEFAULT_ENTRIES, TLB_DEFAULT_WAYS, MMU_FAST_ENTRIES);
	bench_translation();

	struct cpu c;
	cpu_init(&c, &mmu);
	bench_mips(&c, code_pa, "mixed", loop_mixed, 10, 10000000);
	bench_mips(&c, code_pa, "alu", loop_alu, 7, 10000000);
	mmu_destroy(&mmu);
	ram_destroy(&ram);
	return 0;
}
