/*
 * x86_emit.h - a small x86-64 machine-code emitter for the JIT engine
 * (cpu_jit_emit.c): only the instruction forms it needs, written from the
 * encoding tables of the Intel SDM, volume 2 (REX prefix, ModRM, SIB).
 *
 *   [REX 0100WRXB] [opcode] [ModRM mod|reg|rm] [SIB scale|index|base] [disp] [imm]
 *
 * Memory operands are always [base + disp] (disp8 when it fits, else
 * disp32) or [rip + disp32].  A base of rsp/r12 needs a SIB byte; a base of
 * rbp/r13 cannot use mod = 00, so it always gets a displacement.  The
 * emitter writes into a buffer and never checks for room: the caller
 * reserves the worst case of a block before translating it.
 */
#ifndef VMOS_HW_X86_EMIT_H
#define VMOS_HW_X86_EMIT_H

#include <stdint.h>
#include <string.h>

enum x86_reg {
	RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15,
};

/* Condition codes (the low nibble of Jcc / SETcc). */
enum x86_cc {
	CC_B = 2, CC_AE = 3, CC_E = 4, CC_NE = 5, CC_A = 7, CC_S = 8, CC_P = 0xa, CC_NP = 0xb, CC_L = 0xc, CC_GE = 0xd,
};

/* Group-1 ALU operations: the /digit of 81/83 and the base opcode / 8. */
enum x86_alu { ALU_ADD = 0, ALU_OR = 1, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7 };

/* Group-2 shifts: the /digit of C1/D3. */
enum x86_shift { SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };

struct x86 {
	uint8_t *p;          /* next byte */
};

static inline void x86_b(struct x86 *e, uint8_t b) { *e->p++ = b; }
static inline void x86_d32(struct x86 *e, uint32_t d) { memcpy(e->p, &d, 4); e->p += 4; }
static inline void x86_q64(struct x86 *e, uint64_t q) { memcpy(e->p, &q, 8); e->p += 8; }
static inline int x86_fits8(int64_t v) { return v >= -128 && v <= 127; }
static inline int x86_fits32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

/* REX with W (64-bit operand), R (reg's bit 3), B (rm's bit 3); emitted if
 * any bit is set or force (byte registers spl..dil need a REX). */
static inline void x86_rex(struct x86 *e, int w, int reg, int rm, int force)
{
	uint8_t r = (uint8_t)(0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((rm & 8) ? 1 : 0));
	if (r != 0x40 || force)
		x86_b(e, r);
}

/* ModRM (+SIB, +disp) for reg and the memory operand [base + disp]. */
static inline void x86_modrm_mem(struct x86 *e, int reg, int base, int32_t disp)
{
	int mod = (disp == 0 && (base & 7) != RBP) ? 0 : x86_fits8(disp) ? 1 : 2;
	x86_b(e, (uint8_t)(mod << 6 | (reg & 7) << 3 | (base & 7)));
	if ((base & 7) == RSP)
		x86_b(e, 0x24);      /* SIB: no index, base */
	if (mod == 1)
		x86_b(e, (uint8_t)disp);
	else if (mod == 2)
		x86_d32(e, (uint32_t)disp);
}

static inline void x86_modrm_reg(struct x86 *e, int reg, int rm)
{
	x86_b(e, (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7)));
}

/* op reg, [base + disp] (or op [base + disp], reg, by opcode), 64-bit if w. */
static inline void x86_op_mem(struct x86 *e, int w, uint8_t op, int reg, int base, int32_t disp)
{
	x86_rex(e, w, reg, base, 0);
	x86_b(e, op);
	x86_modrm_mem(e, reg, base, disp);
}

/* op reg, rm with both registers (direction by opcode). */
static inline void x86_op_rr(struct x86 *e, int w, uint8_t op, int reg, int rm)
{
	x86_rex(e, w, reg, rm, 0);
	x86_b(e, op);
	x86_modrm_reg(e, reg, rm);
}

/* mov r64, [base + disp] */
static inline void x86_load64(struct x86 *e, int r, int base, int32_t disp)
{
	x86_op_mem(e, 1, 0x8b, r, base, disp);
}

/* mov [base + disp], r64 */
static inline void x86_store64(struct x86 *e, int r, int base, int32_t disp)
{
	x86_op_mem(e, 1, 0x89, r, base, disp);
}

/* mov r32, [base + disp] (zero-extends) */
static inline void x86_load32(struct x86 *e, int r, int base, int32_t disp)
{
	x86_op_mem(e, 0, 0x8b, r, base, disp);
}

/* movsxd r64, dword [base + disp] */
static inline void x86_load32s(struct x86 *e, int r, int base, int32_t disp)
{
	x86_op_mem(e, 1, 0x63, r, base, disp);
}

/* movzx/movsx r64, byte/word [base + disp]: op2 = B6 (zx8), B7 (zx16),
 * BE (sx8), BF (sx16). */
static inline void x86_load_ext(struct x86 *e, uint8_t op2, int r, int base, int32_t disp)
{
	x86_rex(e, 1, r, base, 0);
	x86_b(e, 0x0f);
	x86_b(e, op2);
	x86_modrm_mem(e, r, base, disp);
}

/* mov [base + disp], r (size 1, 2, 4 or 8 bytes) */
static inline void x86_store_n(struct x86 *e, unsigned size, int r, int base, int32_t disp)
{
	if (size == 2)
		x86_b(e, 0x66);
	x86_rex(e, size == 8, r, base, size == 1 && r >= RSP && r <= RDI);
	x86_b(e, size == 1 ? 0x88 : 0x89);
	x86_modrm_mem(e, r, base, disp);
}

/* mov r64, r64 */
static inline void x86_mov_rr(struct x86 *e, int dst, int src)
{
	x86_op_rr(e, 1, 0x89, src, dst);
}

/* Loads a 64-bit constant in the shortest form. */
static inline void x86_mov_imm(struct x86 *e, int r, uint64_t v)
{
	if (v <= UINT32_MAX) {               /* mov r32, imm32: zero-extends */
		x86_rex(e, 0, 0, r, 0);
		x86_b(e, (uint8_t)(0xb8 + (r & 7)));
		x86_d32(e, (uint32_t)v);
	} else if (x86_fits32((int64_t)v)) {  /* mov r/m64, simm32 */
		x86_rex(e, 1, 0, r, 0);
		x86_b(e, 0xc7);
		x86_modrm_reg(e, 0, r);
		x86_d32(e, (uint32_t)v);
	} else {                             /* movabs */
		x86_rex(e, 1, 0, r, 0);
		x86_b(e, (uint8_t)(0xb8 + (r & 7)));
		x86_q64(e, v);
	}
}

/* alu r, imm (64-bit if w): imm must fit in 32 bits signed. */
static inline void x86_alu_ri(struct x86 *e, int w, enum x86_alu op, int r, int32_t imm)
{
	x86_rex(e, w, 0, r, 0);
	if (x86_fits8(imm)) {
		x86_b(e, 0x83);
		x86_modrm_reg(e, op, r);
		x86_b(e, (uint8_t)imm);
	} else {
		x86_b(e, 0x81);
		x86_modrm_reg(e, op, r);
		x86_d32(e, (uint32_t)imm);
	}
}

/* alu qword [base + disp], imm (imm fits in 32 bits signed) */
static inline void x86_alu_mi(struct x86 *e, enum x86_alu op, int base, int32_t disp, int32_t imm)
{
	x86_rex(e, 1, 0, base, 0);
	x86_b(e, x86_fits8(imm) ? 0x83 : 0x81);
	x86_modrm_mem(e, op, base, disp);
	if (x86_fits8(imm))
		x86_b(e, (uint8_t)imm);
	else
		x86_d32(e, (uint32_t)imm);
}

/* alu dst, src (64-bit if w) */
static inline void x86_alu_rr(struct x86 *e, int w, enum x86_alu op, int dst, int src)
{
	x86_op_rr(e, w, (uint8_t)(op * 8 + 1), src, dst);
}

/* alu r, [base + disp] */
static inline void x86_alu_rm(struct x86 *e, int w, enum x86_alu op, int r, int base, int32_t disp)
{
	x86_op_mem(e, w, (uint8_t)(op * 8 + 3), r, base, disp);
}

/* alu [base + disp], r */
static inline void x86_alu_mr(struct x86 *e, int w, enum x86_alu op, int base, int32_t disp, int r)
{
	x86_op_mem(e, w, (uint8_t)(op * 8 + 1), r, base, disp);
}

/* shift r by imm (64-bit if w) */
static inline void x86_shift_ri(struct x86 *e, int w, enum x86_shift op, int r, uint8_t n)
{
	x86_rex(e, w, 0, r, 0);
	x86_b(e, 0xc1);
	x86_modrm_reg(e, op, r);
	x86_b(e, n);
}

/* shift r by cl */
static inline void x86_shift_rcl(struct x86 *e, int w, enum x86_shift op, int r)
{
	x86_rex(e, w, 0, r, 0);
	x86_b(e, 0xd3);
	x86_modrm_reg(e, op, r);
}

/* imul r, [base + disp] */
static inline void x86_imul_rm(struct x86 *e, int w, int r, int base, int32_t disp)
{
	x86_rex(e, w, r, base, 0);
	x86_b(e, 0x0f);
	x86_b(e, 0xaf);
	x86_modrm_mem(e, r, base, disp);
}

/* movsxd r64, r32 */
static inline void x86_movsxd_rr(struct x86 *e, int dst, int src)
{
	x86_op_rr(e, 1, 0x63, dst, src);
}

/* setcc r8 (r: rax..rbx, so no REX) */
static inline void x86_setcc(struct x86 *e, enum x86_cc cc, int r)
{
	x86_b(e, 0x0f);
	x86_b(e, (uint8_t)(0x90 + cc));
	x86_modrm_reg(e, 0, r);
}

/* lea r, [base + disp] */
static inline void x86_lea(struct x86 *e, int r, int base, int32_t disp)
{
	x86_op_mem(e, 1, 0x8d, r, base, disp);
}

/* lea r, [rip + target]: target is an absolute host address within 2 GiB */
static inline void x86_lea_rip(struct x86 *e, int r, const void *target)
{
	x86_rex(e, 1, r, 0, 0);
	x86_b(e, 0x8d);
	x86_b(e, (uint8_t)((r & 7) << 3 | 5));
	x86_d32(e, (uint32_t)(int32_t)((const uint8_t *)target - (e->p + 4)));
}

/* cmp r32, dword [rip + target] */
static inline void x86_cmp32_rip(struct x86 *e, int r, const void *target)
{
	x86_rex(e, 0, r, 0, 0);
	x86_b(e, 0x3b);
	x86_b(e, (uint8_t)((r & 7) << 3 | 5));
	x86_d32(e, (uint32_t)(int32_t)((const uint8_t *)target - (e->p + 4)));
}

/* inc r64 */
static inline void x86_inc(struct x86 *e, int r)
{
	x86_rex(e, 1, 0, r, 0);
	x86_b(e, 0xff);
	x86_modrm_reg(e, 0, r);
}

/* test r64, r64 */
static inline void x86_test64(struct x86 *e, int a, int b)
{
	x86_op_rr(e, 1, 0x85, b, a);
}

/* jmp qword [base + disp] */
static inline void x86_jmp_m(struct x86 *e, int base, int32_t disp)
{
	x86_op_mem(e, 0, 0xff, 4, base, disp);
}

/* test r32, r32 */
static inline void x86_test32(struct x86 *e, int a, int b)
{
	x86_op_rr(e, 0, 0x85, b, a);
}

/* A rel32 jump or Jcc; returns the address of its rel32 field, to be
 * bound with x86_bind (forward) or given now (target != NULL). */
static inline uint8_t *x86_jmp(struct x86 *e, const void *target)
{
	x86_b(e, 0xe9);
	uint8_t *f = e->p;
	x86_d32(e, target ? (uint32_t)(int32_t)((const uint8_t *)target - (f + 4)) : 0);
	return f;
}

static inline uint8_t *x86_jcc(struct x86 *e, enum x86_cc cc, const void *target)
{
	x86_b(e, 0x0f);
	x86_b(e, (uint8_t)(0x80 + cc));
	uint8_t *f = e->p;
	x86_d32(e, target ? (uint32_t)(int32_t)((const uint8_t *)target - (f + 4)) : 0);
	return f;
}

/* Points the rel32 field f at target. */
static inline void x86_bind(uint8_t *f, const void *target)
{
	int32_t rel = (int32_t)((const uint8_t *)target - (f + 4));
	memcpy(f, &rel, 4);
}

/* call / jmp through a register */
static inline void x86_call_r(struct x86 *e, int r)
{
	x86_rex(e, 0, 0, r, 0);
	x86_b(e, 0xff);
	x86_modrm_reg(e, 2, r);
}

static inline void x86_jmp_r(struct x86 *e, int r)
{
	x86_rex(e, 0, 0, r, 0);
	x86_b(e, 0xff);
	x86_modrm_reg(e, 4, r);
}

/* call an absolute host function (through rax) */
static inline void x86_call(struct x86 *e, const void *fn)
{
	x86_mov_imm(e, RAX, (uint64_t)(uintptr_t)fn);
	x86_call_r(e, RAX);
}

static inline void x86_push(struct x86 *e, int r)
{
	x86_rex(e, 0, 0, r, 0);
	x86_b(e, (uint8_t)(0x50 + (r & 7)));
}

static inline void x86_pop(struct x86 *e, int r)
{
	x86_rex(e, 0, 0, r, 0);
	x86_b(e, (uint8_t)(0x58 + (r & 7)));
}

/* op reg, [base + index + disp32] (scale 1; REX.X for the index) */
static inline void x86_op_idx(struct x86 *e, int w, uint8_t op, int reg, int base, int index,
			      int32_t disp)
{
	x86_b(e, (uint8_t)(0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((index & 8) ? 2 : 0) |
			   ((base & 8) ? 1 : 0)));
	x86_b(e, op);
	x86_b(e, (uint8_t)(2 << 6 | (reg & 7) << 3 | 4));       /* mod 10: disp32, SIB */
	x86_b(e, (uint8_t)((index & 7) << 3 | (base & 7)));     /* scale 1 */
	x86_d32(e, (uint32_t)disp);
}

/* mov byte [base + disp], imm8 */
static inline void x86_store8_imm(struct x86 *e, int base, int32_t disp, uint8_t v)
{
	x86_rex(e, 0, 0, base, 0);
	x86_b(e, 0xc6);
	x86_modrm_mem(e, 0, base, disp);
	x86_b(e, v);
}

/* movzx r32, byte [base + disp] */
static inline void x86_load8z(struct x86 *e, int r, int base, int32_t disp)
{
	x86_rex(e, 0, r, base, 0);
	x86_b(e, 0x0f);
	x86_b(e, 0xb6);
	x86_modrm_mem(e, r, base, disp);
}

/* ---- SSE and FMA3 (scalar), for the JIT's inline F/D arithmetic ---------- */

/* [prefix] [REX] 0F op xmm, [base + disp]: movss/movsd (F3/F2 0F 10 load,
 * 11 store), add 58, mul 59, sub 5C, div 5E, sqrt 51, ucomis 2E, comis 2F
 * (66 for the double forms, none for single). */
static inline void x86_sse_mem(struct x86 *e, uint8_t prefix, uint8_t op, int xmm, int base,
			       int32_t disp)
{
	if (prefix)
		x86_b(e, prefix);
	x86_rex(e, 0, xmm, base, 0);
	x86_b(e, 0x0f);
	x86_b(e, op);
	x86_modrm_mem(e, xmm, base, disp);
}

/* The conversions: [prefix] [REX.W] 0F op reg, [base + disp] with a
 * general register reg (cvttsd2si 2C, cvtsd2si 2D; F2 sd, F3 ss), and
 * [prefix] [REX.W] 0F op xmm, r (cvtsi2sd/ss 2A); w: 64-bit integer. */
static inline void x86_cvt_mem(struct x86 *e, uint8_t prefix, int w, uint8_t op, int reg, int base,
			       int32_t disp)
{
	x86_b(e, prefix);
	x86_rex(e, w, reg, base, 0);
	x86_b(e, 0x0f);
	x86_b(e, op);
	x86_modrm_mem(e, reg, base, disp);
}

static inline void x86_cvt_rr(struct x86 *e, uint8_t prefix, int w, uint8_t op, int reg, int rm)
{
	x86_b(e, prefix);
	x86_rex(e, w, reg, rm, 0);
	x86_b(e, 0x0f);
	x86_b(e, op);
	x86_modrm_reg(e, reg, rm);
}

/* [prefix] [REX] 0F op xmm, xmm_rm */
static inline void x86_sse_rr(struct x86 *e, uint8_t prefix, uint8_t op, int xmm, int xmm_rm)
{
	if (prefix)
		x86_b(e, prefix);
	x86_rex(e, 0, xmm, xmm_rm, 0);
	x86_b(e, 0x0f);
	x86_b(e, op);
	x86_modrm_reg(e, xmm, xmm_rm);
}

/* ldmxcsr [base + disp] (0F AE /2), stmxcsr [base + disp] (0F AE /3) */
static inline void x86_ldmxcsr(struct x86 *e, int base, int32_t disp)
{
	x86_rex(e, 0, 0, base, 0);
	x86_b(e, 0x0f);
	x86_b(e, 0xae);
	x86_modrm_mem(e, 2, base, disp);
}

static inline void x86_stmxcsr(struct x86 *e, int base, int32_t disp)
{
	x86_rex(e, 0, 0, base, 0);
	x86_b(e, 0x0f);
	x86_b(e, 0xae);
	x86_modrm_mem(e, 3, base, disp);
}

/* VEX.LIG.66.0F38.W op xmm, xmm_v, [base + disp] (three-byte VEX): the
 * scalar FMA3 231 forms, xmm = +-(xmm_v * m) +- xmm: vfmadd231 B9,
 * vfmsub231 BB, vfnmadd231 BD, vfnmsub231 BF; W = 1 for sd, 0 for ss. */
static inline void x86_fma231_mem(struct x86 *e, int w, uint8_t op, int xmm, int xmm_v, int base,
				  int32_t disp)
{
	x86_b(e, 0xc4);
	x86_b(e, (uint8_t)(((xmm & 8) ? 0 : 0x80) | 0x40 | ((base & 8) ? 0 : 0x20) | 0x02));
	x86_b(e, (uint8_t)((w ? 0x80 : 0) | ((~xmm_v & 15) << 3) | 0x01));
	x86_b(e, op);
	x86_modrm_mem(e, xmm, base, disp);
}

/* movq r64, xmm (66 REX.W 0F 7E /r) */
static inline void x86_movq_r_xmm(struct x86 *e, int r, int xmm)
{
	x86_b(e, 0x66);
	x86_rex(e, 1, xmm, r, 0);
	x86_b(e, 0x0f);
	x86_b(e, 0x7e);
	x86_modrm_reg(e, xmm, r);
}

/* mov dword [base + disp], imm32 */
static inline void x86_store32_imm(struct x86 *e, int base, int32_t disp, uint32_t v)
{
	x86_rex(e, 0, 0, base, 0);
	x86_b(e, 0xc7);
	x86_modrm_mem(e, 0, base, disp);
	x86_d32(e, v);
}

/* cmp dword [base + disp], imm8 (sign-extended) */
static inline void x86_cmp32_mi8(struct x86 *e, int base, int32_t disp, int8_t v)
{
	x86_rex(e, 0, 0, base, 0);
	x86_b(e, 0x83);
	x86_modrm_mem(e, 7, base, disp);
	x86_b(e, (uint8_t)v);
}

/* test byte [base + disp], imm8 */
static inline void x86_test8_mi(struct x86 *e, int base, int32_t disp, uint8_t v)
{
	x86_rex(e, 0, 0, base, 0);
	x86_b(e, 0xf6);
	x86_modrm_mem(e, 0, base, disp);
	x86_b(e, v);
}

static inline void x86_ret(struct x86 *e) { x86_b(e, 0xc3); }

#endif
