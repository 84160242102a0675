/*
 * panic.h - the kernel's reaction to a broken invariant of its own (never to
 * bad user input, which gets an error code): print where and why, and stop.
 */
#ifndef VMOS_KERNEL_PANIC_H
#define VMOS_KERNEL_PANIC_H

void kpanic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
