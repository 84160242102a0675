/*
 * fdtable.c - per-process descriptor tables (struct files, vfs.h) and the
 * process hooks: a top-level process starts with the console at fds 0-2,
 * fork copies the table (both share every open file description, as
 * Unix's fork always has), execve closes the close-on-exec slots, exit
 * drops the table.
 *
 * A table grows by doubling (kmalloc'd arrays) up to the process's
 * RLIMIT_NOFILE; the lowest free slot is found by a scan - tables are small.
 */
#include "vfs_impl.h"
#include "proc.h"
#include "uaccess.h"

#include <errno.h>
#include <string.h>

#define FILES_MIN 16

static struct files *files_alloc(struct kernel *k, int max)
{
	struct files *t = kzalloc(&k->km, sizeof *t);
	if (!t)
		return NULL;
	t->fd = kzalloc(&k->km, (size_t)max * sizeof *t->fd);
	t->cloexec = kzalloc(&k->km, (size_t)max);
	if (!t->fd || !t->cloexec) {
		kfree(&k->km, t->fd);
		kfree(&k->km, t->cloexec);
		kfree(&k->km, t);
		return NULL;
	}
	t->max = max;
	t->refs = 1;
	return t;
}

/* Makes room for slot fd.  0 or -ENOMEM. */
static int files_grow(struct kernel *k, struct files *t, int fd)
{
	if (fd < t->max)
		return 0;
	int max = t->max;
	while (max <= fd)
		max *= 2;
	struct file **nf = kzalloc(&k->km, (size_t)max * sizeof *nf);
	uint8_t *nc = kzalloc(&k->km, (size_t)max);
	if (!nf || !nc) {
		kfree(&k->km, nf);
		kfree(&k->km, nc);
		return -ENOMEM;
	}
	memcpy(nf, t->fd, (size_t)t->max * sizeof *nf);
	memcpy(nc, t->cloexec, (size_t)t->max);
	kfree(&k->km, t->fd);
	kfree(&k->km, t->cloexec);
	t->fd = nf;
	t->cloexec = nc;
	t->max = max;
	return 0;
}

static void files_put(struct kernel *k, struct files *t)
{
	if (!t || --t->refs > 0)
		return;
	for (int fd = 0; fd < t->max; fd++)
		file_put(k, t->fd[fd]);
	kfree(&k->km, t->fd);
	kfree(&k->km, t->cloexec);
	kfree(&k->km, t);
}

/* The highest descriptor number p may use plus one (RLIMIT_NOFILE). */
static int nofile(const struct proc *p)
{
	uint64_t lim = p->res.rlim[LX_RLIMIT_NOFILE].rlim_cur;
	return lim > (1u << 20) ? 1 << 20 : (int)lim;
}

struct file *fd_get(struct proc *p, int fd)
{
	struct files *t = p ? p->files : NULL;
	if (!t || fd < 0 || fd >= t->max)
		return NULL;
	return t->fd[fd];
}

int fd_table_size(const struct proc *p)
{
	/* Linux's table starts at NR_OPEN_DEFAULT (BITS_PER_LONG) slots */
	int n = p->files ? p->files->max : 0;
	return n < 64 ? 64 : n;
}

int fd_install(struct kernel *k, struct proc *p, struct file *f, int min, bool cloexec)
{
	struct files *t = p->files;
	int lim = nofile(p);
	if (min < 0)
		min = 0;
	int fd = min;
	while (fd < t->max && t->fd[fd])
		fd++;
	if (fd >= lim)
		return -EMFILE;
	int rc = files_grow(k, t, fd);
	if (rc < 0)
		return rc;
	t->fd[fd] = f;
	t->cloexec[fd] = cloexec;
	return fd;
}

/* Puts f at exactly slot fd (dup3), closing what was there.  The caller's
 * reference moves into the table.  fd < RLIMIT_NOFILE already checked. */
int fd_install_at(struct kernel *k, struct proc *p, struct file *f, int fd, bool cloexec)
{
	struct files *t = p->files;
	int rc = files_grow(k, t, fd);
	if (rc < 0)
		return rc;
	struct file *old = t->fd[fd];
	t->fd[fd] = f;
	t->cloexec[fd] = cloexec;
	file_put(k, old);
	return fd;
}

int fd_install_pair(struct kernel *k, struct proc *p, struct file *a, struct file *b,
		    bool cloexec, uint64_t ufds)
{
	int fd0 = fd_install(k, p, a, 0, cloexec);
	if (fd0 < 0) {
		file_put(k, a);
		file_put(k, b);
		return fd0;
	}
	int fd1 = fd_install(k, p, b, 0, cloexec);
	if (fd1 < 0) {
		fd_close(k, p, fd0);
		file_put(k, b);
		return fd1;
	}
	int32_t fds[2] = { fd0, fd1 };
	if (copyout(k, p, ufds, fds, sizeof fds) < 0) {
		fd_close(k, p, fd0);
		fd_close(k, p, fd1);
		return -EFAULT;
	}
	return 0;
}

int fd_close(struct kernel *k, struct proc *p, int fd)
{
	struct files *t = p->files;
	if (!t || fd < 0 || fd >= t->max || !t->fd[fd])
		return -EBADF;
	struct file *f = t->fd[fd];
	t->fd[fd] = NULL;
	t->cloexec[fd] = 0;
	file_put(k, f);
	return 0;
}

bool fd_cloexec(struct proc *p, int fd)
{
	return fd_get(p, fd) && p->files->cloexec[fd];
}

void fd_set_cloexec(struct proc *p, int fd, bool on)
{
	if (fd_get(p, fd))
		p->files->cloexec[fd] = on;
}

/* ---- process hooks ------------------------------------------------------------- */

static char *cwd_copy(struct kernel *k, const char *cwd)
{
	size_t n = strlen(cwd) + 1;
	char *c = kmalloc(&k->km, n);
	if (c)
		memcpy(c, cwd, n);
	return c;
}

int vfs_proc_init(struct kernel *k, struct proc *p)
{
	struct files *t = files_alloc(k, FILES_MIN);
	char *cwd = cwd_copy(k, k->vfs->init_cwd);
	if (!t || !cwd) {
		files_put(k, t);
		kfree(&k->km, cwd);
		return -ENOMEM;
	}
	for (int fd = 0; fd < 3; fd++) {
		struct file *f = devfs_console(k, fd);
		if (!f) {
			files_put(k, t);
			kfree(&k->km, cwd);
			return -ENOMEM;
		}
		t->fd[fd] = f;
	}
	files_put(k, p->files);
	kfree(&k->km, p->cwd);
	p->files = t;
	p->cwd = cwd;
	p->umask = 022;
	return 0;
}

int vfs_proc_fork(struct kernel *k, struct proc *parent, struct proc *child)
{
	struct files *pt = parent->files;
	char *cwd = cwd_copy(k, parent->cwd ? parent->cwd : "/");
	struct files *t = pt ? files_alloc(k, pt->max) : NULL;
	if (!cwd || (pt && !t)) {
		kfree(&k->km, cwd);
		files_put(k, t);
		return -ENOMEM;
	}
	if (t) {
		for (int fd = 0; fd < pt->max; fd++) {
			t->fd[fd] = pt->fd[fd];
			if (t->fd[fd])
				file_get(t->fd[fd]);
		}
		memcpy(t->cloexec, pt->cloexec, (size_t)pt->max);
	}
	child->files = t;
	child->cwd = cwd;
	child->umask = parent->umask;
	return 0;
}

int vfs_proc_thread(struct kernel *k, struct proc *parent, struct proc *child, bool share_files)
{
	int rc = vfs_proc_fork(k, parent, child);
	if (rc < 0 || !share_files || !parent->files)
		return rc;
	files_put(k, child->files);            /* CLONE_FILES: the same table */
	child->files = parent->files;
	child->files->refs++;
	return 0;
}

void vfs_proc_exec(struct kernel *k, struct proc *p)
{
	struct files *t = p->files;
	if (!t)
		return;
	for (int fd = 0; fd < t->max; fd++)
		if (t->fd[fd] && t->cloexec[fd])
			fd_close(k, p, fd);
}

void vfs_proc_exit(struct kernel *k, struct proc *p)
{
	files_put(k, p->files);
	p->files = NULL;
	kfree(&k->km, p->cwd);
	p->cwd = NULL;
}
