/*
 * iso_orphan - a parent that exits before its child: the orphan keeps
 * running and finishes.  Linux reparents an orphan to init (or a
 * subreaper): getppid() changes, the child's memory and output are
 * unaffected, and init reaps it when it exits.  vmos reparents it to the
 * kernel, which reaps it.  The parent prints one line and exits at once;
 * the child sleeps 100 ms (nanosleep) so the parent is gone, then prints.
 * Output order is deterministic: the parent's line, then the child's.
 * Not compared with qemu-riscv64 (iso_orphan.noqemu): the test harness
 * waits only for the parent's qemu process, so the orphan's late line
 * would race with the comparison of the output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int before_fork = 41;

int main(void)
{
	pid_t parent = getpid();

	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		printf("iso_orphan: fork failed\n");
		return 1;
	}
	if (pid > 0) {
		printf("iso_orphan: parent exits before its child\n");
		return 0;
	}
	before_fork++;	/* the child's private copy */
	struct timespec ts = { 0, 100 * 1000000L };
	nanosleep(&ts, NULL);
	printf("iso_orphan: child still running after its parent exited\n");
	printf("iso_orphan: reparented (getppid no longer the parent): %s\n",
	       getppid() != parent ? "yes" : "no");
	printf("iso_orphan: child's memory intact: %d\n", before_fork);
	return 0;
}
