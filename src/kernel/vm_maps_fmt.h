/*
 * vm_maps_fmt.h - the lines of /proc/PID/maps: one code for the guest's
 * /proc/self/maps (fs/procfs.c) and for `vmos run --maps` and smaps
 * (tools/procview.c), so the two can never disagree.
 *
 * The format is Linux's (fs/proc/task_mmu.c show_map_vma, proc(5)):
 *   "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu", then, if the region has
 *   a name, spaces up to column 73 and the name; an anonymous line ends in
 *   one space.  The name is the program's path for its file-backed
 *   segments, a mapped file's path, the page cache's name for shared
 *   memory, [heap], [stack] or [vdso]; anonymous regions (bss, mmap)
 *   have none.
 */
#ifndef VMOS_KERNEL_VM_MAPS_FMT_H
#define VMOS_KERNEL_VM_MAPS_FMT_H

#include <stddef.h>
#include "vm_map.h"

/* Room for any maps line: the prefix, padding and a path. */
#define VM_MAPS_LINE_MAX (128 + 4096)

/* The guest path of a program the host knows as host_path, into buf (n
 * bytes): made absolute, as the kernel shows d_path(), and with root (the
 * host directory shown as the guest's /, NULL for the host's /) taken off
 * its front.  A program outside root keeps its host path. */
const char *vm_guest_path(const char *host_path, const char *root, char *buf, size_t n);

struct kernel;

/* The name Linux shows for r, or NULL (anonymous): written into buf (n
 * bytes) when it is a path - the program's or a mapped file's guest path
 * (vm_guest_path with k's --root), or the page cache's name for other
 * objects (shared memory). */
const char *vm_region_name(struct kernel *k, const struct vm_region *r, char *buf, size_t n);

/* Writes the maps line of r, '\n' included, into buf (n bytes, NUL
 * terminated).  Returns its length (snprintf's: more than n - 1 if cut). */
int vm_maps_line(struct kernel *k, const struct vm_region *r, char *buf, size_t n);

#endif
