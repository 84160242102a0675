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
#define LX_CLONE_THREAD  0x00010000

#define LX_WNOHANG       0x00000001
#define LX_WUNTRACED     0x00000002
#define LX_WCONTINUED    0x00000008
#define LX___WNOTHREAD   0x20000000u
#define LX___WALL        0x40000000u
#define LX___WCLONE      0x80000000u

#endif
