/*
 * holdmem [MiB [YIELDS]] - holds memory while others run: fills MiB of
 * anonymous memory (default 3) with a pattern, gives up the CPU YIELDS
 * times (default 10), then checks every byte it wrote and reports.  Next
 * to a process that exhausts memory, it shows whom the OOM killer picks:
 * holdmem has many resident pages, and must survive a process whose
 * footprint is larger once its page tables are counted.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 3;
	long yields = argc > 2 ? atol(argv[2]) : 10;
	unsigned long len = (unsigned long)mib << 20;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("holdmem: mmap of %ld MiB failed\n", mib);
		return 1;
	}
	for (unsigned long i = 0; i < len; i += 512)
		p[i] = (unsigned char)(i >> 9);
	for (long y = 0; y < yields; y++)
		sched_yield();
	for (unsigned long i = 0; i < len; i += 512)
		if (p[i] != (unsigned char)(i >> 9)) {
			printf("holdmem: byte %lu changed\n", i);
			return 1;
		}
	printf("holdmem: %ld MiB intact\n", mib);
	return 0;
}
