/*
 * fpu.h - IEEE 754-2008 binary32 / binary64 arithmetic exactly as the RISC-V
 * "F" and "D" extensions define it (unprivileged spec, chapters "F" and "D"):
 * five rounding modes including round-to-nearest-ties-to-max-magnitude, the
 * five accrued exception flags with tininess detected after rounding, the
 * canonical NaN for every NaN result, the spec's FMIN/FMAX, compare and
 * FCVT-to-integer rules.  Written in integer C (fpu.c), so the results and
 * flags do not depend on the host's FPU, its rounding-mode register or the
 * compiler.
 *
 * Values are raw encodings: a binary32 in the low 32 bits of a uint64_t
 * (NaN-boxing is the CPU's business, cpu_fp.c), a binary64 in all 64.
 * Every function ORs the exceptions it raises into *fl (FPU_NV ...).
 */
#ifndef VMOS_HW_FPU_H
#define VMOS_HW_FPU_H

#include <stdint.h>
#include <stdbool.h>

enum fpu_fmt { FPU_S = 0, FPU_D = 1 };              /* the instruction's fmt field */

/* Rounding modes, as encoded in the rm field and frm. */
enum fpu_rm { FPU_RNE = 0, FPU_RTZ = 1, FPU_RDN = 2, FPU_RUP = 3, FPU_RMM = 4 };

/* Accrued exception flags, as in fflags. */
#define FPU_NX 0x01u   /* inexact */
#define FPU_UF 0x02u   /* underflow: tiny (after rounding) and inexact */
#define FPU_OF 0x04u   /* overflow */
#define FPU_DZ 0x08u   /* divide by zero */
#define FPU_NV 0x10u   /* invalid operation */

#define FPU_CANON_S 0x7fc00000ULL
#define FPU_CANON_D 0x7ff8000000000000ULL

/* Integer types of FCVT, as encoded in its rs2 field. */
enum fpu_int { FPU_W = 0, FPU_WU = 1, FPU_L = 2, FPU_LU = 3 };

uint64_t fpu_add(enum fpu_fmt f, uint64_t a, uint64_t b, int rm, unsigned *fl);
uint64_t fpu_sub(enum fpu_fmt f, uint64_t a, uint64_t b, int rm, unsigned *fl);
uint64_t fpu_mul(enum fpu_fmt f, uint64_t a, uint64_t b, int rm, unsigned *fl);
uint64_t fpu_div(enum fpu_fmt f, uint64_t a, uint64_t b, int rm, unsigned *fl);
uint64_t fpu_sqrt(enum fpu_fmt f, uint64_t a, int rm, unsigned *fl);

/* (neg_prod ? -(a*b) : a*b) + (neg_c ? -c : c) with a single rounding:
 * FMADD (0,0), FMSUB (0,1), FNMSUB (1,0), FNMADD (1,1). */
uint64_t fpu_fma(enum fpu_fmt f, uint64_t a, uint64_t b, uint64_t c, bool neg_prod, bool neg_c,
		 int rm, unsigned *fl);

/* FMIN / FMAX: -0 < +0; one NaN operand gives the other; two give the
 * canonical NaN; a signalling NaN raises NV. */
uint64_t fpu_min(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *fl);
uint64_t fpu_max(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *fl);

/* FEQ (quiet: NV only for a signalling NaN), FLT and FLE (signalling: NV
 * for any NaN).  A NaN operand compares false. */
bool fpu_eq(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *fl);
bool fpu_lt(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *fl);
bool fpu_le(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *fl);

/* FCLASS: one of bits 0-9 (-inf, -normal, -subnormal, -0, +0, +subnormal,
 * +normal, +inf, signalling NaN, quiet NaN). */
unsigned fpu_class(enum fpu_fmt f, uint64_t a);

/* FCVT.{W,WU,L,LU}.fmt: the integer as the destination register holds it
 * (32-bit results sign-extended).  Out of range or NaN: NV and the spec's
 * saturated value (NaN and +inf -> the maximum, -inf -> the minimum). */
uint64_t fpu_to_int(enum fpu_fmt f, uint64_t a, enum fpu_int t, int rm, unsigned *fl);

/* FCVT.fmt.{W,WU,L,LU}: v is the source register (W/WU use its low 32). */
uint64_t fpu_from_int(enum fpu_fmt f, uint64_t v, enum fpu_int t, int rm, unsigned *fl);

/* FCVT.S.D and FCVT.D.S. */
uint64_t fpu_convert(enum fpu_fmt to, enum fpu_fmt from, uint64_t a, int rm, unsigned *fl);

/* The host fast path (fpu_host.c): on x86-64, the same result and flags as
 * fpu_add ... fpu_fma (FMA: a*b + c, negate inputs for the other forms)
 * computed by one SSE instruction.  Returns false, touching nothing, when
 * it cannot give them (RMM, an FMA of inf * 0, no FMA unit, another host);
 * the caller then uses the functions above. */
enum fpu_host_op { FPU_HOST_ADD, FPU_HOST_SUB, FPU_HOST_MUL, FPU_HOST_DIV, FPU_HOST_SQRT,
		   FPU_HOST_FMA };
bool fpu_host_arith(enum fpu_fmt f, enum fpu_host_op op, uint64_t a, uint64_t b, uint64_t c,
		    int rm, uint64_t *res, unsigned *fl);

#endif
