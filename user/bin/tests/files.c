/*
 * files - the file system calls against the fixtures in tests/fs/tree
 * (run from the repository root, as tests/user/programs.sh does), compared
 * with qemu-riscv64: open/read/pread/lseek, fstat/newfstatat/statx,
 * readlinkat, getdents64, dup/dup3/fcntl, getcwd/chdir/fchdir, *at with a
 * dirfd, faccessat, readv/writev, /dev/null, zero, urandom, and the errors
 * of the "bad input": ELOOP, ENOENT, ENOTDIR, EISDIR,
 * ENAMETOOLONG, EBADF (bad fds, writes to read-only fds, reads of O_PATH
 * fds), EINVAL.  Nothing is written outside /dev/null (the host's files are
 * read-only under vmos, writable under qemu).
 *
 *   files            the checks
 *   files cloexec    fork + execve of itself: close-on-exec fds close,
 *                    others stay (vmos only: qemu-user cannot follow execve)
 */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

long syscall(long n, ...);

#define T "tests/fs/tree"

static void expect_err(const char *what, long r, int e)
{
	char buf[160];
	snprintf(buf, sizeof buf, "%s fails with errno %d", what, e);
	check_true(buf, r == -1 && errno == e);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

static void reading(void)
{
	char buf[64];
	int fd = open(T "/file.txt", O_RDONLY);
	check_true("open file.txt", fd >= 3);
	check_u64("read 4", (uint64_t)read(fd, buf, 4), 4);
	check_true("read bytes", !memcmp(buf, "line", 4));
	check_u64("lseek CUR", (uint64_t)lseek(fd, 0, SEEK_CUR), 4);
	check_u64("lseek END", (uint64_t)lseek(fd, 0, SEEK_END), 18);
	check_u64("read at EOF", (uint64_t)read(fd, buf, sizeof buf), 0);
	check_u64("pread at 5", (uint64_t)pread(fd, buf, 3, 5), 3);
	check_true("pread bytes", !memcmp(buf, "one", 3));
	check_u64("pread leaves the offset", (uint64_t)lseek(fd, 0, SEEK_CUR), 18);
	check_u64("lseek SET", (uint64_t)lseek(fd, 9, SEEK_SET), 9);
	check_u64("read rest", (uint64_t)read(fd, buf, sizeof buf), 9);
	check_true("rest bytes", !memcmp(buf, "line two\n", 9));
	expect_err("lseek to negative", lseek(fd, -100, SEEK_CUR), EINVAL);
	expect_err("lseek whence 9", lseek(fd, 0, 9), EINVAL);
	expect_err("pread at negative offset", pread(fd, buf, 1, -1), EINVAL);
	expect_err("write to O_RDONLY fd", write(fd, "x", 1), EBADF);
	expect_err("ioctl TCGETS on a file", syscall(SYS_ioctl, fd, 0x5401, buf), ENOTTY);
	expect_err("ftruncate O_RDONLY fd", ftruncate(fd, 0), EINVAL);
	expect_err("getdents64 of a file", syscall(SYS_getdents64, fd, buf, sizeof buf), ENOTDIR);
	check_u64("fsync of a file", (uint64_t)fsync(fd), 0);
	struct stat st;
	check_true("fstat", fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 18);
	struct stat st2;
	check_true("newfstatat AT_EMPTY_PATH is fstat",
		   fstatat(fd, "", &st2, AT_EMPTY_PATH) == 0 && st2.st_ino == st.st_ino);
	uint64_t sx[32];
	check_true("statx size", syscall(SYS_statx, AT_FDCWD, T "/file.txt", 0, 0x7ff, sx) == 0 &&
		   sx[5] == 18);
	expect_err("statx reserved mask bit", syscall(SYS_statx, AT_FDCWD, T "/file.txt", 0, 0x80000000u, sx), EINVAL);
	check_u64("close", (uint64_t)close(fd), 0);
	expect_err("close again", close(fd), EBADF);
	struct { void *b; size_t n; } iov[2] = { { buf, 5 }, { buf + 10, 4 } };
	fd = open(T "/file.txt", O_RDONLY);
	check_u64("readv two vectors", (uint64_t)syscall(SYS_readv, fd, iov, 2), 9);
	check_true("readv bytes", !memcmp(buf, "line ", 5) && !memcmp(buf + 10, "one\n", 4));
	close(fd);
}

static void paths(void)
{
	struct stat st;
	char buf[256];
	check_true("stat dir", stat(T "/dir", &st) == 0 && S_ISDIR(st.st_mode));
	check_true("lstat link", lstat(T "/link_rel", &st) == 0 && S_ISLNK(st.st_mode));
	check_true("stat through link", stat(T "/link_rel", &st) == 0 && S_ISDIR(st.st_mode));
	check_true("stat link_up", stat(T "/link_up", &st) == 0 && st.st_size == 18);
	long n = readlink(T "/link_rel", buf, sizeof buf);
	check_true("readlink", n == 7 && !memcmp(buf, "dir/sub", 7));
	check_u64("readlink truncates", (uint64_t)readlink(T "/link_rel", buf, 3), 3);
	expect_err("readlink of a file", readlink(T "/file.txt", buf, sizeof buf), EINVAL);
	expect_err("readlink bufsiz 0", readlink(T "/link_rel", buf, 0), EINVAL);
	expect_err("open loop", open(T "/loop_a", O_RDONLY), ELOOP);
	expect_err("stat loop", stat(T "/loop_a", &st), ELOOP);
	check_true("lstat loop", lstat(T "/loop_a", &st) == 0 && S_ISLNK(st.st_mode));
	expect_err("open dangling", open(T "/dangling", O_RDONLY), ENOENT);
	expect_err("open O_NOFOLLOW on a link", open(T "/link_up", O_RDONLY | O_NOFOLLOW), ELOOP);
	int fd = open(T "/link_up", O_PATH | O_NOFOLLOW);
	check_true("O_PATH|O_NOFOLLOW opens the link", fd >= 0 && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode));
	expect_err("read of an O_PATH fd", read(fd, buf, 1), EBADF);
	n = readlinkat(fd, "", buf, sizeof buf);
	check_true("readlinkat(O_PATH link fd, \"\")", n == 16 && !memcmp(buf, "../tree/file.txt", 16));
	close(fd);
	expect_err("readlinkat(AT_FDCWD, \"\")", readlinkat(AT_FDCWD, "", buf, sizeof buf), ENOENT);
	fd = open(T "/dir", O_RDONLY);
	expect_err("readlinkat(dir fd, \"\")", readlinkat(fd, "", buf, sizeof buf), ENOENT);
	expect_err("fsync of an O_PATH fd", (close(fd), fd = open(T "/dir", O_PATH), fsync(fd)), EBADF);
	close(fd);
	expect_err("file in the middle", open(T "/file.txt/x", O_RDONLY), ENOTDIR);
	expect_err("trailing slash on a file", open(T "/file.txt/", O_RDONLY), ENOTDIR);
	expect_err("O_DIRECTORY on a file", open(T "/file.txt", O_RDONLY | O_DIRECTORY), ENOTDIR);
	expect_err("open a directory for writing", open(T "/dir", O_WRONLY), EISDIR);
	fd = open(T "/dir", O_RDONLY);
	expect_err("read a directory", read(fd, buf, 1), EISDIR);
	close(fd);
	expect_err("missing", open(T "/missing", O_RDONLY), ENOENT);
	expect_err("empty path", open("", O_RDONLY), ENOENT);
	static char name[300], longp[4200];
	memset(name, 'n', 256);
	expect_err("name over NAME_MAX", open(name, O_RDONLY), ENAMETOOLONG);
	for (int i = 0; i < 4100; i += 2)
		longp[i] = '.', longp[i + 1] = '/';
	expect_err("path over PATH_MAX", open(longp, O_RDONLY), ENAMETOOLONG);
	check_u64("access R_OK", (uint64_t)access(T "/file.txt", R_OK), 0);
	check_u64("access X_OK on a dir", (uint64_t)access(T "/dir", X_OK), 0);
	expect_err("access X_OK on a 0644 file", access(T "/file.txt", X_OK), EACCES);
	expect_err("access mode 8", access(T "/file.txt", 8), EINVAL);
	expect_err("access missing", access(T "/missing", F_OK), ENOENT);
	expect_err("faccessat2 bad flags", faccessat(AT_FDCWD, T "/file.txt", R_OK, 0x4), EINVAL);
	expect_err("mkdir of an existing name", mkdir(T "/dir", 0755), EEXIST);
	expect_err("rmdir .", rmdir(T "/dir/."), EINVAL);
}

static void cwd_and_dirfd(void)
{
	char buf[4200];
	check_true("getcwd", getcwd(buf, sizeof buf) != NULL && buf[0] == '/');
	int top = open(".", O_RDONLY | O_DIRECTORY);
	check_u64("chdir", (uint64_t)chdir(T "/link_rel"), 0);
	check_true("getcwd is canonical", getcwd(buf, sizeof buf) && ends_with(buf, "/tests/fs/tree/dir/sub"));
	int fd = open("deep.txt", O_RDONLY);
	check_true("relative open after chdir", fd >= 0 && read(fd, buf, 4) == 4 && !memcmp(buf, "deep", 4));
	close(fd);
	check_u64("chdir ..", (uint64_t)chdir("../.."), 0);
	check_true("getcwd after ..", getcwd(buf, sizeof buf) && ends_with(buf, "/tests/fs/tree"));
	expect_err("getcwd small buffer", syscall(SYS_getcwd, buf, 3), ERANGE);
	expect_err("chdir to a file", chdir("file.txt"), ENOTDIR);
	expect_err("chdir missing", chdir("missing"), ENOENT);
	int dfd = open("dir", O_RDONLY | O_DIRECTORY);
	fd = openat(dfd, "sub/deep.txt", O_RDONLY);
	check_true("openat dirfd", fd >= 0);
	close(fd);
	int ffd = open("file.txt", O_RDONLY);
	expect_err("openat relative to a file", openat(ffd, "x", O_RDONLY), ENOTDIR);
	expect_err("openat bad dirfd", openat(99, "x", O_RDONLY), EBADF);
	fd = openat(99, "/dev/null", O_RDONLY);
	check_true("openat bad dirfd, absolute path", fd >= 0);
	close(fd);
	close(ffd);
	check_u64("fchdir", (uint64_t)fchdir(top), 0);
	check_true("getcwd after fchdir", getcwd(buf, sizeof buf) && !ends_with(buf, "/tree"));
	check_u64("fchdir dirfd", (uint64_t)fchdir(dfd), 0);
	check_true("getcwd after fchdir dirfd", getcwd(buf, sizeof buf) && ends_with(buf, "/tree/dir"));
	expect_err("fchdir bad fd", fchdir(99), EBADF);
	fchdir(top);
	close(top);
	close(dfd);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void dirents(void)
{
	int fd = open(T, O_RDONLY | O_DIRECTORY);
	static char buf[4096], names[1024];
	char *list[32];
	int n = 0;
	size_t used = 0;
	long got;
	while ((got = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0)
		for (long off = 0; off < got; off += *(unsigned short *)(buf + off + 16)) {
			const char *name = buf + off + 19;
			size_t len = strlen(name) + 1;
			if (n < 32 && used + len < sizeof names) {
				memcpy(names + used, name, len);
				list[n++] = names + used;
				used += len;
			}
		}
	check_u64("getdents64 ends with 0", (uint64_t)got, 0);
	qsort(list, (size_t)n, sizeof list[0], cmp);
	printf("entries:");
	for (int i = 0; i < n; i++)
		printf(" %s", list[i]);
	printf("\n");
	expect_err("getdents64 tiny buffer", (lseek(fd, 0, SEEK_SET), syscall(SYS_getdents64, fd, buf, 8)), EINVAL);
	close(fd);
}

static void descriptors(void)
{
	int fd = open(T "/file.txt", O_RDONLY);
	int d = dup(fd);
	check_true("dup", d > fd);
	lseek(fd, 5, SEEK_SET);
	check_u64("dup shares the offset", (uint64_t)lseek(d, 0, SEEK_CUR), 5);
	check_u64("dup2", (uint64_t)dup2(fd, 50), 50);
	check_u64("dup2 same fd", (uint64_t)dup2(fd, fd), (uint64_t)fd);
	expect_err("dup3 same fd", dup3(fd, fd, 0), EINVAL);
	expect_err("dup3 bad flags", dup3(fd, 51, 1), EINVAL);
	expect_err("dup3 bad oldfd", dup3(99, 51, 0), EBADF);
	expect_err("dup3 newfd negative", dup3(fd, -1, 0), EBADF);
	check_u64("dup3 O_CLOEXEC", (uint64_t)dup3(fd, 51, O_CLOEXEC), 51);
	check_u64("F_GETFD cloexec", (uint64_t)fcntl(51, F_GETFD), FD_CLOEXEC);
	check_u64("F_GETFD plain", (uint64_t)fcntl(50, F_GETFD), 0);
	check_u64("F_SETFD", (uint64_t)fcntl(50, F_SETFD, FD_CLOEXEC), 0);
	check_u64("F_GETFD after set", (uint64_t)fcntl(50, F_GETFD), FD_CLOEXEC);
	check_u64("F_DUPFD min 20", (uint64_t)fcntl(fd, F_DUPFD, 20), 20);
	check_u64("F_DUPFD next", (uint64_t)fcntl(fd, F_DUPFD, 20), 21);
	check_u64("F_DUPFD_CLOEXEC", (uint64_t)fcntl(fd, F_DUPFD_CLOEXEC, 30), 30);
	check_u64("F_GETFD of it", (uint64_t)fcntl(30, F_GETFD), FD_CLOEXEC);
	expect_err("F_DUPFD negative", fcntl(fd, F_DUPFD, -1), EINVAL);
	check_u64("F_GETFL access mode", (uint64_t)(fcntl(fd, F_GETFL) & O_ACCMODE), O_RDONLY);
	check_u64("F_SETFL O_APPEND|O_NONBLOCK", (uint64_t)fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK), 0);
	check_u64("F_GETFL sees them, shared by dup",
		  (uint64_t)(fcntl(d, F_GETFL) & (O_APPEND | O_NONBLOCK | O_ACCMODE)), O_APPEND | O_NONBLOCK);
	expect_err("fcntl bad cmd", fcntl(fd, 9999), EINVAL);
	expect_err("fcntl bad fd", fcntl(99, F_GETFD), EBADF);
	expect_err("read bad fd", read(99, &fd, 1), EBADF);
	expect_err("write bad fd", write(-1, "x", 1), EBADF);
	expect_err("lseek bad fd", lseek(99, 0, SEEK_SET), EBADF);
	expect_err("dup bad fd", dup(99), EBADF);
	int fds[] = { fd, d, 50, 51, 20, 21, 30 };
	for (unsigned i = 0; i < sizeof fds / sizeof fds[0]; i++)
		close(fds[i]);
	check_u64("lowest free fd reused", (uint64_t)open("/dev/null", O_RDONLY), (uint64_t)fd);
	close(fd);
	/* RLIMIT_NOFILE (7) bounds the descriptors: EMFILE beyond it, EBADF for dup3 */
	uint64_t old[2], lim[2];
	syscall(SYS_prlimit64, 0, 7, NULL, old);
	lim[0] = 8;
	lim[1] = old[1];
	check_u64("prlimit64 NOFILE 8", (uint64_t)syscall(SYS_prlimit64, 0, 7, lim, NULL), 0);
	int last = -1, opened = 0;
	for (int i = 0; i < 10; i++) {
		int f = open("/dev/null", O_RDONLY);
		if (f < 0)
			break;
		last = f;
		opened++;
	}
	check_u64("fds up to the limit", (uint64_t)last, 7);
	expect_err("open past RLIMIT_NOFILE", open("/dev/null", O_RDONLY), EMFILE);
	expect_err("dup past RLIMIT_NOFILE", dup(0), EMFILE);
	expect_err("dup3 onto fd 8", dup3(0, 8, 0), EBADF);
	expect_err("F_DUPFD from 8", fcntl(0, F_DUPFD, 8), EINVAL);
	for (int f = 3; f <= last; f++)
		close(f);
	syscall(SYS_prlimit64, 0, 7, old, NULL);
	(void)opened;
}

static void devices(void)
{
	char buf[16];
	int z = open("/dev/zero", O_RDONLY);
	memset(buf, 1, sizeof buf);
	check_true("/dev/zero", read(z, buf, sizeof buf) == 16 && buf[0] == 0 && buf[15] == 0);
	close(z);
	int n = open("/dev/null", O_RDWR);
	check_u64("/dev/null write", (uint64_t)write(n, "abc", 3), 3);
	check_u64("/dev/null read", (uint64_t)read(n, buf, sizeof buf), 0);
	check_u64("/dev/null lseek", (uint64_t)lseek(n, 100, SEEK_SET), 0);
	expect_err("fsync /dev/null", fsync(n), EINVAL);
	struct { const void *b; size_t n; } iov[2] = { { "ab", 2 }, { "cde", 3 } };
	check_u64("writev /dev/null", (uint64_t)syscall(SYS_writev, n, iov, 2), 5);
	close(n);
	n = open("/dev/null", O_WRONLY);
	expect_err("read O_WRONLY fd", read(n, buf, 1), EBADF);
	close(n);
	int r = open("/dev/urandom", O_RDONLY);
	check_u64("/dev/urandom", (uint64_t)read(r, buf, 16), 16);
	close(r);
	struct stat st;
	check_true("stat /dev/null is a char device", stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) &&
		   st.st_rdev == ((1 << 8) | 3));
	mode_t old = umask(027);
	check_u64("umask returns the last", (uint64_t)umask(old), 027);
}

static int cloexec(const char *self)
{
	int a = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int b = open("/dev/null", O_RDONLY);
	check_u64("cloexec fd", (uint64_t)a, 3);
	check_u64("plain fd", (uint64_t)b, 4);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)self, "child", NULL };
		execve(self, argv, NULL);
		_exit(99);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	check_true("child checks passed", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return check_done("files");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child")) {
		char c;
		int ok = read(3, &c, 1) == -1 && errno == EBADF && read(4, &c, 1) == 0;
		return ok ? 0 : 1;
	}
	if (argc > 1 && !strcmp(argv[1], "cloexec"))
		return cloexec(argv[0]);
	reading();
	paths();
	cwd_and_dirfd();
	dirents();
	descriptors();
	devices();
	return check_done("files");
}
