/*
 * syscall.c - system-call wrappers: errno, the generic syscall(), and the
 * process, file-descriptor and memory calls of unistd.h, sys/mman.h,
 * sys/wait.h, signal.h, time.h, sched.h and sys/utsname.h.  Each is one
 * Linux riscv64 syscall (numbers in sys/syscall.h) except where noted.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "syscall_arch.h"

int errno;

long __sys_ret(long r)
{
	if ((unsigned long)r > -4096UL) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

long syscall(long n, ...)
{
	va_list ap;
	long a, b, c, d, e, f;

	va_start(ap, n);
	a = va_arg(ap, long);
	b = va_arg(ap, long);
	c = va_arg(ap, long);
	d = va_arg(ap, long);
	e = va_arg(ap, long);
	f = va_arg(ap, long);
	va_end(ap);
	return __sys_ret(__syscall6(n, a, b, c, d, e, f));
}

/* --- file descriptors ----------------------------------------------------- */

ssize_t read(int fd, void *buf, size_t n) { return __sys_ret(__sys3(SYS_read, fd, buf, n)); }
ssize_t write(int fd, const void *buf, size_t n) { return __sys_ret(__sys3(SYS_write, fd, buf, n)); }
int close(int fd) { return (int)__sys_ret(__sys1(SYS_close, fd)); }
off_t lseek(int fd, off_t off, int whence) { return __sys_ret(__sys3(SYS_lseek, fd, off, whence)); }
int pipe(int fds[2]) { return (int)__sys_ret(__sys2(SYS_pipe2, fds, 0)); }
int dup(int fd) { return (int)__sys_ret(__sys1(SYS_dup, fd)); }

/* dup2: asm-generic has only dup3, which rejects oldfd == newfd; dup2 must
 * instead return newfd if oldfd is valid. */
int dup2(int oldfd, int newfd)
{
	if (oldfd == newfd) {
		long r = __sys3(SYS_fcntl, oldfd, 1 /* F_GETFD */, 0);
		return r < 0 ? (int)__sys_ret(r) : newfd;
	}
	return (int)__sys_ret(__sys3(SYS_dup3, oldfd, newfd, 0));
}

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = (flags & O_CREAT) ? va_arg(ap, int) : 0;
	va_end(ap);
	return (int)__sys_ret(__sys4(SYS_openat, dirfd, path, flags, mode));
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = (flags & O_CREAT) ? va_arg(ap, int) : 0;
	va_end(ap);
	return (int)__sys_ret(__sys4(SYS_openat, AT_FDCWD, path, flags, mode));
}

/* --- processes ------------------------------------------------------------ */

_Noreturn void _exit(int status)
{
	for (;;)
		__sys1(SYS_exit_group, status);
}

pid_t getpid(void) { return (pid_t)__sys0(SYS_getpid); }
pid_t getppid(void) { return (pid_t)__sys0(SYS_getppid); }

/* fork is clone(SIGCHLD, child_stack = 0): a copy of the address space that
 * continues on the same stack, as glibc's fork does on asm-generic. */
pid_t fork(void)
{
	return (pid_t)__sys_ret(__syscall6(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0));
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)__sys_ret(__sys3(SYS_execve, path, argv, envp));
}

int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
	return (pid_t)__sys_ret(__sys4(SYS_wait4, pid, status, options, ru));
}

pid_t waitpid(pid_t pid, int *status, int options) { return wait4(pid, status, options, 0); }
pid_t wait(int *status) { return wait4(-1, status, 0, 0); }

int kill(pid_t pid, int sig) { return (int)__sys_ret(__sys2(SYS_kill, pid, sig)); }
int raise(int sig) { return kill(getpid(), sig); }
int sched_yield(void) { return (int)__sys_ret(__sys0(SYS_sched_yield)); }
int uname(struct utsname *u) { return (int)__sys_ret(__sys1(SYS_uname, u)); }

/* --- memory --------------------------------------------------------------- */

/* The kernel's brk returns the requested break on success and the unchanged
 * old break on failure (Linux mm/mmap.c); brk(0) queries it.  Any answer
 * other than the request is therefore a failure (glibc tests only for a
 * lower answer, so it reports a refused shrink below the heap's start as
 * success).  __curbrk caches the break so sbrk(0) needs no syscall. */
static uintptr_t __curbrk;

int brk(void *addr)
{
	uintptr_t r = (uintptr_t)__sys1(SYS_brk, addr);

	__curbrk = r;
	if (r != (uintptr_t)addr) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void *sbrk(intptr_t inc)
{
	uintptr_t old;

	if (__curbrk == 0)
		__curbrk = (uintptr_t)__sys1(SYS_brk, 0);
	old = __curbrk;
	if (inc == 0)
		return (void *)old;
	if ((inc > 0 && old + (uintptr_t)inc < old) ||
	    (inc < 0 && (uintptr_t)-inc > old)) {
		errno = ENOMEM;
		return (void *)-1;
	}
	if (brk((void *)(old + inc)) < 0 || __curbrk != old + inc) {
		errno = ENOMEM;
		return (void *)-1;
	}
	return (void *)old;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return (void *)__sys_ret(__syscall6(SYS_mmap, (long)addr, (long)len, prot, flags, fd, off));
}

int munmap(void *addr, size_t len) { return (int)__sys_ret(__sys2(SYS_munmap, addr, len)); }
int mprotect(void *addr, size_t len, int prot) { return (int)__sys_ret(__sys3(SYS_mprotect, addr, len, prot)); }
int madvise(void *addr, size_t len, int advice) { return (int)__sys_ret(__sys3(SYS_madvise, addr, len, advice)); }

void *mremap(void *old, size_t oldlen, size_t newlen, int flags, ...)
{
	va_list ap;
	long newaddr = 0;

	va_start(ap, flags);
	if (flags & 2 /* MREMAP_FIXED */)
		newaddr = (long)va_arg(ap, void *);
	va_end(ap);
	return (void *)__sys_ret(__syscall6(SYS_mremap, (long)old, (long)oldlen, (long)newlen, flags, newaddr, 0));
}

int getpagesize(void)
{
	unsigned long ps = getauxval(AT_PAGESZ);

	return ps ? (int)ps : 4096;
}

/* --- time ----------------------------------------------------------------- */

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	return (int)__sys_ret(__sys2(SYS_clock_gettime, clk, ts));
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	return (int)__sys_ret(__sys2(SYS_nanosleep, req, rem));
}

time_t time(time_t *t)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return (time_t)-1;
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}

unsigned sleep(unsigned seconds)
{
	struct timespec req = { seconds, 0 }, rem = { 0, 0 };

	if (nanosleep(&req, &rem) < 0)
		return (unsigned)rem.tv_sec + (rem.tv_nsec > 0);
	return 0;
}

int usleep(unsigned usec)
{
	struct timespec req = { usec / 1000000, (long)(usec % 1000000) * 1000 };

	return nanosleep(&req, 0);
}

/* --- auxiliary vector ----------------------------------------------------- */

unsigned long getauxval(unsigned long type)
{
	for (unsigned long *a = __auxv; a && a[0] != AT_NULL; a += 2)
		if (a[0] == type)
			return a[1];
	errno = ENOENT;
	return 0;
}

/* --- file status and time of day ------------------------------------------ */

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	return (int)__sys_ret(__sys4(SYS_newfstatat, dirfd, path, st, flags));
}
int fstat(int fd, struct stat *st) { return (int)__sys_ret(__sys2(SYS_fstat, fd, st)); }
int stat(const char *path, struct stat *st) { return fstatat(AT_FDCWD, path, st, 0); }
int lstat(const char *path, struct stat *st)
{
	return fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

int gettimeofday(struct timeval *tv, void *tz)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return -1;
	if (tv) {
		tv->tv_sec = ts.tv_sec;
		tv->tv_usec = ts.tv_nsec / 1000;
	}
	if (tz)
		memset(tz, 0, sizeof(struct timezone));
	return 0;
}
