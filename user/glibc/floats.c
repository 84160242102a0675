/* floats - printf of floats and doubles in every conversion glibc has,
 * special values included: the FPU and glibc's printf together. */
#include <float.h>
#include <math.h>
#include <stdio.h>

static const double doubles[] = {
	0.0, -0.0, 1.0, -1.5, 0.1, 1.0 / 3.0, 2.0 / 3.0, 123456789.125, 1e-300, 1e300,
	DBL_MIN, DBL_MAX, DBL_EPSILON, 4.9406564584124654e-324, 3.141592653589793,
	2.718281828459045, 1e15 + 0.3, 0.5, 2.5, -2.5, 1e21, 1e22, 9007199254740993.0,
};
static const float floats[] = {
	0.0f, 1.0f, 0.1f, 1.0f / 3.0f, 16777217.0f, FLT_MIN, FLT_MAX, FLT_EPSILON, 1.4e-45f, -7.25f,
};

int main(void)
{
	for (unsigned i = 0; i < sizeof doubles / sizeof doubles[0]; i++) {
		double d = doubles[i];
		printf("%u: %f | %e | %g | %.17g | %a | %.3f | %10.2e | %-12.5g|\n", i, d, d, d, d, d, d, d, d);
	}
	for (unsigned i = 0; i < sizeof floats / sizeof floats[0]; i++) {
		float f = floats[i];
		printf("f%u: %f | %e | %g | %.9g | %a\n", i, f, f, f, f, f);
	}
	volatile double zero = 0.0;
	printf("inf %f %e %g, -inf %F, nan %f %G\n", 1.0 / zero, 1.0 / zero, 1.0 / zero, -1.0 / zero,
	       zero / zero, zero / zero);
	printf("rounding: %.0f %.0f %.0f %.0f %.1f %.2f\n", 0.5, 1.5, 2.5, -0.5, 0.25, 1.005);
	float sum = 0;
	for (int i = 1; i <= 1000; i++)
		sum += 1.0f / (float)i;
	printf("harmonic(1000) in float: %.9g\n", sum);
	return 0;
}
