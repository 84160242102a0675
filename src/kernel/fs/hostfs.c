/*
 * hostfs.c - a host directory as a guest file system: the guest's root
 * (the host's / or --root DIR, read-only) and each --rw DIR (writable).
 *
 * Every hostfs inode keeps a host descriptor open on its object, obtained
 * by openat(parent's descriptor, ONE name, O_PATH | O_NOFOLLOW): the host
 * never resolves a path of more than one component and never follows a
 * symlink, so a guest walk (namei.c, which handles ".." and symlinks
 * itself) cannot leave the directory the mount shows.  Reading and writing
 * go through a second descriptor opened on the same object through
 * /proc/self/fd/N (which names the open object, not a path), created on
 * first use.
 *
 * Writes: a read-only mount refuses them in the VFS (EROFS) before they get
 * here; a writable one passes creates, mkdir, unlink, rmdir, rename,
 * symlink, truncate and writes on to the host, each relative to the parent
 * directory's descriptor.
 *
 * Regular-file contents: read and written with pread/pwrite behind
 * hostfs_read_bytes/hostfs_write_bytes (the page cache takes this place when
 * it lands: see docs/files.md).
 */
#include "vfs_impl.h"
#include "pagecache.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct hostfs_inode {
	int io_fd;              /* descriptor for read/getdents/write, or -1 until needed */
	bool io_writable;       /* io_fd is open O_RDWR */
};

static const struct inode_ops hostfs_iops;
static const struct file_ops hostfs_file_ops, hostfs_dir_ops;

static bool mount_writable(const struct inode *ino)
{
	return ino->mnt && !(ino->mnt->flags & MNT_RDONLY);
}

/* A new inode over host descriptor fd (consumed), of the mount m. */
static int hostfs_inode_from_fd(struct kernel *k, struct mount *m, int fd, struct inode **out)
{
	struct stat hs;
	if (fstat(fd, &hs) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	struct hostfs_inode *hi = kzalloc(&k->km, sizeof *hi);
	const struct file_ops *fops = S_ISDIR(hs.st_mode) ? &hostfs_dir_ops : &hostfs_file_ops;
	struct inode *ino = hi ? vfs_inode_alloc(k, m, (uint32_t)hs.st_mode, &hostfs_iops, fops) : NULL;
	if (!ino) {
		kfree(&k->km, hi);
		close(fd);
		return -ENOMEM;
	}
	hi->io_fd = -1;
	ino->priv = hi;
	ino->host_fd = fd;
	ino->ino = (uint64_t)hs.st_ino;
	ino->size = (uint64_t)hs.st_size;
	ino->nlink = (uint32_t)hs.st_nlink;
	*out = ino;
	return 0;
}

static int hostfs_lookup(struct kernel *k, struct inode *dir, const char *name, struct inode **out)
{
	int fd = openat(dir->host_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return hostfs_inode_from_fd(k, dir->mnt, fd, out);
}

static int hostfs_readlink(struct kernel *k, struct inode *ino, char *buf, size_t n)
{
	ssize_t r = readlinkat(ino->host_fd, "", buf, n);
	return r < 0 ? -errno : (int)r;
}

static int hostfs_getattr(struct kernel *k, struct inode *ino, struct lx_stat *st)
{
	struct stat hs;
	if (fstat(ino->host_fd, &hs) < 0)
		return -errno;
	vfs_stat_from_host(st, &hs);
	ino->size = (uint64_t)hs.st_size;
	return 0;
}

/* The host's answer, for the user vmos runs as (what qemu-riscv64 gives). */
static int hostfs_access(struct kernel *k, struct inode *ino, int mode)
{
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", ino->host_fd);
	return faccessat(AT_FDCWD, proc, mode, 0) < 0 ? -errno : 0;
}

/* The descriptor to read (and, on a writable mount, write) ino with,
 * opened on first use.  A descriptor or a negative errno. */
static int io_fd(struct kernel *k, struct inode *ino, bool write)
{
	struct hostfs_inode *hi = ino->priv;
	if (hi->io_fd >= 0 && (!write || hi->io_writable))
		return hi->io_fd;
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", ino->host_fd);
	int flags = O_NOCTTY | O_NONBLOCK | O_CLOEXEC;
	if (inode_is_dir(ino))
		flags |= O_RDONLY | O_DIRECTORY;
	else
		flags |= write || mount_writable(ino) ? O_RDWR : O_RDONLY;
	int fd = open(proc, flags);
	if (fd < 0 && !write && (flags & O_RDWR))
		fd = open(proc, (flags & ~O_RDWR) | O_RDONLY);
	if (fd < 0)
		return -errno;
	if (hi->io_fd >= 0)
		close(hi->io_fd);
	hi->io_fd = fd;
	hi->io_writable = (flags & O_RDWR) && fcntl(fd, F_GETFL) >= 0 &&
			  (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR;
	return fd;
}

static int hostfs_open(struct kernel *k, struct inode *ino, struct file *f)
{
	uint32_t type = ino->mode & LX_S_IFMT;
	if (type != LX_S_IFREG && type != LX_S_IFDIR)
		return -ENXIO;        /* host devices, FIFOs and sockets are not the guest's */
	bool write = file_writable(f);
	int fd = io_fd(k, ino, write);
	return fd < 0 ? fd : 0;
}

/* The one place regular-file bytes come from the host (the page cache
 * will take it over). */
static int64_t hostfs_read_bytes(struct kernel *k, struct inode *ino, void *kbuf, size_t n,
				 uint64_t off)
{
	int fd = io_fd(k, ino, false);
	if (fd < 0)
		return fd;
	ssize_t r = pread(fd, kbuf, n, (off_t)off);
	return r < 0 ? -errno : r;
}

static int64_t hostfs_write_bytes(struct kernel *k, struct inode *ino, const void *kbuf,
				  size_t n, uint64_t off)
{
	int fd = io_fd(k, ino, true);
	if (fd < 0)
		return fd;
	ssize_t r = pwrite(fd, kbuf, n, (off_t)off);
	if (r > 0 && off + (uint64_t)r > ino->size)
		ino->size = off + (uint64_t)r;
	return r < 0 ? -errno : r;
}

static int64_t hostfs_read(struct kernel *k, struct proc *p, struct file *f, void *kbuf,
			   size_t n, uint64_t *off)
{
	int64_t r = hostfs_read_bytes(k, f->inode, kbuf, n, *off);
	if (r > 0)
		*off += (uint64_t)r;
	return r;
}

static int64_t hostfs_write(struct kernel *k, struct proc *p, struct file *f, const void *kbuf,
			    size_t n, uint64_t *off)
{
	if (!mount_writable(f->inode))
		return -EROFS;
	if (f->flags & LX_O_APPEND) {
		struct lx_stat st;
		int rc = hostfs_getattr(k, f->inode, &st);
		if (rc < 0)
			return rc;
		*off = (uint64_t)st.st_size;
	}
	int64_t r = hostfs_write_bytes(k, f->inode, kbuf, n, *off);
	if (r > 0)
		*off += (uint64_t)r;
	return r;
}

static int64_t hostfs_dir_read(struct kernel *k, struct proc *p, struct file *f, void *kbuf,
			       size_t n, uint64_t *off)
{
	return -EISDIR;
}

/* getdents64: the host's records are the guest's (the layout is the same);
 * the host descriptor is shared by every open of the directory, so each
 * call seeks it to this file's position first. */
static int64_t hostfs_getdents(struct kernel *k, struct file *f, void *kbuf, size_t n)
{
	int fd = io_fd(k, f->inode, false);
	if (fd < 0)
		return fd;
	if (lseek(fd, (off_t)f->pos, SEEK_SET) < 0)
		return -errno;
	long r = syscall(SYS_getdents64, fd, kbuf, n);
	if (r < 0)
		return -errno;
	off_t pos = lseek(fd, 0, SEEK_CUR);
	if (pos >= 0)
		f->pos = (uint64_t)pos;
	return r;
}

static int64_t hostfs_dir_lseek(struct kernel *k, struct file *f, int64_t off, int whence)
{
	/* directory offsets are the host's cookies: only SET and CUR mean anything */
	if (whence == LX_SEEK_SET && off >= 0) {
		f->pos = (uint64_t)off;
		return off;
	}
	if (whence == LX_SEEK_CUR && off == 0)
		return (int64_t)f->pos;
	return -EINVAL;
}

static int hostfs_create(struct kernel *k, struct inode *dir, const char *name, uint32_t mode,
			 struct inode **out)
{
	int fd = openat(dir->host_fd, name, O_CREAT | O_EXCL | O_RDWR | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	close(fd);
	return hostfs_lookup(k, dir, name, out);
}

static int hostfs_mkdir(struct kernel *k, struct inode *dir, const char *name, uint32_t mode)
{
	return mkdirat(dir->host_fd, name, mode) < 0 ? -errno : 0;
}

static int hostfs_symlink(struct kernel *k, struct inode *dir, const char *name, const char *target)
{
	return symlinkat(target, dir->host_fd, name) < 0 ? -errno : 0;
}

static int hostfs_unlink(struct kernel *k, struct inode *dir, const char *name)
{
	return unlinkat(dir->host_fd, name, 0) < 0 ? -errno : 0;
}

static int hostfs_rmdir(struct kernel *k, struct inode *dir, const char *name)
{
	return unlinkat(dir->host_fd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
}

static int hostfs_rename(struct kernel *k, struct inode *odir, const char *oname,
			 struct inode *ndir, const char *nname, unsigned flags)
{
	long r = syscall(SYS_renameat2, odir->host_fd, oname, ndir->host_fd, nname, flags);
	return r < 0 ? -errno : 0;
}

static int hostfs_truncate(struct kernel *k, struct inode *ino, uint64_t size)
{
	if (!mount_writable(ino))
		return -EROFS;
	int fd = io_fd(k, ino, true);
	if (fd < 0)
		return fd;
	if (ftruncate(fd, (off_t)size) < 0)
		return -errno;
	ino->size = size;
	return 0;
}

static int hostfs_sync(struct kernel *k, struct inode *ino)
{
	struct hostfs_inode *hi = ino->priv;
	if (hi->io_fd >= 0 && mount_writable(ino) && fsync(hi->io_fd) < 0)
		return errno == EINVAL ? 0 : -errno;
	return 0;
}

static void hostfs_release(struct kernel *k, struct inode *ino)
{
	if (ino->obj) {                /* mappings may keep it (pcache) */
		vm_object_put(k, ino->obj);
		ino->obj = NULL;
	}
	struct hostfs_inode *hi = ino->priv;
	if (hi) {
		if (hi->io_fd >= 0)
			close(hi->io_fd);
		kfree(&k->km, hi);
	}
	if (ino->host_fd >= 0)
		close(ino->host_fd);
	ino->host_fd = -1;
}
/* ---- the page cache's view (pcache): a regular file's vm_object ----------
 * The inode holds its object (one reference, dropped when the inode goes);
 * the object holds a descriptor of its own on the host file (priv: a
 * kmalloc'd int), so a mapping may outlive every open file and the inode. */

/* Pages come from pread of the host file, zero past its end. */
static int hostfs_read_page(struct kernel *k, struct vm_object *o, uint64_t index, uint8_t *dst)
{
	ssize_t r = pread(*(int *)o->priv, dst, PGSIZE, (off_t)(index << PGSHIFT));
	if (r < 0)
		return -EIO;
	memset(dst + r, 0, PGSIZE - (size_t)r);
	return 0;
}

/* A writable mount: dirty pages go back with pwrite, up to the size. */
static int hostfs_write_page(struct kernel *k, struct vm_object *o, uint64_t index,
			     const uint8_t *src)
{
	uint64_t off = index << PGSHIFT;
	if (off >= o->size)
		return 0;
	size_t n = o->size - off < PGSIZE ? (size_t)(o->size - off) : PGSIZE;
	ssize_t r = pwrite(*(int *)o->priv, src, n, (off_t)off);
	return r == (ssize_t)n ? 0 : -EIO;
}

static void hostfs_obj_release(struct kernel *k, struct vm_object *o)
{
	close(*(int *)o->priv);
	kfree(&k->km, o->priv);
}

static const struct pager_ops hostfs_ro_pager = {
	.name = "hostfs", .read_page = hostfs_read_page, .release = hostfs_obj_release,
};
static const struct pager_ops hostfs_rw_pager = {
	.name = "hostfs", .read_page = hostfs_read_page, .write_page = hostfs_write_page,
	.release = hostfs_obj_release,
};

/* inode_ops.object: ino's object with a new reference, created on the
 * first call.  NULL if out of memory or the host file cannot be opened. */
static struct vm_object *hostfs_object(struct kernel *k, struct inode *ino)
{
	if (ino->obj) {
		vm_object_ref(ino->obj);
		return ino->obj;
	}
	bool rw = mount_writable(ino);
	int fd = io_fd(k, ino, rw);
	if (fd < 0 && rw)
		fd = io_fd(k, ino, rw = false);
	struct stat hs;
	if (fd < 0 || fstat(fd, &hs) < 0)
		return NULL;
	int *own = kmalloc(&k->km, sizeof *own);
	if (!own)
		return NULL;
	if ((*own = fcntl(fd, F_DUPFD_CLOEXEC, 3)) < 0) {
		kfree(&k->km, own);
		return NULL;
	}
	struct vm_object *o = vm_object_create(k, rw ? &hostfs_rw_pager : &hostfs_ro_pager, own,
					       (uint64_t)hs.st_size);
	if (!o) {
		close(*own);
		kfree(&k->km, own);
		return NULL;
	}
	ino->obj = o;                  /* the inode's reference */
	vm_object_ref(o);              /* the caller's */
	return o;
}

static const struct inode_ops hostfs_iops = {
	.lookup = hostfs_lookup,
	.readlink = hostfs_readlink,
	.getattr = hostfs_getattr,
	.access = hostfs_access,
	.open = hostfs_open,
	.create = hostfs_create,
	.mkdir = hostfs_mkdir,
	.symlink = hostfs_symlink,
	.unlink = hostfs_unlink,
	.rmdir = hostfs_rmdir,
	.rename = hostfs_rename,
	.truncate = hostfs_truncate,
	.sync = hostfs_sync,
	.release = hostfs_release,
	.object = hostfs_object,
};

static const struct file_ops hostfs_file_ops = {
	.name = "hostfs",
	.read = hostfs_read,
	.write = hostfs_write,
};

static const struct file_ops hostfs_dir_ops = {
	.name = "hostfs-dir",
	.read = hostfs_dir_read,
	.getdents = hostfs_getdents,
	.lseek = hostfs_dir_lseek,
};

int hostfs_mount(struct kernel *k, const char *guest_path, const char *host_dir, unsigned flags,
		 char *msg, size_t msglen)
{
	int fd = open(host_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(msg, msglen, "%s", errno == ENOTDIR ? "not a directory" : strerror(errno));
		return -errno;
	}
	struct mount *m = vfs_mount(k, guest_path, "hostfs", flags);
	if (!m) {
		close(fd);
		snprintf(msg, msglen, "cannot mount at %s (out of memory or mounted twice)", guest_path);
		return -ENOMEM;
	}
	int rc = hostfs_inode_from_fd(k, m, fd, &m->root);
	if (rc < 0)
		snprintf(msg, msglen, "%s", strerror(-rc));
	return rc;
}
