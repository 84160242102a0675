/*
 * libc_math_test.c - the user libc's math.c compiled for the host and
 * compared with glibc's libm: exact functions bit for bit, the others
 * within one unit in the last place (two for pow and tan), on random and
 * special arguments, including huge arguments to sin and cos, whose exact
 * reduction is the hard part, and the C11 Annex F special cases of pow.
 */
#include "test.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

static double (*const host_f1[])(double) = { sqrt, fabs, floor, ceil, trunc, round,
	exp, log, log2, log10, sin, cos, tan };
static double host_fmod(double x, double y) { return fmod(x, y); }
static double host_pow(double x, double y) { return pow(x, y); }

#define sqrt u_sqrt
#define fabs u_fabs
#define copysign u_copysign
#define trunc u_trunc
#define floor u_floor
#define ceil u_ceil
#define round u_round
#define fmod u_fmod
#define exp u_exp
#define log u_log
#define log2 u_log2
#define log10 u_log10
#define pow u_pow
#define sin u_sin
#define cos u_cos
#define tan u_tan
#include "../../user/lib/math.c"
#undef sqrt
#undef fabs
#undef floor
#undef ceil
#undef trunc
#undef round
#undef exp
#undef log
#undef log2
#undef log10
#undef sin
#undef cos
#undef tan
#undef fmod
#undef pow

static double (*const ours_f1[])(double) = { u_sqrt, u_fabs, u_floor, u_ceil, u_trunc, u_round,
	u_exp, u_log, u_log2, u_log10, u_sin, u_cos, u_tan };
static const char *const names[] = { "sqrt", "fabs", "floor", "ceil", "trunc", "round",
	"exp", "log", "log2", "log10", "sin", "cos", "tan" };
/* allowed distance in ulps from glibc (whose log10 and tan are themselves
 * up to about 1.5 ulps off: ours was checked against exact values there) */
static const int tol[] = { 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 1, 1, 2 };

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static uint64_t next64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* distance in ulps between two doubles (0 when both are NaN) */
static uint64_t ulps(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b) ? 0 : UINT64_MAX;
	int64_t ia, ib;
	memcpy(&ia, &a, 8);
	memcpy(&ib, &b, 8);
	if (ia < 0) ia = INT64_MIN - ia;
	if (ib < 0) ib = INT64_MIN - ib;
	return ia > ib ? (uint64_t)(ia - ib) : (uint64_t)(ib - ia);
}

static double arg(int kind)
{
	uint64_t r = next64();
	double d;
	switch (kind % 5) {
	case 0: memcpy(&d, &r, 8); return d;                          /* anything */
	case 1: return ldexp((double)(r >> 11), -53) * 20 - 10;        /* [-10, 10) */
	case 2: return ldexp((double)(r >> 11), (int)(next64() % 200) - 153);
	case 3: return ldexp((double)(r >> 11), -53) * 1420 - 710;     /* exp's range */
	default: return (double)(int64_t)(r % 4001) - 2000 + ldexp((double)(next64() >> 40), -30);
	}
}

static int check1(size_t f, double x)
{
	double w = host_f1[f](x), g = ours_f1[f](x);
	uint64_t u = ulps(w, g);
	if (u > (uint64_t)tol[f] || (w == 0 && g == 0 && signbit(w) != signbit(g))) {
		test_fail(__FILE__, __LINE__, "%s(%a): glibc %a, ours %a (%llu ulps)", names[f], x,
			  w, g, (unsigned long long)u);
		return 0;
	}
	return 1;
}

TEST(one_argument_functions_match_glibc)
{
	int bad = 0;
	for (size_t f = 0; f < sizeof names / sizeof *names; f++)
		for (int i = 0; i < 60000 && bad < 20; i++)
			bad += !check1(f, arg(i));
	CHECK(bad == 0);
}

TEST(special_arguments)
{
	const double sp[] = { 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -2.5, 2.5, INFINITY, -INFINITY,
		NAN, DBL_MAX, -DBL_MAX, DBL_MIN, DBL_TRUE_MIN, 709.782712893384, 709.79, -745.13,
		-745.14, -708.4, M_PI, M_PI_2, -M_PI_2, 1e22, 0x1p1023,
		0x1.fffffffffffffp51, 0x1p52, 4503599627370495.5, -4503599627370495.5, 1e-310 };
	for (size_t f = 0; f < sizeof names / sizeof *names; f++)
		for (size_t i = 0; i < sizeof sp / sizeof *sp; i++)
			check1(f, sp[i]);
}

/* The double closest to a multiple of pi/2 (x mod pi/2 is about 2^-61):
 * the reduction needs about 120 bits of pi.  The expected values come from
 * exact rational arithmetic (pi from Machin's formula to 3000 bits); glibc
 * 2.36 on x86-64 is 8 ulps off here, so it is no reference. */
TEST(sin_cos_of_the_hardest_argument)
{
	double x = 6381956970095103.0 * 0x1p797;
	CHECK(u_cos(x) == -0x1.14ae72e6ba22fp-61);
	CHECK(u_sin(x) == 1.0 || u_sin(x) == 0x1.fffffffffffffp-1);
	CHECK(u_cos(-x) == -0x1.14ae72e6ba22fp-61);
}

TEST(fmod_is_exact)
{
	int bad = 0;
	for (int i = 0; i < 100000 && bad < 10; i++) {
		double x = arg(i), y = arg(i + 1 + (int)(next64() % 4));
		double w = host_fmod(x, y), g = u_fmod(x, y);
		if (ulps(w, g) || signbit(w) != signbit(g)) {
			test_fail(__FILE__, __LINE__, "fmod(%a, %a): glibc %a, ours %a", x, y, w, g);
			bad++;
		}
	}
	const double sp[] = { 0.0, -0.0, INFINITY, -INFINITY, NAN, 1.0, -3.0, DBL_TRUE_MIN, DBL_MAX };
	for (size_t i = 0; i < 9; i++)
		for (size_t j = 0; j < 9; j++) {
			double w = host_fmod(sp[i], sp[j]), g = u_fmod(sp[i], sp[j]);
			if (ulps(w, g) || (!isnan(w) && signbit(w) != signbit(g)))
				test_fail(__FILE__, __LINE__, "fmod(%a, %a): glibc %a, ours %a", sp[i], sp[j], w, g);
		}
	CHECK(bad == 0);
}

TEST(pow_matches_glibc_and_annex_f)
{
	int bad = 0;
	for (int i = 0; i < 100000 && bad < 10; i++) {
		double x = i % 3 ? fabs(arg(i)) : arg(i), y;
		switch (i % 4) {
		case 0: y = (double)(int)(next64() % 41) - 20; break;
		case 1: y = arg(1) / 4; break;
		case 2: y = ldexp((double)(next64() >> 11), -53) * 4 - 2; break;
		default: y = arg(i + 2);
		}
		double w = host_pow(x, y), g = u_pow(x, y);
		if (ulps(w, g) > 1 || (w == 0 && signbit(w) != signbit(g))) {
			test_fail(__FILE__, __LINE__, "pow(%a, %a): glibc %a, ours %a", x, y, w, g);
			bad++;
		}
	}
	const double sp[] = { 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, 0.25, INFINITY,
		-INFINITY, NAN, 1e308, 1e-308, 1024, -1075, 0x1p53, 0x1p53 + 2 };
	for (size_t i = 0; i < sizeof sp / sizeof *sp; i++)
		for (size_t j = 0; j < sizeof sp / sizeof *sp; j++) {
			double w = host_pow(sp[i], sp[j]), g = u_pow(sp[i], sp[j]);
			if (ulps(w, g) > 1 || (!isnan(w) && signbit(w) != signbit(g)))
				test_fail(__FILE__, __LINE__, "pow(%a, %a): glibc %a, ours %a", sp[i], sp[j], w, g);
		}
	/* exact powers stay exact */
	CHECK(u_pow(2, 10) == 1024);
	CHECK(u_pow(10, 15) == 1e15);
	CHECK(u_pow(10, 22) == 1e22);
	CHECK(u_pow(2, -3) == 0.125);
	CHECK(u_pow(-1.5, 3) == -3.375);
	CHECK(bad == 0);
}
