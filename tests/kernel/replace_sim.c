/*
 * replace_sim - replays a block trace through replacement policies and
 * prints each one's hit ratio (tests/kernel/replace_traces.sh compares them
 * with the published figures).
 *
 *   replace_sim [--check N] TRACE SIZE POLICY...
 *
 * prints one line per policy: "POLICY HIT% hits refs" with HIT% to two
 * decimals (percent of all references, cold misses counted).  --check N runs
 * the policy's invariant checker every N references.  Exit status 0, 1 if a
 * policy misbehaved, 2 on bad usage or an unreadable trace.
 */
#include "kernel/replace_sim.h"
#include "page_alloc.h"
#include "slab.h"

static int usage(void)
{
	fprintf(stderr, "usage: replace_sim [--check N] TRACE SIZE POLICY...\n"
		"policies: %s\n", repl_names());
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t check_every = 0;
	int a = 1;
	if (a + 1 < argc && !strcmp(argv[a], "--check")) {
		check_every = strtoull(argv[a + 1], NULL, 10);
		a += 2;
	}
	if (argc - a < 3)
		return usage();
	const char *path = argv[a];
	char *end;
	uint64_t size = strtoull(argv[a + 1], &end, 10);
	if (*end || size == 0) {
		fprintf(stderr, "replace_sim: bad cache size '%s'\n", argv[a + 1]);
		return 2;
	}
	for (int i = a + 2; i < argc; i++)
		if (!repl_find(argv[i])) {
			fprintf(stderr, "replace_sim: unknown policy '%s'\n", argv[i]);
			return usage();
		}
	struct sim_trace t;
	int rc = sim_trace_load(&t, path);
	if (rc < 0) {
		fprintf(stderr, "replace_sim: cannot read trace %s: %s\n", path, strerror(-rc));
		return 2;
	}
	static struct ram ram;
	static struct page_alloc pa;
	static struct kmem km;
	if (ram_init(&ram, 256ull << 20) || page_alloc_init(&pa, &ram) ||
	    kmem_init(&km, &pa, false)) {
		fprintf(stderr, "replace_sim: cannot boot 256 MiB of simulated RAM\n");
		return 2;
	}
	int status = 0;
	for (int i = a + 2; i < argc; i++) {
		struct sim_result res;
		rc = sim_run(&km, repl_find(argv[i]), &t, size, 1, check_every, &res);
		if (rc < 0) {
			fprintf(stderr, "replace_sim: %s: cannot set up %llu frames: %s\n",
				argv[i], (unsigned long long)size, strerror(-rc));
			status = 1;
			continue;
		}
		if (rc > 0) {
			fprintf(stderr, "replace_sim: %s on %s: %s\n", argv[i], path, res.error);
			status = 1;
			continue;
		}
		printf("%s %.2f %llu %llu\n", argv[i],
		       res.refs ? 100.0 * (double)res.hits / (double)res.refs : 0.0,
		       (unsigned long long)res.hits, (unsigned long long)res.refs);
	}
	const char *e = kmem_check(&km);
	if (e) {
		fprintf(stderr, "replace_sim: kmem_check: %s\n", e);
		status = 1;
	}
	kmem_destroy(&km);
	ram_destroy(&ram);
	sim_trace_free(&t);
	return status;
}
