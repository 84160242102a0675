/*
 * vm_maps_fmt.c - a region as a line of /proc/PID/maps (see vm_maps_fmt.h).
 */
#include "vm_maps_fmt.h"
#include "image.h"
#include "kernel.h"
#include "pagecache.h"
#include "vm_prot.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

const char *vm_guest_path(const char *host_path, const char *root, char *buf, size_t n)
{
	char abs[PATH_MAX], rootabs[PATH_MAX];
	const char *path = host_path;
	if (path[0] != '/' && realpath(path, abs))
		path = abs;
	if (root && realpath(root, rootabs)) {
		size_t rl = strlen(rootabs);
		if (rl == 1)
			rl = 0;                      /* --root / */
		if (!strncmp(path, rootabs, rl) && (path[rl] == '/' || !path[rl])) {
			snprintf(buf, n, "%s", path[rl] ? path + rl : "/");
			return buf;
		}
	}
	if (path != buf)
		snprintf(buf, n, "%s", path);
	return buf;
}

/* The exec image behind r's object, or NULL (anonymous, or another object). */
static const struct exec_image *region_image(const struct vm_region *r)
{
	return r->object && !strcmp(r->object->ops->name, "image") ? r->object->priv : NULL;
}

const char *vm_region_name(struct kernel *k, const struct vm_region *r, char *buf, size_t n)
{
	const struct exec_image *im = region_image(r);
	if (im)
		return vm_guest_path(im->path, k->cfg.root, buf, n);
	if (r->object) {               /* a mapped file, shared memory */
		char desc[PATH_MAX];
		vm_object_describe(k, r->object, desc, sizeof desc);
		if (desc[0] == '/')        /* a host file: by its guest path */
			return vm_guest_path(desc, k->cfg.root, buf, n);
		snprintf(buf, n, "%s", desc);
		return buf;
	}
	switch (r->kind) {
	case VMK_HEAP: return "[heap]";
	case VMK_STACK: return "[stack]";
	case VMK_VDSO: return "[vdso]";
	case VMK_VVAR: return "[vvar]";
	default: return NULL;
	}
}

int vm_maps_line(struct kernel *k, const struct vm_region *r, char *buf, size_t n)
{
	const struct exec_image *im = region_image(r);
	char path[PATH_MAX];
	/* the file's device and inode: the program's, or a mapped file's */
	uint64_t dev = im ? im->dev : r->object ? r->object->dev : 0;
	uint64_t ino = im ? im->ino : r->object ? r->object->ino : 0;
	int len = snprintf(buf, n, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ",
			   (unsigned long long)r->start, (unsigned long long)r->end,
			   (r->prot & VM_PROT_READ) ? 'r' : '-', (r->prot & VM_PROT_WRITE) ? 'w' : '-',
			   (r->prot & VM_PROT_EXEC) ? 'x' : '-', (r->flags & VMR_SHARED) ? 's' : 'p',
			   (unsigned long long)(r->object ? r->obj_offset : 0), major(dev), minor(dev),
			   (unsigned long long)ino);
	const char *name = vm_region_name(k, r, path, sizeof path);
	size_t at = len < 0 ? 0 : (size_t)len < n ? (size_t)len : n;
	/* Linux ends the prefix with a space (so an anonymous line ends in
	 * one), and before a name pads to seq_setwidth(25 + 6 * sizeof(void *)
	 * - 1) = 72 columns and adds one more space: names start at column 73. */
	int more = name ? snprintf(buf + at, n - at, "%*s %s\n", len < 72 ? 72 - len : 0, "", name) :
			  snprintf(buf + at, n - at, "\n");
	return len + more;
}
