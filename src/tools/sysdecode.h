/*
 * sysdecode.h - a system call as strace(1) prints it, for `vmos run
 * --events`: the memory calls, execve, clone, wait4, exit, read and write
 * with their arguments decoded (flags by name, strings quoted, buffers
 * previewed), every other call by name with its raw arguments in hex, and
 * errors as "= -1 ENOMEM (Cannot allocate memory)".
 *
 * Strings and buffers are read from the process's memory without touching
 * it: only pages that are present and readable are read (a page the call
 * never faulted in is shown as the address), so logging never changes a
 * fault count.
 */
#ifndef VMOS_TOOLS_SYSDECODE_H
#define VMOS_TOOLS_SYSDECODE_H

#include <stddef.h>
#include "kernel.h"

/* Writes the call of ev (a KEV_SYSCALL event with args) into buf:
 * "mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x3fff6f0000".
 * p is the calling process (alive: its memory is read), or NULL. */
void sysdecode_format(struct kernel *k, struct proc *p, const struct kevent *ev, char *buf,
		      size_t n);

/* "ENOMEM" for 12, or NULL for a number without a name here. */
const char *sysdecode_errno_name(int64_t err);

/* Copies up to n bytes of p's memory at va into dst, stopping at the first
 * page that is not present or not readable by the user.  No fault is taken,
 * no A bit is set.  Returns the bytes copied. */
size_t sysdecode_peek(struct kernel *k, struct proc *p, uint64_t va, void *dst, size_t n);

#endif
