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
 * Regular-file contents come through the page cache (pagecache.h): each
 * regular file's inode has a vm_object whose pager reads a page with pread
 * from a descriptor of its own (the object may outlive the inode: a
 * mapping keeps it), so read() and every mapping share the same frames.
 * Writes on a --rw mount go into the cache and are written through to the
 * host file at once (vm_object_sync_range), so the host sees them when the
 * call returns and the cache never holds the only copy.
 *
 * An inode cache per mount, keyed by the host's (device, inode number),
 * makes every path to one file - and every open of it - the same inode and
 * so the same vm_object; an entry whose size or times changed on the host
 * is not reused (the file was rewritten: its cached pages are stale).
 */
#include "vfs_impl.h"
#include "pagecache.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

struct hostfs_inode {
	int io_fd;              /* descriptor for read/getdents/write, or -1 until needed */
	bool io_writable;       /* io_fd is open O_RDWR */
	uint64_t dev;           /* host identity (the inode cache's key) */
	int64_t mtime_ns, ctime_ns;
	struct inode *hnext;    /* inode cache chain */
};

#define HOSTFS_HASH 256

/* A hostfs mount's own state: the inode cache. */
struct hostfs_mount {
	struct inode *hash[HOSTFS_HASH];
};

/* The pager's side of a regular file's vm_object: a descriptor of its own. */
struct hostfs_pager {
	int fd;
};

static unsigned hash_of(uint64_t dev, uint64_t ino)
{
	return (unsigned)((ino * 0x9e3779b97f4a7c15ULL ^ dev) >> 56) % HOSTFS_HASH;
}

static int64_t ns_of(struct timespec t)
{
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

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
	hi->dev = (uint64_t)hs.st_dev;
	hi->mtime_ns = ns_of(hs.st_mtim);
	hi->ctime_ns = ns_of(hs.st_ctim);
	ino->priv = hi;
	ino->host_fd = fd;
	ino->ino = (uint64_t)hs.st_ino;
	ino->size = (uint64_t)hs.st_size;
	ino->nlink = (uint32_t)hs.st_nlink;
	struct hostfs_mount *hm = m->priv;
	unsigned h = hash_of(hi->dev, ino->ino);
	hi->hnext = hm->hash[h];
	hm->hash[h] = ino;
	*out = ino;
	return 0;
}

/* The live inode of mount m for the host object hs describes, if it is
 * unchanged since it was made; NULL if none. */
static struct inode *cache_find(struct mount *m, const struct stat *hs)
{
	struct hostfs_mount *hm = m->priv;
	for (struct inode *i = hm->hash[hash_of((uint64_t)hs->st_dev, (uint64_t)hs->st_ino)]; i;
	     i = ((struct hostfs_inode *)i->priv)->hnext) {
		struct hostfs_inode *hi = i->priv;
		if (i->ino == (uint64_t)hs->st_ino && hi->dev == (uint64_t)hs->st_dev &&
		    hi->mtime_ns == ns_of(hs->st_mtim) && hi->ctime_ns == ns_of(hs->st_ctim) &&
		    (i->mode & LX_S_IFMT) == (hs->st_mode & S_IFMT))
			return i;
	}
	return NULL;
}

static void cache_remove(struct inode *ino)
{
	struct hostfs_mount *hm = ino->mnt->priv;
	struct hostfs_inode *hi = ino->priv;
	struct inode **pp = &hm->hash[hash_of(hi->dev, ino->ino)];
	while (*pp && *pp != ino)
		pp = &((struct hostfs_inode *)(*pp)->priv)->hnext;
	if (*pp)
		*pp = hi->hnext;
}

static int hostfs_lookup(struct kernel *k, struct inode *dir, const char *name, struct inode **out)
{
	/* the cache first: a stat of the one name (never followed) */
	struct stat hs;
	if (fstatat(dir->host_fd, name, &hs, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	struct inode *hit = cache_find(dir->mnt, &hs);
	if (hit) {
		inode_get(hit);
		*out = hit;
		return 0;
	}
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

/* ---- the page cache's side --------------------------------------------------- */

/* Pages index .. index+n-1 into dst[0..n-1] with one host preadv (a
 * short read goes on where it stopped); zeros past the host file's end. */
static int pager_read_pages(struct kernel *k, struct vm_object *o, uint64_t index, unsigned n,
			    uint8_t *const *dst)
{
	(void)k;
	struct hostfs_pager *hp = o->priv;
	struct iovec iov[PAGECACHE_RA_MAX];
	if (n == 0 || n > PAGECACHE_RA_MAX)
		return -EINVAL;
	size_t want = (size_t)n * PGSIZE, got = 0;
	while (got < want) {
		unsigned first = (unsigned)(got / PGSIZE), cnt = 0;
		for (unsigned i = first; i < n; i++, cnt++) {
			size_t skip = i == first ? got % PGSIZE : 0;
			iov[cnt] = (struct iovec){ dst[i] + skip, PGSIZE - skip };
		}
		ssize_t r = preadv(hp->fd, iov, (int)cnt, (off_t)(index * PGSIZE + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -EIO;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	for (size_t at = got; at < want; ) {       /* past the end: zeros */
		size_t in = at % PGSIZE;
		memset(dst[at / PGSIZE] + in, 0, PGSIZE - in);
		at += PGSIZE - in;
	}
	return 0;
}

static int pager_read_page(struct kernel *k, struct vm_object *o, uint64_t index, uint8_t *dst)
{
	return pager_read_pages(k, o, index, 1, &dst);
}

/* Writes the page back, never past the object's size (a partial last page
 * must not grow the host file to a page boundary). */
static int pager_write_page(struct kernel *k, struct vm_object *o, uint64_t index,
			    const uint8_t *src)
{
	struct hostfs_pager *hp = o->priv;
	uint64_t off = index * PGSIZE;
	if (off >= o->size)
		return 0;
	size_t n = o->size - off < PGSIZE ? (size_t)(o->size - off) : PGSIZE;
	size_t done = 0;
	while (done < n) {
		ssize_t r = pwrite(hp->fd, src + done, n - done, (off_t)(off + done));
		if (r < 0)
			return errno == ENOSPC ? -ENOSPC : -EIO;
		done += (size_t)r;
	}
	return 0;
}

static void pager_release(struct kernel *k, struct vm_object *o)
{
	struct hostfs_pager *hp = o->priv;
	if (hp) {
		close(hp->fd);
		kfree(&k->km, hp);
	}
}

/* The host path of the file (what qemu-riscv64's maps show, and the guest
 * path when the root is the host's /). */
static void pager_describe(struct kernel *k, struct vm_object *o, char *buf, size_t n)
{
	struct hostfs_pager *hp = o->priv;
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", hp->fd);
	ssize_t r = n ? readlink(proc, buf, n - 1) : -1;
	if (r < 0)
		r = 0;
	if (n)
		buf[r] = 0;
}

static const struct pager_ops hostfs_pager_ops = {
	.name = "hostfs",
	.read_page = pager_read_page,
	.read_pages = pager_read_pages,
	.write_page = pager_write_page,
	.release = pager_release,
	.describe = pager_describe,
};

/* The vm_object of regular file ino, made on first use with the file's
 * size now; NULL if out of memory or the host refuses a descriptor. */
static struct vm_object *hostfs_object(struct kernel *k, struct inode *ino)
{
	if (ino->obj)
		return ino->obj;
	int fd = io_fd(k, ino, false);
	if (fd < 0)
		return NULL;
	struct stat hs;
	struct hostfs_pager *hp = kmalloc(&k->km, sizeof *hp);
	if (!hp)
		return NULL;
	hp->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (hp->fd < 0 || fstat(hp->fd, &hs) < 0) {
		if (hp->fd >= 0)
			close(hp->fd);
		kfree(&k->km, hp);
		return NULL;
	}
	ino->obj = vm_object_create(k, &hostfs_pager_ops, hp, (uint64_t)hs.st_size);
	if (!ino->obj) {
		close(hp->fd);
		kfree(&k->km, hp);
		return NULL;
	}
	ino->obj->dev = (uint64_t)hs.st_dev;
	ino->obj->ino = (uint64_t)hs.st_ino;
	return ino->obj;
}

/* The one place regular-file bytes come from the host: the page cache. */
static int64_t hostfs_read_bytes(struct kernel *k, struct proc *p, struct inode *ino, void *kbuf,
				 size_t n, uint64_t off)
{
	struct vm_object *o = hostfs_object(k, ino);
	if (!o)
		return -ENOMEM;
	return pagecache_read(k, p, o, off, kbuf, n);
}

/* Writes into the cache, then through to the host file. */
static int64_t hostfs_write_bytes(struct kernel *k, struct proc *p, struct inode *ino,
				  const void *kbuf, size_t n, uint64_t off)
{
	int fd = io_fd(k, ino, true);
	if (fd < 0)
		return fd;
	struct vm_object *o = hostfs_object(k, ino);
	if (!o)
		return -ENOMEM;
	int64_t r = pagecache_write(k, p, o, off, kbuf, n);
	if (r > 0) {
		int rc = vm_object_sync_range(k, o, off, (uint64_t)r);
		if (rc < 0)
			return rc;
		if (off + (uint64_t)r > ino->size)
			ino->size = off + (uint64_t)r;
	}
	return r;
}

static int64_t hostfs_read(struct kernel *k, struct proc *p, struct file *f, void *kbuf,
			   size_t n, uint64_t *off)
{
	int64_t r = hostfs_read_bytes(k, p, f->inode, kbuf, n, *off);
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
		struct vm_object *o = hostfs_object(k, f->inode);
		if (!o)
			return -ENOMEM;
		*off = o->size;
	}
	int64_t r = hostfs_write_bytes(k, p, f->inode, kbuf, n, *off);
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

/* A hard link through the descriptor the inode keeps: /proc/self/fd/N
 * followed names the very file, whatever its path. */
static int hostfs_link(struct kernel *k, struct inode *ino, struct inode *dir, const char *name)
{
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", ino->host_fd);
	return linkat(AT_FDCWD, proc, dir->host_fd, name, AT_SYMLINK_FOLLOW) < 0 ? -errno : 0;
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
	return ino->obj ? vm_object_truncate(k, ino->obj, size) : 0;
}

/* After a change of times, mode or owner: the inode cache's idea of the
 * file's identity follows the new times. */
static void hostfs_refresh(struct inode *ino)
{
	struct stat hs;
	if (fstat(ino->host_fd, &hs) == 0) {
		struct hostfs_inode *hi = ino->priv;
		hi->mtime_ns = ns_of(hs.st_mtim);
		hi->ctime_ns = ns_of(hs.st_ctim);
	}
}

/* utimensat on a writable mount: the host's times, through the
 * descriptor the inode keeps (/proc/self/fd names it); the inode cache's
 * idea of the file's identity follows the new times. */
static int hostfs_settimes(struct kernel *k, struct inode *ino, const struct lx_timespec t[2])
{
	if (!mount_writable(ino))
		return -EROFS;
	struct timespec hts[2];
	for (int i = 0; i < 2; i++) {
		hts[i].tv_sec = (time_t)t[i].tv_sec;
		hts[i].tv_nsec = t[i].tv_nsec == LX_UTIME_OMIT ? UTIME_OMIT : (long)t[i].tv_nsec;
	}
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", ino->host_fd);
	if (utimensat(AT_FDCWD, proc, hts, 0) < 0)
		return -errno;
	hostfs_refresh(ino);
	return 0;
}

/* chmod and chown on a writable mount, through the descriptor the inode
 * keeps. */
static int hostfs_setmode(struct kernel *k, struct inode *ino, uint32_t mode)
{
	if (!mount_writable(ino))
		return -EROFS;
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", ino->host_fd);
	if (chmod(proc, (mode_t)mode) < 0)
		return -errno;
	hostfs_refresh(ino);
	return 0;
}

static int hostfs_setowner(struct kernel *k, struct inode *ino, uint32_t uid, uint32_t gid)
{
	if (!mount_writable(ino))
		return -EROFS;
	if (fchownat(ino->host_fd, "", (uid_t)uid, (gid_t)gid, AT_EMPTY_PATH) < 0)
		return -errno;
	hostfs_refresh(ino);
	return 0;
}

/* The host file system's own figures (fstatfs works on the O_PATH
 * descriptor the inode keeps). */
static int hostfs_statfs(struct kernel *k, struct inode *ino, struct lx_statfs *sf)
{
	struct statfs hs;
	if (fstatfs(ino->host_fd, &hs) < 0)
		return -errno;
	sf->f_type = (int64_t)hs.f_type;
	sf->f_bsize = (int64_t)hs.f_bsize;
	sf->f_blocks = hs.f_blocks;
	sf->f_bfree = hs.f_bfree;
	sf->f_bavail = hs.f_bavail;
	sf->f_files = hs.f_files;
	sf->f_ffree = hs.f_ffree;
	sf->f_namelen = (int64_t)hs.f_namelen;
	sf->f_frsize = (int64_t)hs.f_frsize;
	sf->f_flags = (int64_t)(hs.f_flags & ~(unsigned long)ST_RDONLY);
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
	struct hostfs_inode *hi = ino->priv;
	if (ino->obj) {
		vm_object_put(k, ino->obj);       /* mappings may keep it (and its descriptor) */
		ino->obj = NULL;
	}
	if (hi) {
		cache_remove(ino);
		if (hi->io_fd >= 0)
			close(hi->io_fd);
		kfree(&k->km, hi);
	}
	if (ino->host_fd >= 0)
		close(ino->host_fd);
	ino->host_fd = -1;
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
	.link = hostfs_link,
	.unlink = hostfs_unlink,
	.rmdir = hostfs_rmdir,
	.rename = hostfs_rename,
	.truncate = hostfs_truncate,
	.settimes = hostfs_settimes,
	.statfs = hostfs_statfs,
	.setmode = hostfs_setmode,
	.setowner = hostfs_setowner,
	.sync = hostfs_sync,
	.object = hostfs_object,
	.release = hostfs_release,
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

/* After the root went (vfs_shutdown): every inode of the mount is gone, so
 * the inode cache is empty. */
static void hostfs_umount(struct kernel *k, struct mount *m)
{
	kfree(&k->km, m->priv);
	m->priv = NULL;
}

int hostfs_mount(struct kernel *k, const char *guest_path, const char *host_dir, unsigned flags,
		 char *msg, size_t msglen)
{
	int fd = open(host_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(msg, msglen, "%s", errno == ENOTDIR ? "not a directory" : strerror(errno));
		return -errno;
	}
	struct mount *m = vfs_mount(k, guest_path, "hostfs", flags);
	struct hostfs_mount *hm = m ? kzalloc(&k->km, sizeof *hm) : NULL;
	if (!hm) {
		close(fd);
		snprintf(msg, msglen, "cannot mount at %s (out of memory or mounted twice)", guest_path);
		return -ENOMEM;
	}
	m->priv = hm;
	m->umount = hostfs_umount;
	int rc = hostfs_inode_from_fd(k, m, fd, &m->root);
	if (rc < 0)
		snprintf(msg, msglen, "%s", strerror(-rc));
	return rc;
}
