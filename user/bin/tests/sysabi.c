/*
 * sysabi - the system calls glibc makes at start-up and in common library
 * calls, in the Linux riscv64 layouts of abi/linux_abi.h: set_tid_address,
 * set_robust_list, prlimit64/getrlimit/setrlimit, getrusage (self and
 * children), times, sysinfo, clock_getres, gettimeofday, fstat/newfstatat
 * of the standard streams, readlinkat of /proc/self/exe, ioctl TCGETS and
 * TIOCGWINSZ, and their error paths (EFAULT, EINVAL, EBADF, ENOTTY, ENOSYS).
 *
 * `sysabi` prints only what Linux (qemu-riscv64) and vmos must agree on,
 * with stdin /dev/null and stdout a regular file (as tests/user/programs.sh
 * runs it).  `sysabi vmos` checks what qemu-user cannot show: qemu does not
 * implement riscv_hwprobe (7.2) and never hands RLIMIT_AS, RLIMIT_DATA or
 * RLIMIT_STACK to the host, so it enforces none of them; and it runs as
 * the host's user, who may be root (raising hard limits).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"
#include "linux_abi.h"

static void expect_err(const char *what, long r, int e)
{
	char name[96];
	snprintf(name, sizeof name, "%s fails with errno %d", what, e);
	if (!check_true(name, r == -1 && errno == e))
		printf("    (got %ld, errno %d)\n", r, errno);
}

static const char *kind(uint32_t mode)
{
	switch (mode & LX_S_IFMT) {
	case LX_S_IFREG: return "regular file";
	case LX_S_IFCHR: return "character device";
	case LX_S_IFIFO: return "pipe";
	default: return "other";
	}
}

/* Forks with clone(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | more | SIGCHLD)
 * and checks the tid writes: the child's tid in the child's copy of ctid
 * (not the parent's) and, with CLONE_PARENT_SETTID in more, in the
 * parent's ptid.  Returns 0 if all held. */
static int clone_tids(long more)
{
	volatile int ptid = -1, ctid = -1;
	fflush(stdout);
	long c = syscall(SYS_clone, 0x01000000 | 0x00200000 | more | 17, 0, &ptid, 0, &ctid);
	if (c == 0)
		_exit(ctid == getpid() ? 5 : 6);
	int st = 0;
	waitpid((pid_t)c, &st, 0);
	int bad = ctid != -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 5;
	return bad || (more && ptid != c) || (!more && ptid != -1);
}

static void limits(void)
{
	struct lx_rlimit r, g;
	check_true("prlimit64 RLIMIT_STACK", syscall(SYS_prlimit64, 0, LX_RLIMIT_STACK, 0, &r) == 0);
	check_true("stack soft limit <= hard, and set", r.rlim_cur <= r.rlim_max && r.rlim_cur >= 65536);
	check_true("getrlimit NOFILE", syscall(SYS_getrlimit, LX_RLIMIT_NOFILE, &g) == 0);
	check_true("prlimit64 NOFILE", syscall(SYS_prlimit64, 0, LX_RLIMIT_NOFILE, 0, &r) == 0);
	check_true("getrlimit agrees with prlimit64", r.rlim_cur == g.rlim_cur && r.rlim_max == g.rlim_max);
	struct lx_rlimit lower = { 64, g.rlim_max };
	struct lx_rlimit old;
	check_true("prlimit64 sets and returns the old value",
		   syscall(SYS_prlimit64, getpid(), LX_RLIMIT_NOFILE, &lower, &old) == 0 &&
		   old.rlim_cur == g.rlim_cur);
	check_true("getrlimit sees the lowered soft limit",
		   syscall(SYS_getrlimit, LX_RLIMIT_NOFILE, &r) == 0 && r.rlim_cur == 64);
	check_true("setrlimit restores it", syscall(SYS_setrlimit, LX_RLIMIT_NOFILE, &g) == 0);
	struct lx_rlimit bad = { 100, 50 };
	expect_err("prlimit64 soft above hard", syscall(SYS_prlimit64, 0, LX_RLIMIT_NOFILE, &bad, 0), EINVAL);
	expect_err("prlimit64 resource 99", syscall(SYS_prlimit64, 0, 99, 0, &r), EINVAL);
	expect_err("getrlimit bad pointer", syscall(SYS_getrlimit, LX_RLIMIT_CORE, 8), EFAULT);
	expect_err("setrlimit bad pointer", syscall(SYS_setrlimit, LX_RLIMIT_CORE, 8), EFAULT);
}

static void usage(void)
{
	struct lx_rusage ru;
	check_true("getrusage SELF", syscall(SYS_getrusage, LX_RUSAGE_SELF, &ru) == 0);
	check_true("minor faults counted", ru.ru_minflt > 0);
	check_true("max RSS counted", ru.ru_maxrss > 0);
	check_true("times are valid timevals", ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000 &&
		   ru.ru_stime.tv_usec >= 0 && ru.ru_stime.tv_usec < 1000000);
	expect_err("getrusage who=2", syscall(SYS_getrusage, 2, &ru), EINVAL);
	expect_err("getrusage bad pointer", syscall(SYS_getrusage, LX_RUSAGE_SELF, 8), EFAULT);

	/* a child touches 64 pages; its faults show up in RUSAGE_CHILDREN after wait */
	struct lx_rusage before, after, waited;
	syscall(SYS_getrusage, LX_RUSAGE_CHILDREN, &before);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char *m = mmap(0, 64 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		for (int i = 0; i < 64; i++)
			m[i * 4096] = 1;
		_exit(3);
	}
	int status = 0;
	check_true("wait4 with rusage", wait4(pid, &status, 0, (struct rusage *)&waited) == pid &&
		   WIFEXITED(status) && WEXITSTATUS(status) == 3);
	check_true("wait4's rusage has the child's faults", waited.ru_minflt >= 64);
	syscall(SYS_getrusage, LX_RUSAGE_CHILDREN, &after);
	check_true("RUSAGE_CHILDREN grew by the child's faults",
		   after.ru_minflt - before.ru_minflt >= 64);

	struct lx_tms t;
	long ticks = syscall(SYS_times, &t);
	check_true("times", ticks != -1 && t.tms_utime >= 0 && t.tms_cutime >= 0);
	check_true("times with NULL", syscall(SYS_times, 0) != -1);
	expect_err("times bad pointer", syscall(SYS_times, 8), EFAULT);
}

static void machine(void)
{
	struct lx_sysinfo si;
	memset(&si, 0xff, sizeof si);
	check_true("sysinfo", syscall(SYS_sysinfo, &si) == 0);
	check_true("sysinfo: RAM, free RAM, unit", si.totalram > 0 && si.freeram <= si.totalram &&
		   si.mem_unit >= 1);
	check_true("sysinfo: swap", si.freeswap <= si.totalswap);
	check_true("sysinfo: processes", si.procs >= 1);
	check_true("sysinfo: uptime", si.uptime >= 0);
	expect_err("sysinfo bad pointer", syscall(SYS_sysinfo, 8), EFAULT);

	struct lx_timespec res = { -1, -1 };
	check_true("clock_getres MONOTONIC is 1 ns",
		   syscall(SYS_clock_getres, CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec == 1);
	check_true("clock_getres REALTIME with NULL", syscall(SYS_clock_getres, CLOCK_REALTIME, 0) == 0);
	expect_err("clock_getres clock 99", syscall(SYS_clock_getres, 99, &res), EINVAL);
	struct lx_timeval tv;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	check_true("gettimeofday", syscall(SYS_gettimeofday, &tv, 0) == 0);
	check_true("gettimeofday agrees with CLOCK_REALTIME", tv.tv_sec - now.tv_sec >= 0 &&
		   tv.tv_sec - now.tv_sec <= 5 && tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	expect_err("gettimeofday bad pointer", syscall(SYS_gettimeofday, 8, 0), EFAULT);

	int tid;
	check_true("set_tid_address returns the tid", syscall(SYS_set_tid_address, &tid) == getpid());

	/* glibc's fork: clone(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, 0, 0, 0, ctid) */
	check_true("clone: CLONE_CHILD_SETTID writes the tid in the child only", clone_tids(0) == 0);
	/* Linux: 0; qemu-user: ENOSYS - glibc takes either; a wrong length is refused by both */
	long r = syscall(SYS_set_robust_list, 0, 23);
	check_true("set_robust_list with a bad length is refused", r == -1 && (errno == EINVAL || errno == ENOSYS));
	expect_err("syscall 500", syscall(500), ENOSYS);
}

static void streams(void)
{
	struct lx_stat st, st2;
	check_true("fstat(1)", syscall(SYS_fstat, 1, &st) == 0);
	printf("stdout is a %s\n", kind(st.st_mode));
	check_true("stdout has a block size", st.st_blksize > 0);
	check_true("newfstatat(1, \"\", AT_EMPTY_PATH) is fstat(1)",
		   syscall(SYS_newfstatat, 1, "", &st2, LX_AT_EMPTY_PATH) == 0 &&
		   st2.st_mode == st.st_mode && st2.st_ino == st.st_ino && st2.st_blksize == st.st_blksize);
	check_true("fstat(0)", syscall(SYS_fstat, 0, &st) == 0);
	printf("stdin is a %s\n", kind(st.st_mode));
	expect_err("fstat(9)", syscall(SYS_fstat, 9, &st), EBADF);
	expect_err("fstat bad pointer", syscall(SYS_fstat, 1, 8), EFAULT);
	expect_err("newfstatat empty path without AT_EMPTY_PATH", syscall(SYS_newfstatat, 1, "", &st, 0), ENOENT);
	expect_err("newfstatat bad path pointer", syscall(SYS_newfstatat, -100, 8, &st, 0), EFAULT);

	char buf[512];
	long n = syscall(SYS_readlinkat, LX_AT_FDCWD, "/proc/self/exe", buf, sizeof buf - 1);
	check_true("readlinkat /proc/self/exe", n > 0);
	buf[n > 0 ? n : 0] = 0;
	const char *base = strrchr(buf, '/');
	check_true("the link is an absolute path", buf[0] == '/');
	check_str("its last component", base ? base + 1 : buf, "sysabi");
	char four[4] = "....";
	check_true("readlinkat truncates to bufsiz, no NUL",
		   syscall(SYS_readlinkat, LX_AT_FDCWD, "/proc/self/exe", four, 3) == 3 && four[0] == '/' &&
		   four[3] == '.');
	expect_err("readlinkat bufsiz 0", syscall(SYS_readlinkat, LX_AT_FDCWD, "/proc/self/exe", buf, 0), EINVAL);
	expect_err("readlinkat bad buffer", syscall(SYS_readlinkat, LX_AT_FDCWD, "/proc/self/exe", 8, 64), EFAULT);

	struct lx_termios t;
	struct lx_winsize w;
	expect_err("ioctl(1, TCGETS) on a file", syscall(SYS_ioctl, 1, LX_TCGETS, &t), ENOTTY);
	expect_err("ioctl(0, TIOCGWINSZ) on /dev/null", syscall(SYS_ioctl, 0, LX_TIOCGWINSZ, &w), ENOTTY);
	expect_err("ioctl(9, TCGETS)", syscall(SYS_ioctl, 9, LX_TCGETS, &t), EBADF);
}

/* ---- vmos only ----------------------------------------------------------- */

static void hwprobe(void)
{
	/* qemu-user 7.2 writes CLONE_PARENT_SETTID in the child's memory, Linux in the parent's */
	check_true("clone: CLONE_PARENT_SETTID writes the child's tid in the parent", clone_tids(0x00100000) == 0);

	struct lx_hwprobe pairs[] = {
		{ LX_HWPROBE_KEY_MVENDORID, 7 }, { LX_HWPROBE_KEY_BASE_BEHAVIOR, 7 },
		{ LX_HWPROBE_KEY_IMA_EXT_0, 7 }, { LX_HWPROBE_KEY_CPUPERF_0, 7 },
		{ LX_HWPROBE_KEY_ZICBOZ_BLOCK_SIZE, 7 }, { LX_HWPROBE_KEY_HIGHEST_VIRT_ADDRESS, 7 },
		{ LX_HWPROBE_KEY_TIME_CSR_FREQ, 7 }, { 1000, 7 }, { -5, 7 },
	};
	check_true("riscv_hwprobe", syscall(SYS_riscv_hwprobe, pairs, 9, 0, 0, 0) == 0);
	check_u64("mvendorid", pairs[0].value, 0);
	check_u64("base behaviour IMA", pairs[1].value, LX_HWPROBE_BASE_BEHAVIOR_IMA);
	check_u64("IMA_EXT_0 = FD | C", pairs[2].value, LX_HWPROBE_IMA_FD | LX_HWPROBE_IMA_C);
	check_u64("misaligned accesses fast", pairs[3].value, LX_HWPROBE_MISALIGNED_FAST);
	check_u64("no Zicboz", pairs[4].value, 0);
	check_u64("highest user address (Sv39)", pairs[5].value, (1ULL << 38) - 1);
	check_u64("time CSR frequency", pairs[6].value, 10000000);
	check_true("unknown key 1000 -> key -1, value 0", pairs[7].key == -1 && pairs[7].value == 0);
	check_true("unknown key -5 -> key -1, value 0", pairs[8].key == -1 && pairs[8].value == 0);
	unsigned long cpus = 1, none = 0;
	check_true("riscv_hwprobe for CPU 0", syscall(SYS_riscv_hwprobe, pairs, 1, sizeof cpus, &cpus, 0) == 0);
	expect_err("riscv_hwprobe empty CPU set", syscall(SYS_riscv_hwprobe, pairs, 1, sizeof none, &none, 0), EINVAL);
	expect_err("riscv_hwprobe flags", syscall(SYS_riscv_hwprobe, pairs, 1, 0, 0, 1), EINVAL);
	expect_err("riscv_hwprobe bad pairs", syscall(SYS_riscv_hwprobe, 8, 1, 0, 0, 0), EFAULT);
}

static long map(size_t len, int prot)
{
	void *m = mmap(0, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return m == MAP_FAILED ? -errno : 0;
}

static void enforced(void)
{
	struct lx_rlimit r, keep;
	syscall(SYS_getrlimit, LX_RLIMIT_NOFILE, &keep);
	r = (struct lx_rlimit){ keep.rlim_cur, keep.rlim_max + 1 };
	expect_err("raising a hard limit", syscall(SYS_setrlimit, LX_RLIMIT_NOFILE, &r), EPERM);
	syscall(SYS_getrlimit, LX_RLIMIT_STACK, &r);
	check_u64("stack limit = --stack-limit (soft)", r.rlim_cur, 8 << 20);
	check_u64("stack limit = --stack-limit (hard)", r.rlim_max, 8 << 20);

	/* RLIMIT_DATA: private writable memory; read-only mappings do not count */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		r = (struct lx_rlimit){ 1 << 20, LX_RLIM_INFINITY };
		check_true("setrlimit DATA 1M", syscall(SYS_setrlimit, LX_RLIMIT_DATA, &r) == 0);
		check_u64("mmap 2M writable under DATA 1M: ENOMEM", (uint64_t)-map(2 << 20, PROT_READ | PROT_WRITE), ENOMEM);
		check_u64("mmap 2M read-only under DATA 1M", (uint64_t)map(2 << 20, PROT_READ), 0);
		char *b = sbrk(0);
		check_true("brk cannot grow by 2M", sbrk(2 << 20) == (void *)-1 && sbrk(0) == b);
		check_true("brk still grows by 64K", sbrk(65536) == b);
		fflush(stdout);
		_exit(check_failed);
	}
	int st = -1;
	waitpid(pid, &st, 0);
	check_true("RLIMIT_DATA child", WIFEXITED(st) && WEXITSTATUS(st) == 0);

	/* RLIMIT_AS: everything mapped */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		r = (struct lx_rlimit){ 16 << 20, LX_RLIM_INFINITY };
		check_true("setrlimit AS 16M", syscall(SYS_setrlimit, LX_RLIMIT_AS, &r) == 0);
		check_u64("mmap 32M read-only under AS 16M: ENOMEM", (uint64_t)-map(32 << 20, PROT_READ), ENOMEM);
		check_u64("mmap 1M under AS 16M", (uint64_t)map(1 << 20, PROT_READ), 0);
		check_true("brk cannot grow by 32M", sbrk(32 << 20) == (void *)-1);
		fflush(stdout);
		_exit(check_failed);
	}
	waitpid(pid, &st, 0);
	check_true("RLIMIT_AS child", WIFEXITED(st) && WEXITSTATUS(st) == 0);

	/* RLIMIT_STACK: a recursion past the lowered limit dies of SIGSEGV */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		r = (struct lx_rlimit){ 256 << 10, 8 << 20 };
		syscall(SYS_setrlimit, LX_RLIMIT_STACK, &r);
		volatile char big[64 << 10];
		for (int i = 0; i < 8; i++) {       /* 8 x 64K frames: past 256K */
			volatile char *frame = __builtin_alloca(64 << 10);
			frame[0] = big[0] = (char)i;
		}
		_exit(0);
	}
	waitpid(pid, &st, 0);
	check_true("stack growth stops at the lowered RLIMIT_STACK (SIGSEGV)",
		   WIFSIGNALED(st) && WTERMSIG(st) == 11);

	/* RLIMIT_NPROC: live processes of this program tree (here 2: us and the child) */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		r = (struct lx_rlimit){ 2, 64 };
		syscall(SYS_setrlimit, LX_RLIMIT_NPROC, &r);
		pid_t g = fork();
		if (g == 0)
			_exit(0);
		_exit(g == -1 && errno == EAGAIN ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	check_true("fork fails with EAGAIN at a lowered RLIMIT_NPROC", WIFEXITED(st) && WEXITSTATUS(st) == 0);

	struct lx_sysinfo si;
	syscall(SYS_sysinfo, &si);
	check_u64("sysinfo totalram = --ram 128M", si.totalram, 128 << 20);
	/* tests/kernel/squeeze.sh runs this with 10 frames and swap: then pages
	 * come and go (program pages fault back in, swap-ins are major) */
	int swapping = si.totalswap != 0;
	check_true("sysinfo freeswap <= totalswap", si.freeswap <= si.totalswap);

	struct lx_rusage a, b;
	syscall(SYS_getrusage, LX_RUSAGE_SELF, &a);
	char *m = mmap(0, 100 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 100; i++)
		m[i * 4096] = 1;
	syscall(SYS_getrusage, LX_RUSAGE_SELF, &b);
	check_true("100 touched pages = 100 minor faults (more while swapping)",
		   swapping ? b.ru_minflt - a.ru_minflt >= 100 : b.ru_minflt - a.ru_minflt == 100);
	check_true("no major faults without swap", swapping || b.ru_majflt == 0);
}

/* `sysabi tty`, run on a terminal (tests/user/tty.sh uses script(1)):
 * what TCGETS and TIOCGWINSZ give on fd 0, 1 and 2. */
static void tty(void)
{
	for (int fd = 0; fd < 3; fd++) {
		struct lx_termios t;
		struct lx_winsize w = { 7, 7, 7, 7 };
		memset(&t, 0xee, sizeof t);
		long r = syscall(SYS_ioctl, fd, LX_TCGETS, &t);
		long rw = syscall(SYS_ioctl, fd, LX_TIOCGWINSZ, &w);
		struct lx_stat st;
		syscall(SYS_fstat, fd, &st);
		printf("fd %d: %s, TCGETS %ld: iflag %x oflag %x cflag %x lflag %x line %u "
		       "VINTR %u VEOF %u VMIN %u; TIOCGWINSZ %ld: %ux%u\n", fd, kind(st.st_mode), r,
		       t.c_iflag, t.c_oflag, t.c_cflag, t.c_lflag, t.c_line, t.c_cc[0], t.c_cc[4],
		       t.c_cc[6], rw, w.ws_row, w.ws_col);
	}
	expect_err("TCGETS to a bad pointer", syscall(SYS_ioctl, 1, LX_TCGETS, 8), EFAULT);
	expect_err("TIOCGWINSZ to a bad pointer", syscall(SYS_ioctl, 1, LX_TIOCGWINSZ, 8), EFAULT);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "tty")) {
		tty();
		return check_done("sysabi tty");
	}
	limits();
	usage();
	machine();
	streams();
	if (argc > 1 && !strcmp(argv[1], "vmos")) {
		/* not implemented: ENOSYS, named once by --warn-syscalls (tests/user/warn_syscalls.sh) */
		expect_err("acct (not in vmos)", syscall(89, 0), ENOSYS);
		expect_err("acct again", syscall(89, 0), ENOSYS);
		hwprobe();
		enforced();
	}
	return check_done("sysabi");
}
