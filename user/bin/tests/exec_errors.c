/*
 * exec_errors - every way execve can fail returns an error and the caller
 * goes on (Linux: the checks come before the point of no return).
 *
 * Usage: exec_errors BINDIR FILESDIR
 *   BINDIR    holds exit0 (a program that exits 0)
 *   FILESDIR  prepared by tests/kernel/exec_errors.sh: notelf (a text file,
 *             mode 755), empty (755), trunc (the first 100 bytes of an ELF,
 *             755), noexec (a valid ELF, mode 644), fifo (a FIFO), dir (a
 *             directory); "missing" does not exist.
 *
 * One line per case, "ok CASE = ERRNO" or "FAIL CASE: got X, want Y" (X is
 * "success" if execve returned at all without an error), then two runs at
 * the limits in forked children, which must succeed, and one of itself
 * with an empty argv (argc 0: the argv terminator comes before envp).
 * Exit 0 if everything held.
 */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static const char *errname(int e)
{
	switch (e) {
	case 0: return "success";
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case ENOEXEC: return "ENOEXEC";
	case E2BIG: return "E2BIG";
	case EFAULT: return "EFAULT";
	case ENOMEM: return "ENOMEM";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case EIO: return "EIO";
	case EINVAL: return "EINVAL";
	default: return "other";
	}
}

static int cases;

/* Runs execve and checks that it failed with want. */
static void expect(const char *what, const char *path, char *const argv[], char *const envp[],
		   int want)
{
	errno = 0;
	int r = execve(path, argv, envp);
	int got = r == -1 ? errno : 0;
	cases++;
	check_total++;
	if (got == want) {
		printf("ok %s = %s\n", what, errname(got));
	} else {
		check_failed++;
		printf("FAIL %s: got %s, want %s\n", what, errname(got), errname(want));
	}
}

/* Runs path with argv/envp in a child; returns its exit status, or -1. */
static int run_child(const char *path, char *const argv[], char *const envp[])
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execve(path, argv, envp);
		printf("child: execve of %s failed: %s\n", path, errname(errno));
		_exit(127);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

#define ARG_MAX_BYTES (128 * 1024)
#define MAX_STRINGS   4096

static char big_a[ARG_MAX_BYTES + 2], big_b[ARG_MAX_BYTES + 2];
static char *many[MAX_STRINGS + 2];
static char longpath[4200];

static void fill(char *s, size_t len, char c)
{
	memset(s, c, len);
	s[len] = '\0';
}

int main(int argc, char **argv)
{
	if (argc == 0)          /* run by itself below with an empty argv */
		return environ && environ[0] && !strcmp(environ[0], "VMOS_ARGC0=1") &&
		       !environ[1] ? 0 : 3;
	if (argc < 3) {
		printf("usage: exec_errors BINDIR FILESDIR\n");
		return 2;
	}
	static char exit0[512], f[8][512];
	snprintf(exit0, sizeof exit0, "%s/exit0", argv[1]);
	const char *names[] = { "missing", "dir", "fifo", "notelf", "empty", "trunc", "noexec" };
	for (int i = 0; i < 7; i++)
		snprintf(f[i], sizeof f[i], "%s/%s", argv[2], names[i]);
	char *args[] = { "prog", NULL }, *env[] = { NULL };

	/* the file */
	expect("execve(a missing file)", f[0], args, env, ENOENT);
	expect("execve(a directory)", f[1], args, env, EACCES);
	expect("execve(a FIFO)", f[2], args, env, EACCES);
	expect("execve(a text file)", f[3], args, env, ENOEXEC);
	expect("execve(an empty file)", f[4], args, env, ENOEXEC);
	expect("execve(a truncated ELF)", f[5], args, env, ENOEXEC);
	expect("execve(an ELF without execute permission)", f[6], args, env, EACCES);
	fill(longpath, 4100, 'p');
	expect("execve(a path of 4100 bytes)", longpath, args, env, ENAMETOOLONG);
	expect("execve(a bad path pointer)", (const char *)8, args, env, EFAULT);

	/* the arguments, for a program that would run: 128 KiB of strings,
	 * NULs included, is the limit for argv and envp together */
	size_t room = ARG_MAX_BYTES - sizeof "exit0";     /* for one string in each */
	fill(big_a, room / 2 - 1, 'a');
	fill(big_b, room - room / 2 - 1 + 1, 'b');        /* one byte over together */
	char *argv_a[] = { "exit0", big_a, NULL }, *envp_b[] = { big_b, NULL };
	expect("execve(argv + envp one byte over 128 KiB, each under)", exit0, argv_a, envp_b, E2BIG);
	fill(big_a, ARG_MAX_BYTES, 'a');
	char *argv_big[] = { "exit0", big_a, NULL };
	expect("execve(one argument of 128 KiB + NUL)", exit0, argv_big, env, E2BIG);
	for (int i = 0; i <= MAX_STRINGS; i++)
		many[i] = "x";
	many[MAX_STRINGS + 1] = NULL;
	expect("execve(4097 arguments)", exit0, many, env, E2BIG);
	expect("execve(a bad argv pointer)", exit0, (char *const *)8, env, EFAULT);
	char *bad_string[] = { "exit0", (char *)8, NULL };
	expect("execve(a bad argv string)", exit0, bad_string, env, EFAULT);
	expect("execve(a bad envp pointer)", exit0, args, (char *const *)8, EFAULT);

	printf("still running after %d failed execve calls\n", cases);

	/* at the limits the same calls succeed */
	fill(big_a, room / 2 - 1, 'a');
	fill(big_b, room - room / 2 - 1, 'b');
	check_u64("exit status of exit0 run with argv + envp of exactly 128 KiB",
		  (uint64_t)run_child(exit0, argv_a, envp_b), 0);
	many[0] = "exit0";
	many[MAX_STRINGS] = NULL;
	check_u64("exit status of exit0 run with 4096 arguments",
		  (uint64_t)run_child(exit0, many, env), 0);
	static char self[512];
	snprintf(self, sizeof self, "%s/exec_errors", argv[1]);
	char *no_args[] = { NULL }, *one_env[] = { "VMOS_ARGC0=1", NULL };
	check_u64("exit status of exec_errors run with argc 0 and one environment string",
		  (uint64_t)run_child(self, no_args, one_env), 0);
	return check_done("exec_errors");
}
