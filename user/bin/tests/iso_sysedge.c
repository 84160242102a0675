/*
 * iso_sysedge - system calls at the edges of their arguments: lengths near
 * 2^64 that round to 0 or wrap, unaligned addresses, huge counts, pointers
 * into the kernel half, bad pointers for results that must not stop the
 * call from taking effect.  Every expected value is Linux's (man pages and
 * the kernel's order of checks).
 *
 * Usage: iso_sysedge [common|linux]
 *   common  the cases where qemu-riscv64 gives Linux's answer too (default)
 *   linux   the cases where qemu-user differs from Linux: it truncates
 *           64-bit arguments to int, checks prot before a zero length,
 *           ignores madvise, refuses a whole write buffer that faults
 *           partway, writes a writev's good iovecs before a bad one,
 *           accepts zero-length buffers at kernel addresses, and its user
 *           half has another top (so the cases at the top of the Sv39 user
 *           half)
 * Each case prints "ok CALL = RESULT" or "FAIL CALL = RESULT, want WANT"
 * (results as Linux returns them: a value or -ERRNO); then a count.  Exit
 * status 0 if every case is as expected.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define KADDR 0xffffffc080000000UL      /* the kernel's direct map (Sv39) */
#define UNMAPPED 0x0000003000000000UL   /* far from every mapping */
#define SV39_TOP 0x0000004000000000UL   /* first address above the Sv39 user half */
#define SYS_getrandom_ 278

static int total, failed;

static const char *err_name(long e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case ENOMEM: return "ENOMEM";
	case EFAULT: return "EFAULT";
	case ECHILD: return "ECHILD";
	case ESRCH: return "ESRCH";
	case EBADF: return "EBADF";
	default: return NULL;
	}
}

static void show(char *buf, long v)
{
	const char *n = v < 0 ? err_name(-v) : NULL;
	if (n)
		sprintf(buf, "-%s", n);
	else
		sprintf(buf, "%ld", v);
}

/* The raw result of a system call: its value, or -errno. */
static long sc(long n, long a, long b, long c, long d, long e, long f)
{
	errno = 0;
	long r = syscall(n, a, b, c, d, e, f);
	return r == -1 && errno ? -errno : r;
}

static void expect(const char *what, long got, long want)
{
	char g[32], w[32];
	show(g, got);
	show(w, want);
	total++;
	if (got == want) {
		printf("ok %s = %s\n", what, g);
	} else {
		failed++;
		printf("FAIL %s = %s, want %s\n", what, g, w);
	}
}

static void expect_true(const char *what, int cond)
{
	total++;
	if (!cond)
		failed++;
	printf("%s %s\n", cond ? "ok" : "FAIL", what);
}

/* A child that exits with code; returns its pid. */
static pid_t child(int code)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(code);
	return pid;
}

static void common(void)
{
	char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		expect("mmap 4 pages", -errno, 0);
		return;
	}
	long P = (long)p;
	memset(p, 0x5a, 4 * PAGE);

	/* munmap: EINVAL for what Linux does not like, before rounding */
	expect("munmap(p, 0)", sc(SYS_munmap, P, 0, 0, 0, 0, 0), -EINVAL);
	expect("munmap(p, 2^64-1)", sc(SYS_munmap, P, -1L, 0, 0, 0, 0), -EINVAL);
	expect("munmap(p, 2^64-4096)", sc(SYS_munmap, P, -4096L, 0, 0, 0, 0), -EINVAL);
	expect("munmap(p, 2^63)", sc(SYS_munmap, P, (long)(1UL << 63), 0, 0, 0, 0), -EINVAL);
	expect("munmap(p + 1, 4096)", sc(SYS_munmap, P + 1, 4096, 0, 0, 0, 0), -EINVAL);
	expect("munmap(kernel address, 4096)", sc(SYS_munmap, (long)KADDR, 4096, 0, 0, 0, 0), -EINVAL);
	expect("munmap(unmapped, 4096)", sc(SYS_munmap, (long)UNMAPPED, 4096, 0, 0, 0, 0), 0);
	expect_true("the mapping survived every refused munmap", p[0] == 0x5a && p[4 * PAGE - 1] == 0x5a);

	/* mprotect: ENOMEM when the rounded end wraps past 2^64 */
	expect("mprotect(p, 2^64-1, R)", sc(SYS_mprotect, P, -1L, PROT_READ, 0, 0, 0), -ENOMEM);
	expect("mprotect(p, 2^64-4096, R)", sc(SYS_mprotect, P, -4096L, PROT_READ, 0, 0, 0), -ENOMEM);
	expect("mprotect(p + 1, 4096, R)", sc(SYS_mprotect, P + 1, 4096, PROT_READ, 0, 0, 0), -EINVAL);
	expect("mprotect(p, 4096, 0x10)", sc(SYS_mprotect, P, 4096, 0x10, 0, 0, 0), -EINVAL);
	expect("mprotect(p, 4096, R|PROT_SEM)", sc(SYS_mprotect, P, 4096, PROT_READ | 0x8, 0, 0, 0), 0);
	expect("mprotect(unmapped, 4096, R)", sc(SYS_mprotect, (long)UNMAPPED, 4096, PROT_READ, 0, 0, 0), -ENOMEM);
	expect("mprotect(kernel address, 4096, R)", sc(SYS_mprotect, (long)KADDR, 4096, PROT_READ, 0, 0, 0), -ENOMEM);
	expect("mprotect(p, 4096, RW) again", sc(SYS_mprotect, P, 4096, PROT_READ | PROT_WRITE, 0, 0, 0), 0);
	p[1] = 1;
	expect_true("the first page is writable again", p[1] == 1);

	/* madvise: EINVAL when the rounded length wraps, ENOMEM for holes */
	expect("madvise(p, 2^64-1, NORMAL)", sc(SYS_madvise, P, -1L, MADV_NORMAL, 0, 0, 0), -EINVAL);
	expect("madvise(p, 2^64-4096, NORMAL)", sc(SYS_madvise, P, -4096L, MADV_NORMAL, 0, 0, 0), -EINVAL);
	expect("madvise(p, 0, NORMAL)", sc(SYS_madvise, P, 0, MADV_NORMAL, 0, 0, 0), 0);
	expect("madvise(p + 1, 4096, NORMAL)", sc(SYS_madvise, P + 1, 4096, MADV_NORMAL, 0, 0, 0), -EINVAL);
	expect("madvise(p, 4 pages, DONTNEED)", sc(SYS_madvise, P, 4 * PAGE, MADV_DONTNEED, 0, 0, 0), 0);
	expect_true("DONTNEED pages read back as zeros", p[0] == 0 && p[4 * PAGE - 1] == 0);

	/* mmap */
	expect("mmap(NULL, 0)", sc(SYS_mmap, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), -EINVAL);
	expect("mmap(NULL, 2^64-1)", sc(SYS_mmap, 0, -1L, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), -ENOMEM);
	expect("mmap(NULL, 2^64-4096)", sc(SYS_mmap, 0, -4096L, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), -ENOMEM);
	expect("mmap(NULL, 4096, offset 1)", sc(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1), -EINVAL);
	expect("mmap(p + 1, 4096, MAP_FIXED)", sc(SYS_mmap, P + 1, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), -EINVAL);

	/* write, read, writev: access_ok first, partial on a fault partway */
	expect("write(1, kernel address, 4)", sc(SYS_write, 1, (long)KADDR, 4, 0, 0, 0), -EFAULT);
	expect("write(1, p, 2^64-1)", sc(SYS_write, 1, P, -1L, 0, 0, 0), -EFAULT);
	expect("write(1, p, 2^63)", sc(SYS_write, 1, P, (long)(1UL << 63), 0, 0, 0), -EFAULT);
	expect("write(1, unmapped, 4)", sc(SYS_write, 1, (long)UNMAPPED, 4, 0, 0, 0), -EFAULT);
	expect("read(0, kernel address, 10)", sc(SYS_read, 0, (long)KADDR, 10, 0, 0, 0), -EFAULT);
	expect("read(0, p, 2^64-1)", sc(SYS_read, 0, P, -1L, 0, 0, 0), -EFAULT);
	expect("read(5, p, 10)", sc(SYS_read, 5, P, 10, 0, 0, 0), -EBADF);
	struct { long base, len; } iov[2] = { { (long)"", 0 }, { P, -1L } };
	expect("writev(1, iov, 1025)", sc(SYS_writev, 1, (long)iov, 1025, 0, 0, 0), -EINVAL);
	expect("writev(1, iov, -1)", sc(SYS_writev, 1, (long)iov, -1L, 0, 0, 0), -EINVAL);
	expect("writev(1, {p, 2^64-1})", sc(SYS_writev, 1, (long)&iov[1], 1, 0, 0, 0), -EINVAL);
	expect("writev(1, kernel address, 1)", sc(SYS_writev, 1, (long)KADDR, 1, 0, 0, 0), -EFAULT);
	expect("writev(7, iov, 1)", sc(SYS_writev, 7, (long)iov, 1, 0, 0, 0), -EBADF);
	/* the whole array is read before any length is looked at */
	char *r = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(r + PAGE, PAGE);
	long *tail = (long *)(r + PAGE - 16);
	tail[0] = (long)"x", tail[1] = -1L;     /* a bad length, then the array runs off the mapping */
	expect("writev(1, {{\"x\", 2^64-1}, <unmapped>}, 2)", sc(SYS_writev, 1, (long)tail, 2, 0, 0, 0), -EFAULT);
	expect("writev(1, {{\"x\", 2^64-1}}, 1)", sc(SYS_writev, 1, (long)tail, 1, 0, 0, 0), -EINVAL);

	/* getrandom */
	char rb[16];
	expect("getrandom(buf, 16, 0x8)", sc(SYS_getrandom_, (long)rb, 16, 0x8, 0, 0, 0), -EINVAL);
	expect("getrandom(buf, 16, RANDOM|INSECURE)", sc(SYS_getrandom_, (long)rb, 16, 6, 0, 0, 0), -EINVAL);
	expect("getrandom(kernel address, 16, 0)", sc(SYS_getrandom_, (long)KADDR, 16, 0, 0, 0, 0), -EFAULT);
	expect("getrandom(buf, 16, NONBLOCK)", sc(SYS_getrandom_, (long)rb, 16, 1, 0, 0, 0), 16);

	/* wait4: the child is reaped even when its status cannot be written */
	int st = 0;
	pid_t c = child(7);
	expect("wait4(child, kernel address) after it exits", sc(SYS_wait4, c, (long)KADDR, 0, 0, 0, 0), -EFAULT);
	expect("wait4(-1, &st) then: it was reaped", sc(SYS_wait4, -1, (long)&st, 0, 0, 0, 0), -ECHILD);
	c = child(8);
	expect("wait4(child, unmapped) after it exits", sc(SYS_wait4, c, (long)UNMAPPED, 0, 0, 0, 0), -EFAULT);
	expect("wait4(child, &st) then", sc(SYS_wait4, c, (long)&st, 0, 0, 0, 0), -ECHILD);
	c = child(9);
	expect("wait4(child, &st, 0, rusage at a kernel address)", sc(SYS_wait4, c, (long)&st, 0, (long)KADDR, 0, 0), -EFAULT);
	expect_true("the status was written before the rusage failed", WIFEXITED(st) && WEXITSTATUS(st) == 9);
	expect("wait4(-1, &st) then", sc(SYS_wait4, -1, (long)&st, 0, 0, 0, 0), -ECHILD);
	long ru[18];
	memset(ru, 0xff, sizeof ru);
	c = child(10);
	expect_true("wait4(child, &st, 0, &ru) returns the child", sc(SYS_wait4, c, (long)&st, 0, (long)ru, 0, 0) == c);
	expect_true("status 10, ru_maxrss (KiB) > 0, ru_minflt >= 0",
		    WEXITSTATUS(st) == 10 && ru[4] > 0 && ru[4] < (1L << 30) && ru[8] >= 0);
	c = child(11);
	expect_true("wait4(child, &st, __WALL) returns the child", sc(SYS_wait4, c, (long)&st, 0x40000000, 0, 0, 0) == c);
	expect("wait4(-1, &st, 0x100)", sc(SYS_wait4, -1, (long)&st, 0x100, 0, 0, 0), -EINVAL);
	expect("wait4(INT_MIN, &st)", sc(SYS_wait4, (long)(-2147483647 - 1), (long)&st, 0, 0, 0, 0), -ESRCH);
	expect("wait4(-1, &st) with no children", sc(SYS_wait4, -1, (long)&st, 0, 0, 0, 0), -ECHILD);

	/* signal actions and the signal mask: Linux's argument checks */
	long sa[3] = { 1, 1, 1 }, mask = 0, old = 0;
	expect("rt_sigaction(SIGUSR1, NULL, &old, 8)", sc(SYS_rt_sigaction, 10, 0, (long)sa, 8, 0, 0), 0);
	expect_true("the old action of SIGUSR1 is SIG_DFL", sa[0] == 0);
	expect("rt_sigaction(SIGUSR1, NULL, NULL, 4)", sc(SYS_rt_sigaction, 10, 0, 0, 4, 0, 0), -EINVAL);
	expect("rt_sigaction(SIGUSR1, kernel address, NULL, 8)", sc(SYS_rt_sigaction, 10, (long)KADDR, 0, 8, 0, 0), -EFAULT);
	expect("rt_sigaction(SIGUSR1, NULL, kernel address, 8)", sc(SYS_rt_sigaction, 10, 0, (long)KADDR, 8, 0, 0), -EFAULT);
	expect("rt_sigaction(SIGKILL, &act, NULL, 8)", sc(SYS_rt_sigaction, 9, (long)sa, 0, 8, 0, 0), -EINVAL);
	expect("rt_sigaction(65, NULL, NULL, 8)", sc(SYS_rt_sigaction, 65, 0, 0, 8, 0, 0), -EINVAL);
	expect("rt_sigaction(0, NULL, NULL, 8)", sc(SYS_rt_sigaction, 0, 0, 0, 8, 0, 0), -EINVAL);
	mask = 1L << (10 - 1);
	expect("rt_sigprocmask(SIG_BLOCK, {SIGUSR1}, NULL, 8)", sc(SYS_rt_sigprocmask, 0, (long)&mask, 0, 8, 0, 0), 0);
	expect("rt_sigprocmask(SIG_BLOCK, NULL, &old, 8)", sc(SYS_rt_sigprocmask, 0, 0, (long)&old, 8, 0, 0), 0);
	expect_true("SIGUSR1 is blocked", old == 1L << (10 - 1));
	pid_t mc = fork();
	if (mc == 0) {
		long m = 0;
		syscall(SYS_rt_sigprocmask, 0, 0, (long)&m, 8, 0, 0);
		_exit(m == 1L << (10 - 1) ? 0 : 1);
	}
	expect_true("a child after fork has the same mask", waitpid(mc, &st, 0) == mc && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	mask = -1L;
	expect("rt_sigprocmask(SIG_SETMASK, all, NULL, 8)", sc(SYS_rt_sigprocmask, 2, (long)&mask, 0, 8, 0, 0), 0);
	expect("rt_sigprocmask(SIG_UNBLOCK, {SIGUSR1}, &old, 8)", sc(SYS_rt_sigprocmask, 1, (long)&(long){ 1L << (10 - 1) }, (long)&old, 8, 0, 0), 0);
	expect_true("SIGKILL and SIGSTOP were not blocked", !(old & (1L << 8)) && !(old & (1L << 18)) && (old & 1));
	expect("rt_sigprocmask(5, &set, NULL, 8)", sc(SYS_rt_sigprocmask, 5, (long)&mask, 0, 8, 0, 0), -EINVAL);
	expect("rt_sigprocmask(SIG_BLOCK, kernel address, NULL, 8)", sc(SYS_rt_sigprocmask, 0, (long)KADDR, 0, 8, 0, 0), -EFAULT);
	expect("rt_sigprocmask(SIG_BLOCK, NULL, kernel address, 8)", sc(SYS_rt_sigprocmask, 0, 0, (long)KADDR, 8, 0, 0), -EFAULT);
	expect("rt_sigprocmask(SIG_BLOCK, NULL, &old, 16)", sc(SYS_rt_sigprocmask, 0, 0, (long)&old, 16, 0, 0), -EINVAL);
	mask = 0;
	expect("rt_sigprocmask(SIG_SETMASK, {}, NULL, 8)", sc(SYS_rt_sigprocmask, 2, (long)&mask, 0, 8, 0, 0), 0);
	expect("ioctl(5, TCGETS, buf)", sc(SYS_ioctl, 5, 0x5401, (long)rb, 0, 0, 0), -EBADF);

	/* system calls that write a result refuse a kernel address */
	expect("clock_gettime(MONOTONIC, kernel address)", sc(SYS_clock_gettime, CLOCK_MONOTONIC, (long)KADDR, 0, 0, 0, 0), -EFAULT);
	expect("uname(kernel address)", sc(SYS_uname, (long)KADDR, 0, 0, 0, 0, 0), -EFAULT);
	long b0 = sc(SYS_brk, 0, 0, 0, 0, 0, 0);
	expect("brk(2^64-1) leaves the break", sc(SYS_brk, -1L, 0, 0, 0, 0, 0) - b0, 0);
	expect("brk(kernel address) leaves the break", sc(SYS_brk, (long)KADDR, 0, 0, 0, 0, 0) - b0, 0);
}

static void linux_only(void)
{
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long P = (long)p;
	/* qemu-user accepts a zero-length mprotect of any prot only after
	 * checking it, and ignores madvise altogether */
	expect("mprotect(p, 0, R)", sc(SYS_mprotect, P, 0, PROT_READ, 0, 0, 0), 0);
	expect("madvise(p, 4096, 999)", sc(SYS_madvise, P, 4096, 999, 0, 0, 0), -EINVAL);
	expect("madvise(unmapped, 4096, NORMAL)", sc(SYS_madvise, (long)UNMAPPED, 4096, MADV_NORMAL, 0, 0, 0), -ENOMEM);
	expect("madvise(p, 2 pages + 1 TiB, NORMAL)", sc(SYS_madvise, P, (long)(2 * PAGE + (1UL << 40)), MADV_NORMAL, 0, 0, 0), -ENOMEM);
	/* a write that faults partway writes what came before (qemu-user
	 * refuses the whole buffer) */
	char *q = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(q + PAGE, PAGE);
	memcpy(q + PAGE - 4, "end\n", 4);
	fflush(stdout);
	expect("write(1, last 4 bytes of a mapping, 100)", sc(SYS_write, 1, (long)(q + PAGE - 4), 100, 0, 0, 0), 4);
	/* 64-bit arguments that qemu-user truncates to int */
	expect("mprotect(p, 4096, 1 + 2^32)", sc(SYS_mprotect, P, 4096, 0x100000001L, 0, 0, 0), -EINVAL);
	expect("writev(1, iov, 1 + 2^32)", sc(SYS_writev, 1, P, 0x100000001L, 0, 0, 0), -EINVAL);
	expect("getrandom(p, 16, 2^32) (flags are 32 bits)", sc(SYS_getrandom_, P, 16, 0x100000000L, 0, 0, 0), 16);
	/* the zero length is looked at before prot */
	expect("mprotect(p, 0, 0x10)", sc(SYS_mprotect, P, 0, 0x10, 0, 0, 0), 0);
	/* access_ok refuses a kernel address even for nothing */
	expect("write(1, kernel address, 0)", sc(SYS_write, 1, (long)KADDR, 0, 0, 0, 0), -EFAULT);
	expect("read(0, kernel address, 0)", sc(SYS_read, 0, (long)KADDR, 0, 0, 0, 0), -EFAULT);
	expect("write(1, p, 0)", sc(SYS_write, 1, P, 0, 0, 0, 0), 0);
	/* every iovec is checked before anything is written */
	struct { long base, len; } iov[2] = { { (long)"written\n", 8 }, { (long)KADDR, 1 } };
	fflush(stdout);
	expect("writev(1, {\"written\\n\", 8}, {kernel address, 1}) writes nothing", sc(SYS_writev, 1, (long)iov, 2, 0, 0, 0), -EFAULT);
	iov[1].len = -1L;
	expect("writev(1, {\"written\\n\", 8}, {kernel address, 2^64-1})", sc(SYS_writev, 1, (long)iov, 2, 0, 0, 0), -EINVAL);
	/* ranges that straddle the top of the Sv39 user half */
	expect("munmap(top - 4096, 8192)", sc(SYS_munmap, (long)(SV39_TOP - PAGE), 2 * PAGE, 0, 0, 0, 0), -EINVAL);
	expect("mprotect(top - 4096, 8192, R)", sc(SYS_mprotect, (long)(SV39_TOP - PAGE), 2 * PAGE, PROT_READ, 0, 0, 0), -ENOMEM);
	expect("mmap(top - 4096, 8192, MAP_FIXED)", sc(SYS_mmap, (long)(SV39_TOP - PAGE), 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), -ENOMEM);
	expect("write(1, top - 2, 4)", sc(SYS_write, 1, (long)(SV39_TOP - 2), 4, 0, 0, 0), -EFAULT);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "common";
	if (!strcmp(mode, "common"))
		common();
	else if (!strcmp(mode, "linux"))
		linux_only();
	else {
		printf("usage: iso_sysedge [common|linux]\n");
		return 2;
	}
	printf("iso_sysedge: %d cases, %d failed\n", total, failed);
	return failed ? 1 : 0;
}
