/*
 * sys_info.h - what a process may use and what it has used: resource limits
 * (prlimit64, getrlimit, setrlimit), usage (getrusage, times), the machine
 * as a whole (sysinfo, riscv_hwprobe), clocks (clock_getres,
 * gettimeofday), and the thread bookkeeping glibc registers at start-up
 * (set_tid_address, set_robust_list).  Linux semantics; the ABI structures
 * are in abi/linux_abi.h.
 *
 * Time a process uses is host time, measured by the scheduler (proc.c)
 * around each run of the hart with the host's coarse clock (1-4 ms ticks,
 * each charged to what was running: Linux's tick-based accounting): user
 * time is time spent executing its instructions, system time is time the
 * kernel spent serving its traps (system calls, page faults).  Faults are counted where they happen
 * (vm.c): minor = served without I/O (zero fill, copy-on-write, a page of
 * the program image, already in memory), major = swap-ins.
 */
#ifndef VMOS_KERNEL_SYS_INFO_H
#define VMOS_KERNEL_SYS_INFO_H

#include "abi/linux_abi.h"

#include <stdbool.h>
#include <stdint.h>

struct kernel;
struct proc;

/* Per-process resource state, part of struct proc. */
struct proc_res {
	struct lx_rlimit rlim[LX_RLIM_NLIMITS];
	uint64_t clear_child_tid;        /* set_tid_address: cleared at thread exit (threads: later) */
	uint64_t robust_list, robust_len; /* set_robust_list: walked at thread exit (threads: later) */
	uint64_t utime_ns, stime_ns;     /* own time */
	/* children waited for (and, recursively, what they waited for) */
	uint64_t cutime_ns, cstime_ns, cminflt, cmajflt, cmaxrss_pages;
	int pdeathsig;                   /* prctl PR_SET_PDEATHSIG: kept and reported (not sent) */
	uint32_t groups[32];             /* supplementary groups (setgroups), inherited */
	int ngroups;
	bool undumpable;                 /* prctl PR_SET_DUMPABLE 0 */
	int nice;                        /* setpriority: -20..19, inherited; the one-hart
	                                    scheduler runs every process alike */
};

/* Linux's default limits, with the stack from --stack-limit and the
 * process count from --max-procs (proc_create). */
void res_init(struct kernel *k, struct proc *p);
/* A forked child inherits its parent's limits (its usage starts at 0). */
void res_fork(struct proc *child, const struct proc *parent);
/* After a fork (clone with these flags and tid pointers made child): the
 * tid writes glibc's fork asks for - CLONE_PARENT_SETTID into the parent's
 * memory, CLONE_CHILD_SETTID into the child's - and CLONE_CHILD_CLEARTID
 * remembered.  A write that faults is skipped, as on Linux. */
void res_clone_tids(struct kernel *k, struct proc *parent, struct proc *child, uint64_t flags,
		    uint64_t uptid, uint64_t uctid);
/* At execve: the thread pointers the old image registered are forgotten
 * (limits and usage stay, as on Linux). */
void res_exec(struct proc *p);
/* At wait: the parent takes in a reaped child's usage and its children's. */
void res_collect(struct proc *parent, const struct proc *child);
/* wait4's rusage: a zombie child's own usage and its children's, copied
 * to uru.  Returns 0 or -EFAULT. */
int res_child_rusage(struct kernel *k, struct proc *p, const struct proc *child, uint64_t uru);
/* Minor and major page faults of p so far. */
uint64_t res_minflt(const struct proc *p);
uint64_t res_majflt(const struct proc *p);

int64_t sys_prlimit64(struct kernel *k, struct proc *p, int64_t pid, unsigned resource,
		      uint64_t unew, uint64_t uold);
int64_t sys_getrlimit(struct kernel *k, struct proc *p, unsigned resource, uint64_t uold);
int64_t sys_setrlimit(struct kernel *k, struct proc *p, unsigned resource, uint64_t unew);
int64_t sys_getrusage(struct kernel *k, struct proc *p, int who, uint64_t uru);
int64_t sys_getpriority(struct kernel *k, struct proc *p, int which, int64_t who);

/* Process groups and sessions (sys_pgrp.c): setpgid(2), getpgid(2),
 * getsid(2), setsid(2), Linux's rules; ESRCH for a pid of another tree. */
int64_t sys_setpgid(struct kernel *k, struct proc *p, int64_t pid, int64_t pgid);
int64_t sys_getpgid(struct kernel *k, struct proc *p, int64_t pid);
int64_t sys_getsid(struct kernel *k, struct proc *p, int64_t pid);
int64_t sys_setsid(struct kernel *k, struct proc *p);
/* True if a live process of p's tree in session sid has process group pgid. */
bool pgrp_exists(struct kernel *k, const struct proc *p, uint32_t pgid, uint32_t sid);
int64_t sys_prctl(struct kernel *k, struct proc *p, int option, uint64_t arg2);
int64_t sys_getgroups(struct kernel *k, struct proc *p, int64_t size, uint64_t ulist);
int64_t sys_setgroups(struct kernel *k, struct proc *p, int64_t size, uint64_t ulist);
int64_t sys_setpriority(struct kernel *k, struct proc *p, int which, int64_t who, int prio);
int64_t sys_times(struct kernel *k, struct proc *p, uint64_t ubuf);
int64_t sys_sysinfo(struct kernel *k, struct proc *p, uint64_t uinfo);
int64_t sys_clock_getres(struct kernel *k, struct proc *p, int clk, uint64_t ures);
int64_t sys_gettimeofday(struct kernel *k, struct proc *p, uint64_t utv, uint64_t utz);
int64_t sys_set_tid_address(struct kernel *k, struct proc *p, uint64_t tidptr);
int64_t sys_set_robust_list(struct kernel *k, struct proc *p, uint64_t head, uint64_t len);
int64_t sys_riscv_hwprobe(struct kernel *k, struct proc *p, uint64_t upairs, uint64_t count,
			  uint64_t cpusetsize, uint64_t ucpus, unsigned flags);

#endif
