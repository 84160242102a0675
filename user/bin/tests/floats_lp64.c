// abi: lp64
/*
 * floats_lp64.c - the soft-float ABI (rv64imac, lp64) still works: built
 * against the soft-float libc, whose printf and strtod convert in integer
 * arithmetic.  Doubles are passed in integer registers here.
 */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("%.3f %e %g %a\n", 3.14159, 1e-5, 123456789.0, 0.1);
	double d = strtod("2.5e-3", NULL);
	printf("%g %.17g\n", d, d);
	return 0;
}
