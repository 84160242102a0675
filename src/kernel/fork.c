/*
 * fork.c - process creation and ending as the program sees it: fork (clone
 * with SIGCHLD) with copy-on-write, execve, wait4, kill.
 *
 * fork copies the region map and, page by page, the page tables: each
 * present page (of any region: all are private, and mprotect may make a
 * read-only one writable) is entered in both address spaces without write
 * permission and marked copy-on-write, and its frame gains a
 * reference; the first write on either side copies it (vm.c, fault_cow), and
 * a frame whose other users have gone is taken over without a copy.
 *
 * A process whose parent exits is handed to the kernel (ppid 0), which
 * reaps it when it ends - the role init plays on Linux.  The processes that
 * `vmos run` starts are children of the kernel too, but stay zombies until
 * the run reports their status.
 */
#include "fork.h"
#include "exec.h"
#include "proc.h"
#include "swap.h"
#include "uaccess.h"
#include "vm.h"

#include <errno.h>
#include <string.h>

#define CLONE_VM        0x00000100
#define CLONE_FS        0x00000200
#define CLONE_FILES     0x00000400
#define CLONE_SIGHAND   0x00000800
#define CLONE_THREAD    0x00010000
#define CSIGNAL         0x000000ff
#define SIGCHLD         17
#define WNOHANG         1

struct fork_ctx {
	struct kernel *k;
	struct proc *parent, *child;
	int rc;
};

static int copy_page(void *arg, const struct pmap_page *pg)
{
	struct fork_ctx *c = arg;
	if (pg->swapped) {
		int rc = pmap_set_swapped(&c->child->pmap, pg->va, pg->swap_slot);
		if (rc < 0) {
			c->rc = rc;
			return 1;
		}
		swap_ref(c->k, pg->swap_slot);
		return 0;
	}
	if (!pg->present)
		return 0;
	struct vm_region *r = vm_map_lookup(&c->parent->map, pg->va);
	/* Every mapping is private, so every page fork shares is
	 * copy-on-write, read-only ones too: mprotect may make the region
	 * writable later in either process (Linux marks a private mapping
	 * COW by VM_MAYWRITE, not by its protection of the moment). */
	bool cow = true;
	unsigned prot = r ? r->prot : pg->prot;
	pa_frame(&c->k->pa, pg->pa)->refcount++;
	int rc = vm_enter(c->k, c->child, pg->va, pg->pa, prot, cow);
	if (rc < 0) {
		c->rc = rc;
		return 1;
	}
	if (cow && !pg->cow)
		pmap_enter(&c->parent->pmap, pg->va, pg->pa, prot, true);  /* same table slot: cannot fail */
	return 0;
}

int64_t sys_clone(struct kernel *k, struct proc *p, uint64_t flags, uint64_t stack)
{
	if (flags & (CLONE_VM | CLONE_THREAD | CLONE_SIGHAND))
		return -EINVAL;          /* threads are not supported */
	unsigned live = 0;
	for (struct proc *q = k->procs; q; q = q->next)
		live += q->tree == p->tree && q->state != P_ZOMBIE;
	if (live >= k->cfg.max_procs) {
		k->stats.fork_refused++;
		return -EAGAIN;          /* as Linux does at RLIMIT_NPROC */
	}
	struct proc *c = proc_create(k, p->name);
	if (!c)
		return -ENOMEM;
	c->ppid = p->pid;
	c->tree = p->tree;
	for (struct vm_region *r = vm_map_first(&p->map); r; r = vm_map_next(&p->map, r))
		if (vm_map_insert(&c->map, r->start, r->end, r->prot, r->kind, r->object,
				  r->obj_offset, r->file_end, NULL) < 0)
			goto fail;
	struct fork_ctx ctx = { k, p, c, 0 };
	pmap_foreach(&p->pmap, 0, user_top(k->cfg.levels), copy_page, &ctx);
	if (ctx.rc < 0)
		goto fail;
	memcpy(c->x, p->x, sizeof c->x);
	c->x[10] = 0;                 /* the child sees 0 */
	if (stack)
		c->x[2] = stack;
	c->pc = p->pc;
	c->image = p->image;
	p->image->refs++;
	c->brk_start = p->brk_start;
	c->brk = p->brk;
	c->stack_top = p->stack_top;
	c->mmap_base = p->mmap_base;
	proc_make_runnable(k, c);
	return c->pid;
fail:
	proc_exit(k, c, 0, 9);
	proc_reap(k, c);
	return -ENOMEM;
}

int64_t sys_wait4(struct kernel *k, struct proc *p, int64_t pid, uint64_t ustatus, int options)
{
	if (options & ~(WNOHANG | 2 /* WUNTRACED */ | 8 /* WCONTINUED */))
		return -EINVAL;
	bool have_child = false;
	for (struct proc *c = k->procs; c; c = c->next) {
		if (c->ppid != p->pid || (pid > 0 && (int64_t)c->pid != pid))
			continue;
		have_child = true;
		if (c->state != P_ZOMBIE)
			continue;
		int status = c->term_signal ? c->term_signal : (c->exit_code & 0xff) << 8;
		if (ustatus && copyout(k, p, ustatus, &status, sizeof status) < 0)
			return -EFAULT;
		int64_t cpid = c->pid;
		proc_reap(k, c);
		return cpid;
	}
	if (!have_child)
		return -ECHILD;
	if (options & WNOHANG)
		return 0;
	proc_block_restart(k, p);      /* woken by a child's exit; re-runs wait4 */
	return 0;
}

int64_t sys_kill(struct kernel *k, struct proc *p, int64_t pid, int sig)
{
	if (sig < 0 || sig > 64)
		return -EINVAL;
	if (pid <= 0)
		return -EINVAL;          /* process groups: not supported */
	struct proc *t = proc_find(k, (uint32_t)pid);
	if (!t)
		return -ESRCH;
	if (sig == 0 || t->state == P_ZOMBIE)
		return 0;
	if (sig == SIGCHLD || sig == 23 /* SIGURG */ || sig == 28 /* SIGWINCH */ ||
	    sig == 18 /* SIGCONT */)
		return 0;                /* ignored by default */
	proc_exit(k, t, 0, sig);
	return 0;
}

/* Copies a NULL-terminated user array of strings into one kernel buffer.
 * Returns the count or a negative errno; *vec and *buf must be freed. */
static int copy_strings(struct kernel *k, struct proc *p, uint64_t uvec, char ***vec, char **buf)
{
	enum { MAXN = 1024, MAXB = 128 * 1024 };
	*vec = kzalloc(&k->km, (MAXN + 1) * sizeof(char *));
	*buf = kmalloc(&k->km, MAXB);
	if (!*vec || !*buf)
		return -ENOMEM;
	size_t used = 0;
	int n = 0;
	for (; uvec; n++) {
		uint64_t ustr;
		if (n == MAXN)
			return -E2BIG;
		if (copyin(k, p, &ustr, uvec + 8 * (uint64_t)n, 8) < 0)
			return -EFAULT;
		if (!ustr)
			break;
		long len = copyinstr(k, p, *buf + used, ustr, MAXB - used);
		if (len < 0)
			return len == -ENAMETOOLONG ? -E2BIG : (int)len;
		(*vec)[n] = *buf + used;
		used += (size_t)len + 1;
	}
	(*vec)[n] = NULL;
	return n;
}

int64_t sys_execve(struct kernel *k, struct proc *p, uint64_t upath, uint64_t uargv, uint64_t uenvp)
{
	char *path = kmalloc(&k->km, 4096);
	char **argv = NULL, **envp = NULL, *abuf = NULL, *ebuf = NULL;
	int64_t rc = -ENOMEM;
	if (!path)
		goto out;
	long len = copyinstr(k, p, path, upath, 4096);
	if (len < 0) {
		rc = len;
		goto out;
	}
	int n;
	if ((n = copy_strings(k, p, uargv, &argv, &abuf)) < 0 ||
	    (n = copy_strings(k, p, uenvp, &envp, &ebuf)) < 0) {
		rc = n;
		goto out;
	}
	int err = 0;
	char msg[300];
	struct exec_image *im = image_get(k, path, &err, msg, sizeof msg);
	if (!im) {
		rc = err;
		goto out;
	}
	/* the point of no return: the old address space goes */
	vm_space_destroy(k, p);
	image_put(k, p->image);
	p->image = im;
	rc = vm_space_init(k, p);
	if (rc == 0) {
		k->current = NULL;
		proc_activate(k, p);
		memset(p->x, 0, sizeof p->x);
		p->brk_start = 0;
		rc = exec_load(k, p, im, argv, envp);
	}
	if (rc < 0) {
		fprintf(k->cfg.err, "vmos: pid %u: execve of %s failed after the old image was gone: %s\n",
			p->pid, path, strerror((int)-rc));
		proc_exit(k, p, 0, 9);
	} else {
		const char *base = strrchr(path, '/');
		memset(p->name, 0, sizeof p->name);
		strncpy(p->name, base ? base + 1 : path, sizeof p->name - 1);
	}
out:
	kfree(&k->km, path);
	kfree(&k->km, argv);
	kfree(&k->km, abuf);
	kfree(&k->km, envp);
	kfree(&k->km, ebuf);
	return rc;
}
