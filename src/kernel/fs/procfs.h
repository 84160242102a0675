/*
 * procfs.h - /proc: the kernel's state as files, in Linux's formats
 * (proc(5)), computed when a file is opened.
 *
 *   /proc/self            symlink to the caller's pid
 *   /proc/meminfo         memory counters of the machine (page allocator, swap)
 *   /proc/uptime, version, mounts
 *   /proc/PID/            one directory per process of the caller's program tree
 *       exe               symlink to the program's path
 *       cwd, root         symlinks to the cwd and to / (the guest's root: nothing
 *                         outside it is reachable through them)
 *       fd/N              symlinks to what each descriptor has open
 *       maps              the regions (vm_maps_fmt.c: the same lines as --maps)
 *       status, stat, statm, cmdline, comm
 *
 * The text of a file is made by the procfs_text_* functions below into a
 * growable kmalloc'd buffer; procfs.c serves it through the VFS.
 */
#ifndef VMOS_KERNEL_FS_PROCFS_H
#define VMOS_KERNEL_FS_PROCFS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kernel;
struct proc;

/* A text being made: kmalloc'd, grown by doubling.  oom: an allocation
 * failed (the text is cut there; the open fails with ENOMEM). */
struct ptext {
	char *buf;
	size_t len, cap;
	bool oom;
};

void ptext_printf(struct kernel *k, struct ptext *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ptext_put(struct kernel *k, struct ptext *t, const void *s, size_t n);
void ptext_free(struct kernel *k, struct ptext *t);

/* The files' texts, for process q (alive or a zombie). */
void procfs_text_maps(struct kernel *k, struct proc *q, struct ptext *t);
void procfs_text_status(struct kernel *k, struct proc *q, struct ptext *t);
void procfs_text_stat(struct kernel *k, struct proc *q, struct ptext *t);
void procfs_text_statm(struct kernel *k, struct proc *q, struct ptext *t);
/* argv as the process's memory holds it now, NUL after each string (read
 * through q's page table, as Linux's access_process_vm); empty for a zombie. */
void procfs_text_cmdline(struct kernel *k, struct proc *q, struct ptext *t);
void procfs_text_meminfo(struct kernel *k, struct ptext *t);
void procfs_text_uptime(struct kernel *k, struct ptext *t);
void procfs_text_machine_stat(struct kernel *k, struct ptext *t);
void procfs_text_loadavg(struct kernel *k, struct ptext *t);
void procfs_text_mounts(struct kernel *k, struct ptext *t, bool info);

/* The guest path of q's program (the exe link): the path it was executed
 * by, made absolute; written to buf (n bytes).  Returns its length. */
int procfs_exe_path(struct kernel *k, struct proc *q, char *buf, size_t n);

/* Mounts procfs at path ("/proc", from vfs_init's table).  0 or -ENOMEM. */
int procfs_mount(struct kernel *k, const char *path);

#endif
