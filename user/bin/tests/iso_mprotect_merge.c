/*
 * iso_mprotect_merge - found by iso_sysfuzz (seed 35): one mprotect over
 * several adjacent regions with different protections.  32 resident RW
 * pages; pages 8..15 made PROT_READ, 16..23 PROT_NONE; then pages 4..31
 * made RW again in one call (it spans RW, R, NONE and RW parts).  On Linux
 * this succeeds and every page is RW with its contents kept (a
 * PROT_NONE page keeps its data too).  The process then writes and reads
 * every page, forks a child that does the same, and both exit 0.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define PAGE 4096UL

int main(void)
{
	unsigned char *p = mmap(NULL, 32 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check_true("mmap 32 pages", p != MAP_FAILED);
	for (unsigned i = 0; i < 32; i++)
		p[i * PAGE] = (unsigned char)(i + 1);
	check_u64("mprotect 8..15 PROT_READ", (uint64_t)mprotect(p + 8 * PAGE, 8 * PAGE, PROT_READ), 0);
	check_u64("mprotect 16..23 PROT_NONE", (uint64_t)mprotect(p + 16 * PAGE, 8 * PAGE, PROT_NONE), 0);
	check_u64("mprotect 4..31 RW in one call", (uint64_t)mprotect(p + 4 * PAGE, 28 * PAGE, PROT_READ | PROT_WRITE), 0);
	int same = 1;
	for (unsigned i = 0; i < 32; i++)
		same &= p[i * PAGE] == (unsigned char)(i + 1);
	check_true("every page kept its contents", same);
	for (unsigned i = 0; i < 32; i++)
		p[i * PAGE + 1] = (unsigned char)i;
	check_true("every page writable", p[31 * PAGE + 1] == 31);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		for (unsigned i = 0; i < 32; i++)
			p[i * PAGE + 2] = (unsigned char)i;
		_exit(p[17 * PAGE] == 18 ? 0 : 1);
	}
	int st;
	check_true("child wrote every page and exited 0", waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	check_true("parent's copy unchanged by the child", p[17 * PAGE + 2] == 0);
	check_true("munmap all", munmap(p, 32 * PAGE) == 0);
	return check_done("iso_mprotect_merge");
}
