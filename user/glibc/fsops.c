/*
 * fsops - what coreutils' ln, cp -a, chmod, chown, install and nice ask
 * of the kernel, on files of /tmp: symbolic and hard links (symlink,
 * readlink, link, the link count, unlink of one name), chmod and fchmod,
 * chown and fchown (which clear set-user-ID), getpriority/setpriority and
 * nice, prctl's name, posix_fadvise and getxattr, and their errors.  Compared with qemu-riscv64 (tests/glibc/
 * glibc.sh); prints no inode number, time or id.  With an argument DIR it
 * works in DIR instead of /tmp (tests/fs/root.sh: a --rw host directory).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/xattr.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *e(int rc)
{
	return rc == 0 ? "ok" : strerror(errno);
}

static unsigned mode_of(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 ? (unsigned)(st.st_mode & 07777) : 0xffffu;
}

static long nlink_of(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 ? (long)st.st_nlink : -1;
}

int main(int argc, char **argv)
{
	char dir[256];
	snprintf(dir, sizeof dir, "%s/vmos-fsops-XXXXXX", argc > 1 ? argv[1] : "/tmp");
	if (!mkdtemp(dir))
		return 1;
	char a[300], b[300], c[300], d[300], buf[64];
	snprintf(a, sizeof a, "%s/a", dir);
	snprintf(b, sizeof b, "%s/b", dir);
	snprintf(c, sizeof c, "%s/c", dir);
	snprintf(d, sizeof d, "%s/d", dir);
	int fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write(fd, "hello\n", 6);

	/* links */
	printf("symlink b -> a: %s\n", e(symlink("a", b)));
	ssize_t n = readlink(b, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("readlink b: %zd '%s'\n", n, buf);
	printf("symlink again: %s\n", e(symlink("a", b)));
	printf("readlink of a file: %s\n", e(readlink(a, buf, sizeof buf) < 0 ? -1 : 0));
	printf("link c = a: %s, nlink %ld and %ld\n", e(link(a, c)), nlink_of(a), nlink_of(c));
	printf("link onto an existing name: %s\n", e(link(a, c)));
	printf("link of a directory: %s\n", e(link(dir, d)));
	printf("link into /dev (another file system): %s\n", e(link(a, "/dev/vmos-fsops-x")));
	printf("unlink a: %s, c's nlink %ld\n", e(unlink(a)), nlink_of(c));
	int rfd = open(c, O_RDONLY);
	n = read(rfd, buf, sizeof buf);
	close(rfd);
	printf("c still reads %zd bytes; b dangles: %s\n", n, e(access(b, F_OK)));
	printf("linkat AT_SYMLINK_FOLLOW of a dangling link: %s\n",
	       e(linkat(AT_FDCWD, b, AT_FDCWD, d, AT_SYMLINK_FOLLOW)));
	printf("linkat of the link itself: %s, d is a link: %d\n",
	       e(linkat(AT_FDCWD, b, AT_FDCWD, d, 0)), (mode_of(d) == 0777));

	/* modes */
	printf("chmod 0600: %s -> %o\n", e(chmod(c, 0600)), mode_of(c));
	printf("fchmod 04755: %s -> %o\n", e(fchmod(fd, 04755)), mode_of(c));
	printf("chown to the same owner: %s -> %o (set-user-ID cleared)\n",
	       e(chown(c, getuid(), (gid_t)-1)), mode_of(c));
	printf("fchmod 02775: %s -> %o\n", e(fchmod(fd, 02775)), mode_of(c));
	printf("fchown -1 -1: %s -> %o\n", e(fchown(fd, (uid_t)-1, (gid_t)-1)), mode_of(c));
	printf("fchown to the same group: %s -> %o (set-group-ID with group x cleared)\n",
	       e(fchown(fd, (uid_t)-1, getgid())), mode_of(c));
	printf("chmod of a missing file: %s\n", e(chmod(a, 0600)));
	printf("fchmodat AT_SYMLINK_NOFOLLOW of a symlink: %s\n",
	       e(fchmodat(AT_FDCWD, b, 0600, AT_SYMLINK_NOFOLLOW)));
	printf("chmod of the directory 0750: %s -> %o\n", e(chmod(dir, 0750)), mode_of(dir));
	close(fd);

	/* priorities */
	errno = 0;
	int p0 = getpriority(PRIO_PROCESS, 0);
	printf("getpriority: %d (errno %d)\n", p0, errno);
	printf("nice(5): %d\n", nice(5));
	printf("setpriority(PRIO_PROCESS, 0, 7): %s, now %d\n", e(setpriority(PRIO_PROCESS, 0, 7)),
	       getpriority(PRIO_PROCESS, 0));
	printf("setpriority over 19: %s, now %d\n", e(setpriority(PRIO_PROCESS, 0, 50)),
	       getpriority(PRIO_PROCESS, 0));
	printf("getpriority, bad which: %s\n", e(getpriority(7, 0) == -1 && errno ? -1 : 0));
	errno = 0;
	printf("getpriority of no such process: %s\n",
	       e(getpriority(PRIO_PROCESS, 999999) == -1 && errno ? -1 : 0));

	/* prctl names, fadvise, extended attributes */
	char name[16] = "";
	prctl(PR_SET_NAME, "vmos-renamed-by-prctl");
	prctl(PR_GET_NAME, name);
	printf("prctl name: '%s'\n", name);
	printf("prctl of an unknown option: %s\n", e(prctl(9999, 0, 0, 0, 0)));
	fd = open(c, O_RDONLY);
	printf("posix_fadvise SEQUENTIAL: %d, bad advice: %d\n", posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL),
	       posix_fadvise(fd, 0, 0, 99));
	int pp[2];
	pipe(pp);
	printf("posix_fadvise on a pipe: %d (ESPIPE %d)\n", posix_fadvise(pp[0], 0, 0, 0), ESPIPE);
	close(pp[0]);
	close(pp[1]);
	close(fd);
	printf("getxattr user.vmos of a plain file: %s\n", e(getxattr(c, "user.vmos", buf, sizeof buf) < 0 ? -1 : 0));
	printf("getxattr of a missing file: %s\n", e(getxattr(a, "user.vmos", buf, sizeof buf) < 0 ? -1 : 0));

	unlink(b);
	unlink(c);
	unlink(d);
	rmdir(d);
	printf("rmdir: %s\n", e(rmdir(dir)));
	return 0;
}
