/* unistd.h - POSIX process, file-descriptor and memory-break calls, each a
 * thin wrapper over the Linux riscv64 syscall of the same name. */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <sys/types.h>

#define STDIN_FILENO  0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

extern char **environ;

ssize_t read(int fd, void *buf, size_t n);
ssize_t write(int fd, const void *buf, size_t n);
int     close(int fd);
off_t   lseek(int fd, off_t off, int whence);
int     pipe(int fds[2]);
int     dup(int fd);
int     dup2(int oldfd, int newfd);
int     dup3(int oldfd, int newfd, int flags);
ssize_t pread(int fd, void *buf, size_t n, off_t off);
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off);
char   *getcwd(char *buf, size_t size);
int     chdir(const char *path);
int     fchdir(int fd);
int     rmdir(const char *path);
int     unlink(const char *path);
int     unlinkat(int dirfd, const char *path, int flags);
int     symlink(const char *target, const char *path);
ssize_t readlink(const char *path, char *buf, size_t n);
ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t n);
int     access(const char *path, int mode);
int     faccessat(int dirfd, const char *path, int mode, int flags);
int     ftruncate(int fd, off_t len);
int     fsync(int fd);

#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

_Noreturn void _exit(int status);
pid_t   getpid(void);
pid_t   getppid(void);
pid_t   fork(void);
int     execve(const char *path, char *const argv[], char *const envp[]);
int     execv(const char *path, char *const argv[]);

/* brk(addr) sets the program break; returns 0 or -1 with errno ENOMEM.
 * sbrk(inc) moves it by inc bytes; returns the old break or (void *)-1. */
int     brk(void *addr);
void   *sbrk(intptr_t inc);

unsigned sleep(unsigned seconds);
int     usleep(unsigned usec);
int     getpagesize(void);

#endif
