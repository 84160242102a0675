/*
 * fp_decimal.c - exact binary <-> decimal conversion with big integers.
 *
 * Binary to decimal: a finite double is m x 2^e with an integer m < 2^53.
 * For e >= 0 it is the integer m x 2^e; for e < 0 it is m x 5^-e / 10^-e,
 * the integer m x 5^-e with the decimal point moved -e places.  Either
 * integer (at most 767 decimal digits) is built in base 10^9, whose limbs
 * print directly as nine decimal digits each.  Every digit is then exact,
 * and rounding at any position is an exact decision on the digit string.
 *
 * Decimal to binary: D x 10^E with D the decimal digits as a big integer.
 * For E >= 0 the integer D x 10^E is built and its top 64 bits taken (the
 * rest only matters as "nonzero or not"); for E < 0, q = D x 2^s / 10^-E is
 * computed by long division, with s chosen so that q has a few bits more than
 * the format's significand, and the remainder again only matters as nonzero.
 * Rounding q to the significand is then exact, ties to even (the classic
 * exact method; see W. D. Clinger, "How to read floating point numbers
 * accurately", PLDI 1990, for why nothing less than this is always right).
 */
#include "fp_decimal.h"

#include <string.h>

const struct fp_format fp_double = { 53, 11 };
const struct fp_format fp_single = { 24, 8 };

/* --- binary to decimal: base 10^9 big integers ------------------------------ */

#define DLIMBS 96               /* 96 x 9 digits > 767 */
#define BILLION 1000000000u

struct dbig {
	uint32_t w[DLIMBS];     /* little endian, each < 10^9 */
	int n;
};

static void dbig_mul(struct dbig *b, uint32_t f)
{
	uint64_t carry = 0;
	for (int i = 0; i < b->n; i++) {
		uint64_t t = (uint64_t)b->w[i] * f + carry;
		b->w[i] = (uint32_t)(t % BILLION);
		carry = t / BILLION;
	}
	while (carry && b->n < DLIMBS) {
		b->w[b->n++] = (uint32_t)(carry % BILLION);
		carry /= BILLION;
	}
}

void fp_to_decimal(uint64_t bits, struct fp_decimal *out)
{
	int exp = (int)((bits >> 52) & 0x7ff);
	uint64_t m = bits & ((1ULL << 52) - 1);
	int e2 = exp ? exp - 1075 : -1074;

	if (exp)
		m |= 1ULL << 52;
	if (m == 0) {
		out->d[0] = '0';
		out->n = 1;
		out->exp10 = 0;
		return;
	}
	while (!(m & 1)) {
		m >>= 1;
		e2++;
	}
	struct dbig b;
	b.n = 0;
	for (uint64_t t = m; t; t /= BILLION)
		b.w[b.n++] = (uint32_t)(t % BILLION);
	int d10 = 0;
	if (e2 > 0) {
		for (int k = e2; k > 0; k -= 29)
			dbig_mul(&b, 1u << (k < 29 ? k : 29));
	} else if (e2 < 0) {
		static const uint32_t pow5[14] = { 1, 5, 25, 125, 625, 3125, 15625, 78125,
			390625, 1953125, 9765625, 48828125, 244140625, 1220703125 };
		for (int k = -e2; k > 0; k -= 13)
			dbig_mul(&b, pow5[k < 13 ? k : 13]);
		d10 = e2;
	}
	/* the top limb without leading zeros, then nine digits per limb */
	int n = 0;
	uint32_t top = b.w[b.n - 1];
	char tmp[10];
	int tn = 0;
	do {
		tmp[tn++] = (char)('0' + top % 10);
		top /= 10;
	} while (top);
	while (tn)
		out->d[n++] = tmp[--tn];
	for (int i = b.n - 2; i >= 0; i--) {
		uint32_t v = b.w[i];
		for (int j = 8; j >= 0; j--) {
			out->d[n + j] = (char)('0' + v % 10);
			v /= 10;
		}
		n += 9;
	}
	out->exp10 = n - 1 + d10;
	while (n > 1 && out->d[n - 1] == '0')
		n--;
	out->n = n;
}

void fp_round_decimal(struct fp_decimal *x, int keep)
{
	if (keep >= x->n)
		return;
	int up;
	if (keep < 0) {
		up = 0;                 /* below half a unit of the rounding position */
	} else {
		char next = x->d[keep];
		/* digits were trimmed, so anything after `next` is nonzero */
		if (next != '5')
			up = next > '5';
		else if (x->n > keep + 1)
			up = 1;
		else
			up = keep > 0 ? (x->d[keep - 1] - '0') & 1 : 0;   /* tie: to even */
	}
	if (keep <= 0) {
		/* the rounding unit is 10^(exp10 - keep + 1): the result is 0 or it */
		x->n = 1;
		if (up) {
			x->d[0] = '1';
			x->exp10 = x->exp10 - keep + 1;
		} else {
			x->d[0] = '0';
			x->exp10 = 0;
		}
		return;
	}
	x->n = keep;
	if (up) {
		int i = keep - 1;
		while (i >= 0 && x->d[i] == '9')
			x->d[i--] = '0';
		if (i >= 0) {
			x->d[i]++;
		} else {
			x->d[0] = '1';  /* 99.9 -> 100: one digit more on the left */
			x->exp10++;
		}
	}
	while (x->n > 1 && x->d[x->n - 1] == '0')
		x->n--;
}

/* --- decimal to binary: base 2^32 big integers ------------------------------ */

#define BLIMBS 136              /* > (800 + 325) decimal digits + 64 bits */

struct bbig {
	uint32_t w[BLIMBS];     /* little endian */
	int n;                  /* limbs in use, the top one nonzero (0: value 0) */
};

static void bbig_trim(struct bbig *b)
{
	while (b->n > 0 && b->w[b->n - 1] == 0)
		b->n--;
}

/* b = b * m + a */
static void bbig_mul_add(struct bbig *b, uint32_t m, uint32_t a)
{
	uint64_t carry = a;
	for (int i = 0; i < b->n; i++) {
		uint64_t t = (uint64_t)b->w[i] * m + carry;
		b->w[i] = (uint32_t)t;
		carry = t >> 32;
	}
	if (carry && b->n < BLIMBS)
		b->w[b->n++] = (uint32_t)carry;
}

static int bbig_bits(const struct bbig *b)
{
	if (b->n == 0)
		return 0;
	return (b->n - 1) * 32 + (32 - __builtin_clz(b->w[b->n - 1]));
}

static void bbig_shl(struct bbig *b, int s)
{
	int limbs = s / 32, bits = s % 32;
	if (b->n == 0)
		return;
	int n = b->n + limbs + 1;
	if (n > BLIMBS)
		n = BLIMBS;     /* cannot happen within the callers' bounds */
	for (int i = n - 1; i >= 0; i--) {
		int src = i - limbs;
		uint32_t hi = src >= 0 && src < b->n ? b->w[src] : 0;
		uint32_t lo = src - 1 >= 0 && src - 1 < b->n ? b->w[src - 1] : 0;
		b->w[i] = bits ? (hi << bits) | (lo >> (32 - bits)) : hi;
	}
	b->n = n;
	bbig_trim(b);
}

static void bbig_shr1(struct bbig *b)
{
	for (int i = 0; i < b->n; i++)
		b->w[i] = (b->w[i] >> 1) | (i + 1 < b->n ? b->w[i + 1] << 31 : 0);
	bbig_trim(b);
}

static int bbig_cmp(const struct bbig *a, const struct bbig *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (int i = a->n - 1; i >= 0; i--)
		if (a->w[i] != b->w[i])
			return a->w[i] < b->w[i] ? -1 : 1;
	return 0;
}

/* a -= b, with a >= b */
static void bbig_sub(struct bbig *a, const struct bbig *b)
{
	int64_t borrow = 0;
	for (int i = 0; i < a->n; i++) {
		int64_t t = (int64_t)a->w[i] - (i < b->n ? b->w[i] : 0) - borrow;
		borrow = t < 0;
		a->w[i] = (uint32_t)t;
	}
	bbig_trim(a);
}

static void bbig_pow10(struct bbig *b, int k)
{
	for (; k >= 9; k -= 9)
		bbig_mul_add(b, BILLION, 0);
	static const uint32_t p10[9] = { 1, 10, 100, 1000, 10000, 100000, 1000000,
		10000000, 100000000 };
	if (k)
		bbig_mul_add(b, p10[k], 0);
}

/* Bits [L-64, L) of b (all of it if shorter); *sticky |= whether any lower
 * bit is set; *e2 = the weight of the returned value's lowest bit. */
static uint64_t bbig_top64(const struct bbig *b, int *sticky, int *e2)
{
	int L = bbig_bits(b);
	uint64_t q = 0;
	int lo = L > 64 ? L - 64 : 0;
	for (int i = L - 1; i >= lo; i--)
		q = (q << 1) | ((b->w[i / 32] >> (i % 32)) & 1);
	for (int i = 0; i < lo / 32 && !*sticky; i++)
		*sticky |= b->w[i] != 0;
	if (lo % 32 && (b->w[lo / 32] & ((1u << (lo % 32)) - 1)))
		*sticky = 1;
	*e2 = lo;
	return q;
}

uint64_t fp_from_binary(uint64_t q, int e2, int sticky, const struct fp_format *f, int *range)
{
	int mb = f->mant_bits;
	int bias = (1 << (f->exp_bits - 1)) - 1;
	int emin_lsb = 3 - (1 << (f->exp_bits - 1)) - mb;   /* -1074, -149 */
	int L = 64 - __builtin_clzll(q);
	int shift = L - mb;
	uint64_t m;
	int inexact;

	int tiny = e2 + shift < emin_lsb;  /* below the smallest normal, before rounding */
	if (tiny)
		shift = emin_lsb - e2;          /* subnormal: fewer bits are kept */
	if (shift > 0) {
		uint64_t half, rest;
		if (shift > 64) {
			m = 0;
			half = 0;
			rest = q;
		} else if (shift == 64) {
			m = 0;
			half = q >> 63;
			rest = q & ~(1ULL << 63);
		} else {
			m = q >> shift;
			half = (q >> (shift - 1)) & 1;
			rest = q & ((1ULL << (shift - 1)) - 1);
		}
		inexact = half || rest || sticky;
		if (half && (rest || sticky || (m & 1)))
			m++;
	} else {
		m = q << -shift;
		inexact = sticky;
	}
	int e = e2 + shift;
	if (m == 1ULL << mb) {
		m >>= 1;
		e++;
	}
	*range = 0;
	if (m >> (mb - 1)) {
		int biased = e + mb - 1 + bias;
		if (biased >= 2 * bias + 1) {
			*range = 1;
			return (uint64_t)(2 * bias + 1) << (mb - 1);        /* infinity */
		}
		*range = tiny && inexact;       /* rounded up to the smallest normal */
		return ((uint64_t)biased << (mb - 1)) | (m & ((1ULL << (mb - 1)) - 1));
	}
	*range = inexact;               /* subnormal or zero, and not exact */
	return m;
}

uint64_t fp_from_decimal(const char *digits, int nd, int exp10, int sticky,
			 const struct fp_format *f, int *range)
{
	while (nd > 0 && digits[0] == '0') {
		digits++;
		nd--;
	}
	while (nd > 0 && digits[nd - 1] == '0') {
		nd--;
		exp10++;
	}
	*range = 0;
	if (nd == 0)
		return 0;
	int emax10 = (1 << (f->exp_bits - 1)) * 30103 / 100000 + 1;          /* 309, 39 */
	int emin10 = (f->mant_bits - 3 + (1 << (f->exp_bits - 1))) * 30103 / 100000 + 2;  /* 325, 46 */
	int bias = (1 << (f->exp_bits - 1)) - 1;
	if (nd + exp10 - 1 > emax10) {
		*range = 1;
		return (uint64_t)(2 * bias + 1) << (f->mant_bits - 1);
	}
	if (nd + exp10 < -emin10) {
		*range = 1;
		return 0;
	}
	static struct bbig num, den;     /* 1 KiB each: off the stack */
	num.n = 0;
	for (int i = 0; i < nd; i++) {
		if (num.n == 0) {
			num.w[0] = (uint32_t)(digits[i] - '0');
			num.n = num.w[0] != 0;
		} else {
			bbig_mul_add(&num, 10, (uint32_t)(digits[i] - '0'));
		}
	}
	uint64_t q;
	int e2;
	if (exp10 >= 0) {
		bbig_pow10(&num, exp10);
		q = bbig_top64(&num, &sticky, &e2);
	} else {
		den.w[0] = 1;
		den.n = 1;
		bbig_pow10(&den, -exp10);
		int s = f->mant_bits + 3 + bbig_bits(&den) - bbig_bits(&num);
		if (s >= 0)
			bbig_shl(&num, s);
		else
			bbig_shl(&den, -s);
		/* long division: q = num / den has at most mant_bits + 5 bits */
		int t = bbig_bits(&num) - bbig_bits(&den);
		q = 0;
		if (t >= 0) {
			bbig_shl(&den, t);
			for (int i = t; i >= 0; i--) {
				q <<= 1;
				if (bbig_cmp(&num, &den) >= 0) {
					bbig_sub(&num, &den);
					q |= 1;
				}
				bbig_shr1(&den);
			}
		}
		sticky |= num.n != 0;
		e2 = -s;
	}
	return fp_from_binary(q, e2, sticky, f, range);
}
