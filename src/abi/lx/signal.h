/*
 * lx/signal.h - signal numbers of Linux riscv64 (the asm-generic numbering,
 * include/uapi/asm-generic/signal.h) and rt_sigprocmask's `how`.
 * Freestanding: no includes.
 */
#ifndef VMOS_ABI_LINUX_SIGNAL_H
#define VMOS_ABI_LINUX_SIGNAL_H

#define LX_SIGHUP     1
#define LX_SIGINT     2
#define LX_SIGQUIT    3
#define LX_SIGILL     4
#define LX_SIGTRAP    5
#define LX_SIGABRT    6
#define LX_SIGBUS     7
#define LX_SIGFPE     8
#define LX_SIGKILL    9
#define LX_SIGUSR1   10
#define LX_SIGSEGV   11
#define LX_SIGUSR2   12
#define LX_SIGPIPE   13
#define LX_SIGALRM   14
#define LX_SIGTERM   15
#define LX_SIGCHLD   17
#define LX_SIGSTOP   19
#define LX_NSIG      64            /* signals are 1..LX_NSIG; the mask is 64 bits */

#define LX_SIG_BLOCK   0
#define LX_SIG_UNBLOCK 1
#define LX_SIG_SETMASK 2

#endif
