/*
 * linux_abi.h - structures of the Linux riscv64 system-call ABI that the
 * kernel writes and user programs read, in their exact kernel layout
 * (LP64: long = pointer = 8 bytes).  One copy for both worlds: the kernel
 * includes it as "abi/linux_abi.h", programs in user/ as "linux_abi.h"
 * (mk/user.mk puts src/abi on their include path).  Only <stdint.h> is
 * needed, so it builds freestanding.
 *
 * Sources: include/uapi/asm-generic/stat.h, linux/resource.h,
 * linux/sysinfo.h, linux/times.h, asm-generic/termbits.h, asm-generic/
 * ioctls.h, arch/riscv/include/uapi/asm/hwprobe.h.  Names carry an lx_
 * prefix so they never clash with a libc's own (host or user) types.
 *
 * The constants of the ABI are beside it in src/abi/lx/, one header per
 * uapi header they come from, every name LX_-prefixed:
 *
 *   lx/syscall_list.h  every system-call number, an X-macro list
 *                      LX_SYSCALL(nr, name): the ONE list of numbers
 *   lx/unistd.h        LX_SYS_<name> made from it (user: SYS_<name>)
 *   lx/auxvec.h        LX_AT_*        (user: AT_*   in sys/auxv.h)
 *   lx/mman.h          LX_PROT_*, LX_MAP_*, LX_MADV_*, LX_MREMAP_*
 *   lx/errno.h         LX_E*          (user: E*     in errno.h)
 *   lx/sched.h         LX_CLONE_*, LX_CSIGNAL, LX_W* (wait4 options)
 *   lx/signal.h        LX_SIG*, LX_NSIG, LX_SIG_BLOCK/UNBLOCK/SETMASK
 *
 * Why a prefix and a directory named lx/, not Linux's own names under
 * linux/: the kernel is host C compiled against the host's glibc headers,
 * whose <errno.h>, <sys/mman.h> and <sys/syscall.h> define EPERM, PROT_READ
 * and SYS_read with the HOST's values (x86-64's SYS_read is 0, riscv64's
 * 63); the prefix keeps the guest's values apart, and the directory name
 * keeps a program built against glibc with -I src/abi (docs/glibc.md) from
 * picking up these files in place of glibc's <linux/errno.h>.  User
 * programs keep the standard names: user/include maps them onto these.
 */
#ifndef VMOS_ABI_LINUX_ABI_H
#define VMOS_ABI_LINUX_ABI_H

#include <stdint.h>

/* struct stat (asm-generic, 128 bytes): fstat, newfstatat. */
struct lx_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint32_t st_mode;
	uint32_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	uint64_t st_rdev;
	uint64_t pad1;
	int64_t  st_size;
	int32_t  st_blksize;
	int32_t  pad2;
	int64_t  st_blocks;
	int64_t  st_atime_sec;
	uint64_t st_atime_nsec;
	int64_t  st_mtime_sec;
	uint64_t st_mtime_nsec;
	int64_t  st_ctime_sec;
	uint64_t st_ctime_nsec;
	uint32_t unused4, unused5;
};

#define LX_S_IFMT   0170000
#define LX_S_IFIFO  0010000
#define LX_S_IFCHR  0020000
#define LX_S_IFDIR  0040000
#define LX_S_IFBLK  0060000
#define LX_S_IFREG  0100000
#define LX_S_IFLNK  0120000
#define LX_S_IFSOCK 0140000
#define LX_AT_FDCWD       (-100)
#define LX_AT_EMPTY_PATH  0x1000
#define LX_AT_SYMLINK_NOFOLLOW 0x100
#define LX_AT_SYMLINK_FOLLOW   0x400

struct lx_timeval { int64_t tv_sec, tv_usec; };
struct lx_timespec { int64_t tv_sec, tv_nsec; };
/* statfs/fstatfs (include/uapi/asm-generic/statfs.h, 64-bit words) */
struct lx_statfs {
	int64_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen, f_frsize, f_flags;
	int64_t f_spare[4];
};
#define LX_ST_RDONLY 0x0001
#define LX_ST_VALID  0x0020
#define LX_TMPFS_MAGIC 0x01021994
#define LX_PROC_SUPER_MAGIC 0x9fa0
/* utimensat's special tv_nsec values (include/uapi/linux/stat.h) */
#define LX_UTIME_NOW  ((1L << 30) - 1L)
#define LX_UTIME_OMIT ((1L << 30) - 2L)
struct lx_timezone { int32_t tz_minuteswest, tz_dsttime; };

/* Resource limits: prlimit64, getrlimit, setrlimit. */
struct lx_rlimit { uint64_t rlim_cur, rlim_max; };
#define LX_RLIM_INFINITY (~0ULL)
enum {
	LX_RLIMIT_CPU, LX_RLIMIT_FSIZE, LX_RLIMIT_DATA, LX_RLIMIT_STACK, LX_RLIMIT_CORE,
	LX_RLIMIT_RSS, LX_RLIMIT_NPROC, LX_RLIMIT_NOFILE, LX_RLIMIT_MEMLOCK, LX_RLIMIT_AS,
	LX_RLIMIT_LOCKS, LX_RLIMIT_SIGPENDING, LX_RLIMIT_MSGQUEUE, LX_RLIMIT_NICE,
	LX_RLIMIT_RTPRIO, LX_RLIMIT_RTTIME, LX_RLIM_NLIMITS
};

/* getrusage, wait4 (144 bytes). */
struct lx_rusage {
	struct lx_timeval ru_utime, ru_stime;
	int64_t ru_maxrss;     /* KiB */
	int64_t ru_ixrss, ru_idrss, ru_isrss;
	int64_t ru_minflt, ru_majflt, ru_nswap;
	int64_t ru_inblock, ru_oublock;
	int64_t ru_msgsnd, ru_msgrcv, ru_nsignals;
	int64_t ru_nvcsw, ru_nivcsw;
};
#define LX_RUSAGE_SELF     0
#define LX_RUSAGE_CHILDREN (-1)
#define LX_RUSAGE_THREAD   1

/* sysinfo (112 bytes). */
struct lx_sysinfo {
	int64_t  uptime;
	uint64_t loads[3];     /* 1, 5, 15 min load averages, fixed point << 16 */
	uint64_t totalram, freeram, sharedram, bufferram;
	uint64_t totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t pad2;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	uint32_t pad3;
};

/* times (32 bytes), in clock ticks of 1/100 s (AT_CLKTCK, USER_HZ). */
struct lx_tms { int64_t tms_utime, tms_stime, tms_cutime, tms_cstime; };
#define LX_USER_HZ 100

/* TCGETS's struct termios (asm-generic termbits.h, NCCS 19: 36 bytes) and
 * TIOCGWINSZ's struct winsize. */
#define LX_NCCS 19
struct lx_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t  c_line;
	uint8_t  c_cc[LX_NCCS];
};
struct lx_winsize { uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel; };
#define LX_TCGETS     0x5401
#define LX_TIOCGWINSZ 0x5413
#define LX_TIOCGPGRP  0x540F
#define LX_TIOCSPGRP  0x5410
#define LX_TIOCGSID   0x5429

/* riscv_hwprobe (syscall 258): key/value pairs. */
struct lx_hwprobe { int64_t key; uint64_t value; };
#define LX_HWPROBE_KEY_MVENDORID          0
#define LX_HWPROBE_KEY_MARCHID            1
#define LX_HWPROBE_KEY_MIMPID             2
#define LX_HWPROBE_KEY_BASE_BEHAVIOR      3
#define LX_HWPROBE_BASE_BEHAVIOR_IMA      (1 << 0)
#define LX_HWPROBE_KEY_IMA_EXT_0          4
#define LX_HWPROBE_IMA_FD                 (1 << 0)
#define LX_HWPROBE_IMA_C                  (1 << 1)
#define LX_HWPROBE_IMA_V                  (1 << 2)
#define LX_HWPROBE_KEY_CPUPERF_0          5
#define LX_HWPROBE_MISALIGNED_FAST        3
#define LX_HWPROBE_KEY_ZICBOZ_BLOCK_SIZE  6
#define LX_HWPROBE_KEY_HIGHEST_VIRT_ADDRESS 7
#define LX_HWPROBE_KEY_TIME_CSR_FREQ      8
#define LX_HWPROBE_KEY_MISALIGNED_SCALAR_PERF 9

/* ---- signals (arch/riscv/include/uapi/asm/{sigcontext,ucontext,ptrace}.h,
 * asm-generic/signal.h, asm-generic/siginfo.h) ----
 *
 * rt_sigaction's struct sigaction: riscv64 has no sa_restorer field.
 * The signal frame the kernel pushes on the user stack (16-byte aligned,
 * sp points at it when the handler starts; a0 = signal, a1 = &info,
 * a2 = &uc, ra = __vdso_rt_sigreturn):
 *
 *   +0     siginfo (128)        si_signo, si_errno, si_code, then the union
 *   +128   ucontext (960)
 *            +0    uc_flags, +8 uc_link, +16 uc_stack (24)
 *            +40   uc_sigmask (8), then padding to 128 bytes of sigset
 *            +176  uc_mcontext = struct sigcontext (16-aligned):
 *                    +0   sc_regs: pc, x1 .. x31 (user_regs_struct)
 *                    +256 the FP union, sized for the Q state (528):
 *                         f[32] (the D state) at +256, fcsr at +512,
 *                         unused to +772, 12 reserved bytes at +772, zero
 *                         (the extension header's `reserved' word and an
 *                         END header {0, 0}: no vector state follows)
 *   = 1088 bytes (struct lx_rt_sigframe)
 */
struct lx_sigaction { uint64_t handler, flags, mask; };

struct lx_siginfo {
	int32_t si_signo, si_errno, si_code, pad0;
	union {
		struct { int32_t pid; uint32_t uid; } kill;
		struct { int32_t pid; uint32_t uid; uint64_t value; } rt;
		struct { int32_t tid, overrun; uint64_t value; } timer;
		struct { int32_t pid; uint32_t uid; int32_t status, pad; int64_t utime, stime; } chld;
		struct { uint64_t addr; } fault;
		uint8_t pad[112];
	} u;
};

struct lx_stack { uint64_t ss_sp; int32_t ss_flags, pad; uint64_t ss_size; };

struct lx_sigcontext {
	uint64_t regs[32];           /* regs[0] = pc, regs[i] = x_i */
	uint64_t f[32];              /* __riscv_d_ext_state: f0 .. f31, fcsr */
	uint32_t fcsr;
	uint32_t qpad[64];           /* the rest of the Q-sized union */
	uint32_t reserved[3];        /* zero: no extension state follows */
} __attribute__((aligned(16)));

struct lx_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct lx_stack uc_stack;
	uint64_t uc_sigmask;
	uint8_t unused[128 - 8];     /* sigset_t is room for 1024 signals */
	struct lx_sigcontext uc_mcontext;
};

struct lx_rt_sigframe {
	struct lx_siginfo info;
	struct lx_ucontext uc;
};

/* setitimer/getitimer */
struct lx_itimerval { struct lx_timeval it_interval, it_value; };

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(struct lx_sigaction) == 24, "struct sigaction is 24 bytes on riscv64");
_Static_assert(sizeof(struct lx_siginfo) == 128, "siginfo is 128 bytes");
_Static_assert(sizeof(struct lx_stack) == 24, "stack_t is 24 bytes");
_Static_assert(sizeof(struct lx_sigcontext) == 784, "struct sigcontext is 784 bytes (with the Q-sized FP union)");
_Static_assert(__builtin_offsetof(struct lx_sigcontext, fcsr) == 512, "fcsr at 512 in sigcontext");
_Static_assert(__builtin_offsetof(struct lx_sigcontext, reserved) == 772, "reserved at 772 in sigcontext");
_Static_assert(__builtin_offsetof(struct lx_ucontext, uc_sigmask) == 40, "uc_sigmask at 40");
_Static_assert(__builtin_offsetof(struct lx_ucontext, uc_mcontext) == 176, "uc_mcontext at 176");
_Static_assert(sizeof(struct lx_ucontext) == 960, "struct ucontext is 960 bytes");
_Static_assert(sizeof(struct lx_rt_sigframe) == 1088, "the rt signal frame is 1088 bytes");
_Static_assert(sizeof(struct lx_stat) == 128, "struct stat is 128 bytes on riscv64");
_Static_assert(sizeof(struct lx_rusage) == 144, "struct rusage is 144 bytes");
_Static_assert(sizeof(struct lx_sysinfo) == 112, "struct sysinfo is 112 bytes");
_Static_assert(sizeof(struct lx_tms) == 32, "struct tms is 32 bytes");
_Static_assert(sizeof(struct lx_termios) == 36, "struct termios (TCGETS) is 36 bytes");
_Static_assert(sizeof(struct lx_hwprobe) == 16, "struct riscv_hwprobe is 16 bytes");
#endif

#endif
