/*
 * tmpfs - files in /tmp, compared with qemu-riscv64 (which uses the host's
 * /tmp): mkdir, create, write/read/lseek, fstat sizes, a MAP_SHARED mapping
 * whose writes read() sees and whose pages read() writes show, truncation
 * of a mapped file (a page past the new end is SIGBUS in a child; the
 * partial page is zero past the end), rename, getdents, unlink of an open
 * and mapped file (still usable), rmdir's ENOTEMPTY, and the errors EEXIST,
 * ENOENT, EISDIR, ENOTDIR.  Works in its own directory /tmp/vmos-tmpfs-test,
 * removed at the end.
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

long syscall(long n, ...);

#define PG 4096
#define D "/tmp/vmos-tmpfs-test"

static void expect_err(const char *what, long r, int e)
{
	char buf[160];
	snprintf(buf, sizeof buf, "%s fails with errno %d", what, e);
	check_true(buf, r == -1 && errno == e);
}

static long rmdir_(const char *p) { return syscall(SYS_unlinkat, AT_FDCWD, p, AT_REMOVEDIR); }
static long unlink_(const char *p) { return syscall(SYS_unlinkat, AT_FDCWD, p, 0); }
static long rename_(const char *a, const char *b)
{
	return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, 0);
}

int main(void)
{
	char buf[3 * PG];
	check_u64("mkdir " D, (uint64_t)syscall(SYS_mkdirat, AT_FDCWD, D, 0755), 0);
	expect_err("mkdir again", syscall(SYS_mkdirat, AT_FDCWD, D, 0755), EEXIST);
	int fd = open(D "/a", O_RDWR | O_CREAT | O_EXCL, 0644);
	check_true("create a", fd >= 0);
	expect_err("O_EXCL again", open(D "/a", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
	for (int i = 0; i < (int)sizeof buf; i++)
		buf[i] = (char)('a' + i % 26);
	check_u64("write 3 pages", (uint64_t)write(fd, buf, sizeof buf), sizeof buf);
	struct stat st;
	check_true("fstat", fstat(fd, &st) == 0);
	check_u64("size", (uint64_t)st.st_size, sizeof buf);
	check_true("a regular file", S_ISREG(st.st_mode));
	char r[16] = { 0 };
	check_u64("pread 5 at 4100", (uint64_t)pread(fd, r, 5, 4100), 5);
	check_str("the bytes", r, "stuvw");
	check_u64("lseek SEEK_END", (uint64_t)lseek(fd, 0, SEEK_END), sizeof buf);
	/* a shared mapping and read()/write() see one another */
	char *m = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check_true("mmap MAP_SHARED", m != MAP_FAILED);
	check_true("mapped bytes = written bytes", !memcmp(m, buf, sizeof buf));
	m[10] = 'X';
	check_u64("pread 1 at 10", (uint64_t)pread(fd, r, 1, 10), 1);
	check_true("read() sees the mapping's write", r[0] == 'X');
	check_u64("pwrite at 20", (uint64_t)pwrite(fd, "Y", 1, 20), 1);
	check_true("the mapping sees write()", m[20] == 'Y');
	check_u64("msync", (uint64_t)syscall(SYS_msync, m, 4 * PG, 4), 0);
	/* truncate while mapped */
	check_u64("ftruncate to 5000", (uint64_t)ftruncate(fd, 5000), 0);
	check_true("the partial page is zero past the end", m[5000] == 0 && m[4999] == buf[4999]);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		volatile char c = m[2 * PG];
		(void)c;
		_exit(0);
	}
	int ws = 0;
	waitpid(pid, &ws, 0);
	check_true("a page past the new end is SIGBUS", WIFSIGNALED(ws) && WTERMSIG(ws) == 7);
	check_u64("ftruncate to 3 pages", (uint64_t)ftruncate(fd, 3 * PG), 0);
	check_true("grown again: zeros", m[2 * PG + 5] == 0 && m[5000] == 0);
	/* rename, getdents, unlink while open and mapped */
	check_u64("rename a b", (uint64_t)rename_(D "/a", D "/b"), 0);
	expect_err("open the old name", open(D "/a", O_RDONLY), ENOENT);
	check_u64("mkdir sub", (uint64_t)syscall(SYS_mkdirat, AT_FDCWD, D "/sub", 0755), 0);
	int dfd = open(D, O_RDONLY);
	char db[512];
	long n = syscall(SYS_getdents64, dfd, db, sizeof db);
	int names = 0, seen_b = 0, seen_sub = 0;
	for (long off = 0; off < n;) {
		unsigned short reclen = *(unsigned short *)(db + off + 16);
		const char *name = db + off + 19;
		names++;
		seen_b |= !strcmp(name, "b");
		seen_sub |= !strcmp(name, "sub");
		off += reclen;
	}
	check_u64("getdents: . .. b sub", (uint64_t)names, 4);
	check_true("b and sub listed", seen_b && seen_sub);
	close(dfd);
	expect_err("rename a file over a directory", rename_(D "/b", D "/sub"), EISDIR);
	expect_err("rmdir a file", rmdir_(D "/b"), ENOTDIR);
	expect_err("unlink a directory", unlink_(D "/sub"), EISDIR);
	check_u64("creat sub/c", (uint64_t)(open(D "/sub/c", O_WRONLY | O_CREAT, 0644) >= 0), 1);
	expect_err("rmdir a non-empty directory", rmdir_(D "/sub"), ENOTEMPTY);
	check_u64("unlink b (open and mapped)", (uint64_t)unlink_(D "/b"), 0);
	m[0] = 'Z';
	check_u64("pread after unlink", (uint64_t)pread(fd, r, 1, 0), 1);
	check_true("still the same file", r[0] == 'Z');
	munmap(m, 4 * PG);
	close(fd);
	check_u64("unlink sub/c", (uint64_t)unlink_(D "/sub/c"), 0);
	check_u64("rmdir sub", (uint64_t)rmdir_(D "/sub"), 0);
	check_u64("rmdir " D, (uint64_t)rmdir_(D), 0);
	expect_err("stat it", stat(D, &st), ENOENT);
	return check_done("tmpfs");
}
