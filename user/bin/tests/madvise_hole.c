/*
 * madvise_hole - madvise(MADV_DONTNEED) over a range with a hole: Linux
 * drops every mapped page of the range (private anonymous pages read back
 * as zero) and then reports the hole with ENOMEM.  Found by the
 * differential memory fuzzer's model check (diff_memfuzz seed 20): vmos
 * returned ENOMEM without dropping anything.  (Not run under qemu-riscv64:
 * qemu-user 7.2 ignores madvise and returns 0.)
 */
#include <errno.h>
#include <sys/mman.h>
#include "check.h"

#define PG 4096

int main(void)
{
	unsigned char *p = mmap(0, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);
	if (!check_true("mmap 4 pages", p != MAP_FAILED))
		return check_done("madvise_hole");
	for (int i = 0; i < 4; i++)
		p[i * PG] = (unsigned char)(i + 1);
	check_true("munmap the third page", munmap(p + 2 * PG, PG) == 0);
	int r = madvise(p, 4 * PG, MADV_DONTNEED);
	check_true("madvise over the hole fails with ENOMEM", r == -1 && errno == ENOMEM);
	check_u64("page 0 dropped (reads zero)", p[0], 0);
	check_u64("page 1 dropped (reads zero)", p[PG], 0);
	check_u64("page 3, after the hole, dropped too", p[3 * PG], 0);
	check_true("madvise of the unmapped page alone fails with ENOMEM",
		   madvise(p + 2 * PG, PG, MADV_DONTNEED) == -1 && errno == ENOMEM);
	p[PG] = 9;
	check_true("madvise of a mapped range succeeds", madvise(p, 2 * PG, MADV_DONTNEED) == 0);
	check_u64("and drops it", p[PG], 0);
	return check_done("madvise_hole");
}
