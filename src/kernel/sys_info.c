/*
 * sys_info.c - resource limits, usage, the machine as a whole, clocks and
 * glibc's start-up bookkeeping (see sys_info.h).
 *
 * Limits vmos enforces: RLIMIT_STACK (stack growth, vm.c), RLIMIT_AS and
 * RLIMIT_DATA (brk and mmap, vm.c), RLIMIT_NPROC is --max-procs (fork.c
 * counts against the configuration; the limit reports it).  The others are
 * kept and reported as Linux would, with nothing yet to enforce them on
 * (no files, no signals queued, one CPU-time budget per run).
 *
 * Processes run as uid 0 but without CAP_SYS_RESOURCE: a hard limit can be
 * lowered, never raised (EPERM), as for an unprivileged Linux user and as
 * qemu-riscv64 shows for an ordinary host user.  The stack's hard limit is
 * --stack-limit itself: the address space reserves no more below the stack.
 */
#include "sys_info.h"
#include "proc.h"
#include "uaccess.h"
#include "vdso.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#define RLIM_INF LX_RLIM_INFINITY

static uint64_t host_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void res_init(struct kernel *k, struct proc *p)
{
	struct lx_rlimit *r = p->res.rlim;
	for (int i = 0; i < LX_RLIM_NLIMITS; i++)
		r[i] = (struct lx_rlimit){ RLIM_INF, RLIM_INF };
	r[LX_RLIMIT_STACK] = (struct lx_rlimit){ k->cfg.stack_limit, k->cfg.stack_limit };
	r[LX_RLIMIT_CORE] = (struct lx_rlimit){ 0, RLIM_INF };
	r[LX_RLIMIT_NPROC] = (struct lx_rlimit){ k->cfg.max_procs, k->cfg.max_procs };
	r[LX_RLIMIT_NOFILE] = (struct lx_rlimit){ 1024, 4096 };
	r[LX_RLIMIT_MEMLOCK] = (struct lx_rlimit){ 8ULL << 20, 8ULL << 20 };
	/* Linux: max_threads / 2, max_threads = RAM pages / 32 with 16 KiB kernel stacks */
	uint64_t sigpending = k->pa.nframes / 64;
	r[LX_RLIMIT_SIGPENDING] = (struct lx_rlimit){ sigpending, sigpending };
	r[LX_RLIMIT_MSGQUEUE] = (struct lx_rlimit){ 819200, 819200 };
	r[LX_RLIMIT_NICE] = (struct lx_rlimit){ 0, 0 };
	r[LX_RLIMIT_RTPRIO] = (struct lx_rlimit){ 0, 0 };
	p->res.groups[0] = 0;              /* root's one supplementary group */
	p->res.ngroups = 1;
}

void res_fork(struct proc *child, const struct proc *parent)
{
	memcpy(child->res.rlim, parent->res.rlim, sizeof child->res.rlim);
	child->res.nice = parent->res.nice;
	child->res.ngroups = parent->res.ngroups;
	memcpy(child->res.groups, parent->res.groups, sizeof child->res.groups);
}

/* getpriority(2) and setpriority(2): the nice value of a thread (PRIO_PROCESS,
 * who a tid or 0 for the caller), of the caller's process group (PRIO_PGRP:
 * every process vmos runs is one group, 0 or the caller's tgid), or of a
 * user's processes (PRIO_USER: every process is root's, uid 0).  The raw
 * getpriority returns 20 - nice (1..40; glibc converts); setpriority clamps
 * to -20..19.  EINVAL for another `which`, ESRCH if nothing matches.  vmos
 * keeps the value and reports it; its scheduler gives every process the
 * same quantum (docs/running.md). */
static bool prio_match(const struct proc *q, const struct proc *p, int which, int64_t who)
{
	if (q->state == P_ZOMBIE)
		return false;
	switch (which) {
	case 0: return who == 0 ? q == p : q->pid == (uint64_t)who;
	case 1: return q->tree == p->tree && q->pgid == (who == 0 ? p->pgid : (uint64_t)who);
	default: return who == 0;
	}
}

/* getgroups(2), setgroups(2): the supplementary groups.  A program vmos
 * starts has one, 0 (root's), as a root login on Linux; setgroups (root
 * may) keeps up to 32 (more: EINVAL, where Linux allows 65536).  size 0
 * asks the count; a size below it is EINVAL. */
int64_t sys_getgroups(struct kernel *k, struct proc *p, int64_t size, uint64_t ulist)
{
	if (size < 0)
		return -EINVAL;
	int n = p->res.ngroups;
	if (size == 0)
		return n;
	if (size < n)
		return -EINVAL;
	return n && copyout(k, p, ulist, p->res.groups, (size_t)n * 4) < 0 ? -EFAULT : n;
}

int64_t sys_setgroups(struct kernel *k, struct proc *p, int64_t size, uint64_t ulist)
{
	if (size < 0 || size > (int64_t)(sizeof p->res.groups / sizeof p->res.groups[0]))
		return -EINVAL;
	uint32_t g[32];
	if (size && copyin(k, p, g, ulist, (size_t)size * 4) < 0)
		return -EFAULT;
	memcpy(p->res.groups, g, (size_t)size * 4);
	p->res.ngroups = (int)size;
	return 0;
}

/* prctl(2), the options programs ask at start: PR_SET_NAME / PR_GET_NAME
 * (the thread's name, 15 bytes and a NUL, as comm), PR_SET_DUMPABLE /
 * PR_GET_DUMPABLE, PR_SET_PDEATHSIG / PR_GET_PDEATHSIG (kept, reported;
 * vmos sends no signal when a parent dies).  Others are EINVAL, as Linux
 * answers an option it does not know. */
int64_t sys_prctl(struct kernel *k, struct proc *p, int option, uint64_t arg2)
{
	enum { PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3,
	       PR_SET_DUMPABLE = 4, PR_SET_NAME = 15, PR_GET_NAME = 16 };
	char name[16];
	switch (option) {
	case PR_SET_NAME: {
		size_t i = 0;
		for (; i < sizeof name - 1; i++) {          /* up to the NUL or 15 bytes */
			if (copyin(k, p, &name[i], arg2 + i, 1) < 0)
				return -EFAULT;
			if (!name[i])
				break;
		}
		name[i] = 0;
		memset(p->name, 0, sizeof p->name);
		memcpy(p->name, name, strlen(name));
		return 0;
	}
	case PR_GET_NAME:
		memset(name, 0, sizeof name);
		memcpy(name, p->name, strnlen(p->name, sizeof name - 1));
		return copyout(k, p, arg2, name, sizeof name) < 0 ? -EFAULT : 0;
	case PR_SET_DUMPABLE:
		if (arg2 > 1)
			return -EINVAL;
		p->res.undumpable = arg2 == 0;
		return 0;
	case PR_GET_DUMPABLE:
		return !p->res.undumpable;
	case PR_SET_PDEATHSIG:
		if (arg2 > 64)
			return -EINVAL;
		p->res.pdeathsig = (int)arg2;
		return 0;
	case PR_GET_PDEATHSIG: {
		int32_t v = p->res.pdeathsig;
		return copyout(k, p, arg2, &v, sizeof v) < 0 ? -EFAULT : 0;
	}
	default:
		return -EINVAL;
	}
}

int64_t sys_getpriority(struct kernel *k, struct proc *p, int which, int64_t who)
{
	if (which < 0 || which > 2)
		return -EINVAL;
	int best = 99;
	for (struct proc *q = k->procs; q; q = q->next)
		if (prio_match(q, p, which, who) && q->res.nice < best)
			best = q->res.nice;
	return best == 99 ? -ESRCH : 20 - best;
}

int64_t sys_setpriority(struct kernel *k, struct proc *p, int which, int64_t who, int prio)
{
	if (which < 0 || which > 2)
		return -EINVAL;
	if (prio < -20)
		prio = -20;
	if (prio > 19)
		prio = 19;
	bool any = false;
	for (struct proc *q = k->procs; q; q = q->next)
		if (prio_match(q, p, which, who)) {
			q->res.nice = prio;
			any = true;
		}
	return any ? 0 : -ESRCH;
}

#define LX_CLONE_PARENT_SETTID  0x00100000
#define LX_CLONE_CHILD_CLEARTID 0x00200000
#define LX_CLONE_CHILD_SETTID   0x01000000

void res_clone_tids(struct kernel *k, struct proc *parent, struct proc *child, uint64_t flags,
		    uint64_t uptid, uint64_t uctid)
{
	if (!child)
		return;
	int32_t tid = (int32_t)child->pid;
	if (flags & LX_CLONE_PARENT_SETTID)
		(void)copyout(k, parent, uptid, &tid, sizeof tid);
	if (flags & LX_CLONE_CHILD_SETTID) {
		proc_activate(k, child);     /* the child's address space: copy-on-write applies */
		(void)copyout(k, child, uctid, &tid, sizeof tid);
		proc_activate(k, parent);
	}
	if (flags & LX_CLONE_CHILD_CLEARTID)
		child->res.clear_child_tid = uctid;
}

void res_exec(struct proc *p)
{
	p->res.clear_child_tid = 0;
	p->res.robust_list = p->res.robust_len = 0;
}

uint64_t res_minflt(const struct proc *p)
{
	/* faults_stack is a subset of faults_zero: not counted twice */
	return p->st.faults_zero + p->st.faults_file + p->st.faults_cow;
}

uint64_t res_majflt(const struct proc *p)
{
	return p->st.faults_swapin;
}

void res_collect(struct proc *parent, const struct proc *child)
{
	struct proc_res *r = &parent->res;
	const struct proc_res *c = &child->res;
	r->cutime_ns += c->utime_ns + c->cutime_ns;
	r->cstime_ns += c->stime_ns + c->cstime_ns;
	r->cminflt += res_minflt(child) + c->cminflt;
	r->cmajflt += res_majflt(child) + c->cmajflt;
	uint64_t peak = child->st.resident_peak > c->cmaxrss_pages ? child->st.resident_peak :
		c->cmaxrss_pages;
	if (peak > r->cmaxrss_pages)
		r->cmaxrss_pages = peak;
}

/* ---- limits ------------------------------------------------------------- */

int64_t sys_prlimit64(struct kernel *k, struct proc *p, int64_t pid, unsigned resource,
		      uint64_t unew, uint64_t uold)
{
	if (resource >= LX_RLIM_NLIMITS)
		return -EINVAL;
	struct proc *t = p;
	if (pid < 0)
		return -EINVAL;
	if (pid != 0 && pid != p->pid) {
		t = pid <= 0xffffffffLL ? proc_find_peer(k, p, (uint32_t)pid) : NULL;
		if (!t || t->state == P_ZOMBIE)
			return -ESRCH;
	}
	struct lx_rlimit old = t->res.rlim[resource], nw;
	if (unew) {
		if (copyin(k, p, &nw, unew, sizeof nw) < 0)
			return -EFAULT;
		if (nw.rlim_cur > nw.rlim_max)
			return -EINVAL;
		if (nw.rlim_max > old.rlim_max)
			return -EPERM;       /* raising a hard limit needs CAP_SYS_RESOURCE */
		t->res.rlim[resource] = nw;
	}
	if (uold && copyout(k, p, uold, &old, sizeof old) < 0)
		return -EFAULT;
	return 0;
}

int64_t sys_getrlimit(struct kernel *k, struct proc *p, unsigned resource, uint64_t uold)
{
	if (resource >= LX_RLIM_NLIMITS)
		return -EINVAL;
	return copyout(k, p, uold, &p->res.rlim[resource], sizeof(struct lx_rlimit)) < 0 ?
		-EFAULT : 0;
}

int64_t sys_setrlimit(struct kernel *k, struct proc *p, unsigned resource, uint64_t unew)
{
	if (!unew)
		return -EFAULT;
	return sys_prlimit64(k, p, 0, resource, unew, 0);
}

/* ---- usage ---------------------------------------------------------------- */

static struct lx_timeval ns_to_tv(uint64_t ns)
{
	return (struct lx_timeval){ (int64_t)(ns / 1000000000ULL),
				    (int64_t)(ns % 1000000000ULL / 1000) };
}

/* Copies a struct rusage with these figures to uru: 0 or -EFAULT. */
static int put_rusage(struct kernel *k, struct proc *p, uint64_t uru, uint64_t utime_ns,
		      uint64_t stime_ns, uint64_t maxrss_pages, uint64_t minflt, uint64_t majflt)
{
	struct lx_rusage ru;
	memset(&ru, 0, sizeof ru);
	ru.ru_utime = ns_to_tv(utime_ns);
	ru.ru_stime = ns_to_tv(stime_ns);
	ru.ru_maxrss = (int64_t)(maxrss_pages * (PGSIZE / 1024));
	ru.ru_minflt = (int64_t)minflt;
	ru.ru_majflt = (int64_t)majflt;
	return copyout(k, p, uru, &ru, sizeof ru) < 0 ? -EFAULT : 0;
}

int64_t sys_getrusage(struct kernel *k, struct proc *p, int who, uint64_t uru)
{
	const struct proc_res *r = &p->res;
	if (who == LX_RUSAGE_THREAD)
		return put_rusage(k, p, uru, r->utime_ns, r->stime_ns, p->mm->owner->st.resident_peak,
				  res_minflt(p), res_majflt(p));
	if (who == LX_RUSAGE_SELF) {   /* the process: every thread (ended ones are in the leader) */
		uint64_t ut = 0, st = 0, minflt = 0, majflt = 0;
		for (struct proc *q = k->procs; q; q = q->next)
			if (q->tgid == p->tgid) {
				ut += q->res.utime_ns, st += q->res.stime_ns;
				minflt += res_minflt(q), majflt += res_majflt(q);
			}
		return put_rusage(k, p, uru, ut, st, p->mm->owner->st.resident_peak, minflt, majflt);
	}
	if (who == LX_RUSAGE_CHILDREN)
		return put_rusage(k, p, uru, r->cutime_ns, r->cstime_ns, r->cmaxrss_pages,
				  r->cminflt, r->cmajflt);
	return -EINVAL;
}

int res_child_rusage(struct kernel *k, struct proc *p, const struct proc *child, uint64_t uru)
{
	const struct proc_res *c = &child->res;
	uint64_t peak = child->st.resident_peak > c->cmaxrss_pages ? child->st.resident_peak :
		c->cmaxrss_pages;
	return put_rusage(k, p, uru, c->utime_ns + c->cutime_ns, c->stime_ns + c->cstime_ns, peak,
			  res_minflt(child) + c->cminflt, res_majflt(child) + c->cmajflt);
}

static int64_t ns_to_ticks(uint64_t ns)
{
	return (int64_t)(ns / (1000000000ULL / LX_USER_HZ));
}

int64_t sys_times(struct kernel *k, struct proc *p, uint64_t ubuf)
{
	if (ubuf) {
		struct lx_tms t = {
			ns_to_ticks(p->res.utime_ns), ns_to_ticks(p->res.stime_ns),
			ns_to_ticks(p->res.cutime_ns), ns_to_ticks(p->res.cstime_ns),
		};
		if (copyout(k, p, ubuf, &t, sizeof t) < 0)
			return -EFAULT;
	}
	return ns_to_ticks(host_ns(CLOCK_MONOTONIC) - k->boot_ns);   /* ticks since boot */
}

/* ---- the machine ------------------------------------------------------------ */

int64_t sys_sysinfo(struct kernel *k, struct proc *p, uint64_t uinfo)
{
	struct lx_sysinfo si;
	memset(&si, 0, sizeof si);
	uint64_t up = host_ns(CLOCK_MONOTONIC) - k->boot_ns;
	si.uptime = (int64_t)(up / 1000000000ULL + (up % 1000000000ULL != 0));  /* rounded up, as Linux */
	si.totalram = k->pa.nframes * PGSIZE;
	si.freeram = k->pa.free_frames * PGSIZE;
	si.totalswap = k->swap.nslots * PGSIZE;
	si.freeswap = k->swap.nfree * PGSIZE;
	si.procs = (uint16_t)(k->nlive > 0xffff ? 0xffff : k->nlive);
	si.mem_unit = 1;
	return copyout(k, p, uinfo, &si, sizeof si) < 0 ? -EFAULT : 0;
}

/* The clocks clock_gettime serves, all of resolution 1 ns (hrtimers). */
int64_t sys_clock_getres(struct kernel *k, struct proc *p, int clk, uint64_t ures)
{
	switch (clk) {
	case 0: case 1: case 2: case 3: case 4: case 7: break;
	default: return -EINVAL;
	}
	struct lx_timespec res = { 0, 1 };
	if (ures && copyout(k, p, ures, &res, sizeof res) < 0)
		return -EFAULT;
	return 0;
}

int64_t sys_gettimeofday(struct kernel *k, struct proc *p, uint64_t utv, uint64_t utz)
{
	if (utv) {
		uint64_t ns = vdso_clock_ns(k, 0);      /* the vDSO's clock (vdso.h) */
		struct lx_timeval tv = ns_to_tv(ns);
		if (copyout(k, p, utv, &tv, sizeof tv) < 0)
			return -EFAULT;
	}
	if (utz) {
		struct lx_timezone tz = { 0, 0 };        /* the kernel's zone: UTC */
		if (copyout(k, p, utz, &tz, sizeof tz) < 0)
			return -EFAULT;
	}
	return 0;
}

/* ---- start-up bookkeeping ------------------------------------------------------ */

int64_t sys_set_tid_address(struct kernel *k, struct proc *p, uint64_t tidptr)
{
	p->res.clear_child_tid = tidptr;
	return p->pid;                  /* one thread per process: tid = pid */
}

int64_t sys_set_robust_list(struct kernel *k, struct proc *p, uint64_t head, uint64_t len)
{
	if (len != 24)                  /* sizeof(struct robust_list_head) on LP64 */
		return -EINVAL;
	p->res.robust_list = head;
	p->res.robust_len = len;
	return 0;
}

/* The value of one hwprobe key for this machine: one RV64IMAFDC hart
 * without vendor ids.  Returns false for keys it does not know. */
static bool hwprobe_value(struct kernel *k, int64_t key, uint64_t *v)
{
	switch (key) {
	case LX_HWPROBE_KEY_MVENDORID:
	case LX_HWPROBE_KEY_MARCHID:
	case LX_HWPROBE_KEY_MIMPID:
		*v = 0;                 /* not implemented: 0, as the privileged spec allows */
		return true;
	case LX_HWPROBE_KEY_BASE_BEHAVIOR:
		*v = LX_HWPROBE_BASE_BEHAVIOR_IMA;
		return true;
	case LX_HWPROBE_KEY_IMA_EXT_0:
		*v = LX_HWPROBE_IMA_FD | LX_HWPROBE_IMA_C;   /* no V, no B, no Zicboz */
		return true;
	case LX_HWPROBE_KEY_CPUPERF_0:
	case LX_HWPROBE_KEY_MISALIGNED_SCALAR_PERF:
		/* the hart does misaligned loads and stores itself, in one cycle */
		*v = LX_HWPROBE_MISALIGNED_FAST;
		return true;
	case LX_HWPROBE_KEY_ZICBOZ_BLOCK_SIZE:
		*v = 0;                 /* no Zicboz */
		return true;
	case LX_HWPROBE_KEY_HIGHEST_VIRT_ADDRESS:
		*v = user_top(k->cfg.levels) - 1;
		return true;
	case LX_HWPROBE_KEY_TIME_CSR_FREQ:
		*v = CPU_TIMEBASE_HZ;
		return true;
	default:
		return false;
	}
}

int64_t sys_riscv_hwprobe(struct kernel *k, struct proc *p, uint64_t upairs, uint64_t count,
			  uint64_t cpusetsize, uint64_t ucpus, unsigned flags)
{
	if (flags)
		return -EINVAL;
	if (cpusetsize || ucpus) {
		uint8_t set[8] = { 0 };
		size_t n = cpusetsize < sizeof set ? (size_t)cpusetsize : sizeof set;
		if (n && copyin(k, p, set, ucpus, n) < 0)
			return -EFAULT;
		if (!(set[0] & 1))
			return -EINVAL;     /* no online CPU (the only one is CPU 0) in the set */
	}
	for (uint64_t i = 0; i < count; i++) {
		struct lx_hwprobe pair;
		uint64_t at = upairs + i * sizeof pair;
		if (at < upairs || copyin(k, p, &pair, at, sizeof pair) < 0)
			return -EFAULT;
		if (!hwprobe_value(k, pair.key, &pair.value)) {
			pair.key = -1;
			pair.value = 0;
		}
		if (copyout(k, p, at, &pair, sizeof pair) < 0)
			return -EFAULT;
	}
	return 0;
}
