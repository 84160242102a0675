/*
 * cpu_trap_test.c - how the CPU leaves cpu_run: ecall, ebreak, illegal
 * instructions (with tval), the user counters, the time-slice budget, and,
 * under Sv39, page faults with no effect, page-straddling data accesses and
 * instruction fetches, and exact TLB counts for fetches.
 */
#include "hw_fixture.h"

#define CODE (RAM_BASE + 0x1000)

static struct trap run_words(struct hw *h, const uint32_t *p, int n, uint64_t budget)
{
	for (int i = 0; i < n; i++)
		hw_put32(h, CODE + 4 * (uint64_t)i, p[i]);
	h->cpu.pc = CODE;
	return cpu_run(&h->cpu, budget);
}

TEST(ecall_and_ebreak)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint32_t p[] = { LI(17, 93), ECALL };
	struct trap t = run_words(&h, p, 2, 100);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	CHECK_EQ(t.tval, 0);
	CHECK_EQ(t.pc, CODE + 4);
	CHECK_EQ(h.cpu.pc, CODE + 4);
	CHECK_EQ(h.cpu.x[17], 93);
	CHECK_EQ(h.cpu.instret, 1);
	/* the kernel resumes after the ecall */
	h.cpu.pc += 4;
	hw_put32(&h, CODE + 8, RV_EBREAK);
	t = cpu_run(&h.cpu, 100);
	CHECK_EQ(t.cause, CAUSE_BREAKPOINT);
	CHECK_EQ(t.tval, CODE + 8);
	CHECK_EQ(t.pc, CODE + 8);
	hw_teardown(&h);
}

TEST(illegal_instructions_report_their_bits)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	const uint32_t bad[] = {
		0xffffffff,
		enc_i(OPC_OP_IMM, 1, 1, 2, 0x040),          /* slli, imm[11:6] != 0 */
		enc_i(OPC_OP_IMM, 1, 5, 2, 0x200),          /* srli/srai, bad imm[11:6] */
		enc_i(OPC_OP_IMM_32, 1, 1, 2, 32),          /* slliw shamt[5] = 1 */
		enc_i(OPC_OP_IMM_32, 1, 5, 2, 0x400 | 32),  /* sraiw shamt[5] = 1 */
		enc_i(OPC_OP_IMM_32, 1, 2, 2, 0),           /* OP-IMM-32 funct3 2 */
		enc_r(OPC_OP, 1, 0, 2, 3, 0x10),            /* bad funct7 */
		enc_r(OPC_OP, 1, 1, 2, 3, 0x20),            /* "subtract" sll */
		enc_r(OPC_OP_32, 1, 2, 2, 3, 0),            /* OP-32 funct3 2 */
		enc_r(OPC_OP_32, 1, 1, 2, 3, 1),            /* mulhw does not exist */
		enc_i(OPC_LOAD, 1, 7, 2, 0),                /* ldu */
		enc_s(OPC_STORE, 4, 2, 3, 0),               /* sq */
		enc_b(2, 1, 2, 8),                          /* branch funct3 2 */
		enc_i(OPC_JALR, 1, 1, 2, 0),                /* jalr funct3 1 */
		enc_i(OPC_MISC_MEM, 0, 2, 0, 0),            /* MISC-MEM funct3 2 */
		0x10500073,                                 /* wfi */
		0x30200073,                                 /* mret */
		0x10200073,                                 /* sret */
		0x12000073,                                 /* sfence.vma x0, x0 */
		0x00002073 | 0x300u << 20 | 5u << 7,        /* csrrs t0, mstatus, x0 */
		0x00004073 | 0x003u << 20 | 5u << 7,        /* fcsr with SYSTEM funct3 4 */
		0x00002073 | 0x004u << 20 | 5u << 7,        /* csr 0x004: no such FP CSR */
		0x00001073 | 0xc00u << 20,                  /* csrw cycle, x0 */
		0x00002073 | 0xc00u << 20 | 1u << 15,       /* csrrs x0, cycle, x1 */
		0x00003073 | 0xc02u << 20 | 1u << 15,       /* csrrc x0, instret, x1 */
		0x00005073 | 0xc01u << 20,                  /* csrrwi x0, time, 0 */
		0x00006073 | 0xc01u << 20 | 1u << 15,       /* csrrsi x0, time, 1 */
		0x00004073 | 0xc01u << 20,                  /* SYSTEM funct3 4 */
		0x00002073 | 0xc80u << 20 | 5u << 7,        /* cycleh: RV32 only */
		0x0000007f,                                 /* a 64-bit-long encoding */
		0x00001007,                                 /* flh: no Zfh */
		0x00004027,                                 /* fsq: no Q */
		enc_r(OPC_OP_FP, 1, 0, 2, 3, 0x03),         /* fadd.q */
		enc_r(OPC_OP_FP, 1, 0, 2, 3, 0x02),         /* fadd.h */
		enc_r(OPC_OP_FP, 1, 5, 2, 3, 0x01),         /* fadd.d, rm 5 reserved */
		enc_r(OPC_OP_FP, 1, 6, 2, 3, 0x00),         /* fadd.s, rm 6 reserved */
		enc_r(OPC_OP_FP, 1, 0, 2, 1, 0x2d),         /* fsqrt.d, rs2 != 0 */
		enc_r(OPC_OP_FP, 1, 3, 2, 3, 0x10),         /* fsgnj funct3 3 */
		enc_r(OPC_OP_FP, 1, 2, 2, 3, 0x14),         /* fmin funct3 2 */
		enc_r(OPC_OP_FP, 1, 3, 2, 3, 0x50),         /* feq-space funct3 3 */
		enc_r(OPC_OP_FP, 1, 0, 2, 4, 0x60),         /* fcvt.?.s rs2 4 */
		enc_r(OPC_OP_FP, 1, 0, 2, 0, 0x20),         /* fcvt.s.s */
		enc_r(OPC_OP_FP, 1, 0, 2, 1, 0x70),         /* fmv.x.w, rs2 != 0 */
		enc_r(OPC_OP_FP, 1, 2, 2, 0, 0x70),         /* fclass-space funct3 2 */
		enc_r(OPC_OP_FP, 1, 1, 2, 0, 0x78),         /* fmv.w.x funct3 1 */
		enc_r(OPC_OP_FP, 1, 0, 2, 3, 0x7c),         /* funct5 0x1f */
		enc_r4(OPC_MADD, 1, 0, 2, 3, 4, 3),         /* fmadd.q */
		enc_r4(OPC_NMADD, 1, 5, 2, 3, 4, 1),        /* fnmadd.d rm 5 */
	};
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint32_t p[] = { bad[i] };
		h.cpu.x[1] = 0x5a5a;
		struct trap t = run_words(&h, p, 1, 100);
		if (t.cause != CAUSE_ILLEGAL_INSN || t.tval != bad[i] || t.pc != CODE)
			test_fail(__FILE__, __LINE__, "%08x: cause %" PRIu64 " tval %" PRIx64,
				  bad[i], t.cause, t.tval);
		CHECK_EQ(h.cpu.x[1], 0x5a5a);            /* no effect */
	}
	CHECK_EQ(h.cpu.instret, 0);
	hw_teardown(&h);
}

TEST(fences_and_counters)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint32_t p[] = {
		enc_i(OPC_MISC_MEM, 0, 0, 0, 0x0ff),        /* fence iorw, iorw */
		enc_i(OPC_MISC_MEM, 0, 1, 0, 0),            /* fence.i */
		0x00002073 | 0xc02u << 20 | 5u << 7,        /* rdinstret t0 */
		0x00002073 | 0xc00u << 20 | 6u << 7,        /* rdcycle t1 */
		0x00002073 | 0xc01u << 20 | 7u << 7,        /* rdtime t2 */
		0x00006073 | 0xc01u << 20 | 28u << 7,       /* csrrsi t3, time, 0: a read */
		0x00003073 | 0xc02u << 20 | 29u << 7,       /* csrrc t4, instret, x0: a read */
		ECALL,
	};
	h.cpu.instret = 1000;
	uint64_t t0 = cpu_time();
	struct trap t = run_words(&h, p, 8, 100);
	uint64_t t1 = cpu_time();
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	CHECK_EQ(h.cpu.x[5], 1002);
	CHECK_EQ(h.cpu.x[6], 1003);
	CHECK(h.cpu.x[7] >= t0 && h.cpu.x[7] <= t1);
	CHECK(h.cpu.x[28] >= h.cpu.x[7] && h.cpu.x[28] <= t1);
	CHECK_EQ(h.cpu.x[29], 1006);
	CHECK_EQ(h.cpu.instret, 1007);
	hw_teardown(&h);
}

TEST(budget_ends_the_time_slice)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint32_t p[] = { ADDI(1, 1, 1), ADDI(2, 2, 1), enc_j(0, -8) };   /* loop */
	struct trap t = run_words(&h, p, 3, 7);
	CHECK_EQ(t.cause, CAUSE_S_TIMER_INTERRUPT);
	CHECK_EQ(h.cpu.instret, 7);
	CHECK_EQ(h.cpu.x[1], 3);
	CHECK_EQ(h.cpu.x[2], 2);
	CHECK_EQ(h.cpu.pc, CODE + 4);       /* the next instruction */
	CHECK_EQ(t.pc, CODE + 4);
	t = cpu_run(&h.cpu, 0);
	CHECK_EQ(t.cause, CAUSE_S_TIMER_INTERRUPT);
	CHECK_EQ(h.cpu.instret, 7);
	t = cpu_run(&h.cpu, 1000000);
	CHECK_EQ(h.cpu.instret, 1000007);
	CHECK_EQ(h.cpu.x[1], 333336);
	CHECK_EQ(h.cpu.x[2], 333336);
	hw_teardown(&h);
}

/* ---- under Sv39 -------------------------------------------------------- */

#define UCODE 0x10000ULL

/* Code page at UCODE, data pages at 0x20000 and 0x21000 (the second only if
 * map_second). Returns the root. */
static uint64_t sv39_space(struct hw *h, uint64_t *code_pa, uint64_t *d0, uint64_t *d1,
			   bool map_second)
{
	uint64_t root = hw_frame(h);
	*code_pa = hw_frame(h);
	*d0 = hw_frame(h);
	*d1 = hw_frame(h);
	hw_map(h, root, 3, UCODE, *code_pa, URX, 0);
	hw_map(h, root, 3, 0x20000, *d0, URW, 0);
	if (map_second)
		hw_map(h, root, 3, 0x21000, *d1, URW, 0);
	mmu_set_satp(&h->mmu, MAKE_SATP(SATP_MODE_SV39, 1, root));
	return root;
}

static struct trap run_user(struct hw *h, uint64_t code_pa, const uint32_t *p, int n)
{
	for (int i = 0; i < n; i++)
		hw_put32(h, code_pa + 4 * (uint64_t)i, p[i]);
	h->cpu.pc = UCODE;
	return cpu_run(&h->cpu, 1000);
}

TEST(page_fault_has_no_effect)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t code, d0, d1;
	sv39_space(&h, &code, &d0, &d1, false);
	uint32_t p[] = { LI(5, 1), LOAD(3, 5, 1, 0), LI(6, 1), ECALL };
	h.cpu.x[1] = 0x30000;
	struct trap t = run_user(&h, code, p, 4);
	CHECK_EQ(t.cause, CAUSE_LOAD_PAGE_FAULT);
	CHECK_EQ(t.tval, 0x30000);
	CHECK_EQ(t.pc, UCODE + 4);
	CHECK_EQ(h.cpu.x[5], 1);
	CHECK_EQ(h.cpu.instret, 1);
	/* store to the read-execute code page */
	uint32_t q[] = { STORE(3, 2, 1, 0), ECALL };
	h.cpu.x[1] = UCODE + 8;
	t = run_user(&h, code, q, 2);
	CHECK_EQ(t.cause, CAUSE_STORE_PAGE_FAULT);
	CHECK_EQ(t.tval, UCODE + 8);
	/* jump to a data page: fetch fault at the target */
	uint32_t r[] = { enc_i(OPC_JALR, 0, 0, 1, 0) };
	h.cpu.x[1] = 0x20000;
	t = run_user(&h, code, r, 1);
	CHECK_EQ(t.cause, CAUSE_FETCH_PAGE_FAULT);
	CHECK_EQ(t.tval, 0x20000);
	CHECK_EQ(t.pc, 0x20000);
	hw_teardown(&h);
}

TEST(straddling_data_accesses)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t code, d0, d1;
	uint64_t root = sv39_space(&h, &code, &d0, &d1, false);
	hw_put64(&h, d0 + 0xff8, 0x1111111111111111ULL);
	/* second page unmapped: load and store fault on 0x21000, store has no effect */
	uint32_t p[] = { LOAD(3, 5, 1, 0), ECALL };
	h.cpu.x[1] = 0x20ffc;
	struct trap t = run_user(&h, code, p, 2);
	CHECK_EQ(t.cause, CAUSE_LOAD_PAGE_FAULT);
	CHECK_EQ(t.tval, 0x21000);
	uint32_t q[] = { STORE(3, 2, 1, 0), ECALL };
	h.cpu.x[2] = 0x2222222222222222ULL;
	t = run_user(&h, code, q, 2);
	CHECK_EQ(t.cause, CAUSE_STORE_PAGE_FAULT);
	CHECK_EQ(t.tval, 0x21000);
	CHECK_EQ(hw_get64(&h, d0 + 0xff8), 0x1111111111111111ULL);
	/* map it (as a kernel would on the fault) and retry: both halves land */
	hw_map(&h, root, 3, 0x21000, d1, URW, 0);
	mmu_sfence_vma(&h.mmu, true, 0x21000, true, 1);
	t = run_user(&h, code, q, 2);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	CHECK_EQ(hw_get64(&h, d0 + 0xff8), 0x2222222211111111ULL);
	CHECK_EQ(hw_get64(&h, d1), 0x0000000022222222ULL);
	t = run_user(&h, code, p, 2);
	CHECK_EQ(h.cpu.x[5], 0x2222222222222222ULL);
	/* first page faulting reports the access address itself */
	h.cpu.x[1] = 0x1fffc;
	t = run_user(&h, code, p, 2);
	CHECK_EQ(t.cause, CAUSE_LOAD_PAGE_FAULT);
	CHECK_EQ(t.tval, 0x1fffc);
	hw_teardown(&h);
}

TEST(straddling_instruction_fetch)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t root = hw_frame(&h), c0 = hw_frame(&h), c1 = hw_frame(&h);
	hw_map(&h, root, 3, 0x10000, c0, URX, 0);
	mmu_set_satp(&h.mmu, MAKE_SATP(SATP_MODE_SV39, 1, root));
	uint32_t insn = LI(7, 42);
	hw_put16(&h, c0 + 0xffe, (uint16_t)insn);
	hw_put16(&h, c1, (uint16_t)(insn >> 16));
	hw_put32(&h, c1 + 2, ECALL);
	h.cpu.pc = 0x10ffe;
	struct trap t = cpu_run(&h.cpu, 10);
	CHECK_EQ(t.cause, CAUSE_FETCH_PAGE_FAULT);
	CHECK_EQ(t.tval, 0x11000);
	CHECK_EQ(t.pc, 0x10ffe);
	hw_map(&h, root, 3, 0x11000, c1, URX, 0);
	mmu_sfence_vma(&h.mmu, true, 0x11000, false, 0);
	t = cpu_run(&h.cpu, 10);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	CHECK_EQ(t.pc, 0x11002);
	CHECK_EQ(h.cpu.x[7], 42);
	/* a compressed instruction at the page end needs only its page */
	hw_put16(&h, c0 + 0xffe, 0x4d05);            /* c.li s10, 1 */
	hw_put32(&h, c1, ECALL);
	h.cpu.pc = 0x10ffe;
	t = cpu_run(&h.cpu, 10);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	CHECK_EQ(h.cpu.x[26], 1);
	hw_teardown(&h);
}

TEST(every_fetch_and_access_is_one_tlb_lookup)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t code, d0, d1;
	sv39_space(&h, &code, &d0, &d1, true);
	/* 10 iterations of: ld; sd; addi; bne  (4 fetches + 2 accesses) */
	uint32_t p[] = {
		LI(2, 10),
		LOAD(3, 3, 1, 0),
		STORE(3, 3, 1, 8),
		ADDI(2, 2, -1),
		enc_b(1, 2, 0, -12),
		ECALL,
	};
	h.cpu.x[1] = 0x20000;
	struct trap t = run_user(&h, code, p, 6);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	uint64_t fetches = 1 + 10 * 4 + 1, accesses = 20;
	CHECK_EQ(h.mmu.stats.tlb_hits + h.mmu.stats.tlb_misses, fetches + accesses);
	CHECK_EQ(h.mmu.stats.tlb_misses, 2);           /* code page, data page */
	/* a misaligned access straddling two pages is two lookups */
	uint32_t q[] = { LOAD(3, 3, 1, 0), ECALL };
	h.cpu.x[1] = 0x20ffd;
	uint64_t before = h.mmu.stats.tlb_hits + h.mmu.stats.tlb_misses;
	run_user(&h, code, q, 2);
	CHECK_EQ(h.mmu.stats.tlb_hits + h.mmu.stats.tlb_misses - before, 2 + 2);
	CHECK_EQ(h.mmu.stats.tlb_misses, 3);
	hw_teardown(&h);
}

TEST(data_eviction_of_code_page_is_counted)
{
	struct hw h;
	hw_setup(&h, 2, 2);    /* two entries only */
	uint64_t code, d0, d1;
	sv39_space(&h, &code, &d0, &d1, true);
	/* ld from 0x20000 then 0x21000 evicts the code page's entry */
	uint32_t p[] = { LOAD(3, 3, 1, 0), LOAD(3, 4, 6, 0), ECALL };
	h.cpu.x[1] = 0x20000;
	h.cpu.x[6] = 0x21000;
	struct trap t = run_user(&h, code, p, 3);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	/* fetch code (miss), ld 0x20000 (miss), fetch (hit), ld 0x21000 (miss,
	 * evicts code), fetch ecall (miss, evicts data) */
	CHECK_EQ(h.mmu.stats.tlb_misses, 4);
	CHECK_EQ(h.mmu.stats.tlb_hits, 1);
	hw_teardown(&h);
}
