/* exitret - returns 7 from main with output still buffered (no trailing
 * newline): crt0 must flush stdout before exit_group.  Also _exit's status
 * is masked to 8 bits by the kernel: main's 263 would read as 7 as well,
 * but we return 7 itself so the status check stays simple. */
#include <stdio.h>

int main(void)
{
	printf("exitret: returning 7 with this line unflushed");
	return 7;
}
