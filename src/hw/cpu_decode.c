/*
 * cpu_decode.c - the interpreter's decoder and its per-page memo of decoded
 * instructions (RISC-V unprivileged spec: RV64I opcode map, chapter 2 and
 * 5; "M" chapter 7; Zicsr counters chapter 10; "F" and "D" chapters 11-12,
 * executed by cpu_fp.c; RVC through cpu_rvc.c).
 *
 * cpu_decode() turns the bits of one instruction into a cpu_slot: the
 * operation (one per mnemonic, so the executor needs no funct3/funct7
 * switch), the register numbers and the sign-extended immediate.  Every
 * legality check happens here, once; the executor trusts the slot.
 *
 * The memo (cpu_page_slots): a direct-mapped table of CPU_SLOT_PAGES
 * entries, indexed by a hash of the host code page, each holding 2048 slots
 * (32 KiB, one per halfword position).  Because the interpreter checks every
 * slot's raw bits against the bits it fetches, reusing an array for another
 * page needs no clearing and no invalidation ever happens: host memory is
 * bounded by CPU_SLOT_PAGES * 32 KiB (8 MiB).
 */
#include "cpu_internal.h"
#include "cpu_encode.h"

#include <stdlib.h>

#define CPU_SLOT_PAGES 256           /* power of two */

static inline int64_t sext_n(uint32_t u, int n)
{
	return (int64_t)((int32_t)(u << (32 - n)) >> (32 - n));
}

static int64_t imm_i(uint32_t i) { return (int32_t)i >> 20; }

static int64_t imm_s(uint32_t i)
{
	return sext_n((i >> 25) << 5 | ((i >> 7) & 0x1f), 12);
}

static int64_t imm_b(uint32_t i)
{
	return sext_n((i >> 31) << 12 | ((i >> 7) & 1) << 11 | ((i >> 25) & 0x3f) << 5 |
		      ((i >> 8) & 0xf) << 1, 13);
}

static int64_t imm_j(uint32_t i)
{
	return sext_n((i >> 31) << 20 | (i & 0xff000) | ((i >> 20) & 1) << 11 |
		      ((i >> 21) & 0x3ff) << 1, 21);
}

/* OP-IMM: shifts take shamt in imm, the rest the I immediate. */
static int op_imm(uint32_t insn, int64_t *imm)
{
	static const uint8_t ops[8] = { CPU_OP_ADDI, CPU_OP_SLLI, CPU_OP_SLTI, CPU_OP_SLTIU,
					CPU_OP_XORI, CPU_OP_SRLI, CPU_OP_ORI, CPU_OP_ANDI };
	unsigned f3 = (insn >> 12) & 7, top = insn >> 26;
	*imm = imm_i(insn);
	if (f3 == 1 || f3 == 5) {
		*imm = (insn >> 20) & 63;
		if (f3 == 1)
			return top == 0 ? CPU_OP_SLLI : CPU_OP_ILLEGAL;
		return top == 0 ? CPU_OP_SRLI : top == 0x10 ? CPU_OP_SRAI : CPU_OP_ILLEGAL;
	}
	return ops[f3];
}

static int op_imm32(uint32_t insn, int64_t *imm)
{
	unsigned f3 = (insn >> 12) & 7, top = insn >> 25;
	*imm = imm_i(insn);
	switch (f3) {
	case 0: return CPU_OP_ADDIW;
	case 1: *imm = (insn >> 20) & 31; return top == 0 ? CPU_OP_SLLIW : CPU_OP_ILLEGAL;
	case 5:
		*imm = (insn >> 20) & 31;
		return top == 0 ? CPU_OP_SRLIW : top == 0x20 ? CPU_OP_SRAIW : CPU_OP_ILLEGAL;
	default: return CPU_OP_ILLEGAL;
	}
}

static int op_reg(uint32_t insn)
{
	static const uint8_t base[8] = { CPU_OP_ADD, CPU_OP_SLL, CPU_OP_SLT, CPU_OP_SLTU,
					 CPU_OP_XOR, CPU_OP_SRL, CPU_OP_OR, CPU_OP_AND };
	static const uint8_t muldiv[8] = { CPU_OP_MUL, CPU_OP_MULH, CPU_OP_MULHSU, CPU_OP_MULHU,
					   CPU_OP_DIV, CPU_OP_DIVU, CPU_OP_REM, CPU_OP_REMU };
	unsigned f3 = (insn >> 12) & 7, f7 = insn >> 25;
	if (f7 == 0)
		return base[f3];
	if (f7 == 1)
		return muldiv[f3];
	if (f7 == 0x20 && f3 == 0)
		return CPU_OP_SUB;
	if (f7 == 0x20 && f3 == 5)
		return CPU_OP_SRA;
	return CPU_OP_ILLEGAL;
}

static int op_reg32(uint32_t insn)
{
	static const uint8_t muldiv[8] = { CPU_OP_MULW, CPU_OP_ILLEGAL, CPU_OP_ILLEGAL,
					   CPU_OP_ILLEGAL, CPU_OP_DIVW, CPU_OP_DIVUW,
					   CPU_OP_REMW, CPU_OP_REMUW };
	unsigned f3 = (insn >> 12) & 7, f7 = insn >> 25;
	if (f7 == 1)
		return muldiv[f3];
	if (f7 == 0)
		return f3 == 0 ? CPU_OP_ADDW : f3 == 1 ? CPU_OP_SLLW :
		       f3 == 5 ? CPU_OP_SRLW : CPU_OP_ILLEGAL;
	if (f7 == 0x20)
		return f3 == 0 ? CPU_OP_SUBW : f3 == 5 ? CPU_OP_SRAW : CPU_OP_ILLEGAL;
	return CPU_OP_ILLEGAL;
}

/* SYSTEM: ecall, ebreak, every csr form on the FP CSRs (fflags, frm,
 * fcsr), and reads of the three user counters (csrrs/csrrc with rs1 = x0,
 * csrrsi/csrrci with uimm = 0); the counters are read-only, so every form
 * that writes them is illegal. */
static int op_system(uint32_t insn)
{
	unsigned f3 = (insn >> 12) & 7, src = (insn >> 15) & 31, csr = insn >> 20;
	if (f3 == 0)
		return insn == RV_ECALL ? CPU_OP_ECALL : insn == RV_EBREAK ? CPU_OP_EBREAK :
		       CPU_OP_ILLEGAL;
	if (f3 != 4 && (csr == CSR_FFLAGS || csr == CSR_FRM || csr == CSR_FCSR))
		return CPU_OP_CSR_FP;
	if (f3 == 1 || f3 == 5 || f3 == 4 || src != 0)
		return CPU_OP_ILLEGAL;
	switch (insn >> 20) {
	case 0xc00: /* cycle: one cycle per instruction */
	case 0xc02: /* instret */
		return CPU_OP_CSR_COUNT;
	case 0xc01:
		return CPU_OP_CSR_TIME;
	default:
		return CPU_OP_ILLEGAL;
	}
}

/* The operation of a 32-bit instruction; sets *imm. */
static int op_of(uint32_t insn, int64_t *imm)
{
	static const uint8_t loads[8] = { CPU_OP_LB, CPU_OP_LH, CPU_OP_LW, CPU_OP_LD,
					  CPU_OP_LBU, CPU_OP_LHU, CPU_OP_LWU, CPU_OP_ILLEGAL };
	static const uint8_t stores[8] = { CPU_OP_SB, CPU_OP_SH, CPU_OP_SW, CPU_OP_SD,
					   CPU_OP_ILLEGAL, CPU_OP_ILLEGAL, CPU_OP_ILLEGAL,
					   CPU_OP_ILLEGAL };
	static const uint8_t branches[8] = { CPU_OP_BEQ, CPU_OP_BNE, CPU_OP_ILLEGAL,
					     CPU_OP_ILLEGAL, CPU_OP_BLT, CPU_OP_BGE,
					     CPU_OP_BLTU, CPU_OP_BGEU };
	unsigned f3 = (insn >> 12) & 7;
	*imm = 0;
	switch (insn & 0x7f) {
	case OPC_OP_IMM:    return op_imm(insn, imm);
	case OPC_OP_IMM_32: return op_imm32(insn, imm);
	case OPC_OP:        return op_reg(insn);
	case OPC_OP_32:     return op_reg32(insn);
	case OPC_LUI:       *imm = (int32_t)(insn & 0xfffff000u); return CPU_OP_LUI;
	case OPC_AUIPC:     *imm = (int32_t)(insn & 0xfffff000u); return CPU_OP_AUIPC;
	case OPC_JAL:       *imm = imm_j(insn); return CPU_OP_JAL;
	case OPC_JALR:      *imm = imm_i(insn); return f3 == 0 ? CPU_OP_JALR : CPU_OP_ILLEGAL;
	case OPC_BRANCH:    *imm = imm_b(insn); return branches[f3];
	case OPC_LOAD:      *imm = imm_i(insn); return loads[f3];
	case OPC_STORE:     *imm = imm_s(insn); return stores[f3];
	case OPC_AMO:       *imm = insn; return CPU_OP_AMO;  /* checked by cpu_exec_amo */
	case OPC_MISC_MEM:  return f3 <= 1 ? CPU_OP_NOP : CPU_OP_ILLEGAL; /* fence, fence.i */
	case OPC_SYSTEM:    *imm = insn; return op_system(insn);
	case OPC_LOAD_FP:
		*imm = imm_i(insn);
		return f3 == 2 ? CPU_OP_FLW : f3 == 3 ? CPU_OP_FLD : CPU_OP_ILLEGAL;
	case OPC_STORE_FP:
		*imm = imm_s(insn);
		return f3 == 2 ? CPU_OP_FSW : f3 == 3 ? CPU_OP_FSD : CPU_OP_ILLEGAL;
	case OPC_OP_FP: case OPC_MADD: case OPC_MSUB: case OPC_NMSUB: case OPC_NMADD:
		*imm = insn; return CPU_OP_FP;      /* checked by cpu_exec_fp */
	default:            return CPU_OP_ILLEGAL;
	}
}

/* True for operations whose only effect is writing rd. */
static bool writes_rd_only(int op)
{
	return (op >= CPU_OP_ADDI && op <= CPU_OP_AUIPC) || op == CPU_OP_CSR_COUNT ||
	       op == CPU_OP_CSR_TIME;
}

void cpu_decode(struct cpu_slot *s, uint32_t word)
{
	uint32_t insn = word;
	if ((word & 3) != 3)
		insn = cpu_rvc_table[word & 0xffff];  /* 0: illegal or reserved */
	int64_t imm = 0;
	int op = insn ? op_of(insn, &imm) : CPU_OP_ILLEGAL;
	unsigned rd = (insn >> 7) & 31;
	if (rd == 0 && writes_rd_only(op))
		op = CPU_OP_NOP;
	s->raw = word;
	s->op = (uint8_t)op;
	s->rd = (uint8_t)rd;
	s->rs1 = (uint8_t)((insn >> 15) & 31);
	s->rs2 = (uint8_t)((insn >> 20) & 31);
	s->len = (word & 3) == 3 ? 4 : 2;
	s->imm = (int32_t)imm;
}

struct slot_page {
	const uint8_t *page;          /* host code page, NULL if unused */
	struct cpu_slot *slots;       /* CPU_PAGE_SLOTS of them, or NULL */
};

static struct slot_page slot_pages[CPU_SLOT_PAGES];
static struct cpu_slot scratch_slots[CPU_PAGE_SLOTS];

struct cpu_slot *cpu_page_slots(const uint8_t *page)
{
	uintptr_t pn = (uintptr_t)page >> PGSHIFT;
	struct slot_page *e = &slot_pages[(pn ^ (pn >> 8) ^ (pn >> 16)) & (CPU_SLOT_PAGES - 1)];
	if (e->page != page) {
		if (!e->slots)
			e->slots = calloc(CPU_PAGE_SLOTS, sizeof(struct cpu_slot));
		if (!e->slots)
			return scratch_slots;
		e->page = page;
	}
	return e->slots;
}
