/*
 * malloc_print.h - number printing for the in-vmos malloc programs with
 * nothing but write(2), so they need no stdio.
 */
#ifndef MALLOC_PRINT_H
#define MALLOC_PRINT_H

#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

static inline void put_str(int fd, const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	if (write(fd, s, n) < 0)
		return;
}

static inline void put_num(int fd, uint64_t v)
{
	char buf[24], *p = buf + sizeof buf;
	*--p = 0;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	put_str(fd, p);
}

/* Prints x/y as a percentage with one decimal. */
static inline void put_pct(int fd, uint64_t x, uint64_t y)
{
	uint64_t t = y ? (x * 1000 + y / 2) / y : 0;
	put_num(fd, t / 10);
	put_str(fd, ".");
	put_num(fd, t % 10);
	put_str(fd, "%");
}

#endif
