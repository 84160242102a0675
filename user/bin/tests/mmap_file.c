/*
 * mmap_file - mmap of files and MAP_SHARED memory, compared with
 * qemu-riscv64 (run from the repository root, as tests/user/programs.sh
 * does; argv[0] is the program's own file, used as a file of many pages):
 *
 *   - MAP_PRIVATE of a file reads what read() reads, at offset 0 and at a
 *     non-zero page offset; a write to it stays private (read() and a
 *     second mapping still see the file); the partial last page is zero
 *     past the end of the file;
 *   - a page wholly past the end kills the process that touches it with
 *     SIGBUS (a forked child here);
 *   - the errors: misaligned offset EINVAL, a directory ENODEV, a
 *     write-only fd EACCES, MAP_SHARED+PROT_WRITE of an O_RDONLY fd EACCES
 *     (and mprotect to PROT_WRITE of such a mapping EACCES), a bad fd EBADF;
 *   - MAP_SHARED|MAP_ANONYMOUS is shared across fork (the parent sees the
 *     child's writes), MAP_PRIVATE|MAP_ANONYMOUS is not;
 *   - msync: 0 on a shared mapping, EINVAL for bad flags, MS_SYNC|MS_ASYNC
 *     and an unaligned address, ENOMEM for an unmapped range;
 *   - madvise(MADV_DONTNEED) on a private file mapping brings the file's
 *     bytes back.
 */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096
#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

static void expect_fail(const char *what, void *r, int e)
{
	char buf[160];
	snprintf(buf, sizeof buf, "%s fails with errno %d (got %d)", what, e,
		 r == MAP_FAILED ? errno : 0);
	check_true(buf, r == MAP_FAILED && errno == e);
}

static void expect_err(const char *what, long r, int e)
{
	char buf[160];
	snprintf(buf, sizeof buf, "%s fails with errno %d", what, e);
	check_true(buf, r == -1 && errno == e);
}

static void small_file(void)
{
	char buf[32];
	int fd = open("tests/fs/tree/file.txt", O_RDONLY);
	check_true("open file.txt", fd >= 0);
	long n = read(fd, buf, sizeof buf);
	check_u64("file.txt has 18 bytes", (uint64_t)n, 18);
	unsigned char *m = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
	check_true("mmap file.txt", m != MAP_FAILED);
	check_true("mapped bytes = read bytes", !memcmp(m, buf, 18));
	int zero = 1;
	for (int i = 18; i < PG; i++)
		zero &= m[i] == 0;
	check_true("the last page is zero past the end", zero);
	/* shared read-only: fine; writable: EACCES; mprotect up: EACCES */
	unsigned char *s = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	check_true("MAP_SHARED PROT_READ of O_RDONLY", s != MAP_FAILED && s[0] == buf[0]);
	expect_err("mprotect PROT_WRITE of it", mprotect(s, PG, PROT_READ | PROT_WRITE), EACCES);
	expect_fail("MAP_SHARED PROT_WRITE of O_RDONLY",
		    mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES);
	expect_fail("misaligned offset", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100), EINVAL);
	/* a page past the end: SIGBUS in a child */
	unsigned char *two = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	check_true("map two pages of an 18-byte file", two != MAP_FAILED);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		volatile unsigned char c = two[PG];
		(void)c;
		_exit(0);
	}
	int st = 0;
	check_true("wait for the child", waitpid(pid, &st, 0) == pid);
	check_true("touching a page past the end is SIGBUS", WIFSIGNALED(st) && WTERMSIG(st) == 7);
	munmap(m, PG);
	munmap(s, PG);
	munmap(two, 2 * PG);
	close(fd);
	/* the other errors */
	int dfd = open("tests/fs/tree/dir", O_RDONLY);
	check_true("open a directory", dfd >= 0);
	expect_fail("mmap of a directory", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, dfd, 0), ENODEV);
	close(dfd);
	int wfd = open("/dev/null", O_WRONLY);
	check_true("open /dev/null write-only", wfd >= 0);
	expect_fail("mmap of a write-only fd", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, wfd, 0), EACCES);
	close(wfd);
	expect_fail("mmap of a bad fd", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 99, 0), EBADF);
}

static void big_file(const char *self)
{
	static unsigned char buf[3 * PG];
	int fd = open(self, O_RDONLY);
	check_true("open the program file", fd >= 0);
	long n = pread(fd, buf, sizeof buf, PG);
	check_u64("pread 3 pages at offset 4096", (uint64_t)n, sizeof buf);
	unsigned char *m = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, PG);
	check_true("mmap 3 pages at offset 4096", m != MAP_FAILED);
	check_true("they hold what pread read", !memcmp(m, buf, sizeof buf));
	unsigned char old = m[PG + 7];
	m[PG + 7] = (unsigned char)(old + 1);
	unsigned char b = 0;
	check_true("pread again", pread(fd, &b, 1, 2 * PG + 7) == 1);
	check_true("a private write does not reach the file", b == old);
	unsigned char *m2 = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 2 * PG);
	check_true("a second mapping sees the file", m2 != MAP_FAILED && m2[7] == old);
	check_true("madvise DONTNEED", madvise(m + PG, PG, MADV_DONTNEED) == 0);
	check_true("the file's byte is back", m[PG + 7] == old);
	munmap(m, 3 * PG);
	munmap(m2, PG);
	close(fd);
}

static void shared_anon(void)
{
	int *sh = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int *pr = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check_true("mmap MAP_SHARED|MAP_ANONYMOUS", sh != MAP_FAILED && pr != MAP_FAILED);
	sh[0] = 1;
	pr[0] = 1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		sh[0] += 10;
		sh[PG / sizeof(int)] = 77;
		pr[0] = 99;
		_exit(sh[0] == 11 ? 0 : 1);
	}
	int st = 0;
	check_true("the child saw the parent's write", waitpid(pid, &st, 0) == pid &&
		   WIFEXITED(st) && WEXITSTATUS(st) == 0);
	check_u64("the parent sees the child's writes", (uint64_t)sh[0], 11);
	check_u64("on both pages", (uint64_t)sh[PG / sizeof(int)], 77);
	check_u64("private memory stays private", (uint64_t)pr[0], 1);
	check_u64("msync MS_SYNC", (uint64_t)syscall(SYS_msync, sh, 2 * PG, MS_SYNC), 0);
	check_u64("msync MS_ASYNC|MS_INVALIDATE",
		  (uint64_t)syscall(SYS_msync, sh, PG, MS_ASYNC | MS_INVALIDATE), 0);
	expect_err("msync bad flags", syscall(SYS_msync, sh, PG, 8), EINVAL);
	expect_err("msync MS_SYNC|MS_ASYNC", syscall(SYS_msync, sh, PG, MS_SYNC | MS_ASYNC), EINVAL);
	expect_err("msync unaligned", syscall(SYS_msync, (char *)sh + 1, PG, MS_SYNC), EINVAL);
	munmap(sh, 2 * PG);
	expect_err("msync of an unmapped range", syscall(SYS_msync, sh, PG, MS_SYNC), ENOMEM);
	munmap(pr, PG);
}

/* "mmap_file pressure": 160 pages of shared anonymous memory written by
 * a child and checked by the parent, and the program file mapped and
 * compared with pread page by page, twice - for runs with few frames and
 * swap, where shmem pages go to swap and file pages are dropped. */
static int pressure(const char *self)
{
	enum { N = 160 };
	unsigned *sh = mmap(NULL, N * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	check_true("map 160 shared pages", sh != MAP_FAILED);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		for (unsigned i = 0; i < N * PG / 4; i += 61)
			sh[i] = i * 2654435761u;
		_exit(0);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	unsigned bad = 0;
	for (unsigned i = 0; i < N * PG / 4; i += 61)
		bad += sh[i] != i * 2654435761u;
	check_u64("the child's writes all arrived", bad, 0);
	int fd = open(self, O_RDONLY);
	struct stat sb;
	check_true("fstat the program", fd >= 0 && fstat(fd, &sb) == 0);
	unsigned pages = (unsigned)(sb.st_size / PG);
	unsigned char *m = mmap(NULL, pages * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	check_true("map the program file", m != MAP_FAILED);
	static unsigned char buf[PG];
	bad = 0;
	for (int round = 0; round < 2; round++)
		for (unsigned i = 0; i < pages; i++)
			bad += pread(fd, buf, PG, (long)i * PG) != PG || memcmp(buf, m + i * PG, PG);
	check_u64("every mapped page equals pread's", bad, 0);
	return check_done("mmap_file pressure");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "pressure"))
		return pressure(argv[0]);
	small_file();
	big_file(argv[0]);
	shared_anon();
	return check_done("mmap_file");
}
