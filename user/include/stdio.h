/*
 * stdio.h - buffered output streams and the printf family.
 *
 * stdout is line buffered (flushed at '\n', when full, by fflush and at
 * exit); stderr is unbuffered; stdin is read unbuffered through fgetc/fgets.
 * Formatting supports %d %i %u %x %X %o %c %s %p %n %% and the floating-point
 * %f %F %e %E %g %G %a %A (exact, as glibc prints them) with flags - + space
 * 0 #, width and precision (also as *), and length modifiers hh h l ll z t j
 * L.  An unknown conversion fails the call (-1, errno EINVAL) with a message
 * on fd 2 instead of misreading the arguments after it.
 */
#ifndef _STDIO_H
#define _STDIO_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#define EOF (-1)
#define BUFSIZ 1024

#define _IOFBF 0
#define _IOLBF 1
#define _IONBF 2

typedef struct __file FILE;

extern FILE *const stdin;
extern FILE *const stdout;
extern FILE *const stderr;

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vprintf(const char *fmt, va_list ap);
int vfprintf(FILE *f, const char *fmt, va_list ap);
int vsprintf(char *buf, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);

int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int putchar(int c);
int fputs(const char *s, FILE *f);
int puts(const char *s);
size_t fwrite(const void *p, size_t size, size_t n, FILE *f);
int fflush(FILE *f);
int setvbuf(FILE *f, char *buf, int mode, size_t size);

int fgetc(FILE *f);
int getc(FILE *f);
int getchar(void);
char *fgets(char *s, int n, FILE *f);

int ferror(FILE *f);
int feof(FILE *f);
int fileno(FILE *f);
void perror(const char *s);

#endif
