/*
 * views_fork - a page shared copy-on-write by two live processes, for the
 * /proc views (tests/tools/procview.sh): the parent writes one page of bss,
 * forks, and both processes call vmos_marker (syscall 1000) while both are
 * alive, so `vmos run --smaps --proc-at marker` shows the page counted half
 * in each one's Pss.  The child yields first so that the parent reaches
 * its marker whichever runs first; the parent then waits for the child.
 * Under qemu-riscv64 the marker returns -ENOSYS and nothing else changes.
 * Prints "parent ok" and exits 0.
 */
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define PG 4096
#define SYS_VMOS_MARKER 1000

static char page[2 * PG] __attribute__((aligned(PG)));

int main(void)
{
	for (int i = 0; i < PG; i++)
		page[i] = (char)i;
	pid_t pid = fork();
	if (pid < 0) {
		printf("fork failed\n");
		return 1;
	}
	if (pid == 0) {
		for (int i = 0; i < 3; i++)
			sched_yield();
		syscall(SYS_VMOS_MARKER, (long)(uintptr_t)page, 2L);
		return page[5] == 5 ? 0 : 1;
	}
	syscall(SYS_VMOS_MARKER, (long)(uintptr_t)page, 1L);
	int st = 0;
	if (waitpid(pid, &st, 0) != pid || st != 0) {
		printf("child failed\n");
		return 1;
	}
	printf("parent ok\n");
	return 0;
}
