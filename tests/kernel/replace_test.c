/* Tests for the page-replacement policies (src/kernel/replace*.c) and the
 * hash table under them (src/kernel/pagehash.c).  The trace figures are
 * checked by tests/kernel/replace_traces.sh; here: exactness against naive
 * reference implementations, victim order on small sequences, Belady's
 * anomaly, remove, capacity 1, invariants after every operation, leaks and
 * injected allocation failures. */
#include "test.h"
#include "kernel/replace_sim.h"
#include "pagehash.h"
#include "page_alloc.h"
#include "slab.h"

#include <errno.h>
#include <stdlib.h>

static struct ram ram;
static struct page_alloc pa;
static struct kmem km;
static uint64_t free_at_boot;

static void boot(bool debug)
{
	REQUIRE(ram_init(&ram, 256ull << 20) == 0);
	REQUIRE(page_alloc_init(&pa, &ram) == 0);
	free_at_boot = page_alloc_free_count(&pa);
	REQUIRE(kmem_init(&km, &pa, debug) == 0);
}

/* kmalloc objects and large blocks in use. */
static uint64_t kmem_in_use(void)
{
	uint64_t n = km.large_allocs - km.large_frees;
	for (int i = 0; i < KMALLOC_NCLASSES; i++) {
		struct kmem_cache_stats st;
		kmem_cache_get_stats(km.kmalloc_caches[i], &st);
		n += st.active;
	}
	return n;
}

/* Checks the allocators, tears them down and checks every frame came back. */
static void shutdown_and_check_leaks(void)
{
	const char *e = kmem_check(&km);
	if (e)
		test_fail(__FILE__, __LINE__, "kmem_check: %s", e);
	CHECK_EQ(kmem_in_use(), 0);
	kmem_destroy(&km);
	CHECK_EQ(page_alloc_free_count(&pa), free_at_boot);
	ram_destroy(&ram);
}

#define CHECK_REPL(r) do { const char *e_ = repl_check(r); \
	if (e_) test_fail(__FILE__, __LINE__, "repl_check(%s): %s", (r)->ops->name, e_); } while (0)

/* A bits for clock in the unit tests: keys below 64. */
static uint64_t abits;
/* test_ref also checks the aux contract: one word per resident page, 0
 * when it became resident and kept until it leaves (it stores key + 1). */
static unsigned aux_wrong;
static bool test_ref(void *ctx, uint64_t key, uint64_t *aux)
{
	if (*aux && *aux != key + 1)
		aux_wrong++;
	*aux = key + 1;
	bool a = abits >> key & 1;
	abits &= ~(1ull << key);
	return a;
}

/* The handles insert returned, by key, kept for access and remove as the
 * kernel keeps them in its frames (one instance at a time; open addressing). */
#define NHANDLES (1u << 16)
static struct { uint64_t key, handle; bool used; } handles[NHANDLES];
static uint64_t *handle_of(uint64_t key)
{
	uint32_t i = (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 48);
	while (handles[i].used && handles[i].key != key)
		i = (i + 1) & (NHANDLES - 1);
	handles[i].used = true;
	handles[i].key = key;
	return &handles[i].handle;
}
static void t_insert(struct repl *r, uint64_t key) { *handle_of(key) = repl_insert(r, key); }
static void t_access(struct repl *r, uint64_t key) { repl_access(r, key, *handle_of(key)); }
static void t_remove(struct repl *r, uint64_t key) { repl_remove(r, key, *handle_of(key)); }

static void setup(struct repl *r, const char *name, uint64_t capacity)
{
	memset(handles, 0, sizeof handles);
	memset(r, 0, sizeof *r);
	r->test_and_clear_ref = test_ref;
	r->seed = 42;
	REQUIRE(repl_init(r, repl_find(name), &km, capacity) == 0);
}

/* Hits of a trace through a policy (faults = refs - hits). */
static uint64_t hits_of(const char *name, const uint64_t *keys, uint64_t n, uint64_t cap,
			uint64_t check_every)
{
	struct sim_trace t;
	REQUIRE(sim_trace_from(&t, keys, n) == 0);
	struct sim_result res;
	int rc = sim_run(&km, repl_find(name), &t, cap, 7, check_every, &res);
	if (rc != 0)
		test_fail(__FILE__, __LINE__, "%s: sim_run %d: %s", name, rc,
			  res.error ? res.error : "setup failed");
	sim_trace_free(&t);
	return res.hits;
}

static const char *const all[] = { "fifo", "clock", "lru", "random", "lirs", "opt" };
#define NALL (sizeof all / sizeof all[0])

TEST(registry)
{
	for (unsigned i = 0; i < NALL; i++) {
		const struct repl_ops *o = repl_find(all[i]);
		REQUIRE(o);
		CHECK_STR(o->name, all[i]);
		CHECK(strstr(repl_names(), all[i]) != NULL);
		CHECK(repl_policy(i) == o);
	}
	CHECK(repl_policy(NALL) == NULL);
	CHECK(repl_find("nru") == NULL);
	CHECK(repl_find(NULL) == NULL);
	CHECK_STR(repl_names(), "fifo, clock, lru, random, lirs, opt");
	CHECK(!repl_find("fifo")->needs_every_access && !repl_find("clock")->needs_every_access);
	CHECK(repl_find("lru")->needs_every_access && repl_find("lirs")->needs_every_access);
	CHECK(repl_find("opt")->needs_every_access);
}

TEST(init_rejects_bad_arguments)
{
	boot(false);
	struct repl r = { 0 };
	CHECK_EQ(repl_init(&r, repl_find("lru"), &km, 0), -EINVAL);
	CHECK_EQ(repl_init(&r, NULL, &km, 10), -EINVAL);
	CHECK_EQ(repl_init(&r, repl_find("lru"), NULL, 10), -EINVAL);
	CHECK(repl_check(&r) != NULL);          /* not initialised */
	shutdown_and_check_leaks();
}

TEST(belady_anomaly)
{
	boot(true);
	static const uint64_t s[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5 };
	uint64_t n = 12;
	CHECK_EQ(n - hits_of("fifo", s, n, 3, 1), 9);
	CHECK_EQ(n - hits_of("fifo", s, n, 4, 1), 10);   /* more frames, more faults */
	CHECK_EQ(n - hits_of("lru", s, n, 3, 1), 10);
	CHECK_EQ(n - hits_of("lru", s, n, 4, 1), 8);
	CHECK_EQ(n - hits_of("opt", s, n, 3, 1), 7);
	CHECK_EQ(n - hits_of("opt", s, n, 4, 1), 6);
	shutdown_and_check_leaks();
}

TEST(fifo_ignores_references)
{
	boot(true);
	struct repl r;
	setup(&r, "fifo", 3);
	CHECK_EQ(repl_victim(&r), REPL_NONE);
	t_insert(&r, 1); t_insert(&r, 2); t_insert(&r, 3);
	t_access(&r, 1);
	CHECK_REPL(&r);
	CHECK_EQ(r.resident, 3);
	CHECK_EQ(repl_victim(&r), 1);
	t_insert(&r, 4);
	CHECK_EQ(repl_victim(&r), 2);
	CHECK_EQ(repl_victim(&r), 3);
	CHECK_EQ(repl_victim(&r), 4);
	CHECK_EQ(repl_victim(&r), REPL_NONE);
	CHECK_EQ(r.resident, 0);
	CHECK_REPL(&r);
	repl_destroy(&r);
	shutdown_and_check_leaks();
}

TEST(lru_evicts_least_recent)
{
	boot(true);
	struct repl r;
	setup(&r, "lru", 3);
	t_insert(&r, 1); t_insert(&r, 2); t_insert(&r, 3);
	t_access(&r, 1);
	t_access(&r, 9);                     /* not resident: ignored */
	CHECK_REPL(&r);
	CHECK_EQ(repl_victim(&r), 2);
	t_insert(&r, 4);
	t_access(&r, 3);
	CHECK_EQ(repl_victim(&r), 1);
	CHECK_EQ(repl_victim(&r), 4);
	CHECK_EQ(repl_victim(&r), 3);
	CHECK_REPL(&r);
	repl_destroy(&r);
	shutdown_and_check_leaks();
}

/* Handles: the kernel hands back what insert returned.  A handle that names
 * another key (a frame resident under another mapping's key) or a page no
 * longer resident (its node freed, or reused for another key) is ignored,
 * for access and remove alike. */
TEST(lru_handles_name_one_key)
{
	boot(true);
	struct repl r;
	setup(&r, "lru", 3);
	uint64_t h1 = repl_insert(&r, 1), h2 = repl_insert(&r, 2), h3 = repl_insert(&r, 3);
	CHECK(h1 != REPL_NO_HANDLE && h2 != h1 && h3 != h2);
	repl_access(&r, 7, h1);              /* key 7 is not h1's key: ignored */
	repl_remove(&r, 7, h1);
	CHECK_EQ(r.resident, 3);
	repl_access(&r, 1, REPL_NO_HANDLE);  /* no handle: ignored */
	CHECK_EQ(repl_victim(&r), 1);        /* so 1 is still least recent */
	repl_access(&r, 1, h1);              /* stale: 1 was evicted */
	repl_remove(&r, 1, h1);
	CHECK_EQ(r.resident, 2);
	uint64_t h4 = repl_insert(&r, 4);    /* may reuse 1's node */
	repl_access(&r, 1, h1);              /* still stale, even if h4 == h1 */
	repl_access(&r, 2, h2);              /* order now 3 4 2 */
	CHECK_REPL(&r);
	CHECK_EQ(repl_victim(&r), 3);
	repl_remove(&r, 4, h4);
	CHECK_EQ(repl_victim(&r), 2);
	CHECK_EQ(r.resident, 0);
	CHECK_REPL(&r);
	repl_destroy(&r);
	shutdown_and_check_leaks();
}

TEST(clock_second_chance)
{
	boot(true);
	struct repl r;
	setup(&r, "clock", 3);
	t_insert(&r, 1); t_insert(&r, 2); t_insert(&r, 3);
	abits = 1u << 1 | 1u << 3;
	CHECK_EQ(repl_victim(&r), 2);           /* 1 had A set: second chance */
	CHECK_EQ(abits, 1u << 3);               /* the hand cleared 1's bit only */
	CHECK_EQ(repl_victim(&r), 1);           /* 3 gets its chance, 1 goes */
	CHECK_EQ(abits, 0);
	t_insert(&r, 5); t_insert(&r, 6);
	abits = 1u << 3 | 1u << 5 | 1u << 6;    /* all referenced: one full turn */
	CHECK_EQ(repl_victim(&r), 3);
	CHECK_EQ(abits, 0);
	/* 3's node, tested before, serves 7 now: its aux starts at 0 again */
	t_insert(&r, 7);
	abits = 1u << 5 | 1u << 6 | 1u << 7;
	CHECK_EQ(repl_victim(&r), 5);
	CHECK_EQ(aux_wrong, 0);
	CHECK_REPL(&r);
	r.test_and_clear_ref = NULL;            /* no A bits: plain FIFO */
	CHECK_EQ(repl_victim(&r), 6);
	repl_destroy(&r);
	shutdown_and_check_leaks();
}

TEST(random_is_seeded_and_uniformish)
{
	boot(false);
	uint64_t seq[2][64];
	uint64_t counts[8] = { 0 };
	for (int k = 0; k < 2; k++) {
		struct repl r;
		setup(&r, "random", 64);
		for (uint64_t i = 0; i < 64; i++)
			t_insert(&r, 100 + i);
		uint64_t seen = 0;
		for (int i = 0; i < 64; i++) {
			seq[k][i] = repl_victim(&r);
			REQUIRE(seq[k][i] >= 100 && seq[k][i] < 164);
			CHECK(!(seen >> (seq[k][i] - 100) & 1));   /* each evicted once */
			seen |= 1ull << (seq[k][i] - 100);
			if (i % 7 == 0)
				CHECK_REPL(&r);
		}
		CHECK_EQ(repl_victim(&r), REPL_NONE);
		repl_destroy(&r);
	}
	CHECK(memcmp(seq[0], seq[1], sizeof seq[0]) == 0);  /* same seed, same run */
	/* Capacity 8, 8000 victims: each slot chosen ~1000 times. */
	struct repl r;
	setup(&r, "random", 8);
	for (uint64_t i = 0; i < 8; i++)
		t_insert(&r, i);
	for (int i = 0; i < 8000; i++) {
		uint64_t v = repl_victim(&r);
		REQUIRE(v < 8);
		counts[v]++;
		t_insert(&r, v);
	}
	for (int i = 0; i < 8; i++)
		CHECK(counts[i] > 850 && counts[i] < 1150);
	repl_destroy(&r);
	shutdown_and_check_leaks();
}

TEST(lirs_resists_scans)
{
	boot(true);
	/* A hot set of 8 pages referenced 3 times, a one-time scan of 200 pages,
	 * the hot set again: LIRS keeps it (LIR pages), LRU loses it. */
	uint64_t keys[8 * 3 + 200 + 8], n = 0;
	for (int k = 0; k < 3; k++)
		for (uint64_t i = 0; i < 8; i++)
			keys[n++] = i;
	for (uint64_t i = 0; i < 200; i++)
		keys[n++] = 1000 + i;
	for (uint64_t i = 0; i < 8; i++)
		keys[n++] = i;
	CHECK_EQ(hits_of("lru", keys, n, 10, 1), 16);
	CHECK_EQ(hits_of("lirs", keys, n, 10, 1), 16 + 8);
	CHECK_EQ(hits_of("opt", keys, n, 10, 1), 16 + 8);
	shutdown_and_check_leaks();
}

static uint64_t opt_future[16];
static uint64_t opt_next(void *ctx, uint64_t key) { return opt_future[key]; }

TEST(remove_every_policy)
{
	boot(true);
	for (unsigned p = 0; p < NALL; p++) {
		struct repl r;
		setup(&r, all[p], 5);
		r.next_use = opt_next;
		for (uint64_t k = 1; k <= 5; k++) {
			opt_future[k] = 10 * k;
			t_insert(&r, k);
			t_access(&r, k);
		}
		t_remove(&r, 3);
		t_remove(&r, 3);              /* twice: ignored */
		t_remove(&r, 99);             /* never resident: ignored */
		CHECK_EQ(r.resident, 4);
		CHECK_REPL(&r);
		uint64_t seen = 0;
		for (int i = 0; i < 4; i++) {
			uint64_t v = repl_victim(&r);
			REQUIRE(v >= 1 && v <= 5 && v != 3);
			CHECK(!(seen >> v & 1));
			seen |= 1ull << v;
			CHECK_REPL(&r);
		}
		CHECK_EQ(repl_victim(&r), REPL_NONE);
		t_insert(&r, 3);              /* a removed key can come back */
		CHECK_EQ(r.resident, 1);
		CHECK_REPL(&r);
		repl_destroy(&r);
	}
	shutdown_and_check_leaks();
}

TEST(opt_remove_and_order)
{
	boot(true);
	struct repl r;
	setup(&r, "opt", 4);
	r.next_use = opt_next;
	uint64_t fut[] = { 0, 50, 10, 30, UINT64_MAX };
	for (uint64_t k = 1; k <= 4; k++) {
		opt_future[k] = fut[k];
		t_insert(&r, k);
	}
	CHECK_REPL(&r);
	t_remove(&r, 4);                      /* the never-used page, gone */
	CHECK_REPL(&r);
	opt_future[2] = 70;                      /* 2 referenced: now used last */
	t_access(&r, 2);
	CHECK_REPL(&r);
	CHECK_EQ(repl_victim(&r), 2);
	CHECK_EQ(repl_victim(&r), 1);
	CHECK_EQ(repl_victim(&r), 3);
	CHECK_EQ(repl_victim(&r), REPL_NONE);
	repl_destroy(&r);
	shutdown_and_check_leaks();
}

static uint64_t splitmix64_test(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A reproducible random trace over `pages` pages with some locality. */
static uint64_t *random_trace(uint64_t n, uint64_t pages, uint64_t seed)
{
	uint64_t *k = malloc(n * sizeof *k), x = seed;
	REQUIRE(k);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t z = splitmix64_test(&x);
		k[i] = (z & 3) == 0 || i == 0 ? (z >> 8) % pages : k[i - 1 - (z >> 40) % (i < 8 ? i : 8)];
	}
	return k;
}

/* Naive reference simulators: O(refs x capacity), obviously right.
 * kind 0 = FIFO (evict oldest arrival), 1 = LRU (oldest reference),
 * 2 = OPT (farthest next use, by scanning the future). */
static uint64_t naive_hits(int kind, const uint64_t *k, uint64_t n, uint64_t cap)
{
	uint64_t *key = malloc(cap * sizeof *key), *stamp = malloc(cap * sizeof *stamp);
	uint64_t used = 0, hits = 0;
	REQUIRE(key && stamp);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t j;
		for (j = 0; j < used && key[j] != k[i]; j++)
			;
		if (j < used) {
			hits++;
			if (kind == 1)
				stamp[j] = i;
			continue;
		}
		if (used < cap) {
			j = used++;
		} else {
			uint64_t best = 0, bestv = 0;
			for (uint64_t m = 0; m < cap; m++) {
				uint64_t v;
				if (kind == 2) {
					uint64_t f;
					for (f = i + 1; f < n && k[f] != key[m]; f++)
						;
					v = f;
				} else {
					v = UINT64_MAX - stamp[m];   /* oldest stamp wins */
				}
				if (m == 0 || v > bestv) {
					best = m;
					bestv = v;
				}
			}
			j = best;
		}
		key[j] = k[i];
		stamp[j] = i;
	}
	free(key);
	free(stamp);
	return hits;
}

TEST(exact_against_naive_reference)
{
	boot(false);
	static const uint64_t caps[] = { 1, 2, 3, 7, 16, 50 };
	for (uint64_t seed = 1; seed <= 4; seed++) {
		uint64_t n = 3000, *k = random_trace(n, 80, seed);
		for (unsigned c = 0; c < sizeof caps / sizeof caps[0]; c++) {
			CHECK_EQ(hits_of("fifo", k, n, caps[c], 0), naive_hits(0, k, n, caps[c]));
			CHECK_EQ(hits_of("lru", k, n, caps[c], 0), naive_hits(1, k, n, caps[c]));
			CHECK_EQ(hits_of("opt", k, n, caps[c], 0), naive_hits(2, k, n, caps[c]));
		}
		free(k);
	}
	shutdown_and_check_leaks();
}

TEST(opt_bounds_every_policy_and_lru_is_a_stack)
{
	boot(false);
	uint64_t n = 5000, *k = random_trace(n, 300, 99);
	uint64_t prev_lru = 0;
	for (uint64_t cap = 5; cap <= 120; cap += 23) {
		uint64_t opt = hits_of("opt", k, n, cap, 0);
		for (unsigned p = 0; p < NALL; p++)
			CHECK(hits_of(all[p], k, n, cap, 0) <= opt);
		uint64_t lru = hits_of("lru", k, n, cap, 0);
		CHECK(lru >= prev_lru);          /* inclusion: no anomaly for LRU */
		prev_lru = lru;
	}
	free(k);
	shutdown_and_check_leaks();
}

TEST(capacity_one)
{
	boot(true);
	uint64_t n = 2000, *k = random_trace(n, 5, 3), repeats = 0;
	for (uint64_t i = 1; i < n; i++)
		repeats += k[i] == k[i - 1];
	REQUIRE(repeats > 100);
	for (unsigned p = 0; p < NALL; p++)   /* one frame: a hit is a repeat */
		CHECK_EQ(hits_of(all[p], k, n, 1, 1), repeats);
	free(k);
	shutdown_and_check_leaks();
}

TEST(invariants_after_every_operation)
{
	boot(true);
	/* Random inserts, accesses, victims and removes against a shadow set,
	 * repl_check after each operation. */
	for (unsigned p = 0; p < NALL; p++) {
		struct repl r;
		setup(&r, all[p], 12);
		r.next_use = opt_next;
		bool res[16] = { 0 };
		uint64_t x = 5 + p, nres = 0;
		for (int i = 0; i < 3000; i++) {
			uint64_t z = splitmix64_test(&x), key = z % 16;
			opt_future[key] = z >> 40;
			r.now = (uint64_t)i;
			abits |= (z >> 20 & 1) << key;
			switch (z >> 8 & 3) {
			case 0: case 1:
				if (res[key]) {
					t_access(&r, key);
					break;
				}
				if (nres == r.capacity) {
					uint64_t v = repl_victim(&r);
					REQUIRE(v < 16 && res[v]);
					res[v] = false;
					nres--;
				}
				t_insert(&r, key);
				res[key] = true;
				nres++;
				break;
			case 2:
				t_remove(&r, key);
				nres -= res[key];
				res[key] = false;
				break;
			default: {
				uint64_t v = repl_victim(&r);
				if (nres == 0) {
					CHECK_EQ(v, REPL_NONE);
				} else {
					REQUIRE(v < 16 && res[v]);
					res[v] = false;
					nres--;
				}
			}
			}
			REQUIRE(r.resident == nres);
			const char *e = repl_check(&r);
			if (e) {
				test_fail(__FILE__, __LINE__, "%s after op %d: %s", all[p], i, e);
				break;
			}
		}
		repl_destroy(&r);
	}
	shutdown_and_check_leaks();
}

static uint64_t scrambled_future(void *ctx, uint64_t key) { return key * 0x9e3779b97f4a7c15ull >> 20; }

TEST(no_leaks_and_large_capacity)
{
	boot(false);
	uint64_t before_kmem = kmem_in_use();
	for (unsigned p = 0; p < NALL; p++) {
		struct repl r;
		setup(&r, all[p], 20000);        /* several hash and array segments */
		r.next_use = scrambled_future;
		for (uint64_t k = 0; k < 20000; k++)
			t_insert(&r, k << 12 | 7);
		CHECK_REPL(&r);
		for (uint64_t k = 0; k < 20000; k += 3)
			t_remove(&r, k << 12 | 7);
		CHECK_REPL(&r);
		repl_destroy(&r);
		CHECK_EQ(kmem_in_use(), before_kmem);
		CHECK(kmem_check(&km) == NULL);
	}
	shutdown_and_check_leaks();
}

TEST(init_fails_cleanly_under_injected_faults)
{
	boot(true);
	struct alloc_faults f = { .countdown = -1 };
	km.faults = &f;
	pa.faults = &f;
	uint64_t before = kmem_in_use(), frames = page_alloc_free_count(&pa);
	for (unsigned p = 0; p < NALL; p++) {
		int failures = 0;
		for (int64_t cd = 0;; cd++) {
			struct repl r = { 0 };
			f.countdown = cd;
			int rc = repl_init(&r, repl_find(all[p]), &km, 10000);
			f.countdown = -1;
			if (rc == 0) {
				CHECK_REPL(&r);
				repl_destroy(&r);
				break;
			}
			CHECK_EQ(rc, -ENOMEM);
			CHECK(r.state == NULL);
			CHECK_EQ(kmem_in_use(), before);     /* rolled back */
			failures++;
			REQUIRE(cd < 10000);
		}
		CHECK(failures >= 3);       /* state and the node pool's chunks at least */
	}
	CHECK(f.injected > 0);
	km.faults = NULL;
	pa.faults = NULL;
	CHECK(kmem_check(&km) == NULL);
	CHECK(page_alloc_free_count(&pa) <= frames);
	shutdown_and_check_leaks();
}

static void insert_twice(void)
{
	boot(false);
	struct repl r;
	setup(&r, "random", 4);     /* fifo, lru, clock trust the kernel here */
	t_insert(&r, 1);
	t_insert(&r, 1);
}
static void insert_over_capacity(void)
{
	boot(false);
	struct repl r;
	setup(&r, "lirs", 2);
	t_insert(&r, 1); t_insert(&r, 2); t_insert(&r, 3);
}
static void opt_without_future(void)
{
	boot(false);
	struct repl r;
	setup(&r, "opt", 2);
	t_insert(&r, 1);
}

TEST(contract_violations_panic)
{
	CHECK(test_dies(insert_twice));
	CHECK(test_dies(insert_over_capacity));
	CHECK(test_dies(opt_without_future));
}

TEST(pagehash_table)
{
	boot(true);
	struct pagehash h;
	REQUIRE(ph_init(&h, &km, 10000) == 0);
	CHECK(h.buckets.nseg > 1);
	static struct ph_node nodes[10000];
	for (uint64_t i = 0; i < 10000; i++) {
		nodes[i].key = i * 4096;          /* page-aligned keys: hash must spread */
		ph_add(&h, &nodes[i]);
	}
	CHECK(ph_check(&h) == NULL);
	uint64_t longest = 0;
	for (uint64_t b = 0; b < h.buckets.n; b++) {
		uint64_t len = 0;
		for (struct ph_node *n = *ph_slot(&h.buckets, b); n; n = n->hnext)
			len++;
		longest = len > longest ? len : longest;
	}
	CHECK(longest <= 8);
	for (uint64_t i = 0; i < 10000; i += 2)
		ph_del(&h, &nodes[i]);
	CHECK_EQ(h.count, 5000);
	for (uint64_t i = 0; i < 10000; i++)
		CHECK(ph_find(&h, i * 4096) == (i & 1 ? &nodes[i] : NULL));
	CHECK(ph_check(&h) == NULL);
	h.count++;                                 /* corrupt: the checker sees it */
	CHECK(ph_check(&h) != NULL);
	h.count--;
	ph_destroy(&h, &km);
	shutdown_and_check_leaks();
}
