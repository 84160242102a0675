/*
 * cpu_fast_test.c - the fast engine (cpu_fast.c) against the interpreter,
 * the reference: random RV64GC programs (ALU, M, loads and stores aligned,
 * misaligned, page-straddling and faulting, branches and jumps, compressed
 * words, AMOs, F/D, counter reads, ecall/ebreak, stores into the running
 * code) run under Sv39 with a small TLB, in time slices of random length,
 * with TLB flushes, code-cache flushes and kernel-style rewrites of code
 * between slices; every slice's trap, instret and MMU counters, and at the
 * end every register and every byte of code and data must be the same.
 * Then the cases one by one: a store rewriting the next instruction of the
 * running block, code rewritten between runs (ELF load, COW copy), a code
 * page remapped to another frame, a slice ending inside a block, a 32-bit
 * instruction across pages.
 */
#include "hw_fixture.h"

/* The engine compared with the interpreter: the fast engine here;
 * cpu_jit_test.c includes this file with the JIT. */
#ifndef UNDER_TEST
#define UNDER_TEST CPU_ENGINE_FAST
#define ENGINE_FLUSH() cpu_fast_flush()
#define ENGINE_FLUSHES() cpu_fast_flushes()
#endif

#include <stdlib.h>

#define CODE_VA  0x10000ULL
#define CODE_PAGES 3
#define DATA_VA  0x40000ULL         /* two pages; 0x42000 is not mapped */
#define CODE_PA  (RAM_BASE + 0x100000)
#define DATA_PA  (RAM_BASE + 0x200000)
#define ALT_PA   (RAM_BASE + 0x300000)

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static unsigned rnd(uint64_t *s, unsigned n)
{
	return (unsigned)(rng_next(s) % n);
}

/* Sv39 machine: code pages RWX at CODE_VA, data RW at DATA_VA. */
static void setup_vm(struct hw *h)
{
	hw_setup(h, 8, 2);
	uint64_t root = hw_frame(h);
	for (int i = 0; i < CODE_PAGES; i++)
		hw_map(h, root, 3, CODE_VA + (uint64_t)i * PGSIZE, CODE_PA + (uint64_t)i * PGSIZE, URWX, 0);
	for (int i = 0; i < 2; i++)
		hw_map(h, root, 3, DATA_VA + (uint64_t)i * PGSIZE, DATA_PA + (uint64_t)i * PGSIZE, URW, 0);
	mmu_set_satp(&h->mmu, SATP_MODE_SV39 << 60 | (root >> 12) | (uint64_t)1 << 44);
}

/* One random instruction for byte offset pos of the code: *len = 2 or 4. */
static uint32_t rnd_insn(uint64_t *s, unsigned pos, unsigned code_len, unsigned *len)
{
	unsigned r = rnd(s, 100), rd = 1 + rnd(s, 15), a = 1 + rnd(s, 15), b = 1 + rnd(s, 15);
	static const uint32_t f7s[] = { 0, 0x20, 1 };
	*len = 4;
	if (r < 25)
		return enc_r(rnd(s, 2) ? OPC_OP : OPC_OP_32, rd, rnd(s, 8), a, b, f7s[rnd(s, 3)]);
	if (r < 42)
		return enc_i(rnd(s, 3) ? OPC_OP_IMM : OPC_OP_IMM_32, rd, rnd(s, 8), a,
			     (int32_t)rnd(s, 4096) - 2048);
	if (r < 52) {                                  /* loads */
		unsigned base = rnd(s, 8) ? 20 : 21 + rnd(s, 2);
		return LOAD(rnd(s, 7), rd, base, (int32_t)rnd(s, 300) - 8);
	}
	if (r < 62) {                                  /* stores, some into the code */
		unsigned base = rnd(s, 10) ? 20 + rnd(s, 2) : 22;
		int32_t imm = base == 22 ? (int32_t)rnd(s, 2000) : (int32_t)rnd(s, 300) - 8;
		return STORE(rnd(s, 4), b, base, imm);
	}
	if (r < 70) {                                  /* branches inside the code */
		static const unsigned f3[] = { 0, 1, 4, 5, 6, 7 };
		int32_t off = 2 * ((int32_t)rnd(s, 60) - 30);
		if ((int64_t)pos + off < 0 || pos + (unsigned)off >= code_len || off == 0)
			off = 8;
		return enc_b(f3[rnd(s, 6)], a, b, off);
	}
	if (r < 73) {
		int32_t off = 2 * ((int32_t)rnd(s, 200) - 60);
		if ((int64_t)pos + off < 0 || pos + (unsigned)off >= code_len || off == 0)
			off = 16;
		return enc_j(rnd(s, 4), off);
	}
	if (r < 75)                                    /* jalr into the code */
		return enc_i(OPC_JALR, rnd(s, 4), 0, 22, (int32_t)(rnd(s, 1000) * 2));
	if (r < 84 && rnd(s, 3) == 0) {                /* a compressed word */
		*len = 2;
		return (uint16_t)(rng_next(s) & ~3u) | rnd(s, 3);
	}
	if (r < 87)
		return enc_u(rnd(s, 2) ? OPC_LUI : OPC_AUIPC, rd, (uint32_t)rng_next(s));
	if (r < 90) {                                  /* AMOs on aligned data */
		static const unsigned f5[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x08, 0x10, 0x1c };
		unsigned f5v = f5[rnd(s, 8)];
		return AMO(f5v, 2 + rnd(s, 2), rd, 23, f5v == 0x02 ? 0 : b);
	}
	if (r < 94) {                                  /* F/D */
		static const uint32_t f7fp[] = { 0x01, 0x05, 0x09, 0x0d, 0x00, 0x04, 0x08 };
		switch (rnd(s, 4)) {
		case 0: return enc_i(OPC_LOAD_FP, rd, 3, 20, 8 * (int32_t)rnd(s, 32));
		case 1: return enc_s(OPC_STORE_FP, 3, 20, b, 8 * (int32_t)rnd(s, 32));
		case 2: return enc_r(OPC_OP_FP, rd, 0x0, a, 0, 0x79);   /* fmv.d.x */
		default: return enc_r(OPC_OP_FP, rd, rnd(s, 2) ? 0 : 7, a, b, f7fp[rnd(s, 7)]);
		}
	}
	if (r < 98)                                    /* rdcycle / rdinstret */
		return enc_i(OPC_SYSTEM, rd, 2, 0, rnd(s, 2) ? 0xc00 : 0xc02);
	return rnd(s, 2) ? RV_ECALL : RV_EBREAK;
}

static void write_code(struct hw *h, uint64_t seed, uint64_t pa, unsigned code_len)
{
	uint64_t s = seed;
	unsigned pos = 0;
	while (pos + 4 <= code_len) {
		unsigned len;
		uint32_t w = rnd_insn(&s, pos, code_len, &len);
		if (len == 2)
			hw_put16(h, pa + pos, (uint16_t)w);
		else
			hw_put32(h, pa + pos, w);
		pos += len;
	}
}

struct rec {
	struct trap t;
	uint64_t instret, pc;
	struct mmu_stats st;
};

#define STEPS 3000

/* Runs the program of `seed` under engine e; fills rec[STEPS]. */
static void run_random(struct hw *h, enum cpu_engine e, uint64_t seed, struct rec *rec)
{
	cpu_engine = e;
	ENGINE_FLUSH();
	setup_vm(h);
	unsigned code_len = CODE_PAGES * PGSIZE;
	write_code(h, seed, CODE_PA, code_len);
	uint64_t s = seed * 7 + 1;
	for (int i = 1; i < 16; i++)
		h->cpu.x[i] = rng_next(&s) >> rnd(&s, 64);
	for (int i = 0; i < 32; i++)
		h->cpu.f[i] = rng_next(&s);
	h->cpu.x[20] = DATA_VA + 8;
	h->cpu.x[21] = DATA_VA + 2 * PGSIZE - 100;  /* straddles into the hole */
	h->cpu.x[22] = CODE_VA + 64;
	h->cpu.x[23] = DATA_VA + 512;
	h->cpu.pc = CODE_VA;
	for (int step = 0; step < STEPS; step++) {
		uint64_t budget = 1 + rnd(&s, rnd(&s, 4) ? 400 : 5);
		struct trap t = cpu_run(&h->cpu, budget);
		rec[step] = (struct rec){ t, h->cpu.instret, h->cpu.pc, h->mmu.stats };
		/* the registers the program uses as bases stay as set */
		h->cpu.x[20] = DATA_VA + 8;
		h->cpu.x[21] = DATA_VA + 2 * PGSIZE - 100;
		h->cpu.x[22] = CODE_VA + 64;
		h->cpu.x[23] = DATA_VA + 512;
		uint64_t pc = h->cpu.pc;
		if (t.cause != CAUSE_S_TIMER_INTERRUPT) {
			/* the "kernel": skip the instruction, or restart on a bad fetch */
			if (pc < CODE_VA || pc + 4 > CODE_VA + code_len || t.cause == CAUSE_FETCH_PAGE_FAULT) {
				h->cpu.pc = CODE_VA + 2 * rnd(&s, 100);
			} else {
				uint16_t half;
				memcpy(&half, ram_ptr(&h->ram, CODE_PA + (pc - CODE_VA)), 2);
				h->cpu.pc = pc + ((half & 3) == 3 ? 4 : 2);
			}
		}
		switch (rnd(&s, 40)) {
		case 0: mmu_sfence_vma(&h->mmu, false, 0, false, 0); break;
		case 1: ENGINE_FLUSH(); break;
		case 2:     /* the kernel rewrites some code (an ELF load, a COW copy) */
			write_code(h, seed + (uint64_t)step, CODE_PA + 64 * rnd(&s, 100), 64);
			break;
		default: break;
		}
	}
}

TEST(random_programs_match_the_interpreter)
{
	static struct rec ra[STEPS], rb[STEPS];
	int kinds[32] = { 0 };
	uint64_t total = 0;
	for (uint64_t seed = 1; seed <= 40; seed++) {
		struct hw a, b;
		run_random(&a, CPU_ENGINE_INTERP, seed * 0x9e3779b97f4a7c15ULL, ra);
		run_random(&b, UNDER_TEST, seed * 0x9e3779b97f4a7c15ULL, rb);
		for (int i = 0; i < STEPS; i++) {
			if (memcmp(&ra[i], &rb[i], sizeof ra[i]) != 0) {
				test_fail(__FILE__, __LINE__,
					  "seed %" PRIu64 " step %d: interp cause %" PRIu64 " tval %" PRIx64
					  " pc %" PRIx64 " instret %" PRIu64 " hits %" PRIu64 " misses %" PRIu64
					  " / fast cause %" PRIu64 " tval %" PRIx64 " pc %" PRIx64
					  " instret %" PRIu64 " hits %" PRIu64 " misses %" PRIu64,
					  seed, i, ra[i].t.cause, ra[i].t.tval, ra[i].t.pc, ra[i].instret,
					  ra[i].st.tlb_hits, ra[i].st.tlb_misses, rb[i].t.cause,
					  rb[i].t.tval, rb[i].t.pc, rb[i].instret, rb[i].st.tlb_hits,
					  rb[i].st.tlb_misses);
				break;
			}
		}
		CHECK(memcmp(a.cpu.x, b.cpu.x, sizeof a.cpu.x) == 0);
		CHECK(memcmp(a.cpu.f, b.cpu.f, sizeof a.cpu.f) == 0);
		CHECK_EQ(a.cpu.fcsr, b.cpu.fcsr);
		CHECK(memcmp(ram_ptr(&a.ram, CODE_PA), ram_ptr(&b.ram, CODE_PA), CODE_PAGES * PGSIZE) == 0);
		CHECK(memcmp(ram_ptr(&a.ram, DATA_PA), ram_ptr(&b.ram, DATA_PA), 2 * PGSIZE) == 0);
		/* the programs did run: many slices, traps of several kinds */
		for (int i = 0; i < STEPS; i++)
			kinds[ra[i].t.cause & 31]++;
		if (getenv("CPU_FAST_TEST_VERBOSE"))
			printf("seed %" PRIu64 ": instret %" PRIu64 " hits %" PRIu64 " misses %" PRIu64
			       " timer %d ecall %d illegal %d ld-pf %d st-pf %d ebreak %d\n", seed,
			       ra[STEPS - 1].instret, ra[STEPS - 1].st.tlb_hits, ra[STEPS - 1].st.tlb_misses,
			       kinds[CAUSE_S_TIMER_INTERRUPT & 31], kinds[CAUSE_USER_ECALL],
			       kinds[CAUSE_ILLEGAL_INSN], kinds[CAUSE_LOAD_PAGE_FAULT],
			       kinds[CAUSE_STORE_PAGE_FAULT], kinds[CAUSE_BREAKPOINT]);
		total += ra[STEPS - 1].instret;
		hw_teardown(&a);
		hw_teardown(&b);
	}
	/* the programs did run: many slices, traps of every kind */
	CHECK(total > 1000000);
	CHECK(kinds[CAUSE_S_TIMER_INTERRUPT & 31] > 10000);
	CHECK(kinds[CAUSE_ILLEGAL_INSN] > 1000);
	CHECK(kinds[CAUSE_USER_ECALL] > 100);
	CHECK(kinds[CAUSE_BREAKPOINT] > 100);
	CHECK(kinds[CAUSE_LOAD_PAGE_FAULT] > 1000);
	CHECK(kinds[CAUSE_STORE_PAGE_FAULT] > 1000);
	cpu_engine = UNDER_TEST;
}

/* Runs the words at CODE_VA under the fast engine until a trap. */
static struct trap run_code(struct hw *h, const uint32_t *p, int n, uint64_t budget)
{
	for (int i = 0; i < n; i++)
		hw_put32(h, CODE_PA + 4 * (uint64_t)i, p[i]);
	h->cpu.pc = CODE_VA;
	return cpu_run(&h->cpu, budget);
}

TEST(store_rewriting_the_next_instruction_takes_effect)
{
	struct hw h;
	cpu_engine = UNDER_TEST;
	setup_vm(&h);
	/* x5 = the bits of "addi x6, x0, 7"; sw x5 -> the instruction after
	 * the store, which was "addi x6, x0, 1", in the same block */
	uint32_t p[] = { LI(6, 0), STORE(2, 5, 22, 0), LI(6, 1), ECALL };
	h.cpu.x[22] = CODE_VA + 8;
	h.cpu.x[5] = LI(6, 7);
	/* translate the block first with the old bits */
	struct trap t = run_code(&h, p, 4, 1000);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	CHECK_EQ(h.cpu.x[6], 7);
	/* rewrite back through the kernel and run again: the old bits run */
	hw_put32(&h, CODE_PA + 8, LI(6, 1));
	h.cpu.x[5] = LI(6, 9);
	h.cpu.pc = CODE_VA;
	t = cpu_run(&h.cpu, 1000);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	CHECK_EQ(h.cpu.x[6], 9);
	CHECK_EQ(h.cpu.instret, 6);
	hw_teardown(&h);
}

TEST(code_rewritten_between_runs_is_retranslated)
{
	struct hw h;
	cpu_engine = UNDER_TEST;
	setup_vm(&h);
	uint32_t p[] = { LI(6, 1), ADDI(6, 6, 1), ECALL };
	struct trap t = run_code(&h, p, 3, 1000);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	CHECK_EQ(h.cpu.x[6], 2);
	/* same length, one immediate changed: an ELF loaded into the frame */
	uint32_t q[] = { LI(6, 1), ADDI(6, 6, 100), ECALL };
	t = run_code(&h, q, 3, 1000);
	CHECK_EQ(h.cpu.x[6], 101);
	/* a compressed instruction in place of the first: c.li x6, 5 + c.nop */
	hw_put16(&h, CODE_PA, 0x4315);
	hw_put16(&h, CODE_PA + 2, 0x0001);
	h.cpu.pc = CODE_VA;
	t = cpu_run(&h.cpu, 1000);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	CHECK_EQ(h.cpu.x[6], 105);
	hw_teardown(&h);
}

TEST(code_page_remapped_to_another_frame)
{
	struct hw h;
	cpu_engine = UNDER_TEST;
	setup_vm(&h);
	uint32_t p[] = { LI(6, 1), ECALL };
	struct trap t = run_code(&h, p, 2, 1000);
	CHECK_EQ(h.cpu.x[6], 1);
	/* the kernel maps CODE_VA to another frame (exec, COW break) */
	hw_put32(&h, ALT_PA, LI(6, 2));
	hw_put32(&h, ALT_PA + 4, ECALL);
	uint64_t root = (h.mmu.satp & ((1ULL << 44) - 1)) << 12;
	hw_map(&h, root, 3, CODE_VA, ALT_PA, URWX, 0);
	mmu_sfence_vma(&h.mmu, true, CODE_VA, false, 0);
	h.cpu.pc = CODE_VA;
	t = cpu_run(&h.cpu, 1000);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	CHECK_EQ(h.cpu.x[6], 2);
	/* and an unmapped code page faults, translated or not */
	*hw_pte(&h, hw_pte_pa(&h, root, 3, CODE_VA, 0)) = 0;
	mmu_sfence_vma(&h.mmu, true, CODE_VA, false, 0);
	h.cpu.pc = CODE_VA;
	t = cpu_run(&h.cpu, 1000);
	CHECK_EQ(t.cause, CAUSE_FETCH_PAGE_FAULT);
	CHECK_EQ(t.tval, CODE_VA);
	hw_teardown(&h);
}

TEST(slice_ends_inside_a_block_exactly)
{
	struct hw h;
	cpu_engine = UNDER_TEST;
	setup_vm(&h);
	uint32_t p[] = { LI(6, 1), ADDI(6, 6, 1), ADDI(6, 6, 1), ADDI(6, 6, 1), ECALL };
	for (int i = 0; i < 5; i++)
		hw_put32(&h, CODE_PA + 4 * (uint64_t)i, p[i]);
	h.cpu.pc = CODE_VA;
	struct trap t = cpu_run(&h.cpu, 2);
	CHECK_EQ(t.cause, CAUSE_S_TIMER_INTERRUPT);
	CHECK_EQ(h.cpu.pc, CODE_VA + 8);
	CHECK_EQ(h.cpu.instret, 2);
	CHECK_EQ(h.cpu.x[6], 2);
	t = cpu_run(&h.cpu, 1);
	CHECK_EQ(h.cpu.pc, CODE_VA + 12);
	CHECK_EQ(h.cpu.x[6], 3);
	t = cpu_run(&h.cpu, 100);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	CHECK_EQ(h.cpu.instret, 4);
	/* the same slices on the interpreter: the same counts */
	struct hw r;
	cpu_engine = CPU_ENGINE_INTERP;
	setup_vm(&r);
	for (int i = 0; i < 5; i++)
		hw_put32(&r, CODE_PA + 4 * (uint64_t)i, p[i]);
	r.cpu.pc = CODE_VA;
	cpu_run(&r.cpu, 2);
	cpu_run(&r.cpu, 1);
	cpu_run(&r.cpu, 100);
	cpu_engine = UNDER_TEST;
	CHECK_EQ(h.mmu.stats.tlb_misses, r.mmu.stats.tlb_misses);
	CHECK_EQ(h.mmu.stats.tlb_hits, r.mmu.stats.tlb_hits);
	CHECK_EQ(h.mmu.stats.tlb_misses, 1);
	CHECK_EQ(h.mmu.stats.tlb_hits, 4);
	hw_teardown(&r);
	hw_teardown(&h);
}

TEST(instruction_across_pages)
{
	struct hw h;
	cpu_engine = UNDER_TEST;
	setup_vm(&h);
	/* c.li x6, 5 at 4092, addi x6, x6, 3 at 4094..4097, ecall at 4098 */
	hw_put16(&h, CODE_PA + 4092, 0x4315);
	uint32_t w = ADDI(6, 6, 3);
	hw_put16(&h, CODE_PA + 4094, (uint16_t)w);
	hw_put16(&h, CODE_PA + 4096, (uint16_t)(w >> 16));
	hw_put32(&h, CODE_PA + 4098, ECALL);
	h.cpu.pc = CODE_VA + 4092;
	struct trap t = cpu_run(&h.cpu, 100);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	CHECK_EQ(t.pc, CODE_VA + 4098);
	CHECK_EQ(h.cpu.x[6], 8);
	CHECK_EQ(h.cpu.instret, 2);
	/* fetches: page 0 (miss), straddle: page 0 (hit) + page 1 (miss),
	 * the ecall: page 1 (hit) */
	CHECK_EQ(h.mmu.stats.tlb_misses, 2);
	CHECK_EQ(h.mmu.stats.tlb_hits, 2);
	hw_teardown(&h);
}

TEST(store_into_an_already_translated_block_in_the_same_run)
{
	struct hw h;
	cpu_engine = UNDER_TEST;
	setup_vm(&h);
	/* a loop whose second pass runs the instruction its first pass
	 * patched: the block at 0 was translated before the store */
	uint32_t p[] = {
		ADDI(7, 7, 1),                 /* 0 */
		LI(6, 1),                      /* 4: patched to li x6, 2 */
		STORE(2, 5, 22, 4),            /* 8: sw x5, 4(x22) */
		enc_b(1, 7, 8, -12),           /* 12: bne x7, x8, 0 */
		ECALL,                         /* 16 */
	};
	h.cpu.x[22] = CODE_VA;
	h.cpu.x[5] = LI(6, 2);
	h.cpu.x[8] = 2;
	struct trap t = run_code(&h, p, 5, 1000);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	CHECK_EQ(h.cpu.x[7], 2);
	CHECK_EQ(h.cpu.x[6], 2);
	hw_teardown(&h);
}

TEST(store_to_a_frame_before_it_holds_code)
{
	struct hw h;
	cpu_engine = UNDER_TEST;
	setup_vm(&h);
	/* page 1 holds a routine T: li x6, 1; ret.  Page 0 stores into page
	 * 1 (a fast store entry for it), calls T (page 1 becomes a code
	 * frame), patches T's first instruction, and calls T again - all in
	 * one run */
	uint64_t t_va = CODE_VA + PGSIZE, t_pa = CODE_PA + PGSIZE;
	hw_put32(&h, t_pa, LI(6, 1));
	hw_put32(&h, t_pa + 4, enc_i(OPC_JALR, 0, 0, 1, 0));
	uint32_t p[] = {
		STORE(2, 0, 24, 64),                     /* sw x0, 64(x24) */
		enc_i(OPC_JALR, 1, 0, 24, 0),            /* call T */
		ADDI(10, 6, 0),                          /* x10 = T's result */
		STORE(2, 5, 24, 0),                      /* patch T */
		enc_i(OPC_JALR, 1, 0, 24, 0),            /* call T */
		ECALL,
	};
	h.cpu.x[24] = t_va;
	h.cpu.x[5] = LI(6, 2);
	struct trap t = run_code(&h, p, 6, 1000);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	CHECK_EQ(h.cpu.x[10], 1);
	CHECK_EQ(h.cpu.x[6], 2);
	hw_teardown(&h);
}

/* Runs one instruction at every halfword of 8 pages of c.nop (a block from
 * each: more than the code cache holds), then a short program; returns
 * the program's result. */
static uint64_t fill_cache(struct hw *h, enum cpu_engine e, uint64_t *flushes)
{
	uint64_t before = 0;
	cpu_engine = e;
#ifdef ENGINE_SMALL_CACHE
	ENGINE_SMALL_CACHE();
#endif
	setup_vm(h);
	uint64_t root = (h->mmu.satp & ((1ULL << 44) - 1)) << 12;
	uint64_t va = 0x100000, pa = ALT_PA;
	for (int i = 0; i < 9; i++) {      /* a ninth page to run on into */
		hw_map(h, root, 3, va + (uint64_t)i * PGSIZE, pa + (uint64_t)i * PGSIZE, URX, 0);
		for (unsigned o = 0; o < PGSIZE; o += 2)
			hw_put16(h, pa + (uint64_t)i * PGSIZE + o, 0x0001);
	}
	for (uint64_t pc = va; pc < va + 8 * PGSIZE; pc += 2) {
		h->cpu.pc = pc;
		struct trap t = cpu_run(&h->cpu, 1 + (pc & 6));
		CHECK_EQ(t.cause, CAUSE_S_TIMER_INTERRUPT);
		if (pc == va)
			before = ENGINE_FLUSHES();   /* after the new RAM's */
	}
	*flushes = ENGINE_FLUSHES() - before;
	uint32_t p[] = { LI(6, 3), ADDI(6, 6, 4), ECALL };
	for (int i = 0; i < 3; i++)
		hw_put32(h, CODE_PA + 4 * (uint64_t)i, p[i]);
	h->cpu.pc = CODE_VA;
	struct trap t = cpu_run(&h->cpu, 100);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	return h->cpu.x[6];
}

TEST(a_full_code_cache_starts_over)
{
	struct hw a, b;
	uint64_t flushes;
	CHECK_EQ(fill_cache(&a, UNDER_TEST, &flushes), 7);
	CHECK(flushes >= 1);                     /* the arena filled up */
	CHECK_EQ(fill_cache(&b, CPU_ENGINE_INTERP, &flushes), 7);
	cpu_engine = UNDER_TEST;
	CHECK_EQ(a.cpu.instret, b.cpu.instret);
	CHECK(memcmp(&a.mmu.stats, &b.mmu.stats, sizeof a.mmu.stats) == 0);
	hw_teardown(&a);
	hw_teardown(&b);
}
