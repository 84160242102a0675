/*
 * devfs.c - /dev: null, zero, full, random, urandom, tty, and the links
 * stdin, stdout, stderr and fd into /proc/self/fd; and the console, the
 * open files behind fds 0, 1, 2 of every top-level process.
 *
 * The console stands for vmos's own standard streams: fd 0 reads the
 * host's stdin, fd 1 writes cfg.out and fd 2 cfg.err (with "[pid] " at
 * each line start under --prefix).  Questions about them are answered from
 * the host descriptors, converted to the Linux riscv64 layouts - exactly
 * what qemu-riscv64 does: fstat (glibc's stdio picks line or full
 * buffering by st_mode), fcntl F_GETFL (the access mode the host has), and
 * the terminal ioctls TCGETS and TIOCGWINSZ, which are forwarded only to
 * ask: nothing that changes the host terminal is passed on (ENOTTY when
 * the stream is not a terminal, as on Linux).
 *
 * /dev/tty is the console if vmos has a terminal on stdin or stdout, else
 * ENXIO (a process without a controlling terminal, as on Linux).
 * /dev/random and /dev/urandom read the host's getrandom(2).
 */
#include "vfs_impl.h"
#include "proc.h"
#include "uaccess.h"
#include "sys_info.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

/* ---- the console ------------------------------------------------------------ */

/* The console file for fd 0, 1 or 2 keeps which stream it is in priv. */
static int console_which(const struct file *f) { return (int)(intptr_t)f->priv; }

/* The host descriptor behind a console stream, -1 if it has none (a memory stream). */
static int console_host_fd(struct kernel *k, int which)
{
	switch (which) {
	case 0: return k->stdin_fd;
	case 1: return fileno(k->cfg.out);
	default: return fileno(k->cfg.err);
	}
}

/* Writes user bytes to a host stream, with "[pid] " at each line start if
 * output prefixing is on. */
static void emit(struct kernel *k, struct proc *p, FILE *f, const char *buf, size_t n)
{
	if (!k->cfg.prefix_output || !p) {
		fwrite(buf, 1, n, f);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (p->line_start)
			fprintf(f, "[%u] ", p->pid);
		fputc(buf[i], f);
		p->line_start = buf[i] == '\n';
	}
}

static int64_t console_read(struct kernel *k, struct proc *p, struct file *f, void *kbuf,
			    size_t n, uint64_t *off)
{
	fflush(k->cfg.out);
	ssize_t got = read(k->stdin_fd, kbuf, n);
	return got < 0 ? -EIO : got;
}

static int64_t console_write(struct kernel *k, struct proc *p, struct file *f, const void *kbuf,
			     size_t n, uint64_t *off)
{
	FILE *out = console_which(f) == 2 ? k->cfg.err : k->cfg.out;
	emit(k, p, out, kbuf, n);
	if (console_which(f) == 2 || k->cfg.prefix_output)
		fflush(out);
	return (int64_t)n;
}

static int console_stat(struct kernel *k, struct file *f, struct lx_stat *st)
{
	int h = console_host_fd(k, console_which(f));
	struct stat hs;
	if (h < 0 || fstat(h, &hs) < 0) {
		/* no host file: present it as an anonymous pipe */
		memset(st, 0, sizeof *st);
		st->st_mode = LX_S_IFIFO | 0600;
		st->st_nlink = 1;
		st->st_blksize = PGSIZE;
		return 0;
	}
	vfs_stat_from_host(st, &hs);
	return 0;
}

/* The console's foreground process group and session, kept by the kernel
 * (k->tty_pgrp; the host terminal's own group is never changed):
 * TIOCGPGRP, TIOCSPGRP (a group of the caller's session, else EPERM) and
 * TIOCGSID (the session of the program tree that has the console). */
static int64_t console_pgrp_ioctl(struct kernel *k, struct proc *p, uint32_t req, uint64_t arg)
{
	int32_t v;
	if (req == LX_TIOCSPGRP) {
		if (copyin(k, p, &v, arg, sizeof v) < 0)
			return -EFAULT;
		if (v < 0)
			return -EINVAL;
		if (!pgrp_exists(k, p, (uint32_t)v, p->sid))
			return -EPERM;
		k->tty_pgrp = (uint32_t)v;
		return 0;
	}
	v = (int32_t)(req == LX_TIOCGPGRP ? k->tty_pgrp : p->sid);
	return copyout(k, p, arg, &v, sizeof v) < 0 ? -EFAULT : 0;
}

static int64_t console_ioctl(struct kernel *k, struct proc *p, struct file *f, uint32_t req,
			     uint64_t arg)
{
	int h = console_host_fd(k, console_which(f));
	if (h < 0 || !isatty(h))
		return -ENOTTY;
	if (req == LX_TIOCGPGRP || req == LX_TIOCSPGRP || req == LX_TIOCGSID)
		return console_pgrp_ioctl(k, p, req, arg);
	if (req != LX_TCGETS && req != LX_TIOCGWINSZ)
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

/* Output never waits; input is ready when the host's is (a poll with no
 * wait): data, or its end (POLLHUP: a read returns 0), or an error. */
static unsigned console_poll(struct kernel *k, struct file *f)
{
	if (console_which(f) != 0)
		return VFS_POLL_OUT;
	struct pollfd pfd = { .fd = k->stdin_fd, .events = POLLIN };
	if (pfd.fd < 0)
		return VFS_POLL_IN;       /* a read fails at once: nothing to wait for */
	if (poll(&pfd, 1, 0) <= 0)
		return 0;
	return (pfd.revents & POLLIN ? VFS_POLL_IN : 0) | (pfd.revents & POLLHUP ? VFS_POLL_HUP : 0) |
	       (pfd.revents & (POLLERR | POLLNVAL) ? VFS_POLL_ERR : 0);
}

static const struct file_ops console_ops = {
	.poll = console_poll,
	.poll_by_timer = true,
	.name = "console",
	.read = console_read,
	.write = console_write,
	.ioctl = console_ioctl,
	.stat = console_stat,
};

/* The access mode and status flags the host has on the stream (what
 * qemu-riscv64 reports for F_GETFL), or the natural one. */
static uint32_t console_flags(struct kernel *k, int which)
{
	int h = console_host_fd(k, which);
	int fl = h >= 0 ? fcntl(h, F_GETFL) : -1;
	if (fl < 0)
		return which == 0 ? LX_O_RDONLY : LX_O_WRONLY;
	uint32_t r = (uint32_t)(fl & O_ACCMODE);
	if (fl & O_APPEND)
		r |= LX_O_APPEND;
	if (fl & O_NONBLOCK)
		r |= LX_O_NONBLOCK;
	return r;
}

struct file *devfs_console(struct kernel *k, int fd)
{
	struct file *f = vfs_file_alloc(k, &console_ops, NULL, NULL, console_flags(k, fd));
	if (f)
		f->priv = (void *)(intptr_t)fd;
	return f;
}

/* ---- the devices ----------------------------------------------------------------- */

static int64_t null_read(struct kernel *k, struct proc *p, struct file *f, void *kbuf, size_t n,
			 uint64_t *off)
{
	return 0;
}

static int64_t null_write(struct kernel *k, struct proc *p, struct file *f, const void *kbuf,
			  size_t n, uint64_t *off)
{
	return (int64_t)n;
}

static int64_t zero_read(struct kernel *k, struct proc *p, struct file *f, void *kbuf, size_t n,
			 uint64_t *off)
{
	memset(kbuf, 0, n);
	return (int64_t)n;
}

static int64_t full_write(struct kernel *k, struct proc *p, struct file *f, const void *kbuf,
			  size_t n, uint64_t *off)
{
	return -ENOSPC;
}

static int64_t random_read(struct kernel *k, struct proc *p, struct file *f, void *kbuf, size_t n,
			   uint64_t *off)
{
	ssize_t r = getrandom(kbuf, n, 0);
	return r < 0 ? -EIO : r;
}

/* Devices have no position: every seek succeeds and leaves 0 (as Linux's
 * null, zero, random). */
static int64_t dev_lseek(struct kernel *k, struct file *f, int64_t off, int whence)
{
	f->pos = 0;
	return 0;
}

static const struct file_ops null_ops = { .name = "null", .read = null_read, .write = null_write, .lseek = dev_lseek };
static const struct file_ops zero_ops = { .name = "zero", .read = zero_read, .write = null_write, .lseek = dev_lseek };
static const struct file_ops full_ops = { .name = "full", .read = zero_read, .write = full_write, .lseek = dev_lseek };
static const struct file_ops random_ops = { .name = "random", .read = random_read, .write = null_write, .lseek = dev_lseek };

static int tty_open(struct kernel *k, struct inode *ino, struct file *f)
{
	if (!isatty(k->stdin_fd) && !isatty(fileno(k->cfg.out)))
		return -ENXIO;
	f->ops = &console_ops;
	f->priv = (void *)(intptr_t)(isatty(fileno(k->cfg.out)) ? 1 : 0);
	return 0;
}

/* ---- the directory ------------------------------------------------------------------ */

struct devfs_entry {
	const char *name;
	uint32_t mode;
	unsigned major, minor;
	const struct file_ops *fops;
	const char *link;              /* symlinks: the target */
};

static const struct devfs_entry devfs_table[] = {
	{ "null",    LX_S_IFCHR | 0666, 1, 3, &null_ops, NULL },
	{ "zero",    LX_S_IFCHR | 0666, 1, 5, &zero_ops, NULL },
	{ "full",    LX_S_IFCHR | 0666, 1, 7, &full_ops, NULL },
	{ "random",  LX_S_IFCHR | 0666, 1, 8, &random_ops, NULL },
	{ "urandom", LX_S_IFCHR | 0666, 1, 9, &random_ops, NULL },
	{ "tty",     LX_S_IFCHR | 0666, 5, 0, &console_ops, NULL },
	{ "stdin",   LX_S_IFLNK | 0777, 0, 0, NULL, "/proc/self/fd/0" },
	{ "stdout",  LX_S_IFLNK | 0777, 0, 0, NULL, "/proc/self/fd/1" },
	{ "stderr",  LX_S_IFLNK | 0777, 0, 0, NULL, "/proc/self/fd/2" },
	{ "fd",      LX_S_IFLNK | 0777, 0, 0, NULL, "/proc/self/fd" },
};
#define DEVFS_N (sizeof devfs_table / sizeof devfs_table[0])

struct devfs {
	struct inode *node[DEVFS_N];   /* one reference each */
};

static int devfs_lookup(struct kernel *k, struct inode *dir, const char *name, struct inode **out)
{
	struct devfs *d = dir->mnt->priv;
	for (size_t i = 0; i < DEVFS_N; i++)
		if (!strcmp(devfs_table[i].name, name)) {
			inode_get(d->node[i]);
			*out = d->node[i];
			return 0;
		}
	return -ENOENT;
}

static int devfs_readlink(struct kernel *k, struct inode *ino, char *buf, size_t n)
{
	const char *t = ((const struct devfs_entry *)ino->priv)->link;
	size_t len = strlen(t);
	if (len > n)
		len = n;
	memcpy(buf, t, len);
	return (int)len;
}

static int devfs_open(struct kernel *k, struct inode *ino, struct file *f)
{
	const struct devfs_entry *e = ino->priv;
	if (e && e->fops == &console_ops)
		return tty_open(k, ino, f);
	return 0;
}

static int64_t devfs_dir_read(struct kernel *k, struct proc *p, struct file *f, void *kbuf,
			      size_t n, uint64_t *off)
{
	return -EISDIR;
}

/* Positions: 0 ".", 1 "..", 2.. the table. */
static int64_t devfs_getdents(struct kernel *k, struct file *f, void *kbuf, size_t n)
{
	struct devfs *d = f->inode->mnt->priv;
	size_t used = 0;
	while (f->pos < DEVFS_N + 2) {
		uint64_t i = f->pos;
		const char *name = i == 0 ? "." : i == 1 ? ".." : devfs_table[i - 2].name;
		uint64_t ino = i < 2 ? f->inode->ino : d->node[i - 2]->ino;
		uint32_t mode = i < 2 ? LX_S_IFDIR : devfs_table[i - 2].mode;
		uint8_t type = (uint8_t)((mode & LX_S_IFMT) >> 12);   /* DT_* = S_IFMT >> 12 */
		if (!vfs_dirent_put(kbuf, n, &used, ino, (int64_t)i + 1, type, name, strlen(name)))
			break;
		f->pos++;
	}
	if (used == 0 && f->pos < DEVFS_N + 2)
		return -EINVAL;
	return (int64_t)used;
}

static const struct inode_ops devfs_iops = {
	.lookup = devfs_lookup,
	.readlink = devfs_readlink,
	.open = devfs_open,
};

static const struct file_ops devfs_dir_ops = {
	.name = "devfs-dir",
	.read = devfs_dir_read,
	.getdents = devfs_getdents,
	.lseek = vfs_generic_lseek,
};

static void devfs_umount(struct kernel *k, struct mount *m)
{
	struct devfs *d = m->priv;
	if (!d)
		return;
	for (size_t i = 0; i < DEVFS_N; i++)
		inode_put(k, d->node[i]);
	kfree(&k->km, d);
	m->priv = NULL;
}

int devfs_mount(struct kernel *k, const char *guest_path)
{
	struct mount *m = vfs_mount(k, guest_path, "devtmpfs", 0);
	if (!m)
		return -ENOMEM;
	m->umount = devfs_umount;
	struct devfs *d = kzalloc(&k->km, sizeof *d);
	if (!d)
		return -ENOMEM;
	m->priv = d;
	m->root = vfs_inode_alloc(k, m, LX_S_IFDIR | 0755, &devfs_iops, &devfs_dir_ops);
	if (!m->root)
		return -ENOMEM;
	for (size_t i = 0; i < DEVFS_N; i++) {
		const struct devfs_entry *e = &devfs_table[i];
		struct inode *ino = vfs_inode_alloc(k, m, e->mode, &devfs_iops, e->fops);
		if (!ino)
			return -ENOMEM;
		ino->priv = (void *)e;
		ino->rdev = makedev(e->major, e->minor);
		if (e->link)
			ino->size = strlen(e->link);
		d->node[i] = ino;
		m->held++;
	}
	return 0;
}
