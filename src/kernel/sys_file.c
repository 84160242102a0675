/*
 * sys_file.c - the system calls on file descriptors: read, write, pread64,
 * pwrite64, readv, writev, lseek, fstat, getdents64, close, dup, dup3,
 * fcntl, ioctl, ftruncate, fsync/fdatasync, umask.  Linux semantics
 * (qemu-riscv64 as the reference); the objects are the VFS's (fs/vfs.h),
 * the path calls are in sys_path.c.
 *
 * User buffers move through a kernel bounce buffer of one page (IO_BOUNCE:
 * a slab object, so I/O works when memory is short):
 * a read asks the file for no more than the user buffer can take before an
 * unwritable page (uaccess_writable_prefix: input that does not fit stays
 * unread, as Linux leaves it in a pipe), a write gives it the bytes before
 * the first unreadable page; either way a fault partway returns the bytes
 * moved before it, and EFAULT only if there are none.  Regular files
 * loop over pages; other files go on to the next page only while their
 * poll hook says they are ready (the console: output always, input never),
 * so a call never waits after it has moved bytes (a legal short read or
 * write).
 */
#include "fs/vfs.h"
#include "proc.h"
#include "uaccess.h"

#include <errno.h>
#include <string.h>

/* Linux's cap on one read or write: INT_MAX rounded down to a page. */
#define MAX_RW_COUNT 0x7ffff000ULL
#define UIO_MAXIOV   1024
#define IO_BOUNCE    PGSIZE

static bool file_is_reg(const struct file *f)
{
	return f->inode && inode_is_reg(f->inode);
}

/* May a transfer that has moved bytes already go on with f (mask: the
 * poll bits that mean ready)?  Regular files and files without a poll hook
 * (always ready: /dev/null, zero) yes; others when their poll says so. */
static bool may_continue(struct kernel *k, struct file *f, unsigned mask)
{
	if (file_is_reg(f) || !f->ops->poll)
		return true;
	return (f->ops->poll(k, f) & mask) != 0;
}

/* Copies up to n bytes from user uva, page by page, stopping at the first
 * page that faults.  Returns the bytes copied. */
static size_t copyin_prefix(struct kernel *k, struct proc *p, void *dst, uint64_t uva, size_t n)
{
	size_t done = 0;
	while (done < n) {
		uint64_t at = uva + done;
		size_t m = (size_t)(PGSIZE - (at & PGMASK));
		if (m > n - done)
			m = n - done;
		if (copyin(k, p, (char *)dst + done, at, m) < 0)
			break;
		done += m;
	}
	return done;
}

/* Reads up to len bytes at *off into user buf.  more: the call has already
 * moved bytes (readv's later vectors): a file that is not ready is not
 * waited for. */
static int64_t do_read(struct kernel *k, struct proc *p, struct file *f, uint64_t buf,
		       uint64_t len, uint64_t *off, bool more)
{
	if (!f->ops->read)
		return -EINVAL;
	char *kbuf = kmalloc(&k->km, IO_BOUNCE);
	if (!kbuf)
		return -ENOMEM;
	uint64_t done = 0;
	while (done < len) {
		size_t chunk = len - done < IO_BOUNCE ? (size_t)(len - done) : IO_BOUNCE;
		chunk = uaccess_writable_prefix(k, p, buf + done, chunk);
		if (chunk == 0) {
			if (done == 0 && !more)
				done = (uint64_t)-EFAULT;
			break;
		}
		if ((done || more) && !may_continue(k, f, VFS_POLL_IN | VFS_POLL_HUP))
			break;
		int64_t r = f->ops->read(k, p, f, kbuf, chunk, off);
		if (r < 0) {
			if (done == 0)
				done = (uint64_t)r;
			break;
		}
		if (r > 0 && copyout(k, p, buf + done, kbuf, (size_t)r) < 0) {
			if (done == 0)
				done = (uint64_t)-EFAULT;
			break;
		}
		done += (uint64_t)r;
		if ((size_t)r < chunk)
			break;
	}
	kfree(&k->km, kbuf);
	return (int64_t)done;
}

static int64_t do_write(struct kernel *k, struct proc *p, struct file *f, uint64_t buf,
			uint64_t len, uint64_t *off, bool more)
{
	if (!f->ops->write)
		return -EINVAL;
	char *kbuf = kmalloc(&k->km, IO_BOUNCE);
	if (!kbuf)
		return -ENOMEM;
	/* A pipe takes every byte of a blocking write, sleeping for room as
	 * often as needed: a re-run after a sleep goes on at p->sys_done. */
	bool fifo = !more && f->inode && ((f->inode->mode & LX_S_IFMT) == LX_S_IFIFO ||
					  (f->inode->mode & LX_S_IFMT) == LX_S_IFSOCK);
	uint64_t done = fifo ? p->sys_done : 0;
	while (done < len) {
		size_t chunk = len - done < IO_BOUNCE ? (size_t)(len - done) : IO_BOUNCE;
		size_t got = copyin_prefix(k, p, kbuf, buf + done, chunk);
		if (got == 0) {
			if (done == 0 && !more)
				done = (uint64_t)-EFAULT;
			break;
		}
		if ((done || more) && !fifo && !may_continue(k, f, VFS_POLL_OUT))
			break;
		int64_t r = f->ops->write(k, p, f, kbuf, got, off);
		if (r == VFS_BLOCKED && done) {
			p->sys_done = done;      /* asleep: the re-run goes on from here */
			done = (uint64_t)VFS_BLOCKED;
			break;
		}
		if (r < 0) {
			if (done == 0)
				done = (uint64_t)r;
			break;
		}
		done += (uint64_t)r;
		if (got < chunk || (!fifo && (size_t)r < got))
			break;
	}
	kfree(&k->km, kbuf);
	return (int64_t)done;
}

/* The file behind fd for reading (write = false) or writing: -EBADF if fd
 * is not open or not open for that, -EISDIR for a directory. */
static struct file *io_file(struct proc *p, int fd, bool write, int64_t *err)
{
	struct file *f = fd_get(p, fd);
	if (!f || (write ? !file_writable(f) : !file_readable(f))) {
		*err = -EBADF;
		return NULL;
	}
	if (f->inode && inode_is_dir(f->inode)) {
		*err = -EISDIR;
		return NULL;
	}
	return f;
}

int64_t sys_read(struct kernel *k, struct proc *p, int fd, uint64_t buf, uint64_t len)
{
	int64_t err;
	struct file *f = io_file(p, fd, false, &err);
	if (!f)
		return err;
	if (!uaccess_ok(k, buf, len))
		return -EFAULT;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (len == 0)
		return 0;
	return do_read(k, p, f, buf, len, &f->pos, false);
}

int64_t sys_write(struct kernel *k, struct proc *p, int fd, uint64_t buf, uint64_t len)
{
	int64_t err;
	struct file *f = io_file(p, fd, true, &err);
	if (!f)
		return err;
	if (!uaccess_ok(k, buf, len))
		return -EFAULT;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (len == 0)
		return 0;
	return do_write(k, p, f, buf, len, &f->pos, false);
}

/* pread64/pwrite64 need a file with positions: ESPIPE for the console,
 * pipes and FIFOs; EINVAL for a negative offset. */
static int64_t positioned(struct file *f, int64_t off)
{
	if (!f->inode || (f->inode->mode & LX_S_IFMT) == LX_S_IFIFO ||
	    (f->inode->mode & LX_S_IFMT) == LX_S_IFSOCK)
		return -ESPIPE;
	return off < 0 ? -EINVAL : 0;
}

int64_t sys_pread64(struct kernel *k, struct proc *p, int fd, uint64_t buf, uint64_t len,
		    int64_t off)
{
	int64_t err;
	struct file *f = io_file(p, fd, false, &err);
	if (!f)
		return err;
	if ((err = positioned(f, off)) < 0)
		return err;
	if (!uaccess_ok(k, buf, len))
		return -EFAULT;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (len == 0)
		return 0;
	uint64_t pos = (uint64_t)off;
	return do_read(k, p, f, buf, len, &pos, false);
}

int64_t sys_pwrite64(struct kernel *k, struct proc *p, int fd, uint64_t buf, uint64_t len,
		     int64_t off)
{
	int64_t err;
	struct file *f = io_file(p, fd, true, &err);
	if (!f)
		return err;
	if ((err = positioned(f, off)) < 0)
		return err;
	if (!uaccess_ok(k, buf, len))
		return -EFAULT;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (len == 0)
		return 0;
	uint64_t pos = (uint64_t)off;
	return do_write(k, p, f, buf, len, &pos, false);
}

/* readv/writev, as Linux's import_iovec: more than UIO_MAXIOV vectors
 * EINVAL; the whole iovec array is read (EFAULT), then every vector
 * checked (a length with the top bit set EINVAL, a buffer outside the user
 * half EFAULT), all before anything moves; the total is capped at
 * MAX_RW_COUNT.  Then the buffers are done in order; a fault or a short
 * transfer partway returns the bytes moved before it. */
static int64_t do_vec(struct kernel *k, struct proc *p, int fd, uint64_t iov, uint64_t iovcnt,
		      bool write)
{
	int64_t err;
	struct file *f = io_file(p, fd, write, &err);
	if (!f)
		return err;
	if (iovcnt > UIO_MAXIOV)
		return -EINVAL;
	uint64_t v[2];
	if (!uaccess_ok(k, iov, 16 * iovcnt))
		return -EFAULT;
	for (uint64_t i = 0; i < iovcnt; i++)          /* the whole array first */
		if (copyin(k, p, v, iov + 16 * i, sizeof v) < 0)
			return -EFAULT;
	for (uint64_t i = 0; i < iovcnt; i++) {         /* then each vector */
		if (copyin(k, p, v, iov + 16 * i, sizeof v) < 0)
			return -EFAULT;
		if ((int64_t)v[1] < 0)
			return -EINVAL;
		if (!uaccess_ok(k, v[0], v[1]))
			return -EFAULT;
	}
	int64_t total = 0;
	for (uint64_t i = 0; i < iovcnt && (uint64_t)total < MAX_RW_COUNT; i++) {
		if (copyin(k, p, v, iov + 16 * i, sizeof v) < 0)
			return total ? total : -EFAULT;
		if (!v[1])
			continue;
		if (v[1] > MAX_RW_COUNT - (uint64_t)total)
			v[1] = MAX_RW_COUNT - (uint64_t)total;
		int64_t r = write ? do_write(k, p, f, v[0], v[1], &f->pos, total > 0)
				  : do_read(k, p, f, v[0], v[1], &f->pos, total > 0);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((uint64_t)r < v[1])
			break;               /* a fault or a short transfer: stop there, as Linux does */
	}
	return total;
}

int64_t sys_readv(struct kernel *k, struct proc *p, int fd, uint64_t iov, uint64_t iovcnt)
{
	return do_vec(k, p, fd, iov, iovcnt, false);
}

int64_t sys_writev(struct kernel *k, struct proc *p, int fd, uint64_t iov, uint64_t iovcnt)
{
	return do_vec(k, p, fd, iov, iovcnt, true);
}

int64_t sys_lseek(struct kernel *k, struct proc *p, int fd, int64_t off, int whence)
{
	struct file *f = fd_get(p, fd);
	if (!f || (f->flags & LX_O_PATH))
		return -EBADF;
	if (whence < 0 || whence > LX_SEEK_HOLE)
		return -EINVAL;
	if (f->ops->lseek)
		return f->ops->lseek(k, f, off, whence);
	if (f->inode && (inode_is_reg(f->inode) || inode_is_dir(f->inode)))
		return vfs_generic_lseek(k, f, off, whence);
	return -ESPIPE;
}

int64_t sys_fstat(struct kernel *k, struct proc *p, int fd, uint64_t ubuf)
{
	struct file *f = fd_get(p, fd);
	if (!f)
		return -EBADF;
	struct lx_stat st;
	int rc = vfs_fstat(k, f, &st);
	if (rc < 0)
		return rc;
	return copyout(k, p, ubuf, &st, sizeof st) < 0 ? -EFAULT : 0;
}

int64_t sys_getdents64(struct kernel *k, struct proc *p, int fd, uint64_t ubuf, uint64_t len)
{
	struct file *f = fd_get(p, fd);
	if (!f || (f->flags & LX_O_PATH))
		return -EBADF;
	if (!f->ops->getdents)
		return -ENOTDIR;
	if (!uaccess_ok(k, ubuf, len))
		return -EFAULT;
	size_t n = len < IO_BOUNCE ? (size_t)len : IO_BOUNCE;
	char *kbuf = kmalloc(&k->km, IO_BOUNCE);
	if (!kbuf)
		return -ENOMEM;
	uint64_t pos = f->pos;
	int64_t r = f->ops->getdents(k, f, kbuf, n);
	if (r > 0 && copyout(k, p, ubuf, kbuf, (size_t)r) < 0) {
		f->pos = pos;       /* nothing was delivered */
		r = -EFAULT;
	}
	kfree(&k->km, kbuf);
	return r;
}

int64_t sys_close(struct kernel *k, struct proc *p, int fd)
{
	return fd_close(k, p, fd);
}

/* RLIMIT_NOFILE of p as a descriptor bound. */
static int fd_limit(const struct proc *p)
{
	uint64_t lim = p->res.rlim[LX_RLIMIT_NOFILE].rlim_cur;
	return lim > (1u << 20) ? 1 << 20 : (int)lim;
}

static int64_t dup_from(struct kernel *k, struct proc *p, struct file *f, int min, bool cloexec)
{
	file_get(f);
	int rc = fd_install(k, p, f, min, cloexec);
	if (rc < 0)
		file_put(k, f);
	return rc;
}

int64_t sys_dup(struct kernel *k, struct proc *p, int fd)
{
	struct file *f = fd_get(p, fd);
	if (!f)
		return -EBADF;
	return dup_from(k, p, f, 0, false);
}

int64_t sys_dup3(struct kernel *k, struct proc *p, int oldfd, int newfd, int flags)
{
	if (flags & ~LX_O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	if (newfd < 0 || newfd >= fd_limit(p))
		return -EBADF;
	struct file *f = fd_get(p, oldfd);
	if (!f)
		return -EBADF;
	file_get(f);
	int rc = fd_install_at(k, p, f, newfd, flags & LX_O_CLOEXEC);
	if (rc < 0)
		file_put(k, f);
	return rc;
}

int64_t sys_fcntl(struct kernel *k, struct proc *p, int fd, int cmd, uint64_t arg)
{
	struct file *f = fd_get(p, fd);
	if (!f)
		return -EBADF;
	switch (cmd) {
	case LX_F_DUPFD:
	case LX_F_DUPFD_CLOEXEC:
		if ((int64_t)(int32_t)arg < 0 || (int32_t)arg >= fd_limit(p))
			return -EINVAL;
		return dup_from(k, p, f, (int)arg, cmd == LX_F_DUPFD_CLOEXEC);
	case LX_F_GETFD:
		return fd_cloexec(p, fd) ? LX_FD_CLOEXEC : 0;
	case LX_F_SETFD:
		fd_set_cloexec(p, fd, arg & LX_FD_CLOEXEC);
		return 0;
	case LX_F_GETFL:
		return f->flags;
	case LX_F_SETFL: {
		if (f->flags & LX_O_PATH)
			return -EBADF;
		const uint32_t settable = LX_O_APPEND | LX_O_NONBLOCK | LX_O_ASYNC | LX_O_DIRECT |
					  LX_O_NOATIME;
		f->flags = (f->flags & ~settable) | ((uint32_t)arg & settable);
		return 0;
	}
	default:
		return (f->flags & LX_O_PATH) ? -EBADF : -EINVAL;
	}
}

#define LX_FIONCLEX 0x5450
#define LX_FIOCLEX  0x5451
#define LX_FIONBIO  0x5421

int64_t sys_ioctl(struct kernel *k, struct proc *p, int fd, uint64_t req, uint64_t arg)
{
	struct file *f = fd_get(p, fd);
	if (!f || (f->flags & LX_O_PATH))
		return -EBADF;
	uint32_t r = (uint32_t)req;          /* the request is an unsigned int */
	switch (r) {
	case LX_FIOCLEX: fd_set_cloexec(p, fd, true); return 0;
	case LX_FIONCLEX: fd_set_cloexec(p, fd, false); return 0;
	case LX_FIONBIO: {
		int32_t on;
		if (copyin(k, p, &on, arg, sizeof on) < 0)
			return -EFAULT;
		f->flags = on ? f->flags | LX_O_NONBLOCK : f->flags & ~(uint32_t)LX_O_NONBLOCK;
		return 0;
	}
	}
	if (!f->ops->ioctl)
		return -ENOTTY;
	return f->ops->ioctl(k, p, f, r, arg);
}

int64_t sys_ftruncate(struct kernel *k, struct proc *p, int fd, int64_t len)
{
	if (len < 0)
		return -EINVAL;
	struct file *f = fd_get(p, fd);
	if (!f || (f->flags & LX_O_PATH))
		return -EBADF;
	if (!file_is_reg(f) || !file_writable(f))
		return -EINVAL;
	struct inode *ino = f->inode;
	if (ino->mnt && (ino->mnt->flags & MNT_RDONLY))
		return -EROFS;
	if (!ino->ops || !ino->ops->truncate)
		return -EPERM;
	return ino->ops->truncate(k, ino, (uint64_t)len);
}

int64_t sys_fsync(struct kernel *k, struct proc *p, int fd)
{
	struct file *f = fd_get(p, fd);
	if (!f || (f->flags & LX_O_PATH))
		return -EBADF;
	if (!f->inode || !(inode_is_reg(f->inode) || inode_is_dir(f->inode)))
		return -EINVAL;
	if (f->inode->ops && f->inode->ops->sync)
		return f->inode->ops->sync(k, f->inode);
	return 0;
}

int64_t sys_umask(struct kernel *k, struct proc *p, uint32_t mask)
{
	uint32_t old = p->umask;
	p->umask = mask & 0777;
	return old;
}
