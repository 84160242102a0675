/* hello - the README demo: greets, then lists its arguments.  Exit 0. */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello, world\n");
	printf("argc = %d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d] = \"%s\"\n", i, i == 0 ? "hello" : argv[i]);
	return 0;
}
