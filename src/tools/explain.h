/*
 * explain.h - `vmos explain`: one virtual address of one process translated
 * step by step on the real page tables (the answer OSTEP's paging homework
 * simulators give, but for the tables the kernel built), and the options of
 * `vmos run` that choose when it happens (at exit, at an instruction count,
 * or when the program marks a point with the vmos_marker system call).
 * The command `vmos explain` itself is explain_command.h.
 */
#ifndef VMOS_TOOLS_EXPLAIN_H
#define VMOS_TOOLS_EXPLAIN_H

#include <stdio.h>
#include <stdbool.h>
#include "kernel.h"
#include "explain_notation.h"

/* Prints the walk of va for an access of type acc under satp, step by step:
 * the VPN fields, each PTE read (level, address, value, decoded flags, what
 * it means), the leaf's page size, the physical address and offset, or the
 * level and reason of the fault.  Uses mmu_walk_explain: no side effects.
 * indent prefixes every line.  Returns the walk's cause (0 = translated). */
uint64_t explain_walk_print(const struct mmu *m, uint64_t satp, uint64_t va,
			    enum mmu_access acc, const char *indent, FILE *out);
/* explain_walk_print knowing whether the page's region is writable (1),
 * not (0) or unknown (-1): a leaf with the software COW bit is called
 * copy-on-write only when writable may be 1, else shared. */
uint64_t explain_walk_print_prot(const struct mmu *m, uint64_t satp, uint64_t va,
				 enum mmu_access acc, int writable, const char *indent, FILE *out);

/* explain_walk_print for process p, with a heading (pid, name, satp) and a
 * closing line that says what the kernel knows of va: its region, and for a
 * faulting walk whether the fault would be served (demand paging, stack
 * growth, copy-on-write) or kill the process. */
uint64_t explain_proc(struct kernel *k, struct proc *p, uint64_t va, enum mmu_access acc,
		      const char *when, FILE *out);

/* When `vmos run --explain` explains (a bit set). */
#define EXPLAIN_AT_EXIT    0x1
#define EXPLAIN_AT_INSTRET 0x2
#define EXPLAIN_AT_MARKER  0x4

#define EXPLAIN_MAX_VAS 16

struct explain_opts {
	uint64_t va[EXPLAIN_MAX_VAS];
	int nva;
	unsigned at;              /* EXPLAIN_AT_*; 0 = not requested */
	uint64_t instret;         /* for EXPLAIN_AT_INSTRET */
	bool instret_done;
	uint32_t pid;             /* 0 = every process */
	unsigned accesses;        /* bit (1 << enum mmu_access); 0 = load only */
	FILE *out;
	bool defaulted;           /* vmos explain chose `marker`: no --va, no --at given */
	unsigned explained;       /* translations printed so far */
	bool pid_seen;            /* a process with pid ran (for --explain-pid) */
};

/* Parses the value of --explain (VA[,VA...]).  Returns 0 or -1 with a
 * message on stderr. */
int explain_parse_vas(struct explain_opts *o, const char *s);
/* Parses the value of --explain-at (exit|instret:N|marker, comma separated).
 * Returns 0 or -1 with a message on stderr. */
int explain_parse_at(struct explain_opts *o, const char *s);
/* A list of exit, marker, instret:N (N > 0) as EXPLAIN_AT_* bits in *at (and
 * N in *instret); -1 (nothing stored) for anything else or an empty list.
 * --explain-at and --proc-at share it. */
int explain_parse_when(const char *s, unsigned *at, uint64_t *instret);
/* Parses --explain-access (load,store,fetch, comma separated). */
int explain_parse_accesses(struct explain_opts *o, const char *s);

/* Hooks for vmos run: explain at a process exit / at an event (KEV_TICK for
 * instret:N, KEV_MARKER: the marker's a0 is explained too). */
void explain_on_exit(struct explain_opts *o, struct kernel *k, struct proc *p);
void explain_on_event(struct explain_opts *o, struct kernel *k, struct proc *p,
		      const struct kevent *ev);

/* At the end of a run: says what went unexplained - an --explain-pid that
 * no process had (next_pid: the first pid never given), explain requests
 * that printed nothing (no marker call, instret never reached) - on stderr
 * with what is needed instead.  cmd names the command ("vmos explain").
 * Returns 0, or 2 when the pid never existed, or 1 when nothing was
 * explained. */
int explain_check_done(const struct explain_opts *o, const char *cmd, uint32_t next_pid);

#endif
