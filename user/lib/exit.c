/*
 * exit.c - normal and abnormal process termination (C11 7.22.4): atexit
 * handlers run in reverse order of registration, then stdio is flushed,
 * then exit_group.  abort() raises SIGABRT and, should that return (a
 * kernel without signals), exits with 134, the shell's code for SIGABRT.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "syscall_arch.h"

#define ATEXIT_MAX 32

static void (*atexit_fns[ATEXIT_MAX])(void);
static int atexit_count;

/* atexit returns 0, or -1 when the ATEXIT_MAX (32, the C minimum) slots are
 * full. */
int atexit(void (*fn)(void))
{
	if (atexit_count == ATEXIT_MAX)
		return -1;
	atexit_fns[atexit_count++] = fn;
	return 0;
}

_Noreturn void exit(int status)
{
	while (atexit_count > 0)
		atexit_fns[--atexit_count]();
	__stdio_flush_all();
	_exit(status);
}

_Noreturn void _Exit(int status) { _exit(status); }

_Noreturn void abort(void)
{
	raise(SIGABRT);
	_exit(128 + SIGABRT);
}

_Noreturn void __assert_fail(const char *expr, const char *file, int line, const char *func)
{
	__stdio_flush_all();
	fprintf(stderr, "%s:%d: %s: assertion `%s' failed\n", file, line, func, expr);
	abort();
}
