/*
 * vmbench_file - reading a file with read() and through mmap, timed inside
 * the program (CLOCK_MONOTONIC), in ns per 4 KiB page, for bench/pagecache.sh.
 * The same source runs under vmos, under qemu-riscv64 and natively
 * (bench/native/vmbench_file.c, host cc -O2).
 *
 *   vmbench_file FILE
 *
 * Passes, in this order, each over the whole file:
 *   mmap-first   mmap, touch one byte per page (the first touch: under vmos a
 *                page-cache miss, the page read in; natively the host's page
 *                cache is warm already, so a minor fault)
 *   mmap-again   munmap, mmap again, touch again (page-cache hits: the frames
 *                are cached, only mapped)
 *   read         read() in 64 KiB chunks
 *   read-again   read() again
 * Prints "pass ns_per_page" lines and a checksum that must agree between
 * engines.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PG 4096

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static unsigned char chunk[65536];

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: vmbench_file FILE\n");
		return 2;
	}
	int fd = open(argv[1], O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < PG) {
		fprintf(stderr, "vmbench_file: cannot open %s\n", argv[1]);
		return 1;
	}
	uint64_t pages = (uint64_t)st.st_size / PG, sum = 0;
	for (int pass = 0; pass < 2; pass++) {
		uint64_t t0 = now_ns();
		volatile unsigned char *m = mmap(NULL, pages * PG, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED) {
			fprintf(stderr, "vmbench_file: mmap failed\n");
			return 1;
		}
		for (uint64_t i = 0; i < pages; i++)
			sum += m[i * PG + (i & 1023)];
		munmap((void *)m, pages * PG);
		printf("%s %llu\n", pass ? "mmap-again" : "mmap-first",
		       (unsigned long long)((now_ns() - t0) / pages));
	}
	for (int pass = 0; pass < 2; pass++) {
		uint64_t t0 = now_ns();
		lseek(fd, 0, SEEK_SET);
		long n;
		uint64_t got = 0;
		while ((n = read(fd, chunk, sizeof chunk)) > 0) {
			for (long i = 0; i < n; i += PG)
				sum += chunk[i];
			got += (uint64_t)n;
		}
		printf("%s %llu\n", pass ? "read-again" : "read",
		       (unsigned long long)((now_ns() - t0) / (got / PG ? got / PG : 1)));
	}
	printf("checksum %llu\n", (unsigned long long)sum);
	return 0;
}
