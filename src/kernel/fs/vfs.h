/*
 * vfs.h - the virtual file system: inodes, mounts, open files, per-process
 * descriptor tables, and path resolution inside the guest's root.
 *
 * The pieces, as in Unix since V7 (and Linux's VFS by name):
 *
 *   fd table (struct files)   p->files: slot -> struct file, close-on-exec bit
 *        |                    (refcounted: copied on fork, shared by threads later)
 *        v
 *   struct file               an open file description: offset, O_* status flags,
 *        |                    the file_ops that read/write/seek/ioctl/getdents it
 *        v
 *   struct inode              a file system object: mode, size, times, the
 *        |                    inode_ops (lookup, readlink, create, ...), and for
 *        |                    regular files the vm_object holding its pages
 *        v
 *   struct mount              a file system instance at a guest path: hostfs
 *                             at / (read-only), devfs at /dev, tmpfs at /tmp,
 *                             procfs at /proc, writable hostfs at --rw dirs
 *
 * Path resolution (namei.c) walks a path one component at a time from the
 * guest's root (absolute paths) or from the canonical path of the cwd or
 * dirfd (relative ones), keeping the stack of directories walked: ".."
 * pops it (at / it stays at /), a symlink's target is spliced into what is
 * left of the path (absolute targets restart at the guest's root), at most
 * VFS_MAXSYMLINKS links are followed (ELOOP), and each step asks only the
 * inode_ops of the directory in hand - a hostfs lookup is an openat of ONE
 * name with O_NOFOLLOW relative to the host descriptor of the directory,
 * so no host path is ever resolved by the host and nothing outside the
 * root can be reached (docs/files.md).
 *
 * Objects: inodes and files come from the slab caches "inode" and "file",
 * mounts and paths from kmalloc; nothing from libc.  Reference counts:
 * an inode is held by every file open on it, by its mount if it is the
 * mount's root, by namei while it walks, and by its file system (tmpfs
 * keeps its directory entries' inodes); a file by every fd slot that
 * refers to it (dup, fork) and by whoever took file_get.  vfs_check (from
 * kernel_check) accounts for every file and inode object.
 *
 * Errors are negative Linux errno values, as everywhere in the kernel.
 */
#ifndef VMOS_KERNEL_FS_VFS_H
#define VMOS_KERNEL_FS_VFS_H

#include "kernel.h"
#include "abi/linux_abi.h"
#include "abi/lx/fcntl.h"

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct proc;
struct inode;
struct file;
struct mount;
struct vm_object;

#define VFS_NAME_MAX    255     /* bytes of one component (NAME_MAX) */
#define VFS_PATH_MAX    4096    /* bytes of a path, NUL included (PATH_MAX) */
#define VFS_MAXSYMLINKS 40      /* symlinks followed in one resolution (Linux) */
#define VFS_NOFILE      1024    /* default RLIMIT_NOFILE soft limit */
#define VFS_IO_CHUNK    65536   /* bytes one file_ops read/write call moves at most */

/* A file_ops read/write/... that had to wait put the process to sleep with
 * waitq_sleep (waitq.h) and returns this; the system call re-runs from the
 * start when the process is woken (so it must not have consumed anything;
 * a pipe write that took part of its bytes before it slept has the VFS
 * keep them in p->sys_done).  Linux's ERESTARTSYS. */
#define VFS_BLOCKED (-512)

/* ---- open files ------------------------------------------------------------ */

/* What an open file can do.  Every hook may be NULL:
 *   read/write NULL    -> EINVAL (as Linux for a file without the method);
 *   lseek NULL         -> vfs_generic_lseek if the inode is a regular file or a
 *                         directory, else ESPIPE;
 *   ioctl NULL         -> ENOTTY;  getdents NULL -> ENOTDIR;
 *   stat NULL          -> the inode's attributes (inode_ops.getattr or its fields);
 *   poll NULL          -> always readable and writable;
 *   release NULL       -> nothing to free.
 * read/write get a kernel buffer of at most VFS_IO_CHUNK bytes and the
 * offset to use (&f->pos for read/write, a local for pread/pwrite); they
 * advance *off by what they moved and return the byte count, 0 at end of
 * file, a negative errno, or VFS_BLOCKED. */
struct file_ops {
	const char *name;               /* "hostfs", "console", "pipe", ... (debugging) */
	int64_t (*read)(struct kernel *k, struct proc *p, struct file *f, void *kbuf, size_t n,
			uint64_t *off);
	int64_t (*write)(struct kernel *k, struct proc *p, struct file *f, const void *kbuf,
			 size_t n, uint64_t *off);
	int64_t (*lseek)(struct kernel *k, struct file *f, int64_t off, int whence);
	int64_t (*ioctl)(struct kernel *k, struct proc *p, struct file *f, uint32_t req,
			 uint64_t arg);
	/* Fills kbuf (n bytes) with struct lx_dirent64 records from f->pos on
	 * (vfs_dirent_put), advancing f->pos.  Returns bytes used, 0 at the end,
	 * -EINVAL if not even one record fits. */
	int64_t (*getdents)(struct kernel *k, struct file *f, void *kbuf, size_t n);
	int (*stat)(struct kernel *k, struct file *f, struct lx_stat *st);
	unsigned (*poll)(struct kernel *k, struct file *f);   /* VFS_POLL_* bits */
	/* readiness changes with no kernel event (the host's input): a
	 * waiting ppoll or pselect6 looks again now and then (sys_poll.c) */
	bool poll_by_timer;
	/* optional: the host time (host_monotonic_ns) at which readiness will
	 * change by itself (a timer's expiry), or ~0 */
	uint64_t (*poll_wake)(struct kernel *k, struct file *f);
	/* optional: a count that moves at every event of the file (data in or
	 * out, an expiry): epoll's EPOLLET reports an edge when it has moved */
	uint64_t (*poll_gen)(struct kernel *k, struct file *f);
	void (*release)(struct kernel *k, struct file *f);
};
/* poll bits: Linux's POLLIN, POLLOUT, POLLERR and POLLHUP values */
#define VFS_POLL_IN  1
#define VFS_POLL_OUT 4
#define VFS_POLL_ERR 8
#define VFS_POLL_HUP 16

/* An open file description (what open returns; dup and fork share it). */
struct file {
	const struct file_ops *ops;
	struct inode *inode;            /* one reference; NULL for none (never for paths) */
	char *path;                     /* canonical guest path it was opened by (kmalloc'd), or
	                                   NULL (pipes); /proc/self/fd and fchdir use it */
	uint64_t pos;                   /* the file offset */
	uint32_t flags;                 /* LX_O_ACCMODE bits, LX_O_APPEND, LX_O_NONBLOCK,
	                                   LX_O_PATH, LX_O_DIRECTORY, ... as opened */
	int refs;
	void *priv;                     /* the file system's (a pipe end, a procfs buffer) */
	struct epitem *ep_items;        /* epoll items watching it (fs/epoll.c), or NULL */
	struct file *prev_all, *next_all;   /* every live file (vfs_check) */
	int check_refs;                 /* vfs_check's count */
};

/* f's last reference went: its items leave every epoll instance (epoll.c). */
void epoll_file_gone(struct kernel *k, struct file *f);

/* A new file with one reference on ops/inode (the inode gains a reference
 * if not NULL) and flags; path is copied (may be NULL).  NULL if out of
 * memory. */
struct file *vfs_file_alloc(struct kernel *k, const struct file_ops *ops, struct inode *ino,
			    const char *path, uint32_t flags);
static inline void file_get(struct file *f) { f->refs++; }
/* Drops a reference; the last calls ops->release, drops the inode, frees f. */
void file_put(struct kernel *k, struct file *f);

static inline bool file_readable(const struct file *f)
{
	return !(f->flags & LX_O_PATH) && (f->flags & LX_O_ACCMODE) != LX_O_WRONLY;
}
static inline bool file_writable(const struct file *f)
{
	return !(f->flags & LX_O_PATH) && (f->flags & LX_O_ACCMODE) != LX_O_RDONLY;
}

/* Kernel-side I/O on an open file (exec reads program headers this way):
 * n bytes at offset off into/out of a kernel buffer, looping over
 * VFS_IO_CHUNK pieces.  Returns bytes moved (short at end of file) or a
 * negative errno (-EBADF if f is not open for it, -EISDIR, ...). */
int64_t vfs_pread(struct kernel *k, struct proc *p, struct file *f, void *kbuf, size_t n,
		  uint64_t off);
int64_t vfs_pwrite(struct kernel *k, struct proc *p, struct file *f, const void *kbuf, size_t n,
		   uint64_t off);
/* The attributes of an open file (fstat). */
int vfs_fstat(struct kernel *k, struct file *f, struct lx_stat *st);
/* lseek for files with a size: SEEK_SET/CUR/END, SEEK_DATA/HOLE (the whole
 * file is data); EINVAL for a negative result or a bad whence. */
int64_t vfs_generic_lseek(struct kernel *k, struct file *f, int64_t off, int whence);
/* Appends one getdents64 record to buf (used bytes in *used, capacity n);
 * false if it does not fit. */
bool vfs_dirent_put(void *buf, size_t n, size_t *used, uint64_t ino, int64_t next_off,
		    uint8_t type, const char *name, size_t namelen);

/* For mmap (pagecache): the object holding f's pages (borrowed: the inode
 * holds it; vm_object_ref to keep it), creating it on first use (hostfs),
 * or NULL if f cannot be mapped (not a regular file, or an
 * O_PATH descriptor): mmap then fails with ENODEV, Linux's answer for a
 * file without an mmap method (a directory too). */
struct vm_object *vfs_file_object(struct kernel *k, struct file *f);

/* ---- inodes ---------------------------------------------------------------- */

/* What a file system does with its objects.  NULL hooks: lookup -> ENOTDIR,
 * readlink -> EINVAL, getattr -> the inode's own fields; create, mkdir,
 * unlink, rmdir, rename, symlink, truncate -> EROFS on a read-only mount,
 * else EPERM; open -> f->ops = ino->fops; sync -> nothing to do;
 * object -> not mappable (vfs_file_object returns NULL). */
struct inode_ops {
	/* The entry name (NUL-terminated, no '/', not "." or "..", at most
	 * VFS_NAME_MAX bytes) of directory dir, with a new reference in *out.
	 * -ENOENT if there is none; host errors (EACCES) as they come. */
	int (*lookup)(struct kernel *k, struct inode *dir, const char *name, struct inode **out);
	/* A symlink's target into buf (n bytes, no NUL added): its length
	 * (truncated to n), or a negative errno. */
	int (*readlink)(struct kernel *k, struct inode *ino, char *buf, size_t n);
	int (*getattr)(struct kernel *k, struct inode *ino, struct lx_stat *st);
	/* faccessat's question (LX_R_OK | W_OK | X_OK bits, not 0): 0 or
	 * -EACCES.  NULL: the guest is root - R and W always, X if any x bit
	 * is set or it is a directory (EROFS is the VFS's). */
	int (*access)(struct kernel *k, struct inode *ino, int mode);
	/* Called when a file is opened on ino (after access checks): may set
	 * f->ops, f->priv.  0 or a negative errno (the open fails). */
	int (*open)(struct kernel *k, struct inode *ino, struct file *f);
	/* A new regular file name in dir with mode (permission bits), a new
	 * reference in *out.  -EEXIST if the name exists. */
	int (*create)(struct kernel *k, struct inode *dir, const char *name, uint32_t mode,
		      struct inode **out);
	int (*mkdir)(struct kernel *k, struct inode *dir, const char *name, uint32_t mode);
	int (*symlink)(struct kernel *k, struct inode *dir, const char *name, const char *target);
	/* mknodat of a named pipe (mode: S_IFIFO | permissions); -EEXIST if
	 * the name exists.  NULL: the file system has none (EPERM). */
	int (*mknod)(struct kernel *k, struct inode *dir, const char *name, uint32_t mode);
	/* linkat: a new name in dir for ino (of the same mount, not a
	 * directory); -EEXIST if the name exists. */
	int (*link)(struct kernel *k, struct inode *ino, struct inode *dir, const char *name);
	int (*unlink)(struct kernel *k, struct inode *dir, const char *name);   /* not dirs */
	int (*rmdir)(struct kernel *k, struct inode *dir, const char *name);    /* empty dirs */
	/* renameat2 within one mount (the VFS refuses EXDEV); flags
	 * LX_RENAME_NOREPLACE / EXCHANGE. */
	int (*rename)(struct kernel *k, struct inode *odir, const char *oname, struct inode *ndir,
		      const char *nname, unsigned flags);
	int (*truncate)(struct kernel *k, struct inode *ino, uint64_t size);
	/* utimensat: sets the access (t[0]) and modification (t[1]) times,
	 * a tv_nsec of LX_UTIME_OMIT leaving one as it is; the change time
	 * becomes now.  NULL: the VFS sets the inode's own fields. */
	int (*settimes)(struct kernel *k, struct inode *ino, const struct lx_timespec t[2]);
	/* chmod (mode: the permission bits) and chown (uid or gid ~0u: left
	 * as it is) on the file system's own copy; the VFS then updates the
	 * inode's fields.  NULL: only the inode's fields (tmpfs, devices). */
	int (*setmode)(struct kernel *k, struct inode *ino, uint32_t mode);
	/* statfs: the file system's figures into sf (zeroed, f_bsize,
	 * f_frsize, f_namelen and f_fsid preset).  NULL: by the mount's type
	 * (tmpfs sized as Linux's, half the RAM; proc all zero). */
	int (*statfs)(struct kernel *k, struct inode *ino, struct lx_statfs *sf);
	int (*setowner)(struct kernel *k, struct inode *ino, uint32_t uid, uint32_t gid);
	int (*sync)(struct kernel *k, struct inode *ino);
	/* The vm_object of a regular file (ino->obj), created on first call;
	 * NULL if out of memory. */
	struct vm_object *(*object)(struct kernel *k, struct inode *ino);
	/* The last reference went: free what priv holds (host fd, data). */
	void (*release)(struct kernel *k, struct inode *ino);
};

struct inode {
	const struct inode_ops *ops;
	const struct file_ops *fops;    /* default ops of files opened on it */
	struct mount *mnt;              /* the file system instance it belongs to */
	uint32_t mode;                  /* LX_S_IF* type | permission bits */
	uint32_t nlink, uid, gid;
	uint64_t ino;                   /* st_ino */
	uint64_t rdev;                  /* devices: st_rdev */
	uint64_t size;                  /* bytes (regular files, symlinks) */
	struct lx_timespec atime, mtime, ctime;
	int refs;
	struct vm_object *obj;          /* pages of a regular file, or NULL until used */
	void *priv;                     /* the file system's */
	int host_fd;                    /* hostfs: the host descriptor kept open, else -1 */
	struct inode *prev_all, *next_all;   /* every live inode (vfs_check) */
	int check_refs;                 /* vfs_check's count */
};

/* A new inode of mount m (may be NULL for anonymous inodes: pipes) with one
 * reference, mode, ops, fops; ino gets a fresh number unless the caller sets
 * it; times now; host_fd -1.  NULL if out of memory. */
struct inode *vfs_inode_alloc(struct kernel *k, struct mount *m, uint32_t mode,
			      const struct inode_ops *ops, const struct file_ops *fops);
static inline void inode_get(struct inode *ino) { ino->refs++; }
/* Drops a reference; the last calls ops->release and frees the inode. */
void inode_put(struct kernel *k, struct inode *ino);
/* Fills st from ino (getattr hook or the fields). */
int vfs_getattr(struct kernel *k, struct inode *ino, struct lx_stat *st);

static inline bool inode_is_dir(const struct inode *i) { return (i->mode & LX_S_IFMT) == LX_S_IFDIR; }
static inline bool inode_is_reg(const struct inode *i) { return (i->mode & LX_S_IFMT) == LX_S_IFREG; }
static inline bool inode_is_lnk(const struct inode *i) { return (i->mode & LX_S_IFMT) == LX_S_IFLNK; }

/* ---- mounts ---------------------------------------------------------------- */

#define MNT_RDONLY 1

struct mount {
	char *path;                     /* canonical guest path ("/", "/tmp"), kmalloc'd */
	const char *fstype;             /* "hostfs", "tmpfs", "proc", "devtmpfs" */
	unsigned flags;                 /* MNT_RDONLY */
	uint64_t dev;                   /* st_dev of its inodes (unless getattr says otherwise) */
	struct inode *root;             /* one reference */
	void *priv;                     /* the file system's */
	uint64_t held;                  /* inodes the file system keeps referenced itself
	                                   besides root (devfs: its nodes; tmpfs: its files),
	                                   kept up to date by it: vfs_check_idle counts them */
	void (*umount)(struct kernel *k, struct mount *m);  /* at shutdown, after root went; may be NULL */
	struct mount *next;
};

/* Creates a mount at the canonical guest path `path` (the root's mount is
 * "/"), of type fstype (a string constant) with MNT_* flags; the caller then
 * sets m->root = vfs_inode_alloc(k, m, LX_S_IFDIR | mode, ...).  A mount
 * shadows whatever the parent file system has at that path (the mount
 * point need not exist there).  NULL if out of memory or path is taken. */
struct mount *vfs_mount(struct kernel *k, const char *path, const char *fstype, unsigned flags);

/* Boot: mounts hostfs at / (cfg.root or the host's /, read-only), each
 * cfg.rw directory writable, devfs at /dev, then every file system of the
 * table vfs_filesystems[] in vfs.c (tmpfs at /tmp, procfs at /proc: one
 * line each).  Returns 0, or a negative errno after a message on cfg.err
 * (a --root or --rw that is not a directory).  vfs_shutdown releases every
 * mount (all processes must be gone). */
int vfs_init(struct kernel *k);
/* With no process left: no open file remains, and the only inodes are the
 * mounts' roots and what file systems hold (mount.held).  NULL or a message. */
const char *vfs_check_idle(struct kernel *k);
void vfs_shutdown(struct kernel *k);
/* Accounts for every live file and inode: the lists match the counters,
 * each file's refs is at least the fd slots (over distinct tables) that
 * hold it, each inode's at least its files and mount; after the last
 * process and mount, none is left (kernel_shutdown).  NULL if all holds,
 * else a message. */
const char *vfs_check(struct kernel *k);

/* ---- per-process state ------------------------------------------------------ */

/* A descriptor table.  Slots 0..max-1; fd[i] NULL when free. */
struct files {
	int refs;                       /* processes sharing it (CLONE_FILES) */
	int max;                        /* slots allocated */
	struct file **fd;               /* kmalloc'd */
	uint8_t *cloexec;               /* kmalloc'd, one byte per slot */
	bool checked;                   /* vfs_check: counted already */
};

/* The open file behind fd of p (borrowed: valid until p's table changes;
 * file_get to keep it), or NULL if fd is not open. */
struct file *fd_get(struct proc *p, int fd);
/* Installs f (the caller's reference moves into the table) at the lowest
 * free slot >= min, within p's RLIMIT_NOFILE.  Returns the fd, or -EMFILE
 * (f is not consumed then), -ENOMEM. */
int fd_install(struct kernel *k, struct proc *p, struct file *f, int min, bool cloexec);
/* The size of p's descriptor table as select sees it (at least 64, as
 * Linux's): no fd at or above it is open. */
int fd_table_size(const struct proc *p);
/* Closes fd: 0 or -EBADF. */
int fd_close(struct kernel *k, struct proc *p, int fd);
/* Installs f at exactly slot fd (dup3), closing what was there; fd must be
 * below RLIMIT_NOFILE.  Returns fd or -ENOMEM (f not consumed then). */
int fd_install_at(struct kernel *k, struct proc *p, struct file *f, int fd, bool cloexec);
/* pipe2 and socketpair: installs a and b (one reference each, given over)
 * as the two lowest free descriptors and writes them to the int[2] at
 * ufds.  0, or a negative errno with neither installed (both put). */
int fd_install_pair(struct kernel *k, struct proc *p, struct file *a, struct file *b,
		    bool cloexec, uint64_t ufds);
/* The close-on-exec bit of an open fd (false if not open); setting it on a
 * closed fd does nothing. */
bool fd_cloexec(struct proc *p, int fd);
void fd_set_cloexec(struct proc *p, int fd, bool on);

/* Process hooks (proc.c, fork.c, exec.c):
 *   vfs_proc_init  - a top-level process: fds 0, 1, 2 are the console, cwd
 *                    the initial one (vmos's cwd if inside the root, else /);
 *   vfs_proc_fork  - the child gets a copy of the parent's table (sharing
 *                    every open file), cwd and umask;
 *   vfs_proc_exec  - close-on-exec descriptors close;
 *   vfs_proc_exit  - the table goes (the last reference closes every file).
 * init and fork return 0 or -ENOMEM (nothing to undo for the caller). */
int vfs_proc_init(struct kernel *k, struct proc *p);
int vfs_proc_fork(struct kernel *k, struct proc *parent, struct proc *child);
/* A new thread (thread.c): with share_files (CLONE_FILES) the very table
 * of the parent, one more reference (a descriptor opened or closed by
 * either is seen by both); else a copy as fork's.  The cwd and umask are
 * copied (CLONE_FS is not shared yet: a chdir in one thread is not seen by
 * the others).  0 or -ENOMEM. */
int vfs_proc_thread(struct kernel *k, struct proc *parent, struct proc *child, bool share_files);
void vfs_proc_exec(struct kernel *k, struct proc *p);
void vfs_proc_exit(struct kernel *k, struct proc *p);

/* ---- path resolution -------------------------------------------------------- */

/* Resolution flags (namei). */
#define LOOKUP_FOLLOW    1      /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY 2      /* the result must be a directory (ENOTDIR); also
                                   implied by a trailing '/' */
#define LOOKUP_EMPTY     4      /* "" names dirfd itself (AT_EMPTY_PATH) */

/* Resolves path for p (NULL: the initial process context, vmos run) relative
 * to dirfd (LX_AT_FDCWD: p's cwd).  On success *out holds a new reference
 * and, if canon is not NULL, the canonical guest path (VFS_PATH_MAX bytes)
 * is written there.  Errors as Linux: -ENOENT, -ENOTDIR, -ELOOP,
 * -ENAMETOOLONG, -EBADF (dirfd), -EACCES (a host directory vmos cannot
 * search). */
int vfs_lookup(struct kernel *k, struct proc *p, int dirfd, const char *path, unsigned flags,
	       struct inode **out, char *canon);

/* Opens path as openat(dirfd, path, flags) would, with mode for O_CREAT
 * (before the umask).  *out gets a new file (one reference, not in any fd
 * table).  For exec (dyn) and the syscalls: follows symlinks unless
 * O_NOFOLLOW (then ELOOP on a symlink, or the link itself with O_PATH);
 * EISDIR for writing a directory, ENOTDIR for O_DIRECTORY on a non-dir,
 * EROFS for writing a read-only mount, EEXIST for O_CREAT|O_EXCL, ... */
int vfs_open_path(struct kernel *k, struct proc *p, int dirfd, const char *path, int flags,
		  struct file **out);
int vfs_open_mode(struct kernel *k, struct proc *p, int dirfd, const char *path, int flags,
		  uint32_t mode, struct file **out);

/* ---- the system calls (sys_file.c) ------------------------------------------ */
int64_t sys_openat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, int flags,
		   uint32_t mode);
int64_t sys_close(struct kernel *k, struct proc *p, int fd);
int64_t sys_read(struct kernel *k, struct proc *p, int fd, uint64_t buf, uint64_t len);
int64_t sys_write(struct kernel *k, struct proc *p, int fd, uint64_t buf, uint64_t len);
/* (sys_poll.c) */
int64_t sys_ppoll(struct kernel *k, struct proc *p, uint64_t ufds, uint64_t nfds, uint64_t utsp,
		  uint64_t umask, uint64_t sigsetsize);
int64_t sys_pselect6(struct kernel *k, struct proc *p, int64_t nfds, uint64_t uin, uint64_t uout,
		     uint64_t uex, uint64_t utsp, uint64_t usigarg);
int64_t sys_pread64(struct kernel *k, struct proc *p, int fd, uint64_t buf, uint64_t len,
		    int64_t off);
int64_t sys_pwrite64(struct kernel *k, struct proc *p, int fd, uint64_t buf, uint64_t len,
		     int64_t off);
int64_t sys_readv(struct kernel *k, struct proc *p, int fd, uint64_t iov, uint64_t iovcnt);
int64_t sys_writev(struct kernel *k, struct proc *p, int fd, uint64_t iov, uint64_t iovcnt);
int64_t sys_lseek(struct kernel *k, struct proc *p, int fd, int64_t off, int whence);
int64_t sys_fstat(struct kernel *k, struct proc *p, int fd, uint64_t ubuf);
int64_t sys_fchmodat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, uint32_t mode,
		     int flags);
int64_t sys_fchmod(struct kernel *k, struct proc *p, int fd, uint32_t mode);
int64_t sys_fchownat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, uint32_t uid,
		     uint32_t gid, int flags);
int64_t sys_fchown(struct kernel *k, struct proc *p, int fd, uint32_t uid, uint32_t gid);
int64_t sys_statfs(struct kernel *k, struct proc *p, uint64_t upath, uint64_t ubuf);
int64_t sys_fstatfs(struct kernel *k, struct proc *p, int fd, uint64_t ubuf);
int64_t sys_xattr(struct kernel *k, struct proc *p, int op, int which, uint64_t a0);
int64_t sys_fadvise64(struct kernel *k, struct proc *p, int fd, int64_t off, int64_t len,
		      int advice);
int64_t sys_mknodat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, uint32_t mode,
		    uint64_t dev);
int64_t sys_linkat(struct kernel *k, struct proc *p, int olddirfd, uint64_t uold, int newdirfd,
		   uint64_t unew, int flags);
int64_t sys_utimensat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, uint64_t utimes,
		      int flags);
int64_t sys_newfstatat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath,
		       uint64_t ubuf, int flags);
int64_t sys_statx(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, int flags,
		  unsigned mask, uint64_t ubuf);
int64_t sys_faccessat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, int mode,
		      int flags);
int64_t sys_getdents64(struct kernel *k, struct proc *p, int fd, uint64_t ubuf, uint64_t len);
int64_t sys_readlinkat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath,
		       uint64_t ubuf, int64_t bufsiz);
int64_t sys_getcwd(struct kernel *k, struct proc *p, uint64_t ubuf, uint64_t size);
int64_t sys_chdir(struct kernel *k, struct proc *p, uint64_t upath);
int64_t sys_fchdir(struct kernel *k, struct proc *p, int fd);
int64_t sys_mkdirat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, uint32_t mode);
int64_t sys_unlinkat(struct kernel *k, struct proc *p, int dirfd, uint64_t upath, int flags);
int64_t sys_renameat2(struct kernel *k, struct proc *p, int olddirfd, uint64_t uold,
		      int newdirfd, uint64_t unew, unsigned flags);
int64_t sys_symlinkat(struct kernel *k, struct proc *p, uint64_t utarget, int dirfd,
		      uint64_t upath);
int64_t sys_ftruncate(struct kernel *k, struct proc *p, int fd, int64_t len);
int64_t sys_fsync(struct kernel *k, struct proc *p, int fd);
int64_t sys_dup(struct kernel *k, struct proc *p, int fd);
int64_t sys_dup3(struct kernel *k, struct proc *p, int oldfd, int newfd, int flags);
int64_t sys_fcntl(struct kernel *k, struct proc *p, int fd, int cmd, uint64_t arg);
int64_t sys_ioctl(struct kernel *k, struct proc *p, int fd, uint64_t req, uint64_t arg);
int64_t sys_umask(struct kernel *k, struct proc *p, uint32_t mask);

#endif
