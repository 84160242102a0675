/*
 * kernel.h - the vmos kernel: the machine it drives, its allocators, its
 * processes.  One struct kernel is one booted machine; nothing is global, so
 * tests can boot many.
 *
 * The kernel runs as host C code.  It drives the simulated hart with
 * cpu_run() and gets back traps (ecall, page faults, end of time slice),
 * which it handles before resuming the same or another process.
 */
#ifndef VMOS_KERNEL_KERNEL_H
#define VMOS_KERNEL_KERNEL_H

#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include "ram.h"
#include "mmu.h"
#include "cpu.h"
#include "page_alloc.h"
#include "panic.h"
#include "slab.h"
#include "pmap.h"
#include "vm_map.h"
#include "replace.h"
#include "waitq.h"
#include "thp.h"

struct proc;
struct kernel;
struct vfs;

/* Events the kernel reports to a front end (event logs, snapshots,
 * `vmos explain`): see kernel_config.on_event. */
enum kevent_kind {
	KEV_FAULT,       /* a page fault was handled: what = how ("zero", "file", "cow",
	                    "cow-reuse", "stack", "swap-in", "segv", "oom"; with --thp
	                    "thp-reserve", "thp-eager", "thp-cow-copy", "thp-cow-reuse") */
	KEV_SYSCALL,     /* cause = number, result = return value */
	KEV_EXIT,        /* a process ended: result = exit code, cause = signal */
	KEV_MARKER,      /* the program called vmos_marker(va, tag): cause = tag */
	KEV_TICK,        /* cfg.tick_interval more instructions have run */
	KEV_EVICT,       /* a page was evicted: va, result = swap slot or -1 (dropped) */
	KEV_TLB_MISS,    /* the MMU missed in the TLB (needs mmu.miss_hook wiring) */
	KEV_NKINDS
};

struct kevent {
	enum kevent_kind kind;
	uint32_t pid;
	uint64_t instret;        /* machine instructions retired so far */
	uint64_t va, pc;
	uint64_t cause;
	int64_t result;
	const char *what;
	const uint64_t *args;    /* KEV_SYSCALL: a0..a5 as the program passed them, or NULL */
};

/* A vmos-specific system call (no Linux number is near it): a program marks
 * a point of interest, e.g. to have an address explained there.
 * a0 = an address, a1 = a tag.  Returns 0. */
#define SYS_vmos_marker 1000
struct exec_image;
struct pagecache;
struct file_frame_ops;

/* Boot-time configuration (vmos run options). */
struct kernel_config {
	uint64_t ram_size;        /* bytes */
	int levels;               /* 3 = Sv39, 4 = Sv48 */
	unsigned tlb_entries, tlb_ways;
	uint64_t quantum;         /* instructions per time slice */
	bool use_asids;           /* false: every switch flushes the TLB */
	unsigned asid_bits;       /* ASID width, 1..16 (asid.h); default 16 */
	uint64_t stack_limit;     /* bytes */
	bool debug;               /* allocator poisoning and checks */
	bool prefix_output;       /* "[pid] " before each output line */
	bool check_invariants;    /* run the checker after each process exit */
	bool warn_syscalls;       /* name each unimplemented syscall once on err */
	unsigned max_procs;       /* live processes per program tree (fork: EAGAIN) */
	uint64_t swap_size;       /* bytes of swap (0: none) */
	uint32_t swap_share_max;  /* page-table entries that may share one swap slot
	                             (0: SWAP_SHARE_MAX); see swap_dup */
	const char *policy;       /* replacement policy name (NULL: clock) */
	uint64_t frames_limit;    /* user frames before reclaim starts (0: all RAM) */
	uint64_t local_frames;    /* >0: local replacement, each process holds at most this many */
	enum thp_mode thp;        /* transparent superpages (thp.h): never (default), madvise, always */
	enum thp_strategy thp_strategy;  /* reserve (default) or eager */
	enum thp_cow thp_cow;     /* split (default) or copy: superpages after fork */
	uint64_t thp_collapse;    /* instructions between collapse passes (0: none) */
	unsigned readahead;       /* pages a page-cache miss may read at once (pagecache.h;
	                             0 or 1: one); default PAGECACHE_RA_MAX */
	FILE *out, *err;          /* where user stdout/stderr go */
	/* Called when a process exits, before its memory is released (for
	 * --maps and --frame-map); may be NULL. */
	void (*on_exit)(struct kernel *k, struct proc *p);
	/* Called for every event (may be NULL).  p is the process concerned
	 * (alive: its address space may be inspected), or NULL. */
	void (*on_event)(struct kernel *k, struct proc *p, const struct kevent *ev);
	/* Names the code at pc for crash reports (" (main+0x1c)"), or leaves
	 * buf "" (may be NULL: the kernel parses no symbols itself). */
	void (*describe_pc)(struct kernel *k, struct proc *p, uint64_t pc, char *buf, size_t n);
	/* A debugger's say before p runs (vmos run --gdb, gdbstub.c): called
	 * with p's registers loaded in k->cpu, before each cpu_run of p, and may
	 * stop there (serving the debugger, which may change registers, memory,
	 * or end p).  Returns how many instructions p may run before it is asked
	 * again (<= budget; fewer ends this run of p without ending its time
	 * slice).  NULL: no debugger. */
	uint64_t (*debug_hook)(struct kernel *k, struct proc *p, uint64_t budget);
	uint64_t tick_interval;   /* instructions between KEV_TICK events; 0: none */
	uint64_t wss_interval;    /* instructions between working-set samples; 0: none
	                             (a multiple of tick_interval) */
	void *user;               /* for the front end's own use */
	/* The guest's file system (fs/vfs.h, docs/files.md). */
	const char *root;         /* host directory shown as / (NULL: the host's /), read-only */
	const char *rw[8];        /* host directories mounted writable at their guest path */
	unsigned nrw;
	const char *cwd;          /* the first processes' cwd, a host path (NULL: vmos's own) */
};

void kernel_config_default(struct kernel_config *cfg);

/* kernel_repl(k, p), the replacement-policy instance that manages the pages
 * of p (its own under local replacement, else the global one), is inline in
 * proc.h; kernel_repl_of_frame(k, f), the instance that manages frame f
 * (mapped, with a key), in frame.h. */

/* kernel_event(k, p, kind, va, cause, result, what), inline below, reports
 * an event to cfg.on_event if set; this does the reporting. */
void kernel_event_emit(struct kernel *k, struct proc *p, enum kevent_kind kind, uint64_t va,
		       uint64_t cause, int64_t result, const char *what);

/* Reports system call nr with its six arguments (a copy taken before the
 * call ran) and its result, as a KEV_SYSCALL event. */
void kernel_event_syscall(struct kernel *k, struct proc *p, uint64_t nr, int64_t result,
			  const uint64_t args[6]);

/* Machine-wide counters (per-process ones are in struct proc). */
struct kernel_stats {
	uint64_t faults_zero, faults_file, faults_cow, faults_stack, faults_copy_avoided;
	uint64_t faults_segv;
	uint64_t pages_zeroed, pages_copied;
	uint64_t syscalls, context_switches, tlb_flushes_on_switch;
	uint64_t user_frames_peak;
	uint64_t oom_kills, fork_refused;
	uint64_t vforks;               /* clone with CLONE_VFORK: the parent waited */
	uint64_t pages_swapped_out, pages_swapped_in, pages_dropped;
	uint64_t fault_run_max;     /* most page faults of one instruction in a row */
	uint64_t pinned_skips;      /* reclaim victims kept: the faulting instruction needs them */
	uint64_t progress_kills;    /* processes killed by the progress guard */
	uint64_t deadlocks;         /* runs of kernel_run that ended every sleeper (sched.c) */
	/* the page cache (pagecache.c) */
	uint64_t file_page_hits, file_page_misses;  /* pagecache_get found / had to fill */
	uint64_t file_pages_read;       /* read in by a pager (misses that were not zero/swap,
	                                   and the pages read ahead with them) */
	uint64_t file_pages_readahead;  /* of those, read ahead of a miss (pagecache.h) */
	uint64_t file_pages_dropped;    /* clean cached pages dropped by reclaim or invalidate */
	uint64_t file_pages_written;    /* dirty pages written back by a pager */
	uint64_t file_pages_swapped_out, file_pages_swapped_in;  /* of swap-backed objects */
	uint64_t faults_sigbus;         /* accesses past the end of a mapped file */
	uint64_t signals_delivered[65]; /* by signal: handlers run and default actions taken */
	uint64_t faults_user_handled;   /* faults turned into a signal for the program's handler */
	uint64_t sigreturns;            /* rt_sigreturn calls */
};

/* The swap device (swap.c). */
struct swap_dev {
	uint8_t *data;            /* nslots pages, host memory standing for a disk */
	uint64_t nslots, nfree, used_peak;
	uint32_t *refs;           /* per slot: PTEs recording it (kmalloc) */
	uint32_t share_max;       /* refs never exceed it (cfg.swap_share_max) */
	uint32_t *free;           /* stack of free slots (kmalloc) */
	uint64_t reads, writes;
};

struct kernel {
	struct kernel_config cfg;
	struct ram ram;
	struct page_alloc pa;
	struct kmem km;
	struct mmu mmu;
	struct cpu cpu;
	struct pmap_kernel pk;
	struct alloc_faults faults;
	struct kmem_cache *proc_cache;
	struct kmem_cache *mm_cache;     /* struct mm (proc.h) */
	struct kmem_cache *rmap_cache;
	struct kmem_cache *sighand_cache, *sigshared_cache, *sigqueue_cache;   /* signal.h */
	unsigned sig_timers;      /* armed ITIMER_REALs (signal_timers_run) */
	uint64_t vdso_vvar, vdso_text;   /* PAs of the vDSO's frames (vdso.h) */
	struct repl repl;         /* the replacement policy (global) */
	struct swap_dev swap;
	uint64_t reserve_frames;  /* kept free for page tables and kernel objects */
	bool trace_mode;          /* references come from a trace: every access is reported */
	/* Sticky facts for CLOCK's reference test: some frame has had a second
	 * mapping (rmap_add); the working-set sampler has left a soft reference
	 * mark on some frame.  While both are false the test needs no frame. */
	bool ever_shared, ever_softref;
	/* A superpage has been made: a cookie kept before it may point into a
	 * table freed by a promotion, so CLOCK's test takes the slow path. */
	bool ever_super;
	struct thp_state thp;     /* superpage reservations and counters (thp.c) */
	/* thp_break_oldest, registered by thp_init, so that frame_make_room
	 * (below thp) breaks a reservation without calling upward, as reclaim
	 * reaches the page cache through file_frames. */
	bool (*thp_break)(struct kernel *k);
	uint64_t zero_page;       /* PA of the shared zero page */
	struct proc *procs;       /* every process, by creation */
	struct proc *current;
	struct proc *runq_head, *runq_tail;
	struct proc *futex_head, *futex_tail;   /* threads asleep in futex waits (futex.c) */
	uint32_t next_pid;
	struct exec_image *images;
	struct pagecache *pc;     /* vm_objects by id (pagecache.c) */
	const struct file_frame_ops *file_frames;  /* the page cache's hooks for frame.c (frame.h) */
	struct kernel_stats stats;
	uint64_t user_frames;     /* frames currently owned by user pages */
	int nlive;                /* processes not yet reaped */
	const char *fault_kind;   /* how the last vm_fault resolved (for events) */
	/* While the trap handler serves a page fault of this process, the pages
	 * its faulting instruction needs (its guard's pages and pc) are pinned:
	 * reclaim does not evict them (swap.c).  NULL otherwise. */
	struct proc *fault_pin;
	uint32_t test_stuck_pid;  /* tests: this pid's faults "succeed" doing nothing */
	bool test_no_pin;         /* tests: reclaim ignores fault_pin */
	uint64_t next_tick;       /* instret of the next KEV_TICK */
	uint64_t next_wss;        /* instret of the next working-set sample */
	int stdin_fd;             /* host descriptor behind the programs' fd 0 */
	uint32_t tty_pgrp;        /* the console's foreground process group (TIOCGPGRP) */
	uint64_t rng;             /* getrandom/AT_RANDOM generator state */
	uint64_t boot_ns;         /* host CLOCK_MONOTONIC at boot (uptime) */
	uint64_t syscalls_warned[8]; /* bitmap: unimplemented numbers already named */
	struct vfs *vfs;          /* mounts, inode and file caches (fs/vfs.c) */
	/* pipes (fs/pipe.c) */
	struct kmem_cache *pipe_cache; /* struct pipe (fs/pipe.h) */
	struct waitq poll_wait;        /* ppoll, pselect6 (sys_poll.c); pipes wake it */
};

/* Reports an event to cfg.on_event if set (a test inline on the fault path). */
static inline void kernel_event(struct kernel *k, struct proc *p, enum kevent_kind kind,
				uint64_t va, uint64_t cause, int64_t result, const char *what)
{
	if (k->cfg.on_event)
		kernel_event_emit(k, p, kind, va, cause, result, what);
}

/* Boots a machine.  Returns 0, or a negative errno with a message on
 * cfg->err (bad configuration, out of host memory). */
int kernel_boot(struct kernel *k, const struct kernel_config *cfg);
/* Frees everything; every frame must be free again afterwards except the
 * kernel's own boot structures. */
void kernel_shutdown(struct kernel *k);

/* Checks the whole system: allocators, every process's page tables and
 * regions, frame ownership and reference counts.  NULL if all holds. */
const char *kernel_check(struct kernel *k);

#endif
