/*
 * alloc_bench - the kernel allocators against glibc malloc on the same
 * operation sequences, in the same run.  Prints ns per operation (median of
 * several runs) and the ratio to glibc, and the fragmentation left by a long
 * random churn.
 */
#include "page_alloc.h"
#include "slab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 7

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return v[n / 2];
}

static struct ram ram;
static struct page_alloc pa;
static struct kmem km;

/* An operation sequence shared by both sides: slot, and size or order. */
enum { NOPS = 2000000, SLOTS = 1024 };
static uint16_t op_slot[NOPS];
static uint16_t op_arg[NOPS];

static void make_sequence(unsigned seed, unsigned lo, unsigned hi)
{
	uint64_t s = seed;
	for (int i = 0; i < NOPS; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		op_slot[i] = (uint16_t)((s >> 33) % SLOTS);
		op_arg[i] = (uint16_t)(lo + (s >> 45) % (hi - lo + 1));
	}
}

static volatile uint64_t sink;

static double bench_order0_pairs(void)
{
	double t0 = now_ns();
	for (int i = 0; i < NOPS; i++) {
		uint64_t a = page_alloc_frames(&pa, 0, 0, FO_KERNEL, 0);
		sink += a;
		page_free_frames(&pa, a, 0);
	}
	return (now_ns() - t0) / NOPS;
}

static double bench_glibc_page_pairs(void)
{
	double t0 = now_ns();
	for (int i = 0; i < NOPS; i++) {
		void *p = malloc(4096);
		sink += (uintptr_t)p;
		free(p);
	}
	return (now_ns() - t0) / NOPS;
}

static uint64_t slot_addr[SLOTS];
static uint8_t slot_order[SLOTS];
static void *slot_ptr[SLOTS];

static double bench_buddy_churn(void)
{
	memset(slot_addr, 0, sizeof slot_addr);
	double t0 = now_ns();
	for (int i = 0; i < NOPS; i++) {
		unsigned s = op_slot[i];
		if (slot_addr[s]) {
			page_free_frames(&pa, slot_addr[s], slot_order[s]);
			slot_addr[s] = 0;
		} else {
			slot_order[s] = (uint8_t)op_arg[i];
			slot_addr[s] = page_alloc_frames(&pa, op_arg[i], 0, FO_KERNEL, 0);
		}
	}
	double t = (now_ns() - t0) / NOPS;
	for (unsigned s = 0; s < SLOTS; s++)
		if (slot_addr[s])
			page_free_frames(&pa, slot_addr[s], slot_order[s]);
	return t;
}

static double bench_glibc_churn(unsigned unit_shift_is_order)
{
	memset(slot_ptr, 0, sizeof slot_ptr);
	double t0 = now_ns();
	for (int i = 0; i < NOPS; i++) {
		unsigned s = op_slot[i];
		if (slot_ptr[s]) {
			free(slot_ptr[s]);
			slot_ptr[s] = NULL;
		} else {
			size_t sz = unit_shift_is_order ? (size_t)4096 << op_arg[i] : op_arg[i];
			slot_ptr[s] = malloc(sz);
		}
	}
	double t = (now_ns() - t0) / NOPS;
	for (unsigned s = 0; s < SLOTS; s++)
		free(slot_ptr[s]);
	return t;
}

static double bench_kmalloc_churn(void)
{
	memset(slot_ptr, 0, sizeof slot_ptr);
	double t0 = now_ns();
	for (int i = 0; i < NOPS; i++) {
		unsigned s = op_slot[i];
		if (slot_ptr[s]) {
			kfree(&km, slot_ptr[s]);
			slot_ptr[s] = NULL;
		} else {
			slot_ptr[s] = kmalloc(&km, op_arg[i]);
		}
	}
	double t = (now_ns() - t0) / NOPS;
	for (unsigned s = 0; s < SLOTS; s++)
		kfree(&km, slot_ptr[s]);
	return t;
}

static double bench_kmalloc_pairs(void)
{
	double t0 = now_ns();
	for (int i = 0; i < NOPS; i++) {
		void *p = kmalloc(&km, op_arg[i]);
		sink += (uintptr_t)p;
		kfree(&km, p);
	}
	return (now_ns() - t0) / NOPS;
}

static double bench_glibc_pairs(void)
{
	double t0 = now_ns();
	for (int i = 0; i < NOPS; i++) {
		void *p = malloc(op_arg[i]);
		sink += (uintptr_t)p;
		free(p);
	}
	return (now_ns() - t0) / NOPS;
}

static void report(const char *what, double (*ours)(void), double (*theirs)(void))
{
	double a[RUNS], b[RUNS];
	for (int r = 0; r < RUNS; r++) {
		a[r] = ours();
		b[r] = theirs();
	}
	double ma = median(a, RUNS), mb = median(b, RUNS);
	printf("  %-38s %7.1f ns/op   glibc %7.1f ns/op   ratio %.2fx glibc\n", what, ma, mb,
	       ma / mb);
}

static double glibc_churn_pages(void) { return bench_glibc_churn(1); }
static double glibc_churn_bytes(void) { return bench_glibc_churn(0); }

int main(void)
{
	if (ram_init(&ram, 512ULL << 20) || page_alloc_init(&pa, &ram) || kmem_init(&km, &pa, false)) {
		fprintf(stderr, "alloc_bench: cannot set up 512 MiB of simulated RAM\n");
		return 1;
	}
	printf("kernel allocators vs glibc malloc, same sequences, median of %d runs of %d ops\n",
	       RUNS, NOPS);
	report("order-0 alloc+free pair (vs malloc 4K)", bench_order0_pairs, bench_glibc_page_pairs);
	make_sequence(1, 0, 4);
	report("buddy churn, orders 0-4 (vs 4K<<order)", bench_buddy_churn, glibc_churn_pages);
	make_sequence(2, 16, 2048);
	report("kmalloc+kfree pair, 16-2048 B", bench_kmalloc_pairs, bench_glibc_pairs);
	report("kmalloc/kfree churn, 16-2048 B, 1K live", bench_kmalloc_churn, glibc_churn_bytes);

	/* Fragmentation after a long random churn at high occupancy. */
	make_sequence(3, 0, 6);
	static uint64_t live[65536];
	static uint8_t lord[65536];
	uint64_t s = 7;
	for (long i = 0; i < 4000000; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		unsigned k = (unsigned)(s >> 33) & 65535;
		if (live[k]) {
			page_free_frames(&pa, live[k], lord[k]);
			live[k] = 0;
		} else {
			unsigned r = (unsigned)(s >> 20) & 255;
			lord[k] = (uint8_t)(r < 200 ? 0 : r < 240 ? 1 + r % 2 : 3 + r % 4);
			live[k] = page_alloc_frames(&pa, lord[k], 0, FO_KERNEL, 0);
		}
	}
	printf("fragmentation after 4M random alloc/free of orders 0-6 (512 MiB RAM, %.0f%% in use):\n",
	       100.0 * (double)(pa.nframes - pa.free_frames) / pa.nframes);
	page_alloc_print(&pa, stdout);
	const char *e = page_alloc_check(&pa);
	if (e)
		printf("  INVARIANT BROKEN: %s\n", e);
	return 0;
}
