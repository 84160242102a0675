/*
 * printf.c - formatted output (C11 7.21.6.1).
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
 *   length hh h l ll z t j L    conv  d i u x X o c s p n % f F e E g G a A
 * %p prints 0x followed by lowercase hex digits, "(nil)" for NULL; %s of
 * NULL prints "(null)" (both as glibc does).
 *
 * Floating point (%f %e %g %a) is exact: fp_decimal.c gives every decimal
 * digit of the double, so each result is the correctly rounded one (ties to
 * even), for any precision, and byte for byte what glibc prints.  It works on
 * the bit pattern in integer arithmetic only, so the soft-float lp64 build
 * formats doubles too.  A long double (%Lf; IEEE binary128 on riscv64) is
 * rounded to double first.  inf and nan print as glibc does ("-nan" too).
 *
 * An unknown or truncated conversion cannot be skipped safely (its argument's
 * type is unknown, so every later argument would be misread): the call
 * writes a diagnostic to fd 2, stops formatting and returns -1 with errno
 * EINVAL.  The format attribute in <stdio.h> makes the compiler check
 * formats at compile time, so this happens only with a format built at run
 * time.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fp_decimal.h"

struct sink {
	void (*put)(struct sink *s, const char *p, size_t n);
	size_t count;		/* characters produced so far */
	char *buf;		/* snprintf: destination ... */
	size_t cap;		/* ... and its size */
	FILE *file;		/* fprintf: destination stream */
	int failed;		/* an unknown conversion stopped the formatting */
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

/* --- floating point ------------------------------------------------------- */

/* A field body in pieces: text, or a run of n '0's when p is NULL. */
struct piece {
	const char *p;
	int n;
};

/* emit_pieces: prefix + body padded to the spec's width; zero padding (flag
 * 0) goes between the prefix and the body unless zero_ok is 0 (inf, nan). */
static void emit_pieces(struct sink *s, const struct spec *sp, const char *prefix,
			const struct piece *pc, int npc, int zero_ok)
{
	long len = (long)strlen(prefix);
	for (int i = 0; i < npc; i++)
		len += pc[i].n;
	long padl = sp->width - len;
	int pad = padl > INT_MAX ? INT_MAX : (int)padl;
	int zero = zero_ok && (sp->flags & F_ZERO);

	if (!(sp->flags & F_MINUS) && !zero)
		emit_pad(s, ' ', pad);
	emit(s, prefix, strlen(prefix));
	if (!(sp->flags & F_MINUS) && zero)
		emit_pad(s, '0', pad);
	for (int i = 0; i < npc; i++) {
		if (pc[i].p)
			emit(s, pc[i].p, (size_t)pc[i].n);
		else
			emit_pad(s, '0', pc[i].n);
	}
	if (sp->flags & F_MINUS)
		emit_pad(s, ' ', pad);
}

static int clampi(long v, long lo, long hi)
{
	return (int)(v < lo ? lo : v > hi ? hi : v);
}

/* exp_text: "e+05"-style exponent (at least `mindig` digits) into buf. */
static int exp_text(char *buf, char letter, int e, int mindig)
{
	char digits[8];
	int n = 0, len = 0;
	unsigned u = e < 0 ? (unsigned)-e : (unsigned)e;

	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (n < mindig)
		digits[n++] = '0';
	buf[len++] = letter;
	buf[len++] = e < 0 ? '-' : '+';
	while (n)
		buf[len++] = digits[--n];
	return len;
}

/* format_hexfloat: %a / %A of a finite non-negative double's bits. */
static void format_hexfloat(struct sink *s, struct spec sp, int upper, const char *sign,
			    uint64_t bits)
{
	const char *hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int exp = (int)(bits >> 52);
	uint64_t frac = bits & ((1ULL << 52) - 1);
	unsigned lead = exp ? 1 : 0;
	int e = exp ? exp - 1023 : (frac ? -1022 : 0);
	int nd;

	if (sp.prec >= 0 && sp.prec < 13) {
		int shift = 52 - 4 * sp.prec;
		uint64_t half = 1ULL << (shift - 1), rest = frac & ((1ULL << shift) - 1);
		uint64_t kept = frac >> shift;
		if (rest > half || (rest == half && ((kept | (uint64_t)lead << (4 * sp.prec)) & 1)))
			kept++;
		if (kept >> (4 * sp.prec)) {   /* carry into the leading digit */
			lead++;
			kept &= (1ULL << (4 * sp.prec)) - 1;
		}
		frac = kept << shift;
		nd = sp.prec;
	} else {
		nd = sp.prec >= 13 ? sp.prec : 13;
		if (sp.prec < 0)
			while (nd > 0 && !((frac >> (4 * (13 - nd))) & 0xf))
				nd--;
	}
	char prefix[4] = { sign[0], '0', upper ? 'X' : 'x', 0 }, body[40], expb[12];
	int bl = 0;
	if (!sign[0])
		memmove(prefix, prefix + 1, 3);
	body[bl++] = (char)hex[lead];
	if (nd > 0 || (sp.flags & F_ALT))
		body[bl++] = '.';
	for (int i = 0; i < nd && i < 13; i++)
		body[bl++] = hex[(frac >> (48 - 4 * i)) & 0xf];
	struct piece pc[3] = { { body, bl }, { NULL, nd > 13 ? nd - 13 : 0 },
			       { expb, exp_text(expb, upper ? 'P' : 'p', e, 1) } };
	emit_pieces(s, &sp, prefix, pc, 3, 1);
}

/* format_float: one of f F e E g G a A for the double with bit pattern bits. */
static void format_float(struct sink *s, struct spec sp, char conv, uint64_t bits)
{
	int upper = conv >= 'A' && conv <= 'Z';
	char lc = (char)(conv | 0x20);
	const char *sign = (bits >> 63) ? "-" : (sp.flags & F_PLUS) ? "+" :
			   (sp.flags & F_SPACE) ? " " : "";
	bits &= ~(1ULL << 63);

	if ((bits >> 52) == 0x7ff) {
		int nan = (bits & ((1ULL << 52) - 1)) != 0;
		struct piece pc = { nan ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf"), 3 };
		emit_pieces(s, &sp, sign, &pc, 1, 0);
		return;
	}
	if (lc == 'a') {
		format_hexfloat(s, sp, upper, sign, bits);
		return;
	}
	struct fp_decimal dec;
	int prec = sp.prec < 0 ? 6 : sp.prec;
	int estyle = lc == 'e', alt = (sp.flags & F_ALT) != 0;

	fp_to_decimal(bits, &dec);
	if (lc == 'g') {
		int P = prec ? prec : 1;
		fp_round_decimal(&dec, P);
		int X = dec.exp10;
		estyle = !(P > X && X >= -4);
		prec = estyle ? P - 1 : P - 1 - X;
		if (!alt)       /* %g drops trailing zeros */
			prec = clampi(estyle ? dec.n - 1 : dec.n - 1 - X, 0, prec);
	} else {
		fp_round_decimal(&dec, estyle ? prec + 1 : clampi((long)dec.exp10 + 1 + prec, -1, INT_MAX));
	}
	char expb[12];
	struct piece pc[7];
	int np = 0, E = dec.exp10;
	if (estyle) {
		pc[np++] = (struct piece){ dec.d, 1 };
		if (prec > 0 || alt)
			pc[np++] = (struct piece){ ".", 1 };
		int have = clampi(dec.n - 1, 0, prec);
		pc[np++] = (struct piece){ dec.d + 1, have };
		pc[np++] = (struct piece){ NULL, prec - have };
		pc[np++] = (struct piece){ expb, exp_text(expb, upper ? 'E' : 'e', E, 2) };
	} else {
		if (E >= 0) {
			int have = clampi((long)E + 1, 0, dec.n);
			pc[np++] = (struct piece){ dec.d, have };
			pc[np++] = (struct piece){ NULL, E + 1 - have };
		} else {
			pc[np++] = (struct piece){ "0", 1 };
		}
		if (prec > 0 || alt)
			pc[np++] = (struct piece){ ".", 1 };
		int lead = clampi(-(long)E - 1, 0, prec);
		int start = E + 1 > 0 ? E + 1 : 0;
		int have = clampi((long)dec.n - start, 0, prec - lead);
		pc[np++] = (struct piece){ NULL, lead };
		pc[np++] = (struct piece){ dec.d + start, have };
		pc[np++] = (struct piece){ NULL, prec - lead - have };
	}
	emit_pieces(s, &sp, sign, pc, np, 1);
}

/* long double on riscv64 is IEEE binary128: round it to a double's bits. */
static uint64_t quad_to_double_bits(long double v)
{
	uint64_t w[2];
	memcpy(w, &v, sizeof w);
	uint64_t lo = w[0], hi = w[1];
	uint64_t sign = hi & (1ULL << 63);
	int e = (int)((hi >> 48) & 0x7fff);
	uint64_t mhi = hi & ((1ULL << 48) - 1);

	if (e == 0x7fff)
		return sign | (0x7ffULL << 52) | ((mhi | lo) ? 1ULL << 51 : 0);
	if (e == 0)
		return sign;    /* zero, or far below the smallest double */
	/* the 113-bit significand's top 64 bits, and whether lower ones are set */
	uint64_t q = (1ULL << 63) | (mhi << 15) | (lo >> 49);
	int sticky = (lo & ((1ULL << 49) - 1)) != 0, range;
	return sign | fp_from_binary(q, e - 16383 - 63, sticky, &fp_double, &range);
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

		/* length: 0 int, 1 long (l, z, t, j on LP64), 2 long long, 3 long
		 * double (L; long long for integers, as glibc), -1 short, -2 char */
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
		} else if (*fmt == 'L') {
			lenmod = 3;
			fmt++;
		}

		char conv = *fmt;
		if (conv)
			fmt++;
		switch (conv) {
		case 'd': case 'i': {
			intmax_t v;
			if (lenmod == 3) lenmod = 2;
			if (lenmod >= 1) v = lenmod == 2 ? va_arg(ap, long long) : va_arg(ap, long);
			else v = va_arg(ap, int);
			if (lenmod == -1) v = (short)v;
			if (lenmod == -2) v = (signed char)v;
			format_int(s, sp, conv, v < 0 ? -(uintmax_t)v : (uintmax_t)v, v < 0);
			break;
		}
		case 'u': case 'x': case 'X': case 'o': {
			uintmax_t v;
			if (lenmod == 3) lenmod = 2;
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
		case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A': {
			uint64_t bits;
			if (lenmod == 3) {
				bits = quad_to_double_bits(va_arg(ap, long double));
			} else {
				double d = va_arg(ap, double);
				memcpy(&bits, &d, sizeof bits);
			}
			format_float(s, sp, conv, bits);
			break;
		}
		case 'n': {
			void *p = va_arg(ap, void *);
			if (lenmod == -2) *(signed char *)p = (signed char)s->count;
			else if (lenmod == -1) *(short *)p = (short)s->count;
			else if (lenmod == 1) *(long *)p = (long)s->count;
			else if (lenmod >= 2) *(long long *)p = (long long)s->count;
			else *(int *)p = (int)s->count;
			break;
		}
		case '%':
			emit(s, "%", 1);
			break;
		default: {
			/* unknown or truncated: its argument cannot be skipped safely */
			static const char msg[] = "printf: unsupported conversion in format: ";
			(void)!write(2, msg, sizeof msg - 1);
			(void)!write(2, start, (size_t)(fmt - start));
			(void)!write(2, "\n", 1);
			s->failed = 1;
			errno = EINVAL;
			return;
		}
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
	struct sink s = { put_buf, 0, buf, n ? n - 1 : 0, 0, 0 };

	format(&s, fmt, ap);
	if (n)
		buf[s.count < n - 1 ? s.count : n - 1] = 0;
	return s.failed || s.count > INT_MAX ? -1 : (int)s.count;
}

int vsprintf(char *buf, const char *fmt, va_list ap) { return vsnprintf(buf, SIZE_MAX, fmt, ap); }

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
	struct sink s = { put_file, 0, 0, 0, f, 0 };

	format(&s, fmt, ap);
	if (s.failed || ferror(f))
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
