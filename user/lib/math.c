/*
 * math.c - elementary functions for double (C11 7.12), written for vmos.
 *
 *  - sqrt is the hardware's fsqrt.d (correctly rounded); fabs, copysign,
 *    trunc, floor, ceil and round work on the bit pattern; fmod is exact
 *    (shift-and-subtract long division of the significands).
 *  - exp: x = k ln2 + r with |r| <= ln2/2 (Cody and Waite's reduction with
 *    ln2 split so that k*ln2_hi is exact), exp(r) from its Taylor series to
 *    r^13 (truncation error < 2^-57) with 1 + r + r^2/2 summed exactly, so
 *    only the last addition rounds; then scaled by 2^k.
 *  - log: x = 2^k m with m in [sqrt(2)/2, sqrt(2)), s = (m-1)/(m+1), and
 *    log m = 2 atanh s = 2(s + s^3/3 + s^5/5 + ...), |s| < 0.172.  The
 *    division's rounding error is recovered with a fused multiply-add and
 *    the series' leading term is kept in double-double, so log's result is
 *    a double-double (hi + lo) good to about 2^-70, which pow needs.
 *  - log2, log10: log's double-double result times the constant in
 *    double-double.
 *  - pow = exp(y log x) with log x (to about 2^-70) and y log x in
 *    double-double, so the result stays within one ulp even when |y log x|
 *    is large; integer powers whose every product is exact stay exact
 *    (pow(10, 15) == 1e15); the special cases are C11 Annex F's.
 *  - sin, cos: x = n pi/2 + r with |r| <= pi/4, reduced EXACTLY for every x:
 *    x times 1280 bits of 2/pi in integer arithmetic (the method of Payne and
 *    Hanek), keeping 126 bits of the fraction, enough for the doubles that
 *    come closest to a multiple of pi/2 (about 2^-61 away).  Then Taylor
 *    series of sin and cos on [-pi/4, pi/4] with the reduction's low part.
 *  - tan = sin/cos of the same reduced argument (within two ulps).
 *
 * The constants were computed for this file with exact rational arithmetic
 * (pi by Machin's formula, ln 2 as 2 atanh(1/3)).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

static double from_bits(uint64_t b) { double d; memcpy(&d, &b, sizeof d); return d; }
static uint64_t to_bits(double d) { uint64_t b; memcpy(&b, &d, sizeof b); return b; }

/* a*b + c with one rounding */
static double fma_(double a, double b, double c)
{
#if defined(__riscv) && defined(__riscv_flen)
	double r;
	__asm__("fmadd.d %0, %1, %2, %3" : "=f"(r) : "f"(a), "f"(b), "f"(c));
	return r;
#else
	return __builtin_fma(a, b, c);
#endif
}

double sqrt(double x)
{
#if defined(__riscv) && defined(__riscv_flen)
	double r;
	__asm__("fsqrt.d %0, %1" : "=f"(r) : "f"(x));
	return r;
#else
	return __builtin_sqrt(x);
#endif
}

double fabs(double x) { return from_bits(to_bits(x) & ~(1ULL << 63)); }

double copysign(double x, double y)
{
	return from_bits((to_bits(x) & ~(1ULL << 63)) | (to_bits(y) & (1ULL << 63)));
}

double trunc(double x)
{
	uint64_t b = to_bits(x);
	int e = (int)((b >> 52) & 0x7ff) - 1023;
	if (e == 1024)
		return x + x;                   /* inf, or a NaN (quieted) */
	if (e >= 52)
		return x;                       /* integral already */
	if (e < 0)
		return from_bits(b & (1ULL << 63));
	return from_bits(b & ~((1ULL << (52 - e)) - 1));
}

double floor(double x)
{
	double t = trunc(x);
	return t != x && x < 0 ? t - 1.0 : t;
}

double ceil(double x)
{
	double t = trunc(x);
	return t != x && x > 0 ? t + 1.0 : t;
}

double round(double x)
{
	double t = trunc(x);
	/* x - t is exact: both lie in the same binade or t is 0 */
	return fabs(x - t) >= 0.5 ? t + copysign(1.0, x) : t;
}

double fmod(double x, double y)
{
	uint64_t bx = to_bits(x), by = to_bits(y);
	uint64_t sx = bx & (1ULL << 63);
	int ex = (int)((bx >> 52) & 0x7ff), ey = (int)((by >> 52) & 0x7ff);
	uint64_t mx = bx & ((1ULL << 52) - 1), my = by & ((1ULL << 52) - 1);

	if (ex == 0x7ff || ey == 0x7ff || (by << 1) == 0) {
		if ((ey == 0x7ff && my) || (ex == 0x7ff && mx))
			return x + y;           /* a NaN */
		if (ex == 0x7ff || (by << 1) == 0)
			return (x * y) / (x * y); /* invalid: NaN */
		return x;                       /* finite x, infinite y */
	}
	if ((bx << 1) <= (by << 1))
		return (bx << 1) == (by << 1) ? from_bits(sx) : x;
	/* significands as integers with the hidden bit; subnormals normalised */
	if (ex) mx |= 1ULL << 52; else { ex = 1; while (!(mx >> 52)) { mx <<= 1; ex--; } }
	if (ey) my |= 1ULL << 52; else { ey = 1; while (!(my >> 52)) { my <<= 1; ey--; } }
	for (; ex > ey; ex--) {
		if (mx >= my)
			mx -= my;
		mx <<= 1;
	}
	if (mx >= my)
		mx -= my;
	if (mx == 0)
		return from_bits(sx);
	while (!(mx >> 52)) {
		mx <<= 1;
		ex--;
	}
	if (ex > 0)
		return from_bits(sx | ((uint64_t)ex << 52) | (mx & ((1ULL << 52) - 1)));
	return from_bits(sx | (mx >> (1 - ex)));  /* subnormal: exact, no bits lost */
}

/* --- exp, log, pow ----------------------------------------------------------- */

static const double ln2_hi = 0x1.62e42fefa3800p-1;     /* 42 bits: k*ln2_hi exact */
static const double ln2_lo = 0x1.ef35793c76730p-45;
static const double inv_ln2 = 0x1.71547652b82fep+0;

/* 2^k for -1074 <= k <= 1023 ... as a product of at most two factors */
static double scale2(double y, int k)
{
	if (k > 1023) {
		y *= 0x1p1023;
		k -= 1023;
		if (k > 1023)
			k = 1023;
	} else if (k < -1022) {
		y *= 0x1p-1022;
		k += 1022;
		if (k < -1022)
			k = -1022;
	}
	return y * from_bits((uint64_t)(k + 1023) << 52);
}

/* a + b = *s + *err exactly (Knuth's two-sum) */
static void two_sum(double a, double b, double *s, double *err)
{
	double t = a + b, bb = t - a;
	*s = t;
	*err = (a - (t - bb)) + (b - bb);
}

/* exp(r + r_lo) for |r| <= 0.35: 1 + r + r^2/2 summed exactly (two-sums and
 * a fused multiply-add), the Taylor tail r^3/6 + ... + r^13/13! (< 0.008,
 * truncation < 2^-57) in plain double; one rounding at the end. */
static double exp_small(double r, double r_lo)
{
	static const double c[] = { 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040,
		1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800,
		1.0 / 479001600, 1.0 / 6227020800.0 };
	double q = c[10];
	for (int i = 9; i >= 0; i--)
		q = q * r + c[i];
	double r2 = r * r, r2_lo = fma_(r, r, -r2);
	double a, ea, s, es;
	two_sum(r, 0.5 * r2, &a, &ea);
	two_sum(1.0, a, &s, &es);
	double tail = es + ea + 0.5 * r2_lo + r2 * r * q;
	/* exp(r + r_lo) = exp(r) (1 + r_lo + ...): r_lo can reach 2^-44 (pow's
	 * low part), so it multiplies the whole of exp(r), not 1 + a */
	return s + (tail + r_lo * (s + tail));
}

/* exp(hi + lo), lo much smaller than hi */
static double exp_dd(double hi, double lo)
{
	if (hi != hi)
		return hi + hi;
	if (hi > 709.8)
		return 0x1p1023 * 0x1p1023;     /* overflow: +inf */
	if (hi < -745.2)
		return 0x1p-1022 * 0x1p-1022;   /* underflow: +0 */
	double kd = hi * inv_ln2;
	kd = kd < 0 ? kd - 0.5 : kd + 0.5;
	int k = (int)kd;
	/* r + r_lo = hi + lo - k ln2: k*ln2_hi and the subtraction are exact */
	double r, r_lo;
	two_sum(hi - k * ln2_hi, -(k * ln2_lo), &r, &r_lo);
	r_lo += lo;
	return scale2(exp_small(r, r_lo), k);
}

double exp(double x) { return exp_dd(x, 0.0); }

/* log(x) = *hi + *lo (about 2^-70 relative) for finite x > 0 */
static void log_dd(double x, double *hi, double *lo)
{
	uint64_t b = to_bits(x);
	int k = 0;
	if (!(b >> 52)) {                       /* subnormal: scale it up */
		x *= 0x1p54;
		b = to_bits(x);
		k = -54;
	}
	k += (int)(b >> 52) - 1023;
	double m = from_bits((b & ((1ULL << 52) - 1)) | (1023ULL << 52));  /* [1, 2) */
	if (m > 1.4142135623730951) {
		m *= 0.5;
		k++;
	}
	double f = m - 1.0;                     /* exact (Sterbenz) */
	double d = 2.0 + f;                     /* rounded: d + d_lo = 2 + f exactly */
	double d_lo = f - (d - 2.0);
	double s = f / d;
	/* f / (d + d_lo) = s + s_lo to about 2^-106 */
	double s_lo = (fma_(-s, d, f) - s * d_lo) / d;
	/* log m = u + u w with u = 2s and w = s^2/3 + s^4/5 + ... (at most
	 * 0.0099): w's leading third in double-double, the rest (at most 0.006
	 * of w) in double; the series is summed to s^30 (truncation < 2^-75). */
	double z = s * s;
	double z_lo = fma_(s, s, -z) + 2 * s * s_lo;
	static const double inv_odd[] = { 1.0 / 5, 1.0 / 7, 1.0 / 9, 1.0 / 11, 1.0 / 13,
		1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21, 1.0 / 23, 1.0 / 25, 1.0 / 27,
		1.0 / 29, 1.0 / 31 };
	double q = inv_odd[13];
	for (int i = 12; i >= 0; i--)
		q = q * z + inv_odd[i];
	q *= z;                                 /* s^2/5 + s^4/7 + ... */
	static const double third_hi = 0x1.5555555555555p-2, third_lo = 0x1.5555555555555p-56;
	double t3 = z * third_hi;
	double t3_lo = fma_(z, third_hi, -t3) + z * third_lo + z_lo * third_hi;
	double zq = z * q;
	double w = t3 + zq;
	double w_lo = (t3 - w) + zq + t3_lo;    /* |t3| >= |zq| */
	double u = 2 * s;
	double uw = u * w;
	double uw_lo = fma_(u, w, -uw) + u * w_lo + 2 * s_lo * w;
	/* log x = k ln2 + u + uw + (2 s_lo + uw_lo), summed exactly in pairs */
	double a = k * ln2_hi;                  /* exact */
	double h1, e1, h2, e2;
	two_sum(a, u, &h1, &e1);
	two_sum(h1, uw, &h2, &e2);
	double lo_sum = e1 + e2 + uw_lo + 2 * s_lo + k * ln2_lo;
	*hi = h2 + lo_sum;                      /* normalised: |lo| <= ulp(hi)/2 */
	*lo = lo_sum - (*hi - h2);
}

double log(double x)
{
	if (x != x)
		return x + x;
	if (x < 0)
		return (x - x) / (x - x);       /* NaN, invalid */
	if (x == 0)
		return -1.0 / (x * x);          /* -inf, divide by zero */
	if (x == (double)INFINITY)
		return x;
	double hi, lo;
	log_dd(x, &hi, &lo);
	return hi + lo;
}

/* log(x) times c_hi + c_lo, with log's low part and the product's error */
static double log_scaled(double x, double c_hi, double c_lo)
{
	if (!(x > 0) || x == (double)INFINITY)
		return log(x);                  /* NaN, -inf, inf: log's answers */
	double hi, lo;
	log_dd(x, &hi, &lo);
	double p = hi * c_hi;
	return p + (fma_(hi, c_hi, -p) + hi * c_lo + lo * c_hi);
}

double log2(double x) { return log_scaled(x, 0x1.71547652b82fep+0, 0x1.777d0ffda0d24p-56); }
double log10(double x) { return log_scaled(x, 0x1.bcb7b1526e50ep-2, 0x1.95355baaafad3p-57); }

static int is_integer(double y) { return trunc(y) == y; }
static int is_odd_integer(double y)
{
	return is_integer(y) && fabs(y) < 0x1p53 && ((int64_t)y & 1);
}

double pow(double x, double y)
{
	if (y == 0 || x == 1)
		return 1.0;
	if (x != x || y != y)
		return x + y;
	double ax = fabs(x), ay = fabs(y);
	if (ay == (double)INFINITY) {
		if (ax == 1)
			return 1.0;
		return (ax > 1) == (y > 0) ? (double)INFINITY : 0.0;
	}
	int odd = is_odd_integer(y);
	if (x == 0)
		return y < 0 ? (odd ? copysign((double)INFINITY, x) : (double)INFINITY)
			     : (odd ? x : 0.0);
	if (ax == (double)INFINITY) {
		double r = y < 0 ? 0.0 : (double)INFINITY;
		return x < 0 && odd ? -r : r;
	}
	double sign = 1.0;
	if (x < 0) {
		if (!is_integer(y))
			return (x - x) / (x - x);   /* NaN, invalid */
		if (odd)
			sign = -1.0;
	}
	if (is_integer(y) && ay <= 1024) {
		/* Repeated squaring, kept only if every product was exact (tested
		 * with a fused multiply-add): pow(2, 10) is 1024 exactly, as it
		 * must be; anything inexact goes the exp/log way below. */
		unsigned n = (unsigned)ay;
		double base = ax, r = 1.0;
		int exact = 1;
		for (; n && exact; n >>= 1) {
			if (n & 1) {
				double t = r * base;
				exact = t < 0x1p1000 && t > 0x1p-960 && fma_(r, base, -t) == 0;
				r = t;
			}
			if (n > 1 && exact) {
				double t = base * base;
				exact = t < 0x1p1000 && t > 0x1p-960 && fma_(base, base, -t) == 0;
				base = t;
			}
		}
		if (exact && y < 0) {
			double q = 1.0 / r;
			exact = fma_(r, q, -1.0) == 0;
			r = q;
		}
		if (exact)
			return sign * r;
	}
	double lh, ll;
	log_dd(ax, &lh, &ll);
	double th = y * lh;
	double tl = fma_(y, lh, -th) + y * ll;
	return sign * exp_dd(th, tl);
}

/* --- sin, cos, tan ----------------------------------------------------------- */

/* 2/pi to 1280 bits, most significant word first */
static const uint32_t two_over_pi[40] = {
	0xa2f9836e, 0x4e441529, 0xfc2757d1, 0xf534ddc0, 0xdb629599, 0x3c439041, 0xfe5163ab, 0xdebbc561, 0xb7246e3a, 0x424dd2e0, 0x06492eea, 0x09d1921c, 0xfe1deb1c, 0xb129a73e, 0xe88235f5, 0x2ebb4484, 0xe99c7026, 0xb45f7e41, 0x3991d639, 0x835339f4, 0x9c845f8b, 0xbdf9283b, 0x1ff897ff, 0xde05980f, 0xef2f118b, 0x5a0a6d1f, 0x6d367ecf, 0x27cb09b7, 0x4f463f66, 0x9e5fea2d, 0x7527bac7, 0xebe5f17b, 0x3d0739f7, 0x8a5292ea, 0x6bfb5fb1, 0x1f8d5d08, 0x56033046, 0xfc7b6bab, 0xf0cfbc20, 0x9af4361d
};
static const double pio2_hi = 0x1.921fb54442d18p+0, pio2_lo = 0x1.1a62633145c07p-54;

/* x = n pi/2 + (*rh + *rl) with |rh| <= pi/4 (about); returns n mod 4. */
static int reduce(double x, double *rhp, double *rlp)
{
	uint64_t b = to_bits(x);
	int neg = b >> 63;
	int e = (int)((b >> 52) & 0x7ff);
	uint64_t m = (b & ((1ULL << 52) - 1)) | (e ? 1ULL << 52 : 0);
	int e2 = (e ? e : 1) - 1075;            /* |x| = m 2^e2 */

	/* P = m * T, T = two_over_pi as a 1280-bit integer; |x| 2/pi = P 2^(e2-1280) */
	uint32_t P[43];
	memset(P, 0, sizeof P);
	uint32_t m0 = (uint32_t)m, m1 = (uint32_t)(m >> 32);
	for (int i = 0; i < 40; i++) {
		uint64_t t = two_over_pi[39 - i];   /* little-endian word i */
		uint64_t c = 0;
		uint64_t v = (uint64_t)P[i] + t * m0;
		P[i] = (uint32_t)v;
		c = v >> 32;
		v = (uint64_t)P[i + 1] + t * m1 + c;
		P[i + 1] = (uint32_t)v;
		c = v >> 32;
		for (int j = i + 2; c && j < 43; j++) {
			v = (uint64_t)P[j] + c;
			P[j] = (uint32_t)v;
			c = v >> 32;
		}
	}
	/* bit j of the value is bit (j - e2 + 1280) of P: take weights 2^1 .. 2^-126 */
	int top = 1 - e2 + 1280;                /* P's bit of weight 2^1 */
	uint64_t w[2] = { 0, 0 };               /* 128 bits, w[0] most significant */
	for (int i = 0; i < 128; i++) {
		int bit = top - i;
		unsigned v = bit >= 0 && bit < 43 * 32 ? (P[bit / 32] >> (bit % 32)) & 1 : 0;
		w[i / 64] |= (uint64_t)v << (63 - i % 64);
	}
	int n = (int)(w[0] >> 62);
	uint64_t f0 = w[0] << 2 | w[1] >> 62, f1 = w[1] << 2;   /* the fraction, 0.f0f1 */
	int fneg = 0;
	if (f0 >> 63) {                         /* fraction >= 1/2: take 1 - f, n + 1 */
		n++;
		f0 = ~f0;
		f1 = ~f1 + 1;
		if (f1 == 0)
			f0++;
		fneg = 1;
	}
	/* the fraction as a double-double */
	double fh, fl;
	if (f0 == 0 && f1 == 0) {
		fh = fl = 0;
	} else {
		int lz = f0 ? __builtin_clzll(f0) : 64 + __builtin_clzll(f1);
		uint64_t a = lz < 64 ? (f0 << lz) | (lz ? f1 >> (64 - lz) : 0) : f1 << (lz - 64);
		uint64_t c = lz < 64 ? f1 << lz : 0;
		uint64_t hi53 = a >> 11;
		uint64_t lo_bits = (a & 0x7ff) << 42 | c >> 22;   /* the next 53 bits */
		fh = (double)hi53 * from_bits((uint64_t)(1023 - lz - 53) << 52);
		fl = (double)lo_bits * from_bits((uint64_t)(1023 - lz - 106) << 52);
	}
	/* r = f pi/2 */
	double rh = fh * pio2_hi;
	double rl = fma_(fh, pio2_hi, -rh) + (fh * pio2_lo + fl * pio2_hi);
	double t = rh + rl;
	rl = rl - (t - rh);
	rh = t;
	if (fneg) {
		rh = -rh;
		rl = -rl;
	}
	if (neg) {
		rh = -rh;
		rl = -rl;
		n = -n;
	}
	*rhp = rh;
	*rlp = rl;
	return n & 3;
}

/* sin(r + rl) for |r| <= pi/4 + tiny */
static double sin_k(double r, double rl)
{
	static const double c[] = { -1.0 / 6, 1.0 / 120, -1.0 / 5040, 1.0 / 362880,
		-1.0 / 39916800, 1.0 / 6227020800.0, -1.0 / 1307674368000.0,
		1.0 / 355687428096000.0, -1.0 / 121645100408832000.0 };
	double z = r * r, p = c[8];
	for (int i = 7; i >= 0; i--)
		p = p * z + c[i];
	return r + (r * z * p + rl * (1 - 0.5 * z));
}

/* cos(r + rl) for |r| <= pi/4 + tiny */
static double cos_k(double r, double rl)
{
	static const double c[] = { 1.0 / 24, -1.0 / 720, 1.0 / 40320, -1.0 / 3628800,
		1.0 / 479001600, -1.0 / 87178291200.0, 1.0 / 20922789888000.0,
		-1.0 / 6402373705728000.0, 1.0 / 2432902008176640000.0 };
	double z = r * r, p = c[8];
	for (int i = 7; i >= 0; i--)
		p = p * z + c[i];
	double hz = 0.5 * z, w = 1.0 - hz;
	return w + (((1.0 - w) - hz) + (z * z * p - r * rl));
}

double sin(double x)
{
	if (fabs(x) < 0.785398)
		return fabs(x) < 0x1p-27 ? x : sin_k(x, 0);
	if (x - x != 0)
		return (x - x) / (x - x);       /* inf or NaN */
	double r, rl;
	switch (reduce(x, &r, &rl)) {
	case 0: return sin_k(r, rl);
	case 1: return cos_k(r, rl);
	case 2: return -sin_k(r, rl);
	default: return -cos_k(r, rl);
	}
}

double cos(double x)
{
	if (fabs(x) < 0.785398)
		return cos_k(x, 0);
	if (x - x != 0)
		return (x - x) / (x - x);
	double r, rl;
	switch (reduce(x, &r, &rl)) {
	case 0: return cos_k(r, rl);
	case 1: return -sin_k(r, rl);
	case 2: return -cos_k(r, rl);
	default: return sin_k(r, rl);
	}
}

double tan(double x)
{
	if (fabs(x) < 0.785398)
		return fabs(x) < 0x1p-27 ? x : sin_k(x, 0) / cos_k(x, 0);
	if (x - x != 0)
		return (x - x) / (x - x);
	double r, rl;
	int n = reduce(x, &r, &rl);
	return n & 1 ? -cos_k(r, rl) / sin_k(r, rl) : sin_k(r, rl) / cos_k(r, rl);
}
