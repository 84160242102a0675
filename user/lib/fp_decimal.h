/*
 * fp_decimal.h - exact conversions between binary floating point and decimal,
 * in integer arithmetic only (private to user/lib).
 *
 * Both directions work on the IEEE 754 bit pattern, never on a float value,
 * so they compile to the same integer code for the lp64d and the soft-float
 * lp64 ABI (no compiler-rt float helpers are needed) and their results do not
 * depend on the FPU's rounding mode: they round to nearest, ties to even.
 *
 *   fp_to_decimal    every decimal digit of a double (at most 767), then
 *                    fp_round_decimal rounds them at any position: printf's
 *                    %e %f %g are exact (C11 7.21.6.1 asks for correct
 *                    rounding when DECIMAL_DIG digits suffice; this is exact
 *                    for any precision).
 *   fp_from_decimal  the binary value nearest to D x 10^E (strtod, strtof),
 *                    decided exactly with big integers (no approximation:
 *                    the halfway cases are compared digit for digit).
 */
#ifndef VMOS_USER_FP_DECIMAL_H
#define VMOS_USER_FP_DECIMAL_H

#include <stdint.h>

/* A finite non-negative value d[0].d[1]d[2]... x 10^exp10 with n digits
 * ('0'..'9'), no trailing zeros unless the value is 0 ("0", exp10 0). */
#define FP_DEC_MAX 800
struct fp_decimal {
	char d[FP_DEC_MAX];
	int n;
	int exp10;
};

/* Every digit of the finite double with bit pattern `bits` (sign ignored). */
void fp_to_decimal(uint64_t bits, struct fp_decimal *out);

/* Rounds to `keep` significant digits, ties to even (keep <= 0 rounds at a
 * position left of the first digit: the result is 0 or 1 x 10^(exp10+1)). */
void fp_round_decimal(struct fp_decimal *x, int keep);

/* The binary format fp_from_decimal rounds into. */
struct fp_format {
	int mant_bits;      /* significand bits with the hidden one: 53 or 24 */
	int exp_bits;       /* 11 or 8 */
};
extern const struct fp_format fp_double, fp_single;

/* The bit pattern (sign not included) of the value nearest to
 * digits[0..nd-1] x 10^exp10, where `sticky` says that nonzero digits
 * followed the ones given (the value is a little above them).  *range is set
 * to 1 when the result overflowed to infinity, or when the exact value is
 * below the smallest normal number and the result is inexact (ERANGE, as
 * glibc: underflow is detected before rounding), else 0. */
uint64_t fp_from_decimal(const char *digits, int nd, int exp10, int sticky,
			 const struct fp_format *f, int *range);

/* The same for mant x 2^exp2 (hexadecimal input): mant nonzero. */
uint64_t fp_from_binary(uint64_t mant, int exp2, int sticky, const struct fp_format *f,
			int *range);

#endif
