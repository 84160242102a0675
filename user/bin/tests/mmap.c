/*
 * mmap - anonymous private mappings: zero-filled, readable and writable as
 * asked, distinct from one another, removable in part (munmap of a middle
 * page splits a region), re-protectable (mprotect), placeable with
 * MAP_FIXED, and MADV_DONTNEED zero-fills again.  Error paths: length 0,
 * unaligned addresses, invalid protections/flags -> EINVAL; an impossible
 * size -> ENOMEM.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include "check.h"

#define PG 4096

static void expect_err(const char *what, int ok, int e)
{
	char name[96];
	snprintf(name, sizeof name, "%s fails with errno %d", what, e);
	check_true(name, ok && errno == e);
}

int main(void)
{
	size_t len = 256 * PG;
	unsigned char *a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check_true("mmap 1 MiB", a != MAP_FAILED);
	check_true("mapping is page-aligned", ((uintptr_t)a & (PG - 1)) == 0);
	int nonzero = 0;
	for (size_t i = 0; i < len; i += 64)
		nonzero += a[i] != 0;
	check_u64("fresh mapping is zero (non-zero samples)", (uint64_t)nonzero, 0);
	for (size_t i = 0; i < len; i++)
		a[i] = (unsigned char)(i * 7 + i / PG);
	int bad = 0;
	for (size_t i = 0; i < len; i++)
		bad += a[i] != (unsigned char)(i * 7 + i / PG);
	check_u64("mapping keeps contents (mismatches)", (uint64_t)bad, 0);

	unsigned char *b = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check_true("second mapping", b != MAP_FAILED);
	check_true("mappings do not overlap", b + 16 * PG <= a || b >= a + len);
	memset(b, 0x5a, 16 * PG);
	check_true("writing one leaves the other", a[0] == 0 && a[PG] == (unsigned char)(PG * 7 + 1));

	/* Unmap a middle page: its neighbours stay. */
	check_true("munmap middle page", munmap(a + 100 * PG, PG) == 0);
	check_true("page below the hole intact", a[100 * PG - 1] == (unsigned char)((100 * PG - 1) * 7 + 99));
	check_true("page above the hole intact", a[101 * PG] == (unsigned char)(101 * PG * 7 + 101));

	/* MAP_FIXED into the hole gives a fresh zero page at exactly that address. */
	unsigned char *f = mmap(a + 100 * PG, PG, PROT_READ | PROT_WRITE,
	                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	check_true("MAP_FIXED at the hole", f == a + 100 * PG);
	check_true("MAP_FIXED page is zero", f[0] == 0 && f[PG - 1] == 0);

	/* mprotect: read-only then writable again; contents survive. */
	check_true("mprotect read-only", mprotect(a, 4 * PG, PROT_READ) == 0);
	check_true("read-only pages readable", a[PG] == (unsigned char)(PG * 7 + 1));
	check_true("mprotect read-write", mprotect(a, 4 * PG, PROT_READ | PROT_WRITE) == 0);
	a[PG] = 0xab;
	check_true("writable again", a[PG] == 0xab);

	/* PROT_NONE mapped lazily then upgraded. */
	unsigned char *n = mmap(NULL, 4 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check_true("mmap PROT_NONE", n != MAP_FAILED);
	check_true("mprotect PROT_NONE -> RW", mprotect(n, 4 * PG, PROT_READ | PROT_WRITE) == 0);
	n[3 * PG + 5] = 9;
	check_true("upgraded page usable", n[3 * PG + 5] == 9 && n[0] == 0);

	/* MADV_DONTNEED on a private anonymous mapping zero-fills on next touch. */
	check_true("madvise DONTNEED", madvise(b, 16 * PG, MADV_DONTNEED) == 0);
	check_true("DONTNEED pages read back zero", b[0] == 0 && b[16 * PG - 1] == 0);

	check_true("munmap all of a", munmap(a, len) == 0);
	check_true("munmap already-unmapped range succeeds", munmap(a, len) == 0);
	check_true("munmap b and n", munmap(b, 16 * PG) == 0 && munmap(n, 4 * PG) == 0);

	errno = 0;
	expect_err("mmap length 0", mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED, EINVAL);
	expect_err("mmap without PRIVATE/SHARED", mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED, EINVAL);
	expect_err("MAP_FIXED unaligned", mmap((void *)0x12345001, PG, PROT_READ,
	           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED, EINVAL);
	expect_err("munmap unaligned", munmap((void *)0x12345001, PG) == -1, EINVAL);
	expect_err("munmap length 0", munmap((void *)0x12345000, 0) == -1, EINVAL);
	expect_err("mprotect unaligned", mprotect((void *)0x12345001, PG, PROT_READ) == -1, EINVAL);
	expect_err("mmap 2^50 bytes", mmap(NULL, (size_t)1 << 50, PROT_READ | PROT_WRITE,
	           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED, ENOMEM);
	expect_err("mprotect of unmapped memory", mprotect(a, PG, PROT_READ) == -1, ENOMEM);
	return check_done("mmap");
}
