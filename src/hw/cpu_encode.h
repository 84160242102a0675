/*
 * cpu_encode.h - encoders for the RV64 base instruction formats (RISC-V
 * unprivileged spec, 2.2-2.3):
 *
 *   31      25 24  20 19  15 14 12 11       7 6     0
 *  | funct7   | rs2  | rs1  | f3  | rd        | opcode |  R
 *  | imm[11:0]       | rs1  | f3  | rd        | opcode |  I
 *  | imm[11:5]| rs2  | rs1  | f3  | imm[4:0]  | opcode |  S
 *  |12|10:5   | rs2  | rs1  | f3  |4:1|11     | opcode |  B
 *  | imm[31:12]                   | rd        | opcode |  U
 *  |20| 10:1       |11| 19:12     | rd        | opcode |  J
 *
 * Used by the compressed-instruction expander (cpu_rvc.c), which rewrites
 * each 16-bit instruction as its 32-bit equivalent, and by the tests and
 * benchmarks, which assemble programs by hand.
 */
#ifndef VMOS_HW_CPU_ENCODE_H
#define VMOS_HW_CPU_ENCODE_H

#include <stdint.h>

/* major opcodes (inst[6:0]) */
enum {
	OPC_LOAD = 0x03, OPC_MISC_MEM = 0x0f, OPC_OP_IMM = 0x13, OPC_AUIPC = 0x17,
	OPC_OP_IMM_32 = 0x1b, OPC_STORE = 0x23, OPC_AMO = 0x2f, OPC_OP = 0x33,
	OPC_LUI = 0x37, OPC_OP_32 = 0x3b, OPC_BRANCH = 0x63, OPC_JALR = 0x67,
	OPC_JAL = 0x6f, OPC_SYSTEM = 0x73,
	/* F and D */
	OPC_LOAD_FP = 0x07, OPC_STORE_FP = 0x27, OPC_MADD = 0x43, OPC_MSUB = 0x47,
	OPC_NMSUB = 0x4b, OPC_NMADD = 0x4f, OPC_OP_FP = 0x53,
};

/* the FP CSRs */
enum { CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003 };

/* R4 format (fused multiply-add): rs3 in [31:27], fmt in [26:25] */
static inline uint32_t enc_r4(uint32_t op, uint32_t rd, uint32_t rm, uint32_t rs1, uint32_t rs2,
			      uint32_t rs3, uint32_t fmt)
{
	return (rs3 & 31) << 27 | (fmt & 3) << 25 | (rs2 & 31) << 20 | (rs1 & 31) << 15 |
	       (rm & 7) << 12 | (rd & 31) << 7 | op;
}

static inline uint32_t enc_r(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1,
			     uint32_t rs2, uint32_t f7)
{
	return f7 << 25 | (rs2 & 31) << 20 | (rs1 & 31) << 15 | f3 << 12 | (rd & 31) << 7 | op;
}

static inline uint32_t enc_i(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1, int32_t imm)
{
	return ((uint32_t)imm & 0xfff) << 20 | (rs1 & 31) << 15 | f3 << 12 | (rd & 31) << 7 | op;
}

static inline uint32_t enc_s(uint32_t op, uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm)
{
	uint32_t u = (uint32_t)imm;
	return ((u >> 5) & 0x7f) << 25 | (rs2 & 31) << 20 | (rs1 & 31) << 15 | f3 << 12 |
	       (u & 0x1f) << 7 | op;
}

static inline uint32_t enc_b(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t off)
{
	uint32_t u = (uint32_t)off;
	return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | (rs2 & 31) << 20 |
	       (rs1 & 31) << 15 | f3 << 12 | ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 |
	       OPC_BRANCH;
}

static inline uint32_t enc_u(uint32_t op, uint32_t rd, uint32_t imm_hi /* bits 31:12 in place */)
{
	return (imm_hi & 0xfffff000u) | (rd & 31) << 7 | op;
}

static inline uint32_t enc_j(uint32_t rd, int32_t off)
{
	uint32_t u = (uint32_t)off;
	return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 | ((u >> 11) & 1) << 20 |
	       ((u >> 12) & 0xff) << 12 | (rd & 31) << 7 | OPC_JAL;
}

#define RV_ECALL  0x00000073u
#define RV_EBREAK 0x00100073u

#endif
