/*
 * malloc_trace.c - the trace driver inside vmos: replays a malloc-lab
 * trace read from standard input (format: src/tools/mtrace/mtrace_replay.h)
 * with the C library's malloc, checks every block's contents, and prints
 * utilization (peak live payload / peak footprint = brk extent + live mmap
 * bytes), throughput when a clock is available, and the allocator's
 * counters (brk and mmap calls).
 *
 *   malloc_trace [POLICY] < trace.rep      e.g. malloc_trace best,ao
 * Exit status 0, or 1 with a message on a bad trace or a failed check.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "malloc_print.h"
#include "../../lib/malloc/malloc_api.h"

#if defined(__has_include)
#if __has_include(<time.h>)
#include <time.h>
#define HAVE_CLOCK 1
#endif
#endif

struct op {
	char kind;
	uint32_t id;
	uint64_t size;
};

static int fail(const char *why, uint64_t line)
{
	put_str(2, "malloc_trace: line ");
	put_num(2, line);
	put_str(2, ": ");
	put_str(2, why);
	put_str(2, "\n");
	return 1;
}

/* Memory for the driver itself comes from mmap, not from the allocator. */
static void *map(size_t n)
{
	void *p = mmap(0, n ? n : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? 0 : p;
}

static char *input;
static size_t input_len, pos;
static uint64_t line = 1;

static int read_all(void)
{
	size_t cap = 1 << 20;
	input = map(cap);
	for (;;) {
		if (!input)
			return -1;
		if (input_len == cap) {
			char *bigger = map(cap * 2);
			if (!bigger)
				return -1;
			memcpy(bigger, input, input_len);
			munmap(input, cap);
			input = bigger;
			cap *= 2;
		}
		ssize_t n = read(0, input + input_len, cap - input_len);
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		input_len += (size_t)n;
	}
}

/* Next token: a number (returns 0) or a letter in *c (returns 1); -1 at end. */
static int token(uint64_t *v, char *c)
{
	while (pos < input_len && (input[pos] == ' ' || input[pos] == '\t' || input[pos] == '\r' ||
				   input[pos] == '\n'))
		line += input[pos++] == '\n';
	if (pos == input_len)
		return -1;
	char ch = input[pos];
	if (ch < '0' || ch > '9') {
		*c = ch;
		pos++;
		return 1;
	}
	*v = 0;
	while (pos < input_len && input[pos] >= '0' && input[pos] <= '9')
		*v = *v * 10 + (uint64_t)(input[pos++] - '0');
	return 0;
}

static unsigned char pat(uint32_t id, uint64_t i) { return (unsigned char)(id * 131u + i * 7u + 1u); }

#ifdef HAVE_CLOCK
static uint64_t now_ns(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
#endif

int main(int argc, char **argv)
{
	if (argc > 1 && malloc_set_policy(argv[1]) != 0) {
		put_str(2, "malloc_trace: bad policy (see docs/malloc.md)\n");
		return 2;
	}
	if (read_all())
		return fail("cannot read the trace", 0);
	uint64_t hdr[4];
	char c;
	for (int i = 0; i < 4; i++)
		if (token(&hdr[i], &c) != 0)
			return fail("header: expected 4 numbers", line);
	uint64_t nids = hdr[1], nops = hdr[2];
	struct op *ops = map(nops * sizeof *ops);
	unsigned char **ptr = map(nids * sizeof *ptr);
	uint64_t *len = map(nids * sizeof *len);
	if (!ops || !ptr || !len)
		return fail("out of memory for the trace", line);
	for (uint64_t i = 0; i < nops; i++) {
		uint64_t id, size = 0;
		char kind;
		if (token(&id, &kind) != 1 || (kind != 'a' && kind != 'f' && kind != 'r'))
			return fail("expected 'a ID BYTES', 'f ID' or 'r ID BYTES'", line);
		if (token(&id, &c) != 0 || id >= nids || (kind != 'f' && token(&size, &c) != 0))
			return fail("bad id or size", line);
		ops[i].kind = kind;
		ops[i].id = (uint32_t)id;
		ops[i].size = size;
	}
	malloc_reset_peak();
	struct malloc_statistics s0;
	malloc_statistics(&s0);
	uint64_t live = 0, peak_live = 0, bad = 0;
#ifdef HAVE_CLOCK
	uint64_t t0 = now_ns();
#endif
	for (uint64_t i = 0; i < nops; i++) {
		struct op *o = &ops[i];
		uint32_t id = o->id;
		if (o->kind == 'a' ? ptr[id] != 0 : ptr[id] == 0)
			return fail(o->kind == 'a' ? "id allocated twice" : "id not allocated", i + 5);
		if (o->kind != 'a')
			for (uint64_t k = 0; k < len[id]; k++)
				bad += ptr[id][k] != pat(id, k);
		if (o->kind == 'a') {
			ptr[id] = malloc(o->size);
			if (!ptr[id])
				return fail("malloc failed", i + 5);
			len[id] = 0;
		} else if (o->kind == 'f') {
			free(ptr[id]);
			live -= len[id];
			ptr[id] = 0;
			len[id] = 0;
			continue;
		} else {
			unsigned char *q = realloc(ptr[id], o->size);
			if (!q && o->size)
				return fail("realloc failed", i + 5);
			ptr[id] = q;
			if (len[id] > o->size) {
				live -= len[id] - o->size;
				len[id] = o->size;
			}
		}
		for (uint64_t k = len[id]; k < o->size; k++)
			ptr[id][k] = pat(id, k);
		live += o->size - len[id];
		len[id] = o->size;
		if (live > peak_live)
			peak_live = live;
	}
#ifdef HAVE_CLOCK
	uint64_t t1 = now_ns();
#endif
	struct malloc_statistics s;
	malloc_statistics(&s);
	for (uint64_t id = 0; id < nids; id++)
		free(ptr[id]);
	put_str(1, "policy ");
	put_str(1, malloc_get_policy());
	put_str(1, ": ");
	put_num(1, nops);
	put_str(1, " ops, peak live ");
	put_num(1, peak_live);
	put_str(1, " B, peak footprint ");
	put_num(1, s.peak_footprint);
	put_str(1, " B, utilization ");
	put_pct(1, peak_live, s.peak_footprint);
#ifdef HAVE_CLOCK
	if (t1 > t0) {
		put_str(1, ", ");
		put_num(1, nops * 1000000000u / (t1 - t0));
		put_str(1, " ops/s");
	}
#endif
	/* the calls the replay made: counters after minus before */
	const struct { const char *label; uint64_t now, then; } calls[] = {
		{ "\nbrk calls ", s.n_sbrk, s0.n_sbrk },
		{ ", trims ", s.n_trim, s0.n_trim },
		{ ", mmap calls ", s.n_mmap, s0.n_mmap },
		{ ", munmap calls ", s.n_munmap, s0.n_munmap },
		{ ", in-place reallocs ", s.n_realloc_inplace, s0.n_realloc_inplace },
		{ " of ", s.n_realloc, s0.n_realloc },
	};
	for (unsigned i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		put_str(1, calls[i].label);
		put_num(1, calls[i].now - calls[i].then);
	}
	put_str(1, "\n");
	if (bad) {
		put_num(2, bad);
		put_str(2, " bytes lost their contents\n");
		return 1;
	}
	return malloc_check() ? 1 : 0;
}
