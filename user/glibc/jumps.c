/* jumps - setjmp/longjmp, sigsetjmp without signals: the callee-saved
 * integer and floating-point registers (s0-s11, fs0-fs11) survive. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;
static volatile int depth;

static void dive(int n, double f)
{
	volatile double here = f * 1.5;
	depth = n;
	if (n == 50)
		longjmp(env, n + (int)here % 7);
	if (n < 1000)
		dive(n + 1, here / 1.25);
}

int main(void)
{
	register double keep1 = 1.25, keep2 = -3.5;
	volatile int count = 0;
	int r = setjmp(env);
	count++;
	if (r == 0) {
		dive(0, 2.0);
		puts("not reached");
		return 1;
	}
	printf("longjmp returned %d after depth %d, setjmp returned %d times\n", r, depth, count);
	printf("callee-saved doubles %.17g %.17g\n", keep1, keep2);
	sigjmp_buf senv;
	volatile int again = 0;
	if (sigsetjmp(senv, 1) == 0) {
		again++;
		siglongjmp(senv, 9);
	}
	printf("siglongjmp ok, %d\n", again);
	jmp_buf zero;
	if ((r = setjmp(zero)) == 0)
		longjmp(zero, 0);       /* longjmp(…, 0) makes setjmp return 1 */
	printf("longjmp with 0 gives %d\n", r);
	return 0;
}
