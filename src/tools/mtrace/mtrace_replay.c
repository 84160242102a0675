/*
 * mtrace_replay.c - loading and replaying malloc-lab traces (see
 * mtrace_replay.h), against glibc malloc or the vmos allocator in the same
 * process (the latter prefixed vm_ and over a simulated break, so the two
 * never share memory).
 *
 * glibc's footprint: its main arena is the real break, which it alone moves
 * here, so the arena size is its mallinfo2() size at the start plus how far
 * the break moved; its mmap'ed bytes (mallinfo2 hblkhd) can change only on
 * operations of at least 64 KiB (glibc's mmap threshold starts at 128 KiB
 * and only grows), so mallinfo2 is asked only then.
 */
#include "mtrace_replay.h"
#include "malloc_api.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static void *map(size_t len)
{
	void *p = mmap(0, len ? len : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? 0 : p;
}

/* Reads an unsigned decimal at *s; returns 0 or -1. */
static int num(const char **s, const char *end, size_t *out)
{
	const char *p = *s;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p < '0' || *p > '9')
		return -1;
	size_t v = 0;
	while (p < end && *p >= '0' && *p <= '9') {
		if (v > SIZE_MAX / 10 - 10)
			return -1;
		v = v * 10 + (size_t)(*p++ - '0');
	}
	*s = p;
	*out = v;
	return 0;
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

int mtrace_parse(const char *text, size_t len, const char *name, struct mtrace *t,
		char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	size_t h[4];
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name);
	for (int i = 0; i < 4; i++) {
		p = skip_space(p, end);
		if (num(&p, end, &h[i])) {
			snprintf(err, errlen, "%s: header: expected 4 numbers", name);
			return -1;
		}
	}
	if (h[1] > 100000000 || h[2] > 1000000000) {
		snprintf(err, errlen, "%s: header: %zu ids / %zu operations is too many", name, h[1], h[2]);
		return -1;
	}
	t->heap_hint = h[0];
	t->nids = (unsigned)h[1];
	t->nops = (unsigned)h[2];
	t->weight = (unsigned)h[3];
	t->ops = map(t->nops * sizeof *t->ops);
	unsigned char *live = map(t->nids);
	if (!t->ops || !live) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	unsigned line = 2, n = 0;
	while (1) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		if (p < end && *p == '\n') {
			p++;
			line++;
			continue;
		}
		if (p == end)
			break;
		if (n == t->nops) {
			snprintf(err, errlen, "%s:%u: more operations than the header's %u", name, line, t->nops);
			goto fail;
		}
		struct mtrace_op *op = &t->ops[n];
		op->kind = *p++;
		size_t id = 0, size = 0;
		if ((op->kind != 'a' && op->kind != 'f' && op->kind != 'r') || num(&p, end, &id) ||
		    (op->kind != 'f' && num(&p, end, &size))) {
			snprintf(err, errlen, "%s:%u: expected 'a ID BYTES', 'f ID' or 'r ID BYTES'", name, line);
			goto fail;
		}
		if (id >= t->nids) {
			snprintf(err, errlen, "%s:%u: id %zu out of range (header says %u ids)", name, line, id, t->nids);
			goto fail;
		}
		if ((op->kind == 'a') == live[id]) {
			snprintf(err, errlen, "%s:%u: id %zu is %s", name, line, id,
				 live[id] ? "allocated twice" : "not allocated");
			goto fail;
		}
		live[id] = op->kind == 'f' ? 0 : (op->kind == 'r' && size == 0) ? 0 : 1;
		op->id = (unsigned)id;
		op->size = size;
		n++;
	}
	if (n != t->nops) {
		snprintf(err, errlen, "%s: %u operations, header says %u", name, n, t->nops);
		goto fail;
	}
	munmap(live, t->nids ? t->nids : 1);
	return 0;
fail:
	munmap(live, t->nids ? t->nids : 1);
	mtrace_free(t);
	return -1;
}

int mtrace_load(const char *path, struct mtrace *t, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	char *text = st.st_size ? mmap(0, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : "";
	close(fd);
	if (text == MAP_FAILED) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	const char *base = strrchr(path, '/');
	int rc = mtrace_parse(text, (size_t)st.st_size, base ? base + 1 : path, t, err, errlen);
	if (st.st_size)
		munmap(text, (size_t)st.st_size);
	return rc;
}

void mtrace_free(struct mtrace *t)
{
	if (t->ops)
		munmap(t->ops, t->nops * sizeof *t->ops);
	t->ops = 0;
}

/* --- replay ---------------------------------------------------------------- */
/* CPU seconds of this process (user + system: page faults and system calls
 * count), not wall time: other load on a shared machine does not enter it. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned char pattern(unsigned id, size_t i)
{
	return (unsigned char)(id * 131u + i * 7u + 1u);
}

static void fill(unsigned char *p, unsigned id, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		p[i] = pattern(id, i);
}

/* Returns the number of bytes of p[0..n) that lost their pattern. */
static size_t verify(const unsigned char *p, unsigned id, size_t n)
{
	size_t bad = 0;
	for (size_t i = 0; i < n; i++)
		bad += p[i] != pattern(id, i);
	return bad;
}

int mtrace_replay(const struct mtrace *t, const struct allocator *a, int flags,
		 struct replay_result *r)
{
	void **ptr = map(t->nids * sizeof *ptr);
	size_t *len = map(t->nids * sizeof *len);
	memset(r, 0, sizeof *r);
	if (!ptr || !len || (a->begin && a->begin(a))) {
		fprintf(stderr, "replay %s: cannot start %s\n", t->name, a->name);
		return -1;
	}
	int track = (flags & REPLAY_FOOTPRINT) && !a->peak;
	size_t live = 0, peak_live = 0, peak_fp = 0;
	int failed = 0;
	double t0 = now();
	for (unsigned i = 0; i < t->nops && !failed; i++) {
		const struct mtrace_op *op = &t->ops[i];
		unsigned id = op->id;
		size_t n = op->size;
		switch (op->kind) {
		case 'a':
			ptr[id] = a->malloc(n);
			if (!ptr[id]) {
				fprintf(stderr, "replay %s: %s: malloc(%zu) failed at op %u\n", t->name, a->name, n, i);
				failed = 1;
				break;
			}
			len[id] = n;
			live += n;
			if (flags & REPLAY_VERIFY)
				fill(ptr[id], id, 0, n);
			break;
		case 'f':
			if (flags & REPLAY_VERIFY)
				r->errors += verify(ptr[id], id, len[id]);
			a->free(ptr[id]);
			live -= len[id];
			n = len[id];
			ptr[id] = 0;
			len[id] = 0;
			break;
		default: {
			if (flags & REPLAY_VERIFY)
				r->errors += verify(ptr[id], id, len[id]);
			void *q = a->realloc(ptr[id], n);
			if (!q && n) {
				fprintf(stderr, "replay %s: %s: realloc(%zu) failed at op %u\n", t->name, a->name, n, i);
				failed = 1;
				break;
			}
			if (flags & REPLAY_VERIFY) {
				size_t keep = len[id] < n ? len[id] : n;
				r->errors += verify(q, id, keep);
				fill(q, id, keep, n);
			}
			live = live - len[id] + n;
			n = n > len[id] ? n : len[id];
			ptr[id] = q;
			len[id] = q ? op->size : 0;
		}
		}
		if (live > peak_live)
			peak_live = live;
		if (track) {
			size_t fp = a->footprint(n >= (64 << 10));
			if (fp > peak_fp)
				peak_fp = fp;
		}
		if ((flags & REPLAY_CHECK) && a->check && a->check()) {
			fprintf(stderr, "replay %s: %s: heap check failed after op %u\n", t->name, a->name, i);
			r->errors++;
			failed = 1;
		}
	}
	double t1 = now();
	if (a->peak)
		peak_fp = a->peak();
	for (unsigned id = 0; id < t->nids; id++)
		if (ptr[id])
			a->free(ptr[id]);
	munmap(ptr, t->nids * sizeof *ptr);
	munmap(len, t->nids * sizeof *len);
	r->seconds = t1 - t0;
	r->ops_per_sec = r->seconds > 0 ? t->nops / r->seconds : 0;
	r->peak_live = peak_live;
	r->peak_footprint = peak_fp;
	r->utilization = peak_fp ? (double)peak_live / (double)peak_fp : 0;
	return failed || r->errors ? -1 : 0;
}

/* --- glibc -------------------------------------------------------------- */
static uintptr_t glibc_brk0;
static size_t glibc_arena0, glibc_mmap, glibc_base;

static int glibc_begin(const struct allocator *a)
{
	malloc_trim(0);
	struct mallinfo2 mi = mallinfo2();
	glibc_brk0 = (uintptr_t)sbrk(0);
	glibc_arena0 = mi.arena;
	glibc_mmap = mi.hblkhd;
	glibc_base = mi.uordblks + mi.hblkhd;	/* the driver's own blocks */
	(void)a;
	return 0;
}

static size_t glibc_footprint(int big)
{
	if (big)
		glibc_mmap = mallinfo2().hblkhd;
	size_t fp = glibc_arena0 + ((uintptr_t)sbrk(0) - glibc_brk0) + glibc_mmap;
	return fp > glibc_base ? fp - glibc_base : 0;
}

const struct allocator replay_glibc = {
	"glibc", "glibc", malloc, free, realloc, glibc_begin, glibc_footprint, 0, 0,
};

/* --- vmos --------------------------------------------------------------- */
static int vmos_begin(const struct allocator *a)
{
	if (vm_malloc_set_policy(a->policy)) {
		fprintf(stderr, "vmos malloc: cannot set policy '%s'\n", a->policy);
		return -1;
	}
	vm_malloc_reset_peak();
	return 0;
}

static struct malloc_statistics vst;
static size_t vmos_footprint(int big)
{
	(void)big;
	vm_malloc_statistics(&vst);
	return vst.footprint;
}

static size_t vmos_peak(void)
{
	vm_malloc_statistics(&vst);
	return vst.peak_footprint;
}

struct allocator replay_vmos(const char *policy)
{
	struct allocator a = { "vmos", policy, vm_malloc, vm_free, vm_realloc, vmos_begin,
			       vmos_footprint, vmos_peak, vm_malloc_check };
	return a;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int mtrace_replay_child(const struct mtrace *t, const struct allocator *a, int flags,
			struct replay_result *r)
{
	int fd[2];
	memset(r, 0, sizeof *r);
	fflush(stdout);
	fflush(stderr);
	if (pipe(fd))
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		close(fd[0]);
		struct replay_result u;
		if (mtrace_replay(t, a, flags, &u))
			u.errors += !u.errors;
		ssize_t w = write(fd[1], &u, sizeof u);
		_exit(w == (ssize_t)sizeof u ? 0 : 1);
	}
	close(fd[1]);
	ssize_t got = read(fd[0], r, sizeof *r);
	close(fd[0]);
	int st = 0;
	waitpid(pid, &st, 0);
	if (got != (ssize_t)sizeof *r || !WIFEXITED(st) || WEXITSTATUS(st)) {
		memset(r, 0, sizeof *r);
		r->errors = 1;
		return -1;
	}
	return r->errors ? -1 : 0;
}

int mtrace_replay_isolated(const struct mtrace *t, const struct allocator *a, int flags,
			  int runs, struct replay_result *r)
{
	struct replay_result x;
	double tp[101];
	if (mtrace_replay_child(t, a, flags | REPLAY_FOOTPRINT, r))
		return -1;
	if (runs > 101)
		runs = 101;
	for (int i = 0; i < runs; i++) {
		if (mtrace_replay_child(t, a, flags & ~REPLAY_FOOTPRINT, &x)) {
			*r = x;
			return -1;
		}
		tp[i] = x.ops_per_sec;
	}
	if (runs > 0) {
		qsort(tp, (size_t)runs, sizeof tp[0], cmp_double);
		r->ops_per_sec = tp[runs / 2];
		r->seconds = r->ops_per_sec > 0 ? t->nops / r->ops_per_sec : 0;
	}
	return 0;
}
