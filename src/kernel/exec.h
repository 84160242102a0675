/*
 * exec.h - execve and the initial address space of a program.
 *
 * Starting a program has two halves, on Linux as here: everything that can
 * fail is checked first, while the caller's old image still exists to
 * return an error to (the arguments, the file, the new stack's size and
 * memory); then, past one point of no return, the old address space is
 * destroyed and the new one built.  exec_prepare is the first half,
 * exec_load the second; execve calls both, and `vmos run` (proc_spawn) does
 * the same for a fresh process.
 */
#ifndef VMOS_KERNEL_EXEC_H
#define VMOS_KERNEL_EXEC_H

#include "kernel.h"
#include "image.h"

/* Limits on what execve passes (Linux: ARG_MAX, the floor of its stack-based
 * limit, and a count vmos adds so that the pointer arrays stay bounded). */
#define EXEC_ARG_MAX      (128 * 1024)  /* bytes of argv + envp strings, NULs included */
#define EXEC_ARG_STRINGS  4096          /* strings in argv + envp together */
#define EXEC_PATH_MAX     4096          /* bytes of the path, NUL included (PATH_MAX) */

/* argv and envp, copied into the kernel: the argv strings and then the envp
 * strings, each NUL-terminated, back to back in buf - exactly the block they
 * form at the top of the new stack. */
struct exec_args {
	char *buf;                 /* EXEC_ARG_MAX bytes (kmalloc'd) */
	size_t bytes;              /* used */
	int argc, envc;
};

/* Copies the NULL-terminated user arrays uargv and uenvp (0: empty) of p.
 * Returns 0, -E2BIG (over EXEC_ARG_MAX or EXEC_ARG_STRINGS together),
 * -EFAULT, or -ENOMEM; a->buf must be released with exec_args_free in
 * every case. */
int exec_args_from_user(struct kernel *k, struct proc *p, uint64_t uargv, uint64_t uenvp,
			struct exec_args *a);
/* The same for host arrays (vmos run); NULL arrays are empty. */
int exec_args_from_host(struct kernel *k, char *const argv[], char *const envp[],
			struct exec_args *a);
void exec_args_free(struct kernel *k, struct exec_args *a);

#define EXEC_RESERVE_MAX 64        /* frames: stack pages + page-table pages */

/* `#!` scripts, as Linux reads them (fs/binfmt_script.c): the first
 * EXEC_SCRIPT_LINE bytes hold "#!interpreter [one argument]"; a chain of up
 * to EXEC_SCRIPT_DEPTH scripts, each the interpreter of the one before, ends
 * in a program (fs/exec.c allows that many binfmt rewrites, then ELOOP). */
#define EXEC_SCRIPT_LINE  256      /* BINPRM_BUF_SIZE */
#define EXEC_SCRIPT_DEPTH 5

/* Where an ET_DYN program's lowest page goes: 2/3 of the user half, page
 * aligned (Linux's ELF_ET_DYN_BASE on riscv64; no randomisation). */
#define EXEC_DYN_BASE(user_top) (((user_top) / 3 * 2) & ~(uint64_t)0xfff)

/* A program ready to load: everything exec_load needs, all checked.
 *
 * Where the images go (Linux's binfmt_elf, without randomisation):
 *   - an ET_EXEC program at its link addresses (bias 0);
 *   - an ET_DYN program (PIE, static-pie, ld.so run by name) at a bias that
 *     puts its lowest page at EXEC_DYN_BASE (2/3 of the user half, Linux's
 *     ELF_ET_DYN_BASE), rounded down to its largest p_align;
 *   - its interpreter (PT_INTERP), ET_DYN, just below mmap_base, where
 *     Linux's first top-down mmap would put it; the dynamic loader's own
 *     mmaps of libraries then go below it.
 * The heap (brk) starts after the program's last segment. */
struct exec_plan {
	struct exec_image *im;     /* one reference, handed to the process */
	struct exec_image *interp; /* the PT_INTERP image (one reference), or NULL */
	uint64_t bias;             /* added to im's link addresses */
	uint64_t interp_bias;      /* added to interp's (AT_BASE) */
	struct exec_args args;
	const char *execfn;        /* the path as given (AT_EXECFN); not owned */
	char file[EXEC_SCRIPT_LINE]; /* the program loaded when path was a #! script */
	uint64_t sp;               /* initial stack pointer */
	uint64_t stack_start;      /* the stack region at exec: [stack_start, top) */
	/* frames held for the new stack and page tables until exec_load */
	uint64_t reserved[EXEC_RESERVE_MAX];
	int nreserved;
};

/* The first half: opens path; while it is a `#!` script, rewrites argv as
 * Linux does ([interpreter, argument if any, script path, argv[1]...]) and
 * opens the interpreter instead; validates the program (image_get with
 * flags) and its PT_INTERP interpreter, places both, lays out
 * the initial stack for the arguments in plan->args (taken over by the
 * plan) and, when p is not NULL, holds the frames the new stack and its
 * page tables will need, reclaiming on p's behalf as a page fault would.
 * Returns 0, or a negative errno with a reason in msg: image_get's (for the
 * program or a script's interpreter: -ENOENT, -EACCES, -ENOEXEC, ...);
 * -ENOEXEC for a `#!` line without an interpreter name or whose name does
 * not fit in EXEC_SCRIPT_LINE bytes; -ELOOP past EXEC_SCRIPT_DEPTH scripts;
 * for a PT_INTERP interpreter image_get's errors, but -ELIBBAD where it is
 * no loadable RISC-V ELF (Linux's binfmt_elf); -E2BIG; -ENOMEM (also when
 * the program does not fit below the stack); in every case exec_plan_free releases what is left. */
int exec_prepare(struct kernel *k, struct proc *p, const char *path, unsigned flags,
		 struct exec_plan *plan, char *msg, size_t msglen);
void exec_plan_free(struct kernel *k, struct exec_plan *plan);

/* The second half, for a process p with an empty address space that the
 * MMU translates: releases the held frames, maps the segments and the stack
 * and writes argv, envp and auxv; sets p->pc and p->x[2] (sp), and hands the
 * image reference over to p->image.  Can fail only if the kernel's
 * allocators fail: returns 0 or -ENOMEM / -EFAULT. */
int exec_load(struct kernel *k, struct proc *p, struct exec_plan *plan);

#endif
