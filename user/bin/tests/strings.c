/*
 * strings - string.h, strings.h, ctype.h and the stdlib conversions against
 * values C11 prescribes: memcpy/memmove over overlapping and unaligned
 * ranges (checked against a byte loop), memset, comparisons' signs, search
 * functions, strtol/strtoul bases, prefixes, overflow (ERANGE, clamping) and
 * end pointers, atoi, abs/div and the deterministic rand() sequence.
 * Builds on the host too, where glibc confirms every expectation except the
 * rand() sequence, which is this library's own.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "check.h"

static unsigned char src[256], dst[256], ref[256];

static int sign(int x) { return (x > 0) - (x < 0); }

/* memmove_mismatches: memmove over every (dst, src, len) combination in a
 * small window, compared with a reference done through a temporary. */
static int memmove_mismatches(void)
{
	int bad = 0;
	for (int d = 0; d < 24; d++)
		for (int s = 0; s < 24; s++)
			for (int n = 0; n < 40; n += 3) {
				unsigned char t[64];
				for (int i = 0; i < 100; i++)
					dst[i] = ref[i] = (unsigned char)(i * 7 + 1);
				for (int i = 0; i < n; i++)
					t[i] = ref[s + i];
				for (int i = 0; i < n; i++)
					ref[d + i] = t[i];
				memmove(dst + d, dst + s, (size_t)n);
				bad += memcmp(dst, ref, 100) != 0;
			}
	return bad;
}

static int memcpy_memset_mismatches(void)
{
	int bad = 0;
	for (int i = 0; i < 256; i++)
		src[i] = (unsigned char)(i * 13 + 5);
	for (int d = 0; d < 9; d++)
		for (int s = 0; s < 9; s++)
			for (int n = 0; n < 100; n += 7) {
				memset(dst, 0xee, sizeof dst);
				memcpy(dst + d, src + s, (size_t)n);
				for (int i = 0; i < 128; i++) {
					unsigned char want = (i >= d && i < d + n) ? src[s + i - d] : 0xee;
					bad += dst[i] != want;
				}
				memset(dst + s, d, (size_t)n);
				for (int i = s; i < s + n; i++)
					bad += dst[i] != d;
				bad += dst[s + n] == d && s + n < 128 && !(s + n >= d && s + n < d + n &&
				       src[s + (s + n) - d] == d);
			}
	return bad;
}

int main(void)
{
	check_u64("memcpy/memset mismatches", (uint64_t)memcpy_memset_mismatches(), 0);
	check_u64("memmove mismatches", (uint64_t)memmove_mismatches(), 0);

	check_u64("strlen", strlen("hello"), 5);
	check_u64("strlen empty", strlen(""), 0);
	check_u64("strnlen", strnlen("hello", 3), 3);
	check_u64("strcmp equal", (uint64_t)sign(strcmp("abc", "abc")), 0);
	check_u64("strcmp less", (uint64_t)sign(strcmp("abc", "abd")), (uint64_t)-1);
	check_u64("strcmp prefix", (uint64_t)sign(strcmp("ab", "abc")), (uint64_t)-1);
	check_u64("strcmp unsigned", (uint64_t)sign(strcmp("\x80", "a")), 1);
	check_u64("strncmp", (uint64_t)sign(strncmp("abcx", "abcy", 3)), 0);
	check_u64("memcmp unsigned", (uint64_t)sign(memcmp("\xff", "\x01", 1)), 1);
	check_u64("strcasecmp", (uint64_t)sign(strcasecmp("HeLLo", "hello")), 0);
	check_u64("strncasecmp", (uint64_t)sign(strncasecmp("ABCd", "abce", 4)), (uint64_t)-1);

	char buf[32];
	strcpy(buf, "foo");
	strcat(buf, "bar");
	check_str("strcpy+strcat", buf, "foobar");
	strncat(buf, "bazzz", 3);
	check_str("strncat", buf, "foobarbaz");
	memset(buf, 'x', sizeof buf);
	strncpy(buf, "ab", 5);
	check_true("strncpy pads with NULs", buf[2] == 0 && buf[4] == 0 && buf[5] == 'x');
	const char *s = "hello, world";
	check_u64("strchr", (uint64_t)(strchr(s, 'o') - s), 4);
	check_u64("strrchr", (uint64_t)(strrchr(s, 'o') - s), 8);
	check_u64("strchr NUL", (uint64_t)(strchr(s, 0) - s), 12);
	check_true("strchr missing", strchr(s, 'z') == NULL);
	check_u64("strstr", (uint64_t)(strstr(s, "wor") - s), 7);
	check_true("strstr empty needle", strstr(s, "") == s);
	check_true("strstr missing", strstr(s, "word") == NULL);
	check_u64("memchr", (uint64_t)((const char *)memchr(s, ',', 12) - s), 5);
	check_u64("strspn", strspn("aabbcd", "ab"), 4);
	check_u64("strcspn", strcspn("hello", "lo"), 2);
	check_u64("strpbrk", (uint64_t)(strpbrk(s, " ,") - s), 5);
	check_str("strerror(ENOMEM)", strerror(ENOMEM), "Cannot allocate memory");

	int classes = 0;
	for (int c = 0; c < 128; c++)
		classes = classes * 3 + !!isalpha(c) + !!isdigit(c) * 2 + !!isspace(c) * 4 +
		          !!ispunct(c) * 8 + !!isxdigit(c) * 16 + !!isupper(c) * 32 + !!iscntrl(c) * 64 +
		          !!isprint(c) * 128;
	check_u64("ctype classes digest", (uint64_t)(unsigned)classes, 0xef1c1490);
	check_true("toupper/tolower", toupper('a') == 'A' && tolower('Z') == 'z' && toupper('1') == '1');

	char *end;
	check_u64("strtol decimal", (uint64_t)strtol("  -1234xyz", &end, 10), (uint64_t)-1234);
	check_str("strtol end", end, "xyz");
	check_u64("strtol hex prefix", (uint64_t)strtol("0x1F", &end, 16), 31);
	check_u64("strtol base 0 hex", (uint64_t)strtol("0X1f", &end, 0), 31);
	check_u64("strtol base 0 octal", (uint64_t)strtol("017", &end, 0), 15);
	check_u64("strtol base 36", (uint64_t)strtol("zz", &end, 36), 1295);
	check_u64("strtol 0x without digits", (uint64_t)strtol("0xg", &end, 16), 0);
	check_str("strtol 0x end", end, "xg");
	check_u64("strtol no digits", (uint64_t)strtol("+", &end, 10), 0);
	check_str("strtol no digits end", end, "+");
	errno = 0;
	check_u64("strtol overflow", (uint64_t)strtol("9223372036854775808", &end, 10), LONG_MAX);
	check_u64("strtol overflow errno", (uint64_t)errno, ERANGE);
	errno = 0;
	check_u64("strtol min", (uint64_t)strtol("-9223372036854775808", &end, 10), (uint64_t)LONG_MIN);
	check_u64("strtol min errno", (uint64_t)errno, 0);
	check_u64("strtol underflow", (uint64_t)strtol("-9223372036854775809", &end, 10), (uint64_t)LONG_MIN);
	check_u64("strtoul max", strtoul("18446744073709551615", &end, 10), ULONG_MAX);
	errno = 0;
	check_u64("strtoul overflow", strtoul("18446744073709551616", &end, 10), ULONG_MAX);
	check_u64("strtoul overflow errno", (uint64_t)errno, ERANGE);
	check_u64("strtoul negates", strtoul("-1", &end, 10), ULONG_MAX);
	check_u64("strtoull binary", strtoull("101101", &end, 2), 45);
	check_u64("atoi", (uint64_t)atoi("  +77 apples"), 77);
	check_u64("atol", (uint64_t)atol("-5000000000"), (uint64_t)-5000000000LL);

	check_u64("abs", (uint64_t)abs(-5), 5);
	check_u64("llabs", (uint64_t)llabs(-5000000000LL), 5000000000ULL);
	div_t q = div(-7, 2);
	check_true("div -7/2", q.quot == -3 && q.rem == -1);

#ifdef __riscv
	srand(1);
	int r1 = rand(), r2 = rand();
	srand(1);
	check_true("srand repeats the sequence", rand() == r1 && rand() == r2);
	check_u64("rand() after srand(1)", (uint64_t)r1, 0x362bb7d6);
	uint64_t acc = 0;
	for (int i = 0; i < 1000; i++) {
		int r = rand();
		if (r < 0 || r > RAND_MAX)
			acc = ~0ULL;
		acc = acc * 31 + (uint64_t)r;
	}
	printf("rand digest 0x%016llx\n", (unsigned long long)acc);
#endif
	return check_done("strings");
}
