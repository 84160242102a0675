/*
 * malloc_bench.c - every vmos malloc policy and glibc malloc on the same
 * traces (the .rep files of tests/malloc/traces, or those given), in one run:
 * utilization (peak live payload / peak footprint: brk extent + live mmap
 * bytes) and throughput (median of RUNS timed replays, Mops/s), then per
 * policy the average utilization and the geometric-mean throughput with
 * its ratio to glibc's.
 *
 * Method: every replay runs in its own freshly forked child, so glibc and
 * every policy start each replay from a cold heap with nothing learned
 * (glibc's dynamic mmap threshold included); the timed replays go
 * round-robin over the allocators (run 1 of each, run 2 of each, ...), so
 * a change of load on a shared machine hits all alike; time is the
 * child's CPU time (user + system: page faults and system calls count).
 * Figures, not verdicts: nothing here fails.
 */
#include "mtrace_replay.h"	/* src/tools/mtrace/: malloc traces, not memory-reference traces */
#include "malloc_api.h"

#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUNS 21

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}
#define MAXT 64

static const char *policies[] = {
	"first,lifo", "first,ao", "next,lifo", "next,ao", "best,lifo", "best,ao", "worst,lifo",
	"segfit,immediate", "segfit,deferred", "buddy,immediate", "buddy,deferred", "glibc",
};
#define NP (int)(sizeof policies / sizeof *policies)

int main(int argc, char **argv)
{
	glob_t g = { 0 };
	char **files;
	int nt;
	if (argc > 1) {
		files = argv + 1;
		nt = argc - 1;
	} else {
		if (glob("tests/malloc/traces/*.rep", 0, 0, &g) || !g.gl_pathc) {
			fprintf(stderr, "malloc_bench: no traces in tests/malloc/traces (run from the repository)\n");
			return 1;
		}
		files = g.gl_pathv;
		nt = (int)g.gl_pathc;
	}
	if (nt > MAXT)
		nt = MAXT;
	static struct replay_result res[MAXT][NP];
	char names[MAXT][32];
	setvbuf(stdout, 0, _IOLBF, 0);
	printf("vmos malloc vs glibc malloc: utilization %% / throughput Mops/s (median of %d)\n", RUNS);
	printf("each replay in a fresh child (cold heap for all), runs round-robin, CPU time\n");
	printf("default policy: %s\n\n%-16s", vm_malloc_get_policy(), "trace");
	for (int p = 0; p < NP; p++)
		printf(" %13s", policies[p]);
	printf("\n");
	for (int t = 0; t < nt; t++) {
		struct mtrace tr;
		char err[512];
		if (mtrace_load(files[t], &tr, err, sizeof err)) {
			fprintf(stderr, "malloc_bench: %s\n", err);
			return 1;
		}
		snprintf(names[t], sizeof names[t], "%.*s", (int)(strlen(tr.name) > 4 ? strlen(tr.name) - 4 : strlen(tr.name)), tr.name);
		printf("%-16s", names[t]);
		/* Runs round-robin over the allocators, each replay in a fresh
		 * child: all start cold and a change of load on the machine hits
		 * every allocator alike. */
		struct allocator al[NP];
		static double tp[NP][RUNS];
		int bad[NP] = { 0 };
		for (int p = 0; p < NP; p++) {
			al[p] = strcmp(policies[p], "glibc") ? replay_vmos(policies[p]) : replay_glibc;
			bad[p] = mtrace_replay_child(&tr, &al[p], REPLAY_FOOTPRINT, &res[t][p]) != 0;
		}
		for (int r = 0; r < RUNS; r++)
			for (int p = 0; p < NP; p++) {
				struct replay_result x;
				if (!bad[p])
					bad[p] = mtrace_replay_child(&tr, &al[p], 0, &x) != 0;
				tp[p][r] = x.ops_per_sec;
			}
		for (int p = 0; p < NP; p++) {
			qsort(tp[p], RUNS, sizeof tp[p][0], cmp_double);
			res[t][p].ops_per_sec = bad[p] ? 0 : tp[p][RUNS / 2];
			if (bad[p])
				printf(" %13s", "failed");
			else
				printf(" %5.1f / %5.1f", 100 * res[t][p].utilization, res[t][p].ops_per_sec / 1e6);
		}
		printf("\n");
		mtrace_free(&tr);
	}
	printf("\n%-18s %10s %14s %12s\n", "policy", "avg util", "geomean Mops/s", "vs glibc");
	double glibc_gm = 0;
	for (int pass = 0; pass < 2; pass++)
		for (int p = 0; p < NP; p++) {
			double u = 0, lg = 0;
			for (int t = 0; t < nt; t++) {
				u += res[t][p].utilization;
				lg += log(res[t][p].ops_per_sec > 0 ? res[t][p].ops_per_sec : 1);
			}
			double gm = exp(lg / nt);
			if (!strcmp(policies[p], "glibc"))
				glibc_gm = gm;
			if (pass == 1)
				printf("%-18s %9.1f%% %14.2f %11.2fx\n", policies[p], 100 * u / nt, gm / 1e6,
				       glibc_gm > 0 ? gm / glibc_gm : 0);
		}
	globfree(&g);
	return 0;
}
