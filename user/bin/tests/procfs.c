/*
 * procfs - /proc as a program sees it: /proc/self is a link to its pid,
 * /proc/self/exe to its program, /proc/self/root to "/", cmdline is argv,
 * status names it, fd/ lists its descriptors with a pipe as "pipe:[N]",
 * getdents64 on /proc lists its pid, meminfo has MemTotal and MemFree.
 * With an argument "maps" it prints /proc/self/maps on stdout and nothing
 * else, for tests/kernel/procfs.sh to compare with `vmos run --maps`
 * ("maps FILE" maps FILE and a page of anonymous memory MAP_SHARED first);
 * "cat FILE" prints a file, "ls DIR" the names in a directory.
 * The checks print no pid or address, so qemu-riscv64 (reading the host's
 * /proc) agrees.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "check.h"

static char buf[65536];

static long readlink_(const char *path, char *out, size_t n)
{
	return syscall(SYS_readlinkat, AT_FDCWD, path, out, n);
}

/* The whole file into buf (NUL-terminated); its length or -errno. */
static long slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	long total = 0, r;
	while ((r = read(fd, buf + total, sizeof buf - 1 - (size_t)total)) > 0)
		total += r;
	close(fd);
	buf[total] = 0;
	return total;
}

static long field(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *l = text; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, name, n) && l[n] == ':')
			return strtol(l + n + 1, NULL, 10);
	return -1;
}

static int dir_has(const char *path, const char *name)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return 0;
	int found = 0;
	long n;
	static char dents[8192];
	while ((n = syscall(SYS_getdents64, fd, dents, sizeof dents)) > 0)
		for (long off = 0; off < n; ) {
			unsigned short reclen = *(unsigned short *)(dents + off + 16);
			if (!strcmp(dents + off + 19, name))
				found = 1;
			off += reclen;
		}
	close(fd);
	return found;
}

/* Prints the names in directory path, one a line, in getdents order. */
static int list(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return 1;
	long n;
	static char dents[8192];
	while ((n = syscall(SYS_getdents64, fd, dents, sizeof dents)) > 0)
		for (long off = 0; off < n; ) {
			printf("%s\n", dents + off + 19);
			off += *(unsigned short *)(dents + off + 16);
		}
	close(fd);
	return n < 0;
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "cat")) {
		long n = slurp(argv[2]);
		if (n < 0)
			return 1;
		write(1, buf, (size_t)n);
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "ls"))
		return list(argv[2]);
	if (argc > 1 && !strcmp(argv[1], "maps")) {
		/* no allocation, no stdio: the address space stays as it is read.
		 * "maps FILE": FILE mapped MAP_SHARED (and written, so its page
		 * is in), and a MAP_SHARED|MAP_ANONYMOUS page, are in it too */
		if (argc > 2) {
			int fd = open(argv[2], O_RDONLY);
			volatile char *f = fd < 0 ? MAP_FAILED :
				mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
			volatile char *a = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
						MAP_SHARED | MAP_ANONYMOUS, -1, 0);
			if (f == MAP_FAILED || a == MAP_FAILED)
				return 1;
			a[0] = f[0];
		}
		long n = slurp("/proc/self/maps");
		if (n < 0)
			return 1;
		write(1, buf, (size_t)n);
		return 0;
	}
	char link[4096], want[32];
	long n = readlink_("/proc/self", link, sizeof link - 1);
	check_true("/proc/self is a link", n > 0);
	link[n > 0 ? n : 0] = 0;
	snprintf(want, sizeof want, "%d", getpid());
	check_true("/proc/self -> pid", !strcmp(link, want));
	n = readlink_("/proc/self/exe", link, sizeof link - 1);
	link[n > 0 ? n : 0] = 0;
	const char *base = strrchr(link, '/');
	check_true("/proc/self/exe is absolute", link[0] == '/');
	check_str("/proc/self/exe names the program", base ? base + 1 : link, "procfs");
	n = readlink_("/proc/self/root", link, sizeof link - 1);
	link[n > 0 ? n : 0] = 0;
	check_str("/proc/self/root", link, "/");

	n = slurp("/proc/self/cmdline");
	/* (no number printed: argv[0] is longer in the sanitizer build's tree) */
	check_true("cmdline length is argv's", n == (long)(strlen(argv[0]) + 1 + 4));
	check_true("cmdline is argv", n > 0 && !strcmp(buf, argv[0]) &&
		   !strcmp(buf + strlen(argv[0]) + 1, "one"));

	char name[64] = "Name:\t";
	slurp("/proc/self/comm");
	strncat(name, buf, sizeof name - 8);
	check_true("comm is one line", strchr(buf, '\n') == buf + strlen(buf) - 1);
	slurp("/proc/self/status");
	check_true("status Name is comm", strstr(buf, name) == buf);
	check_true("status Pid", field(buf, "Pid") == getpid());
	check_true("status PPid", field(buf, "PPid") == getppid());
	check_true("status VmSize >= VmRSS > 0",
		   field(buf, "VmRSS") > 0 && field(buf, "VmSize") >= field(buf, "VmRSS"));
	check_true("status VmPeak >= VmSize", field(buf, "VmPeak") >= field(buf, "VmSize"));

	int fds[2];
	pipe(fds);
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fds[0]);
	n = readlink_(path, link, sizeof link - 1);
	link[n > 0 ? n : 0] = 0;
	check_true("fd link of a pipe is pipe:[N]", !strncmp(link, "pipe:[", 6) && link[n - 1] == ']');
	snprintf(want, sizeof want, "%d", fds[1]);
	check_true("fd/ lists the pipe's write end", dir_has("/proc/self/fd", want));
	close(fds[0]);
	close(fds[1]);
	check_true("fd/ no longer lists it", !dir_has("/proc/self/fd", want));
	snprintf(want, sizeof want, "%d", getpid());
	check_true("/proc lists the own pid", dir_has("/proc", want));
	check_true("/proc lists self", dir_has("/proc", "self"));

	slurp("/proc/meminfo");
	check_true("meminfo MemTotal > MemFree > 0",
		   field(buf, "MemTotal") > field(buf, "MemFree") && field(buf, "MemFree") > 0);
	check_true("meminfo in kB", strstr(buf, "MemTotal:") == buf && strstr(buf, " kB\n"));

	errno = 0;
	check_u64("no such pid", (uint64_t)open("/proc/999999/status", O_RDONLY), (uint64_t)-1);
	check_u64("errno ENOENT", (uint64_t)errno, ENOENT);
	int fd = open("/proc/self/status", O_RDONLY);
	errno = 0;
	check_u64("write to a read-only proc fd", (uint64_t)write(fd, "x", 1), (uint64_t)-1);
	check_u64("errno EBADF", (uint64_t)errno, EBADF);
	close(fd);
	return check_done("procfs");
}
