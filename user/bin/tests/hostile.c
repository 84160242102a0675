/*
 * hostile - hostile sequences that must neither crash nor hang vmos, nor
 * reach another guest (tests/kernel/hostile.sh runs each case by name):
 *
 *   deep LEVELS   a tmpfs directory tree LEVELS deep (renames make any
 *                 depth, though a path names at most ~2000 levels), renames
 *                 into itself (EINVAL, also after RENAME_EXCHANGE), and exit
 *                 (the tree is torn down with the tmpfs)
 *   other PID     PID is a process of another program of the same vmos run
 *                 (another guest): kill, tkill, tgkill (signal 0, then
 *                 SIGKILL), kill of its group, prlimit64 and
 *                 sched_getaffinity must all be ESRCH; then writes "x" to
 *                 the FIFO /tmp/hostile-fifo, for
 *   wait          makes /tmp/hostile-fifo, reads it to its end and says
 *                 "wait: survived"
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sched.h>
#include <unistd.h>

long syscall(long n, ...);

static long mkdir_(const char *p) { return syscall(SYS_mkdirat, AT_FDCWD, p, 0755); }
static long rename2(const char *a, const char *b, unsigned flags)
{
	return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, flags);
}
static long rename_(const char *a, const char *b) { return rename2(a, b, 0); }

static int failed;

static void expect(const char *what, long r, int err)
{
	if (r == (err ? -1 : 0) && (!err || errno == err)) {
		printf("ok %s\n", what);
	} else {
		printf("FAIL %s: %ld errno %d, want errno %d\n", what, r, r ? errno : 0, err);
		failed = 1;
	}
}

/* A tree N levels deep, built from the bottom: /tmp/t moves into a new
 * /tmp/n as n/a, and n becomes t, N times (short paths only, as deep as
 * it gets); then renames into itself, which must stay EINVAL. */
static int deep(int levels)
{
	if (mkdir_("/tmp/t") < 0)
		return printf("FAIL mkdir /tmp/t\n"), 1;
	for (int i = 0; i < levels; i++)
		if (mkdir_("/tmp/n") < 0 || rename_("/tmp/t", "/tmp/n/a") < 0 ||
		    rename_("/tmp/n", "/tmp/t") < 0)
			return printf("FAIL level %d: errno %d\n", i, errno), 1;
	printf("ok a tree %d levels deep\n", levels + 1);
	expect("rename a deep tree into itself", rename_("/tmp/t", "/tmp/t/a/a/a/x"), EINVAL);
	expect("rename a deep tree into /tmp/u", (mkdir_("/tmp/u"), rename_("/tmp/t", "/tmp/u/t")), 0);
	/* RENAME_EXCHANGE moves both: z, now below y, must know it */
	mkdir_("/tmp/x");
	mkdir_("/tmp/y");
	mkdir_("/tmp/y/z");
	expect("exchange /tmp/x and /tmp/y/z", rename2("/tmp/x", "/tmp/y/z", 2), 0);
	expect("rename y into the old x below it", rename_("/tmp/y", "/tmp/y/z/q"), EINVAL);
	expect("rename the old z into the old x", rename_("/tmp/x", "/tmp/y/z/q"), 0);
	expect("rename y into the old z, now below it", rename_("/tmp/y", "/tmp/y/z/q/r"), EINVAL);
	return failed;
}

static int other(int pid)
{
	uint64_t lim[2] = { 0, 0 }, mask = 0;
	expect("kill(PID, 0) of another guest", syscall(SYS_kill, pid, 0), ESRCH);
	expect("kill(-PID, 0) of another guest's group", syscall(SYS_kill, -pid, 0), ESRCH);
	expect("tkill(PID, 0) of another guest", syscall(SYS_tkill, pid, 0), ESRCH);
	expect("tgkill(PID, PID, 0) of another guest", syscall(SYS_tgkill, pid, pid, 0), ESRCH);
	expect("prlimit64 of another guest", syscall(SYS_prlimit64, pid, 7, lim, 0), ESRCH);
	expect("sched_getaffinity of another guest",
	       syscall(SYS_sched_getaffinity, pid, sizeof mask, &mask) < 0 ? -1 : 0, ESRCH);
	expect("kill(PID, SIGKILL) of another guest", syscall(SYS_kill, pid, 9), ESRCH);
	expect("tgkill(PID, PID, SIGKILL) of another guest", syscall(SYS_tgkill, pid, pid, 9), ESRCH);
	syscall(SYS_mknodat, AT_FDCWD, "/tmp/hostile-fifo", S_IFIFO | 0600, 0);
	int fd = -1;
	for (int i = 0; i < 200000 && fd < 0; i++) {      /* until the reader is there */
		fd = open("/tmp/hostile-fifo", O_WRONLY | O_NONBLOCK);
		if (fd < 0)
			sched_yield();
	}
	expect("open the FIFO the other guest reads", fd < 0 ? -1 : 0, 0);
	if (fd >= 0) {
		write(fd, "x", 1);
		close(fd);
	}
	return failed;
}

static int wait_fifo(void)
{
	syscall(SYS_mknodat, AT_FDCWD, "/tmp/hostile-fifo", S_IFIFO | 0600, 0);
	int fd = open("/tmp/hostile-fifo", O_RDONLY);
	char c;
	while (fd >= 0 && read(fd, &c, 1) > 0)
		;
	printf("wait: survived\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "deep"))
		return deep(atoi(argv[2]));
	if (argc >= 3 && !strcmp(argv[1], "other"))
		return other(atoi(argv[2]));
	if (argc >= 2 && !strcmp(argv[1], "wait"))
		return wait_fifo();
	fprintf(stderr, "usage: hostile deep LEVELS | other PID | wait\n");
	return 2;
}
