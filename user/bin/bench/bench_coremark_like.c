/*
 * bench_coremark_like - a CPU benchmark modelled on the workload structure
 * that EEMBC CoreMark publishes (linked-list processing, small-matrix
 * arithmetic, a state machine scanning text, CRC-16 over the results).  It
 * is an independent implementation written for vmos: no EEMBC code, other
 * sizes, seeds and algorithms in the details, so its score is NOT a CoreMark
 * score and must not be reported as one.  It exists to compare vmos's
 * execution engines with each other and with qemu-riscv64 on a workload of
 * the same shape: short loops, pointer chasing, branches that depend on
 * data, 16/32-bit integer arithmetic, all in a few KiB of data.
 *
 * Each iteration runs the three kernels on fixed inputs (generated from the
 * seeds below) with a parameter that depends on the iteration number, and
 * folds their results into a running CRC-16.  The first iteration's CRC of
 * each kernel and the final CRC for the default iteration count are known
 * (computed once, written below) and checked on every run: "CRC ok", or
 * "CRC MISMATCH" and exit status 1.
 *
 *   usage: bench_coremark_like [ITERATIONS [notime]]    (default 10000)
 *
 * `notime` leaves out the clock and the time line, so the run is the same
 * instruction for instruction every time (tests/engine/engines.sh compares
 * the engines' counters on it; reading the clock makes printf's work, and
 * so the instruction count, depend on the host's speed).
 *
 * Output: a checksum line first (the same on every machine), then the time
 * measured with clock_gettime(CLOCK_MONOTONIC) and iterations per second
 * (which of course differ from run to run).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_ITERS 10000

/* Known results, computed once with this program under qemu-riscv64 and
 * checked on every run.  Changing a kernel or a size changes them. */
#ifndef KNOWN_LIST_CRC0       /* -D overrides: tests/engine/engines.sh checks */
#define KNOWN_LIST_CRC0   0x6220u   /* that a wrong one is caught */
#endif
#define KNOWN_MATRIX_CRC0 0xc6bdu
#define KNOWN_STATE_CRC0  0x7521u
#define KNOWN_FINAL_CRC   0x26a6u   /* for DEFAULT_ITERS iterations */

/* The seeds are read through volatile so the compiler cannot fold the
 * whole benchmark into constants. */
static volatile uint32_t seed_list = 0x2545f491u;
static volatile uint32_t seed_matrix = 0x9e3779b9u;
static volatile uint32_t seed_state = 0x7f4a7c15u;

/* ---- CRC-16 (reflected polynomial 0xA001, bit by bit) ------------------ */

static uint16_t crc16_u8(uint8_t b, uint16_t crc)
{
	crc ^= b;
	for (int i = 0; i < 8; i++)
		crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001u) : (uint16_t)(crc >> 1);
	return crc;
}

static uint16_t crc16_u16(uint16_t v, uint16_t crc)
{
	crc = crc16_u8((uint8_t)v, crc);
	return crc16_u8((uint8_t)(v >> 8), crc);
}

static uint16_t crc16_u32(uint32_t v, uint16_t crc)
{
	crc = crc16_u16((uint16_t)v, crc);
	return crc16_u16((uint16_t)(v >> 16), crc);
}

/* A small xorshift generator for the inputs (Marsaglia, "Xorshift RNGs",
 * J. Stat. Software 2003). */
static uint32_t next_rand(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

/* ---- kernel 1: linked list of small records ----------------------------- */

#define LIST_N 96

struct rec {
	struct rec *next;
	int16_t idx;    /* position at creation: the list's natural order */
	int16_t val;    /* payload searched for and sorted by */
};

static struct rec recs[LIST_N];

static struct rec *list_build(uint32_t seed)
{
	struct rec *head = 0;
	for (int i = LIST_N - 1; i >= 0; i--) {
		recs[i].idx = (int16_t)i;
		recs[i].val = (int16_t)(next_rand(&seed) & 0x3fff);
		recs[i].next = head;
		head = &recs[i];
	}
	return head;
}

/* Returns the first record whose val has the low byte `key`, or 0; *steps
 * counts the records visited. */
static struct rec *list_find(struct rec *l, uint8_t key, unsigned *steps)
{
	for (; l; l = l->next) {
		(*steps)++;
		if ((uint8_t)l->val == key)
			return l;
	}
	return 0;
}

static struct rec *list_reverse(struct rec *l)
{
	struct rec *prev = 0;
	while (l) {
		struct rec *n = l->next;
		l->next = prev;
		prev = l;
		l = n;
	}
	return prev;
}

static int rec_less(const struct rec *a, const struct rec *b, int by_val)
{
	if (by_val)
		return a->val != b->val ? a->val < b->val : a->idx < b->idx;
	return a->idx < b->idx;
}

/* Stable merge sort of a singly linked list: split in halves with a slow and
 * a fast pointer, sort each, merge. */
static struct rec *list_sort(struct rec *l, int by_val)
{
	if (!l || !l->next)
		return l;
	struct rec *slow = l, *fast = l->next;
	while (fast && fast->next) {
		slow = slow->next;
		fast = fast->next->next;
	}
	struct rec *b = slow->next;
	slow->next = 0;
	struct rec *a = list_sort(l, by_val);
	b = list_sort(b, by_val);
	struct rec head, *t = &head;
	while (a && b) {
		if (rec_less(b, a, by_val)) {
			t->next = b;
			b = b->next;
		} else {
			t->next = a;
			a = a->next;
		}
		t = t->next;
	}
	t->next = a ? a : b;
	return head.next;
}

/* One iteration of list work with parameter p; returns its CRC and leaves
 * the list in idx order (as it was) with one payload changed. */
static uint16_t list_bench(struct rec **lp, uint16_t p)
{
	struct rec *l = *lp;
	uint16_t crc = 0;
	unsigned steps = 0, found = 0;

	for (int k = 0; k < 8; k++) {
		struct rec *r = list_find(l, (uint8_t)(p + k * 37), &steps);
		if (r) {
			found++;
			crc = crc16_u16((uint16_t)r->idx, crc);
		}
	}
	l = list_reverse(l);
	l = list_sort(l, 1);
	int16_t sum = 0;
	for (struct rec *r = l; r; r = r->next)
		sum = (int16_t)(sum + (r->val ^ r->idx));
	crc = crc16_u16((uint16_t)sum, crc);
	crc = crc16_u16((uint16_t)l->val, crc);
	/* Change one payload so the next iteration sorts different data. */
	l->next->val = (int16_t)((l->next->val + p) & 0x3fff);
	l = list_sort(l, 0);
	crc = crc16_u32(steps, crc);
	crc = crc16_u16((uint16_t)found, crc);
	*lp = l;
	return crc;
}

/* ---- kernel 2: small integer matrices ----------------------------------- */

#define MAT_N 10

static int16_t mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N];
static int32_t mat_c[MAT_N][MAT_N];

static void matrix_build(uint32_t seed)
{
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			mat_a[i][j] = (int16_t)((next_rand(&seed) & 0xff) - 128);
			mat_b[i][j] = (int16_t)(next_rand(&seed) & 0x7f);
		}
}

/* Folds C into 16 bits: the running sum is compared with a limit and
 * counted, the way a filter would threshold a signal. */
static int16_t matrix_summary(int32_t limit)
{
	int64_t sum = 0;        /* 100 products of up to 2^30 each: wider than 32 bits */
	int32_t prev = 0;
	int16_t r = 0;
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			int32_t v = mat_c[i][j];
			sum += v;
			if (sum > limit) {
				r = (int16_t)(r + 10);
				sum = 0;
			} else {
				r = (int16_t)(r + (v > prev ? 1 : 0));
			}
			prev = v;
		}
	return r;
}

static uint16_t matrix_bench(uint16_t p)
{
	int16_t val = (int16_t)(p | 0xf00);
	int32_t limit = 0x40000 | p;
	uint16_t crc = 0;

	for (int i = 0; i < MAT_N; i++)              /* A += val */
		for (int j = 0; j < MAT_N; j++)
			mat_a[i][j] = (int16_t)(mat_a[i][j] + val);
	for (int i = 0; i < MAT_N; i++)              /* C = A * val */
		for (int j = 0; j < MAT_N; j++)
			mat_c[i][j] = (int32_t)mat_a[i][j] * val;
	crc = crc16_u16((uint16_t)matrix_summary(limit), crc);
	for (int i = 0; i < MAT_N; i++) {            /* C[i][0] = A x B[.][0] */
		int32_t s = 0;
		for (int k = 0; k < MAT_N; k++)
			s += (int32_t)mat_a[i][k] * mat_b[k][0];
		for (int j = 0; j < MAT_N; j++)
			mat_c[i][j] = s + j;
	}
	crc = crc16_u16((uint16_t)matrix_summary(limit), crc);
	for (int i = 0; i < MAT_N; i++)              /* C = A x B */
		for (int j = 0; j < MAT_N; j++) {
			int32_t s = 0;
			for (int k = 0; k < MAT_N; k++)
				s += (int32_t)mat_a[i][k] * mat_b[k][j];
			mat_c[i][j] = s;
		}
	crc = crc16_u16((uint16_t)matrix_summary(limit), crc);
	for (int i = 0; i < MAT_N; i++)              /* C = bits of A x B */
		for (int j = 0; j < MAT_N; j++) {
			int32_t s = 0;
			for (int k = 0; k < MAT_N; k++) {
				int32_t t = (int32_t)mat_a[i][k] * mat_b[k][j];
				s += ((t >> 3) & 0xf) * ((t >> 7) & 0x3f);
			}
			mat_c[i][j] = s;
		}
	crc = crc16_u16((uint16_t)matrix_summary(limit), crc);
	for (int i = 0; i < MAT_N; i++)              /* A -= val: restored */
		for (int j = 0; j < MAT_N; j++)
			mat_a[i][j] = (int16_t)(mat_a[i][j] - val);
	return crc;
}

/* ---- kernel 3: a state machine recognising numbers in text --------------- */

enum state { S_START, S_INVALID, S_SIGN, S_INT, S_DOT, S_FLOAT, S_EXP,
	     S_EXP_SIGN, S_SCI, S_HEX0, S_HEX, S_NSTATES };

#define TEXT_LEN 320

static char text[TEXT_LEN + 1];

static const char *const samples[] = {
	"5012", "1234", "-874", "+122", "35.54400", ".1234500", "-110.700",
	"+0.64400", "5.500e+3", "-.123e-2", "-87e+832", "+0.6e-12",
	"0x1f", "0xBEEF", "T0.3e-1F", "-T.T++Tq", "1T3.4e4z", "34.0e-T^",
};

static void state_build(uint32_t seed)
{
	int n = 0;
	while (n < TEXT_LEN) {
		const char *s = samples[next_rand(&seed) % (sizeof samples / sizeof samples[0])];
		while (*s && n < TEXT_LEN)
			text[n++] = *s++;
		if (n < TEXT_LEN)
			text[n++] = ',';
	}
	text[TEXT_LEN] = 0;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Scans one token starting at *pp (up to ',' or the end), counting every
 * state change in trans[]; returns the final state and moves *pp past the
 * separator. */
static enum state state_scan(const char **pp, unsigned trans[S_NSTATES])
{
	const char *p = *pp;
	enum state s = S_START;
	for (; *p && *p != ','; p++) {
		char c = *p;
		enum state n = s;
		switch (s) {
		case S_START:
			if (c == '0' && (p[1] == 'x' || p[1] == 'X')) { n = S_HEX0; p++; }
			else if (is_digit(c)) n = S_INT;
			else if (c == '+' || c == '-') n = S_SIGN;
			else if (c == '.') n = S_DOT;
			else n = S_INVALID;
			break;
		case S_SIGN:
			n = is_digit(c) ? S_INT : c == '.' ? S_DOT : S_INVALID;
			break;
		case S_INT:
			n = is_digit(c) ? S_INT : c == '.' ? S_DOT :
			    (c == 'e' || c == 'E') ? S_EXP : S_INVALID;
			break;
		case S_DOT:
			n = is_digit(c) ? S_FLOAT : S_INVALID;
			break;
		case S_FLOAT:
			n = is_digit(c) ? S_FLOAT : (c == 'e' || c == 'E') ? S_EXP : S_INVALID;
			break;
		case S_EXP:
			n = (c == '+' || c == '-') ? S_EXP_SIGN : is_digit(c) ? S_SCI : S_INVALID;
			break;
		case S_EXP_SIGN:
		case S_SCI:
			n = is_digit(c) ? S_SCI : S_INVALID;
			break;
		case S_HEX0:
		case S_HEX:
			n = is_hex(c) ? S_HEX : S_INVALID;
			break;
		case S_INVALID:
		case S_NSTATES:
			break;
		}
		if (n != s)
			trans[n]++;
		s = n;
		if (s == S_INVALID) {       /* skip the rest of the token */
			while (p[1] && p[1] != ',')
				p++;
		}
	}
	*pp = *p ? p + 1 : p;
	return s;
}

static uint16_t state_run(unsigned final[S_NSTATES], unsigned trans[S_NSTATES])
{
	for (int i = 0; i < S_NSTATES; i++)
		final[i] = trans[i] = 0;
	const char *p = text;
	while (*p)
		final[state_scan(&p, trans)]++;
	uint16_t crc = 0;
	for (int i = 0; i < S_NSTATES; i++) {
		crc = crc16_u32(final[i], crc);
		crc = crc16_u32(trans[i], crc);
	}
	return crc;
}

static uint16_t state_bench(uint16_t p)
{
	unsigned final[S_NSTATES], trans[S_NSTATES];
	uint16_t crc = state_run(final, trans);
	/* Corrupt every stride-th character (never a separator), rescan,
	 * then put the text back. */
	unsigned stride = 5 + (p & 7);
	char saved[TEXT_LEN / 5 + 1];
	int n = 0;
	for (unsigned i = p % stride; i < TEXT_LEN; i += stride) {
		saved[n++] = text[i];
		if (text[i] != ',')
			text[i] = (char)(text[i] ^ (p & 0x1f ? (p & 0x1f) : 1));
		if (!text[i] || text[i] == ',')
			text[i] = 'q';
	}
	crc = crc16_u16(state_run(final, trans), crc);
	n = 0;
	for (unsigned i = p % stride; i < TEXT_LEN; i += stride)
		text[i] = saved[n++];
	return crc;
}

/* ---- driver ------------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long iters = DEFAULT_ITERS;
	int timed = 1;
	if (argc > 1) {
		char *end;
		iters = strtol(argv[1], &end, 10);
		if (argc > 2 && !strcmp(argv[2], "notime"))
			timed = 0;
		if (*end || iters < 1 || iters > 100000000 || argc > 2 + !timed) {
			printf("usage: bench_coremark_like [ITERATIONS 1..100000000 [notime]]\n");
			return 2;
		}
	}
	struct rec *l = list_build(seed_list);
	matrix_build(seed_matrix);
	state_build(seed_state);

	uint64_t t0 = timed ? now_ns() : 0;
	uint16_t crc = 0, list0 = 0, matrix0 = 0, state0 = 0;
	for (long i = 0; i < iters; i++) {
		uint16_t p = (uint16_t)(crc ^ (uint16_t)i);
		uint16_t cl = list_bench(&l, p);
		uint16_t cm = matrix_bench(p);
		uint16_t cs = state_bench(p);
		if (i == 0) {
			list0 = cl;
			matrix0 = cm;
			state0 = cs;
		}
		crc = crc16_u16(cl, crc);
		crc = crc16_u16(cm, crc);
		crc = crc16_u16(cs, crc);
	}
	uint64_t ns = timed ? now_ns() - t0 : 0;

	printf("bench_coremark_like: %ld iterations, list 0x%04x matrix 0x%04x "
	       "state 0x%04x, checksum 0x%04x\n", iters, list0, matrix0, state0, crc);
	int bad = list0 != KNOWN_LIST_CRC0 || matrix0 != KNOWN_MATRIX_CRC0 ||
		  state0 != KNOWN_STATE_CRC0 ||
		  (iters == DEFAULT_ITERS && crc != KNOWN_FINAL_CRC);
	if (bad) {
		printf("CRC MISMATCH: want list 0x%04x matrix 0x%04x state 0x%04x",
		       KNOWN_LIST_CRC0, KNOWN_MATRIX_CRC0, KNOWN_STATE_CRC0);
		if (iters == DEFAULT_ITERS)
			printf(", checksum 0x%04x", KNOWN_FINAL_CRC);
		printf("\n");
		return 1;
	}
	printf("CRC ok\n");
	if (!timed)
		return 0;
	/* Integer arithmetic only, so the soft-float build prints the same. */
	uint64_t us = ns / 1000 ? ns / 1000 : 1;
	uint64_t milli_ips = (uint64_t)iters * 1000000000u / us;
	printf("time: %llu.%06llu s, %llu.%03llu iterations/s "
	       "(modelled on CoreMark's workloads; not a CoreMark score)\n",
	       (unsigned long long)(us / 1000000), (unsigned long long)(us % 1000000),
	       (unsigned long long)(milli_ips / 1000), (unsigned long long)(milli_ips % 1000));
	return 0;
}
