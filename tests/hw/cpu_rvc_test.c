/*
 * cpu_rvc_test.c - the C extension: every RV64C form expands to the 32-bit
 * instruction it stands for, reserved and floating-point encodings are
 * illegal, and compressed code runs (link addresses are pc + 2).
 *
 * The expansion vectors were produced once with the LLVM assembler
 * (clang --target=riscv64 -march=rv64imac, each compressed instruction and
 * its expansion assembled with .option norvc, then llvm-objdump), so they
 * check the expander against an independent encoder rather than itself.
 */
#include "hw_fixture.h"

static const struct { uint16_t c; uint32_t full; } vec[] = {
	{ 0x1fe8, 0x3fc10513 }, /* addi a0, sp, 1020 */
	{ 0x0044, 0x00410493 }, /* addi s1, sp, 4 */
	{ 0x5e6c, 0x07c62583 }, /* lw a1, 124(a2) */
	{ 0x424c, 0x00462583 }, /* lw a1, 4(a2) */
	{ 0x7f74, 0x0f873683 }, /* ld a3, 248(a4) */
	{ 0x6714, 0x00873683 }, /* ld a3, 8(a4) */
	{ 0xc03c, 0x04f42023 }, /* sw a5, 64(s0) */
	{ 0xe7c4, 0x0897b423 }, /* sd s1, 136(a5) */
	{ 0x0001, 0x00000013 }, /* addi x0, x0, 0 */
	{ 0x1501, 0xfe050513 }, /* addi a0, a0, -32 */
	{ 0x037d, 0x01f30313 }, /* addi t1, t1, 31 */
	{ 0x35fd, 0xfff5859b }, /* addiw a1, a1, -1 */
	{ 0x2645, 0x0116061b }, /* addiw a2, a2, 17 */
	{ 0x5281, 0xfe000293 }, /* addi t0, x0, -32 */
	{ 0x4dfd, 0x01f00d93 }, /* addi s11, x0, 31 */
	{ 0x7101, 0xe0010113 }, /* addi sp, sp, -512 */
	{ 0x617d, 0x1f010113 }, /* addi sp, sp, 496 */
	{ 0x6141, 0x01010113 }, /* addi sp, sp, 16 */
	{ 0x6505, 0x00001537 }, /* lui a0, 1 */
	{ 0x7381, 0xfffe03b7 }, /* lui t2, 0xfffe0 */
	{ 0x697d, 0x0001f937 }, /* lui s2, 0x1f */
	{ 0x917d, 0x03f55513 }, /* srli a0, a0, 63 */
	{ 0x8085, 0x0014d493 }, /* srli s1, s1, 1 */
	{ 0x9781, 0x4207d793 }, /* srai a5, a5, 32 */
	{ 0x8415, 0x40545413 }, /* srai s0, s0, 5 */
	{ 0x9a81, 0xfe06f693 }, /* andi a3, a3, -32 */
	{ 0x8b7d, 0x01f77713 }, /* andi a4, a4, 31 */
	{ 0x8c1d, 0x40f40433 }, /* sub s0, s0, a5 */
	{ 0x8d2d, 0x00b54533 }, /* xor a0, a0, a1 */
	{ 0x8e55, 0x00d66633 }, /* or a2, a2, a3 */
	{ 0x8f7d, 0x00f77733 }, /* and a4, a4, a5 */
	{ 0x9c89, 0x40a484bb }, /* subw s1, s1, a0 */
	{ 0x9db1, 0x00c585bb }, /* addw a1, a1, a2 */
	{ 0xb001, 0x801ff06f }, /* jal x0, -2048 */
	{ 0xaffd, 0x7fe0006f }, /* jal x0, 2046 */
	{ 0xa46d, 0x2aa0006f }, /* jal x0, 0x2aa */
	{ 0xb46d, 0xaabff06f }, /* jal x0, -0x556 */
	{ 0xd101, 0xf00500e3 }, /* beq a0, x0, -256 */
	{ 0xccfd, 0x0e048f63 }, /* beq s1, x0, 254 */
	{ 0xe7cd, 0x0a079563 }, /* bne a5, x0, 0xaa */
	{ 0xfa31, 0xf4061ae3 }, /* bne a2, x0, -0xac */
	{ 0x157e, 0x03f51513 }, /* slli a0, a0, 63 */
	{ 0x0f86, 0x001f9f93 }, /* slli t6, t6, 1 */
	{ 0x557e, 0x0fc12503 }, /* lw a0, 252(sp) */
	{ 0x4082, 0x00012083 }, /* lw ra, 0(sp) */
	{ 0x75fe, 0x1f813583 }, /* ld a1, 504(sp) */
	{ 0x6422, 0x00813403 }, /* ld s0, 8(sp) */
	{ 0x8082, 0x00008067 }, /* jalr x0, 0(ra) */
	{ 0x8782, 0x00078067 }, /* jalr x0, 0(a5) */
	{ 0x852e, 0x00b00533 }, /* add a0, x0, a1 */
	{ 0x8fee, 0x01b00fb3 }, /* add t6, x0, s11 */
	{ 0x9002, 0x00100073 }, /* ebreak */
	{ 0x9502, 0x000500e7 }, /* jalr ra, 0(a0) */
	{ 0x952e, 0x00b50533 }, /* add a0, a0, a1 */
	{ 0x9116, 0x00510133 }, /* add sp, sp, t0 */
	{ 0xdfaa, 0x0ea12e23 }, /* sw a0, 252(sp) */
	{ 0xc206, 0x00112223 }, /* sw ra, 4(sp) */
	{ 0xffa6, 0x1e913c23 }, /* sd s1, 504(sp) */
	{ 0xe416, 0x00513423 }, /* sd t0, 8(sp) */
	{ 0x2408, 0x00843507 }, /* c.fld fa0, 8(s0) */
	{ 0x3fe4, 0x0f87b487 }, /* c.fld fs1, 248(a5) */
	{ 0xa11c, 0x00f53027 }, /* c.fsd fa5, 0(a0) */
	{ 0xa4c0, 0x0884b427 }, /* c.fsd fs0, 136(s1) */
	{ 0x307e, 0x1f813007 }, /* c.fldsp ft0, 504(sp): f0 is a valid rd */
	{ 0x25a2, 0x00813587 }, /* c.fldsp fa1, 8(sp) */
	{ 0xa06e, 0x01b13027 }, /* c.fsdsp fs11, 0(sp) */
	{ 0xbf86, 0x1e113c27 }, /* c.fsdsp ft1, 504(sp) */
};

TEST(every_form_expands_like_the_assembler)
{
	for (unsigned i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		uint32_t got = cpu_rvc_expand(vec[i].c);
		if (got != vec[i].full)
			test_fail(__FILE__, __LINE__, "c %04x -> %08x, want %08x",
				  vec[i].c, got, vec[i].full);
	}
}

TEST(reserved_encodings_are_illegal)
{
	static const uint16_t bad[] = {
		0x0000,  /* all zero (c.addi4spn, nzuimm = 0) */
		0x0004,  /* c.addi4spn x9, 0 */
			0x8000,  /* quadrant 0 funct3 100: reserved */
			0x2001,  /* c.addiw x0 */
		0x6101,  /* c.addi16sp, nzimm = 0 */
		0x6501,  /* c.lui a0, 0 */
		0x9c41,  /* c.subw-space op 10: reserved */
		0x9c61,  /* op 11: reserved */
			0x4002,  /* c.lwsp x0 */
		0x6002,  /* c.ldsp x0 */
		0x8002,  /* c.jr x0 */
		};
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (cpu_rvc_expand(bad[i]) != 0)
			test_fail(__FILE__, __LINE__, "%04x expanded to %08x", bad[i],
				  cpu_rvc_expand(bad[i]));
	/* and the CPU reports the 16 bits as tval */
	struct hw h;
	hw_setup(&h, 64, 4);
	hw_put32(&h, RAM_BASE + 0x1000, 0x00006101);
	h.cpu.pc = RAM_BASE + 0x1000;
	struct trap t = cpu_run(&h.cpu, 10);
	CHECK_EQ(t.cause, CAUSE_ILLEGAL_INSN);
	CHECK_EQ(t.tval, 0x6101);
	CHECK_EQ(t.pc, RAM_BASE + 0x1000);
	hw_put32(&h, RAM_BASE + 0x1000, 0);
	t = cpu_run(&h.cpu, 10);
	CHECK_EQ(t.cause, CAUSE_ILLEGAL_INSN);
	CHECK_EQ(t.tval, 0);
	hw_teardown(&h);
}

TEST(compressed_code_runs)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t code = RAM_BASE + 0x1000;
	const uint16_t p[] = {
		0x5281,  /* c.li t0, -32 */
		0x0285,  /* c.addi t0, 1       (t0 = -31) */
		0x9502,  /* c.jalr a0          (ra = pc + 2) */
		0x0001,  /* c.nop */
		0x9002,  /* c.ebreak */
	};
	for (unsigned i = 0; i < sizeof p / sizeof p[0]; i++)
		hw_put16(&h, code + 2 * i, p[i]);
	/* at a0: c.mv a1, t0; c.jr ra */
	hw_put16(&h, code + 0x100, 0x8596);
	hw_put16(&h, code + 0x102, 0x8082);
	h.cpu.x[10] = code + 0x100;
	h.cpu.pc = code;
	struct trap t = cpu_run(&h.cpu, 100);
	CHECK_EQ(t.cause, CAUSE_BREAKPOINT);
	CHECK_EQ(t.pc, code + 8);
	CHECK_EQ(t.tval, code + 8);
	CHECK_EQ(h.cpu.x[1], code + 6);
	CHECK_EQ(h.cpu.x[5], (uint64_t)-31);
	CHECK_EQ(h.cpu.x[11], (uint64_t)-31);
	CHECK_EQ(h.cpu.instret, 6);
	hw_teardown(&h);
}
