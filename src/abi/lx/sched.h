/*
 * lx/sched.h - clone flags and wait4 options of Linux riscv64
 * (include/uapi/linux/sched.h, linux/wait.h).  Freestanding: no includes.
 */
#ifndef VMOS_ABI_LINUX_SCHED_H
#define VMOS_ABI_LINUX_SCHED_H

#define LX_CSIGNAL       0x000000ff   /* exit signal in clone's low byte */
#define LX_CLONE_VM      0x00000100
#define LX_CLONE_FS      0x00000200
#define LX_CLONE_FILES   0x00000400
#define LX_CLONE_SIGHAND 0x00000800
#define LX_CLONE_PIDFD   0x00001000
#define LX_CLONE_PTRACE  0x00002000
#define LX_CLONE_VFORK   0x00004000
#define LX_CLONE_PARENT  0x00008000
#define LX_CLONE_THREAD  0x00010000
#define LX_CLONE_NEWNS   0x00020000
#define LX_CLONE_SYSVSEM 0x00040000
#define LX_CLONE_SETTLS  0x00080000
#define LX_CLONE_PARENT_SETTID  0x00100000
#define LX_CLONE_CHILD_CLEARTID 0x00200000
#define LX_CLONE_DETACHED       0x00400000
#define LX_CLONE_UNTRACED       0x00800000
#define LX_CLONE_CHILD_SETTID   0x01000000
#define LX_CLONE_NEWCGROUP      0x02000000
#define LX_CLONE_NEWUTS         0x04000000
#define LX_CLONE_NEWIPC         0x08000000
#define LX_CLONE_NEWUSER        0x10000000
#define LX_CLONE_NEWPID         0x20000000
#define LX_CLONE_NEWNET         0x40000000
#define LX_CLONE_IO             0x80000000u
#define LX_CLONE_INTO_CGROUP    0x200000000ULL   /* clone3 only */
#define LX_CLONE_ARGS_SIZE_VER0 64               /* struct clone_args, first version */

#define LX_WNOHANG       0x00000001
#define LX_WUNTRACED     0x00000002
#define LX_WCONTINUED    0x00000008
#define LX___WNOTHREAD   0x20000000u
#define LX___WALL        0x40000000u
#define LX___WCLONE      0x80000000u

#endif
