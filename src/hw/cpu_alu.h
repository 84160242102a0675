/*
 * cpu_alu.h - what each integer ALU instruction computes, written once for
 * both engines (the interpreter, cpu.c, and the fast engine, cpu_fast.c).
 *
 * CPU_ALU_OPS(ALU) expands ALU(NAME, expr) for every register-register and
 * register-immediate ALU instruction of RV64IM, LUI and AUIPC.  The
 * expressions name their operands RS1 and RS2 (the source registers'
 * values), IMM (the sign-extended immediate, int64_t; the shift amount for
 * shifts) and PC (the instruction's address), which the including engine
 * defines before the expansion and undefines after.  CPU_BRANCH_OPS does
 * the same for the conditional branches' conditions.
 */
#ifndef VMOS_HW_CPU_ALU_H
#define VMOS_HW_CPU_ALU_H

#define CPU_ALU_OPS(ALU) \
	ALU(ADDI, RS1 + (uint64_t)IMM) \
	ALU(SLTI, (int64_t)RS1 < IMM) \
	ALU(SLTIU, RS1 < (uint64_t)IMM) \
	ALU(XORI, RS1 ^ (uint64_t)IMM) \
	ALU(ORI, RS1 | (uint64_t)IMM) \
	ALU(ANDI, RS1 & (uint64_t)IMM) \
	ALU(SLLI, RS1 << IMM) \
	ALU(SRLI, RS1 >> IMM) \
	ALU(SRAI, (uint64_t)((int64_t)RS1 >> IMM)) \
	ALU(ADDIW, sext32(RS1 + (uint64_t)IMM)) \
	ALU(SLLIW, sext32((uint32_t)RS1 << IMM)) \
	ALU(SRLIW, sext32((uint32_t)RS1 >> IMM)) \
	ALU(SRAIW, sext32((uint64_t)((int32_t)RS1 >> IMM))) \
	ALU(ADD, RS1 + RS2) \
	ALU(SUB, RS1 - RS2) \
	ALU(SLL, RS1 << (RS2 & 63)) \
	ALU(SLT, (int64_t)RS1 < (int64_t)RS2) \
	ALU(SLTU, RS1 < RS2) \
	ALU(XOR, RS1 ^ RS2) \
	ALU(SRL, RS1 >> (RS2 & 63)) \
	ALU(SRA, (uint64_t)((int64_t)RS1 >> (RS2 & 63))) \
	ALU(OR, RS1 | RS2) \
	ALU(AND, RS1 & RS2) \
	ALU(MUL, RS1 * RS2) \
	ALU(MULH, (uint64_t)(((__int128)(int64_t)RS1 * (__int128)(int64_t)RS2) >> 64)) \
	ALU(MULHSU, (uint64_t)(((__int128)(int64_t)RS1 * \
	(__int128)(unsigned __int128)RS2) >> 64)) \
	ALU(MULHU, (uint64_t)(((unsigned __int128)RS1 * RS2) >> 64)) \
	ALU(DIV, div64((int64_t)RS1, (int64_t)RS2)) \
	ALU(DIVU, RS2 == 0 ? ~0ULL : RS1 / RS2) \
	ALU(REM, rem64((int64_t)RS1, (int64_t)RS2)) \
	ALU(REMU, RS2 == 0 ? RS1 : RS1 % RS2) \
	ALU(ADDW, sext32(RS1 + RS2)) \
	ALU(SUBW, sext32(RS1 - RS2)) \
	ALU(SLLW, sext32((uint32_t)RS1 << (RS2 & 31))) \
	ALU(SRLW, sext32((uint32_t)RS1 >> (RS2 & 31))) \
	ALU(SRAW, sext32((uint64_t)((int32_t)RS1 >> (RS2 & 31)))) \
	ALU(MULW, sext32((uint32_t)RS1 * (uint32_t)RS2)) \
	ALU(DIVW, div32((int32_t)RS1, (int32_t)RS2)) \
	ALU(DIVUW, sext32((uint32_t)RS2 == 0 ? ~0u : \
	(uint32_t)RS1 / (uint32_t)RS2)) \
	ALU(REMW, rem32((int32_t)RS1, (int32_t)RS2)) \
	ALU(REMUW, sext32((uint32_t)RS2 == 0 ? (uint32_t)RS1 : \
	(uint32_t)RS1 % (uint32_t)RS2)) \
	ALU(LUI, (uint64_t)IMM) \
	ALU(AUIPC, PC + (uint64_t)IMM)

/* CPU_BRANCH_OPS(BRANCH) expands BRANCH(NAME, cond) for the six
 * conditional branches, with RS1 and RS2 as above. */
#define CPU_BRANCH_OPS(BRANCH) \
	BRANCH(BEQ, RS1 == RS2) \
	BRANCH(BNE, RS1 != RS2) \
	BRANCH(BLT, (int64_t)RS1 < (int64_t)RS2) \
	BRANCH(BGE, (int64_t)RS1 >= (int64_t)RS2) \
	BRANCH(BLTU, RS1 < RS2) \
	BRANCH(BGEU, RS1 >= RS2)

#endif
