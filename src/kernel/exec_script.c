/*
 * exec_script.c - `#!` scripts (see exec_script.h).  The rules are those of
 * Linux's fs/binfmt_script.c (load_script), checked against the host kernel:
 * "#!" alone or followed by blanks only is ENOEXEC; a name that does not end
 * (in a blank, NUL or newline) inside the first 256 bytes is ENOEXEC; the
 * argument is everything after the blanks that follow the name, trailing
 * blanks removed, up to the newline or the end of the 256 bytes.
 */
#include "exec_script.h"

#include <errno.h>
#include <string.h>

static int blank(char c) { return c == ' ' || c == '\t'; }

int script_parse(char *buf, size_t n, const char **name, const char **arg)
{
	/* what Linux sees: the file's first bytes, zero-filled to the buffer */
	memset(buf + n, 0, EXEC_SCRIPT_LINE - n);
	char *end = memchr(buf, '\n', EXEC_SCRIPT_LINE);
	if (!end) {
		/* no newline: the name must end inside the buffer */
		char *last = buf + EXEC_SCRIPT_LINE - 1, *q = buf + 2;
		while (q < last && blank(*q))
			q++;
		if (q == last)
			return -ENOEXEC;          /* nothing but blanks */
		while (q < last && *q && !blank(*q))
			q++;
		if (q == last)
			return -ENOEXEC;          /* the name runs past the buffer */
		end = last;
	}
	while (end > buf + 2 && blank(end[-1]))
		end--;
	*end = '\0';
	char *q = buf + 2;
	while (q < end && blank(*q))
		q++;
	if (q == end)
		return -ENOEXEC;                  /* no interpreter name */
	/* (a NUL right here is an empty name: open fails with ENOENT) */
	*name = q;
	while (q < end && *q && !blank(*q))
		q++;
	*arg = NULL;
	if (q < end && *q) {                      /* a blank ends the name */
		*q++ = '\0';
		while (q < end && blank(*q))
			q++;
		if (q < end && *q)
			*arg = q;
	}
	return 0;
}

int script_rewrite_args(struct exec_args *a, const char *name, const char *arg,
			const char *script)
{
	size_t old0 = a->argc > 0 ? strlen(a->buf) + 1 : 0;
	size_t ln = strlen(name) + 1, la = arg ? strlen(arg) + 1 : 0, ls = strlen(script) + 1;
	size_t add = ln + la + ls;
	int strings = a->argc + a->envc - (a->argc > 0) + 2 + (arg != NULL);
	if (a->bytes - old0 + add > EXEC_ARG_MAX || strings > EXEC_ARG_STRINGS)
		return -E2BIG;
	memmove(a->buf + add, a->buf + old0, a->bytes - old0);
	memcpy(a->buf, name, ln);
	if (arg)
		memcpy(a->buf + ln, arg, la);
	memcpy(a->buf + ln + la, script, ls);
	a->bytes = a->bytes - old0 + add;
	a->argc = a->argc - (a->argc > 0) + 2 + (arg != NULL);
	return 0;
}
