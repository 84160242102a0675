/*
 * procfs_text.c - the contents of the /proc files (see procfs.h), each
 * computed from the kernel's own structures at the moment of the open, in
 * the format of Linux's printers: fs/proc/task_mmu.c (maps),
 * fs/proc/array.c (status, stat, statm), fs/proc/meminfo.c (meminfo).
 * Linux fields vmos has no counterpart for are printed as 0, as Linux
 * prints them for a process or machine that uses none of that feature.
 */
#include "procfs.h"
#include "vfs.h"
#include "vfs_impl.h"
#include "proc.h"
#include "frame.h"
#include "image.h"
#include "pagecache.h"
#include "uaccess.h"
#include "vm_maps_fmt.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* ---- the text buffer ------------------------------------------------------ */

/* Makes room for n more bytes (and a NUL).  False if out of memory. */
static bool ptext_reserve(struct kernel *k, struct ptext *t, size_t n)
{
	if (t->oom)
		return false;
	if (t->len + n + 1 <= t->cap)
		return true;
	size_t cap = t->cap ? t->cap : 256;
	while (cap < t->len + n + 1)
		cap *= 2;
	char *nb = kmalloc(&k->km, cap);
	if (!nb) {
		t->oom = true;
		return false;
	}
	if (t->buf) {
		memcpy(nb, t->buf, t->len);
		kfree(&k->km, t->buf);
	}
	t->buf = nb;
	t->cap = cap;
	return true;
}

void ptext_put(struct kernel *k, struct ptext *t, const void *s, size_t n)
{
	if (!ptext_reserve(k, t, n))
		return;
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = 0;
}

void ptext_printf(struct kernel *k, struct ptext *t, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		ptext_put(k, t, small, (size_t)n);
		return;
	}
	if (!ptext_reserve(k, t, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

void ptext_free(struct kernel *k, struct ptext *t)
{
	kfree(&k->km, t->buf);
	memset(t, 0, sizeof *t);
}

/* ---- per process ------------------------------------------------------------ */

void procfs_text_maps(struct kernel *k, struct proc *q, struct ptext *t)
{
	if (q->state == P_ZOMBIE)
		return;                 /* its address space is gone: empty, as Linux */
	char line[VM_MAPS_LINE_MAX];
	for (struct vm_region *r = vm_map_first(&q->mm->map); r; r = vm_map_next(&q->mm->map, r)) {
		int n = vm_maps_line(k, r, line, sizeof line);
		ptext_put(k, t, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
	}
}

/* What a process's memory is made of, in pages (status, statm). */
struct mem_use {
	uint64_t size, peak;          /* all regions (VmSize, VmPeak) */
	uint64_t rss_anon, rss_file;  /* resident pages by kind (the zero page not counted) */
	uint64_t data, stack, text;   /* VmData, VmStk, VmExe */
	uint64_t swap;                /* swapped-out pages */
};

struct rss_acc { struct kernel *k; uint64_t anon, file, swap; };

static int rss_page(void *arg, const struct pmap_page *pg)
{
	struct rss_acc *a = arg;
	if (pg->swapped)
		a->swap++;
	if (!pg->present)
		return 0;
	switch (pa_frame(&a->k->pa, pg->pa)->owner) {
	case FO_USER: a->anon++; break;
	case FO_ZERO: break;          /* not a "normal" page: Linux counts it nowhere */
	default: a->file++; break;
	}
	return 0;
}

static void mem_use(struct kernel *k, struct proc *q, struct mem_use *u)
{
	memset(u, 0, sizeof *u);
	if (q->state == P_ZOMBIE)
		return;
	struct vm_map *map = &q->mm->map;
	u->size = map->size >> PGSHIFT;
	u->peak = map->size_peak >> PGSHIFT;
	struct rss_acc a = { k, 0, 0, 0 };
	for (struct vm_region *r = vm_map_first(map); r; r = vm_map_next(map, r)) {
		uint64_t pages = (r->end - r->start) >> PGSHIFT;
		/* Linux: VmStk = the stack; VmExe = executable file-backed (text);
		 * VmData = the rest that is private and writable */
		if (r->kind == VMK_STACK)
			u->stack += pages;
		else if ((r->prot & VM_PROT_EXEC) && r->object)
			u->text += pages;
		else if (r->prot & VM_PROT_WRITE)
			u->data += pages;
		pmap_foreach(&q->mm->pmap, r->start, r->end, rss_page, &a);
	}
	u->rss_anon = a.anon;
	u->rss_file = a.file;
	u->swap = a.swap;
}

static char state_letter(const struct proc *q)
{
	switch (q->state) {
	case P_RUNNABLE: return 'R';
	case P_SLEEPING: return 'S';
	default: return 'Z';
	}
}

static const char *state_name(const struct proc *q)
{
	switch (q->state) {
	case P_RUNNABLE: return "R (running)";
	case P_SLEEPING: return "S (sleeping)";
	default: return "Z (zombie)";
	}
}

/* FDSize: the slots of q's descriptor table. */
static int fd_slots(const struct proc *q)
{
	return q->files ? q->files->max : 0;
}

void procfs_text_status(struct kernel *k, struct proc *q, struct ptext *t)
{
	struct mem_use u;
	mem_use(k, q, &u);
	uint64_t hwm = q->st.resident_peak, rss = u.rss_anon + u.rss_file;
	if (hwm < rss)
		hwm = rss;
#define KB(pages) (unsigned long long)((pages) << (PGSHIFT - 10))
	ptext_printf(k, t, "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%u\nNgid:\t0\nPid:\t%u\n"
		     "PPid:\t%u\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%d\n"
		     "Groups:\t\n", q->name, q->umask, state_name(q), q->tgid, q->pid, q->ppid,
		     fd_slots(q));
	if (q->state != P_ZOMBIE) {
		ptext_printf(k, t, "VmPeak:\t%8llu kB\nVmSize:\t%8llu kB\nVmLck:\t%8llu kB\n"
			     "VmPin:\t%8llu kB\nVmHWM:\t%8llu kB\nVmRSS:\t%8llu kB\n"
			     "RssAnon:\t%8llu kB\nRssFile:\t%8llu kB\nRssShmem:\t%8llu kB\n"
			     "VmData:\t%8llu kB\nVmStk:\t%8llu kB\nVmExe:\t%8llu kB\n"
			     "VmLib:\t%8llu kB\nVmPTE:\t%8llu kB\nVmSwap:\t%8llu kB\n",
			     KB(u.peak), KB(u.size), KB(0ULL), KB(0ULL), KB(hwm), KB(rss),
			     KB(u.rss_anon), KB(u.rss_file), KB(0ULL), KB(u.data), KB(u.stack),
			     KB(u.text), KB(0ULL), KB(q->mm->pmap.pt_pages), KB(u.swap));
	}
#undef KB
	ptext_printf(k, t, "Threads:\t1\nSigQ:\t0/%llu\nSigPnd:\t%016x\nShdPnd:\t%016x\n"
		     "SigBlk:\t%016llx\nSigIgn:\t%016x\nSigCgt:\t%016x\n"
		     "CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
		     "CapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n"
		     "CapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\n"
		     "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n"
		     "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n",
		     (unsigned long long)q->res.rlim[LX_RLIMIT_SIGPENDING].rlim_cur, 0, 0,
		     (unsigned long long)q->sigmask, 0, 0);
}

/* Host nanoseconds as clock ticks (USER_HZ = 100). */
static unsigned long long ticks(uint64_t ns) { return (unsigned long long)(ns / 10000000ULL); }

void procfs_text_stat(struct kernel *k, struct proc *q, struct ptext *t)
{
	struct mem_use u;
	mem_use(k, q, &u);
	bool live = q->state != P_ZOMBIE;
	uint64_t code_start = 0, code_end = 0;
	if (live) {
		for (struct vm_region *r = vm_map_first(&q->mm->map); r; r = vm_map_next(&q->mm->map, r))
			if ((r->prot & VM_PROT_EXEC) && r->object) {
				if (!code_start)
					code_start = r->start;
				code_end = r->end;
			}
	}
	/* fs/proc/array.c do_task_stat: 52 fields */
	ptext_printf(k, t, "%u (%s) %c %u %u %u 0 -1 4194304 %llu %llu %llu %llu %llu %llu %llu %llu "
		     "20 0 1 0 0 %llu %llu %llu ", q->pid, q->name, state_letter(q), q->ppid, q->pgid,
		     q->sid, (unsigned long long)res_minflt(q),
		     (unsigned long long)q->res.cminflt, (unsigned long long)res_majflt(q),
		     (unsigned long long)q->res.cmajflt, ticks(q->res.utime_ns),
		     ticks(q->res.stime_ns), ticks(q->res.cutime_ns), ticks(q->res.cstime_ns),
		     (unsigned long long)(u.size << PGSHIFT),
		     (unsigned long long)(u.rss_anon + u.rss_file),
		     (unsigned long long)q->res.rlim[LX_RLIMIT_RSS].rlim_cur);
	ptext_printf(k, t, "%llu %llu %llu 0 0 0 %llu 0 0 0 0 0 17 0 0 0 0 0 0 %llu %llu %llu %llu "
		     "%llu %llu %llu %d\n", (unsigned long long)code_start,
		     (unsigned long long)code_end, (unsigned long long)(live ? q->mm->stack_top : 0),
		     (unsigned long long)q->sigmask,
		     (unsigned long long)(live ? q->mm->brk_start : 0),
		     (unsigned long long)(live ? q->mm->brk_start : 0),
		     (unsigned long long)(live ? q->mm->brk_start : 0),
		     (unsigned long long)(live ? q->mm->arg_start : 0),
		     (unsigned long long)(live ? q->mm->arg_end : 0),
		     (unsigned long long)(live ? q->mm->arg_end : 0),
		     (unsigned long long)(live ? q->mm->arg_end : 0),
		     q->state == P_ZOMBIE ? (q->term_signal ? q->term_signal : q->exit_code << 8) : 0);
}

void procfs_text_statm(struct kernel *k, struct proc *q, struct ptext *t)
{
	struct mem_use u;
	mem_use(k, q, &u);
	/* size resident shared text lib data dt, in pages */
	ptext_printf(k, t, "%llu %llu %llu %llu 0 %llu 0\n", (unsigned long long)u.size,
		     (unsigned long long)(u.rss_anon + u.rss_file), (unsigned long long)u.rss_file,
		     (unsigned long long)u.text, (unsigned long long)(u.data + u.stack));
}

void procfs_text_cmdline(struct kernel *k, struct proc *q, struct ptext *t)
{
	if (q->state == P_ZOMBIE || q->mm->arg_end <= q->mm->arg_start)
		return;
	uint64_t n = q->mm->arg_end - q->mm->arg_start;
	if (n > 128 * 1024)
		n = 128 * 1024;
	if (!ptext_reserve(k, t, (size_t)n))
		return;
	/* read through q's page table: the MMU translates for q meanwhile */
	struct proc *cur = k->current;
	proc_activate(k, q);
	if (copyin(k, q, t->buf + t->len, q->mm->arg_start, (size_t)n) == 0)
		t->len += (size_t)n;
	if (cur && cur != q)
		proc_activate(k, cur);
}

int procfs_exe_path(struct kernel *k, struct proc *q, char *buf, size_t n)
{
	(void)k;
	if (!q->image) {
		buf[0] = 0;
		return 0;
	}
	vm_guest_path(q->image->path, k->cfg.root, buf, n);
	return (int)strlen(buf);
}

/* ---- the machine ------------------------------------------------------------ */

void procfs_text_meminfo(struct kernel *k, struct ptext *t)
{
	const struct page_alloc *pa = &k->pa;
	struct pagecache_info pc;
	pagecache_info(k, &pc);
	uint64_t total = pa->nframes - pa->by_owner[FO_BOOT];
	uint64_t slab = pa->by_owner[FO_SLAB];
	uint64_t swap_total = k->swap.nslots, swap_free = k->swap.nfree;
	/* Linux: Cached counts shmem too; what reclaim can drop is the clean rest */
	uint64_t clean = pc.cached - pc.shmem - (pc.dirty < pc.cached - pc.shmem ? pc.dirty : 0);
	/* superpage leaves of every address space (--thp); one that fork
	 * shares whole (--thp-cow copy) counts in each space that maps it */
	uint64_t thp = 0;
	for (struct proc *q = k->procs; q; q = q->next)
		if (q->pid == q->tgid && q->mm && q->mm->pmap.root)
			thp += q->mm->pmap.nsuper * 512;
	struct { const char *name; uint64_t pages; } rows[] = {
		{ "MemTotal:", total },
		{ "MemFree:", pa->free_frames },
		{ "MemAvailable:", pa->free_frames + clean },
		{ "Buffers:", 0 },
		{ "Cached:", pc.cached },
		{ "SwapCached:", 0 },
		{ "SwapTotal:", swap_total },
		{ "SwapFree:", swap_free },
		{ "Dirty:", pc.dirty },
		{ "Writeback:", 0 },
		{ "AnonPages:", pa->by_owner[FO_USER] },
		{ "Mapped:", pc.mapped },
		{ "Shmem:", pc.shmem },
		{ "KReclaimable:", 0 },
		{ "Slab:", slab },
		{ "SReclaimable:", 0 },
		{ "SUnreclaim:", slab },
		{ "KernelStack:", 0 },
		{ "PageTables:", pa->by_owner[FO_PAGE_TABLE] },
		{ "CommitLimit:", total / 2 + swap_total },
		{ "Committed_AS:", pa->by_owner[FO_USER] + pc.cached },
		{ "AnonHugePages:", thp },
		{ "HugePages_Total:", 0 },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		if (!strncmp(rows[i].name, "HugePages", 9))
			ptext_printf(k, t, "%-16s%8llu\n", rows[i].name, (unsigned long long)rows[i].pages);
		else
			ptext_printf(k, t, "%-16s%8llu kB\n", rows[i].name,
				     (unsigned long long)(rows[i].pages << (PGSHIFT - 10)));
	}
	ptext_printf(k, t, "Hugepagesize:       2048 kB\n");
}

/* /proc/mounts (and PID/mounts): "SOURCE PATH TYPE OPTIONS 0 0" per
 * mount, the root's first; with info, PID/mountinfo's "ID PARENT MAJ:MIN
 * ROOT PATH OPTIONS - TYPE SOURCE SUPEROPTIONS".  The sources tell the
 * guest nothing of the host: the root is /dev/root (as on Linux booted
 * without an initramfs), a --rw directory its own guest path, the others
 * their type, as Linux's tmpfs and proc are. */
void procfs_text_mounts(struct kernel *k, struct ptext *t, bool info)
{
	unsigned id = 20;
	for (struct mount *m = k->vfs->mounts; m; m = m->next, id++) {
		const char *source = m->fstype;
		if (!strcmp(m->fstype, "hostfs"))
			source = strcmp(m->path, "/") ? m->path : "/dev/root";
		const char *opts = m->flags & MNT_RDONLY ? "ro,relatime" : "rw,relatime";
		if (!info) {
			ptext_printf(k, t, "%s %s %s %s 0 0\n", source, m->path, m->fstype, opts);
			continue;
		}
		/* the parent: the mount with the longest path above this one */
		unsigned parent = 1, pid = 20;
		size_t best = 0;
		for (struct mount *q = k->vfs->mounts; q; q = q->next, pid++) {
			size_t n = strlen(q->path);
			bool above = q != m && (n == 1 || (!strncmp(m->path, q->path, n) &&
							   m->path[n] == '/'));
			if (above && n >= best) {
				best = n;
				parent = pid;
			}
		}
		struct lx_stat st;
		memset(&st, 0, sizeof st);
		if (m->root)
			vfs_getattr(k, m->root, &st);
		ptext_printf(k, t, "%u %u %u:%u / %s %s - %s %s %s\n", id, parent,
			     major(st.st_dev), minor(st.st_dev), m->path, opts, m->fstype, source,
			     m->flags & MNT_RDONLY ? "ro" : "rw");
	}
}

/* /proc/stat: one hart.  user and system time are the processes' own
 * (every process's, reaped or not, as their parents folded them in), idle
 * the rest of the time since boot, in USER_HZ (100) ticks; ctxt the context
 * switches, processes the forks since boot, procs_running the runnable
 * processes, btime the boot's wall-clock second. */
void procfs_text_machine_stat(struct kernel *k, struct ptext *t)
{
	uint64_t user = 0, sys = 0, running = 0;
	for (struct proc *q = k->procs; q; q = q->next) {
		user += q->res.utime_ns + (q->pid == q->tgid ? q->res.cutime_ns : 0);
		sys += q->res.stime_ns + (q->pid == q->tgid ? q->res.cstime_ns : 0);
		running += q->state == P_RUNNABLE;
	}
	struct timespec ts, rt;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	clock_gettime(CLOCK_REALTIME, &rt);
	uint64_t now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	uint64_t up = now > k->boot_ns ? now - k->boot_ns : 0;
	uint64_t idle = up > user + sys ? up - user - sys : 0;
	for (int cpu = -1; cpu < 1; cpu++)
		ptext_printf(k, t, "cpu%s %llu 0 %llu %llu 0 0 0 0 0 0\n", cpu < 0 ? " " : "0",
			     ticks(user), ticks(sys), ticks(idle));
	ptext_printf(k, t, "intr 0\nctxt %llu\nbtime %llu\nprocesses %u\nprocs_running %llu\n"
		     "procs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n",
		     (unsigned long long)k->stats.context_switches,
		     (unsigned long long)((uint64_t)rt.tv_sec - up / 1000000000ULL),
		     k->next_pid > 0 ? k->next_pid - 1 : 0, (unsigned long long)(running ? running : 1));
}

/* /proc/loadavg: vmos keeps no load averages (0.00); then the runnable and
 * all live processes, and the last pid given out. */
void procfs_text_loadavg(struct kernel *k, struct ptext *t)
{
	unsigned running = 0, all = 0;
	for (struct proc *q = k->procs; q; q = q->next)
		if (q->state != P_ZOMBIE) {
			all++;
			running += q->state == P_RUNNABLE;
		}
	ptext_printf(k, t, "0.00 0.00 0.00 %u/%u %u\n", running ? running : 1, all,
		     k->next_pid > 0 ? k->next_pid - 1 : 0);
}

void procfs_text_uptime(struct kernel *k, struct ptext *t)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	uint64_t up = now > k->boot_ns ? now - k->boot_ns : 0;
	ptext_printf(k, t, "%llu.%02llu 0.00\n", (unsigned long long)(up / 1000000000ULL),
		     (unsigned long long)(up / 10000000ULL % 100));
}
