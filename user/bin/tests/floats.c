/*
 * floats.c - floating point through the user libc, for the RV64GC/lp64d ABI:
 * printf's %f %e %g %a with flags, width and precision; strtod and atof
 * round trips; math.h; setjmp/longjmp keeping callee-saved FP registers.
 * The output is also what glibc prints for the same source (the expected
 * file was checked against a host build: see tests/user/expected/floats.*).
 */
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static jmp_buf env;

static void dive(int n)
{
	volatile double keep = n * 1.5;
	if (n == 0)
		longjmp(env, 0);        /* 0 must arrive as 1 */
	dive(n - 1);
	printf("never %f\n", keep);
}

static double jump_keeps_fs_registers(void)
{
	register double a = 1.25, b = -3.5;   /* likely in fs registers */
	volatile int r = setjmp(env);
	if (r == 0) {
		dive(5);
	}
	printf("setjmp returned %d after longjmp(env, 0)\n", r);
	return a * b;
}

int main(void)
{
	static const double v[] = { 0.0, -0.0, 1.0, 0.1, 2.5, -1234.5678, 1e-7, 6.02214076e23,
				    1.7976931348623157e308, 4.9e-324, 0.005, 999999.5 };
	for (unsigned i = 0; i < sizeof v / sizeof *v; i++)
		printf("[%f] [%.3e] [%g] [%a] [%12.4f] [%-+10.2g] [%#.0f] [%.17g]\n",
		       v[i], v[i], v[i], v[i], v[i], v[i], v[i], v[i]);
	printf("[%f] [%e] [%G] [%5.1f] [%F]\n", INFINITY, -INFINITY, NAN, -NAN, INFINITY);
	printf("[%.30f]\n[%.20e]\n", 0.1, 1.0 / 3);
	float f = 3.14159265f;
	printf("float %f %.9g %a\n", f, f, f);
	printf("long double %Lf %.3Le\n", 1.5L, 0.25L);
	printf("%d %.2f %s %e %c\n", 7, 3.14159, "mixed", -2.5e-10, 'q');

	static const char *const in[] = { "3.14159", "1e-5", "-0x1.8p3", "inf", "nan",
					  "2.2250738585072011e-308", "1e400", "  42abc",
					  "0.1000000000000000055511151231257827" };
	for (unsigned i = 0; i < sizeof in / sizeof *in; i++) {
		char *end;
		double d = strtod(in[i], &end);
		printf("strtod(\"%s\") = %a (%.17g), rest \"%s\"\n", in[i], d, d, end);
	}
	printf("atof %g strtof %a\n", atof("6.25e2"), (double)strtof("0.1", NULL));
	for (int i = 0; i < 1000; i++) {        /* round trips */
		double d = (i * 7919 % 1000003) / 997.0 * (i % 2 ? 1e-3 : 1e5);
		char buf[40];
		snprintf(buf, sizeof buf, "%.17g", d);
		if (strtod(buf, NULL) != d) {
			printf("round trip failed: %s\n", buf);
			return 1;
		}
	}
	printf("1000 round trips ok\n");

	printf("sqrt %.15g exp %.15g log %.15g pow %.15g %.15g\n", sqrt(2.0), exp(1.0),
	       log(10.0), pow(2.0, 0.5), pow(10.0, 15.0));
	printf("sin %.15g cos %.15g tan %.15g sin(1e22) %.15g\n", sin(1.0), cos(1.0), tan(0.5),
	       sin(1e22));
	printf("fmod %g %g floor %g %g ceil %g %g fabs %g log10 %.15g log2 %g\n",
	       fmod(10.0, 3.0), fmod(-7.5, 2.0), floor(-2.5), floor(2.5), ceil(-2.5), ceil(2.5),
	       fabs(-3.0), log10(1e-3), log2(1024.0));

	/* a numerics kernel: pi by the Leibniz series, Newton's square root */
	double pi = 0;
	for (int k = 0; k < 100000; k++)
		pi += (k % 2 ? -4.0 : 4.0) / (2 * k + 1);
	double x = 10;
	for (int k = 0; k < 8; k++)
		x = 0.5 * (x + 2 / x);
	printf("leibniz %.17g newton %.17g\n", pi, x);

	printf("after longjmp a*b = %g\n", jump_keeps_fs_registers());
	return 0;
}
