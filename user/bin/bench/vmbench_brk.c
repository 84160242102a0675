/*
 * vmbench_brk - heap growth through the program break: sbrk in 64 KiB steps
 * up to 64 MiB, writing one byte to every new page (a demand-zero fault
 * each), then sbrk back down to where it started (freeing the frames).
 * ROUNDS rounds; only the growth phases are timed (clock_gettime
 * CLOCK_MONOTONIC), and the figures are time per MiB of heap grown: for
 * the first round ("cold": memory the process never used, which in vmos and
 * in a virtual machine may also be new to the host and cost a host page
 * fault per frame) and the mean of the later rounds ("warm": frames freed
 * by the shrink are recycled).
 * The same source is built for riscv64 (vmos, qemu-riscv64) and natively
 * (bench/native/).  Output, one line of key=value figures for bench/vm.sh:
 *   vmbench_brk: mib=M rounds=R cold_ns=T1 cold_per_mib_ns=T1/M
 *                warm_ns=T2 warm_per_mib_ns=T2/(M*(R-1))
 * Usage: vmbench_brk [MIB [ROUNDS]]   (default 64 MiB, 3 rounds; ROUNDS >= 2)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096L
#define STEP (64L * 1024)

/* now_ns returns CLOCK_MONOTONIC in nanoseconds. */
static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 64;
	long rounds = argc > 2 ? atol(argv[2]) : 3;
	if (mib <= 0 || rounds < 2) {
		fprintf(stderr, "vmbench_brk: MIB must be positive, ROUNDS at least 2\n");
		return 2;
	}
	long total = mib * 1024 * 1024;
	uint64_t cold = 0, warm = 0;
	for (long r = 0; r < rounds; r++) {
		uint64_t t0 = now_ns();
		for (long done = 0; done < total; done += STEP) {
			volatile char *p = sbrk(STEP);
			if (p == (void *)-1) {
				fprintf(stderr, "vmbench_brk: sbrk failed at %ld KiB\n", done / 1024);
				return 1;
			}
			for (long off = 0; off < STEP; off += PAGE)
				p[off] = 1;
		}
		if (r == 0)
			cold = now_ns() - t0;
		else
			warm += now_ns() - t0;
		if (sbrk(-total) == (void *)-1) {
			fprintf(stderr, "vmbench_brk: shrinking the break by %ld MiB failed\n", mib);
			return 1;
		}
	}
	printf("vmbench_brk: mib=%ld rounds=%ld cold_ns=%llu cold_per_mib_ns=%llu warm_ns=%llu "
	       "warm_per_mib_ns=%llu\n",
	       mib, rounds, (unsigned long long)cold, (unsigned long long)(cold / (uint64_t)mib),
	       (unsigned long long)warm, (unsigned long long)(warm / (uint64_t)(mib * (rounds - 1))));
	return 0;
}
