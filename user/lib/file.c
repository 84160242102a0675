/*
 * file.c - the file-system calls beyond open/read/write/close: each a thin
 * wrapper over the Linux riscv64 syscall (kept out of syscall.c so that
 * programs that do not use them do not link them).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscall_arch.h"

long __sys_ret(long r);

int dup3(int oldfd, int newfd, int flags) { return (int)__sys_ret(__sys3(SYS_dup3, oldfd, newfd, flags)); }
ssize_t pread(int fd, void *buf, size_t n, off_t off) { return __sys_ret(__sys4(SYS_pread64, fd, buf, n, off)); }
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) { return __sys_ret(__sys4(SYS_pwrite64, fd, buf, n, off)); }
char *getcwd(char *buf, size_t size) { return __sys_ret(__sys2(SYS_getcwd, buf, size)) < 0 ? NULL : buf; }
int chdir(const char *path) { return (int)__sys_ret(__sys1(SYS_chdir, path)); }
int fchdir(int fd) { return (int)__sys_ret(__sys1(SYS_fchdir, fd)); }
int mkdirat(int dirfd, const char *path, mode_t mode) { return (int)__sys_ret(__sys3(SYS_mkdirat, dirfd, path, mode)); }
int mkdir(const char *path, mode_t mode) { return mkdirat(AT_FDCWD, path, mode); }
int unlinkat(int dirfd, const char *path, int flags) { return (int)__sys_ret(__sys3(SYS_unlinkat, dirfd, path, flags)); }
int unlink(const char *path) { return unlinkat(AT_FDCWD, path, 0); }
int rmdir(const char *path) { return unlinkat(AT_FDCWD, path, AT_REMOVEDIR); }
int symlink(const char *target, const char *path) { return (int)__sys_ret(__sys3(SYS_symlinkat, target, AT_FDCWD, path)); }
ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t n) { return __sys_ret(__sys4(SYS_readlinkat, dirfd, path, buf, n)); }
ssize_t readlink(const char *path, char *buf, size_t n) { return readlinkat(AT_FDCWD, path, buf, n); }
int faccessat(int dirfd, const char *path, int mode, int flags) { return (int)__sys_ret(__sys4(SYS_faccessat2, dirfd, path, mode, flags)); }
int access(const char *path, int mode) { return (int)__sys_ret(__sys3(SYS_faccessat, AT_FDCWD, path, mode)); }
int ftruncate(int fd, off_t len) { return (int)__sys_ret(__sys2(SYS_ftruncate, fd, len)); }
int fsync(int fd) { return (int)__sys_ret(__sys1(SYS_fsync, fd)); }
mode_t umask(mode_t mask) { return (mode_t)__sys1(SYS_umask, mask); }
int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned flags)
{
	return (int)__sys_ret(__syscall6(SYS_renameat2, olddirfd, (long)oldpath, newdirfd, (long)newpath, flags, 0));
}
int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	long arg = va_arg(ap, long);
	va_end(ap);
	return (int)__sys_ret(__sys3(SYS_fcntl, fd, cmd, arg));
}

