/*
 * gdb_target - the program tests/tools/gdb.sh debugs through `vmos run
 * --gdb`: a global the debugger prints and changes, a function to break in
 * (noinline, so it has its own address), a double kept in an FP register
 * across the call, and an exit status that depends on what the debugger
 * wrote: 7 undisturbed, 9 when it set `counter` to 3 before step().
 */
#include <stdio.h>

volatile long counter = 1;
volatile double scale = 2.5;
long table[4] = { 0x11, 0x22, 0x33, 0x44 };

__attribute__((noinline)) long step(long x)
{
	double d = (double)x * scale;     /* fa0/ft regs hold 2.5 * x */
	counter += x;
	table[x & 3] += (long)d;
	return counter;
}

int main(void)
{
	long r = step(2);
	printf("counter = %ld, table[2] = %ld\n", r, table[2]);
	return (int)(r + 4);
}
