/*
 * fsprobe - runs file-system operations named on its command line, one
 * line of output each, for the shell tests of the guest's file system
 * (tests/fs/): what a path leads to, and the errno when it fails.
 *
 *   cat PATH          the file's bytes
 *   stat PATH         "PATH: dir|file|link|chr|... SIZE" (lstat: lstat)
 *   ls PATH           the names in a directory (getdents64), sorted
 *   cd PATH / pwd     chdir / getcwd
 *   readlink PATH     the link's target
 *   open PATH         opens a directory and keeps it as "the dirfd" for
 *   catat REL         ... reading REL relative to it (openat),
 *   fchdir            ... and fchdir
 *   mkdir PATH, rmdir PATH, rm PATH, mv OLD NEW, ln TARGET PATH,
 *   write PATH TEXT (create or truncate), append PATH TEXT,
 *   touch PATH (utimensat: both times now), statfs PATH (its type's
 *   magic number and whether it is mounted read-only)
 *
 * Errors print "OP PATH: ENAME".  Exit status 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

long syscall(long n, ...);

static const char *ename(int e)
{
	switch (e) {
	case ENOENT: return "ENOENT";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case ELOOP: return "ELOOP";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case EROFS: return "EROFS";
	case EACCES: return "EACCES";
	case EEXIST: return "EEXIST";
	case ENOTEMPTY: return "ENOTEMPTY";
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case EXDEV: return "EXDEV";
	case EBUSY: return "EBUSY";
	case ENXIO: return "ENXIO";
	case EPERM: return "EPERM";
	default: return "E?";
	}
}

static void fail(const char *op, const char *path)
{
	printf("%s %s: %s\n", op, path, ename(errno));
}

static void cat_fd(int fd)
{
	char buf[512];
	long n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	if (n < 0)
		printf("read: %s\n", ename(errno));
}

static void cat(int dirfd, const char *op, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY);
	if (fd < 0) {
		fail(op, path);
		return;
	}
	cat_fd(fd);
	close(fd);
}

static const char *kind(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return "dir";
	case S_IFREG: return "file";
	case S_IFLNK: return "link";
	case S_IFCHR: return "chr";
	case S_IFIFO: return "fifo";
	default: return "other";
	}
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void ls(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		fail("ls", path);
		return;
	}
	static char buf[8192];
	static char names[4096];
	char *list[256];
	int n = 0;
	size_t used = 0;
	long got;
	while ((got = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0)
		for (long off = 0; off < got;) {
			unsigned short reclen = *(unsigned short *)(buf + off + 16);
			const char *name = buf + off + 19;
			size_t len = strlen(name) + 1;
			if (n < 256 && used + len <= sizeof names) {
				memcpy(names + used, name, len);
				list[n++] = names + used;
				used += len;
			}
			off += reclen;
		}
	if (got < 0)
		printf("getdents64: %s\n", ename(errno));
	close(fd);
	qsort(list, (size_t)n, sizeof list[0], cmp);
	printf("%s:", path);
	for (int i = 0; i < n; i++)
		printf(" %s", list[i]);
	printf("\n");
}

static void writef(const char *path, const char *text, int flags)
{
	int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
	if (fd < 0) {
		fail("write", path);
		return;
	}
	if (write(fd, text, strlen(text)) < 0 || write(fd, "\n", 1) < 0)
		fail("write", path);
	close(fd);
}

int main(int argc, char **argv)
{
	int dirfd = -1;
	char buf[4200];
	struct stat st;
	for (int i = 1; i < argc; i++) {
		const char *op = argv[i], *a = i + 1 < argc ? argv[i + 1] : "", *b = i + 2 < argc ? argv[i + 2] : "";
		if (!strcmp(op, "cat")) {
			cat(AT_FDCWD, op, a), i++;
		} else if (!strcmp(op, "stat") || !strcmp(op, "lstat")) {
			if ((op[0] == 's' ? stat(a, &st) : lstat(a, &st)) < 0)
				fail(op, a);
			else
				printf("%s: %s %ld\n", a, kind(st.st_mode), S_ISREG(st.st_mode) ? st.st_size : 0L);
			i++;
		} else if (!strcmp(op, "ls")) {
			ls(a), i++;
		} else if (!strcmp(op, "cd")) {
			if (chdir(a) < 0)
				fail(op, a);
			i++;
		} else if (!strcmp(op, "pwd")) {
			if (getcwd(buf, sizeof buf))
				printf("%s\n", buf);
			else
				fail(op, "");
		} else if (!strcmp(op, "readlink")) {
			long n = readlink(a, buf, sizeof buf - 1);
			if (n < 0)
				fail(op, a);
			else
				printf("%s -> %.*s\n", a, (int)n, buf);
			i++;
		} else if (!strcmp(op, "open")) {
			if (dirfd >= 0)
				close(dirfd);
			dirfd = open(a, O_RDONLY | O_DIRECTORY);
			if (dirfd < 0)
				fail(op, a);
			i++;
		} else if (!strcmp(op, "catat")) {
			cat(dirfd, op, a), i++;
		} else if (!strcmp(op, "fchdir")) {
			if (fchdir(dirfd) < 0)
				fail(op, "");
		} else if (!strcmp(op, "mkdir")) {
			if (mkdir(a, 0755) < 0)
				fail(op, a);
			i++;
		} else if (!strcmp(op, "rmdir")) {
			if (rmdir(a) < 0)
				fail(op, a);
			i++;
		} else if (!strcmp(op, "statfs")) {     /* "PATH: fs 0xMAGIC ro|rw" */
			struct { long type, bsize; unsigned long blocks, bfree, bavail, files, ffree;
				 int fsid[2]; long namelen, frsize, flags, spare[4]; } sf;
			if (syscall(SYS_statfs, a, &sf) < 0)
				fail(op, a);
			else
				printf("%s: fs 0x%lx %s\n", a, sf.type, sf.flags & 1 ? "ro" : "rw");
			i++;
		} else if (!strcmp(op, "touch")) {      /* utimensat(path, now) */
			if (syscall(SYS_utimensat, AT_FDCWD, a, 0L, 0L) < 0)
				fail(op, a);
			i++;
		} else if (!strcmp(op, "rm")) {
			if (unlink(a) < 0)
				fail(op, a);
			i++;
		} else if (!strcmp(op, "mv")) {
			if (renameat2(AT_FDCWD, a, AT_FDCWD, b, 0) < 0)
				fail(op, a);
			i += 2;
		} else if (!strcmp(op, "ln")) {
			if (symlink(a, b) < 0)
				fail(op, b);
			i += 2;
		} else if (!strcmp(op, "write") || !strcmp(op, "append")) {
			writef(a, b, op[0] == 'w' ? O_TRUNC : O_APPEND);
			i += 2;
		} else {
			printf("fsprobe: unknown operation %s\n", op);
			return 2;
		}
	}
	return 0;
}
