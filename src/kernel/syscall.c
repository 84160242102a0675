/*
 * syscall.c - the system-call layer (see syscall.h).  Every pointer argument
 * is user memory, reached only through uaccess (copyin/copyout via the MMU).
 */
#include "syscall.h"
#include "fork.h"
#include "proc.h"
#include "sys_info.h"
#include "sys_stat.h"
#include "signals.h"
#include "uaccess.h"
#include "vdso.h"
#include "vm.h"

#include "abi/lx/signal.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define IO_CHUNK 4096

/* Writes user bytes to a host stream, with "[pid] " at each line start if
 * output prefixing is on. */
static void emit(struct kernel *k, struct proc *p, FILE *f, const char *buf, size_t n)
{
	if (!k->cfg.prefix_output) {
		fwrite(buf, 1, n, f);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (p->line_start)
			fprintf(f, "[%u] ", p->pid);
		fputc(buf[i], f);
		p->line_start = buf[i] == '\n';
	}
}

/* Linux's cap on one read or write: INT_MAX rounded down to a page. */
#define MAX_RW_COUNT 0x7ffff000ULL
#define UIO_MAXIOV   1024

/* write(2): EBADF but for stdout and stderr; EFAULT if the buffer is not
 * wholly in the user half (uaccess_ok), before anything is written; at most
 * MAX_RW_COUNT bytes; a fault partway returns the bytes before the faulting
 * page (EFAULT if that is none). */
static int64_t sys_write(struct kernel *k, struct proc *p, int fd, uint64_t buf, uint64_t len)
{
	if (fd != 1 && fd != 2)
		return -EBADF;
	if (!uaccess_ok(k, buf, len))
		return -EFAULT;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	FILE *f = fd == 1 ? k->cfg.out : k->cfg.err;
	char *kbuf = kmalloc(&k->km, IO_CHUNK);
	if (!kbuf)
		return -ENOMEM;
	int64_t done = 0;
	while ((uint64_t)done < len) {
		/* a page at a time: a fault partway writes what came before it */
		uint64_t at = buf + (uint64_t)done;
		size_t n = (size_t)(PGSIZE - (at & PGMASK));
		if (n > len - (uint64_t)done)
			n = (size_t)(len - (uint64_t)done);
		if (copyin(k, p, kbuf, at, n) < 0) {
			if (done == 0)
				done = -EFAULT;
			break;
		}
		emit(k, p, f, kbuf, n);
		done += (int64_t)n;
	}
	if (fd == 2 || k->cfg.prefix_output)
		fflush(f);
	kfree(&k->km, kbuf);
	return done;
}

/* writev(2), as Linux's import_iovec: more than UIO_MAXIOV vectors EINVAL;
 * the whole iovec array is read (EFAULT), then every vector checked (a
 * length with the top bit set EINVAL, a buffer outside the user half
 * EFAULT), all before anything is written; the total is capped at
 * MAX_RW_COUNT.  Then the buffers are written in order;
 * a fault partway returns the bytes written before it. */
static int64_t sys_writev(struct kernel *k, struct proc *p, int fd, uint64_t iov, uint64_t iovcnt)
{
	if (fd != 1 && fd != 2)
		return -EBADF;
	if (iovcnt > UIO_MAXIOV)
		return -EINVAL;
	uint64_t v[2];
	if (!uaccess_ok(k, iov, 16 * iovcnt))
		return -EFAULT;
	for (uint64_t i = 0; i < iovcnt; i++)          /* the whole array first */
		if (copyin(k, p, v, iov + 16 * i, sizeof v) < 0)
			return -EFAULT;
	for (uint64_t i = 0; i < iovcnt; i++) {         /* then each vector */
		if (copyin(k, p, v, iov + 16 * i, sizeof v) < 0)
			return -EFAULT;
		if ((int64_t)v[1] < 0)
			return -EINVAL;
		if (!uaccess_ok(k, v[0], v[1]))
			return -EFAULT;
	}
	int64_t total = 0;
	for (uint64_t i = 0; i < iovcnt && (uint64_t)total < MAX_RW_COUNT; i++) {
		if (copyin(k, p, v, iov + 16 * i, sizeof v) < 0)
			return total ? total : -EFAULT;
		if (!v[1])
			continue;
		if (v[1] > MAX_RW_COUNT - (uint64_t)total)
			v[1] = MAX_RW_COUNT - (uint64_t)total;
		int64_t r = sys_write(k, p, fd, v[0], v[1]);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((uint64_t)r < v[1])
			break;               /* a fault partway: stop there, as Linux does */
	}
	return total;
}

/* read(2) of stdin: EFAULT for a buffer outside the user half; at most
 * IO_CHUNK bytes per call, and only as many as the buffer can take before
 * an unwritable page: input that does not fit stays unread (EFAULT if not
 * one byte fits), as Linux leaves it in the pipe. */
static int64_t sys_read(struct kernel *k, struct proc *p, int fd, uint64_t buf, uint64_t len)
{
	if (fd != 0)
		return -EBADF;
	if (!uaccess_ok(k, buf, len))
		return -EFAULT;
	if (len == 0)
		return 0;
	size_t n = len < IO_CHUNK ? (size_t)len : IO_CHUNK;
	n = uaccess_writable_prefix(k, p, buf, n);
	if (n == 0)
		return -EFAULT;
	char *kbuf = kmalloc(&k->km, IO_CHUNK);
	if (!kbuf)
		return -ENOMEM;
	fflush(k->cfg.out);
	ssize_t got = read(k->stdin_fd, kbuf, n);
	int64_t rc = got < 0 ? -EIO : got;
	if (got > 0 && copyout(k, p, buf, kbuf, (size_t)got) < 0)
		rc = -EFAULT;
	kfree(&k->km, kbuf);
	return rc;
}

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
	strcpy(u[2], "6.1.0-vmos");
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
	switch (nr) {
	case LX_SYS_write: rc = sys_write(k, p, (int)a[0], a[1], a[2]); break;
	case LX_SYS_writev: rc = sys_writev(k, p, (int)a[0], a[1], a[2]); break;
	case LX_SYS_read: rc = sys_read(k, p, (int)a[0], a[1], a[2]); break;
	case LX_SYS_exit:
	case LX_SYS_exit_group:
		kernel_event_syscall(k, p, nr, 0, args);
		proc_exit(k, p, (int)a[0], 0);
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
	case LX_SYS_getpid: case LX_SYS_gettid: rc = p->pid; break;
	case LX_SYS_getppid: rc = p->ppid; break;
	case LX_SYS_getuid: case LX_SYS_geteuid: case LX_SYS_getgid: case LX_SYS_getegid: rc = 0; break;
	case LX_SYS_sched_yield: p->yielded = true; rc = 0; break;
	case LX_SYS_clock_gettime: rc = sys_clock_gettime(k, p, (int)a[0], a[1]); break;
	case LX_SYS_uname: rc = sys_uname(k, p, a[0]); break;
	case LX_SYS_getrandom: rc = sys_getrandom(k, p, a[0], a[1], (uint32_t)a[2]); break;
	case LX_SYS_clone:
		rc = sys_clone(k, p, a[0], a[1]);
		if (rc > 0)
			res_clone_tids(k, p, proc_find(k, (uint32_t)rc), a[0], a[2], a[4]);
		break;
	case LX_SYS_wait4: rc = sys_wait4(k, p, (int64_t)(int32_t)a[0], a[1], (int)a[2], a[3]); break;
	case LX_SYS_madvise: rc = vm_madvise(k, p, a[0], a[1], (int)a[2]); break;
	/* ---- signals and timers (signal.c, signal_frame.c) ---- */
	case LX_SYS_rt_sigaction: rc = sys_rt_sigaction(k, p, (int)a[0], a[1], a[2], a[3]); break;
	case LX_SYS_rt_sigprocmask: rc = sys_rt_sigprocmask(k, p, (int)a[0], a[1], a[2], a[3]); break;
	case LX_SYS_rt_sigpending: rc = sys_rt_sigpending(k, p, a[0], a[1]); break;
	case LX_SYS_rt_sigsuspend: rc = sys_rt_sigsuspend(k, p, a[0], a[1]); break;
	case LX_SYS_rt_sigreturn: rc = sys_rt_sigreturn(k, p); break;
	case LX_SYS_sigaltstack: rc = sys_sigaltstack(k, p, a[0], a[1]); break;
	case LX_SYS_kill: rc = sys_kill(k, p, (int64_t)(int32_t)a[0], (int)a[1]); break;
	case LX_SYS_tkill: rc = sys_tkill(k, p, (int64_t)(int32_t)a[0], (int)a[1]); break;
	case LX_SYS_tgkill: rc = sys_tgkill(k, p, (int64_t)(int32_t)a[0], (int64_t)(int32_t)a[1], (int)a[2]); break;
	case LX_SYS_setitimer: rc = sys_setitimer(k, p, (int)a[0], a[1], a[2]); break;
	case LX_SYS_getitimer: rc = sys_getitimer(k, p, (int)a[0], a[1]); break;
	case LX_SYS_nanosleep: rc = sys_nanosleep(k, p, a[0], a[1]); break;
	case LX_SYS_clock_nanosleep: rc = sys_clock_nanosleep(k, p, (int)a[0], (int)a[1], a[2], a[3]); break;
	case LX_SYS_close: rc = a[0] <= 2 ? 0 : -EBADF; break;
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
	case LX_SYS_getrusage: rc = sys_getrusage(k, p, (int)a[0], a[1]); break;
	case LX_SYS_times: rc = sys_times(k, p, a[0]); break;
	case LX_SYS_sysinfo: rc = sys_sysinfo(k, p, a[0]); break;
	case LX_SYS_clock_getres: rc = sys_clock_getres(k, p, (int)a[0], a[1]); break;
	case LX_SYS_gettimeofday: rc = sys_gettimeofday(k, p, a[0], a[1]); break;
	case LX_SYS_riscv_hwprobe: rc = sys_riscv_hwprobe(k, p, a[0], a[1], a[2], a[3], (unsigned)a[4]); break;
	case LX_SYS_fstat: rc = sys_fstat(k, p, (int)a[0], a[1]); break;
	case LX_SYS_newfstatat: rc = sys_newfstatat(k, p, (int)a[0], a[1], a[2], (int)a[3]); break;
	case LX_SYS_readlinkat: rc = sys_readlinkat(k, p, (int)a[0], a[1], a[2], (int64_t)a[3]); break;
	case LX_SYS_ioctl: rc = sys_ioctl(k, p, (int)a[0], a[1], a[2]); break;
	default: rc = sys_unimplemented(k, p, nr); break;
	}
	if (p->pc == pc0 - 4 && p->state == P_SLEEPING)
		return;          /* blocked (proc_block_restart): the ecall re-runs with a0..a5 intact */
	a[0] = (uint64_t)rc;
	if (rc == -EPIPE && (nr == LX_SYS_write || nr == LX_SYS_writev))
		signal_send_thread(k, p, LX_SIGPIPE, NULL);   /* a pipe with no reader */
	kernel_event_syscall(k, p, nr, rc, args);
}
