/*
 * sys_stat.c - what a program can ask about its standard streams and
 * itself before vmos has a file system: fstat and newfstatat of fd 0, 1, 2,
 * ioctl TCGETS / TIOCGWINSZ on them, and readlinkat of /proc/self/exe.
 *
 * The three descriptors stand for host descriptors (stdin for 0, the
 * streams vmos writes program output to for 1 and 2), so the answers are
 * the host's, converted to the Linux riscv64 layouts - exactly what
 * qemu-riscv64 does.  glibc's stdio needs them: st_mode says whether
 * stdout is a terminal (line buffered) or a file or pipe (fully buffered,
 * st_blksize bytes at a time).  Terminal ioctls are forwarded only to ask;
 * nothing that changes the host terminal is passed on.
 *
 * Paths: no file system yet, so every other path is ENOENT.
 */
#include "sys_stat.h"
#include "abi/linux_abi.h"
#include "proc.h"
#include "exec.h"
#include "uaccess.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

/* The host descriptor behind guest fd 0-2, -2 for a guest fd that does not
 * exist, -1 if the stream has no host descriptor (a memory stream). */
static int host_fd(struct kernel *k, int fd)
{
	switch (fd) {
	case 0: return k->stdin_fd;
	case 1: return fileno(k->cfg.out);
	case 2: return fileno(k->cfg.err);
	default: return -2;
	}
}

/* Fills st for guest fd from its host descriptor.  Returns 0 or -EBADF. */
static int stat_fd(struct kernel *k, int fd, struct lx_stat *st)
{
	int h = host_fd(k, fd);
	if (h == -2)
		return -EBADF;
	memset(st, 0, sizeof *st);
	struct stat hs;
	if (h < 0 || fstat(h, &hs) < 0) {
		/* no host file: present it as an anonymous pipe */
		st->st_mode = LX_S_IFIFO | 0600;
		st->st_nlink = 1;
		st->st_blksize = PGSIZE;
		return 0;
	}
	st->st_dev = (uint64_t)hs.st_dev;
	st->st_ino = (uint64_t)hs.st_ino;
	st->st_mode = (uint32_t)hs.st_mode;      /* S_IF* and permission bits: the same on Linux hosts */
	st->st_nlink = (uint32_t)hs.st_nlink;
	st->st_uid = (uint32_t)hs.st_uid;
	st->st_gid = (uint32_t)hs.st_gid;
	st->st_rdev = (uint64_t)hs.st_rdev;
	st->st_size = (int64_t)hs.st_size;
	st->st_blksize = (int32_t)hs.st_blksize;
	st->st_blocks = (int64_t)hs.st_blocks;
	st->st_atime_sec = hs.st_atim.tv_sec;
	st->st_atime_nsec = (uint64_t)hs.st_atim.tv_nsec;
	st->st_mtime_sec = hs.st_mtim.tv_sec;
	st->st_mtime_nsec = (uint64_t)hs.st_mtim.tv_nsec;
	st->st_ctime_sec = hs.st_ctim.tv_sec;
	st->st_ctime_nsec = (uint64_t)hs.st_ctim.tv_nsec;
	return 0;
}

int64_t sys_fstat(struct kernel *k, struct proc *p, int fd, uint64_t ubuf)
{
	struct lx_stat st;
	int rc = stat_fd(k, fd, &st);
	if (rc < 0)
		return rc;
	return copyout(k, p, ubuf, &st, sizeof st) < 0 ? -EFAULT : 0;
}

int64_t sys_newfstatat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath,
		       uint64_t ubuf, int flags)
{
	if (flags & ~(LX_AT_EMPTY_PATH | LX_AT_SYMLINK_NOFOLLOW | 0x800 /* AT_NO_AUTOMOUNT */))
		return -EINVAL;
	char path[PATH_MAX];
	long n = copyinstr(k, p, path, upath, sizeof path);
	if (n < 0)
		return n;
	if (n == 0) {
		if (!(flags & LX_AT_EMPTY_PATH))
			return -ENOENT;
		return sys_fstat(k, p, dirfd, ubuf);
	}
	if (path[0] != '/' && dirfd != LX_AT_FDCWD && host_fd(k, dirfd) == -2)
		return -EBADF;
	return path[0] != '/' && dirfd != LX_AT_FDCWD ? -ENOTDIR : -ENOENT;   /* no files yet */
}

/* Is path the calling process's own /proc entry for its executable? */
static bool is_self_exe(struct proc *p, const char *path)
{
	if (!strcmp(path, "/proc/self/exe"))
		return true;
	char own[40];
	snprintf(own, sizeof own, "/proc/%u/exe", p->pid);
	return !strcmp(path, own);
}

int64_t sys_readlinkat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath,
		       uint64_t ubuf, int64_t bufsiz)
{
	if (bufsiz <= 0)
		return -EINVAL;
	char path[PATH_MAX];
	long n = copyinstr(k, p, path, upath, sizeof path);
	if (n < 0)
		return n;
	if (n == 0)
		return -ENOENT;
	if (path[0] != '/' && dirfd != LX_AT_FDCWD)
		return host_fd(k, dirfd) == -2 ? -EBADF : -ENOTDIR;
	if (!is_self_exe(p, path))
		return -ENOENT;
	/* the host path of the program, absolute, as qemu-riscv64 reports it
	 * (realpath with a buffer of our own allocates nothing) */
	char target[PATH_MAX];
	if (!p->image || !realpath(p->image->path, target))
		return -ENOENT;
	size_t len = strlen(target);
	if (len > (uint64_t)bufsiz)
		len = (size_t)bufsiz;           /* truncated, no NUL: readlink's contract */
	return copyout(k, p, ubuf, target, len) < 0 ? -EFAULT : (int64_t)len;
}

int64_t sys_ioctl(struct kernel *k, struct proc *p, int fd, uint64_t req, uint64_t arg)
{
	int h = host_fd(k, fd);
	if (h == -2)
		return -EBADF;
	req &= 0xffffffff;                  /* the request is an unsigned int */
	if (h < 0 || !isatty(h) || (req != LX_TCGETS && req != LX_TIOCGWINSZ))
		return -ENOTTY;
	if (req == LX_TCGETS) {
		struct termios t;
		if (tcgetattr(h, &t) < 0)
			return -ENOTTY;
		struct lx_termios lt;
		memset(&lt, 0, sizeof lt);
		/* flag bits and c_cc indices of asm-generic termbits, the host's too */
		lt.c_iflag = (uint32_t)t.c_iflag;
		lt.c_oflag = (uint32_t)t.c_oflag;
		lt.c_cflag = (uint32_t)t.c_cflag;
		lt.c_lflag = (uint32_t)t.c_lflag;
		lt.c_line = (uint8_t)t.c_line;
		memcpy(lt.c_cc, t.c_cc, LX_NCCS);
		return copyout(k, p, arg, &lt, sizeof lt) < 0 ? -EFAULT : 0;
	}
	struct winsize ws;
	if (ioctl(h, TIOCGWINSZ, &ws) < 0)
		return -ENOTTY;
	struct lx_winsize lw = { ws.ws_row, ws.ws_col, ws.ws_xpixel, ws.ws_ypixel };
	return copyout(k, p, arg, &lw, sizeof lw) < 0 ? -EFAULT : 0;
}
