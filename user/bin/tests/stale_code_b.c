/*
 * stale_code_b - stale_code with one constant changed (text_fn returns
 * 3x + 2 instead of 3x + 1), so the two programs have the same layout and
 * different code at the same addresses.  `stale_code exec stale_code_b`
 * runs text_fn hot, then execs this program, which runs it again: an engine
 * that kept a translation of the old program would print the old sum.
 */
#define STALE_VARIANT 2
#include "stale_code.c"
