/*
 * start.c - C-level process start-up: decode the initial stack that crt0.S
 * hands over (argc, argv, envp, auxv; psABI "Process Initialization"), record
 * environ and the auxiliary vector, run main and exit with its result.
 */
#include <stdlib.h>
#include <unistd.h>
#include "syscall_arch.h"

int main(int argc, char **argv, char **envp);

char **environ;
unsigned long *__auxv;

/* __libc_start: sp is the stack pointer at entry.  Never returns. */
_Noreturn void __libc_start(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	char **p = envp;

	while (*p)
		p++;
	environ = envp;
	__auxv = (unsigned long *)(p + 1);
	exit(main(argc, argv, envp));
}
