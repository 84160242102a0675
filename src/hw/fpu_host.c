/*
 * fpu_host.c - the host's SSE unit as a fast path for fpu.c's add, sub,
 * mul, div, sqrt and fused multiply-add, where its results and flags are
 * bit-identical to the RISC-V rules:
 *
 *  - x86-64 SSE rounds correctly in RNE, RTZ, RDN and RUP (MXCSR.RC); RMM
 *    does not exist there, so RMM goes to fpu.c;
 *  - with every exception masked, it raises the same five flags (IE ZE OE
 *    UE PE = NV DZ OF UF NX) and, like RISC-V, detects tininess after
 *    rounding (UE only when tiny and inexact); DAZ and FTZ are off;
 *  - its NaN results keep payloads: every NaN result is replaced by the
 *    canonical NaN here;
 *  - FMA3 raises no invalid for inf * 0 + qNaN, which RISC-V requires: an
 *    FMA whose product is inf * 0 goes to fpu.c.
 *
 * Each operation loads its own MXCSR (mode, cleared flags), runs one SSE
 * instruction in inline asm (volatile: the compiler can neither move it
 * across the MXCSR accesses nor fold it), reads the flags and restores the
 * host's MXCSR, so the rest of vmos never sees a changed rounding mode.
 * tests/hw/fpu_test.c checks this path against fpu.c on millions of
 * operands; on other hosts fpu_host_arith() always declines.
 */
#include "fpu.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)

/* MXCSR: exception masks (bits 7-12) all set, RC in bits 13-14 */
static const uint32_t mxcsr_of_rm[4] = {
	[FPU_RNE] = 0x1f80 | 0u << 13, [FPU_RDN] = 0x1f80 | 1u << 13,
	[FPU_RUP] = 0x1f80 | 2u << 13, [FPU_RTZ] = 0x1f80 | 3u << 13,
};

static int have_fma = -1;

static unsigned flags_of_mxcsr(uint32_t m)
{
	return (m & 0x01 ? FPU_NV : 0) | (m & 0x04 ? FPU_DZ : 0) | (m & 0x08 ? FPU_OF : 0) |
	       (m & 0x10 ? FPU_UF : 0) | (m & 0x20 ? FPU_NX : 0);
}

static bool is_inf(enum fpu_fmt f, uint64_t v)
{
	return f == FPU_D ? (v & ~(1ULL << 63)) == 0x7ff0000000000000ULL
			  : (v & 0x7fffffffu) == 0x7f800000u;
}

static bool is_zero(enum fpu_fmt f, uint64_t v)
{
	return f == FPU_D ? (v & ~(1ULL << 63)) == 0 : (v & 0x7fffffffu) == 0;
}

__attribute__((target("fma")))
static double fma_d(double a, double b, double c)
{
	__asm__ volatile("vfmadd231sd %2, %1, %0" : "+x"(c) : "x"(a), "x"(b));
	return c;
}

__attribute__((target("fma")))
static float fma_s(float a, float b, float c)
{
	__asm__ volatile("vfmadd231ss %2, %1, %0" : "+x"(c) : "x"(a), "x"(b));
	return c;
}

static double op_d(enum fpu_host_op op, double a, double b, double c)
{
	switch (op) {
	case FPU_HOST_ADD:  __asm__ volatile("addsd %1, %0" : "+x"(a) : "x"(b)); return a;
	case FPU_HOST_SUB:  __asm__ volatile("subsd %1, %0" : "+x"(a) : "x"(b)); return a;
	case FPU_HOST_MUL:  __asm__ volatile("mulsd %1, %0" : "+x"(a) : "x"(b)); return a;
	case FPU_HOST_DIV:  __asm__ volatile("divsd %1, %0" : "+x"(a) : "x"(b)); return a;
	case FPU_HOST_SQRT: __asm__ volatile("sqrtsd %0, %0" : "+x"(a)); return a;
	default:            return fma_d(a, b, c);
	}
}

static float op_s(enum fpu_host_op op, float a, float b, float c)
{
	switch (op) {
	case FPU_HOST_ADD:  __asm__ volatile("addss %1, %0" : "+x"(a) : "x"(b)); return a;
	case FPU_HOST_SUB:  __asm__ volatile("subss %1, %0" : "+x"(a) : "x"(b)); return a;
	case FPU_HOST_MUL:  __asm__ volatile("mulss %1, %0" : "+x"(a) : "x"(b)); return a;
	case FPU_HOST_DIV:  __asm__ volatile("divss %1, %0" : "+x"(a) : "x"(b)); return a;
	case FPU_HOST_SQRT: __asm__ volatile("sqrtss %0, %0" : "+x"(a)); return a;
	default:            return fma_s(a, b, c);
	}
}

bool fpu_host_arith(enum fpu_fmt f, enum fpu_host_op op, uint64_t a, uint64_t b, uint64_t c,
		    int rm, uint64_t *res, unsigned *fl)
{
	if (rm > FPU_RUP)
		return false;
	if (op == FPU_HOST_FMA) {
		if (have_fma < 0)
			have_fma = __builtin_cpu_supports("fma");
		if (!have_fma || (is_inf(f, a) && is_zero(f, b)) || (is_zero(f, a) && is_inf(f, b)))
			return false;
	}
	uint32_t saved, mine = mxcsr_of_rm[rm], after;
	__asm__ volatile("stmxcsr %0" : "=m"(saved));
	__asm__ volatile("ldmxcsr %0" : : "m"(mine));
	uint64_t r;
	if (f == FPU_D) {
		double x, y, z, v;
		memcpy(&x, &a, 8), memcpy(&y, &b, 8), memcpy(&z, &c, 8);
		v = op_d(op, x, y, z);
		__asm__ volatile("stmxcsr %0" : "=m"(after));
		memcpy(&r, &v, 8);
		if ((r & ~(1ULL << 63)) > 0x7ff0000000000000ULL)
			r = FPU_CANON_D;
	} else {
		float x, y, z, v;
		uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b, c32 = (uint32_t)c, r32;
		memcpy(&x, &a32, 4), memcpy(&y, &b32, 4), memcpy(&z, &c32, 4);
		v = op_s(op, x, y, z);
		__asm__ volatile("stmxcsr %0" : "=m"(after));
		memcpy(&r32, &v, 4);
		r = (r32 & 0x7fffffffu) > 0x7f800000u ? FPU_CANON_S : r32;
	}
	__asm__ volatile("ldmxcsr %0" : : "m"(saved));
	*res = r;
	*fl |= flags_of_mxcsr(after);
	return true;
}

#else

bool fpu_host_arith(enum fpu_fmt f, enum fpu_host_op op, uint64_t a, uint64_t b, uint64_t c,
		    int rm, uint64_t *res, unsigned *fl)
{
	(void)f, (void)op, (void)a, (void)b, (void)c, (void)rm, (void)res, (void)fl;
	return false;
}

#endif
