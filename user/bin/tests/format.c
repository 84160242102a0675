/*
 * format - the printf family against known strings: every conversion, flag,
 * width, precision and length modifier the library supports, snprintf's
 * truncation and return value, and the return values of sprintf/printf.
 * The expected strings are those C11 7.21.6.1 prescribes (glibc prints the
 * same; this file also builds on the host to confirm that).
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "check.h"

/* Some cases pass int for %hh/%h (promoted, as the ABI does anyway) or
 * combine flags that override each other; that is what they test. */
#pragma clang diagnostic ignored "-Wformat"

#define T(want, ...) do { \
		char buf_[256]; \
		snprintf(buf_, sizeof buf_, __VA_ARGS__); \
		check_str(#__VA_ARGS__, buf_, want); \
	} while (0)

int main(void)
{
	/* integers */
	T("0", "%d", 0);
	T("-1", "%d", -1);
	T("2147483647 -2147483648", "%d %d", INT_MAX, INT_MIN);
	T("4294967295", "%u", UINT_MAX);
	T("-9223372036854775808", "%lld", LLONG_MIN);
	T("9223372036854775807", "%ld", LONG_MAX);
	T("18446744073709551615", "%llu", ULLONG_MAX);
	T("ffffffffffffffff", "%lx", (unsigned long)-1);
	T("DEADBEEF", "%X", 0xdeadbeefu);
	T("777", "%o", 0777);
	T("42", "%i", 42);
	/* length modifiers truncate */
	T("-128 255", "%hhd %hhu", 128, 255);
	T("-1 65535", "%hd %hu", 65535, 65535);
	T("ff", "%hhx", 0x1ff);
	T("18446744073709551615", "%zu", (size_t)-1);
	T("-5", "%td", (ptrdiff_t)-5);
	T("-7", "%jd", (intmax_t)-7);
	/* width, flags */
	T("   42", "%5d", 42);
	T("42   |", "%-5d|", 42);
	T("00042", "%05d", 42);
	T("-0042", "%05d", -42);
	T("+42", "%+d", 42);
	T(" 42", "% d", 42);
	T("+42", "%+ d", 42);
	T("-42", "% d", -42);
	T("42   ", "%-05d", 42);
	T("0x2a", "%#x", 42);
	T("0X2A", "%#X", 42);
	T("0", "%#x", 0);
	T("052", "%#o", 42);
	T("0", "%#o", 0);
	T("0x0000002a", "%#010x", 42);
	/* precision */
	T("00042", "%.5d", 42);
	T("  00042", "%7.5d", 42);
	T("-00042", "%.5d", -42);
	T("   42", "%05.2d", 42);
	T("", "%.0d", 0);
	T("  ", "%2.0d", 0);
	T("0", "%#.0o", 0);
	T("0x00ff", "%#.4x", 255);
	/* star */
	T("   42", "%*d", 5, 42);
	T("42   |", "%*d|", -5, 42);
	T("007", "%.*d", 3, 7);
	T("7", "%.*d", -3, 7);
	/* characters and strings */
	T("x", "%c", 'x');
	T("  x", "%3c", 'x');
	T("x  |", "%-3c|", 'x');
	T("hello", "%s", "hello");
	T("hel", "%.3s", "hello");
	T("   hello", "%8s", "hello");
	T("hello   |", "%-8s|", "hello");
	T("  hel", "%5.3s", "hello");
	T("(null)", "%s", (char *)NULL);
	T("", "%s", "");
	/* pointers */
	T("0x1234", "%p", (void *)0x1234);
	T("(nil)", "%p", (void *)0);
	T("  0x10", "%6p", (void *)0x10);
	/* percent and mixtures */
	T("100%", "%d%%", 100);
	T("a=1 b=-2 c=ff d=str e=z", "a=%d b=%ld c=%x d=%s e=%c", 1, -2L, 255, "str", 'z');
	T("[    -123456789]", "[%14lld]", -123456789LL);

	/* snprintf truncation: returns the untruncated length, always terminates */
	char small[8];
	int n = snprintf(small, sizeof small, "%s", "abcdefghijkl");
	check_u64("snprintf returns full length", (uint64_t)n, 12);
	check_str("snprintf truncates", small, "abcdefg");
	n = snprintf(small, 1, "%d", 12345);
	check_u64("snprintf size 1 returns length", (uint64_t)n, 5);
	check_str("snprintf size 1 gives empty string", small, "");
	n = snprintf(NULL, 0, "%05d|%s", 3, "xyz");
	check_u64("snprintf(NULL, 0) measures", (uint64_t)n, 9);
	char big[64];
	n = sprintf(big, "%s-%d", "sprintf", 99);
	check_u64("sprintf returns length", (uint64_t)n, 10);
	check_str("sprintf", big, "sprintf-99");
	char wide[300];
	memset(wide, 'q', sizeof wide);
	n = snprintf(wide, sizeof wide, "%200d|", 1);
	check_u64("wide field length", (uint64_t)n, 201);
	check_true("wide field content", wide[0] == ' ' && wide[198] == ' ' && wide[199] == '1' &&
	           wide[200] == '|' && wide[201] == 0);

	/* printf's return value counts what it wrote */
	n = printf("printf line %d\n", 7);
	check_u64("printf returns count", (uint64_t)n, 14);
	n = fprintf(stdout, "%-4s|\n", "ab");
	check_u64("fprintf returns count", (uint64_t)n, 6);
	fputs("fputs line\n", stdout);
	puts("puts line");
	putchar('!');
	putchar('\n');
	return check_done("format");
}
