/*
 * sys_path.c - the system calls that name files by path: openat,
 * newfstatat, statx, faccessat(2), readlinkat, getcwd, chdir, fchdir,
 * mkdirat, unlinkat, renameat2, symlinkat.  Linux semantics, including the
 * order in which it reports errors where more than one applies (EEXIST
 * before EROFS for mkdir, EROFS before ENOENT for unlink, ...).  Paths are
 * resolved by namei (fs/namei.c), inside the guest's root.
 */
#include "fs/vfs.h"
#include "fs/vfs_impl.h"
#include "fs/pipe.h"
#include "exec.h"
#include "pagecache.h"
#include "proc.h"
#include "uaccess.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

/* Copies a user path into a new kmalloc'd buffer of VFS_PATH_MAX bytes.
 * NULL with *err = -EFAULT, -ENAMETOOLONG, -ENOMEM. */
static char *get_path(struct kernel *k, struct proc *p, uint64_t upath, int64_t *err)
{
	char *path = kmalloc(&k->km, VFS_PATH_MAX);
	if (!path) {
		*err = -ENOMEM;
		return NULL;
	}
	long n = copyinstr(k, p, path, upath, VFS_PATH_MAX);
	if (n < 0) {
		kfree(&k->km, path);
		*err = n;
		return NULL;
	}
	return path;
}

static bool read_only(const struct inode *ino)
{
	return ino->mnt && (ino->mnt->flags & MNT_RDONLY);
}

int64_t sys_openat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, int flags,
		   uint32_t mode)
{
	int64_t rc;
	char *path = get_path(k, p, upath, &rc);
	if (!path)
		return rc;
	struct file *f;
	rc = vfs_open_mode(k, p, dirfd, path, flags | LX_O_LARGEFILE, mode, &f);
	kfree(&k->km, path);
	if (rc < 0)
		return rc;
	rc = fd_install(k, p, f, 0, flags & LX_O_CLOEXEC);
	if (rc < 0)
		file_put(k, f);
	else
		pipe_fifo_wait(k, p, f, dirfd, (int)rc);   /* a FIFO's blocking open */
	return rc;
}

/* The inode the user path at upath names (the *at conventions: dirfd,
 * AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH), with a new reference in *out. */
static int64_t lookup_at(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, int flags,
			 struct inode **out)
{
	int64_t rc;
	char *path = get_path(k, p, upath, &rc);
	if (!path)
		return rc;
	rc = vfs_lookup(k, p, dirfd, path,
			(flags & LX_AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
			(flags & LX_AT_EMPTY_PATH ? LOOKUP_EMPTY : 0), out, NULL);
	kfree(&k->km, path);
	return rc;
}

/* The inode for the *at calls that also take a descriptor alone: fd
 * (upath 0, or "" with AT_EMPTY_PATH) or the path; a new reference. */
static int64_t inode_of(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, int flags,
			struct inode **out)
{
	char first = 0;
	bool fd_only = !upath ||
		       ((flags & LX_AT_EMPTY_PATH) && copyin(k, p, &first, upath, 1) == 0 && !first);
	if (!fd_only)
		return lookup_at(k, p, dirfd, upath, flags, out);
	struct file *f = fd_get(p, dirfd);
	if (!f || !f->inode)
		return -EBADF;
	inode_get(f->inode);
	*out = f->inode;
	return 0;
}

/* The attributes path names, for newfstatat and statx: as lookup_at, and
 * an empty path with AT_EMPTY_PATH is the open file dirfd itself. */
static int64_t stat_at(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, int flags,
		       struct lx_stat *st)
{
	char first;
	if ((flags & LX_AT_EMPTY_PATH) && dirfd != LX_AT_FDCWD &&
	    copyin(k, p, &first, upath, 1) == 0 && !first) {
		struct file *f = fd_get(p, dirfd);
		return f ? vfs_fstat(k, f, st) : -EBADF;
	}
	struct inode *ino;
	int64_t rc = lookup_at(k, p, dirfd, upath, flags, &ino);
	if (rc < 0)
		return rc;
	rc = vfs_getattr(k, ino, st);
	inode_put(k, ino);
	return rc;
}

/* utimensat(2): path NULL means dirfd itself (futimens); times NULL means
 * now for both, else each tv_nsec is a time, UTIME_NOW or UTIME_OMIT
 * (EINVAL otherwise); a read-only mount is EROFS. */
int64_t sys_utimensat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, uint64_t utimes,
		      int flags)
{
	if (flags & ~(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
		return -EINVAL;
	struct lx_timespec t[2] = { { 0, LX_UTIME_NOW }, { 0, LX_UTIME_NOW } };
	if (utimes && copyin(k, p, t, utimes, sizeof t) < 0)
		return -EFAULT;
	for (int i = 0; i < 2; i++)
		if ((t[i].tv_nsec < 0 || t[i].tv_nsec >= 1000000000) &&
		    t[i].tv_nsec != LX_UTIME_NOW && t[i].tv_nsec != LX_UTIME_OMIT)
			return -EINVAL;
	struct inode *ino;
	if (!upath && dirfd == LX_AT_FDCWD)
		return -EFAULT;
	if (!upath && flags)
		return -EINVAL;
	int64_t rc = inode_of(k, p, dirfd, upath, flags, &ino);
	if (rc < 0)
		return rc;
	rc = 0;
	if (t[0].tv_nsec == LX_UTIME_OMIT && t[1].tv_nsec == LX_UTIME_OMIT)
		goto out;                        /* nothing to change: Linux returns 0 */
	if (read_only(ino)) {
		rc = -EROFS;
		goto out;
	}
	struct lx_timespec now = vfs_now();
	for (int i = 0; i < 2; i++)
		if (t[i].tv_nsec == LX_UTIME_NOW)
			t[i] = now;
	if (ino->ops && ino->ops->settimes) {
		rc = ino->ops->settimes(k, ino, t);
	} else {
		if (t[0].tv_nsec != LX_UTIME_OMIT)
			ino->atime = t[0];
		if (t[1].tv_nsec != LX_UTIME_OMIT)
			ino->mtime = t[1];
		ino->ctime = now;
	}
out:
	inode_put(k, ino);
	return rc;
}

int64_t sys_newfstatat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath,
		       uint64_t ubuf, int flags)
{
	if (flags & ~(LX_AT_EMPTY_PATH | LX_AT_SYMLINK_NOFOLLOW | LX_AT_NO_AUTOMOUNT))
		return -EINVAL;
	struct lx_stat st;
	int64_t rc = stat_at(k, p, dirfd, upath, flags, &st);
	if (rc < 0)
		return rc;
	return copyout(k, p, ubuf, &st, sizeof st) < 0 ? -EFAULT : 0;
}

int64_t sys_statx(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, int flags,
		  unsigned mask, uint64_t ubuf)
{
	if (flags & ~(LX_AT_EMPTY_PATH | LX_AT_SYMLINK_NOFOLLOW | LX_AT_NO_AUTOMOUNT |
		      LX_AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & LX_AT_STATX_SYNC_TYPE) == LX_AT_STATX_SYNC_TYPE || (mask & LX_STATX__RESERVED))
		return -EINVAL;
	struct lx_stat st;
	int64_t rc = stat_at(k, p, dirfd, upath, flags, &st);
	if (rc < 0)
		return rc;
	struct lx_statx sx;
	memset(&sx, 0, sizeof sx);
	sx.stx_mask = LX_STATX_BASIC_STATS;
	sx.stx_blksize = (uint32_t)st.st_blksize;
	sx.stx_nlink = st.st_nlink;
	sx.stx_uid = st.st_uid;
	sx.stx_gid = st.st_gid;
	sx.stx_mode = (uint16_t)st.st_mode;
	sx.stx_ino = st.st_ino;
	sx.stx_size = (uint64_t)st.st_size;
	sx.stx_blocks = (uint64_t)st.st_blocks;
	sx.stx_atime = (struct lx_statx_timestamp){ st.st_atime_sec, (uint32_t)st.st_atime_nsec, 0 };
	sx.stx_mtime = (struct lx_statx_timestamp){ st.st_mtime_sec, (uint32_t)st.st_mtime_nsec, 0 };
	sx.stx_ctime = (struct lx_statx_timestamp){ st.st_ctime_sec, (uint32_t)st.st_ctime_nsec, 0 };
	sx.stx_rdev_major = major(st.st_rdev);
	sx.stx_rdev_minor = minor(st.st_rdev);
	sx.stx_dev_major = major(st.st_dev);
	sx.stx_dev_minor = minor(st.st_dev);
	return copyout(k, p, ubuf, &sx, sizeof sx) < 0 ? -EFAULT : 0;
}

int64_t sys_faccessat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, int mode,
		      int flags)
{
	if (mode & ~(LX_R_OK | LX_W_OK | LX_X_OK))
		return -EINVAL;
	if (flags & ~(LX_AT_EACCESS | LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
		return -EINVAL;
	int64_t rc;
	char *path = get_path(k, p, upath, &rc);
	if (!path)
		return rc;
	struct inode *ino;
	rc = vfs_lookup(k, p, dirfd, path,
			(flags & LX_AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
			(flags & LX_AT_EMPTY_PATH ? LOOKUP_EMPTY : 0), &ino, NULL);
	kfree(&k->km, path);
	if (rc < 0)
		return rc;
	uint32_t type = ino->mode & LX_S_IFMT;
	if ((mode & LX_W_OK) && read_only(ino) &&
	    (type == LX_S_IFREG || type == LX_S_IFDIR || type == LX_S_IFLNK))
		rc = -EROFS;
	else if (mode && ino->ops && ino->ops->access)
		rc = ino->ops->access(k, ino, mode);
	else if ((mode & LX_X_OK) && type != LX_S_IFDIR && !(ino->mode & 0111))
		rc = -EACCES;
	inode_put(k, ino);
	return rc;
}

/* readlinkat of /proc/self/exe while no procfs is mounted: the program's
 * host path, as qemu-riscv64 reports it.  -ENOENT if path is not that. */
static int64_t self_exe(struct kernel *k, struct proc *p, const char *path, uint64_t ubuf,
			int64_t bufsiz)
{
	char own[40];
	snprintf(own, sizeof own, "/proc/%u/exe", p->pid);
	if (vfs_mount_at(k, "/proc") || (strcmp(path, "/proc/self/exe") && strcmp(path, own)))
		return -ENOENT;
	char target[PATH_MAX];
	if (!p->image || !realpath(p->image->path, target))
		return -ENOENT;
	size_t len = strlen(target);
	if (len > (uint64_t)bufsiz)
		len = (size_t)bufsiz;           /* truncated, no NUL: readlink's contract */
	return copyout(k, p, ubuf, target, len) < 0 ? -EFAULT : (int64_t)len;
}

int64_t sys_readlinkat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath,
		       uint64_t ubuf, int64_t bufsiz)
{
	if (bufsiz <= 0)
		return -EINVAL;
	int64_t rc;
	char *path = get_path(k, p, upath, &rc);
	if (!path)
		return rc;
	if ((rc = self_exe(k, p, path, ubuf, bufsiz)) != -ENOENT) {
		kfree(&k->km, path);
		return rc;
	}
	struct inode *ino;
	/* "" names an O_PATH descriptor of a symlink itself (Linux 2.6.39+);
	 * the cwd is never a symlink */
	bool empty = !path[0];
	rc = empty && dirfd == LX_AT_FDCWD ? -ENOENT :
	     vfs_lookup(k, p, dirfd, path, LOOKUP_EMPTY, &ino, NULL);
	kfree(&k->km, path);
	if (rc == 0 && empty && !inode_is_lnk(ino)) {
		inode_put(k, ino);
		rc = -ENOENT;
	}
	if (rc < 0)
		return rc;
	char *buf = kmalloc(&k->km, VFS_PATH_MAX);
	if (!buf) {
		inode_put(k, ino);
		return -ENOMEM;
	}
	if (!inode_is_lnk(ino) || !ino->ops || !ino->ops->readlink)
		rc = -EINVAL;
	else
		rc = ino->ops->readlink(k, ino, buf, VFS_PATH_MAX);
	if (rc > bufsiz)
		rc = bufsiz;                    /* truncated, no NUL: readlink's contract */
	if (rc > 0 && copyout(k, p, ubuf, buf, (size_t)rc) < 0)
		rc = -EFAULT;
	kfree(&k->km, buf);
	inode_put(k, ino);
	return rc;
}

int64_t sys_getcwd(struct kernel *k, struct proc *p, uint64_t ubuf, uint64_t size)
{
	size_t len = strlen(p->cwd) + 1;
	if (size < len)
		return -ERANGE;
	return copyout(k, p, ubuf, p->cwd, len) < 0 ? -EFAULT : (int64_t)len;
}

/* Makes canon the cwd of p. */
static int64_t set_cwd(struct kernel *k, struct proc *p, const char *canon)
{
	size_t n = strlen(canon) + 1;
	char *c = kmalloc(&k->km, n);
	if (!c)
		return -ENOMEM;
	memcpy(c, canon, n);
	kfree(&k->km, p->cwd);
	p->cwd = c;
	return 0;
}

int64_t sys_chdir(struct kernel *k, struct proc *p, uint64_t upath)
{
	int64_t rc;
	char *path = get_path(k, p, upath, &rc);
	if (!path)
		return rc;
	struct inode *ino;
	rc = vfs_lookup(k, p, LX_AT_FDCWD, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &ino, path);
	if (rc == 0) {
		inode_put(k, ino);
		rc = set_cwd(k, p, path);
	}
	kfree(&k->km, path);
	return rc;
}

int64_t sys_fchdir(struct kernel *k, struct proc *p, int fd)
{
	struct file *f = fd_get(p, fd);
	if (!f)
		return -EBADF;
	if (!f->inode || !inode_is_dir(f->inode) || !f->path)
		return -ENOTDIR;
	return set_cwd(k, p, f->path);
}

/* The parent directory of path and its last name, for the calls that make
 * or remove a name.  The caller puts *dir. */
struct parent {
	struct inode *dir;
	char last[VFS_NAME_MAX + 1];
	char canon[VFS_PATH_MAX];
	bool trailing;
};

static int64_t get_parent(struct kernel *k, struct proc *p, int dirfd, uint64_t upath,
			  struct parent **out)
{
	int64_t rc;
	char *path = get_path(k, p, upath, &rc);
	if (!path)
		return rc;
	struct parent *pa = kmalloc(&k->km, sizeof *pa);
	if (!pa) {
		kfree(&k->km, path);
		return -ENOMEM;
	}
	rc = vfs_lookup_parent(k, p, dirfd, path, &pa->dir, pa->last, pa->canon, &pa->trailing);
	kfree(&k->km, path);
	if (rc == 0 && !inode_is_dir(pa->dir)) {
		inode_put(k, pa->dir);
		rc = -ENOTDIR;
	}
	if (rc < 0) {
		kfree(&k->km, pa);
		return rc;
	}
	*out = pa;
	return 0;
}

static void put_parent(struct kernel *k, struct parent *pa)
{
	if (pa) {
		inode_put(k, pa->dir);
		kfree(&k->km, pa);
	}
}

static bool is_dot(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..");
}

/* The inode under pa's last name (a mount root if one is there): 0 with a
 * reference in *out, or -ENOENT. */
static int64_t child_of(struct kernel *k, struct parent *pa, struct inode **out, bool *is_mount)
{
	char path[VFS_PATH_MAX];
	int rc = vfs_path_join(path, pa->canon, pa->last);
	if (rc < 0)
		return rc;
	struct mount *m = vfs_mount_at(k, path);
	*is_mount = m != NULL;
	if (m) {
		inode_get(m->root);
		*out = m->root;
		return 0;
	}
	if (!pa->dir->ops || !pa->dir->ops->lookup)
		return -ENOENT;
	return pa->dir->ops->lookup(k, pa->dir, pa->last, out);
}

/* May the last component of pa be created?  0 if nothing has that name;
 * -EEXIST for ".", "..", a trailing slash or an existing entry (a mount
 * point too); another lookup error as it comes. */
static int64_t name_free(struct kernel *k, struct parent *pa)
{
	struct inode *ino;
	bool mnt;
	if (is_dot(pa->last) || pa->trailing)
		return -EEXIST;
	int64_t rc = child_of(k, pa, &ino, &mnt);
	if (rc == 0) {
		inode_put(k, ino);
		return -EEXIST;
	}
	return rc == -ENOENT ? 0 : rc;
}

int64_t sys_mkdirat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, uint32_t mode)
{
	struct parent *pa;
	int64_t rc = get_parent(k, p, dirfd, upath, &pa);
	if (rc < 0)
		return rc;
	struct inode *ino;
	bool mnt;
	if (is_dot(pa->last)) {
		rc = -EEXIST;
	} else if ((rc = child_of(k, pa, &ino, &mnt)) == 0) {
		inode_put(k, ino);
		rc = -EEXIST;
	} else if (rc == -ENOENT) {
		if (read_only(pa->dir))
			rc = -EROFS;
		else if (!pa->dir->ops || !pa->dir->ops->mkdir)
			rc = -EPERM;
		else
			rc = pa->dir->ops->mkdir(k, pa->dir, pa->last, mode & 07777 & ~p->umask);
	}
	put_parent(k, pa);
	return rc;
}

int64_t sys_unlinkat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, int flags)
{
	if (flags & ~LX_AT_REMOVEDIR)
		return -EINVAL;
	bool rmdir = flags & LX_AT_REMOVEDIR;
	struct parent *pa;
	int64_t rc = get_parent(k, p, dirfd, upath, &pa);
	if (rc < 0)
		return rc;
	struct inode *ino = NULL;
	bool mnt = false;
	if (is_dot(pa->last))
		rc = rmdir ? (!strcmp(pa->last, ".") ? -EINVAL : -ENOTEMPTY) : -EISDIR;
	else if (read_only(pa->dir))
		rc = -EROFS;
	else
		rc = child_of(k, pa, &ino, &mnt);
	if (rc == 0) {
		if (rmdir) {
			if (!inode_is_dir(ino))
				rc = -ENOTDIR;
			else if (mnt)
				rc = -EBUSY;
			else if (!pa->dir->ops->rmdir)
				rc = -EPERM;
			else
				rc = pa->dir->ops->rmdir(k, pa->dir, pa->last);
		} else {
			if (inode_is_dir(ino))
				rc = -EISDIR;
			else if (pa->trailing)
				rc = -ENOTDIR;
			else if (!pa->dir->ops->unlink)
				rc = -EPERM;
			else
				rc = pa->dir->ops->unlink(k, pa->dir, pa->last);
		}
	}
	inode_put(k, ino);
	put_parent(k, pa);
	return rc;
}

int64_t sys_renameat2(struct kernel *k, struct proc *p, int olddirfd, uint64_t uold,
		      int newdirfd, uint64_t unew, unsigned flags)
{
	if (flags & ~(unsigned)(LX_RENAME_NOREPLACE | LX_RENAME_EXCHANGE | LX_RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & LX_RENAME_EXCHANGE) && (flags & (LX_RENAME_NOREPLACE | LX_RENAME_WHITEOUT)))
		return -EINVAL;
	if (flags & LX_RENAME_WHITEOUT)
		return -EINVAL;           /* no overlay file system here */
	struct parent *o, *n = NULL;
	int64_t rc = get_parent(k, p, olddirfd, uold, &o);
	if (rc < 0)
		return rc;
	rc = get_parent(k, p, newdirfd, unew, &n);
	struct inode *src = NULL, *dst = NULL;
	bool mnt = false, dmnt = false;
	if (rc == 0) {
		if (is_dot(o->last) || is_dot(n->last))
			rc = -EBUSY;
		else if (o->dir->mnt != n->dir->mnt)
			rc = -EXDEV;
		else if (read_only(o->dir))
			rc = -EROFS;
		else
			rc = child_of(k, o, &src, &mnt);
	}
	if (rc == 0) {
		int64_t d = child_of(k, n, &dst, &dmnt);
		if (mnt || dmnt)
			rc = -EBUSY;
		else if ((flags & LX_RENAME_NOREPLACE) && d == 0)
			rc = -EEXIST;
		else if ((flags & LX_RENAME_EXCHANGE) && d < 0)
			rc = d;
		else if (d < 0 && d != -ENOENT)
			rc = d;
		else if (d == 0 && src != dst && !(flags & LX_RENAME_EXCHANGE) &&
			 inode_is_dir(src) != inode_is_dir(dst))
			rc = inode_is_dir(src) ? -ENOTDIR : -EISDIR;
		else if ((o->trailing || n->trailing) && !inode_is_dir(src))
			rc = -ENOTDIR;
		else if (!o->dir->ops->rename)
			rc = -EPERM;
		else
			rc = o->dir->ops->rename(k, o->dir, o->last, n->dir, n->last, flags);
	}
	inode_put(k, src);
	inode_put(k, dst);
	put_parent(k, o);
	put_parent(k, n);
	return rc;
}

/* chmod and chown of ino: EROFS on a read-only mount; chown clears
 * set-user-ID (and set-group-ID with group execute) of a non-directory,
 * as Linux does even for root. */
static int64_t set_mode_owner(struct kernel *k, struct inode *ino, bool chmod, uint32_t mode,
			      uint32_t uid, uint32_t gid)
{
	if (read_only(ino))
		return -EROFS;
	uint32_t nmode = ino->mode;
	if (chmod) {
		nmode = (ino->mode & LX_S_IFMT) | (mode & 07777);
	} else if (!inode_is_dir(ino)) {     /* even for -1, -1, as Linux */
		nmode &= ~(uint32_t)04000;
		if (nmode & 010)
			nmode &= ~(uint32_t)02000;
	}
	int rc = 0;
	if (chmod || nmode != ino->mode)
		rc = ino->ops && ino->ops->setmode ? ino->ops->setmode(k, ino, nmode & 07777) : 0;
	if (rc == 0 && !chmod && ino->ops && ino->ops->setowner)
		rc = ino->ops->setowner(k, ino, uid, gid);
	if (rc < 0)
		return rc;
	ino->mode = nmode;
	if (uid != ~0u)
		ino->uid = uid;
	if (gid != ~0u)
		ino->gid = gid;
	ino->ctime = vfs_now();
	return 0;
}

/* fchmodat(2) (upath 0: dirfd alone, for fchmod; the system call has no flags; fchmodat2's are 0,
 * AT_SYMLINK_NOFOLLOW - EOPNOTSUPP on a symlink, as Linux - and
 * AT_EMPTY_PATH) and fchmod(2). */
int64_t sys_fchmodat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, uint32_t mode,
		     int flags)
{
	if (flags & ~(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
		return -EINVAL;
	struct inode *ino;
	int64_t rc = inode_of(k, p, dirfd, upath, flags, &ino);
	if (rc < 0)
		return rc;
	rc = inode_is_lnk(ino) ? -EOPNOTSUPP : set_mode_owner(k, ino, true, mode, ~0u, ~0u);
	inode_put(k, ino);
	return rc;
}

int64_t sys_fchmod(struct kernel *k, struct proc *p, int fd, uint32_t mode)
{
	return sys_fchmodat(k, p, fd, 0, mode, 0);
}

/* fchownat(2) (AT_SYMLINK_NOFOLLOW changes a symlink itself,
 * AT_EMPTY_PATH the descriptor's file) and fchown(2); -1 leaves an id. */
int64_t sys_fchownat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, uint32_t uid,
		     uint32_t gid, int flags)
{
	if (flags & ~(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
		return -EINVAL;
	struct inode *ino;
	int64_t rc = inode_of(k, p, dirfd, upath, flags, &ino);
	if (rc < 0)
		return rc;
	rc = set_mode_owner(k, ino, false, 0, uid, gid);
	inode_put(k, ino);
	return rc;
}

int64_t sys_fchown(struct kernel *k, struct proc *p, int fd, uint32_t uid, uint32_t gid)
{
	return sys_fchownat(k, p, fd, 0, uid, gid, 0);
}

/* statfs(2), fstatfs(2): the figures of the file system holding ino;
 * f_flags carries ST_RDONLY for a read-only mount, and ST_VALID. */
static int64_t statfs_of(struct kernel *k, struct proc *p, struct inode *ino, uint64_t ubuf)
{
	struct lx_statfs sf;
	memset(&sf, 0, sizeof sf);
	sf.f_bsize = sf.f_frsize = PGSIZE;
	sf.f_namelen = VFS_NAME_MAX;
	uint64_t dev = ino->mnt ? ino->mnt->dev : 0;
	sf.f_fsid[0] = (int32_t)(uint32_t)dev;
	sf.f_fsid[1] = (int32_t)(uint32_t)(dev >> 32);
	const char *type = ino->mnt ? ino->mnt->fstype : "";
	int rc = 0;
	if (ino->ops && ino->ops->statfs) {
		rc = ino->ops->statfs(k, ino, &sf);
	} else if (!strcmp(type, "proc")) {
		sf.f_type = LX_PROC_SUPER_MAGIC;
	} else {
		/* tmpfs and devtmpfs: Linux's default size, half the RAM; the
		 * pages of tmpfs files and shared memory are what is used */
		struct pagecache_info pc;
		pagecache_info(k, &pc);
		sf.f_type = LX_TMPFS_MAGIC;
		sf.f_blocks = k->pa.nframes / 2;
		sf.f_bfree = sf.f_bavail = pc.shmem < sf.f_blocks ? sf.f_blocks - pc.shmem : 0;
		sf.f_files = k->pa.nframes / 2;
		sf.f_ffree = sf.f_files > k->vfs->ninodes ? sf.f_files - k->vfs->ninodes : 0;
	}
	if (rc < 0)
		return rc;
	if (read_only(ino))
		sf.f_flags |= LX_ST_RDONLY;
	sf.f_flags |= LX_ST_VALID;
	return copyout(k, p, ubuf, &sf, sizeof sf) < 0 ? -EFAULT : 0;
}

int64_t sys_statfs(struct kernel *k, struct proc *p, uint64_t upath, uint64_t ubuf)
{
	struct inode *ino;
	int64_t rc = lookup_at(k, p, LX_AT_FDCWD, upath, 0, &ino);
	if (rc < 0)
		return rc;
	rc = statfs_of(k, p, ino, ubuf);
	inode_put(k, ino);
	return rc;
}

int64_t sys_fstatfs(struct kernel *k, struct proc *p, int fd, uint64_t ubuf)
{
	struct file *f = fd_get(p, fd);
	if (!f)
		return -EBADF;
	if (!f->inode)                        /* the console: a pipe-like file */
		return -ENOSYS;
	return statfs_of(k, p, f->inode, ubuf);
}

/* The extended-attribute calls (set/get/list/removexattr, their l and f
 * forms; which is 0 plain, 1 the l form, 2 the f form): the guest's file
 * systems keep none, so after the file is found (ENOENT, EBADF as Linux) a
 * get or remove is ENODATA, a list empty (0), a set EOPNOTSUPP - what a
 * Linux file system without extended attributes answers. */
int64_t sys_xattr(struct kernel *k, struct proc *p, int op, int which, uint64_t a0)
{
	struct inode *ino;
	int64_t rc = which == 2 ? inode_of(k, p, (int)a0, 0, 0, &ino) :
		     lookup_at(k, p, LX_AT_FDCWD, a0, which == 1 ? LX_AT_SYMLINK_NOFOLLOW : 0, &ino);
	if (rc < 0)
		return rc;
	inode_put(k, ino);
	switch (op) {
	case 's': return -EOPNOTSUPP;
	case 'l': return 0;
	default: return -ENODATA;
	}
}

/* fadvise64(2): advice only - checked (EBADF, ESPIPE for a pipe, EINVAL
 * for an unknown advice or a negative length) and otherwise ignored; the
 * page cache reads a page when it is first needed whatever the advice. */
int64_t sys_fadvise64(struct kernel *k, struct proc *p, int fd, int64_t off, int64_t len,
		      int advice)
{
	struct file *f = fd_get(p, fd);
	if (!f || (f->flags & LX_O_PATH))
		return -EBADF;
	if (f->inode && (f->inode->mode & LX_S_IFMT) == LX_S_IFIFO)
		return -ESPIPE;
	if (advice < 0 || advice > 5 || len < 0)
		return -EINVAL;
	(void)off;
	return 0;
}

/* linkat(2): a new name (newdirfd, newpath) for the file (olddirfd,
 * oldpath), AT_SYMLINK_FOLLOW following a final symlink (not by default),
 * AT_EMPTY_PATH naming olddirfd's file; a directory is EPERM, another
 * mount EXDEV, a read-only mount EROFS, an existing name EEXIST. */
int64_t sys_linkat(struct kernel *k, struct proc *p, int olddirfd, uint64_t uold, int newdirfd,
		   uint64_t unew, int flags)
{
	if (flags & ~(LX_AT_SYMLINK_FOLLOW | LX_AT_EMPTY_PATH))
		return -EINVAL;
	struct inode *src;
	int64_t rc = lookup_at(k, p, olddirfd, uold,
			       (flags & LX_AT_SYMLINK_FOLLOW ? 0 : LX_AT_SYMLINK_NOFOLLOW) |
			       (flags & LX_AT_EMPTY_PATH), &src);
	if (rc < 0)
		return rc;
	struct parent *pa = NULL;
	if (inode_is_dir(src))
		rc = -EPERM;
	else
		rc = get_parent(k, p, newdirfd, unew, &pa);
	if (rc == 0 && (rc = name_free(k, pa)) == 0) {
		if (pa->dir->mnt != src->mnt)
			rc = -EXDEV;
		else if (read_only(pa->dir))
			rc = -EROFS;
		else if (!pa->dir->ops->link)
			rc = -EPERM;
		else
			rc = pa->dir->ops->link(k, src, pa->dir, pa->last);
	}
	put_parent(k, pa);
	inode_put(k, src);
	return rc;
}

/* mknodat(2): a named pipe (S_IFIFO) on a file system that has them
 * (tmpfs), or an empty regular file (S_IFREG or type 0); device and
 * socket nodes are EPERM (the guest's devices are its /dev), another type
 * EINVAL; the umask applies; EEXIST, EROFS, ENOENT as Linux. */
int64_t sys_mknodat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, uint32_t mode,
		    uint64_t dev)
{
	uint32_t type = mode & LX_S_IFMT;
	if (type == 0)
		type = LX_S_IFREG;
	if (type != LX_S_IFREG && type != LX_S_IFIFO && type != LX_S_IFCHR &&
	    type != LX_S_IFBLK && type != LX_S_IFSOCK)
		return -EINVAL;
	(void)dev;
	struct parent *pa = NULL;
	int64_t rc = get_parent(k, p, dirfd, upath, &pa);
	if (rc == 0 && (rc = name_free(k, pa)) == 0) {
		uint32_t perm = mode & 07777 & ~p->umask;
		if (read_only(pa->dir)) {
			rc = -EROFS;
		} else if (type == LX_S_IFREG) {
			struct inode *ino;
			rc = pa->dir->ops->create ? pa->dir->ops->create(k, pa->dir, pa->last, perm, &ino) :
						    -EPERM;
			if (rc == 0)
				inode_put(k, ino);
		} else if (type == LX_S_IFIFO && pa->dir->ops->mknod) {
			rc = pa->dir->ops->mknod(k, pa->dir, pa->last, LX_S_IFIFO | perm);
		} else {
			rc = -EPERM;
		}
	}
	put_parent(k, pa);
	return rc;
}

int64_t sys_symlinkat(struct kernel *k, struct proc *p, uint64_t utarget, int dirfd,
		      uint64_t upath)
{
	int64_t rc;
	char *target = get_path(k, p, utarget, &rc);
	if (!target)
		return rc;
	struct parent *pa = NULL;
	if (!target[0])
		rc = -ENOENT;
	else
		rc = get_parent(k, p, dirfd, upath, &pa);
	if (rc == 0 && (rc = name_free(k, pa)) == 0) {
		if (read_only(pa->dir))
			rc = -EROFS;
		else if (!pa->dir->ops->symlink)
			rc = -EPERM;
		else
			rc = pa->dir->ops->symlink(k, pa->dir, pa->last, target);
	}
	put_parent(k, pa);
	kfree(&k->km, target);
	return rc;
}
