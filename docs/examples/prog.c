/* prog.c - the example of docs/programs.md, "Building outside the tree":
 * built with clang and vmos's libc, or with riscv64-linux-gnu-gcc and glibc. */
#include <stdio.h>
#include <math.h>

int main(int argc, char **argv)
{
	printf("hello from %s: sqrt(2) = %.6f\n", argv[0], sqrt(2.0));
	return argc - 1;
}
