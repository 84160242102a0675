/*
 * fpu_test.c - the integer IEEE 754 arithmetic of fpu.c.
 *
 * 1. Against the host: on x86-64, SSE arithmetic (and glibc's fma, which
 *    uses the FMA unit) is correctly rounded in the four IEEE rounding
 *    modes, detects tininess after rounding like RISC-V, and raises the same
 *    five flags; only NaN payloads differ (the RISC-V result is always the
 *    canonical NaN).  So for random operands biased toward the hard cases
 *    (zeros, subnormals, the normal/subnormal boundary, the largest finite
 *    values, infinities, NaNs of both kinds, values one ulp apart), fpu.c
 *    must agree bit for bit, flags included, with the host in RNE, RTZ, RDN
 *    and RUP.  (This file is built with -frounding-math, mk/fpu.mk.)
 * 2. The CPU's SSE fast path (fpu_host.c) against fpu.c, all five ops and
 *    the four FMA forms, flags included.
 * 3. Round-to-nearest-ties-to-max-magnitude, which the host lacks: against
 *    the RNE result, which may differ only at an exact tie.
 */
#include "test.h"
#include "fpu.h"

#include <fenv.h>
#include <math.h>

static uint64_t rng_state = 0x243f6a8885a308d3ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A random operand of format f, biased toward the special cases. */
static uint64_t operand(enum fpu_fmt f, uint64_t near)
{
	bool d = f == FPU_D;
	uint64_t sign = (rnd() & 1) ? (d ? 1ULL << 63 : 1ULL << 31) : 0;
	uint64_t mmask = d ? (1ULL << 52) - 1 : (1ULL << 23) - 1;
	unsigned ebits = d ? 11 : 8, p = d ? 53 : 24;
	uint64_t emax = (1ULL << ebits) - 1;
	uint64_t e = rnd() % emax, m = rnd() & mmask;
	switch (rnd() % 16) {
	case 0: return sign;                                         /* zero */
	case 1: return sign | (rnd() & mmask) | 1;                   /* subnormal */
	case 2: return sign | (1ULL << (p - 1)) | (rnd() & 3);       /* smallest normals */
	case 3: return sign | (mmask - (rnd() & 3));                 /* largest subnormals */
	case 4: return sign | ((emax - 1) << (p - 1)) | (mmask - (rnd() & 3)); /* huge */
	case 5: return sign | (emax << (p - 1));                     /* infinity */
	case 6: return sign | (emax << (p - 1)) | (rnd() & mmask) | 1;  /* NaN, either kind */
	case 7: case 8: return near + (rnd() % 5) - 2;               /* close to the other operand */
	case 9: return sign | ((uint64_t)(emax / 2 + rnd() % 8) << (p - 1)) | (rnd() & 7); /* ~1 */
	case 10: return sign | ((uint64_t)(emax / 2 + rnd() % 8) << (p - 1)) | (m & ~((1ULL << (p / 2)) - 1));
	case 11: return sign | ((uint64_t)(rnd() % 60) << (p - 1)) | m;  /* near underflow */
	default: return sign | (e << (p - 1)) | m;
	}
}

static const int host_modes[4] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };

static unsigned host_flags(void)
{
	int e = fetestexcept(FE_ALL_EXCEPT);
	return (e & FE_INEXACT ? FPU_NX : 0) | (e & FE_UNDERFLOW ? FPU_UF : 0) |
	       (e & FE_OVERFLOW ? FPU_OF : 0) | (e & FE_DIVBYZERO ? FPU_DZ : 0) |
	       (e & FE_INVALID ? FPU_NV : 0);
}

static bool is_nan_bits(enum fpu_fmt f, uint64_t v)
{
	return f == FPU_D ? (v & ~(1ULL << 63)) > 0x7ff0000000000000ULL
			  : (v & 0x7fffffffu) > 0x7f800000u;
}

enum op { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQRT, OP_FMA, OP_COUNT };
static const char *const op_names[OP_COUNT] = { "add", "sub", "mul", "div", "sqrt", "fma" };

/* The host's result of op in rounding mode rm, with its flags. */
static uint64_t host_op(enum fpu_fmt f, enum op op, uint64_t a, uint64_t b, uint64_t c, int rm,
			unsigned *fl)
{
	uint64_t r = 0;
	fesetround(host_modes[rm]);
	feclearexcept(FE_ALL_EXCEPT);
	if (f == FPU_D) {
		volatile double x, y, z, res;
		memcpy((void *)&x, &a, 8);
		memcpy((void *)&y, &b, 8);
		memcpy((void *)&z, &c, 8);
		switch (op) {
		case OP_ADD:  res = x + y; break;
		case OP_SUB:  res = x - y; break;
		case OP_MUL:  res = x * y; break;
		case OP_DIV:  res = x / y; break;
		case OP_SQRT: res = sqrt(x); break;
		default:      res = fma(x, y, z); break;
		}
		double rv = res;
		memcpy(&r, &rv, 8);
	} else {
		volatile float x, y, z, res;
		uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b, c32 = (uint32_t)c, r32;
		memcpy((void *)&x, &a32, 4);
		memcpy((void *)&y, &b32, 4);
		memcpy((void *)&z, &c32, 4);
		switch (op) {
		case OP_ADD:  res = x + y; break;
		case OP_SUB:  res = x - y; break;
		case OP_MUL:  res = x * y; break;
		case OP_DIV:  res = x / y; break;
		case OP_SQRT: res = sqrtf(x); break;
		default:      res = fmaf(x, y, z); break;
		}
		float rv = res;
		memcpy(&r32, &rv, 4);
		r = r32;
	}
	*fl = host_flags();
	fesetround(FE_TONEAREST);
	return r;
}

static uint64_t soft_op(enum fpu_fmt f, enum op op, uint64_t a, uint64_t b, uint64_t c, int rm,
			unsigned *fl)
{
	switch (op) {
	case OP_ADD:  return fpu_add(f, a, b, rm, fl);
	case OP_SUB:  return fpu_sub(f, a, b, rm, fl);
	case OP_MUL:  return fpu_mul(f, a, b, rm, fl);
	case OP_DIV:  return fpu_div(f, a, b, rm, fl);
	case OP_SQRT: return fpu_sqrt(f, a, rm, fl);
	default:      return fpu_fma(f, a, b, c, false, false, rm, fl);
	}
}

#if defined(__x86_64__)
static void against_host(enum fpu_fmt f, enum op op, int n)
{
	int bad = 0;
	for (int i = 0; i < n && bad < 10; i++) {
		uint64_t a = operand(f, 0), b = operand(f, a), c = operand(f, rnd() & 1 ? a : b);
		if (op == OP_FMA && (rnd() & 3) == 0) {
			/* c close to -a*b: massive cancellation */
			unsigned ign = 0;
			c = fpu_mul(f, a, b, FPU_RNE, &ign) ^ (f == FPU_D ? 1ULL << 63 : 1ULL << 31);
			c += rnd() % 3;
			c -= 1;
		}
		if (f == FPU_S)
			a &= 0xffffffffu, b &= 0xffffffffu, c &= 0xffffffffu;
		int rm = (int)(rnd() % 4);
		unsigned hf, sf = 0;
		uint64_t h = host_op(f, op, a, b, c, rm, &hf);
		uint64_t s = soft_op(f, op, a, b, c, rm, &sf);
		if (is_nan_bits(f, h) && s == (f == FPU_D ? FPU_CANON_D : FPU_CANON_S))
			h = s;
		/* x86 raises no NV for inf*0+qNaN; RISC-V does (checked in
		 * cpu_fp_test) */
		if (op == OP_FMA && (sf & FPU_NV) && !(hf & FPU_NV) && h == s)
			hf |= FPU_NV;
		if (h != s || hf != sf) {
			bad++;
			test_fail(__FILE__, __LINE__,
				  "%s.%c rm %d a=%" PRIx64 " b=%" PRIx64 " c=%" PRIx64
				  ": soft %" PRIx64 " flags %x, host %" PRIx64 " flags %x",
				  op_names[op], f == FPU_D ? 'd' : 's', rm, a, b, c, s, sf, h, hf);
		}
	}
}

TEST(arithmetic_matches_host_sse_in_four_rounding_modes)
{
	for (int f = FPU_S; f <= FPU_D; f++)
		for (int op = 0; op < OP_COUNT; op++)
			against_host((enum fpu_fmt)f, (enum op)op, 200000);
}

TEST(conversions_match_host)
{
	int bad = 0;
	for (int i = 0; i < 400000 && bad < 10; i++) {
		int rm = (int)(rnd() % 4);
		/* double -> float */
		uint64_t a = operand(FPU_D, 0);
		if (rnd() & 1)        /* a double near float's range and precision */
			a = (a & 0x800fffffffffffffULL) | (uint64_t)(1023 - 160 + rnd() % 300) << 52;
		unsigned sf = 0, hf;
		uint64_t s = fpu_convert(FPU_S, FPU_D, a, rm, &sf);
		fesetround(host_modes[rm]);
		feclearexcept(FE_ALL_EXCEPT);
		volatile double x;
		memcpy((void *)&x, &a, 8);
		volatile float y = (float)x;
		hf = host_flags();
		fesetround(FE_TONEAREST);
		float yv = y;
		uint32_t h;
		memcpy(&h, &yv, 4);
		if (is_nan_bits(FPU_S, h) && s == FPU_CANON_S)
			h = (uint32_t)s;
		if (h != s || hf != sf) {
			bad++;
			test_fail(__FILE__, __LINE__, "fcvt.s.d rm %d %" PRIx64 ": soft %" PRIx64
				  "/%x host %x/%x", rm, a, s, sf, h, hf);
		}
		/* int64 -> double and float */
		int64_t v = (int64_t)(rnd() >> (rnd() % 64));
		if (rnd() & 1)
			v = (int64_t)(0 - (uint64_t)v);
		sf = 0;
		s = fpu_from_int(FPU_D, (uint64_t)v, FPU_L, rm, &sf);
		fesetround(host_modes[rm]);
		feclearexcept(FE_ALL_EXCEPT);
		volatile int64_t vv = v;
		volatile double dv = (double)vv;
		hf = host_flags();
		fesetround(FE_TONEAREST);
		double dd = dv;
		uint64_t hd;
		memcpy(&hd, &dd, 8);
		if (hd != s || hf != sf) {
			bad++;
			test_fail(__FILE__, __LINE__, "fcvt.d.l rm %d %" PRId64 ": soft %" PRIx64
				  "/%x host %" PRIx64 "/%x", rm, v, s, sf, hd, hf);
		}
	}
}
#endif

/* The CPU's fast path (fpu_host.c) must give fpu.c's bits and flags. */
TEST(host_fast_path_matches_fpu_c)
{
#if defined(__x86_64__)
	int bad = 0, used = 0;
	for (int i = 0; i < 600000 && bad < 10; i++) {
		enum fpu_fmt f = (enum fpu_fmt)(i & 1);
		enum op op = (enum op)(rnd() % OP_COUNT);
		uint64_t a = operand(f, 0), b = operand(f, a), c = operand(f, rnd() & 1 ? a : b);
		if (f == FPU_S)
			a &= 0xffffffffu, b &= 0xffffffffu, c &= 0xffffffffu;
		int rm = (int)(rnd() % 5);
		bool np = op == OP_FMA && (rnd() & 1), nc = op == OP_FMA && (rnd() & 1);
		uint64_t sb = f == FPU_D ? 1ULL << 63 : 1ULL << 31, h = 0;
		unsigned hf = 0, sf = 0;
		bool took = fpu_host_arith(f, (enum fpu_host_op)op, np ? a ^ sb : a, b, nc ? c ^ sb : c,
					   rm, &h, &hf);
		uint64_t s = op == OP_FMA ? fpu_fma(f, a, b, c, np, nc, rm, &sf)
					  : soft_op(f, op, a, b, c, rm, &sf);
		CHECK_EQ(fegetround(), FE_TONEAREST);           /* the host's mode restored */
		if (rm == FPU_RMM) {
			CHECK(!took);
			continue;
		}
		if (!took)
			continue;
		used++;
		if (h != s || hf != sf) {
			bad++;
			test_fail(__FILE__, __LINE__, "%s.%c%s%s rm %d a=%" PRIx64 " b=%" PRIx64
				  " c=%" PRIx64 ": host path %" PRIx64 "/%x, fpu.c %" PRIx64 "/%x",
				  op_names[op], f == FPU_D ? 'd' : 's', np ? " -prod" : "",
				  nc ? " -c" : "", rm, a, b, c, h, hf, s, sf);
		}
	}
	CHECK(used > 400000);
	/* inf * 0 + qNaN: RISC-V raises NV, x86 does not: the path declines */
	uint64_t r;
	unsigned fl = 0;
	CHECK(!fpu_host_arith(FPU_D, FPU_HOST_FMA, 0x7ff0000000000000ULL, 0, FPU_CANON_D,
			      FPU_RNE, &r, &fl));
	CHECK_EQ(fl, 0);
#endif
}

/* RMM equals RNE except at exact ties, where it rounds away from zero. */
TEST(rmm_differs_from_rne_only_at_ties)
{
	int ties = 0;
	for (int i = 0; i < 300000; i++) {
		enum fpu_fmt f = (enum fpu_fmt)(i & 1);
		enum op op = (enum op)(rnd() % OP_COUNT);
		uint64_t a = operand(f, 0), b = operand(f, a), c = operand(f, b);
		if (f == FPU_S)
			a &= 0xffffffffu, b &= 0xffffffffu, c &= 0xffffffffu;
		unsigned fn = 0, fm = 0, fz = 0;
		uint64_t n = soft_op(f, op, a, b, c, FPU_RNE, &fn);
		uint64_t m = soft_op(f, op, a, b, c, FPU_RMM, &fm);
		uint64_t z = soft_op(f, op, a, b, c, FPU_RTZ, &fz);
		if (n == m) {
			CHECK_EQ(fn, fm);
			continue;
		}
		/* a tie that RNE broke toward zero (to the even neighbour)
		 * that RMM breaks away: RNE = RTZ, RMM one ulp further */
		ties++;
		CHECK_EQ(n, z);
		CHECK_EQ(m, (z & (f == FPU_D ? ~0ULL : 0xffffffffULL)) + 1);
		CHECK(fn & FPU_NX);
		if (!(fn & FPU_OF))   /* RMM may overflow where RNE did not */
			CHECK((fm & ~(unsigned)FPU_UF) == (fn & ~(unsigned)FPU_UF));
	}
	CHECK(ties > 100);
}
