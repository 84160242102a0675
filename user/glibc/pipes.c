/*
 * pipes.c - glibc's pipe, pipe2, fork, read/write, waitpid, fcntl and
 * stdio over a pipe (fdopen), without popen: a parent and child exchange
 * lines, a 1 MiB transfer is checksummed, O_NONBLOCK gives EAGAIN, a
 * writer without a reader gets EPIPE with SIGPIPE blocked (and dies of
 * SIGPIPE without), and /proc/self/status and /proc/self/maps read with
 * fopen look like Linux's.  Output: values only, no pids or addresses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIG (1 << 20)

static uint64_t fnv(uint64_t h, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

static void lines(void)
{
	int fds[2];
	if (pipe(fds) < 0) {
		perror("pipe");
		exit(1);
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		FILE *w = fdopen(fds[1], "w");
		for (int i = 1; i <= 5; i++)
			fprintf(w, "line %d: %d squared is %d\n", i, i, i * i);
		fclose(w);
		_exit(0);
	}
	close(fds[1]);
	FILE *r = fdopen(fds[0], "r");
	char buf[128];
	while (fgets(buf, sizeof buf, r))
		printf("parent read: %s", buf);
	fclose(r);
	int st;
	waitpid(pid, &st, 0);
	printf("child exited %d\n", WEXITSTATUS(st));
}

static void transfer(void)
{
	int fds[2];
	pipe2(fds, O_CLOEXEC);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		unsigned char *src = malloc(BIG);
		for (size_t i = 0; i < BIG; i++)
			src[i] = (unsigned char)(i * 131 + (i >> 10));
		size_t off = 0;
		while (off < BIG) {
			ssize_t w = write(fds[1], src + off, BIG - off < 70000 ? BIG - off : 70000);
			if (w <= 0)
				_exit(2);
			off += (size_t)w;
		}
		_exit(0);
	}
	close(fds[1]);
	static unsigned char buf[32768];
	uint64_t h = 1469598103934665603ULL, want = h;
	size_t total = 0;
	ssize_t n;
	while ((n = read(fds[0], buf, sizeof buf)) > 0) {
		h = fnv(h, buf, (size_t)n);
		total += (size_t)n;
	}
	for (size_t i = 0; i < BIG; i++) {
		unsigned char c = (unsigned char)(i * 131 + (i >> 10));
		want = fnv(want, &c, 1);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("transfer: %zu bytes, checksum %s, writer status %d\n", total,
	       h == want ? "right" : "WRONG", WEXITSTATUS(st));
	close(fds[0]);
}

static void errors(void)
{
	int fds[2];
	pipe2(fds, O_NONBLOCK);
	char c;
	errno = 0;
	printf("nonblocking empty read: %zd (%s)\n", read(fds[0], &c, 1), strerror(errno));
	printf("F_GETFL has O_NONBLOCK: %d\n", (fcntl(fds[0], F_GETFL) & O_NONBLOCK) != 0);
	struct stat st;
	fstat(fds[1], &st);
	printf("fstat: %s\n", S_ISFIFO(st.st_mode) ? "FIFO" : "not a FIFO");
	close(fds[0]);
	/* blocked, SIGPIPE would stay pending (and kill the process when
	 * unblocked): the blocked write is done by a child that exits */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		sigprocmask(SIG_BLOCK, &set, NULL);
		errno = 0;
		ssize_t r = write(fds[1], "x", 1);
		_exit(r == -1 && errno == EPIPE ? 32 : 1);
	}
	int ws;
	waitpid(pid, &ws, 0);
	printf("write with no reader, SIGPIPE blocked: exit %d (32: EPIPE)\n", WEXITSTATUS(ws));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		write(fds[1], "x", 1);
		_exit(0);
	}
	waitpid(pid, &ws, 0);
	printf("writer without a reader: %s\n",
	       WIFSIGNALED(ws) ? strsignal(WTERMSIG(ws)) : "exited");
	close(fds[1]);
}

static void proc_self(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[512];
	int vm = 0, pid_ok = 0;
	while (f && fgets(line, sizeof line, f)) {
		if (!strncmp(line, "VmSize:", 7) || !strncmp(line, "VmRSS:", 6))
			vm++;
		if (!strncmp(line, "Pid:", 4) && atoi(line + 4) == getpid())
			pid_ok = 1;
	}
	if (f)
		fclose(f);
	printf("/proc/self/status: Pid %s, VmSize and VmRSS %s\n", pid_ok ? "right" : "WRONG",
	       vm == 2 ? "present" : "MISSING");
	f = fopen("/proc/self/maps", "r");
	int regions = 0, stack = 0, wellformed = 1;
	while (f && fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || lo >= hi || strlen(perms) != 4)
			wellformed = 0;
		regions++;
		if (strstr(line, "[stack]"))
			stack = 1;
	}
	if (f)
		fclose(f);
	printf("/proc/self/maps: %s, several regions %s, [stack] %s\n",
	       wellformed ? "well formed" : "MALFORMED", regions > 3 ? "yes" : "no",
	       stack ? "present" : "MISSING");
}

int main(void)
{
	lines();
	transfer();
	errors();
	proc_self();
	return 0;
}
