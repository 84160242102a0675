/*
 * syscalls - the process and time calls and their error paths, with Linux
 * semantics: getpid/getppid, write/read/close on bad descriptors (EBADF), an
 * unknown syscall number (ENOSYS), a bad user pointer (EFAULT), clocks that
 * are monotonic and plausible, nanosleep sleeping at least as asked and
 * rejecting bad arguments (EINVAL), uname reporting machine "riscv64",
 * sched_yield.  Only results that are the same on every run are printed.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

static int64_t ns(const struct timespec *t) { return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec; }

/* expect_err: r must be -1 with errno e. */
static void expect_err(const char *what, long r, int e)
{
	char name[96];
	snprintf(name, sizeof name, "%s fails with errno %d", what, e);
	check_true(name, r == -1 && errno == e);
}

int main(void)
{
	pid_t pid = getpid();
	check_true("getpid > 0", pid > 0);
	check_true("getpid is stable", getpid() == pid);
	check_true("getppid >= 0 and differs", getppid() >= 0 && getppid() != pid);

	const char msg[] = "write to fd 1 directly\n";
	fflush(stdout);
	check_u64("write returns the count", (uint64_t)write(1, msg, sizeof msg - 1), sizeof msg - 1);
	check_u64("write of 0 bytes", (uint64_t)write(1, msg, 0), 0);
	char c;
	expect_err("write(99)", write(99, msg, 1), EBADF);
	expect_err("read(99)", read(99, &c, 1), EBADF);
	expect_err("close(99)", close(99), EBADF);
	expect_err("write(-1)", write(-1, msg, 1), EBADF);
	expect_err("write from an unmapped buffer", write(1, (void *)8, 1), EFAULT);
	expect_err("syscall 4000 (unknown)", syscall(4000, 0, 0, 0, 0, 0, 0), ENOSYS);

	struct timespec t0, t1, rt;
	check_true("clock_gettime(MONOTONIC)", clock_gettime(CLOCK_MONOTONIC, &t0) == 0);
	check_true("clock_gettime(REALTIME)", clock_gettime(CLOCK_REALTIME, &rt) == 0);
	check_true("realtime is after 2020", rt.tv_sec > 1577836800);
	check_true("tv_nsec in range", t0.tv_nsec >= 0 && t0.tv_nsec < 1000000000 &&
	           rt.tv_nsec >= 0 && rt.tv_nsec < 1000000000);
	check_true("time() agrees with REALTIME", time(NULL) >= rt.tv_sec && time(NULL) - rt.tv_sec < 5);
	expect_err("clock_gettime(bad clock)", clock_gettime(1000, &t1), EINVAL);

	struct timespec req = { 0, 2000000 };	/* 2 ms */
	check_true("nanosleep 2 ms returns 0", nanosleep(&req, NULL) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	check_true("monotonic advanced by >= 2 ms", ns(&t1) - ns(&t0) >= 2000000);
	check_true("... and by < 10 s", ns(&t1) - ns(&t0) < 10000000000LL);
	struct timespec bad = { 0, 1000000000 };
	expect_err("nanosleep(tv_nsec = 1e9)", nanosleep(&bad, NULL), EINVAL);
	bad.tv_sec = -1;
	bad.tv_nsec = 0;
	expect_err("nanosleep(tv_sec = -1)", nanosleep(&bad, NULL), EINVAL);

	struct utsname u;
	memset(&u, 0, sizeof u);
	check_true("uname returns 0", uname(&u) == 0);
	check_str("uname machine", u.machine, "riscv64");
	check_true("uname sysname non-empty", u.sysname[0] != 0);
	check_true("uname release non-empty", u.release[0] != 0);

	check_true("sched_yield returns 0", sched_yield() == 0);
	check_true("getpagesize", getpagesize() == 4096);
	return check_done("syscalls");
}
