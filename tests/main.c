/*
 * main.c - runner for the host unit tests (see test.h).  Usage:
 *   test_BIN [-v] [NAME...]     run all tests, or those named
 * Each test runs in a child process; its exit status says pass or fail, so
 * an abort() from a debug check or a sanitizer report fails that test only.
 * Each test has VMOS_TEST_TIMEOUT seconds (default 900): one that hangs (a
 * livelocked fault loop, say) is killed by SIGALRM and fails, and the rest
 * still run.
 */
#include "test.h"

#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

static struct test_case *tests;
int test_failures;

void test_register(struct test_case *t)
{
	/* append so tests run in file order */
	struct test_case **p = &tests;
	while (*p)
		p = &(*p)->next;
	*p = t;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	test_failures++;
}

void test_abort(void)
{
	exit(1);
}

int test_dies(void (*fn)(void))
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stderr))
			_exit(3);
		fn();
		_exit(0);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	return WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) != 0);
}

static int selected(const char *name, int argc, char **argv)
{
	if (argc == 0)
		return 1;
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], name))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int verbose = 0, passed = 0, failed = 0;
	unsigned timeout = 900;
	if (getenv("VMOS_TEST_TIMEOUT"))
		timeout = (unsigned)atoi(getenv("VMOS_TEST_TIMEOUT"));
	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = 1;
		argc--, argv++;
	}
	for (struct test_case *t = tests; t; t = t->next) {
		if (!selected(t->name, argc - 1, argv + 1))
			continue;
		fflush(stdout);
		fflush(stderr);
		pid_t pid = fork();
		if (pid == 0) {
			test_failures = 0;
			alarm(timeout);
			t->fn();
			fflush(stdout);
			exit(test_failures ? 1 : 0);
		}
		int st = 0;
		waitpid(pid, &st, 0);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			passed++;
			if (verbose)
				printf("ok   %s\n", t->name);
		} else {
			failed++;
			if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
				printf("FAIL %s (timed out after %u s)\n", t->name, timeout);
			else if (WIFSIGNALED(st))
				printf("FAIL %s (signal %d)\n", t->name, WTERMSIG(st));
			else
				printf("FAIL %s\n", t->name);
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
