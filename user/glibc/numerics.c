/* numerics - double and float arithmetic printed with %.17g: sqrt, fma,
 * libm's transcendental functions, conversions, the four rounding modes
 * (fesetround changes frm) and the exception flags (fflags). */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

static double series_pi(int n)          /* Leibniz, in order */
{
	double s = 0;
	for (int k = 0; k < n; k++)
		s += (k & 1 ? -4.0 : 4.0) / (2 * k + 1);
	return s;
}

int main(void)
{
	volatile double x = 2.0, y = 3.0, t = 0.1;
	printf("sqrt(2) %.17g\n", sqrt(x));
	printf("sqrtf(2) %.9g\n", (double)sqrtf((float)x));
	printf("fma(0.1, 10, -1) %.17g vs %.17g\n", fma(t, 10.0, -1.0), t * 10.0 - 1.0);
	printf("exp %.17g log %.17g pow %.17g\n", exp(y), log(y), pow(x, 0.5));
	printf("sin %.17g cos %.17g tan %.17g atan2 %.17g\n", sin(y), cos(y), tan(y), atan2(y, x));
	printf("cbrt %.17g hypot %.17g expm1 %.17g log1p %.17g\n", cbrt(y), hypot(x, y), expm1(t), log1p(t));
	printf("floor %.17g ceil %.17g round %.17g trunc %.17g rint %.17g\n", floor(-2.5), ceil(-2.5),
	       round(-2.5), trunc(-2.5), rint(-2.5));
	printf("pi by 1e6 terms %.17g\n", series_pi(1000000));
	printf("fmin %.17g fmax %.17g copysign %.17g fabs %.17g\n", fmin(x, y), fmax(x, y),
	       copysign(y, -1.0), fabs(-y));

	/* conversions */
	volatile double big = 1e19, neg = -3.7, half = 2.5;
	printf("(int64) %lld (uint64) %llu (int32) %d (uint32) %u\n", (long long)neg,
	       (unsigned long long)big, (int)neg, (unsigned)half);
	printf("(double) int64 max %.17g uint64 max %.17g\n", (double)INT64_MAX, (double)UINT64_MAX);
	printf("lrint(2.5) %ld llround(-2.5) %lld\n", lrint(half), llround(-half));

	/* rounding modes */
	static const int modes[] = { FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO };
	static const char *const names[] = { "nearest", "down", "up", "zero" };
	for (int i = 0; i < 4; i++) {
		fesetround(modes[i]);
		volatile double one = 1.0, three = 3.0, mthree = -3.0;
		volatile float fone = 1.0f, fthree = 3.0f;
		printf("%-7s 1/3 %.17g -1/3 %.17g f %.9g rint(2.5) %.17g sqrt(3) %.17g\n", names[i],
		       one / three, one / mthree, (double)(fone / fthree), rint(half), sqrt(three));
	}
	fesetround(FE_TONEAREST);

	/* exception flags */
	feclearexcept(FE_ALL_EXCEPT);
	volatile double zero = 0.0, tiny = 1e-308;
	volatile double r = 1.0 / zero;
	printf("1/0: divbyzero %d (r %g)\n", fetestexcept(FE_DIVBYZERO) != 0, r);
	feclearexcept(FE_ALL_EXCEPT);
	r = zero / zero;
	printf("0/0: invalid %d\n", fetestexcept(FE_INVALID) != 0);
	feclearexcept(FE_ALL_EXCEPT);
	r = tiny * tiny;
	printf("tiny*tiny: underflow %d inexact %d (r %g)\n", fetestexcept(FE_UNDERFLOW) != 0,
	       fetestexcept(FE_INEXACT) != 0, r);
	feclearexcept(FE_ALL_EXCEPT);
	r = 1.0 + 1.0;
	printf("1+1: any flag %d\n", fetestexcept(FE_ALL_EXCEPT) != 0);

	/* a float matrix product */
	float a[8][8], b[8][8], c[8][8];
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 8; j++)
			a[i][j] = (float)(i + 1) / (float)(j + 2), b[i][j] = (float)(i * j) * 0.125f - 1.0f;
	double trace = 0;
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 8; j++) {
			c[i][j] = 0;
			for (int k = 0; k < 8; k++)
				c[i][j] += a[i][k] * b[k][j];
			trace += i == j ? c[i][j] : 0;
		}
	printf("float matrix trace %.9g c[7][7] %.9g\n", trace, (double)c[7][7]);
	return 0;
}
