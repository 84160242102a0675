/*
 * readfile - reads a file in the orders that matter to read-ahead and
 * prints what it read as a checksum, for tests/kernel/readahead.sh (which
 * compares the output across read-ahead settings, memory sizes and
 * qemu-riscv64, and the page-cache counters of --stats-json):
 *
 *   readfile seq FILE CHUNK     read() from start to end, CHUNK bytes a call
 *   readfile mmap FILE          mmap the whole file, read every byte; the
 *                               bytes past the end in the last page are zero
 *   readfile back FILE          pread() one page at a time from the last
 *                               page to the first
 *   readfile rand FILE N SEED   N pread()s of 1..9000 bytes at pseudo-random
 *                               offsets (a fixed LCG: the same on every run)
 *
 * Output: "MODE: size S, read R bytes, fnv1a H" (H over the bytes in the
 * order they were read), and for mmap "tail zeros: yes|no".
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PG 4096

static uint64_t hash = 0xcbf29ce484222325ull, total;

static void eat(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		hash ^= p[i];
		hash *= 0x100000001b3ull;
	}
	total += n;
}

static unsigned char buf[65536];

static int fail(const char *what)
{
	printf("readfile: %s failed\n", what);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		printf("usage: readfile seq|mmap|back|rand FILE [CHUNK | N SEED]\n");
		return 2;
	}
	const char *mode = argv[1];
	int fd = open(argv[2], O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return fail("open");
	uint64_t size = (uint64_t)st.st_size;
	if (!strcmp(mode, "seq") && argc == 4) {
		size_t chunk = (size_t)atol(argv[3]);
		if (chunk == 0 || chunk > sizeof buf)
			return fail("chunk size");
		ssize_t r;
		while ((r = read(fd, buf, chunk)) > 0)
			eat(buf, (size_t)r);
		if (r < 0)
			return fail("read");
	} else if (!strcmp(mode, "mmap")) {
		size_t len = (size + PG - 1) / PG * PG;
		const unsigned char *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED)
			return fail("mmap");
		eat(m, size);
		int zeros = 1;
		for (size_t i = size; i < len; i++)
			zeros &= m[i] == 0;
		printf("tail zeros: %s\n", zeros ? "yes" : "no");
		munmap((void *)m, len);
	} else if (!strcmp(mode, "back")) {
		for (uint64_t pg = (size + PG - 1) / PG; pg-- > 0;) {
			ssize_t r = pread(fd, buf, PG, (off_t)(pg * PG));
			if (r < 0)
				return fail("pread");
			eat(buf, (size_t)r);
		}
	} else if (!strcmp(mode, "rand") && argc == 5) {
		long n = atol(argv[3]);
		uint64_t x = (uint64_t)atol(argv[4]);
		for (long i = 0; i < n; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			uint64_t off = (x >> 20) % (size + 1);
			size_t len = 1 + (size_t)((x >> 8) % 9000);
			ssize_t r = pread(fd, buf, len, (off_t)off);
			if (r < 0)
				return fail("pread");
			eat(buf, (size_t)r);
		}
	} else {
		printf("readfile: unknown mode or arguments: %s\n", mode);
		return 2;
	}
	printf("%s: size %llu, read %llu bytes, fnv1a %016llx\n", mode, (unsigned long long)size,
	       (unsigned long long)total, (unsigned long long)hash);
	close(fd);
	return 0;
}
