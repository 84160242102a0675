/*
 * guard_test.c - liveness of the fault path (src/kernel/proc.c, swap.c).
 *
 * The progress guard: an instruction that faults more than FAULT_GUARD_MAX
 * times without retiring is the kernel's failure to serve it; its process is
 * killed with SIGKILL and a one-line diagnosis while the others go on.  Two
 * triggers: a fault handler that "succeeds" without mapping anything (the
 * kernel's test hook test_stuck_pid), and the real eviction ping-pong of
 * ptfill in 4 MiB (page tables fill RAM; the data page and the code page
 * of one store take each other's frame) with the reclaim pinning that ends
 * it switched off (test_no_pin).  With pinning on, the same run ends with
 * the OOM killer choosing ptfill by its page tables.  Every run is under an
 * alarm: a livelock fails the test instead of hanging it.
 */
#include "test.h"
#include "kernel.h"
#include "proc.h"

#include <stdlib.h>
#include <unistd.h>

static const char *prog(const char *name)
{
	static char path[4][512];
	static int next;
	const char *b = getenv("VMOS_BUILD");
	char *s = path[next++ % 4];
	snprintf(s, sizeof path[0], "%s/user/bin/%s", b ? b : "build", name);
	return s;
}

static struct kernel k;
static char errbuf[8192];

/* Boots a machine with ram bytes and swap bytes; stderr goes to a buffer
 * (errbuf, filled by finish). */
static void boot(uint64_t ram, uint64_t swap)
{
	struct kernel_config cfg;
	kernel_config_default(&cfg);
	cfg.ram_size = ram;
	cfg.swap_size = swap;
	cfg.check_invariants = true;
	cfg.out = fopen("/dev/null", "w");
	cfg.err = tmpfile();
	REQUIRE(cfg.out && cfg.err);
	REQUIRE(kernel_boot(&k, &cfg) == 0);
}

static struct proc *spawn(const char *name, char *arg)
{
	static char *envp[] = { NULL };
	char *argv[] = { (char *)name, arg, NULL };
	int err = 0;
	struct proc *p = proc_spawn(&k, prog(name), argv, envp, &err);
	REQUIRE(p);
	return p;
}

/* Runs every process to the end (a livelock trips the alarm), reads what
 * the kernel printed into errbuf and checks the system. */
static void run_and_finish(void)
{
	alarm(120);
	kernel_run(&k);
	alarm(0);
	fflush(k.cfg.err);
	rewind(k.cfg.err);
	size_t n = fread(errbuf, 1, sizeof errbuf - 1, k.cfg.err);
	errbuf[n] = 0;
	const char *e = kernel_check(&k);
	if (e)
		test_fail(__FILE__, __LINE__, "kernel_check: %s", e);
}

static void halt(struct proc *a, struct proc *b)
{
	proc_reap(&k, a);
	proc_reap(&k, b);
	FILE *out = k.cfg.out, *err = k.cfg.err;
	kernel_shutdown(&k);
	fclose(out);
	fclose(err);
}

TEST(handler_that_maps_nothing_is_caught)
{
	boot(16ull << 20, 0);
	struct proc *stuck = spawn("hello", "x"), *other = spawn("hello", "y");
	k.test_stuck_pid = stuck->pid;
	run_and_finish();
	CHECK_EQ(stuck->state, P_ZOMBIE);
	CHECK_EQ(stuck->term_signal, 9);
	CHECK_EQ(other->term_signal, 0);
	CHECK_EQ(other->exit_code, 0);
	CHECK_EQ(k.stats.progress_kills, 1);
	CHECK_EQ(k.stats.fault_run_max, FAULT_GUARD_MAX);
	/* one line naming the process, the instruction, the count and what the
	 * kernel did each time */
	char want[200];
	snprintf(want, sizeof want, "vmos: pid %u (hello) killed by SIGKILL: no progress: the instruction at pc 0x",
		 stuck->pid);
	char *line = strstr(errbuf, want);
	CHECK(line);
	if (line) {
		char *end = strchr(line, '\n');
		REQUIRE(end);
		*end = 0;
		char times[64];
		snprintf(times, sizeof times, "faulted %d times without retiring", FAULT_GUARD_MAX + 1);
		CHECK(strstr(line, times));
		CHECK(strstr(line, "the kernel did: "));
		unsigned nothing = 0;
		for (char *s = line; (s = strstr(s, " nothing")); s++)
			nothing++;
		CHECK_EQ(nothing, FAULT_GUARD_MAX);
		if (test_failures)
			fprintf(stderr, "diagnosis: %s\n", line);
	}
	halt(stuck, other);
}

TEST(every_faulting_instruction_is_counted_afresh)
{
	/* a real program faults many times, never more than a few per
	 * instruction: the guard must not fire */
	boot(16ull << 20, 0);
	struct proc *a = spawn("bench_sort", "64"), *b = spawn("fork", NULL);
	run_and_finish();
	CHECK_EQ(a->term_signal, 0);
	CHECK_EQ(b->term_signal, 0);
	CHECK_EQ(k.stats.progress_kills, 0);
	CHECK(k.stats.faults_zero > 20);
	CHECK(k.stats.fault_run_max >= 1 && k.stats.fault_run_max <= 2);
	halt(a, b);
}

/* ptfill next to bench_sort in 4 MiB of RAM and 16 MiB of swap. */
static void pingpong(bool pin, struct proc **sort, struct proc **fill)
{
	boot(4ull << 20, 16ull << 20);
	k.test_no_pin = !pin;
	*sort = spawn("bench_sort", "300");
	*fill = spawn("ptfill", NULL);
	run_and_finish();
	CHECK_EQ((*sort)->term_signal, 0);
	CHECK_EQ((*sort)->exit_code, 0);
	CHECK_EQ((*fill)->term_signal, 9);
}

TEST(eviction_pingpong_without_pinning_is_caught_by_the_guard)
{
	struct proc *sort, *fill;
	pingpong(false, &sort, &fill);
	CHECK_EQ(k.stats.progress_kills, 1);
	CHECK_EQ(k.stats.oom_kills, 0);
	char want[120];
	snprintf(want, sizeof want, "pid %u (ptfill) killed by SIGKILL: no progress", fill->pid);
	CHECK(strstr(errbuf, want));
	CHECK(strstr(errbuf, "fetch 0x"));        /* code and data page in turn, */
	CHECK(strstr(errbuf, "store 0x"));
	CHECK(strstr(errbuf, "+1 evicted"));      /* each evicting the other */
	if (test_failures)
		fprintf(stderr, "%s", errbuf);
	halt(sort, fill);
}

TEST(eviction_pingpong_ends_in_the_oom_killer)
{
	struct proc *sort, *fill;
	pingpong(true, &sort, &fill);
	CHECK_EQ(k.stats.progress_kills, 0);
	CHECK_EQ(k.stats.oom_kills, 1);
	CHECK(k.stats.pinned_skips > 0);
	char want[120];
	snprintf(want, sizeof want, "killed pid %u (ptfill) with ", fill->pid);
	CHECK(strstr(errbuf, want));
	if (test_failures)
		fprintf(stderr, "%s", errbuf);
	halt(sort, fill);
}
