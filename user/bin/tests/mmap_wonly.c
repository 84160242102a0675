/*
 * mmap_wonly - PROT_WRITE-only anonymous memory.  A RISC-V PTE cannot say
 * "writable but not readable" (W without R is reserved), so Linux/riscv64
 * maps such pages readable too.  Found by the differential memory fuzzer
 * (diff_memfuzz seed 1): vmos mapped an untouched write-only page's first
 * read to the shared zero page copy-on-write with no access bit at all, and
 * the load faulted forever.  Checks: an untouched page reads as zero, a
 * written page reads back, and after fork (both sides copy-on-write) parent
 * and child still read their own pages without a fault.
 */
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define PG 4096

int main(void)
{
	volatile unsigned char *p = mmap(0, 3 * PG, PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!check_true("mmap PROT_WRITE", p != MAP_FAILED))
		return check_done("mmap_wonly");
	check_u64("untouched write-only page reads", p[10], 0);
	p[PG + 5] = 0x5a;
	check_u64("written write-only page reads back", p[PG + 5], 0x5a);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		int bad = p[PG + 5] != 0x5a || p[2 * PG] != 0;
		p[PG + 5] = 0x11;          /* copy-on-write: the parent keeps 0x5a */
		_exit(bad || p[PG + 5] != 0x11 ? 1 : 0);
	}
	int st = -1;
	check_true("waitpid", waitpid(pid, &st, 0) == pid);
	check_u64("child read its write-only pages (wait status)", (unsigned)st, 0);
	check_u64("parent reads its copy after fork", p[PG + 5], 0x5a);
	check_u64("parent reads an untouched page after fork", p[2 * PG + 7], 0);
	return check_done("mmap_wonly");
}
