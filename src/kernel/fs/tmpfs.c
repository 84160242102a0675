/*
 * tmpfs.c - a file system in memory, mounted at /tmp: directories are
 * lists of entries (kmalloc), and a regular file's contents are the pages
 * of its vm_object (pagecache.h, pager "tmpfs": no read_page, no
 * write_page), so they are page-cache frames in simulated RAM, shared by
 * read(), write() and every mapping, and go to swap under memory pressure
 * like anonymous memory.  Everything is lost when vmos exits.
 *
 * A symlink keeps its target (kmalloc'd) in priv; a hard link is a second
 * entry holding the same inode (nlink counts the entries).
 *
 * References: a directory entry holds its inode (mount.held counts them);
 * a regular file's inode holds its object; open files and mappings hold
 * the inode or the object, so an unlinked file lives on while open or
 * mapped, as on Linux.
 */
#include "vfs_impl.h"
#include "pagecache.h"
#include "pipe.h"

#include <errno.h>
#include <string.h>

struct tmpfs_dirent {
	char *name;
	struct inode *ino;              /* one reference */
	struct tmpfs_dirent *next;
};

struct tmpfs_dir {
	struct tmpfs_dirent *head;
	uint64_t n;
	/* the directory holding this one (borrowed; NULL for the root and
	 * once removed), so that rename's "into itself" check walks up, in
	 * steps, instead of down the whole subtree in host recursion */
	struct inode *parent;
};

/* The tmpfs_dir of directory inode d. */
static struct tmpfs_dir *dir_of(struct inode *d)
{
	return d->priv;
}

static const struct inode_ops tmpfs_iops;
static const struct file_ops tmpfs_file_ops, tmpfs_dir_ops;

static const struct pager_ops tmpfs_pager = { .name = "tmpfs" };

static struct tmpfs_dirent *find(struct inode *dir, const char *name)
{
	struct tmpfs_dir *d = dir->priv;
	for (struct tmpfs_dirent *e = d ? d->head : NULL; e; e = e->next)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

/* A new inode of dir's mount: a directory (with its entry list), a
 * regular file (with its object) or a symlink (priv set by the caller).
 * NULL if out of memory. */
static struct inode *new_inode(struct kernel *k, struct mount *m, uint32_t mode)
{
	uint32_t type = mode & LX_S_IFMT;
	bool isdir = type == LX_S_IFDIR;
	struct inode *ino = vfs_inode_alloc(k, m, mode, &tmpfs_iops,
					    isdir ? &tmpfs_dir_ops : &tmpfs_file_ops);
	if (!ino)
		return NULL;
	ino->nlink = isdir ? 2 : 1;
	if (type == LX_S_IFLNK || type == LX_S_IFIFO)
		return ino;                        /* target, or pipe: set later */
	if (isdir)
		ino->priv = kzalloc(&k->km, sizeof(struct tmpfs_dir));
	else if ((ino->obj = vm_object_create(k, &tmpfs_pager, ino, 0))) {
		ino->obj->dev = m->dev;           /* as stat() says (vfs.c) */
		ino->obj->ino = ino->ino;
	}
	if (isdir ? !ino->priv : !ino->obj) {
		inode_put(k, ino);
		return NULL;
	}
	return ino;
}

/* Adds name -> ino (whose reference moves into the entry) to dir.
 * 0 or -ENOMEM. */
static int add_entry(struct kernel *k, struct inode *dir, const char *name, struct inode *ino)
{
	struct tmpfs_dir *d = dir->priv;
	struct tmpfs_dirent *e = kzalloc(&k->km, sizeof *e);
	size_t n = strlen(name) + 1;
	char *copy = kmalloc(&k->km, n);
	if (!e || !copy) {
		kfree(&k->km, e);
		kfree(&k->km, copy);
		return -ENOMEM;
	}
	memcpy(copy, name, n);
	e->name = copy;
	e->ino = ino;
	e->next = d->head;
	d->head = e;
	d->n++;
	dir->mnt->held++;
	dir->mtime = dir->ctime = vfs_now();
	return 0;
}

/* Unlinks entry name of dir; returns its inode (the entry's reference
 * moves to the caller). */
static struct inode *take_entry(struct kernel *k, struct inode *dir, const char *name)
{
	struct tmpfs_dir *d = dir->priv;
	for (struct tmpfs_dirent **pp = &d->head; *pp; pp = &(*pp)->next)
		if (!strcmp((*pp)->name, name)) {
			struct tmpfs_dirent *e = *pp;
			struct inode *ino = e->ino;
			*pp = e->next;
			d->n--;
			dir->mnt->held--;
			kfree(&k->km, e->name);
			kfree(&k->km, e);
			dir->mtime = dir->ctime = vfs_now();
			return ino;
		}
	return NULL;
}

static int tmpfs_lookup(struct kernel *k, struct inode *dir, const char *name, struct inode **out)
{
	struct tmpfs_dirent *e = find(dir, name);
	if (!e)
		return -ENOENT;
	inode_get(e->ino);
	*out = e->ino;
	return 0;
}

/* Sizes from the object; st_blocks counts the pages it holds (in RAM or
 * in swap), in 512-byte units, as tmpfs on Linux. */
static int tmpfs_getattr(struct kernel *k, struct inode *ino, struct lx_stat *st)
{
	const struct inode_ops *ops = ino->ops;
	ino->ops = NULL;                       /* the generic fields ... */
	int rc = vfs_getattr(k, ino, st);
	ino->ops = ops;
	if (ino->obj) {
		st->st_size = (int64_t)ino->obj->size;
		st->st_blocks = (int64_t)((ino->obj->nframes + ino->obj->nswapped) * (PGSIZE / 512));
	} else if ((ino->mode & LX_S_IFMT) == LX_S_IFDIR) {
		struct tmpfs_dir *d = ino->priv;
		st->st_size = (int64_t)((d ? d->n + 2 : 2) * 20);   /* Linux: 20 per entry-ish */
		st->st_blocks = 0;
	}
	return rc;
}

static int tmpfs_create(struct kernel *k, struct inode *dir, const char *name, uint32_t mode,
			struct inode **out)
{
	if (find(dir, name))
		return -EEXIST;
	struct inode *ino = new_inode(k, dir->mnt, LX_S_IFREG | (mode & 07777));
	if (!ino)
		return -ENOMEM;
	int rc = add_entry(k, dir, name, ino);
	if (rc < 0) {
		inode_put(k, ino);
		return rc;
	}
	inode_get(ino);
	*out = ino;
	return 0;
}

static int tmpfs_mkdir(struct kernel *k, struct inode *dir, const char *name, uint32_t mode)
{
	if (find(dir, name))
		return -EEXIST;
	struct inode *ino = new_inode(k, dir->mnt, LX_S_IFDIR | (mode & 07777));
	if (!ino)
		return -ENOMEM;
	int rc = add_entry(k, dir, name, ino);
	if (rc < 0) {
		inode_put(k, ino);
		return rc;
	}
	dir_of(ino)->parent = dir;
	dir->nlink++;
	return 0;
}

static int tmpfs_symlink(struct kernel *k, struct inode *dir, const char *name, const char *target)
{
	if (find(dir, name))
		return -EEXIST;
	struct inode *ino = new_inode(k, dir->mnt, LX_S_IFLNK | 0777);
	size_t n = strlen(target);
	char *copy = ino ? kmalloc(&k->km, n + 1) : NULL;
	if (!copy) {
		if (ino)
			inode_put(k, ino);
		return -ENOMEM;
	}
	memcpy(copy, target, n + 1);
	ino->priv = copy;
	ino->size = n;
	int rc = add_entry(k, dir, name, ino);
	if (rc < 0)
		inode_put(k, ino);
	return rc;
}

static int tmpfs_readlink(struct kernel *k, struct inode *ino, char *buf, size_t n)
{
	const char *t = ino->priv;
	if (!inode_is_lnk(ino) || !t)
		return -EINVAL;
	size_t len = strlen(t);
	if (len > n)
		len = n;
	memcpy(buf, t, len);
	return (int)len;
}

/* mknodat of a named pipe: an inode whose open makes it a pipe's end
 * (pipe_fifo_open; priv is the pipe while any end is open). */
static int tmpfs_mknod(struct kernel *k, struct inode *dir, const char *name, uint32_t mode)
{
	if (find(dir, name))
		return -EEXIST;
	struct inode *ino = new_inode(k, dir->mnt, LX_S_IFIFO | (mode & 07777));
	if (!ino)
		return -ENOMEM;
	int rc = add_entry(k, dir, name, ino);
	if (rc < 0)
		inode_put(k, ino);
	return rc;
}

static int tmpfs_open(struct kernel *k, struct inode *ino, struct file *f)
{
	return (ino->mode & LX_S_IFMT) == LX_S_IFIFO ? pipe_fifo_open(k, ino, f) : 0;
}

/* linkat: a second name for ino (not a directory) in dir. */
static int tmpfs_link(struct kernel *k, struct inode *ino, struct inode *dir, const char *name)
{
	if (find(dir, name))
		return -EEXIST;
	if (inode_is_dir(ino))
		return -EPERM;
	inode_get(ino);
	int rc = add_entry(k, dir, name, ino);
	if (rc < 0) {
		inode_put(k, ino);
		return rc;
	}
	ino->nlink++;
	ino->ctime = vfs_now();
	return 0;
}

static bool dir_empty(struct inode *ino)
{
	struct tmpfs_dir *d = ino->priv;
	return !d || d->n == 0;
}

static int tmpfs_unlink(struct kernel *k, struct inode *dir, const char *name)
{
	struct tmpfs_dirent *e = find(dir, name);
	if (!e)
		return -ENOENT;
	if (inode_is_dir(e->ino))
		return -EISDIR;
	struct inode *ino = take_entry(k, dir, name);
	ino->nlink--;                        /* other hard links may remain */
	ino->ctime = vfs_now();
	inode_put(k, ino);
	return 0;
}

static int tmpfs_rmdir(struct kernel *k, struct inode *dir, const char *name)
{
	struct tmpfs_dirent *e = find(dir, name);
	if (!e)
		return -ENOENT;
	if (!inode_is_dir(e->ino))
		return -ENOTDIR;
	if (!dir_empty(e->ino))
		return -ENOTEMPTY;
	struct inode *ino = take_entry(k, dir, name);
	ino->nlink = 0;
	dir_of(ino)->parent = NULL;
	dir->nlink--;
	inode_put(k, ino);
	return 0;
}

/* True if dir is d or lies below it (a directory cannot move into itself).
 * Walks up from dir: a loop, as a guest can make a tree of any depth by
 * renames (a recursion down d's subtree overflowed the host stack). */
static bool inside(struct inode *dir, struct inode *d)
{
	for (struct inode *x = dir; x; x = dir_of(x)->parent)
		if (x == d)
			return true;
	return false;
}

static int tmpfs_rename(struct kernel *k, struct inode *odir, const char *oname,
			struct inode *ndir, const char *nname, unsigned flags)
{
	struct tmpfs_dirent *o = find(odir, oname), *n = find(ndir, nname);
	if (!o)
		return -ENOENT;
	if (flags & ~(unsigned)(LX_RENAME_NOREPLACE | LX_RENAME_EXCHANGE))
		return -EINVAL;
	if (flags & LX_RENAME_EXCHANGE) {
		if (!n)
			return -ENOENT;
		if ((inode_is_dir(o->ino) && inside(ndir, o->ino)) ||
		    (inode_is_dir(n->ino) && inside(odir, n->ino)))
			return -EINVAL;
		struct inode *t = o->ino;
		o->ino = n->ino;
		n->ino = t;
		if (inode_is_dir(o->ino))
			dir_of(o->ino)->parent = odir;
		if (inode_is_dir(n->ino))
			dir_of(n->ino)->parent = ndir;
		return 0;
	}
	if (n && o->ino == n->ino)
		return 0;                        /* the same file: nothing happens */
	if (inode_is_dir(o->ino) && inside(ndir, o->ino))
		return -EINVAL;
	if (n) {
		if (flags & LX_RENAME_NOREPLACE)
			return -EEXIST;
		if (inode_is_dir(o->ino) && !inode_is_dir(n->ino))
			return -ENOTDIR;
		if (!inode_is_dir(o->ino) && inode_is_dir(n->ino))
			return -EISDIR;
		if (inode_is_dir(n->ino) && !dir_empty(n->ino))
			return -ENOTEMPTY;
	}
	/* the new entry first (it may fail), then the old ones go */
	struct inode *moving = o->ino;
	inode_get(moving);
	struct inode *old = n ? take_entry(k, ndir, nname) : NULL;
	int rc = add_entry(k, ndir, nname, moving);
	if (rc < 0) {
		inode_put(k, moving);
		if (old)
			add_entry(k, ndir, nname, old);
		return rc;
	}
	inode_put(k, take_entry(k, odir, oname));
	if (old) {
		if (inode_is_dir(old)) {
			ndir->nlink--;
			old->nlink = 0;
			dir_of(old)->parent = NULL;
		} else {
			old->nlink--;              /* its other hard links stay */
		}
		inode_put(k, old);
	}
	if (inode_is_dir(moving))
		dir_of(moving)->parent = ndir;
	if (inode_is_dir(moving) && odir != ndir) {
		odir->nlink--;
		ndir->nlink++;
	}
	moving->ctime = vfs_now();
	return 0;
}

static int tmpfs_truncate(struct kernel *k, struct inode *ino, uint64_t size)
{
	if (!ino->obj)
		return -EISDIR;
	int rc = vm_object_truncate(k, ino->obj, size);
	if (rc == 0) {
		ino->size = size;
		ino->mtime = ino->ctime = vfs_now();
	}
	return rc;
}

/* The file's object, borrowed (the inode holds it). */
static struct vm_object *tmpfs_object(struct kernel *k, struct inode *ino)
{
	return ino->obj;
}

static void tmpfs_release(struct kernel *k, struct inode *ino)
{
	if (ino->obj) {
		vm_object_put(k, ino->obj);
		ino->obj = NULL;
	}
	if ((ino->mode & LX_S_IFMT) == LX_S_IFIFO)
		return;                            /* its pipe went with its last end */
	if (inode_is_lnk(ino)) {
		kfree(&k->km, ino->priv);
		ino->priv = NULL;
		return;
	}
	struct tmpfs_dir *d = ino->priv;
	if (d && inode_is_dir(ino)) {
		while (d->head) {
			/* a non-empty subdirectory that goes with this entry
			 * hands its entries up to d first, so it is released
			 * empty: tearing down a tree of any depth is this loop,
			 * not a host recursion one level per directory */
			struct inode *c = d->head->ino;
			struct tmpfs_dir *cd = inode_is_dir(c) ? c->priv : NULL;
			if (cd && cd->head && c->refs == 1) {
				struct tmpfs_dirent *last = cd->head;
				while (last->next)
					last = last->next;
				last->next = d->head->next;
				d->head->next = cd->head;
				d->n += cd->n;
				cd->head = NULL;
				cd->n = 0;
			}
			struct tmpfs_dirent *e = d->head;   /* the head, by name: found first */
			inode_put(k, take_entry(k, ino, e->name));
		}
		kfree(&k->km, d);
		ino->priv = NULL;
	}
}

/* ---- open files --------------------------------------------------------------- */

static int64_t tmpfs_read(struct kernel *k, struct proc *p, struct file *f, void *kbuf, size_t n,
			  uint64_t *off)
{
	int64_t r = pagecache_read(k, p, f->inode->obj, *off, kbuf, n);
	if (r > 0)
		*off += (uint64_t)r;
	return r;
}

static int64_t tmpfs_write(struct kernel *k, struct proc *p, struct file *f, const void *kbuf,
			   size_t n, uint64_t *off)
{
	struct inode *ino = f->inode;
	if (f->flags & LX_O_APPEND)
		*off = ino->obj->size;
	int64_t r = pagecache_write(k, p, ino->obj, *off, kbuf, n);
	if (r > 0) {
		*off += (uint64_t)r;
		ino->size = ino->obj->size;
		ino->mtime = ino->ctime = vfs_now();
	}
	return r;
}

static int64_t tmpfs_dir_read(struct kernel *k, struct proc *p, struct file *f, void *kbuf,
			      size_t n, uint64_t *off)
{
	return -EISDIR;
}

/* Positions: 0 ".", 1 "..", then the entries in list order. */
static int64_t tmpfs_getdents(struct kernel *k, struct file *f, void *kbuf, size_t n)
{
	struct tmpfs_dir *d = f->inode->priv;
	size_t used = 0;
	for (;;) {
		uint64_t i = f->pos;
		const char *name;
		uint64_t ino;
		uint8_t type = (uint8_t)(LX_S_IFDIR >> 12);
		if (i < 2) {
			name = i == 0 ? "." : "..";
			ino = f->inode->ino;
		} else {
			struct tmpfs_dirent *e = d->head;
			for (uint64_t j = 2; e && j < i; j++)
				e = e->next;
			if (!e)
				break;
			name = e->name;
			ino = e->ino->ino;
			type = (uint8_t)((e->ino->mode & LX_S_IFMT) >> 12);
		}
		if (!vfs_dirent_put(kbuf, n, &used, ino, (int64_t)i + 1, type, name, strlen(name)))
			break;
		f->pos++;
	}
	if (used == 0 && f->pos < d->n + 2)
		return -EINVAL;
	return (int64_t)used;
}

static const struct inode_ops tmpfs_iops = {
	.lookup = tmpfs_lookup,
	.getattr = tmpfs_getattr,
	.create = tmpfs_create,
	.mkdir = tmpfs_mkdir,
	.symlink = tmpfs_symlink,
	.mknod = tmpfs_mknod,
	.open = tmpfs_open,
	.readlink = tmpfs_readlink,
	.link = tmpfs_link,
	.unlink = tmpfs_unlink,
	.rmdir = tmpfs_rmdir,
	.rename = tmpfs_rename,
	.truncate = tmpfs_truncate,
	.object = tmpfs_object,
	.release = tmpfs_release,
};

static const struct file_ops tmpfs_file_ops = {
	.name = "tmpfs",
	.read = tmpfs_read,
	.write = tmpfs_write,
	.lseek = vfs_generic_lseek,
};

static const struct file_ops tmpfs_dir_ops = {
	.name = "tmpfs-dir",
	.read = tmpfs_dir_read,
	.getdents = tmpfs_getdents,
	.lseek = vfs_generic_lseek,
};

int tmpfs_mount(struct kernel *k, const char *guest_path)
{
	struct mount *m = vfs_mount(k, guest_path, "tmpfs", 0);
	if (!m)
		return -ENOMEM;
	/* no umount hook: the root's release frees every entry, recursively */
	m->root = new_inode(k, m, LX_S_IFDIR | 01777);
	return m->root ? 0 : -ENOMEM;
}
