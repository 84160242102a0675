/*
 * stdlib.c - number conversion (C11 7.22.1), integer arithmetic, sorting and
 * searching (7.22.5), a pseudo-random generator (7.22.2) and getenv.
 *
 * rand() is a 64-bit linear congruential generator (Knuth's MMIX multiplier
 * 6364136223846793005, increment 1442695040888963407) returning the top 31
 * bits of the state: deterministic for a given srand() seed, seed 1 at start.
 *
 * qsort is a quicksort (Hoare, "Quicksort", 1962) with median-of-three pivots
 * (Sedgewick), insertion sort below 8 elements, recursion on the smaller
 * part only, so the stack depth is O(log n) whatever the input.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- conversions ---------------------------------------------------------- */

/* parse_uint: the common part of the strto* family.  Skips white space and
 * an optional sign, reads digits in `base` (0: C prefix rules).  Sets *neg,
 * *end (to s when there are no digits) and returns the magnitude clamped to
 * ULLONG_MAX with *overflow set when it does not fit. */
static unsigned long long parse_uint(const char *s, char **end, int base, int *neg, int *overflow)
{
	const char *p = s;
	unsigned long long v = 0;
	int any = 0;

	*neg = 0;
	*overflow = 0;
	if (base < 0 || base == 1 || base > 36) {
		errno = EINVAL;
		if (end)
			*end = (char *)s;
		return 0;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] | 32) == 'x' && isxdigit((unsigned char)p[2])) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	for (;; p++) {
		int c = (unsigned char)*p, d;
		if (isdigit(c))
			d = c - '0';
		else if (isalpha(c))
			d = (c | 32) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		any = 1;
		if (v > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
			*overflow = 1;
		else
			v = v * (unsigned)base + (unsigned)d;
	}
	if (end)
		*end = (char *)(any ? p : s);
	return *overflow ? ULLONG_MAX : v;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
	int neg, ovf;
	unsigned long long v = parse_uint(s, end, base, &neg, &ovf);

	if (ovf) {
		errno = ERANGE;
		return ULLONG_MAX;
	}
	return neg ? -v : v;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	return strtoull(s, end, base);	/* unsigned long is 64-bit on LP64 */
}

long long strtoll(const char *s, char **end, int base)
{
	int neg, ovf;
	unsigned long long v = parse_uint(s, end, base, &neg, &ovf);

	if (neg) {
		if (ovf || v > (unsigned long long)LLONG_MAX + 1) {
			errno = ERANGE;
			return LLONG_MIN;
		}
		return (long long)(0 - v);
	}
	if (ovf || v > LLONG_MAX) {
		errno = ERANGE;
		return LLONG_MAX;
	}
	return (long long)v;
}

long strtol(const char *s, char **end, int base) { return strtoll(s, end, base); }
int atoi(const char *s) { return (int)strtol(s, 0, 10); }
long atol(const char *s) { return strtol(s, 0, 10); }
long long atoll(const char *s) { return strtoll(s, 0, 10); }

/* --- integer arithmetic --------------------------------------------------- */

int abs(int x) { return x < 0 ? -x : x; }
long labs(long x) { return x < 0 ? -x : x; }
long long llabs(long long x) { return x < 0 ? -x : x; }
div_t div(int n, int d) { return (div_t){ n / d, n % d }; }
ldiv_t ldiv(long n, long d) { return (ldiv_t){ n / d, n % d }; }

/* --- sorting and searching ------------------------------------------------ */

typedef int (*cmp_fn)(const void *, const void *);

static void swap_bytes(char *a, char *b, size_t size)
{
	if (((uintptr_t)a | (uintptr_t)b | size) % 8 == 0) {
		for (size_t i = 0; i < size; i += 8) {
			uint64_t t = *(uint64_t *)(a + i);
			*(uint64_t *)(a + i) = *(uint64_t *)(b + i);
			*(uint64_t *)(b + i) = t;
		}
		return;
	}
	for (size_t i = 0; i < size; i++) {
		char t = a[i];
		a[i] = b[i];
		b[i] = t;
	}
}

static void insertion_sort(char *base, size_t n, size_t size, cmp_fn cmp)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && cmp(base + (j - 1) * size, base + j * size) > 0; j--)
			swap_bytes(base + (j - 1) * size, base + j * size, size);
}

/* sort3: order a <= b <= c in place, leaving the median in b. */
static void sort3(char *a, char *b, char *c, size_t size, cmp_fn cmp)
{
	if (cmp(a, b) > 0)
		swap_bytes(a, b, size);
	if (cmp(b, c) > 0) {
		swap_bytes(b, c, size);
		if (cmp(a, b) > 0)
			swap_bytes(a, b, size);
	}
}

void qsort(void *vbase, size_t n, size_t size, cmp_fn cmp)
{
	char *base = vbase;

	while (n >= 8) {
		char *lo = base, *hi = base + (n - 1) * size, *mid = base + (n / 2) * size;
		size_t i, j;

		/* Median of three to lo+1: lo <= pivot <= hi act as sentinels. */
		sort3(lo, mid, hi, size, cmp);
		swap_bytes(mid, lo + size, size);
		char *pivot = lo + size;
		i = 1;
		j = n - 1;
		for (;;) {
			do i++; while (cmp(base + i * size, pivot) < 0);
			do j--; while (cmp(base + j * size, pivot) > 0);
			if (i >= j)
				break;
			swap_bytes(base + i * size, base + j * size, size);
		}
		swap_bytes(pivot, base + j * size, size);
		/* [0, j) <= pivot == [j] <= (j, n) */
		size_t left = j, right = n - j - 1;
		if (left < right) {
			qsort(base, left, size, cmp);
			base += (j + 1) * size;
			n = right;
		} else {
			qsort(base + (j + 1) * size, right, size, cmp);
			n = left;
		}
	}
	insertion_sort(base, n, size, cmp);
}

void *bsearch(const void *key, const void *base, size_t n, size_t size, cmp_fn cmp)
{
	const char *b = base;

	while (n > 0) {
		const char *mid = b + (n / 2) * size;
		int c = cmp(key, mid);
		if (c == 0)
			return (void *)mid;
		if (c > 0) {
			b = mid + size;
			n -= n / 2 + 1;
		} else {
			n /= 2;
		}
	}
	return 0;
}

/* --- pseudo-random numbers ------------------------------------------------ */

static uint64_t rand_state = 1;

void srand(unsigned seed) { rand_state = seed; }

int rand(void)
{
	rand_state = rand_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (int)(rand_state >> 33);
}

/* --- environment ---------------------------------------------------------- */

char *getenv(const char *name)
{
	size_t n = strlen(name);

	if (!environ)
		return 0;
	for (char **e = environ; *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return 0;
}
