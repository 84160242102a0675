/* atexit - handlers run in reverse order of registration at exit (here on
 * return from main), before stdio is flushed; expected status 3. */
#include <stdio.h>
#include <stdlib.h>

static void first(void) { printf("handler registered first\n"); }
static void second(void) { printf("handler registered second\n"); }
static void last(void) { printf("handler registered last (runs first), no newline:"); }

int main(void)
{
	atexit(first);
	atexit(second);
	atexit(last);
	printf("atexit: main returns 3\n");
	return 3;
}
