/*
 * cpu_decode_test.c - the interpreter's memo of decoded instructions
 * (cpu_decode.c) must never run stale code: a user store over code, the
 * kernel rewriting a frame, and more code pages than the memo holds all
 * have to execute what memory holds now.  Bare mode, so pc = PA.
 */
#include "hw_fixture.h"

#define CODE (RAM_BASE + 0x1000)

#define BEQ(a, b, off) enc_b(0, a, b, off)
#define JAL(rd, off)   enc_j(rd, off)
#define FENCE_I        enc_i(OPC_MISC_MEM, 0, 1, 0, 0)

static void load_prog(struct hw *h, uint64_t pa, const uint32_t *p, int n)
{
	for (int i = 0; i < n; i++)
		hw_put32(h, pa + 4 * (uint64_t)i, p[i]);
}

/* The program rewrites its own first instruction with sw, runs fence.i and
 * loops back: the second pass must execute the new instruction. */
TEST(store_over_executed_code_is_seen)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint32_t p[] = {
		ADDI(3, 3, 1),             /* 0: rewritten to addi x3, x3, 100 */
		STORE(2, 5, 6, 0),         /* 4: sw x5, 0(x6) */
		FENCE_I,                   /* 8 */
		ADDI(4, 4, 1),             /* 12 */
		BEQ(4, 7, 8),              /* 16: second pass done -> 24 */
		JAL(0, -20),               /* 20: back to 0 */
		ECALL,                     /* 24 */
	};
	load_prog(&h, CODE, p, 7);
	h.cpu.x[5] = ADDI(3, 3, 100);
	h.cpu.x[6] = CODE;
	h.cpu.x[7] = 2;
	h.cpu.pc = CODE;
	struct trap t = cpu_run(&h.cpu, 1000);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	CHECK_EQ(h.cpu.x[3], 101);
	CHECK_EQ(h.cpu.instret, 11);   /* the ecall does not retire */
	hw_teardown(&h);
}

/* A halfword store that changes only the second of two compressed
 * instructions sharing a word: c.addi x3, 1 then c.addi x3, 2 -> 7. */
TEST(store_over_compressed_half_is_seen)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint16_t c1 = 0x0185, c2 = 0x0189, c7 = 0x019d;   /* c.addi x3, 1 / 2 / 7 */
	REQUIRE(cpu_rvc_expand(c1) == ADDI(3, 3, 1));
	REQUIRE(cpu_rvc_expand(c2) == ADDI(3, 3, 2));
	REQUIRE(cpu_rvc_expand(c7) == ADDI(3, 3, 7));
	hw_put16(&h, CODE, c1);
	hw_put16(&h, CODE + 2, c2);
	uint32_t rest[] = {
		STORE(1, 5, 6, 2),         /* 4: sh x5, 2(x6) */
		ADDI(4, 4, 1),             /* 8 */
		BEQ(4, 7, 8),              /* 12: -> 20 */
		JAL(0, -16),               /* 16: back to 0 */
		ECALL,                     /* 20 */
	};
	load_prog(&h, CODE + 4, rest, 5);
	h.cpu.x[5] = c7;
	h.cpu.x[6] = CODE;
	h.cpu.x[7] = 2;
	h.cpu.pc = CODE;
	struct trap t = cpu_run(&h.cpu, 1000);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	CHECK_EQ(h.cpu.x[3], 1 + 2 + 1 + 7);
	hw_teardown(&h);
}

/* Code spread over more pages than the memo's table has entries: each page
 * adds its immediate and jumps to the next.  Rewriting every immediate
 * between two runs (as the kernel does when it reuses a frame) must change
 * the sum. */
TEST(many_code_pages_rewritten_between_runs)
{
	enum { PAGES = 700 };
	const uint64_t base = RAM_BASE + 0x100000;
	struct hw h;
	hw_setup(&h, 64, 4);
	for (int round = 0; round < 2; round++) {
		uint64_t want = 0;
		for (int i = 0; i < PAGES; i++) {
			uint64_t pa = base + (uint64_t)i * PGSIZE;
			int imm = round == 0 ? (i % 7) + 1 : -(i % 5) - 3;
			want += (uint64_t)(int64_t)imm;
			hw_put32(&h, pa, ADDI(3, 3, imm));
			hw_put32(&h, pa + 4, i == PAGES - 1 ? ECALL : JAL(0, PGSIZE - 4));
		}
		h.cpu.x[3] = 0;
		h.cpu.pc = base;
		struct trap t = cpu_run(&h.cpu, 10 * PAGES);
		CHECK_EQ(t.cause, CAUSE_USER_ECALL);
		CHECK_EQ(t.pc, base + (uint64_t)(PAGES - 1) * PGSIZE + 4);
		CHECK_EQ(h.cpu.x[3], want);
	}
	hw_teardown(&h);
}

/* An illegal instruction written over legal code traps with its bits. */
TEST(code_turned_illegal_traps)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint32_t p[] = { ADDI(3, 3, 1), ECALL };
	load_prog(&h, CODE, p, 2);
	h.cpu.pc = CODE;
	CHECK_EQ(cpu_run(&h.cpu, 100).cause, CAUSE_USER_ECALL);
	hw_put32(&h, CODE, 0xffffffff);
	h.cpu.pc = CODE;
	struct trap t = cpu_run(&h.cpu, 100);
	CHECK_EQ(t.cause, CAUSE_ILLEGAL_INSN);
	CHECK_EQ(t.tval, 0xffffffff);
	CHECK_EQ(t.pc, CODE);
	CHECK_EQ(h.cpu.x[3], 1);
	hw_teardown(&h);
}
