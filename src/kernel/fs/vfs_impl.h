/*
 * vfs_impl.h - what the files of the VFS core (vfs.c, namei.c, fdtable.c,
 * hostfs.c, devfs.c, sys_file.c) share and nobody else needs.
 */
#ifndef VMOS_KERNEL_FS_VFS_IMPL_H
#define VMOS_KERNEL_FS_VFS_IMPL_H

#include "vfs.h"

struct vfs {
	struct kmem_cache *inode_cache, *file_cache;
	struct mount *mounts;           /* the root's mount first */
	struct inode *inodes;           /* every live inode */
	struct file *files;             /* every live file */
	uint64_t ninodes, nfiles;
	uint64_t next_ino;              /* for inodes without a number of their own */
	uint32_t next_dev;              /* anonymous device minors */
	char *init_cwd;                 /* canonical guest path: the first processes' cwd */
};

/* The mount whose path is exactly canon (a canonical guest path), or NULL. */
struct mount *vfs_mount_at(struct kernel *k, const char *canon);
/* The root mount's root inode (borrowed). */
struct inode *vfs_root_inode(struct kernel *k);

/* Host time now as a Linux timespec. */
struct lx_timespec vfs_now(void);
/* Fills st from a host struct stat. */
struct stat;
void vfs_stat_from_host(struct lx_stat *st, const struct stat *hs);

/* Resolves all of path but its last component: *dir gets a new reference
 * to the parent directory, last (VFS_NAME_MAX + 1 bytes) its last name
 * ("." for "/" or "a/."; ".." likewise), dcanon the parent's canonical
 * path.  *trailing is set if the path ended in '/'.  Errors as vfs_lookup,
 * -ENOENT for "". */
int vfs_lookup_parent(struct kernel *k, struct proc *p, int dirfd, const char *path,
		      struct inode **dir, char *last, char *dcanon, bool *trailing);
/* Joins a canonical directory path and a name into out (VFS_PATH_MAX):
 * -ENAMETOOLONG if it does not fit. */
int vfs_path_join(char *out, const char *dir, const char *name);

/* File systems of the core. */
int hostfs_mount(struct kernel *k, const char *guest_path, const char *host_dir, unsigned flags,
		 char *msg, size_t msglen);
int devfs_mount(struct kernel *k, const char *guest_path);
/* The console: fds 0, 1, 2 of a top-level process (devfs.c).  fd 0 reads
 * the host's stdin, 1 and 2 write cfg.out and cfg.err. */
struct file *devfs_console(struct kernel *k, int fd);

#endif
