/*
 * cpu_fp.c - the F and D extensions' register-to-register instructions and
 * the fcsr/frm/fflags CSRs (RISC-V unprivileged spec, chapters "F" and "D",
 * and "Zicsr").  FP loads and stores are in the interpreter loop (cpu.c),
 * on the same translation path as integer loads and stores; the arithmetic
 * is fpu.c, with the host's SSE unit as a fast path where it gives the same
 * bits and flags (fpu_host.c).
 *
 * f registers are 64 bits wide.  A binary32 value lives NaN-boxed: its
 * upper 32 bits all ones.  Operations that read a binary32 and are not pure
 * transfers (FSW, FMV.X.W) treat an improperly boxed register as the
 * canonical NaN; every binary32 result is written boxed.
 *
 *   fcsr:  31 .. 8 reserved (0) | 7 .. 5 frm | 4 NV | 3 DZ | 2 OF | 1 UF | 0 NX
 *
 * The rm field: 0-4 a static rounding mode, 7 = frm (dynamic); 5 and 6, or 7
 * while frm holds 5-7, make the instruction illegal.
 */
#include "cpu_internal.h"
#include "cpu_encode.h"
#include "fpu.h"

#define BOX_S 0xffffffff00000000ULL

/* The operand register r as format f: unboxed for binary32. */
static inline uint64_t fp_read(const struct cpu *c, enum fpu_fmt f, unsigned r)
{
	uint64_t v = c->f[r];
	if (f == FPU_D)
		return v;
	return (v >> 32) == 0xffffffffu ? (uint32_t)v : FPU_CANON_S;
}

static inline void fp_write(struct cpu *c, enum fpu_fmt f, unsigned r, uint64_t v)
{
	c->f[r] = f == FPU_D ? v : BOX_S | (uint32_t)v;
}

static inline void x_write(struct cpu *c, unsigned r, uint64_t v)
{
	if (r)
		c->x[r] = v;
}

/* The rounding mode an rm field selects, or -1 if it is reserved. */
static int rounding_mode(const struct cpu *c, unsigned rm)
{
	if (rm == 7)
		rm = (c->fcsr >> 5) & 7;
	return rm <= FPU_RMM ? (int)rm : -1;
}

/* OP-FP (opcode 0x53): funct7 = funct5 << 2 | fmt. */
static int exec_op_fp(struct cpu *c, uint32_t insn, unsigned *fl)
{
	unsigned rd = (insn >> 7) & 31, f3 = (insn >> 12) & 7;
	unsigned rs1 = (insn >> 15) & 31, rs2 = (insn >> 20) & 31;
	unsigned funct5 = insn >> 27, fmt = (insn >> 25) & 3;
	if (fmt > 1)
		return -1;                           /* H and Q are not implemented */
	enum fpu_fmt f = (enum fpu_fmt)fmt;
	uint64_t a = fp_read(c, f, rs1), b = fp_read(c, f, rs2);
	int rm = rounding_mode(c, f3);
	switch (funct5) {
	case 0x00: case 0x01: case 0x02: case 0x03: {    /* FADD FSUB FMUL FDIV */
		if (rm < 0)
			return -1;
		static uint64_t (*const ops[4])(enum fpu_fmt, uint64_t, uint64_t, int, unsigned *) =
			{ fpu_add, fpu_sub, fpu_mul, fpu_div };
		uint64_t r;
		if (!fpu_host_arith(f, (enum fpu_host_op)funct5, a, b, 0, rm, &r, fl))
			r = ops[funct5](f, a, b, rm, fl);
		fp_write(c, f, rd, r);
		return 0;
	}
	case 0x0b:                                       /* FSQRT */
		if (rm < 0 || rs2 != 0)
			return -1;
		uint64_t r;
		if (!fpu_host_arith(f, FPU_HOST_SQRT, a, 0, 0, rm, &r, fl))
			r = fpu_sqrt(f, a, rm, fl);
		fp_write(c, f, rd, r);
		return 0;
	case 0x04: {                                     /* FSGNJ FSGNJN FSGNJX */
		uint64_t sb = f == FPU_D ? 1ULL << 63 : 1ULL << 31;
		uint64_t s;
		switch (f3) {
		case 0: s = b & sb; break;
		case 1: s = ~b & sb; break;
		case 2: s = (a ^ b) & sb; break;
		default: return -1;
		}
		fp_write(c, f, rd, (a & ~sb) | s);
		return 0;
	}
	case 0x05:                                       /* FMIN FMAX */
		if (f3 > 1)
			return -1;
		fp_write(c, f, rd, f3 ? fpu_max(f, a, b, fl) : fpu_min(f, a, b, fl));
		return 0;
	case 0x08:                                       /* FCVT.S.D, FCVT.D.S */
		if (rm < 0 || rs2 != (f == FPU_S ? 1u : 0u))
			return -1;
		fp_write(c, f, rd, fpu_convert(f, (enum fpu_fmt)rs2, fp_read(c, (enum fpu_fmt)rs2, rs1),
					      rm, fl));
		return 0;
	case 0x14:                                       /* FLE FLT FEQ */
		switch (f3) {
		case 0: x_write(c, rd, fpu_le(f, a, b, fl)); return 0;
		case 1: x_write(c, rd, fpu_lt(f, a, b, fl)); return 0;
		case 2: x_write(c, rd, fpu_eq(f, a, b, fl)); return 0;
		default: return -1;
		}
	case 0x18:                                       /* FCVT.{W,WU,L,LU}.fmt */
		if (rm < 0 || rs2 > 3)
			return -1;
		x_write(c, rd, fpu_to_int(f, a, (enum fpu_int)rs2, rm, fl));
		return 0;
	case 0x1a:                                       /* FCVT.fmt.{W,WU,L,LU} */
		if (rm < 0 || rs2 > 3)
			return -1;
		fp_write(c, f, rd, fpu_from_int(f, c->x[rs1], (enum fpu_int)rs2, rm, fl));
		return 0;
	case 0x1c:                                       /* FMV.X.{W,D}, FCLASS */
		if (rs2 != 0)
			return -1;
		if (f3 == 0)       /* a transfer: the raw low bits, no unboxing */
			x_write(c, rd, f == FPU_D ? c->f[rs1] : (uint64_t)(int64_t)(int32_t)c->f[rs1]);
		else if (f3 == 1)
			x_write(c, rd, fpu_class(f, a));
		else
			return -1;
		return 0;
	case 0x1e:                                       /* FMV.{W,D}.X */
		if (rs2 != 0 || f3 != 0)
			return -1;
		fp_write(c, f, rd, c->x[rs1]);
		return 0;
	default:
		return -1;
	}
}

int cpu_exec_fp(struct cpu *c, uint32_t insn)
{
	unsigned fl = 0;
	unsigned opc = insn & 0x7f;
	if (opc == OPC_OP_FP) {
		if (exec_op_fp(c, insn, &fl) < 0)
			return CAUSE_ILLEGAL_INSN;
	} else {                                 /* FMADD FMSUB FNMSUB FNMADD */
		unsigned fmt = (insn >> 25) & 3;
		int rm = rounding_mode(c, (insn >> 12) & 7);
		if (fmt > 1 || rm < 0)
			return CAUSE_ILLEGAL_INSN;
		enum fpu_fmt f = (enum fpu_fmt)fmt;
		uint64_t a = fp_read(c, f, (insn >> 15) & 31), b = fp_read(c, f, (insn >> 20) & 31);
		uint64_t d = fp_read(c, f, insn >> 27);
		bool neg_prod = opc == OPC_NMSUB || opc == OPC_NMADD;
		bool neg_c = opc == OPC_MSUB || opc == OPC_NMADD;
		uint64_t sb = f == FPU_D ? 1ULL << 63 : 1ULL << 31, r;
		if (!fpu_host_arith(f, FPU_HOST_FMA, neg_prod ? a ^ sb : a, b, neg_c ? d ^ sb : d,
				    rm, &r, &fl))
			r = fpu_fma(f, a, b, d, neg_prod, neg_c, rm, &fl);
		fp_write(c, f, (insn >> 7) & 31, r);
	}
	c->fcsr |= fl;
	c->fs = CPU_FS_DIRTY;
	return 0;
}

int cpu_exec_csr_fp(struct cpu *c, uint32_t insn)
{
	unsigned csr = insn >> 20, f3 = (insn >> 12) & 7, src_reg = (insn >> 15) & 31;
	unsigned rd = (insn >> 7) & 31;
	uint32_t old;
	switch (csr) {
	case CSR_FFLAGS: old = c->fcsr & 0x1f; break;
	case CSR_FRM:    old = (c->fcsr >> 5) & 7; break;
	case CSR_FCSR:   old = c->fcsr & 0xff; break;
	default:         return CAUSE_ILLEGAL_INSN;
	}
	uint64_t src = (f3 & 4) ? src_reg : c->x[src_reg];    /* csrr?i: 5-bit uimm */
	uint64_t nv;
	bool write;
	switch (f3 & 3) {
	case 1: nv = src; write = true; break;                  /* CSRRW(I) */
	case 2: nv = old | src; write = src_reg != 0; break;    /* CSRRS(I) */
	case 3: nv = old & ~src; write = src_reg != 0; break;   /* CSRRC(I) */
	default: return CAUSE_ILLEGAL_INSN;
	}
	if (write) {
		if (csr == CSR_FFLAGS)
			c->fcsr = (c->fcsr & ~0x1fu) | (uint32_t)(nv & 0x1f);
		else if (csr == CSR_FRM)
			c->fcsr = (c->fcsr & ~0xe0u) | (uint32_t)(nv & 7) << 5;
		else
			c->fcsr = (uint32_t)(nv & 0xff);
		c->fs = CPU_FS_DIRTY;
	}
	x_write(c, rd, old);
	return 0;
}
