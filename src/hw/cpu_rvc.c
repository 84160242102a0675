/*
 * cpu_rvc.c - the "C" standard extension for RV64 (RISC-V unprivileged spec,
 * chapter "Compressed Instructions", RVC opcode map): each 16-bit instruction
 * is expanded to the 32-bit instruction it abbreviates, so the interpreter
 * has one executor.  The double-precision forms (C.FLD, C.FSD, C.FLDSP,
 * C.FSDSP) expand to FLD/FSD; the reserved encodings (including the all-zero
 * instruction) are illegal; HINT encodings execute as the no-effect
 * instruction they expand to.
 *
 * Quadrants by inst[1:0]; inst[15:13] = funct3.  rd'/rs1'/rs2' are 3-bit
 * fields naming x8-x15.  Expansion is precomputed for all 2^16 halfwords at
 * first use (256 KiB), so the interpreter pays one table load.
 */
#include "cpu.h"
#include "cpu_encode.h"

static uint32_t bits(uint32_t v, int hi, int lo)
{
	return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

/* sign-extend the low n bits of v */
static int32_t sext(uint32_t v, int n)
{
	return (int32_t)(v << (32 - n)) >> (32 - n);
}

static uint32_t q0(uint32_t c)
{
	uint32_t rdp = 8 + bits(c, 4, 2), rs1p = 8 + bits(c, 9, 7);
	uint32_t lw_off = bits(c, 12, 10) << 3 | bits(c, 6, 6) << 2 | bits(c, 5, 5) << 6;
	uint32_t ld_off = bits(c, 12, 10) << 3 | bits(c, 6, 5) << 6;
	switch (bits(c, 15, 13)) {
	case 0: { /* C.ADDI4SPN: addi rd', x2, nzuimm */
		uint32_t imm = bits(c, 12, 11) << 4 | bits(c, 10, 7) << 6 |
			       bits(c, 6, 6) << 2 | bits(c, 5, 5) << 3;
		return imm ? enc_i(OPC_OP_IMM, rdp, 0, 2, (int32_t)imm) : 0;
	}
	case 1: return enc_i(OPC_LOAD_FP, rdp, 3, rs1p, (int32_t)ld_off);    /* C.FLD */
	case 2: return enc_i(OPC_LOAD, rdp, 2, rs1p, (int32_t)lw_off);       /* C.LW */
	case 3: return enc_i(OPC_LOAD, rdp, 3, rs1p, (int32_t)ld_off);       /* C.LD */
	case 5: return enc_s(OPC_STORE_FP, 3, rs1p, rdp, (int32_t)ld_off);   /* C.FSD */
	case 6: return enc_s(OPC_STORE, 2, rs1p, rdp, (int32_t)lw_off);      /* C.SW */
	case 7: return enc_s(OPC_STORE, 3, rs1p, rdp, (int32_t)ld_off);      /* C.SD */
	default: return 0;  /* reserved */
	}
}

static uint32_t q1_misc_alu(uint32_t c)
{
	uint32_t rd = 8 + bits(c, 9, 7), rs2 = 8 + bits(c, 4, 2);
	uint32_t shamt = bits(c, 12, 12) << 5 | bits(c, 6, 2);
	switch (bits(c, 11, 10)) {
	case 0: return enc_i(OPC_OP_IMM, rd, 5, rd, (int32_t)shamt);            /* C.SRLI */
	case 1: return enc_i(OPC_OP_IMM, rd, 5, rd, (int32_t)(shamt | 0x400));  /* C.SRAI */
	case 2: return enc_i(OPC_OP_IMM, rd, 7, rd, sext(shamt, 6));            /* C.ANDI */
	}
	static const uint8_t f3[4] = { 0, 4, 6, 7 };  /* SUB XOR OR AND */
	uint32_t op = bits(c, 6, 5);
	if (!bits(c, 12, 12))
		return enc_r(OPC_OP, rd, f3[op], rd, rs2, op == 0 ? 0x20 : 0);
	if (op == 0)
		return enc_r(OPC_OP_32, rd, 0, rd, rs2, 0x20);  /* C.SUBW */
	if (op == 1)
		return enc_r(OPC_OP_32, rd, 0, rd, rs2, 0);     /* C.ADDW */
	return 0;
}

static uint32_t q1(uint32_t c)
{
	uint32_t rd = bits(c, 11, 7);
	int32_t imm6 = sext(bits(c, 12, 12) << 5 | bits(c, 6, 2), 6);
	uint32_t rs1p = 8 + bits(c, 9, 7);
	switch (bits(c, 15, 13)) {
	case 0: return enc_i(OPC_OP_IMM, rd, 0, rd, imm6);                 /* C.ADDI / C.NOP */
	case 1: return rd ? enc_i(OPC_OP_IMM_32, rd, 0, rd, imm6) : 0;     /* C.ADDIW */
	case 2: return enc_i(OPC_OP_IMM, rd, 0, 0, imm6);                  /* C.LI */
	case 3:
		if (rd == 2) {                                             /* C.ADDI16SP */
			uint32_t u = bits(c, 12, 12) << 9 | bits(c, 6, 6) << 4 | bits(c, 5, 5) << 6 |
				     bits(c, 4, 3) << 7 | bits(c, 2, 2) << 5;
			return u ? enc_i(OPC_OP_IMM, 2, 0, 2, sext(u, 10)) : 0;
		}
		if (imm6 == 0)
			return 0;                                          /* reserved */
		return enc_u(OPC_LUI, rd, (uint32_t)imm6 << 12);           /* C.LUI */
	case 4: return q1_misc_alu(c);
	case 5: {                                                          /* C.J */
		uint32_t u = bits(c, 12, 12) << 11 | bits(c, 11, 11) << 4 | bits(c, 10, 9) << 8 |
			     bits(c, 8, 8) << 10 | bits(c, 7, 7) << 6 | bits(c, 6, 6) << 7 |
			     bits(c, 5, 3) << 1 | bits(c, 2, 2) << 5;
		return enc_j(0, sext(u, 12));
	}
	default: {                                                         /* C.BEQZ / C.BNEZ */
		uint32_t u = bits(c, 12, 12) << 8 | bits(c, 11, 10) << 3 | bits(c, 6, 5) << 6 |
			     bits(c, 4, 3) << 1 | bits(c, 2, 2) << 5;
		return enc_b(bits(c, 15, 13) == 6 ? 0 : 1, rs1p, 0, sext(u, 9));
	}
	}
}

static uint32_t q2(uint32_t c)
{
	uint32_t rd = bits(c, 11, 7), rs2 = bits(c, 6, 2);
	switch (bits(c, 15, 13)) {
	case 0:                                                            /* C.SLLI */
		return enc_i(OPC_OP_IMM, rd, 1, rd, (int32_t)(bits(c, 12, 12) << 5 | rs2));
	case 1: {                                                          /* C.FLDSP */
		uint32_t off = bits(c, 12, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6;
		return enc_i(OPC_LOAD_FP, rd, 3, 2, (int32_t)off);         /* f0 allowed */
	}
	case 2: {                                                          /* C.LWSP */
		uint32_t off = bits(c, 12, 12) << 5 | bits(c, 6, 4) << 2 | bits(c, 3, 2) << 6;
		return rd ? enc_i(OPC_LOAD, rd, 2, 2, (int32_t)off) : 0;
	}
	case 3: {                                                          /* C.LDSP */
		uint32_t off = bits(c, 12, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6;
		return rd ? enc_i(OPC_LOAD, rd, 3, 2, (int32_t)off) : 0;
	}
	case 4:
		if (!bits(c, 12, 12)) {
			if (rs2)
				return enc_r(OPC_OP, rd, 0, 0, rs2, 0);    /* C.MV */
			return rd ? enc_i(OPC_JALR, 0, 0, rd, 0) : 0;      /* C.JR */
		}
		if (rs2)
			return enc_r(OPC_OP, rd, 0, rd, rs2, 0);           /* C.ADD */
		return rd ? enc_i(OPC_JALR, 1, 0, rd, 0) : RV_EBREAK;      /* C.JALR / C.EBREAK */
	case 6:                                                            /* C.SWSP */
		return enc_s(OPC_STORE, 2, 2, rs2,
			     (int32_t)(bits(c, 12, 9) << 2 | bits(c, 8, 7) << 6));
	case 7:                                                            /* C.SDSP */
		return enc_s(OPC_STORE, 3, 2, rs2,
			     (int32_t)(bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6));
	default:                                                           /* C.FSDSP */
		return enc_s(OPC_STORE_FP, 3, 2, rs2,
			     (int32_t)(bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6));
	}
}

uint32_t cpu_rvc_expand(uint16_t insn)
{
	switch (insn & 3) {
	case 0: return q0(insn);
	case 1: return q1(insn);
	case 2: return q2(insn);
	default: return 0;  /* not a compressed instruction */
	}
}

uint32_t cpu_rvc_table[1u << 16];
static bool rvc_table_ready;

void cpu_rvc_init(void)
{
	if (rvc_table_ready)
		return;
	for (uint32_t i = 0; i < (1u << 16); i++)
		cpu_rvc_table[i] = cpu_rvc_expand((uint16_t)i);
	rvc_table_ready = true;
}
