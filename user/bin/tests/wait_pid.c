/*
 * wait_pid - waitpid for one child reaps that child, even when it has to
 * block and another child exits first: the parent forks A (exits soon with
 * status 1) and B (exits later with status 2) and waits for B by pid.  A
 * wait4 that blocks is restarted when a child exits; the restart must
 * re-run it with the pid the program passed (the kernel once restarted it
 * with a0 overwritten by 0, i.e. "any child of my group", and reaped A).
 * Then waitpid(-1) reaps A.  Prints what each wait returned; exit 0.
 */
#include <stdio.h>
#include <unistd.h>
#include <sched.h>
#include <sys/wait.h>

static pid_t child(int yields, int status)
{
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < yields; i++)
			sched_yield();
		_exit(status);
	}
	return pid;
}

int main(void)
{
	pid_t a = child(2, 1);
	pid_t b = child(50, 2);
	if (a < 0 || b < 0) {
		printf("fork failed\n");
		return 1;
	}
	int st = 0;
	pid_t got = waitpid(b, &st, 0);
	printf("waitpid(B): %s, status %d\n", got == b ? "B" : got == a ? "A (wrong child)" : "error",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	got = waitpid(-1, &st, 0);
	printf("waitpid(-1): %s, status %d\n", got == a ? "A" : got == b ? "B (again)" : "error",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	got = waitpid(-1, &st, 0);
	printf("waitpid(-1) with no child left: %s\n", got < 0 ? "error (ECHILD)" : "a child");
	return 0;
}
