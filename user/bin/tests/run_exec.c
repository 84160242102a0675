/*
 * run_exec - execve(argv[1], argv + 2, environ): the exec of a file named on
 * the command line, as a shell would do it, for the tests of `#!` scripts
 * and interpreters (tests/kernel/exec_dyn.sh).  argv[2] becomes the new
 * argv[0].  When execve fails it prints "execve: NAME" (the errno's name)
 * and exits 127.
 * Usage: run_exec PATH ARGV0 [ARG...]
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

static const char *errname(int e)
{
	switch (e) {
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case ENOEXEC: return "ENOEXEC";
	case ELOOP: return "ELOOP";
	case E2BIG: return "E2BIG";
	case ENOTDIR: return "ENOTDIR";
	case ENOMEM: return "ENOMEM";
	case 80: return "ELIBBAD";     /* Linux's errno 80 */
	default: return "other";
	}
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		printf("usage: run_exec PATH ARGV0 [ARG...]\n");
		return 2;
	}
	execve(argv[1], argv + 2, environ);
	printf("execve: %s (%d)\n", errname(errno), errno);
	return 127;
}
