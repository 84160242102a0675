/*
 * vmt_multi - one of several copies run at once (`vmos run A --- A --- A`):
 * each fills the same global array, at the same virtual address in every
 * copy, with data derived from its own pid, a slice at a time, yielding the
 * CPU between slices so the copies interleave; then checks that every word
 * still holds its own value (no copy saw another's page), and prints
 *   addr <address of the global>
 *   data <digest of its contents>      (differs between copies: pid-based)
 *   vmt_multi: ok | vmt_multi: FAIL ...
 * tests/kernel/multiproc.sh runs three copies and compares their lines.
 */
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#define WORDS (64 * 1024)          /* 512 KiB: 128 pages */
#define SLICES 32

static volatile uint64_t global[WORDS];

static uint64_t value(uint64_t pid, uint64_t i)
{
	return (pid << 40) ^ (i * 0x9e3779b97f4a7c15ULL);
}

int main(void)
{
	uint64_t pid = (uint64_t)getpid();
	long bad = 0;
	printf("start\n");
	fflush(stdout);
	sched_yield();
	for (int s = 0; s < SLICES; s++) {
		for (int i = s * (WORDS / SLICES); i < (s + 1) * (WORDS / SLICES); i++)
			global[i] = value(pid, (uint64_t)i);
		sched_yield();
		/* everything written so far is still ours */
		for (int i = 0; i < (s + 1) * (WORDS / SLICES); i++)
			bad += global[i] != value(pid, (uint64_t)i);
		sched_yield();
	}
	uint64_t h = 1469598103934665603ULL;
	for (int i = 0; i < WORDS; i++)
		h = (h ^ global[i]) * 1099511628211ULL;
	printf("addr %p\n", (void *)global);
	printf("data %016llx\n", (unsigned long long)h);
	if (bad) {
		printf("vmt_multi: FAIL %ld words changed\n", bad);
		return 1;
	}
	printf("vmt_multi: ok\n");
	return 0;
}
