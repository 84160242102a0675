/*
 * stdlib.h - conversions, sorting, pseudo-random numbers, process exit, and
 * the allocator interface (strtod and strtof round correctly: strtod.c).
 * The allocator itself (malloc, free, calloc,
 * realloc, ...) lives in user/lib/malloc/ and is declared here only.
 */
#ifndef _STDLIB_H
#define _STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX 0x7fffffff

typedef struct { int quot, rem; } div_t;
typedef struct { long quot, rem; } ldiv_t;

void *malloc(size_t n);
void  free(void *p);
void *calloc(size_t nmemb, size_t size);
void *realloc(void *p, size_t n);
void *reallocarray(void *p, size_t nmemb, size_t size);
int   posix_memalign(void **out, size_t align, size_t n);
void *aligned_alloc(size_t align, size_t n);
size_t malloc_usable_size(void *p);

_Noreturn void exit(int status);
_Noreturn void _Exit(int status);
_Noreturn void abort(void);
int   atexit(void (*fn)(void));
char *getenv(const char *name);

int       atoi(const char *s);
long      atol(const char *s);
long long atoll(const char *s);
long               strtol(const char *s, char **end, int base);
long long          strtoll(const char *s, char **end, int base);
unsigned long      strtoul(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
double             strtod(const char *s, char **end);
float              strtof(const char *s, char **end);
double             atof(const char *s);

int       abs(int x);
long      labs(long x);
long long llabs(long long x);
div_t     div(int n, int d);
ldiv_t    ldiv(long n, long d);

void  qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t n, size_t size,
              int (*cmp)(const void *, const void *));

int  rand(void);
void srand(unsigned seed);

#endif
