/*
 * proc.h - processes: an address space (regions + page tables), saved
 * registers, a state, and counters.  Records come from the "proc" slab
 * cache.  The scheduler is round-robin over a FIFO run queue with a time
 * slice measured in instructions.
 */
#ifndef VMOS_KERNEL_PROC_H
#define VMOS_KERNEL_PROC_H

#include "kernel.h"
#include "signals.h"

#include <time.h>
#include "sys_info.h"
#include "waitq.h"

enum proc_state { P_RUNNABLE, P_SLEEPING, P_ZOMBIE };

/* The progress guard (trap.c): one instruction may fault at most
 * FAULT_GUARD_MAX times in a row without retiring.  The legitimate worst
 * case is a handful - its fetch page(s) (an instruction may straddle two
 * pages), its data page(s) (a misaligned access may straddle two), a
 * copy-on-write after a zero-page read - and the whole test suite never
 * needs more than 2 (`vmos run --stats` shows the largest run as "most
 * faults of one instruction").  A process past the bound is killed with
 * SIGKILL and a one-line diagnosis. */
#define FAULT_GUARD_MAX 8

/* The page after the one at pc that the instruction at pc may also be on:
 * a 32-bit instruction 2 bytes before a page end straddles (if it is a
 * compressed one, pinning that page too is needless but harmless). */
static inline uint64_t guard_pc_next_page(uint64_t pc)
{
	return (pc & PGMASK) == PGSIZE - 2 ? PGROUNDDOWN(pc) + PGSIZE : PGROUNDDOWN(pc);
}

/* The bit of page va in a fault_guard's pin_mask. */
static inline uint64_t guard_pin_bit(uint64_t va)
{
	return 1ull << ((va >> PGSHIFT) & 63);
}

/* What the kernel did for each fault of the instruction that has not
 * retired: it is at pc, after instret instructions of the process.  The
 * pages it faulted on are also the ones reclaim must not take from it
 * (vm_reclaim skips them: see fault_pinned in swap.c). */
struct fault_guard {
	uint64_t pc, instret;
	unsigned count;                /* faults of this instruction so far */
	uint64_t pin_mask;             /* bit vpn % 64 of each page it needs (a filter) */
	struct fault_step {
		uint64_t va;           /* page faulted on */
		const char *kind;      /* how vm_fault resolved it (kernel.fault_kind) */
		uint32_t evicted;      /* pages reclaim took to serve it */
		uint8_t cause;         /* CAUSE_*_PAGE_FAULT */
	} step[FAULT_GUARD_MAX];
};

struct proc_stats {
	uint64_t instret;
	uint64_t tlb_hits, tlb_misses, walks;
	uint64_t faults_zero, faults_file, faults_cow, faults_stack;
	uint64_t pages_zeroed, pages_copied;
	uint64_t syscalls, brk_calls, mmap_calls, munmap_calls, mprotect_calls;
	uint64_t resident_peak;
	uint64_t faults_swapin, pages_swapped_out;
	uint64_t wss_last, wss_max, wss_sum, wss_samples;  /* sampled working set, pages */
	uint64_t signals_handled, faults_user_handled;     /* handlers run; of them, for faults */
	uint64_t time_reads;           /* rdtime executed: clock reads the vDSO served */
};

/* An address space: the regions and the page table that realise them,
 * with the heap and stack bounds.  Records come from the "mm" slab cache.
 * The threads of one group share it (thread.c): `users` counts the
 * threads still running in it (the space is torn down when it reaches 0),
 * `refs` the process records that point at it (the record is freed when
 * the last is reaped).  Everything keyed by address space - the reverse
 * map, the replacement policy's page keys (pid of the owner and virtual
 * page), local replacement, --maps, the OOM killer - speaks of it through
 * `owner`: the record of the thread-group leader, which outlives every
 * other thread of the group (a leader that exits stays a zombie until the
 * group ends, as on Linux), so the owner's pid - the tgid - names the
 * space for as long as it lives. */
struct mm {
	struct pmap pmap;
	struct vm_map map;
	uint64_t brk_start, brk;       /* heap: [brk_start, brk) */
	uint64_t stack_top;            /* first VA above the stack */
	uint64_t mmap_base;            /* mmap allocates top-down below this */
	uint64_t arg_start, arg_end;   /* the argv strings on the stack (/proc/PID/cmdline) */
	uint64_t vdso_base;            /* the [vvar] page, then the [vdso] page; 0: none */
	int refs;                      /* process records pointing at it */
	int users;                     /* threads running in it */
	struct proc *owner;            /* the group leader: its pid keys the pages */
};

struct proc {
	uint32_t pid, ppid;            /* pid is the thread id; ppid the parent's tgid */
	uint32_t tgid;                 /* thread group (getpid): the leader's pid */
	uint32_t tree;                 /* pid of the top-level program it descends from */
	uint32_t pgid, sid;            /* process group and session (sys_pgrp.c), the same
	                                  in every thread of a group */
	enum proc_state state;
	char name[32];
	uint64_t x[32], pc;
	uint64_t f[32];                /* FP registers and fcsr, valid if fp_used */
	uint32_t fcsr;
	bool fp_used;                  /* has written FP state (else all zero) */
	struct mm *mm;                 /* its address space (from the "mm" cache) */
	struct exec_image *image;
	struct exec_image *interp;     /* its dynamic loader (PT_INTERP), or NULL */
	uint64_t load_bias;            /* image's link addresses + this = its addresses */
	struct files *files;           /* descriptor table (fs/vfs.h) */
	char *cwd;                     /* canonical guest path of the cwd (kmalloc'd) */
	uint32_t umask;
	int exit_code;                 /* valid when P_ZOMBIE */
	int term_signal;               /* 0, or the signal that killed it */
	uint64_t wake_time_ns;         /* P_SLEEPING: nanosleep deadline (~0: none) */
	struct waitq *wq;              /* P_SLEEPING on this queue (waitq.h), or NULL */
	struct proc *wq_next;          /* the next sleeper of wq */
	struct waitq child_exit;       /* wait4 sleeps here; a child's exit wakes it */
	struct waitq vfork_done;       /* its vfork parent sleeps here until it execs or exits */
	uint64_t sys_done;             /* a call re-run after a sleep: the part done before it */
	uint32_t io_flags;             /* MSG_DONTWAIT | MSG_NOSIGNAL of the send or recv served */
	uint64_t sys_wait;             /* a call re-run after a sleep with a timeout (ppoll,
	                                  pselect6): its deadline (host CLOCK_MONOTONIC ns, ~0
	                                  none); 0 until the call first runs */
	uint64_t sigmask;              /* blocked signals (rt_sigprocmask), bit N-1 for signal N */
	struct sigthread sig;          /* its own pending signals, altstack, sleep (signals.h) */
	struct sighand *sighand;       /* handlers: shared under CLONE_SIGHAND */
	struct sigshared *sigshared;   /* its thread group's signal state: shared under CLONE_THREAD */
	struct proc_stats st;
	struct proc_res res;           /* limits and usage (sys_info.h) */
	struct fault_guard guard;      /* the faults of the current instruction */
	struct kernel *kernel;
	struct repl repl;              /* local replacement: this process's policy */
	struct proc *next;             /* all processes */
	struct proc *run_next;         /* run queue */
	bool line_start;               /* output prefixing: at start of a line */
	bool yielded;                  /* gave up the rest of its slice */
	bool no_zero_page;             /* reads get their own frame (trace replay) */
	bool top_level;                /* started by vmos run: reaped by the run */
	bool execed;                   /* has called execve since its fork (setpgid: EACCES) */
	bool group_exit;               /* leader: the group ended by exit_group or a signal */
	/* futex wait (futex.c): the key slept on, the bitset, the queue */
	uint64_t futex_key[2];
	uint32_t futex_bitset;
	bool futex_waiting;
	struct proc *futex_next;
};

/* Creates a process running `path` (already read into an exec image) with
 * argv/envp.  Returns the process or NULL with *err set to a negative errno
 * and a message on k->cfg.err.  (In exec.c: it is an exec.) */
struct proc *proc_spawn(struct kernel *k, const char *path, char *const argv[],
			char *const envp[], int *err);

/* Runs every process until all have exited.  Returns 0. */
int kernel_run(struct kernel *k);

/* Ends the process (every thread of p's group) with an exit code or a
 * signal, releasing its memory: exit_group, and every kill. */
void proc_exit(struct kernel *k, struct proc *p, int code, int sig);
/* Ends thread p alone (exit(2) of one thread): the group goes on while
 * other threads run; the last one ends it with the leader's code. */
void proc_exit_thread(struct kernel *k, struct proc *p, int code);

/* Frees the record of a zombie. */
void proc_reap(struct kernel *k, struct proc *p);

/* The process (live or zombie) with pid, or NULL: a walk of the process
 * list, as short as the number of processes. */
static inline struct proc *proc_find(struct kernel *k, uint32_t pid)
{
	for (struct proc *p = k->procs; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

/* The process with pid as p may name it (kill, prlimit64, the affinity
 * calls): only one of p's own program tree.  Another program of the same
 * vmos run is another guest, which no call may reach (procfs hides it
 * too); NULL then, as for a pid that does not exist (ESRCH). */
static inline struct proc *proc_find_peer(struct kernel *k, struct proc *p, uint32_t pid)
{
	struct proc *q = proc_find(k, pid);
	return q && q->tree == p->tree ? q : NULL;
}

/* A new process with an empty address space, not yet runnable; NULL if out
 * of memory. */
struct proc *proc_create(struct kernel *k, const char *name);
/* A new thread in p's group: same address space (its users and refs
 * counted), same parent, program and limits, not yet runnable; NULL if out
 * of memory. */
struct proc *proc_create_thread(struct kernel *k, struct proc *p);
/* execve from a thread (Linux de_thread): ends every other thread of p's
 * group; if p is not the leader, the leader's record takes over p's
 * registers and state (its pid is the tgid the program keeps) and p's
 * record ends.  Returns the record that goes on with the exec (runnable
 * but not queued when it is not p). */
struct proc *proc_exec_takeover(struct kernel *k, struct proc *p);
/* Puts p on the run queue (at its tail).  Inline, calling nothing: the
 * wait queues (waitq.c), futex.c and the signals (signal.c) make sleepers
 * runnable without calling up into proc.c. */
static inline void proc_make_runnable(struct kernel *k, struct proc *p)
{
	p->state = P_RUNNABLE;
	p->run_next = NULL;
	if (k->runq_tail)
		k->runq_tail->run_next = p;
	else
		k->runq_head = p;
	k->runq_tail = p;
}
/* Blocks p until one of its children exits (on p->child_exit) and makes
 * its current system call run again when it wakes. */
void proc_block_restart(struct kernel *k, struct proc *p);

/* Makes p the process whose address space the MMU translates (the kernel
 * then accesses p's memory through it, as copyin/copyout do).  Inline: a
 * switch of address space is pmap's and the MMU's, below every caller. */
static inline void proc_activate(struct kernel *k, struct proc *p)
{
	/* one compare unless a rollover took p's ASID (asid.h) */
	pmap_asid_refresh(&p->mm->pmap, k->current ? &k->current->mm->pmap : NULL);
	if (k->current && k->current->mm == p->mm && k->mmu.satp == pmap_satp(&p->mm->pmap)) {
		k->current = p;            /* a thread of the same address space: no switch */
		return;
	}
	mmu_set_satp(&k->mmu, pmap_satp(&p->mm->pmap));
	if (!k->cfg.use_asids) {
		mmu_sfence_vma(&k->mmu, false, 0, false, 0);
		k->stats.tlb_flushes_on_switch++;
	}
	k->current = p;
}
/* The host's CLOCK_MONOTONIC in nanoseconds: the clock of every sleep's
 * deadline (nanosleep, futex and poll timeouts; the scheduler wakes on it). */
static inline uint64_t host_monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Puts p to sleep for ns nanoseconds (host CLOCK_MONOTONIC); a signal
 * ends the sleep (SLEEP_EINTR, signals.h). */
static inline void proc_sleep(struct kernel *k, struct proc *p, uint64_t ns)
{
	p->state = P_SLEEPING;
	p->wake_time_ns = host_monotonic_ns() + ns;
	p->sig.sleep_kind = SLEEP_EINTR;
}

/* The signals pending for p (its own or its group's) that it does not
 * block (signals.h). */
static inline uint64_t signal_deliverable(const struct proc *p)
{
	return (p->sig.pending.set | p->sigshared->pending.set) & ~p->sigmask;
}

/* The record an address space is kept under (its owner, the group
 * leader) while the space is in use: loops over address spaces visit each
 * once through it. */
static inline bool proc_space_live(const struct proc *p)
{
	return p->mm->owner == p && p->mm->users > 0;
}

/* The leader of p's thread group (live or zombie: it is reaped last). */
static inline struct proc *proc_leader(struct kernel *k, struct proc *p)
{
	if (p->pid == p->tgid)
		return p;
	if (p->mm->owner->tgid == p->tgid)
		return p->mm->owner;
	struct proc *l = proc_find(k, p->tgid);
	if (!l)
		kpanic("thread %u: the leader of group %u is gone", p->pid, p->tgid);
	return l;
}

/* Resident user pages of p (its pmap's present pages). */
static inline uint64_t proc_resident(const struct proc *p) { return p->mm->pmap.resident; }

/* The replacement-policy instance that manages the pages of p (its own under
 * local replacement, else the global one); p may be NULL. */
static inline struct repl *kernel_repl(struct kernel *k, struct proc *p)
{
	if (p)
		p = p->mm->owner;          /* threads: their address space's */
	return p && p->repl.ops ? &p->repl : &k->repl;
}

#endif
