/*
 * fp_inline.c - the F/D instructions the JIT translates inline (fadd fsub
 * fmul fdiv fsqrt, the four fused multiply-adds, feq flt fle, fsgnj[n|x],
 * fmv between x and f, the fcvt between formats and integers, fmin and
 * fmax; .s and .d),
 * on edge operands: zeros of both signs,
 * ones, values that round, the largest and smallest normals, subnormals,
 * infinities, quiet NaNs with and without payloads, signalling NaNs, and for
 * .s registers that are not NaN-boxed.  Each operation runs with fflags
 * cleared just before it and read just after it (csrr inside the same
 * translated block), in every rounding mode, dynamic (frm set by fsrm) and
 * static.  The result's 64 bits and the flags go into one FNV-1a hash per
 * operation and mode, printed with a few sample lines; tests/user/expected
 * holds what qemu-riscv64 prints, and tests/engine/engines.sh compares the
 * engines' output and counters.  Then: rounding-mode changes between
 * operations inside one block, flags that must survive a system call, and
 * illegal rounding modes (static 5, dynamic with frm = 5), which must kill a
 * child with SIGILL at the right instruction.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const uint64_t dv[] = {
	0x0000000000000000ULL, 0x8000000000000000ULL,   /* +0 -0 */
	0x3ff0000000000000ULL, 0xbff0000000000000ULL,   /* 1 -1 */
	0x3fb999999999999aULL, 0x4008000000000000ULL,   /* 0.1 3 */
	0x3ff0000000000001ULL, 0xc00921fb54442d18ULL,   /* 1+ulp -pi */
	0x7fefffffffffffffULL, 0xffefffffffffffffULL,   /* +-max */
	0x0010000000000000ULL, 0x000fffffffffffffULL,   /* min normal, max subnormal */
	0x8000000000000001ULL, 0x3ca0000000000000ULL,   /* -min subnormal, 2^-53 */
	0x7ff0000000000000ULL, 0xfff0000000000000ULL,   /* +-inf */
	0x7ff8000000000000ULL, 0x7ff8000000012345ULL,   /* qNaN, qNaN payload */
	0xfff4000000000001ULL, 0x7ff0000000000001ULL,   /* sNaNs */
	0x380ffffff8000000ULL, 0x47effffff0000000ULL,   /* 2^-126 - 2^-152, FLT_MAX + ulp/2 */
	0x41dfffffffe00000ULL, 0xc1e0000000100000ULL,   /* 2^31 - 0.5, -2^31 - 0.5 */
	0x43e0000000000000ULL, 0xc3e0000000000000ULL,   /* 2^63, -2^63 */
	0x4004000000000000ULL, 0xbfe0000000000000ULL,   /* 2.5, -0.5 */
};
#define ND (sizeof dv / sizeof *dv)

#define B(x) (0xffffffff00000000ULL | (x))
static const uint64_t sv[] = {
	B(0x00000000), B(0x80000000), B(0x3f800000), B(0xbf800000),   /* +-0 +-1 */
	B(0x3dcccccd), B(0x40400000), B(0x3f800001), B(0xc0490fdb),   /* 0.1 3 1+ulp -pi */
	B(0x7f7fffff), B(0xff7fffff), B(0x00800000), B(0x007fffff),   /* +-max, normal, subnormal */
	B(0x80000001), B(0x33800000), B(0x7f800000), B(0xff800000),   /* -tiny 2^-24 +-inf */
	B(0x7fc00000), B(0x7fc12345), B(0xffa00001), B(0x7f800001),   /* qNaNs, sNaNs */
	0x000000003f800000ULL, 0xfffffffe40400000ULL,                  /* not boxed */
	0x00000000bf800000ULL, 0x7fffffffff800000ULL,
	B(0x4f000000), B(0xcf000000), B(0x5f000000), B(0xdf000000),   /* +-2^31, +-2^63 */
	B(0x40200000), B(0xbf000000), B(0x4effffff), B(0x3fc00000),   /* 2.5 -0.5 2^31-128 1.5 */
};
#define NS (sizeof sv / sizeof *sv)

static uint64_t hash, count;

static void mix(uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		hash ^= (v >> (8 * i)) & 0xff;
		hash *= 0x100000001b3ULL;
	}
	count++;
}

static void set_frm(unsigned m)
{
	__asm__ volatile("fsrm %0" : : "r"(m));
}

/* r = op(a, b) (a unary op ignores b) with fflags cleared just before it
 * and read just after it, all in one straight-line block. */
#define FBIN(name, text)                                                         \
	static uint64_t name(uint64_t a, uint64_t b, uint64_t c, uint64_t *fl)      \
	{                                                                        \
		uint64_t r, f;                                                   \
		(void)c;                                                         \
		__asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfsflags zero\n\t" \
				 text "\n\tfrflags %1\n\tfmv.x.d %0, ft2"       \
				 : "=&r"(r), "=&r"(f) : "r"(a), "r"(b) : "ft0", "ft1", "ft2"); \
		*fl = f;                                                         \
		return r;                                                        \
	}
#define FTRI(name, text)                                                         \
	static uint64_t name(uint64_t a, uint64_t b, uint64_t c, uint64_t *fl)      \
	{                                                                        \
		uint64_t r, f;                                                   \
		__asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfmv.d.x ft3, %4\n\t" \
				 "fsflags zero\n\t" text "\n\t"                  \
				 "frflags %1\n\tfmv.x.d %0, ft2"                  \
				 : "=&r"(r), "=&r"(f) : "r"(a), "r"(b), "r"(c)   \
				 : "ft0", "ft1", "ft2", "ft3");                   \
		*fl = f;                                                         \
		return r;                                                        \
	}
/* an x-register result (compares, fmv.x.*) */
#define FXR(name, text)                                                          \
	static uint64_t name(uint64_t a, uint64_t b, uint64_t c, uint64_t *fl)      \
	{                                                                        \
		uint64_t r, f;                                                   \
		(void)c;                                                         \
		__asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfsflags zero\n\t" \
				 text "\n\tfrflags %1"                           \
				 : "=&r"(r), "=&r"(f) : "r"(a), "r"(b) : "ft0", "ft1"); \
		*fl = f;                                                         \
		return r;                                                        \
	}
/* fmv.{w,d}.x: from an x register */
#define FFX(name, text)                                                          \
	static uint64_t name(uint64_t a, uint64_t b, uint64_t c, uint64_t *fl)      \
	{                                                                        \
		uint64_t r, f;                                                   \
		(void)b, (void)c;                                                \
		__asm__ volatile("fmv.d.x ft2, zero\n\tfsflags zero\n\t" text "\n\t" \
				 "frflags %1\n\tfmv.x.d %0, ft2"                  \
				 : "=&r"(r), "=&r"(f) : "r"(a) : "ft2");           \
		*fl = f;                                                         \
		return r;                                                        \
	}

#define BIN6(id, mn)                                                             \
	FBIN(id##_dyn, mn " ft2, ft0, ft1, dyn") FBIN(id##_rne, mn " ft2, ft0, ft1, rne") \
	FBIN(id##_rtz, mn " ft2, ft0, ft1, rtz") FBIN(id##_rdn, mn " ft2, ft0, ft1, rdn") \
	FBIN(id##_rup, mn " ft2, ft0, ft1, rup") FBIN(id##_rmm, mn " ft2, ft0, ft1, rmm")
#define UN6(id, mn)                                                              \
	FBIN(id##_dyn, mn " ft2, ft0, dyn") FBIN(id##_rne, mn " ft2, ft0, rne")       \
	FBIN(id##_rtz, mn " ft2, ft0, rtz") FBIN(id##_rdn, mn " ft2, ft0, rdn")       \
	FBIN(id##_rup, mn " ft2, ft0, rup") FBIN(id##_rmm, mn " ft2, ft0, rmm")
#define TRI6(id, mn)                                                             \
	FTRI(id##_dyn, mn " ft2, ft0, ft1, ft3, dyn") FTRI(id##_rne, mn " ft2, ft0, ft1, ft3, rne") \
	FTRI(id##_rtz, mn " ft2, ft0, ft1, ft3, rtz") FTRI(id##_rdn, mn " ft2, ft0, ft1, ft3, rdn") \
	FTRI(id##_rup, mn " ft2, ft0, ft1, ft3, rup") FTRI(id##_rmm, mn " ft2, ft0, ft1, ft3, rmm")
#define XF6(id, mn)      /* an f result from an x operand */                    \
	FFX(id##_dyn, mn " ft2, %2, dyn") FFX(id##_rne, mn " ft2, %2, rne")           \
	FFX(id##_rtz, mn " ft2, %2, rtz") FFX(id##_rdn, mn " ft2, %2, rdn")           \
	FFX(id##_rup, mn " ft2, %2, rup") FFX(id##_rmm, mn " ft2, %2, rmm")
#define FX6(id, mn)      /* an x result from an f operand */                    \
	FXR(id##_dyn, mn " %0, ft0, dyn") FXR(id##_rne, mn " %0, ft0, rne")           \
	FXR(id##_rtz, mn " %0, ft0, rtz") FXR(id##_rdn, mn " %0, ft0, rdn")           \
	FXR(id##_rup, mn " %0, ft0, rup") FXR(id##_rmm, mn " %0, ft0, rmm")
/* the same, spelled with .insn where the assembler takes no rm operand
 * (exact conversions): funct7, rs2 as a register name */
#define XF6I(id, f7, rs2)                                                          \
	FFX(id##_dyn, ".insn r 0x53, 7, " #f7 ", ft2, %2, " #rs2)                       \
	FFX(id##_rne, ".insn r 0x53, 0, " #f7 ", ft2, %2, " #rs2)                       \
	FFX(id##_rtz, ".insn r 0x53, 1, " #f7 ", ft2, %2, " #rs2)                       \
	FFX(id##_rdn, ".insn r 0x53, 2, " #f7 ", ft2, %2, " #rs2)                       \
	FFX(id##_rup, ".insn r 0x53, 3, " #f7 ", ft2, %2, " #rs2)                       \
	FFX(id##_rmm, ".insn r 0x53, 4, " #f7 ", ft2, %2, " #rs2)
#define UN6I(id, f7, rs2)                                                          \
	FBIN(id##_dyn, ".insn r 0x53, 7, " #f7 ", ft2, ft0, " #rs2)                     \
	FBIN(id##_rne, ".insn r 0x53, 0, " #f7 ", ft2, ft0, " #rs2)                     \
	FBIN(id##_rtz, ".insn r 0x53, 1, " #f7 ", ft2, ft0, " #rs2)                     \
	FBIN(id##_rdn, ".insn r 0x53, 2, " #f7 ", ft2, ft0, " #rs2)                     \
	FBIN(id##_rup, ".insn r 0x53, 3, " #f7 ", ft2, ft0, " #rs2)                     \
	FBIN(id##_rmm, ".insn r 0x53, 4, " #f7 ", ft2, ft0, " #rs2)
#define TAB6(id) { id##_dyn, id##_rne, id##_rtz, id##_rdn, id##_rup, id##_rmm }

typedef uint64_t op_fn(uint64_t, uint64_t, uint64_t, uint64_t *);

#define FORMATS(X, sfx) \
	BIN6(fadd_##sfx, "fadd." #sfx) BIN6(fsub_##sfx, "fsub." #sfx) \
	BIN6(fmul_##sfx, "fmul." #sfx) BIN6(fdiv_##sfx, "fdiv." #sfx) \
	UN6(fsqrt_##sfx, "fsqrt." #sfx) \
	TRI6(fmadd_##sfx, "fmadd." #sfx) TRI6(fmsub_##sfx, "fmsub." #sfx) \
	TRI6(fnmsub_##sfx, "fnmsub." #sfx) TRI6(fnmadd_##sfx, "fnmadd." #sfx) \
	FXR(feq_##sfx, "feq." #sfx " %0, ft0, ft1") FXR(flt_##sfx, "flt." #sfx " %0, ft0, ft1") \
	FXR(fle_##sfx, "fle." #sfx " %0, ft0, ft1") \
	FXR(feq0_##sfx, "feq." #sfx " zero, ft0, ft1\n\tli %0, 7") \
	FBIN(fsgnj_##sfx, "fsgnj." #sfx " ft2, ft0, ft1") FBIN(fsgnjn_##sfx, "fsgnjn." #sfx " ft2, ft0, ft1") \
	FBIN(fsgnjx_##sfx, "fsgnjx." #sfx " ft2, ft0, ft1") \
	FBIN(fmin_##sfx, "fmin." #sfx " ft2, ft0, ft1") FBIN(fmax_##sfx, "fmax." #sfx " ft2, ft0, ft1") \
	FBIN(fabs_##sfx, "fsgnjx." #sfx " ft2, ft0, ft0") FBIN(fneg_##sfx, "fsgnjn." #sfx " ft2, ft0, ft0") \
	FBIN(fsame_##sfx, "fsgnj." #sfx " ft0, ft0, ft0\n\tfmv.d ft2, ft0")
FORMATS(X, s)
FORMATS(X, d)
#define CONVERSIONS(sfx) \
	FX6(fcvt_w_##sfx, "fcvt.w." #sfx) FX6(fcvt_wu_##sfx, "fcvt.wu." #sfx) \
	FX6(fcvt_l_##sfx, "fcvt.l." #sfx) FX6(fcvt_lu_##sfx, "fcvt.lu." #sfx) \
	XF6(fcvt_##sfx##_l, "fcvt." #sfx ".l") XF6(fcvt_##sfx##_lu, "fcvt." #sfx ".lu")
CONVERSIONS(s)
CONVERSIONS(d)
XF6(fcvt_s_w, "fcvt.s.w")
XF6(fcvt_s_wu, "fcvt.s.wu")
XF6I(fcvt_d_w, 0x69, x0)          /* fcvt.d.w: funct7 0x69, rs2 = 0 */
XF6I(fcvt_d_wu, 0x69, x1)
UN6(fcvt_s_d, "fcvt.s.d")
UN6I(fcvt_d_s, 0x21, x0)          /* fcvt.d.s: funct7 0x21, rs2 = 0 (from S) */
FXR(fmv_x_w, "fmv.x.w %0, ft0")
FXR(fmv_x_d, "fmv.x.d %0, ft0")
FXR(fmv_x_w0, "fmv.x.w zero, ft0\n\tli %0, 5")
FFX(fmv_w_x, "fmv.w.x ft2, %2")
FFX(fmv_d_x, "fmv.d.x ft2, %2")
/* a chain in one block: results feed the next operation */
FTRI(chain_d, "fmul.d ft2, ft0, ft1\n\tfadd.d ft2, ft2, ft3\n\tfdiv.d ft2, ft2, ft1\n\t"
	      "fsqrt.d ft2, ft2\n\tfmadd.d ft2, ft2, ft0, ft3\n\tfsub.d ft2, ft2, ft2")
FTRI(chain_s, "fmul.s ft2, ft0, ft1\n\tfadd.s ft2, ft2, ft3\n\tfdiv.s ft2, ft2, ft1\n\t"
	      "fsqrt.s ft2, ft2\n\tfnmadd.s ft2, ft2, ft0, ft3\n\tfsgnjn.s ft2, ft2, ft2")

struct op {
	const char *name;
	int arity;           /* operands: 1, 2, 3 */
	int fmt;             /* 0 .s, 1 .d, 2 x (fmv.*.x operands) */
	op_fn *fn[6];        /* by rm: dyn rne rtz rdn rup rmm; one entry: no rm */
};

#define OPS(sfx, f)                                                              \
	{ "fadd." #sfx, 2, f, TAB6(fadd_##sfx) }, { "fsub." #sfx, 2, f, TAB6(fsub_##sfx) }, \
	{ "fmul." #sfx, 2, f, TAB6(fmul_##sfx) }, { "fdiv." #sfx, 2, f, TAB6(fdiv_##sfx) }, \
	{ "fsqrt." #sfx, 1, f, TAB6(fsqrt_##sfx) },                                 \
	{ "fmadd." #sfx, 3, f, TAB6(fmadd_##sfx) }, { "fmsub." #sfx, 3, f, TAB6(fmsub_##sfx) }, \
	{ "fnmsub." #sfx, 3, f, TAB6(fnmsub_##sfx) }, { "fnmadd." #sfx, 3, f, TAB6(fnmadd_##sfx) }, \
	{ "feq." #sfx, 2, f, { feq_##sfx } }, { "flt." #sfx, 2, f, { flt_##sfx } },   \
	{ "fle." #sfx, 2, f, { fle_##sfx } }, { "feq." #sfx " x0", 2, f, { feq0_##sfx } }, \
	{ "fsgnj." #sfx, 2, f, { fsgnj_##sfx } }, { "fsgnjn." #sfx, 2, f, { fsgnjn_##sfx } }, \
	{ "fsgnjx." #sfx, 2, f, { fsgnjx_##sfx } },                                  \
	{ "fmin." #sfx, 2, f, { fmin_##sfx } }, { "fmax." #sfx, 2, f, { fmax_##sfx } }, { "fabs." #sfx, 1, f, { fabs_##sfx } }, \
	{ "fneg." #sfx, 1, f, { fneg_##sfx } }, { "fsgnj." #sfx " rd=rs", 1, f, { fsame_##sfx } }, \
	{ "chain." #sfx, 3, f, { chain_##sfx } }

#define CVT(sfx, f)                                                              \
	{ "fcvt.w." #sfx, 1, f, TAB6(fcvt_w_##sfx) }, { "fcvt.wu." #sfx, 1, f, TAB6(fcvt_wu_##sfx) }, \
	{ "fcvt.l." #sfx, 1, f, TAB6(fcvt_l_##sfx) }, { "fcvt.lu." #sfx, 1, f, TAB6(fcvt_lu_##sfx) }, \
	{ "fcvt." #sfx ".w", 1, 2, TAB6(fcvt_##sfx##_w) }, { "fcvt." #sfx ".wu", 1, 2, TAB6(fcvt_##sfx##_wu) }, \
	{ "fcvt." #sfx ".l", 1, 2, TAB6(fcvt_##sfx##_l) }, { "fcvt." #sfx ".lu", 1, 2, TAB6(fcvt_##sfx##_lu) }

static const struct op ops[] = {
	OPS(s, 0), OPS(d, 1),
	{ "fmv.x.w", 1, 0, { fmv_x_w } }, { "fmv.x.w x0", 1, 0, { fmv_x_w0 } },
	{ "fmv.x.d", 1, 1, { fmv_x_d } }, { "fmv.w.x", 1, 2, { fmv_w_x } },
	{ "fmv.d.x", 1, 2, { fmv_d_x } },
	CVT(s, 0), CVT(d, 1),
	{ "fcvt.s.d", 1, 1, TAB6(fcvt_s_d) }, { "fcvt.d.s", 1, 0, TAB6(fcvt_d_s) },
};

static const char *const rm_name[6] = { "dyn", "rne", "rtz", "rdn", "rup", "rmm" };

/* The operand list of a format; x operands: the .d and .s patterns and a
 * few integers. */
static const uint64_t *values(int fmt, unsigned *n)
{
	static const uint64_t ints[] = {
		0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xffffffffffffffffULL,
		0x0020000000000001ULL, 0x0000000001000001ULL, 0xfffffffffffffffdULL,
		0x000000007fffffffULL, 0xffffffff80000000ULL, 0x00000000ffffffffULL,
		0x123456789abcdef0ULL, 0xfedcba9876543211ULL, 0, 1, 2, 10,
	};
	static uint64_t xv[ND + NS + sizeof ints / sizeof *ints];
	if (fmt == 0) {
		*n = NS;
		return sv;
	}
	if (fmt == 1) {
		*n = ND;
		return dv;
	}
	memcpy(xv, dv, sizeof dv);
	memcpy(xv + ND, sv, sizeof sv);
	memcpy(xv + ND + NS, ints, sizeof ints);
	*n = ND + NS + sizeof ints / sizeof *ints;
	return xv;
}

/* Runs one operation (function fn) over every operand combination. */
static void sweep(const struct op *o, op_fn *fn, const char *mode)
{
	unsigned n;
	const uint64_t *v = values(o->fmt, &n);
	unsigned nb = o->arity >= 2 ? n : 1, nc = o->arity >= 3 ? n : 1;
	uint64_t fl, r, sample_r = 0, sample_f = 0;
	hash = 0xcbf29ce484222325ULL, count = 0;
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < nb; j++)
			for (unsigned k = 0; k < nc; k++) {
				r = fn(v[i], v[j], v[k], &fl);
				mix(r);
				mix(fl);
				if (i == 4 && j == (nb > 5 ? 5 : 0) && k == (nc > 2 ? 2 : 0))
					sample_r = r, sample_f = fl;
			}
	printf("%-16s %-8s %6llu cases  hash %016llx  sample %016llx flags %02llx\n", o->name, mode,
	       (unsigned long long)count / 2, (unsigned long long)hash,
	       (unsigned long long)sample_r, (unsigned long long)sample_f);
}

/* Rounding-mode changes between operations inside one block, and flags
 * accrued by several operations read back mid-block. */
static void modes_in_one_block(void)
{
	double third = 1.0 / 3.0;
	uint64_t t, rz, rd, ru, rn, f1, f2, fc;
	memcpy(&t, &third, 8);
	__asm__ volatile(
		"fmv.d.x ft0, %7\n\t"
		"fmv.d.x ft1, %8\n\t"
		"fscsr zero\n\t"
		"fsrmi 1\n\tfadd.d ft2, ft0, ft1\n\tfmv.x.d %0, ft2\n\t"     /* rtz */
		"fsrmi 2\n\tfadd.d ft2, ft0, ft1\n\tfmv.x.d %1, ft2\n\t"     /* rdn */
		"frflags %5\n\t"
		"fsrmi 3\n\tfadd.d ft2, ft0, ft1\n\tfmv.x.d %2, ft2\n\t"     /* rup */
		"fsrmi 0\n\tfadd.d ft2, ft0, ft1\n\tfmv.x.d %3, ft2\n\t"     /* rne */
		"fmv.d.x ft3, zero\n\tfdiv.d ft2, ft1, ft3\n\t"             /* 1 / 0: DZ */
		"fsflags %6, zero\n\t"                                       /* swap out: read and clear */
		"fmul.d ft2, ft0, ft0\n\t"
		"frcsr %4\n\t"
		: "=&r"(rz), "=&r"(rd), "=&r"(ru), "=&r"(rn), "=&r"(fc), "=&r"(f1), "=&r"(f2)
		: "r"(t), "r"(0x3ff0000000000000ULL)
		: "ft0", "ft1", "ft2", "ft3");
	printf("one block: rtz %016llx rdn %016llx rup %016llx rne %016llx\n",
	       (unsigned long long)rz, (unsigned long long)rd, (unsigned long long)ru,
	       (unsigned long long)rn);
	printf("one block: flags after 2 %02llx, before swap %02llx, fcsr at end %02llx\n",
	       (unsigned long long)f1, (unsigned long long)f2, (unsigned long long)fc);
	/* flags raised just before a system call are there after it */
	uint64_t f, one = 1;
	__asm__ volatile("fscsr zero\n\tfmv.d.x ft0, %1\n\tfmul.d ft0, ft0, ft0\n\t"  /* overflow */
			 "li a7, 172\n\tecall\n\tfrflags %0"                           /* getpid */
			 : "=r"(f) : "r"(0x7fe0000000000000ULL) : "ft0", "a0", "a7", "memory");
	printf("after a system call: fflags %02llx\n", (unsigned long long)f);
	/* flags raised just before a taken branch out of the block, the
	 * fall-through out of a block at its size limit, and a load through
	 * the slow path (a page touched for the first time) */
	__asm__ volatile("fscsr zero\n\tfmv.d.x ft0, %1\n\tfmul.d ft0, ft0, ft0\n\t"
			 "bnez %2, 1f\n\tfsqrt.d ft0, ft0\n1:\tfrflags %0"
			 : "=r"(f) : "r"(dv[8]), "r"(one) : "ft0");
	printf("after a taken branch: fflags %02llx\n", (unsigned long long)f);
	__asm__ volatile("fscsr zero\n\tfmv.d.x ft0, %1\n\tfmul.d ft0, ft0, ft0\n\t"
			 "j 1f\n\tfsqrt.d ft0, ft0\n1:\tfrflags %0"
			 : "=r"(f) : "r"(dv[8]) : "ft0");
	printf("after a jump: fflags %02llx\n", (unsigned long long)f);
	__asm__ volatile("fscsr zero\n\tfmv.d.x ft0, %1\n\tfmul.d ft0, ft0, ft0\n\t"
			 "lla t0, 1f\n\tjr t0\n\tfsqrt.d ft0, ft0\n1:\tfrflags %0"
			 : "=r"(f) : "r"(dv[8]) : "ft0", "t0");
	printf("after an indirect jump: fflags %02llx\n", (unsigned long long)f);
	__asm__ volatile("fscsr zero\n\tfmv.d.x ft0, %1\n\tfmv.d.x ft1, zero\n\t"
			 "fdiv.d ft0, ft0, ft1\n\t"                  /* 1 / 0 */
			 ".rept 140\n\tnop\n\t.endr\n\tfrflags %0"
			 : "=r"(f) : "r"(dv[2]) : "ft0", "ft1");
	printf("after a block's fall-through: fflags %02llx\n", (unsigned long long)f);
	static char fresh[3 * 4096];
	uint64_t v;
	__asm__ volatile("fscsr zero\n\tfmv.d.x ft0, %2\n\tfmul.d ft0, ft0, ft0\n\t"
			 "ld %1, 0(%3)\n\tfrflags %0"
			 : "=&r"(f), "=&r"(v) : "r"(dv[11]), "r"(fresh + 4096) : "ft0");
	printf("after a slow load: fflags %02llx (loaded %llu)\n", (unsigned long long)f,
	       (unsigned long long)v);
	__asm__ volatile("fscsr zero\n\tfmv.d.x ft0, %2\n\tfmul.d ft0, ft0, ft0\n\t"
			 "sd %1, 0(%3)\n\tfrflags %0"
			 : "=&r"(f) : "r"(one), "r"(dv[4]), "r"(fresh + 8192) : "ft0", "memory");
	printf("after a slow store: fflags %02llx\n", (unsigned long long)f);
	set_frm(0);
}

static void illegal(const char *what, int which)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		__asm__ volatile("fmv.d.x ft0, %0\n\tfadd.d ft1, ft0, ft0" : : "r"(dv[2]) : "ft0", "ft1");
		if (which == 0) {
			__asm__ volatile("fsrmi 5\n\tfadd.d ft1, ft0, ft0, dyn" : : : "ft1");
		} else if (which == 1) {
			__asm__ volatile("fsrmi 7\n\tfmadd.s ft1, ft0, ft0, ft0, dyn" : : : "ft1");
		} else if (which == 2) {
			/* fadd.d ft1, ft0, ft0 with rm = 5 */
			__asm__ volatile(".insn r 0x53, 5, 0x01, ft1, ft0, ft0" : : : "ft1");
		} else {
			/* fsqrt.d with rs2 = 1 */
			__asm__ volatile(".insn r 0x53, 0, 0x2d, ft1, ft0, ft1" : : : "ft1");
		}
		write(1, "not trapped\n", 12);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: exit %d\n", what, WEXITSTATUS(st));
}

int main(void)
{
	for (unsigned o = 0; o < sizeof ops / sizeof *ops; o++) {
		if (!ops[o].fn[1]) {
			sweep(&ops[o], ops[o].fn[0], "-");
			continue;
		}
		for (unsigned m = 0; m < 5; m++) {     /* dyn in every valid frm */
			static const char *const frm_name[5] = { "frm=rne", "frm=rtz", "frm=rdn",
								 "frm=rup", "frm=rmm" };
			set_frm(m);
			sweep(&ops[o], ops[o].fn[0], frm_name[m]);
		}
		set_frm(0);
		for (unsigned m = 1; m < 6; m++)
			sweep(&ops[o], ops[o].fn[m], rm_name[m]);
	}
	modes_in_one_block();
	illegal("dynamic rm with frm = 5", 0);
	illegal("dynamic rm with frm = 7", 1);
	illegal("static rm = 5", 2);
	illegal("fsqrt.d with rs2 != 0", 3);
	return 0;
}
