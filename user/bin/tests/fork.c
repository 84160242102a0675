/*
 * fork - process creation and reaping with Linux semantics: the child gets
 * 0 and a copy of memory (changes on either side stay private: copy on
 * write), getppid in the child is the parent, exit statuses and signal
 * deaths come back through waitpid/wait status macros, WNOHANG does not
 * block, kill(SIGKILL) ends a running child, a process without children
 * gets ECHILD.  Output order is deterministic: the parent waits before it
 * prints anything that could race with a child.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define BIG (1 << 20)

static int shared_global = 100;
static unsigned char big[BIG];

static uint64_t digest(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

/* spawn: fork, run fn in the child and exit with its result. */
static pid_t spawn(int (*fn)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		exit(fn());
	return pid;
}

static pid_t parent_pid;

static int child_basic(void)
{
	printf("child: running, fork returned 0\n");
	shared_global = 7;
	return getppid() == parent_pid ? 3 : 99;
}

static int child_cow(void)
{
	/* The child sees the parent's data, then changes every page of it. */
	int ok = big[12345] == (unsigned char)(12345 * 3) && big[BIG - 1] == (unsigned char)((BIG - 1) * 3);
	memset(big, 0xcc, BIG);
	char *heap = sbrk(64 * 4096);
	memset(heap, 1, 64 * 4096);
	return ok && big[777] == 0xcc ? 0 : 1;
}

static int child_segv(void)
{
	printf("child: writing to address 0\n");
	fflush(stdout);
	*(volatile int *)0 = 1;
	return 0;
}

static int child_spin(void)
{
	for (;;)
		sched_yield();
}

static int child_grandparent(void)
{
	pid_t me = getpid();
	pid_t g = fork();
	if (g == 0)
		exit(getppid() == me ? 21 : 98);
	int st;
	if (waitpid(g, &st, 0) != g || !WIFEXITED(st))
		return 97;
	return WEXITSTATUS(st) + 1;	/* 22 */
}

int main(void)
{
	int st;

	parent_pid = getpid();
	for (int i = 0; i < BIG; i++)
		big[i] = (unsigned char)(i * 3);
	uint64_t before = digest(big, BIG);
	char *brk_before = sbrk(0);

	pid_t pid = spawn(child_basic);
	pid_t reaped = waitpid(pid, &st, 0);	/* before printing: the child prints too */
	check_true("fork returns a child pid", pid > 0 && pid != parent_pid);
	check_true("waitpid returns the child", reaped == pid);
	check_true("child exited normally", WIFEXITED(st) && !WIFSIGNALED(st));
	check_u64("child exit status (3 = getppid ok)", (uint64_t)WEXITSTATUS(st), 3);
	check_u64("parent's global unchanged", (uint64_t)shared_global, 100);

	pid = spawn(child_cow);
	check_true("cow child reaped", waitpid(pid, &st, 0) == pid && WIFEXITED(st));
	check_u64("cow child saw parent data", (uint64_t)WEXITSTATUS(st), 0);
	check_true("parent's 1 MiB unchanged after the child wrote it", digest(big, BIG) == before);
	check_true("parent's break unchanged by the child's sbrk", sbrk(0) == brk_before);
	big[0] = 42;	/* the parent can still write its copy */
	check_true("parent writes after the child exits", big[0] == 42);

	pid_t kids[5];
	for (int i = 0; i < 5; i++) {
		fflush(stdout);
		kids[i] = fork();
		if (kids[i] == 0)
			_exit(10 + i);
	}
	int statuses_ok = 1;
	for (int i = 4; i >= 0; i--)
		statuses_ok &= waitpid(kids[i], &st, 0) == kids[i] && WIFEXITED(st) && WEXITSTATUS(st) == 10 + i;
	check_true("five children reaped in reverse order with statuses 10..14", statuses_ok);

	pid = spawn(child_segv);
	check_true("faulting child reaped", waitpid(pid, &st, 0) == pid);
	check_true("child killed by SIGSEGV", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);

	pid = spawn(child_spin);
	check_true("WNOHANG on a running child returns 0", waitpid(pid, &st, WNOHANG) == 0);
	check_true("kill(child, SIGKILL)", kill(pid, SIGKILL) == 0);
	check_true("killed child reaped", waitpid(pid, &st, 0) == pid);
	check_true("child killed by SIGKILL", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

	pid = spawn(child_grandparent);
	check_true("grandchild chain reaped", waitpid(pid, &st, 0) == pid && WIFEXITED(st));
	check_u64("grandchild status + 1", (uint64_t)WEXITSTATUS(st), 22);

	errno = 0;
	check_true("wait with no children fails with ECHILD", wait(&st) == -1 && errno == ECHILD);
	errno = 0;
	check_true("kill of a reaped pid fails with ESRCH", kill(pid, 0) == -1 && errno == ESRCH);
	return check_done("fork");
}
