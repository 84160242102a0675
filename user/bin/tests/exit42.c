/* exit42 - exit(42) from a nested call; the code after it must not run.
 * Expected status 42. */
#include <stdio.h>
#include <stdlib.h>

static void leave(int code)
{
	printf("exit42: calling exit(%d)\n", code);
	exit(code);
}

int main(void)
{
	leave(42);
	printf("exit42: NOT REACHED\n");
	return 1;
}
