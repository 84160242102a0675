/*
 * syscall.c - the system-call layer (see syscall.h).  Every pointer argument
 * is user memory, reached only through uaccess (copyin/copyout via the MMU).
 */
#include "syscall.h"
#include "fork.h"
#include "fs/pipe.h"
#include "futex.h"
#include "thread.h"
#include "proc.h"
#include "sys_info.h"
#include "fs/vfs.h"
#include "signals.h"
#include "uaccess.h"
#include "vdso.h"
#include "vm.h"

#include "abi/lx/signal.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Linux's cap on one read or write: INT_MAX rounded down to a page. */
#define MAX_RW_COUNT 0x7ffff000ULL

static int64_t sys_clock_gettime(struct kernel *k, struct proc *p, int clk, uint64_t tp)
{
	clockid_t id;
	switch (clk) {
	case 0: id = CLOCK_REALTIME; break;
	case 1: case 4: case 7: id = CLOCK_MONOTONIC; break;   /* MONOTONIC, _RAW, BOOTTIME */
	case 2: case 3: id = CLOCK_PROCESS_CPUTIME_ID; break;
	default: return -EINVAL;
	}
	int64_t v[2];
	if (id == CLOCK_PROCESS_CPUTIME_ID) {
		struct timespec ts;
		clock_gettime(id, &ts);
		v[0] = ts.tv_sec, v[1] = ts.tv_nsec;
	} else {               /* the vDSO's clock, to the nanosecond (vdso.h) */
		uint64_t ns = vdso_clock_ns(k, clk);
		v[0] = (int64_t)(ns / 1000000000ULL), v[1] = (int64_t)(ns % 1000000000ULL);
	}
	return copyout(k, p, tp, v, sizeof v);
}

static int64_t sys_uname(struct kernel *k, struct proc *p, uint64_t buf)
{
	char u[6][65];
	memset(u, 0, sizeof u);
	strcpy(u[0], "Linux");        /* the ABI vmos implements */
	strcpy(u[1], "vmos");
	strcpy(u[2], "6.6.0-vmos");   /* a release with every call vmos offers (riscv_hwprobe: 6.4) */
	strcpy(u[3], "#1 vmos");
	strcpy(u[4], "riscv64");
	strcpy(u[5], "(none)");
	return copyout(k, p, buf, u, sizeof u);
}

/* getrandom(2): flags (32 bits) other than GRND_NONBLOCK, GRND_RANDOM,
 * GRND_INSECURE (and RANDOM with INSECURE) are EINVAL; the length is capped
 * at MAX_RW_COUNT, then a buffer outside the user half is EFAULT (Linux's
 * import_ubuf); at most 256 bytes per call, fewer if the buffer faults
 * partway (short reads, which the call allows; EFAULT if not one byte
 * fits). */
static int64_t sys_getrandom(struct kernel *k, struct proc *p, uint64_t buf, uint64_t len,
			     uint32_t flags)
{
	bool buf_len_nonzero = len != 0;
	enum { GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4 };
	if ((flags & ~(uint32_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) ||
	    (flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (!uaccess_ok(k, buf, len))
		return -EFAULT;
	uint8_t b[256];
	if (len > sizeof b)
		len = sizeof b;
	len = uaccess_writable_prefix(k, p, buf, (size_t)len);   /* a fault partway: a short read */
	if (len == 0 && buf_len_nonzero)
		return -EFAULT;
	for (size_t i = 0; i < len; i++) {
		k->rng ^= k->rng << 13, k->rng ^= k->rng >> 7, k->rng ^= k->rng << 17;
		b[i] = (uint8_t)k->rng;
	}
	return copyout(k, p, buf, b, (size_t)len) < 0 ? -EFAULT : (int64_t)len;
}

/* A number vmos does not implement: -ENOSYS, and with --warn-syscalls a
 * line naming it, once per number per run. */
static int64_t sys_unimplemented(struct kernel *k, struct proc *p, uint64_t nr)
{
	if (!k->cfg.warn_syscalls)
		return -ENOSYS;
	uint64_t bit = nr < 64 * sizeof k->syscalls_warned / sizeof k->syscalls_warned[0] ? nr :
		64 * sizeof k->syscalls_warned / sizeof k->syscalls_warned[0] - 1;
	uint64_t *w = &k->syscalls_warned[bit / 64];
	if (*w & (1ULL << (bit % 64)))
		return -ENOSYS;
	*w |= 1ULL << (bit % 64);
	const char *name = syscall_name(nr);
	fflush(k->cfg.out);
	fprintf(k->cfg.err, "vmos: pid %u (%s): syscall %llu (%s) is not implemented: ENOSYS\n",
		p->pid, p->name, (unsigned long long)nr, name ? name : "unknown");
	return -ENOSYS;
}

void syscall_dispatch(struct kernel *k, struct proc *p)
{
	uint64_t *a = &p->x[10];
	uint64_t nr = p->x[17];
	int64_t rc;
	uint64_t args[6];          /* as passed, for the event (a0 is overwritten) */
	memcpy(args, a, sizeof args);
	uint64_t pc0 = p->pc;      /* after the ecall; a call that blocks rewinds it */
	k->stats.syscalls++;
	p->st.syscalls++;
	p->sig.wait_set = 0;       /* a call that sleeps for signals sets it again */
	switch (nr) {
	/* ---- files (fs/vfs.h: sys_file.c, sys_path.c) ---- */
	case LX_SYS_read: rc = sys_read(k, p, (int)a[0], a[1], a[2]); break;
	case LX_SYS_write: rc = sys_write(k, p, (int)a[0], a[1], a[2]); break;
	case LX_SYS_readv: rc = sys_readv(k, p, (int)a[0], a[1], a[2]); break;
	case LX_SYS_writev: rc = sys_writev(k, p, (int)a[0], a[1], a[2]); break;
	case LX_SYS_pread64: rc = sys_pread64(k, p, (int)a[0], a[1], a[2], (int64_t)a[3]); break;
	case LX_SYS_pwrite64: rc = sys_pwrite64(k, p, (int)a[0], a[1], a[2], (int64_t)a[3]); break;
	case LX_SYS_lseek: rc = sys_lseek(k, p, (int)a[0], (int64_t)a[1], (int)a[2]); break;
	case LX_SYS_openat: rc = sys_openat(k, p, (int)a[0], a[1], (int)a[2], (uint32_t)a[3]); break;
	case LX_SYS_close: rc = sys_close(k, p, (int)a[0]); break;
	case LX_SYS_fstat: rc = sys_fstat(k, p, (int)a[0], a[1]); break;
	case LX_SYS_newfstatat: rc = sys_newfstatat(k, p, (int)a[0], a[1], a[2], (int)a[3]); break;
	case LX_SYS_statx: rc = sys_statx(k, p, (int)a[0], a[1], (int)a[2], (unsigned)a[3], a[4]); break;
	case LX_SYS_faccessat: rc = sys_faccessat(k, p, (int)a[0], a[1], (int)a[2], 0); break;
	case LX_SYS_faccessat2: rc = sys_faccessat(k, p, (int)a[0], a[1], (int)a[2], (int)a[3]); break;
	case LX_SYS_getdents64: rc = sys_getdents64(k, p, (int)a[0], a[1], a[2]); break;
	case LX_SYS_readlinkat: rc = sys_readlinkat(k, p, (int)a[0], a[1], a[2], (int64_t)a[3]); break;
	case LX_SYS_getcwd: rc = sys_getcwd(k, p, a[0], a[1]); break;
	case LX_SYS_chdir: rc = sys_chdir(k, p, a[0]); break;
	case LX_SYS_fchdir: rc = sys_fchdir(k, p, (int)a[0]); break;
	case LX_SYS_mkdirat: rc = sys_mkdirat(k, p, (int)a[0], a[1], (uint32_t)a[2]); break;
	case LX_SYS_unlinkat: rc = sys_unlinkat(k, p, (int)a[0], a[1], (int)a[2]); break;
	case LX_SYS_renameat2: rc = sys_renameat2(k, p, (int)a[0], a[1], (int)a[2], a[3], (unsigned)a[4]); break;
	case LX_SYS_symlinkat: rc = sys_symlinkat(k, p, a[0], (int)a[1], a[2]); break;
	case LX_SYS_fchmodat:         /* (a NULL path is EFAULT here; inside, "fd alone") */
		rc = a[1] ? sys_fchmodat(k, p, (int)a[0], a[1], (uint32_t)a[2], 0) : -EFAULT;
		break;
	case LX_SYS_fchmod: rc = sys_fchmod(k, p, (int)a[0], (uint32_t)a[1]); break;
	case LX_SYS_fchownat:
		rc = a[1] ? sys_fchownat(k, p, (int)a[0], a[1], (uint32_t)a[2], (uint32_t)a[3], (int)a[4]) :
			    -EFAULT;
		break;
	case LX_SYS_fchown: rc = sys_fchown(k, p, (int)a[0], (uint32_t)a[1], (uint32_t)a[2]); break;
	case LX_SYS_statfs: rc = sys_statfs(k, p, a[0], a[1]); break;
	case LX_SYS_fstatfs: rc = sys_fstatfs(k, p, (int)a[0], a[1]); break;
	case LX_SYS_setxattr: case LX_SYS_lsetxattr: case LX_SYS_fsetxattr:
		rc = sys_xattr(k, p, 's', (int)(nr - LX_SYS_setxattr), a[0]);
		break;
	case LX_SYS_getxattr: case LX_SYS_lgetxattr: case LX_SYS_fgetxattr:
		rc = sys_xattr(k, p, 'g', (int)(nr - LX_SYS_getxattr), a[0]);
		break;
	case LX_SYS_listxattr: case LX_SYS_llistxattr: case LX_SYS_flistxattr:
		rc = sys_xattr(k, p, 'l', (int)(nr - LX_SYS_listxattr), a[0]);
		break;
	case LX_SYS_removexattr: case LX_SYS_lremovexattr: case LX_SYS_fremovexattr:
		rc = sys_xattr(k, p, 'r', (int)(nr - LX_SYS_removexattr), a[0]);
		break;
	case LX_SYS_fadvise64: rc = sys_fadvise64(k, p, (int)a[0], (int64_t)a[1], (int64_t)a[2], (int)a[3]); break;
	case LX_SYS_mknodat: rc = sys_mknodat(k, p, (int)a[0], a[1], (uint32_t)a[2], a[3]); break;
	case LX_SYS_linkat: rc = sys_linkat(k, p, (int)a[0], a[1], (int)a[2], a[3], (int)a[4]); break;
	case LX_SYS_utimensat: rc = sys_utimensat(k, p, (int)a[0], a[1], a[2], (int)a[3]); break;
	case LX_SYS_ftruncate: rc = sys_ftruncate(k, p, (int)a[0], (int64_t)a[1]); break;
	case LX_SYS_fsync: case LX_SYS_fdatasync: rc = sys_fsync(k, p, (int)a[0]); break;
	case LX_SYS_dup: rc = sys_dup(k, p, (int)a[0]); break;
	case LX_SYS_dup3: rc = sys_dup3(k, p, (int)a[0], (int)a[1], (int)a[2]); break;
	case LX_SYS_fcntl: rc = sys_fcntl(k, p, (int)a[0], (int)a[1], a[2]); break;
	case LX_SYS_ioctl: rc = sys_ioctl(k, p, (int)a[0], a[1], a[2]); break;
	case LX_SYS_umask: rc = sys_umask(k, p, (uint32_t)a[0]); break;
	/* ---- end of files ---- */
	/* ---- pipes (fs/pipe_file.c) ---- */
	case LX_SYS_pipe2: rc = sys_pipe2(k, p, a[0], (int)a[1]); break;
	case LX_SYS_ppoll: rc = sys_ppoll(k, p, a[0], a[1], a[2], a[3], a[4]); break;
	case LX_SYS_pselect6:
		rc = sys_pselect6(k, p, (int64_t)(int32_t)a[0], a[1], a[2], a[3], a[4], a[5]);
		break;
	case LX_SYS_exit:
	case LX_SYS_exit_group:
		kernel_event_syscall(k, p, nr, 0, args);
		if (nr == LX_SYS_exit)
			proc_exit_thread(k, p, (int)a[0]);    /* this thread (proc.c) */
		else
			proc_exit(k, p, (int)a[0], 0);        /* every thread */
		return;
	case LX_SYS_execve:
		rc = sys_execve(k, p, a[0], a[1], a[2]);
		if (rc == 0) {           /* the new image starts with the registers exec set */
			kernel_event_syscall(k, p, nr, 0, args);
			return;
		}
		break;
	case LX_SYS_brk: rc = (int64_t)vm_brk(k, p, a[0]); break;
	case LX_SYS_mmap:
		rc = vm_mmap(k, p, a[0], a[1], (int)a[2], (int)a[3], (int)a[4], a[5]);
		break;
	case LX_SYS_munmap: rc = vm_munmap(k, p, a[0], a[1]); break;
	case LX_SYS_mprotect: rc = vm_mprotect(k, p, a[0], a[1], a[2]); break;
	case LX_SYS_getpid: rc = p->tgid; break;
	case LX_SYS_getppid: rc = p->ppid; break;
	case LX_SYS_setpgid: rc = sys_setpgid(k, p, (int64_t)(int32_t)a[0], (int64_t)(int32_t)a[1]); break;
	case LX_SYS_getpgid: rc = sys_getpgid(k, p, (int64_t)(int32_t)a[0]); break;
	case LX_SYS_getsid: rc = sys_getsid(k, p, (int64_t)(int32_t)a[0]); break;
	case LX_SYS_setsid: rc = sys_setsid(k, p); break;
	case LX_SYS_getuid: case LX_SYS_geteuid: case LX_SYS_getgid: case LX_SYS_getegid: rc = 0; break;
	case LX_SYS_sched_yield: p->yielded = true; rc = 0; break;
	case LX_SYS_clock_gettime: rc = sys_clock_gettime(k, p, (int)a[0], a[1]); break;
	case LX_SYS_uname: rc = sys_uname(k, p, a[0]); break;
	case LX_SYS_getrandom: rc = sys_getrandom(k, p, a[0], a[1], (uint32_t)a[2]); break;
	case LX_SYS_wait4: rc = sys_wait4(k, p, (int64_t)(int32_t)a[0], a[1], (int)a[2], a[3]); break;
	case LX_SYS_madvise: rc = vm_madvise(k, p, a[0], a[1], (int)a[2]); break;
	case LX_SYS_msync: rc = vm_msync(k, p, a[0], a[1], (int)a[2]); break;
	/* ---- signals and timers (signal.c, signal_frame.c) ---- */
	case LX_SYS_rt_sigaction: rc = sys_rt_sigaction(k, p, (int)a[0], a[1], a[2], a[3]); break;
	case LX_SYS_rt_sigprocmask: rc = sys_rt_sigprocmask(k, p, (int)a[0], a[1], a[2], a[3]); break;
	case LX_SYS_rt_sigpending: rc = sys_rt_sigpending(k, p, a[0], a[1]); break;
	case LX_SYS_rt_sigsuspend: rc = sys_rt_sigsuspend(k, p, a[0], a[1]); break;
	case LX_SYS_rt_sigtimedwait: rc = sys_rt_sigtimedwait(k, p, a[0], a[1], a[2], a[3]); break;
	/* ---- event files (fs/evfd.c) ---- */
	case LX_SYS_eventfd2: rc = sys_eventfd2(k, p, (uint32_t)a[0], (int)a[1]); break;
	case LX_SYS_signalfd4: rc = sys_signalfd4(k, p, (int)a[0], a[1], a[2], (int)a[3]); break;
	case LX_SYS_timerfd_create: rc = sys_timerfd_create(k, p, (int)a[0], (int)a[1]); break;
	case LX_SYS_timerfd_settime:
		rc = sys_timerfd_settime(k, p, (int)a[0], (int)a[1], a[2], a[3]);
		break;
	case LX_SYS_timerfd_gettime: rc = sys_timerfd_gettime(k, p, (int)a[0], a[1]); break;
	case LX_SYS_epoll_create1: rc = sys_epoll_create1(k, p, (int)a[0]); break;
	case LX_SYS_epoll_ctl: rc = sys_epoll_ctl(k, p, (int)a[0], (int)a[1], (int)a[2], a[3]); break;
	case LX_SYS_epoll_pwait:
		rc = sys_epoll_pwait(k, p, (int)a[0], a[1], (int)a[2], (int)a[3], a[4], a[5]);
		break;
	case LX_SYS_epoll_pwait2:
		rc = sys_epoll_pwait2(k, p, (int)a[0], a[1], (int)a[2], a[3], a[4], a[5]);
		break;
	case LX_SYS_rt_sigreturn: rc = sys_rt_sigreturn(k, p); break;
	case LX_SYS_sigaltstack: rc = sys_sigaltstack(k, p, a[0], a[1]); break;
	case LX_SYS_kill: rc = sys_kill(k, p, (int64_t)(int32_t)a[0], (int)a[1]); break;
	case LX_SYS_tkill: rc = sys_tkill(k, p, (int64_t)(int32_t)a[0], (int)a[1]); break;
	case LX_SYS_tgkill: rc = sys_tgkill(k, p, (int64_t)(int32_t)a[0], (int64_t)(int32_t)a[1], (int)a[2]); break;
	case LX_SYS_setitimer: rc = sys_setitimer(k, p, (int)a[0], a[1], a[2]); break;
	case LX_SYS_getitimer: rc = sys_getitimer(k, p, (int)a[0], a[1]); break;
	case LX_SYS_nanosleep: rc = sys_nanosleep(k, p, a[0], a[1]); break;
	case LX_SYS_clock_nanosleep: rc = sys_clock_nanosleep(k, p, (int)a[0], (int)a[1], a[2], a[3]); break;
	case SYS_vmos_marker:
		kernel_event(k, p, KEV_MARKER, a[0], a[1], 0, "marker");
		rc = 0;
		break;
	case LX_SYS_set_tid_address: rc = sys_set_tid_address(k, p, a[0]); break;
	case LX_SYS_set_robust_list: rc = sys_set_robust_list(k, p, a[0], a[1]); break;
	case LX_SYS_rseq: rc = -ENOSYS; break;       /* deliberately: as qemu-riscv64 (docs/running.md) */
	case LX_SYS_prlimit64: rc = sys_prlimit64(k, p, (int64_t)(int32_t)a[0], (unsigned)a[1], a[2], a[3]); break;
	case LX_SYS_getrlimit: rc = sys_getrlimit(k, p, (unsigned)a[0], a[1]); break;
	case LX_SYS_setrlimit: rc = sys_setrlimit(k, p, (unsigned)a[0], a[1]); break;
	case LX_SYS_getgroups: rc = sys_getgroups(k, p, (int64_t)(int32_t)a[0], a[1]); break;
	case LX_SYS_setgroups: rc = sys_setgroups(k, p, (int64_t)(int32_t)a[0], a[1]); break;
	case LX_SYS_prctl: rc = sys_prctl(k, p, (int)a[0], a[1]); break;
	case LX_SYS_getpriority: rc = sys_getpriority(k, p, (int)a[0], (int64_t)(int32_t)a[1]); break;
	case LX_SYS_setpriority:
		rc = sys_setpriority(k, p, (int)a[0], (int64_t)(int32_t)a[1], (int)a[2]);
		break;
	case LX_SYS_getrusage: rc = sys_getrusage(k, p, (int)a[0], a[1]); break;
	case LX_SYS_times: rc = sys_times(k, p, a[0]); break;
	case LX_SYS_sysinfo: rc = sys_sysinfo(k, p, a[0]); break;
	case LX_SYS_clock_getres: rc = sys_clock_getres(k, p, (int)a[0], a[1]); break;
	case LX_SYS_gettimeofday: rc = sys_gettimeofday(k, p, a[0], a[1]); break;
	case LX_SYS_riscv_hwprobe: rc = sys_riscv_hwprobe(k, p, a[0], a[1], a[2], a[3], (unsigned)a[4]); break;
	/* ---- threads (thread.c, futex.c) ---- */
	case LX_SYS_clone: rc = sys_clone_any(k, p, a[0], a[1], a[2], a[3], a[4]); break;
	case LX_SYS_clone3: rc = sys_clone3(k, p, a[0], a[1]); break;
	case LX_SYS_gettid: rc = p->pid; break;
	case LX_SYS_futex:
		rc = sys_futex(k, p, a[0], (int)a[1], (uint32_t)a[2], a[3], a[4], (uint32_t)a[5]);
		break;
	case LX_SYS_sched_getaffinity:
		rc = sys_sched_getaffinity(k, p, (int64_t)(int32_t)a[0], a[1], a[2]);
		break;
	case LX_SYS_sched_setaffinity:
		rc = sys_sched_setaffinity(k, p, (int64_t)(int32_t)a[0], a[1], a[2]);
		break;
	/* ---- sockets (fs/socket.c): socketpair's connected stream ends; a
	 * call on another descriptor is ENOTSOCK (glibc and bash ask
	 * getpeername of their standard streams); socket() is not implemented */
	case LX_SYS_socketpair: rc = sys_socketpair(k, p, (int)a[0], (int)a[1], (int)a[2], a[3]); break;
	case LX_SYS_shutdown: rc = sys_shutdown(k, p, (int)a[0], (int)a[1]); break;
	case LX_SYS_sendto:
		rc = sys_sendto(k, p, (int)a[0], a[1], a[2], (unsigned)a[3], a[4], a[5]);
		break;
	case LX_SYS_recvfrom:
		rc = sys_recvfrom(k, p, (int)a[0], a[1], a[2], (unsigned)a[3], a[4], a[5]);
		break;
	case LX_SYS_sendmsg: rc = sys_sendmsg(k, p, (int)a[0], a[1], (unsigned)a[2]); break;
	case LX_SYS_recvmsg: rc = sys_recvmsg(k, p, (int)a[0], a[1], (unsigned)a[2]); break;
	case LX_SYS_getsockname: case LX_SYS_getpeername:
		rc = sys_getsockname(k, p, (int)a[0], a[1], a[2]);
		break;
	case LX_SYS_getsockopt:
		rc = sys_getsockopt(k, p, (int)a[0], (int)a[1], (int)a[2], a[3], a[4]);
		break;
	case LX_SYS_setsockopt:
		rc = sys_setsockopt(k, p, (int)a[0], (int)a[1], (int)a[2], a[3], a[4]);
		break;
	case LX_SYS_bind: case LX_SYS_listen: case LX_SYS_accept: case LX_SYS_accept4:
		rc = sys_sock_connected(p, (int)a[0], false);
		break;
	case LX_SYS_connect: rc = sys_sock_connected(p, (int)a[0], true); break;
	case LX_SYS_recvmmsg: case LX_SYS_sendmmsg:
		rc = sys_sock_connected(p, (int)a[0], false);   /* EBADF, ENOTSOCK ... */
		if (rc == -EINVAL)
			rc = -EOPNOTSUPP;                          /* ... or not here */
		break;
	default: rc = sys_unimplemented(k, p, nr); break;
	}
	if (p->pc == pc0 - 4 && (p->state == P_SLEEPING || p->sig.interrupted))
		return;          /* blocked (waitq_sleep), or interrupted before it slept: the
				  * ecall re-runs with a0..a5 intact, or signal_deliver ends it */
	p->sys_done = 0;         /* a call that slept partway is complete now */
	p->sys_wait = 0;
	a[0] = (uint64_t)rc;
	kernel_event_syscall(k, p, nr, rc, args);
}
