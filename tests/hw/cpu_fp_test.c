/*
 * cpu_fp_test.c - the F and D extensions as the CPU executes them, case by
 * case from the unprivileged spec's rules: NaN-boxing, the canonical NaN,
 * signed zeros, FMIN/FMAX with quiet and signalling NaNs, compares, FCVT to
 * every integer width with its saturation and flags, every rounding mode
 * (RMM ties included) static and dynamic, reserved rounding modes, fused
 * multiply-add with one rounding, subnormal results and UF after rounding,
 * FCLASS, the fcsr/frm/fflags CSRs, FP loads and stores (compressed ones
 * too) and their faults, and the FS dirty state the kernel relies on.
 */
#include "hw_fixture.h"
#include "fpu.h"

#define CODE (RAM_BASE + 0x1000)
#define DATA (RAM_BASE + 0x10000)
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* binary32 values, NaN-boxed as the f registers hold them */
#define BS(v) (0xffffffff00000000ULL | (uint32_t)(v))
#define S_ONE   0x3f800000u
#define S_TWO   0x40000000u
#define S_MONE  0xbf800000u
#define S_QNAN  0x7fc00000u
#define S_SNAN  0x7f800001u
#define S_INF   0x7f800000u
#define S_NINF  0xff800000u
#define S_MAX   0x7f7fffffu
#define S_MINN  0x00800000u
#define D_ONE   0x3ff0000000000000ULL
#define D_MONE  0xbff0000000000000ULL
#define D_TWO   0x4000000000000000ULL
#define D_HALF  0x3fe0000000000000ULL
#define D_MHALF 0xbfe0000000000000ULL
#define D_2_5   0x4004000000000000ULL
#define D_M2_5  0xc004000000000000ULL
#define D_3_5   0x400c000000000000ULL
#define D_QNAN  0x7ff8000000000000ULL
#define D_SNAN  0x7ff0000000000001ULL
#define D_INF   0x7ff0000000000000ULL
#define D_NINF  0xfff0000000000000ULL
#define D_NZERO 0x8000000000000000ULL
#define D_MAX   0x7fefffffffffffffULL
#define D_MINN  0x0010000000000000ULL
#define D_P31   0x41e0000000000000ULL    /* 2^31 */
#define D_M31   0xc1e0000000000000ULL    /* -2^31 */
#define D_P32   0x41f0000000000000ULL    /* 2^32 */
#define D_P63   0x43e0000000000000ULL
#define D_M63   0xc3e0000000000000ULL
#define D_P64   0x43f0000000000000ULL
#define ALL1    0xffffffffffffffffULL

/* funct7 of OP-FP instructions (.s; .d is +1) */
enum { F_ADD = 0x00, F_SUB = 0x04, F_MUL = 0x08, F_DIV = 0x0c, F_SQRT = 0x2c, F_SGNJ = 0x10,
       F_MINMAX = 0x14, F_CVT_SD = 0x20, F_CVT_DS = 0x21, F_CMP = 0x50, F_CVT_I = 0x60,
       F_CVT_F = 0x68, F_MVX = 0x70, F_MVF = 0x78 };
enum { RNE, RTZ, RDN, RUP, RMM, DYN = 7 };

/* op rd=10, rs1=1, rs2=2 (or the integer type for conversions) */
#define FOP(f7, rm, rs2) enc_r(OPC_OP_FP, 10, rm, 1, rs2, f7)
#define FMA(opc, fmt, rm) enc_r4(opc, 10, rm, 1, 2, 3, fmt)

struct fcase {
	uint32_t insn;
	uint64_t a, b, c;       /* f1, f2, f3 (and x1 = a) */
	uint32_t fcsr;          /* fcsr before */
	uint64_t want;          /* f10, or x10 if to_x */
	unsigned flags;         /* fflags after */
	bool to_x;
};

static void load_prog(struct hw *h, const uint32_t *p, int n)
{
	for (int i = 0; i < n; i++)
		hw_put32(h, CODE + 4 * (uint64_t)i, p[i]);
}

static void run_fcases(const struct fcase *k, int n, int line)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	for (int i = 0; i < n; i++) {
		uint32_t p[] = { k[i].insn, ECALL };
		load_prog(&h, p, 2);
		h.cpu.f[1] = k[i].a, h.cpu.f[2] = k[i].b, h.cpu.f[3] = k[i].c;
		h.cpu.x[1] = k[i].a;
		h.cpu.f[10] = h.cpu.x[10] = 0xdeadbeef;
		h.cpu.fcsr = k[i].fcsr;
		h.cpu.pc = CODE;
		struct trap t = cpu_run(&h.cpu, 10);
		uint64_t got = k[i].to_x ? h.cpu.x[10] : h.cpu.f[10];
		unsigned fl = h.cpu.fcsr & 0x1f;
		if (t.cause != CAUSE_USER_ECALL || got != k[i].want || fl != k[i].flags)
			test_fail(__FILE__, line, "case %d (insn %08x a=%" PRIx64 " b=%" PRIx64
				  " c=%" PRIx64 "): cause %" PRIu64 ", got %" PRIx64 " flags %x,"
				  " want %" PRIx64 " flags %x", i, k[i].insn, k[i].a, k[i].b, k[i].c,
				  t.cause, got, fl, k[i].want, k[i].flags);
	}
	hw_teardown(&h);
}

#define RUN(cases) run_fcases(cases, N(cases), __LINE__)

TEST(nan_boxing)
{
	const struct fcase k[] = {
		{ FOP(F_ADD, RNE, 2), BS(S_ONE), BS(S_ONE), 0, 0, BS(S_TWO), 0, false },
		/* an improperly boxed operand reads as the canonical (quiet) NaN */
		{ FOP(F_ADD, RNE, 2), S_ONE, BS(S_ONE), 0, 0, BS(S_QNAN), 0, false },
		{ FOP(F_ADD, RNE, 2), 0xfffffffe3f800000ULL, BS(S_ONE), 0, 0, BS(S_QNAN), 0, false },
		{ FOP(F_SGNJ, 0, 2), S_ONE, BS(S_MONE), 0, 0, BS(0xffc00000u), 0, false },
		{ FOP(F_MVX + 0, 1, 0), S_MONE, 0, 0, 0, 1u << 9, 0, true },      /* fclass.s */
		{ FOP(F_CVT_DS, RNE, 0), S_ONE, 0, 0, 0, D_QNAN, 0, false },       /* fcvt.d.s */
		{ FOP(F_MINMAX, 1, 2), S_ONE, BS(S_TWO), 0, 0, BS(S_TWO), 0, false },
		/* transfers do not unbox: fmv.x.w takes the low 32 bits, sign-extended */
		{ FOP(F_MVX, 0, 0), 0x0000000080000001ULL, 0, 0, 0, 0xffffffff80000001ULL, 0, true },
		{ FOP(F_MVX, 0, 0), BS(S_ONE), 0, 0, 0, S_ONE, 0, true },
		{ FOP(F_MVF, 0, 0), 0x123456789abcdef0ULL, 0, 0, 0, BS(0x9abcdef0u), 0, false },
		{ FOP(F_MVX + 1, 0, 0), 0x123456789abcdef0ULL, 0, 0, 0, 0x123456789abcdef0ULL, 0, true },
		{ FOP(F_MVF + 1, 0, 0), 0x123456789abcdef0ULL, 0, 0, 0, 0x123456789abcdef0ULL, 0, false },
		/* single results are boxed */
		{ FOP(F_CVT_SD, RNE, 1), D_ONE, 0, 0, 0, BS(S_ONE), 0, false },
		{ FOP(F_CVT_F, RNE, 0), (uint64_t)-1, 0, 0, 0, BS(S_MONE), 0, false },
	};
	RUN(k);
}

TEST(canonical_nan_and_invalid)
{
	const struct fcase k[] = {
		{ FOP(F_ADD + 1, RNE, 2), D_SNAN, D_ONE, 0, 0, D_QNAN, FPU_NV, false },
		{ FOP(F_MUL + 1, RNE, 2), 0xfff800000000abcdULL, D_ONE, 0, 0, D_QNAN, 0, false },
		{ FOP(F_MUL, RNE, 2), BS(0xffc0abcdu), BS(S_ONE), 0, 0, BS(S_QNAN), 0, false },
		{ FOP(F_SQRT + 1, RNE, 0), D_MONE, 0, 0, 0, D_QNAN, FPU_NV, false },
		{ FOP(F_SQRT + 1, RNE, 0), D_NINF, 0, 0, 0, D_QNAN, FPU_NV, false },
		{ FOP(F_DIV + 1, RNE, 2), 0, 0, 0, 0, D_QNAN, FPU_NV, false },
		{ FOP(F_DIV + 1, RNE, 2), D_INF, D_NINF, 0, 0, D_QNAN, FPU_NV, false },
		{ FOP(F_DIV + 1, RNE, 2), D_MONE, 0, 0, 0, D_NINF, FPU_DZ, false },
		{ FOP(F_DIV + 1, RNE, 2), D_ONE, D_NZERO, 0, 0, D_NINF, FPU_DZ, false },
		{ FOP(F_SUB + 1, RNE, 2), D_INF, D_INF, 0, 0, D_QNAN, FPU_NV, false },
		{ FOP(F_MUL + 1, RNE, 2), D_INF, 0, 0, 0, D_QNAN, FPU_NV, false },
		{ FOP(F_CVT_SD, RNE, 1), D_SNAN, 0, 0, 0, BS(S_QNAN), FPU_NV, false },
		{ FOP(F_CVT_SD, RNE, 1), 0xfff8000000001234ULL, 0, 0, 0, BS(S_QNAN), 0, false },
		{ FOP(F_CVT_DS, RNE, 0), BS(S_SNAN), 0, 0, 0, D_QNAN, FPU_NV, false },
		/* FMA: inf * 0 is invalid even with a quiet NaN addend */
		{ FMA(OPC_MADD, 1, RNE), D_INF, 0, D_QNAN, 0, D_QNAN, FPU_NV, false },
		{ FMA(OPC_MADD, 1, RNE), D_ONE, D_ONE, D_QNAN, 0, D_QNAN, 0, false },
		{ FMA(OPC_MADD, 1, RNE), D_ONE, D_ONE, D_SNAN, 0, D_QNAN, FPU_NV, false },
		{ FMA(OPC_MADD, 1, RNE), D_INF, D_ONE, D_NINF, 0, D_QNAN, FPU_NV, false },
		{ FMA(OPC_MADD, 0, RNE), BS(S_INF), BS(0), BS(S_QNAN), 0, BS(S_QNAN), FPU_NV, false },
	};
	RUN(k);
}

TEST(signed_zeros_and_sign_injection)
{
	const struct fcase k[] = {
		{ FOP(F_ADD + 1, RNE, 2), 0, D_NZERO, 0, 0, 0, 0, false },
		{ FOP(F_ADD + 1, RDN, 2), 0, D_NZERO, 0, 0, D_NZERO, 0, false },
		{ FOP(F_ADD + 1, RDN, 2), D_NZERO, D_NZERO, 0, 0, D_NZERO, 0, false },
		{ FOP(F_SUB + 1, RDN, 2), 0, 0, 0, 0, D_NZERO, 0, false },
		{ FOP(F_SUB + 1, RUP, 2), D_ONE, D_ONE, 0, 0, 0, 0, false },
		{ FOP(F_SUB + 1, RDN, 2), D_ONE, D_ONE, 0, 0, D_NZERO, 0, false },
		{ FOP(F_MUL + 1, RNE, 2), D_NZERO, D_TWO, 0, 0, D_NZERO, 0, false },
		{ FOP(F_DIV + 1, RNE, 2), 0, D_MONE, 0, 0, D_NZERO, 0, false },
		{ FOP(F_SQRT + 1, RNE, 0), D_NZERO, 0, 0, 0, D_NZERO, 0, false },
		{ FMA(OPC_MADD, 1, RNE), 0, D_ONE, D_NZERO, 0, 0, 0, false },
		{ FMA(OPC_MADD, 1, RDN), 0, D_ONE, D_NZERO, 0, D_NZERO, 0, false },
		{ FMA(OPC_NMADD, 1, RNE), 0, D_ONE, 0, 0, D_NZERO, 0, false },   /* -(+0) - (+0) */
		{ FOP(F_SGNJ + 1, 0, 2), D_ONE, D_NZERO, 0, 0, D_MONE, 0, false },  /* fsgnj */
		{ FOP(F_SGNJ + 1, 1, 2), D_MONE, D_MONE, 0, 0, D_ONE, 0, false },   /* fsgnjn */
		{ FOP(F_SGNJ + 1, 1, 1), 0, 0, 0, 0, D_NZERO, 0, false },           /* fneg +0 */
		{ FOP(F_SGNJ + 1, 2, 1), D_MONE, 0, 0, 0, D_ONE, 0, false },        /* fabs */
		{ FOP(F_SGNJ + 1, 2, 2), D_MONE, D_ONE, 0, 0, D_MONE, 0, false },   /* fsgnjx */
		/* sign injection keeps NaN payloads and raises nothing */
		{ FOP(F_SGNJ + 1, 1, 1), D_SNAN, 0, 0, 0, D_SNAN | D_NZERO, 0, false },
		{ FOP(F_SGNJ, 2, 2), BS(S_NINF), BS(S_MONE), 0, 0, BS(S_INF), 0, false },
	};
	RUN(k);
}

TEST(min_max_and_compare)
{
	const struct fcase k[] = {
		{ FOP(F_MINMAX + 1, 0, 2), D_NZERO, 0, 0, 0, D_NZERO, 0, false },
		{ FOP(F_MINMAX + 1, 0, 2), 0, D_NZERO, 0, 0, D_NZERO, 0, false },
		{ FOP(F_MINMAX + 1, 1, 2), D_NZERO, 0, 0, 0, 0, 0, false },
		{ FOP(F_MINMAX + 1, 1, 2), 0, D_NZERO, 0, 0, 0, 0, false },
		{ FOP(F_MINMAX + 1, 0, 2), D_QNAN, D_ONE, 0, 0, D_ONE, 0, false },
		{ FOP(F_MINMAX + 1, 1, 2), D_ONE, 0x7ff8000000000123ULL, 0, 0, D_ONE, 0, false },
		{ FOP(F_MINMAX + 1, 1, 2), D_ONE, D_SNAN, 0, 0, D_ONE, FPU_NV, false },
		{ FOP(F_MINMAX + 1, 0, 2), D_SNAN, D_MONE, 0, 0, D_MONE, FPU_NV, false },
		{ FOP(F_MINMAX + 1, 0, 2), 0x7ff8000000000123ULL, D_QNAN, 0, 0, D_QNAN, 0, false },
		{ FOP(F_MINMAX + 1, 1, 2), D_SNAN, D_SNAN, 0, 0, D_QNAN, FPU_NV, false },
		{ FOP(F_MINMAX + 1, 0, 2), D_NINF, D_MAX, 0, 0, D_NINF, 0, false },
		{ FOP(F_MINMAX + 1, 1, 2), D_NINF, D_MAX, 0, 0, D_MAX, 0, false },
		{ FOP(F_MINMAX, 0, 2), BS(S_MONE), BS(S_ONE), 0, 0, BS(S_MONE), 0, false },
		{ FOP(F_MINMAX, 1, 2), BS(S_SNAN), BS(S_SNAN), 0, 0, BS(S_QNAN), FPU_NV, false },
		/* feq quiet, flt/fle signalling */
		{ FOP(F_CMP + 1, 2, 2), D_QNAN, D_QNAN, 0, 0, 0, 0, true },
		{ FOP(F_CMP + 1, 2, 2), D_SNAN, D_ONE, 0, 0, 0, FPU_NV, true },
		{ FOP(F_CMP + 1, 2, 2), D_NZERO, 0, 0, 0, 1, 0, true },
		{ FOP(F_CMP + 1, 1, 2), D_QNAN, D_ONE, 0, 0, 0, FPU_NV, true },
		{ FOP(F_CMP + 1, 0, 2), D_ONE, D_QNAN, 0, 0, 0, FPU_NV, true },
		{ FOP(F_CMP + 1, 1, 2), D_NZERO, 0, 0, 0, 0, 0, true },
		{ FOP(F_CMP + 1, 0, 2), D_NZERO, 0, 0, 0, 1, 0, true },
		{ FOP(F_CMP + 1, 1, 2), D_MONE, D_MHALF, 0, 0, 1, 0, true },
		{ FOP(F_CMP + 1, 1, 2), D_MHALF, D_MONE, 0, 0, 0, 0, true },
		{ FOP(F_CMP + 1, 0, 2), D_NINF, D_NINF, 0, 0, 1, 0, true },
		{ FOP(F_CMP, 1, 2), BS(S_NINF), BS(S_MAX), 0, 0, 1, 0, true },
		{ FOP(F_CMP, 2, 2), S_ONE, BS(S_ONE), 0, 0, 0, 0, true },  /* unboxed: NaN */
	};
	RUN(k);
}

#define CVT_D(t, rm) FOP(F_CVT_I + 1, rm, t)

TEST(fcvt_to_integer_saturates_with_the_spec_flags)
{
	const struct fcase k[] = {
		/* W */
		{ CVT_D(0, RTZ), D_QNAN, 0, 0, 0, 0x7fffffff, FPU_NV, true },
		{ CVT_D(0, RTZ), D_INF, 0, 0, 0, 0x7fffffff, FPU_NV, true },
		{ CVT_D(0, RTZ), D_NINF, 0, 0, 0, 0xffffffff80000000ULL, FPU_NV, true },
		{ CVT_D(0, RTZ), D_P31, 0, 0, 0, 0x7fffffff, FPU_NV, true },
		{ CVT_D(0, RTZ), 0x41dfffffffc00000ULL, 0, 0, 0, 0x7fffffff, 0, true },
		{ CVT_D(0, RTZ), 0x41dfffffffe00000ULL, 0, 0, 0, 0x7fffffff, FPU_NX, true },
		{ CVT_D(0, RNE), 0x41dfffffffe00000ULL, 0, 0, 0, 0x7fffffff, FPU_NV, true },
		{ CVT_D(0, RTZ), D_M31, 0, 0, 0, 0xffffffff80000000ULL, 0, true },
		{ CVT_D(0, RTZ), 0xc1e0000000200000ULL, 0, 0, 0, 0xffffffff80000000ULL, FPU_NV, true },
		{ CVT_D(0, RTZ), 0xc1e0000000100000ULL, 0, 0, 0, 0xffffffff80000000ULL, FPU_NX, true },
		{ CVT_D(0, RTZ), D_M2_5, 0, 0, 0, (uint64_t)-2, FPU_NX, true },
		{ CVT_D(0, RTZ), D_NZERO, 0, 0, 0, 0, 0, true },
		{ CVT_D(0, RTZ), 1, 0, 0, 0, 0, FPU_NX, true },           /* subnormal */
		/* WU: results are sign-extended from 32 bits */
		{ CVT_D(1, RTZ), D_QNAN, 0, 0, 0, ALL1, FPU_NV, true },
		{ CVT_D(1, RTZ), D_INF, 0, 0, 0, ALL1, FPU_NV, true },
		{ CVT_D(1, RTZ), D_NINF, 0, 0, 0, 0, FPU_NV, true },
		{ CVT_D(1, RTZ), D_MONE, 0, 0, 0, 0, FPU_NV, true },
		{ CVT_D(1, RTZ), D_MHALF, 0, 0, 0, 0, FPU_NX, true },
		{ CVT_D(1, RNE), 0xbfe0000000000001ULL, 0, 0, 0, 0, FPU_NV, true }, /* rounds to -1 */
		{ CVT_D(1, RTZ), D_P32, 0, 0, 0, ALL1, FPU_NV, true },
		{ CVT_D(1, RTZ), 0x41efffffffe00000ULL, 0, 0, 0, ALL1, 0, true },  /* 2^32 - 1 */
		{ CVT_D(1, RTZ), D_P31, 0, 0, 0, 0xffffffff80000000ULL, 0, true },
		{ CVT_D(1, RTZ), D_NZERO, 0, 0, 0, 0, 0, true },
		/* L */
		{ CVT_D(2, RTZ), D_SNAN, 0, 0, 0, 0x7fffffffffffffffULL, FPU_NV, true },
		{ CVT_D(2, RTZ), D_P63, 0, 0, 0, 0x7fffffffffffffffULL, FPU_NV, true },
		{ CVT_D(2, RTZ), 0x43dfffffffffffffULL, 0, 0, 0, 0x7ffffffffffffc00ULL, 0, true },
		{ CVT_D(2, RTZ), D_M63, 0, 0, 0, 0x8000000000000000ULL, 0, true },
		{ CVT_D(2, RTZ), 0xc3e0000000000001ULL, 0, 0, 0, 0x8000000000000000ULL, FPU_NV, true },
		{ CVT_D(2, RTZ), D_NINF, 0, 0, 0, 0x8000000000000000ULL, FPU_NV, true },
		{ CVT_D(2, RTZ), D_MAX, 0, 0, 0, 0x7fffffffffffffffULL, FPU_NV, true },
		/* LU */
		{ CVT_D(3, RTZ), D_QNAN, 0, 0, 0, ALL1, FPU_NV, true },
		{ CVT_D(3, RTZ), D_P64, 0, 0, 0, ALL1, FPU_NV, true },
		{ CVT_D(3, RTZ), D_P63, 0, 0, 0, 0x8000000000000000ULL, 0, true },
		{ CVT_D(3, RTZ), D_MONE, 0, 0, 0, 0, FPU_NV, true },
		{ CVT_D(3, RTZ), D_NINF, 0, 0, 0, 0, FPU_NV, true },
		{ CVT_D(3, RTZ), D_INF, 0, 0, 0, ALL1, FPU_NV, true },
		/* from single */
		{ FOP(F_CVT_I, RTZ, 0), BS(S_QNAN), 0, 0, 0, 0x7fffffff, FPU_NV, true },
		{ FOP(F_CVT_I, RTZ, 0), S_ONE, 0, 0, 0, 0x7fffffff, FPU_NV, true },   /* unboxed */
		{ FOP(F_CVT_I, RTZ, 2), BS(0xdf000000u), 0, 0, 0, 0x8000000000000000ULL, 0, true },
		{ FOP(F_CVT_I, RTZ, 3), BS(0x5f800000u), 0, 0, 0, ALL1, FPU_NV, true },   /* 2^64 */
		{ FOP(F_CVT_I, RTZ, 1), BS(S_MONE), 0, 0, 0, 0, FPU_NV, true },
	};
	RUN(k);
}

TEST(fcvt_from_integer_and_between_formats)
{
	const struct fcase k[] = {
		{ FOP(F_CVT_F, RNE, 0), 0xffffffff00000000ULL, 0, 0, 0, BS(0), 0, false }, /* w: low 32 */
		{ FOP(F_CVT_F + 1, RNE, 0), 0x80000000ULL, 0, 0, 0, D_M31, 0, false },
		{ FOP(F_CVT_F + 1, RNE, 1), 0x1ffffffffULL, 0, 0, 0, 0x41efffffffe00000ULL, 0, false },
		{ FOP(F_CVT_F, RNE, 1), 0xffffffffULL, 0, 0, 0, BS(0x4f800000u), FPU_NX, false },
		{ FOP(F_CVT_F, RTZ, 1), 0xffffffffULL, 0, 0, 0, BS(0x4f7fffffu), FPU_NX, false },
		{ FOP(F_CVT_F, RTZ, 2), 0x7fffffffffffffffULL, 0, 0, 0, BS(0x5effffffu), FPU_NX, false },
		{ FOP(F_CVT_F, RNE, 2), 0x8000000000000000ULL, 0, 0, 0, BS(0xdf000000u), 0, false },
		{ FOP(F_CVT_F + 1, RNE, 3), ALL1, 0, 0, 0, D_P64, FPU_NX, false },
		{ FOP(F_CVT_F + 1, RDN, 3), ALL1, 0, 0, 0, 0x43efffffffffffffULL, FPU_NX, false },
		{ FOP(F_CVT_F + 1, RNE, 2), ALL1, 0, 0, 0, D_MONE, 0, false },
		{ FOP(F_CVT_F + 1, RMM, 2), 0x20000000000001ULL, 0, 0, 0, 0x4340000000000001ULL, FPU_NX, false },
		{ FOP(F_CVT_F + 1, RNE, 2), 0x20000000000001ULL, 0, 0, 0, 0x4340000000000000ULL, FPU_NX, false },
		{ FOP(F_CVT_SD, RNE, 1), D_MAX, 0, 0, 0, BS(S_INF), FPU_OF | FPU_NX, false },
		{ FOP(F_CVT_SD, RTZ, 1), D_MAX, 0, 0, 0, BS(S_MAX), FPU_OF | FPU_NX, false },
		{ FOP(F_CVT_SD, RNE, 1), D_NINF, 0, 0, 0, BS(S_NINF), 0, false },
		{ FOP(F_CVT_SD, RNE, 1), D_NZERO, 0, 0, 0, BS(0x80000000u), 0, false },
		{ FOP(F_CVT_SD, RNE, 1), 1, 0, 0, 0, BS(0), FPU_NX | FPU_UF, false },
		{ FOP(F_CVT_SD, RUP, 1), 1, 0, 0, 0, BS(1), FPU_NX | FPU_UF, false },
		{ FOP(F_CVT_DS, RNE, 0), BS(1), 0, 0, 0, 0x36a0000000000000ULL, 0, false },  /* 2^-149 */
		{ FOP(F_CVT_DS, RNE, 0), BS(S_MAX), 0, 0, 0, 0x47efffffe0000000ULL, 0, false },
	};
	RUN(k);
}

TEST(rounding_modes_static_and_dynamic)
{
	static const struct { uint64_t v; int64_t want[5]; } t[] = {
		{ D_2_5,   { 2, 2, 2, 3, 3 } },
		{ D_M2_5,  { -2, -2, -3, -2, -3 } },
		{ D_3_5,   { 4, 3, 3, 4, 4 } },
		{ D_MHALF, { 0, 0, -1, 0, -1 } },
		{ D_HALF,  { 0, 0, 0, 1, 1 } },
		{ 0x3ff8000000000001ULL, { 2, 1, 1, 2, 2 } },    /* just above 1.5 */
	};
	struct fcase k[2 * 6 * 5];
	int n = 0;
	for (int i = 0; i < 6; i++)
		for (int rm = 0; rm < 5; rm++) {
			k[n++] = (struct fcase){ CVT_D(2, rm), t[i].v, 0, 0, 0,
						 (uint64_t)t[i].want[rm], FPU_NX, true };
			k[n++] = (struct fcase){ CVT_D(2, DYN), t[i].v, 0, 0, (uint32_t)rm << 5,
						 (uint64_t)t[i].want[rm], FPU_NX, true };
		}
	run_fcases(k, n, __LINE__);

	const struct fcase a[] = {
		/* ties in arithmetic: 1 + 2^-24 (single) and 1 + 2^-53 (double) */
		{ FOP(F_ADD, RNE, 2), BS(S_ONE), BS(0x33800000u), 0, 0, BS(S_ONE), FPU_NX, false },
		{ FOP(F_ADD, RMM, 2), BS(S_ONE), BS(0x33800000u), 0, 0, BS(0x3f800001u), FPU_NX, false },
		{ FOP(F_ADD, DYN, 2), BS(S_ONE), BS(0x33800000u), 0, RMM << 5, BS(0x3f800001u), FPU_NX, false },
		{ FOP(F_ADD + 1, RNE, 2), D_ONE, 0x3ca0000000000000ULL, 0, 0, D_ONE, FPU_NX, false },
		{ FOP(F_ADD + 1, RMM, 2), D_ONE, 0x3ca0000000000000ULL, 0, 0, D_ONE + 1, FPU_NX, false },
		{ FOP(F_SUB + 1, RMM, 2), D_MONE, 0x3ca0000000000000ULL, 0, 0, D_MONE + 1, FPU_NX, false },
		/* 1/3 and -1/3 in each mode */
		{ FOP(F_DIV + 1, RNE, 2), D_ONE, 0x4008000000000000ULL, 0, 0, 0x3fd5555555555555ULL, FPU_NX, false },
		{ FOP(F_DIV + 1, RUP, 2), D_ONE, 0x4008000000000000ULL, 0, 0, 0x3fd5555555555556ULL, FPU_NX, false },
		{ FOP(F_DIV + 1, RDN, 2), D_MONE, 0x4008000000000000ULL, 0, 0, 0xbfd5555555555556ULL, FPU_NX, false },
		{ FOP(F_DIV + 1, RTZ, 2), D_MONE, 0x4008000000000000ULL, 0, 0, 0xbfd5555555555555ULL, FPU_NX, false },
		{ FOP(F_DIV + 1, RMM, 2), D_MONE, 0x4008000000000000ULL, 0, 0, 0xbfd5555555555555ULL, FPU_NX, false },
		{ FOP(F_SQRT + 1, RUP, 0), D_TWO, 0, 0, 0, 0x3ff6a09e667f3bcdULL, FPU_NX, false },
		{ FOP(F_SQRT + 1, RTZ, 0), D_TWO, 0, 0, 0, 0x3ff6a09e667f3bccULL, FPU_NX, false },
		{ FOP(F_SQRT + 1, RNE, 0), 0x4010000000000000ULL, 0, 0, 0, D_TWO, 0, false },
		/* overflow: infinity or the largest finite number by mode and sign */
		{ FOP(F_MUL + 1, RNE, 2), D_MAX, D_TWO, 0, 0, D_INF, FPU_OF | FPU_NX, false },
		{ FOP(F_MUL + 1, RMM, 2), D_MAX, D_TWO, 0, 0, D_INF, FPU_OF | FPU_NX, false },
		{ FOP(F_MUL + 1, RTZ, 2), D_MAX, D_TWO, 0, 0, D_MAX, FPU_OF | FPU_NX, false },
		{ FOP(F_MUL + 1, RDN, 2), D_MAX, D_TWO, 0, 0, D_MAX, FPU_OF | FPU_NX, false },
		{ FOP(F_MUL + 1, RUP, 2), D_MAX, D_TWO, 0, 0, D_INF, FPU_OF | FPU_NX, false },
		{ FOP(F_MUL + 1, RDN, 2), D_MAX | D_NZERO, D_TWO, 0, 0, D_NINF, FPU_OF | FPU_NX, false },
		{ FOP(F_MUL + 1, RUP, 2), D_MAX | D_NZERO, D_TWO, 0, 0, D_MAX | D_NZERO, FPU_OF | FPU_NX, false },
		/* flags accrue: NX stays set from before */
		{ FOP(F_ADD + 1, RNE, 2), D_ONE, D_ONE, 0, FPU_NX | FPU_DZ, D_TWO, FPU_NX | FPU_DZ, false },
	};
	RUN(a);
}

TEST(reserved_rounding_modes_are_illegal_and_change_nothing)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	const struct { uint32_t insn, fcsr; } bad[] = {
		{ FOP(F_ADD + 1, 5, 2), 0 }, { FOP(F_ADD + 1, 6, 2), 0 },
		{ FOP(F_ADD + 1, DYN, 2), 5 << 5 }, { FOP(F_ADD + 1, DYN, 2), 6 << 5 },
		{ FOP(F_ADD + 1, DYN, 2), 7u << 5 }, { FMA(OPC_MSUB, 1, DYN), 5 << 5 },
		{ CVT_D(2, DYN), 7u << 5 }, { FOP(F_CVT_F + 1, 5, 0), 0 },
		{ FOP(F_SQRT, 6, 0), 0 }, { FOP(F_CVT_DS, DYN, 0), 6 << 5 },
	};
	for (int i = 0; i < N(bad); i++) {
		uint32_t p[] = { bad[i].insn, ECALL };
		load_prog(&h, p, 2);
		h.cpu.f[1] = D_SNAN, h.cpu.f[2] = D_ONE, h.cpu.f[10] = 0x1234;
		h.cpu.x[10] = 0x5678;
		h.cpu.fcsr = bad[i].fcsr;
		h.cpu.fs = CPU_FS_CLEAN;
		h.cpu.pc = CODE;
		struct trap t = cpu_run(&h.cpu, 10);
		CHECK_EQ(t.cause, CAUSE_ILLEGAL_INSN);
		CHECK_EQ(t.tval, bad[i].insn);
		CHECK_EQ(t.pc, CODE);
		CHECK_EQ(h.cpu.f[10], 0x1234);
		CHECK_EQ(h.cpu.x[10], 0x5678);
		CHECK_EQ(h.cpu.fcsr, bad[i].fcsr);
		CHECK_EQ(h.cpu.fs, CPU_FS_CLEAN);
	}
	/* and a valid frm makes the same dynamic instruction legal */
	uint32_t p[] = { FOP(F_ADD + 1, DYN, 2), ECALL };
	load_prog(&h, p, 2);
	h.cpu.f[1] = D_ONE;
	h.cpu.fcsr = RUP << 5;
	h.cpu.pc = CODE;
	CHECK_EQ(cpu_run(&h.cpu, 10).cause, CAUSE_USER_ECALL);
	CHECK_EQ(h.cpu.f[10], D_TWO);
	hw_teardown(&h);
}

TEST(fused_multiply_add_rounds_once)
{
	/* (1 + 2^-27)^2 = 1 + 2^-26 + 2^-54: an FMA with -(1 + 2^-26) gives
	 * exactly 2^-54; a multiply then an add would give 0 */
	const uint64_t a = 0x3ff0000002000000ULL, c = 0xbff0000004000000ULL;
	const uint64_t sa = 0x3f800800u, sc = 0xbf801000u;   /* single: 1 + 2^-12, -(1 + 2^-11) */
	const struct fcase k[] = {
		{ FMA(OPC_MADD, 1, RNE), a, a, c, 0, 0x3c90000000000000ULL, 0, false },
		{ FMA(OPC_MSUB, 1, RNE), a, a, c ^ D_NZERO, 0, 0x3c90000000000000ULL, 0, false },
		{ FMA(OPC_NMADD, 1, RNE), a, a, c, 0, 0xbc90000000000000ULL, 0, false },
		{ FMA(OPC_NMSUB, 1, RNE), a, a, c ^ D_NZERO, 0, 0xbc90000000000000ULL, 0, false },
		{ FOP(F_MUL + 1, RNE, 2), a, a, 0, 0, 0x3ff0000004000000ULL, FPU_NX, false },
		{ FMA(OPC_MADD, 0, RNE), BS(sa), BS(sa), BS(sc), 0, BS(0x33800000u), 0, false },
		/* a tie only the unrounded product reveals: 1 + 2^-53 + tiny */
		{ FMA(OPC_MADD, 1, RNE), 0x3ff0000000000001ULL, 0x3ca0000000000000ULL, D_ONE, 0,
		  D_ONE + 1, FPU_NX, false },
		{ FMA(OPC_MADD, 1, RTZ), D_MAX, D_TWO, D_MAX | D_NZERO, 0, D_MAX, 0, false },
		{ FMA(OPC_MADD, 1, RNE), D_INF, D_ONE, D_INF, 0, D_INF, 0, false },
		{ FMA(OPC_MADD, 1, RNE), D_ONE, D_ONE, D_NINF, 0, D_NINF, 0, false },
	};
	RUN(k);
}

TEST(subnormal_results_and_underflow_after_rounding)
{
	const struct fcase k[] = {
		/* (1 - 2^-24) * 2^-126 = 2^-126 - 2^-150: tiny even after rounding
		 * to 24 bits, rounds (tie, even) up to the smallest normal: UF */
		{ FOP(F_MUL, RNE, 2), BS(0x3f7fffffu), BS(S_MINN), 0, 0, BS(S_MINN), FPU_NX | FPU_UF, false },
		{ FOP(F_MUL, RTZ, 2), BS(0x3f7fffffu), BS(S_MINN), 0, 0, BS(0x007fffffu), FPU_NX | FPU_UF, false },
		/* 2^-126 - 2^-151 and - 2^-152: rounded to 24 bits they reach
		 * 2^-126, so not tiny after rounding: NX without UF */
		{ FOP(F_CVT_SD, RNE, 1), 0x380ffffff0000000ULL, 0, 0, 0, BS(S_MINN), FPU_NX, false },
		{ FOP(F_CVT_SD, RNE, 1), 0x380ffffff8000000ULL, 0, 0, 0, BS(S_MINN), FPU_NX, false },
		{ FOP(F_CVT_SD, RNE, 1), 0x380fffffe0000000ULL, 0, 0, 0, BS(S_MINN), FPU_NX | FPU_UF, false },
		{ FOP(F_CVT_SD, RUP, 1), 0x380ffffff0000000ULL, 0, 0, 0, BS(S_MINN), FPU_NX, false },
		{ FOP(F_CVT_SD, RTZ, 1), 0x380ffffff0000000ULL, 0, 0, 0, BS(0x007fffffu), FPU_NX | FPU_UF, false },
		/* exact subnormal results raise nothing */
		{ FOP(F_DIV + 1, RNE, 2), D_MINN, D_TWO, 0, 0, 0x0008000000000000ULL, 0, false },
		{ FOP(F_ADD + 1, RNE, 2), 1, 1, 0, 0, 2, 0, false },
		{ FOP(F_SUB + 1, RNE, 2), D_MINN, 1, 0, 0, 0x000fffffffffffffULL, 0, false },
		/* below the smallest subnormal */
		{ FOP(F_MUL + 1, RNE, 2), 1, D_HALF, 0, 0, 0, FPU_NX | FPU_UF, false },
		{ FOP(F_MUL + 1, RUP, 2), 1, D_HALF, 0, 0, 1, FPU_NX | FPU_UF, false },
		{ FOP(F_MUL + 1, RMM, 2), 1, D_HALF, 0, 0, 1, FPU_NX | FPU_UF, false },
		{ FOP(F_MUL + 1, RDN, 2), 1, D_MHALF, 0, 0, D_NZERO | 1, FPU_NX | FPU_UF, false },
		{ FOP(F_MUL + 1, RNE, 2), 1, D_MHALF, 0, 0, D_NZERO, FPU_NX | FPU_UF, false },
		/* the same for double: (1 - 2^-53) * 2^-1022 */
		{ FOP(F_MUL + 1, RNE, 2), 0x3fefffffffffffffULL, D_MINN, 0, 0, D_MINN, FPU_NX | FPU_UF, false },
		{ FOP(F_SQRT + 1, RNE, 0), 1, 0, 0, 0, 0x1e60000000000000ULL, 0, false },   /* 2^-537 */
	};
	RUN(k);
}

TEST(fclass_every_class)
{
	const uint64_t d[10] = { D_NINF, D_MONE, D_NZERO | 1, D_NZERO, 0, 1, D_ONE, D_INF,
				 D_SNAN, D_QNAN };
	const uint64_t s[10] = { S_NINF, S_MONE, 0x807fffffu, 0x80000000u, 0, 0x007fffffu,
				 S_MINN, S_INF, S_SNAN, 0xffc00001u };
	struct fcase k[21];
	for (int i = 0; i < 10; i++) {
		k[2 * i] = (struct fcase){ FOP(F_MVX + 1, 1, 0), d[i], 0, 0, 0, 1u << i, 0, true };
		k[2 * i + 1] = (struct fcase){ FOP(F_MVX, 1, 0), BS(s[i]), 0, 0, 0, 1u << i, 0, true };
	}
	k[20] = (struct fcase){ FOP(F_MVX, 1, 0), S_SNAN, 0, 0, 0, 1u << 9, 0, true };  /* unboxed */
	run_fcases(k, 21, __LINE__);
}

TEST(fp_csrs)
{
	struct hw h;
	hw_setup(&h, 64, 4);
#define CSR(f3, rd, csr, rs) (0x73u | (rd) << 7 | (f3) << 12 | (rs) << 15 | (uint32_t)(csr) << 20)
	uint32_t p[] = {
		CSR(1, 5, CSR_FCSR, 1),       /* csrrw t0, fcsr, x1 (0xfff): reserved bits drop */
		CSR(2, 6, CSR_FRM, 0),        /* frrm t1 */
		CSR(7, 7, CSR_FFLAGS, 3),     /* csrrci t2, fflags, 3 */
		CSR(2, 8, CSR_FCSR, 0),       /* frcsr s0 */
		CSR(5, 0, CSR_FRM, 2),        /* fsrmi 2 */
		CSR(3, 9, CSR_FCSR, 2),       /* csrrc s1, fcsr, x2 (0x10) */
		CSR(6, 11, CSR_FFLAGS, 1),    /* csrrsi a1, fflags, 1 */
		CSR(1, 12, CSR_FFLAGS, 3),    /* csrrw a2, fflags, x3 (0xe2): only 5 bits */
		CSR(2, 13, CSR_FCSR, 0),
		ECALL,
	};
	load_prog(&h, p, N(p));
	h.cpu.x[1] = 0xfff, h.cpu.x[2] = 0x10, h.cpu.x[3] = 0xe2;
	h.cpu.pc = CODE;
	CHECK_EQ(h.cpu.fs, CPU_FS_INITIAL);
	CHECK_EQ(cpu_run(&h.cpu, 100).cause, CAUSE_USER_ECALL);
	CHECK_EQ(h.cpu.x[5], 0);
	CHECK_EQ(h.cpu.x[6], 7);
	CHECK_EQ(h.cpu.x[7], 0x1f);
	CHECK_EQ(h.cpu.x[8], 0xfc);
	CHECK_EQ(h.cpu.x[9], 0x5c);
	CHECK_EQ(h.cpu.x[11], 0x0c);
	CHECK_EQ(h.cpu.x[12], 0x0d);
	CHECK_EQ(h.cpu.x[13], 0x42);
	CHECK_EQ(h.cpu.fcsr, 0x42);
	CHECK_EQ(h.cpu.fs, CPU_FS_DIRTY);
	/* reads alone leave the state clean */
	uint32_t q[] = { CSR(2, 5, CSR_FCSR, 0), CSR(6, 6, CSR_FFLAGS, 0), ECALL };
	load_prog(&h, q, N(q));
	h.cpu.fs = CPU_FS_CLEAN;
	h.cpu.pc = CODE;
	CHECK_EQ(cpu_run(&h.cpu, 100).cause, CAUSE_USER_ECALL);
	CHECK_EQ(h.cpu.x[5], 0x42);
	CHECK_EQ(h.cpu.fs, CPU_FS_CLEAN);
#undef CSR
	hw_teardown(&h);
}

TEST(loads_and_stores_box_and_transfer_raw_bits)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	hw_put64(&h, DATA, 0x7ff000000000abcdULL);       /* a signalling NaN: kept */
	hw_put64(&h, DATA + 8, 0x11223344ff800001ULL);
	uint32_t p[] = {
		enc_i(OPC_LOAD_FP, 4, 3, 1, 0),          /* fld f4, 0(x1) */
		enc_i(OPC_LOAD_FP, 5, 2, 1, 8),          /* flw f5, 8(x1) */
		enc_i(OPC_LOAD_FP, 0, 3, 1, 3),          /* fld f0, 3(x1): misaligned */
		enc_s(OPC_STORE_FP, 3, 1, 4, 16),        /* fsd f4, 16(x1) */
		enc_s(OPC_STORE_FP, 2, 1, 6, 24),        /* fsw f6, 24(x1): unboxed, raw */
		enc_s(OPC_STORE_FP, 2, 1, 5, 29),        /* fsw f5, 29(x1): misaligned */
		ECALL,
	};
	load_prog(&h, p, N(p));
	h.cpu.x[1] = DATA;
	h.cpu.f[6] = 0x0123456789abcdefULL;
	h.cpu.pc = CODE;
	CHECK_EQ(cpu_run(&h.cpu, 100).cause, CAUSE_USER_ECALL);
	CHECK_EQ(h.cpu.f[4], 0x7ff000000000abcdULL);
	CHECK_EQ(h.cpu.f[5], BS(0xff800001u));
	CHECK_EQ(h.cpu.f[0], 0x8000017ff0000000ULL);         /* bytes 3..10 */
	CHECK_EQ(hw_get64(&h, DATA + 16), 0x7ff000000000abcdULL);
	CHECK_EQ(hw_get64(&h, DATA + 24) & 0xffffffff, 0x89abcdef);
	CHECK_EQ(hw_get64(&h, DATA + 24) >> 40, 0x800001);
	CHECK_EQ(hw_get64(&h, DATA + 32) & 0xff, 0xff);
	CHECK_EQ(h.cpu.fcsr, 0);                         /* transfers raise nothing */
	CHECK_EQ(h.cpu.fs, CPU_FS_DIRTY);
	/* stores alone leave the state clean */
	uint32_t q[] = { enc_s(OPC_STORE_FP, 3, 1, 4, 40), ECALL };
	load_prog(&h, q, N(q));
	h.cpu.fs = CPU_FS_CLEAN;
	h.cpu.pc = CODE;
	CHECK_EQ(cpu_run(&h.cpu, 100).cause, CAUSE_USER_ECALL);
	CHECK_EQ(h.cpu.fs, CPU_FS_CLEAN);
	hw_teardown(&h);
}

TEST(compressed_fp_loads_and_stores_run)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	const uint16_t p[] = {
		0x2408,  /* c.fld fa0, 8(s0) */
		0xa4c0,  /* c.fsd fs0, 136(s1) */
		0x307e,  /* c.fldsp ft0, 504(sp) */
		0xbf86,  /* c.fsdsp ft1, 504(sp) */
		0x0001,  /* c.nop */
	};
	for (int i = 0; i < N(p); i++)
		hw_put16(&h, CODE + 2 * (uint64_t)i, p[i]);
	hw_put32(&h, CODE + 10, ECALL);
	hw_put64(&h, DATA + 8, D_2_5);
	hw_put64(&h, DATA + 0x200 + 504, D_M2_5);
	h.cpu.x[8] = DATA, h.cpu.x[9] = DATA + 0x100, h.cpu.x[2] = DATA + 0x200;
	h.cpu.f[8] = D_3_5, h.cpu.f[1] = D_MAX;
	h.cpu.pc = CODE;
	struct trap t = cpu_run(&h.cpu, 100);
	CHECK_EQ(t.cause, CAUSE_USER_ECALL);
	CHECK_EQ(t.pc, CODE + 10);
	CHECK_EQ(h.cpu.f[10], D_2_5);
	CHECK_EQ(hw_get64(&h, DATA + 0x100 + 136), D_3_5);
	CHECK_EQ(h.cpu.f[0], D_M2_5);
	CHECK_EQ(hw_get64(&h, DATA + 0x200 + 504), D_MAX);
	CHECK_EQ(h.cpu.instret, 5);
	hw_teardown(&h);
}

/* Sv39: code at 0x10000, data page 0x20000 (read-write), 0x21000 read-only,
 * 0x22000 unmapped. */
TEST(fp_loads_and_stores_fault_like_integer_ones)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	uint64_t root = hw_frame(&h), code = hw_frame(&h), d0 = hw_frame(&h), d1 = hw_frame(&h);
	hw_map(&h, root, 3, 0x10000, code, URX, 0);
	hw_map(&h, root, 3, 0x20000, d0, URW, 0);
	hw_map(&h, root, 3, 0x21000, d1, PTE_U | PTE_R | PTE_A, 0);
	mmu_set_satp(&h.mmu, MAKE_SATP(SATP_MODE_SV39, 1, root));
	const struct {
		uint32_t insn;
		uint64_t addr, cause, tval;
	} k[] = {
		{ enc_i(OPC_LOAD_FP, 7, 3, 1, 0), 0x22000, CAUSE_LOAD_PAGE_FAULT, 0x22000 },
		{ enc_i(OPC_LOAD_FP, 7, 2, 1, 0), 0x22ffc, CAUSE_LOAD_PAGE_FAULT, 0x22ffc },
		{ enc_i(OPC_LOAD_FP, 7, 3, 1, 0), 0x21ffc, CAUSE_LOAD_PAGE_FAULT, 0x22000 }, /* straddle */
		{ enc_s(OPC_STORE_FP, 3, 1, 7, 0), 0x21000, CAUSE_STORE_PAGE_FAULT, 0x21000 },
		{ enc_s(OPC_STORE_FP, 2, 1, 7, 0), 0x22000, CAUSE_STORE_PAGE_FAULT, 0x22000 },
		{ enc_s(OPC_STORE_FP, 3, 1, 7, 0), 0x20ffc, CAUSE_STORE_PAGE_FAULT, 0x21000 }, /* straddle */
		{ enc_i(OPC_LOAD_FP, 7, 3, 1, 0), 0xffffffc000000000ULL, CAUSE_LOAD_PAGE_FAULT,
		  0xffffffc000000000ULL },
	};
	for (int i = 0; i < N(k); i++) {
		hw_put32(&h, code, LI(5, 1));
		hw_put32(&h, code + 4, k[i].insn);
		hw_put32(&h, code + 8, ECALL);
		hw_put64(&h, d0 + 0xff8, 0x1111111111111111ULL);
		h.cpu.x[1] = k[i].addr;
		h.cpu.f[7] = 0x5555555555555555ULL;
		h.cpu.fs = CPU_FS_CLEAN;
		h.cpu.pc = 0x10000;
		struct trap t = cpu_run(&h.cpu, 100);
		CHECK_EQ(t.cause, k[i].cause);
		CHECK_EQ(t.tval, k[i].tval);
		CHECK_EQ(t.pc, 0x10004);
		CHECK_EQ(h.cpu.x[5], 1);
		CHECK_EQ(h.cpu.f[7], 0x5555555555555555ULL);          /* untouched */
		CHECK_EQ(h.cpu.fs, CPU_FS_CLEAN);
		CHECK_EQ(hw_get64(&h, d0 + 0xff8), 0x1111111111111111ULL);  /* no partial store */
	}
	/* the same load from a mapped address works */
	hw_put64(&h, d1 + 8, D_2_5);
	hw_put32(&h, code + 4, enc_i(OPC_LOAD_FP, 7, 3, 1, 0));
	h.cpu.x[1] = 0x21008;
	h.cpu.pc = 0x10000;
	CHECK_EQ(cpu_run(&h.cpu, 100).cause, CAUSE_USER_ECALL);
	CHECK_EQ(h.cpu.f[7], D_2_5);
	hw_teardown(&h);
}

TEST(integer_code_leaves_the_fp_state_initial)
{
	struct hw h;
	hw_setup(&h, 64, 4);
	CHECK_EQ(h.cpu.fs, CPU_FS_INITIAL);
	for (int i = 0; i < 32; i++)
		CHECK_EQ(h.cpu.f[i], 0);
	uint32_t p[] = { LI(1, 5), ADDI(2, 1, 3), R(1, 0, 3, 1, 2), ECALL };
	load_prog(&h, p, N(p));
	h.cpu.pc = CODE;
	(void)cpu_run(&h.cpu, 100);
	CHECK_EQ(h.cpu.fs, CPU_FS_INITIAL);
	uint32_t q[] = { FOP(F_CMP + 1, 2, 2), FOP(F_SGNJ + 1, 0, 2), ECALL };   /* feq; fmv */
	load_prog(&h, q, N(q));
	h.cpu.pc = CODE;
	(void)cpu_run(&h.cpu, 100);
	CHECK_EQ(h.cpu.fs, CPU_FS_DIRTY);
	hw_teardown(&h);
}
