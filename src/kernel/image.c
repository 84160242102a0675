/*
 * image.c - executable images (see image.h): opening a program file through
 * the VFS without blocking, reading it once into host memory that stands for the disk, the
 * cache of images by file identity, and the page cache of file frames.
 */
#include "image.h"
#include "frame.h"
#include "fs/vfs.h"
#include "pagecache.h"

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>           /* host memory for images, not guest ABI */
#include <sys/stat.h>
#include <unistd.h>

static char *kstrdup(struct kernel *k, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = kmalloc(&k->km, n);
	if (d)
		memcpy(d, s, n);
	return d;
}

static const char *file_kind(uint32_t m)
{
	switch (m & LX_S_IFMT) {
	case LX_S_IFDIR: return "a directory";
	case LX_S_IFIFO: return "a FIFO";
	case LX_S_IFCHR: return "a character device";
	case LX_S_IFBLK: return "a block device";
	case LX_S_IFSOCK: return "a socket";
	default: return "not a regular file";
	}
}

static int64_t ts_ns(int64_t sec, uint64_t nsec)
{
	return sec * 1000000000 + (int64_t)nsec;
}

static bool same_file(const struct exec_image *im, const struct lx_stat *st)
{
	return im->dev == st->st_dev && im->ino == st->st_ino &&
	       im->size == (size_t)st->st_size &&
	       im->mtime_ns == ts_ns(st->st_mtime_sec, st->st_mtime_nsec) &&
	       im->ctime_ns == ts_ns(st->st_ctime_sec, st->st_ctime_nsec);
}

/* Where the bytes come from: a file of the VFS, or (IMAGE_HOST_PATH: the
 * program `vmos run` starts) a host file descriptor. */
struct image_src {
	struct file *f;
	int fd;
};

static int64_t src_pread(struct kernel *k, struct proc *p, struct image_src *s, void *buf,
			 size_t n, uint64_t off)
{
	if (s->f)
		return vfs_pread(k, p, s->f, buf, n, off);
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(s->fd, (char *)buf + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -EIO;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (int64_t)got;
}

static void src_close(struct kernel *k, struct image_src *s)
{
	if (s->f)
		file_put(k, s->f);
	if (s->fd >= 0)
		close(s->fd);
	s->f = NULL;
	s->fd = -1;
}

/* Reads the source (want bytes, its size by fstat) into a new read-only
 * host mapping of PGROUNDUP(*size) bytes.  Returns it with *size = the bytes
 * read (fewer if the file shrank meanwhile, never more than want), or NULL
 * with *err (-ENOMEM, -EIO, or -ENOEXEC if nothing was left). */
static uint8_t *read_file(struct kernel *k, struct proc *p, struct image_src *src, size_t want,
			  size_t *size, int *err)
{
	size_t maplen = PGROUNDUP(want);
	uint8_t *data = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			     0);
	if (data == MAP_FAILED) {
		*err = -ENOMEM;
		return NULL;
	}
	int64_t got = src_pread(k, p, src, data, want, 0);
	if (got < 0) {
		*err = -EIO;
		munmap(data, maplen);
		return NULL;
	}
	if (got == 0) {
		*err = -ENOEXEC;
		munmap(data, maplen);
		return NULL;
	}
	if (PGROUNDUP((size_t)got) < maplen)
		munmap(data + PGROUNDUP((size_t)got), maplen - PGROUNDUP((size_t)got));
	mprotect(data, PGROUNDUP((size_t)got), PROT_READ);
	*size = (size_t)got;
	return data;
}

/* The "image" pager: pages come from the bytes read at open. */
static int image_read_page(struct kernel *k, struct vm_object *o, uint64_t index, uint8_t *dst)
{
	(void)k;
	const struct exec_image *im = o->priv;
	uint64_t off = index << PGSHIFT;
	uint64_t n = off >= im->size ? 0 : im->size - off < PGSIZE ? im->size - off : PGSIZE;
	if (n)
		memcpy(dst, im->data + off, n);
	memset(dst + n, 0, PGSIZE - n);
	return 0;
}

/* The object's last reference: the bytes and the record go. */
static void image_release(struct kernel *k, struct vm_object *o)
{
	struct exec_image *im = o->priv;
	munmap((void *)im->data, PGROUNDUP(im->size));
	kfree(&k->km, im->path);
	kfree(&k->km, im);
}

static void image_describe(struct kernel *k, struct vm_object *o, char *buf, size_t n)
{
	(void)k;
	const struct exec_image *im = o->priv;
	snprintf(buf, n, "%s", im->path);
}

static const struct pager_ops image_pager = {
	.name = "image", .read_page = image_read_page, .release = image_release,
	.describe = image_describe,
};

#define FAIL(code, ...) do { rc = (code); snprintf(msg, msglen, __VA_ARGS__); goto fail; } while (0)

/* Opens a host path (IMAGE_HOST_PATH) with the rights of the user running
 * vmos, never blocking, and describes it in *st as the VFS would. */
static int host_open(const char *path, struct image_src *src, struct lx_stat *st)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat hs;
	if (fstat(fd, &hs) < 0) {
		close(fd);
		return -EIO;
	}
	memset(st, 0, sizeof *st);
	st->st_dev = (uint64_t)hs.st_dev;
	st->st_ino = (uint64_t)hs.st_ino;
	st->st_mode = (uint32_t)hs.st_mode;     /* the S_IF* values are Linux's */
	st->st_size = (int64_t)hs.st_size;
	st->st_mtime_sec = hs.st_mtim.tv_sec;
	st->st_mtime_nsec = (uint64_t)hs.st_mtim.tv_nsec;
	st->st_ctime_sec = hs.st_ctim.tv_sec;
	st->st_ctime_nsec = (uint64_t)hs.st_ctim.tv_nsec;
	src->fd = fd;
	return 0;
}

/* Opens the program file at path for exec and checks what exec requires
 * of it before reading a byte (image.h: image_get's -ENOENT ... -ENOMEM
 * cases).  Returns 0 with *src open and *st filled, or a negative errno
 * with the reason in msg.
 *
 * This is the one place where exec turns a path into a file: resolved by
 * the VFS inside the guest root, relative to p's cwd (p NULL: vmos run's
 * initial context), following symlinks - except the program `vmos run`
 * names (IMAGE_HOST_PATH), a host path as for qemu-riscv64 -L. */
static int image_open(struct kernel *k, struct proc *p, const char *path, unsigned flags,
		      struct image_src *src, struct lx_stat *st, char *msg, size_t msglen)
{
	int rc;
	src->f = NULL;
	src->fd = -1;
	if (flags & IMAGE_HOST_PATH)
		rc = host_open(path, src, st);
	/* O_NONBLOCK: opening a FIFO with no writer would wait forever */
	else if ((rc = vfs_open_path(k, p, LX_AT_FDCWD, path, LX_O_RDONLY | LX_O_NONBLOCK,
				     &src->f)) == 0 && (rc = vfs_fstat(k, src->f, st)) < 0)
		FAIL(rc, "%s: %s", path, strerror(-rc));
	if (rc < 0) {
		struct inode *ino;
		if (rc == -ENXIO && !(flags & IMAGE_HOST_PATH) &&
		    vfs_lookup(k, p, LX_AT_FDCWD, path, LOOKUP_FOLLOW, &ino, NULL) == 0) {
			/* a host FIFO, device or socket: never opened (Linux: EACCES) */
			uint32_t mode = ino->mode;
			inode_put(k, ino);
			FAIL(-EACCES, "%s: cannot execute %s", path, file_kind(mode));
		}
		if (rc == -ENXIO)        /* a socket or a device without a driver */
			FAIL(-EACCES, "%s: not a regular file", path);
		FAIL(rc, "%s: %s", path, strerror(-rc));
	}
	if ((st->st_mode & LX_S_IFMT) != LX_S_IFREG)
		FAIL(-EACCES, "%s: cannot execute %s", path, file_kind(st->st_mode));
	if ((flags & IMAGE_NEED_EXEC) && !(st->st_mode & 0111))
		FAIL(-EACCES, "%s: no execute permission", path);
	if (st->st_size == 0)
		FAIL(-ENOEXEC, "%s: empty file", path);
	return 0;
fail:
	src_close(k, src);
	return rc;
}

int image_read_head(struct kernel *k, struct proc *p, const char *path, unsigned flags, char *buf,
		    size_t n, char *msg, size_t msglen)
{
	struct lx_stat st;
	struct image_src src;
	int rc = image_open(k, p, path, flags, &src, &st, msg, msglen);
	if (rc < 0)
		return rc;
	int64_t got = src_pread(k, p, &src, buf, n, 0);
	src_close(k, &src);
	if (got < 0) {
		snprintf(msg, msglen, "%s: cannot read the file: %s", path, strerror((int)-got));
		return -EIO;
	}
	return (int)got;
}

struct exec_image *image_get(struct kernel *k, struct proc *p, const char *path, unsigned flags,
			     int *err, char *msg, size_t msglen)
{
	struct exec_image *im = NULL;
	uint8_t *data = NULL;
	size_t size = 0;
	struct lx_stat st;
	struct image_src src;
	int rc = image_open(k, p, path, flags, &src, &st, msg, msglen);
	if (rc < 0) {
		*err = rc;
		return NULL;
	}
	if ((uint64_t)st.st_size > IMAGE_MAX_BYTES)
		FAIL(-ENOMEM, "%s: file too large (%lld bytes; vmos loads programs of at most %llu MiB)",
		     path, (long long)st.st_size, IMAGE_MAX_BYTES >> 20);
	for (im = k->images; im; im = im->next)
		if (same_file(im, &st)) {
			im->refs++;
			src_close(k, &src);
			return im;
		}
	data = read_file(k, p, &src, (size_t)st.st_size, &size, &rc);
	if (!data && rc == -ENOEXEC)
		FAIL(rc, "%s: empty file", path);
	if (!data)
		FAIL(rc, "%s: cannot read the file: %s", path, strerror(-rc));
	im = kzalloc(&k->km, sizeof *im);
	if (!im)
		FAIL(-ENOMEM, "%s: out of kernel memory", path);
	char emsg[160];
	rc = elf_parse(data, size, user_top(k->cfg.levels), &im->elf, emsg, sizeof emsg);
	if (rc < 0)
		FAIL(-ENOEXEC, "%s: %s", path, emsg);
	for (int i = 0; i < im->elf.nsegs; i++)
		if (im->elf.seg[i].flags)
			FAIL(-ENOEXEC, "%s: segments share a page (nmagic link); not supported", path);
	im->data = data;
	im->size = size;
	im->dev = st.st_dev;
	im->ino = st.st_ino;
	im->mtime_ns = ts_ns(st.st_mtime_sec, st.st_mtime_nsec);
	im->ctime_ns = ts_ns(st.st_ctime_sec, st.st_ctime_nsec);
	/* the guest's name for it: the canonical path inside the root */
	im->path = kstrdup(k, src.f && src.f->path ? src.f->path : path);
	if (!im->path || !(im->obj = vm_object_create(k, &image_pager, im, size)))
		FAIL(-ENOMEM, "%s: out of kernel memory", path);
	if (size != (size_t)st.st_size)     /* shrank while read: never match it again */
		im->ctime_ns = -1;
	src_close(k, &src);
	im->refs = 1;
	im->next = k->images;
	k->images = im;
	return im;
fail:
	src_close(k, &src);
	if (im) {
		kfree(&k->km, im->path);
		kfree(&k->km, im);
	}
	if (data)
		munmap(data, PGROUNDUP(size));
	*err = rc;
	return NULL;
}

void image_put(struct kernel *k, struct exec_image *im)
{
	if (!im || --im->refs > 0)
		return;
	struct exec_image **pp = &k->images;
	while (*pp != im)
		pp = &(*pp)->next;
	*pp = im->next;
	vm_object_put(k, im->obj);   /* the last reference frees im (image_release) */
}
