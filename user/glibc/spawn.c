/*
 * spawn - vfork and posix_spawn (glibc: clone with CLONE_VM | CLONE_VFORK):
 * the parent goes on only after the child has exited (or exec'd), the
 * child's exit status and its writes to a pipe reach the parent, and a
 * spawn of a program that does not exist fails - by posix_spawn's return
 * value on Linux, by the child's exit status 127 where vfork copies the
 * address space (qemu-user, vmos: docs/running.md); either counts.
 * Compared with qemu-riscv64 (tests/glibc/glibc.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	int st = 0;
	pid_t c = vfork();
	if (c == 0)
		_exit(7);
	printf("vfork: child %s, status %d\n", c > 0 ? "made" : strerror(errno),
	       waitpid(c, &st, 0) == c && WIFEXITED(st) ? WEXITSTATUS(st) : -1);

	int fds[2];
	pipe(fds);
	c = vfork();
	if (c == 0) {
		write(fds[1], "from the child\n", 15);
		_exit(0);
	}
	close(fds[1]);
	char buf[32] = "";
	ssize_t n = read(fds[0], buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("vfork: the parent reads '%.14s' after the child ran\n", buf);
	waitpid(c, &st, 0);
	close(fds[0]);

	pid_t pid;
	char *argv[] = { "vmos-no-such-program", NULL };
	int rc = posix_spawn(&pid, "/nonexistent/vmos-no-such-program", NULL, NULL, argv, environ);
	int failed = rc == ENOENT;
	if (rc == 0)
		failed = waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 127;
	printf("posix_spawn of a missing program fails: %d\n", failed);
	return 0;
}
