/*
 * pipe_file.c - a pipe as open files of the VFS: pipe2(2), and the
 * file_ops of its two ends (read, write, fstat as a FIFO, poll, FIONREAD).
 * Both ends share one anonymous inode (S_IFIFO, no mount), as Linux's
 * pipefs inode; each end is an open file description whose priv is the
 * pipe and whose access mode says which end it is.  fork and dup share a
 * description; its release (the last fd closed) closes that end.
 */
#include "pipe.h"
#include "vfs.h"
#include "proc.h"
#include "uaccess.h"

#include <errno.h>

_Static_assert(PIPE_BLOCKED == VFS_BLOCKED, "a pipe blocks the way the VFS expects");

#define LX_FIONREAD 0x541B

static bool is_writer(const struct file *f) { return (f->flags & LX_O_ACCMODE) == LX_O_WRONLY; }

static int64_t pipe_file_read(struct kernel *k, struct proc *p, struct file *f, void *kbuf,
			      size_t n, uint64_t *off)
{
	return pipe_read(k, p, f->priv, kbuf, n, f->flags & LX_O_NONBLOCK);
}

static int64_t pipe_file_write(struct kernel *k, struct proc *p, struct file *f,
			       const void *kbuf, size_t n, uint64_t *off)
{
	return pipe_write(k, p, f->priv, kbuf, n, f->flags & LX_O_NONBLOCK);
}

static int64_t pipe_file_ioctl(struct kernel *k, struct proc *p, struct file *f, uint32_t req,
			       uint64_t arg)
{
	if (req != LX_FIONREAD)
		return -ENOTTY;
	const struct pipe *pp = f->priv;
	int32_t v = (int32_t)pp->ring.len;
	return copyout(k, p, arg, &v, sizeof v) < 0 ? -EFAULT : 0;
}

/* (A FIFO opened O_RDWR is both ends at once.) */
static bool is_both(const struct file *f) { return (f->flags & LX_O_ACCMODE) == LX_O_RDWR; }

static unsigned pipe_file_poll(struct kernel *k, struct file *f)
{
	const struct pipe *pp = f->priv;
	unsigned w = (pipe_ring_room(&pp->ring) >= PIPE_BUF ? VFS_POLL_OUT : 0) |
		     (pp->readers ? 0 : VFS_POLL_ERR);
	unsigned r = (pp->ring.len ? VFS_POLL_IN : 0) | (pp->writers ? 0 : VFS_POLL_HUP);
	return is_both(f) ? w | r : is_writer(f) ? w : r;
}

static uint64_t pipe_file_gen(struct kernel *k, struct file *f)
{
	const struct pipe *pp = f->priv;
	return pp ? pp->events : 0;
}

static void pipe_file_release(struct kernel *k, struct file *f)
{
	struct pipe *pp = f->priv;
	f->priv = NULL;
	if (!pp)
		return;
	if (is_both(f))
		pipe_close_end(k, pp, false);       /* the writer's close below frees it if last */
	pipe_close_end(k, pp, is_writer(f) || is_both(f));
}

static const struct file_ops pipe_fops = {
	.name = "pipe",
	.read = pipe_file_read,
	.write = pipe_file_write,
	.ioctl = pipe_file_ioctl,
	.poll = pipe_file_poll,
	.poll_gen = pipe_file_gen,
	.release = pipe_file_release,
};

int pipe_fifo_open(struct kernel *k, struct inode *ino, struct file *f)
{
	struct pipe *pp = ino->priv;
	bool fresh = !pp;
	if (fresh) {
		if (!(pp = pipe_create(k)))
			return -ENOMEM;
		pp->readers = pp->writers = 0;
		pp->fifo = ino;
		ino->priv = pp;
	}
	int acc = (int)(f->flags & LX_O_ACCMODE);
	if (acc == LX_O_WRONLY && (f->flags & LX_O_NONBLOCK) && !pp->readers) {
		if (fresh)
			pipe_destroy(k, pp);
		return -ENXIO;
	}
	if (acc != LX_O_WRONLY)
		pipe_open_end(pp, false);
	if (acc != LX_O_RDONLY)
		pipe_open_end(pp, true);
	f->ops = &pipe_fops;
	f->priv = pp;
	waitq_wake_all(k, &pp->open_wait);
	return 0;
}

void pipe_fifo_wait(struct kernel *k, struct proc *p, struct file *f, int dirfd, int fd)
{
	if (f->ops != &pipe_fops || !f->inode || !f->inode->mnt || (f->flags & LX_O_NONBLOCK))
		return;
	struct pipe *pp = f->priv;
	int acc = (int)(f->flags & LX_O_ACCMODE);
	if ((acc == LX_O_RDONLY && !pp->writers) || (acc == LX_O_WRONLY && !pp->readers))
		waitq_sleep_undo(k, p, &pp->open_wait, (uint64_t)(int64_t)dirfd, fd, f);
}

int64_t sys_pipe2(struct kernel *k, struct proc *p, uint64_t ufds, int flags)
{
	if ((unsigned)flags & ~(unsigned)(LX_O_CLOEXEC | LX_O_NONBLOCK))
		return -EINVAL;
	bool cloexec = flags & LX_O_CLOEXEC;
	uint32_t nonblock = (uint32_t)flags & LX_O_NONBLOCK;
	struct pipe *pp = pipe_create(k);
	if (!pp)
		return -ENOMEM;
	struct inode *ino = vfs_inode_alloc(k, NULL, LX_S_IFIFO | 0600, NULL, &pipe_fops);
	struct file *rf = ino ? vfs_file_alloc(k, &pipe_fops, ino, NULL, LX_O_RDONLY | nonblock) : NULL;
	struct file *wf = rf ? vfs_file_alloc(k, &pipe_fops, ino, NULL, LX_O_WRONLY | nonblock) : NULL;
	if (ino)
		inode_put(k, ino);          /* the files hold it now */
	if (!wf) {
		if (rf)
			file_put(k, rf);        /* no priv yet: releases nothing */
		pipe_close_end(k, pp, false);
		pipe_close_end(k, pp, true);
		return -ENOMEM;
	}
	ino->priv = pp;
	rf->priv = wf->priv = pp;           /* from here each file's release closes its end */
	return fd_install_pair(k, p, rf, wf, cloexec, ufds);
}
