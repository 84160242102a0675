/*
 * sys/syscall.h - Linux riscv64 system-call numbers (the asm-generic table,
 * include/uapi/asm-generic/unistd.h) and the raw syscall() entry point.
 * vmos implements these numbers with Linux semantics (shared/DESIGN.md), so a
 * program built against this header runs under vmos and qemu-riscv64 alike.
 */
#ifndef _SYS_SYSCALL_H
#define _SYS_SYSCALL_H

#define SYS_getcwd          17
#define SYS_dup             23
#define SYS_dup3            24
#define SYS_fcntl           25
#define SYS_ioctl           29
#define SYS_unlinkat        35
#define SYS_openat          56
#define SYS_close           57
#define SYS_pipe2           59
#define SYS_lseek           62
#define SYS_read            63
#define SYS_write           64
#define SYS_readv           65
#define SYS_writev          66
#define SYS_readlinkat      78
#define SYS_newfstatat      79
#define SYS_fstat           80
#define SYS_exit            93
#define SYS_exit_group      94
#define SYS_set_tid_address 96
#define SYS_set_robust_list 99
#define SYS_nanosleep       101
#define SYS_clock_gettime   113
#define SYS_clock_getres    114
#define SYS_sched_yield     124
#define SYS_kill            129
#define SYS_tgkill          131
#define SYS_rt_sigaction    134
#define SYS_rt_sigprocmask  135
#define SYS_times           153
#define SYS_uname           160
#define SYS_getrlimit       163
#define SYS_setrlimit       164
#define SYS_getrusage       165
#define SYS_gettimeofday    169
#define SYS_getpid          172
#define SYS_getppid         173
#define SYS_gettid          178
#define SYS_sysinfo         179
#define SYS_brk             214
#define SYS_munmap          215
#define SYS_mremap          216
#define SYS_clone           220
#define SYS_execve          221
#define SYS_mmap            222
#define SYS_mprotect        226
#define SYS_madvise         233
#define SYS_riscv_hwprobe   258
#define SYS_wait4           260
#define SYS_prlimit64       261

/* syscall - issue system call n with up to six arguments.  Returns the
 * kernel's result; a negative errno result sets errno and returns -1. */
long syscall(long n, ...);

#endif
