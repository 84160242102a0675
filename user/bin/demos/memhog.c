/*
 * memhog [MiB] - touches ever more anonymous memory (default: without
 * limit, 1 MiB at a time) and reports how far it got.  Under a small --ram
 * vmos's out-of-memory killer ends it (SIGKILL, status 137) and the other
 * processes finish.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long limit = argc > 1 ? atol(argv[1]) : -1;
	long mib = 0;
	while (limit < 0 || mib < limit) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			printf("memhog: mmap failed after %ld MiB\n", mib);
			return 1;
		}
		for (long i = 0; i < (1 << 20); i += 4096)
			p[i] = (char)i;
		mib++;
	}
	printf("memhog: touched %ld MiB\n", mib);
	return 0;
}
