/*
 * Kernel allocation failures anywhere - in exec, fault, fork, mmap, brk -
 * must roll back completely.  Each test runs a real program many times,
 * making the N-th kernel allocation fail for N = 0, 1, 2, ...; after each
 * run the invariant checker must pass and, once every process is reaped,
 * no user, file or page-table frame and no kernel object may remain.
 */
#include "test.h"
#include "kernel.h"
#include "proc.h"

#include <stdlib.h>

static const char *prog(const char *name)
{
	static char path[512];
	const char *b = getenv("VMOS_BUILD");
	snprintf(path, sizeof path, "%s/user/bin/%s", b ? b : "build", name);
	return path;
}

static uint64_t active_objects(struct kernel *k)
{
	return kmem_objects_in_use(&k->km);
}

/* Runs name with the n-th allocation failing; returns false when the run
 * saw no injected failure (n is past the program's allocations). */
static bool run_with_failure(const char *name, char *const argv[], int64_t n, uint64_t ram)
{
	struct kernel_config cfg;
	kernel_config_default(&cfg);
	cfg.ram_size = ram;
	cfg.out = fopen("/dev/null", "w");
	cfg.err = fopen("/dev/null", "w");
	cfg.check_invariants = true;
	static struct kernel k;
	REQUIRE(kernel_boot(&k, &cfg) == 0);
	uint64_t objs0 = active_objects(&k);
	uint64_t pt0 = k.pa.by_owner[FO_PAGE_TABLE];
	k.faults.countdown = n;
	int err = 0;
	static char *envp[] = { NULL };
	struct proc *p = proc_spawn(&k, prog(name), argv, envp, &err);
	if (p)
		kernel_run(&k);
	bool injected = k.faults.injected > 0;
	k.faults.countdown = -1;
	const char *e = kernel_check(&k);
	if (e)
		test_fail(__FILE__, __LINE__, "%s, failure %lld: %s", name, (long long)n, e);
	if (p)
		proc_reap(&k, p);
	while (k.procs) {         /* orphans still running when the parent died */
		struct proc *q = k.procs;
		proc_exit(&k, q, 0, 9);
		proc_reap(&k, q);
	}
	if (k.pa.by_owner[FO_USER] || k.pa.by_owner[FO_FILE] ||
	    k.pa.by_owner[FO_PAGE_TABLE] != pt0 || active_objects(&k) != objs0 || k.images)
		test_fail(__FILE__, __LINE__,
			  "%s, failure %lld: leaked user=%llu file=%llu pt=%llu (boot %llu) objects=%llu (boot %llu)",
			  name, (long long)n, (unsigned long long)k.pa.by_owner[FO_USER],
			  (unsigned long long)k.pa.by_owner[FO_FILE],
			  (unsigned long long)k.pa.by_owner[FO_PAGE_TABLE], (unsigned long long)pt0,
			  (unsigned long long)active_objects(&k), (unsigned long long)objs0);
	kernel_shutdown(&k);
	fclose(cfg.out);
	fclose(cfg.err);
	return injected;
}

static void sweep(const char *name, char *const argv[], int64_t max)
{
	/* every site among the first 64, then a geometric sample of the rest */
	int64_t n, runs = 0;
	for (n = 0; n < max; n = n < 64 ? n + 1 : n + n / 8) {
		runs++;
		if (!run_with_failure(name, argv, n, 16 << 20))
			break;
	}
	CHECK(runs > 5);          /* the sweep reached real allocation sites */
}

TEST(rollback_hello)
{
	char *argv[] = { "hello", "a", NULL };
	sweep("hello", argv, 400);
}

TEST(rollback_fork)
{
	char *argv[] = { "fork", NULL };
	sweep("fork", argv, 3000);
}

TEST(rollback_mmap)
{
	char *argv[] = { "mmap", NULL };
	sweep("mmap", argv, 3000);
}

TEST(rollback_heap)
{
	char *argv[] = { "heap", NULL };
	sweep("heap", argv, 3000);
}

/* execve, densely: every allocation of a run that fails an execve (ENOENT),
 * forks a child that execs hello, and execs hello itself - before the point
 * of no return the caller gets ENOMEM, after it the process is killed; in
 * both cases nothing may leak. */
TEST(rollback_exec_every_site)
{
	static char hello[512];
	snprintf(hello, sizeof hello, "%s", prog("hello"));
	char *argv[] = { "exec", hello, NULL };
	int64_t n = 0;
	while (n < 4000 && run_with_failure("exec", argv, n, 16 << 20))
		n++;
	CHECK(n > 50);            /* about 120 sites today */
	CHECK(n < 4000);
}

TEST(missing_program_fails_cleanly)
{
	char *argv[] = { "nope", NULL };
	CHECK(!run_with_failure("does-not-exist", argv, -1, 4 << 20));
}
