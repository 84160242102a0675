/*
 * exec_script.h - `#!` scripts: recognising the interpreter line and
 * rewriting argv as Linux's fs/binfmt_script.c does.
 *
 *   file "./s":  #!/bin/sh -e\n...        execve("./s", ["s", "x"], env)
 *   becomes:     execve("/bin/sh", ["/bin/sh", "-e", "./s", "x"], env)
 *
 * The line is read from the first EXEC_SCRIPT_LINE (256) bytes only.  Spaces
 * and tabs separate the interpreter from its one optional argument, which
 * is the whole rest of the line (inner blanks kept, trailing ones dropped).
 * A line longer than the buffer is cut at its end, unless that would cut
 * the interpreter's name: then the file is not a script Linux runs
 * (ENOEXEC).
 */
#ifndef VMOS_KERNEL_EXEC_SCRIPT_H
#define VMOS_KERNEL_EXEC_SCRIPT_H

#include <stddef.h>
#include "exec.h"

/* True if the n bytes at buf begin a `#!` script. */
static inline int script_is_script(const char *buf, size_t n)
{
	return n >= 2 && buf[0] == '#' && buf[1] == '!';
}

/* Parses the `#!` line in buf[0..n) (n <= EXEC_SCRIPT_LINE; buf has room for
 * EXEC_SCRIPT_LINE bytes), writing NULs into buf.  Returns 0 with *name
 * (the interpreter path) and *arg (NULL if there is none) pointing into buf,
 * or -ENOEXEC: no interpreter name, or a name cut by the end of the buffer. */
int script_parse(char *buf, size_t n, const char **name, const char **arg);

/* Replaces argv[0] of a (if argc > 0) with name, arg (if not NULL) and
 * script, in that order, before argv[1].  Returns 0 or -E2BIG (over
 * EXEC_ARG_MAX bytes or EXEC_ARG_STRINGS strings), a unchanged then. */
int script_rewrite_args(struct exec_args *a, const char *name, const char *arg,
			const char *script);

#endif
