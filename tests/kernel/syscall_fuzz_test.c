/*
 * A syscall fuzzer straight into the kernel's system-call layer: a live
 * process makes millions of system calls with random numbers and hostile
 * arguments (kernel addresses, unmapped, misaligned, huge, negative, and
 * addresses inside its own regions).  Nothing may crash the host, break an
 * invariant or leak a frame; processes that die are replaced.
 * VMOS_FUZZ_CALLS overrides the number of calls.
 */
#include "test.h"
#include "kernel.h"
#include "proc.h"
#include "futex.h"
#include "signals.h"
#include "syscall.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static uint64_t rnd(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return rng;
}

static const int calls[] = {
	LX_SYS_read, LX_SYS_write, LX_SYS_writev, LX_SYS_brk, LX_SYS_mmap, LX_SYS_munmap, LX_SYS_mprotect, LX_SYS_madvise,
	LX_SYS_clone, LX_SYS_wait4, LX_SYS_kill, LX_SYS_execve, LX_SYS_getpid, LX_SYS_getppid, LX_SYS_sched_yield,
	LX_SYS_clock_gettime, LX_SYS_nanosleep, LX_SYS_uname, LX_SYS_getrandom, LX_SYS_close, LX_SYS_ioctl,
	LX_SYS_set_tid_address, LX_SYS_exit, LX_SYS_set_robust_list, LX_SYS_prlimit64, LX_SYS_getrlimit,
	LX_SYS_setrlimit, LX_SYS_getrusage, LX_SYS_times, LX_SYS_sysinfo, LX_SYS_clock_getres, LX_SYS_gettimeofday,
	LX_SYS_riscv_hwprobe, LX_SYS_fstat, LX_SYS_newfstatat, LX_SYS_readlinkat,
	LX_SYS_pipe2, LX_SYS_ppoll, LX_SYS_pselect6, LX_SYS_futex, LX_SYS_dup3,
	LX_SYS_utimensat, LX_SYS_linkat, LX_SYS_symlinkat, LX_SYS_fchmodat, LX_SYS_fchownat,
	LX_SYS_fchmod, LX_SYS_fchown, LX_SYS_statfs, LX_SYS_fstatfs, LX_SYS_getxattr,
	LX_SYS_flistxattr, LX_SYS_fadvise64, LX_SYS_prctl, LX_SYS_getpriority, LX_SYS_setpriority,
	LX_SYS_setpgid, LX_SYS_getpgid, LX_SYS_getsid, LX_SYS_setsid, LX_SYS_rt_sigtimedwait,
	LX_SYS_getpeername, LX_SYS_sendmsg,
	LX_SYS_eventfd2, LX_SYS_signalfd4, LX_SYS_timerfd_create, LX_SYS_timerfd_settime,
	LX_SYS_timerfd_gettime, LX_SYS_epoll_create1, LX_SYS_epoll_ctl, LX_SYS_epoll_pwait,
	LX_SYS_epoll_pwait2, LX_SYS_socketpair, LX_SYS_shutdown, LX_SYS_sendto, LX_SYS_recvfrom,
	LX_SYS_recvmsg, LX_SYS_getsockopt,
};

static uint64_t arg(struct proc *p)
{
	switch (rnd() % 12) {
	case 0: return 0;
	case 1: return rnd() % 64;
	case 2: return (uint64_t)-(int64_t)(rnd() % 8);
	case 3: return 0xffffffc000000000ULL + (rnd() % (1ULL << 30));  /* kernel half */
	case 4: return rnd();
	case 5: return (rnd() % (1ULL << 38)) & ~4095ULL;               /* page in the user half */
	case 6: return 0x10000 + rnd() % 0x10000;                       /* the program's image */
	case 7: return p->x[2] - rnd() % 8192;                          /* its stack */
	case 8: return p->mm->brk + rnd() % (1 << 20) - (1 << 19);         /* around the break */
	case 9: return (uint64_t)1 << (rnd() % 64);
	case 10: return 4096 * (rnd() % 512);
	default: return rnd() & 0xffff;
	}
}

static const char *prog(void)
{
	static char path[512];
	const char *b = getenv("VMOS_BUILD");
	snprintf(path, sizeof path, "%s/user/bin/hello", b ? b : "build");
	return path;
}

TEST(fuzz_syscalls)
{
	long n = 1000000;
	if (getenv("VMOS_FUZZ_CALLS"))
		n = atol(getenv("VMOS_FUZZ_CALLS"));
	struct kernel_config cfg;
	kernel_config_default(&cfg);
	cfg.ram_size = 32 << 20;
	cfg.out = fopen("/dev/null", "w");
	cfg.err = cfg.out;
	cfg.max_procs = 8;
	/* little memory for user pages and a swap area: reclaim runs under the
	 * fuzzer too */
	cfg.frames_limit = 48;
	cfg.swap_size = 16 << 20;
	cfg.policy = "random";
	static struct kernel k;
	REQUIRE(kernel_boot(&k, &cfg) == 0);
	k.stdin_fd = open("/dev/null", O_RDONLY);
	uint64_t free0 = k.pa.free_frames;
	char *argv[] = { "hello", NULL }, *envp[] = { NULL };
	int err;
	struct proc *p = NULL;
	long respawns = 0;
	for (long i = 0; i < n; i++) {
		if (!p || p->state == P_ZOMBIE) {
			if (p) {
				proc_exit(&k, p, 0, 9);   /* its threads too (exit ends one thread) */
				proc_reap(&k, p);
			}
			/* children never run here: end them with their parent */
			while (k.procs) {
				struct proc *q = k.procs;
				proc_exit(&k, q, 0, 9);
				proc_reap(&k, q);
			}
			p = proc_spawn(&k, prog(), argv, envp, &err);
			if (!p)
				test_fail(__FILE__, __LINE__, "respawn %ld after %ld calls failed: %d, %llu frames free, %d procs",
					  respawns, i, err, (unsigned long long)k.pa.free_frames, k.nlive);
			REQUIRE(p);
			respawns++;
		}
		/* undo a blocking call (wait4, a pipe, a futex, ppoll, nanosleep):
		 * off its queue, its re-run abandoned */
		waitq_remove(p);
		futex_cancel(&k, p);
		p->state = P_RUNNABLE;
		p->sys_done = p->sys_wait = 0;
		p->sig.interrupted = false;
		p->sig.sleep_kind = SLEEP_NONE;
		p->sig.wait_set = 0;
		p->sig.undo_fd = -1;
		proc_activate(&k, p);
		p->x[17] = (uint64_t)calls[rnd() % (sizeof calls / sizeof calls[0])];
		if (rnd() % 16 == 0)
			p->x[17] = rnd() % 512;
		if (p->x[17] == LX_SYS_exit && rnd() % 64)
			p->x[17] = LX_SYS_getpid;       /* exit rarely */
		for (int a = 10; a <= 15; a++)
			p->x[a] = arg(p);
		if (p->x[17] == LX_SYS_kill && rnd() % 32)
			p->x[11] = 0;                /* mostly probe, sometimes kill */
		syscall_dispatch(&k, p);
		/* reap zombie children so they do not pile up */
		for (struct proc *q = k.procs, *next; q; q = next) {
			next = q->next;
			if (q != p && q->state == P_ZOMBIE && q->mm != p->mm &&
			    (q->pid != q->tgid || q->mm->users == 0)) {  /* a leader waits for its threads */
				proc_reap(&k, q);   /* may reap the group's other records too */
				next = k.procs;
			}
		}
		if (i % 50000 == 0) {
			const char *e = kernel_check(&k);
			if (e) {
				test_fail(__FILE__, __LINE__, "after %ld calls: %s", i, e);
				break;
			}
		}
	}
	const char *e = kernel_check(&k);
	if (e)
		test_fail(__FILE__, __LINE__, "at the end: %s", e);
	while (k.procs) {
		struct proc *q = k.procs;
		proc_exit(&k, q, 0, 9);
		proc_reap(&k, q);
	}
	CHECK_EQ(k.pa.by_owner[FO_USER], 0);
	CHECK_EQ(k.pa.by_owner[FO_FILE], 0);
	CHECK(k.pa.free_frames + 64 >= free0);   /* only cached empty slabs may remain */
	CHECK(respawns >= 1);
	kernel_shutdown(&k);
}
