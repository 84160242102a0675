/*
 * cpu_test.c - the RV64IMAC interpreter, instruction class by class, with
 * the edge values the unprivileged spec pins down: sign extension of W ops
 * and loads, shift-amount masking, division by zero and overflow, AMO
 * results and memory effects, LR/SC, compressed expansion, illegal
 * encodings, traps and the time-slice budget.  Programs are hand-assembled
 * with cpu_encode.h and run in Bare mode from RAM, or under Sv39.
 */
#include "hw_fixture.h"

#define CODE (RAM_BASE + 0x1000)
#define DATA (RAM_BASE + 0x10000)

static void load_prog(struct hw *h, uint64_t pa, const uint32_t *p, int n)
{
	for (int i = 0; i < n; i++)
		hw_put32(h, pa + 4 * (uint64_t)i, p[i]);
}

/* Runs `insn; ecall` with x1 = a, x2 = b; returns x3. */
static uint64_t exec1(struct hw *h, uint32_t insn, uint64_t a, uint64_t b)
{
	uint32_t p[] = { insn, ECALL };
	load_prog(h, CODE, p, 2);
	memset(h->cpu.x, 0, sizeof h->cpu.x);
	h->cpu.x[1] = a;
	h->cpu.x[2] = b;
	h->cpu.pc = CODE;
	struct trap t = cpu_run(&h->cpu, 100);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	CHECK_EQ(t.pc, CODE + 4);
	return h->cpu.x[3];
}

/* Runs `insn` alone and returns the trap it raises. */
static struct trap trap1(struct hw *h, uint32_t insn)
{
	uint32_t p[] = { insn, ECALL };
	load_prog(h, CODE, p, 2);
	h->cpu.pc = CODE;
	return cpu_run(&h->cpu, 100);
}

struct opcase { uint32_t insn; uint64_t a, b, want; };

static void run_cases(const struct opcase *c, int n)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	for (int i = 0; i < n; i++) {
		uint64_t got = exec1(&h, c[i].insn, c[i].a, c[i].b);
		if (got != c[i].want)
			test_fail(__FILE__, __LINE__, "case %d (insn %08x, a=%" PRIx64 " b=%" PRIx64
				  "): got %" PRIx64 " want %" PRIx64, i, c[i].insn, c[i].a, c[i].b,
				  got, c[i].want);
	}
	hw_teardown(&h);
}

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define MIN64 0x8000000000000000ULL
#define M1 0xffffffffffffffffULL

TEST(integer_register_ops)
{
	const struct opcase c[] = {
		{ R(0, 0, 3, 1, 2), 5, M1, 4 },                          /* add */
		{ R(0x20, 0, 3, 1, 2), 5, 7, (uint64_t)-2 },               /* sub */
		{ R(0, 1, 3, 1, 2), 1, 65, 2 },                          /* sll masks to 6 bits */
		{ R(0, 2, 3, 1, 2), M1, 0, 1 },                          /* slt */
		{ R(0, 3, 3, 1, 2), M1, 0, 0 },                          /* sltu */
		{ R(0, 4, 3, 1, 2), 0xf0, 0xff, 0x0f },                  /* xor */
		{ R(0, 5, 3, 1, 2), MIN64, 63 + 64, 1 },                 /* srl */
		{ R(0x20, 5, 3, 1, 2), MIN64, 63, M1 },                  /* sra */
		{ R(0, 6, 3, 1, 2), 0xf0, 0x0f, 0xff },                  /* or */
		{ R(0, 7, 3, 1, 2), 0xf0, 0x3c, 0x30 },                  /* and */
		{ RW(0, 0, 3, 1, 2), 0x7fffffff, 1, 0xffffffff80000000ULL }, /* addw */
		{ RW(0x20, 0, 3, 1, 2), 0, 1, M1 },                      /* subw */
		{ RW(0, 1, 3, 1, 2), 1, 33, 2 },                         /* sllw masks to 5 */
		{ RW(0, 1, 3, 1, 2), 1, 31, 0xffffffff80000000ULL },     /* sllw sign-extends */
		{ RW(0, 5, 3, 1, 2), 0xffffffff80000000ULL, 4, 0x08000000 }, /* srlw */
		{ RW(0x20, 5, 3, 1, 2), 0x80000000, 4, 0xfffffffff8000000ULL }, /* sraw */
		{ ADDI(3, 1, -1), 0, 0, M1 },
		{ enc_i(OPC_OP_IMM, 3, 2, 1, -1), (uint64_t)-2, 0, 1 },  /* slti */
		{ enc_i(OPC_OP_IMM, 3, 3, 1, -1), 5, 0, 1 },             /* sltiu: imm sign-extended */
		{ enc_i(OPC_OP_IMM, 3, 4, 1, -1), 0xf0, 0, ~0xf0ULL },   /* xori */
		{ enc_i(OPC_OP_IMM, 3, 6, 1, 0x7ff), 0, 0, 0x7ff },      /* ori */
		{ enc_i(OPC_OP_IMM, 3, 7, 1, -16), 0x1234, 0, 0x1230 },  /* andi */
		{ enc_i(OPC_OP_IMM, 3, 1, 1, 63), 1, 0, MIN64 },         /* slli 63 */
		{ enc_i(OPC_OP_IMM, 3, 5, 1, 63), MIN64, 0, 1 },         /* srli 63 */
		{ enc_i(OPC_OP_IMM, 3, 5, 1, 0x400 | 63), MIN64, 0, M1 }, /* srai 63 */
		{ ADDIW(3, 1, 1), 0x7fffffff, 0, 0xffffffff80000000ULL },
		{ ADDIW(3, 1, 0), 0x123456789ULL, 0, 0x23456789 },        /* sext.w */
		{ enc_i(OPC_OP_IMM_32, 3, 1, 1, 31), 1, 0, 0xffffffff80000000ULL }, /* slliw */
		{ enc_i(OPC_OP_IMM_32, 3, 5, 1, 1), 0xffffffff80000000ULL, 0, 0x40000000 }, /* srliw */
		{ enc_i(OPC_OP_IMM_32, 3, 5, 1, 0x400 | 1), 0x80000000, 0, 0xffffffffc0000000ULL },
		{ enc_u(OPC_LUI, 3, 0x80000000u), 0, 0, 0xffffffff80000000ULL },
		{ enc_u(OPC_LUI, 3, 0x12345000u), 0, 0, 0x12345000 },
		{ enc_u(OPC_AUIPC, 3, 0xfffff000u), 0, 0, CODE - 0x1000 },
	};
	run_cases(c, N(c));
}

TEST(multiply_divide_edges)
{
	const struct opcase c[] = {
		{ R(1, 0, 3, 1, 2), M1, M1, 1 },                            /* mul */
		{ R(1, 1, 3, 1, 2), M1, M1, 0 },                            /* mulh -1*-1 */
		{ R(1, 1, 3, 1, 2), MIN64, MIN64, 0x4000000000000000ULL },  /* mulh */
		{ R(1, 2, 3, 1, 2), M1, M1, M1 },                           /* mulhsu -1*(2^64-1) */
		{ R(1, 3, 3, 1, 2), M1, M1, 0xfffffffffffffffeULL },        /* mulhu */
		{ R(1, 4, 3, 1, 2), 7, 0, M1 },                             /* div by 0 */
		{ R(1, 4, 3, 1, 2), MIN64, M1, MIN64 },                     /* div overflow */
		{ R(1, 4, 3, 1, 2), (uint64_t)-7, 2, (uint64_t)-3 },        /* div truncates */
		{ R(1, 5, 3, 1, 2), 7, 0, M1 },                             /* divu by 0 */
		{ R(1, 5, 3, 1, 2), M1, 2, 0x7fffffffffffffffULL },
		{ R(1, 6, 3, 1, 2), 7, 0, 7 },                              /* rem by 0 */
		{ R(1, 6, 3, 1, 2), MIN64, M1, 0 },                         /* rem overflow */
		{ R(1, 6, 3, 1, 2), (uint64_t)-7, 2, M1 },                  /* rem sign of dividend */
		{ R(1, 7, 3, 1, 2), 7, 0, 7 },                              /* remu by 0 */
		{ R(1, 7, 3, 1, 2), M1, 10, 5 },
		{ RW(1, 0, 3, 1, 2), 0x10000, 0x10000, 0 },                 /* mulw wraps */
		{ RW(1, 0, 3, 1, 2), 0x40000000, 2, 0xffffffff80000000ULL },
		{ RW(1, 4, 3, 1, 2), 5, 0, M1 },                            /* divw by 0 */
		{ RW(1, 4, 3, 1, 2), 0x80000000, 0xffffffff, 0xffffffff80000000ULL }, /* overflow */
		{ RW(1, 5, 3, 1, 2), 5, 0, M1 },                            /* divuw by 0 */
		{ RW(1, 5, 3, 1, 2), 0xfffffffe, 1, 0xfffffffffffffffeULL }, /* divuw sign-extends */
		{ RW(1, 6, 3, 1, 2), 0x123400000005ULL, 0, 5 },             /* remw by 0: sext(a) */
		{ RW(1, 6, 3, 1, 2), 0x80000000, 0xffffffff, 0 },           /* remw overflow */
		{ RW(1, 7, 3, 1, 2), 0x80000005, 0, 0xffffffff80000005ULL }, /* remuw by 0 */
		{ RW(1, 7, 3, 1, 2), 0xffffffff, 16, 15 },
	};
	run_cases(c, N(c));
}

TEST(branches_and_jumps)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	/* each branch: taken skips the `li x3, 1` */
	static const struct { uint32_t f3; uint64_t a, b; bool taken; } br[] = {
		{ 0, 5, 5, true }, { 0, 5, 6, false }, { 1, 5, 6, true }, { 1, 5, 5, false },
		{ 4, M1, 0, true }, { 4, 0, M1, false }, { 5, 0, M1, true }, { 5, M1, 0, false },
		{ 5, 3, 3, true }, { 6, 0, M1, true }, { 6, M1, 0, false }, { 7, M1, 0, true },
		{ 7, 0, M1, false }, { 7, 4, 4, true },
	};
	for (int i = 0; i < N(br); i++) {
		uint32_t p[] = { enc_b(br[i].f3, 1, 2, 8), LI(3, 1), ECALL };
		load_prog(&h, CODE, p, 3);
		h.cpu.x[1] = br[i].a;
		h.cpu.x[2] = br[i].b;
		h.cpu.x[3] = 0;
		h.cpu.pc = CODE;
		struct trap t = cpu_run(&h.cpu, 10);
		CHECK_EQ(t.cause, CAUSE_USER_ECALL);
		CHECK_EQ(h.cpu.x[3], br[i].taken ? 0 : 1);
	}
	/* jal forward and back, jalr with bit 0 cleared and rd == rs1 */
	uint32_t p[] = {
		enc_j(1, 12),                    /* 0: jal ra, 12 */
		LI(5, 1),                        /* 4: skipped */
		ECALL,                           /* 8 */
		enc_i(OPC_JALR, 6, 0, 6, 1),     /* 12: jalr x6, 1(x6)  x6 = CODE+7 -> CODE+8 */
	};
	load_prog(&h, CODE, p, 4);
	h.cpu.x[5] = 0;
	h.cpu.x[6] = CODE + 7;
	h.cpu.pc = CODE;
	uint64_t before = h.cpu.instret;
	struct trap t = cpu_run(&h.cpu, 10);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	CHECK_EQ(t.pc, CODE + 8);
	CHECK_EQ(h.cpu.x[1], CODE + 4);
	CHECK_EQ(h.cpu.x[6], CODE + 16);
	CHECK_EQ(h.cpu.x[5], 0);
	CHECK_EQ(h.cpu.instret - before, 2);   /* the ecall does not retire */
	hw_teardown(&h);
}

TEST(loads_and_stores_all_widths)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	hw_put64(&h, DATA, 0x8899aabbccddeeffULL);
	static const struct { uint32_t f3; uint64_t want; } ld[] = {
		{ 0, 0xffffffffffffffffULL }, { 1, 0xffffffffffffeeffULL },
		{ 2, 0xffffffffccddeeffULL }, { 3, 0x8899aabbccddeeffULL },
		{ 4, 0xff }, { 5, 0xeeff }, { 6, 0xccddeeff },
	};
	for (int i = 0; i < N(ld); i++)
		CHECK_EQ(exec1(&h, LOAD(ld[i].f3, 3, 1, 8), DATA - 8, 0), ld[i].want);
	/* stores write exactly their width */
	for (uint32_t f3 = 0; f3 < 4; f3++) {
		hw_put64(&h, DATA + 16, 0);
		exec1(&h, STORE(f3, 2, 1, -16), DATA + 32, 0x1122334455667788ULL);
		uint64_t mask = f3 == 3 ? M1 : (1ULL << (8 << f3)) - 1;
		CHECK_EQ(hw_get64(&h, DATA + 16), 0x1122334455667788ULL & mask);
	}
	/* x0 is hard-wired: loads and ALU ops into x0 vanish */
	uint32_t p[] = { LOAD(3, 0, 1, 0), ADDI(0, 0, 5), ADDI(3, 0, 0), ECALL };
	load_prog(&h, CODE, p, 4);
	h.cpu.x[1] = DATA;
	h.cpu.pc = CODE;
	cpu_run(&h.cpu, 10);
	CHECK_EQ(h.cpu.x[0], 0);
	CHECK_EQ(h.cpu.x[3], 0);
	hw_teardown(&h);
}

TEST(misaligned_loads_and_stores_are_emulated)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	hw_put64(&h, DATA, 0x0706050403020100ULL);
	hw_put64(&h, DATA + 8, 0x0f0e0d0c0b0a0908ULL);
	CHECK_EQ(exec1(&h, LOAD(3, 3, 1, 0), DATA + 3, 0), 0x0a09080706050403ULL);
	CHECK_EQ(exec1(&h, LOAD(2, 3, 1, 0), DATA + 5, 0), 0x08070605);
	CHECK_EQ(exec1(&h, LOAD(1, 3, 1, 0), DATA + 7, 0), 0x0807);
	exec1(&h, STORE(3, 2, 1, 0), DATA + 1, 0xa1a2a3a4a5a6a7a8ULL);
	CHECK_EQ(hw_get64(&h, DATA), 0xa2a3a4a5a6a7a800ULL);
	CHECK_EQ(hw_get64(&h, DATA + 8), 0x0f0e0d0c0b0a09a1ULL);
	hw_teardown(&h);
}

TEST(atomics_results_and_memory)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	static const struct { uint32_t f5, f3; uint64_t mem, src, new_mem; } c[] = {
		{ 0x01, 3, 5, 9, 9 },                                    /* amoswap.d */
		{ 0x00, 3, 5, M1, 4 },                                   /* amoadd.d */
		{ 0x04, 3, 0xf0, 0xff, 0x0f },                           /* amoxor.d */
		{ 0x0c, 3, 0xf0, 0x3c, 0x30 },                           /* amoand.d */
		{ 0x08, 3, 0xf0, 0x0f, 0xff },                           /* amoor.d */
		{ 0x10, 3, M1, 1, M1 },                                  /* amomin.d */
		{ 0x14, 3, M1, 1, 1 },                                   /* amomax.d */
		{ 0x18, 3, M1, 1, 1 },                                   /* amominu.d */
		{ 0x1c, 3, M1, 1, M1 },                                  /* amomaxu.d */
		{ 0x00, 2, 0x7fffffff, 1, 0x80000000 },                  /* amoadd.w wraps */
		{ 0x10, 2, 0x80000000, 1, 0x80000000 },                  /* amomin.w signed */
		{ 0x18, 2, 0x80000000, 1, 1 },                           /* amominu.w */
		{ 0x14, 2, 0xffffffff, 0x100000000ULL, 0 },              /* amomax.w uses low 32 */
	};
	for (int i = 0; i < N(c); i++) {
		hw_put64(&h, DATA, 0x5555555555555555ULL);
		if (c[i].f3 == 3)
			hw_put64(&h, DATA, c[i].mem);
		else
			memcpy(ram_ptr(&h.ram, DATA), &(uint32_t){ (uint32_t)c[i].mem }, 4);
		uint64_t old = exec1(&h, enc_r(OPC_AMO, 3, c[i].f3, 1, 2, c[i].f5 << 2 | 3), DATA, c[i].src);
		uint64_t got = hw_get64(&h, DATA);
		if (c[i].f3 == 3) {
			CHECK_EQ(old, c[i].mem);
			CHECK_EQ(got, c[i].new_mem);
		} else {
			CHECK_EQ(old, (uint64_t)(int64_t)(int32_t)c[i].mem);  /* rd sign-extended */
			CHECK_EQ(got, 0x5555555500000000ULL | (uint32_t)c[i].new_mem);
		}
	}
	hw_teardown(&h);
}

TEST(lr_sc_reservations)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	hw_put64(&h, DATA, 0xfffffffff0000000ULL);
	/* lr.w x3,(x1); sc.w x4,x2,(x1); sc.w x5,x2,(x1) (no reservation) */
	uint32_t p[] = {
		AMO(0x02, 2, 3, 1, 0), AMO(0x03, 2, 4, 1, 2),
		AMO(0x03, 2, 5, 1, 2), ECALL,
	};
	load_prog(&h, CODE, p, 4);
	h.cpu.x[1] = DATA;
	h.cpu.x[2] = 0x1234;
	h.cpu.pc = CODE;
	cpu_run(&h.cpu, 10);
	CHECK_EQ(h.cpu.x[3], 0xfffffffff0000000ULL);   /* lr.w sign-extends */
	CHECK_EQ(h.cpu.x[4], 0);                        /* success */
	CHECK_EQ(h.cpu.x[5], 1);                        /* the first sc cleared it */
	CHECK_EQ(hw_get64(&h, DATA), 0xffffffff00001234ULL);
	CHECK(!h.cpu.res_valid);
	/* sc.d to a different address fails, writes nothing, and clears */
	uint32_t q[] = { AMO(0x02, 3, 3, 1, 0), AMO(0x03, 3, 4, 6, 2), ECALL };
	load_prog(&h, CODE, q, 3);
	h.cpu.x[6] = DATA + 8;
	hw_put64(&h, DATA + 8, 77);
	h.cpu.pc = CODE;
	cpu_run(&h.cpu, 10);
	CHECK_EQ(h.cpu.x[4], 1);
	CHECK_EQ(hw_get64(&h, DATA + 8), 77);
	CHECK(!h.cpu.res_valid);
	/* the kernel's context switch drops the reservation */
	uint32_t r[] = { AMO(0x02, 3, 3, 1, 0), ECALL, AMO(0x03, 3, 4, 1, 2), ECALL };
	load_prog(&h, CODE, r, 4);
	h.cpu.pc = CODE;
	cpu_run(&h.cpu, 10);
	CHECK(h.cpu.res_valid);
	h.cpu.res_valid = false;
	h.cpu.pc += 4;
	cpu_run(&h.cpu, 10);
	CHECK_EQ(h.cpu.x[4], 1);
	hw_teardown(&h);
}

TEST(misaligned_atomics_trap)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	h.cpu.x[1] = DATA + 4;
	struct trap t = trap1(&h, AMO(0x02, 3, 3, 1, 0));          /* lr.d */
	CHECK_EQ(t.cause, CAUSE_MISALIGNED_LOAD);
	CHECK_EQ(t.tval, DATA + 4);
	CHECK_EQ(t.pc, CODE);
	t = trap1(&h, AMO(0x03, 3, 3, 1, 2));                      /* sc.d */
	CHECK_EQ(t.cause, CAUSE_MISALIGNED_STORE);
	h.cpu.x[1] = DATA + 2;
	t = trap1(&h, AMO(0x00, 2, 3, 1, 2));                           /* amoadd.w */
	CHECK_EQ(t.cause, CAUSE_MISALIGNED_STORE);
	CHECK_EQ(t.tval, DATA + 2);
	CHECK_EQ(h.cpu.instret, 0);
	/* lr with rs2 != 0, bad width, bad funct5: illegal */
	h.cpu.x[1] = DATA;
	CHECK_EQ(trap1(&h, AMO(0x02, 3, 3, 1, 5)).cause, CAUSE_ILLEGAL_INSN);
	CHECK_EQ(trap1(&h, AMO(0x00, 1, 3, 1, 5)).cause, CAUSE_ILLEGAL_INSN);
	CHECK_EQ(trap1(&h, AMO(0x05, 3, 3, 1, 5)).cause, CAUSE_ILLEGAL_INSN);
	hw_teardown(&h);
}
