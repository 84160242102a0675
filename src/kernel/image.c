/*
 * image.c - executable images (see image.h): opening a program file without
 * blocking, reading it once into host memory that stands for the disk, the
 * cache of images by file identity, and the page cache of file frames.
 */
#include "image.h"
#include "frame.h"
#include "pagecache.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
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

static const char *file_kind(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device" :
	       S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

static int64_t ts_ns(struct timespec t)
{
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static bool same_file(const struct exec_image *im, const struct stat *st)
{
	return im->dev == (uint64_t)st->st_dev && im->ino == (uint64_t)st->st_ino &&
	       im->size == (size_t)st->st_size && im->mtime_ns == ts_ns(st->st_mtim) &&
	       im->ctime_ns == ts_ns(st->st_ctim);
}

/* Reads the regular file fd (want bytes, its size by fstat) into a new
 * read-only host mapping of PGROUNDUP(*size) bytes.  Returns it with *size =
 * the bytes read (fewer if the file shrank meanwhile, never more than want),
 * or NULL with *err (-ENOMEM, -EIO, or -ENOEXEC if nothing was left). */
static uint8_t *read_file(int fd, size_t want, size_t *size, int *err)
{
	size_t maplen = PGROUNDUP(want);
	uint8_t *data = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			     0);
	if (data == MAP_FAILED) {
		*err = -ENOMEM;
		return NULL;
	}
	size_t got = 0;
	while (got < want) {
		ssize_t n = read(fd, data + got, want - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*err = -EIO;
			munmap(data, maplen);
			return NULL;
		}
		if (n == 0)
			break;               /* shrank since fstat: keep what there was */
		got += (size_t)n;
	}
	if (got == 0) {
		*err = -ENOEXEC;
		munmap(data, maplen);
		return NULL;
	}
	if (PGROUNDUP(got) < maplen)
		munmap(data + PGROUNDUP(got), maplen - PGROUNDUP(got));
	mprotect(data, PGROUNDUP(got), PROT_READ);
	*size = got;
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

struct exec_image *image_get(struct kernel *k, const char *path, unsigned flags, int *err,
			     char *msg, size_t msglen)
{
	struct exec_image *im = NULL;
	uint8_t *data = NULL;
	size_t size = 0;
	int rc;
	/* O_NONBLOCK: opening a FIFO with no writer would wait forever */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (e == ENXIO)          /* a socket or a device without a driver */
			FAIL(-EACCES, "%s: not a regular file", path);
		FAIL(-e, "%s: %s", path, strerror(e));
	}
	struct stat st;
	if (fstat(fd, &st) < 0)
		FAIL(-EIO, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		FAIL(-EACCES, "%s: cannot execute %s", path, file_kind(st.st_mode));
	if ((flags & IMAGE_NEED_EXEC) && !(st.st_mode & 0111))
		FAIL(-EACCES, "%s: no execute permission", path);
	if (st.st_size == 0)
		FAIL(-ENOEXEC, "%s: empty file", path);
	if ((uint64_t)st.st_size > IMAGE_MAX_BYTES)
		FAIL(-ENOMEM, "%s: file too large (%lld bytes; vmos loads programs of at most %llu MiB)",
		     path, (long long)st.st_size, IMAGE_MAX_BYTES >> 20);
	for (im = k->images; im; im = im->next)
		if (same_file(im, &st)) {
			im->refs++;
			close(fd);
			return im;
		}
	data = read_file(fd, (size_t)st.st_size, &size, &rc);
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
	im->dev = (uint64_t)st.st_dev;
	im->ino = (uint64_t)st.st_ino;
	im->mtime_ns = ts_ns(st.st_mtim);
	im->ctime_ns = ts_ns(st.st_ctim);
	im->path = kstrdup(k, path);
	if (!im->path || !(im->obj = vm_object_create(k, &image_pager, im, size)))
		FAIL(-ENOMEM, "%s: out of kernel memory", path);
	if (size != (size_t)st.st_size)     /* shrank while read: never match it again */
		im->ctime_ns = -1;
	close(fd);
	im->refs = 1;
	im->next = k->images;
	k->images = im;
	return im;
fail:
	if (fd >= 0)
		close(fd);
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
