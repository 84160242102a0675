/*
 * pgrp - process groups and sessions, compared with qemu-riscv64 (which
 * passes them to Linux): everything happens in a new session that a
 * forked child makes with setsid, so nothing depends on the group the
 * test runs in, and every id is printed relative to the session leader.
 *
 *   - setsid: the new session's id and group are the caller's pid; a
 *     second setsid (already a group leader) is EPERM; a session leader
 *     cannot move to another group (setpgid EPERM);
 *   - setpgid: a child into a new group of its own, another child into
 *     that group; a group of no process EPERM; a negative group EINVAL; a
 *     process that is not a child ESRCH (after its execve, a child cannot
 *     be moved: EACCES, in pgrp_exec.c);
 *   - getpgid, getsid of self, of a child, of no process (ESRCH);
 *   - kill(-pgid) ends exactly that group, kill(0) reaches the caller's
 *     group; waitpid(-pgid) and waitpid(0) wait only for children of that
 *     group (WNOHANG: 0 while another group's child is still running);
 *   - tcgetpgrp on a file that is not a terminal: ENOTTY.
 *
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t usr1;

static void on_usr1(int sig)
{
	(void)sig;
	usr1++;
}

static const char *e(long rc)
{
	static char buf[64];
	if (rc >= 0)
		return "ok";
	snprintf(buf, sizeof buf, "%s", strerrorname_np(errno));
	return buf;
}

/* A child that waits to be killed (or to be told to go). */
static pid_t sleeper(void)
{
	pid_t c = fork();
	if (c == 0) {
		for (;;)
			pause();
	}
	return c;
}

static const char *how(int status)
{
	static char buf[32];
	if (WIFSIGNALED(status))
		snprintf(buf, sizeof buf, "killed by %s", sigabbrev_np(WTERMSIG(status)));
	else
		snprintf(buf, sizeof buf, "exit %d", WEXITSTATUS(status));
	return buf;
}

static int session(void)
{
	pid_t me = getpid();
	pid_t sid = setsid();
	printf("setsid: %s, session = own pid %d, group = own pid %d\n", e(sid), sid == me,
	       getpgrp() == me);
	printf("getsid(0) = own pid %d, getpgid(0) = own pid %d\n", getsid(0) == me, getpgid(0) == me);
	printf("setsid again: %s\n", e(setsid()));
	printf("setpgid of the session leader: %s\n", e(setpgid(0, 0)));
	printf("getpgid of no process: %s, getsid: %s\n", e(getpgid(999999)), e(getsid(999999)));
	printf("tcgetpgrp of a file: %s\n", e(tcgetpgrp(1)));

	/* a child into a group of its own, a second child into it */
	pid_t a = sleeper(), b = sleeper(), c = sleeper();
	printf("setpgid(a, a): %s, getpgid(a) = a %d\n", e(setpgid(a, a)), getpgid(a) == a);
	printf("setpgid(b, a): %s, getpgid(b) = a %d\n", e(setpgid(b, a)), getpgid(b) == a);
	printf("children stay in the session: %d %d\n", getsid(a) == me, getsid(b) == me);
	printf("setpgid(c, no group): %s\n", e(setpgid(c, 999999)));
	printf("setpgid(c, -1): %s\n", e(setpgid(c, -1)));
	printf("setpgid(parent, ...): %s\n", e(setpgid(getppid(), getppid())));
	printf("c is still in the leader's group: %d\n", getpgid(c) == me);

	/* waitpid(-a) and waitpid(0) see only their group */
	int st;
	printf("waitpid(-a, WNOHANG) while a, b run: %d\n", waitpid(-a, &st, WNOHANG));
	kill(c, SIGTERM);
	pid_t w = waitpid(-a, &st, WNOHANG);
	printf("waitpid(-a, WNOHANG) after c ended: %d (c is in another group)\n", w);
	w = waitpid(0, &st, 0);
	printf("waitpid(0) reaps c: %d, %s\n", w == c, how(st));

	/* kill(-a) ends a and b, nothing else */
	signal(SIGUSR1, on_usr1);
	printf("kill(-a, SIGTERM): %s\n", e(kill(-a, SIGTERM)));
	pid_t r1 = waitpid(-a, &st, 0);
	const char *h1 = strdup(how(st));
	pid_t r2 = waitpid(-a, &st, 0);
	printf("reaped from group a: %d and %d (%s, %s)\n", r1 == a || r1 == b, r2 == a || r2 == b, h1,
	       how(st));
	printf("waitpid(-a) now: %s\n", e(waitpid(-a, &st, 0)));
	printf("kill(-a) now: %s\n", e(kill(-a, SIGTERM)));
	printf("kill(0, SIGUSR1): %s, handler ran %d\n", e(kill(0, SIGUSR1)), (int)usr1);

	return 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	pid_t s = fork();
	if (s == 0)
		_exit(session());
	int st;
	waitpid(s, &st, 0);
	printf("session leader: %s\n", how(st));
	return 0;
}
