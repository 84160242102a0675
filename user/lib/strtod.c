/*
 * strtod.c - strtod, strtof, atof (C11 7.22.1.3): decimal and hexadecimal
 * floating-point input, "inf", "infinity" and "nan" (with an optional
 * "(chars)"), in any case.
 *
 * Results are correctly rounded (to nearest, ties to even) whatever the
 * number of digits: the first 800 significant digits are kept exactly and
 * any nonzero digit after them only marks the value as "a little more",
 * which is enough, since no halfway point between two doubles has more than
 * 767 significant digits.  fp_decimal.c makes the exact decision.  All of it
 * is integer arithmetic, so the soft-float build behaves the same.
 *
 * errno is ERANGE when the result overflowed to HUGE_VAL or underflowed to a
 * subnormal or zero value that is not exact, as glibc does.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fp_decimal.h"

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Does s start with the word w (lower case), in any case? */
static int starts(const char *s, const char *w)
{
	for (; *w; s++, w++)
		if (lower((unsigned char)*s) != *w)
			return 0;
	return 1;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	return -1;
}

/* parse_exp: an exponent "e[+-]digits" (or "p..." for hex) at *pp; advances
 * *pp past it only if it is well formed.  Clamped far beyond any range. */
static long parse_exp(const char **pp)
{
	const char *p = *pp + 1;
	int neg = 0;
	long v = 0;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (!isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p)) {
		if (v < 100000000)
			v = v * 10 + (*p - '0');
		p++;
	}
	*pp = p;
	return neg ? -v : v;
}

/* The bit pattern (sign included) of the number at s, in format f. */
static uint64_t parse(const char *s, char **end, const struct fp_format *f)
{
	const char *p = s;
	uint64_t sign = 0, bits;
	int range = 0;
	int sign_bit = f->mant_bits - 1 + f->exp_bits;   /* 63, 31 */

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		sign = (uint64_t)(*p++ == '-') << sign_bit;
	uint64_t inf = ((1ULL << f->exp_bits) - 1) << (f->mant_bits - 1);

	if (starts(p, "inf")) {
		p += starts(p, "infinity") ? 8 : 3;
		if (end) *end = (char *)p;
		return sign | inf;
	}
	if (starts(p, "nan")) {
		p += 3;
		if (*p == '(') {
			const char *q = p + 1;
			while (isalnum((unsigned char)*q) || *q == '_')
				q++;
			if (*q == ')')
				p = q + 1;
		}
		if (end) *end = (char *)p;
		return sign | inf | (1ULL << (f->mant_bits - 2));   /* quiet NaN */
	}
	if (p[0] == '0' && lower((unsigned char)p[1]) == 'x' &&
	    (hexval((unsigned char)p[2]) >= 0 ||
	     (p[2] == '.' && hexval((unsigned char)p[3]) >= 0))) {
		/* hexadecimal: up to 15 significant hex digits, then sticky */
		uint64_t m = 0;
		long e2 = 0;
		int sticky = 0, nd = 0, dot = 0;
		p += 2;
		for (;; p++) {
			int v;
			if (*p == '.' && !dot) {
				dot = 1;
				continue;
			}
			if ((v = hexval((unsigned char)*p)) < 0)
				break;
			if (m == 0 && v == 0) {
				if (dot)
					e2 -= 4;
				continue;
			}
			if (nd < 15) {
				m = m << 4 | (uint64_t)v;
				nd++;
				if (dot)
					e2 -= 4;
			} else {
				sticky |= v != 0;
				if (!dot)
					e2 += 4;
			}
		}
		if (lower((unsigned char)*p) == 'p')
			e2 += parse_exp(&p);
		if (end) *end = (char *)p;
		if (m == 0)
			return sign;
		if (e2 > 100000) e2 = 100000;
		if (e2 < -100000) e2 = -100000;
		bits = fp_from_binary(m, (int)e2, sticky, f, &range);
		if (range)
			errno = ERANGE;
		return sign | bits;
	}
	/* decimal */
	static char digits[FP_DEC_MAX];
	int nd = 0, any = 0, sticky = 0, dot = 0;
	long exp10 = 0;
	for (;; p++) {
		if (*p == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (!isdigit((unsigned char)*p))
			break;
		any = 1;
		if (nd == 0 && *p == '0') {
			if (dot)
				exp10--;
			continue;
		}
		if (nd < FP_DEC_MAX) {
			digits[nd++] = *p;
			if (dot)
				exp10--;
		} else {
			sticky |= *p != '0';
			if (!dot)
				exp10++;
		}
	}
	if (!any) {
		if (end) *end = (char *)s;
		return 0;
	}
	if (lower((unsigned char)*p) == 'e')
		exp10 += parse_exp(&p);
	if (end) *end = (char *)p;
	if (nd == 0)
		return sign;
	if (exp10 > 100000) exp10 = 100000;
	if (exp10 < -100000) exp10 = -100000;
	bits = fp_from_decimal(digits, nd, (int)exp10, sticky, f, &range);
	if (range)
		errno = ERANGE;
	return sign | bits;
}

double strtod(const char *s, char **end)
{
	uint64_t bits = parse(s, end, &fp_double);
	double d;
	memcpy(&d, &bits, sizeof d);
	return d;
}

float strtof(const char *s, char **end)
{
	uint32_t bits = (uint32_t)parse(s, end, &fp_single);
	float v;
	memcpy(&v, &bits, sizeof v);
	return v;
}

double atof(const char *s) { return strtod(s, NULL); }
