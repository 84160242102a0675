/* hello - the smallest glibc program: start-up, stdio, exit.  Also the
 * program bench/glibc.sh times. */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello from glibc, argc %d, %s\n", argc, argc > 1 ? argv[1] : "no arguments");
	return 0;
}
