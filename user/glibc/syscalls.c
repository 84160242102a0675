/* syscalls - the system calls of this issue through glibc's own wrappers
 * (prlimit64, getrusage, sysinfo, times, fstat, readlink, isatty's TCGETS,
 * clock_getres, gettimeofday), printing only what is the same on every
 * run and on every Linux: relations, error numbers, file kinds.  Run with
 * stdin /dev/null and stdout a regular file (tests/glibc/glibc.sh). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *kind(mode_t m)
{
	return S_ISREG(m) ? "regular file" : S_ISCHR(m) ? "character device" : S_ISFIFO(m) ? "pipe" : "other";
}

int main(void)
{
	struct rlimit r, old;
	printf("getrlimit(STACK) %d, soft <= hard %d\n", getrlimit(RLIMIT_STACK, &r), r.rlim_cur <= r.rlim_max);
	getrlimit(RLIMIT_NOFILE, &old);
	struct rlimit low = { 32, old.rlim_max };
	printf("prlimit(NOFILE -> 32) %d, old soft kept %d\n", prlimit(0, RLIMIT_NOFILE, &low, &r),
	       r.rlim_cur == old.rlim_cur);
	getrlimit(RLIMIT_NOFILE, &r);
	printf("NOFILE soft now %llu\n", (unsigned long long)r.rlim_cur);
	setrlimit(RLIMIT_NOFILE, &old);
	struct rlimit bad = { 10, 5 };
	errno = 0;
	printf("setrlimit soft > hard: %d errno %s\n", setrlimit(RLIMIT_NOFILE, &bad), strerror(errno));

	struct rusage ru;
	printf("getrusage(SELF) %d, minflt > 0 %d, maxrss > 0 %d\n", getrusage(RUSAGE_SELF, &ru),
	       ru.ru_minflt > 0, ru.ru_maxrss > 0);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		volatile char *m = malloc(1 << 20);    /* volatile: every page is touched */
		for (int i = 0; i < 1 << 20; i += 4096)
			m[i] = 1;
		_exit(m[4096] + 6);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("child exit %d\n", WEXITSTATUS(st));
	printf("getrusage(CHILDREN) %d, child minflt >= 256 %d\n", getrusage(RUSAGE_CHILDREN, &ru),
	       ru.ru_minflt >= 256);

	struct tms t;
	clock_t c = times(&t);
	printf("times ok %d, sane %d\n", c != (clock_t)-1, t.tms_utime >= 0 && t.tms_cutime >= 0);
	printf("sysconf(_SC_CLK_TCK) %ld\n", sysconf(_SC_CLK_TCK));

	struct sysinfo si;
	printf("sysinfo %d: ram > 0 %d, free <= total %d, procs >= 1 %d, unit %d\n", sysinfo(&si),
	       si.totalram > 0, si.freeram <= si.totalram, si.procs >= 1, si.mem_unit >= 1);

	struct stat sb;
	printf("fstat(1) %d: %s, blksize > 0 %d\n", fstat(1, &sb), kind(sb.st_mode), sb.st_blksize > 0);
	printf("fstat(0) %d: %s\n", fstat(0, &sb), kind(sb.st_mode));
	errno = 0;
	printf("fstat(42) %d errno %s\n", fstat(42, &sb), strerror(errno));
	printf("isatty(0) %d isatty(1) %d\n", isatty(0), isatty(1));

	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	const char *base = strrchr(buf, '/');
	printf("readlink(/proc/self/exe): absolute %d, ends in %s\n", buf[0] == '/', base ? base + 1 : "?");

	struct timespec res;
	printf("clock_getres(MONOTONIC) %d: %ld ns\n", clock_getres(CLOCK_MONOTONIC, &res), res.tv_nsec);
	struct timeval tv;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	gettimeofday(&tv, NULL);
	printf("gettimeofday within 5 s of CLOCK_REALTIME %d\n", tv.tv_sec - now.tv_sec >= 0 && tv.tv_sec - now.tv_sec <= 5);
	struct utsname u;
	uname(&u);
	printf("uname: %s %s\n", u.sysname, u.machine);
	printf("page size %ld\n", sysconf(_SC_PAGESIZE));
	return 0;
}
