/*
 * pgrp_exec - setpgid's rule for a child that has run execve: its parent
 * can no longer move it to another group (EACCES), while before the
 * execve it could.  The expected output is Linux's (kernel/sys.c
 * setpgid: PF_FORKNOEXEC): qemu-riscv64 7.2 cannot be the reference, its
 * execve of /proc/self/exe fails with ENOEXEC.
 *
 *   pgrp_exec            the test
 *   pgrp_exec sleeper    (what the child execs: waits to be killed)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "sleeper")) {
		for (;;)
			pause();
	}
	int go[2];
	if (pipe(go) < 0)
		return 1;
	pid_t x = fork();
	if (x == 0) {
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) != 1)         /* until the parent has moved it */
			_exit(2);
		execl("/proc/self/exe", argv[0], "sleeper", (char *)NULL);
		_exit(127);
	}
	close(go[0]);
	int rc = setpgid(x, x);
	printf("setpgid of a child before its execve: %s, getpgid = its pid %d\n",
	       rc ? strerrorname_np(errno) : "ok", getpgid(x) == x);
	if (write(go[1], "g", 1) != 1)
		return 1;
	usleep(100000);
	rc = setpgid(x, getpgrp());
	printf("setpgid of a child after its execve: %s, still in its own group %d\n",
	       rc ? strerrorname_np(errno) : "ok", getpgid(x) == x);
	kill(-x, SIGKILL);                          /* its group: just it */
	int st;
	waitpid(x, &st, 0);
	printf("the child: %s\n", WIFSIGNALED(st) ? sigabbrev_np(WTERMSIG(st)) : "exited");
	return 0;
}
