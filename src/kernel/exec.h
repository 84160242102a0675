/*
 * exec.h - executable images and building a process's initial address space.
 *
 * An exec_image is a program file as the kernel sees it: the file's bytes
 * (read-only host mapping - the "disk"), its validated ELF headers, and a
 * page cache of frames holding file pages already read, shared by every
 * process that runs the program.  Images are reference counted by the
 * processes using them.
 */
#ifndef VMOS_KERNEL_EXEC_H
#define VMOS_KERNEL_EXEC_H

#include "kernel.h"
#include "elf.h"

struct exec_image {
	char *path;                /* kmalloc'd */
	const uint8_t *data;       /* the file, mapped read-only from the host */
	size_t size;
	struct elf_image elf;
	uint64_t *cache;           /* PA of each cached file page, or 0 (kmalloc'd) */
	uint64_t npages;
	int refs;
	struct exec_image *next;
};

/* Opens path (or finds it already open) and validates it.  Returns the image
 * with a new reference, or NULL with *err = -ENOENT/-ENOEXEC/-EINVAL/-ENOMEM
 * and a message in msg. */
struct exec_image *image_get(struct kernel *k, const char *path, int *err, char *msg,
			     size_t msglen);
void image_put(struct kernel *k, struct exec_image *img);

/* Returns the frame caching file page `index` of img, reading it on first
 * use (on behalf of p); 0 if out of memory.  The frame holds one reference for the cache. */
uint64_t image_page(struct kernel *k, struct proc *p, struct exec_image *img, uint64_t index);

/* Sets up p's regions for img and its initial stack with argv, envp and
 * auxv; sets p->pc and p->x[2] (sp).  Returns 0 or a negative errno. */
int exec_load(struct kernel *k, struct proc *p, struct exec_image *img, char *const argv[],
	      char *const envp[]);

#endif
