/*
 * lx/signal.h - signal numbers of Linux riscv64 (the asm-generic numbering,
 * include/uapi/asm-generic/signal.h), rt_sigprocmask's `how`, the
 * sigaction flags (asm-generic/signal-defs.h; riscv64 has no SA_RESTORER:
 * handlers return through the vDSO's __vdso_rt_sigreturn), sigaltstack's
 * flags and the si_code values (asm-generic/siginfo.h).  The structures
 * (struct sigaction, siginfo, stack_t, ucontext, sigcontext) are in
 * linux_abi.h.  Freestanding: no includes.
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
#define LX_SIGSTKFLT 16
#define LX_SIGCHLD   17
#define LX_SIGCONT   18
#define LX_SIGSTOP   19
#define LX_SIGTSTP   20
#define LX_SIGTTIN   21
#define LX_SIGTTOU   22
#define LX_SIGURG    23
#define LX_SIGXCPU   24
#define LX_SIGXFSZ   25
#define LX_SIGVTALRM 26
#define LX_SIGPROF   27
#define LX_SIGWINCH  28
#define LX_SIGIO     29
#define LX_SIGPWR    30
#define LX_SIGSYS    31
#define LX_SIGRTMIN  32
#define LX_NSIG      64            /* signals are 1..LX_NSIG; the mask is 64 bits */

#define LX_SIG_BLOCK   0
#define LX_SIG_UNBLOCK 1
#define LX_SIG_SETMASK 2

/* sa_handler values */
#define LX_SIG_DFL 0
#define LX_SIG_IGN 1

/* sa_flags */
#define LX_SA_NOCLDSTOP 0x00000001u
#define LX_SA_NOCLDWAIT 0x00000002u
#define LX_SA_SIGINFO   0x00000004u
#define LX_SA_UNSUPPORTED 0x00000400u
#define LX_SA_EXPOSE_TAGBITS 0x00000800u
#define LX_SA_RESTORER  0x04000000u   /* not on riscv64: never set by the kernel */
#define LX_SA_ONSTACK   0x08000000u
#define LX_SA_RESTART   0x10000000u
#define LX_SA_NODEFER   0x40000000u
#define LX_SA_RESETHAND 0x80000000u

/* sigaltstack */
#define LX_SS_ONSTACK    1
#define LX_SS_DISABLE    2
#define LX_SS_AUTODISARM (1u << 31)
#define LX_MINSIGSTKSZ   2048
#define LX_SIGSTKSZ      8192

/* si_code */
#define LX_SI_USER     0
#define LX_SI_KERNEL   0x80
#define LX_SI_QUEUE    (-1)
#define LX_SI_TIMER    (-2)
#define LX_SI_TKILL    (-6)
#define LX_ILL_ILLOPC  1
#define LX_TRAP_BRKPT  1
#define LX_BUS_ADRALN  1
#define LX_BUS_ADRERR  2
#define LX_SEGV_MAPERR 1
#define LX_SEGV_ACCERR 2
#define LX_CLD_EXITED  1
#define LX_CLD_KILLED  2
#define LX_CLD_DUMPED  3

/* setitimer/getitimer */
#define LX_ITIMER_REAL    0
#define LX_ITIMER_VIRTUAL 1
#define LX_ITIMER_PROF    2

#endif
