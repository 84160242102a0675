/*
 * namei.c - path resolution inside the guest's root, and open.
 *
 * The walk (after Unix's namei and Linux's link_path_walk, simplified):
 * a relative path is appended to the canonical path of its start directory
 * (the cwd or the dirfd's), so every walk starts at the guest's root.  The
 * walk keeps the stack of directories it went through and the canonical
 * path of the top:
 *
 *   "."         nothing
 *   ".."        pop (at the root: stay - the root's ".." is the root)
 *   a name      the directory's lookup, or the root of a mount at that
 *               canonical path; push it
 *   a symlink   (not last, or last and followed, or followed by "/") its
 *               target replaces it in the text still to walk; an absolute
 *               target pops the stack to the root; the 41st link is ELOOP
 *
 * Nothing is ever handed to the host but one name at a time (hostfs
 * lookup: openat(dirfd, name, O_PATH | O_NOFOLLOW)), and ".." never reaches
 * a file system at all, so no path - whatever its symlinks and dots - leaves
 * the root.
 */
#include "vfs_impl.h"
#include "proc.h"

#include <errno.h>
#include <string.h>

#define WALK_DEPTH (VFS_PATH_MAX / 2 + 1)     /* "/a/a/...": at most this many levels */
#define WALK_BUF   (2 * VFS_PATH_MAX)          /* start dir + path, then symlink bodies */
#define WALK_SMALL 32                          /* levels held without another allocation */

/* A walk in progress.  Small on purpose (the kernel may be short of
 * memory when a path is resolved): the stack grows past WALK_SMALL levels
 * by doubling, the text is one two-page block, the path one 4 KiB object. */
struct walk {
	struct inode **stack;           /* small_stack, or kmalloc'd when deeper */
	uint16_t *clen;                 /* canon's length at each level */
	int cap;                        /* levels stack and clen hold */
	int depth;
	int links;
	bool trailing;                  /* the last component was followed by '/' */
	char *canon;                    /* VFS_PATH_MAX: "" for the root, else "/a/b" */
	char *buf;                      /* WALK_BUF: the text still to walk */
	struct inode *small_stack[WALK_SMALL];
	uint16_t small_clen[WALK_SMALL];
};

static struct walk *walk_alloc(struct kernel *k)
{
	struct walk *w = kmalloc(&k->km, sizeof *w);
	if (!w)
		return NULL;
	w->canon = kmalloc(&k->km, VFS_PATH_MAX);
	w->buf = kmalloc(&k->km, WALK_BUF);
	if (!w->canon || !w->buf) {
		kfree(&k->km, w->canon);
		kfree(&k->km, w->buf);
		kfree(&k->km, w);
		return NULL;
	}
	w->stack = w->small_stack;
	w->clen = w->small_clen;
	w->cap = WALK_SMALL;
	w->depth = -1;
	w->links = 0;
	w->trailing = false;
	w->canon[0] = 0;
	return w;
}

/* Room for one more level: 0 or -ENOMEM / -ENAMETOOLONG. */
static int walk_grow(struct kernel *k, struct walk *w)
{
	if (w->depth + 1 < w->cap)
		return 0;
	if (w->cap >= WALK_DEPTH)
		return -ENAMETOOLONG;
	int cap = w->cap * 2 > WALK_DEPTH ? WALK_DEPTH : w->cap * 2;
	struct inode **st = kmalloc(&k->km, (size_t)cap * sizeof *st);
	uint16_t *cl = kmalloc(&k->km, (size_t)cap * sizeof *cl);
	if (!st || !cl) {
		kfree(&k->km, st);
		kfree(&k->km, cl);
		return -ENOMEM;
	}
	memcpy(st, w->stack, (size_t)(w->depth + 1) * sizeof *st);
	memcpy(cl, w->clen, (size_t)(w->depth + 1) * sizeof *cl);
	if (w->stack != w->small_stack) {
		kfree(&k->km, w->stack);
		kfree(&k->km, w->clen);
	}
	w->stack = st;
	w->clen = cl;
	w->cap = cap;
	return 0;
}

int vfs_path_join(char *out, const char *dir, const char *name)
{
	size_t d = strlen(dir), n = strlen(name);
	if (!strcmp(dir, "/"))
		d = 0;
	if (d + 1 + n + 1 > VFS_PATH_MAX)
		return -ENAMETOOLONG;
	memmove(out, dir, d);
	out[d] = '/';
	memcpy(out + d + 1, name, n + 1);
	return 0;
}

static void walk_free(struct kernel *k, struct walk *w)
{
	if (!w)
		return;
	for (int i = 0; i <= w->depth; i++)
		inode_put(k, w->stack[i]);
	if (w->stack != w->small_stack) {
		kfree(&k->km, w->stack);
		kfree(&k->km, w->clen);
	}
	kfree(&k->km, w->canon);
	kfree(&k->km, w->buf);
	kfree(&k->km, w);
}

static void walk_pop(struct kernel *k, struct walk *w)
{
	if (w->depth == 0)
		return;
	inode_put(k, w->stack[w->depth]);
	w->stack[w->depth] = NULL;
	w->depth--;
	w->canon[w->clen[w->depth]] = 0;
}

/* The child name of dir, whose canonical path is dcanon: the root of a
 * mount there, else dir's lookup.  A new reference in *out. */
static int step(struct kernel *k, struct inode *dir, const char *dcanon, const char *name,
		struct inode **out)
{
	char path[VFS_PATH_MAX];
	int rc = vfs_path_join(path, dcanon[0] ? dcanon : "/", name);
	if (rc < 0)
		return rc;
	struct mount *m = vfs_mount_at(k, path);
	if (m) {
		inode_get(m->root);
		*out = m->root;
		return 0;
	}
	if (!inode_is_dir(dir))
		return -ENOTDIR;
	if (!dir->ops || !dir->ops->lookup)
		return -ENOENT;
	return dir->ops->lookup(k, dir, name, out);
}

/* Reads a symlink's target into buf (VFS_PATH_MAX): its length, -ENOENT
 * for an empty one (as Linux), or an error. */
static int read_link(struct kernel *k, struct inode *ino, char *buf)
{
	if (!ino->ops || !ino->ops->readlink)
		return -EINVAL;
	int n = ino->ops->readlink(k, ino, buf, VFS_PATH_MAX - 1);
	if (n < 0)
		return n;
	if (n == 0)
		return -ENOENT;
	buf[n] = 0;
	return n;
}

/* Starts a walk of path from dirfd: w->buf gets the start directory's
 * canonical path and path.  *done is set (with the result pushed) for
 * AT_EMPTY_PATH's "", which names the dirfd's file itself. */
static int walk_start(struct kernel *k, struct proc *p, int dirfd, const char *path,
		      unsigned flags, struct walk *w, bool *done)
{
	*done = false;
	w->stack[0] = vfs_root_inode(k);
	inode_get(w->stack[0]);
	w->depth = 0;
	w->clen[0] = 0;
	w->canon[0] = 0;
	size_t plen = strnlen(path, VFS_PATH_MAX);
	if (plen >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	if (plen == 0 && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	const char *base = "";
	struct file *f = NULL;
	if (path[0] != '/') {
		if (dirfd == LX_AT_FDCWD) {
			base = p && p->cwd ? p->cwd : k->vfs->init_cwd;
		} else {
			f = fd_get(p, dirfd);
			if (!f)
				return -EBADF;
			if (plen == 0 && (flags & LOOKUP_EMPTY)) {
				if (!f->inode)
					return -EBADF;   /* no inode to name (a pipe's is anonymous) */
				inode_get(f->inode);
				w->stack[++w->depth] = f->inode;
				snprintf(w->canon, VFS_PATH_MAX, "%s", f->path ? f->path : "");
				w->clen[w->depth] = (uint16_t)strlen(w->canon);
				*done = true;
				return 0;
			}
			if (!f->inode || !inode_is_dir(f->inode) || !f->path)
				return -ENOTDIR;
			base = f->path;
		}
	}
	size_t blen = strlen(base);
	if (blen + 1 + plen + 1 > WALK_BUF)
		return -ENAMETOOLONG;
	memcpy(w->buf, base, blen);
	w->buf[blen] = '/';
	memcpy(w->buf + blen + 1, path, plen + 1);
	return 0;
}

/* Walks w->buf.  With last != NULL it stops before the last component
 * (not followed even if a symlink) and copies it there ("." if there is
 * none: "/").  Else the final inode is on top of the stack. */
static int walk_run(struct kernel *k, struct walk *w, unsigned flags, char *last)
{
	size_t pos = 0;
	char name[VFS_NAME_MAX + 1];
	char *target = NULL;
	int rc = 0;
	for (;;) {
		while (w->buf[pos] == '/')
			pos++;
		if (!w->buf[pos]) {
			if (last)
				strcpy(last, ".");
			break;
		}
		size_t start = pos;
		while (w->buf[pos] && w->buf[pos] != '/')
			pos++;
		size_t len = pos - start, after = pos;
		while (w->buf[after] == '/')
			after++;
		bool is_last = !w->buf[after];
		w->trailing = is_last && after > pos;
		if (len > VFS_NAME_MAX) {
			rc = -ENAMETOOLONG;
			break;
		}
		memcpy(name, w->buf + start, len);
		name[len] = 0;
		struct inode *cur = w->stack[w->depth];
		if (!inode_is_dir(cur)) {
			rc = -ENOTDIR;
			break;
		}
		if (is_last && last) {
			memcpy(last, name, len + 1);
			break;
		}
		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			walk_pop(k, w);
			continue;
		}
		struct inode *child;
		rc = step(k, cur, w->canon, name, &child);
		if (rc < 0)
			break;
		bool follow = !is_last || (flags & LOOKUP_FOLLOW) || w->trailing;
		if (inode_is_lnk(child) && follow) {
			if (++w->links > VFS_MAXSYMLINKS) {
				inode_put(k, child);
				rc = -ELOOP;
				break;
			}
			if (!target && !(target = kmalloc(&k->km, VFS_PATH_MAX))) {
				inode_put(k, child);
				rc = -ENOMEM;
				break;
			}
			int n = read_link(k, child, target);
			inode_put(k, child);
			if (n < 0) {
				rc = n;
				break;
			}
			size_t rest = strlen(w->buf + pos);
			if ((size_t)n + rest + 1 > WALK_BUF) {
				rc = -ENAMETOOLONG;
				break;
			}
			memmove(w->buf + n, w->buf + pos, rest + 1);
			memcpy(w->buf, target, (size_t)n);
			pos = 0;
			if (target[0] == '/')
				while (w->depth > 0)
					walk_pop(k, w);
			continue;
		}
		size_t cl = w->clen[w->depth];
		if (cl + 1 + len >= VFS_PATH_MAX)
			rc = -ENAMETOOLONG;
		else
			rc = walk_grow(k, w);
		if (rc < 0) {
			inode_put(k, child);
			break;
		}
		w->canon[cl] = '/';
		memcpy(w->canon + cl + 1, name, len + 1);
		w->stack[++w->depth] = child;
		w->clen[w->depth] = (uint16_t)(cl + 1 + len);
	}
	kfree(&k->km, target);
	return rc;
}

static void canon_out(const struct walk *w, char *canon)
{
	if (canon)
		strcpy(canon, w->canon[0] ? w->canon : "/");
}

int vfs_lookup(struct kernel *k, struct proc *p, int dirfd, const char *path, unsigned flags,
	       struct inode **out, char *canon)
{
	struct walk *w = walk_alloc(k);
	if (!w)
		return -ENOMEM;
	bool done;
	int rc = walk_start(k, p, dirfd, path, flags, w, &done);
	if (rc == 0 && !done)
		rc = walk_run(k, w, flags, NULL);
	if (rc == 0) {
		struct inode *ino = w->stack[w->depth];
		if ((flags & LOOKUP_DIRECTORY || w->trailing) && !inode_is_dir(ino)) {
			rc = -ENOTDIR;
		} else {
			inode_get(ino);
			*out = ino;
			canon_out(w, canon);
		}
	}
	walk_free(k, w);
	return rc;
}

int vfs_lookup_parent(struct kernel *k, struct proc *p, int dirfd, const char *path,
		      struct inode **dir, char *last, char *dcanon, bool *trailing)
{
	struct walk *w = walk_alloc(k);
	if (!w)
		return -ENOMEM;
	bool done;
	int rc = walk_start(k, p, dirfd, path, 0, w, &done);
	if (rc == 0 && done)
		rc = -ENOENT;
	if (rc == 0)
		rc = walk_run(k, w, 0, last);
	if (rc == 0) {
		*dir = w->stack[w->depth];
		inode_get(*dir);
		canon_out(w, dcanon);
		*trailing = w->trailing;
	}
	walk_free(k, w);
	return rc;
}

/* ---- open ------------------------------------------------------------------- */

static const struct file_ops path_fops = { .name = "O_PATH" };

/* O_CREAT: the existing file path names (followed unless O_NOFOLLOW), or a
 * new one.  *created says which; canon gets the canonical path. */
static int open_create(struct kernel *k, struct proc *p, int dirfd, const char *path, int flags,
		       uint32_t mode, struct inode **out, char *canon, bool *created)
{
	struct inode *dir;
	char last[VFS_NAME_MAX + 1];
	bool trailing;
	*created = false;
	int rc = vfs_lookup_parent(k, p, dirfd, path, &dir, last, canon, &trailing);
	if (rc < 0)
		return rc;
	if (!strcmp(last, ".") || !strcmp(last, "..") || trailing) {
		inode_put(k, dir);
		return -EISDIR;
	}
	if (!inode_is_dir(dir)) {
		inode_put(k, dir);
		return -ENOTDIR;
	}
	struct inode *ino = NULL;
	rc = step(k, dir, canon, last, &ino);
	if (rc == 0) {
		if (flags & LX_O_EXCL) {
			rc = -EEXIST;
		} else if (inode_is_lnk(ino)) {
			inode_put(k, ino);
			ino = NULL;
			if (flags & LX_O_NOFOLLOW)
				rc = -ELOOP;
			else
				rc = vfs_lookup(k, p, dirfd, path, LOOKUP_FOLLOW, &ino, canon);
			inode_put(k, dir);
			if (rc == 0)
				*out = ino;
			return rc;
		}
	} else if (rc == -ENOENT) {
		if (dir->mnt && (dir->mnt->flags & MNT_RDONLY))
			rc = -EROFS;
		else if (!dir->ops || !dir->ops->create)
			rc = -EACCES;
		else
			rc = dir->ops->create(k, dir, last, mode & 07777 & ~(p ? p->umask : 022), &ino);
		*created = rc == 0;
	}
	if (rc == 0)
		rc = vfs_path_join(canon, canon, last);
	inode_put(k, dir);
	if (rc < 0) {
		inode_put(k, ino);
		return rc;
	}
	*out = ino;
	return 0;
}

int vfs_open_mode(struct kernel *k, struct proc *p, int dirfd, const char *path, int flags,
		  uint32_t mode, struct file **out)
{
	if (flags & LX_O_PATH)
		flags &= LX_O_PATH | LX_O_DIRECTORY | LX_O_NOFOLLOW | LX_O_CLOEXEC;
	if ((flags & LX_O_TMPFILE) == LX_O_TMPFILE)
		return -EOPNOTSUPP;
	char *canon = kmalloc(&k->km, VFS_PATH_MAX);
	if (!canon)
		return -ENOMEM;
	struct inode *ino = NULL;
	bool created = false;
	int rc;
	if (flags & LX_O_CREAT)
		rc = open_create(k, p, dirfd, path, flags, mode, &ino, canon, &created);
	else
		rc = vfs_lookup(k, p, dirfd, path,
				(flags & LX_O_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
				(flags & LX_O_DIRECTORY ? LOOKUP_DIRECTORY : 0), &ino, canon);
	int acc = flags & LX_O_ACCMODE;
	bool wants_write = acc == LX_O_WRONLY || acc == LX_O_RDWR || (flags & LX_O_TRUNC);
	if (rc == 0) {
		bool ro = ino->mnt && (ino->mnt->flags & MNT_RDONLY);
		if ((flags & LX_O_DIRECTORY) && !inode_is_dir(ino))
			rc = -ENOTDIR;
		else if (inode_is_lnk(ino) && !(flags & LX_O_PATH))
			rc = -ELOOP;
		else if (flags & LX_O_PATH)
			rc = 0;
		else if (inode_is_dir(ino) && wants_write)
			rc = -EISDIR;
		else if (wants_write && ro && (inode_is_reg(ino) || inode_is_dir(ino)))
			rc = -EROFS;
	}
	struct file *f = NULL;
	if (rc == 0) {
		uint32_t keep = (uint32_t)flags & ~(uint32_t)(LX_O_CREAT | LX_O_EXCL | LX_O_NOCTTY |
							      LX_O_TRUNC | LX_O_CLOEXEC);
		f = vfs_file_alloc(k, flags & LX_O_PATH ? &path_fops : ino->fops, ino, canon, keep);
		if (!f)
			rc = -ENOMEM;
	}
	if (rc == 0 && !(flags & LX_O_PATH) && ino->ops && ino->ops->open)
		rc = ino->ops->open(k, ino, f);
	if (rc == 0 && !(flags & LX_O_PATH) && (flags & LX_O_TRUNC) && inode_is_reg(ino) &&
	    !created && acc != LX_O_RDONLY) {
		rc = ino->ops && ino->ops->truncate ? ino->ops->truncate(k, ino, 0) : -EROFS;
	}
	if (rc < 0) {
		file_put(k, f);
	} else {
		*out = f;
	}
	inode_put(k, ino);
	kfree(&k->km, canon);
	return rc;
}

int vfs_open_path(struct kernel *k, struct proc *p, int dirfd, const char *path, int flags,
		  struct file **out)
{
	return vfs_open_mode(k, p, dirfd, path, flags, 0, out);
}
