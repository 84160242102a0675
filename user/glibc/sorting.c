/* sorting - qsort and bsearch over ints, doubles and strings. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#define N 20000

int main(void)
{
	static int v[N];
	static double d[N];
	uint32_t s = 12345;
	for (int i = 0; i < N; i++) {
		s = s * 1103515245u + 12345u;
		v[i] = (int)(s >> 8) % 100000 - 50000;
		d[i] = (double)v[i] / 7.0;
	}
	qsort(v, N, sizeof v[0], cmp_int);
	qsort(d, N, sizeof d[0], cmp_double);
	long long sum = 0;
	int sorted = 1;
	for (int i = 0; i < N; i++) {
		sum += (long long)v[i] * (i + 1);
		if (i && (v[i - 1] > v[i] || d[i - 1] > d[i]))
			sorted = 0;
	}
	printf("ints sorted %d, weighted sum %lld, min %d max %d\n", sorted, sum, v[0], v[N - 1]);
	printf("doubles: min %.17g median %.17g max %.17g\n", d[0], d[N / 2], d[N - 1]);
	int found = 0;
	for (int key = -50000; key < 50000; key += 37)
		found += bsearch(&key, v, N, sizeof v[0], cmp_int) != NULL;
	printf("bsearch found %d of %d keys\n", found, (100000 + 36) / 37);
	char *words[] = { "pear", "apple", "fig", "banana", "kiwi", "cherry", "date", "grape", "lime", "mango" };
	int nw = sizeof words / sizeof words[0];
	qsort(words, nw, sizeof words[0], cmp_str);
	for (int i = 0; i < nw; i++)
		printf("%s%c", words[i], i + 1 < nw ? ' ' : '\n');
	char *key = "kiwi";
	char **hit = bsearch(&key, words, nw, sizeof words[0], cmp_str);
	printf("kiwi at %ld\n", hit ? (long)(hit - words) : -1L);
	return 0;
}
