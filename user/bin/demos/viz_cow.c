/*
 * viz_cow - fork, then copy on write, for the pictures (vmos run --svg /
 * --html) and `vmos explain`: the parent writes 8 pages of a buffer and a
 * heap page, forks, and the child writes pages 0 and 1 of the buffer (two
 * copy-on-write breaks: the child gets frames of its own) and marks (syscall
 * 1000, vmos_marker) page 4, which both processes still share, read-only,
 * in one frame.  The parent waits for the child and marks page 0 (its own
 * frame again: the last mapper of a COW frame gets it back on the next write
 * or keeps it read-only until then).  Prints one line per step; exit 0.
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define PG 4096
#define SYS_VMOS_MARKER 1000

static char buf[8 * PG] __attribute__((aligned(PG)));

static void mark(const void *addr, long tag)
{
	(void)syscall(SYS_VMOS_MARKER, (long)(uintptr_t)addr, tag);
}

int main(void)
{
	for (int i = 0; i < 8; i++)
		buf[i * PG] = (char)(i + 1);
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		printf("fork failed\n");
		return 1;
	}
	if (pid == 0) {
		buf[0] = 'c';
		buf[PG] = 'c';
		mark(buf + 4 * PG, 1);
		printf("child: wrote pages 0 and 1, page 4 still shared\n");
		fflush(stdout);
		_exit(0);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	buf[0] = 'p';
	mark(buf, 2);
	printf("parent: child exited %d, page 0 = %c, page 4 = %d\n",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1, buf[0], buf[4 * PG]);
	return 0;
}
