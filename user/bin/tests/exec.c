/*
 * exec - execve: a missing file fails with ENOENT and the caller goes on;
 * a forked child execs the program named by argv[1] (the hello program) and
 * its status comes back; finally this process replaces itself with it, so
 * the last lines come from hello and the exit status is hello's.
 * Usage: exec PATH-TO-hello
 */
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		printf("usage: exec PATH-TO-hello\n");
		return 2;
	}
	char *none[] = { "none", NULL };
	errno = 0;
	check_true("execve of a missing file fails with ENOENT",
	           execve("/nonexistent/vmos-test", none, environ) == -1 && errno == ENOENT);

	char *child_argv[] = { "hello", "from", "a child", NULL };
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execve(argv[1], child_argv, environ);
		printf("child: execve failed, errno %d\n", errno);
		_exit(127);
	}
	int st;
	check_true("child reaped", waitpid(pid, &st, 0) == pid);
	check_true("exec'd child exited 0", WIFEXITED(st) && WEXITSTATUS(st) == 0);

	char *self_argv[] = { "hello", "replaced", NULL };
	printf("exec: replacing myself\n");
	check_done("exec");
	fflush(stdout);
	execve(argv[1], self_argv, environ);
	printf("FAIL execve of %s: errno %d\n", argv[1], errno);
	return 1;
}
