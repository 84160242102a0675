/*
 * sort - sorts 20000 pseudo-random integers three ways (library qsort, a
 * bottom-up merge sort, a heap sort) plus adversarial inputs (sorted,
 * reversed, all equal, organ pipe), and checks each result is ordered and a
 * permutation of the input (same sum and xor of element hashes).  Sorting
 * records by key checks the merge sort is stable.  A checksum of the sorted
 * data is printed for comparison across machines.
 */
#include <stdlib.h>
#include <string.h>
#include "check.h"

#define N 20000

static int a[N], b[N], tmp[N];

static int cmp_int(const void *x, const void *y)
{
	int p = *(const int *)x, q = *(const int *)y;
	return (p > q) - (p < q);
}

static void merge_sort(int *v, int n)
{
	for (int w = 1; w < n; w *= 2) {
		for (int lo = 0; lo < n; lo += 2 * w) {
			int mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			int i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp[k++] = v[j] < v[i] ? v[j++] : v[i++];
			while (i < mid)
				tmp[k++] = v[i++];
			while (j < hi)
				tmp[k++] = v[j++];
		}
		memcpy(v, tmp, (size_t)n * sizeof *v);
	}
}

static void sift(int *v, int i, int n)
{
	for (;;) {
		int c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && v[c + 1] > v[c])
			c++;
		if (v[i] >= v[c])
			return;
		int t = v[i]; v[i] = v[c]; v[c] = t;
		i = c;
	}
}

static void heap_sort(int *v, int n)
{
	for (int i = n / 2 - 1; i >= 0; i--)
		sift(v, i, n);
	for (int end = n - 1; end > 0; end--) {
		int t = v[0]; v[0] = v[end]; v[end] = t;
		sift(v, 0, end);
	}
}

static uint64_t hash(int x) { return ((uint64_t)(unsigned)x * 0x9e3779b97f4a7c15ULL) >> 7; }

/* fingerprint: order-independent digest of a multiset. */
static uint64_t fingerprint(const int *v, int n)
{
	uint64_t s = 0, x = 0;
	for (int i = 0; i < n; i++) {
		s += hash(v[i]);
		x ^= hash(v[i]) * 3;
	}
	return s ^ (x << 1);
}

static int sorted(const int *v, int n)
{
	for (int i = 1; i < n; i++)
		if (v[i - 1] > v[i])
			return 0;
	return 1;
}

static void check_sorts(const char *input)
{
	char what[80];
	uint64_t fp = fingerprint(a, N);
	void (*sorts[])(int *, int) = { merge_sort, heap_sort };
	const char *names[] = { "merge", "heap" };

	memcpy(b, a, sizeof a);
	qsort(b, N, sizeof b[0], cmp_int);
	snprintf(what, sizeof what, "qsort %s: ordered permutation", input);
	check_true(what, sorted(b, N) && fingerprint(b, N) == fp);
	for (int s = 0; s < 2; s++) {
		static int c[N];
		memcpy(c, a, sizeof a);
		sorts[s](c, N);
		snprintf(what, sizeof what, "%s %s: ordered permutation", names[s], input);
		check_true(what, sorted(c, N) && fingerprint(c, N) == fp);
	}
}

struct rec { int key, seq; };
static struct rec recs[1000], rtmp[1000];

int main(void)
{
	srand(12345);
	for (int i = 0; i < N; i++)
		a[i] = rand() % 100000 - 50000;
	check_sorts("random");
	uint64_t sum = 0;
	for (int i = 0; i < N; i++)
		sum = sum * 31 + (uint64_t)b[i];
	printf("random: min %d max %d median %d checksum 0x%016llx\n", b[0], b[N - 1], b[N / 2],
	       (unsigned long long)sum);

	for (int i = 0; i < N; i++) a[i] = i;
	check_sorts("sorted");
	for (int i = 0; i < N; i++) a[i] = N - i;
	check_sorts("reversed");
	for (int i = 0; i < N; i++) a[i] = 7;
	check_sorts("equal");
	for (int i = 0; i < N; i++) a[i] = i < N / 2 ? i : N - i;
	check_sorts("organ-pipe");
	for (int i = 0; i < N; i++) a[i] = rand() % 4;
	check_sorts("few-distinct");

	/* Stability: merge sort on (key, seq) by key keeps seq increasing. */
	for (int i = 0; i < 1000; i++)
		recs[i] = (struct rec){ rand() % 10, i };
	for (int w = 1; w < 1000; w *= 2) {
		for (int lo = 0; lo < 1000; lo += 2 * w) {
			int mid = lo + w < 1000 ? lo + w : 1000, hi = lo + 2 * w < 1000 ? lo + 2 * w : 1000;
			int i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				rtmp[k++] = recs[j].key < recs[i].key ? recs[j++] : recs[i++];
			while (i < mid) rtmp[k++] = recs[i++];
			while (j < hi) rtmp[k++] = recs[j++];
		}
		memcpy(recs, rtmp, sizeof recs);
	}
	int stable = 1;
	for (int i = 1; i < 1000; i++)
		if (recs[i - 1].key > recs[i].key ||
		    (recs[i - 1].key == recs[i].key && recs[i - 1].seq > recs[i].seq))
			stable = 0;
	check_true("merge sort is stable", stable);

	/* bsearch finds every element present and nothing absent. */
	for (int i = 0; i < N; i++) a[i] = 2 * i;
	int found = 0, phantom = 0;
	for (int k = -1; k < 2 * N; k++) {
		int *p = bsearch(&k, a, N, sizeof a[0], cmp_int);
		if (p && *p == k) found++;
		if (p && *p != k) phantom++;
		if (!p && k >= 0 && k % 2 == 0) phantom++;
	}
	check_u64("bsearch hits", (uint64_t)found, N);
	check_u64("bsearch wrong answers", (uint64_t)phantom, 0);
	return check_done("sort");
}
