/* panic.c - see panic.h. */
#include "panic.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void kpanic(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fputs("vmos: kernel panic: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
