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
