/*
 * cpu_jit_emit.c - the JIT's translator (see cpu_jit.c for the design):
 * x86-64 code for one block of decoded RV64GC instructions, and the
 * trampolines in and out of the code.  Every emitted sequence follows the
 * register conventions of cpu_jit_internal.h.
 */
#include "cpu_jit_internal.h"

#if defined(__x86_64__) && defined(__linux__) && !defined(VMOS_NO_JIT)

#include "cpu_alu.h"
#include "cpu_encode.h"
#include "x86_emit.h"

#include <stddef.h>
#include <string.h>

uint8_t *jit_exit;             /* the exit trampoline */
uint8_t *jit_lookup;           /* go on at rbp through the block table */

/* ---- helpers the code calls ---------------------------------------------- */

/* Every ALU instruction as a function of (rs1, rs2, imm, pc), for the ones
 * the translator does not emit natively (mulh*, div*, rem*). */
#define RS1 a
#define RS2 b
#define IMM imm
#define PC pc
#define ALU_FN(name, expr)                                                      \
	static uint64_t jh_##name(uint64_t a, uint64_t b, int64_t imm, uint64_t pc) \
	{                                                                       \
		(void)a; (void)b; (void)imm; (void)pc;                          \
		return (expr);                                                  \
	}
CPU_ALU_OPS(ALU_FN)
#undef ALU_FN
#undef RS1
#undef RS2
#undef IMM
#undef PC

typedef uint64_t alu_fn(uint64_t, uint64_t, int64_t, uint64_t);
#define ALU_ENTRY(name, expr) [CPU_OP_##name] = jh_##name,
static alu_fn *const alu_helpers[CPU_OP_COUNT] = { CPU_ALU_OPS(ALU_ENTRY) };
#undef ALU_ENTRY

/* ---- the translator ------------------------------------------------------ */

#define CTX(f) ((int32_t)offsetof(struct jit_ctx, f))
#define XR(r)  ((int32_t)(8 * (r)))                       /* x[r] from rbx */
#define FR(r)  ((int32_t)(offsetof(struct cpu, f) + 8 * (r)))
#define FAST_OFF(acc) ((int32_t)((acc) * MMU_FAST_ENTRIES * sizeof(struct mmu_fast)))

_Static_assert(offsetof(struct cpu, x) == 0, "rbx points at x[0]");
_Static_assert(sizeof(struct mmu_fast) == 16, "fast-cache entries are 16 bytes");
_Static_assert(MMU_FAST_ENTRIES == 1024, "the index mask below is 0x3ff0");


struct jtr {
	struct x86 e;
	const struct jinsn *ins;
	unsigned n, len;     /* instructions, bytes */
	unsigned page_off;   /* the block's offset in its page */
	bool mx;             /* the guest's MXCSR is loaded (see "FP" below) */
};

static void emit_exit(struct x86 *e, enum jit_exit code)
{
	x86_mov_imm(e, RAX, code);
	x86_jmp(e, jit_exit);
}

/* r13 += k: instructions charged that did not run. */
static void emit_giveback(struct x86 *e, unsigned k)
{
	if (k)
		x86_alu_ri(e, 1, ALU_ADD, R13, (int32_t)k);
}

/* Go on at the block's pc + delta (rbp += delta): a patchable link if the
 * target lies on the block's page, else back to the dispatcher. */
static void emit_goto(struct jtr *t, int64_t delta)
{
	struct x86 *e = &t->e;
	if (delta)
		x86_alu_ri(e, 1, ALU_ADD, RBP, (int32_t)delta);
	int64_t to = (int64_t)t->page_off + delta;
	if (to < 0 || to > (int64_t)PGSIZE - 2) {
		emit_exit(e, JX_NEXT);           /* another page: the dispatcher */
		return;
	}
	/* link: jmp stub (patched to the target block's entry); stub: tell
	 * the dispatcher where the link is */
	uint8_t *field = x86_jmp(e, NULL);
	x86_bind(field, e->p);
	x86_lea_rip(e, RAX, field);
	x86_store64(e, RAX, R15, CTX(patch));
	emit_exit(e, JX_NEXT);
}

/* A trap at instruction i: cause in rax, tval already in ctx. */
static void emit_trap_tail(struct jtr *t, unsigned i)
{
	struct x86 *e = &t->e;
	x86_op_rr(e, 0, 0x89, RAX, RAX);             /* mov eax, eax: an int's upper half */
	x86_store64(e, RAX, R15, CTX(cause));
	emit_giveback(e, t->n - i);
	if (t->ins[i].off)
		x86_alu_ri(e, 1, ALU_ADD, RBP, (int32_t)t->ins[i].off);
	emit_exit(e, JX_TRAP);
}

/* Leaves after instruction i retired out of line: exit code in rax. */
static void emit_after_slow(struct jtr *t, unsigned i)
{
	struct x86 *e = &t->e;
	emit_giveback(e, t->n - i - 1);
	unsigned next = t->ins[i].off + t->ins[i].len;
	x86_alu_ri(e, 1, ALU_ADD, RBP, (int32_t)next);
	x86_jmp(e, jit_exit);
}

/* Cold code, emitted after the block's body. */
enum cold_kind { COLD_LOAD, COLD_STORE, COLD_BRANCH, COLD_TRAP, COLD_FP };
#define COLD_FIELDS 6
struct cold {
	uint8_t *field[COLD_FIELDS];   /* the rel32s of the jumps to it */
	unsigned nfield;
	enum cold_kind kind;
	unsigned i;
	bool mx;             /* the guest's MXCSR is loaded when it is entered */
	uint8_t *back;       /* COLD_FP: where it goes back to */
};

static struct cold *cold_add(struct cold *cold, unsigned *nc, uint8_t *field, enum cold_kind kind,
			     unsigned i, bool mx)
{
	struct cold *c = &cold[(*nc)++];
	*c = (struct cold){ .field = { field }, .nfield = 1, .kind = kind, .i = i, .mx = mx };
	return c;
}

/* ---- FP: the guest's MXCSR ------------------------------------------------
 * Inline F/D arithmetic runs with the guest's MXCSR loaded (RNE, every
 * exception masked, no DAZ/FTZ): t->mx says, at translation time, whether
 * it is.  The first inline FP instruction of a stretch loads it with its
 * flags clear; the flags the SSE instructions raise then accumulate in it,
 * and a fold ORs them into fcsr's fflags and restores the host's MXCSR
 * (saved by the enter trampoline) before anything else can run or look:
 * before every call out of the code (helpers, the slow paths of loads and
 * stores, cpu_exec_fp), before every exit (a branch or jump out of the
 * block, a link to the next block, a trap).  So fflags is exact whenever
 * C code (the CSR instructions, the kernel) can read it, and no C code
 * ever runs under the guest's MXCSR.  Between a load and its fold only
 * generated code runs: integer instructions, the fast paths of loads and
 * stores, and more inline FP. */
static void emit_fold(struct x86 *e)     /* clobbers rcx, rdx; keeps rax */
{
	x86_stmxcsr(e, R15, CTX(mx_tmp));
	x86_load32(e, RDX, R15, CTX(mx_tmp));
	x86_alu_ri(e, 0, ALU_AND, RDX, 0x3f);
	x86_alu_rr(e, 0, ALU_XOR, RCX, RCX);
	x86_op_idx(e, 0, 0x8a, RCX, R15, RDX, CTX(mx_flags));   /* mov cl, mx_flags[edx] */
	x86_alu_mr(e, 0, ALU_OR, RBX, (int32_t)offsetof(struct cpu, fcsr), RCX);
	x86_ldmxcsr(e, R15, CTX(host_mx));
}

static void emit_mx_on(struct jtr *t)
{
	if (!t->mx)
		x86_ldmxcsr(&t->e, R15, CTX(guest_mx));
	t->mx = true;
}

static void emit_mx_off(struct jtr *t)
{
	if (t->mx)
		emit_fold(&t->e);
	t->mx = false;
}

/* Register-file location of a load's destination / a store's source. */
static bool is_fp_mem(unsigned op)
{
	return op == CPU_OP_FLW || op == CPU_OP_FLD || op == CPU_OP_FSW || op == CPU_OP_FSD;
}

static unsigned mem_size(unsigned op)
{
	switch (op) {
	case CPU_OP_LB: case CPU_OP_LBU: case CPU_OP_SB: return 1;
	case CPU_OP_LH: case CPU_OP_LHU: case CPU_OP_SH: return 2;
	case CPU_OP_LW: case CPU_OP_LWU: case CPU_OP_SW: case CPU_OP_FLW: case CPU_OP_FSW: return 4;
	default: return 8;
	}
}

/* Extends the loaded value in rdx (read from [src + disp]) and writes it to
 * the destination register of s. */
static void emit_load_value(struct x86 *e, const struct cpu_slot *s, int src, int32_t disp)
{
	switch (s->op) {
	case CPU_OP_LB:  x86_load_ext(e, 0xbe, RDX, src, disp); break;
	case CPU_OP_LBU: x86_load_ext(e, 0xb6, RDX, src, disp); break;
	case CPU_OP_LH:  x86_load_ext(e, 0xbf, RDX, src, disp); break;
	case CPU_OP_LHU: x86_load_ext(e, 0xb7, RDX, src, disp); break;
	case CPU_OP_LW:  x86_load32s(e, RDX, src, disp); break;
	case CPU_OP_LWU: x86_load32(e, RDX, src, disp); break;
	case CPU_OP_FLW:
		x86_load32(e, RDX, src, disp);
		x86_mov_imm(e, RCX, 0xffffffff00000000ULL);
		x86_alu_rr(e, 1, ALU_OR, RDX, RCX);
		break;
	default:         x86_load64(e, RDX, src, disp); break;
	}
	if (s->op == CPU_OP_FLW || s->op == CPU_OP_FLD) {
		x86_store64(e, RDX, RBX, FR(s->rd));
		x86_store8_imm(e, RBX, (int32_t)offsetof(struct cpu, fs), CPU_FS_DIRTY);
	} else if (s->rd) {
		x86_store64(e, RDX, RBX, XR(s->rd));
	}
}

/* rax = x[rs1] + imm; rcx = the fast-cache slot's offset; compares the
 * slot's tag; returns the field of the jne to the slow path. */
static uint8_t *emit_fast_probe(struct x86 *e, const struct cpu_slot *s, enum mmu_access acc,
				unsigned size)
{
	x86_load64(e, RAX, RBX, XR(s->rs1));
	if (s->imm)
		x86_alu_ri(e, 1, ALU_ADD, RAX, s->imm);
	x86_op_rr(e, 0, 0x89, RAX, RCX);                    /* mov ecx, eax */
	x86_shift_ri(e, 0, SH_SHR, RCX, PGSHIFT - 4);
	x86_alu_ri(e, 0, ALU_AND, RCX, (MMU_FAST_ENTRIES - 1) << 4);
	x86_mov_rr(e, RDX, RAX);
	x86_alu_ri(e, 1, ALU_AND, RDX, (int32_t)(~(uint32_t)PGMASK | (size - 1)));
	x86_op_idx(e, 1, 0x3b, RDX, R12, RCX, FAST_OFF(acc));      /* cmp rdx, tag */
	uint8_t *f = x86_jcc(e, CC_NE, NULL);
	x86_op_idx(e, 1, 0x03, RAX, R12, RCX, FAST_OFF(acc) + 8);  /* add rax, addend */
	return f;
}

static void emit_load(struct jtr *t, unsigned i, struct cold *cold, unsigned *nc)
{
	struct x86 *e = &t->e;
	const struct cpu_slot *s = &t->ins[i].s;
	uint8_t *f = emit_fast_probe(e, s, ACC_LOAD, mem_size(s->op));
	emit_load_value(e, s, RAX, 0);
	x86_inc(e, R14);
	cold_add(cold, nc, f, COLD_LOAD, i, t->mx);
}

static void emit_store(struct jtr *t, unsigned i, struct cold *cold, unsigned *nc)
{
	struct x86 *e = &t->e;
	const struct cpu_slot *s = &t->ins[i].s;
	unsigned size = mem_size(s->op);
	uint8_t *f = emit_fast_probe(e, s, ACC_STORE, size);
	x86_load64(e, RDX, RBX, is_fp_mem(s->op) ? FR(s->rs2) : XR(s->rs2));
	x86_store_n(e, size, RDX, RAX, 0);
	x86_inc(e, R14);
	cold_add(cold, nc, f, COLD_STORE, i, t->mx);
}

static void emit_cold_load(struct jtr *t, unsigned i)
{
	struct x86 *e = &t->e;
	const struct cpu_slot *s = &t->ins[i].s;
	x86_load64(e, RDI, R15, CTX(m));
	x86_mov_rr(e, RSI, RAX);
	x86_mov_imm(e, RDX, mem_size(s->op));
	x86_lea(e, RCX, R15, CTX(val));
	x86_lea(e, R8, R15, CTX(tval));
	x86_call(e, (const void *)cpu_load_slow);
	x86_test32(e, RAX, RAX);
	uint8_t *ok = x86_jcc(e, CC_E, NULL);
	emit_trap_tail(t, i);
	x86_bind(ok, e->p);
	emit_load_value(e, s, R15, CTX(val));
	x86_mov_imm(e, RAX, JX_SLOW);
	emit_after_slow(t, i);
}

static void emit_cold_store(struct jtr *t, unsigned i)
{
	struct x86 *e = &t->e;
	const struct cpu_slot *s = &t->ins[i].s;
	x86_load64(e, RDI, R15, CTX(m));
	x86_mov_rr(e, RSI, RAX);
	x86_mov_imm(e, RDX, mem_size(s->op));
	x86_load64(e, RCX, RBX, is_fp_mem(s->op) ? FR(s->rs2) : XR(s->rs2));
	x86_lea(e, R8, R15, CTX(tval));
	x86_lea(e, R9, R15, CTX(code));
	x86_call(e, (const void *)cpu_store_slow_code);
	x86_test32(e, RAX, RAX);
	uint8_t *ok = x86_jcc(e, CC_E, NULL);
	emit_trap_tail(t, i);
	x86_bind(ok, e->p);
	x86_load8z(e, RAX, R15, CTX(code));                 /* JX_SLOW + code */
	x86_alu_ri(e, 0, ALU_ADD, RAX, JX_SLOW);
	emit_after_slow(t, i);
}

static const uint8_t branch_cc[CPU_OP_COUNT] = {
	[CPU_OP_BEQ] = CC_E, [CPU_OP_BNE] = CC_NE, [CPU_OP_BLT] = CC_L,
	[CPU_OP_BGE] = CC_GE, [CPU_OP_BLTU] = CC_B, [CPU_OP_BGEU] = CC_AE,
};

/* An integer ALU instruction, natively where it is short, else through its
 * cpu_alu.h function. */
static void emit_alu(struct jtr *t, unsigned i)
{
	struct x86 *e = &t->e;
	const struct cpu_slot *s = &t->ins[i].s;
	int32_t imm = s->imm;
	unsigned op = s->op;
	switch (op) {
	case CPU_OP_ADDI: case CPU_OP_XORI: case CPU_OP_ORI: case CPU_OP_ANDI: {
		enum x86_alu a = op == CPU_OP_ADDI ? ALU_ADD : op == CPU_OP_XORI ? ALU_XOR :
				 op == CPU_OP_ORI ? ALU_OR : ALU_AND;
		if (s->rs1 == s->rd) {                  /* c.addi, c.andi, ...: in place */
			if (imm || a == ALU_AND)
				x86_alu_mi(e, a, RBX, XR(s->rd), imm);
			return;
		}
		if (s->rs1 == 0) {
			x86_mov_imm(e, RAX, (uint64_t)(int64_t)(op == CPU_OP_ANDI ? 0 : imm));
		} else {
			x86_load64(e, RAX, RBX, XR(s->rs1));
			if (imm || a == ALU_AND)
				x86_alu_ri(e, 1, a, RAX, imm);
		}
		break;
	}
	case CPU_OP_SLTI: case CPU_OP_SLTIU: case CPU_OP_SLT: case CPU_OP_SLTU:
		x86_alu_rr(e, 0, ALU_XOR, RCX, RCX);
		x86_load64(e, RAX, RBX, XR(s->rs1));
		if (op == CPU_OP_SLTI || op == CPU_OP_SLTIU)
			x86_alu_ri(e, 1, ALU_CMP, RAX, imm);
		else
			x86_alu_rm(e, 1, ALU_CMP, RAX, RBX, XR(s->rs2));
		x86_setcc(e, (op == CPU_OP_SLTI || op == CPU_OP_SLT) ? CC_L : CC_B, RCX);
		x86_store64(e, RCX, RBX, XR(s->rd));
		return;
	case CPU_OP_SLLI: case CPU_OP_SRLI: case CPU_OP_SRAI:
		x86_load64(e, RAX, RBX, XR(s->rs1));
		x86_shift_ri(e, 1, op == CPU_OP_SLLI ? SH_SHL : op == CPU_OP_SRLI ? SH_SHR : SH_SAR,
			     RAX, (uint8_t)imm);
		break;
	case CPU_OP_ADDIW:
		x86_load32(e, RAX, RBX, XR(s->rs1));
		if (imm)
			x86_alu_ri(e, 0, ALU_ADD, RAX, imm);
		x86_movsxd_rr(e, RAX, RAX);
		break;
	case CPU_OP_SLLIW: case CPU_OP_SRLIW: case CPU_OP_SRAIW:
		x86_load32(e, RAX, RBX, XR(s->rs1));
		x86_shift_ri(e, 0, op == CPU_OP_SLLIW ? SH_SHL : op == CPU_OP_SRLIW ? SH_SHR : SH_SAR,
			     RAX, (uint8_t)imm);
		x86_movsxd_rr(e, RAX, RAX);
		break;
	case CPU_OP_ADD: case CPU_OP_SUB: case CPU_OP_XOR: case CPU_OP_OR: case CPU_OP_AND: {
		enum x86_alu a = op == CPU_OP_ADD ? ALU_ADD : op == CPU_OP_SUB ? ALU_SUB :
				 op == CPU_OP_XOR ? ALU_XOR : op == CPU_OP_OR ? ALU_OR : ALU_AND;
		if (s->rs1 == s->rd) {                  /* c.add, c.sub, ...: in place */
			x86_load64(e, RAX, RBX, XR(s->rs2));
			x86_alu_mr(e, 1, a, RBX, XR(s->rd), RAX);
			return;
		}
		x86_load64(e, RAX, RBX, XR(s->rs1));
		x86_alu_rm(e, 1, a, RAX, RBX, XR(s->rs2));
		break;
	}
	case CPU_OP_ADDW: case CPU_OP_SUBW:
		x86_load32(e, RAX, RBX, XR(s->rs1));
		x86_alu_rm(e, 0, op == CPU_OP_ADDW ? ALU_ADD : ALU_SUB, RAX, RBX, XR(s->rs2));
		x86_movsxd_rr(e, RAX, RAX);
		break;
	case CPU_OP_SLL: case CPU_OP_SRL: case CPU_OP_SRA:
		x86_load64(e, RCX, RBX, XR(s->rs2));
		x86_load64(e, RAX, RBX, XR(s->rs1));
		x86_shift_rcl(e, 1, op == CPU_OP_SLL ? SH_SHL : op == CPU_OP_SRL ? SH_SHR : SH_SAR, RAX);
		break;
	case CPU_OP_SLLW: case CPU_OP_SRLW: case CPU_OP_SRAW:
		x86_load64(e, RCX, RBX, XR(s->rs2));
		x86_load32(e, RAX, RBX, XR(s->rs1));
		x86_shift_rcl(e, 0, op == CPU_OP_SLLW ? SH_SHL : op == CPU_OP_SRLW ? SH_SHR : SH_SAR, RAX);
		x86_movsxd_rr(e, RAX, RAX);
		break;
	case CPU_OP_MUL:
		x86_load64(e, RAX, RBX, XR(s->rs1));
		x86_imul_rm(e, 1, RAX, RBX, XR(s->rs2));
		break;
	case CPU_OP_MULW:
		x86_load32(e, RAX, RBX, XR(s->rs1));
		x86_imul_rm(e, 0, RAX, RBX, XR(s->rs2));
		x86_movsxd_rr(e, RAX, RAX);
		break;
	case CPU_OP_LUI:
		x86_mov_imm(e, RAX, (uint64_t)(int64_t)imm);
		break;
	case CPU_OP_AUIPC: {
		int64_t d = (int64_t)t->ins[i].off + imm;
		if (x86_fits32(d)) {
			x86_lea(e, RAX, RBP, (int32_t)d);
		} else {
			x86_mov_imm(e, RAX, (uint64_t)d);
			x86_alu_rr(e, 1, ALU_ADD, RAX, RBP);
		}
		break;
	}
	default:                                        /* through cpu_alu.h */
		emit_mx_off(t);
		x86_load64(e, RDI, RBX, XR(s->rs1));
		x86_load64(e, RSI, RBX, XR(s->rs2));
		x86_mov_imm(e, RDX, (uint64_t)(int64_t)imm);
		x86_lea(e, RCX, RBP, (int32_t)t->ins[i].off);
		x86_call(e, (const void *)alu_helpers[op]);
		break;
	}
	x86_store64(e, RAX, RBX, XR(s->rd));
}

/* ---- F and D inline ------------------------------------------------------
 * Decoded here, once, from the instruction's bits; anything not listed
 * (fclass, fcvt to unsigned integers, static rounding modes other than
 * RNE, and RTZ for fcvt to integers; H/Q, reserved encodings) calls
 * cpu_exec_fp as before.  Inline:
 *
 *  - fadd fsub fmul fdiv fsqrt and the four fused multiply-adds (FMA3
 *    hosts), .s and .d, with rm = RNE or rm = dyn: one SSE instruction under
 *    the guest's MXCSR (RNE), whose flags are the RISC-V ones for every
 *    non-NaN result (see fpu_host.c).  rm = dyn tests frm == RNE first;
 *  - feq flt fle: ucomis (NV for a signalling NaN only) / comis (NV for
 *    any NaN), the RISC-V rules;
 *  - fcvt.{w,l}.fmt (rtz: cvtts*2si, rne/dyn: cvts*2si), fcvt.fmt.{w,wu,
 *    l,lu} (cvtsi2s* from 64 bits, rne/dyn), fcvt.s.d and fcvt.d.s
 *    (rne/dyn); the integer indefinite result (NaN, out of range, or the
 *    minimum itself) and a 64-bit unsigned source >= 2^63 take the cold
 *    path;
 *  - fmin fmax: mins/maxs when the operands are ordered and unequal, the
 *    bits (OR / AND) when they are equal, the cold path for a NaN;
 *  - fsgnj fsgnjn fsgnjx and the four fmv between x and f: integer code.
 *
 * The cold path (COLD_FP) is the interpreter's cpu_exec_fp on the same
 * instruction, which writes the exact result and flags (or traps): taken
 * when frm is not RNE (or is reserved), when a single operand is not
 * NaN-boxed (it reads as the canonical NaN), and when the SSE result is a
 * NaN (the canonical NaN and the exact NV, e.g. for inf * 0 + qNaN, which
 * FMA3 does not flag).  The destination is written only after the result
 * is known not to be a NaN, so the helper sees the original operands; the
 * flags the SSE instruction raised for a NaN result (IE alone) are a
 * subset of the helper's.  Every F/D instruction marks the FP state dirty,
 * as cpu_exec_fp does. */
static int fma_host = -1;

static void emit_fs_dirty(struct x86 *e)
{
	x86_store8_imm(e, RBX, (int32_t)offsetof(struct cpu, fs), CPU_FS_DIRTY);
}

/* A jump to instruction i's COLD_FP entry (one entry per instruction; mx
 * must not change between its jumps). */
static void fp_cold_jump(struct jtr *t, unsigned i, enum x86_cc cc, struct cold *cold,
			 unsigned *nc)
{
	uint8_t *f = x86_jcc(&t->e, cc, NULL);
	if (*nc && cold[*nc - 1].kind == COLD_FP && cold[*nc - 1].i == i) {
		struct cold *c = &cold[*nc - 1];
		c->field[c->nfield++] = f;
	} else {
		cold_add(cold, nc, f, COLD_FP, i, t->mx);
	}
}

/* Single operands must be NaN-boxed: else the helper. */
static void fp_boxed(struct jtr *t, unsigned i, unsigned r, struct cold *cold, unsigned *nc)
{
	x86_cmp32_mi8(&t->e, RBX, FR(r) + 4, -1);
	fp_cold_jump(t, i, CC_NE, cold, nc);
}

/* The n single-precision operands rs1, rs2, rs3 (the first n; each
 * register once) must be NaN-boxed. */
static void fp_boxed_ops(struct jtr *t, unsigned i, unsigned n, unsigned rs1, unsigned rs2,
			 unsigned rs3, struct cold *cold, unsigned *nc)
{
	fp_boxed(t, i, rs1, cold, nc);
	if (n > 1 && rs2 != rs1)
		fp_boxed(t, i, rs2, cold, nc);
	if (n > 2 && rs3 != rs1 && rs3 != rs2)
		fp_boxed(t, i, rs3, cold, nc);
}

/* Dynamic rounding (rm 7) is inline only while frm is RNE: else the
 * helper, which also traps an invalid frm. */
static void fp_dyn_rne(struct jtr *t, unsigned i, unsigned rm, struct cold *cold, unsigned *nc)
{
	if (rm != 7)
		return;
	x86_test8_mi(&t->e, RBX, (int32_t)offsetof(struct cpu, fcsr), 0xe0);
	fp_cold_jump(t, i, CC_NE, cold, nc);
}

static void fp_store_result(struct jtr *t, bool d, unsigned rd)
{
	struct x86 *e = &t->e;
	if (d) {
		x86_sse_mem(e, 0xf2, 0x11, 0, RBX, FR(rd));             /* movsd [fd], xmm0 */
	} else {
		x86_sse_mem(e, 0xf3, 0x11, 0, RBX, FR(rd));             /* movss [fd], xmm0 */
		x86_store32_imm(e, RBX, FR(rd) + 4, 0xffffffffu);       /* NaN-box */
	}
}

static bool emit_fp_inline(struct jtr *t, unsigned i, struct cold *cold, unsigned *nc)
{
	struct x86 *e = &t->e;
	uint32_t insn = (uint32_t)t->ins[i].s.imm;
	unsigned opc = insn & 0x7f, rd = (insn >> 7) & 31, f3 = (insn >> 12) & 7;
	unsigned rs1 = (insn >> 15) & 31, rs2 = (insn >> 20) & 31, rs3 = insn >> 27;
	unsigned fmt = (insn >> 25) & 3, funct5 = insn >> 27;
	if (fmt > 1)
		return false;
	bool d = fmt == 1;
	uint8_t pfx = d ? 0xf2 : 0xf3;                  /* the sd / ss forms */
	if (opc != OPC_OP_FP) {                          /* FMADD FMSUB FNMSUB FNMADD */
		if (fma_host < 0)
			fma_host = __builtin_cpu_supports("fma");
		if (!fma_host || (f3 != 0 && f3 != 7))
			return false;
		emit_mx_on(t);
		fp_dyn_rne(t, i, f3, cold, nc);
		if (!d) {
			fp_boxed_ops(t, i, 3, rs1, rs2, rs3, cold, nc);
		}
		/* xmm0 = rs3 (addend), xmm1 = rs1; xmm0 = +-(xmm1 * rs2) +- xmm0 */
		static const uint8_t op231[4] = { 0xb9, 0xbb, 0xbd, 0xbf };
		x86_sse_mem(e, pfx, 0x10, 0, RBX, FR(rs3));
		x86_sse_mem(e, pfx, 0x10, 1, RBX, FR(rs1));
		x86_fma231_mem(e, d, op231[(opc >> 2) & 3], 0, 1, RBX, FR(rs2));
		x86_sse_rr(e, d ? 0x66 : 0, 0x2e, 0, 0);          /* ucomis xmm0, xmm0 */
		fp_cold_jump(t, i, CC_P, cold, nc);                /* NaN: the helper */
		fp_store_result(t, d, rd);
		emit_fs_dirty(e);
		return true;
	}
	switch (funct5) {
	case 0x00: case 0x01: case 0x02: case 0x03: case 0x0b: {   /* FADD FSUB FMUL FDIV FSQRT */
		static const uint8_t sse_op[4] = { 0x58, 0x5c, 0x59, 0x5e };
		bool sqrt = funct5 == 0x0b;
		if ((f3 != 0 && f3 != 7) || (sqrt && rs2 != 0))
			return false;
		emit_mx_on(t);
		fp_dyn_rne(t, i, f3, cold, nc);
		if (!d) {
			fp_boxed_ops(t, i, sqrt ? 1 : 2, rs1, rs2, rs2, cold, nc);
		}
		if (sqrt) {
			x86_sse_mem(e, pfx, 0x51, 0, RBX, FR(rs1));     /* sqrts xmm0, [fs1] */
		} else {
			x86_sse_mem(e, pfx, 0x10, 0, RBX, FR(rs1));     /* movs xmm0, [fs1] */
			x86_sse_mem(e, pfx, sse_op[funct5], 0, RBX, FR(rs2));
		}
		x86_sse_rr(e, d ? 0x66 : 0, 0x2e, 0, 0);          /* ucomis xmm0, xmm0 */
		fp_cold_jump(t, i, CC_P, cold, nc);                /* NaN: the helper */
		fp_store_result(t, d, rd);
		emit_fs_dirty(e);
		return true;
	}
	case 0x14:                                       /* FLE FLT FEQ */
		if (f3 > 2)
			return false;
		emit_mx_on(t);
		if (!d) {
			fp_boxed_ops(t, i, 2, rs1, rs2, rs2, cold, nc);
		}
		x86_alu_rr(e, 0, ALU_XOR, RAX, RAX);
		x86_alu_rr(e, 0, ALU_XOR, RCX, RCX);
		if (f3 == 2) {                           /* feq: quiet, equal and ordered */
			x86_sse_mem(e, pfx, 0x10, 0, RBX, FR(rs1));
			x86_sse_mem(e, d ? 0x66 : 0, 0x2e, 0, RBX, FR(rs2));
			x86_setcc(e, CC_E, RAX);
			x86_setcc(e, CC_NP, RCX);
			x86_alu_rr(e, 0, ALU_AND, RAX, RCX);
		} else {                                 /* flt, fle: signalling, b > a / b >= a */
			x86_sse_mem(e, pfx, 0x10, 0, RBX, FR(rs2));
			x86_sse_mem(e, d ? 0x66 : 0, 0x2f, 0, RBX, FR(rs1));
			x86_setcc(e, f3 == 1 ? CC_A : CC_AE, RAX);
		}
		if (rd)
			x86_store64(e, RAX, RBX, XR(rd));
		emit_fs_dirty(e);
		return true;
	case 0x18: {                                     /* FCVT.W.fmt, FCVT.L.fmt */
		/* rtz: cvtts*2si; rne or dyn (frm = RNE): cvts*2si.  The
		 * integer indefinite (the minimum) is also what x86 returns
		 * for NaN and out of range: the helper decides (x86 raised IE
		 * alone there, or PE for an in-range minimum: a subset). */
		if ((rs2 != 0 && rs2 != 2) || (f3 != 0 && f3 != 1 && f3 != 7))
			return false;
		bool l = rs2 == 2;
		emit_mx_on(t);
		fp_dyn_rne(t, i, f3, cold, nc);
		if (!d)
			fp_boxed(t, i, rs1, cold, nc);
		x86_cvt_mem(e, pfx, l, f3 == 1 ? 0x2c : 0x2d, RAX, RBX, FR(rs1));
		if (l) {
			x86_mov_imm(e, RCX, 1ULL << 63);
			x86_alu_rr(e, 1, ALU_CMP, RAX, RCX);
		} else {
			x86_alu_ri(e, 0, ALU_CMP, RAX, INT32_MIN);
		}
		fp_cold_jump(t, i, CC_E, cold, nc);
		if (rd) {
			if (!l)
				x86_movsxd_rr(e, RAX, RAX);
			x86_store64(e, RAX, RBX, XR(rd));
		}
		emit_fs_dirty(e);
		return true;
	}
	case 0x1a: {                                     /* FCVT.fmt.{W,WU,L,LU} */
		/* cvtsi2s* from a 64-bit register, rounded under the guest's
		 * MXCSR (RNE): exact for the 32-bit types, NX when inexact;
		 * an unsigned 64-bit value with its top bit set: the helper */
		if (rs2 > 3 || (f3 != 0 && f3 != 7))
			return false;
		emit_mx_on(t);
		fp_dyn_rne(t, i, f3, cold, nc);
		if (rs2 == 0)
			x86_load32s(e, RAX, RBX, XR(rs1));
		else if (rs2 == 1)
			x86_load32(e, RAX, RBX, XR(rs1));
		else
			x86_load64(e, RAX, RBX, XR(rs1));
		if (rs2 == 3) {
			x86_test64(e, RAX, RAX);
			fp_cold_jump(t, i, CC_S, cold, nc);
		}
		x86_cvt_rr(e, pfx, 1, 0x2a, 0, RAX);           /* cvtsi2s* xmm0, rax */
		fp_store_result(t, d, rd);
		emit_fs_dirty(e);
		return true;
	}
	case 0x08:                                       /* FCVT.S.D, FCVT.D.S */
		if (rs2 != (d ? 0u : 1u) || (f3 != 0 && f3 != 7))
			return false;
		emit_mx_on(t);
		fp_dyn_rne(t, i, f3, cold, nc);
		if (d)
			fp_boxed(t, i, rs1, cold, nc);
		/* cvtss2sd (F3 0F 5A) for fcvt.d.s, cvtsd2ss (F2) for fcvt.s.d */
		x86_sse_mem(e, d ? 0xf3 : 0xf2, 0x5a, 0, RBX, FR(rs1));
		x86_sse_rr(e, d ? 0x66 : 0, 0x2e, 0, 0);          /* ucomis xmm0, xmm0 */
		fp_cold_jump(t, i, CC_P, cold, nc);                /* NaN: the helper */
		fp_store_result(t, d, rd);
		emit_fs_dirty(e);
		return true;
	case 0x05: {                                     /* FMIN FMAX */
		/* A NaN operand (ucomis: unordered; NV only for a signalling
		 * one, as the helper) goes to the helper; equal operands (the
		 * zeros of both signs among them) by their bits: fmin ORs the
		 * sign in, fmax ANDs it; else mins/maxs, exact and flagless. */
		if (f3 > 1)
			return false;
		emit_mx_on(t);
		if (!d) {
			fp_boxed_ops(t, i, 2, rs1, rs2, rs2, cold, nc);
		}
		x86_sse_mem(e, pfx, 0x10, 0, RBX, FR(rs1));
		x86_sse_mem(e, d ? 0x66 : 0, 0x2e, 0, RBX, FR(rs2));
		fp_cold_jump(t, i, CC_P, cold, nc);
		uint8_t *ne = x86_jcc(e, CC_NE, NULL);
		if (d) {
			x86_load64(e, RAX, RBX, FR(rs1));
			x86_alu_rm(e, 1, f3 ? ALU_AND : ALU_OR, RAX, RBX, FR(rs2));
			x86_store64(e, RAX, RBX, FR(rd));
		} else {
			x86_load32(e, RAX, RBX, FR(rs1));
			x86_alu_rm(e, 0, f3 ? ALU_AND : ALU_OR, RAX, RBX, FR(rs2));
			x86_store_n(e, 4, RAX, RBX, FR(rd));
			x86_store32_imm(e, RBX, FR(rd) + 4, 0xffffffffu);
		}
		uint8_t *done = x86_jmp(e, NULL);
		x86_bind(ne, e->p);
		x86_sse_mem(e, pfx, f3 ? 0x5f : 0x5d, 0, RBX, FR(rs2));   /* maxs / mins */
		fp_store_result(t, d, rd);
		x86_bind(done, e->p);
		emit_fs_dirty(e);
		return true;
	}
	case 0x04: {                                     /* FSGNJ FSGNJN FSGNJX */
		if (f3 > 2)
			return false;
		if (!d) {
			fp_boxed_ops(t, i, 2, rs1, rs2, rs2, cold, nc);
		}
		int w = d;
		uint8_t top = d ? 63 : 31;
		if (d) {
			x86_load64(e, RAX, RBX, FR(rs1));
			x86_load64(e, RCX, RBX, FR(rs2));
		} else {
			x86_load32(e, RAX, RBX, FR(rs1));
			x86_load32(e, RCX, RBX, FR(rs2));
		}
		if (f3 == 1)
			x86_alu_ri(e, w, ALU_XOR, RCX, -1);
		x86_shift_ri(e, w, SH_SHR, RCX, top);            /* rcx = the sign bit */
		x86_shift_ri(e, w, SH_SHL, RCX, top);
		if (f3 == 2) {
			x86_alu_rr(e, w, ALU_XOR, RAX, RCX);
		} else {
			x86_shift_ri(e, w, SH_SHL, RAX, 1);      /* clear a's sign */
			x86_shift_ri(e, w, SH_SHR, RAX, 1);
			x86_alu_rr(e, w, ALU_OR, RAX, RCX);
		}
		if (d) {
			x86_store64(e, RAX, RBX, FR(rd));
		} else {
			x86_store_n(e, 4, RAX, RBX, FR(rd));
			x86_store32_imm(e, RBX, FR(rd) + 4, 0xffffffffu);
		}
		emit_fs_dirty(e);
		return true;
	}
	case 0x1c:                                       /* FMV.X.W, FMV.X.D (not FCLASS) */
		if (rs2 != 0 || f3 != 0)
			return false;
		if (rd) {
			if (d)
				x86_load64(e, RAX, RBX, FR(rs1));
			else
				x86_load32s(e, RAX, RBX, FR(rs1));   /* the raw low bits, sign-extended */
			x86_store64(e, RAX, RBX, XR(rd));
		}
		emit_fs_dirty(e);
		return true;
	case 0x1e:                                       /* FMV.W.X, FMV.D.X */
		if (rs2 != 0 || f3 != 0)
			return false;
		if (d) {
			x86_load64(e, RAX, RBX, XR(rs1));
			x86_store64(e, RAX, RBX, FR(rd));
		} else {
			x86_load32(e, RAX, RBX, XR(rs1));
			x86_store_n(e, 4, RAX, RBX, FR(rd));
			x86_store32_imm(e, RBX, FR(rd) + 4, 0xffffffffu);
		}
		emit_fs_dirty(e);
		return true;
	default:
		return false;
	}
}

/* COLD_FP: cpu_exec_fp on instruction i, then back (or a trap). */
static void emit_cold_fp(struct jtr *t, const struct cold *c)
{
	struct x86 *e = &t->e;
	const struct jinsn *in = &t->ins[c->i];
	if (c->mx)
		emit_fold(e);
	x86_mov_rr(e, RDI, RBX);
	x86_mov_imm(e, RSI, (uint32_t)in->s.imm);
	x86_call(e, (const void *)cpu_exec_fp);
	x86_test32(e, RAX, RAX);
	uint8_t *ok = x86_jcc(e, CC_E, NULL);
	x86_mov_imm(e, RCX, in->bits);
	x86_store64(e, RCX, R15, CTX(tval));
	emit_trap_tail(t, c->i);
	x86_bind(ok, e->p);
	if (c->mx)
		x86_ldmxcsr(e, R15, CTX(guest_mx));
	x86_jmp(e, c->back);
}

/* MXCSR's exception flags (IE DE ZE OE UE PE) -> fflags (NV . DZ OF UF NX),
 * a constant table: jit_ctx_fp_init runs at every entry to the JIT. */
#define MXF(m) (uint8_t)(((m) & 0x01 ? 0x10 : 0) | ((m) & 0x04 ? 0x08 : 0) | \
			 ((m) & 0x08 ? 0x04 : 0) | ((m) & 0x10 ? 0x02 : 0) | ((m) & 0x20 ? 0x01 : 0))
#define MXF4(m) MXF(m), MXF((m) + 1), MXF((m) + 2), MXF((m) + 3)
#define MXF16(m) MXF4(m), MXF4((m) + 4), MXF4((m) + 8), MXF4((m) + 12)
static const uint8_t mx_flags_of[64] = { MXF16(0), MXF16(16), MXF16(32), MXF16(48) };

void jit_ctx_fp_init(struct jit_ctx *ctx)
{
	ctx->guest_mx = 0x1f80;          /* RC = RNE, all six exceptions masked */
	_Static_assert(sizeof ctx->mx_flags == sizeof mx_flags_of, "one entry per flag set");
	memcpy(ctx->mx_flags, mx_flags_of, sizeof mx_flags_of);
}

/* Calls fn(c, insn) (cpu_exec_fp / cpu_exec_csr_fp): nonzero is an
 * illegal instruction whose tval is insn. */
static void emit_fp_call(struct jtr *t, unsigned i, const void *fn, struct cold *cold, unsigned *nc)
{
	struct x86 *e = &t->e;
	x86_mov_rr(e, RDI, RBX);
	x86_mov_imm(e, RSI, (uint32_t)t->ins[i].s.imm);
	x86_call(e, fn);
	x86_test32(e, RAX, RAX);
	cold_add(cold, nc, x86_jcc(e, CC_NE, NULL), COLD_TRAP, i, false);
}

static bool is_alu(unsigned op)
{
	return op >= CPU_OP_ADDI && op <= CPU_OP_AUIPC;
}

static uint8_t *emit_block(struct jtr *t, struct jblock *b)
{
	struct x86 *e = &t->e;
	struct cold cold[JB_MAX_INSNS + 1];
	unsigned nc = 0;
	uint8_t *entry = e->p;
	/* entry: the epoch and the budget, then charge the block */
	x86_load32(e, RAX, R15, CTX(epoch));
	x86_cmp32_rip(e, RAX, &b->epoch);
	uint8_t *bounce1 = x86_jcc(e, CC_NE, NULL);
	x86_alu_ri(e, 1, ALU_SUB, R13, (int32_t)t->n);
	uint8_t *bounce2 = x86_jcc(e, CC_B, NULL);         /* borrow: n > left */
	bool ended = false;
	for (unsigned i = 0; i < t->n && !ended; i++) {
		const struct jinsn *in = &t->ins[i];
		const struct cpu_slot *s = &in->s;
		unsigned op = s->op;
		if (is_alu(op)) {
			emit_alu(t, i);
			continue;
		}
		switch (op) {
		case CPU_OP_NOP:
			break;
		case CPU_OP_LB: case CPU_OP_LH: case CPU_OP_LW: case CPU_OP_LD:
		case CPU_OP_LBU: case CPU_OP_LHU: case CPU_OP_LWU: case CPU_OP_FLW: case CPU_OP_FLD:
			emit_load(t, i, cold, &nc);
			break;
		case CPU_OP_SB: case CPU_OP_SH: case CPU_OP_SW: case CPU_OP_SD:
		case CPU_OP_FSW: case CPU_OP_FSD:
			emit_store(t, i, cold, &nc);
			break;
		case CPU_OP_BEQ: case CPU_OP_BNE: case CPU_OP_BLT: case CPU_OP_BGE:
		case CPU_OP_BLTU: case CPU_OP_BGEU:
			x86_load64(e, RAX, RBX, XR(s->rs1));
			x86_alu_rm(e, 1, ALU_CMP, RAX, RBX, XR(s->rs2));
			cold_add(cold, &nc, x86_jcc(e, branch_cc[op], NULL), COLD_BRANCH, i, t->mx);
			break;
		case CPU_OP_JAL:
			emit_mx_off(t);
			if (s->rd) {
				x86_lea(e, RAX, RBP, (int32_t)(in->off + in->len));
				x86_store64(e, RAX, RBX, XR(s->rd));
			}
			emit_goto(t, (int64_t)in->off + s->imm);
			ended = true;
			break;
		case CPU_OP_JALR:
			emit_mx_off(t);
			x86_load64(e, RAX, RBX, XR(s->rs1));
			if (s->imm)
				x86_alu_ri(e, 1, ALU_ADD, RAX, s->imm);
			x86_alu_ri(e, 1, ALU_AND, RAX, -2);
			if (s->rd) {
				x86_lea(e, RCX, RBP, (int32_t)(in->off + in->len));
				x86_store64(e, RCX, RBX, XR(s->rd));
			}
			x86_mov_rr(e, RBP, RAX);
			x86_jmp(e, jit_lookup);
			ended = true;
			break;
		case CPU_OP_FP:
			if (emit_fp_inline(t, i, cold, &nc)) {
				if (nc && cold[nc - 1].kind == COLD_FP && cold[nc - 1].i == i)
					cold[nc - 1].back = e->p;
				break;
			}
			emit_mx_off(t);
			emit_fp_call(t, i, (const void *)cpu_exec_fp, cold, &nc);
			break;
		case CPU_OP_CSR_FP:
			emit_mx_off(t);
			emit_fp_call(t, i, (const void *)cpu_exec_csr_fp, cold, &nc);
			break;
		case CPU_OP_CSR_COUNT:
			/* instret before this instruction: ibase - left - the
			 * block's instructions from this one on */
			if (s->rd) {
				x86_load64(e, RAX, R15, CTX(ibase));
				x86_alu_rr(e, 1, ALU_SUB, RAX, R13);
				x86_alu_ri(e, 1, ALU_SUB, RAX, (int32_t)(t->n - i));
				x86_store64(e, RAX, RBX, XR(s->rd));
			}
			break;
		case CPU_OP_CSR_TIME:
			emit_mx_off(t);
			x86_mov_rr(e, RDI, RBX);
			x86_call(e, (const void *)cpu_read_time);
			if (s->rd)
				x86_store64(e, RAX, RBX, XR(s->rd));
			break;
		case CPU_OP_AMO: {
			emit_mx_off(t);
			x86_mov_rr(e, RDI, RBX);
			x86_mov_imm(e, RSI, (uint32_t)s->imm);
			x86_lea(e, RDX, R15, CTX(tval));
			x86_call(e, (const void *)cpu_exec_amo);
			x86_test32(e, RAX, RAX);
			uint8_t *ok = x86_jcc(e, CC_E, NULL);
			emit_trap_tail(t, i);
			x86_bind(ok, e->p);
			x86_mov_imm(e, RAX, JX_STORE);
			emit_after_slow(t, i);
			ended = true;
			break;
		}
		case CPU_OP_ECALL: case CPU_OP_EBREAK:
		default: {                                  /* ILLEGAL, DECODE */
			emit_mx_off(t);
			uint64_t cause = op == CPU_OP_ECALL ? CAUSE_USER_ECALL :
					 op == CPU_OP_EBREAK ? CAUSE_BREAKPOINT : CAUSE_ILLEGAL_INSN;
			if (op == CPU_OP_EBREAK) {
				x86_lea(e, RAX, RBP, (int32_t)in->off);
			} else {
				x86_mov_imm(e, RAX, op == CPU_OP_ECALL ? 0 : in->bits);
			}
			x86_store64(e, RAX, R15, CTX(tval));
			x86_mov_imm(e, RAX, cause);
			emit_trap_tail(t, i);
			ended = true;
			break;
		}
		}
	}
	if (!ended) {
		emit_mx_off(t);
		emit_goto(t, (int64_t)t->len);     /* the fall-through */
	}
	/* cold code */
	x86_bind(bounce2, e->p);
	emit_giveback(e, t->n);
	x86_bind(bounce1, e->p);
	emit_exit(e, JX_NEXT);
	for (unsigned k = 0; k < nc; k++) {
		const struct cold *c = &cold[k];
		for (unsigned f = 0; f < c->nfield; f++)
			x86_bind(c->field[f], e->p);
		const struct jinsn *in = &t->ins[c->i];
		if (c->mx && c->kind != COLD_FP)     /* they leave, or call out */
			emit_fold(e);
		switch (c->kind) {
		case COLD_LOAD:
			emit_cold_load(t, c->i);
			break;
		case COLD_STORE:
			emit_cold_store(t, c->i);
			break;
		case COLD_BRANCH:
			emit_giveback(e, t->n - c->i - 1);
			emit_goto(t, (int64_t)in->off + in->s.imm);
			break;
		case COLD_TRAP:
			x86_mov_imm(e, RCX, in->bits);
			x86_store64(e, RCX, R15, CTX(tval));
			emit_trap_tail(t, c->i);
			break;
		case COLD_FP:
			emit_cold_fp(t, c);
			break;
		}
	}
	return entry;
}

uint8_t *jit_emit_block(const struct jinsn *ins, unsigned n, unsigned len, unsigned page_off,
			struct jblock *b, uint8_t *code, uint8_t **end)
{
	struct jtr t = { .e = { code }, .ins = ins, .n = n, .len = len, .page_off = page_off };
	uint8_t *entry = emit_block(&t, b);
	*end = t.e.p;
	return entry;
}

/* The trampolines, at the arena's start:
 *   enter(ctx, c, code): saves the callee-saved registers, loads the pinned
 *     ones, jumps to code (rsp stays 16-byte aligned for calls);
 *   exit: stores them back into ctx, restores, returns eax. */
void jit_emit_stubs(uint8_t *at, struct jblock **table, jit_enter_fn **enter_fn)
{
	struct x86 e = { at };
	static const int saved[] = { RBX, RBP, R12, R13, R14, R15 };
	uint8_t *enter = e.p;
	for (int i = 0; i < 6; i++)
		x86_push(&e, saved[i]);
	x86_alu_ri(&e, 1, ALU_SUB, RSP, 8);
	x86_mov_rr(&e, R15, RDI);
	x86_stmxcsr(&e, R15, CTX(host_mx));        /* what every FP fold restores */
	x86_mov_rr(&e, RBX, RSI);
	x86_load64(&e, R12, R15, CTX(fast));
	x86_load64(&e, R13, R15, CTX(left));
	x86_load64(&e, R14, R15, CTX(dhits));
	x86_load64(&e, RBP, R15, CTX(pc));
	x86_jmp_r(&e, RDX);
	e.p = (uint8_t *)(((uintptr_t)e.p + 15) & ~(uintptr_t)15);
	jit_exit = e.p;
	x86_store64(&e, R13, R15, CTX(left));
	x86_store64(&e, R14, R15, CTX(dhits));
	x86_store64(&e, RBP, R15, CTX(pc));
	x86_alu_ri(&e, 1, ALU_ADD, RSP, 8);
	for (int i = 5; i >= 0; i--)
		x86_pop(&e, saved[i]);
	x86_ret(&e);
	/* lookup: the block at pc (rbp) if pc lies on the fetch page and the
	 * table holds a block for its host address (the block's entry checks
	 * epoch and budget), else back to the dispatcher.  The indirect-jump
	 * target cache of jalr, without leaving the code. */
	e.p = (uint8_t *)(((uintptr_t)e.p + 15) & ~(uintptr_t)15);
	jit_lookup = e.p;
	x86_mov_rr(&e, RAX, RBP);
	x86_alu_rm(&e, 1, ALU_SUB, RAX, R15, CTX(code_va));
	x86_alu_ri(&e, 1, ALU_CMP, RAX, PGSIZE - 2);
	uint8_t *miss1 = x86_jcc(&e, CC_A, NULL);
	x86_alu_rm(&e, 1, ALU_ADD, RAX, R15, CTX(code_host));   /* the host address */
	x86_mov_rr(&e, RCX, RAX);                                /* jb_index */
	x86_shift_ri(&e, 1, SH_SHR, RCX, 1);
	x86_mov_rr(&e, RDX, RAX);
	x86_shift_ri(&e, 1, SH_SHR, RDX, 13);
	x86_alu_rr(&e, 1, ALU_XOR, RCX, RDX);
	x86_alu_ri(&e, 0, ALU_AND, RCX, (int32_t)(JB_TABLE - 1));
	x86_shift_ri(&e, 1, SH_SHL, RCX, 3);
	x86_mov_imm(&e, RSI, (uint64_t)(uintptr_t)table);
	x86_op_idx(&e, 1, 0x8b, RDX, RSI, RCX, 0);              /* rdx = table[i] */
	x86_test64(&e, RDX, RDX);
	uint8_t *miss2 = x86_jcc(&e, CC_E, NULL);
	x86_alu_rm(&e, 1, ALU_CMP, RAX, RDX, (int32_t)offsetof(struct jblock, host));
	uint8_t *miss3 = x86_jcc(&e, CC_NE, NULL);
	x86_jmp_m(&e, RDX, (int32_t)offsetof(struct jblock, entry));
	x86_bind(miss1, e.p);
	x86_bind(miss2, e.p);
	x86_bind(miss3, e.p);
	x86_mov_imm(&e, RAX, JX_NEXT);
	x86_jmp(&e, jit_exit);
	memcpy(enter_fn, &enter, sizeof enter);
}

#endif
