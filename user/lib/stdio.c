/*
 * stdio.c - the three standard streams and their buffering (C11 7.21.3).
 *
 * A stream is a file descriptor plus a buffer of pending output.  stdout is
 * line buffered: it is written when a '\n' arrives, when the buffer fills,
 * on fflush and at exit (exit() calls __stdio_flush_all).  stderr is
 * unbuffered.  Input (stdin) is read one byte per read() call: programs in
 * vmos read little, and an input buffer would make fork() duplicate unread
 * input.  Errors set the stream's error flag and errno.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "syscall_arch.h"

struct __file {
	int fd;
	int mode;		/* _IOFBF, _IOLBF or _IONBF */
	int error, eof;
	size_t len, cap;	/* pending output bytes, buffer size */
	char *buf;
};

static char stdout_buf[BUFSIZ];

static struct __file file_stdin = { 0, _IONBF, 0, 0, 0, 0, 0 };
static struct __file file_stdout = { 1, _IOLBF, 0, 0, 0, sizeof stdout_buf, stdout_buf };
static struct __file file_stderr = { 2, _IONBF, 0, 0, 0, 0, 0 };

FILE *const stdin = &file_stdin;
FILE *const stdout = &file_stdout;
FILE *const stderr = &file_stderr;

/* write_all: write n bytes to f's descriptor, retrying short writes.
 * Returns 0, or EOF with f->error and errno set. */
static int write_all(FILE *f, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(f->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			f->error = 1;
			return EOF;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int fflush(FILE *f)
{
	if (!f) {
		__stdio_flush_all();
		return 0;
	}
	if (f->len == 0)
		return 0;
	size_t n = f->len;
	f->len = 0;
	return write_all(f, f->buf, n);
}

void __stdio_flush_all(void)
{
	fflush(stdout);
	fflush(stderr);
}

/* fwrite_bytes: append n bytes to f, flushing as its mode requires.
 * Returns 0 or EOF. */
static int fwrite_bytes(FILE *f, const char *p, size_t n)
{
	if (f->mode == _IONBF || f->cap == 0)
		return write_all(f, p, n);
	while (n > 0) {
		size_t room = f->cap - f->len, k = n < room ? n : room;
		memcpy(f->buf + f->len, p, k);
		f->len += k;
		p += k;
		n -= k;
		if (f->len == f->cap && fflush(f) == EOF)
			return EOF;
	}
	if (f->mode == _IOLBF && f->len && memchr(f->buf, '\n', f->len))
		return fflush(f);
	return 0;
}

size_t fwrite(const void *p, size_t size, size_t n, FILE *f)
{
	if (size == 0 || n == 0)
		return 0;
	return fwrite_bytes(f, p, size * n) == EOF ? 0 : n;
}

int fputc(int c, FILE *f)
{
	char ch = (char)c;

	if (f->mode != _IONBF && f->len < f->cap && ch != '\n') {
		f->buf[f->len++] = ch;	/* fast path: no flush possible */
		return (unsigned char)ch;
	}
	return fwrite_bytes(f, &ch, 1) == EOF ? EOF : (unsigned char)ch;
}

int putc(int c, FILE *f) { return fputc(c, f); }
int putchar(int c) { return fputc(c, stdout); }

int fputs(const char *s, FILE *f)
{
	return fwrite_bytes(f, s, strlen(s)) == EOF ? EOF : 0;
}

int puts(const char *s)
{
	if (fputs(s, stdout) == EOF)
		return EOF;
	return fputc('\n', stdout) == EOF ? EOF : 0;
}

/* setvbuf must precede any output on f (C11 7.21.5.6); returns 0 or -1. */
int setvbuf(FILE *f, char *buf, int mode, size_t size)
{
	if (mode != _IOFBF && mode != _IOLBF && mode != _IONBF)
		return -1;
	if (fflush(f) == EOF)
		return -1;
	f->mode = mode;
	if (buf && size) {
		f->buf = buf;
		f->cap = size;
	} else if (mode != _IONBF && !f->buf) {
		return -1;	/* no buffer of our own for this stream */
	}
	return 0;
}

int fgetc(FILE *f)
{
	unsigned char c;
	ssize_t r;

	if (f == stdin)
		fflush(stdout);	/* prompts appear before input is read */
	do
		r = read(f->fd, &c, 1);
	while (r < 0 && errno == EINTR);
	if (r == 1)
		return c;
	if (r == 0)
		f->eof = 1;
	else
		f->error = 1;
	return EOF;
}

int getc(FILE *f) { return fgetc(f); }
int getchar(void) { return fgetc(stdin); }

char *fgets(char *s, int n, FILE *f)
{
	int i = 0;

	if (n <= 0)
		return 0;
	while (i < n - 1) {
		int c = fgetc(f);
		if (c == EOF)
			break;
		s[i++] = (char)c;
		if (c == '\n')
			break;
	}
	if (i == 0)
		return 0;
	s[i] = 0;
	return s;
}

int ferror(FILE *f) { return f->error; }
int feof(FILE *f) { return f->eof; }
int fileno(FILE *f) { return f->fd; }

void perror(const char *s)
{
	int e = errno;

	if (s && *s)
		fprintf(stderr, "%s: %s\n", s, strerror(e));
	else
		fprintf(stderr, "%s\n", strerror(e));
}
