/*
 * main.c - runner for the host unit tests (see test.h).  Usage:
 *   test_BIN [-v] [NAME...]     run all tests, or those named
 * Each test runs in a child process; its exit status says pass or fail, so
 * an abort() from a debug check or a sanitizer report fails that test only.
 * A test that runs longer than VMOS_TEST_TIMEOUT seconds (default 120, times
 * VMOS_TIMEOUT_SCALE) is killed and fails by name: "FAIL name: timed out
 * after N s"; the next test runs.  VMOS_TEST_ENGINE=interp|fast|jit picks
 * the CPU engine the tests start with (default: vmos's default engine).
 */
#include "test.h"
#include "cpu.h"

/* Weak: some test binaries (the user libc's) link no CPU at all. */
extern enum cpu_engine cpu_engine __attribute__((weak));

#include <errno.h>
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

/* Seconds a test (or a test_dies child) may run: VMOS_TEST_TIMEOUT
 * (default 120) times VMOS_TIMEOUT_SCALE (default 1). */
static unsigned test_timeout(void)
{
	const char *t = getenv("VMOS_TEST_TIMEOUT"), *s = getenv("VMOS_TIMEOUT_SCALE");
	long secs = t ? atol(t) : 120, scale = s ? atol(s) : 1;
	if (secs <= 0)
		secs = 120;
	if (scale <= 0)
		scale = 1;
	return (unsigned)(secs * scale);
}

static void on_alarm(int sig)
{
	(void)sig;            /* only interrupts waitpid */
}

/* Waits for child pid at most secs seconds.  Returns 0 with its status in
 * *st, or -1 if the time ran out (the child is then killed and reaped). */
static int wait_limited(pid_t pid, unsigned secs, int *st)
{
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;      /* no SA_RESTART: waitpid returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	alarm(secs);
	int rc;
	while ((rc = (int)waitpid(pid, st, 0)) < 0 && errno == EINTR) {
		unsigned left = alarm(0);
		if (left == 0) {          /* the alarm has gone off: time is up */
			kill(pid, SIGKILL);
			waitpid(pid, st, 0);
			sigaction(SIGALRM, &old, NULL);
			return -1;
		}
		alarm(left);              /* another signal: wait on */
	}
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	return 0;
}

int test_dies(void (*fn)(void))
{
	fflush(stdout);
	fflush(stderr);
	unsigned secs = test_timeout();
	pid_t pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stderr))
			_exit(3);
		signal(SIGALRM, SIG_DFL);
		alarm(secs);              /* a hang ends by SIGALRM, told apart below */
		fn();
		_exit(0);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM) {
		/* a hang is not the death the caller expects */
		test_fail(__FILE__, __LINE__, "test_dies: the child ran over %u s, killed", secs);
		return 0;
	}
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
	unsigned secs = test_timeout();
	/* VMOS_TEST_ENGINE=interp|fast|jit: the CPU engine tests start with
	 * (tests that choose one themselves still do) */
	const char *eng = &cpu_engine ? getenv("VMOS_TEST_ENGINE") : NULL;
	if (eng && !strcmp(eng, "interp"))
		cpu_engine = CPU_ENGINE_INTERP;
	else if (eng && !strcmp(eng, "fast"))
		cpu_engine = CPU_ENGINE_FAST;
	else if (eng && !strcmp(eng, "jit"))
		cpu_engine = CPU_ENGINE_JIT;
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
			t->fn();
			fflush(stdout);
			exit(test_failures ? 1 : 0);
		}
		int st = 0;
		if (wait_limited(pid, secs, &st) < 0) {
			failed++;
			printf("FAIL %s: timed out after %u s\n", t->name, secs);
			continue;
		}
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			passed++;
			if (verbose)
				printf("ok   %s\n", t->name);
		} else {
			failed++;
			if (WIFSIGNALED(st))
				printf("FAIL %s (signal %d)\n", t->name, WTERMSIG(st));
			else
				printf("FAIL %s\n", t->name);
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
