/*
 * printf.c - formatted output (C11 7.21.6.1, without floating point).
 *
 * One formatter, format(), walks the format string and emits characters
 * through a sink; snprintf's sink stores into a bounded buffer and counts
 * what would have been written, fprintf's sink appends to a stream.
 *
 * A conversion is  %[flags][width][.precision][length]conv  with
 *   flags  '-' left-justify, '+' sign always, ' ' space for sign,
 *          '0' pad with zeros (ignored with '-' or, for integers, with a
 *          precision), '#' alternate form (0x / 0X prefix, leading 0 for o)
 *   width, precision: decimal or '*' (taken from the arguments; a negative
 *          width means '-', a negative precision means none)
 *   length hh h l ll z t j      conv  d i u x X o c s p %
 * %p prints 0x followed by lowercase hex digits, "(nil)" for NULL; %s of
 * NULL prints "(null)" (both as glibc does).  An unknown conversion is
 * printed literally.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct sink {
	void (*put)(struct sink *s, const char *p, size_t n);
	size_t count;		/* characters produced so far */
	char *buf;		/* snprintf: destination ... */
	size_t cap;		/* ... and its size */
	FILE *file;		/* fprintf: destination stream */
};

static void emit(struct sink *s, const char *p, size_t n)
{
	s->put(s, p, n);
	s->count += n;
}

static void emit_pad(struct sink *s, char c, int n)
{
	char block[16];

	memset(block, c, sizeof block);
	for (; n > 0; n -= 16)
		emit(s, block, n < 16 ? (size_t)n : 16);
}

enum { F_MINUS = 1, F_PLUS = 2, F_SPACE = 4, F_ZERO = 8, F_ALT = 16 };

struct spec {
	int flags;
	int width;
	int prec;		/* -1: none given */
};

/* emit_field: body with sign/prefix, padded to the spec's width. */
static void emit_field(struct sink *s, const struct spec *sp, const char *prefix,
                       int zeros, const char *body, int len)
{
	int plen = (int)strlen(prefix);
	int pad = sp->width - plen - zeros - len;

	if (!(sp->flags & F_MINUS) && !(sp->flags & F_ZERO))
		emit_pad(s, ' ', pad);
	emit(s, prefix, (size_t)plen);
	if (!(sp->flags & F_MINUS) && (sp->flags & F_ZERO))
		emit_pad(s, '0', pad);
	emit_pad(s, '0', zeros);
	emit(s, body, (size_t)len);
	if (sp->flags & F_MINUS)
		emit_pad(s, ' ', pad);
}

/* format_int: one integer conversion.  v is the magnitude, neg its sign
 * (signed conversions only). */
static void format_int(struct sink *s, struct spec sp, char conv, uintmax_t v, int neg)
{
	char digits[24];
	int len = 0;
	unsigned base = conv == 'o' ? 8 : (conv == 'x' || conv == 'X' || conv == 'p') ? 16 : 10;
	const char *hex = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	const char *prefix = "";
	int zeros;

	for (uintmax_t t = v; t; t /= base)
		digits[sizeof digits - 1 - len++] = hex[t % base];
	if (sp.prec < 0)
		sp.prec = 1;
	else
		sp.flags &= ~F_ZERO;
	zeros = sp.prec > len ? sp.prec - len : 0;
	if (conv == 'd' || conv == 'i') {
		prefix = neg ? "-" : (sp.flags & F_PLUS) ? "+" : (sp.flags & F_SPACE) ? " " : "";
	} else if (conv == 'p' || ((sp.flags & F_ALT) && v != 0 && base == 16)) {
		prefix = conv == 'X' ? "0X" : "0x";
	} else if ((sp.flags & F_ALT) && conv == 'o' && zeros == 0) {
		zeros = 1;	/* digits never start with 0: add the one '#' asks for */
	}
	emit_field(s, &sp, prefix, zeros, digits + sizeof digits - len, len);
}

/* read_int: a decimal field of the format (width or precision), clamped. */
static int read_int(const char **fp)
{
	long v = 0;

	while (**fp >= '0' && **fp <= '9') {
		if (v < INT_MAX)
			v = v * 10 + (*(*fp)++ - '0');
		else
			(*fp)++;
	}
	return v > INT_MAX ? INT_MAX : (int)v;
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
	while (*fmt) {
		const char *lit = fmt;
		while (*fmt && *fmt != '%')
			fmt++;
		if (fmt > lit)
			emit(s, lit, (size_t)(fmt - lit));
		if (!*fmt)
			break;

		const char *start = fmt++;
		struct spec sp = { 0, 0, -1 };
		for (;; fmt++) {
			if (*fmt == '-') sp.flags |= F_MINUS;
			else if (*fmt == '+') sp.flags |= F_PLUS;
			else if (*fmt == ' ') sp.flags |= F_SPACE;
			else if (*fmt == '0') sp.flags |= F_ZERO;
			else if (*fmt == '#') sp.flags |= F_ALT;
			else break;
		}
		if (*fmt == '*') {
			fmt++;
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.flags |= F_MINUS;
				sp.width = sp.width == INT_MIN ? INT_MAX : -sp.width;
			}
		} else {
			sp.width = read_int(&fmt);
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				fmt++;
				sp.prec = va_arg(ap, int);
				if (sp.prec < 0)
					sp.prec = -1;
			} else {
				sp.prec = read_int(&fmt);
			}
		}
		if (sp.flags & F_MINUS)
			sp.flags &= ~F_ZERO;

		/* length: 0 int, 1 long (l, z, t, j on LP64), 2 long long, -1 short, -2 char */
		int lenmod = 0;
		if (*fmt == 'h') {
			lenmod = fmt[1] == 'h' ? -2 : -1;
			fmt += fmt[1] == 'h' ? 2 : 1;
		} else if (*fmt == 'l') {
			lenmod = fmt[1] == 'l' ? 2 : 1;
			fmt += fmt[1] == 'l' ? 2 : 1;
		} else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j') {
			lenmod = 1;
			fmt++;
		}

		char conv = *fmt;
		if (conv)
			fmt++;
		switch (conv) {
		case 'd': case 'i': {
			intmax_t v;
			if (lenmod >= 1) v = lenmod == 2 ? va_arg(ap, long long) : va_arg(ap, long);
			else v = va_arg(ap, int);
			if (lenmod == -1) v = (short)v;
			if (lenmod == -2) v = (signed char)v;
			format_int(s, sp, conv, v < 0 ? -(uintmax_t)v : (uintmax_t)v, v < 0);
			break;
		}
		case 'u': case 'x': case 'X': case 'o': {
			uintmax_t v;
			if (lenmod >= 1) v = lenmod == 2 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned long);
			else v = va_arg(ap, unsigned);
			if (lenmod == -1) v = (unsigned short)v;
			if (lenmod == -2) v = (unsigned char)v;
			format_int(s, sp, conv, v, 0);
			break;
		}
		case 'p': {
			void *p = va_arg(ap, void *);
			if (!p) {
				sp.prec = -1;
				emit_field(s, &sp, "", 0, "(nil)", 5);
			} else {
				format_int(s, sp, 'p', (uintptr_t)p, 0);
			}
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			sp.flags &= ~F_ZERO;
			emit_field(s, &sp, "", 0, &c, 1);
			break;
		}
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			size_t n = sp.prec >= 0 ? strnlen(str, (size_t)sp.prec) : strlen(str);
			sp.flags &= ~F_ZERO;
			emit_field(s, &sp, "", 0, str, (int)n);
			break;
		}
		case '%':
			emit(s, "%", 1);
			break;
		default:	/* unknown or truncated: print the directive as is */
			emit(s, start, (size_t)(fmt - start));
			break;
		}
	}
}

/* --- sinks and entry points ----------------------------------------------- */

static void put_buf(struct sink *s, const char *p, size_t n)
{
	if (s->count < s->cap) {
		size_t room = s->cap - s->count;
		memcpy(s->buf + s->count, p, n < room ? n : room);
	}
}

static void put_file(struct sink *s, const char *p, size_t n)
{
	fwrite(p, 1, n, s->file);
}

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct sink s = { put_buf, 0, buf, n ? n - 1 : 0, 0 };

	format(&s, fmt, ap);
	if (n)
		buf[s.count < n - 1 ? s.count : n - 1] = 0;
	return s.count > INT_MAX ? -1 : (int)s.count;
}

int vsprintf(char *buf, const char *fmt, va_list ap) { return vsnprintf(buf, SIZE_MAX, fmt, ap); }

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
	struct sink s = { put_file, 0, 0, 0, f };

	format(&s, fmt, ap);
	if (ferror(f))
		return -1;
	return s.count > INT_MAX ? -1 : (int)s.count;
}

int vprintf(const char *fmt, va_list ap) { return vfprintf(stdout, fmt, ap); }

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

int sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(buf, SIZE_MAX, fmt, ap);
	va_end(ap);
	return r;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return r;
}

int fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

int dprintf(int fd, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (r < 0)
		return r;
	size_t n = (size_t)r < sizeof buf ? (size_t)r : sizeof buf - 1;
	return write(fd, buf, n) < 0 ? -1 : r;
}
