/*
 * fpu.c - binary32/binary64 arithmetic in integer C, to the letter of IEEE
 * 754-2008 as the RISC-V F and D extensions use it (see fpu.h).
 *
 * Every finite nonzero operand is unpacked to sig * 2^exp (sig an integer
 * with the hidden bit made explicit).  Each operation computes the exact
 * result as a 128-bit integer significand, an exponent and a sticky bit
 * (true when nonzero bits were lost below the significand's last bit), and
 * one routine, round_pack(), rounds that to the format:
 *
 *   add/sub  operands aligned at bit 125; the smaller shifted right with
 *            sticky (operands have at most 106 significant bits, so a shift
 *            that loses bits leaves the sum at least 2^124: no cancellation
 *            can expose the sticky bit)
 *   mul      the exact 106-bit product
 *   div      (a << 64) / b, remainder != 0 -> sticky
 *   sqrt     integer square root of a 126-bit radicand, remainder -> sticky
 *   fma      exact product, then the add above: one rounding
 *
 * round_pack() detects tininess after rounding (the RISC-V choice): the
 * result is tiny if, rounded to the format's precision with an unbounded
 * exponent, it is below the smallest normal; UF is raised when a tiny result
 * is also inexact.  Overflow gives infinity or the largest finite number as
 * the rounding mode says.  Every NaN result is the canonical NaN.
 */
#include "fpu.h"

#include <stddef.h>

typedef unsigned __int128 u128;

struct fmt {
	int p;          /* precision, hidden bit included */
	int emin, emax; /* exponents of the smallest and largest normal binade */
	int ebits;
};

static const struct fmt fmts[2] = {
	[FPU_S] = { 24, -126, 127, 8 },
	[FPU_D] = { 53, -1022, 1023, 11 },
};

enum fclass { FC_ZERO, FC_FINITE, FC_INF, FC_QNAN, FC_SNAN };

struct unpacked {
	enum fclass cls;
	bool sign;
	bool subnormal;
	int exp;        /* FC_FINITE: value = sig * 2^exp */
	uint64_t sig;
};

static inline uint64_t sign_bit(const struct fmt *F)
{
	return 1ULL << (F->ebits + F->p - 1);
}

static inline uint64_t canon_nan(const struct fmt *F)
{
	return F->p == 24 ? FPU_CANON_S : FPU_CANON_D;
}

static inline uint64_t pack_inf(const struct fmt *F, bool sign)
{
	return (sign ? sign_bit(F) : 0) | ((1ULL << F->ebits) - 1) << (F->p - 1);
}

static inline uint64_t pack_zero(const struct fmt *F, bool sign)
{
	return sign ? sign_bit(F) : 0;
}

static struct unpacked unpack(const struct fmt *F, uint64_t v)
{
	struct unpacked u = { 0 };
	uint64_t emask = (1ULL << F->ebits) - 1, mmask = (1ULL << (F->p - 1)) - 1;
	uint64_t e = (v >> (F->p - 1)) & emask, m = v & mmask;
	u.sign = (v & sign_bit(F)) != 0;
	if (e == emask) {
		u.cls = m == 0 ? FC_INF : (m >> (F->p - 2)) & 1 ? FC_QNAN : FC_SNAN;
	} else if (e == 0) {
		u.cls = m == 0 ? FC_ZERO : FC_FINITE;
		u.subnormal = m != 0;
		u.sig = m;
		u.exp = F->emin - (F->p - 1);
	} else {
		u.cls = FC_FINITE;
		u.sig = m | (1ULL << (F->p - 1));
		u.exp = (int)e - F->emax - (F->p - 1);
	}
	return u;
}

static inline bool is_nan(const struct unpacked *u)
{
	return u->cls == FC_QNAN || u->cls == FC_SNAN;
}

static inline int msb128(u128 v)
{
	uint64_t hi = (uint64_t)(v >> 64);
	return hi ? 127 - __builtin_clzll(hi) : 63 - __builtin_clzll((uint64_t)v);
}

/* Drops the low s >= 1 bits of v (and the sticky bits below them), rounding
 * per rm for a number of the given sign.  Sets *inexact. */
static u128 shift_round(u128 v, int s, bool sticky, bool sign, int rm, bool *inexact)
{
	u128 q;
	bool half, lower;
	if (s > 128) {
		q = 0, half = false, lower = v != 0;
	} else {
		q = s == 128 ? 0 : v >> s;
		half = (v >> (s - 1)) & 1;
		lower = (v & (((u128)1 << (s - 1)) - 1)) != 0;
	}
	lower |= sticky;
	*inexact = half || lower;
	bool inc;
	switch (rm) {
	case FPU_RNE: inc = half && (lower || (q & 1)); break;
	case FPU_RDN: inc = *inexact && sign; break;
	case FPU_RUP: inc = *inexact && !sign; break;
	case FPU_RMM: inc = half; break;
	default:      inc = false; break;           /* FPU_RTZ */
	}
	return q + inc;
}

/* Rounds (-1)^sign * (sig + sticky) * 2^exp to format F; sig != 0.  When
 * sticky is set, sig must have at least p + 2 significant bits, so that the
 * sticky bit lies below the rounding position. */
static uint64_t round_pack(const struct fmt *F, bool sign, int exp, u128 sig, bool sticky,
			   int rm, unsigned *fl)
{
	int msb = msb128(sig);
	int E = exp + msb;                   /* value in [2^E, 2^(E+1)) */
	bool tiny = false, inexact;
	u128 q;
	if (E < F->emin) {
		/* tininess after rounding: round to p bits, exponent unbounded */
		int s = msb - (F->p - 1);
		if (s <= 0) {
			tiny = true;
		} else {
			bool ix;
			u128 r = shift_round(sig, s, sticky, sign, rm, &ix);
			tiny = E + (r >> F->p ? 1 : 0) < F->emin;
		}
		/* the subnormal's last bit weighs 2^(emin - p + 1) */
		int sh = F->emin - (F->p - 1) - exp;
		if (sh > 0) {
			q = shift_round(sig, sh, sticky, sign, rm, &inexact);
		} else {
			q = sig << -sh;
			inexact = sticky;
		}
		/* q < 2^(p-1) is a subnormal; q == 2^(p-1) is the smallest normal,
		 * whose encoding is the same integer */
		if (inexact) {
			*fl |= FPU_NX;
			if (tiny)
				*fl |= FPU_UF;
		}
		return pack_zero(F, sign) | (uint64_t)q;
	}
	int s = msb - (F->p - 1);
	if (s > 0) {
		q = shift_round(sig, s, sticky, sign, rm, &inexact);
	} else {
		q = sig << -s;
		inexact = sticky;
	}
	if (q >> F->p) {                     /* rounded up to the next binade */
		q >>= 1;
		E++;
	}
	if (E > F->emax) {
		*fl |= FPU_OF | FPU_NX;
		bool to_inf = rm == FPU_RNE || rm == FPU_RMM || (rm == FPU_RDN && sign) ||
			      (rm == FPU_RUP && !sign);
		if (to_inf)
			return pack_inf(F, sign);
		return pack_inf(F, sign) - 1;    /* the largest finite number */
	}
	if (inexact)
		*fl |= FPU_NX;
	uint64_t mmask = (1ULL << (F->p - 1)) - 1;
	return pack_zero(F, sign) | (uint64_t)(E + F->emax) << (F->p - 1) | ((uint64_t)q & mmask);
}

/* The NaN result of an operation with a NaN operand: NV if any is
 * signalling. */
static uint64_t nan_result(const struct fmt *F, const struct unpacked *a,
			   const struct unpacked *b, const struct unpacked *c, unsigned *fl)
{
	if (a->cls == FC_SNAN || (b && b->cls == FC_SNAN) || (c && c->cls == FC_SNAN))
		*fl |= FPU_NV;
	return canon_nan(F);
}

static uint64_t invalid(const struct fmt *F, unsigned *fl)
{
	*fl |= FPU_NV;
	return canon_nan(F);
}

/* (-1)^xs * x * 2^ex + (-1)^ys * y * 2^ey, rounded once; x, y nonzero with
 * at most 106 significant bits each. */
static uint64_t add_sigs(const struct fmt *F, bool xs, int ex, u128 x, bool ys, int ey, u128 y,
			 int rm, unsigned *fl)
{
	int nx = 125 - msb128(x), ny = 125 - msb128(y);
	x <<= nx, ex -= nx;
	y <<= ny, ey -= ny;
	if (ey > ex || (ey == ex && y > x)) {      /* make x the larger magnitude */
		u128 t = x; x = y; y = t;
		int te = ex; ex = ey; ey = te;
		bool ts = xs; xs = ys; ys = ts;
	}
	int d = ex - ey;
	bool sticky = false;
	if (d >= 128) {
		sticky = true;
		y = 0;
	} else if (d > 0) {
		sticky = (y & (((u128)1 << d) - 1)) != 0;
		y >>= d;
	}
	u128 z;
	if (xs == ys) {
		z = x + y;
	} else {
		z = x - y - sticky;
		if (z == 0)                          /* exact cancellation */
			return pack_zero(F, rm == FPU_RDN);
	}
	return round_pack(F, xs, ex, z, sticky, rm, fl);
}

static uint64_t add(enum fpu_fmt f, uint64_t a, uint64_t b, bool negate_b, int rm, unsigned *fl)
{
	const struct fmt *F = &fmts[f];
	struct unpacked ua = unpack(F, a), ub = unpack(F, b);
	ub.sign ^= negate_b;
	if (is_nan(&ua) || is_nan(&ub))
		return nan_result(F, &ua, &ub, NULL, fl);
	if (ua.cls == FC_INF || ub.cls == FC_INF) {
		if (ua.cls == FC_INF && ub.cls == FC_INF && ua.sign != ub.sign)
			return invalid(F, fl);
		return pack_inf(F, ua.cls == FC_INF ? ua.sign : ub.sign);
	}
	if (ua.cls == FC_ZERO && ub.cls == FC_ZERO)
		return pack_zero(F, ua.sign == ub.sign ? ua.sign : rm == FPU_RDN);
	if (ua.cls == FC_ZERO)
		return (b & ~sign_bit(F)) | (ub.sign ? sign_bit(F) : 0);
	if (ub.cls == FC_ZERO)
		return a;
	return add_sigs(F, ua.sign, ua.exp, ua.sig, ub.sign, ub.exp, ub.sig, rm, fl);
}

uint64_t fpu_add(enum fpu_fmt f, uint64_t a, uint64_t b, int rm, unsigned *fl)
{
	return add(f, a, b, false, rm, fl);
}

uint64_t fpu_sub(enum fpu_fmt f, uint64_t a, uint64_t b, int rm, unsigned *fl)
{
	return add(f, a, b, true, rm, fl);
}

uint64_t fpu_mul(enum fpu_fmt f, uint64_t a, uint64_t b, int rm, unsigned *fl)
{
	const struct fmt *F = &fmts[f];
	struct unpacked ua = unpack(F, a), ub = unpack(F, b);
	bool sign = ua.sign != ub.sign;
	if (is_nan(&ua) || is_nan(&ub))
		return nan_result(F, &ua, &ub, NULL, fl);
	if (ua.cls == FC_INF || ub.cls == FC_INF) {
		if (ua.cls == FC_ZERO || ub.cls == FC_ZERO)
			return invalid(F, fl);
		return pack_inf(F, sign);
	}
	if (ua.cls == FC_ZERO || ub.cls == FC_ZERO)
		return pack_zero(F, sign);
	return round_pack(F, sign, ua.exp + ub.exp, (u128)ua.sig * ub.sig, false, rm, fl);
}

/* Shifts a finite operand's significand so its top bit is bit `top`. */
static void normalize(struct unpacked *u, int top)
{
	int n = top - (63 - __builtin_clzll(u->sig));
	u->sig <<= n;
	u->exp -= n;
}

uint64_t fpu_div(enum fpu_fmt f, uint64_t a, uint64_t b, int rm, unsigned *fl)
{
	const struct fmt *F = &fmts[f];
	struct unpacked ua = unpack(F, a), ub = unpack(F, b);
	bool sign = ua.sign != ub.sign;
	if (is_nan(&ua) || is_nan(&ub))
		return nan_result(F, &ua, &ub, NULL, fl);
	if (ua.cls == FC_INF)
		return ub.cls == FC_INF ? invalid(F, fl) : pack_inf(F, sign);
	if (ub.cls == FC_INF)
		return pack_zero(F, sign);
	if (ub.cls == FC_ZERO) {
		if (ua.cls == FC_ZERO)
			return invalid(F, fl);
		*fl |= FPU_DZ;
		return pack_inf(F, sign);
	}
	if (ua.cls == FC_ZERO)
		return pack_zero(F, sign);
	normalize(&ua, 63);
	normalize(&ub, 63);
	u128 n = (u128)ua.sig << 64;
	u128 q = n / ub.sig, r = n % ub.sig;      /* q in (2^63, 2^65) */
	return round_pack(F, sign, ua.exp - ub.exp - 64, q, r != 0, rm, fl);
}

/* floor(sqrt(n)); *rem = n - root^2 (digit by digit, base 4). */
static u128 isqrt128(u128 n, u128 *rem)
{
	u128 root = 0, bit = (u128)1 << 126;
	while (bit > n)
		bit >>= 2;
	while (bit) {
		if (n >= root + bit) {
			n -= root + bit;
			root = (root >> 1) + bit;
		} else {
			root >>= 1;
		}
		bit >>= 2;
	}
	*rem = n;
	return root;
}

uint64_t fpu_sqrt(enum fpu_fmt f, uint64_t a, int rm, unsigned *fl)
{
	const struct fmt *F = &fmts[f];
	struct unpacked u = unpack(F, a);
	if (is_nan(&u))
		return nan_result(F, &u, NULL, NULL, fl);
	if (u.cls == FC_ZERO)
		return a;                            /* sqrt(-0) = -0 */
	if (u.sign)
		return invalid(F, fl);
	if (u.cls == FC_INF)
		return a;
	normalize(&u, 61);
	if (u.exp & 1) {                             /* make the exponent even */
		u.sig <<= 1;
		u.exp--;
	}
	u128 rem, root = isqrt128((u128)u.sig << 64, &rem);   /* root >= 2^62 */
	return round_pack(F, false, (u.exp - 64) / 2, root, rem != 0, rm, fl);
}

uint64_t fpu_fma(enum fpu_fmt f, uint64_t a, uint64_t b, uint64_t c, bool neg_prod, bool neg_c,
		 int rm, unsigned *fl)
{
	const struct fmt *F = &fmts[f];
	struct unpacked ua = unpack(F, a), ub = unpack(F, b), uc = unpack(F, c);
	bool ps = (ua.sign != ub.sign) != neg_prod;
	uc.sign ^= neg_c;
	bool inf_times_zero = (ua.cls == FC_INF && ub.cls == FC_ZERO) ||
			      (ua.cls == FC_ZERO && ub.cls == FC_INF);
	if (is_nan(&ua) || is_nan(&ub) || is_nan(&uc)) {
		/* the spec: inf * 0 raises NV even when the addend is a quiet NaN */
		if (inf_times_zero)
			*fl |= FPU_NV;
		return nan_result(F, &ua, &ub, &uc, fl);
	}
	if (inf_times_zero)
		return invalid(F, fl);
	if (ua.cls == FC_INF || ub.cls == FC_INF) {
		if (uc.cls == FC_INF && uc.sign != ps)
			return invalid(F, fl);
		return pack_inf(F, ps);
	}
	if (uc.cls == FC_INF)
		return pack_inf(F, uc.sign);
	if (ua.cls == FC_ZERO || ub.cls == FC_ZERO) {
		if (uc.cls == FC_ZERO)
			return pack_zero(F, ps == uc.sign ? ps : rm == FPU_RDN);
		return (c & ~sign_bit(F)) | (uc.sign ? sign_bit(F) : 0);
	}
	u128 prod = (u128)ua.sig * ub.sig;
	if (uc.cls == FC_ZERO)
		return round_pack(F, ps, ua.exp + ub.exp, prod, false, rm, fl);
	return add_sigs(F, ps, ua.exp + ub.exp, prod, uc.sign, uc.exp, uc.sig, rm, fl);
}

/* -1, 0 or 1 as a < b, a == b, a > b; neither is a NaN. */
static int compare(const struct fmt *F, uint64_t a, uint64_t b)
{
	uint64_t sb = sign_bit(F);
	int64_t ka = (int64_t)(a & ~sb), kb = (int64_t)(b & ~sb);  /* magnitudes order as integers */
	if (a & sb)
		ka = -ka;
	if (b & sb)
		kb = -kb;
	return ka < kb ? -1 : ka > kb;
}

static uint64_t minmax(enum fpu_fmt f, uint64_t a, uint64_t b, bool want_max, unsigned *fl)
{
	const struct fmt *F = &fmts[f];
	struct unpacked ua = unpack(F, a), ub = unpack(F, b);
	if (ua.cls == FC_SNAN || ub.cls == FC_SNAN)
		*fl |= FPU_NV;
	if (is_nan(&ua) && is_nan(&ub))
		return canon_nan(F);
	if (is_nan(&ua))
		return b;
	if (is_nan(&ub))
		return a;
	if (ua.cls == FC_ZERO && ub.cls == FC_ZERO)      /* -0 < +0 */
		return (ua.sign != want_max) ? a : b;
	int c = compare(F, a, b);
	return (want_max ? c >= 0 : c <= 0) ? a : b;
}

uint64_t fpu_min(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *fl)
{
	return minmax(f, a, b, false, fl);
}

uint64_t fpu_max(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *fl)
{
	return minmax(f, a, b, true, fl);
}

/* Compares for FEQ/FLT/FLE; returns 2 for unordered after raising NV as
 * quiet (signalling NaNs only) or signalling (any NaN) asks. */
static int ordered(enum fpu_fmt f, uint64_t a, uint64_t b, bool signalling, unsigned *fl)
{
	const struct fmt *F = &fmts[f];
	struct unpacked ua = unpack(F, a), ub = unpack(F, b);
	if (is_nan(&ua) || is_nan(&ub)) {
		if (signalling || ua.cls == FC_SNAN || ub.cls == FC_SNAN)
			*fl |= FPU_NV;
		return 2;
	}
	return compare(F, a, b);
}

bool fpu_eq(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *fl)
{
	return ordered(f, a, b, false, fl) == 0;
}

bool fpu_lt(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *fl)
{
	return ordered(f, a, b, true, fl) == -1;
}

bool fpu_le(enum fpu_fmt f, uint64_t a, uint64_t b, unsigned *fl)
{
	int c = ordered(f, a, b, true, fl);
	return c == -1 || c == 0;
}

unsigned fpu_class(enum fpu_fmt f, uint64_t a)
{
	struct unpacked u = unpack(&fmts[f], a);
	switch (u.cls) {
	case FC_SNAN: return 1u << 8;
	case FC_QNAN: return 1u << 9;
	case FC_INF:  return u.sign ? 1u << 0 : 1u << 7;
	case FC_ZERO: return u.sign ? 1u << 3 : 1u << 4;
	default:
		if (u.subnormal)
			return u.sign ? 1u << 2 : 1u << 5;
		return u.sign ? 1u << 1 : 1u << 6;
	}
}

uint64_t fpu_to_int(enum fpu_fmt f, uint64_t a, enum fpu_int t, int rm, unsigned *fl)
{
	const struct fmt *F = &fmts[f];
	struct unpacked u = unpack(F, a);
	bool is_signed = t == FPU_W || t == FPU_L, wide = t == FPU_L || t == FPU_LU;
	int bits = wide ? 64 : 32;
	/* the range, as magnitudes: [-neg_max, pos_max] */
	u128 pos_max = is_signed ? ((u128)1 << (bits - 1)) - 1 : ((u128)1 << bits) - 1;
	u128 neg_max = is_signed ? (u128)1 << (bits - 1) : 0;
	uint64_t max_v = (uint64_t)pos_max, min_v = is_signed ? (uint64_t)-(int64_t)(neg_max - 1) - 1 : 0;
	uint64_t result;
	if (is_nan(&u) || (u.cls == FC_INF && !u.sign)) {
		*fl |= FPU_NV;
		result = max_v;
	} else if (u.cls == FC_INF) {
		*fl |= FPU_NV;
		result = min_v;
	} else if (u.cls == FC_ZERO) {
		result = 0;
	} else {
		u128 mag;
		bool inexact = false, overflow = false;
		if (u.exp >= 0) {
			overflow = u.exp > 64;
			mag = overflow ? 0 : (u128)u.sig << u.exp;
		} else {
			mag = shift_round(u.sig, -u.exp, false, u.sign, rm, &inexact);
		}
		if (overflow || mag > (u.sign ? neg_max : pos_max)) {
			*fl |= FPU_NV;
			result = u.sign ? min_v : max_v;
		} else {
			if (inexact)
				*fl |= FPU_NX;
			result = u.sign ? (uint64_t)0 - (uint64_t)mag : (uint64_t)mag;
		}
	}
	return wide ? result : (uint64_t)(int64_t)(int32_t)result;
}

uint64_t fpu_from_int(enum fpu_fmt f, uint64_t v, enum fpu_int t, int rm, unsigned *fl)
{
	const struct fmt *F = &fmts[f];
	bool sign = false;
	uint64_t mag;
	switch (t) {
	case FPU_W:  mag = (uint64_t)(int64_t)(int32_t)v; sign = (int32_t)v < 0; break;
	case FPU_WU: mag = (uint32_t)v; break;
	case FPU_L:  mag = v; sign = (int64_t)v < 0; break;
	default:     mag = v; break;
	}
	if (sign)
		mag = 0 - mag;
	if (mag == 0)
		return pack_zero(F, false);
	return round_pack(F, sign, 0, mag, false, rm, fl);
}

uint64_t fpu_convert(enum fpu_fmt to, enum fpu_fmt from, uint64_t a, int rm, unsigned *fl)
{
	const struct fmt *T = &fmts[to], *S = &fmts[from];
	struct unpacked u = unpack(S, a);
	switch (u.cls) {
	case FC_QNAN:
	case FC_SNAN: return nan_result(T, &u, NULL, NULL, fl);
	case FC_INF:  return pack_inf(T, u.sign);
	case FC_ZERO: return pack_zero(T, u.sign);
	default:      return round_pack(T, u.sign, u.exp, u.sig, false, rm, fl);
	}
}
