/*
 * mtrace.c - replays malloc-lab traces against the vmos allocator (any
 * policy) and glibc malloc, and prints utilization and throughput.
 *
 *   mtrace [-p SPEC]... [-g] [-a] [-n RUNS] [-c] [-q] TRACE...
 *     -p SPEC   a vmos policy (VMOS_MALLOC syntax); repeatable
 *     -a        every standard policy
 *     -g        glibc malloc too, as the peer
 *     -n RUNS   timed runs per measurement, the median is shown (default 3)
 *     -c        correctness run: verify block contents and run malloc_check
 *               after every operation (slow), no timing
 * With no -p/-a: the default policy.  Exit status 1 if any replay failed.
 */
#include "mtrace_replay.h"
#include "malloc_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *all_policies[] = {
	"first,lifo", "first,ao", "next,lifo", "next,ao", "best,lifo", "best,ao",
	"worst,lifo", "segfit,immediate", "segfit,deferred", "buddy,immediate", "buddy,deferred",
};

/* Measures one allocator on one trace; returns 0 or -1. */
static int measure(const struct mtrace *t, const struct allocator *a, int runs, int correct)
{
	struct replay_result u;
	if (correct) {
		if (mtrace_replay_isolated(t, a, REPLAY_VERIFY | REPLAY_CHECK, 0, &u)) {
			printf("%-24s %-18s FAILED (%lu errors)\n", t->name, a->policy, u.errors);
			return -1;
		}
		printf("%-24s %-18s ok      util %5.1f%%  peak live %9zu B  footprint %9zu B\n",
		       t->name, a->policy, 100 * u.utilization, u.peak_live, u.peak_footprint);
		return 0;
	}
	if (mtrace_replay_isolated(t, a, 0, runs, &u)) {
		printf("%-24s %-18s FAILED\n", t->name, a->policy);
		return -1;
	}
	printf("%-24s %-18s util %5.1f%%  peak live %9zu B  footprint %9zu B  %8.2f Mops/s\n",
	       t->name, a->policy, 100 * u.utilization, u.peak_live, u.peak_footprint,
	       u.ops_per_sec / 1e6);
	return 0;
}

int main(int argc, char **argv)
{
	const char *pol[64];
	int npol = 0, glibc = 0, runs = 3, correct = 0, i;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-p") && i + 1 < argc && npol < 64)
			pol[npol++] = argv[++i];
		else if (!strcmp(argv[i], "-a"))
			for (size_t k = 0; k < sizeof all_policies / sizeof *all_policies && npol < 64; k++)
				pol[npol++] = all_policies[k];
		else if (!strcmp(argv[i], "-g"))
			glibc = 1;
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-c"))
			correct = 1;
		else {
			fprintf(stderr, "usage: mtrace [-p SPEC]... [-a] [-g] [-n RUNS] [-c] TRACE...\n");
			return 2;
		}
	}
	if (i == argc) {
		fprintf(stderr, "mtrace: no trace given\n");
		return 2;
	}
	if (runs < 1)
		runs = 1;
	setvbuf(stdout, 0, _IOLBF, 0);
	if (!npol)
		pol[npol++] = vm_malloc_get_policy();
	int status = 0;
	for (; i < argc; i++) {
		struct mtrace t;
		char err[512];
		if (mtrace_load(argv[i], &t, err, sizeof err)) {
			fprintf(stderr, "mtrace: %s\n", err);
			status = 1;
			continue;
		}
		for (int k = 0; k < npol; k++) {
			struct allocator a = replay_vmos(pol[k]);
			if (measure(&t, &a, runs, correct))
				status = 1;
		}
		if (glibc && measure(&t, &replay_glibc, runs, 0))
			status = 1;
		mtrace_free(&t);
	}
	return status;
}
