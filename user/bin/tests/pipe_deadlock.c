/*
 * pipe_deadlock - every process asleep on an event nobody can cause: the
 * child reads a pipe whose only writer is the parent, and the parent waits
 * for the child.  Linux hangs here forever; vmos names the sleepers
 * ("vmos: deadlock: ...") and ends them with SIGKILL, so the run ends
 * (status 137).  Not run under qemu-riscv64: it would hang.
 */
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int fds[2];
	if (pipe(fds) < 0)
		return 1;
	write(1, "start\n", 6);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		read(fds[0], &c, 1);      /* the parent keeps fds[1] open and never writes */
		write(1, "child woke\n", 11);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	write(1, "parent woke\n", 12);
	return 0;
}
