/*
 * cpu_internal.h - what the interpreter loop (cpu.c) shares with its
 * out-of-line memory paths (cpu_mem.c) and the RVC expander (cpu_rvc.c).
 * Not for use outside src/hw.
 */
#ifndef VMOS_HW_CPU_INTERNAL_H
#define VMOS_HW_CPU_INTERNAL_H

#include "cpu.h"

/* cpu_rvc.c: expansion of every 16-bit halfword, 0 = illegal */
extern uint32_t cpu_rvc_table[1u << 16];
void cpu_rvc_init(void);

/* The slow paths below return 0 or an exception cause, with *tval set to the
 * faulting address.  They translate every page an access touches before
 * touching memory, so a faulting access has no effect.  Misaligned accesses
 * are emulated byte by byte (as Linux does for user mode); an access that
 * straddles two pages costs two TLB lookups, and a fault on the second page
 * reports that page's first byte as tval. */
int cpu_load_slow(struct mmu *m, uint64_t va, unsigned size, uint64_t *val, uint64_t *tval);
int cpu_store_slow(struct mmu *m, uint64_t va, unsigned size, uint64_t val, uint64_t *tval);
/* cpu_store_slow that also says whether it wrote to a frame the fast
 * engine holds translated code from (ram.h). */
int cpu_store_slow_code(struct mmu *m, uint64_t va, unsigned size, uint64_t val,
			uint64_t *tval, bool *code);

/* Fetches the instruction at pc (the fetch cache missed): sets *page_va and
 * *page_host to pc's page for the cache, and *insn to the 16 or 32 bits at
 * pc (a 32-bit instruction may straddle into the next page; if that page
 * faults, tval is its first byte). */
int cpu_fetch_slow(struct mmu *m, uint64_t pc, uint32_t *insn, uint64_t *page_va,
		   const uint8_t **page_host, uint64_t *tval);

/* Executes the A-extension instruction insn (opcode AMO): returns 0, or a
 * cause (illegal: tval = insn; misaligned or fault: tval = address). */
int cpu_exec_amo(struct cpu *c, uint32_t insn, uint64_t *tval);
/* rdtime: the time CSR (cpu_time), counted in c->time_reads. */
uint64_t cpu_read_time(struct cpu *c);

/* Executes an F/D computational instruction (opcodes OP-FP, MADD, MSUB,
 * NMSUB, NMADD; cpu_fp.c): returns 0, or CAUSE_ILLEGAL_INSN for a reserved
 * encoding or rounding mode (then nothing changed). */
int cpu_exec_fp(struct cpu *c, uint32_t insn);

/* Executes csrrw/csrrs/csrrc(i) on fflags, frm or fcsr: 0 or
 * CAUSE_ILLEGAL_INSN. */
int cpu_exec_csr_fp(struct cpu *c, uint32_t insn);

/* ---- predecoded instructions (cpu_decode.c) -------------------------------
 *
 * Decoding is memoized per code position: each host code page (a physical
 * 4 KiB frame) has 2048 slots, one per halfword.  A slot records the 32 bits
 * that were fetched at its position (`raw`) and what they decode to.  The
 * interpreter uses a slot only if the bits it fetches right now equal `raw`,
 * so a slot is a pure function of `raw`: it can never be stale, whoever
 * wrote the code (a user store, the kernel loading an ELF into a reused
 * frame, copy-on-write), and fence.i needs no action. */

/* The operations a slot can hold; CPU_OP_DECODE (0) marks an empty slot. */
#define CPU_OPS(X) \
	X(DECODE) X(ILLEGAL) X(NOP) \
	X(ADDI) X(SLTI) X(SLTIU) X(XORI) X(ORI) X(ANDI) X(SLLI) X(SRLI) X(SRAI) \
	X(ADDIW) X(SLLIW) X(SRLIW) X(SRAIW) \
	X(ADD) X(SUB) X(SLL) X(SLT) X(SLTU) X(XOR) X(SRL) X(SRA) X(OR) X(AND) \
	X(MUL) X(MULH) X(MULHSU) X(MULHU) X(DIV) X(DIVU) X(REM) X(REMU) \
	X(ADDW) X(SUBW) X(SLLW) X(SRLW) X(SRAW) \
	X(MULW) X(DIVW) X(DIVUW) X(REMW) X(REMUW) \
	X(LUI) X(AUIPC) X(JAL) X(JALR) \
	X(BEQ) X(BNE) X(BLT) X(BGE) X(BLTU) X(BGEU) \
	X(LB) X(LH) X(LW) X(LD) X(LBU) X(LHU) X(LWU) \
	X(SB) X(SH) X(SW) X(SD) \
	X(AMO) X(ECALL) X(EBREAK) X(CSR_COUNT) X(CSR_TIME) \
	X(FLW) X(FLD) X(FSW) X(FSD) X(FP) X(CSR_FP)

#define CPU_OP_ENUM(name) CPU_OP_##name,
enum cpu_op { CPU_OPS(CPU_OP_ENUM) CPU_OP_COUNT };

/* One decoded instruction (16 bytes).  imm is the sign-extended immediate
 * (every RV64 immediate fits in 32 bits); for AMO, FP and CSR_FP it holds
 * the instruction bits.  An ALU instruction with rd = x0
 * decodes to NOP, so most handlers never write x0. */
struct cpu_slot {
	uint32_t raw;        /* the 4 bytes fetched at this position */
	uint8_t op;          /* enum cpu_op */
	uint8_t rd, rs1, rs2;
	uint8_t len;         /* 2 (compressed) or 4 */
	int32_t imm;
};
_Static_assert(sizeof(struct cpu_slot) == 16, "cpu_slot packs into 16 bytes");

#define CPU_PAGE_SLOTS (PGSIZE / 2)

/* Decodes word (the bits at pc: a compressed instruction in its low 16
 * bits) into *s, raw included.  Never fails: an illegal or reserved
 * encoding decodes to CPU_OP_ILLEGAL. */
void cpu_decode(struct cpu_slot *s, uint32_t word);

/* The slot array of the code page at host address page (4 KiB aligned).
 * Arrays live in a bounded direct-mapped table (host memory, allocated on
 * first use); a page that collides takes over its entry's array without
 * clearing it, which is safe because slots are checked against the fetched
 * bits.  Never fails: if the host refuses memory, returns a shared scratch
 * array (correct, only slower). */
struct cpu_slot *cpu_page_slots(const uint8_t *page);

/* ---- integer helpers shared by both engines (cpu.c, cpu_fast.c) ---- */

static inline uint64_t sext32(uint64_t v)
{
	return (uint64_t)(int64_t)(int32_t)v;
}

/* M extension: division by zero and overflow give the results the spec
 * tabulates instead of trapping. */
static inline uint64_t div64(int64_t a, int64_t b)
{
	return b == 0 ? ~0ULL : (a == INT64_MIN && b == -1) ? (uint64_t)a : (uint64_t)(a / b);
}

static inline uint64_t rem64(int64_t a, int64_t b)
{
	return b == 0 ? (uint64_t)a : (a == INT64_MIN && b == -1) ? 0 : (uint64_t)(a % b);
}

static inline uint64_t div32(int32_t a, int32_t b)
{
	return sext32(b == 0 ? ~0u : (a == INT32_MIN && b == -1) ? (uint32_t)a : (uint32_t)(a / b));
}

static inline uint64_t rem32(int32_t a, int32_t b)
{
	return sext32(b == 0 ? (uint32_t)a : (a == INT32_MIN && b == -1) ? 0 : (uint32_t)(a % b));
}

#endif
