/*
 * libc_float_test.c - the user libc's floating-point formatting (printf's
 * %e %f %g %a) and input (strtod, strtof), compiled for the host and compared
 * byte for byte and bit for bit with glibc's on hundreds of thousands of
 * values: random bit patterns (subnormals, huge and tiny values included),
 * short decimals, and the exact halfway points between neighbouring doubles,
 * where a conversion that is not exact rounds the wrong way.
 *
 * The user sources are included here with their public names renamed (u_*),
 * so they sit beside the host's libc in one program.
 */
#include "test.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

/* glibc's side, before the renames below */
static int host_fmt(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}
static double host_strtod(const char *s, char **end) { return strtod(s, end); }
static float host_strtof(const char *s, char **end) { return strtof(s, end); }

#define vsnprintf u_vsnprintf
#define vsprintf u_vsprintf
#define vfprintf u_vfprintf
#define vprintf u_vprintf
#define snprintf u_snprintf
#define sprintf u_sprintf
#define printf u_printf
#define fprintf u_fprintf
#define dprintf u_dprintf
#define strtod u_strtod
#define strtof u_strtof
#define atof u_atof
#include "../../user/lib/fp_decimal.c"
#include "../../user/lib/printf.c"
#include "../../user/lib/strtod.c"
#undef snprintf
#undef strtod
#undef strtof

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double from_bits(uint64_t b) { double d; memcpy(&d, &b, sizeof d); return d; }
static uint64_t to_bits(double d) { uint64_t b; memcpy(&b, &d, sizeof b); return b; }

/* A random double: any bit pattern, or one biased to small exponents and
 * short mantissas (values like 0.125, 1e5, 2.5) where ties are common. */
static double random_double(void)
{
	uint64_t r = next64();
	switch (r % 4) {
	case 0: return from_bits(next64());
	case 1: return from_bits(next64() & 0x800fffffffffffffULL);         /* subnormal */
	case 2: return (double)(int64_t)(next64() % 2000001 - 1000000) / (double)(1 << (r >> 8) % 12);
	default: return ldexp((double)(next64() >> 40), (int)(next64() % 120) - 60);
	}
}

static int compare_fmt(const char *fmt, double v)
{
	char want[2048], got[2048];
	int rw = host_fmt(want, sizeof want, fmt, v);
	int rg = u_snprintf(got, sizeof got, fmt, v);
	if (rw != rg || strcmp(want, got)) {
		test_fail(__FILE__, __LINE__, "format \"%s\" of %a: glibc \"%s\" (%d), ours \"%s\" (%d)",
			  fmt, v, want, rw, got, rg);
		return 0;
	}
	return 1;
}

TEST(printf_floats_match_glibc_on_random_values)
{
	static const char *const fmts[] = {
		"%e", "%f", "%g", "%a", "%E", "%F", "%G", "%A", "%.0e", "%.0f", "%.0g", "%.1g",
		"%.3e", "%.17g", "%.20f", "%.16e", "%#g", "%#.0f", "%#.0e", "%#.3g", "%+010.4f",
		"%-14.3e|", "% g", "%015g", "%.3a", "%.0a", "%#a", "%.13a", "%.20a", "%012.2a",
		"%.40e", "%.60f", "%25.10g", "%-+9.2f|",
	};
	int bad = 0;
	for (int i = 0; i < 20000 && bad < 10; i++) {
		double v = random_double();
		for (size_t f = 0; f < sizeof fmts / sizeof *fmts && bad < 10; f++)
			bad += !compare_fmt(fmts[f], v);
	}
	CHECK(bad == 0);
}

TEST(printf_floats_special_values_and_huge_precision)
{
	const double vals[] = { 0.0, -0.0, INFINITY, -INFINITY, NAN, -NAN, DBL_MAX, DBL_MIN,
				DBL_TRUE_MIN, -DBL_TRUE_MIN, 0.5, 1.5, 2.5, 0.125, 1e22, 1e23, 9.5,
				0.05, 0.005, 999999.5, 9.9999995, 123456789012345678.0, 1e-300 };
	static const char *const fmts[] = { "%f", "%e", "%g", "%a", "%.0f", "%.1f", "%.2f",
					    "%.0e", "%10.3f", "%-10g|", "%010f", "%+e",
					    "%.1100f", "%.800e", "%.350g", "%#.10g" };
	for (size_t i = 0; i < sizeof vals / sizeof *vals; i++)
		for (size_t f = 0; f < sizeof fmts / sizeof *fmts; f++)
			compare_fmt(fmts[f], vals[i]);
}

TEST(printf_mixed_arguments_are_consumed_in_order)
{
	char got[256];
	/* a double between integers: every argument is consumed in order */
	u_snprintf(got, sizeof got, "%d %.2f %s %e %c", 7, 3.14159, "x", -2.5e-10, 'q');
	CHECK_STR(got, "7 3.14 x -2.500000e-10 q");
	int n1 = 0;
	long n2 = 0;
	u_snprintf(got, sizeof got, "%g%n|%5.1f%ln", 0.5, &n1, 2.25, &n2);
	CHECK_STR(got, "0.5|  2.2");
	CHECK(n1 == 3 && n2 == 9);
}

TEST(printf_unknown_conversion_fails_loudly)
{
	char buf[64];
	const char *fmt = "a %d %y %d";     /* built at run time in real use */
	errno = 0;
	int r = u_snprintf(buf, sizeof buf, fmt, 1, 2);
	CHECK(r == -1);
	CHECK(errno == EINVAL);
	CHECK_STR(buf, "a 1 ");     /* nothing after the bad directive */
	CHECK(u_snprintf(buf, sizeof buf, "%", 1) == -1);
}

static void compare_strtod(const char *s)
{
	char *ew, *eg;
	errno = 0;
	double w = host_strtod(s, &ew);
	int errw = errno;
	errno = 0;
	double g = u_strtod(s, &eg);
	int errg = errno;
	if (to_bits(w) != to_bits(g) || ew != eg || errw != errg)
		test_fail(__FILE__, __LINE__, "strtod(\"%.80s\"): glibc %a (+%d, errno %d), ours %a (+%d, errno %d)",
			  s, w, (int)(ew - s), errw, g, (int)(eg - s), errg);
	float wf = host_strtof(s, &ew), gf = u_strtof(s, &eg);
	uint32_t bw, bg;
	memcpy(&bw, &wf, 4);
	memcpy(&bg, &gf, 4);
	if (bw != bg || ew != eg)
		test_fail(__FILE__, __LINE__, "strtof(\"%.80s\"): glibc %a, ours %a", s, (double)wf,
			  (double)gf);
}

TEST(strtod_round_trips_and_matches_glibc)
{
	char buf[2048];
	for (int i = 0; i < 30000 && test_failures < 10; i++) {
		double v = random_double();
		if (isnan(v))
			continue;
		host_fmt(buf, sizeof buf, "%.17g", v);
		CHECK_EQ(to_bits(u_strtod(buf, NULL)), to_bits(v));
		compare_strtod(buf);
		host_fmt(buf, sizeof buf, "%.25e", v);
		compare_strtod(buf);
		host_fmt(buf, sizeof buf, "%a", v);
		compare_strtod(buf);
		/* a random decimal string: digits, point, exponent */
		int nd = 1 + (int)(next64() % 40), n = 0;
		if (next64() & 1)
			buf[n++] = '-';
		for (int d = 0; d < nd; d++) {
			if (d == nd / 2 && (next64() & 1))
				buf[n++] = '.';
			buf[n++] = (char)('0' + next64() % 10);
		}
		n += sprintf(buf + n, "e%d", (int)(next64() % 700) - 350);
		compare_strtod(buf);
	}
}

TEST(strtod_exact_halfway_points_round_to_even)
{
	/* The midpoint between a double and its successor, written out exactly
	 * (x87's long double holds it), then nudged by a trailing digit. */
	char buf[4096];
	for (int i = 0; i < 3000 && test_failures < 10; i++) {
		double v = fabs(random_double());
		if (!isfinite(v) || !isfinite(nextafter(v, INFINITY)))
			continue;
		long double mid = ((long double)v + (long double)nextafter(v, INFINITY)) / 2;
		host_fmt(buf, sizeof buf - 4, "%.1100Le", mid);
		char *e = strchr(buf, 'e');
		char *z = e;                  /* strip the mantissa's trailing zeros */
		while (z[-1] == '0')
			z--;
		memmove(z, e, strlen(e) + 1);
		compare_strtod(buf);
		/* just above the midpoint: a 1 far down */
		e = strchr(buf, 'e');
		memmove(e + 3, e, strlen(e) + 1);
		memcpy(e, "001", 3);
		compare_strtod(buf);
	}
}

TEST(strtod_special_inputs)
{
	static const char *const in[] = {
		"inf", "-INF", "Infinity", "infinit", "nan", "-nan", "NaN(123abc)", "nan(", "  42",
		"+.5", "-.e1", ".", "1e", "1e+", "0x", "0x1p", "0x1.8p3", "0X.8P-1", "0x1p-1075",
		"0x1.fffffffffffff8p1023", "1e400", "-1e-400", "4.9e-324", "2.4703282292062328e-324",
		"2.4703282292062327e-324", "1.7976931348623158e308", "1.7976931348623159e308",
		"0.000000000000000000000000000000001e33", "123456789012345678901234567890",
		"2.2250738585072011e-308", "2.2250738585072012e-308", "00000.00001", "1_000",
		"3.4028235e38", "3.4028236e38", "1.4e-45", "7e-46",
	};
	for (size_t i = 0; i < sizeof in / sizeof *in; i++)
		compare_strtod(in[i]);
	/* 1000 digits: the tail decides (sticky) */
	char buf[1100];
	buf[0] = '1';
	buf[1] = '.';
	memset(buf + 2, '0', 1000);
	strcpy(buf + 1002, "1e-300");
	compare_strtod(buf);
}
