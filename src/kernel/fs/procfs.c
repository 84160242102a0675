/*
 * procfs.c - /proc as a file system of the VFS (see procfs.h for what it
 * holds; procfs_text.c makes the files' contents).
 *
 * Nothing is stored: every inode is made by lookup from a key - what it
 * is (a kind), for which process, for which fd - kept in inode->priv and
 * used as its inode number, and dropped with its last reference, as
 * Linux's proc inodes are.  A regular file's text is made when it is
 * opened (a snapshot: reads at any offset see the same text) and freed
 * with the open file.  A pid names a process only for processes of the
 * caller's program tree (p->tree): another program run by the same vmos
 * is another guest, invisible here.
 */
#include "procfs.h"
#include "vfs.h"
#include "pipe.h"
#include "proc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum pkind {
	PK_ROOT = 1, PK_SELF, PK_MEMINFO, PK_UPTIME, PK_MOUNTS, PK_MSTAT, PK_LOADAVG,  /* /proc */
	PK_MOUNTINFO,
	PK_PID, PK_EXE, PK_CWD, PK_ROOTLNK, PK_FD, PK_MAPS, PK_STATUS, PK_STAT, PK_STATM,
	PK_CMDLINE, PK_COMM,                                          /* /proc/PID */
	PK_FDLINK,                                                    /* /proc/PID/fd/N */
};

struct pentry { const char *name; enum pkind kind; };

static const struct pentry root_entries[] = {
	{ "self", PK_SELF }, { "meminfo", PK_MEMINFO }, { "uptime", PK_UPTIME },
	{ "mounts", PK_MOUNTS }, { "stat", PK_MSTAT }, { "loadavg", PK_LOADAVG },
};
static const struct pentry pid_entries[] = {
	{ "cmdline", PK_CMDLINE }, { "comm", PK_COMM }, { "cwd", PK_CWD }, { "exe", PK_EXE },
	{ "fd", PK_FD }, { "maps", PK_MAPS }, { "mountinfo", PK_MOUNTINFO }, { "mounts", PK_MOUNTS },
	{ "root", PK_ROOTLNK }, { "stat", PK_STAT },
	{ "statm", PK_STATM }, { "status", PK_STATUS },
};
#define NROOT (sizeof root_entries / sizeof root_entries[0])
#define NPID  (sizeof pid_entries / sizeof pid_entries[0])

/* The key: kind in bits 0-7, pid in 8-39, fd in 40-63. */
static uint64_t pkey(enum pkind kind, uint32_t pid, uint32_t fd)
{
	return (uint64_t)kind | (uint64_t)pid << 8 | (uint64_t)fd << 40;
}
static enum pkind key_kind(uint64_t key) { return (enum pkind)(key & 0xff); }
static uint32_t key_pid(uint64_t key) { return (uint32_t)(key >> 8); }
static uint32_t key_fd(uint64_t key) { return (uint32_t)(key >> 40); }
static uint64_t ino_key(const struct inode *ino) { return (uint64_t)(uintptr_t)ino->priv; }

static uint32_t kind_mode(enum pkind kind)
{
	switch (kind) {
	case PK_ROOT: case PK_PID: return LX_S_IFDIR | 0555;
	case PK_FD: return LX_S_IFDIR | 0500;
	case PK_SELF: case PK_EXE: case PK_CWD: case PK_ROOTLNK: return LX_S_IFLNK | 0777;
	case PK_FDLINK: return LX_S_IFLNK | 0700;
	default: return LX_S_IFREG | 0444;
	}
}

static uint8_t mode_dtype(uint32_t mode)
{
	switch (mode & LX_S_IFMT) {
	case LX_S_IFDIR: return LX_DT_DIR;
	case LX_S_IFLNK: return LX_DT_LNK;
	default: return LX_DT_REG;
	}
}

/* The process pid if the caller may see it (same program tree), else NULL. */
static struct proc *visible(struct kernel *k, uint32_t pid)
{
	struct proc *q = pid ? proc_find(k, pid) : NULL;
	if (q && k->current && q->tree != k->current->tree)
		return NULL;
	return q;
}

/* The file open at fd of q, or NULL. */
static struct file *proc_fd(struct proc *q, uint32_t fd)
{
	if (q->state == P_ZOMBIE || !q->files || fd >= (uint32_t)q->files->max)
		return NULL;
	return q->files->fd[fd];
}

/* A decimal name ("123") as a number; -1 if it is not one. */
static int64_t name_number(const char *name)
{
	if (!*name || (name[0] == '0' && name[1]) || strlen(name) > 10)
		return -1;
	int64_t v = 0;
	for (const char *c = name; *c; c++) {
		if (*c < '0' || *c > '9')
			return -1;
		v = v * 10 + (*c - '0');
	}
	return v <= UINT32_MAX ? v : -1;
}

static const struct inode_ops proc_iops;
static const struct file_ops proc_dir_fops, proc_file_fops;

/* A new inode for key in mount m. */
static int make_inode(struct kernel *k, struct mount *m, uint64_t key, struct inode **out)
{
	uint32_t mode = kind_mode(key_kind(key));
	struct inode *ino = vfs_inode_alloc(k, m, mode, &proc_iops,
					    (mode & LX_S_IFMT) == LX_S_IFDIR ? &proc_dir_fops :
					    &proc_file_fops);
	if (!ino)
		return -ENOMEM;
	ino->priv = (void *)(uintptr_t)key;
	ino->ino = key;
	*out = ino;
	return 0;
}

static int proc_lookup(struct kernel *k, struct inode *dir, const char *name, struct inode **out)
{
	uint64_t key = ino_key(dir);
	uint32_t pid = key_pid(key);
	int64_t num = name_number(name);
	switch (key_kind(key)) {
	case PK_ROOT:
		for (size_t i = 0; i < NROOT; i++)
			if (!strcmp(name, root_entries[i].name))
				return make_inode(k, dir->mnt, pkey(root_entries[i].kind, 0, 0), out);
		if (num > 0 && visible(k, (uint32_t)num))
			return make_inode(k, dir->mnt, pkey(PK_PID, (uint32_t)num, 0), out);
		return -ENOENT;
	case PK_PID:
		if (!visible(k, pid))
			return -ENOENT;
		for (size_t i = 0; i < NPID; i++)
			if (!strcmp(name, pid_entries[i].name))
				return make_inode(k, dir->mnt, pkey(pid_entries[i].kind, pid, 0), out);
		return -ENOENT;
	case PK_FD: {
		struct proc *q = visible(k, pid);
		if (!q || num < 0 || num >= (1 << 24) || !proc_fd(q, (uint32_t)num))
			return -ENOENT;
		return make_inode(k, dir->mnt, pkey(PK_FDLINK, pid, (uint32_t)num), out);
	}
	default:
		return -ENOTDIR;
	}
}

/* What /proc/PID/fd/N shows for f: its guest path, or Linux's names for
 * what has none ("pipe:[ino]"). */
static int fd_link_text(const struct file *f, char *buf, size_t n)
{
	if (f->path)
		return snprintf(buf, n, "%s", f->path);
	if (f->inode && (f->inode->mode & LX_S_IFMT) == LX_S_IFIFO)
		return snprintf(buf, n, "pipe:[%llu]", (unsigned long long)f->inode->ino);
	if (f->inode && (f->inode->mode & LX_S_IFMT) == LX_S_IFSOCK)
		return snprintf(buf, n, "socket:[%llu]", (unsigned long long)f->inode->ino);
	return snprintf(buf, n, "anon_inode:[%s]", f->ops && f->ops->name ? f->ops->name : "?");
}

static int proc_readlink(struct kernel *k, struct inode *ino, char *buf, size_t n)
{
	uint64_t key = ino_key(ino);
	char text[VFS_PATH_MAX];
	int len;
	struct proc *q = NULL;
	if (key_kind(key) != PK_SELF) {
		q = visible(k, key_pid(key));
		if (!q)
			return -ENOENT;
	}
	switch (key_kind(key)) {
	case PK_SELF:
		if (!k->current)
			return -ENOENT;
		len = snprintf(text, sizeof text, "%u", k->current->pid);
		break;
	case PK_EXE:
		if (q->state == P_ZOMBIE || !q->image)
			return -ENOENT;
		len = procfs_exe_path(k, q, text, sizeof text);
		break;
	case PK_CWD:
		if (q->state == P_ZOMBIE || !q->cwd)
			return -ENOENT;
		len = snprintf(text, sizeof text, "%s", q->cwd);
		break;
	case PK_ROOTLNK:
		/* the guest's root: a link to it never leads outside */
		len = snprintf(text, sizeof text, "/");
		break;
	case PK_FDLINK: {
		struct file *f = proc_fd(q, key_fd(key));
		if (!f)
			return -ENOENT;
		len = fd_link_text(f, text, sizeof text);
		break;
	}
	default:
		return -EINVAL;
	}
	if (len < 0)
		return -EINVAL;
	if ((size_t)len >= sizeof text)
		len = (int)sizeof text - 1;
	size_t m = (size_t)len < n ? (size_t)len : n;
	memcpy(buf, text, m);
	return (int)m;
}

/* Opening a regular file makes its text (f->priv: a kmalloc'd ptext). */
static int proc_open(struct kernel *k, struct inode *ino, struct file *f)
{
	uint64_t key = ino_key(ino);
	enum pkind kind = key_kind(key);
	if ((ino->mode & LX_S_IFMT) != LX_S_IFREG)
		return 0;
	/* opened for writing (root may): a write is EINVAL, no write hook */
	struct proc *q = NULL;
	bool machine = kind == PK_MEMINFO || kind == PK_UPTIME || kind == PK_MSTAT ||
		       kind == PK_LOADAVG ||
		       (kind == PK_MOUNTS && !key_pid(key));
	if (!machine && !(q = visible(k, key_pid(key))))
		return -ENOENT;
	struct ptext *t = kmalloc(&k->km, sizeof *t);
	if (!t)
		return -ENOMEM;
	memset(t, 0, sizeof *t);
	switch (kind) {
	case PK_MEMINFO: procfs_text_meminfo(k, t); break;
	case PK_UPTIME: procfs_text_uptime(k, t); break;
	case PK_MOUNTS: procfs_text_mounts(k, t, false); break;
	case PK_MSTAT: procfs_text_machine_stat(k, t); break;
	case PK_LOADAVG: procfs_text_loadavg(k, t); break;
	case PK_MOUNTINFO: procfs_text_mounts(k, t, true); break;
	case PK_MAPS: procfs_text_maps(k, q, t); break;
	case PK_STATUS: procfs_text_status(k, q, t); break;
	case PK_STAT: procfs_text_stat(k, q, t); break;
	case PK_STATM: procfs_text_statm(k, q, t); break;
	case PK_CMDLINE: procfs_text_cmdline(k, q, t); break;
	case PK_COMM: ptext_printf(k, t, "%s\n", q->name); break;
	default: break;
	}
	if (t->oom) {
		ptext_free(k, t);
		kfree(&k->km, t);
		return -ENOMEM;
	}
	f->priv = t;
	return 0;
}

static int64_t proc_file_read(struct kernel *k, struct proc *p, struct file *f, void *kbuf,
			      size_t n, uint64_t *off)
{
	const struct ptext *t = f->priv;
	if (!t || *off >= t->len)
		return 0;
	size_t m = t->len - (size_t)*off;
	if (m > n)
		m = n;
	memcpy(kbuf, t->buf + *off, m);
	*off += m;
	return (int64_t)m;
}

static void proc_file_release(struct kernel *k, struct file *f)
{
	struct ptext *t = f->priv;
	if (!t)
		return;
	ptext_free(k, t);
	kfree(&k->km, t);
	f->priv = NULL;
}

/* ---- directories ------------------------------------------------------------- */

/* Offsets: 0 ".", 1 "..", then the fixed entries, then (the root) one per
 * pid at PID_BASE + pid or (fd/) one per fd at 2 + fd.  An offset names
 * where to go on, so processes that come and go between two calls make
 * neither repeats nor skips of the others. */
#define PID_BASE 256

static int64_t proc_getdents(struct kernel *k, struct file *f, void *kbuf, size_t n)
{
	uint64_t key = ino_key(f->inode);
	enum pkind kind = key_kind(key);
	uint32_t pid = key_pid(key);
	struct proc *q = kind == PK_ROOT ? NULL : visible(k, pid);
	if (kind != PK_ROOT && !q)
		return -ENOENT;
	size_t used = 0;
	char name[24];
	for (;;) {
		uint64_t pos = f->pos, ino, next = pos + 1;
		const char *nm;
		uint8_t type;
		if (pos < 2) {
			nm = pos ? ".." : ".";
			ino = key;
			type = LX_DT_DIR;
		} else if (kind == PK_ROOT && pos < 2 + NROOT) {
			const struct pentry *e = &root_entries[pos - 2];
			nm = e->name;
			ino = pkey(e->kind, 0, 0);
			type = mode_dtype(kind_mode(e->kind));
		} else if (kind == PK_ROOT) {
			/* the lowest visible pid at or above the offset's */
			uint64_t from = pos < PID_BASE ? 0 : pos - PID_BASE, best = UINT64_MAX;
			for (struct proc *c = k->procs; c; c = c->next)
				if (c->pid >= from && c->pid < best && visible(k, c->pid))
					best = c->pid;
			if (best == UINT64_MAX)
				break;
			snprintf(name, sizeof name, "%llu", (unsigned long long)best);
			nm = name;
			ino = pkey(PK_PID, (uint32_t)best, 0);
			type = LX_DT_DIR;
			next = PID_BASE + best + 1;
		} else if (kind == PK_PID) {
			if (pos >= 2 + NPID)
				break;
			const struct pentry *e = &pid_entries[pos - 2];
			nm = e->name;
			ino = pkey(e->kind, pid, 0);
			type = mode_dtype(kind_mode(e->kind));
		} else {                                /* PK_FD */
			uint64_t fd = pos - 2;
			int max = q->files && q->state != P_ZOMBIE ? q->files->max : 0;
			while (fd < (uint64_t)max && !q->files->fd[fd])
				fd++;
			if (fd >= (uint64_t)max)
				break;
			snprintf(name, sizeof name, "%llu", (unsigned long long)fd);
			nm = name;
			ino = pkey(PK_FDLINK, pid, (uint32_t)fd);
			type = LX_DT_LNK;
			next = fd + 3;
		}
		if (!vfs_dirent_put(kbuf, n, &used, ino, (int64_t)next, type, nm, strlen(nm)))
			return used ? (int64_t)used : -EINVAL;
		f->pos = next;
	}
	return (int64_t)used;
}

static const struct inode_ops proc_iops = {
	.lookup = proc_lookup,
	.readlink = proc_readlink,
	.open = proc_open,
};
static const struct file_ops proc_dir_fops = {
	.name = "proc",
	.getdents = proc_getdents,
};
static const struct file_ops proc_file_fops = {
	.name = "proc",
	.read = proc_file_read,
	.release = proc_file_release,
};

int procfs_mount(struct kernel *k, const char *path)
{
	struct mount *m = vfs_mount(k, path, "proc", 0);
	if (!m)
		return -ENOMEM;
	return make_inode(k, m, pkey(PK_ROOT, 0, 0), &m->root);
}
