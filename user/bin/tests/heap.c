/*
 * heap - the program break (brk/sbrk): it starts at or after the end of bss
 * (the linker's _end), grows in place with zero-filled memory, keeps what
 * is written, shrinks, and comes back zero-filled after a shrink (Linux
 * unmaps whole pages above the new break).  An impossible request fails
 * with ENOMEM and leaves the break where it was.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include "check.h"

extern char _end[];

#define MiB (1024 * 1024)

int main(void)
{
	char *b0 = sbrk(0);
	check_true("initial break >= _end", (uintptr_t)b0 >= (uintptr_t)_end);
	check_true("initial break within 16 MiB of _end", (uintptr_t)b0 - (uintptr_t)_end < 16 * MiB);

	char *p = sbrk(4 * MiB);
	check_true("sbrk(4 MiB) returns the old break", p == b0);
	check_true("break moved by 4 MiB", (char *)sbrk(0) == b0 + 4 * MiB);
	int nonzero = 0;
	for (long i = 0; i < 4 * MiB; i += 512)
		nonzero += p[i] != 0;
	check_u64("new heap is zero-filled (non-zero samples)", (uint64_t)nonzero, 0);
	for (long i = 0; i < 4 * MiB; i += 8)
		*(uint64_t *)(p + i) = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
	int bad = 0;
	for (long i = 0; i < 4 * MiB; i += 8)
		bad += *(uint64_t *)(p + i) != (uint64_t)i * 0x9e3779b97f4a7c15ULL;
	check_u64("heap keeps its contents (mismatches)", (uint64_t)bad, 0);

	/* Shrink by 2 MiB (page-aligned relative to a page-aligned break is not
	 * guaranteed, so compare from the next page boundary), grow back. */
	check_true("sbrk(-2 MiB) returns the old break", sbrk(-2 * MiB) == p + 4 * MiB);
	check_true("break moved down", (char *)sbrk(0) == p + 2 * MiB);
	check_true("sbrk(+2 MiB) again", sbrk(2 * MiB) == p + 2 * MiB);
	char *first_page = (char *)(((uintptr_t)(p + 2 * MiB) + 4095) & ~(uintptr_t)4095);
	nonzero = 0;
	for (char *q = first_page; q < p + 4 * MiB; q += 256)
		nonzero += *q != 0;
	check_u64("memory re-grown after a shrink is zero (non-zero samples)", (uint64_t)nonzero, 0);
	check_u64("memory below the shrink point kept", *(uint64_t *)(p + 8), 8 * 0x9e3779b97f4a7c15ULL);

	char *before = sbrk(0);
	errno = 0;
	check_true("sbrk(1 TiB) fails", sbrk((intptr_t)1 << 40) == (void *)-1 && errno == ENOMEM);
	check_true("break unchanged after failure", sbrk(0) == before);
	check_true("brk(below the start of data) fails", brk((void *)0x1000) == -1 && errno == ENOMEM);
	check_true("break unchanged", sbrk(0) == before);
	check_true("brk back to the initial break", brk(b0) == 0 && sbrk(0) == b0);
	return check_done("heap");
}
