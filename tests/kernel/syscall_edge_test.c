/*
 * syscall_edge_test.c - system calls whose edge cases a user program cannot
 * observe without hanging: a nanosleep of an enormous number of seconds
 * must sleep (practically) forever, not wrap around in the multiplication
 * by 10^9 or the addition to the clock into a sleep of a fraction of a
 * second.  Calls go through syscall_dispatch of a live process, arguments
 * in its registers and memory, as the trap handler makes them.  And a
 * read(2) must not consume input its buffer cannot take.
 */
#include "test.h"
#include "kernel.h"
#include "proc.h"
#include "syscall.h"
#include "uaccess.h"
#include "vm.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static struct kernel k;

static struct proc *boot_proc(void)
{
	struct kernel_config cfg;
	kernel_config_default(&cfg);
	cfg.ram_size = 16ull << 20;
	cfg.out = fopen("/dev/null", "w");
	cfg.err = cfg.out;
	REQUIRE(kernel_boot(&k, &cfg) == 0);
	static char path[512];
	const char *b = getenv("VMOS_BUILD");
	snprintf(path, sizeof path, "%s/user/bin/hello", b ? b : "build");
	char *argv[] = { "hello", NULL }, *envp[] = { NULL };
	int err;
	struct proc *p = proc_spawn(&k, path, argv, envp, &err);
	REQUIRE(p);
	proc_activate(&k, p);
	return p;
}

static void halt(void)
{
	while (k.procs) {
		struct proc *q = k.procs;
		proc_exit(&k, q, 0, 9);
		proc_reap(&k, q);
	}
	kernel_shutdown(&k);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* nanosleep({sec, nsec}) by p; returns its result. */
static int64_t nanosleep_of(struct proc *p, int64_t sec, int64_t nsec)
{
	uint64_t ts = (p->x[2] - 64) & ~15ULL;
	int64_t v[2] = { sec, nsec };
	REQUIRE(copyout(&k, p, ts, v, sizeof v) == 0);
	p->state = P_RUNNABLE;
	p->x[17] = LX_SYS_nanosleep;
	p->x[10] = ts;
	p->x[11] = 0;
	syscall_dispatch(&k, p);
	return (int64_t)p->x[10];
}

TEST(nanosleep_of_huge_seconds_does_not_wrap)
{
	struct proc *p = boot_proc();
	const uint64_t century = 100ULL * 365 * 86400 * 1000000000ULL;
	/* 18446744074 s * 10^9 wraps 2^64 to 0.29 s; INT64_MAX s to less
	 * than 2^64 ns; 2^34 s is 544 years, no wrap */
	const int64_t secs[] = { 18446744074LL, INT64_MAX, 1LL << 34, 4611686018LL };
	for (unsigned i = 0; i < sizeof secs / sizeof secs[0]; i++) {
		uint64_t t0 = now_ns();
		CHECK_EQ(nanosleep_of(p, secs[i], 999999999), 0);
		CHECK_EQ(p->state, P_SLEEPING);
		if (p->wake_time_ns < t0 + century)
			test_fail(__FILE__, __LINE__, "nanosleep(%lld s) wakes after %.3f s",
				  (long long)secs[i], (p->wake_time_ns - t0) / 1e9);
		CHECK(p->wake_time_ns != ~0ULL);     /* that means "until an event" */
	}
	/* an ordinary one is exact */
	uint64_t t0 = now_ns();
	CHECK_EQ(nanosleep_of(p, 2, 500), 0);
	CHECK(p->wake_time_ns >= t0 + 2000000500ULL && p->wake_time_ns < t0 + 3000000000ULL);
	/* and the bad ones fail */
	CHECK_EQ(nanosleep_of(p, -1, 0), (uint64_t)-EINVAL);
	CHECK_EQ(nanosleep_of(p, 0, 1000000000), (uint64_t)-EINVAL);
	CHECK_EQ(nanosleep_of(p, 0, -1), (uint64_t)-EINVAL);
	halt();
}

/* read(0, buf, len) by p; returns its result. */
static int64_t read_of(struct proc *p, uint64_t buf, uint64_t len)
{
	p->state = P_RUNNABLE;
	p->x[17] = LX_SYS_read;
	p->x[10] = 0;
	p->x[11] = buf;
	p->x[12] = len;
	syscall_dispatch(&k, p);
	return (int64_t)p->x[10];
}

/* Input that does not fit the buffer stays unread: a read into an
 * unmapped buffer consumes nothing, one into a buffer that ends after 3
 * bytes takes 3, and the next read gets the rest (as a Linux pipe keeps
 * what copy_to_user could not take). */
TEST(read_consumes_only_what_the_buffer_takes)
{
	struct proc *p = boot_proc();
	int fds[2];
	REQUIRE(pipe(fds) == 0);
	REQUIRE(write(fds[1], "hello, world", 12) == 12);
	close(fds[1]);
	k.stdin_fd = fds[0];
	int64_t m = vm_mmap(&k, p, 0, 2 * PGSIZE, LX_PROT_READ | LX_PROT_WRITE,
			    LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, -1, 0);
	REQUIRE(m > 0);
	REQUIRE(vm_munmap(&k, p, (uint64_t)m + PGSIZE, PGSIZE) == 0);
	uint64_t end = (uint64_t)m + PGSIZE;

	CHECK_EQ(read_of(p, end, 10), (uint64_t)-EFAULT);            /* unmapped */
	CHECK_EQ(read_of(p, 0xffffffc080000000ULL, 10), (uint64_t)-EFAULT);  /* kernel */
	CHECK_EQ(read_of(p, end - 3, 10), 3);                         /* 3 bytes fit */
	char got[16] = { 0 };
	REQUIRE(copyin(&k, p, got, end - 3, 3) == 0);
	CHECK_STR(got, "hel");
	CHECK_EQ(read_of(p, (uint64_t)m, 100), 9);                    /* the rest */
	memset(got, 0, sizeof got);
	REQUIRE(copyin(&k, p, got, (uint64_t)m, 9) == 0);
	CHECK_STR(got, "lo, world");
	CHECK_EQ(read_of(p, (uint64_t)m, 100), 0);                    /* EOF */
	close(fds[0]);
	halt();
}
