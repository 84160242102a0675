/*
 * syscall.h - system calls with the Linux riscv64 (asm-generic) numbers and
 * semantics: number in a7, arguments in a0-a5, result (or -errno) in a0.
 * Any other number returns -ENOSYS.
 */
#ifndef VMOS_KERNEL_SYSCALL_H
#define VMOS_KERNEL_SYSCALL_H

#include "kernel.h"

#define SYS_getcwd          17
#define SYS_ioctl           29
#define SYS_close           57
#define SYS_read            63
#define SYS_write           64
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
#define SYS_getuid          174
#define SYS_geteuid         175
#define SYS_getgid          176
#define SYS_getegid         177
#define SYS_gettid          178
#define SYS_sysinfo         179
#define SYS_brk             214
#define SYS_clone           220
#define SYS_execve          221
#define SYS_madvise         233
#define SYS_riscv_hwprobe   258
#define SYS_wait4           260
#define SYS_prlimit64       261
#define SYS_munmap          215
#define SYS_mmap            222
#define SYS_mprotect        226
#define SYS_getrandom       278
#define SYS_rseq            293

/* The Linux name of system-call number nr ("openat"), or NULL if the
 * number has none (syscall_names.c). */
const char *syscall_name(uint64_t nr);

/* Runs the system call p trapped into (a7 = number), storing the result in
 * p's a0. */
void syscall_dispatch(struct kernel *k, struct proc *p);

#endif
