/*
 * exec.c - execve and the initial address space (see exec.h).
 *
 * Nothing of the program is copied at exec: each PT_LOAD segment becomes a
 * region backed by the image, and pages arrive on first touch (vm.c).  The
 * stack is the one exception - its top pages are written at once with the
 * arguments, as Linux and the RISC-V psABI lay them out:
 *
 *   stack_top ->  +--------------------------------+
 *                 | the path given to execve (LX_AT_EXECFN)
 *                 | envp strings                   |
 *                 | argv strings (argv[0] lowest)  |
 *                 | padding to 16 bytes            |
 *                 | 16 random bytes (LX_AT_RANDOM)    |
 *                 | auxv: (type, value) pairs ... LX_AT_NULL
 *                 | envp[0..n-1], NULL             |
 *                 | argv[0..argc-1], NULL          |
 *   sp (16-aligned) -> argc                        |
 *                 +--------------------------------+
 *
 * The whole layout depends only on the arguments, the path and stack_top,
 * so exec_prepare computes it - and its size, and the frames it will take -
 * before anything is destroyed; exec_load then only writes it.
 */
#include "exec.h"
#include "exec_script.h"
#include "fs/vfs.h"
#include "sys_info.h"
#include "fork.h"
#include "proc.h"
#include "uaccess.h"
#include "vdso.h"
#include "vm.h"

#include "abi/lx/auxvec.h"
#include "abi/lx/signal.h"

#include <errno.h>
#include <string.h>


#define NAUXV 18                   /* auxv pairs, LX_AT_NULL included */

/* ---- arguments ----------------------------------------------------------- */

static int args_alloc(struct kernel *k, struct exec_args *a)
{
	memset(a, 0, sizeof *a);
	a->buf = kmalloc(&k->km, EXEC_ARG_MAX);
	return a->buf ? 0 : -ENOMEM;
}

void exec_args_free(struct kernel *k, struct exec_args *a)
{
	kfree(&k->km, a->buf);
	a->buf = NULL;
}

/* Appends the user array uvec to a, counting into *count. */
static int copy_user_vec(struct kernel *k, struct proc *p, uint64_t uvec, struct exec_args *a,
			 int *count)
{
	for (uint64_t i = 0; uvec; i++) {
		uint64_t ustr;
		if (copyin(k, p, &ustr, uvec + 8 * i, 8) < 0)
			return -EFAULT;
		if (!ustr)
			return 0;
		if (a->argc + a->envc == EXEC_ARG_STRINGS)
			return -E2BIG;
		long len = copyinstr(k, p, a->buf + a->bytes, ustr, EXEC_ARG_MAX - a->bytes);
		if (len < 0)
			return len == -ENAMETOOLONG ? -E2BIG : (int)len;
		a->bytes += (size_t)len + 1;
		(*count)++;
	}
	return 0;
}

int exec_args_from_user(struct kernel *k, struct proc *p, uint64_t uargv, uint64_t uenvp,
			struct exec_args *a)
{
	int rc = args_alloc(k, a);
	if (rc == 0)
		rc = copy_user_vec(k, p, uargv, a, &a->argc);
	if (rc == 0)
		rc = copy_user_vec(k, p, uenvp, a, &a->envc);
	return rc;
}

static int copy_host_vec(char *const v[], struct exec_args *a, int *count)
{
	for (int i = 0; v && v[i]; i++) {
		size_t n = strlen(v[i]) + 1;
		if (a->argc + a->envc == EXEC_ARG_STRINGS || n > EXEC_ARG_MAX - a->bytes)
			return -E2BIG;
		memcpy(a->buf + a->bytes, v[i], n);
		a->bytes += n;
		(*count)++;
	}
	return 0;
}

int exec_args_from_host(struct kernel *k, char *const argv[], char *const envp[],
			struct exec_args *a)
{
	int rc = args_alloc(k, a);
	if (rc == 0)
		rc = copy_host_vec(argv, a, &a->argc);
	if (rc == 0)
		rc = copy_host_vec(envp, a, &a->envc);
	return rc;
}

/* ---- the first half: checks, layout, frames -------------------------------- */

/* Computes sp and the stack region for plan (see the picture above). */
static void stack_layout(struct kernel *k, struct exec_plan *plan)
{
	const struct exec_args *a = &plan->args;
	uint64_t top = user_top(k->cfg.levels);
	uint64_t pos = top - (strlen(plan->execfn) + 1) - a->bytes;
	pos = (pos & ~15ULL) - 16;                           /* LX_AT_RANDOM */
	uint64_t nwords = 1 + (uint64_t)a->argc + 1 + (uint64_t)a->envc + 1 + 2 * NAUXV;
	plan->sp = (pos - nwords * 8) & ~15ULL;
	plan->stack_start = PGROUNDDOWN(plan->sp);
	if (plan->stack_start > top - VM_STACK_INITIAL)
		plan->stack_start = top - VM_STACK_INITIAL;
}

/* Holds n frames for exec_load, reclaiming as a fault of p would.  Returns 0
 * or -ENOMEM (nothing held). */
static int reserve_frames(struct kernel *k, struct proc *p, struct exec_plan *plan, int n)
{
	while (plan->nreserved < n) {
		uint64_t pa = frame_alloc(k, p, FO_KERNEL, 0, false);
		if (!pa) {
			while (plan->nreserved)
				page_free_frames(&k->pa, plan->reserved[--plan->nreserved], 0);
			return -ENOMEM;
		}
		plan->reserved[plan->nreserved++] = pa;
	}
	return 0;
}

static void release_frames(struct kernel *k, struct exec_plan *plan)
{
	while (plan->nreserved)
		page_free_frames(&k->pa, plan->reserved[--plan->nreserved], 0);
}

/* Follows `#!` scripts from path: returns the file to load (path itself,
 * or plan->file holding the last interpreter named) with plan->args
 * rewritten, or NULL with *rc and msg (exec_prepare's script errors, or
 * image_read_head's). */
static const char *follow_scripts(struct kernel *k, struct proc *p, const char *path, unsigned flags,
				  struct exec_plan *plan, int *rc, char *msg, size_t msglen)
{
	char head[EXEC_SCRIPT_LINE];
	const char *file = path;
	for (int depth = 0;; depth++) {
		/* only the first file may be a host path: interpreters are the guest's */
		unsigned fl = depth ? flags & ~IMAGE_HOST_PATH : flags;
		int n = image_read_head(k, p, file, fl, head, sizeof head, msg, msglen);
		if (n < 0) {
			*rc = n;
			return NULL;
		}
		if (!script_is_script(head, (size_t)n))
			return file;
		if (depth == EXEC_SCRIPT_DEPTH) {
			*rc = -ELOOP;
			snprintf(msg, msglen, "%s: more than %d nested #! interpreters", path,
				 EXEC_SCRIPT_DEPTH);
			return NULL;
		}
		const char *name, *arg;
		if ((*rc = script_parse(head, (size_t)n, &name, &arg)) < 0) {
			snprintf(msg, msglen, "%s: bad #! line (no interpreter, or its name "
				 "longer than the first %d bytes)", file, EXEC_SCRIPT_LINE);
			return NULL;
		}
		if ((*rc = script_rewrite_args(&plan->args, name, arg, file)) < 0) {
			snprintf(msg, msglen, "%s: argument list too long", path);
			return NULL;
		}
		memmove(plan->file, name, strlen(name) + 1);  /* < EXEC_SCRIPT_LINE */
		file = plan->file;
	}
}

/* The load bias of the program and its interpreter (see exec.h), checked
 * to fit between page 1 and the lowest address the stack may reach.
 * Returns 0 or -ENOMEM with msg. */
static int place_images(struct kernel *k, struct exec_plan *plan, const char *path, char *msg,
			size_t msglen)
{
	const struct elf_image *e = &plan->im->elf;
	uint64_t top = user_top(k->cfg.levels);
	uint64_t mmap_base = top - k->cfg.stack_limit - VM_STACK_GUARD_GAP;
	uint64_t limit = mmap_base;
	plan->bias = 0;
	if (e->type == ET_DYN)
		plan->bias = (EXEC_DYN_BASE(top) - e->lo) & ~(e->align - 1);
	if (plan->interp) {
		const struct elf_image *ie = &plan->interp->elf;
		uint64_t span = ie->hi - ie->lo;
		if (ie->type != ET_DYN || span > mmap_base)
			plan->interp_bias = 0;       /* fixed (ET_EXEC) interpreter */
		else
			plan->interp_bias = ((mmap_base - span) & ~(ie->align - 1)) - ie->lo;
		uint64_t lo = ie->lo + plan->interp_bias, hi = ie->hi + plan->interp_bias;
		if (lo < PGSIZE || hi > mmap_base || lo < e->hi + plan->bias) {
			snprintf(msg, msglen, "%s: its interpreter %s does not fit in the address "
				 "space (0x%llx-0x%llx)", path, plan->interp->path,
				 (unsigned long long)lo, (unsigned long long)hi);
			return -ENOMEM;
		}
		limit = lo;
	}
	if (e->lo + plan->bias < PGSIZE || e->hi + plan->bias > limit) {
		snprintf(msg, msglen, "%s: does not fit in the address space below the stack "
			 "(0x%llx-0x%llx)", path, (unsigned long long)(e->lo + plan->bias),
			 (unsigned long long)(e->hi + plan->bias));
		return -ENOMEM;
	}
	return 0;
}

/* Opens the PT_INTERP interpreter of plan->im.  Returns 0 or a negative
 * errno with msg: the open's errors, -ELIBBAD for a file that is no
 * loadable RISC-V ELF (Linux's binfmt_elf). */
static int open_interp(struct kernel *k, struct proc *p, unsigned flags, struct exec_plan *plan, const char *path,
		       char *msg, size_t msglen)
{
	const struct exec_image *im = plan->im;
	const char *name = (const char *)im->data + im->elf.interp_off;
	int rc = 0;
	char imsg[300];
	plan->interp = image_get(k, p, name, flags & ~IMAGE_HOST_PATH, &rc, imsg, sizeof imsg);
	if (!plan->interp) {
		if (rc == -ENOEXEC)
			rc = -ELIBBAD;
		snprintf(msg, msglen, "%s: interpreter %s", path, imsg);
		return rc;
	}
	return 0;
}

int exec_prepare(struct kernel *k, struct proc *p, const char *path, unsigned flags,
		 struct exec_plan *plan, char *msg, size_t msglen)
{
	int rc = 0;
	plan->execfn = path;
	const char *file = follow_scripts(k, p, path, flags, plan, &rc, msg, msglen);
	if (!file)
		return rc;
	plan->im = image_get(k, p, file, file == path ? flags : flags & ~IMAGE_HOST_PATH, &rc, msg,
			     msglen);
	if (!plan->im)
		return rc;
	if (plan->im->elf.interp_len && (rc = open_interp(k, p, flags, plan, file, msg, msglen)) < 0)
		return rc;
	if ((rc = place_images(k, plan, file, msg, msglen)) < 0)
		return rc;
	stack_layout(k, plan);
	/* the stack's pages (written at once) and the page tables above them:
	 * the root and one table per lower level (the stack is < 2 MiB) */
	uint64_t top = user_top(k->cfg.levels);
	int pages = (int)((top - PGROUNDDOWN(plan->sp)) >> PGSHIFT);
	int need = pages + k->cfg.levels;
	_Static_assert((EXEC_ARG_MAX + EXEC_PATH_MAX + 8 * (EXEC_ARG_STRINGS + 3 + 2 * NAUXV) + 64) /
		       PGSIZE + 1 + 4 <= EXEC_RESERVE_MAX, "EXEC_RESERVE_MAX too small");
	if (p && (rc = reserve_frames(k, p, plan, need)) < 0) {
		snprintf(msg, msglen, "%s: out of memory for the new stack (%d frames)", path, need);
		return rc;
	}
	return 0;
}

void exec_plan_free(struct kernel *k, struct exec_plan *plan)
{
	release_frames(k, plan);
	image_put(k, plan->im);
	plan->im = NULL;
	image_put(k, plan->interp);
	plan->interp = NULL;
	exec_args_free(k, &plan->args);
}

/* ---- the second half: the new address space -------------------------------- */

static enum vm_kind segment_kind(const struct elf_segment *s)
{
	if (s->prot & ELF_PROT_X)
		return VMK_TEXT;
	if (!(s->prot & ELF_PROT_W))
		return VMK_RODATA;
	return VMK_DATA;
}

static unsigned elf_to_vm_prot(uint32_t p)
{
	return ((p & ELF_PROT_R) ? VM_PROT_READ : 0) | ((p & ELF_PROT_W) ? VM_PROT_WRITE : 0) |
	       ((p & ELF_PROT_X) ? VM_PROT_EXEC : 0);
}

/* Maps each PT_LOAD of im, moved by bias, as a region: the part with file
 * data backed by the image, the zero-filled rest (bss) beyond the last file
 * page anonymous.  The program's segments (not the interpreter's) set
 * where the heap starts. */
static int map_segments(struct kernel *k, struct proc *p, struct exec_image *im, uint64_t bias,
			bool program)
{
	for (int i = 0; i < im->elf.nsegs; i++) {
		const struct elf_segment *s = &im->elf.seg[i];
		uint64_t vaddr = s->vaddr + bias;
		uint64_t start = PGROUNDDOWN(vaddr);
		uint64_t end = PGROUNDUP(vaddr + s->memsz);
		uint64_t file_end = vaddr + s->filesz;
		uint64_t file_pages_end = s->filesz ? PGROUNDUP(file_end) : start;
		unsigned prot = elf_to_vm_prot(s->prot);
		enum vm_kind kind = segment_kind(s);
		if (file_pages_end > start) {
			int rc = vm_map_insert(&p->mm->map, start, file_pages_end, prot, kind, im->obj,
					       PGROUNDDOWN(s->offset), file_end, NULL);
			if (rc < 0)
				return rc;
		}
		if (end > file_pages_end) {
			int rc = vm_map_insert(&p->mm->map, file_pages_end, end, prot,
					       kind == VMK_DATA ? VMK_BSS : kind, NULL, 0, 0, NULL);
			if (rc < 0)
				return rc;
		}
		if (program && end > p->mm->brk_start)
			p->mm->brk_start = end;
	}
	if (program)
		p->mm->brk = p->mm->brk_start;
	return 0;
}

/* Writes 8-byte words to consecutive user addresses, a batch at a time (no
 * allocation: exec_load runs past the point of no return). */
struct word_writer {
	struct kernel *k;
	struct proc *p;
	uint64_t at;
	uint64_t buf[64];
	int n, rc;
};

static void ww_flush(struct word_writer *w)
{
	if (w->n && w->rc == 0)
		w->rc = copyout(w->k, w->p, w->at, w->buf, (size_t)w->n * 8);
	w->at += (uint64_t)w->n * 8;
	w->n = 0;
}

static void ww_put(struct word_writer *w, uint64_t v)
{
	w->buf[w->n++] = v;
	if (w->n == (int)(sizeof w->buf / sizeof w->buf[0]))
		ww_flush(w);
}

/* Writes the initial stack laid out by stack_layout.  Returns 0 or -EFAULT
 * (a page of the stack could not be had). */
static int write_stack(struct kernel *k, struct proc *p, const struct exec_plan *plan)
{
	const struct exec_args *a = &plan->args;
	const struct exec_image *im = p->image;
	const uint64_t bias = plan->bias;
	uint64_t top = user_top(k->cfg.levels);
	size_t fnlen = strlen(plan->execfn) + 1;
	uint64_t execfn = top - fnlen, strings = execfn - a->bytes;
	uint64_t random = (strings & ~15ULL) - 16;
	uint8_t rnd[16];
	uint64_t seed = 0x9e3779b97f4a7c15ULL * (p->pid + 1);
	for (int i = 0; i < 16; i++) {
		seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
		rnd[i] = (uint8_t)seed;
	}
	if (copyout(k, p, execfn, plan->execfn, fnlen) < 0 ||
	    copyout(k, p, strings, a->buf, a->bytes) < 0 ||
	    copyout(k, p, random, rnd, sizeof rnd) < 0)
		return -EFAULT;
	/* the ISA as Linux reports it: one bit per letter, RV64IMAFDC */
	uint64_t hwcap = (1u << ('i' - 'a')) | (1u << ('m' - 'a')) | (1u << ('a' - 'a')) |
			 (1u << ('f' - 'a')) | (1u << ('d' - 'a')) | (1u << ('c' - 'a'));
	const uint64_t auxv[NAUXV][2] = {
		{ LX_AT_PHDR, im->elf.phdr_vaddr ? im->elf.phdr_vaddr + bias : 0 },
		{ LX_AT_PHENT, im->elf.phentsize },
		{ LX_AT_PHNUM, im->elf.phnum },     { LX_AT_PAGESZ, PGSIZE },
		{ LX_AT_BASE, p->interp ? plan->interp_bias : 0 },
		{ LX_AT_FLAGS, 0 },
		{ LX_AT_ENTRY, im->elf.entry + bias }, { LX_AT_UID, 0 },
		{ LX_AT_EUID, 0 },                  { LX_AT_GID, 0 },
		{ LX_AT_EGID, 0 },                  { LX_AT_HWCAP, hwcap },
		{ LX_AT_CLKTCK, 100 },              { LX_AT_SECURE, 0 },
		{ LX_AT_RANDOM, random },           { LX_AT_EXECFN, execfn },
		{ LX_AT_SYSINFO_EHDR, p->mm->vdso_base }, { LX_AT_NULL, 0 },
	};
	struct word_writer w = { .k = k, .p = p, .at = plan->sp };
	ww_put(&w, (uint64_t)a->argc);
	uint64_t str = strings;                /* argv[0], then each next string */
	p->mm->arg_start = p->mm->arg_end = strings;   /* /proc/PID/cmdline */
	for (int i = 0; i < a->argc + a->envc; i++) {
		if (i == a->argc)
			ww_put(&w, 0);                 /* end of argv */
		ww_put(&w, str);
		str += strlen(a->buf + (str - strings)) + 1;
		if (i < a->argc)
			p->mm->arg_end = str;
	}
	if (a->envc == 0)
		ww_put(&w, 0);                 /* end of argv (not written above) */
	ww_put(&w, 0);                         /* end of envp */
	for (int i = 0; i < NAUXV; i++) {
		ww_put(&w, auxv[i][0]);
		ww_put(&w, auxv[i][1]);
	}
	ww_flush(&w);
	return w.rc;
}

int exec_load(struct kernel *k, struct proc *p, struct exec_plan *plan)
{
	/* the held frames go back first: the allocations below find them free */
	release_frames(k, plan);
	p->image = plan->im;
	plan->im = NULL;
	p->interp = plan->interp;
	plan->interp = NULL;
	p->load_bias = plan->bias;
	int rc = map_segments(k, p, p->image, plan->bias, true);
	if (rc == 0 && p->interp)
		rc = map_segments(k, p, p->interp, plan->interp_bias, false);
	if (rc < 0)
		return rc;
	p->mm->stack_top = user_top(k->cfg.levels);
	p->mm->mmap_base = p->mm->stack_top - k->cfg.stack_limit - VM_STACK_GUARD_GAP;
	rc = vm_map_insert(&p->mm->map, plan->stack_start, p->mm->stack_top, VM_PROT_READ | VM_PROT_WRITE,
			   VMK_STACK, NULL, 0, 0, NULL);
	if (rc < 0)
		return rc;
	rc = vdso_map(k, p, p->mm->mmap_base);     /* [vvar] [vdso]: vdso.c */
	if (rc < 0)
		return rc;
	rc = write_stack(k, p, plan);
	if (rc < 0)
		return rc;
	p->x[1] = 0;         /* ra */
	p->x[2] = plan->sp;
	p->x[10] = 0;        /* a0: no rtld_fini */
	memset(p->f, 0, sizeof p->f);        /* a new image starts with FP reset */
	p->fcsr = 0;
	p->fp_used = false;
	p->pc = p->interp ? p->interp->elf.entry + plan->interp_bias
			  : p->image->elf.entry + plan->bias;
	return 0;
}

/* ---- execve ----------------------------------------------------------------- */

/* proc_spawn (proc.h): a new process from a program file, as vmos run
 * starts one - exec without a process to replace. */
struct proc *proc_spawn(struct kernel *k, const char *path, char *const argv[],
			char *const envp[], int *err)
{
	char msg[300];
	struct exec_plan plan;
	memset(&plan, 0, sizeof plan);
	int rc = exec_args_from_host(k, argv, envp, &plan.args);
	if (rc < 0)
		snprintf(msg, sizeof msg, "%s: %s", path, rc == -E2BIG ?
			 "argument list too long (argv and environment over 128 KiB or 4096 strings)" :
			 "out of kernel memory");
	else
		rc = exec_prepare(k, NULL, path, IMAGE_HOST_PATH, &plan, msg, sizeof msg);
	struct proc *p = NULL;
	if (rc == 0 && (!(p = proc_create(k, path)) || vfs_proc_init(k, p) < 0)) {
		if (p) {
			proc_exit(k, p, 127, 0);
			proc_reap(k, p);
			p = NULL;
		}
		rc = -ENOMEM;
		snprintf(msg, sizeof msg, "%s: out of memory creating the process", path);
	}
	if (rc < 0) {
		exec_plan_free(k, &plan);
		*err = rc;
		fprintf(k->cfg.err, "vmos: %s\n", msg);
		return NULL;
	}
	struct proc *prev = k->current;
	proc_activate(k, p);
	rc = exec_load(k, p, &plan);
	exec_plan_free(k, &plan);
	if (prev && prev != p)
		proc_activate(k, prev);
	if (rc < 0) {
		fprintf(k->cfg.err, "vmos: %s: cannot set up the address space: %s\n", path,
			strerror(-rc));
		*err = rc;
		proc_exit(k, p, 127, 0);
		proc_reap(k, p);
		return NULL;
	}
	p->top_level = true;
	p->tree = p->pid;
	p->pgid = p->sid = p->pid;           /* its own group and session, as a login shell's */
	if (!k->tty_pgrp)
		k->tty_pgrp = p->pgid;           /* the first one has the console */
	proc_make_runnable(k, p);
	return p;
}

int64_t sys_execve(struct kernel *k, struct proc *p, uint64_t upath, uint64_t uargv, uint64_t uenvp)
{
	struct exec_plan plan;
	memset(&plan, 0, sizeof plan);
	char msg[300];
	char *path = kmalloc(&k->km, EXEC_PATH_MAX);
	int64_t rc = path ? 0 : -ENOMEM;
	long len = path ? copyinstr(k, p, path, upath, EXEC_PATH_MAX) : 0;
	if (len < 0)
		rc = len;
	if (rc == 0)
		rc = exec_args_from_user(k, p, uargv, uenvp, &plan.args);
	if (rc == 0)
		rc = exec_prepare(k, p, path, IMAGE_NEED_EXEC, &plan, msg, sizeof msg);
	if (rc < 0)
		goto out;
	/*
	 * Checked above, with the caller still intact to get the error:
	 *   - the path and every argv/envp pointer and string readable (EFAULT),
	 *     the path under EXEC_PATH_MAX (ENAMETOOLONG), the strings under
	 *     EXEC_ARG_MAX bytes and EXEC_ARG_STRINGS together (E2BIG);
	 *   - the file: opened without blocking (host errors: ENOENT, EACCES,
	 *     ...), a regular file with an execute bit (EACCES), not empty, a
	 *     static RISC-V ELF that parses and validates (ENOEXEC), read
	 *     completely into the image (ENOMEM, EIO);
	 *   - the new stack laid out, and the frames for its pages and page
	 *     tables held (ENOMEM).
	 * What can still fail below is the kernel's own allocations (region
	 * records, the rest of the page tables) - with the old address space
	 * freed just before them, only under injected failures in practice -
	 * and the process is then killed with SIGKILL, as Linux does.
	 */
	rc = signal_exec(k, p);                /* caught signals back to SIG_DFL */
	if (rc < 0)
		goto out;
	/* ======== the point of no return: the old address space goes ======== */
	struct proc *caller = p;
	p = proc_exec_takeover(k, p);          /* threads: the others end (thread.c) */
	waitq_wake_all(k, &caller->vfork_done);   /* a vfork parent goes on */
	waitq_wake_all(k, &p->vfork_done);
	vm_space_destroy(k, p);
	release_frames(k, &plan);              /* for the allocations below */
	image_put(k, p->image);
	p->image = NULL;
	image_put(k, p->interp);
	p->interp = NULL;
	k->current = NULL;
	memset(p->x, 0, sizeof p->x);
	p->mm->brk_start = 0;
	res_exec(p);                           /* clear_child_tid and robust list go */
	vfs_proc_exec(k, p);                   /* close-on-exec descriptors close */
	rc = vm_space_init(k, p);
	if (rc == 0) {
		proc_activate(k, p);
		rc = exec_load(k, p, &plan);
	}
	if (rc < 0) {
		fprintf(k->cfg.err, "vmos: pid %u: execve of %s failed after the old image was gone: %s\n",
			p->pid, path, strerror((int)-rc));
		proc_exit(k, p, 0, LX_SIGKILL);
	} else {
		const char *base = strrchr(path, '/');
		p->execed = true;
		memset(p->name, 0, sizeof p->name);
		strncpy(p->name, base ? base + 1 : path, sizeof p->name - 1);
		if (p != caller)
			proc_make_runnable(k, p);  /* the leader goes on in the caller's place */
	}
out:
	exec_plan_free(k, &plan);
	kfree(&k->km, path);
	return rc;
}
