/*
 * vfs.c - inodes, open files and mounts: their life cycles, the generic
 * file operations, boot and shutdown of the guest's file system, and the
 * accounting the invariant checker does over them (see vfs.h).
 *
 * Every inode and file is on a list of all live ones (doubly linked, so a
 * free is O(1)): vfs_check walks them, and a leak shows as an object still
 * listed after every process and mount is gone.
 */
#include "vfs_impl.h"
#include "proc.h"
#include "procfs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

struct lx_timespec vfs_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (struct lx_timespec){ ts.tv_sec, ts.tv_nsec };
}

void vfs_stat_from_host(struct lx_stat *st, const struct stat *hs)
{
	memset(st, 0, sizeof *st);
	st->st_dev = (uint64_t)hs->st_dev;
	st->st_ino = (uint64_t)hs->st_ino;
	st->st_mode = (uint32_t)hs->st_mode;      /* S_IF* and permission bits: the same on Linux hosts */
	st->st_nlink = (uint32_t)hs->st_nlink;
	st->st_uid = (uint32_t)hs->st_uid;
	st->st_gid = (uint32_t)hs->st_gid;
	st->st_rdev = (uint64_t)hs->st_rdev;
	st->st_size = (int64_t)hs->st_size;
	st->st_blksize = (int32_t)hs->st_blksize;
	st->st_blocks = (int64_t)hs->st_blocks;
	st->st_atime_sec = hs->st_atim.tv_sec;
	st->st_atime_nsec = (uint64_t)hs->st_atim.tv_nsec;
	st->st_mtime_sec = hs->st_mtim.tv_sec;
	st->st_mtime_nsec = (uint64_t)hs->st_mtim.tv_nsec;
	st->st_ctime_sec = hs->st_ctim.tv_sec;
	st->st_ctime_nsec = (uint64_t)hs->st_ctim.tv_nsec;
}

/* ---- inodes ---------------------------------------------------------------- */

struct inode *vfs_inode_alloc(struct kernel *k, struct mount *m, uint32_t mode,
			      const struct inode_ops *ops, const struct file_ops *fops)
{
	struct vfs *v = k->vfs;
	struct inode *ino = kmem_cache_zalloc(v->inode_cache);
	if (!ino)
		return NULL;
	ino->ops = ops;
	ino->fops = fops;
	ino->mnt = m;
	ino->mode = mode;
	ino->nlink = (mode & LX_S_IFMT) == LX_S_IFDIR ? 2 : 1;
	ino->ino = ++v->next_ino;
	ino->atime = ino->mtime = ino->ctime = vfs_now();
	ino->refs = 1;
	ino->host_fd = -1;
	ino->next_all = v->inodes;
	if (v->inodes)
		v->inodes->prev_all = ino;
	v->inodes = ino;
	v->ninodes++;
	return ino;
}

void inode_put(struct kernel *k, struct inode *ino)
{
	if (!ino)
		return;
	if (--ino->refs > 0)
		return;
	struct vfs *v = k->vfs;
	if (ino->ops && ino->ops->release)
		ino->ops->release(k, ino);
	if (ino->prev_all)
		ino->prev_all->next_all = ino->next_all;
	else
		v->inodes = ino->next_all;
	if (ino->next_all)
		ino->next_all->prev_all = ino->prev_all;
	v->ninodes--;
	kmem_cache_free(v->inode_cache, ino);
}

int vfs_getattr(struct kernel *k, struct inode *ino, struct lx_stat *st)
{
	if (ino->ops && ino->ops->getattr)
		return ino->ops->getattr(k, ino, st);
	memset(st, 0, sizeof *st);
	st->st_dev = ino->mnt ? ino->mnt->dev : 0;
	st->st_ino = ino->ino;
	st->st_mode = ino->mode;
	st->st_nlink = ino->nlink;
	st->st_uid = ino->uid;
	st->st_gid = ino->gid;
	st->st_rdev = ino->rdev;
	st->st_size = (int64_t)ino->size;
	st->st_blksize = PGSIZE;
	st->st_blocks = (int64_t)((ino->size + 511) / 512);
	st->st_atime_sec = ino->atime.tv_sec;
	st->st_atime_nsec = (uint64_t)ino->atime.tv_nsec;
	st->st_mtime_sec = ino->mtime.tv_sec;
	st->st_mtime_nsec = (uint64_t)ino->mtime.tv_nsec;
	st->st_ctime_sec = ino->ctime.tv_sec;
	st->st_ctime_nsec = (uint64_t)ino->ctime.tv_nsec;
	return 0;
}

/* ---- files ------------------------------------------------------------------ */

struct file *vfs_file_alloc(struct kernel *k, const struct file_ops *ops, struct inode *ino,
			    const char *path, uint32_t flags)
{
	struct vfs *v = k->vfs;
	struct file *f = kmem_cache_zalloc(v->file_cache);
	if (!f)
		return NULL;
	if (path) {
		size_t n = strlen(path) + 1;
		f->path = kmalloc(&k->km, n);
		if (!f->path) {
			kmem_cache_free(v->file_cache, f);
			return NULL;
		}
		memcpy(f->path, path, n);
	}
	f->ops = ops;
	f->inode = ino;
	if (ino)
		inode_get(ino);
	f->flags = flags;
	f->refs = 1;
	f->next_all = v->files;
	if (v->files)
		v->files->prev_all = f;
	v->files = f;
	v->nfiles++;
	return f;
}

void file_put(struct kernel *k, struct file *f)
{
	if (!f || --f->refs > 0)
		return;
	struct vfs *v = k->vfs;
	if (f->ep_items)
		epoll_file_gone(k, f);          /* it leaves every epoll instance */
	if (f->ops && f->ops->release)
		f->ops->release(k, f);
	inode_put(k, f->inode);
	kfree(&k->km, f->path);
	if (f->prev_all)
		f->prev_all->next_all = f->next_all;
	else
		v->files = f->next_all;
	if (f->next_all)
		f->next_all->prev_all = f->prev_all;
	v->nfiles--;
	kmem_cache_free(v->file_cache, f);
}

int vfs_fstat(struct kernel *k, struct file *f, struct lx_stat *st)
{
	if (f->ops && f->ops->stat)
		return f->ops->stat(k, f, st);
	if (!f->inode)
		return -EBADF;
	return vfs_getattr(k, f->inode, st);
}

int64_t vfs_generic_lseek(struct kernel *k, struct file *f, int64_t off, int whence)
{
	int64_t base;
	uint64_t size = 0;
	if (f->inode) {
		struct lx_stat st;
		if (whence == LX_SEEK_END || whence == LX_SEEK_DATA || whence == LX_SEEK_HOLE) {
			int rc = vfs_getattr(k, f->inode, &st);
			if (rc < 0)
				return rc;
			size = (uint64_t)st.st_size;
		}
	}
	switch (whence) {
	case LX_SEEK_SET: base = 0; break;
	case LX_SEEK_CUR: base = (int64_t)f->pos; break;
	case LX_SEEK_END: base = (int64_t)size; break;
	case LX_SEEK_DATA:
	case LX_SEEK_HOLE:
		/* the whole file is data, with the hole at its end (as ext4 without holes) */
		if (off < 0 || (uint64_t)off >= size)
			return -ENXIO;
		f->pos = whence == LX_SEEK_DATA ? (uint64_t)off : size;
		return (int64_t)f->pos;
	default: return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->pos = (uint64_t)(base + off);
	return (int64_t)f->pos;
}

bool vfs_dirent_put(void *buf, size_t n, size_t *used, uint64_t ino, int64_t next_off,
		    uint8_t type, const char *name, size_t namelen)
{
	size_t reclen = (offsetof(struct lx_dirent64, d_name) + namelen + 1 + 7) & ~(size_t)7;
	if (*used + reclen > n)
		return false;
	struct lx_dirent64 *d = (struct lx_dirent64 *)((char *)buf + *used);
	memset(d, 0, reclen);
	d->d_ino = ino;
	d->d_off = next_off;
	d->d_reclen = (uint16_t)reclen;
	d->d_type = type;
	memcpy(d->d_name, name, namelen);
	*used += reclen;
	return true;
}

/* One read or write through the file's ops, in VFS_IO_CHUNK pieces, for
 * the kernel's own use. */
static int64_t kernel_io(struct kernel *k, struct proc *p, struct file *f, void *kbuf,
			 size_t n, uint64_t off, bool write)
{
	if (write ? !file_writable(f) : !file_readable(f))
		return -EBADF;
	if (f->inode && inode_is_dir(f->inode))
		return -EISDIR;
	if (write ? !f->ops->write : !f->ops->read)
		return -EINVAL;
	size_t done = 0;
	while (done < n) {
		size_t chunk = n - done < VFS_IO_CHUNK ? n - done : VFS_IO_CHUNK;
		int64_t r = write ? f->ops->write(k, p, f, (const char *)kbuf + done, chunk, &off)
				  : f->ops->read(k, p, f, (char *)kbuf + done, chunk, &off);
		if (r < 0)
			return done ? (int64_t)done : r;
		done += (size_t)r;
		if ((size_t)r < chunk)
			break;
	}
	return (int64_t)done;
}

int64_t vfs_pread(struct kernel *k, struct proc *p, struct file *f, void *kbuf, size_t n,
		  uint64_t off)
{
	return kernel_io(k, p, f, kbuf, n, off, false);
}

int64_t vfs_pwrite(struct kernel *k, struct proc *p, struct file *f, const void *kbuf, size_t n,
		   uint64_t off)
{
	return kernel_io(k, p, f, (void *)kbuf, n, off, true);
}

struct vm_object *vfs_file_object(struct kernel *k, struct file *f)
{
	struct inode *ino = f->inode;
	if (!ino || (f->flags & LX_O_PATH) || !inode_is_reg(ino) || !ino->ops || !ino->ops->object)
		return NULL;
	return ino->ops->object(k, ino);
}

/* ---- mounts ----------------------------------------------------------------- */

struct mount *vfs_mount(struct kernel *k, const char *path, const char *fstype, unsigned flags)
{
	struct vfs *v = k->vfs;
	if (vfs_mount_at(k, path))
		return NULL;
	struct mount *m = kzalloc(&k->km, sizeof *m);
	size_t n = strlen(path) + 1;
	char *copy = kmalloc(&k->km, n);
	if (!m || !copy) {
		kfree(&k->km, m);
		kfree(&k->km, copy);
		return NULL;
	}
	memcpy(copy, path, n);
	m->path = copy;
	m->fstype = fstype;
	m->flags = flags;
	m->dev = makedev(0, ++v->next_dev + 20);
	/* append: the root's mount stays first */
	struct mount **mp = &v->mounts;
	while (*mp)
		mp = &(*mp)->next;
	*mp = m;
	return m;
}

struct mount *vfs_mount_at(struct kernel *k, const char *canon)
{
	for (struct mount *m = k->vfs->mounts; m; m = m->next)
		if (!strcmp(m->path, canon))
			return m;
	return NULL;
}

struct inode *vfs_root_inode(struct kernel *k)
{
	return k->vfs->mounts->root;
}

/* The file systems other helpers add: each mounts itself at its path.
 * Add one line per file system (tmpfs, procfs). */
static const struct {
	const char *path;
	int (*mount)(struct kernel *k, const char *path);
} vfs_filesystems[] = {
	{ "/dev", devfs_mount },
	{ "/tmp", tmpfs_mount },
	{ "/proc", procfs_mount },
};

/* The working directory cwd (canonical, inside the guest) lies below the
 * guest's own /tmp, a tmpfs that hides the host's: shows the host directory
 * just below /tmp that holds it, read-only, at its own path, so that a tree
 * kept in the host's /tmp (a clone made there) runs by relative paths as
 * under qemu-riscv64.  0, or a negative errno (cwd then falls back to /). */
static int show_hidden_cwd(struct kernel *k, const char *cwd)
{
	const char *tmp = "/tmp/";
	size_t n = strlen(tmp);
	if (strncmp(cwd, tmp, n) || !cwd[n])
		return -ENOENT;
	char guest[VFS_PATH_MAX], host[2 * VFS_PATH_MAX], msg[VFS_PATH_MAX + 200];
	size_t len = strcspn(cwd + n, "/") + n;   /* "/tmp/NAME" */
	if (len >= sizeof guest)
		return -ENAMETOOLONG;
	memcpy(guest, cwd, len);
	guest[len] = 0;
	if (vfs_mount_at(k, guest))
		return -EEXIST;
	const char *root = k->cfg.root && strcmp(k->cfg.root, "/") ? k->cfg.root : "";
	snprintf(host, sizeof host, "%s%s", root, guest);
	return hostfs_mount(k, guest, host, MNT_RDONLY, msg, sizeof msg);
}

/* Makes the first processes' cwd: the host's cwd (or cfg.cwd) seen from
 * inside the root, or "/" if it lies outside. */
static int init_cwd(struct kernel *k)
{
	char host[VFS_PATH_MAX], root[VFS_PATH_MAX];
	const char *want = k->cfg.cwd;
	if (!want) {
		if (!getcwd(host, sizeof host))
			host[0] = 0;
		want = host;
	}
	char *cwd = kmalloc(&k->km, VFS_PATH_MAX);
	if (!cwd)
		return -ENOMEM;
	strcpy(cwd, "/");
	char real[VFS_PATH_MAX];
	if (want[0] && realpath(want, real)) {
		if (!k->cfg.root) {
			strcpy(cwd, real);
		} else if (realpath(k->cfg.root, root)) {
			size_t n = strlen(root);
			if (!strcmp(root, "/"))
				strcpy(cwd, real);
			else if (!strncmp(real, root, n) && (real[n] == '/' || real[n] == 0))
				strcpy(cwd, real[n] ? real + n : "/");
		}
	}
	k->vfs->init_cwd = cwd;
	/* it must resolve inside the guest (a mount may hide it: the guest's
	 * /tmp shows the host directory that holds it) */
	struct inode *ino;
	int rc = vfs_lookup(k, NULL, LX_AT_FDCWD, cwd, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &ino, NULL);
	if (rc < 0 && show_hidden_cwd(k, cwd) == 0)
		rc = vfs_lookup(k, NULL, LX_AT_FDCWD, cwd, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &ino, NULL);
	if (rc < 0)
		strcpy(cwd, "/");
	else
		inode_put(k, ino);
	return 0;
}

int vfs_init(struct kernel *k)
{
	FILE *err = k->cfg.err;
	struct vfs *v = kzalloc(&k->km, sizeof *v);
	if (!v)
		return -ENOMEM;
	k->vfs = v;
	v->inode_cache = kmem_cache_create(&k->km, "inode", sizeof(struct inode), 8);
	v->file_cache = kmem_cache_create(&k->km, "file", sizeof(struct file), 8);
	if (!v->inode_cache || !v->file_cache) {
		fprintf(err, "vmos: RAM too small for the kernel's own structures\n");
		return -ENOMEM;
	}
	char msg[VFS_PATH_MAX + 200];
	const char *root = k->cfg.root ? k->cfg.root : "/";
	int rc = hostfs_mount(k, "/", root, MNT_RDONLY, msg, sizeof msg);
	if (rc < 0) {
		fprintf(err, "vmos: --root %s: %s\n", root, msg);
		return rc;
	}
	for (unsigned i = 0; i < k->cfg.nrw && i < sizeof k->cfg.rw / sizeof k->cfg.rw[0]; i++) {
		char real[VFS_PATH_MAX], rroot[VFS_PATH_MAX];
		const char *dir = k->cfg.rw[i];
		if (!realpath(dir, real) || !realpath(root, rroot)) {
			fprintf(err, "vmos: --rw %s: %s\n", dir, strerror(errno));
			return -ENOENT;
		}
		size_t n = strlen(rroot);
		const char *guest = real;
		if (strcmp(rroot, "/")) {
			if (strncmp(real, rroot, n) || (real[n] != '/' && real[n] != 0)) {
				fprintf(err, "vmos: --rw %s: not inside --root %s\n", dir, root);
				return -EINVAL;
			}
			guest = real[n] ? real + n : "/";
		}
		if (!strcmp(guest, "/")) {
			fprintf(err, "vmos: --rw %s: the root itself cannot be writable (use a subdirectory)\n", dir);
			return -EINVAL;
		}
		rc = hostfs_mount(k, guest, real, 0, msg, sizeof msg);
		if (rc < 0) {
			fprintf(err, "vmos: --rw %s: %s\n", dir, msg);
			return rc;
		}
	}
	for (size_t i = 0; i < sizeof vfs_filesystems / sizeof vfs_filesystems[0]; i++) {
		rc = vfs_filesystems[i].mount(k, vfs_filesystems[i].path);
		if (rc < 0) {
			fprintf(err, "vmos: cannot mount %s: %s\n", vfs_filesystems[i].path, strerror(-rc));
			return rc;
		}
	}
	rc = init_cwd(k);
	if (rc < 0)
		fprintf(err, "vmos: RAM too small for the kernel's own structures\n");
	return rc;
}

void vfs_shutdown(struct kernel *k)
{
	struct vfs *v = k->vfs;
	if (!v)
		return;
	/* the last mounted goes first: a file system may hold inodes of the root's */
	while (v->mounts) {
		struct mount **mp = &v->mounts;
		while ((*mp)->next)
			mp = &(*mp)->next;
		struct mount *m = *mp;
		*mp = NULL;
		inode_put(k, m->root);
		if (m->umount)
			m->umount(k, m);
		kfree(&k->km, m->path);
		kfree(&k->km, m);
	}
	kfree(&k->km, v->init_cwd);
	if (v->ninodes || v->nfiles)      /* a leak: say so (kmem_destroy frees them anyway) */
		fprintf(k->cfg.err, "vmos: vfs: %llu inodes and %llu open files leaked at shutdown\n",
			(unsigned long long)v->ninodes, (unsigned long long)v->nfiles);
	if (v->inode_cache && !v->ninodes)
		kmem_cache_destroy(v->inode_cache);
	if (v->file_cache && !v->nfiles)
		kmem_cache_destroy(v->file_cache);
	kfree(&k->km, v);
	k->vfs = NULL;
}

/* ---- the checker -------------------------------------------------------------- */

const char *vfs_check_idle(struct kernel *k)
{
	static char msg[200];
	struct vfs *v = k->vfs;
	if (!v)
		return NULL;
	uint64_t want = 0;
	for (struct mount *m = v->mounts; m; m = m->next)
		want += (m->root != NULL) + m->held;
	if (v->nfiles || v->ninodes != want) {
		struct file *f = v->files;
		snprintf(msg, sizeof msg, "vfs: %llu open files (first: %s) and %llu inodes remain with no process, want 0 and %llu",
			 (unsigned long long)v->nfiles, f && f->path ? f->path : f ? f->ops->name : "-",
			 (unsigned long long)v->ninodes, (unsigned long long)want);
		return msg;
	}
	return NULL;
}

const char *vfs_check(struct kernel *k)
{
	static char msg[200];
	struct vfs *v = k->vfs;
	if (!v)
		return NULL;
	uint64_t nf = 0, ni = 0;
	for (struct file *f = v->files; f; f = f->next_all) {
		nf++;
		f->check_refs = 0;
	}
	for (struct inode *i = v->inodes; i; i = i->next_all) {
		ni++;
		i->check_refs = 0;
	}
	if (nf != v->nfiles || ni != v->ninodes) {
		snprintf(msg, sizeof msg, "vfs: %llu files and %llu inodes listed, counters say %llu and %llu",
			 (unsigned long long)nf, (unsigned long long)ni,
			 (unsigned long long)v->nfiles, (unsigned long long)v->ninodes);
		return msg;
	}
	/* every descriptor table once (shared tables are marked by refs) */
	for (struct proc *p = k->procs; p; p = p->next) {
		struct files *t = p->files;
		if (!t || t->checked)
			continue;
		t->checked = true;
		for (int fd = 0; fd < t->max; fd++)
			if (t->fd[fd])
				t->fd[fd]->check_refs++;
	}
	for (struct proc *p = k->procs; p; p = p->next)
		if (p->files)
			p->files->checked = false;
	for (struct file *f = v->files; f; f = f->next_all) {
		if (f->refs < f->check_refs || f->refs <= 0) {
			snprintf(msg, sizeof msg, "vfs: file %s (%s) has %d references, %d descriptors hold it",
				 f->path ? f->path : "(anonymous)", f->ops ? f->ops->name : "?", f->refs,
				 f->check_refs);
			return msg;
		}
		if (f->inode)
			f->inode->check_refs++;
	}
	for (struct mount *m = v->mounts; m; m = m->next)
		if (m->root)
			m->root->check_refs++;
	for (struct inode *i = v->inodes; i; i = i->next_all)
		if (i->refs < i->check_refs || i->refs <= 0) {
			snprintf(msg, sizeof msg, "vfs: inode %llu has %d references, %d found",
				 (unsigned long long)i->ino, i->refs, i->check_refs);
			return msg;
		}
	return NULL;
}
