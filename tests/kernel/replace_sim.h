/*
 * replace_sim.h - a cache simulator over the replacement policies, shared by
 * tests/kernel/replace_test.c, tests/kernel/replace_sim.c and
 * bench/replace_bench.c (host code: it may use libc malloc).
 *
 * A trace is a sequence of page numbers (the key of a page is its number).
 * For each reference at position i (r->now = i): if the page is resident it
 * is a hit (access); otherwise a miss: if resident == capacity the policy
 * chooses a victim, then the page is inserted.  Either way the page's A bit
 * is set, as the MMU would, for clock's test_and_clear_ref.  Hit ratio =
 * hits / references, cold misses counted, no warm-up.  OPT's next_use comes
 * from next[i], the position of the next reference of the same page.
 *
 * The simulator keeps its own residency map and checks the policy against
 * it: a victim must be resident, the policy's resident count must match.
 */
#ifndef VMOS_TESTS_REPLACE_SIM_H
#define VMOS_TESTS_REPLACE_SIM_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "replace.h"

struct sim_trace {
	uint64_t *keys;      /* n page numbers */
	uint32_t *id;        /* dense id of each reference's page */
	uint64_t *next;      /* next position of the same page, UINT64_MAX if none */
	uint64_t n, unique;
	/* key -> dense id, open addressing, linear probing */
	uint64_t *tab_key;
	uint32_t *tab_id;
	uint64_t tab_mask;
};

static inline uint64_t sim_hash(uint64_t k) { return k * 0x9e3779b97f4a7c15ull; }

/* Dense id of key, or UINT32_MAX if the trace never references it. */
static inline uint32_t sim_id(const struct sim_trace *t, uint64_t key)
{
	for (uint64_t i = sim_hash(key) >> 20 & t->tab_mask;; i = (i + 1) & t->tab_mask) {
		if (t->tab_id[i] == UINT32_MAX)
			return UINT32_MAX;
		if (t->tab_key[i] == key)
			return t->tab_id[i];
	}
}

static inline void sim_trace_free(struct sim_trace *t)
{
	free(t->keys); free(t->id); free(t->next); free(t->tab_key); free(t->tab_id);
	memset(t, 0, sizeof *t);
}

/* Builds the trace from n keys (copied).  Returns 0 or -ENOMEM. */
static inline int sim_trace_from(struct sim_trace *t, const uint64_t *keys, uint64_t n)
{
	memset(t, 0, sizeof *t);
	uint64_t size = 16;
	while (size < 2 * n)
		size <<= 1;
	t->keys = malloc((n ? n : 1) * sizeof *t->keys);
	t->id = malloc((n ? n : 1) * sizeof *t->id);
	t->next = malloc((n ? n : 1) * sizeof *t->next);
	t->tab_key = malloc(size * sizeof *t->tab_key);
	t->tab_id = malloc(size * sizeof *t->tab_id);
	uint64_t *last = malloc((n ? n : 1) * sizeof *last);   /* by id */
	if (!t->keys || !t->id || !t->next || !t->tab_key || !t->tab_id || !last) {
		free(last);
		sim_trace_free(t);
		return -ENOMEM;
	}
	memcpy(t->keys, keys, n * sizeof *keys);
	memset(t->tab_id, 0xff, size * sizeof *t->tab_id);
	t->tab_mask = size - 1;
	t->n = n;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t k = keys[i], j = sim_hash(k) >> 20 & t->tab_mask;
		while (t->tab_id[j] != UINT32_MAX && t->tab_key[j] != k)
			j = (j + 1) & t->tab_mask;
		if (t->tab_id[j] == UINT32_MAX) {
			t->tab_key[j] = k;
			t->tab_id[j] = (uint32_t)t->unique++;
		}
		t->id[i] = t->tab_id[j];
	}
	for (uint64_t u = 0; u < t->unique; u++)
		last[u] = UINT64_MAX;
	for (uint64_t i = n; i-- > 0;) {
		t->next[i] = last[t->id[i]];
		last[t->id[i]] = i;
	}
	free(last);
	return 0;
}

/* Reads a trace file: one decimal page number per line; lines holding only
 * `*` (phase markers) and empty lines are skipped.  Returns 0, -ENOENT if
 * the file cannot be opened, -EINVAL on a malformed line (reported on
 * stderr with its line number), -ENOMEM. */
static inline int sim_trace_load(struct sim_trace *t, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	uint64_t cap = 1 << 16, n = 0, line = 0;
	uint64_t *keys = malloc(cap * sizeof *keys);
	char buf[128];
	int rc = 0;
	while (keys && fgets(buf, sizeof buf, f)) {
		line++;
		char *p = buf, *end;
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == 0 || (p[0] == '*' && strspn(p + 1, " \t\r\n") == strlen(p + 1)))
			continue;
		errno = 0;
		unsigned long long v = strtoull(p, &end, 10);
		if (end == p || errno || strspn(end, " \t\r\n") != strlen(end) || *p == '-' ||
		    v == REPL_NONE) {
			fprintf(stderr, "%s:%llu: not a page number: %.40s\n", path,
				(unsigned long long)line, buf);
			rc = -EINVAL;
			break;
		}
		if (n == cap) {
			uint64_t *k2 = realloc(keys, 2 * cap * sizeof *keys);
			if (!k2) { free(keys); keys = NULL; break; }
			keys = k2;
			cap *= 2;
		}
		keys[n++] = v;
	}
	fclose(f);
	if (!keys)
		return -ENOMEM;
	if (rc == 0)
		rc = sim_trace_from(t, keys, n);
	free(keys);
	return rc;
}

struct sim {
	const struct sim_trace *t;
	struct repl *r;
	uint8_t *abit;       /* by id */
	uint8_t *resident;   /* by id */
	uint64_t *handle;    /* by id: what insert returned, while resident */
};

static bool sim_test_and_clear_ref(void *ctx, uint64_t key, uint64_t *aux)
{
	struct sim *s = ctx;
	uint32_t id = sim_id(s->t, key);
	if (id == UINT32_MAX)
		return false;
	bool a = s->abit[id];
	s->abit[id] = 0;
	return a;
}

static uint64_t sim_next_use(void *ctx, uint64_t key)
{
	struct sim *s = ctx;
	return s->t->next[s->r->now];
}

struct sim_result {
	uint64_t refs, hits, misses, evictions;
	const char *error;   /* NULL, or why the policy misbehaved */
};

/* Replays t through a fresh instance of ops with capacity frames.
 * check_every > 0 runs repl_check every that many references (and at the
 * end).  Returns 0 with res filled; -errno if the instance cannot be set up;
 * res->error set (and 1 returned) if the policy misbehaved. */
static inline int sim_run(struct kmem *km, const struct repl_ops *ops, const struct sim_trace *t,
			  uint64_t capacity, uint64_t seed, uint64_t check_every,
			  struct sim_result *res)
{
	struct repl r;
	memset(&r, 0, sizeof r);
	memset(res, 0, sizeof *res);
	struct sim s = { t, &r, calloc(t->unique + 1, 1), calloc(t->unique + 1, 1),
			 calloc(t->unique + 1, sizeof(uint64_t)) };
	if (!s.abit || !s.resident || !s.handle) {
		free(s.abit); free(s.resident); free(s.handle);
		return -ENOMEM;
	}
	r.test_and_clear_ref = sim_test_and_clear_ref;
	r.next_use = sim_next_use;
	r.ctx = &s;
	r.seed = seed;
	int rc = repl_init(&r, ops, km, capacity);
	if (rc < 0) {
		free(s.abit); free(s.resident); free(s.handle);
		return rc;
	}
	for (uint64_t i = 0; i < t->n && !res->error; i++) {
		uint64_t key = t->keys[i];
		uint32_t id = t->id[i];
		r.now = i;
		if (s.resident[id]) {
			res->hits++;
			ops->access(&r, key, s.handle[id]);
		} else {
			res->misses++;
			if (r.resident == capacity) {
				uint64_t v = ops->victim(&r);
				uint32_t vid = v == REPL_NONE ? UINT32_MAX : sim_id(t, v);
				if (vid == UINT32_MAX || !s.resident[vid]) {
					res->error = "victim is not a resident page";
					break;
				}
				s.resident[vid] = 0;
				res->evictions++;
			}
			s.handle[id] = ops->insert(&r, key);
			s.resident[id] = 1;
		}
		s.abit[id] = 1;
		if (r.resident != res->misses - res->evictions)
			res->error = "policy's resident count differs from the simulator's";
		if (check_every && (i % check_every == 0 || i + 1 == t->n) && !res->error)
			res->error = repl_check(&r);
	}
	res->refs = res->hits + res->misses;
	repl_destroy(&r);
	free(s.abit); free(s.resident); free(s.handle);
	return res->error ? 1 : 0;
}

#endif
