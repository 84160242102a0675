/*
 * image.h - executable images: a program file as the kernel sees it.
 *
 * An exec_image is the file's bytes, read once when it is opened, its
 * validated ELF headers, and its vm_object (pagecache.h, pager "image"):
 * the page cache of the file pages already touched, shared by every process
 * that runs the program.  Images are reference counted by the processes
 * using them (and by exec while it loads one); the object by the image and
 * by every region mapping it, and the last of those frees the image's
 * bytes and record (an image leaves k->images with its last reference).
 *
 * Where the bytes live.  The copy read at open stands for the disk: host
 * memory outside simulated RAM (an anonymous host mapping, like the swap
 * device), read-only once filled.  It is what file faults copy pages from
 * and what a dropped page-cache page is read again from, so nothing the
 * host does to the file later - truncating, rewriting, replacing it - can
 * reach the running program or the host process (a lazily mapped file
 * would raise SIGBUS in vmos on the first touch of a page past a new end of
 * file).  The guest-visible copies are the page-cache frames in simulated
 * RAM, as DESIGN.md wants.  A file larger than IMAGE_MAX_BYTES is refused.
 *
 * The cache of images is keyed by the file's identity (device, inode, size,
 * modification and change times), not by its path: a program rebuilt while
 * vmos runs is read again, and two paths to one file share one image.
 */
#ifndef VMOS_KERNEL_IMAGE_H
#define VMOS_KERNEL_IMAGE_H

#include "kernel.h"
#include "elf.h"

#define IMAGE_MAX_BYTES (64ULL << 20)   /* largest program file vmos loads */

struct exec_image {
	char *path;                /* the path it was first opened by (kmalloc'd) */
	const uint8_t *data;       /* the file's bytes as read at open (host memory) */
	size_t size;
	uint64_t dev, ino;         /* identity of the file read (cache key) */
	int64_t mtime_ns, ctime_ns;
	struct elf_image elf;
	struct vm_object *obj;     /* its pages (one reference, the image's) */
	int refs;
	struct exec_image *next;
};

/* image_get flags */
#define IMAGE_NEED_EXEC 0x1   /* refuse a file without an execute bit (execve) */

/* Opens path - a host path, with the rights of the user running vmos - and
 * returns its image with a new reference: the one already cached for the
 * same file, or a new one, read completely and validated.  The open never
 * blocks (O_NONBLOCK: a FIFO or a device is refused, not waited on).
 * Returns NULL with *err and a one-line reason in msg (msglen bytes):
 *   -ENOENT, -EACCES, ... from the host's open(2) of path;
 *   -EACCES   not a regular file (directory, FIFO, device, socket), or no
 *             execute bit with IMAGE_NEED_EXEC (the guest runs as uid 0, and
 *             Linux lets root run a file with any execute bit);
 *   -ENOEXEC  empty, not an ELF file vmos can run, or malformed (elf.h's
 *             EINVAL cases: to execve any file that cannot be loaded is "not
 *             an executable format");
 *   -ENOMEM   larger than IMAGE_MAX_BYTES, or out of kernel or host memory;
 *   -EIO      the host could not read it. */
struct exec_image *image_get(struct kernel *k, const char *path, unsigned flags, int *err,
			     char *msg, size_t msglen);
/* Drops a reference; the last one takes the image out of the cache of
 * images and drops its object's reference (the object frees the page
 * cache, the bytes and the record when the last region mapping it goes). */
void image_put(struct kernel *k, struct exec_image *img);

#endif
