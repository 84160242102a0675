/* exit0 - calls exit(0) explicitly after printing; expected status 0. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("exit0: calling exit(0)\n");
	exit(0);
}
